/** Exposure read from AWS Config (mappings/controls/aws/exposure.yaml). */
import { normalizeConfigItem } from '../../../collectors/aws/normalize.js';
import { assess, configItem, findingsOf, reasonsJaOf } from '../../support/evaluate.js';

/** An EC2 instance item as AWS Config records it (camelCase EC2 API shape, metadataOptions per the resource schema). */
function instance(id: string, metadataOptions: Record<string, unknown> | undefined): Record<string, unknown> {
  return configItem({
    type: 'AWS::EC2::Instance',
    id,
    configuration: {
      instanceId: id,
      instanceType: 't3.medium',
      imageId: 'ami-0a1b2c3d4e5f60001',
      state: { code: 16, name: 'running' },
      subnetId: 'subnet-0a1b2c3d4e5f60001',
      vpcId: 'vpc-0a1b2c3d4e5f60001',
      ...(metadataOptions === undefined ? {} : { metadataOptions }),
    },
  });
}

describe('aws-ec2-imdsv2-required', () => {
  const control = 'aws-ec2-imdsv2-required';
  const opts = (httpTokens: string, httpEndpoint = 'enabled'): Record<string, unknown> => ({ state: 'applied', httpTokens, httpPutResponseHopLimit: 1, httpEndpoint });

  it('passes instances requiring tokens and instances with the metadata endpoint off; fails optional tokens', () => {
    const a = assess([instance('i-0required0000001', opts('required')), instance('i-0disabled0000001', opts('optional', 'disabled')), instance('i-0optional0000001', opts('optional'))]);
    const f = findingsOf(a, control);
    expect(f['i-0required0000001']).toEqual({ status: 'pass' });
    expect(f['i-0disabled0000001']).toEqual({ status: 'pass' });
    expect(f['i-0optional0000001']).toEqual({ status: 'fail', reason: 'instance i-0optional0000001 accepts IMDSv1 (httpTokens = optional)' });
    expect(reasonsJaOf(a, control)['i-0optional0000001']).toBe('インスタンス i-0optional0000001 は IMDSv1 を受け付けます（httpTokens = optional）');
  });

  it('is unknown, never a pass, when the item lacks metadata options (or httpTokens)', () => {
    const f = findingsOf(assess([instance('i-0nooptions000001', undefined), instance('i-0notokens0000001', { httpEndpoint: 'enabled' })]), control);
    expect(f['i-0nooptions000001']).toEqual({ status: 'unknown', reason: 'cannot evaluate: instance metadata options (metadataOptions.httpTokens) not recorded' });
    expect(f['i-0notokens0000001']?.status).toBe('unknown');
  });

  it('is unknown when the recorder does not record AWS::EC2::Instance in the scope', () => {
    const gap = { types: ['AWS::EC2::Instance'], reason: { ja: '記録対象外', en: 'not recorded by the configuration recorder' } };
    const a = assess([], [{ provider: 'aws', account: '111122223333', region: 'ap-northeast-1', types: ['AWS::S3::Bucket'], gaps: [gap], outcome: { status: 'ok', collectedAt: '2026-11-01T00:00:00Z' } }]);
    const verdicts = a.findings.filter((f) => f.control === control);
    expect(verdicts.length).toBeGreaterThan(0);
    expect(verdicts.every((f) => f.status === 'unknown')).toBe(true);
  });
});

/** An S3 bucket item with the policy as AWS Config stores it: a JSON string in BucketPolicy.policyText. */
function bucket(name: string, policy: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return configItem({
    type: 'AWS::S3::Bucket',
    id: name,
    configuration: { name, owner: { displayName: null, id: 'abc' }, creationDate: '2026-01-05T00:00:00.000Z' },
    supplementary: { BucketPolicy: { policyText: policy === null ? null : JSON.stringify(policy) }, ...extra },
  });
}
const doc = (...Statement: unknown[]): unknown => ({ Version: '2012-10-17', Statement });

