/**
 * azure-vnet-flow-logs-enabled: a virtual network (Virtual Networks - Get, 2024-05-01, subnets inline) joined to the
 * flow logs of the Network Watchers (Flow Logs - List, 2024-05-01: properties.targetResourceId, enabled,
 * retentionPolicy), normalized as the collector does (flow logs related to their watcher).
 */
import { normalizeArmResource, type NormalizeOptions } from '../../../collectors/azure/normalize.js';
import type { Finding } from '../../../src/evaluate/assessment.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import type { CollectionScope, Resource } from '../../../src/model/resource.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

const CONTROL = 'azure-vnet-flow-logs-enabled';
const SUB = '00000000-1111-4222-8333-444444444444';
const rg = `/subscriptions/${SUB}/resourceGroups/rg-net/providers`;
const watcherId = `/subscriptions/${SUB}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_japaneast`;
const vnetId = (name: string): string => `${rg}/Microsoft.Network/virtualNetworks/${name}`;
const nsgId = (name: string): string => `${rg}/Microsoft.Network/networkSecurityGroups/${name}`;

type Body = { body: unknown; options?: NormalizeOptions };

function vnet(name: string, subnets?: readonly Record<string, unknown>[]): Body {
  return { body: { id: vnetId(name), name, type: 'Microsoft.Network/virtualNetworks', location: 'japaneast', properties: { provisioningState: 'Succeeded', addressSpace: { addressPrefixes: ['10.0.0.0/16'] }, ...(subnets ? { subnets } : {}), virtualNetworkPeerings: [] } } };
}
const subnet = (network: string, name: string, nsg?: string): Record<string, unknown> => ({
  name,
  id: `${vnetId(network)}/subnets/${name}`,
  type: 'Microsoft.Network/virtualNetworks/subnets',
  properties: { provisioningState: 'Succeeded', addressPrefix: '10.0.1.0/24', ...(nsg ? { networkSecurityGroup: { id: nsgId(nsg) } } : {}) },
});
/** `enabled` or `target` undefined: the payload lacks it. */
function flowLog(name: string, target: string | undefined, enabled: boolean | undefined): Body {
  return {
    body: {
      id: `${watcherId}/flowLogs/${name}`,
      name,
      type: 'Microsoft.Network/networkWatchers/flowLogs',
      location: 'japaneast',
      properties: { ...(target === undefined ? {} : { targetResourceId: target }), storageId: `${rg}/Microsoft.Storage/storageAccounts/stflowlogs`, ...(enabled === undefined ? {} : { enabled }), retentionPolicy: { days: 90, enabled: true }, format: { type: 'JSON', version: 2 }, provisioningState: 'Succeeded' },
    },
    options: { type: 'Microsoft.Network/networkWatchers/flowLogs', parent: { type: 'Microsoft.Network/networkWatchers', id: watcherId, location: 'japaneast' } },
  };
}

const scope = (extra: Partial<CollectionScope> = {}): CollectionScope => ({ provider: 'azure', account: SUB, region: 'global', types: 'all', outcome: { status: 'ok', collectedAt: NOW.toISOString() }, ...extra });

function judge(bodies: readonly Body[], scopes: readonly CollectionScope[] = [scope()]): { en: Record<string, Pick<Finding, 'status' | 'reason'>>; ja: Record<string, string | undefined> } {
  const resources: Resource[] = bodies.map((b) => normalizeArmResource(b.body, b.options));
  const { controls, catalog, attestations } = bundledMappings();
  const en: Record<string, Pick<Finding, 'status' | 'reason'>> = {};
  const ja: Record<string, string | undefined> = {};
  for (const f of evaluate(resources, scopes, controls, catalog, attestations, NOW).findings) {
    if (f.control !== CONTROL) continue;
    en[f.resourceId] = f.reason === undefined ? { status: f.status } : { status: f.status, reason: f.reason };
    ja[f.resourceId] = f.reason_ja;
  }
  return { en, ja };
}

