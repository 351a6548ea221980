/**
 * Bounded retries with backoff for AWS API calls. The SDK client runs with maxAttempts 1 so that every
 * attempt is visible here: counted in kansa_collector_api_requests_total and paced by capped, full-jitter
 * backoff. AWS Config's ThrottlingException carries no Retry-After (API reference, Common Errors), so the
 * backoff is what carries a throttled scan; a Retry-After, if something on the path adds one, is honoured.
 */
import { errorMessage } from '../../src/errors.js';
import { fullJitterMs, hintedDelay, retrying, type CallError, type RetryPolicy, type RetryResult } from '../retry.js';

export type { RetryPolicy, CallError } from '../retry.js';

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
  return fullJitterMs(attempt, policy, random);
}

/** Every attempt is reported to `onAttempt` with its code; returns the value or the last error, as a value. */
export function withRetry<T>(
  call: () => Promise<T>,
  options: { policy: RetryPolicy; signal: AbortSignal; onAttempt: (code: string) => void; sleep?: (ms: number, signal: AbortSignal) => Promise<void> },
): Promise<RetryResult<T, CallError>> {
  return retrying<T, CallError>(call, {
    ...options,
    classify: (error) => classifyError(error),
    delayMs: hintedDelay(5 * options.policy.maxDelayMs, (attempt) => backoffMs(attempt, options.policy)),
    aborted: { code: 'Aborted', message: 'aborted', retryable: false },
  });
}
