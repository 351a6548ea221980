/** `kansa report SNAPSHOT_DIR`: real evidence snapshots read through the evidence reader, verified before use. */
import { createHash, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, parseManifest } from '../../src/evidence/format.js';
import { loadSnapshotReportSource } from '../../src/evidence/report-source.js';
import { fingerprintOf } from '../../src/evidence/signing.js';
import { capturedLogger, ed25519Pem, evidenceService, flipByte, kansa, signer, steppingClock, SyntheticCollector, syntheticAgent, tempDir } from '../evidence/helpers.js';

async function writeSnapshot(key?: string): Promise<string> {
  const dir = tempDir('kansa-report-');
  const clock = steppingClock('2026-11-01T09:30:00Z');
  const { logger } = capturedLogger();
  const { service } = evidenceService(dir, { now: clock.now, logger, ...(key === undefined ? {} : { signer: signer(key) }) });
  const outcome = await service.snapshot(syntheticAgent(new SyntheticCollector(20), clock.now, logger), new AbortController().signal);
  if (!outcome.ok) throw new Error(outcome.error);
  return join(dir, outcome.name);
}

function manifestCounts(snapshot: string): { pass: number; fail: number; unknown: number } {
  const parsed = parseManifest(readFileSync(join(snapshot, MANIFEST_FILE)));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.manifest.counts.findings;
}

/** Flips one digit of the noncompliant count in assessment.json: still valid JSON, no longer the signed evidence. */
function tamperAssessment(snapshot: string): () => void {
  const file = join(snapshot, 'assessment.json');
  const match = /"noncompliant":\s*\d/.exec(readFileSync(file, 'utf8'));
  if (!match) throw new Error('no noncompliant count in assessment.json');
  return flipByte(file, Buffer.byteLength(readFileSync(file, 'utf8').slice(0, match.index + match[0].length - 1)));
}

