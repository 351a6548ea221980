/**
 * GCP scope truth (#11): the real @google-cloud/asset client on gRPC against the sandbox with one project
 * whose Cloud Asset API is disabled and one where the caller lacks cloudasset.assets.listResource. Each is
 * a failed scope whose reason names the cause (read from google.rpc.ErrorInfo), never an empty project.
 */
import { GcpAssetCollector } from '../../../collectors/gcp/cloud-asset.js';
import { gcpCollectorSchema } from '../../../collectors/gcp/config.js';
import { classifyError } from '../../../collectors/gcp/retry.js';
import { loopbackAssetClient } from '../../../collectors/gcp/sandbox-client.js';
import type { CollectorRun } from '../../../collectors/types.js';
import { Evaluation } from '../../../src/evaluate/evaluate.js';
import { coverageState, type Resource } from '../../../src/model/resource.js';
import { GCP_DEFAULT_PROJECTS } from '../../../src/sandbox/estate/gcp.js';
import { parseDeniedProjects } from '../../../src/sandbox/gcp.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

const CONTROLS = bundledMappings().controls.filter((c) => c.provider === 'gcp');
const TYPES = [...Evaluation.typesNeeded(CONTROLS)];
const [OPEN = '', DISABLED = '', DENIED = ''] = GCP_DEFAULT_PROJECTS;

async function collect(sandbox: Sandbox, scopes: readonly string[]) {
  const config = gcpCollectorSchema.parse({ scopes, requestsPerMinute: 600_000, maxAttempts: 3 });
  const { controls, catalog, attestations } = bundledMappings();
  const evaluation = new Evaluation(controls, catalog, { keptFindings: 'all' });
  const resources: Resource[] = [];
  const calls: string[] = [];
  const run: CollectorRun = await new GcpAssetCollector(config, loopbackAssetClient(sandbox.gcp), () => Promise.resolve()).collect({
    types: new Set(TYPES),
    onResource: (r) => {
      resources.push(r);
      evaluation.add(r);
    },
    recorder: { apiCall: (_p, _op, code) => calls.push(code), clockSample: () => undefined },
    logger: { info: () => undefined, warn: () => undefined, debug: () => undefined },
    signal: new AbortController().signal,
    now: () => NOW,
  });
  return { run, resources, calls, assessment: evaluation.finish(run.coverage, attestations, NOW) };
}

describe('GCP projects whose Cloud Asset API is disabled or denied', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ gcp: { resources: 400, deniedProjects: parseDeniedProjects([`${DISABLED}:disabled`, DENIED]) } });
  });
  afterAll(() => sandbox.close());

  it('the sandbox answers PERMISSION_DENIED with google.rpc.ErrorInfo, as Google does', async () => {
    const client = loopbackAssetClient(sandbox.gcp)();
    try {
      const disabled = await client.listAssets({ parent: `projects/${DISABLED}`, contentType: 'RESOURCE' }, { autoPaginate: false, retry: null }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(classifyError(disabled)).toMatchObject({
        code: 'PERMISSION_DENIED',
        retryable: false,
        reason: 'SERVICE_DISABLED',
        errorInfo: { consumer: `projects/${sandbox.gcp.projectNumber(DISABLED)}`, service: 'cloudasset.googleapis.com' },
      });
      const denied = await client.listAssets({ parent: `projects/${DENIED}`, contentType: 'RESOURCE' }, { autoPaginate: false, retry: null }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(classifyError(denied)).toMatchObject({ code: 'PERMISSION_DENIED', reason: 'IAM_PERMISSION_DENIED', errorInfo: { permission: 'cloudasset.assets.listResource' } });
    } finally {
      await client.close();
    }
  });

  it('each is a failed scope whose reason names the cause and the fix; the open project is whole', async () => {
    const { run, resources, calls, assessment } = await collect(sandbox, GCP_DEFAULT_PROJECTS.map((p) => `projects/${p}`));
    const scope = (p: string) => run.coverage.find((c) => c.account === p)!;
    const disabled = scope(DISABLED);
    expect(disabled.outcome.status).toBe('failed');
    const disabledError = disabled.outcome.status === 'failed' ? disabled.outcome.error : '';
    expect(disabledError).toContain('cloudasset.googleapis.com');
    expect(disabledError).toContain(`projects/${sandbox.gcp.projectNumber(DISABLED)}`);
    expect(disabledError).toMatch(/quota project/);
    expect(disabledError).toMatch(/割り当てプロジェクト/);
    const denied = scope(DENIED);
    const deniedError = denied.outcome.status === 'failed' ? denied.outcome.error : '';
    expect(deniedError).toContain('cloudasset.assets.listResource');
    expect(deniedError).toContain('roles/cloudasset.viewer');
    expect(deniedError).toContain(`projects/${DENIED}`);
    for (const p of [DISABLED, DENIED]) {
      expect(coverageState(scope(p))).toBe('blind');
      expect(run.accounts.find((a) => a.account === p)).toMatchObject({ ok: false, resources: 0 });
      expect(resources.some((r) => r.account === p)).toBe(false);
      const findings = assessment.findings.filter((f) => f.account === p);
      expect(findings.length).toBeGreaterThan(0);
      expect(findings.every((f) => f.status === 'unknown')).toBe(true);
    }
    expect(scope(OPEN).outcome.status).toBe('ok');
    // whole but for the firewall policies of its folder and organization, which a project listing cannot return
    expect(scope(OPEN).gaps?.map((g) => g.types)).toEqual([['compute.googleapis.com/FirewallPolicy']]);
    expect(resources.filter((r) => r.account === OPEN).length).toBeGreaterThan(0);
    // permission errors are final: no retries
    expect(calls.filter((c) => c === 'PERMISSION_DENIED')).toHaveLength(2 * new Set(TYPES.map((t) => (t.includes('#') ? t.split('#')[1] : 'RESOURCE'))).size);
  });

  it('a folder over a denied project is listed whole: the denial is the project listed, not its ancestors', async () => {
    const { run } = await collect(sandbox, [sandbox.gcp.folder]);
    expect(run.coverage.every((s) => s.outcome.status === 'ok')).toBe(true);
  });
});

