/**
 * Entra ID identity settings from Microsoft Graph v1.0, read once per tenant when an enabled control needs
 * one of the `microsoft.graph.*` types (the Graph OData type names). It rides in the Azure collector —
 * same credential, tenant, retry and socket bound — because the registry has one collector per
 * configuration section and Graph answers for the tenant the ARM credential belongs to.
 *
 * Endpoints (Graph v1.0 reference, learn.microsoft.com/graph/api/…), each with the application permission
 * its page names as least privileged (collectors/azure/permissions.ts lists them for `kansa permissions`):
 * - identitysecuritydefaultsenforcementpolicy-get: GET /policies/identitySecurityDefaultsEnforcementPolicy
 *   → { id, displayName, isEnabled } (Policy.Read.All)
 * - conditionalaccessroot-list-policies: GET /identity/conditionalAccess/policies → value[] of
 *   conditionalAccessPolicy { state: enabled | disabled | enabledForReportingButNotEnforced, conditions.users
 *   { includeUsers ('All'), excludeUsers, includeRoles (role template ids), … }, conditions.applications
 *   { includeApplications ('All', app ids) }, grantControls { builtInControls ('mfa', 'block', …),
 *   authenticationStrength } } (Policy.Read.All; Conditional Access needs Entra ID P1)
 * - authenticationmethodsroot-list-userregistrationdetails: GET /reports/authenticationMethods/
 *   userRegistrationDetails → { id, userPrincipalName, userType, isAdmin, isMfaRegistered, isMfaCapable }
 *   (AuditLog.Read.All)
 * - directoryrole-list and directoryrole-list-members: GET /directoryRoles, then each role's members
 *   (RoleManagement.Read.Directory). Members are read per role rather than by $expand, which returns at most
 *   20 related objects.
 * - user-list: GET /users?$select=…,signInActivity (User.Read.All and AuditLog.Read.All); signInActivity
 *   needs Entra ID P1 or P2: a tenant without it answers 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant
 *   ("Neither tenant is B2C or tenant doesn't have premium license", microsoftgraph/microsoft-graph-docs#12772).
 *
 * Lists page by `@odata.nextLink` (an absolute URL, graph/paging). A refused or failed endpoint makes its type
 * a coverage gap with why (licence, permission, error), never an empty list; a nextLink that is not a URL
 * under the Graph endpoint, or a page without a `value` list, does the same. Only what a control or an auditor
 * needs is kept: object ids, user principal names, the flags the controls read and dates — no display names,
 * mail, phone numbers or registered method details.
 */
import { GLOBAL_REGION, type CollectionScope, type CoverageGap, type Resource } from '../../src/model/resource.js';
import type { Bilingual } from '../../src/model/text.js';
import type { AzureCallError } from './retry.js';

/** Resource types of this part: the Graph OData type names (none starts with `Microsoft.` as ARM's do, case aside). */
export const ENTRA_TYPES = {
  securityDefaults: 'microsoft.graph.identitySecurityDefaultsEnforcementPolicy',
  conditionalAccessPolicy: 'microsoft.graph.conditionalAccessPolicy',
  userRegistrationDetails: 'microsoft.graph.userRegistrationDetails',
  directoryRole: 'microsoft.graph.directoryRole',
  user: 'microsoft.graph.user',
} as const;

export function isEntraType(type: string): boolean {
  return /^microsoft\.graph\./i.test(type);
}

/** Global Administrator's role template id (learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference). */
export const GLOBAL_ADMINISTRATOR_TEMPLATE = '62e90394-69f5-4237-9190-012177145e10';

/** Bounds the pages followed per list (a nextLink loop must end). */
const MAX_PAGES = 1000;

export interface GraphClient {
  /** Graph v1.0 base URL (https://graph.microsoft.com/v1.0, a national cloud's, or the sandbox's). */
  readonly base: string;
  /** GET an absolute URL with a Graph token; a status ≥ 400 throws a RestError-shaped error (classified by retry.ts). */
  get(url: string, signal: AbortSignal): Promise<unknown>;
}

type Json = Record<string, unknown>;
type Call = (operation: string, fn: () => Promise<unknown>) => Promise<{ ok: true; value: unknown } | { ok: false; error: AzureCallError }>;

