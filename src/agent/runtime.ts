/**
 * Wires configuration, metrics and the endpoint together in the HTTP thread; the engine (collectors,
 * evaluation, scheduler, evidence) runs in a worker thread (engine.ts) and posts its status here.
 */
import type { AgentConfig } from '../config/schema.js';
import { parseListen } from '../config/load.js';
import { loadMappings, type Mappings } from '../mappings/load.js';
import { startEndpoint } from '../http/server.js';
import { boardLanguage, renderBoard } from '../http/board.js';
import { WebSecurity } from '../http/web-security.js';
import type { SandboxClients } from '../../collectors/sandbox.js';
import { registerShardMetrics, resolveShard, shardConfig } from './sharding.js';
import type { Logger } from '../log.js';
import { createRegistry, registerAgentMetrics, registerEvidenceMetrics, registerReloadMetrics } from '../metrics/metrics.js';
import { loadAttestations } from '../mappings/attestations.js';
import { loadExceptions } from '../mappings/exceptions.js';
import { errorMessage, InputError, InputErrorCollector, inputErrorLines } from '../errors.js';
import { VERSION } from '../paths.js';
import { startEngine } from './engine.js';
import { longestGapSeconds } from './scheduler.js';
import type { EngineStatus } from '../contract/status.js';
import type { EvidenceMetrics } from '../evidence/service.js';
import { AgentMirror } from './status.js';

export interface RunningAgent {
  /** The engine's latest status as the endpoint serves it. */
  readonly status: EngineStatus;
  /** What /readyz answers: the first assessment is done and the engine is alive. */
  readonly ready: boolean;
  readonly url: string;
  /** Where the endpoint listens, as bound (`0.0.0.0:9731` when every interface). */
  readonly boundAddress: string;
  /**
   * Re-reads the attestations file (SIGHUP). A file that does not load leaves the attestations in force
   * unchanged: the error is logged and kansa_attestations_last_reload_successful turns 0.
   */
  readonly reloadAttestations: () => { ok: true; attestations: number } | { ok: false; error: string };
  readonly stop: () => Promise<void>;
}

