/**
 * What offline inputs say they cover (#11): a Select result covers only the types it holds and never
 * supplementary configuration, a Cloud Asset export only its asset types, a snapshot every recorded type
 * of its account × region, dated by its own capture or delivery time; unreadable rows are counted in
 * their scope, never turned into a resource of type 'Unknown'; Azure child settings reach their parent
 * from their own id. Payloads are shaped after the recorded samples in test/fixtures (see their SOURCES.md)
 * and the provider API references cited in src/inputs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Evaluation } from '../../src/evaluate/evaluate.js';
import { readAwsConfigFiles, snapshotKeyOf } from '../../src/inputs/aws-config-file.js';
import { armParentOf } from '../../src/inputs/azure-file.js';
import { readInputFiles } from '../../src/inputs/detect.js';
import type { WantedTypes } from '../../src/inputs/items.js';
import { scopeGap, type CollectionScope, type ProviderId } from '../../src/model/resource.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { runCli } from '../support/cli.js';
import { bundledMappings, configItem } from '../support/evaluate.js';
import { tempFiles } from '../support/files.js';
import { rdkItem } from '../fixtures/aws/samples.js';

const NOW = new Date('2026-11-01T00:00:00Z');
const ACCOUNT = '111122223333';

/** What the bundled controls read, per provider (what `kansa evaluate` passes in). */
const WANTED: WantedTypes = Object.fromEntries(
  (['aws', 'azure', 'gcp'] as const).map((p: ProviderId) => [p, Evaluation.typesNeeded(bundledMappings().controls.filter((c) => c.provider === p))]),
);

// --- AWS ---------------------------------------------------------------------------------------------

/**
 * A SelectResourceConfig row (API reference: `Results` is a list of JSON strings holding only the selected
 * properties; advanced-query property names `accountId`, `awsRegion`, `resourceType`…), e.g. for
 * `SELECT accountId, awsRegion, resourceId, resourceName, resourceType, configuration, configurationItemCaptureTime, tags, relationships`.
 */
const SELECTED = ['awsRegion', 'resourceId', 'resourceName', 'resourceType', 'configuration', 'configurationItemCaptureTime', 'tags', 'relationships'];
const selectRow = (item: Record<string, unknown>): string => JSON.stringify({ accountId: item.awsAccountId, ...Object.fromEntries(SELECTED.filter((k) => k in item).map((k) => [k, item[k]])) });
const selectFields = ['accountId', ...SELECTED].map((Name) => ({ Name }));

/** The S3 bucket of the aws-config-rdk example item, moved into the test account. */
const rdkBucket = rdkItem('AWS_S3_Bucket');
const bucket = { ...rdkBucket, awsAccountId: ACCOUNT, awsRegion: 'ap-northeast-1', configurationItemCaptureTime: '2026-10-30T08:00:00.000Z' };
const vpc = configItem({ type: 'AWS::EC2::VPC', id: 'vpc-0a1b2c3d', configuration: { vpcId: 'vpc-0a1b2c3d', cidrBlock: '10.0.0.0/16', state: 'available', isDefault: false } });
const flowLog = configItem({ type: 'AWS::EC2::FlowLog', id: 'fl-0a1b2c3d', configuration: { flowLogId: 'fl-0a1b2c3d', resourceId: 'vpc-0a1b2c3d', flowLogStatus: 'ACTIVE', trafficType: 'ALL' } });
const sg = configItem({ type: 'AWS::EC2::SecurityGroup', id: 'sg-0a1b2c3d', configuration: { groupId: 'sg-0a1b2c3d', groupName: 'web', ipPermissions: [], ipPermissionsEgress: [] } });

const SNAPSHOT_ID = '16da64e4-cb65-4846-b061-e6c3ba43cb96';
const snapshotOf = (items: unknown[], id = SNAPSHOT_ID): string => JSON.stringify({ fileVersion: '1.0', configSnapshotId: id, configurationItems: items });
/** The S3 key AWS Config gives a snapshot (example-configuration-snapshot-notification): delivered 09:15:00Z. */
const SNAPSHOT_KEY = `${ACCOUNT}_Config_ap-northeast-1_ConfigSnapshot_20261030T091500Z_${SNAPSHOT_ID}.json.gz`;
const notRecorded = { ...configItem({ type: 'AWS::RDS::DBInstance', id: 'db-XYZ', configuration: null }), configurationItemStatus: 'ResourceNotRecorded' };

