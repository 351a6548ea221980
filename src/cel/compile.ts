/**
 * Compiles a type-checked cel-js AST into a JavaScript function: the fast path of `celCompiler`.
 *
 * Generated source (`new Function`), not a tree of closures: each expression gets its own function, so
 * V8 inlines the helpers at monomorphic call sites, keeps locals in registers and uses named property
 * loads; that is what makes compiled evaluation an order of magnitude faster than the interpreter (a
 * closure tree measured only 2-3x). Safety: the expressions come from control files the operator
 * installs, but even so nothing of an expression is pasted into the source as code. Strings (literals,
 * field and variable names) appear only as JSON.stringify'd string literals, every other constant,
 * type check and function is passed in an array and referenced by index, and every identifier is
 * generated (see `compileAst`).
 *
 * Exactness contract. A compiled expression either returns exactly the value the cel-js interpreter
 * returns for the same bindings, or it throws (usually the shared DEFER error). The caller
 * (`celCompiler`) then evaluates the same expression with the interpreter, so every error, error
 * message, `unknown(…)` reason and rare value kind (Map, Set, bytes, uint, timestamp, duration, objects
 * of another realm, …) comes from cel-js itself. Each operation below therefore does its work only for
 * the value kinds whose cel-js semantics it mirrors, and defers on everything else. Error absorption
 * (`false && e`, `true || e`, `exists`/`all` deciding despite an erroring element) stays exact under
 * deferral: cel-js decides those cases from the deciding operand alone, whatever the other one did.
 *
 * The mirrored semantics are those of @marcbachmann/cel-js 8.0.0 (pinned in package.json): see
 * operators.js (fieldAccess, logical operators, comprehensions), overloads.js (==, in, arithmetic,
 * comparisons), functions.js (size, string functions, conversions), optional.js, macros.js (has, bind)
 * and registry.js (value type matchers, debugType/debugTypeDeep). Upgrading cel-js means re-running
 * test/cel/compiled.test.ts, which compares both engines over the bundled controls and a large corpus.
 */
import { Environment, Optional } from '@marcbachmann/cel-js';

type Bindings = Readonly<Record<string, unknown>>;
type Check = (v: unknown) => void;

/** The parts of cel-js's TypeDeclaration the compiler reads (set on every node by `check()`). */
interface TypeDecl {
  readonly kind: string;
  readonly name: string;
  readonly hasDynType: boolean;
  readonly hasPlaceholderType: boolean;
  readonly keyType?: TypeDecl;
  readonly valueType?: TypeDecl;
}

/** The parts of cel-js's ASTNode the compiler reads. */
interface Node {
  readonly op: string;
  readonly args: unknown;
  readonly checkedType?: TypeDecl;
  readonly meta: { readonly alternate?: Node; readonly macro?: Record<string, unknown> };
}

/** Thrown at compile time: the expression uses something outside the compiled subset. */
export class NotCompilable extends Error {
  override readonly name = 'NotCompilable';
}

/**
 * Thrown at run time: "let the interpreter answer". One shared instance (no stack trace is captured), so
 * deferring costs little.
 */
const DEFER = new Error('compiled CEL defers to the interpreter');

function defer(): never {
  throw DEFER;
}

const hasOwn = Object.hasOwn;
const objectKeys = Object.keys;
const NONE = Optional.none();
const MAX_INT = 9223372036854775807n;
const MIN_INT = -9223372036854775808n;
const RESERVED_MAP_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// Value kinds (cel-js debugType): what the compiled code works on. Anything else defers.
const K_STRING = 1;
const K_INT = 2;
const K_DOUBLE = 3;
const K_BOOL = 4;
const K_NULL = 5;
const K_LIST = 6;
const K_MAP = 7;
const K_OPTIONAL = 8;

function kindOf(v: unknown): number {
  switch (typeof v) {
    case 'string':
      return K_STRING;
    case 'bigint':
      return K_INT;
    case 'number':
      return K_DOUBLE;
    case 'boolean':
      return K_BOOL;
    case 'object': {
      if (v === null) return K_NULL;
      const c = (v as { constructor?: unknown }).constructor;
      if (c === Array) return K_LIST;
      if (c === undefined || c === Object) return K_MAP;
      if (v instanceof Optional) return K_OPTIONAL;
      return defer();
    }
    case 'function':
    case 'symbol':
    case 'undefined':
      return defer();
  }
}

function isPlainMap(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const c = (v as { constructor?: unknown }).constructor;
  return c === undefined || c === Object;
}

/** cel-js's `dyn` value matcher (and `debugType`), restricted to the compiled kinds. */
function checkDyn(v: unknown): void {
  kindOf(v);
}

/**
 * cel-js's `debugTypeDeep`, which dynamically dispatched operators and functions run on their operands:
 * it follows the first element of lists and the first entry of maps, and throws on an unsupported value
 * (a map entry that is `undefined`, for one).
 */
function checkDeep(value: unknown): void {
  let v = value;
  for (;;) {
    // A context binding (a JS Map, see member): its first value, as for a map.
    if (v instanceof Map) {
      const first = (v as Map<unknown, unknown>).values().next();
      if (first.done === true) return;
      v = first.value;
      continue;
    }
    const kind = kindOf(v);
    if (kind === K_LIST) {
      v = (v as unknown[])[0];
      if (v === undefined) return;
    } else if (kind === K_MAP) {
      let found = false;
      let first: unknown;
      for (const key in v as Record<string, unknown>) {
        first = (v as Record<string, unknown>)[key];
        found = true;
        break;
      }
      if (!found) return;
      v = first;
    } else {
      return;
    }
  }
}

/** cel-js's value matcher of a static type (iteration variables, `cel.bind`, typed containers). */
function matcherFor(type: TypeDecl | undefined): Check {
  if (!type) throw new NotCompilable('untyped node');
  if (type.kind === 'dyn' || type.kind === 'param') return checkDyn;
  if (type.kind === 'list') return (v) => (kindOf(v) === K_LIST ? undefined : defer());
  if (type.kind === 'map') return (v) => (kindOf(v) === K_MAP ? undefined : defer());
  if (type.kind === 'optional') return (v) => (v instanceof Optional ? undefined : defer());
  switch (type.name) {
    case 'string':
      return (v) => (typeof v === 'string' ? undefined : defer());
    case 'int':
      return (v) => (typeof v === 'bigint' ? undefined : defer());
    case 'double':
      return (v) => (typeof v === 'number' ? undefined : defer());
    case 'bool':
      return (v) => (typeof v === 'boolean' ? undefined : defer());
    case 'null':
      return (v) => (v === null ? undefined : defer());
    default:
      throw new NotCompilable(`values of type ${type.name}`);
  }
}

