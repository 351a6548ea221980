/**
 * Azure RBAC of each subscription, through the unmodified `@azure/arm-authorization` client (the same
 * credential, endpoint, TLS options and socket-bounded agent as the other ARM clients; retries are kansa's).
 * The SDK rather than Resource Graph's `authorizationresources` table: Resource Graph has no classic
 * administrators and drops rows the caller may not read without an error, while these three ARM lists answer
 * 403 when refused — a refusal is then a gap with its reason, never an empty list that passes.
 *
 * Operations (learn.microsoft.com/rest/api/authorization/…), each paged by an absolute `nextLink`:
 * - role-assignments/list-for-subscription (api-version 2022-04-01): every assignment at, above and below the
 *   subscription; each `{ id, name, type, properties: { roleDefinitionId, principalId, principalType, scope, … } }`.
 * - role-definitions/list (2022-04-01) at scope `/subscriptions/{id}` with `$filter=type eq 'CustomRole'`:
 *   the custom roles assignable there; `properties: { roleName, type, assignableScopes, permissions[]:
 *   { actions, notActions, dataActions, notDataActions } }`. Built-in roles are known by id (Owner:
 *   8e3af657-a8ff-443c-a75c-2fe8c4bcb635, learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged).
 * - classic-administrators/list (2015-07-01, the only version): `properties: { emailAddress, role }` with role
 *   `ServiceAdministrator;AccountAdministrator` or `CoAdministrator`. The SDK names it
 *   `classicAdministrators.list()`, so no hand-made ARM request is needed.
 *
 * The page body is read as ARM sent it (the SDK's models flatten `properties`): controls read ARM's shape, as for every
 * other Azure resource. Only what a control or an auditor needs is kept (ids, role, principal, scope; the
 * classic administrator's e-mail address, which is how Azure names that principal).
 */
import type { AuthorizationManagementClient } from '@azure/arm-authorization';
import type { Resource } from '../../src/model/resource.js';
import type { Bilingual } from '../../src/model/text.js';
import { normalizeArmResource } from './normalize.js';
import type { AzureCallError } from './retry.js';

export const AUTHORIZATION_TYPES = {
  roleAssignment: 'Microsoft.Authorization/roleAssignments',
  roleDefinition: 'Microsoft.Authorization/roleDefinitions',
  classicAdministrator: 'Microsoft.Authorization/classicAdministrators',
} as const;

const ALL_TYPES: readonly string[] = Object.values(AUTHORIZATION_TYPES);

export function isAuthorizationType(type: string): boolean {
  return ALL_TYPES.some((t) => t.toLowerCase() === type.toLowerCase());
}

/** Owner (learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged#owner). */
export const OWNER_ROLE = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';

/** Bounds the pages followed per list (a nextLink loop must end). */
const MAX_PAGES = 1000;

type Json = Record<string, unknown>;
type Call = (operation: string, fn: () => Promise<unknown>) => Promise<{ ok: true; value: unknown } | { ok: false; error: AzureCallError }>;
/** An SDK list operation: its options (abort, raw-response callback) and its page iterator, from a nextLink. */
type Lister = (options: { abortSignal: AbortSignal; onResponse: (response: { bodyAsText?: string | null }) => void }) => { byPage(settings?: { continuationToken?: string }): AsyncIterator<unknown> };

const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
/** The keys named, nulls left out (ARM sends `condition: null` for an unconditional assignment). */
const pick = (item: Json, keys: readonly string[]): Json => Object.fromEntries(keys.filter((k) => item[k] !== undefined && item[k] !== null).map((k) => [k, item[k]]));

/** What is kept of each entry (privacy: no createdBy/updatedBy, no descriptions). */
const KEEP: Readonly<Record<string, (item: Json) => Json>> = {
  [AUTHORIZATION_TYPES.roleAssignment]: (a) => ({ ...pick(a, ['id', 'name', 'type']), properties: pick(obj(a.properties), ['roleDefinitionId', 'principalId', 'principalType', 'scope', 'condition']) }),
  [AUTHORIZATION_TYPES.roleDefinition]: (d) => ({ ...pick(d, ['id', 'name', 'type']), properties: pick(obj(d.properties), ['roleName', 'type', 'assignableScopes', 'permissions']) }),
  [AUTHORIZATION_TYPES.classicAdministrator]: (c) => ({ ...pick(c, ['id', 'name', 'type']), properties: pick(obj(c.properties), ['emailAddress', 'role']) }),
};

/** Why a type is not covered in a subscription, from the ARM error of its list. */
export function authorizationGapReason(subscription: string, type: string, error: AzureCallError): Bilingual {
  const denied = error.status === 403 || error.status === 401;
  return {
    en: `${type} could not be listed in subscription ${subscription} (${error.code}: ${error.message})${denied ? `; grant ${type}/read (the Reader role has it)` : ''}: the subscription's RBAC is not judged`,
    ja: `サブスクリプション ${subscription} で ${type} を一覧できませんでした（${error.code}）${denied ? `。${type}/read 権限（閲覧者ロールに含まれます）を付与してください` : ''}。このサブスクリプションの RBAC は判定できません`,
  };
}

