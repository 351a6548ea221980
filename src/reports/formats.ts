/** The report formats: one registry, each a pure function of the report input and options. */
import { renderCsvReport } from './csv.js';
import { renderHtmlReport } from './html.js';
import type { ReportInput, ReportOptions } from './model.js';
import { renderOscalAssessmentResults } from './oscal.js';

export type ReportRenderer = (input: ReportInput, options: ReportOptions) => string;

export const REPORT_FORMATS = {
  html: (input, options) => renderHtmlReport(input, options),
  csv: (input, options) => renderCsvReport(input, options),
  oscal: (input, options) => renderOscalAssessmentResults(input, { lang: options.lang, ...(options.toolVersion === undefined ? {} : { toolVersion: options.toolVersion }) }),
} as const satisfies Record<string, ReportRenderer>;

export type ReportFormat = keyof typeof REPORT_FORMATS;
