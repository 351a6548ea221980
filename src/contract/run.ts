/**
 * What an output that takes part in a run (evidence snapshots) may know of the agent: the collectors'
 * state, the mappings it judges with, and a way to run one collector while observing it. The agent
 * (src/agent/agent.ts) implements it; evidence reads it. It lives below both, so neither reaches into
 * the other.
 */
import type { Assessment, Finding } from '../evaluate/assessment.js';
import type { KeptFindings, PartialResult } from '../evaluate/evaluate.js';
import type { Control } from '../mappings/controls.js';
import type { Mappings } from '../mappings/load.js';
import type { ProviderId, Resource } from '../model/resource.js';
import type { CollectorRun } from '../model/run.js';

/** What outputs see of a collector; the agent's state holds the collector itself (collectors/types.ts Collector). */
export interface CollectorIdentity {
  /** Stable name used in metrics (`collector` label). */
  readonly name: string;
  readonly provider: ProviderId;
}

export interface CollectorState<C extends CollectorIdentity = CollectorIdentity> {
  readonly collector: C;
  readonly staleAfterSeconds: number;
  running: boolean;
  lastRun?: {
    readonly startedAt: Date;
    readonly finishedAt: Date;
    readonly durationSeconds: number;
    readonly run: CollectorRun;
    readonly partial: PartialResult;
  };
  /** Last time each account was collected without error (for kansa_collector_last_success_timestamp_seconds). */
  readonly lastSuccessByAccount: Map<string, Date>;
  lastError?: string;
}

/** Watches one run as it happens: evidence writers stream the inventory and findings through this. */
export interface RunObserver {
  /** The findings this run's result must hold for the observer (evidence: the failing ones for assessment.json). */
  readonly keptFindings?: KeptFindings;
  /** Passing findings streamed to onFinding carry what they observed (evidence: reports show it). */
  readonly observePassing?: boolean;
  onResource?(resource: Resource): void;
  onFinding?(finding: Finding): void;
  /** After the run's assessment is computed. */
  finish?(result: { readonly assessment: Assessment; readonly state: CollectorState; readonly partial: PartialResult }): Promise<void>;
  /** The run failed or was abandoned: nothing it saw may be presented as complete. */
  abandon?(reason: string): Promise<void>;
}

/** The agent as a snapshot sees it: its collectors, its mappings, and one observed run at a time. */
export interface CollectorRunner<S extends CollectorState = CollectorState> {
  readonly collectors: readonly S[];
  readonly controls: readonly Control[];
  readonly catalog: Mappings['catalog'];
  readonly attestations: Mappings['attestations'];
  readonly exceptions: Mappings['exceptions'];
  /** One collection + evaluation for one collector. Never throws: failures are recorded as state. */
  runCollector(state: S, signal: AbortSignal, observer?: RunObserver): Promise<void>;
}
