/**
 * A small S3 (REST, path-style: `/<bucket>/<key>`) on its own loopback listener: enough for the evidence
 * store through the unmodified `@aws-sdk/client-s3` (`forcePathStyle: true`).
 *
 * One bucket, created at start with Object Lock enabled (and therefore versioning). Operations:
 * PutObject (Object Lock mode/retain-until headers, Content-MD5 and x-amz-checksum-crc32/sha1/sha256
 * verified, `If-None-Match: *`, aws-chunked bodies), GetObject, HeadObject, ListObjectsV2 (prefix,
 * delimiter, max-keys, continuation tokens, start-after), ListObjectVersions (prefix, max-keys, key-marker /
 * version-id-marker paging), DeleteObject (with `versionId`: refused with
 * AccessDenied while the version's retention is in force — COMPLIANCE always, GOVERNANCE unless
 * `x-amz-bypass-governance-retention: true`; without `versionId`: a delete marker, as S3 does),
 * GetObjectLockConfiguration, GetObjectRetention, HeadBucket. Objects live in memory.
 *
 * Every request is recorded in the shared call log with provider `s3`: these are the evidence
 * store's writes, not the cloud collectors', so they are not counted by `writeOperations()`.
 * Signatures are not verified; the caller is the SigV4 access key id.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import type { CallLog } from './calls.js';
import { BodyTooLargeError, closeServer, KEEP_ALIVE_SERVER_OPTIONS, listenOn, readBody, SandboxApiError } from './http.js';

export const S3_SANDBOX_BUCKET = 'kansa-evidence';
export const S3_SANDBOX_ACCESS_KEY = 'AKIASANDBOXS3EVIDENCE';
export const S3_SANDBOX_SECRET = 'kansa-sandbox-s3-secret';
const MAX_OBJECT_BYTES = 256 * 1024 * 1024;
const LIST_MAX_KEYS = 1000;

export type ObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';

export interface S3SandboxOptions {
  /** Default `kansa-evidence`. */
  readonly bucket?: string;
  /** The server's clock, for retention expiry (default: the wall clock). */
  readonly now?: () => Date;
  /** Default retention rule of the bucket (applied to objects put without lock headers). */
  readonly defaultRetention?: { readonly mode: ObjectLockMode; readonly days: number };
}

/** S3-only fault knobs (the shared Faults are for the cloud collectors). */
export interface S3Faults {
  /** PutObject requests whose key matches are answered 500 InternalError (after the body is read). */
  readonly failPutKeys?: RegExp;
  /**
   * IAM actions the caller lacks. `s3:GetObjectRetention`: GetObjectRetention answers 403 AccessDenied
   * and HeadObject / GetObject leave out the Object Lock headers (API reference, HeadObject:
   * x-amz-object-lock-mode and -retain-until-date are "only returned if the requester has the
   * s3:GetObjectRetention permission").
   */
  readonly deniedActions?: readonly string[];
}

export interface SandboxS3Object {
  readonly key: string;
  readonly versionId: string;
  readonly body: Buffer;
  readonly lastModified: Date;
  readonly lockMode?: ObjectLockMode;
  readonly retainUntil?: Date;
  readonly deleteMarker: boolean;
}

export interface SandboxS3 {
  /** `http://host:port`: pass as `endpoint` with `forcePathStyle: true`. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  setFaults(faults: S3Faults): void;
  /** Every version of `key`, oldest first (delete markers included). */
  versions(key: string): readonly SandboxS3Object[];
  /** Current (non-deleted) keys, sorted. */
  keys(): string[];
}


const xmlEscape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

function etagOf(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

/** Decodes an `aws-chunked` body: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` … `0\r\n<trailers>\r\n\r\n`. */
function decodeAwsChunked(body: Buffer): { data: Buffer; trailers: Record<string, string> } {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) throw new SandboxApiError(400, 'IncompleteBody', 'aws-chunked body ends without a final chunk');
    const size = Number.parseInt(body.subarray(at, eol).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size)) throw new SandboxApiError(400, 'InvalidRequest', 'malformed aws-chunked chunk header');
    at = eol + 2;
    if (size === 0) break;
    parts.push(body.subarray(at, at + size));
    at += size + 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of body.subarray(at).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { data: Buffer.concat(parts), trailers };
}

