/**
 * Cloud Asset API (google.cloud.asset.v1.AssetService) over gRPC, the transport @google-cloud/asset
 * uses in production. The service definition is loaded from the descriptor set the client package
 * ships (build/protos/protos.json), so the sandbox and the client agree on the wire format by
 * construction. Only ListAssets is implemented; every other method answers UNIMPLEMENTED.
 *
 * Served on an insecure HTTP/2 listener bound to loopback: the sandbox client passes insecure
 * channel credentials, which google-gax uses instead of composing TLS with Google call credentials,
 * so no token is ever sent to it (see README.md).
 */
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { jsonToStruct } from './gcp-struct.js';
import type { CallLog } from './calls.js';
import { hashParts, unitHash } from './estate/random.js';
import type { GcpAsset, GcpContentType, GcpEstate } from './estate/gcp.js';
import type { FaultInjector } from './faults.js';
import { sleep } from './http.js';

/** ListAssets page size bounds (API reference: default 100, maximum 1000). */
export const LIST_ASSETS_DEFAULT_PAGE_SIZE = 100;
export const LIST_ASSETS_MAX_PAGE_SIZE = 1000;
/** The rate-limit bucket of every ListAssets call (faults.ratePerSecond applies to the consumer project). */
const CONSUMER_QUOTA_BUCKET = 'consumer-project';

const OPERATION = 'ListAssets';
/** Share of malformed assets that also lose their asset type. */
export const UNREADABLE_SHARE_OF_MALFORMED = 0.25;

/** gRPC status → the HTTP status Google's REST mapping gives it, for the call log. */
const HTTP_OF: Readonly<Partial<Record<grpc.status, number>>> = {
  [grpc.status.OK]: 200,
  [grpc.status.INVALID_ARGUMENT]: 400,
  [grpc.status.PERMISSION_DENIED]: 403,
  [grpc.status.NOT_FOUND]: 404,
  [grpc.status.RESOURCE_EXHAUSTED]: 429,
  [grpc.status.INTERNAL]: 500,
  [grpc.status.UNAVAILABLE]: 503,
};

interface ListAssetsRequest {
  parent?: string;
  contentType?: string;
  assetTypes?: string[];
  pageSize?: number;
  pageToken?: string;
}

/** google.rpc.ErrorInfo: why a call failed, in machine-readable form (google/rpc/error_details.proto). */
export interface ErrorInfo {
  readonly reason: string;
  readonly domain: string;
  readonly metadata: Readonly<Record<string, string>>;
}

class RpcError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
    /** Seconds for a google.rpc.RetryInfo detail, as Google's quota errors carry. */
    readonly retryDelaySeconds?: number,
    /** A google.rpc.ErrorInfo detail, as Google's permission and service-state errors carry. */
    readonly errorInfo?: ErrorInfo,
  ) {
    super(message);
  }

  /** The error as grpc-js sends it: status, message and, with details, `grpc-status-details-bin` in the trailers. */
  toServiceError(): Partial<grpc.StatusObject> {
    if (this.retryDelaySeconds === undefined && this.errorInfo === undefined) return { code: this.code, details: this.message };
    const metadata = new grpc.Metadata();
    metadata.set('grpc-status-details-bin', statusDetails(this.code, this.message, { ...(this.retryDelaySeconds === undefined ? {} : { retryDelaySeconds: this.retryDelaySeconds }), ...(this.errorInfo ? { errorInfo: this.errorInfo } : {}) }));
    return { code: this.code, details: this.message, metadata };
  }
}

/*
 * google.rpc.Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; } with
 * Any { string type_url = 1; bytes value = 2; } holding google.rpc.RetryInfo { google.protobuf.Duration retry_delay = 1; }
 * (Duration { int64 seconds = 1; int32 nanos = 2; }) and/or google.rpc.ErrorInfo { string reason = 1;
 * string domain = 2; map<string, string> metadata = 3; } (a map is repeated entries { key = 1; value = 2; }):
 * a handful of fields, encoded by hand rather than pulling a protobuf runtime into the sandbox.
 */