function pagingReason(subscription: string, type: string, why: string): Bilingual {
  return {
    en: `${type} of subscription ${subscription}: ${why}; the list may be incomplete, so it proves nothing`,
    ja: `サブスクリプション ${subscription} の ${type}: ${why}。一覧が不完全な可能性があるため、証拠になりません`,
  };
}

export interface AuthorizationPlan {
  readonly subscription: string;
  /** The wanted authorization types (AUTHORIZATION_TYPES values). */
  readonly types: readonly string[];
  readonly client: AuthorizationManagementClient;
  /** The ARM endpoint: a nextLink elsewhere is refused (the bearer token goes nowhere else). */
  readonly endpoint: string;
  readonly call: Call;
  readonly capturedAt: () => string;
  readonly emit: (resource: Resource) => void;
  readonly gap: (types: readonly string[], reason: Bilingual) => void;
  readonly signal: AbortSignal;
}

class ListFailure extends Error {
  constructor(readonly reason: Bilingual) {
    super(reason.en);
  }
}

/** Lists each wanted type of one subscription; a type is emitted only when every page of it was read. */
export async function collectAuthorization(plan: AuthorizationPlan): Promise<void> {
  const { client, subscription } = plan;
  const listers: Readonly<Record<string, { operation: string; list: Lister }>> = {
    [AUTHORIZATION_TYPES.roleAssignment]: { operation: 'ListSubscriptionRoleAssignments', list: (o) => client.roleAssignments.listForSubscription(o) },
    [AUTHORIZATION_TYPES.roleDefinition]: { operation: 'ListCustomRoleDefinitions', list: (o) => client.roleDefinitions.list(`subscriptions/${subscription}`, { ...o, filter: "type eq 'CustomRole'" }) },
    [AUTHORIZATION_TYPES.classicAdministrator]: { operation: 'ListClassicAdministrators', list: (o) => client.classicAdministrators.list(o) },
  };
  await Promise.all(
    ALL_TYPES.filter((t) => plan.types.includes(t)).map(async (type) => {
      const { operation, list } = listers[type]!;
      const buffer: Resource[] = [];
      try {
        let token: string | undefined;
        for (let pages = 0; ; pages++) {
          if (pages >= MAX_PAGES) throw new ListFailure(pagingReason(subscription, type, `still a nextLink after ${pages} pages`));
          const body = await readPage(plan, operation, list, token, type);
          if (!Array.isArray(body.value)) throw new ListFailure(pagingReason(subscription, type, 'a page has no `value` list'));
          for (const item of body.value) {
            const kept = KEEP[type]!(obj(item));
            // The subscription listed is the resource's account: assignments above it (management groups) have ids outside it.
            buffer.push({ ...normalizeArmResource(kept, { type, capturedAt: plan.capturedAt() }), account: subscription });
          }
          const next = body.nextLink;
          if (next === undefined || next === null || next === '') break;
          if (typeof next !== 'string' || !sameOrigin(next, plan.endpoint)) throw new ListFailure(pagingReason(subscription, type, `nextLink is not a URL under ${plan.endpoint}`));
          if (next === token) throw new ListFailure(pagingReason(subscription, type, 'nextLink points at the page just read'));
          token = next;
        }
        // Only whole lists are emitted: part of one would let a missing Owner or a wildcard role pass unseen.
        for (const r of buffer) plan.emit(r);
      } catch (error) {
        plan.gap([type], error instanceof ListFailure ? error.reason : pagingReason(subscription, type, error instanceof Error ? error.message : String(error)));
      }
    }),
  );
}

/** One page through the SDK (a fresh iterator from the page's nextLink, so a retry re-reads that page), as ARM sent it. */
async function readPage(plan: AuthorizationPlan, operation: string, list: Lister, token: string | undefined, type: string): Promise<Json> {
  const result = await plan.call(operation, async () => {
    // The body as ARM sent it: the SDK's deserializer flattens `properties` (and its parsedBody with it).
    let text: string | null | undefined;
    const pages = list({ abortSignal: plan.signal, onResponse: (response) => (text = response.bodyAsText) }).byPage(token === undefined ? undefined : { continuationToken: token });
    await pages.next();
    return JSON.parse(text ?? '') as unknown;
  });
  if (!result.ok) throw new ListFailure(authorizationGapReason(plan.subscription, type, result.error));
  return obj(result.value);
}

function sameOrigin(url: string, base: string): boolean {
  try {
    return new URL(url).origin === new URL(base).origin;
  } catch {
    return false;
  }
}
