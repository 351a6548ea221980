/**
 * Every Azure API operation collectors/azure/resource-manager.ts can call, and the RBAC actions it
 * needs. Plain data: `kansa permissions --provider azure` and deploy/iam/azure-role.json are generated
 * from it plus `<type>/read` for every resource type the enabled controls read (Resource Graph returns
 * only the rows the caller may read; ARM GETs need the same action). Child settings (blob service,
 * SQL auditing and firewall rules, TDE and long-term retention, flexible-server parameters, diagnostic settings) are types of their own, so they get
 * theirs the same way, as do the rows of Resource Graph's other tables (collectors/azure/graph-tables.ts: Azure Backup
 * protected items and policies, Defender for Cloud assessments), which Resource Graph leaves out unless `<type>/read` is granted;
 * read through ARM they are listed per vault and per subscription (ListBackupProtectedItems needs its own action).
 * Modes: `resourceGraph`, `arm` (the source, or the fallback) and `discovery` (no subscriptions listed); Subscriptions
 * List is called in every mode (discovery, or the visibility check of the listed subscriptions).
 */
import type { PermissionDeclaration } from '../../src/permissions/model.js';

export const AZURE_PERMISSIONS: PermissionDeclaration = {
  provider: 'azure',
  collector: 'azure-resource-manager',
  operations: [
    {
      operation: 'ListSubscriptions',
      actions: ['Microsoft.Resources/subscriptions/read'],
      reason: 'lists the subscriptions the identity can see: the ones to collect when none are listed, else to confirm each listed one is visible',
    },
    {
      operation: 'ListRoleAssignments',
      actions: ['Microsoft.Authorization/roleAssignments/read'],
      reason: "lists the identity's own role assignments per subscription: listings leave out what it may not read, so kansa checks which types a subscription-wide role lets it read",
    },
    {
      operation: 'GetRoleDefinition',
      actions: ['Microsoft.Authorization/roleDefinitions/read'],
      reason: 'reads the actions and notActions of each role assigned to the identity (once a scan per role)',
    },
    {
      operation: 'ListResourceGraphResources',
      actions: ['Microsoft.ResourceGraph/resources/read'],
      modes: ['resourceGraph'],
      reason: 'one Resource Graph query returns up to 1,000 resources with their properties (tables resources; recoveryservicesresources for Azure Backup items and policies; securityresources for Defender assessments)',
    },
    {
      operation: 'ListResources',
      actions: ['Microsoft.Resources/subscriptions/resources/read'],
      modes: ['arm'],
      reason: 'ARM resources.list per type, where Resource Graph is off or not permitted',
    },
    { operation: 'GetResourceById', actions: [], modes: ['arm'], reason: 'ARM GET of each listed resource with its api-version (needs <type>/read)' },
    // Without Resource Graph, Azure Backup's items and policies are listed per Recovery Services vault and Defender's
    // assessments per subscription (resource-manager.ts ARM_TABLE_CHILDREN, armAssessments); the `<type>/read` actions
    // (policies, assessments) come from the per-type rule below.
    {
      operation: 'ListBackupProtectedItems',
      actions: ['Microsoft.RecoveryServices/Vaults/backupProtectedItems/read'],
      modes: ['arm'],
      forTypesMatching: '^Microsoft\\.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems$',
      reason: 'Backup Protected Items - List (every page) of each Recovery Services vault, where Resource Graph is off or not permitted (in the Backup Reader and Reader roles)',
    },
    {
      operation: 'ListBackupPolicies',
      actions: [],
      modes: ['arm'],
      forTypesMatching: '^Microsoft\\.RecoveryServices/vaults/backupPolicies$',
      reason: 'Backup Policies - List (every page) of each Recovery Services vault, where Resource Graph is off or not permitted',
    },
    {
      operation: 'ListSecurityAssessments',
      actions: [],
      modes: ['arm'],
      forTypesMatching: '^Microsoft\\.Security/assessments$',
      reason: 'Defender for Cloud Assessments - List (every page) of each subscription, kept: the two machine vulnerability-assessment keys; where Resource Graph is off or not permitted',
    },
    { operation: 'GetBlobServiceProperties', actions: [], forTypesMatching: '^Microsoft\\.Storage/storageAccounts/blobServices$', reason: 'blob service settings of each storage account' },
    { operation: 'ListFlowLogs', actions: [], forTypesMatching: '^Microsoft\\.Network/networkWatchers/flowLogs$', reason: 'NSG / virtual network flow logs of each network watcher (enabled, retention)' },
    { operation: 'ListServerFirewallRules', actions: [], forTypesMatching: '^Microsoft\\.Sql/servers/firewallRules$', reason: 'firewall rules of each SQL server (an all-addresses rule)' },
    { operation: 'GetServerAuditingSettings', actions: [], forTypesMatching: '^Microsoft\\.Sql/servers/auditingSettings$', reason: 'auditing settings of each SQL server' },
    { operation: 'GetTransparentDataEncryption', actions: [], forTypesMatching: '^Microsoft\\.Sql/servers/databases/transparentDataEncryption$', reason: 'TDE state of each SQL database' },
    { operation: 'GetLongTermRetentionPolicy', actions: [], forTypesMatching: '^Microsoft\\.Sql/servers/databases/backupLongTermRetentionPolicies$', reason: 'long-term backup retention policy of each SQL database' },
    {
      operation: 'GetServerParameter',
      actions: [],
      forTypesMatching: '^Microsoft\\.DBfor(PostgreSQL|MySQL)/flexibleServers/configurations$',
      reason: 'TLS parameters (require_secure_transport, tls_version) of each PostgreSQL / MySQL flexible server',
    },
    { operation: 'ListDiagnosticSettings', actions: [], forTypesMatching: '^Microsoft\\.Insights/diagnosticSettings$', reason: 'diagnostic settings of the resources controls read' },
    { operation: 'ListSecurityPricings', actions: [], forTypesMatching: '^Microsoft\\.Security/pricings$', reason: 'Defender for Cloud plan (pricing tier) of each subscription' },
    { operation: 'GetSubscription', actions: [], forTypesMatching: '^Microsoft\\.Resources/subscriptions$', reason: 'each subscription itself, the resource subscription-wide controls (activity-log alerts) are judged on' },
    { operation: 'ListSecurityContacts', actions: [], forTypesMatching: '^Microsoft\\.Security/securityContacts$', reason: 'Defender for Cloud security contacts (alert e-mail recipients) of each subscription' },
    { operation: 'ListSubscriptionDiagnosticSettings', actions: [], forTypesMatching: '^Microsoft\\.Insights/diagnosticSettings$', reason: 'activity-log export settings of each subscription' },
    // Azure RBAC of each subscription (collectors/azure/authorization.ts, @azure/arm-authorization); the
    // `<type>/read` actions come from the per-type rule below.
    {
      operation: 'ListSubscriptionRoleAssignments',
      actions: [],
      forTypesMatching: '^Microsoft\\.Authorization/roleAssignments$',
      reason: 'Role Assignments - List For Subscription (every page): who holds Owner on each subscription',
    },
    {
      operation: 'ListCustomRoleDefinitions',
      actions: [],
      forTypesMatching: '^Microsoft\\.Authorization/roleDefinitions$',
      reason: "Role Definitions - List at the subscription, $filter=type eq 'CustomRole': custom roles allowing every action (*)",
    },
    {
      operation: 'ListClassicAdministrators',
      actions: [],
      forTypesMatching: '^Microsoft\\.Authorization/classicAdministrators$',
      reason: 'Classic Administrators - List (api-version 2015-07-01): classic Co-Administrators of each subscription',
    },
    // Entra ID (collectors/azure/entra.ts): Microsoft Graph application permissions, least privileged per the
    // Graph v1.0 reference page of each endpoint; one operation per type the identity controls read.
    {
      operation: 'GetSecurityDefaultsPolicy',
      actions: [],
      graphPermissions: ['Policy.Read.All'],
      forTypesMatching: '^microsoft\\.graph\\.identitySecurityDefaultsEnforcementPolicy$',
      reason: 'GET /policies/identitySecurityDefaultsEnforcementPolicy: whether security defaults (MFA for everyone) are on',
    },
    {
      operation: 'ListConditionalAccessPolicies',
      actions: [],
      graphPermissions: ['Policy.Read.All'],
      forTypesMatching: '^microsoft\\.graph\\.conditionalAccessPolicy$',
      reason: 'GET /identity/conditionalAccess/policies: which users, roles and apps must use MFA (needs Entra ID P1; without it the controls are unknown)',
    },
    {
      operation: 'ListUserRegistrationDetails',
      actions: [],
      graphPermissions: ['AuditLog.Read.All'],
      forTypesMatching: '^microsoft\\.graph\\.userRegistrationDetails$',
      reason: 'GET /reports/authenticationMethods/userRegistrationDetails: whether each user (and admin) has MFA registered',
    },
    {
      operation: 'ListDirectoryRoles',
      actions: [],
      graphPermissions: ['RoleManagement.Read.Directory'],
      forTypesMatching: '^microsoft\\.graph\\.directoryRole$',
      reason: 'GET /directoryRoles: the activated directory roles (Global Administrator…)',
    },
    {
      operation: 'ListDirectoryRoleMembers',
      actions: [],
      graphPermissions: ['RoleManagement.Read.Directory'],
      forTypesMatching: '^microsoft\\.graph\\.directoryRole$',
      reason: 'GET /directoryRoles/{id}/members: who holds each role (Global Administrator count, guests with roles)',
    },
    {
      operation: 'ListUsers',
      actions: [],
      graphPermissions: ['User.Read.All', 'AuditLog.Read.All'],
      forTypesMatching: '^microsoft\\.graph\\.user$',
      reason: 'GET /users?$select=…,signInActivity: last sign-in of each account (needs Entra ID P1; without it the stale-account control is unknown)',
    },
  ],
  perResourceType: { actions: ['{type}/read'], stripTypeSuffix: '#.*$', skipTypesMatching: '^microsoft\\.graph\\.' },
};
