/**
 * The register-driven GCP controls (mappings/registers/gcp.yaml): residency of every data store and its copies
 * (9-6), customer-managed keys at rest (2-1) and TLS on the endpoints that can be plaintext (2-2). Payloads are
 * Cloud Asset RESOURCE assets whose `data` follows each service's REST reference (cited per shape below).
 */
import { asset, findings, reasonsJa } from './support.js';

const P = 'projects/kansa-test';
const C = 'https://www.googleapis.com/compute/v1/projects/kansa-test';
const RESIDENCY = 'gcp-data-stored-in-japan';

// Secret Manager v1 Secret.replication (https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets).
const secret = (name: string, replication?: Record<string, unknown>, labels?: Record<string, string>) =>
  asset('secretmanager.googleapis.com/Secret', `//secretmanager.googleapis.com/${P}/secrets/${name}`, {
    name: `${P}/secrets/${name}`,
    createTime: '2026-01-01T00:00:00Z',
    ...(replication ? { replication } : {}),
    ...(labels ? { labels } : {}),
  }, 'global');
// Compute v1 MachineImage (https://cloud.google.com/compute/docs/reference/rest/v1/machineImages).
const machineImage = (name: string, data: Record<string, unknown>) =>
  asset('compute.googleapis.com/MachineImage', `//compute.googleapis.com/${P}/global/machineImages/${name}`, { name, status: 'READY', selfLink: `${C}/global/machineImages/${name}`, ...data }, 'global');
const kmsKey = (name: string, location: string) =>
  asset('cloudkms.googleapis.com/CryptoKey', `//cloudkms.googleapis.com/${P}/locations/${location}/keyRings/ring/cryptoKeys/${name}`, { name: `${P}/locations/${location}/keyRings/ring/cryptoKeys/${name}`, purpose: 'ENCRYPT_DECRYPT' }, location);
// Spanner v1 Instance.config (https://cloud.google.com/spanner/docs/reference/rest/v1/projects.instances).
const spanner = (name: string, config?: string) =>
  asset('spanner.googleapis.com/Instance', `//spanner.googleapis.com/${P}/instances/${name}`, { name: `${P}/instances/${name}`, nodeCount: 1, state: 'READY', ...(config ? { config: `${P}/instanceConfigs/${config}` } : {}) });
const bucket = (name: string, location: string) =>
  asset('storage.googleapis.com/Bucket', `//storage.googleapis.com/${name}`, { name, location: location.toUpperCase(), locationType: 'dual-region' }, location);
// Pub/Sub v1 Topic.messageStoragePolicy (https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.topics).
const topic = (name: string, data: Record<string, unknown>) => asset('pubsub.googleapis.com/Topic', `//pubsub.googleapis.com/${P}/topics/${name}`, { name: `${P}/topics/${name}`, ...data });

// Composer v1 Environment.config.encryptionConfig (https://cloud.google.com/composer/docs/reference/rest/v1/projects.locations.environments),
// Vertex AI v1 Dataset.encryptionSpec (https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.datasets),
// Backup and DR v1 BackupVault.encryptionConfig (https://cloud.google.com/backup-disaster-recovery/docs/reference/rest/v1/projects.locations.backupVaults),
// Filestore v1 Backup.kmsKey (https://cloud.google.com/filestore/docs/reference/rest/v1/projects.locations.backups).
const composer = (name: string, location: string, data: Record<string, unknown> = {}, config: Record<string, unknown> = {}) =>
  asset('composer.googleapis.com/Environment', `//composer.googleapis.com/${P}/locations/${location}/environments/${name}`, {
    name: `${P}/locations/${location}/environments/${name}`,
    state: 'RUNNING',
    config: { softwareConfig: { imageVersion: 'composer-2.9.7-airflow-2.9.3' }, environmentSize: 'ENVIRONMENT_SIZE_SMALL', ...config },
    ...data,
  }, location);
const dataset = (name: string, location: string, data: Record<string, unknown> = {}) =>
  asset('aiplatform.googleapis.com/Dataset', `//aiplatform.googleapis.com/projects/123456789012/locations/${location}/datasets/${name}`, {
    name: `projects/123456789012/locations/${location}/datasets/${name}`,
    displayName: name,
    metadataSchemaUri: 'gs://google-cloud-aiplatform/schema/dataset/metadata/tabular_1.0.0.yaml',
    ...data,
  }, location);
