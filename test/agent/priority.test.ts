/**
 * How the engine thread lowers its own priority: to the agent's niceness, never higher than the process was
 * started with (raising needs privileges), and with the reason when the platform does not allow it.
 */
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { execFileSync } from 'node:child_process';
import { ENGINE_NICENESS, GC_HELPER_THREAD_NAME, lowerThisThreadPriority, lowerThreadsNamed, type ThreadPriorityApi } from '../../src/agent/priority.js';

function fakeThread(niceness: number, threadId: () => number = () => 4242): ThreadPriorityApi & { readonly niceness: () => number; readonly sets: number[] } {
  let current = niceness;
  const sets: number[] = [];
  return {
    threadId,
    threads: () => [],
    get: (id) => {
      expect(id).toBe(threadId());
      return current;
    },
    set: (id, value) => {
      expect(id).toBe(threadId());
      sets.push(value);
      current = value;
    },
    niceness: () => current,
    sets,
  };
}

it('lowers a thread at the default priority to the engine niceness, on that thread only', () => {
  const thread = fakeThread(0);
  expect(lowerThisThreadPriority(ENGINE_NICENESS, thread)).toEqual({ niceness: ENGINE_NICENESS });
  expect(thread.sets).toEqual([ENGINE_NICENESS]);
});

it('leaves a process started nicer than the engine niceness as it was (it never raises a priority)', () => {
  const thread = fakeThread(15);
  expect(lowerThisThreadPriority(ENGINE_NICENESS, thread)).toEqual({ niceness: 15 });
  expect(thread.sets).toEqual([]);
});

it('reports why when the thread id cannot be read or the priority cannot be set, and changes nothing', () => {
  const noProc = fakeThread(0, () => {
    throw new Error("ENOENT: no such file or directory, readlink '/proc/thread-self'");
  });
  expect(lowerThisThreadPriority(ENGINE_NICENESS, noProc)).toEqual({ error: expect.stringContaining('/proc/thread-self') as string });
  const garbled = fakeThread(0, () => Number.NaN);
  expect(lowerThisThreadPriority(ENGINE_NICENESS, garbled)).toEqual({ error: expect.stringContaining('thread id') as string });
  const refused: ThreadPriorityApi = { threadId: () => 7, threads: () => [], get: () => 0, set: () => { throw new Error('EACCES: permission denied'); } };
  expect(lowerThisThreadPriority(ENGINE_NICENESS, refused)).toEqual({ error: expect.stringContaining('EACCES') as string });
});

