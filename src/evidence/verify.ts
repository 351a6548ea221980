/**
 * `kansa verify`: every file of every snapshot against its manifest, the hash chain (through the
 * pruned ledger) and the signatures. Reports every problem and names the first broken snapshot in
 * chain order.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { errorMessage } from '../errors.js';
import { LEDGER_FILE, MANIFEST_FILE, SIGNATURE_FILE, SNAPSHOT_FILES, firstIssue, ledgerEntryDigest, ledgerEntrySchema, parseManifest, sha256Hex, type Manifest } from './format.js';
import { checkSignature, type SnapshotSignature } from './read.js';
import type { EvidenceStore, StoredVersion } from './store.js';

export interface SnapshotVerdict {
  readonly name: string;
  /** Whether it is a present snapshot or a manifest kept in the pruned ledger. */
  readonly kind: 'snapshot' | 'pruned';
  readonly sequence?: number;
  readonly manifestSha256?: string;
  readonly startedAt?: string;
  readonly signature?: SnapshotSignature;
  readonly problems: string[];
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly location: string;
  /** Present snapshots and pruned ones, in chain order. */
  readonly snapshots: readonly SnapshotVerdict[];
  /** Things that are not failures: incomplete writes left by crashes, a torn ledger line. */
  readonly notes: readonly string[];
  /** Problems not tied to one snapshot (unreadable ledger lines, empty store). */
  readonly problems: readonly string[];
  readonly firstBroken?: { readonly name: string; readonly reason: string };
}

interface ChainRecord {
  readonly verdict: SnapshotVerdict;
  readonly manifest: Manifest;
  readonly sha256: string;
}

