/**
 * AWS Lambda's ListFunctions and ListFunctionUrlConfigs over restJson1, enough for the unmodified
 * `@aws-sdk/client-lambda` client (signed for `lambda`). Lambda API reference:
 *
 * - ListFunctions: GET /2015-03-31/functions?Marker&MaxItems; MaxItems 1–10000, "returns a maximum of 50
 *   items in each response"; answer `{Functions: [FunctionConfiguration], NextMarker}`.
 * - ListFunctionUrlConfigs: GET /2021-10-31/functions/{FunctionName}/urls?Marker&MaxItems; FunctionName a
 *   name, ARN or partial ARN; MaxItems 1–50; answer `{FunctionUrlConfigs: [{FunctionUrl, FunctionArn,
 *   AuthType, Cors, CreationTime, LastModifiedTime, InvokeMode}], NextMarker}`, `Cors` ({AllowCredentials,
 *   AllowHeaders, AllowMethods, AllowOrigins, ExposeHeaders, MaxAge}, each optional) only on a URL configured with
 *   CORS (Cors: "Required: No"); ResourceNotFoundException (404) for a function that does not exist.
 * - Errors: the `x-amzn-ErrorType` header and `{Type, Message}` (`User` or `Service`):
 *   InvalidParameterValueException (400), ResourceNotFoundException (404), TooManyRequestsException (429),
 *   ServiceException (500); a caller without the IAM permission gets AccessDeniedException (403,
 *   "... is not authorized to perform: lambda:ListFunctions").
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallLog } from './calls.js';
import { accountOfAccessKey, parseAuthorization } from './aws-credentials.js';
import type { AwsRecording } from './estate/aws-recording.js';
import { functionsIn, type SandboxFunction } from './estate/aws-services.js';
import { hashParts, hex8 } from './estate/random.js';
import type { FaultInjector } from './faults.js';
import { send, sleep, SandboxApiError, type ProviderHandler } from './http.js';

const PAGE_MAX = 50;
const LIST_FUNCTIONS_MAX_ITEMS = 10_000;
const FUNCTIONS_PATH = '/2015-03-31/functions';
const URLS_PATH = /^\/2021-10-31\/functions\/([^/]+)\/urls$/;
/** The FunctionName pattern (API reference), name / partial ARN / ARN, with an optional qualifier. */
const FUNCTION_NAME = /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:([a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9-_]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/;

interface LambdaEstate {
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
}

export class AwsLambdaHandler implements ProviderHandler {
  readonly provider = 'aws' as const;
  private readonly created: string;

  constructor(
    private readonly estate: LambdaEstate,
    private readonly faults: FaultInjector,
    private readonly calls: CallLog,
    private readonly recording: () => AwsRecording,
  ) {
    this.created = new Date(faults.date().getTime() - 90 * 86_400_000).toISOString().replace('Z', '+0000');
  }

  matches(req: IncomingMessage): boolean {
    return parseAuthorization(req.headers.authorization)?.service === 'lambda';
  }

  async handle(req: IncomingMessage, _body: Buffer, res: ServerResponse): Promise<void> {
    const credential = parseAuthorization(req.headers.authorization);
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const urls = URLS_PATH.exec(url.pathname);
    const operation = req.method === 'GET' && url.pathname === FUNCTIONS_PATH ? 'ListFunctions' : req.method === 'GET' && urls ? 'ListFunctionUrlConfigs' : `${req.method ?? ''} ${url.pathname}`;
    const region = credential?.region ?? '';
    let account = '';
    try {
      const key = accountOfAccessKey(credential?.accessKeyId ?? '');
      if (!key || !this.estate.accounts.includes(key)) throw new SandboxApiError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      account = key;
      await sleep(this.faults.latencyMs());
      if (operation !== 'ListFunctions' && operation !== 'ListFunctionUrlConfigs') throw new SandboxApiError(404, 'UnknownOperationException', `Operation ${operation} is not supported by the kansa sandbox`);
      const decision = this.recording().denies(`lambda:${operation}`) ? ({ kind: 'accessDenied' } as const) : this.faults.decide(account);
      switch (decision.kind) {
        case 'none':
          break;
        case 'accessDenied':
          throw new SandboxApiError(403, 'AccessDeniedException', `User: arn:aws:sts::${account}:assumed-role/kansa-reader/kansa is not authorized to perform: lambda:${operation}`);
        case 'throttle':
          throw new SandboxApiError(429, 'TooManyRequestsException', 'Rate exceeded');
        case 'serverError':
          throw new SandboxApiError(500, 'ServiceException', 'Internal service error');
      }
      const functions = functionsIn(this.estate.accounts.indexOf(account), this.estate.regions.indexOf(region));
      const answer = operation === 'ListFunctions' ? this.listFunctions(functions, account, region, url.searchParams) : this.listUrls(functions, account, region, decodeURIComponent(urls?.[1] ?? ''), url.searchParams);
      send(res, 200, this.headers(), answer);
      this.calls.record({ provider: 'aws', operation, account, region, status: 200 });
    } catch (error) {
      const apiError = error instanceof SandboxApiError ? error : new SandboxApiError(500, 'ServiceException', 'Internal service error');
      const type = apiError.status >= 500 ? 'Service' : 'User';
      send(res, apiError.status, { ...this.headers(), 'x-amzn-ErrorType': apiError.code }, JSON.stringify({ Type: type, Message: apiError.message }));
      this.calls.record({ provider: 'aws', operation, account, region, status: apiError.status, error: apiError.code });
    }
  }

  private listFunctions(functions: readonly SandboxFunction[], account: string, region: string, params: URLSearchParams): string {
    const page = this.page(functions, params, LIST_FUNCTIONS_MAX_ITEMS, 'ListFunctions', account, region);
    const Functions = page.items.map((f) => ({
      FunctionName: f.name,
      FunctionArn: `arn:aws:lambda:${region}:${account}:function:${f.name}`,
      Runtime: 'nodejs22.x',
      Role: `arn:aws:iam::${account}:role/lambda-exec`,
      Handler: 'index.handler',
      CodeSize: 1024,
      Timeout: 30,
      MemorySize: 256,
      LastModified: this.created,
      Version: '$LATEST',
      PackageType: 'Zip',
      Architectures: ['arm64'],
    }));
    return JSON.stringify({ Functions, ...(page.next ? { NextMarker: page.next } : {}) });
  }

  private listUrls(functions: readonly SandboxFunction[], account: string, region: string, functionName: string, params: URLSearchParams): string {
    const m = FUNCTION_NAME.exec(functionName);
    if (!m || functionName.length > 140) throw new SandboxApiError(400, 'InvalidParameterValueException', `1 validation error detected: Value '${functionName}' at 'functionName' failed to satisfy constraint`);
    const [, inRegion, inAccount, name, qualifier] = m;
    const fn = functions.find((f) => f.name === name);
    if (!fn || (inRegion && inRegion !== region) || (inAccount && inAccount !== account) || qualifier !== undefined) {
      throw new SandboxApiError(404, 'ResourceNotFoundException', `Function not found: arn:aws:lambda:${region}:${account}:function:${functionName}`);
    }
    const page = this.page(fn.urls, params, PAGE_MAX, 'ListFunctionUrlConfigs', account, region);
    const FunctionUrlConfigs = page.items.map((u) => {
      const arn = `arn:aws:lambda:${region}:${account}:function:${fn.name}${u.qualifier ? `:${u.qualifier}` : ''}`;
      const cors = u.cors && { AllowOrigins: u.cors.allowOrigins, AllowMethods: u.cors.allowMethods, ...(u.cors.allowHeaders ? { AllowHeaders: u.cors.allowHeaders } : {}), ...(u.cors.maxAge === undefined ? {} : { MaxAge: u.cors.maxAge }) };
      return { FunctionUrl: `https://${hex8(hashParts(arn))}${hex8(hashParts(arn, 'url'))}.lambda-url.${region}.on.aws/`, FunctionArn: arn, AuthType: u.authType, ...(cors ? { Cors: cors } : {}), CreationTime: this.created, LastModifiedTime: this.created, InvokeMode: 'BUFFERED' };
    });
    return JSON.stringify({ FunctionUrlConfigs, ...(page.next ? { NextMarker: page.next } : {}) });
  }

  /** One page of at most 50 items (whatever MaxItems asks above that); the marker names the offset and its query. */
  private page<T>(items: readonly T[], params: URLSearchParams, maxItems: number, operation: string, account: string, region: string): { items: T[]; next?: string } {
    const raw = params.get('MaxItems');
    const max = raw === null ? PAGE_MAX : Number(raw);
    if (!Number.isInteger(max) || max < 1 || max > maxItems) throw new SandboxApiError(400, 'InvalidParameterValueException', `1 validation error detected: Value '${raw ?? ''}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and ${maxItems}`);
    const key = hex8(hashParts(operation, account, region, [...params.entries()].filter(([k]) => k !== 'Marker' && k !== 'MaxItems').sort().join('&')));
    let offset = 0;
    const marker = params.get('Marker');
    if (marker) {
      const m = /^(\d{1,6})\.([0-9a-f]{8})$/.exec(Buffer.from(marker, 'base64url').toString('utf8'));
      if (!m?.[1] || m[2] !== key || Number(m[1]) > items.length) throw new SandboxApiError(400, 'InvalidParameterValueException', 'Invalid marker');
      offset = Number(m[1]);
    }
    const page = items.slice(offset, offset + Math.min(max, PAGE_MAX));
    const end = offset + page.length;
    return end < items.length ? { items: page, next: Buffer.from(`${end}.${key}`, 'utf8').toString('base64url') } : { items: page };
  }

  private headers(): Record<string, string> {
    return { 'Content-Type': 'application/json', 'x-amzn-RequestId': randomUUID(), Date: this.faults.date().toUTCString() };
  }
}
