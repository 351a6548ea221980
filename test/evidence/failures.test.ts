/** A snapshot that cannot be completed is an error metric and a log line, never a crash and never a snapshot. */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CollectContext, Collector, CollectorRun } from '../../collectors/types.js';
import { Agent } from '../../src/agent/agent.js';
import { bundledMappings } from '../support/evaluate.js';
import { capturedLogger, evidenceService, steppingClock, SyntheticCollector, syntheticAgent, tempDir } from './helpers.js';

class ThrowingCollector implements Collector {
  readonly provider = 'aws' as const;
  readonly name = 'broken';
  constructor(private readonly inner: Collector) {}
  close(): Promise<void> {
    return Promise.resolve();
  }
  async collect(context: CollectContext): Promise<CollectorRun> {
    await this.inner.collect(context); // resources were streamed into the draft before the failure
    throw new Error('collector crashed');
  }
}

/** Holds its run open until released: lets a test start a snapshot while a scheduled scan is still running. */
class GatedCollector implements Collector {
  readonly provider = 'aws' as const;
  readonly name = 'gated';
  runs = 0;
  private release: (() => void) | undefined;
  readonly started: Promise<void>;
  private markStarted!: () => void;
  constructor(private readonly inner: Collector) {
    this.started = new Promise((resolve) => (this.markStarted = resolve));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  async collect(context: CollectContext): Promise<CollectorRun> {
    this.runs++;
    if (this.runs === 1) {
      this.markStarted();
      await new Promise<void>((resolve) => (this.release = resolve));
    }
    return this.inner.collect(context);
  }
  open(): void {
    this.release?.();
  }
}

describe('snapshot failures', () => {
  const clock = steppingClock('2026-11-01T00:00:00Z');

  it('reports an unwritable evidence directory without collecting or leaving anything', async () => {
    const parent = tempDir();
    writeFileSync(join(parent, 'file'), '');
    const { logger, records } = capturedLogger();
    const { service, registry } = evidenceService(join(parent, 'file', 'evidence'), { now: clock.now, logger });
    const collector = new SyntheticCollector(10);
    const agent = syntheticAgent(collector, clock.now, logger);
    const outcome = await service.snapshot(agent, new AbortController().signal);
    expect(outcome).toEqual({ ok: false, stage: 'write', error: expect.stringContaining('ENOTDIR') as unknown });
    expect(agent.ready).toBe(false);
    expect(await registry.metrics()).toContain('kansa_evidence_snapshot_errors_total{stage="write"} 1');
    expect(records()).toContainEqual(expect.objectContaining({ level: 50, event: 'evidence_snapshot_failed', stage: 'write', error: expect.stringContaining('ENOTDIR') as unknown }));
    expect(readdirSync(parent)).toEqual(['file']);
  });

  it('discards the draft of a run that fails or is abandoned; the agent records the failure as usual', async () => {
    const dir = tempDir();
    const { logger, records } = capturedLogger();
    const { service, registry } = evidenceService(dir, { now: clock.now, logger });
    const agent = syntheticAgent(new ThrowingCollector(new SyntheticCollector(50)), clock.now, logger);
    const failed = await service.snapshot(agent, new AbortController().signal);
    expect(failed).toEqual({ ok: false, stage: 'collect', error: 'collector broken: collector crashed' });
    expect(agent.collectors[0]!.lastError).toBe('collector crashed');

    const aborted = new AbortController();
    aborted.abort(new Error('shutting down'));
    const abandoned = await service.snapshot(syntheticAgent(new SyntheticCollector(50), clock.now, logger), aborted.signal);
    expect(abandoned).toMatchObject({ ok: false, stage: 'collect' });

    expect(readdirSync(dir)).toEqual([]);
    expect(await registry.metrics()).toContain('kansa_evidence_snapshot_errors_total{stage="collect"} 2');
    expect(records().filter((r) => r['event'] === 'evidence_snapshot_failed')).toHaveLength(2);
    // After the failures the next snapshot is still the first of the chain.
    const ok = await service.snapshot(syntheticAgent(new SyntheticCollector(5), clock.now, logger), new AbortController().signal);
    expect(ok.ok && ok.manifest.sequence).toBe(1);
  });

  it('waits for a scan already running on the collector instead of skipping the snapshot', async () => {
    const dir = tempDir();
    const { logger, records } = capturedLogger();
    const { service } = evidenceService(dir, { now: clock.now, logger });
    const gated = new GatedCollector(new SyntheticCollector(30));
    const agent = new Agent(bundledMappings(), [{ collector: gated, staleAfterSeconds: 3600 }], { logger, now: clock.now, apiCalls: { inc: () => undefined } });
    const scheduled = agent.runCollector(agent.collectors[0]!, new AbortController().signal);
    await gated.started;
    const snapshot = service.snapshot(agent, new AbortController().signal);
    // Once the snapshot has logged its start it has found the collector busy (same synchronous step) and waits.
    while (!records().some((r) => r['event'] === 'evidence_snapshot_started')) await new Promise((resolve) => setImmediate(resolve));
    expect(agent.collectors[0]!.running).toBe(true);
    gated.open();
    await scheduled;
    const outcome = await snapshot;
    if (!outcome.ok) throw new Error(outcome.error);
    expect(gated.runs).toBe(2);
    expect(outcome.manifest.counts.resources).toBe(30);
  });

  it('refuses to publish over an existing directory: snapshots are never rewritten', async () => {
    const dir = tempDir();
    const { logger } = capturedLogger();
    // The same start time and run id give the same name: the second writer must not replace the first.
    const { service } = evidenceService(dir, { now: clock.now, logger });
    const outcome = await service.snapshot(syntheticAgent(new SyntheticCollector(5), clock.now, logger), new AbortController().signal);
    if (!outcome.ok) throw new Error(outcome.error);
    const { SnapshotSession } = await import('../../src/evidence/writer.js');
    const { LocalEvidenceStore } = await import('../../src/evidence/store.js');
    const runId = `${outcome.name.slice(-8)}-0000-4000-8000-000000000000`;
    const session = await SnapshotSession.begin(new LocalEvidenceStore(dir), clock.now(), runId);
    expect(session.name).toBe(outcome.name);
    await expect(
      session.commit({
        assessment: { catalog: { id: 'c', version: '1' }, generatedAt: clock.now().toISOString(), summary: { compliant: 0, noncompliant: 0, unknown: 0, not_assessed: 0 }, requirements: [], findings: [], tallies: [], coverage: [], exceptions: [] },
        attestations: [],
        exceptions: [],
        collectors: [],
        finishedAt: clock.now(),
        agentVersion: 'x',
        mappings: { digest: '0'.repeat(64), files: [] },
        signer: undefined,
        lastPublished: undefined,
      }),
    ).rejects.toThrow('already exists: snapshots are never rewritten');
    expect(readdirSync(dir)).toEqual([outcome.name]);
  });
});
