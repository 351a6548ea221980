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
import { loadMappings } from '../../src/mappings/load.js';
import { requirementsOfControl } from '../../src/mappings/controls.js';

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
  readonly repeat?: string;
  readonly fieldConfig?: {
    readonly defaults?: { readonly links?: readonly { readonly url: string }[]; readonly mappings?: readonly { readonly options: Record<string, { readonly text: string; readonly color: string }> }[] };
    readonly overrides?: readonly { readonly matcher: { readonly options: string }; readonly properties: readonly { readonly id: string; readonly value: unknown }[] }[];
  };
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

  it('has a prometheus datasource variable and job, catalog, category, requirement, provider and account variables that use it', () => {
    const datasource = variables.find((v) => v.name === 'datasource');
    expect(datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(queryVariables.map((v) => v.name).sort()).toEqual(['account', 'catalog', 'category', 'job', 'provider', 'requirement']);
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
      'kansa_control_requirement_info',
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

  // #15: the 66 items at a glance, and "why is 9-6 red?" answered in Grafana.
  it('has a status grid of the checklist items, one panel per category, coloured by state with the report\'s words', () => {
    const grids = queryPanels.filter((p) => p.repeat === 'category');
    expect(grids.map((p) => p.type)).toEqual(['stat']);
    const grid = grids[0]!;
    expect(grid.targets!.map((t) => t.expr)).toEqual([expect.stringMatching(/^max by \(requirement\) \(catalog_requirement:kansa_requirement_state_rank:max\{[^}]*category=~"\$category"[^}]*\}\)$/)]);
    const mapping = grid.fieldConfig?.defaults?.mappings?.[0]?.options ?? {};
    expect(Object.fromEntries(Object.entries(mapping).map(([rank, m]) => [rank, [m.text.split(' ')[0], m.color]]))).toEqual({ '0': ['適合', 'green'], '1': ['未評価', 'blue'], '2': ['判定不能', 'orange'], '3': ['不適合', 'red'] });
  });

  it('links every item of the grid and of the requirement table to the drill-down of this dashboard (variable requirement)', () => {
    const drill = /^\/d\/\$\{__dashboard\.uid\}\?.*&var-requirement=/;
    const grid = queryPanels.find((p) => p.repeat === 'category')!;
    expect(grid.fieldConfig?.defaults?.links?.map((l) => l.url)).toEqual([expect.stringMatching(drill)]);
    expect(grid.fieldConfig!.defaults!.links![0]!.url).toMatch(/var-requirement=\$\{__field\.labels\.requirement\}$/);
    const table = queryPanels.find((p) => p.title === 'Requirements 要件一覧')!;
    const links = table.fieldConfig?.overrides?.find((o) => o.matcher.options === 'Requirement')?.properties.find((p) => p.id === 'links')?.value as { url: string }[];
    expect(links.map((l) => l.url)).toEqual([expect.stringMatching(/var-requirement=\$\{__value\.raw\}$/)]);
    for (const l of links) expect(l.url).toMatch(drill);
    const requirement = variables.find((v) => v.name === 'requirement')!;
    expect(variableQuery(requirement)).toBe('label_values(kansa_requirement_info{job=~"$job", catalog=~"$catalog", category=~"$category"}, requirement)');
    // the drill-down: panels filtered by $requirement that join with the requirement → control mapping
    const drillPanels = queryPanels.filter((p) => (p.targets ?? []).every((t) => t.expr.includes('requirement=~"$requirement"')));
    expect(drillPanels.length).toBeGreaterThanOrEqual(4);
    expect(drillPanels.filter((p) => (p.targets ?? []).some((t) => t.expr.includes('kansa_control_requirement_info'))).length).toBeGreaterThanOrEqual(3);
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
        '        labels:',
        '          exporter: kansa',
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

  /** A requirement of category 2 with failing or undecidable AWS controls in the account, as the drill-down would be opened. */
  async function drilledRequirement(account: string): Promise<string> {
    const result = await query(`max by (requirement) (kansa_control_requirement_info{requirement=~"2-.*"} * on (control) group_left () sum by (control) (kansa_control_failing_resources{provider="aws",account="${account}"} + kansa_control_unknown_resources{provider="aws",account="${account}"}) > 0)`);
    return result.data?.result.map((r) => r.metric.requirement ?? '').sort()[0] ?? '';
  }

  async function firstAwsAccount(): Promise<string> {
    const accounts = (await query('kansa_collector_up{provider="aws"}')).data?.result.map((r) => r.metric.account ?? '') ?? [];
    return accounts.sort()[0] ?? '';
  }

  it('returns data for every panel query with variables set to real values', async () => {
    const values = { datasource: 'prometheus', job: 'kansa', catalog: 'jp-cloud-procurement', category: '2', requirement: '', provider: 'aws', account: await firstAwsAccount() };
    expect(values.account).not.toBe('');
    values.requirement = await drilledRequirement(values.account);
    expect(values.requirement).toMatch(/^2-\d+$/);
    await expectEveryQueryHasData(values);
  }, 90_000);

  it('shows one tile per checklist item in the grid, each item under its own category', async () => {
    const grid = queryPanels.find((p) => p.repeat === 'category')!;
    const all = Object.fromEntries(variables.map((v) => [v.name, '.*']));
    const tiles = (await query(substitute(grid.targets![0]!.expr, all))).data?.result ?? [];
    const mappings = loadMappings({});
    expect(tiles.map((t) => t.metric.requirement).sort()).toEqual(mappings.catalog.requirements.map((r) => r.id).sort());
    expect(new Set(tiles.map((t) => t.value?.[1])).size).toBeGreaterThan(1);
    for (const category of mappings.catalog.categories) {
      const inCategory = (await query(substitute(grid.targets![0]!.expr, { ...all, category: category.id }))).data?.result ?? [];
      const expected = mappings.catalog.requirements.filter((r) => r.category.id === category.id).map((r) => r.id);
      expect({ category: category.id, tiles: inCategory.map((t) => t.metric.requirement).sort() }).toEqual({ category: category.id, tiles: expected.sort() });
    }
    // the colour is the verdict: 3 (不適合) exactly for the noncompliant items
    const noncompliant = (await query('kansa_requirement_status{state="noncompliant"} == 1')).data?.result.map((r) => r.metric.requirement).sort();
    expect(tiles.filter((t) => t.value?.[1] === '3').map((t) => t.metric.requirement).sort()).toEqual(noncompliant);
  });

  it('drills down from a requirement to exactly its failing and undecidable controls, with per-account counts', async () => {
    const account = await firstAwsAccount();
    const requirement = await drilledRequirement(account);
    const values = { datasource: 'prometheus', job: 'kansa', catalog: 'jp-cloud-procurement', category: '.*', requirement, provider: '.*', account: '.*' };
    // Expected, independently of the dashboard: the controls kansa's mappings attach to the requirement that
    // have a failing or undecidable resource in some account, read from the raw gauges.
    const mappings = loadMappings({});
    const mapped = new Set(mappings.controls.filter((c) => requirementsOfControl(c, mappings.catalog).includes(requirement)).map((c) => c.id));
    const bad = new Map<string, { failing: number; unknown: number; accounts: Set<string> }>();
    for (const [metric, key] of [['kansa_control_failing_resources', 'failing'], ['kansa_control_unknown_resources', 'unknown']] as const) {
      for (const r of (await query(`${metric} > 0`)).data?.result ?? []) {
        const control = r.metric.control!;
        if (!mapped.has(control)) continue;
        const entry = bad.get(control) ?? { failing: 0, unknown: 0, accounts: new Set<string>() };
        entry[key] += Number(r.value?.[1]);
        entry.accounts.add(`${r.metric.provider}/${r.metric.account}`);
        bad.set(control, entry);
      }
    }
    expect(bad.size).toBeGreaterThan(0);
    const panel = queryPanels.find((p) => p.title === 'Failing and undecidable controls 不適合・判定不能のコントロール')!;
    const rows = async (refId: string): Promise<Map<string, string>> => {
      const result = await query(substitute(panel.targets!.find((t) => t.refId === refId)!.expr, values));
      expect(result.status).toBe('success');
      for (const r of result.data?.result ?? []) expect(r.metric.requirement).toBe(requirement);
      return new Map((result.data?.result ?? []).map((r) => [r.metric.control!, r.value![1]]));
    };
    const info = await rows('A');
    expect([...info.keys()].sort()).toEqual([...bad.keys()].sort());
    expect(Object.fromEntries(await rows('B'))).toEqual(Object.fromEntries([...bad].map(([c, e]) => [c, String(e.failing)])));
    expect(Object.fromEntries(await rows('C'))).toEqual(Object.fromEntries([...bad].map(([c, e]) => [c, String(e.unknown)])));
    expect(Object.fromEntries(await rows('D'))).toEqual(Object.fromEntries([...bad].map(([c, e]) => [c, String(e.accounts.size)])));
    const severities = (await query(substitute(panel.targets![0]!.expr, values))).data?.result.map((r) => r.metric.severity) ?? [];
    expect(severities.every((s) => ['critical', 'high', 'medium', 'low', 'info'].includes(s ?? ''))).toBe(true);
    // per control × account: the same accounts, and nothing of another requirement's controls
    const perAccount = queryPanels.find((p) => p.title.startsWith('Controls × accounts of the selected requirement'))!;
    const cells = (await query(substitute(perAccount.targets![0]!.expr, values))).data?.result ?? [];
    expect(new Set(cells.map((c) => c.metric.control))).toEqual(new Set(bad.keys()));
    expect(cells.length).toBe([...bad.values()].reduce((n, e) => n + e.accounts.size, 0));
  });

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
  it('fires no kansa alert on the sandbox except the attestations it was given, its standing violations and its real coverage gaps', async () => {
    interface AlertsResponse {
      readonly data: { readonly alerts: readonly { readonly labels: Record<string, string>; readonly state: string }[] };
    }
    const noncompliant = (await query('kansa_requirement_status{state="noncompliant"} == 1')).data?.result.map((r) => r.metric.requirement ?? '') ?? [];
    expect(noncompliant.length).toBeGreaterThan(5);
    // The sandbox's GCP projects are collected without their folders and organization, so their scopes lack the
    // hierarchical firewall policies above them (a true gap, #12): one coverage-gap alert per such account.
    const gaps = (await query('sum by (job, provider, account) (provider_account_state:kansa_collector_scope_coverage:max{state=~"partial|blind"}) > 0 or provider_account:kansa_collector_uncovered_types:max > 0')).data?.result ?? [];
    expect(gaps.map((g) => g.metric.provider)).toEqual(gaps.map(() => 'gcp'));
    const expected = ['KansaAttestationExpired 2-5', 'KansaAttestationExpiringSoon 2-3', 'KansaAttestationExpiringSoon 9-3', ...noncompliant.map((r) => `KansaRequirementNoncompliant ${r}`), ...gaps.map(() => 'KansaCoverageGap')].sort();
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
