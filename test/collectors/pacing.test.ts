/**
 * Client pacing (#19): `requestsPerSecondPerAccount` (AWS) and `requestsPerMinute` (GCP) hold, shown on a
 * virtual clock, never by timing. The pacer waits through src/util/delay.js, replaced here by a clock that
 * jumps ahead by the wait, and reads `performance.now()`, which reads that clock; the sandbox's rate limiter
 * reads the same clock. Calls are serialized (concurrency 1), so the clock is exact: a call's timestamp is
 * the time the pacer let it go. Real SDK clients against the in-process sandbox, as everywhere else.
 *
 * Each test checks the token bucket's promise over every window (calls in [t1, t2] ≤ burst + rate × (t2 − t1)),
 * that the scan took no longer than pacing requires, and, against a sandbox limiting at the same rate, that
 * no call was refused; then that without pacing the same sandbox refuses calls (so the limit is real).
 */
import { jest } from '@jest/globals';
import { performance as perfHooksPerformance } from 'node:perf_hooks';

const clock = { now: 0 };
jest.unstable_mockModule('../../src/util/delay.js', () => ({
  delay: (ms: number, signal: AbortSignal): Promise<void> => {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    clock.now += ms;
    return Promise.resolve();
  },
}));

const { AwsConfigCollector } = await import('../../collectors/aws/config-service.js');
const { awsCollectorSchema } = await import('../../collectors/aws/config.js');
const { GcpAssetCollector } = await import('../../collectors/gcp/cloud-asset.js');
const { gcpCollectorSchema } = await import('../../collectors/gcp/config.js');
const { loopbackAssetClient } = await import('../../collectors/gcp/sandbox-client.js');
const { sandboxAwsClients } = await import('../../collectors/aws/sandbox-clients.js');
const { Evaluation } = await import('../../src/evaluate/evaluate.js');
const { startSandbox } = await import('../../src/sandbox/server.js');
const { bundledMappings, NOW } = await import('../support/evaluate.js');
type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
type Collector = InstanceType<typeof AwsConfigCollector> | InstanceType<typeof GcpAssetCollector>;

const typesOf = (provider: string): Set<string> => Evaluation.typesNeeded(bundledMappings().controls.filter((c) => c.provider === provider));
const silent = { info: () => undefined, warn: () => undefined, debug: () => undefined };

interface Call {
  readonly at: number;
  readonly code: string;
}

/** Runs one collection, stamping every attempt with the virtual clock. Backoff sleeps advance it too. */
async function collect(collector: Collector, types: Set<string>): Promise<Call[]> {
  const calls: Call[] = [];
  await collector.collect({
    types,
    onResource: () => undefined,
    recorder: { apiCall: (_provider, _operation, code) => calls.push({ at: clock.now, code }), clockSample: () => undefined },
    logger: silent,
    signal: new AbortController().signal,
    now: () => NOW,
  });
  return calls;
}

const backoff = (ms: number): Promise<void> => {
  clock.now += ms;
  return Promise.resolve();
};

/** The token bucket's promise: no window holds more than burst + rate × its length. Returns the worst excess. */
function worstExcess(calls: readonly Call[], ratePerSecond: number, burst: number): number {
  const at = calls.map((c) => c.at).sort((a, b) => a - b);
  let worst = -Infinity;
  for (let i = 0; i < at.length; i++)
    for (let j = i; j < at.length; j++) worst = Math.max(worst, j - i + 1 - (burst + (ratePerSecond * (at[j]! - at[i]!)) / 1000));
  return worst;
}

/** Security Hub's InvalidAccessException is its answer for a region not subscribed (a finding), not a refusal. */
const NOT_SUBSCRIBED = 'InvalidAccessException';
const refused = (sandbox: Sandbox): number => sandbox.calls().list.filter((c) => c.status !== 200 && c.error !== NOT_SUBSCRIBED).length;

