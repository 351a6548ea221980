/**
 * Report inputs, parsed at the boundary: the JSON contract `kansa evaluate|scan --output json` writes
 * (README "JSON output"), as a file or as `assessment.json` inside an evidence snapshot directory.
 * Every problem is an InputError naming the file, the path inside it and what was expected.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { InputError, errorMessage } from '../errors.js';
import { FINDING_STATUSES, REQUIREMENT_STATES, type Assessment, type Finding } from '../evaluate/assessment.js';
import { AUTOMATION_CLASSES, SEVERITIES } from '../mappings/schemas.js';
import { formatPath } from '../mappings/yaml-file.js';
import type { SignatureStatus, SnapshotInfo } from './model.js';

export const EXPECTED_INPUT = 'expected the JSON written by `kansa evaluate --output json` or `kansa scan --output json`, or a snapshot directory containing assessment.json';

export const SNAPSHOT_ASSESSMENT_FILES = ['assessment.json', 'assessment.json.gz'] as const;
export const SNAPSHOT_MANIFEST_FILE = 'manifest.json';

const text = z.string();
const isoDate = z.iso.date('expected a date YYYY-MM-DD');
const timestamp = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 timestamp' });
const count = z.number().int().nonnegative();

const outcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok'), collectedAt: timestamp }),
  z.object({ status: z.literal('failed'), error: text, at: timestamp }),
  z.object({ status: z.literal('stale'), lastSuccessAt: timestamp, error: text }),
]);

/** The contract allows added fields, so objects are not strict. */
export const assessmentContractSchema = z.object({
  catalog: z.object({ id: z.string().min(1), version: z.string().min(1) }),
  generatedAt: timestamp,
  summary: z.object({ compliant: count, noncompliant: count, unknown: count, not_assessed: count }),
  requirements: z.array(
    z.object({
      id: z.string().min(1),
      status: z.enum(REQUIREMENT_STATES),
      automation: z.enum(AUTOMATION_CLASSES),
      controls: z.array(text),
      category: text,
      reason: text,
      /** Added with bilingual findings; older files have English only, shown as it is. */
      reason_ja: text.optional(),
      /** The numbers behind the state, added with coverage truth (#11); older files have none. */
      counts: z
        .object({ checked: count, failing: count, unknown: count, waived: count, scopesCovered: count, scopesNotCovered: count })
        .exactOptional(),
      attestation: z
        .object({
          owner: text,
          evidence: text,
          attested: isoDate,
          expires: isoDate,
          state: z.enum(['valid', 'expired', 'future']),
          statement: text.optional(),
        })
        .optional(),
    }),
  ),
  findings: z.array(
    z.object({
      control: text,
      requirements: z.array(text),
      provider: z.enum(['aws', 'azure', 'gcp']),
      account: text,
      region: text,
      resourceType: text,
      resourceId: text,
      status: z.enum(FINDING_STATUSES),
      reason: text.optional(),
      reason_ja: text.optional(),
      /** Added with observed values (#15): what a passing finding's variables were; older files have none. */
      observed: text.exactOptional(),
      severity: z.enum(SEVERITIES),
      exception: text.optional(),
      scope: z.enum(['resource', 'account', 'region']),
    }),
  ),
  coverage: z.array(
    z.object({
      provider: z.enum(['aws', 'azure', 'gcp']),
      account: text,
      region: text,
      types: z.union([z.literal('all'), z.array(text)]),
      /** Added with coverage truth (#11): older files have none (exactOptional: absent, never undefined). */
      gaps: z.array(z.object({ types: z.array(text), reason: z.object({ ja: text, en: text }) })).exactOptional(),
      supplementary: z.boolean().exactOptional(),
      unreadable: count.exactOptional(),
      outcome: outcomeSchema,
    }),
  ),
  /** Added with exceptions: older files have none. */
  exceptions: z
    .array(
      z.object({
        id: text,
        control: text,
        expires: isoDate,
        state: z.enum(['active', 'expired']),
        justification: z.object({ ja: text, en: text }),
        approvedBy: text,
        reference: text.optional(),
        matched: count,
        waived: count,
      }),
    )
    .optional(),
});

