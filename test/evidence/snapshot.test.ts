/** Snapshots of the sandbox through the real SDK: contents, chain, drift (metrics, log events) and `kansa diff`. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { MANIFEST_FILE, parseManifest, type Manifest } from '../../src/evidence/format.js';
import { loadAssessment, openSnapshotDir, signatureOfSnapshotDir } from '../../src/evidence/read.js';
import { LocalEvidenceStore } from '../../src/evidence/store.js';
import { verifyStore } from '../../src/evidence/verify.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { bundledDigest, capturedLogger, evidenceService, kansa, sandboxAgent, steppingClock, tempDir } from './helpers.js';

function lines(path: string): Record<string, unknown>[] {
  return gunzipSync(readFileSync(path))
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function manifestOf(dir: string, name: string): Manifest {
  const parsed = parseManifest(readFileSync(join(dir, name, MANIFEST_FILE)));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.manifest;
}

describe('evidence snapshots of the sandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 600, seed: 5 } });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.setFaults({}));

  it('writes one complete, owner-only snapshot whose files match its manifest and the run', async () => {
    const dir = tempDir();
    const clock = steppingClock('2026-11-01T09:30:00Z');
    const { logger } = capturedLogger();
    const { service } = evidenceService(dir, { now: clock.now, logger });
    const agent = sandboxAgent(sandbox, clock.now, logger);
    const outcome = await service.snapshot(agent, new AbortController().signal);
    if (!outcome.ok) throw new Error(outcome.error);

    expect(readdirSync(dir)).toEqual([outcome.name]);
    expect(outcome.name).toMatch(/^20261101T093000Z-[0-9a-f]{8}$/);
    const snapshot = join(dir, outcome.name);
    expect(readdirSync(snapshot).sort()).toEqual(['assessment.json', 'attestations.json', 'exceptions.json', 'findings.jsonl.gz', 'inventory.jsonl.gz', 'manifest.json']);
    expect(statSync(snapshot).mode & 0o777).toBe(0o700);
    for (const file of readdirSync(snapshot)) expect(statSync(join(snapshot, file)).mode & 0o777).toBe(0o600);

    const manifest = manifestOf(dir, outcome.name);
    expect(manifest).toMatchObject({ sequence: 1, previous: null, signature: null, catalog: { id: 'jp-cloud-procurement' }, runId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown });
    expect(manifest.mappings.digest).toBe(bundledDigest().digest);
    expect(manifest.mappings.files.filter((f) => f.role === 'catalog')).toHaveLength(1);

    // Every streamed resource and finding is in the files, and the counts agree with the collector's own.
    const inventory = lines(join(snapshot, 'inventory.jsonl.gz'));
    const collected = manifest.collectors[0]!.accounts.reduce((n, a) => n + a.resources, 0);
    expect(inventory).toHaveLength(manifest.counts.resources);
    expect(inventory).toHaveLength(collected);
    expect(collected).toBeGreaterThan(100);
    const findings = lines(join(snapshot, 'findings.jsonl.gz'));
    for (const status of ['pass', 'fail', 'unknown'] as const) expect(findings.filter((f) => f['status'] === status)).toHaveLength(manifest.counts.findings[status]);
    expect(manifest.counts.findings.pass).toBeGreaterThan(0);

    // assessment.json is the `scan --output json` contract: every requirement, failing and unknown findings inline.
    const assessment = JSON.parse(readFileSync(join(snapshot, 'assessment.json'), 'utf8')) as { summary: unknown; requirements: unknown[]; findings: { status: string }[]; findingsFile: { count: number } };
    expect(assessment.summary).toEqual(manifest.summary);
    expect(assessment.requirements).toHaveLength(66);
    expect(assessment.findings).toHaveLength(manifest.counts.findings.fail + manifest.counts.findings.unknown);
    expect(assessment.findings.some((f) => f.status === 'pass')).toBe(false);
    expect(assessment.findingsFile.count).toBe(findings.length);

    // What reports read: the whole Assessment, passing findings included, and the signature state.
    const loaded = await loadAssessment(await openSnapshotDir(snapshot));
    expect(loaded.findings).toHaveLength(findings.length);
    expect(loaded.requirements).toHaveLength(66);
    expect(signatureOfSnapshotDir(snapshot)).toEqual({ state: 'unsigned' });

    const report = await verifyStore(new LocalEvidenceStore(dir));
    expect(report).toMatchObject({ ok: true, notes: [], problems: [] });
  });

  it('chains snapshots taken under different faults and reports the drift as metrics, log events and kansa diff', async () => {
    const dir = tempDir();
    const clock = steppingClock('2026-11-01T10:00:00Z');
    const { logger, records } = capturedLogger();
    const { service, registry } = evidenceService(dir, { now: clock.now, logger });
    const agent = sandboxAgent(sandbox, clock.now, logger);
    const denied = sandbox.aws.accounts[1]!;

    const first = await service.snapshot(agent, new AbortController().signal);
    clock.advance(3600_000);
    sandbox.setFaults({ accessDeniedAccounts: [...sandbox.aws.accounts] });
    const second = await service.snapshot(agent, new AbortController().signal);
    clock.advance(3600_000);
    sandbox.setFaults({ accessDeniedAccounts: [denied] });
    const third = await service.snapshot(agent, new AbortController().signal);
    if (!first.ok || !second.ok || !third.ok) throw new Error('snapshot failed');

    expect([first, second, third].map((o) => o.manifest.sequence)).toEqual([1, 2, 3]);
    expect(second.manifest.previous).toEqual({ name: first.name, sequence: 1, sha256: first.manifestSha256 });
    expect(third.manifest.previous).toEqual({ name: second.name, sequence: 2, sha256: second.manifestSha256 });
    expect(first.changes).toEqual([]);

    // Every account denied: what was noncompliant on evidence is now unknown (never "fail" from an API error).
    expect(second.changes.length).toBeGreaterThan(0);
    expect(second.changes.every((c) => c.to === 'unknown' && c.from !== 'unknown')).toBe(true);
    const changed = second.changes[0]!;
    const events = records().filter((r) => r['event'] === 'requirement_state_changed');
    expect(events.filter((e) => e['snapshot'] === second.name)).toHaveLength(second.changes.length);
    expect(events).toContainEqual(
      expect.objectContaining({ requirement: changed.id, from: changed.from, to: 'unknown', snapshot: second.name, previousSnapshot: first.name, catalog: 'jp-cloud-procurement', at: second.manifest.finishedAt }),
    );
    const metrics = await registry.metrics();
    expect(metrics).toContain(`kansa_requirement_state_changes_total{catalog="jp-cloud-procurement",requirement="${changed.id}",from="${changed.from}",to="unknown"} 1`);
    expect(metrics).toMatch(new RegExp(`kansa_requirement_last_change_timestamp_seconds\\{catalog="jp-cloud-procurement",requirement="${changed.id.replace('-', '\\-')}"\\} ${Date.parse(third.manifest.finishedAt) / 1000}`));
    expect(metrics).toContain(`kansa_evidence_last_snapshot_timestamp_seconds ${Date.parse(third.manifest.finishedAt) / 1000}`);
    expect(metrics).toContain(`kansa_evidence_chain_head_sequence ${third.manifest.sequence}`);
    expect(metrics).toContain('kansa_evidence_snapshot_errors_total{stage="write"} 0');

    // kansa diff, second → third: the one denied account stays unknown, the others fail again.
    const text = await kansa('diff', join(dir, second.name), join(dir, third.name));
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`from ${second.name} (seq 2, ${second.manifest.startedAt} – ${second.manifest.finishedAt})`);
    expect(text.stdout).toContain(`to   ${third.name} (seq 3, ${third.manifest.startedAt} – ${third.manifest.finishedAt})`);
    expect(text.stdout).toContain(`  ${changed.id.padEnd(6)} unknown → ${changed.from}`);
    const json = await kansa('diff', join(dir, second.name), join(dir, third.name), '--output', 'json');
    expect(json.code).toBe(0);
    const diff = JSON.parse(json.stdout) as {
      from: { name: string; finishedAt: string };
      to: { name: string };
      requirements: { id: string; from: string; to: string }[];
      controls: { id: string; from: string; to: string }[];
      newlyFailing: { account: string; before: string; after: string }[];
      fixed: unknown[];
      noLongerFailing: unknown[];
    };
    expect(diff.from).toMatchObject({ name: second.name, finishedAt: second.manifest.finishedAt });
    expect(diff.to.name).toBe(third.name);
    expect(diff.requirements).toContainEqual(expect.objectContaining({ id: changed.id, from: 'unknown', to: changed.from }));
    expect(diff.requirements.map((r) => r.id).sort()).toEqual(third.changes.map((c) => c.id).sort());
    expect(diff.controls.some((c) => c.from === 'unknown' && c.to === 'fail')).toBe(true);
    expect(diff.newlyFailing.length).toBeGreaterThan(0);
    // Denied scopes have one unknown finding per scope, not per resource: the resources were not seen before.
    expect(diff.newlyFailing.every((r) => r.account !== denied && r.after === 'fail' && (r.before === 'absent' || r.before === 'unknown'))).toBe(true);
    expect(diff.fixed).toEqual([]);
    expect(text.stdout).toContain(`resources newly failing: ${diff.newlyFailing.length}`);

    // first → second: every failing resource became unknown, none fixed.
    const lost = JSON.parse((await kansa('diff', join(dir, first.name), join(dir, second.name), '--output', 'json')).stdout) as typeof diff;
    expect(lost.newlyFailing).toEqual([]);
    expect(lost.fixed).toEqual([]);
    expect(lost.noLongerFailing.length).toBe(first.manifest.counts.findings.fail);

    const report = await verifyStore(new LocalEvidenceStore(dir));
    expect(report.ok).toBe(true);
    expect(report.snapshots.map((s) => s.sequence)).toEqual([1, 2, 3]);
  });
});
