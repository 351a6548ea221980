/**
 * The evidence store on S3-compatible object storage with Object Lock.
 *
 * A snapshot is the objects `<prefix><name>/<file>`. Every file is uploaded as it is closed; the
 * signature next; the manifest LAST, with `If-None-Match: *` (a snapshot is never rewritten). The
 * manifest object is what marks a snapshot complete: a name without one (an interrupted commit) is
 * listed as incomplete and ignored by verify. Each object is put with the configured Object Lock mode
 * and a retain-until date `days` after the upload (or, without `objectLock`, under the bucket's
 * default retention), so during that period no one can delete or overwrite the version that was
 * written (COMPLIANCE), or only with the s3:BypassGovernanceRetention permission (GOVERNANCE). A later
 * PutObject on the same key makes a new version: verify reads the current one and reports the change.
 *
 * Retention: objects under a lock cannot be deleted, so kansa does not prune an S3 store (the
 * configuration refuses `evidence.retention` with `evidence.store`, and `remove`/`appendLedger` throw).
 * Expiry is the bucket's lifecycle rules' job (expire versions at least `days` after creation).
 *
 * Writers: `exclusive` serialises the writers of this process only. Run one agent per prefix.
 */
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type ObjectLockMode,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { errorMessage } from '../errors.js';
import { LEDGER_FILE, MANIFEST_FILE, SIGNATURE_FILE, SNAPSHOT_NAME } from './format.js';
import type { DraftFile, EvidenceStore, SnapshotDraft, StoreEntries, StoredVersion } from './store.js';

export interface S3StoreOptions {
  readonly bucket: string;
  /** Key prefix of the store; `''` or ending with `/` (one is added otherwise). */
  readonly prefix?: string;
  readonly region: string;
  /** S3-compatible endpoint (MinIO, the sandbox…): path-style addressing is used with it. */
  readonly endpoint?: string;
  /** Default: the SDK's default credential chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** Per-object lock; unset: the bucket's default retention applies. */
  readonly objectLock?: { readonly mode: ObjectLockMode; readonly days: number };
  /** The clock retain-until dates are computed from. */
  readonly now?: () => Date;
  /** ListObjectsV2 page size (default: S3's 1000). */
  readonly listPageSize?: number;
  /** SDK attempts per request (default 3). */
  readonly maxAttempts?: number;
}

/** `s3://bucket/some/prefix` → bucket and prefix (`some/prefix/`). */
export function parseS3Url(url: string): { bucket: string; prefix: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m?.[1]) return undefined;
  return { bucket: m[1], prefix: normalizePrefix(m[2] ?? '') };
}

function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

function isNotFound(error: unknown): boolean {
  return error instanceof NoSuchKey || (error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404));
}

export class S3EvidenceStore implements EvidenceStore {
  readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;

