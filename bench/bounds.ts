/**
 * Call lower bounds for the live bench, from the estate alone: how many resources of each type sit in each
 * scope (the sandbox's estate description) × the page size each API documents, plus the calls the APIs
 * document as one per parent. Nothing here reads collectors/*: a bound computed from the collector's own
 * listing plan could only show that the collector follows itself. Which types are needed comes from the
 * controls (mappings), as for any reader of the same checks.
 *
 * A bound is the fewest calls any reader needs to see those resources with the data controls read, given
 * the scopes configured (one account, subscription or project each). kansa may make more (its own coverage
 * checks, or a second call where one would do); the bench prints calls by operation so the difference is
 * named, not hidden.
 */
import type { Control } from '../src/mappings/controls.js';
import type { AwsEstateDescription } from '../src/sandbox/estate/aws.js';
import type { AzureEstate } from '../src/sandbox/estate/azure.js';
import type { GcpEstate } from '../src/sandbox/estate/gcp.js';

/** SelectResourceConfig `Limit`: "Valid Range: Minimum value of 0. Maximum value of 100" (AWS Config API reference). */
export const AWS_SELECT_MAX_PAGE = 100;
/** Resource Graph: "$top" 1…1000; "By default, Resource Graph limits any query to returning only 1,000 records" (resource-graph/concepts/work-with-data). */
export const AZURE_GRAPH_MAX_PAGE = 1000;
/**
 * Resources - List (learn.microsoft.com/rest/api/resources/resources/list) documents `$top` and `nextLink`
 * but no maximum page; the figure is the sandbox's page (src/sandbox/azure-arm.ts ARM_LIST_MAX_PAGE). The
 * list carries no `properties`, so every resource also needs one GET (Resources - Get By Id).
 */
export const AZURE_ARM_LIST_PAGE = 1000;
/** ListAssets `pageSize`: "The maximum page_size is 1000" (Cloud Asset API reference, assets.list). */
export const GCP_LIST_ASSETS_MAX_PAGE = 1000;

export interface Bound {
  readonly total: number;
  /** What the total is made of, for the bench's output. */
  readonly parts: Readonly<Record<string, number>>;
}

const pages = (count: number, pageSize: number): number => Math.max(1, Math.ceil(count / pageSize)); // an empty answer still costs a call

function add(parts: Record<string, number>, name: string, n: number): void {
  parts[name] = (parts[name] ?? 0) + n;
}

function bound(parts: Record<string, number>): Bound {
  return { total: Object.values(parts).reduce((a, b) => a + b, 0), parts };
}

/**
 * AWS Config, one account at a time: SelectResourceConfig answers for the account and region it is called
 * in; global items (awsRegion `global`, IAM) are recorded in one region, here the estate's home region. One
 * query can ask for every type at once (`resourceType IN (…)`, query-components), so a region needs
 * ceil(rows ÷ 100) pages. Select rows carry `supplementaryConfiguration` (the project's real recording
 * test/fixtures/aws/samples/custodian/select_s3_bucket_no_sse.json has an S3 bucket's policy, logging and
 * versioning in it), so no BatchGetResourceConfig is counted: any BatchGet is beyond the bound.
 */
export function awsBound(estate: AwsEstateDescription, types: ReadonlySet<string>): Bound {
  const parts: Record<string, number> = {};
  for (const account of estate.accounts)
    for (const region of estate.regions) {
      const rows = estate.scopes
        .filter((s) => s.account === account && types.has(s.type) && (s.region === region || (s.region === 'global' && region === estate.homeRegion)))
        .reduce((n, s) => n + s.count, 0);
      add(parts, 'SelectResourceConfig', pages(rows, AWS_SELECT_MAX_PAGE));
    }
  return bound(parts);
}

/**
 * Azure child settings that are not rows of Resource Graph's `resources` table nor in `Resources - List`, and
 * whose ARM reference reads them one parent at a time. The parent is the type's ARM path without its last
 * segment (…/servers/auditingSettings → …/servers).
 */
export const AZURE_PER_PARENT: Readonly<Record<string, { readonly parent: string; readonly api: string }>> = {
  'Microsoft.Sql/servers/auditingSettings': { parent: 'Microsoft.Sql/servers', api: 'Server Blob Auditing Policies - Get (rest/api/sql/server-blob-auditing-policies/get)' },
  'Microsoft.Sql/servers/databases/transparentDataEncryption': { parent: 'Microsoft.Sql/servers/databases', api: 'Transparent Data Encryptions - Get (rest/api/sql/transparent-data-encryptions/get)' },
  'Microsoft.Sql/servers/databases/backupLongTermRetentionPolicies': { parent: 'Microsoft.Sql/servers/databases', api: 'Long Term Retention Policies - Get (rest/api/sql/long-term-retention-policies/get)' },
  'Microsoft.Storage/storageAccounts/blobServices': { parent: 'Microsoft.Storage/storageAccounts', api: 'Blob Services - Get Service Properties (rest/api/storagerp/blob-services/get-service-properties)' },
  // Lists, one page per parent for the handful of entries a parent holds.
  'Microsoft.Sql/servers/firewallRules': { parent: 'Microsoft.Sql/servers', api: 'Firewall Rules - List By Server (rest/api/sql/firewall-rules/list-by-server)' },
  'Microsoft.Network/networkWatchers/flowLogs': { parent: 'Microsoft.Network/networkWatchers', api: 'Flow Logs - List (rest/api/network-watcher/flow-logs/list)' },
};
export const AZURE_DIAGNOSTIC_SETTINGS = 'Microsoft.Insights/diagnosticSettings';
/**
 * Read once per subscription: Pricings - List (rest/api/defenderforcloud/pricings/list, scope
 * `subscriptions/{id}`), Security Contacts - List (rest/api/defenderforcloud/security-contacts/list), Subscriptions -
 * Get (rest/api/resources/subscriptions/get) and Subscription Diagnostic Settings - List (rest/api/monitor/subscription-diagnostic-settings/list).
 * Diagnostic settings of a resource are an extension of it: Diagnostic Settings - List on `{resourceUri}`
 * (rest/api/monitor/diagnostic-settings/list), one call per resource whose settings a control reads.
 */
