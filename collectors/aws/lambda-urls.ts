/**
 * Lambda function URLs, read per account × region from the Lambda API (restJson1), because AWS Config
 * records no function URL (no AWS::Lambda::Url type; the AWS::Lambda::Function item has none either,
 * awslabs/aws-config-resource-schema). The function's resource-based policy, which AWS Config does record
 * (supplementaryConfiguration.Policy), is read from AWS Config, not here.
 *
 * - ListFunctions (GET /2015-03-31/functions): MaxItems 1–10000 but "returns a maximum of 50 items in each
 *   response"; Marker / NextMarker until NextMarker is absent (Lambda API reference, ListFunctions). Without
 *   FunctionVersion it lists each function once ($LATEST), which is what a URL hangs off (with its aliases).
 * - ListFunctionUrlConfigs (GET /2021-10-31/functions/{FunctionName}/urls): every URL of the function, the
 *   unqualified one and its aliases'; MaxItems 1–50, Marker / NextMarker; each `AuthType` is AWS_IAM or
 *   NONE (Lambda API reference, ListFunctionUrlConfigs and FunctionUrlConfig); `Cors` (AllowCredentials,
 *   AllowHeaders, AllowMethods, AllowOrigins, ExposeHeaders, MaxAge, every member optional) is absent from a URL
 *   configured without CORS (Lambda API reference, Cors: "Required: No"). ResourceNotFoundException
 *   (404): the function was deleted after it was listed, so it has no URL. Any other error (e.g.
 *   AccessDeniedException) fails the whole type in the region: its control is unknown there, never a pass.
 */
import { ListFunctionsCommand, ListFunctionUrlConfigsCommand, type Cors, type LambdaClient } from '@aws-sdk/client-lambda';
import { errorMessage } from '../../src/errors.js';
import type { Resource } from '../../src/model/resource.js';
import type { CollectContext } from '../types.js';
import { FUNCTION_URLS_TYPE, MalformedAnswer, regionalResource, type RegionalCall } from './regional-types.js';

/** The most items either list returns a page (API reference: "a maximum of 50 items in each response"). */
export const LAMBDA_PAGE_SIZE = 50;

export interface LambdaTarget {
  readonly account: string;
  readonly region: string;
  readonly lambda: LambdaClient;
  readonly call: RegionalCall;
}

export interface FunctionUrl {
  readonly functionName: string;
  /** The function's ARN, qualified with the alias when the URL is an alias's. */
  readonly functionArn: string;
  readonly functionUrl: string;
  /** AWS_IAM (callers must sign with IAM credentials) or NONE (anyone may invoke it). */
  readonly authType: string;
  /**
   * The URL's CORS settings; null when Lambda answered without `Cors` (none configured: browsers keep their
   * same-origin policy). An item without the key was collected before kansa kept it: its CORS is not known.
   */
  readonly cors: FunctionUrlCors | null;
}

/** `Cors` of a FunctionUrlConfig, members Lambda leaves out at their documented defaults (empty, false, 0). */
export interface FunctionUrlCors {
  /** Origins allowed to call the URL from a browser; "*" allows every origin. */
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly allowCredentials: boolean;
  readonly maxAge: number;
}

/** The configuration of `AWS::Lambda::FunctionUrls`. */
export interface FunctionUrlsConfiguration {
  /** Functions the account has in the region. */
  readonly functions: number;
  /** Every function URL, sorted by ARN. */
  readonly urls: readonly FunctionUrl[];
}

/** The SDK names the error by its wire code (restJson `x-amzn-ErrorType`); the collector's ScopeFailure prefixes it. */
const FUNCTION_GONE = /^ResourceNotFoundException:/;

export async function functionUrls(context: CollectContext, target: LambdaTarget): Promise<Resource[]> {
  let functions = 0;
  const urls: FunctionUrl[] = [];
  let marker: string | undefined;
  do {
    const from = marker;
    const page = await target.call('ListFunctions', () => target.lambda.send(new ListFunctionsCommand({ MaxItems: LAMBDA_PAGE_SIZE, ...(from ? { Marker: from } : {}) }), { abortSignal: context.signal }));
    const names = (page.Functions ?? []).map((f) => {
      if (!f.FunctionName) throw new MalformedAnswer('ListFunctions returned a function without FunctionName');
      return f.FunctionName;
    });
    functions += names.length;
    // One page of functions at a time: the collector's limiter bounds the calls in flight.
    for (const found of await Promise.all(names.map((name) => urlsOf(context, target, name)))) urls.push(...found);
    marker = page.NextMarker || undefined;
  } while (marker !== undefined);
  urls.sort((a, b) => a.functionArn.localeCompare(b.functionArn));
  const configuration: FunctionUrlsConfiguration = { functions, urls };
  return [regionalResource(context, target, FUNCTION_URLS_TYPE, 'function-urls', `arn:aws:lambda:${target.region}:${target.account}:function:*`, { ...configuration })];
}

async function urlsOf(context: CollectContext, target: LambdaTarget, functionName: string): Promise<FunctionUrl[]> {
  const out: FunctionUrl[] = [];
  let marker: string | undefined;
  do {
    const from = marker;
    let page;
    try {
      page = await target.call('ListFunctionUrlConfigs', () =>
        target.lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: functionName, MaxItems: LAMBDA_PAGE_SIZE, ...(from ? { Marker: from } : {}) }), { abortSignal: context.signal }),
      );
    } catch (error) {
      if (FUNCTION_GONE.test(errorMessage(error)) || (error instanceof Error && error.name === 'ResourceNotFoundException')) return [];
      throw error;
    }
    for (const url of page.FunctionUrlConfigs ?? []) {
      // Without the auth type the URL's exposure is not known: the whole type is, rather than a guess.
      if (!url.FunctionArn || !url.FunctionUrl || !url.AuthType) throw new MalformedAnswer(`ListFunctionUrlConfigs returned a URL of ${functionName} without FunctionArn, FunctionUrl or AuthType`);
      out.push({ functionName, functionArn: url.FunctionArn, functionUrl: url.FunctionUrl, authType: url.AuthType, cors: url.Cors ? corsOf(url.Cors) : null });
    }
    marker = page.NextMarker || undefined;
  } while (marker !== undefined);
  return out;
}

function corsOf(cors: Cors): FunctionUrlCors {
  return {
    allowOrigins: cors.AllowOrigins ?? [],
    allowMethods: cors.AllowMethods ?? [],
    allowHeaders: cors.AllowHeaders ?? [],
    exposeHeaders: cors.ExposeHeaders ?? [],
    allowCredentials: cors.AllowCredentials ?? false,
    maxAge: cors.MaxAge ?? 0,
  };
}
