/**
 * Lambda function URLs (collectors/aws/lambda-urls.ts) through the real @aws-sdk/client-lambda (restJson1)
 * against the sandbox: every function on every ListFunctions page, every URL of each (an alias's too), public
 * ones (AuthType NONE) failing the control, CORS kept as Lambda returns it (AllowOrigins "*" failing the CORS
 * control); a denied or failing call leaves the region unknown, never a pass.
 */
import { functionUrls, LAMBDA_PAGE_SIZE } from '../../../collectors/aws/lambda-urls.js';
import { FUNCTION_URLS_TYPE } from '../../../collectors/aws/regional-types.js';
import { sandboxAwsClients } from '../../../collectors/aws/sandbox-clients.js';
import type { CollectContext } from '../../../collectors/types.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import type { Resource } from '../../../src/model/resource.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { collectAwsSandbox, type AwsCollected as Collected } from '../../support/aws-collect.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

const CONTROL = 'aws-lambda-function-url-auth';
const CORS_CONTROL = 'aws-lambda-function-url-cors-restricted';

function findings(collected: Collected, control = CONTROL): Record<string, { status: string; reason?: string }> {
  const { controls, catalog, attestations } = bundledMappings();
  const assessment = evaluate(collected.resources, collected.run.coverage, controls.filter((c) => c.id === control), catalog, attestations, NOW);
  const out: Record<string, { status: string; reason?: string }> = {};
  for (const f of assessment.findings) out[f.resourceId] = { status: f.status, ...(f.reason ? { reason: f.reason } : {}) };
  return out;
}

