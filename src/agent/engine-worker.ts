/**
 * The engine worker (see engine.ts for the protocol): builds collectors, Agent, scheduler and evidence
 * from plain data, and posts what the HTTP thread needs. Everything a scan allocates stays in this
 * thread's heap.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { buildCollectors } from '../../collectors/registry.js';
import { loadMappings } from '../mappings/load.js';
import { errorMessage, InputError, inputErrorList } from '../errors.js';
import { prepareEvidence, type ScheduledEvidence } from '../evidence/schedule.js';
import { createForwardingLogger, type Logger } from '../log.js';
import { Agent } from './agent.js';
import type { ApiCallCount, EngineCommand, EngineInput, EngineMessage } from './engine.js';
import { longestGapSeconds, Scheduler, type ScheduleSpec } from './scheduler.js';
import { lowerThisThreadPriority, lowerThreadsNamed } from './priority.js';
import { statusOf } from './status.js';

/** How often the status is checked for changes and sent (staleness, clock offsets, API call counts). */
const STATUS_INTERVAL_MS = 1000;

interface Engine {
  readonly agent: Agent;
  /** Per collector, in agent.collectors order. */
  readonly scheduleIntervalSeconds: readonly number[];
  readonly scheduler: Scheduler;
  readonly evidence: ScheduledEvidence | undefined;
  readonly schedules: readonly ScheduleSpec[];
}

