/**
 * bcrypt comparisons on their own thread. bcryptjs is pure JavaScript and runs in slices of up to
 * 100 ms: on the HTTP thread, every uncached login would hold back the scrapes behind it (issue 18:
 * the legitimate scrape's p99 rose above 100 ms under a wrong-password flood). The worker starts on
 * the first comparison and is restarted if it dies. It ends after IDLE_MS without work: an unref'd
 * worker with a message listener still kept jest's process alive after the suites, so nothing here
 * relies on unref — a thread exists only while logins are being checked (and `close()` ends it at once).
 */
import { Worker } from 'node:worker_threads';

export interface CompareRequest {
  readonly id: number;
  readonly password: string;
  readonly hash: string;
}

export type CompareResult = { readonly id: number; readonly matches: boolean } | { readonly id: number; readonly error: string };

export type PasswordCompare = (password: string, hash: string) => Promise<boolean>;

/** Under the test runner this module is TypeScript source, which a worker cannot load: it then runs the build (as engine.ts does). */
function threadUrl(): URL {
  const here = new URL(import.meta.url);
  return here.pathname.endsWith('.ts') ? new URL('../../dist/src/http/bcrypt-thread.js', here) : new URL('./bcrypt-thread.js', here);
}

/** How long the thread outlives its last comparison (a flood keeps it busy; a quiet agent has none). */
const IDLE_MS = 2_000;

export class BcryptThread {
  private worker: Worker | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private nextId = 0;
  constructor(
    private readonly idleMs = IDLE_MS,
    /** Called when the thread has ended (idle, closed or lost). */
    private readonly onEnded?: () => void,
  ) {}

  /** True while a worker thread exists. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  private readonly pending = new Map<number, { resolve: (matches: boolean) => void; reject: (error: Error) => void }>();

  readonly compare: PasswordCompare = (password, hash) =>
    new Promise<boolean>((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      clearTimeout(this.idleTimer);
      this.start().postMessage({ id, password, hash } satisfies CompareRequest);
    });

  /** Ends the worker; comparisons still waiting are rejected. */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('bcrypt worker closed'));
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(threadUrl());
    worker.unref();
    worker.on('message', (result: CompareResult) => {
      const waiter = this.pending.get(result.id);
      this.pending.delete(result.id);
      if ('error' in result) waiter?.reject(new Error(`bcrypt: ${result.error}`));
      else waiter?.resolve(result.matches);
      if (this.pending.size === 0) this.endWhenIdle(worker);
    });
    const lost = (error: Error): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(error);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => {
      lost(new Error(`bcrypt worker exited with code ${code}`));
      this.onEnded?.();
    });
    this.worker = worker;
    return worker;
  }

  private endWhenIdle(worker: Worker): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.worker !== worker || this.pending.size > 0) return;
      this.worker = undefined;
      void worker.terminate();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
