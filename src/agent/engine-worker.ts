/**
 * The engine worker (see engine.ts for the protocol): builds collectors, Agent, scheduler and evidence
 * from plain data, and posts what the HTTP thread needs. Everything a scan allocates stays in this
 * thread's heap.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { buildCollectors } from '../../collectors/registry.js';
import { loadMappings } from '../cli/load.js';
import { errorMessage, InputError } from '../errors.js';
import { prepareEvidence, type ScheduledEvidence } from '../evidence/schedule.js';
import { createForwardingLogger } from '../log.js';
import { sandboxClientOverrides } from '../sandbox/clients.js';
import { Agent } from './agent.js';
import type { ApiCallCount, EngineCommand, EngineInput, EngineMessage } from './engine.js';
import { Scheduler } from './scheduler.js';
import { statusOf } from './status.js';

/** How often the status is checked for changes and sent (staleness, clock offsets, API call counts). */
const STATUS_INTERVAL_MS = 1000;

const port = parentPort;
if (!port) throw new Error('engine-worker.js runs only as a worker thread (src/agent/engine.ts)');
const post = (message: EngineMessage): void => port.postMessage(message);
const input = workerData as EngineInput;
const logger = createForwardingLogger(input.logLevel, (line) => post({ type: 'log', line }));

const pendingApiCalls = new Map<string, { provider: ApiCallCount[0]; operation: string; code: string; count: number }>();
const drainApiCalls = (): ApiCallCount[] => {
  const counts = [...pendingApiCalls.values()].map((c) => [c.provider, c.operation, c.code, c.count] as const);
  pendingApiCalls.clear();
  return counts;
};

let prepared: { agent: Agent; scheduler: Scheduler; evidence: ScheduledEvidence | undefined; schedules: Parameters<Scheduler['start']>[0] };
try {
  const { config } = input;
  const mappings = loadMappings({ catalog: config.catalog, controls: config.controls, attestations: config.attestations });
  const configured = buildCollectors(config, input.sandbox ? sandboxClientOverrides(input.sandbox) : {});
  const agent = new Agent(
    mappings,
    configured.map((c) => ({ collector: c.collector, staleAfterSeconds: c.staleAfterSeconds })),
    {
      logger,
      now: () => new Date(),
      apiCalls: {
        inc({ provider, operation, code }) {
          const key = `${provider}\u0000${operation}\u0000${code}`;
          const entry = pendingApiCalls.get(key);
          if (entry) entry.count++;
          else pendingApiCalls.set(key, { provider: provider as ApiCallCount[0], operation, code, count: 1 });
        },
      },
      disabledControls: new Set(config.disabledControls),
      onRunStateChange: () => publish(),
    },
  );
  // A bad signing key is a start-up error, reported before the endpoint listens.
  const evidence = config.evidence
    ? prepareEvidence({
        config: config.evidence,
        mappings: { catalog: config.catalog, controls: config.controls },
        metrics: {
          requirementStateChanged: (change, at) => post({ type: 'evidence', event: { kind: 'requirementStateChanged', change, at: at.getTime() } }),
          lastSnapshot: (at) => post({ type: 'evidence', event: { kind: 'lastSnapshot', at: at.getTime() } }),
          snapshotError: (stage) => post({ type: 'evidence', event: { kind: 'snapshotError', stage } }),
        },
        logger,
        version: input.version,
      })
    : undefined;
  const scheduler = new Scheduler(agent, logger);
  const schedules = configured.map((c, i) => ({ state: agent.collectors[i]!, cron: c.schedule, jitterSeconds: c.jitterSeconds }));
  prepared = { agent, scheduler, evidence, schedules };
} catch (error) {
  post(error instanceof InputError ? { type: 'failed', message: error.message, input: { file: error.file, path: error.path, reason: error.reason } } : { type: 'failed', message: errorMessage(error) });
  throw error;
}

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

let lastStatus = '';
function publish(): void {
  const status = statusOf(prepared.agent, loopDelay.percentile(99) / 1e6);
  const text = JSON.stringify(status);
  const changed = text !== lastStatus;
  lastStatus = text;
  const apiCalls = drainApiCalls();
  if (changed || apiCalls.length > 0) post({ type: 'status', ...(changed ? { status } : {}), apiCalls });
}

let timer: NodeJS.Timeout | undefined;
port.on('message', (command: EngineCommand) => {
  const { agent, scheduler, evidence, schedules } = prepared;
  switch (command.type) {
    case 'start':
      publish();
      timer = setInterval(publish, STATUS_INTERVAL_MS);
      scheduler.start(schedules, input.runAtStart);
      logger.info({ collectors: schedules.map((s) => ({ name: s.state.collector.name, schedule: s.cron, jitterSeconds: s.jitterSeconds })) }, 'collection schedules started');
      evidence?.start(agent);
      return;
    case 'stop':
      clearInterval(timer);
      void (async () => {
        await evidence?.stop();
        await scheduler.stop();
        publish();
        post({ type: 'stopped' });
      })();
      return;
  }
});
post({ type: 'prepared' });
