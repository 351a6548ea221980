/**
 * AWS identity controls (mappings/controls/aws/identity.yaml) over real-shaped payloads: credential
 * report CSV in the IAM User Guide's column layout parsed by the collector's own parser, the account
 * summary / password policy resources as the collector builds them, and AWS Config IAM items.
 */
import { join } from 'node:path';
import { parseCredentialReport } from '../../../collectors/aws/credential-report.js';
import { ACCOUNT_SUMMARY_TYPE, CREDENTIAL_REPORT_USER_TYPE, PASSWORD_POLICY_TYPE } from '../../../collectors/aws/identity.js';
import { evaluate, Evaluation } from '../../../src/evaluate/evaluate.js';
import { readAwsConfigFiles } from '../../../src/inputs/aws-config-file.js';
import { GLOBAL_REGION, type CollectionScope, type Resource } from '../../../src/model/resource.js';
import { PACKAGE_ROOT } from '../../../src/paths.js';
import { ACCOUNT, urlEncodedPolicy } from '../../fixtures/aws/samples.js';
import { assess, bundledMappings, configItem, findingsOf, NOW, reasonsJaOf } from '../../support/evaluate.js';

const GENERATED = new Date('2026-10-31T21:00:00Z');
const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,' +
  'access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,' +
  'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,' +
  'cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
const ROOT_OK = `<root_account>,arn:aws:iam::${ACCOUNT}:root,2019-04-01T02:11:09+00:00,not_supported,2026-05-02T08:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`;
const NO_KEY = 'false,N/A,N/A,N/A,N/A';
const NO_CERTS = 'false,N/A,false,N/A';

/** A user row; dates as the report writes them. */
function row(user: string, fields: { created?: string; password?: [string, string] | null; mfa?: boolean; key1?: string; key2?: string }): string {
  const password = fields.password === undefined ? ['2026-10-30T09:00:00+00:00', '2026-09-01T00:00:00+00:00'] : fields.password;
  return [
    user,
    `arn:aws:iam::${ACCOUNT}:user/${user}`,
    fields.created ?? '2024-01-10T04:00:00+00:00',
    password === null ? 'false' : 'true',
    password === null ? 'N/A' : password[0],
    password === null ? 'N/A' : password[1],
    'N/A',
    String(fields.mfa ?? true),
    fields.key1 ?? NO_KEY,
    fields.key2 ?? NO_KEY,
    NO_CERTS,
  ].join(',');
}

function report(...rows: string[]): Resource[] {
  return parseCredentialReport([HEADER, ...rows].join('\n') + '\n', GENERATED, ACCOUNT);
}

function accountResource(type: string, name: string, configuration: Record<string, unknown>): Resource {
  return { provider: 'aws', account: ACCOUNT, region: GLOBAL_REGION, type, id: `${ACCOUNT}/${name}`, name, arn: `arn:aws:iam::${ACCOUNT}:root`, tags: {}, configuration, supplementary: {}, relationships: [], capturedAt: NOW.toISOString() };
}

const IDENTITY = [CREDENTIAL_REPORT_USER_TYPE, ACCOUNT_SUMMARY_TYPE, PASSWORD_POLICY_TYPE];
const covered: CollectionScope[] = [{ provider: 'aws', account: ACCOUNT, region: GLOBAL_REGION, types: IDENTITY, outcome: { status: 'ok', collectedAt: NOW.toISOString() } }];

function judge(resources: readonly Resource[], scopes: readonly CollectionScope[] = covered): ReturnType<typeof evaluate> {
  const { controls, catalog, attestations } = bundledMappings();
  return evaluate(resources, scopes, controls, catalog, attestations, NOW);
}

const userArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:user/${name}`;
const rootArn = `arn:aws:iam::${ACCOUNT}:root`;

describe('aws-iam-console-user-mfa', () => {
  const control = 'aws-iam-console-user-mfa';
  it('fails a console user without MFA, passes one with MFA, ignores users without a password and the root user', () => {
    const f = findingsOf(judge(report(ROOT_OK, row('alice', { mfa: true }), row('bob', { mfa: false }), row('ci', { password: null, mfa: false }))), control);
    expect(f).toEqual({ [userArn('alice')]: { status: 'pass' }, [userArn('bob')]: { status: 'fail', reason: 'user bob has a console password but no active MFA device' } });
  });

  it('says why in Japanese', () => {
    expect(reasonsJaOf(judge(report(ROOT_OK, row('bob', { mfa: false }))), control)[userArn('bob')]).toBe('ユーザー bob はコンソールパスワードを持っていますが、MFA デバイスが有効になっていません');
  });

  it('is unknown where the credential report was not collected, never a pass', () => {
    const gap: CollectionScope[] = [{ ...covered[0]!, types: [ACCOUNT_SUMMARY_TYPE, PASSWORD_POLICY_TYPE], gaps: [{ types: [CREDENTIAL_REPORT_USER_TYPE], reason: { ja: 'IAM 認証情報レポートの形式が不正です', en: 'the IAM credential report is malformed' } }] }];
    const a = judge([], gap);
    expect(findingsOf(a, control)).toEqual({ [`${ACCOUNT}/${GLOBAL_REGION}`]: { status: 'unknown', reason: expect.stringContaining('the IAM credential report is malformed') as unknown } });
    expect(a.requirements.find((r) => r.id === '3-5')?.status).not.toBe('compliant');
  });
});

describe('offline inputs', () => {
  it('a complete AWS Config snapshot says nothing about identity: the identity controls are unknown, not vacuously compliant', () => {
    const snapshot = readAwsConfigFiles([join(PACKAGE_ROOT, 'test', 'fixtures', 'aws', 'sample-snapshot.json')], undefined, NOW, Evaluation.typesNeeded(bundledMappings().controls.filter((c) => c.provider === 'aws')));
    const { controls, catalog, attestations } = bundledMappings();
    const a = evaluate(snapshot.resources, snapshot.coverage, controls, catalog, attestations, NOW);
    const statuses = a.findings.filter((f) => f.control === 'aws-iam-root-mfa' || f.control === 'aws-iam-password-policy-min-length-14').map((f) => f.status);
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['unknown']));
  });
});

describe('root user controls', () => {
  const rootRow = (fields: { passwordUsed?: string; mfa?: boolean; key1?: string }): string =>
    `<root_account>,${rootArn},2019-04-01T02:11:09+00:00,not_supported,${fields.passwordUsed ?? 'no_information'},not_supported,not_supported,${String(fields.mfa ?? true)},${fields.key1 ?? NO_KEY},${NO_KEY},${NO_CERTS}`;

  it('aws-iam-root-mfa: passes with MFA, fails without', () => {
    expect(findingsOf(judge(report(rootRow({ mfa: true }))), 'aws-iam-root-mfa')).toEqual({ [rootArn]: { status: 'pass' } });
    expect(findingsOf(judge(report(rootRow({ mfa: false }))), 'aws-iam-root-mfa')).toEqual({ [rootArn]: { status: 'fail', reason: `the root user of account ${ACCOUNT} has no active MFA device` } });
  });

  it('aws-iam-root-no-access-keys: an active root key fails, an inactive one does not', () => {
    const active = rootRow({ key1: 'true,2025-01-01T00:00:00+00:00,2026-10-01T00:00:00+00:00,us-east-1,iam' });
    const inactive = rootRow({ key1: 'false,2025-01-01T00:00:00+00:00,N/A,N/A,N/A' });
    expect(findingsOf(judge(report(active)), 'aws-iam-root-no-access-keys')).toEqual({ [rootArn]: { status: 'fail', reason: `the root user of account ${ACCOUNT} has active access key(s) 1` } });
    expect(findingsOf(judge(report(inactive)), 'aws-iam-root-no-access-keys')).toEqual({ [rootArn]: { status: 'pass' } });
  });

  it('aws-iam-root-not-used-recently: a sign-in 5 hours before the report fails; no_information and old use pass', () => {
    const recent = findingsOf(judge(report(rootRow({ passwordUsed: '2026-10-31T16:00:00+00:00' }))), 'aws-iam-root-not-used-recently');
    expect(recent).toEqual({ [rootArn]: { status: 'fail', reason: `the root user of account ${ACCOUNT} was used in the 24 hours before the credential report (password (console sign-in) 5 hours before)` } });
    expect(findingsOf(judge(report(rootRow({}))), 'aws-iam-root-not-used-recently')).toEqual({ [rootArn]: { status: 'pass' } });
    expect(findingsOf(judge(report(rootRow({ passwordUsed: '2026-10-29T21:00:00+00:00' }))), 'aws-iam-root-not-used-recently')).toEqual({ [rootArn]: { status: 'pass' } });
    const keyUse = rootRow({ key1: 'true,2025-01-01T00:00:00+00:00,2026-10-31T20:00:00+00:00,us-east-1,s3' });
    expect(reasonsJaOf(judge(report(keyUse)), 'aws-iam-root-not-used-recently')[rootArn]).toBe(`アカウント ${ACCOUNT} のルートユーザーが認証情報レポート作成前の 24 時間以内に使用されています（アクセスキー 1: 1 時間前）`);
  });

  it('aws-iam-root-hardware-mfa: hardware passes, virtual and none fail with their own reason', () => {
    const summary = (device: string): Resource[] => [accountResource(ACCOUNT_SUMMARY_TYPE, 'account-summary', { accountMfaEnabled: device !== 'none', accountAccessKeysPresent: false, rootMfaDevice: device })];
    const id = `${ACCOUNT}/account-summary`;
    expect(findingsOf(judge(summary('hardware')), 'aws-iam-root-hardware-mfa')).toEqual({ [id]: { status: 'pass' } });
    expect(findingsOf(judge(summary('virtual')), 'aws-iam-root-hardware-mfa')).toEqual({ [id]: { status: 'fail', reason: `the root user of account ${ACCOUNT} uses a virtual MFA device` } });
    expect(findingsOf(judge(summary('none')), 'aws-iam-root-hardware-mfa')[id]?.status).toBe('fail');
  });

  it('a report without its root row is malformed: root controls cannot silently find nothing', () => {
    expect(() => report(row('alice', {}))).toThrow(/0 root user rows/);
  });
});

describe('stale credentials (ages against the report generation time, no wall clock)', () => {
  it('aws-iam-access-key-unused-90-days: unused 120 days and never used since creation 100 days ago fail; used yesterday passes', () => {
    const f = findingsOf(
      judge(
        report(
          ROOT_OK,
          row('old-user', { password: null, key1: 'true,2025-01-01T00:00:00+00:00,2026-07-03T21:00:00+00:00,ap-northeast-1,s3' }),
          row('never', { password: null, key1: 'true,2026-07-23T21:00:00+00:00,N/A,N/A,N/A' }),
          row('fresh', { password: null, key1: 'true,2026-09-01T00:00:00+00:00,2026-10-30T21:00:00+00:00,ap-northeast-1,s3' }),
          row('inactive', { password: null, key1: 'false,2020-01-01T00:00:00+00:00,2020-02-01T00:00:00+00:00,ap-northeast-1,s3' }),
        ),
      ),
      'aws-iam-access-key-unused-90-days',
    );
    expect(f).toEqual({
      [userArn('old-user')]: { status: 'fail', reason: 'user old-user: access key 1 last used 120 days before the credential report' },
      [userArn('never')]: { status: 'fail', reason: 'user never: access key 1 never used, created 100 days before the credential report' },
      [userArn('fresh')]: { status: 'pass' },
    });
  });

  it('aws-iam-console-password-unused-90-days: 89 days passes, 90 fails, never signed in counts from the password set', () => {
    const f = findingsOf(
      judge(
        report(
          ROOT_OK,
          row('recent', { password: ['2026-08-03T21:00:00+00:00', '2026-01-01T00:00:00+00:00'] }),
          row('stale', { password: ['2026-08-02T21:00:00+00:00', '2026-01-01T00:00:00+00:00'] }),
          row('never', { password: ['N/A', '2026-05-01T00:00:00+00:00'] }),
          row('nopassword', { password: null }),
        ),
      ),
      'aws-iam-console-password-unused-90-days',
    );
    expect(f).toEqual({
      [userArn('recent')]: { status: 'pass' },
      [userArn('stale')]: { status: 'fail', reason: 'user stale: console password last used 90 days before the credential report' },
      [userArn('never')]: { status: 'fail', reason: 'user never: console password never used, set 183 days before the credential report' },
    });
    expect(reasonsJaOf(judge(report(ROOT_OK, row('stale', { password: ['2026-08-02T21:00:00+00:00', '2026-01-01T00:00:00+00:00'] }))), 'aws-iam-console-password-unused-90-days')[userArn('stale')]).toBe(
      'ユーザー stale のコンソールパスワードは最終使用から 90 日経過しています（認証情報レポート作成時点）',
    );
  });

  it('aws-iam-access-key-rotated-90-days: a key rotated 91 days ago fails, 90 days passes', () => {
    const f = findingsOf(
      judge(
        report(
          ROOT_OK,
          row('ninety', { password: null, key1: 'true,2026-08-02T21:00:00+00:00,2026-10-31T00:00:00+00:00,us-east-1,sts' }),
          row('older', { password: null, key1: 'true,2026-08-01T21:00:00+00:00,2026-10-31T00:00:00+00:00,us-east-1,sts', key2: 'true,2026-10-01T00:00:00+00:00,N/A,N/A,N/A' }),
        ),
      ),
      'aws-iam-access-key-rotated-90-days',
    );
    expect(f).toEqual({ [userArn('ninety')]: { status: 'pass' }, [userArn('older')]: { status: 'fail', reason: 'user older: access key 1 created or rotated 91 days before the credential report' } });
  });
});

describe('password policy', () => {
  const policy = (configuration: Record<string, unknown>): Resource[] => [accountResource(PASSWORD_POLICY_TYPE, 'password-policy', configuration)];
  const cis = { exists: true, minimumPasswordLength: 14, passwordReusePrevention: 24, expirePasswords: true, maxPasswordAge: 90, requireSymbols: true, requireNumbers: true, requireUppercaseCharacters: true, requireLowercaseCharacters: true };
  const none = { exists: false, minimumPasswordLength: null, passwordReusePrevention: null, expirePasswords: false, maxPasswordAge: null, requireSymbols: false, requireNumbers: false, requireUppercaseCharacters: false, requireLowercaseCharacters: false };
  const id = `${ACCOUNT}/password-policy`;
  const controls = ['aws-iam-password-policy-min-length-14', 'aws-iam-password-policy-reuse-24', 'aws-iam-password-policy-expiry-90-days'];

  it('a CIS-grade policy passes all three', () => {
    const a = judge(policy(cis));
    for (const control of controls) expect(findingsOf(a, control)).toEqual({ [id]: { status: 'pass' } });
  });

  it('no policy (NoSuchEntity) fails all three, saying there is none', () => {
    const a = judge(policy(none));
    expect(findingsOf(a, 'aws-iam-password-policy-min-length-14')).toEqual({ [id]: { status: 'fail', reason: `account ${ACCOUNT} has no password policy (IAM default: 8 characters)` } });
    expect(findingsOf(a, 'aws-iam-password-policy-reuse-24')[id]?.status).toBe('fail');
    expect(reasonsJaOf(a, 'aws-iam-password-policy-expiry-90-days')[id]).toBe(`アカウント ${ACCOUNT} にパスワードポリシーが設定されていません（パスワードは失効しません）`);
  });

  it('a weak policy fails each setting with its value', () => {
    const a = judge(policy({ ...cis, minimumPasswordLength: 8, passwordReusePrevention: 5, maxPasswordAge: 180 }));
    expect(findingsOf(a, 'aws-iam-password-policy-min-length-14')[id]).toEqual({ status: 'fail', reason: `account ${ACCOUNT} password policy requires only 8 characters` });
    expect(findingsOf(a, 'aws-iam-password-policy-reuse-24')[id]).toEqual({ status: 'fail', reason: `account ${ACCOUNT} password policy prevents reuse of only the last 5 passwords` });
    expect(findingsOf(a, 'aws-iam-password-policy-expiry-90-days')[id]).toEqual({ status: 'fail', reason: `account ${ACCOUNT} password policy expires passwords after 180 days` });
  });

  it('is unknown when GetAccountPasswordPolicy was denied', () => {
    const denied: CollectionScope[] = [{ ...covered[0]!, types: [CREDENTIAL_REPORT_USER_TYPE], gaps: [{ types: [PASSWORD_POLICY_TYPE], reason: { ja: '拒否', en: 'AWS::IAM::PasswordPolicy could not be read from IAM: AccessDenied' } }] }];
    for (const control of controls) expect(Object.values(findingsOf(judge([], denied), control)).map((f) => f.status)).toEqual(['unknown']);
  });
});

describe('administrative privileges from AWS Config', () => {
  const admin = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  const readOnly = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' }] };

  it('aws-iam-group-no-administrator-access: AdministratorAccess or a *:* inline policy fails', () => {
    const group = (name: string, attached: string[], inline: unknown[]): Record<string, unknown> =>
      configItem({
        type: 'AWS::IAM::Group',
        id: `AGPA${name.toUpperCase()}`,
        name,
        region: 'global',
        configuration: { path: '/', groupName: name, groupId: `AGPA${name.toUpperCase()}`, arn: `arn:aws:iam::${ACCOUNT}:group/${name}`, createDate: '2025-01-10T04:00:00.000Z', groupPolicyList: inline, attachedManagedPolicies: attached.map((p) => ({ policyArn: `arn:aws:iam::aws:policy/${p}`, policyName: p })) },
      });
    const f = findingsOf(
      assess([
        group('admins', ['AdministratorAccess'], []),
        group('wild', [], [{ policyName: 'everything', policyDocument: urlEncodedPolicy({ ...admin, Statement: [{ Effect: 'Allow', Action: '*:*', Resource: '*' }] }) }]),
        group('readers', ['ReadOnlyAccess'], [{ policyName: 'get', policyDocument: urlEncodedPolicy(readOnly) }]),
      ]),
      'aws-iam-group-no-administrator-access',
    );
    expect(f).toEqual({
      AGPAADMINS: { status: 'fail', reason: 'group admins grants AdministratorAccess attached' },
      AGPAWILD: { status: 'fail', reason: 'group wild grants inline policy everything allowing *:*' },
      AGPAREADERS: { status: 'pass' },
    });
  });

  it('aws-iam-role-no-administrator-access: fails an admin role, asking for an exception if designated', () => {
    const role = (name: string, attached: string[]): Record<string, unknown> =>
      configItem({
        type: 'AWS::IAM::Role',
        id: `AROA${name.toUpperCase().replace(/-/g, '')}`,
        name,
        region: 'global',
        configuration: { path: '/', roleName: name, arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, createDate: '2025-01-10T04:00:00.000Z', assumeRolePolicyDocument: urlEncodedPolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }), rolePolicyList: [], attachedManagedPolicies: attached.map((p) => ({ policyArn: `arn:aws:iam::aws:policy/${p}`, policyName: p })), instanceProfileList: [], permissionsBoundary: null, tags: [] },
      });
    const f = findingsOf(assess([role('break-glass', ['AdministratorAccess']), role('app', ['ReadOnlyAccess'])]), 'aws-iam-role-no-administrator-access');
    expect(f['AROABREAKGLASS']).toEqual({ status: 'fail', reason: 'role break-glass has AdministratorAccess attached; register it as an exception if it is a designated administrator role' });
    expect(f['AROAAPP']).toEqual({ status: 'pass' });
  });

  it('aws-iam-customer-policy-no-administrative-privileges: an attached *:* default version fails; unattached or non-default versions do not', () => {
    const policy = (name: string, attachmentCount: number | undefined, versions: { document: unknown; isDefaultVersion: boolean }[]): Record<string, unknown> =>
      configItem({
        type: 'AWS::IAM::Policy',
        id: `ANPA${name.toUpperCase()}`,
        name,
        region: 'global',
        configuration: {
          policyName: name,
          policyId: `ANPA${name.toUpperCase()}`,
          arn: `arn:aws:iam::${ACCOUNT}:policy/${name}`,
          path: '/',
          defaultVersionId: 'v2',
          ...(attachmentCount === undefined ? {} : { attachmentCount }),
          permissionsBoundaryUsageCount: 0,
          isAttachable: true,
          policyVersionList: versions.map((v, i) => ({ document: urlEncodedPolicy(v.document), versionId: `v${i + 1}`, isDefaultVersion: v.isDefaultVersion, createDate: '2025-01-10T04:00:00.000Z' })),
        },
      });
    const f = findingsOf(
      assess([
        policy('godmode', 2, [{ document: readOnly, isDefaultVersion: false }, { document: admin, isDefaultVersion: true }]),
        policy('fixed', 1, [{ document: admin, isDefaultVersion: false }, { document: readOnly, isDefaultVersion: true }]),
        policy('unused', 0, [{ document: admin, isDefaultVersion: true }]),
        policy('uncounted', undefined, [{ document: admin, isDefaultVersion: true }]),
      ]),
      'aws-iam-customer-policy-no-administrative-privileges',
    );
    expect(f['ANPAGODMODE']).toEqual({ status: 'fail', reason: 'policy godmode allows *:* in its default version and is attached to 2 entities' });
    expect(f['ANPAFIXED']).toEqual({ status: 'pass' });
    expect(f['ANPAUNUSED']).toBeUndefined();
    // Without attachmentCount, applicability is undecidable: unknown, not a silent pass.
    expect(f['ANPAUNCOUNTED']?.status).toBe('unknown');
  });
});
