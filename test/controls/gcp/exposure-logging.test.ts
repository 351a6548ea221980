/**
 * GCP network logging, exposure and log export controls (issue 14): pass, fail and unknown on
 * policy-library fixtures and crafted Cloud Asset assets (network-logging.yaml, exposure.yaml, log-retention.yaml).
 */
import { asset, assessAssets, computeProject, findings, reasonsJa, sample, sampleAsset } from './support.js';

const P = 'kansa-test';
const C = `https://www.googleapis.com/compute/v1/projects/${P}`;
const noData = (a: Record<string, unknown>): Record<string, unknown> => ({ ...a, resource: { version: 'v1' } });

const subnet = (name: string, data: Record<string, unknown>) =>
  asset('compute.googleapis.com/Subnetwork', `//compute.googleapis.com/projects/${P}/regions/asia-northeast1/subnetworks/${name}`, { name, region: `${C}/regions/asia-northeast1`, ...data }, 'asia-northeast1');
const firewall = (name: string, data: Record<string, unknown>) =>
  asset('compute.googleapis.com/Firewall', `//compute.googleapis.com/projects/${P}/global/firewalls/${name}`, { name, network: `${C}/global/networks/vpc`, allowed: [{ IPProtocol: 'tcp', ports: ['443'] }], sourceRanges: ['10.0.0.0/8'], ...data }, 'global');
const backend = (name: string, data: Record<string, unknown>) =>
  asset('compute.googleapis.com/BackendService', `//compute.googleapis.com/projects/${P}/global/backendServices/${name}`, { name, loadBalancingScheme: 'EXTERNAL_MANAGED', ...data }, 'global');
const vm = (name: string, data: Record<string, unknown>) =>
  asset('compute.googleapis.com/Instance', `//compute.googleapis.com/projects/${P}/zones/asia-northeast1-a/instances/${name}`, { name, zone: `${C}/zones/asia-northeast1-a`, ...data }, 'asia-northeast1-a');
const metadata = (items: Record<string, string>) => ({ metadata: { fingerprint: 'abc=', items: Object.entries(items).map(([key, value]) => ({ key, value })) } });
const network = (name: string, data: Record<string, unknown>) =>
  asset('compute.googleapis.com/Network', `//compute.googleapis.com/projects/${P}/global/networks/${name}`, { name, selfLink: `${C}/global/networks/${name}`, ...data }, 'global');
const sql = (name: string, settings: Record<string, unknown>) =>
  asset('sqladmin.googleapis.com/Instance', `//cloudsql.googleapis.com/projects/${P}/instances/${name}`, { name, project: P, region: 'asia-northeast1', settings }, 'asia-northeast1');
const dataset = (id: string, access?: Record<string, unknown>[]) =>
  asset('bigquery.googleapis.com/Dataset', `//bigquery.googleapis.com/projects/${P}/datasets/${id}`, { kind: 'bigquery#dataset', id: `${P}:${id}`, datasetReference: { datasetId: id, projectId: P }, location: 'asia-northeast1', ...(access ? { access } : {}) }, 'asia-northeast1');
const logBucket = (id: string, data: Record<string, unknown>) =>
  asset('logging.googleapis.com/LogBucket', `//logging.googleapis.com/projects/${P}/locations/global/buckets/${id}`, { name: `projects/${P}/locations/global/buckets/${id}`, ...data }, 'global');
const sink = (name: string, data: Record<string, unknown>) =>
  asset('logging.googleapis.com/LogSink', `//logging.googleapis.com/projects/${P}/sinks/${name}`, { name, destination: 'storage.googleapis.com/kansa-audit-archive', ...data }, 'global');

/** Verdicts of an `exists` control per account. */
function accountVerdicts(assets: readonly Record<string, unknown>[], control: string): Record<string, { status: string; reason?: string }> {
  const out: Record<string, { status: string; reason?: string }> = {};
  for (const f of assessAssets(assets).findings) if (f.control === control) out[f.account] = f.reason === undefined ? { status: f.status } : { status: f.status, reason: f.reason };
  return out;
}
const accountReasonJa = (assets: readonly Record<string, unknown>[], control: string, account = P): string | undefined =>
  assessAssets(assets).findings.find((f) => f.control === control && f.account === account)?.reason_ja;