it('on this Linux machine, lowers the calling thread and no other', async () => {
  const mainBefore = getPriority(process.pid);
  // The compiled module in a worker thread, as the engine runs it: its own /proc/thread-self, its own nice value.
  const compiled = pathToFileURL(join(PACKAGE_ROOT, 'dist', 'src', 'agent', 'priority.js')).href;
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const { readlinkSync } = require('node:fs');
     import(${JSON.stringify(compiled)}).then((m) => {
       const result = m.lowerThisThreadPriority();
       parentPort.postMessage({ result, id: Number(readlinkSync('/proc/thread-self').split('/').pop()) });
     });`,
    { eval: true },
  );
  const reported = await new Promise<{ result: { niceness: number }; id: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const workerNice = getPriority(reported.id);
  await worker.terminate();
  expect(reported.id).not.toBe(process.pid);
  expect(reported.result).toEqual({ niceness: Math.max(mainBefore, ENGINE_NICENESS) });
  expect(workerNice).toBe(Math.max(mainBefore, ENGINE_NICENESS));
  expect(getPriority(process.pid)).toBe(mainBefore);
});

/** Node.js names its threads (V8Worker, libuv-worker, …) from version 24 on. */
const NODE_NAMES_THREADS = Number(process.versions.node.split('.')[0]) >= 24;

/** A process's threads by id, with names and nice values. */
function fakeProcess(threads: ReadonlyArray<{ id: number; name: string; nice: number }>): ThreadPriorityApi & { readonly nice: Map<number, number> } {
  const nice = new Map(threads.map((t) => [t.id, t.nice]));
  return {
    threadId: () => 1,
    threads: () => threads.map(({ id, name }) => ({ id, name })),
    get: (id) => nice.get(id)!,
    set: (id, value) => void nice.set(id, value),
    nice,
  };
}

describe('the garbage collector helper threads', () => {
  it('lowers every V8 worker thread, and no other thread', () => {
    const process = fakeProcess([
      { id: 1, name: 'MainThread', nice: 0 },
      { id: 2, name: 'V8Worker', nice: 0 },
      { id: 3, name: 'V8Worker', nice: 0 },
      { id: 4, name: 'libuv-worker', nice: 0 },
      { id: 5, name: 'WorkerThread', nice: 0 },
    ]);
    expect(lowerThreadsNamed(GC_HELPER_THREAD_NAME, ENGINE_NICENESS, process)).toEqual({ lowered: 2 });
    expect([...process.nice]).toEqual([[1, 0], [2, ENGINE_NICENESS], [3, ENGINE_NICENESS], [4, 0], [5, 0]]);
  });

  it('says so, and changes nothing, when no thread has the name (Node.js before 24 names every thread "node")', () => {
    const process = fakeProcess([
      { id: 1, name: 'node', nice: 0 },
      { id: 2, name: 'node', nice: 0 },
    ]);
    expect(lowerThreadsNamed(GC_HELPER_THREAD_NAME, ENGINE_NICENESS, process)).toEqual({ error: expect.stringContaining('no thread of this process is named V8Worker') as string });
    expect([...process.nice]).toEqual([[1, 0], [2, 0]]);
  });

  it('never raises a helper started nicer, and reports a refusal', () => {
    const process = fakeProcess([{ id: 2, name: 'V8Worker', nice: 15 }]);
    expect(lowerThreadsNamed(GC_HELPER_THREAD_NAME, ENGINE_NICENESS, process)).toEqual({ lowered: 0 });
    expect(process.nice.get(2)).toBe(15);
    const refused: ThreadPriorityApi = { threadId: () => 1, threads: () => [{ id: 2, name: 'V8Worker' }], get: () => 0, set: () => { throw new Error('EACCES: permission denied'); } };
    expect(lowerThreadsNamed(GC_HELPER_THREAD_NAME, ENGINE_NICENESS, refused)).toEqual({ error: expect.stringContaining('EACCES') as string });
  });

  it('on this Linux machine, lowers the V8 workers of the process and leaves its main thread', () => {
    // Its own process: the helpers serve every thread of the process, this test's included.
    const compiled = pathToFileURL(join(PACKAGE_ROOT, 'dist', 'src', 'agent', 'priority.js')).href;
    const script = `
      const { readdirSync, readFileSync } = require('node:fs');
      const { getPriority } = require('node:os');
      import(${JSON.stringify(compiled)}).then((m) => {
        const result = m.lowerThreadsNamed();
        const threads = readdirSync('/proc/self/task').map((id) => ({ name: readFileSync('/proc/self/task/' + id + '/comm', 'utf8').trim(), nice: getPriority(Number(id)) }));
        process.stdout.write(JSON.stringify({ result, threads }));
      });`;
    const { result, threads } = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { result: { lowered: number }; threads: { name: string; nice: number }[] };
    const started = getPriority(process.pid); // the child starts at its parent's niceness
    const helpers = threads.filter((t) => t.name === GC_HELPER_THREAD_NAME);
    if (!NODE_NAMES_THREADS) {
      // Node.js 22 names every thread "node": nothing can be told apart, nothing is changed, and it says why.
      expect(helpers).toEqual([]);
      expect(result).toEqual({ error: expect.stringContaining('Node.js 24 and later name them') as string });
      expect(threads.filter((t) => t.nice !== started)).toEqual([]);
      return;
    }
    expect(helpers.length).toBeGreaterThan(0);
    expect(result).toEqual({ lowered: started < ENGINE_NICENESS ? helpers.length : 0 });
    for (const helper of helpers) expect(helper.nice).toBe(Math.max(started, ENGINE_NICENESS));
    expect(threads.find((t) => t.name === 'MainThread')?.nice).toBe(started);
  });
});
