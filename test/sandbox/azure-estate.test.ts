/**
 * The Azure sandbox estate: scale sets and SQL long-term retention policies come in a deterministic mix
 * of compliant and non-compliant shapes, judged through the real normalizer and the bundled controls.
 */
import { normalizeArmResource } from '../../collectors/azure/normalize.js';
import type { Finding } from '../../src/evaluate/assessment.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import type { CollectionScope, Resource } from '../../src/model/resource.js';
import { API_MANAGEMENT, AzureEstate, GALLERY_IMAGE_VERSION, NSG, REGISTRY_REPLICATION, BACKUP_VAULT, CONTAINER_REGISTRY, COSMOS_ACCOUNT, DATA_FACTORY, DATABRICKS, EVENT_HUBS, GALLERY, IMAGE, KUSTO, MANAGED_HSM, MYSQL_FLEXIBLE, MYSQL_SINGLE, POSTGRES_FLEXIBLE, POSTGRES_SINGLE, REDIS, REDIS_ENTERPRISE, SEARCH, SERVICE_BUS, SNAPSHOT, SQL_DATABASE, SQL_MANAGED_INSTANCE, SYNAPSE, VM_SCALE_SET, WEB_SITE, type AzureCell } from '../../src/sandbox/estate/azure.js';
import { bundledMappings, NOW } from '../support/evaluate.js';

const items = (estate: AzureEstate, type: string): { cell: AzureCell; k: number }[] =>
  estate.select({ types: [type] }).flatMap((cell) => Array.from({ length: cell.count }, (_, k) => ({ cell, k })));

function statuses(estate: AzureEstate, resources: readonly Resource[], control: string): Map<string, Finding['status']> {
  const coverage = estate.subscriptions.map((account): CollectionScope => ({ provider: 'azure', account, region: 'global', types: 'all', outcome: { status: 'ok', collectedAt: NOW.toISOString() } }));
  const { controls, catalog, attestations } = bundledMappings();
  const out = new Map<string, Finding['status']>();
  for (const f of evaluate(resources, coverage, controls, catalog, attestations, NOW).findings) if (f.control === control) out.set(f.resourceId, f.status);
  return out;
}

const tally = (values: Iterable<string>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
};

