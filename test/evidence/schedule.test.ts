/** Scheduled snapshots in the agent: the runtime wiring, the metrics on /metrics, and shutdown mid-snapshot. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { startAgent } from '../../src/agent/runtime.js';
import { sandboxClientsOf } from '../../collectors/sandbox.js';
import { configSchema } from '../../src/config/schema.js';
import { prepareEvidence } from '../../src/evidence/schedule.js';
import { registerEvidenceMetrics } from '../../src/metrics/metrics.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { verifyStore } from '../../src/evidence/verify.js';
import { LocalEvidenceStore } from '../../src/evidence/store.js';
import { httpText, waitFor } from '../support/processes.js';
import { capturedLogger, sandboxAgent, tempDir } from './helpers.js';

describe('scheduled evidence snapshots', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 300, seed: 3 } });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.setFaults({}));

  it('runs from the agent on the configured cron schedule and exports the evidence metrics', async () => {
    const dir = join(tempDir(), 'evidence');
    const config = configSchema.parse({
      listen: '127.0.0.1:0',
      collectors: { aws: { regions: sandbox.aws.regions, accounts: sandbox.aws.accounts.map((id) => ({ id })), endpoint: sandbox.aws.endpoint, schedule: '0 0 1 1 *' } },
      evidence: { dir, schedule: '* * * * * *' }, // every second: the test waits for the first tick, whenever it comes
    });
    const { logger, records } = capturedLogger();
    const running = await startAgent({ config, sandbox: sandboxClientsOf(sandbox), logger, runAtStart: false });
    try {
      const name = await waitFor('a scheduled snapshot', () => Promise.resolve(readdirSync(dir, { withFileTypes: true }).find((e) => !e.name.startsWith('.'))?.name));
      const scraped = await waitFor('the snapshot metric', async () => {
        const { text } = await httpText(`${running.url}/metrics`);
        return /^kansa_evidence_last_snapshot_timestamp_seconds [1-9]/m.test(text) ? text : undefined;
      });
      expect(scraped).toContain('kansa_evidence_snapshot_errors_total{stage="write"} 0');
      expect(scraped).toMatch(/^kansa_evidence_schedule_interval_seconds 1$/m); // "* * * * * *": every second
      expect(scraped).toContain('# TYPE kansa_requirement_state_changes_total counter');
      // The snapshot's scan also fed the agent: the endpoint serves an assessment although no collector schedule fired.
      expect(running.ready).toBe(true);
      expect(records()).toContainEqual(expect.objectContaining({ event: 'evidence_snapshot_written', snapshot: name }));
    } finally {
      await running.stop();
    }
    expect(readdirSync(dir).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    expect((await verifyStore(new LocalEvidenceStore(dir))).ok).toBe(true);
  });

  it('counts state changes across snapshots and abandons an in-flight snapshot at shutdown', async () => {
    const dir = tempDir();
    const registry = new Registry();
    const { logger, records } = capturedLogger();
    const evidence = prepareEvidence({ config: { dir, schedule: '0 0 1 1 *' }, mappings: {}, metrics: registerEvidenceMetrics(registry, { intervalSeconds: 3600 }), logger, version: 'test', env: {} });
    const agent = sandboxAgent(sandbox, () => new Date(), logger);
    expect((await evidence.snapshotNow(agent)).ok).toBe(true);
    sandbox.setFaults({ accessDeniedAccounts: [...sandbox.aws.accounts] });
    const changed = await evidence.snapshotNow(agent);
    if (!changed.ok) throw new Error(changed.error);
    expect(changed.changes.length).toBeGreaterThan(0);
    const metrics = await registry.metrics();
    for (const c of changed.changes) {
      expect(metrics).toContain(`kansa_requirement_state_changes_total{catalog="jp-cloud-procurement",requirement="${c.id}",from="${c.from}",to="${c.to}"} 1`);
    }
    expect(records().filter((r) => r['event'] === 'requirement_state_changed')).toHaveLength(changed.changes.length);

    // Shutdown while a snapshot is in flight: the scan is abandoned and the draft discarded.
    sandbox.setFaults({ latencyMs: 50 });
    const inFlight = evidence.snapshotNow(agent);
    await evidence.stop();
    expect(await inFlight).toMatchObject({ ok: false, stage: 'collect' });
    expect(readdirSync(dir)).toEqual([changed.manifest.previous!.name, changed.name].sort());
    expect(await registry.metrics()).toContain('kansa_evidence_snapshot_errors_total{stage="collect"} 1');
  });
});
