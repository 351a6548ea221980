/**
 * Issue #14 Azure controls end to end: the real collector (Resource Graph and ARM) against the sandbox estate,
 * through the real evaluation. Each new control finds both a passing and a failing instance, and the new types
 * (virtual networks, SQL firewall rules, security contacts, subscriptions) are collected only when a control reads them.
 */
import { azureClients } from '../../../collectors/azure/clients.js';
import { StaticTokenCredential } from '../../../collectors/azure/credential.js';
import { azureCollectorSchema } from '../../../collectors/azure/config.js';
import { AzureResourceCollector } from '../../../collectors/azure/resource-manager.js';
import { evaluate, Evaluation } from '../../../src/evaluate/evaluate.js';
import type { Finding } from '../../../src/evaluate/assessment.js';
import type { Resource } from '../../../src/model/resource.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

const NEW_CONTROLS = ['azure-network-watcher-in-vnet-regions', 'azure-flow-log-retention-90-days', 'azure-vnet-flow-logs-enabled', 'azure-storage-network-access-restricted', 'azure-keyvault-network-access-restricted', 'azure-sql-server-not-open-to-internet', 'azure-subnet-has-nsg', 'azure-defender-security-contact', 'azure-activity-log-security-alerts'];

async function run(sandbox: Sandbox, source: 'resourceGraph' | 'arm', controlIds: readonly string[]): Promise<{ findings: readonly Finding[]; resources: Resource[]; operations: Set<string> }> {
  const controls = bundledMappings().controls.filter((c) => controlIds.includes(c.id));
  const config = azureCollectorSchema.parse({ subscriptions: [...sandbox.azure.subscriptions], source, endpoint: sandbox.azure.endpoint });
  const clients = azureClients({ credential: new StaticTokenCredential(sandbox.azure.token), endpoint: sandbox.azure.endpoint, ca: sandbox.azure.ca });
  const collector = new AzureResourceCollector(config, clients, () => Promise.resolve());
  const resources: Resource[] = [];
  const operations = new Set<string>();
  try {
    const result = await collector.collect({
      types: new Set(Evaluation.typesNeeded(controls)),
      onResource: (r) => resources.push(r),
      recorder: { apiCall: (_p, operation) => operations.add(operation), clockSample: () => undefined },
      logger: { info: () => undefined, warn: () => undefined, debug: () => undefined },
      signal: new AbortController().signal,
      now: () => NOW,
    });
    const { catalog, attestations } = bundledMappings();
    return { findings: evaluate(resources, result.coverage, controls, catalog, attestations, NOW).findings, resources, operations };
  } finally {
    await collector.close();
  }
}

describe('issue #14 Azure controls on the sandbox estate', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ azure: { resources: 300 } });
  });
  afterAll(() => sandbox.close());

  it.each(['resourceGraph', 'arm'] as const)('each new control finds a pass and a fail (%s)', async (source) => {
    const { findings } = await run(sandbox, source, NEW_CONTROLS);
    for (const control of NEW_CONTROLS) {
      const statuses = new Set(findings.filter((f) => f.control === control).map((f) => f.status));
      expect([control, statuses.has('pass'), statuses.has('fail'), statuses.has('unknown')]).toEqual([control, true, true, false]);
    }
  });

  it('collects firewall rules, virtual networks, contacts and subscriptions only for the controls that read them', async () => {
    const { resources, operations } = await run(sandbox, 'resourceGraph', ['azure-storage-https-only']);
    expect(resources.some((r) => /firewallRules|virtualNetworks|networkWatchers|securityContacts|Microsoft\.Resources\/subscriptions$/i.test(r.type))).toBe(false);
    expect([...operations].filter((o) => ['ListServerFirewallRules', 'ListFlowLogs', 'ListSecurityContacts', 'GetSubscription'].includes(o))).toEqual([]);
  });
});
