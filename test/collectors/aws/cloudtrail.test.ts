/**
 * The CloudTrail collection (collectors/aws/cloudtrail.ts) through the real @aws-sdk/client-cloudtrail
 * against the sandbox's awsJson1_1 CloudTrail: shadow trails found from every collected Region, status
 * and selectors asked in the trail's home Region (even one kansa does not collect), basic and advanced
 * selectors normalized alike, and denied calls or an unreachable home Region becoming unknown, never pass.
 */
import { recordedEvents, TRAIL_STATUS_TYPE, type TrailStatusConfiguration } from '../../../collectors/aws/cloudtrail.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import { GLOBAL_REGION, type Resource } from '../../../src/model/resource.js';
import { outsideRegion } from '../../../src/sandbox/estate/aws-cloudtrail.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { collectAwsSandbox, type AwsCollected as Collected } from '../../support/aws-collect.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

const MANAGEMENT = 'aws-cloudtrail-logging-management-events';
const S3_DATA = 'aws-cloudtrail-s3-data-events';

// Every sandbox Region is collected, unless the test reads through an aggregator.
const collect = (sandbox: Sandbox, config: Record<string, unknown> = {}): Promise<Collected> =>
  collectAwsSandbox(sandbox, [TRAIL_STATUS_TYPE], { ...('aggregator' in config ? {} : { regions: [...sandbox.aws.regions] }), ...config });

const configOf = (r: Resource): TrailStatusConfiguration => r.configuration as unknown as TrailStatusConfiguration;

function statuses(collected: Collected): Record<string, string> {
  const { controls, catalog, attestations } = bundledMappings();
  const trailControls = controls.filter((c) => c.resourceTypes.includes(TRAIL_STATUS_TYPE));
  const assessment = evaluate(collected.resources, collected.run.coverage, trailControls, catalog, attestations, NOW);
  const out: Record<string, string> = {};
  for (const f of assessment.findings) out[`${f.control} ${f.account}`] = f.status;
  return out;
}

function reasonsEn(collected: Collected, control: string): Record<string, string> {
  const { controls, catalog, attestations } = bundledMappings();
  const assessment = evaluate(collected.resources, collected.run.coverage, controls.filter((c) => c.id === control), catalog, attestations, NOW);
  return Object.fromEntries(assessment.findings.map((f) => [f.account, f.reason ?? '']));
}

