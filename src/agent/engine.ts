/**
 * The agent's engine — collectors, evaluation, scheduler, evidence snapshots — runs in a worker
 * thread, so parsing pages, evaluating CEL and collecting the garbage of a million-resource scan never
 * delay a scrape. The HTTP thread keeps only what the metrics read (src/agent/status.ts).
 *
 * Protocol: the worker loads everything, then posts `prepared` (or `failed` with the start-up error);
 * the HTTP thread starts listening and posts `start`; from then on the worker posts `status` (when it
 * changed, at least once a second, and at once when a run starts or ends), `log` lines and `evidence`
 * metric events; `stop` abandons in-flight scans and the worker answers `stopped`.
 */
import { Worker } from 'node:worker_threads';
import type { AgentConfig } from '../config/schema.js';
import { errorMessage, InputError, InputErrors } from '../errors.js';
import type { EvidenceMetrics, SnapshotErrorStage } from '../evidence/service.js';
import type { Attestation } from '../mappings/attestations.js';
import type { ControlException } from '../mappings/exceptions.js';
import type { RequirementState } from '../evaluate/assessment.js';
import { replayLogLine, type Logger } from '../log.js';
import type { SandboxClients } from '../../collectors/sandbox.js';
import type { EngineStatus } from '../contract/status.js';

export interface EngineInput {
  /** The configuration this engine serves (already narrowed to its shard). */
  readonly config: AgentConfig;
  readonly sandbox?: SandboxClients;
  readonly runAtStart: boolean;
  readonly logLevel: string;
  readonly version: string;
}

/** One problem of an InputError, as plain data (errors lose their class crossing the thread boundary). */
export interface InputProblem {
  readonly file: string;
  readonly path: string;
  readonly reason: string;
}

export type ApiCallCount = readonly [provider: string, operation: string, code: string, count: number];

export type EvidenceEvent =
  | { readonly kind: 'requirementStateChanged'; readonly change: { catalog: string; requirement: string; from: RequirementState; to: RequirementState }; readonly at: number }
  | { readonly kind: 'lastSnapshot'; readonly at: number; readonly sequence: number }
  | { readonly kind: 'snapshotError'; readonly stage: SnapshotErrorStage };

export type EngineMessage =
  | { readonly type: 'prepared' }
  /** `inputs`: every problem of a start-up InputError (all of an InputErrors), not only the first. */
  | { readonly type: 'failed'; readonly message: string; readonly stack?: string; readonly inputs?: readonly InputProblem[] }
  | { readonly type: 'status'; readonly status?: EngineStatus; readonly apiCalls: readonly ApiCallCount[] }
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'evidence'; readonly event: EvidenceEvent }
  | { readonly type: 'stopped' };

export type EngineCommand =
  | { readonly type: 'start' }
  | { readonly type: 'stop' }
  /** Already validated by the HTTP thread (attestations and exceptions are plain data). */
  | { readonly type: 'replaceReviewed'; readonly attestations: readonly Attestation[]; readonly exceptions: readonly ControlException[] };

export interface EngineListeners {
  readonly logger: Logger;
  readonly onStatus: (status: EngineStatus) => void;
  readonly onApiCalls: (counts: readonly ApiCallCount[]) => void;
  readonly evidenceMetrics?: EvidenceMetrics;
  /** The worker died after start-up (a bug or out of memory): the agent cannot collect any more. */
  readonly onFailure: (error: Error) => void;
}

export interface Engine {
  /** Starts the schedules (after the endpoint listens). */
  start(): void;
  replaceReviewed(attestations: readonly Attestation[], exceptions: readonly ControlException[]): void;
  /** Abandons in-flight scans and snapshots, then ends the worker. */
  stop(): Promise<void>;
}

/**
 * The worker's module. Under the test runner this module is TypeScript source, which a worker cannot
 * load; workers then run the build (`npm test` builds first).
 */
function workerUrl(): URL {
  const here = new URL(import.meta.url);
  return here.pathname.endsWith('.ts') ? new URL('../../dist/src/agent/engine-worker.js', here) : new URL('./engine-worker.js', here);
}

/** The engine could not start for a reason that is not the user's input (a bug, a missing build): exit 3, not 2. */
export class EngineStartError extends Error {
  constructor(message: string, stack?: string) {
    super(`the collection engine did not start: ${message}`);
    this.name = 'EngineStartError';
    if (stack) this.stack = stack;
  }
}