function checksumMismatch(kind: string): SandboxApiError {
  return kind === 'Content-MD5' ? new SandboxApiError(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.') : new SandboxApiError(400, 'BadDigest', `The ${kind} you specified did not match the calculated checksum.`);
}

/** Verifies Content-MD5 and the x-amz-checksum-* values it can compute; returns whether any integrity value was sent. */
function verifyIntegrity(data: Buffer, headers: Record<string, string | undefined>): boolean {
  let sent = false;
  const md5 = headers['content-md5'];
  if (md5 !== undefined) {
    sent = true;
    if (createHash('md5').update(data).digest('base64') !== md5) throw checksumMismatch('Content-MD5');
  }
  const computed: Record<string, () => string> = {
    'x-amz-checksum-crc32': () => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(crc32(data) >>> 0);
      return b.toString('base64');
    },
    'x-amz-checksum-sha1': () => createHash('sha1').update(data).digest('base64'),
    'x-amz-checksum-sha256': () => createHash('sha256').update(data).digest('base64'),
  };
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('x-amz-checksum-') || name === 'x-amz-checksum-type' || value === undefined) continue;
    sent = true;
    const compute = computed[name];
    if (compute && compute() !== value) throw checksumMismatch(name);
  }
  return sent;
}

export class S3Handler {
  private readonly objects = new Map<string, SandboxS3Object[]>();
  private faults: S3Faults = {};
  private versionCounter = 0;
  readonly bucket: string;
  private readonly now: () => Date;

  constructor(
    private readonly calls: CallLog,
    private readonly options: S3SandboxOptions = {},
  ) {
    this.bucket = options.bucket ?? S3_SANDBOX_BUCKET;
    this.now = options.now ?? (() => new Date());
  }

  setFaults(faults: S3Faults): void {
    this.faults = { ...faults };
  }

  versions(key: string): readonly SandboxS3Object[] {
    return [...(this.objects.get(key) ?? [])];
  }

  keys(): string[] {
    return [...this.objects.keys()].filter((key) => this.current(key)).sort();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const method = req.method ?? 'GET';
    const q = url.searchParams;
    let operation = 'Unknown';
    let status: number;
    let errorCode: string | undefined;
    const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
    try {
      const body = await readBody(req, MAX_OBJECT_BYTES);
      if (key === '') {
        if (method === 'GET' && q.has('object-lock')) operation = 'GetObjectLockConfiguration';
        else if (method === 'GET' && q.get('list-type') === '2') operation = 'ListObjectsV2';
        else if (method === 'GET' && q.has('versions')) operation = 'ListObjectVersions';
        else if (method === 'HEAD') operation = 'HeadBucket';
      } else if (method === 'PUT' && !q.has('retention') && !q.has('legal-hold') && !q.has('tagging')) operation = 'PutObject';
      else if (method === 'GET' && q.has('retention')) operation = 'GetObjectRetention';
      else if (method === 'GET' && [...q.keys()].every((k) => k === 'versionId' || k === 'x-id')) operation = 'GetObject';
      else if (method === 'HEAD') operation = 'HeadObject';
      else if (method === 'DELETE' && [...q.keys()].every((k) => k === 'versionId' || k === 'x-id')) operation = 'DeleteObject';
      if (operation === 'Unknown') throw new SandboxApiError(501, 'NotImplemented', `the sandbox S3 does not implement ${method} ${url.pathname}${url.search}`);
      if (bucket !== this.bucket) throw new SandboxApiError(404, 'NoSuchBucket', 'The specified bucket does not exist');
      const result = this.dispatch(operation, key, q, req, body);
      status = result.status;
      this.reply(res, method, result.status, { 'x-amz-request-id': requestId, ...result.headers }, result.body);
    } catch (error) {
      const e = error instanceof SandboxApiError ? error : error instanceof BodyTooLargeError ? new SandboxApiError(400, 'EntityTooLarge', error.message) : new SandboxApiError(500, 'InternalError', 'We encountered an internal error. Please try again.');
      status = e.status;
      errorCode = e.code;
      const xml = `${XML_HEAD}<Error><Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message>${key ? `<Key>${xmlEscape(key)}</Key>` : ''}<RequestId>${requestId}</RequestId></Error>`;
      this.reply(res, method, e.status, { 'Content-Type': 'application/xml', 'x-amz-request-id': requestId }, Buffer.from(xml));
    }
    const credential = /Credential=([^/,\s]+)\/\d{8}\/([^/,\s]+)\//.exec(req.headers.authorization ?? '');
    this.calls.record({ provider: 's3', operation, account: credential?.[1] ?? '', region: credential?.[2] ?? '', status, ...(errorCode ? { error: errorCode } : {}) });
  }

