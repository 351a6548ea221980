/**
 * Least-privilege role definitions generated from the collectors' declarations and the resource types
 * the enabled controls read: an AWS IAM policy, an Azure custom role, a GCP custom role.
 */
import { stringify } from 'yaml';
import { AWS_PERMISSIONS } from '../../collectors/aws/permissions.js';
import { AZURE_PERMISSIONS } from '../../collectors/azure/permissions.js';
import { GCP_PERMISSIONS } from '../../collectors/gcp/permissions.js';
import type { AgentConfig } from '../config/schema.js';
import { Evaluation } from '../evaluate/evaluate.js';
import type { Control } from '../mappings/controls.js';
import type { ProviderId } from '../model/resource.js';
import { isReadOnlyAction, type PermissionDeclaration } from './model.js';

export const PERMISSION_DECLARATIONS: Readonly<Record<ProviderId, PermissionDeclaration>> = {
  aws: AWS_PERMISSIONS,
  azure: AZURE_PERMISSIONS,
  gcp: GCP_PERMISSIONS,
};

export const PROVIDERS = Object.keys(PERMISSION_DECLARATIONS) as ProviderId[];

/** Every collection mode a declaration distinguishes: the default when no configuration is given. */
export function allModes(declaration: PermissionDeclaration): Set<string> {
  return new Set(declaration.operations.flatMap((o) => o.modes ?? []));
}

/** The modes a configuration uses (undefined: the provider's collector is not configured; use all). */
export function modesOf(provider: ProviderId, config: AgentConfig): Set<string> | undefined {
  switch (provider) {
    case 'aws': {
      const aws = config.collectors.aws;
      return aws ? new Set([aws.aggregator ? 'aggregator' : 'accounts']) : undefined;
    }
    case 'azure': {
      const azure = config.collectors.azure;
      if (!azure) return undefined;
      const modes = new Set<string>([azure.source]);
      if (azure.source === 'resourceGraph' && azure.fallbackToArm) modes.add('arm');
      if (azure.subscriptions.length === 0 && azure.discoverSubscriptions) modes.add('discovery');
      return modes;
    }
    case 'gcp':
      return config.collectors.gcp ? new Set() : undefined;
  }
}

export interface GeneratedOperation {
  readonly operation: string;
  readonly actions: readonly string[];
  readonly reason: string;
  readonly graphPermissions?: readonly string[];
}

export interface GeneratedPermissions {
  readonly provider: ProviderId;
  readonly collector: string;
  /** Sorted, unique, read-only. */
  readonly actions: readonly string[];
  readonly operations: readonly GeneratedOperation[];
  /** Resource types the enabled controls read (they decide the operations and the per-type actions). */
  readonly resourceTypes: readonly string[];
  /** Microsoft Graph application permissions (Azure identity controls), sorted; not part of the role document. */
  readonly graphPermissions: readonly string[];
}

export function generatePermissions(
  provider: ProviderId,
  controls: readonly Control[],
  modes?: ReadonlySet<string>,
  declaration: PermissionDeclaration = PERMISSION_DECLARATIONS[provider],
): GeneratedPermissions {
  const wantedModes = modes ?? allModes(declaration);
  const types = [...Evaluation.typesNeeded(controls.filter((c) => c.provider === provider))].sort();
  const operations = declaration.operations.filter(
    (o) => (!o.modes || o.modes.some((m) => wantedModes.has(m))) && (o.forTypesMatching === undefined || types.some((t) => new RegExp(o.forTypesMatching!).test(t))),
  );
  const perType = declaration.perResourceType;
  const typeActions = perType
    ? types.flatMap((type) => {
        if (perType.skipTypesMatching && new RegExp(perType.skipTypesMatching).test(type)) return [];
        const base = perType.stripTypeSuffix ? type.replace(new RegExp(perType.stripTypeSuffix), '') : type;
        return perType.actions.map((a) => a.replaceAll('{type}', base));
      })
    : [];
  const actions = [...new Set([...operations.flatMap((o) => o.actions), ...typeActions])].sort();
  const writes = actions.filter((a) => !isReadOnlyAction(provider, a));
  // A declaration that asks for anything but reads is a programming error, never shipped as a role.
  if (writes.length > 0) throw new Error(`${provider} permission declaration asks for non-read-only actions: ${writes.join(', ')}`);
  return {
    provider,
    collector: declaration.collector,
    actions,
    operations: operations.map((o) => ({ operation: o.operation, actions: o.actions, reason: o.reason, ...(o.graphPermissions ? { graphPermissions: o.graphPermissions } : {}) })),
    resourceTypes: types,
    graphPermissions: [...new Set(operations.flatMap((o) => o.graphPermissions ?? []))].sort(),
  };
}

export const ROLE_FORMATS = ['json', 'yaml', 'table'] as const;
export type RoleFormat = (typeof ROLE_FORMATS)[number];

export interface RoleOptions {
  /** Azure AssignableScopes (default: a placeholder subscription to replace). */
  readonly assignableScopes?: readonly string[];
}

const ROLE_NAME = 'kansa-reader';
const DESCRIPTION = 'Read-only access for the kansa compliance agent (クラウドサービス調達仕様): generated by `kansa permissions` from what its collectors call and its controls read.';

/** The role document in each cloud's own format (what `aws iam create-policy`, `az role definition create`, `gcloud iam roles create --file` take). */
export function roleDocument(generated: GeneratedPermissions, options: RoleOptions = {}): Record<string, unknown> {
  switch (generated.provider) {
    case 'aws':
      return { Version: '2012-10-17', Statement: [{ Sid: 'KansaReadAwsConfig', Effect: 'Allow', Action: [...generated.actions], Resource: '*' }] };
    case 'azure':
      return {
        Name: ROLE_NAME,
        IsCustom: true,
        Description: DESCRIPTION,
        Actions: [...generated.actions],
        NotActions: [],
        DataActions: [],
        NotDataActions: [],
        AssignableScopes: [...(options.assignableScopes ?? ['/subscriptions/00000000-0000-0000-0000-000000000000'])],
      };
    case 'gcp':
      return { title: ROLE_NAME, description: DESCRIPTION, stage: 'GA', includedPermissions: [...generated.actions] };
  }
}

export function renderRole(generated: GeneratedPermissions, format: RoleFormat, options: RoleOptions = {}): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(roleDocument(generated, options), null, 2)}\n`;
    case 'yaml':
      return stringify(roleDocument(generated, options), { lineWidth: 0 });
    case 'table': {
      const lines = [`${generated.provider} (${generated.collector}): ${generated.actions.length} read-only actions for ${generated.resourceTypes.length} resource types`, ''];
      for (const o of generated.operations) {
        const needs = o.graphPermissions ? `Microsoft Graph: ${o.graphPermissions.join(', ')}` : o.actions.join(', ') || '(per resource type)';
        lines.push(`  ${o.operation.padEnd(36)} ${needs}`, `  ${''.padEnd(36)} ${o.reason}`);
      }
      lines.push('', '  actions:', ...generated.actions.map((a) => `    ${a}`));
      if (generated.graphPermissions.length > 0) lines.push('', '  Microsoft Graph application permissions (app registration, admin consent; not in the role):', ...generated.graphPermissions.map((p) => `    ${p}`));
      return `${lines.join('\n')}\n`;
    }
  }
}
