/**
 * Fault injection for the GCP collector, mirroring test/collectors/aws/config-service.test.ts: the real
 * @google-cloud/asset client on gRPC against the sandbox's Cloud Asset server, every bundled GCP control's
 * asset types, faults from the shared FaultInjector. Sleeps are injected and recorded, never waited.
 */
import { GcpAssetCollector } from '../../../collectors/gcp/cloud-asset.js';
import { loopbackAssetClient } from '../../../collectors/gcp/sandbox-client.js';
import type { CollectorRun } from '../../../collectors/types.js';
import { gcpCollectorSchema } from '../../../collectors/gcp/config.js';
import type { Assessment } from '../../../src/evaluate/assessment.js';
import { Evaluation } from '../../../src/evaluate/evaluate.js';
import type { Resource } from '../../../src/model/resource.js';
import { startSandbox, type Faults, type Sandbox } from '../../../src/sandbox/server.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

const CONTROLS = bundledMappings().controls.filter((c) => c.provider === 'gcp');
const TYPES = [...Evaluation.typesNeeded(CONTROLS)];
const RESOURCE_TYPES = TYPES.filter((t) => !t.includes('#'));

interface Collected {
  resources: Resource[];
  run: CollectorRun;
  calls: Map<string, number>;
  sleeps: number[];
  assessment: Assessment;
}

const silent = { info: () => undefined, warn: () => undefined, debug: () => undefined };

/** One collection streamed into an Evaluation, as the agent does, and finished against its coverage. */
async function collect(sandbox: Sandbox, scopes: readonly string[], config: Record<string, unknown> = {}): Promise<Collected> {
  const collectorConfig = gcpCollectorSchema.parse({ scopes, requestsPerMinute: 600_000, maxAttempts: 6, ...config });
  const sleeps: number[] = [];
  const collector = new GcpAssetCollector(collectorConfig, loopbackAssetClient(sandbox.gcp), (ms) => {
    sleeps.push(ms);
    return Promise.resolve();
  });
  const { controls, catalog, attestations } = bundledMappings();
  const evaluation = new Evaluation(controls, catalog, { keptFindings: 'all' });
  const resources: Resource[] = [];
  const calls = new Map<string, number>();
  const run = await collector.collect({
    types: new Set(TYPES),
    onResource: (r) => {
      resources.push(r);
      evaluation.add(r);
    },
    recorder: {
      apiCall: (_provider, operation, code) => calls.set(`${operation} ${code}`, (calls.get(`${operation} ${code}`) ?? 0) + 1),
      clockSample: () => undefined,
    },
    logger: silent,
    signal: new AbortController().signal,
    now: () => NOW,
  });
  return { resources, run, calls, sleeps, assessment: evaluation.finish(run.coverage, attestations, NOW) };
}

const count = (calls: Map<string, number>, suffix: string): number => [...calls].filter(([k]) => k.endsWith(suffix)).reduce((n, [, v]) => n + v, 0);
const resourceAssets = (resources: readonly Resource[]): Resource[] => resources.filter((r) => !r.type.includes('#'));

