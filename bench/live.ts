/**
 * Live benchmark: `npm run bench -- --live [--n 10000,100000,1000000] [--throttle-rate 20]`.
 * For each N, a sandbox process serves the estate and a fresh agent process scans it through the real
 * SDK while scraping its own /metrics. Prints resources/s, API calls ÷ lower bound, peak RSS, series on
 * /metrics, scrape time and event-loop delay p99 during the scan; then a throttled scan against the
 * sandbox's per-account rate limit: scan time ÷ (calls ÷ allowed rate).
 * `--provider gcp`: the same figures for the GCP collector on the sandbox's Cloud Asset gRPC server; the
 * lower bound is ceil(count ÷ 1,000) ListAssets pages per project and content type. Its throttled run
 * uses the sandbox's consumer-project quota (one rate for every project) and kansa's requestsPerMinute.
 * `--provider azure`: the Azure collector on the sandbox's ARM / Resource Graph HTTPS listener, once with
 * Resource Graph (the default source) and once with `source: arm`. Lower bound: Resource Graph pages
 * (ceil(rows ÷ 1,000)) or, for ARM, list pages per subscription × type plus one GET per resource; plus one
 * call per child setting's parent and the per-subscription lists (activity-log settings, Defender plans).
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { BATCH_GET_SIZE, SELECT_PAGE_SIZE, TYPES_NEEDING_BATCH_GET } from '../collectors/aws/config-service.js';
import { startAgent } from '../src/agent/runtime.js';
import { loadMappings } from '../src/mappings/load.js';
import { configSchema } from '../src/config/schema.js';
import { Evaluation } from '../src/evaluate/evaluate.js';
import { createLogger } from '../src/log.js';
import type { SandboxClients } from '../collectors/sandbox.js';
import { describeEstate } from '../src/sandbox/estate/aws.js';
import { LIST_ASSETS_PAGE_SIZE, listingPlan } from '../collectors/gcp/cloud-asset.js';
import { GcpEstate } from '../src/sandbox/estate/gcp.js';
import { ARM_LIST_PAGE_SIZE, listingPlan as azureListingPlan, RESOURCE_GRAPH_PAGE_SIZE } from '../collectors/azure/resource-manager.js';
import { AZURE_TYPES } from '../collectors/azure/normalize.js';
import { AzureEstate } from '../src/sandbox/estate/azure.js';
import { setTimeout as delay } from 'node:timers/promises';

const SEED = 1;
type Provider = 'aws' | 'gcp' | 'azure';
type AzureSource = 'resourceGraph' | 'arm';

interface Measurement {
  n: number;
  resources: number;
  scanSeconds: number;
  calls: number;
  lowerBound: number;
  selectOnlyBound: number;
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

/** The GCP collector over every sandbox project, and its page lower bound. */
function gcpSetup(endpoint: string, n: number, ratePerSecond: number | undefined): Setup {
  const { apiEndpoint, port } = JSON.parse(endpoint) as { apiEndpoint: string; port: number };
  const estate = new GcpEstate({ resources: n, seed: SEED });
  const controls = loadMappings({}).controls.filter((c) => c.provider === 'gcp');
  const plan = listingPlan(Evaluation.typesNeeded(controls));
  let lowerBound = 0;
  for (const project of estate.projects) {
    for (const [contentType, assetTypes] of plan) {
      const count = estate.count([project], contentType === 'IAM_POLICY' ? 'IAM_POLICY' : 'RESOURCE', assetTypes);
      lowerBound += Math.max(1, Math.ceil(count / LIST_ASSETS_PAGE_SIZE)); // an empty listing still costs one call
    }
  }
  const requestsPerMinute = ratePerSecond ? ratePerSecond * 60 : 600_000;
  return { collectors: { gcp: { scopes: estate.projects.map((p) => `projects/${p}`), requestsPerMinute } }, sandbox: { gcp: { apiEndpoint, port } }, lowerBound, selectOnlyBound: Number.NaN };
}

