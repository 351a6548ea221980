/**
 * Regional network firewall policies (#12) through the real @google-cloud/asset client against the sandbox's
 * Cloud Asset gRPC server: Cloud Asset records them as compute.googleapis.com/FirewallPolicy (named
 * projects/P/regions/R/firewallPolicies/N, with `region`), so the organization listing that reads the
 * hierarchical and global network policies reads them too, and a regional allow of RDP from anywhere, which no
 * VPC rule opens, fails gcp-firewall-policy-admin-ports-closed-to-world instead of passing silently.
 */
import { evaluate } from '../../../src/evaluate/evaluate.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';
import { collectGcpSandbox } from '../../support/gcp-collect.js';

const TYPES = new Set(['compute.googleapis.com/FirewallPolicy', 'compute.googleapis.com/Network', 'compute.googleapis.com/Firewall']);
const CONTROL = 'gcp-firewall-policy-admin-ports-closed-to-world';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ gcp: { seed: 3, resources: 3200 } });
});
afterAll(() => sandbox.close());

it('collects regional network firewall policies with their region and judges their world-open RDP as a fail', async () => {
  const { resources, run: outcome } = await collectGcpSandbox(sandbox, TYPES);

  const regional = resources.filter((r) => r.type === 'compute.googleapis.com/FirewallPolicy' && r.configuration.region !== '');
  expect(regional.length).toBeGreaterThan(0);
  for (const r of regional) {
    expect(r.id).toMatch(/^\/\/compute\.googleapis\.com\/projects\/[^/]+\/regions\/asia-northeast1\/firewallPolicies\/fwp-\d+$/);
    expect(r.configuration.region).toMatch(/\/regions\/asia-northeast1$/);
  }

  const { controls, catalog, attestations } = bundledMappings();
  const findings = evaluate(resources, outcome.coverage, controls, catalog, attestations, NOW).findings.filter((f) => f.control === CONTROL);
  const ids = new Set(regional.map((r) => r.id));
  const judged = findings.filter((f) => ids.has(f.resourceId));
  expect(judged.length).toBe(regional.length);
  // Each is a fail naming RDP, or unknown where the network's record or the hierarchy leaves the order open;
  // never a pass: nothing evaluated before these policies denies RDP in the sandbox.
  expect(judged.some((f) => f.status === 'fail')).toBe(true);
  for (const f of judged) {
    expect(f.status).not.toBe('pass');
    if (f.status === 'fail') expect(f.reason).toBe('the regional network firewall policy allows tcp/3389 from the whole internet (0.0.0.0/0 or ::/0)');
  }
});
