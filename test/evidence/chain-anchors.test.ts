/**
 * Evidence that cannot be quietly cut short or re-keyed: a signature removed from the newest snapshot,
 * newest snapshots deleted (against anchors recorded elsewhere), and a forged middle snapshot named.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, SIGNATURE_FILE } from '../../src/evidence/format.js';
import { LocalEvidenceStore } from '../../src/evidence/store.js';
import { verifyStore } from '../../src/evidence/verify.js';
import { runCli } from '../support/cli.js';
import { capturedLogger, ed25519Pem, evidenceService, signer, steppingClock, SyntheticCollector, syntheticAgent, tempDir } from './helpers.js';

const HOUR = 3600_000;

async function chain(count: number, privateKey?: string): Promise<{ dir: string; names: string[]; digests: string[] }> {
  const dir = tempDir();
  const clock = steppingClock('2026-11-02T00:15:00Z');
  const { logger } = capturedLogger();
  const { service } = evidenceService(dir, { now: clock.now, logger, ...(privateKey ? { signer: signer(privateKey) } : {}) });
  const collector = new SyntheticCollector(100);
  const agent = syntheticAgent(collector, clock.now, logger);
  const names: string[] = [];
  const digests: string[] = [];
  for (let i = 0; i < count; i++) {
    collector.openFrom = i * 10;
    const outcome = await service.snapshot(agent, new AbortController().signal);
    if (!outcome.ok) throw new Error(outcome.error);
    names.push(outcome.name);
    digests.push(outcome.manifestSha256);
    clock.advance(HOUR);
  }
  return { dir, names, digests };
}

const verify = (dir: string, options: Parameters<typeof verifyStore>[1] = {}) => verifyStore(new LocalEvidenceStore(dir), options);

it('fails a chain whose newest snapshot had its signature removed (signed → unsigned), without a pinned key', async () => {
  const key = ed25519Pem();
  const { dir, names } = await chain(3, key.privateKey);
  const head = join(dir, names[2]!);
  const manifest = JSON.parse(readFileSync(join(head, MANIFEST_FILE), 'utf8')) as Record<string, unknown>;
  manifest['signature'] = null; // as an unsigned snapshot's manifest says
  writeFileSync(join(head, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  rmSync(join(head, SIGNATURE_FILE));
  const report = await verify(dir);
  expect(report.firstBroken).toEqual({ name: names[2], reason: expect.stringMatching(new RegExp(`^unsigned, but the chain was signed up to ${names[1]}`)) as unknown });
});

it('detects deleted newest snapshots against a sequence or head digest recorded elsewhere', async () => {
  const { dir, names, digests } = await chain(4);
  expect((await verify(dir, { minSequence: 4, head: digests[3]! })).ok).toBe(true);
  rmSync(join(dir, names[3]!), { recursive: true });
  // On its own, a shortened local chain still verifies: it has no outside anchor.
  expect((await verify(dir)).ok).toBe(true);
  const bySequence = await verify(dir, { minSequence: 4 });
  expect(bySequence.ok).toBe(false);
  expect(bySequence.problems).toEqual(['the chain ends at sequence 3, but sequence 4 was recorded elsewhere: newer snapshots were deleted']);
  const byHead = await verify(dir, { head: digests[3]! });
  expect(byHead.problems).toEqual([`the recorded head manifest ${digests[3]} is not in the chain: snapshots were deleted or replaced`]);
  // An older recorded head is still in the chain.
  expect((await verify(dir, { head: digests[1]! })).ok).toBe(true);

  const cli = await runCli(['verify', dir, '--min-sequence', '4']);
  expect(cli.code).toBe(1);
  expect(cli.stdout).toContain('sequence 4 was recorded elsewhere');
  expect((await runCli(['verify', dir, '--head', 'nothex'])).code).toBe(2);
});

it('names a forged middle snapshot, not its honest successor', async () => {
  const { dir, names } = await chain(4);
  const forged = join(dir, names[1]!, MANIFEST_FILE);
  const manifest = JSON.parse(readFileSync(forged, 'utf8')) as { summary: { compliant: number; noncompliant: number } };
  manifest.summary.compliant += manifest.summary.noncompliant;
  manifest.summary.noncompliant = 0;
  writeFileSync(forged, `${JSON.stringify(manifest, null, 2)}\n`);
  const report = await verify(dir);
  expect(report.firstBroken).toEqual({ name: names[1], reason: expect.stringMatching(new RegExp(`^its manifest was changed: ${names[2]} links to ${names[1]}`)) as unknown });
  expect(report.snapshots.find((s) => s.name === names[2])?.problems).toEqual([]);
});

it('says what it checked: an unsigned chain is "files and chain intact", not "signatures intact"', async () => {
  const { dir } = await chain(1);
  const out = await runCli(['verify', dir]);
  expect(out.stdout).toMatch(/files and chain intact; no snapshot is signed\n$/);
  expect(readdirSync(dir).length).toBeGreaterThan(0);
});
