/**
 * GCP identity controls (issue 13) on real-shaped Cloud Asset assets: IAM_POLICY content (google.iam.v1.Policy),
 * ORG_POLICY content (Asset.org_policy, repeated google.cloud.orgpolicy.v1.Policy — google/cloud/asset/v1/assets.proto),
 * IAM v1 ServiceAccountKey and Compute v1 Project / Instance resources.
 */
import { normalizeAsset } from '../../../collectors/gcp/normalize.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import type { CollectionScope } from '../../../src/model/resource.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';
import { asset, findings, reasonsJa } from './support.js';

const CRM = 'cloudresourcemanager.googleapis.com';
const ANCESTORS = ['projects/123456789012', 'folders/300000000001', 'organizations/900000000001'];

const policyOf = (kind: 'Project' | 'Folder' | 'Organization', id: string, bindings: unknown[]) => ({
  name: `//${CRM}/${kind.toLowerCase()}s/${id}`,
  assetType: `${CRM}/${kind}`,
  ancestors: kind === 'Project' ? [`projects/${id}`, 'organizations/900000000001'] : [`${kind.toLowerCase()}s/${id}`],
  iamPolicy: { version: 1, bindings },
});

const orgPolicies = (kind: 'Project' | 'Folder' | 'Organization', id: string, orgPolicy: unknown) => ({
  name: `//${CRM}/${kind.toLowerCase()}s/${id}`,
  assetType: `${CRM}/${kind}`,
  ancestors: kind === 'Project' ? ANCESTORS : kind === 'Folder' ? ANCESTORS.slice(1) : ANCESTORS.slice(2),
  updateTime: '2026-10-30T09:00:00Z',
  orgPolicy,
});

// Cloud Resource Manager v3 Project as Cloud Asset records it.
const project = (number: string, ancestors: readonly string[] | null = ANCESTORS) => ({
  name: `//${CRM}/projects/${number}`,
  assetType: `${CRM}/Project`,
  ...(ancestors === null ? {} : { ancestors: [`projects/${number}`, ...ancestors.slice(1)] }),
  resource: { version: 'v3', parent: '//cloudresourcemanager.googleapis.com/folders/300000000001', data: { name: `projects/${number}`, projectId: 'kansa-prod', state: 'ACTIVE', parent: 'folders/300000000001' } },
});

const boolean = (constraint: string, enforced: boolean) => ({ version: 1, constraint: `constraints/${constraint}`, booleanPolicy: { enforced } });
const locations = (allowedValues: string[], extra: Record<string, unknown> = {}) => ({ version: 1, constraint: 'constraints/gcp.resourceLocations', listPolicy: { allowedValues, ...extra } });

describe('gcp-iam-no-primitive-roles-for-people', () => {
  it('fails owner/editor granted to users, groups or domains, passes service-only and narrower roles, is unknown for a malformed policy', () => {
    const f = findings(
      [
        policyOf('Project', '1', [{ role: 'roles/owner', members: ['user:admin@example.jp', 'serviceAccount:ci@p.iam.gserviceaccount.com'] }, { role: 'roles/editor', members: ['group:ops@example.jp'] }]),
        policyOf('Project', '2', [{ role: 'roles/viewer', members: ['user:auditor@example.jp'] }, { role: 'roles/editor', members: ['serviceAccount:ci@p.iam.gserviceaccount.com'] }]),
        policyOf('Organization', '3', [{ role: 'roles/owner', members: ['domain:example.jp'] }]),
        { ...policyOf('Folder', '4', []), iamPolicy: 'not a policy' },
      ],
      'gcp-iam-no-primitive-roles-for-people',
    );
    expect(f['1']).toEqual({ status: 'fail', reason: 'basic roles granted to people: roles/owner → user:admin@example.jp, roles/editor → group:ops@example.jp' });
    expect(f['2']).toEqual({ status: 'pass' });
    expect(f['3']?.status).toBe('fail');
    expect(f['4']?.status).toBe('unknown');
    expect(reasonsJa([policyOf('Project', '1', [{ role: 'roles/owner', members: ['user:admin@example.jp'] }])], 'gcp-iam-no-primitive-roles-for-people')['1']).toBe(
      '基本ロールが人に付与されています: roles/owner → user:admin@example.jp',
    );
  });
});

