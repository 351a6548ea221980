import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from './temp.js';

/** Writes files into a fresh temporary directory (removed after the test file) and returns their paths. */
export function tempFiles(files: Record<string, string>): Record<string, string> & { dir: string } {
  const dir = tempDir('kansa-test-');
  const paths: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    paths[name] = path;
  }
  return Object.assign(paths, { dir });
}
