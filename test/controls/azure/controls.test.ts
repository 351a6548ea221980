/** Azure controls (mappings/controls/azure/*.yaml) over real-shaped ARM bodies through the real normalizer. */
import { readFileSync } from 'node:fs';
import { normalizeArmResource, type NormalizeOptions } from '../../../collectors/azure/normalize.js';
import type { Finding } from '../../../src/evaluate/assessment.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import type { CollectionScope, Resource } from '../../../src/model/resource.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

const samples = JSON.parse(readFileSync(new URL('../../fixtures/azure/custodian-samples.json', import.meta.url), 'utf8')) as Record<string, { value?: Record<string, unknown>[] } & Record<string, unknown>>;
const SUB = '00000000-1111-4222-8333-444444444444';
const rg = `/subscriptions/${SUB}/resourceGroups/rg-app/providers`;

type Input = { body: unknown; options?: NormalizeOptions } | Resource;

function assess(inputs: readonly Input[]): { findings: readonly Finding[] } {
  const resources = inputs.map((i) => ('provider' in i ? i : normalizeArmResource(i.body, i.options)));
  const accounts = [...new Set(resources.map((r) => r.account))];
  const coverage = accounts.map((account): CollectionScope => ({ provider: 'azure', account, region: 'global', types: 'all', outcome: { status: 'ok', collectedAt: NOW.toISOString() } }));
  const { controls, catalog, attestations } = bundledMappings();
  return evaluate(resources, coverage, controls, catalog, attestations, NOW);
}

function findings(inputs: readonly Input[], control: string): Record<string, Pick<Finding, 'status' | 'reason'>> {
  const out: Record<string, Pick<Finding, 'status' | 'reason'>> = {};
  for (const f of assess(inputs).findings) if (f.control === control) out[f.resourceId] = f.reason === undefined ? { status: f.status } : { status: f.status, reason: f.reason };
  return out;
}

const arm = (body: unknown, options?: NormalizeOptions): Input => ({ body, ...(options ? { options } : {}) });

function storage(name: string, properties: Record<string, unknown>, extra: Record<string, unknown> = {}): Input {
  return arm({ id: `${rg}/Microsoft.Storage/storageAccounts/${name}`, name, type: 'Microsoft.Storage/storageAccounts', location: 'japaneast', kind: 'StorageV2', sku: { name: 'Standard_LRS', tier: 'Standard' }, properties, ...extra });
}
const goodStorage = { supportsHttpsTrafficOnly: true, minimumTlsVersion: 'TLS1_2', allowBlobPublicAccess: false, encryption: { keySource: 'Microsoft.Storage', services: { blob: { enabled: true }, file: { enabled: true } } }, primaryLocation: 'japaneast' };
const custodianStorage = arm(samples.arm_storage_list!.value![0]);
const custodianStorageId = String(samples.arm_storage_list!.value![0]!.id);

