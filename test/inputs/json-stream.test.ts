/** The streaming JSON reader: items one at a time, whatever the chunking; precise positions for bad input. */
import { InputError } from '../../src/errors.js';
import { JsonItemStream, type Container, type DocumentShape } from '../../src/inputs/json-stream.js';
import { STREAM_KEYS } from '../../src/inputs/aws-config-file.js';

interface Read {
  container?: Container;
  items: { value: unknown; line: number; column: number }[];
  shape?: DocumentShape;
}

/** Feeds `text` in chunks of `size` characters. */
function read(text: string, size = text.length, lines = false): Read {
  const out: Read = { items: [] };
  const stream = new JsonItemStream(
    'f.json',
    {
      container: (c) => void (out.container = c),
      item: (value, line, column) => void out.items.push({ value, line, column }),
      end: (shape) => void (out.shape = shape),
    },
    { streamKeys: STREAM_KEYS, lines },
  );
  for (let i = 0; i < text.length; i += size) stream.write(text.slice(i, i + size));
  stream.end();
  return out;
}

const failure = (text: string, size?: number): string => {
  try {
    read(text, size);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).message;
  }
  throw new Error('no error');
};

const items = [
  { resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-1', configuration: { groupName: 'a "quoted" \\ name', ipPermissions: [{ fromPort: 22, toPort: 22, ipRanges: ['0.0.0.0/0'] }] } },
  { resourceType: 'AWS::S3::Bucket', resourceId: 'b', configuration: { name: '日本語 ✓ 🚀', nested: [[[]], {}, [{ a: null }]] } },
  { resourceType: 'AWS::Logs::LogGroup', resourceId: '/x', configuration: { retentionInDays: -1.5e3, flag: true, none: null, s: '}]\\"[{' } },
];

describe('JsonItemStream', () => {
  it.each([1, 2, 3, 7, 64, 100_000])('yields the elements of a top-level array, whatever the chunk size (%i)', (size) => {
    for (const text of [JSON.stringify(items), JSON.stringify(items, null, 2)]) {
      const out = read(text, size);
      expect(out.container).toEqual({ kind: 'array' });
      expect(out.items.map((i) => i.value)).toEqual(items);
      expect(out.shape).toEqual({ kind: 'array' });
    }
  });

  it('streams the configurationItems of a snapshot and keeps the other members', () => {
    const text = `\uFEFF${JSON.stringify({ fileVersion: '1.0', configSnapshotId: 'x', configurationItems: items, after: { n: 1 } }, null, 2)}`;
    for (const size of [5, text.length]) {
      const out = read(text, size);
      expect(out.container).toEqual({ kind: 'member', key: 'configurationItems', members: { fileVersion: '1.0', configSnapshotId: 'x' } });
      expect(out.items.map((i) => i.value)).toEqual(items);
      expect(out.shape).toEqual({ kind: 'object', key: 'configurationItems', members: { fileVersion: '1.0', configSnapshotId: 'x', after: { n: 1 } } });
    }
  });

  it('places each item at its line and column', () => {
    const text = `[\n  {"a": 1},\n\t{"b": "日本"}, {"c": [\n1]}\n]`;
    expect(read(text, 3).items.map((i) => [i.line, i.column])).toEqual([
      [2, 3],
      [3, 2],
      [3, 15],
    ]);
  });

  it('reads one object (not a container) whole, and scalars', () => {
    expect(read(JSON.stringify(items[0]), 4).shape).toEqual({ kind: 'object', members: items[0] });
    expect(read(' 42 ').shape).toEqual({ kind: 'scalar', value: 42 });
    expect(read('{"value": 3, "__proto__": {"x": 1}}').shape).toMatchObject({ kind: 'object', members: { value: 3 } });
    expect(Object.getPrototypeOf((read('{"__proto__": {"x": 1}}').shape as { members: object }).members)).toBe(Object.prototype);
  });

  it('detects JSON Lines after a first complete object, and reads them when told', () => {
    const text = items.map((i) => JSON.stringify(i)).join('\n') + '\n\n';
    for (const size of [1, 9, text.length]) {
      const out = read(text, size);
      expect(out.container).toEqual({ kind: 'lines' });
      expect(out.items.map((i) => [i.value, i.line])).toEqual(items.map((v, i) => [v, i + 1]));
    }
    expect(read('[1]\n[2]', 3, true).items.map((i) => i.value)).toEqual([[1], [2]]);
    expect(failure('{"a":1}\n{"b":\n')).toBe('f.json:2: line is not valid JSON (Unexpected end of JSON input)');
  });

  it('reports where a cut-off file ends, and where a syntax error is', () => {
    const pretty = JSON.stringify({ configurationItems: items }, null, 2);
    const cut = pretty.slice(0, pretty.indexOf('AWS::S3::Bucket'));
    const lines = cut.split('\n');
    const itemLine = cut.slice(0, cut.lastIndexOf('\n    {') + 1).split('\n').length;
    for (const size of [10, cut.length]) {
      expect(failure(cut, size)).toBe(`f.json: not valid JSON: the data ends at line ${lines.length} column ${lines.at(-1)!.length + 1} inside the item that starts at line ${itemLine} column 5 (cut off? 1 item read)`);
    }
    expect(failure('{"configurationItems": [')).toBe('f.json: not valid JSON: the data ends at line 1 column 25 (cut off? 0 items read)');
    expect(failure('[{"a": 1}\n {"b": 2}]')).toBe("f.json: not valid JSON: '{' at line 2 column 2, expected ',' or ']'");
    expect(failure('[{"a": 1},\n {"b": tru}]')).toMatch(/^f\.json: not valid JSON at line 2 column 11 \(/);
    expect(failure('[{"a": 1},\n {"b":\n 2,}]')).toMatch(/^f\.json: not valid JSON at line 3 column 4 \(/);
    expect(failure('\0\0\0')).toBe('f.json: not valid JSON at line 1 column 1 (Unexpected token \'\0\', "\0" is not valid JSON)');
    expect(failure('')).toBe('f.json: not valid JSON (empty)');
    expect(failure('[1] [2]')).toBe("f.json: not valid JSON: '[' at line 1 column 5, expected the end of the document");
  });

  it('refuses an item longer than the limit', () => {
    const stream = new JsonItemStream('f.json', { container: () => undefined, item: () => undefined, end: () => undefined }, { streamKeys: STREAM_KEYS, maxItemChars: 100 });
    stream.write('[{"a": 1},\n {"b": "');
    expect(() => stream.write('x'.repeat(200))).toThrow('f.json: an item starting at line 2 column 2 is longer than 100 characters');
  });
});
