/**
 * Writes one snapshot while a run happens: resources and findings are streamed (gzip JSON Lines) as the
 * collector yields them, so an estate of millions is never held; the assessment, attestations and
 * manifest follow at commit, and the store publishes the whole directory atomically.
 */
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { hostname } from 'node:os';
import { gzipSync } from 'node:zlib';
import type { Assessment, Finding } from '../evaluate/assessment.js';
import type { Attestation } from '../mappings/attestations.js';
import type { ControlException } from '../mappings/exceptions.js';
import type { Resource } from '../model/resource.js';
import { errorMessage } from '../errors.js';
import {
  ASSESSMENT_FILE,
  ASSESSMENT_FORMAT,
  ATTESTATIONS_FILE,
  EXCEPTIONS_FILE,
  FINDINGS_FILE,
  INVENTORY_FILE,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  parseManifest,
  sha256Hex,
  snapshotName,
  type CollectorRecord,
  type FileEntry,
  type Manifest,
} from './format.js';
import type { MappingsDigest } from './mappings-digest.js';
import type { Signer } from './signing.js';
import type { DraftFile, EvidenceStore, SnapshotDraft } from './store.js';

/**
 * Raw bytes gathered before one gzip member is written. Each member is compressed synchronously
 * (observers cannot wait), so this bounds both memory and how long one call blocks the event loop.
 */
const GZIP_CHUNK_CHARS = 512 * 1024;
const GZIP_LEVEL = 6;

/** A draft file whose sha256 and size are computed as it is written (no second read). */
class HashedFile {
  private readonly hash: Hash = createHash('sha256');
  private size = 0;

  constructor(
    private readonly path: string,
    private readonly file: DraftFile,
  ) {}

  get bytes(): number {
    return this.size;
  }

  append(bytes: Uint8Array): void {
    this.file.append(bytes);
    this.hash.update(bytes);
    this.size += bytes.length;
  }

  async close(): Promise<FileEntry> {
    await this.file.close();
    return { path: this.path, sha256: this.hash.digest('hex'), bytes: this.size };
  }
}

/** JSON Lines compressed as a sequence of gzip members (RFC 1952 §2.2: a valid gzip file, read by gunzip and zcat). */
class GzipJsonlWriter {
  private lines: string[] = [];
  private pending = 0;

  constructor(private readonly file: HashedFile) {}

  write(value: unknown): void {
    const line = `${JSON.stringify(value)}\n`;
    this.lines.push(line);
    this.pending += line.length;
    if (this.pending >= GZIP_CHUNK_CHARS) this.flush();
  }

  private flush(): void {
    if (this.lines.length === 0 && this.file.bytes > 0) return;
    const member = gzipSync(this.lines.join(''), { level: GZIP_LEVEL });
    this.lines = [];
    this.pending = 0;
    this.file.append(member);
  }

  close(): Promise<FileEntry> {
    this.flush(); // also writes one (empty) member for an empty stream: zero bytes is not a gzip file
    return this.file.close();
  }
}

/**
 * assessment.json: the JSON contract of `kansa scan --output json` (so `kansa report` reads a snapshot
 * directly), with the failing and unknown findings inline — the ones the agent holds anyway — written a
 * chunk at a time; every finding, passing ones included, is in findings.jsonl.gz (`findingsFile`).
 */
function outcomeOf(assessment: Assessment, id: string): { state?: string; matched?: number; waived?: number } {
  const result = assessment.exceptions.find((e) => e.id === id);
  return result ? { state: result.state, matched: result.matched, waived: result.waived } : {};
}

