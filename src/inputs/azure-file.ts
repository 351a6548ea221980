/**
 * Offline inputs: Azure resource configuration read from files, through the collector's normalizer
 * (collectors/azure/normalize.ts), so offline and live verdicts agree. Accepted documents:
 * - a JSON array of ARM resource bodies (`az resource show --ids …`, `az storage account list`, templates of GETs);
 * - an ARM list body `{"value": [...], "nextLink"?}` (a REST GET of a collection, `az rest`);
 * - `az graph query` output `{"data": [...]}` or `{"count", "data", "skip_token", "total_records"}`
 *   (Resource Graph rows: lower-case `type`, null columns, `resourceGroup`/`subscriptionId`/`tenantId`);
 * - one ARM resource body.
 * Like an AWS list of items, a file covers only the resource types it contains, in the subscriptions
 * it contains: a wanted type it lacks is a coverage gap, so controls over it are unknown rather than
 * passing vacuously or failing. Child settings (diagnostic settings, SQL auditing, TDE, long-term
 * retention, blob service properties, Defender plans) are related to their parent from their own id, as the
 * live collector relates what it fetches per parent. ARM bodies carry no capture time: the scopes are
 * reported as untimed. Files are streamed item by item: the document kind is detected from what precedes
 * the first item and that item.
 */
import { DIAGNOSTIC_PARENT_TYPES, listingPlan } from '../../collectors/azure/resource-manager.js';
import { AZURE_TYPES, canonicalId, canonicalType, readArmItem, subscriptionOf, type NormalizeOptions } from '../../collectors/azure/normalize.js';
import { InputError } from '../errors.js';
import { GLOBAL_REGION, type CollectionScope, type CoverageGap, type Resource } from '../model/resource.js';
import { CoverageBook, type Unplaced } from './coverage.js';
import { ARRAY, NonObjects, finalDocument, isObject, pageToken, type Head, type ItemSink, type Json, type ProviderInputs, type Streamed } from './items.js';

export type AzureDocumentKind = 'armArray' | 'armList' | 'resourceGraph' | 'armResource';

/** An ARM body: an id under a subscription (or a tenant-level provider path) and a namespaced type. */
export function isArmBody(value: unknown): boolean {
  if (!isObject(value) || 'resourceType' in value || 'configurationItemCaptureTime' in value) return false;
  return typeof value.id === 'string' && /^\/?(subscriptions|providers)\//i.test(value.id) && typeof value.type === 'string' && /^[A-Za-z0-9.]+\/.+/.test(value.type);
}

/** Every object item an ARM body, and at least one of them (non-objects are tolerated as malformed). */
function armItems(items: readonly unknown[]): boolean {
  const objects = items.filter(isObject);
  return objects.length > 0 && objects.every(isArmBody);
}

/** Which Azure document this is, or undefined when it is not one (AWS, GCP, anything else). */
export function detectAzureDocument(document: unknown): AzureDocumentKind | undefined {
  if (Array.isArray(document)) return armItems(document) ? 'armArray' : undefined;
  if (!isObject(document)) return undefined;
  if (Array.isArray(document.data) && ('count' in document || 'skip_token' in document || 'total_records' in document || 'totalRecords' in document || armItems(document.data))) {
    return document.data.length === 0 || armItems(document.data) ? 'resourceGraph' : undefined;
  }
  if (Array.isArray(document.value) && (document.value.length === 0 ? 'nextLink' in document : armItems(document.value))) return 'armList';
  return isArmBody(document) ? 'armResource' : undefined;
}

/** Which member (or the top-level array) holds the items of an Azure document; undefined: the document is one resource. */
function streamedOf(kind: AzureDocumentKind): Streamed {
  switch (kind) {
    case 'armArray':
      return ARRAY;
    case 'resourceGraph':
      return 'data';
    case 'armList':
      return 'value';
    case 'armResource':
      return undefined;
  }
}

/**
 * Types the live collector fetches per parent and relates to it (collectors/azure/resource-manager.ts: the
 * child settings of its plan, and Defender plans and security contacts under their subscription).
 */
