/**
 * Azure coverage controls beyond the five areas (mappings/controls/azure/{detection,monitoring,resilience,
 * vulnerability}.yaml): pass / fail / unknown over real-shaped ARM bodies through the real normalizer.
 */
import { readFileSync } from 'node:fs';
import { normalizeArmResource, type NormalizeOptions } from '../../../collectors/azure/normalize.js';
import type { Finding } from '../../../src/evaluate/assessment.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import type { CollectionScope } from '../../../src/model/resource.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

/** Hand-written ARM bodies in documented shapes (test/fixtures/azure/SOURCES.md). */
const samples = JSON.parse(readFileSync(new URL('../../fixtures/azure/arm-samples.json', import.meta.url), 'utf8')) as Record<string, Record<string, unknown> & { id: string; properties: Record<string, unknown> }>;
const SUB = '00000000-1111-4222-8333-444444444444';
const SUB2 = '00000000-1111-4222-8333-555555555555';
const rg = (sub = SUB): string => `/subscriptions/${sub}/resourceGroups/rg-app/providers`;

type Input = { body: unknown; options?: NormalizeOptions };
const arm = (body: unknown, options?: NormalizeOptions): Input => ({ body, ...(options ? { options } : {}) });

function assess(inputs: readonly Input[], accounts: readonly string[] = [SUB], failed: readonly string[] = []): readonly Finding[] {
  const resources = inputs.map((i) => normalizeArmResource(i.body, i.options));
  const coverage = [...accounts, ...failed].map((account): CollectionScope => ({
    provider: 'azure',
    account,
    region: 'global',
    types: 'all',
    outcome: failed.includes(account) ? { status: 'failed', error: 'AuthorizationFailed: denied', at: NOW.toISOString() } : { status: 'ok', collectedAt: NOW.toISOString() },
  }));
  const { controls, catalog, attestations } = bundledMappings();
  return evaluate(resources, coverage, controls, catalog, attestations, NOW).findings;
}

function findings(inputs: readonly Input[], control: string, accounts?: readonly string[], failed?: readonly string[]): Record<string, Pick<Finding, 'status' | 'reason'>> {
  const out: Record<string, Pick<Finding, 'status' | 'reason'>> = {};
  for (const f of assess(inputs, accounts, failed)) if (f.control === control) out[f.resourceId] = f.reason === undefined ? { status: f.status } : { status: f.status, reason: f.reason };
  return out;
}

function pricing(plan: string, properties: Record<string, unknown>, sub = SUB): Input {
  return arm({ id: `/subscriptions/${sub}/providers/Microsoft.Security/pricings/${plan}`, name: plan, type: 'Microsoft.Security/pricings', properties }, { type: 'Microsoft.Security/pricings', parent: { type: 'Microsoft.Resources/subscriptions', id: `/subscriptions/${sub}`, location: 'global' } });
}
const pricingId = (plan: string, sub = SUB): string => `/subscriptions/${sub}/providers/Microsoft.Security/pricings/${plan}`;