async function hashFile(store: EvidenceStore, name: string, file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of store.openRead(name, file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

interface CheckedSnapshot {
  readonly verdict: SnapshotVerdict;
  readonly record?: ChainRecord;
  /** Files the manifest lists or declares (its signature) that are not stored. */
  readonly missing: readonly string[];
}

/** `expired`: files shown to have expired after their lock ended (see expiredFiles): not problems. */
async function checkSnapshot(store: EvidenceStore, name: string, pinned: KeyObject | undefined, expired: ReadonlySet<string> = new Set()): Promise<CheckedSnapshot> {
  const problems: string[] = [];
  let files: string[];
  try {
    files = await store.files(name);
  } catch (error) {
    return { verdict: { name, kind: 'snapshot', problems: [`cannot list the directory (${errorMessage(error)})`] }, missing: [] };
  }
  const bytes = files.includes(MANIFEST_FILE) ? await store.read(name, MANIFEST_FILE) : undefined;
  if (!bytes) return { verdict: { name, kind: 'snapshot', problems: [`no ${MANIFEST_FILE}: not a complete snapshot`] }, missing: [] };
  const parsed = parseManifest(bytes);
  if (!parsed.ok) return { verdict: { name, kind: 'snapshot', problems: [parsed.error] }, missing: [] };
  const { manifest } = parsed;
  if (manifest.name !== name) problems.push(`the manifest names snapshot ${manifest.name}`);
  const listed = manifest.files.map((f) => f.path);
  const missingFromListing = SNAPSHOT_FILES.filter((f) => !listed.includes(f));
  if (missingFromListing.length > 0) problems.push(`the manifest does not list ${missingFromListing.join(', ')}`);
  const missing: string[] = [];
  for (const entry of manifest.files) {
    if (!files.includes(entry.path)) {
      missing.push(entry.path);
      if (!expired.has(entry.path)) problems.push(`${entry.path}: missing`);
      continue;
    }
    try {
      const actual = await hashFile(store, name, entry.path);
      if (actual.bytes !== entry.bytes) problems.push(`${entry.path}: ${actual.bytes} bytes, the manifest says ${entry.bytes}`);
      else if (actual.sha256 !== entry.sha256) problems.push(`${entry.path}: sha256 ${actual.sha256} does not match the manifest (${entry.sha256})`);
    } catch (error) {
      problems.push(`${entry.path}: unreadable (${errorMessage(error)})`);
    }
  }
  // A signature file the manifest does not declare is reported by the signature check.
  const allowed = new Set([...listed, MANIFEST_FILE, SIGNATURE_FILE]);
  const extra = files.filter((f) => !allowed.has(f));
  if (extra.length > 0) problems.push(`unexpected entries: ${extra.map((f) => f.replace(/^!/, '')).join(', ')}`);
  const signatureBytes = files.includes(SIGNATURE_FILE) ? await store.read(name, SIGNATURE_FILE) : undefined;
  if (manifest.signature && !signatureBytes) missing.push(SIGNATURE_FILE);
  // An expired signature leaves the manifest vouched for by the next snapshot's link only.
  const signature = manifest.signature && !signatureBytes && expired.has(SIGNATURE_FILE) ? undefined : checkSignature(manifest, bytes, signatureBytes, pinned);
  if (signature?.state === 'invalid') problems.push(`signature: ${signature.detail}`);
  const sha256 = sha256Hex(bytes);
  const verdict: SnapshotVerdict = { name, kind: 'snapshot', sequence: manifest.sequence, manifestSha256: sha256, startedAt: manifest.startedAt, ...(signature ? { signature } : {}), problems };
  return { verdict, record: { verdict, manifest, sha256 }, missing };
}

/**
 * One snapshot on its own: every file against the manifest and the signature (not the chain, which
 * needs the whole evidence directory: `kansa verify`). What reports check before using a snapshot.
 */
export async function verifySnapshot(store: EvidenceStore, name: string, pinned?: KeyObject): Promise<SnapshotVerdict> {
  return (await checkSnapshot(store, name, pinned)).verdict;
}

function checkLedger(text: string, pinned: KeyObject | undefined, notes: string[], problems: string[]): ChainRecord[] {
  const records: ChainRecord[] = [];
  const lines = text.split('\n');
  const torn = lines.pop(); // '' after the final newline; anything else is an append a crash cut short
  if (torn !== undefined && torn !== '') notes.push(`${LEDGER_FILE}: the last line is incomplete (an interrupted prune; its snapshot was not deleted) and is ignored`);
  lines.forEach((line, index) => {
    const where = `${LEDGER_FILE} line ${index + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      problems.push(`${where}: not a ledger entry (not JSON: ${errorMessage(error)})`);
      return;
    }
    const checked = ledgerEntrySchema.safeParse(json);
    if (!checked.success) {
      problems.push(`${where}: not a ledger entry (${firstIssue(checked.error)})`);
      return;
    }
    const entry = checked.data;
    const bytes = Buffer.from(entry.manifest, 'base64');
    const entryProblems: string[] = [];
    if (ledgerEntryDigest(entry) !== entry.entrySha256) entryProblems.push(`${where}: the entry does not hash to its entrySha256 (the line was changed)`);
    const sha256 = sha256Hex(bytes);
    if (sha256 !== entry.manifestSha256) entryProblems.push(`${where}: the recorded manifest does not hash to ${entry.manifestSha256}`);
    const parsed = parseManifest(bytes);
    if (!parsed.ok) {
      problems.push(`${where} (${entry.name}): ${parsed.error}`);
      return;
    }
    if (parsed.manifest.name !== entry.name || parsed.manifest.sequence !== entry.sequence) entryProblems.push(`${where}: the entry's name or sequence differ from its manifest`);
    const signature = checkSignature(parsed.manifest, bytes, entry.signature === null ? undefined : Buffer.from(entry.signature, 'base64'), pinned);
    if (signature.state === 'invalid') entryProblems.push(`signature: ${signature.detail}`);
    // The same entry twice: a prune interrupted after its ledger append was redone. Harmless.
    if (entryProblems.length === 0 && records.some((r) => r.sha256 === sha256 && r.verdict.name === entry.name && r.verdict.problems.length === 0)) return;
    const verdict: SnapshotVerdict = { name: entry.name, kind: 'pruned', sequence: entry.sequence, manifestSha256: sha256, startedAt: parsed.manifest.startedAt, signature, problems: entryProblems };
    records.push({ verdict, manifest: parsed.manifest, sha256 });
  });
  return records;
}

/** Clock differences between this machine and the store lean towards "still locked", never towards accepting. */
const LOCK_CLOCK_MARGIN_MS = 5 * 60_000;

/** The lock of the first version of a snapshot's manifest: what the snapshot was written under. */
function originalLockMode(versions: readonly StoredVersion[]): string | undefined {
  return versions.find((v) => v.file === MANIFEST_FILE && !v.deleteMarker)?.lockMode;
}

/** Versions still locked at `now` (a delete marker over one of them hides it: tampering, not expiry). */
function stillLocked(versions: readonly StoredVersion[], now: Date): StoredVersion[] {
  return versions.filter((v) => !v.deleteMarker && v.retainUntil !== undefined && v.retainUntil.getTime() > now.getTime() - LOCK_CLOCK_MARGIN_MS);
}

function latestRetainUntil(versions: readonly StoredVersion[]): string {
  return new Date(Math.max(...versions.map((v) => v.retainUntil!.getTime()))).toISOString();
}

/**
 * A chain whose oldest snapshots are gone may be a store whose lifecycle rules expire locked objects
 * (S3). That is acceptable only where deleting early was impossible and nothing is merely hidden:
 * - the oldest remaining snapshot's manifest was first written under COMPLIANCE Object Lock, which no
 *   one can shorten or bypass (GOVERNANCE can be bypassed, so a gap there is never explained by expiry);
 * - every version still stored under the missing predecessor has a lock that has ended.
 * Lock data comes from the versions S3 keeps, not from dates derived from names or current metadata.
 * Undefined: the store has no versions to consult (the caller reports the gap).
 */
async function expiredPredecessor(store: EvidenceStore, oldest: Manifest, now: Date): Promise<{ note: string } | { problem: string } | undefined> {
  const link = oldest.previous;
  if (!store.storedVersions || !link) return undefined;
  const missing = `the snapshot before it (${link.name}, sequence ${link.sequence}) is missing`;
  let own;
  let theirs;
  try {
    own = await store.storedVersions(oldest.name);
    theirs = await store.storedVersions(link.name);
  } catch (error) {
    return { problem: `${missing}, and the stored versions cannot be read to tell expiry from deletion (${errorMessage(error)})` };
  }
  const mode = originalLockMode(own);
  if (mode !== 'COMPLIANCE') {
    return { problem: `${missing}; this snapshot was written under ${mode ?? 'no'} Object Lock, not COMPLIANCE, so the removal cannot be told from an early deletion` };
  }
  const locked = stillLocked(theirs, now);
  if (locked.length > 0) return { problem: `${missing}: ${locked.length} of its objects are still stored under Object Lock until ${latestRetainUntil(locked)}, hidden by delete markers` };
  return {
    note: `${link.name} (sequence ${link.sequence}) and older snapshots are gone after their Object Lock ended (the chain is written under COMPLIANCE lock, which cannot be cut short): the chain is verified from ${oldest.name}`,
  };
}

/**
 * The oldest snapshot can lose some files before its manifest: lifecycle expiry is rounded to the next
 * midnight UTC, so a snapshot written across midnight expires over two days, files first, manifest last.
 * Its missing files are accepted as expired on the same terms as a missing predecessor: written under
 * COMPLIANCE lock, and no version of them still locked. The manifest, its link and its remaining files
 * are still verified.
 */
async function expiredFiles(store: EvidenceStore, name: string, missing: readonly string[], now: Date): Promise<{ note: string } | { problem: string } | undefined> {
  if (!store.storedVersions) return undefined;
  let versions;
  try {
    versions = await store.storedVersions(name);
  } catch (error) {
    return { problem: `the stored versions cannot be read to tell expiry of ${missing.join(', ')} from deletion (${errorMessage(error)})` };
  }
  const mode = originalLockMode(versions);
  if (mode !== 'COMPLIANCE') return { problem: `written under ${mode ?? 'no'} Object Lock, not COMPLIANCE, so the missing files cannot be told from an early deletion` };
  const locked = stillLocked(
    versions.filter((v) => missing.includes(v.file)),
    now,
  );
  if (locked.length > 0) return { problem: `${locked.length} versions of ${[...new Set(locked.map((v) => v.file))].join(', ')} are still stored under Object Lock until ${latestRetainUntil(locked)}, hidden by delete markers` };
  return {
    note: `${name}: ${missing.join(', ')} expired after their Object Lock ended (lifecycle expiry is rounded to midnight UTC, so this snapshot expires over two days); its manifest, chain link and remaining files verify`,
  };
}

export interface VerifyOptions {
  readonly publicKey?: KeyObject;
  readonly now?: Date;
  /**
   * Anchors recorded outside the store (a local chain has none of its own, so deleting its newest
   * snapshots is otherwise invisible): the chain must reach at least this sequence…
   */
  readonly minSequence?: number;
  /** …and hold the manifest with this sha256 (the head printed by `kansa snapshot` or exported as a metric). */
  readonly head?: string;
  /** Key fingerprints a chain may change to (a planned key rotation); any other change or a signed → unsigned step fails. */
  readonly allowKeyChange?: readonly string[];
}

export async function verifyStore(store: EvidenceStore, options: VerifyOptions = {}): Promise<VerifyReport> {
  const notes: string[] = [];
  const problems: string[] = [];
  const { snapshots, incomplete, unexpected } = await store.entries();
  for (const name of incomplete) notes.push(`${name}: an interrupted write or deletion, not a snapshot (ignored; the next snapshot removes it)`);
  for (const name of unexpected) notes.push(`${name}: not part of the evidence format (ignored)`);

  const present: CheckedSnapshot[] = [];
  for (const name of snapshots) present.push(await checkSnapshot(store, name, options.publicKey));
  let ledgerText = '';
  try {
    ledgerText = await store.readLedger();
  } catch (error) {
    problems.push(`${LEDGER_FILE}: unreadable (${errorMessage(error)})`);
  }
  const pruned = checkLedger(ledgerText, options.publicKey, notes, problems);

  // Chain: one record per sequence number, present or pruned; each links to the one before.
  const bySequence = new Map<number, ChainRecord[]>();
  for (const record of [...present.flatMap((p) => (p.record ? [p.record] : [])), ...pruned]) {
    const list = bySequence.get(record.manifest.sequence) ?? [];
    list.push(record);
    bySequence.set(record.manifest.sequence, list);
  }
  const maxSequence = Math.max(0, ...bySequence.keys());
  const minSequence = Math.min(...bySequence.keys());
  const now = options.now ?? new Date();
  const oldest = present.findIndex((p) => p.record?.manifest.sequence === minSequence);
  // Its signature may expire only while a later snapshot's link vouches for its manifest.
  const expirable = oldest >= 0 ? present[oldest]!.missing.filter((file) => file !== SIGNATURE_FILE || minSequence < maxSequence) : [];
  if (expirable.length > 0) {
    const { verdict, record } = present[oldest]!;
    const expired = await expiredFiles(store, verdict.name, expirable, now);
    if (expired && 'note' in expired) {
      const recheck = await checkSnapshot(store, verdict.name, options.publicKey, new Set(expirable));
      // Same manifest bytes, same chain record: only the verdict changes.
      if (recheck.record?.sha256 === record?.sha256 && recheck.record) {
        present[oldest] = recheck;
        bySequence.set(minSequence, [...bySequence.get(minSequence)!.filter((r) => r.verdict !== verdict), recheck.record]);
        notes.push(expired.note);
      }
    } else if (expired) verdict.problems.push(expired.problem);
  }
  const prunedNames = new Set(pruned.map((r) => r.verdict.name));
  for (const p of present) if (p.record && prunedNames.has(p.verdict.name)) notes.push(`${p.verdict.name}: recorded in ${LEDGER_FILE} but not deleted (an interrupted prune; the next one finishes it)`);
  for (const [sequence, records] of bySequence) {
    const digests = new Set(records.map((r) => r.sha256));
    if (digests.size > 1) for (const r of records) r.verdict.problems.push(`sequence ${sequence} is claimed by ${records.map((x) => x.verdict.name).join(' and ')} (the chain forks)`);
  }
  for (const records of bySequence.values()) {
    for (const { manifest, verdict } of records) {
      const link = manifest.previous;
      if (manifest.sequence === 1) {
        if (link !== null) verdict.problems.push('the first snapshot of the chain links to a previous one');
        continue;
      }
      if (link === null) {
        verdict.problems.push(`sequence ${manifest.sequence} has no link to the snapshot before it`);
        continue;
      }
      if (link.sequence !== manifest.sequence - 1) verdict.problems.push(`links to sequence ${link.sequence}, expected ${manifest.sequence - 1}`);
      const before = bySequence.get(manifest.sequence - 1);
      if (!before) {
        const expired = manifest.sequence === minSequence && verdict.kind === 'snapshot' ? await expiredPredecessor(store, manifest, now) : undefined;
        if (expired && 'note' in expired) notes.push(expired.note);
        else verdict.problems.push(expired?.problem ?? `the snapshot before it (${link.name}, sequence ${manifest.sequence - 1}) is missing and not recorded in ${LEDGER_FILE}`);
        continue;
      }
      if (!before.some((r) => r.sha256 === link.sha256 && r.verdict.name === link.name)) {
        // When a later snapshot's link vouches for this manifest, this link is authentic: the snapshot
        // before it is the one that was changed (a forged middle snapshot), and is named as broken.
        const vouched = bySequence.get(manifest.sequence + 1)?.some((next) => next.manifest.previous?.sha256 === recordDigest(records, verdict));
        if (vouched) for (const r of before) r.verdict.problems.push(`its manifest was changed: ${verdict.name} links to ${link.name} with sha256 ${link.sha256}, and ${verdict.name} is itself vouched for by the next snapshot`);
        else verdict.problems.push(`its link to ${link.name} does not match that manifest's sha256 (${before[0]!.sha256}): the previous manifest was changed`);
      }
    }
  }
  checkKeyContinuity(bySequence, options.allowKeyChange ?? [], notes);
  if (options.minSequence !== undefined && maxSequence < options.minSequence) {
    problems.push(`the chain ends at sequence ${maxSequence}, but sequence ${options.minSequence} was recorded elsewhere: newer snapshots were deleted`);
  }
  if (options.head !== undefined) {
    const wanted = options.head.toLowerCase();
    const found = [...bySequence.values()].flat().find((r) => r.sha256 === wanted);
    if (!found) problems.push(`the recorded head manifest ${wanted} is not in the chain: snapshots were deleted or replaced`);
  }
  const head = bySequence.get(maxSequence);
  if (head && head.every((r) => r.verdict.kind === 'pruned')) head[0]!.verdict.problems.push('the newest snapshot of the chain was pruned (retention never does that)');

  // Chain order: by sequence; a snapshot whose manifest is unreadable sits after the one before it by name.
  const ordered: SnapshotVerdict[] = [];
  let lastSequence = 0;
  const keyed: { key: number; verdict: SnapshotVerdict }[] = [];
  for (const p of present) {
    if (p.verdict.sequence !== undefined) lastSequence = p.verdict.sequence;
    keyed.push({ key: p.verdict.sequence ?? lastSequence + 0.5, verdict: p.verdict });
  }
  for (const r of pruned) if (!present.some((p) => p.verdict.name === r.verdict.name)) keyed.push({ key: r.manifest.sequence, verdict: r.verdict });
  keyed.sort((a, b) => a.key - b.key || (a.verdict.name < b.verdict.name ? -1 : 1));
  for (const k of keyed) ordered.push(k.verdict);

  if (snapshots.length === 0) problems.push(`no snapshots in ${store.location}`);
  const broken = ordered.find((v) => v.problems.length > 0);
  const firstBroken = broken ? { name: broken.kind === 'pruned' ? `${broken.name} (pruned)` : broken.name, reason: broken.problems[0]! } : problems[0] ? { name: store.location, reason: problems[0] } : undefined;
  return { ok: firstBroken === undefined, location: store.location, snapshots: ordered, notes, problems, ...(firstBroken ? { firstBroken } : {}) };
}

function recordDigest(records: readonly ChainRecord[], verdict: SnapshotVerdict): string | undefined {
  return records.find((r) => r.verdict === verdict)?.sha256;
}

/**
 * One key signs a chain. Without a pinned key, a newest snapshot re-signed with another key, or whose
 * signature was removed, would otherwise verify: a key change or a signed → unsigned step inside the
 * chain is a problem, unless the new key's fingerprint is allowed (`--allow-key-change`, logged as a note).
 */
function checkKeyContinuity(bySequence: ReadonlyMap<number, readonly ChainRecord[]>, allowed: readonly string[], notes: string[]): void {
  let signedBy: { key: string; name: string } | undefined;
  for (const sequence of [...bySequence.keys()].sort((a, b) => a - b)) {
    for (const { manifest, verdict } of bySequence.get(sequence)!) {
      const key = manifest.signature?.fingerprint;
      if (key === undefined) {
        if (signedBy) verdict.problems.push(`unsigned, but the chain was signed up to ${signedBy.name} (key ${signedBy.key}): a signature was removed`);
        continue;
      }
      if (signedBy && key !== signedBy.key) {
        if (allowed.includes(key)) notes.push(`${verdict.name}: the signing key changes from ${signedBy.key} to ${key} (allowed by --allow-key-change)`);
        else verdict.problems.push(`signed with key ${key}, but the chain was signed with ${signedBy.key} up to ${signedBy.name}: re-signed with another key (a planned rotation needs --allow-key-change ${key})`);
      }
      signedBy = { key, name: verdict.name };
    }
  }
}

/** The text `kansa verify` prints. */
export function renderVerifyReport(report: VerifyReport): string {
  const lines: string[] = [];
  for (const v of report.snapshots) {
    const sequence = v.sequence === undefined ? 'seq ?' : `seq ${v.sequence}`;
    const signature =
      v.signature === undefined ? '' : v.signature.state === 'valid' ? ` signed ${v.signature.keyId}${v.signature.pinned ? '' : ' (key not pinned: use --public-key)'}` : v.signature.state === 'unsigned' ? ' unsigned' : '';
    const label = v.kind === 'pruned' ? `${v.name} (pruned)` : v.name;
    lines.push(`${v.problems.length === 0 ? 'ok    ' : 'BROKEN'} ${label}  ${sequence}${signature}`);
    for (const problem of v.problems) lines.push(`         ${problem}`);
  }
  for (const problem of report.problems) lines.push(`BROKEN ${problem}`);
  for (const note of report.notes) lines.push(`note   ${note}`);
  const present = report.snapshots.filter((s) => s.kind === 'snapshot').length;
  const pruned = report.snapshots.length - present;
  // Say what was checked: an unsigned chain has no signatures to be intact.
  const signed = report.snapshots.filter((s) => s.signature?.state === 'valid').length;
  const signatures = signed === 0 ? 'files and chain intact; no snapshot is signed' : signed === report.snapshots.length ? 'files, chain and signatures intact' : `files and chain intact; ${signed} of ${report.snapshots.length} signed, their signatures intact`;
  lines.push(
    report.firstBroken
      ? `FAILED: first broken: ${report.firstBroken.name}: ${report.firstBroken.reason}`
      : `verified: ${present} snapshot${present === 1 ? '' : 's'} and ${pruned} pruned manifest${pruned === 1 ? '' : 's'} in ${report.location}: ${signatures}`,
  );
  return `${lines.join('\n')}\n`;
}
