/** Logging and audit trail (mappings/controls/aws/logging.yaml). */
import { assess, configItem, findingsOf, reasonsJaOf } from '../../support/evaluate.js';
import { ACCOUNT, collected, collectionFailed, rdkItem, selectRows } from '../../fixtures/aws/samples.js';

function bucket(name: string, supplementary: Record<string, unknown>): Record<string, unknown> {
  return configItem({ type: 'AWS::S3::Bucket', id: name, arn: `arn:aws:s3:::${name}`, configuration: { name, creationDate: '2025-04-01T02:00:00.000Z' }, supplementary });
}

function custodianBucket(): Record<string, unknown> {
  const [row] = selectRows('select_s3_bucket_no_sse');
  return { ...row, resourceType: 'AWS::S3::Bucket', resourceId: 'c7n-ssm-build', resourceName: 'c7n-ssm-build', awsAccountId: '644160558196' };
}

describe('aws-cloudtrail-multi-region-validated (exists per account)', () => {
  const control = 'aws-cloudtrail-multi-region-validated';
  const trail = (name: string, multiRegion: boolean, validation: boolean): Record<string, unknown> =>
    configItem({
      type: 'AWS::CloudTrail::Trail',
      id: name,
      arn: `arn:aws:cloudtrail:ap-northeast-1:${ACCOUNT}:trail/${name}`,
      configuration: {
        name, s3BucketName: 'corp-cloudtrail-111122223333', includeGlobalServiceEvents: true, isMultiRegionTrail: multiRegion, homeRegion: 'ap-northeast-1',
        trailARN: `arn:aws:cloudtrail:ap-northeast-1:${ACCOUNT}:trail/${name}`, logFileValidationEnabled: validation, hasCustomEventSelectors: false, hasInsightSelectors: false, isOrganizationTrail: false,
      },
    });

  it('passes the aws-config-rdk multi-Region trail with log file validation', () => {
    expect(findingsOf(assess([rdkItem('AWS_Cloudtrail_Trail')]), control).APJCCloudTrail?.status).toBe('pass');
  });

  it('fails without a qualifying trail, naming what each trail lacks', () => {
    expect(findingsOf(assess([trail('tokyo-only', false, true)]), control)[ACCOUNT]).toEqual({
      status: 'fail',
      reason: 'none of 1 AWS::CloudTrail::Trail qualifies: tokyo-only: isMultiRegionTrail false, logFileValidationEnabled true',
    });
    expect(findingsOf(assess([], [collected()]), control)[ACCOUNT]).toEqual({ status: 'fail', reason: 'no AWS::CloudTrail::Trail in this account' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    expect(reasonsJaOf(assess([trail('tokyo-only', false, true)]), control)[ACCOUNT]).toBe(
      'AWS::CloudTrail::Trail 1 件のいずれも条件を満たしていません: tokyo-only: isMultiRegionTrail が false、logFileValidationEnabled が true です',
    );
  });

  it('is unknown when the account could not be collected', () => {
    expect(findingsOf(assess([], [collectionFailed()]), control)[ACCOUNT]?.status).toBe('unknown');
  });
});

describe('aws-s3-bucket-access-logging', () => {
  const control = 'aws-s3-bucket-access-logging';

  it('passes a logging bucket and exempts the bucket that receives the logs', () => {
    const f = findingsOf(
      assess([
        bucket('app-data', { BucketLoggingConfiguration: { destinationBucketName: 'corp-access-logs', logFilePrefix: 'app-data/' } }),
        bucket('corp-access-logs', { BucketLoggingConfiguration: { destinationBucketName: null, logFilePrefix: null } }),
      ]),
      control,
    );
    expect(f).toEqual({ 'app-data': { status: 'pass' } });
  });

  it('fails the aws-config-rdk and Cloud Custodian buckets that do not log', () => {
    const f = findingsOf(assess([rdkItem('AWS_S3_Bucket'), custodianBucket()]), control);
    expect(f['mborch-test-bucket-config-item']).toEqual({ status: 'fail', reason: 'server access logging is off for bucket mborch-test-bucket-config-item (no destinationBucketName)' });
    expect(f['c7n-ssm-build']?.status).toBe('fail');
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    expect(reasonsJaOf(assess([rdkItem('AWS_S3_Bucket')]), control)['mborch-test-bucket-config-item']).toBe(
      'バケット mborch-test-bucket-config-item のサーバーアクセスログが無効です（destinationBucketName がありません）',
    );
  });

  it('is unknown when the item carries no logging document', () => {
    expect(findingsOf(assess([bucket('partial-item', {})]), control)['partial-item']?.status).toBe('unknown');
  });
});

describe('aws-vpc-flow-logs-enabled', () => {
  const control = 'aws-vpc-flow-logs-enabled';
  const vpc = (id: string): Record<string, unknown> =>
    configItem({ type: 'AWS::EC2::VPC', id, configuration: { vpcId: id, cidrBlock: '10.10.0.0/16', state: 'available', isDefault: false, dhcpOptionsId: 'dopt-0a1b2c3d', instanceTenancy: 'default' } });
  const flowLog = (id: string, resourceId: string): Record<string, unknown> =>
    configItem({
      type: 'AWS::EC2::FlowLog',
      id,
      configuration: {
        flowLogId: id, flowLogStatus: 'ACTIVE', resourceId, trafficType: 'ALL', logDestinationType: 'cloud-watch-logs', logGroupName: '/vpc/flow-logs',
        deliverLogsStatus: 'SUCCESS', deliverLogsPermissionArn: `arn:aws:iam::${ACCOUNT}:role/vpc-flow-logs`, maxAggregationInterval: 600, logFormat: '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr}',
      },
    });

  it('passes a VPC with an active flow log and fails one without', () => {
    const f = findingsOf(assess([vpc('vpc-0aaa0000000000001'), vpc('vpc-0bbb0000000000002'), flowLog('fl-0123456789abcdef0', 'vpc-0aaa0000000000001'), flowLog('fl-0subnet00000000001', 'subnet-0ccc000000000003')]), control);
    expect(f['vpc-0aaa0000000000001']).toEqual({ status: 'pass' });
    expect(f['vpc-0bbb0000000000002']).toEqual({ status: 'fail', reason: 'no flow log is attached to vpc-0bbb0000000000002' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const stopped = { ...flowLog('fl-0stopped0000000001', 'vpc-0ccc0000000000003') };
    (stopped.configuration as Record<string, unknown>).flowLogStatus = 'INACTIVE';
    const ja = reasonsJaOf(assess([vpc('vpc-0bbb0000000000002'), vpc('vpc-0ccc0000000000003'), stopped]), control);
    expect(ja['vpc-0bbb0000000000002']).toBe('vpc-0bbb0000000000002 にフローログが設定されていません');
    expect(ja['vpc-0ccc0000000000003']).toBe('vpc-0ccc0000000000003 のフローログが有効になっていません: fl-0stopped0000000001 INACTIVE');
  });

  it('is unknown for a VPC item that cannot be parsed', () => {
    const broken = { ...vpc('vpc-0ddd0000000000004'), configuration: '{"vpcId":' };
    expect(findingsOf(assess([broken]), control)['vpc-0ddd0000000000004']?.status).toBe('unknown');
  });
});

describe('aws-s3-bucket-versioning', () => {
  const control = 'aws-s3-bucket-versioning';

  it('passes the aws-config-rdk versioned bucket, fails "Off" (Cloud Custodian) and "Suspended"', () => {
    const f = findingsOf(
      assess([rdkItem('AWS_S3_Bucket'), custodianBucket(), bucket('paused', { BucketVersioningConfiguration: { status: 'Suspended', isMfaDeleteEnabled: null } })]),
      control,
    );
    expect(f['mborch-test-bucket-config-item']).toEqual({ status: 'pass' });
    expect(f['c7n-ssm-build']).toEqual({ status: 'fail', reason: 'versioning of bucket c7n-ssm-build is Off' });
    expect(f.paused).toEqual({ status: 'fail', reason: 'versioning of bucket paused is Suspended' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const ja = reasonsJaOf(assess([bucket('paused', { BucketVersioningConfiguration: { status: 'Suspended', isMfaDeleteEnabled: null } })]), control);
    expect(ja.paused).toBe('バケット paused のバージョニングが Suspended です');
  });

  it('is unknown without a versioning document', () => {
    expect(findingsOf(assess([bucket('partial-item', {})]), control)['partial-item']?.status).toBe('unknown');
  });
});
