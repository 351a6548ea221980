import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, found from this file whether it runs from src/ (tests) or dist/src/ (built). */
export const PACKAGE_ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'kansa') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('kansa package root not found');
    dir = parent;
  }
})();

export const BUNDLED_CATALOG = join(PACKAGE_ROOT, 'mappings', 'catalogs', 'jp-cloud-procurement.yaml');
export const BUNDLED_CONTROLS_DIR = join(PACKAGE_ROOT, 'mappings', 'controls');
export const BUNDLED_REGISTERS_DIR = join(PACKAGE_ROOT, 'mappings', 'registers');

export const VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