const pick = (item: Json, keys: readonly string[]): Json => Object.fromEntries(keys.filter((k) => k in item).map((k) => [k, item[k]]));
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

/** What is kept of each object (privacy: ids, UPNs, the flags read, dates). */
const KEEP = {
  securityDefaults: (p: Json): Json => pick(p, ['id', 'isEnabled']),
  conditionalAccessPolicy: (p: Json): Json => {
    const conditions = obj(p.conditions);
    // Nulls (no grant controls, no authentication strength) are left out: controls read absence with `.?`.
    const grant = p.grantControls === null || p.grantControls === undefined ? undefined : obj(p.grantControls);
    const strength = grant?.authenticationStrength === undefined || grant.authenticationStrength === null ? undefined : pick(obj(grant.authenticationStrength), ['id', 'displayName']);
    return {
      ...pick(p, ['id', 'displayName', 'state']),
      conditions: {
        users: pick(obj(conditions.users), ['includeUsers', 'excludeUsers', 'includeGroups', 'excludeGroups', 'includeRoles', 'excludeRoles']),
        applications: pick(obj(conditions.applications), ['includeApplications', 'excludeApplications']),
      },
      ...(grant === undefined ? {} : { grantControls: { ...pick(grant, ['operator', 'builtInControls']), ...(strength === undefined ? {} : { authenticationStrength: strength }) } }),
    };
  },
  userRegistrationDetails: (p: Json): Json => pick(p, ['id', 'userPrincipalName', 'userType', 'isAdmin', 'isMfaRegistered', 'isMfaCapable']),
  directoryRoleMember: (p: Json): Json => pick(p, ['@odata.type', 'id', 'userPrincipalName', 'userType']),
  user: (p: Json, capturedAt: string): Json => {
    if (!('signInActivity' in p)) return pick(p, ['id', 'userPrincipalName', 'userType', 'accountEnabled', 'createdDateTime']);
    const activity = p.signInActivity === null ? null : pick(obj(p.signInActivity), ['lastSignInDateTime', 'lastNonInteractiveSignInDateTime', 'lastSuccessfulSignInDateTime']);
    const idle = idleDaysAtCapture(activity, p.createdDateTime, capturedAt);
    return { ...pick(p, ['id', 'userPrincipalName', 'userType', 'accountEnabled', 'createdDateTime']), signInActivity: activity, ...(idle === undefined ? {} : { idleDaysAtCapture: idle }) };
  },
};

/**
 * Whole days from the last sign-in (interactive or not), or from creation when there was none, to when kansa
 * read the account: a reading of the payload at its capture time (controls stay pure and need no clock).
 * Undefined when the dates are not readable.
 */
export function idleDaysAtCapture(activity: Json | null, created: unknown, capturedAt: string): number | undefined {
  const times = activity === null ? [] : [activity.lastSignInDateTime, activity.lastNonInteractiveSignInDateTime].filter((t): t is string => typeof t === 'string').map((t) => Date.parse(t));
  if (times.some((t) => Number.isNaN(t))) return undefined;
  const since = times.length > 0 ? Math.max(...times) : typeof created === 'string' ? Date.parse(created) : Number.NaN;
  const at = Date.parse(capturedAt);
  if (Number.isNaN(since) || Number.isNaN(at)) return undefined;
  return Math.floor((at - since) / 86_400_000);
}

const LICENCE_CODES: readonly string[] = ['Authentication_RequestFromNonPremiumTenantOrB2CTenant'];

/** Why a type is not covered, from the Graph error of its endpoint. */
export function graphGapReason(what: string, permission: string, error: AzureCallError): Bilingual {
  if (LICENCE_CODES.includes(error.code)) {
    return {
      en: `Microsoft Graph refused ${what} (${error.code}: the tenant has no Entra ID P1/P2 licence): these settings cannot be read, so they are not judged`,
      ja: `Microsoft Graph が ${what} の取得を拒否しました（${error.code}: テナントに Entra ID P1/P2 ライセンスがありません）。この設定は読み取れないため判定できません`,
    };
  }
  if (error.status === 403 || error.status === 401) {
    return {
      en: `Microsoft Graph refused ${what} (${error.code}: ${error.message}); grant kansa's application the Graph permission ${permission} with admin consent`,
      ja: `Microsoft Graph が ${what} の取得を拒否しました（${error.code}）。kansa のアプリケーションに Graph のアプリケーション権限 ${permission} を付与し、管理者の同意を与えてください`,
    };
  }
  return { en: `Microsoft Graph ${what} could not be read (${error.code}: ${error.message})`, ja: `Microsoft Graph の ${what} を取得できませんでした（${error.code}）` };
}