/** The Azure collector over every sandbox subscription (Resource Graph or ARM), and its call lower bound. */
function azureSetup(endpoint: string, n: number, source: AzureSource): Setup {
  const { endpoint: url, ca, token } = JSON.parse(endpoint) as { endpoint: string; ca: string; token: string };
  const estate = new AzureEstate({ resources: n, seed: SEED });
  // The collector's own plan: the types it lists and the child settings it fetches (one call per parent resource).
  const { wanted, children, listTypes: types } = azureListingPlan(Evaluation.typesNeeded(loadMappings({}).controls.filter((c) => c.provider === 'azure')));
  const wantedChildren = children.map((c) => [c.type, c.parentTypes] as const);
  let lowerBound = 1; // Subscriptions List: the listed subscriptions are visible to the credential
  if (source === 'resourceGraph') lowerBound += Math.max(1, Math.ceil(estate.count({ types }) / RESOURCE_GRAPH_PAGE_SIZE));
  else
    for (const s of estate.subscriptions)
      for (const type of types) {
        const count = estate.count({ subscriptions: [s], types: [type] });
        lowerBound += Math.max(1, Math.ceil(count / ARM_LIST_PAGE_SIZE)) + count; // list pages, then one GET per resource
      }
  for (const [type, parents] of wantedChildren) lowerBound += estate.count({ types: type === AZURE_TYPES.diagnosticSettings ? parents.filter((p) => wanted.includes(p)) : parents });
  for (const perSubscription of [AZURE_TYPES.diagnosticSettings, AZURE_TYPES.securityPricing]) if (wanted.includes(perSubscription)) lowerBound += estate.subscriptions.length;
  return { collectors: { azure: { subscriptions: estate.subscriptions, endpoint: url, source, maxAttempts: 1 } }, sandbox: { azure: { endpoint: url, ca, token } }, lowerBound, selectOnlyBound: Number.NaN };
}

function awsSetup(endpoint: string, n: number, ratePerSecond: number | undefined): Setup {
  const estate = describeEstate({ resources: n, seed: SEED });
  const types = Evaluation.typesNeeded(loadMappings({}).controls.filter((c) => c.provider === 'aws'));
  // Lower bound: every (account, region, type) needs ceil(count / page) Select pages; types whose Select
  // rows lack supplementary data also need ceil(count / 100) BatchGet calls.
  let lowerBound = 0;
  let selectOnlyBound = 0;
  for (const s of estate.scopes) {
    if (!types.has(s.type)) continue;
    const pages = Math.ceil(s.count / SELECT_PAGE_SIZE);
    selectOnlyBound += pages;
    lowerBound += pages + (TYPES_NEEDING_BATCH_GET.has(s.type) ? Math.ceil(s.count / BATCH_GET_SIZE) : 0);
  }
  const aws = {
    endpoint,
    regions: estate.regions,
    accounts: estate.accounts.map((id) => ({ id })),
    ...(ratePerSecond ? { requestsPerSecondPerAccount: ratePerSecond } : {}),
  };
  return { collectors: { aws }, sandbox: { aws: { endpoint, managementAccount: estate.managementAccount } }, lowerBound, selectOnlyBound };
}

/** One provider's collector configuration (before defaults), the sandbox clients, and the call lower bounds. */
interface Setup {
  readonly collectors: Partial<Record<Provider, Record<string, unknown>>>;
  readonly sandbox: SandboxClients;
  readonly lowerBound: number;
  readonly selectOnlyBound: number;
}

