/** `kansa snapshot | verify | diff`: output and exit codes (0 ok, 1 failed verification or snapshot, 2 bad usage). */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FINDINGS_FILE, SNAPSHOT_NAME } from '../../src/evidence/format.js';
import { EVIDENCE_KEY_ENV } from '../../src/evidence/signing.js';
import { ed25519Pem, flipByte, kansa, tempDir } from './helpers.js';

const RESOURCES = '300';

/** Snapshot names by manifest sequence: names only sort by time to the second, and two snapshots can share one. */
function inChainOrder(dir: string): string[] {
  const sequence = (name: string): number => (JSON.parse(readFileSync(join(dir, name, 'manifest.json'), 'utf8')) as { sequence: number }).sequence;
  return readdirSync(dir)
    .filter((name) => SNAPSHOT_NAME.test(name))
    .map((name) => ({ name, sequence: sequence(name) }))
    .sort((a, b) => a.sequence - b.sequence)
    .map((s) => s.name);
}

describe('kansa snapshot, verify and diff', () => {
  const key = ed25519Pem();
  const other = ed25519Pem();
  const files = tempDir('kansa-cli-');
  const privateKey = join(files, 'key.pem');
  const publicKey = join(files, 'key.pub.pem');
  const otherPublicKey = join(files, 'other.pub.pem');
  const notAKey = join(files, 'not-a-key.pem');
  const config = join(files, 'kansa.yaml');
  let dir: string;
  let names: string[];
  let third: Awaited<ReturnType<typeof kansa>>;

  beforeAll(async () => {
    writeFileSync(privateKey, key.privateKey, { mode: 0o600 });
    writeFileSync(publicKey, key.publicKey);
    writeFileSync(otherPublicKey, other.publicKey);
    writeFileSync(notAKey, 'hello\n');
    dir = join(tempDir(), 'evidence');
    writeFileSync(config, `evidence:\n  dir: ${dir}\n  key: ${privateKey}\n`);
    const first = await kansa('snapshot', '--sandbox', '--sandbox-resources', RESOURCES, '--dir', dir, '--key', privateKey);
    expect(first).toMatchObject({ code: 0 });
    const second = await kansa('snapshot', '--sandbox', '--sandbox-resources', RESOURCES, '--config', config, '--output', 'json');
    expect(second).toMatchObject({ code: 0 });
    third = await kansa('snapshot', '--sandbox', '--sandbox-resources', RESOURCES, '--dir', dir, '--key', privateKey);
    names = inChainOrder(dir);
  });

  it('writes signed snapshots and never prints or logs the key', () => {
    expect(names).toHaveLength(3);
    const run = third;
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^snapshot \d{8}T\d{6}Z-[0-9a-f]{8} written to /);
    expect(run.stdout).toContain('sequence 3, previous ');
    expect(run.stdout).toMatch(/signed by sha256:[0-9a-f]{64}/);
    expect(run.stdout).toMatch(/requirement changes since \S+: 0/);
    const body = key.privateKey.split('\n')[1]!;
    expect(run.stdout + run.stderr).not.toContain(body);
    expect(run.stderr).toContain('"event":"evidence_snapshot_written"');
  });

  it('signs with the key from $KANSA_EVIDENCE_KEY when no key file is given', async () => {
    const envDir = join(tempDir(), 'evidence');
    process.env[EVIDENCE_KEY_ENV] = key.privateKey;
    try {
      const run = await kansa('snapshot', '--sandbox', '--sandbox-resources', '50', '--dir', envDir, '--output', 'json');
      expect(run.code).toBe(0);
      expect((JSON.parse(run.stdout) as { signature: string }).signature).toMatch(/^sha256:/);
      expect(run.stdout + run.stderr).not.toContain(key.privateKey.split('\n')[1]!);
    } finally {
      delete process.env[EVIDENCE_KEY_ENV];
    }
    expect((await kansa('verify', envDir, '--public-key', publicKey)).code).toBe(0);
  });

  it('verify: 0 when everything verifies, 1 when anything is broken, with the first broken snapshot named', async () => {
    const ok = await kansa('verify', dir, '--public-key', publicKey);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`verified: 3 snapshots and 0 pruned manifests in ${dir}`);
    expect((await kansa('verify', dir)).code).toBe(0);

    const restore = flipByte(join(dir, names[1]!, 'findings.jsonl.gz'), 100);
    try {
      const broken = await kansa('verify', dir);
      expect(broken.code).toBe(1);
      expect(broken.stdout).toContain(`BROKEN ${names[1]}`);
      expect(broken.stdout).toMatch(new RegExp(`FAILED: first broken: ${names[1]}: findings\\.jsonl\\.gz: sha256 [0-9a-f]{64} does not match the manifest`));
      const json = JSON.parse((await kansa('verify', dir, '--output', 'json')).stdout) as { ok: boolean; firstBroken: { name: string } };
      expect(json).toMatchObject({ ok: false, firstBroken: { name: names[1] } });
    } finally {
      restore();
    }

    const wrongKey = await kansa('verify', dir, '--public-key', otherPublicKey);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toContain(`FAILED: first broken: ${names[0]}: signature: signed by`);
    expect((await kansa('verify', tempDir())).code).toBe(1); // nothing to verify is not a success
  });

  it('verify: 2 for bad usage', async () => {
    expect((await kansa('verify')).code).toBe(2);
    const missing = await kansa('verify', join(files, 'nope'));
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('no such directory') as unknown });
    const oneSnapshot = await kansa('verify', join(dir, names[0]!));
    expect(oneSnapshot).toMatchObject({ code: 2, stderr: expect.stringContaining('pass the evidence directory that holds it') as unknown });
    expect((await kansa('verify', dir, '--public-key', notAKey)).code).toBe(2);
    expect((await kansa('verify', dir, '--public-key', join(files, 'nope.pem'))).code).toBe(2);
    expect((await kansa('verify', dir, '--output', 'yaml')).code).toBe(2);
  });

  it('diff: 0 with the changes, 1 when a snapshot does not match its manifest, 2 for bad usage', async () => {
    const a = join(dir, names[0]!);
    const b = join(dir, names[2]!);
    const text = await kansa('diff', a, b);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`from ${names[0]} (seq 1, `);
    expect(text.stdout).toContain('requirements changed between ');
    const restore = flipByte(join(b, 'findings.jsonl.gz'), 40);
    try {
      const tampered = await kansa('diff', a, b);
      expect(tampered.code).toBe(1);
      expect(tampered.stderr).toContain(`${names[2]}/findings.jsonl.gz`);
    } finally {
      restore();
    }
    expect((await kansa('diff', a)).code).toBe(2);
    expect((await kansa('diff', a, files)).code).toBe(2);
    expect((await kansa('diff', a, join(dir, '20261101T000000Z-00000000'))).code).toBe(2);
  });

  it('records what each passing finding observed, and the report from the snapshot shows it (#15)', async () => {
    const findings = gunzipSync(readFileSync(join(dir, names[2]!, FINDINGS_FILE)))
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { control: string; status: string; observed?: string });
    const passing = findings.filter((f) => f.status === 'pass' && f.control === 'aws-sg-admin-ports-closed-to-world');
    expect(passing.length).toBeGreaterThan(0);
    for (const f of passing) expect(f.observed).toMatch(/adminRules=.*openRules=\[\]/);
    // Failing findings say why in their reason, not in observed.
    expect(findings.filter((f) => f.status === 'fail').every((f) => f.observed === undefined)).toBe(true);
    const out = join(tempDir(), 'report.html');
    const report = await kansa('report', join(dir, names[2]!), '--out', out, '--public-key', publicKey);
    expect(report.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('openRules=[]');
  });

  it('snapshot: 2 for bad usage, 1 when the snapshot cannot be written', async () => {
    expect((await kansa('snapshot', '--sandbox')).code).toBe(2); // no --dir, no configuration
    expect((await kansa('snapshot', '--sandbox', '--dir', tempDir(), '--key', publicKey)).code).toBe(2);
    expect((await kansa('snapshot', '--sandbox', '--dir', tempDir(), '--key', join(files, 'nope.pem'))).code).toBe(2);
    expect((await kansa('snapshot', '--dir', tempDir())).code).toBe(2); // no collector
    const unwritable = await kansa('snapshot', '--sandbox', '--sandbox-resources', '20', '--dir', join(notAKey, 'evidence'));
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toContain('kansa: snapshot failed (write): cannot start a snapshot in');
    expect(readFileSync(notAKey, 'utf8')).toBe('hello\n');
  });
});
