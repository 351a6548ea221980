/**
 * AWS Config over the awsJson1_1 protocol (POST /, `X-Amz-Target: StarlingDoveService.<Operation>`),
 * enough for the unmodified `@aws-sdk/client-config-service` client pointed at the sandbox endpoint.
 *
 * Identity comes from the SigV4 `Authorization` header: the access key id names the account
 * (`ASIASANDBOX` + 12 digits, see aws-credentials.ts), the credential scope names the region. Signatures
 * are not verified. Only read-only operations are implemented; everything is recorded in the call log.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallLog } from './calls.js';
import { AWS_GLOBAL_REGION, type AwsConfigItem, type AwsEstate, type AwsEstateScope } from './estate/aws.js';
import { S3_BUCKET } from './estate/aws-resources.js';
import { hashParts, hex8 } from './estate/random.js';
import type { FaultDecision, FaultInjector } from './faults.js';
import { send, sleep, type ProviderHandler, SandboxApiError } from './http.js';
import { parseSelect, QueryError, type SelectableField, type SelectQuery } from './aws-query.js';
import { accountOfAccessKey, parseAuthorization } from './aws-credentials.js';
import { awsJsonInput } from './aws-json.js';
import type { AwsRecording } from './estate/aws-recording.js';

export const AWS_CONFIG_TARGET_PREFIX = 'StarlingDoveService.';
export const AWS_SANDBOX_AGGREGATOR = 'kansa-sandbox-org';

/** Select page size: AWS documents a maximum of 100 and a default of 25 when Limit/MaxResults is absent or 0. */
export const SELECT_MAX_PAGE_SIZE = 100;
export const SELECT_DEFAULT_PAGE_SIZE = 25;
/** BatchGetResourceConfig / BatchGetAggregateResourceConfig accept at most 100 keys. */
export const BATCH_GET_MAX_KEYS = 100;

/**
 * An S3 bucket's Select row as recorded from AWS (cloud-custodian tests/data/placebo/test_s3_metrics_user_dims/
 * config.SelectResourceConfig_1.json, here test/fixtures/aws/samples/custodian/select_s3_bucket_no_sse.json):
 * `SELECT …, supplementaryConfiguration` returns the whole supplementary configuration, keys the advanced-query
 * schema does not index included (BucketPolicy, AccessControlList, BucketNotificationConfiguration), each value
 * a JSON object (AccessControlList stays the JSON string AWS Config stores), and properties whose value is null
 * left out: the row has `BucketLoggingConfiguration: {}` and `owner: {id}` where the recorded item
 * (aws-config-rdk example_ci/AWS_S3_Bucket.json) has `{destinationBucketName: null, logFilePrefix: null}` and
 * `owner: {displayName: null, id}`. No Select row in the ~35 Custodian recordings holds a JSON null.
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [key, entry] of Object.entries(value)) if (entry !== null) out[key] = withoutNulls(entry);
  return out;
}

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
const MAX_REQUEST_BYTES = 1024 * 1024;
const MAX_EXPRESSION_LENGTH = 4096;
/** Recorder timestamps (epoch seconds): fixed so responses are reproducible. */
const RECORDER_STARTED = Date.UTC(2021, 3, 1) / 1000;


