/**
 * The live bench's call lower bounds (bench/bounds.ts) on small estates whose bounds are computed here by
 * hand from the documented page sizes and the sandbox's documented per-account shapes
 * (src/sandbox/estate/aws-monitoring.ts, aws-cloudtrail.ts, aws-identity.ts, aws-services.ts;
 * src/sandbox/azure-rbac.ts, azure-msgraph.ts), and the per-family split the bench prints.
 */
import { awsBound, azureBound, byFamily, familyOf, OTHER_FAMILY } from '../../bench/bounds.js';
import type { Control } from '../../src/mappings/controls.js';
import type { AwsEstateDescription } from '../../src/sandbox/estate/aws.js';
import { AzureEstate } from '../../src/sandbox/estate/azure.js';
import { AzureTableRows } from '../../src/sandbox/estate/azure-tables.js';

const A0 = '111111111111';
const A1 = '222222222222';
const TOKYO = 'ap-northeast-1';
const VIRGINIA = 'us-east-1';

/** Two accounts × two regions, Tokyo the home region. */
const estate: AwsEstateDescription = {
  seed: 1,
  requestedResources: 900,
  total: 900,
  accounts: [A0, A1],
  regions: [TOKYO, VIRGINIA],
  managementAccount: A0,
  homeRegion: TOKYO,
  scopes: [
    { account: A0, region: TOKYO, type: 'AWS::EC2::SecurityGroup', count: 150 },
    { account: A0, region: 'global', type: 'AWS::IAM::Role', count: 30 },
    { account: A0, region: TOKYO, type: 'AWS::S3::Bucket', count: 120 },
    // Read from CloudWatch Logs (a handful a region there), never from Select.
    { account: A0, region: TOKYO, type: 'AWS::Logs::LogGroup', count: 500 },
    { account: A1, region: VIRGINIA, type: 'AWS::S3::Bucket', count: 100 },
  ],
};

const CONFIG_TYPES = ['AWS::EC2::SecurityGroup', 'AWS::IAM::Role', 'AWS::S3::Bucket'];
const DIRECT_TYPES = [
  'AWS::Config::ConfigurationRecorder',
  'AWS::Logs::LogGroup',
  'AWS::Logs::MetricFilter',
  'AWS::CloudWatch::MetricAlarm',
  'AWS::CloudTrail::TrailStatus',
  'AWS::IAM::CredentialReportUser',
  'AWS::IAM::AccountSummary',
  'AWS::IAM::PasswordPolicy',
  'AWS::EC2::PublicSnapshots',
  'AWS::EC2::PublicImages',
  'AWS::Inspector2::AccountStatus',
  'AWS::SecurityHub::HubStatus',
  'AWS::Lambda::FunctionUrls',
];