describe('Lambda function URL collection against the sandbox', () => {
  let sandbox: Sandbox;
  let a0: string;
  let a1: string;
  let r0: string;
  let r1: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 20, seed: 3 } });
    [a0, a1] = sandbox.aws.accounts as [string, string];
    [r0, r1] = sandbox.aws.regions as [string, string];
  });
  afterAll(async () => sandbox.close());
  beforeEach(() => {
    sandbox.setFaults({});
    sandbox.aws.setRecording({});
  });

  const find = (c: Collected, account: string, region: string): Resource | undefined => c.resources.find((r) => r.type === FUNCTION_URLS_TYPE && r.account === account && r.region === region);

  it('reads every function through every page and each one\'s URLs, one resource per account × region', async () => {
    const c = await collectAwsSandbox(sandbox, [FUNCTION_URLS_TYPE]);
    const { accounts, regions } = sandbox.aws;
    expect(c.resources).toHaveLength(accounts.length * regions.length);
    for (const scope of c.run.coverage.filter((s) => s.region !== 'global')) {
      expect({ scope: `${scope.account}/${scope.region}`, types: scope.types, gaps: scope.gaps }).toEqual({ scope: `${scope.account}/${scope.region}`, types: [FUNCTION_URLS_TYPE], gaps: undefined });
    }
    // a0 in r0 has 55 functions: two ListFunctions pages (at most 50 a page), one URL call per function.
    expect(find(c, a0, r0)!.configuration).toEqual({
      functions: 55,
      // Lambda answers without Cors for a URL configured without CORS: kept as null, not left out.
      urls: [{ functionName: 'app-0-0-fn00', functionArn: `arn:aws:lambda:${r0}:${a0}:function:app-0-0-fn00`, functionUrl: expect.stringMatching(new RegExp(`^https://[0-9a-f]{16}\\.lambda-url\\.${r0}\\.on\\.aws/$`)) as unknown, authType: 'AWS_IAM', cors: null }],
    });
    expect(LAMBDA_PAGE_SIZE).toBe(50);
    const perScope = (accounts.length * regions.length - 1) * 3 + 55;
    expect(c.calls.filter((x) => x === 'ListFunctions 200')).toHaveLength(accounts.length * regions.length + 1);
    expect(c.calls.filter((x) => x === 'ListFunctionUrlConfigs 200')).toHaveLength(perScope);
    // a1 in r0: function 1 has a public URL and its alias an IAM-authenticated one.
    expect((find(c, a1, r0)!.configuration.urls as { functionArn: string; authType: string }[]).map((u) => [u.functionArn, u.authType])).toEqual([
      [`arn:aws:lambda:${r0}:${a1}:function:app-1-0-fn00`, 'AWS_IAM'],
      [`arn:aws:lambda:${r0}:${a1}:function:app-1-0-fn01`, 'NONE'],
      [`arn:aws:lambda:${r0}:${a1}:function:app-1-0-fn01:live`, 'AWS_IAM'],
    ]);
    // Cors as Lambda returns it, members it leaves out at their documented defaults.
    expect((find(c, a1, r0)!.configuration.urls as { cors: unknown }[]).map((u) => u.cors)).toEqual([
      { allowOrigins: ['https://portal.example.jp'], allowMethods: ['GET', 'POST'], allowHeaders: ['content-type'], exposeHeaders: [], allowCredentials: false, maxAge: 300 },
      { allowOrigins: ['*'], allowMethods: ['*'], allowHeaders: [], exposeHeaders: [], allowCredentials: false, maxAge: 0 },
      null,
    ]);
    const cors = findings(c, CORS_CONTROL);
    expect(cors[`${a0}/${r0}/function-urls`]).toEqual({ status: 'pass' });
    expect(cors[`${a1}/${r0}/function-urls`]).toEqual({ status: 'fail', reason: `1 function URL(s) in ${r0} allow every origin in CORS (AllowOrigins "*"): arn:aws:lambda:${r0}:${a1}:function:app-1-0-fn01` });
    const f = findings(c);
    expect(f[`${a0}/${r0}/function-urls`]).toEqual({ status: 'pass' });
    expect(f[`${a1}/${r0}/function-urls`]).toEqual({ status: 'fail', reason: `1 function URL(s) in ${r0} accept unauthenticated requests (AuthType NONE): arn:aws:lambda:${r0}:${a1}:function:app-1-0-fn01` });
    expect(f[`${a0}/${r1}/function-urls`]?.status).toBe('fail');
  });

  it('a denied ListFunctionUrlConfigs leaves the type unknown in every region, with the denial; never a pass', async () => {
    sandbox.aws.setRecording({ deniedActions: ['lambda:ListFunctionUrlConfigs'] });
    const c = await collectAwsSandbox(sandbox, [FUNCTION_URLS_TYPE]);
    expect(c.resources).toEqual([]);
    const scope = c.run.coverage.find((s) => s.account === a0 && s.region === r0)!;
    expect(scope.types).toEqual([]);
    expect(scope.gaps?.map((g) => [g.types, g.reason.en])).toEqual([[[FUNCTION_URLS_TYPE], expect.stringContaining('AccessDeniedException') as unknown]]);
    const f = Object.values(findings(c));
    expect(f.length).toBe(sandbox.aws.accounts.length * sandbox.aws.regions.length);
    expect(f.every((v) => v.status === 'unknown' && /AccessDeniedException/.test(v.reason ?? ''))).toBe(true);
  });

  it('persistent server errors are retried and leave the region unknown, not failed or passed', async () => {
    sandbox.setFaults({ serverErrorRate: 1 });
    const c = await collectAwsSandbox(sandbox, [FUNCTION_URLS_TYPE], { regions: [r0] });
    expect(c.calls).toContain('ListFunctions ServiceException');
    expect(c.resources).toEqual([]);
    expect(Object.values(findings(c)).every((v) => v.status === 'unknown')).toBe(true);
  });

  it('a region left out of collectors.aws.regions is unknown, not silently skipped', async () => {
    const c = await collectAwsSandbox(sandbox, [FUNCTION_URLS_TYPE], { regions: [r0] });
    const left = c.run.coverage.find((s) => s.account === a0 && s.region === r1)!;
    expect(left.types).toEqual([]);
    expect(left.gaps?.[0]?.types).toContain(FUNCTION_URLS_TYPE);
    expect(findings(c)[`${a0}/${r1}`]?.status).toBe('unknown');
  });

  it('a function deleted between the listing and its URL call (ResourceNotFoundException) has no URL; the others still count', async () => {
    const clients = sandboxAwsClients(sandbox.aws, () => a1);
    try {
      const context = { signal: new AbortController().signal, now: () => NOW } as unknown as CollectContext;
      const calls: string[] = [];
      // The listing names one more function than exists: the sandbox answers 404 for it, as Lambda does.
      const call = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
        calls.push(operation);
        const out = await fn();
        if (operation === 'ListFunctions') (out as { Functions: { FunctionName: string }[] }).Functions.push({ FunctionName: 'app-1-0-deleted' });
        return out;
      };
      const [resource] = await functionUrls(context, { account: a1, region: r0, lambda: clients.lambda({ account: a1, region: r0 }), call });
      expect(resource!.configuration).toMatchObject({ functions: 4 });
      expect((resource!.configuration.urls as unknown[]).length).toBe(3);
      expect(calls.filter((o) => o === 'ListFunctionUrlConfigs')).toHaveLength(4);
    } finally {
      clients.close();
    }
  });
});
