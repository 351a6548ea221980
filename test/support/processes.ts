/** Test support for real processes: free ports, spawning with captured output, polling until ready. */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Spawned {
  readonly child: ChildProcess;
  output(): string;
  /** Sends a signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  readonly exited: Promise<number | null>;
}

export function spawnProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Spawned {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes; no fixed sleeps in tests. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}`);
}

export async function httpText(url: string): Promise<{ status: number; text: string; contentType: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text(), contentType: response.headers.get('content-type') ?? '' };
}

/**
 * Starts `kansa run … --listen 127.0.0.1:0` and returns once it logs the address it serves: the kernel
 * picks the port, so no other listener (the embedded sandbox's among them) can take it first, as a port
 * chosen beforehand could be. Fails with kansa's output if it exits or does not start.
 */
export async function startKansaRun(kansaBin: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ kansa: Spawned; port: number }> {
  const kansa = spawnProcess(process.execPath, [kansaBin, 'run', ...args, '--listen', '127.0.0.1:0'], env);
  try {
    const port = await waitFor(
      'kansa to listen',
      () => {
        // The JSON start-up record (stderr is a pipe here, so no plain-text line is mixed in).
        const match = /"msg":"kansa agent listening"/.test(kansa.output()) ? /"url":"https?:\/\/127\.0\.0\.1:(\d+)"[^\n]*"msg":"kansa agent listening"/.exec(kansa.output()) : null;
        if (match) return Promise.resolve(Number(match[1]));
        if (kansa.child.exitCode !== null) throw new Error(`kansa exited with ${kansa.child.exitCode}`);
        return Promise.resolve(undefined);
      },
      60_000,
      20,
    );
    return { kansa, port };
  } catch (error) {
    await kansa.stop('SIGKILL');
    throw new Error(`${String(error)}\nkansa output:\n${kansa.output()}`, { cause: error });
  }
}

/**
 * Starts Prometheus on a free port and waits for /-/ready. Prometheus cannot report a port the kernel
 * picked, so the port is chosen first; if another socket takes it meanwhile, Prometheus exits and is
 * started again on a new one.
 */
export async function startPrometheus(prometheusBin: string, dir: string, config: string): Promise<{ prometheus: Spawned; url: string }> {
  writeFileSync(join(dir, 'prometheus.yml'), config);
  let lastOutput = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const prometheus = spawnProcess(prometheusBin, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, `data-${attempt}`)}`, `--web.listen-address=127.0.0.1:${port}`]);
    const ready = await waitFor(
      'Prometheus /-/ready',
      async () => {
        if (prometheus.child.exitCode !== null) return false;
        return (await httpText(`${url}/-/ready`)).status === 200 ? true : undefined;
      },
      60_000,
      50,
    ).catch(() => false);
    if (ready) return { prometheus, url };
    lastOutput = prometheus.output();
    await prometheus.stop('SIGKILL');
  }
  throw new Error(`Prometheus did not start:\n${lastOutput}`);
}