describe('gcp-subnet-flow-logs-enabled', () => {
  const control = 'gcp-subnet-flow-logs-enabled';
  it('reads logConfig.enable before the older enableFlowLogs and skips proxy-only subnets (policy-library)', () => {
    const f = findings(sample('subnet_flow_logs'), control);
    expect(f.correct).toEqual({ status: 'pass' });
    expect(f.both_correct).toEqual({ status: 'pass' });
    expect(f.only_log_config).toEqual({ status: 'pass' });
    expect(f.bad).toEqual({ status: 'fail', reason: 'VPC Flow Logs are off for subnet bad (us-west1-b)' });
    expect(f.both_false?.status).toBe('fail');
    expect(f.regional_managed_proxy).toBeUndefined();
    expect(f.internal_https_load_balancer).toBeUndefined();
  });
  it('fails a subnet that never set either field (the API default is off), says so in Japanese, is unknown unread', () => {
    const f = findings([subnet('never', {}), subnet('new-off', { logConfig: { enable: false }, enableFlowLogs: true }), noData(subnet('unread', {}))], control);
    expect(f.never?.status).toBe('fail');
    expect(f['new-off']?.status).toBe('fail');
    expect(f.unread?.status).toBe('unknown');
    expect(reasonsJa([subnet('never', {})], control).never).toBe('サブネット never（asia-northeast1）で VPC フローログが無効です');
  });
});

describe('gcp-firewall-rule-logging', () => {
  const control = 'gcp-firewall-rule-logging';
  it('passes logged rules, fails unlogged ones, skips disabled rules (policy-library), is unknown unread', () => {
    const f = findings([...sample('firewall_logs_with_ancestors'), firewall('no-config', {}), firewall('off', { disabled: true }), noData(firewall('unread', {}))], control);
    expect(f.good).toEqual({ status: 'pass' });
    expect(f.bad).toEqual({ status: 'fail', reason: 'logging is off for firewall rule bad: connections it allows or denies are not recorded' });
    expect(f['no-config']?.status).toBe('fail');
    expect(f.off).toBeUndefined();
    expect(f.unread?.status).toBe('unknown');
    expect(reasonsJa([firewall('no-config', {})], control)['no-config']).toBe('ファイアウォールルール no-config のロギングが無効で、このルールで許可・拒否された接続が記録されません');
  });
});

describe('gcp-load-balancer-logging', () => {
  const control = 'gcp-load-balancer-logging';
  it('passes logConfig.enable, fails absent or false, is unknown unread', () => {
    const f = findings([backend('on', { logConfig: { enable: true, sampleRate: 1 } }), backend('off', { logConfig: { enable: false } }), backend('never', {}), noData(backend('unread', {}))], control);
    expect(f.on).toEqual({ status: 'pass' });
    expect(f.off).toEqual({ status: 'fail', reason: 'load-balancer logging is off for backend service off' });
    expect(f.never?.status).toBe('fail');
    expect(f.unread?.status).toBe('unknown');
    expect(reasonsJa([backend('off', {})], control).off).toBe('バックエンドサービス off でロードバランサのログが無効です');
  });
});

describe('gcp-instance-no-external-ip', () => {
  const control = 'gcp-instance-no-external-ip';
  it('fails interfaces with an access config, passes those without (policy-library)', () => {
    const f = findings(sample('vm_external_ip'), control);
    expect(f['vm-external-ip']).toEqual({ status: 'fail', reason: 'external IP address on network interface(s) nic0' });
    expect(f['vm-no-ip']).toEqual({ status: 'pass' });
    expect(f['instance-1']).toEqual({ status: 'pass' });
  });
  it('counts IPv6 access configs, is unknown without networkInterfaces, in Japanese too', () => {
    const v6 = vm('v6', { networkInterfaces: [{ name: 'nic0', ipv6AccessConfigs: [{ type: 'DIRECT_IPV6', externalIpv6: '2600:1900::1' }] }] });
    const f = findings([v6, vm('bare', {})], control);
    expect(f.v6?.status).toBe('fail');
    expect(f.bare).toEqual({ status: 'unknown', reason: "cannot evaluate: the instance's networkInterfaces are not recorded" });
    expect(reasonsJa([v6, vm('bare', {})], control)).toEqual({
      v6: 'ネットワーク インターフェース nic0 に外部 IP アドレスが割り当てられています',
      bare: '判定できません: インスタンスのネットワーク インターフェース（networkInterfaces）が記録されていません',
    });
  });
});

