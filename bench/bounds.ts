/**
 * Call lower bounds for the live bench, from the estate alone: how many resources of each type sit in each
 * scope (the sandbox's estate description) × the page size each API documents, plus the calls the APIs
 * document as one per parent. Nothing here reads collectors/*: a bound computed from the collector's own
 * listing plan could only show that the collector follows itself. Which types are needed comes from the
 * controls (mappings), as for any reader of the same checks.
 *
 * A bound is the fewest calls any correct reader needs to see those resources with the data controls read,
 * given the scopes configured (one account, subscription or project each, read with that scope's own
 * credentials). It is split by API family (`parts`), and every operation name the agent reports maps to one
 * family (`familyOf`), so the bench prints calls made ÷ bound per family and any excess is named, not hidden.
 */
import type { Control } from '../src/mappings/controls.js';
import type { AwsEstateDescription } from '../src/sandbox/estate/aws.js';
import { sandboxTrails } from '../src/sandbox/estate/aws-cloudtrail.js';
import { ROOT, sandboxIdentity } from '../src/sandbox/estate/aws-identity.js';
import { sandboxMonitoring } from '../src/sandbox/estate/aws-monitoring.js';
import { functionsIn, imagesIn, snapshotsIn } from '../src/sandbox/estate/aws-services.js';
import { RECOVERY_VAULT as RECOVERY_VAULT_TYPE, type AzureEstate } from '../src/sandbox/estate/azure.js';
import { AzureTableRows, BACKUP_POLICY_TYPE, GRAPH_TABLES, PROTECTED_ITEM_TYPE, VA_FINDINGS_KEY, VA_SOLUTION_KEY, ASSESSMENT_TYPE } from '../src/sandbox/estate/azure-tables.js';
import { listClassicAdministrators, listRoleAssignments, listRoleDefinitions } from '../src/sandbox/azure-rbac.js';
import { listAssessments, listBackupPolicies, listBackupProtectedItems } from '../src/sandbox/azure-backup-security.js';
import { SANDBOX_CA_POLICIES, SANDBOX_DIRECTORY_ROLES, SANDBOX_USERS } from '../src/sandbox/azure-msgraph.js';
import type { GcpEstate } from '../src/sandbox/estate/gcp.js';

/** SelectResourceConfig `Limit`: "Valid Range: Minimum value of 0. Maximum value of 100" (AWS Config API reference). */
export const AWS_SELECT_MAX_PAGE = 100;
/** Account ListRegions `MaxResults`: "Valid Range: Minimum value of 1. Maximum value of 50" (AWS Account Management API reference). */
export const AWS_LIST_REGIONS_MAX_PAGE = 50;
/** IAM ListVirtualMFADevices `MaxItems`: "Valid Range: Minimum value of 1. Maximum value of 1000" (IAM API reference). */
export const AWS_IAM_MAX_ITEMS = 1000;
/** CloudWatch Logs DescribeLogGroups and DescribeMetricFilters `limit`: "Valid Range: Minimum value of 1. Maximum value of 50" (CloudWatch Logs API reference). */
export const AWS_LOGS_MAX_PAGE = 50;
/** CloudWatch DescribeAlarms `MaxRecords`: "Valid Range: Minimum value of 1. Maximum value of 100" (CloudWatch API reference). */
export const AWS_ALARMS_MAX_PAGE = 100;
/** EC2 DescribeSnapshots / DescribeImages `MaxResults`: up to 1,000 ("Pagination", EC2 API reference; DescribeSnapshots 5–1000). */
export const AWS_EC2_MAX_PAGE = 1000;
/** Lambda ListFunctions: at most 50 functions a response, whatever MaxItems asks (ListFunctions API reference). */
export const AWS_LAMBDA_MAX_PAGE = 50;
/** Resource Graph: "$top" 1…1000; "By default, Resource Graph limits any query to returning only 1,000 records" (resource-graph/concepts/work-with-data). */
export const AZURE_GRAPH_MAX_PAGE = 1000;
/**
 * Resources - List (learn.microsoft.com/rest/api/resources/resources/list) documents `$top` and `nextLink`
 * but no maximum page; the figure is the sandbox's page (src/sandbox/azure-arm.ts ARM_LIST_MAX_PAGE). The
 * list carries no `properties`, so every resource also needs one GET (Resources - Get By Id).
 */
