/** Loading the mappings every command and the agent start from: catalog, controls, attestations and exceptions, from files or the bundle. */
import { loadAttestations, type Attestation } from './attestations.js';
import { loadCatalog, type Catalog } from './catalog.js';
import { controlFiles, loadControls, type Control } from './controls.js';
import { loadExceptions, type ControlException } from './exceptions.js';
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
