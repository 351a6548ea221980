/** Entra ID identity controls (mappings/controls/azure/identity.yaml) over Graph v1.0-shaped objects as entra.ts keeps them. */
import type { Finding } from '../../../src/evaluate/assessment.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import type { CollectionScope, CoverageGap, Resource } from '../../../src/model/resource.js';
import { ENTRA_TYPES, GLOBAL_ADMINISTRATOR_TEMPLATE, idleDaysAtCapture } from '../../../collectors/azure/entra.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

const TENANT = '72f988bf-0000-4000-8000-00000000a2e5';
const DAY = 86_400_000;
const ago = (days: number): string => new Date(NOW.getTime() - days * DAY).toISOString();

function graph(type: string, id: string, name: string, configuration: Record<string, unknown>): Resource {
  return { provider: 'azure', account: TENANT, region: 'global', type, id: `/tenants/${TENANT}/${id}`, name, arn: `/tenants/${TENANT}/${id}`, tags: {}, configuration, supplementary: {}, relationships: [], capturedAt: NOW.toISOString() };
}
const defaults = (isEnabled: boolean | undefined): Resource => graph(ENTRA_TYPES.securityDefaults, 'policies/identitySecurityDefaultsEnforcementPolicy', 'security defaults', isEnabled === undefined ? { id: 'x' } : { id: 'x', isEnabled });
const policy = (id: string, state: string, users: Record<string, unknown>, apps: string[], grant?: Record<string, unknown>): Resource =>
  graph(ENTRA_TYPES.conditionalAccessPolicy, `conditionalAccessPolicies/${id}`, id, { id, displayName: id, state, conditions: { users, applications: { includeApplications: apps } }, ...(grant ? { grantControls: grant } : {}) });
const admin = (id: string, registered: boolean | undefined): Resource =>
  graph(ENTRA_TYPES.userRegistrationDetails, `userRegistrationDetails/${id}`, `${id}@contoso.example`, { id, userPrincipalName: `${id}@contoso.example`, userType: 'member', isAdmin: true, ...(registered === undefined ? {} : { isMfaRegistered: registered }) });
const role = (template: string, members: Record<string, unknown>[]): Resource => graph(ENTRA_TYPES.directoryRole, `directoryRoles/${template}`, template === GLOBAL_ADMINISTRATOR_TEMPLATE ? 'Global Administrator' : 'Security Reader', { id: template, roleTemplateId: template, members });
const member = (id: string, userType = 'Member'): Record<string, unknown> => ({ '@odata.type': '#microsoft.graph.user', id, userPrincipalName: `${id}@contoso.example`, userType });

const ALL_TYPES = Object.values(ENTRA_TYPES);
function assess(resources: readonly Resource[], gaps: CoverageGap[] = []): readonly Finding[] {
  const gapped = new Set(gaps.flatMap((g) => g.types));
  const scope: CollectionScope = { provider: 'azure', account: TENANT, region: 'global', types: ALL_TYPES.filter((t) => !gapped.has(t)), ...(gaps.length ? { gaps } : {}), outcome: { status: 'ok', collectedAt: NOW.toISOString() } };
  const { controls, catalog, attestations } = bundledMappings();
  return evaluate(resources, [scope], controls, catalog, attestations, NOW).findings;
}
function of(findings: readonly Finding[], control: string): Record<string, Pick<Finding, 'status' | 'reason'>> {
  const out: Record<string, Pick<Finding, 'status' | 'reason'>> = {};
  for (const f of findings) if (f.control === control) out[f.resourceId.split('/').at(-1)!] = f.reason === undefined ? { status: f.status } : { status: f.status, reason: f.reason };
  return out;
}
const licence: CoverageGap = { types: [ENTRA_TYPES.conditionalAccessPolicy], reason: { en: 'no P1 licence', ja: 'P1 ライセンスなし' } };
const mfaAll = policy('mfa-all', 'enabled', { includeUsers: ['All'], excludeUsers: ['breakglass'] }, ['All'], { operator: 'OR', builtInControls: ['mfa'] });

