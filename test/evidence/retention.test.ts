/** Retention: which snapshots are kept, and a chain that still verifies after pruning (and interrupted pruning). */
import { appendFileSync, cpSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { LEDGER_FILE } from '../../src/evidence/format.js';
import { prune, retained, type Dated } from '../../src/evidence/retention.js';
import { LocalEvidenceStore } from '../../src/evidence/store.js';
import { verifyStore } from '../../src/evidence/verify.js';
import { capturedLogger, ed25519Pem, evidenceService, signer, steppingClock, SyntheticCollector, syntheticAgent, tempDir } from './helpers.js';

const HOUR = 3600_000;

const at = (iso: string, name = iso): Dated => ({ name, at: new Date(iso) });

describe('retention policy', () => {
  it('keeps the newest snapshot of each of the last N hours, days and months', () => {
    const snapshots = [
      at('2026-09-10T05:00:00Z'),
      at('2026-10-01T01:00:00Z'),
      at('2026-10-31T23:30:00Z'),
      at('2026-11-01T00:10:00Z'),
      at('2026-11-01T00:50:00Z'),
      at('2026-11-02T08:00:00Z'),
      at('2026-11-02T09:05:00Z'),
      at('2026-11-02T09:55:00Z'),
    ];
    const keep = (hourly: number, daily: number, monthly: number): string[] => [...retained(snapshots, { hourly, daily, monthly })].sort();
    expect(keep(2, 0, 0)).toEqual(['2026-11-02T08:00:00Z', '2026-11-02T09:55:00Z']);
    expect(keep(0, 2, 0)).toEqual(['2026-11-01T00:50:00Z', '2026-11-02T09:55:00Z']);
    expect(keep(0, 0, 3)).toEqual(['2026-09-10T05:00:00Z', '2026-10-31T23:30:00Z', '2026-11-02T09:55:00Z']);
    expect(keep(1, 3, 2)).toEqual(['2026-10-31T23:30:00Z', '2026-11-01T00:50:00Z', '2026-11-02T09:55:00Z']);
  });

  it('never drops the newest snapshot, even when every count is zero', () => {
    expect([...retained([at('2026-11-01T00:00:00Z', 'old'), at('2026-11-01T01:00:00Z', 'new')], { hourly: 0, daily: 0, monthly: 0 })]).toEqual(['new']);
    expect([...retained([], { hourly: 3, daily: 3, monthly: 3 })]).toEqual([]);
  });
});

describe('pruning an evidence directory', () => {
  const key = ed25519Pem();

  /** Twelve snapshots six hours apart (three days), signed. */
  async function chain(retention?: { hourly: number; daily: number; monthly: number }): Promise<{ dir: string; names: string[] }> {
    const dir = tempDir();
    const clock = steppingClock('2026-11-01T00:00:00Z');
    const { logger } = capturedLogger();
    const { service } = evidenceService(dir, { now: clock.now, logger, signer: signer(key.privateKey), ...(retention ? { retention } : {}) });
    const agent = syntheticAgent(new SyntheticCollector(40), clock.now, logger);
    const names: string[] = [];
    for (let i = 0; i < 12; i++) {
      const outcome = await service.snapshot(agent, new AbortController().signal);
      if (!outcome.ok) throw new Error(outcome.error);
      names.push(outcome.name);
      clock.advance(6 * HOUR);
    }
    return { dir, names };
  }

  it('prunes by the policy as snapshots are written, records every pruned manifest and keeps the chain verifiable', async () => {
    const { dir, names } = await chain({ hourly: 2, daily: 2, monthly: 1 });
    // Newest two hours: 11, 10; newest of the last two days (11-03): 11 and (11-02) 7; newest month: 11.
    const kept = [names[7], names[10], names[11]];
    expect(readdirSync(dir).filter((n) => n !== LEDGER_FILE).sort()).toEqual(kept.sort());
    const ledger = readFileSync(join(dir, LEDGER_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { name: string; sequence: number });
    expect(ledger.map((e) => e.name).sort()).toEqual(names.filter((n) => !kept.includes(n)).sort());
    const report = await verifyStore(new LocalEvidenceStore(dir));
    expect(report.ok).toBe(true);
    expect(report.snapshots.map((s) => s.sequence)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(report.snapshots.filter((s) => s.kind === 'snapshot').map((s) => s.name)).toEqual(kept);
  });

  it('shows a snapshot deleted outside retention as a gap at the next one', async () => {
    const { dir, names } = await chain({ hourly: 2, daily: 2, monthly: 1 });
    renameSync(join(dir, names[10]!), join(tempDir(), names[10]!));
    const report = await verifyStore(new LocalEvidenceStore(dir));
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toEqual({ name: names[11], reason: `the snapshot before it (${names[10]}, sequence 11) is missing and not recorded in pruned.jsonl` });
  });

  it('finishes an interrupted prune: recorded but not deleted, a torn ledger line, a half-deleted directory', async () => {
    const { dir, names } = await chain();
    const store = new LocalEvidenceStore(dir);
    const policy = { hourly: 0, daily: 0, monthly: 1 }; // keeps only the newest of the month
    const now = new Date('2026-11-05T00:00:00Z');
    // A prune "killed" between its ledger append and the deletion: the entry is there, so is the directory.
    const aside = join(tempDir(), names[0]!);
    cpSync(join(dir, names[0]!), aside, { recursive: true });
    await store.exclusive(() => prune(store, policy, now));
    cpSync(aside, join(dir, names[0]!), { recursive: true });
    const ledgerLines = (): string[] => readFileSync(join(dir, LEDGER_FILE), 'utf8').split('\n');
    expect(ledgerLines()).toHaveLength(12); // 11 entries and the final newline
    // …and a second prune torn mid-append, and a deletion that stopped half-way.
    appendFileSync(join(dir, LEDGER_FILE), '{"name":"20261103T');
    cpSync(aside, join(dir, `.del-${names[0]!}-999999999`), { recursive: true });

    const interrupted = await verifyStore(store);
    expect(interrupted.ok).toBe(true);
    expect(interrupted.notes).toEqual([
      `.del-${names[0]!}-999999999: an interrupted write or deletion, not a snapshot (ignored; the next snapshot removes it)`,
      `${LEDGER_FILE}: the last line is incomplete (an interrupted prune; its snapshot was not deleted) and is ignored`,
      `${names[0]!}: recorded in ${LEDGER_FILE} but not deleted (an interrupted prune; the next one finishes it)`,
    ]);

    // The next snapshot (with retention) cleans up, finishes the deletion without a second ledger entry, and repairs the ledger.
    const clock = steppingClock('2026-11-04T00:00:00Z');
    const { logger } = capturedLogger();
    const { service } = evidenceService(dir, { now: clock.now, logger, signer: signer(key.privateKey), retention: policy });
    const next = await service.snapshot(syntheticAgent(new SyntheticCollector(40), clock.now, logger), new AbortController().signal);
    if (!next.ok) throw new Error(next.error);
    expect(next.pruned).toEqual([names[0], names[11]]);
    expect(readdirSync(dir).sort()).toEqual([next.name, LEDGER_FILE].sort());
    const lines = ledgerLines();
    expect(lines.at(-1)).toBe('');
    expect(lines.filter((l) => l.includes(`"name":"${names[0]!}"`))).toHaveLength(1);
    const report = await verifyStore(store);
    expect(report).toMatchObject({ ok: true, notes: [], problems: [] });
    expect(report.snapshots.map((s) => s.sequence)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
  });

  it('never prunes the newest snapshot, and a retention error is a metric and a log line, not a crash', async () => {
    const dir = tempDir();
    const clock = steppingClock('2026-11-01T00:00:00Z');
    const { logger, records } = capturedLogger();
    const { service, registry } = evidenceService(dir, { now: clock.now, logger, retention: { hourly: 0, daily: 0, monthly: 0 } });
    const agent = syntheticAgent(new SyntheticCollector(10), clock.now, logger);
    const a = await service.snapshot(agent, new AbortController().signal);
    clock.advance(HOUR);
    const b = await service.snapshot(agent, new AbortController().signal);
    if (!a.ok || !b.ok) throw new Error('snapshot failed');
    expect(b.pruned).toEqual([a.name]);
    expect(readdirSync(dir).sort()).toEqual([b.name, LEDGER_FILE].sort());
    // A directory in the ledger's place: appending fails, the snapshot itself is still written and kept.
    renameSync(join(dir, LEDGER_FILE), join(tempDir(), LEDGER_FILE));
    mkdirSync(join(dir, LEDGER_FILE));
    clock.advance(HOUR);
    const c = await service.snapshot(agent, new AbortController().signal);
    if (!c.ok) throw new Error(c.error);
    expect(c.pruned).toEqual([]);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining([b.name, c.name]));
    expect(await registry.metrics()).toContain('kansa_evidence_snapshot_errors_total{stage="retention"} 1');
    expect(records()).toContainEqual(expect.objectContaining({ event: 'evidence_snapshot_failed', stage: 'retention', error: expect.stringContaining('EISDIR') as unknown }));
  });
});
