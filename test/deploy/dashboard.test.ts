/**
 * deploy/grafana/kansa-dashboard.json: its structure, and every panel query run against a real
 * Prometheus (Debian package) that scrapes `kansa run --sandbox` every second with the recording rules
 * of deploy/prometheus/kansa-rules.yml loaded. Needs `prometheus` on PATH.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { httpText, startKansaRun, startPrometheus, waitFor, type Spawned } from '../support/processes.js';
import { DASHBOARD_FILE, EVIDENCE_METRICS, exportedKansaMetrics, kansaMetricsIn, recordingRuleNames, requireTool, RULES_FILE } from './support.js';
import { tempDir } from '../support/temp.js';

interface DatasourceRef {
  readonly type?: string;
  readonly uid?: string;
}
interface Target {
  readonly refId: string;
  readonly expr: string;
  readonly datasource?: DatasourceRef;
  readonly instant?: boolean;
}
interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource?: DatasourceRef;
  readonly targets?: readonly Target[];
  readonly panels?: readonly Panel[];
}
interface Variable {
  readonly name: string;
  readonly type: string;
  readonly query: string | { readonly query: string };
  readonly datasource?: DatasourceRef;
  readonly definition?: string;
  readonly includeAll?: boolean;
  readonly allValue?: string;
}
interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly templating: { readonly list: readonly Variable[] };
  readonly panels: readonly Panel[];
}

const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
const allPanels: Panel[] = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const queryPanels = allPanels.filter((p) => p.type !== 'row');
const queries = queryPanels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, refId: target.refId, expr: target.expr })));
const variables = dashboard.templating.list;
const queryVariables = variables.filter((v) => v.type === 'query');

/**
 * Panels that need a requirement to change state between two evidence snapshots. The sandbox estate
 * does not change while the test runs, so these series never appear: their queries must parse
 * (status success), data is not required.
 */
const NEEDS_STATE_CHANGE: Readonly<Record<string, string>> = {
  'State changes in range 状態変化 (期間内)': 'kansa_requirement_state_changes_total appears only when a snapshot differs from the previous one',
  'Time since last change 最終変化からの経過時間': 'kansa_requirement_last_change_timestamp_seconds appears only when a snapshot differs from the previous one',
  'State changes per hour 状態変化の推移': 'recorded from kansa_requirement_state_changes_total, which appears only when a snapshot differs from the previous one',
};
const STATE_CHANGE_SERIES = ['kansa_requirement_state_changes_total', 'kansa_requirement_last_change_timestamp_seconds', 'catalog_from_to:kansa_requirement_state_changes:increase1h'];

/** Grafana's built-in interval variables, as a dashboard over the last hour would expand them. */
const BUILTINS: Readonly<Record<string, string>> = {
  __rate_interval: '1m',
  __interval: '15s',
  __interval_ms: '15000',
  __range: '1h',
  __range_s: '3600',
  __range_ms: '3600000',
};

/** Replaces $name, ${name}, ${name:format} and [[name]] the way Grafana does for single values. */
function substitute(expr: string, values: Readonly<Record<string, string>>): string {
  const all: Record<string, string> = { ...BUILTINS, ...values };
  const out = expr.replace(/\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g, (match, braced?: string, bracketed?: string, plain?: string) => {
    const name = braced ?? bracketed ?? plain ?? '';
    const value = all[name];
    if (value === undefined) throw new Error(`undefined dashboard variable ${match} in: ${expr}`);
    return value;
  });
  return out;
}

function variableQuery(v: Variable): string {
  return typeof v.query === 'string' ? v.query : v.query.query;
}

