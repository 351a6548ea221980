/** The `kansa` command line. Every command returns an exit code; only main() touches process streams. */
import { setMaxListeners } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { z } from 'zod';
import { InputError, InputErrorCollector, inputErrorLines, EXIT_INTERNAL, EXIT_NONCOMPLIANT, EXIT_OK, EXIT_USAGE, errorMessage } from '../errors.js';
import { Evaluation } from '../evaluate/evaluate.js';
import { INPUT_FORMATS, type InputFormat } from '../inputs/aws-config-file.js';
import { streamInputFiles } from '../inputs/detect.js';
import { attestationsFileSchema, catalogFileSchema, controlsFileSchema, exceptionsFileSchema, registerFileSchema } from '../mappings/schemas.js';
import { exceptionWarnings, warnAboutExceptions } from './exceptions.js';
import { inputCoverageLines } from './input-coverage.js';
import { LANGUAGES, type Language } from '../model/text.js';
import { ASSESSMENT_FORMATS, type AssessmentFormat } from '../output/formats.js';
import { VERSION } from '../paths.js';
import { checkDisabledControls, requireCollectors } from './load.js';
import { loadMappings, type Mappings } from '../mappings/load.js';
import { controlsEvidencing } from '../mappings/controls.js';
import { writeAtomically } from './write-atomically.js';
import { defaultConfig, loadConfig } from '../config/load.js';
import { configSchema, type AgentConfig } from '../config/schema.js';
import { createLogger, logsArePretty } from '../log.js';
import { startAgent } from '../agent/runtime.js';
import { EngineStartError } from '../agent/engine.js';
import { Agent } from '../agent/agent.js';
import { buildCollectors, closeCollectors, type ConfiguredCollector } from '../../collectors/registry.js';
import { awsConfigWarnings } from '../../collectors/aws/config.js';
import { createRegistry } from '../metrics/metrics.js';
import type { SandboxRun } from './sandbox.js';
import { loadWebConfig } from '../http/web-config.js';
import { DETACHED_SIGNATURE_SUFFIX, loadSigner, signDetached, type Signer } from '../evidence/signing.js';
import { resolveShard } from '../agent/sharding.js';
import type { Io } from './command.js';
import { COMMAND_GROUPS } from './commands/index.js';
import { applyMemorySettings } from '../agent/memory.js';

// The entry point's own signature names Io: exported here as well as from command.ts.
export type { Io } from './command.js';

/** How long `kansa run` waits, at most, for its last log line to be written before it exits. */
const STOPPED_LOG_FLUSH_MS = 2_000;

const processIo: Io = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  now: () => new Date(),
  stdoutIsTerminal: () => process.stdout.isTTY === true,
  interactive: () => logsArePretty(process.stderr),
};

const SCHEMAS = { catalog: catalogFileSchema, controls: controlsFileSchema, attestations: attestationsFileSchema, exceptions: exceptionsFileSchema, register: registerFileSchema, config: configSchema } as const;

