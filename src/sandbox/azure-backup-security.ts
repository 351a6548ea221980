/**
 * ARM's own lists of what Resource Graph keeps in `recoveryservicesresources` and `securityresources`
 * (estate/azure-tables.ts), served from the same estate rows so either source sees the same backups and assessments:
 *
 * - Backup Protected Items - List, `GET {vault}/backupProtectedItems` (`$filter`, `$skipToken`), and Backup Policies -
 *   List, `GET {vault}/backupPolicies` (`$filter`): Azure/azure-rest-api-specs
 *   specification/recoveryservicesbackup/resource-manager/Microsoft.RecoveryServices/stable/2024-04-01/bms.json, both
 *   `x-ms-pageable` with `nextLinkName: nextLink`. Entries as in the spec's examples (BackupProtectedItems_List.json,
 *   BackupPolicies_List.json): `id`, `name`, `type` in ARM's casing, `properties`; no location.
 * - Assessments - List, `GET {scope}/providers/Microsoft.Security/assessments` with the scope a subscription:
 *   specification/security/resource-manager/Microsoft.Security/stable/2021-06-01/assessments.json, pageable by
 *   `nextLink`, no `$filter`. ARM spells `properties.resourceDetails` `{ source, id }` (common/v1/types.json
 *   AzureResourceDetails; example ListAssessments_example.json) where Resource Graph's rows carry `{ Source, Id }`.
 *
 * The spec documents the `nextLink` but no page size: pages hold the estate's `backupSecurityPageSize` entries (unset,
 * one page), further pages by an absolute `nextLink` carrying an opaque `$skiptoken`. The live bench's lower bound
 * follows these same pages (bench/bounds.ts).
 */
import type { AzureCell, AzureEstate } from './estate/azure.js';
import { ASSESSMENT_TYPE, AzureTableRows, BACKUP_POLICY_TYPE, PROTECTED_ITEM_TYPE, type RowSource } from './estate/azure-tables.js';
import { SandboxApiError } from './http.js';

type Json = Record<string, unknown>;

/** bms.json stable api-versions the sandbox serves (2024-04-01 is the one kansa sends). */
export const RECOVERY_SERVICES_BACKUP_API_VERSIONS: ReadonlySet<string> = new Set(['2023-04-01', '2024-04-01']);
/** assessments.json: 2021-06-01 is the stable version (2020-01-01 the older one). */
export const ASSESSMENTS_API_VERSIONS: ReadonlySet<string> = new Set(['2020-01-01', '2021-06-01']);

/** ARM's casing of the (lower-case) Resource Graph types. */
const ARM_TYPE: Readonly<Record<string, string>> = {
  [PROTECTED_ITEM_TYPE]: 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems',
  [BACKUP_POLICY_TYPE]: 'Microsoft.RecoveryServices/vaults/backupPolicies',
  [ASSESSMENT_TYPE]: 'Microsoft.Security/assessments',
};

/** A Resource Graph row back to the ARM body it was made from: the row's bookkeeping columns dropped. */
function armBody(row: Json): Json {
  const type = String(row.type);
  const properties = row.properties as Json;
  if (type !== ASSESSMENT_TYPE) return { id: row.id, name: row.name, type: ARM_TYPE[type] ?? type, properties };
  const details = properties.resourceDetails as { Source?: unknown; Id?: unknown };
  return { id: row.id, name: row.name, type: ARM_TYPE[type], properties: { ...properties, resourceDetails: { source: details.Source, id: details.Id } } };
}

/** `value` from `offset` on, at most `size` entries, rendering only the rows the page holds; `nextLink` while more remain. */
function page(sources: readonly RowSource[], url: URL, origin: string, size: number | undefined): Json {
  let total = 0;
  for (const source of sources) for (let k = 0; k < source.cell.count; k++) total += source.count(k);
  const token = url.searchParams.get('$skiptoken');
  const offset = token === null ? 0 : Number(token);
  if (!Number.isSafeInteger(offset) || offset < 0 || (offset > 0 && offset >= total)) throw new SandboxApiError(400, 'InvalidSkipToken', `The skip token '${token ?? ''}' is invalid.`);
  const limit = size ?? total;
  const value: Json[] = [];
  let skip = offset;
  for (const source of sources) {
    for (let k = 0; k < source.cell.count && value.length < limit; k++) {
      const n = source.count(k);
      if (skip >= n) {
        skip -= n;
        continue;
      }
      value.push(...source.render(k).slice(skip, skip + limit - value.length).map(armBody));
      skip = 0;
    }
  }
  if (offset + value.length >= total) return { value };
  const link = new URL(`${origin}${url.pathname}`);
  for (const [key, v] of url.searchParams) if (key !== '$skiptoken') link.searchParams.set(key, v);
  link.searchParams.set('$skiptoken', String(offset + value.length));
  return { value, nextLink: link.toString() };
}

/** Backup Protected Items - List of vault item `k` of `vault`. */
export function listBackupProtectedItems(estate: AzureEstate, vault: AzureCell, k: number, url: URL, origin: string): Json {
  return page(new AzureTableRows(estate).vaultSources(vault, k, PROTECTED_ITEM_TYPE), url, origin, estate.backupSecurityPageSize);
}

/** Backup Policies - List of vault item `k` of `vault`. */
export function listBackupPolicies(estate: AzureEstate, vault: AzureCell, k: number, url: URL, origin: string): Json {
  return page(new AzureTableRows(estate).vaultSources(vault, k, BACKUP_POLICY_TYPE), url, origin, estate.backupSecurityPageSize);
}

/** Assessments - List on a subscription: every assessment of every resource in it (no `$filter`). */
export function listAssessments(estate: AzureEstate, subscription: string, url: URL, origin: string): Json {
  return page(new AzureTableRows(estate).sources('securityresources', [subscription], [ASSESSMENT_TYPE], undefined), url, origin, estate.backupSecurityPageSize);
}