describe('2-7 Defender for Cloud plans', () => {
  it('azure-defender-key-plans-standard: Standard passes, Free fails, missing tier unknown, other plans not judged', () => {
    const f = findings(
      [
        pricing('VirtualMachines', { pricingTier: 'Standard', subPlan: 'P2', freeTrialRemainingTime: 'PT0S' }),
        pricing('SqlServers', { pricingTier: 'Free', freeTrialRemainingTime: 'P30D' }),
        pricing('KeyVaults', { freeTrialRemainingTime: 'PT0S' }),
        pricing('AppServices', { pricingTier: 'Free' }),
        pricing('StorageAccounts', { pricingTier: 'Free', deprecated: true }),
      ],
      'azure-defender-key-plans-standard',
    );
    expect(f[pricingId('VirtualMachines')]).toEqual({ status: 'pass' });
    expect(f[pricingId('SqlServers')]).toEqual({ status: 'fail', reason: 'Defender for Cloud plan SqlServers is on the Free tier' });
    expect(f[pricingId('KeyVaults')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: pricingTier is not in the payload' });
    expect(f[pricingId('AppServices')]).toBeUndefined();
    expect(f[pricingId('StorageAccounts')]).toBeUndefined();
  });
});

function appGateway(name: string, properties: Record<string, unknown>): Input {
  return arm({ id: `${rg()}/Microsoft.Network/applicationGateways/${name}`, name, type: 'Microsoft.Network/applicationGateways', location: 'japaneast', zones: ['1', '2', '3'], properties: { provisioningState: 'Succeeded', ...properties } });
}
const agwId = (name: string): string => `${rg()}/Microsoft.Network/applicationGateways/${name}`;

describe('5-4 web application firewall', () => {
  it('azure-application-gateway-waf: linked policy or inline prevention passes; detection or no WAF fails; malformed unknown', () => {
    const f = findings(
      [
        appGateway('agw-policy', { sku: { name: 'WAF_v2', tier: 'WAF_v2' }, firewallPolicy: { id: `${rg()}/Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/waf-1` } }),
        appGateway('agw-inline', { sku: { name: 'WAF_v2', tier: 'WAF_v2' }, webApplicationFirewallConfiguration: { enabled: true, firewallMode: 'Prevention', ruleSetType: 'OWASP', ruleSetVersion: '3.2' } }),
        appGateway('agw-detect', { sku: { name: 'WAF_v2', tier: 'WAF_v2' }, webApplicationFirewallConfiguration: { enabled: true, firewallMode: 'Detection', ruleSetType: 'OWASP', ruleSetVersion: '3.2' } }),
        appGateway('agw-std', { sku: { name: 'Standard_v2', tier: 'Standard_v2' } }),
        arm({ id: agwId('agw-broken'), name: 'agw-broken', type: 'Microsoft.Network/applicationGateways', location: 'japaneast', properties: 'not json' }),
      ],
      'azure-application-gateway-waf',
    );
    expect(f[agwId('agw-policy')]).toEqual({ status: 'pass' });
    expect(f[agwId('agw-inline')]).toEqual({ status: 'pass' });
    expect(f[agwId('agw-detect')]).toEqual({ status: 'fail', reason: 'application gateway agw-detect: WAF in Detection mode' });
    expect(f[agwId('agw-std')]).toEqual({ status: 'fail', reason: 'application gateway agw-std: no WAF (sku tier Standard_v2)' });
    expect(f[agwId('agw-broken')]?.status).toBe('unknown');
  });

  it('azure-waf-policy-prevention: Application Gateway and Front Door (Resource Graph lower-case type) policies', () => {
    const agwPolicy = (name: string, policySettings?: Record<string, unknown>): Input =>
      arm({ id: `${rg()}/Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/${name}`, name, type: 'Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies', location: 'japaneast', properties: { ...(policySettings ? { policySettings } : {}), managedRules: { managedRuleSets: [{ ruleSetType: 'OWASP', ruleSetVersion: '3.2' }] } } });
    const fdId = `${rg()}/Microsoft.Network/frontdoorWebApplicationFirewallPolicies/fdwaf`;
    const f = findings(
      [
        agwPolicy('waf-prev', { state: 'Enabled', mode: 'Prevention', requestBodyCheck: true }),
        agwPolicy('waf-det', { state: 'Enabled', mode: 'Detection' }),
        agwPolicy('waf-off', { state: 'Disabled', mode: 'Prevention' }),
        agwPolicy('waf-none'),
        arm({ id: fdId, name: 'fdwaf', type: 'microsoft.network/frontdoorwebapplicationfirewallpolicies', location: 'global', sku: { name: 'Premium_AzureFrontDoor' }, resourceGroup: 'rg-app', subscriptionId: SUB, properties: { policySettings: { enabledState: 'Enabled', mode: 'Prevention' } } }),
      ],
      'azure-waf-policy-prevention',
    );
    const id = (n: string): string => `${rg()}/Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/${n}`;
    expect(f[id('waf-prev')]).toEqual({ status: 'pass' });
    expect(f[id('waf-det')]).toEqual({ status: 'fail', reason: 'WAF policy waf-det: state Enabled, mode Detection' });
    expect(f[id('waf-off')]).toEqual({ status: 'fail', reason: 'WAF policy waf-off: state Disabled, mode Prevention' });
    expect(f[id('waf-none')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: policySettings is not in the payload' });
    expect(f[fdId]).toEqual({ status: 'pass' });
  });
});

function metricAlert(name: string, properties: Record<string, unknown>, sub = SUB): Input {
  return arm({ id: `${rg(sub)}/Microsoft.Insights/metricAlerts/${name}`, name, type: 'Microsoft.Insights/metricAlerts', location: 'global', properties: { severity: 2, scopes: [`/subscriptions/${sub}`], criteria: { 'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria', allOf: [] }, ...properties } });
}
const group = (sub = SUB): string => `/subscriptions/${sub}/resourceGroups/rg-ops/providers/microsoft.insights/actionGroups/oncall`;

describe('7-1 monitoring with notification', () => {
  it('azure-monitor-alert-action-group: an enabled alert with an action group passes; disabled or silent alerts fail; a denied subscription is unknown', () => {
    const SUB3 = '00000000-1111-4222-8333-666666666666';
    const inputs = [
      metricAlert('cpu', { enabled: true, actions: [{ actionGroupId: group(), webHookProperties: {} }] }),
      metricAlert('disk', { enabled: false, actions: [{ actionGroupId: group(SUB2) }] }, SUB2),
      metricAlert('mem', { enabled: true, actions: [] }, SUB2),
      arm({ id: `${rg(SUB2)}/Microsoft.Insights/activityLogAlerts/admin`, name: 'admin', type: 'Microsoft.Insights/activityLogAlerts', location: 'global', properties: { enabled: true, scopes: [`/subscriptions/${SUB2}`], condition: { allOf: [{ field: 'category', equals: 'Administrative' }] }, actions: { actionGroups: [] } } }),
    ];
    const all = assess(inputs, [SUB, SUB2], [SUB3]).filter((x) => x.control === 'azure-monitor-alert-action-group');
    expect(all.find((x) => x.account === SUB)?.status).toBe('pass');
    const second = all.find((x) => x.account === SUB2);
    expect(second?.status).toBe('fail');
    expect(second?.reason).toMatch(/alert (disk: disabled|mem: no action group|admin: no action group)/);
    expect(all.find((x) => x.account === SUB3)?.status).toBe('unknown');
  });

  it('an activity-log alert with an action group also satisfies 7-1', () => {
    const inputs = [arm({ id: `${rg()}/Microsoft.Insights/activityLogAlerts/sh`, name: 'sh', type: 'Microsoft.Insights/activityLogAlerts', location: 'global', properties: { enabled: true, condition: { allOf: [{ field: 'category', equals: 'ServiceHealth' }] }, actions: { actionGroups: [{ actionGroupId: group() }] } } })];
    expect(assess(inputs).find((x) => x.control === 'azure-monitor-alert-action-group')?.status).toBe('pass');
  });
});

function workspace(name: string, properties: Record<string, unknown>): Input {
  return arm({ id: `${rg()}/Microsoft.OperationalInsights/workspaces/${name}`, name, type: 'Microsoft.OperationalInsights/workspaces', location: 'japaneast', properties: { provisioningState: 'Succeeded', sku: { name: 'PerGB2018' }, ...properties } });
}

describe('3-13 log retention', () => {
  it('azure-log-analytics-retention-365: ≥ 365 days passes, the 30-day default fails, absent is unknown', () => {
    const f = findings([workspace('law-long', { retentionInDays: 730 }), workspace('law-year', { retentionInDays: 365 }), workspace('law-default', { retentionInDays: 30 }), workspace('law-nofield', {})], 'azure-log-analytics-retention-365');
    const id = (n: string): string => `${rg()}/Microsoft.OperationalInsights/workspaces/${n}`;
    expect(f[id('law-long')]).toEqual({ status: 'pass' });
    expect(f[id('law-year')]).toEqual({ status: 'pass' });
    expect(f[id('law-default')]).toEqual({ status: 'fail', reason: 'workspace law-default keeps logs for 30 days (< 365)' });
    expect(f[id('law-nofield')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: retentionInDays is not in the payload' });
  });
});

function storage(name: string, sku: string | undefined): Input {
  return arm({ id: `${rg()}/Microsoft.Storage/storageAccounts/${name}`, name, type: 'Microsoft.Storage/storageAccounts', location: 'japaneast', kind: 'StorageV2', ...(sku ? { sku: { name: sku, tier: 'Standard' } } : {}), properties: { supportsHttpsTrafficOnly: true } });
}
const stId = (n: string): string => `${rg()}/Microsoft.Storage/storageAccounts/${n}`;

describe('7-7 / 7-9 zone redundancy', () => {
  it('azure-storage-zone-redundant: ZRS, GZRS, RA-GZRS pass; LRS, GRS fail; no sku unknown', () => {
    const f = findings([storage('stzrs', 'Standard_ZRS'), storage('stgzrs', 'Standard_GZRS'), storage('stragzrs', 'Standard_RAGZRS'), storage('stpzrs', 'Premium_ZRS'), storage('stlrs', 'Standard_LRS'), storage('stgrs', 'Standard_GRS'), storage('stnosku', undefined)], 'azure-storage-zone-redundant');
    for (const n of ['stzrs', 'stgzrs', 'stragzrs', 'stpzrs']) expect(f[stId(n)]).toEqual({ status: 'pass' });
    expect(f[stId('stlrs')]).toEqual({ status: 'fail', reason: 'storage account stlrs is Standard_LRS: copies are kept in a single availability zone' });
    expect(f[stId('stgrs')]?.status).toBe('fail');
    expect(f[stId('stnosku')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: sku is not in the payload' });
  });

  it('azure-sql-database-zone-redundant: zoneRedundant true passes, false or absent fails, master is not judged', () => {
    const db = (server: string, name: string, properties: Record<string, unknown> | string): Input =>
      arm({ id: `${rg()}/Microsoft.Sql/servers/${server}/databases/${name}`, name, type: 'Microsoft.Sql/servers/databases', location: 'japaneast', sku: { name: 'GP_Gen5', tier: 'GeneralPurpose' }, properties });
    const id = (server: string, name: string): string => `${rg()}/Microsoft.Sql/servers/${server}/databases/${name}`;
    const f = findings([db('sql1', 'appdb', { zoneRedundant: true, status: 'Online' }), db('sql2', 'appdb', { zoneRedundant: false }), db('sql3', 'appdb', { status: 'Online' }), db('sql1', 'master', { zoneRedundant: false }), db('sql4', 'broken', 'not json')], 'azure-sql-database-zone-redundant');
    expect(f[id('sql1', 'appdb')]).toEqual({ status: 'pass' });
    expect(f[id('sql2', 'appdb')]).toEqual({ status: 'fail', reason: 'SQL database appdb is not zone-redundant' });
    expect(f[id('sql3', 'appdb')]?.status).toBe('fail');
    expect(f[id('sql1', 'master')]).toBeUndefined();
    expect(f[id('sql4', 'broken')]?.status).toBe('unknown');
  });
});

describe('8-2 backups', () => {
  it('azure-recovery-services-vault: a vault passes its subscription; none fails; a failed collection is unknown', () => {
    const SUB3 = '00000000-1111-4222-8333-666666666666';
    const vault = arm({ id: `${rg()}/Microsoft.RecoveryServices/vaults/rsv-1`, name: 'rsv-1', type: 'Microsoft.RecoveryServices/vaults', location: 'japaneast', sku: { name: 'RS0', tier: 'Standard' }, properties: { provisioningState: 'Succeeded', redundancySettings: { standardTierStorageRedundancy: 'GeoRedundant' } } });
    const all = assess([vault, storage('stother', 'Standard_LRS')], [SUB, SUB2], [SUB3]).filter((x) => x.control === 'azure-recovery-services-vault');
    expect(all.find((x) => x.account === SUB)?.status).toBe('pass');
    expect(all.find((x) => x.account === SUB2)?.status).toBe('fail');
    expect(all.find((x) => x.account === SUB3)?.status).toBe('unknown');
  });

  it('azure-sql-database-long-term-retention: any period other than PT0S passes, all PT0S fails, no periods unknown, master not judged', () => {
    const dbOf = (id: string): string => id.split('/backupLongTermRetentionPolicies')[0]!;
    const ltr = (body: Record<string, unknown> & { id: string }): Input =>
      arm(body, { type: 'Microsoft.Sql/servers/databases/backupLongTermRetentionPolicies', parent: { type: 'Microsoft.Sql/servers/databases', id: dbOf(body.id), location: 'japaneast' } });
    const full = samples.ltr_full!;
    const yearly = samples.ltr_yearly_only!;
    const off = samples.ltr_off!;
    const zeroDays = { ...off, id: off.id.replace('/sessions/', '/cache/'), properties: { weeklyRetention: 'P0D', monthlyRetention: 'PT0S', yearlyRetention: 'PT0S', weekOfYear: 0 } };
    const blank = { ...off, id: off.id.replace('/sessions/', '/blank/'), properties: { weekOfYear: 0 } };
    const master = { ...full, id: full.id.replace('/orders/', '/master/') };
    const f = findings([ltr(full), ltr(yearly), ltr(off), ltr(zeroDays), ltr(blank), ltr(master)], 'azure-sql-database-long-term-retention');
    expect(f[full.id]).toEqual({ status: 'pass' });
    expect(f[yearly.id]).toEqual({ status: 'pass' });
    expect(f[off.id]).toEqual({ status: 'fail', reason: `long-term backup retention is off for ${dbOf(off.id)} (weekly PT0S, monthly PT0S, yearly PT0S)` });
    expect(f[zeroDays.id]).toEqual({ status: 'fail', reason: `long-term backup retention is off for ${dbOf(zeroDays.id)} (weekly P0D, monthly PT0S, yearly PT0S)` });
    expect(f[blank.id]).toEqual({ status: 'unknown', reason: 'cannot evaluate: weeklyRetention, monthlyRetention and yearlyRetention are not in the payload' });
    expect(f[master.id]).toBeUndefined();
  });

  it('azure-storage-blob-soft-delete: enabled passes, disabled fails, malformed unknown', () => {
    const blob = (account: string, properties: unknown): Input =>
      arm({ id: `${stId(account)}/blobServices/default`, name: 'default', type: 'Microsoft.Storage/storageAccounts/blobServices', sku: { name: 'Standard_LRS' }, properties }, { type: 'Microsoft.Storage/storageAccounts/blobServices', parent: { type: 'Microsoft.Storage/storageAccounts', id: stId(account), location: 'japaneast' } });
    const f = findings([blob('st1', { deleteRetentionPolicy: { allowPermanentDelete: false, enabled: true, days: 14 } }), blob('st2', { deleteRetentionPolicy: { allowPermanentDelete: false, enabled: false } }), blob('st3', 'not json')], 'azure-storage-blob-soft-delete');
    expect(f[`${stId('st1')}/blobServices/default`]).toEqual({ status: 'pass' });
    expect(f[`${stId('st2')}/blobServices/default`]).toEqual({ status: 'fail', reason: `blob soft delete is off for ${stId('st2')}/blobServices/default` });
    expect(f[`${stId('st3')}/blobServices/default`]?.status).toBe('unknown');
  });
});

function vm(name: string, osProfile: Record<string, unknown> | undefined): Input {
  return arm({ id: `${rg()}/Microsoft.Compute/virtualMachines/${name}`, name, type: 'Microsoft.Compute/virtualMachines', location: 'japaneast', zones: ['1'], properties: { hardwareProfile: { vmSize: 'Standard_D2s_v5' }, ...(osProfile ? { osProfile } : {}), storageProfile: { osDisk: { osType: 'Linux' } }, provisioningState: 'Succeeded' } });
}
const vmId = (n: string): string => `${rg()}/Microsoft.Compute/virtualMachines/${n}`;

describe('5-3 patching', () => {
  it('azure-vm-automatic-patching: platform / OS orchestration passes; Manual, ImageDefault fail; no osProfile unknown', () => {
    const f = findings(
      [
        vm('lin-auto', { computerName: 'a', linuxConfiguration: { patchSettings: { patchMode: 'AutomaticByPlatform', assessmentMode: 'AutomaticByPlatform' } } }),
        vm('lin-image', { computerName: 'b', linuxConfiguration: { disablePasswordAuthentication: true, patchSettings: { patchMode: 'ImageDefault' } } }),
        vm('lin-none', { computerName: 'c', linuxConfiguration: { disablePasswordAuthentication: true } }),
        vm('win-os', { computerName: 'd', windowsConfiguration: { enableAutomaticUpdates: true, patchSettings: { patchMode: 'AutomaticByOS' } } }),
        vm('win-default', { computerName: 'e', windowsConfiguration: { enableAutomaticUpdates: true } }),
        vm('win-manual', { computerName: 'f', windowsConfiguration: { enableAutomaticUpdates: false, patchSettings: { patchMode: 'Manual' } } }),
        vm('attached', undefined),
      ],
      'azure-vm-automatic-patching',
    );
    expect(f[vmId('lin-auto')]).toEqual({ status: 'pass' });
    expect(f[vmId('lin-image')]).toEqual({ status: 'fail', reason: 'VM lin-image: patchMode ImageDefault (Linux)' });
    expect(f[vmId('lin-none')]).toEqual({ status: 'fail', reason: 'VM lin-none: patchMode ImageDefault (Linux)' });
    expect(f[vmId('win-os')]).toEqual({ status: 'pass' });
    expect(f[vmId('win-default')]).toEqual({ status: 'pass' });
    expect(f[vmId('win-manual')]).toEqual({ status: 'fail', reason: 'VM win-manual: patchMode Manual (Windows)' });
    expect(f[vmId('attached')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: osProfile is not in the payload (VM created from an existing OS disk)' });
  });
});

describe('5-3 scale set patching', () => {
  const control = 'azure-vmss-automatic-patching';
  const body = (key: string): Record<string, unknown> & { id: string; properties: Record<string, unknown> } => samples[key]!;

  it('azure-vmss-automatic-patching: automatic OS upgrades, platform or OS orchestration pass; Manual and ImageDefault fail; no osProfile unknown', () => {
    const keys = ['vmss_windows_default_updates', 'vmss_linux_automatic_os_upgrade', 'vmss_flexible_linux_platform', 'vmss_linux_manual', 'vmss_windows_manual', 'vmss_specialized_image', 'vmss_flexible_without_profile'];
    const f = findings(keys.map((k) => arm(body(k))), control);
    expect(f[body('vmss_windows_default_updates').id]).toEqual({ status: 'pass' });
    expect(f[body('vmss_linux_automatic_os_upgrade').id]).toEqual({ status: 'pass' });
    expect(f[body('vmss_flexible_linux_platform').id]).toEqual({ status: 'pass' });
    expect(f[body('vmss_linux_manual').id]).toEqual({ status: 'fail', reason: 'scale set vmss-linux-manual: patchMode ImageDefault (Linux), automatic OS image upgrades off (upgrade mode Manual)' });
    expect(f[body('vmss_windows_manual').id]).toEqual({ status: 'fail', reason: 'scale set vmss-win-manual: patchMode Manual (Windows), automatic OS image upgrades off (upgrade mode Manual)' });
    expect(f[body('vmss_specialized_image').id]).toEqual({
      status: 'unknown',
      reason: 'cannot evaluate: virtualMachineProfile.osProfile is not in the payload (scale set built from a specialized image) and automatic OS image upgrades are off',
    });
    // A Flexible scale set without a VM profile only groups VMs: azure-vm-automatic-patching judges them.
    expect(f[body('vmss_flexible_without_profile').id]).toBeUndefined();
  });

  it('reads the Windows default (AutomaticByOS while automatic updates are on) and automatic OS upgrades without osProfile', () => {
    const base = body('vmss_windows_manual');
    const profile = base.properties.virtualMachineProfile as Record<string, unknown>;
    const variant = (name: string, properties: Record<string, unknown>): Input => arm({ ...base, id: base.id.replace('vmss-win-manual', name), name, properties: { ...base.properties, ...properties } });
    const id = (name: string): string => base.id.replace('vmss-win-manual', name);
    const f = findings(
      [
        // automatic updates off and no patch mode: Manual
        variant('win-updates-off', { virtualMachineProfile: { ...profile, osProfile: { computerNamePrefix: 'w', windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: false } } } }),
        // no windowsConfiguration.enableAutomaticUpdates at all: Azure's default is on
        variant('win-implicit', { virtualMachineProfile: { ...profile, osProfile: { computerNamePrefix: 'w', windowsConfiguration: { provisionVMAgent: true } } } }),
        // Windows on AutomaticByPlatform
        variant('win-platform', { virtualMachineProfile: { ...profile, osProfile: { computerNamePrefix: 'w', windowsConfiguration: { enableAutomaticUpdates: true, patchSettings: { patchMode: 'AutomaticByPlatform' } } } } }),
        // automatic OS upgrades on: enough even from a specialized image
        variant('auto-upgrade-specialized', { upgradePolicy: { mode: 'Rolling', automaticOSUpgradePolicy: { enableAutomaticOSUpgrade: true } }, virtualMachineProfile: { storageProfile: profile.storageProfile } }),
        // Resource Graph row: lower-case type, bookkeeping columns
        arm({ ...body('vmss_linux_manual'), type: 'microsoft.compute/virtualmachinescalesets', resourceGroup: 'rg-app', subscriptionId: SUB, tenantId: SUB, identity: null, plan: null, managedBy: '' }),
        arm({ ...base, id: id('broken'), name: 'broken', properties: 'not json' }),
      ],
      control,
    );
    expect(f[id('win-updates-off')]).toEqual({ status: 'fail', reason: 'scale set win-updates-off: patchMode Manual (Windows), automatic OS image upgrades off (upgrade mode Manual)' });
    expect(f[id('win-implicit')]).toEqual({ status: 'pass' });
    expect(f[id('win-platform')]).toEqual({ status: 'pass' });
    expect(f[id('auto-upgrade-specialized')]).toEqual({ status: 'pass' });
    expect(f[body('vmss_linux_manual').id]?.status).toBe('fail');
    expect(f[id('broken')]?.status).toBe('unknown');
  });
});

/** Japanese reasons (`reason_ja`) of the findings of one control, keyed by resource id (or account for exists controls). */
function reasonsJa(inputs: readonly Input[], control: string, key: 'resourceId' | 'account' = 'resourceId'): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const f of assess(inputs)) if (f.control === control) out[f[key]] = f.reason_ja;
  return out;
}

describe('Japanese reasons (reason_ja)', () => {
  it('2-7 Defender for Cloud and 5-4 web application firewall', () => {
    const defender = reasonsJa([pricing('SqlServers', { pricingTier: 'Free' }), pricing('KeyVaults', {})], 'azure-defender-key-plans-standard');
    expect(defender[pricingId('SqlServers')]).toBe('Defender for Cloud のプラン SqlServers が Free レベルです（Standard ではありません）');
    expect(defender[pricingId('KeyVaults')]).toBe('判定できません: 料金レベル（pricingTier）がペイロードにありません');

    const agw = reasonsJa(
      [appGateway('agw-detect', { sku: { tier: 'WAF_v2' }, webApplicationFirewallConfiguration: { enabled: true, firewallMode: 'Detection' } }), appGateway('agw-std', { sku: { name: 'Standard_v2', tier: 'Standard_v2' } })],
      'azure-application-gateway-waf',
    );
    expect(agw[agwId('agw-detect')]).toBe('Application Gateway agw-detect: WAF が Detection モードで、防止モード（Prevention）ではありません');
    expect(agw[agwId('agw-std')]).toBe('Application Gateway agw-std: WAF がありません（SKU レベル Standard_v2）');

    const policyId = (n: string): string => `${rg()}/Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/${n}`;
    const policy = (name: string, properties: Record<string, unknown>): Input => arm({ id: policyId(name), name, type: 'Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies', location: 'japaneast', properties });
    const waf = reasonsJa([policy('waf-det', { policySettings: { state: 'Enabled', mode: 'Detection' } }), policy('waf-none', { managedRules: {} })], 'azure-waf-policy-prevention');
    expect(waf[policyId('waf-det')]).toBe('WAF ポリシー waf-det が有効な防止モードではありません（state: Enabled、mode: Detection）');
    expect(waf[policyId('waf-none')]).toBe('判定できません: ポリシー設定（policySettings）がペイロードにありません');
  });

  it('7-1 monitoring and 3-13 log retention', () => {
    const alerts = reasonsJa([metricAlert('disk', { enabled: false, actions: [{ actionGroupId: group() }] })], 'azure-monitor-alert-action-group', 'account');
    expect(alerts[SUB]).toContain('アラート disk: 無効になっています');
    const wsId = (n: string): string => `${rg()}/Microsoft.OperationalInsights/workspaces/${n}`;
    const retention = reasonsJa([workspace('law-default', { retentionInDays: 30 }), workspace('law-nofield', {})], 'azure-log-analytics-retention-365');
    expect(retention[wsId('law-default')]).toBe('ワークスペース law-default のログ保持期間が 30 日です（365 日未満）');
    expect(retention[wsId('law-nofield')]).toBe('判定できません: ログの保持期間（retentionInDays）がペイロードにありません');
  });

  it('7-7 / 7-9 zone redundancy and 8-2 backups', () => {
    const zrs = reasonsJa([storage('stlrs', 'Standard_LRS'), storage('stnosku', undefined)], 'azure-storage-zone-redundant');
    expect(zrs[stId('stlrs')]).toBe('ストレージアカウント stlrs は Standard_LRS で、コピーが単一の可用性ゾーンにしか保持されていません');
    expect(zrs[stId('stnosku')]).toBe('判定できません: SKU（sku）がペイロードにありません');

    const dbId = `${rg()}/Microsoft.Sql/servers/sql2/databases/appdb`;
    expect(reasonsJa([arm({ id: dbId, name: 'appdb', type: 'Microsoft.Sql/servers/databases', location: 'japaneast', properties: { zoneRedundant: false } })], 'azure-sql-database-zone-redundant')[dbId]).toBe('SQL データベース appdb はゾーン冗長構成ではありません');

    const vault = arm({ id: `${rg()}/Microsoft.RecoveryServices/vaults/rsv-1`, name: 'rsv-1', type: 'Microsoft.RecoveryServices/vaults', location: 'japaneast', properties: { provisioningState: 'Failed' } });
    expect(reasonsJa([vault], 'azure-recovery-services-vault', 'account')[SUB]).toContain('コンテナー rsv-1 のプロビジョニング状態が Failed です');

    const off = samples.ltr_off!;
    const dbOf = off.id.split('/backupLongTermRetentionPolicies')[0]!;
    const ltr = reasonsJa([arm(off, { type: 'Microsoft.Sql/servers/databases/backupLongTermRetentionPolicies', parent: { type: 'Microsoft.Sql/servers/databases', id: dbOf, location: 'japaneast' } })], 'azure-sql-database-long-term-retention');
    expect(ltr[off.id]).toBe(`データベース ${dbOf} のバックアップの長期保有が無効です（週次 PT0S、月次 PT0S、年次 PT0S）`);

    const blobId = `${stId('st2')}/blobServices/default`;
    const blob = arm({ id: blobId, name: 'default', type: 'Microsoft.Storage/storageAccounts/blobServices', properties: { deleteRetentionPolicy: { enabled: false } } }, { type: 'Microsoft.Storage/storageAccounts/blobServices', parent: { type: 'Microsoft.Storage/storageAccounts', id: stId('st2'), location: 'japaneast' } });
    expect(reasonsJa([blob], 'azure-storage-blob-soft-delete')[blobId]).toBe(`${blobId} で BLOB の論理的な削除が無効です`);
  });

  it('5-3 patching of VMs and scale sets', () => {
    const vms = reasonsJa([vm('lin-image', { computerName: 'b', linuxConfiguration: { patchSettings: { patchMode: 'ImageDefault' } } }), vm('win-manual', { computerName: 'f', windowsConfiguration: { enableAutomaticUpdates: false } }), vm('attached', undefined)], 'azure-vm-automatic-patching');
    expect(vms[vmId('lin-image')]).toBe('仮想マシン lin-image の patchMode が ImageDefault（Linux）で、OS の修正プログラムが自動適用されません');
    expect(vms[vmId('win-manual')]).toBe('仮想マシン win-manual の patchMode が Manual（Windows）で、OS の修正プログラムが自動適用されません');
    expect(vms[vmId('attached')]).toBe('判定できません: osProfile がペイロードにありません（既存の OS ディスクから作成された VM）');

    const manual = samples.vmss_linux_manual!;
    const specialized = samples.vmss_specialized_image!;
    const vmss = reasonsJa([arm(manual), arm(specialized)], 'azure-vmss-automatic-patching');
    expect(vmss[manual.id]).toBe('スケール セット vmss-linux-manual の patchMode が ImageDefault（Linux）で、OS イメージの自動アップグレードも無効です（アップグレード モード Manual）');
    expect(vmss[specialized.id]).toBe('判定できません: virtualMachineProfile.osProfile がペイロードになく（特殊化イメージから作成されたスケール セット）、OS イメージの自動アップグレードも無効です');
  });
});