class EngineThread {
  private readonly logger: Logger;
  private readonly pendingApiCalls = new Map<string, { provider: string; operation: string; code: string; count: number }>();
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
  private lastStatus = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly port: MessagePort,
    private readonly input: EngineInput,
  ) {
    this.logger = createForwardingLogger(input.logLevel, (line) => this.post({ type: 'log', line }));
  }

  private post(message: EngineMessage): void {
    this.port.postMessage(message);
  }

  /** Everything start-up checks; a failure is posted (not thrown: an uncaught error races the message). */
  async prepare(): Promise<Engine | undefined> {
    const { config } = this.input;
    // Before the first heavy step (compiling the controls): scrapes get a core at once, whatever the engine does.
    const priority = lowerThisThreadPriority();
    if ('error' in priority) this.logger.info({ error: priority.error }, 'the engine thread keeps the process priority: scrapes may wait behind a scan');
    else this.logger.debug({ niceness: priority.niceness }, 'engine thread priority lowered');
    const helpers = lowerThreadsNamed();
    if ('error' in helpers) this.logger.info({ error: helpers.error }, 'the garbage collector threads keep the process priority: scrapes may wait behind a scan');
    else this.logger.debug({ lowered: helpers.lowered }, 'garbage collector thread priority lowered');
    try {
      const mappings = loadMappings({ catalog: config.catalog, controls: config.controls, attestations: config.attestations, exceptions: config.exceptions });
      // Sandbox mode: clients pointed at the sandbox's listeners (each provider's SDK loads with its collector).
      const overrides = this.input.sandbox ? (await import('../../collectors/sandbox.js')).sandboxClientOverrides(this.input.sandbox) : {};
      const configured = await buildCollectors(config, overrides);
      const agent = new Agent(
        mappings,
        configured.map((c) => ({ collector: c.collector, staleAfterSeconds: c.staleAfterSeconds })),
        {
          logger: this.logger,
          now: () => new Date(),
          apiCalls: { inc: (labels) => this.countApiCall(labels) },
          disabledControls: new Set(config.disabledControls),
          // Metrics read tallies only; evidence snapshot runs ask for the failing findings they write.
          keptFindings: 'none',
          onRunStateChange: () => this.publish(engine),
        },
      );
      // A bad signing key is a start-up error, reported before the endpoint listens.
      const evidence = config.evidence
        ? prepareEvidence({
            config: config.evidence,
            mappings: { catalog: config.catalog, controls: config.controls },
            metrics: {
              requirementStateChanged: (change, at) => this.post({ type: 'evidence', event: { kind: 'requirementStateChanged', change, at: at.getTime() } }),
              lastSnapshot: (at, sequence) => this.post({ type: 'evidence', event: { kind: 'lastSnapshot', at: at.getTime(), sequence } }),
              snapshotError: (stage) => this.post({ type: 'evidence', event: { kind: 'snapshotError', stage } }),
            },
            logger: this.logger,
            version: this.input.version,
          })
        : undefined;
      await evidence?.check();
      const schedules = configured.map((c, i) => ({ state: agent.collectors[i]!, cron: c.schedule, jitterSeconds: c.jitterSeconds }));
      const engine: Engine = { agent, scheduleIntervalSeconds: configured.map((c) => longestGapSeconds(c.schedule)), scheduler: new Scheduler(agent, this.logger), evidence, schedules };
      return engine;
    } catch (error) {
      this.post(
        error instanceof InputError
          ? { type: 'failed', message: error.message, inputs: inputErrorList(error).map(({ file, path, reason }) => ({ file, path, reason })) }
          : { type: 'failed', message: errorMessage(error), ...(error instanceof Error && error.stack ? { stack: error.stack } : {}) },
      );
      return undefined;
    }
  }

  serve(engine: Engine): void {
    const { agent, scheduler, evidence, schedules } = engine;
    const publish = (): void => this.publish(engine);
    this.port.on('message', (command: EngineCommand) => {
      switch (command.type) {
        case 'start':
          this.loopDelay.enable();
          publish();
          this.timer = setInterval(publish, STATUS_INTERVAL_MS);
          this.logger.info({ collectors: schedules.map((s) => ({ name: s.state.collector.name, schedule: s.cron, jitterSeconds: s.jitterSeconds })) }, 'collection schedules started');
          scheduler.start(schedules, this.input.runAtStart);
          evidence?.start(agent);
          return;
        case 'replaceReviewed':
          agent.replaceAttestations(command.attestations);
          agent.replaceExceptions(command.exceptions);
          publish();
          return;
        case 'stop':
          clearInterval(this.timer);
          void (async () => {
            await evidence?.stop();
            await scheduler.stop();
            // The SDK clients live from scan to scan: their sockets close with the agent.
            await Promise.allSettled(agent.collectors.map((state) => state.collector.close()));
            publish();
            this.post({ type: 'stopped' });
          })();
          return;
      }
    });
    this.post({ type: 'prepared' });
  }

  private countApiCall({ provider, operation, code }: { provider: string; operation: string; code: string }): void {
    const key = `${provider}\u0000${operation}\u0000${code}`;
    const entry = this.pendingApiCalls.get(key);
    if (entry) entry.count++;
    else this.pendingApiCalls.set(key, { provider, operation, code, count: 1 });
  }

  /**
   * Sends the status if it changed (the loop-delay figure alone does not count as a change) and the
   * API calls counted since the last post. Never throws: it runs inside runCollector's bookkeeping.
   */
  private publish(engine: Engine): void {
    try {
      const status = statusOf(engine.agent, { scheduleIntervalSeconds: engine.scheduleIntervalSeconds, engineLoopDelayP99Ms: this.loopDelay.percentile(99) / 1e6 });
      const text = JSON.stringify({ ...status, engineLoopDelayP99Ms: 0 });
      const changed = text !== this.lastStatus;
      this.lastStatus = text;
      const apiCalls: ApiCallCount[] = [...this.pendingApiCalls.values()].map((c) => [c.provider, c.operation, c.code, c.count]);
      this.pendingApiCalls.clear();
      if (changed || apiCalls.length > 0) this.post({ type: 'status', ...(changed ? { status } : {}), apiCalls });
    } catch (error) {
      this.logger.error({ error: errorMessage(error) }, 'cannot publish the engine status');
    }
  }
}

if (!parentPort) throw new Error('engine-worker.js runs only as a worker thread (src/agent/engine.ts)');
const thread = new EngineThread(parentPort, workerData as EngineInput);
// After a failure nothing listens or waits: the thread ends (the HTTP thread also terminates it).
void thread.prepare().then((engine) => engine && thread.serve(engine));
