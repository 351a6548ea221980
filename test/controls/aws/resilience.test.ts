/** Availability and backup (mappings/controls/aws/resilience.yaml). */
import { assess, configItem, findingsOf, reasonsJaOf } from '../../support/evaluate.js';
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
