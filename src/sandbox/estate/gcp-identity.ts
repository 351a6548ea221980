/**
 * The GCP estate's identity assets (issue 13), a fixed few per project on top of the resource split:
 * Cloud Resource Manager and Compute Engine projects, service-account keys, Cloud KMS key IAM policies and
 * the project's organization policies. Project 0 is the compliant one; project 1 fails every identity
 * control; later projects mix. Shapes follow what Cloud Asset Inventory records for each type:
 * - cloudresourcemanager.googleapis.com/Project: Resource Manager v1 Project
 *   (https://cloud.google.com/resource-manager/reference/rest/v1/projects);
 * - compute.googleapis.com/Project: Compute v1 Project, commonInstanceMetadata.items {key, value}
 *   (https://cloud.google.com/compute/docs/reference/rest/v1/projects), OS Login keys as documented in
 *   https://cloud.google.com/compute/docs/oslogin/set-up-oslogin;
 * - iam.googleapis.com/ServiceAccountKey: IAM v1 ServiceAccountKey, keyType USER_MANAGED / SYSTEM_MANAGED
 *   (https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts.keys); never key material;
 * - IAM_POLICY: google.iam.v1.Policy; ORG_POLICY: Asset.org_policy, repeated google.cloud.orgpolicy.v1.Policy
 *   (google/cloud/asset/v1/assets.proto, google/cloud/orgpolicy/v1/orgpolicy.proto).
 */

export type IdentityContentType = 'RESOURCE' | 'IAM_POLICY' | 'ORG_POLICY';

/** Per project: how many assets of each identity type and content type (ORG_POLICY only where policies are set). */
export const GCP_IDENTITY_ROWS: readonly { readonly type: string; readonly contentType: IdentityContentType; readonly count: (index: number) => number }[] = [
  { type: 'cloudresourcemanager.googleapis.com/Project', contentType: 'RESOURCE', count: () => 1 },
  { type: 'compute.googleapis.com/Project', contentType: 'RESOURCE', count: () => 1 },
  { type: 'iam.googleapis.com/ServiceAccountKey', contentType: 'RESOURCE', count: () => 3 },
  { type: 'cloudkms.googleapis.com/CryptoKey', contentType: 'IAM_POLICY', count: () => 2 },
  // Cloud Asset returns an ORG_POLICY asset only for resources with policies set: the third project has none.
  { type: 'cloudresourcemanager.googleapis.com/Project', contentType: 'ORG_POLICY', count: (index) => (index < 2 ? 1 : 0) },
];

const DAY_MS = 86_400_000;

export interface IdentityContext {
  readonly project: string;
  readonly index: number;
  readonly number: string;
  readonly k: number;
  /** The snapshot's read time: key ages are measured back from it, as a real key is so many days old now. */
  readonly now: Date;
}

export interface IdentityAsset {
  readonly name: string;
  readonly resource?: { readonly version: string; readonly discoveryDocumentUri: string; readonly discoveryName: string; readonly location: string; readonly data: Record<string, unknown> };
  readonly iamPolicy?: Record<string, unknown>;
  readonly orgPolicy?: Record<string, unknown>[];
}

const COMPUTE = 'https://www.googleapis.com/discovery/v1/apis/compute/v1/rest';
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** OS Login metadata per project: both keys, OS Login off, OS Login without 2-step verification. */
const OS_LOGIN: readonly (readonly { key: string; value: string }[])[] = [
  [{ key: 'enable-oslogin', value: 'TRUE' }, { key: 'enable-oslogin-2fa', value: 'TRUE' }],
  [{ key: 'enable-oslogin', value: 'FALSE' }, { key: 'startup-script', value: '#! /bin/bash\necho ok' }],
  [{ key: 'enable-oslogin', value: 'TRUE' }],
];

/** Key k of a project: 0 Google-managed, 1 user-managed and 200 days old, 2 user-managed and 30 days old. */
const KEYS = [
  { keyType: 'SYSTEM_MANAGED', ageDays: 10 },
  { keyType: 'USER_MANAGED', ageDays: 200 },
  { keyType: 'USER_MANAGED', ageDays: 30 },
] as const;

const boolean = (constraint: string, enforced: boolean) => ({ version: 1, constraint: `constraints/${constraint}`, booleanPolicy: { enforced } });
const list = (constraint: string, allowedValues: string[]) => ({ version: 1, constraint: `constraints/${constraint}`, listPolicy: { allowedValues } });

