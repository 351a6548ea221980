/**
 * The regional service collection (collectors/aws/regional.ts, ec2-exposure.ts, detection-services.ts)
 * through the real @aws-sdk/client-ec2 (EC2 query, XML), client-inspector2 and client-securityhub
 * (REST-JSON) against the sandbox: public snapshots and AMIs found through every page, Inspector partly
 * enabled, Security Hub subscribed in some regions; denials and faults become unknown, never fail or pass.
 */
import { inspectorStatus } from '../../../collectors/aws/detection-services.js';
import { INSPECTOR_STATUS_TYPE, PUBLIC_IMAGES_TYPE, PUBLIC_SNAPSHOTS_TYPE, SECURITY_HUB_STATUS_TYPE } from '../../../collectors/aws/regional-types.js';
import { sandboxAwsClients } from '../../../collectors/aws/sandbox-clients.js';
import type { CollectContext } from '../../../collectors/types.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import { GLOBAL_REGION, type Resource } from '../../../src/model/resource.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { collectAwsSandbox, type AwsCollected as Collected } from '../../support/aws-collect.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

const TYPES = [PUBLIC_SNAPSHOTS_TYPE, PUBLIC_IMAGES_TYPE, INSPECTOR_STATUS_TYPE, SECURITY_HUB_STATUS_TYPE];
const CONTROLS = ['aws-ebs-snapshot-not-public', 'aws-ami-not-public', 'aws-inspector-enabled', 'aws-securityhub-enabled'];

const collect = (sandbox: Sandbox, config: Record<string, unknown> = {}, types: readonly string[] = TYPES): Promise<Collected> => collectAwsSandbox(sandbox, types, config);

function findings(collected: Collected): Record<string, { status: string; reason?: string }> {
  const { controls, catalog, attestations } = bundledMappings();
  const assessment = evaluate(collected.resources, collected.run.coverage, controls.filter((c) => CONTROLS.includes(c.id)), catalog, attestations, NOW);
  const out: Record<string, { status: string; reason?: string }> = {};
  for (const f of assessment.findings) out[`${f.control} ${f.resourceId}`] = { status: f.status, ...(f.reason ? { reason: f.reason } : {}) };
  return out;
}

const config = (resource: Resource): Record<string, unknown> => resource.configuration;

