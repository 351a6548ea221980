/**
 * deploy/prometheus/alertmanager-inhibit.yml in a real Alertmanager (Debian's prometheus-alertmanager):
 * `amtool check-config` accepts it, and with the alerts the rules produce (labels as in the promtool
 * tests) the drift alert mutes the standing-violation alert of the same requirement only, and the scrape
 * alerts mute the per-account alerts of their job only. Needs `prometheus-alertmanager` and `amtool` on PATH.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort, httpText, spawnProcess, waitFor, type Spawned } from '../support/processes.js';
import { tempDir } from '../support/temp.js';
import { INHIBIT_FILE, requireTool } from './support.js';

interface ApiAlert {
  readonly labels: Record<string, string>;
  readonly status: { readonly state: string; readonly inhibitedBy: readonly string[] };
}

function run(command: string, args: readonly string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args);
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

describe('Alertmanager inhibit rules (deploy/prometheus/alertmanager-inhibit.yml)', () => {
  const dir = tempDir('kansa-alertmanager-');
  const config = join(dir, 'alertmanager.yml');
  let alertmanager: Spawned | undefined;
  let url = '';

  beforeAll(async () => {
    const { inhibit_rules } = parse(readFileSync(INHIBIT_FILE, 'utf8')) as { inhibit_rules: unknown[] };
    // The snippet merged into a minimal alertmanager.yml, as the file's header tells users to do.
    writeFileSync(config, stringify({ route: { receiver: 'null', group_by: ['alertname'] }, receivers: [{ name: 'null' }], inhibit_rules }));
    const binary = requireTool('prometheus-alertmanager');
    for (let attempt = 1; attempt <= 3 && !url; attempt++) {
      const port = await freePort();
      const started = spawnProcess(binary, [`--config.file=${config}`, `--storage.path=${join(dir, `data-${attempt}`)}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=']);
      const ready = await waitFor('Alertmanager /-/ready', async () => (started.child.exitCode !== null ? false : (await httpText(`http://127.0.0.1:${port}/-/ready`)).status === 200 ? true : undefined), 30_000, 50).catch(() => false);
      if (ready) {
        alertmanager = started;
        url = `http://127.0.0.1:${port}`;
      } else await started.stop('SIGKILL');
    }
    expect(url).not.toBe('');
  }, 120_000);

  afterAll(async () => {
    await alertmanager?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes `amtool check-config` merged into an alertmanager.yml', async () => {
    const { status, output } = await run(requireTool('amtool'), ['check-config', config]);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') as unknown });
    expect(output).toMatch(/2 inhibit rules/);
  });

  it('mutes the standing-violation alert of the drifted requirement only, and per-account alerts of the unreachable job only', async () => {
    const requirement = (alertname: string, job: string, id: string, extra: Record<string, string> = {}): Record<string, string> => ({ alertname, job, catalog: 'jp-cloud-procurement', requirement: id, category: id.split('-')[0]!, severity: 'critical', ...extra });
    const alerts = [
      requirement('KansaRequirementDrift', 'kansa', '2-6'),
      requirement('KansaRequirementNoncompliant', 'kansa', '2-6', { control_severity: 'critical' }),
      requirement('KansaRequirementNoncompliant', 'kansa', '2-7', { control_severity: 'high' }),
      requirement('KansaRequirementNoncompliant', 'compliance-kansa', '2-6', { control_severity: 'medium', severity: 'warning' }),
      { alertname: 'KansaScrapeFailing', job: 'compliance-kansa', instance: '10.0.0.7:9731', exporter: 'kansa', severity: 'critical' },
      { alertname: 'KansaCollectorDown', job: 'compliance-kansa', provider: 'aws', account: '111111111111', collector: 'aws-config', severity: 'warning' },
      { alertname: 'KansaCollectorDown', job: 'kansa', provider: 'aws', account: '222222222222', collector: 'aws-config', severity: 'warning' },
    ];
    const response = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts.map((labels) => ({ labels, annotations: { summary: 'test' } }))) });
    expect(response.status).toBe(200);
    const key = (l: Record<string, string>): string => [l.alertname, l.job, l.requirement ?? l.account ?? l.instance].join(' ');
    const states = await waitFor('every alert to be received', async () => {
      const received = (await (await fetch(`${url}/api/v2/alerts`)).json()) as ApiAlert[];
      return received.length === alerts.length ? new Map(received.map((a) => [key(a.labels), a.status])) : undefined;
    });
    const inhibited = [...states].filter(([, s]) => s.inhibitedBy.length > 0).map(([k]) => k).sort();
    expect(inhibited).toEqual(['KansaCollectorDown compliance-kansa 111111111111', 'KansaRequirementNoncompliant kansa 2-6']);
    expect(states.get('KansaRequirementNoncompliant kansa 2-6')?.state).toBe('suppressed');
    expect(states.get('KansaRequirementNoncompliant kansa 2-7')?.state).toBe('active');
    expect(states.get('KansaRequirementDrift kansa 2-6')?.state).toBe('active');
  });
});
