/**
 * Taking a snapshot: one collection + evaluation of every collector with a RunObserver that streams
 * into the snapshot, then commit, drift against the previous snapshot, retention. `kansa snapshot` and
 * the agent's scheduled snapshots both go through `EvidenceService.snapshot`. It never throws: every
 * failure is a log line, an error metric and an `{ ok: false }` outcome, and leaves no snapshot behind.
 */
import type { CollectorRunner, CollectorState, RunObserver } from '../contract/run.js';
import { errorMessage } from '../errors.js';
import type { RequirementState } from '../evaluate/assessment.js';
import { assess, type PartialResult } from '../evaluate/evaluate.js';
import type { Attestation } from '../mappings/attestations.js';
import type { Logger } from '../log.js';
import { delay } from '../util/delay.js';
import { requirementChanges, type RequirementChange } from './diff.js';
import type { CollectorRecord, Manifest } from './format.js';
import type { MappingsDigest } from './mappings-digest.js';
import { openSnapshotIn, readStoredAssessment } from './read.js';
import { prune, type RetentionPolicy } from './retention.js';
import type { Signer } from './signing.js';
import type { EvidenceStore } from './store.js';
import { latestLink, SnapshotSession, type ChainLink } from './writer.js';

/** How often a snapshot re-checks a collector that a scheduled scan is still running. */
const BUSY_COLLECTOR_POLL_MS = 500;

export const SNAPSHOT_ERROR_STAGES = ['collect', 'write', 'retention'] as const;
export type SnapshotErrorStage = (typeof SNAPSHOT_ERROR_STAGES)[number];

/** What the metrics registry implements (src/metrics/metrics.ts); evidence does not depend on prom-client. */
export interface EvidenceMetrics {
  requirementStateChanged(change: { catalog: string; requirement: string; from: RequirementState; to: RequirementState }, at: Date): void;
  /** The newest snapshot of the chain: when it finished and its sequence (the chain head, an outside anchor). */
  lastSnapshot(at: Date, sequence: number): void;
  snapshotError(stage: SnapshotErrorStage): void;
}

export interface EvidenceServiceOptions {
  readonly store: EvidenceStore;
  readonly signer: Signer | undefined;
  readonly retention: RetentionPolicy | undefined;
  readonly mappings: MappingsDigest;
  readonly logger: Logger;
  readonly metrics?: EvidenceMetrics;
  readonly now: () => Date;
  readonly version: string;
}

export type SnapshotOutcome =
  | {
      readonly ok: true;
      readonly name: string;
      readonly location: string;
      readonly manifest: Manifest;
      readonly manifestSha256: string;
      readonly changes: readonly RequirementChange[];
      readonly pruned: readonly string[];
    }
  | { readonly ok: false; readonly stage: SnapshotErrorStage; readonly error: string };

interface RequirementStates {
  readonly snapshot: string;
  readonly catalog: string;
  readonly requirements: readonly { readonly id: string; readonly status: RequirementState }[];
}

export class EvidenceService {
  private lastPublished: ChainLink | undefined;
  private previousStates: RequirementStates | undefined;

  constructor(private readonly options: EvidenceServiceOptions) {}

  /** Reads the newest snapshot's time for the metric (after a restart); never throws. */
  async init(): Promise<void> {
    const { store, logger, metrics } = this.options;
    try {
      const latest = await latestLink(store);
      if (!latest) return;
      const snapshot = await openSnapshotIn(store, latest.name);
      metrics?.lastSnapshot(new Date(snapshot.manifest.finishedAt), snapshot.manifest.sequence);
    } catch (error) {
      logger.warn({ event: 'evidence_read_failed', dir: store.location, error: errorMessage(error) }, 'cannot read the latest evidence snapshot');
    }
  }

