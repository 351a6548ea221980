/**
 * The collector and control gauges in the unhealthy cases, where a metric that always said "up" or
 * "0 failing" would hide the problem the alert rules page on: an account whose collection failed is
 * kansa_collector_up 0 (and has no last-success time), failing / unknown / waived findings are counted
 * per control × account exactly as the assessment holds them, and stale data turns every count into
 * unknown. Read through the real path: Agent over the sandbox → statusOf → AgentMirror → /metrics text.
 * (The gauges from a hand-written status, which `npm run mutate` runs for each mutant, are in gauges.test.ts.)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { AwsConfigCollector } from '../../collectors/aws/config-service.js';
import { awsCollectorSchema } from '../../collectors/aws/config.js';
import { sandboxAwsClients } from '../../collectors/aws/sandbox-clients.js';
import { Agent } from '../../src/agent/agent.js';
import { AgentMirror, statusOf } from '../../src/agent/status.js';
import type { Assessment, FindingStatus } from '../../src/evaluate/assessment.js';
import { loadMappings } from '../../src/mappings/load.js';
import { registerAgentMetrics } from '../../src/metrics/metrics.js';
import { createLogger } from '../../src/log.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { tempDir } from '../support/temp.js';
import { series, value } from '../support/metrics.js';

const quietLogger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
const STALE_AFTER = 600;


/** Findings of the assessment per `control|account` with the given status. */
function countFindings(assessment: Assessment, status: FindingStatus): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of assessment.findings) if (f.status === status) out.set(`${f.control}|${f.account}`, (out.get(`${f.control}|${f.account}`) ?? 0) + 1);
  return out;
}

/** A tally gauge's non-zero series as `control|account` → value. */
function nonZero(text: string, metric: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [labels, v] of series(text, metric)) {
    if (v === 0) continue;
    const control = /control="([^"]+)"/.exec(labels)?.[1];
    const account = /account="([^"]+)"/.exec(labels)?.[1];
    out.set(`${control}|${account}`, v);
  }
  return out;
}

const sorted = (m: Map<string, number>): [string, number][] => [...m].sort(([a], [b]) => a.localeCompare(b));

