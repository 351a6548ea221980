/**
 * What AWS Config records, per account × region, from DescribeConfigurationRecorders and
 * DescribeConfigurationRecorderStatus: which wanted types a scope really covers, the gaps and why,
 * and the recorders as normalized `AWS::Config::ConfigurationRecorder` resources.
 */
import type { ConfigurationRecorder, ConfigurationRecorderStatus } from '@aws-sdk/client-config-service';
import type { CoverageGap, Resource } from '../../src/model/resource.js';

export const CONFIG_RECORDER_TYPE = 'AWS::Config::ConfigurationRecorder';

/**
 * The global IAM types: recorded with awsRegion `global`, only where includeGlobalResourceTypes (with
 * ALL_SUPPORTED_RESOURCE_TYPES), an inclusion list or an exclusion strategy that does not exclude them
 * says so (API reference: RecordingGroup, ExclusionByResourceTypes; "IAM users, groups, roles, and
 * customer managed policies"). One region recording them covers the account.
 */
export const IAM_GLOBAL_TYPES: ReadonlySet<string> = new Set(['AWS::IAM::User', 'AWS::IAM::Group', 'AWS::IAM::Role', 'AWS::IAM::Policy']);

/** How one region's recorders answered. */
export interface RegionRecorders {
  readonly recorders: readonly ConfigurationRecorder[];
  readonly statuses: readonly ConfigurationRecorderStatus[];
}

/**
 * Whether a recorder's recording group records `type` (API reference, RecordingGroup and
 * RecordingStrategy): ALL_SUPPORTED_RESOURCE_TYPES records every regional type and the IAM types only
 * with includeGlobalResourceTypes; INCLUSION_BY_RESOURCE_TYPES only `resourceTypes`;
 * EXCLUSION_BY_RESOURCE_TYPES everything but `exclusionByResourceTypes.resourceTypes`. Without a
 * strategy, `allSupported` decides, else the inclusion list.
 */
export function groupRecords(recorder: ConfigurationRecorder, type: string): boolean {
  const group = recorder.recordingGroup;
  if (!group) return true; // the API default: every supported regional type
  const strategy = group.recordingStrategy?.useOnly ?? (group.allSupported === false ? 'INCLUSION_BY_RESOURCE_TYPES' : 'ALL_SUPPORTED_RESOURCE_TYPES');
  switch (strategy) {
    case 'ALL_SUPPORTED_RESOURCE_TYPES':
      return IAM_GLOBAL_TYPES.has(type) ? group.includeGlobalResourceTypes === true : true;
    case 'INCLUSION_BY_RESOURCE_TYPES':
      return (group.resourceTypes ?? []).includes(type as never);
    case 'EXCLUSION_BY_RESOURCE_TYPES':
      return !(group.exclusionByResourceTypes?.resourceTypes ?? []).includes(type as never);
    default:
      return false; // a strategy this code does not know: claim nothing
  }
}

/** Recording now and the last recording event did not fail (API reference, ConfigurationRecorderStatus.lastStatus). */
export function isActive(status: ConfigurationRecorderStatus | undefined): boolean {
  return status?.recording === true && status.lastStatus !== 'Failure';
}

function statusOf(view: RegionRecorders, recorder: ConfigurationRecorder): ConfigurationRecorderStatus | undefined {
  return view.statuses.find((s) => (recorder.arn && s.arn ? s.arn === recorder.arn : s.name === recorder.name));
}

/** Types of `wanted` that an active recorder of the region records. */
export function recordedTypes(view: RegionRecorders, wanted: readonly string[]): Set<string> {
  const active = view.recorders.filter((r) => isActive(statusOf(view, r)));
  return new Set(wanted.filter((type) => active.some((r) => groupRecords(r, type))));
}

/** Why a region records nothing, or undefined when some recorder is active. */
export function inactiveReason(view: RegionRecorders, region: string): CoverageGap['reason'] | undefined {
  if (view.recorders.length === 0) {
    return { ja: `${region} に AWS Config の設定レコーダーがありません（AWS Config に記録されていません）`, en: `no active AWS Config recorder in ${region}: no configuration recorder` };
  }
  const statuses = view.recorders.map((r) => statusOf(view, r));
  if (statuses.some(isActive)) return undefined;
  const failed = statuses.find((s) => s?.recording === true && s.lastStatus === 'Failure');
  if (failed) {
    const why = [failed.lastErrorCode, failed.lastErrorMessage].filter(Boolean).join(': ');
    return {
      ja: `${region} の AWS Config 設定レコーダー ${failed.name ?? ''} の直近の記録が失敗しています（AWS Config に記録されていません${why ? `。${why}` : ''}）`,
      en: `no active AWS Config recorder in ${region}: the last recording of recorder ${failed.name ?? ''} failed${why ? ` (${why})` : ''}`,
    };
  }
  const names = view.recorders.map((r) => r.name ?? '').join(', ');
  return { ja: `${region} の AWS Config 設定レコーダー ${names} が停止しています（AWS Config に記録されていません）`, en: `no active AWS Config recorder in ${region}: recorder ${names} is not recording` };
}

