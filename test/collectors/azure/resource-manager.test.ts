/** The Azure collector with the real @azure/* SDK clients against the sandbox's HTTPS ARM endpoint. */
import { azureClients } from '../../../collectors/azure/clients.js';
import { StaticTokenCredential } from '../../../collectors/azure/credential.js';
import { AzureResourceCollector } from '../../../collectors/azure/resource-manager.js';
import type { CollectContext } from '../../../collectors/types.js';
import { azureCollectorSchema } from '../../../collectors/azure/config.js';
import type { Resource } from '../../../src/model/resource.js';
import { startSandbox, type Faults, type Sandbox } from '../../../src/sandbox/server.js';

const TYPES = [
  'Microsoft.Storage/storageAccounts',
  'Microsoft.Network/networkSecurityGroups',
  'Microsoft.Compute/disks',
  'Microsoft.Sql/servers',
  'Microsoft.KeyVault/vaults',
  'Microsoft.Insights/activityLogAlerts',
  'Microsoft.Compute/virtualMachineScaleSets',
  'Microsoft.Sql/servers/auditingSettings',
  'Microsoft.Sql/servers/databases/transparentDataEncryption',
  'Microsoft.Sql/servers/databases/backupLongTermRetentionPolicies',
  'Microsoft.Insights/diagnosticSettings',
];

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ azure: { resources: 1500 } });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.setFaults({});
  sandbox.resetCalls();
});

function run(source: 'resourceGraph' | 'arm', options: { types?: readonly string[]; maxAttempts?: number; token?: string; ca?: string } = {}) {
  const config = azureCollectorSchema.parse({ subscriptions: [...sandbox.azure.subscriptions], source, endpoint: sandbox.azure.endpoint, ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}) });
  const clients = azureClients({ credential: new StaticTokenCredential(options.token ?? sandbox.azure.token), endpoint: sandbox.azure.endpoint, ca: options.ca ?? sandbox.azure.ca });
  const sleeps: number[] = [];
  const collector = new AzureResourceCollector(config, clients, (ms) => {
    sleeps.push(ms);
    return Promise.resolve();
  });
  const resources: Resource[] = [];
  const calls: string[] = [];
  const context: CollectContext = {
    types: new Set(options.types ?? TYPES),
    onResource: (r) => resources.push(r),
    recorder: { apiCall: (_p, op, code) => calls.push(`${op} ${code}`), clockSample: () => undefined },
    logger: { info: () => undefined, warn: () => undefined, debug: () => undefined },
    signal: new AbortController().signal,
    now: () => new Date('2026-11-01T00:00:00Z'),
  };
  return collector.collect(context).then((result) => ({ result, resources, calls, sleeps }));
}

const key = (r: Resource): string => `${r.type}|${r.id.toLowerCase()}`;

