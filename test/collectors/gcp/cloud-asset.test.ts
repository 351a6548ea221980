/** The GCP collector against the sandbox's Cloud Asset gRPC server, through the real @google-cloud/asset client. */
import { GcpAssetCollector, listingPlan } from '../../../collectors/gcp/cloud-asset.js';
import { loopbackAssetClient } from '../../../collectors/gcp/sandbox-client.js';
import type { CollectContext } from '../../../collectors/types.js';
import { gcpCollectorSchema } from '../../../collectors/gcp/config.js';
import type { Resource } from '../../../src/model/resource.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';

const FIREWALL = 'compute.googleapis.com/Firewall';
const BUCKET = 'storage.googleapis.com/Bucket';
const PROJECT_POLICY = 'cloudresourcemanager.googleapis.com/Project#iamPolicy';
const TYPES = new Set([FIREWALL, BUCKET, 'sqladmin.googleapis.com/Instance', PROJECT_POLICY, 'AWS::S3::Bucket']);

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ gcp: { seed: 3, resources: 3200 }, aws: { resources: 10 } });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.setFaults({});
  sandbox.resetCalls();
});

function run(scopes: string[], extra: Record<string, unknown> = {}) {
  const config = gcpCollectorSchema.parse({ scopes, requestsPerMinute: 600_000, ...extra });
  const sleeps: number[] = [];
  const collector = new GcpAssetCollector(config, loopbackAssetClient(sandbox.gcp), (ms) => {
    sleeps.push(ms);
    return Promise.resolve();
  });
  const resources: Resource[] = [];
  const calls: string[] = [];
  const warnings: unknown[] = [];
  const context: CollectContext = {
    types: TYPES,
    onResource: (r) => resources.push(r),
    recorder: { apiCall: (provider, operation, code) => calls.push(`${provider} ${operation} ${code}`), clockSample: () => undefined },
    logger: { info: () => undefined, debug: () => undefined, warn: (fields) => warnings.push(fields) },
    signal: new AbortController().signal,
    now: () => new Date('2026-11-01T00:00:00Z'),
  };
  return { promise: collector.collect(context), resources, calls, sleeps, warnings };
}

describe('listingPlan', () => {
  it('asks for the RESOURCE and IAM_POLICY content types only for the asset types controls declare', () => {
    expect(Object.fromEntries(listingPlan(TYPES))).toEqual({
      RESOURCE: [FIREWALL, 'sqladmin.googleapis.com/Instance', BUCKET],
      IAM_POLICY: ['cloudresourcemanager.googleapis.com/Project'],
    });
  });
});

