/**
 * Offline inputs as streams: gzip decompressed under a limit (a bomb stops early, memory flat), files in
 * every supported shape read item by item to the same resources, non-object items refused.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InputError } from '../../src/errors.js';
import { readInputFiles, streamInputFiles } from '../../src/inputs/detect.js';
import { inputLimits, parseSize, textChunks, type InputLimits } from '../../src/inputs/text.js';
import { configItem } from '../support/evaluate.js';
import { tempFiles } from '../support/files.js';

const NOW = new Date('2026-11-01T00:00:00Z');
const MiB = 1024 ** 2;

const sg = (id: string): Record<string, unknown> =>
  configItem({ type: 'AWS::EC2::SecurityGroup', id, configuration: { groupId: id, groupName: 'ウェブ', ipPermissions: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: ['0.0.0.0/0'] }] } });
const items = Array.from({ length: 50 }, (_, i) => sg(`sg-${i}`));

/**
 * A gzip bomb made on the fly: `members` copies of one gzip member holding `memberMiB` MiB of `byte`
 * (gzip members concatenate), so 1 GiB of decompressed data costs about 1 MB on disk.
 */
function bomb(path: string, byte: number, memberMiB = 16, members = 64): string {
  const member = gzipSync(Buffer.alloc(memberMiB * MiB, byte), { level: 9 });
  writeFileSync(path, Buffer.concat(Array.from({ length: members }, () => member)));
  return path;
}

const files = tempFiles({
  'snapshot.json': JSON.stringify({ fileVersion: '1.0', configSnapshotId: 'x', configurationItems: items }, null, 2),
  'items.jsonl': items.map((i) => JSON.stringify(i)).join('\r\n'),
  'not-objects.json': '[1, "x",\n  null, {"resourceType": "AWS::EC2::SecurityGroup", "resourceId": "sg-1"}]',
  'cut.json': JSON.stringify({ configurationItems: items }).slice(0, 5000),
});
writeFileSync(join(files.dir, 'snapshot.json.gz'), gzipSync(JSON.stringify({ fileVersion: '1.0', configSnapshotId: 'x', configurationItems: items })));

const limits = (maxDecompressedBytes: number): InputLimits => ({ ...inputLimits({}), maxDecompressedBytes });

async function rejection(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('no error');
}

describe('streamed offline inputs', () => {
  it('reads a snapshot, its gzip and JSON Lines of the same items to the same resources', async () => {
    const ids = async (name: string): Promise<string[]> => (await readInputFiles([join(files.dir, name)], undefined, NOW)).resources.map((r) => r.id);
    const expected = items.map((i) => i.resourceId);
    expect(await ids('snapshot.json')).toEqual(expected);
    expect(await ids('snapshot.json.gz')).toEqual(expected);
    expect(await ids('items.jsonl')).toEqual(expected);
    const named = (await readInputFiles([files['snapshot.json']!], undefined, NOW)).resources[0]!;
    expect(named.configuration.groupName).toBe('ウェブ');
  });

  it('hands resources over one by one as they are read', async () => {
    const seen: string[] = [];
    const summary = await streamInputFiles([files['snapshot.json']!, files['items.jsonl']!], undefined, NOW, (r) => seen.push(r.id));
    expect(summary.resources).toBe(100);
    expect(seen).toHaveLength(100);
    expect(summary.coverage).toEqual([expect.objectContaining({ provider: 'aws', types: 'all' })]);
  });

  it('refuses items that are not objects, with their count and the first position', async () => {
    const error = await rejection(readInputFiles([files['not-objects.json']!], undefined, NOW));
    expect(error.message).toBe(`${files['not-objects.json']!}: 3 items are not JSON objects (the first: a number at line 1 column 2); expected one object per resource`);
  });

  it('names the line and column where a cut-off file ends', async () => {
    const error = await rejection(readInputFiles([files['cut.json']!], undefined, NOW));
    expect(error.message).toMatch(new RegExp(`^${files['cut.json']!}: not valid JSON: the data ends at line 1 column 5001 inside the item that starts at line 1 column \\d+ \\(cut off\\? \\d+ items read\\)$`));
  });

  it('stops a gzip bomb at the decompression limit, without growing memory', async () => {
    const path = bomb(join(files.dir, 'bomb.json.gz'), 0x20); // 1 GiB of spaces: valid JSON whitespace all the way
    const rss = process.memoryUsage().rss;
    const error = await rejection(readInputFiles([path], undefined, NOW, { limits: limits(64 * MiB) }));
    expect(error.message).toBe(`${path}: decompresses to more than 64 MiB (the limit; set KANSA_MAX_DECOMPRESSED_BYTES to raise it): refusing what may be a gzip bomb`);
    // No wall-clock bound (tests do not time): memory that stays flat shows the 1 GiB was never held.
    expect(process.memoryUsage().rss - rss).toBeLessThan(200 * MiB);
  });

  it('stops a bomb of zeros at its first byte: not JSON', async () => {
    const path = bomb(join(files.dir, 'zeros.json.gz'), 0);
    const error = await rejection(readInputFiles([path], undefined, NOW));
    expect(error.message).toMatch(/^.*zeros\.json\.gz: not valid JSON at line 1 column 1/);
  });

  it('decompresses as a stream, chunk by chunk, and reports corrupt gzip data', async () => {
    let chunks = 0;
    let chars = 0;
    for await (const chunk of textChunks(join(files.dir, 'snapshot.json.gz'))) {
      chunks++;
      chars += chunk.length;
    }
    expect(chars).toBe(JSON.stringify({ fileVersion: '1.0', configSnapshotId: 'x', configurationItems: items }).length);
    expect(chunks).toBeGreaterThanOrEqual(1);
    const broken = join(files.dir, 'broken.json.gz');
    writeFileSync(broken, gzipSync('[1, 2, 3]').subarray(0, 12));
    expect((await rejection(readInputFiles([broken], undefined, NOW))).message).toMatch(/broken\.json\.gz: gzip data is corrupt: /);
  });

  it('reads the limits from the environment', () => {
    expect(inputLimits({ KANSA_MAX_DECOMPRESSED_BYTES: '512M', KANSA_MAX_ITEM_CHARS: '1k' })).toEqual({ maxDecompressedBytes: 512 * MiB, maxItemChars: 1024 });
    expect(inputLimits({}).maxDecompressedBytes).toBe(4 * 1024 * MiB);
    expect(parseSize('x', '4GiB')).toBe(4 * 1024 * MiB);
    expect(() => parseSize('KANSA_MAX_DECOMPRESSED_BYTES', 'lots')).toThrow(/KANSA_MAX_DECOMPRESSED_BYTES: expected a size/);
  });
});