/** How long stop() waits for in-flight scans to honour their abort before the worker is terminated. */
const STOP_GRACE_MS = 10_000;

/**
 * Starts the worker and waits until it has loaded mappings, collectors and the evidence key. Rejects
 * with the InputError start-up would give, or an EngineStartError. `worker.module` replaces the worker's
 * module (tests of the protocol itself); `worker.env` its environment (default: this process's).
 */
export function startEngine(input: EngineInput, listeners: EngineListeners, options: { readonly module?: URL; readonly env?: NodeJS.ProcessEnv } = {}): Promise<Engine> {
  // A scan allocates page after page of short-lived objects; with V8's own young-generation size (derived from the heap
  // limit) they took some 130 MB more resident memory at 200k GCP assets than with 16 MB, for no measurable speed.
  const young = input.config.memory.youngGenerationMb;
  const worker = new Worker(options.module ?? workerUrl(), {
    workerData: input,
    ...(young > 0 ? { resourceLimits: { maxYoungGenerationSizeMb: young } } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  let prepared = false;
  let stopping: Promise<void> | undefined;
  let exited = false;
  let failureReported = false;
  let stopped: (() => void) | undefined;
  return new Promise<Engine>((resolve, reject) => {
    // An uncaught error is followed by the exit event: report the first of them only.
    const fail = (error: Error): void => {
      if (failureReported) return;
      failureReported = true;
      if (!prepared) reject(new EngineStartError(error.message, error.stack));
      else if (!stopping) listeners.onFailure(error);
    };
    worker.on('message', (message: EngineMessage) => {
      switch (message.type) {
        case 'prepared':
          prepared = true;
          resolve(engine);
          return;
        case 'failed':
          failureReported = true;
          void worker.terminate();
          reject(message.inputs && message.inputs.length > 0 ? inputErrorOf(message.inputs) : new EngineStartError(message.message, message.stack));
          return;
        case 'status':
          if (message.status) listeners.onStatus(message.status);
          if (message.apiCalls.length > 0) listeners.onApiCalls(message.apiCalls);
          return;
        case 'log':
          replayLogLine(listeners.logger, message.line);
          return;
        case 'evidence':
          applyEvidenceEvent(listeners.evidenceMetrics, message.event);
          return;
        case 'stopped':
          stopped?.();
          return;
      }
    });
    worker.on('error', (error: Error) => fail(error));
    worker.on('exit', (code) => {
      exited = true;
      stopped?.();
      fail(new Error(`the engine worker exited with code ${code}`));
    });
    const engine: Engine = {
      start: () => worker.postMessage({ type: 'start' } satisfies EngineCommand),
      replaceReviewed: (attestations, exceptions) => worker.postMessage({ type: 'replaceReviewed', attestations, exceptions } satisfies EngineCommand),
      stop() {
        stopping ??= (async () => {
          if (exited) return;
          await new Promise<void>((done) => {
            stopped = done;
            // A scan that does not honour its abort must not block shutdown.
            setTimeout(done, STOP_GRACE_MS).unref();
            worker.postMessage({ type: 'stop' } satisfies EngineCommand);
          });
          await worker.terminate();
        })();
        return stopping;
      },
    };
  }).catch((error: unknown) => {
    void worker.terminate();
    throw error instanceof Error ? error : new EngineStartError(errorMessage(error));
  });
}

/** The worker's problems as the InputError start-up in this thread would have thrown: one as itself, several as InputErrors. */
function inputErrorOf(problems: readonly InputProblem[]): InputError {
  const errors = problems.map((p) => new InputError(p.file, p.path, p.reason));
  return errors.length === 1 ? errors[0]! : new InputErrors(errors);
}

function applyEvidenceEvent(metrics: EvidenceMetrics | undefined, event: EvidenceEvent): void {
  if (!metrics) return;
  switch (event.kind) {
    case 'requirementStateChanged':
      metrics.requirementStateChanged(event.change, new Date(event.at));
      return;
    case 'lastSnapshot':
      metrics.lastSnapshot(new Date(event.at), event.sequence);
      return;
    case 'snapshotError':
      metrics.snapshotError(event.stage);
      return;
  }
}