export function notRecordedReason(type: string, region: string): CoverageGap['reason'] {
  return { ja: `${region} では AWS Config が ${type} を記録していません（レコーダーの記録対象外です）`, en: `AWS Config does not record ${type} in ${region}` };
}

export function globalNotRecordedReason(type: string, account: string, regions: readonly string[]): CoverageGap['reason'] {
  return {
    ja: `アカウント ${account} の収集したリージョン（${regions.join(', ')}）のいずれでも、AWS Config がグローバルリソース ${type} を記録していません`,
    en: `AWS Config records the global type ${type} in none of the collected regions of account ${account} (${regions.join(', ')})`,
  };
}

/**
 * The recorders of a region as normalized resources (one per recorder): `configuration` is the recorder
 * as DescribeConfigurationRecorders returns it plus its status fields (`recording`, `lastStatus`,
 * `lastStatusChangeTime`, `lastErrorCode`, `lastErrorMessage`); `supplementary.kansaUnrecordedTypes`
 * lists the wanted types its recording group leaves out (for a global IAM type: only when no region of
 * the account records it); `supplementary.kansaUndeterminedTypes` the global types whose recording no
 * region is known to have while some region's recorders could not be read (they may record them).
 */
export function recorderResources(
  account: string,
  region: string,
  view: RegionRecorders,
  unrecorded: (recorder: ConfigurationRecorder) => readonly string[],
  capturedAt: string,
  undetermined: readonly string[] = [],
): Resource[] {
  return view.recorders.map((recorder) => {
    const status = statusOf(view, recorder);
    const name = recorder.name ?? 'default';
    return {
      provider: 'aws',
      account,
      region,
      type: CONFIG_RECORDER_TYPE,
      id: name,
      name,
      arn: recorder.arn ?? '',
      tags: {},
      configuration: {
        ...jsonOf(recorder),
        recording: status?.recording === true,
        lastStatus: status?.lastStatus ?? null,
        lastStatusChangeTime: status?.lastStatusChangeTime?.toISOString() ?? null,
        lastErrorCode: status?.lastErrorCode ?? null,
        lastErrorMessage: status?.lastErrorMessage ?? null,
      },
      supplementary: { kansaUnrecordedTypes: [...unrecorded(recorder)], kansaUndeterminedTypes: [...undetermined] },
      relationships: [],
      capturedAt,
    };
  });
}

/** The SDK's output as plain JSON (dates as ISO strings), so controls read it like any configuration. */
function jsonOf(value: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

export function notInListReason(region: string): CoverageGap['reason'] {
  return {
    ja: `リージョン ${region} は収集していません（collectors.aws.regions に含まれていません。このアカウントで有効なリージョンです）`,
    en: `region not collected (not in collectors.aws.regions): ${region} is enabled for the account`,
  };
}

export function discoveryFailedReason(error: string, regions: readonly string[]): CoverageGap['reason'] {
  return {
    ja: `有効なリージョンを一覧できませんでした（account:ListRegions: ${error}）。collectors.aws.regions（${regions.join(', ')}）以外のリージョンは収集していません`,
    en: `enabled regions could not be listed (account:ListRegions: ${error}); regions other than collectors.aws.regions (${regions.join(', ')}) are not collected`,
  };
}

export function recordersUnreadableReason(region: string, error: string): CoverageGap['reason'] {
  return {
    ja: `${region} の AWS Config 設定レコーダーの状態を読めませんでした（config:DescribeConfigurationRecorders / config:DescribeConfigurationRecorderStatus: ${error}）。何が記録されているか確認できません`,
    en: `what AWS Config records in ${region} could not be read (config:DescribeConfigurationRecorders / config:DescribeConfigurationRecorderStatus: ${error})`,
  };
}

export function aggregatorRecordersReason(aggregator: string): CoverageGap['reason'] {
  return {
    ja: `アグリゲーター ${aggregator} 経由では、ソースアカウントの AWS Config 設定レコーダーの状態を確認できません`,
    en: `the AWS Config recorders of source accounts are not visible through aggregator ${aggregator}`,
  };
}

export function notAggregatedReason(account: string, aggregator: string): CoverageGap['reason'] {
  return {
    ja: `アカウント ${account} はアグリゲーター ${aggregator} のソースにありません（集約されていません）`,
    en: `account ${account} is not a source of aggregator ${aggregator}: not aggregated`,
  };
}
