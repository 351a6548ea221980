/**
 * Fault injection for the Azure collector, mirroring test/collectors/aws/config-service.test.ts: the real
 * @azure/arm-resources and @azure/arm-resourcegraph clients against the sandbox's HTTPS ARM endpoint with
 * throttling (ARM with and without Retry-After; Resource Graph with its quota reset header), server errors, one denied subscription, malformed items and
 * truncated bodies. Sleeps are injected and recorded (no wall clock); every verdict goes through the real
 * evaluation so a fault can be seen to produce `unknown`, never a false `fail`. No SDK mocks.
 */
import { isEntraType } from '../../../collectors/azure/entra.js';
import { isGraphTableType } from '../../../collectors/azure/graph-tables.js';
import { azureClients } from '../../../collectors/azure/clients.js';
import { StaticTokenCredential } from '../../../collectors/azure/credential.js';
import { AzureResourceCollector } from '../../../collectors/azure/resource-manager.js';
import type { CollectorRun } from '../../../collectors/types.js';
import type { Assessment } from '../../../src/evaluate/assessment.js';
import { evaluate, Evaluation } from '../../../src/evaluate/evaluate.js';
import { azureCollectorSchema } from '../../../collectors/azure/config.js';
import type { Resource } from '../../../src/model/resource.js';
import { startSandbox, type Faults, type Sandbox } from '../../../src/sandbox/server.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

const RESOURCES = 700;
const AZURE_CONTROLS = bundledMappings().controls.filter((c) => c.provider === 'azure');
// The subscriptions' types: the tenant's Entra ID types (Microsoft Graph) are test/collectors/azure/entra.test.ts's.
const TYPES = [...Evaluation.typesNeeded(AZURE_CONTROLS)].filter((t) => !isEntraType(t));
/** Top-level types (what Resource Graph / resources.list return); the rest are child settings. */
const isTopLevel = (type: string): boolean => !isGraphTableType(type) && !/auditingSettings|transparentDataEncryption|backupLongTermRetentionPolicies|blobServices|diagnosticSettings|pricings|flexibleServers\/configurations|servers\/firewallRules|securityContacts|networkWatchers\/flowLogs|^Microsoft\.Resources\/subscriptions$|^Microsoft\.Authorization\//i.test(type);

interface Collected {
  resources: Resource[];
  run: CollectorRun;
  calls: Map<string, number>;
  sleeps: number[];
}

async function collect(sandbox: Sandbox, source: 'resourceGraph' | 'arm', options: { maxAttempts?: number; types?: readonly string[] } = {}): Promise<Collected> {
  const config = azureCollectorSchema.parse({ subscriptions: [...sandbox.azure.subscriptions], source, endpoint: sandbox.azure.endpoint, maxAttempts: options.maxAttempts ?? 8 });
  const clients = azureClients({ credential: new StaticTokenCredential(sandbox.azure.token), endpoint: sandbox.azure.endpoint, ca: sandbox.azure.ca });
  const sleeps: number[] = [];
  const collector = new AzureResourceCollector(config, clients, (ms) => {
    sleeps.push(ms);
    return Promise.resolve();
  });
  const resources: Resource[] = [];
  const calls = new Map<string, number>();
  const run = await collector.collect({
    types: new Set(options.types ?? TYPES),
    onResource: (r) => resources.push(r),
    recorder: { apiCall: (_p, operation, code) => calls.set(`${operation} ${code}`, (calls.get(`${operation} ${code}`) ?? 0) + 1), clockSample: () => undefined },
    logger: { info: () => undefined, warn: () => undefined, debug: () => undefined },
    signal: new AbortController().signal,
    now: () => NOW,
  });
  return { resources, run, calls, sleeps };
}

function assessRun({ resources, run }: Collected): Assessment {
  const { catalog, attestations } = bundledMappings();
  return evaluate(resources, run.coverage, AZURE_CONTROLS, catalog, attestations, NOW);
}

const count = (calls: Map<string, number>, pattern: RegExp): number => [...calls].filter(([k]) => pattern.test(k)).reduce((n, [, v]) => n + v, 0);
const keys = (resources: readonly Resource[]): string[] => resources.map((r) => `${r.type}|${r.id.toLowerCase()}`).sort();
const failsOf = (a: Assessment): string[] => a.findings.filter((f) => f.status === 'fail').map((f) => `${f.control}|${f.resourceId.toLowerCase()}`).sort();

