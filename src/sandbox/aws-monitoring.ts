/**
 * CloudWatch Logs and CloudWatch over the JSON protocols the unmodified clients speak (POST /, SigV4):
 *
 * - CloudWatch Logs, awsJson1_1 (`Content-Type: application/x-amz-json-1.1`, `X-Amz-Target:
 *   Logs_20140328.<Operation>`, SigV4 service `logs`). CloudWatch Logs API reference:
 *   DescribeLogGroups (`logGroupNamePrefix`, `limit` 1–50, default 50, `nextToken`; `retentionInDays` is
 *   absent when events never expire) and DescribeMetricFilters (`logGroupName`, `limit` 1–50, default 50,
 *   `nextToken`). Errors `{"__type": code, "message"}` with `x-amzn-ErrorType`: InvalidParameterException
 *   (400), AccessDeniedException (400), ThrottlingException (400), ServiceUnavailableException (500).
 * - CloudWatch, awsJson1_0 (`Content-Type: application/x-amz-json-1.0`, `X-Amz-Target:
 *   GraniteServiceVersion20100801.<Operation>`, SigV4 service `monitoring`), as @aws-sdk/client-cloudwatch
 *   3.1178 sends it (its runtimeConfig: AwsJson1_0Protocol, awsQueryCompatible). CloudWatch API reference,
 *   DescribeAlarms: `AlarmTypes` (default: metric alarms only), `MaxRecords` 1–100, default 50,
 *   `NextToken`; answers `MetricAlarms`, `CompositeAlarms`, `NextToken`; InvalidNextToken (400). Being
 *   query-compatible, errors also carry `x-amzn-query-error: <Code>;<Sender|Receiver>`, the code the
 *   query protocol names (AccessDenied 403, Throttling 400, InternalFailure 500).
 *
 * Identity: the SigV4 access key names the account, the credential scope the region (aws-credentials.ts).
 * `deniedActions` (`logs:DescribeMetricFilters`, `cloudwatch:DescribeAlarms`, …) and the fault knobs apply
 * per caller account. The data: estate/aws-monitoring.ts.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallLog } from './calls.js';
import { accountOfAccessKey, parseAuthorization } from './aws-credentials.js';
import { awsJsonInput } from './aws-json.js';
import type { AwsRecording } from './estate/aws-recording.js';
import { sandboxMonitoring, type SandboxMonitoring } from './estate/aws-monitoring.js';
import type { FaultInjector } from './faults.js';
import { send, sleep, SandboxApiError, type ProviderHandler } from './http.js';

export const LOGS_TARGET_PREFIX = 'Logs_20140328.';
export const CLOUDWATCH_TARGET_PREFIX = 'GraniteServiceVersion20100801.';
/** DescribeLogGroups and DescribeMetricFilters: `limit` 1–50, default 50. */
export const LOGS_MAX_PAGE = 50;
/** DescribeAlarms: `MaxRecords` 1–100, default 50. */
export const ALARMS_MAX_PAGE = 100;
const ALARMS_DEFAULT_PAGE = 50;
const MAX_REQUEST_BYTES = 64 * 1024;

type Json = Record<string, unknown>;

export interface MonitoringEstate {
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  readonly homeRegion: string;
}

interface Protocol {
  readonly service: 'logs' | 'monitoring';
  /** The IAM action prefix deniedActions use. */
  readonly actionPrefix: 'logs' | 'cloudwatch';
  readonly targetPrefix: string;
  readonly contentType: string;
  /** awsQueryCompatible services also name the query protocol's error code in a header. */
  readonly queryCompatible: boolean;
}

const LOGS: Protocol = { service: 'logs', actionPrefix: 'logs', targetPrefix: LOGS_TARGET_PREFIX, contentType: 'application/x-amz-json-1.1', queryCompatible: false };
const CLOUDWATCH: Protocol = { service: 'monitoring', actionPrefix: 'cloudwatch', targetPrefix: CLOUDWATCH_TARGET_PREFIX, contentType: 'application/x-amz-json-1.0', queryCompatible: true };

