/**
 * The bcrypt worker (see bcrypt.ts): compares one password at a time, off the thread that serves
 * scrapes. bcryptjs is pure JavaScript; on the HTTP thread each comparison would block it for ~70 ms.
 */
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcryptjs';
import type { CompareRequest, CompareResult } from './bcrypt.js';

if (!parentPort) throw new Error('bcrypt-thread.js runs only as a worker thread (src/http/bcrypt.ts)');
const port = parentPort;
port.on('message', (request: CompareRequest) => {
  let result: CompareResult;
  try {
    result = { id: request.id, matches: bcrypt.compareSync(request.password, request.hash) };
  } catch (error) {
    result = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(result);
});
