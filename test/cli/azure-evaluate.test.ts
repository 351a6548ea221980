/**
 * `kansa evaluate` on Azure exports, detected from the content: a JSON array of ARM resource bodies, an
 * ARM list body ({"value": [...]}, here a recorded Cloud Custodian cassette) and `az graph query` output
 * ({"data": [...]}, with or without count/skip_token), plain or gzip; mixed with AWS files in one run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli, type CliRun } from '../support/cli.js';
import { readInputFiles } from '../../src/inputs/detect.js';
import { detectAzureDocument } from '../../src/inputs/azure-file.js';
import { configItem } from '../support/evaluate.js';
import { tempFiles } from '../support/files.js';

const NOW = new Date('2026-11-01T00:00:00Z');

const kansa = (...argv: string[]): Promise<CliRun> => runCli(argv, () => NOW);

interface Contract {
  requirements: { id: string; status: string }[];
  findings: { control: string; provider: string; account: string; region: string; resourceType: string; resourceId: string; status: string; reason?: string }[];
}

const samples = JSON.parse(readFileSync(new URL('../fixtures/azure/custodian-samples.json', import.meta.url), 'utf8')) as Record<string, { value?: Record<string, unknown>[] }>;
const SUB = '0b1f6471-1bf0-4dda-aec3-111111111111';
const SUB2 = '0b1f6471-1bf0-4dda-aec3-222222222222';
const rg = (sub = SUB): string => `/subscriptions/${sub}/resourceGroups/rg-app/providers`;

const goodStorage = {
  id: `${rg()}/Microsoft.Storage/storageAccounts/stgood`,
  name: 'stgood',
  type: 'Microsoft.Storage/storageAccounts',
  location: 'japaneast',
  kind: 'StorageV2',
  sku: { name: 'Standard_ZRS', tier: 'Standard' },
  tags: { env: 'prod' },
  properties: { supportsHttpsTrafficOnly: true, minimumTlsVersion: 'TLS1_2', allowBlobPublicAccess: false, encryption: { keySource: 'Microsoft.Storage', services: { blob: { enabled: true }, file: { enabled: true } } }, primaryLocation: 'japaneast' },
};
const httpStorage = { ...goodStorage, id: `${rg()}/Microsoft.Storage/storageAccounts/sthttp`, name: 'sthttp', properties: { ...goodStorage.properties, supportsHttpsTrafficOnly: false } };
const workspace = { id: `${rg(SUB2)}/Microsoft.OperationalInsights/workspaces/law-1`, name: 'law-1', type: 'Microsoft.OperationalInsights/workspaces', location: 'japaneast', properties: { retentionInDays: 30, sku: { name: 'PerGB2018' } } };
/** Resource Graph rows: lower-case type, bookkeeping columns, nulls for what ARM leaves out. */
const graphRow = (body: Record<string, unknown>): Record<string, unknown> => ({ ...body, type: String(body.type).toLowerCase(), resourceGroup: 'rg-app', subscriptionId: String(body.id).split('/')[2], tenantId: '72f988bf-0000-4000-8000-00000000a2e5', identity: null, zones: null, plan: null, managedBy: '' });
const awsOpenSsh = configItem({ type: 'AWS::EC2::SecurityGroup', id: 'sg-open', configuration: { groupId: 'sg-open', groupName: 'web', ipPermissions: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: ['0.0.0.0/0'] }], ipPermissionsEgress: [] } });