async function writeAssessment(file: HashedFile, assessment: Assessment, findingsFile: Record<string, unknown>): Promise<FileEntry> {
  const head = {
    format: ASSESSMENT_FORMAT,
    catalog: assessment.catalog,
    generatedAt: assessment.generatedAt,
    summary: assessment.summary,
    requirements: assessment.requirements,
    coverage: assessment.coverage,
    tallies: assessment.tallies,
    exceptions: assessment.exceptions,
    findingsFile,
  };
  const text = JSON.stringify(head, null, 2);
  let chunk = `${text.slice(0, text.lastIndexOf('\n}'))},\n  "findings": [`;
  let first = true;
  for (const finding of assessment.findings) {
    if (finding.status === 'pass') continue;
    chunk += `${first ? '' : ','}\n    ${JSON.stringify(finding)}`;
    first = false;
    if (chunk.length >= GZIP_CHUNK_CHARS) {
      file.append(Buffer.from(chunk, 'utf8'));
      chunk = '';
    }
  }
  chunk += `${first ? '' : '\n  '}]\n}\n`;
  file.append(Buffer.from(chunk, 'utf8'));
  return file.close();
}

export interface CommitInput {
  readonly assessment: Assessment;
  /** The attestations in force when the assessment was made. */
  readonly attestations: readonly Attestation[];
  /** The exceptions loaded when the assessment was made (active and expired). */
  readonly exceptions: readonly ControlException[];
  readonly collectors: readonly CollectorRecord[];
  readonly finishedAt: Date;
  readonly agentVersion: string;
  readonly mappings: MappingsDigest;
  readonly signer: Signer | undefined;
  /** The last snapshot this process published, if any: the chain continues from it if it vanished. */
  readonly lastPublished: ChainLink | undefined;
}

export interface ChainLink {
  readonly name: string;
  readonly sequence: number;
  readonly sha256: string;
}

export interface Published {
  readonly name: string;
  readonly manifest: Manifest;
  readonly manifestSha256: string;
  /** Set when the snapshot this one links to is not in the store any more (deleted out of band). */
  readonly previousMissing: boolean;
}

export class SnapshotSession {
  private failure: string | undefined;
  private finished = false;
  readonly counts = { resources: 0, findings: { pass: 0, fail: 0, unknown: 0, waived: 0 } };

  private constructor(
    private readonly store: EvidenceStore,
    private readonly draft: SnapshotDraft,
    readonly runId: string,
    readonly startedAt: Date,
    private readonly inventory: GzipJsonlWriter,
    private readonly findings: GzipJsonlWriter,
  ) {}

  /** Creates the draft; throws on I/O errors (unwritable directory), before anything is collected. */
  static async begin(store: EvidenceStore, startedAt: Date, runId: string = randomUUID()): Promise<SnapshotSession> {
    const draft = await store.begin(snapshotName(startedAt, runId));
    try {
      const inventory = new GzipJsonlWriter(new HashedFile(INVENTORY_FILE, draft.openAppend(INVENTORY_FILE)));
      const findings = new GzipJsonlWriter(new HashedFile(FINDINGS_FILE, draft.openAppend(FINDINGS_FILE)));
      return new SnapshotSession(store, draft, runId, startedAt, inventory, findings);
    } catch (error) {
      await draft.discard();
      throw error;
    }
  }

  get name(): string {
    return this.draft.name;
  }

  /** Why the snapshot cannot be completed, once something went wrong. */
  get failed(): string | undefined {
    return this.failure;
  }

  onResource(resource: Resource): void {
    if (this.failure !== undefined) return;
    try {
      this.inventory.write(resource);
      this.counts.resources++;
    } catch (error) {
      this.fail(`writing ${INVENTORY_FILE}: ${errorMessage(error)}`);
    }
  }

  onFinding(finding: Finding): void {
    if (this.failure !== undefined) return;
    try {
      this.findings.write(finding);
      this.counts.findings[finding.status]++;
    } catch (error) {
      this.fail(`writing ${FINDINGS_FILE}: ${errorMessage(error)}`);
    }
  }

  /** Marks the snapshot as failed: whatever was written is discarded at commit or discard. */
  fail(reason: string): void {
    this.failure ??= reason;
  }

  async discard(): Promise<void> {
    this.finished = true;
    await this.draft.discard();
  }

