/**
 * Live benchmark: `npm run bench -- --live [--provider aws|gcp|azure] [--source resourceGraph|arm] [--n 10000,100000] [--throttle-n N] [--sandbox-nice N]`.
 * For each N, a sandbox process serves the estate and a fresh agent process scans it through the real
 * SDK while scraping its own /metrics. Prints resources/s, API calls ÷ lower bound, peak RSS, series on
 * /metrics, scrape time and event-loop delay p99 during the scan, and the calls by operation.
 * The lower bound comes from the estate alone (bench/bounds.ts: resource counts per type and scope × the
 * documented page sizes, plus documented per-parent reads), never from the collector's plan.
 * Throttled runs: the sandbox limits calls as the provider documents (GCP: ListAssets 100 a minute per
 * consumer project; AWS documents no rate for AWS Config reads, so the sandbox's is a stated assumption),
 * independent of kansa's pacing; each is scanned once with kansa pacing below the limit and once without.
 * Azure: Resource Graph's per-user quota (x-ms-user-quota-* headers) and ARM's per-subscription read bucket,
 * both as documented; kansa has no Azure pacing setting, so it is scanned once, following the headers.
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startAgent } from '../src/agent/runtime.js';
import { applyMemorySettings } from '../src/agent/memory.js';
import { loadMappings, type Mappings } from '../src/mappings/load.js';
import type { Control } from '../src/mappings/controls.js';
import { configSchema } from '../src/config/schema.js';
import { Evaluation } from '../src/evaluate/evaluate.js';
import { createLogger } from '../src/log.js';
import type { SandboxClients } from '../collectors/sandbox.js';
import { describeEstate } from '../src/sandbox/estate/aws.js';
import { GcpEstate } from '../src/sandbox/estate/gcp.js';
import { AzureEstate } from '../src/sandbox/estate/azure.js';
import type { Faults } from '../src/sandbox/faults.js';
import { loadavg, setPriority } from 'node:os';
import { awsBound, azureBound, byFamily, gcpBound, type Bound } from './bounds.js';
import { setTimeout as delay } from 'node:timers/promises';

const SEED = 1;
/** The sandbox process's nice value (`--sandbox-nice`; 0: the agent's priority). */
let sandboxNiceness = 0;
type Provider = 'aws' | 'gcp' | 'azure';
type AzureSource = 'resourceGraph' | 'arm';

