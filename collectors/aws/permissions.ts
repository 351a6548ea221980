/**
 * Every AWS API operation collectors/aws/config-service.ts (and identity.ts, cloudtrail.ts, monitoring.ts, regional.ts) can call, and the IAM action it needs.
 * Plain data: `kansa permissions --provider aws` and deploy/iam/aws-policy.json are generated from it,
 * and tests check it against the commands the collector imports and the calls the sandbox sees.
 * Modes: `accounts` (per-account Select, optionally through an assumed role) and `aggregator`.
 * Some operations sit outside AWS Config (STS, the Account API, IAM, CloudTrail, CloudWatch Logs, CloudWatch, EC2, Inspector, Security Hub, Lambda): the policy names their own actions.
 */
import type { PermissionDeclaration } from '../../src/permissions/model.js';

export const AWS_PERMISSIONS: PermissionDeclaration = {
  provider: 'aws',
  collector: 'aws-config',
  operations: [
    {
      operation: 'GetCallerIdentity',
      actions: ['sts:GetCallerIdentity'],
      modes: ['accounts'],
      // AWS documents that no permission is needed and an explicit deny does not apply; listed so the role says what kansa calls.
      reason: 'checks that the credentials (after any role assumption) belong to the configured account before anything is attributed to it',
    },
    {
      operation: 'ListRegions',
      actions: ['account:ListRegions'],
      modes: ['accounts'],
      reason: 'discovers the regions enabled for each account (ENABLED, ENABLED_BY_DEFAULT): the default region list, and the regions an explicit list leaves out',
    },
    {
      operation: 'DescribeConfigurationRecorders',
      actions: ['config:DescribeConfigurationRecorders'],
      modes: ['accounts'],
      reason: 'which resource types each region\'s AWS Config recorder records: a type it does not record is reported as not covered, never as compliant',
    },
    {
      operation: 'DescribeConfigurationRecorderStatus',
      actions: ['config:DescribeConfigurationRecorderStatus'],
      modes: ['accounts'],
      reason: 'whether each region\'s recorder is recording and its last recording succeeded',
    },
    {
      operation: 'DescribeConfigurationAggregatorSourcesStatus',
      actions: ['config:DescribeConfigurationAggregatorSourcesStatus'],
      modes: ['aggregator'],
      reason: 'which source accounts and regions the aggregator holds current data for: failed or outdated sources are reported, never silent',
    },
    {
      operation: 'SelectResourceConfig',
      actions: ['config:SelectResourceConfig'],
      modes: ['accounts'],
      reason: 'advanced query of the configuration items AWS Config recorded, per account and region, only the types enabled controls read',
    },
    {
      operation: 'BatchGetResourceConfig',
      actions: ['config:BatchGetResourceConfig'],
      modes: ['accounts'],
      forTypesMatching: '^AWS::S3::Bucket$',
      reason: 'S3 bucket settings live in supplementaryConfiguration, which Select does not return: fetched 100 items a call',
    },
    {
      operation: 'SelectAggregateResourceConfig',
      actions: ['config:SelectAggregateResourceConfig'],
      modes: ['aggregator'],
      reason: 'the same query across the organization through a configuration aggregator',
    },
    {
      operation: 'BatchGetAggregateResourceConfig',
      actions: ['config:BatchGetAggregateResourceConfig'],
      modes: ['aggregator'],
      forTypesMatching: '^AWS::S3::Bucket$',
      reason: 'S3 bucket supplementary configuration through the aggregator',
    },
    // IAM (collectors/aws/identity.ts): per account, only for the identity pseudo-types enabled controls read.
    {
      operation: 'GenerateCredentialReport',
      actions: ['iam:GenerateCredentialReport'],
      modes: ['accounts'],
      forTypesMatching: '^AWS::IAM::CredentialReportUser$',
      // It changes no configuration: IAM reuses a report from the last four hours, else starts one.
      reason: 'starts (or reuses, within four hours) the account\'s IAM credential report, which GetCredentialReport reads',
    },
    {
      operation: 'GetCredentialReport',
      actions: ['iam:GetCredentialReport'],
      modes: ['accounts'],
      forTypesMatching: '^AWS::IAM::CredentialReportUser$',
      reason: 'the credential report: per user and the root user, console password, MFA, access key ages and last use (no key material)',
    },
    {
      operation: 'GetAccountSummary',
      actions: ['iam:GetAccountSummary'],
      modes: ['accounts'],
      forTypesMatching: '^AWS::IAM::AccountSummary$',
      reason: 'whether the root user has MFA and access keys (AccountMFAEnabled, AccountAccessKeysPresent)',
    },
    {
      operation: 'ListVirtualMFADevices',
      actions: ['iam:ListVirtualMFADevices'],
      modes: ['accounts'],
      forTypesMatching: '^AWS::IAM::AccountSummary$',
      reason: 'whether the root user\'s MFA device is virtual or hardware',
    },
    {
      operation: 'GetAccountPasswordPolicy',
      actions: ['iam:GetAccountPasswordPolicy'],
      modes: ['accounts'],
      forTypesMatching: '^AWS::IAM::PasswordPolicy$',
      reason: 'the account password policy (length, reuse, expiry); none set is a finding',
    },
    // CloudTrail (collectors/aws/cloudtrail.ts): per account, only for AWS::CloudTrail::TrailStatus.
    {
      operation: 'DescribeTrails',
      actions: ['cloudtrail:DescribeTrails'],
      modes: ['accounts'],
      forTypesMatching: '^AWS::CloudTrail::TrailStatus$',
      reason: 'lists the trails seen from each collected region, shadow trails included (multi-region and organization trails homed elsewhere)',
    },
    {
      operation: 'GetTrailStatus',
      actions: ['cloudtrail:GetTrailStatus'],
      modes: ['accounts'],
      forTypesMatching: '^AWS::CloudTrail::TrailStatus$',
      reason: 'whether each trail is logging (IsLogging) and its latest delivery error, asked in the trail\'s home region',
    },
    {
      operation: 'GetEventSelectors',
      actions: ['cloudtrail:GetEventSelectors'],
      modes: ['accounts'],
      forTypesMatching: '^AWS::CloudTrail::TrailStatus$',
      reason: 'which events each trail records: management events read/write and S3 data events for all buckets',
    },
    // CloudWatch Logs and CloudWatch (collectors/aws/monitoring.ts): per account × collected region, only for the types enabled controls read.
    {
      operation: 'DescribeLogGroups',
      actions: ['logs:DescribeLogGroups'],
      modes: ['accounts'],
      forTypesMatching: '^AWS::Logs::LogGroup$',
      reason: 'each log group\'s retention (retentionInDays; absent: never expire), which AWS Config does not record',
    },
    {
      operation: 'DescribeMetricFilters',
      actions: ['logs:DescribeMetricFilters'],
      modes: ['accounts'],
      forTypesMatching: '^AWS::Logs::MetricFilter$',
      reason: 'the metric filters (pattern, metric) on the log group a CloudTrail trail delivers to: the CIS monitoring filters',
    },
    {
      operation: 'DescribeAlarms',
      actions: ['cloudwatch:DescribeAlarms'],
      modes: ['accounts'],
      forTypesMatching: '^AWS::CloudWatch::MetricAlarm$',
      reason: 'the metric alarms on those filters\' metrics and whether they have actions (someone is notified)',
    },
    // EC2, Inspector and Security Hub (collectors/aws/regional.ts): per account × region, only for the
    // regional pseudo-types enabled controls read.
    {
      operation: 'DescribeSnapshots',
      actions: ['ec2:DescribeSnapshots'],
      modes: ['accounts'],
      forTypesMatching: '^AWS::EC2::PublicSnapshots$',
      reason: 'the account\'s EBS snapshots anyone may restore (OwnerIds self, RestorableByUserIds all): AWS Config does not record createVolumePermission',
    },
    {
      operation: 'DescribeImages',
      actions: ['ec2:DescribeImages'],
      modes: ['accounts'],
      forTypesMatching: '^AWS::EC2::PublicImages$',
      reason: 'the account\'s AMIs and whether each is public (launchPermission all): AWS Config does not record AMIs',
    },
    {
      operation: 'BatchGetAccountStatus',
      actions: ['inspector2:BatchGetAccountStatus'],
      modes: ['accounts'],
      forTypesMatching: '^AWS::Inspector2::AccountStatus$',
      reason: 'whether Amazon Inspector is enabled in each region, and which scan types (EC2, ECR, Lambda)',
    },
    {
      operation: 'DescribeHub',
      actions: ['securityhub:DescribeHub'],
      modes: ['accounts'],
      forTypesMatching: '^AWS::SecurityHub::HubStatus$',
      reason: 'whether the account is subscribed to Security Hub in each region (a denial is unknown, never "not enabled")',
    },
    // Lambda (collectors/aws/lambda-urls.ts): function URLs, which AWS Config does not record.
    {
      operation: 'ListFunctions',
      actions: ['lambda:ListFunctions'],
      modes: ['accounts'],
      forTypesMatching: '^AWS::Lambda::FunctionUrls$',
      reason: 'lists the account\'s Lambda functions in each region, to ask for their function URLs',
    },
    {
      operation: 'ListFunctionUrlConfigs',
      actions: ['lambda:ListFunctionUrlConfigs'],
      modes: ['accounts'],
      forTypesMatching: '^AWS::Lambda::FunctionUrls$',
      reason: 'each function\'s URLs and their auth type (NONE: anyone on the internet may invoke the function): AWS Config does not record function URLs',
    },
  ],
};
