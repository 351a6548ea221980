/**
 * AWS STS `GetCallerIdentity` over the query protocol (POST / with a form-encoded `Action`, XML answer),
 * enough for the unmodified `@aws-sdk/client-sts` client. The answer names the account of the signing
 * access key (aws-credentials.ts), so a collector signing with another account's key learns whose it is.
 * API reference, GetCallerIdentity: no permission is needed and an explicit deny does not stop it, so no
 * access fault applies; the response is `GetCallerIdentityResult` with `Account`, `Arn`, `UserId`, and
 * errors are `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallLog } from './calls.js';
import { accountOfAccessKey, parseAuthorization } from './aws-credentials.js';
import type { FaultInjector } from './faults.js';
import { send, sleep, SandboxApiError, type ProviderHandler } from './http.js';

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const MAX_REQUEST_BYTES = 64 * 1024;
/** The role the sandbox pretends every caller assumed (the name in deploy/iam/README.md). */
const ROLE = 'kansa-reader';

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export class AwsStsHandler implements ProviderHandler {
  readonly provider = 'aws' as const;

  constructor(
    private readonly accounts: () => readonly string[],
    private readonly faults: FaultInjector,
    private readonly calls: CallLog,
  ) {}

  matches(req: IncomingMessage): boolean {
    return req.method === 'POST' && parseAuthorization(req.headers.authorization)?.service === 'sts';
  }

  async handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const credential = parseAuthorization(req.headers.authorization);
    const params = new URLSearchParams(body.length > MAX_REQUEST_BYTES ? '' : body.toString('utf8'));
    const operation = params.get('Action') ?? '(none)';
    let account = '';
    const requestId = randomUUID();
    try {
      const key = accountOfAccessKey(credential?.accessKeyId ?? '');
      if (!key || !this.accounts().includes(key)) throw new SandboxApiError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
      account = key;
      await sleep(this.faults.latencyMs());
      if (operation !== 'GetCallerIdentity') throw new SandboxApiError(400, 'InvalidAction', `Could not find operation ${operation} for version 2011-06-15`);
      const result =
        `<GetCallerIdentityResponse xmlns="${NAMESPACE}"><GetCallerIdentityResult>` +
        `<Arn>arn:aws:sts::${account}:assumed-role/${ROLE}/kansa</Arn><UserId>AROASANDBOX${account}:kansa</UserId><Account>${account}</Account>` +
        `</GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
      send(res, 200, this.headers(requestId), result);
      this.calls.record({ provider: 'aws', operation, account, region: credential?.region ?? '', status: 200 });
    } catch (error) {
      const apiError = error instanceof SandboxApiError ? error : new SandboxApiError(500, 'InternalFailure', 'An internal error occurred.');
      const type = apiError.status >= 500 ? 'Receiver' : 'Sender';
      send(
        res,
        apiError.status,
        this.headers(requestId),
        `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${type}</Type><Code>${apiError.code}</Code><Message>${xmlEscape(apiError.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
      this.calls.record({ provider: 'aws', operation, account, region: credential?.region ?? '', status: apiError.status, error: apiError.code });
    }
  }

  private headers(requestId: string): Record<string, string> {
    return { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId, Date: this.faults.date().toUTCString() };
  }
}
