/**
 * The Azure sandbox estate: scale sets and SQL long-term retention policies come in a deterministic mix
 * of compliant and non-compliant shapes, judged through the real normalizer and the bundled controls.
 */
import { normalizeArmResource } from '../../collectors/azure/normalize.js';
import type { Finding } from '../../src/evaluate/assessment.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import type { CollectionScope, Resource } from '../../src/model/resource.js';
import { AzureEstate, SQL_DATABASE, VM_SCALE_SET, type AzureCell } from '../../src/sandbox/estate/azure.js';
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
});
