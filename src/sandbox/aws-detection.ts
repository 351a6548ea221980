/**
 * Amazon Inspector's BatchGetAccountStatus and AWS Security Hub's DescribeHub over REST-JSON, enough for
 * the unmodified `@aws-sdk/client-inspector2` and `@aws-sdk/client-securityhub` clients (signed for
 * `inspector2` and `securityhub`). Errors carry the `x-amzn-ErrorType` header and a JSON body.
 *
 * - Inspector API reference, BatchGetAccountStatus: POST /status/batch/get, body `{accountIds?}` (the
 *   caller when absent); answer `{accounts: [{accountId, state: {status, errorCode, errorMessage},
 *   resourceState: {ec2, ecr, lambda, lambdaCode: State}}], failedAccounts: [{accountId, status,
 *   resourceStatus, errorCode, errorMessage}]}`; status ENABLING | ENABLED | DISABLING | DISABLED |
 *   SUSPENDING | SUSPENDED. Another account than the caller (no delegated administrator here) is a failed
 *   account with errorCode ACCESS_DENIED. Errors `{message}`: AccessDeniedException (403),
 *   ThrottlingException (429), InternalServerException (500), ValidationException (400).
 * - Security Hub API reference, DescribeHub: GET /accounts (HubArn query optional); answer `{HubArn,
 *   SubscribedAt, AutoEnableControls, ControlFindingGenerator}`. Errors `{Code, Message}`:
 *   InvalidAccessException (401) when the account is not subscribed to Security Hub in the region,
 *   AccessDeniedException (403), LimitExceededException (429), InternalException (500).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallLog } from './calls.js';
import { accountOfAccessKey, parseAuthorization } from './aws-credentials.js';
import type { AwsRecording } from './estate/aws-recording.js';
import { inspectorIn, securityHubIn } from './estate/aws-services.js';
import type { FaultInjector } from './faults.js';
import { send, sleep, SandboxApiError, type ProviderHandler } from './http.js';

const MAX_REQUEST_BYTES = 64 * 1024;

interface DetectionEstate {
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
}

type Service = 'inspector2' | 'securityhub';

/** Each service's error codes for the fault knobs and denials. */
const ERRORS: Record<Service, { denied: string; throttle: string; server: string; shape: (code: string, message: string) => string }> = {
  inspector2: { denied: 'AccessDeniedException', throttle: 'ThrottlingException', server: 'InternalServerException', shape: (_code, message) => JSON.stringify({ message }) },
  securityhub: { denied: 'AccessDeniedException', throttle: 'LimitExceededException', server: 'InternalException', shape: (code, message) => JSON.stringify({ Code: code, Message: message }) },
};

export class AwsDetectionHandler implements ProviderHandler {
  readonly provider = 'aws' as const;
  private readonly subscribedAt: string;

  constructor(
    private readonly estate: DetectionEstate,
    private readonly faults: FaultInjector,
    private readonly calls: CallLog,
    private readonly recording: () => AwsRecording,
  ) {
    this.subscribedAt = new Date(faults.date().getTime() - 200 * 86_400_000).toISOString();
  }

  matches(req: IncomingMessage): boolean {
    const service = parseAuthorization(req.headers.authorization)?.service;
    return service === 'inspector2' || service === 'securityhub';
  }

