/**
 * The CSV report: one row per requirement × control × resource; a requirement without controls, and
 * a control without findings, still get one row. UTF-8 with a byte-order mark (Excel in Japan reads
 * BOM-less CSV as Shift_JIS), RFC 4180 quoting and CRLF line ends.
 *
 * Text kansa wrote (requirement and finding reasons, remediation, exception justifications) is in the
 * report language; status columns hold the stable codes (`pass`, `fail`, `unknown`, `waived`;
 * `compliant`, …) so that filters and scripts work whatever the language.
 */
import type { ExceptionResult, Finding } from '../evaluate/assessment.js';
import { CSV_COLUMNS, LABELS, type CsvColumn } from './i18n.js';
import {
  categoryViews,
  controlTitle,
  exceptionsById,
  findingReason,
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
 * Identifier columns (account ids such as 012345678901 or 111111111111, requirement ids such as "2-6",
 * resource ids) hold text that merely looks like a number or a date.
 *
 * The value itself is written unchanged — an RFC 4180 reader (and an auditor's script) gets exactly
 * the identifier — and every non-empty identifier field is double-quoted, which is how CSV marks a
 * field as text for the importers that honour it (LibreOffice's "Format quoted field as text",
 * Python's csv.QUOTE_NONNUMERIC). The Excel-only tricks were rejected because they change the value
 * every other reader sees: `="0123"` is a formula (exactly what the formula defence above refuses), a
 * leading tab or apostrophe becomes part of the id. Excel opening the file by double-click ignores
 * quoting and would show 111111111111 as 1.11111E+11, drop the 0 of 012345678901 and read "2-6" as a
 * date; open it with Data > From Text/CSV and "Do not detect data types" (or set these columns to
 * Text), or turn off File > Options > Data > "Automatic data conversion" (Microsoft 365).
 */
const IDENTIFIER_COLUMNS: ReadonlySet<CsvColumn> = new Set<CsvColumn>(['requirement_id', 'category_id', 'control_id', 'account', 'region', 'resource_id', 'exception_id']);

export function csvTextField(value: string): string {
  if (value === '') return '';
  const field = csvField(value);
  return field.startsWith('"') ? field : `"${field}"`;
}

function csvCell(column: CsvColumn, value: string): string {
  return IDENTIFIER_COLUMNS.has(column) ? csvTextField(value) : csvField(value);
}

type Row = Readonly<Record<CsvColumn, string>>;

function rowsOf(view: RequirementView, input: ReportInput, lang: ReportOptions['lang'], exceptions: ReadonlyMap<string, ExceptionResult>): Row[] {
  const { requirement: r, result } = view;
  const a = result.attestation;
  const base = {
    requirement_id: r.id,
    category_id: r.category.id,
    category: lang === 'en' ? r.category.nameEn : r.category.nameJa,
    automation: r.automation,
    requirement_status: result.status,
    title_en: r.titleEn,
    text_ja: r.textJa,
    requirement_reason: requirementReason(result, lang),
    attestation_owner: a?.owner ?? '',
    attestation_evidence: a?.evidence ?? '',
    attestation_statement: a?.statement ?? '',
    attestation_attested: a?.attested ?? '',
    attestation_expires: a?.expires ?? '',
    attestation_state: a?.state ?? '',
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
      severity: c?.severity ?? evidence.findings[0]?.severity ?? '',
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
        scope: f.scope,
        finding_status: f.status,
        observed: findingReason(f, lang) ?? '',
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
              exception_state: e?.state ?? '',
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
