/**
 * Types that live in Resource Graph tables other than `resources`, read with one query per table over the
 * same subscriptions and paging as the `resources` query (resource-manager.ts).
 *
 * - `recoveryservicesresources` holds Azure Backup's protected items
 *   (`microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems`) and backup policies
 *   (`microsoft.recoveryservices/vaults/backuppolicies`), learn.microsoft.com/azure/governance/resource-graph/reference/supported-tables-resources#recoveryservicesresources.
 *   Their `properties` are the ARM bodies of Protected Items - Get (`sourceResourceId`, `policyId`,
 *   `protectionState`, `lastBackupStatus`, `protectedItemType`) and Protection Policies - Get (`backupManagementType`,
 *   `schedulePolicy`, `retentionPolicy.dailySchedule.retentionDuration: { count, durationType }`), Azure/azure-rest-api-specs
 *   specification/recoveryservicesbackup (bms.json).
 * - `securityresources` holds Defender for Cloud assessments (`microsoft.security/assessments`), one per resource and
 *   recommendation, with id `{resourceId}/providers/Microsoft.Security/assessments/{assessmentKey}`, `name` the key and
 *   `properties: { resourceDetails: { Source, Id }, displayName, status: { code: Healthy | Unhealthy | NotApplicable, cause, description } }`
 *   (learn.microsoft.com/rest/api/defenderforcloud/assessments/get). Only the machine vulnerability-assessment
 *   recommendations are read, by key — every resource has dozens of assessments and no control reads the others.
 *
 * With ARM as the source (or Resource Graph refusing the `resources` query), the same ARM bodies come from ARM's list
 * APIs instead (resource-manager.ts): Backup Protected Items - List and Backup Policies - List per Recovery Services
 * vault, Assessments - List per subscription, with the api-versions below. A list ARM refuses leaves its type a
 * coverage gap of the subscription, so controls over it are unknown, never passed on an empty list.
 */
import { AZURE_TYPES } from './normalize.js';

/**
 * Defender for Cloud assessment keys of the machine vulnerability-assessment recommendations
 * (learn.microsoft.com/azure/defender-for-cloud/recommendations-reference, "Compute recommendations").
 */
export const VULNERABILITY_ASSESSMENT_KEYS = {
  /** "Machines should have a vulnerability assessment solution". */
  solution: 'ffff0522-1e88-47fc-8382-2a80ba848f5d',
  /** "Machines should have vulnerability findings resolved". */
  findings: '1195afff-c881-495e-9bc5-1486211ae03f',
} as const;

/**
 * Backup Protected Items - List, Backup Policies - List: Azure/azure-rest-api-specs
 * specification/recoveryservicesbackup/resource-manager/Microsoft.RecoveryServices/stable/2024-04-01/bms.json.
 */
export const RECOVERY_SERVICES_BACKUP_API_VERSION = '2024-04-01';
/**
 * Assessments - List: Azure/azure-rest-api-specs
 * specification/security/resource-manager/Microsoft.Security/stable/2021-06-01/assessments.json.
 */
export const ASSESSMENTS_API_VERSION = '2021-06-01';

const ASSESSMENT_KEYS: ReadonlySet<string> = new Set(Object.values(VULNERABILITY_ASSESSMENT_KEYS));

/** An assessment's `name` is its key; the keys are GUIDs, compared case-insensitively as Resource Graph's `in~` does. */
export function isVulnerabilityAssessmentKey(name: unknown): boolean {
  return typeof name === 'string' && ASSESSMENT_KEYS.has(name.toLowerCase());
}

interface TableSpec {
  readonly table: string;
  /** Only rows with one of these names (case-insensitive): everything else of the type is left out on purpose. */
  readonly names?: readonly string[];
}

const TABLE_OF: Readonly<Record<string, TableSpec>> = {
  [AZURE_TYPES.protectedItem]: { table: 'recoveryservicesresources' },
  [AZURE_TYPES.backupPolicy]: { table: 'recoveryservicesresources' },
  [AZURE_TYPES.securityAssessment]: { table: 'securityresources', names: Object.values(VULNERABILITY_ASSESSMENT_KEYS) },
};

export function isGraphTableType(type: string): boolean {
  return TABLE_OF[type] !== undefined;
}

/** One fixed query per table and name filter, over the wanted types read from it; the projection is the ARM shape. */
export function graphTableQueries(types: readonly string[]): { readonly table: string; readonly types: readonly string[]; readonly query: string }[] {
  const groups = new Map<string, { table: string; names?: readonly string[]; types: string[] }>();
  for (const type of [...types].sort()) {
    const spec = TABLE_OF[type];
    if (!spec) continue;
    const key = `${spec.table}|${(spec.names ?? []).join(',')}`;
    const group = groups.get(key) ?? { table: spec.table, ...(spec.names ? { names: spec.names } : {}), types: [] };
    group.types.push(type);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => ({
    table: g.table,
    types: g.types,
    query: [
      g.table,
      `where type in~ (${g.types.map((t) => `'${t.toLowerCase()}'`).join(', ')})`,
      ...(g.names ? [`where name in~ (${g.names.map((n) => `'${n}'`).join(', ')})`] : []),
      'project id, name, type, properties',
      'order by id asc',
    ].join(' | '),
  }));
}

/** Why a Resource Graph table's types are not covered when Resource Graph refused the table's query (but not `resources`). */
export function graphDeniedReason(subscription: string, types: readonly string[]): { en: string; ja: string } {
  return {
    en: `${types.join(', ')} in subscription ${subscription} could not be read: Resource Graph refused kansa's identity the query of their table; grant Microsoft.ResourceGraph/resources/read (the Reader role has it), or set collectors.azure.source to arm to read them from ARM`,
    ja: `サブスクリプション ${subscription} の ${types.join('、')} を読み取れませんでした。Resource Graph がこれらのテーブルのクエリを kansa の ID に対して拒否しました。Microsoft.ResourceGraph/resources/read（閲覧者ロールに含まれます）を付与するか、ARM から読み取るよう collectors.azure.source を arm に設定してください`,
  };
}