/** The message AWS's request validation produces for a modelled constraint. */
function constraintError(value: string, member: string, constraint: string): SandboxApiError {
  return new SandboxApiError(400, 'ValidationException', `1 validation error detected: Value ${value} at '${member}' failed to satisfy constraint: ${constraint}`);
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Caller {
  readonly account: string;
  readonly region: string;
}

function epochSeconds(iso: string | undefined): number | undefined {
  return iso === undefined ? undefined : Date.parse(iso) / 1000;
}

export interface AwsConfigHandlerOptions {
  readonly aggregatorName?: string;
}

export class AwsConfigHandler implements ProviderHandler {
  readonly provider = 'aws' as const;
  readonly aggregatorName: string;

  constructor(
    private readonly estate: AwsEstate,
    private readonly faults: FaultInjector,
    private readonly calls: CallLog,
    /** Read on every request: tests change it between scans. */
    private readonly recording: () => AwsRecording,
    options: AwsConfigHandlerOptions = {},
  ) {
    this.aggregatorName = options.aggregatorName ?? AWS_SANDBOX_AGGREGATOR;
  }

  matches(req: IncomingMessage): boolean {
    return req.method === 'POST' && typeof req.headers['x-amz-target'] === 'string';
  }

  async handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(AWS_CONFIG_TARGET_PREFIX) ? target.slice(AWS_CONFIG_TARGET_PREFIX.length) : target || '(none)';
    const credential = parseAuthorization(req.headers.authorization);
    let caller: Caller = { account: '', region: credential?.region ?? '' };
    try {
      if (body.length > MAX_REQUEST_BYTES) throw new SandboxApiError(413, 'RequestEntityTooLargeException', 'Request body too large');
      if (!credential) throw new SandboxApiError(400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
      const account = accountOfAccessKey(credential.accessKeyId);
      if (!account || !this.estate.accounts.includes(account)) {
        throw new SandboxApiError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      }
      caller = { account, region: credential.region };
      await sleep(this.faults.latencyMs());
      const run = this.operation(operation);
      if (!run) throw new SandboxApiError(400, 'UnknownOperationException', `Operation ${operation} is not supported by the kansa sandbox`);
      if (this.recording().denies(`config:${operation}`)) this.applyFault({ kind: 'accessDenied' }, caller, operation);
      this.applyFault(this.faults.decide(account), caller, operation);
      const input = awsJsonInput(body);
      const payload = run(caller, input);
      const truncate = this.faults.truncate();
      send(res, 200, this.headers(), payload, truncate ? Math.floor(Buffer.byteLength(payload) * 0.6) : undefined);
      this.calls.record({ provider: 'aws', operation, account: caller.account, region: caller.region, status: 200 });
    } catch (error) {
      const apiError =
        error instanceof SandboxApiError ? error : new SandboxApiError(500, 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.');
      send(res, apiError.status, { ...this.headers(), 'x-amzn-ErrorType': apiError.code, ...apiError.headers }, JSON.stringify({ __type: apiError.code, message: apiError.message }));
      this.calls.record({ provider: 'aws', operation, account: caller.account, region: caller.region, status: apiError.status, error: apiError.code });
    }
  }

  private headers(): Record<string, string> {
    return {
      'Content-Type': JSON_CONTENT_TYPE,
      'x-amzn-RequestId': randomUUID(),
      Date: this.faults.date().toUTCString(),
    };
  }

  private applyFault(decision: FaultDecision, caller: Caller, operation: string): void {
    switch (decision.kind) {
      case 'none':
        return;
      case 'accessDenied':
        throw new SandboxApiError(
          400,
          'AccessDeniedException',
          `User: arn:aws:sts::${caller.account}:assumed-role/kansa-reader/kansa is not authorized to perform: config:${operation} because no identity-based policy allows the config:${operation} action`,
        );
      case 'throttle':
        // AWS Config API reference, Common Errors: ThrottlingException, HTTP 400, rendered like every
        // awsJson1_1 error (x-amzn-ErrorType header, `__type` in the body). AWS documents no Retry-After
        // for it, so none is sent whatever the throttleRetryAfterSeconds knob says (that knob is for
        // Azure and GCP): the caller's own backoff has to carry the scan.
        throw new SandboxApiError(400, 'ThrottlingException', 'Rate exceeded');
      case 'serverError':
        throw decision.status === 500
          ? new SandboxApiError(500, 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.')
          : new SandboxApiError(503, 'ServiceUnavailable', 'Service is unavailable.');
    }
  }

  private operation(name: string): ((caller: Caller, input: Json) => string) | undefined {
    switch (name) {
      case 'SelectResourceConfig':
        return (caller, input) => this.select(caller, input, false);
      case 'SelectAggregateResourceConfig':
        return (caller, input) => this.select(caller, input, true);
      case 'BatchGetResourceConfig':
        return (caller, input) => this.batchGet(caller, input);
      case 'BatchGetAggregateResourceConfig':
        return (caller, input) => this.batchGetAggregate(caller, input);
      case 'DescribeConfigurationRecorders':
        return (caller, input) => this.describeRecorders(caller, input);
      case 'DescribeConfigurationRecorderStatus':
        return (caller, input) => this.describeRecorderStatus(caller, input);
      case 'DescribeConfigurationAggregators':
        return (caller) => this.describeAggregators(caller);
      case 'DescribeConfigurationAggregatorSourcesStatus':
        return (caller, input) => this.describeAggregatorSourcesStatus(caller, input);
      default:
        return undefined;
    }
  }

  // ------------------------------------------------------------------ Select

  private select(caller: Caller, input: Json, aggregate: boolean): string {
    if (aggregate) this.checkAggregator(caller, input.ConfigurationAggregatorName);
    const expression = input.Expression;
    if (typeof expression !== 'string') throw constraintError('null', 'expression', 'Member must not be null');
    if (expression.length < 1 || expression.length > MAX_EXPRESSION_LENGTH) {
      throw constraintError(`'${expression.slice(0, 40)}'`, 'expression', `Member must have length between 1 and ${MAX_EXPRESSION_LENGTH}`);
    }
    const limit = pageSizeParam(input.Limit, 'limit');
    const maxResults = aggregate ? pageSizeParam(input.MaxResults, 'maxResults') : 0;
    const pageSize = limit || maxResults || SELECT_DEFAULT_PAGE_SIZE;
    let query: SelectQuery;
    try {
      query = parseSelect(expression);
    } catch (error) {
      if (error instanceof QueryError) throw new SandboxApiError(400, 'InvalidExpressionException', `Invalid query expression: ${error.message}`);
      throw error;
    }
    const scopes = aggregate ? this.aggregateScopes(query) : this.accountScopes(caller, query);
    const total = scopes.reduce((sum, s) => sum + s.count, 0);
    const tokenKey = hashParts(aggregate ? 'aggregate' : 'account', aggregate ? this.aggregatorName : `${caller.account}/${caller.region}`, expression);
    const offset = input.NextToken === undefined || input.NextToken === null || input.NextToken === '' ? 0 : decodeToken(input.NextToken, tokenKey, total);

    const rows: string[] = [];
    let skip = offset;
    for (const scope of scopes) {
      if (rows.length >= pageSize) break;
      if (skip >= scope.count) {
        skip -= scope.count;
        continue;
      }
      for (let k = skip; k < scope.count && rows.length < pageSize; k++) rows.push(this.selectRow(this.estate.item(scope, k), query.fields));
      skip = 0;
    }
    const next = offset + rows.length;
    let out = `{"Results":[${rows.map((row) => JSON.stringify(row)).join(',')}],"QueryInfo":${JSON.stringify({ SelectFields: query.fields.map((Name) => ({ Name })) })}`;
    if (next < total) out += `,"NextToken":${JSON.stringify(encodeToken(next, tokenKey))}`;
    return `${out}}`;
  }

  /**
   * The caller's account in the request's region; global (IAM) items are recorded in the home region.
   * Only what the region's recorder records is there: no recorder, no items; an excluded type, none of it.
   */
  private accountScopes(caller: Caller, query: SelectQuery): AwsEstateScope[] {
    if (query.account !== undefined && query.account !== caller.account) return [];
    let regions = caller.region === this.estate.homeRegion ? [caller.region, AWS_GLOBAL_REGION] : [caller.region];
    if (query.region !== undefined) regions = regions.filter((r) => r === query.region);
    const recording = this.recording();
    return this.estate.scopes({ types: query.types, accounts: [caller.account], regions }).filter((s) => recording.records(s.region, s.type));
  }

  /** What the aggregator holds: what each source records, except the sources whose last update failed. */
  private aggregateScopes(query: SelectQuery): AwsEstateScope[] {
    const recording = this.recording();
    return this.estate
      .scopes({
        types: query.types,
        ...(query.account !== undefined ? { accounts: [query.account] } : {}),
        ...(query.region !== undefined ? { regions: [query.region] } : {}),
      })
      .filter((s) => recording.records(s.region, s.type) && !recording.sourceFailed(s.account, s.region));
  }

  private selectRow(item: AwsConfigItem, fields: readonly SelectableField[]): string {
    const malformed = this.faults.malformed(itemKey(item));
    // Only the S3 row is recorded in full (see withoutNulls); other types keep the estate's item as it is.
    const bucket = item.resourceType === S3_BUCKET;
    const row: Json = {};
    for (const field of fields) {
      switch (field) {
        case 'configuration':
          row.configuration = malformed === 'notJson' ? 'Internal error: configuration could not be serialized' : bucket ? withoutNulls(item.configuration) : item.configuration;
          break;
        case 'supplementaryConfiguration':
          if (!(bucket && this.faults.supplementaryOmitted(itemKey(item)))) row.supplementaryConfiguration = bucket ? withoutNulls(item.supplementaryConfiguration) : item.supplementaryConfiguration;
          break;
        case 'tags':
          row.tags = Object.entries(item.tags).map(([key, value]) => ({ key, value, tag: `${key}=${value}` }));
          break;
        case 'relationships':
          row.relationships = item.relationships.map((r) => ({
            resourceId: r.resourceId,
            resourceType: r.resourceType,
            ...(r.resourceName !== undefined ? { resourceName: r.resourceName } : {}),
            name: r.relationshipName,
          }));
          break;
        case 'resourceId':
        case 'resourceName':
        case 'resourceType':
        case 'awsRegion':
        case 'accountId':
        case 'arn':
        case 'availabilityZone':
        case 'configurationItemCaptureTime':
        case 'configurationItemStatus':
        case 'resourceCreationTime': {
          const value = item[field];
          if (value !== undefined) row[field] = value;
          break;
        }
      }
    }
    const text = JSON.stringify(row);
    // A row that selects no configuration has nothing to replace: it is cut instead.
    return malformed === 'truncated' || (malformed === 'notJson' && !fields.includes('configuration')) ? text.slice(0, Math.max(1, Math.floor(text.length / 2))) : text;
  }

  // ------------------------------------------------------------------ BatchGet

  /**
   * BatchGetResourceConfig. API reference, Errors: NoAvailableConfigurationRecorderException when the
   * region has no configuration recorder (Select documents no such error: it answers no rows). A resource
   * of a type the recorder excludes is discovered but not recorded: its item has configurationItemStatus
   * ResourceNotRecorded and no configuration (API reference, ConfigurationItem.configurationItemStatus;
   * Developer Guide, advanced query limitations: AWS Config "creates Configuration Items (CIs) with
   * ResourceNotRecorded … when a resource has been discovered but is not configured to be recorded", which
   * an aggregator aggregates but advanced query does not return).
   */
  private batchGet(caller: Caller, input: Json): string {
    const keys = batchList(input.resourceKeys, 'resourceKeys');
    const recording = this.recording();
    if (!recording.hasRecorder(caller.region)) {
      throw new SandboxApiError(400, 'NoAvailableConfigurationRecorderException', 'There are no configuration recorders available to provide the role needed to describe your resources. Create a configuration recorder.');
    }
    const items: Json[] = [];
    for (const [index, key] of keys.entries()) {
      if (!isObject(key) || typeof key.resourceType !== 'string' || typeof key.resourceId !== 'string') {
        throw constraintError('null', `resourceKeys.${index + 1}.member`, 'Member must have resourceType and resourceId');
      }
      const found = this.estate.locate(key.resourceType, key.resourceId);
      if (!found || found.scope.account !== caller.account) continue;
      const visible = found.scope.region === caller.region || (found.scope.region === AWS_GLOBAL_REGION && caller.region === this.estate.homeRegion);
      if (!visible) continue;
      const item = this.estate.item(found.scope, found.k);
      // "The API does not return results for deleted resources" (API reference).
      if (this.faults.deletedSinceListed(itemKey(item))) continue;
      items.push(recording.records(found.scope.region, found.scope.type) ? this.baseItem(item) : notRecordedItem(item));
    }
    return JSON.stringify({ baseConfigurationItems: items, unprocessedResourceKeys: [] });
  }

  private batchGetAggregate(caller: Caller, input: Json): string {
    this.checkAggregator(caller, input.ConfigurationAggregatorName);
    const identifiers = batchList(input.ResourceIdentifiers, 'resourceIdentifiers');
    const items: Json[] = [];
    for (const [index, id] of identifiers.entries()) {
      if (
        !isObject(id) ||
        typeof id.SourceAccountId !== 'string' ||
        typeof id.SourceRegion !== 'string' ||
        typeof id.ResourceId !== 'string' ||
        typeof id.ResourceType !== 'string'
      ) {
        throw constraintError('null', `resourceIdentifiers.${index + 1}.member`, 'Member must have SourceAccountId, SourceRegion, ResourceId and ResourceType');
      }
      const found = this.estate.locate(id.ResourceType, id.ResourceId);
      const recording = this.recording();
      // The aggregator holds what its sources hold: nothing from a failed source or a region without a recorder,
      // ResourceNotRecorded items for the types a source's recorder excludes (see batchGet).
      const held = found && recording.hasRecorder(found.scope.region === AWS_GLOBAL_REGION ? this.estate.homeRegion : found.scope.region) && !recording.sourceFailed(found.scope.account, found.scope.region);
      if (found && held && found.scope.account === id.SourceAccountId && found.scope.region === id.SourceRegion) {
        const item = this.estate.item(found.scope, found.k);
        if (!this.faults.deletedSinceListed(itemKey(item))) items.push(recording.records(found.scope.region, found.scope.type) ? this.baseItem(item) : notRecordedItem(item));
      }
    }
    return JSON.stringify({ BaseConfigurationItems: items, UnprocessedResourceIdentifiers: [] });
  }

  /** BaseConfigurationItem: timestamps as epoch seconds, configuration and each supplementary value as JSON strings. */
  private baseItem(item: AwsConfigItem): Json {
    const configuration = JSON.stringify(item.configuration);
    const malformed = this.faults.malformed(itemKey(item));
    const supplementary: Record<string, string> = {};
    for (const [key, value] of Object.entries(item.supplementaryConfiguration)) supplementary[key] = typeof value === 'string' ? value : JSON.stringify(value);
    return {
      version: item.version,
      accountId: item.accountId,
      configurationItemCaptureTime: epochSeconds(item.configurationItemCaptureTime),
      configurationItemStatus: item.configurationItemStatus,
      configurationStateId: item.configurationStateId,
      ...(item.arn !== undefined ? { arn: item.arn } : {}),
      resourceType: item.resourceType,
      resourceId: item.resourceId,
      ...(item.resourceName !== undefined ? { resourceName: item.resourceName } : {}),
      awsRegion: item.awsRegion,
      availabilityZone: item.availabilityZone,
      ...(item.resourceCreationTime !== undefined ? { resourceCreationTime: epochSeconds(item.resourceCreationTime) } : {}),
      configuration:
        malformed === undefined ? configuration : malformed === 'truncated' ? configuration.slice(0, Math.floor(configuration.length / 2)) : 'Internal error: configuration could not be serialized',
      supplementaryConfiguration: supplementary,
      recordingFrequency: 'CONTINUOUS',
    };
  }

  // ------------------------------------------------------------------ Describe

  /**
   * DescribeConfigurationRecorders (API reference: ConfigurationRecorder, RecordingGroup): one customer
   * managed recorder named `default` per region, none where `recorderOff` says so. Its recording group
   * follows `recorderExcludes` (see AwsRecording.recordingGroup).
   */
  private describeRecorders(caller: Caller, input: Json): string {
    const recording = this.recording();
    this.checkRecorderNames(input.ConfigurationRecorderNames, recording.hasRecorder(caller.region));
    if (!recording.hasRecorder(caller.region)) return JSON.stringify({ ConfigurationRecorders: [] });
    return JSON.stringify({
      ConfigurationRecorders: [
        {
          arn: recorderArn(caller),
          name: 'default',
          roleARN: `arn:aws:iam::${caller.account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
          recordingGroup: recording.recordingGroup(caller.region),
          recordingMode: { recordingFrequency: 'CONTINUOUS', recordingModeOverrides: [] },
          recordingScope: 'PAID',
        },
      ],
    });
  }

  /** DescribeConfigurationRecorderStatus (API reference: ConfigurationRecorderStatus; lastStatus is Pending | Success | Failure | NotApplicable). */
  private describeRecorderStatus(caller: Caller, input: Json): string {
    const recording = this.recording();
    this.checkRecorderNames(input.ConfigurationRecorderNames, recording.hasRecorder(caller.region));
    if (!recording.hasRecorder(caller.region)) return JSON.stringify({ ConfigurationRecordersStatus: [] });
    return JSON.stringify({
      ConfigurationRecordersStatus: [
        {
          arn: recorderArn(caller),
          name: 'default',
          lastStartTime: RECORDER_STARTED,
          recording: true,
          lastStatus: 'Success',
          lastStatusChangeTime: Math.floor(this.faults.date().getTime() / 1000) - 300,
        },
      ],
    });
  }

  /**
   * An account-based aggregator over every estate account and enabled region (API reference:
   * ConfigurationAggregator, AccountAggregationSource), so its sources status lists account × region.
   */
  private describeAggregators(caller: Caller): string {
    if (caller.account !== this.estate.managementAccount) return JSON.stringify({ ConfigurationAggregators: [] });
    return JSON.stringify({
      ConfigurationAggregators: [
        {
          ConfigurationAggregatorName: this.aggregatorName,
          ConfigurationAggregatorArn: `arn:aws:config:${caller.region}:${caller.account}:config-aggregator/config-aggregator-${hex8(hashParts(this.aggregatorName))}`,
          AccountAggregationSources: [{ AccountIds: [...this.estate.accounts], AwsRegions: [...this.recording().enabledRegions], AllAwsRegions: false }],
          CreationTime: RECORDER_STARTED,
          LastUpdatedTime: RECORDER_STARTED,
        },
      ],
    });
  }

  /**
   * DescribeConfigurationAggregatorSourcesStatus (API reference: AggregatedSourceStatus; LastUpdateStatus
   * FAILED | SUCCEEDED | OUTDATED, UpdateStatus filter, Limit 0–100 with 0 meaning the maximum, NextToken).
   * One row per source account × region; `aggregatorFailedSources` rows are FAILED with an error. The
   * error codes AWS puts there are not enumerated in the reference; the sandbox uses an access error.
   */
  private describeAggregatorSourcesStatus(caller: Caller, input: Json): string {
    this.checkAggregator(caller, input.ConfigurationAggregatorName);
    const recording = this.recording();
    const filter = input.UpdateStatus === undefined || input.UpdateStatus === null ? undefined : input.UpdateStatus;
    if (filter !== undefined && (!Array.isArray(filter) || filter.some((f) => f !== 'FAILED' && f !== 'SUCCEEDED' && f !== 'OUTDATED'))) {
      throw constraintError(JSON.stringify(filter), 'updateStatus', 'Member must satisfy enum value set: [FAILED, SUCCEEDED, OUTDATED]');
    }
    const limit = pageSizeParam(input.Limit, 'limit') || SELECT_MAX_PAGE_SIZE;
    const updated = Math.floor(this.faults.date().getTime() / 1000) - 600;
    const rows = this.estate.accounts
      .flatMap((account) => recording.enabledRegions.map((region) => ({ account, region, failed: recording.sourceFailed(account, region) })))
      .map(({ account, region, failed }) => ({
        SourceId: account,
        SourceType: 'ACCOUNT',
        AwsRegion: region,
        LastUpdateStatus: failed ? 'FAILED' : 'SUCCEEDED',
        LastUpdateTime: updated,
        ...(failed
          ? { LastErrorCode: 'AccessDeniedException', LastErrorMessage: `The aggregator account ${caller.account} is not authorized to collect data from source account ${account} in ${region}.` }
          : {}),
      }))
      .filter((row) => filter === undefined || (filter as unknown[]).includes(row.LastUpdateStatus));
    const tokenKey = hashParts('sources', this.aggregatorName, JSON.stringify(filter ?? null));
    const offset = input.NextToken === undefined || input.NextToken === null || input.NextToken === '' ? 0 : decodeToken(input.NextToken, tokenKey, rows.length);
    const page = rows.slice(offset, offset + limit);
    const next = offset + page.length;
    return JSON.stringify({ AggregatedSourceStatusList: page, ...(next < rows.length ? { NextToken: encodeToken(next, tokenKey) } : {}) });
  }

  private checkRecorderNames(names: unknown, present: boolean): void {
    if (!Array.isArray(names)) return;
    const unknown: unknown = (names as unknown[]).find((n) => n !== 'default' || !present);
    if (unknown !== undefined) {
      throw new SandboxApiError(400, 'NoSuchConfigurationRecorderException', `Cannot find configuration recorder with the specified name '${JSON.stringify(unknown)}'.`);
    }
  }

  /** The aggregator exists only in the management account. */
  private checkAggregator(caller: Caller, name: unknown): void {
    if (typeof name !== 'string') throw constraintError('null', 'configurationAggregatorName', 'Member must not be null');
    if (name !== this.aggregatorName || caller.account !== this.estate.managementAccount) {
      throw new SandboxApiError(400, 'NoSuchConfigurationAggregatorException', 'The configuration aggregator does not exist. Check the configuration aggregator name and try again.');
    }
  }
}

/** A discovered resource whose type the recorder does not record: identity only, no configuration. */
function notRecordedItem(item: AwsConfigItem): Json {
  return {
    version: item.version,
    accountId: item.accountId,
    configurationItemCaptureTime: epochSeconds(item.configurationItemCaptureTime),
    configurationItemStatus: 'ResourceNotRecorded',
    configurationStateId: item.configurationStateId,
    ...(item.arn !== undefined ? { arn: item.arn } : {}),
    resourceType: item.resourceType,
    resourceId: item.resourceId,
    ...(item.resourceName !== undefined ? { resourceName: item.resourceName } : {}),
    awsRegion: item.awsRegion,
    supplementaryConfiguration: {},
  };
}

function recorderArn(caller: Caller): string {
  return `arn:aws:config:${caller.region}:${caller.account}:configuration-recorder/default/${hex8(hashParts(caller.account, caller.region))}`;
}

function itemKey(item: AwsConfigItem): string {
  return `${item.accountId}/${item.awsRegion}/${item.resourceType}/${item.resourceId}`;
}

/**
 * Limit / MaxResults, valid range 0–100. API reference (SelectResourceConfig, SelectAggregateResourceConfig,
 * DescribeConfigurationAggregatorSourcesStatus), Errors: InvalidLimitException, "The specified limit is
 * outside the allowable range", HTTP 400 — the operation's own error, not a generic ValidationException.
 */
function pageSizeParam(value: unknown, member: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new SandboxApiError(400, 'SerializationException', `${member} must be an integer`);
  if (value > SELECT_MAX_PAGE_SIZE || value < 0) throw new SandboxApiError(400, 'InvalidLimitException', `The specified limit is outside the allowable range: ${member} ${value} is not between 0 and ${SELECT_MAX_PAGE_SIZE}.`);
  return value;
}

function batchList(value: unknown, member: string): unknown[] {
  if (value === undefined || value === null) throw constraintError('null', member, 'Member must not be null');
  if (!Array.isArray(value)) throw new SandboxApiError(400, 'SerializationException', `${member} must be a list`);
  if (value.length < 1) throw constraintError('[]', member, 'Member must have length greater than or equal to 1');
  if (value.length > BATCH_GET_MAX_KEYS) {
    throw constraintError(`'[${value.length} keys]'`, member, `Member must have length less than or equal to ${BATCH_GET_MAX_KEYS}`);
  }
  return value;
}

/** Opaque page token: the offset plus a digest of (scope, expression), so it only resumes the query that issued it. */
function encodeToken(offset: number, key: number): string {
  return Buffer.from(`v1.${offset}.${hex8(key)}`, 'utf8').toString('base64url');
}

function decodeToken(token: unknown, key: number, total: number): number {
  const invalid = new SandboxApiError(400, 'InvalidNextTokenException', 'The nextToken provided is invalid');
  if (typeof token !== 'string') throw invalid;
  const m = /^v1\.(\d{1,10})\.([0-9a-f]{8})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m?.[1] || m[2] !== hex8(key)) throw invalid;
  const offset = Number(m[1]);
  if (offset > total) throw invalid;
  return offset;
}
