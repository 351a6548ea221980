/** Azure exposure and detection controls of issue #14 over real-shaped ARM bodies through the real normalizer. */
import { normalizeArmResource, type NormalizeOptions } from '../../../collectors/azure/normalize.js';
import type { Finding } from '../../../src/evaluate/assessment.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import type { CollectionScope, Resource } from '../../../src/model/resource.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

const SUB = '00000000-1111-4222-8333-444444444444';
const rg = `/subscriptions/${SUB}/resourceGroups/rg-app/providers`;

function assess(bodies: readonly { body: unknown; options?: NormalizeOptions }[], types: CollectionScope['types'] = 'all'): readonly Finding[] {
  const resources: Resource[] = bodies.map((b) => normalizeArmResource(b.body, b.options));
  const coverage: CollectionScope[] = [{ provider: 'azure', account: SUB, region: 'global', types, outcome: { status: 'ok', collectedAt: NOW.toISOString() } }];
  const { controls, catalog, attestations } = bundledMappings();
  return evaluate(resources, coverage, controls, catalog, attestations, NOW).findings;
}

function findings(bodies: readonly { body: unknown; options?: NormalizeOptions }[], control: string, types: CollectionScope['types'] = 'all'): Record<string, Pick<Finding, 'status' | 'reason'>> {
  const out: Record<string, Pick<Finding, 'status' | 'reason'>> = {};
  for (const f of assess(bodies, types)) if (f.control === control) out[f.resourceId] = f.reason === undefined ? { status: f.status } : { status: f.status, reason: f.reason };
  return out;
}

const arm = (body: unknown, options?: NormalizeOptions): { body: unknown; options?: NormalizeOptions } => ({ body, ...(options ? { options } : {}) });

// Storage Accounts - Get Properties (api-version 2023-05-01): networkAcls is always returned, publicNetworkAccess once set.
function storage(name: string, properties: Record<string, unknown>): { body: unknown } {
  return arm({ id: `${rg}/Microsoft.Storage/storageAccounts/${name}`, name, type: 'Microsoft.Storage/storageAccounts', location: 'japaneast', kind: 'StorageV2', sku: { name: 'Standard_LRS', tier: 'Standard' }, properties: { supportsHttpsTrafficOnly: true, ...properties } });
}
const acls = (defaultAction: string): Record<string, unknown> => ({ networkAcls: { bypass: 'AzureServices', virtualNetworkRules: [], ipRules: [], defaultAction } });

