/**
 * The agent's state machine: runs collectors, streams their resources into an evaluation, keeps the
 * latest partial result per collector, and recomputes the Assessment that every output reads.
 */
import type { Collector } from '../../collectors/types.js';
import type { CollectorRunner, CollectorState as SharedCollectorState, RunObserver } from '../contract/run.js';
import type { Assessment } from '../evaluate/assessment.js';
import { assess, Evaluation, type KeptFindings, type PartialInput, type PartialResult } from '../evaluate/evaluate.js';
import type { Mappings } from '../mappings/load.js';
import type { Control } from '../mappings/controls.js';
import type { Logger } from '../log.js';
import { errorMessage } from '../errors.js';
import { ClockEstimator } from './clock.js';

/** Lets pending I/O (scrapes, API responses) run between slices of CPU work. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const KEPT_ORDER: readonly KeptFindings[] = ['none', 'failing', 'all'];
/** An observer can ask a run to keep more findings than the agent's setting, never fewer. */
const moreOf = (a: KeptFindings, b: KeptFindings): KeptFindings => (KEPT_ORDER.indexOf(a) >= KEPT_ORDER.indexOf(b) ? a : b);

/** One run's own findings, summed over its controls and accounts (what `scan finished` logs for the collector). */
function findingsOf(partial: PartialResult): { checked: number; failing: number; unknown: number; waived: number; failingControls: number } {
  const sum = { checked: 0, failing: 0, unknown: 0, waived: 0 };
  const failingControls = new Set<string>();
  for (const t of partial.tallies) {
    sum.checked += t.checked;
    sum.failing += t.failing;
    sum.unknown += t.unknown;
    sum.waived += t.waived;
    if (t.failing > 0) failingControls.add(t.control);
  }
  return { ...sum, failingControls: failingControls.size };
}

/** Attestations expire by the day: re-derive verdicts at least this often even without new data. */
const RECOMPUTE_AT_LEAST_EVERY_MS = 60_000;

/** One collector's state: the shared shape (src/contract/run.ts) holding the collector itself. */
export type CollectorState = SharedCollectorState<Collector>;

export interface ApiCallCounter {
  inc(labels: { provider: string; operation: string; code: string }): void;
}

export class Agent implements CollectorRunner<CollectorState> {
  readonly collectors: CollectorState[];
  readonly clocks = new Map<string, ClockEstimator>();
  private assessment: Assessment | undefined;
  private firstAssessmentDone = false;
  /** Recompute on read only when something time-dependent may have changed (staleness, expiry). */
  private recomputeAfter = 0;

  constructor(
    private mappings: Mappings,
    collectors: readonly { collector: Collector; staleAfterSeconds: number }[],
    private readonly deps: {
      logger: Logger;
      now: () => Date;
      apiCalls: ApiCallCounter;
      disabledControls?: ReadonlySet<string>;
      /** Which findings each run's result holds (default: failing and unknown); a run's observer may ask for more. */
      keptFindings?: KeptFindings;
      /** Called with the running resource count of a scan (progress display). */
      onProgress?: (collector: string, resources: number) => void;
      /** Called when a run starts or ends (the engine worker publishes the new state at once). */
      onRunStateChange?: () => void;
    },
  ) {
    this.collectors = collectors.map(({ collector, staleAfterSeconds }) => ({ collector, staleAfterSeconds, running: false, lastSuccessByAccount: new Map() }));
  }

  get controls(): readonly Control[] {
    return this.mappings.controls.filter((c) => !this.deps.disabledControls?.has(c.id));
  }

  get catalog(): Mappings['catalog'] {
    return this.mappings.catalog;
  }

  get attestations(): Mappings['attestations'] {
    return this.mappings.attestations;
  }

  /** The latest Assessment (recomputed for staleness on every read), or undefined before the first run. */
  latest(): Assessment | undefined {
    if (this.firstAssessmentDone && this.deps.now().getTime() >= this.recomputeAfter) this.recompute();
    return this.assessment;
  }

  get ready(): boolean {
    return this.firstAssessmentDone;
  }

  /** A reloaded attestations file (SIGHUP): verdicts are re-derived at the next read. */
  replaceAttestations(attestations: Mappings['attestations']): void {
    this.mappings = { ...this.mappings, attestations };
    this.recomputeAfter = 0;
  }

  get exceptions(): Mappings['exceptions'] {
    return this.mappings.exceptions;
  }

  /**
   * A reloaded exceptions file (SIGHUP). Waivers are decided per finding as resources are evaluated, so
   * the new exceptions waive (or stop waiving) from each collector's next run; the listed exceptions,
   * their expiry and match counts are updated at the next read.
   */
  replaceExceptions(exceptions: Mappings['exceptions']): void {
    this.mappings = { ...this.mappings, exceptions };
    this.recomputeAfter = 0;
  }

