/**
 * The AWS identity collection (collectors/aws/identity.ts) through the real @aws-sdk/client-iam against
 * the sandbox's IAM query protocol: the credential report's state progression, NoSuchEntity for a missing
 * password policy, root virtual vs hardware MFA, faults and denied actions becoming unknown, never fail.
 */
import { ACCOUNT_SUMMARY_TYPE, CREDENTIAL_REPORT_USER_TYPE, PASSWORD_POLICY_TYPE, REPORT_MAX_POLLS, REPORT_POLL_MS } from '../../../collectors/aws/identity.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import { GLOBAL_REGION } from '../../../src/model/resource.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { collectAwsSandbox, type AwsCollected as Collected } from '../../support/aws-collect.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

const IDENTITY = [CREDENTIAL_REPORT_USER_TYPE, ACCOUNT_SUMMARY_TYPE, PASSWORD_POLICY_TYPE];

const collect = (sandbox: Sandbox, types: readonly string[] = IDENTITY, config: Record<string, unknown> = {}): Promise<Collected> => collectAwsSandbox(sandbox, types, config);

const identityControls = (): ReturnType<typeof bundledMappings>['controls'] => bundledMappings().controls.filter((c) => c.resourceTypes.some((t) => IDENTITY.includes(t)));

function statuses(collected: Collected): Record<string, string> {
  const { catalog, attestations } = bundledMappings();
  const assessment = evaluate(collected.resources, collected.run.coverage, identityControls(), catalog, attestations, NOW);
  const out: Record<string, string> = {};
  for (const f of assessment.findings) out[`${f.control} ${f.resourceId}`] = f.status;
  return out;
}

