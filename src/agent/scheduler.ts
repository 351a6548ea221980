/**
 * Runs each collector on its own cron schedule (node-cron): once at start-up, never overlapping
 * itself, with optional random jitter; stop() abandons in-flight scans through their AbortSignal.
 */
import { setMaxListeners } from 'node:events';
import cron, { type ScheduledTask } from 'node-cron';
import type { Agent, CollectorState } from './agent.js';
import type { Logger } from '../log.js';

export interface ScheduleSpec {
  readonly state: CollectorState;
  readonly cron: string;
  readonly jitterSeconds: number;
}

/** How far ahead a schedule is read: a week and a day covers weekday patterns; a year, month and day-of-month ones. */
const LOOKAHEAD_SECONDS = { weekly: 8 * 86_400, yearly: 400 * 86_400 } as const;
/** Runs read first to learn a schedule's density. */
const PROBE_RUNS = 64;
/** At most this many runs are read (~0.3 s for an every-minute schedule, which it covers for 8 days). */
const MAX_RUNS = 12_000;

/**
 * The longest time between two consecutive runs of a cron schedule (e.g. a weekend for "0 9-17 * * 1-5"):
 * how old data can normally get, which alerts compare against instead of a hard-coded threshold. Read
 * over a time span, not a number of runs, so the answer does not depend on the day the agent started.
 * Every-second schedules are read for MAX_RUNS runs only.
 */
export function longestGapSeconds(expression: string, timezone?: string): number {
  const task = cron.createTask(expression, () => undefined, timezone ? { timezone } : {});
  try {
    const fields = expression.trim().split(/\s+/);
    const [dayOfMonth, month] = fields.length === 6 ? [fields[3], fields[4]] : [fields[2], fields[3]];
    const span = dayOfMonth !== '*' || month !== '*' ? LOOKAHEAD_SECONDS.yearly : LOOKAHEAD_SECONDS.weekly;
    const probe = task.getNextRuns(PROBE_RUNS);
    const probeSeconds = (probe[probe.length - 1]!.getTime() - probe[0]!.getTime()) / 1000;
    const runs = probeSeconds >= span ? probe : task.getNextRuns(Math.min(MAX_RUNS, Math.ceil((PROBE_RUNS * span) / Math.max(probeSeconds, 1)) + 1));
    let longest = 0;
    for (let i = 1; i < runs.length; i++) longest = Math.max(longest, runs[i]!.getTime() - runs[i - 1]!.getTime());
    return longest / 1000;
  } finally {
    void task.destroy();
  }
}

export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(
    private readonly agent: Agent,
    private readonly logger: Logger,
  ) {
    // Every concurrent API call listens on this signal; hundreds are normal, not a leak.
    setMaxListeners(10_000, this.abort.signal);
  }

  start(specs: readonly ScheduleSpec[], runAtStart = true): void {
    for (const spec of specs) {
      const task = cron.schedule(
        spec.cron,
        async () => {
          if (spec.jitterSeconds > 0) await this.delay(Math.random() * spec.jitterSeconds * 1000);
          await this.trigger(spec.state);
        },
        { name: spec.state.collector.name, noOverlap: true },
      );
      this.tasks.push(task);
      if (runAtStart) void this.trigger(spec.state);
    }
  }

  /** Runs one collection now unless one is already running for this collector (no overlap). */
  trigger(state: CollectorState): Promise<void> {
    if (state.running || this.abort.signal.aborted) {
      if (state.running) this.logger.warn({ collector: state.collector.name }, 'previous scan still running; skipping this run');
      return Promise.resolve();
    }
    const run = this.agent.runCollector(state, this.abort.signal).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
    return run;
  }

  /** Stops scheduling; in-flight scans are abandoned (their API calls aborted) and awaited. */
  async stop(): Promise<void> {
    for (const task of this.tasks) await task.stop();
    for (const task of this.tasks) await task.destroy();
    this.abort.abort(new Error('shutting down'));
    await Promise.allSettled([...this.inFlight]);
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.abort.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
}