interface Measurement {
  n: number;
  resources: number;
  scanSeconds: number;
  calls: number;
  bound: Bound;
  /** Attempts by operation and result code (`ListAssets 200`, `SelectResourceConfig ThrottlingException`). */
  byOperation: Record<string, number>;
  peakRssMb: number;
  series: number;
  kansaSeries: number;
  scrapeP99Ms: number;
  scrapeP50Ms: number;
  scrapes: number;
  /** The HTTP thread's event loop (scrapes wait on it). */
  loopDelayP99Ms: number;
  /** The engine worker's event loop (collection and evaluation). */
  engineLoopDelayP99Ms: number;
  failedAccounts: number;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const controlsOf = (mappings: Mappings, provider: Provider): Control[] => mappings.controls.filter((c) => c.provider === provider);

/** The GCP collector over every sandbox project. `pacePerMinute`: kansa's requestsPerMinute (unset: effectively none). */
function gcpSetup(mappings: Mappings, clients: SandboxClients, n: number, pacePerMinute: number | undefined): Setup {
  const estate = new GcpEstate({ resources: n, seed: SEED });
  const bound = gcpBound(estate, Evaluation.typesNeeded(controlsOf(mappings, 'gcp')), estate.projects);
  return { collectors: { gcp: { scopes: estate.projects.map((p) => `projects/${p}`), requestsPerMinute: pacePerMinute ?? 600_000 } }, sandbox: { gcp: clients.gcp! }, bound };
}

/**
 * The Azure collector over every sandbox subscription (Resource Graph or ARM). One attempt a call where nothing is
 * refused (a retry would only hide itself in calls ÷ bound); kansa's default attempts where the sandbox throttles.
 */
function azureSetup(mappings: Mappings, clients: SandboxClients, n: number, source: AzureSource, throttled = false): Setup {
  const estate = new AzureEstate({ resources: n, seed: SEED });
  const bound = azureBound(estate, controlsOf(mappings, 'azure'), source);
  return { collectors: { azure: { subscriptions: estate.subscriptions, endpoint: clients.azure!.endpoint, source, ...(throttled ? {} : { maxAttempts: 1 }) } }, sandbox: { azure: clients.azure! }, bound };
}

/** The AWS collector over every sandbox account. `pacePerSecond`: kansa's requestsPerSecondPerAccount (unset: none). */
function awsSetup(mappings: Mappings, clients: SandboxClients, n: number, pacePerSecond: number | undefined): Setup {
  const estate = describeEstate({ resources: n, seed: SEED });
  const bound = awsBound(estate, Evaluation.typesNeeded(controlsOf(mappings, 'aws')));
  const aws = {
    endpoint: clients.aws!.endpoint,
    regions: estate.regions,
    accounts: estate.accounts.map((id) => ({ id })),
    ...(pacePerSecond ? { requestsPerSecondPerAccount: pacePerSecond } : {}),
  };
  return { collectors: { aws }, sandbox: { aws: clients.aws! }, bound };
}

/** One provider's collector configuration (before defaults), the sandbox clients, and the estate's call lower bound. */
interface Setup {
  readonly collectors: Partial<Record<Provider, Record<string, unknown>>>;
  readonly sandbox: SandboxClients;
  readonly bound: Bound;
}

/** Runs the agent as `kansa run` does (engine worker, endpoint) and scrapes it while its first scan runs. */
async function measure(provider: Provider, clients: SandboxClients, n: number, pace: number | undefined, source: AzureSource, throttled = false): Promise<Measurement> {
  // Loaded once, as `kansa run` does (src/cli/main.ts hands its mappings to startAgent): a second copy in this
  // thread would add its peak to the agent's figure.
  const mappings = loadMappings({});
  const setup = provider === 'gcp' ? gcpSetup(mappings, clients, n, pace) : provider === 'azure' ? azureSetup(mappings, clients, n, source, throttled) : awsSetup(mappings, clients, n, pace);
  const collectors = Object.fromEntries(Object.entries(setup.collectors).map(([name, c]) => [name, { ...c, enabled: true, schedule: '0 0 1 1 *' }]));
  // KANSA_BENCH_MEMORY='{"optimizeForSize":false}' measures the agent with other memory settings (README "Performance").
  const memory = process.env['KANSA_BENCH_MEMORY'] ? (JSON.parse(process.env['KANSA_BENCH_MEMORY']) as unknown) : undefined;
  const config = configSchema.parse({ listen: '127.0.0.1:0', collectors, ...(memory ? { memory } : {}) });
  const logger = createLogger('error', process.stderr);
  // As `kansa run` does in its own process (src/cli/main.ts): this child is the agent's process.
  applyMemorySettings(config.memory);
  const agent = await startAgent({ config, mappings, sandbox: setup.sandbox, logger });
  // The scan starts once the worker has loaded; its start-up is not part of the scan's figures.
  while (!agent.status.collectors.some((c) => c.running) && !agent.ready) await delay(5);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = performance.now();
  const scrapeMs: number[] = [];
  let scanning = true;
  const scraper = (async () => {
    while (scanning) {
      const t0 = performance.now();
      await (await fetch(`${agent.url}/metrics`)).text();
      scrapeMs.push(performance.now() - t0);
      await delay(200);
    }
  })();
  while (!agent.ready || agent.status.collectors.some((c) => c.running)) await delay(10);
  const scanSeconds = (performance.now() - started) / 1000;
  loop.disable();
  scanning = false;
  await scraper;

  const status = agent.status;
  const text = await (await fetch(`${agent.url}/metrics`)).text();
  const samples = text.split('\n').filter((l) => l && !l.startsWith('#'));
  const byOperation: Record<string, number> = {};
  for (const line of samples.filter((l) => l.startsWith('kansa_collector_api_requests_total{'))) {
    const label = (name: string): string => new RegExp(`${name}="([^"]*)"`).exec(line)?.[1] ?? '';
    const key = `${label('operation')} ${label('code')}`;
    byOperation[key] = (byOperation[key] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  const accounts = status.collectors.flatMap((c) => c.accounts);
  await agent.stop();
  return {
    n,
    resources: accounts.reduce((sum, a) => sum + a.resources, 0),
    scanSeconds,
    calls: Object.values(byOperation).reduce((a, b) => a + b, 0),
    bound: setup.bound,
    byOperation,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    series: samples.length,
    kansaSeries: samples.filter((l) => l.startsWith('kansa_')).length,
    scrapeP99Ms: percentile(scrapeMs, 99),
    scrapeP50Ms: percentile(scrapeMs, 50),
    scrapes: scrapeMs.length,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    engineLoopDelayP99Ms: status.engineLoopDelayP99Ms,
    failedAccounts: accounts.filter((a) => !a.ok).length,
  };
}

/**
 * Starts the sandbox in its own process so its work does not distort the agent's figures: the estate of
 * N for the provider scanned (a token one for the others), and the given faults (rate limits).
 */
/** What the sandbox itself counted: every request that reached it, by operation (its call log, src/sandbox/calls.ts). */
interface SandboxCount {
  readonly total: number;
  readonly byOperation: Readonly<Record<string, number>>;
}

async function withSandboxProcess<T extends object>(
  provider: Provider,
  n: number,
  faults: Faults,
  body: (clients: SandboxClients) => Promise<T>,
  azureEstate: { graphQuota?: { queries: number; windowSeconds: number } } = {},
): Promise<T & { sandboxCalls: SandboxCount }> {
  const server = new URL('../src/sandbox/server.js', import.meta.url).href;
  const size = (p: Provider): number => (p === provider ? n : 10);
  const options = { port: 0, aws: { resources: size('aws'), seed: SEED }, azure: { resources: size('azure'), seed: SEED, ...azureEstate }, gcp: { resources: size('gcp'), seed: SEED }, faults };
  // What the agent's clients need: endpoints, the Azure listener's certificate (the only CA trusted) and token.
  // A line on stdin asks for the sandbox's own count of requests: the agent's metrics are not the only witness.
  const script =
    `const { startSandbox } = await import(${JSON.stringify(server)}); const s = await startSandbox(${JSON.stringify(options)});` +
    ` console.log(JSON.stringify({ aws: { endpoint: s.aws.endpoint, managementAccount: s.aws.managementAccount }, azure: { endpoint: s.azure.endpoint, ca: s.azure.ca, token: s.azure.token }, gcp: { apiEndpoint: s.gcp.apiEndpoint, port: s.gcp.port } }));` +
    ` process.stdin.on('data', () => { const c = s.calls(); console.log(JSON.stringify({ total: c.total, byOperation: c.byOperation })); });` +
    ` process.once('SIGTERM', () => void s.close().then(() => process.exit(0)));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  // --sandbox-nice N: the sandbox stands in for the cloud, which in production does not share the agent's cores.
  if (sandboxNiceness > 0 && child.pid !== undefined) setPriority(child.pid, sandboxNiceness);
  let out = '';
  const lines: string[] = [];
  let waiting: ((line: string) => void) | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (let i = out.indexOf('\n'); i >= 0; i = out.indexOf('\n')) {
      const line = out.slice(0, i);
      out = out.slice(i + 1);
      if (waiting) {
        const w = waiting;
        waiting = undefined;
        w(line);
      } else lines.push(line);
    }
  });
  const nextLine = (): Promise<string> => {
    const line = lines.shift();
    return line !== undefined ? Promise.resolve(line) : new Promise((resolve) => (waiting = resolve));
  };
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`))));
  exited.catch(() => undefined);
  const clients = JSON.parse(await Promise.race([nextLine(), exited])) as SandboxClients;
  try {
    const value = await body(clients);
    child.stdin.write('calls\n');
    const sandboxCalls = JSON.parse(await Promise.race([nextLine(), exited])) as SandboxCount;
    return { ...value, sandboxCalls };
  } finally {
    child.kill('SIGTERM');
  }
}