export const AZURE_ARM_LIST_PAGE = 1000;
/** Microsoft Graph user-list `$top`: 1–999 (graph/paging: "the maximum page size … 999 for users"). */
export const MS_GRAPH_USERS_MAX_PAGE = 999;
/** ListAssets `pageSize`: "The maximum page_size is 1000" (Cloud Asset API reference, assets.list). */
export const GCP_LIST_ASSETS_MAX_PAGE = 1000;

export interface Bound {
  readonly total: number;
  /** The bound of each API family (a key of the provider's family table), for the bench's output. */
  readonly parts: Readonly<Record<string, number>>;
}

const pages = (count: number, pageSize: number): number => Math.max(1, Math.ceil(count / pageSize)); // an empty answer still costs a call

function add(parts: Record<string, number>, name: string, n: number): void {
  parts[name] = (parts[name] ?? 0) + n;
}

function bound(parts: Record<string, number>): Bound {
  return { total: Object.values(parts).reduce((a, b) => a + b, 0), parts };
}

/**
 * The API families, each with the operation names (the provider's own) that belong to it. A call whose
 * operation is in no family is printed under `OTHER_FAMILY`, whose bound is 0: a new API shows up at once.
 */
export const FAMILIES: Readonly<Record<'aws' | 'azure' | 'gcp', Readonly<Record<string, readonly string[]>>>> = {
  aws: {
    'AWS Config Select': ['SelectResourceConfig', 'SelectAggregateResourceConfig'],
    'AWS Config BatchGet': ['BatchGetResourceConfig', 'BatchGetAggregateResourceConfig'],
    'AWS Config recorders': ['DescribeConfigurationRecorders', 'DescribeConfigurationRecorderStatus'],
    'STS + account regions': ['GetCallerIdentity', 'ListRegions'],
    IAM: ['GenerateCredentialReport', 'GetCredentialReport', 'GetAccountSummary', 'ListVirtualMFADevices', 'GetAccountPasswordPolicy'],
    CloudTrail: ['DescribeTrails', 'ListTrails', 'GetTrail', 'GetTrailStatus', 'GetEventSelectors'],
    'CloudWatch (Logs)': ['DescribeLogGroups', 'DescribeMetricFilters', 'DescribeAlarms'],
    'EC2 snapshots + AMIs': ['DescribeSnapshots', 'DescribeImages'],
    'Inspector + Security Hub': ['BatchGetAccountStatus', 'DescribeHub'],
    'Lambda function URLs': ['ListFunctions', 'ListFunctionUrlConfigs'],
  },
  azure: {
    'Resource Graph': ['ListResourceGraphResources'],
    'ARM Resources - List + Get': ['ListResources', 'GetResourceById'],
    'ARM child settings (per parent)': ['GetServerAuditingSettings', 'GetTransparentDataEncryption', 'GetLongTermRetentionPolicy', 'GetBlobServiceProperties', 'ListServerFirewallRules', 'ListFlowLogs', 'GetServerParameter'],
    'diagnostic settings (per resource)': ['ListDiagnosticSettings'],
    'per-subscription reads': ['ListSecurityPricings', 'ListSecurityContacts', 'GetSubscription', 'ListSubscriptionDiagnosticSettings', 'ListSubscriptions'],
    'Azure Backup + Defender lists (ARM)': ['ListBackupProtectedItems', 'ListBackupPolicies', 'ListSecurityAssessments'],
    'RBAC (ARM authorization)': ['ListRoleAssignments', 'ListSubscriptionRoleAssignments', 'GetRoleDefinition', 'ListCustomRoleDefinitions', 'ListClassicAdministrators'],
    'Microsoft Graph (Entra ID)': ['GetSecurityDefaultsPolicy', 'ListConditionalAccessPolicies', 'ListUserRegistrationDetails', 'ListDirectoryRoles', 'ListDirectoryRoleMembers', 'ListUsers'],
  },
  gcp: {
    ListAssets: ['ListAssets'],
  },
};
export const OTHER_FAMILY = 'other (no bound)';