  async snapshot<S extends CollectorState>(agent: CollectorRunner<S>, signal: AbortSignal): Promise<SnapshotOutcome> {
    const { store, logger, now } = this.options;
    const startedAt = now();
    let session: SnapshotSession;
    try {
      session = await SnapshotSession.begin(store, startedAt);
    } catch (error) {
      return this.failed('write', `cannot start a snapshot in ${store.location}: ${errorMessage(error)}`);
    }
    logger.info({ event: 'evidence_snapshot_started', snapshot: session.name, dir: store.location }, 'evidence snapshot started');
    const records: CollectorRecord[] = [];
    const partials: PartialResult[] = [];
    try {
      for (const state of agent.collectors) {
        const ran = await this.runObserved(agent, state, session, signal);
        if (!ran.ok) {
          await session.discard();
          return this.failed('collect', `collector ${state.collector.name}: ${ran.error}`, session.name);
        }
        partials.push(ran.partial);
        records.push(ran.record);
      }
    } catch (error) {
      await session.discard();
      return this.failed('collect', errorMessage(error), session.name);
    }

    const finishedAt = now();
    const assessment = assess(
      partials.map((result) => ({ result })),
      agent.controls,
      agent.catalog,
      agent.attestations,
      finishedAt,
      agent.exceptions,
    );
    const attestations: Attestation[] = assessment.requirements.flatMap((r) => {
      const a = r.attestation;
      if (a?.state !== 'valid') return [];
      return [{ catalog: a.catalog, requirement: a.requirement, statement: a.statement, evidence: a.evidence, owner: a.owner, attested: a.attested, expires: a.expires }];
    });
    let published;
    try {
      published = await session.commit({
        assessment,
        attestations,
        exceptions: agent.exceptions,
        collectors: records,
        finishedAt,
        agentVersion: this.options.version,
        mappings: this.options.mappings,
        signer: this.options.signer,
        lastPublished: this.lastPublished,
      });
    } catch (error) {
      return this.failed('write', errorMessage(error), session.name);
    }
    const { manifest } = published;
    this.lastPublished = { name: published.name, sequence: manifest.sequence, sha256: published.manifestSha256 };
    this.options.metrics?.lastSnapshot(finishedAt, manifest.sequence);
    logger.info(
      {
        event: 'evidence_snapshot_written',
        snapshot: published.name,
        dir: store.location,
        sequence: manifest.sequence,
        manifestSha256: published.manifestSha256,
        signed: manifest.signature?.fingerprint ?? false,
        resources: manifest.counts.resources,
        findings: manifest.counts.findings,
        summary: manifest.summary,
      },
      'evidence snapshot written',
    );
    if (published.previousMissing) {
      logger.error(
        { event: 'evidence_chain_gap', snapshot: published.name, previous: manifest.previous?.name, dir: store.location },
        'the snapshot this one chains to is no longer in the evidence directory (deleted outside retention)',
      );
    }
    const changes = await this.drift(published.name, manifest, assessment.requirements);
    const pruned = await this.retain();
    return { ok: true, name: published.name, location: store.location, manifest, manifestSha256: published.manifestSha256, changes, pruned };
  }

  private async runObserved<S extends CollectorState>(
    agent: CollectorRunner<S>,
    state: S,
    session: SnapshotSession,
    signal: AbortSignal,
  ): Promise<{ ok: true; partial: PartialResult; record: CollectorRecord } | { ok: false; error: string }> {
    // A scheduled scan of this collector may be running: wait for it rather than skip (runs never overlap).
    while (state.running) await delay(BUSY_COLLECTOR_POLL_MS, signal);
    if (signal.aborted) return { ok: false, error: 'abandoned at shutdown' };
    let outcome: { finished: true; partial: PartialResult } | { finished: false; reason: string } | undefined;
    const observer: RunObserver = {
      keptFindings: 'failing',
      // Reports from snapshots show what each passing finding observed; only snapshot runs pay for it.
      observePassing: true,
      onResource: (resource) => session.onResource(resource),
      onFinding: (finding) => session.onFinding(finding),
      finish: ({ partial }) => {
        outcome = { finished: true, partial };
        return Promise.resolve();
      },
      abandon: (reason) => {
        outcome = { finished: false, reason };
        return Promise.resolve();
      },
    };
    await agent.runCollector(state, signal, observer);
    const run = state.lastRun;
    if (!outcome) return { ok: false, error: 'did not run (another scan of it started first)' };
    if (!outcome.finished) return { ok: false, error: outcome.reason };
    if (!run) return { ok: false, error: 'finished without a result' };
    return {
      ok: true,
      partial: outcome.partial,
      record: {
        collector: state.collector.name,
        provider: state.collector.provider,
        startedAt: run.startedAt.toISOString(),
        finishedAt: run.finishedAt.toISOString(),
        durationSeconds: run.durationSeconds,
        accounts: run.run.accounts.map((a) => ({ account: a.account, ok: a.ok, ...(a.error === undefined ? {} : { error: a.error }), durationSeconds: a.durationSeconds, resources: a.resources })),
      },
    };
  }