const vault = (name: string, location: string, data: Record<string, unknown> = {}) =>
  asset('backupdr.googleapis.com/BackupVault', `//backupdr.googleapis.com/${P}/locations/${location}/backupVaults/${name}`, {
    name: `${P}/locations/${location}/backupVaults/${name}`,
    state: 'ACTIVE',
    backupMinimumEnforcedRetentionDuration: '86400s',
    ...data,
  }, location);
const fileBackup = (name: string, location: string, data: Record<string, unknown> = {}) =>
  asset('file.googleapis.com/Backup', `//file.googleapis.com/${P}/locations/${location}/backups/${name}`, {
    name: `${P}/locations/${location}/backups/${name}`,
    state: 'READY',
    sourceInstance: `${P}/locations/${location}-b/instances/nfs`,
    sourceFileShare: 'share1',
    ...data,
  }, location);

describe(`${RESIDENCY}: the places each type stores data`, () => {
  it('fails a secret with automatic replication or a replica abroad; passes replicas in Japan; unknown without a policy', () => {
    const f = findings(
      [
        secret('auto', { automatic: {} }),
        secret('abroad', { userManaged: { replicas: [{ location: 'asia-northeast1' }, { location: 'us-central1' }] } }),
        secret('japan', { userManaged: { replicas: [{ location: 'asia-northeast1' }, { location: 'asia-northeast2' }] } }),
        secret('bare'),
      ],
      RESIDENCY,
    );
    expect(f.auto).toEqual({ status: 'fail', reason: 'secret: automatic replication (copied to regions Google chooses; cannot be pinned to Japan)' });
    expect(f.abroad).toEqual({ status: 'fail', reason: 'replica: us-central1 (outside Japan)' });
    expect(f.japan).toEqual({ status: 'pass' });
    expect(f.bare).toEqual({ status: 'unknown', reason: 'cannot evaluate: no replication policy recorded' });
    expect(reasonsJa([secret('auto', { automatic: {} })], RESIDENCY).auto).toBe('シークレット: 自動レプリケーション（Google が選ぶ複数のリージョンに複製され、日本国内に固定できません）');
  });

  it('reads machine images, snapshots and images from storageLocations: us fails, Tokyo passes, none is unknown', () => {
    const snap = (name: string, data: Record<string, unknown>) => asset('compute.googleapis.com/Snapshot', `//compute.googleapis.com/${P}/global/snapshots/${name}`, { name, ...data }, 'global');
    const f = findings([machineImage('mi-us', { storageLocations: ['us'] }), machineImage('mi-jp', { storageLocations: ['asia-northeast1'] }), machineImage('mi-none', {}), snap('snap-asia', { storageLocations: ['asia'] })], RESIDENCY);
    expect(f['mi-us']).toEqual({ status: 'fail', reason: 'data: us (a multi-region spanning several regions; cannot be pinned to Japan)' });
    expect(f['mi-jp']).toEqual({ status: 'pass' });
    expect(f['mi-none']).toEqual({ status: 'unknown', reason: 'cannot evaluate: No such key: storageLocations' });
    expect(f['snap-asia']?.status).toBe('fail');
    expect(reasonsJa([machineImage('mi-none', {})], RESIDENCY)['mi-none']).toBe('判定できません: 保存ロケーション（storageLocations）が記録されていません');
  });

  it('fails KMS keys in global, a multi-region or asia1 (third replica outside Japan), as AWS fails keys abroad', () => {
    const f = findings([kmsKey('k-global', 'global'), kmsKey('k-asia', 'asia'), kmsKey('k-asia1', 'asia1'), kmsKey('k-tokyo', 'asia-northeast1')], RESIDENCY);
    expect(f['k-global']).toEqual({ status: 'fail', reason: 'data: global (served from locations worldwide; cannot be pinned to Japan)' });
    expect(f['k-asia']?.status).toBe('fail');
    expect(f['k-asia1']).toEqual({ status: 'fail', reason: 'data: asia1 (keeps a replica outside Japan besides Tokyo and Osaka)' });
    expect(f['k-tokyo']).toEqual({ status: 'pass' });
  });

  it('judges asia1 per type: Cloud Storage asia1 (Tokyo + Osaka) passes, Spanner asia1 fails; Spanner regional and dual-region Japan pass', () => {
    const f = findings([bucket('b-asia1', 'asia1'), spanner('sp-asia1', 'asia1'), spanner('sp-tokyo', 'regional-asia-northeast1'), spanner('sp-dual', 'dual-region-japan1'), spanner('sp-us', 'regional-us-central1'), spanner('sp-none')], RESIDENCY);
    expect(f['b-asia1']).toEqual({ status: 'pass' });
    expect(f['sp-asia1']).toEqual({ status: 'fail', reason: 'data: asia1 (keeps a replica outside Japan besides Tokyo and Osaka)' });
    expect(f['sp-tokyo']).toEqual({ status: 'pass' });
    expect(f['sp-dual']).toEqual({ status: 'pass' });
    expect(f['sp-us']).toEqual({ status: 'fail', reason: 'data: us-central1 (outside Japan)' });
    expect(f['sp-none']).toEqual({ status: 'unknown', reason: 'cannot evaluate: No such key: config' });
  });

  it('fails a Pub/Sub topic without a message storage policy or with a region abroad; passes Japanese regions only', () => {
    const f = findings(
      [
        topic('t-none', {}),
        topic('t-jp', { messageStoragePolicy: { allowedPersistenceRegions: ['asia-northeast1', 'asia-northeast2'] } }),
        topic('t-mixed', { messageStoragePolicy: { allowedPersistenceRegions: ['asia-northeast1', 'asia-southeast1'] } }),
      ],
      RESIDENCY,
    );
    expect(f['t-none']).toEqual({ status: 'fail', reason: 'messages: no message storage policy (stored in any region near the publisher; cannot be pinned to Japan)' });
    expect(f['t-jp']).toEqual({ status: 'pass' });
    expect(f['t-mixed']).toEqual({ status: 'fail', reason: 'messages: asia-southeast1 (outside Japan)' });
  });

  it('reads the location of every other data store from the asset: BigQuery, Firestore, AlloyDB, Redis, GKE, logs, Artifact Registry', () => {
    const located = (type: string, name: string, location: string, data: Record<string, unknown> = {}) => asset(type, `//x.googleapis.com/${P}/locations/${location}/things/${name}`, { name, ...data }, location);
    const f = findings(
      [
        located('bigquery.googleapis.com/Dataset', 'ds-us', 'us'),
        located('bigquery.googleapis.com/Table', 'tbl-tokyo', 'asia-northeast1'),
        located('firestore.googleapis.com/Database', 'fs-nam5', 'nam5', { locationId: 'nam5' }),
        located('alloydb.googleapis.com/Cluster', 'adb-osaka', 'asia-northeast2'),
        located('redis.googleapis.com/Instance', 'redis-zone', 'asia-northeast1-b'),
        located('container.googleapis.com/Cluster', 'gke-eu', 'europe-west1'),
        located('logging.googleapis.com/LogBucket', 'log-global', 'global'),
        located('artifactregistry.googleapis.com/Repository', 'ar-asia', 'asia'),
        located('run.googleapis.com/Service', 'run-tokyo', 'asia-northeast1'),
      ],
      RESIDENCY,
    );
    expect(f['ds-us']?.status).toBe('fail');
    expect(f['tbl-tokyo']).toEqual({ status: 'pass' });
    expect(f['fs-nam5']).toEqual({ status: 'fail', reason: 'data: nam5 (a multi-region spanning several regions; cannot be pinned to Japan)' });
    expect(f['adb-osaka']).toEqual({ status: 'pass' });
    expect(f['redis-zone']).toEqual({ status: 'pass' });
    expect(f['gke-eu']).toEqual({ status: 'fail', reason: 'data: europe-west1 (outside Japan)' });
    expect(f['log-global']?.reason).toContain('cannot be pinned to Japan');
    expect(f['ar-asia']?.status).toBe('fail');
    expect(f['run-tokyo']).toEqual({ status: 'pass' });
  });

  it('reads Composer environments, Vertex AI datasets, Backup and DR vaults and Filestore backups from the asset location', () => {
    const f = findings(
      [
        composer('airflow-tokyo', 'asia-northeast1'),
        composer('airflow-us', 'us-central1'),
        dataset('ds-osaka', 'asia-northeast2'),
        dataset('ds-eu', 'europe-west4'),
        vault('vault-tokyo', 'asia-northeast1'),
        vault('vault-us', 'us-east1'),
        fileBackup('nfs-tokyo', 'asia-northeast1'),
        fileBackup('nfs-asia', 'asia-southeast1'),
        { ...vault('vault-no-data', 'asia-northeast1'), resource: { version: 'v1', location: 'asia-northeast1' } },
      ],
      RESIDENCY,
    );
    expect(f['airflow-tokyo']).toEqual({ status: 'pass' });
    expect(f['airflow-us']).toEqual({ status: 'fail', reason: 'data: us-central1 (outside Japan)' });
    expect(f['ds-osaka']).toEqual({ status: 'pass' });
    expect(f['ds-eu']?.status).toBe('fail');
    expect(f['vault-tokyo']).toEqual({ status: 'pass' });
    expect(f['vault-us']).toEqual({ status: 'fail', reason: 'data: us-east1 (outside Japan)' });
    expect(f['nfs-tokyo']).toEqual({ status: 'pass' });
    expect(f['nfs-asia']?.status).toBe('fail');
    expect(f['vault-no-data']?.status).toBe('unknown'); // the asset's data did not arrive: never a pass
    expect(reasonsJa([composer('airflow-us', 'us-central1')], RESIDENCY)['airflow-us']).toBe('データ: us-central1（日本国外）');
  });

  it('judges copies: Cloud SQL backups and scheduled snapshots without a location go to a multi-region', () => {
    // Cloud SQL v1beta4 settings.backupConfiguration.location; Compute v1 ResourcePolicy.snapshotSchedulePolicy.snapshotProperties.storageLocations.
    const sql = (name: string, backup: Record<string, unknown>) =>
      asset('sqladmin.googleapis.com/Instance', `//cloudsql.googleapis.com/${P}/instances/${name}`, { name, region: 'asia-northeast1', settings: { backupConfiguration: backup } }, 'asia-northeast1');
    const policy = (name: string, data: Record<string, unknown>) =>
      asset('compute.googleapis.com/ResourcePolicy', `//compute.googleapis.com/${P}/regions/asia-northeast1/resourcePolicies/${name}`, { name, region: `${C}/regions/asia-northeast1`, ...data }, 'asia-northeast1');
    const schedule = (props: Record<string, unknown>) => ({ snapshotSchedulePolicy: { schedule: { dailySchedule: { daysInCycle: 1, startTime: '18:00' } }, snapshotProperties: props } });
    const f = findings(
      [
        sql('sql-tokyo', { enabled: true, location: 'asia-northeast1' }),
        sql('sql-default', { enabled: true }),
        sql('sql-us', { enabled: true, location: 'us' }),
        sql('sql-off', { enabled: false }),
        policy('sched-jp', schedule({ storageLocations: ['asia-northeast1'] })),
        policy('sched-default', schedule({})),
        policy('placement', { groupPlacementPolicy: { availabilityDomainCount: 2 } }),
      ],
      RESIDENCY,
    );
    expect(f['sql-tokyo']).toEqual({ status: 'pass' });
    expect(f['sql-default']).toEqual({ status: 'fail', reason: 'backups: no location set (stored in the nearest multi-region; cannot be pinned to Japan)' });
    expect(f['sql-us']).toEqual({ status: 'fail', reason: 'backups: us (a multi-region spanning several regions; cannot be pinned to Japan)' });
    expect(f['sql-off']).toEqual({ status: 'pass' });
    expect(f['sched-jp']).toEqual({ status: 'pass' });
    expect(f['sched-default']?.reason).toBe('scheduled snapshots: no location set (stored in the nearest multi-region; cannot be pinned to Japan)');
    expect(f.placement).toBeUndefined(); // not a snapshot schedule: holds no data
    expect(reasonsJa([sql('sql-default', { enabled: true })], RESIDENCY)['sql-default']).toBe('バックアップ: 保存先の指定なし（最寄りのマルチリージョンに保存され、日本国内に固定できません）');
  });
});

