/**
 * Azure scope truth (#11): the real @azure/arm-resources and @azure/arm-resourcegraph clients against the
 * sandbox with a subscription the credential cannot see, a truncated Resource Graph result and malformed
 * parents. What the collector did not see is a failed or partial scope with a reason, never missing rows.
 */
import { isEntraType } from '../../../collectors/azure/entra.js';
import { azureClients } from '../../../collectors/azure/clients.js';
import { azureCollectorSchema } from '../../../collectors/azure/config.js';
import { StaticTokenCredential } from '../../../collectors/azure/credential.js';
import { AzureResourceCollector } from '../../../collectors/azure/resource-manager.js';
import type { CollectorRun } from '../../../collectors/types.js';
import { evaluate, Evaluation } from '../../../src/evaluate/evaluate.js';
import { coverageState, type Resource } from '../../../src/model/resource.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

const AZURE_CONTROLS = bundledMappings().controls.filter((c) => c.provider === 'azure');
// The subscriptions' types: the tenant's Entra ID types (Microsoft Graph) are test/collectors/azure/entra.test.ts's.
const TYPES = [...Evaluation.typesNeeded(AZURE_CONTROLS)].filter((t) => !isEntraType(t));
const RESOURCES = 500;

async function collect(sandbox: Sandbox, source: 'resourceGraph' | 'arm', types: readonly string[] = TYPES): Promise<{ run: CollectorRun; resources: Resource[] }> {
  const config = azureCollectorSchema.parse({ subscriptions: [...sandbox.azure.subscriptions], source, endpoint: sandbox.azure.endpoint, maxAttempts: 2 });
  const clients = azureClients({ credential: new StaticTokenCredential(sandbox.azure.token), endpoint: sandbox.azure.endpoint, ca: sandbox.azure.ca });
  const resources: Resource[] = [];
  const run = await new AzureResourceCollector(config, clients, () => Promise.resolve()).collect({
    types: new Set(types),
    onResource: (r) => resources.push(r),
    recorder: { apiCall: () => undefined, clockSample: () => undefined },
    logger: { info: () => undefined, warn: () => undefined, debug: () => undefined },
    signal: new AbortController().signal,
    now: () => NOW,
  });
  return { run, resources };
}

function assess({ run, resources }: { run: CollectorRun; resources: Resource[] }) {
  const { catalog, attestations } = bundledMappings();
  return evaluate(resources, run.coverage, AZURE_CONTROLS, catalog, attestations, NOW);
}

describe('a subscription the credential cannot see', () => {
  let sandbox: Sandbox;
  let visible: string;
  let hidden: string;
  beforeAll(async () => {
    const probe = await startSandbox({ azure: { resources: RESOURCES } });
    [visible = '', hidden = ''] = probe.azure.subscriptions;
    await probe.close();
    sandbox = await startSandbox({ azure: { resources: RESOURCES, hiddenSubscriptions: [hidden] } });
  });
  afterAll(() => sandbox.close());

  it.each<['resourceGraph' | 'arm']>([['resourceGraph'], ['arm']])('is a failed scope naming it and the missing Reader role (%s), never an empty one', async (source) => {
    sandbox.resetCalls();
    const collected = await collect(sandbox, source);
    const { run, resources } = collected;
    const scope = run.coverage.find((c) => c.account === hidden)!;
    expect(scope.outcome).toMatchObject({ status: 'failed', error: expect.stringContaining(`subscription ${hidden} is not visible to the credential`) as unknown });
    expect(scope.outcome.status === 'failed' && scope.outcome.error).toMatch(/Reader/);
    expect(coverageState(scope)).toBe('blind');
    expect(scope.outcome.status === 'failed' && scope.outcome.error).toContain(`サブスクリプション ${hidden}`);
    expect(run.accounts.find((a) => a.account === hidden)).toMatchObject({ ok: false, resources: 0 });
    expect(resources.some((r) => r.account === hidden)).toBe(false);
    // the visible one is whole
    const ok = run.coverage.find((c) => c.account === visible)!;
    expect(ok.outcome.status).toBe('ok');
    // Either source reads every type there, the Resource Graph tables' too (graph-tables.ts; ARM lists them).
    expect(coverageState(ok)).toBe('covered');
    expect(resources.filter((r) => r.account === visible).length).toBeGreaterThan(0);
    // nothing was asked of the hidden subscription beyond the visibility check
    expect(sandbox.calls().list.filter((c) => c.account === hidden)).toEqual([]);

    const findings = assess(collected).findings.filter((f) => f.account === hidden);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.status === 'unknown')).toBe(true);
  });

  it('answers ARM calls on it as ARM does for a subscription without a role: 403 AuthorizationFailed', async () => {
    const clients = azureClients({ credential: new StaticTokenCredential(sandbox.azure.token), endpoint: sandbox.azure.endpoint, ca: sandbox.azure.ca });
    const list = clients.resources(hidden).resources.list().byPage();
    await expect(list.next()).rejects.toMatchObject({ statusCode: 403, code: 'AuthorizationFailed' });
  });
});

