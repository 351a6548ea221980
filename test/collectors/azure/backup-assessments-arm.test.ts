/**
 * The ARM source of Azure Backup items and policies (Backup Protected Items - List and Backup Policies - List per
 * Recovery Services vault) and of Defender for Cloud assessments (Assessments - List per subscription), issue #14:
 * the real @azure/arm-resources client against the sandbox. The verdicts must be the ones Resource Graph gives on the
 * same estate (a differential test), every page must be read, and a list ARM refuses must leave the dependent VMs
 * unknown, never unprotected.
 */
import { azureBound } from '../../../bench/bounds.js';
import { AZURE_TYPES } from '../../../collectors/azure/normalize.js';
import { VULNERABILITY_ASSESSMENT_KEYS } from '../../../collectors/azure/graph-tables.js';
import type { Finding } from '../../../src/evaluate/assessment.js';
import type { Resource } from '../../../src/model/resource.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { AzureTableRows } from '../../../src/sandbox/estate/azure-tables.js';
import { bundledMappings } from '../../support/evaluate.js';
import { collectAzureSandbox, type AzureCollected } from '../../support/azure-collect.js';

const CONTROL_IDS = ['azure-vm-backup-protected', 'azure-vm-vulnerability-assessment-enabled', 'azure-vm-vulnerability-findings-resolved'];
const CONTROLS = bundledMappings().controls.filter((c) => CONTROL_IDS.includes(c.id));
const TYPES = new Set([AZURE_TYPES.virtualMachine, AZURE_TYPES.protectedItem, AZURE_TYPES.backupPolicy, AZURE_TYPES.securityAssessment]);
const TABLE_TYPES: readonly string[] = [AZURE_TYPES.protectedItem, AZURE_TYPES.backupPolicy, AZURE_TYPES.securityAssessment];
const PROTECTED_ITEM_ROW = 'microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems';
// A few thousand resources: hundreds of VMs, so pages of 40 entries make every list take several pages.
const RESOURCES = 3_000;
const PAGE = 40;

function collect(sandbox: Sandbox, config: Record<string, unknown> = {}): Promise<AzureCollected> {
  return collectAzureSandbox(sandbox, { config: { subscriptions: [...sandbox.azure.subscriptions], ...config }, types: TYPES, controls: CONTROLS });
}

const verdicts = (findings: readonly Finding[]): Map<string, string> => new Map(findings.map((f) => [`${f.control} ${f.resourceId.toLowerCase()}`, f.status]));
const tally = (findings: readonly Finding[], control: string, account?: string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const f of findings.filter((x) => x.control === control && (account === undefined || x.account === account))) out[f.status] = (out[f.status] ?? 0) + 1;
  return out;
};
/** What controls read of a record: everything but when it was captured (and, for an assessment, how its resourceDetails is spelt). */
const comparable = (r: Resource): unknown => ({ ...r, capturedAt: '', configuration: { ...r.configuration, properties: { ...(r.configuration.properties as object), resourceDetails: undefined } } });
const byId = (resources: readonly Resource[], type: string): Map<string, unknown> => new Map(resources.filter((r) => r.type === type).map((r) => [r.id.toLowerCase(), comparable(r)]));

