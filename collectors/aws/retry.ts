/**
 * Bounded retries with backoff for AWS API calls. The SDK client runs with maxAttempts 1 so that every
 * attempt is visible here: counted in kansa_collector_api_requests_total and paced by Retry-After.
 */
import { errorMessage } from '../../src/errors.js';
import { delay } from '../../src/util/delay.js';

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 20_000 };

const THROTTLING_CODES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
]);

export interface CallError {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
  $retryable?: unknown;
}

/** Classifies whatever the SDK threw: provider error code, retryability, Retry-After hint. */
export function classifyError(error: unknown, now: () => number = Date.now): CallError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const name = e.name ?? e.code ?? 'Error';
  const message = errorMessage(error);
  let code = name;
  if (status === undefined && /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|socket hang up|TimeoutError/i.test(`${name} ${message}`)) code = 'NetworkError';
  // A body that is not the JSON it claims to be: truncated or corrupted in transit.
  else if (name === 'SyntaxError' || /Deserialization|Unexpected end of JSON|JSON at position|Unterminated string/i.test(message)) code = 'DeserializationError';
  const retryable =
    THROTTLING_CODES.has(name) ||
    status === 429 ||
    (status !== undefined && status >= 500) ||
    code === 'NetworkError' ||
    code === 'DeserializationError' ||
    e.$retryable !== undefined;
  const retryAfterMs = parseRetryAfter(e.$response?.headers?.['retry-after'], now);
  return { code, message, retryable, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: () => number = Date.now): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now());
}

export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  // "Full jitter": spreads retries of concurrent callers instead of synchronising them.
  return Math.round(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

export const sleep = delay;

/**
 * Runs `call` until it succeeds, fails with a non-retryable error, or runs out of attempts. Every
 * attempt is reported to `onAttempt` with its code. Returns the value or the last error, as a value.
 */
export async function withRetry<T>(
  call: () => Promise<T>,
  options: { policy: RetryPolicy; signal: AbortSignal; onAttempt: (code: string) => void; sleep?: (ms: number, signal: AbortSignal) => Promise<void> },
): Promise<{ ok: true; value: T } | { ok: false; error: CallError; attempts: number }> {
  let last: CallError | undefined;
  for (let attempt = 0; attempt < options.policy.maxAttempts; attempt++) {
    if (options.signal.aborted) break;
    try {
      const value = await call();
      options.onAttempt('200');
      return { ok: true, value };
    } catch (error) {
      if (options.signal.aborted) break;
      last = classifyError(error);
      options.onAttempt(last.code);
      if (!last.retryable || attempt === options.policy.maxAttempts - 1) return { ok: false, error: last, attempts: attempt + 1 };
      const delay = last.retryAfterMs !== undefined ? Math.min(last.retryAfterMs, 5 * options.policy.maxDelayMs) : backoffMs(attempt, options.policy);
      try {
        await (options.sleep ?? sleep)(delay, options.signal);
      } catch {
        break;
      }
    }
  }
  return { ok: false, error: last ?? { code: 'Aborted', message: 'aborted', retryable: false }, attempts: options.policy.maxAttempts };
}
