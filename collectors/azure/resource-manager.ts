/**
 * Azure collector: Resource Graph (`@azure/arm-resourcegraph`) as the fast path — one query over every
 * subscription returns up to 1,000 rows a page with properties, paged by $skipToken — and ARM
 * (`@azure/arm-resources`: `resources.list` per type, then `getById` with each type's api-version) as the
 * fallback when Resource Graph is not permitted or is switched off. Child settings that are not resources
 * of their own (diagnostic settings, SQL auditing, firewall rules, TDE and long-term retention, blob service properties, flexible-server parameters)
 * are fetched by ARM only when an enabled control reads their type. The types of Resource Graph's other tables (Azure
 * Backup items and policies, Defender assessments: graph-tables.ts) come through ARM as lists of each vault and of each
 * subscription where ARM is the source. Everything streams: nothing is held beyond a page.
 */
import type { ResourceManagementClient } from '@azure/arm-resources';
import type { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { AuthorizationManagementClient } from '@azure/arm-authorization';
import type { GraphClient } from './entra.js';
import { RestError, type PipelinePolicy, type PipelineResponse } from '@azure/core-rest-pipeline';
import type { AzureCollectorConfig } from './config.js';
import { GLOBAL_REGION, type CollectionScope, type CoverageGap, type Resource } from '../../src/model/resource.js';
import { Backlog } from '../../src/util/backlog.js';
import { Semaphore } from '../../src/util/semaphore.js';
import type { AccountOutcome, CollectContext, Collector, CollectorRun } from '../types.js';
import type { Bilingual } from '../../src/model/text.js';
import { AZURE_TYPES, canonicalType, malformedChild, normalizeArmResource, readArmItem, subscriptionOf, type ArmItem } from './normalize.js';
import { DEFAULT_AZURE_RETRY, graphQuotaOf, hintCapMs, withAzureRetry, type AzureCallError, type AzureRetryPolicy, type GraphQuotaState } from './retry.js';
import { delay } from '../../src/util/delay.js';
import { collectEntra, entraUnavailableScope, isEntraType } from './entra.js';
import { collectAuthorization, isAuthorizationType } from './authorization.js';
import { ASSESSMENTS_API_VERSION, graphDeniedReason, graphTableQueries, isGraphTableType, isVulnerabilityAssessmentKey, RECOVERY_SERVICES_BACKUP_API_VERSION } from './graph-tables.js';
import { accessUnknownReason, grantsRead, notReadableReason, rolePermissions, subscriptionWideRoles, type RolePermission } from './read-access.js';

const POSTGRES_FLEXIBLE_API_VERSION = '2024-08-01';
const MYSQL_FLEXIBLE_API_VERSION = '2023-12-30';
/** api-version per resource type for `getById` (ARM rejects a version the provider does not serve). */
export const ARM_API_VERSIONS: Readonly<Record<string, string>> = {
  [AZURE_TYPES.storageAccount]: '2023-05-01',
  [AZURE_TYPES.nsg]: '2024-05-01',
  [AZURE_TYPES.virtualNetwork]: '2024-05-01',
  [AZURE_TYPES.networkWatcher]: '2024-05-01',
  [AZURE_TYPES.disk]: '2024-03-02',
  [AZURE_TYPES.sqlServer]: '2023-08-01',
  [AZURE_TYPES.sqlDatabase]: '2023-08-01',
  [AZURE_TYPES.keyVault]: '2023-07-01',
  [AZURE_TYPES.activityLogAlert]: '2020-10-01',
  [AZURE_TYPES.virtualMachine]: '2024-07-01',
  [AZURE_TYPES.virtualMachineScaleSet]: '2024-07-01',
  [AZURE_TYPES.appGateway]: '2024-05-01',
  [AZURE_TYPES.appGatewayWafPolicy]: '2024-05-01',
  [AZURE_TYPES.frontDoorWafPolicy]: '2024-02-01',
  [AZURE_TYPES.metricAlert]: '2018-03-01',
  [AZURE_TYPES.recoveryVault]: '2024-04-01',
  [AZURE_TYPES.logAnalyticsWorkspace]: '2023-09-01',
  // Data stores (mappings/registers/azure.yaml): each type's stable api-version in Azure/azure-rest-api-specs; the
  // comment above an entry names its spec under specification/ (checked for issue 19).
  [AZURE_TYPES.snapshot]: '2024-03-02',
  [AZURE_TYPES.image]: '2024-07-01',
  [AZURE_TYPES.gallery]: '2024-03-03',
  [AZURE_TYPES.galleryImageVersion]: '2024-03-03',
  [AZURE_TYPES.sqlManagedInstance]: '2023-08-01',
  [AZURE_TYPES.postgresFlexible]: POSTGRES_FLEXIBLE_API_VERSION,
  [AZURE_TYPES.mysqlFlexible]: MYSQL_FLEXIBLE_API_VERSION,
  // postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2017-12-01/postgresql.json
  [AZURE_TYPES.postgresSingle]: '2017-12-01',
  // mysql/resource-manager/Microsoft.DBforMySQL/stable/2017-12-01/mysql.json
  [AZURE_TYPES.mysqlSingle]: '2017-12-01',
  [AZURE_TYPES.cosmosAccount]: '2024-11-15',
  [AZURE_TYPES.redis]: '2024-11-01',
  // redisenterprise/resource-manager/Microsoft.Cache/stable/2024-10-01/redisenterprise.json
  [AZURE_TYPES.redisEnterprise]: '2024-10-01',
  // servicebus/resource-manager/Microsoft.ServiceBus/stable/2024-01-01/namespace-preview.json
  [AZURE_TYPES.serviceBus]: '2024-01-01',
  [AZURE_TYPES.eventHubs]: '2024-01-01',
  // synapse/resource-manager/Microsoft.Synapse/stable/2021-06-01/workspace.json
  [AZURE_TYPES.synapse]: '2021-06-01',
  [AZURE_TYPES.dataFactory]: '2018-06-01',
  // azure-kusto/resource-manager/Microsoft.Kusto/stable/2023-08-15/kusto.json
  [AZURE_TYPES.kusto]: '2023-08-15',
  // databricks/resource-manager/Microsoft.Databricks/stable/2024-05-01/databricks.json
  [AZURE_TYPES.databricks]: '2024-05-01',
  // search/resource-manager/Microsoft.Search/stable/2023-11-01/search.json
  [AZURE_TYPES.search]: '2023-11-01',
  [AZURE_TYPES.webSite]: '2024-04-01',
  // apimanagement/resource-manager/Microsoft.ApiManagement/stable/2024-05-01/apimdeployment.json
  [AZURE_TYPES.apiManagement]: '2024-05-01',
  // containerregistry/resource-manager/Microsoft.ContainerRegistry/stable/2023-07-01/containerregistry.json (registries and replications)
  [AZURE_TYPES.containerRegistry]: '2023-07-01',
  [AZURE_TYPES.registryReplication]: '2023-07-01',
  // dataprotection/resource-manager/Microsoft.DataProtection/stable/2024-04-01/dataprotection.json
  [AZURE_TYPES.backupVault]: '2024-04-01',
  // keyvault/resource-manager/Microsoft.KeyVault/stable/2023-07-01/managedHsm.json
  [AZURE_TYPES.managedHsm]: '2023-07-01',
};
/** Defender for Cloud plans are subscription settings, not rows of the Resource Graph `resources` table. */
const SECURITY_PRICINGS_API_VERSION = '2024-01-01';
/** Security Contacts - List is served by preview api-versions only (2020-01-01-preview, 2023-12-01-preview). */
const SECURITY_CONTACTS_API_VERSION = '2023-12-01-preview';
const DIAGNOSTIC_SETTINGS_API_VERSION = '2021-05-01-preview';
const SQL_CHILD_API_VERSION = '2021-11-01';
const STORAGE_CHILD_API_VERSION = '2023-05-01';
const NETWORK_CHILD_API_VERSION = '2024-05-01';
const SUBSCRIPTIONS_API_VERSION = '2022-12-01';
/** Role Assignments - List For Subscription and Role Definitions - Get (Microsoft.Authorization). */
const AUTHORIZATION_API_VERSION = '2022-04-01';
/** Bounds the role-assignment pages followed. */
const MAX_ROLE_ASSIGNMENT_PAGES = 100;
/** Resource Graph pages hold at most 1,000 rows. */
export const RESOURCE_GRAPH_PAGE_SIZE = 1000;
/** Bounds the Subscriptions List pages followed (a nextLink loop must end). */
const MAX_SUBSCRIPTION_PAGES = 1000;
/**
 * Subscription states discovery leaves out. Subscriptions - List reports Enabled, Warned, PastDue, Disabled and
 * Deleted (learn.microsoft.com/azure/cost-management-billing/manage/subscription-states): Warned and PastDue still
 * allow every operation and hold live resources, so they are collected; Disabled ones are deactivated (VMs
 * deallocated, services off, deleted after up to 90 days) and Deleted ones have no resources and answer nothing.
 * A Disabled subscription listed in `subscriptions` is still collected (GETs are allowed there).
 */
const DISCOVERY_SKIPS: readonly string[] = ['Disabled', 'Deleted'];
/** Subscriptions one Resource Graph request may name. */
const RESOURCE_GRAPH_MAX_SUBSCRIPTIONS = 1000;
export const ARM_LIST_PAGE_SIZE = 1000;
const ROWS_BETWEEN_YIELDS = 50;
/**
 * Child-setting fetches allowed to wait before the listing pauses. A page of 1,000 parents starts up to three each
 * (SQL servers: auditing, TDE, retention), so a few thousand wait at most: without the pause the listing ran far ahead
 * of the fetches, and at a million resources hundreds of thousands of queued fetches were much of the agent's memory.
 */
const MAX_PENDING_CHILD_FETCHES = 2_000;

/** Child settings: their type, the parent type they hang off, and how to fetch them. */
export interface ChildSpec {
  readonly type: string;
  readonly parentTypes: readonly string[];
  readonly operation: string;
  readonly path: (parentId: string) => string;
  readonly apiVersion: string;
  /** The response is a list ({ value: [...] }) rather than one document. */
  readonly list: boolean;
  /** Parents named so have no such setting (it cannot be configured there): not fetched. */
  readonly skipParentNames?: readonly string[];
  /** ARM error codes saying the setting does not exist for this parent: skipped like a 404. */
  readonly notApplicableCodes?: readonly string[];
  /** A list paged by `nextLink`: every page is read, and a page that fails leaves the type a gap. */
  readonly paged?: boolean;
  /**
   * The entries are resources of their own, which Resource Graph returns as rows without a parent: normalized as
   * those rows are (no scope relationship, no location borrowed from the parent), so the records match either source.
   */
  readonly standalone?: boolean;
}

/** Types whose resources can carry diagnostic settings that controls read (Key Vault AuditEvent logs). */
export const DIAGNOSTIC_PARENT_TYPES: readonly string[] = [AZURE_TYPES.keyVault];

/** Exported for the live benchmark, whose call lower bound follows this plan. */
const CHILDREN: readonly ChildSpec[] = [
  // Server firewall rules (Firewall Rules - List By Server, learn.microsoft.com/rest/api/sql/firewall-rules/list-by-server): a list.
  { type: AZURE_TYPES.sqlFirewallRule, parentTypes: [AZURE_TYPES.sqlServer], operation: 'ListServerFirewallRules', path: (p) => `${p}/firewallRules`, apiVersion: SQL_CHILD_API_VERSION, list: true },
  // Flow logs of a network watcher (Flow Logs - List, learn.microsoft.com/rest/api/network-watcher/flow-logs/list): a list.
  { type: AZURE_TYPES.flowLog, parentTypes: [AZURE_TYPES.networkWatcher], operation: 'ListFlowLogs', path: (p) => `${p}/flowLogs`, apiVersion: NETWORK_CHILD_API_VERSION, list: true },
  { type: AZURE_TYPES.sqlAuditing, parentTypes: [AZURE_TYPES.sqlServer], operation: 'GetServerAuditingSettings', path: (p) => `${p}/auditingSettings/default`, apiVersion: SQL_CHILD_API_VERSION, list: false },
  // TDE cannot be configured on `master`; its setting says nothing about user data.
  { type: AZURE_TYPES.sqlTde, parentTypes: [AZURE_TYPES.sqlDatabase], operation: 'GetTransparentDataEncryption', path: (p) => `${p}/transparentDataEncryption/current`, apiVersion: SQL_CHILD_API_VERSION, list: false, skipParentNames: ['master'] },
  // Nor long-term retention; databases that do not support it (dedicated SQL pools) answer 400 LongTermRetentionPolicyNotSupported.
  {
    type: AZURE_TYPES.sqlLongTermRetention,
    parentTypes: [AZURE_TYPES.sqlDatabase],
    operation: 'GetLongTermRetentionPolicy',
    path: (p) => `${p}/backupLongTermRetentionPolicies/default`,
    apiVersion: SQL_CHILD_API_VERSION,
    list: false,
    skipParentNames: ['master'],
    notApplicableCodes: ['LongTermRetentionPolicyNotSupported'],
  },
  // TLS enforcement of flexible servers is a server parameter (GET {server}/configurations/{name}), one per name read.
  { type: AZURE_TYPES.postgresFlexibleParameter, parentTypes: [AZURE_TYPES.postgresFlexible], operation: 'GetServerParameter', path: (p) => `${p}/configurations/require_secure_transport`, apiVersion: POSTGRES_FLEXIBLE_API_VERSION, list: false },
  { type: AZURE_TYPES.mysqlFlexibleParameter, parentTypes: [AZURE_TYPES.mysqlFlexible], operation: 'GetServerParameter', path: (p) => `${p}/configurations/require_secure_transport`, apiVersion: MYSQL_FLEXIBLE_API_VERSION, list: false },
  { type: AZURE_TYPES.mysqlFlexibleParameter, parentTypes: [AZURE_TYPES.mysqlFlexible], operation: 'GetServerParameter', path: (p) => `${p}/configurations/tls_version`, apiVersion: MYSQL_FLEXIBLE_API_VERSION, list: false },
  { type: AZURE_TYPES.blobService, parentTypes: [AZURE_TYPES.storageAccount], operation: 'GetBlobServiceProperties', path: (p) => `${p}/blobServices/default`, apiVersion: STORAGE_CHILD_API_VERSION, list: false },
  { type: AZURE_TYPES.diagnosticSettings, parentTypes: DIAGNOSTIC_PARENT_TYPES, operation: 'ListDiagnosticSettings', path: (p) => `${p}/providers/Microsoft.Insights/diagnosticSettings`, apiVersion: DIAGNOSTIC_SETTINGS_API_VERSION, list: true },
];

/**
 * With ARM as the source (or Resource Graph refused), Azure Backup's protected items and policies come from each
 * Recovery Services vault instead of Resource Graph's recoveryservicesresources table (graph-tables.ts): Backup
 * Protected Items - List and Backup Policies - List, Azure/azure-rest-api-specs
 * specification/recoveryservicesbackup/resource-manager/Microsoft.RecoveryServices/stable/2024-04-01/bms.json
 * (`…/vaults/{vaultName}/backupProtectedItems`, `$filter`, `$skipToken`; `…/vaults/{vaultName}/backupPolicies`,
 * `$filter`; both `x-ms-pageable` by `nextLink`, bodies ProtectedItemResourceList / ProtectionPolicyResourceList of
 * the same ARM resources Resource Graph's rows carry). No `$filter`: Resource Graph's query reads every item too.
 */
const ARM_TABLE_CHILDREN: readonly ChildSpec[] = [
  { type: AZURE_TYPES.protectedItem, parentTypes: [AZURE_TYPES.recoveryVault], operation: 'ListBackupProtectedItems', path: (p) => `${p}/backupProtectedItems`, apiVersion: RECOVERY_SERVICES_BACKUP_API_VERSION, list: true, paged: true, standalone: true },
  { type: AZURE_TYPES.backupPolicy, parentTypes: [AZURE_TYPES.recoveryVault], operation: 'ListBackupPolicies', path: (p) => `${p}/backupPolicies`, apiVersion: RECOVERY_SERVICES_BACKUP_API_VERSION, list: true, paged: true, standalone: true },
];
/** Bounds the pages of one ARM list followed (a nextLink loop must end). */
const MAX_ARM_LIST_PAGES = 100_000;

export interface AzureClients {
  /** ARM client for one subscription (the subscription only matters for list calls). */
  resources(subscription: string): ResourceManagementClient;
  resourceGraph(): ResourceGraphClient;
  /** Azure RBAC client for one subscription (authorization.ts). */
  authorization(subscription: string): AuthorizationManagementClient;
  /** The ARM endpoint (origin) the clients talk to: nextLinks pointing elsewhere are refused. */
  readonly endpoint: string;
  /** GET an absolute ARM URL (a nextLink) through the ARM pipeline: bearer token, TLS options, kansa's policies. */
  get(url: string, signal: AbortSignal): Promise<PipelineResponse>;
  /** The caller's object id, from the `oid` claim of the ARM access token; undefined when the token names none. */
  principalId(signal: AbortSignal): Promise<string | undefined>;
  /** Microsoft Graph (Entra ID identity types); absent: those types are gaps. */
  readonly graph?: GraphClient;
  /** The tenant of the credential, from the `tid` claim of its access token. */
  tenantId?(signal: AbortSignal): Promise<string | undefined>;
  /** Closes the clients' sockets; the collector is not used afterwards. */
  close(): void;
}

class ScopeFailure extends Error {
  constructor(readonly failure: AzureCallError) {
    super(`${failure.code}: ${failure.message}`);
  }
}

/** A subscription that is not what it should be (not visible, not verifiable, another one answered), with why. */
class VisibilityFailure extends Error {
  constructor(readonly reason: Bilingual) {
    super(reason.en);
  }
}

/** What a child-setting fetch needs of its parent. */
interface ParentRef {
  readonly account: string;
  readonly type: string;
  readonly id: string;
  readonly region: string;
}

interface SubscriptionState {
  failure?: Bilingual;
  resources: number;
  unreadable: number;
  /** Wanted types not covered here, each with why. */
  readonly gaps: Map<string, Bilingual>;
}

/** What Subscriptions List said, every page of it: each subscription the credential sees with its state, or why it could not say. */
type Visibility = { readonly states: ReadonlyMap<string, string> } | { readonly error: AzureCallError };

function subscriptionEntries(body: unknown): { entries: [string, string][]; nextLink?: string } {
  const { value, nextLink } = (body ?? {}) as { value?: unknown; nextLink?: unknown };
  const entries = (Array.isArray(value) ? value : []).flatMap((e: unknown): [string, string][] => {
    const { subscriptionId, state } = (e ?? {}) as { subscriptionId?: unknown; state?: unknown };
    return typeof subscriptionId === 'string' ? [[subscriptionId.toLowerCase(), typeof state === 'string' ? state : '']] : [];
  });
  return { entries, ...(typeof nextLink === 'string' && nextLink !== '' ? { nextLink } : {}) };
}

function deletedReason(subscription: string): Bilingual {
  return {
    en: `subscription ${subscription} is Deleted (Subscriptions List state): it has no resources and answers no operation`,
    ja: `サブスクリプション ${subscription} は削除済み (Deleted) です（サブスクリプション一覧の状態）。リソースはなく、どの操作にも応答しません`,
  };
}

/** Both languages in one line, for the outcome's error (a string); gaps carry the Bilingual itself. */
function bothLanguages(text: Bilingual): string {
  return `${text.en} / ${text.ja}`;
}

function hiddenReason(subscription: string): Bilingual {
  return {
    en: `subscription ${subscription} is not visible to the credential (Subscriptions List does not include it): the identity most likely has no role on it; assign it the Reader role on the subscription`,
    ja: `サブスクリプション ${subscription} は認証情報から見えません（サブスクリプション一覧に含まれていません）。ID にロールが割り当てられていない可能性が高いため、このサブスクリプションで閲覧者 (Reader) ロールを割り当ててください`,
  };
}

function visibilityUnknownReason(subscription: string, error: AzureCallError): Bilingual {
  return {
    en: `could not confirm that the credential can see subscription ${subscription}: Subscriptions List failed (${error.code}: ${error.message})`,
    ja: `認証情報がサブスクリプション ${subscription} を参照できるか確認できませんでした（サブスクリプション一覧の取得に失敗: ${error.code}）`,
  };
}

function mismatchReason(subscription: string, resource: Resource, source: string): Bilingual {
  return {
    en: `subscription mismatch: collecting ${subscription}, ${source} returned ${resource.id} of subscription ${resource.account || '(none)'}`,
    ja: `サブスクリプションの不一致: ${subscription} を収集中に、${source} がサブスクリプション ${resource.account || '（なし）'} のリソース ${resource.id} を返しました`,
  };
}

function failureReason(subscription: string, error: unknown): Bilingual {
  if (error instanceof VisibilityFailure) return error.reason;
  if (error instanceof ScopeFailure && (error.failure.status === 403 || error.failure.status === 401 || error.failure.code === 'SubscriptionNotFound')) {
    return {
      en: `${error.message} (the credential most likely lacks the Reader role on subscription ${subscription})`,
      ja: `サブスクリプション ${subscription} の読み取りが拒否されました（${error.failure.code}）。認証情報に閲覧者 (Reader) ロールが割り当てられていない可能性があります`,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { en: message, ja: `サブスクリプション ${subscription} の収集に失敗しました: ${message}` };
}

function truncatedReason(truncated: { returned: number; total: number }): Bilingual {
  return {
    en: `Resource Graph returned a truncated result (resultTruncated, ${truncated.returned} of ${truncated.total} rows, no $skipToken): resources of these types may be missing`,
    ja: `Resource Graph の結果が切り詰められました（resultTruncated、${truncated.total} 行中 ${truncated.returned} 行、$skipToken なし）。これらの種類のリソースが欠けている可能性があります`,
  };
}

function typeReason(subscription: string, type: string, error: AzureCallError): Bilingual {
  const denied = error.status === 403 || error.status === 401;
  return {
    en: `${type} could not be read in subscription ${subscription} (${error.code}: ${error.message})${denied ? `; grant ${type}/read (the Reader role has it)` : ''}`,
    ja: `サブスクリプション ${subscription} で ${type} を読み取れませんでした（${error.code}）${denied ? `。${type}/read 権限（閲覧者ロールに含まれます）を付与してください` : ''}`,
  };
}

/** Types whose resources come from the Resource Graph listing: the listed ones wanted, and the child settings of listed parents. */
function graphTypes(wanted: readonly string[], children: readonly ChildSpec[], listTypes: readonly string[]): string[] {
  return wanted.filter((t) => listTypes.includes(t) || children.some((c) => c.type === t && c.parentTypes.some((p) => listTypes.includes(p))));
}

/** Gaps with the same reason become one entry. */
function groupGaps(gaps: ReadonlyMap<string, Bilingual>): CoverageGap[] {
  const byReason = new Map<string, { types: string[]; reason: Bilingual }>();
  for (const [type, reason] of gaps) {
    const key = `${reason.en}\u0000${reason.ja}`;
    const entry = byReason.get(key) ?? { types: [], reason };
    entry.types.push(type);
    byReason.set(key, entry);
  }
  return [...byReason.values()].map((g) => ({ types: g.types.sort(), reason: g.reason }));
}

type Json = Record<string, unknown>;

/** Fixed projection: every column a control or the normalizer reads, in the shape ARM returns. */
function graphQuery(types: readonly string[]): string {
  return `resources | where type in~ (${types.map((t) => `'${t.toLowerCase()}'`).join(', ')}) | project id, name, type, location, kind, sku, plan, identity, zones, managedBy, tags, properties | order by id asc`;
}

/**
 * What a collection of `types` lists and fetches from `source`: the Azure types wanted, the child settings among them
 * (one call per parent resource) and the types listed (wanted ones, and the parents of wanted children;
 * diagnostic settings only for parents that are wanted themselves). With ARM, Azure Backup's items and policies are
 * children of their vaults (ARM_TABLE_CHILDREN); with Resource Graph they are rows of a table of their own.
 */
export function listingPlan(types: Iterable<string>, source: 'resourceGraph' | 'arm' = 'resourceGraph'): ListingPlan {
  // Graph's types (microsoft.graph.*) are the tenant's, read by entra.ts, not listed per subscription.
  const wanted = [...types].filter((t) => /^Microsoft\./i.test(t) && !isEntraType(t)).map(canonicalType).sort();
  const children = [...CHILDREN, ...(source === 'arm' ? ARM_TABLE_CHILDREN : [])].filter((c) => wanted.includes(c.type));
  const parents = new Set(wanted.filter((t) => ARM_API_VERSIONS[t] !== undefined));
  for (const child of children) for (const p of child.parentTypes) if (child.type !== AZURE_TYPES.diagnosticSettings || wanted.includes(p)) parents.add(p);
  return { wanted, children, listTypes: [...parents].sort() };
}

export interface ListingPlan {
  readonly wanted: readonly string[];
  readonly children: readonly ChildSpec[];
  readonly listTypes: readonly string[];
}

export class AzureResourceCollector implements Collector {
  readonly provider = 'azure' as const;
  readonly name = 'azure-resource-manager';
  private readonly retry: AzureRetryPolicy;
  /** Each instrumented client → the context of the scan using it. */
  private readonly instrumented = new WeakMap<object, CollectContext>();

  constructor(
    private readonly config: AzureCollectorConfig,
    private readonly clients: AzureClients,
    /** Injectable so tests observe backoff and Retry-After without waiting. */
    private readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>,
  ) {
    this.retry = { ...DEFAULT_AZURE_RETRY, maxAttempts: config.maxAttempts };
  }

  close(): Promise<void> {
    this.clients.close();
    return Promise.resolve();
  }

  async collect(context: CollectContext): Promise<CollectorRun> {
    const started = performance.now();
    // The Resource Graph plan, and the ARM one for the source `arm` or the subscriptions Resource Graph refuses.
    const graphPlan = listingPlan(context.types, 'resourceGraph');
    const armPlan = listingPlan(context.types, 'arm');
    const limit = new Semaphore(this.config.concurrency);
    const identity = this.collectIdentity(context, limit);
    const run = await this.collectSubscriptions(context, limit, started, graphPlan, armPlan);
    const tenant = await identity;
    return tenant === undefined ? run : { coverage: [...run.coverage, tenant.scope], accounts: [...run.accounts, tenant.account] };
  }

  /**
   * The Entra ID types the controls want, once for the credential's tenant (entra.ts). The tenant comes
   * from the token's `tid`, else the configured tenantId; with neither, the types are a gap.
   */
  private async collectIdentity(context: CollectContext, limit: Semaphore): Promise<{ scope: CollectionScope; account: AccountOutcome } | undefined> {
    const types = [...context.types].filter(isEntraType).sort();
    if (types.length === 0) return undefined;
    const started = performance.now();
    let tenant: string | undefined;
    let why: string | undefined;
    try {
      tenant = (await this.clients.tenantId?.(context.signal)) ?? this.config.tenantId?.toLowerCase();
    } catch (error) {
      why = error instanceof Error ? error.message : String(error);
      tenant = this.config.tenantId?.toLowerCase();
    }
    const at = context.now().toISOString();
    let resources = 0;
    let scope: CollectionScope;
    if (tenant === undefined || this.clients.graph === undefined) {
      const reason: Bilingual = {
        en: `Microsoft Graph was not asked: ${tenant === undefined ? `the tenant is unknown (the access token names none${why ? `: ${why}` : ''}; set collectors.azure.tenantId)` : 'collectors.azure.endpoint names another cloud than the public one, so set collectors.azure.graphEndpoint to that cloud\'s Microsoft Graph'}`,
        ja: `Microsoft Graph に問い合わせていません: ${tenant === undefined ? 'テナントが不明です（アクセストークンにテナントがありません。collectors.azure.tenantId を設定してください）' : 'collectors.azure.endpoint がパブリック クラウド以外を指しているため、そのクラウドの Microsoft Graph を collectors.azure.graphEndpoint に設定してください'}`,
      };
      scope = entraUnavailableScope(tenant ?? 'tenant', types, reason, at);
    } else {
      scope = await collectEntra({
        tenant,
        types,
        graph: this.clients.graph,
        call: (operation, fn) => this.call(context, limit, operation, fn),
        capturedAt: () => context.now().toISOString(),
        emit: (r) => {
          resources++;
          context.onResource(r);
        },
        signal: context.signal,
      });
    }
    return { scope, account: { account: scope.account, ok: true, durationSeconds: (performance.now() - started) / 1000, resources } };
  }

  private async collectSubscriptions(context: CollectContext, limit: Semaphore, started: number, graphPlan: ListingPlan, armPlan: ListingPlan): Promise<CollectorRun> {
    const { wanted } = graphPlan;

    // Which subscriptions the credential can see: discovery lists them; configured ones are checked
    // against the same list, because Resource Graph drops the rows of a subscription it may not read
    // without an error, and an empty subscription must not pass for one that was never seen.
    let subscriptions: readonly string[] = this.config.subscriptions;
    const discover = subscriptions.length === 0 && this.config.discoverSubscriptions;
    let visibility: Visibility | undefined;
    if (subscriptions.length > 0 || discover) {
      visibility = await this.listSubscriptions(context, limit);
      if ('error' in visibility && discover) {
        context.logger.warn({ provider: 'azure', error: visibility.error.message }, 'subscription discovery failed');
        return { coverage: [], accounts: [{ account: 'discovery', ok: false, error: `${visibility.error.code}: ${visibility.error.message}`, durationSeconds: (performance.now() - started) / 1000, resources: 0 }] };
      }
      if (discover && 'states' in visibility) {
        const states = [...visibility.states];
        const skipped = states.filter(([, state]) => DISCOVERY_SKIPS.includes(state));
        if (skipped.length > 0) context.logger.info({ provider: 'azure', skipped: Object.fromEntries(skipped) }, 'discovery leaves out Disabled and Deleted subscriptions');
        subscriptions = states.filter(([, state]) => !DISCOVERY_SKIPS.includes(state)).map(([id]) => id);
      }
    }

    const state = new Map<string, SubscriptionState>(subscriptions.map((s) => [s, { resources: 0, unreadable: 0, gaps: new Map() }]));
    const fail = (subscription: string, error: unknown): void => {
      const entry = state.get(subscription);
      const reason = failureReason(subscription, error);
      if (entry && entry.failure === undefined) entry.failure = reason;
      context.logger.warn({ provider: 'azure', subscription, error: reason.en }, 'collection failed for this subscription');
    };
    const gap = (subscription: string, types: readonly string[], reason: Bilingual): void => {
      const entry = state.get(subscription);
      if (entry) for (const t of types) if (!entry.gaps.has(t)) entry.gaps.set(t, reason);
    };
    const unreadable = (subscriptions: readonly string[], item: { reason: string; account: string }): void => {
      const owners = state.has(item.account) ? [item.account] : subscriptions;
      for (const s of owners) {
        const entry = state.get(s);
        if (entry) entry.unreadable++;
      }
      context.logger.debug({ provider: 'azure', subscription: item.account, reason: item.reason }, 'unreadable item');
    };

    let active = subscriptions;
    if (visibility && 'error' in visibility) {
      for (const s of subscriptions) fail(s, new VisibilityFailure(visibilityUnknownReason(s, visibility.error)));
    } else if (visibility) {
      const seen = visibility.states;
      for (const s of subscriptions) {
        if (!seen.has(s)) fail(s, new VisibilityFailure(hiddenReason(s)));
        else if (seen.get(s) === 'Deleted') fail(s, new VisibilityFailure(deletedReason(s)));
      }
      active = subscriptions.filter((s) => seen.has(s) && seen.get(s) !== 'Deleted');
    }

    // Child settings are fetched while the listing goes on; the listing waits when too many are pending (see
    // MAX_PENDING_CHILD_FETCHES), so what they hold does not grow with the estate.
    const childJobs = new Backlog(MAX_PENDING_CHILD_FETCHES);
    const emit = (resource: Resource): void => {
      const entry = state.get(resource.account);
      if (entry) entry.resources++;
      context.onResource(resource);
    };
    /** Only resources of the subscriptions asked for: anything else names an account the configuration does not. */
    const fromExpected = (expected: readonly string[], resource: Resource, source: string): boolean => {
      if (expected.includes(resource.account)) return true;
      for (const s of expected) fail(s, new VisibilityFailure(mismatchReason(s, resource, source)));
      return false;
    };
    const onParent = (resource: Resource, children: readonly ChildSpec[]): void => {
      if (wanted.includes(resource.type)) emit(resource);
      for (const child of children) {
        if (!child.parentTypes.includes(resource.type)) continue;
        if (child.skipParentNames?.includes(resource.name.toLowerCase())) continue;
        // A broken parent's settings are unknown, not absent: stand-ins carry that to every control over them.
        if (resource.malformed) emit(malformedChild(resource, child.type, child.path(resource.id)));
        else {
          // The parent's identity only: a waiting fetch must not hold the whole document.
          const parent: ParentRef = { account: resource.account, type: resource.type, id: resource.id, region: resource.region };
          childJobs.add(this.fetchChild(context, limit, child, parent, emit, gap).catch((error: unknown) => fail(parent.account, error)));
        }
      }
    };

    // Types of Resource Graph's other tables (graph-tables.ts): Azure Backup items and policies, Defender assessments.
    const tableTypes = wanted.filter(isGraphTableType);
    // What kansa may read in each subscription (read-access.ts): listings leave out what it may not, silently.
    const allChildren = [...new Set([...graphPlan.children, ...armPlan.children])];
    const readAccess = this.checkReadAccess(context, limit, active, [...new Set([...graphPlan.listTypes, ...armPlan.listTypes, ...tableTypes])].sort(), (s, type, reason) =>
      gap(s, [type, ...allChildren.filter((c) => c.parentTypes.includes(type)).map((c) => c.type)].filter((t) => wanted.includes(t)), reason),
    );

    // Resource Graph's quota as its last response told it: spent quota means waiting for the reset.
    const graphPace: { quota: GraphQuotaState } = { quota: {} };
    // Subscriptions read through ARM: the source `arm`, or the ones Resource Graph refused (fallbackToArm).
    let viaArm: readonly string[] = this.config.source === 'arm' ? active : [];
    if (this.config.source === 'resourceGraph' && graphPlan.listTypes.length > 0) {
      const { children, listTypes } = graphPlan;
      for (let i = 0; i < active.length; i += RESOURCE_GRAPH_MAX_SUBSCRIPTIONS) {
        const batch = active.slice(i, i + RESOURCE_GRAPH_MAX_SUBSCRIPTIONS);
        try {
          const result = await this.graphAll(context, limit, graphPace, batch, graphQuery(listTypes), () => childJobs.room(), (item) => {
            if (!item.ok) unreadable(batch, item);
            else if (fromExpected(batch, item.resource, 'Resource Graph')) onParent(item.resource, children);
          });
          if (result.truncated) {
            const reason = truncatedReason(result.truncated);
            context.logger.warn({ provider: 'azure', subscriptions: batch, ...result.truncated }, 'Resource Graph result truncated');
            for (const s of batch) gap(s, graphTypes(wanted, children, listTypes), reason);
          }
        } catch (error) {
          const denied = error instanceof ScopeFailure && (error.failure.status === 403 || error.failure.status === 401);
          if (denied && this.config.fallbackToArm) {
            context.logger.info({ provider: 'azure', error: error.message }, 'Resource Graph not permitted: falling back to ARM per subscription');
            viaArm = [...viaArm, ...batch];
          } else for (const s of batch) fail(s, error);
        }
      }
    }
    if (armPlan.listTypes.length > 0) {
      const { children, listTypes } = armPlan;
      await Promise.all(
        viaArm.map((s) =>
          this.armAll(context, limit, s, listTypes, () => childJobs.room(), (item) => {
            if (!item.ok) unreadable([s], item);
            else if (fromExpected([s], item.resource, 'ARM')) onParent(item.resource, children);
          }, (type, error) => gap(s, [type, ...children.filter((c) => c.parentTypes.includes(type)).map((c) => c.type)], typeReason(s, type, error))).catch((error: unknown) => fail(s, error)),
        ),
      );
    }
    // A subscription whose listing already failed is unknown whole: its tables are not asked for.
    const standing = active.filter((s) => state.get(s)?.failure === undefined);
    if (tableTypes.length > 0) {
      // Read through ARM, a subscription's backup items and policies came with its vaults (ARM_TABLE_CHILDREN); its
      // assessments are listed here. The others ask Resource Graph's tables.
      const armStanding = standing.filter((s) => viaArm.includes(s));
      const graphStanding = standing.filter((s) => !viaArm.includes(s));
      if (graphStanding.length > 0) await this.collectGraphTables(context, limit, graphPace, graphStanding, tableTypes, { emit, gap, fail, unreadable, fromExpected });
      if (wanted.includes(AZURE_TYPES.securityAssessment)) await Promise.all(armStanding.map((s) => this.armAssessments(context, limit, s, { emit, gap, unreadable, fromExpected })));
    }
    // Subscription-level settings, one list per subscription each: the activity-log export (diagnostic
    // settings), the Defender for Cloud plans and security contacts (Resource Graph keeps them in `securityresources`).
    const subscriptionSettings = [
      { type: AZURE_TYPES.diagnosticSettings, operation: 'ListSubscriptionDiagnosticSettings', path: 'providers/Microsoft.Insights/diagnosticSettings', apiVersion: DIAGNOSTIC_SETTINGS_API_VERSION },
      { type: AZURE_TYPES.securityPricing, operation: 'ListSecurityPricings', path: 'providers/Microsoft.Security/pricings', apiVersion: SECURITY_PRICINGS_API_VERSION },
      { type: AZURE_TYPES.securityContact, operation: 'ListSecurityContacts', path: 'providers/Microsoft.Security/securityContacts', apiVersion: SECURITY_CONTACTS_API_VERSION },
      // The subscription itself (Subscriptions - Get): the resource subscription-wide controls judge, one a subscription.
      { type: AZURE_TYPES.subscription, operation: 'GetSubscription', path: '', apiVersion: SUBSCRIPTIONS_API_VERSION, single: true },
    ].filter((setting) => wanted.includes(setting.type));
    await Promise.all(
      subscriptionSettings.flatMap((setting) =>
        active.map(async (s) => {
          const result = await this.call(context, limit, setting.operation, () => this.rawGet(this.clients.resources(s), `subscriptions/${s}${setting.path ? `/${setting.path}` : ''}`, setting.apiVersion, context.signal));
          if (!result.ok) return gap(s, [setting.type], typeReason(s, setting.type, result.error));
          const single = 'single' in setting && setting.single;
          for (const item of single ? [result.value as Json] : listValue(result.value)) {
            const parent = single ? undefined : { type: AZURE_TYPES.subscription, id: `/subscriptions/${s}`, location: GLOBAL_REGION };
            const resource = normalizeArmResource(item, { type: setting.type, ...(parent ? { parent } : {}), capturedAt: context.now().toISOString() });
            if (fromExpected([s], resource, 'ARM')) emit(resource);
          }
        }),
      ),
    );
    // Azure RBAC of each subscription (authorization.ts): role assignments, custom roles, classic administrators.
    const rbacTypes = wanted.filter(isAuthorizationType);
    if (rbacTypes.length > 0) {
      await Promise.all(
        active.map((s) =>
          collectAuthorization({
            subscription: s,
            types: rbacTypes,
            client: this.instrument(this.clients.authorization(s), context),
            endpoint: this.clients.endpoint,
            call: (operation, fn) => this.call(context, limit, operation, fn),
            capturedAt: () => context.now().toISOString(),
            emit,
            gap: (types, reason) => gap(s, types, reason),
            signal: context.signal,
          }),
        ),
      );
    }
    await childJobs.idle();
    await readAccess;

    const at = context.now().toISOString();
    const duration = (performance.now() - started) / 1000;
    const coverage = subscriptions.map((s): CollectionScope => {
      const entry = state.get(s)!;
      const failure = entry.failure;
      const gaps = entry.gaps;
      // A failed scope keeps the types it was to cover: its failure makes each of them unknown.
      return {
        provider: 'azure',
        account: s,
        region: GLOBAL_REGION,
        types: wanted.filter((t) => !gaps.has(t)),
        ...(gaps.size > 0 ? { gaps: groupGaps(gaps) } : {}),
        ...(entry.unreadable > 0 ? { unreadable: entry.unreadable } : {}),
        outcome: failure === undefined ? { status: 'ok', collectedAt: at } : { status: 'failed', error: bothLanguages(failure), at },
      };
    });
    const accounts = subscriptions.map((s): AccountOutcome => {
      const entry = state.get(s)!;
      return { account: s, ok: entry.failure === undefined, ...(entry.failure === undefined ? {} : { error: bothLanguages(entry.failure) }), durationSeconds: duration, resources: entry.resources };
    });
    return { coverage, accounts };
  }

  /**
   * The types of Resource Graph tables other than `resources` (graph-tables.ts), one query per table and batch of
   * subscriptions whose `resources` Resource Graph answered. A table Resource Graph refuses leaves its types gaps.
   */
  private async collectGraphTables(
    context: CollectContext,
    limit: Semaphore,
    pace: { quota: GraphQuotaState },
    active: readonly string[],
    tableTypes: readonly string[],
    on: {
      emit: (r: Resource) => void;
      gap: (subscription: string, types: readonly string[], reason: Bilingual) => void;
      fail: (subscription: string, error: unknown) => void;
      unreadable: (subscriptions: readonly string[], item: { reason: string; account: string }) => void;
      fromExpected: (expected: readonly string[], resource: Resource, source: string) => boolean;
    },
  ): Promise<void> {
    for (let i = 0; i < active.length; i += RESOURCE_GRAPH_MAX_SUBSCRIPTIONS) {
      const batch = active.slice(i, i + RESOURCE_GRAPH_MAX_SUBSCRIPTIONS);
      for (const { types, query } of graphTableQueries(tableTypes)) {
        try {
          const result = await this.graphAll(context, limit, pace, batch, query, () => Promise.resolve(), (item) => {
            if (!item.ok) on.unreadable(batch, item);
            else if (types.includes(item.resource.type) && on.fromExpected(batch, item.resource, 'Resource Graph')) on.emit(item.resource);
          });
          if (result.truncated) for (const s of batch) on.gap(s, types, truncatedReason(result.truncated));
        } catch (error) {
          const denied = error instanceof ScopeFailure && (error.failure.status === 403 || error.failure.status === 401);
          if (denied) for (const s of batch) on.gap(s, types, graphDeniedReason(s, types));
          else for (const s of batch) on.fail(s, error);
        }
      }
    }
  }

  /**
   * Defender for Cloud assessments of one subscription through ARM: Assessments - List on the subscription scope
   * (Azure/azure-rest-api-specs specification/security/resource-manager/Microsoft.Security/stable/2021-06-01/assessments.json,
   * `/{scope}/providers/Microsoft.Security/assessments`, scope a subscription or management group, no `$filter`,
   * pageable by `nextLink`), keeping the two vulnerability-assessment keys as Resource Graph's query does.
   *
   * Why the list and not Assessments - Get per VM and key: the GETs cost two calls per VM whatever else the
   * subscription holds; the list costs one call per page of every assessment in the subscription. Defender keeps a
   * few dozen assessments per assessed resource, so with server pages of a few hundred entries the list needs fewer
   * calls than 2 × VMs for any estate where VMs are not a small minority of a sparse one; and a page that fails is one
   * gap, not thousands of 404-or-403 decisions. A failed page leaves the type a gap of the subscription (its VMs unknown).
   */
  private async armAssessments(
    context: CollectContext,
    limit: Semaphore,
    subscription: string,
    on: {
      emit: (r: Resource) => void;
      gap: (subscription: string, types: readonly string[], reason: Bilingual) => void;
      unreadable: (subscriptions: readonly string[], item: { reason: string; account: string }) => void;
      fromExpected: (expected: readonly string[], resource: Resource, source: string) => boolean;
    },
  ): Promise<void> {
    const type = AZURE_TYPES.securityAssessment;
    const client = this.instrument(this.clients.resources(subscription), context);
    const operation = 'ListSecurityAssessments';
    let page = await this.call(context, limit, operation, () => this.rawGet(client, `subscriptions/${subscription}/providers/Microsoft.Security/assessments`, ASSESSMENTS_API_VERSION, context.signal));
    for (let pages = 1; ; pages++) {
      if (!page.ok) return on.gap(subscription, [type], typeReason(subscription, type, page.error));
      for (const body of listValue(page.value)) {
        if (!isVulnerabilityAssessmentKey(body.name)) continue;
        const item = readArmItem(body, { type, capturedAt: context.now().toISOString() });
        if (!item.ok) on.unreadable([subscription], item);
        else if (on.fromExpected([subscription], item.resource, 'ARM')) on.emit(item.resource);
      }
      const next = nextLinkOf(page.value, this.clients.endpoint);
      if (next === undefined) return;
      if ('error' in next || pages >= MAX_ARM_LIST_PAGES) return on.gap(subscription, [type], typeReason(subscription, type, { code: 'InvalidNextLink', message: 'error' in next ? next.error : `still a nextLink after ${pages} pages`, retryable: false }));
      page = await this.call(context, limit, operation, () => this.getUrl(next.url, context.signal));
    }
  }

  /** Resource Graph: one fixed query over a batch of subscriptions, paged by $skipToken; says whether the result was truncated. */
  private async graphAll(
    context: CollectContext,
    limit: Semaphore,
    pace: { quota: GraphQuotaState },
    subscriptions: readonly string[],
    query: string,
    beforePage: () => Promise<void>,
    onRow: (item: ArmItem) => void,
  ): Promise<{ truncated?: { returned: number; total: number } }> {
    const client = this.instrument(this.clients.resourceGraph(), context);
    let skipToken: string | undefined;
    let returned = 0;
    do {
      const token = skipToken;
      await beforePage();
      await this.paceGraph(context, pace);
      const result = await this.call(context, limit, 'ListResourceGraphResources', () =>
        client.resources(
          { subscriptions: [...subscriptions], query, options: { top: RESOURCE_GRAPH_PAGE_SIZE, resultFormat: 'objectArray', ...(token ? { skipToken: token } : {}) } },
          {
            abortSignal: context.signal,
            onResponse: (response) => {
              pace.quota = graphQuotaOf(response.headers);
            },
          },
        ),
      );
      if (!result.ok) throw new ScopeFailure(result.error);
      const rows: unknown[] = Array.isArray(result.value.data) ? (result.value.data as unknown[]) : [];
      let handled = 0;
      const capturedAt = context.now().toISOString();
      for (const row of rows) {
        if (++handled % ROWS_BETWEEN_YIELDS === 0) await new Promise((resolve) => setImmediate(resolve));
        onRow(readArmItem(row, { capturedAt }));
      }
      returned += rows.length;
      skipToken = result.value.skipToken || undefined;
      // `resultTruncated` comes as the string "true" on the wire (the SDK types it as an enum of "true" | "false").
      // With it set there is no $skipToken and no way to the rest (resource-graph/concepts/paging-results).
      const truncated = String(result.value.resultTruncated).toLowerCase() === 'true';
      if (skipToken === undefined && (truncated || returned < result.value.totalRecords)) return { truncated: { returned, total: result.value.totalRecords } };
    } while (skipToken !== undefined);
    return {};
  }

  /**
   * Resource Graph's guidance: when `x-ms-user-quota-remaining` reaches 0, wait `x-ms-user-quota-resets-after`
   * before the next query (resource-graph/concepts/guidance-for-throttled-requests). kansa's queries run one
   * at a time, so the wait is the reset itself, bounded like any server hint.
   */
  private async paceGraph(context: CollectContext, pace: { quota: GraphQuotaState }): Promise<void> {
    const { remaining, resetsAfterMs } = pace.quota;
    if (remaining !== 0 || resetsAfterMs === undefined || resetsAfterMs <= 0) return;
    pace.quota = {};
    const wait = Math.min(resetsAfterMs, hintCapMs(this.retry));
    context.logger.debug({ provider: 'azure', waitMs: wait }, 'Resource Graph quota spent: waiting for its reset');
    try {
      await (this.sleep ?? delay)(wait, context.signal);
    } catch {
      // aborted: the next call sees the signal
    }
  }

  /**
   * Subscriptions List, every page (nextLink): each subscription the credential sees with its state. A page
   * that cannot be read makes the whole answer unknown — absence from a partial list proves nothing.
   */
  private async listSubscriptions(context: CollectContext, limit: Semaphore): Promise<Visibility> {
    const client = this.clients.resources('');
    const states = new Map<string, string>();
    let page = await this.call(context, limit, 'ListSubscriptions', () => this.rawGet(client, 'subscriptions', SUBSCRIPTIONS_API_VERSION, context.signal));
    for (let pages = 1; ; pages++) {
      if (!page.ok) return { error: page.error };
      const { entries, nextLink } = subscriptionEntries(page.value);
      for (const [id, state] of entries) states.set(id, state);
      if (nextLink === undefined) return { states };
      // The bearer token goes only to the ARM endpoint this client was made for.
      if (!sameOrigin(nextLink, this.clients.endpoint)) return { error: { code: 'InvalidNextLink', message: `Subscriptions List nextLink points outside ${this.clients.endpoint}: ${nextLink}`, retryable: false } };
      if (pages >= MAX_SUBSCRIPTION_PAGES) return { error: { code: 'TooManyPages', message: `Subscriptions List still had a nextLink after ${pages} pages`, retryable: false } };
      page = await this.call(context, limit, 'ListSubscriptions', () => this.getUrl(nextLink, context.signal));
    }
  }

  /**
   * For each subscription, the listed types no subscription-wide role lets kansa read: each becomes a gap
   * (`onDenied`), as does every listed type when the roles cannot be read. One role-assignment list per
   * subscription and one GET per distinct role definition.
   */
  private async checkReadAccess(context: CollectContext, limit: Semaphore, subscriptions: readonly string[], listTypes: readonly string[], onDenied: (subscription: string, type: string, reason: Bilingual) => void): Promise<void> {
    if (subscriptions.length === 0 || listTypes.length === 0) return;
    const unknownAll = (s: string, why: string): void => {
      const reason = accessUnknownReason(s, why);
      for (const type of listTypes) onDenied(s, type, reason);
    };
    let principal: string | undefined;
    try {
      principal = await this.clients.principalId(context.signal);
    } catch (error) {
      const why = `no access token: ${error instanceof Error ? error.message : String(error)}`;
      for (const s of subscriptions) unknownAll(s, why);
      return;
    }
    if (principal === undefined) {
      for (const s of subscriptions) unknownAll(s, 'the access token names no caller (no oid claim)');
      return;
    }
    const filter = encodeURIComponent(`assignedTo('${principal}')`);
    // Built-in roles have one id in every subscription: each definition is read once a scan.
    const definitions = new Map<string, Promise<{ permissions: RolePermission[] } | { error: string }>>();
    const definition = (roleDefinitionId: string): Promise<{ permissions: RolePermission[] } | { error: string }> => {
      const key = roleDefinitionId.split('/').at(-1)!.toLowerCase();
      let pending = definitions.get(key);
      if (!pending) {
        pending = this.call(context, limit, 'GetRoleDefinition', () => this.getUrl(`${this.clients.endpoint}${roleDefinitionId}?api-version=${AUTHORIZATION_API_VERSION}`, context.signal)).then((r) => (r.ok ? rolePermissions(r.value) : { error: `${r.error.code}: ${r.error.message}` }));
        definitions.set(key, pending);
      }
      return pending;
    };
    await Promise.all(
      subscriptions.map(async (s) => {
        const roles: string[] = [];
        let url: string | undefined = `${this.clients.endpoint}/subscriptions/${s}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHORIZATION_API_VERSION}&$filter=${filter}`;
        for (let pages = 0; url !== undefined; pages++) {
          if (pages >= MAX_ROLE_ASSIGNMENT_PAGES) return unknownAll(s, `role assignments still had a nextLink after ${pages} pages`);
          const next: string = url;
          const page = await this.call(context, limit, 'ListRoleAssignments', () => this.getUrl(next, context.signal));
          if (!page.ok) return unknownAll(s, `role assignments: ${page.error.code}: ${page.error.message}`);
          const found = subscriptionWideRoles(page.value, s);
          if ('error' in found) return unknownAll(s, found.error);
          roles.push(...found.roles);
          const nextLink = (page.value as { nextLink?: unknown }).nextLink;
          if (typeof nextLink === 'string' && nextLink !== '' && !sameOrigin(nextLink, this.clients.endpoint)) return unknownAll(s, `role assignments nextLink points outside ${this.clients.endpoint}`);
          url = typeof nextLink === 'string' && nextLink !== '' ? nextLink : undefined;
        }
        const permissions: RolePermission[] = [];
        for (const role of await Promise.all([...new Set(roles)].map(definition))) {
          if ('error' in role) return unknownAll(s, `role definition: ${role.error}`);
          permissions.push(...role.permissions);
        }
        for (const type of listTypes) if (!grantsRead(permissions, type)) onDenied(s, type, notReadableReason(s, type));
      }),
    );
  }

  /** GET an absolute ARM URL (a nextLink); errors come back shaped as the SDK's, for the same classification. */
  private async getUrl(url: string, signal: AbortSignal): Promise<unknown> {
    const response = await this.clients.get(url, signal);
    if (response.status >= 400) throw new RestError(`GET ${new URL(url).pathname} answered ${response.status}`, { statusCode: response.status, response });
    return JSON.parse(response.bodyAsText ?? '');
  }

  /**
   * ARM: list ids per type (no properties), then GET each by id with its type's api-version. A type
   * whose GETs are refused (403) is a gap of its own (`onTypeDenied`); other failures fail the subscription.
   */
  private async armAll(
    context: CollectContext,
    limit: Semaphore,
    subscription: string,
    types: readonly string[],
    beforePage: () => Promise<void>,
    onResource: (item: ArmItem) => void,
    onTypeDenied: (type: string, error: AzureCallError) => void,
  ): Promise<void> {
    const client = this.instrument(this.clients.resources(subscription), context);
    const jobs: Promise<void>[] = [];
    for (const type of types) {
      const apiVersion = ARM_API_VERSIONS[type]!;
      let denied = false;
      let continuationToken: string | undefined;
      do {
        const token = continuationToken;
        await beforePage();
        const page = await this.call(context, limit, 'ListResources', async () => {
          const pages = client.resources.list({ filter: `resourceType eq '${type}'`, top: ARM_LIST_PAGE_SIZE, abortSignal: context.signal }).byPage(token ? { continuationToken: token } : undefined);
          const next = await pages.next();
          return next.done ? { items: [], continuationToken: undefined } : { items: next.value as unknown as readonly { id?: string }[], continuationToken: (next.value as { continuationToken?: string }).continuationToken };
        });
        if (!page.ok) throw new ScopeFailure(page.error);
        for (const item of page.value.items) {
          const id = item.id;
          if (typeof id !== 'string') continue;
          jobs.push(
            (async () => {
              const body = await this.call(context, limit, 'GetResourceById', () => this.rawGet(client, id, apiVersion, context.signal));
              if (!body.ok) {
                if (body.error.status === 404) return; // deleted between list and get
                if (body.error.status === 403) {
                  if (!denied) onTypeDenied(type, body.error);
                  denied = true;
                  return;
                }
                throw new ScopeFailure(body.error);
              }
              // The type listed is the type fetched: a body without one is still readable as it.
              onResource(readArmItem(body.value, { type, capturedAt: context.now().toISOString() }));
            })(),
          );
        }
        continuationToken = page.value.continuationToken || undefined;
      } while (continuationToken !== undefined);
    }
    const results = await Promise.allSettled(jobs);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) throw rejected.reason;
  }

  /** One child setting of one parent; a failure leaves the child type a gap of the parent's subscription, with why. */
  private async fetchChild(context: CollectContext, limit: Semaphore, child: ChildSpec, parent: ParentRef, emit: (r: Resource) => void, gap: (subscription: string, types: readonly string[], reason: Bilingual) => void): Promise<void> {
    const client = this.instrument(this.clients.resources(parent.account), context);
    let result = await this.call(context, limit, child.operation, () => this.rawGet(client, child.path(parent.id), child.apiVersion, context.signal));
    const options = child.standalone ? { type: child.type, capturedAt: context.now().toISOString() } : { type: child.type, parent: { type: parent.type, id: parent.id, location: parent.region }, capturedAt: context.now().toISOString() };
    for (let pages = 1; ; pages++) {
      if (!result.ok) {
        // A parent deleted since it was listed has no settings left; a later page failing leaves the list partial.
        if (pages === 1 && (result.error.status === 404 || child.notApplicableCodes?.includes(result.error.code))) return;
        gap(parent.account, [child.type], typeReason(parent.account, child.type, result.error));
        return;
      }
      const bodies = child.list ? listValue(result.value) : [result.value];
      for (const body of bodies) {
        const resource = normalizeArmResource(body, options);
        // A setting is of its parent's subscription; one that says otherwise is dropped (the scope is failed by the caller's check).
        if (resource.account === parent.account || resource.malformed) emit(resource.malformed ? { ...resource, account: parent.account } : resource);
        else throw new VisibilityFailure(mismatchReason(parent.account, resource, 'ARM'));
      }
      if (!child.paged) return;
      const next = nextLinkOf(result.value, this.clients.endpoint);
      if (next === undefined) return;
      if ('error' in next || pages >= MAX_ARM_LIST_PAGES) {
        gap(parent.account, [child.type], typeReason(parent.account, child.type, { code: 'InvalidNextLink', message: 'error' in next ? next.error : `still a nextLink after ${pages} pages`, retryable: false }));
        return;
      }
      result = await this.call(context, limit, child.operation, () => this.getUrl(next.url, context.signal));
    }
  }

  /**
   * GET an ARM path through the SDK's `getById` and keep the body as ARM sent it: the generic-resource
   * deserializer drops what it does not model (`value` lists, newer properties), so the raw parsed body
   * is taken from the pipeline response instead.
   */
  private async rawGet(client: ResourceManagementClient, path: string, apiVersion: string, signal: AbortSignal): Promise<unknown> {
    let parsed: unknown;
    await client.resources.getById(path.replace(/^\//, ''), apiVersion, {
      abortSignal: signal,
      onResponse: (response) => {
        parsed = response.parsedBody;
      },
    });
    return parsed;
  }

  private async call<T>(context: CollectContext, limit: Semaphore, operation: string, fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: AzureCallError }> {
    return limit.run(() =>
      withAzureRetry(fn, {
        policy: this.retry,
        signal: context.signal,
        onAttempt: (code) => context.recorder.apiCall('azure', operation, code),
        ...(this.sleep ? { sleep: this.sleep } : {}),
      }),
    );
  }

  /** Samples ARM's clock from each response's Date header (second resolution), once per client. */
  private instrument<C extends { pipeline: { addPolicy(policy: PipelinePolicy): void } }>(client: C, context: CollectContext): C {
    // Clients outlive a scan: the policy, added once, reports to the scan that uses the client now.
    const known = this.instrumented.has(client);
    this.instrumented.set(client, context);
    if (known) return client;
    client.pipeline.addPolicy({
      name: 'kansaClockSample',
      sendRequest: async (request, next) => {
        const sent = Date.now();
        const response = await next(request);
        const received = Date.now();
        const date = Date.parse(response.headers.get('date') ?? '');
        if (!Number.isNaN(date)) this.instrumented.get(client)?.recorder.clockSample('azure', (sent + received) / 2000 - (date / 1000 + 0.5), (received - sent) / 1000);
        return response;
      },
    });
    return client;
  }
}

function sameOrigin(url: string, base: string): boolean {
  try {
    return new URL(url).origin === new URL(base).origin;
  } catch {
    return false;
  }
}

/** The `nextLink` of an ARM list page: none, one on the ARM endpoint the bearer token may go to, or why not. */
function nextLinkOf(body: unknown, endpoint: string): { url: string } | { error: string } | undefined {
  const link = (body as { nextLink?: unknown } | undefined)?.nextLink;
  if (typeof link !== 'string' || link === '') return undefined;
  return sameOrigin(link, endpoint) ? { url: link } : { error: `nextLink points outside ${endpoint}: ${link}` };
}

function listValue(body: unknown): Json[] {
  const value = (body as { value?: unknown } | undefined)?.value;
  return Array.isArray(value) ? value.filter((v): v is Json => typeof v === 'object' && v !== null) : [];
}

export { subscriptionOf };
