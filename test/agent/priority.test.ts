/**
 * How the engine thread lowers its own priority: to the agent's niceness, never higher than the process was
 * started with (raising needs privileges), and with the reason when the platform does not allow it.
 */
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { ENGINE_NICENESS, lowerThisThreadPriority, type ThreadPriorityApi } from '../../src/agent/priority.js';

function fakeThread(niceness: number, threadId: () => number = () => 4242): ThreadPriorityApi & { readonly niceness: () => number; readonly sets: number[] } {
  let current = niceness;
  const sets: number[] = [];
  return {
    threadId,
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
  const refused: ThreadPriorityApi = { threadId: () => 7, get: () => 0, set: () => { throw new Error('EACCES: permission denied'); } };
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