describe('gcp-iam-sa-no-admin-roles', () => {
  it('fails service accounts holding editor or *Admin roles, passes people and narrow roles, is unknown without bindings data', () => {
    const f = findings(
      [
        policyOf('Project', '1', [{ role: 'roles/editor', members: ['serviceAccount:123-compute@developer.gserviceaccount.com'] }]),
        policyOf('Project', '2', [{ role: 'roles/iam.serviceAccountAdmin', members: ['serviceAccount:ci@p.iam.gserviceaccount.com'] }, { role: 'roles/storage.admin', members: ['user:a@example.jp'] }]),
        policyOf('Project', '3', [{ role: 'roles/storage.objectViewer', members: ['serviceAccount:app@p.iam.gserviceaccount.com'] }, { role: 'roles/owner', members: ['user:a@example.jp'] }]),
        { ...policyOf('Project', '4', []), iamPolicy: ['bindings'] },
      ],
      'gcp-iam-sa-no-admin-roles',
    );
    expect(f['1']).toEqual({ status: 'fail', reason: 'administrative roles granted to service accounts: roles/editor → serviceAccount:123-compute@developer.gserviceaccount.com' });
    expect(f['2']).toEqual({ status: 'fail', reason: 'administrative roles granted to service accounts: roles/iam.serviceAccountAdmin → serviceAccount:ci@p.iam.gserviceaccount.com' });
    expect(f['3']).toEqual({ status: 'pass' });
    expect(f['4']?.status).toBe('unknown');
  });
});

describe('gcp-iam-no-sa-user-roles-at-project-level', () => {
  it('fails project-level Service Account User grants and passes policies without them', () => {
    const f = findings(
      [policyOf('Project', '1', [{ role: 'roles/iam.serviceAccountUser', members: ['group:dev@example.jp'] }]), policyOf('Project', '2', [{ role: 'roles/viewer', members: ['group:dev@example.jp'] }])],
      'gcp-iam-no-sa-user-roles-at-project-level',
    );
    expect(f['1']).toEqual({ status: 'fail', reason: 'roles that impersonate every service account are granted: roles/iam.serviceAccountUser → group:dev@example.jp' });
    expect(f['2']).toEqual({ status: 'pass' });
  });
});

// IAM v1 ServiceAccountKey (https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts.keys).
const key = (id: string, data: Record<string, unknown>) => {
  const name = `projects/kansa-prod/serviceAccounts/app@kansa-prod.iam.gserviceaccount.com/keys/${id}`;
  return asset('iam.googleapis.com/ServiceAccountKey', `//iam.googleapis.com/${name}`, { name, keyAlgorithm: 'KEY_ALG_RSA_2048', keyOrigin: 'GOOGLE_PROVIDED', validBeforeTime: '9999-12-31T23:59:59Z', ...data });
};
/** Keys read through the normalizer with the snapshot's read time, as the collector reads them. */
const READ_TIME = '2026-11-01T00:00:00Z';
const keyFindings = (assets: Record<string, unknown>[], control: string, readTime: string | null = READ_TIME) => findings(assets, control, readTime === null ? {} : { readTime });

