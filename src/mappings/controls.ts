import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { celCompiler, type Program } from '../cel/cel.js';
import { InputError, InputErrorCollector } from '../errors.js';
import type { ProviderId } from '../model/resource.js';
import type { Bilingual } from '../model/text.js';
import type { Catalog } from './catalog.js';
import { controlSchema, controlsFileSchema, type ControlSpec, type Severity } from './schemas.js';
import { readYamlDocument, validEntries, validate } from './yaml-file.js';

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

/** The requirements of a catalog a control evidences: those it names and those whose catalog entry lists it. */
export function requirementsOfControl(control: Control, catalog: Catalog): readonly string[] {
  const ids = new Set(control.requirements[catalog.id] ?? []);
  for (const r of catalog.requirements) if (r.listedControls.includes(control.id)) ids.add(r.id);
  return [...ids];
}

/** The controls that evidence one requirement of a catalog (the inverse of requirementsOfControl). */
export function controlsEvidencing(catalog: Catalog, requirement: Catalog['requirements'][number], controls: readonly Control[]): Control[] {
  return controls.filter((c) => (c.requirements[catalog.id] ?? []).includes(requirement.id) || requirement.listedControls.includes(c.id));
}

const RESOURCE_VARIABLE = 'resource';
const VARIABLES_VARIABLE = 'variables';
const CONTEXT_KEY_VARIABLE = 'r';
/**
 * `variables.NAME` or `variables.?NAME` (optional field selection); not a field named `variables`, selected with
 * `.` or `.?` (a Lambda function's `configuration.?environment.?variables`).
 */
const VARIABLE_REFERENCE = /(?<!\w|\.\s*\??\s*)variables\s*\.\s*\??\s*([A-Za-z_][A-Za-z0-9_]*)/g;

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
 * does not compile, unknown requirement ids. Every problem of every file is reported at once, each
 * naming file, line and path (an InputError, InputErrors when there are several).
 */
export function loadControls(files: readonly string[], catalogs: readonly Catalog[], options: { readonly allFiles?: boolean } = {}): Control[] {
  const errors = new InputErrorCollector();
  const byId = new Map<string, Control>();
  /** Every id declared, also of controls with errors: their ids are not "unknown" to a catalog. */
  const declared = new Map<string, string>();
  let everyFileRead = options.allFiles ?? true;
  for (const file of files) {
    const doc = errors.attempt(() => readYamlDocument(file));
    if (!doc) {
      everyFileRead = false;
      continue;
    }
    const value = validate(doc, controlsFileSchema, errors);
    // A file that fails its schema: its valid controls are still compiled, so one pass finds every problem.
    const entries = value ? value.controls.map((spec, index) => ({ index, value: spec })) : validEntries(doc, 'controls', controlSchema);
    for (const { index, value: spec } of entries) {
      const at = (...path: (string | number)[]): [string, string] => [
        doc.locate(['controls', index, ...path]),
        ['controls', `[${index}]`, ...path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))].join(''),
      ];
      const previous = declared.get(spec.id);
      if (previous !== undefined) {
        errors.add(...at('id'), `duplicate control id "${spec.id}" (also in ${previous})`);
        continue;
      }
      declared.set(spec.id, file);
      const control = compileControl(file, spec, at, catalogs, errors);
      if (control) byId.set(spec.id, control);
    }
    const valid = new Set(entries.map((e) => e.index));
    for (const [index, id] of rawIds(doc.raw)) if (!valid.has(index) && !declared.has(id)) declared.set(id, file);
  }
  // A file that is missing or not even YAML may declare any id: a catalog's list is checked only when every file was read.
  for (const catalog of everyFileRead ? catalogs : []) {
    for (const requirement of catalog.requirements) {
      for (const id of requirement.listedControls) {
        if (!declared.has(id)) errors.add(catalog.file, `requirements[id=${requirement.id}].controls`, `unknown control "${id}"`);
      }
    }
  }
  errors.throwIfAny();
  return [...byId.values()];
}

/** The string ids of the entries of a controls document, valid or not, by index. */
function rawIds(raw: unknown): [number, string][] {
  const list = typeof raw === 'object' && raw !== null ? (raw as { controls?: unknown }).controls : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown, index): [number, string][] => {
    const id = typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : undefined;
    return typeof id === 'string' ? [[index, id]] : [];
  });
}

