/**
 * Azure Resource Manager over HTTPS, enough for the unmodified `@azure/arm-resources` and
 * `@azure/arm-resourcegraph` clients: subscription list, `resources.list` (no properties, absolute
 * `nextLink`), GET by id with a per-type api-version, the child settings a collector reads
 * (diagnostic settings, SQL auditing, TDE and long-term retention, blob service properties, flexible-server
 * parameters), Azure Backup's vault lists and Defender's assessments list (azure-backup-security.ts) and the Resource Graph
 * `resources` query for the fixed query shape the collector sends.
 *
 * Identity: `Authorization: Bearer <AZURE_SANDBOX_TOKEN>`; the caller for fault decisions is the
 * subscription in the path (Resource Graph: each requested subscription). Read-only: any other method
 * is recorded (and shows up in writeOperations) and refused.
 *
 * Scope truth knobs (AzureEstateOptions): hidden subscriptions are ones the credential holds no role on.
 * Subscriptions List leaves them out, ARM answers 403 AuthorizationFailed on any call under them (the
 * RBAC error: "…does not have authorization to perform action '…' over scope '/subscriptions/…' or the
 * scope is invalid", learn.microsoft.com/azure/role-based-access-control/troubleshooting), and Resource
 * Graph silently drops their rows ("without at least read permissions to the Azure object or object
 * group, results aren't returned", learn.microsoft.com/azure/governance/resource-graph/overview).
 * `graphTruncated` answers as Resource Graph does when paging is not possible: `resultTruncated: true`,
 * `count` < `totalRecords` and no `$skipToken` (learn.microsoft.com/azure/governance/resource-graph/concepts/paging-results).
 * `unreadableTypes`: the role lacks `<type>/read` for them. Resource Graph leaves those rows out without an
 * error (overview, as above); an ARM GET of one answers 403 AuthorizationFailed naming the action. The sandbox
 * still lists them in `resources.list`, which is authorized by Microsoft.Resources/subscriptions/resources/read.
 * Resource Graph request parsing, paging and the per-user quota: src/sandbox/azure-graph.ts.
 *
 * Subscriptions - List (learn.microsoft.com/rest/api/resources/subscriptions/list): `value` and a `nextLink`
 * to the next page; each entry has a `state` (Enabled, Warned, PastDue, Disabled, Deleted). How each state
 * answers: SUBSCRIPTION_STATES in estate/azure.ts. A Deleted subscription is listed with its state; every
 * ARM call under it answers 404 SubscriptionNotFound (no operation is available) and Resource Graph has no
 * rows of it (its resources are deleted with it).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallLog } from './calls.js';
import { decodeSkipToken, encodeSkipToken, GraphQuota, pageable, parseGraphRequest, QUOTA_REMAINING_HEADER, QUOTA_RESETS_AFTER_HEADER, formatResetsAfter, shapeRows, type GraphRequest } from './azure-graph.js';
import { AZURE_API_VERSIONS, AZURE_SANDBOX_TENANT, KEY_VAULT, RECOVERY_VAULT, NETWORK_WATCHER, SECURITY_PRICINGS_API_VERSION, SERVER_PARAMETER_API_VERSIONS, SQL_DATABASE, SQL_SERVER, STORAGE_ACCOUNT, type ArmResource, type AzureCell, type AzureEstate } from './estate/azure.js';
import type { FaultDecision, FaultInjector } from './faults.js';
import { send, sleep, type ProviderHandler, SandboxApiError } from './http.js';
import { unitHash } from './estate/random.js';
import { MicrosoftGraphHandler } from './azure-msgraph.js';
import { ASSESSMENT_TYPE, AzureTableRows, BACKUP_POLICY_TYPE, GRAPH_TABLES, PROTECTED_ITEM_TYPE } from './estate/azure-tables.js';
import { ASSESSMENTS_API_VERSIONS, listAssessments, listBackupPolicies, listBackupProtectedItems, RECOVERY_SERVICES_BACKUP_API_VERSIONS } from './azure-backup-security.js';
import { AZURE_SANDBOX_PRINCIPAL, CLASSIC_ADMIN_API_VERSIONS, listClassicAdministrators, listRoleAssignments, listRoleDefinitions, roleDefinition, ROLE_API_VERSIONS, sandboxAccessToken } from './azure-rbac.js';

/** The bearer token the sandbox accepts: JWT-shaped, naming the caller (azure-rbac.ts). */
export const AZURE_SANDBOX_TOKEN = sandboxAccessToken(AZURE_SANDBOX_TENANT);
/** ARM `resources.list` pages hold at most 1,000 entries. */
export const ARM_LIST_MAX_PAGE = 1000;
export { RESOURCE_GRAPH_MAX_PAGE, RESOURCE_GRAPH_DEFAULT_PAGE } from './azure-graph.js';
/** Share of malformed Resource Graph rows that also lose their `type`: rows no reader can place. */
export const UNREADABLE_SHARE_OF_MALFORMED = 0.25;
export const RESOURCE_GRAPH_API_VERSIONS: ReadonlySet<string> = new Set(['2021-03-01', '2022-10-01', '2024-04-01']);
export const DIAGNOSTIC_SETTINGS_API_VERSIONS: ReadonlySet<string> = new Set(['2017-05-01-preview', '2021-05-01-preview']);
export const SQL_CHILD_API_VERSIONS: ReadonlySet<string> = new Set(['2021-11-01', '2023-08-01']);
export const STORAGE_CHILD_API_VERSIONS: ReadonlySet<string> = new Set(['2023-01-01', '2023-05-01']);
const SUBSCRIPTIONS_API_VERSIONS: ReadonlySet<string> = new Set(['2020-01-01', '2022-12-01']);
const RESOURCES_API_VERSIONS: ReadonlySet<string> = new Set(['2021-04-01', '2022-09-01', '2024-03-01', '2025-04-01']);

