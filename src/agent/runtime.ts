/** Wires configuration, mappings, collectors, agent, scheduler, metrics and endpoint together. */
import type { ClientOverrides } from '../../collectors/registry.js';
import { buildCollectors } from '../../collectors/registry.js';
import type { AgentConfig } from '../config/schema.js';
import { parseListen } from '../config/load.js';
import type { Mappings } from '../cli/load.js';
import { startEndpoint } from '../http/server.js';
import type { Logger } from '../log.js';
import { createRegistry, registerAgentMetrics } from '../metrics/metrics.js';
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
}): Promise<RunningAgent> {
  const { config, mappings, logger } = options;
  const configured = buildCollectors(config, options.overrides);
  const { registry, apiCalls } = createRegistry();
  const agent = new Agent(
    mappings,
    configured.map((c) => ({ collector: c.collector, staleAfterSeconds: c.staleAfterSeconds })),
    { logger, now: () => new Date(), apiCalls, disabledControls: new Set(config.disabledControls) },
  );
  registerAgentMetrics(registry, agent, { version: VERSION });
  const listen = parseListen(options.listen ?? config.listen);
  const endpoint = await startEndpoint({ ...listen, registry, ready: () => agent.ready, onError: (error) => logger.error({ error }, 'metrics collection failed') });
  const scheduler = new Scheduler(agent, logger);
  scheduler.start(
    configured.map((c, i) => ({ state: agent.collectors[i]!, cron: c.schedule, jitterSeconds: c.jitterSeconds })),
    options.runAtStart ?? true,
  );
  logger.info({ url: endpoint.url, collectors: configured.map((c) => ({ name: c.collector.name, schedule: c.schedule })), controls: agent.controls.length }, 'kansa agent listening');
  return {
    agent,
    url: endpoint.url,
    stop: async () => {
      await scheduler.stop();
      await endpoint.close();
    },
  };
}
