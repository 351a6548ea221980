/**
 * The compiled CEL evaluator (src/cel/compile.ts) against the cel-js interpreter it replaces.
 *
 * Differential: every expression of every bundled control (variables, where, expression, reasons,
 * context keys) is evaluated by both engines (`KANSA_CEL=verify`) over every resource of the embedded
 * sandbox estates, the test fixtures, and mutations of the fixtures (each field removed, nulled or given
 * another type), with the bindings the engine builds; any difference in ok-ness, value (BigInt vs double
 * included) or error text fails. Whole evaluations are also compared finding by finding.
 * Targeted: error absorption, optional selection, numbers, and the rest of the compiled subset.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeConfigItem } from '../../collectors/aws/normalize.js';
import { normalizeArmResource } from '../../collectors/azure/normalize.js';
import { normalizeAsset } from '../../collectors/gcp/normalize.js';
import { celCompiler, celVerification, isCompiled, type CelEngine, type EvalOutcome, type Program } from '../../src/cel/cel.js';
import { sameValue } from '../../src/cel/compile.js';
import { loadMappings, type Mappings } from '../../src/mappings/load.js';
import type { Finding } from '../../src/evaluate/assessment.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import type { CollectionScope, Resource } from '../../src/model/resource.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { runCli } from '../support/cli.js';

const NOW = new Date('2026-11-01T00:00:00Z');
const FIXTURES = join(PACKAGE_ROOT, 'test', 'fixtures');

function withEngine<T>(engine: CelEngine, run: () => T): T {
  const before = process.env.KANSA_CEL;
  process.env.KANSA_CEL = engine;
  try {
    return run();
  } finally {
    if (before === undefined) delete process.env.KANSA_CEL;
    else process.env.KANSA_CEL = before;
  }
}

async function withEngineAsync<T>(engine: CelEngine, run: () => Promise<T>): Promise<T> {
  const before = process.env.KANSA_CEL;
  process.env.KANSA_CEL = engine;
  try {
    return await run();
  } finally {
    if (before === undefined) delete process.env.KANSA_CEL;
    else process.env.KANSA_CEL = before;
  }
}

function programsOf(mappings: Mappings): Program[] {
  return mappings.controls.flatMap((c) => [
    ...c.variables.map((v) => v.program),
    ...(c.where ? [c.where.program] : []),
    c.expression.program,
    ...(c.reason ? [c.reason.ja.program, c.reason.en.program] : []),
    ...c.context.map((x) => x.key),
  ]);
}

// --- corpus: fixtures and their mutations -------------------------------------------------------

function json(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

function fixtureResources(): Resource[] {
  const resources: Resource[] = [];
  const aws = (item: unknown): void => {
    const outcome = normalizeConfigItem(item);
    if (outcome.kind === 'resource') resources.push(outcome.resource);
  };
  for (const item of (json(join(FIXTURES, 'aws', 'sample-snapshot.json')) as { configurationItems: unknown[] }).configurationItems) aws(item);
  for (const file of readdirSync(join(FIXTURES, 'aws', 'samples', 'rdk'))) aws(json(join(FIXTURES, 'aws', 'samples', 'rdk', file)));
  for (const file of readdirSync(join(FIXTURES, 'aws', 'samples', 'custodian'))) {
    const data = (json(join(FIXTURES, 'aws', 'samples', 'custodian', file)) as { data: { configurationItems?: unknown[]; Results?: string[] } }).data;
    for (const item of data.configurationItems ?? []) aws(item);
    for (const row of data.Results ?? []) aws({ accountId: '111122223333', awsRegion: 'ap-northeast-1', resourceId: file, resourceName: file, ...(JSON.parse(row) as object) });
  }
  for (const file of ['arm-samples.json', 'custodian-samples.json']) {
    for (const sample of Object.values(json(join(FIXTURES, 'azure', file)) as Record<string, unknown>)) {
      const value = (sample as { value?: unknown }).value;
      for (const body of Array.isArray(value) ? (value as unknown[]) : [sample]) resources.push(normalizeArmResource(body));
    }
  }
  const gcp = join(FIXTURES, 'gcp', 'policy-library');
  for (const file of readdirSync(gcp).filter((f) => f.endsWith('.json'))) {
    for (const asset of json(join(gcp, file)) as unknown[]) resources.push(...normalizeAsset(asset));
  }
  return resources;
}

const REPLACEMENTS: readonly unknown[] = [undefined, null, '', 'x', 0, 1.5, -1, true, false, [], {}, ['*'], { a: 1 }];

/** Paths into configuration and supplementary (the first `limit`, depth first). */
function pathsOf(value: unknown, prefix: (string | number)[], out: (string | number)[][], limit: number): void {
  if (out.length >= limit || typeof value !== 'object' || value === null) return;
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.slice(0, 3).map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, v] of entries) {
    if (out.length >= limit) return;
    out.push([...prefix, key]);
    pathsOf(v, [...prefix, key], out, limit);
  }
}

