// jest globalSetup. Child processes and worker threads (the agent's engine, `kansa` CLI tests) run the
// build in dist/, not the TypeScript under test: refuse to run against a build older than the sources,
// which would test old code without saying so. `npm test` builds first; alone, run `npm run build`.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function newestTs(dir) {
  let newest = { file: '', mtimeMs: 0 };
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    const { mtimeMs } = statSync(file);
    if (mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
  }
  return newest;
}

export default function buildIsCurrent() {
  const built = join(root, 'dist/src/agent/engine-worker.js');
  let builtAt;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    throw new Error(`${built} is missing: run \`npm run build\` (or \`npm test\`, which builds first)`);
  }
  for (const dir of ['src', 'collectors']) {
    const newest = newestTs(dir);
    // tsc rewrites every output file on each build, so the worker's mtime is the build's time.
    if (newest.mtimeMs > builtAt) throw new Error(`${newest.file} is newer than the build in dist/: run \`npm run build\` (or \`npm test\`, which builds first)`);
  }
}