describe('service-account keys', () => {
  it('normalizes keys: drops key material, measures age against the read time, leaves it out without one', () => {
    const [withTime] = normalizeAsset(key('k1', { keyType: 'USER_MANAGED', validAfterTime: '2026-07-01T00:00:00Z', privateKeyData: 'c2VjcmV0', publicKeyData: 'cHVibGlj' }), { readTime: READ_TIME });
    expect(withTime?.configuration).toMatchObject({ keyType: 'USER_MANAGED', disabled: false, ageDays: 123 });
    expect(JSON.stringify(withTime)).not.toMatch(/privateKeyData|publicKeyData|c2VjcmV0/);
    const [withoutTime] = normalizeAsset(key('k1', { keyType: 'USER_MANAGED', validAfterTime: '2026-07-01T00:00:00Z' }));
    expect(withoutTime?.configuration).not.toHaveProperty('ageDays');
  });

  it('gcp-iam-sa-no-user-managed-keys fails user-managed keys, ignores Google-managed ones, is unknown without keyType', () => {
    const f = keyFindings([key('user', { keyType: 'USER_MANAGED', validAfterTime: '2026-10-01T00:00:00Z' }), key('system', { keyType: 'SYSTEM_MANAGED', validAfterTime: '2026-10-01T00:00:00Z' }), key('untyped', { validAfterTime: '2026-10-01T00:00:00Z' })], 'gcp-iam-sa-no-user-managed-keys');
    expect(f.user).toEqual({ status: 'fail', reason: 'user-managed service account key user exists' });
    expect(f.system).toBeUndefined();
    expect(f.untyped).toEqual({ status: 'unknown', reason: "cannot evaluate: the key's keyType is not recorded" });
  });

  it('gcp-iam-sa-key-rotated-90-days passes young keys, fails old ones with their age, is unknown without the key time or the read time', () => {
    const assets = [
      key('young', { keyType: 'USER_MANAGED', validAfterTime: '2026-09-01T00:00:00Z' }),
      key('old', { keyType: 'USER_MANAGED', validAfterTime: '2026-06-01T00:00:00Z' }),
      key('old-disabled', { keyType: 'USER_MANAGED', validAfterTime: '2026-06-01T00:00:00Z', disabled: true }),
      key('undated', { keyType: 'USER_MANAGED' }),
    ];
    const f = keyFindings(assets, 'gcp-iam-sa-key-rotated-90-days');
    expect(f.young).toEqual({ status: 'pass' });
    expect(f.old).toEqual({ status: 'fail', reason: 'service account key old was created 153 days before the inventory was read' });
    expect(f['old-disabled']).toBeUndefined();
    expect(f.undated?.status).toBe('unknown');
    expect(f.undated?.reason).toMatch(/age is unknown/);
    // No read time (a file without it): no age, never a pass.
    expect(keyFindings(assets, 'gcp-iam-sa-key-rotated-90-days', null).young?.status).toBe('unknown');
    expect(reasonsJa([assets[1]!], 'gcp-iam-sa-key-rotated-90-days', { readTime: READ_TIME }).old).toBe('サービスアカウント キー old は作成から 153 日経過しています（インベントリ取得時点）');
  });
});