describe('Grafana dashboard (deploy/grafana/kansa-dashboard.json): structure', () => {
  it('is a current Grafana dashboard with a uid and a title', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(dashboard.title).toContain('kansa');
  });

  it('has a prometheus datasource variable and job, catalog, category, provider and account variables that use it', () => {
    const datasource = variables.find((v) => v.name === 'datasource');
    expect(datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(queryVariables.map((v) => v.name).sort()).toEqual(['account', 'catalog', 'category', 'job', 'provider']);
    for (const v of queryVariables) {
      expect({ name: v.name, datasource: v.datasource, includeAll: v.includeAll, allValue: v.allValue }).toEqual({ name: v.name, datasource: { type: 'prometheus', uid: '${datasource}' }, includeAll: true, allValue: '.*' });
      expect(variableQuery(v)).toMatch(/^label_values\(.+, \w+\)$/);
      expect(v.definition).toBe(variableQuery(v));
    }
  });

  it('gives every panel a unique id and a grid position inside the 24 columns, without overlaps', () => {
    const ids = allPanels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of allPanels) {
      const { x, y, w, h } = p.gridPos;
      expect({ title: p.title, ok: [x, y, w, h].every(Number.isInteger) && x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 24 }).toEqual({ title: p.title, ok: true });
    }
    const overlaps: string[] = [];
    for (const [i, a] of allPanels.entries()) {
      for (const b of allPanels.slice(i + 1)) {
        const apart = a.gridPos.x + a.gridPos.w <= b.gridPos.x || b.gridPos.x + b.gridPos.w <= a.gridPos.x || a.gridPos.y + a.gridPos.h <= b.gridPos.y || b.gridPos.y + b.gridPos.h <= a.gridPos.y;
        if (!apart) overlaps.push(`${a.title} / ${b.title}`);
      }
    }
    expect(overlaps).toEqual([]);
  });

  it('queries the datasource variable from every panel and target', () => {
    const ds = { type: 'prometheus', uid: '${datasource}' };
    for (const p of queryPanels) {
      expect({ title: p.title, datasource: p.datasource }).toEqual({ title: p.title, datasource: ds });
      expect({ title: p.title, targets: (p.targets ?? []).length > 0 }).toEqual({ title: p.title, targets: true });
      const refIds = (p.targets ?? []).map((t) => t.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
      for (const t of p.targets ?? []) {
        expect({ title: p.title, refId: t.refId, datasource: t.datasource, expr: t.expr.trim().length > 0 }).toEqual({ title: p.title, refId: t.refId, datasource: ds, expr: true });
      }
    }
  });

  it('covers the overview, the 66 requirements, drill-down, collectors, coverage, attestations, evidence, clock and API calls', () => {
    const exprs = queries.map((q) => q.expr).join('\n');
    for (const series of [
      'catalog_category:kansa_requirements_compliant:ratio',
      'catalog_requirement:kansa_requirement_state_rank:max',
      'kansa_requirement_info',
      'control_provider_account:kansa_control_failing_resources:max',
      'control_provider_account:kansa_control_checked_resources:max',
      'control_provider_account:kansa_control_unknown_resources:max',
      'provider_account_collector:kansa_collector_up:max',
      'provider_account_collector:kansa_collector_last_success_timestamp_seconds:max',
      'provider_account_state:kansa_collector_scope_coverage:max',
      'provider_account:kansa_collector_uncovered_types:max',
      'provider_account:kansa_collector_unreadable_items:max',
      'kansa_attestation_expiry_timestamp_seconds',
      'kansa_evidence_last_snapshot_timestamp_seconds',
      'kansa_evidence_snapshot_errors_total',
      'kansa_clock_offset_seconds',
      'kansa_collector_api_requests_total',
    ]) {
      expect({ series, used: exprs.includes(series) }).toEqual({ series, used: true });
    }
  });

  it('uses only series kansa exports, recording rules of kansa-rules.yml, or the evidence metrics being added', () => {
    const known = new Set([...exportedKansaMetrics(), ...EVIDENCE_METRICS]);
    const recorded = recordingRuleNames();
    const unknownMetrics = queries.flatMap((q) => kansaMetricsIn(q.expr)).filter((m) => !known.has(m));
    const unknownRecordings = queries.flatMap((q) => q.expr.match(/[a-z_]+:[a-z0-9_]+:[a-z0-9_]+/g) ?? []).filter((r) => !recorded.has(r));
    expect({ unknownMetrics, unknownRecordings }).toEqual({ unknownMetrics: [], unknownRecordings: [] });
  });

  it('exempts from data exactly the panels that read state changes only', () => {
    const titles = new Set(queryPanels.map((p) => p.title));
    expect(Object.keys(NEEDS_STATE_CHANGE).filter((t) => !titles.has(t))).toEqual([]);
    for (const p of queryPanels) {
      const stateChangesOnly = (p.targets ?? []).every((t) => STATE_CHANGE_SERIES.some((s) => t.expr.includes(s)));
      expect({ title: p.title, exempt: p.title in NEEDS_STATE_CHANGE }).toEqual({ title: p.title, exempt: stateChangesOnly });
    }
  });

  it('ships Grafana provisioning for the dashboard and an example Prometheus data source', () => {
    const provisioning = join(PACKAGE_ROOT, 'deploy', 'grafana', 'provisioning');
    const dashboards = parse(readFileSync(join(provisioning, 'dashboards', 'kansa.yml'), 'utf8')) as { apiVersion: number; providers: { type: string; options: { path: string } }[] };
    expect(dashboards.apiVersion).toBe(1);
    expect(dashboards.providers).toEqual([expect.objectContaining({ type: 'file', options: expect.objectContaining({ path: expect.stringMatching(/^\//) as unknown }) as unknown })]);
    const datasources = parse(readFileSync(join(provisioning, 'datasources', 'prometheus.example.yml'), 'utf8')) as { apiVersion: number; datasources: { type: string; url: string }[] };
    expect(datasources.apiVersion).toBe(1);
    expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: expect.stringMatching(/^https?:\/\//) as unknown })]);
  });

  it('defines every variable its queries use', () => {
    const values = Object.fromEntries(variables.map((v) => [v.name, '.*']));
    for (const q of [...queries.map((q) => q.expr), ...queryVariables.map(variableQuery)]) expect(() => substitute(q, values)).not.toThrow();
  });
});

interface QueryResult {
  readonly status: string;
  readonly error?: string;
  readonly data?: { readonly result: readonly { readonly metric: Record<string, string>; readonly value?: readonly [number, string] }[] };
}

describe('Grafana dashboard: every panel query against Prometheus scraping `kansa run --sandbox`', () => {
  let kansa: Spawned | undefined;
  let prometheus: Spawned | undefined;
  let promUrl = '';
  const dir = tempDir('kansa-dashboard-');

  const query = async (expr: string): Promise<QueryResult> => {
    const response = await fetch(`${promUrl}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: expr }) });
    return (await response.json()) as QueryResult;
  };

  beforeAll(async () => {
    const prometheusBin = requireTool('prometheus');
    // Attestations relative to today: one valid, two expiring within 30 days, one expired, so the
    // attestation panels have data (the sandbox alone has no attestation).
    const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const attestation = (requirement: string, attested: number, expires: number): string =>
      `  - requirement: "${requirement}"\n    statement: test statement\n    evidence: test evidence\n    owner: test owner\n    attested: ${day(attested)}\n    expires: ${day(expires)}\n`;
    writeFileSync(
      join(dir, 'attestations.yaml'),
      `attestations:\n${attestation('1-1', -100, 200)}${attestation('2-3', -300, 10)}${attestation('2-5', -400, -3)}${attestation('9-3', -300, 20)}`,
    );
    // Evidence snapshots every 20 s (seconds field of node-cron), so the evidence panels soon have data;
    // KansaEvidenceSnapshotOverdue then fires only past 60 s, far beyond a slow snapshot on a busy machine.
    writeFileSync(join(dir, 'kansa.yaml'), `attestations: ./attestations.yaml\nevidence:\n  dir: ${JSON.stringify(join(dir, 'evidence'))}\n  schedule: "*/20 * * * * *"\n`);

    const started = await startKansaRun(join(PACKAGE_ROOT, 'bin', 'kansa.js'), ['--sandbox', '--config', join(dir, 'kansa.yaml')], { ...process.env, KANSA_LOG_FORMAT: 'json' });
    kansa = started.kansa;
    const kansaPort = started.port;
    const kansaUrl = `http://127.0.0.1:${kansaPort}`;
    await waitFor('kansa /readyz', async () => ((await httpText(`${kansaUrl}/readyz`)).status === 200 ? true : undefined), 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\nkansa output:\n${kansa?.output() ?? ''}`);
    });
    // /readyz means the first collector finished; a scrape before the others would see their requirements
    // go from unknown to their real state, which the drift alert rightly reports.
    await waitFor('every provider collected once', async () => {
      const metrics = (await httpText(`${kansaUrl}/metrics`)).text;
      return ['aws', 'azure', 'gcp'].every((provider) => new RegExp(`^kansa_collector_last_success_timestamp_seconds\\{[^}]*provider="${provider}"`, 'm').test(metrics)) ? true : undefined;
    });

    const startedPrometheus = await startPrometheus(
      prometheusBin,
      dir,
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'rule_files:',
        `  - ${JSON.stringify(RULES_FILE)}`,
        'scrape_configs:',
        '  - job_name: kansa',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${kansaPort}']`,
        '',
      ].join('\n'),
    );
    prometheus = startedPrometheus.prometheus;
    promUrl = startedPrometheus.url;
    await waitFor('Prometheus to scrape all 66 requirements', async () => ((await query('count(kansa_requirement_status == 1)')).data?.result[0]?.value?.[1] === '66' ? true : undefined), 60_000, 250);
    await waitFor('Prometheus to scrape an evidence snapshot', async () => ((await query('kansa_evidence_last_snapshot_timestamp_seconds > 0')).data?.result.length ? true : undefined), 60_000, 250);
  }, 180_000);

  afterAll(async () => {
    await prometheus?.stop();
    await kansa?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs every query that must have data until each does, or reports those that never did. */
  async function expectEveryQueryHasData(values: Readonly<Record<string, string>>): Promise<void> {
    const required = queries.filter((q) => !(q.panel in NEEDS_STATE_CHANGE));
    expect(required.length).toBeGreaterThan(30);
    let missing: string[] = [];
    try {
      await waitFor(
        'every panel query to return data',
        async () => {
          missing = [];
          for (const q of required) {
            const result = await query(substitute(q.expr, values));
            if (result.status !== 'success') missing.push(`${q.panel} [${q.refId}]: ${result.error ?? result.status}`);
            else if ((result.data?.result.length ?? 0) === 0) missing.push(`${q.panel} [${q.refId}]: no data`);
          }
          return missing.length === 0 ? true : undefined;
        },
        60_000,
        500,
      );
    } catch {
      // fall through to a readable failure listing the queries without data
    }
    expect(missing).toEqual([]);
  }

  it('evaluates every recording and alerting rule without error', async () => {
    interface RulesResponse {
      readonly data: { readonly groups: readonly { readonly rules: readonly { readonly name: string; readonly health: string; readonly lastError?: string; readonly lastEvaluation: string }[] }[] };
    }
    const rules = await waitFor(
      'every rule to be evaluated',
      async () => {
        const body = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as RulesResponse;
        const all = body.data.groups.flatMap((g) => g.rules);
        return all.length > 0 && all.every((r) => !r.lastEvaluation.startsWith('0001-')) ? all : undefined;
      },
      60_000,
      250,
    );
    expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError ?? r.health}`)).toEqual([]);
  }, 90_000);

  it('returns data for every panel query with every variable set to All (.*)', async () => {
    await expectEveryQueryHasData(Object.fromEntries(variables.map((v) => [v.name, '.*'])));
  }, 90_000);

  it('returns data for every panel query with variables set to real values', async () => {
    const values = { datasource: 'prometheus', job: 'kansa', catalog: 'jp-cloud-procurement', category: '2', provider: 'aws', account: '' };
    const accounts = (await query('kansa_collector_up{provider="aws"}')).data?.result.map((r) => r.metric.account ?? '') ?? [];
    values.account = accounts.sort()[0] ?? '';
    expect(values.account).not.toBe('');
    await expectEveryQueryHasData(values);
  }, 90_000);

  it('parses the queries of the panels that need a state change', async () => {
    const values = Object.fromEntries(variables.map((v) => [v.name, '.*']));
    const waiting = queries.filter((q) => q.panel in NEEDS_STATE_CHANGE);
    expect(waiting.length).toBe(Object.keys(NEEDS_STATE_CHANGE).length);
    for (const q of waiting) {
      const result = await query(substitute(q.expr, values));
      expect({ panel: q.panel, refId: q.refId, status: result.status, error: result.error }).toEqual({ panel: q.panel, refId: q.refId, status: 'success', error: undefined });
    }
  });

  it('returns values for every variable query', async () => {
    const values = Object.fromEntries(variables.map((v) => [v.name, '.*']));
    for (const v of queryVariables) {
      const [, selector, label] = /^label_values\((.+), (\w+)\)$/.exec(substitute(variableQuery(v), values)) ?? [];
      const response = await fetch(`${promUrl}/api/v1/label/${label}/values?${new URLSearchParams({ 'match[]': selector ?? '' }).toString()}`);
      const body = (await response.json()) as { status: string; data: string[] };
      expect({ variable: v.name, status: body.status, values: body.data.length > 0 }).toEqual({ variable: v.name, status: 'success', values: true });
    }
    const categories = (await (await fetch(`${promUrl}/api/v1/label/category/values?match[]=kansa_requirement_info`)).json()) as { data: string[] };
    expect(categories.data.length).toBe(10);
  });

  // #15: the sandbox has violations from the start; before, no alert ever covered them.
  it('fires no kansa alert on the sandbox except the attestations it was given and its standing violations', async () => {
    interface AlertsResponse {
      readonly data: { readonly alerts: readonly { readonly labels: Record<string, string>; readonly state: string }[] };
    }
    const noncompliant = (await query('kansa_requirement_status{state="noncompliant"} == 1')).data?.result.map((r) => r.metric.requirement ?? '') ?? [];
    expect(noncompliant.length).toBeGreaterThan(5);
    const expected = ['KansaAttestationExpired 2-5', 'KansaAttestationExpiringSoon 2-3', 'KansaAttestationExpiringSoon 9-3', ...noncompliant.map((r) => `KansaRequirementNoncompliant ${r}`)].sort();
    const alerts = await waitFor(
      'the attestation and standing-violation alerts to be pending',
      async () => {
        const body = (await (await fetch(`${promUrl}/api/v1/alerts`)).json()) as AlertsResponse;
        const names = body.data.alerts.map((a) => `${a.labels.alertname} ${a.labels.requirement ?? a.labels.instance ?? ''}`.trim());
        return expected.every((e) => names.includes(e)) ? body.data.alerts : undefined;
      },
      60_000,
      250,
    );
    expect(alerts.map((a) => `${a.labels.alertname} ${a.labels.requirement ?? a.labels.instance ?? ''}`.trim()).sort()).toEqual(expected);
    // each violation carries the severity of its worst failing control, from the sandbox's real controls
    const standing = alerts.filter((a) => a.labels.alertname === 'KansaRequirementNoncompliant');
    expect(standing.every((a) => a.state === 'pending')).toBe(true);
    expect(standing.filter((a) => !['critical', 'high', 'medium', 'low', 'info'].includes(a.labels.control_severity ?? '')).map((a) => a.labels.requirement)).toEqual([]);
    const expectedSeverity = (c: string): string => (c === 'critical' || c === 'high' ? 'critical' : c === 'medium' ? 'warning' : 'info');
    expect(standing.filter((a) => a.labels.severity !== expectedSeverity(a.labels.control_severity!)).map((a) => a.labels.requirement)).toEqual([]);
  }, 90_000);
});