describe('Azure sandbox estate', () => {
  const estate = new AzureEstate({ resources: 3000 });

  it('has scale sets that pass, fail, are unknown and are not judged (Flexible without a VM profile)', () => {
    const scaleSets = items(estate, VM_SCALE_SET).map(({ cell, k }) => normalizeArmResource(estate.resource(cell, k)));
    expect(scaleSets.length).toBeGreaterThan(50);
    const verdicts = statuses(estate, scaleSets, 'azure-vmss-automatic-patching');
    const counts = tally(verdicts.values());
    expect(counts.pass).toBeGreaterThan(scaleSets.length * 0.3);
    expect(counts.fail).toBeGreaterThan(scaleSets.length * 0.1);
    expect(counts.unknown).toBeGreaterThan(0);
    expect(counts.unknown).toBeLessThan(scaleSets.length * 0.1);
    const notJudged = scaleSets.filter((r) => !verdicts.has(r.id));
    expect(notJudged.length).toBeGreaterThan(0);
    expect(notJudged.every((r) => (r.configuration.properties as { orchestrationMode?: string; virtualMachineProfile?: unknown }).orchestrationMode === 'Flexible')).toBe(true);
    // each way of passing is present
    const props = (r: Resource): { upgradePolicy?: { automaticOSUpgradePolicy?: { enableAutomaticOSUpgrade?: boolean } }; virtualMachineProfile?: { osProfile?: { linuxConfiguration?: { patchSettings?: { patchMode?: string } } } } } => r.configuration.properties as never;
    const passing = scaleSets.filter((r) => verdicts.get(r.id) === 'pass');
    expect(passing.some((r) => props(r).upgradePolicy?.automaticOSUpgradePolicy?.enableAutomaticOSUpgrade === true)).toBe(true);
    expect(passing.some((r) => props(r).virtualMachineProfile?.osProfile?.linuxConfiguration?.patchSettings?.patchMode === 'AutomaticByPlatform')).toBe(true);
  });

  it('has SQL databases with and without long-term retention, and dedicated SQL pools without any', () => {
    const databases = items(estate, SQL_DATABASE);
    const pools = databases.filter(({ cell, k }) => estate.isDedicatedSqlPool(cell, k));
    expect(pools.length).toBeGreaterThan(0);
    for (const { cell, k } of pools) expect(estate.resource(cell, k).sku).toEqual({ name: 'DW100c', tier: 'DataWarehouse' });
    const policies = databases
      .filter(({ cell, k }) => !estate.isDedicatedSqlPool(cell, k))
      .map(({ cell, k }) => normalizeArmResource(estate.longTermRetentionPolicy(cell, k), { type: 'Microsoft.Sql/servers/databases/backupLongTermRetentionPolicies', parent: { type: SQL_DATABASE, id: estate.idOf(cell, k), location: cell.location } }));
    const counts = tally(statuses(estate, policies, 'azure-sql-database-long-term-retention').values());
    expect(counts.pass).toBeGreaterThan(policies.length * 0.3);
    expect(counts.fail).toBeGreaterThan(policies.length * 0.3);
    expect(counts.pass! + counts.fail!).toBe(policies.length);
  });

  it('locates scale sets by id and is deterministic per seed', () => {
    const [first] = items(estate, VM_SCALE_SET);
    expect(first).toBeDefined();
    if (!first) return;
    const id = estate.idOf(first.cell, first.k);
    expect(id).toMatch(/\/providers\/Microsoft\.Compute\/virtualMachineScaleSets\/vmss-[0-9a-f]{16}$/);
    expect(estate.find(id)).toEqual(first);
    expect(estate.find(id.toUpperCase())).toEqual(first); // ARM ids are case-insensitive
    expect(estate.find(id.replace(/vmss-[0-9a-f]{16}$/, 'vmss-0000000000000000'))).toBeUndefined();
    expect(new AzureEstate({ resources: 3000 }).resource(first.cell, first.k)).toEqual(estate.resource(first.cell, first.k));
    expect(new AzureEstate({ resources: 3000, seed: 2 }).resource(first.cell, first.k)).not.toEqual(estate.resource(first.cell, first.k));
  });

  it('has passing and failing items of every data-store family of the register, on residency and on the aspect each family adds', () => {
    // Each family: the controls (of 2-1, 2-2, 9-6) where the estate must show both a pass and a fail.
    const families: Record<string, readonly string[]> = {
      [SNAPSHOT]: ['azure-data-stored-in-japan'],
      [IMAGE]: ['azure-data-stored-in-japan'],
      [GALLERY]: ['azure-data-stored-in-japan'],
      [SQL_MANAGED_INSTANCE]: ['azure-data-stored-in-japan', 'azure-sql-minimal-tls-1-2'],
      [POSTGRES_FLEXIBLE]: ['azure-data-stored-in-japan', 'azure-postgres-flexible-requires-tls'],
      [MYSQL_FLEXIBLE]: ['azure-data-stored-in-japan', 'azure-mysql-flexible-requires-tls'],
      [POSTGRES_SINGLE]: ['azure-data-stored-in-japan', 'azure-endpoints-tls-1-2'],
      [MYSQL_SINGLE]: ['azure-data-stored-in-japan', 'azure-endpoints-tls-1-2'],
      [COSMOS_ACCOUNT]: ['azure-data-stored-in-japan', 'azure-replicas-in-japan', 'azure-endpoints-tls-1-2'],
      [REDIS]: ['azure-data-stored-in-japan', 'azure-endpoints-tls-1-2'],
      [REDIS_ENTERPRISE]: ['azure-data-stored-in-japan'],
      [SERVICE_BUS]: ['azure-data-stored-in-japan', 'azure-endpoints-tls-1-2'],
      [EVENT_HUBS]: ['azure-data-stored-in-japan', 'azure-endpoints-tls-1-2'],
      [SYNAPSE]: ['azure-data-stored-in-japan'],
      [DATA_FACTORY]: ['azure-data-stored-in-japan'],
      [KUSTO]: ['azure-data-stored-in-japan'],
      [DATABRICKS]: ['azure-data-stored-in-japan'],
      [SEARCH]: ['azure-data-stored-in-japan'],
      [WEB_SITE]: ['azure-data-stored-in-japan', 'azure-endpoints-tls-1-2'],
      [API_MANAGEMENT]: ['azure-data-stored-in-japan', 'azure-replicas-in-japan'],
      [CONTAINER_REGISTRY]: ['azure-data-stored-in-japan'],
      [BACKUP_VAULT]: ['azure-data-stored-in-japan'],
      [MANAGED_HSM]: ['azure-data-stored-in-japan'],
      [GALLERY_IMAGE_VERSION]: ['azure-data-stored-in-japan', 'azure-replicas-in-japan'],
      [REGISTRY_REPLICATION]: ['azure-data-stored-in-japan'],
    };
    const resources: Resource[] = [];
    for (const type of Object.keys(families)) {
      for (const { cell, k } of items(estate, type)) {
        resources.push(normalizeArmResource(estate.resource(cell, k)));
        for (const parameter of ['require_secure_transport', 'tls_version']) {
          const body = estate.serverParameter(cell, k, parameter);
          if (body) resources.push(normalizeArmResource(body, { type: `${type}/configurations`, parent: { type, id: estate.idOf(cell, k), location: cell.location } }));
        }
      }
    }
    const missing: string[] = [];
    for (const [type, controls] of Object.entries(families)) {
      const ids = new Set(resources.filter((r) => r.type === type).map((r) => r.id));
      for (const control of controls) {
        const verdicts = [...statuses(estate, resources, control)].filter(([id]) => ids.has(id)).map(([, status]) => status);
        for (const status of ['pass', 'fail'] as const) if (!verdicts.includes(status)) missing.push(`${type} has no ${status} on ${control}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('locates nested gallery image versions and registry replications by id', () => {
    for (const type of [GALLERY_IMAGE_VERSION, REGISTRY_REPLICATION]) {
      const [first] = items(estate, type);
      expect(first).toBeDefined();
      if (!first) continue;
      const id = estate.idOf(first.cell, first.k);
      expect(estate.find(id)).toEqual(first);
      expect(estate.find(id.toUpperCase())).toEqual(first);
      expect(normalizeArmResource(estate.resource(first.cell, first.k)).type).toBe(type);
    }
    const [version] = items(estate, GALLERY_IMAGE_VERSION);
    if (version) expect(estate.find(estate.idOf(version.cell, version.k).replace(/\/versions\/1\.\d+\./, '/versions/1.7.'))).toBeUndefined();
  });

  it('has NSGs that open RDP over UDP to the internet (failing) and ones that only allow ICMP (passing)', () => {
    const nsgs = items(estate, NSG).map(({ cell, k }) => normalizeArmResource(estate.resource(cell, k)));
    const verdicts = statuses(estate, nsgs, 'azure-nsg-admin-ports-closed-to-internet');
    const withRule = (name: string): Resource[] => nsgs.filter((r) => (r.supplementary.inboundRules as { name: string }[]).some((rule) => rule.name === name));
    expect(withRule('allow-rdp-udp').length).toBeGreaterThan(0);
    expect(withRule('allow-rdp-udp').every((r) => verdicts.get(r.id) === 'fail')).toBe(true);
    expect(withRule('allow-ping').length).toBeGreaterThan(0);
    expect(withRule('allow-ping').every((r) => verdicts.get(r.id) === 'pass')).toBe(true);
  });
});
