/**
 * CloudWatch Logs and CloudWatch collection (collectors/aws/monitoring.ts) through the real
 * @aws-sdk/client-cloudwatch-logs (awsJson1_1) and @aws-sdk/client-cloudwatch (awsJson1_0) against the
 * sandbox, and the two controls that read it: log group retention and the CIS metric filters with alarms.
 * Every way the data can be missing (denied call, region not collected, aggregator, a log group elsewhere)
 * must end unknown with its reason, never a pass and never a fail.
 */
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeLogGroupsCommand, DescribeMetricFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import { LOG_GROUP_TYPE, METRIC_ALARM_TYPE, METRIC_FILTER_TYPE } from '../../../collectors/aws/monitoring.js';
import { sandboxAwsClients } from '../../../collectors/aws/sandbox-clients.js';
import type { Finding } from '../../../src/evaluate/assessment.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import type { Resource } from '../../../src/model/resource.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { collectAwsSandbox, type AwsCollected as Collected } from '../../support/aws-collect.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

const TRAIL = 'AWS::CloudTrail::Trail';
const MONITORING = [LOG_GROUP_TYPE, METRIC_FILTER_TYPE, METRIC_ALARM_TYPE];
const CIS = 'aws-cis-log-metric-filter-alarms';
const RETENTION = 'aws-cloudwatch-log-group-retention';

const collect = (sandbox: Sandbox, types: readonly string[] = [TRAIL, ...MONITORING], config: Record<string, unknown> = {}): Promise<Collected> => collectAwsSandbox(sandbox, types, config);

function findings(collected: Collected, control: string): Finding[] {
  const { catalog, attestations, controls } = bundledMappings();
  const assessment = evaluate(collected.resources, collected.run.coverage, controls.filter((c) => c.id === control), catalog, attestations, NOW);
  return assessment.findings.filter((f) => f.control === control);
}

