/**
 * HTTP basic authentication against bcrypt hashes, as exporter-toolkit does it: an unknown user costs
 * the same bcrypt comparison as a known one (no user enumeration by timing), user names are compared
 * in constant time, comparisons run one at a time (bcrypt is CPU-bound: a burst of bad requests must
 * not starve scrapes and collection), and results are cached by a digest of (user, hash, password) so
 * a scrape every 15 s does not pay ~70 ms of bcrypt each time. The cache never holds a password.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** Cached verdicts; a fixed bound so garbage credentials cannot grow memory. */
const CACHE_SIZE = 128;
/** bcrypt only reads the first 72 bytes; longer passwords are refused (Go's bcrypt refuses them too). */
const BCRYPT_MAX_PASSWORD_BYTES = 72;

export const WWW_AUTHENTICATE = 'Basic realm="kansa", charset="UTF-8"';

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export function parseBasicAuthorization(header: string | undefined): { user: string; password: string } | undefined {
  if (!header) return undefined;
  const match = /^basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export class BasicAuthenticator {
  private readonly users: readonly { readonly digest: Buffer; readonly hash: string }[];
  /** What an unknown user is compared against: the costliest configured hash, so timing matches the worst real user. */
  private readonly decoy: string;
  private readonly cache = new Map<string, boolean>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(users: ReadonlyMap<string, string>) {
    this.users = [...users].map(([user, hash]) => ({ digest: sha256(user), hash }));
    this.decoy = [...users.values()].reduce((costliest, hash) => (bcrypt.getRounds(hash) > bcrypt.getRounds(costliest) ? hash : costliest), [...users.values()][0] ?? '');
  }

  get enabled(): boolean {
    return this.users.length > 0;
  }

  /** True when the Authorization header names a configured user with the right password (or no users are configured). */
  async check(authorization: string | undefined): Promise<boolean> {
    if (!this.enabled) return true;
    const credentials = parseBasicAuthorization(authorization);
    if (!credentials) return false;
    const digest = sha256(credentials.user);
    let hash: string | undefined;
    // Every configured user is compared, matched or not: the loop takes the same time for any name.
    for (const user of this.users) if (timingSafeEqual(user.digest, digest)) hash = user.hash;
    const compareWith = hash ?? this.decoy;
    const key = createHash('sha256').update(credentials.user).update('\0').update(compareWith).update('\0').update(credentials.password).digest('base64');
    let matches = this.cache.get(key);
    if (matches === undefined) {
      const password = Buffer.byteLength(credentials.password, 'utf8') > BCRYPT_MAX_PASSWORD_BYTES ? '' : credentials.password;
      const compared = await this.serially(() => bcrypt.compare(password, compareWith));
      matches = compared && password === credentials.password;
      if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, matches);
    }
    return hash !== undefined && matches;
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
