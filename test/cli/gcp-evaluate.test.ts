/** `kansa evaluate` on Cloud Asset exports: `gcloud asset export` JSON Lines and `gcloud asset list --format=json`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli, type CliRun } from '../support/cli.js';
import { providerOfText } from '../../src/inputs/detect.js';
import { configItem } from '../support/evaluate.js';
import { tempFiles } from '../support/files.js';

const kansa = (...argv: string[]): Promise<CliRun> => runCli(argv, () => new Date('2026-11-01T00:00:00Z'));

interface Contract {
  requirements: { id: string; status: string }[];
  findings: { control: string; provider: string; account: string; region: string; resourceId: string; status: string; reason?: string }[];
}

const FIREWALL = 'compute.googleapis.com/Firewall';
const firewallData = (name: string, extra: Record<string, unknown>) => ({
  name,
  network: 'https://www.googleapis.com/compute/v1/projects/kansa-prod/global/networks/default',
  direction: 'INGRESS',
  priority: 1000,
  sourceRanges: ['0.0.0.0/0'],
  ...extra,
});

/** `gcloud asset export` lines: snake_case. */
const exportLine = (type: string, name: string, data: Record<string, unknown>, location = 'global') =>
  JSON.stringify({
    name,
    asset_type: type,
    resource: { version: 'v1', discovery_document_uri: 'https://www.googleapis.com/discovery/v1/apis/compute/v1/rest', discovery_name: 'Firewall', parent: '//cloudresourcemanager.googleapis.com/projects/111111111111', data, location },
    ancestors: ['projects/111111111111', 'organizations/900000000001'],
    update_time: '2026-10-30T09:00:00.000000Z',
  });

const exported = [
  exportLine(FIREWALL, '//compute.googleapis.com/projects/kansa-prod/global/firewalls/open-ssh', firewallData('open-ssh', { allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] })),
  exportLine(FIREWALL, '//compute.googleapis.com/projects/kansa-prod/global/firewalls/https', firewallData('https', { allowed: [{ IPProtocol: 'tcp', ports: ['443'] }] })),
  // an RDP allow closed by a higher-priority deny of the same network
  exportLine(FIREWALL, '//compute.googleapis.com/projects/kansa-prod/global/firewalls/rdp', firewallData('rdp', { allowed: [{ IPProtocol: 'tcp', ports: ['3389'] }] })),
  exportLine(FIREWALL, '//compute.googleapis.com/projects/kansa-prod/global/firewalls/deny-rdp', firewallData('deny-rdp', { priority: 100, denied: [{ IPProtocol: 'tcp', ports: ['3389'] }] })),
  JSON.stringify({
    name: '//cloudresourcemanager.googleapis.com/projects/111111111111',
    asset_type: 'cloudresourcemanager.googleapis.com/Project',
    iam_policy: { bindings: [{ role: 'roles/owner', members: ['user:a@example.jp'] }], audit_configs: [{ service: 'allServices', audit_log_configs: [{ log_type: 'ADMIN_READ' }, { log_type: 'DATA_READ' }, { log_type: 'DATA_WRITE' }] }] },
    ancestors: ['projects/111111111111'],
  }),
].join('\n');

/** `gcloud asset list --format=json`: a camelCase array. */
const listed = JSON.stringify(
  [
    { name: '//cloudsql.googleapis.com/projects/kansa-stg/instances/db', settings: { availabilityType: 'ZONAL', ipConfiguration: { sslMode: 'ENCRYPTED_ONLY' }, backupConfiguration: { enabled: true } } },
    { name: '//cloudsql.googleapis.com/projects/kansa-stg/instances/ha', settings: { availabilityType: 'REGIONAL', ipConfiguration: { requireSsl: false }, backupConfiguration: { enabled: false } } },
  ].map(({ name, settings }) => ({
    name,
    assetType: 'sqladmin.googleapis.com/Instance',
    ancestors: ['projects/222222222222'],
    updateTime: '2026-10-30T09:00:00Z',
    resource: { version: 'v1beta4', parent: '//cloudresourcemanager.googleapis.com/projects/222222222222', location: 'asia-northeast1', data: { name: name.split('/').pop(), project: 'kansa-stg', region: 'asia-northeast1', settings } },
  })),
  null,
  2,
);