describe('AWS CloudTrail collection against the sandbox CloudTrail', () => {
  let sandbox: Sandbox;
  let a0: string;
  let a1: string;
  let a2: string;
  let outside: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 30, seed: 5 } });
    [a0, a1, a2] = sandbox.aws.accounts as [string, string, string];
    outside = outsideRegion(sandbox.aws.regions);
  });
  afterAll(async () => sandbox.close());
  beforeEach(() => {
    sandbox.setFaults({});
    sandbox.aws.setRecording({});
    sandbox.resetCalls();
  });

  it('finds each trail once, status and selectors from its home Region, in one global scope per account, with read-only calls', async () => {
    const collected = await collect(sandbox);
    for (const account of sandbox.aws.accounts) {
      expect(collected.run.coverage.find((s) => s.account === account && s.region === GLOBAL_REGION)).toEqual({
        provider: 'aws',
        account,
        region: GLOBAL_REGION,
        types: [TRAIL_STATUS_TYPE],
        outcome: { status: 'ok', collectedAt: NOW.toISOString() },
      });
    }
    expect(collected.resources.map((r) => [r.account, r.type, r.region, r.name])).toEqual([
      [a0, TRAIL_STATUS_TYPE, GLOBAL_REGION, 'audit-all-regions'],
      [a1, TRAIL_STATUS_TYPE, GLOBAL_REGION, 'audit-stopped'],
      [a2, TRAIL_STATUS_TYPE, GLOBAL_REGION, 'audit-elsewhere'],
    ].sort((x, y) => x[0]!.localeCompare(y[0]!)));
    const byAccount = new Map(collected.resources.map((r) => [r.account, configOf(r)]));
    expect(byAccount.get(a0)).toMatchObject({
      homeRegion: sandbox.aws.homeRegion,
      isMultiRegionTrail: true,
      seenFrom: [...sandbox.aws.regions].sort(),
      status: { isLogging: true, latestDeliveryError: null, stopLoggingTime: null },
      selectors: { form: 'basic', managementEvents: { read: true, write: true }, s3DataEventsAllBuckets: { read: true, write: true } },
      statusError: null,
      selectorsError: null,
    });
    expect(byAccount.get(a1)).toMatchObject({ status: { isLogging: false }, selectors: { form: 'basic', s3DataEventsAllBuckets: { read: false, write: false } } });
    expect(typeof byAccount.get(a1)?.status?.stopLoggingTime).toBe('string');
    // Homed outside the collected Regions: found as a shadow trail, asked in its home Region.
    expect(byAccount.get(a2)).toMatchObject({
      homeRegion: outside,
      seenFrom: [...sandbox.aws.regions].sort(),
      status: { isLogging: true },
      selectors: { form: 'advanced', managementEvents: { read: true, write: true }, s3DataEventsAllBuckets: { read: false, write: false } },
    });
    expect(sandbox.aws.regions).not.toContain(outside);
    const trailCalls = sandbox.calls().list.filter((c) => ['DescribeTrails', 'GetTrailStatus', 'GetEventSelectors'].includes(c.operation));
    expect(trailCalls.filter((c) => c.operation === 'DescribeTrails' && c.account === a2).map((c) => c.region).sort()).toEqual([...sandbox.aws.regions].sort());
    expect(trailCalls.filter((c) => c.operation !== 'DescribeTrails' && c.account === a2).map((c) => `${c.operation} ${c.region}`).sort()).toEqual([`GetEventSelectors ${outside}`, `GetTrailStatus ${outside}`]);
    expect(trailCalls.every((c) => c.status === 200)).toBe(true);
    expect(sandbox.writeOperations()).toEqual([]);
  });

  it('passes the logging trail, fails the stopped one, and judges S3 data events per trail', async () => {
    const collected = await collect(sandbox);
    expect(statuses(collected)).toEqual({
      [`${MANAGEMENT} ${a0}`]: 'pass',
      [`${MANAGEMENT} ${a1}`]: 'fail',
      [`${MANAGEMENT} ${a2}`]: 'pass',
      [`${S3_DATA} ${a0}`]: 'pass',
      [`${S3_DATA} ${a1}`]: 'fail',
      [`${S3_DATA} ${a2}`]: 'fail',
    });
    expect(reasonsEn(collected, MANAGEMENT)[a1]).toContain('is not logging');
    expect(reasonsEn(collected, S3_DATA)[a2]).toContain('does not record S3 data events for all buckets (read false, write false)');
  });

  it('a denied GetTrailStatus makes a logging trail unknown, not a pass, while a trail known to lack S3 data events still fails', async () => {
    sandbox.aws.setRecording({ deniedActions: ['cloudtrail:GetTrailStatus'] });
    const collected = await collect(sandbox);
    expect(collected.resources.every((r) => configOf(r).status === null && /AccessDeniedException/.test(configOf(r).statusError ?? ''))).toBe(true);
    expect(statuses(collected)).toEqual({
      [`${MANAGEMENT} ${a0}`]: 'unknown',
      [`${MANAGEMENT} ${a1}`]: 'unknown',
      [`${MANAGEMENT} ${a2}`]: 'unknown',
      [`${S3_DATA} ${a0}`]: 'unknown',
      [`${S3_DATA} ${a1}`]: 'fail',
      [`${S3_DATA} ${a2}`]: 'fail',
    });
    expect(reasonsEn(collected, MANAGEMENT)[a0]).toContain('the logging status of trail audit-all-regions could not be read: GetTrailStatus in');
  });

  it('a denied GetEventSelectors makes a logging trail unknown, and a stopped trail still fails', async () => {
    sandbox.aws.setRecording({ deniedActions: ['cloudtrail:GetEventSelectors'] });
    const collected = await collect(sandbox);
    expect(statuses(collected)).toEqual({
      [`${MANAGEMENT} ${a0}`]: 'unknown',
      [`${MANAGEMENT} ${a1}`]: 'fail',
      [`${MANAGEMENT} ${a2}`]: 'unknown',
      [`${S3_DATA} ${a0}`]: 'unknown',
      [`${S3_DATA} ${a1}`]: 'fail',
      [`${S3_DATA} ${a2}`]: 'unknown',
    });
    expect(reasonsEn(collected, S3_DATA)[a0]).toContain('the event selectors of trail audit-all-regions could not be read');
  });

  it('a home Region the credentials cannot reach leaves that trail unknown (UnrecognizedClientException there)', async () => {
    sandbox.aws.setRecording({ disabledRegions: [outside] });
    const collected = await collect(sandbox);
    const elsewhere = configOf(collected.resources.find((r) => r.account === a2)!);
    expect(elsewhere).toMatchObject({ homeRegion: outside, status: null, selectors: null });
    expect(elsewhere.statusError).toMatch(new RegExp(`^GetTrailStatus in ${outside}: UnrecognizedClientException`));
    const s = statuses(collected);
    expect([s[`${MANAGEMENT} ${a2}`], s[`${S3_DATA} ${a2}`]]).toEqual(['unknown', 'unknown']);
    expect(s[`${MANAGEMENT} ${a0}`]).toBe('pass');
  });

  it('DescribeTrails denied everywhere leaves the type out of the account scope with the reason: unknown, not fail', async () => {
    sandbox.aws.setRecording({ deniedActions: ['cloudtrail:DescribeTrails'] });
    const collected = await collect(sandbox);
    expect(collected.resources).toEqual([]);
    const scope = collected.run.coverage.find((s) => s.account === a0 && s.region === GLOBAL_REGION);
    expect(scope?.types).toEqual([]);
    expect(scope?.gaps?.[0]?.types).toEqual([TRAIL_STATUS_TYPE]);
    expect(scope?.gaps?.[0]?.reason.en).toMatch(/^CloudTrail trails could not be listed \(DescribeTrails\): .*AccessDeniedException/);
    expect(Object.values(statuses(collected))).toEqual(Array(6).fill('unknown'));
  });

  it('retries a throttled call and still collects', async () => {
    sandbox.setFaults({ throttleRate: 0.3, seed: 7 });
    const collected = await collect(sandbox, { maxAttempts: 8 });
    expect(collected.resources).toHaveLength(3);
    expect(collected.calls.some((c) => c.endsWith('ThrottlingException'))).toBe(true);
    expect(collected.resources.every((r) => configOf(r).status !== null && configOf(r).selectors !== null)).toBe(true);
  });

  it('through an aggregator, says per account that trail status needs per-account credentials', async () => {
    const collected = await collect(sandbox, { aggregator: { name: 'kansa-sandbox-org', region: sandbox.aws.homeRegion }, accounts: [{ id: a0 }] });
    expect(collected.resources).toEqual([]);
    const scope = collected.run.coverage.find((s) => s.account === a0 && s.region === GLOBAL_REGION);
    expect(scope?.gaps?.find((g) => g.types.includes(TRAIL_STATUS_TYPE))?.reason.en).toContain('not through aggregator kansa-sandbox-org');
  });
});

