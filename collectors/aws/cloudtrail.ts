/**
 * What CloudTrail says about each trail and AWS Config does not record: whether it is logging
 * (GetTrailStatus) and which events it records (GetEventSelectors). Read once per account, with the
 * account's credentials, when an enabled control reads `AWS::CloudTrail::TrailStatus`.
 *
 * Which trails: DescribeTrails with includeShadowTrails in every collected Region. A shadow trail is the
 * replication in a Region of a trail created in another Region, or of an organization trail in a member
 * account (CloudTrail API reference, DescribeTrails: includeShadowTrails); so a multi-Region or
 * organization trail homed in a Region kansa does not collect is still found from any collected Region,
 * and deduplicated by its ARN.
 *
 * Where its status lives: GetTrailStatus "returns trail status from a single Region" and a shadow trail's
 * status needs its ARN (API reference, GetTrailStatus: Name); an organization trail needs the full ARN
 * from a member account. Both GetTrailStatus and GetEventSelectors are therefore asked with the ARN, in
 * the trail's HomeRegion, whether or not kansa collects that Region.
 *
 * One resource per trail (pseudo-type `AWS::CloudTrail::TrailStatus`, documented in the README), in the
 * account's `global` scope because the view is account-wide. A failed status or selectors call (denied,
 * TrailNotFoundException, a home Region the credentials cannot reach) leaves that part null with the
 * error, so its controls are unknown for that trail, never a pass. DescribeTrails failing in every
 * collected Region leaves the type out of the account's scope with the reason.
 */
