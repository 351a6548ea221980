/**
 * What `kansa run` writes on stderr: pure JSON log records when stderr is a pipe (a log collector reads
 * them), and on a terminal the start-up ends with what to do next, in Japanese and English.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { nextSteps } from '../../src/cli/main.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { startKansaRun, waitFor } from '../support/processes.js';

const KANSA = join(PACKAGE_ROOT, 'bin', 'kansa.js');
/** util-linux script(1) gives the child a pseudo-terminal: the real thing, as a person's shell would. */
const SCRIPT = '/usr/bin/script';

it('keeps stderr pure JSON when it is not a terminal, the start-up record naming the board and /metrics', async () => {
  const { kansa, port } = await startKansaRun(KANSA, ['--sandbox', '--sandbox-resources', '40'], { ...process.env, KANSA_LOG_FORMAT: '' });
  try {
    await waitFor('the first scan', () => Promise.resolve(/"msg":"scan finished"/.test(kansa.output()) ? true : undefined));
  } finally {
    await kansa.stop();
  }
  const lines = kansa.output().split('\n').filter((line) => line !== '');
  const notJson = lines.filter((line) => {
    try {
      return typeof JSON.parse(line) !== 'object';
    } catch {
      return true;
    }
  });
  expect(notJson).toEqual([]);
  const listening = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r['msg'] === 'kansa agent listening');
  expect(listening).toMatchObject({ board: `http://127.0.0.1:${port}/`, metrics: `http://127.0.0.1:${port}/metrics` });
}, 90_000);

it('ends an interactive start-up with the board URL and two example queries, in both languages', async () => {
  if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} is missing (apt-get install -y bsdutils): the test needs a pseudo-terminal`);
  // script(1) runs the command through $SHELL -c. `exec` leaves the agent alone in the terminal's foreground group, as
  // a person's shell does with job control: without it dash (/bin/sh, used when SHELL is unset, as in CI) stays as the
  // parent, is killed by the first Ctrl-C, and script reports its 130 whatever the agent did.
  const command = `exec ${[process.execPath, KANSA, 'run', '--sandbox', '--sandbox-resources', '40', '--listen', '127.0.0.1:0'].map((a) => `'${a}'`).join(' ')}`;
  // Pretty logs, as on a person's terminal (KANSA_LOG_FORMAT=json would keep them JSON).
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'KANSA_LOG_FORMAT'));
  // stdin is a pipe into the terminal: Ctrl-C written to it reaches the agent as SIGINT, as when a person presses it.
  const child = spawn(SCRIPT, ['-qfec', command, '/dev/null'], { env: { ...env, TERM: 'dumb', SHELL: '/bin/sh' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  // The start-up checks run first; whatever they find, the agent is then stopped as a person would stop it.
  const startup = (async () => {
    await waitFor('the next steps', () => Promise.resolve(/example queries:[\s\S]*non-compliant items/.test(output) ? true : undefined), 60_000);
    const url = /live board: +(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
    expect(url).toBeDefined();
    expect(output.replace(/\r/g, '')).toContain(nextSteps(url!, url!.replace('http://', '')));
    expect(output).toContain('適合状況ボード');
  })().then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  const startupError = await startup;
  // Ctrl-C, then more of them, as an impatient person presses: none may kill the agent mid-shutdown (exit 130).
  child.stdin.write('\u0003');
  await waitFor('the shutdown', () => Promise.resolve(/shutting down/.test(output) ? true : undefined), 30_000);
  // Then Ctrl-C again and again until the process is gone, so that presses land during the shutdown, between 'stopped'
  // and the exit, and in Node's own teardown (which once gave SIGINT back to its default there: the agent exited 130).
  let gone = false;
  child.once('exit', () => (gone = true));
  child.stdin.on('error', () => undefined);
  for (let presses = 0; !gone && presses < 10_000; presses++) {
    child.stdin.write('\u0003');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const code = await exited;
  child.stdin.end();
  if (startupError) throw startupError;
  // The output's end says why, should the exit code be wrong.
  if (code !== 0) throw new Error(`kansa run exited ${code} after repeated Ctrl-C; its output ends with:\n${output.slice(-2000)}`);
  // Pretty logs are coloured: the words are read without the terminal's escape codes. The later presses arrive
  // during the shutdown (then they are logged) or after it (then they are ignored): either way the agent stops cleanly.
  const plain = output.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
  expect(plain).toMatch(/shutting down[\s\S]*\bstopped\b/);
  expect(plain.slice(plain.search(/\bstopped\b/))).not.toMatch(/already shutting down/);
}, 90_000);

it('names the board (both languages) and queries that exist', () => {
  const text = nextSteps('https://kansa.example:9731', '0.0.0.0:9731');
  expect(text).toContain('https://kansa.example:9731/   (English: https://kansa.example:9731/?lang=en)');
  expect(text).toContain('https://kansa.example:9731/metrics');
  expect(text).toMatch(/^ {4}kansa_requirements +#/m);
  expect(text).toMatch(/^ {4}kansa_requirement_status\{state="noncompliant"\} == 1 +#/m);
  expect(text).toContain('0.0.0.0:9731');
});
