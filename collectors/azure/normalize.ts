/**
 * ARM resource bodies (GET by id, list entries with properties, Resource Graph rows) → normalized Resource.
 *
 * `configuration` is the ARM body as the provider returns it (properties, sku, kind, location, identity,
 * zones…) minus the identity fields (id, name, type, tags) that the Resource carries itself. Resource
 * Graph lower-cases `type`; it is mapped back to ARM's casing so controls are written once. NSG rules are
 * also folded into `supplementary.inboundRules`: inbound rules (custom and default) in priority order
 * with canonical sources and port ranges, because CEL cannot sort.
 */
import { GLOBAL_REGION, type Relationship, type Resource } from '../../src/model/resource.js';

type Json = Record<string, unknown>;

export const AZURE_TYPES = {
  storageAccount: 'Microsoft.Storage/storageAccounts',
  blobService: 'Microsoft.Storage/storageAccounts/blobServices',
  nsg: 'Microsoft.Network/networkSecurityGroups',
  virtualNetwork: 'Microsoft.Network/virtualNetworks',
  networkWatcher: 'Microsoft.Network/networkWatchers',
  flowLog: 'Microsoft.Network/networkWatchers/flowLogs',
  disk: 'Microsoft.Compute/disks',
  sqlServer: 'Microsoft.Sql/servers',
  sqlDatabase: 'Microsoft.Sql/servers/databases',
  sqlAuditing: 'Microsoft.Sql/servers/auditingSettings',
  sqlFirewallRule: 'Microsoft.Sql/servers/firewallRules',
  sqlTde: 'Microsoft.Sql/servers/databases/transparentDataEncryption',
  sqlLongTermRetention: 'Microsoft.Sql/servers/databases/backupLongTermRetentionPolicies',
  keyVault: 'Microsoft.KeyVault/vaults',
  activityLogAlert: 'Microsoft.Insights/activityLogAlerts',
  diagnosticSettings: 'Microsoft.Insights/diagnosticSettings',
  subscription: 'Microsoft.Resources/subscriptions',
  virtualMachine: 'Microsoft.Compute/virtualMachines',
  virtualMachineScaleSet: 'Microsoft.Compute/virtualMachineScaleSets',
  appGateway: 'Microsoft.Network/applicationGateways',
  appGatewayWafPolicy: 'Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies',
  frontDoorWafPolicy: 'Microsoft.Network/FrontDoorWebApplicationFirewallPolicies',
  metricAlert: 'Microsoft.Insights/metricAlerts',
  recoveryVault: 'Microsoft.RecoveryServices/vaults',
  logAnalyticsWorkspace: 'Microsoft.OperationalInsights/workspaces',
  securityPricing: 'Microsoft.Security/pricings',
  securityContact: 'Microsoft.Security/securityContacts',
  // Rows of Resource Graph's recoveryservicesresources and securityresources tables (collectors/azure/graph-tables.ts).
  protectedItem: 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems',
  backupPolicy: 'Microsoft.RecoveryServices/vaults/backupPolicies',
  securityAssessment: 'Microsoft.Security/assessments',
  // Data stores and the services carrying their traffic (mappings/registers/azure.yaml).
  snapshot: 'Microsoft.Compute/snapshots',
  image: 'Microsoft.Compute/images',
  gallery: 'Microsoft.Compute/galleries',
  galleryImageVersion: 'Microsoft.Compute/galleries/images/versions',
  sqlManagedInstance: 'Microsoft.Sql/managedInstances',
  postgresFlexible: 'Microsoft.DBforPostgreSQL/flexibleServers',
  postgresFlexibleParameter: 'Microsoft.DBforPostgreSQL/flexibleServers/configurations',
  mysqlFlexible: 'Microsoft.DBforMySQL/flexibleServers',
  mysqlFlexibleParameter: 'Microsoft.DBforMySQL/flexibleServers/configurations',
  postgresSingle: 'Microsoft.DBforPostgreSQL/servers',
  mysqlSingle: 'Microsoft.DBforMySQL/servers',
  cosmosAccount: 'Microsoft.DocumentDB/databaseAccounts',
  redis: 'Microsoft.Cache/redis',
  redisEnterprise: 'Microsoft.Cache/redisEnterprise',
  serviceBus: 'Microsoft.ServiceBus/namespaces',
  eventHubs: 'Microsoft.EventHub/namespaces',
  synapse: 'Microsoft.Synapse/workspaces',
  dataFactory: 'Microsoft.DataFactory/factories',
  kusto: 'Microsoft.Kusto/clusters',
  databricks: 'Microsoft.Databricks/workspaces',
  search: 'Microsoft.Search/searchServices',
  webSite: 'Microsoft.Web/sites',
  apiManagement: 'Microsoft.ApiManagement/service',
  containerRegistry: 'Microsoft.ContainerRegistry/registries',
  registryReplication: 'Microsoft.ContainerRegistry/registries/replications',
  backupVault: 'Microsoft.DataProtection/backupVaults',
  managedHsm: 'Microsoft.KeyVault/managedHSMs',
} as const;

