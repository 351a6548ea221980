/**
 * CloudWatch Logs log groups, their metric filters and CloudWatch metric alarms, read per account ×
 * collected region from their own APIs (AWS Config records none of them): what retention log groups keep
 * (checklist 3-13) and whether the CIS AWS Foundations Benchmark metric filters and alarms watch the log
 * group a CloudTrail trail delivers to (7-1). Called by the AWS collector for the types an enabled
 * control reads, with the account's credentials, limiter and retries.
 *
 * Types (documented in the README):
 * - `AWS::Logs::LogGroup`: DescribeLogGroups. `retentionInDays` null when the API omits it: the events
 *   never expire (CloudWatch Logs API reference, LogGroup: "If you omit retentionInDays … the events in
 *   the log group are always retained and never expire").
 * - `AWS::Logs::MetricFilter`: DescribeMetricFilters over the whole region, with the log group's ARN.
 * - `AWS::CloudWatch::MetricAlarm`: DescribeAlarms' MetricAlarms (composite alarms watch alarms, not
 *   metrics). The SNS topics an alarm notifies are not read: whether they have subscribers is unknown
 *   to kansa (Prowler does not check it for these alarms either; Security Hub CloudWatch.1–14 does).
 *
 * Each type succeeds or fails on its own: a denied or failed call leaves that type out of the region's
 * scope with the reason (its controls are unknown there), never a fail.
 */
import { DescribeAlarmsCommand, type CloudWatchClient, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { DescribeLogGroupsCommand, DescribeMetricFiltersCommand, type CloudWatchLogsClient, type LogGroup, type MetricFilter } from '@aws-sdk/client-cloudwatch-logs';
import { errorMessage } from '../../src/errors.js';
import type { CoverageGap, Resource } from '../../src/model/resource.js';
import type { Bilingual } from '../../src/model/text.js';
import type { CollectContext } from '../types.js';
import { LOG_GROUP_TYPE, METRIC_ALARM_TYPE, METRIC_FILTER_TYPE, MONITORING_TYPES } from './monitoring-types.js';
import { runTypeJobs } from './type-jobs.js';

export { LOG_GROUP_TYPE, METRIC_ALARM_TYPE, METRIC_FILTER_TYPE, MONITORING_TYPES } from './monitoring-types.js';

/** DescribeLogGroups and DescribeMetricFilters: `limit` 1–50 (CloudWatch Logs API reference). */
export const LOGS_PAGE_SIZE = 50;
/** DescribeAlarms: `MaxRecords` 1–100 (CloudWatch API reference). */
export const ALARMS_PAGE_SIZE = 100;

/** How the AWS collector runs one call: counted, paced, retried; throws the final error. */
export type MonitoringCall = <T>(operation: string, fn: () => Promise<T>) => Promise<T>;

export interface MonitoringTarget {
  readonly account: string;
  readonly region: string;
  readonly logs: CloudWatchLogsClient;
  readonly cloudwatch: CloudWatchClient;
  readonly call: MonitoringCall;
}

/** What one region's monitoring collection covers, and why not the rest. */
export interface MonitoringRegion {
  readonly types: readonly string[];
  readonly gaps: readonly CoverageGap[];
  readonly resources: number;
}

export async function collectMonitoring(context: CollectContext, target: MonitoringTarget, wanted: readonly string[]): Promise<MonitoringRegion> {
  const jobs: Record<string, () => Promise<Resource[]>> = {
    [LOG_GROUP_TYPE]: () => logGroups(context, target),
    [METRIC_FILTER_TYPE]: () => metricFilters(context, target),
    [METRIC_ALARM_TYPE]: () => metricAlarms(context, target),
  };
  const types = wanted.filter((t) => MONITORING_TYPES.has(t)).sort();
  return runTypeJobs(context, types, jobs, (type, error) => {
    const message = errorMessage(error);
    context.logger.warn({ provider: 'aws', account: target.account, region: target.region, type, error: message }, 'CloudWatch data could not be collected in this region: its controls are unknown there');
    return failedReason(type, target.region, message);
  });
}

/** The types an aggregator cannot reach (no per-account credentials). */
export function aggregatorMonitoringReason(aggregator: string): Bilingual {
  return {
    ja: `CloudWatch Logs のロググループ、メトリクスフィルター、CloudWatch アラームはアカウントごとの API から取得するため、アグリゲーター ${aggregator} 経由では収集されません（collectors.aws.accounts で各アカウントを設定してください）`,
    en: `CloudWatch Logs log groups, metric filters and CloudWatch alarms come from each account's APIs, not through aggregator ${aggregator} (configure the accounts under collectors.aws.accounts)`,
  };
}

function failedReason(type: string, region: string, message: string): Bilingual {
  return { ja: `${region} の ${type} を取得できませんでした（${message}）`, en: `${type} could not be read in ${region}: ${message}` };
}

/** The partition of a region (aws-cn, aws-us-gov, or aws), for ARNs the APIs do not return. */
function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

/** A log group's ARN without the trailing `:*` DescribeLogGroups' `arn` carries (CloudTrail names it either way). */
function logGroupArn(target: MonitoringTarget, name: string): string {
  return `arn:${partitionOf(target.region)}:logs:${target.region}:${target.account}:log-group:${name}`;
}

/** Every page of a token-paged listing. */
async function allPages<P, T>(fetch: (token: string | undefined) => Promise<P>, items: (page: P) => readonly T[] | undefined, next: (page: P) => string | undefined, operation: string): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await fetch(token);
    out.push(...(items(page) ?? []));
    token = next(page) || undefined;
    // A token that comes back again would page for ever.
    if (token !== undefined) {
      if (seen.has(token)) throw new Error(`${operation} returned the same nextToken twice`);
      seen.add(token);
    }
  } while (token !== undefined);
  return out;
}

