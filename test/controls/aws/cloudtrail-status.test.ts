/**
 * aws-cloudtrail-logging-management-events and aws-cloudtrail-s3-data-events (mappings/controls/aws/
 * logging.yaml) over AWS::CloudTrail::TrailStatus records shaped as collectors/aws/cloudtrail.ts builds
 * them: what passes, what fails, and what could silently pass (status or selectors unread, a single-Region
 * trail, an account with no trail, the type not collected) being unknown or fail, never pass.
 */
import { TRAIL_STATUS_TYPE, type RecordedEvents, type TrailStatusConfiguration } from '../../../collectors/aws/cloudtrail.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import { GLOBAL_REGION, type CollectionScope, type Resource } from '../../../src/model/resource.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

const MANAGEMENT = 'aws-cloudtrail-logging-management-events';
const S3_DATA = 'aws-cloudtrail-s3-data-events';
const ACCOUNT = '123456789012';
const ALL: RecordedEvents = { read: true, write: true };
const NONE: RecordedEvents = { read: false, write: false };

function trail(name: string, fields: Partial<TrailStatusConfiguration> = {}): Resource {
  const arn = `arn:aws:cloudtrail:ap-northeast-1:${ACCOUNT}:trail/${name}`;
  const configuration: TrailStatusConfiguration = {
    name,
    trailArn: arn,
    homeRegion: 'ap-northeast-1',
    isMultiRegionTrail: true,
    isOrganizationTrail: false,
    includeGlobalServiceEvents: true,
    seenFrom: ['ap-northeast-1', 'ap-northeast-3'],
    status: { isLogging: true, latestDeliveryError: null, startLoggingTime: '2026-10-01T00:00:00.000Z', stopLoggingTime: null },
    statusError: null,
    selectors: { form: 'basic', managementEvents: ALL, s3DataEventsAllBuckets: ALL, eventSelectors: [], advancedEventSelectors: [] },
    selectorsError: null,
    ...fields,
  };
  return {
    provider: 'aws',
    account: ACCOUNT,
    region: GLOBAL_REGION,
    type: TRAIL_STATUS_TYPE,
    id: arn,
    name,
    arn,
    tags: {},
    configuration: configuration as unknown as Record<string, unknown>,
    supplementary: {},
    relationships: [],
    capturedAt: NOW.toISOString(),
  };
}

const covered: CollectionScope = { provider: 'aws', account: ACCOUNT, region: GLOBAL_REGION, types: [TRAIL_STATUS_TYPE], outcome: { status: 'ok', collectedAt: NOW.toISOString() } };

function verdicts(resources: Resource[], scopes: CollectionScope[] = [covered]): Record<string, { status: string; en: string; ja: string }> {
  const { controls, catalog, attestations } = bundledMappings();
  const assessment = evaluate(resources, scopes, controls.filter((c) => c.id === MANAGEMENT || c.id === S3_DATA), catalog, attestations, NOW);
  return Object.fromEntries(assessment.findings.map((f) => [f.control, { status: f.status, en: f.reason ?? '', ja: f.reason_ja ?? '' }]));
}

const statusOf = (v: ReturnType<typeof verdicts>): Record<string, string> => Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x.status]));
const selectors = (managementEvents: RecordedEvents, s3DataEventsAllBuckets: RecordedEvents): TrailStatusConfiguration['selectors'] => ({ form: 'advanced', managementEvents, s3DataEventsAllBuckets, eventSelectors: [], advancedEventSelectors: [] });

