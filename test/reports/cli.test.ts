/** `kansa report`: inputs (JSON contract file, snapshot directory), formats, --out, exit codes. */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliRun } from '../support/cli.js';
import { loadReportSource, parseAssessmentJson } from '../../src/reports/input.js';
import { tempFiles } from '../support/files.js';
import { ACTIVE_EXCEPTION, ATTESTATIONS, EXPIRED_EXCEPTION, NOW, contractJson, reportInput, waivedContractJson } from './fixture.js';
import { csvRecords } from './csv-parse.js';
import { expectValid, oscalValidator } from './oscal-schema.js';

const kansa = (...argv: string[]): Promise<CliRun> => runCli(argv, () => NOW);

const contract = contractJson();
const otherCatalog = JSON.stringify({ ...(JSON.parse(contract) as object), catalog: { id: 'my-framework', version: '1' } });
const badStatus = contract.replace('"status": "not_assessed"', '"status": "maybe"');
/** A file from before bilingual reasons, exceptions and attestation statements: English only. */
const legacy = JSON.parse(contract) as { requirements: Record<string, unknown>[]; findings: Record<string, unknown>[]; exceptions?: unknown };
for (const r of legacy.requirements) {
  delete r['reason_ja'];
  if (r['attestation']) delete (r['attestation'] as Record<string, unknown>)['statement'];
}
for (const f of legacy.findings) delete f['reason_ja'];
delete legacy.exceptions;
const files = tempFiles({
  'assessment.json': contract,
  'waived.json': waivedContractJson(),
  'legacy.json': JSON.stringify(legacy),
  'notjson.json': '{"catalog": ',
  'wrong-shape.json': JSON.stringify({ hello: 'world' }),
  'bad-status.json': badStatus,
  'other-catalog.json': otherCatalog,
});
const snapshotDir = join(files.dir, 'snapshot-0001');
mkdirSync(snapshotDir);
writeFileSync(join(snapshotDir, 'assessment.json'), contract);
const manifest = JSON.stringify({ runId: 'r-1', files: {} });
writeFileSync(join(snapshotDir, 'manifest.json'), manifest);
const emptyDir = join(files.dir, 'empty');
mkdirSync(emptyDir);