const CHILD_TYPES: ReadonlySet<string> = new Set([...listingPlan(Object.values(AZURE_TYPES)).children.map((c) => c.type), AZURE_TYPES.securityPricing, AZURE_TYPES.securityContact]);

/** `Microsoft.Sql/servers/databases` from `/subscriptions/…/providers/Microsoft.Sql/servers/s1/databases/db1`. */
function typeOfId(id: string): string | undefined {
  const m = /^.*\/providers\/([^/]+)\/(.+)$/i.exec(id);
  if (!m) return undefined;
  const parts = m[2]!.split('/');
  if (parts.length % 2 !== 0) return undefined;
  return canonicalType([m[1]!, ...parts.filter((_, i) => i % 2 === 0)].join('/'));
}

/**
 * The resource a child setting belongs to, from the setting's own ARM id (the shape the live collector gives
 * what it fetches under a parent):
 * - an extension resource, `{scope}/providers/Microsoft.Insights/diagnosticSettings/{name}`: the scope, a
 *   resource (`…/vaults/kv1`) or a subscription (`/subscriptions/{id}`; some exports write subscription-level
 *   ids without the leading slash, with `location: global`);
 * - a nested child, `…/servers/s1/auditingSettings/default`: the resource one level up.
 */
export function armParentOf(id: string): NormalizeOptions['parent'] {
  const full = canonicalId(id);
  const m = /^(.*)\/providers\/([^/]+)\/(.+)$/i.exec(full);
  if (!m) return undefined;
  const [, scope, namespace, rest] = m as unknown as [string, string, string, string];
  const parts = rest.split('/');
  if (parts.length >= 4 && parts.length % 2 === 0) {
    const parentId = `${scope}/providers/${namespace}/${parts.slice(0, -2).join('/')}`;
    const type = typeOfId(parentId);
    return type ? { type, id: parentId } : undefined;
  }
  if (parts.length !== 2) return undefined;
  if (/^\/subscriptions\/[^/]+$/i.test(scope)) return { type: AZURE_TYPES.subscription, id: scope, location: GLOBAL_REGION };
  const type = typeOfId(scope);
  return type ? { type, id: scope } : undefined;
}

/** Per subscription: which diagnostic settings the input holds, and whether it holds resources that carry them. */
interface DiagnosticsSeen {
  subscriptionLevel: boolean;
  resourceLevel: boolean;
  parents: boolean;
}

/**
 * ARM lists a subscription's own diagnostic settings (its activity-log export) and each resource's by
 * separate calls (`GET {scope}/providers/Microsoft.Insights/diagnosticSettings`), so an export holding one
 * kind says nothing of the other: judging the missing kind would fail what was not looked at.
 */
function diagnosticsGap(seen: DiagnosticsSeen): CoverageGap | undefined {
  const type = AZURE_TYPES.diagnosticSettings;
  if (!seen.subscriptionLevel) {
    return {
      types: [type],
      reason: {
        ja: `入力にはこのサブスクリプションのリソースの診断設定 (${type}) はありますが、サブスクリプション自体の診断設定（アクティビティログの出力先）はありません。両者は別々に一覧されるため、含まれていない側は判定できません`,
        en: `the input holds diagnostic settings (${type}) of resources in this subscription but none of the subscription itself (its activity-log export), which ARM lists separately: the missing kind cannot be judged`,
      },
    };
  }
  if (!seen.resourceLevel && seen.parents) {
    return {
      types: [type],
      reason: {
        ja: `入力にはこのサブスクリプション自体の診断設定 (${type}) はありますが、リソース（Key Vault など）の診断設定はありません。リソースごとに別々に一覧されるため、含まれていない側は判定できません`,
        en: `the input holds the subscription's own diagnostic settings (${type}) but none of its resources' (key vaults…), which ARM lists per resource: the missing kind cannot be judged`,
      },
    };
  }
  return undefined;
}

