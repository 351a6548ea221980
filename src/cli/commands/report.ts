/** `kansa report`: audit reports (HTML, CSV, OSCAL) of an assessment or evidence snapshot, and the OSCAL catalog. */
import { Option } from 'commander';
import { EXIT_NONCOMPLIANT, InputError } from '../../errors.js';
import { EvidenceIntegrityError } from '../../evidence/read.js';
import { loadFileReportSource, loadSnapshotReportSource } from '../../evidence/report-source.js';
import { loadPublicKey } from '../../evidence/signing.js';
import { writeAtomically } from '../write-atomically.js';
import { REPORT_FORMATS, type ReportFormat } from '../../reports/formats.js';
import type { ReportSource } from '../../reports/input.js';
import { REPORT_LANGUAGES, assessmentCatalogMismatch, type FileSourceInfo, type ReportLanguage } from '../../reports/model.js';
import { renderOscalCatalog } from '../../reports/oscal.js';
import { VERSION } from '../../paths.js';
import { isDirectory } from '../load.js';
import { loadMappings } from '../../mappings/load.js';
import type { CommandGroup } from '../command.js';

interface ReportCliOptions {
  format: ReportFormat;
  lang: ReportLanguage;
  out?: string;
  catalogOscal?: boolean;
  catalog?: string;
  controls?: string[];
  publicKey?: string;
  allowUnverified?: boolean;
}

/** Said in both languages: the user's language is not known before --lang is read, and this is a usage error. */
const HTML_TO_TERMINAL =
  'refusing to write an HTML report to the terminal: pass --out FILE (or redirect stdout, or choose --format csv|oscal) / ' +
  'HTML の報告書を端末には出力しません。--out ファイル名 を指定してください（または標準出力をリダイレクトするか、--format csv|oscal を指定）';

export const reportCommands: CommandGroup = (program, { io, setExitCode }) => {
  program
    .command('report')
    .description('write an audit report of an assessment or evidence snapshot (HTML, CSV or OSCAL), or export the catalog as OSCAL')
    .argument('[input]', 'JSON written by `kansa evaluate|scan --output json`, or a snapshot directory containing assessment.json')
    .addOption(new Option('--format <format>', 'report format').choices(Object.keys(REPORT_FORMATS)).default('html'))
    .addOption(new Option('--lang <lang>', 'language of the report: headings, reasons, remediation, rationale, exception justifications').choices(REPORT_LANGUAGES).default('ja'))
    .option('--out <file>', 'write the report to this file and print its path (default: stdout; HTML is never written to a terminal)')
    .option('--catalog-oscal', 'export the requirement catalog as an OSCAL catalog (no INPUT)')
    .option('--catalog <file>', 'requirement catalog file (default: the bundled 66-item catalog)')
    .option('--controls <path...>', 'extra control files or directories, added to the bundled controls')
    .option('--public-key <file>', 'require the snapshot manifest, or the JSON file\'s detached signature (FILE.sig from kansa scan --sign), to be signed by this Ed25519 public key (PEM)')
    .option('--allow-unverified', 'write the report even when the evidence or the JSON file\'s signature does not verify (marked as such; exit 0)')
    .action(async (input: string | undefined, options: ReportCliOptions, command: { getOptionValueSource(key: string): string | undefined }) => {
      const emit = (content: string): void => {
        if (options.out === undefined) return io.stdout(content);
        writeAtomically(options.out, content);
        io.stdout(`${options.out}\n`);
      };
      const formatGiven = command.getOptionValueSource('format') === 'cli';
      if (options.catalogOscal) {
        if (input !== undefined || formatGiven) throw new InputError('kansa report', '--catalog-oscal', 'takes neither INPUT nor --format');
        const { catalog, controls } = loadMappings(options);
        emit(renderOscalCatalog(catalog, controls, { lastModified: io.now().toISOString() }));
        return;
      }
      if (input === undefined) throw new InputError('kansa report', 'INPUT', `missing: ${'expected a JSON file from `kansa evaluate|scan --output json` or a snapshot directory (or --catalog-oscal)'}`);
      if (options.format === 'html' && options.out === undefined && io.stdoutIsTerminal?.() === true) throw new InputError('kansa report', '--out', HTML_TO_TERMINAL);
      let source: ReportSource & { readonly source?: FileSourceInfo };
      if (isDirectory(input)) {
        const publicKey = options.publicKey === undefined ? undefined : loadPublicKey(options.publicKey);
        let loaded;
        try {
          loaded = await loadSnapshotReportSource(input, { ...(publicKey ? { publicKey } : {}), allowUnverified: options.allowUnverified === true });
        } catch (error) {
          if (!(error instanceof EvidenceIntegrityError)) throw error;
          io.stderr(`kansa: ${input}: evidence does not verify: ${error.message}; no report written (run kansa verify)\n`);
          setExitCode(EXIT_NONCOMPLIANT);
          return;
        }
        if ('refused' in loaded) {
          io.stderr(`kansa: ${input}: evidence does not verify: ${loaded.problems.join('; ')}\nkansa: no report written: run kansa verify on the evidence directory, or pass --allow-unverified to write a report marked as built from unverified evidence\n`);
          setExitCode(EXIT_NONCOMPLIANT);
          return;
        }
        if (!loaded.snapshot.verification.ok) io.stderr(`kansa: warning: ${input}: evidence does not verify (${loaded.snapshot.verification.problems.join('; ')}); the report is marked as unverified\n`);
        source = loaded;
      } else {
        const publicKey = options.publicKey === undefined ? undefined : loadPublicKey(options.publicKey);
        const loaded = loadFileReportSource(input, { ...(publicKey ? { publicKey } : {}), allowUnverified: options.allowUnverified === true });
        if ('refused' in loaded) {
          io.stderr(`kansa: ${input}: the signature does not verify: ${loaded.problems.join('; ')}\nkansa: no report written: pass --allow-unverified to write a report marked as built from an unverified file\n`);
          setExitCode(EXIT_NONCOMPLIANT);
          return;
        }
        const signature = loaded.source.signature;
        if (signature.state === 'invalid') io.stderr(`kansa: warning: ${input}: the signature does not verify (${signature.detail}); the report is marked as unverified\n`);
        else if (signature.state === 'unsigned') io.stderr(`kansa: warning: ${input} is not signed (kansa scan --sign KEY writes ${input}.sig); the report is marked as built from an unverified source\n`);
        source = loaded;
      }
      const { catalog, controls } = loadMappings(options);
      const problems = assessmentCatalogMismatch(source.assessment, catalog);
      if (problems.length > 0) throw new InputError(input, 'requirements', problems.join('; '));
      if (source.assessment.catalog.version !== catalog.version) {
        io.stderr(`kansa: warning: ${input} was assessed against ${catalog.id} ${source.assessment.catalog.version}; reporting with catalog ${catalog.version}\n`);
      }
      const report = REPORT_FORMATS[options.format](
        { assessment: source.assessment, catalog, controls, ...(source.snapshot ? { snapshot: source.snapshot } : {}), ...(source.source ? { source: source.source } : {}) },
        { lang: options.lang, toolVersion: VERSION },
      );
      emit(report);
    });
};
