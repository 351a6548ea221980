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