const files = tempFiles({
  'select-s3-vpc.json': JSON.stringify({ Results: [selectRow(bucket), selectRow(vpc)], QueryInfo: { SelectFields: selectFields } }),
  'select-broken.json': JSON.stringify({ Results: [selectRow(sg), '{"accountId":"111122223333","resourceType":"AWS::EC2::Secur', '7'], QueryInfo: { SelectFields: selectFields } }),
  'select-only-broken.json': JSON.stringify({ Results: ['{"broken', '{"also broken'] }),
  'select-page.json': JSON.stringify({ Results: [selectRow(sg)], QueryInfo: { SelectFields: selectFields }, NextToken: 'AAEAAX…' }),
  'items-no-type.json': JSON.stringify([sg, { ...sg, resourceType: undefined, resourceId: 'sg-lost' }]),
  'snapshot.json': snapshotOf([vpc, flowLog, sg]),
  'snapshot-not-recorded.json': snapshotOf([vpc, notRecorded]),
  /** GetResourceConfigHistory response: `configurationItems` without the snapshot's own fields, paged by nextToken. */
  'history.json': JSON.stringify({ configurationItems: [sg], nextToken: 'next-page' }),
});
writeFileSync(join(files.dir, SNAPSHOT_KEY), gzipSync(snapshotOf([vpc, flowLog])));
const EMPTY_KEY = `${ACCOUNT}_Config_ap-northeast-3_ConfigSnapshot_20261030T091500Z_${SNAPSHOT_ID}.json.gz`;
writeFileSync(join(files.dir, EMPTY_KEY), gzipSync(snapshotOf([])));
const RENAMED_KEY = `${ACCOUNT}_Config_us-east-1_ConfigSnapshot_20261030T091500Z_${SNAPSHOT_ID}.json`;
writeFileSync(join(files.dir, RENAMED_KEY), snapshotOf([sg], 'another-snapshot'));

/** Files never hold the recorders' own state (kansa reads it live), so every AWS file scope has this gap. */
const RECORDER_GAP = { types: ['AWS::Config::ConfigurationRecorder'], reason: expect.objectContaining({ en: expect.stringContaining('DescribeConfigurationRecorders') as unknown }) as unknown };
/** Nor the IAM identity data (credential report, account summary, password policy), read live from IAM: never vacuously covered. */
const IDENTITY_GAPS = ['AWS::IAM::CredentialReportUser', 'AWS::IAM::AccountSummary', 'AWS::IAM::PasswordPolicy'].map((type) => ({
  types: [type],
  reason: expect.objectContaining({ en: `AWS Config files do not hold ${type}; live collection reads it from each account's IAM API` }) as unknown,
}));
/** Nor each trail's logging status and event selectors, read live from CloudTrail. */
const TRAIL_STATUS_GAP = { types: ['AWS::CloudTrail::TrailStatus'], reason: expect.objectContaining({ en: expect.stringContaining("live collection reads them from each account's CloudTrail API") as unknown }) as unknown };
/** Nor CloudWatch Logs log groups, metric filters and DescribeAlarms' alarms, read live from their APIs. */
const MONITORING_GAPS = ['AWS::Logs::LogGroup', 'AWS::Logs::MetricFilter', 'AWS::CloudWatch::MetricAlarm'].map((type) => ({
  types: [type],
  reason: expect.objectContaining({ en: `AWS Config files do not hold ${type}; live collection reads it from each account's CloudWatch Logs and CloudWatch APIs` }) as unknown,
}));
/** Nor the regional service data (public snapshots and AMIs, Inspector, Security Hub, Lambda function URLs), read live per region. */
const REGIONAL_GAPS = ['AWS::EC2::PublicSnapshots', 'AWS::EC2::PublicImages', 'AWS::Inspector2::AccountStatus', 'AWS::SecurityHub::HubStatus', 'AWS::Lambda::FunctionUrls'].map((type) => ({
  types: [type],
  reason: expect.objectContaining({ en: `AWS Config files do not hold ${type}; live collection reads it from each account's service API in each region` }) as unknown,
}));
/** What every AWS file scope lacks, whatever the file holds. */
const NEVER_IN_FILES = [RECORDER_GAP, ...IDENTITY_GAPS, TRAIL_STATUS_GAP, ...MONITORING_GAPS, ...REGIONAL_GAPS];

