/** The sandbox S3 through the real @aws-sdk/client-s3: Object Lock, versions, paging, XML errors. */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';

const DAY = 86_400_000;

describe('sandbox S3', () => {
  let sandbox: Sandbox;
  let client: S3Client;
  let t = Date.parse('2026-11-02T00:00:00Z');
  const bucket = 'evidence-test';

  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 10 }, s3: { bucket, now: () => new Date(t) } });
    client = new S3Client({ endpoint: sandbox.s3.endpoint, region: sandbox.s3.region, credentials: sandbox.s3.credentials, forcePathStyle: true, maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await sandbox.close();
  });

  const put = (key: string, body: string, mode?: 'GOVERNANCE' | 'COMPLIANCE', days = 1) =>
    client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(body), ...(mode ? { ObjectLockMode: mode, ObjectLockRetainUntilDate: new Date(t + days * DAY) } : {}) }));
  const failure = async (p: Promise<unknown>): Promise<{ name: string; status: number | undefined }> => {
    try {
      await p;
    } catch (error) {
      if (error instanceof S3ServiceException) return { name: error.name, status: error.$metadata.httpStatusCode };
      throw error;
    }
    throw new Error('expected a failure');
  };

  it('has Object Lock enabled on the bucket created at start', async () => {
    const out = await client.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
    expect(out.ObjectLockConfiguration?.ObjectLockEnabled).toBe('Enabled');
    expect(await failure(client.send(new GetObjectLockConfigurationCommand({ Bucket: 'other' })))).toEqual({ name: 'NoSuchBucket', status: 404 });
  });

  it('stores, reads and heads an object with its lock; a missing key is NoSuchKey / 404', async () => {
    const out = await put('a/one.txt', 'hello', 'COMPLIANCE', 2);
    expect(out.VersionId).toBeDefined();
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'a/one.txt' }));
    expect(await got.Body!.transformToString()).toBe('hello');
    expect(got.ObjectLockMode).toBe('COMPLIANCE');
    expect(got.ObjectLockRetainUntilDate?.toISOString()).toBe(new Date(t + 2 * DAY).toISOString());
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'a/one.txt' }));
    expect(head.ContentLength).toBe(5);
    const retention = await client.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: 'a/one.txt' }));
    expect(retention.Retention?.Mode).toBe('COMPLIANCE');
    expect(await failure(client.send(new GetObjectCommand({ Bucket: bucket, Key: 'a/none' })))).toEqual({ name: 'NoSuchKey', status: 404 });
    expect((await failure(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'a/none' })))).status).toBe(404);
  });

  it('refuses to delete a COMPLIANCE-locked version, even with the governance bypass, until it expires', async () => {
    const { VersionId } = await put('c/locked', 'x', 'COMPLIANCE', 1);
    expect(await failure(client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'c/locked', VersionId })))).toEqual({ name: 'AccessDenied', status: 403 });
    expect(await failure(client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'c/locked', VersionId, BypassGovernanceRetention: true })))).toEqual({ name: 'AccessDenied', status: 403 });
    expect(sandbox.s3.versions('c/locked')).toHaveLength(1);
    t += DAY + 1000; // the server's clock passes retain-until
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'c/locked', VersionId }));
    expect(sandbox.s3.versions('c/locked')).toHaveLength(0);
  });

  it('refuses to delete a GOVERNANCE-locked version unless the bypass header is sent', async () => {
    const { VersionId } = await put('g/locked', 'x', 'GOVERNANCE', 30);
    expect(await failure(client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'g/locked', VersionId })))).toEqual({ name: 'AccessDenied', status: 403 });
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'g/locked', VersionId, BypassGovernanceRetention: true }));
    expect(sandbox.s3.versions('g/locked')).toHaveLength(0);
  });

  it('versions overwrites and turns a delete without versionId into a delete marker (locked versions stay)', async () => {
    await put('v/key', 'first', 'COMPLIANCE');
    await put('v/key', 'second', 'COMPLIANCE');
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'v/key' }));
    expect(await got.Body!.transformToString()).toBe('second');
    const del = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'v/key' }));
    expect(del.DeleteMarker).toBe(true);
    expect(await failure(client.send(new GetObjectCommand({ Bucket: bucket, Key: 'v/key' })))).toEqual({ name: 'NoSuchKey', status: 404 });
    expect(sandbox.s3.versions('v/key').map((v) => v.deleteMarker)).toEqual([false, false, true]);
  });

  it('refuses a lock without a retain-until date, a retain-until in the past, and If-None-Match on an existing key', async () => {
    expect((await failure(client.send(new PutObjectCommand({ Bucket: bucket, Key: 'x', Body: 'x', ObjectLockMode: 'COMPLIANCE' })))).name).toBe('InvalidArgument');
    expect((await failure(client.send(new PutObjectCommand({ Bucket: bucket, Key: 'x', Body: 'x', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: new Date(t - 1000) })))).name).toBe('InvalidArgument');
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'once', Body: 'x', IfNoneMatch: '*' }));
    expect(await failure(client.send(new PutObjectCommand({ Bucket: bucket, Key: 'once', Body: 'y', IfNoneMatch: '*' })))).toEqual({ name: 'PreconditionFailed', status: 412 });
  });

  it('pages ListObjectsV2 with max-keys and continuation tokens, with and without a delimiter', async () => {
    for (let i = 0; i < 25; i++) await put(`p/${String(i).padStart(2, '0')}/f`, String(i));
    await put('p/top', 'top');
    const keys: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2({ client, pageSize: 7 }, { Bucket: bucket, Prefix: 'p/' })) {
      pages++;
      expect(page.KeyCount).toBeLessThanOrEqual(7);
      for (const o of page.Contents ?? []) keys.push(o.Key!);
    }
    expect(pages).toBe(4);
    expect(keys).toHaveLength(26);
    expect(keys).toEqual([...keys].sort());
    const prefixes: string[] = [];
    const files: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'p/', Delimiter: '/', MaxKeys: 10, ...(token ? { ContinuationToken: token } : {}) }));
      for (const p of page.CommonPrefixes ?? []) prefixes.push(p.Prefix!);
      for (const o of page.Contents ?? []) files.push(o.Key!);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    expect(prefixes).toHaveLength(25);
    expect(prefixes[0]).toBe('p/00/');
    expect(files).toEqual(['p/top']);
  });

  it('logs S3 calls under provider s3, outside writeOperations()', () => {
    const calls = sandbox.calls().list.filter((c) => c.provider === 's3');
    expect(calls.some((c) => c.operation === 'PutObject' && c.status === 200)).toBe(true);
    expect(calls.some((c) => c.operation === 'DeleteObject' && c.error === 'AccessDenied')).toBe(true);
    expect(sandbox.writeOperations()).toEqual([]);
  });
});
