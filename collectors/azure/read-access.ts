/**
 * Whether the credential may read every resource of a type in a subscription. Resource Graph and ARM's
 * Resources - List leave out, without an error, the resources the caller cannot read ("without at least
 * read permissions to the Azure object or object group, results aren't returned",
 * learn.microsoft.com/azure/governance/resource-graph/overview): an empty or short answer proves nothing
 * unless a role at the subscription (or above) grants `<type>/read`.
 *
 * The check: the caller's object id from its access token (`oid`,
 * learn.microsoft.com/entra/identity-platform/access-token-claims-reference), its role assignments in the
 * subscription (`$filter=assignedTo('{oid}')`, which includes groups it belongs to), kept only where the
 * assignment's scope is the subscription, a management group or the root — a role on some resource groups
 * reads only those — and each assigned role's permissions: an action pattern (wildcards allowed,
 * case-insensitive) grants `<type>/read` unless a notAction of the same permission removes it (NotActions
 * are not a deny: another role may still grant it; learn.microsoft.com/azure/role-based-access-control/role-definitions).
 * Deny assignments (created by Azure Blueprints and managed applications) are not read; the README says so.
 */
import type { Bilingual } from '../../src/model/text.js';

export interface RolePermission {
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
}

/** The caller's object id from a JWT access token, or undefined when the token is not one (or has no `oid`). */
export function principalOfToken(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined || payload === '') return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    const oid = (claims as { oid?: unknown } | null)?.oid;
    return typeof oid === 'string' && /^[0-9a-f-]{36}$/i.test(oid) ? oid.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** The caller's tenant id from a JWT access token (`tid`), or undefined. */
export function tenantOfToken(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined || payload === '') return undefined;
  try {
    const tid = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { tid?: unknown } | null)?.tid;
    return typeof tid === 'string' && /^[0-9a-f-]{36}$/i.test(tid) ? tid.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** An Azure action pattern (`*` matches any run of characters) against an action, case-insensitively. */
export function actionMatches(pattern: string, action: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i').test(action);
}

/** True when some permission grants `<type>/read` without its own notActions taking it away. */
export function grantsRead(permissions: readonly RolePermission[], type: string): boolean {
  const action = `${type}/read`;
  return permissions.some((p) => p.actions.some((a) => actionMatches(a, action)) && !p.notActions.some((n) => actionMatches(n, action)));
}

/** An assignment whose scope covers the whole subscription: the subscription itself, a management group, or the root. */
export function coversSubscription(scope: string, subscription: string): boolean {
  const s = scope.replace(/\/+$/, '').toLowerCase();
  return s === '' || s === `/subscriptions/${subscription.toLowerCase()}` || /^\/providers\/microsoft\.management\/managementgroups\/[^/]+$/.test(s);
}

/** The role definition ids (as assigned) of the assignments covering the subscription; anything unreadable is an error. */
export function subscriptionWideRoles(body: unknown, subscription: string): { roles: string[] } | { error: string } {
  const value = (body as { value?: unknown } | null)?.value;
  if (!Array.isArray(value)) return { error: 'role assignments answer without a `value` list' };
  const roles = new Set<string>();
  for (const [i, entry] of value.entries()) {
    const properties = (entry as { properties?: { scope?: unknown; roleDefinitionId?: unknown } } | null)?.properties;
    if (typeof properties?.scope !== 'string' || typeof properties.roleDefinitionId !== 'string') return { error: `role assignment ${i} has no properties.scope or properties.roleDefinitionId` };
    if (coversSubscription(properties.scope, subscription)) roles.add(properties.roleDefinitionId);
  }
  return { roles: [...roles] };
}

/** A role definition's permissions; malformed → error. */
export function rolePermissions(body: unknown): { permissions: RolePermission[] } | { error: string } {
  const permissions = (body as { properties?: { permissions?: unknown } } | null)?.properties?.permissions;
  if (!Array.isArray(permissions)) return { error: 'role definition without properties.permissions' };
  const out: RolePermission[] = [];
  for (const p of permissions) {
    const { actions, notActions } = (p ?? {}) as { actions?: unknown; notActions?: unknown };
    const strings = (v: unknown): string[] | undefined => (v === undefined || v === null ? [] : Array.isArray(v) && v.every((x): x is string => typeof x === 'string') ? v : undefined);
    const a = strings(actions);
    const n = strings(notActions);
    if (!a || !n) return { error: 'role definition permission with non-string actions or notActions' };
    out.push({ actions: a, notActions: n });
  }
  return { permissions: out };
}

export function notReadableReason(subscription: string, type: string): Bilingual {
  return {
    en: `no role assigned to kansa's identity at subscription ${subscription} (or a management group above it) grants ${type}/read: Resource Graph and Resources - List leave out the resources it may not read without an error, so their absence proves nothing; assign the Reader role on the subscription`,
    ja: `サブスクリプション ${subscription}（またはその上位の管理グループ）で kansa の ID に割り当てられたロールに ${type}/read が含まれていません。Resource Graph とリソース一覧は読み取り権限のないリソースをエラーなしで省くため、見えないことは不存在の証明になりません。サブスクリプションに閲覧者 (Reader) ロールを割り当ててください`,
  };
}

export function accessUnknownReason(subscription: string, why: string): Bilingual {
  return {
    en: `could not check which resources kansa's identity may read in subscription ${subscription} (${why}); Resource Graph and Resources - List leave out unreadable resources without an error. Grant Microsoft.Authorization/roleAssignments/read and roleDefinitions/read (the Reader role has both)`,
    ja: `サブスクリプション ${subscription} で kansa の ID が読み取れるリソースを確認できませんでした（${why}）。Resource Graph とリソース一覧は読み取れないリソースをエラーなしで省きます。Microsoft.Authorization/roleAssignments/read と roleDefinitions/read（閲覧者ロールに含まれます）を付与してください`,
  };
}
