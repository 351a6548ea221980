/**
 * Idle SDK sockets must not pile up scan after scan (#18: descriptors grew from 160 to 842 over 132
 * scans). Many scans of the sandbox through the agent and the real collectors and SDK clients: each
 * collector keeps its clients from scan to scan, so the sandbox sees no more client connections after
 * thirty scans than the collector may hold at once, and closing the collectors closes every socket.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { setMaxListeners } from 'node:events';
import { awsMaxSockets } from '../../collectors/aws/clients.js';
import { awsCollectorSchema } from '../../collectors/aws/config.js';
import { azureCollectorSchema } from '../../collectors/azure/config.js';
import { gcpCollectorSchema } from '../../collectors/gcp/config.js';
import { buildCollectors, closeCollectors } from '../../collectors/registry.js';
import { sandboxClientOverrides, sandboxClientsOf } from '../../collectors/sandbox.js';
import { Agent } from '../../src/agent/agent.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { bundledMappings } from '../support/evaluate.js';
import { waitFor } from '../support/processes.js';
import { capturedLogger } from '../evidence/helpers.js';

const SCANS = 30;

/** Sockets this process holds (the sandbox's ends and the clients' ends alike). */
function openSockets(): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:');
    } catch {
      return false; // closed while listing
    }
  }).length;
}

describe('SDK clients across scans', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 300, seed: 4 }, azure: { resources: 200, seed: 4 }, gcp: { resources: 200, seed: 4 } });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it(`reuses each collector's connections over ${SCANS} scans, never more than its socket bound, and closes them all at stop`, async () => {
    const aws = awsCollectorSchema.parse({ enabled: true, endpoint: sandbox.aws.endpoint, accounts: sandbox.aws.accounts.map((id) => ({ id })), maxAttempts: 1 });
    const azure = azureCollectorSchema.parse({ enabled: true, subscriptions: sandbox.azure.subscriptions, endpoint: sandbox.azure.endpoint, maxAttempts: 1 });
    const gcp = gcpCollectorSchema.parse({ enabled: true, scopes: sandbox.gcp.projects.map((p) => `projects/${p}`), requestsPerMinute: 600_000, maxAttempts: 1 });
    const before = openSockets();
    const configured = await buildCollectors({ collectors: { aws, azure, gcp } }, sandboxClientOverrides(sandboxClientsOf(sandbox)));
    const { logger } = capturedLogger();
    const agent = new Agent(bundledMappings(), configured.map((c) => ({ collector: c.collector, staleAfterSeconds: 86_400 })), { logger, now: () => new Date(), apiCalls: { inc: () => undefined }, keptFindings: 'none' });
    const abort = new AbortController();
    setMaxListeners(10_000, abort.signal);
    sandbox.resetCalls();
    try {
      for (let scan = 0; scan < SCANS; scan++) {
        for (const state of agent.collectors) {
          await agent.runCollector(state, abort.signal);
          // Every scan really talked to the sandbox: a failed one would open nothing and prove nothing.
          expect(state.lastError).toBeUndefined();
          expect(state.lastRun?.run.accounts.every((a) => a.ok)).toBe(true);
        }
      }
      const seen = sandbox.connections();
      // Per-scan clients opened new connections every scan (hundreds for AWS over 30 scans).
      expect(seen.aws).toBeGreaterThan(0);
      expect(seen.aws).toBeLessThanOrEqual(awsMaxSockets(aws));
      expect(seen.azure).toBeGreaterThan(0);
      expect(seen.azure).toBeLessThanOrEqual(azure.concurrency);
      // One gRPC channel, one HTTP/2 connection for every call.
      expect(seen.gcp).toBe(1);
    } finally {
      await closeCollectors(configured);
    }
    // Closed at stop: the process holds no more sockets than before the collectors existed.
    await waitFor('the clients’ sockets to close', () => Promise.resolve(openSockets() <= before ? true : undefined), 20_000, 50);
  }, 300_000);
});
