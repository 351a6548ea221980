/** `kansa report`: inputs (JSON contract file, snapshot directory), formats, --out, exit codes. */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliRun } from '../support/cli.js';
import { loadReportSource, parseAssessmentJson } from '../../src/reports/input.js';
import { tempFiles } from '../support/files.js';
import { NOW, contractJson, reportInput } from './fixture.js';
import { expectValid, oscalValidator } from './oscal-schema.js';

const kansa = (...argv: string[]): Promise<CliRun> => runCli(argv, () => NOW);

const contract = contractJson();
const otherCatalog = JSON.stringify({ ...(JSON.parse(contract) as object), catalog: { id: 'my-framework', version: '1' } });
const badStatus = contract.replace('"status": "not_assessed"', '"status": "maybe"');
const files = tempFiles({
  'assessment.json': contract,
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
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('<html lang="ja">');
    expect(run.stdout).toContain('id="req-10-2"');
  });

  it('writes CSV in English to --out and nothing to stdout', async () => {
    const out = join(files.dir, 'report.csv');
    const run = await kansa('report', files['assessment.json']!, '--format', 'csv', '--lang', 'en', '--out', out);
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
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
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
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
    ['no --format', () => [files['assessment.json']!], /--format: missing: expected one of html, csv, oscal/],
    ['no INPUT', () => ['--format', 'html'], /INPUT: missing/],
    ['INPUT with --catalog-oscal', () => [files['assessment.json']!, '--catalog-oscal'], /--catalog-oscal: takes neither INPUT nor --format/],
    ['an unwritable --out', () => [files['assessment.json']!, '--format', 'csv', '--out', join(files.dir, 'no-such-dir', 'r.csv')], /no-such-dir\/r\.csv: cannot write the report/],
  ])('exits 2 for %s, naming the file and what was expected', async (_what, args, message) => {
    const run = await kansa('report', ...args());
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });

  it('exits 2 for an unknown format or language (usage)', async () => {
    expect((await kansa('report', files['assessment.json']!, '--format', 'pdf')).code).toBe(2);
    expect((await kansa('report', files['assessment.json']!, '--format', 'html', '--lang', 'fr')).code).toBe(2);
  });
});
