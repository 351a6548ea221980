/** The producer's brake: room() while more than `limit` jobs are pending, idle() once none is. */
import { Backlog } from '../../src/util/backlog.js';

/** A job settled from outside. */
function job(): { promise: Promise<void>; settle: (ok: boolean) => void } {
  let settle!: (ok: boolean) => void;
  const promise = new Promise<void>((resolve, reject) => (settle = (ok) => (ok ? resolve() : reject(new Error('job failed')))));
  // The backlog only counts settling; the producer handles failures itself.
  promise.catch(() => undefined);
  return { promise, settle };
}

/** Whether a promise has resolved by the time the queued microtasks ran. */
async function isSettled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
}

it('makes the producer wait while more than the limit are pending, and lets it on once one settles', async () => {
  const backlog = new Backlog(2);
  const jobs = [job(), job(), job()];
  for (const j of jobs) backlog.add(j.promise);
  const room = backlog.room();
  expect(await isSettled(room)).toBe(false);
  jobs[0]!.settle(false); // a failed job frees its place as a finished one does
  expect(await isSettled(room)).toBe(true);
  expect(await isSettled(backlog.room())).toBe(true);
});

it('is idle only once every job has settled', async () => {
  const backlog = new Backlog(10);
  expect(await isSettled(backlog.idle())).toBe(true);
  const jobs = [job(), job()];
  for (const j of jobs) backlog.add(j.promise);
  const idle = backlog.idle();
  jobs[1]!.settle(true);
  expect(await isSettled(idle)).toBe(false);
  jobs[0]!.settle(true);
  expect(await isSettled(idle)).toBe(true);
});