describe('gcp-cmek-where-required', () => {
  const control = 'gcp-cmek-where-required';
  const required = { cmek: 'required' };
  it('passes a labelled store with a Cloud KMS key, fails one on Google-managed keys, skips unlabelled ones, per type field', () => {
    const key = `${P}/locations/asia-northeast1/keyRings/ring/cryptoKeys/k`;
    const f = findings(
      [
        asset('bigquery.googleapis.com/Dataset', `//bigquery.googleapis.com/${P}/datasets/ds-cmek`, { labels: required, defaultEncryptionConfiguration: { kmsKeyName: key } }, 'asia-northeast1'),
        asset('bigquery.googleapis.com/Dataset', `//bigquery.googleapis.com/${P}/datasets/ds-google`, { labels: { 'data-classification': 'confidential' } }, 'asia-northeast1'),
        asset('pubsub.googleapis.com/Topic', `//pubsub.googleapis.com/${P}/topics/t-cmek`, { labels: required, kmsKeyName: key }),
        asset('compute.googleapis.com/MachineImage', `//compute.googleapis.com/${P}/global/machineImages/mi-google`, { labels: required, storageLocations: ['asia-northeast1'] }, 'global'),
        asset('container.googleapis.com/Cluster', `//container.googleapis.com/${P}/locations/asia-northeast1/clusters/gke-decrypted`, { resourceLabels: {}, labels: required, databaseEncryption: { state: 'DECRYPTED' } }, 'asia-northeast1'),
        secret('s-cmek', { userManaged: { replicas: [{ location: 'asia-northeast1', customerManagedEncryption: { kmsKeyName: key } }, { location: 'asia-northeast2', customerManagedEncryption: { kmsKeyName: key } }] } }, required),
        secret('s-partial', { userManaged: { replicas: [{ location: 'asia-northeast1', customerManagedEncryption: { kmsKeyName: key } }, { location: 'asia-northeast2' }] } }, required),
        secret('s-unreadable', undefined, required),
        asset('bigquery.googleapis.com/Dataset', `//bigquery.googleapis.com/${P}/datasets/ds-public`, {}, 'asia-northeast1'),
      ],
      control,
    );
    expect(f['ds-cmek']).toEqual({ status: 'pass' });
    expect(f['ds-google']).toEqual({ status: 'fail', reason: 'a customer-managed key is required but no Cloud KMS key is set (encrypted with Google-managed keys)' });
    expect(f['t-cmek']).toEqual({ status: 'pass' });
    expect(f['mi-google']?.status).toBe('fail');
    expect(f['gke-decrypted']?.status).toBe('fail');
    expect(f['s-cmek']).toEqual({ status: 'pass' });
    expect(f['s-partial']?.status).toBe('fail'); // every replica needs the key
    expect(f['s-unreadable']).toEqual({ status: 'unknown', reason: 'cannot evaluate: no encryption setting recorded' });
    expect(f['ds-public']).toBeUndefined();
    const more = findings(
      [
        composer('airflow-cmek', 'asia-northeast1', { labels: required }, { encryptionConfig: { kmsKeyName: key } }),
        composer('airflow-google', 'asia-northeast1', { labels: required }),
        dataset('ds-cmek', 'asia-northeast1', { labels: required, encryptionSpec: { kmsKeyName: key } }),
        dataset('ds-vertex-google', 'asia-northeast1', { labels: required }),
        vault('vault-cmek', 'asia-northeast1', { labels: required, encryptionConfig: { kmsKeyName: key } }),
        vault('vault-google', 'asia-northeast1', { labels: required }),
        fileBackup('nfs-cmek', 'asia-northeast1', { labels: required, kmsKey: key }),
        fileBackup('nfs-google', 'asia-northeast1', { labels: required }),
        // Memorystore for Redis Cluster v1 Cluster.kmsKey (https://cloud.google.com/memorystore/docs/cluster/reference/rest/v1/projects.locations.clusters)
        asset('redis.googleapis.com/Cluster', `//redis.googleapis.com/${P}/locations/asia-northeast1/clusters/rc-cmek`, { name: `${P}/locations/asia-northeast1/clusters/rc-cmek`, shardCount: 3, labels: required, kmsKey: key }, 'asia-northeast1'),
        asset('redis.googleapis.com/Cluster', `//redis.googleapis.com/${P}/locations/asia-northeast1/clusters/rc-google`, { name: `${P}/locations/asia-northeast1/clusters/rc-google`, shardCount: 3, labels: required }, 'asia-northeast1'),
      ],
      control,
    );
    expect(Object.fromEntries(Object.entries(more).map(([k, v]) => [k, v.status]))).toEqual({
      'airflow-cmek': 'pass',
      'airflow-google': 'fail',
      'ds-cmek': 'pass',
      'ds-vertex-google': 'fail',
      'vault-cmek': 'pass',
      'vault-google': 'fail',
      'nfs-cmek': 'pass',
      'nfs-google': 'fail',
      'rc-cmek': 'pass',
      'rc-google': 'fail',
    });
    expect(reasonsJa([asset('bigquery.googleapis.com/Dataset', `//bigquery.googleapis.com/${P}/datasets/ds-google`, { labels: required }, 'asia-northeast1')], control)['ds-google']).toBe(
      '顧客管理の暗号鍵が求められていますが、Cloud KMS の鍵が設定されていません（Google 管理の鍵で暗号化されています）',
    );
  });
});

