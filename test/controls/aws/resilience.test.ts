/** Availability and backup (mappings/controls/aws/resilience.yaml). */
import { assess, configItem, findingsOf, reasonsJaOf } from '../../support/evaluate.js';
import { normalizeConfigItem } from '../../../collectors/aws/normalize.js';
import type { CollectionScope } from '../../../src/model/resource.js';
import { ACCOUNT, collected, collectionFailed, rdkItem, selectRows } from '../../fixtures/aws/samples.js';

function dbInstance(name: string, extra: Record<string, unknown>): Record<string, unknown> {
  return configItem({
    type: 'AWS::RDS::DBInstance',
    id: `db-${name.toUpperCase()}`,
    name,
    arn: `arn:aws:rds:ap-northeast-1:${ACCOUNT}:db:${name}`,
    configuration: { dBInstanceIdentifier: name, engine: 'postgres', engineVersion: '16.4', dBInstanceClass: 'db.m7g.large', storageEncrypted: true, ...extra },
  });
}

function custodianClusters(): Record<string, unknown>[] {
  return selectRows('select_rds_cluster').map((row) => {
    const configuration = row.configuration as Record<string, unknown>;
    return { ...row, resourceType: 'AWS::RDS::DBCluster', resourceName: configuration.dbclusterIdentifier, awsAccountId: '644160558196', awsRegion: 'us-east-2' };
  });
}

describe('aws-rds-multi-az', () => {
  const control = 'aws-rds-multi-az';

  it('passes the aws-config-rdk Multi-AZ instance and the provisioned Custodian cluster, skips Aurora Serverless v1', () => {
    const f = findingsOf(assess([rdkItem('AWS_RDS_DBInstance'), ...custodianClusters()]), control);
    expect(f['db-HHTTSRD6HXUIKXPFPI6WFVZ4PA']).toEqual({ status: 'pass' });
    expect(f['cluster-MPL6FOB4KMWTPPCZB3YS7RUSYM']).toEqual({ status: 'pass' });
    expect(f['cluster-H6LU56TOHIKJLGS5GVL52DBOOE']).toBeUndefined();
  });

  it('fails a single-AZ instance and does not judge cluster members or read replicas', () => {
    const f = findingsOf(
      assess([
        dbInstance('orders', { multiAZ: false }),
        dbInstance('aurora-writer', { multiAZ: false, dBClusterIdentifier: 'ledger', engine: 'aurora-postgresql' }),
        dbInstance('orders-replica', { multiAZ: false, readReplicaSourceDBInstanceIdentifier: 'orders' }),
      ]),
      control,
    );
    expect(f).toEqual({ 'db-ORDERS': { status: 'fail', reason: 'DB instance orders runs in a single Availability Zone (multiAZ = false)' } });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    expect(reasonsJaOf(assess([dbInstance('orders', { multiAZ: false })]), control)['db-ORDERS']).toBe('DB インスタンス orders が単一のアベイラビリティーゾーンで稼働しています（multiAZ = false）');
  });

  it('is unknown when multiAZ is not recorded', () => {
    expect(findingsOf(assess([dbInstance('mystery', {})]), control)['db-MYSTERY']?.status).toBe('unknown');
  });
});

