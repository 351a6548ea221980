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

/**
 * The estate's own RBAC, what a subscription audit reads (collectors/azure/authorization.ts), by subscription
 * index modulo 4 so any estate holds each case:
 * 0: two Owners, a read-only custom role, only the Service Administrator — compliant; 1: five Owners; 2: one Owner
 * and a custom role with `*` actions; 3: a user and a group as Owners (members not read) and a classic Co-Administrator.
 * Shapes: Role Assignments - List For Subscription and Role Definitions - List (api-version 2022-04-01),
 * Classic Administrators - List (2015-07-01, example GetClassicAdministrators.json in Azure/azure-rest-api-specs).
 * Lists page by an absolute `nextLink` when `rbacPageSize` is set (ARM documents the nextLink, not a page size).
 */
export const AZURE_OWNER_ROLE = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
export const CLASSIC_ADMIN_API_VERSIONS: ReadonlySet<string> = new Set(['2015-07-01']);

const OWNERS_BY_PROFILE = [2, 5, 1, 2] as const;

function profileOf(estate: AzureEstate, subscription: string): number {
  return estate.subscriptions.indexOf(subscription) % 4;
}

const principal = (subscription: string, n: number): string => `${subscription.slice(0, 8)}-0000-4000-8000-${String(n).padStart(12, '0')}`;

function assignment(subscription: string, n: number, role: string, principalId: string, principalType: string, scope: string): Json {
  const name = `${subscription.slice(0, 8)}-${String(n).padStart(4, '0')}-4000-8000-00000000a55${n % 10}`;
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: {
      roleDefinitionId: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
      principalId,
      principalType,
      scope,
      condition: null,
      conditionVersion: null,
      createdOn: '2025-04-01T01:00:00.0000000Z',
      updatedOn: '2025-04-01T01:00:00.0000000Z',
      createdBy: '00000000-0000-4000-8000-0000000c0de0',
      updatedBy: '00000000-0000-4000-8000-0000000c0de0',
      delegatedManagedIdentityResourceId: null,
      description: null,
    },
  };
}

/** Every assignment of a subscription (no filter): at it, below it (a resource group) and the sandbox caller's Reader. */
function allAssignments(estate: AzureEstate, subscription: string): Json[] {
  const sub = `/subscriptions/${subscription}`;
  const owners = OWNERS_BY_PROFILE[profileOf(estate, subscription)] ?? 2;
  const out: Json[] = [];
  for (let i = 0; i < owners; i++) out.push(assignment(subscription, i, AZURE_OWNER_ROLE, principal(subscription, i), i === 1 && profileOf(estate, subscription) === 3 ? 'Group' : 'User', sub));
  // An Owner of one resource group only: not an owner of the subscription.
  out.push(assignment(subscription, 90, AZURE_OWNER_ROLE, principal(subscription, 90), 'User', `${sub}/resourceGroups/rg-app`));
  out.push(...(roleAssignments(estate, subscription, '').value as Json[]));
  return out;
}

function page(items: readonly Json[], url: URL, origin: string, size: number | undefined): Json {
  const offset = Number(url.searchParams.get('$skiptoken') ?? '0');
  if (!Number.isSafeInteger(offset) || offset < 0 || (offset > 0 && offset >= items.length)) throw new SandboxApiError(400, 'InvalidSkipToken', `The skip token '${url.searchParams.get('$skiptoken') ?? ''}' is invalid.`);
  const n = size ?? items.length;
  const value = items.slice(offset, offset + n);
  if (offset + n >= items.length) return { value };
  const link = new URL(`${origin}${url.pathname}`);
  for (const [k, v] of url.searchParams) if (k !== '$skiptoken') link.searchParams.set(k, v);
  link.searchParams.set('$skiptoken', String(offset + n));
  return { value, nextLink: link.toString() };
}

/** Role Assignments - List For Subscription: unfiltered, every assignment; `assignedTo`/`principalId`/`atScope()` as before. */
export function listRoleAssignments(estate: AzureEstate, subscription: string, url: URL, origin: string): Json {
  const filter = url.searchParams.get('$filter') ?? '';
  if (filter !== '') return roleAssignments(estate, subscription, filter);
  return page(allAssignments(estate, subscription), url, origin, estate.rbacPageSize);
}

function customRole(subscription: string, name: string, id: string, actions: string[]): Json {
  return {
    id: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${id}`,
    name: id,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName: name,
      type: 'CustomRole',
      description: `${name} (sandbox)`,
      assignableScopes: [`/subscriptions/${subscription}`],
      permissions: [{ actions, notActions: [], dataActions: [], notDataActions: [] }],
      createdOn: '2025-04-01T01:00:00.0000000Z',
      updatedOn: '2025-04-01T01:00:00.0000000Z',
      createdBy: null,
      updatedBy: null,
    },
  };
}

/** Role Definitions - List at a subscription: `$filter=type eq 'CustomRole'` (the only filter the sandbox serves besides none). */
export function listRoleDefinitions(estate: AzureEstate, subscription: string, url: URL, origin: string): Json {
  const filter = (url.searchParams.get('$filter') ?? '').trim();
  if (filter !== '' && !/^type\s+eq\s+'CustomRole'$/i.test(filter)) throw new SandboxApiError(400, 'UnsupportedQuery', `The filter '${filter}' is not supported.`);
  const profile = profileOf(estate, subscription);
  const custom = [customRole(subscription, 'Network Reader', `${subscription.slice(0, 8)}-0000-4000-8000-00000000c001`, ['Microsoft.Network/*/read'])];
  if (profile === 2) custom.push(customRole(subscription, 'Ops Everything', `${subscription.slice(0, 8)}-0000-4000-8000-00000000c002`, ['*']));
  if (estate.unreadableTypes.length > 0) custom.push(roleDefinition(estate, subscription, AZURE_RESTRICTED_READER_ROLE));
  const builtIn = filter === '' ? [roleDefinition(estate, subscription, AZURE_READER_ROLE)] : [];
  return page([...builtIn, ...custom], url, origin, estate.rbacPageSize);
}

/** Classic Administrators - List: the Service Administrator, and a Co-Administrator in profile 3. */
export function listClassicAdministrators(estate: AzureEstate, subscription: string): Json {
  const admin = (name: string, email: string, role: string): Json => ({ id: `/subscriptions/${subscription}/providers/Microsoft.Authorization/classicAdministrators/${name}`, name, type: 'Microsoft.Authorization/classicAdministrators', properties: { emailAddress: email, role } });
  const value = [admin('serviceadmin', 'account-owner@contoso.example', 'ServiceAdministrator;AccountAdministrator')];
  if (profileOf(estate, subscription) === 3) value.push(admin('coadmin1', 'legacy-ops@contoso.example', 'CoAdministrator'));
  return { value };
}