describe('gcp-instance-ip-forwarding-disabled', () => {
  it('fails canIpForward, passes false or absent (policy-library), is unknown unread', () => {
    const control = 'gcp-instance-ip-forwarding-disabled';
    const f = findings([...sample('vm_ip_forward'), vm('plain', {}), noData(vm('unread', {}))], control);
    expect(f['vm-ip-forward']).toEqual({ status: 'fail', reason: 'IP forwarding (canIpForward) is on for instance vm-ip-forward' });
    expect(f['vm-cant-forward']).toEqual({ status: 'pass' });
    expect(f.plain).toEqual({ status: 'pass' });
    expect(f.unread?.status).toBe('unknown');
    expect(reasonsJa(sample('vm_ip_forward'), control)['vm-ip-forward']).toBe('インスタンス vm-ip-forward で IP 転送（canIpForward）が有効です');
  });
});

// The project-wide metadata. An instance value overrides the project value:
// https://cloud.google.com/compute/docs/oslogin/set-up-oslogin,
// https://cloud.google.com/compute/docs/troubleshooting/troubleshooting-using-serial-console.
const project = (items: Record<string, string> | undefined) => computeProject(P, items);

describe('gcp-instance-serial-port-disabled', () => {
  const control = 'gcp-instance-serial-port-disabled';
  it('passes serial-port-enable false (policy-library), fails TRUE / 1 on the instance whatever the project says', () => {
    const f = findings([sampleAsset('vm_block_ssh_keys', 'test-jumphost'), vm('upper', metadata({ 'serial-port-enable': 'TRUE' })), vm('one', metadata({ 'serial-port-enable': '1' }))], control);
    expect(f['test-jumphost']).toEqual({ status: 'pass' });
    expect(f.upper).toEqual({ status: 'fail', reason: 'serial-port-enable is on for instance upper (instance or project metadata): its serial console accepts interactive connections' });
    expect(f.one?.status).toBe('fail');
    // the instance value overrides the project value, both ways
    const g = findings([vm('off', metadata({ 'serial-port-enable': 'FALSE' })), vm('on', metadata({ 'serial-port-enable': 'TRUE' })), project({ 'serial-port-enable': 'TRUE' })], control);
    expect(g.off).toEqual({ status: 'pass' });
    expect(findings([vm('on', metadata({ 'serial-port-enable': 'TRUE' })), project({ 'serial-port-enable': 'FALSE' })], control).on?.status).toBe('fail');
  });
  it('reads the project-wide metadata when the instance does not set it; off when neither does', () => {
    expect(findings([vm('unset', metadata({ 'enable-oslogin': 'TRUE' })), project({ 'serial-port-enable': 'TRUE' })], control).unset?.status).toBe('fail');
    expect(findings([vm('unset', {}), project({ 'serial-port-enable': 'false' })], control).unset).toEqual({ status: 'pass' });
    expect(findings([vm('unset', {}), project({ 'enable-oslogin': 'TRUE' })], control).unset).toEqual({ status: 'pass' });
  });
  it('is unknown when the instance does not set it and the project metadata is not recorded', () => {
    const reason = 'cannot evaluate: the instance does not set it and the project-wide metadata (commonInstanceMetadata) is not recorded: the project value is unknown';
    expect(findings([vm('none', {})], control).none).toEqual({ status: 'unknown', reason });
    expect(findings([vm('none', {}), project(undefined)], control).none).toEqual({ status: 'unknown', reason });
    expect(reasonsJa([vm('unset', {})], control).unset).toBe(
      '判定できません: インスタンス側で設定されておらず、プロジェクト全体のメタデータ（commonInstanceMetadata）が記録されていないため、プロジェクトの設定が分かりません',
    );
  });
});