  constructor(readonly options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.prefix = normalizePrefix(options.prefix ?? '');
    this.now = options.now ?? (() => new Date());
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    });
  }

  get location(): string {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  /** The bucket must have Object Lock enabled, and objects a lock (configured, or the bucket's default retention). */
  async check(): Promise<void> {
    const out = await this.client.send(new GetObjectLockConfigurationCommand({ Bucket: this.bucket }));
    if (out.ObjectLockConfiguration?.ObjectLockEnabled !== 'Enabled') throw new Error('the bucket does not have Object Lock enabled: evidence there would not be immutable');
    if (!this.options.objectLock && !out.ObjectLockConfiguration.Rule?.DefaultRetention) {
      throw new Error('no objectLock configured and the bucket has no default retention: objects would be written unlocked');
    }
  }

  async storedVersions(snapshot: string): Promise<StoredVersion[]> {
    const prefix = `${this.prefix}${snapshot}/`;
    const found: StoredVersion[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectVersionsCommand({
          Bucket: this.bucket,
          Prefix: prefix,
          ...(this.options.listPageSize ? { MaxKeys: this.options.listPageSize } : {}),
          ...(keyMarker ? { KeyMarker: keyMarker } : {}),
          ...(versionIdMarker ? { VersionIdMarker: versionIdMarker } : {}),
        }),
      );
      for (const marker of page.DeleteMarkers ?? []) {
        if (marker.Key && marker.VersionId) found.push({ file: marker.Key.slice(prefix.length), versionId: marker.VersionId, deleteMarker: true, lastModified: marker.LastModified ?? new Date(0) });
      }
      // Listings give each key's versions newest first; times can tie, the order cannot.
      for (const version of [...(page.Versions ?? [])].reverse()) {
        if (!version.Key || !version.VersionId) continue;
        // Each version's own lock: listings do not carry it.
        const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: version.Key, VersionId: version.VersionId }));
        if (!head.ObjectLockMode) await this.confirmUnlocked(version.Key, version.VersionId);
        found.push({
          file: version.Key.slice(prefix.length),
          versionId: version.VersionId,
          deleteMarker: false,
          lastModified: version.LastModified ?? new Date(0),
          ...(head.ObjectLockMode ? { lockMode: head.ObjectLockMode } : {}),
          ...(head.ObjectLockRetainUntilDate ? { retainUntil: head.ObjectLockRetainUntilDate } : {}),
        });
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker);
    return found;
  }

  /**
   * HeadObject leaves out the Object Lock headers both for an unlocked version and for a caller without
   * s3:GetObjectRetention (API reference, HeadObject: ObjectLockMode "is only returned if the requester
   * has the s3:GetObjectRetention permission"). Reading a locked version as unlocked would let verify
   * take a deletion for an expiry, so GetObjectRetention tells them apart: 404
   * NoSuchObjectLockConfiguration is a version without a lock; any error (403 AccessDenied) is thrown.
   */
  private async confirmUnlocked(key: string, versionId: string): Promise<void> {
    try {
      await this.client.send(new GetObjectRetentionCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }));
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchObjectLockConfiguration') return;
      throw new Error(`the Object Lock retention of ${key} (version ${versionId}) cannot be read: needs s3:GetObjectRetention (${errorMessage(error)})`, { cause: error });
    }
    throw new Error(`HeadObject returned no Object Lock headers for ${key} (version ${versionId}) although it has a retention: needs s3:GetObjectRetention`);
  }

  key(snapshot: string, file: string): string {
    return `${this.prefix}${snapshot}/${file}`;
  }

  /** Uploads one object with the configured lock; `ifNoneMatch` refuses to replace an existing key. */
  async put(key: string, body: Uint8Array, ifNoneMatch = false): Promise<void> {
    const lock = this.options.objectLock;
    const input: PutObjectCommandInput = {
      Bucket: this.bucket,
      Key: key,
      Body: body,
      ContentLength: body.length,
      ChecksumAlgorithm: 'SHA256',
      ...(lock ? { ObjectLockMode: lock.mode, ObjectLockRetainUntilDate: new Date(this.now().getTime() + lock.days * 86_400_000) } : {}),
      ...(ifNoneMatch ? { IfNoneMatch: '*' } : {}),
    };
    await this.client.send(new PutObjectCommand(input));
  }

  begin(name: string): Promise<SnapshotDraft> {
    return Promise.resolve(new S3Draft(this, name));
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Every current key under `prefix`, in order (ListObjectsV2 pages followed to the end). */
  async *listKeys(prefix: string, delimiter?: string): AsyncGenerator<{ key?: string; commonPrefix?: string }> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(this.options.listPageSize ? { MaxKeys: this.options.listPageSize } : {}), ...(delimiter ? { Delimiter: delimiter } : {}), ...(token ? { ContinuationToken: token } : {}) }));
      for (const o of page.Contents ?? []) if (o.Key !== undefined) yield { key: o.Key };
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix !== undefined) yield { commonPrefix: p.Prefix };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async entries(): Promise<StoreEntries> {
    const withManifest = new Set<string>();
    const names = new Set<string>();
    const unexpected = new Set<string>();
    for await (const { key } of this.listKeys(this.prefix)) {
      if (key === undefined) continue;
      const rest = key.slice(this.prefix.length);
      const slash = rest.indexOf('/');
      if (slash < 0) {
        if (rest !== LEDGER_FILE) unexpected.add(rest);
        continue;
      }
      const name = rest.slice(0, slash);
      if (!SNAPSHOT_NAME.test(name)) {
        unexpected.add(name);
        continue;
      }
      names.add(name);
      if (rest.slice(slash + 1) === MANIFEST_FILE) withManifest.add(name);
    }
    const snapshots = [...names].filter((n) => withManifest.has(n)).sort();
    // No manifest object: a commit that never finished (its objects stay until their lock expires).
    const incomplete = [...names].filter((n) => !withManifest.has(n)).sort();
    return { snapshots, incomplete, unexpected: [...unexpected].sort() };
  }

  async files(snapshot: string): Promise<string[]> {
    const base = `${this.prefix}${snapshot}/`;
    const files: string[] = [];
    for await (const { key } of this.listKeys(base)) {
      if (key === undefined) continue;
      const rest = key.slice(base.length);
      files.push(rest.includes('/') ? `!${rest.slice(0, rest.indexOf('/'))}` : rest);
    }
    return [...new Set(files)].sort();
  }

  async read(snapshot: string, file: string): Promise<Buffer | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(snapshot, file) }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  openRead(snapshot: string, file: string): Readable {
    const { client, bucket } = this;
    const key = this.key(snapshot, file);
    return Readable.from(
      (async function* () {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        for await (const chunk of out.Body as AsyncIterable<Uint8Array>) yield Buffer.from(chunk);
      })(),
    );
  }

  /** Kansa never prunes an S3 store: there is no pruned ledger. */
  readLedger(): Promise<string> {
    return Promise.resolve('');
  }

  appendLedger(): Promise<void> {
    return Promise.reject(new Error(`${this.location}: kansa does not prune an S3 evidence store (Object Lock); expire objects with the bucket's lifecycle rules`));
  }

  remove(snapshot: string): Promise<void> {
    return Promise.reject(new Error(`${this.location}: cannot remove ${snapshot}: kansa does not prune an S3 evidence store (Object Lock); expire objects with the bucket's lifecycle rules`));
  }

  /** Hides the objects of a draft that was never published (delete markers; locked versions stay). */
  async hide(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })).catch(() => undefined);
  }
}

