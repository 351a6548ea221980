/**
 * The sandbox credential's Azure RBAC, as ARM reports it: the access token names the caller (`oid`), and
 * Role Assignments - List For Subscription / Role Definitions - Get answer what the caller holds.
 *
 * - Token: Microsoft identity platform access tokens are JWTs whose `oid` claim is the caller's object id
 *   (learn.microsoft.com/entra/identity-platform/access-token-claims-reference). Clients never validate the
 *   signature (only ARM does), so the sandbox's token is JWT-shaped with `alg: none`.
 * - Role Assignments - List For Subscription (GET /subscriptions/{s}/providers/Microsoft.Authorization/
 *   roleAssignments, api-version 2022-04-01, learn.microsoft.com/rest/api/authorization/role-assignments/
 *   list-for-subscription): `$filter=assignedTo('{objectId}')` lists the principal's assignments at, above or
 *   below the scope, including those of groups it belongs to; `principalId eq '{id}'` the principal's own;
 *   `atScope()` every assignment at or above the scope. Each entry: `properties.scope`,
 *   `properties.roleDefinitionId` (subscription-prefixed, also for built-in roles), `principalId`.
 * - Role Definitions - Get (GET {scope}/providers/Microsoft.Authorization/roleDefinitions/{id}): `properties.
 *   permissions[]` with `actions` / `notActions` (learn.microsoft.com/azure/role-based-access-control/
 *   role-definitions). NotActions subtract from that role's Actions only; they are not a deny.
 *
 * What the sandbox credential holds: built-in Reader (`*\/read`) at each visible subscription, or — when
 * the estate's `unreadableTypes` is set — a custom reader role whose notActions remove `<type>/read` for
 * those types, which is why Resource Graph leaves their rows out (azure-arm.ts). Hidden subscriptions: no
 * assignment (every call under them is refused before this).
 */
import type { AzureEstate } from './estate/azure.js';
import { SandboxApiError } from './http.js';

/** The sandbox caller's object id (the one its AuthorizationFailed messages name). */
export const AZURE_SANDBOX_PRINCIPAL = '00000000-0000-4000-8000-00000000a2e5';
/** Built-in Reader (learn.microsoft.com/azure/role-based-access-control/built-in-roles/general#reader). */
export const AZURE_READER_ROLE = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
/** The custom reader role used when the estate makes some types unreadable. */
export const AZURE_RESTRICTED_READER_ROLE = '5c1e8f3a-0000-4000-8000-00000000a2e5';
export const ROLE_API_VERSIONS: ReadonlySet<string> = new Set(['2022-04-01']);

const base64url = (value: object): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** A JWT-shaped access token (unsigned: clients do not check signatures) carrying the caller's `oid` and tenant. */
export function sandboxAccessToken(tenant: string): string {
  return `${base64url({ typ: 'JWT', alg: 'none' })}.${base64url({ aud: 'https://management.azure.com/', iss: `https://sts.windows.net/${tenant}/`, oid: AZURE_SANDBOX_PRINCIPAL, tid: tenant, idtyp: 'app' })}.`;
}

type Json = Record<string, unknown>;

function roleOf(estate: AzureEstate): string {
  return estate.unreadableTypes.length > 0 ? AZURE_RESTRICTED_READER_ROLE : AZURE_READER_ROLE;
}

/** Role Assignments - List For Subscription, with the documented filters. */
export function roleAssignments(estate: AzureEstate, subscription: string, filter: string): Json {
  const principal = /^\s*(?:assignedTo\('([^']+)'\)|principalId\s+eq\s+'([^']+)')\s*$/i.exec(filter);
  if (filter !== '' && !principal && !/^\s*atScope\(\)\s*$/i.test(filter)) throw new SandboxApiError(400, 'UnsupportedQuery', `The filter '${filter}' is not supported.`);
  const who = (principal?.[1] ?? principal?.[2])?.toLowerCase();
  if (who !== undefined && who !== AZURE_SANDBOX_PRINCIPAL) return { value: [] };
  const role = roleOf(estate);
  const id = `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleAssignments/${AZURE_SANDBOX_PRINCIPAL.slice(0, 24)}${subscription.slice(-12)}`;
  return {
    value: [
      {
        id,
        name: id.split('/').at(-1),
        type: 'Microsoft.Authorization/roleAssignments',
        properties: {
          roleDefinitionId: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
          principalId: AZURE_SANDBOX_PRINCIPAL,
          principalType: 'ServicePrincipal',
          scope: `/subscriptions/${subscription}`,
          condition: null,
          conditionVersion: null,
          createdOn: '2026-01-05T01:00:00.0000000Z',
          updatedOn: '2026-01-05T01:00:00.0000000Z',
        },
      },
    ],
  };
}

/** Role Definitions - Get: Reader, or the custom reader without `<type>/read` for the estate's unreadable types. */
export function roleDefinition(estate: AzureEstate, subscription: string, roleId: string): Json {
  const id = roleId.toLowerCase();
  const restricted = id === AZURE_RESTRICTED_READER_ROLE && estate.unreadableTypes.length > 0;
  if (id !== AZURE_READER_ROLE && !restricted) throw new SandboxApiError(404, 'RoleDefinitionDoesNotExist', 'The specified role definition with ID \'' + roleId + '\' does not exist.');
  return {
    id: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${id}`,
    name: id,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName: restricted ? 'kansa sandbox restricted reader' : 'Reader',
      type: restricted ? 'CustomRole' : 'BuiltInRole',
      description: restricted ? 'Reads everything but the types the estate hides.' : 'View all resources, but does not allow you to make any changes.',
      assignableScopes: restricted ? [`/subscriptions/${subscription}`] : ['/'],
      permissions: [{ actions: ['*/read'], notActions: restricted ? estate.unreadableTypes.map((t) => `${t}/read`) : [], dataActions: [], notDataActions: [] }],
    },
  };
}
