/** The contract every collector implements: fetch and normalize, stream resources, report scopes. */
import type { ProviderId, Resource } from '../src/model/resource.js';
import type { CollectorRun } from '../src/model/run.js';

// What a run returns is an engine type (the agent and the outputs read it too); named here as part of the contract.
export type { AccountOutcome, CollectorRun } from '../src/model/run.js';

export interface ApiCallRecorder {
  /** One API call attempt; `code` is "200" on success, else the provider's error code. */
  apiCall(provider: ProviderId, operation: string, code: string): void;
  /** One clock sample from a provider response's Date header (seconds, local − provider). */
  clockSample(reference: string, offsetSeconds: number, roundTripSeconds: number): void;
}

export interface CollectorLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  debug(fields: Record<string, unknown>, message: string): void;
}

export interface CollectContext {
  /** Resource types the enabled controls read: collect only these. */
  readonly types: ReadonlySet<string>;
  /** Receives every resource as its page arrives; the collector keeps none. */
  readonly onResource: (resource: Resource) => void;
  readonly recorder: ApiCallRecorder;
  readonly logger: CollectorLogger;
  readonly signal: AbortSignal;
  readonly now: () => Date;
}

export interface Collector {
  readonly provider: ProviderId;
  /** Stable name used in metrics (`collector` label). */
  readonly name: string;
  collect(context: CollectContext): Promise<CollectorRun>;
  /**
   * Closes the SDK clients and their sockets, kept from scan to scan so connections are reused rather
   * than opened anew each time; called once when the agent or the command stops.
   */
  close(): Promise<void>;
}