/** Columns Resource Graph adds to every row that are not configuration (and etag, a version marker RG does not return). */
const RESOURCE_GRAPH_COLUMNS: ReadonlySet<string> = new Set(['resourceGroup', 'subscriptionId', 'tenantId', 'etag']);

const IDENTITY_FIELDS: ReadonlySet<string> = new Set(['id', 'name', 'type', 'tags']);

const CANONICAL_TYPES: ReadonlyMap<string, string> = new Map(Object.values(AZURE_TYPES).map((t) => [t.toLowerCase(), t]));

export function canonicalType(type: string): string {
  return CANONICAL_TYPES.get(type.toLowerCase()) ?? type;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** ARM ids are case-insensitive; some come back without the leading slash (subscription diagnostic settings). */
export function canonicalId(id: string): string {
  return id.startsWith('/') ? id : `/${id}`;
}

/** "East US 2" (older SQL APIs) and "eastus2" are the same location; `global` has none. */
export function canonicalLocation(location: unknown): string {
  const l = str(location).toLowerCase().replace(/\s+/g, '');
  return l === '' || l === 'global' ? GLOBAL_REGION : l;
}

export function subscriptionOf(id: string): string {
  return /^\/?subscriptions\/([^/]+)/i.exec(id)?.[1]?.toLowerCase() ?? '';
}

export interface NormalizeOptions {
  /** Type to assume when the body has none (child settings fetched by path). */
  readonly type?: string;
  /** The resource a child setting belongs to. */
  readonly parent?: { readonly type: string; readonly id: string; readonly location?: string };
  readonly capturedAt?: string;
}

/** One ARM body or Resource Graph row, read: a resource (perhaps malformed), or an item not even its type can be read from. */
export type ArmItem = { readonly ok: true; readonly resource: Resource } | { readonly ok: false; readonly reason: string; readonly account: string };

/**
 * Like normalizeArmResource, but an item whose type cannot be read is not a resource at all: it is
 * counted as unreadable in its scope (never emitted under a made-up type).
 */
export function readArmItem(body: unknown, options: NormalizeOptions = {}): ArmItem {
  const known = options.type ?? '';
  if (!isObject(body)) {
    return known ? { ok: true, resource: normalizeArmResource(body, options) } : { ok: false, reason: `ARM item is a ${Array.isArray(body) ? 'array' : typeof body}, expected an object`, account: '' };
  }
  if (!str(body.type) && !known) return { ok: false, reason: 'ARM item has no type', account: subscriptionOf(str(body.id)) || str(body.subscriptionId).toLowerCase() };
  return { ok: true, resource: normalizeArmResource(body, options) };
}

/**
 * Stands in for a child setting of a malformed parent (blob service, SQL auditing, TDE, long-term
 * retention, diagnostic settings): the child was never fetched, so every control over it is unknown
 * rather than the child being absent. Its id is the one the real child would have.
 */
export function malformedChild(parent: Resource, type: string, id: string): Resource {
  const childId = canonicalId(id);
  return {
    provider: 'azure',
    account: parent.account,
    region: parent.region,
    type,
    id: childId,
    name: childId.slice(childId.lastIndexOf('/') + 1),
    arn: childId,
    tags: {},
    configuration: {},
    supplementary: {},
    relationships: [{ type: parent.type, id: parent.id.toLowerCase(), name: 'scope' }],
    capturedAt: parent.capturedAt,
    malformed: `its parent ${parent.id} is malformed (${parent.malformed ?? 'unreadable'}), so this setting was not read`,
  };
}

export function normalizeArmResource(body: unknown, options: NormalizeOptions = {}): Resource {
  if (!isObject(body)) return malformed({}, options, `ARM body is a ${Array.isArray(body) ? 'array' : typeof body}, expected an object`);
  const id = canonicalId(str(body.id));
  const type = canonicalType(str(body.type) || options.type || '');
  if (!str(body.id) || !type) return malformed(body, options, `ARM body lacks ${str(body.id) ? 'type' : 'id'}`);
  if (body.properties !== undefined && body.properties !== null && !isObject(body.properties)) {
    return malformed(body, options, `properties is a ${Array.isArray(body.properties) ? 'array' : typeof body.properties}, expected an object`);
  }
  const tags = body.tags;
  // Identity fields live on the Resource; Resource Graph adds bookkeeping columns and returns null for
  // what ARM leaves out: fold all of these away.
  const configuration = Object.fromEntries(Object.entries(body).filter(([k, v]) => !IDENTITY_FIELDS.has(k) && !RESOURCE_GRAPH_COLUMNS.has(k) && v !== null && v !== ''));
  const relationships: Relationship[] = options.parent ? [{ type: options.parent.type, id: options.parent.id.toLowerCase(), name: 'scope' }] : [];
  const location = body.location === undefined || body.location === null || body.location === '' ? (options.parent?.location ?? '') : body.location;
  const supplementary: Json = {};
  if (type === AZURE_TYPES.nsg) {
    const rules = nsgInboundRules(configuration.properties);
    if (rules) supplementary.inboundRules = rules;
  }
  return {
    provider: 'azure',
    account: subscriptionOf(id),
    region: canonicalLocation(location),
    type,
    id,
    name: str(body.name) || id.slice(id.lastIndexOf('/') + 1),
    arn: id,
    tags: isObject(tags) ? Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, str(v)])) : {},
    configuration,
    supplementary,
    relationships,
    capturedAt: options.capturedAt ?? '',
  };
}