// --- field and index access -------------------------------------------------------------------

/** `obj.key` on a dyn operand (cel-js fieldAccess). */
function field(o: unknown, key: string): unknown {
  if (isPlainMap(o)) {
    if (hasOwn(o, key)) {
      const v = o[key];
      if (v !== undefined) {
        checkDyn(v);
        return v;
      }
    }
    return defer(); // No such key
  }
  if (o instanceof Optional) return optionalField(o, key);
  return defer();
}

/** `obj[key]` on a dyn operand (cel-js fieldAccess with a computed key). */
function index(o: unknown, key: unknown): unknown {
  if (isPlainMap(o)) {
    if (typeof key !== 'string') return defer();
    return field(o, key);
  }
  if (o instanceof Map) {
    // A context binding (see member): a missing key is cel-js's "No such key" error, which the interpreter gives.
    const v: unknown = typeof key === 'string' ? o.get(key) : undefined;
    if (v === undefined) return defer();
    checkDyn(v);
    return v;
  }
  if (Array.isArray(o) && o.constructor === Array) return listIndex(o, key, checkDyn);
  if (o instanceof Optional) return optionalField(o, key);
  return defer();
}

function listIndex(o: unknown, key: unknown, check: Check): unknown {
  if (!Array.isArray(o) || o.constructor !== Array || typeof key !== 'bigint') return defer();
  const v: unknown = o[Number(key)];
  if (v === undefined) return defer(); // index out of bounds
  check(v);
  return v;
}

function mapEntry(o: unknown, key: unknown, check: Check): unknown {
  if (!isPlainMap(o) || typeof key !== 'string' || !hasOwn(o, key)) return defer();
  const v = o[key];
  if (v === undefined) return defer();
  check(v);
  return v;
}

/** `obj.?key`, `obj[?key]`, and plain access on an optional (cel-js getOptionalField). */
function optionalField(value: unknown, key: unknown): Optional {
  let o = value;
  if (o instanceof Optional) {
    o = o.orValue(undefined);
    if (o === undefined) return NONE;
  }
  switch (kindOf(o)) {
    case K_STRING:
    case K_INT:
    case K_DOUBLE:
    case K_BOOL:
    case K_NULL:
      return NONE;
    case K_MAP: {
      if (typeof key !== 'string') return defer();
      const m = o as Record<string, unknown>;
      if (!hasOwn(m, key)) return NONE;
      const v = m[key];
      if (v === undefined) return NONE;
      checkDyn(v);
      return Optional.of(v);
    }
    case K_LIST: {
      if (typeof key === 'number') return defer();
      if (typeof key !== 'bigint') return NONE;
      const v: unknown = (o as unknown[])[Number(key)];
      if (v === undefined) return NONE;
      checkDyn(v);
      return Optional.of(v);
    }
    default:
      return defer();
  }
}

/** One step of `has(a.b.c)` (cel-js `debugType(obj).fieldLazy(obj, key)`): undefined when absent. */
function hasStep(o: unknown, key: string): unknown {
  switch (kindOf(o)) {
    case K_MAP: {
      const m = o as Record<string, unknown>;
      const v = hasOwn(m, key) ? m[key] : undefined;
      if (v !== undefined) checkDyn(v);
      return v;
    }
    case K_OPTIONAL:
      return defer();
    default:
      return undefined;
  }
}

// --- equality, membership, comparison, arithmetic (overloads.js) -------------------------------

/** int against double: cel-js compares them with JavaScript's `==` (1 == 1.0). */
function looseEqual(a: unknown, b: unknown): boolean {
  return a == b;
}

function isEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  switch (typeof a) {
    case 'undefined':
    case 'string':
    case 'boolean':
      return false;
    case 'bigint':
      return typeof b === 'number' ? looseEqual(a, b) : false;
    case 'number':
      return typeof b === 'bigint' ? looseEqual(a, b) : false;
    case 'object': {
      if (typeof b !== 'object') return false;
      const ka = kindOf(a);
      const kb = kindOf(b);
      if (ka !== kb) return false;
      if (ka === K_LIST) return listEqual(a as unknown[], b as unknown[]);
      if (ka === K_MAP) return mapEqual(a as Record<string, unknown>, b as Record<string, unknown>);
      return defer();
    }
    case 'function':
    case 'symbol':
      return defer();
  }
}

function listEqual(a: unknown[], b: unknown[]): boolean {
  if (a === b) return true;
  const length = a.length;
  if (length !== b.length) return false;
  for (let i = 0; i < length; i++) if (!isEqual(a[i], b[i])) return false;
  return true;
}

function mapEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (a === b) return true;
  const keysA = objectKeys(a);
  if (keysA.length !== objectKeys(b).length) return false;
  for (const key of keysA) if (!(key in b && isEqual(a[key], b[key]))) return false;
  return true;
}

/** `==` (and, negated, `!=`): the overload cel-js picks for the operands' types. */
function equals(l: unknown, r: unknown): boolean {
  const kl = kindOf(l);
  const kr = kindOf(r);
  if (kl === kr) {
    if (kl <= K_NULL) return l === r;
    if (kl === K_LIST) return listEqual(l as unknown[], r as unknown[]);
    if (kl === K_MAP) return mapEqual(l as Record<string, unknown>, r as Record<string, unknown>);
    return defer();
  }
  if ((kl === K_INT && kr === K_DOUBLE) || (kl === K_DOUBLE && kr === K_INT)) return looseEqual(l, r);
  if (kl === K_OPTIONAL || kr === K_OPTIONAL) return defer();
  return false; // no overload for the pair: cel-js falls back to ===
}

function member(l: unknown, r: unknown): boolean {
  kindOf(l);
  // A control's context (src/evaluate/evaluate.ts) is bound as a JS Map from key to resources; cel-js reads a
  // Map's entries with has/get. String keys only: other key kinds are left to the interpreter.
  if (r instanceof Map) return typeof l === 'string' ? r.has(l) && r.get(l) !== undefined : defer();
  const kr = kindOf(r);
  if (kr === K_LIST) {
    for (const v of r as unknown[]) if (isEqual(l, v)) return true;
    return false;
  }
  if (kr === K_MAP) {
    if (typeof l !== 'string') return defer();
    const m = r as Record<string, unknown>;
    return hasOwn(m, l) ? m[l] !== undefined : false;
  }
  return defer();
}

/** Operand kinds cel-js orders: bool, int, double and string with themselves, int with double. */
function comparable(l: unknown, r: unknown): void {
  const kl = kindOf(l);
  const kr = kindOf(r);
  if (kl === kr ? kl <= K_BOOL : (kl === K_INT && kr === K_DOUBLE) || (kl === K_DOUBLE && kr === K_INT)) return;
  defer();
}