describe('AzureResourceCollector against the sandbox', () => {
  it('Resource Graph and ARM yield the same normalized resources; RG needs far fewer calls', async () => {
    const graph = await run('resourceGraph');
    const graphCalls = sandbox.calls();
    sandbox.resetCalls();
    const arm = await run('arm');
    const armCalls = sandbox.calls();
    expect(graph.result.accounts.every((a) => a.ok)).toBe(true);
    expect(arm.result.accounts.every((a) => a.ok)).toBe(true);
    const estate = sandbox.azure.estate;
    const topLevel = estate.count({ types: ['Microsoft.Storage/storageAccounts', 'Microsoft.Network/networkSecurityGroups', 'Microsoft.Compute/disks', 'Microsoft.Sql/servers', 'Microsoft.KeyVault/vaults', 'Microsoft.Insights/activityLogAlerts', 'Microsoft.Compute/virtualMachineScaleSets'] });
    expect(graph.resources.filter((r) => !r.type.includes('/servers/') && r.type !== 'Microsoft.Insights/diagnosticSettings')).toHaveLength(topLevel);
    const byKey = new Map(arm.resources.map((r) => [key(r), r]));
    expect(graph.resources.map(key).sort()).toEqual(arm.resources.map(key).sort());
    for (const r of graph.resources) expect(r.configuration).toEqual(byKey.get(key(r))?.configuration);
    expect(graph.resources.some((r) => r.malformed)).toBe(false);
    expect(graphCalls.byOperation.ListResourceGraphResources).toBe(Math.ceil((topLevel + estate.count({ types: ['Microsoft.Sql/servers/databases'] })) / 1000));
    expect(armCalls.byOperation.GetResourceById).toBeGreaterThan(topLevel);
    expect(sandbox.writeOperations()).toEqual([]);
    // Every attempt the SDK made is counted, by operation.
    expect(graph.calls.length).toBe(graphCalls.total);
  });

  it('collects the data stores of the register and the TLS parameters of flexible servers under their server (Resource Graph and ARM alike)', async () => {
    const types = ['Microsoft.DBforMySQL/flexibleServers', 'Microsoft.DBforMySQL/flexibleServers/configurations', 'Microsoft.DocumentDB/databaseAccounts', 'Microsoft.Web/sites'];
    const graph = await run('resourceGraph', { types });
    const arm = await run('arm', { types });
    for (const { result, resources } of [graph, arm]) {
      expect(result.accounts.every((a) => a.ok)).toBe(true);
      const servers = resources.filter((r) => r.type === 'Microsoft.DBforMySQL/flexibleServers');
      expect(servers).toHaveLength(sandbox.azure.estate.count({ types: ['Microsoft.DBforMySQL/flexibleServers'] }));
      expect(resources.filter((r) => r.type === 'Microsoft.DocumentDB/databaseAccounts')).toHaveLength(sandbox.azure.estate.count({ types: ['Microsoft.DocumentDB/databaseAccounts'] }));
      const parameters = resources.filter((r) => r.type === 'Microsoft.DBforMySQL/flexibleServers/configurations');
      // require_secure_transport and tls_version of each server, related to it.
      expect(parameters).toHaveLength(servers.length * 2);
      for (const server of servers) expect(parameters.filter((p) => p.relationships[0]?.id === server.id.toLowerCase()).map((p) => p.name).sort()).toEqual(['require_secure_transport', 'tls_version']);
    }
    expect(graph.resources.map(key).sort()).toEqual(arm.resources.map(key).sort());
  });

  it('collects scale sets with their VM profile and upgrade policy (Resource Graph and ARM alike)', async () => {
    const types = ['Microsoft.Compute/virtualMachineScaleSets'];
    const graph = await run('resourceGraph', { types });
    const arm = await run('arm', { types });
    const count = sandbox.azure.estate.count({ types });
    expect(count).toBeGreaterThan(0);
    expect(graph.resources).toHaveLength(count);
    expect(graph.resources.every((r) => r.type === 'Microsoft.Compute/virtualMachineScaleSets' && !r.malformed)).toBe(true);
    const byKey = new Map(arm.resources.map((r) => [key(r), r]));
    expect(graph.resources.map(key).sort()).toEqual(arm.resources.map(key).sort());
    for (const r of graph.resources) expect(r.configuration).toEqual(byKey.get(key(r))?.configuration);
    const properties = graph.resources.map((r) => r.configuration.properties as { upgradePolicy?: unknown; virtualMachineProfile?: { osProfile?: unknown } });
    expect(properties.some((p) => p.virtualMachineProfile?.osProfile !== undefined)).toBe(true);
    expect(properties.some((p) => p.upgradePolicy !== undefined)).toBe(true);
  });

  it('fetches one long-term retention policy per database; dedicated SQL pools (400 LongTermRetentionPolicyNotSupported) are skipped, not failures', async () => {
    const estate = sandbox.azure.estate;
    const databases = estate.select({ types: ['Microsoft.Sql/servers/databases'] }).flatMap((cell) => Array.from({ length: cell.count }, (_, k) => ({ cell, k })));
    const pools = databases.filter(({ cell, k }) => estate.isDedicatedSqlPool(cell, k));
    expect(pools.length).toBeGreaterThan(0);
    expect(pools.length).toBeLessThan(databases.length);
    for (const source of ['resourceGraph', 'arm'] as const) {
      sandbox.resetCalls();
      const { result, resources, calls } = await run(source, { types: ['Microsoft.Sql/servers/databases/backupLongTermRetentionPolicies'] });
      expect(result.accounts.every((a) => a.ok)).toBe(true);
      const ltr = resources.filter((r) => r.type === 'Microsoft.Sql/servers/databases/backupLongTermRetentionPolicies');
      expect(ltr).toHaveLength(resources.length); // the parent databases are listed, not emitted
      expect(ltr.map((r) => r.id.toLowerCase()).sort()).toEqual(
        databases.filter(({ cell, k }) => !estate.isDedicatedSqlPool(cell, k)).map(({ cell, k }) => `${estate.idOf(cell, k)}/backupLongTermRetentionPolicies/default`.toLowerCase()).sort(),
      );
      for (const r of ltr) {
        expect(r.relationships).toEqual([{ type: 'Microsoft.Sql/servers/databases', id: r.id.split('/backupLongTermRetentionPolicies')[0]!.toLowerCase(), name: 'scope' }]);
        expect(Object.keys(r.configuration.properties as object).sort()).toEqual(['monthlyRetention', 'weekOfYear', 'weeklyRetention', 'yearlyRetention']);
      }
      expect(sandbox.calls().byOperation.GetLongTermRetentionPolicy).toBe(databases.length);
      expect(calls.filter((c) => c === 'GetLongTermRetentionPolicy LongTermRetentionPolicyNotSupported')).toHaveLength(pools.length);
    }
  });

  it('fetches child settings only for the types controls read', async () => {
    const { resources } = await run('resourceGraph', { types: ['Microsoft.Storage/storageAccounts'] });
    const calls = sandbox.calls();
    expect(new Set(resources.map((r) => r.type))).toEqual(new Set(['Microsoft.Storage/storageAccounts']));
    // Subscriptions List checks that the configured subscriptions are visible; the role assignments and the one
    // role (Reader) say what kansa may read; then one Resource Graph query.
    expect(calls.byOperation).toEqual({ ListSubscriptions: 1, ListRoleAssignments: sandbox.azure.subscriptions.length, GetRoleDefinition: 1, ListResourceGraphResources: 1 });
  });

  it('retries 429 without Retry-After with backoff and 429 with Retry-After after the hinted delay', async () => {
    sandbox.setFaults({ throttleRate: 0.3, seed: 7 });
    const noHint = await run('resourceGraph');
    expect(noHint.result.accounts.every((a) => a.ok)).toBe(true);
    expect(noHint.calls.filter((c) => c.endsWith('429') || c.includes('TooManyRequests') || c.includes('RateLimiting')).length).toBeGreaterThan(0);
    sandbox.setFaults({ throttleRate: 0.3, throttleRetryAfterSeconds: 3, seed: 7 });
    const hinted = await run('arm', { types: ['Microsoft.KeyVault/vaults'] });
    expect(hinted.result.accounts.every((a) => a.ok)).toBe(true);
    expect(hinted.sleeps.length).toBeGreaterThan(0);
    expect(hinted.sleeps.every((ms) => ms === 3000)).toBe(true);
  });

  it('survives server errors and truncated bodies without losing resources', async () => {
    sandbox.setFaults({ serverErrorRate: 0.1, truncatedPageRate: 0.1, seed: 3 });
    const { result, resources, calls } = await run('resourceGraph', { types: ['Microsoft.Compute/disks', 'Microsoft.Sql/servers/auditingSettings'] });
    expect(result.accounts).toEqual(result.accounts.map((a) => ({ ...a, ok: true })));
    expect(resources.filter((r) => r.type === 'Microsoft.Compute/disks')).toHaveLength(sandbox.azure.estate.count({ types: ['Microsoft.Compute/disks'] }));
    expect(calls.some((c) => /InternalServerError|ServiceUnavailable|DeserializationError/.test(c))).toBe(true);
  });

  it('falls back to ARM when Resource Graph is denied, and fails only the denied subscription', async () => {
    const [allowed = '', denied = ''] = sandbox.azure.subscriptions;
    sandbox.setFaults({ accessDeniedAccounts: [denied] });
    const { result, resources, calls } = await run('resourceGraph', { types: ['Microsoft.KeyVault/vaults'] });
    expect(calls).toContain('ListResourceGraphResources AuthorizationFailed');
    expect(result.accounts.find((a) => a.account === allowed)?.ok).toBe(true);
    const deniedOutcome = result.accounts.find((a) => a.account === denied);
    expect(deniedOutcome?.ok).toBe(false);
    expect(deniedOutcome?.error).toContain('AuthorizationFailed');
    expect(result.coverage.find((c) => c.account === denied)?.outcome.status).toBe('failed');
    expect(resources.length).toBe(sandbox.azure.estate.count({ types: ['Microsoft.KeyVault/vaults'], subscriptions: [allowed] }));
  });

  it('marks items the provider serves broken as malformed, not as failures', async () => {
    sandbox.setFaults({ malformedRate: 0.2 });
    const { resources } = await run('resourceGraph', { types: ['Microsoft.Storage/storageAccounts'] });
    expect(resources.filter((r) => r.malformed).length).toBeGreaterThan(0);
  });

  it('refuses to talk to the sandbox without its CA (TLS verification stays on)', async () => {
    const { generateSandboxCertificate } = await import('../../../src/sandbox/azure-tls.js');
    const { result, calls } = await run('resourceGraph', { types: ['Microsoft.KeyVault/vaults'], ca: generateSandboxCertificate().cert, maxAttempts: 1 });
    expect(result.accounts.every((a) => !a.ok)).toBe(true);
    expect(sandbox.calls().total).toBe(0);
    // Subscriptions List, each subscription's role assignments and the Resource Graph query, one attempt each.
    expect(calls).toHaveLength(2 + sandbox.azure.subscriptions.length);
  });

  it('reports an invalid token as a failed scope', async () => {
    const { result } = await run('arm', { types: ['Microsoft.KeyVault/vaults'], token: 'wrong' });
    expect(result.accounts.every((a) => !a.ok && (a.error ?? '').includes('InvalidAuthenticationToken'))).toBe(true);
  });
});

export type { Faults };