describe('gcp-instance-block-project-ssh-keys', () => {
  const control = 'gcp-instance-block-project-ssh-keys';
  it('passes block-project-ssh-keys or instance OS Login, fails an instance that turns OS Login off (policy-library), is unknown unread', () => {
    const f = findings([...sample('vm_block_ssh_keys'), vm('oslogin', metadata({ 'enable-oslogin': 'TRUE' })), noData(vm('unread', {})), project({ 'enable-oslogin': 'TRUE' })], control);
    expect(f['test-jumphost']).toEqual({ status: 'pass' });
    // enable-oslogin=false on the instance overrides the project's TRUE
    expect(f['test-jumphost-violation']).toEqual({
      status: 'fail',
      reason: 'instance test-jumphost-violation does not set block-project-ssh-keys and OS Login is on in neither its nor the project metadata: project-wide SSH keys log in',
    });
    expect(f.oslogin).toEqual({ status: 'pass' });
    expect(f.unread?.status).toBe('unknown');
    expect(reasonsJa([vm('x', {}), project({})], control).x).toBe(
      'インスタンス x は block-project-ssh-keys を設定しておらず、OS Login もインスタンス・プロジェクトのどちらのメタデータでも有効でないため、プロジェクト全体の SSH 鍵でログインできます',
    );
  });
  it('reads OS Login from the project when the instance does not set it', () => {
    expect(findings([vm('plain', {}), project({ 'enable-oslogin': 'TRUE' })], control).plain).toEqual({ status: 'pass' });
    expect(findings([vm('plain', {}), project({ 'enable-oslogin': 'FALSE' })], control).plain?.status).toBe('fail');
    expect(findings([vm('plain', {}), project({})], control).plain?.status).toBe('fail');
    // the instance's block needs no project data
    expect(findings([vm('blocked', metadata({ 'block-project-ssh-keys': 'TRUE' }))], control).blocked).toEqual({ status: 'pass' });
  });
  it('is unknown, not a fail, when the instance sets neither and the project metadata is not recorded', () => {
    expect(findings([vm('plain', {})], control).plain?.status).toBe('unknown');
    expect(findings([vm('plain', {}), project(undefined)], control).plain?.status).toBe('unknown');
    // another project's metadata does not decide for this one
    const other = project({ 'enable-oslogin': 'TRUE' });
    other.name = '//compute.googleapis.com/projects/other-project';
    (other['resource'] as { data: Record<string, unknown> }).data['name'] = 'other-project';
    expect(findings([vm('plain', {}), other], control).plain?.status).toBe('unknown');
  });
});

describe('gcp-default-network-absent and gcp-network-not-legacy', () => {
  it('fails the default network (policy-library), passes custom ones, is unknown unread', () => {
    const f = findings([...sample('network_default'), noData(network('unread', {}))], 'gcp-default-network-absent');
    expect(f.default?.status).toBe('fail');
    expect(f['test-network']).toEqual({ status: 'pass' });
    expect(f.unread?.status).toBe('unknown');
    expect(reasonsJa(sample('network_default'), 'gcp-default-network-absent').default).toContain('既定の VPC ネットワーク default が残っています');
  });
  it('fails a legacy network (IPv4Range, no autoCreateSubnetworks), passes auto and custom mode', () => {
    const f = findings([network('legacy', { IPv4Range: '10.240.0.0/16', gatewayIPv4: '10.240.0.1' }), ...sample('network_default'), noData(network('unread', {}))], 'gcp-network-not-legacy');
    expect(f.legacy).toEqual({ status: 'fail', reason: 'network legacy is a legacy network without subnets (10.240.0.0/16)' });
    expect(f.default).toEqual({ status: 'pass' });
    expect(f['test-network']).toEqual({ status: 'pass' });
    expect(f.unread?.status).toBe('unknown');
    expect(reasonsJa([network('legacy', { IPv4Range: '10.240.0.0/16' })], 'gcp-network-not-legacy').legacy).toBe('ネットワーク legacy はサブネットを持たないレガシー ネットワーク（10.240.0.0/16）です');
  });
});

describe('gcp-sql-no-public-ip', () => {
  const control = 'gcp-sql-no-public-ip';
  it('fails ipv4Enabled, passes private-only (policy-library), is unknown without ipConfiguration', () => {
    const f = findings([...sample('sql_public_ip'), sql('bare', { tier: 'db-f1-micro' })], control);
    expect(f['private-sql']).toEqual({ status: 'pass' });
    expect(f['public-sql']).toEqual({ status: 'fail', reason: 'instance public-sql has a public IP address (0 authorized network(s))' });
    expect(f['public-private-sql2']?.status).toBe('fail');
    expect(f.bare).toEqual({ status: 'unknown', reason: "cannot evaluate: the instance's settings.ipConfiguration is not recorded" });
    expect(reasonsJa([sql('pub', { ipConfiguration: { ipv4Enabled: true, authorizedNetworks: [{ value: '203.0.113.0/24' }] } })], control).pub).toBe(
      'インスタンス pub にパブリック IP アドレスが割り当てられています（承認済みネットワーク 1 件）',
    );
  });
});

