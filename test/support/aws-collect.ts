/**
 * Test support: one AWS collection against the in-process sandbox through the real SDK clients, every
 * sandbox account configured, two attempts per call (faults fail fast), and what tests assert on kept:
 * the resources, the run (coverage), each API call as `<operation> <code>` and each back-off sleep.
 */
import { AwsConfigCollector } from '../../collectors/aws/config-service.js';
import { awsCollectorSchema } from '../../collectors/aws/config.js';
import { sandboxAwsClients } from '../../collectors/aws/sandbox-clients.js';
import type { CollectorRun } from '../../collectors/types.js';
import type { Resource } from '../../src/model/resource.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { NOW } from './evaluate.js';

export interface AwsCollected {
  resources: Resource[];
  run: CollectorRun;
  calls: string[];
  sleeps: number[];
}

const silent = { info: () => undefined, warn: () => undefined, debug: () => undefined };

/** `config` overrides the collector settings (regions, aggregator, accounts, maxAttempts …). */
export async function collectAwsSandbox(sandbox: Sandbox, types: readonly string[], config: Record<string, unknown> = {}): Promise<AwsCollected> {
  const sleeps: number[] = [];
  const collector = new AwsConfigCollector(awsCollectorSchema.parse({ accounts: sandbox.aws.accounts.map((id) => ({ id })), maxAttempts: 2, ...config }), sandboxAwsClients(sandbox.aws), (ms) => {
    // No wall-clock waiting in tests: the sleep is recorded and resolves at once.
    sleeps.push(ms);
    return Promise.resolve();
  });
  const resources: Resource[] = [];
  const calls: string[] = [];
  try {
    const run = await collector.collect({
      types: new Set(types),
      onResource: (r) => resources.push(r),
      recorder: { apiCall: (_p, operation, code) => calls.push(`${operation} ${code}`), clockSample: () => undefined },
      logger: silent,
      signal: new AbortController().signal,
      now: () => NOW,
    });
    return { resources, run, calls, sleeps };
  } finally {
    await collector.close();
  }
}