/** The family of an operation the agent counted (`kansa_collector_api_requests_total{operation}`). */
export function familyOf(provider: 'aws' | 'azure' | 'gcp', operation: string): string {
  for (const [family, operations] of Object.entries(FAMILIES[provider])) if (operations.includes(operation)) return family;
  return OTHER_FAMILY;
}

/** Per family: calls made (attempts by operation, any result code), the bound, and their ratio; the bound's families first. */
export function byFamily(provider: 'aws' | 'azure' | 'gcp', callsByOperation: Readonly<Record<string, number>>, b: Bound): { family: string; calls: number; bound: number }[] {
  // GCP's one operation serves three content types: its bound parts are summed into the one family.
  const boundOf = (family: string): number => (provider === 'gcp' && family === 'ListAssets' ? Object.values(b.parts).reduce((x, y) => x + y, 0) : (b.parts[family] ?? 0));
  const calls: Record<string, number> = {};
  for (const [operation, n] of Object.entries(callsByOperation)) add(calls, familyOf(provider, operation), n);
  const families = provider === 'gcp' ? ['ListAssets'] : Object.keys(b.parts);
  for (const f of Object.keys(calls)) if (!families.includes(f)) families.push(f);
  return families.map((family) => ({ family, calls: calls[family] ?? 0, bound: boundOf(family) }));
}

/**
 * The types AWS Config does not serve (kansa's pseudo-types, documented in the README), each read from its
 * service's own API, and `AWS::Logs::LogGroup`, which AWS Config does not record (its ResourceType enum and
 * the advanced-query schema list only AWS::Logs::Destination): a reader takes retention from CloudWatch Logs
 * DescribeLogGroups. Their rows are not Select's.
 */
const AWS_DIRECT_TYPES: ReadonlySet<string> = new Set([
  'AWS::IAM::CredentialReportUser',
  'AWS::IAM::AccountSummary',
  'AWS::IAM::PasswordPolicy',
  'AWS::CloudTrail::TrailStatus',
  'AWS::Logs::LogGroup',
  'AWS::Logs::MetricFilter',
  'AWS::CloudWatch::MetricAlarm',
  'AWS::EC2::PublicSnapshots',
  'AWS::EC2::PublicImages',
  'AWS::Inspector2::AccountStatus',
  'AWS::SecurityHub::HubStatus',
  'AWS::Lambda::FunctionUrls',
  'AWS::Config::ConfigurationRecorder',
]);

