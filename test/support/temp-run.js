// The test run's temporary directory. globalSetup gives the run its own os.tmpdir() (TMPDIR, inherited by
// the jest workers and the processes the tests start), so what this run makes cannot be confused with
// another run's or another process's. globalTeardown fails the run if a `kansa-*` directory is still in it
// (a test made one without test/support/temp.ts tempDir, or its removal failed), then removes it all.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUN_DIR = 'KANSA_TEST_RUN_TMPDIR';
const OUTER = 'KANSA_TEST_OUTER_TMPDIR';

export function startTempRun() {
  const outer = process.env.TMPDIR;
  const run = mkdtempSync(join(tmpdir(), 'kansa-jest-'));
  process.env[RUN_DIR] = run;
  if (outer !== undefined) process.env[OUTER] = outer;
  process.env.TMPDIR = run;
}

export function finishTempRun() {
  const run = process.env[RUN_DIR];
  if (!run) return;
  const left = readdirSync(run).filter((name) => name.startsWith('kansa-'));
  rmSync(run, { recursive: true, force: true, maxRetries: 3 });
  if (process.env[OUTER] !== undefined) process.env.TMPDIR = process.env[OUTER];
  else delete process.env.TMPDIR;
  delete process.env[RUN_DIR];
  delete process.env[OUTER];
  if (left.length > 0) {
    throw new Error(`the test run left ${left.length} temporary director${left.length === 1 ? 'y' : 'ies'} behind: ${left.sort().join(', ')}; make them with tempDir (test/support/temp.ts), which removes them after the test file`);
  }
}
