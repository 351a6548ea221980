/**
 * GCP coverage controls beyond the five core areas (mappings/controls/gcp/detection.yaml, resilience.yaml,
 * vulnerability.yaml, log-retention.yaml): pass, fail and unknown on crafted Cloud Asset assets.
 */
import { asset, assessAssets, findings, reasonsJa } from './support.js';

const P = 'kansa-test';
const C = 'https://www.googleapis.com/compute/v1/projects/kansa-test';
const noData = (a: Record<string, unknown>): Record<string, unknown> => ({ ...a, resource: { version: 'v1' } });

/** Verdicts of an `exists` control per account. */
function accountVerdicts(assets: readonly Record<string, unknown>[], control: string): Record<string, { status: string; reason?: string }> {
  const out: Record<string, { status: string; reason?: string }> = {};
  for (const f of assessAssets(assets).findings) if (f.control === control) out[f.account] = f.reason === undefined ? { status: f.status } : { status: f.status, reason: f.reason };
  return out;
}

/** The Japanese reason (`reason_ja`) of an `exists` control's finding for an account. */
function accountReasonJa(assets: readonly Record<string, unknown>[], control: string, account = P): string | undefined {
  return assessAssets(assets).findings.find((f) => f.control === control && f.account === account)?.reason_ja;
}

const ids = (name: string, state: string | undefined) =>
  asset('ids.googleapis.com/Endpoint', `//ids.googleapis.com/projects/${P}/locations/asia-northeast1-a/endpoints/${name}`, { name: `projects/${P}/locations/asia-northeast1-a/endpoints/${name}`, ...(state ? { state } : {}) }, 'asia-northeast1-a');
const alert = (name: string, data: Record<string, unknown>) =>
  asset('monitoring.googleapis.com/AlertPolicy', `//monitoring.googleapis.com/projects/${P}/alertPolicies/${name}`, { name: `projects/${P}/alertPolicies/${name}`, displayName: name, ...data }, 'global');
const armor = (name: string, priorities: number[]) =>
  asset('compute.googleapis.com/SecurityPolicy', `//compute.googleapis.com/projects/${P}/global/securityPolicies/${name}`, { name, type: 'CLOUD_ARMOR', rules: priorities.map((priority) => ({ priority, action: 'deny(403)' })) }, 'global');
const backend = (name: string, data: Record<string, unknown>) =>
  asset('compute.googleapis.com/BackendService', `//compute.googleapis.com/projects/${P}/global/backendServices/${name}`, { name, ...data }, 'global');
const patch = (name: string, data: Record<string, unknown>) =>
  asset('osconfig.googleapis.com/PatchDeployment', `//osconfig.googleapis.com/projects/${P}/patchDeployments/${name}`, { name: `projects/${P}/patchDeployments/${name}`, ...data }, 'global');
const logBucket = (id: string, retentionDays?: number) =>
  asset('logging.googleapis.com/LogBucket', `//logging.googleapis.com/projects/${P}/locations/global/buckets/${id}`, { name: `projects/${P}/locations/global/buckets/${id}`, ...(retentionDays === undefined ? {} : { retentionDays }) }, 'global');
