/**
 * `kansa verify`'s chain checks that no byte flip reaches: an unsigned chain rewritten by someone who
 * keeps every digest consistent. A link naming the right manifest but the wrong sequence, and two
 * snapshots claiming one sequence (a fork), are problems even when every file and digest matches.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../../src/evidence/format.js';
import { LocalEvidenceStore } from '../../src/evidence/store.js';
import { verifyStore } from '../../src/evidence/verify.js';
import { writeChain } from './helpers.js';

type Manifest = { name: string; sequence: number; startedAt: string; previous: { name: string; sequence: number; sha256: string } | null };
const readManifest = (dir: string, name: string): Manifest => JSON.parse(readFileSync(join(dir, name, MANIFEST_FILE), 'utf8')) as Manifest;
const writeManifest = (dir: string, name: string, manifest: Manifest): void => writeFileSync(join(dir, name, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
const verify = (dir: string) => verifyStore(new LocalEvidenceStore(dir), {});

describe('verify chain links', () => {
  it('starts from an unsigned chain that verifies', async () => {
    const { dir, names } = await writeChain(3);
    const report = await verify(dir);
    expect(report.ok).toBe(true);
    expect(report.snapshots.map((s) => [s.name, s.sequence, s.problems])).toEqual(names.map((n, i) => [n, i + 1, []]));
  });

  it('rejects a link that names the right manifest and digest but the wrong sequence', async () => {
    const { dir, names } = await writeChain(3);
    const newest = readManifest(dir, names[2]!);
    expect(newest.previous).toMatchObject({ name: names[1], sequence: 2 });
    writeManifest(dir, names[2]!, { ...newest, previous: { ...newest.previous!, sequence: 1 } });
    const report = await verify(dir);
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toEqual({ name: names[2], reason: 'links to sequence 1, expected 2' });
  });

  it('rejects two snapshots claiming one sequence (a fork), both linking correctly to the one before', async () => {
    const { dir, names } = await writeChain(2);
    // A second "sequence 2": a copy of the newest with another start time, every file and link intact.
    const twin = names[1]!.replace(/-[0-9a-f]{8}$/, names[1]!.endsWith('-0000f0f0') ? '-0000f0f1' : '-0000f0f0');
    expect(twin).not.toBe(names[1]);
    cpSync(join(dir, names[1]!), join(dir, twin), { recursive: true });
    const manifest = readManifest(dir, twin);
    writeManifest(dir, twin, { ...manifest, name: twin, startedAt: '2026-11-02T01:16:00.000Z' });
    const report = await verify(dir);
    expect(report.ok).toBe(false);
    const forked = report.snapshots.filter((s) => s.problems.some((p) => p === `sequence 2 is claimed by ${names[1]} and ${twin} (the chain forks)` || p === `sequence 2 is claimed by ${twin} and ${names[1]} (the chain forks)`));
    expect(forked.map((s) => s.name).sort()).toEqual([names[1], twin].sort());
  });
});