describe('storage accounts', () => {
  it('azure-storage-https-only: pass / fail (Custodian account with HTTP allowed) / unknown', () => {
    const f = findings([storage('stgood', goodStorage), custodianStorage, storage('stold', { encryption: goodStorage.encryption })], 'azure-storage-https-only');
    expect(f[`${rg}/Microsoft.Storage/storageAccounts/stgood`]).toEqual({ status: 'pass' });
    expect(f[custodianStorageId]).toEqual({ status: 'fail', reason: 'secure transfer required is off for storage account cctstoragey6akyqpagdt3o' });
    expect(f[`${rg}/Microsoft.Storage/storageAccounts/stold`]).toEqual({ status: 'unknown', reason: 'cannot evaluate: supportsHttpsTrafficOnly is not in the payload' });
  });

  it('azure-storage-minimum-tls-1-2 and azure-storage-no-public-blob-access treat absent fields as the insecure default', () => {
    const inputs = [storage('stgood', goodStorage), custodianStorage, storage('sttls11', { ...goodStorage, minimumTlsVersion: 'TLS1_1', allowBlobPublicAccess: true })];
    const tls = findings(inputs, 'azure-storage-minimum-tls-1-2');
    expect(tls[`${rg}/Microsoft.Storage/storageAccounts/stgood`]).toEqual({ status: 'pass' });
    expect(tls[custodianStorageId]).toEqual({ status: 'fail', reason: 'minimum TLS version is not set (TLS1_0)' });
    expect(tls[`${rg}/Microsoft.Storage/storageAccounts/sttls11`]).toEqual({ status: 'fail', reason: 'minimum TLS version is TLS1_1' });
    const pub = findings(inputs, 'azure-storage-no-public-blob-access');
    expect(pub[`${rg}/Microsoft.Storage/storageAccounts/stgood`]).toEqual({ status: 'pass' });
    expect(pub[`${rg}/Microsoft.Storage/storageAccounts/sttls11`]?.status).toBe('fail');
    expect(pub[custodianStorageId]?.status).toBe('fail');
  });

  it('azure-storage-encryption-enabled: pass / fail / unknown; malformed bodies are unknown', () => {
    const f = findings(
      [custodianStorage, storage('stnoblob', { ...goodStorage, encryption: { keySource: 'Microsoft.Storage', services: { blob: { enabled: false } } } }), storage('stnoenc', { supportsHttpsTrafficOnly: true }), storage('stbroken', 'not json' as never)],
      'azure-storage-encryption-enabled',
    );
    expect(f[custodianStorageId]).toEqual({ status: 'pass' });
    expect(f[`${rg}/Microsoft.Storage/storageAccounts/stnoblob`]).toEqual({ status: 'fail', reason: 'storage account stnoblob: encryption keySource Microsoft.Storage, blob false, file true' });
    expect(f[`${rg}/Microsoft.Storage/storageAccounts/stnoenc`]).toEqual({ status: 'unknown', reason: 'cannot evaluate: encryption is not in the payload' });
    expect(f[`${rg}/Microsoft.Storage/storageAccounts/stbroken`]?.status).toBe('unknown');
  });

  it('reads Resource Graph rows (lower-case type) the same as ARM bodies', () => {
    const f = findings([arm({ id: `${rg}/Microsoft.Storage/storageAccounts/strg`, name: 'strg', type: 'microsoft.storage/storageaccounts', location: 'japaneast', resourceGroup: 'rg-app', subscriptionId: SUB, identity: null, properties: goodStorage })], 'azure-storage-https-only');
    expect(f[`${rg}/Microsoft.Storage/storageAccounts/strg`]).toEqual({ status: 'pass' });
  });
});

function nsg(name: string, rules: Record<string, unknown>[], withDefaults = true): Input {
  const id = `${rg}/Microsoft.Network/networkSecurityGroups/${name}`;
  const r = (p: Record<string, unknown>, i: number): Record<string, unknown> => ({ name: `rule${i}`, id: `${id}/securityRules/rule${i}`, properties: { sourcePortRange: '*', destinationAddressPrefix: '*', sourcePortRanges: [], destinationPortRanges: [], sourceAddressPrefixes: [], destinationAddressPrefixes: [], direction: 'Inbound', protocol: 'Tcp', ...p } });
  const defaults = withDefaults ? [{ name: 'DenyAllInBound', properties: { protocol: '*', sourceAddressPrefix: '*', destinationPortRange: '*', access: 'Deny', priority: 65500, direction: 'Inbound' } }] : [];
  return arm({ id, name, type: 'Microsoft.Network/networkSecurityGroups', location: 'japaneast', properties: { securityRules: rules.map(r), defaultSecurityRules: defaults } });
}
const nsgId = (name: string): string => `${rg}/Microsoft.Network/networkSecurityGroups/${name}`;