/**
 * Azure files: resources as they are read, and per subscription the union of the types the files hold.
 * Objects without an id are unreadable (counted in the subscription their Resource Graph `subscriptionId`
 * column names, else in every subscription of their file); tenant-level resources (no subscription in the
 * id) are skipped; items with an id but a broken body become malformed resources (unknown for their
 * controls). Items that are not objects are bad input.
 */
export class AzureInputs implements ProviderInputs {
  private readonly book: CoverageBook;
  private readonly diagnostics = new Map<string, DiagnosticsSeen>();
  skipped = 0;

  constructor(
    private readonly now: Date,
    /** The Azure types the enabled controls read: those a file lacks become gaps. */
    private readonly wanted?: ReadonlySet<string>,
  ) {
    this.book = new CoverageBook('azure', wanted);
  }

  private noteDiagnostics(resource: Resource): void {
    const isSetting = resource.type === AZURE_TYPES.diagnosticSettings;
    if (!isSetting && !DIAGNOSTIC_PARENT_TYPES.includes(resource.type)) return;
    let seen = this.diagnostics.get(resource.account);
    if (!seen) this.diagnostics.set(resource.account, (seen = { subscriptionLevel: false, resourceLevel: false, parents: false }));
    if (!isSetting) seen.parents = true;
    else if (resource.relationships.some((r) => r.type === AZURE_TYPES.subscription)) seen.subscriptionLevel = true;
    else seen.resourceLevel = true;
  }

  open(head: Head, emit: (resource: Resource) => void): ItemSink {
    const { file } = head;
    const kind = detectAzureDocument(head.document);
    if (kind === undefined) throw new InputError(file, '', 'unrecognised document: expected a JSON array of ARM resources, an ARM list ({"value": [...]}) or az graph query output ({"data": [...]})');
    const streamed = streamedOf(kind);
    const fromStream = streamed !== undefined && streamed === head.streamed;
    const nonObjects = new NonObjects();
    const cover = this.book.file(file, 'arm');
    const take = (item: Json): void => {
      if (typeof item.id !== 'string' || item.id === '') {
        const subscription = typeof item.subscriptionId === 'string' ? item.subscriptionId.toLowerCase() : '';
        cover.unreadable(subscription || undefined, GLOBAL_REGION);
        return;
      }
      // Tenant-level resources (no subscription in the id) have no scope to judge them in.
      if (!subscriptionOf(item.id)) {
        this.skipped++;
        return;
      }
      const parent = CHILD_TYPES.has(canonicalType(typeof item.type === 'string' ? item.type : '')) ? armParentOf(item.id) : undefined;
      const read = readArmItem(item, parent ? { parent } : {});
      if (!read.ok) {
        cover.unreadable(read.account, GLOBAL_REGION);
        return;
      }
      const resource = read.resource;
      cover.item(resource.account, GLOBAL_REGION, resource.type, undefined);
      this.noteDiagnostics(resource);
      emit(resource);
    };
    return {
      item: (value, line, column) => {
        if (!fromStream) return;
        if (isObject(value)) take(value);
        else nonObjects.note(value, line, column);
      },
      end: (shape) => {
        const document = finalDocument(shape);
        if (streamed === undefined) {
          if (isObject(document)) take(document);
        } else if (isObject(document)) {
          const token = pageToken(document, kind === 'armList' ? ['nextLink'] : ['skip_token', '$skipToken', 'skipToken']);
          if (token) cover.paged(token);
        }
        nonObjects.check(file);
        cover.end();
      },
    };
  }

  coverage(): CollectionScope[] {
    return this.book.scopes(this.now).map((scope) => {
      const seen = this.diagnostics.get(scope.account);
      const gap = seen && scope.types !== 'all' && scope.types.includes(AZURE_TYPES.diagnosticSettings) && (!this.wanted || this.wanted.has(AZURE_TYPES.diagnosticSettings)) ? diagnosticsGap(seen) : undefined;
      return gap ? { ...scope, gaps: [...(scope.gaps ?? []), gap] } : scope;
    });
  }

  untimed(): string[] {
    return this.book.untimed();
  }

  unplaced(): readonly Unplaced[] {
    return this.book.unplacedItems();
  }
}