/**
 * AWS, one account at a time with its own credentials, in the estate's regions (all enabled):
 * - AWS Config Select: SelectResourceConfig answers for the account and region it is called in; global
 *   items (awsRegion `global`, IAM) are recorded in one region, here the estate's home region. One query can
 *   ask for every type at once (`resourceType IN (…)`, query-components), so a region needs ceil(rows ÷ 100)
 *   pages. The sandbox's recorders record every type in every region by default.
 * - AWS Config BatchGet: none. A Select row carries the whole supplementaryConfiguration (the real
 *   recording test/fixtures/aws/samples/custodian/select_s3_bucket_no_sse.json: an S3 bucket's policy, ACL,
 *   logging, versioning in the row), so no item needs fetching again; the family stays named so a call
 *   to it shows as above its bound of 0.
 * - AWS Config recorders: DescribeConfigurationRecorders and …Status once per region: whether a region
 *   records a type (coverage: "not collected" is never "none there") and the recorder control's data.
 * - STS + account regions: GetCallerIdentity once per account (findings must name the account the
 *   credentials belong to), ListRegions ceil(enabled ÷ 50) (enabled regions left out are coverage gaps).
 * - IAM (global, once per account): the sandbox holds a credential report generated within four hours and
 *   IAM reuses such a report (GenerateCredentialReport API reference), so GetCredentialReport alone reads it;
 *   GetAccountSummary; ListVirtualMFADevices only where the summary says the root user has MFA (it tells a
 *   virtual device from a hardware one); GetAccountPasswordPolicy.
 * - CloudTrail: the controls reading trail status are `exists` controls over multi-Region trails
 *   (mappings/controls/aws/logging.yaml): a single-Region trail can never satisfy them. DescribeTrails with
 *   includeShadowTrails in any one region lists every multi-Region trail of the account, homed anywhere
 *   (API reference: shadow trails), with IsMultiRegionTrail; then GetTrailStatus and GetEventSelectors per
 *   multi-Region trail, in its home region.
 * - CloudWatch (Logs), per region: DescribeLogGroups and DescribeMetricFilters ceil(n ÷ 50), DescribeAlarms ceil(n ÷ 100).
 * - EC2 snapshots + AMIs, per region: DescribeSnapshots (owner self, restorable by all: the public ones)
 *   ceil(n ÷ 1000), DescribeImages (owner self) ceil(n ÷ 1000).
 * - Inspector + Security Hub, per region: BatchGetAccountStatus and DescribeHub, one each.
 * - Lambda function URLs, per region: ListFunctions ceil(n ÷ 50) ("returns a maximum of 50 items in each response",
 *   ListFunctions API reference), then ListFunctionUrlConfigs once per function (Lambda has no call listing the
 *   URLs of several functions; MaxItems up to 50 URLs, more than any function has here).
 * A family is counted only when some needed type is read through it.
 */
export function awsBound(estate: AwsEstateDescription, types: ReadonlySet<string>): Bound {
  const parts: Record<string, number> = {};
  const has = (...t: string[]): boolean => t.some((x) => types.has(x));
  const configTypes = new Set([...types].filter((t) => !AWS_DIRECT_TYPES.has(t)));
  const regions = estate.regions;
  estate.accounts.forEach((account, accountIndex) => {
    const inScope = (region: string) => (s: AwsEstateDescription['scopes'][number]): boolean =>
      s.account === account && configTypes.has(s.type) && (s.region === region || (s.region === 'global' && region === estate.homeRegion));
    if (configTypes.size > 0 || has('AWS::Config::ConfigurationRecorder')) add(parts, 'AWS Config recorders', 2 * regions.length);
    add(parts, 'STS + account regions', 1 + pages(regions.length, AWS_LIST_REGIONS_MAX_PAGE));
    regions.forEach((region, regionIndex) => {
      const scopes = estate.scopes.filter(inScope(region));
      if (configTypes.size > 0) add(parts, 'AWS Config Select', pages(scopes.reduce((n, s) => n + s.count, 0), AWS_SELECT_MAX_PAGE));
      const monitoring = sandboxMonitoring(accountIndex, account, region, region === estate.homeRegion);
      if (has('AWS::Logs::LogGroup')) add(parts, 'CloudWatch (Logs)', pages(monitoring.logGroups.length, AWS_LOGS_MAX_PAGE));
      if (has('AWS::Logs::MetricFilter')) add(parts, 'CloudWatch (Logs)', pages(monitoring.metricFilters.length, AWS_LOGS_MAX_PAGE));
      if (has('AWS::CloudWatch::MetricAlarm')) add(parts, 'CloudWatch (Logs)', pages(monitoring.alarms.length, AWS_ALARMS_MAX_PAGE));
      if (has('AWS::EC2::PublicSnapshots')) add(parts, 'EC2 snapshots + AMIs', pages(snapshotsIn(estate.accounts, regionIndex).filter((s) => s.owner === account && s.public).length, AWS_EC2_MAX_PAGE));
      if (has('AWS::EC2::PublicImages')) add(parts, 'EC2 snapshots + AMIs', pages(imagesIn(estate.accounts, regionIndex).filter((i) => i.owner === account).length, AWS_EC2_MAX_PAGE));
      if (has('AWS::Inspector2::AccountStatus')) add(parts, 'Inspector + Security Hub', 1);
      if (has('AWS::SecurityHub::HubStatus')) add(parts, 'Inspector + Security Hub', 1);
      if (has('AWS::Lambda::FunctionUrls')) {
        const functions = functionsIn(accountIndex, regionIndex).length;
        add(parts, 'Lambda function URLs', pages(functions, AWS_LAMBDA_MAX_PAGE) + functions);
      }
    });
    const identity = sandboxIdentity(accountIndex);
    const rootMfa = identity.users.find((u) => u.user === ROOT)?.mfa === true;
    if (has('AWS::IAM::CredentialReportUser')) add(parts, 'IAM', 1);
    if (has('AWS::IAM::AccountSummary')) add(parts, 'IAM', 1 + (rootMfa ? pages(identity.users.filter((u) => u.mfa && u.virtualMfa).length, AWS_IAM_MAX_ITEMS) : 0));
    if (has('AWS::IAM::PasswordPolicy')) add(parts, 'IAM', 1);
    if (has('AWS::CloudTrail::TrailStatus')) {
      const multiRegion = sandboxTrails(account, accountIndex, regions, estate.homeRegion).filter((t) => t.isMultiRegionTrail).length;
      add(parts, 'CloudTrail', 1 + 2 * multiRegion);
    }
  });
  return bound(parts);
}