/** Runs the agent as `kansa run` does (engine worker, endpoint) and scrapes it while its first scan runs. */
async function measure(provider: Provider, endpoint: string, n: number, ratePerSecond: number | undefined, source: AzureSource): Promise<Measurement> {
  const setup = provider === 'gcp' ? gcpSetup(endpoint, n, ratePerSecond) : provider === 'azure' ? azureSetup(endpoint, n, source) : awsSetup(endpoint, n, ratePerSecond);
  const collectors = Object.fromEntries(Object.entries(setup.collectors).map(([name, c]) => [name, { ...c, enabled: true, schedule: '0 0 1 1 *' }]));
  const config = configSchema.parse({ listen: '127.0.0.1:0', collectors });
  const logger = createLogger('error', process.stderr);
  const agent = await startAgent({ config, sandbox: setup.sandbox, logger });
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
  const calls = samples.filter((l) => l.startsWith('kansa_collector_api_requests_total{')).reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  const accounts = status.collectors.flatMap((c) => c.accounts);
  await agent.stop();
  return {
    n,
    resources: accounts.reduce((sum, a) => sum + a.resources, 0),
    scanSeconds,
    calls,
    lowerBound: setup.lowerBound,
    selectOnlyBound: setup.selectOnlyBound,
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

/** Starts the sandbox in its own process so its work does not distort the agent's figures. */
async function withSandboxProcess<T>(provider: Provider, n: number, extraArgs: string[], body: (endpoint: string) => Promise<T>, gcpRatePerSecond?: number): Promise<T> {
  const main = fileURLToPath(new URL('../src/sandbox/main.js', import.meta.url));
  const server = new URL('../src/sandbox/server.js', import.meta.url).href;
  // The sandbox CLI sizes the AWS estate; for GCP a one-line module starts the same server with a GCP estate of N.
  const gcpScript =
    `const { startSandbox } = await import(${JSON.stringify(server)}); const s = await startSandbox({ port: 0, aws: { resources: 10 }, gcp: { resources: ${n}, seed: ${SEED} }${gcpRatePerSecond ? `, faults: { ratePerSecond: ${gcpRatePerSecond} }` : ''} });` +
    ` console.log(JSON.stringify({ gcp: { apiEndpoint: s.gcp.apiEndpoint, port: s.gcp.port } })); process.once('SIGTERM', () => void s.close().then(() => process.exit(0)));`;
  // Azure likewise: the HTTPS listener's endpoint, its certificate (the only CA the clients trust) and token.
  const azureScript =
    `const { startSandbox } = await import(${JSON.stringify(server)}); const s = await startSandbox({ port: 0, aws: { resources: 10 }, azure: { resources: ${n}, seed: ${SEED} } });` +
    ` console.log(JSON.stringify({ azure: { endpoint: s.azure.endpoint, ca: s.azure.ca, token: s.azure.token } })); process.once('SIGTERM', () => void s.close().then(() => process.exit(0)));`;
  const args =
    provider === 'gcp'
      ? ['--input-type=module', '-e', gcpScript]
      : provider === 'azure'
        ? ['--input-type=module', '-e', azureScript]
        : [main, '--port', '0', '--resources', String(n), '--seed', String(SEED), ...extraArgs];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      try {
        const parsed = JSON.parse(out) as { aws?: { endpoint: string }; gcp?: { apiEndpoint: string; port: number }; azure?: { endpoint: string; ca: string; token: string } };
        resolve(parsed.gcp ? JSON.stringify(parsed.gcp) : parsed.azure ? JSON.stringify(parsed.azure) : parsed.aws!.endpoint);
      } catch {
        // not complete yet
      }
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  try {
    return await body(endpoint);
  } finally {
    child.kill('SIGTERM');
  }
}

function runMeasureChild(provider: Provider, endpoint: string, n: number, rate: number | undefined, source: AzureSource = 'resourceGraph'): Measurement {
  const args = [fileURLToPath(import.meta.url), '--measure', endpoint, '--provider', provider, '--n', String(n), '--source', source, ...(rate ? ['--rate', String(rate)] : [])];
  return JSON.parse(execFileSync(process.execPath, ['--max-old-space-size=4096', ...args], { encoding: 'utf8', maxBuffer: 1 << 20 })) as Measurement;
}

export async function runLive(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      n: { type: 'string' },
      'throttle-rate': { type: 'string' },
      'throttle-n': { type: 'string' },
      live: { type: 'boolean' },
      provider: { type: 'string', default: 'aws' },
    },
  });
  const provider = values.provider as Provider;
  if (provider !== 'aws' && provider !== 'gcp' && provider !== 'azure') throw new Error(`--provider must be aws, gcp or azure, got ${values.provider}`);
  const notes: Record<Provider, string> = {
    aws: '',
    gcp: ': lower bound = ceil(assets ÷ 1,000) ListAssets pages per project and content type',
    azure: ': Resource Graph (rg) and source: arm; lower bound = RG pages or ARM list pages + one GET per resource, plus child settings and per-subscription lists',
  };
  console.log(`provider ${provider}${notes[provider]}`);
  console.log(`node ${process.version}; sandbox in its own process; the agent (HTTP thread + engine worker, as \`kansa run\`) is scraped every 200 ms during its first scan`);
  console.log(`${provider === 'azure' ? 'source ' : ''}        N  resources  scan s  resources/s  API calls  lower bound  calls÷bound  (÷select-only)  peak RSS MB  series (kansa)  scrape p50/p99 ms  loop p99 ms http/engine  failed accounts`);
  const sources: (AzureSource | undefined)[] = provider === 'azure' ? ['resourceGraph', 'arm'] : [undefined];
  const sizes = values.n ?? (provider === 'azure' ? '10000,100000' : '10000,100000,1000000');
  for (const n of sizes.split(',').map(Number)) {
    for (const source of sources) {
      const m = await withSandboxProcess(provider, n, [], (endpoint) => Promise.resolve(runMeasureChild(provider, endpoint, n, undefined, source)));
      console.log(
        `${source === undefined ? '' : (source === 'arm' ? 'arm' : 'rg').padEnd(7)}${String(n).padStart(9)} ${String(m.resources).padStart(10)} ${m.scanSeconds.toFixed(1).padStart(7)} ${Math.round(m.resources / m.scanSeconds).toString().padStart(12)} ${String(m.calls).padStart(10)} ${String(m.lowerBound).padStart(12)} ${(m.calls / m.lowerBound).toFixed(3).padStart(12)} ${(provider !== 'aws' ? '-' : (m.calls / m.selectOnlyBound).toFixed(3)).padStart(15)} ${m.peakRssMb.toFixed(0).padStart(12)} ${`${m.series} (${m.kansaSeries})`.padStart(15)} ${`${m.scrapeP50Ms.toFixed(1)}/${m.scrapeP99Ms.toFixed(1)}`.padStart(17)} ${`${m.loopDelayP99Ms.toFixed(1)}/${m.engineLoopDelayP99Ms.toFixed(1)}`.padStart(24)} ${String(m.failedAccounts).padStart(16)}`,
      );
    }
  }
  // The throttled run exercises the AWS per-account rate limit or the GCP consumer-project quota; Azure's pacing is covered by its tests.
  if (provider === 'azure') return;
  if (provider === 'gcp') {
    // ListAssets pages hold 1,000 assets: a larger estate and a lower rate give enough calls to pace.
    const rate = Number(values['throttle-rate'] ?? '5');
    const tn = Number(values['throttle-n'] ?? '100000');
    const m = await withSandboxProcess('gcp', tn, [], (endpoint) => Promise.resolve(runMeasureChild('gcp', endpoint, tn, rate)), rate);
    const ideal = m.calls / rate;
    console.log(
      `\nthrottled: N=${tn}, sandbox allows ${rate} ListAssets calls/s for the consumer project: ${m.calls} calls in ${m.scanSeconds.toFixed(1)} s; ` +
        `ideal ${ideal.toFixed(1)} s; ratio ${(m.scanSeconds / ideal).toFixed(3)}; failed accounts ${m.failedAccounts}; resources ${m.resources}`,
    );
    return;
  }
  const rate = Number(values['throttle-rate'] ?? '20');
  const tn = Number(values['throttle-n'] ?? '20000');
  const accounts = describeEstate({ resources: tn, seed: SEED }).accounts.length;
  const m = await withSandboxProcess('aws', tn, ['--rate-per-second', String(rate)], (endpoint) => Promise.resolve(runMeasureChild('aws', endpoint, tn, rate)));
  const ideal = m.calls / (rate * accounts);
  console.log(
    `\nthrottled: N=${tn}, sandbox allows ${rate} calls/s per account (${accounts} accounts): ${m.calls} calls in ${m.scanSeconds.toFixed(1)} s; ` +
      `ideal ${ideal.toFixed(1)} s; ratio ${(m.scanSeconds / ideal).toFixed(3)}; failed accounts ${m.failedAccounts}; resources ${m.resources}`,
  );
}

const { values } = parseArgs({ options: { measure: { type: 'string' }, provider: { type: 'string' }, n: { type: 'string' }, rate: { type: 'string' }, source: { type: 'string' } }, strict: false });
if (typeof values.measure === 'string') {
  const provider: Provider = values.provider === 'gcp' ? 'gcp' : values.provider === 'azure' ? 'azure' : 'aws';
  const m = await measure(provider, values.measure, Number(values.n), typeof values.rate === 'string' ? Number(values.rate) : undefined, values.source === 'arm' ? 'arm' : 'resourceGraph');
  process.stdout.write(JSON.stringify(m));
}
