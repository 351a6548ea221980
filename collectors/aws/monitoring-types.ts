/**
 * The CloudWatch types the AWS collector reads from each account's CloudWatch Logs and CloudWatch APIs
 * (monitoring.ts), named here without the SDKs so offline inputs and tests can refer to them cheaply.
 * AWS Config records none of them as read here: log groups and metric filters not at all, and its
 * `AWS::CloudWatch::Alarm` is a different record (what a recorder captured), hence kansa's own name for
 * the alarms DescribeAlarms returns.
 */
export const LOG_GROUP_TYPE = 'AWS::Logs::LogGroup';
export const METRIC_FILTER_TYPE = 'AWS::Logs::MetricFilter';
export const METRIC_ALARM_TYPE = 'AWS::CloudWatch::MetricAlarm';
/** Never selected from AWS Config. */
export const MONITORING_TYPES: ReadonlySet<string> = new Set([LOG_GROUP_TYPE, METRIC_FILTER_TYPE, METRIC_ALARM_TYPE]);