/**
 * Azure child settings that are not rows of Resource Graph's `resources` table nor in `Resources - List`, and
 * whose ARM reference reads them one parent at a time (`perParent` calls each: one GET per server parameter a
 * control reads). The parent is the type's ARM path without its last segment (…/servers/auditingSettings → …/servers).
 */
export const AZURE_PER_PARENT: Readonly<Record<string, { readonly parent: string; readonly api: string; readonly perParent?: number }>> = {
  'Microsoft.Sql/servers/auditingSettings': { parent: 'Microsoft.Sql/servers', api: 'Server Blob Auditing Policies - Get (rest/api/sql/server-blob-auditing-policies/get)' },
  'Microsoft.Sql/servers/databases/transparentDataEncryption': { parent: 'Microsoft.Sql/servers/databases', api: 'Transparent Data Encryptions - Get (rest/api/sql/transparent-data-encryptions/get)' },
  'Microsoft.Sql/servers/databases/backupLongTermRetentionPolicies': { parent: 'Microsoft.Sql/servers/databases', api: 'Long Term Retention Policies - Get (rest/api/sql/long-term-retention-policies/get)' },
  'Microsoft.Storage/storageAccounts/blobServices': { parent: 'Microsoft.Storage/storageAccounts', api: 'Blob Services - Get Service Properties (rest/api/storagerp/blob-services/get-service-properties)' },
  // Lists, one page per parent for the handful of entries a parent holds.
  'Microsoft.Sql/servers/firewallRules': { parent: 'Microsoft.Sql/servers', api: 'Firewall Rules - List By Server (rest/api/sql/firewall-rules/list-by-server)' },
  'Microsoft.Network/networkWatchers/flowLogs': { parent: 'Microsoft.Network/networkWatchers', api: 'Flow Logs - List (rest/api/network-watcher/flow-logs/list)' },
  // Configurations - Get (rest/api/postgresql/flexibleserver/configurations/get, rest/api/mysql/flexibleserver/configurations/get):
  // the parameters mappings/controls/azure/transit.yaml reads — require_secure_transport; on MySQL also tls_version.
  'Microsoft.DBforPostgreSQL/flexibleServers/configurations': { parent: 'Microsoft.DBforPostgreSQL/flexibleServers', api: 'Configurations - Get', perParent: 1 },
  'Microsoft.DBforMySQL/flexibleServers/configurations': { parent: 'Microsoft.DBforMySQL/flexibleServers', api: 'Configurations - Get', perParent: 2 },
};
export const AZURE_DIAGNOSTIC_SETTINGS = 'Microsoft.Insights/diagnosticSettings';
/**
 * Read once per subscription: Pricings - List (rest/api/defenderforcloud/pricings/list, scope
 * `subscriptions/{id}`), Security Contacts - List (rest/api/defenderforcloud/security-contacts/list), Subscriptions -
 * Get (rest/api/resources/subscriptions/get) and Subscription Diagnostic Settings - List (rest/api/monitor/subscription-diagnostic-settings/list).
 * Diagnostic settings of a resource are an extension of it: Diagnostic Settings - List on `{resourceUri}`
 * (rest/api/monitor/diagnostic-settings/list), one call per resource whose settings a control reads.
 */
