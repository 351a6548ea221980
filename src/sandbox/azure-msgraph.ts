/**
 * Microsoft Graph v1.0 for the sandbox tenant, under `/graph/v1.0` of the Azure HTTPS listener (the same
 * certificate and bearer token as ARM). Only the reads the Entra identity collector makes, in Graph's shapes:
 * - GET /policies/identitySecurityDefaultsEnforcementPolicy (identitysecuritydefaultsenforcementpolicy-get)
 * - GET /identity/conditionalAccess/policies (conditionalaccessroot-list-policies)
 * - GET /reports/authenticationMethods/userRegistrationDetails (authenticationmethodsroot-list-userregistrationdetails)
 * - GET /directoryRoles and /directoryRoles/{id}/members (directoryrole-list, directoryrole-list-members)
 * - GET /users with $select (user-list; signInActivity only when selected)
 * Lists page with an absolute `@odata.nextLink` carrying `$skiptoken` (learn.microsoft.com/graph/paging). Errors
 * are OData errors `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`
 * (learn.microsoft.com/graph/errors). `entraFreeTenant` answers as a tenant without Entra ID P1: signInActivity
 * and Conditional Access are refused with 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant, "Neither
 * tenant is B2C or tenant doesn't have premium license" (microsoftgraph/microsoft-graph-docs#12772, #14118).
 *
 * The tenant: six Global Administrators (CIS asks for fewer than five), one of them without MFA registered, a
 * User Administrator, a guest holding Security Reader, an unused and a never-used member account, a disabled
 * one; security defaults off and no enabled Conditional Access policy requiring MFA (the admin MFA policy is
 * report-only).
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { AzureEstate } from './estate/azure.js';
import type { FaultInjector } from './faults.js';
import { send, SandboxApiError } from './http.js';

type Json = Record<string, unknown>;

const DAY_MS = 86_400_000;
const DOMAIN = 'contoso.example';
export const SANDBOX_GLOBAL_ADMIN_TEMPLATE = '62e90394-69f5-4237-9190-012177145e10';
const SECURITY_READER_TEMPLATE = '5d6b6bb7-de71-4623-b4af-96380a352509';
const USER_ADMIN_TEMPLATE = 'fe930be7-5e62-47db-91af-98c3a49a38b1';

interface SandboxUser {
  readonly n: number;
  readonly upn: string;
  readonly displayName: string;
  readonly guest?: true;
  readonly disabled?: true;
  readonly roles: readonly string[];
  readonly mfa: boolean;
  /** Days since the last sign-in; null: never signed in. */
  readonly lastSignInDaysAgo: number | null;
  readonly createdDaysAgo: number;
}

const GA = SANDBOX_GLOBAL_ADMIN_TEMPLATE;
export const SANDBOX_USERS: readonly SandboxUser[] = [
  { n: 1, upn: `alice.admin@${DOMAIN}`, displayName: 'Alice Admin', roles: [GA], mfa: true, lastSignInDaysAgo: 1, createdDaysAgo: 900 },
  { n: 2, upn: `bob.admin@${DOMAIN}`, displayName: 'Bob Admin', roles: [GA], mfa: true, lastSignInDaysAgo: 2, createdDaysAgo: 800 },
  { n: 3, upn: `carol.admin@${DOMAIN}`, displayName: 'Carol Admin', roles: [GA], mfa: false, lastSignInDaysAgo: 5, createdDaysAgo: 700 },
  { n: 4, upn: `dave.admin@${DOMAIN}`, displayName: 'Dave Admin', roles: [GA], mfa: true, lastSignInDaysAgo: 3, createdDaysAgo: 600 },
  { n: 5, upn: `erin.admin@${DOMAIN}`, displayName: 'Erin Admin', roles: [GA], mfa: true, lastSignInDaysAgo: 10, createdDaysAgo: 500 },
  { n: 6, upn: `breakglass@${DOMAIN}`, displayName: 'Break Glass', roles: [GA], mfa: true, lastSignInDaysAgo: 30, createdDaysAgo: 1000 },
  { n: 7, upn: `frank@${DOMAIN}`, displayName: 'Frank', roles: [USER_ADMIN_TEMPLATE], mfa: true, lastSignInDaysAgo: 1, createdDaysAgo: 400 },
  { n: 8, upn: `grace@${DOMAIN}`, displayName: 'Grace', roles: [], mfa: false, lastSignInDaysAgo: 200, createdDaysAgo: 600 },
  { n: 9, upn: `heidi@${DOMAIN}`, displayName: 'Heidi', roles: [], mfa: true, lastSignInDaysAgo: 4, createdDaysAgo: 300 },
  { n: 10, upn: `vendor_partner.example#EXT#@contoso.onmicrosoft.com`, displayName: 'Vendor', guest: true, roles: [SECURITY_READER_TEMPLATE], mfa: false, lastSignInDaysAgo: 20, createdDaysAgo: 100 },
  { n: 11, upn: `auditor_audit.example#EXT#@contoso.onmicrosoft.com`, displayName: 'Auditor', guest: true, roles: [], mfa: true, lastSignInDaysAgo: 15, createdDaysAgo: 50 },
  { n: 12, upn: `ivan@${DOMAIN}`, displayName: 'Ivan', disabled: true, roles: [], mfa: false, lastSignInDaysAgo: 400, createdDaysAgo: 900 },
  { n: 13, upn: `judy@${DOMAIN}`, displayName: 'Judy', roles: [], mfa: false, lastSignInDaysAgo: null, createdDaysAgo: 200 },
];

