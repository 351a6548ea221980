/**
 * What /metrics and /readyz need of the agent, as plain data. The engine worker (src/agent/engine.ts)
 * builds it from its Agent and posts it; the HTTP thread keeps the latest copy in an AgentMirror. It
 * carries requirement states, tallies and collector outcomes — never findings or resources — so its
 * size, and the cost of receiving it, does not grow with the estate.
 */
import type { AccountOutcome } from '../../collectors/types.js';
import type { ProviderId } from '../model/resource.js';
import type { Assessment, RequirementState } from '../evaluate/assessment.js';
import type { Mappings } from '../cli/load.js';
import type { Control } from '../mappings/controls.js';
import type { Agent } from './agent.js';

export interface AssessmentStatus {
  readonly catalog: { readonly id: string };
  readonly generatedAt: string;
  readonly summary: Assessment['summary'];
  readonly requirements: readonly { readonly id: string; readonly category: string; readonly status: RequirementState }[];
  readonly tallies: Assessment['tallies'];
}

export interface CollectorStatus {
  readonly name: string;
  readonly provider: ProviderId;
  /** Configuration the alert rules compare with: data older than this is stale (verdicts unknown). */
  readonly staleAfterSeconds: number;
  /** The longest gap between two scheduled runs (scheduler.ts longestGapSeconds). */
  readonly scheduleIntervalSeconds: number;
  readonly running: boolean;
  /** Per-account outcomes of the latest finished run. */
  readonly accounts: readonly AccountOutcome[];
  /** Last time each account was collected without error, as Unix seconds. */
  readonly lastSuccessByAccount: readonly (readonly [account: string, unixSeconds: number])[];
}

export interface EngineStatus {
  readonly ready: boolean;
  readonly assessment: AssessmentStatus | undefined;
  readonly collectors: readonly CollectorStatus[];
  readonly clockOffsets: readonly (readonly [reference: string, offsetSeconds: number])[];
  /** p99 event-loop delay of the engine thread since it started, in ms (for the live benchmark). */
  readonly engineLoopDelayP99Ms: number;
}

/** What the metrics read: the mappings (loaded in both threads) plus the latest EngineStatus. */
export interface AgentStatusSource {
  readonly catalog: Mappings['catalog'];
  readonly attestations: Mappings['attestations'];
  readonly exceptions: Mappings['exceptions'];
  readonly controls: readonly Control[];
  readonly status: EngineStatus;
}

/** Engine side: the Agent's current state (recomputes staleness when due, as every read does). */
export function statusOf(agent: Agent, engine: { readonly scheduleIntervalSeconds: readonly number[]; readonly engineLoopDelayP99Ms: number }): EngineStatus {
  const assessment = agent.latest();
  const clockOffsets: [string, number][] = [];
  for (const [reference, clock] of agent.clocks) {
    const offset = clock.estimate();
    if (offset !== undefined) clockOffsets.push([reference, offset]);
  }
  return {
    ready: agent.ready,
    assessment: assessment && {
      catalog: { id: assessment.catalog.id },
      generatedAt: assessment.generatedAt,
      summary: assessment.summary,
      requirements: assessment.requirements.map((r) => ({ id: r.id, category: r.category, status: r.status })),
      tallies: assessment.tallies,
    },
    collectors: agent.collectors.map((s, i) => ({
      name: s.collector.name,
      provider: s.collector.provider,
      staleAfterSeconds: s.staleAfterSeconds,
      scheduleIntervalSeconds: engine.scheduleIntervalSeconds[i] ?? 0,
      running: s.running,
      accounts: s.lastRun?.run.accounts ?? [],
      lastSuccessByAccount: [...s.lastSuccessByAccount].map(([account, at]) => [account, at.getTime() / 1000] as const),
    })),
    clockOffsets,
    engineLoopDelayP99Ms: engine.engineLoopDelayP99Ms,
  };
}

const NOT_STARTED: EngineStatus = { ready: false, assessment: undefined, collectors: [], clockOffsets: [], engineLoopDelayP99Ms: 0 };

/** HTTP-thread side: the mappings plus whatever status the engine posted last. */
export class AgentMirror implements AgentStatusSource {
  status: EngineStatus = NOT_STARTED;
  /** The worker died: what the endpoint still shows is frozen, so the agent is not ready. */
  engineFailed = false;

  constructor(
    private mappings: Mappings,
    private readonly disabledControls: ReadonlySet<string>,
  ) {}

  replaceReviewed(attestations: Mappings['attestations'], exceptions: Mappings['exceptions']): void {
    this.mappings = { ...this.mappings, attestations, exceptions };
  }

  get exceptions(): Mappings['exceptions'] {
    return this.mappings.exceptions;
  }

  get catalog(): Mappings['catalog'] {
    return this.mappings.catalog;
  }

  get attestations(): Mappings['attestations'] {
    return this.mappings.attestations;
  }

  get controls(): readonly Control[] {
    return this.mappings.controls.filter((c) => !this.disabledControls.has(c.id));
  }

  get ready(): boolean {
    return this.status.ready && !this.engineFailed;
  }
}
