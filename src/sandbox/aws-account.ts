/**
 * The AWS Account Management API's `ListRegions` over REST-JSON (POST /listRegions), enough for the
 * unmodified `@aws-sdk/client-account` client: region discovery answers what `enabledRegions` says.
 * API reference, ListRegions: body `{AccountId?, MaxResults? (1–50), NextToken?, RegionOptStatusContains?}`;
 * answer `{Regions: [{RegionName, RegionOptStatus}], NextToken?}` with RegionOptStatus ENABLED | ENABLING |
 * DISABLING | DISABLED | ENABLED_BY_DEFAULT; without AccountId it answers for the caller's account; the
 * management account may not name itself (ValidationException); naming another account needs the
 * management account. Errors are REST-JSON: `x-amzn-ErrorType` header and `{"message"}`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallLog } from './calls.js';
import { accountOfAccessKey, parseAuthorization } from './aws-credentials.js';
import type { AwsRecording } from './estate/aws-recording.js';
import { hashParts, hex8 } from './estate/random.js';
import type { FaultInjector } from './faults.js';
import { send, sleep, SandboxApiError, type ProviderHandler } from './http.js';

const MAX_REQUEST_BYTES = 64 * 1024;
const MAX_RESULTS = 50;
const OPT_STATUSES = ['ENABLED', 'ENABLING', 'DISABLING', 'DISABLED', 'ENABLED_BY_DEFAULT'] as const;

/**
 * Opt-in regions (AWS General Reference, "Managing AWS Regions": regions launched after 20 March 2019
 * are disabled by default). Enabled ones report ENABLED, the rest DISABLED; any other enabled region
 * reports ENABLED_BY_DEFAULT.
 */
const OPT_IN_REGIONS: readonly string[] = [
  'af-south-1', 'ap-east-1', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7', 'ca-west-1',
  'eu-central-2', 'eu-south-1', 'eu-south-2', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1',
];

interface Estate {
  readonly accounts: readonly string[];
  readonly managementAccount: string;
}

export class AwsAccountHandler implements ProviderHandler {
  readonly provider = 'aws' as const;

  constructor(
    private readonly estate: Estate,
    private readonly faults: FaultInjector,
    private readonly calls: CallLog,
    private readonly recording: () => AwsRecording,
  ) {}

  matches(req: IncomingMessage): boolean {
    return req.method === 'POST' && parseAuthorization(req.headers.authorization)?.service === 'account';
  }

  async handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const credential = parseAuthorization(req.headers.authorization);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const operation = path === '/listRegions' ? 'ListRegions' : path.replace(/^\//, '') || '(none)';
    let account = '';
    try {
      if (body.length > MAX_REQUEST_BYTES) throw new SandboxApiError(413, 'ValidationException', 'Request body too large');
      const key = accountOfAccessKey(credential?.accessKeyId ?? '');
      if (!key || !this.estate.accounts.includes(key)) throw new SandboxApiError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      account = key;
      await sleep(this.faults.latencyMs());
      if (operation !== 'ListRegions') throw new SandboxApiError(404, 'UnknownOperationException', `Operation ${operation} is not supported by the kansa sandbox`);
      const decision = this.recording().denies('account:ListRegions') ? ({ kind: 'accessDenied' } as const) : this.faults.decide(account);
      switch (decision.kind) {
        case 'none':
          break;
        case 'accessDenied':
          throw new SandboxApiError(
            403,
            'AccessDeniedException',
            `User: arn:aws:sts::${account}:assumed-role/kansa-reader/kansa is not authorized to perform: account:ListRegions on resource: arn:aws:account::${account}:account`,
          );
        case 'throttle':
          // Account API reference, ListRegions errors: TooManyRequestsException, HTTP 429; no Retry-After is documented, none is sent.
          throw new SandboxApiError(429, 'TooManyRequestsException', 'Rate exceeded');
        case 'serverError':
          throw new SandboxApiError(500, 'InternalServerException', 'An internal error occurred.');
      }
      let input: unknown;
      try {
        input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      } catch {
        throw new SandboxApiError(400, 'ValidationException', 'Request body is not valid JSON');
      }
      send(res, 200, this.headers(), this.listRegions(account, typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {}));
      this.calls.record({ provider: 'aws', operation, account, region: credential?.region ?? '', status: 200 });
    } catch (error) {
      const apiError = error instanceof SandboxApiError ? error : new SandboxApiError(500, 'InternalServerException', 'An internal error occurred.');
      send(res, apiError.status, { ...this.headers(), 'x-amzn-ErrorType': apiError.code, ...apiError.headers }, JSON.stringify({ message: apiError.message }));
      this.calls.record({ provider: 'aws', operation, account, region: credential?.region ?? '', status: apiError.status, error: apiError.code });
    }
  }