  private reply(res: ServerResponse, method: string, status: number, headers: Record<string, string>, body: Buffer | undefined): void {
    const payload = body ?? Buffer.alloc(0);
    res.writeHead(status, { ...headers, Date: this.now().toUTCString(), ...(headers['Content-Length'] ? {} : { 'Content-Length': String(payload.length) }) });
    res.end(method === 'HEAD' ? undefined : payload);
  }

  private dispatch(operation: string, key: string, q: URLSearchParams, req: IncomingMessage, body: Buffer): { status: number; headers: Record<string, string>; body?: Buffer } {
    const h = req.headers as Record<string, string | undefined>;
    switch (operation) {
      case 'HeadBucket':
        return { status: 200, headers: {} };
      case 'GetObjectLockConfiguration': {
        const d = this.options.defaultRetention;
        const rule = d ? `<Rule><DefaultRetention><Mode>${d.mode}</Mode><Days>${d.days}</Days></DefaultRetention></Rule>` : '';
        return xml(`<ObjectLockConfiguration xmlns="${S3_NS}"><ObjectLockEnabled>Enabled</ObjectLockEnabled>${rule}</ObjectLockConfiguration>`);
      }
      case 'ListObjectsV2':
        return this.list(q);
      case 'ListObjectVersions':
        return this.listVersions(q);
      case 'PutObject':
        return this.put(key, h, body);
      case 'GetObject':
      case 'HeadObject': {
        const version = this.find(key, q.get('versionId'), operation === 'HeadObject');
        const headers = objectHeaders(version, !this.denied('s3:GetObjectRetention'));
        return { status: 200, headers: { ...headers, 'Content-Type': 'application/octet-stream', 'Content-Length': String(version.body.length) }, body: version.body };
      }
      case 'GetObjectRetention': {
        if (this.denied('s3:GetObjectRetention')) throw new SandboxApiError(403, 'AccessDenied', 'Access Denied');
        const version = this.find(key, q.get('versionId'), false);
        if (!version.lockMode) throw new SandboxApiError(404, 'NoSuchObjectLockConfiguration', 'The specified object does not have a ObjectLock configuration');
        return xml(`<Retention xmlns="${S3_NS}"><Mode>${version.lockMode}</Mode><RetainUntilDate>${version.retainUntil!.toISOString()}</RetainUntilDate></Retention>`);
      }
      case 'DeleteObject':
        return this.delete(key, q.get('versionId'), h['x-amz-bypass-governance-retention']?.toLowerCase() === 'true');
      default:
        throw new SandboxApiError(501, 'NotImplemented', operation);
    }
  }

  private denied(action: string): boolean {
    return this.faults.deniedActions?.includes(action) === true;
  }

  private find(key: string, versionId: string | null, head: boolean): SandboxS3Object {
    const versions = this.objects.get(key) ?? [];
    const version = versionId === null ? versions[versions.length - 1] : versions.find((v) => v.versionId === versionId);
    if (!version || (versionId === null && version.deleteMarker)) {
      if (head) throw new SandboxApiError(404, 'NotFound', 'Not Found');
      throw new SandboxApiError(404, versionId === null ? 'NoSuchKey' : 'NoSuchVersion', versionId === null ? 'The specified key does not exist.' : 'The specified version does not exist.');
    }
    if (version.deleteMarker) throw new SandboxApiError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    return version;
  }

