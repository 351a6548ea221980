/**
 * Reports an auditor can rely on: a report built from a `kansa scan` JSON file says where it came from.
 * `kansa scan --sign KEY --out FILE` writes FILE.sig (Ed25519, the evidence key format); `kansa report`
 * checks it. Unsigned → an "unverified source" banner that does not claim tampering; signed and then
 * changed → refused, or a banner that says the file does not match its signature. Also: passing findings
 * carry the values that made them pass, grouped and collapsed per control; `kansa report` defaults to HTML,
 * refuses HTML to a terminal and prints the path it wrote.
 */
import { createPublicKey } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { fingerprintOf } from '../../src/evidence/signing.js';
import { runCli, type CliRun } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { ed25519Pem } from '../evidence/helpers.js';
import { expectValid, oscalValidator } from './oscal-schema.js';

const NOW = new Date('2026-12-06T00:00:00Z');
const kansa = (...argv: string[]): Promise<CliRun> => runCli(argv, () => NOW);

interface JsonFinding {
  control: string;
  status: string;
  reason?: string;
  observed?: string;
}

/** Every failing finding turned passing and the summary made clean: what someone hiding failures would do. */
function whitewash(json: string): string {
  const doc = JSON.parse(json) as { summary: Record<string, number>; requirements: { status: string }[]; findings: { status: string; reason?: string; reason_ja?: string }[] };
  for (const f of doc.findings) {
    if (f.status !== 'fail') continue;
    f.status = 'pass';
    delete f.reason;
    delete f.reason_ja;
  }
  for (const r of doc.requirements) if (r.status === 'noncompliant') r.status = 'compliant';
  doc.summary['compliant'] = (doc.summary['compliant'] ?? 0) + (doc.summary['noncompliant'] ?? 0);
  doc.summary['noncompliant'] = 0;
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const banner = (page: string): { cause: string; text: string } | undefined => {
  const match = /<div class="unverified-banner" role="alert" data-cause="(\w+)">([\s\S]*?)<\/div>/.exec(page);
  return match ? { cause: match[1]!, text: match[2]! } : undefined;
};

describe('provenance of reports built from JSON files', () => {
  const dir = tempDir('kansa-provenance-');
  const keys = ed25519Pem();
  const other = ed25519Pem();
  const keyFile = join(dir, 'scan.key.pem');
  const publicKey = join(dir, 'scan.pub.pem');
  const otherPublicKey = join(dir, 'other.pub.pem');
  writeFileSync(keyFile, keys.privateKey, { mode: 0o600 });
  writeFileSync(publicKey, keys.publicKey);
  writeFileSync(otherPublicKey, other.publicKey);
  const fingerprint = fingerprintOf(createPublicKey(keys.publicKey));
  const signed = join(dir, 'signed.json');
  const unsigned = join(dir, 'unsigned.json');
  let scan: CliRun;

  beforeAll(async () => {
    scan = await kansa('scan', '--sandbox', '--sandbox-resources', '120', '--output', 'json', '--out', signed, '--sign', keyFile);
    copyFileSync(signed, unsigned);
  });

  it('scan --sign writes the JSON and a detached signature next to it, and says so', () => {
    expect(scan.code).toBe(0);
    expect(scan.stdout).toBe('');
    expect(scan.stderr).toContain(`wrote ${signed} and ${signed}.sig (signed by ${fingerprint})`);
    const signature = JSON.parse(readFileSync(`${signed}.sig`, 'utf8')) as Record<string, unknown>;
    expect(signature).toMatchObject({ kind: 'kansa-detached-signature', version: 1, algorithm: 'ed25519', fingerprint });
    expect(existsSync(`${unsigned}.sig`)).toBe(false);
  });

  it('a signed file gives a report without a banner that names the verified source and the key fingerprint', async () => {
    const run = await kansa('report', signed, '--lang', 'en');
    expect(run.code).toBe(0);
    expect(banner(run.stdout)).toBeUndefined();
    expect(run.stdout).toContain(`Signature verified (key fingerprint ${fingerprint}; key not pinned: pass --public-key)`);
    const pinned = await kansa('report', signed, '--public-key', publicKey);
    expect(pinned.code).toBe(0);
    expect(pinned.stdout).toContain(`署名を検証済み（鍵のフィンガープリント ${fingerprint}、指定の公開鍵で検証）`);
    expect((await kansa('report', signed, '--public-key', otherPublicKey)).code).toBe(1);
  });

  it('flipping every fail to pass in an unsigned file yields a clean-looking report under the unsigned banner, which claims no tampering', async () => {
    writeFileSync(unsigned, whitewash(readFileSync(signed, 'utf8')));
    const en = await kansa('report', unsigned, '--lang', 'en');
    expect(en.code).toBe(0);
    expect(en.stdout).not.toContain('class="fr-fail"');
    expect(en.stderr).toContain('is not signed');
    expect(banner(en.stdout)).toEqual({ cause: 'unsigned', text: expect.stringContaining('Built from an unsigned assessment file: not verified') as unknown });
    expect(banner(en.stdout)!.text).toContain('nothing shows that it is what kansa wrote');
    expect(banner(en.stdout)!.text).not.toMatch(/altered|damaged/);
    const ja = await kansa('report', unsigned);
    expect(banner(ja.stdout)?.text).toContain('署名のない評価結果ファイルから作成された報告書です（未検証）');
    expect(banner(ja.stdout)?.text).not.toMatch(/改ざん|破損/);
    const oscal = await kansa('report', unsigned, '--format', 'oscal', '--lang', 'en');
    expectValid(oscalValidator('oscal_assessment-results_schema.json'), JSON.parse(oscal.stdout));
    expect(oscal.stdout).toContain('"value": "unverified-unsigned"');
    // A key pinned with --public-key requires a signature: refused, or written under the same unsigned banner.
    expect((await kansa('report', unsigned, '--public-key', publicKey)).code).toBe(1);
    expect(banner((await kansa('report', unsigned, '--public-key', publicKey, '--allow-unverified')).stdout)?.cause).toBe('unsigned');
  });

  it('the same change to a signed file fails its signature check: no report, or one under the altered banner', async () => {
    const altered = join(dir, 'altered.json');
    writeFileSync(altered, whitewash(readFileSync(signed, 'utf8')));
    copyFileSync(`${signed}.sig`, `${altered}.sig`);
    const refused = await kansa('report', altered, '--out', join(dir, 'altered.html'));
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toMatch(/the signature does not verify: the file's sha256 [0-9a-f]{64} is not the signed one/);
    expect(existsSync(join(dir, 'altered.html'))).toBe(false);
    const marked = await kansa('report', altered, '--lang', 'en', '--allow-unverified');
    expect(marked.code).toBe(0);
    expect(banner(marked.stdout)).toEqual({ cause: 'altered', text: expect.stringContaining('does not match its signature') as unknown });
    const ja = await kansa('report', altered, '--allow-unverified');
    expect(banner(ja.stdout)?.text).toContain('改ざん・破損の可能性がある');
    const oscal = await kansa('report', altered, '--format', 'oscal', '--allow-unverified');
    expect(oscal.stdout).toContain('"value": "unverified-altered"');
  });

  it('scan --sign needs --output json and --out, checked before collecting', async () => {
    const noOut = await kansa('scan', '--sandbox', '--sandbox-resources', '10', '--output', 'json', '--sign', keyFile);
    expect(noOut).toMatchObject({ code: 2, stderr: expect.stringContaining('--sign: writes a detached signature next to the output file: add --out FILE') as unknown });
    const table = await kansa('scan', '--sandbox', '--sandbox-resources', '10', '--out', join(dir, 't.txt'), '--sign', keyFile);
    expect(table).toMatchObject({ code: 2, stderr: expect.stringContaining('--sign: signs the JSON contract: add --output json') as unknown });
    expect(existsSync(join(dir, 't.txt'))).toBe(false);
  });

  it('passing findings carry the variable values that made them pass; the HTML groups them per control, collapsed', async () => {
    const findings = (JSON.parse(readFileSync(signed, 'utf8')) as { findings: JsonFinding[] }).findings;
    const sg = findings.filter((f) => f.control === 'aws-sg-admin-ports-closed-to-world' && f.status === 'pass');
    expect(sg.length).toBeGreaterThan(0);
    for (const f of sg) expect(f.observed).toMatch(/^adminRules=\[.*\]; openRules=\[\]/);
    expect(findings.filter((f) => f.status !== 'pass').every((f) => f.observed === undefined)).toBe(true);
    const page = (await kansa('report', signed, '--lang', 'en')).stdout;
    const control = page.slice(page.indexOf('data-control="aws-sg-admin-ports-closed-to-world"'));
    const group = /<details class="passing" data-passing="(\d+)"><summary>(\d+) passing resources \(show the observed values\)<\/summary>([\s\S]*?)<\/details>/.exec(control);
    expect(group).not.toBeNull();
    expect(Number(group![1])).toBeGreaterThan(0);
    expect(group![3]).toContain('<code data-text="observed">adminRules=[');
    // Collapsed by default: no `open` attribute on any group, and no passing row outside a group.
    expect(page).not.toMatch(/<details class="passing"[^>]* open/);
    const outside = page.replace(/<details class="passing"[\s\S]*?<\/details>/g, '');
    expect(outside).not.toContain('class="fr-pass"');
  });
});

describe('kansa report output', () => {
  const dir = tempDir('kansa-report-out-');
  const input = join(dir, 'scan.json');

  beforeAll(async () => {
    const run = await kansa('scan', '--sandbox', '--sandbox-resources', '20', '--output', 'json', '--out', input);
    if (run.code !== 0) throw new Error(run.stderr);
  });

  async function inTerminal(argv: string[]): Promise<CliRun> {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), now: () => NOW, stdoutIsTerminal: () => true });
    return { code, stdout, stderr };
  }

  it('defaults to HTML', async () => {
    const run = await kansa('report', input);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^<!DOCTYPE html>/);
  });

  it('refuses to write HTML to a terminal without --out (exit 2, in both languages), but writes CSV there', async () => {
    const run = await inTerminal(['report', input]);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain('refusing to write an HTML report to the terminal: pass --out FILE');
    expect(run.stderr).toContain('HTML の報告書を端末には出力しません。--out ファイル名 を指定してください');
    expect((await inTerminal(['report', input, '--format', 'csv'])).code).toBe(0);
  });

  it('prints the path it wrote', async () => {
    const out = join(dir, 'report.html');
    const run = await inTerminal(['report', input, '--out', out]);
    expect(run).toMatchObject({ code: 0, stdout: `${out}\n` });
    expect(readFileSync(out, 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });
});
