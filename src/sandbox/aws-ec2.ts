/**
 * EC2's DescribeSnapshots and DescribeImages over the EC2 query protocol, enough for the unmodified
 * `@aws-sdk/client-ec2` client (its AwsEc2QueryProtocol): POST / with a form-encoded `Action`,
 * `Version=2016-11-15` and list members as `Name.1`, `Name.2`…; XML answers in the
 * `http://ec2.amazonaws.com/doc/2016-11-15/` namespace with lists as `<xxxSet><item>`. EC2 API reference:
 *
 * - DescribeSnapshots: `Owner.N` (account ids, `self`, `amazon`), `RestorableBy.N` (account ids, `self`,
 *   `all`), `MaxResults` (5–1000), `NextToken`. With both, the answer is the intersection: owner `self`
 *   and restorable by `all` lists exactly the caller's public snapshots. `<snapshotSet><item>` with
 *   snapshotId, volumeId, status, startTime, progress, ownerId, volumeSize, description, encrypted.
 * - DescribeImages: `Owner.N`, `ExecutableBy.N` (account ids, `self`, `all`), `MaxResults`, `NextToken`;
 *   `<imagesSet><item>` with imageId, imageLocation, imageState, imageOwnerId, creationDate, isPublic,
 *   architecture, imageType, name, rootDeviceType, virtualizationType.
 * - Pagination ("Pagination" in the EC2 API reference): `<nextToken>` while more items remain; EC2 may
 *   answer fewer than MaxResults (the `ec2PageLimit` knob does so).
 * - Errors ("Error codes"): `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`;
 *   UnauthorizedOperation (403), RequestLimitExceeded (503), InternalError (500), InvalidParameterValue
 *   and InvalidPaginationToken (400).
 *
 * Filters (`Filter.N`) are not imitated: a request with one is refused, so a collector that starts
 * using them fails loudly here instead of being answered differently than AWS would.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallLog } from './calls.js';
import { accountOfAccessKey, parseAuthorization } from './aws-credentials.js';
import type { AwsRecording } from './estate/aws-recording.js';
import { FOREIGN_OWNER, imagesIn, snapshotsIn } from './estate/aws-services.js';
import { hashParts, hex8 } from './estate/random.js';
import type { FaultInjector } from './faults.js';
import { send, sleep, SandboxApiError, type ProviderHandler } from './http.js';

const NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const VERSION = '2016-11-15';
const MAX_REQUEST_BYTES = 64 * 1024;
const MIN_RESULTS = 5;
const MAX_RESULTS = 1000;

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

interface Ec2Estate {
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
}

/** The `Name.1`, `Name.2`… members of a query list. */
function listParam(params: URLSearchParams, name: string): string[] | undefined {
  const values: string[] = [];
  for (let i = 1; params.has(`${name}.${i}`); i++) values.push(params.get(`${name}.${i}`)!);
  return values.length > 0 ? values : undefined;
}

export class AwsEc2Handler implements ProviderHandler {
  readonly provider = 'aws' as const;
  private readonly created: string;

  constructor(
    private readonly estate: Ec2Estate,
    private readonly faults: FaultInjector,
    private readonly calls: CallLog,
    private readonly recording: () => AwsRecording,
  ) {
    this.created = new Date(faults.date().getTime() - 90 * 86_400_000).toISOString();
  }

  matches(req: IncomingMessage): boolean {
    return req.method === 'POST' && parseAuthorization(req.headers.authorization)?.service === 'ec2';
  }

