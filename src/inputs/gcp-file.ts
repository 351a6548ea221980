/**
 * Offline inputs: Cloud Asset Inventory exports read from files, through the collector's normalizer.
 * - `gcloud asset export --output-path=gs://…` (and `--content-type=resource|iam-policy`): JSON Lines, one
 *   asset a line, snake_case field names (`asset_type`, `update_time`, `iam_policy`);
 * - `gcloud asset list --format=json` (and the ListAssets REST body `{"assets": [...]}`): a JSON array of
 *   assets in the API's camelCase (`assetType`, `updateTime`).
 * Plain or gzip-compressed. An export may have been limited to some asset types, so a file covers only the
 * types it contains, in the projects it contains (as an AWS item list does), never "all".
 */
import { normalizeAsset } from '../../collectors/gcp/normalize.js';
import { InputError } from '../errors.js';
import { GLOBAL_REGION, type CollectionScope, type Resource } from '../model/resource.js';
import type { InputFormat, OfflineInventory } from './aws-config-file.js';
import { parseJsonLines, type InputText } from './text.js';

const ASSET_TYPE = /^[a-z0-9-]+\.googleapis\.com\/[A-Za-z]+$/;

/** Whether a parsed JSON value looks like a Cloud Asset asset (either spelling). */
export function isGcpAsset(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const type = v.asset_type ?? v.assetType;
  return typeof type === 'string' && ASSET_TYPE.test(type) && typeof v.name === 'string';
}

/** The assets of one file: JSON Lines (export), a JSON array (list) or a ListAssets body. */
export function parseGcpAssets(input: InputText, format: InputFormat | undefined): unknown[] {
  const { file, text, document } = input;
  if (format === 'snapshot') throw new InputError(file, '', 'a Cloud Asset export is not an AWS Config snapshot: use --format json or jsonl, or let the format be detected');
  if (format === 'jsonl') return parseJsonLines(file, text);
  if (document === undefined) {
    if (format === undefined && text.trimStart().startsWith('{')) return parseJsonLines(file, text);
    throw new InputError(file, '', `not valid JSON (${input.parseError ?? 'empty'})`);
  }
  if (Array.isArray(document)) return document;
  if (typeof document === 'object' && document !== null) {
    const doc = document as Record<string, unknown>;
    if ('assets' in doc) {
      if (!Array.isArray(doc.assets)) throw new InputError(file, 'assets', 'expected an array of assets');
      return doc.assets;
    }
    if (isGcpAsset(doc)) return [doc];
  }
  throw new InputError(file, '', 'unrecognised document: expected Cloud Asset assets as JSON Lines, a JSON array or {"assets": [...]}');
}

export function readGcpAssetFiles(files: readonly InputText[], format: InputFormat | undefined, now: Date): OfflineInventory {
  const resources: Resource[] = [];
  const types = new Map<string, Set<string>>();
  for (const input of files) {
    for (const item of parseGcpAssets(input, format)) {
      for (const resource of normalizeAsset(item)) {
        resources.push(resource);
        if (!resource.account) continue;
        (types.get(resource.account) ?? types.set(resource.account, new Set()).get(resource.account)!).add(resource.type);
      }
    }
  }
  const collectedAt = now.toISOString();
  // Cloud Asset lists every location of a project at once: coverage is per project, as the collector's is.
  const coverage = [...types].map(([account, t]): CollectionScope => ({ provider: 'gcp', account, region: GLOBAL_REGION, types: [...t], outcome: { status: 'ok', collectedAt } }));
  return { resources, coverage, skipped: 0 };
}