function resource(context: CollectContext, target: MonitoringTarget, type: string, id: string, name: string, configuration: Record<string, unknown>): Resource {
  return { provider: 'aws', account: target.account, region: target.region, type, id, name, arn: id, tags: {}, configuration, supplementary: {}, relationships: [], capturedAt: context.now().toISOString() };
}

/** The configuration of `AWS::Logs::LogGroup`. */
export interface LogGroupConfiguration {
  readonly logGroupName: string;
  readonly logGroupArn: string;
  /** Null: the events never expire. */
  readonly retentionInDays: number | null;
  readonly kmsKeyId: string | null;
  readonly creationTime: number | null;
  readonly storedBytes: number | null;
  readonly metricFilterCount: number | null;
}

async function logGroups(context: CollectContext, target: MonitoringTarget): Promise<Resource[]> {
  const groups = await allPages<{ logGroups?: LogGroup[] | undefined; nextToken?: string | undefined }, LogGroup>(
    (nextToken) => target.call('DescribeLogGroups', () => target.logs.send(new DescribeLogGroupsCommand({ limit: LOGS_PAGE_SIZE, ...(nextToken ? { nextToken } : {}) }), { abortSignal: context.signal })),
    (p) => p.logGroups,
    (p) => p.nextToken,
    'DescribeLogGroups',
  );
  return groups.map((g) => {
    if (!g.logGroupName) throw new Error('DescribeLogGroups returned a log group without logGroupName');
    const arn = logGroupArn(target, g.logGroupName);
    const configuration: LogGroupConfiguration = {
      logGroupName: g.logGroupName,
      logGroupArn: arn,
      retentionInDays: g.retentionInDays ?? null,
      kmsKeyId: g.kmsKeyId ?? null,
      creationTime: g.creationTime ?? null,
      storedBytes: g.storedBytes ?? null,
      metricFilterCount: g.metricFilterCount ?? null,
    };
    return resource(context, target, LOG_GROUP_TYPE, arn, g.logGroupName, configuration as unknown as Record<string, unknown>);
  });
}

/** The configuration of `AWS::Logs::MetricFilter`. */
export interface MetricFilterConfiguration {
  readonly filterName: string;
  readonly filterPattern: string;
  readonly logGroupName: string;
  readonly logGroupArn: string;
  readonly metricTransformations: readonly { readonly metricName: string; readonly metricNamespace: string }[];
}

