/**
 * The series that let Grafana and the alert rules answer "why is 9-6 red?": kansa_control_requirement_info
 * (requirement → controls that evidence it) and the Japanese control title on kansa_control_info. Both
 * describe the loaded mappings, so their number depends on the catalog and the enabled controls only,
 * never on how many resources or accounts were assessed. Needs `promtool` on PATH.
 */
import { spawn } from 'node:child_process';
import { Registry } from 'prom-client';
import { AgentMirror } from '../../src/agent/status.js';
import type { EngineStatus } from '../../src/contract/status.js';
import type { ControlTally } from '../../src/evaluate/assessment.js';
import { loadMappings } from '../../src/mappings/load.js';
import { registerAgentMetrics } from '../../src/metrics/metrics.js';
import { requireTool } from '../deploy/support.js';
import { series } from '../support/metrics.js';

const mappings = loadMappings({});
const CATALOG = mappings.catalog.id;

/** An assessed status with one tally per control × account, `accounts` accounts, `resources` resources each. */
function statusWith(accounts: number, resources: number): EngineStatus {
  const tallies: ControlTally[] = [];
  for (let a = 0; a < accounts; a++) {
    const account = String(100000000000 + a);
    for (const c of mappings.controls) tallies.push({ control: c.id, provider: c.provider, account, checked: resources, failing: Math.floor(resources / 3), unknown: 1, waived: 0 });
  }
  return {
    ready: true,
    assessment: { catalog: { id: CATALOG }, generatedAt: '2026-11-28T00:00:00.000Z', summary: { compliant: 0, noncompliant: 0, unknown: 0, not_assessed: 0 }, requirements: [], tallies, coverage: [] },
    collectors: [],
    clockOffsets: [],
    engineLoopDelayP99Ms: 0,
  };
}

async function scrape(status: EngineStatus, disabled: readonly string[] = []): Promise<string> {
  const registry = new Registry();
  const mirror = new AgentMirror(mappings, new Set(disabled));
  mirror.status = status;
  registerAgentMetrics(registry, mirror, { version: 'test' });
  return registry.metrics();
}

/** `requirement|control` of every mapping series, with its value. */
function mappingsIn(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [labels, v] of series(text, 'kansa_control_requirement_info')) {
    const [, catalog, requirement, control] = /^\{catalog="([^"]*)",requirement="([^"]*)",control="([^"]*)"\}$/.exec(labels) ?? [];
    expect({ labels, catalog }).toEqual({ labels, catalog: CATALOG });
    out.set(`${requirement}|${control}`, v);
  }
  return out;
}

describe('kansa_control_requirement_info', () => {
  it('exports value 1 for every requirement a control names, and nothing else', async () => {
    const text = await scrape(statusWith(1, 10));
    const exported = mappingsIn(text);
    const expected = new Set(mappings.controls.flatMap((c) => [...(c.requirements[CATALOG] ?? []), ...mappings.catalog.requirements.filter((r) => r.listedControls.includes(c.id)).map((r) => r.id)].map((r) => `${r}|${c.id}`)));
    expect([...exported.keys()].sort()).toEqual([...expected].sort());
    expect([...exported.values()].every((v) => v === 1)).toBe(true);
    // a control that evidences two requirements has one series for each
    expect(exported.get('2-1|gcp-sql-ssl-enforced')).toBe(1);
    expect(exported.get('2-2|gcp-sql-ssl-enforced')).toBe(1);
    // every mapped requirement is in the catalog, and the automated items are all reachable from a control
    const ids = new Set(mappings.catalog.requirements.map((r) => r.id));
    expect([...exported.keys()].filter((k) => !ids.has(k.split('|')[0]!))).toEqual([]);
    const mapped = new Set([...exported.keys()].map((k) => k.split('|')[0]));
    expect(mappings.catalog.requirements.filter((r) => r.automation === 'automated' && !mapped.has(r.id)).map((r) => r.id)).toEqual([]);
  });

  it('is exported before the first assessment (it describes the mappings, not a verdict)', async () => {
    const text = await scrape({ ...statusWith(0, 0), ready: false, assessment: undefined });
    expect(mappingsIn(text).size).toBeGreaterThan(mappings.controls.length - 1);
  });

  it('has as many series for 1 account of 3 resources as for 40 accounts of 100,000 resources', async () => {
    const small = await scrape(statusWith(1, 3));
    const large = await scrape(statusWith(40, 100_000));
    expect(mappingsIn(large)).toEqual(mappingsIn(small));
    // the tallies did grow with the accounts: the test would see a per-account label
    expect(series(large, 'kansa_control_failing_resources').size).toBe(40 * series(small, 'kansa_control_failing_resources').size);
    expect(series(large, 'kansa_control_info').size).toBe(series(small, 'kansa_control_info').size);
  });

  it('leaves out the mappings of disabled controls', async () => {
    const text = await scrape(statusWith(1, 3), ['gcp-sql-ssl-enforced']);
    const exported = mappingsIn(text);
    expect([...exported.keys()].filter((k) => k.endsWith('|gcp-sql-ssl-enforced'))).toEqual([]);
    expect(exported.size).toBeGreaterThan(0);
  });
});

describe('kansa_control_info', () => {
  it('carries the Japanese title beside the English one, unchanged', async () => {
    const text = await scrape(statusWith(1, 3));
    const controls = series(text, 'kansa_control_info');
    const escaped = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
    expect(controls.size).toBe(mappings.controls.length);
    for (const c of mappings.controls) {
      const labels = `{control="${c.id}",provider="${c.provider}",severity="${c.severity}",title_en="${escaped(c.titleEn)}",title_ja="${escaped(c.titleJa)}"}`;
      expect({ labels, value: controls.get(labels) }).toEqual({ labels, value: 1 });
      expect({ control: c.id, ja: /[\u3040-\u30ff\u4e00-\u9fff]/.test(c.titleJa) }).toEqual({ control: c.id, ja: true });
    }
  });
});

describe('the exposition with the mapping series', () => {
  it('passes `promtool check metrics`', async () => {
    const promtool = requireTool('promtool');
    const text = await scrape(statusWith(3, 50));
    const lint = await new Promise<{ status: number | null; problems: string }>((resolve, reject) => {
      const child = spawn(promtool, ['check', 'metrics']);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, problems: out.trim() }));
      child.stdin.end(text);
    });
    expect(lint).toEqual({ status: 0, problems: '' });
    expect(text).toMatch(/^# HELP kansa_control_requirement_info \S.{20,}$/m);
    expect(text).toMatch(/^# TYPE kansa_control_requirement_info gauge$/m);
  });
});
