/**
 * Command groups beyond the core ones in main.ts (evaluate, catalog, run, scan, validate, schema).
 * Each group registers its subcommands on the program; list new groups here.
 */
import type { Command } from 'commander';
import type { Io } from '../main.js';
import { reportCommands } from './report.js';
import { evidenceCommands } from './evidence.js';
import { permissionsCommands } from './permissions.js';

export interface CommandContext {
  readonly io: Io;
  /** Sets the process exit code the command ends with (e.g. 1 for a failed verification). */
  readonly setExitCode: (code: number) => void;
}

export type CommandGroup = (program: Command, context: CommandContext) => void;

export const COMMAND_GROUPS: readonly CommandGroup[] = [reportCommands, evidenceCommands, permissionsCommands];
