import { asset, findings, reasonsJa } from './support.js';

const bucket = (name: string, data: Record<string, unknown>) =>
  asset('storage.googleapis.com/Bucket', `//storage.googleapis.com/${name}`, { name, location: 'ASIA-NORTHEAST1', ...data }, 'asia-northeast1');

const keyPolicy = (name: string, iamPolicy: unknown) => ({
  name: `//cloudkms.googleapis.com/projects/p/locations/asia-northeast1/keyRings/r/cryptoKeys/${name}`,
  assetType: 'cloudkms.googleapis.com/CryptoKey',
  ancestors: ['projects/123456789012'],
  iamPolicy,
});

describe('gcp-storage-bucket-versioning', () => {
  it('passes versioned buckets, fails others naming the bucket, and is unknown for a malformed asset', () => {
    const f = findings(
      [bucket('kept', { versioning: { enabled: true } }), bucket('empty-block', { versioning: {} }), bucket('no-block', {}), { name: '//storage.googleapis.com/broken', assetType: 'storage.googleapis.com/Bucket', resource: { data: 'not an object' } }],
      'gcp-storage-bucket-versioning',
    );
    expect(f.kept).toEqual({ status: 'pass' });
    expect(f['empty-block']).toEqual({ status: 'fail', reason: 'object versioning is off for bucket empty-block: an overwrite or delete cannot be undone' });
    expect(f['no-block']?.status).toBe('fail');
    expect(f.broken?.status).toBe('unknown');
    expect(reasonsJa([bucket('empty-block', { versioning: {} })], 'gcp-storage-bucket-versioning')['empty-block']).toBe(
      'バケット empty-block でオブジェクトのバージョニングが無効です。上書きや削除を元に戻せません',
    );
  });
});

describe('gcp-kms-key-not-public', () => {
  it('fails keys granted to allUsers / allAuthenticatedUsers, passes others, unknown for a malformed policy', () => {
    const f = findings(
      [
        keyPolicy('private', { bindings: [{ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', members: ['serviceAccount:app@p.iam.gserviceaccount.com'] }] }),
        keyPolicy('public', { bindings: [{ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', members: ['allAuthenticatedUsers', 'user:a@example.jp'] }] }),
        keyPolicy('odd', 'not a policy'),
      ],
      'gcp-kms-key-not-public',
    );
    expect(f.private).toEqual({ status: 'pass' });
    expect(f.public).toEqual({ status: 'fail', reason: 'roles/cloudkms.cryptoKeyEncrypterDecrypter granted to allAuthenticatedUsers' });
    expect(f.odd?.status).toBe('unknown');
    const publicKey = keyPolicy('public', { bindings: [{ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', members: ['allAuthenticatedUsers', 'allUsers', 'user:a@example.jp'] }] });
    expect(reasonsJa([publicKey], 'gcp-kms-key-not-public').public).toBe('allAuthenticatedUsers と allUsers にロール roles/cloudkms.cryptoKeyEncrypterDecrypter が付与されています');
  });
});
