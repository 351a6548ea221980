/**
 * The agent's side of the status contract (src/contract/status.ts): the engine worker builds an
 * EngineStatus from its Agent and posts it; the HTTP thread keeps the latest copy in an AgentMirror,
 * which is what /metrics and /readyz read.
 */
import type { AccountCoverage, AgentStatusSource, EngineStatus } from '../contract/status.js';
import { COVERAGE_STATES, coverageState, type CollectionScope, type CoverageState } from '../model/resource.js';
import type { Mappings } from '../mappings/load.js';
import type { Control } from '../mappings/controls.js';
import type { Agent } from './agent.js';

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
      coverage: coverageByAccount(assessment.coverage),
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

/**
 * The assessment's scopes summed per provider × account, in the order accounts first appear. Read from
 * the assessment rather than the collectors' runs so that stale data counts as blind, as it does in
 * the verdicts.
 */
export function coverageByAccount(coverage: readonly CollectionScope[]): AccountCoverage[] {
  const byAccount = new Map<string, { provider: CollectionScope['provider']; account: string; scopes: Record<CoverageState, number>; uncoveredTypes: number; unreadable: number }>();
  for (const scope of coverage) {
    const key = `${scope.provider}\u0000${scope.account}`;
    let entry = byAccount.get(key);
    if (!entry) {
      const scopes = Object.fromEntries(COVERAGE_STATES.map((s) => [s, 0])) as Record<CoverageState, number>;
      byAccount.set(key, (entry = { provider: scope.provider, account: scope.account, scopes, uncoveredTypes: 0, unreadable: 0 }));
    }
    entry.scopes[coverageState(scope)]++;
    // A type named by two gaps of one scope is one uncovered (region, type) pair.
    entry.uncoveredTypes += new Set((scope.gaps ?? []).flatMap((gap) => gap.types)).size;
    entry.unreadable += scope.unreadable ?? 0;
  }
  return [...byAccount.values()];
}

const NOT_STARTED: EngineStatus = { ready: false, assessment: undefined, collectors: [], clockOffsets: [], engineLoopDelayP99Ms: 0 };

/** HTTP-thread side: the mappings plus whatever status the engine posted last. */
export class AgentMirror implements AgentStatusSource {
  private latest: EngineStatus = NOT_STARTED;
  /** Counts changes of what metrics read (a new status, reloaded attestations or exceptions): cached renderings of /metrics end with it. */
  version = 0;
  /** The worker died: what the endpoint still shows is frozen, so the agent is not ready. */
  engineFailed = false;

  get status(): EngineStatus {
    return this.latest;
  }

  set status(status: EngineStatus) {
    this.latest = status;
    this.version++;
  }

  constructor(
    private mappings: Mappings,
    private readonly disabledControls: ReadonlySet<string>,
  ) {}

  replaceReviewed(attestations: Mappings['attestations'], exceptions: Mappings['exceptions']): void {
    this.mappings = { ...this.mappings, attestations, exceptions };
    this.version++;
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