describe('aws-rds-backup-retention', () => {
  const control = 'aws-rds-backup-retention';

  it('passes 7 days (aws-config-rdk instance), fails the 5-day Custodian clusters and a disabled backup', () => {
    const f = findingsOf(assess([rdkItem('AWS_RDS_DBInstance'), ...custodianClusters(), dbInstance('scratch', { backupRetentionPeriod: 0 })]), control);
    expect(f['db-HHTTSRD6HXUIKXPFPI6WFVZ4PA']).toEqual({ status: 'pass' });
    expect(f['cluster-MPL6FOB4KMWTPPCZB3YS7RUSYM']).toEqual({ status: 'fail', reason: 'backupRetentionPeriod 5 < 7 days' });
    expect(f['db-SCRATCH']).toEqual({ status: 'fail', reason: 'backupRetentionPeriod 0 < 7 days' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    expect(reasonsJaOf(assess([dbInstance('scratch', { backupRetentionPeriod: 0 })]), control)['db-SCRATCH']).toBe('自動バックアップの保持期間（backupRetentionPeriod）が 0 日で、7 日未満です');
  });

  it('is unknown without backupRetentionPeriod', () => {
    expect(findingsOf(assess([dbInstance('mystery', {})]), control)['db-MYSTERY']?.status).toBe('unknown');
  });
});

describe('aws-dynamodb-pitr-enabled', () => {
  const control = 'aws-dynamodb-pitr-enabled';
  const table = (name: string, status?: string): Record<string, unknown> =>
    configItem({
      type: 'AWS::DynamoDB::Table',
      id: name,
      configuration: { tableName: name, tableStatus: 'ACTIVE', tableArn: `arn:aws:dynamodb:ap-northeast-1:${ACCOUNT}:table/${name}` },
      supplementary:
        status === undefined
          ? {}
          : { ContinuousBackupsDescription: { continuousBackupsStatus: status, pointInTimeRecoveryDescription: { pointInTimeRecoveryStatus: status } } },
    });

  it('passes ENABLED, fails DISABLED, is unknown without the continuous-backups document', () => {
    const f = findingsOf(assess([table('orders', 'ENABLED'), table('sessions', 'DISABLED'), table('legacy')]), control);
    expect(f.orders).toEqual({ status: 'pass' });
    expect(f.sessions).toEqual({ status: 'fail', reason: 'point-in-time recovery of table sessions is DISABLED' });
    expect(f.legacy?.status).toBe('unknown');
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    expect(reasonsJaOf(assess([table('sessions', 'DISABLED')]), control).sessions).toBe('テーブル sessions のポイントインタイムリカバリが DISABLED です');
  });
});

describe('aws-backup-plan-in-use (exists per account)', () => {
  const control = 'aws-backup-plan-in-use';
  const plan = (id: string, rules: unknown[]): Record<string, unknown> =>
    configItem({
      type: 'AWS::Backup::BackupPlan',
      id,
      name: 'daily-35d',
      arn: `arn:aws:backup:ap-northeast-1:${ACCOUNT}:backup-plan:${id}`,
      configuration: { BackupPlanId: id, BackupPlan: { BackupPlanName: 'daily-35d', BackupPlanRule: rules } },
    });
  const daily = { RuleName: 'daily', TargetBackupVault: 'Default', ScheduleExpression: 'cron(0 17 * * ? *)', Lifecycle: { DeleteAfterDays: 35 } };
  const selection = (planId: string): Record<string, unknown> =>
    configItem({
      type: 'AWS::Backup::BackupSelection',
      id: 'b5e0a1c2-3d4e-4f50-8a6b-7c8d9e0f1a2b',
      configuration: { BackupPlanId: planId, SelectionId: 'b5e0a1c2-3d4e-4f50-8a6b-7c8d9e0f1a2b', BackupSelection: { SelectionName: 'tagged', IamRoleArn: `arn:aws:iam::${ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole`, Resources: ['*'] } },
    });

  it('passes a plan with rules and an assigned selection', () => {
    const f = findingsOf(assess([plan('3c1f9e2a-0000-4000-8000-00000000000a', [daily]), selection('3c1f9e2a-0000-4000-8000-00000000000a')]), control);
    expect(f['3c1f9e2a-0000-4000-8000-00000000000a']?.status).toBe('pass');
  });

  it('fails without a plan, or with a plan that backs nothing up', () => {
    expect(findingsOf(assess([], [collected()]), control)[ACCOUNT]).toEqual({ status: 'fail', reason: 'no AWS::Backup::BackupPlan in this account' });
    expect(findingsOf(assess([plan('3c1f9e2a-0000-4000-8000-00000000000b', [daily])]), control)[ACCOUNT]).toEqual({
      status: 'fail',
      reason: 'none of 1 AWS::Backup::BackupPlan qualifies: 3c1f9e2a-0000-4000-8000-00000000000b: no backup selection assigns resources to the plan',
    });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    expect(reasonsJaOf(assess([plan('3c1f9e2a-0000-4000-8000-00000000000b', [daily])]), control)[ACCOUNT]).toBe(
      'AWS::Backup::BackupPlan 1 件のいずれも条件を満たしていません: 3c1f9e2a-0000-4000-8000-00000000000b: プランにリソースを割り当てるバックアップ選択がありません',
    );
  });

  it('is unknown when collection failed', () => {
    expect(findingsOf(assess([], [collectionFailed()]), control)[ACCOUNT]?.status).toBe('unknown');
  });
});

describe('aws-backup-restore-testing-plan-exists (exists per account)', () => {
  const control = 'aws-backup-restore-testing-plan-exists';
  const restorePlan = configItem({
    type: 'AWS::Backup::RestoreTestingPlan',
    id: 'monthly_restore_test',
    configuration: {
      RestoreTestingPlanName: 'monthly_restore_test',
      ScheduleExpression: 'cron(0 1 ? * 1 *)',
      RecoveryPointSelection: { Algorithm: 'LATEST_WITHIN_WINDOW', IncludeVaults: ['*'], RecoveryPointTypes: ['SNAPSHOT'] },
    },
  });

  it('passes when a plan exists, fails when none does, is unknown when collection failed', () => {
    expect(findingsOf(assess([restorePlan]), control).monthly_restore_test?.status).toBe('pass');
    expect(findingsOf(assess([], [collected()]), control)[ACCOUNT]).toEqual({ status: 'fail', reason: 'no AWS::Backup::RestoreTestingPlan in this account' });
    expect(findingsOf(assess([], [collectionFailed()]), control)[ACCOUNT]?.status).toBe('unknown');
  });
});

describe('aws-data-store-recent-backup (recovery points as context)', () => {
  const control = 'aws-data-store-recent-backup';
  const REGION = 'ap-northeast-1';
  const volumeArn = (id: string): string => `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/${id}`;
  const volume = (id: string): Record<string, unknown> =>
    configItem({ type: 'AWS::EC2::Volume', id, name: '', arn: volumeArn(id), configuration: { volumeId: id, size: 100, volumeType: 'gp3', state: 'in-use', encrypted: true } });
  const bucket = (name: string): Record<string, unknown> =>
    configItem({ type: 'AWS::S3::Bucket', id: name, arn: `arn:aws:s3:::${name}`, configuration: { name } });
  // An AWS::Backup::RecoveryPoint item (awslabs/aws-config-resource-schema); NOW (test support) is 2026-11-01T00:00:00Z.
  const recoveryPoint = (resourceArn: string | undefined, resourceType: string, fields: Record<string, unknown>, region = REGION): Record<string, unknown> => {
    const snapshot = `snap-0${Math.abs(JSON.stringify([resourceArn, fields]).split('').reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7)).toString(16)}`;
    const recoveryPointArn = `arn:aws:ec2:${region}::snapshot/${snapshot}`;
    const configuration: Record<string, unknown> = {
      RecoveryPointArn: recoveryPointArn,
      BackupVaultName: 'Default',
      BackupVaultArn: `arn:aws:backup:${region}:${ACCOUNT}:backup-vault:Default`,
      ...(resourceArn === undefined ? {} : { ResourceArn: resourceArn }),
      ResourceType: resourceType,
      CreatedBy: { BackupPlanId: '3c1f9e2a-0000-4000-8000-00000000000a', BackupPlanArn: `arn:aws:backup:${region}:${ACCOUNT}:backup-plan:3c1f9e2a-0000-4000-8000-00000000000a`, BackupPlanVersion: 'ZmI5NzM2', BackupRuleId: 'f2a3b4c5-1111-4222-8333-944455556666' },
      IamRoleArn: `arn:aws:iam::${ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole`,
      Status: 'COMPLETED',
      CreationDate: '2026-10-31T17:04:12.000Z',
      CompletionDate: '2026-10-31T17:21:40.000Z',
      BackupSizeInBytes: 107374182400,
      Lifecycle: { DeleteAfterDays: 35 },
      IsEncrypted: true,
      StorageClass: 'WARM',
      ...fields,
    };
    // A field given as undefined is one AWS Config did not record.
    for (const [key, value] of Object.entries(configuration)) if (value === undefined) delete configuration[key];
    return configItem({
      type: 'AWS::Backup::RecoveryPoint',
      id: recoveryPointArn,
      arn: recoveryPointArn,
      region,
      configuration,
    });
  };

  it('passes a store whose newest usable recovery point is at most 48 hours old (COMPLETED or AVAILABLE; a copy elsewhere counts)', () => {
    const f = findingsOf(
      assess([
        volume('vol-0a1'),
        recoveryPoint(volumeArn('vol-0a1'), 'EBS', { CreationDate: '2026-10-20T17:00:00.000Z' }),
        recoveryPoint(volumeArn('vol-0a1'), 'EBS', { CreationDate: '2026-10-30T00:00:00.000Z', Status: 'AVAILABLE' }),
        bucket('orders-archive'),
        recoveryPoint('arn:aws:s3:::orders-archive', 'S3', { CreationDate: '2026-10-31T17:00:00.000Z' }, 'ap-northeast-3'),
      ], [collected(), collected('ap-northeast-3')]),
      control,
    );
    expect(f['vol-0a1']).toEqual({ status: 'pass' });
    expect(f['orders-archive']).toEqual({ status: 'pass' });
  });

  it('fails a store without a recovery point, with only old ones, or with none usable', () => {
    const f = findingsOf(
      assess([
        volume('vol-0b1'),
        volume('vol-0b2'),
        recoveryPoint(volumeArn('vol-0b2'), 'EBS', { CreationDate: '2026-10-28T23:30:00.000Z' }),
        recoveryPoint(volumeArn('vol-0b2'), 'EBS', { CreationDate: '2026-10-20T17:00:00.000Z' }),
        volume('vol-0b3'),
        recoveryPoint(volumeArn('vol-0b3'), 'EBS', { Status: 'PARTIAL' }),
        recoveryPoint(volumeArn('vol-0b3'), 'EBS', { Status: 'EXPIRED', CreationDate: '2026-10-31T20:00:00.000Z' }),
      ]),
      control,
    );
    expect(f['vol-0b1']).toEqual({ status: 'fail', reason: 'vol-0b1 has no AWS Backup recovery point' });
    expect(f['vol-0b2']).toEqual({ status: 'fail', reason: 'vol-0b2: its newest AWS Backup recovery point was created 72 hours ago, over 48' });
    expect(f['vol-0b3']).toEqual({ status: 'fail', reason: 'vol-0b3 has no usable AWS Backup recovery point (status PARTIAL, EXPIRED)' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const a = assess([volume('vol-0b1'), volume('vol-0b2'), recoveryPoint(volumeArn('vol-0b2'), 'EBS', { CreationDate: '2026-10-28T23:30:00.000Z' })]);
    expect(reasonsJaOf(a, control)['vol-0b1']).toBe('vol-0b1 には AWS Backup の復旧ポイントがありません');
    expect(reasonsJaOf(a, control)['vol-0b2']).toBe('vol-0b2 の最新の AWS Backup の復旧ポイントは 72 時間前に作成されており、48 時間を超えています');
  });

  it('judges an Aurora cluster, not its member instances or read replicas', () => {
    const cluster = configItem({ type: 'AWS::RDS::DBCluster', id: 'cluster-LEDGER', name: 'ledger', arn: `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:ledger`, configuration: { dBClusterIdentifier: 'ledger', engine: 'aurora-postgresql' } });
    const f = findingsOf(
      assess([
        cluster,
        recoveryPoint(`arn:aws:rds:${REGION}:${ACCOUNT}:cluster:ledger`, 'Aurora', {}),
        dbInstance('ledger-writer', { dBClusterIdentifier: 'ledger', engine: 'aurora-postgresql' }),
        dbInstance('orders-replica', { readReplicaSourceDBInstanceIdentifier: 'orders' }),
        dbInstance('orders', {}),
      ]),
      control,
    );
    expect(f).toEqual({ 'cluster-LEDGER': { status: 'pass' }, 'db-ORDERS': { status: 'fail', reason: 'orders has no AWS Backup recovery point' } });
  });

  it('is unknown, never a pass or a fail, when recovery points are not recorded or not collected where the store is', () => {
    const notRecorded: CollectionScope = {
      ...collected(),
      types: ['AWS::EC2::Volume'],
      gaps: [{ types: ['AWS::Backup::RecoveryPoint'], reason: { ja: 'ap-northeast-1 では AWS Config が AWS::Backup::RecoveryPoint を記録していません', en: 'AWS Config does not record AWS::Backup::RecoveryPoint in ap-northeast-1' } }],
    };
    // Only a stale recovery point is visible: without coverage it proves neither way.
    const items = [volume('vol-0c1'), recoveryPoint(volumeArn('vol-0c1'), 'EBS', { CreationDate: '2026-10-01T00:00:00.000Z' }), volume('vol-0c2')];
    // Recorded in another Region of the account, not in the store's: the store's own Region decides.
    const f = findingsOf(assess(items, [notRecorded, collected('ap-northeast-3')]), control);
    expect(f['vol-0c1']?.status).toBe('unknown');
    expect(f['vol-0c2']?.status).toBe('unknown');
    expect(f['vol-0c2']?.reason).toBe('the AWS::Backup::RecoveryPoint this check reads is not covered: AWS Config does not record AWS::Backup::RecoveryPoint in ap-northeast-1');
    // Recorded nowhere in the account.
    expect(findingsOf(assess(items, [notRecorded]), control)['vol-0c2']?.status).toBe('unknown');
    // A region whose collection failed may hold the store's recovery points (copies keep the source's ARN).
    expect(findingsOf(assess(items, [collected(), collectionFailed('ap-northeast-3')]), control)['vol-0c2']?.status).toBe('unknown');
  });

  it('is unknown when what decides is not recorded: Status, CreationDate, the store ARN, an unattributed recovery point', () => {
    const f = findingsOf(
      assess([
        volume('vol-0d1'),
        recoveryPoint(volumeArn('vol-0d1'), 'EBS', { Status: undefined }),
        volume('vol-0d2'),
        recoveryPoint(volumeArn('vol-0d2'), 'EBS', { CreationDate: undefined }),
        configItem({ type: 'AWS::EC2::Volume', id: 'vol-0d3', arn: '', configuration: { volumeId: 'vol-0d3' } }),
      ]),
      control,
    );
    expect(f['vol-0d1']).toEqual({ status: 'unknown', reason: "cannot evaluate: a recovery point's Status is not recorded" });
    expect(f['vol-0d2']).toEqual({ status: 'unknown', reason: "cannot evaluate: a usable recovery point's CreationDate is not recorded, so its age is not known" });
    expect(f['vol-0d3']).toEqual({ status: 'unknown', reason: "cannot evaluate: the resource's ARN is not recorded, so no recovery point can be matched to it" });
    const orphan = findingsOf(assess([volume('vol-0e1'), recoveryPoint(undefined, 'EBS', {})]), control);
    expect(orphan['vol-0e1']).toEqual({ status: 'unknown', reason: "cannot evaluate: a recovery point of this account has no ResourceArn recorded: it may be this resource's" });
    // A recent recovery point of the store itself still decides.
    expect(findingsOf(assess([volume('vol-0e2'), recoveryPoint(volumeArn('vol-0e2'), 'EBS', {}), recoveryPoint(undefined, 'EBS', {})]), control)['vol-0e2']).toEqual({ status: 'pass' });
  });
});

describe('normalizing an AWS Backup recovery point item', () => {
  const configuration = (creationDate: unknown, observedAt?: Date): Record<string, unknown> => {
    const item = configItem({ type: 'AWS::Backup::RecoveryPoint', id: 'arn:aws:ec2:ap-northeast-1::snapshot/snap-0f00d', configuration: { Status: 'COMPLETED', CreationDate: creationDate } });
    const outcome = normalizeConfigItem(item, observedAt);
    return outcome.kind === 'resource' ? outcome.resource.configuration : {};
  };

  it('counts the age in whole hours from the reading time (not the capture time), and adds nothing without one', () => {
    expect(configuration('2026-10-31T17:04:12.000Z', new Date('2026-11-01T00:00:00Z'))).toMatchObject({ creationDateAgeHours: 6, creationDateAgeAsOf: '2026-11-01T00:00:00.000Z' });
    // Epoch seconds, the Backup API's own form of the date, read alike.
    expect(configuration(Date.parse('2026-10-29T00:00:00Z') / 1000, new Date('2026-11-01T00:00:00Z')).creationDateAgeHours).toBe(72);
    expect(configuration('2026-10-31T17:04:12.000Z')).not.toHaveProperty('creationDateAgeHours');
    expect(configuration('not a date', new Date('2026-11-01T00:00:00Z'))).not.toHaveProperty('creationDateAgeHours');
  });
});
