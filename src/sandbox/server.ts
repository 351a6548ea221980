/**
 * The embedded sandbox cloud: one local server that speaks each provider's real wire protocol over a
 * deterministic, lazily generated estate, with fault knobs and a call log. Shared by the demo, the
 * tests and the benchmarks.
 *
 * Providers are mounted as ProviderHandlers on a listener that speaks their transport. AWS Config
 * (awsJson1_1 over plain HTTP) is mounted today; Azure ARM (HTTPS) and GCP Cloud Asset (gRPC over
 * HTTP/2) will each get their own listener and `sandbox.azure` / `sandbox.gcp` facade, sharing the
 * FaultInjector and the CallLog.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AzureEstateOptions, SandboxAzure } from './azure.js';
import type { GcpEstateOptions, SandboxGcp } from './gcp.js';
import { AwsAccountHandler } from './aws-account.js';
import { AwsConfigHandler, AWS_SANDBOX_AGGREGATOR } from './aws-config.js';
import { AwsDetectionHandler } from './aws-detection.js';
import { AwsEc2Handler } from './aws-ec2.js';
import { AwsLambdaHandler } from './aws-lambda.js';
import { AwsIamHandler } from './aws-iam.js';
import { AwsCloudTrailHandler } from './aws-cloudtrail.js';
import { AwsCloudWatchHandler, AwsLogsHandler } from './aws-monitoring.js';
import { AwsStsHandler } from './aws-sts.js';
import { AwsRecording, type AwsRecordingOptions } from './estate/aws-recording.js';
import { AWS_SANDBOX_SECRET, sandboxAccessKeyFor } from './aws-credentials.js';
import { CallLog, type CallSummary } from './calls.js';
import { AwsEstate, type AwsEstateDescription, type AwsEstateOptions } from './estate/aws.js';
import { FaultInjector, type Faults } from './faults.js';
import type { S3SandboxOptions, SandboxS3 } from './s3.js';
import { closeServer, KEEP_ALIVE_SERVER_OPTIONS, listenOn, send, serveWithBody, type ProviderHandler } from './http.js';

export { sandboxAccessKeyFor } from './aws-credentials.js';
export type { Faults } from './faults.js';
export type { S3Faults, S3SandboxOptions, SandboxS3, SandboxS3Object, ObjectLockMode } from './s3.js';
export type { CallRecord, CallSummary } from './calls.js';
export type { AwsEstateOptions, AwsEstateDescription, AwsScopeCount } from './estate/aws.js';
export type { AwsRecordingOptions } from './estate/aws-recording.js';
export { AWS_GLOBAL_TYPES, SANDBOX_ROLE_NAME, sandboxRoleArn } from './estate/aws-recording.js';
export { describeEstate, expectedCount, minimumCalls, AWS_RESOURCE_TYPES } from './estate/aws.js';
export { SELECT_MAX_PAGE_SIZE, SELECT_DEFAULT_PAGE_SIZE, BATCH_GET_MAX_KEYS } from './aws-config.js';

const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** The estate, and how its accounts are set up: enabled regions, Config recorders, aggregator sources, denied actions. */
  readonly aws?: AwsEstateOptions & AwsRecordingOptions;
  /** Azure ARM + Resource Graph estate, served over HTTPS on its own port (src/sandbox/azure.ts). */
  readonly azure?: AzureEstateOptions;
  /** GCP Cloud Asset estate, served over gRPC on its own port (src/sandbox/gcp.ts). */
  readonly gcp?: GcpEstateOptions;
  readonly faults?: Faults;
  /** S3 with one Object Lock bucket, on its own port, for the evidence store (src/sandbox/s3.ts). */
  readonly s3?: S3SandboxOptions;
}

export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface SandboxAws {
  /** `http://host:port`: pass as `endpoint` to ConfigServiceClient. */
  readonly endpoint: string;
  readonly aggregatorName: string;
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  readonly managementAccount: string;
  readonly homeRegion: string;
  readonly estate: AwsEstateDescription;
  credentialsFor(account: string): StaticCredentials;
  /** The account setup now in force (enabled regions, recorders, aggregator sources, denied actions). */
  recording(): AwsRecordingOptions;
  /** Replaces the account setup (omitted knobs: defaults); takes effect on the next request. */
  setRecording(options: AwsRecordingOptions): void;
}

export interface Sandbox {
  readonly aws: SandboxAws;
  readonly azure: SandboxAzure;
  readonly gcp: SandboxGcp;
  readonly s3: SandboxS3;
  /** Replaces every fault knob (omitted ones are off); takes effect on the next request. */
  setFaults(faults: Faults): void;
  faults(): Faults;
  calls(): CallSummary;
  /** Distinct client connections each cloud's listener saw since the last resetCalls(): whether clients reuse theirs. */
  connections(): Readonly<Record<'aws' | 'azure' | 'gcp', number>>;
  /** Operations called that are not read-only (Select*, BatchGet*, Describe*, Get*, List*); the evidence store's S3 calls are not counted. */
  writeOperations(): string[];
  resetCalls(): void;
  close(): Promise<void>;
}

function endpointHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const estate = new AwsEstate(options.aws);
  let recording = new AwsRecording(options.aws ?? {}, estate);
  const faults = new FaultInjector(options.faults ?? {}, estate.seed);
  const callLog = new CallLog();
  const aws = new AwsConfigHandler(estate, faults, callLog, () => recording, { aggregatorName: AWS_SANDBOX_AGGREGATOR });
  // STS, IAM, CloudTrail, the Account API, CloudWatch Logs, CloudWatch, EC2, Inspector, Security Hub and Lambda share the AWS
  // listener, told apart by the SigV4 service they are signed for; all before AWS Config, which takes any other X-Amz-Target.
  const handlers: readonly ProviderHandler[] = [
    new AwsStsHandler(estate, faults, callLog, () => recording),
    new AwsIamHandler(estate, faults, callLog, () => recording),
    new AwsCloudTrailHandler(estate, faults, callLog, () => recording),
    new AwsAccountHandler(estate, faults, callLog, () => recording),
    // Before AWS Config, which takes any request with an X-Amz-Target: these are told apart by their SigV4 service.
    new AwsLogsHandler(estate, faults, callLog, () => recording),
    new AwsCloudWatchHandler(estate, faults, callLog, () => recording),
    new AwsEc2Handler(estate, faults, callLog, () => recording),
    new AwsDetectionHandler(estate, faults, callLog, () => recording),
    new AwsLambdaHandler(estate, faults, callLog, () => recording),
    aws,
  ];

  const server: Server = createServer(KEEP_ALIVE_SERVER_OPTIONS, (req, res) => {
    void route(handlers, req, res);
  });
  server.on('connection', (socket: Socket) => callLog.connected('aws', `${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0}`));
  const host = options.host ?? '127.0.0.1';
  const port = await listenOn(server, options.port ?? 0, host);
  const description = estate.describe();
  // Every listener, the AWS one first. One that fails to start closes those already listening: no
  // half-started sandbox is left behind.
  const started: { close(): Promise<void> }[] = [{ close: () => closeServer(server) }];
  const listen = async <T extends { close(): Promise<void> }>(start: () => Promise<T>): Promise<T> => {
    try {
      const listener = await start();
      started.push(listener);
      return listener;
    } catch (error) {
      await Promise.allSettled(started.map((l) => l.close()));
      throw error;
    }
  };
  const { startAzureListener } = await import('./azure.js');
  const azure = await listen(() => startAzureListener(host, endpointHost(host), options.azure, faults, callLog));
  const { startGcpListener } = await import('./gcp.js');
  const gcp = await listen(() => startGcpListener(host, endpointHost(host), options.gcp, faults, callLog));
  const { startS3Listener } = await import('./s3.js');
  const s3 = await listen(() => startS3Listener(host, endpointHost(host), options.s3, callLog));
  // `--denied-actions s3:GetObjectRetention` reaches the S3 listener (its knobs are S3Faults).
  const s3Denied = (options.aws?.deniedActions ?? []).filter((a) => a.startsWith('s3:'));
  if (s3Denied.length > 0) s3.s3.setFaults({ deniedActions: s3Denied });

  return {
    aws: {
      endpoint: `http://${endpointHost(host)}:${port}`,
      aggregatorName: aws.aggregatorName,
      accounts: estate.accounts,
      regions: estate.regions,
      managementAccount: estate.managementAccount,
      homeRegion: estate.homeRegion,
      estate: description,
      credentialsFor(account) {
        if (!estate.accounts.includes(account)) throw new Error(`sandbox: account ${account} is not part of the estate (${estate.accounts.join(', ')})`);
        return { accessKeyId: sandboxAccessKeyFor(account), secretAccessKey: AWS_SANDBOX_SECRET };
      },
      recording: () => recording.options(),
      setRecording: (next) => {
        recording = new AwsRecording(next, estate);
      },
    },
    azure: azure.azure,
    gcp: gcp.gcp,
    s3: s3.s3,
    setFaults: (next) => faults.set(next),
    faults: () => faults.current(),
    calls: () => callLog.summary(),
    connections: () => callLog.connections(),
    writeOperations: () => callLog.writeOperations(),
    resetCalls: () => callLog.reset(),
    close: async () => {
      await Promise.all(started.map((l) => l.close()));
    },
  };
}

async function route(handlers: readonly ProviderHandler[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const handler = handlers.find((h) => h.matches(req));
  if (!handler) {
    req.resume();
    send(res, 404, { 'Content-Type': 'application/json' }, JSON.stringify({ message: `no sandbox provider serves ${req.method ?? ''} ${req.url ?? ''}` }));
    return;
  }
  await serveWithBody(req, res, MAX_BODY_BYTES, (body) => handler.handle(req, body, res), ({ message }) => JSON.stringify({ message }));
}
