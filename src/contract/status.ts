/**
 * What /metrics and /readyz read of the agent, as plain data. The engine worker builds it from its
 * Agent (src/agent/status.ts statusOf) and posts it; the HTTP thread keeps the latest copy. It carries
 * requirement states, tallies and collector outcomes — never findings or resources — so its size, and
 * the cost of receiving it, does not grow with the estate. It lives below both the agent that writes
 * it and the outputs that read it.
 */
import type { Assessment, RequirementState } from '../evaluate/assessment.js';
import type { Control } from '../mappings/controls.js';
import type { Mappings } from '../mappings/load.js';
import type { CoverageState, ProviderId } from '../model/resource.js';
import type { AccountOutcome } from '../model/run.js';

export interface AssessmentStatus {
  readonly catalog: { readonly id: string };
  readonly generatedAt: string;
  readonly summary: Assessment['summary'];
  readonly requirements: readonly { readonly id: string; readonly category: string; readonly status: RequirementState }[];
  readonly tallies: Assessment['tallies'];
  /** What the assessment's coverage saw, summed per provider × account (never per region or type). */
  readonly coverage: readonly AccountCoverage[];
}

/** One account's coverage: counts only, so the status stays as small as the list of accounts. */
export interface AccountCoverage {
  readonly provider: ProviderId;
  readonly account: string;
  /** Scopes (account × region) in each coverage state; every state present, 0 when none. */
  readonly scopes: Readonly<Record<CoverageState, number>>;
  /** (region, type) pairs the enabled controls wanted and no scope covered: the types of each scope's gaps, summed. */
  readonly uncoveredTypes: number;
  /** Items that could not be read even to their type, summed over the account's scopes. */
  readonly unreadable: number;
}

export interface CollectorStatus {
  readonly name: string;
  readonly provider: ProviderId;
  /** Configuration the alert rules compare with: data older than this is stale (verdicts unknown). */
  readonly staleAfterSeconds: number;
  /** The longest gap between two scheduled runs (src/agent/scheduler.ts longestGapSeconds). */
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