describe('gcp-bigquery-dataset-not-public', () => {
  const control = 'gcp-bigquery-dataset-not-public';
  const owners = { role: 'OWNER', specialGroup: 'projectOwners' };
  it('fails allAuthenticatedUsers and allUsers entries, passes project-only access, is unknown without an access list', () => {
    const f = findings(
      [
        dataset('private', [owners, { role: 'READER', specialGroup: 'projectReaders' }, { role: 'WRITER', userByEmail: 'etl@kansa-test.iam.gserviceaccount.com' }]),
        dataset('authenticated', [owners, { role: 'READER', specialGroup: 'allAuthenticatedUsers' }]),
        dataset('anyone', [owners, { role: 'READER', iamMember: 'allUsers' }]),
        dataset('unrecorded'),
      ],
      control,
    );
    expect(f.private).toEqual({ status: 'pass' });
    expect(f.authenticated).toEqual({ status: 'fail', reason: 'dataset authenticated grants access to allAuthenticatedUsers (READER)' });
    expect(f.anyone).toEqual({ status: 'fail', reason: 'dataset anyone grants access to allUsers (READER)' });
    expect(f.unrecorded).toEqual({ status: 'unknown', reason: "cannot evaluate: the dataset's access list is not recorded" });
    expect(reasonsJa([dataset('anyone', [{ role: 'READER', iamMember: 'allUsers' }])], control).anyone).toBe('データセット anyone へのアクセスが allUsers (READER) に許可されています');
  });
});

describe('gcp-log-bucket-locked', () => {
  const control = 'gcp-log-bucket-locked';
  it('passes with a locked user bucket, fails when only _Required is locked, is unknown when the only bucket is unread', () => {
    const required = logBucket('_Required', { retentionDays: 400, locked: true });
    expect(accountVerdicts([required, logBucket('_Default', {}), logBucket('audit', { retentionDays: 400, locked: true })], control)[P]?.status).toBe('pass');
    const failing = [required, logBucket('_Default', { retentionDays: 30 })];
    expect(accountVerdicts(failing, control)[P]?.status).toBe('fail');
    expect(accountReasonJa(failing, control)).toContain('ログバケット _Default の保持期間はロックされておらず');
    expect(accountVerdicts([required, noData(logBucket('audit', {}))], control)[P]?.status).toBe('unknown');
  });
});

describe('gcp-log-sink-exports-all-logs', () => {
  const control = 'gcp-log-sink-exports-all-logs';
  it('passes an unfiltered sink or one selecting only audit logs; fails filtered, excluding, disabled or only built-in sinks', () => {
    const builtIn = sink('_Default', { filter: 'NOT LOG_ID("cloudaudit.googleapis.com/activity")' });
    expect(accountVerdicts([builtIn, sink('all', {})], control)[P]?.status).toBe('pass');
    expect(accountVerdicts([sink('audit', { filter: 'logName:"cloudaudit.googleapis.com"' })], control)[P]?.status).toBe('pass');
    expect(accountVerdicts([sink('errors', { filter: 'logName:"cloudaudit.googleapis.com" AND severity>=ERROR' })], control)[P]?.status).toBe('fail');
    expect(accountVerdicts([sink('excl', { filter: '', exclusions: [{ name: 'gke', filter: 'resource.type="k8s_container"' }] })], control)[P]?.reason).toContain('log sink excl has exclusion filters');
    expect(accountVerdicts([sink('off', { disabled: true })], control)[P]?.reason).toContain('log sink off is disabled');
    expect(accountVerdicts([builtIn, sink('excl', { exclusions: [{ name: 'gke', filter: 'x', disabled: true }] })], control)[P]?.status).toBe('pass');
    expect(accountVerdicts([builtIn], control)[P]?.status).not.toBe('pass');
    expect(accountReasonJa([sink('sev', { filter: 'severity>=ERROR' })], control)).toContain('ログシンク sev のフィルタ「severity>=ERROR」はすべてのログも監査ログ全体も選択しません');
    expect(accountVerdicts([noData(sink('unread', {}))], control)[P]?.status).toBe('unknown');
  });
});

