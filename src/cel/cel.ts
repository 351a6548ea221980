/**
 * The one place that knows which CEL implementation kansa uses (@marcbachmann/cel-js, chosen by
 * measurement: see README "Why this CEL library"). Everything else sees compile() and Program.
 *
 * cel-js parses and type-checks every expression (so compile errors are its own). Evaluation runs a
 * function compiled from the checked AST (./compile.ts) whenever the expression is in the compiled
 * subset; the compiled code returns exactly the interpreter's value or defers to the interpreter, which
 * then answers (every runtime error and `unknown(…)` reason therefore comes from cel-js). An expression
 * outside the subset is always interpreted. `KANSA_CEL=interpret` (or `{ engine: 'interpret' }`) turns
 * the compiled path off; `KANSA_CEL=verify` runs both and checks them against each other.
 */
import { Environment } from '@marcbachmann/cel-js';
import { compileAst, NotCompilable, sameValue } from './compile.js';
import { errorMessage, type Result } from '../errors.js';
import type { Bilingual } from '../model/text.js';

export type CelType = 'bool' | 'string' | 'dyn';

/**
 * `undecidable` is set when the expression itself said why it cannot decide (`unknown({ja, en})`);
 * `error` is then its English text, otherwise the CEL runtime error.
 */
export type EvalOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: string; readonly undecidable?: Bilingual };

export interface Program {
  readonly source: string;
  evaluate(bindings: Readonly<Record<string, unknown>>): EvalOutcome;
}

/**
 * `compile` (default): compiled code, the interpreter as fallback. `interpret`: cel-js only. `verify`:
 * every evaluation runs both and returns the interpreter's outcome; a value of the compiled code that
 * differs from it is recorded (`celVerification`) and thrown. The differential test, and a debugging aid.
 */
export type CelEngine = 'compile' | 'interpret' | 'verify';

export interface CelOptions {
  readonly engine?: CelEngine;
}

/** The engine `celCompiler` uses when not told: the environment variable `KANSA_CEL`, else `compile`. */
export function defaultEngine(): CelEngine {
  const chosen = process.env.KANSA_CEL;
  return chosen === 'interpret' || chosen === 'verify' ? chosen : 'compile';
}

export interface CelVerification {
  /**
   * Evaluations run by both engines where the interpreter gave a value. Those where it gave an error (a context
   * not yet complete, `unknown(…)`, a missing field) have no answer to compare; the compiled code must still not
   * give a value there (a mismatch), but they do not count here.
   */
  compared: number;
  /** Of those, how many the compiled code answered itself (the rest it deferred to the interpreter). */
  answered: number;
  /** Evaluations whose compiled value differed from the interpreter's outcome (at most 100 kept). */
  readonly mismatches: string[];
}

const verification: CelVerification = { compared: 0, answered: 0, mismatches: [] };

/** What the `verify` engine has seen in this process (reset with `reset: true`). */
export function celVerification(reset = false): CelVerification {
  const snapshot = { compared: verification.compared, answered: verification.answered, mismatches: [...verification.mismatches] };
  if (reset) {
    verification.compared = 0;
    verification.answered = 0;
    verification.mismatches.length = 0;
  }
  return snapshot;
}

const compiledPrograms = new WeakSet<Program>();

/** Whether a program evaluates through compiled code (false: outside the compiled subset, or interpreted). */
export function isCompiled(program: Program): boolean {
  return compiledPrograms.has(program);
}

/**
 * One cel-js environment per set of variable names, shared by every expression that reads that set. Each
 * environment holds its own registry of the standard functions and their overloads, and every parsed
 * expression keeps its environment alive: one per control (two with its context keys) held some 8 MB of the
 * agent's heap in each thread that loads the mappings. An environment is not changed once built.
 */
const environments = new Map<string, Environment>();

function environmentFor(variables: readonly string[]): Environment {
  const key = variables.join('\n');
  let env = environments.get(key);
  if (!env) {
    env = new Environment({ homogeneousAggregateLiterals: false, enableOptionalTypes: true })
      // `unknown({"ja": "…", "en": "…"})`: a control says the data cannot decide it; the finding becomes
      // unknown with that reason, in both languages.
      .registerFunction('unknown(map<string, string>): bool', (reason: Readonly<Record<string, unknown>>): boolean => {
        throw new UndecidableError({ ja: textOf(reason, 'ja'), en: textOf(reason, 'en') });
      });
    for (const name of variables) env = env.registerVariable(name, 'dyn');
    environments.set(key, env);
  }
  return env;
}