const only = (coverage: readonly CollectionScope[], provider: ProviderId, account: string, region = 'global'): CollectionScope => {
  const found = coverage.filter((s) => s.provider === provider && s.account === account && s.region === region);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('AWS Select results and item lists', () => {
  it('cover only the types present, never supplementary configuration, with a gap for every wanted type absent', async () => {
    const inventory = await readInputFiles([files['select-s3-vpc.json']!], undefined, NOW, { wanted: WANTED });
    const scope = only(inventory.coverage, 'aws', ACCOUNT, 'ap-northeast-1');
    expect(scope.types).toEqual(['AWS::EC2::VPC', 'AWS::S3::Bucket']);
    // S3 controls reading supplementaryConfiguration (encryption, secure transport, public access block) cannot be judged
    expect(scope.supplementary).toBe(false);
    expect(inventory.resources.find((r) => r.type === 'AWS::S3::Bucket')?.supplementary).toEqual({});
    // No flow log in the file: VPCs are not judged "without a flow log"
    expect(scopeGap(scope, 'AWS::EC2::FlowLog')?.reason).toEqual({
      ja: '入力にはこのアカウント・リージョンの AWS::EC2::FlowLog の項目がありません。Select（高度なクエリ）の結果は含まれるタイプしか対象にしません',
      en: 'the input holds no AWS::EC2::FlowLog items for this account and region; a Select result covers only the types it contains',
    });
    expect(scopeGap(scope, 'AWS::EC2::VPC')).toBeUndefined();
    expect(scopeGap(scope, 'AWS::S3::Bucket')).toBeUndefined();
    const gapTypes = (scope.gaps ?? []).flatMap((g) => g.types);
    const neverInFiles = NEVER_IN_FILES.flatMap((g) => g.types);
    expect(gapTypes.slice(0, -NEVER_IN_FILES.length)).toEqual([...WANTED.aws!].filter((t) => t !== 'AWS::EC2::VPC' && t !== 'AWS::S3::Bucket' && !neverInFiles.includes(t)).sort());
    expect(scope.gaps?.slice(-NEVER_IN_FILES.length)).toEqual(NEVER_IN_FILES);
    // dated by the latest capture time the rows carry, not by when kansa read them
    expect(scope.outcome).toEqual({ status: 'ok', collectedAt: '2026-10-30T09:00:00.000Z' });
    expect(inventory.untimed).toEqual([]);
  });

  it('counts rows that do not parse (or parse to no type) as unreadable in their scope: no resource of type Unknown', async () => {
    const inventory = await readInputFiles([files['select-broken.json']!], undefined, NOW, { wanted: WANTED });
    expect(inventory.resources.map((r) => [r.type, r.id])).toEqual([['AWS::EC2::SecurityGroup', 'sg-0a1b2c3d']]);
    expect(only(inventory.coverage, 'aws', ACCOUNT, 'ap-northeast-1').unreadable).toBe(2);
    const lists = await readInputFiles([files['items-no-type.json']!], undefined, NOW);
    expect(lists.resources.map((r) => r.id)).toEqual(['sg-0a1b2c3d']);
    expect(only(lists.coverage, 'aws', ACCOUNT, 'ap-northeast-1')).toMatchObject({ types: ['AWS::EC2::SecurityGroup'], unreadable: 1 });
  });

  it('reports unreadable rows that belong to no scope the file names', async () => {
    const inventory = await readInputFiles([files['select-only-broken.json']!], undefined, NOW);
    expect(inventory.resources).toEqual([]);
    expect(inventory.coverage).toEqual([]);
    expect(inventory.unplaced).toEqual([{ file: files['select-only-broken.json']!, unreadable: 2 }]);
  });

  it('say when the file is one page of a paged result: the types it holds are only partly there', async () => {
    const select = only((await readInputFiles([files['select-page.json']!], undefined, NOW)).coverage, 'aws', ACCOUNT, 'ap-northeast-1');
    expect(select.gaps).toEqual([{ types: ['AWS::EC2::SecurityGroup'], reason: expect.objectContaining({ en: `${files['select-page.json']!} (NextToken) is one page of a paged result: resources on the following pages were not read` }) as unknown }]);
    // A GetResourceConfigHistory response is a list of items, not a snapshot, and is paged by nextToken
    const history = only((await readInputFiles([files['history.json']!], undefined, NOW)).coverage, 'aws', ACCOUNT, 'ap-northeast-1');
    expect(history.types).toEqual(['AWS::EC2::SecurityGroup']);
    expect(history.gaps?.[0]?.reason.en).toMatch(/\(nextToken\) is one page of a paged result/);
  });
});

describe('AWS Config snapshots', () => {
  it('cover every recorded type of their account × region, dated by the latest capture time, not now', () => {
    const inventory = readAwsConfigFiles([files['snapshot.json']!], undefined, NOW, WANTED.aws);
    expect(inventory.coverage).toEqual([{ provider: 'aws', account: ACCOUNT, region: 'ap-northeast-1', types: 'all', gaps: NEVER_IN_FILES, outcome: { status: 'ok', collectedAt: '2026-10-30T09:00:00.000Z' } }]);
  });

  it('are dated by their delivery time when the file keeps the S3 key AWS Config gave it, and cover its account × region even when empty', async () => {
    expect(snapshotKeyOf(`s3/AWSLogs/${ACCOUNT}/Config/ap-northeast-1/2026/10/30/ConfigSnapshot/${SNAPSHOT_KEY}`)).toEqual({
      account: ACCOUNT,
      region: 'ap-northeast-1',
      deliveredAt: '2026-10-30T09:15:00.000Z',
      snapshotId: SNAPSHOT_ID,
    });
    const inventory = await readInputFiles([join(files.dir, SNAPSHOT_KEY), join(files.dir, EMPTY_KEY)], undefined, NOW, { wanted: WANTED });
    expect(inventory.coverage).toEqual([
      { provider: 'aws', account: ACCOUNT, region: 'ap-northeast-1', types: 'all', gaps: NEVER_IN_FILES, outcome: { status: 'ok', collectedAt: '2026-10-30T09:15:00.000Z' } },
      { provider: 'aws', account: ACCOUNT, region: 'ap-northeast-3', types: 'all', gaps: NEVER_IN_FILES, outcome: { status: 'ok', collectedAt: '2026-10-30T09:15:00.000Z' } },
    ]);
    // a key naming another snapshot id says nothing about this file: its region and time are not taken from it
    const renamed = await readInputFiles([join(files.dir, RENAMED_KEY)], undefined, NOW);
    expect(renamed.coverage).toEqual([{ provider: 'aws', account: ACCOUNT, region: 'ap-northeast-1', types: 'all', outcome: { status: 'ok', collectedAt: '2026-10-30T09:00:00.000Z' } }]);
  });

  it('leave out the types they list as not recorded', () => {
    const scope = only(readAwsConfigFiles([files['snapshot-not-recorded.json']!], undefined, NOW, WANTED.aws).coverage, 'aws', ACCOUNT, 'ap-northeast-1');
    expect(scope.types).toBe('all');
    expect(scope.gaps).toEqual([
      {
        types: ['AWS::RDS::DBInstance'],
        reason: {
          ja: 'AWS Config はこのアカウント・リージョンで AWS::RDS::DBInstance を記録していません（スナップショットにある AWS::RDS::DBInstance の項目は ResourceNotRecorded です）',
          en: 'AWS Config does not record AWS::RDS::DBInstance in this account and region (the snapshot lists its AWS::RDS::DBInstance items as ResourceNotRecorded)',
        },
      },
      ...NEVER_IN_FILES,
    ]);
  });
});

// --- GCP ---------------------------------------------------------------------------------------------

/** The policy-library disk assets (snake_case, as `gcloud asset export` writes them): disks only, no ResourcePolicy. */
const diskAssets = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'test', 'fixtures', 'gcp', 'policy-library', 'disk_resource_policies.json'), 'utf8')) as Record<string, unknown>[];
const schedule = {
  name: '//compute.googleapis.com/projects/my-test-project/regions/europe-north1/resourcePolicies/test-schedule',
  asset_type: 'compute.googleapis.com/ResourcePolicy',
  resource: {
    version: 'v1',
    discovery_name: 'ResourcePolicy',
    parent: '//cloudresourcemanager.googleapis.com/projects/my-test-project',
    location: 'europe-north1',
    data: {
      name: 'test-schedule',
      region: 'https://www.googleapis.com/compute/v1/projects/my-test-project/regions/europe-north1',
      selfLink: 'https://www.googleapis.com/compute/v1/projects/my-test-project/regions/europe-north1/resourcePolicies/test-schedule',
      snapshotSchedulePolicy: { schedule: { dailySchedule: { daysInCycle: 1, startTime: '04:00' } }, retentionPolicy: { maxRetentionDays: 14 } },
      status: 'READY',
    },
  },
  update_time: '2026-10-29T22:00:00.123456Z',
};
/** A ListAssets response body (ListAssetsResponse: readTime "time the snapshot was taken", assets, nextPageToken). */
const camel = (a: Record<string, unknown>): Record<string, unknown> => {
  const { asset_type, update_time, ...rest } = a;
  return { ...rest, assetType: asset_type, ...(update_time === undefined ? {} : { updateTime: update_time }) };
};
const gcpFiles = tempFiles({
  'disks.jsonl': diskAssets.map((a) => JSON.stringify(a)).join('\n'),
  'disks-and-policies.jsonl': [...diskAssets, schedule].map((a) => JSON.stringify(a)).join('\n'),
  'list-assets.json': JSON.stringify({ readTime: '2026-10-30T12:00:00.654321Z', assets: [...diskAssets, schedule].map(camel), nextPageToken: '' }),
  'list-assets-page.json': JSON.stringify({ readTime: '2026-10-30T12:00:00Z', assets: diskAssets.map(camel), nextPageToken: 'CiAKGjBpNDd2' }),
  'broken-asset.jsonl': [JSON.stringify(schedule), JSON.stringify({ name: '//compute.googleapis.com/projects/my-test-project/zones/x/disks/lost' })].join('\n'),
});

