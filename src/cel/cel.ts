/**
 * The one place that knows which CEL implementation kansa uses (@marcbachmann/cel-js, chosen by
 * measurement: see README "Why this CEL library"). Everything else sees compile() and Program.
 */
import { Environment } from '@marcbachmann/cel-js';
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

/** Builds a compiler whose expressions may only read the given variables (all dynamically typed). */
export function celCompiler(variables: readonly string[]): (source: string, expected: CelType) => Result<Program> {
  let env = new Environment({ homogeneousAggregateLiterals: false, enableOptionalTypes: true })
    // `unknown({"ja": "…", "en": "…"})`: a control says the data cannot decide it; the finding becomes
    // unknown with that reason, in both languages.
    .registerFunction('unknown(map<string, string>): bool', (reason: Readonly<Record<string, unknown>>): boolean => {
      throw new UndecidableError({ ja: textOf(reason, 'ja'), en: textOf(reason, 'en') });
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
            const undecidable = undecidableOf(error);
            return undecidable ? { ok: false, error: undecidable.en, undecidable } : { ok: false, error: firstLine(error) };
          }
        },
      },
    };
  };
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
  const other = reason[language === 'ja' ? 'en' : 'ja'];
  // A control that forgets one language still yields a reason (the other), never a crash.
  return typeof text === 'string' && text !== '' ? text : typeof other === 'string' ? other : '';
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