describe('event selectors, basic and advanced, normalized alike (API reference: EventSelector, AdvancedEventSelector)', () => {
  const ALL = { read: true, write: true };
  const NONE = { read: false, write: false };

  it('basic: all buckets only with the bare S3 prefix; IncludeManagementEvents false records no management events', () => {
    expect(recordedEvents([{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }], [])).toEqual({ managementEvents: ALL, s3DataEventsAllBuckets: ALL });
    expect(recordedEvents([{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::'] }] }], [])).toEqual({ managementEvents: NONE, s3DataEventsAllBuckets: { read: false, write: true } });
    // One bucket is not every bucket.
    expect(recordedEvents([{ ReadWriteType: 'All', DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::entrusted-data/'] }] }], []).s3DataEventsAllBuckets).toEqual(NONE);
    // Reads from one selector and writes from another add up.
    expect(recordedEvents([{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true }, { ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }], []).managementEvents).toEqual(ALL);
  });

  it('advanced: readOnly narrows to reads or writes; a resources.ARN or eventName condition is not every bucket', () => {
    const data = (...extra: { Field: string; Equals?: string[]; StartsWith?: string[]; NotEquals?: string[] }[]) => ({
      Name: 'S3',
      FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }, ...extra],
    });
    const management = { Name: 'Management', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] }] };
    expect(recordedEvents([], [management, data()])).toEqual({ managementEvents: ALL, s3DataEventsAllBuckets: ALL });
    expect(recordedEvents([], [data({ Field: 'readOnly', Equals: ['true'] })]).s3DataEventsAllBuckets).toEqual({ read: true, write: false });
    expect(recordedEvents([], [data({ Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::entrusted-data/'] })]).s3DataEventsAllBuckets).toEqual(NONE);
    expect(recordedEvents([], [data({ Field: 'eventName', NotEquals: ['GetObject'] })]).s3DataEventsAllBuckets).toEqual(NONE);
    expect(recordedEvents([], [{ Name: 'DynamoDB', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] }] }])).toEqual({ managementEvents: NONE, s3DataEventsAllBuckets: NONE });
    // Advanced selectors win over basic ones (a trail has one form or the other).
    expect(recordedEvents([{ ReadWriteType: 'All', IncludeManagementEvents: true }], [data()]).managementEvents).toEqual(NONE);
  });
});