describe('azure-nsg-admin-ports-closed-to-internet', () => {
  const control = 'azure-nsg-admin-ports-closed-to-internet';

  it('passes the Custodian NSG: inbound 22 denied, outbound 22 allowed, inbound 88-90 allowed', () => {
    const body = samples.nsg_list_c7n!.value![0]!;
    expect(findings([arm(body)], control)[String(body.id)]).toEqual({ status: 'pass' });
  });

  it('fails world-open admin ports via *, Internet, 0.0.0.0/0, Any, port lists and ranges', () => {
    const f = findings(
      [
        nsg('star', [{ destinationPortRange: '22', sourceAddressPrefix: '*', access: 'Allow', priority: 100 }]),
        nsg('internet', [{ destinationPortRange: '3389', sourceAddressPrefix: 'Internet', access: 'Allow', priority: 100 }]),
        nsg('list', [{ protocol: '*', destinationPortRange: '', destinationPortRanges: ['443', '3389'], sourceAddressPrefix: '', sourceAddressPrefixes: ['10.0.0.0/8', '0.0.0.0/0'], access: 'Allow', priority: 100 }]),
        nsg('range', [{ destinationPortRange: '20-30', sourceAddressPrefix: 'Any', access: 'Allow', priority: 100 }]),
      ],
      control,
    );
    expect(f[nsgId('star')]).toEqual({ status: 'fail', reason: 'port 22/tcp open to the internet by rule rule0' });
    expect(f[nsgId('internet')]).toEqual({ status: 'fail', reason: 'port 3389/tcp open to the internet by rule rule0' });
    // Protocol Any (*) opens the port for TCP and UDP alike.
    expect(f[nsgId('list')]).toEqual({ status: 'fail', reason: 'port 3389/tcp open to the internet by rule rule0, port 3389/udp open to the internet by rule rule0' });
    expect(f[nsgId('range')]).toEqual({ status: 'fail', reason: 'port 20/tcp open to the internet by rule rule0, port 21/tcp open to the internet by rule rule0, port 22/tcp open to the internet by rule rule0, port 23/tcp open to the internet by rule rule0' });
  });

  it('evaluates in priority order: a higher-priority Deny closes a later Allow, a later Deny does not close an earlier Allow', () => {
    const f = findings(
      [
        nsg('deny-first', [{ destinationPortRange: '22', sourceAddressPrefix: '*', access: 'Allow', priority: 400 }, { destinationPortRange: '22', sourceAddressPrefix: 'Internet', access: 'Deny', priority: 100 }]),
        nsg('allow-first', [{ destinationPortRange: '22', sourceAddressPrefix: '*', access: 'Allow', priority: 100 }, { destinationPortRange: '0-65535', sourceAddressPrefix: '*', access: 'Deny', priority: 200 }]),
        nsg('narrow-deny', [{ destinationPortRange: '22', sourceAddressPrefix: '10.0.0.0/8', access: 'Deny', priority: 100 }, { destinationPortRange: '22', sourceAddressPrefix: '*', access: 'Allow', priority: 200 }]),
        nsg('outbound', [{ direction: 'Outbound', destinationPortRange: '22', sourceAddressPrefix: '*', access: 'Allow', priority: 100 }]),
        nsg('private', [{ destinationPortRange: '*', sourceAddressPrefix: 'VirtualNetwork', access: 'Allow', priority: 100 }]),
      ],
      control,
    );
    expect(f[nsgId('deny-first')]).toEqual({ status: 'pass' });
    expect(f[nsgId('allow-first')]?.status).toBe('fail');
    expect(f[nsgId('narrow-deny')]?.status).toBe('fail');
    expect(f[nsgId('outbound')]).toEqual({ status: 'pass' });
    expect(f[nsgId('private')]).toEqual({ status: 'pass' });
  });

  it('judges every protocol as AWS and GCP do: UDP ports fail, Any covers TCP and UDP, ICMP/ESP/AH carry no ports', () => {
    const f = findings(
      [
        nsg('udp', [{ protocol: 'Udp', destinationPortRange: '3389', sourceAddressPrefix: '*', access: 'Allow', priority: 100 }]),
        nsg('udp-internet', [{ protocol: 'Udp', destinationPortRange: '1433-1434', sourceAddressPrefix: 'Internet', access: 'Allow', priority: 100 }]),
        nsg('icmp', [{ protocol: 'Icmp', destinationPortRange: '*', sourceAddressPrefix: '*', access: 'Allow', priority: 100 }]),
        nsg('esp-ah', [{ protocol: 'Esp', destinationPortRange: '*', sourceAddressPrefix: '*', access: 'Allow', priority: 100 }, { protocol: 'Ah', destinationPortRange: '*', sourceAddressPrefix: '0.0.0.0/0', access: 'Allow', priority: 110 }]),
        // A TCP-only Deny above an Any Allow leaves UDP open.
        nsg('tcp-deny-any-allow', [{ protocol: 'Tcp', destinationPortRange: '22', sourceAddressPrefix: '*', access: 'Deny', priority: 100 }, { protocol: '*', destinationPortRange: '22', sourceAddressPrefix: '*', access: 'Allow', priority: 200 }]),
        // An Any Deny above a UDP Allow closes it.
        nsg('any-deny-udp-allow', [{ protocol: '*', destinationPortRange: '3389', sourceAddressPrefix: 'Internet', access: 'Deny', priority: 100 }, { protocol: 'Udp', destinationPortRange: '3389', sourceAddressPrefix: '*', access: 'Allow', priority: 200 }]),
        // A UDP Deny does not close TCP.
        nsg('udp-deny-tcp-allow', [{ protocol: 'Udp', destinationPortRange: '22', sourceAddressPrefix: '*', access: 'Deny', priority: 100 }, { protocol: 'Tcp', destinationPortRange: '22', sourceAddressPrefix: '*', access: 'Allow', priority: 200 }]),
      ],
      control,
    );
    expect(f[nsgId('udp')]).toEqual({ status: 'fail', reason: 'port 3389/udp open to the internet by rule rule0' });
    expect(f[nsgId('udp-internet')]).toEqual({ status: 'fail', reason: 'port 1433/udp open to the internet by rule rule0' });
    expect(f[nsgId('icmp')]).toEqual({ status: 'pass' });
    expect(f[nsgId('esp-ah')]).toEqual({ status: 'pass' });
    expect(f[nsgId('tcp-deny-any-allow')]).toEqual({ status: 'fail', reason: 'port 22/udp open to the internet by rule rule1' });
    expect(f[nsgId('any-deny-udp-allow')]).toEqual({ status: 'pass' });
    expect(f[nsgId('udp-deny-tcp-allow')]).toEqual({ status: 'fail', reason: 'port 22/tcp open to the internet by rule rule1' });
    expect(reasonsJa([nsg('udp', [{ protocol: 'Udp', destinationPortRange: '3389', sourceAddressPrefix: '*', access: 'Allow', priority: 100 }])], control)[nsgId('udp')]).toBe('ポート 3389/udp が規則 rule0 によりインターネットに公開されています');
  });

  it('is unknown when the payload carries no rule lists', () => {
    const f = findings([arm({ id: nsgId('bare'), name: 'bare', type: 'Microsoft.Network/networkSecurityGroups', location: 'japaneast', properties: { provisioningState: 'Succeeded' } })], control);
    expect(f[nsgId('bare')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: securityRules are not in the payload' });
  });
});

describe('disks and SQL', () => {
  const disk = (name: string, properties: Record<string, unknown>): Input => arm({ id: `${rg}/Microsoft.Compute/disks/${name}`, name, type: 'Microsoft.Compute/disks', location: 'japaneast', sku: { name: 'Premium_LRS' }, properties });

  it('azure-disk-encrypted: platform/customer key pass, ADE passes, odd type fails, absent is unknown', () => {
    const f = findings([disk('pmk', { encryption: { type: 'EncryptionAtRestWithPlatformKey' } }), disk('ade', { encryptionSettingsCollection: { enabled: true } }), disk('odd', { encryption: { type: 'None' } }), disk('bare', { diskSizeGB: 32 })], 'azure-disk-encrypted');
    expect(f[`${rg}/Microsoft.Compute/disks/pmk`]).toEqual({ status: 'pass' });
    expect(f[`${rg}/Microsoft.Compute/disks/ade`]).toEqual({ status: 'pass' });
    expect(f[`${rg}/Microsoft.Compute/disks/odd`]).toEqual({ status: 'fail', reason: 'disk odd reports encryption type None' });
    expect(f[`${rg}/Microsoft.Compute/disks/bare`]).toEqual({ status: 'unknown', reason: 'cannot evaluate: encryption.type is not in the payload' });
  });

  it('azure-sql-tde-enabled reads the old `status` (Custodian cassette) and the new `state`; master is not evaluated', () => {
    const parent = { type: 'Microsoft.Sql/servers/databases', id: 'x' };
    const db = samples.tde_cctestdb as Record<string, unknown>;
    const off = { id: `${rg}/Microsoft.Sql/servers/s1/databases/app/transparentDataEncryption/current`, name: 'current', type: 'Microsoft.Sql/servers/databases/transparentDataEncryption', properties: { state: 'Disabled' } };
    const blank = { ...off, id: `${rg}/Microsoft.Sql/servers/s1/databases/blank/transparentDataEncryption/current`, properties: {} };
    const f = findings([arm(db, { parent }), arm(samples.tde_master, { parent }), arm(off, { parent }), arm(blank, { parent })], 'azure-sql-tde-enabled');
    expect(f[String(db.id)]).toEqual({ status: 'pass' });
    expect(f[String((samples.tde_master as Record<string, unknown>).id)]).toBeUndefined();
    expect(f[off.id]).toEqual({ status: 'fail', reason: `transparent data encryption is Disabled for ${rg}/Microsoft.Sql/servers/s1/databases/app` });
    expect(f[blank.id]).toEqual({ status: 'unknown', reason: 'cannot evaluate: TDE state is not in the payload' });
  });

  it('azure-sql-minimal-tls-1-2 and azure-sql-auditing-enabled', () => {
    const server = (name: string, properties: Record<string, unknown>): Input => arm({ id: `${rg}/Microsoft.Sql/servers/${name}`, name, type: 'Microsoft.Sql/servers', location: 'japaneast', kind: 'v12.0', properties });
    const tls = findings([server('s12', { minimalTlsVersion: '1.2' }), server('snone', { minimalTlsVersion: 'None' }), server('sabsent', {})], 'azure-sql-minimal-tls-1-2');
    expect(tls[`${rg}/Microsoft.Sql/servers/s12`]).toEqual({ status: 'pass' });
    expect(tls[`${rg}/Microsoft.Sql/servers/snone`]).toEqual({ status: 'fail', reason: 'minimal TLS version of SQL server snone is None' });
    expect(tls[`${rg}/Microsoft.Sql/servers/sabsent`]?.status).toBe('fail');
    const audit = (name: string, properties: Record<string, unknown>): Input => arm({ id: `${rg}/Microsoft.Sql/servers/${name}/auditingSettings/Default`, name: 'Default', type: 'Microsoft.Sql/servers/auditingSettings', properties }, { parent: { type: 'Microsoft.Sql/servers', id: `${rg}/Microsoft.Sql/servers/${name}`, location: 'japaneast' } });
    const f = findings([audit('on', { state: 'Enabled', retentionDays: 90 }), audit('off', { state: 'Disabled' }), audit('blank', {})], 'azure-sql-auditing-enabled');
    expect(f[`${rg}/Microsoft.Sql/servers/on/auditingSettings/Default`]).toEqual({ status: 'pass' });
    expect(f[`${rg}/Microsoft.Sql/servers/off/auditingSettings/Default`]).toEqual({ status: 'fail', reason: `auditing is Disabled on ${rg}/Microsoft.Sql/servers/off` });
    expect(f[`${rg}/Microsoft.Sql/servers/blank/auditingSettings/Default`]).toEqual({ status: 'unknown', reason: 'cannot evaluate: auditing state is not in the payload' });
  });
});

describe('key vaults and logging', () => {
  const vault = (name: string, properties: Record<string, unknown>, location = 'japaneast'): Input => arm({ id: `${rg}/Microsoft.KeyVault/vaults/${name}`, name, type: 'Microsoft.KeyVault/vaults', location, properties: { tenantId: SUB, sku: { family: 'A', name: 'standard' }, accessPolicies: [], ...properties } });
  const vid = (name: string): string => `${rg}/Microsoft.KeyVault/vaults/${name}`;

  it('azure-keyvault-purge-protection and azure-keyvault-rbac-authorization treat absent as off', () => {
    const inputs = [vault('kvgood', { enablePurgeProtection: true, enableRbacAuthorization: true }), vault('kvold', { enableSoftDelete: true })];
    expect(findings(inputs, 'azure-keyvault-purge-protection')).toEqual({ [vid('kvgood')]: { status: 'pass' }, [vid('kvold')]: { status: 'fail', reason: 'purge protection is off for key vault kvold' } });
    expect(findings(inputs, 'azure-keyvault-rbac-authorization')).toEqual({ [vid('kvgood')]: { status: 'pass' }, [vid('kvold')]: { status: 'fail', reason: 'key vault kvold uses access policies (0) instead of Azure RBAC' } });
  });

  it('azure-keyvault-diagnostic-logs joins diagnostic settings by parent id (case-insensitively)', () => {
    const diag = (parent: string, logs: unknown[]): Input =>
      arm({ id: `${parent.toLowerCase()}/providers/microsoft.insights/diagnosticSettings/law`, type: 'Microsoft.Insights/diagnosticSettings', name: 'law', properties: { workspaceId: 'w', logs } }, { parent: { type: 'Microsoft.KeyVault/vaults', id: parent, location: 'japaneast' } });
    const f = findings(
      [vault('kva', {}), vault('kvb', {}), vault('kvc', {}), diag(vid('kva'), [{ category: null, categoryGroup: 'audit', enabled: true }]), diag(vid('kvb'), [{ category: 'AuditEvent', enabled: false }])],
      'azure-keyvault-diagnostic-logs',
    );
    expect(f[vid('kva')]).toEqual({ status: 'pass' });
    expect(f[vid('kvb')]).toEqual({ status: 'fail', reason: 'no diagnostic setting of key vault kvb enables AuditEvent (or the audit / allLogs group)' });
    expect(f[vid('kvc')]).toEqual({ status: 'fail', reason: 'key vault kvc has no diagnostic setting' });
  });

  it('azure-activity-log-exported: the Custodian setting (id without leading slash) passes; a subscription without one fails', () => {
    const setting = samples.subscription_diagnostic_settings!.value![0]!;
    const sub = 'ea42f556-5106-4743-99b0-c129bfa71a47';
    const parent = (s: string): NormalizeOptions => ({ type: 'Microsoft.Insights/diagnosticSettings', parent: { type: 'Microsoft.Resources/subscriptions', id: `/subscriptions/${s}`, location: 'global' } });
    const partial = { id: `subscriptions/${SUB}/providers/microsoft.insights/diagnosticSettings/admin-only`, name: 'admin-only', type: 'Microsoft.Insights/diagnosticSettings', properties: { workspaceId: 'w', logs: [{ category: 'Administrative', enabled: true }] } };
    const f = assess([arm(setting, parent(sub)), arm(partial, parent(SUB))]).findings.filter((x) => x.control === 'azure-activity-log-exported');
    expect(f.find((x) => x.account === sub)?.status).toBe('pass');
    expect(f.find((x) => x.account === SUB)?.status).toBe('fail');
    expect(f.find((x) => x.account === SUB)?.reason).toContain('does not export both Administrative and Security');
  });
});

describe('residency and notifications', () => {
  it('azure-data-stored-in-japan: japaneast/japanwest pass, the Custodian account in southcentralus fails', () => {
    const f = findings([storage('stjp', goodStorage), custodianStorage], 'azure-data-stored-in-japan');
    expect(f[`${rg}/Microsoft.Storage/storageAccounts/stjp`]).toEqual({ status: 'pass' });
    expect(f[custodianStorageId]).toEqual({ status: 'fail', reason: 'location southcentralus is outside Japan' });
  });

  it('azure-storage-secondary-in-japan checks geo-replicated accounts only', () => {
    const f = findings(
      [
        storage('stgrs', { ...goodStorage, secondaryLocation: 'japanwest' }, { sku: { name: 'Standard_GRS' } }),
        storage('stabroad', { ...goodStorage, secondaryLocation: 'koreasouth' }, { sku: { name: 'Standard_RAGZRS' } }),
        storage('stnosec', goodStorage, { sku: { name: 'Standard_GRS' } }),
        storage('stlrs', goodStorage),
      ],
      'azure-storage-secondary-in-japan',
    );
    expect(f[`${rg}/Microsoft.Storage/storageAccounts/stgrs`]).toEqual({ status: 'pass' });
    expect(f[`${rg}/Microsoft.Storage/storageAccounts/stabroad`]).toEqual({ status: 'fail', reason: 'geo-replicated copy is stored in koreasouth' });
    expect(f[`${rg}/Microsoft.Storage/storageAccounts/stnosec`]?.status).toBe('unknown');
    expect(f[`${rg}/Microsoft.Storage/storageAccounts/stlrs`]).toBeUndefined();
  });

  it('azure-service-health-alert: one enabled ServiceHealth alert with an action group per subscription', () => {
    const alert = (s: string, name: string, properties: Record<string, unknown>): Input =>
      arm({ id: `/subscriptions/${s}/resourceGroups/ops/providers/Microsoft.Insights/activityLogAlerts/${name}`, name, type: 'Microsoft.Insights/activityLogAlerts', location: 'Global', properties });
    const good = { scopes: [`/subscriptions/${SUB}`], condition: { allOf: [{ field: 'category', equals: 'ServiceHealth' }] }, actions: { actionGroups: [{ actionGroupId: 'ag' }] }, enabled: true };
    const other = '99999999-1111-4222-8333-444444444444';
    const f = assess([alert(SUB, 'sh', good), alert(other, 'noag', { ...good, actions: { actionGroups: [] } })]).findings.filter((x) => x.control === 'azure-service-health-alert');
    expect(f.find((x) => x.account === SUB)?.status).toBe('pass');
    expect(f.find((x) => x.account === other)?.status).toBe('fail');
    expect(f.find((x) => x.account === other)?.reason).toContain('alert noag: no action group');
  });
});

/** Japanese reasons (`reason_ja`) of the findings of one control, keyed by resource id (or account for exists controls). */
function reasonsJa(inputs: readonly Input[], control: string, key: 'resourceId' | 'account' = 'resourceId'): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const f of assess(inputs).findings) if (f.control === control) out[f[key]] = f.reason_ja;
  return out;
}

