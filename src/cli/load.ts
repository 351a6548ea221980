/** Start-up loading shared by commands: catalog, controls and attestations from files or the bundle. */
import { statSync } from 'node:fs';
import { loadAttestations, type Attestation } from '../mappings/attestations.js';
import { loadCatalog, type Catalog } from '../mappings/catalog.js';
import { controlFiles, loadControls, type Control } from '../mappings/controls.js';
import { loadExceptions, type ControlException } from '../mappings/exceptions.js';
import { enabledProviders } from '../../collectors/registry.js';
import type { AgentConfig } from '../config/schema.js';
import { InputError } from '../errors.js';
import { BUNDLED_CATALOG, BUNDLED_CONTROLS_DIR } from '../paths.js';

export interface MappingOptions {
  readonly catalog?: string | undefined;
  /** Extra control files or directories, added to the bundled ones. */
  readonly controls?: readonly string[] | undefined;
  readonly bundledControls?: boolean | undefined;
  readonly attestations?: string | undefined;
  readonly exceptions?: string | undefined;
}

export interface Mappings {
  readonly catalog: Catalog;
  readonly controls: readonly Control[];
  readonly attestations: readonly Attestation[];
  readonly exceptions: readonly ControlException[];
}

export function loadMappings(options: MappingOptions): Mappings {
  const catalog = loadCatalog(options.catalog ?? BUNDLED_CATALOG);
  const paths = [...(options.bundledControls === false ? [] : [BUNDLED_CONTROLS_DIR]), ...(options.controls ?? [])];
  const controls = loadControls(paths.flatMap(controlFiles), [catalog]);
  const attestations = options.attestations ? loadAttestations(options.attestations, [catalog], catalog.id) : [];
  const exceptions = options.exceptions ? loadExceptions(options.exceptions, controls) : [];
  return { catalog, controls, attestations, exceptions };
}

/** Commands that collect need a collector: without one, `run` would wait for its first assessment forever. */
export function requireCollectors(config: AgentConfig, configFile: string | undefined, sandbox: boolean): void {
  if (sandbox || enabledProviders(config).length > 0) return;
  throw new InputError(configFile ?? '(no --config)', 'collectors', 'no collector is enabled: configure collectors.aws, collectors.azure or collectors.gcp, or use --sandbox');
}

/** Whether `path` names an existing directory (commands that take a directory or a file). */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
