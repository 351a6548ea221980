/**
 * What every report reads: the Assessment, the catalog and controls it was made with, and optionally
 * the evidence snapshot it came from. Reports are pure functions of this input and their options.
 */
import type { Assessment, ExceptionResult, Finding, FindingStatus, RequirementResult } from '../evaluate/assessment.js';
import type { Catalog, Category, Requirement } from '../mappings/catalog.js';
import type { Control } from '../mappings/controls.js';

export const REPORT_LANGUAGES = ['ja', 'en'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

/** What the report can say about the signature of the snapshot manifest. */
export type SignatureStatus =
  /** `pinned`: checked against the key the operator gave (`--public-key`), not only the one the manifest carries. */
  | { readonly state: 'valid'; readonly keyId?: string; readonly pinned?: boolean }
  | { readonly state: 'invalid'; readonly detail: string }
  | { readonly state: 'unsigned' }
  /** The report did not check (run `kansa verify`). */
  | { readonly state: 'not_verified'; readonly detail?: string };

/** One collector's outcome as the snapshot manifest records it. */
export interface CollectorOutcomeInfo {
  readonly provider: string;
  readonly account: string;
  readonly collector: string;
  readonly status: string;
  readonly detail?: string;
}

export interface SnapshotInfo {
  readonly dir: string;
  /** Digest of the manifest file, e.g. `sha256:…`. */
  readonly manifestDigest?: string;
  readonly signature: SignatureStatus;
  readonly collectors?: readonly CollectorOutcomeInfo[];
  /**
   * The snapshot checked against its manifest (every file's sha256, the signature). When `ok` is false
   * the report is built from evidence that does not verify and says so prominently.
   */
  readonly verification?: { readonly ok: boolean; readonly problems: readonly string[]; readonly cause?: UnverifiedCause };
}

/**
 * Why a source does not verify, so the report says what is true: `altered` (a hash or signature does not
 * match: the content may have been changed or damaged) or `unsigned` (nothing is known to be wrong, but
 * no signature vouches for the content).
 */
export type UnverifiedCause = 'altered' | 'unsigned';

/** A report input read from a JSON file (`kansa evaluate|scan --output json`) and its detached signature. */
export interface FileSourceInfo {
  readonly file: string;
  /** `sha256:<hex>` of the file's bytes as read. */
  readonly digest: string;
  readonly signature: FileSignatureStatus;
}

/** The detached signature (`<file>.sig`, written by `kansa scan --sign KEY`) as the report checked it. */
export type FileSignatureStatus =
  /** `pinned`: checked against the key the operator gave (`--public-key`), not only the one the signature carries. */
  | { readonly state: 'valid'; readonly fingerprint: string; readonly pinned: boolean }
  | { readonly state: 'invalid'; readonly detail: string }
  | { readonly state: 'unsigned'; readonly detail?: string };

export interface ReportInput {
  readonly assessment: Assessment;
  readonly catalog: Catalog;
  readonly controls: readonly Control[];
  readonly snapshot?: SnapshotInfo;
  /** Set when the input is a JSON file: its provenance (reports from unsigned or altered files say so). */
  readonly source?: FileSourceInfo;
}

export interface ReportOptions {
  readonly lang: ReportLanguage;
  /** Printed in the report as the producing tool's version. */
  readonly toolVersion?: string;
}

export interface ControlEvidence {
  readonly id: string;
  /** Undefined when the assessment names a control whose definition was not loaded. */
  readonly control?: Control;
  /** Sorted: failing, unknown, then passing; then by account, region, type and id. */
  readonly findings: readonly Finding[];
  readonly counts: Readonly<Record<FindingStatus, number>>;
}

export interface RequirementView {
  readonly requirement: Requirement;
  readonly result: RequirementResult;
  readonly controls: readonly ControlEvidence[];
}

export interface CategoryView {
  readonly category: Category;
  readonly requirements: readonly RequirementView[];
}

const STATUS_ORDER: Readonly<Record<FindingStatus, number>> = { fail: 0, unknown: 1, waived: 2, pass: 3 };

// ---------------------------------------------------------------------------------------------
// The text kansa wrote, in the report's language. Assessments read from older JSON files carry English
// only; input.ts copies it into the Japanese field, so such reports show English rather than nothing.

/** A finding's reason in the report language (undefined when the finding has none, e.g. most passes). */
export function findingReason(finding: Finding, lang: ReportLanguage): string | undefined {
  return lang === 'ja' ? (finding.reason_ja ?? finding.reason) : finding.reason;
}

/**
 * What the report shows a finding observed: its reason (why it fails or is unknown), or for a pass the
 * values of the control's variables that made it pass (`observed`, language-neutral data).
 */
export function findingObserved(finding: Finding, lang: ReportLanguage): string | undefined {
  return findingReason(finding, lang) ?? finding.observed;
}

export function requirementReason(result: RequirementResult, lang: ReportLanguage): string {
  return lang === 'ja' ? result.reason_ja : result.reason;
}

/** A requirement's title: the Japanese item text itself in Japanese, the English title in English. */
export function requirementTitle(requirement: Requirement, lang: ReportLanguage): string {
  return lang === 'ja' ? requirement.textJa : requirement.titleEn;
}

export function controlTitle(control: Control, lang: ReportLanguage): string {
  return lang === 'ja' ? control.titleJa : control.titleEn;
}

/** The exceptions of the assessment by id, for the findings that name one. */
export function exceptionsById(assessment: Assessment): ReadonlyMap<string, ExceptionResult> {
  return new Map(assessment.exceptions.map((e) => [e.id, e]));
}

/** Code-unit order, not locale order: the same input sorts the same on every machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    compareText(a.provider, b.provider) ||
    compareText(a.account, b.account) ||
    compareText(a.region, b.region) ||
    compareText(a.resourceType, b.resourceType) ||
    compareText(a.resourceId, b.resourceId)
  );
}

/**
 * The catalog in its own order, each requirement joined with its result and the findings of the
 * controls that evidence it. Throws when the assessment lacks a catalog item: callers check that
 * the assessment belongs to the catalog at the boundary (see `checkAssessmentMatchesCatalog`).
 */
export function categoryViews(input: ReportInput): CategoryView[] {
  const results = new Map(input.assessment.requirements.map((r) => [r.id, r]));
  const controls = new Map(input.controls.map((c) => [c.id, c]));
  const byControl = new Map<string, Finding[]>();
  for (const finding of input.assessment.findings) {
    const list = byControl.get(finding.control);
    if (list) list.push(finding);
    else byControl.set(finding.control, [finding]);
  }
  for (const list of byControl.values()) list.sort(compareFindings);
  const views = input.catalog.requirements.map((requirement): RequirementView => {
    const result = results.get(requirement.id);
    if (!result) throw new Error(`assessment has no result for requirement ${requirement.id} of catalog ${input.catalog.id}`);
    return {
      requirement,
      result,
      controls: result.controls.map((id): ControlEvidence => {
        const findings = (byControl.get(id) ?? []).filter((f) => f.requirements.includes(requirement.id));
        const counts = { pass: 0, fail: 0, unknown: 0, waived: 0 };
        for (const f of findings) counts[f.status]++;
        const control = controls.get(id);
        return control ? { id, control, findings, counts } : { id, findings, counts };
      }),
    };
  });
  return input.catalog.categories.map((category) => ({ category, requirements: views.filter((v) => v.requirement.category.id === category.id) }));
}

/** Why the report must not be relied on without more checks, or undefined when its source verified. */
export function unverifiedSource(input: Pick<ReportInput, 'snapshot' | 'source'>): { readonly cause: UnverifiedCause; readonly problems: readonly string[] } | undefined {
  const v = input.snapshot?.verification;
  if (v && !v.ok) return { cause: v.cause ?? 'altered', problems: v.problems };
  const signature = input.source?.signature;
  if (!signature || signature.state === 'valid') return undefined;
  if (signature.state === 'invalid') return { cause: 'altered', problems: [signature.detail] };
  return { cause: 'unsigned', problems: signature.detail === undefined ? [] : [signature.detail] };
}

/** Problems that make an assessment unreportable against a catalog, as messages; empty when it fits. */
export function assessmentCatalogMismatch(assessment: Assessment, catalog: Catalog): string[] {
  const problems: string[] = [];
  if (assessment.catalog.id !== catalog.id) {
    problems.push(`the assessment is for catalog "${assessment.catalog.id}" but the loaded catalog is "${catalog.id}" (use --catalog)`);
    return problems;
  }
  const assessed = new Set(assessment.requirements.map((r) => r.id));
  const known = new Set(catalog.requirements.map((r) => r.id));
  const missing = catalog.requirements.filter((r) => !assessed.has(r.id)).map((r) => r.id);
  const extra = assessment.requirements.filter((r) => !known.has(r.id)).map((r) => r.id);
  if (missing.length > 0) problems.push(`requirements missing from the assessment: ${missing.join(', ')}`);
  if (extra.length > 0) problems.push(`requirements not in catalog ${catalog.id} ${catalog.version}: ${extra.join(', ')}`);
  return problems;
}
