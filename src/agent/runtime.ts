/** Wires configuration, mappings, collectors, agent, scheduler, metrics and endpoint together. */
import type { ClientOverrides } from '../../collectors/registry.js';
import { buildCollectors } from '../../collectors/registry.js';
import type { AgentConfig } from '../config/schema.js';
import { parseListen } from '../config/load.js';
import type { Mappings } from '../cli/load.js';
import { startEndpoint } from '../http/server.js';
import { WebSecurity } from '../http/web-security.js';
import { registerShardMetrics, resolveShard, shardConfig } from './sharding.js';
import type { Logger } from '../log.js';
import { createRegistry, registerAgentMetrics, registerEvidenceMetrics } from '../metrics/metrics.js';
import { prepareEvidence } from '../evidence/schedule.js';
import { VERSION } from '../paths.js';
import { Agent } from './agent.js';
import { Scheduler } from './scheduler.js';

export interface RunningAgent {
  readonly agent: Agent;
  readonly url: string;
  readonly stop: () => Promise<void>;
}

export async function startAgent(options: {
  config: AgentConfig;
  mappings: Mappings;
  overrides?: ClientOverrides;
  logger: Logger;
  listen?: string;
  runAtStart?: boolean;
  /** exporter-toolkit web configuration (TLS, basic auth); overrides config.web.configFile. */
  webConfigFile?: string;
  /** For sharding.index "auto" (default: the HOSTNAME environment variable). */
  hostname?: string;
}): Promise<RunningAgent> {
  const { mappings, logger } = options;
  // Start-up checks first: a bad web configuration or shard is an InputError before anything listens.
  const webConfigFile = options.webConfigFile ?? options.config.web?.configFile;
  const web = webConfigFile
    ? WebSecurity.fromFile(webConfigFile, { onError: (error) => logger.error({ error }, 'web configuration'), onReload: (c) => logger.info({ file: c.file }, 'web configuration reloaded') })
    : undefined;
  const shard = options.config.sharding ? resolveShard(options.config.sharding, options.hostname ?? process.env['HOSTNAME']) : undefined;
  const config = shard ? shardConfig(options.config, shard) : options.config;
  if (shard) logger.info({ shard: shard.index, replicas: shard.replicas }, 'serving one shard of the scopes');
  const configured = buildCollectors(config, options.overrides);
  const { registry, apiCalls } = createRegistry();
  if (shard) registerShardMetrics(registry, shard);
  const agent = new Agent(
    mappings,
    configured.map((c) => ({ collector: c.collector, staleAfterSeconds: c.staleAfterSeconds })),
    { logger, now: () => new Date(), apiCalls, disabledControls: new Set(config.disabledControls) },
  );
  registerAgentMetrics(registry, agent, { version: VERSION });
  // Before listening: a bad signing key is a start-up error. Snapshots start with the scheduler.
  const evidence = config.evidence
    ? prepareEvidence({ config: config.evidence, mappings: { catalog: config.catalog, controls: config.controls }, metrics: registerEvidenceMetrics(registry), logger, version: VERSION })
    : undefined;
  const listen = parseListen(options.listen ?? config.listen);
  const endpoint = await startEndpoint({
    ...listen,
    registry,
    ready: () => agent.ready,
    onError: (error) => logger.error({ error }, 'metrics collection failed'),
    onWarning: (message) => logger.warn({ error: message }, 'endpoint'),
    ...(web ? { web } : {}),
  });
  const scheduler = new Scheduler(agent, logger);
  scheduler.start(
    configured.map((c, i) => ({ state: agent.collectors[i]!, cron: c.schedule, jitterSeconds: c.jitterSeconds })),
    options.runAtStart ?? true,
  );
  evidence?.start(agent);
  logger.info({ url: endpoint.url, collectors: configured.map((c) => ({ name: c.collector.name, schedule: c.schedule })), controls: agent.controls.length }, 'kansa agent listening');
  return {
    agent,
    url: endpoint.url,
    stop: async () => {
      await evidence?.stop();
      await scheduler.stop();
      await endpoint.close();
    },
  };
}
