import { dirname, isAbsolute, resolve } from 'node:path';
import { InputError, InputErrorCollector } from '../errors.js';
import { loadYamlFile, parseYamlText } from '../mappings/yaml-file.js';
import { configSchema, type AgentConfig } from './schema.js';

/** Loads and validates the agent configuration; relative paths in it are relative to the file. */
export function loadConfig(file: string): AgentConfig {
  const { value, locate } = loadYamlFile(file, configSchema);
  const base = dirname(file);
  const rel = (path: string): string => (isAbsolute(path) ? path : resolve(base, path));
  // Each problem of the file is reported, not the first (the schema's own are all reported by loadYamlFile).
  const errors = new InputErrorCollector();
  const aws = value.collectors.aws;
  if (aws && aws.enabled && aws.accounts.length === 0 && !aws.aggregator) {
    errors.add(locate(['collectors', 'aws']), 'collectors.aws', 'expected "accounts" (per-account collection) or "aggregator" (organization-wide)');
  }
  // An enabled collector with nothing to collect would report success on an empty estate.
  const gcp = value.collectors.gcp;
  if (gcp && gcp.enabled && gcp.scopes.length === 0) {
    errors.add(locate(['collectors', 'gcp']), 'collectors.gcp', 'expected "scopes": the projects/ID, folders/N or organizations/N to list');
  }
  const azure = value.collectors.azure;
  if (azure && azure.enabled && azure.subscriptions.length === 0 && !azure.discoverSubscriptions) {
    errors.add(locate(['collectors', 'azure']), 'collectors.azure', 'expected "subscriptions", or discoverSubscriptions: true to collect every subscription the credential can see');
  }
  errors.throwIfAny();
  return {
    ...value,
    ...(value.catalog === undefined ? {} : { catalog: rel(value.catalog) }),
    ...(value.attestations === undefined ? {} : { attestations: rel(value.attestations) }),
    ...(value.exceptions === undefined ? {} : { exceptions: rel(value.exceptions) }),
    ...(value.web?.configFile === undefined ? {} : { web: { ...value.web, configFile: rel(value.web.configFile) } }),
    ...(value.evidence === undefined
      ? {}
      : { evidence: { ...value.evidence, ...(value.evidence.dir === undefined ? {} : { dir: rel(value.evidence.dir) }), ...(value.evidence.key === undefined ? {} : { key: rel(value.evidence.key) }) } }),
    controls: value.controls.map(rel),
  };
}

/** The configuration used when none is given: every default, no collectors (the sandbox adds its own). */
export function defaultConfig(): AgentConfig {
  return parseYamlText('(defaults)', '{}', configSchema).value;
}

export function parseListen(address: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(address);
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new InputError('--listen', '', `expected host:port with a port from 1 to 65535 (0: any free port), got "${address}"`);
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}
