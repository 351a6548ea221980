/**
 * Reading snapshots back (diff, drift, reports). Every byte read is checked against the manifest: a
 * file whose sha256 does not match is an error, never silently used.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline, Transform, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { Assessment, ControlTally, Finding, RequirementResult, RequirementState, ExceptionResult } from '../evaluate/assessment.js';
import type { CollectionScope } from '../model/resource.js';
import { InputError, errorMessage } from '../errors.js';
import { ASSESSMENT_FILE, FINDINGS_FILE, MANIFEST_FILE, SIGNATURE_FILE, SNAPSHOT_NAME, parseManifest, sha256Hex, type Manifest } from './format.js';
import { fingerprintOf, publicKeyFromSpki, verifySignature } from './signing.js';
import { LocalEvidenceStore, type EvidenceStore } from './store.js';

export interface OpenedSnapshot {
  readonly store: EvidenceStore;
  readonly name: string;
  readonly manifest: Manifest;
  readonly manifestBytes: Buffer;
  readonly manifestSha256: string;
}

/**
 * What assessment.json holds: the JSON contract of `kansa scan --output json` with the failing and
 * unknown findings, plus the tallies and `findingsFile` (every finding, passing ones included).
 */
export interface StoredAssessment {
  readonly format: string;
  readonly catalog: { readonly id: string; readonly version: string };
  readonly generatedAt: string;
  readonly summary: Readonly<Record<RequirementState, number>>;
  readonly requirements: readonly RequirementResult[];
  readonly tallies: readonly ControlTally[];
  readonly coverage: readonly CollectionScope[];
  readonly findings: readonly Finding[];
  readonly findingsFile: { readonly file: string; readonly count: number; readonly pass: number; readonly fail: number; readonly unknown: number; readonly waived?: number };
  /** The exceptions loaded for the assessment and what each waived (absent in snapshots older than exceptions). */
  readonly exceptions?: readonly ExceptionResult[];
}

export class EvidenceIntegrityError extends Error {
  override readonly name = 'EvidenceIntegrityError';
}

export async function openSnapshotIn(store: EvidenceStore, name: string): Promise<OpenedSnapshot> {
  const bytes = await store.read(name, MANIFEST_FILE);
  if (!bytes) throw new EvidenceIntegrityError(`${name}: no ${MANIFEST_FILE} (not a complete snapshot)`);
  const parsed = parseManifest(bytes);
  if (!parsed.ok) throw new EvidenceIntegrityError(`${name}: ${parsed.error}`);
  if (parsed.manifest.name !== name) throw new EvidenceIntegrityError(`${name}: the manifest names snapshot ${parsed.manifest.name}`);
  return { store, name, manifest: parsed.manifest, manifestBytes: bytes, manifestSha256: sha256Hex(bytes) };
}