describe('a truncated Resource Graph result', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ azure: { resources: RESOURCES, graphTruncated: true } });
  });
  afterAll(() => sandbox.close());

  it('leaves every type Resource Graph lists a gap with the reason; subscription-level settings stay covered', async () => {
    const { run, resources } = await collect(sandbox, 'resourceGraph');
    const listedTypes = ['Microsoft.Storage/storageAccounts', 'Microsoft.KeyVault/vaults', 'Microsoft.Storage/storageAccounts/blobServices', 'Microsoft.Sql/servers/auditingSettings'];
    for (const scope of run.coverage) {
      expect(scope.outcome.status).toBe('ok');
      expect(coverageState(scope)).toBe('partial');
      const gapTypes = scope.gaps?.flatMap((g) => g.types) ?? [];
      for (const type of listedTypes.filter((t) => TYPES.includes(t))) expect(gapTypes).toContain(type);
      expect(scope.types).toContain('Microsoft.Security/pricings');
      expect(scope.types).not.toContain('Microsoft.Storage/storageAccounts');
      expect(scope.gaps?.[0]?.reason.en).toMatch(/resultTruncated/);
      expect(scope.gaps?.[0]?.reason.ja).toMatch(/切り詰め/);
    }
    // rows come in estate order: the last type listed is the one cut off
    const scaleSets = resources.filter((r) => r.type === 'Microsoft.Compute/virtualMachineScaleSets').length;
    expect(scaleSets).toBeLessThan(sandbox.azure.estate.count({ types: ['Microsoft.Compute/virtualMachineScaleSets'] }));
  });
});

describe('malformed parents and unreadable rows', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ azure: { resources: 1200 }, faults: { malformedRate: 0.2, seed: 11 } });
  });
  afterAll(() => sandbox.close());

  const CHILDREN: Readonly<Record<string, readonly [string, string][]>> = {
    'Microsoft.Storage/storageAccounts': [['Microsoft.Storage/storageAccounts/blobServices', '/blobServices/default']],
    'Microsoft.Sql/servers': [['Microsoft.Sql/servers/auditingSettings', '/auditingSettings/default']],
    'Microsoft.Sql/servers/databases': [
      ['Microsoft.Sql/servers/databases/transparentDataEncryption', '/transparentDataEncryption/current'],
      ['Microsoft.Sql/servers/databases/backupLongTermRetentionPolicies', '/backupLongTermRetentionPolicies/default'],
    ],
    'Microsoft.KeyVault/vaults': [['Microsoft.Insights/diagnosticSettings', '/providers/Microsoft.Insights/diagnosticSettings']],
  };

  it.each<['resourceGraph' | 'arm']>([['resourceGraph'], ['arm']])('a malformed parent yields a malformed stand-in for each child setting the controls read (%s)', async (source) => {
    const collected = await collect(sandbox, source, [...TYPES, 'Microsoft.Sql/servers/databases']);
    const { resources, run } = collected;
    expect(run.accounts.every((a) => a.ok)).toBe(true);
    const byKey = new Map(resources.map((r) => [`${r.type}|${r.id.toLowerCase()}`, r]));
    let checked = 0;
    for (const parent of resources.filter((r) => r.malformed !== undefined && CHILDREN[r.type])) {
      for (const [type, suffix] of CHILDREN[parent.type] ?? []) {
        const child = byKey.get(`${type}|${(parent.id + suffix).toLowerCase()}`);
        expect(child).toBeDefined();
        expect(child?.malformed).toContain(parent.id);
        expect(child?.relationships).toEqual([{ type: parent.type, id: parent.id.toLowerCase(), name: 'scope' }]);
        expect(child?.account).toBe(parent.account);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
    expect(resources.some((r) => r.type === 'Unknown')).toBe(false);
    // a stand-in's controls are unknown, never fail
    const ids = new Set(resources.filter((r) => r.malformed?.startsWith('its parent')).map((r) => r.id.toLowerCase()));
    const onStandIns = assess(collected).findings.filter((f) => ids.has(f.resourceId.toLowerCase()));
    expect(onStandIns.length).toBeGreaterThan(0);
    expect(onStandIns.every((f) => f.status === 'unknown')).toBe(true);
  });

  it('counts Resource Graph rows without a type as unreadable in their subscription, never as a resource', async () => {
    const { resources, run } = await collect(sandbox, 'resourceGraph');
    const unreadable = run.coverage.reduce((n, s) => n + (s.unreadable ?? 0), 0);
    expect(unreadable).toBeGreaterThan(0);
    for (const scope of run.coverage.filter((s) => (s.unreadable ?? 0) > 0)) expect(coverageState(scope)).toBe('partial');
    expect(resources.every((r) => r.type.startsWith('Microsoft.'))).toBe(true);
    // ARM GETs are by type: the same items are readable as that type there (malformed, not unreadable)
    const arm = await collect(sandbox, 'arm');
    expect(arm.run.coverage.every((s) => !s.unreadable)).toBe(true);
  });
});