describe('CloudTrail trail status controls (exists per account)', () => {
  it('evidence 3-2, 3-7, 3-8, 3-13 (management events) and 3-7, 3-13 (S3 data events)', () => {
    const { controls } = bundledMappings();
    expect(controls.find((c) => c.id === MANAGEMENT)?.requirements['jp-cloud-procurement']).toEqual(['3-2', '3-7', '3-8', '3-13']);
    expect(controls.find((c) => c.id === S3_DATA)?.requirements['jp-cloud-procurement']).toEqual(['3-7', '3-13']);
  });

  it('pass a logging multi-Region trail recording management and S3 data events, read and write', () => {
    expect(statusOf(verdicts([trail('all')]))).toEqual({ [MANAGEMENT]: 'pass', [S3_DATA]: 'pass' });
  });

  it('fail a stopped trail, with the reason in both languages', () => {
    const v = verdicts([trail('stopped', { status: { isLogging: false, latestDeliveryError: null, startLoggingTime: null, stopLoggingTime: '2026-10-29T00:00:00.000Z' } })]);
    expect(statusOf(v)).toEqual({ [MANAGEMENT]: 'fail', [S3_DATA]: 'fail' });
    expect(v[MANAGEMENT]?.en).toContain('trail stopped is not logging (IsLogging false)');
    expect(v[MANAGEMENT]?.ja).toContain('証跡 stopped はログ記録を停止しています');
  });

  it('fail a single-Region trail, even one that records everything', () => {
    const v = verdicts([trail('local', { isMultiRegionTrail: false })]);
    expect(statusOf(v)).toEqual({ [MANAGEMENT]: 'fail', [S3_DATA]: 'fail' });
    expect(v[S3_DATA]?.en).toContain('is a single-Region trail (ap-northeast-1)');
  });

  it('fail write-only management events, and S3 data events that are read-only or absent', () => {
    expect(statusOf(verdicts([trail('w', { selectors: selectors({ read: false, write: true }, { read: true, write: false }) })]))).toEqual({ [MANAGEMENT]: 'fail', [S3_DATA]: 'fail' });
    const v = verdicts([trail('mgmt-only', { selectors: selectors(ALL, NONE) })]);
    expect(statusOf(v)).toEqual({ [MANAGEMENT]: 'pass', [S3_DATA]: 'fail' });
    expect(v[S3_DATA]?.en).toContain('does not record S3 data events for all buckets (read false, write false)');
    expect(v[S3_DATA]?.ja).toContain('すべての S3 バケットのデータイベントを記録していません');
  });

  it('are unknown, not pass, when the status could not be read', () => {
    const v = verdicts([trail('denied', { status: null, statusError: 'GetTrailStatus in eu-west-1: AccessDeniedException: not authorized' })]);
    expect(statusOf(v)).toEqual({ [MANAGEMENT]: 'unknown', [S3_DATA]: 'unknown' });
    expect(v[MANAGEMENT]?.en).toContain('the logging status of trail denied could not be read: GetTrailStatus in eu-west-1: AccessDeniedException');
    expect(v[MANAGEMENT]?.ja).toContain('証跡 denied のログ記録状態を読み取れませんでした');
  });

  it('are unknown, not pass, when the selectors could not be read, but a stopped trail still fails', () => {
    expect(statusOf(verdicts([trail('nosel', { selectors: null, selectorsError: 'GetEventSelectors returned neither EventSelectors nor AdvancedEventSelectors' })]))).toEqual({
      [MANAGEMENT]: 'unknown',
      [S3_DATA]: 'unknown',
    });
    expect(
      statusOf(verdicts([trail('nosel', { selectors: null, selectorsError: 'x', status: { isLogging: false, latestDeliveryError: null, startLoggingTime: null, stopLoggingTime: null } })])),
    ).toEqual({ [MANAGEMENT]: 'fail', [S3_DATA]: 'fail' });
  });

  it('pass when one trail qualifies even if another is unknown; unknown when none qualifies and one is unknown', () => {
    const unread = trail('unread', { status: null, statusError: 'GetTrailStatus in eu-west-1: UnrecognizedClientException' });
    expect(statusOf(verdicts([unread, trail('good')]))).toEqual({ [MANAGEMENT]: 'pass', [S3_DATA]: 'pass' });
    expect(statusOf(verdicts([unread, trail('stopped', { status: { isLogging: false, latestDeliveryError: null, startLoggingTime: null, stopLoggingTime: null } })]))).toEqual({
      [MANAGEMENT]: 'unknown',
      [S3_DATA]: 'unknown',
    });
  });

  it('fail an account whose CloudTrail lists no trail, and are unknown when the type was not collected', () => {
    expect(statusOf(verdicts([]))).toEqual({ [MANAGEMENT]: 'fail', [S3_DATA]: 'fail' });
    const gap: CollectionScope = { ...covered, types: [], gaps: [{ types: [TRAIL_STATUS_TYPE], reason: { ja: '一覧を取得できませんでした', en: 'CloudTrail trails could not be listed (DescribeTrails): AccessDeniedException' } }] };
    const v = verdicts([], [gap]);
    expect(statusOf(v)).toEqual({ [MANAGEMENT]: 'unknown', [S3_DATA]: 'unknown' });
    expect(v[MANAGEMENT]?.en).toContain('AccessDeniedException');
  });
});
