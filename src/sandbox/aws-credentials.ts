/**
 * The sandbox's AWS credential convention, part of its wire contract: the SigV4 access key id names the
 * account (`ASIASANDBOX` + 12 digits), the way AWS maps keys to accounts; signatures are not verified.
 * The collectors' sandbox clients (collectors/aws/sandbox-clients.ts) sign with these; the server reads them back.
 */
const ACCESS_KEY_PREFIX = 'ASIASANDBOX';
/** Any secret is accepted; this is the one credentialsFor hands out. */
export const AWS_SANDBOX_SECRET = 'kansa-sandbox-secret-access-key';

export function sandboxAccessKeyFor(account: string): string {
  if (!/^\d{12}$/.test(account)) throw new Error(`sandbox: ${account} is not a 12-digit AWS account id`);
  return `${ACCESS_KEY_PREFIX}${account}`;
}

export function accountOfAccessKey(accessKeyId: string): string | undefined {
  const m = /^ASIASANDBOX(\d{12})$/.exec(accessKeyId);
  return m?.[1];
}

export interface SigV4Credential {
  readonly accessKeyId: string;
  /** The credential scope's region. */
  readonly region: string;
  /** The credential scope's service (`config`, `sts`, `account`). */
  readonly service: string;
}

/** The credential scope of a SigV4 `Authorization` header (`Credential=<key>/<date>/<region>/<service>/aws4_request`). */
export function parseAuthorization(header: string | undefined): SigV4Credential | undefined {
  if (!header) return undefined;
  const m = /Credential=([^/,\s]+)\/\d{8}\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/.exec(header);
  return m?.[1] && m[2] && m[3] ? { accessKeyId: m[1], region: m[2], service: m[3] } : undefined;
}
