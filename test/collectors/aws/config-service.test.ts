/**
 * The AWS collector through the real @aws-sdk/client-config-service against the sandbox's AWS Config
 * protocol: paging, aggregator, BatchGet, throttling, server errors, access denied, malformed rows,
 * truncated pages. No SDK mocks.
 */
import { AwsConfigCollector } from '../../../collectors/aws/config-service.js';
import type { CollectorRun } from '../../../collectors/types.js';
import { IAM_IDENTITY_TYPES } from '../../../collectors/aws/identity.js';
import { CLOUDTRAIL_API_TYPES } from '../../../collectors/aws/identity-types.js';
import { MONITORING_TYPES } from '../../../collectors/aws/monitoring-types.js';
import { REGIONAL_DIRECT_TYPES } from '../../../collectors/aws/regional-types.js';
import { sandboxAwsClients } from '../../../collectors/aws/sandbox-clients.js';
import { awsCollectorSchema } from '../../../collectors/aws/config.js';
import { evaluate, Evaluation } from '../../../src/evaluate/evaluate.js';
import type { Finding } from '../../../src/evaluate/assessment.js';
import type { Resource } from '../../../src/model/resource.js';
import { expectedCount } from '../../../src/sandbox/estate/aws.js';
import { startSandbox, type Faults, type Sandbox } from '../../../src/sandbox/server.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

const RESOURCES = 800;
// The identity pseudo-types come from IAM, the trail status from CloudTrail, the CloudWatch types from
// CloudWatch Logs and CloudWatch and the regional pseudo-types from EC2, Inspector and Security Hub, not AWS
// Config: identity.test.ts, cloudtrail.test.ts, the monitoring and regional tests cover them.
const TYPES = [...Evaluation.typesNeeded(bundledMappings().controls.filter((c) => c.provider === 'aws'))].filter((t) => !IAM_IDENTITY_TYPES.has(t) && !CLOUDTRAIL_API_TYPES.has(t) && !MONITORING_TYPES.has(t) && !REGIONAL_DIRECT_TYPES.has(t));

interface Collected {
  resources: Resource[];
  run: CollectorRun;
  calls: Map<string, number>;
  sleeps: number[];
}

const silent = { info: () => undefined, warn: () => undefined, debug: () => undefined };

async function collect(sandbox: Sandbox, config: Record<string, unknown> = {}): Promise<Collected> {
  // No regions: every region the account's discovery reports (the estate's, by default).
  const collectorConfig = awsCollectorSchema.parse({
    accounts: sandbox.aws.accounts.map((id) => ({ id })),
    maxAttempts: 6,
    ...config,
  });
  const sleeps: number[] = [];
  const collector = new AwsConfigCollector(collectorConfig, sandboxAwsClients(sandbox.aws), (ms) => {
    sleeps.push(ms);
    return Promise.resolve();
  });
  const resources: Resource[] = [];
  const calls = new Map<string, number>();
  const run = await collector.collect({
    types: new Set(TYPES),
    onResource: (r) => resources.push(r),
    recorder: {
      apiCall: (_provider, operation, code) => calls.set(`${operation} ${code}`, (calls.get(`${operation} ${code}`) ?? 0) + 1),
      clockSample: () => undefined,
    },
    logger: silent,
    signal: new AbortController().signal,
    now: () => NOW,
  });
  return { resources, run, calls, sleeps };
}

const uniqueKeys = (resources: readonly Resource[]): Set<string> => new Set(resources.map((r) => `${r.account}|${r.region}|${r.type}|${r.id}`));
const count = (calls: Map<string, number>, prefix: string): number => [...calls].filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);

