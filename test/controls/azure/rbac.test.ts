/**
 * Azure RBAC controls (mappings/controls/azure/rbac.yaml) over ARM-shaped role assignments, custom role
 * definitions and classic administrators as collectors/azure/authorization.ts keeps them (through the real
 * ARM normalizer), including what must never pass silently: a refused list, a missing field.
 */
import type { Finding } from '../../../src/evaluate/assessment.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import type { CollectionScope, CoverageGap, Resource } from '../../../src/model/resource.js';
import { normalizeArmResource } from '../../../collectors/azure/normalize.js';
import { AUTHORIZATION_TYPES, OWNER_ROLE } from '../../../collectors/azure/authorization.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

const SUB = '0b1f6471-1bf0-4dda-aec3-111111111111';
const SUBSCRIPTION_TYPE = 'Microsoft.Resources/subscriptions';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

const arm = (type: string, body: Record<string, unknown>): Resource => ({ ...normalizeArmResource(body, { type, capturedAt: NOW.toISOString() }), account: SUB });
const subscription = (): Resource => arm(SUBSCRIPTION_TYPE, { id: `/subscriptions/${SUB}`, subscriptionId: SUB, displayName: 'prod', state: 'Enabled' });
let n = 0;
function assignment(role: string, principalId: string, scope = `/subscriptions/${SUB}`, principalType = 'User'): Resource {
  const name = `a${String(n++).padStart(3, '0')}`;
  return arm(AUTHORIZATION_TYPES.roleAssignment, {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: { roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${role}`, principalId, principalType, scope },
  });
}
const owners = (count: number): Resource[] => Array.from({ length: count }, (_, i) => assignment(OWNER_ROLE, `owner-${i}`));

function assess(resources: readonly Resource[], gaps: CoverageGap[] = []): readonly Finding[] {
  const gapped = new Set(gaps.flatMap((g) => g.types));
  const types = [SUBSCRIPTION_TYPE, ...Object.values(AUTHORIZATION_TYPES)].filter((t) => !gapped.has(t));
  const scope: CollectionScope = { provider: 'azure', account: SUB, region: 'global', types, ...(gaps.length ? { gaps } : {}), outcome: { status: 'ok', collectedAt: NOW.toISOString() } };
  const { controls, catalog, attestations } = bundledMappings();
  return evaluate(resources, [scope], controls, catalog, attestations, NOW).findings;
}
const only = (findings: readonly Finding[], control: string): Finding[] => findings.filter((f) => f.control === control);

describe('azure-subscription-owner-count', () => {
  const verdict = (resources: Resource[], gaps?: CoverageGap[]): Finding => {
    const found = only(assess([subscription(), ...resources], gaps), 'azure-subscription-owner-count');
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('two or three Owners pass; one and five fail, naming them', () => {
    expect(verdict(owners(2)).status).toBe('pass');
    expect(verdict(owners(3)).status).toBe('pass');
    const one = verdict(owners(1));
    expect(one.status).toBe('fail');
    expect(one.reason).toBe(`subscription ${SUB} has 1 Owners (expected 2 to 3): User owner-0`);
    expect(one.reason_ja).toBe(`サブスクリプション ${SUB} の所有者 (Owner) は 1 人です（2 人以上 3 人以下が必要）: User owner-0`);
    expect(verdict(owners(5)).status).toBe('fail');
  });

  it('counts Owners of the subscription, a management group and the root, once per principal; not resource-group Owners or other roles', () => {
    const mg = assignment(OWNER_ROLE, 'mg-owner', '/providers/Microsoft.Management/managementGroups/corp', 'User');
    const twice = assignment(OWNER_ROLE, 'owner-0', '/');
    const rg = assignment(OWNER_ROLE, 'rg-owner', `/subscriptions/${SUB}/resourceGroups/rg-app`);
    const reader = assignment(READER, 'reader');
    expect(verdict([...owners(1), twice, rg, reader]).status).toBe('fail');
    const sp = assignment(OWNER_ROLE, 'deployer', `/subscriptions/${SUB}`, 'ServicePrincipal');
    expect(verdict([...owners(1), twice, sp, rg, reader]).status).toBe('pass');
    expect(verdict([...owners(3), sp]).reason).toMatch(/has 4 Owners/);
    expect(verdict([...owners(1), mg]).status).toBe('pass');
    expect(verdict([...owners(3), mg]).reason).toMatch(/has 4 Owners/);
  });

  it('an Owner group makes the count unknown (members not read), unless individual Owners alone are too many', () => {
    const mg = assignment(OWNER_ROLE, 'mg-owners', '/providers/Microsoft.Management/managementGroups/corp', 'Group');
    const withGroup = verdict([...owners(1), mg]);
    expect(withGroup.status).toBe('unknown');
    expect(withGroup.reason).toContain('Owner is assigned to group(s) Group mg-owners whose members kansa does not read');
    expect(verdict([mg]).status).toBe('unknown');
    expect(verdict([...owners(4), mg]).status).toBe('fail');
  });

  it('is unknown — never a fail for zero Owners — when role assignments were refused, or an assignment lacks its role or scope', () => {
    const refused: CoverageGap = { types: [AUTHORIZATION_TYPES.roleAssignment], reason: { en: 'AuthorizationFailed: no roleAssignments/read', ja: '権限がありません' } };
    const gap = verdict([], [refused]);
    expect(gap.status).toBe('unknown');
    expect(gap.reason).toMatch(/AuthorizationFailed: no roleAssignments\/read/);
    const broken = arm(AUTHORIZATION_TYPES.roleAssignment, { id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/x`, name: 'x', type: 'Microsoft.Authorization/roleAssignments', properties: { principalId: 'p' } });
    const missing = verdict([...owners(2), broken]);
    expect(missing.status).toBe('unknown');
    expect(missing.reason).toMatch(/has no roleDefinitionId or scope/);
  });
});