const DEFAULT_SANDBOX_RESOURCES = 2000;
const PROVIDERS = ['aws', 'azure', 'gcp'] as const;

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command('kansa')
    .description('Continuous compliance for the Japanese public-sector cloud procurement checklist (クラウドサービス調達仕様)')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError();

  const mappingOptions = (command: Command): Command =>
    command
      .option('--catalog <file>', 'requirement catalog file (default: the bundled 66-item catalog)')
      .option('--controls <path...>', 'extra control files or directories, added to the bundled controls')
      .option('--attestations <file>', 'attestations for manual and partial requirements (YAML)')
      .option('--exceptions <file>', 'exceptions: per-resource waivers with justification, approver and expiry (YAML)');

  mappingOptions(program.command('catalog').description('list the requirement catalog and the controls that evidence each item'))
    .addOption(new Option('--output <format>', 'output format').choices(['table', 'json']).default('table'))
    .addOption(new Option('--lang <lang>', 'language of the table (JSON carries both)').choices(LANGUAGES).default('en'))
    .action((options: { catalog?: string; controls?: string[]; output: 'table' | 'json'; lang: Language }) => {
      const { catalog, controls } = loadMappings(options);
      const requirements = catalog.requirements.map((r) => {
        const evidencing = controlsEvidencing(catalog, r, controls);
        return {
          id: r.id,
          category: r.category.id,
          automation: r.automation,
          title_en: r.titleEn,
          text_ja: r.textJa,
          controls: evidencing.map((c) => c.id),
          controls_by_provider: Object.fromEntries(PROVIDERS.map((p) => [p, evidencing.filter((c) => c.provider === p).map((c) => c.id)])),
          ...(Object.keys(r.notEvidenced).length > 0 ? { not_evidenced: r.notEvidenced } : {}),
        };
      });
      if (options.output === 'json') {
        io.stdout(`${JSON.stringify({ id: catalog.id, version: catalog.version, requirements }, null, 2)}\n`);
        return;
      }
      io.stdout(`${catalog.titleJa} / ${catalog.titleEn} (${catalog.id} ${catalog.version}): ${requirements.length} requirements\n`);
      for (const category of catalog.categories) {
        io.stdout(`\n${category.id}. ${category.nameJa} / ${category.nameEn}\n`);
        for (const r of requirements.filter((x) => x.category === category.id)) {
          io.stdout(`  ${r.id.padEnd(6)} ${r.automation.padEnd(10)} ${r.title_en}\n         ${r.text_ja}\n`);
          if (r.automation === 'manual') continue;
          for (const p of PROVIDERS) {
            const ids = r.controls_by_provider[p] ?? [];
            const gap = r.not_evidenced?.[p];
            const none = options.lang === 'ja' ? '— コントロールなし（未対応）' : '— NO CONTROL (coverage gap)';
            io.stdout(`         ${p.padEnd(6)} ${ids.length > 0 ? ids.join(', ') : gap ? `— ${gap[options.lang]}` : none}\n`);
          }
        }
      }
    });

  mappingOptions(program.command('evaluate').description('evaluate exported AWS Config, Azure and GCP Cloud Asset data offline with the agent\'s engine'))
    .requiredOption(
      '--input <file...>',
      'exported data, .json or .json.gz (provider detected per file): AWS Config snapshots, arrays or JSON Lines of configuration items; Azure ARM bodies or az graph query output; gcloud asset export/list output',
    )
    .addOption(new Option('--format <format>', 'input format (default: detected)').choices(INPUT_FORMATS))
    .addOption(new Option('--output <format>', 'output format').choices(Object.keys(ASSESSMENT_FORMATS)).default('table'))
    .addOption(new Option('--lang <lang>', 'language of the table (JSON carries both)').choices(LANGUAGES).default('en'))
    .addOption(new Option('--fail-on <state>', 'exit 1 when any requirement is in this state').choices(['noncompliant', 'unknown']))
    .option('--now <timestamp>', 'evaluate as of this time (ISO 8601), e.g. to check attestation expiry ahead')
    .action(
      async (options: {
        input: string[];
        format?: InputFormat;
        output: AssessmentFormat;
        lang: Language;
        failOn?: 'noncompliant' | 'unknown';
        now?: string;
        catalog?: string;
        controls?: string[];
        attestations?: string;
        exceptions?: string;
      }) => {
        const now = options.now === undefined ? io.now() : parseNow(options.now);
        const mappings = loadMappings(options);
        // Streamed: each resource is evaluated as it is read, so memory holds one item, not the inventory.
        const evaluation = new Evaluation(mappings.controls, mappings.catalog, { keptFindings: options.output === 'table' ? 'failing' : 'all', exceptions: { list: mappings.exceptions, now } });
        // What the enabled controls read, per provider: an input that lacks a type leaves a gap, not a verdict.
        const wanted = Object.fromEntries(PROVIDERS.map((p) => [p, Evaluation.typesNeeded(mappings.controls.filter((c) => c.provider === p))]));
        const inventory = await streamInputFiles(options.input, options.format, now, (resource) => evaluation.add(resource), { wanted });
        for (const line of inputCoverageLines(inventory, now)) io.stderr(`${line}\n`);
        const assessment = evaluation.finish(inventory.coverage, mappings.attestations, now);
        warnAboutExceptions(assessment, mappings.exceptions, io.stderr);
        io.stdout(ASSESSMENT_FORMATS[options.output](assessment, { catalog: mappings.catalog, lang: options.lang }));
        if (options.failOn === 'noncompliant' && assessment.summary.noncompliant > 0) exitCode = EXIT_NONCOMPLIANT;
        if (options.failOn === 'unknown' && assessment.summary.noncompliant + assessment.summary.unknown > 0) exitCode = EXIT_NONCOMPLIANT;
      },
    );

  const agentOptions = (command: Command): Command =>
    command
      .option('--config <file>', 'agent configuration (YAML)')
      .option('--sandbox', 'start the embedded sandbox cloud on loopback and collect from it (no account needed)')
      .option('--sandbox-resources <n>', 'size of the sandbox estate', (v) => positiveInt('--sandbox-resources', v), DEFAULT_SANDBOX_RESOURCES)
      .option('--sandbox-enabled-regions <r1,r2>', 'sandbox: the regions AWS region discovery reports (default: the estate\'s)', commaList)
      .option('--sandbox-recorder-off <r1,r2>', 'sandbox: regions without an AWS Config recorder', commaList)
      .option('--sandbox-recorder-excludes <T1,T2>', 'sandbox: resource types every AWS Config recorder excludes', commaList)
      .option('--sandbox-aggregator-failed-sources <ACCOUNT:REGION,…>', 'sandbox: aggregator sources whose last update failed', commaList);

  agentOptions(program.command('run').description('run the agent: scheduled collection, /metrics, /healthz, /readyz'))
    .option('--listen <host:port>', 'listen address (overrides the configuration)')
    .option('--web.config.file <file>', 'TLS and basic-auth settings in the Prometheus exporter-toolkit web.config.yml format (overrides web.configFile)')
    .action(async (options: AgentCliOptions & { listen?: string; 'web.config.file'?: string }) => {
      // `npm start`: the sandbox without a configuration of one's own is the demo (src/cli/demo.ts).
      const prepared = await prepareAgent(options, options.sandbox === true && options.config === undefined ? { dir: mkdtempSync(join(tmpdir(), 'kansa-demo-')), now: io.now() } : undefined);
      const logger = createLogger(prepared.config.log.level);
      if (prepared.sandbox) logger.info({ sandbox: prepared.sandbox.describe }, 'embedded sandbox cloud started');
      const demo = prepared.sandbox?.demo;
      if (demo) logger.info({ dir: demo.dir, attestations: prepared.config.attestations, exceptions: prepared.config.exceptions, evidence: demo.config.evidence?.dir }, 'sandbox demo: attestations, an exception and evidence snapshots every minute (this directory is removed when kansa stops)');
      // Without its engine the agent would serve ever staler metrics: it exits 3 so the supervisor restarts it.
      // A failure can come before the shutdown handlers exist (while the endpoint starts): it is kept until then.
      let engineFailure: Error | undefined;
      let onEngineFailure = (error: Error): void => void (engineFailure = error);
      let running: Awaited<ReturnType<typeof startAgent>>;
      try {
        const webConfigFile = options['web.config.file'];
        // A V8 flag is the whole process's: set only when this command owns it (not when main runs inside another program).
        if (io === processIo) applyMemorySettings(prepared.config.memory);
        running = await startAgent({
          config: prepared.config,
          mappings: prepared.mappings,
          ...(prepared.sandbox ? { sandbox: prepared.sandbox.clients } : {}),
          logger,
          ...(options.listen ? { listen: options.listen } : {}),
          ...(webConfigFile ? { webConfigFile } : {}),
          onEngineFailure: (error) => onEngineFailure(error),
          ...(demo
            ? {
                onSnapshot: () => {
                  const change = demo.change();
                  if (change) logger.info({ change }, 'sandbox estate changed after the first snapshot');
                },
              }
            : {}),
        });
      } catch (error) {
        await prepared.sandbox?.close();
        // Web configuration, sharding, mappings, signing key: already names the file and path. A broken engine is internal.
        if (error instanceof InputError || error instanceof EngineStartError) throw error;
        throw new InputError('--listen', '', `cannot listen: ${errorMessage(error)}`);
      }
      await new Promise<void>((resolve) => {
        let shuttingDown = false;
        // Renewed attestations take effect without a restart (and without losing the collected data).
        const reload = (): void => void running.reloadAttestations();
        const shutdown = (reason: string): void => {
          if (shuttingDown) return;
          shuttingDown = true;
          process.off('SIGHUP', reload);
          logger.info({ reason }, 'shutting down');
          running
            .stop()
            .then(() => prepared.sandbox?.close())
            .then(
              // The pretty logs go through a transport thread: wait until it has written the last line, which a
              // process exiting at once could lose (seen in CI: the agent exited 0 after Ctrl-C without "stopped").
              () =>
                new Promise<void>((written) => {
                  logger.info({}, 'stopped');
                  stopped = true; // presses from here on are ignored, not logged after "stopped"
                  setTimeout(written, STOPPED_LOG_FLUSH_MS).unref();
                  logger.flush(() => written());
                }),
              (error: unknown) => {
                logger.error({ error: errorMessage(error) }, 'shutdown failed');
                exitCode = EXIT_INTERNAL;
              },
            )
            .finally(() => {
              stopped = true;
              resolve();
            });
        };
        // The listeners are never removed: a removed listener gives the signal back to Node's default, which kills the
        // process (exit 130) when a second Ctrl-C arrives, during the shutdown or between 'stopped' and the exit. Signal
        // listeners do not keep the process alive (Node unrefs their handles), so it still exits once everything closed.
        let stopped = false;
        const onSignal = (signal: NodeJS.Signals): void => {
          if (stopped) return;
          if (shuttingDown) logger.warn({ signal }, 'already shutting down: waiting for the scan and the evidence writer to stop');
          else shutdown(signal);
        };
        process.on('SIGTERM', onSignal);
        process.on('SIGINT', onSignal);
        process.on('SIGHUP', reload);
        // JSON logs stay JSON when piped (the `kansa agent listening` record carries the URLs); a person gets what to do
        // next, once Ctrl-C is handled.
        if (io.interactive?.()) io.stderr(nextSteps(running.url, running.boundAddress));
        onEngineFailure = () => {
          exitCode = EXIT_INTERNAL;
          shutdown('engine failure');
        };
        if (engineFailure) onEngineFailure(engineFailure);
      });
    });

  agentOptions(program.command('scan').description('collect and evaluate once; print the same JSON contract as `kansa evaluate`'))
    .addOption(new Option('--output <format>', 'output format').choices(Object.keys(ASSESSMENT_FORMATS)).default('table'))
    .addOption(new Option('--lang <lang>', 'language of the table (JSON carries both)').choices(LANGUAGES).default('en'))
    .addOption(new Option('--fail-on <state>', 'exit 1 when any requirement is in this state').choices(['noncompliant', 'unknown']))
    .option('--out <file>', 'write the output to this file instead of stdout')
    .option('--sign <key>', 'with --output json --out FILE: sign FILE with this Ed25519 private key (PEM, the evidence key format) into FILE.sig, which kansa report checks')
    .action(async (options: AgentCliOptions & { output: AssessmentFormat; lang: Language; failOn?: 'noncompliant' | 'unknown'; out?: string; sign?: string }) => {
      const signer = options.sign === undefined ? undefined : scanSigner(options, (message) => io.stderr(`kansa: warning: ${message}\n`));
      const prepared = await prepareAgent(options, undefined, io.now());
      let configured: ConfiguredCollector[] = [];
      try {
        const logger = createLogger(prepared.config.log.level === 'info' ? 'warn' : prepared.config.log.level);
        configured = await buildCollectors(prepared.config, prepared.sandbox ? (await import('../../collectors/sandbox.js')).sandboxClientOverrides(prepared.sandbox.clients) : {});
        const progress = process.stderr.isTTY ? (name: string, n: number): void => void process.stderr.write(`\r${name}: ${n} resources evaluated`) : undefined;
        const agent = new Agent(prepared.mappings, configured.map((c) => ({ collector: c.collector, staleAfterSeconds: c.staleAfterSeconds })), {
          logger,
          now: io.now,
          apiCalls: createRegistry().apiCalls,
          disabledControls: new Set(prepared.config.disabledControls),
          keptFindings: 'all',
          ...(progress ? { onProgress: progress } : {}),
        });
        const abort = new AbortController();
        setMaxListeners(10_000, abort.signal);
        for (const state of agent.collectors) await agent.runCollector(state, abort.signal);
        if (progress) process.stderr.write('\n');
        const assessment = agent.latest();
        const failedRun = agent.collectors.find((s) => s.lastError !== undefined);
        if (!assessment || failedRun) throw new Error(`scan failed: ${failedRun?.lastError ?? 'no assessment'}`);
        warnAboutExceptions(assessment, prepared.mappings.exceptions, io.stderr);
        const text = ASSESSMENT_FORMATS[options.output](assessment, { catalog: prepared.mappings.catalog, lang: options.lang });
        if (options.out === undefined) io.stdout(text);
        else {
          writeAtomically(options.out, text);
          if (signer) writeAtomically(`${options.out}${DETACHED_SIGNATURE_SUFFIX}`, signDetached(Buffer.from(text, 'utf8'), signer));
          io.stderr(`kansa: wrote ${options.out}${signer ? ` and ${options.out}${DETACHED_SIGNATURE_SUFFIX} (signed by ${signer.fingerprint})` : ''}\n`);
        }
        if (options.failOn === 'noncompliant' && assessment.summary.noncompliant > 0) exitCode = EXIT_NONCOMPLIANT;
        if (options.failOn === 'unknown' && assessment.summary.noncompliant + assessment.summary.unknown > 0) exitCode = EXIT_NONCOMPLIANT;
      } finally {
        await closeCollectors(configured);
        await prepared.sandbox?.close();
      }
    });

  program
    .command('validate')
    .description('validate an agent configuration and everything it references (catalog, controls, attestations, exceptions)')
    .requiredOption('--config <file>', 'agent configuration (YAML)')
    .action(async (options: { config: string }) => {
      const config = loadConfig(options.config);
      // What `run` checks before it collects, each on its own so every error is reported, not the first.
      const errors = new InputErrorCollector();
      const mappings = errors.attempt(() => mappingsFor(config));
      // Broken attestations or exceptions must not hide a typo in disabledControls: the controls are read without them
      // (their own errors are reported already, so a second failure adds nothing).
      const controls = mappings ?? quietly(() => loadMappings({ catalog: config.catalog, controls: config.controls }));
      if (controls) errors.attempt(() => checkDisabledControls(config, controls, options.config));
      const collectors = await errors.attemptAsync(() => buildCollectors(config));
      if (config.web?.configFile !== undefined) errors.attempt(() => loadWebConfig(config.web!.configFile!));
      if (config.evidence) errors.attempt(() => loadSigner(config.evidence!.key, process.env, (message) => io.stderr(`kansa: warning: ${message}\n`)));
      if (config.sharding) errors.attempt(() => resolveShard(config.sharding!, process.env['HOSTNAME']));
      errors.throwIfAny();
      if (!mappings || !collectors) throw new Error('validate: a check failed without an error');
      for (const warning of exceptionWarnings(mappings, config, io.now())) io.stderr(`kansa: warning: ${warning}\n`);
      for (const warning of config.collectors.aws ? awsConfigWarnings(config.collectors.aws) : []) io.stderr(`kansa: warning: ${warning}\n`);
      // What run evaluates: disabled controls are not counted among the controls.
      const disabled = new Set(config.disabledControls);
      const enabled = mappings.controls.filter((c) => !disabled.has(c.id)).length;
      io.stdout(
        `${options.config}: valid — catalog ${mappings.catalog.id} ${mappings.catalog.version} (${mappings.catalog.requirements.length} requirements), ` +
          `${enabled} controls${disabled.size > 0 ? ` (${disabled.size} disabled)` : ''}, ${mappings.attestations.length} attestations, ${mappings.exceptions.length} exceptions, ` +
          `collectors: ${collectors.map((c) => `${c.collector.name} (${c.schedule})`).join(', ') || 'none'}\n`,
      );
    });

  program
    .command('schema')
    .description('print the JSON Schema of a mapping file format, for editors')
    .addArgument(new Command().createArgument('<kind>', 'file kind').choices(Object.keys(SCHEMAS)))
    .action((kind: keyof typeof SCHEMAS) => {
      io.stdout(`${JSON.stringify(z.toJSONSchema(SCHEMAS[kind], { io: 'input' }), null, 2)}\n`);
    });

  for (const register of COMMAND_GROUPS) register(program, { io, setExitCode: (code) => void (exitCode = code) });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof InputError) {
      // Every problem found, one a line (capped): a file is fixed in one go, not one error per run.
      for (const line of inputErrorLines(error)) io.stderr(`kansa: ${line}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`kansa: internal error: ${errorMessage(error)}\n${error instanceof Error ? (error.stack ?? '') : ''}\n`);
    return EXIT_INTERNAL;
  }
}

interface AgentCliOptions {
  config?: string;
  sandbox?: boolean;
  sandboxResources: number;
  sandboxEnabledRegions?: string[];
  sandboxRecorderOff?: string[];
  sandboxRecorderExcludes?: string[];
  sandboxAggregatorFailedSources?: string[];
}

/** The key of `scan --sign`, checked before collecting: a signature sits next to a JSON file, so both are required. */
function scanSigner(options: { output: AssessmentFormat; out?: string; sign?: string }, warn: (message: string) => void): Signer | undefined {
  if (options.sign === undefined) return undefined;
  if (options.output !== 'json') throw new InputError('--sign', '', `signs the JSON contract: add --output json (got --output ${options.output})`);
  if (options.out === undefined) throw new InputError('--sign', '', 'writes a detached signature next to the output file: add --out FILE');
  return loadSigner(options.sign, {}, warn);
}

/** The end of an interactive start-up: where the board is and two queries to try, in both languages. */
export function nextSteps(url: string, boundAddress: string): string {
  return [
    '',
    `kansa: ${boundAddress} で待ち受け中 / listening on ${boundAddress} (停止 / stop: Ctrl-C)`,
    `  適合状況ボード / live board:   ${url}/   (English: ${url}/?lang=en)`,
    `  メトリクス / metrics:          ${url}/metrics`,
    '  PromQL の例 / example queries:',
    '    kansa_requirements                               # 状態別の項目数 / items per state',
    '    kansa_requirement_status{state="noncompliant"} == 1   # 不適合の項目 / non-compliant items',
    '',
  ].join('\n');
}

/** A step whose input errors were reported already by another step: undefined instead. Bugs still throw. */
function quietly<T>(step: () => T): T | undefined {
  try {
    return step();
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
}

function commaList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function mappingsFor(config: AgentConfig): Mappings {
  return loadMappings({ catalog: config.catalog, controls: config.controls, attestations: config.attestations, exceptions: config.exceptions });
}

/** `now`: the command's clock, from which the sandbox dates what it dates (AWS Backup recovery points). */
async function prepareAgent(options: AgentCliOptions, demo?: { dir: string; now: Date }, now: Date = demo?.now ?? new Date()): Promise<{ config: AgentConfig; mappings: Mappings; sandbox?: SandboxRun }> {
  const config = options.config ? loadConfig(options.config) : defaultConfig();
  requireCollectors(config, options.config, options.sandbox === true);
  const mappings = mappingsFor(config);
  checkDisabledControls(config, mappings, options.config);
  if (!options.sandbox) return { config, mappings };
  // The sandbox cloud (its servers and estates) is loaded only when asked for: `kansa run` against real clouds does not carry it.
  const { withSandbox } = await import('./sandbox.js');
  const sandbox = await withSandbox(config, {
    resources: options.sandboxResources,
    now,
    aws: {
      ...(options.sandboxEnabledRegions ? { enabledRegions: options.sandboxEnabledRegions } : {}),
      ...(options.sandboxRecorderOff ? { recorderOff: options.sandboxRecorderOff } : {}),
      ...(options.sandboxRecorderExcludes ? { recorderExcludes: options.sandboxRecorderExcludes } : {}),
      ...(options.sandboxAggregatorFailedSources ? { aggregatorFailedSources: options.sandboxAggregatorFailedSources } : {}),
    },
    ...(demo ? { demo } : {}),
  });
  // The demo brings its own attestations and exception: the mappings are those the engine loads.
  return { config: sandbox.config, mappings: demo ? mappingsFor(sandbox.config) : mappings, sandbox };
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InputError(flag, '', `expected a positive integer, got "${value}"`);
  return n;
}

function parseNow(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new InputError('--now', '', `expected an ISO 8601 timestamp, got "${text}"`);
  return date;
}