describe('aws-s3-bucket-policy-no-public-write', () => {
  const control = 'aws-s3-bucket-policy-no-public-write';

  it('fails public Put/Delete/wildcard grants and NotAction grants; names the statements', () => {
    const f = findingsOf(
      assess([
        bucket('upload-open', doc({ Sid: 'PublicUpload', Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::upload-open/*' })),
        bucket('all-open', doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: ['s3:*'], Resource: ['arn:aws:s3:::all-open/*'] })),
        bucket('delete-wild', doc({ Sid: 'D', Effect: 'Allow', Principal: '*', Action: 's3:Del*', Resource: '*' })),
        bucket('not-action', doc({ Sid: 'AllButRead', Effect: 'Allow', Principal: '*', NotAction: 's3:GetObject', Resource: '*' })),
      ]),
      control,
    );
    expect(f['upload-open']).toEqual({ status: 'fail', reason: 'bucket policy of upload-open allows write or delete to every principal (*) without a restricting condition: PublicUpload' });
    expect(f['all-open']).toEqual({ status: 'fail', reason: 'bucket policy of all-open allows write or delete to every principal (*) without a restricting condition: s3:*' });
    expect(f['delete-wild']?.status).toBe('fail');
    expect(f['not-action']?.status).toBe('fail');
  });

  it('passes public read, account principals, restricting conditions, Deny statements, no policy and restrictPublicBuckets', () => {
    const f = findingsOf(
      assess([
        bucket('public-read', doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public-read/*' })),
        bucket('account-write', doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:PutObject', Resource: '*' })),
        bucket('org-write', doc({ Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } })),
        bucket('deny-tls', doc({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })),
        bucket('no-policy', null),
        bucket('blocked', doc({ Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: '*' }), {
          PublicAccessBlockConfiguration: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true },
        }),
      ]),
      control,
    );
    for (const name of ['public-read', 'account-write', 'org-write', 'deny-tls', 'no-policy', 'blocked']) expect(f[name]).toEqual({ status: 'pass' });
  });

  it('does not count a condition on an unrelated key (aws:SecureTransport) as a restriction', () => {
    const f = findingsOf(assess([bucket('tls-only-write', doc({ Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }))]), control);
    expect(f['tls-only-write']?.status).toBe('fail');
  });

  it('is unknown when the item carries no BucketPolicy document', () => {
    const item = configItem({ type: 'AWS::S3::Bucket', id: 'bare', configuration: { name: 'bare' }, supplementary: {} });
    expect(findingsOf(assess([item]), control)['bare']).toEqual({ status: 'unknown', reason: 'cannot evaluate: bucket policy (BucketPolicy) not recorded' });
  });
});

describe('aws-ec2-instance-managed-by-ssm', () => {
  const control = 'aws-ec2-instance-managed-by-ssm';
  // AWS::SSM::ManagedInstanceInventory: resource id = instance id, related to the instance, inventory in AWS:InstanceInformation.
  const inventory = (instanceId: string): Record<string, unknown> =>
    configItem({
      type: 'AWS::SSM::ManagedInstanceInventory',
      id: instanceId,
      configuration: { 'AWS:InstanceInformation': { Content: { [instanceId]: { InstanceId: instanceId, InstanceStatus: 'Active', PlatformType: 'Linux', AgentType: 'amazon-ssm-agent' } } } },
      relationships: [{ resourceType: 'AWS::EC2::Instance', resourceId: instanceId, relationshipName: 'Is associated with ' }],
    });

  it('passes instances with a managed-instance inventory item and fails the others', () => {
    const f = findingsOf(assess([instance('i-0managed00000001', undefined), inventory('i-0managed00000001'), instance('i-0unmanaged000001', undefined)]), control);
    expect(f['i-0managed00000001']).toEqual({ status: 'pass' });
    expect(f['i-0unmanaged000001']).toEqual({ status: 'fail', reason: 'instance i-0unmanaged000001 is not recorded as a Systems Manager managed instance (no AWS::SSM::ManagedInstanceInventory)' });
  });

  it('is unknown, not a fail, when the inventory type is not collected in the scope', () => {
    const scope = { provider: 'aws' as const, account: '111122223333', region: 'ap-northeast-1', types: ['AWS::EC2::Instance'], outcome: { status: 'ok' as const, collectedAt: '2026-11-01T00:00:00Z' } };
    expect(findingsOf(assess([instance('i-0unmanaged000001', undefined)], [scope]), control)['i-0unmanaged000001']?.status).toBe('unknown');
  });
});

describe('aws-acm-certificate-not-expiring (days left counted from when the item is read, NOW = 2026-11-01)', () => {
  const control = 'aws-acm-certificate-not-expiring';
  // AWS::ACM::Certificate fields per awslabs/aws-config-resource-schema; captured long before NOW on purpose.
  const cert = (id: string, fields: Record<string, unknown>): Record<string, unknown> => ({
    ...configItem({
      type: 'AWS::ACM::Certificate',
      id: `arn:aws:acm:ap-northeast-1:111122223333:certificate/${id}`,
      configuration: { certificateArn: `arn:aws:acm:ap-northeast-1:111122223333:certificate/${id}`, domainName: `${id}.example.jp`, type: 'AMAZON_ISSUED', status: 'ISSUED', inUseBy: [], ...fields },
    }),
    configurationItemCaptureTime: '2026-01-10T00:00:00.000Z',
  });
  const arn = (id: string): string => `arn:aws:acm:ap-northeast-1:111122223333:certificate/${id}`;

  it('fails a certificate 10 days from expiry even though its item was captured ten months earlier, and an expired one', () => {
    const a = assess([cert('soon', { notAfter: '2026-11-11T12:00:00.000Z' }), cert('gone', { notAfter: '2026-10-20T00:00:00.000Z', status: 'EXPIRED' })]);
    const f = findingsOf(a, control);
    expect(f[arn('soon')]).toEqual({ status: 'fail', reason: 'certificate soon.example.jp expires in 10 days (as of 2026-11-01T00:00:00.000Z)' });
    expect(f[arn('gone')]).toEqual({ status: 'fail', reason: 'certificate gone.example.jp expired 12 days ago (as of 2026-11-01T00:00:00.000Z)' });
    expect(reasonsJaOf(a, control)[arn('soon')]).toBe('証明書 soon.example.jp の有効期限まで 10 日です（2026-11-01T00:00:00.000Z 時点）');
  });

  it('passes a certificate 30 days or more from expiry, and does not judge one pending validation', () => {
    const f = findingsOf(assess([cert('fine', { notAfter: '2027-03-01T00:00:00.000Z' }), cert('edge', { notAfter: '2026-12-01T00:00:00.000Z' }), cert('pending', { status: 'PENDING_VALIDATION' })]), control);
    expect(f[arn('fine')]).toEqual({ status: 'pass' });
    expect(f[arn('edge')]).toEqual({ status: 'pass' });
    expect(f[arn('pending')]).toBeUndefined();
  });

  it('is unknown when notAfter is not recorded', () => {
    expect(findingsOf(assess([cert('nodate', {})]), control)[arn('nodate')]?.status).toBe('unknown');
  });
});

describe('normalizing an ACM certificate item', () => {
  const item = configItem({ type: 'AWS::ACM::Certificate', id: 'arn:aws:acm:ap-northeast-1:111122223333:certificate/x', configuration: { notAfter: '2026-11-11T00:00:00.000Z', status: 'ISSUED' } });
  const configuration = (observedAt?: Date): Record<string, unknown> => {
    const outcome = normalizeConfigItem(item, observedAt);
    return outcome.kind === 'resource' ? outcome.resource.configuration : {};
  };

  it('counts days left from the reading time, and adds nothing without one (the control is then unknown)', () => {
    expect(configuration(new Date('2026-11-01T00:00:00Z'))).toMatchObject({ notAfterDaysLeft: 10, notAfterDaysLeftAsOf: '2026-11-01T00:00:00.000Z' });
    expect(configuration(new Date('2026-11-12T00:00:00Z')).notAfterDaysLeft).toBe(-1);
    expect(configuration()).not.toHaveProperty('notAfterDaysLeft');
  });
});

describe('CloudTrail trail encryption and CloudWatch Logs delivery (logging.yaml)', () => {
  // The aws-config-rdk example trail item (DescribeTrails shape): unset optional fields are omitted.
  const trail = (name: string, extra: Record<string, unknown>, base: Record<string, unknown> = { trailARN: `arn:aws:cloudtrail:ap-northeast-1:111122223333:trail/${name}` }): Record<string, unknown> =>
    configItem({
      type: 'AWS::CloudTrail::Trail',
      id: name,
      configuration: { name, s3BucketName: 'trail-logs', includeGlobalServiceEvents: true, isMultiRegionTrail: true, homeRegion: 'ap-northeast-1', logFileValidationEnabled: true, ...base, ...extra },
    });
  const encrypted = { kmsKeyId: 'arn:aws:kms:ap-northeast-1:111122223333:key/0a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d' };
  const delivered = { cloudWatchLogsLogGroupArn: 'arn:aws:logs:ap-northeast-1:111122223333:log-group:trail:*', cloudWatchLogsRoleArn: 'arn:aws:iam::111122223333:role/trail' };

  it('passes trails with the field set, fails trails whose recorded document omits it', () => {
    const a = assess([trail('full', { ...encrypted, ...delivered }), trail('bare', {})]);
    expect(findingsOf(a, 'aws-cloudtrail-kms-encrypted')).toEqual({ full: { status: 'pass' }, bare: { status: 'fail', reason: 'trail bare does not encrypt its log files with a KMS key (no kmsKeyId)' } });
    expect(findingsOf(a, 'aws-cloudtrail-cloudwatch-logs')).toEqual({ full: { status: 'pass' }, bare: { status: 'fail', reason: 'trail bare does not deliver to CloudWatch Logs (no cloudWatchLogsLogGroupArn)' } });
  });

  it('is unknown when the trail document itself is missing (no trailARN)', () => {
    const a = assess([trail('empty', {}, {})]);
    expect(findingsOf(a, 'aws-cloudtrail-kms-encrypted')['empty']?.status).toBe('unknown');
    expect(findingsOf(a, 'aws-cloudtrail-cloudwatch-logs')['empty']?.status).toBe('unknown');
  });
});
