/**
 * Scrapes under hostile load: `npm run bench -- --scrape [--n 100000]`.
 * A sandbox (its own process) serves an AWS estate of N resources; `kansa run` (its own process) scans
 * it on a one-minute schedule behind TLS and basic auth (bcrypt cost 10, as exporter-toolkit's docs
 * suggest). While scans run, this process measures the legitimate scraper's /metrics latency:
 *   1. alone (one scrape every 200 ms);
 *   2. with 150 clients sending random wrong passwords as fast as they are answered;
 *   3. with 50 concurrent legitimate scrapers (each scraping back to back).
 * Targets (issue 18): p99 ≤ 100 ms with the 150 wrong-password clients; p99 ≤ 50 ms with 50 scrapers.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hashPassword } from '../src/http/web-config.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KANSA = join(ROOT, 'bin', 'kansa.js');
const SANDBOX = join(ROOT, 'dist', 'src', 'sandbox', 'main.js');
const PASSWORD = 'legitimate-scraper-password';

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function scrape(url: string, agent: Agent, password: string, localAddress?: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(`${url}/metrics`, { agent, rejectUnauthorized: false, ...(localAddress ? { localAddress } : {}), headers: { authorization: `Basic ${Buffer.from(`prometheus:${password}`).toString('base64')}`, 'accept-encoding': 'gzip' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end();
  });
}

async function waitForJson(child: ChildProcess): Promise<Record<string, unknown>> {
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      try {
        resolve(JSON.parse(out) as Record<string, unknown>);
      } catch {
        // not complete yet
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
  });
}

async function waitReady(url: string, agent: Agent): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const r = await new Promise<number>((resolve) => {
      const req = request(`${url}/readyz`, { agent, rejectUnauthorized: false, headers: { authorization: `Basic ${Buffer.from(`prometheus:${PASSWORD}`).toString('base64')}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
      req.end();
    });
    if (r === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('agent never became ready');
}

/** The legitimate scraper's latencies over `seconds`, one scrape every 200 ms, while `load` runs. */
async function measure(url: string, seconds: number, load: (stop: () => boolean) => Promise<void>): Promise<{ p50: number; p99: number; max: number; ok: number; total: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let stopped = false;
  const background = load(() => stopped);
  const latencies: number[] = [];
  let ok = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const r = await scrape(url, agent, PASSWORD);
    latencies.push(r.ms);
    if (r.status === 200) ok++;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  stopped = true;
  await background;
  agent.destroy();
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies), ok, total: latencies.length };
}

export async function runScrapeBench(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({ args: [...argv], options: { n: { type: 'string', default: '100000' }, seconds: { type: 'string', default: '15' }, scrape: { type: 'boolean' } }, allowPositionals: true });
  const n = Number(values.n);
  const seconds = Number(values.seconds);
  const dir = mkdtempSync(join(tmpdir(), 'kansa-bench-scrape-'));
  const children: ChildProcess[] = [];
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'tls.key', '-out', 'tls.crt', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: dir, stdio: 'ignore' });
    writeFileSync(join(dir, 'web.yml'), `tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\nbasic_auth_users:\n  prometheus: '${hashPassword(PASSWORD, 10)}'\n`);
    const sandbox = spawn(process.execPath, [SANDBOX, '--port', '0', '--resources', String(n), '--seed', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(sandbox);
    const started = (await waitForJson(sandbox)) as {
      aws: { endpoint: string; managementAccount: string; credentials: Record<string, { accessKeyId: string; secretAccessKey: string }>; roleArns: Record<string, string>; regions: string[] };
    };
    const port = 20000 + Math.floor(Math.random() * 20000);
    writeFileSync(
      join(dir, 'kansa.yaml'),
      `listen: "127.0.0.1:${port}"\nweb:\n  configFile: ./web.yml\nlog:\n  level: warn\ncollectors:\n  aws:\n    endpoint: ${started.aws.endpoint}\n    schedule: "* * * * *"\n    regions: [${started.aws.regions.join(', ')}]\n    accounts: [${Object.entries(started.aws.roleArns).map(([a, role]) => `{ id: "${a}", roleArn: "${role}" }`).join(', ')}]\n`,
    );
    const agentProcess = spawn(process.execPath, [KANSA, 'run', '--config', join(dir, 'kansa.yaml')], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        // The management account's keys assume each account's role; STS and the Account API (identity, region
        // discovery) reach the sandbox through AWS_ENDPOINT_URL, as they would a VPC endpoint.
        AWS_ACCESS_KEY_ID: started.aws.credentials[started.aws.managementAccount]!.accessKeyId,
        AWS_SECRET_ACCESS_KEY: started.aws.credentials[started.aws.managementAccount]!.secretAccessKey,
        AWS_ENDPOINT_URL: started.aws.endpoint,
        AWS_REGION: 'us-east-1',
      },
    });
    children.push(agentProcess);
    const url = `https://127.0.0.1:${port}`;
    const setup = new Agent({ keepAlive: true });
    await waitReady(url, setup);
    setup.destroy();
    console.log(`scrape latency of the legitimate scraper (TLS + basic auth, bcrypt cost 10) while kansa scans ${n} resources every minute; ${seconds} s per scenario`);
    // Latency figures mean little on a busy machine: say how busy it was.
    console.log(`machine: ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min) at the start`);
    console.log('scenario                                   p50 ms   p99 ms   max ms   ok/total   target');
    const row = (name: string, r: Awaited<ReturnType<typeof measure>>, target: string): void =>
      console.log(`${name.padEnd(42)} ${r.p50.toFixed(1).padStart(6)}   ${r.p99.toFixed(1).padStart(6)}   ${r.max.toFixed(1).padStart(6)}   ${`${r.ok}/${r.total}`.padStart(8)}   ${target}`);
    row('alone', await measure(url, seconds, () => Promise.resolve()), '—');
    // The load runs in its own process: 150 busy TLS clients on this event loop would delay the measured scraper here, not in kansa.
    const loadProcess = (mode: 'attack' | 'scrape', clients: number) => async (stop: () => boolean): Promise<void> => {
      const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--load', mode, url, String(clients)], { stdio: 'ignore' });
      while (!stop()) await new Promise((resolve) => setTimeout(resolve, 100));
      child.kill('SIGTERM');
    };
    row('150 clients with wrong passwords', await measure(url, seconds, loadProcess('attack', 150)), 'p99 ≤ 100 ms');
    row('50 concurrent legitimate scrapers', await measure(url, seconds, loadProcess('scrape', 50)), 'p99 ≤ 50 ms');
  } finally {
    // The agent reads its files until it exits: remove them only after the children have gone.
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The load process: `clients` loops, each from its own loopback address, scraping back to back. */
async function runLoad(mode: 'attack' | 'scrape', url: string, clients: number): Promise<void> {
  const agents = Array.from({ length: clients }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  await Promise.all(
    agents.map(async (a, i) => {
      // Attackers each from their own address (127.0.0.2 …): the scraper is not behind their NAT.
      const from = mode === 'attack' ? `127.0.${Math.floor((i + 2) / 250)}.${((i + 2) % 250) + 1}` : undefined;
      for (;;) await scrape(url, a, mode === 'attack' ? `wrong-${Math.random()}` : PASSWORD, from);
    }),
  );
}

if (process.argv[2] === '--load') void runLoad(process.argv[3] as 'attack' | 'scrape', process.argv[4]!, Number(process.argv[5]));