describe('client pacing on a virtual clock', () => {
  beforeEach(() => {
    clock.now = 0;
    for (const p of new Set([globalThis.performance, perfHooksPerformance])) jest.spyOn(p, 'now').mockImplementation(() => clock.now);
  });
  afterEach(() => jest.restoreAllMocks());

  describe('AWS requestsPerSecondPerAccount', () => {
    const RATE = 2;
    let sandbox: Sandbox;
    beforeAll(async () => {
      sandbox = await startSandbox({ aws: { resources: 600, seed: 3, accounts: ['111111111111'] } });
    });
    afterAll(async () => sandbox.close());
    beforeEach(() => sandbox.resetCalls());

    const collector = (config: Record<string, unknown>): Collector =>
      new AwsConfigCollector(awsCollectorSchema.parse({ accounts: [{ id: '111111111111' }], concurrencyPerAccount: 1, maxAttempts: 8, ...config }), sandboxAwsClients(sandbox.aws), backoff);

    it('never lets more than burst + rate × window calls through, and waits no longer than that needs', async () => {
      // The sandbox limits at the same rate and burst (one second's worth): paced calls are never refused.
      sandbox.setFaults({ ratePerSecond: RATE });
      const calls = await collect(collector({ requestsPerSecondPerAccount: RATE }), typesOf('aws'));
      expect(calls.length).toBeGreaterThan(10);
      expect(calls.every((c) => c.code === '200' || c.code === NOT_SUBSCRIBED)).toBe(true);
      expect(refused(sandbox)).toBe(0);
      expect(worstExcess(calls, RATE, RATE)).toBeLessThanOrEqual(1e-9);
      // A full bucket lets the first `burst` calls go at once; every later one waits 1 / rate (to the ms).
      const last = Math.max(...calls.map((c) => c.at));
      expect(last).toBeGreaterThanOrEqual(((calls.length - RATE) / RATE) * 1000);
      expect(last).toBeLessThanOrEqual(((calls.length - RATE) / RATE) * 1000 + calls.length);
    });

    it('without pacing, the same sandbox limit refuses calls (the limit is the sandbox’s, not the client’s)', async () => {
      sandbox.setFaults({ ratePerSecond: RATE });
      const calls = await collect(collector({}), typesOf('aws'));
      expect(refused(sandbox)).toBeGreaterThan(0);
      // AWS Config and Inspector answer ThrottlingException, IAM (the identity types) Throttling, EC2
      // RequestLimitExceeded, Security Hub LimitExceededException, Lambda TooManyRequestsException.
      const throttled = new Set(['ThrottlingException', 'Throttling', 'RequestLimitExceeded', 'LimitExceededException', 'TooManyRequestsException']);
      expect(calls.filter((c) => throttled.has(c.code)).length).toBe(refused(sandbox));
      expect(worstExcess(calls, RATE, RATE)).toBeGreaterThan(0);
    });
  });

  describe('GCP requestsPerMinute', () => {
    const PER_MINUTE = 30;
    let sandbox: Sandbox;
    beforeAll(async () => {
      sandbox = await startSandbox({ aws: { resources: 10 }, gcp: { resources: 12_000, seed: 3 } });
    });
    afterAll(async () => sandbox.close());
    beforeEach(() => sandbox.resetCalls());

    const collector = (config: Record<string, unknown>): Collector =>
      new GcpAssetCollector(gcpCollectorSchema.parse({ scopes: sandbox.gcp.projects.map((p) => `projects/${p}`), concurrency: 1, maxAttempts: 8, ...config }), loopbackAssetClient(sandbox.gcp), backoff);

    it('paces every project through one bucket (the quota is the consumer project’s), at the configured rate', async () => {
      // The documented shape (asset-inventory/docs/quota): one per-minute quota for every project listed.
      sandbox.setFaults({ ratePerSecond: PER_MINUTE / 60, rateBurst: 1 });
      const calls = await collect(collector({ requestsPerMinute: PER_MINUTE }), typesOf('gcp'));
      expect(calls.length).toBeGreaterThan(10);
      expect(refused(sandbox)).toBe(0);
      expect(worstExcess(calls, PER_MINUTE / 60, 1)).toBeLessThanOrEqual(1e-9);
      const last = Math.max(...calls.map((c) => c.at));
      expect(last).toBeGreaterThanOrEqual((calls.length - 1) * 2000);
      expect(last).toBeLessThanOrEqual((calls.length - 1) * 2000 + calls.length);
    });

    it('without pacing, the sandbox’s consumer-project limit refuses calls', async () => {
      sandbox.setFaults({ ratePerSecond: PER_MINUTE / 60, rateBurst: 1 });
      const calls = await collect(collector({ requestsPerMinute: 600_000 }), typesOf('gcp'));
      expect(refused(sandbox)).toBeGreaterThan(0);
      expect(calls.filter((c) => c.code !== '200').length).toBe(refused(sandbox));
    });
  });
});
