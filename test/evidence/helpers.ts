/** Test support for evidence: agents over the sandbox or a synthetic estate, captured logs, byte flips. */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { AwsConfigCollector } from '../../collectors/aws/config-service.js';
import type { CollectContext, Collector, CollectorRun } from '../../collectors/types.js';
import { Agent } from '../../src/agent/agent.js';
import { sandboxAwsClients } from '../../collectors/aws/sandbox-clients.js';
import { awsCollectorSchema } from '../../collectors/aws/config.js';
import { mappingsDigest, type MappingsDigest } from '../../src/evidence/mappings-digest.js';
import { EvidenceService, type EvidenceServiceOptions } from '../../src/evidence/service.js';
import { signerFromPem, type Signer } from '../../src/evidence/signing.js';
import { LocalEvidenceStore } from '../../src/evidence/store.js';
import { createLogger, type Logger } from '../../src/log.js';
import { registerEvidenceMetrics } from '../../src/metrics/metrics.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { bundledMappings, configItem, normalizeAll } from '../support/evaluate.js';
import { runCli, type CliRun } from '../support/cli.js';
import { tempDir as sharedTempDir } from '../support/temp.js';

/** A fresh temporary directory, removed after the test file (test/support/temp.ts). */
export function tempDir(prefix = 'kansa-evidence-'): string {
  return sharedTempDir(prefix);
}

/** A pino logger whose JSON records the test can read back. */
export function capturedLogger(): { logger: Logger; records: () => Record<string, unknown>[] } {
  let text = '';
  const logger = createLogger('info', new Writable({ write: (chunk: Buffer, _e, done) => ((text += chunk.toString()), done()) }));
  return { logger, records: () => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

export function ed25519Pem(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

let digest: MappingsDigest | undefined;
export function bundledDigest(): MappingsDigest {
  digest ??= mappingsDigest({});
  return digest;
}

const noCounter = { inc: (): void => undefined };

export function sandboxAgent(sandbox: Sandbox, now: () => Date, logger: Logger): Agent {
  const config = awsCollectorSchema.parse({ regions: sandbox.aws.regions, accounts: sandbox.aws.accounts.map((id) => ({ id })), maxAttempts: 1 });
  const collector = new AwsConfigCollector(config, sandboxAwsClients(sandbox.aws), () => Promise.resolve());
  return new Agent(bundledMappings(), [{ collector, staleAfterSeconds: 3600 }], { logger, now, apiCalls: noCounter });
}

/** Security groups, half of them with SSH open to the world (from `openFrom` on), in one account × region. */
export class SyntheticCollector implements Collector {
  readonly provider = 'aws' as const;
  readonly name = 'synthetic';
  openFrom = 0;
  constructor(public count: number) {}

  close(): Promise<void> {
    return Promise.resolve();
  }
  collect(context: CollectContext): Promise<CollectorRun> {
    const at = context.now().toISOString();
    const items = Array.from({ length: this.count }, (_, i) =>
      configItem({
        type: 'AWS::EC2::SecurityGroup',
        id: `sg-${String(i).padStart(6, '0')}`,
        configuration: {
          groupId: `sg-${i}`,
          groupName: `g${i}`,
          ipPermissions: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: [i >= this.openFrom && i % 2 === 0 ? '0.0.0.0/0' : '10.0.0.0/8'] }],
          ipPermissionsEgress: [],
        },
      }),
    );
    for (const resource of normalizeAll(items)) context.onResource(resource);
    return Promise.resolve({
      coverage: [{ provider: 'aws', account: '111122223333', region: 'ap-northeast-1', types: ['AWS::EC2::SecurityGroup'], outcome: { status: 'ok', collectedAt: at } }],
      accounts: [{ account: '111122223333', ok: true, durationSeconds: 0, resources: this.count }],
    });
  }
}

export function syntheticAgent(collector: Collector, now: () => Date, logger: Logger): Agent {
  return new Agent(bundledMappings(), [{ collector, staleAfterSeconds: 3600 }], { logger, now, apiCalls: noCounter });
}

export function evidenceService(dir: string, options: Partial<EvidenceServiceOptions> & { now: () => Date; logger: Logger }): { service: EvidenceService; registry: Registry } {
  const registry = new Registry();
  const service = new EvidenceService({
    store: new LocalEvidenceStore(dir),
    signer: undefined,
    retention: undefined,
    mappings: bundledDigest(),
    metrics: registerEvidenceMetrics(registry, { intervalSeconds: 3600 }),
    version: '0.0.0-test',
    ...options,
  });
  return { service, registry };
}

export function signer(pem: string): Signer {
  return signerFromPem(pem, 'test key');
}

/** A clock the test moves: each call returns the current value. */
export function steppingClock(start: string): { now: () => Date; advance: (ms: number) => void } {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

export function flipByte(path: string, offset: number): () => void {
  const original = readFileSync(path);
  const changed = Buffer.from(original);
  changed[offset] = changed[offset]! ^ 0x01;
  writeFileSync(path, changed);
  return () => writeFileSync(path, original);
}

export const kansa = (...argv: string[]): Promise<CliRun> => runCli(argv);

/**
 * A chain of `count` snapshots of a small synthetic estate, an hour apart (or `stepsMs[i]` after the i-th),
 * written by the real evidence service into a fresh directory: signed when asked, pruned into the ledger
 * beyond `keepHourly` hourly snapshots when given.
 */
export async function writeChain(count: number, options: { signed?: boolean; keepHourly?: number; stepsMs?: readonly number[] } = {}): Promise<{ readonly dir: string; readonly names: readonly string[] }> {
  const dir = tempDir();
  const clock = steppingClock('2026-11-02T00:15:00Z');
  const { logger } = capturedLogger();
  const { service } = evidenceService(dir, {
    now: clock.now,
    logger,
    ...(options.signed ? { signer: signer(ed25519Pem().privateKey) } : {}),
    ...(options.keepHourly === undefined ? {} : { retention: { hourly: options.keepHourly, daily: 0, monthly: 0 } }),
  });
  const collector = new SyntheticCollector(40);
  const agent = syntheticAgent(collector, clock.now, logger);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    collector.openFrom = i * 10; // the estate changes a little every snapshot
    const outcome = await service.snapshot(agent, new AbortController().signal);
    if (!outcome.ok) throw new Error(outcome.error);
    names.push(outcome.name);
    clock.advance(options.stepsMs?.[i] ?? 3600_000);
  }
  return { dir, names };
}