function int64(v: bigint): bigint {
  return v <= MAX_INT && v >= MIN_INT ? v : defer();
}

type Binary = (l: unknown, r: unknown) => unknown;

const BINARY: Readonly<Record<string, Binary>> = {
  '==': equals,
  '!=': (l, r) => !equals(l, r),
  in: member,
  '<': (l, r) => (comparable(l, r), (l as number) < (r as number)),
  '<=': (l, r) => (comparable(l, r), (l as number) <= (r as number)),
  '>': (l, r) => (comparable(l, r), (l as number) > (r as number)),
  '>=': (l, r) => (comparable(l, r), (l as number) >= (r as number)),
  '+': (l, r) => {
    const kl = kindOf(l);
    if (kl !== kindOf(r)) return defer();
    switch (kl) {
      case K_STRING:
        return (l as string) + (r as string);
      case K_INT:
        return int64((l as bigint) + (r as bigint));
      case K_DOUBLE:
        return (l as number) + (r as number);
      case K_LIST:
        return [...(l as unknown[]), ...(r as unknown[])];
      default:
        return defer();
    }
  },
  '-': (l, r) => {
    if (typeof l === 'bigint' && typeof r === 'bigint') return int64(l - r);
    if (typeof l === 'number' && typeof r === 'number') return l - r;
    return defer();
  },
  '*': (l, r) => {
    if (typeof l === 'bigint' && typeof r === 'bigint') return int64(l * r);
    if (typeof l === 'number' && typeof r === 'number') return l * r;
    return defer();
  },
  '/': (l, r) => {
    if (typeof l === 'bigint' && typeof r === 'bigint') return r === 0n ? defer() : l / r;
    if (typeof l === 'number' && typeof r === 'number') return l / r;
    return defer();
  },
  '%': (l, r) => {
    if (typeof l === 'bigint' && typeof r === 'bigint') return r === 0n ? defer() : l % r;
    return defer();
  },
};

// --- functions (functions.js) ------------------------------------------------------------------

function size(v: unknown): bigint {
  return BigInt(sizeNumber(v));
}

/** size() as a double (exact: lengths are far below 2^53). */
function sizeNumber(v: unknown): number {
  switch (kindOf(v)) {
    case K_STRING: {
      // Code points, not UTF-16 units.
      return [...(v as string)].length;
    }
    case K_LIST:
      return (v as unknown[]).length;
    case K_MAP:
      return objectKeys(v as object).length;
    default:
      return defer();
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : defer();
}

function toString(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
    case 'bigint':
      return `${v}`;
    case 'number':
      if (v === Infinity) return '+Inf';
      if (v === -Infinity) return '-Inf';
      return `${v}`;
    case 'function':
    case 'object':
    case 'symbol':
    case 'undefined':
      return defer();
  }
}

function toInt(v: unknown): bigint {
  switch (typeof v) {
    case 'bigint':
      return v;
    case 'number':
      return Number.isFinite(v) ? BigInt(Math.trunc(v)) : defer();
    case 'string': {
      if (v !== v.trim() || v.length > 20 || v.includes('0x')) return defer();
      let n: bigint;
      try {
        n = BigInt(v);
      } catch {
        return defer();
      }
      return n <= MAX_INT && n >= MIN_INT ? n : defer();
    }
    case 'boolean':
    case 'function':
    case 'object':
    case 'symbol':
    case 'undefined':
      return defer();
  }
}

function toDouble(v: unknown): number {
  switch (typeof v) {
    case 'number':
      return v;
    case 'bigint':
      return Number(v);
    case 'string': {
      if (!v || v !== v.trim()) return defer();
      switch (v.toLowerCase()) {
        case 'inf':
        case '+inf':
        case 'infinity':
        case '+infinity':
          return Number.POSITIVE_INFINITY;
        case '-inf':
        case '-infinity':
          return Number.NEGATIVE_INFINITY;
        case 'nan':
          return Number.NaN;
        default: {
          const parsed = Number(v);
          return Number.isNaN(parsed) ? defer() : parsed;
        }
      }
    }
    case 'boolean':
    case 'function':
    case 'object':
    case 'symbol':
    case 'undefined':
      return defer();
  }
}

function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  switch (v) {
    case '1':
    case 't':
    case 'true':
    case 'TRUE':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'false':
    case 'FALSE':
    case 'False':
      return false;
    default:
      return defer();
  }
}

function joinList(list: unknown, separator: string): string {
  if (!Array.isArray(list) || list.constructor !== Array) return defer();
  for (const v of list as unknown[]) if (typeof v !== 'string') return defer();
  return (list as string[]).join(separator);
}

function split(s: unknown, separator: unknown): string[] {
  return str(s).split(str(separator));
}

function splitN(s: unknown, separator: unknown, limit: unknown): string[] {
  const sep = str(separator);
  if (typeof limit !== 'bigint') return defer();
  const l = Number(limit);
  const text = str(s);
  if (l === 0) return [];
  const parts = text.split(sep);
  if (l < 0 || parts.length <= l) return parts;
  const limited = parts.slice(0, l - 1);
  limited.push(parts.slice(l - 1).join(sep));
  return limited;
}

const regexps = new Map<string, RegExp>();
function matches(s: unknown, pattern: unknown): boolean {
  const text = str(s);
  const p = str(pattern);
  let re = regexps.get(p);
  if (re === undefined) {
    try {
      re = new RegExp(p);
    } catch {
      return defer();
    }
    if (regexps.size > 1000) regexps.clear();
    regexps.set(p, re);
  }
  return re.test(text);
}

function optionalOf(v: unknown): Optional {
  return v instanceof Optional ? v : defer();
}

/** The values cel-js's `type(x)` returns, taken from cel-js itself. */
let typeValues: readonly unknown[] | undefined;
function typeOf(v: unknown): unknown {
  typeValues ??= new Environment().evaluate('[type(""), type(1), type(1.0), type(true), type(null), type([]), type({})]') as unknown[];
  const kind = kindOf(v);
  return kind <= K_MAP ? typeValues[kind - 1] : defer();
}

type Method = (r: unknown, a0: unknown, a1: unknown) => unknown;

