/** Start-up checks shared by commands (the mappings themselves load in src/mappings/load.ts). */
import { statSync } from 'node:fs';
import { enabledProviders } from '../../collectors/registry.js';
import type { AgentConfig } from '../config/schema.js';
import { InputError, InputErrorCollector } from '../errors.js';
import type { Mappings } from '../mappings/load.js';
import { readYamlDocument } from '../mappings/yaml-file.js';

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

/**
 * Every `disabledControls` entry names a loaded control: a typo would otherwise leave the control it meant
 * to disable running, silently. All unknown ids are reported together.
 */
export function checkDisabledControls(config: AgentConfig, mappings: Mappings, configFile: string | undefined): void {
  const known = new Set(mappings.controls.map((c) => c.id));
  const errors = new InputErrorCollector();
  // The file parsed already (loadConfig): read again only to name the line of each unknown id.
  const at = (index: number): string => (configFile ? readYamlDocument(configFile).locate(['disabledControls', index]) : '(no --config)');
  config.disabledControls.forEach((id, index) => {
    if (!known.has(id)) errors.add(at(index), `disabledControls[${index}]`, `unknown control "${id}" (kansa catalog lists the control ids)`);
  });
  errors.throwIfAny();
}