const files = tempFiles({
  'arm-array.json': JSON.stringify([goodStorage, httpStorage, workspace]),
  'arm-list.json': JSON.stringify(samples.arm_storage_list),
  'graph.json': JSON.stringify({ count: 3, data: [goodStorage, httpStorage, workspace].map(graphRow), skip_token: null, total_records: 3 }),
  'graph-data-only.json': JSON.stringify({ data: [goodStorage, httpStorage, workspace].map(graphRow) }),
  'arm-one.json': JSON.stringify(httpStorage),
  'broken-items.json': JSON.stringify([goodStorage, { name: 'no-id', type: 'Microsoft.Storage/storageAccounts' }, { ...httpStorage, id: `${rg()}/Microsoft.Storage/storageAccounts/stbroken`, name: 'stbroken', properties: 'oops' }]),
  'not-objects.json': JSON.stringify({ count: 4, data: [goodStorage, 'not an object', null, httpStorage].map((r) => (typeof r === 'object' && r !== null ? graphRow(r) : r)) }, null, 1),
  'aws.json': JSON.stringify([awsOpenSsh]),
});
writeFileSync(join(files.dir, 'graph.json.gz'), gzipSync(JSON.stringify({ count: 3, data: [goodStorage, httpStorage, workspace].map(graphRow) })));

const statusOf = (out: Contract, control: string, id: string): string | undefined => out.findings.find((f) => f.control === control && f.resourceId.toLowerCase() === id.toLowerCase())?.status;

