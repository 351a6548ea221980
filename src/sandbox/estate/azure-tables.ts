/**
 * Rows of Resource Graph's `recoveryservicesresources` and `securityresources` tables for the sandbox estate
 * (issue #14: 8-2 VM backup, 5-1 machine vulnerability assessment), derived from the estate's VMs and vaults
 * without storing anything per VM.
 *
 * Shapes (properties are the ARM bodies; Resource Graph lower-cases `type`):
 * - protected items, Protected Items - Get / `AzureIaaSVMProtectedItem` (Azure/azure-rest-api-specs
 *   specification/recoveryservicesbackup, bms.json): `protectedItemType`, `backupManagementType`, `workloadType`,
 *   `sourceResourceId`, `virtualMachineId`, `policyId`, `protectionState` (Invalid, IRPending, Protected,
 *   ProtectionError, ProtectionStopped, ProtectionPaused, BackupsSuspended), `lastBackupStatus`, `lastBackupTime`;
 *   id `{vault}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;{rg};{vm}/protectedItems/VM;iaasvmcontainerv2;{rg};{vm}`.
 * - backup policies, Protection Policies - Get / `AzureIaaSVMProtectionPolicy`: `schedulePolicy`
 *   (SimpleSchedulePolicy V1, SimpleSchedulePolicyV2 for enhanced policies) and `retentionPolicy`
 *   (LongTermRetentionPolicy: `dailySchedule` / `weeklySchedule` … `.retentionDuration: { count, durationType }`).
 * - assessments, Assessments - Get (learn.microsoft.com/rest/api/defenderforcloud/assessments/get): id
 *   `{vm}/providers/Microsoft.Security/assessments/{key}`, `properties.resourceDetails`, `displayName`, `status.code`.
 *
 * Azure Backup protects a VM only from a vault in the VM's region (backup/backup-support-matrix-iaas), so only the
 * VMs beside the first subscription's vault (japaneast) are protected. The profile, by VM index k:
 * - backup (first subscription, vault region): k % 8 in 0–3 enhanced daily policy kept 60 days; 4 the default
 *   policy (30 days, under the 35 the control asks); 5 protection stopped; 6 a weekly-only policy; 7 not protected.
 *   Every other VM has no protected item.
 * - vulnerability assessment follows the subscription's Defender for Servers plan (`VirtualMachines` pricing, which
 *   ships Microsoft Defender Vulnerability Management): on Standard (the first subscription) every VM has a solution
 *   (Healthy) and a findings assessment, Unhealthy for k % 5 == 2; on Free (the others) the solution assessment is
 *   Unhealthy and there is no findings assessment. A VM Defender has not assessed at all is left to the control
 *   tests: in the default estate it would make 5-1 unknown for the demo. Each scale set also has an assessment no control
 *   reads (VMSS_ENDPOINT_PROTECTION_KEY), which readers must leave out.
 */
import { AZURE_SANDBOX_TENANT, type AzureCell, type AzureEstate } from './azure.js';

type Json = Record<string, unknown>;

export const PROTECTED_ITEM_TYPE = 'microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems';
export const BACKUP_POLICY_TYPE = 'microsoft.recoveryservices/vaults/backuppolicies';
export const ASSESSMENT_TYPE = 'microsoft.security/assessments';
/** The Resource Graph tables the sandbox serves besides `resources`, with the (lower-case) types each holds. */
export const GRAPH_TABLES: Readonly<Record<string, readonly string[]>> = {
  recoveryservicesresources: [PROTECTED_ITEM_TYPE, BACKUP_POLICY_TYPE],
  securityresources: [ASSESSMENT_TYPE],
};

