/**
 * Test support: one Azure collection against the sandbox's ARM and Microsoft Graph over HTTPS (real token
 * credential, the sandbox's CA), two attempts per call, and the given controls evaluated on the result.
 * Calls are counted per `<operation> <code>`.
 */
import { azureClients } from '../../collectors/azure/clients.js';
import { azureCollectorSchema } from '../../collectors/azure/config.js';
import { StaticTokenCredential } from '../../collectors/azure/credential.js';
import { AzureResourceCollector } from '../../collectors/azure/resource-manager.js';
import type { CollectorRun } from '../../collectors/types.js';
import type { Finding } from '../../src/evaluate/assessment.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import type { Control } from '../../src/mappings/controls.js';
import type { Resource } from '../../src/model/resource.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { bundledMappings } from './evaluate.js';

export interface AzureCollected {
  resources: Resource[];
  run: CollectorRun;
  calls: Map<string, number>;
  findings: readonly Finding[];
}

export interface AzureCollect {
  /** Collector settings beside the sandbox endpoint (subscriptions, discoverSubscriptions …). */
  readonly config: Record<string, unknown>;
  readonly types: ReadonlySet<string>;
  readonly controls: readonly Control[];
  /** Default: the sandbox's Graph. */
  readonly graphEndpoint?: string | undefined;
}

export async function collectAzureSandbox(sandbox: Sandbox, { config, types, controls, graphEndpoint = `${sandbox.azure.endpoint}/graph` }: AzureCollect): Promise<AzureCollected> {
  const settings = azureCollectorSchema.parse({ ...config, endpoint: sandbox.azure.endpoint, maxAttempts: 2 });
  const clients = azureClients({ credential: new StaticTokenCredential(sandbox.azure.token), endpoint: sandbox.azure.endpoint, ca: sandbox.azure.ca, graphEndpoint });
  const collector = new AzureResourceCollector(settings, clients, () => Promise.resolve());
  const resources: Resource[] = [];
  const calls = new Map<string, number>();
  const now = new Date();
  try {
    const run = await collector.collect({
      types,
      onResource: (r) => resources.push(r),
      recorder: { apiCall: (_p, operation, code) => calls.set(`${operation} ${code}`, (calls.get(`${operation} ${code}`) ?? 0) + 1), clockSample: () => undefined },
      logger: { info: () => undefined, warn: () => undefined, debug: () => undefined },
      signal: new AbortController().signal,
      now: () => now,
    });
    const { catalog, attestations } = bundledMappings();
    return { resources, run, calls, findings: evaluate(resources, run.coverage, controls, catalog, attestations, now).findings };
  } finally {
    await collector.close();
  }
}
