/**
 * Azure Backup items and policies (Resource Graph `recoveryservicesresources`) and Defender for Cloud assessments
 * (`securityresources`), issue #14: the real @azure/arm-resourcegraph client against the sandbox, paging by
 * $skipToken, and what must never pass silently — a type the role cannot read, a truncated result, a subscription the
 * credential cannot see. The ARM source of the same types: backup-assessments-arm.test.ts.
 */
import { AZURE_TYPES } from '../../../collectors/azure/normalize.js';
import { VULNERABILITY_ASSESSMENT_KEYS } from '../../../collectors/azure/graph-tables.js';
import type { Finding } from '../../../src/evaluate/assessment.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { AzureTableRows } from '../../../src/sandbox/estate/azure-tables.js';
import { bundledMappings } from '../../support/evaluate.js';
import { collectAzureSandbox, type AzureCollected } from '../../support/azure-collect.js';

const CONTROL_IDS = ['azure-vm-backup-protected', 'azure-vm-vulnerability-assessment-enabled', 'azure-vm-vulnerability-findings-resolved'];
const CONTROLS = bundledMappings().controls.filter((c) => CONTROL_IDS.includes(c.id));
const TYPES = new Set([AZURE_TYPES.virtualMachine, AZURE_TYPES.protectedItem, AZURE_TYPES.backupPolicy, AZURE_TYPES.securityAssessment]);
const TABLE_TYPES: readonly string[] = [AZURE_TYPES.protectedItem, AZURE_TYPES.backupPolicy, AZURE_TYPES.securityAssessment].sort();
// Enough VMs that the assessments take more than one 1,000-row page.
const RESOURCES = 20_000;

const tally = (findings: readonly Finding[], control: string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const f of findings.filter((x) => x.control === control)) out[f.status] = (out[f.status] ?? 0) + 1;
  return out;
};

function collect(sandbox: Sandbox, config: Record<string, unknown> = {}): Promise<AzureCollected> {
  return collectAzureSandbox(sandbox, { config: { subscriptions: [...sandbox.azure.subscriptions], ...config }, types: TYPES, controls: CONTROLS });
}

/** What the sandbox serves of a table over every subscription: the rows a complete collection must return. */
function served(sandbox: Sandbox, table: string, types: readonly string[], names?: readonly string[]): number {
  return new AzureTableRows(sandbox.azure.estate).count(table, sandbox.azure.subscriptions, types, names);
}

