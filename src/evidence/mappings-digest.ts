/**
 * The "mappings digest": sha256 over the catalog and control files an evaluation used, so an auditor
 * can tell whether two snapshots were judged by the same rules. Computed from content only (role and
 * file hash, sorted), so moving the files does not change it; the paths are kept for the reader.
 */
import { readFileSync } from 'node:fs';
import { relative, isAbsolute } from 'node:path';
import { controlFiles } from '../mappings/controls.js';
import { BUNDLED_CATALOG, BUNDLED_CONTROLS_DIR, PACKAGE_ROOT } from '../paths.js';
import { sha256Hex } from './format.js';

export interface MappingsDigest {
  readonly digest: string;
  readonly files: readonly { readonly role: 'catalog' | 'controls'; readonly path: string; readonly sha256: string }[];
}

export interface MappingSources {
  readonly catalog?: string | undefined;
  /** Extra control files or directories, besides the bundled ones. */
  readonly controls?: readonly string[] | undefined;
}

function displayPath(path: string): string {
  const inPackage = relative(PACKAGE_ROOT, path);
  return inPackage.startsWith('..') || isAbsolute(inPackage) ? path : inPackage;
}

export function mappingsDigest(sources: MappingSources): MappingsDigest {
  const entries = [
    { role: 'catalog' as const, path: sources.catalog ?? BUNDLED_CATALOG },
    ...[BUNDLED_CONTROLS_DIR, ...(sources.controls ?? [])].flatMap(controlFiles).map((path) => ({ role: 'controls' as const, path })),
  ];
  const files = entries.map((e) => ({ role: e.role, path: displayPath(e.path), sha256: sha256Hex(readFileSync(e.path)) }));
  const lines = files.map((f) => `${f.role} ${f.sha256}\n`).sort();
  return { digest: sha256Hex(lines.join('')), files };
}
