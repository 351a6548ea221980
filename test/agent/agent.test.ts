/** The agent over the sandbox: no false fail from API faults, stale data, scheduler overlap and shutdown. */
import { AwsConfigCollector } from '../../collectors/aws/config-service.js';
import type { CollectContext, Collector, CollectorRun } from '../../collectors/types.js';
import type { KeptFindings } from '../../src/evaluate/evaluate.js';
import { Agent } from '../../src/agent/agent.js';
import { Scheduler } from '../../src/agent/scheduler.js';
import { sandboxAwsClients } from '../../collectors/aws/sandbox-clients.js';
import { awsCollectorSchema } from '../../collectors/aws/config.js';
import { createLogger } from '../../src/log.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { bundledMappings } from '../support/evaluate.js';
import { Writable } from 'node:stream';

const quietLogger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
const noCounter = { inc: () => undefined };

class CountingCollector implements Collector {
  readonly provider = 'aws' as const;
  readonly name = 'aws-config';
  runs = 0;
  constructor(private readonly inner: Collector) {}
  close(): Promise<void> {
    return this.inner.close();
  }
  collect(context: CollectContext): Promise<CollectorRun> {
    this.runs++;
    return this.inner.collect(context);
  }
}

describe('agent', () => {
  let sandbox: Sandbox;
  let clock: Date;
  const makeAgent = (staleAfterSeconds = 3600, keptFindings?: KeptFindings): { agent: Agent; collector: CountingCollector } => {
    const config = awsCollectorSchema.parse({ regions: sandbox.aws.regions, accounts: sandbox.aws.accounts.map((id) => ({ id })), maxAttempts: 2 });
    const collector = new CountingCollector(new AwsConfigCollector(config, sandboxAwsClients(sandbox.aws), () => Promise.resolve()));
    const agent = new Agent(bundledMappings(), [{ collector, staleAfterSeconds }], { logger: quietLogger, now: () => clock, apiCalls: noCounter, ...(keptFindings ? { keptFindings } : {}) });
    return { agent, collector };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 600, seed: 11 } });
  });
  afterAll(async () => sandbox.close());
  beforeEach(() => {
    sandbox.setFaults({});
    clock = new Date('2026-11-28T00:00:00Z');
  });

  it('never turns an API fault into a fail: the denied account is unknown, the others are evaluated', async () => {
    const denied = sandbox.aws.accounts[2]!;
    sandbox.setFaults({ accessDeniedAccounts: [denied] });
    const { agent } = makeAgent();
    expect(agent.ready).toBe(false);
    await agent.runCollector(agent.collectors[0]!, new AbortController().signal);
    expect(agent.ready).toBe(true);
    const assessment = agent.latest()!;
    const fromDenied = assessment.findings.filter((f) => f.account === denied);
    expect(fromDenied.length).toBeGreaterThan(0);
    expect(fromDenied.every((f) => f.status === 'unknown')).toBe(true);
    expect(fromDenied.some((f) => f.reason?.includes('AccessDeniedException'))).toBe(true);
    expect(assessment.findings.some((f) => f.status === 'fail' && f.account !== denied)).toBe(true);
    expect(assessment.tallies.filter((t) => t.account === denied).every((t) => t.failing === 0)).toBe(true);
  });

  it('turns every verdict unknown once the data is older than the staleness limit', async () => {
    const { agent } = makeAgent(600);
    await agent.runCollector(agent.collectors[0]!, new AbortController().signal);
    expect(agent.latest()!.requirements.find((r) => r.id === '2-6')?.status).toBe('noncompliant');
    clock = new Date(clock.getTime() + 601_000);
    const stale = agent.latest()!;
    expect(stale.requirements.find((r) => r.id === '2-6')?.status).toBe('unknown');
    expect(stale.requirements.filter((r) => r.status === 'noncompliant' || r.status === 'compliant').map((r) => r.automation)).not.toContain('automated');
    expect(stale.coverage.every((s) => s.outcome.status === 'stale')).toBe(true);
  });

  it('does not overlap runs of one collector', async () => {
    sandbox.setFaults({ latencyMs: 50 });
    const { agent, collector } = makeAgent();
    const scheduler = new Scheduler(agent, quietLogger);
    const first = scheduler.trigger(agent.collectors[0]!);
    const second = scheduler.trigger(agent.collectors[0]!);
    await Promise.all([first, second]);
    expect(collector.runs).toBe(1);
    await scheduler.trigger(agent.collectors[0]!);
    expect(collector.runs).toBe(2);
    await scheduler.stop();
  });

  it('abandons an in-flight scan cleanly on stop', async () => {
    sandbox.setFaults({ latencyMs: 30_000 });
    const { agent } = makeAgent();
    const scheduler = new Scheduler(agent, quietLogger);
    scheduler.start([{ state: agent.collectors[0]!, cron: '0 0 1 1 *', jitterSeconds: 0 }], true);
    expect(agent.collectors[0]!.running).toBe(true);
    await scheduler.stop();
    expect(agent.collectors[0]!.running).toBe(false);
    expect(agent.collectors[0]!.lastRun).toBeUndefined();
    expect(agent.ready).toBe(false);
  });

  it('measures the offset between the local clock and the provider Date header (item 10-1 evidence)', async () => {
    sandbox.setFaults({ clockSkewSeconds: -30 }); // the provider's clock runs 30 s behind ours
    const { agent } = makeAgent();
    await agent.runCollector(agent.collectors[0]!, new AbortController().signal);
    const offset = agent.clocks.get('aws')?.estimate();
    // Date headers have one-second resolution: the estimate is good to about ±1 s.
    expect(offset).toBeGreaterThan(28.5);
    expect(offset).toBeLessThan(31.5);
  });

  it('holds no findings when told (the running agent), the same verdicts and tallies, and hands the failing ones to an observer that asks', async () => {
    const { agent: holding } = makeAgent();
    await holding.runCollector(holding.collectors[0]!, new AbortController().signal);
    const { agent: lean } = makeAgent(3600, 'none');
    await lean.runCollector(lean.collectors[0]!, new AbortController().signal);
    const full = holding.latest()!;
    const slim = lean.latest()!;
    expect(full.findings.length).toBeGreaterThan(0);
    expect(slim.findings).toEqual([]);
    expect(slim.requirements).toEqual(full.requirements);
    expect(slim.tallies).toEqual(full.tallies);

    const streamed: string[] = [];
    let handed: readonly { status: string }[] = [];
    await lean.runCollector(lean.collectors[0]!, new AbortController().signal, {
      keptFindings: 'failing',
      onFinding: (f) => void streamed.push(f.status),
      finish: ({ partial }) => Promise.resolve(void (handed = partial.findings)),
    });
    expect(handed).toHaveLength(full.findings.length);
    expect(handed.every((f) => f.status !== 'pass')).toBe(true);
    expect(streamed).toContain('pass'); // the observer still sees every finding
    expect(lean.latest()!.findings).toEqual([]); // what the observer asked for is not kept by the agent
    expect(lean.latest()!.requirements).toEqual(full.requirements);
  });
});
