/**
 * Retention: keep the newest snapshot of each of the last N hours, days and months (UTC), like
 * `restic forget --keep-hourly/--keep-daily/--keep-monthly`. The newest snapshot is always kept, and a
 * snapshot whose manifest cannot be read is never pruned (verify must still be able to show it).
 * Before a snapshot is deleted its manifest and signature go into the pruned ledger, so the hash chain
 * stays verifiable across deletions.
 */
import { MANIFEST_FILE, SIGNATURE_FILE, ledgerEntryDigest, ledgerEntrySchema, parseManifest, sha256Hex, type LedgerEntry } from './format.js';
import type { EvidenceStore } from './store.js';

export interface RetentionPolicy {
  readonly hourly: number;
  readonly daily: number;
  readonly monthly: number;
}

export interface Dated {
  readonly name: string;
  readonly at: Date;
}

const PERIODS = [
  ['hourly', (d: Date) => d.toISOString().slice(0, 13)],
  ['daily', (d: Date) => d.toISOString().slice(0, 10)],
  ['monthly', (d: Date) => d.toISOString().slice(0, 7)],
] as const;

/** The names to keep, by the policy; a pure function of the snapshots' times. */
export function retained(snapshots: readonly Dated[], policy: RetentionPolicy): Set<string> {
  const newestFirst = [...snapshots].sort((a, b) => b.at.getTime() - a.at.getTime() || (a.name < b.name ? 1 : -1));
  const keep = new Set<string>();
  if (newestFirst[0]) keep.add(newestFirst[0].name);
  for (const [kind, period] of PERIODS) {
    const limit = policy[kind];
    const seen = new Set<string>();
    for (const snapshot of newestFirst) {
      const key = period(snapshot.at);
      if (seen.has(key)) continue;
      if (seen.size >= limit) break;
      seen.add(key);
      keep.add(snapshot.name);
    }
  }
  return keep;
}

export interface PruneResult {
  readonly pruned: readonly string[];
  /** Snapshots kept because their manifest could not be read. */
  readonly unreadable: readonly string[];
}

/** Manifest digests of the complete, intact ledger lines (a torn last line does not count). */
function recordedDigests(ledger: string): Set<string> {
  const digests = new Set<string>();
  for (const line of ledger.slice(0, ledger.lastIndexOf('\n') + 1).split('\n')) {
    const parsed = line === '' ? undefined : ledgerEntrySchema.safeParse(safeJson(line));
    if (parsed?.success && ledgerEntryDigest(parsed.data) === parsed.data.entrySha256) digests.add(parsed.data.manifestSha256);
  }
  return digests;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Applies the policy; call under `store.exclusive`. Throws on I/O errors (what was pruned stays pruned). */
export async function prune(store: EvidenceStore, policy: RetentionPolicy, now: Date): Promise<PruneResult> {
  const { snapshots } = await store.entries();
  const dated: (Dated & { bytes: Buffer; sequence: number })[] = [];
  const unreadable: string[] = [];
  for (const name of snapshots) {
    const bytes = await store.read(name, MANIFEST_FILE);
    const parsed = bytes ? parseManifest(bytes) : undefined;
    if (!bytes || !parsed?.ok || parsed.manifest.name !== name) {
      unreadable.push(name);
      continue;
    }
    dated.push({ name, at: new Date(parsed.manifest.startedAt), bytes, sequence: parsed.manifest.sequence });
  }
  // The newest snapshot by sequence is the chain's head: never prune it, whatever the clocks said.
  const head = dated.reduce<(typeof dated)[number] | undefined>((best, s) => (!best || s.sequence > best.sequence ? s : best), undefined);
  const keep = retained(dated, policy);
  if (head) keep.add(head.name);
  const pruned: string[] = [];
  let recorded: Set<string> | undefined;
  for (const snapshot of dated) {
    if (keep.has(snapshot.name)) continue;
    recorded ??= recordedDigests(await store.readLedger());
    const digest = sha256Hex(snapshot.bytes);
    // Recorded by an earlier prune that was interrupted before the deletion: only the deletion is left.
    if (recorded.has(digest)) {
      await store.remove(snapshot.name);
      pruned.push(snapshot.name);
      continue;
    }
    const signature = await store.read(snapshot.name, SIGNATURE_FILE);
    const fields: Omit<LedgerEntry, 'entrySha256'> = {
      name: snapshot.name,
      sequence: snapshot.sequence,
      manifestSha256: digest,
      manifest: snapshot.bytes.toString('base64'),
      signature: signature ? signature.toString('base64') : null,
      prunedAt: now.toISOString(),
    };
    const entry: LedgerEntry = { ...fields, entrySha256: ledgerEntryDigest(fields) };
    await store.appendLedger(JSON.stringify(entry));
    await store.remove(snapshot.name);
    pruned.push(snapshot.name);
  }
  return { pruned, unreadable };
}