function malformed(body: Json, options: NormalizeOptions, reason: string): Resource {
  const id = canonicalId(str(body.id) || options.parent?.id || 'unknown');
  return {
    provider: 'azure',
    account: subscriptionOf(id),
    region: canonicalLocation(body.location ?? options.parent?.location),
    type: canonicalType(str(body.type) || options.type || 'Unknown'),
    id,
    name: str(body.name),
    arn: id,
    tags: {},
    configuration: {},
    supplementary: {},
    // A child setting keeps its parent, so the parent's dependents can be found and made unknown.
    relationships: options.parent ? [{ type: options.parent.type, id: options.parent.id.toLowerCase(), name: 'scope' }] : [],
    capturedAt: options.capturedAt ?? '',
    malformed: reason,
  };
}

const ALL_PORTS = { from: 0, to: 65535 };

/** "22", "20-30", "*" → port ranges; anything else is dropped (it cannot match a port). */
function portRanges(single: unknown, list: unknown): { from: number; to: number }[] {
  const texts = [...(Array.isArray(list) ? (list as unknown[]) : []), single].map(str).map((s) => s.trim()).filter((s) => s !== '');
  const out: { from: number; to: number }[] = [];
  for (const text of texts) {
    if (text === '*') out.push(ALL_PORTS);
    else {
      const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(text);
      if (m) out.push({ from: Number(m[1]), to: Number(m[2] ?? m[1]) });
    }
  }
  return out;
}

/**
 * Inbound rules in evaluation order (lowest priority number first), custom and default alike, each as
 * { name, priority, access, protocol, sources, ports, isDefault }: `sources` lower-cased from
 * sourceAddressPrefix(es), `ports` from destinationPortRange(s). Undefined when the body has no rule lists.
 */
export function nsgInboundRules(properties: unknown): Json[] | undefined {
  if (!isObject(properties) || !Array.isArray(properties.securityRules)) return undefined;
  const defaults = Array.isArray(properties.defaultSecurityRules) ? properties.defaultSecurityRules : [];
  const rules = [...properties.securityRules.map((r: unknown) => [r, false] as const), ...defaults.map((r: unknown) => [r, true] as const)];
  const out: Json[] = [];
  for (const [rule, isDefault] of rules) {
    if (!isObject(rule)) continue;
    const p = isObject(rule.properties) ? rule.properties : rule; // list views and templates flatten properties
    if (str(p.direction).toLowerCase() !== 'inbound') continue;
    const sources = [...(Array.isArray(p.sourceAddressPrefixes) ? (p.sourceAddressPrefixes as unknown[]) : []), p.sourceAddressPrefix].map(str).filter((s) => s !== '').map((s) => s.toLowerCase());
    out.push({
      name: str(rule.name),
      priority: typeof p.priority === 'number' ? p.priority : Number.MAX_SAFE_INTEGER,
      access: str(p.access).toLowerCase(),
      protocol: str(p.protocol).toLowerCase(),
      sources,
      ports: portRanges(p.destinationPortRange, p.destinationPortRanges),
      isDefault,
    });
  }
  return out.sort((a, b) => (a.priority as number) - (b.priority as number));
}