  /** One collection + evaluation for one collector. Never throws: failures are recorded as state. */
  async runCollector(state: CollectorState, signal: AbortSignal, observer?: RunObserver): Promise<void> {
    if (state.running) return;
    state.running = true;
    this.deps.onRunStateChange?.();
    const startedAt = this.deps.now();
    const started = performance.now();
    const controls = this.controls.filter((c) => c.provider === state.collector.provider);
    const onFinding = observer?.onFinding?.bind(observer);
    const own = this.deps.keptFindings ?? 'failing';
    const kept = moreOf(observer?.keptFindings ?? 'none', own);
    const evaluation = new Evaluation(controls, this.mappings.catalog, {
      keptFindings: kept,
      ...(onFinding ? { onFinding } : {}),
      ...(observer?.observePassing ? { observePassing: true } : {}),
      exceptions: { list: this.mappings.exceptions, now: startedAt },
    });
    let seen = 0;
    const { logger } = this.deps;
    logger.info({ collector: state.collector.name }, 'scan started');
    try {
      const run = await state.collector.collect({
        types: Evaluation.typesNeeded(controls),
        onResource: (resource) => {
          observer?.onResource?.(resource);
          evaluation.add(resource);
          if (this.deps.onProgress && ++seen % 1000 === 0) this.deps.onProgress(state.collector.name, seen);
        },
        recorder: {
          apiCall: (provider, operation, code) => this.deps.apiCalls.inc({ provider, operation, code }),
          clockSample: (reference, offsetSeconds, roundTripSeconds) => {
            let clock = this.clocks.get(reference);
            if (!clock) this.clocks.set(reference, (clock = new ClockEstimator()));
            clock.add({ offsetSeconds, roundTripSeconds });
          },
        },
        logger,
        signal,
        now: this.deps.now,
      });
      if (signal.aborted) {
        logger.warn({ collector: state.collector.name }, 'scan abandoned at shutdown');
        await observer?.abandon?.('scan abandoned at shutdown');
        return;
      }
      const finishedAt = this.deps.now();
      await evaluation.drainDeferred(run.coverage, yieldToEventLoop);
      const partial = evaluation.partial(run.coverage);
      state.lastRun = { startedAt, finishedAt, durationSeconds: (performance.now() - started) / 1000, run, partial };
      for (const account of run.accounts) if (account.ok) state.lastSuccessByAccount.set(account.account, finishedAt);
      // Accounts no longer collected (removed from the configuration or another shard's) stop being reported.
      const current = new Set(run.accounts.map((a) => a.account));
      for (const account of state.lastSuccessByAccount.keys()) if (!current.has(account)) state.lastSuccessByAccount.delete(account);
      delete state.lastError;
      this.firstAssessmentDone = true;
      this.recompute();
      if (this.assessment) await observer?.finish?.({ assessment: this.assessment, state, partial });
      // What the observer asked for beyond the agent's own setting is its to keep, not the agent's.
      if (kept !== own) {
        state.lastRun = { ...state.lastRun, partial: { ...partial, findings: own === 'none' ? [] : partial.findings.filter((f) => f.status !== 'pass') } };
        this.recompute();
      }
      this.logUnmatchedExceptions(state, partial);
      const failed = run.coverage.filter((s) => s.outcome.status !== 'ok').length;
      logger.info(
        {
          collector: state.collector.name,
          durationSeconds: state.lastRun.durationSeconds,
          scopes: run.coverage.length,
          failedScopes: failed,
          resources: run.accounts.reduce((n, a) => n + a.resources, 0),
          // This run's own findings, then the requirement states of every collector's latest data together:
          // a requirement's state is not one collector's, so the two are never mixed in one figure.
          findings: findingsOf(partial),
          combined: { collectors: this.collectors.filter((s) => s.lastRun).length, requirements: this.assessment?.summary },
        },
        'scan finished',
      );
    } catch (error) {
      state.lastError = errorMessage(error);
      logger.error({ collector: state.collector.name, error: state.lastError }, 'scan failed');
      await observer?.abandon?.(state.lastError);
    } finally {
      state.running = false;
      this.deps.onRunStateChange?.();
    }
  }

  /** An exception for this collector's provider that matched nothing is probably a typo: say so after each scan. */
  private logUnmatchedExceptions(state: CollectorState, partial: PartialResult): void {
    for (const e of this.mappings.exceptions) {
      const provider = this.mappings.controls.find((c) => c.id === e.control)?.provider ?? e.match.provider;
      if (provider !== undefined && provider !== state.collector.provider) continue;
      if ((partial.exceptionCounts.get(e.id)?.matched ?? 0) > 0) continue;
      if (provider === undefined && this.collectors.some((s) => s !== state && (s.lastRun?.partial.exceptionCounts.get(e.id)?.matched ?? 0) > 0)) continue;
      this.deps.logger.warn({ event: 'exception_matched_nothing', exception: e.id, at: e.at, collector: state.collector.name }, 'exception matched no finding: check its match');
    }
  }

  private recompute(): void {
    const now = this.deps.now();
    const partials: PartialInput[] = [];
    for (const state of this.collectors) {
      if (!state.lastRun) continue;
      const ageSeconds = (now.getTime() - state.lastRun.finishedAt.getTime()) / 1000;
      partials.push(
        ageSeconds > state.staleAfterSeconds
          ? { result: state.lastRun.partial, stale: { lastSuccessAt: state.lastRun.finishedAt.toISOString(), reason: `older than ${state.staleAfterSeconds} s` } }
          : { result: state.lastRun.partial },
      );
    }
    this.assessment = assess(partials, this.controls, this.mappings.catalog, this.mappings.attestations, now, this.mappings.exceptions);
    const deadlines = this.collectors
      .filter((s) => s.lastRun)
      .map((s) => s.lastRun!.finishedAt.getTime() + s.staleAfterSeconds * 1000)
      .filter((t) => t > now.getTime());
    this.recomputeAfter = Math.min(now.getTime() + RECOMPUTE_AT_LEAST_EVERY_MS, ...deadlines.map((t) => t + 1));
  }
}
