/**
 * The CSV report: one row per requirement × control × resource; a requirement without controls, and
 * a control without findings, still get one row. UTF-8 with a byte-order mark (Excel in Japan reads
 * BOM-less CSV as Shift_JIS), RFC 4180 quoting and CRLF line ends.
 */
import type { Finding } from '../evaluate/assessment.js';
import { CSV_COLUMNS, LABELS, type CsvColumn } from './i18n.js';
import { categoryViews, type ControlEvidence, type ReportInput, type ReportOptions, type RequirementView } from './model.js';

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

type Row = Readonly<Record<CsvColumn, string>>;

function rowsOf(view: RequirementView, input: ReportInput, lang: ReportOptions['lang']): Row[] {
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
    requirement_reason: result.reason,
    attestation_owner: a?.owner ?? '',
    attestation_evidence: a?.evidence ?? '',
    attestation_attested: a?.attested ?? '',
    attestation_expires: a?.expires ?? '',
    attestation_state: a?.state ?? '',
    catalog: `${input.assessment.catalog.id} ${input.assessment.catalog.version}`,
    generated_at: input.assessment.generatedAt,
  };
  const empty = { control_id: '', control_title: '', severity: '' };
  const noFinding = { provider: '', account: '', region: '', resource_type: '', resource_id: '', scope: '', finding_status: '', observed: '' };
  if (view.controls.length === 0) return [{ ...base, ...empty, ...noFinding }];
  return view.controls.flatMap((evidence: ControlEvidence): Row[] => {
    const c = evidence.control;
    const control = {
      control_id: evidence.id,
      control_title: c ? (lang === 'en' ? c.titleEn : c.titleJa) : '',
      severity: c?.severity ?? evidence.findings[0]?.severity ?? '',
    };
    if (evidence.findings.length === 0) return [{ ...base, ...control, ...noFinding }];
    return evidence.findings.map((f: Finding) => ({
      ...base,
      ...control,
      provider: f.provider,
      account: f.account,
      region: f.region,
      resource_type: f.resourceType,
      resource_id: f.resourceId,
      scope: f.scope,
      finding_status: f.status,
      observed: f.reason ?? '',
    }));
  });
}

export function renderCsvReport(input: ReportInput, options: ReportOptions): string {
  const header = LABELS[options.lang].csvHeader;
  const lines = [CSV_COLUMNS.map((column) => csvField(header[column])).join(',')];
  for (const category of categoryViews(input)) {
    for (const view of category.requirements) {
      for (const row of rowsOf(view, input, options.lang)) lines.push(CSV_COLUMNS.map((column) => csvField(row[column])).join(','));
    }
  }
  return UTF8_BOM + lines.join(CRLF) + CRLF;
}
