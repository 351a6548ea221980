/**
 * The one place that knows which CEL implementation kansa uses (@marcbachmann/cel-js, chosen by
 * measurement: see README "Why this CEL library"). Everything else sees compile() and Program.
 */
import { Environment } from '@marcbachmann/cel-js';
import { errorMessage, type Result } from '../errors.js';

export type CelType = 'bool' | 'string' | 'dyn';

export type EvalOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

export interface Program {
  readonly source: string;
  evaluate(bindings: Readonly<Record<string, unknown>>): EvalOutcome;
}

/** Builds a compiler whose expressions may only read the given variables (all dynamically typed). */
export function celCompiler(variables: readonly string[]): (source: string, expected: CelType) => Result<Program> {
  let env = new Environment({ homogeneousAggregateLiterals: false, enableOptionalTypes: true })
    // `unknown("why")`: a control says the data cannot decide it; the finding becomes unknown with that reason.
    .registerFunction('unknown(string): bool', (reason: string): boolean => {
      throw new UndecidableError(reason);
    });
  for (const name of variables) env = env.registerVariable(name, 'dyn');
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
    return {
      ok: true,
      value: {
        source,
        evaluate(bindings) {
          try {
            return { ok: true, value: parsed(bindings) as unknown };
          } catch (error) {
            return { ok: false, error: firstLine(error) };
          }
        },
      },
    };
  };
}

/** Thrown by the CEL function `unknown(reason)`; its message is the whole reason. */
export class UndecidableError extends Error {
  override readonly name = 'UndecidableError';
}

function firstLine(error: unknown): string {
  const cause = typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined;
  if (cause instanceof UndecidableError) return cause.message;
  if (error instanceof UndecidableError) return error.message;
  return (errorMessage(error).split('\n')[0] ?? '').trim();
}