  /** Requirement state changes against the previous snapshot in the chain: metrics and one log event each. */
  private async drift(name: string, manifest: Manifest, requirements: readonly { id: string; status: RequirementState; category: string; reason: string }[]): Promise<RequirementChange[]> {
    const { store, logger, metrics } = this.options;
    const link = manifest.previous;
    let previous = this.previousStates;
    if (link && previous?.snapshot !== link.name) {
      // After a restart, or when another process wrote the previous snapshot: read it from the store.
      try {
        const snapshot = await openSnapshotIn(store, link.name);
        const stored = await readStoredAssessment(snapshot);
        previous = { snapshot: link.name, catalog: stored.catalog.id, requirements: stored.requirements };
      } catch (error) {
        logger.warn({ event: 'evidence_read_failed', snapshot: link.name, error: errorMessage(error) }, 'cannot read the previous snapshot: no drift computed');
        previous = undefined;
      }
    }
    this.previousStates = { snapshot: name, catalog: manifest.catalog.id, requirements: requirements.map((r) => ({ id: r.id, status: r.status })) };
    if (!link || !previous || previous.catalog !== manifest.catalog.id) return [];
    const changes = requirementChanges(previous.requirements, requirements);
    const at = new Date(manifest.finishedAt);
    for (const change of changes) {
      metrics?.requirementStateChanged({ catalog: manifest.catalog.id, requirement: change.id, from: change.from, to: change.to }, at);
      logger.info(
        {
          event: 'requirement_state_changed',
          catalog: manifest.catalog.id,
          requirement: change.id,
          category: change.category,
          from: change.from,
          to: change.to,
          reason: change.reason,
          snapshot: name,
          previousSnapshot: link.name,
          at: manifest.finishedAt,
        },
        `requirement ${change.id} changed from ${change.from} to ${change.to}`,
      );
    }
    return changes;
  }

  private async retain(): Promise<string[]> {
    const { store, retention, logger, now } = this.options;
    if (!retention) return [];
    try {
      const result = await store.exclusive(() => prune(store, retention, now()));
      if (result.pruned.length > 0) logger.info({ event: 'evidence_pruned', dir: store.location, pruned: result.pruned }, 'evidence snapshots pruned by the retention policy');
      if (result.unreadable.length > 0) logger.warn({ event: 'evidence_unreadable', dir: store.location, snapshots: result.unreadable }, 'snapshots with unreadable manifests are kept: run kansa verify');
      return [...result.pruned];
    } catch (error) {
      this.failed('retention', errorMessage(error));
      return [];
    }
  }

  private failed(stage: SnapshotErrorStage, error: string, snapshot?: string): SnapshotOutcome {
    this.options.metrics?.snapshotError(stage);
    this.options.logger.error({ event: 'evidence_snapshot_failed', stage, dir: this.options.store.location, ...(snapshot ? { snapshot } : {}), error }, `evidence snapshot failed: ${error}`);
    return { ok: false, stage, error };
  }
}
