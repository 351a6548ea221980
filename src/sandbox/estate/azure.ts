/**
 * The Azure sandbox estate: a deterministic, lazily generated set of ARM resources and the child
 * settings that are not resources of their own (diagnostic settings, SQL auditing, TDE and long-term
 * retention, storage blob service properties).
 *
 * As for AWS, nothing is stored per resource: a small table of cells (subscription × location × type)
 * holds counts; item k of a cell is computed from a hash of (seed, subscription, location, type, k),
 * and resource names embed an invertible scramble of (cell, k), so a GET by id needs no index.
 */
import { performance } from 'node:perf_hooks';
import { hashParts, hex8, Rng, scramble64, unscramble64 } from './random.js';

export const AZURE_DEFAULT_SUBSCRIPTIONS: readonly string[] = ['0b1f6471-1bf0-4dda-aec3-111111111111', '0b1f6471-1bf0-4dda-aec3-222222222222'];
export const AZURE_DEFAULT_LOCATIONS: readonly string[] = ['japaneast', 'japanwest', 'eastus'];
export const AZURE_DEFAULT_RESOURCES = 600;
export const AZURE_SANDBOX_TENANT = '72f988bf-0000-4000-8000-00000000a2e5';

export const STORAGE_ACCOUNT = 'Microsoft.Storage/storageAccounts';
export const NSG = 'Microsoft.Network/networkSecurityGroups';
export const DISK = 'Microsoft.Compute/disks';
export const SQL_SERVER = 'Microsoft.Sql/servers';
export const SQL_DATABASE = 'Microsoft.Sql/servers/databases';
export const KEY_VAULT = 'Microsoft.KeyVault/vaults';
export const ACTIVITY_LOG_ALERT = 'Microsoft.Insights/activityLogAlerts';
export const VIRTUAL_MACHINE = 'Microsoft.Compute/virtualMachines';
export const VM_SCALE_SET = 'Microsoft.Compute/virtualMachineScaleSets';
export const APP_GATEWAY = 'Microsoft.Network/applicationGateways';
export const WAF_POLICY = 'Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies';
export const METRIC_ALERT = 'Microsoft.Insights/metricAlerts';
export const RECOVERY_VAULT = 'Microsoft.RecoveryServices/vaults';
export const LOG_WORKSPACE = 'Microsoft.OperationalInsights/workspaces';
export const VIRTUAL_NETWORK = 'Microsoft.Network/virtualNetworks';
export const NETWORK_WATCHER = 'Microsoft.Network/networkWatchers';
/** Defender for Cloud plans: subscription-level settings, listed by GET {subscription}/providers/Microsoft.Security/pricings. */
export const SECURITY_PRICING = 'Microsoft.Security/pricings';
export const SECURITY_PRICINGS_API_VERSION = '2024-01-01';
// Data stores and the services carrying their traffic (mappings/registers/azure.yaml).
export const SNAPSHOT = 'Microsoft.Compute/snapshots';
export const IMAGE = 'Microsoft.Compute/images';
export const GALLERY = 'Microsoft.Compute/galleries';
export const SQL_MANAGED_INSTANCE = 'Microsoft.Sql/managedInstances';
export const POSTGRES_FLEXIBLE = 'Microsoft.DBforPostgreSQL/flexibleServers';
export const MYSQL_FLEXIBLE = 'Microsoft.DBforMySQL/flexibleServers';
export const POSTGRES_SINGLE = 'Microsoft.DBforPostgreSQL/servers';
export const MYSQL_SINGLE = 'Microsoft.DBforMySQL/servers';
export const COSMOS_ACCOUNT = 'Microsoft.DocumentDB/databaseAccounts';
export const REDIS = 'Microsoft.Cache/redis';
export const REDIS_ENTERPRISE = 'Microsoft.Cache/redisEnterprise';
export const SERVICE_BUS = 'Microsoft.ServiceBus/namespaces';
export const EVENT_HUBS = 'Microsoft.EventHub/namespaces';
export const SYNAPSE = 'Microsoft.Synapse/workspaces';
export const DATA_FACTORY = 'Microsoft.DataFactory/factories';
export const KUSTO = 'Microsoft.Kusto/clusters';
export const DATABRICKS = 'Microsoft.Databricks/workspaces';
export const SEARCH = 'Microsoft.Search/searchServices';
export const WEB_SITE = 'Microsoft.Web/sites';
export const API_MANAGEMENT = 'Microsoft.ApiManagement/service';
export const CONTAINER_REGISTRY = 'Microsoft.ContainerRegistry/registries';
export const BACKUP_VAULT = 'Microsoft.DataProtection/backupVaults';
export const MANAGED_HSM = 'Microsoft.KeyVault/managedHSMs';
/** Nested types: an image version in a gallery image definition, a geo-replication of a registry. */
export const GALLERY_IMAGE_VERSION = 'Microsoft.Compute/galleries/images/versions';
export const REGISTRY_REPLICATION = 'Microsoft.ContainerRegistry/registries/replications';
/** Flexible-server parameters (GET {server}/configurations/{name}): api-version per server type. */
export const SERVER_PARAMETER_API_VERSIONS: Readonly<Record<string, string>> = { [POSTGRES_FLEXIBLE]: '2024-08-01', [MYSQL_FLEXIBLE]: '2023-12-30' };

/**
 * api-version each resource type answers to (ARM rejects others with NoRegisteredProviderFound): the stable versions
 * in Azure/azure-rest-api-specs that collectors/azure/resource-manager.ts cites per type.
 */
export const AZURE_API_VERSIONS: Readonly<Record<string, string>> = {
  [STORAGE_ACCOUNT]: '2023-05-01',
  [NSG]: '2024-05-01',
  [DISK]: '2024-03-02',
  [SQL_SERVER]: '2023-08-01',
  [SQL_DATABASE]: '2023-08-01',
  [KEY_VAULT]: '2023-07-01',
  [ACTIVITY_LOG_ALERT]: '2020-10-01',
  [VIRTUAL_MACHINE]: '2024-07-01',
  [VM_SCALE_SET]: '2024-07-01',
  [APP_GATEWAY]: '2024-05-01',
  [WAF_POLICY]: '2024-05-01',
  [METRIC_ALERT]: '2018-03-01',
  [RECOVERY_VAULT]: '2024-04-01',
  [LOG_WORKSPACE]: '2023-09-01',
  [VIRTUAL_NETWORK]: '2024-05-01',
  [NETWORK_WATCHER]: '2024-05-01',
  [SNAPSHOT]: '2024-03-02',
  [IMAGE]: '2024-07-01',
  [GALLERY]: '2024-03-03',
  [SQL_MANAGED_INSTANCE]: '2023-08-01',
  [POSTGRES_FLEXIBLE]: '2024-08-01',
  [MYSQL_FLEXIBLE]: '2023-12-30',
  [POSTGRES_SINGLE]: '2017-12-01',
  [MYSQL_SINGLE]: '2017-12-01',
  [COSMOS_ACCOUNT]: '2024-11-15',
  [REDIS]: '2024-11-01',
  [REDIS_ENTERPRISE]: '2024-10-01',
  [SERVICE_BUS]: '2024-01-01',
  [EVENT_HUBS]: '2024-01-01',
  [SYNAPSE]: '2021-06-01',
  [DATA_FACTORY]: '2018-06-01',
  [KUSTO]: '2023-08-15',
  [DATABRICKS]: '2024-05-01',
  [SEARCH]: '2023-11-01',
  [WEB_SITE]: '2024-04-01',
  [API_MANAGEMENT]: '2024-05-01',
  [CONTAINER_REGISTRY]: '2023-07-01',
  [BACKUP_VAULT]: '2024-04-01',
  [MANAGED_HSM]: '2023-07-01',
  [GALLERY_IMAGE_VERSION]: '2024-03-03',
  [REGISTRY_REPLICATION]: '2023-07-01',
};

/** Display names ARM uses in Cosmos DB `locations[].locationName` and API Management `additionalLocations[].location`. */
const DISPLAY_NAMES: Readonly<Record<string, string>> = { japaneast: 'Japan East', japanwest: 'Japan West', eastus: 'East US', westus: 'West US', southeastasia: 'Southeast Asia', eastasia: 'East Asia' };

/** Regional pairs: where geo-redundant storage keeps its secondary copy. */
const PAIRED: Readonly<Record<string, string>> = { japaneast: 'japanwest', japanwest: 'japaneast', eastus: 'westus', westus: 'eastus', southeastasia: 'eastasia', eastasia: 'southeastasia' };

type Json = Record<string, unknown>;

interface TypeSpec {
  readonly type: string;
  /** Relative share of the scaled part of the estate. */
  readonly weight: number;
  /** Per-subscription singletons, in `singletonLocation` (default `global`, where activity-log alerts live). */
  readonly perSubscription?: (subscriptionIndex: number) => number;
  readonly singletonLocation?: string;
  readonly prefix: string;
}