function varint(n: number): Buffer {
  const bytes: number[] = [];
  let v = Math.floor(n);
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

function field(number: number, value: number | Buffer): Buffer {
  if (typeof value === 'number') return Buffer.concat([varint(number << 3), varint(value)]);
  return Buffer.concat([varint((number << 3) | 2), varint(value.length), value]);
}

export function statusDetails(code: number, message: string, details: { readonly retryDelaySeconds?: number; readonly errorInfo?: ErrorInfo }): Buffer {
  const text = (value: string): Buffer => Buffer.from(value, 'utf8');
  const any = (type: string, value: Buffer): Buffer => field(3, Buffer.concat([field(1, text(`type.googleapis.com/${type}`)), field(2, value)]));
  const out = [field(1, code), field(2, text(message))];
  if (details.retryDelaySeconds !== undefined) {
    const seconds = Math.floor(details.retryDelaySeconds);
    const nanos = Math.round((details.retryDelaySeconds - seconds) * 1e9);
    const duration = Buffer.concat([field(1, seconds), ...(nanos > 0 ? [field(2, nanos)] : [])]);
    out.push(any('google.rpc.RetryInfo', field(1, duration)));
  }
  if (details.errorInfo) {
    const { reason, domain, metadata } = details.errorInfo;
    const entries = Object.entries(metadata).map(([k, v]) => field(3, Buffer.concat([field(1, text(k)), field(2, text(v))])));
    out.push(any('google.rpc.ErrorInfo', Buffer.concat([field(1, text(reason)), field(2, text(domain)), ...entries])));
  }
  return Buffer.concat(out);
}

function loadAssetService(): grpc.ServiceDefinition {
  const require = createRequire(import.meta.url);
  const descriptor = require('@google-cloud/asset/build/protos/protos.json') as Parameters<typeof protoLoader.fromJSON>[0];
  const definition = protoLoader.fromJSON(descriptor, { keepCase: false, longs: String, enums: String, defaults: false, oneofs: true });
  const service = definition['google.cloud.asset.v1.AssetService'];
  if (!service || !('ListAssets' in service)) throw new Error('sandbox: google.cloud.asset.v1.AssetService not found in @google-cloud/asset protos');
  return service;
}

export class GcpAssetHandler {
  constructor(
    private readonly estate: GcpEstate,
    private readonly faults: FaultInjector,
    private readonly calls: CallLog,
  ) {}

  /** Starts a gRPC server on host:port (0: a free one); resolves with the bound port. */
  async listen(host: string, port: number): Promise<{ server: grpc.Server; port: number }> {
    const server = new grpc.Server();
    server.addService(loadAssetService(), {
      ListAssets: (call: grpc.ServerUnaryCall<ListAssetsRequest, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        // One peer address per HTTP/2 connection: how many connections the clients opened.
        this.calls.connected('gcp', call.getPeer());
        void this.listAssets(call.request).then(
          (response) => callback(null, response),
          (error: unknown) => callback(error instanceof RpcError ? error.toServiceError() : { code: grpc.status.INTERNAL, details: 'sandbox internal error' }),
        );
      },
    });
    const bound = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p)));
    });
    return { server, port: bound };
  }

  private async listAssets(request: ListAssetsRequest): Promise<unknown> {
    const parent = request.parent ?? '';
    const principal = parent.startsWith('projects/') ? parent.slice('projects/'.length) : parent;
    const log = (code: grpc.status, error?: string): void =>
      this.calls.record({ provider: 'gcp', operation: OPERATION, account: principal, region: '', status: HTTP_OF[code] ?? 500, ...(error ? { error } : {}) });
    try {
      await sleep(this.faults.latencyMs());
      // Cloud Asset quotas belong to the caller's (consumer) project, not to the scope listed: one bucket for every parent.
      const decision = this.faults.decide(principal, CONSUMER_QUOTA_BUCKET);
      switch (decision.kind) {
        case 'accessDenied':
          throw new RpcError(grpc.status.PERMISSION_DENIED, `The caller does not have permission (cloudasset.assets.listResource on ${parent})`);
        case 'throttle':
          // Google attaches google.rpc.RetryInfo to quota errors when it knows when to come back.
          throw new RpcError(
            grpc.status.RESOURCE_EXHAUSTED,
            "Quota exceeded for quota metric 'List Assets Requests' and limit 'List Assets Requests per minute' of service 'cloudasset.googleapis.com'",
            decision.retryAfterSeconds,
          );
        case 'serverError':
          throw new RpcError(decision.status === 503 ? grpc.status.UNAVAILABLE : grpc.status.INTERNAL, decision.status === 503 ? 'The service is currently unavailable.' : 'Internal error encountered.');
        case 'none':
          break;
      }
      this.refuseDenied(parent);
      const response = this.page(request, parent);
      // A cut-off page: on HTTP/2 the client sees the stream reset, never half a message.
      if (this.faults.truncate()) throw new RpcError(grpc.status.INTERNAL, 'Received RST_STREAM with code 2 (Internal server error)');
      log(grpc.status.OK);
      return response;
    } catch (error) {
      if (error instanceof RpcError) log(error.code, grpc.status[error.code]);
      else log(grpc.status.INTERNAL, 'INTERNAL');
      throw error;
    }
  }

  /**
   * A project listed by id or number whose Cloud Asset API is disabled, or on which the caller lacks
   * cloudasset.assets.listResource: PERMISSION_DENIED with the google.rpc.ErrorInfo Google attaches
   * (reasons SERVICE_DISABLED and IAM_PERMISSION_DENIED of the googleapis.com domain,
   * google/api/error_reason.proto). The sandbox's consumer project is the project listed.
   */
  private refuseDenied(parent: string): void {
    const listed = /^projects\/([^/]+)$/.exec(parent)?.[1];
    const project = listed === undefined ? undefined : this.estate.projects.find((p) => p === listed || this.estate.projectNumber(p) === listed);
    const denial = project === undefined ? undefined : this.estate.deniedProjects[project];
    if (project === undefined || denial === undefined) return;
    const number = this.estate.projectNumber(project);
    if (denial === 'disabled') {
      const activationUrl = `https://console.developers.google.com/apis/api/cloudasset.googleapis.com/overview?project=${number}`;
      throw new RpcError(
        grpc.status.PERMISSION_DENIED,
        `Cloud Asset API has not been used in project ${number} before or it is disabled. Enable it by visiting ${activationUrl} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`,
        undefined,
        { reason: 'SERVICE_DISABLED', domain: 'googleapis.com', metadata: { consumer: `projects/${number}`, service: 'cloudasset.googleapis.com', activationUrl, serviceTitle: 'Cloud Asset API' } },
      );
    }
    throw new RpcError(grpc.status.PERMISSION_DENIED, `Permission 'cloudasset.assets.listResource' denied on resource '${parent}' (or it may not exist).`, undefined, {
      reason: 'IAM_PERMISSION_DENIED',
      domain: 'cloudasset.googleapis.com',
      metadata: { permission: 'cloudasset.assets.listResource', resource: parent },
    });
  }

  private page(request: ListAssetsRequest, parent: string): unknown {
    const projects = this.estate.projectsUnder(parent);
    if (!/^(projects|folders|organizations)\/[^/]+$/.test(parent)) throw new RpcError(grpc.status.INVALID_ARGUMENT, `Invalid parent: "${parent}"`);
    if (!projects) throw new RpcError(grpc.status.PERMISSION_DENIED, `The caller does not have permission (or ${parent} does not exist)`);
    const contentType = request.contentType ?? 'CONTENT_TYPE_UNSPECIFIED';
    if (contentType !== 'RESOURCE' && contentType !== 'IAM_POLICY' && contentType !== 'ORG_POLICY' && contentType !== 'CONTENT_TYPE_UNSPECIFIED') {
      throw new RpcError(grpc.status.INVALID_ARGUMENT, `content_type ${contentType} is not served by the sandbox`);
    }
    const pageSize = request.pageSize ?? 0;
    if (pageSize < 0 || pageSize > LIST_ASSETS_MAX_PAGE_SIZE) throw new RpcError(grpc.status.INVALID_ARGUMENT, `page_size must be between 1 and ${LIST_ASSETS_MAX_PAGE_SIZE}`);
    const limit = pageSize === 0 ? LIST_ASSETS_DEFAULT_PAGE_SIZE : pageSize;
    const assetTypes = [...(request.assetTypes ?? [])];
    // Unspecified content lists resource names only; the sandbox treats it as RESOURCE without data.
    const listed: GcpContentType = contentType === 'IAM_POLICY' || contentType === 'ORG_POLICY' ? contentType : 'RESOURCE';
    const fingerprint = hashParts(parent, listed, ...assetTypes).toString(36);
    const offset = decodeToken(request.pageToken ?? '', fingerprint);
    const total = this.estate.count(projects, listed, assetTypes);
    const readTime = this.faults.date();
    const assets = this.estate.page(projects, listed, assetTypes, offset, limit, readTime);
    const next = offset + assets.length;
    return {
      readTime: { seconds: String(Math.floor(readTime.getTime() / 1000)), nanos: 0 },
      assets: assets.map((a) => this.encode(a, contentType === 'CONTENT_TYPE_UNSPECIFIED')),
      nextPageToken: next < total ? encodeToken(next, fingerprint) : '',
    };
  }

  private encode(asset: GcpAsset, namesOnly: boolean): Record<string, unknown> {
    const base = { name: asset.name, assetType: asset.assetType, ancestors: [...asset.ancestors], updateTime: asset.updateTime };
    if (asset.iamPolicy) return { ...base, iamPolicy: asset.iamPolicy };
    if (asset.orgPolicy) return { ...base, orgPolicy: asset.orgPolicy };
    if (!asset.resource || namesOnly) return base;
    // Broken payloads are broken on every request. On gRPC a Struct cannot be half-JSON: it arrives without data.
    const broken = this.faults.malformed(asset.name) !== undefined;
    const { data, ...resource } = asset.resource;
    if (!broken) return { ...base, resource: { ...resource, data: jsonToStruct(data) } };
    // A few broken assets lose their asset type too: nothing can say what they are.
    const unreadable = unitHash(this.estate.seed, 'unreadable', asset.name) < UNREADABLE_SHARE_OF_MALFORMED;
    return { ...base, ...(unreadable ? { assetType: '' } : {}), resource };
  }
}

function encodeToken(offset: number, fingerprint: string): string {
  return Buffer.from(`${fingerprint}:${offset}`, 'utf8').toString('base64url');
}

/** Tokens are bound to the request they continue, as the real API's are. */
function decodeToken(token: string, fingerprint: string): number {
  if (token === '') return 0;
  const [fp, offset] = Buffer.from(token, 'base64url').toString('utf8').split(':');
  const n = Number(offset);
  if (fp !== fingerprint || !Number.isInteger(n) || n < 0) throw new RpcError(grpc.status.INVALID_ARGUMENT, 'Invalid page token: it does not belong to this request');
  return n;
}
