/**
 * Offline inputs: AWS Config exports read from files. Detects (or is told) the format:
 * - `snapshot`: the configuration snapshot AWS Config delivers to S3 (`{"fileVersion","configSnapshotId","configurationItems":[…]}`),
 *   plain or gzip-compressed. A snapshot is AWS Config's complete record of one account × region.
 * - `json`: a JSON array of configuration items (snapshot/event shape or API shape), or an API response
 *   (`BatchGetResourceConfig` `baseConfigurationItems`, `SelectResourceConfig` `Results`), or one change notification.
 * - `jsonl`: one configuration item per line.
 */
import { normalizeConfigItem } from '../../collectors/aws/normalize.js';
import { InputError } from '../errors.js';
import type { CollectionScope, Resource } from '../model/resource.js';
import { parseJsonLines, readInputText, type InputText } from './text.js';

export const INPUT_FORMATS = ['snapshot', 'json', 'jsonl'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export interface OfflineInventory {
  readonly resources: Resource[];
  readonly coverage: CollectionScope[];
  readonly skipped: number;
}

/** Files are paths (read here) or texts already read by the input dispatcher. */
export function readAwsConfigFiles(files: readonly (string | InputText)[], format: InputFormat | undefined, now: Date): OfflineInventory {
  const resources: Resource[] = [];
  const coverage: CollectionScope[] = [];
  let skipped = 0;
  for (const file of files) {
    const parsed = parseFile(typeof file === 'string' ? readInputText(file) : file, format);
    const fileResources: Resource[] = [];
    for (const item of parsed.items) {
      const outcome = normalizeConfigItem(item);
      if (outcome.kind === 'skipped') skipped++;
      else fileResources.push(outcome.resource);
    }
    for (const r of fileResources) resources.push(r);
    coverage.push(...coverageOf(fileResources, parsed.format === 'snapshot', now));
  }
  return { resources, coverage: mergeCoverage(coverage), skipped };
}

function parseFile(input: InputText, format: InputFormat | undefined): { format: InputFormat; items: unknown[] } {
  const { file, text } = input;
  if (format === 'jsonl') return { format, items: parseJsonLines(file, text) };
  if (input.document === undefined) {
    if (format === undefined && text.trimStart().startsWith('{') && text.trim().includes('\n')) return { format: 'jsonl', items: parseJsonLines(file, text) };
    throw new InputError(file, '', `not valid JSON (${input.parseError ?? 'empty'})`);
  }
  return fromDocument(file, input.document, format);
}

function fromDocument(file: string, document: unknown, format: InputFormat | undefined): { format: InputFormat; items: unknown[] } {
  if (Array.isArray(document)) {
    if (format === 'snapshot') throw new InputError(file, '', 'expected a snapshot object with "configurationItems", found an array');
    return { format: 'json', items: document };
  }
  if (typeof document !== 'object' || document === null) throw new InputError(file, '', 'expected a JSON object or array of configuration items');
  const doc = document as Record<string, unknown>;
  if ('configurationItems' in doc) {
    if (!Array.isArray(doc.configurationItems)) throw new InputError(file, 'configurationItems', 'expected an array');
    return { format: format ?? 'snapshot', items: doc.configurationItems };
  }
  if (format === 'snapshot') throw new InputError(file, 'configurationItems', 'missing: not an AWS Config snapshot');
  if ('baseConfigurationItems' in doc) {
    if (!Array.isArray(doc.baseConfigurationItems)) throw new InputError(file, 'baseConfigurationItems', 'expected an array');
    return { format: 'json', items: doc.baseConfigurationItems };
  }
  if ('Results' in doc) {
    if (!Array.isArray(doc.Results)) throw new InputError(file, 'Results', 'expected an array of JSON strings');
    return { format: 'json', items: doc.Results.map((row, i) => parseRow(file, `Results[${i}]`, row)) };
  }
  if ('configurationItem' in doc) return { format: 'json', items: [doc.configurationItem] };
  if ('resourceType' in doc) return { format: 'json', items: [doc] };
  throw new InputError(file, '', 'unrecognised document: expected a snapshot ("configurationItems"), an array of items, "baseConfigurationItems", "Results" or "configurationItem"');
}

function parseRow(file: string, path: string, row: unknown): unknown {
  if (typeof row !== 'string') return row;
  try {
    return JSON.parse(row) as unknown;
  } catch {
    // A malformed row becomes one malformed item (unknown for its controls), not a failed run.
    return { resourceType: 'Unknown', resourceId: `${file}#${path}`, configuration: row };
  }
}


/**
 * What an offline file says about collection. A snapshot covers every type in its account × region;
 * a list of items covers only the types it contains, in the accounts and regions it contains.
 */
function coverageOf(resources: readonly Resource[], complete: boolean, now: Date): CollectionScope[] {
  const typesByAccount = new Map<string, Set<string>>();
  const regionsByAccount = new Map<string, Set<string>>();
  for (const r of resources) {
    if (!r.account) continue;
    (typesByAccount.get(r.account) ?? typesByAccount.set(r.account, new Set()).get(r.account)!).add(r.type);
    (regionsByAccount.get(r.account) ?? regionsByAccount.set(r.account, new Set()).get(r.account)!).add(r.region);
  }
  const collectedAt = now.toISOString();
  const scopes: CollectionScope[] = [];
  for (const [account, regions] of regionsByAccount) {
    const types = complete ? 'all' : [...typesByAccount.get(account)!];
    for (const region of regions) scopes.push({ provider: 'aws', account, region, types, outcome: { status: 'ok', collectedAt } });
  }
  return scopes;
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