/** Receiver functions by name/arity. */
const METHODS: Readonly<Record<string, Method>> = {
  'size/0': (r) => size(r),
  'contains/1': (r, a) => str(r).includes(str(a)),
  'startsWith/1': (r, a) => str(r).startsWith(str(a)),
  'endsWith/1': (r, a) => str(r).endsWith(str(a)),
  'matches/1': (r, a) => matches(r, a),
  'lowerAscii/0': (r) => str(r).toLowerCase(),
  'upperAscii/0': (r) => str(r).toUpperCase(),
  'trim/0': (r) => str(r).trim(),
  'split/1': (r, a) => split(r, a),
  'split/2': (r, a, n) => splitN(r, a, n),
  'join/0': (r) => joinList(r, ''),
  'join/1': (r, a) => joinList(r, str(a)),
  'hasValue/0': (r) => optionalOf(r).hasValue(),
  'value/0': (r) => {
    const o = optionalOf(r);
    return o.hasValue() ? o.value() : defer();
  },
};

type Function_ = (a0: unknown, a1: unknown) => unknown;

/** Global functions by name/arity. `unknown(…)` always defers: its reason comes from cel-js. */
const FUNCTIONS: Readonly<Record<string, Function_>> = {
  'size/1': (a) => size(a),
  'string/1': (a) => toString(a),
  'int/1': (a) => toInt(a),
  'double/1': (a) => toDouble(a),
  'bool/1': (a) => toBool(a),
  'dyn/1': (a) => a,
  'type/1': (a) => typeOf(a),
  'unknown/1': () => defer(),
};

// --- run-time helpers the generated code calls (one object, so every call site is monomorphic) --

function lessThan(l: unknown, r: unknown): boolean {
  if (typeof l === 'number' ? typeof r === 'number' || typeof r === 'bigint' : typeof l === 'bigint' && (typeof r === 'bigint' || typeof r === 'number')) {
    return (l as number) < (r as number);
  }
  comparable(l, r);
  return (l as number) < (r as number);
}
function lessOrEqual(l: unknown, r: unknown): boolean {
  if (typeof l === 'number' ? typeof r === 'number' || typeof r === 'bigint' : typeof l === 'bigint' && (typeof r === 'bigint' || typeof r === 'number')) {
    return (l as number) <= (r as number);
  }
  comparable(l, r);
  return (l as number) <= (r as number);
}
function greaterThan(l: unknown, r: unknown): boolean {
  if (typeof l === 'number' ? typeof r === 'number' || typeof r === 'bigint' : typeof l === 'bigint' && (typeof r === 'bigint' || typeof r === 'number')) {
    return (l as number) > (r as number);
  }
  comparable(l, r);
  return (l as number) > (r as number);
}
function greaterOrEqual(l: unknown, r: unknown): boolean {
  if (typeof l === 'number' ? typeof r === 'number' || typeof r === 'bigint' : typeof l === 'bigint' && (typeof r === 'bigint' || typeof r === 'number')) {
    return (l as number) >= (r as number);
  }
  comparable(l, r);
  return (l as number) >= (r as number);
}

function fastEquals(l: unknown, r: unknown): boolean {
  if (typeof l === 'string' && typeof r === 'string') return l === r;
  return equals(l, r);
}

function not(v: unknown): boolean {
  return typeof v === 'boolean' ? !v : defer();
}

function negate(v: unknown): unknown {
  if (typeof v === 'bigint') return -v;
  if (typeof v === 'number') return -v;
  return defer();
}

function inStrings(v: unknown, set: ReadonlySet<string>): boolean {
  return typeof v === 'string' && set.has(v);
}

function setEntry(obj: Record<string, unknown>, key: unknown, value: unknown): void {
  if (typeof key !== 'string') defer();
  else if (!RESERVED_MAP_KEYS.has(key)) obj[key] = value;
}

function passes(check: Check, values: readonly unknown[]): boolean {
  try {
    for (const v of values) check(v);
    return true;
  } catch {
    return false;
  }
}

function isSafeInt(v: unknown): v is bigint {
  return typeof v === 'bigint' && v <= 9007199254740992n && v >= -9007199254740992n;
}

/**
 * JavaScript operators that, on two doubles or two strings, give cel-js's result: used inline when one
 * operand is certainly a double or string, or an int whose exact double twin is known (JavaScript
 * compares BigInt with Number by exact value, so the twin compares as the int would, only faster).
 */