/** Assessment keys (learn.microsoft.com/azure/defender-for-cloud/recommendations-reference). */
export const VA_SOLUTION_KEY = 'ffff0522-1e88-47fc-8382-2a80ba848f5d';
export const VA_FINDINGS_KEY = '1195afff-c881-495e-9bc5-1486211ae03f';
/**
 * An assessment no control reads, so that Assessments - List (which has no `$filter`) and the table hold more than the
 * two keys kansa keeps: "Install endpoint protection solution on virtual machine scale sets", the key of
 * ListAssessments_example.json (Azure/azure-rest-api-specs specification/security/.../stable/2021-06-01/examples/Assessments).
 */
export const VMSS_ENDPOINT_PROTECTION_KEY = '21300918-b2e3-0346-785f-c77ff57d243b';

const VM_TYPE = 'Microsoft.Compute/virtualMachines';
const VMSS_TYPE = 'Microsoft.Compute/virtualMachineScaleSets';
const VAULT_TYPE = 'Microsoft.RecoveryServices/vaults';

const POLICIES: readonly { name: string; properties: Json }[] = [
  {
    name: 'EnhancedPolicy-60d',
    properties: {
      backupManagementType: 'AzureIaasVM',
      policyType: 'V2',
      instantRpRetentionRangeInDays: 7,
      timeZone: 'Tokyo Standard Time',
      schedulePolicy: { schedulePolicyType: 'SimpleSchedulePolicyV2', scheduleRunFrequency: 'Daily', dailySchedule: { scheduleRunTimes: ['2024-01-01T18:00:00Z'] } },
      retentionPolicy: { retentionPolicyType: 'LongTermRetentionPolicy', dailySchedule: { retentionTimes: ['2024-01-01T18:00:00Z'], retentionDuration: { count: 60, durationType: 'Days' } } },
    },
  },
  {
    name: 'DefaultPolicy',
    properties: {
      backupManagementType: 'AzureIaasVM',
      policyType: 'V1',
      instantRpRetentionRangeInDays: 2,
      timeZone: 'UTC',
      schedulePolicy: { schedulePolicyType: 'SimpleSchedulePolicy', scheduleRunFrequency: 'Daily', scheduleRunTimes: ['2024-01-01T18:00:00Z'], scheduleWeeklyFrequency: 0 },
      retentionPolicy: { retentionPolicyType: 'LongTermRetentionPolicy', dailySchedule: { retentionTimes: ['2024-01-01T18:00:00Z'], retentionDuration: { count: 30, durationType: 'Days' } } },
    },
  },
  {
    name: 'WeeklyPolicy',
    properties: {
      backupManagementType: 'AzureIaasVM',
      policyType: 'V1',
      instantRpRetentionRangeInDays: 5,
      timeZone: 'UTC',
      schedulePolicy: { schedulePolicyType: 'SimpleSchedulePolicy', scheduleRunFrequency: 'Weekly', scheduleRunDays: ['Sunday'], scheduleRunTimes: ['2024-01-01T18:00:00Z'], scheduleWeeklyFrequency: 0 },
      retentionPolicy: { retentionPolicyType: 'LongTermRetentionPolicy', weeklySchedule: { daysOfTheWeek: ['Sunday'], retentionTimes: ['2024-01-01T18:00:00Z'], retentionDuration: { count: 12, durationType: 'Weeks' } } },
    },
  },
];

/** One unit of rows: a cell whose item k yields `count(k)` rows, rendered only when a page needs them. */
export interface RowSource {
  readonly cell: AzureCell;
  count(k: number): number;
  render(k: number): Json[];
}

/** A Resource Graph row around an ARM-shaped body (the columns of the `resources` rows). */
function row(body: { id: string; name: string; type: string; location: string; properties: Json }): Json {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(body.id);
  return { ...body, tenantId: AZURE_SANDBOX_TENANT, kind: '', resourceGroup: (m?.[2] ?? '').toLowerCase(), subscriptionId: m?.[1] ?? '', managedBy: '', sku: null, plan: null, tags: {}, identity: null, zones: null, extendedLocation: null };
}

export class AzureTableRows {
  constructor(private readonly estate: AzureEstate) {}

