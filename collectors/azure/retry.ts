/**
 * Bounded retries for ARM and Resource Graph calls. The SDK clients run with `retryOptions.maxRetries: 0`
 * so every attempt passes through here: counted in kansa_collector_api_requests_total and paced by
 * Retry-After. The Azure pipeline's own throttling strategy only retries a 429 that carries Retry-After;
 * here a 429 without it is retried too, with exponential backoff and full jitter.
 */
import { errorMessage } from '../../src/errors.js';
import { fullJitterMs, hintedDelay, retrying, type RetryPolicy, type RetryResult } from '../retry.js';

export type AzureRetryPolicy = RetryPolicy;

export const DEFAULT_AZURE_RETRY: AzureRetryPolicy = { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 30_000 };

export interface AzureCallError {
  /** ARM error code (`TooManyRequests`, `AuthorizationFailed`, …), else `HTTP <status>`, `NetworkError`, `DeserializationError`. */
  readonly code: string;
  readonly status?: number;
  readonly message: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

interface RestErrorShape {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
  response?: { status?: number; headers?: { get?: (name: string) => string | undefined }; bodyAsText?: string | null };
  details?: { error?: { code?: string } };
}

/** Retry-After in seconds or as an HTTP date; ARM also sends retry-after-ms / x-ms-retry-after-ms. */
export function retryAfterMs(headers: { get?: (name: string) => string | undefined } | undefined, now: () => number = Date.now): number | undefined {
  const get = (name: string): string | undefined => headers?.get?.(name) ?? undefined;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(get(name));
    if (get(name) !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  }
  const value = get('retry-after');
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now());
}

function armCode(e: RestErrorShape): string | undefined {
  if (e.details?.error?.code) return e.details.error.code;
  const text = e.response?.bodyAsText;
  if (typeof text === 'string' && text.startsWith('{')) {
    try {
      const body = JSON.parse(text) as { error?: { code?: unknown } };
      if (typeof body.error?.code === 'string') return body.error.code;
    } catch {
      // not JSON: fall through to the status
    }
  }
  return undefined;
}

export function classifyAzureError(error: unknown, now: () => number = Date.now): AzureCallError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as RestErrorShape;
  const status = e.statusCode ?? e.response?.status;
  const message = errorMessage(error);
  // A body cut off in transit arrives with status 200 and fails to parse: retry it.
  if (e.code === 'PARSE_ERROR') return { code: 'DeserializationError', message, retryable: true };
  if (status === undefined) {
    if (e.name === 'SyntaxError' || /JSON|Unexpected end|Unterminated/i.test(message)) return { code: 'DeserializationError', message, retryable: true };
    if (/ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|socket hang up|REQUEST_SEND_ERROR|network/i.test(`${e.code ?? ''} ${message}`)) return { code: 'NetworkError', message, retryable: true };
    return { code: e.code ?? e.name ?? 'Error', message, retryable: false };
  }
  const code = armCode(e) ?? (e.code && e.code !== 'REQUEST_SEND_ERROR' ? e.code : `HTTP ${status}`);
  const retryable = status === 429 || status === 408 || (status >= 500 && status !== 501 && status !== 505);
  const after = retryAfterMs(e.response?.headers, now);
  return { code, status, message, retryable, ...(after === undefined ? {} : { retryAfterMs: after }) };
}

export function backoffMs(attempt: number, policy: AzureRetryPolicy, random: () => number = Math.random): number {
  return fullJitterMs(attempt, policy, random);
}

export type AzureCallResult<T> = RetryResult<T, AzureCallError>;

/** Runs `call` until success, a non-retryable error or the last attempt; reports every attempt's code. */
export function withAzureRetry<T>(
  call: () => Promise<T>,
  options: { policy: AzureRetryPolicy; signal: AbortSignal; onAttempt: (code: string) => void; sleep?: (ms: number, signal: AbortSignal) => Promise<void>; random?: () => number },
): Promise<AzureCallResult<T>> {
  return retrying<T, AzureCallError>(call, {
    ...options,
    classify: (error) => classifyAzureError(error),
    // 429 without Retry-After is not retried by the Azure pipeline; here it gets backoff like any other.
    delayMs: hintedDelay(5 * options.policy.maxDelayMs, (attempt) => backoffMs(attempt, options.policy, options.random)),
    aborted: { code: 'Aborted', message: 'aborted before the first attempt', retryable: false },
  });
}