describe('azure-storage-network-access-restricted', () => {
  it('passes on Deny or public access disabled, fails on Allow, is unknown without networkAcls or behind a perimeter', () => {
    const f = findings(
      [
        storage('stdeny', acls('Deny')),
        storage('stprivate', { ...acls('Allow'), publicNetworkAccess: 'Disabled' }),
        storage('stopen', { ...acls('Allow'), publicNetworkAccess: 'Enabled' }),
        storage('stdefault', acls('Allow')),
        storage('stnoacls', {}),
        storage('stnsp', { ...acls('Allow'), publicNetworkAccess: 'SecuredByPerimeter' }),
      ],
      'azure-storage-network-access-restricted',
    );
    const id = (n: string): string => `${rg}/Microsoft.Storage/storageAccounts/${n}`;
    expect(f[id('stdeny')]).toEqual({ status: 'pass' });
    expect(f[id('stprivate')]).toEqual({ status: 'pass' });
    expect(f[id('stopen')]).toEqual({ status: 'fail', reason: 'storage account stopen accepts traffic from all networks (networkAcls.defaultAction Allow)' });
    expect(f[id('stdefault')]?.status).toBe('fail');
    expect(f[id('stnoacls')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: networkAcls.defaultAction is not in the payload' });
    expect(f[id('stnsp')]?.status).toBe('unknown');
    expect(f[id('stnsp')]?.reason).toContain('network security perimeter');
  });
});

// Vaults - Get (api-version 2023-07-01): networkAcls only once a firewall is configured.
function vault(name: string, properties: Record<string, unknown>): { body: unknown } {
  return arm({ id: `${rg}/Microsoft.KeyVault/vaults/${name}`, name, type: 'Microsoft.KeyVault/vaults', location: 'japaneast', properties: { tenantId: SUB, sku: { family: 'A', name: 'standard' }, accessPolicies: [], enableRbacAuthorization: true, ...properties } });
}

describe('azure-keyvault-network-access-restricted', () => {
  it('passes on Deny or public access disabled, fails without a firewall, is unknown without publicNetworkAccess', () => {
    const f = findings(
      [
        vault('kv-deny', { publicNetworkAccess: 'Enabled', networkAcls: { bypass: 'AzureServices', defaultAction: 'Deny', ipRules: [], virtualNetworkRules: [] } }),
        vault('kv-private', { publicNetworkAccess: 'Disabled' }),
        vault('kv-open', { publicNetworkAccess: 'Enabled' }),
        vault('kv-allow', { publicNetworkAccess: 'Enabled', networkAcls: { bypass: 'AzureServices', defaultAction: 'Allow', ipRules: [], virtualNetworkRules: [] } }),
        vault('kv-old', {}),
      ],
      'azure-keyvault-network-access-restricted',
    );
    const id = (n: string): string => `${rg}/Microsoft.KeyVault/vaults/${n}`;
    expect(f[id('kv-deny')]).toEqual({ status: 'pass' });
    expect(f[id('kv-private')]).toEqual({ status: 'pass' });
    expect(f[id('kv-open')]).toEqual({ status: 'fail', reason: 'key vault kv-open accepts traffic from all networks (networkAcls.defaultAction (no networkAcls))' });
    expect(f[id('kv-allow')]?.status).toBe('fail');
    expect(f[id('kv-old')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: publicNetworkAccess is not in the payload' });
  });
});

// Servers - Get (2023-08-01) and Firewall Rules - List By Server (2021-11-01), related to their server as the collector does.
function sqlServer(name: string, properties: Record<string, unknown>): { body: unknown } {
  return arm({ id: `${rg}/Microsoft.Sql/servers/${name}`, name, type: 'Microsoft.Sql/servers', location: 'japaneast', kind: 'v12.0', properties: { administratorLogin: 'sqladmin', version: '12.0', state: 'Ready', minimalTlsVersion: '1.2', ...properties } });
}
function firewallRule(server: string, name: string, properties: Record<string, unknown>): { body: unknown; options: NormalizeOptions } {
  const parent = `${rg}/Microsoft.Sql/servers/${server}`;
  return arm({ id: `${parent}/firewallRules/${name}`, name, type: 'Microsoft.Sql/servers/firewallRules', properties }, { type: 'Microsoft.Sql/servers/firewallRules', parent: { type: 'Microsoft.Sql/servers', id: parent, location: 'japaneast' } }) as { body: unknown; options: NormalizeOptions };
}
const ALL = { startIpAddress: '0.0.0.0', endIpAddress: '255.255.255.255' };

describe('azure-sql-server-not-open-to-internet', () => {
  const id = (n: string): string => `${rg}/Microsoft.Sql/servers/${n}`;
  it('fails on an all-addresses rule with public access on, passes without one or with public access off', () => {
    const f = findings(
      [
        sqlServer('sql-open', { publicNetworkAccess: 'Enabled' }),
        firewallRule('sql-open', 'AllowAll', ALL),
        firewallRule('sql-open', 'AllowAllWindowsAzureIps', { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }),
        sqlServer('sql-office', { publicNetworkAccess: 'Enabled' }),
        firewallRule('sql-office', 'office', { startIpAddress: '203.0.113.0', endIpAddress: '203.0.113.255' }),
        sqlServer('sql-private', { publicNetworkAccess: 'Disabled' }),
        firewallRule('sql-private', 'AllowAll', ALL),
        sqlServer('sql-norules', { publicNetworkAccess: 'Enabled' }),
      ],
      'azure-sql-server-not-open-to-internet',
    );
    expect(f[id('sql-open')]).toEqual({ status: 'fail', reason: 'SQL server sql-open firewall rule AllowAll allows every IP address (0.0.0.0-255.255.255.255)' });
    expect(f[id('sql-office')]).toEqual({ status: 'pass' });
    expect(f[id('sql-private')]).toEqual({ status: 'pass' });
    expect(f[id('sql-norules')]).toEqual({ status: 'pass' });
  });

  it('is unknown for a rule without its range, an all-addresses rule without publicNetworkAccess, or rules not collected', () => {
    const f = findings(
      [sqlServer('sql-broken', { publicNetworkAccess: 'Enabled' }), firewallRule('sql-broken', 'half', { startIpAddress: '0.0.0.0' }), sqlServer('sql-old', {}), firewallRule('sql-old', 'AllowAll', ALL)],
      'azure-sql-server-not-open-to-internet',
    );
    expect(f[id('sql-broken')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: a firewall rule has no startIpAddress / endIpAddress' });
    expect(f[id('sql-old')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: publicNetworkAccess is not in the payload' });
    // Firewall rules outside coverage: no server may pass for want of rules.
    const uncovered = findings([sqlServer('sql-x', { publicNetworkAccess: 'Enabled' })], 'azure-sql-server-not-open-to-internet', ['Microsoft.Sql/servers']);
    expect(uncovered[id('sql-x')]?.status).toBe('unknown');
  });
});

// Virtual Networks - Get (2024-05-01): subnets inline with properties.networkSecurityGroup.id when associated.
function vnet(name: string, subnets: unknown): { body: unknown } {
  const id = `${rg}/Microsoft.Network/virtualNetworks/${name}`;
  return arm({ id, name, type: 'Microsoft.Network/virtualNetworks', location: 'japaneast', properties: { provisioningState: 'Succeeded', addressSpace: { addressPrefixes: ['10.0.0.0/16'] }, ...(subnets === undefined ? {} : { subnets }) } });
}
const subnet = (name: string, nsg: boolean): Record<string, unknown> => ({
  name,
  id: `${rg}/Microsoft.Network/virtualNetworks/v/subnets/${name}`,
  type: 'Microsoft.Network/virtualNetworks/subnets',
  properties: { addressPrefix: '10.0.1.0/24', ...(nsg ? { networkSecurityGroup: { id: `${rg}/Microsoft.Network/networkSecurityGroups/nsg-${name}` } } : {}) },
});

describe('azure-subnet-has-nsg', () => {
  it('fails a subnet without an NSG, leaves out gateway and firewall subnets, is unknown without subnets', () => {
    const f = findings(
      [
        vnet('vnet-good', [subnet('app', true), subnet('GatewaySubnet', false), subnet('AzureFirewallSubnet', false)]),
        vnet('vnet-bare', [subnet('app', true), subnet('data', false)]),
        vnet('vnet-empty', []),
        vnet('vnet-old', undefined),
        vnet('vnet-broken', [{ name: 'x', id: `${rg}/Microsoft.Network/virtualNetworks/vnet-broken/subnets/x` }]),
      ],
      'azure-subnet-has-nsg',
    );
    const id = (n: string): string => `${rg}/Microsoft.Network/virtualNetworks/${n}`;
    expect(f[id('vnet-good')]).toEqual({ status: 'pass' });
    expect(f[id('vnet-bare')]).toEqual({ status: 'fail', reason: 'virtual network vnet-bare: subnet data has no network security group' });
    expect(f[id('vnet-empty')]).toEqual({ status: 'pass' });
    expect(f[id('vnet-old')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: subnets are not in the payload' });
    expect(f[id('vnet-broken')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: a subnet has no properties' });
  });
});

// Security Contacts - List (2023-12-01-preview), normalized as the collector does (a subscription-level setting).
function contact(properties: Record<string, unknown>, subscription = SUB): { body: unknown; options: NormalizeOptions } {
  return { body: { id: `/subscriptions/${subscription}/providers/Microsoft.Security/securityContacts/default`, name: 'default', type: 'Microsoft.Security/securityContacts', properties }, options: { type: 'Microsoft.Security/securityContacts', parent: { type: 'Microsoft.Resources/subscriptions', id: `/subscriptions/${subscription}`, location: 'global' } } };
}
const goodContact = { emails: 'security@example.jp; soc@example.jp', phone: '', isEnabled: true, notificationsByRole: { state: 'On', roles: ['Owner'] }, notificationsSources: [{ sourceType: 'Alert', minimalSeverity: 'High' }] };

describe('azure-defender-security-contact', () => {
  const verdict = (bodies: readonly { body: unknown; options?: NormalizeOptions }[], types: CollectionScope['types'] = 'all'): Pick<Finding, 'status' | 'reason'> | undefined => {
    const all = assess(bodies, types).filter((f) => f.control === 'azure-defender-security-contact');
    expect(all).toHaveLength(1);
    return all[0] && (all[0].reason === undefined ? { status: all[0].status } : { status: all[0].status, reason: all[0].reason });
  };
  it('passes with an enabled contact that has an address and mails alerts', () => {
    expect(verdict([contact(goodContact)])?.status).toBe('pass');
  });
  it('fails without an address, without alert notifications, or with no contact at all', () => {
    expect(verdict([contact({ ...goodContact, emails: '' })])?.status).toBe('fail');
    expect(verdict([contact({ ...goodContact, notificationsSources: [{ sourceType: 'AttackPath', minimalRiskLevel: 'Critical' }] })])?.reason).toContain('no alert notifications');
    expect(verdict([], ['Microsoft.Security/securityContacts'])?.status).toBe('fail');
  });
  it('is unknown when isEnabled is absent or contacts were not collected', () => {
    const withoutEnabled: Record<string, unknown> = { ...goodContact };
    delete withoutEnabled.isEnabled;
    expect(verdict([contact(withoutEnabled)])?.status).toBe('unknown');
    // Contacts outside coverage: the subscription is not evaluated, never passed.
    expect(assess([], ['Microsoft.Storage/storageAccounts']).filter((f) => f.control === 'azure-defender-security-contact' && f.status !== 'unknown')).toEqual([]);
  });
});

// Subscriptions - Get (2022-12-01) and Activity Log Alerts (2020-10-01).
const subscriptionBody = { body: { id: `/subscriptions/${SUB}`, subscriptionId: SUB, displayName: 'prod', state: 'Enabled' }, options: { type: 'Microsoft.Resources/subscriptions' } };
function alert(name: string, operations: readonly string[], extra: Record<string, unknown> = {}): { body: unknown } {
  return arm({
    id: `/subscriptions/${SUB}/resourceGroups/rg-ops/providers/Microsoft.Insights/activityLogAlerts/${name}`,
    name,
    type: 'Microsoft.Insights/activityLogAlerts',
    location: 'global',
    properties: {
      scopes: [`/subscriptions/${SUB}`],
      condition: { allOf: [{ field: 'category', equals: 'Administrative' }, { anyOf: operations.map((o) => ({ field: 'operationName', equals: o })) }] },
      actions: { actionGroups: [{ actionGroupId: `/subscriptions/${SUB}/resourceGroups/rg-ops/providers/microsoft.insights/actionGroups/soc` }] },
      enabled: true,
      ...extra,
    },
  });
}
const OPS = ['Microsoft.Authorization/policyAssignments/write', 'Microsoft.Authorization/policyAssignments/delete', 'Microsoft.Network/networkSecurityGroups/write', 'Microsoft.Network/networkSecurityGroups/delete', 'Microsoft.Security/securitySolutions/write', 'Microsoft.Security/securitySolutions/delete', 'Microsoft.Sql/servers/firewallRules/write', 'Microsoft.Sql/servers/firewallRules/delete', 'Microsoft.Network/publicIPAddresses/write', 'Microsoft.Network/publicIPAddresses/delete'];

describe('azure-activity-log-security-alerts', () => {
  const control = 'azure-activity-log-security-alerts';
  it('passes when enabled subscription-wide alerts with action groups cover every operation (anyOf or plain allOf leaves)', () => {
    const leaf = arm({ ...(alert('nsg-delete', []).body as Record<string, unknown>), properties: { scopes: [`/subscriptions/${SUB}`], condition: { allOf: [{ field: 'category', equals: 'Administrative' }, { field: 'operationName', equals: 'microsoft.network/networksecuritygroups/delete' }] }, actions: { actionGroups: [{ actionGroupId: 'ag' }] }, enabled: true } });
    const f = findings([subscriptionBody, alert('most', OPS.filter((o) => o !== 'Microsoft.Network/networkSecurityGroups/delete')), leaf], control);
    expect(f[`/subscriptions/${SUB}`]).toEqual({ status: 'pass' });
  });
  it('lists the operations no live alert watches: disabled, resource-group scoped and action-less alerts do not count', () => {
    const f = findings(
      [
        subscriptionBody,
        alert('nsg', ['Microsoft.Network/networkSecurityGroups/write', 'Microsoft.Network/networkSecurityGroups/delete']),
        alert('off', OPS, { enabled: false }),
        alert('rg-only', OPS, { scopes: [`/subscriptions/${SUB}/resourceGroups/rg-app`] }),
        alert('silent', OPS, { actions: { actionGroups: [] } }),
      ],
      control,
    );
    expect(f[`/subscriptions/${SUB}`]?.status).toBe('fail');
    expect(f[`/subscriptions/${SUB}`]?.reason).toBe(`subscription ${SUB} has no enabled, subscription-wide activity-log alert with an action group for ${OPS.filter((o) => !o.includes('networkSecurityGroups')).join(', ')}`);
  });
  it('fails with no alert at all, is unknown when alerts were not collected', () => {
    expect(findings([subscriptionBody], control)[`/subscriptions/${SUB}`]?.status).toBe('fail');
    expect(findings([subscriptionBody], control, ['Microsoft.Resources/subscriptions'])[`/subscriptions/${SUB}`]?.status).toBe('unknown');
  });
});

// Network Watchers (2024-05-01) and Flow Logs - List (2024-05-01), related to their watcher as the collector does.
const watcherId = `/subscriptions/${SUB}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_japaneast`;
function flowLog(name: string, properties: Record<string, unknown>): { body: unknown; options: NormalizeOptions } {
  return { body: { id: `${watcherId}/flowLogs/${name}`, name, type: 'Microsoft.Network/networkWatchers/flowLogs', location: 'japaneast', properties: { targetResourceId: `${rg}/Microsoft.Network/virtualNetworks/v`, storageId: `${rg}/Microsoft.Storage/storageAccounts/st`, ...properties } }, options: { type: 'Microsoft.Network/networkWatchers/flowLogs', parent: { type: 'Microsoft.Network/networkWatchers', id: watcherId, location: 'japaneast' } } };
}

describe('azure-network-watcher-in-vnet-regions and azure-flow-log-retention-90-days', () => {
  it('a virtual network passes with a watcher in its region, fails without one, is unknown when watchers were not collected', () => {
    const watcher = arm({ id: watcherId, name: 'NetworkWatcher_japaneast', type: 'Microsoft.Network/networkWatchers', location: 'japaneast', properties: { provisioningState: 'Succeeded' } });
    const west = arm({ id: `${rg}/Microsoft.Network/virtualNetworks/vnet-west`, name: 'vnet-west', type: 'Microsoft.Network/virtualNetworks', location: 'japanwest', properties: { subnets: [] } });
    const f = findings([watcher, vnet('vnet-east', []), west], 'azure-network-watcher-in-vnet-regions');
    expect(f[`${rg}/Microsoft.Network/virtualNetworks/vnet-east`]).toEqual({ status: 'pass' });
    expect(f[`${rg}/Microsoft.Network/virtualNetworks/vnet-west`]).toEqual({ status: 'fail', reason: `no Network Watcher in region japanwest of virtual network vnet-west (subscription ${SUB})` });
    expect(findings([vnet('vnet-east', [])], 'azure-network-watcher-in-vnet-regions', ['Microsoft.Network/virtualNetworks'])[`${rg}/Microsoft.Network/virtualNetworks/vnet-east`]?.status).toBe('unknown');
  });

  it('flow logs pass at 90 days or with no deleting policy, fail when short or disabled, are unknown without the fields', () => {
    const f = findings(
      [
        flowLog('fl-90', { enabled: true, retentionPolicy: { days: 90, enabled: true } }),
        flowLog('fl-forever', { enabled: true, retentionPolicy: { days: 0, enabled: false } }),
        flowLog('fl-7', { enabled: true, retentionPolicy: { days: 7, enabled: true } }),
        flowLog('fl-off', { enabled: false, retentionPolicy: { days: 90, enabled: true } }),
        flowLog('fl-nopolicy', { enabled: true }),
        flowLog('fl-noenabled', { retentionPolicy: { days: 90, enabled: true } }),
      ],
      'azure-flow-log-retention-90-days',
    );
    const id = (n: string): string => `${watcherId}/flowLogs/${n}`;
    expect(f[id('fl-90')]).toEqual({ status: 'pass' });
    expect(f[id('fl-forever')]).toEqual({ status: 'pass' });
    expect(f[id('fl-7')]).toEqual({ status: 'fail', reason: 'flow log fl-7 keeps records for 7 days (< 90)' });
    expect(f[id('fl-off')]).toEqual({ status: 'fail', reason: 'flow log fl-off is disabled' });
    expect(f[id('fl-nopolicy')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: retentionPolicy is not in the payload' });
    expect(f[id('fl-noenabled')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: enabled is not in the payload' });
  });
});