  /** The vault a VM's backups could go to: the first subscription's, in its region (none elsewhere). */
  private vaultFor(vm: AzureCell): { id: string; location: string } | undefined {
    const vault = this.estate.select({ subscriptions: [vm.subscription], types: [VAULT_TYPE] }).find((c) => c.location === vm.location);
    return vault && vm.subscriptionIndex === 0 ? { id: this.estate.idOf(vault, 0), location: vault.location } : undefined;
  }

  /** The row sources of a table over the given subscriptions, for the (lower-case) types asked, in a stable order. */
  sources(table: string, subscriptions: readonly string[], types: readonly string[], names: readonly string[] | undefined): RowSource[] {
    const vms = this.estate.select({ subscriptions, types: [VM_TYPE] });
    const named = (name: string): boolean => names === undefined || names.includes(name.toLowerCase());
    const out: RowSource[] = [];
    if (table === 'recoveryservicesresources') {
      if (types.includes(BACKUP_POLICY_TYPE)) {
        for (const vault of this.estate.select({ subscriptions, types: [VAULT_TYPE] })) {
          const vaultId = this.estate.idOf(vault, 0);
          const policies = POLICIES.filter((p) => named(p.name));
          out.push({
            cell: vault,
            count: (k) => (k === 0 ? policies.length : 0),
            render: () => policies.map((p) => row({ id: `${vaultId}/backupPolicies/${p.name}`, name: p.name, type: BACKUP_POLICY_TYPE, location: vault.location, properties: p.properties })),
          });
        }
      }
      if (types.includes(PROTECTED_ITEM_TYPE)) {
        for (const vm of vms) {
          const vault = this.vaultFor(vm);
          if (!vault) continue;
          const shape = (k: number): number => k % 8;
          out.push({
            cell: vm,
            count: (k) => (shape(k) === 7 || !named(this.itemName(vm, k)) ? 0 : 1),
            render: (k) => [this.protectedItem(vm, k, vault, shape(k))],
          });
        }
      }
    }
    if (table === 'securityresources' && types.includes(ASSESSMENT_TYPE)) {
      const servers = new Map(subscriptions.map((s) => [s, this.estate.subscriptionPricings(s).some((p) => p.name === 'VirtualMachines' && (p.properties as Json).pricingTier === 'Standard')]));
      for (const vm of vms) {
        const scanned = servers.get(vm.subscription) ?? false;
        const keys = scanned ? [VA_SOLUTION_KEY, VA_FINDINGS_KEY].filter(named) : [VA_SOLUTION_KEY].filter(named);
        out.push({ cell: vm, count: () => keys.length, render: (k) => keys.map((key) => this.assessment(vm, k, key, scanned)) });
      }
      if (named(VMSS_ENDPOINT_PROTECTION_KEY)) {
        for (const scaleSet of this.estate.select({ subscriptions, types: [VMSS_TYPE] })) out.push({ cell: scaleSet, count: () => 1, render: (k) => [this.endpointProtection(scaleSet, k)] });
      }
    }
    return out;
  }

  /**
   * One vault's rows of a recoveryservicesresources type (lower-case), as Backup Protected Items - List and Backup
   * Policies - List return them per vault: its policies, and the items of the VMs it protects.
   */
  vaultSources(vault: AzureCell, k: number, type: string): RowSource[] {
    const vaultId = this.estate.idOf(vault, k).toLowerCase();
    return this.sources('recoveryservicesresources', [vault.subscription], [type], undefined).filter((source) =>
      type === BACKUP_POLICY_TYPE ? source.cell === vault && k === 0 : this.vaultFor(source.cell)?.id.toLowerCase() === vaultId,
    );
  }

  /** Rows a query of the table returns over these subscriptions (the live bench's lower bound counts their pages). */
  count(table: string, subscriptions: readonly string[], types: readonly string[], names?: readonly string[]): number {
    let n = 0;
    for (const source of this.sources(table, subscriptions, types, names)) for (let k = 0; k < source.cell.count; k++) n += source.count(k);
    return n;
  }

