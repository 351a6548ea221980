/** Tamper evidence: any single changed byte in any file is caught and named; signatures bind to the key. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ledgerEntryDigest, LEDGER_FILE, MANIFEST_FILE, SIGNATURE_FILE } from '../../src/evidence/format.js';
import { signatureOfSnapshotDir } from '../../src/evidence/read.js';
import { loadPublicKey } from '../../src/evidence/signing.js';
import { LocalEvidenceStore } from '../../src/evidence/store.js';
import { verifyStore, type VerifyReport } from '../../src/evidence/verify.js';
import { Rng } from '../../src/sandbox/estate/random.js';
import { capturedLogger, ed25519Pem, evidenceService, flipByte, signer, steppingClock, SyntheticCollector, syntheticAgent, tempDir } from './helpers.js';

const HOUR = 3600_000;

/** Four signed snapshots an hour apart; retention (2 hourly) prunes the first two into the ledger. */
async function signedChain(privateKey: string): Promise<{ dir: string; names: string[] }> {
  const dir = tempDir();
  const clock = steppingClock('2026-11-02T00:15:00Z');
  const { logger } = capturedLogger();
  const { service } = evidenceService(dir, { now: clock.now, logger, signer: signer(privateKey), retention: { hourly: 2, daily: 0, monthly: 0 } });
  const collector = new SyntheticCollector(300);
  const agent = syntheticAgent(collector, clock.now, logger);
  const names: string[] = [];
  for (let i = 0; i < 4; i++) {
    collector.openFrom = i * 50; // the estate changes a little every hour
    const outcome = await service.snapshot(agent, new AbortController().signal);
    if (!outcome.ok) throw new Error(outcome.error);
    names.push(outcome.name);
    clock.advance(HOUR);
  }
  return { dir, names };
}

const verify = (dir: string, publicKeyFile?: string): Promise<VerifyReport> =>
  verifyStore(new LocalEvidenceStore(dir), publicKeyFile === undefined ? {} : { publicKey: loadPublicKey(publicKeyFile) });

