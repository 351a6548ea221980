/**
 * Command groups beyond the core ones in main.ts (evaluate, catalog, run, scan, validate, schema).
 * Each group registers its subcommands on the program; list new groups here.
 */
import type { CommandGroup } from '../command.js';
import { reportCommands } from './report.js';
import { evidenceCommands } from './evidence.js';
import { permissionsCommands } from './permissions.js';

export const COMMAND_GROUPS: readonly CommandGroup[] = [reportCommands, evidenceCommands, permissionsCommands];
