/**
 * Offline evaluation benchmark: `npm run bench -- [--n 100000,1000000] [--cloudsploit]`.
 * Writes an AWS Config snapshot of N security groups (1 in 7 open to the world on 22, 3389 or 0-65535),
 * then measures, each in its own process:
 * - `kansa evaluate --input FILE` as a user runs it: wall time and peak RSS (/usr/bin/time -v when
 *   present, else the child's own resourceUsage);
 * - plain JSON.parse of the same file (what any peer that reads the file whole pays at least), or why it
 *   cannot be done (a string longer than V8's limit);
 * - evaluation only: resources already read and normalized, Evaluation.add + finish.
 * Targets (Controls v2 §4): peak RSS ≤ 400 MB at 100k items and ≤ 600 MB at 1M.
 * `--cloudsploit` also tries CloudSploit (aquasecurity/cloudsploit) installed into a temporary directory;
 * when it cannot run here the bench says why and prints what is needed to take the ratio elsewhere.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { constants } from 'node:buffer';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadMappings } from '../src/mappings/load.js';
import { Evaluation } from '../src/evaluate/evaluate.js';
import { streamInputFiles } from '../src/inputs/detect.js';
import type { Resource } from '../src/model/resource.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import { isOpen, writeSnapshot } from './snapshot.js';

const TARGET_RSS_MB: Readonly<Record<number, number>> = { 100_000: 400, 1_000_000: 600 };
const SELF = fileURLToPath(import.meta.url);
const KANSA = join(PACKAGE_ROOT, 'bin', 'kansa.js');

/** Child: JSON.parse of the whole file. */
function measureParse(file: string): void {
  const bytes = statSync(file).size;
  if (bytes > constants.MAX_STRING_LENGTH) {
    process.stdout.write(JSON.stringify({ skipped: `the file (${(bytes / 1e6).toFixed(0)} MB) is longer than V8's longest string (${(constants.MAX_STRING_LENGTH / 2 ** 20).toFixed(0)} Mi characters): JSON.parse of it whole cannot be done` }));
    return;
  }
  const t0 = performance.now();
  const text = readFileSync(file, 'utf8');
  const t1 = performance.now();
  const parsed = JSON.parse(text) as { configurationItems: unknown[] };
  const t2 = performance.now();
  process.stdout.write(JSON.stringify({ readMs: t1 - t0, parseMs: t2 - t1, items: parsed.configurationItems.length, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
}

/** Child: read and normalize (timed), then evaluate the resources in memory (timed apart). */
async function measureEvaluate(file: string): Promise<void> {
  const mappings = loadMappings({});
  const now = new Date();
  const resources: Resource[] = [];
  const t0 = performance.now();
  const inventory = await streamInputFiles([file], undefined, now, (r) => resources.push(r));
  const t1 = performance.now();
  const evaluation = new Evaluation(mappings.controls, mappings.catalog, { keptFindings: 'failing' });
  for (const r of resources) evaluation.add(r);
  const assessment = evaluation.finish(inventory.coverage, mappings.attestations, now);
  const t2 = performance.now();
  const failing = assessment.findings.filter((f) => f.status === 'fail' && f.control === 'aws-sg-admin-ports-closed-to-world').length;
  process.stdout.write(JSON.stringify({ readMs: t1 - t0, evaluateMs: t2 - t1, resources: resources.length, failing, controls: mappings.controls.length }));
}

interface Whole {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  code: number | null;
  stderr: string;
}

/** `kansa evaluate` as a user runs it, in its own process, with the table output discarded. */
function runKansa(file: string): Whole {
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const argv = [process.execPath, KANSA, 'evaluate', '--input', file];
  const t0 = performance.now();
  const run = timeBin ? spawnSync(timeBin, ['-v', ...argv], { encoding: 'utf8', maxBuffer: 1 << 30 }) : spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wallMs = performance.now() - t0;
  const field = (name: string): number => Number(new RegExp(`${name}: ([\\d.]+)`).exec(run.stderr)?.[1] ?? NaN);
  return {
    wallMs,
    cpuMs: (field('User time \\(seconds\\)') + field('System time \\(seconds\\)')) * 1000,
    peakRssMb: field('Maximum resident set size \\(kbytes\\)') / 1024,
    code: run.status,
    stderr: run.stderr.split('\n').filter((l) => l.startsWith('kansa')).join('\n'),
  };
}

function child<T>(mode: string, file: string): T {
  return JSON.parse(execFileSync(process.execPath, ['--max-old-space-size=16384', SELF, mode, file], { encoding: 'utf8', maxBuffer: 1 << 26 })) as T;
}

/** CloudSploit from its public source, into a temporary directory; a reason when it cannot run here. */
function cloudsploit(dir: string): string {
  const target = join(dir, 'cloudsploit');
  const install = spawnSync('npm', ['install', '--prefix', target, '--no-audit', '--no-fund', '--ignore-scripts', 'github:aquasecurity/cloudsploit'], { encoding: 'utf8', timeout: 120_000 });
  if (install.status !== 0) {
    const why = (install.stderr || install.error?.message || 'unknown').split('\n').find((l) => /ERR|error|timed out|ENOTFOUND|EAI_AGAIN/i.test(l)) ?? 'npm install failed';
    return `skipped: CloudSploit could not be installed from its git source here (${why.trim()}); no network but the npm registry on this machine`;
  }
  return 'skipped: CloudSploit installed, but it reads live accounts through the AWS SDK, not AWS Config snapshots: run it against an account holding the same estate and divide its wall time by the kansa figures below';
}

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { n: { type: 'string', default: '100000,1000000' }, cloudsploit: { type: 'boolean', default: false }, live: { type: 'boolean' }, scrape: { type: 'boolean' }, seconds: { type: 'string' }, keep: { type: 'boolean', default: false } },
    strict: false,
  });
  if (values.scrape) {
    const { runScrapeBench } = await import('./scrape.js');
    await runScrapeBench(process.argv.slice(2));
    return;
  }
  if (values.live) {
    const { runLive } = await import('./live.js');
    await runLive(process.argv.slice(2));
    return;
  }
  if (positionals[0] === 'parse') return measureParse(positionals[1]!);
  if (positionals[0] === 'evaluate') return measureEvaluate(positionals[1]!);
  const dir = mkdtempSync(join(tmpdir(), 'kansa-bench-'));
  const os = await import('node:os');
  console.log(`node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  try {
    for (const n of String(values.n).split(',').map(Number)) {
      const file = join(dir, `snapshot-${n}.json`);
      const bytes = writeSnapshot(file, n);
      let open = 0;
      for (let i = 0; i < n; i++) if (isOpen(i)) open++;
      console.log(`\n${n.toLocaleString('en')} security groups, ${(bytes / 1e6).toFixed(0)} MB, ${open.toLocaleString('en')} open to the world`);
      const whole = runKansa(file);
      const target = TARGET_RSS_MB[n];
      console.log(
        `  kansa evaluate (whole process): ${fmt(whole.wallMs / 1000, 2)} s wall, ${fmt(whole.cpuMs / 1000, 2)} s CPU, ${(n / (whole.wallMs / 1000)).toFixed(0)} items/s, peak RSS ${fmt(whole.peakRssMb)} MB` +
          (target ? ` (target ≤ ${target} MB: ${whole.peakRssMb <= target ? 'met' : 'NOT met'})` : '') +
          (whole.code === 0 ? '' : `, exit ${whole.code}: ${whole.stderr}`),
      );
      const parse = child<{ readMs?: number; parseMs?: number; peakRssMb?: number; skipped?: string }>('parse', file);
      console.log(parse.skipped ? `  JSON.parse of the whole file: ${parse.skipped}` : `  JSON.parse of the whole file: ${fmt(parse.parseMs!)} ms (+ ${fmt(parse.readMs!)} ms to read it as a string), peak RSS ${fmt(parse.peakRssMb!)} MB; kansa evaluate ÷ JSON.parse = ${(whole.wallMs / parse.parseMs!).toFixed(2)}`);
      const evaluation = child<{ readMs: number; evaluateMs: number; resources: number; failing: number }>('evaluate', file);
      console.log(`  read + normalize (streamed): ${fmt(evaluation.readMs)} ms; evaluation only (${evaluation.resources.toLocaleString('en')} resources in memory, every bundled control): ${fmt(evaluation.evaluateMs)} ms; ${evaluation.failing.toLocaleString('en')} failing (expected ${open.toLocaleString('en')})`);
      rmSync(file, { force: true });
    }
    if (values.cloudsploit) console.log(`\nCloudSploit: ${cloudsploit(dir)}`);
    else console.log('\nCloudSploit: skipped (pass --cloudsploit to try installing it from its public git source)');
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
