/**
 * The engine's thread yields the CPU to the HTTP thread. A scan keeps the engine busy for minutes at a time
 * (normalizing and evaluating a million resources); on a small machine a scrape then waited for a core behind
 * it, and /metrics answered in 100–200 ms instead of a few. Linux schedules each thread on its own, with its
 * own nice value: the engine's thread runs at ENGINE_NICENESS, the HTTP thread stays at the process's, so a
 * scrape takes a core at once and the scan uses every cycle left over (nothing slows when the machine is idle).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { basename } from 'node:path';
import { errorMessage } from '../errors.js';

/** CFS weighs nice 0 against nice 10 about 9.3 to 1 (kernel/sched/core.c, sched_prio_to_weight). */
export const ENGINE_NICENESS = 10;

/**
 * V8's platform worker threads (Node names them "V8Worker") run the garbage collector's parallel and concurrent
 * tasks of every isolate in the process. During a scan nearly all of that work is the engine's heap, and at nice 0
 * those threads took the cores the HTTP thread was waiting for.
 */
export const GC_HELPER_THREAD_NAME = 'V8Worker';

export interface ThreadPriorityApi {
  /** The calling thread's id: /proc/thread-self names it (Linux ≥ 3.17; proc(5)). */
  readonly threadId: () => number;
  /** Every thread of the process with its name (/proc/self/task/<tid>/comm; proc(5)). */
  readonly threads: () => ReadonlyArray<{ readonly id: number; readonly name: string }>;
  readonly get: (id: number) => number;
  readonly set: (id: number, niceness: number) => void;
}

const LINUX: ThreadPriorityApi = {
  threadId: () => Number(basename(readlinkSync('/proc/thread-self'))),
  threads: () => readdirSync('/proc/self/task').map((id) => ({ id: Number(id), name: readFileSync(`/proc/self/task/${id}/comm`, 'utf8').trim() })),
  // setpriority(PRIO_PROCESS, tid) changes that one thread on Linux (setpriority(2), "BUGS"; sched(7)).
  get: (id) => getPriority(id),
  set: (id, niceness) => setPriority(id, niceness),
};

/**
 * Lowers the calling thread's priority to `niceness` (never raises it: a process started with `nice -n 15`
 * keeps 15, and raising needs privileges). Returns what it did, or why it could not (not Linux, a
 * restricted /proc): the agent runs as before then, and says so in its log.
 */
export function lowerThisThreadPriority(niceness: number = ENGINE_NICENESS, api: ThreadPriorityApi = LINUX): { niceness: number } | { error: string } {
  try {
    const id = api.threadId();
    if (!Number.isInteger(id) || id <= 0) return { error: 'the thread id is not readable from /proc/thread-self' };
    const current = api.get(id);
    if (current >= niceness) return { niceness: current };
    api.set(id, niceness);
    return { niceness };
  } catch (error) {
    return { error: errorMessage(error) };
  }
}

/**
 * Lowers every thread named `name` (the GC helpers by default) to `niceness`, never raising one. The main
 * thread still finishes its own small collections itself when the helpers are busy (V8 joins parallel work on
 * the calling thread), so a scrape does not wait on them.
 */
export function lowerThreadsNamed(name: string = GC_HELPER_THREAD_NAME, niceness: number = ENGINE_NICENESS, api: ThreadPriorityApi = LINUX): { lowered: number } | { error: string } {
  try {
    const named = api.threads().filter((thread) => thread.name === name);
    // Node.js names its threads from version 24 on; before that every one of them is "node".
    if (named.length === 0) return { error: `no thread of this process is named ${name} (Node.js ${process.versions.node}; Node.js 24 and later name them)` };
    let lowered = 0;
    for (const thread of named) {
      if (api.get(thread.id) >= niceness) continue;
      api.set(thread.id, niceness);
      lowered++;
    }
    return { lowered };
  } catch (error) {
    return { error: errorMessage(error) };
  }
}
