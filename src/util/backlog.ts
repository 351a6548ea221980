/**
 * Jobs started and not yet settled, for a producer that must not run ahead of them: it waits for `room()` before
 * producing more, and for `idle()` before it is done. A listing that starts a fetch per row would otherwise queue
 * one promise (and everything its closure holds) per resource of the estate.
 */
export class Backlog {
  private pending = 0;
  /** Who waits for the count to fall to their threshold or below. */
  private waiters: { atMost: number; resolve: () => void }[] = [];

  constructor(private readonly limit: number) {}

  /** Tracks a job; it must handle its own failure (a rejection here is only counted as settled). */
  add(job: Promise<unknown>): void {
    this.pending++;
    void job.then(
      () => this.settled(),
      () => this.settled(),
    );
  }

  /** Resolves once no more than `limit` jobs are pending. */
  room(): Promise<void> {
    return this.until(this.limit);
  }

  /** Resolves once every job has settled. */
  idle(): Promise<void> {
    return this.until(0);
  }

  private until(atMost: number): Promise<void> {
    if (this.pending <= atMost) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ atMost, resolve }));
  }

  private settled(): void {
    this.pending--;
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => this.pending <= w.atMost);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => this.pending > w.atMost);
    for (const w of ready) w.resolve();
  }
}
