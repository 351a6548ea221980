/** The CLI contract end to end: formats in, the JSON contract out, exit codes. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli, type CliRun } from '../support/cli.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { configItem } from '../support/evaluate.js';
import { tempFiles } from '../support/files.js';

const kansa = (...argv: string[]): Promise<CliRun> => runCli(argv, () => new Date('2026-11-01T00:00:00Z'));

interface Contract {
  catalog: { id: string; version: string };
  generatedAt: string;
  summary: Record<string, number>;
  requirements: { id: string; status: string; automation: string; controls: string[] }[];
  findings: { control: string; requirements: string[]; provider: string; account: string; region: string; resourceType: string; resourceId: string; status: string; reason?: string }[];
}

const openSsh = configItem({
  type: 'AWS::EC2::SecurityGroup',
  id: 'sg-open',
  configuration: { groupId: 'sg-open', groupName: 'web', ipPermissions: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: ['0.0.0.0/0'] }], ipPermissionsEgress: [] },
});
const closed = configItem({
  type: 'AWS::EC2::SecurityGroup',
  id: 'sg-closed',
  configuration: { groupId: 'sg-closed', groupName: 'db', ipPermissions: [{ ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, userIdGroupPairs: [{ groupId: 'sg-open' }] }] },
});
const deleted = { ...configItem({ type: 'AWS::EC2::SecurityGroup', id: 'sg-gone', configuration: null }), configurationItemStatus: 'ResourceDeleted' };
const unknownType = configItem({ type: 'AWS::Foo::Bar', id: 'foo-1', configuration: {} });
const snapshot = { fileVersion: '1.0', configSnapshotId: 'f1a2b3c4-0000-4000-8000-000000000001', configurationItems: [openSsh, closed, deleted, unknownType] };

/** The API shape of the same items: `configuration` as a JSON string, `accountId`, `arn`. */
const apiShape = (item: Record<string, unknown>): Record<string, unknown> => {
  const { configuration, awsAccountId, ARN, supplementaryConfiguration, ...rest } = item;
  return { ...rest, version: '1.3', accountId: awsAccountId, arn: ARN, configuration: JSON.stringify(configuration), supplementaryConfiguration };
};

const files = tempFiles({
  'snapshot.json': JSON.stringify(snapshot),
  'items.json': JSON.stringify([openSsh, closed]),
  'items.jsonl': [openSsh, closed].map((i) => JSON.stringify(i)).join('\n') + '\n',
  'batchget.json': JSON.stringify({ baseConfigurationItems: [apiShape(openSsh), apiShape(closed)], unprocessedResourceKeys: [] }),
  'select.json': JSON.stringify({ Results: [JSON.stringify(apiShape(openSsh)), '{"broken'], QueryInfo: { SelectFields: [] } }),
  'notjson.json': '{"configurationItems": [',
  'cut.json': JSON.stringify(snapshot, null, 2).slice(0, JSON.stringify(snapshot, null, 2).indexOf('sg-closed')),
  'not-objects.json': JSON.stringify([openSsh, 7, 'x', null]),
});
writeFileSync(join(files.dir, 'snapshot.json.gz'), gzipSync(JSON.stringify(snapshot)));

const findingsFor = (out: Contract, id: string): Contract['findings'] => out.findings.filter((f) => f.resourceId === id);

