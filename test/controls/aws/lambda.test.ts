/**
 * Lambda exposure (mappings/controls/aws/exposure.yaml): resource-based policies as AWS Config records them
 * (supplementaryConfiguration.Policy, a JSON string, in the shape of a recorded Select row: cloud-custodian
 * tests/data/placebo/test_aws_lambda_config_source), and function URLs as the collector reads them from Lambda.
 */
import { normalizeConfigItem } from '../../../collectors/aws/normalize.js';
import { FUNCTION_URLS_TYPE, regionalResource } from '../../../collectors/aws/regional-types.js';
import type { CollectContext } from '../../../collectors/types.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import type { CollectionScope, Resource } from '../../../src/model/resource.js';
import { assess, bundledMappings, configItem, findingsOf, NOW, reasonsJaOf } from '../../support/evaluate.js';

const ACCOUNT = '111122223333';
const REGION = 'ap-northeast-1';
const POLICY = 'aws-lambda-policy-not-public';
const URLS = 'aws-lambda-function-url-auth';
const CORS = 'aws-lambda-function-url-cors-restricted';

/** A function item; `policy` undefined: recorded without one; the whole supplementaryConfiguration is dropped with `recorded: false`. */
function fn(name: string, policy?: unknown, recorded = true): Record<string, unknown> {
  const item = configItem({
    type: 'AWS::Lambda::Function',
    id: name,
    name,
    arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
    configuration: { functionName: name, functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`, runtime: 'nodejs22.x', handler: 'index.handler', role: `arn:aws:iam::${ACCOUNT}:role/lambda-exec`, version: '$LATEST' },
    supplementary: { ...(policy === undefined ? {} : { Policy: JSON.stringify(policy) }), Tags: { 'lambda:createdBy': 'SAM' } },
  });
  if (!recorded) delete item.supplementaryConfiguration;
  return item;
}
const doc = (...Statement: unknown[]): unknown => ({ Version: '2012-10-17', Id: 'default', Statement });
const resourceArn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const allow = (Sid: string, Principal: unknown, Action: string, Condition?: unknown): Record<string, unknown> => ({ Sid, Effect: 'Allow', Principal, Action, Resource: resourceArn('f'), ...(Condition ? { Condition } : {}) });

describe('normalizing a Lambda function item', () => {
  const supplementaryOf = (item: Record<string, unknown>): Record<string, unknown> => {
    const out = normalizeConfigItem(item);
    if (out.kind !== 'resource') throw new Error('expected a resource');
    return out.resource.supplementary;
  };

  it('parses the Policy string into the canonical shape (Principal a map of lists, condition keys lower-case)', () => {
    const s = supplementaryOf(fn('f', doc(allow('a', '*', 'lambda:InvokeFunction', { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::b' } }))));
    expect(s.Policy).toMatchObject({ Statement: [{ Sid: 'a', Principal: { AWS: ['*'] }, Action: ['lambda:InvokeFunction'], Condition: { ArnLike: { 'aws:sourcearn': ['arn:aws:s3:::b'] } } }] });
    expect(s.Tags).toEqual({ 'lambda:createdBy': 'SAM' });
  });

  it('tells "recorded without a policy" (Policy null) from "supplementaryConfiguration not recorded" (no Policy key)', () => {
    expect(supplementaryOf(fn('none'))).toEqual({ Policy: null, Tags: { 'lambda:createdBy': 'SAM' } });
    expect('Policy' in supplementaryOf(fn('unrecorded', undefined, false))).toBe(false);
  });
});

describe('aws-lambda-policy-not-public', () => {
  it('passes the recorded API Gateway grant pinned by AWS:SourceArn (mixed-case key), a function recorded without a policy, and pinned public principals', () => {
    const a = assess([
      fn('apigw', doc(allow('omnissm-RegisterIdPermissionProd', { Service: 'apigateway.amazonaws.com' }, 'lambda:invokeFunction', { ArnLike: { 'AWS:SourceArn': `arn:aws:execute-api:${REGION}:${ACCOUNT}:ia2ajo0b3m/Prod/POST/register` } }))),
      fn('nopolicy'),
      fn('org', doc(allow('org', '*', 'lambda:InvokeFunction', { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }))),
      fn('account', doc(allow('acct', { AWS: `arn:aws:iam::444455556666:root` }, 'lambda:InvokeFunction'))),
      fn('s3pinned', doc(allow('s3', { Service: 's3.amazonaws.com' }, 'lambda:InvokeFunction', { StringEquals: { 'AWS:SourceAccount': ACCOUNT }, ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::uploads-bucket' } }))),
      fn('deny', doc({ Sid: 'deny', Effect: 'Deny', Principal: '*', Action: 'lambda:InvokeFunction', Resource: resourceArn('deny') })),
    ]);
    const f = findingsOf(a, POLICY);
    for (const name of ['apigw', 'nopolicy', 'org', 'account', 's3pinned', 'deny']) expect({ name, verdict: f[name] }).toEqual({ name, verdict: { status: 'pass' } });
  });

  it('fails Principal "*" and {"AWS": "*"} without a pinning condition, naming the statements', () => {
    const a = assess([
      fn('star', doc(allow('public-invoke', '*', 'lambda:InvokeFunction'))),
      fn('awsstar', doc(allow('', { AWS: '*' }, 'lambda:InvokeFunction'), allow('pinned', { Service: 'events.amazonaws.com' }, 'lambda:InvokeFunction', { ArnLike: { 'aws:SourceArn': `arn:aws:events:${REGION}:${ACCOUNT}:rule/nightly` } }))),
      fn('anyroot', doc(allow('anyroot', { AWS: 'arn:aws:iam::*:root' }, 'lambda:GetFunction'))),
    ]);
    const f = findingsOf(a, POLICY);
    expect(f.star).toEqual({ status: 'fail', reason: 'function star resource-based policy allows anyone: statement(s) public-invoke (lambda:InvokeFunction) grant access without pinning the caller or the source' });
    expect(f.awsstar).toEqual({ status: 'fail', reason: 'function awsstar resource-based policy allows anyone: statement(s) (no Sid) (lambda:InvokeFunction) grant access without pinning the caller or the source' });
    expect(f.anyroot?.status).toBe('fail');
    expect(reasonsJaOf(a, POLICY).star).toBe('関数 star のリソースベースポリシーで、ステートメント public-invoke（lambda:InvokeFunction） が呼び出し元を限定せずに許可しています');
  });

  it('what would silently pass: conditions that pin nothing are not restrictions', () => {
    const a = assess([
      // The public function-URL grant: its only condition is the URL's auth type.
      fn('urlgrant', doc(allow('FunctionURLAllowPublicAccess', '*', 'lambda:InvokeFunctionUrl', { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } }))),
      // A wildcard or a policy variable in the pinning value.
      fn('wildarn', doc(allow('wild', '*', 'lambda:InvokeFunction', { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } }))),
      fn('wildorg', doc(allow('wildorg', '*', 'lambda:InvokeFunction', { StringLike: { 'aws:PrincipalOrgID': 'o-*' } }))),
      fn('variable', doc(allow('var', '*', 'lambda:InvokeFunction', { StringEquals: { 'aws:SourceAccount': '${aws:PrincipalAccount}' } }))),
      // aws:ResourceAccount names the function's own account: every request to it matches.
      fn('resacct', doc(allow('resacct', '*', 'lambda:InvokeFunction', { StringEquals: { 'aws:ResourceAccount': ACCOUNT } }))),
      // IfExists passes requests without the key.
      fn('ifexists', doc(allow('ifexists', '*', 'lambda:InvokeFunction', { StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT } }))),
      // S3 invoking without aws:SourceAccount: any account's bucket of that name.
      fn('s3open', doc(allow('s3', { Service: 's3.amazonaws.com' }, 'lambda:InvokeFunction', { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::uploads-bucket' } }))),
    ]);
    const f = findingsOf(a, POLICY);
    for (const name of ['urlgrant', 'wildarn', 'wildorg', 'variable', 'resacct', 'ifexists', 's3open']) expect({ name, status: f[name]?.status }).toEqual({ name, status: 'fail' });
  });

  it('is unknown, never a pass, when the item was recorded without supplementaryConfiguration', () => {
    const f = findingsOf(assess([fn('unrecorded', undefined, false)]), POLICY);
    expect(f.unrecorded).toEqual({ status: 'unknown', reason: "cannot evaluate: the function's resource-based policy (supplementaryConfiguration) is not recorded" });
  });

  it('is unknown when the recorder does not record AWS::Lambda::Function in the scope', () => {
    const gap = { types: ['AWS::Lambda::Function'], reason: { ja: '記録対象外', en: 'not recorded by the configuration recorder' } };
    const a = assess([], [{ provider: 'aws', account: ACCOUNT, region: REGION, types: ['AWS::S3::Bucket'], gaps: [gap], outcome: { status: 'ok', collectedAt: NOW.toISOString() } }]);
    const verdicts = a.findings.filter((f) => f.control === POLICY);
    expect(verdicts.length).toBeGreaterThan(0);
    expect(verdicts.every((f) => f.status === 'unknown')).toBe(true);
  });
});

describe('aws-lambda-function-url-auth', () => {
  const context = { now: () => NOW } as unknown as CollectContext;
  const urls = (region: string, list: readonly { authType: string; name: string }[], functions = 3): Resource =>
    regionalResource(context, { account: ACCOUNT, region }, FUNCTION_URLS_TYPE, 'function-urls', `arn:aws:lambda:${region}:${ACCOUNT}:function:*`, {
      functions,
      urls: list.map((u) => ({ functionName: u.name, functionArn: `arn:aws:lambda:${region}:${ACCOUNT}:function:${u.name}`, functionUrl: `https://${u.name}.lambda-url.${region}.on.aws/`, authType: u.authType, cors: null })),
    });
  const scope = (region: string, extra: Partial<CollectionScope> = {}): CollectionScope => ({ provider: 'aws', account: ACCOUNT, region, types: [FUNCTION_URLS_TYPE], outcome: { status: 'ok', collectedAt: NOW.toISOString() }, ...extra });
  const judge = (resources: readonly Resource[], scopes: readonly CollectionScope[]): ReturnType<typeof evaluate> => {
    const { controls, catalog, attestations } = bundledMappings();
    return evaluate(resources, scopes, controls, catalog, attestations, NOW);
  };

  it('passes IAM-authenticated URLs and a region without URLs; fails AuthType NONE, naming the functions', () => {
    const a = judge(
      [urls('ap-northeast-1', [{ name: 'api', authType: 'AWS_IAM' }]), urls('ap-northeast-3', [], 0), urls('us-east-1', [{ name: 'hook', authType: 'NONE' }, { name: 'hook:live', authType: 'AWS_IAM' }])],
      [scope('ap-northeast-1'), scope('ap-northeast-3'), scope('us-east-1')],
    );
    expect(findingsOf(a, URLS)).toEqual({
      [`${ACCOUNT}/ap-northeast-1/function-urls`]: { status: 'pass' },
      [`${ACCOUNT}/ap-northeast-3/function-urls`]: { status: 'pass' },
      [`${ACCOUNT}/us-east-1/function-urls`]: { status: 'fail', reason: `1 function URL(s) in us-east-1 accept unauthenticated requests (AuthType NONE): arn:aws:lambda:us-east-1:${ACCOUNT}:function:hook` },
    });
    expect(reasonsJaOf(a, URLS)[`${ACCOUNT}/us-east-1/function-urls`]).toBe(`リージョン us-east-1 で 1 件の関数 URL が認証なし（AuthType NONE）で公開されています: arn:aws:lambda:us-east-1:${ACCOUNT}:function:hook`);
  });

  it('is unknown for an auth type it does not know, not a pass', () => {
    const f = findingsOf(judge([urls(REGION, [{ name: 'odd', authType: 'CUSTOM' }])], [scope(REGION)]), URLS);
    expect(f[`${ACCOUNT}/${REGION}/function-urls`]).toEqual({ status: 'unknown', reason: 'cannot evaluate: a function URL has an AuthType other than AWS_IAM or NONE' });
  });

  it('is unknown where the Lambda calls were denied (a gap), with the reason', () => {
    const denied = { ja: 'lambda:ListFunctions が拒否されました', en: 'AccessDeniedException: not authorized to perform: lambda:ListFunctions' };
    const a = judge([], [scope(REGION, { types: [], gaps: [{ types: [FUNCTION_URLS_TYPE], reason: denied }] })]);
    expect(Object.values(findingsOf(a, URLS))).toEqual([{ status: 'unknown', reason: expect.stringContaining('AccessDeniedException') as unknown }]);
  });
});

