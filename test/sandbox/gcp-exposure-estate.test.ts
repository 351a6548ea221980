/**
 * The GCP sandbox estate shows the network-logging, exposure, log-export, container-scanning and VM Manager controls of
 * issue #14 both ways: each has failing and passing findings, read through the real normalizer and the bundled
 * controls.
 */
import { GCP_DEFAULT_PROJECTS, GcpEstate } from '../../src/sandbox/estate/gcp.js';
import { assessAssets } from '../controls/gcp/support.js';

const CONTROLS = [
  'gcp-subnet-flow-logs-enabled',
  'gcp-firewall-rule-logging',
  'gcp-load-balancer-logging',
  'gcp-instance-no-external-ip',
  'gcp-instance-ip-forwarding-disabled',
  'gcp-instance-serial-port-disabled',
  'gcp-instance-block-project-ssh-keys',
  'gcp-default-network-absent',
  'gcp-network-not-legacy',
  'gcp-sql-no-public-ip',
  'gcp-bigquery-dataset-not-public',
  'gcp-log-bucket-locked',
  'gcp-log-sink-exports-all-logs',
  'gcp-container-scanning-enabled',
  'gcp-os-config-enabled',
];

describe('the GCP sandbox estate and the issue-14 controls', () => {
  const estate = new GcpEstate();
  const findings = assessAssets(estate.page(GCP_DEFAULT_PROJECTS, 'RESOURCE', [], 0, 100_000)).findings;

  it.each(CONTROLS)('%s has failing and passing findings', (control) => {
    const seen = new Set(findings.filter((f) => f.control === control).map((f) => f.status));
    expect(seen).toEqual(new Set(['pass', 'fail']));
  });
});
