/**
 * Temporary directories for tests. Every `kansa-*` directory a test makes comes from here and is removed
 * after its test file: by the afterAll that temp-cleanup.ts registers for every file (it runs after the
 * hooks of the file's describe blocks, which stop the servers and agents writing into them), and, for a
 * file whose hooks did not run (every test skipped or filtered out), by the test environment's teardown
 * (environment.js). temp-run.js gives each jest run its own os.tmpdir() and fails the run if a `kansa-*`
 * directory is still there at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** This test file's directories, on its global so the environment can reach them after the file. */
const KEY = '__kansaTempDirs';

function created(): string[] {
  const global = globalThis as typeof globalThis & { [KEY]?: string[] };
  return (global[KEY] ??= []);
}

/** A fresh directory `<os.tmpdir()>/<prefix>XXXXXX`, removed after this test file. */
export function tempDir(prefix = 'kansa-test-'): string {
  if (!prefix.startsWith('kansa-')) throw new Error(`temporary directory prefix ${prefix} does not start with kansa-`);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created().push(dir);
  return dir;
}

/** Removes every directory this test file made so far. */
export function removeTempDirs(): void {
  for (const dir of created().splice(0).reverse()) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