const files = tempFiles({
  'assets.jsonl': `${exported}\n`,
  'list.json': listed,
  'body.json': JSON.stringify({ assets: JSON.parse(listed) as unknown[] }),
  'bad.jsonl': `${exported.split('\n')[0]}\n{"name": "//x", "asset_type": \n`,
  'aws.json': JSON.stringify([configItem({ type: 'AWS::EC2::SecurityGroup', id: 'sg-open', configuration: { groupId: 'sg-open', ipPermissions: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: ['0.0.0.0/0'] }], ipPermissionsEgress: [] } })]),
});
writeFileSync(join(files.dir, 'assets.jsonl.gz'), gzipSync(`${exported}\n`));

const verdicts = (out: Contract, control: string): Record<string, string> =>
  Object.fromEntries(out.findings.filter((f) => f.control === control).map((f) => [f.resourceId.split('/').pop()!, f.status]));

describe('kansa evaluate on GCP Cloud Asset exports', () => {
  it('detects the provider from the first asset of each file', () => {
    expect(providerOfText(exported)).toBe('gcp');
    expect(providerOfText(listed)).toBe('gcp');
    expect(providerOfText(JSON.stringify({ fileVersion: '1.0', configurationItems: [] }))).toBe('aws');
  });

  it.each(['assets.jsonl', 'assets.jsonl.gz'])('evaluates `gcloud asset export` JSON Lines (%s, snake_case) with the bundled GCP controls', async (name) => {
    const run = await kansa('evaluate', '--input', join(files.dir, name), '--output', 'json');
    // Firewalls dated by their update_time; the project's IAM policy asset carries none, which is said
    expect(run.stderr).toMatch(/^kansa: input coverage gcp kansa-prod\/global: 2 types; captured 2026-10-30T09:00:00\.000Z; not covered: /);
    expect(run.stderr).toContain('kansa: warning: the input carries no capture time for gcp 111111111111/global');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Contract;
    // Rules that open an admin port are judged with the firewall policies evaluated before them: an export
    // without FirewallPolicy and Network assets cannot say whether a policy closes the port, so they are
    // unknown, never a pass; rules that open nothing are decided without them.
    expect(verdicts(out, 'gcp-firewall-admin-ports-closed-to-world')).toEqual({ 'open-ssh': 'unknown', https: 'pass', rdp: 'unknown', 'deny-rdp': 'pass' });
    expect(out.findings.find((f) => f.control === 'gcp-firewall-admin-ports-closed-to-world' && f.resourceId.endsWith('/open-ssh'))?.reason).toContain('compute.googleapis.com/FirewallPolicy');
    // the IAM policy line (iam_policy, audit_configs, log_type in snake_case) is read too; the project is named by number only
    expect(out.findings.filter((f) => f.control === 'gcp-audit-logs-all-services').map((f) => [f.account, f.status])).toEqual([['111111111111', 'pass']]);
    expect(out.requirements.find((r) => r.id === '2-6')?.status).toBe('unknown');
  });

  it.each(['list.json', 'body.json'])('evaluates `gcloud asset list --format=json` output (%s, camelCase)', async (name) => {
    const run = await kansa('evaluate', '--input', join(files.dir, name), '--output', 'json');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Contract;
    expect(verdicts(out, 'gcp-sql-high-availability')).toEqual({ db: 'fail', ha: 'pass' });
    expect(verdicts(out, 'gcp-sql-ssl-enforced')).toEqual({ db: 'pass', ha: 'fail' });
    expect(verdicts(out, 'gcp-sql-backups-enabled')).toEqual({ db: 'pass', ha: 'fail' });
    // a list covers only the types it holds: controls on other types are unknown for this project, never silent
    expect(out.findings.filter((f) => f.control === 'gcp-cloud-ids-endpoint-ready').map((f) => f.status)).toEqual(['unknown']);
    expect(out.findings.find((f) => f.control === 'gcp-cloud-ids-endpoint-ready')?.reason).toContain('the input holds no');
    expect((await kansa('evaluate', '--input', join(files.dir, name), '--fail-on', 'noncompliant')).code).toBe(1);
  });

  it('mixes AWS and GCP files in one run', async () => {
    const run = await kansa('evaluate', '--input', files['aws.json']!, files['assets.jsonl']!, files['list.json']!, '--output', 'json');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Contract;
    expect(new Set(out.findings.map((f) => f.provider))).toEqual(new Set(['aws', 'gcp']));
    expect(new Set(out.findings.filter((f) => f.provider === 'gcp').map((f) => f.account))).toEqual(new Set(['kansa-prod', 'kansa-stg', '111111111111']));
  });

  describe('hierarchical firewall policies: an export of the project does not hold those of its organization', () => {
    // Hierarchical policies are evaluated before the VPC rules (https://cloud.google.com/firewall/docs/firewall-policies-rule-eval-order);
    // FirewallPolicy fields: https://cloud.google.com/compute/docs/reference/rest/v1/firewallPolicies. An
    // organization-level policy has no project: its ancestors start at the organization.
    const ORG = 'organizations/900000000001';
    const policyRule = (priority: number, action: string, ipProtocol = 'tcp', ports?: string[]) => ({
      priority,
      action,
      direction: 'INGRESS',
      match: { srcIpRanges: ['0.0.0.0/0'], layer4Configs: [{ ipProtocol, ...(ports ? { ports } : {}) }] },
    });
    const policyLine = (id: string, parent: string, rules: Record<string, unknown>[]) =>
      JSON.stringify({
        name: `//compute.googleapis.com/locations/global/firewallPolicies/${id}`,
        asset_type: 'compute.googleapis.com/FirewallPolicy',
        resource: {
          version: 'v1',
          parent: `//cloudresourcemanager.googleapis.com/${parent}`,
          location: 'global',
          data: { name: id, kind: 'compute#firewallPolicy', parent, associations: [{ name: `assoc-${id}`, attachmentTarget: parent }], rules: [...rules, policyRule(2147483647, 'goto_next', 'all')] },
        },
        ancestors: parent.startsWith('organizations/') ? [parent] : [parent, ORG],
        update_time: '2026-10-30T09:00:00.000000Z',
      });
    // The project's export: the open SSH rule, its network, and a network firewall policy of the project itself
    // (attached to another network), so the project's own FirewallPolicy assets are there.
    const project = [
      exported.split('\n')[0]!,
      exportLine('compute.googleapis.com/Network', '//compute.googleapis.com/projects/kansa-prod/global/networks/default', {
        name: 'default',
        selfLink: 'https://www.googleapis.com/compute/v1/projects/kansa-prod/global/networks/default',
      }),
      exportLine('compute.googleapis.com/FirewallPolicy', '//compute.googleapis.com/projects/kansa-prod/global/firewallPolicies/net-1', {
        name: 'net-1',
        associations: [{ name: 'a', attachmentTarget: 'https://www.googleapis.com/compute/v1/projects/kansa-prod/global/networks/other' }],
        rules: [policyRule(1000, 'deny', 'tcp', ['22'])],
      }),
    ].join('\n');
    const sshVerdict = async (...inputs: string[]) => {
      const run = await kansa('evaluate', '--input', ...inputs, '--output', 'json');
      expect(run.code).toBe(0);
      const { findings } = JSON.parse(run.stdout) as Contract;
      // The organization holds no project types (VPC rules, networks…): their absence there is no gap of its own.
      // Its own policies are judged (gcp-firewall-policy-admin-ports-closed-to-world), and none of them opens a port.
      expect(findings.filter((f) => f.account === ORG).map((f) => `${f.control} ${f.status}`)).toEqual(findings.filter((f) => f.account === ORG).map(() => 'gcp-firewall-policy-admin-ports-closed-to-world pass'));
      return findings.find((f) => f.control === 'gcp-firewall-admin-ports-closed-to-world' && f.resourceId.endsWith('/open-ssh'))!;
    };
    const more = tempFiles({
      'project.jsonl': `${project}\n`,
      'org-deny.jsonl': `${policyLine('701', ORG, [policyRule(100, 'deny', 'tcp', ['22'])])}\n`,
      'org-other.jsonl': `${policyLine('702', ORG, [policyRule(100, 'deny', 'tcp', ['3389'])])}\n`,
    });

    it('the project alone: unknown, naming the organization whose policies were not read (never a fail)', async () => {
      const f = await sshVerdict(more['project.jsonl']!);
      expect(f.status).toBe('unknown');
      expect(f.reason).toContain(`FirewallPolicy assets of ${ORG}`);
    });

    it('with the organization export: its deny of tcp/22 closes the port (pass); a policy that denies other ports leaves it open (fail)', async () => {
      expect((await sshVerdict(more['project.jsonl']!, more['org-deny.jsonl']!)).status).toBe('pass');
      expect(await sshVerdict(more['project.jsonl']!, more['org-other.jsonl']!)).toMatchObject({ status: 'fail', reason: 'tcp/22 open to 0.0.0.0/0' });
    });
  });

  it('names the file and line of a broken export line, and refuses --format snapshot for a GCP file (exit 2)', async () => {
    const bad = await kansa('evaluate', '--input', files['bad.jsonl']!);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${files['bad.jsonl']!}:2`);
    const snapshot = await kansa('evaluate', '--input', files['assets.jsonl']!, '--format', 'snapshot');
    expect(snapshot.code).toBe(2);
    expect(snapshot.stderr).toMatch(/not an AWS Config snapshot/);
  });
});
