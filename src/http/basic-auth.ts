/**
 * HTTP basic authentication against bcrypt hashes, as exporter-toolkit does it: an unknown user costs
 * the same bcrypt comparison as a known one (no user enumeration by timing), user names are compared
 * in constant time, comparisons run one at a time (bcrypt is CPU-bound: a burst of bad requests must
 * not starve scrapes and collection).
 *
 * Hostile clients must not slow the legitimate scrape: only successes are cached (by a digest of user,
 * hash and password, never the password), so wrong passwords cannot evict the scraper's entry; a
 * cached success is answered at once, never behind queued comparisons; and at most a few comparisons
 * wait at a time — beyond that a request is refused as busy (429) instead of lengthening the queue.
 * The agent runs the comparisons on their own thread (bcrypt.ts), so none of them holds back a scrape.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { PasswordCompare } from './bcrypt.js';

/** Cached successes; a fixed bound (least recently used goes first). */
const SUCCESS_CACHE_SIZE = 128;
/** bcrypt comparisons allowed to wait: about 8 × 70 ms is the longest an uncached login waits. */
const MAX_WAITING_COMPARISONS = 8;
/**
 * Uncached comparisons started per second, from all sources together (a token bucket of this burst):
 * bcrypt runs on the thread that serves scrapes, so a flood from many addresses may take at most about
 * this many × 70 ms of it per second, after a burst; the rest are refused as busy at once.
 */
const COMPARISONS_PER_SECOND = 4;
/** …after a burst of this many (a few people mistyping never meet the limit). */
const COMPARISON_BURST = 32;
/** bcrypt only reads the first 72 bytes; longer passwords are refused (Go's bcrypt refuses them too). */
const BCRYPT_MAX_PASSWORD_BYTES = 72;

export type AuthVerdict = 'allowed' | 'denied' | 'busy';

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
  private readonly successes = new Map<string, true>();
  private queue: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private tokens = COMPARISON_BURST;
  private refilledAt: number;

  constructor(
    users: ReadonlyMap<string, string>,
    private readonly now: () => number = () => performance.now(),
    /** Where bcrypt runs: the agent passes its bcrypt thread (bcrypt.ts); default this thread (tests, tools). */
    private readonly compare: PasswordCompare = (password, hash) => bcrypt.compare(password, hash),
  ) {
    this.refilledAt = now();
    this.users = [...users].map(([user, hash]) => ({ digest: sha256(user), hash }));
    this.decoy = [...users.values()].reduce((costliest, hash) => (bcrypt.getRounds(hash) > bcrypt.getRounds(costliest) ? hash : costliest), [...users.values()][0] ?? '');
  }

  get enabled(): boolean {
    return this.users.length > 0;
  }

  /** True when the Authorization header names a configured user with the right password (or no users are configured). */
  async check(authorization: string | undefined): Promise<boolean> {
    return (await this.verify(authorization)) === 'allowed';
  }

  /**
   * `allowed` / `denied`, or `busy` when the comparison would have to wait behind too many others.
   * `mayCompare` is asked before an uncached comparison (a per-source failure limit): false → denied.
   */
  async verify(authorization: string | undefined, mayCompare: () => boolean = () => true): Promise<AuthVerdict> {
    if (!this.enabled) return 'allowed';
    const credentials = parseBasicAuthorization(authorization);
    if (!credentials) return 'denied';
    const digest = sha256(credentials.user);
    let hash: string | undefined;
    // Every configured user is compared, matched or not: the loop takes the same time for any name.
    for (const user of this.users) if (timingSafeEqual(user.digest, digest)) hash = user.hash;
    const compareWith = hash ?? this.decoy;
    const key = createHash('sha256').update(credentials.user).update('\0').update(compareWith).update('\0').update(credentials.password).digest('base64');
    if (hash !== undefined && this.successes.has(key)) {
      this.successes.delete(key); // most recently used last
      this.successes.set(key, true);
      return 'allowed';
    }
    if (!mayCompare()) return 'denied';
    if (this.waiting >= MAX_WAITING_COMPARISONS || !this.takeToken()) return 'busy';
    const password = Buffer.byteLength(credentials.password, 'utf8') > BCRYPT_MAX_PASSWORD_BYTES ? '' : credentials.password;
    this.waiting++;
    let compared: boolean;
    try {
      compared = await this.serially(() => this.compare(password, compareWith));
    } finally {
      this.waiting--;
    }
    const matches = hash !== undefined && compared && password === credentials.password;
    if (!matches) return 'denied';
    if (this.successes.size >= SUCCESS_CACHE_SIZE) this.successes.delete(this.successes.keys().next().value!);
    this.successes.set(key, true);
    return 'allowed';
  }

  private takeToken(): boolean {
    const now = this.now();
    const refill = Math.floor(((now - this.refilledAt) / 1000) * COMPARISONS_PER_SECOND);
    if (refill > 0) {
      this.tokens = Math.min(COMPARISON_BURST, this.tokens + refill);
      this.refilledAt += (refill / COMPARISONS_PER_SECOND) * 1000;
    }
    if (this.tokens <= 0) return false;
    this.tokens--;
    return true;
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/**
 * Failed logins per client address in a sliding window: past the limit, a source's uncached attempts
 * are refused without a bcrypt comparison (a cached success still passes: the scraper behind the same
 * NAT keeps working). Bounded: the oldest sources are forgotten first.
 */
export class FailureLimiter {
  private readonly sources = new Map<string, { windowStart: number; failures: number }>();

  constructor(
    private readonly limit = 10,
    private readonly windowMs = 60_000,
    private readonly maxSources = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  allows(source: string): boolean {
    const entry = this.sources.get(source);
    if (!entry) return true;
    if (this.now() - entry.windowStart >= this.windowMs) {
      this.sources.delete(source);
      return true;
    }
    return entry.failures < this.limit;
  }

  failed(source: string): void {
    const now = this.now();
    let entry = this.sources.get(source);
    if (!entry || now - entry.windowStart >= this.windowMs) {
      this.sources.delete(source);
      if (this.sources.size >= this.maxSources) this.sources.delete(this.sources.keys().next().value!);
      entry = { windowStart: now, failures: 0 };
      this.sources.set(source, entry);
    }
    entry.failures++;
  }
}