describe('kansa report', () => {
  it('reads the JSON contract back into the same assessment', () => {
    const parsed = parseAssessmentJson('x.json', contract);
    const original = reportInput().assessment;
    expect(parsed.requirements.map((r) => [r.id, r.status, r.reason, r.controls])).toEqual(original.requirements.map((r) => [r.id, r.status, r.reason, r.controls]));
    expect(parsed.findings).toEqual(original.findings);
    expect(parsed.coverage).toEqual(original.coverage);
    expect(parsed.requirements.find((r) => r.id === '1-1')!.attestation).toMatchObject({ owner: '情報セキュリティ管理者', state: 'valid', expires: '2027-03-31' });
  });

  it('writes HTML to stdout from a JSON file (Japanese by default)', async () => {
    const run = await kansa('report', files['assessment.json']!, '--format', 'html');
    expect(run).toMatchObject({ code: 0, stderr: expect.stringContaining('is not signed') as unknown });
    expect(run.stdout).toContain('<html lang="ja">');
    expect(run.stdout).toContain('id="req-10-2"');
  });

  it('writes CSV in English to --out and nothing to stdout', async () => {
    const out = join(files.dir, 'report.csv');
    const run = await kansa('report', files['assessment.json']!, '--format', 'csv', '--lang', 'en', '--out', out);
    expect(run).toMatchObject({ code: 0, stdout: `${out}\n` });
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\uFEFFrequirement_id,')).toBe(true);
  });

  it('writes OSCAL assessment results that validate', async () => {
    const run = await kansa('report', files['assessment.json']!, '--format', 'oscal');
    expect(run.code).toBe(0);
    expectValid(oscalValidator('oscal_assessment-results_schema.json'), JSON.parse(run.stdout));
  });

  it('reads a directory with assessment.json as a library (not verified); the CLI takes only real evidence snapshots', async () => {
    const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
    expect(loadReportSource(snapshotDir).snapshot).toEqual({ dir: snapshotDir, manifestDigest: digest, signature: { state: 'not_verified', detail: `check with: kansa verify ${snapshotDir}` } });
    // Directories go through the evidence reader (test/reports/snapshot.test.ts): this one is not a snapshot.
    const run = await kansa('report', snapshotDir, '--format', 'html', '--lang', 'en');
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/snapshot-0001: not a snapshot directory/);
  });

  it('exports the catalog as an OSCAL catalog that validates', async () => {
    const out = join(files.dir, 'catalog.json');
    const run = await kansa('report', '--catalog-oscal', '--out', out);
    expect(run).toEqual({ code: 0, stdout: `${out}\n`, stderr: '' });
    const document = JSON.parse(readFileSync(out, 'utf8')) as { catalog: { metadata: Record<string, unknown> } };
    expectValid(oscalValidator('oscal_catalog_schema.json'), document);
    expect(document.catalog.metadata['last-modified']).toBe(NOW.toISOString());
  });

  it.each([
    ['a missing file', () => ['/nonexistent/assessment.json', '--format', 'html'], /\/nonexistent\/assessment\.json: no such file or directory; expected the JSON written by `kansa evaluate --output json`/],
    ['a file that is not JSON', () => [files['notjson.json']!, '--format', 'csv'], /notjson\.json: not JSON .*; expected the JSON written by/],
    ['JSON of another shape', () => [files['wrong-shape.json']!, '--format', 'csv'], /wrong-shape\.json: catalog: .*expected the JSON written by/],
    ['an unknown status', () => [files['bad-status.json']!, '--format', 'html'], /bad-status\.json: requirements\[\d+\]\.status: .*expected the JSON written by/],
    ['a directory that is not an evidence snapshot', () => [emptyDir, '--format', 'html'], /empty: not a snapshot directory \(expected a name such as/],
    ['an assessment of another catalog', () => [files['other-catalog.json']!, '--format', 'html'], /other-catalog\.json: requirements: the assessment is for catalog "my-framework" but the loaded catalog is "jp-cloud-procurement"/],
    ['no INPUT', () => ['--format', 'html'], /INPUT: missing/],
    ['INPUT with --catalog-oscal', () => [files['assessment.json']!, '--catalog-oscal'], /--catalog-oscal: takes neither INPUT nor --format/],
    ['an unwritable --out', () => [files['assessment.json']!, '--format', 'csv', '--out', join(files.dir, 'no-such-dir', 'r.csv')], /no-such-dir\/r\.csv: cannot write/],
  ])('exits 2 for %s, naming the file and what was expected', async (_what, args, message) => {
    const run = await kansa('report', ...args());
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });

  it('carries the attestation statement, owner and expiry from a JSON file into HTML, CSV and OSCAL', async () => {
    const a = ATTESTATIONS[0]!;
    const page = (await kansa('report', files['assessment.json']!, '--format', 'html')).stdout;
    const item = page.slice(page.indexOf('id="req-1-1"'), page.indexOf('</article>', page.indexOf('id="req-1-1"')));
    expect(item).toContain('<dt>確認内容</dt><dd class="pre" data-text="statement">預託データの目的外利用を禁じる規程を制定し、年次で見直している。\n&quot;規程&quot; 第12条, 別表あり</dd>');
    expect(item).toContain(`<dt>責任者</dt><dd>${a.owner}</dd>`);
    expect(item).toContain(`<dt>有効期限</dt><dd>${a.expires}</dd>`);
    const rows = csvRecords((await kansa('report', files['assessment.json']!, '--format', 'csv', '--lang', 'en')).stdout);
    expect(rows.find((row) => row['requirement_id'] === '1-1')).toMatchObject({ attestation_statement: a.statement, attestation_owner: a.owner, attestation_expires: a.expires });
    const oscal = JSON.parse((await kansa('report', files['assessment.json']!, '--format', 'oscal', '--lang', 'en')).stdout) as { 'assessment-results': { metadata: { props: { name: string; value: string }[] }; results: { observations: { description: string; props: { name: string; value: string }[]; expires?: string }[] }[] } };
    const doc = oscal['assessment-results'];
    expect(doc.metadata.props).toContainEqual(expect.objectContaining({ name: 'language', value: 'en' }));
    const observation = doc.results[0]!.observations.find((o) => o.props.some((p) => p.name === 'attestation-owner' && p.value === a.owner))!;
    expect(observation).toMatchObject({ description: a.statement, expires: `${a.expires}T23:59:59Z` });
  });

  it('reports waived findings and exceptions read from a JSON file, in every format', async () => {
    const html = await kansa('report', files['waived.json']!, '--format', 'html', '--lang', 'en');
    expect(html.code).toBe(0);
    expect(html.stdout.split('<tr class="fr-waived" data-exception="EXC-2026-001">')).toHaveLength(2 * 2 + 1);
    expect(html.stdout).toContain('id="exception-EXC-2025-007" data-exception="EXC-2025-007" data-state="expired"');
    const rows = csvRecords((await kansa('report', files['waived.json']!, '--format', 'csv', '--lang', 'ja')).stdout);
    // Japanese headers and values.
    expect(rows.filter((row) => row['検出結果'] === '例外承認' && row['例外ID'] === ACTIVE_EXCEPTION.id && row['例外の承認理由'] === ACTIVE_EXCEPTION.justification.ja)).toHaveLength(4);
    expect(rows.map((row) => row['アカウント'])).toContain('012345678901');
    const oscal = await kansa('report', files['waived.json']!, '--format', 'oscal');
    expectValid(oscalValidator('oscal_assessment-results_schema.json'), JSON.parse(oscal.stdout));
    expect(oscal.stdout).toContain(ACTIVE_EXCEPTION.justification.ja.replaceAll('"', '\\"'));
    expect(oscal.stdout).toContain(`"value": "${EXPIRED_EXCEPTION.id}"`);
  });

  it('reports a JSON file written before bilingual reasons: the English reasons are shown as they are', async () => {
    const run = await kansa('report', files['legacy.json']!, '--format', 'html');
    expect(run.code).toBe(0);
    const r13 = reportInput().assessment.requirements.find((r) => r.id === '1-3')!;
    expect(run.stdout).toContain(`<dd class="reason pre" data-text="reason">${r13.reason}</dd>`);
    expect(run.stdout).toContain('例外は登録されていません。');
  });

  it('exits 2 for an unknown format or language (usage)', async () => {
    expect((await kansa('report', files['assessment.json']!, '--format', 'pdf')).code).toBe(2);
    expect((await kansa('report', files['assessment.json']!, '--format', 'html', '--lang', 'fr')).code).toBe(2);
  });
});