describe('Cloud Asset exports', () => {
  it('cover only the asset types they hold: no ResourcePolicy assets is a gap, so disks reading their policies are not judged', async () => {
    const inventory = await readInputFiles([gcpFiles['disks.jsonl']!], undefined, NOW, { wanted: WANTED });
    const scope = only(inventory.coverage, 'gcp', 'my-test-project');
    expect(scope.types).toEqual(['compute.googleapis.com/Disk', 'compute.googleapis.com/RegionDisk']);
    expect(scopeGap(scope, 'compute.googleapis.com/ResourcePolicy')?.reason).toEqual({
      ja: '入力にはこのプロジェクトの compute.googleapis.com/ResourcePolicy のアセットがありません。Cloud Asset のエクスポートは含まれるアセットタイプしか対象にしません',
      en: 'the input holds no compute.googleapis.com/ResourcePolicy assets for this project; a Cloud Asset export covers only the asset types it contains',
    });
    // the fixture's assets carry no update_time: dated now, and said so
    expect(scope.outcome).toEqual({ status: 'ok', collectedAt: NOW.toISOString() });
    expect(inventory.untimed).toEqual(['gcp my-test-project/global']);
    const withPolicies = only((await readInputFiles([gcpFiles['disks-and-policies.jsonl']!], undefined, NOW, { wanted: WANTED })).coverage, 'gcp', 'my-test-project');
    expect(scopeGap(withPolicies, 'compute.googleapis.com/ResourcePolicy')).toBeUndefined();
    expect(withPolicies.outcome).toEqual({ status: 'ok', collectedAt: '2026-10-29T22:00:00.123Z' });
  });

  it('are dated by the ListAssets readTime, and say when they are one page only', async () => {
    const listed = await readInputFiles([gcpFiles['list-assets.json']!], undefined, NOW, { wanted: WANTED });
    const scope = only(listed.coverage, 'gcp', 'my-test-project');
    expect(scope.outcome).toEqual({ status: 'ok', collectedAt: '2026-10-30T12:00:00.654Z' });
    expect((scope.gaps ?? []).some((g) => g.reason.en.includes('one page'))).toBe(false);
    const page = only((await readInputFiles([gcpFiles['list-assets-page.json']!], undefined, NOW)).coverage, 'gcp', 'my-test-project');
    expect(page.gaps).toEqual([{ types: ['compute.googleapis.com/Disk', 'compute.googleapis.com/RegionDisk'], reason: expect.objectContaining({ en: `${gcpFiles['list-assets-page.json']!} (nextPageToken) is one page of a paged result: resources on the following pages were not read` }) as unknown }]);
  });

  it('count an asset without a type as unreadable in its file\'s project, never as a resource of type Unknown', async () => {
    const inventory = await readInputFiles([gcpFiles['broken-asset.jsonl']!], undefined, NOW);
    expect(inventory.resources.map((r) => r.type)).toEqual(['compute.googleapis.com/ResourcePolicy']);
    expect(only(inventory.coverage, 'gcp', 'my-test-project').unreadable).toBe(1);
  });
});

