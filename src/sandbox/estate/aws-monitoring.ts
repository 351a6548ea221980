/**
 * The CloudWatch Logs log groups, metric filters and CloudWatch metric alarms of the sandbox's AWS
 * accounts (served by aws-logs.ts and aws-cloudwatch.ts), in the shapes DescribeLogGroups,
 * DescribeMetricFilters and DescribeAlarms return. AWS Config records none of them.
 *
 * The estate's CloudTrail trail (estate/aws-resources.ts) delivers to `aws-cloudtrail-logs` in the home
 * region of every account but each third one. Per account index:
 * - 0 (management): the trail's log group keeps events 400 days and carries the fifteen CIS AWS
 *   Foundations Benchmark metric filters, each watched by an alarm that notifies an SNS topic;
 *   enough other log groups, filters and alarms that every Describe call needs a second page.
 * - 1: the trail's log group never expires events; the filters for root usage, unauthorized calls,
 *   console sign-in without MFA, IAM policy and CloudTrail changes only, the root-usage alarm without
 *   any action, no alarm for the CloudTrail-changes metric.
 * - 2 and others (no trail delivery): application log groups, some without retention, some with 30 days.
 * Other regions hold two application log groups each (7 days, and none).
 */
export interface SandboxLogGroup {
  readonly logGroupName: string;
  readonly arn: string;
  readonly logGroupArn: string;
  readonly creationTime: number;
  readonly retentionInDays?: number;
  readonly metricFilterCount: number;
  readonly storedBytes: number;
  readonly logGroupClass: 'STANDARD';
}

export interface SandboxMetricFilter {
  readonly filterName: string;
  readonly filterPattern: string;
  readonly logGroupName: string;
  readonly creationTime: number;
  readonly metricTransformations: readonly { metricName: string; metricNamespace: string; metricValue: string }[];
}

export interface SandboxMetricAlarm {
  readonly AlarmName: string;
  readonly AlarmArn: string;
  readonly ActionsEnabled: boolean;
  readonly AlarmActions: readonly string[];
  readonly MetricName: string;
  readonly Namespace: string;
  readonly Statistic: 'Sum';
  readonly Period: number;
  readonly EvaluationPeriods: number;
  readonly Threshold: number;
  readonly ComparisonOperator: 'GreaterThanOrEqualToThreshold';
  readonly StateValue: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
}

export interface SandboxMonitoring {
  readonly logGroups: readonly SandboxLogGroup[];
  readonly metricFilters: readonly SandboxMetricFilter[];
  readonly alarms: readonly SandboxMetricAlarm[];
}

/** The trail's log group (estate/aws-resources.ts, CloudTrail trail: cloudWatchLogsLogGroupArn). */
export const TRAIL_LOG_GROUP = 'aws-cloudtrail-logs';
const NAMESPACE = 'CISBenchmark';
/** Fixed, so answers are reproducible: 2024-01-01. */
const CREATED_MS = Date.UTC(2024, 0, 1);

/**
 * The CIS AWS Foundations Benchmark monitoring filters as the benchmark writes them (v1.4.0 section 4 and
 * v3.0.0 4.15, also printed in the AWS Security Hub user guide, "Security Hub controls for CloudWatch",
 * CloudWatch.1–14). Keyed by the metric name the estate gives them.
 */
export const CIS_FILTER_PATTERNS: Readonly<Record<string, string>> = {
  RootAccountUsage: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
  UnauthorizedAPICalls: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
  ConsoleSigninWithoutMFA: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
  IAMPolicyChanges:
    '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}',
  CloudTrailChanges: '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }',
  ConsoleAuthenticationFailures: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
  DisableOrDeleteCMK: '{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }',
  S3BucketPolicyChanges:
    '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }',
  AWSConfigChanges:
    '{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }',
  SecurityGroupChanges:
    '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }',
  NACLChanges:
    '{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }',
  NetworkGatewayChanges:
    '{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }',
  RouteTableChanges:
    '{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }',
  VPCChanges:
    '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }',
  OrganizationsChanges:
    '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }',
};