export async function startAgent(options: {
  config: AgentConfig;
  /** The configuration's mappings when the caller has loaded them already (the engine loads its own). */
  mappings?: Mappings;
  /** The embedded sandbox's endpoints, when collecting from it. */
  sandbox?: SandboxClients;
  logger: Logger;
  listen?: string;
  runAtStart?: boolean;
  /** exporter-toolkit web configuration (TLS, basic auth); overrides config.web.configFile. */
  webConfigFile?: string;
  /** For sharding.index "auto" (default: the HOSTNAME environment variable). */
  hostname?: string;
  /** The engine worker died after start-up; the caller should exit so a supervisor restarts the agent. */
  onEngineFailure?: (error: Error) => void;
  /** The engine's environment, e.g. for the default credential chains (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Called after each evidence snapshot is written, with its sequence number (the sandbox demo's cue). */
  onSnapshot?: (sequence: number) => void;
}): Promise<RunningAgent> {
  const { logger } = options;
  // Start-up checks first: a bad web configuration, shard, mapping or key is an InputError before anything listens.
  const webConfigFile = options.webConfigFile ?? options.config.web?.configFile;
  const web = webConfigFile
    ? WebSecurity.fromFile(webConfigFile, { onError: (error) => logger.error({ error }, 'web configuration'), onReload: (c) => logger.info({ file: c.file }, 'web configuration reloaded') })
    : undefined;
  const shard = options.config.sharding ? resolveShard(options.config.sharding, options.hostname ?? process.env['HOSTNAME']) : undefined;
  const config = shard ? shardConfig(options.config, shard) : options.config;
  if (shard) logger.info({ shard: shard.index, replicas: shard.replicas }, 'serving one shard of the scopes');
  const mappings = options.mappings ?? loadMappings({ catalog: config.catalog, controls: config.controls, attestations: config.attestations, exceptions: config.exceptions });
  // Parsed before the engine starts: a bad address must not leave a worker running (the process would hang).
  const listen = parseListen(options.listen ?? config.listen);
  const mirror = new AgentMirror(mappings, new Set(config.disabledControls));
  const { registry, fixedRegistry, apiCalls } = createRegistry();
  if (shard) registerShardMetrics(registry, shard);
  // The catalog and the enabled controls are loaded once: their descriptions are rendered at the first scrape only.
  registerAgentMetrics(registry, mirror, { version: VERSION }, fixedRegistry);
  const reloads = registerReloadMetrics(registry, new Date());
  const engine = await startEngine(
    { config, ...(options.sandbox ? { sandbox: options.sandbox } : {}), runAtStart: options.runAtStart ?? true, logLevel: logger.level, version: VERSION },
    {
      logger,
      onStatus: (status) => (mirror.status = status),
      onApiCalls: (counts) => {
        for (const [provider, operation, code, count] of counts) apiCalls.inc({ provider, operation, code }, count);
      },
      ...(config.evidence ? { evidenceMetrics: withSnapshotCallback(registerEvidenceMetrics(registry, { intervalSeconds: longestGapSeconds(config.evidence.schedule) }), options.onSnapshot) } : {}),
      onFailure: (error) => {
        mirror.engineFailed = true;
        logger.fatal({ error: error.message, stack: error.stack }, 'the collection engine stopped: no further scans');
        options.onEngineFailure?.(error);
      },
    },
    options.env ? { env: options.env } : {},
  );
  const endpoint = await startEndpoint({
    ...listen,
    registry,
    fixedRegistry,
    ready: () => mirror.ready,
    metricsVersion: () => mirror.version,
    onError: (error) => logger.error({ error }, 'metrics collection failed'),
    onWarning: (message) => logger.warn({ error: message }, 'endpoint'),
    board: (query) => renderBoard(mirror, boardLanguage(query)),
    ...(web ? { web } : {}),
  }).catch(async (error: unknown) => {
    await engine.stop();
    throw error;
  });
  engine.start();
  logger.info({ url: endpoint.url, board: `${endpoint.url}/`, metrics: `${endpoint.url}/metrics`, address: endpoint.boundAddress, controls: mirror.controls.length }, 'kansa agent listening');
  // The reviewed files — attestations and exceptions — are reloaded together: both load, or neither changes.
  const reloadAttestations = (): { ok: true; attestations: number; exceptions: number } | { ok: false; error: string } => {
    const file = config.attestations;
    try {
      // Both files are read whatever the first one holds, so a reload reports the problems of both.
      const problems = new InputErrorCollector();
      const attestations = file ? problems.attempt(() => loadAttestations(file, [mappings.catalog], mappings.catalog.id)) : [];
      const exceptions = config.exceptions ? problems.attempt(() => loadExceptions(config.exceptions!, mappings.controls)) : [];
      problems.throwIfAny();
      if (!attestations || !exceptions) throw new Error('reload: a file failed without an error');
      mirror.replaceReviewed(attestations, exceptions);
      engine.replaceReviewed(attestations, exceptions);
      reloads.succeeded(new Date());
      logger.info(
        { event: 'attestations_reloaded', file: file ?? null, attestations: attestations.length, exceptionsFile: config.exceptions ?? null, exceptions: exceptions.length },
        'attestations and exceptions reloaded',
      );
      return { ok: true, attestations: attestations.length, exceptions: exceptions.length };
    } catch (error) {
      reloads.failed();
      mirror.version++; // the reload metrics changed: a cached /metrics must not hide it
      const message = errorMessage(error);
      // Every problem of both files, one entry each (capped like the CLI's): fixed in one go, not one per SIGHUP.
      const errors = error instanceof InputError ? inputErrorLines(error) : [message];
      logger.error({ event: 'attestations_reload_failed', file, exceptionsFile: config.exceptions ?? null, error: message, errors }, 'attestations and exceptions not reloaded: the previous ones stay in force');
      return { ok: false, error: message };
    }
  };
  return {
    get status() {
      return mirror.status;
    },
    get ready() {
      return mirror.ready;
    },
    url: endpoint.url,
    boundAddress: endpoint.boundAddress,
    reloadAttestations,
    stop: async () => {
      await engine.stop();
      await endpoint.close();
      await web?.close();
    },
  };
}

function withSnapshotCallback(metrics: EvidenceMetrics, onSnapshot: ((sequence: number) => void) | undefined): EvidenceMetrics {
  if (!onSnapshot) return metrics;
  return {
    ...metrics,
    lastSnapshot: (at, sequence) => {
      metrics.lastSnapshot(at, sequence);
      onSnapshot(sequence);
    },
  };
}