describe('AWS lower bound', () => {
  it('counts every API family from the estate and the documented page sizes', () => {
    const b = awsBound(estate, new Set([...CONFIG_TYPES, ...DIRECT_TYPES]));
    expect(b.parts).toEqual({
      // A0 Tokyo: 150 + 30 (IAM, recorded in the home region) + 120 = 300 rows → 3 pages; A0 Virginia empty → 1;
      // A1 Tokyo empty → 1; A1 Virginia 100 → 1. The 500 log-group items are not Select's.
      'AWS Config Select': 6,
      // No BatchGet: Select rows carry S3 buckets' supplementary configuration (select_s3_bucket_no_sse.json).
      // DescribeConfigurationRecorders and …Status, per account × region.
      'AWS Config recorders': 8,
      // GetCallerIdentity + one ListRegions page (2 regions ≤ 50), per account.
      'STS + account regions': 4,
      // A0 Tokyo: 56 log groups → 2 (50 a page), 70 filters → 2, 105 alarms → 2 (100 a page); every other
      // account × region: one (possibly empty) page of each → 3 × 3.
      'CloudWatch (Logs)': 15,
      // DescribeSnapshots and DescribeImages, one page each (a handful), per account × region.
      'EC2 snapshots + AMIs': 8,
      // BatchGetAccountStatus and DescribeHub per account × region.
      'Inspector + Security Hub': 8,
      // GetCredentialReport (a fresh report exists), GetAccountSummary, ListVirtualMFADevices (both roots have MFA),
      // GetAccountPasswordPolicy: 4 per account.
      IAM: 8,
      // One multi-Region trail per account: DescribeTrails in one region + GetTrailStatus + GetEventSelectors.
      CloudTrail: 6,
      // A0 Tokyo: 55 functions → 2 ListFunctions pages (50 a page) + 55 ListFunctionUrlConfigs; every other
      // account × region: 3 functions → 1 + 3.
      'Lambda function URLs': 57 + 3 * 4,
    });
    expect(b.total).toBe(63 + 69);
  });

  it('counts only the families the needed types read through', () => {
    const b = awsBound(estate, new Set(['AWS::EC2::SecurityGroup']));
    // A0 Tokyo 150 → 2; the other three account × regions one empty page each.
    expect(b.parts).toEqual({ 'AWS Config Select': 5, 'AWS Config recorders': 8, 'STS + account regions': 4 });
  });

  it('leaves out ListVirtualMFADevices where the root user has no MFA (the third sandbox account)', () => {
    const three: AwsEstateDescription = { ...estate, accounts: [A0, A1, '333333333333'], scopes: [] };
    expect(awsBound(three, new Set(['AWS::IAM::AccountSummary'])).parts['IAM']).toBe(2 + 2 + 1);
  });
});

/** What the Azure bound reads of a control: its types. */
const control = (...types: string[]): Control => ({ resourceTypes: types, context: [] }) as unknown as Control;

