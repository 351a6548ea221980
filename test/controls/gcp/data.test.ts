/** GCP storage, Cloud SQL, KMS, audit-log and residency controls on policy-library fixtures and crafted assets. */
import { asset, findings, reasonsJa, sample, sampleAsset } from './support.js';

const BUCKET = 'storage.googleapis.com/Bucket';
const SQL = 'sqladmin.googleapis.com/Instance';
const bucket = (name: string, data: Record<string, unknown>, location = 'asia-northeast1') =>
  asset(BUCKET, `//storage.googleapis.com/${name}`, { name, projectNumber: '123456789012', location: location.toUpperCase(), ...data }, location);
const sql = (name: string, settings: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  asset(SQL, `//cloudsql.googleapis.com/projects/kansa-test/instances/${name}`, { name, project: 'kansa-test', region: 'asia-northeast1', settings, ...extra }, 'asia-northeast1');

describe('gcp-storage-uniform-bucket-level-access', () => {
  it('reads both uniformBucketLevelAccess and the older bucketPolicyOnly (policy-library)', () => {
    const f = findings(sample('bucket_uniform_access'), 'gcp-storage-uniform-bucket-level-access');
    expect(f['my-storage-bucket-with-bucketpolicyonly']).toEqual({ status: 'pass' });
    expect(f['my-storage-bucketwithuniformbucketlevelaccess']).toEqual({ status: 'pass' });
    expect(f['my-storage-bucket-with-null-bucketpolicyonly']?.status).toBe('fail');
    expect(f['my-storage-bucket-with-null-bucketpolicyonly']?.reason).toContain('uniform bucket-level access is off');
    expect(f['my-storage-bucket-with-no-bucketpolicyonly-data']?.status).toBe('fail');
    expect(reasonsJa(sample('bucket_uniform_access'), 'gcp-storage-uniform-bucket-level-access')['my-storage-bucket-with-null-bucketpolicyonly']).toBe(
      'バケット my-storage-bucket-with-null-bucketpolicyonly で均一なバケットレベルのアクセスが無効です。IAM に現れないアクセスをオブジェクトの ACL で許可できてしまいます',
    );
  });
  it('is unknown when the asset carries no iamConfiguration', () => {
    expect(findings([bucket('bare', {})], 'gcp-storage-uniform-bucket-level-access').bare?.status).toBe('unknown');
  });
});

describe('gcp-storage-public-access-prevention', () => {
  it('passes enforced, fails inherited with a reason, is unknown for assets that predate the field', () => {
    const f = findings(
      [
        bucket('enforced', { iamConfiguration: { publicAccessPrevention: 'enforced' } }),
        bucket('inherited', { iamConfiguration: { publicAccessPrevention: 'inherited' } }),
        sampleAsset('bucket_uniform_access', 'my-storage-bucketwithuniformbucketlevelaccess'),
      ],
      'gcp-storage-public-access-prevention',
    );
    expect(f.enforced).toEqual({ status: 'pass' });
    expect(f.inherited).toEqual({ status: 'fail', reason: 'public access prevention is inherited for bucket inherited (not enforced on the bucket)' });
    expect(f['my-storage-bucketwithuniformbucketlevelaccess']?.status).toBe('unknown');
    expect(reasonsJa([bucket('inherited', { iamConfiguration: { publicAccessPrevention: 'inherited' } })], 'gcp-storage-public-access-prevention').inherited).toBe(
      'バケット inherited の公開アクセス防止は inherited です（バケットで強制されていません）',
    );
  });
});

describe('gcp-storage-bucket-not-public', () => {
  it('fails buckets whose IAM policy grants allUsers (policy-library world-readable fixtures)', () => {
    const f = findings(sample('bucket_world_readable'), 'gcp-storage-bucket-not-public');
    expect(f['my-test-bucket']).toEqual({ status: 'fail', reason: 'roles/storage.legacyBucketReader granted to allUsers' });
    expect(Object.values(f).some((x) => x.status === 'pass')).toBe(true);
    expect(reasonsJa(sample('bucket_world_readable'), 'gcp-storage-bucket-not-public')['my-test-bucket']).toBe('allUsers にロール roles/storage.legacyBucketReader が付与されています');
  });
});

describe('gcp-cmek-where-required on buckets', () => {
  it('applies only to buckets labelled as needing CMEK, and passes those with a default KMS key', () => {
    const [withKey] = sample('bucket_cmek');
    const labelled = (a: Record<string, unknown>, labels: Record<string, string>) => {
      const resource = a.resource as { data: Record<string, unknown> };
      return { ...a, resource: { ...resource, data: { ...resource.data, labels } } };
    };
    const f = findings(
      [labelled(withKey!, { cmek: 'required' }), bucket('no-key', { labels: { 'data-classification': 'confidential' }, encryption: {} }), bucket('public-web', {})],
      'gcp-cmek-where-required',
    );
    expect(f['my-storage-bucket']).toEqual({ status: 'pass' });
    expect(f['no-key']?.status).toBe('fail');
    expect(f['no-key']?.reason).toContain('no Cloud KMS key is set');
    expect(f['public-web']).toBeUndefined();
    expect(reasonsJa([bucket('no-key', { labels: { 'data-classification': 'confidential' }, encryption: {} })], 'gcp-cmek-where-required')['no-key']).toBe(
      '顧客管理の暗号鍵が求められていますが、Cloud KMS の鍵が設定されていません（Google 管理の鍵で暗号化されています）',
    );
  });
});

describe('gcp-sql-ssl-enforced', () => {
  it('reads requireSsl (policy-library) and sslMode, which takes precedence', () => {
    const f = findings(
      [
        ...sample('sql_ssl'),
        sql('mode-encrypted', { ipConfiguration: { sslMode: 'ENCRYPTED_ONLY', requireSsl: false } }),
        sql('mode-allow', { ipConfiguration: { sslMode: 'ALLOW_UNENCRYPTED_AND_ENCRYPTED', requireSsl: true } }),
        sql('mode-cert', { ipConfiguration: { sslMode: 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED' } }),
      ],
      'gcp-sql-ssl-enforced',
    );
    expect(f['sql-instance-with-ssl']).toEqual({ status: 'pass' });
    expect(f['sql-instance-without-ssl']).toEqual({ status: 'fail', reason: 'requireSsl is not set and no sslMode is configured: unencrypted connections are accepted' });
    expect(f['sql-instance-without-ipconfig']).toEqual({ status: 'unknown', reason: 'cannot evaluate: No such key: ipConfiguration' });
    expect(f['mode-encrypted']).toEqual({ status: 'pass' });
    expect(f['mode-allow']).toEqual({ status: 'fail', reason: 'sslMode is ALLOW_UNENCRYPTED_AND_ENCRYPTED: unencrypted connections are accepted' });
    expect(f['mode-cert']).toEqual({ status: 'pass' });
    const ja = reasonsJa([...sample('sql_ssl'), sql('mode-allow', { ipConfiguration: { sslMode: 'ALLOW_UNENCRYPTED_AND_ENCRYPTED' } })], 'gcp-sql-ssl-enforced');
    expect(ja['sql-instance-without-ssl']).toBe('requireSsl が設定されておらず sslMode も構成されていないため、暗号化されていない接続を受け付けます');
    expect(ja['mode-allow']).toBe('sslMode が ALLOW_UNENCRYPTED_AND_ENCRYPTED のため、暗号化されていない接続を受け付けます');
    expect(ja['sql-instance-without-ipconfig']).toBe('判定できません: インスタンスの接続設定（settings.ipConfiguration）が記録されていません');
  });

  it('is unknown, saying which field is missing, for an instance without settings', () => {
    const bare = asset(SQL, '//cloudsql.googleapis.com/projects/kansa-test/instances/bare', { name: 'bare' }, 'asia-northeast1');
    expect(findings([bare], 'gcp-sql-ssl-enforced').bare).toEqual({ status: 'unknown', reason: 'cannot evaluate: No such key: settings' });
    expect(reasonsJa([bare], 'gcp-sql-ssl-enforced').bare).toBe('判定できません: インスタンスの設定（settings）が記録されていません');
  });
});

describe('gcp-sql-no-public-ip-open-networks', () => {
  it('fails a public IP with 0.0.0.0/0 authorized, passes narrower networks and private IP (policy-library)', () => {
    const f = findings([...sample('sql_world_readable'), ...sample('sql_public_ip')], 'gcp-sql-no-public-ip-open-networks');
    expect(f['authorized-networks-0']).toEqual({ status: 'fail', reason: 'public IP enabled with authorized network(s) 0.0.0.0/0' });
    expect(f['authorized-networks-35']).toEqual({ status: 'pass' });
    expect(f['no-authorized-networks']).toEqual({ status: 'pass' });
    expect(f['private-sql']).toEqual({ status: 'pass' });
    expect(reasonsJa(sample('sql_world_readable'), 'gcp-sql-no-public-ip-open-networks')['authorized-networks-0']).toBe(
      'パブリック IP が有効で、承認済みネットワーク 0.0.0.0/0 からの接続を許可しています',
    );
  });
});

describe('gcp-sql-backups-enabled', () => {
  it('fails instances with backups off (policy-library), skips read replicas, is unknown without a backup configuration', () => {
    const f = findings(
      [...sample('sql_backup'), sql('replica', { backupConfiguration: { enabled: false } }, { instanceType: 'READ_REPLICA_INSTANCE' }), sql('no-config', {})],
      'gcp-sql-backups-enabled',
    );
    expect(f['mysqlv1-nomaintenance']).toEqual({ status: 'pass' });
    expect(f['mysqlv2-nomaintenance']).toEqual({ status: 'fail', reason: 'automated backups are disabled for instance mysqlv2-nomaintenance' });
    expect(f.replica).toBeUndefined();
    expect(f['no-config']?.status).toBe('unknown');
    expect(reasonsJa(sample('sql_backup'), 'gcp-sql-backups-enabled')['mysqlv2-nomaintenance']).toBe('インスタンス mysqlv2-nomaintenance の自動バックアップが無効になっています');
  });
});

describe('gcp-kms-key-rotation', () => {
  it('passes rotation up to 365 days and fails longer or no rotation (policy-library)', () => {
    const f = findings(sample('kms_cryptokey_rotation'), 'gcp-kms-key-rotation');
    expect(f['rotation-90-days']).toEqual({ status: 'pass' });
    expect(f['rotation-365-days']).toEqual({ status: 'pass' });
    expect(f['rotation-400-days']).toEqual({ status: 'fail', reason: 'rotation period 34560000s (400 days) is longer than 365 days' });
    expect(f['rotation-never']).toEqual({ status: 'fail', reason: 'automatic rotation is off for key rotation-never' });
    const ja = reasonsJa(sample('kms_cryptokey_rotation'), 'gcp-kms-key-rotation');
    expect(ja['rotation-400-days']).toBe('ローテーション期間 34560000s（400 日）が 365 日を超えています');
    expect(ja['rotation-never']).toBe('鍵 rotation-never の自動ローテーションが設定されていません');
  });
});

describe('gcp-audit-logs-all-services', () => {
  const policy = (n: string, auditConfigs: unknown) => ({
    name: `//cloudresourcemanager.googleapis.com/projects/${n}`,
    asset_type: 'cloudresourcemanager.googleapis.com/Project',
    iam_policy: { version: 1, bindings: [], audit_configs: auditConfigs },
  });
  it('needs ADMIN_READ, DATA_READ and DATA_WRITE for allServices with no exempted members', () => {
    const all = [{ log_type: 'ADMIN_READ' }, { log_type: 'DATA_READ' }, { log_type: 'DATA_WRITE' }];
    const f = findings(
      [
        policy('111', [{ service: 'allServices', audit_log_configs: all }]),
        policy('222', [{ service: 'allServices', audit_log_configs: [{ log_type: 'ADMIN_READ' }, { log_type: 'DATA_WRITE' }, { log_type: 'DATA_READ', exempted_members: ['user:x@example.jp'] }] }]),
        policy('333', []),
        // gRPC enum numbers are folded to names by the normalizer.
        { name: '//cloudresourcemanager.googleapis.com/projects/444', assetType: 'cloudresourcemanager.googleapis.com/Project', iamPolicy: { auditConfigs: [{ service: 'allServices', auditLogConfigs: [{ logType: 1 }, { logType: 2 }, { logType: 3 }] }] } },
      ],
      'gcp-audit-logs-all-services',
    );
    expect(f['111']).toEqual({ status: 'pass' });
    expect(f['222']).toEqual({ status: 'fail', reason: 'Data Access audit logs for allServices lack DATA_READ (or exempt members)' });
    expect(f['333']).toEqual({ status: 'fail', reason: 'Data Access audit logs for allServices lack ADMIN_READ, DATA_READ, DATA_WRITE (or exempt members)' });
    expect(f['444']).toEqual({ status: 'pass' });
    const ja = reasonsJa([policy('333', [])], 'gcp-audit-logs-all-services');
    expect(ja['333']).toBe('allServices のデータアクセス監査ログで ADMIN_READ、DATA_READ、DATA_WRITE が有効になっていないか、除外メンバーが設定されています');
  });

  it('needs one allServices config to record all three log types: two partial configs do not add up', () => {
    const f = findings(
      [policy('555', [{ service: 'allServices', audit_log_configs: [{ log_type: 'ADMIN_READ' }, { log_type: 'DATA_READ' }] }, { service: 'allServices', audit_log_configs: [{ log_type: 'DATA_WRITE' }] }])],
      'gcp-audit-logs-all-services',
    );
    expect(f['555']?.status).toBe('fail');
  });
});

describe('residency', () => {
  it('accepts asia-northeast1/2, their zones and ASIA1; rejects the ASIA and US multi-regions and foreign regions', () => {
    const f = findings(
      [
        bucket('tokyo', {}, 'asia-northeast1'),
        bucket('dual-japan', {}, 'asia1'),
        bucket('multi-asia', {}, 'asia'),
        bucket('custom-dual', { customPlacementConfig: { dataLocations: ['ASIA-NORTHEAST1', 'ASIA-NORTHEAST2'] } }, 'asia'),
        asset('compute.googleapis.com/Disk', '//compute.googleapis.com/projects/kansa-test/zones/asia-northeast2-a/disks/osaka-disk', { name: 'osaka-disk' }),
        ...sample('sql_public_ip').slice(0, 1),
        sampleAsset('bucket_cmek', 'my-storage-bucket'),
      ],
      'gcp-data-stored-in-japan',
    );
    expect(f.tokyo).toEqual({ status: 'pass' });
    expect(f['dual-japan']).toEqual({ status: 'pass' });
    expect(f['multi-asia']).toEqual({ status: 'fail', reason: 'data: asia (a multi-region spanning several regions; cannot be pinned to Japan)' });
    expect(f['custom-dual']).toEqual({ status: 'pass' });
    expect(f['osaka-disk']).toEqual({ status: 'pass' });
    // the fixture also has backups enabled with no backup location: both places are named
    expect(f['public-private-sql2']).toEqual({ status: 'fail', reason: 'data: us-central1 (outside Japan); backups: no location set (stored in the nearest multi-region; cannot be pinned to Japan)' });
    expect(f['my-storage-bucket']).toEqual({ status: 'fail', reason: 'data: us-central1 (outside Japan)' });
    const ja = reasonsJa([bucket('multi-asia', {}, 'asia'), sampleAsset('bucket_cmek', 'my-storage-bucket')], 'gcp-data-stored-in-japan');
    expect(ja['multi-asia']).toBe('データ: asia（複数のリージョンにまたがるマルチリージョンで、日本国内に固定できません）');
    expect(ja['my-storage-bucket']).toBe('データ: us-central1（日本国外）');
  });

  it('is unknown for an asset that carries no location', () => {
    const f = findings([asset(BUCKET, '//storage.googleapis.com/nowhere', { name: 'nowhere' })], 'gcp-data-stored-in-japan');
    expect(f.nowhere).toEqual({ status: 'unknown', reason: 'cannot evaluate: no location recorded for this asset' });
    expect(reasonsJa([asset(BUCKET, '//storage.googleapis.com/nowhere', { name: 'nowhere' })], 'gcp-data-stored-in-japan').nowhere).toBe(
      '判定できません: このアセットにはロケーションが記録されていません',
    );
  });

  it('stays unknown for an asset without location even when its dual-region data locations are Japanese', () => {
    const f = findings([asset(BUCKET, '//storage.googleapis.com/nowhere', { name: 'nowhere', customPlacementConfig: { dataLocations: ['ASIA-NORTHEAST1', 'ASIA-NORTHEAST2'] } })], 'gcp-data-stored-in-japan');
    expect(f.nowhere?.status).toBe('unknown');
  });

  it('checks snapshot storage locations and Cloud SQL backup locations, which default to a multi-region', () => {
    const snap = (name: string, data: Record<string, unknown>) => asset('compute.googleapis.com/Snapshot', `//compute.googleapis.com/projects/kansa-test/global/snapshots/${name}`, { name, ...data }, 'global');
    const s = findings([snap('jp', { storageLocations: ['asia-northeast1'] }), snap('asia', { storageLocations: ['asia'] }), snap('none', {})], 'gcp-data-stored-in-japan');
    expect(s.jp).toEqual({ status: 'pass' });
    expect(s.asia).toEqual({ status: 'fail', reason: 'data: asia (a multi-region spanning several regions; cannot be pinned to Japan)' });
    expect(s.none).toEqual({ status: 'unknown', reason: 'cannot evaluate: No such key: storageLocations' });
    const sja = reasonsJa([snap('asia', { storageLocations: ['asia'] }), snap('none', {})], 'gcp-data-stored-in-japan');
    expect(sja.asia).toBe('データ: asia（複数のリージョンにまたがるマルチリージョンで、日本国内に固定できません）');
    expect(sja.none).toBe('判定できません: 保存ロケーション（storageLocations）が記録されていません');
    const b = findings(
      [sql('tokyo-backups', { backupConfiguration: { enabled: true, location: 'asia-northeast1' } }), sql('default-backups', { backupConfiguration: { enabled: true } }), sql('us-backups', { backupConfiguration: { enabled: true, location: 'us' } })],
      'gcp-data-stored-in-japan',
    );
    expect(b['tokyo-backups']).toEqual({ status: 'pass' });
    expect(b['default-backups']).toEqual({ status: 'fail', reason: 'backups: no location set (stored in the nearest multi-region; cannot be pinned to Japan)' });
    expect(b['us-backups']).toEqual({ status: 'fail', reason: 'backups: us (a multi-region spanning several regions; cannot be pinned to Japan)' });
    const bja = reasonsJa([sql('default-backups', { backupConfiguration: { enabled: true } }), sql('us-backups', { backupConfiguration: { enabled: true, location: 'us' } })], 'gcp-data-stored-in-japan');
    expect(bja['default-backups']).toBe('バックアップ: 保存先の指定なし（最寄りのマルチリージョンに保存され、日本国内に固定できません）');
    expect(bja['us-backups']).toBe('バックアップ: us（複数のリージョンにまたがるマルチリージョンで、日本国内に固定できません）');
  });
});