describe('kansa report from an evidence snapshot', () => {
  const keys = ed25519Pem();
  const other = ed25519Pem();
  let unsigned: string;
  let signed: string;
  const files = tempDir('kansa-report-keys-');
  const publicKey = join(files, 'signer.pub.pem');
  const otherKey = join(files, 'other.pub.pem');
  writeFileSync(publicKey, keys.publicKey);
  writeFileSync(otherKey, other.publicKey);
  const fingerprint = fingerprintOf(createPublicKey(keys.publicKey));

  beforeAll(async () => {
    unsigned = await writeSnapshot();
    signed = await writeSnapshot(keys.privateKey);
  });

  it('reads every finding (passing ones from findings.jsonl.gz), the manifest digest and the collector outcomes', async () => {
    const counts = manifestCounts(unsigned);
    expect(counts.pass).toBeGreaterThan(0);
    const source = await loadSnapshotReportSource(unsigned);
    if ('refused' in source) throw new Error(source.problems.join('; '));
    expect(source.assessment.findings).toHaveLength(counts.pass + counts.fail + counts.unknown);
    expect(source.assessment.findings.filter((f) => f.status === 'pass')).toHaveLength(counts.pass);
    const digest = `sha256:${createHash('sha256').update(readFileSync(join(unsigned, MANIFEST_FILE))).digest('hex')}`;
    expect(source.snapshot).toMatchObject({ dir: unsigned, manifestDigest: digest, signature: { state: 'unsigned' }, verification: { ok: true, problems: [] } });
    expect(source.snapshot.collectors).toEqual([{ provider: 'aws', account: '111122223333', collector: 'synthetic', status: 'ok' }]);

    const run = await kansa('report', unsigned, '--format', 'html', '--lang', 'en');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(digest);
    expect(run.stdout).toContain('Unsigned');
    expect(run.stdout).toContain('every file matches its manifest hash');
    expect(run.stdout).toContain('<td>synthetic</td>');
    expect(run.stdout.match(/<tr class="fr-pass">/g)?.length).toBeGreaterThan(0);
    expect(run.stdout).not.toContain('<div class="unverified-banner"');

    const csv = await kansa('report', unsigned, '--format', 'csv', '--lang', 'en');
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\n').filter((l) => l.includes(',pass,')).length).toBeGreaterThanOrEqual(counts.pass);
  });

  it('shows a valid signature as unpinned, or pinned with --public-key; a different key is refused', async () => {
    const unpinned = await kansa('report', signed, '--format', 'html', '--lang', 'en');
    expect(unpinned.code).toBe(0);
    expect(unpinned.stdout).toContain(`Valid (unpinned key ${fingerprint})`);

    const pinned = await kansa('report', signed, '--format', 'html', '--lang', 'en', '--public-key', publicKey);
    expect(pinned.code).toBe(0);
    expect(pinned.stdout).toContain('Valid (pinned)');
    expect(pinned.stdout).toContain(fingerprint);

    const wrong = await kansa('report', signed, '--format', 'html', '--public-key', otherKey);
    expect(wrong).toMatchObject({ code: 1, stdout: '' });
    expect(wrong.stderr).toMatch(/evidence does not verify: signature: signed by .*, not by the required key/);
    const required = await kansa('report', unsigned, '--format', 'html', '--public-key', publicKey);
    expect(required.code).toBe(1);
    expect(required.stderr).toMatch(/unsigned, but --public-key requires a signature/);
  });

  it('refuses a snapshot whose files do not match the manifest: exit 1, no report written', async () => {
    const restore = tamperAssessment(signed);
    try {
      const out = join(files, 'tampered.html');
      const run = await kansa('report', signed, '--format', 'html', '--out', out);
      expect(run).toMatchObject({ code: 1, stdout: '' });
      expect(run.stderr).toMatch(/evidence does not verify: assessment\.json: sha256 [0-9a-f]{64} does not match the manifest/);
      expect(run.stderr).toMatch(/--allow-unverified/);
      expect(existsSync(out)).toBe(false);
      const inverted = await kansa('report', signed, '--format', 'oscal');
      expect(inverted.code).toBe(1);
    } finally {
      restore();
    }
    expect((await kansa('report', signed, '--format', 'html')).code).toBe(0);
  });

  it('with --allow-unverified writes the report under a red "evidence does not verify" banner', async () => {
    const restore = tamperAssessment(unsigned);
    try {
      const run = await kansa('report', unsigned, '--format', 'html', '--lang', 'en', '--allow-unverified');
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/warning: .*evidence does not verify .*assessment\.json: sha256/);
      const banner = /<div class="unverified-banner" role="alert" data-cause="altered">([\s\S]*?)<\/div>/.exec(run.stdout);
      expect(banner?.[1]).toContain('Evidence does not verify');
      expect(banner?.[1]).toContain('may have been altered or damaged');
      expect(banner?.[1]).toContain('assessment.json: sha256');
      expect(run.stdout).toMatch(/\.unverified-banner\{background:#b3141b/);
      // Passing findings still come from findings.jsonl.gz, which is intact.
      expect(run.stdout).toContain('<tr class="fr-pass">');

      const ja = await kansa('report', unsigned, '--format', 'html', '--allow-unverified');
      expect(ja.stdout).toContain('証跡の検証に失敗しました');
      expect(ja.stdout).toContain('改ざん・破損の可能性がある');
      const oscal = await kansa('report', unsigned, '--format', 'oscal', '--allow-unverified');
      expect(oscal.stdout).toContain('does-not-verify');
    } finally {
      restore();
    }
  });

  it('still reports from a snapshot whose findings file is damaged, with only the inline findings and says so', async () => {
    const file = join(unsigned, 'findings.jsonl.gz');
    const restore = flipByte(file, readFileSync(file).length - 6);
    try {
      expect((await kansa('report', unsigned, '--format', 'html')).code).toBe(1);
      const run = await kansa('report', unsigned, '--format', 'html', '--lang', 'en', '--allow-unverified');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('<div class="unverified-banner"');
      expect(run.stdout).toMatch(/findings\.jsonl\.gz: (sha256|unreadable)/);
    } finally {
      restore();
    }
  });

  it('says "unsigned", not "altered", when the only problem is a signature --public-key requires and the snapshot never had', async () => {
    expect((await kansa('report', unsigned, '--format', 'html', '--public-key', publicKey)).code).toBe(1);
    const en = await kansa('report', unsigned, '--format', 'html', '--lang', 'en', '--public-key', publicKey, '--allow-unverified');
    expect(en.code).toBe(0);
    const banner = /<div class="unverified-banner" role="alert" data-cause="unsigned">([\s\S]*?)<\/div>/.exec(en.stdout);
    expect(banner?.[1]).toContain('Built from unsigned evidence: not verified');
    expect(banner?.[1]).toContain('Every file matches its manifest hash');
    expect(banner?.[1]).not.toMatch(/altered|damaged/);
    const ja = await kansa('report', unsigned, '--format', 'html', '--public-key', publicKey, '--allow-unverified');
    const jaBanner = /<div class="unverified-banner"[^>]*>([\s\S]*?)<\/div>/.exec(ja.stdout)?.[1] ?? '';
    expect(jaBanner).toContain('署名のない証跡から作成された報告書です');
    expect(jaBanner).not.toMatch(/改ざん|破損/);
    const oscal = await kansa('report', unsigned, '--format', 'oscal', '--lang', 'en', '--public-key', publicKey, '--allow-unverified');
    expect(oscal.stdout).toContain('"value": "unverified-unsigned"');
  });
});