describe('gcp-data-endpoints-require-tls', () => {
  const control = 'gcp-data-endpoints-require-tls';
  // Memorystore for Redis v1 Instance.transitEncryptionMode: "If not provided, TLS is disabled".
  const redis = (name: string, data: Record<string, unknown>) => asset('redis.googleapis.com/Instance', `//redis.googleapis.com/${P}/locations/asia-northeast1/instances/${name}`, { name, tier: 'STANDARD_HA', ...data }, 'asia-northeast1');
  // AlloyDB v1 Instance.clientConnectionConfig.sslConfig.sslMode.
  const alloy = (name: string, data: Record<string, unknown>) => asset('alloydb.googleapis.com/Instance', `//alloydb.googleapis.com/${P}/locations/asia-northeast1/clusters/c/instances/${name}`, { name, instanceType: 'PRIMARY', ...data }, 'asia-northeast1');
  const httpProxy = (name: string, urlMap: string) => asset('compute.googleapis.com/TargetHttpProxy', `//compute.googleapis.com/${P}/global/targetHttpProxies/${name}`, { name, urlMap: `${C}/global/urlMaps/${urlMap}` }, 'global');
  const urlMap = (name: string, data: Record<string, unknown>) => asset('compute.googleapis.com/UrlMap', `//compute.googleapis.com/${P}/global/urlMaps/${name}`, { name, selfLink: `${C}/global/urlMaps/${name}`, ...data }, 'global');

  it('Redis: SERVER_AUTHENTICATION passes, DISABLED or unset fails; Redis Cluster likewise', () => {
    const cluster = (name: string, data: Record<string, unknown>) => asset('redis.googleapis.com/Cluster', `//redis.googleapis.com/${P}/locations/asia-northeast1/clusters/${name}`, { name, ...data }, 'asia-northeast1');
    const f = findings(
      [redis('r-tls', { transitEncryptionMode: 'SERVER_AUTHENTICATION' }), redis('r-off', { transitEncryptionMode: 'DISABLED' }), redis('r-unset', {}), cluster('rc-tls', { transitEncryptionMode: 'TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION' }), cluster('rc-off', { transitEncryptionMode: 'TRANSIT_ENCRYPTION_MODE_DISABLED' })],
      control,
    );
    expect(f['r-tls']).toEqual({ status: 'pass' });
    expect(f['r-off']).toEqual({ status: 'fail', reason: 'in-transit encryption (transitEncryptionMode) is disabled' });
    expect(f['r-unset']?.status).toBe('fail');
    expect(f['rc-tls']).toEqual({ status: 'pass' });
    expect(f['rc-off']?.status).toBe('fail');
    expect(reasonsJa([redis('r-off', { transitEncryptionMode: 'DISABLED' })], control)['r-off']).toBe('転送中の暗号化（transitEncryptionMode）が無効です');
  });

  it('AlloyDB: ENCRYPTED_ONLY passes, ALLOW_UNENCRYPTED_AND_ENCRYPTED fails, no recorded sslMode is unknown', () => {
    const f = findings(
      [alloy('a-enc', { clientConnectionConfig: { sslConfig: { sslMode: 'ENCRYPTED_ONLY' } } }), alloy('a-allow', { clientConnectionConfig: { sslConfig: { sslMode: 'ALLOW_UNENCRYPTED_AND_ENCRYPTED' } } }), alloy('a-none', {})],
      control,
    );
    expect(f['a-enc']).toEqual({ status: 'pass' });
    expect(f['a-allow']).toEqual({ status: 'fail', reason: 'sslMode is ALLOW_UNENCRYPTED_AND_ENCRYPTED: unencrypted connections are accepted' });
    expect(f['a-none']).toEqual({ status: 'unknown', reason: 'cannot evaluate: no clientConnectionConfig.sslConfig.sslMode recorded' });
  });

  it('HTTP proxies: a redirect-only URL map passes, a serving one fails, an uncollected one is unknown', () => {
    const f = findings(
      [
        httpProxy('p-redirect', 'redirect'),
        urlMap('redirect', { defaultUrlRedirect: { httpsRedirect: true, redirectResponseCode: 'MOVED_PERMANENTLY_DEFAULT' } }),
        httpProxy('p-serving', 'web'),
        urlMap('web', { defaultService: `${C}/global/backendServices/web` }),
        httpProxy('p-missing', 'gone'),
      ],
      control,
    );
    expect(f['p-redirect']).toEqual({ status: 'pass' });
    expect(f['p-serving']).toEqual({ status: 'fail', reason: 'the HTTP proxy serves URL map web over plaintext HTTP (not only a redirect to HTTPS)' });
    expect(f['p-missing']?.status).toBe('unknown');
  });
});