type Json = Record<string, unknown>;


interface Route {
  readonly operation: string;
  readonly subscriptions: readonly string[];
  readonly run: () => Json;
  /** A Resource Graph query: spends quota and carries the quota headers. */
  readonly graph?: boolean;
}

export class AzureArmHandler implements ProviderHandler {
  readonly provider = 'azure' as const;
  /** Set once the HTTPS listener knows its port: nextLink is absolute. */
  origin = '';
  private readonly quota: GraphQuota | undefined;
  private readonly msgraph: MicrosoftGraphHandler;
  private readonly tables: AzureTableRows;

  constructor(
    private readonly estate: AzureEstate,
    private readonly faults: FaultInjector,
    private readonly calls: CallLog,
  ) {
    this.quota = estate.graphQuota ? new GraphQuota(estate.graphQuota, estate.clock) : undefined;
    this.msgraph = new MicrosoftGraphHandler(estate, faults);
    this.tables = new AzureTableRows(estate);
  }

  matches(): boolean {
    return true;
  }

  /** Set once the HTTPS listener knows its port (nextLinks of both ARM and Graph are absolute). */
  setOrigin(origin: string): void {
    this.origin = origin;
    this.msgraph.origin = origin;
  }

  /** Microsoft Graph under /graph/v1.0 (azure-msgraph.ts): same token and faults, OData errors. */
  private handleGraph(req: IncomingMessage, url: URL, res: ServerResponse): void {
    const date = this.faults.date();
    const requestId = randomUUID();
    const headers: Record<string, string> = { 'Content-Type': 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8', Date: date.toUTCString(), 'request-id': requestId, 'client-request-id': requestId };
    let operation = 'Graph';
    try {
      if (req.headers.authorization !== `Bearer ${AZURE_SANDBOX_TOKEN}`) {
        throw new SandboxApiError(401, 'InvalidAuthenticationToken', req.headers.authorization ? 'Access token validation failure. Invalid audience.' : 'Access token is empty.');
      }
      const route = this.msgraph.route(req.method ?? 'GET', url);
      operation = route.operation;
      const decision = this.faults.decide(AZURE_SANDBOX_TENANT);
      if (decision.kind === 'accessDenied') throw new SandboxApiError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
      // Graph's throttling answers 429 with Retry-After (learn.microsoft.com/graph/throttling).
      if (decision.kind === 'throttle') throw new SandboxApiError(429, 'TooManyRequests', 'Too many requests.', { 'Retry-After': String(decision.retryAfterSeconds ?? 1) });
      if (decision.kind === 'serverError') throw new SandboxApiError(decision.status === 500 ? 500 : 503, decision.status === 500 ? 'InternalServerError' : 'ServiceUnavailable', 'The service is temporarily unavailable.');
      const text = JSON.stringify(route.run());
      this.calls.record({ provider: 'azure', operation, account: AZURE_SANDBOX_TENANT, region: '', status: 200 });
      const truncated = this.faults.truncate();
      send(res, 200, headers, text, truncated ? Math.floor(text.length / 2) : undefined);
    } catch (error) {
      const e = error instanceof SandboxApiError ? error : new SandboxApiError(500, 'InternalServerError', 'sandbox internal error');
      this.calls.record({ provider: 'azure', operation, account: AZURE_SANDBOX_TENANT, region: '', status: e.status, error: e.code });
      MicrosoftGraphHandler.sendError(res, headers, e, date);
    }
  }

  async handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://sandbox.invalid');
    if (url.pathname.startsWith('/graph/')) {
      await sleep(this.faults.latencyMs());
      this.handleGraph(req, url, res);
      return;
    }
    const method = req.method ?? 'GET';
    let operation = `${method === 'GET' ? 'Get' : method.charAt(0) + method.slice(1).toLowerCase()}${url.pathname.split('/').filter(Boolean).at(-1) ?? ''}`;
    let subscription = /^\/subscriptions\/([^/]+)/i.exec(url.pathname)?.[1]?.toLowerCase() ?? '';
    await sleep(this.faults.latencyMs());
    const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', Date: this.faults.date().toUTCString(), 'x-ms-request-id': randomUUID(), 'x-ms-correlation-request-id': randomUUID() };
    try {
      if (req.headers.authorization !== `Bearer ${AZURE_SANDBOX_TOKEN}`) {
        throw new SandboxApiError(401, req.headers.authorization ? 'InvalidAuthenticationToken' : 'AuthenticationFailed', req.headers.authorization ? 'The access token is invalid.' : "Authentication failed. The 'Authorization' header is missing.");
      }
      const route = this.route(method, url, body);
      operation = route.operation;
      subscription = route.subscriptions[0] ?? subscription;
      if (route.graph && this.quota) {
        const decision = this.quota.take();
        Object.assign(headers, decision.headers);
        if (!decision.allowed) throw new SandboxApiError(429, 'RateLimiting', 'Please provide below info when asking for support: client application has been throttled.');
      }
      for (const s of route.subscriptions.length > 0 ? route.subscriptions : ['']) {
        // Resource Graph is throttled by its per-user quota above, not by ARM's per-subscription read bucket
        // (resource-graph/concepts/guidance-for-throttled-requests: "Resource Graph allocates a quota number for
        // each user based on a time window"); ARM's bucket is per subscription and principal (one principal here).
        const decision = this.faults.decide(s, route.graph ? null : s);
        // ARM's answer to its own read limit says when to come back: "The response includes a Retry-After value"
        // (azure-resource-manager/management/request-limits-and-throttling); here, when the bucket has a token again.
        const armLimit = decision.kind === 'throttle' && decision.cause === 'rateLimit' && !route.graph && decision.retryAfterSeconds === undefined;
        if (decision.kind !== 'none') throw faultError(armLimit ? { ...decision, retryAfterSeconds: this.faults.secondsUntilToken(s) } : decision, s, operation, this.quota);
      }
      const payload = route.run();
      const text = JSON.stringify(payload);
      const truncated = this.faults.truncate();
      headers['x-ms-ratelimit-remaining-subscription-reads'] = '11999';
      this.calls.record({ provider: 'azure', operation, account: subscription, region: '', status: 200 });
      send(res, 200, headers, text, truncated ? Math.floor(text.length / 2) : undefined);
    } catch (error) {
      const e = error instanceof SandboxApiError ? error : new SandboxApiError(500, 'InternalServerError', 'sandbox internal error');
      this.calls.record({ provider: 'azure', operation, account: subscription, region: '', status: e.status, error: e.code });
      send(res, e.status, { ...headers, ...e.headers }, JSON.stringify({ error: { code: e.code, message: e.message } }));
    }
  }

