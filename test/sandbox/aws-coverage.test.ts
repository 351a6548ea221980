/**
 * The sandbox's account setup knobs over the real wire protocols, through the unmodified SDK clients:
 * Account ListRegions (REST-JSON), STS GetCallerIdentity (query/XML), the recorders and the aggregator's
 * sources status (awsJson1_1), and the standalone flags.
 */
import { join } from 'node:path';
import { AccountClient, ListRegionsCommand, type Region } from '@aws-sdk/client-account';
import {
  BatchGetResourceConfigCommand,
  ConfigServiceClient,
  DescribeConfigurationAggregatorSourcesStatusCommand,
  DescribeConfigurationAggregatorsCommand,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  SelectResourceConfigCommand,
} from '@aws-sdk/client-config-service';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { normalizeConfigItem } from '../../collectors/aws/normalize.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { spawnProcess, waitFor } from '../support/processes.js';

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';

describe('sandbox AWS account setup', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 300, seed: 2, accounts: [MANAGEMENT, MEMBER], regions: ['ap-northeast-1', 'us-east-1'] } });
  });
  afterAll(async () => sandbox.close());
  beforeEach(() => {
    sandbox.aws.setRecording({});
    sandbox.resetCalls();
  });
  const options = (account: string, region: string) => ({ endpoint: sandbox.aws.endpoint, region, maxAttempts: 1, credentials: sandbox.aws.credentialsFor(account) });
  const config = (account: string, region: string): ConfigServiceClient => new ConfigServiceClient(options(account, region));

  it('lists the enabled regions through ListRegions, with the opt-status filter and paging', async () => {
    const client = new AccountClient(options(MEMBER, 'us-east-1'));
    const pages: Region[][] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListRegionsCommand({ RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'], MaxResults: 1, ...(token ? { NextToken: token } : {}) }));
      pages.push(page.Regions ?? []);
      token = page.NextToken;
    } while (token);
    expect(pages.map((p) => p.map((r) => `${r.RegionName} ${r.RegionOptStatus}`))).toEqual([['ap-northeast-1 ENABLED_BY_DEFAULT'], ['us-east-1 ENABLED_BY_DEFAULT']]);
    const all = await client.send(new ListRegionsCommand({}));
    expect(all.Regions?.find((r) => r.RegionName === 'af-south-1')?.RegionOptStatus).toBe('DISABLED');
    sandbox.aws.setRecording({ enabledRegions: ['ap-northeast-1', 'ap-east-1'] });
    const enabled = await client.send(new ListRegionsCommand({ RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'] }));
    expect(enabled.Regions).toEqual([
      { RegionName: 'ap-east-1', RegionOptStatus: 'ENABLED' },
      { RegionName: 'ap-northeast-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
    ]);
    await expect(client.send(new ListRegionsCommand({ MaxResults: 51 }))).rejects.toMatchObject({ name: 'ValidationException' });
    expect(sandbox.writeOperations()).toEqual([]);
  });

  it('denies ListRegions when told to, as AWS words it', async () => {
    sandbox.aws.setRecording({ deniedActions: ['account:ListRegions'] });
    const error = await new AccountClient(options(MEMBER, 'us-east-1')).send(new ListRegionsCommand({})).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    expect((error as Error).message).toMatch(/not authorized to perform: account:ListRegions/);
  });

  it('answers GetCallerIdentity with the account of the signing key', async () => {
    const identity = await new STSClient(options(MEMBER, 'us-east-1')).send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: MEMBER, Arn: `arn:aws:sts::${MEMBER}:assumed-role/kansa-reader/kansa` });
    const stranger = new STSClient({ ...options(MEMBER, 'us-east-1'), credentials: { accessKeyId: 'AKIAEXAMPLEEXAMPLE00', secretAccessKey: 'x' } });
    await expect(stranger.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    expect(sandbox.calls().byOperation).toMatchObject({ GetCallerIdentity: 2 });
  });

  it('shows no recorder and no items where the recorder is off', async () => {
    sandbox.aws.setRecording({ recorderOff: ['us-east-1'] });
    const east = config(MEMBER, 'us-east-1');
    expect((await east.send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders).toEqual([]);
    expect((await east.send(new DescribeConfigurationRecorderStatusCommand({}))).ConfigurationRecordersStatus).toEqual([]);
    const rows = await east.send(new SelectResourceConfigCommand({ Expression: "SELECT resourceId WHERE resourceType = 'AWS::EC2::SecurityGroup'", Limit: 100 }));
    expect(rows.Results).toEqual([]);
    const tokyo = await config(MEMBER, 'ap-northeast-1').send(new DescribeConfigurationRecorderStatusCommand({}));
    expect(tokyo.ConfigurationRecordersStatus?.[0]).toMatchObject({ name: 'default', recording: true, lastStatus: 'Success' });
  });

  it('excludes types from every recording group, and IAM from every region but the home one', async () => {
    sandbox.aws.setRecording({ recorderExcludes: ['AWS::RDS::DBInstance'] });
    const group = async (region: string) => (await config(MEMBER, region).send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders?.[0]?.recordingGroup;
    expect(await group('ap-northeast-1')).toEqual({
      allSupported: false,
      includeGlobalResourceTypes: false,
      resourceTypes: [],
      exclusionByResourceTypes: { resourceTypes: ['AWS::RDS::DBInstance'] },
      recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' },
    });
    expect((await group('us-east-1'))?.exclusionByResourceTypes?.resourceTypes).toEqual(['AWS::IAM::Group', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::RDS::DBInstance']);
    const rows = await config(MEMBER, 'ap-northeast-1').send(new SelectResourceConfigCommand({ Expression: "SELECT resourceId WHERE resourceType = 'AWS::RDS::DBInstance'", Limit: 100 }));
    expect(rows.Results).toEqual([]);
  });

  it('BatchGet: NoAvailableConfigurationRecorderException without a recorder; ResourceNotRecorded items for excluded types', async () => {
    const SG = 'AWS::EC2::SecurityGroup';
    const tokyo = config(MEMBER, 'ap-northeast-1');
    const rows = await tokyo.send(new SelectResourceConfigCommand({ Expression: `SELECT resourceId WHERE resourceType = '${SG}'`, Limit: 5 }));
    const keys = (rows.Results ?? []).map((r) => ({ resourceType: SG as never, resourceId: String((JSON.parse(r) as { resourceId: string }).resourceId) }));
    expect(keys.length).toBeGreaterThan(0);
    sandbox.aws.setRecording({ recorderOff: ['ap-northeast-1'] });
    await expect(tokyo.send(new BatchGetResourceConfigCommand({ resourceKeys: keys }))).rejects.toMatchObject({ name: 'NoAvailableConfigurationRecorderException', $metadata: { httpStatusCode: 400 } });
    // Select documents no such error: no recorder, no rows.
    expect((await tokyo.send(new SelectResourceConfigCommand({ Expression: `SELECT resourceId WHERE resourceType = '${SG}'` }))).Results).toEqual([]);
    sandbox.aws.setRecording({ recorderExcludes: [SG] });
    const got = await tokyo.send(new BatchGetResourceConfigCommand({ resourceKeys: keys }));
    expect(got.baseConfigurationItems?.map((i) => i.configurationItemStatus)).toEqual(keys.map(() => 'ResourceNotRecorded'));
    expect(got.baseConfigurationItems?.every((i) => i.configuration === undefined)).toBe(true);
    // Never a resource: the collector learns the type is not covered there.
    for (const item of got.baseConfigurationItems ?? []) expect(normalizeConfigItem(item)).toEqual({ kind: 'skipped', reason: 'status ResourceNotRecorded', notRecorded: SG });
    expect((await tokyo.send(new SelectResourceConfigCommand({ Expression: `SELECT resourceId WHERE resourceType = '${SG}'` }))).Results).toEqual([]);
  });

  it('reports aggregator sources per account × region, failed ones with an error, filtered and paged', async () => {
    sandbox.aws.setRecording({ aggregatorFailedSources: [`${MEMBER}:us-east-1`] });
    const client = config(MANAGEMENT, 'ap-northeast-1');
    const aggregators = await client.send(new DescribeConfigurationAggregatorsCommand({}));
    expect(aggregators.ConfigurationAggregators?.[0]?.AccountAggregationSources).toEqual([{ AccountIds: [MANAGEMENT, MEMBER], AwsRegions: ['ap-northeast-1', 'us-east-1'], AllAwsRegions: false }]);
    const first = await client.send(new DescribeConfigurationAggregatorSourcesStatusCommand({ ConfigurationAggregatorName: sandbox.aws.aggregatorName, Limit: 3 }));
    expect(first.AggregatedSourceStatusList).toHaveLength(3);
    const rest = await client.send(new DescribeConfigurationAggregatorSourcesStatusCommand({ ConfigurationAggregatorName: sandbox.aws.aggregatorName, Limit: 3, NextToken: first.NextToken }));
    const rows = [...(first.AggregatedSourceStatusList ?? []), ...(rest.AggregatedSourceStatusList ?? [])];
    expect(rest.NextToken).toBeUndefined();
    expect(rows.map((r) => `${r.SourceType} ${r.SourceId} ${r.AwsRegion} ${r.LastUpdateStatus}`)).toEqual([
      `ACCOUNT ${MANAGEMENT} ap-northeast-1 SUCCEEDED`,
      `ACCOUNT ${MANAGEMENT} us-east-1 SUCCEEDED`,
      `ACCOUNT ${MEMBER} ap-northeast-1 SUCCEEDED`,
      `ACCOUNT ${MEMBER} us-east-1 FAILED`,
    ]);
    expect(rows[3]).toMatchObject({ LastErrorCode: 'AccessDeniedException', LastUpdateTime: expect.any(Date) as unknown });
    const failed = await client.send(new DescribeConfigurationAggregatorSourcesStatusCommand({ ConfigurationAggregatorName: sandbox.aws.aggregatorName, UpdateStatus: ['FAILED'] }));
    expect(failed.AggregatedSourceStatusList?.map((r) => r.SourceId)).toEqual([MEMBER]);
    await expect(config(MEMBER, 'ap-northeast-1').send(new DescribeConfigurationAggregatorSourcesStatusCommand({ ConfigurationAggregatorName: sandbox.aws.aggregatorName }))).rejects.toMatchObject({
      name: 'NoSuchConfigurationAggregatorException',
    });
  });

  it('denies a Config operation when told to', async () => {
    sandbox.aws.setRecording({ deniedActions: ['config:DescribeConfigurationRecorders'] });
    await expect(config(MEMBER, 'us-east-1').send(new DescribeConfigurationRecordersCommand({}))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(config(MEMBER, 'us-east-1').send(new DescribeConfigurationRecorderStatusCommand({}))).resolves.toBeDefined();
  });

  it('rejects a knob that is not what it claims to be', () => {
    expect(() => sandbox.aws.setRecording({ recorderOff: ['tokyo'] })).toThrow(/tokyo is not an AWS region name/);
    expect(() => sandbox.aws.setRecording({ aggregatorFailedSources: ['222222222222'] })).toThrow(/ACCOUNT:REGION/);
  });
});

describe('standalone sandbox flags', () => {
  it('takes --enabled-regions, --recorder-off, --recorder-excludes, --aggregator-failed-sources and prints them', async () => {
    const sandbox = spawnProcess(process.execPath, [
      join(PACKAGE_ROOT, 'dist', 'src', 'sandbox', 'main.js'),
      ...['--port', '0', '--resources', '50', '--accounts', `${MANAGEMENT},${MEMBER}`, '--regions', 'ap-northeast-1,us-east-1'],
      ...['--enabled-regions', 'ap-northeast-1,us-east-1,eu-west-1', '--recorder-off', 'us-east-1', '--recorder-excludes', 'AWS::RDS::DBInstance'],
      ...['--aggregator-failed-sources', `${MEMBER}:us-east-1`],
    ]);
    try {
      // It prints its description as one JSON document once it listens.
      const printed = await waitFor('the sandbox to print its description', () => {
        if (sandbox.child.exitCode !== null) throw new Error(`sandbox exited ${sandbox.child.exitCode}: ${sandbox.output()}`);
        try {
          return Promise.resolve(JSON.parse(sandbox.output()) as Record<string, unknown>);
        } catch {
          return Promise.resolve(undefined);
        }
      });
      expect(printed.aws).toMatchObject({
        regions: ['ap-northeast-1', 'us-east-1'],
        enabledRegions: ['ap-northeast-1', 'us-east-1', 'eu-west-1'],
        recorderOff: ['us-east-1'],
        recorderExcludes: ['AWS::RDS::DBInstance'],
        aggregatorFailedSources: [`${MEMBER}:us-east-1`],
      });
      const endpoint = (printed.aws as { endpoint: string }).endpoint;
      const regions = await new AccountClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: `ASIASANDBOX${MEMBER}`, secretAccessKey: 'x' } }).send(
        new ListRegionsCommand({ RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'] }),
      );
      expect(regions.Regions?.map((r) => r.RegionName)).toEqual(['ap-northeast-1', 'eu-west-1', 'us-east-1']);
    } finally {
      await sandbox.stop();
    }
  });
});
