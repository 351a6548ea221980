/**
 * Bounded retries for ARM and Resource Graph calls. The SDK clients run with `retryOptions.maxRetries: 0`
 * so every attempt passes through here: counted in kansa_collector_api_requests_total and paced by the
 * service's hint. ARM's 429 carries Retry-After (azure-resource-manager/management/request-limits-and-throttling);
 * Resource Graph's carries `x-ms-user-quota-resets-after` (hh:mm:ss) instead and documents no Retry-After
 * (resource-graph/concepts/guidance-for-throttled-requests). The Azure pipeline's own throttling strategy only
 * retries a 429 that carries Retry-After; here a 429 without a hint is retried too, with exponential backoff
 * and full jitter. Hints are bounded (`hintCapMs`) so a bogus one cannot stall a scan.
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

/** Resource Graph's per-user quota headers, sent on every query response. */
export const QUOTA_REMAINING_HEADER = 'x-ms-user-quota-remaining';
export const QUOTA_RESETS_AFTER_HEADER = 'x-ms-user-quota-resets-after';

/** `x-ms-user-quota-resets-after` (hh:mm:ss, .NET TimeSpan: optional `d.` days and fraction) in milliseconds. */
export function quotaResetsAfterMs(value: string | undefined | null): number | undefined {
  const m = /^(?:(\d+)\.)?(\d{1,2}):([0-5]\d):([0-5]\d(?:\.\d+)?)$/.exec(value?.trim() ?? '');
  if (!m) return undefined;
  return Math.round(((Number(m[1] ?? 0) * 24 + Number(m[2])) * 3600 + Number(m[3]) * 60 + Number(m[4])) * 1000);
}

export interface GraphQuotaState {
  readonly remaining?: number;
  readonly resetsAfterMs?: number;
}

/** What a Resource Graph response says of the caller's quota (absent headers: nothing). */
export function graphQuotaOf(headers: { get?: (name: string) => string | undefined | null } | undefined): GraphQuotaState {
  const remaining = Number.parseInt(headers?.get?.(QUOTA_REMAINING_HEADER) ?? '', 10);
  const resetsAfterMs = quotaResetsAfterMs(headers?.get?.(QUOTA_RESETS_AFTER_HEADER));
  return { ...(Number.isSafeInteger(remaining) && remaining >= 0 ? { remaining } : {}), ...(resetsAfterMs !== undefined ? { resetsAfterMs } : {}) };
}

/** The longest a server's hint (Retry-After, quota reset) may make a call wait. */
export function hintCapMs(policy: AzureRetryPolicy): number {
  return 5 * policy.maxDelayMs;
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
  // A throttled Resource Graph query says when the quota resets instead of Retry-After.
  const after = retryAfterMs(e.response?.headers, now) ?? (status === 429 ? graphQuotaOf(e.response?.headers).resetsAfterMs : undefined);
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
    delayMs: hintedDelay(hintCapMs(options.policy), (attempt) => backoffMs(attempt, options.policy, options.random)),
    aborted: { code: 'Aborted', message: 'aborted before the first attempt', retryable: false },
  });
}