describe('Azure lower bound', () => {
  // Two subscriptions; RBAC lists paged 3 at a time and Graph lists 5 at a time by the sandbox (neither ARM nor
  // Graph documents a fixed page for them: any reader follows the server's nextLink).
  const azure = new AzureEstate({ resources: 10, seed: 1, rbacPageSize: 3, graphPageSize: 5 });

  it('counts the RBAC lists per subscription and Microsoft Graph once for the tenant', () => {
    const b = azureBound(
      azure,
      [
        control('Microsoft.Authorization/roleAssignments', 'Microsoft.Authorization/roleDefinitions', 'Microsoft.Authorization/classicAdministrators'),
        control('microsoft.graph.identitySecurityDefaultsEnforcementPolicy', 'microsoft.graph.conditionalAccessPolicy', 'microsoft.graph.userRegistrationDetails', 'microsoft.graph.directoryRole', 'microsoft.graph.user'),
      ],
      'resourceGraph',
    );
    // Subscription 1: 2 owners + 1 resource-group owner + the identity's assignment = 4 → 2 pages; subscription 2:
    // 5 + 1 + 1 = 7 → 3 pages. One custom-role page and one classic-administrator page each.
    // Graph: security defaults 1; 2 Conditional Access policies → 1; 13 users' registration details → 3;
    // 13 users → 3; directory roles 3 → 1, then members: 6 Global Administrators → 2, 1 User Administrator → 1,
    // 1 Security Reader → 1.
    expect(b.parts).toEqual({ 'RBAC (ARM authorization)': 2 + 1 + 1 + (3 + 1 + 1), 'Microsoft Graph (Entra ID)': 1 + 1 + 3 + 3 + (1 + 2 + 1 + 1) });
  });

  it('reads the role assignments once when a control reads them: the same list tells what the identity may read', () => {
    const b = azureBound(azure, [control('Microsoft.Authorization/roleAssignments', 'Microsoft.Storage/storageAccounts')], 'resourceGraph');
    // 2 + 3 pages of every assignment, and the identity's one role definition (Role Definitions - Get).
    expect(b.parts['RBAC (ARM authorization)']).toBe(2 + 3 + 1);
    const without = azureBound(azure, [control('Microsoft.Storage/storageAccounts')], 'resourceGraph');
    // Only the identity's own assignments (`assignedTo`, one page a subscription) and its role definition.
    expect(without.parts['RBAC (ARM authorization)']).toBe(2 + 1);
  });

  it('reads each other Resource Graph table once (backup items and policies together), and nothing of them through ARM', () => {
    const backup = ['Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems', 'Microsoft.RecoveryServices/vaults/backupPolicies'];
    const assessments = 'Microsoft.Security/assessments';
    // Ten resources: fewer than 1,000 rows in each table, so one page each: `resources`, `recoveryservicesresources`, `securityresources`.
    expect(azureBound(azure, [control('Microsoft.Compute/virtualMachines', ...backup, assessments)], 'resourceGraph').parts['Resource Graph']).toBe(3);
    expect(azureBound(azure, [control('Microsoft.Compute/virtualMachines', ...backup)], 'resourceGraph').parts['Resource Graph']).toBe(2);
    expect(azureBound(azure, [control('Microsoft.Compute/virtualMachines', ...backup, assessments)], 'arm').parts['Resource Graph']).toBeUndefined();
  });

  it('through ARM, counts every page of each vault\'s backup lists and of each subscription\'s assessments, and lists the vaults', () => {
    const backup = ['Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems', 'Microsoft.RecoveryServices/vaults/backupPolicies'];
    const assessments = 'Microsoft.Security/assessments';
    const page = 7;
    const estate = new AzureEstate({ resources: 400, seed: 1, backupSecurityPageSize: page });
    const rows = new AzureTableRows(estate);
    const [first = '', second = ''] = estate.subscriptions;
    const items = rows.count('recoveryservicesresources', [first], ['microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems']);
    // Every assessment of the subscription is listed (Assessments - List has no $filter), not only the two keys read.
    const listed = (s: string): number => rows.count('securityresources', [s], ['microsoft.security/assessments']);
    expect(items).toBeGreaterThan(page);
    const b = azureBound(estate, [control('Microsoft.Compute/virtualMachines', ...backup, assessments)], 'arm');
    // One vault (the first subscription's): ceil(items ÷ 7) pages of protected items, one page of three policies.
    expect(b.parts['Azure Backup + Defender lists (ARM)']).toBe(Math.ceil(items / page) + 1 + Math.ceil(listed(first) / page) + Math.ceil(listed(second) / page));
    // The vault is listed (its id names the lists) though no control reads it: one more entry in the first subscription's listing.
    const vms = (s: string): number => estate.count({ subscriptions: [s], types: ['Microsoft.Compute/virtualMachines'] });
    expect(b.parts['ARM Resources - List + Get']).toBe(Math.ceil((vms(first) + 1) / 1000) + vms(first) + Math.ceil(vms(second) / 1000) + vms(second));
    expect(familyOf('azure', 'ListBackupProtectedItems')).toBe('Azure Backup + Defender lists (ARM)');
    expect(familyOf('azure', 'ListSecurityAssessments')).toBe('Azure Backup + Defender lists (ARM)');
  });
});

describe('calls by API family', () => {
  it('maps the provider operations to their family and names what no family bounds', () => {
    expect(familyOf('aws', 'GetTrailStatus')).toBe('CloudTrail');
    expect(familyOf('azure', 'ListClassicAdministrators')).toBe('RBAC (ARM authorization)');
    expect(familyOf('aws', 'GetFunctionUrlConfig')).toBe(OTHER_FAMILY);
    const rows = byFamily('aws', { SelectResourceConfig: 7, DescribeTrails: 3, GetTrailStatus: 1, GetFunctionUrlConfig: 2 }, { total: 10, parts: { 'AWS Config Select': 6, CloudTrail: 4 } });
    expect(rows).toEqual([
      { family: 'AWS Config Select', calls: 7, bound: 6 },
      { family: 'CloudTrail', calls: 4, bound: 4 },
      { family: OTHER_FAMILY, calls: 2, bound: 0 },
    ]);
  });

  it('sums GCP content types into the one ListAssets operation', () => {
    expect(byFamily('gcp', { ListAssets: 12 }, { total: 11, parts: { 'ListAssets RESOURCE': 8, 'ListAssets IAM_POLICY': 3 } })).toEqual([{ family: 'ListAssets', calls: 12, bound: 11 }]);
  });
});
