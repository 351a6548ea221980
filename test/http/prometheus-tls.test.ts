/**
 * A real Prometheus (Debian package) scrapes `kansa run --sandbox --web.config.file …` over TLS with
 * basic auth, trusting the test CA; jobs with a wrong password and with plain HTTP must fail.
 * Needs `prometheus` on PATH and a build (dist/).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '../../src/http/web-config.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { startKansaRun, startPrometheus, waitFor, type Spawned } from '../support/processes.js';
import { makePki, type TestPki } from './support/certs.js';
import { get } from './support/client.js';
import { tempDir } from '../support/temp.js';

const KANSA = join(PACKAGE_ROOT, 'bin', 'kansa.js');

function requireTool(name: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${name} is not installed: .ci/run installs Debian's prometheus package (apt-get install prometheus)`);
  return found;
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

describe('Prometheus scraping kansa over TLS with basic auth', () => {
  let kansa: Spawned;
  let prometheus: Spawned;
  let pki: TestPki;
  let kansaUrl = '';
  let promUrl = '';
  const dir = tempDir('kansa-prom-tls-');

  const query = async (expr: string): Promise<Sample[]> => {
    const response = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return ((await response.json()) as { data: { result: Sample[] } }).data.result;
  };

  beforeAll(async () => {
    const prometheusBin = requireTool('prometheus');
    pki = makePki(mkdtempSync(join(dir, 'pki-')));
    writeFileSync(
      join(dir, 'web.yml'),
      `tls_server_config:\n  cert_file: ${pki.serverCert}\n  key_file: ${pki.serverKey}\n` +
        `http_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n` +
        `basic_auth_users:\n  prometheus: '${hashPassword('scrape-me', 10)}'\n`,
    );
    const started = await startKansaRun(KANSA, ['--sandbox', '--sandbox-resources', '400', '--web.config.file', join(dir, 'web.yml')], { ...process.env, KANSA_LOG_FORMAT: 'json' });
    kansa = started.kansa;
    const kansaPort = started.port;
    kansaUrl = `https://127.0.0.1:${kansaPort}`;
    await waitFor('kansa /readyz over TLS', async () => ((await get(`${kansaUrl}/readyz`, { ca: pki.caCert, user: 'prometheus', password: 'scrape-me' })).status === 200 ? true : undefined), 60_000);

    const target = `    static_configs:\n      - targets: ['127.0.0.1:${kansaPort}']\n`;
    const startedPrometheus = await startPrometheus(
      prometheusBin,
      dir,
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n` +
        `  - job_name: kansa\n    scheme: https\n    tls_config:\n      ca_file: ${pki.caCert}\n    basic_auth:\n      username: prometheus\n      password: scrape-me\n${target}` +
        `  - job_name: kansa-wrong-password\n    scheme: https\n    tls_config:\n      ca_file: ${pki.caCert}\n    basic_auth:\n      username: prometheus\n      password: guess\n${target}` +
        `  - job_name: kansa-plain-http\n    scheme: http\n${target}`,
    );
    prometheus = startedPrometheus.prometheus;
    promUrl = startedPrometheus.url;
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    // Shutting down cleanly is part of the contract: checked here so it runs after every test, in any order.
    if (kansa) expect(await kansa.stop('SIGTERM')).toBe(0);
  });

  it('scrapes kansa series: up == 1 for the job with the CA and the password', async () => {
    const series = await waitFor('Prometheus to scrape kansa over TLS', async () => {
      const result = await query('kansa_requirement_status{job="kansa"} == 1');
      return result.length === 66 ? result : undefined;
    }, 60_000, 500);
    expect(new Set(series.map((s) => s.metric.requirement)).size).toBe(66);
    expect((await query('up{job="kansa"}'))[0]?.value[1]).toBe('1');
    expect((await query('kansa_control_checked_resources{job="kansa"}')).length).toBeGreaterThan(0);
  }, 90_000);

  it('marks the wrong-password job down with 401, and the plain-HTTP job down', async () => {
    const targets = await waitFor('both failing jobs to be scraped', async () => {
      const response = await fetch(`${promUrl}/api/v1/targets`);
      const body = (await response.json()) as { data: { activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] } };
      const failing = body.data.activeTargets.filter((t) => t.labels.job !== 'kansa' && t.health === 'down');
      return failing.length === 2 ? failing : undefined;
    }, 60_000, 500);
    expect(targets.find((t) => t.labels.job === 'kansa-wrong-password')?.lastError).toMatch(/401/);
    expect(targets.find((t) => t.labels.job === 'kansa-plain-http')?.lastError).not.toBe('');
    expect((await query('up{job="kansa-wrong-password"}'))[0]?.value[1]).toBe('0');
    expect((await query('up{job="kansa-plain-http"}'))[0]?.value[1]).toBe('0');
  }, 90_000);

  it('answers a wrong password with 401 and WWW-Authenticate, and plain HTTP not at all', async () => {
    const reply = await get(`${kansaUrl}/metrics`, { ca: pki.caCert, user: 'prometheus', password: 'guess' });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toMatch(/^Basic realm="kansa"/);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    await expect(get(`${kansaUrl.replace('https:', 'http:')}/metrics`, { user: 'prometheus', password: 'scrape-me' })).rejects.toThrow();
  });
});
