/**
 * Azure RBAC of each subscription (collectors/azure/authorization.ts) through the unmodified
 * `@azure/arm-authorization` client over HTTPS against the sandbox's ARM (src/sandbox/azure-rbac.ts): real
 * token credential, TLS with the sandbox's CA, nextLink paging. Verdicts go through the real evaluation; a
 * refused list is a gap whose findings are unknown with ARM's reason. No mocks.
 */
import { AUTHORIZATION_TYPES } from '../../../collectors/azure/authorization.js';
import type { Finding } from '../../../src/evaluate/assessment.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { collectAzureSandbox, type AzureCollected } from '../../support/azure-collect.js';
import { bundledMappings } from '../../support/evaluate.js';

const SUBS = ['0b1f6471-1bf0-4dda-aec3-111111111111', '0b1f6471-1bf0-4dda-aec3-222222222222', '0b1f6471-1bf0-4dda-aec3-333333333333', '0b1f6471-1bf0-4dda-aec3-444444444444'];
const RBAC_CONTROLS = ['azure-subscription-owner-count', 'azure-custom-role-no-wildcard', 'azure-no-classic-coadministrators'];
const CONTROLS = bundledMappings().controls.filter((c) => RBAC_CONTROLS.includes(c.id));
const TYPES = new Set(CONTROLS.flatMap((c) => [...c.resourceTypes, ...c.context.map((x) => x.type)]));

const collect = (sandbox: Sandbox): Promise<AzureCollected> => collectAzureSandbox(sandbox, { config: { subscriptions: SUBS }, types: TYPES, controls: CONTROLS });

/** control → subscription → statuses (sorted). */
function bySubscription(findings: readonly Finding[], control: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of findings.filter((x) => x.control === control)) (out[f.account] ??= []).push(f.status);
  for (const list of Object.values(out)) list.sort();
  return out;
}

describe('Azure RBAC from the sandbox ARM through @azure/arm-authorization', () => {
  it('pages every list, keeps ARM shapes without personal extras, and finds each case of the estate', async () => {
    const sandbox = await startSandbox({ azure: { resources: 0, subscriptions: SUBS, rbacPageSize: 2 } });
    try {
      const { resources, run, calls, findings } = await collect(sandbox);
      for (const scope of run.coverage) {
        expect(scope.gaps).toBeUndefined();
        expect(scope.types).toEqual(expect.arrayContaining(Object.values(AUTHORIZATION_TYPES)));
      }
      // Paged by nextLink (page size 2): assignments of subscription 2 are 5 Owners + a resource-group Owner + kansa's Reader.
      expect(calls.get('ListSubscriptionRoleAssignments 200')).toBe(2 + 4 + 2 + 2);
      const assignments = resources.filter((r) => r.type === AUTHORIZATION_TYPES.roleAssignment && r.account === SUBS[1]);
      expect(assignments).toHaveLength(7);
      expect(Object.keys(assignments[0]!.configuration.properties as object).sort()).toEqual(['principalId', 'principalType', 'roleDefinitionId', 'scope']);
      // Only custom roles are listed (the filter), in ARM's shape (properties not flattened by the SDK).
      const roles = resources.filter((r) => r.type === AUTHORIZATION_TYPES.roleDefinition);
      expect(roles.every((r) => (r.configuration.properties as { type?: string }).type === 'CustomRole')).toBe(true);
      expect(JSON.stringify(resources)).not.toMatch(/createdBy|updatedBy/);

      expect(bySubscription(findings, 'azure-subscription-owner-count')).toEqual({ [SUBS[0]!]: ['pass'], [SUBS[1]!]: ['fail'], [SUBS[2]!]: ['fail'], [SUBS[3]!]: ['unknown'] });
      expect(findings.find((f) => f.control === 'azure-subscription-owner-count' && f.account === SUBS[1])?.reason).toMatch(/has 5 Owners \(expected 2 to 3\)/);
      expect(bySubscription(findings, 'azure-custom-role-no-wildcard')).toEqual({ [SUBS[0]!]: ['pass'], [SUBS[1]!]: ['pass'], [SUBS[2]!]: ['fail', 'pass'], [SUBS[3]!]: ['pass'] });
      expect(bySubscription(findings, 'azure-no-classic-coadministrators')).toEqual({ [SUBS[0]!]: ['pass'], [SUBS[1]!]: ['pass'], [SUBS[2]!]: ['pass'], [SUBS[3]!]: ['fail', 'pass'] });
    } finally {
      await sandbox.close();
    }
  });

  it('a refused subscription (403 AuthorizationFailed) or a refused classic-administrator list: unknown with the reason, never pass or fail', async () => {
    const sandbox = await startSandbox({ azure: { resources: 0, subscriptions: SUBS, unreadableTypes: [AUTHORIZATION_TYPES.classicAdministrator] } });
    try {
      const { run, calls, findings } = await collect(sandbox);
      expect(calls.get('ListClassicAdministrators AuthorizationFailed')).toBe(4);
      for (const scope of run.coverage) {
        expect(scope.gaps?.find((g) => g.types.includes(AUTHORIZATION_TYPES.classicAdministrator))?.reason.en).toMatch(/AuthorizationFailed.*grant Microsoft\.Authorization\/classicAdministrators\/read/);
      }
      const classic = findings.filter((f) => f.control === 'azure-no-classic-coadministrators');
      expect(classic.length).toBeGreaterThan(0);
      expect(new Set(classic.map((f) => f.status))).toEqual(new Set(['unknown']));
      // The other lists still judge.
      expect(bySubscription(findings, 'azure-subscription-owner-count')[SUBS[1]!]).toEqual(['fail']);
    } finally {
      await sandbox.close();
    }

    const denied = await startSandbox({ azure: { resources: 0, subscriptions: SUBS }, faults: { accessDeniedAccounts: [SUBS[1]!] } });
    try {
      const { findings } = await collect(denied);
      const owner = findings.filter((f) => f.control === 'azure-subscription-owner-count' && f.account === SUBS[1]);
      expect(owner.map((f) => f.status)).toEqual(['unknown']);
      expect(owner[0]?.reason).toMatch(/AuthorizationFailed/);
      for (const control of RBAC_CONTROLS) expect(findings.filter((f) => f.control === control && f.account === SUBS[1] && f.status !== 'unknown')).toEqual([]);
    } finally {
      await denied.close();
    }
  });
});
