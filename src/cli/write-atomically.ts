import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { errorMessage, InputError } from '../errors.js';

/**
 * Writes next to the target and renames, so a reader never sees half a file (nor a signature of another
 * file). A failure is the user's input error (the path), with the temporary file removed.
 */
export function writeAtomically(file: string, content: string): void {
  const temporary = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new InputError(file, '', `cannot write: ${errorMessage(error)}`);
  }
}