/** Parses the JSON contract into an Assessment (`tallies` are not part of the contract: empty). */
type ContractFinding = z.output<typeof assessmentContractSchema>['findings'][number];
const findingOf = ({ reason, reason_ja, ...f }: ContractFinding): Finding =>
  reason === undefined ? f : { ...f, reason, reason_ja: reason_ja ?? reason };

/** Findings in the JSON contract's shape (e.g. the lines of findings.jsonl.gz), or undefined when they do not fit it. */
export function parseFindings(raw: unknown): Finding[] | undefined {
  const parsed = assessmentContractSchema.shape.findings.safeParse(raw);
  return parsed.success ? parsed.data.map(findingOf) : undefined;
}

export function parseAssessmentJson(file: string, json: string): Assessment {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new InputError(file, '', `not JSON (${errorMessage(error)}); ${EXPECTED_INPUT}`);
  }
  const parsed = assessmentContractSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(file, formatPath(issue?.path ?? []), `${issue?.message ?? 'invalid'}; ${EXPECTED_INPUT}`);
  }
  const value = parsed.data;
  const seen = new Set<string>();
  value.requirements.forEach((r, i) => {
    if (seen.has(r.id)) throw new InputError(file, `requirements[${i}].id`, `duplicate requirement id "${r.id}"`);
    seen.add(r.id);
  });
  return {
    catalog: value.catalog,
    generatedAt: value.generatedAt,
    summary: value.summary,
    requirements: value.requirements.map(({ attestation, reason_ja, ...rest }) => {
      const r = { ...rest, reason_ja: reason_ja ?? rest.reason };
      return attestation ? { ...r, attestation: { ...attestation, catalog: value.catalog.id, requirement: r.id, statement: attestation.statement ?? '' } } : r;
    }),
    findings: value.findings.map(findingOf),
    tallies: [],
    coverage: value.coverage,
    exceptions: value.exceptions ?? [],
  };
}

export interface ReportSource {
  readonly assessment: Assessment;
  readonly snapshot?: SnapshotInfo;
}

export interface LoadOptions {
  /** Checks the snapshot's signature (the evidence module's verifier); without it: `not_verified`. */
  readonly verifySignature?: (dir: string) => SignatureStatus;
}

/** The text of a report input (gunzipped when it ends in .gz); `read` when the caller already has the bytes. */
export function readInput(file: string, read?: Buffer): string {
  let bytes: Buffer;
  try {
    bytes = read ?? readFileSync(file);
  } catch (error) {
    throw new InputError(file, '', `cannot read file: ${errorMessage(error)}`);
  }
  if (file.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new InputError(file, '', `not gzip (${errorMessage(error)}); ${EXPECTED_INPUT}`);
    }
  }
  return bytes.toString('utf8');
}

/** Loads a report input: a JSON-contract file, or a snapshot directory with assessment.json. */
export function loadReportSource(path: string, options: LoadOptions = {}): ReportSource {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new InputError(path, '', `no such file or directory; ${EXPECTED_INPUT}`);
  }
  if (!isDirectory) return { assessment: parseAssessmentJson(path, readInput(path)) };
  const name = SNAPSHOT_ASSESSMENT_FILES.find((n) => existsSync(join(path, n)));
  if (!name) throw new InputError(path, '', `directory has no ${SNAPSHOT_ASSESSMENT_FILES.join(' or ')}; ${EXPECTED_INPUT}`);
  const file = join(path, name);
  const assessment = parseAssessmentJson(file, readInput(file));
  const manifest = join(path, SNAPSHOT_MANIFEST_FILE);
  let manifestDigest: string | undefined;
  if (existsSync(manifest)) {
    try {
      manifestDigest = `sha256:${createHash('sha256').update(readFileSync(manifest)).digest('hex')}`;
    } catch (error) {
      throw new InputError(manifest, '', `cannot read file: ${errorMessage(error)}`);
    }
  }
  const signature: SignatureStatus = options.verifySignature
    ? options.verifySignature(path)
    : { state: 'not_verified', detail: `check with: kansa verify ${path}` };
  return { assessment, snapshot: { dir: path, ...(manifestDigest === undefined ? {} : { manifestDigest }), signature } };
}