  async handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const credential = parseAuthorization(req.headers.authorization);
    const params = new URLSearchParams(body.length > MAX_REQUEST_BYTES ? '' : body.toString('utf8'));
    const operation = params.get('Action') ?? '(none)';
    const region = credential?.region ?? '';
    let account = '';
    const requestId = randomUUID();
    try {
      const key = accountOfAccessKey(credential?.accessKeyId ?? '');
      if (!key || !this.estate.accounts.includes(key)) throw new SandboxApiError(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
      account = key;
      await sleep(this.faults.latencyMs());
      if (params.get('Version') !== VERSION) throw new SandboxApiError(400, 'InvalidParameterValue', `Version ${params.get('Version') ?? '(none)'} is not supported; expected ${VERSION}`);
      if (operation !== 'DescribeSnapshots' && operation !== 'DescribeImages') throw new SandboxApiError(400, 'InvalidAction', `The action ${operation} is not valid for this web service (kansa sandbox).`);
      const decision = this.recording().denies(`ec2:${operation}`) ? ({ kind: 'accessDenied' } as const) : this.faults.decide(account);
      switch (decision.kind) {
        case 'none':
          break;
        case 'accessDenied':
          throw new SandboxApiError(403, 'UnauthorizedOperation', 'You are not authorized to perform this operation.');
        case 'throttle':
          throw new SandboxApiError(503, 'RequestLimitExceeded', 'Request limit exceeded.');
        case 'serverError':
          throw new SandboxApiError(500, 'InternalError', 'An internal error has occurred.');
      }
      if ([...params.keys()].some((k) => k.startsWith('Filter.'))) throw new SandboxApiError(400, 'InvalidParameterValue', 'Filters are not supported by the kansa sandbox');
      const result = operation === 'DescribeSnapshots' ? this.snapshots(account, region, params) : this.images(account, region, params);
      send(res, 200, this.headers(), `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${NAMESPACE}"><requestId>${requestId}</requestId>${result}</${operation}Response>`);
      this.calls.record({ provider: 'aws', operation, account, region, status: 200 });
    } catch (error) {
      const apiError = error instanceof SandboxApiError ? error : new SandboxApiError(500, 'InternalError', 'An internal error has occurred.');
      send(
        res,
        apiError.status,
        this.headers(),
        `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${apiError.code}</Code><Message>${xmlEscape(apiError.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      );
      this.calls.record({ provider: 'aws', operation, account, region, status: apiError.status, error: apiError.code });
    }
  }

  /** `self` is the caller, `amazon` the foreign owner of the public images and snapshots. */
  private owners(caller: string, params: URLSearchParams): Set<string> | undefined {
    const owners = listParam(params, 'Owner');
    return owners ? new Set(owners.map((o) => (o === 'self' ? caller : o === 'amazon' ? FOREIGN_OWNER : o))) : undefined;
  }

  private snapshots(caller: string, region: string, params: URLSearchParams): string {
    const owners = this.owners(caller, params);
    const restorable = listParam(params, 'RestorableBy');
    // Without owners or restorable-by: what the caller can restore, its own and the public ones.
    const visible = snapshotsIn(this.estate.accounts, this.estate.regions.indexOf(region)).filter((s) => s.owner === caller || s.public);
    const items = visible
      .filter((s) => !owners || owners.has(s.owner))
      .filter((s) => !restorable || restorable.some((r) => (r === 'all' ? s.public : s.public || s.owner === (r === 'self' ? caller : r))));
    const page = this.page(items, params, 'DescribeSnapshots', caller, region);
    const members = page.items
      .map(
        (s) =>
          `<item><snapshotId>${s.id}</snapshotId><volumeId>${s.volumeId}</volumeId><status>completed</status><startTime>${this.created}</startTime><progress>100%</progress>` +
          `<ownerId>${s.owner}</ownerId><volumeSize>8</volumeSize><description>${xmlEscape(`backup of ${s.volumeId}`)}</description><encrypted>${String(!s.public)}</encrypted><storageTier>standard</storageTier></item>`,
      )
      .join('');
    return `<snapshotSet>${members}</snapshotSet>${page.next ? `<nextToken>${page.next}</nextToken>` : ''}`;
  }

  private images(caller: string, region: string, params: URLSearchParams): string {
    const owners = this.owners(caller, params);
    const executable = listParam(params, 'ExecutableBy');
    const visible = imagesIn(this.estate.accounts, this.estate.regions.indexOf(region)).filter((i) => i.owner === caller || i.public);
    const items = visible
      .filter((i) => !owners || owners.has(i.owner))
      .filter((i) => !executable || executable.some((e) => (e === 'all' ? i.public : i.public || i.owner === (e === 'self' ? caller : e))));
    const page = this.page(items, params, 'DescribeImages', caller, region);
    const members = page.items
      .map(
        (i) =>
          `<item><imageId>${i.id}</imageId><imageLocation>${i.owner}/${xmlEscape(i.name)}</imageLocation><imageState>available</imageState><imageOwnerId>${i.owner}</imageOwnerId>` +
          `<creationDate>${this.created}</creationDate><isPublic>${String(i.public)}</isPublic><architecture>x86_64</architecture><imageType>machine</imageType>` +
          `<name>${xmlEscape(i.name)}</name><rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName><virtualizationType>hvm</virtualizationType><hypervisor>xen</hypervisor></item>`,
      )
      .join('');
    return `<imagesSet>${members}</imagesSet>${page.next ? `<nextToken>${page.next}</nextToken>` : ''}`;
  }

  /** One page of `items`; the token names the offset and the query it belongs to. */
  private page<T>(items: readonly T[], params: URLSearchParams, operation: string, caller: string, region: string): { items: T[]; next?: string } {
    const raw = params.get('MaxResults');
    const max = raw === null ? undefined : Number(raw);
    if (max !== undefined && (!Number.isInteger(max) || max < MIN_RESULTS || max > MAX_RESULTS)) {
      throw new SandboxApiError(400, 'InvalidParameterValue', `Value (${raw ?? ''}) for parameter maxResults is invalid. Expecting a value between ${MIN_RESULTS} and ${MAX_RESULTS}.`);
    }
    const query = [...params.entries()].filter(([k]) => k !== 'NextToken' && k !== 'MaxResults').sort().map(([k, v]) => `${k}=${v}`).join('&');
    const key = hex8(hashParts(operation, caller, region, query));
    let offset = 0;
    const token = params.get('NextToken');
    if (token) {
      const m = /^(\d{1,6})\.([0-9a-f]{8})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
      if (!m?.[1] || m[2] !== key || Number(m[1]) > items.length) throw new SandboxApiError(400, 'InvalidPaginationToken', `The pagination token is invalid.`);
      offset = Number(m[1]);
    }
    // Without MaxResults EC2 answers everything at once; the page limit knob answers fewer than asked.
    const limit = Math.min(max ?? items.length, this.recording().ec2PageLimit ?? Number.MAX_SAFE_INTEGER);
    const page = items.slice(offset, offset + Math.max(1, limit));
    const end = offset + page.length;
    return end < items.length ? { items: page, next: Buffer.from(`${end}.${key}`, 'utf8').toString('base64url') } : { items: page };
  }

  private headers(): Record<string, string> {
    return { 'Content-Type': 'text/xml;charset=UTF-8', Date: this.faults.date().toUTCString() };
  }
}