describe('Azure collector under injected faults', () => {
  let sandbox: Sandbox;
  let baseline: Collected;
  beforeAll(async () => {
    sandbox = await startSandbox({ azure: { resources: RESOURCES } });
    baseline = await collect(sandbox, 'resourceGraph');
  });
  afterAll(() => sandbox.close());
  beforeEach(() => {
    sandbox.setFaults({});
    sandbox.resetCalls();
  });

  it('the fault-free baseline is complete, read-only and has no malformed items', () => {
    expect(baseline.run.accounts.every((a) => a.ok)).toBe(true);
    expect(baseline.resources.filter((r) => isTopLevel(r.type))).toHaveLength(sandbox.azure.estate.count({ types: TYPES.filter(isTopLevel) }));
    expect(baseline.resources.some((r) => r.malformed !== undefined)).toBe(false);
    expect(baseline.sleeps).toEqual([]);
    expect(failsOf(assessRun(baseline)).length).toBeGreaterThan(0); // the estate has real failures to find
  });

  it.each<[string, 'resourceGraph' | 'arm', Faults, number | undefined]>([
    ['429 with x-ms-user-quota-resets-after 00:00:02 on Resource Graph, Retry-After 2 on ARM (source resourceGraph)', 'resourceGraph', { throttleRate: 0.3, throttleRetryAfterSeconds: 2, seed: 3 }, 2000],
    ['429 with x-ms-user-quota-resets-after 00:00:01 on Resource Graph, no Retry-After on ARM (source resourceGraph)', 'resourceGraph', { throttleRate: 0.3, seed: 3 }, undefined],
    ['429 with Retry-After (ARM)', 'arm', { throttleRate: 0.2, throttleRetryAfterSeconds: 1, seed: 4 }, 1000],
    ['429 without Retry-After (ARM)', 'arm', { throttleRate: 0.2, seed: 4 }, undefined],
  ])('survives %s: complete result, one sleep per throttled attempt, delays as hinted or bounded backoff', async (_what, source, faults, hintedMs) => {
    sandbox.setFaults(faults);
    const collected = await collect(sandbox, source, { maxAttempts: 12 });
    expect(collected.run.accounts.every((a) => a.ok)).toBe(true);
    expect(collected.run.coverage.every((s) => s.outcome.status === 'ok')).toBe(true);
    expect(keys(collected.resources)).toEqual(keys(baseline.resources));
    const throttled = count(collected.calls, / (TooManyRequests|RateLimiting)$/);
    expect(throttled).toBeGreaterThan(0);
    // every attempt is counted: what the sandbox saw is what the recorder saw
    expect([...collected.calls.values()].reduce((a, b) => a + b, 0)).toBe(sandbox.calls().total);
    expect(collected.sleeps).toHaveLength(throttled);
    if (hintedMs !== undefined) expect(new Set(collected.sleeps)).toEqual(new Set([hintedMs]));
    else {
      // full-jitter exponential backoff: 0 ≤ delay ≤ min(30 s, 200 ms × 2^attempt)
      expect(collected.sleeps.every((ms) => ms >= 0 && ms <= 30_000)).toBe(true);
      expect(new Set(collected.sleeps).size).toBeGreaterThan(1);
    }
    expect(failsOf(assessRun(collected))).toEqual(failsOf(assessRun(baseline)));
    expect(sandbox.writeOperations()).toEqual([]);
  });

  it('retries 5xx and truncated bodies to the same result as the fault-free run', async () => {
    sandbox.setFaults({ serverErrorRate: 0.15, truncatedPageRate: 0.15, seed: 5 });
    const collected = await collect(sandbox, 'resourceGraph', { maxAttempts: 12 });
    expect(collected.run.accounts.every((a) => a.ok)).toBe(true);
    expect(count(collected.calls, / (InternalServerError|ServiceUnavailable)$/)).toBeGreaterThan(0);
    expect(count(collected.calls, / DeserializationError$/)).toBeGreaterThan(0);
    expect(keys(collected.resources)).toEqual(keys(baseline.resources));
    expect(collected.sleeps.length).toBe(count(collected.calls, / (InternalServerError|ServiceUnavailable|DeserializationError)$/));
    expect(failsOf(assessRun(collected))).toEqual(failsOf(assessRun(baseline)));
  });

  it.each<['resourceGraph' | 'arm']>([['resourceGraph'], ['arm']])('access denied for one subscription (%s): only it is unknown, no false fail from it', async (source) => {
    const [allowed = '', denied = ''] = sandbox.azure.subscriptions;
    sandbox.setFaults({ accessDeniedAccounts: [denied] });
    const collected = await collect(sandbox, source);
    const { run, resources, calls } = collected;
    expect(run.accounts.find((a) => a.account === allowed)?.ok).toBe(true);
    expect(run.accounts.find((a) => a.account === denied)).toMatchObject({ ok: false, error: expect.stringContaining('AuthorizationFailed') as unknown });
    expect(run.coverage.find((c) => c.account === denied)?.outcome.status).toBe('failed');
    expect(run.coverage.find((c) => c.account === allowed)?.outcome.status).toBe('ok');
    expect(resources.some((r) => r.account === denied)).toBe(false);
    expect(keys(resources)).toEqual(keys(baseline.resources.filter((r) => r.account === allowed)));
    // a permission error is not retried
    expect(collected.sleeps).toEqual([]);
    expect(count(calls, / AuthorizationFailed$/)).toBeGreaterThan(0);

    const assessment = assessRun(collected);
    const fromDenied = assessment.findings.filter((f) => f.account === denied);
    expect(fromDenied.length).toBeGreaterThan(0);
    expect(fromDenied.filter((f) => f.status === 'fail')).toEqual([]);
    expect(fromDenied.every((f) => f.status === 'unknown')).toBe(true);
    // the allowed subscription is judged exactly as without faults
    expect(failsOf(assessment)).toEqual(failsOf(assessRun(baseline)).filter((k) => !k.includes(denied)));
    // account-level (exists) controls of the denied subscription are unknown, not 'nothing found'
    const existsIds = new Set(AZURE_CONTROLS.filter((c) => c.kind === 'exists').map((c) => c.id));
    expect(fromDenied.filter((f) => existsIds.has(f.control)).every((f) => f.status === 'unknown')).toBe(true);
    expect(fromDenied.some((f) => existsIds.has(f.control))).toBe(true);
  });

  it('malformed items become unknown findings, never fails, and do not fail the scan', async () => {
    sandbox.setFaults({ malformedRate: 0.1, seed: 9 });
    for (const source of ['resourceGraph', 'arm'] as const) {
      const collected = await collect(sandbox, source);
      expect(collected.run.accounts.every((a) => a.ok)).toBe(true);
      const malformed = collected.resources.filter((r) => r.malformed !== undefined);
      expect(malformed.length).toBeGreaterThan(0);
      expect(malformed.length).toBeLessThan(collected.resources.length / 4);
      expect(malformed[0]?.malformed).toMatch(/properties is a string, expected an object/);
      const ids = new Set(malformed.map((r) => r.id.toLowerCase()));
      const findings = assessRun(collected).findings.filter((f) => ids.has(f.resourceId.toLowerCase()));
      expect(findings.length).toBeGreaterThan(0);
      expect(findings.every((f) => f.status === 'unknown')).toBe(true);
    }
  });

  it('truncated pages every time: bounded attempts, every subscription failed and unknown, no crash, no fail', async () => {
    sandbox.setFaults({ truncatedPageRate: 1 });
    const collected = await collect(sandbox, 'resourceGraph', { maxAttempts: 3 });
    expect(collected.run.coverage.every((s) => s.outcome.status === 'failed')).toBe(true);
    expect(collected.run.coverage[0]?.outcome).toMatchObject({ error: expect.stringContaining('DeserializationError') as unknown });
    // each call is tried 3 times (2 sleeps) and never succeeds
    const attempts = count(collected.calls, /./);
    expect(count(collected.calls, / 200$/)).toBe(0);
    expect(collected.sleeps).toHaveLength((attempts / 3) * 2);
    expect(count(collected.calls, /^ListResourceGraphResources DeserializationError$/)).toBe(3);
    const assessment = assessRun(collected);
    expect(assessment.findings.filter((f) => f.status === 'fail')).toEqual([]);
    expect(assessment.findings.length).toBeGreaterThan(0);
  });
});
