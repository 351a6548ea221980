/** AWS Config item → Resource: the per-type normalizers that parse policy documents and fold spellings. */
import { canonicalPolicy, normalizeConfigItem } from '../../../collectors/aws/normalize.js';
import type { Resource } from '../../../src/model/resource.js';
import { configItem } from '../../support/evaluate.js';
import { rdkItem, selectRows, urlEncodedPolicy } from '../../fixtures/aws/samples.js';

function normalize(item: unknown): Resource {
  const outcome = normalizeConfigItem(item);
  if (outcome.kind !== 'resource') throw new Error(`expected a resource, got ${outcome.reason}`);
  return outcome.resource;
}

describe('canonicalPolicy', () => {
  it('turns every shorthand into lists and maps of lists', () => {
    const policy = canonicalPolicy(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::b/*', Condition: { Bool: { 'aws:SecureTransport': false } } },
      }),
      'test',
    );
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: '',
          Effect: 'Deny',
          Principal: { AWS: ['*'] },
          NotPrincipal: {},
          Action: ['s3:*'],
          NotAction: [],
          Resource: ['arn:aws:s3:::b/*'],
          NotResource: [],
          Condition: { Bool: { 'aws:securetransport': ['false'] } },
        },
      ],
    });
  });

  it('decodes the URL-encoded documents AWS Config stores for IAM', () => {
    const policy = canonicalPolicy(urlEncodedPolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com'] }, Action: 'sts:AssumeRole' }] }), 'trust');
    expect(policy.Statement).toEqual([expect.objectContaining({ Principal: { Service: ['ec2.amazonaws.com'] }, Action: ['sts:AssumeRole'], Condition: {} })]);
  });

  it('rejects what is not a policy document', () => {
    expect(() => canonicalPolicy('%E0%A4%A', 'trust')).toThrow('trust is neither JSON nor URL-encoded JSON');
    expect(() => canonicalPolicy('{"Statement":["x"]}', 'policy')).toThrow('policy: Statement[0] is not an object');
    expect(() => canonicalPolicy('{"Statement":[{"Effect":"Allow","Condition":"aws:SecureTransport"}]}', 'policy')).toThrow('Condition is not an object');
  });
});

describe('normalizeConfigItem per-type normalizers', () => {
  it('parses the S3 bucket policy text into `policy`, keeping the text (aws-config-rdk bucket)', () => {
    const bucket = normalize(rdkItem('AWS_S3_Bucket'));
    const bucketPolicy = bucket.supplementary.BucketPolicy as { policyText: string; policy: { Statement: unknown[] } };
    expect(typeof bucketPolicy.policyText).toBe('string');
    expect(bucketPolicy.policy.Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Principal: { AWS: ['*'] }, Action: ['s3:*'], Condition: { Bool: { 'aws:securetransport': ['false'] } } }),
    ]);
  });

  it('leaves a null bucket policy alone and makes an unparseable one a malformed resource', () => {
    const none = normalize(configItem({ type: 'AWS::S3::Bucket', id: 'b', configuration: { name: 'b' }, supplementary: { BucketPolicy: { policyText: null } } }));
    expect(none.supplementary.BucketPolicy).toEqual({ policyText: null });
    const broken = normalize(configItem({ type: 'AWS::S3::Bucket', id: 'b', configuration: { name: 'b' }, supplementary: { BucketPolicy: { policyText: '{"Statement":' } } }));
    expect(broken.malformed).toContain('BucketPolicy.policyText is not valid JSON');
  });

  it('canonicalises the KMS key policy (Cloud Custodian Select row)', () => {
    const [row] = selectRows('select_kms_key_rotation_off');
    const key = normalize({ ...row, resourceType: 'AWS::KMS::Key' });
    expect(key.supplementary.KeyRotationStatus).toBe(false);
    expect((key.supplementary.Policy as { Statement: unknown[] }).Statement).toEqual([
      expect.objectContaining({ Sid: 'Enable IAM User Permissions', Principal: { AWS: ['arn:aws:iam::644160558196:root'] }, Action: ['kms:*'] }),
    ]);
  });

  it('decodes IAM role trust and inline policies, user inline policies and managed policy versions', () => {
    const inline = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }] };
    const role = normalize(
      configItem({
        type: 'AWS::IAM::Role',
        id: 'AROAEXAMPLE',
        region: 'global',
        configuration: {
          roleName: 'auditor',
          assumeRolePolicyDocument: urlEncodedPolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'sts:AssumeRole' }] }),
          rolePolicyList: [{ policyName: 'reports', policyDocument: urlEncodedPolicy(inline) }],
        },
      }),
    );
    expect(role.configuration.assumeRolePolicyDocument).toEqual(expect.objectContaining({ Statement: [expect.objectContaining({ Principal: { AWS: ['arn:aws:iam::444455556666:root'] } })] }));
    expect(role.configuration.rolePolicyList).toEqual([{ policyName: 'reports', policyDocument: canonicalPolicy(inline, 'x') }]);
    expect(role.configuration.attachedManagedPolicies).toEqual([]);

    const user = normalize(configItem({ type: 'AWS::IAM::User', id: 'AIDAEXAMPLE', region: 'global', configuration: { userName: 'carol', userPolicyList: [{ policyName: 'reports', policyDocument: urlEncodedPolicy(inline) }] } }));
    expect(user.configuration.userPolicyList).toEqual([{ policyName: 'reports', policyDocument: canonicalPolicy(inline, 'x') }]);

    const policy = normalize(
      configItem({
        type: 'AWS::IAM::Policy',
        id: 'ANPAEXAMPLE',
        region: 'global',
        configuration: { policyName: 'reports-read', policyVersionList: [{ versionId: 'v1', isDefaultVersion: true, document: urlEncodedPolicy(inline) }] },
      }),
    );
    expect(policy.configuration.policyVersionList).toEqual([{ versionId: 'v1', isDefaultVersion: true, document: canonicalPolicy(inline, 'x') }]);
  });

  it('parses an EventBridge event pattern given as a JSON string', () => {
    const rule = normalize(configItem({ type: 'AWS::Events::Rule', id: 'health', configuration: { Name: 'health', EventPattern: '{"source":["aws.health"]}', State: 'ENABLED' } }));
    expect(rule.configuration.EventPattern).toEqual({ source: ['aws.health'] });
  });

  it('folds both DHCP option shapes into NtpServers', () => {
    const api = normalize(
      configItem({ type: 'AWS::EC2::DHCPOptions', id: 'dopt-1', configuration: { dhcpConfigurations: [{ key: 'ntp-servers', values: [{ value: '10.0.0.123' }, { value: '169.254.169.123' }] }] } }),
    );
    expect(api.configuration.NtpServers).toEqual(['10.0.0.123', '169.254.169.123']);
    const text = normalize(configItem({ type: 'AWS::EC2::DHCPOptions', id: 'dopt-2', configuration: { DhcpOptionsId: 'dopt-2', NtpServers: '10.0.0.123, 10.0.1.123' } }));
    expect(text.configuration.NtpServers).toEqual(['10.0.0.123', '10.0.1.123']);
    const none = normalize(configItem({ type: 'AWS::EC2::DHCPOptions', id: 'dopt-3', configuration: { DhcpOptionsId: 'dopt-3', DomainName: 'corp.example' } }));
    expect(none.configuration).not.toHaveProperty('NtpServers');
  });
});
