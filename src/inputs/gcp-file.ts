/**
 * Offline inputs: Cloud Asset Inventory exports read from files, streamed asset by asset, through the collector's normalizer.
 * - `gcloud asset export --output-path=gs://…` (and `--content-type=resource|iam-policy`): JSON Lines, one
 *   asset a line, snake_case field names (`asset_type`, `update_time`, `iam_policy`);
 * - `gcloud asset list --format=json` (and the ListAssets REST body `{"assets": [...]}`): a JSON array of
 *   assets in the API's camelCase (`assetType`, `updateTime`).
 * Plain or gzip-compressed. An export may have been limited to some asset types (`--asset-types`) or to one
 * content type, and the files carry no record of the filter, so a file covers only the types it contains, in
 * the projects it contains (as an AWS item list does), never "all": a wanted type it lacks is a gap. Its
 * scopes are dated by the ListAssets `readTime` ("time the snapshot was taken", ListAssetsResponse) when the
 * file is that body, else by the latest asset `updateTime`.
 */
import { readAsset } from '../../collectors/gcp/normalize.js';
import type { Bilingual } from '../model/text.js';
import { InputError } from '../errors.js';
import { GLOBAL_REGION, type CollectionScope, type Resource } from '../model/resource.js';
import type { InputFormat } from './aws-config-file.js';
import { CoverageBook, type Unplaced } from './coverage.js';
import { ARRAY, LINES, NonObjects, finalDocument, isObject, pageToken, type Head, type ItemSink, type ProviderInputs, type Streamed } from './items.js';

const ASSET_TYPE = /^[a-z0-9-]+\.googleapis\.com\/[A-Za-z]+$/;
const FIREWALL_POLICY = 'compute.googleapis.com/FirewallPolicy';
const HIERARCHY_NODE = /^(?:organizations|folders)\/\d+$/;

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
  private readonly book: CoverageBook;
  readonly skipped = 0;
  /** Per project, the folders and organization above it (its assets' `ancestors`, closest first). */
  private readonly above = new Map<string, Set<string>>();

  constructor(
    private readonly format: InputFormat | undefined,
    private readonly now: Date,
    /** The GCP asset types the enabled controls read: those a file lacks become gaps. */
    wanted?: ReadonlySet<string>,
  ) {
    this.book = new CoverageBook('gcp', wanted);
  }

  open(head: Head, emit: (resource: Resource) => void): ItemSink {
    const streamed = streamedOf(head, this.format);
    const fromStream = streamed !== undefined && streamed === head.streamed;
    const nonObjects = new NonObjects();
    const cover = this.book.file(head.file, 'cai');
    const take = (item: unknown): void => {
      const read = readAsset(item);
      // An asset read to neither its type nor its project tells no control anything: its scope says so.
      if (!read.ok) {
        cover.unreadable(undefined, GLOBAL_REGION);
        return;
      }
      for (const resource of read.resources) {
        if (!resource.account) {
          cover.unreadable(resource.account || undefined, GLOBAL_REGION);
          continue;
        }
        cover.item(resource.account, GLOBAL_REGION, resource.type, resource.capturedAt || undefined);
        this.noteAncestry(resource);
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
        const document = finalDocument(shape);
        if (streamed === undefined) take(document);
        nonObjects.check(head.file);
        if (streamed === 'assets' && isObject(document)) {
          cover.capturedAt(typeof document.readTime === 'string' ? document.readTime : undefined);
          const token = pageToken(document, ['nextPageToken']);
          if (token) cover.paged(token);
        }
        cover.end();
      },
    };
  }

  private noteAncestry(resource: Resource): void {
    if (HIERARCHY_NODE.test(resource.account)) return;
    let nodes = this.above.get(resource.account);
    for (const node of (resource.supplementary.ancestors as readonly string[] | undefined) ?? []) {
      if (!HIERARCHY_NODE.test(node)) continue;
      if (!nodes) this.above.set(resource.account, (nodes = new Set()));
      nodes.add(node);
    }
  }

  /**
   * Hierarchical firewall policies belong to the organization or folder they are attached to, and an export
   * of a project does not hold them (ListAssets and exports return the assets inside the parent). A
   * project's FirewallPolicy coverage therefore also needs each folder and organization above it covered
   * for that type by the input (an export of that node holding FirewallPolicy assets); otherwise a gap says
   * which nodes were not read, and the firewall findings that depend on them are unknown.
   */
  coverage(): CollectionScope[] {
    const scopes = this.book.scopes(this.now);
    const covers = (s: CollectionScope): boolean => (s.types === 'all' || s.types.includes(FIREWALL_POLICY)) && !s.gaps?.some((g) => g.types.includes(FIREWALL_POLICY));
    const read = new Set(scopes.filter((s) => HIERARCHY_NODE.test(s.account) && covers(s)).map((s) => s.account));
    return scopes.map((scope) => {
      // An organization or folder holds only its own assets (hierarchical firewall policies, its IAM and org
      // policies): the project types a file lacks there are not missing from it. Only gaps of types it does hold
      // (one page of a paged result) stay.
      if (HIERARCHY_NODE.test(scope.account)) {
        const held = (type: string): boolean => scope.types === 'all' || scope.types.includes(type);
        const gaps = scope.gaps?.filter((g) => g.types.every(held)) ?? [];
        const node: CollectionScope = { provider: scope.provider, account: scope.account, region: scope.region, types: scope.types, outcome: scope.outcome };
        return {
          ...node,
          ...(gaps.length > 0 ? { gaps } : {}),
          ...(scope.supplementary === undefined ? {} : { supplementary: scope.supplementary }),
          ...(scope.unreadable === undefined ? {} : { unreadable: scope.unreadable }),
        };
      }
      if (!covers(scope)) return scope;
      const unread = [...(this.above.get(scope.account) ?? [])].filter((node) => !read.has(node)).sort();
      if (unread.length === 0) return scope;
      return { ...scope, gaps: [...(scope.gaps ?? []), { types: [FIREWALL_POLICY], reason: unreadAncestorsReason(unread) }] };
    });
  }

  untimed(): string[] {
    return this.book.untimed();
  }

  unplaced(): readonly Unplaced[] {
    return this.book.unplacedItems();
  }
}

function unreadAncestorsReason(unread: readonly string[]): Bilingual {
  return {
    ja: `入力には上位の ${unread.join('、')} の FirewallPolicy アセットがありません。そこに関連付けられた階層型ファイアウォール ポリシーは VPC ファイアウォール ルールより先に評価され、通信を拒否することも許可することもあります。組織またはフォルダ単位のエクスポート（gcloud asset export --organization / --folder）も入力に加えてください`,
    en: `the input holds no FirewallPolicy assets of ${unread.join(', ')} above this project; hierarchical firewall policies attached there are evaluated before the VPC firewall rules and may deny or allow the traffic: add an export of the organization or folder (gcloud asset export --organization / --folder) to the input`,
  };
}