describe('GCP collector under injected faults', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ gcp: { seed: 5, resources: 2500 }, aws: { resources: 10 } });
  });
  afterAll(async () => sandbox.close());
  beforeEach(() => {
    sandbox.setFaults({});
    sandbox.resetCalls();
  });
  const projects = (): string[] => sandbox.gcp.projects.map((p) => `projects/${p}`);
  const expectedAll = (): number => projects().reduce((n, p) => n + sandbox.gcp.expectedCount(p, RESOURCE_TYPES), 0);

  it('collects every asset of the types GCP controls read, with read-only calls only', async () => {
    const { resources, run } = await collect(sandbox, projects());
    expect(resourceAssets(resources)).toHaveLength(expectedAll());
    expect(run.coverage.every((s) => s.outcome.status === 'ok')).toBe(true);
    expect(resources.filter((r) => r.malformed !== undefined)).toEqual([]);
    expect(sandbox.writeOperations()).toEqual([]);
    expect(sandbox.calls().list.every((c) => c.operation === 'ListAssets')).toBe(true);
  });

  it.each<[string, Faults, number | undefined]>([
    ['RESOURCE_EXHAUSTED with google.rpc.RetryInfo', { throttleRate: 0.3, throttleRetryAfterSeconds: 7 }, 7000],
    ['RESOURCE_EXHAUSTED with a fractional RetryInfo delay', { throttleRate: 0.3, throttleRetryAfterSeconds: 1.5 }, 1500],
    ['RESOURCE_EXHAUSTED without RetryInfo', { throttleRate: 0.3 }, undefined],
  ])('survives %s, honouring the hint, and counts every attempt', async (_what, faults, retryAfterMs) => {
    sandbox.setFaults({ ...faults, seed: 3 });
    const { resources, run, calls, sleeps } = await collect(sandbox, projects(), { maxAttempts: 15 });
    expect(resourceAssets(resources)).toHaveLength(expectedAll());
    expect(run.coverage.every((s) => s.outcome.status === 'ok')).toBe(true);
    const throttled = count(calls, 'RESOURCE_EXHAUSTED');
    expect(throttled).toBeGreaterThan(0);
    expect(sleeps).toHaveLength(throttled);
    expect(throttled + count(calls, ' 200')).toBe(sandbox.calls().total);
    if (retryAfterMs !== undefined) expect(new Set(sleeps)).toEqual(new Set([retryAfterMs]));
    else {
      // Quota backoff without a hint: at least half of the 2 s quota step, never above the 30 s cap.
      expect(Math.min(...sleeps)).toBeGreaterThanOrEqual(1000);
      expect(Math.max(...sleeps)).toBeLessThanOrEqual(30_000);
    }
  });

  it('retries UNAVAILABLE and INTERNAL to a complete result', async () => {
    sandbox.setFaults({ serverErrorRate: 0.3, seed: 5 });
    const { resources, run, calls, sleeps } = await collect(sandbox, projects(), { maxAttempts: 15 });
    expect(resourceAssets(resources)).toHaveLength(expectedAll());
    expect(run.coverage.every((s) => s.outcome.status === 'ok')).toBe(true);
    expect(count(calls, 'UNAVAILABLE')).toBeGreaterThan(0);
    expect(count(calls, 'INTERNAL')).toBeGreaterThan(0);
    expect(sleeps).toHaveLength(count(calls, 'UNAVAILABLE') + count(calls, 'INTERNAL'));
    // Server errors back off from the 200 ms base, not the quota step.
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(30_000);
  });

  it('marks only the denied project unknown, with no fail finding from it, and completes the others', async () => {
    const denied = sandbox.gcp.projects[1]!;
    sandbox.setFaults({ accessDeniedAccounts: [denied] });
    const { resources, run, calls, assessment } = await collect(sandbox, projects());
    expect(run.coverage.filter((s) => s.account === denied).map((s) => s.outcome.status)).toEqual(['failed']);
    expect(run.coverage.filter((s) => s.account !== denied).every((s) => s.outcome.status === 'ok')).toBe(true);
    expect(run.accounts.find((a) => a.account === denied)).toMatchObject({ ok: false, error: expect.stringContaining('PERMISSION_DENIED') as unknown });
    expect(resources.some((r) => r.account === denied)).toBe(false);
    expect(resourceAssets(resources)).toHaveLength(expectedAll() - sandbox.gcp.expectedCount(`projects/${denied}`, RESOURCE_TYPES));
    // PERMISSION_DENIED is final: one attempt per content type (RESOURCE, IAM_POLICY, ORG_POLICY), no retry.
    expect(count(calls, 'PERMISSION_DENIED')).toBe(3);
    const fromDenied = assessment.findings.filter((f) => f.account === denied);
    expect(fromDenied.filter((f) => f.status === 'fail')).toEqual([]);
    expect(fromDenied.length).toBeGreaterThan(0);
    expect(fromDenied.every((f) => f.status === 'unknown' && /collection failed: PERMISSION_DENIED/.test(f.reason ?? ''))).toBe(true);
    // Every GCP control that reads a resource type is unknown for the denied project.
    expect(new Set(fromDenied.map((f) => f.control))).toEqual(new Set(CONTROLS.map((c) => c.id)));
    // The other projects still fail where their configuration is non-compliant.
    expect(assessment.findings.some((f) => f.provider === 'gcp' && f.account !== denied && f.status === 'fail')).toBe(true);
  });

  it('turns assets served without data into malformed resources (or unreadable counts) and unknown findings, not a failed scan', async () => {
    sandbox.setFaults({ malformedRate: 0.05, seed: 9 });
    const { resources, run, assessment } = await collect(sandbox, projects());
    expect(run.coverage.every((s) => s.outcome.status === 'ok')).toBe(true);
    // A few broken assets lose their asset type too: counted as unreadable in their project, never emitted.
    const unreadable = run.coverage.reduce((n, s) => n + (s.unreadable ?? 0), 0);
    expect(unreadable).toBeGreaterThan(0);
    expect(resourceAssets(resources).length + unreadable).toBe(expectedAll());
    expect(resources.some((r) => r.type === 'Unknown')).toBe(false);
    const malformed = resources.filter((r) => r.malformed !== undefined);
    expect(malformed.length).toBeGreaterThan(0);
    expect(malformed.length).toBeLessThan(resources.length / 5);
    expect(new Set(malformed.map((r) => r.malformed))).toEqual(new Set(['resource.data is missing']));
    const broken = new Set(malformed.map((r) => r.id));
    const onBroken = assessment.findings.filter((f) => f.scope === 'resource' && broken.has(f.resourceId));
    expect(onBroken.length).toBeGreaterThan(0);
    expect(onBroken.every((f) => f.status === 'unknown' && f.reason?.startsWith('malformed '))).toBe(true);
  });

  it('retries cut-off streams to a complete result', async () => {
    sandbox.setFaults({ truncatedPageRate: 0.3, seed: 5 });
    const { resources, run, calls } = await collect(sandbox, [sandbox.gcp.organization], { maxAttempts: 15 });
    expect(resourceAssets(resources)).toHaveLength(sandbox.gcp.expectedCount(sandbox.gcp.organization, RESOURCE_TYPES));
    expect(run.coverage.every((s) => s.outcome.status === 'ok')).toBe(true);
    expect(count(calls, 'INTERNAL')).toBeGreaterThan(0);
  });

  it('gives up on a scope whose streams are always cut off after the bounded attempts: unknown, never fail, no crash', async () => {
    sandbox.setFaults({ truncatedPageRate: 1 });
    const project = sandbox.gcp.projects[0]!;
    const { run, sleeps, calls, assessment } = await collect(sandbox, [`projects/${project}`], { maxAttempts: 3 });
    expect(run.coverage.map((s) => s.outcome.status)).toEqual(['failed']);
    expect(run.coverage[0]?.outcome).toMatchObject({ error: expect.stringContaining('INTERNAL') as unknown });
    expect(count(calls, 'INTERNAL')).toBe(3 * 3); // three content types, three attempts each
    expect(sleeps).toHaveLength(3 * 2);
    const gcpFindings = assessment.findings.filter((f) => f.provider === 'gcp');
    expect(gcpFindings.length).toBeGreaterThan(0);
    expect(gcpFindings.every((f) => f.status === 'unknown' && f.account === project)).toBe(true);
  });
});
