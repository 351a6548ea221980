/**
 * A real Prometheus (Debian package, installed by .ci/run) scrapes `kansa run --sandbox`, and promtool
 * lints the endpoint's output. Needs `prometheus` and `promtool` on PATH.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { httpText, startKansaRun, startPrometheus, waitFor, type Spawned } from '../support/processes.js';
import { tempDir } from '../support/temp.js';

const KANSA = join(PACKAGE_ROOT, 'bin', 'kansa.js');

function requireTool(name: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${name} is not installed: .ci/run installs Debian's prometheus package (apt-get install prometheus)`);
  return found;
}

describe('kansa run --sandbox under a real Prometheus', () => {
  let kansa: Spawned;
  let prometheus: Spawned;
  let kansaUrl = '';
  let promUrl = '';
  const dir = tempDir('kansa-prom-');

  beforeAll(async () => {
    const prometheusBin = requireTool('prometheus');
    const started = await startKansaRun(KANSA, ['--sandbox'], { ...process.env, KANSA_LOG_FORMAT: 'json' });
    kansa = started.kansa;
    const kansaPort = started.port;
    kansaUrl = `http://127.0.0.1:${kansaPort}`;
    try {
      await waitFor(
        'kansa /readyz',
        async () => {
          if (kansa.child.exitCode !== null) throw new Error(`kansa exited with ${kansa.child.exitCode}`);
          return (await httpText(`${kansaUrl}/readyz`)).status === 200 ? true : undefined;
        },
        60_000,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\nkansa output:\n${kansa.output()}`, { cause: error });
    }

    const startedPrometheus = await startPrometheus(
      prometheusBin,
      dir,
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: kansa\n    static_configs:\n      - targets: ['127.0.0.1:${kansaPort}']\n`,
    );
    prometheus = startedPrometheus.prometheus;
    promUrl = startedPrometheus.url;
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await kansa?.stop();
  });

  it('scrapes kansa_requirement_status for all 66 items, one current state each', async () => {
    const query = async (expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
      const response = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await response.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      return body.data.result;
    };
    const current = await waitFor('Prometheus to scrape kansa', async () => {
      const result = await query('kansa_requirement_status == 1');
      return result.length === 66 ? result : undefined;
    }, 60_000, 500);
    expect(new Set(current.map((r) => r.metric.requirement)).size).toBe(66);
    for (const r of current) expect(['compliant', 'noncompliant', 'unknown', 'not_assessed']).toContain(r.metric.state);
    expect(current.every((r) => r.metric.job === 'kansa' && r.metric.catalog === 'jp-cloud-procurement')).toBe(true);
    // the sandbox estate has open admin ports: the firewall item is noncompliant
    expect(current.find((r) => r.metric.requirement === '2-6')?.metric.state).toBe('noncompliant');
    const up = await query('up{job="kansa"}');
    expect(up[0]?.value[1]).toBe('1');
    // all three clouds of the sandbox, one series per provider and scope, every one up
    const collectorUp = await waitFor('collectors of all three clouds', async () => {
      const result = await query('kansa_collector_up');
      return new Set(result.map((r) => r.metric.provider)).size === 3 ? result : undefined;
    }, 30_000, 500);
    expect(new Set(collectorUp.map((r) => r.metric.provider))).toEqual(new Set(['aws', 'azure', 'gcp']));
    expect(collectorUp.every((r) => r.value[1] === '1')).toBe(true);
    const scopes = new Set(collectorUp.map((r) => `${r.metric.provider}/${r.metric.account}`));
    expect(scopes.size).toBe(collectorUp.length);
  }, 90_000);

  it('serves /metrics that pass `promtool check metrics`', async () => {
    const promtool = requireTool('promtool');
    const metrics = await httpText(`${kansaUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const lint = spawnSync(promtool, ['check', 'metrics'], { input: metrics.text, encoding: 'utf8' });
    expect({ status: lint.status, problems: `${lint.stdout}${lint.stderr}`.trim() }).toEqual({ status: 0, problems: '' });
  });

  it('answers /healthz and /readyz, and shuts down cleanly on SIGTERM with exit 0', async () => {
    expect((await httpText(`${kansaUrl}/healthz`)).status).toBe(200);
    expect((await httpText(`${kansaUrl}/readyz`)).status).toBe(200);
    expect(await kansa.stop('SIGTERM')).toBe(0);
    expect(kansa.output()).toContain('"msg":"stopped"');
  });
});