describe('organization policies', () => {
  it('normalizes Asset.org_policy by constraint; an unknown shape makes the #orgPolicy resource malformed', () => {
    const [ok] = normalizeAsset(orgPolicies('Project', '123456789012', [boolean('iam.disableServiceAccountKeyCreation', true), locations(['in:asia-northeast1-locations'], { allValues: 0 }), { constraint: 'constraints/compute.requireOsLogin', restoreDefault: {} }]));
    expect(ok?.type).toBe(`${CRM}/Project#orgPolicy`);
    expect(ok?.configuration).toEqual({
      policies: {
        'iam.disableServiceAccountKeyCreation': { kind: 'boolean', enforced: true },
        'gcp.resourceLocations': { kind: 'list', allowedValues: ['in:asia-northeast1-locations'], deniedValues: [], allValues: '', inheritFromParent: false },
        'compute.requireOsLogin': { kind: 'restoreDefault' },
      },
    });
    // An organization's or folder's own policies are accounted to it, not to a project.
    expect(normalizeAsset(orgPolicies('Organization', '900000000001', [boolean('compute.requireOsLogin', true)]))[0]?.account).toBe('organizations/900000000001');
    expect(normalizeAsset(policyOf('Folder', '300000000001', []))[0]?.account).toBe('folders/300000000001');
    const [bad] = normalizeAsset(orgPolicies('Project', '1', { constraint: 'constraints/x' }));
    expect(bad?.malformed).toMatch(/expected a list of policies/);
    const [unnamed] = normalizeAsset(orgPolicies('Project', '1', [{ booleanPolicy: { enforced: true } }]));
    expect(unnamed?.malformed).toMatch(/names no constraint/);
  });

  const KEYS = 'gcp-org-policy-sa-key-creation-disabled';
  it(`${KEYS}: inherited enforcement passes, a project override or no policy fails, no ancestors is unknown`, () => {
    const org = orgPolicies('Organization', '900000000001', [boolean('iam.disableServiceAccountKeyCreation', true)]);
    expect(findings([project('123456789012'), org], KEYS)['123456789012']).toEqual({ status: 'pass' });
    const override = orgPolicies('Project', '123456789012', [boolean('iam.disableServiceAccountKeyCreation', false)]);
    expect(findings([project('123456789012'), org, override], KEYS)['123456789012']).toEqual({ status: 'fail', reason: 'project 123456789012: constraints/iam.disableServiceAccountKeyCreation is not enforced' });
    expect(findings([project('123456789012')], KEYS)['123456789012']).toEqual({
      status: 'fail',
      reason: 'project 123456789012: constraints/iam.disableServiceAccountKeyCreation is set neither on the project nor on any collected folder or organization',
    });
    expect(findings([project('123456789012', null), org], KEYS)['123456789012']?.status).toBe('unknown');
  });

  const DOMAINS = 'gcp-org-policy-allowed-member-domains';
  it(`${DOMAINS}: a list of customer ids passes; allow-all or none fails`, () => {
    const verdict = (...assets: unknown[]) => findings([project('123456789012'), ...assets], DOMAINS)['123456789012'];
    const domains = (listPolicy: Record<string, unknown>) => orgPolicies('Organization', '900000000001', [{ version: 1, constraint: 'constraints/iam.allowedPolicyMemberDomains', listPolicy }]);
    expect(verdict(domains({ allowedValues: ['C0abc123'] }))).toEqual({ status: 'pass' });
    expect(verdict(domains({ allValues: 'ALLOW' }))).toEqual({ status: 'fail', reason: 'project 123456789012: iam.allowedPolicyMemberDomains is not limited to named customer ids' });
    expect(verdict()?.status).toBe('fail');
    expect(findings([project('123456789012', null), domains({ allowedValues: ['C0abc123'] })], DOMAINS)['123456789012']?.status).toBe('unknown');
  });

  const LOCATIONS = 'gcp-org-policy-resource-locations-japan';
  it(`${LOCATIONS}: Japanese allowed values pass; foreign, allow-all, inherited foreign or none fail; no ancestors is unknown`, () => {
    const verdict = (...assets: unknown[]) => findings([project('123456789012'), ...assets], LOCATIONS)['123456789012'];
    expect(verdict(orgPolicies('Folder', '300000000001', [locations(['in:asia-northeast1-locations', 'in:asia-northeast2-locations', 'asia1', 'asia-northeast1-b'])]))).toEqual({ status: 'pass' });
    expect(verdict(orgPolicies('Organization', '900000000001', [locations(['in:asia-northeast1-locations', 'in:us-locations'])]))).toEqual({
      status: 'fail',
      reason: 'project 123456789012: gcp.resourceLocations allows locations outside Japan (in:us-locations)',
    });
    expect(verdict(orgPolicies('Organization', '900000000001', [locations([], { allValues: 'ALLOW' })]))?.status).toBe('fail');
    // The project inherits its parent's values: the organization's foreign value counts.
    expect(
      verdict(
        orgPolicies('Project', '123456789012', [locations(['in:asia-northeast1-locations'], { inheritFromParent: true })]),
        orgPolicies('Organization', '900000000001', [locations(['in:europe-locations'])]),
      )?.status,
    ).toBe('fail');
    // A project override without inheritance decides alone.
    expect(verdict(orgPolicies('Project', '123456789012', [locations(['in:asia-northeast1-locations'])]), orgPolicies('Organization', '900000000001', [locations(['in:europe-locations'])]))).toEqual({ status: 'pass' });
    expect(verdict()?.status).toBe('fail');
    expect(findings([project('123456789012', null)], LOCATIONS)['123456789012']?.status).toBe('unknown');
  });
});