function runMeasureChild(provider: Provider, clients: SandboxClients, n: number, pace: number | undefined, source: AzureSource = 'resourceGraph', throttled = false): Measurement {
  const args = [fileURLToPath(import.meta.url), '--measure', JSON.stringify(clients), '--provider', provider, '--n', String(n), '--source', source, ...(pace ? ['--pace', String(pace)] : []), ...(throttled ? ['--throttled'] : [])];
  return JSON.parse(execFileSync(process.execPath, ['--max-old-space-size=4096', ...args], { encoding: 'utf8', maxBuffer: 1 << 20 })) as Measurement;
}

const operations = (m: Measurement): string =>
  Object.entries(m.byOperation)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
/** Calls made, bound and their ratio per API family (bench/bounds.ts), one line each, so any excess is named. */
const familyTable = (provider: Provider, m: Measurement, sandbox: SandboxCount): string => {
  // byOperation is keyed `Operation code`: every attempt counts, whatever it answered.
  const calls: Record<string, number> = {};
  for (const [key, n] of Object.entries(m.byOperation)) {
    const operation = key.slice(0, key.lastIndexOf(' '));
    calls[operation] = (calls[operation] ?? 0) + n;
  }
  // The sandbox's own count per family: a request kansa's metrics missed (an SDK's own retry) shows here.
  const seen = Object.fromEntries(byFamily(provider, sandbox.byOperation, m.bound).map((f) => [f.family, f.calls]));
  return byFamily(provider, calls, m.bound)
    .map(({ family, calls, bound }) => `  ${family.padEnd(36)} ${String(calls).padStart(8)} ${String(seen[family] ?? 0).padStart(8)} ${String(bound).padStart(8)} ${(bound > 0 ? (calls / bound).toFixed(3) : calls > 0 ? '∞' : '—').padStart(8)}`)
    .join('\n');
};
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

