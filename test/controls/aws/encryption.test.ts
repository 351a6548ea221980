/** Encryption at rest (mappings/controls/aws/encryption.yaml), on real-shaped AWS Config items. */
import { assess, configItem, findingsOf, reasonsJaOf } from '../../support/evaluate.js';
import { historyItems, rdkItem, selectRows } from '../../fixtures/aws/samples.js';

const KMS_KEY = 'arn:aws:kms:ap-northeast-1:111122223333:key/0f6a3c1e-8d2b-4b57-9a61-3c1d2e4f5a6b';

describe('aws-s3-bucket-default-encryption', () => {
  const control = 'aws-s3-bucket-default-encryption';
  const bucket = (name: string, supplementary: Record<string, unknown>): Record<string, unknown> =>
    configItem({ type: 'AWS::S3::Bucket', id: name, arn: `arn:aws:s3:::${name}`, configuration: { name, creationDate: '2025-04-01T02:00:00.000Z' }, supplementary });

  it('passes SSE-KMS and SSE-S3 default encryption', () => {
    const f = findingsOf(
      assess([
        bucket('kms-bucket', { ServerSideEncryptionConfiguration: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyID: KMS_KEY }, bucketKeyEnabled: true }] } }),
        // API responses carry supplementary documents as JSON strings.
        bucket('s3-bucket', { ServerSideEncryptionConfiguration: '{"rules":[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"AES256","kmsMasterKeyID":null},"bucketKeyEnabled":false}]}' }),
      ]),
      control,
    );
    expect(f['kms-bucket']).toEqual({ status: 'pass' });
    expect(f['s3-bucket']).toEqual({ status: 'pass' });
  });

  it('fails the Cloud Custodian sample bucket that has no default encryption recorded', () => {
    const [row] = selectRows('select_s3_bucket_no_sse');
    const item = { ...row, resourceType: 'AWS::S3::Bucket', resourceId: 'c7n-ssm-build', resourceName: 'c7n-ssm-build', awsAccountId: '644160558196' };
    expect(findingsOf(assess([item]), control)['c7n-ssm-build']).toEqual({
      status: 'fail',
      reason: 'no default encryption (ServerSideEncryptionConfiguration) recorded for bucket c7n-ssm-build',
    });
  });

  it('fails a rule without an algorithm and names what was recorded', () => {
    const f = findingsOf(assess([bucket('odd-bucket', { ServerSideEncryptionConfiguration: { rules: [{ applyServerSideEncryptionByDefault: null, bucketKeyEnabled: false }] } })]), control);
    expect(f['odd-bucket']).toEqual({ status: 'fail', reason: 'default encryption rule with sseAlgorithm (none)' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const ja = reasonsJaOf(
      assess([bucket('odd-bucket', { ServerSideEncryptionConfiguration: { rules: [{ applyServerSideEncryptionByDefault: null, bucketKeyEnabled: false }] } }), bucket('bare-bucket', {})]),
      control,
    );
    expect(ja['odd-bucket']).toBe('sseAlgorithm が AES256・aws:kms・aws:kms:dsse 以外のデフォルト暗号化ルールがあります（記録値: なし）');
    expect(ja['bare-bucket']).toBe('バケット bare-bucket にデフォルト暗号化（ServerSideEncryptionConfiguration）が記録されていません');
  });

  it('is unknown when the encryption document cannot be parsed', () => {
    const f = findingsOf(assess([bucket('broken-bucket', { ServerSideEncryptionConfiguration: '{"rules":[' })]), control);
    expect(f['broken-bucket']?.status).toBe('unknown');
    expect(f['broken-bucket']?.reason).toContain('ServerSideEncryptionConfiguration is not valid JSON');
  });
});