const byAccount = (list: readonly Finding[], account: string): Finding => {
  const found = list.filter((f) => f.account === account);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('CloudWatch Logs and CloudWatch collection against the sandbox', () => {
  let sandbox: Sandbox;
  let a0: string;
  let a1: string;
  let a2: string;
  let home: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 50, seed: 3 } });
    [a0, a1, a2] = sandbox.aws.accounts as [string, string, string];
    home = sandbox.aws.homeRegion;
  });
  afterAll(async () => sandbox.close());
  beforeEach(() => {
    sandbox.setFaults({});
    sandbox.aws.setRecording({});
    sandbox.resetCalls();
  });

  it('reads every page of log groups, metric filters and alarms in every region, read-only, into the region scopes', async () => {
    const { resources, run, calls } = await collect(sandbox);
    for (const account of sandbox.aws.accounts) {
      for (const region of sandbox.aws.regions) {
        const scope = run.coverage.find((s) => s.account === account && s.region === region)!;
        expect(scope.outcome.status).toBe('ok');
        expect(scope.types).toEqual(expect.arrayContaining(MONITORING));
      }
    }
    // The management account's home region: 56 log groups, 70 filters (two pages of 50), 105 alarms (two pages of 100).
    const here = (type: string): Resource[] => resources.filter((r) => r.type === type && r.account === a0 && r.region === home);
    expect(here(LOG_GROUP_TYPE)).toHaveLength(56);
    expect(here(METRIC_FILTER_TYPE)).toHaveLength(70);
    expect(here(METRIC_ALARM_TYPE)).toHaveLength(105);
    expect(new Set(here(LOG_GROUP_TYPE).map((r) => r.id)).size).toBe(56);
    const trailGroup = here(LOG_GROUP_TYPE).find((r) => r.name === 'aws-cloudtrail-logs')!;
    expect(trailGroup.id).toBe(`arn:aws:logs:${home}:${a0}:log-group:aws-cloudtrail-logs`);
    expect(trailGroup.configuration).toMatchObject({ retentionInDays: 400, logGroupArn: trailGroup.id });
    // retentionInDays omitted by the API: never expire, recorded as null.
    const a1Group = resources.find((r) => r.type === LOG_GROUP_TYPE && r.account === a1 && r.name === 'aws-cloudtrail-logs')!;
    expect(a1Group.configuration['retentionInDays']).toBeNull();
    const alarm = resources.find((r) => r.type === METRIC_ALARM_TYPE && r.account === a1 && r.name === 'RootAccountUsageAlarm')!;
    expect(alarm.configuration).toMatchObject({ actionsEnabled: true, alarmActions: [], metricName: 'RootAccountUsage', namespace: 'CISBenchmark', metrics: [] });
    expect(calls.filter((c) => c === 'DescribeMetricFilters 200').length).toBe(sandbox.aws.accounts.length * sandbox.aws.regions.length + 1);
    expect(calls.filter((c) => c === 'DescribeAlarms 200').length).toBe(sandbox.aws.accounts.length * sandbox.aws.regions.length + 1);
    expect(calls.filter((c) => c === 'DescribeLogGroups 200').length).toBe(sandbox.aws.accounts.length * sandbox.aws.regions.length + 1);
    expect(sandbox.writeOperations()).toEqual([]);
  });

  it('judges retention: at least 365 days or never expire pass, shorter fails', async () => {
    const list = findings(await collect(sandbox, [LOG_GROUP_TYPE]), RETENTION);
    const status = (account: string, region: string, name: string): string | undefined => list.find((f) => f.resourceId === `arn:aws:logs:${region}:${account}:log-group:${name}`)?.status;
    expect(status(a0, home, 'aws-cloudtrail-logs')).toBe('pass');
    expect(status(a1, home, 'aws-cloudtrail-logs')).toBe('pass');
    expect(status(a1, home, '/app/orders')).toBe('pass');
    expect(status(a2, home, '/app/orders')).toBe('fail');
    expect(status(a2, 'us-east-1', '/app/batch')).toBe('fail');
    const fail = list.find((f) => f.resourceId === `arn:aws:logs:${home}:${a2}:log-group:/app/orders`)!;
    expect(fail.reason).toBe('log group /app/orders keeps events 30 days, less than 365');
    expect(fail.reason_ja).toBe('ロググループ /app/orders の保持期間は 30 日で、365 日未満です');
    expect(list.filter((f) => f.status === 'unknown')).toEqual([]);
  });

  it('judges the CIS filters and alarms per account: complete, missing named, not delivering', async () => {
    const list = findings(await collect(sandbox), CIS);
    expect(byAccount(list, a0).status).toBe('pass');
    const partial = byAccount(list, a1);
    expect(partial.status).toBe('fail');
    expect(partial.reason).toContain(
      'a metric filter for: console authentication failures, disabling or scheduled deletion of KMS keys, S3 bucket policy changes, AWS Config configuration changes, security group changes, network ACL changes, network gateway changes, route table changes, VPC changes, AWS Organizations changes',
    );
    // The root-usage alarm has no action; the CloudTrail-changes metric has no alarm.
    expect(partial.reason).toContain('an alarm with an action on the filter\'s metric for: root user usage, CloudTrail configuration changes');
    expect(partial.reason_ja).toContain('通知先のあるアラーム: ルートユーザーの使用、CloudTrail の設定変更');
    const none = byAccount(list, a2);
    expect(none.status).toBe('fail');
    expect(none.reason).toMatch(/does not deliver to CloudWatch Logs/);
  });

  it('DescribeMetricFilters denied: the CIS control is unknown (not a fail), retention is still judged', async () => {
    sandbox.aws.setRecording({ deniedActions: ['logs:DescribeMetricFilters'] });
    const collected = await collect(sandbox);
    const scope = collected.run.coverage.find((s) => s.account === a0 && s.region === home)!;
    expect(scope.types).not.toContain(METRIC_FILTER_TYPE);
    expect(scope.gaps).toEqual([{ types: [METRIC_FILTER_TYPE], reason: { ja: expect.stringContaining('AccessDenied') as unknown, en: expect.stringMatching(/AWS::Logs::MetricFilter could not be read in .*: AccessDeniedException/) as unknown } }]);
    const list = findings(collected, CIS);
    expect(byAccount(list, a0).status).toBe('unknown');
    expect(byAccount(list, a1).status).toBe('unknown');
    expect(byAccount(list, a0).reason).toMatch(/AWS::Logs::MetricFilter/);
    // A trail that does not deliver at all fails without reading the filters.
    expect(byAccount(list, a2).status).toBe('fail');
    expect(findings(collected, RETENTION).some((f) => f.status === 'fail')).toBe(true);
  });

  it('DescribeAlarms denied (query-compatible AccessDenied): the CIS control is unknown', async () => {
    sandbox.aws.setRecording({ deniedActions: ['cloudwatch:DescribeAlarms'] });
    const collected = await collect(sandbox);
    expect(collected.calls).toContain('DescribeAlarms AccessDenied');
    const list = findings(collected, CIS);
    expect(byAccount(list, a0).status).toBe('unknown');
    expect(byAccount(list, a1).status).toBe('unknown');
  });

  it('DescribeLogGroups denied: retention is unknown per region, and so is the CIS control (the trail\'s log group cannot be seen)', async () => {
    sandbox.aws.setRecording({ deniedActions: ['logs:DescribeLogGroups'] });
    const collected = await collect(sandbox);
    const retention = findings(collected, RETENTION);
    expect(retention.length).toBe(sandbox.aws.accounts.length * sandbox.aws.regions.length);
    expect(new Set(retention.map((f) => f.status))).toEqual(new Set(['unknown']));
    expect(byAccount(findings(collected, CIS), a0).status).toBe('unknown');
  });

  it('the trail\'s home region not collected: unknown, never fail or pass', async () => {
    const others = sandbox.aws.regions.filter((r) => r !== home);
    const collected = await collect(sandbox, [TRAIL, ...MONITORING], { regions: others });
    const list = findings(collected, CIS);
    for (const account of sandbox.aws.accounts) {
      const finding = byAccount(list, account);
      expect(finding.status).toBe('unknown');
      expect(finding.reason).toMatch(new RegExp(home));
    }
  });

  it('a trail whose log group ARN names another region: unknown with the reason', async () => {
    const collected = await collect(sandbox);
    // The trail as AWS Config would record a delivery to a log group outside the trail's region.
    const resources = collected.resources.map((r) =>
      r.type === TRAIL && r.account === a0
        ? { ...r, configuration: { ...r.configuration, cloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${a0}:log-group:aws-cloudtrail-logs:*` } }
        : r,
    );
    const list = findings({ ...collected, resources }, CIS);
    const finding = byAccount(list, a0);
    expect(finding.status).toBe('unknown');
    expect(finding.reason).toMatch(/another Region or account than the trail/);
  });

  it('a trail delivering to a log group that does not exist fails, naming it', async () => {
    const collected = await collect(sandbox);
    const resources = collected.resources.map((r) =>
      r.type === TRAIL && r.account === a0 ? { ...r, configuration: { ...r.configuration, cloudWatchLogsLogGroupArn: `arn:aws:logs:${home}:${a0}:log-group:deleted-group:*` } } : r,
    );
    const finding = byAccount(findings({ ...collected, resources }, CIS), a0);
    expect(finding.status).toBe('fail');
    expect(finding.reason).toContain(`the log group arn:aws:logs:${home}:${a0}:log-group:deleted-group of trail`);
  });

  it('no trail at all in an account: fail (nothing delivers)', async () => {
    const collected = await collect(sandbox);
    const resources = collected.resources.filter((r) => !(r.type === TRAIL && r.account === a0));
    const finding = byAccount(findings({ ...collected, resources }, CIS), a0);
    expect(finding.status).toBe('fail');
  });

  it('a metric-math alarm on the filter metric counts; a reordered, re-spaced pattern still matches; CreateRouteTable is not CreateRoute', async () => {
    const collected = await collect(sandbox);
    const resources = collected.resources.flatMap((r): Resource[] => {
      if (r.account !== a0 || r.region !== home) return [r];
      if (r.type === METRIC_ALARM_TYPE && r.name === 'CloudTrailChangesAlarm') return [{ ...r, configuration: { ...r.configuration, metricName: null, namespace: null, metrics: [{ metricName: 'CloudTrailChanges', namespace: 'CISBenchmark' }] } }];
      if (r.type === METRIC_FILTER_TYPE && r.name === 'SecurityGroupChangesFilter') {
        const pattern = '{($.eventName="DeleteSecurityGroup")||($.eventName="CreateSecurityGroup")||($.eventName=RevokeSecurityGroupEgress)||($.eventName=RevokeSecurityGroupIngress)||($.eventName=AuthorizeSecurityGroupEgress)||($.eventName=AuthorizeSecurityGroupIngress)}';
        return [{ ...r, configuration: { ...r.configuration, filterPattern: pattern } }];
      }
      return [r];
    });
    expect(byAccount(findings({ ...collected, resources }, CIS), a0).status).toBe('pass');
    const routes = resources.map((r) =>
      r.type === METRIC_FILTER_TYPE && r.account === a0 && r.name === 'RouteTableChangesFilter'
        ? { ...r, configuration: { ...r.configuration, filterPattern: String(r.configuration['filterPattern']).replace('($.eventName = CreateRoute) || ', '') } }
        : r,
    );
    const finding = byAccount(findings({ ...collected, resources: routes }, CIS), a0);
    expect(finding.status).toBe('fail');
    expect(finding.reason).toContain('a metric filter for: route table changes');
  });

  it('in aggregator mode the CloudWatch types are not collected: every finding unknown, none called', async () => {
    const collected = await collect(sandbox, [TRAIL, ...MONITORING], { aggregator: { name: sandbox.aws.aggregatorName, region: home } });
    expect(collected.calls.filter((c) => /DescribeLogGroups|DescribeMetricFilters|DescribeAlarms/.test(c))).toEqual([]);
    const retention = findings(collected, RETENTION);
    expect(retention.length).toBeGreaterThan(0);
    expect(new Set(retention.map((f) => f.status))).toEqual(new Set(['unknown']));
    const cis = findings(collected, CIS);
    expect(byAccount(cis, a0).status).toBe('unknown');
    expect(byAccount(cis, a0).reason).toMatch(/aggregator/);
    expect(byAccount(cis, a1).status).toBe('unknown');
    // A trail that delivers nowhere fails on its own record, whatever CloudWatch holds.
    expect(byAccount(cis, a2).status).toBe('fail');
  });

  it('server errors are retried; when they persist the types are unknown, never fail', async () => {
    sandbox.setFaults({ serverErrorRate: 1 });
    // An explicit list: region discovery fails too, and the listed regions are still collected. The
    // query-compatible InternalServiceError reaches the SDK as its modelled InternalServiceFault.
    const collected = await collect(sandbox, MONITORING, { regions: sandbox.aws.regions });
    expect(collected.calls.filter((c) => c === 'DescribeLogGroups ServiceUnavailableException').length).toBe(2 * sandbox.aws.accounts.length * sandbox.aws.regions.length);
    expect(collected.calls.filter((c) => c === 'DescribeAlarms InternalServiceFault').length).toBe(2 * sandbox.aws.accounts.length * sandbox.aws.regions.length);
    expect(new Set(findings(collected, RETENTION).map((f) => f.status))).toEqual(new Set(['unknown']));
  });

  it('the sandbox validates page sizes and tokens as the APIs document them', async () => {
    const clients = sandboxAwsClients(sandbox.aws);
    try {
      const logs = clients.logs({ account: a0, region: home });
      const cloudwatch = clients.cloudwatch({ account: a0, region: home });
      await expect(logs.send(new DescribeLogGroupsCommand({ limit: 51 }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
      await expect(logs.send(new DescribeMetricFiltersCommand({ nextToken: 'not-a-token' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
      await expect(logs.send(new DescribeMetricFiltersCommand({ logGroupName: 'no-such-group' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      await expect(cloudwatch.send(new DescribeAlarmsCommand({ NextToken: 'not-a-token' }))).rejects.toMatchObject({ name: 'InvalidNextToken' });
      // Defaults: 50 log groups and 50 alarms a page, then a token.
      const first = await logs.send(new DescribeLogGroupsCommand({}));
      expect(first.logGroups).toHaveLength(50);
      expect(first.nextToken).toBeDefined();
      const alarms = await cloudwatch.send(new DescribeAlarmsCommand({}));
      expect(alarms.MetricAlarms).toHaveLength(50);
      expect(alarms.NextToken).toBeDefined();
      expect((await cloudwatch.send(new DescribeAlarmsCommand({ AlarmTypes: ['CompositeAlarm'] }))).MetricAlarms).toEqual([]);
    } finally {
      clients.close();
    }
  });

  it('does not call CloudWatch when no enabled control reads its types', async () => {
    const { calls } = await collect(sandbox, ['AWS::EC2::Volume']);
    expect(calls.filter((c) => /DescribeLogGroups|DescribeMetricFilters|DescribeAlarms/.test(c))).toEqual([]);
  });
});
