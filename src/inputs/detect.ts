/**
 * `kansa evaluate --input FILE…`: which provider's export each file is, and the reader for it. Files are
 * streamed one by one and item by item (never held whole, gzip decompressed as a stream under a limit);
 * the provider is chosen per file from what precedes its first item and that item, so AWS, Azure and GCP
 * exports can be mixed in one run. Each provider adds one branch to `providerOf` and one `ProviderInputs`.
 */
import type { CollectionScope, Resource } from '../model/resource.js';
import { AwsInputs, STREAM_KEYS, type InputFormat, type OfflineInventory } from './aws-config-file.js';
import { AzureInputs, detectAzureDocument } from './azure-file.js';
import type { Unplaced } from './coverage.js';
import { isGcpAsset, GcpInputs } from './gcp-file.js';
import { LINES, headOf, isObject, type Head, type ItemSink, type ProviderInputs, type WantedTypes } from './items.js';
import { JsonItemStream, type Container } from './json-stream.js';
import { inputLimits, textChunks, type InputLimits } from './text.js';

export type InputProvider = 'aws' | 'azure' | 'gcp';

/** The first item of a file's head: its first element or line, or the document itself. */
function firstValue(head: Head): unknown {
  const { document } = head;
  if (head.streamed === LINES) return document;
  if (Array.isArray(document)) return document[0];
  if (isObject(document) && Array.isArray(document.assets)) return document.assets[0];
  return document;
}

/** Which provider exported this file; AWS Config when nothing else matches (its reader reports what is wrong). */
export function providerOf(head: Head): InputProvider {
  if (isGcpAsset(firstValue(head))) return 'gcp';
  if (head.streamed !== LINES && detectAzureDocument(head.document) !== undefined) return 'azure';
  return 'aws';
}

/** The provider of a JSON text (its head only is read). */
export function providerOfText(text: string, format?: InputFormat): InputProvider {
  let provider: InputProvider | undefined;
  let container: Container | undefined;
  const stop = new Error('stop');
  const stream = new JsonItemStream(
    'text',
    {
      container: (c) => void (container = c),
      item: (value) => {
        provider = providerOf(headOf('text', container!, { value }));
        throw stop;
      },
      end: (shape) => void (provider = providerOf(headOf('text', shape, undefined))),
    },
    { streamKeys: STREAM_KEYS, lines: format === 'jsonl' },
  );
  try {
    stream.write(text);
    stream.end();
  } catch (error) {
    if (error !== stop) throw error;
  }
  return provider!;
}

export interface InputSummary {
  /** What the files cover, per provider × account × region: types, gaps, capture time (see coverage.ts). */
  readonly coverage: CollectionScope[];
  /** Items read but not evaluated (deleted or not-recorded AWS items, Azure tenant-level resources). */
  readonly skipped: number;
  /** Resources handed to `onResource`. */
  readonly resources: number;
  /** Scopes ("aws 111122223333/ap-northeast-1") whose files carry no capture time: stamped with `now`. */
  readonly untimed: readonly string[];
  /** Files with unreadable items that belong to no scope the file names. */
  readonly unplaced: readonly Unplaced[];
}

export interface InputOptions {
  readonly limits?: InputLimits;
  /** The types the enabled controls read, per provider: those an input lacks become coverage gaps. */
  readonly wanted?: WantedTypes;
}

/**
 * Streams the files, handing each normalized resource to `onResource` as soon as it is read (an
 * `Evaluation.add`), so memory holds one item at a time, not the inventory. Resolves to the coverage once
 * every file is read; rejects with an InputError (exit 2) naming the file, line and column of bad input.
 */
export async function streamInputFiles(
  files: readonly string[],
  format: InputFormat | undefined,
  now: Date,
  onResource: (resource: Resource) => void,
  options: InputOptions = {},
): Promise<InputSummary> {
  const limits = options.limits ?? inputLimits();
  const wanted = options.wanted ?? {};
  const providers = new Map<InputProvider, ProviderInputs>();
  const inputsFor = (provider: InputProvider): ProviderInputs => {
    let inputs = providers.get(provider);
    if (!inputs) {
      inputs = provider === 'gcp' ? new GcpInputs(format, now, wanted.gcp) : provider === 'azure' ? new AzureInputs(now, wanted.azure) : new AwsInputs(format, now, wanted.aws);
      providers.set(provider, inputs);
    }
    return inputs;
  };
  let count = 0;
  const emit = (resource: Resource): void => {
    count++;
    onResource(resource);
  };
  for (const file of files) {
    let container: Container | undefined;
    let sink: ItemSink | undefined;
    const open = (head: Head): ItemSink => inputsFor(providerOf(head)).open(head, emit);
    const stream = new JsonItemStream(
      file,
      {
        container: (c) => void (container = c),
        item: (value, line, column) => (sink ??= open(headOf(file, container!, { value }))).item(value, line, column),
        end: (shape) => (sink ??= open(headOf(file, shape, undefined))).end(shape),
      },
      { streamKeys: STREAM_KEYS, lines: format === 'jsonl', maxItemChars: limits.maxItemChars },
    );
    for await (const chunk of textChunks(file, limits)) stream.write(chunk);
    stream.end();
  }
  const coverage: CollectionScope[] = [];
  const untimed: string[] = [];
  const unplaced: Unplaced[] = [];
  let skipped = 0;
  for (const inputs of providers.values()) {
    coverage.push(...inputs.coverage());
    untimed.push(...inputs.untimed());
    unplaced.push(...inputs.unplaced());
    skipped += inputs.skipped;
  }
  return { coverage, skipped, resources: count, untimed, unplaced };
}

/** The same, collecting the resources (small inputs and tests: `kansa evaluate` streams them into the evaluation). */
export async function readInputFiles(files: readonly string[], format: InputFormat | undefined, now: Date, options?: InputOptions): Promise<OfflineInventory> {
  const resources: Resource[] = [];
  const { coverage, skipped, untimed, unplaced } = await streamInputFiles(files, format, now, (r) => resources.push(r), options);
  return { resources, coverage, skipped, untimed, unplaced };
}