/** A deep copy made in this realm (structuredClone's objects come from another one under jest). */
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function mutate(resource: Resource, path: (string | number)[], replacement: unknown): Resource {
  const copy = clone(resource) as unknown as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (replacement === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else {
    node[last] = clone(replacement);
  }
  return copy as unknown as Resource;
}

function mutations(resources: readonly Resource[]): Resource[] {
  const out: Resource[] = [];
  for (const r of resources) {
    const paths: (string | number)[][] = [];
    pathsOf({ configuration: r.configuration, supplementary: r.supplementary }, [], paths, 60);
    for (const [i, path] of paths.filter((p) => p.length > 1).entries()) {
      // Every path gets removed; each also gets three of the other replacements, in rotation.
      for (const k of [0, 1 + (i % 12), 1 + ((i + 4) % 12), 1 + ((i + 8) % 12)]) out.push(mutate(r, path, REPLACEMENTS[k]));
    }
  }
  return out;
}

function coverageOf(resources: readonly Resource[]): CollectionScope[] {
  const scopes = new Map<string, CollectionScope>();
  for (const r of resources) {
    scopes.set(`${r.provider}|${r.account}|${r.region}`, { provider: r.provider, account: r.account, region: r.region, types: 'all', outcome: { status: 'ok', collectedAt: NOW.toISOString() } });
  }
  return [...scopes.values()];
}

function findingsWith(engine: CelEngine, resources: readonly Resource[]): readonly Finding[] {
  const { controls, catalog, attestations } = withEngine(engine, () => loadMappings({}));
  return evaluate(resources, coverageOf(resources), controls, catalog, attestations, NOW).findings;
}

describe('compiled CEL: the bundled controls', () => {
  it('compiles every expression of every bundled control', () => {
    const programs = programsOf(withEngine('compile', () => loadMappings({})));
    const interpreted = programs.filter((p) => !isCompiled(p)).map((p) => p.source);
    expect(interpreted).toEqual([]);
    expect(programs.length).toBeGreaterThan(400);
  });

  it('KANSA_CEL=interpret compiles nothing', () => {
    expect(programsOf(withEngine('interpret', () => loadMappings({}))).filter(isCompiled)).toEqual([]);
  });
});

describe('compiled CEL: differential against the interpreter', () => {
  afterEach(() => celVerification(true));

  it('the embedded sandbox estates (AWS, Azure, GCP): every evaluation and every finding agree', async () => {
    celVerification(true);
    const verified = await withEngineAsync('verify', () => runCli(['scan', '--sandbox', '--output', 'json'], () => NOW));
    const stats = celVerification(true);
    expect(verified.code).toBe(0);
    expect(stats.mismatches).toEqual([]);
    expect(stats.compared).toBeGreaterThan(20_000);
    expect(stats.answered).toBeGreaterThan(stats.compared * 0.9);
    const compiled = await withEngineAsync('compile', () => runCli(['scan', '--sandbox', '--output', 'json'], () => NOW));
    expect(compiled.code).toBe(0);
    // Two scans of the same estate: pages from concurrent calls arrive in any order, so findings are compared as sets.
    const findings = (run: { stdout: string }): string[] => (JSON.parse(run.stdout) as { findings: unknown[] }).findings.map((f) => JSON.stringify(f)).sort();
    expect(findings(compiled)).toEqual(findings(verified));
    process.stdout.write(`sandbox: ${stats.compared} expression × resource evaluations compared, ${stats.answered} answered by compiled code\n`);
  }, 120_000);

  it('the test fixtures and their mutations: every evaluation and every finding agree', () => {
    const fixtures = fixtureResources();
    expect(fixtures.length).toBeGreaterThan(50);
    const corpus = [...fixtures, ...mutations(fixtures)];
    celVerification(true);
    const interpreted = findingsWith('verify', corpus);
    const stats = celVerification(true);
    expect(stats.mismatches).toEqual([]);
    expect(stats.compared).toBeGreaterThan(100_000);
    expect(findingsWith('compile', corpus)).toEqual(interpreted);
    expect(interpreted.some((f) => f.status === 'unknown')).toBe(true);
    process.stdout.write(`fixtures: ${corpus.length} resources, ${stats.compared} evaluations compared, ${stats.answered} answered by compiled code\n`);
  }, 120_000);
});

// --- targeted ------------------------------------------------------------------------------------

const VARIABLES = ['resource', 'variables', 'r', 'xs'];

/** Evaluates with both engines, requires identical outcomes, returns the (shared) outcome. */
function both(source: string, bindings: Record<string, unknown> = {}): EvalOutcome {
  const run = (engine: CelEngine): EvalOutcome => {
    const compiled = celCompiler(VARIABLES, { engine })(source, 'dyn');
    if (!compiled.ok) throw new Error(compiled.error);
    if (engine === 'compile') expect(isCompiled(compiled.value)).toBe(true);
    return compiled.value.evaluate(bindings);
  };
  const interpreted = run('interpret');
  const compiled = run('compile');
  expect(compiled.ok).toBe(interpreted.ok);
  if (compiled.ok && interpreted.ok) expect(sameValue(compiled.value, interpreted.value)).toBe(true);
  else expect(compiled).toEqual(interpreted);
  return compiled;
}

const value = (source: string, bindings: Record<string, unknown> = {}): unknown => {
  const outcome = both(source, bindings);
  if (!outcome.ok) throw new Error(`${source}: ${outcome.error}`);
  return outcome.value;
};
const error = (source: string, bindings: Record<string, unknown> = {}): string => {
  const outcome = both(source, bindings);
  if (outcome.ok) throw new Error(`${source} evaluated to ${String(outcome.value)}`);
  return outcome.error;
};

const resource = { name: 'n', tags: { env: 'prod' }, configuration: { a: { b: 1 }, list: [1, 2], s: 'abc', n: null, port: 22, zero: 0 } };

describe('compiled CEL: error absorption (&&, ||, ?:)', () => {
  it('an erroring side is absorbed when the other decides', () => {
    expect(value('false && resource.missing', { resource })).toBe(false);
    expect(value('resource.missing && false', { resource })).toBe(false);
    expect(value('true || resource.missing', { resource })).toBe(true);
    expect(value('resource.missing || true', { resource })).toBe(true);
    expect(value('resource.missing.x == 1 || resource.configuration.s == "abc"', { resource })).toBe(true);
  });

  it('errors that are not absorbed surface with the interpreter text', () => {
    expect(error('resource.missing && true', { resource })).toBe('No such key: missing');
    expect(error('true && resource.missing', { resource })).toBe('No such key: missing');
    expect(error('resource.missing || false', { resource })).toBe('No such key: missing');
    expect(value('resource.configuration.s || true', { resource })).toBe(true);
    expect(error('false || resource.configuration.s', { resource })).toMatch(/bool/);
    expect(error('resource.configuration.s ? 1 : 2', { resource })).toMatch(/Ternary condition must be bool/);
    expect(error('resource.configuration.a.b.c', { resource })).toBe(error('resource.configuration.a.b.c', { resource }));
  });

  it('exists and all decide despite erroring elements; exists_one, map and filter do not absorb', () => {
    const xs = [{ v: 1 }, { w: 2 }, { v: 3 }];
    expect(value('xs.exists(x, x.v == 3)', { xs })).toBe(true);
    expect(value('xs.all(x, x.v == 2)', { xs })).toBe(false);
    expect(error('xs.exists(x, x.v == 7)', { xs })).toBe('No such key: v');
    expect(error('xs.all(x, x.v > 0)', { xs })).toBe('No such key: v');
    expect(error('xs.exists_one(x, x.v == 1)', { xs })).toBe('No such key: v');
    expect(error('xs.filter(x, x.v == 1)', { xs })).toBe('No such key: v');
    expect(error('xs.map(x, x.v)', { xs })).toBe('No such key: v');
    expect(value('xs.exists_one(x, has(x.v) && x.v == 1)', { xs })).toBe(true);
    expect(value('[1, 2, 3].exists_one(x, x > 1)')).toBe(false);
    expect(error('xs.exists(x, x)', { xs })).toMatch(/predicate must return bool/);
  });

  it('unknown() gives its reason, unless absorbed', () => {
    const outcome = both('resource.name == "n" && unknown({"ja": "不明", "en": "unknown here"})', { resource });
    expect(outcome).toEqual({ ok: false, error: 'unknown here', undecidable: { ja: '不明', en: 'unknown here' } });
    expect(value('false && unknown({"ja": "j", "en": "e"})')).toBe(false);
    expect(value('[1, 2].exists(x, x == 2 || unknown({"ja": "j", "en": "e"}))')).toBe(true);
  });
});

describe('compiled CEL: selection, optionals and has()', () => {
  it('plain selection and indexing', () => {
    expect(value('resource.configuration.a.b', { resource })).toBe(1);
    expect(value('resource.configuration.list[1]', { resource })).toBe(2);
    expect(value('resource.tags["env"]', { resource })).toBe('prod');
    expect(error('resource.configuration.list[5]', { resource })).toMatch(/index out of bounds/);
    expect(error('resource.configuration.n.x', { resource })).toBe('No such key: x');
    expect(error('resource.configuration.s.x', { resource })).toBe('No such key: x');
    expect(error('resource.x', {})).toBe('Unknown variable: resource');
  });

  it('optional selection, [?key], orValue, or, hasValue, value', () => {
    expect(value('resource.configuration.?a.?b.orValue(0)', { resource })).toBe(1);
    expect(value('resource.configuration.?zz.?b.orValue(7)', { resource })).toBe(7n);
    expect(value('resource.configuration.?a.b.orValue(0)', { resource })).toBe(1);
    expect(value('resource.configuration.?zz.b.orValue(0)', { resource })).toBe(0n);
    expect(value('resource.tags[?"env"].orValue("")', { resource })).toBe('prod');
    expect(value('resource.tags[?"x"].orValue("d")', { resource })).toBe('d');
    expect(value('resource.configuration.list[?1].orValue(0)', { resource })).toBe(2);
    expect(value('resource.configuration.list[?9].orValue(0)', { resource })).toBe(0n);
    expect(value('resource.configuration.?s.?x.hasValue()', { resource })).toBe(false);
    expect(value('resource.configuration.?n.?x.hasValue()', { resource })).toBe(false);
    expect(value('resource.configuration.?s.value()', { resource })).toBe('abc');
    expect(error('resource.configuration.?zz.value()', { resource })).toBe('Optional value is not present');
    expect(value('resource.configuration.?zz.or(resource.configuration.?s).orValue("")', { resource })).toBe('abc');
    expect(error('resource.configuration.s.orValue(1)', { resource })).toMatch(/optional/);
    const opt = value('resource.configuration.?a', { resource });
    expect(sameValue(opt, value('resource.configuration.?a', { resource }))).toBe(true);
  });

  it('has() on maps, lists, primitives and missing intermediates', () => {
    expect(value('has(resource.configuration.a)', { resource })).toBe(true);
    expect(value('has(resource.configuration.zz)', { resource })).toBe(false);
    expect(value('has(resource.configuration.a.b)', { resource })).toBe(true);
    expect(value('has(resource.configuration.s.x)', { resource })).toBe(false);
    expect(value('has(resource.configuration.n.x)', { resource })).toBe(false);
    expect(value('has(resource.configuration.list.x)', { resource })).toBe(false);
    expect(error('has(resource.configuration.zz.b)', { resource })).toBe('No such key: zz');
    expect(value('has(resource.configuration.?zz.b)', { resource })).toBe(false);
  });

  it('a failed variable (the engine Proxy) raises where it is read, and is absorbed like any error', () => {
    const variables = new Proxy(Object.create(null) as Record<string, unknown>, {
      get(target, key) {
        if (key === 'broken') throw new Error('variables.broken: boom');
        return target[key as string];
      },
      getOwnPropertyDescriptor(target, key) {
        if (key === 'broken') return { value: undefined, writable: true, enumerable: true, configurable: true };
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
    });
    expect(error('variables.broken == 1', { variables })).toBe('variables.broken: boom');
    expect(value('true || variables.broken', { variables })).toBe(true);
    expect(error('has(variables.broken)', { variables })).toBe('variables.broken: boom');
  });
});

describe('compiled CEL: numbers', () => {
  it('ints are BigInt, payload numbers doubles, and they compare across', () => {
    expect(value('[1, 2].size()')).toBe(2n);
    expect(value('size("héllo😀")')).toBe(6n);
    expect(value('resource.configuration.port', { resource })).toBe(22);
    expect(value('resource.configuration.port <= 22', { resource })).toBe(true);
    expect(value('22 >= resource.configuration.port', { resource })).toBe(true);
    expect(value('resource.configuration.port == 22', { resource })).toBe(true);
    expect(value('resource.configuration.port != 22', { resource })).toBe(false);
    expect(value('[20, 21, 22].exists(p, resource.configuration.port <= p && p <= resource.configuration.port)', { resource })).toBe(true);
    expect(value('[20, 23].exists(p, resource.configuration.port == p)', { resource })).toBe(false);
    expect(value('resource.configuration.list.size() > 1', { resource })).toBe(true);
    expect(value('resource.configuration.zero < 0.5', { resource })).toBe(true);
    expect(value('dyn(1) == 1.0')).toBe(true);
    expect(value('xs == [1]', { xs: [1] })).toBe(true);
    expect(value('xs == [1, 2]', { xs: [1] })).toBe(false);
    expect(value('resource.configuration.list == [1, 2]', { resource })).toBe(true);
    expect(value('xs == {"a": 1}', { xs: { a: 1 } })).toBe(true);
    expect(value('xs == {"a": 1, "b": 2}', { xs: { a: 1 } })).toBe(false);
    expect(value('2 in resource.configuration.list', { resource })).toBe(true);
    expect(value('resource.configuration.port in [22, 23]', { resource })).toBe(true);
    expect(value('resource.configuration.port < 9007199254740993', { resource })).toBe(true);
    expect(value('xs.exists(x, x < 9007199254740993)', { xs: [9007199254740992] })).toBe(true);
    expect(value('xs.exists(x, x == 9007199254740993)', { xs: [9007199254740992] })).toBe(false);
    expect(error('resource.configuration.s < 1', { resource })).toMatch(/no such overload/);
    expect(error('resource.configuration.n > 1', { resource })).toMatch(/no such overload/);
    expect(value('resource.configuration.n == 0', { resource })).toBe(false);
  });

  it('arithmetic keeps int and double apart, with int64 overflow and division errors', () => {
    expect(value('1 + 2')).toBe(3n);
    expect(value('resource.configuration.port + 1.0', { resource })).toBe(23);
    expect(error('resource.configuration.port + 1', { resource })).toMatch(/no such overload/);
    expect(value('7 / 2')).toBe(3n);
    expect(value('-7 % 3')).toBe(-1n);
    expect(error('1 / (resource.configuration.list.size() - 2)', { resource })).toBe('division by zero');
    expect(error('9223372036854775807 + resource.configuration.list.size()', { resource })).toMatch(/integer overflow/);
    expect(value('resource.configuration.port / 4.0', { resource })).toBe(5.5);
    expect(value('-resource.configuration.port', { resource })).toBe(-22);
  });

  it('conversions', () => {
    expect(value('int(resource.configuration.port)', { resource })).toBe(22n);
    expect(value('int(-2.7)')).toBe(-2n);
    expect(value('int("42")')).toBe(42n);
    expect(error('int("4x")')).toMatch(/cannot convert to int/);
    expect(value('string(int(resource.configuration.port))', { resource })).toBe('22');
    expect(value('string(resource.configuration.port)', { resource })).toBe('22');
    expect(value('string(1.5)')).toBe('1.5');
    expect(value('string(true)')).toBe('true');
    expect(error('string(resource.configuration.n)', { resource })).toMatch(/no matching overload/);
    expect(value('double(3)')).toBe(3);
    expect(value('double("2.5")')).toBe(2.5);
    expect(value('type(resource.configuration.list) == list && type("") == string', { resource })).toBe(true);
  });
});

describe('compiled CEL: strings, lists, maps and macros', () => {
  it('string functions', () => {
    expect(value('resource.configuration.s.contains("b") && resource.configuration.s.startsWith("a") && resource.configuration.s.endsWith("c")', { resource })).toBe(true);
    expect(value('"ap-northeast-1a".matches("^ap-northeast-[13][a-z]$")')).toBe(true);
    expect(error('"x".matches("(")')).toMatch(/Invalid regular expression/);
    expect(value('"a:b:c".split(":")')).toEqual(['a', 'b', 'c']);
    expect(value('"a:b:c".split(":", 2)')).toEqual(['a', 'b:c']);
    expect(value('["a", "b"].join("/") + "x".upperAscii() + "ÀB".lowerAscii()')).toBe('a/bXàb');
    expect(error('[1, "b"].join("/")')).toMatch(/join|overload/);
    expect(value('"a" + "b"')).toBe('ab');
    expect(error('"a" + resource.configuration.port', { resource })).toMatch(/no such overload/);
  });

  it('lists, maps, in, macros and cel.bind', () => {
    expect(value('[1, 2] + [3]')).toEqual([1n, 2n, 3n]);
    expect(value('resource.configuration.list.map(x, x * 2.0)', { resource })).toEqual([2, 4]);
    expect(value('resource.configuration.list.map(x, x > 1, x)', { resource })).toEqual([2]);
    expect(value('resource.configuration.list.filter(x, x < 2)', { resource })).toEqual([1]);
    expect(value('resource.tags.map(k, k + "=" + resource.tags[k])', { resource })).toEqual(['env=prod']);
    expect(value('resource.tags.exists(k, k == "env")', { resource })).toBe(true);
    expect(value('"env" in resource.tags && !("x" in resource.tags)', { resource })).toBe(true);
    expect(value('{"a": resource.name, "b": [1]}', { resource })).toEqual({ a: 'n', b: [1n] });
    expect(value('cel.bind(c, resource.configuration, c.s + c.s)', { resource })).toBe('abcabc');
    expect(value('[[1, 2], [3]].map(l, l.map(x, x + 1))')).toEqual([[2n, 3n], [4n]]);
    expect(value('xs.map(x, xs.filter(y, y > x).size())', { xs: [1, 2, 3] })).toEqual([2n, 1n, 0n]);
    expect(error('resource.name.map(x, x)', { resource })).toMatch(/cannot be range of a comprehension/);
  });

  it('expressions outside the compiled subset are interpreted, with the same results', () => {
    for (const source of ['timestamp("2026-01-01T00:00:00Z") < timestamp(resource.t)', 'duration("1h") > duration("30m")', '1u + 2u == 3u']) {
      const bindings = { resource: { t: '2026-06-01T00:00:00Z' } };
      const compiled = celCompiler(VARIABLES, { engine: 'compile' })(source, 'dyn');
      const interpreted = celCompiler(VARIABLES, { engine: 'interpret' })(source, 'dyn');
      if (!compiled.ok || !interpreted.ok) throw new Error(source);
      expect(isCompiled(compiled.value)).toBe(false);
      expect(compiled.value.evaluate(bindings)).toEqual(interpreted.value.evaluate(bindings));
      expect(compiled.value.evaluate(bindings)).toEqual({ ok: true, value: true });
    }
  });

  it('compile errors stay cel-js\'s', () => {
    const compile = celCompiler(VARIABLES, { engine: 'compile' });
    const interpret = celCompiler(VARIABLES, { engine: 'interpret' });
    for (const source of ['resource.', '1 + "a"', 'nope.x', 'resource.size() == "x"']) expect(compile(source, 'bool')).toEqual(interpret(source, 'bool'));
  });

  it('values the compiled code leaves to the interpreter (Map, Set, Date, undefined entries) still agree', () => {
    expect(value('xs.size()', { xs: new Set([1, 2]) })).toBe(2n);
    expect(value('xs.a', { xs: new Map([['a', 1]]) })).toBe(1);
    expect(error('xs == {}', { xs: { a: undefined } })).toMatch(/Unsupported type/);
    expect(value('xs.a', { xs: { a: new Date(0) } })).toEqual(new Date(0));
  });
});