describe('tamper evidence', () => {
  const key = ed25519Pem();
  const other = ed25519Pem();
  let dir: string;
  let names: string[];
  let keyFiles: { right: string; wrong: string };

  beforeAll(async () => {
    ({ dir, names } = await signedChain(key.privateKey));
    const keys = tempDir('kansa-keys-');
    keyFiles = { right: join(keys, 'right.pem'), wrong: join(keys, 'wrong.pem') };
    writeFileSync(keyFiles.right, key.publicKey);
    writeFileSync(keyFiles.wrong, other.publicKey);
  });

  it('starts from a chain that verifies, with the first two snapshots pruned into the ledger', async () => {
    const report = await verify(dir, keyFiles.right);
    expect(report.ok).toBe(true);
    expect(report.snapshots.map((s) => [s.kind, s.sequence])).toEqual([
      ['pruned', 1],
      ['pruned', 2],
      ['snapshot', 3],
      ['snapshot', 4],
    ]);
    expect(report.snapshots.every((s) => s.signature?.state === 'valid')).toBe(true);
    expect(signatureOfSnapshotDir(join(dir, names[3]!))).toEqual({ state: 'valid', keyId: report.snapshots[3]!.signature?.state === 'valid' ? report.snapshots[3]!.signature.keyId : '', pinned: false });
    expect(signatureOfSnapshotDir(join(dir, names[3]!), loadPublicKey(keyFiles.wrong))).toMatchObject({ state: 'invalid' });
    expect(readdirSync(dir).sort()).toEqual([names[2], names[3], LEDGER_FILE].sort());
  });

  it('catches a single changed byte anywhere in any file of any snapshot, and names that snapshot', async () => {
    const rng = new Rng(20261102);
    let checked = 0;
    for (const name of [names[2]!, names[3]!]) {
      const files = readdirSync(join(dir, name)).sort();
      expect(files).toEqual(['assessment.json', 'attestations.json', 'exceptions.json', 'findings.jsonl.gz', 'inventory.jsonl.gz', MANIFEST_FILE, SIGNATURE_FILE]);
      for (const file of files) {
        const path = join(dir, name, file);
        const size = statSync(path).size;
        const offsets = [0, size - 1, ...Array.from({ length: 3 }, () => Math.floor(rng.next() * size))];
        for (const offset of offsets) {
          const restore = flipByte(path, offset);
          try {
            // Also unpinned: the hashes and the chain alone must catch it.
            for (const report of [await verify(dir), await verify(dir, keyFiles.right)]) {
              expect({ file, offset, ok: report.ok, first: report.firstBroken?.name }).toEqual({ file, offset, ok: false, first: name });
            }
          } finally {
            restore();
          }
          checked++;
        }
      }
    }
    expect(checked).toBe(2 * 7 * 5);
    expect((await verify(dir, keyFiles.right)).ok).toBe(true);
  });

  it('catches a single changed byte anywhere in the pruned ledger', async () => {
    const path = join(dir, LEDGER_FILE);
    const size = statSync(path).size;
    const rng = new Rng(7);
    const offsets = [0, size - 1, Math.floor(size / 2), ...Array.from({ length: 12 }, () => Math.floor(rng.next() * size))];
    for (const offset of offsets) {
      const restore = flipByte(path, offset);
      try {
        const report = await verify(dir);
        expect({ offset, ok: report.ok }).toEqual({ offset, ok: false });
      } finally {
        restore();
      }
    }
    expect((await verify(dir)).ok).toBe(true);
  });

  it('rejects signatures by another key, unsigned manifests and signatures moved between manifests when a key is pinned', async () => {
    const wrong = await verify(dir, keyFiles.wrong);
    expect(wrong.ok).toBe(false);
    expect(wrong.firstBroken?.name).toBe(`${names[0]} (pruned)`);
    expect(wrong.firstBroken?.reason).toMatch(/^signature: signed by sha256:[0-9a-f]{64}, not by the required key sha256:[0-9a-f]{64}$/);
    expect(wrong.snapshots.every((s) => s.signature?.state === 'invalid')).toBe(true);

    // A valid signature, but of the other manifest.
    const sig3 = join(dir, names[2]!, SIGNATURE_FILE);
    const original = readFileSync(sig3);
    writeFileSync(sig3, readFileSync(join(dir, names[3]!, SIGNATURE_FILE)));
    try {
      const moved = await verify(dir);
      expect(moved.firstBroken).toEqual({ name: names[2], reason: 'signature: manifest.sig does not verify' });
    } finally {
      writeFileSync(sig3, original);
    }

    // Unsigned chain: fine without a pinned key, rejected with one.
    const unsigned = tempDir();
    const clock = steppingClock('2026-11-03T00:00:00Z');
    const { logger } = capturedLogger();
    const { service } = evidenceService(unsigned, { now: clock.now, logger });
    expect((await service.snapshot(syntheticAgent(new SyntheticCollector(20), clock.now, logger), new AbortController().signal)).ok).toBe(true);
    expect((await verify(unsigned)).ok).toBe(true);
    const pinned = await verify(unsigned, keyFiles.right);
    expect(pinned.ok).toBe(false);
    expect(pinned.firstBroken?.reason).toBe('signature: unsigned, but --public-key requires a signature');
  });

  it('catches an attacker re-signing the newest manifest with their own key, pinned or not (a key change inside the chain)', async () => {
    const copy = tempDir();
    const { dir: chain, names: chainNames } = await signedChain(key.privateKey);
    renameSync(chain, join(copy, 'evidence'));
    const evidence = join(copy, 'evidence');
    const head = join(evidence, chainNames[3]!);
    const manifest = JSON.parse(readFileSync(join(head, MANIFEST_FILE), 'utf8')) as { summary: { noncompliant: number; compliant: number }; signature: { publicKey: string; fingerprint: string } };
    manifest.summary.noncompliant -= 1;
    manifest.summary.compliant += 1;
    const attacker = signer(other.privateKey);
    manifest.signature = { ...manifest.signature, publicKey: attacker.publicKey, fingerprint: attacker.fingerprint };
    const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(join(head, MANIFEST_FILE), bytes);
    writeFileSync(join(head, SIGNATURE_FILE), attacker.sign(bytes));
    const unpinned = await verify(evidence);
    expect(unpinned.firstBroken).toEqual({ name: chainNames[3], reason: expect.stringMatching(new RegExp(`^signed with key ${attacker.fingerprint}, but the chain was signed with sha256:[0-9a-f]{64} up to ${chainNames[2]}`)) as unknown });
    // A planned rotation is accepted only when named, and is noted.
    const rotated = await verifyStore(new LocalEvidenceStore(evidence), { allowKeyChange: [attacker.fingerprint] });
    expect(rotated.ok).toBe(true);
    expect(rotated.notes.join('\n')).toContain(`the signing key changes from`);
    const pinned = await verify(evidence, keyFiles.right);
    expect(pinned.firstBroken).toEqual({ name: chainNames[3], reason: expect.stringMatching(/^signature: signed by .*, not by the required key/) as unknown });
  });

  it('catches deletions, additions and renames that change no byte', async () => {
    const { dir: chain, names: n } = await signedChain(key.privateKey);
    // A file added to a snapshot.
    writeFileSync(join(chain, n[2]!, 'extra.txt'), 'x');
    expect((await verify(chain)).firstBroken).toEqual({ name: n[2], reason: 'unexpected entries: extra.txt' });
    rmSync(join(chain, n[2]!, 'extra.txt'));
    // A file removed.
    const inventory = join(chain, n[3]!, 'inventory.jsonl.gz');
    const saved = readFileSync(inventory);
    rmSync(inventory);
    expect((await verify(chain)).firstBroken).toEqual({ name: n[3], reason: 'inventory.jsonl.gz: missing' });
    writeFileSync(inventory, saved);
    // A snapshot renamed.
    const renamed = n[2]!.replace(/-[0-9a-f]{8}$/, '-00000000');
    renameSync(join(chain, n[2]!), join(chain, renamed));
    const report = await verify(chain);
    expect(report.snapshots.find((s) => s.name === renamed)?.problems).toContain(`the manifest names snapshot ${n[2]}`);
    renameSync(join(chain, renamed), join(chain, n[2]!));
    // A pruned entry removed from the ledger, with a consistent digest: the gap shows at the next snapshot.
    const ledger = readFileSync(join(chain, LEDGER_FILE), 'utf8').split('\n');
    writeFileSync(join(chain, LEDGER_FILE), [ledger[0], ''].join('\n'));
    const gap = await verify(chain);
    expect(gap.firstBroken?.name).toBe(n[2]);
    expect(gap.firstBroken?.reason).toBe(`the snapshot before it (${n[1]}, sequence 2) is missing and not recorded in pruned.jsonl`);
    // A ledger line rewritten with a consistent entry digest but another manifest still fails on the chain.
    const entry = JSON.parse(ledger[1]!) as Record<string, unknown> & { manifest: string };
    const forged = Buffer.from(entry.manifest, 'base64').toString('utf8').replace('"sequence": 2', '"sequence": 2 ');
    const fields = { ...entry, manifest: Buffer.from(forged).toString('base64'), manifestSha256: createHash('sha256').update(forged).digest('hex') } as Parameters<typeof ledgerEntryDigest>[0];
    writeFileSync(join(chain, LEDGER_FILE), [ledger[0], JSON.stringify({ ...fields, entrySha256: ledgerEntryDigest(fields) }), ''].join('\n'));
    const relinked = await verify(chain);
    expect(relinked.ok).toBe(false);
    expect(relinked.firstBroken?.name).toBe(`${n[1]} (pruned)`);
  });
});
