/** `kansa report`: audit reports (HTML, CSV, OSCAL) of an assessment or evidence snapshot, and the OSCAL catalog. */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { Option } from 'commander';
import { EXIT_NONCOMPLIANT, InputError, errorMessage } from '../../errors.js';
import { EvidenceIntegrityError } from '../../evidence/read.js';
import { loadSnapshotReportSource } from '../../evidence/report-source.js';
import { loadPublicKey } from '../../evidence/signing.js';
import { REPORT_FORMATS, type ReportFormat } from '../../reports/formats.js';
import { loadReportSource, type ReportSource } from '../../reports/input.js';
import { REPORT_LANGUAGES, assessmentCatalogMismatch, type ReportLanguage } from '../../reports/model.js';
import { renderOscalCatalog } from '../../reports/oscal.js';
import { VERSION } from '../../paths.js';
import { isDirectory } from '../load.js';
import { loadMappings } from '../../mappings/load.js';
import type { CommandGroup } from '../command.js';

interface ReportCliOptions {
  format?: ReportFormat;
  lang: ReportLanguage;
  out?: string;
  catalogOscal?: boolean;
  catalog?: string;
  controls?: string[];
  publicKey?: string;
  allowUnverified?: boolean;
}

/** Writes next to the target and renames, so a reader never sees half a report. */
function writeOut(file: string, content: string): void {
  const temporary = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new InputError(file, '', `cannot write the report: ${errorMessage(error)}`);
  }
}

export const reportCommands: CommandGroup = (program, { io, setExitCode }) => {
  program
    .command('report')
    .description('write an audit report of an assessment or evidence snapshot (HTML, CSV or OSCAL), or export the catalog as OSCAL')
    .argument('[input]', 'JSON written by `kansa evaluate|scan --output json`, or a snapshot directory containing assessment.json')
    .addOption(new Option('--format <format>', 'report format').choices(Object.keys(REPORT_FORMATS)))
    .addOption(new Option('--lang <lang>', 'language of the report: headings, reasons, remediation, rationale, exception justifications').choices(REPORT_LANGUAGES).default('ja'))
    .option('--out <file>', 'write the report to this file (default: stdout)')
    .option('--catalog-oscal', 'export the requirement catalog as an OSCAL catalog (no INPUT)')
    .option('--catalog <file>', 'requirement catalog file (default: the bundled 66-item catalog)')
    .option('--controls <path...>', 'extra control files or directories, added to the bundled controls')
    .option('--public-key <file>', 'snapshot directories: require the manifest to be signed by this Ed25519 public key (PEM)')
    .option('--allow-unverified', 'snapshot directories: write the report even when the evidence does not verify (marked as such; exit 0)')
    .action(async (input: string | undefined, options: ReportCliOptions) => {
      const emit = (content: string): void => (options.out === undefined ? io.stdout(content) : writeOut(options.out, content));
      if (options.catalogOscal) {
        if (input !== undefined || options.format !== undefined) throw new InputError('kansa report', '--catalog-oscal', 'takes neither INPUT nor --format');
        const { catalog, controls } = loadMappings(options);
        emit(renderOscalCatalog(catalog, controls, { lastModified: io.now().toISOString() }));
        return;
      }
      if (input === undefined) throw new InputError('kansa report', 'INPUT', `missing: ${'expected a JSON file from `kansa evaluate|scan --output json` or a snapshot directory (or --catalog-oscal)'}`);
      if (options.format === undefined) throw new InputError('kansa report', '--format', `missing: expected one of ${Object.keys(REPORT_FORMATS).join(', ')}`);
      let source: ReportSource;
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
        if (options.publicKey !== undefined) throw new InputError('kansa report', '--public-key', 'applies to snapshot directories only (INPUT is a file)');
        source = loadReportSource(input);
      }
      const { catalog, controls } = loadMappings(options);
      const problems = assessmentCatalogMismatch(source.assessment, catalog);
      if (problems.length > 0) throw new InputError(input, 'requirements', problems.join('; '));
      if (source.assessment.catalog.version !== catalog.version) {
        io.stderr(`kansa: warning: ${input} was assessed against ${catalog.id} ${source.assessment.catalog.version}; reporting with catalog ${catalog.version}\n`);
      }
      const report = REPORT_FORMATS[options.format](
        { assessment: source.assessment, catalog, controls, ...(source.snapshot ? { snapshot: source.snapshot } : {}) },
        { lang: options.lang, toolVersion: VERSION },
      );
      emit(report);
    });
};
