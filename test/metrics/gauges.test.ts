/**
 * What /metrics exports from a given status, attestations, exceptions and evidence events: each gauge under
 * its own name and labels, the unhealthy values (an account down, failing / unknown / waived counts, no
 * assessment yet) as they are, and nothing invented. Built from hand-written statuses, without an agent,
 * so `npm run mutate` can run it for every mutant of src/metrics (agent-metrics.test.ts reads the same
 * gauges through a real Agent over the sandbox).
 */
import { Registry } from 'prom-client';
import { AgentMirror } from '../../src/agent/status.js';
import type { EngineStatus } from '../../src/contract/status.js';
import { loadMappings } from '../../src/mappings/load.js';
import { createRegistry, registerAgentMetrics, registerEvidenceMetrics, registerReloadMetrics } from '../../src/metrics/metrics.js';
import { series, value } from '../support/metrics.js';


/** The value of a metric without labels (`name value`), undefined when it has no sample. */
function plain(text: string, metric: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${metric} `));
  return line === undefined ? undefined : Number(line.slice(metric.length + 1));
}

/** `# HELP name text` of every metric in the exposition, as name → text. */
function helps(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^# HELP (\S+) ?(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** A label value as the exposition format writes it. */
const escaped = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

const endOfDay = (day: string): number => Date.parse(`${day}T23:59:59Z`) / 1000;

const sorted = (m: Map<string, number>): [string, number][] => [...m].sort(([a], [b]) => a.localeCompare(b));

describe('collector and control metrics from a hand-written status', () => {
  const AT = '2026-11-28T00:00:00.000Z';
  const mappings = loadMappings({});
  const status: EngineStatus = {
    ready: true,
    assessment: {
      catalog: { id: mappings.catalog.id },
      generatedAt: AT,
      summary: { compliant: 1, noncompliant: 2, unknown: 3, not_assessed: 4 },
      requirements: [],
      tallies: [
        { control: 'c-a', provider: 'aws', account: '111111111111', checked: 10, failing: 3, unknown: 2, waived: 1 },
        { control: 'c-a', provider: 'aws', account: '222222222222', checked: 7, failing: 0, unknown: 7, waived: 0 },
        { control: 'c-b', provider: 'gcp', account: 'proj-x', checked: 5, failing: 5, unknown: 0, waived: 0 },
      ],
      coverage: [],
    },
    collectors: [
      {
        name: 'aws-config',
        provider: 'aws',
        staleAfterSeconds: 7200,
        scheduleIntervalSeconds: 3600,
        running: true,
        accounts: [
          { account: '111111111111', ok: true, durationSeconds: 4.5, resources: 120 },
          { account: '222222222222', ok: false, error: 'AccessDeniedException', durationSeconds: 0.25, resources: 0 },
        ],
        lastSuccessByAccount: [['111111111111', 1_700_000_000]],
      },
      { name: 'gcp-asset', provider: 'gcp', staleAfterSeconds: 900, scheduleIntervalSeconds: 300, running: false, accounts: [{ account: 'proj-x', ok: false, durationSeconds: 1, resources: 0 }], lastSuccessByAccount: [] },
    ],
    clockOffsets: [['aws', -1.5]],
    engineLoopDelayP99Ms: 0,
  };
  // Scraped in each test, not in a hook: `npm run mutate` then knows which tests read which gauge.
  const scrape = (): Promise<string> => {
    const registry = new Registry();
    const mirror = new AgentMirror(mappings, new Set());
    mirror.status = status;
    registerAgentMetrics(registry, mirror, { version: 'test' });
    return registry.metrics();
  };

  it('exports up 1 only for the account that succeeded, labelled with provider, account and collector', async () => {
    const text = await scrape();
    expect(sorted(series(text, 'kansa_collector_up'))).toEqual([
      ['{provider="aws",account="111111111111",collector="aws-config"}', 1],
      ['{provider="aws",account="222222222222",collector="aws-config"}', 0],
      ['{provider="gcp",account="proj-x",collector="gcp-asset"}', 0],
    ]);
    expect(sorted(series(text, 'kansa_collector_last_success_timestamp_seconds'))).toEqual([['{provider="aws",account="111111111111",collector="aws-config"}', 1_700_000_000]]);
    expect(value(text, 'kansa_collector_duration_seconds', { account: '222222222222' })).toBe(0.25);
    expect(value(text, 'kansa_collector_resources', { account: '111111111111' })).toBe(120);
    expect(sorted(series(text, 'kansa_collector_running'))).toEqual([
      ['{provider="aws",collector="aws-config"}', 1],
      ['{provider="gcp",collector="gcp-asset"}', 0],
    ]);
    expect(value(text, 'kansa_collector_stale_after_seconds', { collector: 'gcp-asset' })).toBe(900);
    expect(value(text, 'kansa_collector_schedule_interval_seconds', { collector: 'aws-config' })).toBe(3600);
    expect(series(text, 'kansa_clock_offset_seconds')).toEqual(new Map([['{reference="aws"}', -1.5]]));
  });

  it('exports each tally under its own name, never one count for another', async () => {
    const text = await scrape();
    const tally = (metric: string): [string, number][] => sorted(series(text, metric));
    const labels = ['{control="c-a",provider="aws",account="111111111111"}', '{control="c-a",provider="aws",account="222222222222"}', '{control="c-b",provider="gcp",account="proj-x"}'];
    const zip = (values: number[]): [string, number][] => labels.map((l, i): [string, number] => [l, values[i]!]);
    expect(tally('kansa_control_checked_resources')).toEqual(zip([10, 7, 5]));
    expect(tally('kansa_control_failing_resources')).toEqual(zip([3, 0, 5]));
    expect(tally('kansa_control_unknown_resources')).toEqual(zip([2, 7, 0]));
    expect(tally('kansa_control_waived_resources')).toEqual(zip([1, 0, 0]));
    expect(sorted(series(text, 'kansa_requirements'))).toEqual(
      sorted(
        new Map([
          [`{catalog="${mappings.catalog.id}",state="compliant"}`, 1],
          [`{catalog="${mappings.catalog.id}",state="noncompliant"}`, 2],
          [`{catalog="${mappings.catalog.id}",state="unknown"}`, 3],
          [`{catalog="${mappings.catalog.id}",state="not_assessed"}`, 4],
        ]),
      ),
    );
    expect(text).toMatch(new RegExp(`^kansa_last_assessment_timestamp_seconds ${Date.parse(AT) / 1000}$`, 'm'));
  });
});

describe('metrics before the first assessment, with a collector down', () => {
  const mappings = loadMappings({ attestations: 'deploy/attestations.example.yaml', exceptions: 'deploy/exceptions.example.yaml' });
  // The engine has run one collection, which failed everywhere: no assessment has been made yet.
  const status: EngineStatus = {
    ready: false,
    assessment: undefined,
    collectors: [
      {
        name: 'aws-config',
        provider: 'aws',
        staleAfterSeconds: 7200,
        scheduleIntervalSeconds: 3600,
        running: false,
        accounts: [{ account: '111111111111', ok: false, error: 'AccessDeniedException', durationSeconds: 0.5, resources: 0 }],
        lastSuccessByAccount: [],
      },
    ],
    clockOffsets: [],
    engineLoopDelayP99Ms: 0,
  };
  const scrape = (): Promise<string> => {
    const registry = new Registry();
    const mirror = new AgentMirror(mappings, new Set());
    mirror.status = status;
    registerAgentMetrics(registry, mirror, { version: '9.8.7' });
    return registry.metrics();
  };

  it('exports no requirement state, count, tally or coverage at all rather than zeros that would read as nothing failing', async () => {
    const text = await scrape();
    for (const metric of ['kansa_requirement_status', 'kansa_requirements', 'kansa_control_checked_resources', 'kansa_control_failing_resources', 'kansa_control_unknown_resources', 'kansa_control_waived_resources', 'kansa_collector_scope_coverage', 'kansa_collector_uncovered_types', 'kansa_collector_unreadable_items']) {
      expect({ metric, series: series(text, metric).size }).toEqual({ metric, series: 0 });
    }
    // An unlabelled gauge always has a sample: 0 (1970), so an alert on the assessment's age fires, never a made-up time.
    expect(plain(text, 'kansa_last_assessment_timestamp_seconds')).toBe(0);
    // The failed collection is visible: down, never a success time.
    expect(sorted(series(text, 'kansa_collector_up'))).toEqual([['{provider="aws",account="111111111111",collector="aws-config"}', 0]]);
    expect(series(text, 'kansa_collector_last_success_timestamp_seconds').size).toBe(0);
    expect(value(text, 'kansa_collector_running', { collector: 'aws-config' })).toBe(0);
  });

  it('describes the build, every requirement of the catalog and every control, whatever the assessment', async () => {
    const text = await scrape();
    expect(sorted(series(text, 'kansa_build_info'))).toEqual([[`{version="9.8.7",nodejs_version="${process.versions.node}"}`, 1]]);
    const requirements = series(text, 'kansa_requirement_info');
    expect(requirements.size).toBe(mappings.catalog.requirements.length);
    for (const r of mappings.catalog.requirements) {
      const labels = `{catalog="${mappings.catalog.id}",requirement="${r.id}",category="${r.category.id}",automation="${r.automation}",title_en="${escaped(r.titleEn)}",title_ja="${escaped(r.textJa)}"}`;
      expect({ labels, value: requirements.get(labels) }).toEqual({ labels, value: 1 });
    }
    const controls = series(text, 'kansa_control_info');
    expect(controls.size).toBe(mappings.controls.length);
    for (const c of mappings.controls) {
      const labels = `{control="${c.id}",provider="${c.provider}",severity="${c.severity}",title_en="${escaped(c.titleEn)}",title_ja="${escaped(c.titleJa)}"}`;
      expect({ labels, value: controls.get(labels) }).toEqual({ labels, value: 1 });
    }
  });

  it('exports the expiry (end of the day, UTC) of each attestation and exception loaded, and none for requirements without one', async () => {
    const text = await scrape();
    expect(mappings.attestations.length).toBeGreaterThan(1);
    const attested = new Map(mappings.attestations.map((a) => [`{catalog="${a.catalog}",requirement="${a.requirement}"}`, endOfDay(a.expires)]));
    expect(sorted(series(text, 'kansa_attestation_expiry_timestamp_seconds'))).toEqual(sorted(attested));
    expect(mappings.exceptions.length).toBeGreaterThan(0);
    const exceptions = new Map(mappings.exceptions.map((e) => [`{exception="${e.id}",control="${e.control}"}`, endOfDay(e.expires)]));
    expect(sorted(series(text, 'kansa_exception_expiry_timestamp_seconds'))).toEqual(sorted(exceptions));
  });

  it('gives every kansa metric a help text, and says which gauges are read from the assessment (no cloud call at scrape)', async () => {
    const text = await scrape();
    const help = helps(text);
    const kansa = [...help].filter(([name]) => name.startsWith('kansa_'));
    expect(kansa.length).toBeGreaterThanOrEqual(20);
    for (const [name, h] of kansa) expect({ name, long: h.length > 20 }).toEqual({ name, long: true });
    const cached = 'Read from the latest assessment; scrapes never call cloud APIs';
    for (const name of ['kansa_requirement_status', 'kansa_requirements', 'kansa_control_checked_resources', 'kansa_control_failing_resources', 'kansa_control_unknown_resources', 'kansa_control_waived_resources', 'kansa_collector_scope_coverage', 'kansa_collector_uncovered_types', 'kansa_collector_unreadable_items']) {
      const [what = '', rest] = (help.get(name) ?? '').split(cached);
      // What the gauge counts comes first; the shared sentence does not stand in for it.
      expect({ name, cached: rest !== undefined, says: what.trim().length > 20 }).toEqual({ name, cached: true, says: true });
    }
  });
});

describe('requirement states from a hand-written assessment', () => {
  it('sets 1 for the state each requirement is in and 0 for the three others, under its category', async () => {
    const mappings = loadMappings({});
    const registry = new Registry();
    const mirror = new AgentMirror(mappings, new Set());
    mirror.status = {
      ready: true,
      assessment: {
        catalog: { id: mappings.catalog.id },
        generatedAt: '2026-11-28T00:00:00.000Z',
        summary: { compliant: 1, noncompliant: 1, unknown: 1, not_assessed: 0 },
        requirements: [
          { id: '2-1', category: '2', status: 'noncompliant' },
          { id: '1-1', category: '1', status: 'unknown' },
          { id: '9-3', category: '9', status: 'compliant' },
        ],
        tallies: [],
        coverage: [],
      },
      collectors: [],
      clockOffsets: [],
      engineLoopDelayP99Ms: 0,
    };
    registerAgentMetrics(registry, mirror, { version: 'test' });
    const text = await registry.metrics();
    const c = mappings.catalog.id;
    const states = (id: string, category: string, current: string): [string, number][] =>
      ['compliant', 'noncompliant', 'unknown', 'not_assessed'].map((state): [string, number] => [`{catalog="${c}",requirement="${id}",category="${category}",state="${state}"}`, state === current ? 1 : 0]);
    expect(sorted(series(text, 'kansa_requirement_status'))).toEqual(sorted(new Map([...states('2-1', '2', 'noncompliant'), ...states('1-1', '1', 'unknown'), ...states('9-3', '9', 'compliant')])));
  });
});

describe('attestation reload metrics', () => {
  it('start as loaded at start-up, keep the last success time when a reload fails, and move it when one succeeds', async () => {
    const registry = new Registry();
    const reloads = registerReloadMetrics(registry, new Date('2026-11-28T00:00:00Z'));
    const read = async (): Promise<[number | undefined, number | undefined]> => {
      const text = await registry.metrics();
      return [plain(text, 'kansa_attestations_last_reload_successful'), plain(text, 'kansa_attestations_last_reload_success_timestamp_seconds')];
    };
    const start = Date.parse('2026-11-28T00:00:00Z') / 1000;
    expect(await read()).toEqual([1, start]);
    reloads.failed();
    expect(await read()).toEqual([0, start]);
    reloads.succeeded(new Date('2026-11-29T12:00:00Z'));
    expect(await read()).toEqual([1, Date.parse('2026-11-29T12:00:00Z') / 1000]);
  });
});

describe('evidence metrics', () => {
  it('count failed snapshots per stage from 0, and record state changes, the last snapshot and the chain head', async () => {
    const registry = new Registry();
    const evidence = registerEvidenceMetrics(registry, { intervalSeconds: 21600 });
    let text = await registry.metrics();
    expect(plain(text, 'kansa_evidence_schedule_interval_seconds')).toBe(21600);
    // Every stage is exported at 0 before any error, so an alert on increase() sees the first one.
    expect(sorted(series(text, 'kansa_evidence_snapshot_errors_total'))).toEqual([
      ['{stage="collect"}', 0],
      ['{stage="retention"}', 0],
      ['{stage="write"}', 0],
    ]);
    expect(plain(text, 'kansa_evidence_last_snapshot_timestamp_seconds')).toBe(0);
    expect(plain(text, 'kansa_evidence_chain_head_sequence')).toBe(0);

    evidence.snapshotError('write');
    evidence.snapshotError('write');
    evidence.snapshotError('collect');
    evidence.requirementStateChanged({ catalog: 'jp', requirement: '2-1', from: 'compliant', to: 'noncompliant' }, new Date('2026-11-28T06:00:00Z'));
    evidence.lastSnapshot(new Date('2026-11-28T06:00:05Z'), 42);
    text = await registry.metrics();
    expect(sorted(series(text, 'kansa_evidence_snapshot_errors_total'))).toEqual([
      ['{stage="collect"}', 1],
      ['{stage="retention"}', 0],
      ['{stage="write"}', 2],
    ]);
    expect(sorted(series(text, 'kansa_requirement_state_changes_total'))).toEqual([['{catalog="jp",requirement="2-1",from="compliant",to="noncompliant"}', 1]]);
    expect(sorted(series(text, 'kansa_requirement_last_change_timestamp_seconds'))).toEqual([['{catalog="jp",requirement="2-1"}', Date.parse('2026-11-28T06:00:00Z') / 1000]]);
    expect(plain(text, 'kansa_evidence_last_snapshot_timestamp_seconds')).toBe(Date.parse('2026-11-28T06:00:05Z') / 1000);
    expect(plain(text, 'kansa_evidence_chain_head_sequence')).toBe(42);
    for (const [name, h] of helps(text)) expect({ name, long: h.length > 20 }).toEqual({ name, long: true });
  });
});

describe('the process registry', () => {
  it('counts API calls by provider, operation and code, and leaves out the default gauges promtool rejects', async () => {
    const { registry, apiCalls } = createRegistry();
    apiCalls.inc({ provider: 'aws', operation: 'SelectAggregateResourceConfig', code: 'ThrottlingException' });
    const text = await registry.metrics();
    expect(sorted(series(text, 'kansa_collector_api_requests_total'))).toEqual([['{provider="aws",operation="SelectAggregateResourceConfig",code="ThrottlingException"}', 1]]);
    expect((helps(text).get('kansa_collector_api_requests_total') ?? '').length).toBeGreaterThan(20);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) expect(text).not.toContain(name);
  });
});

describe('series that vanish', () => {
  it('drops the series of an account, control, collector, attestation or exception that is no longer there, instead of repeating its last value', async () => {
    const full = loadMappings({ attestations: 'deploy/attestations.example.yaml', exceptions: 'deploy/exceptions.example.yaml' });
    const registry = new Registry();
    const mirror = new AgentMirror(full, new Set());
    const coverage = (account: string) => ({ provider: 'aws' as const, account, scopes: { covered: 1, partial: 0, blind: 0 }, uncoveredTypes: 1, unreadable: 2 });
    const status = (accounts: string[], assessed: boolean): EngineStatus => ({
      ready: true,
      assessment: assessed
        ? {
            catalog: { id: full.catalog.id },
            generatedAt: '2026-11-28T00:00:00.000Z',
            summary: { compliant: 0, noncompliant: 1, unknown: 0, not_assessed: 0 },
            requirements: [{ id: '2-1', category: '2', status: 'noncompliant' }],
            tallies: accounts.map((account) => ({ control: 'c-a', provider: 'aws' as const, account, checked: 2, failing: 1, unknown: 1, waived: 0 })),
            coverage: accounts.map(coverage),
          }
        : undefined,
      collectors: [
        {
          name: 'aws-config',
          provider: 'aws',
          staleAfterSeconds: 7200,
          scheduleIntervalSeconds: 3600,
          running: false,
          accounts: accounts.map((account) => ({ account, ok: true, durationSeconds: 1, resources: 3 })),
          lastSuccessByAccount: accounts.map((account): [string, number] => [account, 1_700_000_000]),
        },
      ],
      clockOffsets: accounts.length > 1 ? [['aws', 0.5]] : [],
      engineLoopDelayP99Ms: 0,
    });
    mirror.status = status(['111111111111', '222222222222'], true);
    registerAgentMetrics(registry, mirror, { version: 'test' });
    const first = await registry.metrics();
    mirror.status = status(['111111111111'], false);
    mirror.replaceReviewed([], []);
    const second = await registry.metrics();
    // Every labelled kansa series of the first scrape that names the second account, the assessment or a
    // reviewed file is gone from the second; the rest is still there.
    const gone = (metric: string, labels: Record<string, string> = {}): [string, number | undefined, number | undefined] => [metric, value(first, metric, labels) === undefined ? undefined : 1, value(second, metric, labels)];
    for (const metric of ['kansa_collector_up', 'kansa_collector_duration_seconds', 'kansa_collector_resources', 'kansa_collector_last_success_timestamp_seconds', 'kansa_control_checked_resources', 'kansa_control_failing_resources', 'kansa_control_unknown_resources', 'kansa_control_waived_resources', 'kansa_collector_uncovered_types', 'kansa_collector_unreadable_items']) {
      expect(gone(metric, { account: '222222222222' })).toEqual([metric, 1, undefined]);
    }
    expect(gone('kansa_collector_scope_coverage', { account: '222222222222', state: 'covered' })).toEqual(['kansa_collector_scope_coverage', 1, undefined]);
    expect(gone('kansa_requirement_status', { requirement: '2-1', state: 'noncompliant' })).toEqual(['kansa_requirement_status', 1, undefined]);
    expect(gone('kansa_requirements', { state: 'noncompliant' })).toEqual(['kansa_requirements', 1, undefined]);
    expect(gone('kansa_clock_offset_seconds', { reference: 'aws' })).toEqual(['kansa_clock_offset_seconds', 1, undefined]);
    expect(series(first, 'kansa_attestation_expiry_timestamp_seconds').size).toBeGreaterThan(0);
    expect(series(second, 'kansa_attestation_expiry_timestamp_seconds').size).toBe(0);
    expect(series(first, 'kansa_exception_expiry_timestamp_seconds').size).toBeGreaterThan(0);
    expect(series(second, 'kansa_exception_expiry_timestamp_seconds').size).toBe(0);
    expect(plain(second, 'kansa_last_assessment_timestamp_seconds')).toBe(0);
    expect(value(second, 'kansa_collector_up', { account: '111111111111' })).toBe(1);
    // Described things stay described, once each.
    for (const metric of ['kansa_build_info', 'kansa_requirement_info', 'kansa_control_info', 'kansa_collector_running', 'kansa_collector_stale_after_seconds', 'kansa_collector_schedule_interval_seconds']) {
      expect([metric, series(second, metric).size]).toEqual([metric, series(first, metric).size]);
    }
  });
});