  private route(method: string, url: URL, body: Buffer): Route {
    const path = url.pathname.replace(/\/+$/, '');
    const apiVersion = url.searchParams.get('api-version') ?? '';
    const requireVersion = (accepted: ReadonlySet<string> | string, what: string): void => {
      const ok = typeof accepted === 'string' ? apiVersion === accepted : accepted.has(apiVersion);
      if (apiVersion === '') throw new SandboxApiError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
      if (!ok) throw new SandboxApiError(400, 'NoRegisteredProviderFound', `No registered resource provider found for location and API version '${apiVersion}' for type '${what}'. The supported api-versions are '${typeof accepted === 'string' ? accepted : [...accepted].join(', ')}'.`);
    };
    if (method === 'POST' && /^\/providers\/Microsoft\.ResourceGraph\/resources$/i.test(path)) {
      requireVersion(RESOURCE_GRAPH_API_VERSIONS, 'resources');
      const request = parseGraphRequest(body);
      if (this.estate.resourceGraphDenied) throw authorizationFailed('Microsoft.ResourceGraph/resources/read', `/subscriptions/${request.subscriptions[0] ?? ''}`);
      return { operation: 'ListResourceGraphResources', subscriptions: request.subscriptions, run: () => this.graph(request), graph: true };
    }
    // Anything but GET (and the Resource Graph POST) is a write: refused, and logged as one.
    if (method !== 'GET') throw new SandboxApiError(403, 'ReadOnlySandbox', `the sandbox is read-only: ${method} ${path}`);
    if (path === '/subscriptions') {
      requireVersion(SUBSCRIPTIONS_API_VERSIONS, 'subscriptions');
      return { operation: 'ListSubscriptions', subscriptions: [], run: () => this.listSubscriptions(url) };
    }
    let m = /^\/subscriptions\/([^/]+)$/i.exec(path);
    if (m) {
      // Subscriptions - Get (learn.microsoft.com/rest/api/resources/subscriptions/get).
      requireVersion(SUBSCRIPTIONS_API_VERSIONS, 'subscriptions');
      const subscription = this.subscription(m[1] ?? '', 'Microsoft.Resources/subscriptions/read');
      const index = this.estate.subscriptions.indexOf(subscription);
      return { operation: 'GetSubscription', subscriptions: [subscription], run: () => ({ id: `/subscriptions/${subscription}`, subscriptionId: subscription, tenantId: AZURE_SANDBOX_TENANT, displayName: `kansa-sandbox-${index + 1}`, state: this.estate.stateOf(subscription), authorizationSource: 'RoleBased', subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'EnterpriseAgreement_2014-09-01', spendingLimit: 'Off' } }) };
    }
    m = /^\/subscriptions\/([^/]+)\/resources$/i.exec(path);
    if (m) {
      requireVersion(RESOURCES_API_VERSIONS, 'resources');
      const subscription = this.subscription(m[1] ?? '', 'Microsoft.Resources/subscriptions/resources/read');
      return { operation: 'ListResources', subscriptions: [subscription], run: () => this.list(subscription, url) };
    }
    m = /^\/subscriptions\/([^/]+)\/providers\/microsoft\.insights\/diagnosticSettings$/i.exec(path);
    if (m) {
      requireVersion(DIAGNOSTIC_SETTINGS_API_VERSIONS, 'diagnosticSettings');
      const subscription = this.subscription(m[1] ?? '', 'microsoft.insights/diagnosticSettings/read');
      return { operation: 'ListSubscriptionDiagnosticSettings', subscriptions: [subscription], run: () => ({ value: this.estate.subscriptionDiagnosticSettings(subscription) }) };
    }
    m = /^\/subscriptions\/([^/]+)\/providers\/microsoft\.security\/pricings$/i.exec(path);
    if (m) {
      requireVersion(new Set([SECURITY_PRICINGS_API_VERSION, '2023-01-01']), 'pricings');
      const subscription = this.subscription(m[1] ?? '', 'Microsoft.Security/pricings/read');
      return { operation: 'ListSecurityPricings', subscriptions: [subscription], run: () => ({ value: this.estate.subscriptionPricings(subscription) }) };
    }
    m = /^\/subscriptions\/([^/]+)\/providers\/microsoft\.security\/securityContacts$/i.exec(path);
    if (m) {
      // Security Contacts - List (learn.microsoft.com/rest/api/defenderforcloud/security-contacts/list): preview api-versions only.
      requireVersion(new Set(['2023-12-01-preview']), 'securityContacts');
      const subscription = this.subscription(m[1] ?? '', 'Microsoft.Security/securityContacts/read');
      return { operation: 'ListSecurityContacts', subscriptions: [subscription], run: () => ({ value: this.estate.securityContacts(subscription) }) };
    }
    // The caller's role assignments and their role definitions (azure-rbac.ts).
    m = /^\/subscriptions\/([^/]+)\/providers\/microsoft\.authorization\/roleAssignments$/i.exec(path);
    if (m) {
      requireVersion(ROLE_API_VERSIONS, 'roleAssignments');
      const subscription = this.subscription(m[1] ?? '', 'Microsoft.Authorization/roleAssignments/read');
      // The sandbox's caller lacking roleAssignments/read (unreadableTypes) is refused as ARM refuses it.
      if (this.estate.unreadableTypes.includes('microsoft.authorization/roleassignments')) throw authorizationFailed('Microsoft.Authorization/roleAssignments/read', `/subscriptions/${subscription}`);
      return { operation: url.searchParams.has('$filter') ? 'ListRoleAssignments' : 'ListSubscriptionRoleAssignments', subscriptions: [subscription], run: () => listRoleAssignments(this.estate, subscription, url, this.origin) };
    }
    m = /^\/subscriptions\/([^/]+)\/providers\/microsoft\.authorization\/roleDefinitions$/i.exec(path);
    if (m) {
      requireVersion(ROLE_API_VERSIONS, 'roleDefinitions');
      const subscription = this.subscription(m[1] ?? '', 'Microsoft.Authorization/roleDefinitions/read');
      if (this.estate.unreadableTypes.includes('microsoft.authorization/roledefinitions')) throw authorizationFailed('Microsoft.Authorization/roleDefinitions/read', `/subscriptions/${subscription}`);
      return { operation: 'ListCustomRoleDefinitions', subscriptions: [subscription], run: () => listRoleDefinitions(this.estate, subscription, url, this.origin) };
    }
    m = /^\/subscriptions\/([^/]+)\/providers\/microsoft\.authorization\/classicAdministrators$/i.exec(path);
    if (m) {
      requireVersion(CLASSIC_ADMIN_API_VERSIONS, 'classicAdministrators');
      const subscription = this.subscription(m[1] ?? '', 'Microsoft.Authorization/classicAdministrators/read');
      if (this.estate.unreadableTypes.includes('microsoft.authorization/classicadministrators')) throw authorizationFailed('Microsoft.Authorization/classicAdministrators/read', `/subscriptions/${subscription}`);
      return { operation: 'ListClassicAdministrators', subscriptions: [subscription], run: () => listClassicAdministrators(this.estate, subscription) };
    }
    m = /^\/subscriptions\/([^/]+)\/providers\/microsoft\.authorization\/roleDefinitions\/([^/]+)$/i.exec(path);
    if (m) {
      requireVersion(ROLE_API_VERSIONS, 'roleDefinitions');
      const subscription = this.subscription(m[1] ?? '', 'Microsoft.Authorization/roleDefinitions/read');
      const role = m[2] ?? '';
      return { operation: 'GetRoleDefinition', subscriptions: [subscription], run: () => roleDefinition(this.estate, subscription, role) };
    }
    // Azure Backup's lists per Recovery Services vault (azure-backup-security.ts). A vault that does not exist answers
    // 404 ResourceNotFound; a role without the list's read action there, 403 AuthorizationFailed naming the action.
    m = /^(\/subscriptions\/([^/]+)\/resourceGroups\/[^/]+\/providers\/Microsoft\.RecoveryServices\/vaults\/[^/]+)\/(backupProtectedItems|backupPolicies)$/i.exec(path);
    if (m) {
      const items = (m[3] ?? '').toLowerCase() === 'backupprotecteditems';
      const vaultId = m[1] ?? '';
      const action = items ? 'Microsoft.RecoveryServices/Vaults/backupProtectedItems/read' : 'Microsoft.RecoveryServices/Vaults/backupPolicies/read';
      const subscription = this.subscription(m[2] ?? '', action);
      requireVersion(RECOVERY_SERVICES_BACKUP_API_VERSIONS, items ? 'vaults/backupProtectedItems' : 'vaults/backupPolicies');
      const operation = items ? 'ListBackupProtectedItems' : 'ListBackupPolicies';
      const target = this.estate.find(vaultId);
      if (!target || target.cell.type !== RECOVERY_VAULT) throw new SandboxApiError(404, 'ResourceNotFound', `The Resource 'Microsoft.RecoveryServices/vaults/${vaultId.split('/').at(-1) ?? ''}' was not found.`);
      if (this.estate.unreadableTypes.includes(items ? PROTECTED_ITEM_TYPE : BACKUP_POLICY_TYPE) || this.estate.deniedBackupVaults.includes(vaultId.toLowerCase())) throw authorizationFailed(action, vaultId);
      const { cell, k } = target;
      return { operation, subscriptions: [subscription], run: () => this.malformableList(items ? listBackupProtectedItems(this.estate, cell, k, url, this.origin) : listBackupPolicies(this.estate, cell, k, url, this.origin)) };
    }
    // Assessments - List on a subscription (azure-backup-security.ts).
    m = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Security\/assessments$/i.exec(path);
    if (m) {
      const subscription = this.subscription(m[1] ?? '', 'Microsoft.Security/assessments/read');
      requireVersion(ASSESSMENTS_API_VERSIONS, 'assessments');
      if (this.estate.unreadableTypes.includes(ASSESSMENT_TYPE)) throw authorizationFailed('Microsoft.Security/assessments/read', `/subscriptions/${subscription}`);
      return { operation: 'ListSecurityAssessments', subscriptions: [subscription], run: () => this.malformableList(listAssessments(this.estate, subscription, url, this.origin)) };
    }
    m = /^(\/subscriptions\/([^/]+)\/.+?)(\/providers\/microsoft\.insights\/diagnosticSettings|\/auditingSettings\/default|\/firewallRules|\/flowLogs|\/transparentDataEncryption\/current|\/backupLongTermRetentionPolicies\/default|\/blobServices\/default|\/configurations\/[^/]+)?$/i.exec(path);
    if (m) {
      const subscription = this.subscription(m[2] ?? '', 'Microsoft.Resources/subscriptions/resources/read');
      const target = this.estate.find(m[1] ?? '');
      const child = (m[3] ?? '').toLowerCase();
      const notFound = (): never => {
        throw new SandboxApiError(404, 'ResourceNotFound', `The Resource '${m?.[1] ?? ''}' was not found.`);
      };
      if (!target) return { operation: child ? 'GetChildSetting' : 'GetResourceById', subscriptions: [subscription], run: notFound };
      const { cell, k } = target;
      const onlyFor = (type: string, versions: ReadonlySet<string>, what: string): void => {
        if (cell.type !== type) notFound();
        requireVersion(versions, what);
      };
      switch (child) {
        case '':
          requireVersion(AZURE_API_VERSIONS[cell.type] ?? '', cell.type);
          if (this.estate.unreadableTypes.includes(cell.type.toLowerCase())) throw authorizationFailed(`${cell.type}/read`, m[1] ?? '');
          return { operation: 'GetResourceById', subscriptions: [subscription], run: () => this.malformable(cell, k) };
        case '/providers/microsoft.insights/diagnosticsettings':
          requireVersion(DIAGNOSTIC_SETTINGS_API_VERSIONS, 'diagnosticSettings');
          return { operation: 'ListDiagnosticSettings', subscriptions: [subscription], run: () => ({ value: cell.type === KEY_VAULT ? this.estate.resourceDiagnosticSettings(cell, k) : [] }) };
        case '/auditingsettings/default':
          onlyFor(SQL_SERVER, SQL_CHILD_API_VERSIONS, 'servers/auditingSettings');
          return { operation: 'GetServerAuditingSettings', subscriptions: [subscription], run: () => this.estate.auditingSettings(cell, k) };
        case '/flowlogs':
          onlyFor(NETWORK_WATCHER, new Set(['2024-05-01']), 'networkWatchers/flowLogs');
          return { operation: 'ListFlowLogs', subscriptions: [subscription], run: () => ({ value: this.estate.flowLogs(cell, k) }) };
        case '/firewallrules':
          onlyFor(SQL_SERVER, SQL_CHILD_API_VERSIONS, 'servers/firewallRules');
          return { operation: 'ListServerFirewallRules', subscriptions: [subscription], run: () => ({ value: this.estate.firewallRules(cell, k) }) };
        case '/transparentdataencryption/current':
          onlyFor(SQL_DATABASE, SQL_CHILD_API_VERSIONS, 'servers/databases/transparentDataEncryption');
          return { operation: 'GetTransparentDataEncryption', subscriptions: [subscription], run: () => this.estate.transparentDataEncryption(cell, k) };
        case '/backuplongtermretentionpolicies/default':
          onlyFor(SQL_DATABASE, SQL_CHILD_API_VERSIONS, 'servers/databases/backupLongTermRetentionPolicies');
          return {
            operation: 'GetLongTermRetentionPolicy',
            subscriptions: [subscription],
            run: () => {
              if (this.estate.isDedicatedSqlPool(cell, k)) throw new SandboxApiError(400, 'LongTermRetentionPolicyNotSupported', 'Long Term Retention is not supported on this database.');
              return this.estate.longTermRetentionPolicy(cell, k);
            },
          };
        case '/configurations/require_secure_transport':
        case '/configurations/tls_version': {
          // Server parameters of flexible servers (Configurations - Get; Azure/azure-rest-api-specs MySQL flexible 2023-12-30 ConfigurationGet).
          const apiVersion = SERVER_PARAMETER_API_VERSIONS[cell.type];
          if (apiVersion === undefined) notFound();
          requireVersion(apiVersion ?? '', `${cell.type}/configurations`);
          const parameter = child.slice('/configurations/'.length);
          return { operation: 'GetServerParameter', subscriptions: [subscription], run: () => this.estate.serverParameter(cell, k, parameter) ?? notFound() };
        }
        case '/blobservices/default':
          onlyFor(STORAGE_ACCOUNT, STORAGE_CHILD_API_VERSIONS, 'storageAccounts/blobServices');
          return { operation: 'GetBlobServiceProperties', subscriptions: [subscription], run: () => this.estate.blobServices(cell, k) };
      }
    }
    throw new SandboxApiError(404, 'InvalidResourceType', `The resource type could not be found for ${path}.`);
  }

  /** Subscriptions - List: the visible subscriptions with their states, paged by an absolute nextLink when a page size is set. */
  private listSubscriptions(url: URL): Json {
    const all = this.estate.subscriptions.flatMap((s, i) =>
      this.estate.hiddenSubscriptions.includes(s) ? [] : [{ id: `/subscriptions/${s}`, subscriptionId: s, tenantId: AZURE_SANDBOX_TENANT, displayName: `kansa-sandbox-${i + 1}`, state: this.estate.stateOf(s), authorizationSource: 'RoleBased' }],
    );
    const size = this.estate.subscriptionsPageSize ?? all.length;
    const token = url.searchParams.get('$skiptoken');
    const offset = token === null ? 0 : Number(token);
    if (!Number.isSafeInteger(offset) || offset < 0 || (offset > 0 && offset >= all.length)) throw new SandboxApiError(400, 'InvalidSkipToken', `The skip token '${token ?? ''}' is invalid.`);
    const value = all.slice(offset, offset + size);
    if (offset + size >= all.length) return { value };
    const link = new URL(`${this.origin}/subscriptions`);
    link.searchParams.set('api-version', url.searchParams.get('api-version') ?? '');
    link.searchParams.set('$skiptoken', String(offset + size));
    return { value, nextLink: link.toString() };
  }

  private subscription(raw: string, action: string): string {
    const s = raw.toLowerCase();
    if (!this.estate.subscriptions.includes(s) || this.estate.stateOf(s) === 'Deleted') throw new SandboxApiError(404, 'SubscriptionNotFound', `The subscription '${raw}' could not be found.`);
    if (this.estate.hiddenSubscriptions.includes(s)) throw authorizationFailed(action, `/subscriptions/${s}`);
    return s;
  }

  /** A resource body, broken for the items the malformed knob selects (same items on every request). */
  private malformable(cell: AzureCell, k: number): ArmResource {
    const resource = this.estate.resource(cell, k);
    const kind = this.faults.malformed(resource.id);
    if (kind === undefined) return resource;
    return { ...resource, properties: kind === 'truncated' ? '{"provisioningState":"Succ' : 'not json' };
  }

  /** A list page whose entries are broken as the malformed knob selects them (the same entries Resource Graph breaks). */
  private malformableList(page: Json): Json {
    const value = (page.value as Json[]).map((entry) => {
      const kind = this.faults.malformed(String(entry.id));
      return kind === undefined ? entry : { ...entry, properties: kind === 'truncated' ? '{"provisioningState":"Succ' : 'not json' };
    });
    return { ...page, value };
  }

  /** `resources.list`: `$filter=resourceType eq 'T'` (optionally several joined by `or`), paged by absolute nextLink. */
  private list(subscription: string, url: URL): Json {
    const filter = url.searchParams.get('$filter') ?? '';
    const types = [...filter.matchAll(/resourceType\s+eq\s+'([^']+)'/gi)].map((x) => x[1] ?? '');
    if (filter !== '' && types.length === 0) throw new SandboxApiError(400, 'InvalidFilterInQueryString', `The $filter '${filter}' is not supported by the sandbox.`);
    const top = Math.min(ARM_LIST_MAX_PAGE, Number(url.searchParams.get('$top') ?? ARM_LIST_MAX_PAGE) || ARM_LIST_MAX_PAGE);
    const offset = Number(url.searchParams.get('$skiptoken') ?? '0');
    const cells = this.estate.select({ subscriptions: [subscription], ...(types.length > 0 ? { types } : {}) });
    const value = this.slice(cells, offset, top, (cell, k) => this.estate.listEntry(cell, k));
    const total = cells.reduce((sum, c) => sum + c.count, 0);
    const next = offset + value.length;
    if (next >= total) return { value };
    const link = new URL(`${this.origin}/subscriptions/${subscription}/resources`);
    link.searchParams.set('api-version', url.searchParams.get('api-version') ?? '');
    if (filter) link.searchParams.set('$filter', filter);
    link.searchParams.set('$top', String(top));
    link.searchParams.set('$skiptoken', String(next));
    return { value, nextLink: link.toString() };
  }

  private graph(request: GraphRequest): Json {
    // Rows the caller cannot read are left out without an error: subscriptions it holds no role on, types its
    // role cannot read. A Deleted subscription has no resources left.
    const visible = request.subscriptions.filter((s) => !this.estate.hiddenSubscriptions.includes(s) && this.estate.stateOf(s) !== 'Deleted');
    const readable = (types: readonly string[]): string[] => types.filter((t) => !this.estate.unreadableTypes.includes(t));
    if (request.table !== 'resources') return this.graphTable(request, visible, readable(request.types ?? GRAPH_TABLES[request.table] ?? []));
    const types = readable(request.types ?? this.estate.cells.map((c) => c.type.toLowerCase()));
    const cells = visible.length === 0 || types.length === 0 ? [] : this.estate.select({ subscriptions: visible, types });
    const matched = cells.reduce((sum, c) => sum + c.count, 0);
    const total = request.take === undefined ? matched : Math.min(matched, request.take);
    const offset = request.skipToken !== undefined ? decodeSkipToken(request.skipToken, request.queryKey) : request.skip;
    // Truncated: half the result in one page, and no way to the rest.
    const end = this.estate.graphTruncated ? Math.min(total, Math.ceil(total / 2)) : total;
    const limit = Math.max(0, Math.min(request.top, end - offset));
    const rows = this.slice(cells, offset, limit, (cell, k) => {
      const r = this.malformable(cell, k);
      const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(r.id);
      // A few broken rows lose their type too: nothing can say what they are.
      const unreadable = this.faults.malformed(r.id) !== undefined && unitHash(this.estate.seed, 'unreadable', r.id) < UNREADABLE_SHARE_OF_MALFORMED;
      // Resource Graph lower-cases `type` (and `location`); ids keep ARM's casing.
      return { id: r.id, name: r.name, type: unreadable ? null : r.type.toLowerCase(), tenantId: AZURE_SANDBOX_TENANT, kind: r.kind ?? '', location: r.location.toLowerCase(), resourceGroup: (m?.[2] ?? '').toLowerCase(), subscriptionId: m?.[1] ?? '', managedBy: '', sku: r.sku ?? null, plan: null, properties: r.properties, tags: r.tags ?? {}, identity: null, zones: r.zones ?? null, extendedLocation: null };
    });
    const next = offset + rows.length;
    const more = next < total;
    const paging = more && !this.estate.graphTruncated && pageable(request);
    return {
      totalRecords: total,
      count: rows.length,
      resultTruncated: more && !paging ? 'true' : 'false',
      ...(paging ? { $skipToken: encodeSkipToken(request.queryKey, next) } : {}),
      data: shapeRows(rows, request),
      facets: [],
    };
  }

  /**
   * The other tables (estate/azure-tables.ts), paged, truncated and malformed as the `resources` table is. Their rows
   * are derived from the estate's VMs and vaults: unreadable or hidden ones are left out as there.
   */
  private graphTable(request: GraphRequest, visible: readonly string[], types: readonly string[]): Json {
    const sources = visible.length === 0 ? [] : this.tables.sources(request.table, visible, types.filter((t) => GRAPH_TABLES[request.table]?.includes(t)), request.names);
    let matched = 0;
    for (const source of sources) for (let k = 0; k < source.cell.count; k++) matched += source.count(k);
    const total = request.take === undefined ? matched : Math.min(matched, request.take);
    const offset = request.skipToken !== undefined ? decodeSkipToken(request.skipToken, request.queryKey) : request.skip;
    const end = this.estate.graphTruncated ? Math.min(total, Math.ceil(total / 2)) : total;
    const limit = Math.max(0, Math.min(request.top, end - offset));
    const rows: Json[] = [];
    let skip = offset;
    for (const source of sources) {
      for (let k = 0; k < source.cell.count && rows.length < limit; k++) {
        const n = source.count(k);
        if (skip >= n) {
          skip -= n;
          continue;
        }
        // Broken as `resources` rows are: the same items on every request, a share without their type.
        rows.push(
          ...source
            .render(k)
            .slice(skip, skip + limit - rows.length)
            .map((row) => {
              const id = String(row.id);
              const kind = this.faults.malformed(id);
              if (kind === undefined) return row;
              const unreadable = unitHash(this.estate.seed, 'unreadable', id) < UNREADABLE_SHARE_OF_MALFORMED;
              return { ...row, type: unreadable ? null : row.type, properties: kind === 'truncated' ? '{"provisioningState":"Succ' : 'not json' };
            }),
        );
        skip = 0;
      }
    }
    const next = offset + rows.length;
    const more = next < total;
    const paging = more && !this.estate.graphTruncated && pageable(request);
    return { totalRecords: total, count: rows.length, resultTruncated: more && !paging ? 'true' : 'false', ...(paging ? { $skipToken: encodeSkipToken(request.queryKey, next) } : {}), data: shapeRows(rows, request), facets: [] };
  }

  private slice(cells: readonly AzureCell[], offset: number, limit: number, render: (cell: AzureCell, k: number) => Json): Json[] {
    const out: Json[] = [];
    let skip = offset;
    for (const cell of cells) {
      if (out.length >= limit) break;
      if (skip >= cell.count) {
        skip -= cell.count;
        continue;
      }
      for (let k = skip; k < cell.count && out.length < limit; k++) out.push(render(cell, k));
      skip = 0;
    }
    return out;
  }
}

