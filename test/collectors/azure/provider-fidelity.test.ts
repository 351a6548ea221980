/**
 * Issue #19: the Azure collector against a sandbox that behaves as Azure documents it, with the real
 * @azure/arm-resources and @azure/arm-resourcegraph clients over HTTPS.
 * - Resource Graph quota (guidance-for-throttled-requests): every query response carries
 *   x-ms-user-quota-remaining / x-ms-user-quota-resets-after (hh:mm:ss); a query over quota is a 429 with
 *   those headers and no Retry-After. The sandbox's quota windows run on a clock the collector's injected
 *   sleep advances: no wall clock.
 * - Subscriptions - List pages by nextLink; subscriptions are Enabled, Warned, PastDue, Disabled or Deleted.
 * - Resource Graph reads the request as Resource Graph does (project, limit/take, $top/$skip/$skipToken,
 *   resultFormat) and leaves out rows the caller may not read, without an error.
 */
import type { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { azureClients } from '../../../collectors/azure/clients.js';
import { azureCollectorSchema } from '../../../collectors/azure/config.js';
import { StaticTokenCredential } from '../../../collectors/azure/credential.js';
import { AzureResourceCollector } from '../../../collectors/azure/resource-manager.js';
import type { CollectorRun } from '../../../collectors/types.js';
import { coverageState, type Resource } from '../../../src/model/resource.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import type { AzureEstateOptions } from '../../../src/sandbox/azure.js';

const NOW = new Date('2026-11-01T00:00:00Z');
const DISKS = 'Microsoft.Compute/disks';
const VAULTS = 'Microsoft.KeyVault/vaults';
const SUBS = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333', '44444444-4444-4444-8444-444444444444', '55555555-5555-4555-8555-555555555555'] as const;
const [A, B, C, D, E] = SUBS;

interface Collected {
  run: CollectorRun;
  resources: Resource[];
  calls: string[];
  sleeps: number[];
}

/** A sandbox whose quota clock the collector's sleeps advance. */
async function sandboxWithClock(azure: AzureEstateOptions): Promise<{ sandbox: Sandbox; clock: { now: number } }> {
  const clock = { now: 0 };
  const sandbox = await startSandbox({ azure: { ...azure, clock: () => clock.now } });
  return { sandbox, clock };
}

async function collect(sandbox: Sandbox, options: { subscriptions?: readonly string[]; source?: 'resourceGraph' | 'arm'; types: readonly string[]; clock?: { now: number } }): Promise<Collected> {
  const config = azureCollectorSchema.parse({ subscriptions: [...(options.subscriptions ?? [])], source: options.source ?? 'resourceGraph', endpoint: sandbox.azure.endpoint, maxAttempts: 3 });
  const clients = azureClients({ credential: new StaticTokenCredential(sandbox.azure.token), endpoint: sandbox.azure.endpoint, ca: sandbox.azure.ca });
  const sleeps: number[] = [];
  const calls: string[] = [];
  const resources: Resource[] = [];
  const collector = new AzureResourceCollector(config, clients, (ms) => {
    sleeps.push(ms);
    if (options.clock) options.clock.now += ms;
    return Promise.resolve();
  });
  const run = await collector.collect({
    types: new Set(options.types),
    onResource: (r) => resources.push(r),
    recorder: { apiCall: (_p, operation, code) => calls.push(`${operation} ${code}`), clockSample: () => undefined },
    logger: { info: () => undefined, warn: () => undefined, debug: () => undefined },
    signal: new AbortController().signal,
    now: () => NOW,
  });
  return { run, resources, calls, sleeps };
}

function graphClient(sandbox: Sandbox): ResourceGraphClient {
  return azureClients({ credential: new StaticTokenCredential(sandbox.azure.token), endpoint: sandbox.azure.endpoint, ca: sandbox.azure.ca }).resourceGraph();
}

/** One raw Resource Graph query; the response headers come back too. */
async function query(sandbox: Sandbox, body: { query: string; subscriptions?: readonly string[]; options?: Record<string, unknown> }) {
  let headers: Record<string, string | undefined> = {};
  const result = await graphClient(sandbox).resources(
    { subscriptions: [...(body.subscriptions ?? sandbox.azure.subscriptions)], query: body.query, ...(body.options ? { options: body.options } : {}) },
    {
      onResponse: (r) => {
        headers = { remaining: r.headers.get('x-ms-user-quota-remaining'), resetsAfter: r.headers.get('x-ms-user-quota-resets-after'), retryAfter: r.headers.get('retry-after') };
      },
    },
  );
  return { result, headers: () => headers };
}

const DISKS_BY_ID = "resources | where type in~ ('microsoft.compute/disks') | project id | order by id asc";
const count = (calls: readonly string[], entry: string): number => calls.filter((c) => c === entry).length;

describe('Resource Graph quota', () => {
  it("draws on its own quota only, not on ARM's per-subscription read bucket (whose 429 carries Retry-After)", async () => {
    const sandbox = await startSandbox({ azure: { resources: 200 } });
    try {
      // ARM: one read per subscription, then throttled for a long while (25 a second into 250 in Azure; 1 here).
      sandbox.setFaults({ ratePerSecond: 0.001, rateBurst: 1 });
      for (let i = 0; i < 4; i++) await expect(query(sandbox, { query: DISKS_BY_ID })).resolves.toBeDefined();
      const arm = azureClients({ credential: new StaticTokenCredential(sandbox.azure.token), endpoint: sandbox.azure.endpoint, ca: sandbox.azure.ca }).resources(sandbox.azure.subscriptions[0]!);
      await expect(arm.resources.list().byPage().next()).resolves.toBeDefined();
      const refused = await arm.resources.list().byPage().next().then(
        () => undefined,
        (e: unknown) => e as { statusCode?: number; response?: { headers: { get(name: string): string | undefined } } },
      );
      expect(refused?.statusCode).toBe(429);
      // ARM says when its bucket holds a token again: about 1,000 s at 0.001 a second.
      expect(Number(refused?.response?.headers.get('retry-after'))).toBeGreaterThanOrEqual(999);
    } finally {
      await sandbox.close();
    }
  });

  it('a scan under quota exhaustion waits for x-ms-user-quota-resets-after, then completes', async () => {
    const { sandbox, clock } = await sandboxWithClock({ resources: 300, graphQuota: { queries: 3, windowSeconds: 5 } });
    try {
      // Another tool under the same identity spends the quota at t = 0.
      const spent = await query(sandbox, { query: "resources | where type in~ ('microsoft.compute/disks') | project id" });
      expect(spent.headers()).toEqual({ remaining: '2', resetsAfter: '00:00:05', retryAfter: undefined });
      await query(sandbox, { query: 'resources | project id' });
      await query(sandbox, { query: 'resources | project id' });
      // The throttled answer: 429, quota headers, and no Retry-After (none is documented for Resource Graph).
      let throttled: { statusCode?: number; response?: { headers: { get(n: string): string | undefined } } } = {};
      await graphClient(sandbox)
        .resources({ subscriptions: [...sandbox.azure.subscriptions], query: 'resources | project id' })
        .catch((e: unknown) => (throttled = e as typeof throttled));
      expect(throttled.statusCode).toBe(429);
      expect(throttled.response?.headers.get('x-ms-user-quota-remaining')).toBe('0');
      expect(throttled.response?.headers.get('x-ms-user-quota-resets-after')).toBe('00:00:05');
      expect(throttled.response?.headers.get('retry-after')).toBeUndefined();

      clock.now = 1200; // 3.8 s left in the window: the header rounds up to 00:00:04
      sandbox.resetCalls();
      const { run, resources, calls, sleeps } = await collect(sandbox, { subscriptions: sandbox.azure.subscriptions, types: [DISKS], clock });
      expect(count(calls, 'ListResourceGraphResources RateLimiting')).toBe(1);
      expect(sleeps).toEqual([4000]);
      expect(run.coverage.every((s) => s.outcome.status === 'ok' && coverageState(s) === 'covered')).toBe(true);
      expect(resources.filter((r) => r.type === DISKS)).toHaveLength(sandbox.azure.estate.count({ types: [DISKS] }));
    } finally {
      await sandbox.close();
    }
  });

  it('paces itself when x-ms-user-quota-remaining reaches 0: waits for the reset before the next page, never throttled', async () => {
    const { sandbox, clock } = await sandboxWithClock({ resources: 9000, graphQuota: { queries: 2, windowSeconds: 60 } });
    try {
      const disks = sandbox.azure.estate.count({ types: [DISKS] });
      const pages = Math.ceil(disks / 1000);
      expect(pages).toBeGreaterThanOrEqual(3);
      const { run, resources, calls, sleeps } = await collect(sandbox, { subscriptions: sandbox.azure.subscriptions, types: [DISKS], clock });
      expect(count(calls, 'ListResourceGraphResources RateLimiting')).toBe(0);
      expect(count(calls, 'ListResourceGraphResources 200')).toBe(pages);
      // a wait after every second page (the quota is 2 per window), each the full minute the header gave
      expect(sleeps).toEqual(Array.from({ length: Math.floor((pages - 1) / 2) }, () => 60_000));
      expect(run.accounts.every((a) => a.ok)).toBe(true);
      expect(resources).toHaveLength(disks);
    } finally {
      await sandbox.close();
    }
  });
});

describe('subscription discovery', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    // Two subscriptions a page: A B | C D | E
    sandbox = await startSandbox({ azure: { resources: 400, subscriptions: SUBS, subscriptionsPageSize: 2, subscriptionStates: { [B]: 'Disabled', [C]: 'PastDue', [D]: 'Deleted', [E]: 'Warned' } } });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.resetCalls());

  it.each<['resourceGraph' | 'arm']>([['resourceGraph'], ['arm']])('follows nextLink to every page and collects Enabled, PastDue and Warned ones, never Disabled or Deleted (%s)', async (source) => {
    const { run, resources, calls } = await collect(sandbox, { source, types: [DISKS] });
    expect(count(calls, 'ListSubscriptions 200')).toBe(3);
    expect(run.coverage.map((s) => s.account).sort()).toEqual([A, C, E]);
    expect(run.accounts.every((a) => a.ok)).toBe(true);
    for (const s of [A, C, E]) expect(resources.filter((r) => r.account === s)).toHaveLength(sandbox.azure.estate.count({ subscriptions: [s], types: [DISKS] }));
    expect(resources.some((r) => r.account === B || r.account === D)).toBe(false);
    // nothing was asked of the skipped subscriptions
    expect(sandbox.calls().list.filter((c) => c.account === B || c.account === D)).toEqual([]);
  });

  it('checks configured subscriptions against every page: one on the last page is visible, a Deleted one is a failed scope', async () => {
    const { run } = await collect(sandbox, { subscriptions: [A, B, D, E], types: [DISKS] });
    const outcome = (s: string) => run.coverage.find((c) => c.account === s)?.outcome;
    expect(outcome(A)?.status).toBe('ok');
    expect(outcome(E)?.status).toBe('ok');
    // Disabled still allows GETs (subscription-states): listed explicitly, it is collected.
    expect(outcome(B)?.status).toBe('ok');
    const deleted = outcome(D);
    expect(deleted?.status).toBe('failed');
    expect(deleted?.status === 'failed' && deleted.error).toMatch(/Deleted/);
    expect(deleted?.status === 'failed' && deleted.error).toMatch(/削除済み/);
  });

  it('a subscription the credential cannot see is still a failed scope when the list is paged', async () => {
    const paged = await startSandbox({ azure: { resources: 200, subscriptions: SUBS, subscriptionsPageSize: 2, hiddenSubscriptions: [C] } });
    try {
      const { run, calls } = await collect(paged, { subscriptions: [A, C, E], types: [DISKS] });
      expect(count(calls, 'ListSubscriptions 200')).toBe(2); // A B | D E
      const hidden = run.coverage.find((c) => c.account === C)!;
      expect(hidden.outcome).toMatchObject({ status: 'failed', error: expect.stringContaining(`subscription ${C} is not visible to the credential`) as unknown });
      expect(run.coverage.find((c) => c.account === E)?.outcome.status).toBe('ok');
      // refused before any call: the visibility check decided, not a 403 later
      expect(paged.calls().list.filter((c) => c.account === C)).toEqual([]);
    } finally {
      await paged.close();
    }
  });
});