async function metricFilters(context: CollectContext, target: MonitoringTarget): Promise<Resource[]> {
  const filters = await allPages<{ metricFilters?: MetricFilter[] | undefined; nextToken?: string | undefined }, MetricFilter>(
    (nextToken) => target.call('DescribeMetricFilters', () => target.logs.send(new DescribeMetricFiltersCommand({ limit: LOGS_PAGE_SIZE, ...(nextToken ? { nextToken } : {}) }), { abortSignal: context.signal })),
    (p) => p.metricFilters,
    (p) => p.nextToken,
    'DescribeMetricFilters',
  );
  return filters.map((f) => {
    if (!f.filterName || !f.logGroupName) throw new Error('DescribeMetricFilters returned a filter without filterName or logGroupName');
    const arn = logGroupArn(target, f.logGroupName);
    const configuration: MetricFilterConfiguration = {
      filterName: f.filterName,
      // An empty pattern matches every event (FilterAndPatternSyntax); absent is read the same way.
      filterPattern: f.filterPattern ?? '',
      logGroupName: f.logGroupName,
      logGroupArn: arn,
      metricTransformations: (f.metricTransformations ?? []).map((m) => ({ metricName: m.metricName ?? '', metricNamespace: m.metricNamespace ?? '' })),
    };
    return resource(context, target, METRIC_FILTER_TYPE, `${arn}:metric-filter:${f.filterName}`, f.filterName, configuration as unknown as Record<string, unknown>);
  });
}

/** The configuration of `AWS::CloudWatch::MetricAlarm`. */
export interface MetricAlarmConfiguration {
  readonly alarmName: string;
  readonly actionsEnabled: boolean;
  readonly alarmActions: readonly string[];
  readonly stateValue: string | null;
  /** The metric a single-metric alarm watches; null for a metric-math alarm. */
  readonly metricName: string | null;
  readonly namespace: string | null;
  /** The metrics a metric-math alarm's queries read (MetricStat), empty for a single-metric alarm. */
  readonly metrics: readonly { readonly metricName: string; readonly namespace: string }[];
}

async function metricAlarms(context: CollectContext, target: MonitoringTarget): Promise<Resource[]> {
  const alarms = await allPages<{ MetricAlarms?: MetricAlarm[] | undefined; NextToken?: string | undefined }, MetricAlarm>(
    (NextToken) =>
      target.call('DescribeAlarms', () => target.cloudwatch.send(new DescribeAlarmsCommand({ AlarmTypes: ['MetricAlarm'], MaxRecords: ALARMS_PAGE_SIZE, ...(NextToken ? { NextToken } : {}) }), { abortSignal: context.signal })),
    (p) => p.MetricAlarms,
    (p) => p.NextToken,
    'DescribeAlarms',
  );
  return alarms.map((a) => {
    if (!a.AlarmName) throw new Error('DescribeAlarms returned an alarm without AlarmName');
    const configuration: MetricAlarmConfiguration = {
      alarmName: a.AlarmName,
      // API reference: ActionsEnabled defaults to true.
      actionsEnabled: a.ActionsEnabled ?? true,
      alarmActions: a.AlarmActions ?? [],
      stateValue: a.StateValue ?? null,
      metricName: a.MetricName ?? null,
      namespace: a.Namespace ?? null,
      metrics: (a.Metrics ?? []).flatMap((q) => (q.MetricStat?.Metric?.MetricName ? [{ metricName: q.MetricStat.Metric.MetricName, namespace: q.MetricStat.Metric.Namespace ?? '' }] : [])),
    };
    const arn = a.AlarmArn ?? `arn:${partitionOf(target.region)}:cloudwatch:${target.region}:${target.account}:alarm:${a.AlarmName}`;
    return resource(context, target, METRIC_ALARM_TYPE, arn, a.AlarmName, configuration as unknown as Record<string, unknown>);
  });
}
