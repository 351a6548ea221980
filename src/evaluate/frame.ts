/**
 * One control × one resource: the control's variables are evaluated in order, each at most once and
 * only when an expression reads it (Kubernetes ValidatingAdmissionPolicy semantics).
 *
 * Speed: an expression's variables (`needs`, known at compile time) are computed before it, into a plain
 * object, so the common case costs one small object per resource. A variable that fails is not a value:
 * an expression that reads one is evaluated against a view that raises the variable's own error where it
 * is read, so CEL's error absorption (`true || variables.broken`) still holds.
 */
import { UndecidableError, type EvalOutcome } from '../cel/cel.js';
import type { Control, ControlExpression } from '../mappings/controls.js';

type Failure = Extract<EvalOutcome, { ok: false }>;

export class VariableFrame {
  private readonly values: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  private readonly computed: boolean[] = [];
  private failures: Map<string, Failure> | undefined;
  private readonly bindings: Record<string, unknown>;

  constructor(
    private readonly control: Control,
    bindings: Readonly<Record<string, unknown>>,
  ) {
    this.bindings = { ...bindings, variables: this.values };
  }

  evaluate(expression: ControlExpression): EvalOutcome {
    for (const index of expression.needs) this.compute(index);
    return this.run(expression);
  }

  /** The variables computed so far that have a value, in declaration order (what a passing finding observed). */
  computedValues(): [string, unknown][] {
    return this.control.variables.filter((v) => Object.hasOwn(this.values, v.name)).map((v) => [v.name, this.values[v.name]]);
  }

  private compute(index: number): void {
    if (this.computed[index]) return;
    this.computed[index] = true;
    const variable = this.control.variables[index]!;
    const outcome = this.run(variable);
    if (outcome.ok) this.values[variable.name] = outcome.value;
    else (this.failures ??= new Map()).set(variable.name, outcome);
  }

  private run(expression: ControlExpression): EvalOutcome {
    const failures = this.failures;
    if (failures === undefined || !expression.needs.some((i) => failures.has(this.control.variables[i]!.name))) {
      return expression.program.evaluate(this.bindings);
    }
    return expression.program.evaluate({ ...this.bindings, variables: failingView(this.values, failures) });
  }
}

/** Evaluates an expression of a control without variables (no frame needed) or through a frame. */
export function evaluateIn(frame: VariableFrame | undefined, expression: ControlExpression, bindings: Readonly<Record<string, unknown>>): EvalOutcome {
  return frame ? frame.evaluate(expression) : expression.program.evaluate(bindings);
}

export function frameFor(control: Control, bindings: Readonly<Record<string, unknown>>): VariableFrame | undefined {
  return control.variables.length > 0 ? new VariableFrame(control, bindings) : undefined;
}

function failingView(values: Record<string, unknown>, failures: ReadonlyMap<string, Failure>): Record<string, unknown> {
  return new Proxy(values, {
    get(target, key) {
      const failure = typeof key === 'string' ? failures.get(key) : undefined;
      if (failure) throw failure.undecidable ? new UndecidableError(failure.undecidable) : new VariableError(key as string, failure.error);
      return target[key as string];
    },
    // CEL asks whether the field exists before reading it; a failed variable exists (reading it raises).
    getOwnPropertyDescriptor(target, key) {
      if (typeof key === 'string' && failures.has(key)) return { value: undefined, writable: true, enumerable: true, configurable: true };
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    has(target, key) {
      return (typeof key === 'string' && failures.has(key)) || key in target;
    },
  });
}

/** A variable whose own evaluation failed, raised where an expression reads it. */
export class VariableError extends Error {
  override readonly name = 'VariableError';
  constructor(variable: string, error: string) {
    super(`variables.${variable}: ${error}`);
  }
}
