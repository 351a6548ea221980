/**
 * PrefixedGzip: the gzip of `prefix + suffix` built from the prefix's compressed bytes must be one ordinary
 * gzip member (clients that stop after the first member read all of it) with a correct trailer.
 */
import { execFileSync } from 'node:child_process';
import { gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import { PrefixedGzip } from '../../src/http/prefixed-gzip.js';

const lines = (count: number, line: (i: number) => string): string => Array.from({ length: count }, (_, i) => line(i)).join('');
/** Shaped like the fixed families: far larger than the 32 KiB deflate window. */
const FIXED = lines(2_000, (i) => `kansa_control_info{control_id="aws-control-${i}",title="暗号化の設定 ${i % 40}",severity="high"} 1\n`);
const CHANGING = lines(600, (i) => `kansa_control_failing_resources{control_id="aws-control-${i}",account="123456789012"} ${i % 7}\n`);

describe('PrefixedGzip', () => {
  it.each([
    ['fixed and changing families', FIXED, CHANGING],
    ['no fixed part', '', CHANGING],
    ['no changing part', FIXED, ''],
    ['a changing part that repeats the end of the fixed one', FIXED, FIXED.slice(-40_000)],
    ['multi-byte text', '監査 '.repeat(20_000), '適合 '.repeat(5_000)],
  ])('decodes to the whole text as one gzip member: %s', (_name, prefix, suffix) => {
    const body = new PrefixedGzip(prefix).gzip(suffix);
    // Node's gunzip checks the trailer's CRC-32 and length.
    expect(gunzipSync(body).toString('utf8')).toBe(prefix + suffix);
    // One deflate stream between the 10-byte header and the 8-byte trailer: no second member.
    expect(inflateRawSync(body.subarray(10, -8)).toString('utf8')).toBe(prefix + suffix);
    expect(body.readUInt32LE(body.length - 4)).toBe(Buffer.byteLength(prefix + suffix));
  });

  it('is read by gzip(1) with its integrity check', () => {
    const body = new PrefixedGzip(FIXED).gzip(CHANGING);
    expect(execFileSync('gzip', ['-dc'], { input: body }).toString('utf8')).toBe(FIXED + CHANGING);
    expect(() => execFileSync('gzip', ['-t'], { input: body })).not.toThrow();
  });

  it('reuses the prefix: one compressor, many bodies, each correct', () => {
    const gzip = new PrefixedGzip(FIXED);
    for (const value of [0, 1, 2]) {
      const changing = CHANGING.replaceAll(/ \d+\n/g, ` ${value}\n`);
      expect(gunzipSync(gzip.gzip(changing)).toString('utf8')).toBe(FIXED + changing);
    }
  });

  it('is about as small as gzipping the whole body in one pass', () => {
    const whole = gzipSync(FIXED + CHANGING).length;
    const prefixed = new PrefixedGzip(FIXED).gzip(CHANGING).length;
    expect(prefixed).toBeLessThan(whole * 1.05);
  });
});
