/**
 * Atomicity: a writer killed with SIGKILL at random points (seeded) never leaves a directory that
 * verifies as complete but is not, and the chain keeps verifying; a full disk (RLIMIT_FSIZE: writes
 * fail with EFBIG) fails the snapshot cleanly. The child runs the compiled code: `npm run build` first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { MANIFEST_FILE, parseManifest, type Manifest } from '../../src/evidence/format.js';
import { loadPublicKey } from '../../src/evidence/signing.js';
import { LocalEvidenceStore } from '../../src/evidence/store.js';
import { verifyStore, type VerifyReport } from '../../src/evidence/verify.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { Rng } from '../../src/sandbox/estate/random.js';
import { ed25519Pem, tempDir } from './helpers.js';

const CHILD = join(PACKAGE_ROOT, 'test', 'evidence', 'fixtures', 'snapshot-writer.js');
const RESOURCES = 25_000;
const ITERATIONS = 32;
const SEED = 0x6b616e73; // "kans"

/** Anchors the kill is timed from: the child's own log events (so the phases are hit however fast the machine is). */
const ANCHORS = ['spawn', 'evidence_snapshot_started', 'scan finished', 'evidence_snapshot_written'] as const;
type Anchor = (typeof ANCHORS)[number];

interface Run {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Milliseconds after spawn at which each event was seen. */
  readonly seen: Map<string, number>;
  output(): string;
  reached(anchor: Anchor): Promise<void>;
}

