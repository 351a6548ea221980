/**
 * CloudTrail over the awsJson1_1 protocol (POST /, `Content-Type: application/x-amz-json-1.1`, SigV4
 * service `cloudtrail`). `@aws-sdk/client-cloudtrail` 3.1137 sends `X-Amz-Target:
 * CloudTrail_20131101.<Operation>` (its AwsJson1_1Protocol builds `${serviceTarget}.${operation}` with
 * serviceTarget CloudTrail_20131101); the API reference's request examples and the service model's
 * targetPrefix use `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Operation>`: both are served.
 * The CloudTrail API reference, per operation:
 *
 * - DescribeTrails (`trailNameList`, `includeShadowTrails`, default true): `trailList` of Trail. Without
 *   names, the trails homed in the Region asked and, with shadow trails, the multi-Region trails homed in
 *   other Regions ("A shadow trail is the replication in a Region of a trail that was created in a
 *   different Region"). A name matches only a trail of the current Region; an ARN any trail visible there.
 * - GetTrailStatus (`Name`, a name or ARN; "To get the status of a shadow trail … you must specify its
 *   ARN"): IsLogging, LatestDeliveryError, StartLoggingTime, StopLoggingTime, … (epoch seconds).
 *   TrailNotFoundException when the trail is not visible in the Region.
 * - GetEventSelectors (`TrailName`, a name or ARN): TrailARN and either EventSelectors or
 *   AdvancedEventSelectors. TrailNotFoundException likewise.
 *
 * Errors are `{"__type": code, "message": …}` with the `x-amzn-ErrorType` header (awsJson1_1):
 * TrailNotFoundException (400), and the common errors AccessDeniedException (400 in awsJson services; here
 * for the actions `deniedActions` names, e.g. `cloudtrail:GetTrailStatus`), ThrottlingException (400),
 * ServiceUnavailable (503), InternalFailure (500), UnrecognizedClientException (400) for a key the
 * sandbox does not know — and for any request in a Region the account has disabled (`disabledRegions`):
 * credentials are not accepted in a Region that is not enabled (AWS Account Management Reference Guide,
 * "Enable or disable AWS Regions in your account").
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallLog } from './calls.js';
import { accountOfAccessKey, parseAuthorization } from './aws-credentials.js';
import { awsJsonInput } from './aws-json.js';
import type { AwsRecording } from './estate/aws-recording.js';
import { sandboxTrails, type SandboxTrail } from './estate/aws-cloudtrail.js';
import type { FaultInjector } from './faults.js';
import { send, sleep, SandboxApiError, type ProviderHandler } from './http.js';

/** The target prefixes: the SDK's (service shape name) and the service model's targetPrefix. */
export const CLOUDTRAIL_TARGET_PREFIXES = ['CloudTrail_20131101.', 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.'] as const;
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
const MAX_REQUEST_BYTES = 64 * 1024;
const MINUTE_MS = 60_000;

type Json = Record<string, unknown>;

export interface CloudTrailEstate {
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  readonly homeRegion: string;
}

export class AwsCloudTrailHandler implements ProviderHandler {
  readonly provider = 'aws' as const;
  private readonly startedAt: Date;

  constructor(
    private readonly estate: CloudTrailEstate,
    private readonly faults: FaultInjector,
    private readonly calls: CallLog,
    private readonly recording: () => AwsRecording,
  ) {
    this.startedAt = faults.date();
  }

  matches(req: IncomingMessage): boolean {
    return req.method === 'POST' && parseAuthorization(req.headers.authorization)?.service === 'cloudtrail';
  }

  async handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const prefix = CLOUDTRAIL_TARGET_PREFIXES.find((p) => target.startsWith(p));
    const operation = prefix ? target.slice(prefix.length) : target || '(none)';
    const credential = parseAuthorization(req.headers.authorization);
    const region = credential?.region ?? '';
    let account = '';
    try {
      if (body.length > MAX_REQUEST_BYTES) throw new SandboxApiError(413, 'RequestEntityTooLargeException', 'Request body too large');
      const key = accountOfAccessKey(credential?.accessKeyId ?? '');
      if (!key || !this.estate.accounts.includes(key)) throw new SandboxApiError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      account = key;
      if (this.recording().disablesRegion(region)) throw new SandboxApiError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      await sleep(this.faults.latencyMs());
      if (!prefix) throw new SandboxApiError(400, 'UnknownOperationException', `Operation ${operation} is not supported by the kansa sandbox`);
      const decision = this.recording().denies(`cloudtrail:${operation}`) ? ({ kind: 'accessDenied' } as const) : this.faults.decide(account);
      switch (decision.kind) {
        case 'none':
          break;
        case 'accessDenied':
          throw new SandboxApiError(
            400,
            'AccessDeniedException',
            `User: arn:aws:sts::${account}:assumed-role/kansa-reader/kansa is not authorized to perform: cloudtrail:${operation} because no identity-based policy allows the cloudtrail:${operation} action`,
          );
        case 'throttle':
          throw new SandboxApiError(400, 'ThrottlingException', 'Rate exceeded');
        case 'serverError':
          throw decision.status === 503 ? new SandboxApiError(503, 'ServiceUnavailable', 'Service is unavailable.') : new SandboxApiError(500, 'InternalFailure', 'An internal error occurred.');
      }
      const input = awsJsonInput(body);
      const payload = this.operation(operation, account, region, input);
      send(res, 200, this.headers(), JSON.stringify(payload));
      this.calls.record({ provider: 'aws', operation, account, region, status: 200 });
    } catch (error) {
      const apiError = error instanceof SandboxApiError ? error : new SandboxApiError(500, 'InternalFailure', 'An internal error occurred.');
      send(res, apiError.status, { ...this.headers(), 'x-amzn-ErrorType': apiError.code }, JSON.stringify({ __type: apiError.code, message: apiError.message }));
      this.calls.record({ provider: 'aws', operation, account, region, status: apiError.status, error: apiError.code });
    }
  }

  private headers(): Record<string, string> {
    return { 'Content-Type': JSON_CONTENT_TYPE, 'x-amzn-RequestId': randomUUID(), Date: this.faults.date().toUTCString() };
  }

  private trailsOf(account: string): SandboxTrail[] {
    return sandboxTrails(account, this.estate.accounts.indexOf(account), this.estate.regions, this.estate.homeRegion);
  }

  /** Trails visible in a Region: homed there, or multi-Region trails homed elsewhere (shadow trails). */
  private visible(account: string, region: string, shadows: boolean): SandboxTrail[] {
    return this.trailsOf(account).filter((t) => t.homeRegion === region || (shadows && t.isMultiRegionTrail));
  }

  /** A trail by name (homed in this Region) or by ARN (any trail visible here); TrailNotFoundException otherwise. */
  private find(account: string, region: string, name: unknown): SandboxTrail {
    if (typeof name !== 'string' || name === '') throw new SandboxApiError(400, 'InvalidTrailNameException', 'Trail name or ARN can only contain non-whitespace characters.');
    const trail = name.startsWith('arn:') ? this.visible(account, region, true).find((t) => t.arn === name) : this.visible(account, region, false).find((t) => t.name === name);
    if (!trail) throw new SandboxApiError(400, 'TrailNotFoundException', `Unknown trail: ${name} for the user: ${account}`);
    return trail;
  }

  private operation(operation: string, account: string, region: string, input: Json): Json {
    switch (operation) {
      case 'DescribeTrails': {
        const names = Array.isArray(input.trailNameList) ? input.trailNameList.filter((n): n is string => typeof n === 'string') : [];
        const shadows = input.includeShadowTrails !== false;
        const trails = this.visible(account, region, shadows).filter((t) => names.length === 0 || names.includes(t.arn) || (t.homeRegion === region && names.includes(t.name)));
        return { trailList: trails.map((t) => this.describe(t)) };
      }
      case 'GetTrailStatus':
        return this.status(this.find(account, region, input.Name));
      case 'GetEventSelectors': {
        const trail = this.find(account, region, input.TrailName);
        return { TrailARN: trail.arn, ...(trail.advancedEventSelectors ? { AdvancedEventSelectors: trail.advancedEventSelectors } : { EventSelectors: trail.eventSelectors ?? [] }) };
      }
      default:
        throw new SandboxApiError(400, 'UnknownOperationException', `Operation ${operation} is not supported by the kansa sandbox`);
    }
  }

  /** API reference, Trail. */
  private describe(t: SandboxTrail): Json {
    return {
      Name: t.name,
      S3BucketName: t.s3BucketName,
      IncludeGlobalServiceEvents: true,
      IsMultiRegionTrail: t.isMultiRegionTrail,
      HomeRegion: t.homeRegion,
      TrailARN: t.arn,
      LogFileValidationEnabled: t.logFileValidationEnabled,
      HasCustomEventSelectors: t.advancedEventSelectors !== undefined || (t.eventSelectors ?? []).some((s) => Array.isArray(s.DataResources) && s.DataResources.length > 0),
      HasInsightSelectors: false,
      IsOrganizationTrail: t.isOrganizationTrail,
    };
  }

  /** API reference, GetTrailStatus response: timestamps as epoch seconds (awsJson1_1). */
  private status(t: SandboxTrail): Json {
    const at = (minutesAgo: number): number => Math.floor((this.startedAt.getTime() - minutesAgo * MINUTE_MS) / 1000);
    const delivered = at(5);
    return {
      IsLogging: t.isLogging,
      StartLoggingTime: at(t.startedMinutesAgo),
      ...(t.stoppedMinutesAgo !== undefined ? { StopLoggingTime: at(t.stoppedMinutesAgo) } : {}),
      LatestDeliveryTime: t.isLogging ? delivered : at(t.stoppedMinutesAgo ?? 0),
      LatestDeliveryAttemptTime: new Date((t.isLogging ? delivered : at(t.stoppedMinutesAgo ?? 0)) * 1000).toISOString(),
      LatestDeliveryAttemptSucceeded: new Date((t.isLogging ? delivered : at(t.stoppedMinutesAgo ?? 0)) * 1000).toISOString(),
      TimeLoggingStarted: new Date(at(t.startedMinutesAgo) * 1000).toISOString(),
      ...(t.stoppedMinutesAgo !== undefined ? { TimeLoggingStopped: new Date(at(t.stoppedMinutesAgo) * 1000).toISOString() } : {}),
    };
  }
}