describe('azure-entra-mfa-all-users', () => {
  it('passes with security defaults on even when Conditional Access is a licence gap', () => {
    expect(of(assess([defaults(true)], [licence]), 'azure-entra-mfa-all-users')['identitySecurityDefaultsEnforcementPolicy']).toEqual({ status: 'pass' });
  });
  it('passes with an enabled all-users MFA policy; fails with report-only, OR-with-another-control or no policy', () => {
    expect(of(assess([defaults(false), mfaAll]), 'azure-entra-mfa-all-users')['identitySecurityDefaultsEnforcementPolicy']).toEqual({ status: 'pass' });
    const reportOnly = policy('ro', 'enabledForReportingButNotEnforced', { includeUsers: ['All'] }, ['All'], { operator: 'OR', builtInControls: ['mfa'] });
    const either = policy('either', 'enabled', { includeUsers: ['All'] }, ['All'], { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] });
    const f = of(assess([defaults(false), reportOnly, either]), 'azure-entra-mfa-all-users')['identitySecurityDefaultsEnforcementPolicy'];
    expect(f).toEqual({ status: 'fail', reason: `tenant ${TENANT}: security defaults are off and no enabled Conditional Access policy requires MFA of all users for all cloud apps` });
    const strength = policy('strength', 'enabled', { includeUsers: ['All'] }, ['All'], { operator: 'OR', builtInControls: [], authenticationStrength: { id: '00000000-0000-0000-0000-000000000002', displayName: 'Multifactor authentication' } });
    expect(of(assess([defaults(false), strength]), 'azure-entra-mfa-all-users')['identitySecurityDefaultsEnforcementPolicy']?.status).toBe('pass');
  });
  it('is unknown when security defaults are off and Conditional Access could not be read (free tenant), or isEnabled is missing', () => {
    expect(of(assess([defaults(false)], [licence]), 'azure-entra-mfa-all-users')['identitySecurityDefaultsEnforcementPolicy']?.status).toBe('unknown');
    expect(of(assess([defaults(undefined), mfaAll]), 'azure-entra-mfa-all-users')['identitySecurityDefaultsEnforcementPolicy']?.status).toBe('unknown');
  });
});

describe('azure-entra-mfa-azure-management', () => {
  it('passes with a policy for the Azure management app, fails when it is excluded, unknown on a licence gap', () => {
    const mgmt = policy('mgmt', 'enabled', { includeUsers: ['All'] }, ['797f4846-ba00-4fd7-ba43-dac1f8f63013'], { operator: 'OR', builtInControls: ['mfa'] });
    expect(of(assess([defaults(false), mgmt]), 'azure-entra-mfa-azure-management')['identitySecurityDefaultsEnforcementPolicy']).toEqual({ status: 'pass' });
    const excluded = graph(ENTRA_TYPES.conditionalAccessPolicy, 'conditionalAccessPolicies/ex', 'ex', { id: 'ex', state: 'enabled', conditions: { users: { includeUsers: ['All'] }, applications: { includeApplications: ['All'], excludeApplications: ['797f4846-ba00-4fd7-ba43-dac1f8f63013'] } }, grantControls: { operator: 'OR', builtInControls: ['mfa'] } });
    expect(of(assess([defaults(false), excluded]), 'azure-entra-mfa-azure-management')['identitySecurityDefaultsEnforcementPolicy']?.status).toBe('fail');
    expect(of(assess([defaults(false)], [licence]), 'azure-entra-mfa-azure-management')['identitySecurityDefaultsEnforcementPolicy']?.status).toBe('unknown');
  });
});