describe('kansa evaluate', () => {
  it('produces the JSON contract from an AWS Config snapshot', async () => {
    const run = await kansa('evaluate', '--input', files['snapshot.json']!, '--output', 'json');
    expect(run.code).toBe(0);
    // What the input covers, dated by the items' capture time (not the evaluation time, 2026-11-01)
    expect(run.stderr).toBe(
      // a snapshot holds items, never the recorders' own state, the IAM identity data, the trail status, CloudWatch Logs or the regional service data: those controls are unknown offline
      'kansa: input coverage aws 111122223333/ap-northeast-1: all recorded types; captured 2026-10-30T09:00:00.000Z; not covered: 13 wanted types (AWS::Config::ConfigurationRecorder, AWS::IAM::CredentialReportUser, AWS::IAM::AccountSummary, … +10), unknown' +
        ' / 入力の収集範囲 aws 111122223333/ap-northeast-1: 記録された全タイプ、取得時刻 2026-10-30T09:00:00.000Z、対象外: 評価に必要な 13 タイプ（AWS::Config::ConfigurationRecorder, AWS::IAM::CredentialReportUser, AWS::IAM::AccountSummary, … +10）は判定不能\n',
    );
    const out = JSON.parse(run.stdout) as Contract;
    expect(out.catalog).toEqual({ id: 'jp-cloud-procurement', version: expect.any(String) as unknown });
    expect(out.generatedAt).toBe('2026-11-01T00:00:00.000Z');
    expect(out.requirements).toHaveLength(66);
    expect(Object.values(out.summary).reduce((a, b) => a + b, 0)).toBe(66);
    for (const r of out.requirements) expect(Object.keys(r)).toEqual(expect.arrayContaining(['id', 'status', 'automation', 'controls']));
    expect(findingsFor(out, 'sg-open')).toContainEqual(
      expect.objectContaining({
        control: 'aws-sg-admin-ports-closed-to-world',
        requirements: ['2-6', '3-6'],
        provider: 'aws',
        account: '111122223333',
        region: 'ap-northeast-1',
        resourceType: 'AWS::EC2::SecurityGroup',
        status: 'fail',
        reason: 'tcp/22 open to 0.0.0.0/0',
      }),
    );
    expect(findingsFor(out, 'sg-closed').find((f) => f.control === 'aws-sg-admin-ports-closed-to-world')?.status).toBe('pass');
    expect(out.requirements.find((r) => r.id === '2-6')?.status).toBe('noncompliant');
    // deleted items are history, unknown types are ignored
    expect(findingsFor(out, 'sg-gone')).toEqual([]);
    expect(findingsFor(out, 'foo-1')).toEqual([]);
  });

  it.each([
    ['a gzip-compressed snapshot', 'snapshot.json.gz'],
    ['a JSON array of items', 'items.json'],
    ['JSON Lines', 'items.jsonl'],
    ['a BatchGetResourceConfig response (configuration as JSON strings)', 'batchget.json'],
  ])('reads %s with the same verdicts', async (_what, name) => {
    const out = JSON.parse((await kansa('evaluate', '--input', join(files.dir, name), '--output', 'json')).stdout) as Contract;
    const sg = (id: string): string | undefined => findingsFor(out, id).find((f) => f.control === 'aws-sg-admin-ports-closed-to-world')?.status;
    expect([sg('sg-open'), sg('sg-closed')]).toEqual(['fail', 'pass']);
  });

  it('keeps evaluating the good rows when one row of a Select response is malformed', async () => {
    const run = await kansa('evaluate', '--input', files['select.json']!, '--output', 'json');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Contract;
    expect(findingsFor(out, 'sg-open')[0]?.status).toBe('fail');
  });

  it('--fail-on noncompliant exits 1; verdicts alone exit 0', async () => {
    expect((await kansa('evaluate', '--input', files['items.json']!, '--output', 'json')).code).toBe(0);
    expect((await kansa('evaluate', '--input', files['items.json']!, '--output', 'json', '--fail-on', 'noncompliant')).code).toBe(1);
  });

  it('exits 2 naming the file for unreadable or invalid input, and for bad usage', async () => {
    const missing = await kansa('evaluate', '--input', join(files.dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: cannot read input: ENOENT/);
    const invalid = await kansa('evaluate', '--input', files['notjson.json']!);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/notjson\.json: not valid JSON/);
    const wrongFormat = await kansa('evaluate', '--input', files['items.json']!, '--format', 'snapshot');
    expect(wrongFormat.stderr).toMatch(/expected a snapshot object/);
    expect((await kansa('evaluate')).code).toBe(2);
    expect((await kansa('evaluate', '--input', files['items.json']!, '--output', 'xml')).code).toBe(2);
  });

  it('exits 2 naming the line and column where a cut-off file ends, and items that are not objects', async () => {
    const cut = await kansa('evaluate', '--input', files['cut.json']!);
    expect(cut.code).toBe(2);
    const lines = readFileSync(files['cut.json']!, 'utf8').split('\n');
    expect(cut.stderr).toContain(`${files['cut.json']!}: not valid JSON: the data ends at line ${lines.length} column ${lines.at(-1)!.length + 1} inside the item that starts at line `);
    const bad = await kansa('evaluate', '--input', files['not-objects.json']!);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not-objects\.json: 3 items are not JSON objects \(the first: a number at line 1 column \d+\)/);
  });

  it('exits 2 on a gzip bomb once the decompressed size passes KANSA_MAX_DECOMPRESSED_BYTES', async () => {
    const member = gzipSync(Buffer.alloc(16 * 2 ** 20, 0x20), { level: 9 });
    const bomb = join(files.dir, 'bomb.json.gz');
    writeFileSync(bomb, Buffer.concat(Array.from({ length: 64 }, () => member))); // 1 GiB of spaces in about 1 MB
    process.env.KANSA_MAX_DECOMPRESSED_BYTES = '32MiB';
    try {
      const run = await kansa('evaluate', '--input', bomb);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${bomb}: decompresses to more than 32 MiB (the limit; set KANSA_MAX_DECOMPRESSED_BYTES to raise it)`);
    } finally {
      delete process.env.KANSA_MAX_DECOMPRESSED_BYTES;
    }
  });

  it('prints a readable table by default', async () => {
    const run = await kansa('evaluate', '--input', files['snapshot.json']!);
    expect(run.stdout).toMatch(/NG {3}2-6 +automated +noncompliant/);
    expect(run.stdout).toContain('tcp/22 open to 0.0.0.0/0');
  });
});

describe('kansa catalog', () => {
  it('lists the 66 items as JSON in the documented shape', async () => {
    const out = JSON.parse((await kansa('catalog', '--output', 'json')).stdout) as { id: string; version: string; requirements: Record<string, unknown>[] };
    expect(out.id).toBe('jp-cloud-procurement');
    expect(out.requirements).toHaveLength(66);
    expect(Object.keys(out.requirements[0]!).slice(0, 6)).toEqual(['id', 'category', 'automation', 'title_en', 'text_ja', 'controls']);
    expect(out.requirements.find((r) => r.id === '2-6')?.controls).toContain('aws-sg-admin-ports-closed-to-world');
  });
});

describe('the installed command', () => {
  it('runs through bin/kansa.js (after the build that npm ci / npm test performs)', () => {
    const help = execFileSync(process.execPath, [join(PACKAGE_ROOT, 'bin', 'kansa.js'), '--help'], { encoding: 'utf8' });
    expect(help).toContain('evaluate');
    const bad = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'bin', 'kansa.js'), 'evaluate', '--input', '/nonexistent.json'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('/nonexistent.json: cannot read input');
  });
});
