/**
 * The CSV report: one row per requirement × control × resource; a requirement without controls, and
 * a control without findings, still get one row. UTF-8 with a byte-order mark (Excel in Japan reads
 * BOM-less CSV as Shift_JIS), RFC 4180 quoting and CRLF line ends.
 *
 * Text kansa wrote (requirement and finding reasons, remediation, exception justifications) is in the
 * report language, and so are the values of the status columns (requirement and finding status,
 * automation, severity, scope, exception and attestation state): in Japanese the report's terms (適合,
 * 不適合, 判定不能, 未評価, …), in English the stable codes of the JSON contract, metrics and dashboard
 * (`pass`, `fail`, `noncompliant`, `not_assessed`, …), which scripts filter on.
 */
import type { ExceptionResult, Finding } from '../evaluate/assessment.js';
import { CSV_COLUMNS, LABELS, type CsvColumn } from './i18n.js';
import {
  categoryViews,
  controlTitle,
  exceptionsById,
  findingObserved,
  requirementReason,
  type ControlEvidence,
  type ReportInput,
  type ReportOptions,
  type RequirementView,
} from './model.js';

export const UTF8_BOM = '\uFEFF';
const CRLF = '\r\n';

/**
 * Spreadsheets run cells starting with these as formulas ("CSV injection"); resource names and
 * reasons come from the audited estate, so such cells get a leading apostrophe (OWASP's advice).
 * Plain numbers such as "-1" are left alone.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^[+-]?\d+(\.\d+)?$/;

export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) && !NUMBER.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * Identifier columns (account ids such as 012345678901 or 111111111111, GCP project numbers,
 * requirement ids such as "2-6") hold text that merely looks like a number, a date or a time. Excel
 * opening a CSV by double-click ignores quoting and converts such fields: 111111111111 shows as
 * 1.11111E+11, 012345678901 loses its 0, "2-6" becomes 6 February. A leading apostrophe is no help
 * (Excel and LibreOffice both show it as part of the text of a CSV field), nor is quoting alone.
 *
 * Such identifiers are written as the formula ="111111111111" (RFC 4180-quoted: "=""111111111111""").
 * Excel evaluates it to the text 111111111111, and so does LibreOffice Calc when it evaluates formulas
 * on import; where it does not, it shows the literal ="111111111111", every digit still there. The
 * formula is a string literal of a value restricted to digits and number/date punctuation (no quote,
 * no letter but e/E), so it cannot carry an injected formula. Identifiers that cannot be mistaken for
 * numbers (sg-0abc…, ARNs) are written as they are. Scripts reading the CSV strip the ="…" wrapper
 * (`spreadsheetTextValue`); the JSON and OSCAL reports carry the plain values.
 */
const IDENTIFIER_COLUMNS: ReadonlySet<CsvColumn> = new Set<CsvColumn>(['requirement_id', 'category_id', 'control_id', 'account', 'region', 'resource_id', 'exception_id']);

/** What Excel or LibreOffice would read as a number, a date or a time rather than text. */
const NUMBER_LIKE = /^[+-]?[0-9][0-9eE+\-.,:/ ]*$/;

export function csvTextField(value: string): string {
  // Built here, not by csvField: its formula defence would prefix the apostrophe this field must not have.
  return NUMBER_LIKE.test(value) ? `"=""${value}"""` : csvField(value);
}

/** The identifier a `csvTextField` holds, for readers of the CSV (unwraps ="…"). */
export function spreadsheetTextValue(field: string): string {
  const match = /^="([^"]*)"$/.exec(field);
  return match ? match[1]! : field;
}

function csvCell(column: CsvColumn, value: string): string {
  return IDENTIFIER_COLUMNS.has(column) ? csvTextField(value) : csvField(value);
}

type Row = Readonly<Record<CsvColumn, string>>;