/** An opaque page token: the offset into the stable listing. */
function token(offset: number): string {
  return Buffer.from(`kansa-sandbox:${offset}`, 'utf8').toString('base64url');
}

function offsetOf(value: unknown, invalid: () => SandboxApiError): number {
  if (value === undefined || value === null) return 0;
  const m = typeof value === 'string' ? /^kansa-sandbox:(\d+)$/.exec(Buffer.from(value, 'base64url').toString('utf8')) : null;
  if (!m) throw invalid();
  return Number(m[1]);
}

function pageSize(value: unknown, max: number, fallback: number, invalid: (v: unknown) => SandboxApiError): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) throw invalid(value);
  return value;
}

abstract class JsonMonitoringHandler implements ProviderHandler {
  readonly provider = 'aws' as const;

  constructor(
    private readonly protocol: Protocol,
    protected readonly estate: MonitoringEstate,
    private readonly faults: FaultInjector,
    private readonly calls: CallLog,
    private readonly recording: () => AwsRecording,
  ) {}

  matches(req: IncomingMessage): boolean {
    return req.method === 'POST' && parseAuthorization(req.headers.authorization)?.service === this.protocol.service;
  }

  protected abstract run(operation: string, data: SandboxMonitoring, input: Json): Json;

  async handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const credential = parseAuthorization(req.headers.authorization);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(this.protocol.targetPrefix) ? target.slice(this.protocol.targetPrefix.length) : target || '(none)';
    let account = '';
    const region = credential?.region ?? '';
    try {
      if (body.length > MAX_REQUEST_BYTES) throw new SandboxApiError(413, 'RequestEntityTooLarge', 'Request body too large');
      const key = accountOfAccessKey(credential?.accessKeyId ?? '');
      if (!key || !this.estate.accounts.includes(key)) throw new SandboxApiError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      account = key;
      await sleep(this.faults.latencyMs());
      if (!target.startsWith(this.protocol.targetPrefix)) throw new SandboxApiError(400, 'UnknownOperationException', `Unknown operation ${target}`);
      const action = `${this.protocol.actionPrefix}:${operation}`;
      const decision = this.recording().denies(action) ? ({ kind: 'accessDenied' } as const) : this.faults.decide(account);
      switch (decision.kind) {
        case 'none':
          break;
        case 'accessDenied':
          throw this.protocol.queryCompatible
            ? new SandboxApiError(403, 'AccessDenied', `User: arn:aws:sts::${account}:assumed-role/kansa-reader/kansa is not authorized to perform: ${action}`)
            : new SandboxApiError(400, 'AccessDeniedException', `User: arn:aws:sts::${account}:assumed-role/kansa-reader/kansa is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`);
        case 'throttle':
          throw new SandboxApiError(400, this.protocol.queryCompatible ? 'Throttling' : 'ThrottlingException', 'Rate exceeded');
        case 'serverError':
          throw this.protocol.queryCompatible ? new SandboxApiError(500, 'InternalServiceError', 'Internal service error') : new SandboxApiError(500, 'ServiceUnavailableException', 'The service cannot complete the request.');
      }
      const input = awsJsonInput(body);
      const index = this.estate.accounts.indexOf(account);
      const data: SandboxMonitoring = this.estate.regions.includes(region)
        ? sandboxMonitoring(index, account, region, region === this.estate.homeRegion)
        : { logGroups: [], metricFilters: [], alarms: [] };
      const payload = JSON.stringify(this.run(operation, data, input));
      const truncate = this.faults.truncate();
      send(res, 200, this.headers(), payload, truncate ? Math.floor(Buffer.byteLength(payload) * 0.6) : undefined);
      this.calls.record({ provider: 'aws', operation, account, region, status: 200 });
    } catch (error) {
      const apiError = error instanceof SandboxApiError ? error : new SandboxApiError(500, 'InternalFailure', 'An internal error occurred.');
      const query = this.protocol.queryCompatible ? { 'x-amzn-query-error': `${apiError.code};${apiError.status >= 500 ? 'Receiver' : 'Sender'}` } : {};
      send(res, apiError.status, { ...this.headers(), 'x-amzn-ErrorType': apiError.code, ...query }, JSON.stringify({ __type: apiError.code, message: apiError.message }));
      this.calls.record({ provider: 'aws', operation, account, region, status: apiError.status, error: apiError.code });
    }
  }

  private headers(): Record<string, string> {
    return { 'Content-Type': this.protocol.contentType, 'x-amzn-RequestId': randomUUID(), Date: this.faults.date().toUTCString() };
  }
}

