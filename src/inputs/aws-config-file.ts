/**
 * Offline inputs: AWS Config exports read from files, streamed item by item. Detects (or is told) the format:
 * - `snapshot`: the configuration snapshot AWS Config delivers to S3 (`{"fileVersion","configSnapshotId","configurationItems":[…]}`),
 *   plain or gzip-compressed. A snapshot is AWS Config's complete record of one account × region.
 * - `json`: a JSON array of configuration items (snapshot/event shape or API shape), or an API response
 *   (`BatchGetResourceConfig` `baseConfigurationItems`, `SelectResourceConfig` `Results`), or one change notification.
 * - `jsonl`: one configuration item per line.
 */
import { normalizeConfigItem } from '../../collectors/aws/normalize.js';
import { InputError } from '../errors.js';
import type { CollectionScope, Resource } from '../model/resource.js';
import { ARRAY, LINES, NonObjects, finalDocument, headOf, isObject, type Head, type ItemSink, type ProviderInputs, type Streamed } from './items.js';
import { JsonItemStream, type Container, type DocumentShape } from './json-stream.js';
import { inputLimits, textChunksSync, type InputLimits } from './text.js';

export const INPUT_FORMATS = ['snapshot', 'json', 'jsonl'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export interface OfflineInventory {
  readonly resources: Resource[];
  readonly coverage: CollectionScope[];
  readonly skipped: number;
}

/** Where an AWS document's items are: the streamed array (`rows`: Select results, JSON strings) or the document itself. */
interface Plan {
  readonly format: InputFormat;
  readonly streamed?: Streamed;
  readonly rows?: boolean;
  readonly whole?: (document: Record<string, unknown>) => unknown[];
}

function planOf(file: string, head: Head, format: InputFormat | undefined): Plan {
  const { document } = head;
  if (head.streamed === LINES) {
    if (format === 'snapshot') throw new InputError(file, '', 'expected a snapshot object with "configurationItems", found JSON Lines');
    return { format: 'jsonl', streamed: LINES };
  }
  if (Array.isArray(document)) {
    if (format === 'snapshot') throw new InputError(file, '', 'expected a snapshot object with "configurationItems", found an array');
    return { format: 'json', streamed: ARRAY };
  }
  if (!isObject(document)) throw new InputError(file, '', 'expected a JSON object or array of configuration items');
  const member = (key: string, what = 'expected an array'): string => {
    if (!Array.isArray(document[key])) throw new InputError(file, key, what);
    return key;
  };
  if ('configurationItems' in document) return { format: format ?? 'snapshot', streamed: member('configurationItems') };
  if (format === 'snapshot') throw new InputError(file, 'configurationItems', 'missing: not an AWS Config snapshot');
  if ('baseConfigurationItems' in document) return { format: 'json', streamed: member('baseConfigurationItems') };
  if ('Results' in document) return { format: 'json', streamed: member('Results', 'expected an array of JSON strings'), rows: true };
  if ('configurationItem' in document) return { format: 'json', whole: (doc) => [doc.configurationItem] };
  if ('resourceType' in document) return { format: 'json', whole: (doc) => [doc] };
  throw new InputError(file, '', 'unrecognised document: expected a snapshot ("configurationItems"), an array of items, "baseConfigurationItems", "Results" or "configurationItem"');
}

function parseRow(file: string, path: string, row: string): unknown {
  try {
    return JSON.parse(row) as unknown;
  } catch {
    // A malformed row becomes one malformed item (unknown for its controls), not a failed run.
    return { resourceType: 'Unknown', resourceId: `${file}#${path}`, configuration: row };
  }
}

/** AWS Config files: resources as they are read, coverage per account × region, deleted items skipped. */
export class AwsInputs implements ProviderInputs {
  private readonly scopes: CollectionScope[] = [];
  skipped = 0;

  constructor(
    private readonly format: InputFormat | undefined,
    private readonly now: Date,
  ) {}

  open(head: Head, emit: (resource: Resource) => void): ItemSink {
    const { file } = head;
    const plan = planOf(file, head, this.format);
    const fromStream = plan.streamed !== undefined && plan.streamed === head.streamed;
    const nonObjects = new NonObjects();
    /** account → types and regions seen in this file */
    const seen = new Map<string, { types: Set<string>; regions: Set<string> }>();
    let index = 0;
    const take = (item: unknown): void => {
      const outcome = normalizeConfigItem(item);
      if (outcome.kind === 'skipped') {
        this.skipped++;
        return;
      }
      const r = outcome.resource;
      if (r.account) {
        let entry = seen.get(r.account);
        if (!entry) seen.set(r.account, (entry = { types: new Set(), regions: new Set() }));
        entry.types.add(r.type);
        entry.regions.add(r.region);
      }
      emit(r);
    };
    return {
      item: (value, line, column) => {
        if (!fromStream) return;
        const i = index++;
        if (plan.rows && typeof value === 'string') take(parseRow(file, `Results[${i}]`, value));
        else if (isObject(value)) take(value);
        else nonObjects.note(value, line, column);
      },
      end: (shape: DocumentShape) => {
        if (plan.whole) {
          const document = finalDocument(shape);
          const again = planOf(file, { ...head, document }, this.format);
          for (const item of (again.whole ?? plan.whole)(document as Record<string, unknown>)) {
            if (isObject(item)) take(item);
            else nonObjects.note(item, 1, 1);
          }
        }
        nonObjects.check(file);
        const collectedAt = this.now.toISOString();
        for (const [account, { types, regions }] of seen) {
          // A snapshot covers every type in its account × region; a list of items only the types it contains.
          for (const region of regions) this.scopes.push({ provider: 'aws', account, region, types: plan.format === 'snapshot' ? 'all' : [...types], outcome: { status: 'ok', collectedAt } });
        }
      },
    };
  }

  coverage(): CollectionScope[] {
    return mergeCoverage(this.scopes);
  }
}

function mergeCoverage(scopes: readonly CollectionScope[]): CollectionScope[] {
  const merged = new Map<string, CollectionScope>();
  for (const scope of scopes) {
    const key = `${scope.account}|${scope.region}`;
    const previous = merged.get(key);
    if (!previous) merged.set(key, scope);
    else if (previous.types !== 'all') {
      merged.set(key, { ...previous, types: scope.types === 'all' ? 'all' : [...new Set([...previous.types, ...scope.types])] });
    }
  }
  return [...merged.values()];
}

/** Keys of top-level members whose array is streamed item by item. */
export const STREAM_KEYS: ReadonlySet<string> = new Set(['configurationItems', 'baseConfigurationItems', 'Results', 'value', 'data', 'assets']);

/**
 * Reads one file through a provider's inputs, synchronously (small files: fixtures, tests). The streaming
 * path for `kansa evaluate` is `streamInputFiles` (detect.ts).
 */
export function readFileSyncWith(file: string, inputs: ProviderInputs, lines: boolean, emit: (resource: Resource) => void, limits: InputLimits = inputLimits()): void {
  let sink: ItemSink | undefined;
  let container: Container | undefined;
  const stream = new JsonItemStream(
    file,
    {
      container: (c) => void (container = c),
      item: (value, line, column) => (sink ??= inputs.open(headOf(file, container!, { value }), emit)).item(value, line, column),
      end: (shape) => (sink ??= inputs.open(headOf(file, shape, undefined), emit)).end(shape),
    },
    { streamKeys: STREAM_KEYS, lines, maxItemChars: limits.maxItemChars },
  );
  for (const chunk of textChunksSync(file, limits)) stream.write(chunk);
  stream.end();
}

/** AWS Config files read whole into memory (small inputs: fixtures, tests; `kansa evaluate` streams instead). */
export function readAwsConfigFiles(files: readonly string[], format: InputFormat | undefined, now: Date): OfflineInventory {
  const inputs = new AwsInputs(format, now);
  const resources: Resource[] = [];
  for (const file of files) readFileSyncWith(file, inputs, format === 'jsonl', (r) => resources.push(r));
  return { resources, coverage: inputs.coverage(), skipped: inputs.skipped };
}