describe('Resource Graph reads the request as Resource Graph does', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ azure: { resources: 400, unreadableTypes: [VAULTS] } });
  });
  afterAll(() => sandbox.close());

  const DISK_QUERY = "resources | where type in~ ('microsoft.compute/disks') | project id, name | order by id asc";

  it('honours project, $top, $skip and $skipToken', async () => {
    const disks = sandbox.azure.estate.count({ types: [DISKS] });
    const first = (await query(sandbox, { query: DISK_QUERY, options: { top: 10 } })).result;
    expect(first.totalRecords).toBe(disks);
    expect(first.count).toBe(10);
    expect(first.resultTruncated).toBe('false');
    expect(typeof first.skipToken).toBe('string');
    const rows = first.data as Record<string, unknown>[];
    expect(rows.every((r) => Object.keys(r).join(',') === 'id,name')).toBe(true);
    const skipped = (await query(sandbox, { query: DISK_QUERY, options: { top: 5, skip: 5 } })).result.data as Record<string, unknown>[];
    expect(skipped.map((r) => r['id'])).toEqual(rows.slice(5).map((r) => r['id']));
    const next = (await query(sandbox, { query: DISK_QUERY, options: { top: 10, skipToken: first.skipToken } })).result.data as Record<string, unknown>[];
    expect(next.some((r) => rows.some((x) => x['id'] === r['id']))).toBe(false);
  });

  it('answers resultFormat table as columns and rows', async () => {
    const { result } = await query(sandbox, { query: DISK_QUERY, options: { top: 3, resultFormat: 'table' } });
    const data = result.data as { columns: { name: string; type: string }[]; rows: unknown[][] };
    expect(data.columns).toEqual([
      { name: 'id', type: 'string' },
      { name: 'name', type: 'string' },
    ]);
    expect(data.rows).toHaveLength(3);
    expect(data.rows.every((r) => r.length === 2 && typeof r[0] === 'string')).toBe(true);
  });

  it('cannot page a query with take or with only dynamic columns: resultTruncated, no $skipToken', async () => {
    const take = (await query(sandbox, { query: `${DISK_QUERY} | take 8`, options: { top: 5 } })).result;
    expect(take).toMatchObject({ totalRecords: 8, count: 5, resultTruncated: 'true' });
    expect(take.skipToken).toBeUndefined();
    const dynamic = (await query(sandbox, { query: "resources | where type in~ ('microsoft.compute/disks') | project properties, tags", options: { top: 5 } })).result;
    expect(dynamic.resultTruncated).toBe('true');
    expect(dynamic.skipToken).toBeUndefined();
    expect(dynamic.count).toBeLessThan(dynamic.totalRecords);
  });

  it('refuses what it cannot evaluate with a 400', async () => {
    await expect(query(sandbox, { query: 'resources | extend x = 1' })).rejects.toMatchObject({ statusCode: 400 });
    await expect(query(sandbox, { query: 'resources | project nosuchcolumn' })).rejects.toMatchObject({ statusCode: 400 });
  });

  it('leaves out rows of a type the role cannot read, without an error; ARM answers 403 for them', async () => {
    const { result } = await query(sandbox, { query: "resources | where type in~ ('microsoft.keyvault/vaults') | project id" });
    expect(result.totalRecords).toBe(0);
    const vaults = sandbox.azure.estate.count({ types: [VAULTS] });
    expect(vaults).toBeGreaterThan(0);
    // ARM: the same type is listed, but its GETs are refused — the collector's ARM path reports a gap.
    const arm = await collect(sandbox, { subscriptions: sandbox.azure.subscriptions, source: 'arm', types: [VAULTS, DISKS] });
    for (const scope of arm.run.coverage) {
      expect(coverageState(scope)).toBe('partial');
      expect(scope.gaps?.flatMap((g) => g.types)).toEqual([VAULTS]);
      expect(scope.gaps?.[0]?.reason.en).toMatch(/Microsoft\.KeyVault\/vaults\/read/);
    }
    // Resource Graph: the rows are simply absent, which no response distinguishes from "no vaults". The
    // collector reads the role assignments and definitions instead: no role grants vaults/read, so vaults are
    // a gap (unknown), never "no vaults here"; disks, which the role reads, stay covered.
    const graph = await collect(sandbox, { subscriptions: sandbox.azure.subscriptions, types: [VAULTS, DISKS] });
    expect(graph.resources.filter((r) => r.type === VAULTS)).toEqual([]);
    expect(graph.resources.filter((r) => r.type === DISKS).length).toBeGreaterThan(0);
    for (const scope of graph.run.coverage) {
      expect(coverageState(scope)).toBe('partial');
      expect(scope.types).toEqual([DISKS]);
      expect(scope.gaps?.map((g) => g.types)).toEqual([[VAULTS]]);
      expect(scope.gaps?.[0]?.reason.en).toMatch(/no role .* grants Microsoft\.KeyVault\/vaults\/read/);
      expect(scope.gaps?.[0]?.reason.ja).toContain('Microsoft.KeyVault/vaults/read');
    }
  });
});
