/** Threat detection, WAF and alerting (mappings/controls/aws/detection.yaml): `exists` controls. */
import { assess, configItem, findingsOf, reasonsJaOf } from '../../support/evaluate.js';
import { ACCOUNT, collected, collectionFailed } from '../../fixtures/aws/samples.js';

describe('aws-guardduty-enabled (exists per account × region)', () => {
  const control = 'aws-guardduty-enabled';
  const detector = (id: string, region: string, enable: unknown): Record<string, unknown> =>
    configItem({
      type: 'AWS::GuardDuty::Detector',
      id,
      region,
      arn: `arn:aws:guardduty:${region}:${ACCOUNT}:detector/${id}`,
      configuration: { Id: id, ...(enable === undefined ? {} : { Enable: enable }), FindingPublishingFrequency: 'SIX_HOURS', DataSources: { S3Logs: { Enable: true }, Kubernetes: { AuditLogs: { Enable: false } } } },
    });

  it('passes a Region with an enabled detector', () => {
    const f = findingsOf(assess([detector('7cc4a1b2c3d4e5f60718293a4b5c6d7e', 'ap-northeast-1', true)], [collected('ap-northeast-1')]), control);
    expect(f['7cc4a1b2c3d4e5f60718293a4b5c6d7e']).toEqual({ status: 'pass', reason: `satisfied by arn:aws:guardduty:ap-northeast-1:${ACCOUNT}:detector/7cc4a1b2c3d4e5f60718293a4b5c6d7e` });
  });

  it('fails a collected Region with no detector, and one whose detector is suspended', () => {
    const f = findingsOf(
      assess([detector('b2c3d4e5f60718293a4b5c6d7e8f9a0b', 'ap-northeast-3', false)], [collected('ap-northeast-1'), collected('ap-northeast-3')]),
      control,
    );
    expect(f[`${ACCOUNT}/ap-northeast-1`]).toEqual({ status: 'fail', reason: 'no AWS::GuardDuty::Detector in this region' });
    expect(f[`${ACCOUNT}/ap-northeast-3`]).toEqual({
      status: 'fail',
      reason: 'none of 1 AWS::GuardDuty::Detector qualifies: b2c3d4e5f60718293a4b5c6d7e8f9a0b: detector b2c3d4e5f60718293a4b5c6d7e8f9a0b is suspended (Enable = false)',
    });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const ja = reasonsJaOf(assess([detector('b2c3d4e5f60718293a4b5c6d7e8f9a0b', 'ap-northeast-3', false)], [collected('ap-northeast-1'), collected('ap-northeast-3')]), control);
    expect(ja[`${ACCOUNT}/ap-northeast-1`]).toBe('このリージョンに AWS::GuardDuty::Detector がありません');
    expect(ja[`${ACCOUNT}/ap-northeast-3`]).toBe(
      'AWS::GuardDuty::Detector 1 件のいずれも条件を満たしていません: b2c3d4e5f60718293a4b5c6d7e8f9a0b: ディテクター b2c3d4e5f60718293a4b5c6d7e8f9a0b が停止されています（Enable = false）',
    );
  });

  it('is unknown where collection failed, or the detector item lacks Enable', () => {
    const f = findingsOf(
      assess([detector('c3d4e5f60718293a4b5c6d7e8f9a0b1c', 'ap-northeast-1', undefined)], [collected('ap-northeast-1'), collectionFailed('us-east-1')]),
      control,
    );
    expect(f[`${ACCOUNT}/us-east-1`]?.status).toBe('unknown');
    expect(f[`${ACCOUNT}/us-east-1`]?.reason).toContain('collection failed: AccessDeniedException');
    expect(f[`${ACCOUNT}/ap-northeast-1`]?.status).toBe('unknown');
  });
});