// --- Azure -------------------------------------------------------------------------------------------

const SUB = '0b1f6471-1bf0-4dda-aec3-111111111111';
const SUB3 = '0b1f6471-1bf0-4dda-aec3-333333333333';
const custodian = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'test', 'fixtures', 'azure', 'custodian-samples.json'), 'utf8')) as Record<string, { value: Record<string, unknown>[] }>;
/** Recorded subscription diagnostic setting: id without the leading slash, `location: global` (Cloud Custodian cassette). */
const recordedSubscriptionSetting = custodian.subscription_diagnostic_settings!.value[0]!;
const RECORDED_SUB = String(recordedSubscriptionSetting.id).split('/')[1]!;
const vaultId = `/subscriptions/${SUB}/resourceGroups/rg-sec/providers/Microsoft.KeyVault/vaults/kv-audit`;
const vault = {
  id: vaultId,
  name: 'kv-audit',
  type: 'Microsoft.KeyVault/vaults',
  location: 'japaneast',
  tags: {},
  properties: { tenantId: '72f988bf-0000-4000-8000-00000000a2e5', sku: { family: 'A', name: 'standard' }, enableSoftDelete: true, softDeleteRetentionInDays: 90, enablePurgeProtection: true, enableRbacAuthorization: true, publicNetworkAccess: 'Disabled' },
};
/** A resource-level diagnostic setting as ARM lists it (ids lower-cased by the service, `location: null`). */
const vaultSetting = {
  id: `/subscriptions/${SUB}/resourcegroups/rg-sec/providers/microsoft.keyvault/vaults/kv-audit/providers/microsoft.insights/diagnosticSettings/to-law`,
  type: 'Microsoft.Insights/diagnosticSettings',
  name: 'to-law',
  location: null,
  properties: {
    workspaceId: `/subscriptions/${SUB}/resourceGroups/rg-sec/providers/Microsoft.OperationalInsights/workspaces/law-sec`,
    logs: [{ category: null, categoryGroup: 'audit', enabled: true, retentionPolicy: { enabled: false, days: 0 } }],
    metrics: [],
  },
};
/** A subscription-level setting with the leading slash (ARM's list of a subscription's settings). */
const subscriptionSetting = {
  id: `/subscriptions/${SUB}/providers/microsoft.insights/diagnosticSettings/activity-to-storage`,
  type: 'Microsoft.Insights/diagnosticSettings',
  name: 'activity-to-storage',
  location: 'global',
  properties: {
    storageAccountId: `/subscriptions/${SUB}/resourceGroups/rg-log/providers/Microsoft.Storage/storageAccounts/stactivity`,
    logs: ['Administrative', 'Security', 'ServiceHealth', 'Alert', 'Recommendation', 'Policy', 'Autoscale', 'ResourceHealth'].map((category) => ({ category, enabled: true })),
  },
};
/** `az graph query` row of the vault: lower-case type, bookkeeping columns. */
const graphVault = { ...vault, type: 'microsoft.keyvault/vaults', resourceGroup: 'rg-sec', subscriptionId: SUB, tenantId: vault.properties.tenantId, identity: null, zones: null, plan: null, managedBy: '' };
/** The same vault and its setting in another subscription, exported without the subscription's own settings. */
const inSub3 = <T extends Record<string, unknown>>(body: T): T => JSON.parse(JSON.stringify(body).replaceAll(SUB, SUB3)) as T;
const azureFiles = tempFiles({
  'vault-graph.json': JSON.stringify({ count: 1, data: [graphVault], skip_token: null, total_records: 1 }),
  'settings.json': JSON.stringify([vaultSetting, subscriptionSetting, recordedSubscriptionSetting]),
  'sub3-vault-and-setting.json': JSON.stringify([inSub3(vault), inSub3(vaultSetting)]),
  'graph-page.json': JSON.stringify({ count: 1, data: [graphVault], skip_token: 'ew0KICAiJGlkIjogIjEiLA0K', total_records: 40 }),
});

