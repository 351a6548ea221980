/**
 * bcrypt comparisons on their own thread. bcryptjs is pure JavaScript and runs in slices of up to
 * 100 ms: on the HTTP thread, every uncached login would hold back the scrapes behind it (issue 18:
 * the legitimate scrape's p99 rose above 100 ms under a wrong-password flood). The worker starts on
 * the first comparison, does not keep the process alive, and is restarted if it dies.
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

export class BcryptThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (matches: boolean) => void; reject: (error: Error) => void }>();

  readonly compare: PasswordCompare = (password, hash) =>
    new Promise<boolean>((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.start().postMessage({ id, password, hash } satisfies CompareRequest);
    });

  /** Ends the worker; comparisons still waiting are rejected. */
  async close(): Promise<void> {
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
    });
    const lost = (error: Error): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(error);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`bcrypt worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