export class AwsLogsHandler extends JsonMonitoringHandler {
  constructor(estate: MonitoringEstate, faults: FaultInjector, calls: CallLog, recording: () => AwsRecording) {
    super(LOGS, estate, faults, calls, recording);
  }

  protected run(operation: string, data: SandboxMonitoring, input: Json): Json {
    const invalidLimit = (v: unknown): SandboxApiError => new SandboxApiError(400, 'InvalidParameterException', `1 validation error detected: Value '${String(v)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${LOGS_MAX_PAGE}`);
    const invalidToken = (): SandboxApiError => new SandboxApiError(400, 'InvalidParameterException', 'The specified nextToken is invalid.');
    const page = <T>(items: readonly T[]): { items: T[]; next?: string } => {
      const size = pageSize(input.limit, LOGS_MAX_PAGE, LOGS_MAX_PAGE, invalidLimit);
      const offset = offsetOf(input.nextToken, invalidToken);
      if (offset > items.length) throw invalidToken();
      const slice = items.slice(offset, offset + size);
      return { items: slice, ...(offset + size < items.length ? { next: token(offset + size) } : {}) };
    };
    switch (operation) {
      case 'DescribeLogGroups': {
        const prefix = typeof input.logGroupNamePrefix === 'string' ? input.logGroupNamePrefix : '';
        const { items, next } = page(data.logGroups.filter((g) => g.logGroupName.startsWith(prefix)));
        return { logGroups: items, ...(next ? { nextToken: next } : {}) };
      }
      case 'DescribeMetricFilters': {
        const group = typeof input.logGroupName === 'string' ? input.logGroupName : undefined;
        if (group !== undefined && !data.logGroups.some((g) => g.logGroupName === group)) throw new SandboxApiError(400, 'ResourceNotFoundException', 'The specified log group does not exist.');
        const { items, next } = page(data.metricFilters.filter((f) => group === undefined || f.logGroupName === group));
        return { metricFilters: items, ...(next ? { nextToken: next } : {}) };
      }
      default:
        throw new SandboxApiError(400, 'UnknownOperationException', `Operation ${operation} is not supported by the kansa sandbox`);
    }
  }
}

export class AwsCloudWatchHandler extends JsonMonitoringHandler {
  constructor(estate: MonitoringEstate, faults: FaultInjector, calls: CallLog, recording: () => AwsRecording) {
    super(CLOUDWATCH, estate, faults, calls, recording);
  }

  protected run(operation: string, data: SandboxMonitoring, input: Json): Json {
    if (operation !== 'DescribeAlarms') throw new SandboxApiError(400, 'UnknownOperationException', `Operation ${operation} is not supported by the kansa sandbox`);
    const size = pageSize(input.MaxRecords, ALARMS_MAX_PAGE, ALARMS_DEFAULT_PAGE, (v) => new SandboxApiError(400, 'InvalidParameterValue', `The value ${String(v)} for parameter MaxRecords is not valid.`));
    const invalidToken = (): SandboxApiError => new SandboxApiError(400, 'InvalidNextToken', 'The service found that the next token is invalid.');
    const offset = offsetOf(input.NextToken, invalidToken);
    const types = Array.isArray(input.AlarmTypes) ? (input.AlarmTypes as unknown[]) : ['MetricAlarm'];
    // The estate has no composite alarms: asked for, the list is empty.
    const alarms = types.includes('MetricAlarm') ? data.alarms : [];
    if (offset > alarms.length) throw invalidToken();
    const slice = alarms.slice(offset, offset + size);
    return { MetricAlarms: slice, CompositeAlarms: [], ...(offset + size < alarms.length ? { NextToken: token(offset + size) } : {}) };
  }
}