export const AZURE_PER_SUBSCRIPTION: readonly string[] = ['Microsoft.Security/pricings', 'Microsoft.Security/securityContacts', 'Microsoft.Resources/subscriptions', AZURE_DIAGNOSTIC_SETTINGS];
/** Role Assignments - List For Subscription, Role Definitions - List, Classic Administrators - List (rest/api/authorization/…): ARM lists, not inventory rows. */
const AZURE_RBAC = { assignments: 'Microsoft.Authorization/roleAssignments', definitions: 'Microsoft.Authorization/roleDefinitions', classic: 'Microsoft.Authorization/classicAdministrators' } as const;
const isGraphType = (t: string): boolean => /^microsoft\.graph\./i.test(t);
const isRbacType = (t: string): boolean => (Object.values(AZURE_RBAC) as string[]).some((r) => r.toLowerCase() === t.toLowerCase());

/** The parent types whose diagnostic settings some control reads as context. */
function diagnosticParents(controls: readonly Control[]): string[] {
  return [...new Set(controls.filter((c) => c.context.some((x) => x.type === AZURE_DIAGNOSTIC_SETTINGS)).flatMap((c) => c.resourceTypes))];
}

/**
 * Pages of an ARM list as the sandbox serves it: ARM documents `nextLink` but no page size for these lists, so
 * any reader follows the server's pages (the estate's `rbacPageSize`; unset, one page).
 */
function armPages(first: (url: URL) => Record<string, unknown>): number {
  let url = new URL('https://management.example/list');
  for (let n = 1; ; n++) {
    const next = first(url).nextLink;
    if (typeof next !== 'string') return n;
    url = new URL(next);
  }
}

/**
 * Azure, with the subscriptions given: Resource Graph pages ceil(rows ÷ 1,000) over all of them at once (one
 * query names every subscription), or for ARM, Resources - List pages per subscription (one `$filter` can
 * join every type with `or`) plus one GET per resource; then the per-parent and per-subscription reads, RBAC
 * and Microsoft Graph.
 */
