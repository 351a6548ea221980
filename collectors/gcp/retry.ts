/**
 * Bounded retries with backoff for Cloud Asset API calls. google-gax's own retries are switched off
 * per call (collectors/gcp/cloud-asset.ts) so that every attempt is visible here: counted in
 * kansa_collector_api_requests_total and, for quota errors, paced well below the per-minute quota.
 */
import { errorMessage } from '../../src/errors.js';
import { hintedDelay, retrying, type CallError, type RetryPolicy as SharedRetryPolicy, type RetryResult } from '../retry.js';

export type { CallError } from '../retry.js';

/**
 * A Cloud Asset call's error, with the google.rpc.ErrorInfo Google attaches when it says why (google-gax
 * promotes it to `reason`, `domain` and `errorInfoMetadata`): SERVICE_DISABLED names the consumer
 * project, IAM_PERMISSION_DENIED the permission (google/api/error_reason.proto).
 */
export interface GcpCallError extends CallError {
  readonly reason?: string;
  readonly errorInfo?: Readonly<Record<string, string>>;
}

export interface RetryPolicy extends SharedRetryPolicy {
  /** First delay after RESOURCE_EXHAUSTED: quotas are per minute, so retrying within milliseconds only burns attempts. */
  readonly quotaBaseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 30_000, quotaBaseDelayMs: 2_000 };

/** gRPC status codes by number (grpc/grpc doc/statuscodes.md). */
const GRPC_STATUS: readonly string[] = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

/** HTTP statuses the REST transport reports, as the gRPC codes Google maps them to. */
const HTTP_TO_GRPC: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const RETRYABLE = new Set(['RESOURCE_EXHAUSTED', 'UNAVAILABLE', 'DEADLINE_EXCEEDED', 'INTERNAL', 'ABORTED', 'NetworkError']);

interface GaxErrorShape {
  code?: unknown;
  message?: unknown;
  statusDetails?: unknown;
  reason?: unknown;
  errorInfoMetadata?: unknown;
}

/** int64 fields arrive as numbers, strings or Long objects (protobufjs decodes google.rpc details with Long). */
function toNumber(value: unknown): number {
  if (typeof value === 'object' && value !== null) {
    const long = value as { toNumber?: unknown; low?: unknown; high?: unknown };
    if (typeof long.toNumber === 'function') return Number((long.toNumber as () => unknown).call(value));
    if (typeof long.low === 'number' && typeof long.high === 'number') return long.high * 2 ** 32 + (long.low >>> 0);
    return Number.NaN;
  }
  return Number(value);
}

function retryInfoDelayMs(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const d of details as unknown[]) {
    const delay = (d as { retryDelay?: { seconds?: unknown; nanos?: unknown } } | null)?.retryDelay;
    if (delay && delay.seconds !== undefined && delay.seconds !== null) {
      const ms = toNumber(delay.seconds) * 1000 + toNumber(delay.nanos ?? 0) / 1e6;
      if (Number.isFinite(ms) && ms >= 0) return ms;
    }
  }
  return undefined;
}

/** Classifies whatever google-gax threw: gRPC status name, retryability, RetryInfo hint. */
export function classifyError(error: unknown): GcpCallError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as GaxErrorShape;
  const message = errorMessage(error);
  let code: string;
  if (typeof e.code === 'number' && e.code >= 0 && e.code < GRPC_STATUS.length) code = GRPC_STATUS[e.code] ?? 'UNKNOWN';
  else if (typeof e.code === 'number' && HTTP_TO_GRPC[e.code]) code = HTTP_TO_GRPC[e.code] ?? 'UNKNOWN';
  else if (/ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|socket hang up/i.test(message)) code = 'NetworkError';
  else code = typeof e.code === 'string' && e.code !== '' ? e.code : 'UNKNOWN';
  const retryAfterMs = retryInfoDelayMs(e.statusDetails);
  const metadata = typeof e.errorInfoMetadata === 'object' && e.errorInfoMetadata !== null ? Object.fromEntries(Object.entries(e.errorInfoMetadata).filter((kv): kv is [string, string] => typeof kv[1] === 'string')) : undefined;
  return {
    code,
    message,
    retryable: RETRYABLE.has(code),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(typeof e.reason === 'string' && e.reason !== '' ? { reason: e.reason } : {}),
    ...(metadata ? { errorInfo: metadata } : {}),
  };
}

/** Backoff without a RetryInfo hint (withRetry lets a hint win). */
export function backoffMs(attempt: number, error: CallError, policy: RetryPolicy, random: () => number = Math.random): number {
  const base = error.code === 'RESOURCE_EXHAUSTED' ? policy.quotaBaseDelayMs : policy.baseDelayMs;
  const cap = Math.min(policy.maxDelayMs, base * 2 ** attempt);
  // Quota: at least half the step, so a burst of callers cannot all come back at once; else full jitter.
  return Math.round(error.code === 'RESOURCE_EXHAUSTED' ? cap / 2 + (random() * cap) / 2 : random() * cap);
}

/** Runs `call` until it succeeds, fails for good, or runs out of attempts; every attempt reported with its code. */
export function withRetry<T>(
  call: () => Promise<T>,
  options: { policy: RetryPolicy; signal: AbortSignal; onAttempt: (code: string) => void; sleep?: (ms: number, signal: AbortSignal) => Promise<void>; random?: () => number },
): Promise<RetryResult<T, GcpCallError>> {
  return retrying<T, GcpCallError>(call, {
    ...options,
    classify: (error) => classifyError(error),
    delayMs: hintedDelay(2 * options.policy.maxDelayMs, (attempt, error) => backoffMs(attempt, error, options.policy, options.random)),
    aborted: { code: 'Aborted', message: 'aborted', retryable: false },
  });
}