describe('GcpAssetCollector', () => {
  it('collects a project in pages of 1,000, converts Struct data to JSON and attributes assets to the project id', async () => {
    const project = sandbox.gcp.projects[0]!;
    const r = run([`projects/${project}`]);
    const outcome = await r.promise;
    const expected = sandbox.gcp.expectedCount(`projects/${project}`, [FIREWALL, BUCKET, 'sqladmin.googleapis.com/Instance']);
    expect(r.resources.filter((x) => !x.type.endsWith('#iamPolicy'))).toHaveLength(expected);
    expect(r.resources.filter((x) => x.type === PROJECT_POLICY)).toHaveLength(1);
    expect(new Set(r.resources.map((x) => x.account))).toEqual(new Set([project]));
    expect(r.resources.every((x) => x.malformed === undefined)).toBe(true);
    const firewall = r.resources.find((x) => x.type === FIREWALL)!;
    expect(typeof firewall.configuration.direction).toBe('string');
    expect(Array.isArray(firewall.configuration.allowed)).toBe(true);
    expect(firewall.configuration).not.toHaveProperty('fields');
    const bucket = r.resources.find((x) => x.type === BUCKET)!;
    expect(bucket.region).toMatch(/^[a-z0-9-]+$/);
    expect(outcome.accounts.map((a) => [a.account, a.ok, a.resources])).toEqual([[project, true, r.resources.length]]);
    expect(outcome.coverage.map((c) => [c.provider, c.account, c.outcome.status])).toEqual([['gcp', project, 'ok']]);
    // One page per content type: RESOURCE (< 1,000 assets here) and IAM_POLICY.
    expect(r.calls).toEqual(['gcp ListAssets 200', 'gcp ListAssets 200']);
    expect(sandbox.writeOperations()).toEqual([]);
  });

  it('collects an organization: one coverage scope per project plus the organization itself', async () => {
    const r = run([sandbox.gcp.organization]);
    const outcome = await r.promise;
    const expected = sandbox.gcp.expectedCount(sandbox.gcp.organization, [FIREWALL, BUCKET, 'sqladmin.googleapis.com/Instance']);
    expect(r.resources.filter((x) => !x.type.endsWith('#iamPolicy'))).toHaveLength(expected);
    expect(expected).toBeGreaterThan(1000);
    expect(r.calls.length).toBe(Math.ceil(expected / 1000) + 1);
    // Buckets name no project: they are attributed by project number (their ancestors), the rest by id.
    expect(outcome.coverage.map((c) => c.account)).toContain(sandbox.gcp.organization);
    expect(outcome.coverage.map((c) => c.account)).toEqual(expect.arrayContaining([...sandbox.gcp.projects]));
  });

  it('backs off on RESOURCE_EXHAUSTED and server errors, counting every attempt, and still collects everything', async () => {
    sandbox.setFaults({ throttleRate: 0.4, serverErrorRate: 0.1, seed: 11 });
    const project = sandbox.gcp.projects[1]!;
    const r = run([`projects/${project}`], { maxAttempts: 20 });
    const outcome = await r.promise;
    expect(outcome.accounts[0]?.ok).toBe(true);
    expect(r.calls.filter((c) => c.endsWith('RESOURCE_EXHAUSTED')).length).toBeGreaterThan(0);
    expect(r.calls.length).toBe(sandbox.calls().total);
    const quotaSleeps = r.calls.filter((c) => !c.endsWith(' 200')).length;
    expect(r.sleeps).toHaveLength(quotaSleeps);
    expect(r.resources.filter((x) => !x.type.endsWith('#iamPolicy'))).toHaveLength(sandbox.gcp.expectedCount(`projects/${project}`, [FIREWALL, BUCKET, 'sqladmin.googleapis.com/Instance']));
  });

  it('reports a denied scope as failed (never a crash, never a fail verdict) and keeps the other scopes', async () => {
    const [ok, denied] = sandbox.gcp.projects;
    sandbox.setFaults({ accessDeniedAccounts: [denied!] });
    const r = run([`projects/${ok}`, `projects/${denied}`]);
    const outcome = await r.promise;
    expect(outcome.accounts.find((a) => a.account === denied)?.ok).toBe(false);
    expect(outcome.accounts.find((a) => a.account === denied)?.error).toContain('PERMISSION_DENIED');
    expect(outcome.accounts.find((a) => a.account === ok)).toMatchObject({ ok: true });
    expect(outcome.coverage.find((c) => c.account === denied)?.outcome.status).toBe('failed');
    expect(r.calls.filter((c) => c.endsWith('PERMISSION_DENIED'))).toHaveLength(2); // not retried: one per content type
  });

  it('turns assets served without data into malformed resources (unknown verdicts), not a failed scan', async () => {
    sandbox.setFaults({ malformedRate: 0.1 });
    const r = run([`projects/${sandbox.gcp.projects[0]}`]);
    const outcome = await r.promise;
    expect(outcome.accounts[0]?.ok).toBe(true);
    const broken = r.resources.filter((x) => x.malformed !== undefined);
    expect(broken.length).toBeGreaterThan(0);
    expect(broken[0]?.malformed).toBe('resource.data is missing');
  });

  it('treats a cut-off stream as retryable', async () => {
    sandbox.setFaults({ truncatedPageRate: 0.5, seed: 5 });
    const r = run([`projects/${sandbox.gcp.projects[2]}`], { maxAttempts: 20 });
    const outcome = await r.promise;
    expect(outcome.accounts[0]?.ok).toBe(true);
    expect(r.calls.some((c) => c.endsWith('INTERNAL'))).toBe(true);
  });
});