export const AZURE_PER_SUBSCRIPTION: readonly string[] = ['Microsoft.Security/pricings', 'Microsoft.Security/securityContacts', 'Microsoft.Resources/subscriptions', AZURE_DIAGNOSTIC_SETTINGS];

/** The parent types whose diagnostic settings some control reads as context. */
function diagnosticParents(controls: readonly Control[]): string[] {
  return [...new Set(controls.filter((c) => c.context.some((x) => x.type === AZURE_DIAGNOSTIC_SETTINGS)).flatMap((c) => c.resourceTypes))];
}

/**
 * Azure, with the subscriptions given: Resource Graph pages ceil(rows ÷ 1,000) over all of them at once (one
 * query names every subscription), or for ARM, Resources - List pages per subscription (one `$filter` can
 * join every type with `or`) plus one GET per resource; then the per-parent and per-subscription reads.
 */
export function azureBound(estate: AzureEstate, controls: readonly Control[], source: 'resourceGraph' | 'arm'): Bound {
  const types = new Set(controls.flatMap((c) => [...c.resourceTypes, ...c.context.map((x) => x.type)]));
  const listed = [...types].filter((t) => !(t in AZURE_PER_PARENT) && !AZURE_PER_SUBSCRIPTION.includes(t));
  const parts: Record<string, number> = {};
  if (source === 'resourceGraph') add(parts, 'Resource Graph query pages', pages(estate.count({ types: listed }), AZURE_GRAPH_MAX_PAGE));
  else
    for (const subscription of estate.subscriptions) {
      const count = estate.count({ subscriptions: [subscription], types: listed });
      add(parts, 'Resources - List pages', pages(count, AZURE_ARM_LIST_PAGE));
      add(parts, 'Resources - Get By Id', count);
    }
  for (const [type, { parent }] of Object.entries(AZURE_PER_PARENT)) if (types.has(type)) add(parts, 'child settings, one GET per parent', estate.count({ types: [parent] }));
  if (types.has(AZURE_DIAGNOSTIC_SETTINGS)) add(parts, 'diagnostic settings, one list per parent', estate.count({ types: diagnosticParents(controls) }));
  for (const type of AZURE_PER_SUBSCRIPTION) if (types.has(type)) add(parts, 'per-subscription lists', estate.subscriptions.length);
  // What the identity may read (listings omit the rest silently): its role assignments in each subscription
  // (Role Assignments - List For Subscription, one page for a handful of assignments) and each distinct
  // role definition once; the sandbox's identity holds one role everywhere.
  if (listed.length > 0) {
    add(parts, 'role assignments, one list per subscription', estate.subscriptions.length);
    add(parts, 'role definitions, one GET per distinct role', 1);
  }
  return bound(parts);
}

/**
 * Cloud Asset, one project per scope: ListAssets takes many `assetTypes` but one `contentType` a request
 * (assets.list), so each project needs ceil(assets ÷ 1,000) pages per content type. Kansa's `type#iamPolicy`
 * names the IAM_POLICY content of `type`.
 */
export function gcpBound(estate: GcpEstate, types: ReadonlySet<string>, projects: readonly string[]): Bound {
  const byContent = { RESOURCE: [] as string[], IAM_POLICY: [] as string[], ORG_POLICY: [] as string[] };
  for (const t of types) {
    if (!/^[a-z0-9.-]+\.googleapis\.com\//.test(t)) continue;
    const [assetType = '', suffix] = t.split('#');
    (suffix === 'iamPolicy' ? byContent.IAM_POLICY : suffix === 'orgPolicy' ? byContent.ORG_POLICY : byContent.RESOURCE).push(assetType);
  }
  const parts: Record<string, number> = {};
  for (const project of projects)
    for (const contentType of ['RESOURCE', 'IAM_POLICY', 'ORG_POLICY'] as const) {
      const assetTypes = byContent[contentType];
      if (assetTypes.length > 0) add(parts, `ListAssets ${contentType}`, pages(estate.count([project], contentType, assetTypes), GCP_LIST_ASSETS_MAX_PAGE));
    }
  return bound(parts);
}
