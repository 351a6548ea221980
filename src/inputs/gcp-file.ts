/**
 * Offline inputs: Cloud Asset Inventory exports read from files, through the collector's normalizer.
 * - `gcloud asset export --output-path=gs://…` (and `--content-type=resource|iam-policy`): JSON Lines, one
 *   asset a line, snake_case field names (`asset_type`, `update_time`, `iam_policy`);
 * - `gcloud asset list --format=json` (and the ListAssets REST body `{"assets": [...]}`): a JSON array of
 *   assets in the API's camelCase (`assetType`, `updateTime`).
 * Plain or gzip-compressed. An export may have been limited to some asset types, so a file covers only the
 * types it contains, in the projects it contains (as an AWS item list does), never "all".
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { normalizeAsset } from '../../collectors/gcp/normalize.js';
import { InputError, errorMessage } from '../errors.js';
import { GLOBAL_REGION, type CollectionScope, type Resource } from '../model/resource.js';
import type { InputFormat, OfflineInventory } from './aws-config-file.js';

const ASSET_TYPE = /^[a-z0-9-]+\.googleapis\.com\/[A-Za-z]+$/;

/** Whether a parsed JSON value looks like a Cloud Asset asset (either spelling). */
export function isGcpAsset(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const type = v.asset_type ?? v.assetType;
  return typeof type === 'string' && ASSET_TYPE.test(type) && typeof v.name === 'string';
}

/** File bytes as text: gunzipped when gzip, BOM removed. */
export function readText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new InputError(file, '', `cannot read input: ${errorMessage(error)}`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new InputError(file, '', `gzip data is corrupt: ${errorMessage(error)}`);
    }
  }
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

function parseLines(file: string, text: string): unknown[] {
  const items: unknown[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      items.push(JSON.parse(line));
    } catch (error) {
      throw new InputError(`${file}:${index + 1}`, '', `line is not valid JSON (${errorMessage(error)})`);
    }
  });
  return items;
}

/** The assets of one file: JSON Lines (export), a JSON array (list) or a ListAssets body. */
export function parseGcpAssets(file: string, text: string, format: InputFormat | undefined): unknown[] {
  if (format === 'snapshot') throw new InputError(file, '', 'a Cloud Asset export is not an AWS Config snapshot: use --format json or jsonl, or let the format be detected');
  if (format === 'jsonl') return parseLines(file, text);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    if (format === undefined && text.trimStart().startsWith('{')) return parseLines(file, text);
    throw new InputError(file, '', `not valid JSON (${errorMessage(error)})`);
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

export function readGcpAssetFiles(files: readonly { file: string; text: string }[], format: InputFormat | undefined, now: Date): OfflineInventory {
  const resources: Resource[] = [];
  const types = new Map<string, Set<string>>();
  for (const { file, text } of files) {
    for (const item of parseGcpAssets(file, text, format)) {
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