// Compute v1 Project (https://cloud.google.com/compute/docs/reference/rest/v1/projects).
const computeProject = (id: string, items: { key: string; value: string }[] | undefined) => ({
  ...asset('compute.googleapis.com/Project', `//compute.googleapis.com/projects/${id}`, { id: '123456789012', name: id, ...(items === undefined ? {} : { commonInstanceMetadata: { kind: 'compute#metadata', fingerprint: 'abc=', items } }) }),
  ancestors: ANCESTORS,
});

describe('OS Login', () => {
  it('gcp-compute-os-login-enabled: metadata TRUE or an enforced compute.requireOsLogin passes, otherwise fails, unknown without metadata', () => {
    const f = findings(
      [computeProject('on', [{ key: 'enable-oslogin', value: 'TRUE' }]), computeProject('off', [{ key: 'enable-oslogin', value: 'FALSE' }]), computeProject('unset', []), computeProject('unrecorded', undefined)],
      'gcp-compute-os-login-enabled',
    );
    expect(f.on).toEqual({ status: 'pass' });
    expect(f.off).toEqual({ status: 'fail', reason: 'project off: metadata enable-oslogin is not TRUE and organization policy compute.requireOsLogin is not enforced' });
    expect(f.unset?.status).toBe('fail');
    expect(f.unrecorded).toEqual({ status: 'unknown', reason: 'cannot evaluate: the project-wide metadata (commonInstanceMetadata) is not recorded' });
    const required = orgPolicies('Organization', '900000000001', [boolean('compute.requireOsLogin', true)]);
    expect(findings([computeProject('unset', []), required], 'gcp-compute-os-login-enabled').unset).toEqual({ status: 'pass' });
  });

  it('gcp-compute-os-login-2fa: both keys TRUE pass, a missing 2fa key fails naming it, unknown without metadata', () => {
    const f = findings(
      [computeProject('both', [{ key: 'enable-oslogin', value: 'true' }, { key: 'enable-oslogin-2fa', value: 'TRUE' }]), computeProject('no2fa', [{ key: 'enable-oslogin', value: 'TRUE' }]), computeProject('unrecorded', undefined)],
      'gcp-compute-os-login-2fa',
    );
    expect(f.both).toEqual({ status: 'pass' });
    expect(f.no2fa).toEqual({ status: 'fail', reason: 'project no2fa: metadata enable-oslogin-2fa is not TRUE' });
    expect(f.unrecorded?.status).toBe('unknown');
    expect(reasonsJa([computeProject('no2fa', [])], 'gcp-compute-os-login-2fa').no2fa).toBe('プロジェクト no2fa でメタデータ enable-oslogin、enable-oslogin-2fa が TRUE ではありません');
  });
});

describe('gcp-compute-default-sa-full-api-access', () => {
  const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';
  const vm = (name: string, serviceAccounts?: unknown[]) =>
    asset('compute.googleapis.com/Instance', `//compute.googleapis.com/projects/kansa-prod/zones/asia-northeast1-a/instances/${name}`, { name, status: 'RUNNING', ...(serviceAccounts === undefined ? {} : { serviceAccounts }) }, 'asia-northeast1-a');
  it('fails the default compute SA with cloud-platform, passes a dedicated SA, narrow scopes or none, skips GKE nodes', () => {
    const f = findings(
      [
        vm('full', [{ email: '123456789012-compute@developer.gserviceaccount.com', scopes: [CLOUD_PLATFORM] }]),
        vm('narrow', [{ email: '123456789012-compute@developer.gserviceaccount.com', scopes: ['https://www.googleapis.com/auth/devstorage.read_only'] }]),
        vm('dedicated', [{ email: 'app@kansa-prod.iam.gserviceaccount.com', scopes: [CLOUD_PLATFORM] }]),
        vm('none'),
        vm('gke-pool-1', [{ email: '123456789012-compute@developer.gserviceaccount.com', scopes: [CLOUD_PLATFORM] }]),
        { ...vm('broken'), resource: { data: 'not an object' } },
      ],
      'gcp-compute-default-sa-full-api-access',
    );
    expect(f.full).toEqual({ status: 'fail', reason: 'VM full uses the default service account 123456789012-compute@developer.gserviceaccount.com with the cloud-platform scope' });
    expect(f.narrow).toEqual({ status: 'pass' });
    expect(f.dedicated).toEqual({ status: 'pass' });
    expect(f.none).toEqual({ status: 'pass' });
    expect(f['gke-pool-1']).toBeUndefined();
    expect(f.broken?.status).toBe('unknown');
  });
});