describe('kansa evaluate with Azure inputs', () => {
  it('detects each Azure document shape and leaves AWS and other documents alone', () => {
    expect(detectAzureDocument([goodStorage])).toBe('armArray');
    expect(detectAzureDocument(samples.arm_storage_list)).toBe('armList');
    expect(detectAzureDocument({ count: 1, data: [graphRow(goodStorage)] })).toBe('resourceGraph');
    expect(detectAzureDocument({ count: 0, data: [], skip_token: null })).toBe('resourceGraph');
    expect(detectAzureDocument({ data: [graphRow(goodStorage)] })).toBe('resourceGraph');
    expect(detectAzureDocument(goodStorage)).toBe('armResource');
    expect(detectAzureDocument([awsOpenSsh])).toBeUndefined();
    expect(detectAzureDocument({ configurationItems: [awsOpenSsh] })).toBeUndefined();
    expect(detectAzureDocument([])).toBeUndefined();
    expect(detectAzureDocument({ value: [{ name: 'x' }] })).toBeUndefined();
  });

  it.each([
    ['a JSON array of ARM resource bodies', 'arm-array.json'],
    ['az graph query output with count and skip_token', 'graph.json'],
    ['az graph query output with data only', 'graph-data-only.json'],
    ['gzip-compressed az graph query output', 'graph.json.gz'],
  ])('reads %s with the same verdicts', async (_what, name) => {
    const run = await kansa('evaluate', '--input', join(files.dir, name), '--output', 'json');
    expect(run.code).toBe(0);
    // ARM bodies carry no capture time: said on stderr, with what each subscription's file covers
    const lines = run.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(`kansa: input coverage azure ${SUB}/global: 2 types; captured ${NOW.toISOString()}; not covered: `);
    expect(lines[1]).toMatch(`kansa: input coverage azure ${SUB2}/global: 2 types; captured ${NOW.toISOString()}; not covered: `);
    expect(lines[2]).toMatch(/^kansa: warning: the input carries no capture time for azure /);
    const out = JSON.parse(run.stdout) as Contract;
    expect(statusOf(out, 'azure-storage-https-only', goodStorage.id)).toBe('pass');
    expect(statusOf(out, 'azure-storage-https-only', httpStorage.id)).toBe('fail');
    expect(statusOf(out, 'azure-storage-zone-redundant', goodStorage.id)).toBe('pass');
    expect(statusOf(out, 'azure-log-analytics-retention-365', workspace.id)).toBe('fail');
    const finding = out.findings.find((f) => f.control === 'azure-storage-https-only' && f.status === 'fail');
    expect(finding).toMatchObject({ provider: 'azure', account: SUB, region: 'japaneast', resourceType: 'Microsoft.Storage/storageAccounts', reason: 'secure transfer required is off for storage account sthttp' });
    expect(out.requirements.find((r) => r.id === '2-2')?.status).toBe('noncompliant');
  });

  it('reads an ARM list body (a recorded storage-account list) and a single ARM body', async () => {
    const list = JSON.parse((await kansa('evaluate', '--input', files['arm-list.json']!, '--output', 'json')).stdout) as Contract;
    const sample = samples.arm_storage_list!.value![0]!;
    expect(statusOf(list, 'azure-storage-https-only', String(sample.id))).toBe('fail');
    const one = JSON.parse((await kansa('evaluate', '--input', files['arm-one.json']!, '--output', 'json')).stdout) as Contract;
    expect(statusOf(one, 'azure-storage-https-only', httpStorage.id)).toBe('fail');
  });

  it('covers only the types and subscriptions in the file: other controls stay unknown, never a vacuous pass or a false fail', async () => {
    const out = JSON.parse((await kansa('evaluate', '--input', files['arm-array.json']!, '--output', 'json')).stdout) as Contract;
    // no alerts in the file: the exists control for 7-1 has nothing to say, so it is not a fail
    expect(out.findings.filter((f) => f.control === 'azure-monitor-alert-action-group' && f.status === 'fail')).toEqual([]);
    expect(out.findings.filter((f) => f.control === 'azure-recovery-services-vault' && f.status === 'fail')).toEqual([]);
    const inventory = await readInputFiles([files['arm-array.json']!], undefined, NOW);
    expect(inventory.coverage).toEqual([
      // one export answers one query: the types it holds were asked of every subscription it reaches
      { provider: 'azure', account: SUB, region: 'global', types: ['Microsoft.OperationalInsights/workspaces', 'Microsoft.Storage/storageAccounts'], outcome: { status: 'ok', collectedAt: NOW.toISOString() } },
      { provider: 'azure', account: SUB2, region: 'global', types: ['Microsoft.OperationalInsights/workspaces', 'Microsoft.Storage/storageAccounts'], outcome: { status: 'ok', collectedAt: NOW.toISOString() } },
    ]);
  });

  it('refuses items that are not objects (exit 2), with their count and the first one\'s line and column', async () => {
    const run = await kansa('evaluate', '--input', files['not-objects.json']!, '--output', 'json');
    expect(run.code).toBe(2);
    const text = readFileSync(files['not-objects.json']!, 'utf8');
    const before = text.slice(0, text.indexOf('"not an object"')).split('\n');
    expect(run.stderr).toContain(`${files['not-objects.json']!}: 2 items are not JSON objects (the first: a string at line ${before.length} column ${before.at(-1)!.length + 1})`);
  });

  it('counts objects without an id as unreadable in their file\'s subscriptions and marks broken bodies unknown', async () => {
    const inventory = await readInputFiles([files['broken-items.json']!], undefined, NOW);
    expect(inventory.skipped).toBe(0);
    expect(inventory.coverage).toEqual([expect.objectContaining({ account: SUB, unreadable: 1 })]);
    expect(inventory.resources.map((r) => [r.name, r.malformed === undefined])).toEqual([
      ['stgood', true],
      ['stbroken', false],
    ]);
    const out = JSON.parse((await kansa('evaluate', '--input', files['broken-items.json']!, '--output', 'json')).stdout) as Contract;
    expect(out.findings.filter((f) => f.resourceId.endsWith('/stbroken')).every((f) => f.status === 'unknown')).toBe(true);
  });

  it('evaluates Azure and AWS files together in one run', async () => {
    const run = await kansa('evaluate', '--input', files['graph.json']!, files['aws.json']!, files['arm-list.json']!, '--output', 'json', '--fail-on', 'noncompliant');
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as Contract;
    expect(new Set(out.findings.map((f) => f.provider))).toEqual(new Set(['aws', 'azure']));
    expect(out.findings.find((f) => f.resourceId === 'sg-open' && f.control === 'aws-sg-admin-ports-closed-to-world')?.status).toBe('fail');
    expect(statusOf(out, 'azure-storage-https-only', httpStorage.id)).toBe('fail');
    const inventory = await readInputFiles([files['graph.json']!, files['arm-list.json']!], undefined, NOW);
    expect(inventory.coverage.filter((s) => s.provider === 'azure').map((s) => s.account).sort()).toEqual([SUB, SUB2, String(samples.arm_storage_list!.value![0]!.id).split('/')[2]!.toLowerCase()].sort());
  });
});