describe('AWS Config collector against the sandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: RESOURCES, seed: 7 } });
  });
  afterAll(async () => sandbox.close());
  beforeEach(() => {
    sandbox.setFaults({});
    sandbox.resetCalls();
  });
  // Every item of the needed types, and one configuration recorder per account × region.
  const recorders = (): number => sandbox.aws.accounts.length * sandbox.aws.regions.length;
  const expected = (): number => expectedCount(sandbox.aws.estate, { types: TYPES }) + recorders();

  it('pages through every resource of the needed types, once each, with read-only calls', async () => {
    const { resources, run, calls } = await collect(sandbox);
    expect(resources.length).toBe(expected());
    expect(uniqueKeys(resources).size).toBe(resources.length);
    expect(run.coverage.every((s) => s.outcome.status === 'ok')).toBe(true);
    expect(run.coverage).toHaveLength(sandbox.aws.accounts.length * sandbox.aws.regions.length);
    expect(run.accounts.map((a) => a.ok)).toEqual(sandbox.aws.accounts.map(() => true));
    expect(resources.filter((r) => r.malformed !== undefined)).toEqual([]);
    // S3 buckets come with their supplementary configuration in the Select row: no BatchGet.
    expect(count(calls, 'BatchGet')).toBe(0);
    const buckets = resources.filter((r) => r.type === 'AWS::S3::Bucket');
    expect(buckets.length).toBeGreaterThan(0);
    expect(buckets.every((b) => 'BucketPolicy' in b.supplementary && 'BucketVersioningConfiguration' in b.supplementary && b.withoutSupplementary === undefined)).toBe(true);
    expect(buckets.some((b) => 'ServerSideEncryptionConfiguration' in b.supplementary)).toBe(true);
    expect(sandbox.writeOperations()).toEqual([]);
    // only the types controls read were asked for
    expect(new Set(resources.map((r) => r.type)).size).toBeLessThanOrEqual(TYPES.length);
    expect(resources.every((r) => TYPES.includes(r.type))).toBe(true);
  });

  it('collects the same estate through an organization aggregator', async () => {
    const direct = await collect(sandbox);
    const { resources, run, calls } = await collect(sandbox, { accounts: [], aggregator: { name: sandbox.aws.aggregatorName, region: sandbox.aws.homeRegion } });
    // The same items; recorders are not visible through an aggregator, which every scope says.
    expect(uniqueKeys(resources)).toEqual(uniqueKeys(direct.resources.filter((r) => r.type !== 'AWS::Config::ConfigurationRecorder')));
    expect(run.coverage.every((s) => s.gaps?.[0]?.types.join() === 'AWS::Config::ConfigurationRecorder')).toBe(true);
    expect(new Set(run.coverage.map((s) => `${s.account}|${s.region}`))).toEqual(new Set(sandbox.aws.accounts.flatMap((a) => sandbox.aws.regions.map((r) => `${a}|${r}`))));
    expect(count(calls, 'SelectAggregateResourceConfig 200')).toBeGreaterThan(0);
    expect(count(calls, 'BatchGet')).toBe(0);
    expect(count(calls, 'SelectResourceConfig')).toBe(0);
    expect(new Set(run.coverage.map((s) => s.account))).toEqual(new Set(sandbox.aws.accounts));
    expect(run.coverage.every((s) => s.outcome.status === 'ok')).toBe(true);
  });

  // AWS sends no Retry-After with ThrottlingException (the sandbox ignores throttleRetryAfterSeconds for
  // AWS, as AWS would): the collector's own capped, jittered backoff carries the scan either way.
  it.each<[string, Faults]>([
    ['throttling (the Retry-After knob set)', { throttleRate: 0.3, throttleRetryAfterSeconds: 2 }],
    ['throttling', { throttleRate: 0.3 }],
  ])('survives %s on its own backoff, and counts every attempt', async (_what, faults) => {
    sandbox.setFaults({ ...faults, seed: 3 });
    const { resources, run, calls, sleeps } = await collect(sandbox, { maxAttempts: 12 });
    expect(resources.length).toBe(expected());
    expect(run.coverage.every((s) => s.outcome.status === 'ok')).toBe(true);
    // Every AWS call is throttled alike: Config (ThrottlingException) and the Account API (TooManyRequestsException).
    const throttled = [...calls].filter(([k]) => / (ThrottlingException|TooManyRequestsException)$/.test(k)).reduce((n, [, v]) => n + v, 0);
    expect(count(calls, 'SelectResourceConfig ThrottlingException')).toBeGreaterThan(0);
    expect(throttled).toBeGreaterThan(0);
    expect(sleeps).toHaveLength(throttled);
    // Full-jitter backoff (collectors/aws/retry.ts), never a server hint: no sleep is the knob's 2 s.
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(20_000);
    expect(sleeps.filter((ms) => ms === 2000)).toEqual([]);
    expect(new Set(sleeps).size).toBeGreaterThan(1);
  });

  it('retries server errors and truncated pages to a complete result', async () => {
    sandbox.setFaults({ serverErrorRate: 0.2, truncatedPageRate: 0.2, seed: 5 });
    const { resources, run, calls } = await collect(sandbox, { maxAttempts: 12 });
    expect(resources.length).toBe(expected());
    expect(run.coverage.every((s) => s.outcome.status === 'ok')).toBe(true);
    expect(count(calls, 'SelectResourceConfig DeserializationError')).toBeGreaterThan(0);
    expect([...calls.keys()].some((k) => /InternalFailure|ServiceUnavailable|InternalServerError/.test(k))).toBe(true);
  });

  it('marks only the denied account failed; the rest completes', async () => {
    const denied = sandbox.aws.accounts[1]!;
    sandbox.setFaults({ accessDeniedAccounts: [denied] });
    const { resources, run, calls } = await collect(sandbox, { regions: sandbox.aws.regions });
    const deniedScopes = run.coverage.filter((s) => s.account === denied);
    expect(deniedScopes.filter((s) => s.region !== 'global').map((s) => s.outcome.status)).toEqual(sandbox.aws.regions.map(() => 'failed'));
    // Discovery was denied too: the regions beyond the explicit list are said to be unknown, not silently skipped.
    expect(deniedScopes.find((s) => s.region === 'global')).toMatchObject({ types: [], gaps: [{ reason: { en: expect.stringContaining('account:ListRegions') as unknown } }] });
    expect(run.coverage.filter((s) => s.account !== denied).every((s) => s.outcome.status === 'ok' && s.gaps === undefined)).toBe(true);
    expect(run.accounts.find((a) => a.account === denied)).toMatchObject({ ok: false, error: expect.stringContaining('AccessDeniedException') as unknown });
    expect(resources.some((r) => r.account === denied)).toBe(false);
    expect(resources.length).toBe(expected() - expectedCount(sandbox.aws.estate, { types: TYPES, account: denied }) - sandbox.aws.regions.length);
    // a permission error is not retried: per region, one Select for every type, tried once
    expect(count(calls, 'SelectResourceConfig AccessDeniedException')).toBe(sandbox.aws.regions.length);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an account', {}, 'BatchGetResourceConfig 200'],
    ['an aggregator', { aggregator: { name: 'kansa-sandbox-org', region: 'ap-northeast-1' } }, 'BatchGetAggregateResourceConfig 200'],
  ])('fetches again with BatchGet the bucket rows that come without their supplementary configuration (through %s)', async (_what, config, batchGet) => {
    const direct = await collect(sandbox, config.aggregator ? { accounts: [], ...config } : config);
    sandbox.setFaults({ supplementaryOmittedRate: 0.5, seed: 4 });
    const { resources, run, calls } = await collect(sandbox, config.aggregator ? { accounts: [], ...config } : config);
    expect(run.coverage.every((s) => s.outcome.status === 'ok')).toBe(true);
    const buckets = resources.filter((r) => r.type === 'AWS::S3::Bucket');
    expect(buckets).toHaveLength(direct.resources.filter((r) => r.type === 'AWS::S3::Bucket').length);
    // Every bucket has its documents, read from the BatchGet item (JSON strings) where the row had none.
    expect(buckets.every((b) => 'BucketPolicy' in b.supplementary && b.withoutSupplementary === undefined)).toBe(true);
    const byId = new Map(direct.resources.map((r) => [`${r.account}|${r.id}`, r]));
    const sse = (r: Resource | undefined): unknown => (r?.supplementary.ServerSideEncryptionConfiguration as { rules?: { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }[] } | undefined)?.rules?.[0]?.applyServerSideEncryptionByDefault?.sseAlgorithm;
    for (const b of buckets) expect(sse(b)).toEqual(sse(byId.get(`${b.account}|${b.id}`)));
    // Up to 100 keys a call, in each scope: at least one call, fewer than the buckets.
    expect(count(calls, batchGet)).toBeGreaterThan(0);
    expect(count(calls, batchGet)).toBeLessThan(buckets.length / 2);
  });

  it('leaves a bucket\'s supplementary controls unknown when neither its row nor BatchGet has its documents (deleted since listed)', async () => {
    sandbox.setFaults({ supplementaryOmittedRate: 1, deletedSinceListedRate: 0.3, seed: 5 });
    const { resources, run } = await collect(sandbox);
    expect(run.coverage.every((s) => s.outcome.status === 'ok')).toBe(true);
    const buckets = resources.filter((r) => r.type === 'AWS::S3::Bucket');
    const bare = buckets.filter((b) => b.withoutSupplementary === true);
    expect(bare.length).toBeGreaterThan(0);
    expect(bare.length).toBeLessThan(buckets.length);
    expect(bare.every((b) => Object.keys(b.supplementary).length === 0)).toBe(true);
    const { controls, catalog, attestations } = bundledMappings();
    const assessment = evaluate(resources, run.coverage, controls, catalog, attestations, NOW);
    const findingOf = (control: string, id: string): Finding | undefined => assessment.findings.find((f) => f.control === control && f.resourceId === id);
    // Absent documents prove nothing: never "no encryption" or "no TLS-only policy", and never a pass.
    for (const control of ['aws-s3-bucket-default-encryption', 'aws-s3-bucket-secure-transport', 'aws-s3-bucket-versioning']) {
      for (const b of bare) expect(findingOf(control, b.id)?.status).toBe('unknown');
    }
    // The residency control reads only the region: still judged.
    expect(bare.every((b) => findingOf('aws-data-stored-in-japan', b.id)?.status !== 'unknown')).toBe(true);
  });

  it('turns malformed rows into malformed resources, not a failed scan', async () => {
    sandbox.setFaults({ malformedRate: 0.05, seed: 9 });
    const { resources, run } = await collect(sandbox);
    expect(run.coverage.every((s) => s.outcome.status === 'ok')).toBe(true);
    const malformed = resources.filter((r) => r.malformed !== undefined);
    expect(malformed.length).toBeGreaterThan(0);
    expect(malformed.length).toBeLessThan(resources.length / 5);
    expect(malformed[0]?.malformed).toMatch(/not valid JSON|expected an object/);
    // Rows cut in half are not JSON: counted in their scope, never a resource of no type.
    expect(run.coverage.reduce((n, s) => n + (s.unreadable ?? 0), 0)).toBeGreaterThan(0);
    expect(resources.filter((r) => r.type === '' || r.type === 'Unknown')).toEqual([]);
    expect(malformed.every((r) => TYPES.includes(r.type))).toBe(true);
  });

  it('gives up on a scope after the bounded attempts and says why', async () => {
    sandbox.setFaults({ truncatedPageRate: 1 });
    const { run, sleeps } = await collect(sandbox, { maxAttempts: 3 });
    expect(run.coverage.every((s) => s.outcome.status === 'failed')).toBe(true);
    expect(run.coverage[0]?.outcome).toMatchObject({ error: expect.stringContaining('DeserializationError') as unknown });
    expect(sleeps.length).toBeGreaterThan(0);
  });
});
