/** gRPC error classification and quota-aware backoff. */
import { backoffMs, classifyError, DEFAULT_RETRY, withRetry } from '../../../collectors/gcp/retry.js';

describe('classifyError', () => {
  it('names gRPC and REST codes and marks quota, unavailable and internal errors retryable', () => {
    expect(classifyError({ code: 8, message: '8 RESOURCE_EXHAUSTED: Quota exceeded' })).toMatchObject({ code: 'RESOURCE_EXHAUSTED', retryable: true });
    expect(classifyError({ code: 429, message: 'Too Many Requests' })).toMatchObject({ code: 'RESOURCE_EXHAUSTED', retryable: true });
    expect(classifyError({ code: 14, message: 'unavailable' })).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    expect(classifyError({ code: 7, message: 'denied' })).toMatchObject({ code: 'PERMISSION_DENIED', retryable: false });
    expect(classifyError({ code: 3, message: 'bad' })).toMatchObject({ code: 'INVALID_ARGUMENT', retryable: false });
    expect(classifyError(new Error('connect ECONNREFUSED 127.0.0.1:1'))).toMatchObject({ code: 'NetworkError', retryable: true });
  });

  it('honours google.rpc.RetryInfo in the error details', () => {
    expect(classifyError({ code: 8, statusDetails: [{ retryDelay: { seconds: 7, nanos: 500_000_000 } }] }).retryAfterMs).toBe(7500);
  });
});

describe('backoff', () => {
  it('waits at least half a growing step after RESOURCE_EXHAUSTED, and uses full jitter otherwise', () => {
    const quota = classifyError({ code: 8 });
    expect(backoffMs(0, quota, DEFAULT_RETRY, () => 0)).toBe(1000);
    expect(backoffMs(2, quota, DEFAULT_RETRY, () => 0)).toBe(4000);
    expect(backoffMs(10, quota, DEFAULT_RETRY, () => 1)).toBe(DEFAULT_RETRY.maxDelayMs);
    expect(backoffMs(0, classifyError({ code: 14 }), DEFAULT_RETRY, () => 0)).toBe(0);
  });

  it('counts every attempt and gives up after maxAttempts with the last error as a value', async () => {
    const codes: string[] = [];
    const result = await withRetry(() => Promise.reject(Object.assign(new Error('quota'), { code: 8 })), {
      policy: { ...DEFAULT_RETRY, maxAttempts: 3 },
      signal: new AbortController().signal,
      onAttempt: (code) => codes.push(code),
      sleep: () => Promise.resolve(),
    });
    expect(result).toMatchObject({ ok: false, attempts: 3, error: { code: 'RESOURCE_EXHAUSTED' } });
    expect(codes).toEqual(['RESOURCE_EXHAUSTED', 'RESOURCE_EXHAUSTED', 'RESOURCE_EXHAUSTED']);
  });
});