describe('Azure exports', () => {
  it('derive a child setting\'s parent from its id: a resource, or a subscription (with or without the leading slash)', () => {
    expect(armParentOf(vaultSetting.id)).toEqual({ type: 'Microsoft.KeyVault/vaults', id: `/subscriptions/${SUB}/resourcegroups/rg-sec/providers/microsoft.keyvault/vaults/kv-audit` });
    expect(armParentOf(subscriptionSetting.id)).toEqual({ type: 'Microsoft.Resources/subscriptions', id: `/subscriptions/${SUB}`, location: 'global' });
    expect(armParentOf(String(recordedSubscriptionSetting.id))).toEqual({ type: 'Microsoft.Resources/subscriptions', id: `/subscriptions/${RECORDED_SUB}`, location: 'global' });
    expect(armParentOf(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-1/databases/db-1/transparentDataEncryption/current`)).toEqual({
      type: 'Microsoft.Sql/servers/databases',
      id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-1/databases/db-1`,
    });
    expect(armParentOf(`/subscriptions/${SUB}/providers/Microsoft.Security/pricings/VirtualMachines`)).toEqual({ type: 'Microsoft.Resources/subscriptions', id: `/subscriptions/${SUB}`, location: 'global' });
    // a top-level resource in a resource group has no parent
    expect(armParentOf(vaultId)).toBeUndefined();
  });

  it('relate diagnostic settings to their parent as the live collector does, so the logging controls can see them', async () => {
    const inventory = await readInputFiles([azureFiles['vault-graph.json']!, azureFiles['settings.json']!], undefined, NOW, { wanted: WANTED });
    const settings = inventory.resources.filter((r) => r.type === 'Microsoft.Insights/diagnosticSettings');
    expect(settings.map((s) => [s.account, s.region, s.relationships])).toEqual([
      [SUB, 'global', [{ type: 'Microsoft.KeyVault/vaults', id: vaultId.toLowerCase(), name: 'scope' }]],
      [SUB, 'global', [{ type: 'Microsoft.Resources/subscriptions', id: `/subscriptions/${SUB}`, name: 'scope' }]],
      [RECORDED_SUB, 'global', [{ type: 'Microsoft.Resources/subscriptions', id: `/subscriptions/${RECORDED_SUB}`, name: 'scope' }]],
    ]);
    // no capture time in ARM bodies or az graph output: dated now, and said so
    expect(inventory.untimed).toEqual([`azure ${SUB}/global`, `azure ${RECORDED_SUB}/global`]);
    const scope = only(inventory.coverage, 'azure', SUB);
    expect(scope.types).toEqual(['Microsoft.Insights/diagnosticSettings', 'Microsoft.KeyVault/vaults']);
    expect(scopeGap(scope, 'Microsoft.Storage/storageAccounts')?.reason.en).toBe(
      'the input holds no Microsoft.Storage/storageAccounts resources for this subscription; an ARM or Resource Graph export covers only the types it contains',
    );
  });

  it('pass azure-keyvault-diagnostic-logs and azure-activity-log-exported offline when the settings are there', async () => {
    const run = await runCli(['evaluate', '--input', azureFiles['vault-graph.json']!, azureFiles['settings.json']!, azureFiles['sub3-vault-and-setting.json']!, '--output', 'json'], () => NOW);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { findings: { control: string; account: string; resourceId: string; status: string }[]; coverage: CollectionScope[] };
    const status = (control: string, account: string): string[] => out.findings.filter((f) => f.control === control && f.account === account).map((f) => f.status);
    expect(out.findings.find((f) => f.control === 'azure-keyvault-diagnostic-logs' && f.resourceId === vaultId)?.status).toBe('pass');
    expect(status('azure-activity-log-exported', SUB)).toContain('pass');
    expect(status('azure-activity-log-exported', RECORDED_SUB)).toContain('pass');
    // SUB3's file holds its vault's setting but not the subscription's own: that kind is a gap (the engine
    // turns it into unknown), while SUB, holding both kinds, has none
    const sub3 = only(out.coverage, 'azure', SUB3);
    expect(scopeGap(sub3, 'Microsoft.Insights/diagnosticSettings')?.reason.en).toMatch(/^the input holds diagnostic settings \(Microsoft.Insights\/diagnosticSettings\) of resources in this subscription but none of the subscription itself/);
    expect(scopeGap(only(out.coverage, 'azure', SUB), 'Microsoft.Insights/diagnosticSettings')).toBeUndefined();
    // the JSON output carries the same coverage, gaps included
    expect(out.coverage.find((s) => s.account === SUB)?.gaps?.some((g) => g.types.includes('Microsoft.Storage/storageAccounts'))).toBe(true);
  });

  it('leave the kind of diagnostic settings an export did not list as a gap, not as settings that do not exist', async () => {
    const subscriptionOnly = tempFiles({ 'vault-and-activity.json': JSON.stringify([vault, subscriptionSetting]) })['vault-and-activity.json']!;
    const scope = only((await readInputFiles([subscriptionOnly], undefined, NOW, { wanted: WANTED })).coverage, 'azure', SUB);
    expect(scopeGap(scope, 'Microsoft.Insights/diagnosticSettings')?.reason.en).toBe(
      "the input holds the subscription's own diagnostic settings (Microsoft.Insights/diagnosticSettings) but none of its resources' (key vaults…), which ARM lists per resource: the missing kind cannot be judged",
    );
    // a subscription setting alone, with no key vault in the input, leaves nothing unjudged
    const recorded = only((await readInputFiles([azureFiles['settings.json']!], undefined, NOW, { wanted: WANTED })).coverage, 'azure', RECORDED_SUB);
    expect(scopeGap(recorded, 'Microsoft.Insights/diagnosticSettings')).toBeUndefined();
  });

  it('say when az graph output is one page only (skip_token set)', async () => {
    const scope = only((await readInputFiles([azureFiles['graph-page.json']!], undefined, NOW)).coverage, 'azure', SUB);
    expect(scope.gaps).toEqual([{ types: ['Microsoft.KeyVault/vaults'], reason: expect.objectContaining({ en: `${azureFiles['graph-page.json']!} (skip_token) is one page of a paged result: resources on the following pages were not read` }) as unknown }]);
  });
});

describe('kansa evaluate on a Select result', () => {
  it('prints what the input covers on stderr and carries it in the JSON coverage', async () => {
    const run = await runCli(['evaluate', '--input', files['select-s3-vpc.json']!, '--output', 'json'], () => NOW);
    expect(run.code).toBe(0);
    const lines = run.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^kansa: input coverage aws ${ACCOUNT}/ap-northeast-1: 2 types; captured 2026-10-30T09:00:00.000Z; not covered: \\d+ wanted types \\(.*\\), unknown; no supplementary configuration: controls reading it are unknown / 入力の収集範囲 aws ${ACCOUNT}/ap-northeast-1: 2 タイプ、取得時刻 2026-10-30T09:00:00.000Z、対象外: `));
    const out = JSON.parse(run.stdout) as { coverage: CollectionScope[] };
    const scope = only(out.coverage, 'aws', ACCOUNT, 'ap-northeast-1');
    expect(scope).toMatchObject({ types: ['AWS::EC2::VPC', 'AWS::S3::Bucket'], supplementary: false, outcome: { status: 'ok', collectedAt: '2026-10-30T09:00:00.000Z' } });
    expect(scopeGap(scope, 'AWS::EC2::FlowLog')).toBeDefined();
  });
});