  private itemName(vm: AzureCell, k: number): string {
    const id = this.estate.idOf(vm, k);
    const rg = /\/resourceGroups\/([^/]+)\//i.exec(id)?.[1] ?? '';
    return `VM;iaasvmcontainerv2;${rg};${id.slice(id.lastIndexOf('/') + 1)}`;
  }

  private protectedItem(vm: AzureCell, k: number, vault: { id: string; location: string }, shape: number): Json {
    const vmId = this.estate.idOf(vm, k);
    const name = this.itemName(vm, k);
    const container = name.replace(/^VM;/, 'IaasVMContainer;');
    const policy = shape === 4 ? 'DefaultPolicy' : shape === 6 ? 'WeeklyPolicy' : 'EnhancedPolicy-60d';
    const stopped = shape === 5;
    return row({
      id: `${vault.id}/backupFabrics/Azure/protectionContainers/${container}/protectedItems/${name}`,
      name,
      type: PROTECTED_ITEM_TYPE,
      location: vault.location,
      properties: {
        protectedItemType: 'Microsoft.Compute/virtualMachines',
        backupManagementType: 'AzureIaasVM',
        workloadType: 'VM',
        containerName: container.replace(/^IaasVMContainer;/, ''),
        friendlyName: vmId.slice(vmId.lastIndexOf('/') + 1),
        sourceResourceId: vmId,
        virtualMachineId: vmId,
        // Stopping protection (retaining data) detaches the policy.
        policyId: stopped ? '' : `${vault.id}/backupPolicies/${policy}`,
        ...(stopped ? {} : { policyName: policy }),
        protectionStatus: 'Healthy',
        protectionState: stopped ? 'ProtectionStopped' : 'Protected',
        healthStatus: 'Passed',
        lastBackupStatus: 'Completed',
        lastBackupTime: '2026-12-06T18:10:00Z',
        lastRecoveryPoint: '2026-12-06T18:12:00Z',
        isScheduledForDeferredDelete: false,
      },
    });
  }

  /** Shaped as the spec's example: Healthy, no metadata. */
  private endpointProtection(scaleSet: AzureCell, k: number): Json {
    const id = this.estate.idOf(scaleSet, k);
    return row({
      id: `${id}/providers/Microsoft.Security/assessments/${VMSS_ENDPOINT_PROTECTION_KEY}`,
      name: VMSS_ENDPOINT_PROTECTION_KEY,
      type: ASSESSMENT_TYPE,
      location: '',
      properties: { resourceDetails: { Source: 'Azure', Id: id }, displayName: 'Install endpoint protection solution on virtual machine scale sets', status: { code: 'Healthy' } },
    });
  }

  private assessment(vm: AzureCell, k: number, key: string, scanned: boolean): Json {
    const vmId = this.estate.idOf(vm, k);
    const solution = key === VA_SOLUTION_KEY;
    const healthy = scanned && (solution || k % 5 !== 2);
    return row({
      id: `${vmId}/providers/Microsoft.Security/assessments/${key}`,
      name: key,
      type: ASSESSMENT_TYPE,
      location: '',
      properties: {
        resourceDetails: { Source: 'Azure', Id: vmId },
        displayName: solution ? 'Machines should have a vulnerability assessment solution' : 'Machines should have vulnerability findings resolved',
        status: healthy ? { code: 'Healthy', firstEvaluationDate: '2026-11-01T00:00:00Z', statusChangeDate: '2026-11-01T00:00:00Z' } : { code: 'Unhealthy', firstEvaluationDate: '2026-11-01T00:00:00Z', statusChangeDate: '2026-11-20T00:00:00Z' },
        metadata: { severity: solution ? 'Medium' : 'Low', assessmentType: 'BuiltIn' },
        links: { azurePortal: `portal.azure.com/#blade/Microsoft_Azure_Security/RecommendationsBlade/assessmentKey/${key}` },
      },
    });
  }
}