import {
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  type AdvancedEventSelector,
  type CloudTrailClient,
  type EventSelector,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { errorMessage } from '../../src/errors.js';
import { GLOBAL_REGION, type CollectionScope, type CoverageGap, type Resource } from '../../src/model/resource.js';
import type { Bilingual } from '../../src/model/text.js';
import type { CollectContext } from '../types.js';
import { TRAIL_STATUS_TYPE } from './identity-types.js';

export { TRAIL_STATUS_TYPE } from './identity-types.js';

/** How the AWS collector runs one CloudTrail call: counted, paced, retried; throws the final error. */
export type CloudTrailCall = <T>(operation: string, fn: () => Promise<T>) => Promise<T>;

export interface CloudTrailTarget {
  readonly account: string;
  /** The Regions collected for the account: DescribeTrails is asked in each. */
  readonly regions: readonly string[];
  /** The account's CloudTrail client in a Region (a trail's home Region may be outside `regions`). */
  readonly client: (region: string) => CloudTrailClient;
  readonly call: CloudTrailCall;
}

/** Which events a trail records, read and write, as far as its selectors say. */
export interface RecordedEvents {
  readonly read: boolean;
  readonly write: boolean;
}

/** The configuration of `AWS::CloudTrail::TrailStatus`. */
export interface TrailStatusConfiguration {
  readonly name: string;
  readonly trailArn: string;
  readonly homeRegion: string;
  readonly isMultiRegionTrail: boolean;
  readonly isOrganizationTrail: boolean;
  readonly includeGlobalServiceEvents: boolean;
  /** Collected Regions whose DescribeTrails listed it (a shadow trail outside its home Region included). */
  readonly seenFrom: readonly string[];
  /** GetTrailStatus in the home Region; null when it failed (then statusError says why). */
  readonly status: { readonly isLogging: boolean; readonly latestDeliveryError: string | null; readonly startLoggingTime: string | null; readonly stopLoggingTime: string | null } | null;
  readonly statusError: string | null;
  /**
   * GetEventSelectors in the home Region, normalized over its two forms (basic EventSelectors or
   * AdvancedEventSelectors; a trail has one or the other): management events, and S3 object-level data
   * events for every bucket (current and future). Null when the call failed or answered no selector
   * (then selectorsError says why). The raw selectors are kept beside.
   */
  readonly selectors: {
    readonly form: 'basic' | 'advanced';
    readonly managementEvents: RecordedEvents;
    readonly s3DataEventsAllBuckets: RecordedEvents;
    readonly eventSelectors: readonly EventSelector[];
    readonly advancedEventSelectors: readonly AdvancedEventSelector[];
  } | null;
  readonly selectorsError: string | null;
}

/** The account's CloudTrail scope: the trail status type covered, or a gap saying why not. */
export async function collectCloudTrail(context: CollectContext, target: CloudTrailTarget, wanted: readonly string[]): Promise<{ scope: CollectionScope; resources: number }> {
  const at = context.now().toISOString();
  const types = wanted.filter((t) => t === TRAIL_STATUS_TYPE);
  const described = await Promise.all(
    target.regions.map(async (region) => {
      try {
        const answer = await target.call('DescribeTrails', () => target.client(region).send(new DescribeTrailsCommand({ includeShadowTrails: true }), { abortSignal: context.signal }));
        return { region, trails: answer.trailList ?? [] };
      } catch (error) {
        return { region, error: errorMessage(error) };
      }
    }),
  );
  const failed = described.filter((d): d is { region: string; error: string } => 'error' in d);
  const scope = (covered: readonly string[], gaps: readonly CoverageGap[]): CollectionScope => ({
    provider: 'aws',
    account: target.account,
    region: GLOBAL_REGION,
    types: covered,
    ...(gaps.length > 0 ? { gaps } : {}),
    outcome: { status: 'ok', collectedAt: at },
  });
  if (target.regions.length === 0 || failed.length === target.regions.length) {
    const why = failed.map((f) => `${f.region}: ${f.error}`).join('; ') || 'no Region is collected for the account';
    context.logger.warn({ provider: 'aws', account: target.account, error: why }, 'CloudTrail trails could not be listed for this account: its trail status controls are unknown');
    return { scope: scope([], [{ types, reason: describeFailedReason(why) }]), resources: 0 };
  }
  // A multi-Region or organization trail is listed from every Region, so one answering Region finds it;
  // a single-Region trail of a failed Region can be missed, which no control here relies on.
  if (failed.length > 0) {
    context.logger.warn({ provider: 'aws', account: target.account, regions: failed.map((f) => f.region) }, 'DescribeTrails failed in some Regions: single-Region trails there are not seen');
  }
  const trails = new Map<string, { trail: Trail; seenFrom: string[] }>();
  for (const answer of described) {
    if (!('trails' in answer)) continue;
    for (const trail of answer.trails) {
      const arn = trail.TrailARN ?? '';
      if (!arn) continue;
      const entry = trails.get(arn);
      if (entry) entry.seenFrom.push(answer.region);
      else trails.set(arn, { trail, seenFrom: [answer.region] });
    }
  }
  const resources = await Promise.all([...trails.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([arn, { trail, seenFrom }]) => trailResource(context, target, arn, trail, seenFrom)));
  for (const resource of resources) context.onResource(resource);
  return { scope: scope(types, []), resources: resources.length };
}

/** The types the CloudTrail collection cannot reach in aggregator mode (no per-account credentials). */
export function aggregatorCloudTrailReason(aggregator: string): Bilingual {
  return {
    ja: `CloudTrail 証跡のログ記録状態とイベントセレクターはアカウントごとの CloudTrail API から取得するため、アグリゲーター ${aggregator} 経由では収集されません（collectors.aws.accounts で各アカウントを設定してください）`,
    en: `CloudTrail trail logging status and event selectors come from each account's CloudTrail API, not through aggregator ${aggregator} (configure the accounts under collectors.aws.accounts)`,
  };
}

function describeFailedReason(message: string): Bilingual {
  return { ja: `CloudTrail の証跡一覧（DescribeTrails）を取得できませんでした（${message}）`, en: `CloudTrail trails could not be listed (DescribeTrails): ${message}` };
}

/** The home Region from DescribeTrails, else from the ARN (arn:partition:cloudtrail:region:account:trail/name). */
function homeRegionOf(arn: string, trail: Trail): string {
  return trail.HomeRegion || arn.split(':')[3] || '';
}

async function trailResource(context: CollectContext, target: CloudTrailTarget, arn: string, trail: Trail, seenFrom: readonly string[]): Promise<Resource> {
  const home = homeRegionOf(arn, trail);
  const client = target.client(home);
  const [status, selectors] = await Promise.all([
    (async (): Promise<{ value: TrailStatusConfiguration['status'] } | { error: string }> => {
      try {
        const answer = await target.call('GetTrailStatus', () => client.send(new GetTrailStatusCommand({ Name: arn }), { abortSignal: context.signal }));
        if (typeof answer.IsLogging !== 'boolean') return { error: 'GetTrailStatus returned no IsLogging' };
        return {
          value: {
            isLogging: answer.IsLogging,
            latestDeliveryError: answer.LatestDeliveryError || null,
            startLoggingTime: answer.StartLoggingTime?.toISOString() ?? null,
            stopLoggingTime: answer.StopLoggingTime?.toISOString() ?? null,
          },
        };
      } catch (error) {
        return { error: `GetTrailStatus in ${home}: ${errorMessage(error)}` };
      }
    })(),
    (async (): Promise<{ value: TrailStatusConfiguration['selectors'] } | { error: string }> => {
      try {
        const answer = await target.call('GetEventSelectors', () => client.send(new GetEventSelectorsCommand({ TrailName: arn }), { abortSignal: context.signal }));
        const basic = answer.EventSelectors ?? [];
        const advanced = answer.AdvancedEventSelectors ?? [];
        if (basic.length === 0 && advanced.length === 0) return { error: 'GetEventSelectors returned neither EventSelectors nor AdvancedEventSelectors' };
        const form = advanced.length > 0 ? 'advanced' : 'basic';
        const recorded = recordedEvents(basic, advanced);
        return { value: { form, ...recorded, eventSelectors: basic, advancedEventSelectors: advanced } };
      } catch (error) {
        return { error: `GetEventSelectors in ${home}: ${errorMessage(error)}` };
      }
    })(),
  ]);
  for (const failure of [status, selectors]) {
    if ('error' in failure) context.logger.warn({ provider: 'aws', account: target.account, trail: arn, error: failure.error }, 'CloudTrail trail detail could not be read: its controls are unknown for this trail');
  }
  const configuration: TrailStatusConfiguration = {
    name: trail.Name ?? arn.split('/').pop() ?? arn,
    trailArn: arn,
    homeRegion: home,
    isMultiRegionTrail: trail.IsMultiRegionTrail === true,
    isOrganizationTrail: trail.IsOrganizationTrail === true,
    includeGlobalServiceEvents: trail.IncludeGlobalServiceEvents === true,
    seenFrom: [...seenFrom].sort(),
    status: 'value' in status ? status.value : null,
    statusError: 'error' in status ? status.error : null,
    selectors: 'value' in selectors ? selectors.value : null,
    selectorsError: 'error' in selectors ? selectors.error : null,
  };
  return {
    provider: 'aws',
    account: target.account,
    region: GLOBAL_REGION,
    type: TRAIL_STATUS_TYPE,
    id: arn,
    name: configuration.name,
    arn,
    tags: {},
    configuration: configuration as unknown as Record<string, unknown>,
    supplementary: {},
    relationships: [],
    capturedAt: context.now().toISOString(),
  };
}

/** What a trail's selectors record: the advanced ones when present (a trail has one form or the other), else the basic ones. */
export function recordedEvents(basic: readonly EventSelector[], advanced: readonly AdvancedEventSelector[]): { managementEvents: RecordedEvents; s3DataEventsAllBuckets: RecordedEvents } {
  return advanced.length > 0 ? advancedRecords(advanced) : basicRecords(basic);
}

/** Reads and writes a ReadWriteType (ReadOnly | WriteOnly | All) covers; absent means All (API reference, EventSelector). */
function readWrite(type: string | undefined): RecordedEvents {
  return { read: type === undefined || type === 'All' || type === 'ReadOnly', write: type === undefined || type === 'All' || type === 'WriteOnly' };
}

function union(a: RecordedEvents, b: RecordedEvents): RecordedEvents {
  return { read: a.read || b.read, write: a.write || b.write };
}

const NONE: RecordedEvents = { read: false, write: false };

/**
 * "All current and future S3 buckets": a DataResource of type AWS::S3::Object whose values hold the
 * bare S3 ARN prefix (CloudTrail API reference, DataResource: `arn:aws:s3` logs data events for all
 * objects in all buckets; older pages write it `arn:aws:s3:::`), in any partition.
 */
const ALL_S3_PREFIX = /^arn:aws[a-z-]*:s3(:::)?$/;

/** Basic selectors (API reference, EventSelector: IncludeManagementEvents defaults to true). */
function basicRecords(selectors: readonly EventSelector[]): { managementEvents: RecordedEvents; s3DataEventsAllBuckets: RecordedEvents } {
  let management = NONE;
  let s3 = NONE;
  for (const selector of selectors) {
    const events = readWrite(selector.ReadWriteType);
    if (selector.IncludeManagementEvents !== false) management = union(management, events);
    const allBuckets = (selector.DataResources ?? []).some((d) => d.Type === 'AWS::S3::Object' && (d.Values ?? []).some((v) => ALL_S3_PREFIX.test(v)));
    if (allBuckets) s3 = union(s3, events);
  }
  return { managementEvents: management, s3DataEventsAllBuckets: s3 };
}

/**
 * Advanced selectors (API reference, AdvancedEventSelector / AdvancedFieldSelector): the field selectors
 * of one selector are ANDed, selectors are ORed. `eventCategory` Equals Management or Data is required;
 * `readOnly` Equals true (reads) or false (writes), absent for both; `resources.type` Equals names the
 * data event type. An S3 data selector narrowed by any other field (resources.ARN, eventName, …) does not
 * cover every bucket; a management selector may exclude event sources (eventSource NotEquals) and still counts.
 */
function advancedRecords(selectors: readonly AdvancedEventSelector[]): { managementEvents: RecordedEvents; s3DataEventsAllBuckets: RecordedEvents } {
  let management = NONE;
  let s3 = NONE;
  for (const selector of selectors) {
    const fields = selector.FieldSelectors ?? [];
    const field = (name: string): (typeof fields)[number] | undefined => fields.find((f) => f.Field === name);
    const equalsOnly = (name: string, value: string): boolean => {
      const f = field(name);
      // Equals that one value, and no other operator narrowing it.
      const narrowed = [f?.StartsWith, f?.EndsWith, f?.NotEquals, f?.NotStartsWith, f?.NotEndsWith].some((v) => (v ?? []).length > 0);
      return f !== undefined && !narrowed && (f.Equals ?? []).length === 1 && f.Equals![0] === value;
    };
    const readOnly = field('readOnly');
    const readOnlyValues = readOnly?.Equals ?? [];
    const events: RecordedEvents = readOnly === undefined ? { read: true, write: true } : { read: readOnlyValues.includes('true'), write: readOnlyValues.includes('false') };
    const others = fields.filter((f) => !['eventCategory', 'readOnly', 'resources.type', 'eventSource'].includes(f.Field ?? ''));
    if (equalsOnly('eventCategory', 'Management')) management = union(management, events);
    else if (equalsOnly('eventCategory', 'Data') && equalsOnly('resources.type', 'AWS::S3::Object') && others.length === 0 && field('eventSource') === undefined) s3 = union(s3, events);
  }
  return { managementEvents: management, s3DataEventsAllBuckets: s3 };
}
