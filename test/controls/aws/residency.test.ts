/** Data residency (mappings/controls/aws/residency.yaml). */
import { assess, configItem, findingsOf, reasonsJaOf } from '../../support/evaluate.js';
import { ACCOUNT, rdkItem } from '../../fixtures/aws/samples.js';

function bucket(name: string, region: string, supplementary: Record<string, unknown> = {}): Record<string, unknown> {
  return configItem({ type: 'AWS::S3::Bucket', id: name, region, arn: `arn:aws:s3:::${name}`, configuration: { name, creationDate: '2025-04-01T02:00:00.000Z' }, supplementary });
}

describe('aws-data-stored-in-japan', () => {
  const control = 'aws-data-stored-in-japan';

  it('passes data stores in Tokyo and Osaka and ignores global resources', () => {
    const f = findingsOf(
      assess([
        bucket('tokyo-data', 'ap-northeast-1'),
        configItem({ type: 'AWS::DynamoDB::Table', id: 'orders', region: 'ap-northeast-3', configuration: { tableName: 'orders', tableStatus: 'ACTIVE' } }),
        configItem({ type: 'AWS::IAM::Role', id: 'AROAEXAMPLEROLE00001', region: 'global', name: 'deploy', configuration: { roleName: 'deploy', assumeRolePolicyDocument: '%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D' } }),
      ]),
      control,
    );
    expect(f).toEqual({ 'tokyo-data': { status: 'pass' }, orders: { status: 'pass' } });
  });

  it('fails the aws-config-rdk bucket and DB instance recorded in us-east-1', () => {
    const f = findingsOf(assess([rdkItem('AWS_S3_Bucket'), rdkItem('AWS_RDS_DBInstance')]), control);
    expect(f['mborch-test-bucket-config-item']).toEqual({ status: 'fail', reason: 'region us-east-1 is outside Japan' });
    expect(f['db-HHTTSRD6HXUIKXPFPI6WFVZ4PA']).toEqual({ status: 'fail', reason: 'region us-east-1 is outside Japan' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const item = { ...bucket('somewhere', 'ap-northeast-1') };
    delete item.awsRegion;
    const ja = reasonsJaOf(assess([rdkItem('AWS_S3_Bucket'), item]), control);
    expect(ja['mborch-test-bucket-config-item']).toBe('リージョン us-east-1 は国外です');
    expect(ja.somewhere).toBe('判定できません: この項目には awsRegion（リージョン）が記録されていません');
  });

  it('is unknown for a data store whose item does not say where it is', () => {
    const item = { ...bucket('somewhere', 'ap-northeast-1') };
    delete item.awsRegion;
    const f = findingsOf(assess([item]), control);
    expect(f.somewhere?.status).toBe('unknown');
    expect(f.somewhere?.reason).toContain('awsRegion not recorded for this item');
  });
});

describe('aws-zone-in-japan', () => {
  const control = 'aws-zone-in-japan';
  const subnet = (id: string, zone: string, region = 'ap-northeast-1'): Record<string, unknown> =>
    configItem({ type: 'AWS::EC2::Subnet', id, region, configuration: { subnetId: id, vpcId: 'vpc-0aaa0000000000001', cidrBlock: '10.10.8.0/24', availabilityZone: zone, state: 'available', mapPublicIpOnLaunch: false } });

  it('passes the Regions\' own zones and the KDDI Wavelength Zone in Tokyo', () => {
    const instance = configItem({ type: 'AWS::EC2::Instance', id: 'i-0123456789abcdef0', configuration: { instanceId: 'i-0123456789abcdef0', instanceType: 'm7g.large', placement: { availabilityZone: 'ap-northeast-1c', tenancy: 'default' } } });
    const f = findingsOf(assess([subnet('subnet-0a', 'ap-northeast-1a'), subnet('subnet-0b', 'ap-northeast-3b', 'ap-northeast-3'), subnet('subnet-0wl', 'ap-northeast-1-wl1-nrt-wlz-1'), instance]), control);
    expect(Object.values(f).every((x) => x.status === 'pass')).toBe(true);
    expect(Object.keys(f)).toHaveLength(4);
  });

  it('fails a subnet in the Taipei Local Zone of ap-northeast-1 and a volume in an unknown edge zone', () => {
    const volume = configItem({ type: 'AWS::EC2::Volume', id: 'vol-0edge', configuration: { volumeId: 'vol-0edge', availabilityZone: 'ap-northeast-1-xyz-1a', encrypted: true } });
    const f = findingsOf(assess([subnet('subnet-0tpe', 'ap-northeast-1-tpe-1a'), volume]), control);
    expect(f['subnet-0tpe']).toEqual({ status: 'fail', reason: 'availability zone ap-northeast-1-tpe-1a is the Taipei Local Zone (Taiwan)' });
    expect(f['vol-0edge']).toEqual({ status: 'fail', reason: 'availability zone ap-northeast-1-xyz-1a is an edge zone not known to be in Japan' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const volume = configItem({ type: 'AWS::EC2::Volume', id: 'vol-0edge', configuration: { volumeId: 'vol-0edge', availabilityZone: 'ap-northeast-1-xyz-1a', encrypted: true } });
    const ja = reasonsJaOf(assess([subnet('subnet-0tpe', 'ap-northeast-1-tpe-1a'), volume]), control);
    expect(ja['subnet-0tpe']).toBe('アベイラビリティーゾーン ap-northeast-1-tpe-1a は台北ローカルゾーン（台湾）です');
    expect(ja['vol-0edge']).toBe('アベイラビリティーゾーン ap-northeast-1-xyz-1a は日本国内にあることが確認できないエッジゾーンです');
  });

  it('is unknown when an instance item has no placement, and leaves Regions abroad to aws-data-stored-in-japan', () => {
    const instance = configItem({ type: 'AWS::EC2::Instance', id: 'i-0noplacement', configuration: { instanceId: 'i-0noplacement' } });
    const f = findingsOf(assess([instance, subnet('subnet-0oregon', 'us-west-2a', 'us-west-2')]), control);
    expect(Object.keys(f)).toEqual(['i-0noplacement']);
    expect(f['i-0noplacement']?.status).toBe('unknown');
  });
});

describe('aws-s3-replication-in-japan', () => {
  const control = 'aws-s3-replication-in-japan';
  const replicating = (name: string, rules: Record<string, { target: string; status: string }>): Record<string, unknown> =>
    bucket(name, 'ap-northeast-1', {
      BucketReplicationConfiguration: {
        roleARN: `arn:aws:iam::${ACCOUNT}:role/s3-replication`,
        rules: Object.fromEntries(
          Object.entries(rules).map(([id, r]) => [id, { id, prefix: '', status: r.status, priority: 1, destinationConfig: { bucketARN: `arn:aws:s3:::${r.target}`, storageClass: 'STANDARD_IA' } }]),
        ),
      },
    });

  it('passes replication to Osaka and ignores disabled rules and buckets without replication', () => {
    const f = findingsOf(
      assess([
        replicating('records', { 'to-osaka': { target: 'records-osaka', status: 'Enabled' }, 'old-to-oregon': { target: 'records-oregon', status: 'Disabled' } }),
        bucket('records-osaka', 'ap-northeast-3'),
        bucket('records-oregon', 'us-west-2'),
      ]),
      control,
    );
    expect(f).toEqual({ records: { status: 'pass' } });
  });

  it('fails replication to a bucket in another country, resolving its Region through the inventory', () => {
    const f = findingsOf(assess([replicating('invoices', { dr: { target: 'invoices-dr', status: 'Enabled' } }), bucket('invoices-dr', 'us-west-2')]), control);
    expect(f.invoices).toEqual({ status: 'fail', reason: 'replicates to invoices-dr in us-west-2 (outside Japan)' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const ja = reasonsJaOf(
      assess([replicating('invoices', { dr: { target: 'invoices-dr', status: 'Enabled' } }), bucket('invoices-dr', 'us-west-2'), replicating('shared', { partner: { target: 'partner-bucket', status: 'Enabled' } })]),
      control,
    );
    expect(ja.invoices).toBe('invoices-dr（us-west-2）にレプリケーションしています（国外）');
    expect(ja.shared).toBe('判定できません: レプリケーション先のバケット partner-bucket が収集したインベントリにありません');
  });

  it('is unknown when the destination bucket is not in the inventory', () => {
    const f = findingsOf(assess([replicating('shared', { partner: { target: 'partner-bucket', status: 'Enabled' } })]), control);
    expect(f.shared?.status).toBe('unknown');
    expect(f.shared?.reason).toContain('replication destination bucket partner-bucket is not in the collected inventory');
  });
});

describe('aws-rds-backup-replication-in-japan', () => {
  const control = 'aws-rds-backup-replication-in-japan';
  const instance = (name: string, replications?: unknown): Record<string, unknown> =>
    configItem({
      type: 'AWS::RDS::DBInstance',
      id: `db-${name.toUpperCase()}`,
      name,
      configuration: { dBInstanceIdentifier: name, engine: 'postgres', ...(replications === undefined ? {} : { dBInstanceAutomatedBackupsReplications: replications }) },
    });

  it('passes no replication and replication to Osaka, fails replication to Oregon', () => {
    const f = findingsOf(
      assess([
        instance('plain'),
        instance('to-osaka', [{ dBInstanceAutomatedBackupsArn: `arn:aws:rds:ap-northeast-3:${ACCOUNT}:auto-backup:ab-osaka00000000000000000001` }]),
        instance('to-oregon', [{ dBInstanceAutomatedBackupsArn: `arn:aws:rds:us-west-2:${ACCOUNT}:auto-backup:ab-oregon0000000000000000001` }]),
      ]),
      control,
    );
    expect(f['db-PLAIN']).toEqual({ status: 'pass' });
    expect(f['db-TO-OSAKA']).toEqual({ status: 'pass' });
    expect(f['db-TO-OREGON']).toEqual({ status: 'fail', reason: 'automated backups replicated to us-west-2 (outside Japan)' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const ja = reasonsJaOf(assess([instance('to-oregon', [{ dBInstanceAutomatedBackupsArn: `arn:aws:rds:us-west-2:${ACCOUNT}:auto-backup:ab-oregon0000000000000000001` }])]), control);
    expect(ja['db-TO-OREGON']).toBe('自動バックアップが us-west-2 に複製されています（国外）');
  });

  it('is unknown when a replication entry has no ARN', () => {
    expect(findingsOf(assess([instance('odd', [{}])]), control)['db-ODD']?.status).toBe('unknown');
  });
});

describe('aws-backup-copy-in-japan', () => {
  const control = 'aws-backup-copy-in-japan';
  const plan = (id: string, name: string, copyTo: string[] | undefined): Record<string, unknown> =>
    configItem({
      type: 'AWS::Backup::BackupPlan',
      id,
      name,
      configuration: {
        BackupPlanId: id,
        BackupPlanArn: `arn:aws:backup:ap-northeast-1:${ACCOUNT}:backup-plan:${id}`,
        BackupPlan: {
          BackupPlanName: name,
          BackupPlanRule: [
            {
              RuleName: 'daily', TargetBackupVault: 'Default', ScheduleExpression: 'cron(0 17 * * ? *)', StartWindowMinutes: 60, CompletionWindowMinutes: 180, Lifecycle: { DeleteAfterDays: 35 },
              ...(copyTo === undefined ? {} : { CopyActions: copyTo.map((arn) => ({ DestinationBackupVaultArn: arn, Lifecycle: { DeleteAfterDays: 35 } })) }),
            },
          ],
        },
      },
    });

  it('passes plans without copies or copying to Osaka, fails a copy to Oregon', () => {
    const oregon = `arn:aws:backup:us-west-2:${ACCOUNT}:backup-vault:dr-vault`;
    const f = findingsOf(
      assess([
        plan('1a2b3c4d-0000-4000-8000-000000000001', 'local-only', undefined),
        plan('1a2b3c4d-0000-4000-8000-000000000002', 'to-osaka', [`arn:aws:backup:ap-northeast-3:${ACCOUNT}:backup-vault:osaka-vault`]),
        plan('1a2b3c4d-0000-4000-8000-000000000003', 'to-oregon', [oregon]),
      ]),
      control,
    );
    expect(f['1a2b3c4d-0000-4000-8000-000000000001']).toEqual({ status: 'pass' });
    expect(f['1a2b3c4d-0000-4000-8000-000000000002']).toEqual({ status: 'pass' });
    expect(f['1a2b3c4d-0000-4000-8000-000000000003']).toEqual({ status: 'fail', reason: `backup plan to-oregon copies to ${oregon} (outside Japan)` });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const oregon = `arn:aws:backup:us-west-2:${ACCOUNT}:backup-vault:dr-vault`;
    expect(reasonsJaOf(assess([plan('1a2b3c4d-0000-4000-8000-000000000003', 'to-oregon', [oregon])]), control)['1a2b3c4d-0000-4000-8000-000000000003']).toBe(
      `バックアッププラン to-oregon が ${oregon} にコピーしています（国外）`,
    );
  });

  it('is unknown when the plan document is missing', () => {
    const item = configItem({ type: 'AWS::Backup::BackupPlan', id: 'plan-without-document', configuration: { BackupPlanId: 'plan-without-document' } });
    expect(findingsOf(assess([item]), control)['plan-without-document']?.status).toBe('unknown');
  });
});

describe('aws-dynamodb-replicas-in-japan', () => {
  const control = 'aws-dynamodb-replicas-in-japan';
  const table = (name: string, replicas?: unknown): Record<string, unknown> =>
    configItem({
      type: 'AWS::DynamoDB::Table',
      id: name,
      configuration: { tableName: name, tableStatus: 'ACTIVE', globalTableVersion: '2019.11.21', ...(replicas === undefined ? {} : { replicas }) },
    });

  it('passes single-Region and Japan-only tables, fails a replica in us-east-1', () => {
    const f = findingsOf(
      assess([
        table('sessions'),
        table('carts', [{ regionName: 'ap-northeast-1', replicaStatus: 'ACTIVE' }, { regionName: 'ap-northeast-3', replicaStatus: 'ACTIVE' }]),
        table('profiles', [{ regionName: 'ap-northeast-1', replicaStatus: 'ACTIVE' }, { regionName: 'us-east-1', replicaStatus: 'ACTIVE' }]),
      ]),
      control,
    );
    expect(f.sessions).toEqual({ status: 'pass' });
    expect(f.carts).toEqual({ status: 'pass' });
    expect(f.profiles).toEqual({ status: 'fail', reason: 'table profiles has replicas in us-east-1 (outside Japan)' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const ja = reasonsJaOf(assess([table('profiles', [{ regionName: 'ap-northeast-1', replicaStatus: 'ACTIVE' }, { regionName: 'us-east-1', replicaStatus: 'ACTIVE' }])]), control);
    expect(ja.profiles).toBe('テーブル profiles のレプリカが us-east-1 にあります（国外）');
  });

  it('is unknown when a replica entry has no Region', () => {
    expect(findingsOf(assess([table('odd', [{ replicaStatus: 'CREATING' }])]), control).odd?.status).toBe('unknown');
  });
});

describe('aws-dynamodb-replicas-in-japan: legacy (2017.11.29) global tables', () => {
  const control = 'aws-dynamodb-replicas-in-japan';
  // DescribeTable of a legacy global table returns GlobalTableVersion 2017.11.29 and no Replicas; each replica
  // is a same-named table in its Region (globaltables.DetermineVersion.html).
  const legacy = (name: string, region: string): Record<string, unknown> =>
    configItem({
      type: 'AWS::DynamoDB::Table',
      id: `${name}@${region}`,
      name,
      region,
      arn: `arn:aws:dynamodb:${region}:111122223333:table/${name}`,
      configuration: { tableName: name, tableStatus: 'ACTIVE', globalTableVersion: '2017.11.29', streamSpecification: { streamEnabled: true, streamViewType: 'NEW_AND_OLD_IMAGES' } },
    });

  it('fails a legacy table whose same-named replica table is recorded abroad', () => {
    const f = findingsOf(assess([legacy('ledger', 'ap-northeast-1'), legacy('ledger', 'us-west-2')]), control);
    expect(f['ledger@ap-northeast-1']).toEqual({ status: 'fail', reason: 'table ledger has replicas in us-west-2 (outside Japan) (same-named tables of a 2017.11.29 global table)' });
    expect(f['ledger@us-west-2']?.status).toBe('fail');
  });

  it('is unknown, never a pass, for a legacy table whose replicas were found only in Japan', () => {
    const f = findingsOf(assess([legacy('audit', 'ap-northeast-1'), legacy('audit', 'ap-northeast-3')]), control);
    expect(f['audit@ap-northeast-1']?.status).toBe('unknown');
    expect(f['audit@ap-northeast-1']?.reason).toContain('legacy (2017.11.29) global table: DescribeTable does not list its replicas; same-named tables were found only in ap-northeast-1, ap-northeast-3');
  });

  it('is unknown for a global table version it cannot tell', () => {
    const item = configItem({ type: 'AWS::DynamoDB::Table', id: 'future', configuration: { tableName: 'future', tableStatus: 'ACTIVE', globalTableVersion: '2031.01.01' } });
    expect(findingsOf(assess([item]), control).future?.reason).toContain('global table version 2031.01.01 cannot be told');
  });
});

describe('aws-replicas-in-japan', () => {
  const control = 'aws-replicas-in-japan';
  const instance = (id: string, replicas: unknown, clusters: unknown[] = []): Record<string, unknown> =>
    configItem({
      type: 'AWS::RDS::DBInstance',
      id,
      name: id,
      configuration: { dBInstanceIdentifier: id, engine: 'postgres', storageEncrypted: true, readReplicaDBInstanceIdentifiers: replicas, readReplicaDBClusterIdentifiers: clusters },
    });

  it('passes an RDS instance whose replicas are in the same Region or in Osaka, fails one with a replica in us-west-2', () => {
    const f = findingsOf(
      assess([
        instance('db-tokyo', ['db-tokyo-replica-1', 'arn:aws:rds:ap-northeast-3:111122223333:db:db-tokyo-osaka']),
        instance('db-abroad', ['arn:aws:rds:us-west-2:111122223333:db:db-abroad-dr']),
        configItem({ type: 'AWS::RDS::DBCluster', id: 'cluster-1', name: 'aurora-main', configuration: { dbclusterIdentifier: 'aurora-main', readReplicaIdentifiers: ['arn:aws:rds:eu-west-1:111122223333:cluster:aurora-eu'] } }),
      ]),
      control,
    );
    expect(f['db-tokyo']).toEqual({ status: 'pass' });
    expect(f['db-abroad']).toEqual({ status: 'fail', reason: 'db-abroad has read replicas outside Japan: arn:aws:rds:us-west-2:111122223333:db:db-abroad-dr in us-west-2' });
    expect(f['cluster-1']?.status).toBe('fail');
  });

  it('is unknown when the read replica list is not recorded', () => {
    const item = configItem({ type: 'AWS::RDS::DBInstance', id: 'db-bare', configuration: { dBInstanceIdentifier: 'db-bare', engine: 'mysql' } });
    expect(findingsOf(assess([item]), control)['db-bare']?.reason).toContain('read replica list (readReplicaDBInstanceIdentifiers) not recorded');
  });

  const redshift = (id: string, copy?: Record<string, unknown>): Record<string, unknown> =>
    configItem({ type: 'AWS::Redshift::Cluster', id, configuration: { clusterIdentifier: id, nodeType: 'ra3.xlplus', encrypted: true, ...(copy ? { clusterSnapshotCopyStatus: copy } : {}) } });

  it('fails a Redshift cluster copying snapshots to another country, passes one copying to Osaka or not at all', () => {
    const f = findingsOf(
      assess([
        redshift('dwh-osaka', { destinationRegion: 'ap-northeast-3', retentionPeriod: 7, manualSnapshotRetentionPeriod: -1 }),
        redshift('dwh-plain'),
        redshift('dwh-virginia', { destinationRegion: 'us-east-1', retentionPeriod: 7, manualSnapshotRetentionPeriod: -1, snapshotCopyGrantName: 'dwh-grant' }),
      ]),
      control,
    );
    expect(f['dwh-osaka']).toEqual({ status: 'pass' });
    expect(f['dwh-plain']).toEqual({ status: 'pass' });
    expect(f['dwh-virginia']).toEqual({ status: 'fail', reason: 'dwh-virginia has snapshot copies outside Japan: snapshot copy in us-east-1' });
  });

  const KEY = 'mrk-1234abcd12ab34cd56ef1234567890ab';
  const key = (region: string, config: Record<string, unknown>): Record<string, unknown> =>
    configItem({ type: 'AWS::KMS::Key', id: `${KEY}@${region}`, name: KEY, region, arn: `arn:aws:kms:${region}:111122223333:key/${KEY}`, configuration: { keyId: KEY, keyManager: 'CUSTOMER', enabled: true, ...config } });
  const mrk = (region: string, type: string, regions: string[]): Record<string, unknown> =>
    key(region, {
      multiRegion: true,
      multiRegionConfiguration: {
        multiRegionKeyType: type,
        primaryKey: { arn: `arn:aws:kms:ap-northeast-1:111122223333:key/${KEY}`, region: 'ap-northeast-1' },
        replicaKeys: regions.map((r) => ({ arn: `arn:aws:kms:${r}:111122223333:key/${KEY}`, region: r })),
      },
    });

  it('fails a multi-Region primary key in Tokyo with a replica in us-east-1, passes a Tokyo-Osaka pair and single-Region keys', () => {
    const f = findingsOf(
      assess([mrk('ap-northeast-1', 'PRIMARY', ['us-east-1']), key('ap-northeast-3', { multiRegion: false })]),
      control,
    );
    expect(f[`${KEY}@ap-northeast-1`]).toEqual({ status: 'fail', reason: `${KEY} has related multi-Region keys outside Japan: arn:aws:kms:us-east-1:111122223333:key/${KEY} in us-east-1` });
    expect(f[`${KEY}@ap-northeast-3`]).toEqual({ status: 'pass' });
    expect(findingsOf(assess([mrk('ap-northeast-3', 'REPLICA', ['ap-northeast-3'])]), control)[`${KEY}@ap-northeast-3`]).toEqual({ status: 'pass' });
  });

  it('is unknown for a multi-Region key without its configuration and for a key that does not say', () => {
    const f = findingsOf(assess([key('ap-northeast-1', { multiRegion: true }), key('ap-northeast-3', {})]), control);
    expect(f[`${KEY}@ap-northeast-1`]?.reason).toContain('multi-Region key without its multiRegionConfiguration');
    expect(f[`${KEY}@ap-northeast-3`]?.reason).toContain('whether the key is multi-Region (multiRegion) is not recorded');
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    expect(reasonsJaOf(assess([redshift('dwh-virginia', { destinationRegion: 'us-east-1' })]), control)['dwh-virginia']).toBe(
      'dwh-virginia のスナップショットのコピー先が国外にあります: snapshot copy（us-east-1）',
    );
  });
});

describe('aws-data-stored-in-japan: further data stores of the register', () => {
  it('fails an SNS topic and a WorkSpace outside Japan', () => {
    const f = findingsOf(
      assess([
        configItem({ type: 'AWS::SNS::Topic', id: 'arn:aws:sns:us-east-1:111122223333:alerts', region: 'us-east-1', configuration: { TopicArn: 'arn:aws:sns:us-east-1:111122223333:alerts' } }),
        configItem({ type: 'AWS::WorkSpaces::Workspace', id: 'ws-0abc12345', region: 'ap-northeast-1', configuration: { WorkspaceId: 'ws-0abc12345', RootVolumeEncryptionEnabled: true, UserVolumeEncryptionEnabled: true } }),
      ]),
      'aws-data-stored-in-japan',
    );
    expect(f['arn:aws:sns:us-east-1:111122223333:alerts']).toEqual({ status: 'fail', reason: 'region us-east-1 is outside Japan' });
    expect(f['ws-0abc12345']).toEqual({ status: 'pass' });
  });
});