export function azureBound(estate: AzureEstate, controls: readonly Control[], source: 'resourceGraph' | 'arm'): Bound {
  const types = new Set(controls.flatMap((c) => [...c.resourceTypes, ...c.context.map((x) => x.type)]));
  // Types of Resource Graph tables other than `resources` (Azure Backup, Defender assessments): one query per table.
  const tableTypes = new Set(Object.values(GRAPH_TABLES).flat());
  const listed = [...types].filter((t) => !(t in AZURE_PER_PARENT) && !AZURE_PER_SUBSCRIPTION.includes(t) && !isRbacType(t) && !isGraphType(t) && !tableTypes.has(t.toLowerCase()));
  const parts: Record<string, number> = {};
  const origin = 'https://management.example';
  // No inventory type needed: neither Resource Graph nor Resources - List is asked.
  if (listed.length > 0 && source === 'resourceGraph') add(parts, 'Resource Graph', pages(estate.count({ types: listed }), AZURE_GRAPH_MAX_PAGE));
  const wantsTable = (t: string): boolean => [...types].some((x) => x.toLowerCase() === t);
  if (source === 'resourceGraph') {
    // Each table once over every subscription, ceil(rows ÷ 1,000) pages; of the assessments only the two machine
    // vulnerability-assessment recommendations any reader needs (a table holds dozens per resource).
    const tables = new AzureTableRows(estate);
    for (const [table, tableTypesOf] of Object.entries(GRAPH_TABLES)) {
      const wanted = tableTypesOf.filter(wantsTable);
      if (wanted.length === 0) continue;
      const names = wanted.includes(ASSESSMENT_TYPE) ? [VA_SOLUTION_KEY, VA_FINDINGS_KEY] : undefined;
      add(parts, 'Resource Graph', pages(tables.count(table, estate.subscriptions, wanted, names), AZURE_GRAPH_MAX_PAGE));
    }
  } else {
    // Without Resource Graph the backup items and policies are lists of each Recovery Services vault (Backup Protected
    // Items - List, Backup Policies - List, bms.json 2024-04-01), so the vaults must be listed too (ids suffice: no GET
    // unless a control reads the vault itself); the assessments are one list per subscription holding every assessment
    // of every resource (Assessments - List, assessments.json 2021-06-01, no $filter). These lists document a nextLink
    // but no page size: any reader follows the server's pages (the estate's `backupSecurityPageSize`).
    const backup = wantsTable(PROTECTED_ITEM_TYPE) || wantsTable(BACKUP_POLICY_TYPE);
    const vaultListedAnyway = listed.some((t) => t.toLowerCase() === RECOVERY_VAULT_TYPE.toLowerCase());
    for (const subscription of estate.subscriptions) {
      const count = estate.count({ subscriptions: [subscription], types: listed });
      const vaults = backup && !vaultListedAnyway ? estate.count({ subscriptions: [subscription], types: [RECOVERY_VAULT_TYPE] }) : 0;
      if (listed.length > 0 || vaults > 0) add(parts, 'ARM Resources - List + Get', pages(count + vaults, AZURE_ARM_LIST_PAGE) + count);
      if (wantsTable(ASSESSMENT_TYPE)) add(parts, 'Azure Backup + Defender lists (ARM)', armPages((url) => listAssessments(estate, subscription, url, origin)));
    }
    if (backup) {
      for (const vault of estate.select({ types: [RECOVERY_VAULT_TYPE] })) {
        for (let k = 0; k < vault.count; k++) {
          if (wantsTable(PROTECTED_ITEM_TYPE)) add(parts, 'Azure Backup + Defender lists (ARM)', armPages((url) => listBackupProtectedItems(estate, vault, k, url, origin)));
          if (wantsTable(BACKUP_POLICY_TYPE)) add(parts, 'Azure Backup + Defender lists (ARM)', armPages((url) => listBackupPolicies(estate, vault, k, url, origin)));
        }
      }
    }
  }
  for (const [type, { parent, perParent }] of Object.entries(AZURE_PER_PARENT)) if (types.has(type)) add(parts, 'ARM child settings (per parent)', (perParent ?? 1) * estate.count({ types: [parent] }));
  if (types.has(AZURE_DIAGNOSTIC_SETTINGS)) add(parts, 'diagnostic settings (per resource)', estate.count({ types: diagnosticParents(controls) }));
  for (const type of AZURE_PER_SUBSCRIPTION) if (types.has(type)) add(parts, 'per-subscription reads', estate.subscriptions.length);
  const wantsRbac = (key: keyof typeof AZURE_RBAC): boolean => [...types].some((t) => t.toLowerCase() === AZURE_RBAC[key].toLowerCase());
  for (const subscription of estate.subscriptions) {
    // What the identity may read (listings omit the rest silently) comes from its role assignments: the
    // subscription's whole list when a control reads it anyway (one list serves both), else the identity's own
    // (`assignedTo`, one page); and each distinct role definition once (the sandbox's identity holds one role).
    if (wantsRbac('assignments')) add(parts, 'RBAC (ARM authorization)', armPages((url) => listRoleAssignments(estate, subscription, url, origin)));
    else if (listed.length > 0) add(parts, 'RBAC (ARM authorization)', 1);
    if (wantsRbac('definitions')) {
      add(parts, 'RBAC (ARM authorization)', armPages((url) => { url.searchParams.set('$filter', "type eq 'CustomRole'"); return listRoleDefinitions(estate, subscription, url, origin); }));
    }
    if (wantsRbac('classic')) add(parts, 'RBAC (ARM authorization)', armPages(() => listClassicAdministrators(estate, subscription)));
  }
  if (listed.length > 0) add(parts, 'RBAC (ARM authorization)', 1); // Role Definitions - Get of the identity's one role
  // Microsoft Graph, once for the tenant (graph/api/…): lists page at the server's size (graph/paging; the
  // sandbox's `graphPageSize`), users at up to 999 with `$top`. Directory roles: the list, then each role's
  // members (directoryrole-list-members), the documented way to read every member.
  const graphPage = estate.graphPageSize;
  const graph = (t: string): boolean => types.has(`microsoft.graph.${t}`);
  if (graph('identitySecurityDefaultsEnforcementPolicy')) add(parts, 'Microsoft Graph (Entra ID)', 1);
  if (graph('conditionalAccessPolicy')) add(parts, 'Microsoft Graph (Entra ID)', pages(SANDBOX_CA_POLICIES.length, graphPage));
  if (graph('userRegistrationDetails')) add(parts, 'Microsoft Graph (Entra ID)', pages(SANDBOX_USERS.length, graphPage));
  if (graph('user')) add(parts, 'Microsoft Graph (Entra ID)', pages(SANDBOX_USERS.length, Math.min(graphPage, MS_GRAPH_USERS_MAX_PAGE)));
  if (graph('directoryRole')) {
    add(parts, 'Microsoft Graph (Entra ID)', pages(SANDBOX_DIRECTORY_ROLES.length, graphPage));
    for (const role of SANDBOX_DIRECTORY_ROLES) add(parts, 'Microsoft Graph (Entra ID)', pages(SANDBOX_USERS.filter((u) => u.roles.includes(role.templateId)).length, graphPage));
  }
  return bound(parts);
}

