/**
 * `kansa evaluate --input FILE…`: which provider's export each file is, and the reader for it. Files are
 * sniffed one by one (first JSON value or first line), so AWS, Azure and GCP exports can be mixed in one run.
 * Each provider adds one branch to `providerOf` and one to the reader choice in `readInputFiles`.
 */
import type { CollectionScope, Resource } from '../model/resource.js';
import { readAwsConfigFiles, type InputFormat, type OfflineInventory } from './aws-config-file.js';
import { isAzureInput, readAzureFiles } from './azure-file.js';
import { isGcpAsset, readGcpAssetFiles } from './gcp-file.js';
import { readInputText, type InputText } from './text.js';

export type InputProvider = 'aws' | 'azure' | 'gcp';

/** The first JSON value of a file: the whole document, its first element, or its first line (JSON Lines). */
function firstValue(input: InputText): unknown {
  const { document } = input;
  if (document !== undefined) {
    if (Array.isArray(document)) return document[0];
    if (typeof document === 'object' && document !== null && Array.isArray((document as Record<string, unknown>).assets)) return ((document as Record<string, unknown>).assets as unknown[])[0];
    return document;
  }
  const line = input.text.split('\n').find((l) => l.trim() !== '');
  try {
    return line === undefined ? undefined : (JSON.parse(line) as unknown);
  } catch {
    return undefined;
  }
}

/** Which provider exported this text; AWS Config when nothing else matches (its reader reports what is wrong). */
export function providerOf(input: InputText): InputProvider {
  if (isGcpAsset(firstValue(input))) return 'gcp';
  if (isAzureInput(input)) return 'azure';
  return 'aws';
}

export function readInputFiles(files: readonly string[], format: InputFormat | undefined, now: Date): OfflineInventory {
  // Each file is read and parsed once, here; the provider readers take the parsed input.
  const byProvider = new Map<InputProvider, InputText[]>();
  for (const file of files) {
    const input = readInputText(file);
    const provider = providerOf(input);
    (byProvider.get(provider) ?? byProvider.set(provider, []).get(provider)!).push(input);
  }
  const resources: Resource[] = [];
  const coverage: CollectionScope[] = [];
  let skipped = 0;
  for (const [provider, list] of byProvider) {
    const inventory = provider === 'gcp' ? readGcpAssetFiles(list, format, now) : provider === 'azure' ? readAzureFiles(list, now) : readAwsConfigFiles(list, format, now);
    for (const r of inventory.resources) resources.push(r);
    coverage.push(...inventory.coverage);
    skipped += inventory.skipped;
  }
  return { resources, coverage, skipped };
}