describe('azure-entra-admin-mfa', () => {
  const roles = [role(GLOBAL_ADMINISTRATOR_TEMPLATE, [member('ga1'), member('ga2'), member('ga3')])];
  it('registered and enforced by a role policy passes; not registered fails; registered but not enforced fails', () => {
    const gaPolicy = policy('ga', 'enabled', { includeRoles: [GLOBAL_ADMINISTRATOR_TEMPLATE], excludeUsers: ['ga3'] }, ['All'], { operator: 'OR', builtInControls: ['mfa'] });
    const f = of(assess([defaults(false), gaPolicy, ...roles, admin('ga1', true), admin('ga2', false), admin('ga3', true), admin('other', true)]), 'azure-entra-admin-mfa');
    expect(f['ga1']).toEqual({ status: 'pass' });
    expect(f['ga2']).toEqual({ status: 'fail', reason: 'administrator ga2@contoso.example has no MFA method registered' });
    expect(f['ga3']).toEqual({ status: 'fail', reason: 'administrator ga3@contoso.example is not required to use MFA (security defaults off, no enabled Conditional Access policy requiring MFA applies to them)' });
    // An admin of a role the policy does not name is not covered by it.
    expect(f['other']?.status).toBe('fail');
  });
  it('security defaults enforce it without Conditional Access; a licence gap with defaults off is unknown; a missing flag is unknown', () => {
    expect(of(assess([defaults(true), ...roles, admin('ga1', true)]), 'azure-entra-admin-mfa')['ga1']).toEqual({ status: 'pass' });
    expect(of(assess([defaults(true), ...roles, admin('ga1', undefined)]), 'azure-entra-admin-mfa')['ga1']?.status).toBe('unknown');
  });
  it('on a tenant without Entra ID P1 (Conditional Access a licence gap): unknown with the licence reason unless the verdict does not read Conditional Access', () => {
    // Security defaults off: only Conditional Access could enforce MFA, and it cannot be read.
    const off = of(assess([defaults(false), ...roles, admin('ga1', true)], [licence]), 'azure-entra-admin-mfa')['ga1'];
    expect(off?.status).toBe('unknown');
    expect(off?.reason).toContain('no P1 licence');
    const ja = assess([defaults(false), ...roles, admin('ga1', true)], [licence]).find((f) => f.control === 'azure-entra-admin-mfa');
    expect(ja?.reason_ja).toContain('P1 ライセンスなし');
    // Security defaults on enforce MFA for admins whatever Conditional Access holds (the two cannot be on together).
    expect(of(assess([defaults(true), ...roles, admin('ga1', true)], [licence]), 'azure-entra-admin-mfa')['ga1']).toEqual({ status: 'pass' });
    // Not registered is a fail from the registration report alone, with or without the licence.
    expect(of(assess([defaults(false), ...roles, admin('ga2', false)], [licence]), 'azure-entra-admin-mfa')['ga2']?.status).toBe('fail');
    // Security defaults themselves not readable: unknown, never a pass.
    const noDefaults: CoverageGap = { types: [ENTRA_TYPES.securityDefaults, ENTRA_TYPES.conditionalAccessPolicy], reason: { en: 'Policy.Read.All not granted', ja: '権限なし' } };
    expect(of(assess([...roles, admin('ga1', true)], [noDefaults]), 'azure-entra-admin-mfa')['ga1']?.status).toBe('unknown');
  });
});

describe('directory roles', () => {
  it('azure-entra-global-admin-count: 2–4 pass, 6 and 1 fail, no member list unknown', () => {
    const count = (n: number): Resource => role(GLOBAL_ADMINISTRATOR_TEMPLATE, Array.from({ length: n }, (_, i) => member(`u${i}`)));
    expect(of(assess([count(3)]), 'azure-entra-global-admin-count')[GLOBAL_ADMINISTRATOR_TEMPLATE]).toEqual({ status: 'pass' });
    expect(of(assess([count(6)]), 'azure-entra-global-admin-count')[GLOBAL_ADMINISTRATOR_TEMPLATE]).toEqual({ status: 'fail', reason: 'there are 6 Global Administrators (expected 2 to 4)' });
    expect(of(assess([count(1)]), 'azure-entra-global-admin-count')[GLOBAL_ADMINISTRATOR_TEMPLATE]?.status).toBe('fail');
    const noMembers = graph(ENTRA_TYPES.directoryRole, `directoryRoles/${GLOBAL_ADMINISTRATOR_TEMPLATE}`, 'Global Administrator', { id: 'x', roleTemplateId: GLOBAL_ADMINISTRATOR_TEMPLATE });
    expect(of(assess([noMembers]), 'azure-entra-global-admin-count')[GLOBAL_ADMINISTRATOR_TEMPLATE]?.status).toBe('unknown');
  });
  it('azure-entra-guest-no-directory-role: guests by userType or #EXT# UPN fail', () => {
    const reader = '5d6b6bb7-de71-4623-b4af-96380a352509';
    expect(of(assess([role(reader, [member('a')])]), 'azure-entra-guest-no-directory-role')[reader]).toEqual({ status: 'pass' });
    expect(of(assess([role(reader, [member('a'), member('v', 'Guest')])]), 'azure-entra-guest-no-directory-role')[reader]).toEqual({ status: 'fail', reason: 'directory role Security Reader is held by guest users: v@contoso.example' });
    expect(of(assess([role(reader, [{ id: 'e', userPrincipalName: 'x_y.example#EXT#@contoso.onmicrosoft.com' }])]), 'azure-entra-guest-no-directory-role')[reader]?.status).toBe('fail');
  });
});