const SPECS: readonly TypeSpec[] = [
  { type: STORAGE_ACCOUNT, weight: 4, prefix: 'st' },
  { type: NSG, weight: 3, prefix: 'nsg-' },
  { type: DISK, weight: 6, prefix: 'disk-' },
  { type: SQL_SERVER, weight: 1, prefix: 'sql-' },
  { type: KEY_VAULT, weight: 1, prefix: 'kv-' },
  // The first subscription has a service-health alert (k 0) and a security-operations alert (k 1), the others
  // neither (10-2 and 7-1 failures to find).
  { type: ACTIVITY_LOG_ALERT, weight: 0, prefix: 'servicehealth-', perSubscription: (i) => (i === 0 ? 2 : 0) },
  { type: VIRTUAL_MACHINE, weight: 3, prefix: 'vm-' },
  { type: APP_GATEWAY, weight: 0.5, prefix: 'agw-' },
  { type: WAF_POLICY, weight: 0.5, prefix: 'waf-' },
  // Metric alerts with action groups in the first subscription only (7-1 fails for the others).
  { type: METRIC_ALERT, weight: 0, prefix: 'cpu-high-', perSubscription: (i) => (i === 0 ? 2 : 0) },
  // A Recovery Services vault in the first subscription only (8-2 fails for the others).
  { type: RECOVERY_VAULT, weight: 0, prefix: 'rsv-', perSubscription: (i) => (i === 0 ? 1 : 0), singletonLocation: 'japaneast' },
  // One Log Analytics workspace per subscription: 730 days in the first, 30 (the default) elsewhere.
  { type: LOG_WORKSPACE, weight: 0, prefix: 'law-', perSubscription: () => 1, singletonLocation: 'japaneast' },
  // Last, so the cells (and ids) of the types above keep their indices.
  { type: VM_SCALE_SET, weight: 1, prefix: 'vmss-' },
  // Data stores of the register (issue #12), after the types above for the same reason. Locations outside
  // Japan (eastus by default) give each family its residency failures; the bodies add the copy, transit and
  // at-rest shapes of each type, compliant and not.
  { type: SNAPSHOT, weight: 0.6, prefix: 'snap-' },
  { type: IMAGE, weight: 0.2, prefix: 'img-' },
  { type: GALLERY, weight: 0.2, prefix: 'gal' },
  { type: SQL_MANAGED_INSTANCE, weight: 0.2, prefix: 'sqlmi-' },
  { type: POSTGRES_FLEXIBLE, weight: 0.4, prefix: 'pg-' },
  { type: MYSQL_FLEXIBLE, weight: 0.4, prefix: 'mysql-' },
  { type: POSTGRES_SINGLE, weight: 0.15, prefix: 'pgs-' },
  { type: MYSQL_SINGLE, weight: 0.15, prefix: 'mysqls-' },
  { type: COSMOS_ACCOUNT, weight: 0.4, prefix: 'cosmos-' },
  { type: REDIS, weight: 0.4, prefix: 'redis-' },
  { type: REDIS_ENTERPRISE, weight: 0.15, prefix: 'redisent-' },
  { type: SERVICE_BUS, weight: 0.3, prefix: 'sb-' },
  { type: EVENT_HUBS, weight: 0.3, prefix: 'evh-' },
  { type: SYNAPSE, weight: 0.15, prefix: 'syn-' },
  { type: DATA_FACTORY, weight: 0.2, prefix: 'adf-' },
  { type: KUSTO, weight: 0.15, prefix: 'adx' },
  { type: DATABRICKS, weight: 0.15, prefix: 'dbw-' },
  { type: SEARCH, weight: 0.15, prefix: 'srch-' },
  { type: WEB_SITE, weight: 0.8, prefix: 'app-' },
  { type: API_MANAGEMENT, weight: 0.15, prefix: 'apim-' },
  { type: CONTAINER_REGISTRY, weight: 0.2, prefix: 'acr' },
  { type: BACKUP_VAULT, weight: 0.2, prefix: 'bvault-' },
  { type: MANAGED_HSM, weight: 0.1, prefix: 'hsm-' },
  // Nested under a parent named after the location (idOf); version names are "1.<hi>.<lo>" of the token, as
  // gallery image versions take MajorVersion.MinorVersion.Patch of 32-bit integers.
  { type: GALLERY_IMAGE_VERSION, weight: 0.3, prefix: '1.' },
  { type: REGISTRY_REPLICATION, weight: 0.2, prefix: 'repl' },
  // One virtual network per subscription (issue #14, 2-8): the first segments every subnet behind an NSG, the others leave the data subnet bare.
  { type: VIRTUAL_NETWORK, weight: 0, prefix: 'vnet-', perSubscription: () => 1, singletonLocation: 'japaneast' },
  // A network watcher beside the virtual network in the first subscription only (the others' region has none).
  { type: NETWORK_WATCHER, weight: 0, prefix: 'nw-', perSubscription: (i) => (i === 0 ? 1 : 0), singletonLocation: 'japaneast' },
];

export interface AzureEstateOptions {
  readonly seed?: number;
  /** Top-level resources (SQL databases, one per server, come on top). */
  readonly resources?: number;
  readonly subscriptions?: readonly string[];
  readonly locations?: readonly string[];
  /**
   * Subscriptions of the estate the sandbox credential cannot see (no role assignment on them): Subscriptions
   * List leaves them out, ARM answers 403 AuthorizationFailed on them and Resource Graph drops their rows.
   */
  readonly hiddenSubscriptions?: readonly string[];
  /** Resource Graph answers with `resultTruncated: true` and no `$skipToken` while rows are still missing. */
  readonly graphTruncated?: boolean;
  /** `state` of each subscription in Subscriptions - List (default Enabled); see SUBSCRIPTION_STATES. */
  readonly subscriptionStates?: Readonly<Record<string, SubscriptionState>>;
  /**
   * Entries per Subscriptions - List page, further pages by `nextLink`. Azure documents the `nextLink` but no
   * page size and no `$top` for this operation, so unset means one page, as for the small tenants seen in practice.
   */
  readonly subscriptionsPageSize?: number;
  /**
   * Resource Graph per-user quota: at most `queries` in each `windowSeconds` window (the documented example is
   * 15 queries per 5 s; the real value "is subject to change"). Unset: no quota and no quota headers.
   */
  readonly graphQuota?: { readonly queries: number; readonly windowSeconds: number };
  /** Clock (milliseconds) the quota windows run on; default performance.now. Tests advance it in the collector's injected sleep. */
  readonly clock?: () => number;
  /**
   * Resource types whose `<type>/read` action the credential's role lacks: Resource Graph leaves their rows out
   * without an error, ARM GETs of them answer 403 AuthorizationFailed.
   */
  readonly unreadableTypes?: readonly string[];
  /**
   * Microsoft Graph answers as for a tenant without Entra ID P1: signInActivity and Conditional Access are
   * refused with 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant (src/sandbox/azure-msgraph.ts).
   */
  readonly entraFreeTenant?: boolean;
  /** Microsoft Graph page size for lists (default 100, Graph's usual default). */
  readonly graphPageSize?: number;
  /** Entries per page of the RBAC lists (role assignments, role definitions); unset: one page (src/sandbox/azure-rbac.ts). */
  readonly rbacPageSize?: number;
  /**
   * Entries per page of Backup Protected Items - List, Backup Policies - List and Assessments - List, which document a
   * `nextLink` but no page size (src/sandbox/azure-backup-security.ts); unset: one page.
   */
  readonly backupSecurityPageSize?: number;
  /**
   * Recovery Services vaults (ids, any case) whose backup items and policies the credential may not list: its role
   * reads the vault (Microsoft.RecoveryServices/Vaults/read) but lacks Vaults/backupProtectedItems/read and
   * Vaults/backupPolicies/read there, so those lists answer 403 AuthorizationFailed.
   */
  readonly deniedBackupVaults?: readonly string[];
  /**
   * The credential's role lacks Microsoft.ResourceGraph/resources/read: every Resource Graph query answers 403
   * AuthorizationFailed (collectors then fall back to ARM).
   */
  readonly resourceGraphDenied?: boolean;
}

/**
 * Subscription states (Subscriptions - List, SubscriptionState). learn.microsoft.com/azure/cost-management-billing/manage/subscription-states:
 * Enabled, Warned and PastDue allow every operation; Disabled allows GET and DELETE (resources "are still
 * available") but no PUT, PATCH or POST; Deleted: the subscription is deleted "along with all underlying
 * resources/data" and no operation is available.
 */
export const SUBSCRIPTION_STATES = ['Enabled', 'Warned', 'PastDue', 'Disabled', 'Deleted'] as const;
export type SubscriptionState = (typeof SUBSCRIPTION_STATES)[number];

export interface AzureCell {
  readonly index: number;
  readonly subscription: string;
  readonly subscriptionIndex: number;
  /** ARM location, `global` for activity-log alerts. */
  readonly location: string;
  readonly type: string;
  readonly count: number;
}

/** A resource as ARM's GET returns it (the body of `getById`). */
export type ArmResource = Json & { readonly id: string; readonly name: string; readonly type: string; readonly location: string };

export class AzureEstate {
  readonly seed: number;
  readonly subscriptions: readonly string[];
  readonly locations: readonly string[];
  readonly hiddenSubscriptions: readonly string[];
  readonly graphTruncated: boolean;
  readonly subscriptionStates: Readonly<Record<string, SubscriptionState>>;
  readonly subscriptionsPageSize: number | undefined;
  readonly graphQuota: { readonly queries: number; readonly windowSeconds: number } | undefined;
  readonly clock: () => number;
  /** Lower-cased. */
  readonly unreadableTypes: readonly string[];
  readonly entraFreeTenant: boolean;
  readonly graphPageSize: number;
  readonly rbacPageSize: number | undefined;
  readonly backupSecurityPageSize: number | undefined;
  /** Lower-cased vault ids. */
  readonly deniedBackupVaults: readonly string[];
  readonly resourceGraphDenied: boolean;
  readonly total: number;
  readonly cells: readonly AzureCell[];
  private readonly idKey: number;

