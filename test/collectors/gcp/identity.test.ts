/**
 * GCP identity (issue 13) end to end: the sandbox's Cloud Asset gRPC server serves IAM_POLICY, ORG_POLICY and
 * the identity resource types; the real @google-cloud/asset client and the collector read them; the bundled
 * identity controls find a failing instance of each and pass the compliant project.
 */
import { GcpAssetCollector } from '../../../collectors/gcp/cloud-asset.js';
import { gcpCollectorSchema } from '../../../collectors/gcp/config.js';
import { loopbackAssetClient } from '../../../collectors/gcp/sandbox-client.js';
import type { CollectContext, CollectorRun } from '../../../collectors/types.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import type { Resource } from '../../../src/model/resource.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

const IDENTITY_CONTROLS = [
  'gcp-iam-no-primitive-roles-for-people',
  'gcp-iam-sa-no-admin-roles',
  'gcp-iam-no-sa-user-roles-at-project-level',
  'gcp-iam-sa-no-user-managed-keys',
  'gcp-iam-sa-key-rotated-90-days',
  'gcp-org-policy-sa-key-creation-disabled',
  'gcp-org-policy-allowed-member-domains',
  'gcp-compute-os-login-enabled',
  'gcp-compute-os-login-2fa',
  'gcp-compute-default-sa-full-api-access',
  'gcp-kms-key-not-domain-wide',
  'gcp-kms-key-not-public',
  'gcp-org-policy-resource-locations-japan',
];

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ gcp: { seed: 1, resources: 600 }, aws: { resources: 10 } });
});
afterAll(() => sandbox.close());

/** The types the identity controls read, their contexts included: what the agent would ask for. */
function identityTypes(): Set<string> {
  const controls = bundledMappings().controls.filter((c) => IDENTITY_CONTROLS.includes(c.id));
  expect(controls.map((c) => c.id).sort()).toEqual([...IDENTITY_CONTROLS].sort());
  return new Set(controls.flatMap((c) => [...c.resourceTypes, ...c.context.map((x) => x.type)]));
}

async function collect(scope: string): Promise<{ run: CollectorRun; resources: Resource[]; calls: string[] }> {
  const collector = new GcpAssetCollector(gcpCollectorSchema.parse({ scopes: [scope], requestsPerMinute: 600_000 }), loopbackAssetClient(sandbox.gcp));
  const resources: Resource[] = [];
  const calls: string[] = [];
  const context: CollectContext = {
    types: identityTypes(),
    onResource: (r) => resources.push(r),
    recorder: { apiCall: (provider, operation, code) => calls.push(`${provider} ${operation} ${code}`), clockSample: () => undefined },
    logger: { info: () => undefined, debug: () => undefined, warn: () => undefined },
    signal: new AbortController().signal,
    now: () => NOW,
  };
  try {
    return { run: await collector.collect(context), resources, calls };
  } finally {
    await collector.close();
  }
}

describe('GCP identity over Cloud Asset gRPC', () => {
  it('lists RESOURCE, IAM_POLICY and ORG_POLICY content and reads every identity asset without a malformed one', async () => {
    const { run, resources, calls } = await collect(sandbox.gcp.organization);
    expect(calls).toEqual(['gcp ListAssets 200', 'gcp ListAssets 200', 'gcp ListAssets 200']);
    expect(run.coverage.every((c) => c.outcome.status === 'ok' && c.unreadable === undefined)).toBe(true);
    expect(resources.filter((r) => r.malformed !== undefined)).toEqual([]);
    const types = new Set(resources.map((r) => r.type));
    for (const t of ['cloudresourcemanager.googleapis.com/Project', 'cloudresourcemanager.googleapis.com/Project#orgPolicy', 'cloudresourcemanager.googleapis.com/Project#iamPolicy', 'compute.googleapis.com/Project', 'iam.googleapis.com/ServiceAccountKey', 'cloudkms.googleapis.com/CryptoKey#iamPolicy', 'compute.googleapis.com/Instance']) {
      expect(types).toContain(t);
    }
    const orgPolicy = resources.find((r) => r.type.endsWith('#orgPolicy') && r.id.endsWith(`/${sandbox.gcp.projectNumber(sandbox.gcp.projects[0]!)}`));
    expect(orgPolicy?.configuration).toMatchObject({ policies: { 'iam.disableServiceAccountKeyCreation': { kind: 'boolean', enforced: true }, 'gcp.resourceLocations': { kind: 'list', allValues: '' } } });
    // Key ages come from the response's read time; no key material travels.
    const keys = resources.filter((r) => r.type === 'iam.googleapis.com/ServiceAccountKey');
    expect(keys.every((k) => typeof k.configuration.ageDays === 'number')).toBe(true);
    expect(JSON.stringify(keys)).not.toMatch(/privateKeyData|publicKeyData/);
  });

  it('the bundled controls fail a non-compliant identity of each kind and pass the compliant project', async () => {
    const { run, resources } = await collect(sandbox.gcp.organization);
    const { controls, catalog, attestations } = bundledMappings();
    const assessment = evaluate(resources, run.coverage, controls, catalog, attestations, NOW);
    const compliant = sandbox.gcp.projects[0]!;
    const compliantNumber = sandbox.gcp.projectNumber(compliant);
    for (const control of IDENTITY_CONTROLS) {
      const findings = assessment.findings.filter((f) => f.control === control);
      expect({ control, fails: findings.some((f) => f.status === 'fail') }).toEqual({ control, fails: true });
      expect({ control, unknown: findings.filter((f) => f.status === 'unknown').map((f) => f.reason) }).toEqual({ control, unknown: [] });
      const ofCompliant = findings.filter((f) => f.account === compliant || f.resourceId.includes(`/projects/${compliant}/`) || f.resourceId.endsWith(`/projects/${compliant}`) || f.resourceId.endsWith(`/projects/${compliantNumber}`));
      // The compliant project has only Google-managed keys: the key controls judge nothing there, and the
      // young user-managed keys of the other projects are the rotation control's passing instances.
      const passing = control.startsWith('gcp-iam-sa-') && control.includes('key') ? findings : ofCompliant;
      expect({ control, passes: passing.some((f) => f.status === 'pass') }).toEqual({ control, passes: control !== 'gcp-iam-sa-no-user-managed-keys' });
      expect({ control, compliant: ofCompliant.filter((f) => f.status !== 'pass' && !f.resourceId.includes('/instances/vm-1')).map((f) => f.resourceId) }).toEqual({ control, compliant: [] });
    }
  });
});
