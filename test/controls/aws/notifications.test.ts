/** Service-health notifications (mappings/controls/aws/notifications.yaml). */
import { assess, configItem, findingsOf, reasonsJaOf } from '../../support/evaluate.js';
import { ACCOUNT, collected, collectionFailed } from '../../fixtures/aws/samples.js';

const control = 'aws-health-event-notifications';

function rule(name: string, extra: Record<string, unknown>): Record<string, unknown> {
  const arn = `arn:aws:events:ap-northeast-1:${ACCOUNT}:rule/${name}`;
  return configItem({
    type: 'AWS::Events::Rule',
    id: name,
    arn,
    configuration: { Name: name, Arn: arn, EventBusName: 'default', State: 'ENABLED', Targets: [{ Id: 'ops-sns', Arn: `arn:aws:sns:ap-northeast-1:${ACCOUNT}:ops-alerts` }], ...extra },
  });
}

describe('aws-health-event-notifications (exists per account)', () => {
  it('passes an enabled rule matching aws.health with a target (pattern as JSON string or object)', () => {
    expect(findingsOf(assess([rule('health-to-sns', { EventPattern: '{"source":["aws.health"],"detail-type":["AWS Health Event"]}' })]), control)['health-to-sns']?.status).toBe('pass');
    expect(findingsOf(assess([rule('health-object', { EventPattern: { source: 'aws.health' } })]), control)['health-object']?.status).toBe('pass');
  });

  it('fails when Health rules are disabled, have no target or sit on a custom bus, and when rules match other sources', () => {
    const f = findingsOf(
      assess([
        rule('health-disabled', { State: 'DISABLED', EventPattern: '{"source":["aws.health"]}' }),
        rule('health-no-target', { Targets: [], EventPattern: '{"source":["aws.health"]}' }),
        rule('ec2-state', { EventPattern: '{"source":["aws.ec2"],"detail-type":["EC2 Instance State-change Notification"]}' }),
        rule('health-custom-bus', { EventBusName: 'ops', EventPattern: '{"source":["aws.health"]}' }),
      ]),
      control,
    );
    expect(f[ACCOUNT]).toEqual({
      status: 'fail',
      reason:
        'none of 4 AWS::Events::Rule qualifies: health-disabled: rule health-disabled: state DISABLED; health-no-target: rule health-no-target: no targets; ec2-state: rule ec2-state: event pattern does not match source aws.health',
    });
    expect(findingsOf(assess([], [collected()]), control)[ACCOUNT]).toEqual({ status: 'fail', reason: 'no AWS::Events::Rule in this account' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const ja = reasonsJaOf(
      assess([
        rule('health-disabled', { State: 'DISABLED', EventPattern: '{"source":["aws.health"]}' }),
        rule('health-no-target', { Targets: [], EventPattern: '{"source":["aws.health"]}' }),
        rule('ec2-state', { EventPattern: '{"source":["aws.ec2"]}' }),
      ]),
      control,
    );
    expect(ja[ACCOUNT]).toBe(
      'AWS::Events::Rule 3 件のいずれも条件を満たしていません: health-disabled: ルール health-disabled: 状態が DISABLED です、health-no-target: ルール health-no-target: ターゲットがありません、ec2-state: ルール ec2-state: イベントパターンが source aws.health に一致しません',
    );
    const custom = assess([rule('health-custom-bus', { EventBusName: 'ops', EventPattern: '{"source":["aws.health"]}' })]);
    expect(findingsOf(custom, control)[ACCOUNT]?.reason).toBe('none of 1 AWS::Events::Rule qualifies: health-custom-bus: rule health-custom-bus: on event bus ops, which does not receive AWS Health events');
    expect(reasonsJaOf(custom, control)[ACCOUNT]).toBe(
      'AWS::Events::Rule 1 件のいずれも条件を満たしていません: health-custom-bus: ルール health-custom-bus: イベントバス ops 上にあり、このバスは AWS Health のイベントを受信しません',
    );
  });

  it('is unknown when collection failed or the pattern cannot be parsed', () => {
    expect(findingsOf(assess([], [collectionFailed()]), control)[ACCOUNT]?.status).toBe('unknown');
    expect(findingsOf(assess([rule('garbled', { EventPattern: '{"source":' })]), control)[ACCOUNT]?.status).toBe('unknown');
  });
});
