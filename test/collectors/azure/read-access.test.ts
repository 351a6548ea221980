/**
 * Issue #19: Resource Graph and Resources - List leave out what the caller may not read, without an error.
 * The collector reads the caller's role assignments and role definitions to know which listed types an
 * empty answer can prove absent. Payload shapes: Role Assignments - List For Subscription and Role
 * Definitions - Get (learn.microsoft.com/rest/api/authorization, api-version 2022-04-01 examples).
 */
import { actionMatches, coversSubscription, grantsRead, principalOfToken, rolePermissions, subscriptionWideRoles } from '../../../collectors/azure/read-access.js';
import { sandboxAccessToken, AZURE_SANDBOX_PRINCIPAL } from '../../../src/sandbox/azure-rbac.js';

const SUB = 'a925f2f7-5c63-4b7b-8799-25a5f97bc3b2';
const assignment = (scope: string, role: string): object => ({
  id: `${scope}/providers/Microsoft.Authorization/roleAssignments/b0f43c54-e787-4862-89b1-a653fa9cf747`,
  name: 'b0f43c54-e787-4862-89b1-a653fa9cf747',
  type: 'Microsoft.Authorization/roleAssignments',
  properties: { roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${role}`, principalId: 'ce2ce14e-85d7-4629-bdbc-454d0519d987', principalType: 'User', scope },
});

describe('which types kansa may read', () => {
  it('reads the caller from the token’s oid claim, and nothing from a token that is not a JWT', () => {
    expect(principalOfToken(sandboxAccessToken('72f988bf-0000-4000-8000-00000000a2e5'))).toBe(AZURE_SANDBOX_PRINCIPAL);
    expect(principalOfToken('opaque-token')).toBeUndefined();
    expect(principalOfToken(`x.${Buffer.from('{"oid":"not-a-guid"}').toString('base64url')}.y`)).toBeUndefined();
    expect(principalOfToken(`x.${Buffer.from('not json').toString('base64url')}.y`)).toBeUndefined();
  });

  it('matches action patterns with wildcards, case-insensitively, and nothing else', () => {
    expect(actionMatches('*/read', 'Microsoft.KeyVault/vaults/read')).toBe(true);
    expect(actionMatches('*', 'Microsoft.KeyVault/vaults/read')).toBe(true);
    expect(actionMatches('Microsoft.Storage/*', 'microsoft.storage/storageAccounts/read')).toBe(true);
    expect(actionMatches('Microsoft.Storage/*/read', 'Microsoft.KeyVault/vaults/read')).toBe(false);
    expect(actionMatches('Microsoft.Compute/virtualMachines/read', 'Microsoft.Compute/virtualMachinesX/read')).toBe(false);
    // Regex characters in a pattern are literal.
    expect(actionMatches('Microsoft.Storage/storageAccounts/read', 'MicrosoftXStorage/storageAccounts/read')).toBe(false);
  });

  it('grants read unless the same permission’s notActions take it away (NotActions are not a deny)', () => {
    const reader = { actions: ['*/read'], notActions: [] };
    const noVaults = { actions: ['*/read'], notActions: ['Microsoft.KeyVault/vaults/read'] };
    expect(grantsRead([reader], 'Microsoft.KeyVault/vaults')).toBe(true);
    expect(grantsRead([noVaults], 'Microsoft.KeyVault/vaults')).toBe(false);
    expect(grantsRead([noVaults], 'Microsoft.Compute/disks')).toBe(true);
    // Another role granting it wins: notActions subtract within their own permission only.
    expect(grantsRead([noVaults, reader], 'Microsoft.KeyVault/vaults')).toBe(true);
    expect(grantsRead([], 'Microsoft.Compute/disks')).toBe(false);
    expect(grantsRead([{ actions: ['Microsoft.Compute/*/read'], notActions: [] }], 'Microsoft.Storage/storageAccounts')).toBe(false);
  });

  it('counts only assignments that cover the whole subscription: a role on a resource group reads only that group', () => {
    expect(coversSubscription(`/subscriptions/${SUB}`, SUB)).toBe(true);
    expect(coversSubscription('/', SUB)).toBe(true);
    expect(coversSubscription('/providers/Microsoft.Management/managementGroups/contoso-root', SUB)).toBe(true);
    expect(coversSubscription(`/subscriptions/${SUB}/resourceGroups/rg-app`, SUB)).toBe(false);
    expect(coversSubscription('/subscriptions/00000000-0000-0000-0000-000000000000', SUB)).toBe(false);
    const body = { value: [assignment(`/subscriptions/${SUB}/resourceGroups/rg-app`, 'acdd72a7-3385-48ef-bd42-f606fba81ae7'), assignment(`/subscriptions/${SUB}`, 'b24988ac-6180-42a0-ab88-20f7382dd24c')] };
    expect(subscriptionWideRoles(body, SUB)).toEqual({ roles: [`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`] });
    // Only a resource-group Reader: no subscription-wide role, so nothing an empty listing says can be trusted.
    expect(subscriptionWideRoles({ value: [body.value[0]] }, SUB)).toEqual({ roles: [] });
  });

  it('treats malformed answers as errors (the check is then unknown), never as "no roles" or "reads all"', () => {
    const error = (result: object): string => ('error' in result ? String(result.error) : 'no error');
    expect(error(subscriptionWideRoles({}, SUB))).toContain('value');
    expect(error(subscriptionWideRoles({ value: [{ properties: { scope: `/subscriptions/${SUB}` } }] }, SUB))).toContain('roleDefinitionId');
    expect(error(rolePermissions({ properties: {} }))).toContain('permissions');
    expect(error(rolePermissions({ properties: { permissions: [{ actions: '*/read' }] } }))).toContain('actions');
    expect(rolePermissions({ properties: { roleName: 'Reader', permissions: [{ actions: ['*/read'], notActions: [], dataActions: [], notDataActions: [] }] } })).toEqual({ permissions: [{ actions: ['*/read'], notActions: [] }] });
  });
});
