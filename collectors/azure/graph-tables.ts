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
 * ARM has list APIs for these (Backup Protected Items - List and Backup Policies - List per vault, Assessments - List
 * per scope) but the ARM fallback does not call them: where Resource Graph is off or refused the types are a coverage
 * gap with that reason, so controls over them are unknown, never passed on an empty list.
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

/** Why a Resource Graph table's types are not covered when ARM is the source (or Resource Graph refused kansa). */
export function graphOnlyReason(subscription: string, types: readonly string[], why: 'arm' | 'denied'): { en: string; ja: string } {
  return why === 'arm'
    ? {
        en: `${types.join(', ')} in subscription ${subscription} are read from Resource Graph only, and collectors.azure.source is arm: set it to resourceGraph (the default) to judge them`,
        ja: `サブスクリプション ${subscription} の ${types.join('、')} は Resource Graph からのみ読み取りますが、collectors.azure.source が arm です。判定するには resourceGraph（既定値）に設定してください`,
      }
    : {
        en: `${types.join(', ')} in subscription ${subscription} are read from Resource Graph only, which refused kansa's identity (the ARM fallback does not read them): grant Microsoft.ResourceGraph/resources/read (the Reader role has it)`,
        ja: `サブスクリプション ${subscription} の ${types.join('、')} は Resource Graph からのみ読み取りますが、Resource Graph が kansa の ID を拒否しました（ARM へのフォールバックでは読み取りません）。Microsoft.ResourceGraph/resources/read（閲覧者ロールに含まれます）を付与してください`,
      };
}
