/**
 * What one collection run yields besides its resources: the scopes it covered and each account's outcome.
 * Collectors return it (collectors/types.ts), the agent keeps it, and the outputs report it, so it sits
 * with the engine's types below all three.
 */
import type { CollectionScope } from './resource.js';

/** Per-account outcome of a run, for `kansa_collector_up` and friends. */
export interface AccountOutcome {
  readonly account: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly durationSeconds: number;
  readonly resources: number;
}

export interface CollectorRun {
  readonly coverage: readonly CollectionScope[];
  readonly accounts: readonly AccountOutcome[];
}
