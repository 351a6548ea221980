/** A start-up problem in a file the user gave us: names the file, the path inside it and what was expected. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${file}${path ? `: ${path}` : ''}: ${reason}`);
    this.name = 'InputError';
  }
}

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_NONCOMPLIANT = 1;
export const EXIT_USAGE = 2;
/** A bug, or the agent's engine died: the supervisor should restart the process. */
export const EXIT_INTERNAL = 3;

export type Result<T, E = string> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

/** The message of anything thrown (duck-typed: errors from other realms are not `instanceof Error`). */
export function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return error.message;
  return String(error);
}

/**
 * Several start-up problems found in one pass (every bad field of a mapping file, not the first): still an
 * InputError (exit 2, and every `instanceof InputError` keeps working), carrying the first one's fields.
 */
export class InputErrors extends InputError {
  constructor(readonly errors: readonly InputError[]) {
    const first = errors[0];
    if (!first) throw new RangeError('InputErrors needs at least one error');
    super(first.file, first.path, first.reason);
    this.message = errors.map((e) => e.message).join('\n');
    this.name = 'InputErrors';
  }
}

/** The single problems of an InputError (one, or each of an InputErrors). */
export function inputErrorList(error: InputError): readonly InputError[] {
  return error instanceof InputErrors ? error.errors : [error];
}

/** How many problems are printed before "… and N more": enough to fix a file in one go, not a wall of text. */
export const MAX_PRINTED_INPUT_ERRORS = 50;

/** The lines to print for an InputError: one per problem, capped at `max`. */
export function inputErrorLines(error: InputError, max = MAX_PRINTED_INPUT_ERRORS): string[] {
  const all = inputErrorList(error);
  const lines = all.slice(0, max).map((e) => e.message);
  if (all.length > max) lines.push(`… and ${all.length - max} more error${all.length - max === 1 ? '' : 's'}`);
  return lines;
}

/** Gathers the problems of one pass over input files, so they are all reported together. */
export class InputErrorCollector {
  private readonly list: InputError[] = [];

  get count(): number {
    return this.list.length;
  }

  add(file: string, path: string, reason: string): void {
    this.list.push(new InputError(file, path, reason));
  }

  /** Keeps an InputError (each of an InputErrors); anything else is rethrown. */
  keep(error: unknown): void {
    if (!(error instanceof InputError)) throw error;
    this.list.push(...inputErrorList(error));
  }

  /** Runs a step; an InputError it throws is kept and the step yields undefined. */
  attempt<T>(step: () => T): T | undefined {
    try {
      return step();
    } catch (error) {
      this.keep(error);
      return undefined;
    }
  }

  /** attempt() for a step that resolves later. */
  async attemptAsync<T>(step: () => Promise<T>): Promise<T | undefined> {
    try {
      return await step();
    } catch (error) {
      this.keep(error);
      return undefined;
    }
  }

  /**
   * The error to throw: the one problem as it is, several as InputErrors; undefined when there is none.
   * Several are in reading order: files as first met, lines ascending within a file (schema problems are
   * found before semantic ones, but people fix a file top to bottom).
   */
  error(): InputError | undefined {
    if (this.list.length <= 1) return this.list[0];
    const at = (error: InputError): { file: string; line: number } => {
      const match = /^(.*):(\d+)$/.exec(error.file);
      return match ? { file: match[1]!, line: Number(match[2]) } : { file: error.file, line: 0 };
    };
    const fileOrder = new Map<string, number>();
    for (const error of this.list) {
      const { file } = at(error);
      if (!fileOrder.has(file)) fileOrder.set(file, fileOrder.size);
    }
    const sorted = this.list
      .map((error, index) => ({ error, index, ...at(error) }))
      .sort((a, b) => fileOrder.get(a.file)! - fileOrder.get(b.file)! || a.line - b.line || a.index - b.index);
    return new InputErrors(sorted.map((s) => s.error));
  }

  throwIfAny(): void {
    const error = this.error();
    if (error) throw error;
  }
}