describe('gcp-kms-key-not-domain-wide', () => {
  const keyPolicy = (name: string, iamPolicy: unknown) => ({
    name: `//cloudkms.googleapis.com/projects/p/locations/asia-northeast1/keyRings/r/cryptoKeys/${name}`,
    assetType: 'cloudkms.googleapis.com/CryptoKey',
    ancestors: ['projects/123456789012'],
    iamPolicy,
  });
  it('fails Cloud KMS roles granted to a domain, passes named principals, unknown for a malformed policy', () => {
    const f = findings(
      [
        keyPolicy('domain', { bindings: [{ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', members: ['domain:example.jp'] }] }),
        keyPolicy('named', { bindings: [{ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', members: ['serviceAccount:app@p.iam.gserviceaccount.com'] }, { role: 'roles/viewer', members: ['domain:example.jp'] }] }),
        keyPolicy('odd', 42),
      ],
      'gcp-kms-key-not-domain-wide',
    );
    expect(f.domain).toEqual({ status: 'fail', reason: 'key domain is usable or administrable by a whole domain: roles/cloudkms.cryptoKeyEncrypterDecrypter → domain:example.jp' });
    expect(f.named).toEqual({ status: 'pass' });
    expect(f.odd?.status).toBe('unknown');
  });
});

describe('what the collection did not cover', () => {
  it('an organization-policy control is unknown, never failed or passed, when ORG_POLICY content was not listed', () => {
    const resources = [project('123456789012'), computeProject('on', [{ key: 'enable-oslogin', value: 'TRUE' }]), computeProject('off', [{ key: 'enable-oslogin', value: 'FALSE' }])].flatMap((a) => normalizeAsset(a));
    // ListAssets with ORG_POLICY was refused: its types are a gap of the scope, with the reason.
    const orgPolicyTypes = ['Project', 'Folder', 'Organization'].map((k) => `${CRM}/${k}#orgPolicy`);
    const reason = { en: 'PERMISSION_DENIED: the caller lacks cloudasset.assets.listOrgPolicy', ja: 'cloudasset.assets.listOrgPolicy 権限がありません' };
    const coverage = [...new Set(resources.map((r) => r.account))].map(
      (account): CollectionScope => ({
        provider: 'gcp',
        account,
        region: 'global',
        types: [`${CRM}/Project`, 'compute.googleapis.com/Project'],
        gaps: [{ types: orgPolicyTypes, reason }],
        outcome: { status: 'ok', collectedAt: NOW.toISOString() },
      }),
    );
    const { controls, catalog, attestations } = bundledMappings();
    const assessment = evaluate(resources, coverage, controls, catalog, attestations, NOW);
    for (const control of ['gcp-org-policy-sa-key-creation-disabled', 'gcp-org-policy-resource-locations-japan', 'gcp-org-policy-allowed-member-domains']) {
      const statuses = assessment.findings.filter((f) => f.control === control).map((f) => f.status);
      expect({ control, statuses }).toEqual({ control, statuses: ['unknown'] });
    }
    // OS Login on in the metadata is a pass whatever the policies say; off, an unseen compute.requireOsLogin could still enforce it.
    const osLogin = Object.fromEntries(assessment.findings.filter((f) => f.control === 'gcp-compute-os-login-enabled').map((f): [string, string] => [f.resourceId.split('/').pop() ?? '', f.status]));
    expect(osLogin).toEqual({ on: 'pass', off: 'unknown' });
  });
});
