/** What every command receives: the process streams and clock as values (main.ts passes them to each command group). */
import type { Command } from 'commander';

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly now: () => Date;
  /** Whether stdout is a terminal (commands that write files refuse to dump them there). Absent: not a terminal. */
  readonly stdoutIsTerminal?: () => boolean;
  /** Whether stderr reaches a person (a terminal, logs not forced to JSON): plain-text hints go there only then. Default: no. */
  readonly interactive?: () => boolean;
}

export interface CommandContext {
  readonly io: Io;
  /** Sets the process exit code the command ends with (e.g. 1 for a failed verification). */
  readonly setExitCode: (code: number) => void;
}

export type CommandGroup = (program: Command, context: CommandContext) => void;