describe('azure-entra-stale-accounts', () => {
  // As entra.ts keeps a user: the Graph fields plus the idle days it reads off them at capture time.
  const user = (id: string, extra: Record<string, unknown>): Resource => {
    const body: Record<string, unknown> = { id, userPrincipalName: `${id}@contoso.example`, userType: 'Member', accountEnabled: true, createdDateTime: ago(400), ...extra };
    const idle = 'signInActivity' in body ? idleDaysAtCapture(body.signInActivity as Record<string, unknown> | null, body.createdDateTime, NOW.toISOString()) : undefined;
    return graph(ENTRA_TYPES.user, `users/${id}`, `${id}@contoso.example`, idle === undefined ? body : { ...body, idleDaysAtCapture: idle });
  };
  it('recent sign-in passes, 200 days fails, never signed in fails from creation, disabled is not judged, no signInActivity is unknown', () => {
    const f = of(
      assess([
        user('recent', { signInActivity: { lastSignInDateTime: ago(200), lastNonInteractiveSignInDateTime: ago(3) } }),
        user('stale', { signInActivity: { lastSignInDateTime: ago(200), lastNonInteractiveSignInDateTime: null } }),
        user('never', { signInActivity: null, createdDateTime: ago(120) }),
        user('new', { signInActivity: null, createdDateTime: ago(10) }),
        user('off', { accountEnabled: false, signInActivity: { lastSignInDateTime: ago(500) } }),
        user('nolicence', {}),
        user('baddate', { signInActivity: { lastSignInDateTime: 'yesterday' } }),
      ]),
      'azure-entra-stale-accounts',
    );
    expect(f['recent']).toEqual({ status: 'pass' });
    expect(f['stale']).toEqual({ status: 'fail', reason: 'user stale@contoso.example last signed in 200 days ago' });
    expect(f['never']).toEqual({ status: 'fail', reason: 'user never@contoso.example has never signed in (created 120 days ago)' });
    const ja = assess([user('never', { signInActivity: null, createdDateTime: ago(120) })]).find((x) => x.control === 'azure-entra-stale-accounts');
    expect(ja?.reason_ja).toBe('ユーザー never@contoso.example は一度もサインインしていません（作成から 120 日経過しています）');
    expect(f['new']).toEqual({ status: 'pass' });
    expect(f['off']).toBeUndefined();
    expect(f['nolicence']?.status).toBe('unknown');
    expect(f['baddate']?.status).toBe('unknown');
  });
});

describe('azure-entra-user-mfa-registered', () => {
  const person = (id: string, extra: Record<string, unknown>): Resource => graph(ENTRA_TYPES.userRegistrationDetails, `userRegistrationDetails/${id}`, `${id}@contoso.example`, { id, userPrincipalName: `${id}@contoso.example`, userType: 'member', isAdmin: false, ...extra });
  it('registered members pass, unregistered fail, a missing flag is unknown; admins and guests are judged elsewhere', () => {
    const f = of(assess([person('yes', { isMfaRegistered: true }), person('no', { isMfaRegistered: false }), person('blank', {}), person('adm', { isAdmin: true, isMfaRegistered: false }), person('guest', { userType: 'guest', isMfaRegistered: false })]), 'azure-entra-user-mfa-registered');
    expect(f['yes']).toEqual({ status: 'pass' });
    expect(f['no']).toEqual({ status: 'fail', reason: 'user no@contoso.example has no MFA method registered' });
    expect(f['blank']?.status).toBe('unknown');
    expect(f['adm']).toBeUndefined();
    expect(f['guest']).toBeUndefined();
  });
});