/** Compiles one control; every problem goes to `errors` and the control is then undefined. */
function compileControl(
  file: string,
  spec: ControlSpec,
  at: (...path: (string | number)[]) => [string, string],
  catalogs: readonly Catalog[],
  errors: InputErrorCollector,
): Control | undefined {
  const before = errors.count;
  if (spec.kind === 'exists' && !spec.scope) errors.add(...at('scope'), 'an "exists" control needs scope: account or region');
  if (spec.kind === 'each' && spec.scope) errors.add(...at('scope'), 'scope applies only to "exists" controls');
  const context = spec.context ?? [];
  const names = new Set<string>([RESOURCE_VARIABLE, VARIABLES_VARIABLE]);
  for (const [i, c] of context.entries()) {
    if (names.has(c.name)) errors.add(...at('context', i, 'name'), `context name "${c.name}" is already used`);
    names.add(c.name);
  }
  const compileWith = celCompiler([...names]);
  const specVariables = spec.variables ?? [];
  /** Index-aligned with `specVariables`; undefined where a variable has an error (already reported). */
  const variables: (ControlVariable | undefined)[] = [];
  /** Compiles one expression; every `variables.NAME` it reads must be declared before it. Undefined on any problem. */
  const compile = (source: string, expected: 'bool' | 'string' | 'dyn', declared: number, ...path: (string | number)[]): ControlExpression | undefined => {
    const result = compileWith(source, expected);
    if (!result.ok) {
      errors.add(...at(...path), `CEL does not compile: ${result.error}`);
      return undefined;
    }
    const needs = new Set<number>();
    let usable = true;
    const reported = new Set<string>();
    for (const match of source.matchAll(VARIABLE_REFERENCE)) {
      const name = match[1]!;
      const index = specVariables.findIndex((v) => v.name === name);
      if (index < 0 || index >= declared) {
        usable = false;
        if (reported.has(name)) continue;
        reported.add(name);
        const known = specVariables.slice(0, declared).map((v) => v.name);
        errors.add(
          ...at(...path),
          index >= declared
            ? `variables.${name} is declared after this expression; a variable may read only earlier ones`
            : `unknown variable "variables.${name}" (${known.length > 0 ? `declared: ${known.join(', ')}` : 'this control declares no variables'})`,
        );
        continue;
      }
      const variable = variables[index];
      if (!variable) {
        usable = false; // its own error is reported
        continue;
      }
      needs.add(index);
      for (const n of variable.needs) needs.add(n);
    }
    if (!usable) return undefined;
    const ordered = [...needs].sort((a, b) => a - b);
    return { program: result.value, needs: ordered, sources: [source, ...ordered.map((i) => variables[i]!.program.source)] };
  };
  for (const [i, v] of specVariables.entries()) {
    if (specVariables.findIndex((w) => w.name === v.name) < i) {
      errors.add(...at('variables', i, 'name'), `variable "${v.name}" is already declared`);
      variables.push(undefined);
      continue;
    }
    const compiled = compile(v.expression, 'dyn', i, 'variables', i, 'expression');
    variables.push(compiled && { name: v.name, ...compiled });
  }
  const all = variables.length;
  const compileKey = celCompiler([CONTEXT_KEY_VARIABLE]);
  const contextSpecs = context.flatMap((c, i): ContextIndexSpec[] => {
    const key = compileKey(c.key, 'dyn');
    if (!key.ok) {
      errors.add(...at('context', i, 'key'), `CEL does not compile: ${key.error}`);
      return [];
    }
    return [{ name: c.name, type: c.type, key: key.value }];
  });
  for (const [catalogId, ids] of Object.entries(spec.requirements)) {
    const catalog = catalogs.find((c) => c.id === catalogId);
    if (!catalog) continue; // a catalog that is not loaded in this run
    ids.forEach((id, i) => {
      if (!catalog.requirements.some((r) => r.id === id)) errors.add(...at('requirements', catalogId, i), `unknown requirement "${id}" in catalog ${catalogId}`);
    });
  }
  const where = spec.where === undefined ? undefined : compile(spec.where, 'bool', all, 'where');
  const expression = compile(spec.expression, 'bool', all, 'expression');
  const reason = spec.reason === undefined ? undefined : { ja: compile(spec.reason.ja, 'string', all, 'reason', 'ja'), en: compile(spec.reason.en, 'string', all, 'reason', 'en') };
  if (errors.count > before || !expression) return undefined;
  return {
    id: spec.id,
    file,
    titleJa: spec.title.ja,
    titleEn: spec.title.en,
    provider: spec.provider,
    resourceTypes: spec.resourceTypes,
    kind: spec.kind,
    scope: spec.scope ?? 'resource',
    variables: variables.filter((v) => v !== undefined),
    ...(where === undefined ? {} : { where }),
    expression,
    ...(reason?.ja && reason.en ? { reason: { ja: reason.ja, en: reason.en } } : {}),
    context: contextSpecs,
    severity: spec.severity,
    rationale: spec.rationale,
    remediation: spec.remediation,
    requirements: spec.requirements,
  };
}