/** Organization policies set on project 0 (compliant) and project 1 (not). */
const ORG_POLICIES: readonly Record<string, unknown>[][] = [
  [
    boolean('iam.disableServiceAccountKeyCreation', true),
    boolean('compute.requireOsLogin', true),
    list('gcp.resourceLocations', ['in:asia-northeast1-locations', 'in:asia-northeast2-locations']),
    list('iam.allowedPolicyMemberDomains', ['C0sandbox1']),
  ],
  [boolean('iam.disableServiceAccountKeyCreation', false), list('gcp.resourceLocations', ['in:asia-northeast1-locations', 'in:us-locations'])],
];

export function identityAsset(type: string, contentType: IdentityContentType, c: IdentityContext): IdentityAsset | undefined {
  const { project, index, number, k } = c;
  const compliant = index === 0;
  if (contentType === 'ORG_POLICY' && type === 'cloudresourcemanager.googleapis.com/Project') {
    return { name: `//cloudresourcemanager.googleapis.com/projects/${number}`, orgPolicy: ORG_POLICIES[index] ?? [] };
  }
  if (contentType === 'IAM_POLICY' && type === 'cloudkms.googleapis.com/CryptoKey') {
    // Key 1 of project 1 is granted to a whole domain, of later projects to allAuthenticatedUsers (gcp-kms-key-not-public).
    const member = k === 0 || compliant ? `serviceAccount:app@${project}.iam.gserviceaccount.com` : index === 1 ? 'domain:example.jp' : 'allAuthenticatedUsers';
    return {
      name: `//cloudkms.googleapis.com/projects/${project}/locations/asia-northeast1/keyRings/ring/cryptoKeys/key-${k}`,
      iamPolicy: { version: 1, bindings: [{ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', members: [member] }], etag: Buffer.from('BwXkms') },
    };
  }
  if (contentType !== 'RESOURCE') return undefined;
  switch (type) {
    case 'cloudresourcemanager.googleapis.com/Project':
      return {
        name: `//cloudresourcemanager.googleapis.com/projects/${number}`,
        resource: {
          version: 'v1',
          discoveryDocumentUri: 'https://cloudresourcemanager.googleapis.com/$discovery/rest?version=v1',
          discoveryName: 'Project',
          location: 'global',
          data: { projectNumber: number, projectId: project, lifecycleState: 'ACTIVE', name: project, createTime: '2025-04-01T09:00:00Z', parent: index < 2 ? { type: 'folder', id: '300000000001' } : { type: 'organization', id: '900000000001' } },
        },
      };
    case 'compute.googleapis.com/Project':
      return {
        name: `//compute.googleapis.com/projects/${project}`,
        resource: {
          version: 'v1',
          discoveryDocumentUri: COMPUTE,
          discoveryName: 'Project',
          location: 'global',
          data: {
            id: number,
            name: project,
            kind: 'compute#project',
            selfLink: `https://www.googleapis.com/compute/v1/projects/${project}`,
            defaultServiceAccount: `${number}-compute@developer.gserviceaccount.com`,
            commonInstanceMetadata: { kind: 'compute#metadata', fingerprint: 'c2FuZGJveA==', items: OS_LOGIN[index % OS_LOGIN.length] },
          },
        },
      };
    case 'iam.googleapis.com/ServiceAccountKey': {
      // The compliant project keeps only Google-managed keys.
      const { keyType, ageDays } = compliant ? KEYS[0] : KEYS[k % KEYS.length]!;
      const email = `app@${project}.iam.gserviceaccount.com`;
      const keyId = `${(0xabc000 + index * 16 + k).toString(16)}0000000000000000000000000000000000`;
      const validAfter = c.now.getTime() - ageDays * DAY_MS;
      return {
        name: `//iam.googleapis.com/projects/${project}/serviceAccounts/1${number}${k}/keys/${keyId}`,
        resource: {
          version: 'v1',
          discoveryDocumentUri: 'https://iam.googleapis.com/$discovery/rest?version=v1',
          discoveryName: 'ServiceAccountKey',
          location: 'global',
          data: {
            name: `projects/${project}/serviceAccounts/${email}/keys/${keyId}`,
            validAfterTime: iso(validAfter),
            validBeforeTime: keyType === 'USER_MANAGED' ? '9999-12-31T23:59:59Z' : iso(validAfter + 730 * DAY_MS),
            keyAlgorithm: 'KEY_ALG_RSA_2048',
            keyOrigin: 'GOOGLE_PROVIDED',
            keyType,
          },
        },
      };
    }
    default:
      return undefined;
  }
}