  /** Completes and publishes the snapshot; on any error the draft is discarded and the error thrown. */
  async commit(input: CommitInput): Promise<Published> {
    if (this.finished) throw new Error('snapshot already committed or discarded');
    this.finished = true;
    try {
      if (this.failure !== undefined) throw new Error(this.failure);
      const files: FileEntry[] = [await this.inventory.close(), await this.findings.close()];
      const { assessment } = input;
      const { pass, fail, unknown, waived } = this.counts.findings;
      files.push(
        await writeAssessment(new HashedFile(ASSESSMENT_FILE, this.draft.openAppend(ASSESSMENT_FILE)), assessment, {
          file: FINDINGS_FILE,
          count: pass + fail + unknown + waived,
          pass,
          fail,
          unknown,
          waived,
        }),
      );
      const attestationBytes = jsonBytes({ asOf: assessment.generatedAt, attestations: input.attestations });
      await this.draft.writeFile(ATTESTATIONS_FILE, attestationBytes);
      files.push({ path: ATTESTATIONS_FILE, sha256: sha256Hex(attestationBytes), bytes: attestationBytes.length });
      const exceptionBytes = jsonBytes({
        asOf: assessment.generatedAt,
        exceptions: input.exceptions.map(({ at: _at, ...e }) => ({ ...e, ...outcomeOf(assessment, e.id) })),
      });
      await this.draft.writeFile(EXCEPTIONS_FILE, exceptionBytes);
      files.push({ path: EXCEPTIONS_FILE, sha256: sha256Hex(exceptionBytes), bytes: exceptionBytes.length });
      files.sort((a, b) => (a.path < b.path ? -1 : 1));
      // The link is taken under the store lock, at the last moment: concurrent writers chain in order.
      return await this.store.exclusive(async () => {
        const latest = await latestLink(this.store);
        const previous = input.lastPublished && (!latest || input.lastPublished.sequence > latest.sequence) ? input.lastPublished : latest;
        const manifest: Manifest = {
          format: MANIFEST_FORMAT,
          name: this.name,
          sequence: (previous?.sequence ?? 0) + 1,
          runId: this.runId,
          startedAt: this.startedAt.toISOString(),
          finishedAt: input.finishedAt.toISOString(),
          agent: { name: 'kansa', version: input.agentVersion, node: process.versions.node, hostname: hostname() },
          catalog: assessment.catalog,
          mappings: { digest: input.mappings.digest, files: input.mappings.files.map((f) => ({ ...f })) },
          collectors: [...input.collectors],
          coverage: assessment.coverage.map((scope) => ({ ...scope, types: scope.types === 'all' ? 'all' : [...scope.types] })),
          summary: assessment.summary,
          counts: this.counts,
          files,
          previous: previous ? { name: previous.name, sequence: previous.sequence, sha256: previous.sha256 } : null,
          signature: input.signer ? { algorithm: 'ed25519', publicKey: input.signer.publicKey, fingerprint: input.signer.fingerprint } : null,
        };
        const bytes = jsonBytes(manifest);
        await this.draft.publish(bytes, input.signer?.sign(bytes));
        return { name: this.name, manifest, manifestSha256: sha256Hex(bytes), previousMissing: previous !== undefined && previous !== latest };
      });
    } catch (error) {
      await this.draft.discard();
      throw error;
    }
  }
}

function jsonBytes(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
}

/** The snapshot with the highest sequence in the store (names alone could be out of order after a clock step). */
export async function latestLink(store: EvidenceStore): Promise<ChainLink | undefined> {
  const { snapshots } = await store.entries();
  let best: ChainLink | undefined;
  for (const name of snapshots) {
    const bytes = await store.read(name, MANIFEST_FILE);
    if (!bytes) continue;
    const parsed = parseManifest(bytes);
    if (!parsed.ok || parsed.manifest.name !== name) continue;
    if (!best || parsed.manifest.sequence > best.sequence) best = { name, sequence: parsed.manifest.sequence, sha256: sha256Hex(bytes) };
  }
  return best;
}