describe('collector and control metrics of an agent whose collection partly failed', () => {
  const AT = new Date('2026-11-28T00:00:00Z');
  let sandbox: Sandbox;
  let mappings: ReturnType<typeof loadMappings>;
  let agent: Agent;
  let denied: string;
  const scrapeOf = async (of: Agent): Promise<string> => {
    const registry = new Registry();
    const mirror = new AgentMirror(loadMappings({}), new Set());
    mirror.status = statusOf(of, { scheduleIntervalSeconds: [3600], engineLoopDelayP99Ms: 0 });
    registerAgentMetrics(registry, mirror, { version: 'test' });
    return registry.metrics();
  };
  const scrape = (): Promise<string> => scrapeOf(agent);
  /** An agent that collected the sandbox once at AT; its clock is what `now` returns afterwards. */
  const collected = async (now: () => Date): Promise<Agent> => {
    const config = awsCollectorSchema.parse({ regions: sandbox.aws.regions, accounts: sandbox.aws.accounts.map((id) => ({ id })), maxAttempts: 1 });
    const collector = new AwsConfigCollector(config, sandboxAwsClients(sandbox.aws), () => Promise.resolve());
    // keptFindings 'all': the test counts findings itself to check every tally against them.
    const made = new Agent(mappings, [{ collector, staleAfterSeconds: STALE_AFTER }], { logger: quietLogger, now, apiCalls: { inc: () => undefined }, keptFindings: 'all' });
    await made.runCollector(made.collectors[0]!, new AbortController().signal);
    return made;
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 400, seed: 5 } });
    denied = sandbox.aws.accounts[1]!;
    sandbox.setFaults({ accessDeniedAccounts: [denied] });
    expect(sandbox.aws.regions.some((r) => r.startsWith('us-'))).toBe(true);
    const file = join(tempDir(), 'exceptions.yaml');
    writeFileSync(
      file,
      `exceptions:\n  - id: us-copies\n    control: aws-data-stored-in-japan\n    match: { region: "us-*" }\n    justification: { ja: 日本の法令の下で運用する複製, en: copies operated under Japanese law }\n    approvedBy: CISO\n    expires: 2999-12-31\n`,
    );
    mappings = loadMappings({ exceptions: file });
    agent = await collected(() => AT);
  });
  afterAll(async () => sandbox.close());

  it('says the denied account is down (0) and the others up (1), with a last-success time only for those that succeeded', async () => {
    const text = await scrape();
    const up = series(text, 'kansa_collector_up');
    expect(up.size).toBe(sandbox.aws.accounts.length);
    for (const account of sandbox.aws.accounts) expect({ account, up: value(text, 'kansa_collector_up', { provider: 'aws', account }) }).toEqual({ account, up: account === denied ? 0 : 1 });
    expect(value(text, 'kansa_collector_last_success_timestamp_seconds', { account: denied })).toBeUndefined();
    for (const account of sandbox.aws.accounts.filter((a) => a !== denied)) {
      expect(value(text, 'kansa_collector_last_success_timestamp_seconds', { provider: 'aws', account })).toBe(AT.getTime() / 1000);
    }
    expect(value(text, 'kansa_collector_resources', { account: denied })).toBe(0);
    expect(value(text, 'kansa_collector_resources', { account: sandbox.aws.accounts[0]! })).toBeGreaterThan(0);
  });

  it('counts failing, unknown and waived findings per control × account exactly as the assessment holds them', async () => {
    const assessment = agent.latest()!;
    const text = await scrape();
    const failing = countFindings(assessment, 'fail');
    const unknown = countFindings(assessment, 'unknown');
    const waived = countFindings(assessment, 'waived');
    // The estate has all three, in accounts that are up; the denied one only has unknowns.
    expect(failing.size).toBeGreaterThan(0);
    expect(waived.size).toBeGreaterThan(0);
    expect([...unknown.keys()].some((k) => k.endsWith(`|${denied}`))).toBe(true);
    expect([...failing.keys(), ...waived.keys()].some((k) => k.endsWith(`|${denied}`))).toBe(false);

    expect(sorted(nonZero(text, 'kansa_control_failing_resources'))).toEqual(sorted(failing));
    expect(sorted(nonZero(text, 'kansa_control_unknown_resources'))).toEqual(sorted(unknown));
    expect(sorted(nonZero(text, 'kansa_control_waived_resources'))).toEqual(sorted(waived));
    // Waived failures are not failing: the exception's control in us-* regions is waived, not failing, there.
    const usFails = assessment.findings.filter((f) => f.control === 'aws-data-stored-in-japan' && f.region.startsWith('us-') && f.status === 'fail');
    expect(usFails).toEqual([]);
    // Checked counts every finding (pass included) of the control × account.
    const checked = new Map<string, number>();
    for (const f of assessment.findings) checked.set(`${f.control}|${f.account}`, (checked.get(`${f.control}|${f.account}`) ?? 0) + 1);
    expect(sorted(nonZero(text, 'kansa_control_checked_resources'))).toEqual(sorted(checked));
  });

  it('reports requirements in the state the assessment gives them, one state at 1 and the others at 0', async () => {
    const assessment = agent.latest()!;
    const text = await scrape();
    const noncompliant = assessment.requirements.filter((r) => r.status === 'noncompliant');
    expect(noncompliant.length).toBeGreaterThan(0);
    for (const r of assessment.requirements) {
      for (const state of ['compliant', 'noncompliant', 'unknown', 'not_assessed']) {
        expect({ requirement: r.id, state, value: value(text, 'kansa_requirement_status', { requirement: r.id, state }) }).toEqual({ requirement: r.id, state, value: r.status === state ? 1 : 0 });
      }
    }
    for (const state of ['compliant', 'noncompliant', 'unknown', 'not_assessed'] as const) {
      expect(value(text, 'kansa_requirements', { state })).toBe(assessment.summary[state]);
    }
    expect(value(text, 'kansa_requirements', { state: 'noncompliant' })).toBe(noncompliant.length);
  });

  it('turns every count into unknown once the data is stale: nothing failing or waived, every scope blind', async () => {
    let clock = AT;
    const aging = await collected(() => clock);
    const fresh = await scrapeOf(aging);
    expect(nonZero(fresh, 'kansa_control_failing_resources').size).toBeGreaterThan(0);
    clock = new Date(AT.getTime() + (STALE_AFTER + 1) * 1000);
    const text = await scrapeOf(aging);
    expect(nonZero(text, 'kansa_control_failing_resources').size).toBe(0);
    expect(nonZero(text, 'kansa_control_waived_resources').size).toBe(0);
    expect(nonZero(text, 'kansa_control_unknown_resources').size).toBeGreaterThan(0);
    expect(sorted(nonZero(text, 'kansa_control_unknown_resources'))).toEqual(sorted(nonZero(text, 'kansa_control_checked_resources')));
    for (const account of sandbox.aws.accounts) {
      const scopes = ['covered', 'partial', 'blind'].reduce((n, state) => n + (value(fresh, 'kansa_collector_scope_coverage', { account, state }) ?? 0), 0);
      expect(scopes).toBeGreaterThanOrEqual(sandbox.aws.regions.length);
      expect(value(text, 'kansa_collector_scope_coverage', { account, state: 'covered' })).toBe(0);
      expect(value(text, 'kansa_collector_scope_coverage', { account, state: 'blind' })).toBe(scopes);
    }
    expect(value(text, 'kansa_requirements', { state: 'noncompliant' })).toBe(0);
    // The last successful collection is still when it was: the alert on data age reads it.
    const healthy = sandbox.aws.accounts.find((a) => a !== denied)!;
    expect(value(text, 'kansa_collector_last_success_timestamp_seconds', { account: healthy })).toBe(AT.getTime() / 1000);
  });
});