describe('aws-wafv2-web-acl-exists (exists per account)', () => {
  const control = 'aws-wafv2-web-acl-exists';
  const acl = (id: string, name: string, capacity: number): Record<string, unknown> =>
    configItem({
      type: 'AWS::WAFv2::WebACL',
      id,
      name,
      arn: `arn:aws:wafv2:ap-northeast-1:${ACCOUNT}:regional/webacl/${name}/${id}`,
      configuration: { id, name, capacity, defaultAction: { allow: {} }, visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true } },
    });

  it('passes when one web ACL with rules exists', () => {
    const f = findingsOf(assess([acl('a1b2c3d4-5678-90ab-cdef-111111111111', 'empty', 0), acl('a1b2c3d4-5678-90ab-cdef-222222222222', 'web-prod', 725)]), control);
    expect(f['a1b2c3d4-5678-90ab-cdef-222222222222']?.status).toBe('pass');
  });

  it('fails an account with no web ACL, or only an empty one', () => {
    expect(findingsOf(assess([], [collected()]), control)[ACCOUNT]).toEqual({ status: 'fail', reason: 'no AWS::WAFv2::WebACL in this account' });
    expect(findingsOf(assess([acl('a1b2c3d4-5678-90ab-cdef-111111111111', 'empty', 0)]), control)[ACCOUNT]).toEqual({
      status: 'fail',
      reason: 'none of 1 AWS::WAFv2::WebACL qualifies: a1b2c3d4-5678-90ab-cdef-111111111111: web ACL empty has no rules (capacity 0)',
    });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    expect(reasonsJaOf(assess([acl('a1b2c3d4-5678-90ab-cdef-111111111111', 'empty', 0)]), control)[ACCOUNT]).toBe(
      'AWS::WAFv2::WebACL 1 件のいずれも条件を満たしていません: a1b2c3d4-5678-90ab-cdef-111111111111: ウェブ ACL empty にルールがありません（capacity 0）',
    );
  });

  it('is unknown when a Region of the account could not be collected', () => {
    expect(findingsOf(assess([], [collected(), collectionFailed('ap-northeast-3')]), control)[ACCOUNT]?.status).toBe('unknown');
  });
});

describe('aws-cloudwatch-alarm-with-actions (exists per account)', () => {
  const control = 'aws-cloudwatch-alarm-with-actions';
  const alarm = (name: string, actionsEnabled: boolean, alarmActions: string[] | null): Record<string, unknown> =>
    configItem({
      type: 'AWS::CloudWatch::Alarm',
      id: name,
      arn: `arn:aws:cloudwatch:ap-northeast-1:${ACCOUNT}:alarm:${name}`,
      configuration: {
        alarmName: name, actionsEnabled, alarmActions, okactions: [], insufficientDataActions: [],
        metricName: 'HTTPCode_Target_5XX_Count', namespace: 'AWS/ApplicationELB', statistic: 'Sum', period: 60, evaluationPeriods: 5, threshold: 10, comparisonOperator: 'GreaterThanThreshold',
      },
    });

  it('passes with an alarm that notifies', () => {
    const f = findingsOf(assess([alarm('web-5xx', true, [`arn:aws:sns:ap-northeast-1:${ACCOUNT}:ops-alerts`])]), control);
    expect(f['web-5xx']?.status).toBe('pass');
  });

  it('fails when every alarm is silent', () => {
    expect(findingsOf(assess([alarm('muted', false, [`arn:aws:sns:ap-northeast-1:${ACCOUNT}:ops-alerts`]), alarm('no-target', true, null)]), control)[ACCOUNT]).toEqual({
      status: 'fail',
      reason: 'none of 2 AWS::CloudWatch::Alarm qualifies: muted: actions disabled; no-target: no alarm actions',
    });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    expect(reasonsJaOf(assess([alarm('muted', false, [`arn:aws:sns:ap-northeast-1:${ACCOUNT}:ops-alerts`]), alarm('no-target', true, null)]), control)[ACCOUNT]).toBe(
      'AWS::CloudWatch::Alarm 2 件のいずれも条件を満たしていません: muted: アクションが無効になっています、no-target: アラームアクションが設定されていません',
    );
  });

  it('is unknown when collection failed and no alarm was seen', () => {
    expect(findingsOf(assess([], [collectionFailed()]), control)[ACCOUNT]?.status).toBe('unknown');
  });
});
