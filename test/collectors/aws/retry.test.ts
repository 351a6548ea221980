import { backoffMs, classifyError, parseRetryAfter, withRetry, DEFAULT_RETRY } from '../../../collectors/aws/retry.js';

const sdkError = (name: string, status: number, headers: Record<string, string> = {}): Error =>
  Object.assign(new Error(`${name} message`), { name, $metadata: { httpStatusCode: status }, $response: { statusCode: status, headers } });

describe('AWS call retries', () => {
  it('classifies throttling, server errors and broken bodies as retryable; permissions as final', () => {
    expect(classifyError(sdkError('ThrottlingException', 400))).toMatchObject({ code: 'ThrottlingException', retryable: true });
    expect(classifyError(sdkError('InternalFailure', 500))).toMatchObject({ code: 'InternalFailure', retryable: true });
    expect(classifyError(sdkError('AccessDeniedException', 400))).toMatchObject({ code: 'AccessDeniedException', retryable: false });
    expect(classifyError(new SyntaxError('Unexpected end of JSON input'))).toMatchObject({ code: 'DeserializationError', retryable: true });
    expect(classifyError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toMatchObject({ code: 'NetworkError', retryable: true });
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 28 Nov 2026 00:00:10 GMT', () => Date.parse('2026-11-28T00:00:00Z'))).toBe(10000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(classifyError(sdkError('ThrottlingException', 400, { 'retry-after': '2' })).retryAfterMs).toBe(2000);
  });

  it('backs off with full jitter, capped', () => {
    expect(backoffMs(0, DEFAULT_RETRY, () => 1)).toBe(100);
    expect(backoffMs(3, DEFAULT_RETRY, () => 0.5)).toBe(400);
    expect(backoffMs(30, DEFAULT_RETRY, () => 1)).toBe(DEFAULT_RETRY.maxDelayMs);
  });

  it('retries retryable errors, honours Retry-After, and reports every attempt', async () => {
    const codes: string[] = [];
    let calls = 0;
    const started = Date.now();
    const result = await withRetry(
      () => {
        calls++;
        if (calls === 1) return Promise.reject(sdkError('ThrottlingException', 400, { 'retry-after': '0' }));
        if (calls === 2) return Promise.reject(sdkError('ServiceUnavailable', 503));
        return Promise.resolve('page');
      },
      { policy: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 2 }, signal: new AbortController().signal, onAttempt: (c) => codes.push(c) },
    );
    expect(result).toEqual({ ok: true, value: 'page' });
    expect(codes).toEqual(['ThrottlingException', 'ServiceUnavailable', '200']);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops at the first non-retryable error and after the last attempt, returning the error as a value', async () => {
    const denied = await withRetry(() => Promise.reject(sdkError('AccessDeniedException', 400)), { policy: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1 }, signal: new AbortController().signal, onAttempt: () => undefined });
    expect(denied).toMatchObject({ ok: false, attempts: 1, error: { code: 'AccessDeniedException' } });
    let calls = 0;
    const exhausted = await withRetry(() => (calls++, Promise.reject(sdkError('ThrottlingException', 400))), { policy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 }, signal: new AbortController().signal, onAttempt: () => undefined });
    expect(exhausted).toMatchObject({ ok: false, attempts: 3 });
    expect(calls).toBe(3);
  });
});
