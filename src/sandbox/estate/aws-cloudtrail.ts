/**
 * The CloudTrail trails of the sandbox's AWS accounts as the CloudTrail API shows them (aws-cloudtrail.ts):
 * definition, logging status and event selectors. Three fixed shapes, chosen by the account's position in
 * the estate, so each trail control meets a compliant and a non-compliant case:
 *
 * - shape 0: a multi-Region trail homed in the estate's home Region, logging, with basic event selectors
 *   recording management events and S3 data events for every bucket, read and write.
 * - shape 1: the same trail, stopped (IsLogging false since a StopLogging call), recording management events only.
 * - shape 2: a multi-Region trail homed in a Region outside the estate (so outside what kansa collects),
 *   logging, with advanced event selectors recording management events only (no S3 data events); it is
 *   seen from the collected Regions as a shadow trail only.
 */

/** Where shape 2's trail lives: the first of these the estate does not hold. */
const OUTSIDE_REGIONS = ['eu-west-1', 'eu-north-1', 'sa-east-1', 'ca-central-1'] as const;

/** Minutes before the sandbox's start that logging started (or stopped). */
const STARTED_MINUTES_AGO = 60 * 24 * 30;
const STOPPED_MINUTES_AGO = 60 * 24 * 3;

export interface SandboxTrail {
  readonly name: string;
  readonly arn: string;
  readonly homeRegion: string;
  readonly isMultiRegionTrail: boolean;
  readonly isOrganizationTrail: boolean;
  readonly s3BucketName: string;
  readonly logFileValidationEnabled: boolean;
  readonly isLogging: boolean;
  readonly startedMinutesAgo: number;
  readonly stoppedMinutesAgo?: number;
  /** Basic selectors (API reference, EventSelector) or advanced ones (AdvancedEventSelector): never both. */
  readonly eventSelectors?: readonly Record<string, unknown>[];
  readonly advancedEventSelectors?: readonly Record<string, unknown>[];
}

export function outsideRegion(regions: readonly string[]): string {
  return OUTSIDE_REGIONS.find((r) => !regions.includes(r)) ?? 'me-central-1';
}

export function sandboxTrails(account: string, accountIndex: number, regions: readonly string[], homeRegion: string): SandboxTrail[] {
  const shape = accountIndex % 3;
  const home = shape === 2 ? outsideRegion(regions) : homeRegion;
  const name = ['audit-all-regions', 'audit-stopped', 'audit-elsewhere'][shape]!;
  const base = {
    name,
    arn: `arn:aws:cloudtrail:${home}:${account}:trail/${name}`,
    homeRegion: home,
    isMultiRegionTrail: true,
    isOrganizationTrail: false,
    s3BucketName: `cloudtrail-logs-${account}`,
    logFileValidationEnabled: true,
    startedMinutesAgo: STARTED_MINUTES_AGO,
  };
  switch (shape) {
    case 0:
      return [
        {
          ...base,
          isLogging: true,
          eventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }], ExcludeManagementEventSources: [] }],
        },
      ];
    case 1:
      return [{ ...base, isLogging: false, stoppedMinutesAgo: STOPPED_MINUTES_AGO, eventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }] }];
    default:
      return [{ ...base, isLogging: true, advancedEventSelectors: [{ Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }] }];
  }
}