describe('AWS regional service collection against the sandbox', () => {
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

  const find = (c: Collected, type: string, account: string, region: string): Resource | undefined => c.resources.find((r) => r.type === type && r.account === account && r.region === region);

  it('reads one resource per account × region and type, and covers each region for each type', async () => {
    const c = await collect(sandbox);
    const { accounts, regions } = sandbox.aws;
    for (const type of TYPES) expect(c.resources.filter((r) => r.type === type)).toHaveLength(accounts.length * regions.length);
    for (const account of accounts) {
      for (const region of regions) {
        const scope = c.run.coverage.find((s) => s.account === account && s.region === region)!;
        expect(scope.outcome.status).toBe('ok');
        expect([...scope.types].sort()).toEqual([...TYPES].sort());
        expect(scope.gaps).toBeUndefined();
      }
    }
    // Only the service APIs (and the identity check, region discovery): AWS Config is not asked.
    expect(new Set(c.calls.map((x) => x.split(' ')[0]))).toEqual(new Set(['GetCallerIdentity', 'ListRegions', 'DescribeSnapshots', 'DescribeImages', 'BatchGetAccountStatus', 'DescribeHub']));
  });

  it('lists only the account\'s own public snapshots (owner self, restorable by all), not its private ones nor another owner\'s public ones', async () => {
    const c = await collect(sandbox);
    const ids = config(find(c, PUBLIC_SNAPSHOTS_TYPE, a0, r0)!).publicSnapshotIds as string[];
    expect(ids).toHaveLength(2);
    expect(ids.every((id) => /^snap-[0-9a-f]{17}$/.test(id))).toBe(true);
    expect(config(find(c, PUBLIC_SNAPSHOTS_TYPE, a1, r0)!)).toEqual({ publicSnapshotIds: [] });
    const f = findings(c);
    expect(f[`aws-ebs-snapshot-not-public ${a0}/${r0}/public-snapshots`]).toEqual({ status: 'fail', reason: `2 snapshot(s) in ${r0} can be restored by anyone (createVolumePermission group all): ${ids.join(', ')}` });
    expect(f[`aws-ebs-snapshot-not-public ${a1}/${r0}/public-snapshots`]).toEqual({ status: 'pass' });
  });

  it('follows NextToken when EC2 answers fewer items than asked: every page counts', async () => {
    const whole = await collect(sandbox);
    sandbox.aws.setRecording({ ec2PageLimit: 1 });
    const paged = await collect(sandbox);
    for (const type of [PUBLIC_SNAPSHOTS_TYPE, PUBLIC_IMAGES_TYPE]) {
      const of = (c: Collected): [string, Record<string, unknown>][] => c.resources.filter((r) => r.type === type).map((r): [string, Record<string, unknown>] => [r.id, config(r)]).sort(([x], [y]) => x.localeCompare(y));
      expect(of(paged)).toEqual(of(whole));
    }
    // a0 in r0 has two public snapshots and each account owns three AMIs a region: more than one page each.
    expect(paged.calls.filter((x) => x === 'DescribeSnapshots 200').length).toBeGreaterThan(whole.calls.filter((x) => x === 'DescribeSnapshots 200').length);
    expect(config(find(paged, PUBLIC_IMAGES_TYPE, a0, r0)!).ownedImages).toBe(3);
  });

  it('finds public AMIs among the account\'s own', async () => {
    const c = await collect(sandbox);
    // The sandbox makes one of the three AMIs public where (account + region) % 3 === 1: a1 in r0, a0 in r1.
    expect(config(find(c, PUBLIC_IMAGES_TYPE, a1, r0)!)).toMatchObject({ ownedImages: 3, publicImageIds: [expect.stringMatching(/^ami-/)] });
    expect(config(find(c, PUBLIC_IMAGES_TYPE, a0, r0)!)).toEqual({ ownedImages: 3, publicImageIds: [] });
    const f = findings(c);
    expect(f[`aws-ami-not-public ${a1}/${r0}/public-images`]?.status).toBe('fail');
    expect(f[`aws-ami-not-public ${a0}/${r0}/public-images`]?.status).toBe('pass');
  });

  it('Inspector: fully enabled, EC2 and ECR only, or disabled, as each region reports', async () => {
    const c = await collect(sandbox);
    expect(config(find(c, INSPECTOR_STATUS_TYPE, a0, r0)!)).toEqual({ status: 'ENABLED', scanTypes: { ec2: 'ENABLED', ecr: 'ENABLED', lambda: 'ENABLED', lambdaCode: 'DISABLED' } });
    expect(config(find(c, INSPECTOR_STATUS_TYPE, a1, r0)!)).toEqual({ status: 'ENABLED', scanTypes: { ec2: 'ENABLED', ecr: 'ENABLED', lambda: 'DISABLED', lambdaCode: 'DISABLED' } });
    const f = findings(c);
    expect(f[`aws-inspector-enabled ${a0}/${r0}/inspector`]).toEqual({ status: 'pass' });
    expect(f[`aws-inspector-enabled ${a1}/${r0}/inspector`]).toEqual({ status: 'fail', reason: `Inspector scanning is not enabled in ${r0} for: lambda (DISABLED)` });
    expect(f[`aws-inspector-enabled ${a1}/${r1}/inspector`]).toEqual({ status: 'fail', reason: `Amazon Inspector is not enabled in ${r1} (status DISABLED)` });
  });

  it('Security Hub: a region not subscribed (InvalidAccessException) is a fail, a subscribed one a pass', async () => {
    const c = await collect(sandbox);
    expect(config(find(c, SECURITY_HUB_STATUS_TYPE, a0, r0)!)).toMatchObject({ subscribed: true, hubArn: `arn:aws:securityhub:${r0}:${a0}:hub/default`, autoEnableControls: true });
    expect(config(find(c, SECURITY_HUB_STATUS_TYPE, a0, r1)!)).toEqual({ subscribed: false, hubArn: null, subscribedAt: null, autoEnableControls: null });
    const f = findings(c);
    expect(f[`aws-securityhub-enabled ${a0}/${r0}/securityhub`]).toEqual({ status: 'pass' });
    expect(f[`aws-securityhub-enabled ${a0}/${r1}/securityhub`]).toEqual({ status: 'fail', reason: `Security Hub is not enabled in ${r1} (the account is not subscribed)` });
    expect(c.calls).toContain('DescribeHub InvalidAccessException');
  });

  it('a denied call is unknown for its type only, with the denial; never "not enabled", never a pass', async () => {
    sandbox.aws.setRecording({ deniedActions: ['securityhub:DescribeHub', 'ec2:DescribeSnapshots', 'inspector2:BatchGetAccountStatus'] });
    const c = await collect(sandbox);
    expect(c.resources.filter((r) => r.type !== PUBLIC_IMAGES_TYPE)).toEqual([]);
    const scope = c.run.coverage.find((s) => s.account === a0 && s.region === r0)!;
    expect(scope.types).toEqual([PUBLIC_IMAGES_TYPE]);
    expect(scope.gaps?.map((g) => [g.types, g.reason.en])).toEqual([
      [[PUBLIC_SNAPSHOTS_TYPE], expect.stringContaining('UnauthorizedOperation')],
      [[INSPECTOR_STATUS_TYPE], expect.stringContaining('AccessDeniedException')],
      [[SECURITY_HUB_STATUS_TYPE], expect.stringContaining('AccessDeniedException')],
    ]);
    const f = findings(c);
    for (const control of ['aws-ebs-snapshot-not-public', 'aws-inspector-enabled', 'aws-securityhub-enabled']) {
      expect({ control, finding: f[`${control} ${a0}/${r0}`] }).toEqual({ control, finding: { status: 'unknown', reason: expect.stringMatching(/AccessDeniedException|UnauthorizedOperation/) as unknown } });
    }
    expect(Object.entries(f).filter(([k]) => k.startsWith('aws-ami-not-public')).every(([, v]) => v.status !== 'unknown')).toBe(true);
  });

  it('throttling is retried; persistent server errors leave the types unknown, not failed or passed', async () => {
    sandbox.setFaults({ throttleRate: 1 });
    const c = await collect(sandbox, { regions: [r0] }, [PUBLIC_SNAPSHOTS_TYPE]);
    expect(c.calls).toContain('DescribeSnapshots RequestLimitExceeded');
    expect(Object.values(findings(c)).every((v) => v.status === 'unknown')).toBe(true);
  });

  it('a region left out of collectors.aws.regions is unknown for these controls, not silently skipped', async () => {
    const c = await collect(sandbox, { regions: [r0] });
    const left = c.run.coverage.find((s) => s.account === a0 && s.region === r1)!;
    expect(left.types).toEqual([]);
    expect(left.gaps?.[0]?.types).toEqual(expect.arrayContaining(TYPES));
    const f = findings(c);
    for (const control of CONTROLS) expect(f[`${control} ${a0}/${r1}`]?.status).toBe('unknown');
  });

  it('Inspector: an account in failedAccounts (ACCESS_DENIED) is an error, never read as disabled', async () => {
    // Signed as a0 but asking for a1, which a0 does not administer: Inspector lists a1 under failedAccounts.
    const clients = sandboxAwsClients(sandbox.aws, () => a0);
    try {
      const context = { signal: new AbortController().signal, now: () => NOW } as unknown as CollectContext;
      const target = { account: a1, region: r0, inspector2: clients.inspector2({ account: a1, region: r0 }), securityhub: clients.securityhub({ account: a1, region: r0 }), call: <T>(_o: string, fn: () => Promise<T>): Promise<T> => fn() };
      await expect(inspectorStatus(context, target)).rejects.toThrow(/ACCESS_DENIED/);
    } finally {
      clients.close();
    }
  });

  it('aggregator mode reads no account\'s service APIs: every account says so in its global scope', async () => {
    const c = await collect(sandbox, { aggregator: { name: sandbox.aws.aggregatorName, region: sandbox.aws.homeRegion } });
    expect(c.resources.filter((r) => TYPES.includes(r.type))).toEqual([]);
    const global = c.run.coverage.find((s) => s.account === a0 && s.region === GLOBAL_REGION)!;
    expect(global.gaps?.find((g) => g.types.includes(PUBLIC_SNAPSHOTS_TYPE))?.reason.en).toMatch(/not through aggregator/);
    expect(Object.values(findings(c)).every((v) => v.status === 'unknown')).toBe(true);
  });
});