  private put(key: string, h: Record<string, string | undefined>, raw: Buffer): { status: number; headers: Record<string, string> } {
    const chunked = (h['content-encoding'] ?? '').split(',').some((e) => e.trim() === 'aws-chunked') || (h['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
    const { data, trailers } = chunked ? decodeAwsChunked(raw) : { data: raw, trailers: {} };
    if (chunked && h['x-amz-decoded-content-length'] !== undefined && Number(h['x-amz-decoded-content-length']) !== data.length) throw new SandboxApiError(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the x-amz-decoded-content-length header');
    const integrity = verifyIntegrity(data, { ...h, ...trailers });
    const mode = h['x-amz-object-lock-mode'];
    const until = h['x-amz-object-lock-retain-until-date'];
    if ((mode === undefined) !== (until === undefined)) throw new SandboxApiError(400, 'InvalidArgument', 'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied');
    let lockMode: ObjectLockMode | undefined;
    let retainUntil: Date | undefined;
    if (mode !== undefined && until !== undefined) {
      if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') throw new SandboxApiError(400, 'InvalidArgument', 'Unknown wormMode directive.');
      retainUntil = new Date(until);
      if (Number.isNaN(retainUntil.getTime())) throw new SandboxApiError(400, 'InvalidArgument', 'The retain until date must be an ISO 8601 timestamp');
      if (retainUntil.getTime() <= this.now().getTime()) throw new SandboxApiError(400, 'InvalidArgument', 'The retain until date must be in the future!');
      if (!integrity) throw new SandboxApiError(400, 'InvalidRequest', 'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters');
      lockMode = mode;
    } else if (this.options.defaultRetention) {
      lockMode = this.options.defaultRetention.mode;
      retainUntil = new Date(this.now().getTime() + this.options.defaultRetention.days * 86_400_000);
    }
    if (h['if-none-match'] === '*' && this.current(key)) throw new SandboxApiError(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    if (this.faults.failPutKeys?.test(key)) throw new SandboxApiError(500, 'InternalError', 'We encountered an internal error. Please try again. (sandbox fault)');
    const version: SandboxS3Object = {
      key,
      versionId: this.nextVersionId(),
      body: Buffer.from(data),
      lastModified: this.now(),
      deleteMarker: false,
      ...(lockMode && retainUntil ? { lockMode, retainUntil } : {}),
    };
    this.push(version);
    return { status: 200, headers: { ETag: etagOf(version.body), 'x-amz-version-id': version.versionId } };
  }

  private delete(key: string, versionId: string | null, bypass: boolean): { status: number; headers: Record<string, string> } {
    const versions = this.objects.get(key) ?? [];
    if (versionId === null) {
      // Versioned bucket: a delete marker; every locked version stays.
      const marker: SandboxS3Object = { key, versionId: this.nextVersionId(), body: Buffer.alloc(0), lastModified: this.now(), deleteMarker: true };
      this.push(marker);
      return { status: 204, headers: { 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker.versionId } };
    }
    const index = versions.findIndex((v) => v.versionId === versionId);
    if (index < 0) return { status: 204, headers: { 'x-amz-version-id': versionId } };
    const version = versions[index]!;
    if (version.lockMode && version.retainUntil && version.retainUntil.getTime() > this.now().getTime()) {
      if (version.lockMode === 'COMPLIANCE' || !bypass) throw new SandboxApiError(403, 'AccessDenied', 'Access Denied because object protected by object lock.');
    }
    versions.splice(index, 1);
    if (versions.length === 0) this.objects.delete(key);
    return { status: 204, headers: { 'x-amz-version-id': versionId, ...(version.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}) } };
  }

  private list(q: URLSearchParams): { status: number; headers: Record<string, string>; body: Buffer } {
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const maxKeysText = q.get('max-keys');
    const maxKeys = maxKeysText === null ? LIST_MAX_KEYS : Number(maxKeysText);
    if (!Number.isInteger(maxKeys) || maxKeys < 0) throw new SandboxApiError(400, 'InvalidArgument', 'Provided max-keys not an integer or within integer range');
    const limit = Math.min(maxKeys, LIST_MAX_KEYS);
    const token = q.get('continuation-token');
    let after = q.get('start-after') ?? '';
    if (token !== null) {
      const decoded = Buffer.from(token, 'base64url').toString('utf8');
      if (!decoded.startsWith('k:')) throw new SandboxApiError(400, 'InvalidArgument', 'The continuation token provided is incorrect');
      after = decoded.slice(2);
    }
    const url = q.get('encoding-type') === 'url';
    const enc = (s: string): string => encodeKey(s, url);
    // Entries: keys and common prefixes, in key order; a common prefix counts once.
    const entries: { key: string; prefix?: string }[] = [];
    for (const key of this.keys()) {
      if (!key.startsWith(prefix)) continue;
      if (delimiter !== '') {
        const cut = key.indexOf(delimiter, prefix.length);
        if (cut >= 0) {
          const common = key.slice(0, cut + delimiter.length);
          if (entries[entries.length - 1]?.prefix !== common) entries.push({ key: common, prefix: common });
          continue;
        }
      }
      entries.push({ key });
    }
    const remaining = entries.filter((e) => (e.prefix ? e.prefix > after && !after.startsWith(e.prefix) : e.key > after));
    const page = remaining.slice(0, limit);
    const truncated = remaining.length > page.length;
    const contents = page
      .filter((e) => !e.prefix)
      .map((e) => {
        const v = this.current(e.key)!;
        return `<Contents><Key>${enc(e.key)}</Key><LastModified>${v.lastModified.toISOString()}</LastModified><ETag>${xmlEscape(etagOf(v.body))}</ETag><Size>${v.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
      })
      .join('');
    const commons = page
      .filter((e) => e.prefix)
      .map((e) => `<CommonPrefixes><Prefix>${enc(e.prefix!)}</Prefix></CommonPrefixes>`)
      .join('');
    const next = truncated ? Buffer.from(`k:${page[page.length - 1]!.key}`).toString('base64url') : undefined;
    return xml(
      `<ListBucketResult xmlns="${S3_NS}"><Name>${xmlEscape(this.bucket)}</Name><Prefix>${enc(prefix)}</Prefix>${delimiter ? `<Delimiter>${enc(delimiter)}</Delimiter>` : ''}<MaxKeys>${maxKeys}</MaxKeys><KeyCount>${page.length}</KeyCount><IsTruncated>${truncated}</IsTruncated>${
        token !== null ? `<ContinuationToken>${xmlEscape(token)}</ContinuationToken>` : ''
      }${next ? `<NextContinuationToken>${next}</NextContinuationToken>` : ''}${url ? '<EncodingType>url</EncodingType>' : ''}${contents}${commons}</ListBucketResult>`,
    );
  }

  /**
   * Versions and delete markers under a prefix, by key, newest first per key (no delimiter). API reference,
   * ListObjectVersions: at most `max-keys` entries a page (default and maximum 1,000); a truncated page
   * has IsTruncated true and NextKeyMarker / NextVersionIdMarker, the last entry returned, which the next
   * request passes as key-marker / version-id-marker to resume after it. key-marker alone resumes after
   * every version of that key.
   */
  private listVersions(q: URLSearchParams): { status: number; headers: Record<string, string>; body: Buffer } {
    const prefix = q.get('prefix') ?? '';
    const url = q.get('encoding-type') === 'url';
    const enc = (s: string): string => encodeKey(s, url);
    const maxKeysText = q.get('max-keys');
    const maxKeys = maxKeysText === null ? LIST_MAX_KEYS : Number(maxKeysText);
    if (!Number.isInteger(maxKeys) || maxKeys < 0) throw new SandboxApiError(400, 'InvalidArgument', 'Provided max-keys not an integer or within integer range');
    const keyMarker = q.get('key-marker') ?? '';
    const versionIdMarker = q.get('version-id-marker') ?? '';
    if (versionIdMarker !== '' && keyMarker === '') throw new SandboxApiError(400, 'InvalidArgument', 'A version-id marker cannot be specified without a key marker.');
    // Keys whose latest entry is a delete marker are listed too: that is what this operation is for.
    const all = [...this.objects.keys()]
      .sort()
      .filter((key) => key.startsWith(prefix))
      .flatMap((key) => [...(this.objects.get(key) ?? [])].reverse().map((v, i) => ({ key, v, latest: i === 0 })));
    let start = 0;
    if (keyMarker !== '') {
      const at = versionIdMarker === '' ? -1 : all.findIndex((e) => e.key === keyMarker && e.v.versionId === versionIdMarker);
      if (versionIdMarker !== '' && at < 0) throw new SandboxApiError(400, 'InvalidArgument', 'Invalid version id specified');
      start = at >= 0 ? at + 1 : all.findIndex((e) => e.key > keyMarker);
      if (start < 0) start = all.length;
    }
    const page = all.slice(start, start + Math.min(maxKeys, LIST_MAX_KEYS));
    const truncated = start + page.length < all.length;
    const last = page[page.length - 1];
    const entries = page
      .map(({ key, v, latest }) => {
        const common = `<Key>${enc(key)}</Key><VersionId>${v.versionId}</VersionId><IsLatest>${latest}</IsLatest><LastModified>${v.lastModified.toISOString()}</LastModified>`;
        return v.deleteMarker ? `<DeleteMarker>${common}</DeleteMarker>` : `<Version>${common}<ETag>${xmlEscape(etagOf(v.body))}</ETag><Size>${v.body.length}</Size><StorageClass>STANDARD</StorageClass></Version>`;
      })
      .join('');
    const next = truncated && last ? `<NextKeyMarker>${enc(last.key)}</NextKeyMarker><NextVersionIdMarker>${last.v.versionId}</NextVersionIdMarker>` : '';
    return xml(
      `<ListVersionsResult xmlns="${S3_NS}"><Name>${xmlEscape(this.bucket)}</Name><Prefix>${enc(prefix)}</Prefix><KeyMarker>${enc(keyMarker)}</KeyMarker><VersionIdMarker>${xmlEscape(versionIdMarker)}</VersionIdMarker><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${next}${url ? '<EncodingType>url</EncodingType>' : ''}${entries}</ListVersionsResult>`,
    );
  }

  private current(key: string): SandboxS3Object | undefined {
    const versions = this.objects.get(key);
    const last = versions?.[versions.length - 1];
    return last && !last.deleteMarker ? last : undefined;
  }

  private push(version: SandboxS3Object): void {
    const versions = this.objects.get(version.key) ?? [];
    versions.push(version);
    this.objects.set(version.key, versions);
  }

  private nextVersionId(): string {
    this.versionCounter++;
    return `v${String(this.versionCounter).padStart(10, '0')}.${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  }
}

function xml(text: string): { status: number; headers: Record<string, string>; body: Buffer } {
  return { status: 200, headers: { 'Content-Type': 'application/xml' }, body: Buffer.from(`${XML_HEAD}${text}`) };
}

function objectHeaders(v: SandboxS3Object, retention: boolean): Record<string, string> {
  return {
    ETag: etagOf(v.body),
    'Last-Modified': v.lastModified.toUTCString(),
    'x-amz-version-id': v.versionId,
    ...(v.lockMode && retention ? { 'x-amz-object-lock-mode': v.lockMode, 'x-amz-object-lock-retain-until-date': v.retainUntil!.toISOString() } : {}),
  };
}

export async function startS3Listener(host: string, endpointHost: string, options: S3SandboxOptions | undefined, callLog: CallLog): Promise<{ s3: SandboxS3; close(): Promise<void> }> {
  const handler = new S3Handler(callLog, options);
  const server: Server = createServer(KEEP_ALIVE_SERVER_OPTIONS, (req, res) => {
    handler.handle(req, res).catch(() => res.destroy());
  });
  const port = await listenOn(server, 0, host);
  return {
    s3: {
      endpoint: `http://${endpointHost}:${port}`,
      bucket: handler.bucket,
      region: 'ap-northeast-1',
      credentials: { accessKeyId: S3_SANDBOX_ACCESS_KEY, secretAccessKey: S3_SANDBOX_SECRET },
      setFaults: (faults) => handler.setFaults(faults),
      versions: (key) => handler.versions(key),
      keys: () => handler.keys(),
    },
    close: () => closeServer(server),
  };
}

/** A key or prefix in a listing: XML-escaped, and URL-encoded (slashes kept) when the client asked for encoding-type=url. */
function encodeKey(key: string, url: boolean): string {
  return xmlEscape(url ? encodeURIComponent(key).replace(/%2F/g, '/') : key);
}