class S3Draft implements SnapshotDraft {
  private readonly uploaded: string[] = [];
  private readonly pending = new Set<string>();
  private discarded = false;

  constructor(
    private readonly store: S3EvidenceStore,
    readonly name: string,
  ) {}

  /** Buffered in memory (evidence is small) and uploaded at close. */
  openAppend(file: string): DraftFile {
    const chunks: Buffer[] = [];
    let closed = false;
    this.pending.add(file);
    return {
      append: (bytes) => {
        if (closed) throw new Error(`${file}: closed`);
        chunks.push(Buffer.from(bytes));
      },
      close: async () => {
        if (closed) return;
        closed = true;
        try {
          await this.upload(file, Buffer.concat(chunks));
        } finally {
          this.pending.delete(file);
        }
      },
    };
  }

  writeFile(file: string, bytes: Uint8Array): Promise<void> {
    return this.upload(file, bytes);
  }

  async publish(manifest: Uint8Array, signature: Uint8Array | undefined): Promise<void> {
    if (this.pending.size > 0) throw new Error('publish with files still open');
    if (signature) await this.upload(SIGNATURE_FILE, signature);
    // Last: its presence is what makes the snapshot complete.
    await this.store.put(this.store.key(this.name, MANIFEST_FILE), manifest, true);
  }

  async discard(): Promise<void> {
    if (this.discarded) return;
    this.discarded = true;
    this.pending.clear();
    await this.store.hide(this.uploaded);
  }

  private async upload(file: string, bytes: Uint8Array): Promise<void> {
    if (this.discarded) throw new Error('draft discarded');
    const key = this.store.key(this.name, file);
    await this.store.put(key, bytes, true);
    this.uploaded.push(key);
  }
}
