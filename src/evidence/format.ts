/**
 * The on-disk evidence format: snapshot names, file names, the manifest and the pruned ledger.
 * Manifests are parsed with zod at every read (the boundary); the writer builds them from typed values.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { REQUIREMENT_STATES } from '../evaluate/assessment.js';

export const MANIFEST_FORMAT = 'kansa-evidence/1';
export const ASSESSMENT_FORMAT = 'kansa-assessment/1';

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
export const ASSESSMENT_FILE = 'assessment.json';
export const FINDINGS_FILE = 'findings.jsonl.gz';
export const INVENTORY_FILE = 'inventory.jsonl.gz';
export const ATTESTATIONS_FILE = 'attestations.json';
/** The exceptions (waivers) loaded for the assessment: match, justification, approver, expiry, what each waived. */
export const EXCEPTIONS_FILE = 'exceptions.json';
/** Manifests of pruned snapshots, one JSON line each: the chain stays verifiable across deletions. */
export const LEDGER_FILE = 'pruned.jsonl';
export const LOCK_FILE = '.lock';

/**
 * Every snapshot holds these files besides the manifest (and its signature when signed). Snapshots
 * written since exceptions exist also hold EXCEPTIONS_FILE (listed and hashed in the manifest like the rest).
 */
export const SNAPSHOT_FILES = [ASSESSMENT_FILE, FINDINGS_FILE, INVENTORY_FILE, ATTESTATIONS_FILE] as const;

/** `<UTC timestamp>-<first 8 hex digits of the run id>`, e.g. `20261101T093000Z-1a2b3c4d`. */
export const SNAPSHOT_NAME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-[0-9a-f]{8}$/;
/** Work in progress (`.tmp-<name>-<pid>`) and deletions in progress (`.del-<name>-<pid>`): never snapshots. */
export const TEMP_PREFIX = '.tmp-';
export const DELETE_PREFIX = '.del-';

export function snapshotName(startedAt: Date, runId: string): string {
  const stamp = startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  return `${stamp}-${runId.replace(/-/g, '').slice(0, 8).toLowerCase()}`;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 digest (64 hex digits)');
const isoTime = z.iso.datetime({ offset: true });

const fileEntry = z.object({ path: z.string().min(1), sha256: hex64, bytes: z.number().int().nonnegative() });

const accountOutcome = z.object({
  account: z.string(),
  ok: z.boolean(),
  error: z.string().optional(),
  durationSeconds: z.number().nonnegative(),
  resources: z.number().int().nonnegative(),
});

const collectorRecord = z.object({
  collector: z.string(),
  provider: z.string(),
  startedAt: isoTime,
  finishedAt: isoTime,
  durationSeconds: z.number().nonnegative(),
  accounts: z.array(accountOutcome),
});

const collectionOutcome = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok'), collectedAt: z.string() }),
  z.object({ status: z.literal('failed'), error: z.string(), at: z.string() }),
  z.object({ status: z.literal('stale'), lastSuccessAt: z.string(), error: z.string() }),
]);

const scope = z.object({
  provider: z.enum(['aws', 'azure', 'gcp']),
  account: z.string(),
  region: z.string(),
  types: z.union([z.literal('all'), z.array(z.string())]),
  outcome: collectionOutcome,
});

const count = z.number().int().nonnegative();

export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  name: z.string().regex(SNAPSHOT_NAME, 'expected a snapshot name such as 20261101T093000Z-1a2b3c4d'),
  /** 1 for the first snapshot of a directory, previous + 1 after that: gaps show deletions. */
  sequence: z.number().int().positive(),
  runId: z.string().min(1),
  startedAt: isoTime,
  finishedAt: isoTime,
  agent: z.object({ name: z.string(), version: z.string(), node: z.string(), hostname: z.string() }),
  catalog: z.object({ id: z.string(), version: z.string() }),
  /** sha256 of the catalog and control files the evaluation used (content only, paths for the reader). */
  mappings: z.object({ digest: hex64, files: z.array(z.object({ role: z.enum(['catalog', 'controls']), path: z.string(), sha256: hex64 })) }),
  collectors: z.array(collectorRecord),
  coverage: z.array(scope),
  summary: z.object(Object.fromEntries(REQUIREMENT_STATES.map((s) => [s, count])) as Record<(typeof REQUIREMENT_STATES)[number], typeof count>),
  counts: z.object({ resources: count, findings: z.object({ pass: count, fail: count, unknown: count }) }),
  files: z.array(fileEntry),
  previous: z.object({ name: z.string(), sequence: z.number().int().positive(), sha256: hex64 }).nullable(),
  signature: z
    .object({
      algorithm: z.literal('ed25519'),
      /** SubjectPublicKeyInfo DER, base64: lets `verify` check integrity without a key; `--public-key` pins it. */
      publicKey: z.string().min(1),
      fingerprint: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    })
    .nullable(),
});
export type Manifest = z.output<typeof manifestSchema>;
export type CollectorRecord = z.output<typeof collectorRecord>;
export type FileEntry = z.output<typeof fileEntry>;

export const ledgerEntrySchema = z.object({
  name: z.string().regex(SNAPSHOT_NAME),
  sequence: z.number().int().positive(),
  manifestSha256: hex64,
  /** The pruned snapshot's manifest bytes, base64: its links and signature stay checkable. */
  manifest: z.string().min(1),
  signature: z.string().min(1).nullable(),
  prunedAt: isoTime,
  /** sha256 of the fields above (see ledgerEntryDigest): a changed byte anywhere in the line shows. */
  entrySha256: hex64,
});
export type LedgerEntry = z.output<typeof ledgerEntrySchema>;

export function ledgerEntryDigest(entry: Omit<LedgerEntry, 'entrySha256'>): string {
  return sha256Hex(JSON.stringify([entry.name, entry.sequence, entry.manifestSha256, entry.manifest, entry.signature, entry.prunedAt]));
}

/** The first wrong field of a zod error on one line, `path: message` (zod's own message is a multi-line JSON dump). */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`;
}

/** Parses manifest bytes; the error says which field is wrong. */
export function parseManifest(bytes: Uint8Array): { ok: true; manifest: Manifest } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    return { ok: false, error: `manifest is not JSON (${(error as Error).message})` };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) return { ok: false, error: `manifest ${firstIssue(parsed.error)}` };
  return { ok: true, manifest: parsed.data };
}

/** The manifest's digest as reports print it. */
export function manifestDigest(bytes: Uint8Array): string {
  return `sha256:${sha256Hex(bytes)}`;
}
