/** Key access and identity (mappings/controls/aws/access.yaml). */
import { assess, configItem, findingsOf, reasonsJaOf } from '../../support/evaluate.js';
import { ACCOUNT, rdkItem, selectRows, urlEncodedPolicy } from '../../fixtures/aws/samples.js';

const OTHER = '444455556666';

describe('aws-kms-key-policy-not-public', () => {
  const control = 'aws-kms-key-policy-not-public';
  const key = (id: string, policy: unknown): Record<string, unknown> =>
    configItem({
      type: 'AWS::KMS::Key',
      id,
      configuration: { keyId: id, enabled: true, keyManager: 'CUSTOMER', keyState: 'Enabled', origin: 'AWS_KMS', keySpec: 'SYMMETRIC_DEFAULT' },
      supplementary: policy === undefined ? { KeyRotationStatus: true } : { KeyRotationStatus: true, Policy: JSON.stringify(policy, null, 2) },
    });
  const root = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' };

  it('passes the Cloud Custodian customer key (account root only) and a "*" principal limited by conditions', () => {
    const [row] = selectRows('select_kms_key_rotation_off');
    const custodian = { ...row, resourceType: 'AWS::KMS::Key', awsAccountId: '644160558196', awsRegion: 'us-east-2' };
    const conditioned = key('key-conditioned', {
      Version: '2012-10-17',
      Statement: [root, { Sid: 'ViaS3', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': 's3.ap-northeast-1.amazonaws.com' } } }],
    });
    const f = findingsOf(assess([custodian, conditioned]), control);
    expect(f['9975ba19-f8ff-444b-9c21-8d42cc6dc45b']).toEqual({ status: 'pass' });
    expect(f['key-conditioned']).toEqual({ status: 'pass' });
  });

  it('fails an unconditional Allow for Principal "*" and does not judge AWS managed keys', () => {
    const open = key('key-open', { Version: '2012-10-17', Statement: [root, { Sid: 'OpenToAll', Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }] });
    const f = findingsOf(assess([open, rdkItem('AWS_KMS_Key')]), control);
    expect(f).toEqual({ 'key-open': { status: 'fail', reason: 'key policy statement(s) OpenToAll allow kms:* to Principal * without any condition' } });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const open = key('key-open', { Version: '2012-10-17', Statement: [root, { Sid: 'OpenToAll', Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }] });
    const ja = reasonsJaOf(assess([open, key('key-no-policy', undefined)]), control);
    expect(ja['key-open']).toBe('キーポリシーのステートメント OpenToAll（Principal * に kms:* を許可）に条件が一つも設定されていません');
    expect(ja['key-no-policy']).toBe('判定できません: キーポリシー（Policy）が記録されていません');
  });

  it('is unknown when the key policy was not recorded', () => {
    expect(findingsOf(assess([key('key-no-policy', undefined)]), control)['key-no-policy']?.status).toBe('unknown');
  });
});

describe('aws-iam-cross-account-role-requires-mfa', () => {
  const control = 'aws-iam-cross-account-role-requires-mfa';
  const role = (name: string, trust: unknown): Record<string, unknown> =>
    configItem({
      type: 'AWS::IAM::Role',
      id: `AROA${name.toUpperCase().replace(/[^A-Z]/g, '').padEnd(17, 'X')}`,
      name,
      region: 'global',
      arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
      configuration: {
        path: '/', roleName: name, arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, createDate: '2025-01-10T04:00:00.000Z',
        ...(trust === undefined ? {} : { assumeRolePolicyDocument: typeof trust === 'string' ? trust : urlEncodedPolicy(trust) }),
        instanceProfileList: [], rolePolicyList: [], attachedManagedPolicies: [{ policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', policyName: 'ReadOnlyAccess' }], permissionsBoundary: null, tags: [],
      },
    });
  const trust = (principal: unknown, condition?: unknown): unknown => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...(condition === undefined ? {} : { Condition: condition }) }],
  });
  const idOf = (name: string): string => `AROA${name.toUpperCase().replace(/[^A-Z]/g, '').padEnd(17, 'X')}`;

  it('passes a cross-account role that requires MFA', () => {
    const f = findingsOf(
      assess([
        role('auditor', trust({ AWS: `arn:aws:iam::${OTHER}:root` }, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } })),
        role('auditor-two', trust({ AWS: [`arn:aws:iam::${OTHER}:role/SecOps`] }, { Bool: { 'aws:multifactorauthpresent': true } })),
      ]),
      control,
    );
    expect(f[idOf('auditor')]).toEqual({ status: 'pass' });
    expect(f[idOf('auditor-two')]).toEqual({ status: 'pass' });
  });

  it('fails cross-account trust without MFA, including BoolIfExists and bare account ids', () => {
    const f = findingsOf(
      assess([
        role('vendor', trust({ AWS: `arn:aws:iam::${OTHER}:root` })),
        role('lenient', trust({ AWS: OTHER }, { BoolIfExists: { 'aws:MultiFactorAuthPresent': true } })),
      ]),
      control,
    );
    expect(f[idOf('vendor')]).toEqual({ status: 'fail', reason: `trusts arn:aws:iam::${OTHER}:root without requiring MFA (Bool aws:MultiFactorAuthPresent = true)` });
    expect(f[idOf('lenient')]).toEqual({ status: 'fail', reason: `trusts ${OTHER} without requiring MFA (Bool aws:MultiFactorAuthPresent = true)` });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const ja = reasonsJaOf(assess([role('vendor', trust({ AWS: `arn:aws:iam::${OTHER}:root` }))]), control);
    expect(ja[idOf('vendor')]).toBe(`arn:aws:iam::${OTHER}:root を MFA の必須化（Bool aws:MultiFactorAuthPresent = true）なしに信頼しています`);
  });

  it('does not judge service, federated or same-account trust', () => {
    const f = findingsOf(
      assess([
        role('ec2-app', trust({ Service: 'ec2.amazonaws.com' })),
        role('saml-admin', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/corp-idp` }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } }] }),
        role('local-admin', trust({ AWS: `arn:aws:iam::${ACCOUNT}:root` })),
      ]),
      control,
    );
    expect(f).toEqual({});
  });

  it('is unknown when the trust policy is missing or not a policy document', () => {
    const f = findingsOf(assess([role('no-trust', undefined), role('garbled', '%7B%22Statement%22%3A')]), control);
    expect(f[idOf('no-trust')]?.status).toBe('unknown');
    expect(f[idOf('garbled')]?.status).toBe('unknown');
    expect(f[idOf('garbled')]?.reason).toContain('assumeRolePolicyDocument is not valid JSON');
  });
});

describe('aws-iam-user-no-administrator-access', () => {
  const control = 'aws-iam-user-no-administrator-access';
  const user = (name: string, attached: unknown, inline: unknown[] = []): Record<string, unknown> =>
    configItem({
      type: 'AWS::IAM::User',
      id: `AIDA${name.toUpperCase().padEnd(17, 'X')}`,
      name,
      region: 'global',
      configuration: { path: '/', userName: name, arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, createDate: '2024-05-01T00:00:00.000Z', groupList: ['developers'], attachedManagedPolicies: attached, userPolicyList: inline, tags: [] },
    });

  it('passes a user with scoped policies', () => {
    const f = findingsOf(assess([user('carol', [{ policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', policyName: 'ReadOnlyAccess' }])]), control);
    expect(Object.values(f)).toEqual([{ status: 'pass' }]);
  });

  it('fails AdministratorAccess attached directly and an inline "*" on "*" policy', () => {
    const f = findingsOf(
      assess([
        user('alice', [{ policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess', policyName: 'AdministratorAccess' }]),
        user('bob', [], [{ policyName: 'break-glass', policyDocument: urlEncodedPolicy({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }) }]),
      ]),
      control,
    );
    expect(f['AIDAALICEXXXXXXXXXXXX']).toEqual({ status: 'fail', reason: 'user alice has AdministratorAccess attached' });
    expect(f.AIDABOBXXXXXXXXXXXXXX).toEqual({ status: 'fail', reason: 'user bob has inline policy break-glass allowing *:*' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const both = user(
      'alice',
      [{ policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess', policyName: 'AdministratorAccess' }],
      [{ policyName: 'break-glass', policyDocument: urlEncodedPolicy({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }) }],
    );
    const a = assess([both]);
    expect(findingsOf(a, control)['AIDAALICEXXXXXXXXXXXX']?.reason).toBe('user alice has AdministratorAccess attached and inline policy break-glass allowing *:*');
    expect(reasonsJaOf(a, control)['AIDAALICEXXXXXXXXXXXX']).toBe('ユーザー alice に管理者権限が直接付与されています（AdministratorAccess のアタッチ、*:* を許可するインラインポリシー break-glass）');
  });

  it('is unknown when the attached policies are not a list', () => {
    expect(Object.values(findingsOf(assess([user('dave', 'AdministratorAccess')]), control))[0]?.status).toBe('unknown');
  });
});
