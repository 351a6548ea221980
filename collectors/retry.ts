/**
 * The one retry loop every collector uses. SDK clients run with their own retries off so that every
 * attempt passes through here: counted (kansa_collector_api_requests_total) and paced by the
 * provider's hint (Retry-After, RetryInfo) or by backoff. Providers supply how to classify an error
 * and how long to wait; errors come back as values.
 */
import { delay } from '../src/util/delay.js';

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface CallError {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

export type RetryResult<T, E extends CallError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E; readonly attempts: number };

export interface RetryOptions<E extends CallError> {
  readonly policy: RetryPolicy;
  readonly signal: AbortSignal;
  readonly onAttempt: (code: string) => void;
  readonly classify: (error: unknown) => E;
  /** How long to wait before attempt `attempt + 1` after `error`. */
  readonly delayMs: (attempt: number, error: E) => number;
  /** Injectable so tests can observe the waits without waiting. */
  readonly sleep?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined;
  /** What to report when the signal aborts before any attempt failed. */
  readonly aborted: E;
}

/** "Full jitter" backoff: spreads the retries of concurrent callers instead of synchronising them. */
export function fullJitterMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

/** A server's hint (Retry-After, RetryInfo) wins, bounded so a bogus one cannot stall a scan; else `backoff`. */
export function hintedDelay<E extends CallError>(capMs: number, backoff: (attempt: number, error: E) => number): (attempt: number, error: E) => number {
  return (attempt, error) => (error.retryAfterMs !== undefined ? Math.min(error.retryAfterMs, capMs) : backoff(attempt, error));
}

/** Runs `call` until it succeeds, fails with a non-retryable error, or runs out of attempts. */
export async function retrying<T, E extends CallError>(call: () => Promise<T>, options: RetryOptions<E>): Promise<RetryResult<T, E>> {
  let last = options.aborted;
  let attempts = 0;
  for (let attempt = 0; attempt < options.policy.maxAttempts; attempt++) {
    if (options.signal.aborted) break;
    attempts = attempt + 1;
    try {
      const value = await call();
      options.onAttempt('200');
      return { ok: true, value };
    } catch (error) {
      if (options.signal.aborted) break;
      last = options.classify(error);
      options.onAttempt(last.code);
      if (!last.retryable || attempt === options.policy.maxAttempts - 1) return { ok: false, error: last, attempts };
      try {
        await (options.sleep ?? delay)(options.delayMs(attempt, last), options.signal);
      } catch {
        break;
      }
    }
  }
  return { ok: false, error: last, attempts };
}
