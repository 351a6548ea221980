/** Data-leak prevention (mappings/controls/aws/dataleak.yaml). */
import { assess, configItem, findingsOf, reasonsJaOf } from '../../support/evaluate.js';
import { ACCOUNT, collected, collectionFailed, rdkItem } from '../../fixtures/aws/samples.js';

const ALL_ON = { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true };

function accountBlock(settings: Record<string, boolean>): Record<string, unknown> {
  return configItem({ type: 'AWS::S3::AccountPublicAccessBlock', id: ACCOUNT, arn: '', configuration: settings });
}

function bucket(name: string, supplementary: Record<string, unknown>): Record<string, unknown> {
  return configItem({ type: 'AWS::S3::Bucket', id: name, arn: `arn:aws:s3:::${name}`, configuration: { name, creationDate: '2025-04-01T02:00:00.000Z' }, supplementary });
}

describe('aws-s3-account-public-access-block (exists per account)', () => {
  const control = 'aws-s3-account-public-access-block';

  it('passes the aws-config-rdk account block with every setting on', () => {
    expect(findingsOf(assess([rdkItem('AWS_S3_AccountPublicAccessBlock')]), control)['123456789012']?.status).toBe('pass');
  });

  it('fails when settings are off or the block was never configured', () => {
    expect(findingsOf(assess([accountBlock({ ...ALL_ON, blockPublicPolicy: false, restrictPublicBuckets: false })]), control)[ACCOUNT]).toEqual({
      status: 'fail',
      reason: `none of 1 AWS::S3::AccountPublicAccessBlock qualifies: ${ACCOUNT}: blockPublicPolicy is off, restrictPublicBuckets is off`,
    });
    expect(findingsOf(assess([], [collected()]), control)[ACCOUNT]).toEqual({ status: 'fail', reason: 'no AWS::S3::AccountPublicAccessBlock in this account' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    expect(reasonsJaOf(assess([accountBlock({ ...ALL_ON, blockPublicPolicy: false, restrictPublicBuckets: false })]), control)[ACCOUNT]).toBe(
      `AWS::S3::AccountPublicAccessBlock 1 件のいずれも条件を満たしていません: ${ACCOUNT}: blockPublicPolicy が無効です、restrictPublicBuckets が無効です`,
    );
  });

  it('is unknown when the account could not be collected', () => {
    expect(findingsOf(assess([], [collectionFailed()]), control)[ACCOUNT]?.status).toBe('unknown');
  });
});

describe('aws-s3-bucket-public-access-block', () => {
  const control = 'aws-s3-bucket-public-access-block';

  it('does not apply to buckets of an account whose account-level block is fully on (the account control covers them)', () => {
    const a = assess([accountBlock(ALL_ON), bucket('no-own-block', {})]);
    expect(findingsOf(a, control)['no-own-block']).toBeUndefined();
    expect(findingsOf(a, 'aws-s3-account-public-access-block')).toEqual({ '111122223333': expect.objectContaining({ status: 'pass' }) as unknown });
  });

  it('without the account-level block, passes a fully blocked bucket and fails the others, naming what is off', () => {
    const f = findingsOf(
      assess([
        accountBlock({ ...ALL_ON, restrictPublicBuckets: false }),
        bucket('locked', { PublicAccessBlockConfiguration: ALL_ON }),
        bucket('half-open', { PublicAccessBlockConfiguration: { ...ALL_ON, ignorePublicAcls: false } }),
        bucket('open', {}),
      ]),
      control,
    );
    expect(f.locked).toEqual({ status: 'pass' });
    expect(f['half-open']).toEqual({ status: 'fail', reason: 'bucket half-open: ignorePublicAcls is off, and the account-level block is not fully on' });
    expect(f.open).toEqual({ status: 'fail', reason: 'bucket open has no Block Public Access configuration and the account-level block is not fully on' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const ja = reasonsJaOf(
      assess([accountBlock({ ...ALL_ON, restrictPublicBuckets: false }), bucket('half-open', { PublicAccessBlockConfiguration: { ...ALL_ON, ignorePublicAcls: false } }), bucket('open', {})]),
      control,
    );
    expect(ja['half-open']).toBe('バケット half-open: ignorePublicAcls が無効で、アカウント単位のブロックも完全には有効になっていません');
    expect(ja.open).toBe('バケット open にブロックパブリックアクセスの設定がなく、アカウント単位のブロックも完全には有効になっていません');
  });

  it('is unknown when the bucket item is malformed', () => {
    expect(findingsOf(assess([bucket('garbled', { PublicAccessBlockConfiguration: '{"blockPublicAcls":' })]), control).garbled?.status).toBe('unknown');
  });
});

describe('aws-rds-not-publicly-accessible', () => {
  const control = 'aws-rds-not-publicly-accessible';
  const instance = (name: string, extra: Record<string, unknown>): Record<string, unknown> =>
    configItem({ type: 'AWS::RDS::DBInstance', id: `db-${name.toUpperCase()}`, name, configuration: { dBInstanceIdentifier: name, engine: 'mysql', ...extra } });

  it('fails the aws-config-rdk public instance, passes a private one, is unknown without the flag', () => {
    const f = findingsOf(assess([rdkItem('AWS_RDS_DBInstance'), instance('private', { publiclyAccessible: false }), instance('unknown', {})]), control);
    expect(f['db-HHTTSRD6HXUIKXPFPI6WFVZ4PA']).toEqual({ status: 'fail', reason: 'DB instance myrdstest is publicly accessible (publiclyAccessible = true)' });
    expect(f['db-PRIVATE']).toEqual({ status: 'pass' });
    expect(f['db-UNKNOWN']?.status).toBe('unknown');
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    expect(reasonsJaOf(assess([rdkItem('AWS_RDS_DBInstance')]), control)['db-HHTTSRD6HXUIKXPFPI6WFVZ4PA']).toBe(
      'DB インスタンス myrdstest がパブリックアクセス可能になっています（publiclyAccessible = true）',
    );
  });
});

describe('aws-rds-snapshot-not-public', () => {
  const control = 'aws-rds-snapshot-not-public';
  const snapshot = (type: string, id: string, attributes: unknown): Record<string, unknown> =>
    configItem({
      type,
      id,
      configuration: type === 'AWS::RDS::DBSnapshot' ? { dBSnapshotIdentifier: id, encrypted: true } : { dbclusterSnapshotIdentifier: id, storageEncrypted: true },
      supplementary: attributes === undefined ? {} : { [type === 'AWS::RDS::DBSnapshot' ? 'DBSnapshotAttributes' : 'DBClusterSnapshotAttributes']: attributes },
    });

  it('passes snapshots shared with named accounts or not at all, fails a public one', () => {
    const f = findingsOf(
      assess([
        snapshot('AWS::RDS::DBSnapshot', 'shared-with-dr', [{ attributeName: 'restore', attributeValues: ['444455556666'] }]),
        snapshot('AWS::RDS::DBClusterSnapshot', 'private-cluster-snap', [{ attributeName: 'restore', attributeValues: [] }]),
        snapshot('AWS::RDS::DBSnapshot', 'public-snap', [{ attributeName: 'restore', attributeValues: ['all'] }]),
      ]),
      control,
    );
    expect(f['shared-with-dr']).toEqual({ status: 'pass' });
    expect(f['private-cluster-snap']).toEqual({ status: 'pass' });
    expect(f['public-snap']).toEqual({ status: 'fail', reason: 'snapshot public-snap can be restored by any AWS account (restore attribute: all)' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const ja = reasonsJaOf(assess([snapshot('AWS::RDS::DBSnapshot', 'public-snap', [{ attributeName: 'restore', attributeValues: ['all'] }])]), control);
    expect(ja['public-snap']).toBe('スナップショット public-snap はどの AWS アカウントからも復元できる状態です（restore 属性: all）');
  });

  it('is unknown when the sharing attributes were not recorded', () => {
    expect(findingsOf(assess([snapshot('AWS::RDS::DBSnapshot', 'no-attributes', undefined)]), control)['no-attributes']?.status).toBe('unknown');
  });
});