function authorizationFailed(action: string, scope: string): SandboxApiError {
  return new SandboxApiError(403, 'AuthorizationFailed', `The client 'kansa-sandbox' with object id '${AZURE_SANDBOX_PRINCIPAL}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
}

function faultError(decision: Exclude<FaultDecision, { kind: 'none' }>, subscription: string, operation: string, quota: GraphQuota | undefined): SandboxApiError {
  switch (decision.kind) {
    case 'accessDenied':
      return new SandboxApiError(403, 'AuthorizationFailed', `The client 'kansa-sandbox' does not have authorization to perform action '${operation}' over scope '/subscriptions/${subscription}' or the scope is invalid.`);
    case 'throttle': {
      if (operation === 'ListResourceGraphResources') {
        // Resource Graph throttles on its user quota and says when it resets; it documents no Retry-After
        // (resource-graph/concepts/guidance-for-throttled-requests). An injected throttle looks the same.
        const resetsAfterMs = quota?.resetsAfterMs() ?? (decision.retryAfterSeconds ?? 1) * 1000;
        return new SandboxApiError(429, 'RateLimiting', 'Please provide below info when asking for support: client application has been throttled.', { [QUOTA_REMAINING_HEADER]: '0', [QUOTA_RESETS_AFTER_HEADER]: formatResetsAfter(resetsAfterMs) });
      }
      // ARM's own throttling sends Retry-After (azure-resource-manager/management/request-limits-and-throttling).
      const headers: Record<string, string> = decision.retryAfterSeconds !== undefined ? { 'Retry-After': String(decision.retryAfterSeconds) } : {};
      return new SandboxApiError(429, 'TooManyRequests', `Number of read requests for subscription '${subscription}' exceeded the limit.`, headers);
    }
    case 'serverError':
      return decision.status === 500 ? new SandboxApiError(500, 'InternalServerError', 'Encountered internal server error.') : new SandboxApiError(503, 'ServiceUnavailable', 'The service is temporarily unavailable.');
  }
}
