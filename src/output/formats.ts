/** Output formats of assessments for the CLI: one registry, each a pure function of the Assessment. */
import type { Assessment, Finding } from '../evaluate/assessment.js';
import type { Catalog } from '../mappings/catalog.js';
import type { Language } from '../model/text.js';

export interface RenderContext {
  readonly catalog: Catalog;
  /** Language of the table's words and reasons (JSON always carries both). Default: English. */
  readonly lang?: Language;
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
        reason_ja: r.reason_ja,
        ...(r.counts ? { counts: r.counts } : {}),
        ...(r.attestation
          ? { attestation: { owner: r.attestation.owner, evidence: r.attestation.evidence, attested: r.attestation.attested, expires: r.attestation.expires, state: r.attestation.state, statement: r.attestation.statement } }
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
        ...(f.reason === undefined ? {} : { reason: f.reason, reason_ja: f.reason_ja ?? f.reason }),
        // Added with observed values (#15): a passing finding's variable values; older readers ignore it.
        ...(f.observed === undefined ? {} : { observed: f.observed }),
        severity: f.severity,
        scope: f.scope,
        ...(f.exception === undefined ? {} : { exception: f.exception }),
      })),
      coverage: assessment.coverage,
      exceptions: assessment.exceptions,
    },
    null,
    2,
  )}\n`;
}

const STATE_MARK = { compliant: 'OK ', noncompliant: 'NG ', unknown: '?? ', not_assessed: '-- ' } as const;

/** The words of the table in each language; the same terms as the reports, dashboard and alerts. */
const TABLE_WORDS = {
  en: {
    requirementState: { compliant: 'compliant', noncompliant: 'noncompliant', unknown: 'unknown', not_assessed: 'not_assessed' },
    findingStatus: { pass: 'pass', fail: 'fail', unknown: 'unknown', waived: 'waived' },
    automation: { automated: 'automated', partial: 'partial', manual: 'manual' },
    header: '     ID     CLASS      STATE          REQUIREMENT / REASON',
    problems: (n: number) => `Findings that fail or are unknown (${n}):`,
    waived: (n: number) => `Failures waived by exceptions (${n}):`,
    more: (n: number) => `  … ${n} more (use --output json)`,
    waivedBy: (id: string) => ` [waived by exception ${id}]`,
  },
  ja: {
    requirementState: { compliant: '適合', noncompliant: '不適合', unknown: '判定不能', not_assessed: '未評価' },
    findingStatus: { pass: '適合', fail: '不適合', unknown: '判定不能', waived: '例外承認' },
    automation: { automated: '自動評価', partial: '自動＋確認書', manual: '確認書' },
    header: '     ID     評価方法   判定           要件 / 理由',
    problems: (n: number) => `不適合・判定不能の検出結果（${n} 件）:`,
    waived: (n: number) => `例外承認された不適合（${n} 件）:`,
    more: (n: number) => `  … ほか ${n} 件（--output json で全件）`,
    waivedBy: (id: string) => ` [例外 ${id} により承認]`,
  },
} as const satisfies Record<Language, unknown>;

/** Columns a terminal gives the text: full-width (CJK) characters take two. */
function displayWidth(text: string): number {
  let columns = 0;
  for (const ch of text) columns += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return columns;
}

function padDisplay(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

function renderTable(assessment: Assessment, { catalog, lang = 'en' }: RenderContext): string {
  const words = TABLE_WORDS[lang];
  const lines: string[] = [];
  const title = new Map(catalog.requirements.map((r) => [r.id, lang === 'ja' ? r.textJa : r.titleEn]));
  lines.push(`${catalog.titleJa} / ${catalog.titleEn}  (${assessment.catalog.id} ${assessment.catalog.version}, ${assessment.generatedAt})`);
  const s = assessment.summary;
  const state = words.requirementState;
  lines.push(`${state.compliant} ${s.compliant}  ${state.noncompliant} ${s.noncompliant}  ${state.unknown} ${s.unknown}  ${state.not_assessed} ${s.not_assessed}`, '');
  lines.push(words.header);
  for (const r of assessment.requirements) {
    lines.push(`${STATE_MARK[r.status]}  ${r.id.padEnd(6)} ${padDisplay(words.automation[r.automation], 10)} ${padDisplay(state[r.status], 14)} ${title.get(r.id) ?? ''}`);
    if (r.status !== 'not_assessed' || r.automation !== 'manual') lines.push(`${' '.repeat(37)}${lang === 'ja' ? r.reason_ja : r.reason}`);
  }
  const statusWidth = Math.max(...Object.values(words.findingStatus).map((w) => displayWidth(w))) + 1;
  const row = (f: Finding): string => {
    const reason = (lang === 'ja' ? f.reason_ja ?? f.reason : f.reason) ?? '';
    const waived = f.exception === undefined ? '' : words.waivedBy(f.exception);
    return `  ${padDisplay(words.findingStatus[f.status], statusWidth)}${f.control}  ${f.account}/${f.region || '-'}  ${f.resourceType} ${f.resourceId}: ${reason}${waived}`;
  };
  const section = (findings: readonly Finding[], heading: string, limit: number): void => {
    if (findings.length === 0) return;
    lines.push('', heading);
    for (const f of findings.slice(0, limit)) lines.push(row(f));
    if (findings.length > limit) lines.push(words.more(findings.length - limit));
  };
  const problems = assessment.findings.filter((f) => f.status === 'fail' || f.status === 'unknown');
  const waived = assessment.findings.filter((f) => f.status === 'waived');
  section(problems, words.problems(problems.length), 200);
  section(waived, words.waived(waived.length), 50);
  return `${lines.join('\n')}\n`;
}

export const ASSESSMENT_FORMATS = {
  json: renderJson,
  table: renderTable,
} as const satisfies Record<string, AssessmentFormatter>;

export type AssessmentFormat = keyof typeof ASSESSMENT_FORMATS;