/** A snapshot directory given on the command line (`…/<evidence dir>/<snapshot name>`). */
export async function openSnapshotDir(path: string): Promise<OpenedSnapshot> {
  const full = resolve(path);
  const name = basename(full);
  if (!SNAPSHOT_NAME.test(name)) throw new InputError(path, '', 'not a snapshot directory (expected a name such as 20261101T093000Z-1a2b3c4d)');
  let isDirectory = false;
  try {
    isDirectory = statSync(full).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw new InputError(path, '', 'no such snapshot directory');
  const store = new LocalEvidenceStore(dirname(full));
  try {
    return await openSnapshotIn(store, name);
  } catch (error) {
    if (error instanceof EvidenceIntegrityError) throw error;
    throw new InputError(path, '', `cannot read the snapshot (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

function expectedEntry(snapshot: OpenedSnapshot, file: string): { sha256: string; bytes: number } {
  const entry = snapshot.manifest.files.find((f) => f.path === file);
  if (!entry) throw new EvidenceIntegrityError(`${snapshot.name}: the manifest lists no ${file}`);
  return entry;
}

export async function readVerified(snapshot: OpenedSnapshot, file: string): Promise<Buffer> {
  const expected = expectedEntry(snapshot, file);
  const bytes = await snapshot.store.read(snapshot.name, file);
  if (!bytes) throw new EvidenceIntegrityError(`${snapshot.name}/${file}: missing`);
  if (bytes.length !== expected.bytes || sha256Hex(bytes) !== expected.sha256) throw new EvidenceIntegrityError(`${snapshot.name}/${file}: sha256 does not match the manifest`);
  return bytes;
}

export async function readStoredAssessment(snapshot: OpenedSnapshot): Promise<StoredAssessment> {
  return JSON.parse((await readVerified(snapshot, ASSESSMENT_FILE)).toString('utf8')) as StoredAssessment;
}

/**
 * The records of a gzip JSON Lines file, streamed; the file's sha256 is checked as it is read and a
 * mismatch throws at the end (so a consumer must not act on the records before the iteration ends).
 */
export async function* readJsonLines(snapshot: OpenedSnapshot, file: string): AsyncGenerator<unknown> {
  const expected = expectedEntry(snapshot, file);
  const hash = createHash('sha256');
  let size = 0;
  const hasher = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const raw: Readable = snapshot.store.openRead(snapshot.name, file);
  const out = pipeline(raw, hasher, createGunzip(), () => undefined);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  const records: unknown[] = [];
  try {
    for await (const chunk of out as AsyncIterable<Buffer>) {
      const lines = (rest + decoder.write(chunk)).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line !== '') records.push(JSON.parse(line));
      yield* records.splice(0);
    }
    rest += decoder.end();
    if (rest.trim() !== '') records.push(JSON.parse(rest));
  } catch (error) {
    // A changed byte usually breaks the gzip stream before the end: say whether the file still matches its manifest.
    const matches = await fileMatches(snapshot, file, expected);
    throw new EvidenceIntegrityError(`${snapshot.name}/${file}: ${matches ? `unreadable (${errorMessage(error)})` : 'sha256 does not match the manifest'}`);
  }
  yield* records;
  if (size !== expected.bytes || hash.digest('hex') !== expected.sha256) throw new EvidenceIntegrityError(`${snapshot.name}/${file}: sha256 does not match the manifest`);
}

async function fileMatches(snapshot: OpenedSnapshot, file: string, expected: { sha256: string; bytes: number }): Promise<boolean> {
  try {
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of snapshot.store.openRead(snapshot.name, file) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
    }
    return size === expected.bytes && hash.digest('hex') === expected.sha256;
  } catch {
    return false;
  }
}

export function readFindings(snapshot: OpenedSnapshot): AsyncGenerator<Finding> {
  return readJsonLines(snapshot, FINDINGS_FILE) as AsyncGenerator<Finding>;
}

/** The full Assessment of a snapshot, findings (passing ones included) in memory: for reports. */
export async function loadAssessment(snapshot: OpenedSnapshot): Promise<Assessment> {
  const stored = await readStoredAssessment(snapshot);
  const findings: Finding[] = [];
  for await (const finding of readFindings(snapshot)) findings.push(finding);
  const { catalog, generatedAt, summary, requirements, tallies, coverage } = stored;
  // Snapshots written before exceptions existed have none.
  return { catalog, generatedAt, summary, requirements, findings, tallies, coverage, exceptions: stored.exceptions ?? [] };
}

export type SnapshotSignature =
  | { readonly state: 'valid'; readonly keyId: string; readonly pinned: boolean }
  | { readonly state: 'invalid'; readonly detail: string }
  | { readonly state: 'unsigned' };

/**
 * Checks the manifest's signature: against `pinned` when given (then it must be signed by that key),
 * else against the public key the manifest carries (integrity, not authenticity).
 */
export function checkSignature(manifest: Manifest, manifestBytes: Uint8Array, signature: Uint8Array | undefined, pinned?: KeyObject): SnapshotSignature {
  const declared = manifest.signature;
  if (!declared) {
    if (signature) return { state: 'invalid', detail: `${SIGNATURE_FILE} is present but the manifest declares no signature` };
    return pinned ? { state: 'invalid', detail: 'unsigned, but --public-key requires a signature' } : { state: 'unsigned' };
  }
  if (!signature) return { state: 'invalid', detail: `the manifest declares a signature but ${SIGNATURE_FILE} is missing` };
  const embedded = publicKeyFromSpki(declared.publicKey);
  if (!embedded) return { state: 'invalid', detail: 'the manifest carries no usable Ed25519 public key' };
  if (fingerprintOf(embedded) !== declared.fingerprint) return { state: 'invalid', detail: 'the key fingerprint does not match the key in the manifest' };
  if (pinned && fingerprintOf(pinned) !== declared.fingerprint) {
    return { state: 'invalid', detail: `signed by ${declared.fingerprint}, not by the required key ${fingerprintOf(pinned)}` };
  }
  if (!verifySignature(manifestBytes, signature, pinned ?? embedded)) return { state: 'invalid', detail: `${SIGNATURE_FILE} does not verify` };
  return { state: 'valid', keyId: declared.fingerprint, pinned: pinned !== undefined };
}

/**
 * The signature state of one snapshot directory, synchronously (for report inputs). Checks the
 * signature only: `kansa verify` checks the files and the chain.
 */
export function signatureOfSnapshotDir(dir: string, pinned?: KeyObject): SnapshotSignature {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, MANIFEST_FILE));
  } catch (error) {
    return { state: 'invalid', detail: `no readable ${MANIFEST_FILE} (${errorMessage(error)})` };
  }
  const parsed = parseManifest(bytes);
  if (!parsed.ok) return { state: 'invalid', detail: parsed.error };
  let signature: Buffer | undefined;
  try {
    signature = readFileSync(join(dir, SIGNATURE_FILE));
  } catch {
    signature = undefined;
  }
  return checkSignature(parsed.manifest, bytes, signature, pinned);
}

/** Per-account collector outcomes, flattened (what reports list). */
export function collectorOutcomes(manifest: Manifest): { provider: string; account: string; collector: string; status: string; detail?: string }[] {
  return manifest.collectors.flatMap((c) =>
    c.accounts.map((a) => ({ provider: c.provider, account: a.account, collector: c.collector, status: a.ok ? 'ok' : 'failed', ...(a.error === undefined ? {} : { detail: a.error }) })),
  );
}