/** A status code as the CSV writes it: the Japanese term, or the code itself in English. */
function valueIn(lang: ReportOptions['lang'], code: string | undefined, japanese: Readonly<Record<string, string>>): string {
  if (code === undefined || code === '') return '';
  return lang === 'ja' ? (japanese[code] ?? code) : code;
}

function rowsOf(view: RequirementView, input: ReportInput, lang: ReportOptions['lang'], exceptions: ReadonlyMap<string, ExceptionResult>): Row[] {
  const { requirement: r, result } = view;
  const t = LABELS.ja;
  const v = (code: string | undefined, japanese: Readonly<Record<string, string>>): string => valueIn(lang, code, japanese);
  const a = result.attestation;
  const base = {
    requirement_id: r.id,
    category_id: r.category.id,
    category: lang === 'en' ? r.category.nameEn : r.category.nameJa,
    automation: v(r.automation, t.automationClass),
    requirement_status: v(result.status, t.requirementState),
    title_en: r.titleEn,
    text_ja: r.textJa,
    requirement_reason: requirementReason(result, lang),
    attestation_owner: a?.owner ?? '',
    attestation_evidence: a?.evidence ?? '',
    attestation_statement: a?.statement ?? '',
    attestation_attested: a?.attested ?? '',
    attestation_expires: a?.expires ?? '',
    attestation_state: v(a?.state, t.attestationStates),
    catalog: `${input.assessment.catalog.id} ${input.assessment.catalog.version}`,
    generated_at: input.assessment.generatedAt,
  };
  const empty = { control_id: '', control_title: '', severity: '' };
  const noException = { exception_id: '', exception_justification: '', exception_approved_by: '', exception_expires: '', exception_state: '' };
  const noFinding = { provider: '', account: '', region: '', resource_type: '', resource_id: '', scope: '', finding_status: '', observed: '', remediation: '', ...noException };
  if (view.controls.length === 0) return [{ ...base, ...empty, ...noFinding }];
  return view.controls.flatMap((evidence: ControlEvidence): Row[] => {
    const c = evidence.control;
    const control = {
      control_id: evidence.id,
      control_title: c ? controlTitle(c, lang) : '',
      severity: v(c?.severity ?? evidence.findings[0]?.severity, t.severityName),
    };
    if (evidence.findings.length === 0) return [{ ...base, ...control, ...noFinding }];
    return evidence.findings.map((f: Finding): Row => {
      const e = f.exception === undefined ? undefined : exceptions.get(f.exception);
      return {
        ...base,
        ...control,
        provider: f.provider,
        account: f.account,
        region: f.region,
        resource_type: f.resourceType,
        resource_id: f.resourceId,
        scope: v(f.scope, t.findingScope),
        finding_status: v(f.status, t.findingStatus),
        observed: findingObserved(f, lang) ?? '',
        // With every failing finding; a waived one carries its exception instead.
        remediation: f.status === 'fail' && c ? c.remediation[lang] : '',
        ...noException,
        ...(f.exception === undefined
          ? {}
          : {
              exception_id: f.exception,
              exception_justification: e ? e.justification[lang] : LABELS[lang].exceptionUnknown,
              exception_approved_by: e?.approvedBy ?? '',
              exception_expires: e?.expires ?? '',
              exception_state: v(e?.state, t.exceptionState),
            }),
      };
    });
  });
}

export function renderCsvReport(input: ReportInput, options: ReportOptions): string {
  const header = LABELS[options.lang].csvHeader;
  const lines = [CSV_COLUMNS.map((column) => csvField(header[column])).join(',')];
  const exceptions = exceptionsById(input.assessment);
  for (const category of categoryViews(input)) {
    for (const view of category.requirements) {
      for (const row of rowsOf(view, input, options.lang, exceptions)) lines.push(CSV_COLUMNS.map((column) => csvCell(column, row[column])).join(','));
    }
  }
  return UTF8_BOM + lines.join(CRLF) + CRLF;
}