describe('Resource Graph tables besides resources', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ azure: { resources: RESOURCES } });
  });
  afterAll(() => sandbox.close());

  it('reads every protected item, policy and VM assessment, page by page, in the ARM shape and canonical types', async () => {
    const { resources, run, calls } = await collect(sandbox);
    const of = (type: string) => resources.filter((r) => r.type === type);
    const assessments = of(AZURE_TYPES.securityAssessment);
    expect(assessments.length).toBe(served(sandbox, 'securityresources', ['microsoft.security/assessments'], Object.values(VULNERABILITY_ASSESSMENT_KEYS)));
    expect(assessments.length).toBeGreaterThan(1000);
    expect(new Set(assessments.map((a) => a.id)).size).toBe(assessments.length);
    expect(new Set(assessments.map((a) => a.name))).toEqual(new Set(Object.values(VULNERABILITY_ASSESSMENT_KEYS)));
    expect(of(AZURE_TYPES.protectedItem).length).toBe(served(sandbox, 'recoveryservicesresources', ['microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems']));
    expect(of(AZURE_TYPES.backupPolicy).map((p) => p.name).sort()).toEqual(['DefaultPolicy', 'EnhancedPolicy-60d', 'WeeklyPolicy']);
    const item = of(AZURE_TYPES.protectedItem)[0]!;
    expect(item.configuration.properties).toMatchObject({ protectedItemType: 'Microsoft.Compute/virtualMachines', sourceResourceId: expect.stringMatching(/\/virtualMachines\//) as unknown });
    expect(item.account).toBe(sandbox.azure.subscriptions[0]);
    // One query for resources, one per table, and further pages of the assessments.
    expect(calls.get('ListResourceGraphResources 200')).toBeGreaterThanOrEqual(4);
    for (const scope of run.coverage) {
      expect(scope.outcome.status).toBe('ok');
      expect(scope.types).toEqual(expect.arrayContaining(TABLE_TYPES));
      expect(scope.gaps ?? []).toEqual([]);
    }
  }, 120_000);

  it('shows pass, fail and unknown for the three controls on the sandbox estate', async () => {
    const { findings } = await collect(sandbox);
    const backup = tally(findings, 'azure-vm-backup-protected');
    expect(backup.pass).toBeGreaterThan(0);
    expect(backup.fail).toBeGreaterThan(0);
    expect(backup.unknown).toBeUndefined();
    // The VA solution follows the subscription's Defender for Servers plan: Standard in the first, Free in the second.
    const [first, second] = sandbox.azure.subscriptions;
    const va = findings.filter((f) => f.control === 'azure-vm-vulnerability-assessment-enabled');
    expect(va.filter((f) => f.account === first).every((f) => f.status === 'pass')).toBe(true);
    expect(va.filter((f) => f.account === second).every((f) => f.status === 'fail')).toBe(true);
    const resolved = findings.filter((f) => f.control === 'azure-vm-vulnerability-findings-resolved');
    expect(resolved.length).toBeGreaterThan(0);
    expect(resolved.every((f) => f.account === first)).toBe(true);
    expect(tally(findings, 'azure-vm-vulnerability-findings-resolved')).toEqual({ pass: expect.any(Number) as unknown, fail: expect.any(Number) as unknown });
    // The second subscription has no vault: none of its VMs is protected.
    expect(findings.filter((f) => f.control === 'azure-vm-backup-protected' && f.account === second).every((f) => f.status === 'fail')).toBe(true);
  }, 120_000);
});

describe('what the credential cannot read', () => {
  it('a protected-item type the role cannot read (Resource Graph drops its rows) makes every VM unknown, not unprotected', async () => {
    const sandbox = await startSandbox({ azure: { resources: 600, unreadableTypes: [AZURE_TYPES.protectedItem] } });
    try {
      const { run, findings } = await collect(sandbox);
      for (const scope of run.coverage) expect(scope.gaps?.find((g) => g.types.includes(AZURE_TYPES.protectedItem))?.reason.en).toMatch(/grants Microsoft\.RecoveryServices\/vaults\/backupFabrics\/protectionContainers\/protectedItems\/read/);
      expect(tally(findings, 'azure-vm-backup-protected')).toEqual({ unknown: expect.any(Number) as unknown });
      // Assessments were readable: those controls still judge.
      expect(tally(findings, 'azure-vm-vulnerability-assessment-enabled').pass).toBeGreaterThan(0);
    } finally {
      await sandbox.close();
    }
  }, 120_000);

  it.each(['resourceGraph', 'arm'] as const)('a malformed protected item or assessment (source %s) makes the controls over its subscription unknown, never failed', async (source) => {
    const sandbox = await startSandbox({ azure: { resources: 600 } });
    try {
      sandbox.setFaults({ malformedRate: 0.3, seed: 9 });
      const { resources, findings } = await collect(sandbox, { source });
      const broken = resources.filter((r) => r.malformed !== undefined && TABLE_TYPES.includes(r.type));
      expect(broken.length).toBeGreaterThan(0);
      for (const account of new Set(broken.map((r) => r.account))) {
        const types = new Set(broken.filter((r) => r.account === account).map((r) => r.type));
        const judged = CONTROL_IDS.filter((id) => CONTROLS.find((c) => c.id === id)!.context.some((x) => types.has(x.type)));
        const here = findings.filter((f) => f.account === account && judged.includes(f.control));
        expect(here.length).toBeGreaterThan(0);
        expect(here.every((f) => f.status === 'unknown')).toBe(true);
      }
    } finally {
      await sandbox.close();
    }
  }, 120_000);

  it('a truncated result leaves the table types a gap', async () => {
    const sandbox = await startSandbox({ azure: { resources: 600, graphTruncated: true } });
    try {
      const { run, findings } = await collect(sandbox);
      for (const scope of run.coverage) expect(scope.gaps?.flatMap((g) => g.types)).toEqual(expect.arrayContaining(TABLE_TYPES));
      for (const id of CONTROL_IDS) expect(tally(findings, id).pass).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  }, 120_000);

  it('a subscription the credential cannot see is a failed scope: its VMs are not judged unprotected', async () => {
    const probe = await startSandbox({ azure: { resources: 600 } });
    const [, hidden = ''] = probe.azure.subscriptions;
    await probe.close();
    const sandbox = await startSandbox({ azure: { resources: 600, hiddenSubscriptions: [hidden] } });
    try {
      const { run, findings } = await collect(sandbox);
      expect(run.coverage.find((c) => c.account === hidden)?.outcome.status).toBe('failed');
      expect(findings.filter((f) => f.account === hidden && CONTROL_IDS.includes(f.control)).every((f) => f.status === 'unknown')).toBe(true);
    } finally {
      await sandbox.close();
    }
  }, 120_000);
});