describe('azure-custom-role-no-wildcard', () => {
  const role = (name: string, properties: Record<string, unknown>): Resource =>
    arm(AUTHORIZATION_TYPES.roleDefinition, { id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${name}`, name, type: 'Microsoft.Authorization/roleDefinitions', properties: { roleName: name, type: 'CustomRole', assignableScopes: [`/subscriptions/${SUB}`], ...properties } });
  const statusOf = (resources: Resource[], gaps?: CoverageGap[]): Record<string, Pick<Finding, 'status' | 'reason'>> =>
    Object.fromEntries(only(assess(resources, gaps), 'azure-custom-role-no-wildcard').map((f): [string, Pick<Finding, 'status' | 'reason'>] => [f.resourceId.split('/').at(-1) ?? '', { status: f.status, ...(f.reason ? { reason: f.reason } : {}) }]));

  it('a role with `*` actions fails; narrower wildcards and `*` only in notActions pass; a role without permissions is unknown', () => {
    const f = statusOf([
      role('everything', { permissions: [{ actions: ['*'], notActions: ['Microsoft.Authorization/*/Write'] }] }),
      role('netread', { permissions: [{ actions: ['Microsoft.Network/*/read'], notActions: [] }] }),
      role('denyall', { permissions: [{ actions: ['*/read'], notActions: ['*'] }] }),
      role('blank', {}),
    ]);
    expect(f['everything']).toEqual({ status: 'fail', reason: `custom role everything allows every action (*) (assignable at /subscriptions/${SUB})` });
    expect(f['netread']).toEqual({ status: 'pass' });
    expect(f['denyall']).toEqual({ status: 'pass' });
    expect(f['blank']?.status).toBe('unknown');
  });

  it('when custom roles were refused, the subscription gets an unknown finding with the reason, never a pass', () => {
    const refused: CoverageGap = { types: [AUTHORIZATION_TYPES.roleDefinition], reason: { en: 'AuthorizationFailed', ja: '拒否されました' } };
    expect(statusOf([], [refused])).toEqual({ global: { status: 'unknown', reason: 'Microsoft.Authorization/roleDefinitions not covered: AuthorizationFailed' } });
  });
});

describe('azure-no-classic-coadministrators', () => {
  const admin = (name: string, properties: Record<string, unknown>): Resource =>
    arm(AUTHORIZATION_TYPES.classicAdministrator, { id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/classicAdministrators/${name}`, name, type: 'Microsoft.Authorization/classicAdministrators', properties });
  it('a Co-Administrator fails with their address; the Service Administrator passes; no role is unknown', () => {
    const f: Record<string, Finding> = Object.fromEntries(
      only(assess([admin('svc', { emailAddress: 'owner@contoso.example', role: 'ServiceAdministrator;AccountAdministrator' }), admin('co', { emailAddress: 'legacy@contoso.example', role: 'CoAdministrator' }), admin('odd', { emailAddress: 'x@contoso.example' })]), 'azure-no-classic-coadministrators').map((x): [string, Finding] => [x.resourceId.split('/').at(-1) ?? '', x]),
    );
    expect(f['svc']?.status).toBe('pass');
    expect(f['co']?.status).toBe('fail');
    expect(f['co']?.reason).toBe(`subscription ${SUB} has classic Co-Administrator legacy@contoso.example`);
    expect(f['co']?.reason_ja).toBe(`サブスクリプション ${SUB} に従来の共同管理者 legacy@contoso.example がいます`);
    expect(f['odd']?.status).toBe('unknown');
  });
});
