/**
 * AWS STS over the query protocol (POST / with a form-encoded `Action`, XML answer), enough for the
 * unmodified `@aws-sdk/client-sts` client and the SDK's temporary-credentials provider
 * (`fromTemporaryCredentials` in @aws-sdk/credential-providers).
 *
 * - GetCallerIdentity (API reference): no permission is needed and an explicit deny does not stop it, so
 *   no access fault applies; `GetCallerIdentityResult` names the account of the signing access key
 *   (aws-credentials.ts) and, for temporary credentials, the assumed role and session.
 * - AssumeRole (API reference): `RoleArn`, `RoleSessionName` (2–64 of [\w+=,.@-]), `ExternalId`,
 *   `DurationSeconds` (900 up to the role's maximum session duration, 3600 by default). The estate's roles
 *   are estate/aws-recording.ts's `KansaReadOnly` in every account, trusting the management account,
 *   with an external id condition when `roleExternalId` is set. A caller the trust policy does not allow,
 *   a role that does not exist or an external id that does not match is `AccessDenied` (HTTP 403, "User:
 *   … is not authorized to perform: sts:AssumeRole on resource: …", as the IAM User Guide's
 *   troubleshooting shows). `AssumeRoleResult` carries `Credentials` (AccessKeyId, SecretAccessKey,
 *   SessionToken, Expiration) and `AssumedRoleUser` (AssumedRoleId, Arn). The temporary access key names
 *   the role's account, so later calls signed with it are attributed there, as AWS attributes them.
 *
 * Errors are `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallLog } from './calls.js';
import { accountOfAccessKey, AWS_SANDBOX_SECRET, parseAuthorization, sandboxAccessKeyFor } from './aws-credentials.js';
import { SANDBOX_ROLE_NAME, type AwsRecording } from './estate/aws-recording.js';
import type { FaultInjector } from './faults.js';
import { send, sleep, SandboxApiError, type ProviderHandler } from './http.js';

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const MAX_REQUEST_BYTES = 64 * 1024;
/** The role the sandbox says a caller with long-term sandbox keys assumed (the name in deploy/iam/README.md). */
const DEFAULT_ROLE = 'kansa-reader';
const SESSION_TOKEN_PREFIX = 'KansaSandboxSession.';
/** IAM roles' default maximum session duration; AssumeRole's minimum. */
const MAX_SESSION_SECONDS = 3600;
const MIN_SESSION_SECONDS = 900;

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

interface Session {
  readonly account: string;
  readonly role: string;
  readonly session: string;
}

/** The session token names the assumed role and session, so GetCallerIdentity can say who is calling. */
function sessionToken(session: Session): string {
  return SESSION_TOKEN_PREFIX + Buffer.from(JSON.stringify([session.account, session.role, session.session]), 'utf8').toString('base64url');
}

function sessionOf(token: string | undefined, account: string): Session | undefined {
  if (!token?.startsWith(SESSION_TOKEN_PREFIX)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token.slice(SESSION_TOKEN_PREFIX.length), 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((p) => typeof p === 'string')) return undefined;
    const [owner, role, session] = parsed as [string, string, string];
    return owner === account ? { account, role, session } : undefined;
  } catch {
    return undefined;
  }
}

export interface StsEstate {
  readonly accounts: readonly string[];
  readonly managementAccount: string;
}

export class AwsStsHandler implements ProviderHandler {
  readonly provider = 'aws' as const;

  constructor(
    private readonly estate: StsEstate,
    private readonly faults: FaultInjector,
    private readonly calls: CallLog,
    /** Read on every request: the roles' external id can change between scans. */
    private readonly recording: () => AwsRecording,
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
      if (!key || !this.estate.accounts.includes(key)) throw new SandboxApiError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
      account = key;
      const token = req.headers['x-amz-security-token'];
      const caller = sessionOf(typeof token === 'string' ? token : undefined, account);
      await sleep(this.faults.latencyMs());
      let result: string;
      if (operation === 'GetCallerIdentity') result = this.getCallerIdentity(account, caller);
      else if (operation === 'AssumeRole') result = this.assumeRole(account, caller, params);
      else throw new SandboxApiError(400, 'InvalidAction', `Could not find operation ${operation} for version 2011-06-15`);
      send(res, 200, this.headers(requestId), `<${operation}Response xmlns="${NAMESPACE}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`);
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

  private getCallerIdentity(account: string, caller: Session | undefined): string {
    const role = caller?.role ?? DEFAULT_ROLE;
    const session = caller?.session ?? 'kansa';
    return (
      `<GetCallerIdentityResult><Arn>arn:aws:sts::${account}:assumed-role/${xmlEscape(role)}/${xmlEscape(session)}</Arn>` +
      `<UserId>AROASANDBOX${account}:${xmlEscape(session)}</UserId><Account>${account}</Account></GetCallerIdentityResult>`
    );
  }

  private assumeRole(account: string, caller: Session | undefined, params: URLSearchParams): string {
    const roleArn = params.get('RoleArn') ?? '';
    const sessionName = params.get('RoleSessionName') ?? '';
    if (roleArn.length < 20 || roleArn.length > 2048) throw validation(`Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must have length between 20 and 2048`);
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      throw validation(`Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64`);
    }
    const durationText = params.get('DurationSeconds');
    const duration = durationText === null ? MAX_SESSION_SECONDS : Number(durationText);
    if (!Number.isInteger(duration) || duration < MIN_SESSION_SECONDS) throw validation(`Value '${durationText ?? ''}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to ${MIN_SESSION_SECONDS}`);
    if (duration > MAX_SESSION_SECONDS) throw validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');

    const principal = caller ? `arn:aws:sts::${account}:assumed-role/${caller.role}/${caller.session}` : `arn:aws:iam::${account}:user/kansa`;
    const denied = new SandboxApiError(403, 'AccessDenied', `User: ${principal} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    const target = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(roleArn);
    // The role must exist; its trust policy allows the management account only, and requires the
    // external id when one is set. AWS does not say which of these failed: every case is AccessDenied.
    if (!target?.[1] || target[2] !== SANDBOX_ROLE_NAME || !this.estate.accounts.includes(target[1])) throw denied;
    if (account !== this.estate.managementAccount) throw denied;
    const required = this.recording().roleExternalId;
    if (required !== undefined && params.get('ExternalId') !== required) throw denied;

    const roleAccount = target[1];
    const expiration = new Date(this.faults.date().getTime() + duration * 1000);
    return (
      `<AssumeRoleResult><Credentials><AccessKeyId>${sandboxAccessKeyFor(roleAccount)}</AccessKeyId><SecretAccessKey>${AWS_SANDBOX_SECRET}</SecretAccessKey>` +
      `<SessionToken>${sessionToken({ account: roleAccount, role: SANDBOX_ROLE_NAME, session: sessionName })}</SessionToken>` +
      `<Expiration>${expiration.toISOString()}</Expiration></Credentials>` +
      `<AssumedRoleUser><AssumedRoleId>AROASANDBOX${roleAccount}:${xmlEscape(sessionName)}</AssumedRoleId>` +
      `<Arn>arn:aws:sts::${roleAccount}:assumed-role/${SANDBOX_ROLE_NAME}/${xmlEscape(sessionName)}</Arn></AssumedRoleUser></AssumeRoleResult>`
    );
  }

  private headers(requestId: string): Record<string, string> {
    return { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId, Date: this.faults.date().toUTCString() };
  }
}

function validation(message: string): SandboxApiError {
  return new SandboxApiError(400, 'ValidationError', message);
}
