/**
 * The live web configuration: authentication, headers, rate limit and TLS material, re-read when the
 * file or a certificate it names changes (cert-manager and similar rotate certificates in place), as
 * exporter-toolkit does. A change that does not load keeps the previous settings and is reported;
 * switching TLS on or off, or changing client_auth_type, needs a restart.
 */
import { errorMessage } from '../errors.js';
import { BasicAuthenticator, FailureLimiter, type AuthVerdict } from './basic-auth.js';
import { BcryptThread } from './bcrypt.js';
import { fileStamp, loadWebConfig, type WebConfig } from './web-config.js';

/** Failed logins a client address may make per window before its uncached attempts are refused unchecked. */
const FAILED_LOGINS_PER_SOURCE = 10;
const FAILED_LOGIN_WINDOW_MS = 60_000;

export class WebSecurity {
  private config: WebConfig;
  private stamp: string;
  private failedStamp: string | undefined;
  private authenticator: BasicAuthenticator;
  private tokens: number;
  private refilledAt: number;
  private readonly failures: FailureLimiter;
  /** bcrypt off the thread that serves scrapes; kept across reloads of the user list. */
  private readonly bcrypt = new BcryptThread();

  constructor(
    config: WebConfig,
    private readonly deps: { readonly onError: (message: string) => void; readonly onReload?: (config: WebConfig) => void; readonly now?: () => number },
  ) {
    this.config = config;
    this.stamp = fileStamp(config.sources);
    this.authenticator = new BasicAuthenticator(config.users, () => this.now(), this.bcrypt.compare);
    this.tokens = config.rateLimit?.burst ?? 0;
    this.refilledAt = this.now();
    this.failures = new FailureLimiter(FAILED_LOGINS_PER_SOURCE, FAILED_LOGIN_WINDOW_MS, 10_000, () => this.now());
  }

  static fromFile(file: string, deps: WebSecurity['deps']): WebSecurity {
    return new WebSecurity(loadWebConfig(file), deps);
  }

  get current(): WebConfig {
    return this.config;
  }

  /**
   * Re-reads the configuration if any of its files changed. Returns true when the TLS material
   * changed (the caller installs the new secure context).
   */
  refresh(): boolean {
    const stamp = fileStamp(this.config.sources);
    if (stamp === this.stamp || stamp === this.failedStamp) return false;
    let next: WebConfig;
    try {
      next = loadWebConfig(this.config.file);
      if (Boolean(next.tls) !== Boolean(this.config.tls) || next.tls?.clientAuth !== this.config.tls?.clientAuth) {
        throw new Error('turning TLS on or off, or changing client_auth_type, needs a restart');
      }
    } catch (error) {
      this.failedStamp = stamp;
      this.deps.onError(`web configuration ${this.config.file} not reloaded, previous settings stay in force: ${errorMessage(error)}`);
      return false;
    }
    const tlsChanged = next.tls?.fingerprint !== this.config.tls?.fingerprint || JSON.stringify(next.tls?.context) !== JSON.stringify(this.config.tls?.context);
    this.config = next;
    this.stamp = fileStamp(next.sources);
    this.failedStamp = undefined;
    this.authenticator = new BasicAuthenticator(next.users, () => this.now(), this.bcrypt.compare);
    this.deps.onReload?.(next);
    return tlsChanged;
  }

  /** Token bucket of exporter-toolkit's `rate_limit`: false when the request must get 429. */
  admit(): boolean {
    const limit = this.config.rateLimit;
    if (!limit) return true;
    const now = this.now();
    const refill = Math.floor((now - this.refilledAt) / limit.intervalMs);
    if (refill > 0) {
      this.tokens = Math.min(limit.burst, this.tokens + refill);
      this.refilledAt += refill * limit.intervalMs;
    }
    if (this.tokens <= 0) return false;
    this.tokens--;
    return true;
  }

  /**
   * Basic authentication, with failed logins limited per client address (see FailureLimiter).
   * `throttled`: denied, and the source is over its limit — the caller answers it slowly (a tarpit), so a
   * flooding client sends one request a second instead of thousands.
   */
  async authorize(authorization: string | undefined, source = ''): Promise<AuthVerdict | 'throttled'> {
    const verdict = await this.authenticator.verify(authorization, () => this.failures.allows(source));
    if (verdict !== 'denied' || authorization === undefined) return verdict;
    this.failures.failed(source);
    return this.failures.allows(source) ? 'denied' : 'throttled';
  }

  /** Ends the bcrypt thread (the endpoint has stopped). */
  close(): Promise<void> {
    return this.bcrypt.close();
  }

  private now(): number {
    return this.deps.now?.() ?? performance.now();
  }
}
