/**
 * Every GCP API operation collectors/gcp/cloud-asset.ts can call, and the IAM permissions it needs.
 * Plain data: `kansa permissions --provider gcp` and deploy/iam/gcp-role.yaml are generated from it.
 * ListAssets needs one permission per content type on the parent (project, folder or organization);
 * the collector asks for IAM_POLICY or ORG_POLICY only when an enabled control reads `…#iamPolicy` or
 * `…#orgPolicy`, and for RESOURCE when one reads a plain asset type.
 */
import type { PermissionDeclaration } from '../../src/permissions/model.js';

export const GCP_PERMISSIONS: PermissionDeclaration = {
  provider: 'gcp',
  collector: 'gcp-cloud-asset',
  operations: [
    {
      operation: 'ListAssets',
      actions: ['cloudasset.assets.listResource'],
      forTypesMatching: '^[^#]+$',
      reason: 'ListAssets with content type RESOURCE: the resource data of the asset types enabled controls read',
    },
    {
      operation: 'ListAssets',
      actions: ['cloudasset.assets.listIamPolicy'],
      forTypesMatching: '#iamPolicy$',
      reason: 'ListAssets with content type IAM_POLICY (audit-log configuration, bindings)',
    },
    {
      operation: 'ListAssets',
      actions: ['cloudasset.assets.listOrgPolicy'],
      forTypesMatching: '#orgPolicy$',
      reason: 'ListAssets with content type ORG_POLICY (organization policy constraints)',
    },
  ],
};
