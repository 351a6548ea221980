/**
 * Report inputs from an evidence snapshot directory, through the evidence reader: every file checked
 * against the manifest, the manifest signature checked (against `--public-key` when given), the whole
 * assessment with passing findings from findings.jsonl.gz, and the collector outcomes of the manifest.
 */
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Assessment, Finding } from '../evaluate/assessment.js';
import { InputError, errorMessage } from '../errors.js';
import { EXPECTED_INPUT, parseAssessmentJson, parseFindings, readInput, type ReportSource } from '../reports/input.js';
import type { FileSignatureStatus, FileSourceInfo, SignatureStatus, UnverifiedCause } from '../reports/model.js';
import { ASSESSMENT_FILE, FINDINGS_FILE, sha256Hex } from './format.js';
import { DETACHED_SIGNATURE_SUFFIX, verifyDetached } from './signing.js';
import { EvidenceIntegrityError, collectorOutcomes, loadAssessment, openSnapshotDir, type OpenedSnapshot, type SnapshotSignature } from './read.js';
import { verifySnapshot } from './verify.js';

export interface SnapshotReportSource extends ReportSource {
  readonly snapshot: NonNullable<ReportSource['snapshot']> & { readonly verification: { readonly ok: boolean; readonly problems: readonly string[]; readonly cause?: UnverifiedCause } };
}

/**
 * Why a snapshot does not verify: `unsigned` when the only problem is a signature the operator required
 * (`--public-key`) and the manifest never declared; anything else may be an alteration.
 */
function causeOf(problems: readonly string[], declaresSignature: boolean): UnverifiedCause {
  return !declaresSignature && problems.length > 0 && problems.every((p) => p.startsWith('signature: unsigned')) ? 'unsigned' : 'altered';
}

/** A snapshot's signature as reports show it (they are the same states). */
function signatureStatus(signature: SnapshotSignature | undefined): SignatureStatus {
  return signature ?? { state: 'invalid', detail: 'not checked (the manifest is unreadable)' };
}

/**
 * The assessment of a snapshot that does not verify, read without the hash checks (only ever used
 * when the caller accepted unverified evidence; the report then says so). Passing findings come from
 * findings.jsonl.gz when it still decodes, else only assessment.json's failing and unknown ones.
 */
async function loadUnverified(snapshot: OpenedSnapshot, problems: string[]): Promise<Assessment> {
  const where = `${snapshot.name}/${ASSESSMENT_FILE}`;
  const bytes = await snapshot.store.read(snapshot.name, ASSESSMENT_FILE);
  if (!bytes) throw new EvidenceIntegrityError(`${where}: missing`);
  const assessment = parseAssessmentJson(where, bytes.toString('utf8'));
  let findings: Finding[] | undefined;
  try {
    const raw = await snapshot.store.read(snapshot.name, FINDINGS_FILE);
    if (raw) {
      findings = parseFindings(
        gunzipSync(raw)
          .toString('utf8')
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => JSON.parse(l) as unknown),
      );
    }
  } catch (error) {
    problems.push(`${FINDINGS_FILE}: unreadable (${errorMessage(error)})`);
  }
  if (findings === undefined) {
    problems.push(`passing findings are missing from this report: ${FINDINGS_FILE} could not be used, only the failing and unknown findings of ${ASSESSMENT_FILE} are shown`);
    return assessment;
  }
  return { ...assessment, findings };
}

/**
 * Opens and checks one snapshot directory. A snapshot that does not verify is loaded only with
 * `allowUnverified` (else `verification.ok` is false and the assessment is not read: callers refuse).
 */
export async function loadSnapshotReportSource(dir: string, options: { readonly publicKey?: KeyObject; readonly allowUnverified?: boolean } = {}): Promise<SnapshotReportSource | { readonly refused: true; readonly problems: readonly string[] }> {
  const snapshot = await openSnapshotDir(dir);
  const verdict = await verifySnapshot(snapshot.store, snapshot.name, options.publicKey);
  const problems = [...verdict.problems];
  let assessment: Assessment | undefined;
  if (problems.length === 0) {
    try {
      assessment = await loadAssessment(snapshot);
    } catch (error) {
      // Changed between the check and the read.
      if (!(error instanceof EvidenceIntegrityError)) throw error;
      problems.push(error.message);
    }
  }
  const ok = problems.length === 0;
  if (!ok || assessment === undefined) {
    if (!options.allowUnverified) return { refused: true, problems };
    assessment = await loadUnverified(snapshot, problems);
  }
  return {
    assessment,
    snapshot: {
      dir,
      manifestDigest: `sha256:${snapshot.manifestSha256}`,
      signature: signatureStatus(verdict.signature),
      collectors: collectorOutcomes(snapshot.manifest),
      verification: ok ? { ok, problems } : { ok, problems, cause: causeOf(problems, snapshot.manifest.signature !== null && snapshot.manifest.signature !== undefined) },
    },
  };
}

/**
 * A report input read from a JSON file, with its provenance: the detached signature `<file>.sig` (from
 * `kansa scan --sign KEY`) checked against the file's bytes, and against `publicKey` when given.
 * A file that is unsigned while a key is pinned, or whose signature does not verify, is refused unless
 * the caller accepts unverified input (the report then says so).
 */
export function loadFileReportSource(
  file: string,
  options: { readonly publicKey?: KeyObject; readonly allowUnverified?: boolean } = {},
): (ReportSource & { readonly source: FileSourceInfo }) | { readonly refused: true; readonly problems: readonly string[] } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(file, '', `no such file or directory; ${EXPECTED_INPUT}`);
    throw new InputError(file, '', `cannot read file: ${errorMessage(error)}`);
  }
  const signatureFile = `${file}${DETACHED_SIGNATURE_SUFFIX}`;
  let signatureText: string | undefined;
  try {
    signatureText = readFileSync(signatureFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new InputError(signatureFile, '', `cannot read the signature file: ${errorMessage(error)}`);
  }
  let signature: FileSignatureStatus;
  if (signatureText === undefined) {
    signature = options.publicKey ? { state: 'invalid', detail: `unsigned (no ${signatureFile}), but --public-key requires a signature` } : { state: 'unsigned', detail: `no ${signatureFile}` };
  } else signature = verifyDetached(bytes, signatureText, options.publicKey);
  if (signature.state === 'invalid' && !options.allowUnverified) return { refused: true, problems: [signature.detail] };
  // Pinned but unsigned is refused above; with --allow-unverified it is reported as what it is: unsigned.
  if (signature.state === 'invalid' && signatureText === undefined) signature = { state: 'unsigned', detail: signature.detail };
  const assessment = parseAssessmentJson(file, readInput(file, bytes));
  return { assessment, source: { file, digest: `sha256:${sha256Hex(bytes)}`, signature } };
}