  constructor(options: AzureEstateOptions = {}) {
    const seed = options.seed ?? 1;
    const resources = options.resources ?? AZURE_DEFAULT_RESOURCES;
    const subscriptions = options.subscriptions ?? AZURE_DEFAULT_SUBSCRIPTIONS;
    const locations = options.locations ?? AZURE_DEFAULT_LOCATIONS;
    if (!Number.isSafeInteger(seed)) throw new Error(`sandbox azure estate: seed must be an integer, got ${seed}`);
    if (!Number.isSafeInteger(resources) || resources < 0) throw new Error(`sandbox azure estate: resources must be a non-negative integer, got ${resources}`);
    for (const s of subscriptions) if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s)) throw new Error(`sandbox azure estate: ${s} is not a subscription id (lower-case UUID)`);
    if (subscriptions.length === 0 || locations.length === 0) throw new Error('sandbox azure estate: at least one subscription and one location are needed');
    this.seed = seed;
    this.subscriptions = [...subscriptions];
    const hidden = (options.hiddenSubscriptions ?? []).map((h) => h.toLowerCase());
    for (const h of hidden) if (!this.subscriptions.includes(h)) throw new Error(`sandbox azure estate: hidden subscription ${h} is not one of the estate's (${this.subscriptions.join(', ')})`);
    this.hiddenSubscriptions = [...new Set(hidden)];
    this.graphTruncated = options.graphTruncated ?? false;
    const states: Record<string, SubscriptionState> = {};
    for (const [id, state] of Object.entries(options.subscriptionStates ?? {})) {
      const s = id.toLowerCase();
      if (!this.subscriptions.includes(s)) throw new Error(`sandbox azure estate: subscription ${s} given a state is not one of the estate's (${this.subscriptions.join(', ')})`);
      if (!(SUBSCRIPTION_STATES as readonly string[]).includes(state)) throw new Error(`sandbox azure estate: subscription state '${String(state)}' is not one of ${SUBSCRIPTION_STATES.join(', ')}`);
      states[s] = state;
    }
    this.subscriptionStates = states;
    const pageSize = options.subscriptionsPageSize;
    if (pageSize !== undefined && !(Number.isSafeInteger(pageSize) && pageSize >= 1)) throw new Error(`sandbox azure estate: subscriptionsPageSize must be a positive integer, got ${pageSize}`);
    this.subscriptionsPageSize = pageSize;
    const quota = options.graphQuota;
    if (quota !== undefined && !(Number.isSafeInteger(quota.queries) && quota.queries >= 1 && Number.isFinite(quota.windowSeconds) && quota.windowSeconds > 0)) {
      throw new Error(`sandbox azure estate: graphQuota needs a positive integer of queries and a positive window, got ${quota.queries} per ${quota.windowSeconds} s`);
    }
    this.graphQuota = quota;
    this.clock = options.clock ?? (() => performance.now());
    this.unreadableTypes = [...new Set((options.unreadableTypes ?? []).map((t) => t.toLowerCase()))];
    this.entraFreeTenant = options.entraFreeTenant ?? false;
    if (options.rbacPageSize !== undefined && !(Number.isSafeInteger(options.rbacPageSize) && options.rbacPageSize >= 1)) throw new Error(`sandbox azure estate: rbacPageSize must be a positive integer, got ${options.rbacPageSize}`);
    this.rbacPageSize = options.rbacPageSize;
    if (options.backupSecurityPageSize !== undefined && !(Number.isSafeInteger(options.backupSecurityPageSize) && options.backupSecurityPageSize >= 1)) throw new Error(`sandbox azure estate: backupSecurityPageSize must be a positive integer, got ${options.backupSecurityPageSize}`);
    this.backupSecurityPageSize = options.backupSecurityPageSize;
    this.deniedBackupVaults = [...new Set((options.deniedBackupVaults ?? []).map((v) => v.toLowerCase()))];
    this.resourceGraphDenied = options.resourceGraphDenied ?? false;
    this.graphPageSize = options.graphPageSize ?? 100;
    this.locations = [...locations];
    this.idKey = hashParts('kansa-sandbox-azure-ids', seed);
    const layout: { subscription: string; subscriptionIndex: number; location: string; type: string; fixed: number; weight: number }[] = [];
    const locationWeight = (l: string): number => (l === 'japaneast' ? 6 : l === 'japanwest' ? 3 : 1);
    const locationTotal = locations.reduce((sum, l) => sum + locationWeight(l), 0);
    for (const spec of SPECS) {
      subscriptions.forEach((subscription, subscriptionIndex) => {
        if (spec.perSubscription) {
          layout.push({ subscription, subscriptionIndex, location: spec.singletonLocation ?? 'global', type: spec.type, fixed: spec.perSubscription(subscriptionIndex), weight: 0 });
          return;
        }
        for (const location of locations) layout.push({ subscription, subscriptionIndex, location, type: spec.type, fixed: 0, weight: (spec.weight * locationWeight(location)) / locationTotal });
      });
    }
    const fixed = layout.reduce((sum, l) => sum + l.fixed, 0);
    const scaled = apportion(Math.max(0, resources - fixed), layout.map((l) => l.weight));
    const cells: AzureCell[] = layout.map((l, index) => ({ index, subscription: l.subscription, subscriptionIndex: l.subscriptionIndex, location: l.location, type: l.type, count: l.fixed + (scaled[index] ?? 0) }));
    // One database per SQL server, in the server's cell layout.
    for (const server of cells.filter((c) => c.type === SQL_SERVER)) cells.push({ ...server, index: cells.length, type: SQL_DATABASE });
    this.cells = cells;
    this.total = cells.reduce((sum, c) => sum + c.count, 0);
  }

  stateOf(subscription: string): SubscriptionState {
    return this.subscriptionStates[subscription] ?? 'Enabled';
  }

  /** Cells in canonical order (the order lists and Resource Graph rows come in). */
  select(filter: { readonly subscriptions?: readonly string[]; readonly types?: readonly string[] }): AzureCell[] {
    const types = filter.types ? new Set(filter.types.map((t) => t.toLowerCase())) : undefined;
    return this.cells.filter((c) => c.count > 0 && (!filter.subscriptions || filter.subscriptions.includes(c.subscription)) && (!types || types.has(c.type.toLowerCase())));
  }

  count(filter: { readonly subscriptions?: readonly string[]; readonly types?: readonly string[] } = {}): number {
    return this.select(filter).reduce((sum, c) => sum + c.count, 0);
  }

  private token(cell: number, k: number): string {
    const [hi, lo] = scramble64(cell, k, this.idKey);
    return hex8(hi) + hex8(lo);
  }

  /** Inverse of the name token: the cell and k, or undefined for names the estate never issued. */
  private locate(token: string, type: string): { cell: AzureCell; k: number } | undefined {
    if (!/^[0-9a-f]{16}$/.test(token)) return undefined;
    const [index, k] = unscramble64(parseInt(token.slice(0, 8), 16), parseInt(token.slice(8), 16), this.idKey);
    const cell = this.cells[index];
    if (!cell || cell.type.toLowerCase() !== type.toLowerCase() || k >= cell.count) return undefined;
    return { cell, k };
  }

  private resourceGroup(cell: AzureCell, k: number): string {
    return `rg-${cell.location}-${k % 3}`;
  }

  private nameOf(cell: AzureCell, k: number): string {
    const type = cell.type === SQL_DATABASE ? SQL_SERVER : cell.type;
    const spec = SPECS.find((s) => s.type === type)!;
    const serverCell = cell.type === SQL_DATABASE ? this.cells.find((c) => c.type === SQL_SERVER && c.subscription === cell.subscription && c.location === cell.location)! : cell;
    return spec.prefix + this.token(serverCell.index, k);
  }

  idOf(cell: AzureCell, k: number): string {
    const rg = this.resourceGroup(cell, k);
    const providers = `/subscriptions/${cell.subscription}/resourceGroups/${rg}/providers`;
    if (cell.type === GALLERY_IMAGE_VERSION) {
      const token = this.token(cell.index, k);
      return `${providers}/Microsoft.Compute/galleries/gal${cell.location}/images/linux-base/versions/1.${parseInt(token.slice(0, 8), 16)}.${parseInt(token.slice(8), 16)}`;
    }
    if (cell.type === REGISTRY_REPLICATION) return `${providers}/Microsoft.ContainerRegistry/registries/acr${cell.location}/replications/${this.nameOf(cell, k)}`;
    if (cell.type === SQL_DATABASE) return `/subscriptions/${cell.subscription}/resourceGroups/${rg}/providers/${SQL_SERVER}/${this.nameOf(cell, k)}/databases/appdb`;
    return `/subscriptions/${cell.subscription}/resourceGroups/${rg}/providers/${cell.type}/${this.nameOf(cell, k)}`;
  }

  /** Parses an ARM id the estate issued (case-insensitively, as ARM does). */
  find(id: string): { cell: AzureCell; k: number } | undefined {
    const nested = this.findNested(id);
    if (nested !== null) return nested;
    const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+\/[^/]+)\/([^/]+)(?:\/databases\/([^/]+))?$/i.exec(id);
    if (!m) return undefined;
    const [, subscription = '', rg = '', type = '', name = '', database] = m;
    const spec = SPECS.find((s) => s.type.toLowerCase() === type.toLowerCase());
    if (!spec || !name.toLowerCase().startsWith(spec.prefix)) return undefined;
    const found = this.locate(name.slice(spec.prefix.length).toLowerCase(), spec.type);
    if (!found || found.cell.subscription !== subscription.toLowerCase() || this.resourceGroup(found.cell, found.k).toLowerCase() !== rg.toLowerCase()) return undefined;
    if (database === undefined) return found;
    if (spec.type !== SQL_SERVER || database.toLowerCase() !== 'appdb') return undefined;
    const dbCell = this.cells.find((c) => c.type === SQL_DATABASE && c.subscription === found.cell.subscription && c.location === found.cell.location);
    return dbCell ? { cell: dbCell, k: found.k } : undefined;
  }

  /** Nested ids (gallery image versions, registry replications): the item, undefined for an unknown one, null for other ids. */
  private findNested(id: string): { cell: AzureCell; k: number } | undefined | null {
    const version = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/galleries\/[^/]+\/images\/[^/]+\/versions\/1\.(\d+)\.(\d+)$/i.exec(id);
    const replication = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerRegistry\/registries\/[^/]+\/replications\/repl([0-9a-f]{16})$/i.exec(id);
    if (!version && !replication) return null;
    const [, subscription = '', rg = ''] = (version ?? replication)!;
    const token = version ? hex8(Number(version[3])) + hex8(Number(version[4])) : (replication![3] ?? '').toLowerCase();
    const found = this.locate(token, version ? GALLERY_IMAGE_VERSION : REGISTRY_REPLICATION);
    if (!found || found.cell.subscription !== subscription.toLowerCase() || this.resourceGroup(found.cell, found.k).toLowerCase() !== rg.toLowerCase() || this.idOf(found.cell, found.k).toLowerCase() !== id.toLowerCase()) return undefined;
    return found;
  }

  private rng(cell: AzureCell, k: number, salt = ''): Rng {
    return new Rng(hashParts(this.seed, cell.subscription, cell.location, cell.type === SQL_DATABASE ? SQL_SERVER : cell.type, k, salt));
  }

  /** The list view (`resources.list`): no properties, as ARM returns it. */
  listEntry(cell: AzureCell, k: number): Json {
    return Object.fromEntries(Object.entries(this.resource(cell, k)).filter(([key]) => key !== 'properties'));
  }

  resource(cell: AzureCell, k: number): ArmResource {
    const r = this.rng(cell, k);
    const id = this.idOf(cell, k);
    const name = id.slice(id.lastIndexOf('/') + 1);
    const base = { id, name, type: cell.type, location: cell.location, tags: k % 4 === 0 ? { env: 'prod', owner: 'infra' } : {} };
    const created = new Date(Date.UTC(2022, 0, 1) + r.int(0, 1400) * 86_400_000).toISOString();
    switch (cell.type) {
      case STORAGE_ACCOUNT: {
        const sku = r.weighted([['Standard_LRS', 4], ['Standard_GRS', 3], ['Standard_RAGRS', 1], ['Standard_ZRS', 2], ['Standard_GZRS', 1]] as const);
        const geo = sku.includes('GRS') || sku.includes('GZRS');
        const secondary = PAIRED[cell.location];
        return {
          ...base,
          sku: { name: sku, tier: 'Standard' },
          kind: 'StorageV2',
          properties: {
            provisioningState: 'Succeeded',
            creationTime: created,
            primaryLocation: cell.location,
            statusOfPrimary: 'available',
            ...(geo && secondary ? { secondaryLocation: secondary, statusOfSecondary: 'available' } : {}),
            supportsHttpsTrafficOnly: r.chance(0.85),
            minimumTlsVersion: r.weighted([['TLS1_2', 8], ['TLS1_0', 1], ['TLS1_1', 1]] as const),
            allowBlobPublicAccess: r.chance(0.15),
            encryption: {
              services: { blob: { enabled: true, keyType: 'Account', lastEnabledTime: created }, file: { enabled: true, keyType: 'Account', lastEnabledTime: created } },
              keySource: r.chance(0.8) ? 'Microsoft.Storage' : 'Microsoft.Keyvault',
            },
            networkAcls: { bypass: 'AzureServices', virtualNetworkRules: [], ipRules: [], defaultAction: r.chance(0.5) ? 'Deny' : 'Allow' },
            accessTier: 'Hot',
            primaryEndpoints: { blob: `https://${name}.blob.core.windows.net/`, file: `https://${name}.file.core.windows.net/` },
            // Some accounts are reached by private endpoints only (publicNetworkAccess, drawn last to keep the draws above).
            ...(r.chance(0.2) ? { publicNetworkAccess: 'Disabled' } : {}),
          },
        };
      }
      case NSG: {
        const rules: Json[] = [];
        const add = (ruleName: string, p: Json): void => {
          rules.push({
            name: ruleName,
            id: `${id}/securityRules/${ruleName}`,
            type: 'Microsoft.Network/networkSecurityGroups/securityRules',
            properties: { provisioningState: 'Succeeded', sourcePortRange: '*', destinationAddressPrefix: '*', sourcePortRanges: [], destinationPortRanges: [], sourceAddressPrefixes: [], destinationAddressPrefixes: [], ...p },
          });
        };
        add('allow-https', { protocol: 'Tcp', destinationPortRange: '443', sourceAddressPrefix: 'Internet', access: 'Allow', priority: 200, direction: 'Inbound' });
        const shape = r.weighted([['closed', 6], ['ssh-open', 1], ['rdp-list', 1], ['deny-first', 1], ['range', 1], ['rdp-udp', 1], ['icmp', 1]] as const);
        if (shape === 'ssh-open') add('allow-ssh', { protocol: 'Tcp', destinationPortRange: '22', sourceAddressPrefix: '*', access: 'Allow', priority: 300, direction: 'Inbound' });
        if (shape === 'rdp-list') add('allow-mgmt', { protocol: '*', destinationPortRange: '', destinationPortRanges: ['443', '3389'], sourceAddressPrefix: '0.0.0.0/0', access: 'Allow', priority: 310, direction: 'Inbound' });
        if (shape === 'deny-first') {
          add('deny-ssh', { protocol: 'Tcp', destinationPortRange: '22', sourceAddressPrefix: 'Internet', access: 'Deny', priority: 100, direction: 'Inbound' });
          add('allow-ssh-later', { protocol: 'Tcp', destinationPortRange: '22', sourceAddressPrefix: '*', access: 'Allow', priority: 400, direction: 'Inbound' });
        }
        // RDP over UDP (RDP Shortpath, 3389/udp) open to the internet; ICMP from anywhere carries no ports.
        if (shape === 'rdp-udp') add('allow-rdp-udp', { protocol: 'Udp', destinationPortRange: '3389', sourceAddressPrefix: 'Internet', access: 'Allow', priority: 330, direction: 'Inbound' });
        if (shape === 'icmp') add('allow-ping', { protocol: 'Icmp', destinationPortRange: '*', sourceAddressPrefix: '*', access: 'Allow', priority: 340, direction: 'Inbound' });
        if (shape === 'range') add('allow-legacy', { protocol: 'Tcp', destinationPortRange: '20-30', sourceAddressPrefix: 'Any', access: 'Allow', priority: 320, direction: 'Inbound' });
        add('allow-out-ssh', { protocol: 'Tcp', destinationPortRange: '22', sourceAddressPrefix: '*', access: 'Allow', priority: 500, direction: 'Outbound' });
        return { ...base, etag: `W/"${r.hex(8)}"`, properties: { provisioningState: 'Succeeded', resourceGuid: uuid(r), securityRules: rules, defaultSecurityRules: defaultRules(id) } };
      }
      case DISK: {
        const cmk = r.chance(0.2);
        return {
          ...base,
          sku: { name: r.pick(['Premium_LRS', 'StandardSSD_LRS', 'Standard_LRS'] as const), tier: 'Premium' },
          properties: {
            creationData: { createOption: 'Empty' },
            diskSizeGB: r.pick([32, 64, 128, 512] as const),
            encryption: cmk
              ? { type: 'EncryptionAtRestWithCustomerKey', diskEncryptionSetId: `/subscriptions/${cell.subscription}/resourceGroups/rg-keys/providers/Microsoft.Compute/diskEncryptionSets/des-${cell.location}` }
              : { type: 'EncryptionAtRestWithPlatformKey' },
            networkAccessPolicy: 'AllowAll',
            publicNetworkAccess: 'Enabled',
            timeCreated: created,
            provisioningState: 'Succeeded',
            diskState: r.chance(0.7) ? 'Attached' : 'Unattached',
          },
        };
      }
      case SQL_SERVER:
        return {
          ...base,
          kind: 'v12.0',
          properties: {
            administratorLogin: 'sqladmin',
            version: '12.0',
            state: 'Ready',
            fullyQualifiedDomainName: `${name}.database.windows.net`,
            privateEndpointConnections: [],
            minimalTlsVersion: r.weighted([['1.2', 7], ['1.0', 1], ['1.1', 1], ['None', 1]] as const),
            publicNetworkAccess: r.chance(0.5) ? 'Enabled' : 'Disabled',
            restrictOutboundNetworkAccess: 'Disabled',
          },
        };
      case SQL_DATABASE:
        return {
          ...base,
          name: 'appdb',
          ...(this.isDedicatedSqlPool(cell, k)
            ? { kind: 'v12.0,user,datawarehouse,gen2', sku: { name: 'DW100c', tier: 'DataWarehouse' } }
            : { kind: 'v12.0,user', sku: { name: 'GP_Gen5', tier: 'GeneralPurpose', family: 'Gen5', capacity: 2 } }),
          properties: { collation: 'SQL_Latin1_General_CP1_CI_AS', status: 'Online', databaseId: uuid(r), creationDate: created, zoneRedundant: r.chance(0.4), requestedBackupStorageRedundancy: r.pick(['Geo', 'Local', 'Zone'] as const) },
        };
      case KEY_VAULT: {
        const purge = r.chance(0.6);
        return {
          ...base,
          properties: {
            sku: { family: 'A', name: 'standard' },
            tenantId: AZURE_SANDBOX_TENANT,
            accessPolicies: [],
            enabledForDeployment: false,
            enableSoftDelete: true,
            softDeleteRetentionInDays: 90,
            // ARM omits enablePurgeProtection until it is turned on (it cannot be turned off again).
            ...(purge ? { enablePurgeProtection: true } : {}),
            enableRbacAuthorization: r.chance(0.7),
            vaultUri: `https://${name}.vault.azure.net/`,
            provisioningState: 'Succeeded',
            // ARM leaves networkAcls out until a firewall is configured (the vault then accepts every network).
            ...this.vaultNetwork(r),
          },
        };
      }
      case ACTIVITY_LOG_ALERT:
        if (k === 1) return { ...base, location: 'global', properties: securityOperationsAlert(cell.subscription) };
        return {
          ...base,
          location: 'global',
          properties: {
            scopes: [`/subscriptions/${cell.subscription}`],
            condition: { allOf: [{ field: 'category', equals: 'ServiceHealth' }, { anyOf: [{ field: 'properties.incidentType', equals: 'Incident' }, { field: 'properties.incidentType', equals: 'Maintenance' }] }] },
            actions: { actionGroups: [{ actionGroupId: `/subscriptions/${cell.subscription}/resourceGroups/rg-ops/providers/microsoft.insights/actionGroups/ops-oncall`, webhookProperties: {} }] },
            enabled: true,
            description: 'Service Health incidents and maintenance in Japan East / Japan West',
          },
        };
      case VIRTUAL_MACHINE: {
        const windows = r.chance(0.3);
        const patchMode = windows ? r.weighted([['AutomaticByPlatform', 4], ['AutomaticByOS', 3], ['Manual', 2]] as const) : r.weighted([['AutomaticByPlatform', 5], ['ImageDefault', 4]] as const);
        const patchSettings = { patchMode, assessmentMode: r.chance(0.6) ? 'AutomaticByPlatform' : 'ImageDefault', ...(patchMode === 'AutomaticByPlatform' ? { automaticByPlatformSettings: { rebootSetting: 'IfRequired' } } : {}) };
        return {
          ...base,
          ...(r.chance(0.5) ? { zones: [r.pick(['1', '2', '3'] as const)] } : {}),
          properties: {
            vmId: uuid(r),
            hardwareProfile: { vmSize: r.pick(['Standard_D2s_v5', 'Standard_D4s_v5', 'Standard_B2ms'] as const) },
            storageProfile: {
              imageReference: windows ? { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter-azure-edition', version: 'latest' } : { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' },
              osDisk: { osType: windows ? 'Windows' : 'Linux', name: `${name}-osdisk`, createOption: 'FromImage', caching: 'ReadWrite', managedDisk: { storageAccountType: 'Premium_LRS' }, deleteOption: 'Delete', diskSizeGB: windows ? 127 : 30 },
              dataDisks: [],
            },
            osProfile: windows
              ? { computerName: name.slice(0, 15), adminUsername: 'azureuser', windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: patchMode !== 'Manual', patchSettings }, secrets: [], allowExtensionOperations: true }
              : { computerName: name, adminUsername: 'azureuser', linuxConfiguration: { disablePasswordAuthentication: true, provisionVMAgent: true, patchSettings }, secrets: [], allowExtensionOperations: true },
            networkProfile: { networkInterfaces: [{ id: `/subscriptions/${cell.subscription}/resourceGroups/${this.resourceGroup(cell, k)}/providers/Microsoft.Network/networkInterfaces/${name}-nic` }] },
            provisioningState: 'Succeeded',
            timeCreated: created,
          },
        };
      }
      case VM_SCALE_SET:
        return { ...base, ...this.scaleSet(cell, r, name, created) };
      case APP_GATEWAY: {
        const shape = r.weighted([['waf-policy', 4], ['waf-config', 2], ['waf-detection', 1], ['standard', 2]] as const);
        const waf = shape !== 'standard';
        return {
          ...base,
          ...(r.chance(0.6) ? { zones: ['1', '2', '3'] } : {}),
          properties: {
            provisioningState: 'Succeeded',
            operationalState: 'Running',
            sku: { name: waf ? 'WAF_v2' : 'Standard_v2', tier: waf ? 'WAF_v2' : 'Standard_v2', capacity: 2 },
            gatewayIPConfigurations: [{ name: 'appGatewayIpConfig', id: `${id}/gatewayIPConfigurations/appGatewayIpConfig`, properties: { subnet: { id: `/subscriptions/${cell.subscription}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-${cell.location}/subnets/agw` } } }],
            sslPolicy: { policyType: 'Predefined', policyName: 'AppGwSslPolicy20220101' },
            ...(shape === 'waf-policy' ? { firewallPolicy: { id: `/subscriptions/${cell.subscription}/resourceGroups/rg-net/providers/Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/waf-${cell.location}` } } : {}),
            ...(shape === 'waf-config' || shape === 'waf-detection'
              ? { webApplicationFirewallConfiguration: { enabled: true, firewallMode: shape === 'waf-config' ? 'Prevention' : 'Detection', ruleSetType: 'OWASP', ruleSetVersion: '3.2', disabledRuleGroups: [], requestBodyCheck: true, maxRequestBodySizeInKb: 128, fileUploadLimitInMb: 100 } }
              : {}),
          },
        };
      }
      case WAF_POLICY: {
        const state = r.weighted([['prevention', 6], ['detection', 2], ['disabled', 1]] as const);
        return {
          ...base,
          properties: {
            provisioningState: 'Succeeded',
            resourceState: 'Enabled',
            policySettings: { state: state === 'disabled' ? 'Disabled' : 'Enabled', mode: state === 'prevention' ? 'Prevention' : 'Detection', requestBodyCheck: true, maxRequestBodySizeInKb: 128, fileUploadLimitInMb: 100 },
            customRules: [],
            managedRules: { managedRuleSets: [{ ruleSetType: 'OWASP', ruleSetVersion: '3.2', ruleGroupOverrides: [] }], exclusions: [] },
            applicationGateways: [],
          },
        };
      }
      case METRIC_ALERT:
        return {
          ...base,
          location: 'global',
          properties: {
            description: 'CPU above 90% for 15 minutes',
            severity: 2,
            enabled: k === 0 || r.chance(0.8),
            scopes: [`/subscriptions/${cell.subscription}`],
            evaluationFrequency: 'PT5M',
            windowSize: 'PT15M',
            targetResourceType: 'Microsoft.Compute/virtualMachines',
            targetResourceRegion: 'japaneast',
            criteria: { 'odata.type': 'Microsoft.Azure.Monitor.MultipleResourceMultipleMetricCriteria', allOf: [{ criterionType: 'StaticThresholdCriterion', name: 'cpu', metricName: 'Percentage CPU', metricNamespace: 'Microsoft.Compute/virtualMachines', operator: 'GreaterThan', threshold: 90, timeAggregation: 'Average', dimensions: [] }] },
            autoMitigate: true,
            actions: [{ actionGroupId: `/subscriptions/${cell.subscription}/resourceGroups/rg-ops/providers/microsoft.insights/actionGroups/ops-oncall`, webHookProperties: {} }],
          },
        };
      case RECOVERY_VAULT:
        return {
          ...base,
          sku: { name: 'RS0', tier: 'Standard' },
          properties: {
            provisioningState: 'Succeeded',
            privateEndpointStateForBackup: 'None',
            privateEndpointStateForSiteRecovery: 'None',
            publicNetworkAccess: 'Enabled',
            redundancySettings: { standardTierStorageRedundancy: 'GeoRedundant', crossRegionRestore: 'Enabled' },
            securitySettings: { immutabilitySettings: { state: 'Unlocked' }, softDeleteSettings: { softDeleteState: 'Enabled', softDeleteRetentionPeriodInDays: 14 } },
          },
        };
      case VIRTUAL_NETWORK: {
        // Virtual Networks - Get (2024-05-01): subnets inline, each with properties.networkSecurityGroup.id when one is associated.
        // GatewaySubnet takes no NSG (VPN gateways do not support one on it).
        const nsgOf = (subnet: string): Json => ({ networkSecurityGroup: { id: `/subscriptions/${cell.subscription}/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-${subnet}` } });
        const subnet = (subnetName: string, prefix: string, withNsg: boolean): Json => ({
          name: subnetName,
          id: `${id}/subnets/${subnetName}`,
          type: 'Microsoft.Network/virtualNetworks/subnets',
          properties: { provisioningState: 'Succeeded', addressPrefix: prefix, ...(withNsg ? nsgOf(subnetName) : {}), delegations: [], privateEndpointNetworkPolicies: 'Disabled', privateLinkServiceNetworkPolicies: 'Enabled' },
        });
        return {
          ...base,
          properties: {
            provisioningState: 'Succeeded',
            resourceGuid: uuid(r),
            addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
            subnets: [subnet('app', '10.0.1.0/24', true), subnet('data', '10.0.2.0/24', cell.subscriptionIndex === 0), subnet('GatewaySubnet', '10.0.255.0/27', false)],
            virtualNetworkPeerings: [],
            enableDdosProtection: false,
          },
        };
      }
      case NETWORK_WATCHER:
        return { ...base, etag: `W/"${r.hex(8)}"`, properties: { provisioningState: 'Succeeded' } };
      case LOG_WORKSPACE:
        return {
          ...base,
          properties: {
            provisioningState: 'Succeeded',
            customerId: uuid(r),
            sku: { name: 'PerGB2018', lastSkuUpdate: created },
            retentionInDays: cell.subscriptionIndex === 0 ? 730 : 30,
            features: { legacy: 0, searchVersion: 1, enableLogAccessUsingOnlyResourcePermissions: true },
            workspaceCapping: { dailyQuotaGb: -1, dataIngestionStatus: 'RespectQuota' },
            publicNetworkAccessForIngestion: 'Enabled',
            publicNetworkAccessForQuery: 'Enabled',
            createdDate: created,
          },
        };
      default: {
        const body = this.dataStore(cell, r, id, name, created);
        if (!body) throw new Error(`sandbox azure estate: no generator for ${cell.type}`);
        return { ...base, ...body };
      }
    }
  }

  /**
   * A scale set's body beyond the identity fields. Uniform scale sets patch by automatic OS image
   * upgrades (or, on Windows, by Windows Update: enableAutomaticUpdates defaults to true) or not at all;
   * Flexible ones by guest patch orchestration, and some only group VMs created on their own (no VM
   * profile). A few are built from a specialized image and have no osProfile.
   */
  private scaleSet(cell: AzureCell, r: Rng, name: string, created: string): Json {
    const flexible = r.chance(0.35);
    const windows = r.chance(0.3);
    const subnet = `/subscriptions/${cell.subscription}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-${cell.location}/subnets/app`;
    const sku = { name: r.pick(['Standard_D2s_v5', 'Standard_D4s_v5', 'Standard_B2ms'] as const), tier: 'Standard', capacity: r.int(2, 6) };
    const zones = r.chance(0.6) ? { zones: ['1', '2', '3'] } : {};
    if (flexible && r.chance(0.2)) {
      return { ...zones, properties: { orchestrationMode: 'Flexible', platformFaultDomainCount: 1, singlePlacementGroup: false, provisioningState: 'Succeeded', uniqueId: uuid(r), timeCreated: created } };
    }
    const patchMode = flexible
      ? windows
        ? r.weighted([['AutomaticByPlatform', 4], ['AutomaticByOS', 2], ['Manual', 2]] as const)
        : r.weighted([['AutomaticByPlatform', 5], ['ImageDefault', 3]] as const)
      : windows
        ? r.weighted([['AutomaticByOS', 3], ['Manual', 2]] as const)
        : 'ImageDefault';
    const autoUpgrade = !flexible && r.chance(windows ? 0.3 : 0.5);
    const specialized = r.chance(0.08);
    const patchSettings = { patchMode, assessmentMode: patchMode === 'AutomaticByPlatform' ? 'AutomaticByPlatform' : 'ImageDefault', ...(patchMode === 'AutomaticByPlatform' ? { automaticByPlatformSettings: { rebootSetting: 'IfRequired' } } : {}) };
    const osProfile = windows
      ? { computerNamePrefix: name.slice(0, 9), adminUsername: 'azureuser', windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: !autoUpgrade && patchMode !== 'Manual', ...(flexible || patchMode === 'Manual' ? { patchSettings } : {}) }, secrets: [], allowExtensionOperations: true, requireGuestProvisionSignal: true }
      : { computerNamePrefix: name, adminUsername: 'azureuser', linuxConfiguration: { disablePasswordAuthentication: true, provisionVMAgent: true, patchSettings, enableVMAgentPlatformUpdates: false }, secrets: [], allowExtensionOperations: true, requireGuestProvisionSignal: true };
    const image = specialized
      ? { id: `/subscriptions/${cell.subscription}/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gallery/images/${windows ? 'win' : 'linux'}-specialized/versions/1.0.0` }
      : windows
        ? { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter-azure-edition', version: 'latest' }
        : { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' };
    const upgradeMode = autoUpgrade ? 'Rolling' : r.pick(['Manual', 'Automatic'] as const);
    return {
      sku,
      ...zones,
      properties: {
        orchestrationMode: flexible ? 'Flexible' : 'Uniform',
        ...(flexible ? { platformFaultDomainCount: 1, singlePlacementGroup: false } : { overprovision: true, doNotRunExtensionsOnOverprovisionedVMs: false, singlePlacementGroup: false }),
        upgradePolicy: {
          mode: upgradeMode,
          ...(upgradeMode === 'Rolling' ? { rollingUpgradePolicy: { maxBatchInstancePercent: 20, maxUnhealthyInstancePercent: 20, maxUnhealthyUpgradedInstancePercent: 20, pauseTimeBetweenBatches: 'PT0S', maxSurge: false, rollbackFailedInstancesOnPolicyBreach: false } } : {}),
          ...(flexible ? {} : { automaticOSUpgradePolicy: { enableAutomaticOSUpgrade: autoUpgrade, disableAutomaticRollback: false, useRollingUpgradePolicy: false } }),
        },
        virtualMachineProfile: {
          ...(specialized ? {} : { osProfile }),
          storageProfile: {
            imageReference: image,
            osDisk: { osType: windows ? 'Windows' : 'Linux', createOption: 'FromImage', caching: 'ReadWrite', managedDisk: { storageAccountType: 'Premium_LRS' }, diskSizeGB: windows ? 127 : 30 },
            dataDisks: [],
          },
          networkProfile: {
            ...(flexible ? { networkApiVersion: '2020-11-01' } : {}),
            networkInterfaceConfigurations: [
              { name: `${name}-nic`, properties: { primary: true, enableAcceleratedNetworking: false, disableTcpStateTracking: false, dnsSettings: { dnsServers: [] }, enableIPForwarding: false, ipConfigurations: [{ name: `${name}-ipconfig`, properties: { primary: true, subnet: { id: subnet }, privateIPAddressVersion: 'IPv4' } }] } },
            ],
          },
          ...(upgradeMode === 'Rolling'
            ? { extensionProfile: { extensions: [{ name: 'HealthExtension', properties: { autoUpgradeMinorVersion: true, publisher: 'Microsoft.ManagedServices', type: windows ? 'ApplicationHealthWindows' : 'ApplicationHealthLinux', typeHandlerVersion: '2.0', settings: { protocol: 'http', port: 80, requestPath: '/healthz' } } }] } }
            : {}),
        },
        provisioningState: 'Succeeded',
        uniqueId: uuid(r),
        timeCreated: created,
      },
    };
  }

  /**
   * The data stores of the register: the body beyond the identity fields, in the shapes of the REST API examples
   * (Azure/azure-rest-api-specs; Cosmos DB 2024-11-15 DatabaseAccountGet, Web 2024-04-01 GetWebApp, MySQL flexible
   * 2023-12-30 ServerGet, and the ARM template reference of each type). Each family has compliant and
   * non-compliant items: replicas abroad, HTTP or non-TLS ports, old minimum TLS versions, missing settings.
   */
  private dataStore(cell: AzureCell, r: Rng, id: string, name: string, created: string): Json | undefined {
    const sub = cell.subscription;
    const here = DISPLAY_NAMES[cell.location] ?? cell.location;
    const tls = (): string => r.weighted([['1.2', 7], ['1.0', 2], ['1.1', 1]] as const);
    switch (cell.type) {
      case SNAPSHOT: {
        const copied = r.chance(0.3);
        return {
          sku: { name: 'Standard_ZRS', tier: 'Standard' },
          properties: {
            creationData: copied
              ? { createOption: 'CopyStart', sourceResourceId: `/subscriptions/${sub}/resourceGroups/rg-japaneast-0/providers/${SNAPSHOT}/snap-source` }
              : { createOption: 'Copy', sourceResourceId: `/subscriptions/${sub}/resourceGroups/rg-${cell.location}-0/providers/${DISK}/disk-source` },
            diskSizeGB: r.pick([32, 64, 128] as const),
            incremental: true,
            encryption: r.chance(0.2) ? { type: 'EncryptionAtRestWithCustomerKey', diskEncryptionSetId: `/subscriptions/${sub}/resourceGroups/rg-keys/providers/Microsoft.Compute/diskEncryptionSets/des-${cell.location}` } : { type: 'EncryptionAtRestWithPlatformKey' },
            provisioningState: 'Succeeded',
            timeCreated: created,
          },
        };
      }
      case IMAGE:
        return {
          properties: {
            storageProfile: { osDisk: { osType: 'Linux', osState: 'Generalized', managedDisk: { id: `/subscriptions/${sub}/resourceGroups/rg-${cell.location}-0/providers/${DISK}/disk-golden` }, caching: 'ReadWrite', storageAccountType: 'Standard_LRS' }, dataDisks: [], zoneResilient: true },
            hyperVGeneration: 'V2',
            provisioningState: 'Succeeded',
          },
        };
      case GALLERY:
        return { properties: { description: 'golden images', identifier: { uniqueName: `${sub}-${name.toUpperCase()}` }, provisioningState: 'Succeeded' } };
      case SQL_MANAGED_INSTANCE:
        return {
          sku: { name: 'GP_Gen5', tier: 'GeneralPurpose', family: 'Gen5', capacity: 8 },
          properties: {
            provisioningState: 'Succeeded',
            administratorLogin: 'dbadmin',
            subnetId: `/subscriptions/${sub}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-${cell.location}/subnets/sqlmi`,
            state: 'Ready',
            licenseType: 'LicenseIncluded',
            vCores: 8,
            storageSizeInGB: 256,
            publicDataEndpointEnabled: false,
            minimalTlsVersion: tls(),
            requestedBackupStorageRedundancy: 'Geo',
          },
        };
      case POSTGRES_FLEXIBLE:
      case MYSQL_FLEXIBLE: {
        const postgres = cell.type === POSTGRES_FLEXIBLE;
        return {
          sku: { name: 'Standard_D2ds_v4', tier: 'GeneralPurpose' },
          properties: {
            administratorLogin: 'cloudsa',
            storage: postgres ? { storageSizeGB: 128, autoGrow: 'Disabled', tier: 'P10' } : { storageSizeGB: 100, iops: 600, autoGrow: 'Enabled', autoIoScaling: 'Enabled', storageSku: 'Premium_LRS' },
            version: postgres ? r.pick(['14', '16'] as const) : r.pick(['5.7', '8.0.21'] as const),
            state: 'Ready',
            fullyQualifiedDomainName: `${name}.${postgres ? 'postgres' : 'mysql'}.database.azure.com`,
            availabilityZone: '1',
            replicationRole: postgres ? 'Primary' : 'None',
            network: { publicNetworkAccess: r.chance(0.5) ? 'Enabled' : 'Disabled' },
            backup: { backupRetentionDays: 7, geoRedundantBackup: r.chance(0.4) ? 'Enabled' : 'Disabled', earliestRestoreDate: created },
            highAvailability: { mode: 'Disabled', state: 'NotEnabled' },
            ...(postgres ? { dataEncryption: { type: 'SystemManaged' } } : {}),
          },
        };
      }
      case POSTGRES_SINGLE:
      case MYSQL_SINGLE: {
        const enforced = r.chance(0.75);
        return {
          sku: { name: 'GP_Gen5_2', tier: 'GeneralPurpose', family: 'Gen5', capacity: 2 },
          properties: {
            administratorLogin: 'cloudsa',
            version: cell.type === POSTGRES_SINGLE ? '11' : '5.7',
            sslEnforcement: enforced ? 'Enabled' : 'Disabled',
            minimalTlsVersion: enforced ? r.weighted([['TLS1_2', 3], ['TLS1_0', 1]] as const) : 'TLSEnforcementDisabled',
            userVisibleState: 'Ready',
            fullyQualifiedDomainName: `${name}.${cell.type === POSTGRES_SINGLE ? 'postgres' : 'mysql'}.database.azure.com`,
            earliestRestoreDate: created,
            storageProfile: { backupRetentionDays: 7, geoRedundantBackup: 'Disabled', storageMB: 131072, storageAutogrow: 'Enabled' },
            publicNetworkAccess: 'Enabled',
          },
        };
      }
      case COSMOS_ACCOUNT: {
        const second = r.weighted([['none', 5], ['Japan West', 3], ['East US', 2]] as const);
        const regions = second === 'none' || second === here ? [here] : [here, second];
        const region = (locationName: string, failoverPriority: number): Json => ({ id: `${name}-${locationName.toLowerCase().replace(/ /g, '')}`, locationName, documentEndpoint: `https://${name}-${locationName.toLowerCase().replace(/ /g, '')}.documents.azure.com:443/`, provisioningState: 'Succeeded', failoverPriority, isZoneRedundant: false });
        return {
          kind: 'GlobalDocumentDB',
          properties: {
            provisioningState: 'Succeeded',
            documentEndpoint: `https://${name}.documents.azure.com:443/`,
            ipRules: [],
            isVirtualNetworkFilterEnabled: false,
            virtualNetworkRules: [],
            databaseAccountOfferType: 'Standard',
            disableKeyBasedMetadataWriteAccess: false,
            consistencyPolicy: { defaultConsistencyLevel: 'Session', maxIntervalInSeconds: 5, maxStalenessPrefix: 100 },
            writeLocations: [region(here, 0)],
            readLocations: regions.map(region),
            locations: regions.map(region),
            failoverPolicies: regions.map((locationName, failoverPriority) => ({ id: `${name}-${locationName.toLowerCase().replace(/ /g, '')}`, locationName, failoverPriority })),
            backupPolicy: { type: 'Periodic', periodicModeProperties: { backupIntervalInMinutes: 240, backupRetentionIntervalInHours: 8, backupStorageRedundancy: 'Geo' } },
            minimalTlsVersion: r.weighted([['Tls12', 8], ['Tls', 2]] as const),
            instanceId: uuid(r),
            createMode: 'Default',
          },
        };
      }
      case REDIS: {
        const legacy = r.chance(0.08);
        return {
          properties: {
            provisioningState: 'Succeeded',
            redisVersion: '6.0',
            sku: { name: 'Standard', family: 'C', capacity: 1 },
            enableNonSslPort: r.chance(0.15),
            ...(legacy ? {} : { minimumTlsVersion: tls() }),
            publicNetworkAccess: 'Enabled',
            hostName: `${name}.redis.cache.windows.net`,
            port: 6379,
            sslPort: 6380,
            linkedServers: [],
            instances: [{ sslPort: 15000, nonSslPort: 13000, isMaster: true, isPrimary: true }],
          },
        };
      }
      case REDIS_ENTERPRISE:
        return { sku: { name: 'Enterprise_E10', capacity: 2 }, zones: ['1', '2', '3'], properties: { provisioningState: 'Succeeded', resourceState: 'Running', hostName: `${name}.${cell.location}.redisenterprise.cache.azure.net`, minimumTlsVersion: '1.2', redisVersion: '7' } };
      case SERVICE_BUS:
      case EVENT_HUBS: {
        // Namespaces created with api-versions before 2022-01-01-preview may not report minimumTlsVersion.
        const old = r.chance(0.05);
        const endpoint = `https://${name}.servicebus.windows.net:443/`;
        return {
          sku: cell.type === SERVICE_BUS ? { name: 'Standard', tier: 'Standard' } : { name: 'Standard', tier: 'Standard', capacity: 1 },
          properties: {
            ...(old ? {} : { minimumTlsVersion: tls() }),
            provisioningState: 'Succeeded',
            status: 'Active',
            createdAt: created,
            updatedAt: created,
            serviceBusEndpoint: endpoint,
            metricId: `${sub}:${name}`,
            disableLocalAuth: false,
            zoneRedundant: true,
            publicNetworkAccess: 'Enabled',
            ...(cell.type === EVENT_HUBS ? { isAutoInflateEnabled: false, maximumThroughputUnits: 0, kafkaEnabled: true } : {}),
          },
        };
      }
      case SYNAPSE:
        return {
          identity: { type: 'SystemAssigned', principalId: uuid(r), tenantId: AZURE_SANDBOX_TENANT },
          properties: {
            defaultDataLakeStorage: { accountUrl: `https://st${name.replace(/-/g, '')}.dfs.core.windows.net`, filesystem: 'synapse' },
            managedResourceGroupName: `synapseworkspace-managedrg-${uuid(r)}`,
            provisioningState: 'Succeeded',
            connectivityEndpoints: { web: `https://web.azuresynapse.net?workspace=${encodeURIComponent(id)}`, dev: `https://${name}.dev.azuresynapse.net`, sql: `${name}.sql.azuresynapse.net` },
            encryption: { doubleEncryptionEnabled: false },
            publicNetworkAccess: 'Enabled',
          },
        };
      case DATA_FACTORY:
        return { identity: { type: 'SystemAssigned', principalId: uuid(r), tenantId: AZURE_SANDBOX_TENANT }, properties: { provisioningState: 'Succeeded', createTime: created, version: '2018-06-01', publicNetworkAccess: 'Enabled' } };
      case KUSTO:
        return {
          sku: { name: 'Standard_E8ads_v5', tier: 'Standard', capacity: 2 },
          properties: { state: 'Running', provisioningState: 'Succeeded', uri: `https://${name}.${cell.location}.kusto.windows.net`, dataIngestionUri: `https://ingest-${name}.${cell.location}.kusto.windows.net`, enableDiskEncryption: r.chance(0.5), enableStreamingIngest: false, enablePurge: false, publicNetworkAccess: 'Enabled' },
        };
      case DATABRICKS:
        return { sku: { name: 'premium' }, properties: { managedResourceGroupId: `/subscriptions/${sub}/resourceGroups/databricks-rg-${name}`, workspaceId: String(r.int(1_000_000, 9_999_999)), workspaceUrl: `adb-${r.int(1_000_000, 9_999_999)}.azuredatabricks.net`, provisioningState: 'Succeeded', createdDateTime: created } };
      case SEARCH:
        return { sku: { name: 'standard' }, properties: { replicaCount: 1, partitionCount: 1, hostingMode: 'default', publicNetworkAccess: 'enabled', status: 'running', provisioningState: 'succeeded', encryptionWithCmk: { enforcement: 'Unspecified', encryptionComplianceStatus: 'Compliant' } } };
      case WEB_SITE: {
        const functionApp = r.chance(0.3);
        const siteConfig = { numberOfWorkers: 1, netFrameworkVersion: 'v4.0', linuxFxVersion: functionApp ? 'Python|3.11' : 'NODE|20-lts', http20Enabled: r.chance(0.5), minTlsVersion: tls(), scmMinTlsVersion: '1.2', ftpsState: r.pick(['AllAllowed', 'FtpsOnly', 'Disabled'] as const), alwaysOn: !functionApp };
        return {
          kind: functionApp ? 'functionapp,linux' : 'app,linux',
          properties: {
            state: 'Running',
            hostNames: [`${name}.azurewebsites.net`],
            enabled: true,
            enabledHostNames: [`${name}.azurewebsites.net`, `${name}.scm.azurewebsites.net`],
            hostNameSslStates: [{ name: `${name}.azurewebsites.net`, sslState: 'Disabled', hostType: 'Standard' }],
            serverFarmId: `/subscriptions/${sub}/resourceGroups/rg-${cell.location}-0/providers/Microsoft.Web/serverfarms/plan-${cell.location}`,
            reserved: true,
            siteConfig,
            clientCertEnabled: false,
            defaultHostName: `${name}.azurewebsites.net`,
            httpsOnly: r.chance(0.8),
            redundancyMode: 'None',
            publicNetworkAccess: 'Enabled',
          },
        };
      }
      case API_MANAGEMENT: {
        const premium = r.chance(0.5);
        const extra = premium ? r.weighted([['none', 2], ['Japan West', 2], ['East Asia', 1]] as const) : 'none';
        return {
          sku: { name: premium ? 'Premium' : 'Developer', capacity: 1 },
          properties: {
            publisherEmail: 'api-owner@example.jp',
            publisherName: 'kansa sandbox',
            provisioningState: 'Succeeded',
            gatewayUrl: `https://${name}.azure-api.net`,
            ...(extra === 'none' || extra === here ? {} : { additionalLocations: [{ location: extra, sku: { name: 'Premium', capacity: 1 }, gatewayRegionalUrl: `https://${name}-${extra.toLowerCase().replace(/ /g, '')}-01.regional.azure-api.net`, disableGateway: false }] }),
            customProperties: { 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10': 'False', 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11': 'False' },
            virtualNetworkType: 'None',
            publicNetworkAccess: 'Enabled',
          },
        };
      }
      case CONTAINER_REGISTRY:
        return { sku: { name: 'Premium', tier: 'Premium' }, properties: { loginServer: `${name}.azurecr.io`, creationDate: created, provisioningState: 'Succeeded', adminUserEnabled: false, encryption: { status: 'disabled' }, publicNetworkAccess: 'Enabled', zoneRedundancy: 'Enabled', dataEndpointEnabled: false } };
      case BACKUP_VAULT:
        return {
          identity: { type: 'SystemAssigned', principalId: uuid(r), tenantId: AZURE_SANDBOX_TENANT },
          properties: { provisioningState: 'Succeeded', storageSettings: [{ datastoreType: 'VaultStore', type: r.chance(0.5) ? 'GeoRedundant' : 'LocallyRedundant' }], securitySettings: { softDeleteSettings: { state: 'On', retentionDurationInDays: 14 } }, monitoringSettings: { azureMonitorAlertSettings: { alertsForAllJobFailures: 'Enabled' } } },
        };
      case GALLERY_IMAGE_VERSION: {
        const second = r.weighted([['none', 4], ['Japan West', 4], ['West US', 2]] as const);
        const regions = second === 'none' || second === here ? [here] : [here, second];
        return {
          properties: {
            publishingProfile: { targetRegions: regions.map((regionName) => ({ name: regionName, regionalReplicaCount: 1, storageAccountType: 'Standard_ZRS' })), replicaCount: 1, excludeFromLatest: false, publishedDate: created, storageAccountType: 'Standard_ZRS' },
            storageProfile: { source: { virtualMachineId: `/subscriptions/${sub}/resourceGroups/rg-${cell.location}-0/providers/${VIRTUAL_MACHINE}/vm-golden` }, osDiskImage: { sizeInGB: 30, hostCaching: 'ReadWrite' } },
            safetyProfile: { allowDeletionOfReplicatedLocations: false },
            provisioningState: 'Succeeded',
          },
        };
      }
      case REGISTRY_REPLICATION:
        return { properties: { provisioningState: 'Succeeded', status: { displayStatus: 'Ready', timestamp: created }, regionEndpointEnabled: true, zoneRedundancy: 'Disabled' } };
      case MANAGED_HSM:
        return { sku: { family: 'B', name: 'Standard_B1' }, properties: { tenantId: AZURE_SANDBOX_TENANT, hsmUri: `https://${name}.managedhsm.azure.net/`, enableSoftDelete: true, softDeleteRetentionInDays: 90, enablePurgeProtection: r.chance(0.7), provisioningState: 'Succeeded', publicNetworkAccess: 'Enabled' } };
      default:
        return undefined;
    }
  }

  /**
   * GET {flexible server}/configurations/{name} (MySQL flexible 2023-12-30 ConfigurationGet shape): require_secure_transport
   * (ON by default; some servers turned it off) and, on MySQL, tls_version (some still allow TLSv1 and TLSv1.1).
   * Undefined for a parameter the server type does not have (ARM answers 404).
   */
  serverParameter(cell: AzureCell, k: number, parameter: string): Json | undefined {
    const r = this.rng(cell, k, `parameter-${parameter}`);
    const mysql = cell.type === MYSQL_FLEXIBLE;
    let value: string;
    let allowed: string;
    if (parameter === 'require_secure_transport') {
      value = r.chance(0.85) ? (mysql ? 'ON' : 'on') : mysql ? 'OFF' : 'off';
      allowed = mysql ? 'ON,OFF' : 'on,off';
    } else if (parameter === 'tls_version' && mysql) {
      value = r.weighted([['TLSv1.2', 5], ['TLSv1.2,TLSv1.3', 3], ['TLSv1,TLSv1.1,TLSv1.2', 2]] as const);
      allowed = 'TLSv1,TLSv1.1,TLSv1.2,TLSv1.3';
    } else return undefined;
    const defaultValue = parameter === 'tls_version' ? 'TLSv1.2' : mysql ? 'ON' : 'on';
    return {
      id: `${this.idOf(cell, k)}/configurations/${parameter}`,
      name: parameter,
      type: `${cell.type}/configurations`,
      properties: { value, description: parameter === 'tls_version' ? 'Which protocols the server permits for encrypted connections.' : 'Whether client connections to the server are required to use some form of secure transport.', defaultValue, dataType: 'Enumeration', allowedValues: allowed, source: value === defaultValue ? 'system-default' : 'user-override', isConfigPendingRestart: 'False', isDynamicConfig: 'True', isReadOnly: 'False' },
    };
  }

  /** Some databases are dedicated SQL pools (formerly SQL DW), which have no long-term retention. */
  isDedicatedSqlPool(cell: AzureCell, k: number): boolean {
    return cell.type === SQL_DATABASE && this.rng(cell, k, 'edition').chance(0.1);
  }

  /** GET {database}/backupLongTermRetentionPolicies/default: PT0S is an unset period. */
  longTermRetentionPolicy(cell: AzureCell, k: number): Json {
    const shape = this.rng(cell, k, 'ltr').weighted([['off', 5], ['weekly', 2], ['full', 3]] as const);
    const periods =
      shape === 'full' ? { weeklyRetention: 'P4W', monthlyRetention: 'P12M', yearlyRetention: 'P5Y', weekOfYear: 1 } : shape === 'weekly' ? { weeklyRetention: 'P5W', monthlyRetention: 'PT0S', yearlyRetention: 'PT0S', weekOfYear: 0 } : { weeklyRetention: 'PT0S', monthlyRetention: 'PT0S', yearlyRetention: 'PT0S', weekOfYear: 0 };
    return { id: `${this.idOf(cell, k)}/backupLongTermRetentionPolicies/default`, name: 'default', type: 'Microsoft.Sql/servers/databases/backupLongTermRetentionPolicies', properties: periods };
  }

  /** Key Vault network settings: no firewall, a firewall defaulting to Deny, or private endpoints only. */
  private vaultNetwork(r: Rng): Json {
    const shape = r.weighted([['open', 4], ['firewall', 4], ['private', 2]] as const);
    if (shape === 'open') return { publicNetworkAccess: 'Enabled' };
    if (shape === 'private') return { publicNetworkAccess: 'Disabled' };
    return { publicNetworkAccess: 'Enabled', networkAcls: { bypass: 'AzureServices', defaultAction: 'Deny', ipRules: [{ value: '203.0.113.0/24' }], virtualNetworkRules: [] } };
  }

  /**
   * GET {watcher}/flowLogs (learn.microsoft.com/rest/api/network-watcher/flow-logs/list): a virtual-network flow log
   * kept 90 days, targeting the subscription's virtual network in the watcher's region (the watchers' only one), and
   * an NSG flow log kept 7.
   */
  flowLogs(cell: AzureCell, k: number): Json[] {
    const watcher = this.idOf(cell, k);
    const rgNet = `/subscriptions/${cell.subscription}/resourceGroups/rg-net/providers`;
    const network = this.cells.find((c) => c.type === VIRTUAL_NETWORK && c.subscription === cell.subscription && c.location === cell.location && c.count > 0);
    const flowLog = (name: string, target: string, days: number): Json => ({
      id: `${watcher}/flowLogs/${name}`,
      name,
      type: 'Microsoft.Network/networkWatchers/flowLogs',
      location: cell.location,
      properties: {
        targetResourceId: target,
        storageId: `${rgNet}/Microsoft.Storage/storageAccounts/stflowlogs`,
        enabled: true,
        retentionPolicy: { days, enabled: true },
        format: { type: 'JSON', version: 2 },
        provisioningState: 'Succeeded',
      },
    });
    return [...(network ? [flowLog('vnet-flows', this.idOf(network, 0), 90)] : []), flowLog('nsg-flows', `${rgNet}/Microsoft.Network/networkSecurityGroups/nsg-app`, 7)];
  }

  /**
   * GET {server}/firewallRules (learn.microsoft.com/rest/api/sql/firewall-rules/list-by-server): the Azure-services
   * rule (0.0.0.0–0.0.0.0) on most servers, an office range on some, an all-addresses rule on a few.
   */
  firewallRules(cell: AzureCell, k: number): Json[] {
    const r = this.rng(cell, k, 'firewall');
    const server = this.idOf(cell, k);
    const rule = (name: string, start: string, end: string): Json => ({ id: `${server}/firewallRules/${name}`, name, type: 'Microsoft.Sql/servers/firewallRules', properties: { startIpAddress: start, endIpAddress: end } });
    return [
      ...(r.chance(0.7) ? [rule('AllowAllWindowsAzureIps', '0.0.0.0', '0.0.0.0')] : []),
      ...(r.chance(0.5) ? [rule('office', '203.0.113.0', '203.0.113.255')] : []),
      ...(r.chance(0.3) ? [rule('AllowAll', '0.0.0.0', '255.255.255.255')] : []),
    ];
  }

  /** GET {server}/auditingSettings/default. */
  auditingSettings(cell: AzureCell, k: number): Json {
    const on = this.rng(cell, k, 'audit').chance(0.75);
    return {
      id: `${this.idOf(cell, k)}/auditingSettings/Default`,
      name: 'Default',
      type: 'Microsoft.Sql/servers/auditingSettings',
      properties: { state: on ? 'Enabled' : 'Disabled', retentionDays: on ? 90 : 0, auditActionsAndGroups: on ? ['SUCCESSFUL_DATABASE_AUTHENTICATION_GROUP', 'FAILED_DATABASE_AUTHENTICATION_GROUP', 'BATCH_COMPLETED_GROUP'] : [], isAzureMonitorTargetEnabled: on, isStorageSecondaryKeyInUse: false },
    };
  }

  /** GET {database}/transparentDataEncryption/current. */
  transparentDataEncryption(cell: AzureCell, k: number): Json {
    const on = this.rng(cell, k, 'tde').chance(0.9);
    return { id: `${this.idOf(cell, k)}/transparentDataEncryption/Current`, name: 'Current', type: 'Microsoft.Sql/servers/databases/transparentDataEncryption', properties: { state: on ? 'Enabled' : 'Disabled' } };
  }

  /** GET {storage account}/blobServices/default. */
  blobServices(cell: AzureCell, k: number): Json {
    const r = this.rng(cell, k, 'blob');
    const softDelete = r.chance(0.6);
    return {
      id: `${this.idOf(cell, k)}/blobServices/default`,
      name: 'default',
      type: 'Microsoft.Storage/storageAccounts/blobServices',
      sku: { name: 'Standard_LRS', tier: 'Standard' },
      properties: { cors: { corsRules: [] }, deleteRetentionPolicy: softDelete ? { allowPermanentDelete: false, enabled: true, days: 14 } : { allowPermanentDelete: false, enabled: false }, isVersioningEnabled: r.chance(0.4) },
    };
  }

  /** Diagnostic settings of a resource (key vaults: some send AuditEvent logs, some nothing). */
  resourceDiagnosticSettings(cell: AzureCell, k: number): Json[] {
    const r = this.rng(cell, k, 'diag');
    if (!r.chance(0.6)) return [];
    const parent = this.idOf(cell, k);
    return [
      {
        id: `${parent}/providers/microsoft.insights/diagnosticSettings/to-law`,
        type: 'Microsoft.Insights/diagnosticSettings',
        name: 'to-law',
        location: null,
        properties: {
          workspaceId: `/subscriptions/${cell.subscription}/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/law-${cell.location}`,
          logs: [{ category: null, categoryGroup: 'audit', enabled: r.chance(0.9), retentionPolicy: { enabled: false, days: 0 } }],
          metrics: [{ category: 'AllMetrics', enabled: true, retentionPolicy: { enabled: false, days: 0 } }],
          logAnalyticsDestinationType: null,
        },
      },
    ];
  }

  /** Plans whose tier was changed after the estate was generated (subscription/plan → tier). */
  private readonly pricingTiers = new Map<string, 'Free' | 'Standard'>();

  /**
   * Changes a Defender plan's tier, as `PUT {subscription}/providers/Microsoft.Security/pricings/{plan}` does
   * (https://learn.microsoft.com/rest/api/defenderforcloud/pricings/update): the next list shows the new tier.
   * The sandbox's way to make its estate drift (the demo downgrades a plan after its first snapshot).
   */
  setPricingTier(subscription: string, plan: string, tier: 'Free' | 'Standard'): void {
    if (!this.subscriptions.includes(subscription)) throw new Error(`sandbox: subscription ${subscription} is not part of the estate`);
    this.pricingTiers.set(`${subscription}/${plan}`, tier);
  }

  /**
   * Defender for Cloud plans of a subscription (GET {subscription}/providers/Microsoft.Security/pricings):
   * the first subscription runs the key plans on Standard, the others leave servers and SQL on Free.
   */
  subscriptionPricings(subscription: string): Json[] {
    const index = this.subscriptions.indexOf(subscription);
    const plans = ['VirtualMachines', 'SqlServers', 'StorageAccounts', 'KeyVaults', 'Arm', 'AppServices', 'Containers', 'CloudPosture'];
    return plans.map((plan, i) => {
      const set = this.pricingTiers.get(`${subscription}/${plan}`);
      const standard = set !== undefined ? set === 'Standard' : index === 0 ? plan !== 'AppServices' : ['StorageAccounts', 'KeyVaults', 'CloudPosture'].includes(plan);
      return {
        id: `/subscriptions/${subscription}/providers/Microsoft.Security/pricings/${plan}`,
        name: plan,
        type: SECURITY_PRICING,
        properties: standard
          ? { pricingTier: 'Standard', ...(plan === 'VirtualMachines' ? { subPlan: 'P2' } : plan === 'StorageAccounts' ? { subPlan: 'DefenderForStorageV2' } : {}), freeTrialRemainingTime: 'PT0S', enablementTime: new Date(Date.UTC(2024, 3, 1 + i)).toISOString(), deprecated: false }
          : { pricingTier: 'Free', freeTrialRemainingTime: 'P30D', deprecated: false },
      };
    });
  }

  /**
   * Defender for Cloud security contacts (GET {subscription}/providers/Microsoft.Security/securityContacts,
   * 2023-12-01-preview): the first subscription mails alerts of Medium severity and above to the security team,
   * the second has a contact with alert notifications off, the others none.
   */
  securityContacts(subscription: string): Json[] {
    const index = this.subscriptions.indexOf(subscription);
    if (index < 0 || index > 1) return [];
    return [
      {
        id: `/subscriptions/${subscription}/providers/Microsoft.Security/securityContacts/default`,
        name: 'default',
        type: 'Microsoft.Security/securityContacts',
        properties: {
          emails: 'security@example.jp;soc@example.jp',
          phone: '',
          isEnabled: true,
          notificationsByRole: { state: 'On', roles: ['Owner'] },
          notificationsSources: index === 0 ? [{ sourceType: 'Alert', minimalSeverity: 'Medium' }, { sourceType: 'AttackPath', minimalRiskLevel: 'Critical' }] : [],
        },
      },
    ];
  }

  /** Subscription diagnostic settings (activity-log export): the last subscription exports nothing. */
  subscriptionDiagnosticSettings(subscription: string): Json[] {
    const index = this.subscriptions.indexOf(subscription);
    if (index < 0 || (this.subscriptions.length > 1 && index === this.subscriptions.length - 1)) return [];
    return [
      {
        // ARM really returns this id without the leading slash.
        id: `subscriptions/${subscription}/providers/microsoft.insights/diagnosticSettings/activity-to-law`,
        type: 'Microsoft.Insights/diagnosticSettings',
        name: 'activity-to-law',
        location: 'global',
        properties: {
          workspaceId: `/subscriptions/${subscription}/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/law-japaneast`,
          logs: ['Administrative', 'Security', 'ServiceHealth', 'Alert', 'Recommendation', 'Policy', 'Autoscale', 'ResourceHealth'].map((category) => ({ category, enabled: true, categoryGroup: null })),
        },
      },
    ];
  }
}

