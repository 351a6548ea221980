/**
 * The instance metadata controls read the project-wide metadata (compute.googleapis.com/Project
 * commonInstanceMetadata) collected through the real @google-cloud/asset client from the sandbox: an instance
 * that does not set a key is judged on its project's value instead of being unknown.
 */
import { listingPlan } from '../../../collectors/gcp/cloud-asset.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import type { Resource } from '../../../src/model/resource.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';
import { collectGcpSandbox } from '../../support/gcp-collect.js';

const INSTANCE = 'compute.googleapis.com/Instance';
const PROJECT = 'compute.googleapis.com/Project';
const CONTROL = 'gcp-instance-block-project-ssh-keys';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ gcp: { seed: 3, resources: 3200 } });
});
afterAll(() => sandbox.close());

it('the SSH-key control asks for the Project type and judges instances without their own setting on the project metadata', async () => {
  const { controls, catalog, attestations } = bundledMappings();
  const control = controls.find((c) => c.id === CONTROL)!;
  const types = new Set([...control.resourceTypes, ...(control.context ?? []).map((c) => c.type)]);
  expect(listingPlan(types).get('RESOURCE')).toEqual(expect.arrayContaining([INSTANCE, PROJECT]));

  const { resources, run: outcome } = await collectGcpSandbox(sandbox, types);
  const projects = new Map(resources.filter((r) => r.type === PROJECT).map((r) => [r.account, r.configuration.metadata as Record<string, string>]));
  const own = (r: Resource) => ((r.configuration.metadata as { items?: { key: string; value: string }[] } | undefined)?.items ?? []).map((i) => i.key);
  // instances that set neither key themselves: the project's enable-oslogin decides
  const bare = resources.filter((r) => r.type === INSTANCE && !own(r).includes('block-project-ssh-keys') && !own(r).includes('enable-oslogin'));
  expect(bare.length).toBeGreaterThan(0);

  const findings = new Map(evaluate(resources, outcome.coverage, controls, catalog, attestations, NOW).findings.filter((f) => f.control === CONTROL).map((f) => [f.resourceId, f.status]));
  const statuses = new Set<string>();
  for (const r of bare) {
    const expected = (projects.get(r.account)?.['enable-oslogin'] ?? '').toLowerCase() === 'true' ? 'pass' : 'fail';
    expect([r.id, findings.get(r.id)]).toEqual([r.id, expected]);
    statuses.add(expected);
  }
  expect(statuses).toEqual(new Set(['pass', 'fail']));
});
