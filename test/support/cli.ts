/** The `kansa` command run in-process: captured output, exit code, and the clock the test chooses. */
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: readonly string[], now: () => Date = () => new Date()): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), now });
  return { code, stdout, stderr };
}
