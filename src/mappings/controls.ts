import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { celCompiler, type Program } from '../cel/cel.js';
import { InputError } from '../errors.js';
import type { ProviderId } from '../model/resource.js';
import type { Bilingual } from '../model/text.js';
import type { Catalog } from './catalog.js';
import { controlsFileSchema, type ControlSpec, type Severity } from './schemas.js';
import { loadYamlFile } from './yaml-file.js';

export interface ContextIndexSpec {
  readonly name: string;
  readonly type: string;
  /** Evaluated with `r` bound to a resource of `type`; the index maps this key to the resources. */
  readonly key: Program;
}

/**
 * A compiled CEL expression of a control, with the variables it reads: `needs` lists their indexes
 * (transitively, in declaration order) so the engine evaluates exactly those, once, before it.
 */
export interface ControlExpression {
  readonly program: Program;
  readonly needs: readonly number[];
  /** The expression's source and the sources of every variable it reads: what it depends on. */
  readonly sources: readonly string[];
}

export interface ControlVariable extends ControlExpression {
  readonly name: string;
}

export interface Control {
  readonly id: string;
  readonly file: string;
  readonly titleJa: string;
  readonly titleEn: string;
  readonly provider: ProviderId;
  readonly resourceTypes: readonly string[];
  readonly kind: 'each' | 'exists';
  readonly scope: 'account' | 'region' | 'resource';
  readonly variables: readonly ControlVariable[];
  readonly where?: ControlExpression;
  readonly expression: ControlExpression;
  readonly reason?: { readonly ja: ControlExpression; readonly en: ControlExpression };
  readonly context: readonly ContextIndexSpec[];
  readonly severity: Severity;
  readonly rationale: Bilingual;
  readonly remediation: Bilingual;
  /** catalog id → requirement ids */
  readonly requirements: Readonly<Record<string, readonly string[]>>;
}

const RESOURCE_VARIABLE = 'resource';
const VARIABLES_VARIABLE = 'variables';
const CONTEXT_KEY_VARIABLE = 'r';
/** `variables.NAME` or `variables.?NAME` (optional field selection). */
const VARIABLE_REFERENCE = /(?<![\w.])variables\s*\.\s*\??\s*([A-Za-z_][A-Za-z0-9_]*)/g;

/** Lists control files: a file is itself, a directory is every *.yaml / *.yml under it, sorted. */
export function controlFiles(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new InputError(path, '', 'no such file or directory');
  }
  if (!stat.isDirectory()) return [path];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(path, name));
}

/**
 * Loads and validates control files against the loaded catalogs: schema, duplicate ids, CEL that
 * does not compile, unknown requirement ids. Any problem is an InputError naming file, line and path.
 */
export function loadControls(files: readonly string[], catalogs: readonly Catalog[]): Control[] {
  const byId = new Map<string, Control>();
  for (const file of files) {
    const { value, locate } = loadYamlFile(file, controlsFileSchema);
    value.controls.forEach((spec, index) => {
      const at = (...path: (string | number)[]): [string, string] => [
        locate(['controls', index, ...path]),
        ['controls', `[${index}]`, ...path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))].join(''),
      ];
      const previous = byId.get(spec.id);
      if (previous) throw new InputError(...at('id'), `duplicate control id "${spec.id}" (also in ${previous.file})`);
      byId.set(spec.id, compileControl(file, spec, at, catalogs));
    });
  }
  for (const catalog of catalogs) {
    for (const requirement of catalog.requirements) {
      for (const id of requirement.listedControls) {
        if (!byId.has(id)) throw new InputError(catalog.file, `requirements[id=${requirement.id}].controls`, `unknown control "${id}"`);
      }
    }
  }
  return [...byId.values()];
}