describe('aws-ebs-volume-encrypted', () => {
  const control = 'aws-ebs-volume-encrypted';

  it('passes the aws-config-rdk encrypted volume and the encrypted volume of a history response', () => {
    const f = findingsOf(assess([rdkItem('AWS_EC2_Volume'), ...historyItems('history_ebs_volume_encrypted_and_deleted')]), control);
    expect(f['vol-a416b170']).toEqual({ status: 'pass' });
    // The newest history item is ResourceDeleted and is skipped; the older one is an encrypted volume.
    expect(f['vol-12345']).toEqual({ status: 'pass' });
  });

  it('fails an unencrypted volume', () => {
    const item = configItem({ type: 'AWS::EC2::Volume', id: 'vol-0a1b2c3d4e5f60718', configuration: { volumeId: 'vol-0a1b2c3d4e5f60718', size: 100, availabilityZone: 'ap-northeast-1a', encrypted: false, volumeType: 'gp3' } });
    expect(findingsOf(assess([item]), control)['vol-0a1b2c3d4e5f60718']).toEqual({ status: 'fail', reason: 'volume vol-0a1b2c3d4e5f60718 is not encrypted (encrypted = false)' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const item = configItem({ type: 'AWS::EC2::Volume', id: 'vol-0a1b2c3d4e5f60718', configuration: { volumeId: 'vol-0a1b2c3d4e5f60718', encrypted: false } });
    expect(reasonsJaOf(assess([item]), control)['vol-0a1b2c3d4e5f60718']).toBe('ボリューム vol-0a1b2c3d4e5f60718 が暗号化されていません（encrypted = false）');
  });

  it('is unknown when the item does not say whether the volume is encrypted', () => {
    const item = configItem({ type: 'AWS::EC2::Volume', id: 'vol-0ffee', configuration: { volumeId: 'vol-0ffee', size: 8 } });
    expect(findingsOf(assess([item]), control)['vol-0ffee']?.status).toBe('unknown');
  });
});

describe('aws-rds-storage-encrypted', () => {
  const control = 'aws-rds-storage-encrypted';
  const clusters = selectRows('select_rds_cluster').map((row) => {
    const configuration = row.configuration as Record<string, unknown>;
    return { ...row, resourceType: 'AWS::RDS::DBCluster', resourceName: configuration.dbclusterIdentifier, awsAccountId: '644160558196', awsRegion: 'us-east-2' };
  });

  it('passes the aws-config-rdk instance and the encrypted Custodian cluster, fails the unencrypted one', () => {
    const f = findingsOf(assess([rdkItem('AWS_RDS_DBInstance'), ...clusters]), control);
    expect(f['db-HHTTSRD6HXUIKXPFPI6WFVZ4PA']).toEqual({ status: 'pass' });
    expect(f['cluster-H6LU56TOHIKJLGS5GVL52DBOOE']).toEqual({ status: 'pass' });
    expect(f['cluster-MPL6FOB4KMWTPPCZB3YS7RUSYM']).toEqual({ status: 'fail', reason: 'DB cluster test-cluster has storageEncrypted = false' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    expect(reasonsJaOf(assess(clusters), control)['cluster-MPL6FOB4KMWTPPCZB3YS7RUSYM']).toBe('DB クラスター test-cluster のストレージが暗号化されていません（storageEncrypted = false）');
  });

  it('is unknown without storageEncrypted', () => {
    const item = configItem({ type: 'AWS::RDS::DBInstance', id: 'db-NOFIELD', name: 'legacy', configuration: { dBInstanceIdentifier: 'legacy', engine: 'postgres' } });
    expect(findingsOf(assess([item]), control)['db-NOFIELD']?.status).toBe('unknown');
  });
});

describe('aws-rds-snapshot-encrypted', () => {
  const control = 'aws-rds-snapshot-encrypted';

  it('reads encrypted on DB snapshots and storageEncrypted on cluster snapshots', () => {
    const f = findingsOf(
      assess([
        configItem({ type: 'AWS::RDS::DBSnapshot', id: 'rds:orders-2026-10-29', configuration: { dBSnapshotIdentifier: 'rds:orders-2026-10-29', encrypted: true, snapshotType: 'automated' } }),
        configItem({ type: 'AWS::RDS::DBClusterSnapshot', id: 'manual-ledger', configuration: { dbclusterSnapshotIdentifier: 'manual-ledger', storageEncrypted: false, snapshotType: 'manual' } }),
        configItem({ type: 'AWS::RDS::DBClusterSnapshot', id: 'mystery', configuration: { dbclusterSnapshotIdentifier: 'mystery' } }),
      ]),
      control,
    );
    expect(f['rds:orders-2026-10-29']).toEqual({ status: 'pass' });
    expect(f['manual-ledger']).toEqual({ status: 'fail', reason: 'snapshot manual-ledger is not encrypted' });
    expect(f.mystery?.status).toBe('unknown');
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const item = configItem({ type: 'AWS::RDS::DBClusterSnapshot', id: 'manual-ledger', configuration: { dbclusterSnapshotIdentifier: 'manual-ledger', storageEncrypted: false } });
    expect(reasonsJaOf(assess([item]), control)['manual-ledger']).toBe('スナップショット manual-ledger が暗号化されていません');
  });
});

describe('aws-efs-encrypted', () => {
  const control = 'aws-efs-encrypted';
  const fs = (id: string, extra: Record<string, unknown>): Record<string, unknown> =>
    configItem({ type: 'AWS::EFS::FileSystem', id, configuration: { FileSystemId: id, PerformanceMode: 'generalPurpose', ThroughputMode: 'bursting', ...extra } });

  it('passes, fails and is unknown on Encrypted', () => {
    const f = findingsOf(assess([fs('fs-0aa', { Encrypted: true, KmsKeyId: KMS_KEY }), fs('fs-0bb', { Encrypted: false }), fs('fs-0cc', {})]), control);
    expect(f['fs-0aa']).toEqual({ status: 'pass' });
    expect(f['fs-0bb']).toEqual({ status: 'fail', reason: 'file system fs-0bb has Encrypted = false' });
    expect(f['fs-0cc']?.status).toBe('unknown');
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    expect(reasonsJaOf(assess([fs('fs-0bb', { Encrypted: false })]), control)['fs-0bb']).toBe('ファイルシステム fs-0bb が暗号化されていません（Encrypted = false）');
  });
});

describe('aws-kms-cmk-rotation-enabled', () => {
  const control = 'aws-kms-cmk-rotation-enabled';
  const customerKey = (id: string, supplementary: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> =>
    configItem({
      type: 'AWS::KMS::Key',
      id,
      configuration: { keyId: id, enabled: true, keyManager: 'CUSTOMER', keyState: 'Enabled', keyUsage: 'ENCRYPT_DECRYPT', origin: 'AWS_KMS', keySpec: 'SYMMETRIC_DEFAULT', customerMasterKeySpec: 'SYMMETRIC_DEFAULT', multiRegion: false, ...extra },
      supplementary,
    });

  it('fails the Cloud Custodian customer key whose rotation is off', () => {
    const [row] = selectRows('select_kms_key_rotation_off');
    const item = { ...row, resourceType: 'AWS::KMS::Key', awsAccountId: '644160558196', awsRegion: 'us-east-2' };
    expect(findingsOf(assess([item]), control)['9975ba19-f8ff-444b-9c21-8d42cc6dc45b']).toEqual({
      status: 'fail',
      reason: 'key 9975ba19-f8ff-444b-9c21-8d42cc6dc45b has KeyRotationStatus false',
    });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    expect(reasonsJaOf(assess([customerKey('key-manual', { KeyRotationStatus: false })]), control)['key-manual']).toBe(
      'キー key-manual の自動ローテーションが有効になっていません（KeyRotationStatus false）',
    );
  });

  it('passes rotating keys, whether the status is a boolean (snapshot) or a string (API)', () => {
    const f = findingsOf(assess([customerKey('key-snapshot', { KeyRotationStatus: true }), customerKey('key-api', { KeyRotationStatus: 'true' })]), control);
    expect(f['key-snapshot']).toEqual({ status: 'pass' });
    expect(f['key-api']).toEqual({ status: 'pass' });
  });

  it('is unknown, never failing, when AWS Config did not record the rotation status', () => {
    expect(findingsOf(assess([customerKey('key-no-status', {})]), control)['key-no-status']?.status).toBe('unknown');
  });

  it('does not judge AWS managed, asymmetric, imported, disabled or replica keys', () => {
    const f = findingsOf(
      assess([
        rdkItem('AWS_KMS_Key'),
        customerKey('key-rsa', {}, { keySpec: 'RSA_2048', customerMasterKeySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' }),
        customerKey('key-imported', {}, { origin: 'EXTERNAL' }),
        customerKey('key-disabled', {}, { enabled: false, keyState: 'Disabled' }),
        customerKey('key-replica', {}, { multiRegion: true, multiRegionConfiguration: { multiRegionKeyType: 'REPLICA' } }),
      ]),
      control,
    );
    expect(f).toEqual({});
  });
});

describe('aws-data-store-encrypted-at-rest', () => {
  const control = 'aws-data-store-encrypted-at-rest';
  // Shapes: awslabs/aws-config-resource-schema (Redshift in the API shape, the others in the CloudFormation shape).
  const redshift = (id: string, encrypted?: boolean): Record<string, unknown> =>
    configItem({ type: 'AWS::Redshift::Cluster', id, configuration: { clusterIdentifier: id, nodeType: 'ra3.xlplus', clusterStatus: 'available', ...(encrypted === undefined ? {} : { encrypted }), ...(encrypted ? { kmsKeyId: KMS_KEY } : {}) } });
  const queue = (name: string, extra: Record<string, unknown>): Record<string, unknown> =>
    configItem({ type: 'AWS::SQS::Queue', id: `https://sqs.ap-northeast-1.amazonaws.com/111122223333/${name}`, name, configuration: { QueueName: name, QueueArn: `arn:aws:sqs:ap-northeast-1:111122223333:${name}`, VisibilityTimeout: 30, ...extra } });
  const topic = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> =>
    configItem({ type: 'AWS::SNS::Topic', id: `arn:aws:sns:ap-northeast-1:111122223333:${name}`, name, configuration: { TopicArn: `arn:aws:sns:ap-northeast-1:111122223333:${name}`, DisplayName: name, ...extra } });

  it('reads S3 directory buckets\' default encryption rule: SSE-S3 or SSE-KMS pass, another algorithm fails, none recorded is unknown', () => {
    // CloudFormation shape of AWS::S3Express::DirectoryBucket (AWS Config resource schema; BucketEncryption.ServerSideEncryptionConfiguration is a
    // list of rules); directory buckets support AES256 and aws:kms only (S3 API reference, ServerSideEncryptionByDefault).
    const directory = (name: string, rules?: unknown): Record<string, unknown> =>
      configItem({
        type: 'AWS::S3Express::DirectoryBucket',
        id: `${name}--apne1-az4--x-s3`,
        configuration: { BucketName: `${name}--apne1-az4--x-s3`, DataRedundancy: 'SingleAvailabilityZone', LocationName: 'apne1-az4', ...(rules === undefined ? {} : { BucketEncryption: { ServerSideEncryptionConfiguration: rules } }) },
      });
    const f = findingsOf(
      assess([
        directory('sse-s3', [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }]),
        directory('sse-kms', [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KMS_KEY } }]),
        directory('other', [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'none' } }]),
        directory('bare'),
      ]),
      control,
    );
    expect(f['sse-s3--apne1-az4--x-s3']).toEqual({ status: 'pass' });
    expect(f['sse-kms--apne1-az4--x-s3']).toEqual({ status: 'pass' });
    expect(f['other--apne1-az4--x-s3']).toEqual({ status: 'fail', reason: 'other--apne1-az4--x-s3 is not encrypted at rest (BucketEncryption.ServerSideEncryptionConfiguration.ServerSideEncryptionByDefault.SSEAlgorithm = false)' });
    expect(f['bare--apne1-az4--x-s3']?.status).toBe('unknown');
  });

  it('passes an encrypted Redshift cluster and fails an unencrypted one', () => {
    const f = findingsOf(assess([redshift('dwh-enc', true), redshift('dwh-plain', false)]), control);
    expect(f['dwh-enc']).toEqual({ status: 'pass' });
    expect(f['dwh-plain']).toEqual({ status: 'fail', reason: 'dwh-plain is not encrypted at rest (encrypted = false)' });
  });

  it('reads SSE-KMS and SSE-SQS on queues and the KMS key on topics; a recorded queue or topic without them is unencrypted', () => {
    const f = findingsOf(
      assess([
        queue('orders-kms', { KmsMasterKeyId: 'alias/aws/sqs', KmsDataKeyReusePeriodSeconds: 300 }),
        queue('orders-sqs', { SqsManagedSseEnabled: true }),
        queue('orders-plain', { SqsManagedSseEnabled: false }),
        topic('alerts-kms', { KmsMasterKeyId: KMS_KEY }),
        topic('alerts-plain'),
      ]),
      control,
    );
    expect(f['https://sqs.ap-northeast-1.amazonaws.com/111122223333/orders-kms']).toEqual({ status: 'pass' });
    expect(f['https://sqs.ap-northeast-1.amazonaws.com/111122223333/orders-sqs']).toEqual({ status: 'pass' });
    expect(f['https://sqs.ap-northeast-1.amazonaws.com/111122223333/orders-plain']).toEqual({ status: 'fail', reason: 'orders-plain is not encrypted at rest (KmsMasterKeyId / SqsManagedSseEnabled = false)' });
    expect(f['arn:aws:sns:ap-northeast-1:111122223333:alerts-kms']).toEqual({ status: 'pass' });
    expect(f['arn:aws:sns:ap-northeast-1:111122223333:alerts-plain']).toEqual({ status: 'fail', reason: 'alerts-plain is not encrypted at rest (KmsMasterKeyId = false)' });
  });

  it('judges Kinesis streams, Direct PUT Firehose streams, recovery points and OpenSearch domains; leaves Firehose from Kinesis to the stream', () => {
    const f = findingsOf(
      assess([
        configItem({ type: 'AWS::Kinesis::Stream', id: 'clicks', configuration: { Name: 'clicks', Arn: 'arn:aws:kinesis:ap-northeast-1:111122223333:stream/clicks', ShardCount: 2, StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' } } }),
        configItem({ type: 'AWS::Kinesis::Stream', id: 'raw', configuration: { Name: 'raw', Arn: 'arn:aws:kinesis:ap-northeast-1:111122223333:stream/raw', ShardCount: 1 } }),
        configItem({ type: 'AWS::KinesisFirehose::DeliveryStream', id: 'to-s3', configuration: { DeliveryStreamName: 'to-s3', DeliveryStreamType: 'DirectPut' } }),
        configItem({ type: 'AWS::KinesisFirehose::DeliveryStream', id: 'from-kinesis', configuration: { DeliveryStreamName: 'from-kinesis', DeliveryStreamType: 'KinesisStreamAsSource' } }),
        configItem({ type: 'AWS::Backup::RecoveryPoint', id: 'rp-1', configuration: { RecoveryPointArn: 'arn:aws:ec2:ap-northeast-1::snapshot/snap-0abc', IsEncrypted: false, ResourceType: 'EBS' } }),
        configItem({ type: 'AWS::OpenSearch::Domain', id: 'search', configuration: { DomainName: 'search', EncryptionAtRestOptions: { Enabled: true, KmsKeyId: KMS_KEY } } }),
      ]),
      control,
    );
    expect(f).toEqual({
      clicks: { status: 'pass' },
      raw: { status: 'fail', reason: 'raw is not encrypted at rest (StreamEncryption.EncryptionType = false)' },
      'to-s3': { status: 'fail', reason: 'to-s3 is not encrypted at rest (DeliveryStreamEncryptionConfigurationInput.KeyType = false)' },
      'rp-1': { status: 'fail', reason: 'rp-1 is not encrypted at rest (IsEncrypted = false)' },
      search: { status: 'pass' },
    });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    expect(reasonsJaOf(assess([redshift('dwh-plain', false)]), control)['dwh-plain']).toBe('dwh-plain は保存時に暗号化されていません（encrypted = false）');
  });

  it('is unknown, never a pass, when the setting is not recorded', () => {
    const f = findingsOf(assess([redshift('dwh-bare'), configItem({ type: 'AWS::SQS::Queue', id: 'q-bare', configuration: {} }), configItem({ type: 'AWS::WorkSpaces::Workspace', id: 'ws-1', configuration: { WorkspaceId: 'ws-1', RootVolumeEncryptionEnabled: true } })]), control);
    expect(f['dwh-bare']?.reason).toContain('at-rest encryption setting (encrypted) not recorded');
    expect(f['q-bare']?.status).toBe('unknown');
    expect(f['ws-1']?.status).toBe('unknown');
  });
});