describe('AWS identity collection against the sandbox IAM', () => {
  let sandbox: Sandbox;
  let a0: string;
  let a1: string;
  let a2: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 50, seed: 3 } });
    [a0, a1, a2] = sandbox.aws.accounts as [string, string, string];
  });
  afterAll(async () => sandbox.close());
  beforeEach(() => {
    sandbox.setFaults({});
    sandbox.aws.setRecording({});
    sandbox.resetCalls();
  });

  it('normalizes the report (root included), the summary and the policy into one global scope per account, with read-only calls', async () => {
    const collected = await collect(sandbox);
    const { resources, run } = collected;
    for (const account of sandbox.aws.accounts) {
      const scope = run.coverage.find((s) => s.account === account && s.region === GLOBAL_REGION);
      expect(scope).toEqual({ provider: 'aws', account, region: GLOBAL_REGION, types: [...IDENTITY].sort(), outcome: { status: 'ok', collectedAt: NOW.toISOString() } });
    }
    const users = resources.filter((r) => r.type === CREDENTIAL_REPORT_USER_TYPE);
    expect(users.filter((r) => r.account === a0).map((r) => r.name)).toEqual(['<root_account>', 'alice', 'deploy-bot']);
    const root1 = users.find((r) => r.account === a1 && r.configuration['root'] === true)!;
    expect(root1.id).toBe(`arn:aws:iam::${a1}:root`);
    expect(root1.configuration).toMatchObject({ passwordEnabled: null, mfaActive: true, accessKeys: [{ slot: 1, active: true }, { slot: 2, active: false, lastRotated: null, lastUsed: null }] });
    // Root virtual vs hardware: a0's root MFA has no virtual device, a1's has one, a2's root has none.
    const summary = (account: string): unknown => resources.find((r) => r.type === ACCOUNT_SUMMARY_TYPE && r.account === account)?.configuration['rootMfaDevice'];
    expect([summary(a0), summary(a1), summary(a2)]).toEqual(['hardware', 'virtual', 'none']);
    // NoSuchEntity is "no policy", a real finding: a resource that says so.
    const policy = (account: string): Record<string, unknown> | undefined => resources.find((r) => r.type === PASSWORD_POLICY_TYPE && r.account === account)?.configuration;
    expect(policy(a2)).toMatchObject({ exists: false, minimumPasswordLength: null });
    expect(policy(a0)).toMatchObject({ exists: true, minimumPasswordLength: 14, passwordReusePrevention: 24, maxPasswordAge: 90 });
    expect(collected.calls).toContain('GetAccountPasswordPolicy NoSuchEntityException');
    // A report generated within four hours exists (IAM reuses it): GetCredentialReport alone reads it, no Generate.
    expect(collected.calls.filter((c) => c.startsWith('GenerateCredentialReport'))).toEqual([]);
    expect(collected.calls.filter((c) => c === 'GetCredentialReport 200')).toHaveLength(sandbox.aws.accounts.length);
    // Virtual MFA devices are listed only where the root user has MFA (a0, a1), to tell virtual from hardware.
    expect(collected.calls.filter((c) => c.startsWith('ListVirtualMFADevices'))).toHaveLength(2);
    expect(sandbox.writeOperations()).toEqual([]);
    // Only what an auditor needs: no region or service of last use, no certificate columns.
    expect(JSON.stringify(users)).not.toMatch(/last_used_region|ap-northeast-3|cloudformation|cert_/);
  });

  it('judges the sandbox accounts: compliant management account, non-compliant others, as the estate describes', async () => {
    const s = statuses(await collect(sandbox));
    const user = (account: string, name: string): string => (name === 'root' ? `arn:aws:iam::${account}:root` : `arn:aws:iam::${account}:user/${name}`);
    expect(s[`aws-iam-console-user-mfa ${user(a0, 'alice')}`]).toBe('pass');
    expect(s[`aws-iam-console-user-mfa ${user(a1, 'bob')}`]).toBe('fail');
    expect(s[`aws-iam-root-mfa ${user(a0, 'root')}`]).toBe('pass');
    expect(s[`aws-iam-root-mfa ${user(a2, 'root')}`]).toBe('fail');
    expect(s[`aws-iam-root-hardware-mfa ${a0}/account-summary`]).toBe('pass');
    expect(s[`aws-iam-root-hardware-mfa ${a1}/account-summary`]).toBe('fail');
    expect(s[`aws-iam-root-no-access-keys ${user(a1, 'root')}`]).toBe('fail');
    expect(s[`aws-iam-root-no-access-keys ${user(a0, 'root')}`]).toBe('pass');
    expect(s[`aws-iam-root-not-used-recently ${user(a1, 'root')}`]).toBe('fail');
    expect(s[`aws-iam-root-not-used-recently ${user(a0, 'root')}`]).toBe('pass');
    expect(s[`aws-iam-access-key-unused-90-days ${user(a1, 'ci-legacy')}`]).toBe('fail');
    expect(s[`aws-iam-access-key-unused-90-days ${user(a0, 'deploy-bot')}`]).toBe('pass');
    expect(s[`aws-iam-console-password-unused-90-days ${user(a1, 'bob')}`]).toBe('fail');
    expect(s[`aws-iam-console-password-unused-90-days ${user(a1, 'dora')}`]).toBe('fail');
    expect(s[`aws-iam-console-password-unused-90-days ${user(a0, 'alice')}`]).toBe('pass');
    expect(s[`aws-iam-access-key-rotated-90-days ${user(a2, 'carol')}`]).toBe('fail');
    expect(s[`aws-iam-access-key-rotated-90-days ${user(a0, 'alice')}`]).toBe('pass');
    expect(s[`aws-iam-password-policy-min-length-14 ${a0}/password-policy`]).toBe('pass');
    expect(s[`aws-iam-password-policy-min-length-14 ${a1}/password-policy`]).toBe('fail');
    expect(s[`aws-iam-password-policy-reuse-24 ${a2}/password-policy`]).toBe('fail');
    expect(s[`aws-iam-password-policy-expiry-90-days ${a0}/password-policy`]).toBe('pass');
    expect(Object.values(s)).not.toContain('unknown');
  });

  it('polls GenerateCredentialReport politely while the report is STARTED or INPROGRESS', async () => {
    sandbox.aws.setRecording({ credentialReportPolls: 3 });
    const { run, calls, sleeps } = await collect(sandbox, [CREDENTIAL_REPORT_USER_TYPE]);
    expect(run.coverage.filter((s) => s.region === GLOBAL_REGION).every((s) => s.types.includes(CREDENTIAL_REPORT_USER_TYPE))).toBe(true);
    // Per account: STARTED, INPROGRESS, INPROGRESS, COMPLETE: three waits, then one GetCredentialReport.
    expect(sleeps).toEqual(sandbox.aws.accounts.flatMap(() => [REPORT_POLL_MS, REPORT_POLL_MS, REPORT_POLL_MS]));
    expect(calls.filter((c) => c === 'GenerateCredentialReport 200')).toHaveLength(4 * sandbox.aws.accounts.length);
    expect(calls.filter((c) => c === 'GetCredentialReport 200')).toHaveLength(sandbox.aws.accounts.length);
    // IAM first said there was no report (ReportNotPresent): that is what started the generation.
    expect(calls.filter((c) => c === 'GetCredentialReport CredentialReportNotPresentException')).toHaveLength(sandbox.aws.accounts.length);
  });

  it('gives up after a bounded number of polls: the report types are unknown with the reason, never a fail', async () => {
    sandbox.aws.setRecording({ credentialReportPolls: REPORT_MAX_POLLS + 5 });
    const collected = await collect(sandbox, [CREDENTIAL_REPORT_USER_TYPE]);
    const scope = collected.run.coverage.find((s) => s.account === a0 && s.region === GLOBAL_REGION)!;
    expect(scope.types).toEqual([]);
    expect(scope.gaps?.[0]?.reason.en).toMatch(/still INPROGRESS after 15 polls/);
    expect(collected.sleeps).toHaveLength((REPORT_MAX_POLLS - 1) * sandbox.aws.accounts.length);
    const s = statuses(collected);
    expect(Object.values(s).length).toBeGreaterThan(0);
    expect(new Set(Object.values(s))).toEqual(new Set(['unknown']));
  });

  it('a denied IAM action leaves only its type unknown (AccessDenied), the others are judged', async () => {
    sandbox.aws.setRecording({ deniedActions: ['iam:GetAccountPasswordPolicy'] });
    const collected = await collect(sandbox);
    const scope = collected.run.coverage.find((s) => s.account === a0 && s.region === GLOBAL_REGION)!;
    expect(scope.types).toEqual([ACCOUNT_SUMMARY_TYPE, CREDENTIAL_REPORT_USER_TYPE]);
    expect(scope.gaps).toEqual([{ types: [PASSWORD_POLICY_TYPE], reason: { ja: expect.stringContaining('AccessDenied') as unknown, en: expect.stringMatching(/AWS::IAM::PasswordPolicy could not be read from IAM: AccessDenied/) as unknown } }]);
    const s = statuses(collected);
    expect(s[`aws-iam-password-policy-min-length-14 ${a0}/${GLOBAL_REGION}`]).toBe('unknown');
    expect(s[`aws-iam-password-policy-min-length-14 ${a2}/${GLOBAL_REGION}`]).toBe('unknown');
    expect(s[`aws-iam-root-mfa arn:aws:iam::${a2}:root`]).toBe('fail');
  });

  it('an account denied everything: every identity control is unknown there', async () => {
    sandbox.setFaults({ accessDeniedAccounts: [a1] });
    const s = statuses(await collect(sandbox));
    const a1Findings = Object.entries(s).filter(([k]) => k.includes(a1));
    expect(a1Findings.length).toBeGreaterThan(0);
    expect(a1Findings.filter(([, v]) => v !== 'unknown')).toEqual([]);
    expect(s[`aws-iam-root-mfa arn:aws:iam::${a2}:root`]).toBe('fail');
  });

  it('a malformed credential report marks the report unknown with the reason, the other types stay judged', async () => {
    sandbox.setFaults({ malformedRate: 1 });
    const collected = await collect(sandbox);
    const scope = collected.run.coverage.find((s) => s.account === a0 && s.region === GLOBAL_REGION)!;
    expect(scope.gaps).toEqual([{ types: [CREDENTIAL_REPORT_USER_TYPE], reason: { ja: expect.stringContaining('形式が不正') as unknown, en: expect.stringMatching(/malformed: row 2 has 21 fields, the header 22/) as unknown } }]);
    expect(collected.resources.filter((r) => r.type === CREDENTIAL_REPORT_USER_TYPE)).toEqual([]);
    const s = statuses(collected);
    expect(s[`aws-iam-root-mfa ${a0}/${GLOBAL_REGION}`]).toBe('unknown');
    expect(s[`aws-iam-root-hardware-mfa ${a0}/account-summary`]).toBe('pass');
  });

  it('throttling and server errors are retried; what still fails is unknown, never fail', async () => {
    sandbox.setFaults({ serverErrorRate: 1 });
    const collected = await collect(sandbox);
    expect(collected.calls.some((c) => /^GetAccountSummary (InternalFailure|ServiceUnavailable)$/.test(c))).toBe(true);
    const s = statuses(collected);
    expect(new Set(Object.values(s))).toEqual(new Set(['unknown']));
  });

  it('does not call IAM when no enabled control reads an identity type', async () => {
    const { calls } = await collect(sandbox, ['AWS::EC2::Volume']);
    expect(calls.filter((c) => /CredentialReport|AccountSummary|PasswordPolicy|VirtualMFA/.test(c))).toEqual([]);
  });

  it('in aggregator mode every account says the identity types are not collected (unknown), never compliant', async () => {
    const collected = await collect(sandbox, [...IDENTITY, 'AWS::EC2::Volume'], { aggregator: { name: sandbox.aws.aggregatorName, region: sandbox.aws.homeRegion } });
    const globals = collected.run.coverage.filter((s) => s.region === GLOBAL_REGION);
    expect(globals.map((s) => s.account).sort()).toEqual([...sandbox.aws.accounts].sort());
    expect(globals.every((s) => s.gaps?.some((g) => g.types.includes(CREDENTIAL_REPORT_USER_TYPE) && /aggregator/.test(g.reason.en)))).toBe(true);
    const s = statuses(collected);
    expect(Object.values(s).length).toBeGreaterThan(0);
    expect(new Set(Object.values(s))).toEqual(new Set(['unknown']));
  });
});