/**
 * Cloud Asset, one project per scope: ListAssets takes many `assetTypes` but one `contentType` a request
 * (assets.list), so each project needs ceil(assets ÷ 1,000) pages per content type. Kansa's `type#iamPolicy`
 * names the IAM_POLICY content of `type`.
 */
export function gcpBound(estate: GcpEstate, types: ReadonlySet<string>, projects: readonly string[]): Bound {
  const byContent = { RESOURCE: [] as string[], IAM_POLICY: [] as string[], ORG_POLICY: [] as string[] };
  for (const t of types) {
    if (!/^[a-z0-9.-]+\.googleapis\.com\//.test(t)) continue;
    const [assetType = '', suffix] = t.split('#');
    (suffix === 'iamPolicy' ? byContent.IAM_POLICY : suffix === 'orgPolicy' ? byContent.ORG_POLICY : byContent.RESOURCE).push(assetType);
  }
  const parts: Record<string, number> = {};
  for (const project of projects)
    for (const contentType of ['RESOURCE', 'IAM_POLICY', 'ORG_POLICY'] as const) {
      const assetTypes = byContent[contentType];
      if (assetTypes.length > 0) add(parts, `ListAssets ${contentType}`, pages(estate.count([project], contentType, assetTypes), GCP_LIST_ASSETS_MAX_PAGE));
    }
  return bound(parts);
}