  private listRegions(caller: string, input: Record<string, unknown>): string {
    const target = input.AccountId;
    if (target !== undefined && target !== null) {
      if (typeof target !== 'string' || !/^\d{12}$/.test(target)) throw new SandboxApiError(400, 'ValidationException', 'AccountId must be a 12-digit account id');
      if (target === caller && caller === this.estate.managementAccount) {
        throw new SandboxApiError(400, 'ValidationException', 'The management account can only be managed in the standalone context: do not specify AccountId');
      }
      if (target !== caller && caller !== this.estate.managementAccount) {
        throw new SandboxApiError(403, 'AccessDeniedException', `User: arn:aws:sts::${caller}:assumed-role/kansa-reader/kansa is not authorized to perform: account:ListRegions on resource: arn:aws:account::${target}:account`);
      }
    }
    const maxResults = input.MaxResults;
    if (maxResults !== undefined && maxResults !== null && (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS)) {
      throw new SandboxApiError(400, 'ValidationException', `MaxResults must be between 1 and ${MAX_RESULTS}`);
    }
    const filter = input.RegionOptStatusContains;
    if (filter !== undefined && filter !== null && (!Array.isArray(filter) || filter.some((f) => !(OPT_STATUSES as readonly unknown[]).includes(f)))) {
      throw new SandboxApiError(400, 'ValidationException', `RegionOptStatusContains members must be one of ${OPT_STATUSES.join(', ')}`);
    }
    const enabled = this.recording().enabledRegions;
    const all = [...new Set([...enabled, ...OPT_IN_REGIONS])].sort();
    const regions = all
      .map((RegionName) => ({
        RegionName,
        RegionOptStatus: !enabled.includes(RegionName) ? 'DISABLED' : OPT_IN_REGIONS.includes(RegionName) ? 'ENABLED' : 'ENABLED_BY_DEFAULT',
      }))
      .filter((r) => !Array.isArray(filter) || filter.includes(r.RegionOptStatus));
    const tokenKey = hex8(hashParts('listRegions', caller, JSON.stringify(filter ?? null)));
    let offset = 0;
    if (input.NextToken !== undefined && input.NextToken !== null && input.NextToken !== '') {
      const m = typeof input.NextToken === 'string' ? /^(\d{1,4})\.([0-9a-f]{8})$/.exec(Buffer.from(input.NextToken, 'base64url').toString('utf8')) : null;
      if (!m?.[1] || m[2] !== tokenKey || Number(m[1]) > regions.length) throw new SandboxApiError(400, 'ValidationException', 'The NextToken is invalid');
      offset = Number(m[1]);
    }
    const page = regions.slice(offset, offset + (typeof maxResults === 'number' ? maxResults : MAX_RESULTS));
    const next = offset + page.length;
    return JSON.stringify({ Regions: page, ...(next < regions.length ? { NextToken: Buffer.from(`${next}.${tokenKey}`, 'utf8').toString('base64url') } : {}) });
  }

  private headers(): Record<string, string> {
    return { 'Content-Type': 'application/json', 'x-amzn-RequestId': randomUUID(), Date: this.faults.date().toUTCString() };
  }
}