/** Operations the CIS benchmark (and Prowler's monitor_alert_* checks) want an activity-log alert on. */
export const SECURITY_OPERATIONS: readonly string[] = [
  'Microsoft.Authorization/policyAssignments/write',
  'Microsoft.Authorization/policyAssignments/delete',
  'Microsoft.Network/networkSecurityGroups/write',
  'Microsoft.Network/networkSecurityGroups/delete',
  'Microsoft.Security/securitySolutions/write',
  'Microsoft.Security/securitySolutions/delete',
  'Microsoft.Sql/servers/firewallRules/write',
  'Microsoft.Sql/servers/firewallRules/delete',
  'Microsoft.Network/publicIPAddresses/write',
  'Microsoft.Network/publicIPAddresses/delete',
];

/** An Administrative activity-log alert on every security operation (Activity Log Alerts 2020-10-01: anyOf inside allOf). */
function securityOperationsAlert(subscription: string): Json {
  return {
    scopes: [`/subscriptions/${subscription}`],
    condition: { allOf: [{ field: 'category', equals: 'Administrative' }, { anyOf: SECURITY_OPERATIONS.map((operation) => ({ field: 'operationName', equals: operation })) }] },
    actions: { actionGroups: [{ actionGroupId: `/subscriptions/${subscription}/resourceGroups/rg-ops/providers/microsoft.insights/actionGroups/soc`, webhookProperties: {} }] },
    enabled: true,
    description: 'Security-relevant administrative operations',
  };
}

