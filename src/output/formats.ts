/** Output formats of assessments for the CLI: one registry, each a pure function of the Assessment. */
import type { Assessment } from '../evaluate/assessment.js';
import type { Catalog } from '../mappings/catalog.js';

export interface RenderContext {
  readonly catalog: Catalog;
}

export type AssessmentFormatter = (assessment: Assessment, context: RenderContext) => string;

/** The stable JSON contract other tools rely on (see README "JSON output"). */
function renderJson(assessment: Assessment): string {
  return `${JSON.stringify(
    {
      catalog: assessment.catalog,
      generatedAt: assessment.generatedAt,
      summary: assessment.summary,
      requirements: assessment.requirements.map((r) => ({
        id: r.id,
        status: r.status,
        automation: r.automation,
        controls: r.controls,
        category: r.category,
        reason: r.reason,
        ...(r.attestation
          ? { attestation: { owner: r.attestation.owner, evidence: r.attestation.evidence, attested: r.attestation.attested, expires: r.attestation.expires, state: r.attestation.state } }
          : {}),
      })),
      findings: assessment.findings.map((f) => ({
        control: f.control,
        requirements: f.requirements,
        provider: f.provider,
        account: f.account,
        region: f.region,
        resourceType: f.resourceType,
        resourceId: f.resourceId,
        status: f.status,
        ...(f.reason === undefined ? {} : { reason: f.reason }),
        severity: f.severity,
        scope: f.scope,
      })),
      coverage: assessment.coverage,
    },
    null,
    2,
  )}\n`;
}

const STATE_MARK = { compliant: 'OK ', noncompliant: 'NG ', unknown: '?? ', not_assessed: '-- ' } as const;

function renderTable(assessment: Assessment, { catalog }: RenderContext): string {
  const lines: string[] = [];
  const title = new Map(catalog.requirements.map((r) => [r.id, r.titleEn]));
  lines.push(`${catalog.titleJa} / ${catalog.titleEn}  (${assessment.catalog.id} ${assessment.catalog.version}, ${assessment.generatedAt})`);
  const s = assessment.summary;
  lines.push(`compliant ${s.compliant}  noncompliant ${s.noncompliant}  unknown ${s.unknown}  not_assessed ${s.not_assessed}`, '');
  lines.push('     ID     CLASS      STATE          REQUIREMENT / REASON');
  for (const r of assessment.requirements) {
    lines.push(`${STATE_MARK[r.status]}  ${r.id.padEnd(6)} ${r.automation.padEnd(10)} ${r.status.padEnd(14)} ${title.get(r.id) ?? ''}`);
    if (r.status !== 'not_assessed' || r.automation !== 'manual') lines.push(`${' '.repeat(37)}${r.reason}`);
  }
  const problems = assessment.findings.filter((f) => f.status !== 'pass');
  if (problems.length > 0) {
    lines.push('', `Findings that fail or are unknown (${problems.length}):`);
    for (const f of problems.slice(0, 200)) {
      lines.push(`  ${f.status.padEnd(7)} ${f.control}  ${f.account}/${f.region || '-'}  ${f.resourceType} ${f.resourceId}: ${f.reason ?? ''}`);
    }
    if (problems.length > 200) lines.push(`  … ${problems.length - 200} more (use --output json)`);
  }
  return `${lines.join('\n')}\n`;
}

export const ASSESSMENT_FORMATS = {
  json: renderJson,
  table: renderTable,
} as const satisfies Record<string, AssessmentFormatter>;

export type AssessmentFormat = keyof typeof ASSESSMENT_FORMATS;