function pagingReason(what: string, why: string): Bilingual {
  return {
    en: `Microsoft Graph ${what}: ${why}; the list may be incomplete, so it proves nothing`,
    ja: `Microsoft Graph の ${what}: ${why}。一覧が不完全な可能性があるため、証拠になりません`,
  };
}

class ListFailure extends Error {
  constructor(readonly reason: Bilingual) {
    super(reason.en);
  }
}

function sameOrigin(url: string, base: string): boolean {
  try {
    const u = new URL(url);
    const b = new URL(base);
    return u.origin === b.origin && u.pathname.startsWith(b.pathname);
  } catch {
    return false;
  }
}

export interface EntraPlan {
  readonly tenant: string;
  readonly types: readonly string[];
  readonly graph: GraphClient;
  readonly call: Call;
  readonly capturedAt: () => string;
  readonly emit: (resource: Resource) => void;
  readonly signal: AbortSignal;
}

/** Reads what the wanted types need and returns the tenant's scope (types covered, gaps with why). */
export async function collectEntra(plan: EntraPlan): Promise<CollectionScope> {
  const { tenant, graph, call } = plan;
  const gaps = new Map<string, Bilingual>();
  const wanted = (type: string): boolean => plan.types.includes(type);
  const resource = (type: string, path: string, name: string, configuration: Json): Resource => ({
    provider: 'azure',
    account: tenant,
    region: GLOBAL_REGION,
    type,
    id: `/tenants/${tenant}/${path}`,
    name,
    arn: `/tenants/${tenant}/${path}`,
    tags: {},
    configuration,
    supplementary: {},
    relationships: [],
    capturedAt: plan.capturedAt(),
  });

  /** Every page of a list; a failure or inconsistent paging throws ListFailure with the gap's reason. */
  const list = async (operation: string, what: string, permission: string, first: string, onItem: (item: Json) => void): Promise<void> => {
    let url: string | undefined = first;
    for (let pages = 0; url !== undefined; pages++) {
      if (pages >= MAX_PAGES) throw new ListFailure(pagingReason(what, `still an @odata.nextLink after ${pages} pages`));
      const next: string = url;
      const page = await call(operation, () => graph.get(next, plan.signal));
      if (!page.ok) throw new ListFailure(graphGapReason(what, permission, page.error));
      const body = obj(page.value);
      if (!Array.isArray(body.value)) throw new ListFailure(pagingReason(what, 'a page has no `value` list'));
      for (const item of body.value) onItem(obj(item));
      const link = body['@odata.nextLink'];
      if (link === undefined || link === null) url = undefined;
      else if (typeof link !== 'string' || !sameOrigin(link, graph.base)) throw new ListFailure(pagingReason(what, `@odata.nextLink is not a URL under ${graph.base}`));
      else if (link === next) throw new ListFailure(pagingReason(what, '@odata.nextLink points at the page just read'));
      else url = link;
    }
  };
  /** Runs the reads of `types` and emits their resources only when all succeeded; a failure leaves the types gaps. */
  const complete = async (types: readonly string[], run: (buffer: Resource[]) => Promise<void>): Promise<void> => {
    const buffer: Resource[] = [];
    try {
      await run(buffer);
      // Only whole lists are emitted: part of one would let a missing admin pass unseen.
      for (const r of buffer) plan.emit(r);
    } catch (error) {
      const reason = error instanceof ListFailure ? error.reason : pagingReason(types.join(', '), error instanceof Error ? error.message : String(error));
      for (const t of types) gaps.set(t, reason);
    }
  };

  const jobs: Promise<void>[] = [];
  if (wanted(ENTRA_TYPES.securityDefaults)) {
    jobs.push(
      complete([ENTRA_TYPES.securityDefaults], async (buffer) => {
        const result = await call('GetSecurityDefaultsPolicy', () => graph.get(`${graph.base}/policies/identitySecurityDefaultsEnforcementPolicy`, plan.signal));
        if (!result.ok) throw new ListFailure(graphGapReason('the security defaults policy', 'Policy.Read.All', result.error));
        const policy = obj(result.value);
        buffer.push(resource(ENTRA_TYPES.securityDefaults, 'policies/identitySecurityDefaultsEnforcementPolicy', 'security defaults', KEEP.securityDefaults(policy)));
      }),
    );
  }
  if (wanted(ENTRA_TYPES.conditionalAccessPolicy)) {
    jobs.push(
      complete([ENTRA_TYPES.conditionalAccessPolicy], (buffer) =>
        list('ListConditionalAccessPolicies', 'Conditional Access policies', 'Policy.Read.All', `${graph.base}/identity/conditionalAccess/policies`, (p) => {
          buffer.push(resource(ENTRA_TYPES.conditionalAccessPolicy, `conditionalAccessPolicies/${String(p.id)}`, String(p.displayName ?? p.id), KEEP.conditionalAccessPolicy(p)));
        }),
      ),
    );
  }
  if (wanted(ENTRA_TYPES.userRegistrationDetails)) {
    jobs.push(
      complete([ENTRA_TYPES.userRegistrationDetails], (buffer) =>
        list('ListUserRegistrationDetails', 'authentication method registration (userRegistrationDetails)', 'AuditLog.Read.All', `${graph.base}/reports/authenticationMethods/userRegistrationDetails`, (u) => {
          buffer.push(resource(ENTRA_TYPES.userRegistrationDetails, `userRegistrationDetails/${String(u.id)}`, String(u.userPrincipalName ?? u.id), KEEP.userRegistrationDetails(u)));
        }),
      ),
    );
  }
  if (wanted(ENTRA_TYPES.directoryRole)) {
    jobs.push(
      complete([ENTRA_TYPES.directoryRole], async (buffer) => {
        const roles: Json[] = [];
        await list('ListDirectoryRoles', 'directory roles', 'RoleManagement.Read.Directory', `${graph.base}/directoryRoles`, (r) => roles.push(r));
        for (const role of roles) {
          const members: Json[] = [];
          await list('ListDirectoryRoleMembers', `members of directory role ${String(role.displayName ?? role.id)}`, 'RoleManagement.Read.Directory', `${graph.base}/directoryRoles/${encodeURIComponent(String(role.id))}/members?$select=id,userPrincipalName,userType`, (m) => members.push(KEEP.directoryRoleMember(m)));
          buffer.push(resource(ENTRA_TYPES.directoryRole, `directoryRoles/${String(role.id)}`, String(role.displayName ?? role.id), { ...pick(role, ['id', 'displayName', 'roleTemplateId']), members }));
        }
      }),
    );
  }
  if (wanted(ENTRA_TYPES.user)) {
    jobs.push(
      complete([ENTRA_TYPES.user], (buffer) =>
        list('ListUsers', 'users with signInActivity', 'User.Read.All and AuditLog.Read.All', `${graph.base}/users?$select=id,userPrincipalName,userType,accountEnabled,createdDateTime,signInActivity`, (u) => {
          buffer.push(resource(ENTRA_TYPES.user, `users/${String(u.id)}`, String(u.userPrincipalName ?? u.id), KEEP.user(u, plan.capturedAt())));
        }),
      ),
    );
  }
  await Promise.all(jobs);
  const byReason = new Map<string, CoverageGap>();
  for (const [type, reason] of gaps) {
    const key = `${reason.en}\u0000${reason.ja}`;
    byReason.set(key, { types: [...(byReason.get(key)?.types ?? []), type].sort(), reason });
  }
  return {
    provider: 'azure',
    account: tenant,
    region: GLOBAL_REGION,
    types: plan.types.filter((t) => !gaps.has(t)),
    ...(byReason.size > 0 ? { gaps: [...byReason.values()] } : {}),
    outcome: { status: 'ok', collectedAt: plan.capturedAt() },
  };
}

/** The tenant's scope when Graph cannot be asked at all (no tenant known, no Graph client). */
export function entraUnavailableScope(tenant: string, types: readonly string[], reason: Bilingual, at: string): CollectionScope {
  return { provider: 'azure', account: tenant, region: GLOBAL_REGION, types: [], gaps: [{ types: [...types], reason }], outcome: { status: 'ok', collectedAt: at } };
}
