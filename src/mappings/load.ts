/** Loading the mappings every command and the agent start from: catalog, controls, attestations and exceptions, from files or the bundle. */
import { loadAttestations, type Attestation } from './attestations.js';
import { loadCatalog, type Catalog } from './catalog.js';
import { controlFiles, loadControls, type Control } from './controls.js';
import { loadExceptions, type ControlException } from './exceptions.js';
import { InputErrorCollector } from '../errors.js';
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

/**
 * Loads every mapping file, reporting the problems of all of them at once (InputErrors when several).
 * A file that depends on one that failed is checked only as far as that gives no false errors: controls
 * without a valid catalog are checked but for their requirement ids, exceptions only with valid controls.
 */
export function loadMappings(options: MappingOptions): Mappings {
  const errors = new InputErrorCollector();
  const catalog = errors.attempt(() => loadCatalog(options.catalog ?? BUNDLED_CATALOG));
  const paths = [...(options.bundledControls === false ? [] : [BUNDLED_CONTROLS_DIR]), ...(options.controls ?? [])];
  const found = errors.count;
  const files = paths.flatMap((path) => errors.attempt(() => controlFiles(path)) ?? []);
  // A missing control path may hold the controls the catalog lists: then its list is not checked.
  const controls = errors.attempt(() => loadControls(files, catalog ? [catalog] : [], { allFiles: errors.count === found }));
  const attestations = options.attestations && catalog ? errors.attempt(() => loadAttestations(options.attestations!, [catalog], catalog.id)) : [];
  const exceptions = options.exceptions && controls ? errors.attempt(() => loadExceptions(options.exceptions!, controls)) : [];
  errors.throwIfAny();
  // Each is undefined only when its step failed, and then its error is collected.
  return { catalog: catalog!, controls: controls!, attestations: attestations!, exceptions: exceptions! };
}
