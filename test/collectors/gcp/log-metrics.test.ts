/**
 * Log-based metrics (logging.googleapis.com/LogMetric) and alert policies through the real @google-cloud/asset
 * client against the sandbox: the CIS 2.4–2.11 control asks for both types, reads the metric filters and the
 * alert conditions as Cloud Asset records them, and judges each project.
 */
import { listingPlan } from '../../../collectors/gcp/cloud-asset.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';
import { collectGcpSandbox } from '../../support/gcp-collect.js';

const CONTROL = 'gcp-log-metric-alerts-for-config-changes';
const LOG_METRIC = 'logging.googleapis.com/LogMetric';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ gcp: { seed: 3, resources: 3200 } });
});
afterAll(() => sandbox.close());

it('lists LogMetric and AlertPolicy assets and judges each project on its own metrics and alerts', async () => {
  const { controls, catalog, attestations } = bundledMappings();
  const control = controls.find((c) => c.id === CONTROL)!;
  const types = new Set([...control.resourceTypes, ...(control.context ?? []).map((c) => c.type)]);
  expect(listingPlan(types).get('RESOURCE')).toEqual(expect.arrayContaining([LOG_METRIC, 'monitoring.googleapis.com/AlertPolicy']));

  const { resources, run: outcome } = await collectGcpSandbox(sandbox, types);
  const [first, second, third] = sandbox.gcp.projects;
  const metrics = resources.filter((r) => r.type === LOG_METRIC);
  expect(metrics.filter((m) => m.account === first).map((m) => m.configuration.metricId)).toHaveLength(8);
  expect(metrics.every((m) => typeof m.configuration.filterCompact === 'string' && m.configuration.negated === false)).toBe(true);

  const verdicts = new Map(
    evaluate(resources, outcome.coverage, controls, catalog, attestations, NOW).findings.filter((f) => f.control === CONTROL).map((f) => [f.account, f]),
  );
  expect(verdicts.get(first!)?.status).toBe('pass');
  expect(verdicts.get(second!)).toMatchObject({
    status: 'fail',
    reason: `project ${second} has no log-based metric with an enabled, notifying alert policy for VPC firewall rule changes, VPC route changes, VPC network changes, Cloud Storage IAM permission changes, SQL instance configuration changes`,
  });
  expect(verdicts.get(third!)?.status).toBe('fail');
});
