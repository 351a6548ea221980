/**
 * Scheduled snapshots inside the agent (`evidence:` in the configuration).
 *
 * Each tick runs its own collection of every collector with the snapshot's observer rather than
 * attaching to the next scheduled scan: the snapshot's time is what auditors are promised, so it must
 * not drift with the collectors' schedules, and the observer must see a run from its first resource
 * to its last. The cost is one extra collection per snapshot period; that collection also refreshes
 * the agent's assessment and metrics, and it never overlaps a scheduled scan of the same collector
 * (the snapshot waits for a running one to finish).
 */
import { setMaxListeners } from 'node:events';
import cron, { type ScheduledTask } from 'node-cron';
import type { CollectorRunner, CollectorState } from '../contract/run.js';
import type { Logger } from '../log.js';
import type { EvidenceConfig } from './config.js';
import { mappingsDigest } from './mappings-digest.js';
import { EvidenceService, type EvidenceMetrics, type SnapshotOutcome } from './service.js';
import { loadSigner } from './signing.js';
import { checkStore, storeFromConfig } from './open.js';

export interface ScheduledEvidence {
  readonly service: EvidenceService;
  /** The store's start-up check (S3: Object Lock): an InputError before anything is scheduled. */
  check(): Promise<void>;
  /** Starts the cron schedule. */
  start<S extends CollectorState>(agent: CollectorRunner<S>): void;
  /** Takes one snapshot now (what each tick does). */
  snapshotNow<S extends CollectorState>(agent: CollectorRunner<S>): Promise<SnapshotOutcome>;
  /** Stops the schedule and abandons an in-flight snapshot (its draft is discarded). */
  stop(): Promise<void>;
}

/**
 * Start-up half: loads the signing key and hashes the mappings, so a bad key fails start-up before
 * anything listens. Throws InputError for misconfiguration.
 */
export function prepareEvidence(options: {
  config: EvidenceConfig;
  mappings: { catalog?: string | undefined; controls?: readonly string[] | undefined };
  metrics: EvidenceMetrics;
  logger: Logger;
  version: string;
  env?: NodeJS.ProcessEnv;
}): ScheduledEvidence {
  const { config, logger } = options;
  const signer = loadSigner(config.key, options.env ?? process.env, (message) => logger.warn({ event: 'evidence_key_permissions' }, message));
  const store = storeFromConfig(config);
  const service = new EvidenceService({
    store,
    signer,
    retention: config.retention,
    mappings: mappingsDigest(options.mappings),
    logger,
    metrics: options.metrics,
    now: () => new Date(),
    version: options.version,
  });
  const abort = new AbortController();
  // Every concurrent API call of a snapshot's scan listens on this signal.
  setMaxListeners(10_000, abort.signal);
  let task: ScheduledTask | undefined;
  let inFlight: Promise<SnapshotOutcome> | undefined;
  const snapshotNow = <S extends CollectorState>(agent: CollectorRunner<S>): Promise<SnapshotOutcome> => {
    inFlight ??= service.snapshot(agent, abort.signal).finally(() => (inFlight = undefined));
    return inFlight;
  };
  return {
    service,
    check: () => checkStore(store),
    snapshotNow,
    start(agent) {
      void service.init();
      task = cron.schedule(
        config.schedule,
        async () => {
          await snapshotNow(agent);
        },
        { name: 'evidence', noOverlap: true },
      );
      logger.info({ dir: store.location, schedule: config.schedule, signed: signer?.fingerprint ?? false, retention: config.retention ?? 'keep all' }, 'evidence snapshots scheduled');
    },
    async stop() {
      if (task) {
        await task.stop();
        await task.destroy();
      }
      abort.abort(new Error('shutting down'));
      await inFlight;
    },
  };
}