describe('hierarchical firewall policies above a project or folder scope', () => {
  // Hierarchical policies are evaluated before every VPC rule (https://cloud.google.com/firewall/docs/firewall-policies-rule-eval-order);
  // ListAssets returns only the assets inside the parent listed.
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ gcp: { resources: 400 } });
  });
  afterAll(() => sandbox.close());
  const POLICY = 'compute.googleapis.com/FirewallPolicy';
  const policyGap = (run: CollectorRun, account: string) => run.coverage.find((c) => c.account === account)?.gaps?.find((g) => g.types.includes(POLICY));

  it('a project listed alone lacks the policies of its folder and organization: a gap naming them, and no admin-port rule fails', async () => {
    const { run, assessment } = await collect(sandbox, [`projects/${OPEN}`]);
    const gap = policyGap(run, OPEN);
    expect(gap?.reason.en).toContain(`${sandbox.gcp.folder}, ${sandbox.gcp.organization}`);
    expect(gap?.reason.ja).toContain('階層型ファイアウォール ポリシー');
    expect(coverageState(run.coverage.find((c) => c.account === OPEN)!)).toBe('partial');
    const firewall = assessment.findings.filter((f) => f.control === 'gcp-firewall-admin-ports-closed-to-world');
    expect(firewall.length).toBeGreaterThan(0);
    expect(firewall.some((f) => f.status === 'fail')).toBe(false);
    expect(firewall.some((f) => f.status === 'unknown')).toBe(true);
    expect(firewall.filter((f) => f.status === 'unknown').every((f) => f.reason?.includes(sandbox.gcp.organization))).toBe(true);
  });

  it('with the folder and organization listed too, the project has no such gap; a project without them keeps it', async () => {
    const third = GCP_DEFAULT_PROJECTS[2]!; // outside the folder: only the organization is above it
    const { run } = await collect(sandbox, [`projects/${OPEN}`, `projects/${third}`, sandbox.gcp.folder]);
    expect(policyGap(run, OPEN)?.reason.en).toContain(sandbox.gcp.organization);
    expect(policyGap(run, OPEN)?.reason.en).not.toContain(sandbox.gcp.folder);
    expect(policyGap(run, third)?.reason.en).toContain(sandbox.gcp.organization);
    const all = await collect(sandbox, [`projects/${OPEN}`, sandbox.gcp.folder, sandbox.gcp.organization]);
    expect(all.run.coverage.every((c) => policyGap(all.run, c.account) === undefined)).toBe(true);
  });
});

describe('sandbox --deny-projects', () => {
  it('parses PROJECT[:disabled|:denied] and refuses anything else', () => {
    expect(parseDeniedProjects(['a:disabled', 'b', 'c:denied'])).toEqual({ a: 'disabled', b: 'denied', c: 'denied' });
    expect(() => parseDeniedProjects(['a:off'])).toThrow(/--deny-projects expects/);
  });
  it('refuses a project that is not in the estate', async () => {
    await expect(startSandbox({ gcp: { deniedProjects: { nope: 'denied' } } })).rejects.toThrow(/not one of the estate's/);
  });
});