describe('Azure Backup and Defender assessments through ARM', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ azure: { resources: RESOURCES, backupSecurityPageSize: PAGE } });
  });
  afterAll(() => sandbox.close());

  it('gives every VM the verdict Resource Graph gives it, from the same records', async () => {
    const graph = await collect(sandbox);
    const arm = await collect(sandbox, { source: 'arm' });
    for (const scope of arm.run.coverage) {
      expect(scope.outcome.status).toBe('ok');
      expect(scope.types).toEqual(expect.arrayContaining(TABLE_TYPES));
      expect(scope.gaps ?? []).toEqual([]);
    }
    const judged = graph.findings.filter((f) => CONTROL_IDS.includes(f.control));
    expect(judged.length).toBeGreaterThan(0);
    expect(verdicts(arm.findings)).toEqual(verdicts(graph.findings));
    for (const id of CONTROL_IDS) expect(tally(arm.findings, id).pass).toBeGreaterThan(0);
    expect(tally(arm.findings, 'azure-vm-backup-protected').fail).toBeGreaterThan(0);
    for (const type of TABLE_TYPES) {
      const fromArm = byId(arm.resources, type);
      expect(fromArm.size).toBeGreaterThan(0);
      expect(fromArm).toEqual(byId(graph.resources, type));
    }
    // ARM spells the assessed resource { source, id }; Resource Graph { Source, Id }.
    const assessment = arm.resources.find((r) => r.type === AZURE_TYPES.securityAssessment)!;
    expect((assessment.configuration.properties as { resourceDetails: unknown }).resourceDetails).toEqual({ source: 'Azure', id: expect.stringMatching(/\/virtualMachines\//) as unknown });
    // ARM only: no Resource Graph query at all.
    expect([...arm.calls.keys()].filter((k) => k.startsWith('ListResourceGraphResources'))).toEqual([]);
  }, 120_000);

  it('follows nextLink through every page of the vault lists and of the assessments', async () => {
    const { resources, calls } = await collect(sandbox, { source: 'arm' });
    const rows = new AzureTableRows(sandbox.azure.estate);
    const items = rows.count('recoveryservicesresources', sandbox.azure.subscriptions, [PROTECTED_ITEM_ROW]);
    expect(items).toBeGreaterThan(2 * PAGE);
    expect(resources.filter((r) => r.type === AZURE_TYPES.protectedItem)).toHaveLength(items);
    expect(calls.get('ListBackupProtectedItems 200')).toBe(Math.ceil(items / PAGE));
    const assessments = rows.count('securityresources', sandbox.azure.subscriptions, ['microsoft.security/assessments'], Object.values(VULNERABILITY_ASSESSMENT_KEYS));
    // The list holds every assessment of the subscription (scale sets' too); only the two keys are kept.
    expect(rows.count('securityresources', sandbox.azure.subscriptions, ['microsoft.security/assessments'])).toBeGreaterThan(assessments);
    expect(resources.filter((r) => r.type === AZURE_TYPES.securityAssessment)).toHaveLength(assessments);
    expect(new Set(resources.filter((r) => r.type === AZURE_TYPES.securityAssessment).map((r) => r.name))).toEqual(new Set(Object.values(VULNERABILITY_ASSESSMENT_KEYS)));
    expect(calls.get('ListSecurityAssessments 200')).toBeGreaterThan(sandbox.azure.subscriptions.length);
    // One vault, one page of three policies.
    expect(calls.get('ListBackupPolicies 200')).toBe(1);
    // The live bench's lower bound for these lists (bench/bounds.ts) is exactly what was called.
    const bound = azureBound(sandbox.azure.estate, CONTROLS, 'arm').parts['Azure Backup + Defender lists (ARM)'];
    expect(bound).toBe(['ListBackupProtectedItems', 'ListBackupPolicies', 'ListSecurityAssessments'].reduce((sum, op) => sum + (calls.get(`${op} 200`) ?? 0), 0));
    expect(resources.filter((r) => r.type === AZURE_TYPES.backupPolicy).map((p) => p.name).sort()).toEqual(['DefaultPolicy', 'EnhancedPolicy-60d', 'WeeklyPolicy']);
  }, 120_000);

  it('falls back to ARM where Resource Graph refuses the identity, with the same verdicts', async () => {
    const refused = await startSandbox({ azure: { resources: RESOURCES, backupSecurityPageSize: PAGE, resourceGraphDenied: true } });
    try {
      const fallback = await collect(refused);
      const graph = await collect(sandbox);
      for (const scope of fallback.run.coverage) expect(scope.gaps ?? []).toEqual([]);
      expect(fallback.calls.get('ListBackupProtectedItems 200')).toBeGreaterThan(0);
      expect(verdicts(fallback.findings)).toEqual(verdicts(graph.findings));
    } finally {
      await refused.close();
    }
  }, 120_000);
});

describe('what ARM refuses', () => {
  let vault = '';
  let first = '';
  let second = '';
  beforeAll(async () => {
    const probe = await startSandbox({ azure: { resources: 600 } });
    [first = '', second = ''] = probe.azure.subscriptions;
    const estate = probe.azure.estate;
    const cell = estate.select({ types: [AZURE_TYPES.recoveryVault] })[0]!;
    vault = estate.idOf(cell, 0);
    await probe.close();
  });

  it('a vault whose protected items ARM refuses (403) makes its subscription\'s VMs unknown, not unprotected', async () => {
    const sandbox = await startSandbox({ azure: { resources: 600, deniedBackupVaults: [vault] } });
    try {
      const { run, findings, calls } = await collect(sandbox, { source: 'arm' });
      expect(calls.get('ListBackupProtectedItems AuthorizationFailed')).toBeGreaterThan(0);
      const scope = run.coverage.find((c) => c.account === first)!;
      const gaps = scope.gaps ?? [];
      expect(gaps.flatMap((g) => g.types)).toEqual(expect.arrayContaining([AZURE_TYPES.protectedItem, AZURE_TYPES.backupPolicy]));
      expect(gaps.find((g) => g.types.includes(AZURE_TYPES.protectedItem))?.reason.en).toMatch(/AuthorizationFailed.*grant Microsoft\.RecoveryServices\/vaults\/backupFabrics\/protectionContainers\/protectedItems\/read/);
      expect(gaps.find((g) => g.types.includes(AZURE_TYPES.protectedItem))?.reason.ja).toMatch(/読み取れませんでした/);
      expect(tally(findings, 'azure-vm-backup-protected', first)).toEqual({ unknown: expect.any(Number) as unknown });
      // The other subscription has no vault, so nothing was refused there: its VMs are judged (and unprotected).
      expect(tally(findings, 'azure-vm-backup-protected', second)).toEqual({ fail: expect.any(Number) as unknown });
      // Assessments were readable: those controls still judge.
      expect(tally(findings, 'azure-vm-vulnerability-assessment-enabled', first)).toEqual({ pass: expect.any(Number) as unknown });
    } finally {
      await sandbox.close();
    }
  }, 120_000);

  it('a vault list ARM refuses (403 on the vaults) leaves the backup types gaps, not an estate without vaults', async () => {
    const sandbox = await startSandbox({ azure: { resources: 600, unreadableTypes: [AZURE_TYPES.recoveryVault] } });
    try {
      const { run, findings } = await collect(sandbox, { source: 'arm' });
      for (const scope of run.coverage.filter((c) => c.account === first)) expect(scope.gaps?.flatMap((g) => g.types)).toEqual(expect.arrayContaining([AZURE_TYPES.protectedItem, AZURE_TYPES.backupPolicy]));
      expect(tally(findings, 'azure-vm-backup-protected', first).fail).toBeUndefined();
      expect(tally(findings, 'azure-vm-backup-protected', first).pass).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  }, 120_000);

  it('assessments ARM refuses (403) make the vulnerability controls unknown, naming the missing action', async () => {
    const sandbox = await startSandbox({ azure: { resources: 600, unreadableTypes: [AZURE_TYPES.securityAssessment] } });
    try {
      const { run, findings, calls } = await collect(sandbox, { source: 'arm' });
      expect(calls.get('ListSecurityAssessments AuthorizationFailed')).toBeGreaterThan(0);
      // The role check names the missing action first (read-access.ts); ARM's 403 says the same.
      for (const scope of run.coverage) expect(scope.gaps?.find((g) => g.types.includes(AZURE_TYPES.securityAssessment))?.reason.en).toMatch(/Microsoft\.Security\/assessments\/read/);
      for (const id of ['azure-vm-vulnerability-assessment-enabled', 'azure-vm-vulnerability-findings-resolved']) expect(tally(findings, id)).toEqual({ unknown: expect.any(Number) as unknown });
      expect(tally(findings, 'azure-vm-backup-protected', first).pass).toBeGreaterThan(0);
    } finally {
      await sandbox.close();
    }
  }, 120_000);
});