function compileControl(
  file: string,
  spec: ControlSpec,
  at: (...path: (string | number)[]) => [string, string],
  catalogs: readonly Catalog[],
): Control {
  if (spec.kind === 'exists' && !spec.scope) throw new InputError(...at('scope'), 'an "exists" control needs scope: account or region');
  if (spec.kind === 'each' && spec.scope) throw new InputError(...at('scope'), 'scope applies only to "exists" controls');
  const context = spec.context ?? [];
  const names = new Set<string>([RESOURCE_VARIABLE, VARIABLES_VARIABLE]);
  for (const [i, c] of context.entries()) {
    if (names.has(c.name)) throw new InputError(...at('context', i, 'name'), `context name "${c.name}" is already used`);
    names.add(c.name);
  }
  const compileWith = celCompiler([...names]);
  const variables: ControlVariable[] = [];
  /** Compiles one expression; every `variables.NAME` it reads must be declared before it. */
  const compile = (source: string, expected: 'bool' | 'string' | 'dyn', declared: number, ...path: (string | number)[]): ControlExpression => {
    const result = compileWith(source, expected);
    if (!result.ok) throw new InputError(...at(...path), `CEL does not compile: ${result.error}`);
    const needs = new Set<number>();
    for (const match of source.matchAll(VARIABLE_REFERENCE)) {
      const name = match[1]!;
      const index = variables.findIndex((v) => v.name === name);
      if (index < 0 || index >= declared) {
        const known = variables.slice(0, declared).map((v) => v.name);
        const later = (spec.variables ?? []).findIndex((v) => v.name === name) >= declared;
        throw new InputError(
          ...at(...path),
          later
            ? `variables.${name} is declared after this expression; a variable may read only earlier ones`
            : `unknown variable "variables.${name}" (${known.length > 0 ? `declared: ${known.join(', ')}` : 'this control declares no variables'})`,
        );
      }
      needs.add(index);
      for (const n of variables[index]!.needs) needs.add(n);
    }
    const ordered = [...needs].sort((a, b) => a - b);
    return { program: result.value, needs: ordered, sources: [source, ...ordered.map((i) => variables[i]!.program.source)] };
  };
  for (const [i, v] of (spec.variables ?? []).entries()) {
    if (variables.some((w) => w.name === v.name)) throw new InputError(...at('variables', i, 'name'), `variable "${v.name}" is already declared`);
    variables.push({ name: v.name, ...compile(v.expression, 'dyn', i, 'variables', i, 'expression') });
  }
  const all = variables.length;
  const compileKey = celCompiler([CONTEXT_KEY_VARIABLE]);
  const contextSpecs = context.map((c, i): ContextIndexSpec => {
    const key = compileKey(c.key, 'dyn');
    if (!key.ok) throw new InputError(...at('context', i, 'key'), `CEL does not compile: ${key.error}`);
    return { name: c.name, type: c.type, key: key.value };
  });
  for (const [catalogId, ids] of Object.entries(spec.requirements)) {
    const catalog = catalogs.find((c) => c.id === catalogId);
    if (!catalog) continue; // a catalog that is not loaded in this run
    ids.forEach((id, i) => {
      if (!catalog.requirements.some((r) => r.id === id)) {
        throw new InputError(...at('requirements', catalogId, i), `unknown requirement "${id}" in catalog ${catalogId}`);
      }
    });
  }
  return {
    id: spec.id,
    file,
    titleJa: spec.title.ja,
    titleEn: spec.title.en,
    provider: spec.provider,
    resourceTypes: spec.resourceTypes,
    kind: spec.kind,
    scope: spec.scope ?? 'resource',
    variables,
    ...(spec.where === undefined ? {} : { where: compile(spec.where, 'bool', all, 'where') }),
    expression: compile(spec.expression, 'bool', all, 'expression'),
    ...(spec.reason === undefined
      ? {}
      : { reason: { ja: compile(spec.reason.ja, 'string', all, 'reason', 'ja'), en: compile(spec.reason.en, 'string', all, 'reason', 'en') } }),
    context: contextSpecs,
    severity: spec.severity,
    rationale: spec.rationale,
    remediation: spec.remediation,
    requirements: spec.requirements,
  };
}