const JS_OPERATOR: Readonly<Record<string, string>> = { '==': '===', '!=': '!==', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

const HELPERS = {
  defer,
  DEFER,
  checkDyn,
  checkDeep,
  field,
  index,
  listIndex,
  mapEntry,
  optionalField,
  hasStep,
  optionalOf,
  rangeOf,
  eq: fastEquals,
  ne: (l: unknown, r: unknown) => !fastEquals(l, r),
  member,
  inStrings,
  lt: lessThan,
  le: lessOrEqual,
  gt: greaterThan,
  ge: greaterOrEqual,
  add: BINARY['+']!,
  sub: BINARY['-']!,
  mul: BINARY['*']!,
  div: BINARY['/']!,
  mod: BINARY['%']!,
  not,
  negate,
  setEntry,
  sizeNumber,
  hasOwn,
  Optional,
};

const BINARY_HELPER: Readonly<Record<string, keyof typeof HELPERS>> = {
  '==': 'eq',
  '!=': 'ne',
  in: 'member',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'div',
  '%': 'mod',
};

/** Items a comprehension ranges over: a list's elements or a map's keys (cel-js toIterable). */
function rangeOf(v: unknown): readonly unknown[] {
  if (Array.isArray(v) && v.constructor === Array) return v as unknown[];
  if (isPlainMap(v)) return objectKeys(v);
  return defer();
}

/**
 * Whether two CEL values are the same value: same JavaScript types (an int 1n is not the double 1),
 * lists and maps element by element (map keys in the same order, same prototype), optionals by content,
 * anything else by identity. For the differential checks between the compiled code and cel-js.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return Object.is(a, b);
  if (typeof a !== 'object' || a === null || b === null) return a === b;
  const o = b as object;
  if (a instanceof Optional) return o instanceof Optional && a.hasValue() === o.hasValue() && (!a.hasValue() || sameValue(a.value(), o.value()));
  if (Array.isArray(a)) return Array.isArray(o) && a.length === o.length && a.every((v, i) => sameValue(v, (o as unknown[])[i]));
  if (isPlainMap(a)) {
    if (!isPlainMap(o) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(o)) return false;
    const keys = objectKeys(a);
    const otherKeys = objectKeys(o);
    return keys.length === otherKeys.length && keys.every((k, i) => k === otherKeys[i] && sameValue(a[k], o[k]));
  }
  return a === b;
}

// --- the code generator ------------------------------------------------------------------------

/** Numbers the generated functions (their sourceURL). */
let generated = 0;

/**
 * Compiles a checked AST (`env.parse(src)` after `.check()`) into a function of the bindings, or throws
 * NotCompilable.
 *
 * The generated source holds no code from the expression: strings (literals, field and variable names)
 * appear only as JSON.stringify'd string literals, every other constant, type check and function is
 * passed in the array `K` and referenced by index, and every identifier is generated (`t12`, `v3`). An
 * expression therefore cannot inject code, whatever its strings contain.
 */
export function compileAst(ast: unknown): (bindings: Bindings) => unknown {
  const gen = new Generator();
  const out: string[] = [];
  const result = gen.node(ast as Node, out, new Map());
  // The sourceURL names the function in profiles and stack traces (kansa-cel-<n>).
  const body = `"use strict";\nreturn function celCompiled(b) {\n${out.join('\n')}\nreturn ${result.v};\n};\n//# sourceURL=kansa-cel-${++generated}`;
  if (process.env.KANSA_CEL_DUMP) console.error(`--- kansa-cel-${generated}\n${body}`);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the AST only, see above
  const factory = new Function('H', 'K', body) as (h: typeof HELPERS, k: readonly unknown[]) => (bindings: Bindings) => unknown;
  return factory(HELPERS, gen.constants);
}

/**
 * A string as a JavaScript string literal. JSON.stringify escapes quotes, backslashes, control
 * characters and lone surrogates, and JSON text is valid JavaScript (ES2019), so the literal is inert
 * whatever the string holds. Literal keys let V8 use named property loads.
 */
function quote(s: string): string {
  return JSON.stringify(s);
}

/** A node's value in generated code: an expression used once (a temporary, a constant, a local). */
interface Value {
  readonly v: string;
  /** Set when the value is a compile-time constant. */
  readonly constant?: { readonly value: unknown };
  /**
   * Set when the value is certainly an int (bigint) that a double represents exactly: an expression for
   * that double. Comparing a double with it (the common `p.fromPort <= port`) then avoids mixed
   * BigInt/Number comparison, which is slow in V8, with the same result.
   */
  readonly num?: string;
  /** Set when the value is a list literal of constants: `v` copies it, `shared` is the one array. */
  readonly literal?: { readonly shared: string; readonly values: readonly unknown[] };
}

/** CEL variable name → the generated local holding it (and its exact Number twin, for safe ints). */
type Scope = ReadonlyMap<string, Value>;

function typeOfNode(node: Node): TypeDecl {
  if (!node.checkedType) throw new NotCompilable(`unchecked ${node.op} node`);
  return node.checkedType;
}

/** Which arguments cel-js inspects deeply (debugTypeDeep) when it picks an overload at run time. */
function deepChecks(types: readonly TypeDecl[], dynamic: boolean): boolean[] {
  return types.map((t) => dynamic && t.hasDynType);
}

/** Statement: the value kind check cel-js's dyn matcher makes, the common kinds inline. */
function dynCheck(x: string): string {
  return (
    `if (typeof ${x} === 'object' ? ${x} !== null && ${x}.constructor !== Object && ${x}.constructor !== Array && ${x}.constructor !== undefined` +
    ` : typeof ${x} !== 'string' && typeof ${x} !== 'number' && typeof ${x} !== 'bigint' && typeof ${x} !== 'boolean') H.checkDyn(${x});`
  );
}

/** Statement: cel-js's debugTypeDeep, primitives inline. */
function deepCheck(x: string): string {
  return `if (typeof ${x} === 'object' || typeof ${x} === 'undefined' || typeof ${x} === 'function' || typeof ${x} === 'symbol') H.checkDeep(${x});`;
}

/** Statement: the value matcher of a static type (`matcherFor`), inline. */
function typeCheck(type: TypeDecl | undefined, x: string): string {
  if (!type) throw new NotCompilable('untyped node');
  if (type.kind === 'dyn' || type.kind === 'param') return dynCheck(x);
  if (type.kind === 'list') return `if (typeof ${x} !== 'object' || ${x} === null || ${x}.constructor !== Array) H.defer();`;
  if (type.kind === 'map') return `if (typeof ${x} !== 'object' || ${x} === null || (${x}.constructor !== Object && ${x}.constructor !== undefined)) H.defer();`;
  if (type.kind === 'optional') return `if (!(${x} instanceof H.Optional)) H.defer();`;
  switch (type.name) {
    case 'string':
      return `if (typeof ${x} !== 'string') H.defer();`;
    case 'int':
      return `if (typeof ${x} !== 'bigint') H.defer();`;
    case 'double':
      return `if (typeof ${x} !== 'number') H.defer();`;
    case 'bool':
      return `if (typeof ${x} !== 'boolean') H.defer();`;
    case 'null':
      return `if (${x} !== null) H.defer();`;
  }
  throw new NotCompilable(`values of type ${type.name}`);
}

/** A comprehension being generated: the locals its body binds, and statements to run before its loop. */
interface Frame {
  readonly locals: Set<string>;
  readonly prelude: string[];
}

/** Identifiers a selection chain reads, or undefined when it is more than ids, constants, `.` and `[]`. */
function selectionReads(node: Node, names: string[] = []): string[] | undefined {
  if (node.meta.macro) return undefined;
  if (node.meta.alternate) return node.op === 'id' ? names : undefined;
  switch (node.op) {
    case 'value':
      return names;
    case 'id':
      names.push(node.args as string);
      return names;
    case '.':
      return selectionReads((node.args as [Node, string])[0], names);
    case '[]': {
      const [left, key] = node.args as [Node, Node];
      return selectionReads(left, names) && selectionReads(key, names);
    }
    default:
      return undefined;
  }
}

class Generator {
  readonly constants: unknown[] = [];
  private count = 0;
  private readonly frames: Frame[] = [];
  private memoizing = false;

  /**
   * Inside a comprehension, a field selection that does not read the comprehension's own variables
   * (`p.fromPort` in `ports.exists(port, p.fromPort <= port)`) is evaluated once per run of the loop, on
   * first use: selections are deterministic reads, so the value (or the failure, which is not cached and
   * recurs) is the same on every iteration.
   */
  private memoized(node: Node, out: string[], scope: Scope): Value | undefined {
    const frame = this.frames[this.frames.length - 1];
    if (!frame || this.memoizing) return undefined;
    const reads = selectionReads(node);
    if (!reads || reads.some((name) => frame.locals.has(scope.get(name)?.v ?? ''))) return undefined;
    const m = this.tmp('m');
    const done = this.tmp('d');
    frame.prelude.push(`let ${m}, ${done} = false;`);
    const code: string[] = [];
    this.memoizing = true;
    let value: Value;
    try {
      value = this.node(node, code, scope);
    } finally {
      this.memoizing = false;
    }
    out.push(`if (!${done}) {`, ...code, `${m} = ${value.v};`, `${done} = true;`, `}`);
    return { v: m };
  }

  tmp(prefix = 't'): string {
    return `${prefix}${this.count++}`;
  }

  k(value: unknown): string {
    this.constants.push(value);
    return `K[${this.constants.length - 1}]`;
  }

  constant(value: unknown): Value {
    if (value === true || value === false || value === null) return { v: String(value), constant: { value } };
    if (typeof value === 'string') return { v: quote(value), constant: { value } };
    if (isSafeInt(value)) return { v: this.k(value), constant: { value }, num: String(Number(value)) };
    return { v: this.k(value), constant: { value } };
  }

  /** Emits `const tN = expression;` and returns tN. */
  let(out: string[], expression: string): Value {
    const t = this.tmp();
    out.push(`const ${t} = ${expression};`);
    return { v: t };
  }

  node(node: Node, out: string[], scope: Scope): Value {
    const { meta } = node;
    if (meta.alternate) {
      if (node.op === 'id') return this.constantNode(meta.alternate);
      if (node.op === 'rcall') return this.comprehension(node, out, scope);
      throw new NotCompilable(`expanded ${node.op}`);
    }
    if (meta.macro) return this.macro(node, meta.macro, out, scope);
    if (node.op === '.' || node.op === '[]') {
      const memo = this.memoized(node, out, scope);
      if (memo) return memo;
    }

    switch (node.op) {
      case 'value':
        return this.constantNode(node);
      case 'id': {
        const name = node.args as string;
        const local = scope.get(name);
        if (local !== undefined) return local;
        const t = this.tmp();
        out.push(`const ${t} = b[${quote(name)}];`, dynCheck(t));
        return { v: t };
      }
      case '.': {
        const [leftNode, key] = node.args as [Node, string];
        const left = this.node(leftNode, out, scope).v;
        const leftType = typeOfNode(leftNode);
        if (leftType.kind === 'optional') return this.let(out, `H.optionalField(${left}, ${quote(key)})`);
        if (leftType.kind === 'map') return this.let(out, `H.mapEntry(${left}, ${quote(key)}, ${this.k(matcherFor(leftType.valueType))})`);
        if (leftType.name !== 'dyn') throw new NotCompilable(`field of ${leftType.name}`);
        // Plain maps inline (cel-js fieldAccess); everything else through H.field.
        const t = this.tmp();
        const c = this.tmp('c');
        const k = quote(key);
        out.push(
          `let ${t}, ${c};`,
          `if (typeof ${left} === 'object' && ${left} !== null && ((${c} = ${left}.constructor) === Object || ${c} === undefined) && H.hasOwn(${left}, ${k}) && (${t} = ${left}[${k}]) !== undefined) {`,
          dynCheck(t),
          `} else ${t} = H.field(${left}, ${k});`,
        );
        return { v: t };
      }
      case '[]': {
        const [leftNode, keyNode] = node.args as [Node, Node];
        const left = this.node(leftNode, out, scope).v;
        const key = this.node(keyNode, out, scope).v;
        const leftType = typeOfNode(leftNode);
        if (leftType.kind === 'optional') return this.let(out, `H.optionalField(${left}, ${key})`);
        if (leftType.kind === 'map') return this.let(out, `H.mapEntry(${left}, ${key}, ${this.k(matcherFor(leftType.valueType))})`);
        if (leftType.kind === 'list') return this.let(out, `H.listIndex(${left}, ${key}, ${this.k(matcherFor(leftType.valueType))})`);
        if (leftType.name !== 'dyn') throw new NotCompilable(`index of ${leftType.name}`);
        return this.let(out, `H.index(${left}, ${key})`);
      }
      case '.?': {
        const [leftNode, key] = node.args as [Node, string];
        const left = this.node(leftNode, out, scope).v;
        return this.let(out, `H.optionalField(${left}, ${quote(key)})`);
      }
      case '[?]': {
        const [leftNode, keyNode] = node.args as [Node, Node];
        const left = this.node(leftNode, out, scope).v;
        const key = this.node(keyNode, out, scope).v;
        return this.let(out, `H.optionalField(${left}, ${key})`);
      }
      case '&&':
      case '||': {
        // cel-js: the left operand's error is absorbed when the right one decides (false for &&, true for ||).
        const decides = node.op === '&&' ? 'false' : 'true';
        const other = node.op === '&&' ? 'true' : 'false';
        const [leftNode, rightNode] = node.args as [Node, Node];
        const t = this.tmp();
        const left = this.tmp();
        const leftCode: string[] = [];
        const lv = this.node(leftNode, leftCode, scope).v;
        const rightCode: string[] = [];
        const rv = this.node(rightNode, rightCode, scope).v;
        out.push(
          `let ${left};`,
          `try {`,
          ...leftCode,
          `${left} = ${lv};`,
          `} catch { ${left} = H.DEFER; }`,
          `let ${t} = ${decides};`,
          `if (${left} !== ${decides}) {`,
          ...rightCode,
          `if (${left} === ${other}) ${t} = typeof ${rv} === 'boolean' ? ${rv} : H.defer();`,
          `else ${t} = ${rv} === ${decides} ? ${decides} : H.defer();`,
          `}`,
        );
        return { v: t };
      }
      case '?:': {
        const [condNode, thenNode, elseNode] = node.args as [Node, Node, Node];
        const c = this.node(condNode, out, scope).v;
        const t = this.tmp();
        const thenCode: string[] = [];
        const tv = this.node(thenNode, thenCode, scope).v;
        const elseCode: string[] = [];
        const ev = this.node(elseNode, elseCode, scope).v;
        out.push(`let ${t};`, `if (${c} === true) {`, ...thenCode, `${t} = ${tv};`, `} else if (${c} === false) {`, ...elseCode, `${t} = ${ev};`, `} else H.defer();`);
        return { v: t };
      }
      case '!_':
        return this.let(out, `H.not(${this.node(node.args as Node, out, scope).v})`);
      case '-_': {
        const arg = this.node(node.args as Node, out, scope);
        const value = arg.constant?.value;
        if (typeof value === 'bigint') return this.constant(-value);
        if (typeof value === 'number') return this.constant(-value);
        return this.let(out, `H.negate(${arg.v})`);
      }
      case '==':
      case '!=':
      case 'in':
      case '<':
      case '<=':
      case '>':
      case '>=':
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return this.binary(node, out, scope);
      case 'list': {
        const items = (node.args as Node[]).map((n) => this.node(n, out, scope));
        if (items.every((i) => i.constant)) {
          const values = items.map((i) => i.constant?.value);
          const shared = this.k(values);
          return { v: `${shared}.slice()`, literal: { shared, values } };
        }
        return this.let(out, `[${items.map((i) => i.v).join(', ')}]`);
      }
      case 'map': {
        const t = this.tmp();
        out.push(`const ${t} = {};`);
        for (const [keyNode, valueNode] of node.args as [Node, Node][]) {
          const key = this.node(keyNode, out, scope).v;
          const value = this.node(valueNode, out, scope).v;
          out.push(`H.setEntry(${t}, ${key}, ${value});`);
        }
        return { v: t };
      }
      case 'call':
        return this.call(node, out, scope);
      case 'rcall':
        return this.method(node, out, scope);
      default:
        throw new NotCompilable(`operator ${node.op}`);
    }
  }

  constantNode(node: Node): Value {
    const value = node.args;
    switch (typeof value) {
      case 'string':
      case 'bigint':
      case 'number':
      case 'boolean':
        return this.constant(value);
      case 'object':
        if (value === null) return this.constant(null);
        // Type constants (`list`, `string`, …): the very objects cel-js compares `type(x)` with.
        if (value.constructor.name === 'Type') return this.constant(value);
        throw new NotCompilable(`constant ${value.constructor.name}`);
      case 'undefined':
      case 'function':
      case 'symbol':
        throw new NotCompilable(`constant of type ${typeof value}`);
    }
  }

  binary(node: Node, out: string[], scope: Scope): Value {
    const [leftNode, rightNode] = node.args as [Node, Node];
    const left = this.node(leftNode, out, scope);
    const right = this.node(rightNode, out, scope);
    const leftType = typeOfNode(leftNode);
    const rightType = typeOfNode(rightNode);
    // cel-js picks the overload at run time when either side is dynamically typed, inspecting the
    // operands deeply (debugTypeDeep); only ==, !=, in and + accept lists and maps, where that matters.
    const dynamic = leftType.hasDynType || rightType.hasDynType;
    const deep = dynamic && (node.op === '==' || node.op === '!=' || node.op === 'in' || node.op === '+');
    if (deep && leftType.hasDynType) out.push(deepCheck(left.v));
    if (node.op === 'in' && right.literal) {
      const values = right.literal.values;
      if (!(deep && leftType.hasDynType)) out.push(dynCheck(left.v));
      if (values.every((v) => typeof v === 'string')) return this.let(out, `H.inStrings(${left.v}, ${this.k(new Set(values))})`);
      return this.let(out, `H.member(${left.v}, ${right.literal.shared})`);
    }
    if (deep && rightType.hasDynType) out.push(deepCheck(right.v));
    const js = JS_OPERATOR[node.op];
    const helper = BINARY_HELPER[node.op]!;
    if (js && right.num !== undefined && left.num !== undefined) return this.let(out, `${left.num} ${js} ${right.num}`);
    if (js && right.num !== undefined) {
      const l = left.v;
      return this.let(out, `typeof ${l} === 'number' ? ${l} ${js} ${right.num} : typeof ${l} === 'bigint' ? ${l} ${js} ${right.v} : H.${helper}(${l}, ${right.v})`);
    }
    if (js && left.num !== undefined) {
      const r = right.v;
      return this.let(out, `typeof ${r} === 'number' ? ${left.num} ${js} ${r} : typeof ${r} === 'bigint' ? ${left.v} ${js} ${r} : H.${helper}(${left.v}, ${r})`);
    }
    if ((node.op === '==' || node.op === '!=') && typeof right.constant?.value === 'string') {
      return this.let(out, `typeof ${left.v} === 'string' ? ${left.v} ${js!} ${right.v} : H.${helper}(${left.v}, ${right.v})`);
    }
    return this.let(out, `H.${BINARY_HELPER[node.op]!}(${left.v}, ${right.v})`);
  }

  call(node: Node, out: string[], scope: Scope): Value {
    const [name, argNodes] = node.args as [string, Node[]];
    const impl = FUNCTIONS[`${name}/${argNodes.length}`];
    if (!impl) throw new NotCompilable(`function ${name}/${argNodes.length}`);
    if (name === 'unknown') return this.let(out, 'H.defer()');
    const types = argNodes.map(typeOfNode);
    // callFn (run-time overload choice) when any argument is dynamically typed.
    const deep = deepChecks(types, types.some((t) => t.hasDynType));
    const args = argNodes.map((n) => this.node(n, out, scope).v);
    args.forEach((a, i) => deep[i] && out.push(deepCheck(a)));
    if (name === 'size') return this.size(out, args[0]!);
    return this.let(out, `${this.k(impl)}(${args.join(', ')})`);
  }

  method(node: Node, out: string[], scope: Scope): Value {
    const [name, receiverNode, argNodes] = node.args as [string, Node, Node[]];
    const impl = METHODS[`${name}/${argNodes.length}`];
    if (!impl) throw new NotCompilable(`method ${name}/${argNodes.length}`);
    const receiverType = typeOfNode(receiverNode);
    const types = argNodes.map(typeOfNode);
    // callRecFn (run-time overload choice) unless the receiver and every argument are statically typed.
    const dynamic = receiverType.kind === 'dyn' || receiverType.hasPlaceholderType || types.some((t) => t.hasDynType);
    const receiver = this.node(receiverNode, out, scope).v;
    const args = argNodes.map((n) => this.node(n, out, scope).v);
    deepChecks(types, dynamic).forEach((d, i) => d && out.push(deepCheck(args[i]!)));
    if (dynamic && receiverType.hasDynType) out.push(deepCheck(receiver));
    if (name === 'size') return this.size(out, receiver);
    return this.let(out, `${this.k(impl)}(${[receiver, ...args].join(', ')})`);
  }

  /** size(): an int whose exact double is known, so `x.size() == 0` compares doubles. */
  size(out: string[], arg: string): Value {
    const n = this.let(out, `H.sizeNumber(${arg})`).v;
    return { v: `BigInt(${n})`, num: n };
  }

  macro(node: Node, macro: Record<string, unknown>, out: string[], scope: Scope): Value {
    // has(a.b.c)
    if (node.op === 'call' && Array.isArray(macro.macroHasProps)) {
      const nodes = macro.macroHasProps as Node[];
      const root = this.node(nodes[nodes.length - 1]!, out, scope).v;
      // From the innermost selection outwards; cel-js stops at the first absent field, and raises
      // "No such key" instead when a plain selection (not the last, not after `.?`) is absent.
      const steps = nodes.slice(0, -1).reverse();
      const o = this.tmp();
      const t = this.tmp();
      out.push(`let ${o} = ${root};`, `let ${t} = true;`, `do {`);
      let inOptional = false;
      steps.forEach((step, i) => {
        if (step.op === '.?') inOptional = true;
        const last = i === steps.length - 1;
        out.push(`${o} = H.hasStep(${o}, ${quote((step.args as [Node, string])[1])});`);
        const absent = !inOptional && !last && step.op === '.' ? 'H.defer();' : `{ ${t} = false; break; }`;
        out.push(`if (${o} === undefined) ${absent}`);
      });
      out.push(`} while (false);`);
      return { v: t };
    }

    // x.orValue(v), x.or(y)
    if (node.op === 'rcall' && typeof macro.functionDesc === 'string') {
      const receiver = this.node(macro.receiver as Node, out, scope).v;
      const o = this.let(out, `H.optionalOf(${receiver})`).v;
      const t = this.tmp();
      const argCode: string[] = [];
      const arg = this.node(macro.arg as Node, argCode, scope).v;
      if (macro.functionDesc === 'optional.orValue(value)') {
        out.push(`let ${t};`, `if (${o}.hasValue()) ${t} = ${o}.value();`, `else {`, ...argCode, `${t} = ${arg};`, `}`);
        return { v: t };
      }
      if (macro.functionDesc === 'optional.or(optional)') {
        out.push(`let ${t};`, `if (${o}.hasValue()) ${t} = ${o};`, `else {`, ...argCode, `${t} = H.optionalOf(${arg});`, `}`);
        return { v: t };
      }
      throw new NotCompilable(`macro ${macro.functionDesc}`);
    }

    // cel.bind(name, value, expression)
    if (node.op === 'rcall' && typeof macro.var === 'string' && macro.val && macro.exp) {
      const bindCtx = macro.bindCtx as { iterType?: TypeDecl } | undefined;
      const value = this.node(macro.val as Node, out, scope).v;
      const local = this.tmp('v');
      out.push(`const ${local} = ${value};`, typeCheck(bindCtx?.iterType, local));
      this.frames[this.frames.length - 1]?.locals.add(local);
      return this.node(macro.exp as Node, out, new Map(scope).set(macro.var, { v: local }));
    }
    throw new NotCompilable(`macro of ${node.op}`);
  }

  comprehension(node: Node, out: string[], scope: Scope): Value {
    const [name, receiverNode, argNodes] = node.args as [string, Node, Node[]];
    const expanded = node.meta.alternate!;
    if (expanded.op !== 'comprehension') throw new NotCompilable(`expansion of ${name}`);
    const details = expanded.args as { iterVarName?: unknown; iterCtx?: { iterType?: TypeDecl } };
    const variable = argNodes[0];
    if (!variable || variable.op !== 'id' || variable.args !== details.iterVarName) throw new NotCompilable(`comprehension ${name}`);
    const kind = `${name}/${argNodes.length}`;
    if (!['exists/2', 'all/2', 'exists_one/2', 'filter/2', 'map/2', 'map/3'].includes(kind)) throw new NotCompilable(`macro ${kind}`);

    const iterType = details.iterCtx?.iterType;
    const range = this.node(receiverNode, out, scope);
    const items = this.tmp();
    // A literal range is iterated in place (never handed out, so never copied).
    out.push(`const ${items} = ${range.literal ? range.literal.shared : `H.rangeOf(${range.v})`};`);
    const local = this.tmp('v');
    // Iterating a literal list of safe ints: each element's double twin comes from a parallel array.
    const ints = range.literal?.values.every(isSafeInt) ? this.k(range.literal.values.map(Number)) : undefined;
    const num = ints === undefined ? undefined : this.tmp('n');
    const inner = new Map(scope).set(variable.args as string, num === undefined ? { v: local } : { v: local, num });
    const i = this.tmp('i');
    const t = this.tmp();
    const failed = this.tmp('f');
    const frame: Frame = { locals: new Set([local]), prelude: [] };
    const head = [`for (let ${i} = 0; ${i} < ${items}.length; ${i}++) {`, `const ${local} = ${items}[${i}];`];
    // The elements of a literal range are checked here, once.
    if (!range.literal || !passes(matcherFor(iterType), range.literal.values)) head.push(typeCheck(iterType, local));
    if (num !== undefined && ints !== undefined) head.push(`const ${num} = ${ints}[${i}];`);
    this.frames.push(frame);
    const wasMemoizing = this.memoizing;
    this.memoizing = false;
    const predicateCode: string[] = [];
    let predicate: string;
    const transformCode: string[] = [];
    let transform = '';
    try {
      predicate = this.node(argNodes[1]!, predicateCode, inner).v;
      if (kind === 'map/3') transform = this.node(argNodes[2]!, transformCode, inner).v;
    } finally {
      this.frames.pop();
      this.memoizing = wasMemoizing;
    }
    head.splice(0, 0, ...frame.prelude);

    switch (kind) {
      case 'exists/2':
      case 'all/2': {
        // Errors of single elements are absorbed when another element decides (true for exists).
        const decides = kind === 'exists/2' ? 'true' : 'false';
        const other = kind === 'exists/2' ? 'false' : 'true';
        const r = this.tmp('r');
        out.push(
          `let ${t} = ${other};`,
          `let ${failed} = false;`,
          ...head,
          `let ${r};`,
          `try {`,
          ...predicateCode,
          `${r} = ${predicate};`,
          `} catch { ${failed} = true; continue; }`,
          `if (${r} === ${decides}) { ${t} = ${decides}; break; }`,
          `if (${r} !== ${other}) ${failed} = true;`,
          `}`,
          `if (${t} === ${other} && ${failed}) H.defer();`,
        );
        return { v: t };
      }
      case 'exists_one/2':
        out.push(`let ${t} = 0;`, ...head, ...predicateCode, `if (${predicate} === true) ${t}++;`, `else if (${predicate} !== false) H.defer();`, `}`);
        return { v: `(${t} === 1)` };
      case 'filter/2':
        out.push(`const ${t} = [];`, ...head, ...predicateCode, `if (${predicate} === true) ${t}.push(${local});`, `else if (${predicate} !== false) H.defer();`, `}`);
        return { v: t };
      case 'map/2':
        out.push(`const ${t} = [];`, ...head, ...predicateCode, `${t}.push(${predicate});`, `}`);
        return { v: t };
      default: {
        out.push(
          `const ${t} = [];`,
          ...head,
          ...predicateCode,
          `if (${predicate} === true) {`,
          ...transformCode,
          `${t}.push(${transform});`,
          `} else if (${predicate} !== false) H.defer();`,
          `}`,
        );
        return { v: t };
      }
    }
  }
}
