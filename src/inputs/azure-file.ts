/**
 * Offline inputs: Azure resource configuration read from files, through the collector's normalizer
 * (collectors/azure/normalize.ts), so offline and live verdicts agree. Accepted documents:
 * - a JSON array of ARM resource bodies (`az resource show --ids …`, `az storage account list`, templates of GETs);
 * - an ARM list body `{"value": [...], "nextLink"?}` (a REST GET of a collection, `az rest`);
 * - `az graph query` output `{"data": [...]}` or `{"count", "data", "skip_token", "total_records"}`
 *   (Resource Graph rows: lower-case `type`, null columns, `resourceGroup`/`subscriptionId`/`tenantId`);
 * - one ARM resource body.
 * Like an AWS list of items, a file covers only the resource types it contains, in the subscriptions
 * it contains: controls over other types stay unknown rather than passing vacuously.
 */
import { normalizeArmResource, subscriptionOf } from '../../collectors/azure/normalize.js';
import { InputError } from '../errors.js';
import { GLOBAL_REGION, type CollectionScope, type Resource } from '../model/resource.js';
import type { OfflineInventory } from './aws-config-file.js';
import type { InputText } from './text.js';

type Json = Record<string, unknown>;

export type AzureDocumentKind = 'armArray' | 'armList' | 'resourceGraph' | 'armResource';

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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

/** Items of an Azure document (see detectAzureDocument). */
function itemsOf(file: string, document: unknown, kind: AzureDocumentKind): unknown[] {
  switch (kind) {
    case 'armArray':
      return document as unknown[];
    case 'resourceGraph':
      return (document as { data: unknown[] }).data;
    case 'armList':
      return (document as { value: unknown[] }).value;
    case 'armResource':
      return [document];
    default:
      throw new InputError(file, '', 'not an Azure document');
  }
}

/**
 * Resources and coverage from one parsed Azure document. Items that are not objects or carry no id
 * cannot be attributed to a subscription: they are counted as skipped. Items with an id but a broken
 * body become malformed resources (unknown for their controls).
 */
export function readAzureDocument(file: string, document: unknown, now: Date, kind: AzureDocumentKind | undefined = detectAzureDocument(document)): OfflineInventory {
  if (kind === undefined) throw new InputError(file, '', 'unrecognised document: expected a JSON array of ARM resources, an ARM list ({"value": [...]}) or az graph query output ({"data": [...]})');
  const capturedAt = now.toISOString();
  const resources: Resource[] = [];
  let skipped = 0;
  for (const item of itemsOf(file, document, kind)) {
    if (!isObject(item) || typeof item.id !== 'string' || item.id === '') {
      skipped++;
      continue;
    }
    const resource = normalizeArmResource(item, { capturedAt });
    // Tenant-level resources (no subscription in the id) have no scope to judge them in.
    if (!resource.account) {
      skipped++;
      continue;
    }
    resources.push(resource);
  }
  return { resources, coverage: coverageOf(resources, now), skipped };
}

/** Per subscription: the types the file holds, collected at `now` (the live collector's scope shape). */
function coverageOf(resources: readonly Resource[], now: Date): CollectionScope[] {
  const types = new Map<string, Set<string>>();
  for (const r of resources) {
    const account = r.account || subscriptionOf(r.id);
    (types.get(account) ?? types.set(account, new Set()).get(account)!).add(r.type);
  }
  const collectedAt = now.toISOString();
  return [...types].map(([account, set]): CollectionScope => ({ provider: 'azure', account, region: GLOBAL_REGION, types: [...set].sort(), outcome: { status: 'ok', collectedAt } }));
}

/** Merges coverage from several Azure files: the union of types per subscription. */
export function mergeAzureCoverage(scopes: readonly CollectionScope[]): CollectionScope[] {
  const merged = new Map<string, CollectionScope>();
  for (const scope of scopes) {
    const previous = merged.get(scope.account);
    if (!previous) merged.set(scope.account, scope);
    else if (previous.types !== 'all') merged.set(scope.account, { ...previous, types: scope.types === 'all' ? 'all' : [...new Set([...previous.types, ...scope.types])].sort() });
  }
  return [...merged.values()];
}

/** Keys only AWS Config documents have: such a file need not be parsed to know it is not Azure's. */
const AWS_MARKERS = /"(configurationItems|baseConfigurationItems|configurationItemCaptureTime|resourceType|Results)"\s*:/;
/** Whether a file is one of the Azure documents readAzureDocument reads. */
export function isAzureInput(input: InputText): boolean {
  if (AWS_MARKERS.test(input.text.slice(0, 65_536))) return false;
  return input.document !== undefined && detectAzureDocument(input.document) !== undefined;
}

/** Several Azure files: resources, the union of covered types per subscription, items skipped. */
export function readAzureFiles(files: readonly InputText[], now: Date): OfflineInventory {
  const resources: Resource[] = [];
  const coverage: CollectionScope[] = [];
  let skipped = 0;
  for (const { file, document } of files) {
    if (document === undefined) throw new InputError(file, '', 'not valid JSON');
    const inventory = readAzureDocument(file, document, now);
    for (const r of inventory.resources) resources.push(r);
    coverage.push(...inventory.coverage);
    skipped += inventory.skipped;
  }
  return { resources, coverage: mergeAzureCoverage(coverage), skipped };
}