  async handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const credential = parseAuthorization(req.headers.authorization);
    const service: Service = credential?.service === 'securityhub' ? 'securityhub' : 'inspector2';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const operation =
      service === 'inspector2' && req.method === 'POST' && path === '/status/batch/get' ? 'BatchGetAccountStatus' : service === 'securityhub' && req.method === 'GET' && path === '/accounts' ? 'DescribeHub' : `${req.method ?? ''} ${path}`;
    const region = credential?.region ?? '';
    const errors = ERRORS[service];
    let account = '';
    try {
      if (body.length > MAX_REQUEST_BYTES) throw new SandboxApiError(413, 'ValidationException', 'Request body too large');
      const key = accountOfAccessKey(credential?.accessKeyId ?? '');
      if (!key || !this.estate.accounts.includes(key)) throw new SandboxApiError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      account = key;
      await sleep(this.faults.latencyMs());
      if (operation !== 'BatchGetAccountStatus' && operation !== 'DescribeHub') throw new SandboxApiError(404, 'UnknownOperationException', `Operation ${operation} is not supported by the kansa sandbox`);
      const decision = this.recording().denies(`${service}:${operation}`) ? ({ kind: 'accessDenied' } as const) : this.faults.decide(account);
      switch (decision.kind) {
        case 'none':
          break;
        case 'accessDenied':
          throw new SandboxApiError(403, errors.denied, `User: arn:aws:sts::${account}:assumed-role/kansa-reader/kansa is not authorized to perform: ${service}:${operation}`);
        case 'throttle':
          throw new SandboxApiError(429, errors.throttle, 'Rate exceeded');
        case 'serverError':
          throw new SandboxApiError(500, errors.server, 'Internal server error');
      }
      const regionIndex = this.estate.regions.indexOf(region);
      const accountIndex = this.estate.accounts.indexOf(account);
      const answer = operation === 'BatchGetAccountStatus' ? this.accountStatus(account, accountIndex, regionIndex, body) : this.hub(account, accountIndex, regionIndex, region);
      send(res, 200, this.headers(), answer);
      this.calls.record({ provider: 'aws', operation, account, region, status: 200 });
    } catch (error) {
      const apiError = error instanceof SandboxApiError ? error : new SandboxApiError(500, errors.server, 'Internal server error');
      send(res, apiError.status, { ...this.headers(), 'x-amzn-ErrorType': apiError.code }, errors.shape(apiError.code, apiError.message));
      this.calls.record({ provider: 'aws', operation, account, region, status: apiError.status, error: apiError.code });
    }
  }

  private accountStatus(caller: string, accountIndex: number, regionIndex: number, body: Buffer): string {
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      throw new SandboxApiError(400, 'ValidationException', 'Request body is not valid JSON');
    }
    const ids = (input as { accountIds?: unknown }).accountIds ?? [caller];
    if (!Array.isArray(ids) || ids.length > 10 || ids.some((id) => typeof id !== 'string' || !/^\d{12}$/.test(id))) throw new SandboxApiError(400, 'ValidationException', 'accountIds must be 1 to 10 twelve-digit account ids');
    const accounts: unknown[] = [];
    const failedAccounts: unknown[] = [];
    for (const id of ids as string[]) {
      if (id !== caller) {
        failedAccounts.push({ accountId: id, status: 'DISABLED', resourceStatus: { ec2: 'DISABLED', ecr: 'DISABLED' }, errorCode: 'ACCESS_DENIED', errorMessage: `The caller is not the delegated administrator of account ${id}` });
        continue;
      }
      const s = inspectorIn(accountIndex, regionIndex);
      const state = (status: string): { status: string } => ({ status });
      accounts.push({ accountId: id, state: state(s.status), resourceState: { ec2: state(s.ec2), ecr: state(s.ecr), lambda: state(s.lambda), lambdaCode: state(s.lambdaCode) } });
    }
    return JSON.stringify({ accounts, failedAccounts });
  }

  private hub(account: string, accountIndex: number, regionIndex: number, region: string): string {
    if (!securityHubIn(accountIndex, regionIndex)) throw new SandboxApiError(401, 'InvalidAccessException', `Account ${account} is not subscribed to AWS Security Hub`);
    return JSON.stringify({ HubArn: `arn:aws:securityhub:${region}:${account}:hub/default`, SubscribedAt: this.subscribedAt, AutoEnableControls: true, ControlFindingGenerator: 'SECURITY_CONTROL' });
  }

  private headers(): Record<string, string> {
    return { 'Content-Type': 'application/json', 'x-amzn-RequestId': randomUUID(), Date: this.faults.date().toUTCString() };
  }
}