describe('Japanese reasons (reason_ja)', () => {
  const stId = (name: string): string => `${rg}/Microsoft.Storage/storageAccounts/${name}`;

  it('storage accounts', () => {
    const inputs = [custodianStorage, storage('stold', { encryption: goodStorage.encryption }), storage('sttls11', { ...goodStorage, minimumTlsVersion: 'TLS1_1' }), storage('stnoblob', { ...goodStorage, encryption: { keySource: 'Microsoft.Storage', services: { blob: { enabled: false } } } })];
    const https = reasonsJa(inputs, 'azure-storage-https-only');
    expect(https[custodianStorageId]).toBe('ストレージアカウント cctstoragey6akyqpagdt3o で「安全な転送が必須」が無効です');
    expect(https[stId('stold')]).toBe('判定できません: 安全な転送の設定（supportsHttpsTrafficOnly）がペイロードにありません');
    const tls = reasonsJa(inputs, 'azure-storage-minimum-tls-1-2');
    expect(tls[custodianStorageId]).toBe('最小 TLS バージョンが設定されていません（TLS1_0 を受け付けます）');
    expect(tls[stId('sttls11')]).toBe('最小 TLS バージョンが TLS1_1 です');
    expect(reasonsJa(inputs, 'azure-storage-no-public-blob-access')[custodianStorageId]).toBe('ストレージアカウント cctstoragey6akyqpagdt3o で BLOB の匿名アクセスが許可されています');
    const enc = reasonsJa(inputs, 'azure-storage-encryption-enabled');
    expect(enc[stId('stnoblob')]).toBe('ストレージアカウント stnoblob の暗号化設定: keySource Microsoft.Storage、BLOB の暗号化 false、ファイルの暗号化 true');
  });

  it('network security groups', () => {
    const f = reasonsJa([nsg('star', [{ destinationPortRange: '22', sourceAddressPrefix: '*', access: 'Allow', priority: 100 }])], 'azure-nsg-admin-ports-closed-to-internet');
    expect(f[nsgId('star')]).toBe('ポート 22/tcp が規則 rule0 によりインターネットに公開されています');
  });

  it('disks and SQL', () => {
    const disk = (name: string, properties: Record<string, unknown>): Input => arm({ id: `${rg}/Microsoft.Compute/disks/${name}`, name, type: 'Microsoft.Compute/disks', location: 'japaneast', properties });
    const disks = reasonsJa([disk('odd', { encryption: { type: 'None' } }), disk('bare', { diskSizeGB: 32 })], 'azure-disk-encrypted');
    expect(disks[`${rg}/Microsoft.Compute/disks/odd`]).toBe('ディスク odd の暗号化の種類（encryption.type）が None であり、保存時の暗号化が確認できません');
    expect(disks[`${rg}/Microsoft.Compute/disks/bare`]).toBe('判定できません: 暗号化の種類（encryption.type）がペイロードにありません');

    const tdeId = `${rg}/Microsoft.Sql/servers/s1/databases/app/transparentDataEncryption/current`;
    const tde = reasonsJa([arm({ id: tdeId, name: 'current', type: 'Microsoft.Sql/servers/databases/transparentDataEncryption', properties: { state: 'Disabled' } }, { parent: { type: 'Microsoft.Sql/servers/databases', id: 'x' } })], 'azure-sql-tde-enabled');
    expect(tde[tdeId]).toBe(`データベース ${rg}/Microsoft.Sql/servers/s1/databases/app の透過的データ暗号化（TDE）が有効になっていません（state: Disabled）`);

    const server = (name: string, properties: Record<string, unknown>): Input => arm({ id: `${rg}/Microsoft.Sql/servers/${name}`, name, type: 'Microsoft.Sql/servers', location: 'japaneast', properties });
    const tls = reasonsJa([server('snone', { minimalTlsVersion: 'None' }), server('sabsent', {})], 'azure-sql-minimal-tls-1-2');
    expect(tls[`${rg}/Microsoft.Sql/servers/snone`]).toBe('SQL サーバー snone の最小 TLS バージョンが None です（1.2 以上が必要です）');
    expect(tls[`${rg}/Microsoft.Sql/servers/sabsent`]).toBe('SQL サーバー sabsent の最小 TLS バージョンが設定されていません（1.2 以上が必要です）');

    const audit = (name: string, properties: Record<string, unknown>): Input => arm({ id: `${rg}/Microsoft.Sql/servers/${name}/auditingSettings/Default`, name: 'Default', type: 'Microsoft.Sql/servers/auditingSettings', properties }, { parent: { type: 'Microsoft.Sql/servers', id: `${rg}/Microsoft.Sql/servers/${name}`, location: 'japaneast' } });
    const audits = reasonsJa([audit('off', { state: 'Disabled' }), audit('blank', {})], 'azure-sql-auditing-enabled');
    expect(audits[`${rg}/Microsoft.Sql/servers/off/auditingSettings/Default`]).toBe(`SQL サーバー ${rg}/Microsoft.Sql/servers/off の監査が有効になっていません（state: Disabled）`);
    expect(audits[`${rg}/Microsoft.Sql/servers/blank/auditingSettings/Default`]).toBe('判定できません: 監査の状態（state）がペイロードにありません');
  });

  it('key vaults and logging', () => {
    const vid = (name: string): string => `${rg}/Microsoft.KeyVault/vaults/${name}`;
    const vault = (name: string, properties: Record<string, unknown>): Input => arm({ id: vid(name), name, type: 'Microsoft.KeyVault/vaults', location: 'japaneast', properties: { tenantId: SUB, accessPolicies: [{}, {}], ...properties } });
    const diag = (parent: string, logs: unknown[]): Input =>
      arm({ id: `${parent.toLowerCase()}/providers/microsoft.insights/diagnosticSettings/law`, type: 'Microsoft.Insights/diagnosticSettings', name: 'law', properties: { workspaceId: 'w', logs } }, { parent: { type: 'Microsoft.KeyVault/vaults', id: parent, location: 'japaneast' } });
    const inputs = [vault('kvold', {}), vault('kvb', {}), diag(vid('kvb'), [{ category: 'AuditEvent', enabled: false }])];
    expect(reasonsJa(inputs, 'azure-keyvault-purge-protection')[vid('kvold')]).toBe('Key Vault kvold の消去保護が無効です');
    expect(reasonsJa(inputs, 'azure-keyvault-rbac-authorization')[vid('kvold')]).toBe('Key Vault kvold は Azure RBAC ではなくアクセス ポリシー（2 件）でアクセスを制御しています');
    const diagnostics = reasonsJa(inputs, 'azure-keyvault-diagnostic-logs');
    expect(diagnostics[vid('kvold')]).toBe('Key Vault kvold に診断設定がありません');
    expect(diagnostics[vid('kvb')]).toBe('Key Vault kvb のどの診断設定も AuditEvent（または audit / allLogs グループ）を有効にしていません');

    const partial = { id: `subscriptions/${SUB}/providers/microsoft.insights/diagnosticSettings/admin-only`, name: 'admin-only', type: 'Microsoft.Insights/diagnosticSettings', properties: { workspaceId: 'w', logs: [{ category: 'Administrative', enabled: true }] } };
    const activity = reasonsJa([arm(partial, { type: 'Microsoft.Insights/diagnosticSettings', parent: { type: 'Microsoft.Resources/subscriptions', id: `/subscriptions/${SUB}`, location: 'global' } })], 'azure-activity-log-exported', 'account');
    expect(activity[SUB]).toContain('診断設定 admin-only は、アクティビティログの Administrative と Security の両カテゴリを出力先に送っていません');
  });

  it('residency and notifications', () => {
    expect(reasonsJa([custodianStorage], 'azure-data-stored-in-japan')[custodianStorageId]).toBe('リソースの所在リージョン southcentralus は国外です');
    const secondary = reasonsJa([storage('stabroad', { ...goodStorage, secondaryLocation: 'koreasouth' }, { sku: { name: 'Standard_RAGZRS' } }), storage('stnosec', goodStorage, { sku: { name: 'Standard_GRS' } })], 'azure-storage-secondary-in-japan');
    expect(secondary[stId('stabroad')]).toBe('geo 冗長のコピーが国外のリージョン koreasouth に保存されています');
    expect(secondary[stId('stnosec')]).toBe('判定できません: geo 冗長のアカウントですが、副次リージョン（secondaryLocation）がペイロードにありません');

    const alert = arm({ id: `/subscriptions/${SUB}/resourceGroups/ops/providers/Microsoft.Insights/activityLogAlerts/noag`, name: 'noag', type: 'Microsoft.Insights/activityLogAlerts', location: 'Global', properties: { condition: { allOf: [{ field: 'category', equals: 'ServiceHealth' }] }, actions: { actionGroups: [] }, enabled: true } });
    expect(reasonsJa([alert], 'azure-service-health-alert', 'account')[SUB]).toContain('アラート noag: 通知先のアクショングループがありません');
  });
});