function runChild(dir: string, env: NodeJS.ProcessEnv, wrap?: string): Run {
  const args = [CHILD, dir, String(RESOURCES)];
  const child = wrap
    ? spawn('bash', ['-c', `${wrap}; exec "$0" "$@"`, process.execPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const start = performance.now();
  const seen = new Map<string, number>([['spawn', 0]]);
  const waiters: { anchor: string; resolve: () => void }[] = [];
  let output = '';
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      let record: { event?: string; msg?: string };
      try {
        record = JSON.parse(line) as typeof record;
      } catch {
        continue;
      }
      for (const key of [record.event, record.msg]) if (key && !seen.has(key)) seen.set(key, performance.now() - start);
      for (const w of waiters.filter((x) => seen.has(x.anchor))) w.resolve();
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return {
    child,
    exited,
    seen,
    output: () => output,
    reached: (anchor) => (seen.has(anchor) ? Promise.resolve() : Promise.race([new Promise<void>((resolve) => waiters.push({ anchor, resolve })), exited.then(() => undefined)])),
  };
}

function manifestOf(dir: string, name: string): Manifest {
  const parsed = parseManifest(readFileSync(join(dir, name, MANIFEST_FILE)));
  if (!parsed.ok) throw new Error(`${name}: ${parsed.error}`);
  return parsed.manifest;
}

function countLines(path: string): number {
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  return text.length === 0 ? 0 : text.split('\n').length - 1;
}

/** Every directory that verifies holds the whole estate: no complete-looking partial snapshot. */
function expectComplete(dir: string, report: VerifyReport): void {
  for (const verdict of report.snapshots.filter((s) => s.kind === 'snapshot')) {
    const manifest = manifestOf(dir, verdict.name);
    expect({ name: verdict.name, resources: countLines(join(dir, verdict.name, 'inventory.jsonl.gz')) }).toEqual({ name: verdict.name, resources: RESOURCES });
    const findings = manifest.counts.findings;
    expect(countLines(join(dir, verdict.name, 'findings.jsonl.gz'))).toBe(findings.pass + findings.fail + findings.unknown);
    expect(manifest.counts.resources).toBe(RESOURCES);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('snapshot writes under kill -9 and a full disk', () => {
  const key = ed25519Pem();
  let publicKeyFile: string;
  beforeAll(() => {
    if (!existsSync(join(PACKAGE_ROOT, 'dist', 'src', 'evidence', 'service.js'))) throw new Error('dist/ is missing: run `npm run build` before these tests');
    publicKeyFile = join(tempDir('kansa-keys-'), 'public.pem');
    writeFileSync(publicKeyFile, key.publicKey);
  });
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, KANSA_EVIDENCE_KEY: key.privateKey, KANSA_LOG_FORMAT: 'json' });
  const verify = (dir: string): Promise<VerifyReport> => verifyStore(new LocalEvidenceStore(dir), { publicKey: loadPublicKey(publicKeyFile) });

  it(`leaves no partial snapshot that verifies and keeps the chain intact over ${ITERATIONS} kills at random points`, async () => {
    const dir = tempDir();
    // Calibration: one full run gives the length of each phase on this machine.
    const calibration = runChild(dir, env());
    expect((await calibration.exited).code).toBe(0);
    const t = (event: string): number => {
      const at = calibration.seen.get(event);
      if (at === undefined) throw new Error(`calibration run did not log ${event}:\n${calibration.output()}`);
      return at;
    };
    const exitAt = t('child_done');
    const spans: Record<Anchor, number> = {
      spawn: exitAt,
      evidence_snapshot_started: t('scan finished') - t('evidence_snapshot_started'),
      // assess + commit (assessment.json, fsyncs, lock, rename): short, so widened.
      'scan finished': (t('evidence_snapshot_written') - t('scan finished')) * 2 + 5,
      evidence_snapshot_written: exitAt - t('evidence_snapshot_written') + 5,
    };

    const rng = new Rng(SEED);
    let published = 1; // runs that logged evidence_snapshot_written
    let killed = 0;
    const killedIn = new Map<Anchor, number>();
    const notesSeen = new Set<string>();
    for (let i = 0; i < ITERATIONS; i++) {
      const anchor = ANCHORS[Math.floor(rng.next() * ANCHORS.length)]!;
      const delay = rng.next() * spans[anchor];
      const run = runChild(dir, env());
      await run.reached(anchor);
      await Promise.race([sleep(delay), run.exited]);
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
      const { signal, code } = await run.exited;
      if (signal === 'SIGKILL') {
        killed++;
        killedIn.set(anchor, (killedIn.get(anchor) ?? 0) + 1);
      } else expect({ i, code }).toEqual({ i, code: 0 });
      if (run.seen.has('evidence_snapshot_written')) published++;

      const report = await verify(dir);
      if (!report.ok) throw new Error(`iteration ${i} (killed ${delay.toFixed(1)} ms after ${anchor}):\n${JSON.stringify(report, null, 2)}`);
      expectComplete(dir, report);
      for (const note of report.notes) notesSeen.add(note.replace(/^\S+: /, '').replace(/^\.\w+-\S+/, ''));
    }
    if (process.env['KANSA_TEST_VERBOSE']) console.log({ killed, killedIn, published, notesSeen });
    expect(killed).toBeGreaterThan(ITERATIONS / 2);
    expect(killedIn.size).toBeGreaterThan(1);

    // One more writer after all that: it cleans up, chains on, and everything verifies.
    const last = runChild(dir, env());
    expect((await last.exited).code).toBe(0);
    published++;
    const report = await verify(dir);
    expect(report.ok).toBe(true);
    expect(report.notes).toEqual([]);
    expectComplete(dir, report);
    const sequences = report.snapshots.map((s) => s.sequence);
    expect(sequences).toEqual(sequences.map((_, index) => index + 1));
    // Killed runs may have published before the kill, never more than once each.
    expect(sequences.length).toBeGreaterThanOrEqual(published);
    expect(sequences.length).toBeLessThanOrEqual(published + killed);
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
    // 136 s on the quiet CI machine; 792 s at load average 10 (a CI run beside other jobs): the bound is a hang guard, not a speed test.
  }, 1_800_000);

  it('fails a snapshot cleanly when the disk is full, during streaming or at commit, and chains on afterwards', async () => {
    const dir = tempDir();
    expect((await runChild(dir, env()).exited).code).toBe(0);
    const before = readdirSync(dir).sort();
    // Limits from the sizes of a complete snapshot (ulimit -f counts KiB): one stops the inventory stream,
    // the other lets both streams through and stops assessment.json at commit.
    const size = (path: string): number => manifestOf(dir, before[0]!).files.find((f) => f.path === path)!.bytes;
    const streams = Math.max(size('inventory.jsonl.gz'), size('findings.jsonl.gz'));
    expect(size('assessment.json')).toBeGreaterThan(streams + 2048);
    const limits = [
      { limitKiB: Math.floor(size('inventory.jsonl.gz') / 2048), during: 'streaming' },
      { limitKiB: Math.floor((streams + size('assessment.json')) / 2048), during: 'commit' },
    ];
    for (const { limitKiB, during } of limits) {
      const run = runChild(dir, env(), `ulimit -f ${limitKiB}`);
      expect((await run.exited).code).toBe(1);
      const failure = run
        .output()
        .split('\n')
        .filter((l) => l.includes('evidence_snapshot_failed'))
        .map((l) => JSON.parse(l) as { stage: string; error: string });
      expect(failure).toEqual([expect.objectContaining({ stage: 'write', error: expect.stringContaining('EFBIG') as unknown })]);
      // Streaming failures name the stream; at commit it is assessment.json that no longer fits.
      expect({ during, streaming: failure[0]!.error.startsWith('writing inventory.jsonl.gz: ') }).toEqual({ during, streaming: during === 'streaming' });
      expect(run.output()).not.toContain('evidence_snapshot_written');
      expect(readdirSync(dir).sort()).toEqual(before);
    }
    expect((await verify(dir)).ok).toBe(true);
    expect((await runChild(dir, env()).exited).code).toBe(0);
    const report = await verify(dir);
    expect(report.ok).toBe(true);
    expect(report.snapshots.map((s) => [s.kind, s.sequence])).toEqual([
      ['pruned', 1],
      ['snapshot', 2],
    ]);
  }, 600_000);
});