function uuid(r: Rng): string {
  const h = r.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function defaultRules(nsgId: string): Json[] {
  const rule = (name: string, direction: string, priority: number, access: string, source: string, destination: string, description: string): Json => ({
    name,
    id: `${nsgId}/defaultSecurityRules/${name}`,
    type: 'Microsoft.Network/networkSecurityGroups/defaultSecurityRules',
    properties: { provisioningState: 'Succeeded', description, protocol: '*', sourcePortRange: '*', destinationPortRange: '*', sourceAddressPrefix: source, destinationAddressPrefix: destination, access, priority, direction, sourcePortRanges: [], destinationPortRanges: [], sourceAddressPrefixes: [], destinationAddressPrefixes: [] },
  });
  return [
    rule('AllowVnetInBound', 'Inbound', 65000, 'Allow', 'VirtualNetwork', 'VirtualNetwork', 'Allow inbound traffic from all VMs in VNET'),
    rule('AllowAzureLoadBalancerInBound', 'Inbound', 65001, 'Allow', 'AzureLoadBalancer', '*', 'Allow inbound traffic from azure load balancer'),
    rule('DenyAllInBound', 'Inbound', 65500, 'Deny', '*', '*', 'Deny all inbound traffic'),
    rule('AllowVnetOutBound', 'Outbound', 65000, 'Allow', 'VirtualNetwork', 'VirtualNetwork', 'Allow outbound traffic from all VMs to all VMs in VNET'),
    rule('AllowInternetOutBound', 'Outbound', 65001, 'Allow', '*', 'Internet', 'Allow outbound traffic from all VMs to Internet'),
    rule('DenyAllOutBound', 'Outbound', 65500, 'Deny', '*', '*', 'Deny all outbound traffic'),
  ];
}

function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total === 0) return weights.map(() => 0);
  const quotas = weights.map((w) => (total * w) / sum);
  const counts = quotas.map(Math.floor);
  let remaining = total - counts.reduce((a, b) => a + b, 0);
  const order = quotas.map((q, i) => ({ i, frac: q - Math.floor(q) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (remaining <= 0) break;
    if ((weights[i] ?? 0) > 0) {
      counts[i] = (counts[i] ?? 0) + 1;
      remaining--;
    }
  }
  return counts;
}