describe('gcp-tls-minimum-version', () => {
  const control = 'gcp-tls-minimum-version';
  // Compute v1 SslPolicy.minTlsVersion (default TLS_1_0); TargetHttpsProxy.sslPolicy.
  const policy = (name: string, data: Record<string, unknown>) => asset('compute.googleapis.com/SslPolicy', `//compute.googleapis.com/${P}/global/sslPolicies/${name}`, { name, selfLink: `${C}/global/sslPolicies/${name}`, ...data }, 'global');
  const https = (name: string, sslPolicy?: string) =>
    asset('compute.googleapis.com/TargetHttpsProxy', `//compute.googleapis.com/${P}/global/targetHttpsProxies/${name}`, { name, urlMap: `${C}/global/urlMaps/web`, ...(sslPolicy ? { sslPolicy: `${C}/global/sslPolicies/${sslPolicy}` } : {}) }, 'global');

  it('passes TLS 1.2+, fails TLS 1.0/1.1 and proxies on the default policy, is unknown when the policy was not collected', () => {
    const f = findings([policy('modern', { profile: 'MODERN', minTlsVersion: 'TLS_1_2' }), policy('old', { profile: 'COMPATIBLE', minTlsVersion: 'TLS_1_0' }), policy('unset', {}), https('h-modern', 'modern'), https('h-old', 'old'), https('h-default'), https('h-missing', 'gone')], control);
    expect(f.modern).toEqual({ status: 'pass' });
    expect(f.old).toEqual({ status: 'fail', reason: 'minimum TLS version is TLS_1_0 (accepts versions older than TLS 1.2)' });
    expect(f.unset?.status).toBe('fail');
    expect(f['h-modern']).toEqual({ status: 'pass' });
    expect(f['h-old']?.status).toBe('fail');
    expect(f['h-default']).toEqual({ status: 'fail', reason: "no SSL policy, so Google's default applies: minimum TLS version is TLS_1_0 (accepts versions older than TLS 1.2)" });
    expect(f['h-missing']?.status).toBe('unknown');
    expect(reasonsJa([https('h-default')], control)['h-default']).toBe('SSL ポリシーが設定されていないため既定のポリシーが適用され、最小 TLS バージョンが TLS_1_0 です（TLS 1.2 未満を受け付けます）');
  });
});