/** Builds a compiler whose expressions may only read the given variables (all dynamically typed). */
export function celCompiler(variables: readonly string[], options: CelOptions = {}): (source: string, expected: CelType) => Result<Program> {
  const engine = options.engine ?? defaultEngine();
  const env = environmentFor(variables);
  return (source, expected) => {
    let parsed: ReturnType<Environment['parse']>;
    try {
      parsed = env.parse(source);
    } catch (error) {
      return { ok: false, error: firstLine(error) };
    }
    const checked = parsed.check();
    if (!checked.valid) return { ok: false, error: firstLine(checked.error) };
    if (expected !== 'dyn' && checked.type !== 'dyn' && checked.type !== expected) {
      return { ok: false, error: `expression has type ${checked.type}, expected ${expected}` };
    }
    const interpret = (bindings: Readonly<Record<string, unknown>>): EvalOutcome => {
      try {
        return { ok: true, value: parsed(bindings) as unknown };
      } catch (error) {
        const undecidable = undecidableOf(error);
        return undecidable ? { ok: false, error: undecidable.en, undecidable } : { ok: false, error: firstLine(error) };
      }
    };
    const compiled = engine === 'interpret' ? undefined : compiledOrNone(parsed.ast);
    if (!compiled) return { ok: true, value: { source, evaluate: interpret } };
    if (engine === 'verify') {
      const program: Program = { source, evaluate: (bindings) => verified(source, compiled, interpret, bindings) };
      compiledPrograms.add(program);
      return { ok: true, value: program };
    }
    const program: Program = {
      source,
      evaluate(bindings) {
        try {
          return { ok: true, value: compiled(bindings) };
        } catch {
          // Any failure of the compiled code (a CEL error, a value kind it leaves to cel-js, `unknown()`):
          // the interpreter gives the answer, with cel-js's own error text.
          return interpret(bindings);
        }
      },
    };
    compiledPrograms.add(program);
    return { ok: true, value: program };
  };
}

function verified(
  source: string,
  compiled: (bindings: Readonly<Record<string, unknown>>) => unknown,
  interpret: (bindings: Readonly<Record<string, unknown>>) => EvalOutcome,
  bindings: Readonly<Record<string, unknown>>,
): EvalOutcome {
  const expected = interpret(bindings);
  if (expected.ok) verification.compared++;
  let value: unknown;
  try {
    value = compiled(bindings);
  } catch {
    return expected; // deferred: the interpreter answers, as in `compile`
  }
  if (expected.ok) verification.answered++;
  if (!expected.ok || !sameValue(value, expected.value)) {
    const got = describe(value);
    const want = expected.ok ? describe(expected.value) : `error ${expected.error}`;
    const mismatch = `${source}\n  compiled: ${got}\n  interpreter: ${want}`;
    if (verification.mismatches.length < 100) verification.mismatches.push(mismatch);
    // Loud: a run under KANSA_CEL=verify must not go on as if nothing happened.
    throw new Error(`compiled CEL differs from the interpreter: ${mismatch}`);
  }
  return expected;
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The compiled form, or undefined: outside the compiled subset (NotCompilable), or code generation is
 * unavailable (node --disallow-code-generation-from-strings). The interpreter then evaluates it; the
 * differential test requires every bundled expression to compile, so a generator bug cannot hide here.
 */
function compiledOrNone(ast: unknown): ReturnType<typeof compileAst> | undefined {
  try {
    return compileAst(ast);
  } catch (error) {
    if (error instanceof NotCompilable || error instanceof EvalError) return undefined;
    throw error;
  }
}

/** Thrown by the CEL function `unknown(reason)` (and by a failed variable when read): the whole reason. */
export class UndecidableError extends Error {
  override readonly name = 'UndecidableError';
  constructor(readonly reason: Bilingual) {
    super(reason.en);
  }
}

function textOf(reason: Readonly<Record<string, unknown>>, language: keyof Bilingual): string {
  const text = reason[language];
  // A control that forgets one language still yields a reason (the other), never a crash.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a CEL map<string, string> value
  return typeof text === 'string' && text !== '' ? text : String(reason[language === 'ja' ? 'en' : 'ja'] ?? '');
}

function undecidableOf(error: unknown): Bilingual | undefined {
  const cause = typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined;
  if (cause instanceof UndecidableError) return cause.reason;
  if (error instanceof UndecidableError) return error.reason;
  return undefined;
}

function firstLine(error: unknown): string {
  return (errorMessage(error).split('\n')[0] ?? '').trim();
}