export async function runLive(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      n: { type: 'string' },
      'throttle-n': { type: 'string' },
      live: { type: 'boolean' },
      provider: { type: 'string', default: 'aws' },
      source: { type: 'string' },
      'sandbox-nice': { type: 'string' },
    },
  });
  sandboxNiceness = Number(values['sandbox-nice'] ?? '0');
  if (!Number.isInteger(sandboxNiceness) || sandboxNiceness < 0 || sandboxNiceness > 19) throw new Error(`--sandbox-nice must be 0–19, got ${values['sandbox-nice']}`);
  const provider = values.provider as Provider;
  if (provider !== 'aws' && provider !== 'gcp' && provider !== 'azure') throw new Error(`--provider must be aws, gcp or azure, got ${values.provider}`);
  console.log(`provider ${provider}; lower bound from the estate (bench/bounds.ts)`);
  console.log(`load average at start ${load()} (the machine's other work shares its cores)`);
  console.log(`sandbox process niceness ${sandboxNiceness}${sandboxNiceness > 0 ? ' (it stands in for the cloud, which does not share the agent\'s cores in production)' : ' (it shares the agent\'s cores at the same priority)'}`);
  console.log(`node ${process.version}; sandbox in its own process; the agent (HTTP thread + engine worker, as \`kansa run\`) is scraped every 200 ms during its first scan`);
  console.log(`${provider === 'azure' ? 'source ' : ''}        N  resources  scan s  resources/s  API calls  lower bound  calls÷bound  peak RSS MB  series (kansa)  scrape p50/p99 ms  loop p99 ms http/engine  failed accounts`);
  if (values.source !== undefined && (provider !== 'azure' || (values.source !== 'resourceGraph' && values.source !== 'arm'))) throw new Error(`--source is for --provider azure: resourceGraph or arm, got ${values.source}`);
  const sources: (AzureSource | undefined)[] = provider === 'azure' ? (values.source ? [values.source] : ['resourceGraph', 'arm']) : [undefined];
  const sizes = values.n ?? (provider === 'azure' ? '10000,100000' : '10000,100000,1000000');
  const details: string[] = [];
  for (const n of sizes.split(',').map(Number)) {
    for (const source of sources) {
      const m = await withSandboxProcess(provider, n, {}, (clients) => Promise.resolve(runMeasureChild(provider, clients, n, undefined, source)));
      const tag = `${source === undefined ? '' : (source === 'arm' ? 'arm' : 'rg').padEnd(7)}${String(n).padStart(9)}`;
      console.log(
        `${tag} ${String(m.resources).padStart(10)} ${m.scanSeconds.toFixed(1).padStart(7)} ${Math.round(m.resources / m.scanSeconds).toString().padStart(12)} ${String(m.calls).padStart(10)} ${String(m.bound.total).padStart(12)} ${(m.calls / m.bound.total).toFixed(3).padStart(12)} ${m.peakRssMb.toFixed(0).padStart(12)} ${`${m.series} (${m.kansaSeries})`.padStart(15)} ${`${m.scrapeP50Ms.toFixed(1)}/${m.scrapeP99Ms.toFixed(1)}`.padStart(17)} ${`${m.loopDelayP99Ms.toFixed(1)}/${m.engineLoopDelayP99Ms.toFixed(1)}`.padStart(24)} ${String(m.failedAccounts).padStart(16)}`,
      );
      details.push(
        `${tag.trim()} (load average after the run ${load()}; the sandbox counted ${m.sandboxCalls.total} requests, the agent ${m.calls}):\n` +
          `  ${'API family'.padEnd(36)} ${'calls'.padStart(8)} ${'sandbox'.padStart(8)} ${'bound'.padStart(8)} ${'ratio'.padStart(8)}\n${familyTable(provider, m, m.sandboxCalls)}\n` +
          `  calls by operation and code: ${operations(m)}\n  requests the sandbox counted by operation: ${Object.entries(m.sandboxCalls.byOperation).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}: ${v}`).join(', ')}`,
      );
    }
  }
  console.log(`\n${details.join('\n')}`);
  if (provider === 'azure') {
    // Resource Graph: 15 queries per user per 5-second window (resource-graph/concepts/guidance-for-throttled-requests),
    // told by x-ms-user-quota-remaining / -resets-after; ARM reads: 25 a second into a bucket of 250 per subscription
    // and principal (azure-resource-manager/management/request-limits-and-throttling), answered 429 with Retry-After.
    // kansa has no Azure pacing setting: it follows the quota headers and Retry-After.
    const tn = Number(values['throttle-n'] ?? '100000');
    const graphQuota = { queries: 15, windowSeconds: 5 };
    const limit: Faults = { ratePerSecond: 25, rateBurst: 250 };
    const m = await withSandboxProcess('azure', tn, limit, (clients) => Promise.resolve(runMeasureChild('azure', clients, tn, undefined, 'resourceGraph', true)), { graphQuota });
    const refused = Object.entries(m.byOperation).filter(([k]) => !k.endsWith(' 200')).reduce((a, [, v]) => a + v, 0);
    const queries = m.byOperation['ListResourceGraphResources 200'] ?? 0;
    // The quota alone needs this long for the queries answered: the first window's 15 need no wait.
    const quotaSeconds = Math.max(0, Math.ceil((queries - graphQuota.queries) / graphQuota.queries)) * graphQuota.windowSeconds;
    console.log(
      `\nthrottled: N=${tn}, Resource Graph quota ${graphQuota.queries} queries / ${graphQuota.windowSeconds} s per user, ARM reads 25/s (bucket 250) per subscription: ` +
        `${m.calls} calls (${refused} refused) in ${m.scanSeconds.toFixed(1)} s (the quota alone needs ≥ ${quotaSeconds} s for its ${queries} answered queries); ` +
        `bound ${m.bound.total}; failed subscriptions ${m.failedAccounts}; resources ${m.resources}; scrape p50/p99 ${m.scrapeP50Ms.toFixed(1)}/${m.scrapeP99Ms.toFixed(1)} ms; the sandbox counted ${m.sandboxCalls.total} requests; ${operations(m)}`,
    );
    return;
  }
  if (provider === 'gcp') {
    // The documented default quota, "ListAssets 100 per minute per consumer project" (asset-inventory/docs/quota):
    // a bucket of 100 refilled at 100/60 a second. kansa paces at its default 90 a minute, then not at all.
    const tn = Number(values['throttle-n'] ?? '100000');
    const limit: Faults = { ratePerSecond: 100 / 60, rateBurst: 100 };
    for (const pace of [90, undefined]) {
      const m = await withSandboxProcess('gcp', tn, limit, (clients) => Promise.resolve(runMeasureChild('gcp', clients, tn, pace)));
      const throttled = Object.entries(m.byOperation).filter(([k]) => !k.endsWith(' 200')).reduce((a, [, v]) => a + v, 0);
      console.log(
        `\nthrottled: N=${tn}, sandbox allows ListAssets 100/min per consumer project (burst 100); kansa requestsPerMinute ${pace ?? 'none'}: ` +
          `${m.calls} calls (${throttled} refused) in ${m.scanSeconds.toFixed(1)} s; bound ${m.bound.total}; failed projects ${m.failedAccounts}; resources ${m.resources}; the sandbox counted ${m.sandboxCalls.total} requests; ${operations(m)}`,
      );
    }
    return;
  }
  // AWS documents no per-account rate for AWS Config's Select / BatchGet: the sandbox's 5 calls/s per account,
  // burst 5, is an assumption stated as one. kansa paces at 4/s, then not at all (retries and the SDK's backoff carry it).
  const tn = Number(values['throttle-n'] ?? '20000');
  const limit: Faults = { ratePerSecond: 5, rateBurst: 5 };
  for (const pace of [4, undefined]) {
    const m = await withSandboxProcess('aws', tn, limit, (clients) => Promise.resolve(runMeasureChild('aws', clients, tn, pace)));
    const throttled = Object.entries(m.byOperation).filter(([k]) => !k.endsWith(' 200')).reduce((a, [, v]) => a + v, 0);
    console.log(
      `\nthrottled: N=${tn}, sandbox allows 5 calls/s per account (burst 5); kansa requestsPerSecondPerAccount ${pace ?? 'none'}: ` +
        `${m.calls} calls (${throttled} refused) in ${m.scanSeconds.toFixed(1)} s; bound ${m.bound.total}; failed accounts ${m.failedAccounts}; resources ${m.resources}; the sandbox counted ${m.sandboxCalls.total} requests; ${operations(m)}`,
    );
  }
}

const { values } = parseArgs({ options: { measure: { type: 'string' }, provider: { type: 'string' }, n: { type: 'string' }, pace: { type: 'string' }, source: { type: 'string' }, throttled: { type: 'boolean' } }, strict: false });
if (typeof values.measure === 'string') {
  const provider: Provider = values.provider === 'gcp' ? 'gcp' : values.provider === 'azure' ? 'azure' : 'aws';
  const m = await measure(provider, JSON.parse(values.measure) as SandboxClients, Number(values.n), typeof values.pace === 'string' ? Number(values.pace) : undefined, values.source === 'arm' ? 'arm' : 'resourceGraph', values.throttled === true);
  process.stdout.write(JSON.stringify(m));
}