/** The metrics account index 1 has filters for (the first five). */
const PARTIAL_METRICS = ['RootAccountUsage', 'UnauthorizedAPICalls', 'ConsoleSigninWithoutMFA', 'IAMPolicyChanges', 'CloudTrailChanges'];
/** Application log groups, filters and alarms of the management account's home region: more than one page of each. */
const MANY = 55;
/** DescribeAlarms pages hold up to 100: the management account has more. */
const MANY_ALARMS = 105;

function logGroup(account: string, region: string, name: string, retentionInDays: number | undefined, filters: number): SandboxLogGroup {
  const base = `arn:aws:logs:${region}:${account}:log-group:${name}`;
  return {
    logGroupName: name,
    arn: `${base}:*`,
    logGroupArn: base,
    creationTime: CREATED_MS,
    ...(retentionInDays === undefined ? {} : { retentionInDays }),
    metricFilterCount: filters,
    storedBytes: 1_048_576,
    logGroupClass: 'STANDARD',
  };
}

function filter(logGroupName: string, metricName: string, pattern: string): SandboxMetricFilter {
  return { filterName: `${metricName}Filter`, filterPattern: pattern, logGroupName, creationTime: CREATED_MS, metricTransformations: [{ metricName, metricNamespace: NAMESPACE, metricValue: '1' }] };
}

function alarm(account: string, region: string, metricName: string, actions: boolean): SandboxMetricAlarm {
  const name = `${metricName}Alarm`;
  return {
    AlarmName: name,
    AlarmArn: `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`,
    ActionsEnabled: true,
    AlarmActions: actions ? [`arn:aws:sns:${region}:${account}:security-alerts`] : [],
    MetricName: metricName,
    Namespace: NAMESPACE,
    Statistic: 'Sum',
    Period: 300,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    StateValue: 'OK',
  };
}

/** What one account × region holds; names are sorted as the APIs list them. */
export function sandboxMonitoring(accountIndex: number, account: string, region: string, isHomeRegion: boolean): SandboxMonitoring {
  if (!isHomeRegion) return { logGroups: [logGroup(account, region, '/app/batch', 7, 0), logGroup(account, region, '/app/web', undefined, 0)], metricFilters: [], alarms: [] };
  const logGroups: SandboxLogGroup[] = [];
  const metricFilters: SandboxMetricFilter[] = [];
  const alarms: SandboxMetricAlarm[] = [];
  if (accountIndex === 0) {
    for (const [metric, pattern] of Object.entries(CIS_FILTER_PATTERNS)) {
      metricFilters.push(filter(TRAIL_LOG_GROUP, metric, pattern));
      alarms.push(alarm(account, region, metric, true));
    }
    logGroups.push(logGroup(account, region, TRAIL_LOG_GROUP, 400, metricFilters.length));
    for (let i = 0; i < MANY; i++) {
      const name = `/app/service-${String(i).padStart(3, '0')}`;
      logGroups.push(logGroup(account, region, name, 731, 1));
      metricFilters.push(filter(name, `Errors${i}`, '?ERROR ?Exception'));
    }
    for (let i = 0; alarms.length < MANY_ALARMS; i++) alarms.push(alarm(account, region, `Errors${i}`, true));
  } else if (accountIndex === 1) {
    for (const metric of PARTIAL_METRICS) metricFilters.push(filter(TRAIL_LOG_GROUP, metric, CIS_FILTER_PATTERNS[metric]!));
    // The root-usage alarm notifies nobody; the CloudTrail-changes metric has no alarm at all.
    for (const metric of PARTIAL_METRICS.filter((m) => m !== 'CloudTrailChanges')) alarms.push(alarm(account, region, metric, metric !== 'RootAccountUsage'));
    logGroups.push(logGroup(account, region, TRAIL_LOG_GROUP, undefined, metricFilters.length));
    logGroups.push(logGroup(account, region, '/app/orders', 365, 0));
  } else {
    logGroups.push(logGroup(account, region, '/app/orders', 30, 0), logGroup(account, region, '/app/web', undefined, 0));
  }
  const byName = <T>(key: (x: T) => string) => (a: T, b: T): number => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  return {
    logGroups: logGroups.sort(byName((g) => g.logGroupName)),
    metricFilters: metricFilters.sort(byName((f) => `${f.logGroupName}\u0000${f.filterName}`)),
    alarms: alarms.sort(byName((a) => a.AlarmName)),
  };
}
