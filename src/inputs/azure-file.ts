/**
 * Offline inputs: Azure resource configuration read from files, through the collector's normalizer
 * (collectors/azure/normalize.ts), so offline and live verdicts agree. Accepted documents:
 * - a JSON array of ARM resource bodies (`az resource show --ids …`, `az storage account list`, templates of GETs);
 * - an ARM list body `{"value": [...], "nextLink"?}` (a REST GET of a collection, `az rest`);
 * - `az graph query` output `{"data": [...]}` or `{"count", "data", "skip_token", "total_records"}`
 *   (Resource Graph rows: lower-case `type`, null columns, `resourceGroup`/`subscriptionId`/`tenantId`);
 * - one ARM resource body.
 * Like an AWS list of items, a file covers only the resource types it contains, in the subscriptions
 * it contains: controls over other types stay unknown rather than passing vacuously. Files are streamed
 * item by item: the document kind is detected from what precedes the first item and that item.
 */
import { normalizeArmResource } from '../../collectors/azure/normalize.js';
import { InputError } from '../errors.js';
import { GLOBAL_REGION, type CollectionScope, type Resource } from '../model/resource.js';
import { ARRAY, NonObjects, finalDocument, isObject, type Head, type ItemSink, type Json, type ProviderInputs, type Streamed } from './items.js';

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

/** Per subscription: the types the files hold, collected at `now` (the live collector's scope shape). */
function coverageOf(types: ReadonlyMap<string, ReadonlySet<string>>, now: Date): CollectionScope[] {
  const collectedAt = now.toISOString();
  return [...types].map(([account, set]): CollectionScope => ({ provider: 'azure', account, region: GLOBAL_REGION, types: [...set].sort(), outcome: { status: 'ok', collectedAt } }));
}

/**
 * Azure files: resources as they are read, and per subscription the union of the types the files hold.
 * Objects that carry no id cannot be attributed to a subscription: they are counted as skipped. Items
 * with an id but a broken body become malformed resources (unknown for their controls). Items that are
 * not objects are bad input.
 */
export class AzureInputs implements ProviderInputs {
  private readonly types = new Map<string, Set<string>>();
  skipped = 0;

  constructor(private readonly now: Date) {}

  open(head: Head, emit: (resource: Resource) => void): ItemSink {
    const { file } = head;
    const kind = detectAzureDocument(head.document);
    if (kind === undefined) throw new InputError(file, '', 'unrecognised document: expected a JSON array of ARM resources, an ARM list ({"value": [...]}) or az graph query output ({"data": [...]})');
    const streamed = streamedOf(kind);
    const fromStream = streamed !== undefined && streamed === head.streamed;
    const capturedAt = this.now.toISOString();
    const nonObjects = new NonObjects();
    const take = (item: Json): void => {
      if (typeof item.id !== 'string' || item.id === '') {
        this.skipped++;
        return;
      }
      const resource = normalizeArmResource(item, { capturedAt });
      // Tenant-level resources (no subscription in the id) have no scope to judge them in.
      if (!resource.account) {
        this.skipped++;
        return;
      }
      const account = resource.account;
      let set = this.types.get(account);
      if (!set) this.types.set(account, (set = new Set()));
      set.add(resource.type);
      emit(resource);
    };
    return {
      item: (value, line, column) => {
        if (!fromStream) return;
        if (isObject(value)) take(value);
        else nonObjects.note(value, line, column);
      },
      end: (shape) => {
        if (streamed === undefined) {
          const document = finalDocument(shape);
          if (isObject(document)) take(document);
        }
        nonObjects.check(file);
      },
    };
  }

  coverage(): CollectionScope[] {
    return coverageOf(this.types, this.now);
  }
}
