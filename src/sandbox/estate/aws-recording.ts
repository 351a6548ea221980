/**
 * What the sandbox's AWS accounts are set up to show: which regions are enabled, where AWS Config
 * records and which types, which aggregator sources fail, which IAM actions are denied. Plain data with
 * the rules derived from it; the protocol handlers (aws-config.ts, aws-account.ts) read it per request,
 * so tests can change it between scans (`sandbox.aws.setRecording`).
 */
export interface AwsRecordingOptions {
  /** What region discovery (Account ListRegions) reports as enabled; default: the estate's regions. */
  readonly enabledRegions?: readonly string[];
  /** Regions without a configuration recorder: AWS Config holds no items there. */
  readonly recorderOff?: readonly string[];
  /** Types every region's recording group excludes (EXCLUSION_BY_RESOURCE_TYPES): no items of them anywhere. */
  readonly recorderExcludes?: readonly string[];
  /** Aggregator sources (`account:region`) whose last update FAILED: the aggregator holds none of their items. */
  readonly aggregatorFailedSources?: readonly string[];
  /** IAM actions (`account:ListRegions`, `config:DescribeConfigurationRecorders`, …) denied to every caller. */
  readonly deniedActions?: readonly string[];
  /**
   * Regions every account has disabled: the CloudTrail API (aws-cloudtrail.ts) rejects the credentials
   * there (UnrecognizedClientException), e.g. the home Region of a trail that lives outside the estate.
   */
  readonly disabledRegions?: readonly string[];
  /**
   * The external id the trust policy of every account's `KansaReadOnly` role requires (condition
   * `StringEquals sts:ExternalId`); unset: the roles require none.
   */
  readonly roleExternalId?: string;
  /**
   * IAM credential reports (aws-iam.ts): 0 (default) every account has a report generated within the last
   * four hours; n > 0 none has, and GenerateCredentialReport answers STARTED, then INPROGRESS until it
   * has been called n times, then COMPLETE.
   */
  readonly credentialReportPolls?: number;
  /**
   * The most items one EC2 DescribeSnapshots / DescribeImages page holds (aws-ec2.ts), whatever MaxResults
   * asks: EC2 may return fewer items than MaxResults (API reference, "Pagination"), so clients must
   * follow NextToken. Default: MaxResults as asked.
   */
  readonly ec2PageLimit?: number;
}

/**
 * The role every estate account has, for cross-account collection: `arn:aws:iam::<account>:role/KansaReadOnly`,
 * its trust policy allowing the management account's principals (sts:AssumeRole), with an external id
 * condition when `roleExternalId` is set (IAM User Guide, "Access to AWS accounts owned by third parties").
 */
export const SANDBOX_ROLE_NAME = 'KansaReadOnly';

export function sandboxRoleArn(account: string): string {
  return `arn:aws:iam::${account}:role/${SANDBOX_ROLE_NAME}`;
}

/**
 * The global IAM types (API reference, RecordingGroup: "IAM users, groups, roles, and customer managed
 * policies"), recorded with awsRegion `global`; the estate generates roles among them.
 */
