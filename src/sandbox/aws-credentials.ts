/**
 * The sandbox's AWS credential convention, part of its wire contract: the SigV4 access key id names the
 * account (`ASIASANDBOX` + 12 digits), the way AWS maps keys to accounts; signatures are not verified.
 * The collectors' sandbox clients (collectors/sandbox.ts) sign with these; the server reads them back.
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