describe('azure-vnet-flow-logs-enabled', () => {
  it('passes a virtual network an enabled virtual network flow log targets (ids compared case-insensitively), whatever its subnets', () => {
    const { en } = judge([vnet('vnet-a', [subnet('vnet-a', 'app')]), vnet('vnet-b'), flowLog('fl-a', vnetId('vnet-a'), true), flowLog('fl-b', vnetId('vnet-b').toUpperCase(), true)]);
    expect(en[vnetId('vnet-a')]).toEqual({ status: 'pass' });
    // Subnets missing from the payload do not matter once the network itself is logged.
    expect(en[vnetId('vnet-b')]).toEqual({ status: 'pass' });
  });

  it('passes when every subnet that takes an NSG is logged by its NSG flow log or a subnet flow log; gateway subnets are left out', () => {
    const { en } = judge([
      vnet('vnet-nsg', [subnet('vnet-nsg', 'app', 'nsg-app'), subnet('vnet-nsg', 'data', 'nsg-data'), subnet('vnet-nsg', 'GatewaySubnet')]),
      flowLog('nsg-app-flows', nsgId('nsg-app'), true),
      flowLog('data-subnet-flows', `${vnetId('vnet-nsg')}/subnets/data`, true),
    ]);
    expect(en[vnetId('vnet-nsg')]).toEqual({ status: 'pass' });
  });

  it('fails a virtual network no flow log reaches, naming the subnets left unlogged (en and ja)', () => {
    const { en, ja } = judge([
      vnet('vnet-none', [subnet('vnet-none', 'app', 'nsg-app'), subnet('vnet-none', 'data'), subnet('vnet-none', 'GatewaySubnet')]),
      // A flow log of another network, and one of the NSG of only one subnet.
      flowLog('other', vnetId('vnet-other'), true),
      flowLog('nsg-app-flows', nsgId('nsg-app'), true),
    ]);
    expect(en[vnetId('vnet-none')]).toEqual({ status: 'fail', reason: 'virtual network vnet-none has no flow log: no flow log targets the virtual network, and subnet data has no enabled subnet or NSG flow log' });
    expect(ja[vnetId('vnet-none')]).toBe('仮想ネットワーク vnet-none のフローログがありません: 仮想ネットワークを対象とするフローログがなく、サブネット data にも有効なサブネットまたは NSG のフローログがありません');
  });

  it('what would silently pass: a disabled flow log, a network without subnets, a watcher with no flow log at all', () => {
    const { en } = judge([
      vnet('vnet-off', [subnet('vnet-off', 'app', 'nsg-off')]),
      flowLog('fl-off', vnetId('vnet-off'), false),
      flowLog('nsg-off-flows', nsgId('nsg-off'), false),
      vnet('vnet-empty', []),
      vnet('vnet-gw', [subnet('vnet-gw', 'GatewaySubnet')]),
    ]);
    expect(en[vnetId('vnet-off')]).toEqual({ status: 'fail', reason: 'virtual network vnet-off has no flow log: its virtual network flow log fl-off is disabled, and subnet app has no enabled subnet or NSG flow log' });
    expect(en[vnetId('vnet-empty')]).toEqual({ status: 'fail', reason: 'virtual network vnet-empty has no flow log: no flow log targets the virtual network, and it has no subnet an NSG could cover' });
    expect(en[vnetId('vnet-gw')]?.status).toBe('fail');
  });

  it('is unknown, not failed, when a flow log that could log the network has no enabled, or the subnets are not in the payload', () => {
    const { en } = judge([
      vnet('vnet-q', [subnet('vnet-q', 'app', 'nsg-q')]),
      flowLog('fl-q', nsgId('nsg-q'), undefined),
      vnet('vnet-nosubnets'),
      // An enabled NSG flow log decides even beside a virtual network flow log without enabled.
      vnet('vnet-mixed', [subnet('vnet-mixed', 'app', 'nsg-mixed')]),
      flowLog('fl-mixed', vnetId('vnet-mixed'), undefined),
      flowLog('nsg-mixed-flows', nsgId('nsg-mixed'), true),
    ]);
    expect(en[vnetId('vnet-q')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: a flow log that could cover the virtual network has no enabled field' });
    expect(en[vnetId('vnet-nosubnets')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: subnets are not in the payload' });
    expect(en[vnetId('vnet-mixed')]).toEqual({ status: 'pass' });
  });

  it('is unknown, not failed, when a flow log of the subscription has no targetResourceId; one of another subscription does not matter', () => {
    const bodies = [vnet('vnet-a', [subnet('vnet-a', 'app', 'nsg-app')])];
    expect(judge([...bodies, flowLog('fl-untargeted', undefined, true)]).en[vnetId('vnet-a')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: a flow log of the subscription has no targetResourceId' });
    const elsewhere = flowLog('fl-elsewhere', undefined, true);
    const otherSub = '99999999-1111-4222-8333-444444444444';
    const body = elsewhere.body as { id: string };
    body.id = body.id.replace(SUB, otherSub);
    const options = { ...elsewhere.options!, parent: { ...elsewhere.options!.parent!, id: watcherId.replace(SUB, otherSub) } };
    const scopes = [scope(), scope({ account: otherSub })];
    expect(judge([...bodies, { body, options }], scopes).en[vnetId('vnet-a')]?.status).toBe('fail');
  });

  it('is unknown when the flow logs were not collected in the subscription (a gap, or the type not collected), never failed', () => {
    const bodies = [vnet('vnet-a', [subnet('vnet-a', 'app', 'nsg-app')])];
    const gap = { types: ['Microsoft.Network/networkWatchers/flowLogs'], reason: { ja: 'ListFlowLogs が拒否されました', en: 'AuthorizationFailed: ListFlowLogs was denied' } };
    const gapped = judge(bodies, [scope({ types: ['Microsoft.Network/virtualNetworks'], gaps: [gap] })]).en[vnetId('vnet-a')];
    expect(gapped?.status).toBe('unknown');
    expect(gapped?.reason).toContain('AuthorizationFailed');
    expect(judge(bodies, [scope({ types: ['Microsoft.Network/virtualNetworks'] })]).en[vnetId('vnet-a')]?.status).toBe('unknown');
  });
});