describe('aws-lambda-function-url-cors-restricted', () => {
  const context = { now: () => NOW } as unknown as CollectContext;
  /** `cors` as the collector keeps it: the URL's Cors, null when Lambda answered without one, absent when not collected. */
  type Url = { name: string; authType?: string; cors?: Record<string, unknown> | null };
  const cors = (allowOrigins: readonly string[]): Record<string, unknown> => ({ allowOrigins, allowMethods: ['GET'], allowHeaders: [], exposeHeaders: [], allowCredentials: false, maxAge: 0 });
  const urls = (region: string, list: readonly Url[]): Resource =>
    regionalResource(context, { account: ACCOUNT, region }, FUNCTION_URLS_TYPE, 'function-urls', `arn:aws:lambda:${region}:${ACCOUNT}:function:*`, {
      functions: list.length,
      urls: list.map((u) => ({
        functionName: u.name.split(':')[0],
        functionArn: `arn:aws:lambda:${region}:${ACCOUNT}:function:${u.name}`,
        functionUrl: `https://${u.name}.lambda-url.${region}.on.aws/`,
        authType: u.authType ?? 'AWS_IAM',
        ...(u.cors === undefined ? {} : { cors: u.cors }),
      })),
    });
  const scope = (region: string): CollectionScope => ({ provider: 'aws', account: ACCOUNT, region, types: [FUNCTION_URLS_TYPE], outcome: { status: 'ok', collectedAt: NOW.toISOString() } });
  const judge = (resources: readonly Resource[]): ReturnType<typeof evaluate> => {
    const { controls, catalog, attestations } = bundledMappings();
    return evaluate(resources, [...new Set(resources.map((r) => r.region))].map(scope), controls, catalog, attestations, NOW);
  };
  const id = (region: string): string => `${ACCOUNT}/${region}/function-urls`;

  it('passes named origins, URLs without CORS (null: the same-origin policy holds) and a region without URLs; fails AllowOrigins "*", naming the URLs', () => {
    const a = judge([
      urls('ap-northeast-1', [{ name: 'portal', cors: cors(['https://portal.example.jp', 'http://localhost:5173']) }, { name: 'batch', cors: null }]),
      urls('ap-northeast-3', []),
      urls('us-east-1', [{ name: 'hook', authType: 'NONE', cors: cors(['https://a.example.com', '*']) }, { name: 'hook:live', cors: null }, { name: 'api', cors: cors(['*']) }]),
    ]);
    expect(findingsOf(a, CORS)).toEqual({
      [id('ap-northeast-1')]: { status: 'pass' },
      [id('ap-northeast-3')]: { status: 'pass' },
      [id('us-east-1')]: { status: 'fail', reason: `2 function URL(s) in us-east-1 allow every origin in CORS (AllowOrigins "*"): arn:aws:lambda:us-east-1:${ACCOUNT}:function:hook, arn:aws:lambda:us-east-1:${ACCOUNT}:function:api` },
    });
    expect(reasonsJaOf(a, CORS)[id('us-east-1')]).toBe(
      `リージョン us-east-1 で 2 件の関数 URL の CORS がすべてのオリジン（AllowOrigins "*"）を許可しています: arn:aws:lambda:us-east-1:${ACCOUNT}:function:hook、arn:aws:lambda:us-east-1:${ACCOUNT}:function:api`,
    );
  });

  it('what would silently pass: an item whose URLs carry no cors key (collected before kansa kept CORS) is unknown, not a pass', () => {
    const a = judge([urls(REGION, [{ name: 'old' }, { name: 'new', cors: null }])]);
    expect(findingsOf(a, CORS)[id(REGION)]).toEqual({ status: 'unknown', reason: 'cannot evaluate: the CORS settings (cors) of the function URLs were not collected (an item collected by a kansa that did not keep them)' });
  });

  it('is unknown where the Lambda calls were denied (a gap), like the auth control', () => {
    const denied = { ja: 'lambda:ListFunctionUrlConfigs が拒否されました', en: 'AccessDeniedException: not authorized to perform: lambda:ListFunctionUrlConfigs' };
    const { controls, catalog, attestations } = bundledMappings();
    const a = evaluate([], [{ ...scope(REGION), types: [], gaps: [{ types: [FUNCTION_URLS_TYPE], reason: denied }] }], controls, catalog, attestations, NOW);
    expect(Object.values(findingsOf(a, CORS))).toEqual([{ status: 'unknown', reason: expect.stringContaining('AccessDeniedException') as unknown }]);
  });
});
