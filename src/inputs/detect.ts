/**
 * `kansa evaluate --input FILE…`: which provider's export each file is, and the reader for it. Files are
 * sniffed one by one (first JSON value or first line), so AWS, Azure and GCP exports can be mixed in one run.
 * Each provider adds one branch to `providerOf` and one to the reader choice in `readInputFiles`.
 */
import type { CollectionScope, Resource } from '../model/resource.js';
import { readAwsConfigFiles, type InputFormat, type OfflineInventory } from './aws-config-file.js';
import { isAzureText, readAzureFiles } from './azure-file.js';
import { isGcpAsset, readGcpAssetFiles, readText } from './gcp-file.js';

export type InputProvider = 'aws' | 'azure' | 'gcp';

/** The first JSON value of a file: the whole document, its first element, or its first line (JSON Lines). */
function firstValue(text: string): unknown {
  try {
    const document = JSON.parse(text) as unknown;
    if (Array.isArray(document)) return document[0];
    if (typeof document === 'object' && document !== null && Array.isArray((document as Record<string, unknown>).assets)) return ((document as Record<string, unknown>).assets as unknown[])[0];
    return document;
  } catch {
    const line = text.split('\n').find((l) => l.trim() !== '');
    try {
      return line === undefined ? undefined : (JSON.parse(line) as unknown);
    } catch {
      return undefined;
    }
  }
}

/** Which provider exported this text; AWS Config when nothing else matches (its reader reports what is wrong). */
export function providerOf(text: string): InputProvider {
  const first = firstValue(text);
  if (isGcpAsset(first)) return 'gcp';
  if (isAzureText(text)) return 'azure';
  return 'aws';
}

export function readInputFiles(files: readonly string[], format: InputFormat | undefined, now: Date): OfflineInventory {
  const byProvider = new Map<InputProvider, { file: string; text: string }[]>();
  for (const file of files) {
    const text = readText(file);
    const provider = providerOf(text);
    (byProvider.get(provider) ?? byProvider.set(provider, []).get(provider)!).push({ file, text });
  }
  const resources: Resource[] = [];
  const coverage: CollectionScope[] = [];
  let skipped = 0;
  for (const [provider, list] of byProvider) {
    const inventory = provider === 'gcp' ? readGcpAssetFiles(list, format, now) : provider === 'azure' ? readAzureFiles(list, now) : readAwsConfigFiles(list.map((f) => f.file), format, now);
    for (const r of inventory.resources) resources.push(r);
    coverage.push(...inventory.coverage);
    skipped += inventory.skipped;
  }
  return { resources, coverage, skipped };
}
