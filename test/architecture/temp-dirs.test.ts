/**
 * The suite's temporary-directory check (test/support/temp-run.js, jest's globalSetup/globalTeardown):
 * a run that leaves a `kansa-*` directory behind fails and names it; a clean run passes; either way the
 * run's own temporary directory is gone afterwards.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/temp.js';

const tempRun = new URL('../support/temp-run.js', import.meta.url).href;

/** Runs a jest-like run in a child process: start, make (or not) a `kansa-*` directory, finish. */
function run(leak: boolean): { status: number | null; stderr: string; outer: string } {
  const outer = tempDir('kansa-temp-check-');
  const script = [
    "import { mkdtempSync } from 'node:fs';",
    "import { tmpdir } from 'node:os';",
    "import { join } from 'node:path';",
    `const { startTempRun, finishTempRun } = await import(${JSON.stringify(tempRun)});`,
    'startTempRun();',
    leak ? "mkdtempSync(join(tmpdir(), 'kansa-forgotten-'));" : '',
    'try { finishTempRun(); } catch (error) { console.error(error.message); process.exit(3); }',
  ].join('\n');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TMPDIR: outer }, encoding: 'utf8' });
  return { status: child.status, stderr: child.stderr, outer };
}

describe('temporary directories left by a test run', () => {
  it('fail the run, named, and are removed', () => {
    const { status, stderr, outer } = run(true);
    expect(status).toBe(3);
    expect(stderr).toMatch(/left 1 temporary directory behind: kansa-forgotten-\w+/);
    expect(readdirSync(outer)).toEqual([]);
  });

  it('pass when every test removed its own', () => {
    const { status, stderr, outer } = run(false);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(readdirSync(outer)).toEqual([]);
  });

  it('tempDir directories live in this run’s temporary directory until the file ends', () => {
    const dir = tempDir('kansa-lifetime-');
    expect(existsSync(dir)).toBe(true);
    const runDir = process.env.KANSA_TEST_RUN_TMPDIR;
    expect(runDir).toBeDefined();
    expect(join(dir, '..')).toBe(runDir);
  });
});