export const AWS_GLOBAL_TYPES: readonly string[] = ['AWS::IAM::Group', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::User'];

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const TYPE = /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/;
const SOURCE = /^(\d{12}):([a-z]{2}(?:-[a-z]+)+-\d)$/;
const ACTION = /^[a-z0-9-]+:[A-Za-z]+$/;

function checked(values: readonly string[] | undefined, pattern: RegExp, what: string): string[] {
  for (const value of values ?? []) if (!pattern.test(value)) throw new Error(`sandbox: ${value} is not ${what}`);
  return [...(values ?? [])];
}

export class AwsRecording {
  readonly enabledRegions: readonly string[];
  private readonly off: ReadonlySet<string>;
  readonly excludes: readonly string[];
  private readonly failedSources: ReadonlySet<string>;
  private readonly denied: ReadonlySet<string>;
  private readonly disabled: ReadonlySet<string>;
  readonly roleExternalId: string | undefined;
  readonly credentialReportPolls: number;
  readonly ec2PageLimit: number | undefined;

  constructor(
    options: AwsRecordingOptions,
    private readonly estate: { readonly regions: readonly string[]; readonly homeRegion: string },
  ) {
    this.enabledRegions = options.enabledRegions ? checked(options.enabledRegions, REGION, 'an AWS region name') : [...estate.regions];
    if (this.enabledRegions.length === 0) throw new Error('sandbox: --enabled-regions needs at least one region');
    this.off = new Set(checked(options.recorderOff, REGION, 'an AWS region name'));
    this.excludes = checked(options.recorderExcludes, TYPE, 'an AWS resource type (AWS::Service::Type)');
    this.failedSources = new Set(checked(options.aggregatorFailedSources, SOURCE, 'an aggregator source ACCOUNT:REGION'));
    this.denied = new Set(checked(options.deniedActions, ACTION, 'an IAM action (service:Operation)'));
    this.disabled = new Set(checked(options.disabledRegions, REGION, 'an AWS region name'));
    // STS AssumeRole, ExternalId: 2–1224 characters of [\w+=,.@:/-].
    if (options.roleExternalId !== undefined && !/^[\w+=,.@:/-]{2,1224}$/.test(options.roleExternalId)) {
      throw new Error(`sandbox: ${options.roleExternalId} is not a valid external id (2-1224 characters of letters, digits and +=,.@:/-)`);
    }
    this.roleExternalId = options.roleExternalId;
    const polls = options.credentialReportPolls ?? 0;
    if (!Number.isInteger(polls) || polls < 0 || polls > 100) throw new Error(`sandbox: credentialReportPolls must be an integer from 0 to 100, got ${polls}`);
    this.credentialReportPolls = polls;
    if (options.ec2PageLimit !== undefined && (!Number.isInteger(options.ec2PageLimit) || options.ec2PageLimit < 1)) throw new Error(`sandbox: ec2PageLimit must be a positive integer, got ${options.ec2PageLimit}`);
    this.ec2PageLimit = options.ec2PageLimit;
  }

  options(): AwsRecordingOptions {
    return {
      enabledRegions: [...this.enabledRegions],
      recorderOff: [...this.off],
      recorderExcludes: [...this.excludes],
      aggregatorFailedSources: [...this.failedSources],
      deniedActions: [...this.denied],
      ...(this.disabled.size > 0 ? { disabledRegions: [...this.disabled] } : {}),
      ...(this.roleExternalId !== undefined ? { roleExternalId: this.roleExternalId } : {}),
      ...(this.credentialReportPolls > 0 ? { credentialReportPolls: this.credentialReportPolls } : {}),
      ...(this.ec2PageLimit !== undefined ? { ec2PageLimit: this.ec2PageLimit } : {}),
    };
  }

  disablesRegion(region: string): boolean {
    return this.disabled.has(region);
  }

  denies(action: string): boolean {
    return this.denied.has(action);
  }

  hasRecorder(region: string): boolean {
    return !this.off.has(region);
  }

  /**
   * The recording group of the recorder in `region` (API reference, RecordingGroup / RecordingStrategy /
   * ExclusionByResourceTypes). Without exclusions: ALL_SUPPORTED_RESOURCE_TYPES, IAM types only in the
   * home region (includeGlobalResourceTypes). With exclusions: EXCLUSION_BY_RESOURCE_TYPES, which records
   * the IAM types in every region unless excluded, so regions other than the home region exclude them
   * too: AWS's advice to record global types in one region only.
   */
  recordingGroup(region: string): {
    allSupported: boolean;
    includeGlobalResourceTypes: boolean;
    resourceTypes: string[];
    exclusionByResourceTypes: { resourceTypes: string[] };
    recordingStrategy: { useOnly: 'ALL_SUPPORTED_RESOURCE_TYPES' | 'EXCLUSION_BY_RESOURCE_TYPES' };
  } {
    const home = region === this.estate.homeRegion;
    if (this.excludes.length === 0) {
      return {
        allSupported: true,
        includeGlobalResourceTypes: home,
        resourceTypes: [],
        exclusionByResourceTypes: { resourceTypes: [] },
        recordingStrategy: { useOnly: 'ALL_SUPPORTED_RESOURCE_TYPES' },
      };
    }
    const excluded = new Set([...this.excludes, ...(home ? [] : AWS_GLOBAL_TYPES)]);
    return {
      allSupported: false,
      includeGlobalResourceTypes: false,
      resourceTypes: [],
      exclusionByResourceTypes: { resourceTypes: [...excluded].sort() },
      recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' },
    };
  }

  /**
   * Whether AWS Config holds items of `type` in an estate scope's region (`global` for IAM: recorded by
   * the home region's recorder only).
   */
  records(scopeRegion: string, type: string): boolean {
    const region = scopeRegion === 'global' ? this.estate.homeRegion : scopeRegion;
    return this.hasRecorder(region) && !this.excludes.includes(type);
  }

  /** Aggregator source status of one account × region (DescribeConfigurationAggregatorSourcesStatus). */
  sourceFailed(account: string, scopeRegion: string): boolean {
    const region = scopeRegion === 'global' ? this.estate.homeRegion : scopeRegion;
    return this.failedSources.has(`${account}:${region}`);
  }
}