export const SANDBOX_DIRECTORY_ROLES: readonly { templateId: string; displayName: string }[] = [
  { templateId: GA, displayName: 'Global Administrator' },
  { templateId: USER_ADMIN_TEMPLATE, displayName: 'User Administrator' },
  { templateId: SECURITY_READER_TEMPLATE, displayName: 'Security Reader' },
];

const uuid = (kind: number, n: number): string => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
export const sandboxUserId = (n: number): string => uuid(0xe1, n);
const roleId = (i: number): string => uuid(0xe2, i + 1);

/** The sandbox tenant's identity objects, dated relative to the sandbox's clock (its Date header). */
function users(now: number, select: readonly string[] | undefined): Json[] {
  return SANDBOX_USERS.map((u) => {
    const signIn = u.lastSignInDaysAgo === null ? null : new Date(now - u.lastSignInDaysAgo * DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const full: Json = {
      id: sandboxUserId(u.n),
      displayName: u.displayName,
      userPrincipalName: u.upn,
      mail: u.guest ? u.upn.split('#EXT#')[0]!.replace('_', '@') : u.upn,
      userType: u.guest ? 'Guest' : 'Member',
      accountEnabled: !u.disabled,
      createdDateTime: new Date(now - u.createdDaysAgo * DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      signInActivity: { lastSignInDateTime: signIn, lastSignInRequestId: signIn ? randomUUID() : null, lastNonInteractiveSignInDateTime: signIn, lastNonInteractiveSignInRequestId: null, lastSuccessfulSignInDateTime: signIn, lastSuccessfulSignInRequestId: null },
    };
    // Without $select, v1.0 returns the default property set, which has no signInActivity.
    const keys = select ?? ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id'];
    return Object.fromEntries(keys.map((k) => [k, full[k] ?? null]));
  });
}

function registrationDetails(now: number): Json[] {
  return SANDBOX_USERS.map((u) => ({
    id: sandboxUserId(u.n),
    userPrincipalName: u.upn,
    userDisplayName: u.displayName,
    userType: u.guest ? 'guest' : 'member',
    isAdmin: u.roles.length > 0,
    isSsprRegistered: u.mfa,
    isSsprEnabled: false,
    isSsprCapable: false,
    isMfaRegistered: u.mfa,
    isMfaCapable: u.mfa && !u.disabled,
    isPasswordlessCapable: false,
    methodsRegistered: u.mfa ? ['microsoftAuthenticatorPush', 'softwareOneTimePasscode'] : [],
    isSystemPreferredAuthenticationMethodEnabled: true,
    systemPreferredAuthenticationMethods: u.mfa ? ['push'] : [],
    userPreferredMethodForSecondaryAuthentication: u.mfa ? 'push' : 'none',
    lastUpdatedDateTime: new Date(now - DAY_MS).toISOString(),
  }));
}

export const SANDBOX_CA_POLICIES: readonly Json[] = [
  {
    id: uuid(0xe3, 1),
    templateId: null,
    displayName: 'Require MFA for administrators',
    createdDateTime: '2025-04-01T09:00:00Z',
    modifiedDateTime: '2025-04-02T09:00:00Z',
    state: 'enabledForReportingButNotEnforced',
    sessionControls: null,
    conditions: {
      userRiskLevels: [],
      signInRiskLevels: [],
      clientAppTypes: ['all'],
      platforms: null,
      locations: null,
      applications: { includeApplications: ['All'], excludeApplications: [], includeUserActions: [] },
      users: { includeUsers: [], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [GA], excludeRoles: [] },
    },
    grantControls: { operator: 'OR', builtInControls: ['mfa'], customAuthenticationFactors: [], termsOfUse: [], authenticationStrength: null },
  },
  {
    id: uuid(0xe3, 2),
    templateId: null,
    displayName: 'Block legacy authentication',
    createdDateTime: '2025-04-01T09:00:00Z',
    modifiedDateTime: '2025-04-01T09:00:00Z',
    state: 'enabled',
    sessionControls: null,
    conditions: {
      userRiskLevels: [],
      signInRiskLevels: [],
      clientAppTypes: ['exchangeActiveSync', 'other'],
      platforms: null,
      locations: null,
      applications: { includeApplications: ['All'], excludeApplications: [], includeUserActions: [] },
      users: { includeUsers: ['All'], excludeUsers: [sandboxUserId(6)], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [] },
    },
    grantControls: { operator: 'OR', builtInControls: ['block'], customAuthenticationFactors: [], termsOfUse: [], authenticationStrength: null },
  },
];

function licenceError(): SandboxApiError {
  return new SandboxApiError(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', "Neither tenant is B2C or tenant doesn't have premium license");
}

export class MicrosoftGraphHandler {
  /** Set once the listener knows its port: nextLinks are absolute. */
  origin = '';

  constructor(
    private readonly estate: AzureEstate,
    private readonly faults: FaultInjector,
  ) {}

  /** The operation name (for the call log) and the JSON answer of one GET under /graph/v1.0; throws SandboxApiError. */
  route(method: string, url: URL): { operation: string; run: () => Json } {
    const path = url.pathname.replace(/^\/graph\/v1\.0/, '').replace(/\/+$/, '');
    if (method !== 'GET') throw new SandboxApiError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    // Dates count back from the start of the sandbox's UTC day, so two reads the same day see the same objects.
    const now = Math.floor(this.faults.date().getTime() / DAY_MS) * DAY_MS;
    const select = url.searchParams.get('$select')?.split(',').map((s) => s.trim()).filter(Boolean);
    if (path === '/policies/identitySecurityDefaultsEnforcementPolicy') {
      return {
        operation: 'GetSecurityDefaultsPolicy',
        run: () => ({ '@odata.context': `${this.origin}/graph/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy/$entity`, id: '00000000-0000-0000-0000-000000000005', displayName: 'Security Defaults', description: 'Security defaults is a set of basic identity security mechanisms recommended by Microsoft.', isEnabled: false }),
      };
    }
    if (path === '/identity/conditionalAccess/policies') {
      return {
        operation: 'ListConditionalAccessPolicies',
        run: () => {
          if (this.estate.entraFreeTenant) throw licenceError();
          return this.page(url, 'identity/conditionalAccess/policies', SANDBOX_CA_POLICIES);
        },
      };
    }
    if (path === '/reports/authenticationMethods/userRegistrationDetails') {
      return { operation: 'ListUserRegistrationDetails', run: () => this.page(url, 'reports/authenticationMethods/userRegistrationDetails', registrationDetails(now)) };
    }
    if (path === '/users') {
      return {
        operation: 'ListUsers',
        run: () => {
          if (select?.includes('signInActivity') && this.estate.entraFreeTenant) throw licenceError();
          return this.page(url, 'users', users(now, select));
        },
      };
    }
    if (path === '/directoryRoles') {
      return { operation: 'ListDirectoryRoles', run: () => this.page(url, 'directoryRoles', SANDBOX_DIRECTORY_ROLES.map((r, i) => ({ id: roleId(i), deletedDateTime: null, description: r.displayName, displayName: r.displayName, roleTemplateId: r.templateId }))) };
    }
    const m = /^\/directoryRoles\/([^/]+)\/members$/.exec(path);
    if (m) {
      const index = SANDBOX_DIRECTORY_ROLES.findIndex((_, i) => roleId(i) === decodeURIComponent(m[1]!));
      if (index < 0) throw new SandboxApiError(404, 'Request_ResourceNotFound', `Resource '${m[1]}' does not exist or one of its queried reference-property objects are not present.`);
      const template = SANDBOX_DIRECTORY_ROLES[index]!.templateId;
      const members = users(now, ['id', 'displayName', 'userPrincipalName', 'userType', 'mail']).filter((_, i) => SANDBOX_USERS[i]!.roles.includes(template));
      const shaped = members.map((u) => ({ '@odata.type': '#microsoft.graph.user', ...(select ? Object.fromEntries(select.map((k) => [k, u[k] ?? null])) : u) }));
      return { operation: 'ListDirectoryRoleMembers', run: () => this.page(url, `directoryRoles('${m[1]}')/members`, shaped) };
    }
    throw new SandboxApiError(400, 'BadRequest', `Resource not found for the segment '${path.split('/').filter(Boolean)[0] ?? ''}'.`);
  }

  /** One page of a list: `$skiptoken` is the offset (opaque to clients), the next page's link is absolute. */
  private page(url: URL, context: string, items: readonly Json[]): Json {
    const token = url.searchParams.get('$skiptoken');
    const offset = token === null ? 0 : Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10);
    if (!Number.isSafeInteger(offset) || offset < 0) throw new SandboxApiError(400, 'Request_BadRequest', 'Invalid paging token.');
    const size = this.estate.graphPageSize;
    const value = items.slice(offset, offset + size);
    const next = new URL(url.toString());
    next.searchParams.set('$skiptoken', Buffer.from(String(offset + size), 'utf8').toString('base64url'));
    return { '@odata.context': `${this.origin}/graph/v1.0/$metadata#${context}`, value, ...(offset + size < items.length ? { '@odata.nextLink': `${this.origin}${next.pathname}${next.search}` } : {}) };
  }

  /** Writes an OData error as Graph does. */
  static sendError(res: ServerResponse, headers: Record<string, string>, error: SandboxApiError, date: Date): void {
    const requestId = headers['request-id'] ?? randomUUID();
    send(res, error.status, { ...headers, ...error.headers }, JSON.stringify({ error: { code: error.code, message: error.message, innerError: { date: date.toISOString().replace(/\.\d{3}Z$/, ''), 'request-id': requestId, 'client-request-id': requestId } } }));
  }
}