const sql = (name: string, settings: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  asset('sqladmin.googleapis.com/Instance', `//cloudsql.googleapis.com/projects/${P}/instances/${name}`, { name, project: P, region: 'asia-northeast1', settings, ...extra }, 'asia-northeast1');
const mig = (name: string, data: Record<string, unknown>) =>
  asset('compute.googleapis.com/InstanceGroupManager', `//compute.googleapis.com/projects/${P}/regions/asia-northeast1/instanceGroupManagers/${name}`, { name, ...data }, 'asia-northeast1');
const policy = (name: string, data: Record<string, unknown>) =>
  asset('compute.googleapis.com/ResourcePolicy', `//compute.googleapis.com/projects/${P}/regions/asia-northeast1/resourcePolicies/${name}`, { name, selfLink: `${C}/regions/asia-northeast1/resourcePolicies/${name}`, ...data }, 'asia-northeast1');
const disk = (name: string, policies?: string[]) =>
  asset('compute.googleapis.com/Disk', `//compute.googleapis.com/projects/${P}/zones/asia-northeast1-a/disks/${name}`, { name, ...(policies ? { resourcePolicies: policies.map((p) => `${C}/regions/asia-northeast1/resourcePolicies/${p}`) } : {}) }, 'asia-northeast1-a');

describe('gcp-cloud-ids-endpoint-ready (2-7)', () => {
  const control = 'gcp-cloud-ids-endpoint-ready';
  it('passes with a READY endpoint, fails when none is ready, is unknown when the only endpoint cannot be read', () => {
    expect(accountVerdicts([ids('a', 'CREATING'), ids('b', 'READY')], control)[P]?.status).toBe('pass');
    expect(accountVerdicts([ids('a', 'CREATING')], control)[P]?.status).toBe('fail');
    expect(accountReasonJa([ids('a', 'CREATING')], control)).toContain('IDS エンドポイント a の状態は CREATING です（READY ではありません）');
    expect(accountVerdicts([ids('b', undefined)], control)[P]?.reason).toContain('IDS endpoint b is in no known state');
    expect(accountReasonJa([ids('b', undefined)], control)).toContain('IDS エンドポイント b の状態が記録されていません');
    expect(accountVerdicts([noData(ids('a', 'READY'))], control)[P]?.status).toBe('unknown');
  });
});

describe('Cloud Armor (5-4)', () => {
  it('gcp-cloud-armor-policy-with-rules: a policy with more than the default rule passes; default-only fails; unreadable is unknown', () => {
    const control = 'gcp-cloud-armor-policy-with-rules';
    expect(accountVerdicts([armor('default-only', [2147483647]), armor('waf', [1000, 2147483647])], control)[P]?.status).toBe('pass');
    expect(accountVerdicts([armor('default-only', [2147483647])], control)[P]?.status).toBe('fail');
    expect(accountReasonJa([armor('default-only', [2147483647])], control)).toContain('セキュリティポリシー default-only には既定ルールしかありません');
    expect(accountVerdicts([noData(armor('x', [1000]))], control)[P]?.status).toBe('unknown');
  });

  it('gcp-external-backend-service-cloud-armor: external backends need a policy, internal ones are out of scope', () => {
    const f = findings(
      [
        backend('ext-armored', { loadBalancingScheme: 'EXTERNAL_MANAGED', securityPolicy: `${C}/global/securityPolicies/waf` }),
        backend('ext-bare', { loadBalancingScheme: 'EXTERNAL_MANAGED' }),
        backend('classic', {}),
        backend('internal', { loadBalancingScheme: 'INTERNAL_MANAGED' }),
        noData(backend('unreadable', {})),
      ],
      'gcp-external-backend-service-cloud-armor',
    );
    expect(f['ext-armored']).toEqual({ status: 'pass' });
    expect(f['ext-bare']).toEqual({ status: 'fail', reason: 'external backend service ext-bare (EXTERNAL_MANAGED) has no Cloud Armor security policy' });
    expect(f.classic?.status).toBe('fail');
    expect(f.internal).toBeUndefined();
    expect(f.unreadable?.status).toBe('unknown');
    expect(reasonsJa([backend('ext-bare', { loadBalancingScheme: 'EXTERNAL_MANAGED' })], 'gcp-external-backend-service-cloud-armor')['ext-bare']).toBe(
      '外部バックエンドサービス ext-bare（EXTERNAL_MANAGED）に Cloud Armor セキュリティポリシーが適用されていません',
    );
  });
});

describe('alerting (7-1, 10-2)', () => {
  const channel = [`projects/${P}/notificationChannels/1`];
  const serviceHealth = [{ displayName: 'incident', conditionMatchedLog: { filter: 'resource.type="servicehealth.googleapis.com/Event"' } }];
  const cpu = [{ displayName: 'cpu', conditionThreshold: { filter: 'metric.type="compute.googleapis.com/instance/cpu/utilization"' } }];

  it('gcp-alert-policy-with-notification: enabled with a channel passes; disabled or channel-less fails; unreadable is unknown', () => {
    const control = 'gcp-alert-policy-with-notification';
    expect(accountVerdicts([alert('off', { enabled: false, notificationChannels: channel }), alert('on', { enabled: true, notificationChannels: channel, conditions: cpu })], control)[P]?.status).toBe('pass');
    const failed = accountVerdicts([alert('off', { enabled: false, notificationChannels: channel }), alert('silent', { enabled: true, notificationChannels: [] })], control)[P];
    expect(failed?.status).toBe('fail');
    expect(failed?.reason).toMatch(/off is disabled|silent notifies no channel/);
    const ja = accountReasonJa([alert('off', { enabled: false, notificationChannels: channel }), alert('silent', { enabled: true, notificationChannels: [] })], control);
    expect(ja).toContain('アラートポリシー off は無効になっています');
    expect(ja).toContain('アラートポリシー silent には通知チャネルが設定されていません');
    expect(accountVerdicts([noData(alert('x', {}))], control)[P]?.status).toBe('unknown');
  });

  it('gcp-service-health-alert: needs an enabled, notifying log-match condition on servicehealth events', () => {
    const control = 'gcp-service-health-alert';
    expect(accountVerdicts([alert('sh', { enabled: true, notificationChannels: channel, conditions: serviceHealth })], control)[P]?.status).toBe('pass');
    expect(accountVerdicts([alert('cpu', { enabled: true, notificationChannels: channel, conditions: cpu }), alert('sh', { enabled: false, notificationChannels: channel, conditions: serviceHealth })], control)[P]?.status).toBe('fail');
    expect(accountReasonJa([alert('cpu', { enabled: true, notificationChannels: channel, conditions: cpu })], control)).toContain(
      'アラートポリシー cpu は Google Cloud の障害（Service Health）を通知チャネルに通知しません',
    );
    expect(accountVerdicts([noData(alert('sh', {}))], control)[P]?.status).toBe('unknown');
  });
});

describe('availability (7-7, 7-9)', () => {
  it('gcp-sql-high-availability: REGIONAL passes, ZONAL or unset fails, replicas are out of scope, unreadable is unknown', () => {
    const f = findings(
      [
        sql('ha', { availabilityType: 'REGIONAL' }),
        sql('zonal', { availabilityType: 'ZONAL' }),
        sql('unset', {}),
        sql('replica', { availabilityType: 'ZONAL' }, { instanceType: 'READ_REPLICA_INSTANCE' }),
        noData(sql('unreadable', {})),
      ],
      'gcp-sql-high-availability',
    );
    expect(f.ha).toEqual({ status: 'pass' });
    expect(f.zonal).toEqual({ status: 'fail', reason: 'instance zonal is ZONAL: one zone failure stops it' });
    expect(f.unset?.status).toBe('fail');
    expect(reasonsJa([sql('zonal', { availabilityType: 'ZONAL' })], 'gcp-sql-high-availability').zonal).toBe('インスタンス zonal は ZONAL 構成のため、1 つのゾーンの障害で停止します');
    expect(f.replica).toBeUndefined();
    expect(f.unreadable?.status).toBe('unknown');
  });

  it('gcp-mig-regional: regional groups over several zones pass, zonal groups and single-zone distributions fail', () => {
    const zones = (...z: string[]) => ({ zones: z.map((x) => ({ zone: `${C}/zones/asia-northeast1-${x}` })) });
    const f = findings(
      [
        mig('regional', { region: `${C}/regions/asia-northeast1`, distributionPolicy: zones('a', 'b', 'c') }),
        mig('regional-default', { region: `${C}/regions/asia-northeast1` }),
        mig('one-zone', { region: `${C}/regions/asia-northeast1`, distributionPolicy: zones('a') }),
        mig('zonal', { zone: `${C}/zones/asia-northeast1-b` }),
        noData(mig('unreadable', {})),
      ],
      'gcp-mig-regional',
    );
    expect(f.regional).toEqual({ status: 'pass' });
    expect(f['regional-default']).toEqual({ status: 'pass' });
    expect(f['one-zone']).toEqual({ status: 'fail', reason: 'instance group one-zone is regional but distributes to a single zone' });
    expect(f.zonal).toEqual({ status: 'fail', reason: 'instance group zonal is zonal (asia-northeast1-b)' });
    const ja = reasonsJa([mig('one-zone', { region: `${C}/regions/asia-northeast1`, distributionPolicy: zones('a') }), mig('zonal', { zone: `${C}/zones/asia-northeast1-b` })], 'gcp-mig-regional');
    expect(ja['one-zone']).toBe('インスタンスグループ one-zone はリージョン MIG ですが、1 つのゾーンにしか分散していません');
    expect(ja.zonal).toBe('インスタンスグループ zonal は単一ゾーン（asia-northeast1-b）のゾーン MIG です');
    expect(f.unreadable?.status).toBe('unknown');
  });
});

describe('gcp-disk-snapshot-schedule (8-2)', () => {
  it('passes disks with an attached snapshot schedule and fails the rest, naming what is attached', () => {
    const f = findings(
      [
        policy('daily', { snapshotSchedulePolicy: { schedule: { dailySchedule: { daysInCycle: 1, startTime: '18:00' } } } }),
        policy('spread', { groupPlacementPolicy: { availabilityDomainCount: 2 } }),
        disk('scheduled', ['spread', 'daily']),
        disk('placement-only', ['spread']),
        disk('dangling', ['gone']),
        disk('none'),
        noData(disk('unreadable')),
      ],
      'gcp-disk-snapshot-schedule',
    );
    expect(f.scheduled).toEqual({ status: 'pass' });
    expect(f['placement-only']).toEqual({ status: 'fail', reason: 'disk placement-only has no snapshot schedule among its resource policies (spread)' });
    expect(f.dangling).toEqual({ status: 'fail', reason: 'disk dangling has no snapshot schedule among its resource policies (gone (not found))' });
    expect(f.none).toEqual({ status: 'fail', reason: 'disk none has no snapshot schedule' });
    const ja = reasonsJa([policy('spread', { groupPlacementPolicy: { availabilityDomainCount: 2 } }), disk('dangling', ['spread', 'gone']), disk('none')], 'gcp-disk-snapshot-schedule');
    expect(ja.dangling).toBe('ディスク dangling のリソースポリシー（spread、gone（見つかりません））にスナップショット スケジュールがありません');
    expect(ja.none).toBe('ディスク none にスナップショット スケジュールが設定されていません');
    expect(f.unreadable?.status).toBe('unknown');
  });
});

describe('gcp-os-patch-deployment-scheduled (5-3)', () => {
  const control = 'gcp-os-patch-deployment-scheduled';
  const weekly = { recurringSchedule: { frequency: 'WEEKLY', weekly: { dayOfWeek: 'SUNDAY' } } };
  it('passes an active recurring deployment; one-time or paused ones fail; unreadable is unknown', () => {
    expect(accountVerdicts([patch('once', { oneTimeSchedule: { executeTime: '2026-06-01T03:00:00Z' } }), patch('weekly', { ...weekly, state: 'ACTIVE' })], control)[P]?.status).toBe('pass');
    const failed = accountVerdicts([patch('once', { oneTimeSchedule: {} }), patch('paused', { ...weekly, state: 'PAUSED' })], control)[P];
    expect(failed?.status).toBe('fail');
    expect(failed?.reason).toMatch(/once runs once, not on a schedule|paused is PAUSED/);
    const ja = accountReasonJa([patch('once', { oneTimeSchedule: {} }), patch('paused', { ...weekly, state: 'PAUSED' })], control);
    expect(ja).toContain('パッチデプロイ once は 1 回限りの実行で、定期的なスケジュールがありません');
    expect(ja).toContain('パッチデプロイ paused の状態は PAUSED です');
    expect(accountVerdicts([noData(patch('x', {}))], control)[P]?.status).toBe('unknown');
  });
});

describe('gcp-log-bucket-retention-one-year (3-13)', () => {
  const control = 'gcp-log-bucket-retention-one-year';
  it('passes when a bucket other than _Required keeps logs for a year; _Required alone does not count', () => {
    expect(accountVerdicts([logBucket('_Required', 400), logBucket('_Default', 30), logBucket('audit', 400)], control)[P]?.status).toBe('pass');
    const failed = accountVerdicts([logBucket('_Required', 400), logBucket('_Default')], control)[P];
    expect(failed?.status).toBe('fail');
    expect(failed?.reason).toContain('keeps logs 30 days');
    expect(accountReasonJa([logBucket('_Required', 400), logBucket('_Default')], control)).toContain('ログバケット _Default のログの保持期間は 30 日です');
    expect(accountVerdicts([logBucket('_Required', 400), noData(logBucket('audit', 400))], control)[P]?.status).toBe('unknown');
  });
});
