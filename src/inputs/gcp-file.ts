/**
 * Offline inputs: Cloud Asset Inventory exports read from files, streamed asset by asset, through the collector's normalizer.
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
import type { InputFormat } from './aws-config-file.js';
import { ARRAY, LINES, NonObjects, finalDocument, isObject, type Head, type ItemSink, type ProviderInputs, type Streamed } from './items.js';

const ASSET_TYPE = /^[a-z0-9-]+\.googleapis\.com\/[A-Za-z]+$/;

/** Whether a parsed JSON value looks like a Cloud Asset asset (either spelling). */
export function isGcpAsset(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const type = v.asset_type ?? v.assetType;
  return typeof type === 'string' && ASSET_TYPE.test(type) && typeof v.name === 'string';
}

/** Where the assets of a file are: JSON Lines (export), a JSON array (list), a ListAssets body; undefined: the document is one asset. */
function streamedOf(head: Head, format: InputFormat | undefined): Streamed {
  const { file, document } = head;
  if (format === 'snapshot') throw new InputError(file, '', 'a Cloud Asset export is not an AWS Config snapshot: use --format json or jsonl, or let the format be detected');
  if (head.streamed === LINES) return LINES;
  if (Array.isArray(document)) return ARRAY;
  if (isObject(document)) {
    if ('assets' in document) {
      if (!Array.isArray(document.assets)) throw new InputError(file, 'assets', 'expected an array of assets');
      return 'assets';
    }
    if (isGcpAsset(document)) return undefined;
  }
  throw new InputError(file, '', 'unrecognised document: expected Cloud Asset assets as JSON Lines, a JSON array or {"assets": [...]}');
}

/** Cloud Asset files: resources as they are read; coverage per project (Cloud Asset lists every location at once). */
export class GcpInputs implements ProviderInputs {
  private readonly types = new Map<string, Set<string>>();
  readonly skipped = 0;

  constructor(
    private readonly format: InputFormat | undefined,
    private readonly now: Date,
  ) {}

  open(head: Head, emit: (resource: Resource) => void): ItemSink {
    const streamed = streamedOf(head, this.format);
    const fromStream = streamed !== undefined && streamed === head.streamed;
    const nonObjects = new NonObjects();
    const take = (item: unknown): void => {
      for (const resource of normalizeAsset(item)) {
        if (resource.account) {
          let set = this.types.get(resource.account);
          if (!set) this.types.set(resource.account, (set = new Set()));
          set.add(resource.type);
        }
        emit(resource);
      }
    };
    return {
      item: (value, line, column) => {
        if (!fromStream) return;
        if (isObject(value)) take(value);
        else nonObjects.note(value, line, column);
      },
      end: (shape) => {
        if (streamed === undefined) take(finalDocument(shape));
        nonObjects.check(head.file);
      },
    };
  }

  coverage(): CollectionScope[] {
    const collectedAt = this.now.toISOString();
    return [...this.types].map(([account, t]): CollectionScope => ({ provider: 'gcp', account, region: GLOBAL_REGION, types: [...t], outcome: { status: 'ok', collectedAt } }));
  }
}
