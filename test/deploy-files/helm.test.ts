/**
 * The Helm chart (deploy/helm/kansa). No registry reachable here ships a helm binary (npm's "helm" is a
 * browser router; Debian has no helm package), so the chart is rendered by a strict renderer of the
 * template subset it uses (support/helm-template.ts), and every rendered object is checked against the
 * Kubernetes and Prometheus Operator OpenAPI schemas (kubernetes-models), the values against
 * values.schema.json, and the generated kansa.yaml against kansa's own configuration schema. Where a
 * real `helm` is on PATH, `helm lint` and `helm template` run too.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { AlertmanagerConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { loadConfig } from '../../src/config/load.js';
import { webConfigFileSchema } from '../../src/http/web-config.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { HelmTemplates, renderChart, type RenderedChart } from './support/helm-template.js';
import { tempDir } from '../support/temp.js';

const CHART = join(PACKAGE_ROOT, 'deploy', 'helm', 'kansa');
const HASH = '$2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG';

const MODELS: Record<string, { validate(): void }> = {};
const modelFor = (object: Record<string, unknown>): { validate(): void } => {
  const key = `${String(object['apiVersion'])}/${String(object['kind'])}`;
  const make: Record<string, (data: never) => { validate(): void }> = {
    'v1/ConfigMap': (d) => new ConfigMap(d),
    'v1/Secret': (d) => new Secret(d),
    'v1/Service': (d) => new Service(d),
    'v1/ServiceAccount': (d) => new ServiceAccount(d),
    'apps/v1/StatefulSet': (d) => new StatefulSet(d),
    'networking.k8s.io/v1/NetworkPolicy': (d) => new NetworkPolicy(d),
    'monitoring.coreos.com/v1/PrometheusRule': (d) => new PrometheusRule(d),
    'monitoring.coreos.com/v1/ServiceMonitor': (d) => new ServiceMonitor(d),
    'monitoring.coreos.com/v1alpha1/AlertmanagerConfig': (d) => new AlertmanagerConfig(d),
  };
  const factory = make[key];
  if (!factory) throw new Error(`no schema for ${key}`);
  return (MODELS[key] = factory(object as never));
};

const FULL = {
  replicas: 3,
  config: { collectors: { aws: { regions: ['ap-northeast-1'], accounts: [{ id: '111122223333' }, { id: '444455556666', roleArn: 'arn:aws:iam::444455556666:role/kansa-reader' }] } }, disabledControls: ['aws-s3-bucket-versioning'] },
  attestations: { attestations: [{ requirement: '1-1', statement: '規程を制定', evidence: 'DOC-1', owner: 'CISO', attested: '2026-04-01', expires: '2027-03-31' }] },
  serviceAccount: {
    workloadIdentity: {
      awsRoleArn: 'arn:aws:iam::111122223333:role/kansa',
      azureClientId: '00000000-0000-0000-0000-000000000001',
      azureTenantId: '00000000-0000-0000-0000-000000000002',
      gcpServiceAccount: 'kansa-reader@audit-project.iam.gserviceaccount.com',
    },
  },
  web: { enabled: true, tlsSecretName: 'kansa-tls', config: { tls_server_config: { cert_file: '/etc/kansa/tls/tls.crt', key_file: '/etc/kansa/tls/tls.key' }, basic_auth_users: { prometheus: HASH } } },
  evidence: { signingKeySecret: 'kansa-evidence-key', retention: { daily: 30 } },
  serviceMonitor: { enabled: true, labels: { release: 'kube-prometheus-stack' }, tlsConfig: { ca: { secret: { name: 'kansa-tls', key: 'ca.crt' } }, serverName: 'kansa' }, basicAuth: { username: { name: 'kansa-scrape', key: 'username' }, password: { name: 'kansa-scrape', key: 'password' } } },
  prometheusRule: { enabled: true, labels: { release: 'kube-prometheus-stack' } },
  alertmanagerConfig: { enabled: true, labels: { alertmanagerConfig: 'kansa' } },
  grafanaDashboard: { enabled: true, annotations: { grafana_folder: 'Compliance' } },
  networkPolicy: { enabled: true },
};

const S3 = {
  evidence: { store: 's3', s3: { bucket: 'acme-kansa-evidence', prefix: 'prod/', region: 'ap-northeast-1' } },
  serviceAccount: { workloadIdentity: { awsRoleArn: 'arn:aws:iam::111122223333:role/kansa' } },
  networkPolicy: { enabled: true },
};

/** The one object of a kind; for ConfigMap, the configuration's (not the Grafana dashboard's). */
function byKind(chart: RenderedChart, kind: string): Record<string, unknown> {
  const found = chart.objects.filter((o) => o['kind'] === kind && !(kind === 'ConfigMap' && String(at(o, 'metadata.name')).endsWith('-dashboard')));
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** The value at a dotted path (`spec.template.spec.containers.0`), or undefined. */
function at(value: unknown, path: string): unknown {
  let v = value;
  for (const key of path.split('.')) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}
const text = (value: unknown, path: string): string => {
  const v = at(value, path);
  if (typeof v !== 'string') throw new Error(`${path} is not a string`);
  return v;
};

const ajv = new Ajv({ allErrors: true, strict: false });
const validateValues = ajv.compile(JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as object);

describe.each([
  ['default values', {}],
  ['three shards, TLS + basic auth, workload identity, Prometheus Operator', FULL],
  ['S3 Object Lock evidence with IRSA, NetworkPolicy', S3],
  ['TLS only, no persistence', { web: { enabled: true, tlsSecretName: 't', config: { tls_server_config: { cert_file: '/etc/kansa/tls/tls.crt', key_file: '/etc/kansa/tls/tls.key' } } }, persistence: { enabled: false } }],
])('helm chart with %s', (_name, values) => {
  const chart = renderChart(CHART, { release: 'kansa', namespace: 'monitoring', values });

  it('has values that pass values.schema.json', () => {
    expect(validateValues(chart.values) ? [] : validateValues.errors).toEqual([]);
  });

  it('renders objects that pass the Kubernetes and Prometheus Operator schemas', () => {
    expect(chart.objects.length).toBeGreaterThanOrEqual(4);
    for (const object of chart.objects) {
      expect(() => modelFor(object).validate()).not.toThrow();
      expect((object['metadata'] as { namespace?: string }).namespace).toBe('monitoring');
    }
  });

  it('writes a kansa.yaml that kansa itself accepts, with sharding from the replica count', () => {
    const configMap = byKind(chart, 'ConfigMap');
    const dir = tempDir('kansa-chart-');
    const attestations = (at(configMap, 'data') as Record<string, string>)['attestations.yaml'];
    if (attestations) writeFileSync(join(dir, 'attestations.yaml'), attestations);
    const kansaYaml = (at(configMap, 'data') as Record<string, string>)['kansa.yaml']!.replace('/etc/kansa/config/attestations.yaml', join(dir, 'attestations.yaml'));
    writeFileSync(join(dir, 'kansa.yaml'), kansaYaml);
    const config = loadConfig(join(dir, 'kansa.yaml'));
    expect(config.listen).toBe(':9731');
    const replicas = at(byKind(chart, 'StatefulSet'), 'spec.replicas') as number;
    if (replicas > 1) expect(config.sharding).toEqual({ replicas, index: 'auto' });
    else expect(config.sharding).toBeUndefined();
    const evidence = chart.values['evidence'] as { enabled: boolean; store: string };
    if (evidence.enabled && evidence.store === 'pvc') expect(config.evidence).toMatchObject({ dir: '/var/lib/kansa/evidence', retention: { hourly: expect.any(Number) as number } });
    if (evidence.enabled && evidence.store === 's3') expect(config.evidence).toMatchObject({ store: { type: 's3', bucket: 'acme-kansa-evidence', prefix: 'prod/', region: 'ap-northeast-1', objectLock: { mode: 'COMPLIANCE', days: 400 } } });
  });

  it('runs hardened: non-root, read-only root filesystem, no privilege escalation, no capabilities, no API token', () => {
    const pod = at(byKind(chart, 'StatefulSet'), 'spec.template.spec');
    expect(at(pod, 'securityContext')).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(at(pod, 'automountServiceAccountToken')).toBe(false);
    const container = at(pod, 'containers.0');
    expect(at(container, 'securityContext')).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, capabilities: { drop: ['ALL'] } });
    expect((at(container, 'volumeMounts') as { mountPath: string }[]).map((m) => m.mountPath)).toEqual(expect.arrayContaining(['/var/lib/kansa', '/tmp', '/etc/kansa/config']));
    expect(at(container, 'env')).toContainEqual({ name: 'HOSTNAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
    expect(at(container, 'ports')).toEqual([{ name: 'http-metrics', containerPort: 9731, protocol: 'TCP' }]);
  });
});

describe('helm chart details', () => {
  const full = renderChart(CHART, { namespace: 'monitoring', values: FULL });

  it('annotates the service account for EKS IRSA, AKS and GKE workload identity', () => {
    const sa = byKind(full, 'ServiceAccount');
    expect(at(sa, 'metadata.annotations')).toMatchObject({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/kansa',
      'azure.workload.identity/client-id': '00000000-0000-0000-0000-000000000001',
      'azure.workload.identity/tenant-id': '00000000-0000-0000-0000-000000000002',
      'iam.gke.io/gcp-service-account': 'kansa-reader@audit-project.iam.gserviceaccount.com',
    });
    expect((at(byKind(full, 'StatefulSet'), 'spec.template.metadata.labels') as Record<string, string>)['azure.workload.identity/use']).toBe('true');
    expect(at(byKind(renderChart(CHART), 'ServiceAccount'), 'metadata.annotations')).toBeUndefined();
  });

  it('passes the web configuration and probes the socket when basic auth is on, HTTPS /healthz when only TLS', () => {
    const container = at(byKind(full, 'StatefulSet'), 'spec.template.spec.containers.0');
    expect(at(container, 'args')).toEqual(['run', '--config', '/etc/kansa/config/kansa.yaml', '--web.config.file', '/etc/kansa/web/web.yml']);
    expect(at(container, 'livenessProbe.tcpSocket')).toEqual({ port: 'http-metrics' });
    const web = parse((at(byKind(full, 'Secret'), 'stringData') as Record<string, string>)['web.yml']!) as unknown;
    expect(webConfigFileSchema.safeParse(web).success).toBe(true);
    const tlsOnly = renderChart(CHART, { values: { web: { enabled: true, config: { tls_server_config: { cert_file: '/etc/kansa/tls/tls.crt', key_file: '/etc/kansa/tls/tls.key' } } } } });
    expect(at(byKind(tlsOnly, 'StatefulSet'), 'spec.template.spec.containers.0.livenessProbe.httpGet')).toEqual({ path: '/healthz', port: 'http-metrics', scheme: 'HTTPS' });
  });

  it('scrapes every replica over HTTPS with basic auth through the ServiceMonitor', () => {
    expect(at(byKind(full, 'ServiceMonitor'), 'spec.endpoints.0')).toMatchObject({ port: 'http-metrics', path: '/metrics', scheme: 'https', basicAuth: { username: { name: 'kansa-scrape' } } });
    expect(text(byKind(full, 'Service'), 'spec.clusterIP')).toBe('None');
  });

  it('ships deploy/prometheus/kansa-rules.yml as the PrometheusRule, unchanged with the default runbook base URL', () => {
    const rules = parse(readFileSync(join(PACKAGE_ROOT, 'deploy', 'prometheus', 'kansa-rules.yml'), 'utf8')) as { groups: unknown[] };
    expect(at(byKind(full, 'PrometheusRule'), 'spec')).toEqual({ groups: rules.groups });
  });

  // #15: runbook_url was a path relative to the repository, a dead link in any alert receiver.
  it('points every runbook_url at prometheusRule.runbookBaseUrl', () => {
    type Groups = { groups: { rules: { alert?: string; annotations?: Record<string, string> }[] }[] };
    const base = 'https://git.example.go.jp/ops/kansa/-/blob/main/deploy/prometheus/RUNBOOK.md';
    const chart = renderChart(CHART, { values: { prometheusRule: { enabled: true, runbookBaseUrl: base } } });
    const alerts = (at(byKind(chart, 'PrometheusRule'), 'spec') as Groups).groups.flatMap((g) => g.rules.filter((r) => r.alert));
    expect(alerts.length).toBeGreaterThan(15);
    for (const a of alerts) expect({ alert: a.alert, url: a.annotations?.['runbook_url'] }).toEqual({ alert: a.alert, url: `${base}#${a.alert!.toLowerCase()}` });
    expect(validateValues(chart.values)).toBe(true);
    expect(validateValues({ ...chart.values, prometheusRule: { enabled: true, runbookBaseUrl: 'deploy/prometheus/RUNBOOK.md' } })).toBe(false);
    expect(() => renderChart(CHART, { values: { prometheusRule: { enabled: true, runbookBaseUrl: '' } } })).toThrow(/runbookBaseUrl is required/);
  });

  // #15: with `helm install compliance` the job is compliance-kansa; the scrape alerts select this label instead.
  it('labels kansa\'s scrape targets exporter="kansa" through the ServiceMonitor, whatever the release is called', () => {
    const chart = renderChart(CHART, { release: 'compliance', namespace: 'monitoring', values: { serviceMonitor: { enabled: true } } });
    const monitor = byKind(chart, 'ServiceMonitor');
    expect(text(monitor, 'metadata.name')).toBe('compliance-kansa');
    expect(at(monitor, 'spec.endpoints.0.relabelings')).toEqual([{ targetLabel: 'exporter', replacement: 'kansa' }]);
    const rules = readFileSync(join(PACKAGE_ROOT, 'deploy', 'prometheus', 'kansa-rules.yml'), 'utf8');
    expect(rules).toContain('up{exporter="kansa"}');
    // the README's scrape configuration sets the same label
    expect(readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8')).toMatch(/static_configs:\n\s+- targets: \['127\.0\.0\.1:9731'\]\n\s+labels:\n\s+exporter: kansa/);
  });

  it('ships deploy/prometheus/alertmanager-inhibit.yml as an AlertmanagerConfig', () => {
    interface Inhibit {
      readonly source_matchers: readonly string[];
      readonly target_matchers: readonly string[];
      readonly equal: readonly string[];
    }
    const file = parse(readFileSync(join(PACKAGE_ROOT, 'deploy', 'prometheus', 'alertmanager-inhibit.yml'), 'utf8')) as { inhibit_rules: Inhibit[] };
    const matcher = (m: string): { name: string; value: string; matchType: string } => {
      const [, name, matchType, value] = /^(\w+)(=~|!~|!=|=)"(.*)"$/.exec(m)!;
      return { name: name!, value: value!, matchType: matchType! };
    };
    const config = byKind(full, 'AlertmanagerConfig');
    expect(at(config, 'metadata.labels')).toMatchObject({ alertmanagerConfig: 'kansa' });
    expect(at(config, 'spec.inhibitRules')).toEqual(file.inhibit_rules.map((r) => ({ sourceMatch: r.source_matchers.map(matcher), targetMatch: r.target_matchers.map(matcher), equal: r.equal })));
    expect(renderChart(CHART).objects.some((o) => o['kind'] === 'AlertmanagerConfig')).toBe(false);
  });

  it('keeps evidence on a volume claim per replica, or an emptyDir without persistence', () => {
    const set = byKind(renderChart(CHART, { values: { persistence: { enabled: false } } }), 'StatefulSet');
    expect(at(set, 'spec.volumeClaimTemplates')).toBeUndefined();
    expect(at(set, 'spec.template.spec.volumes')).toContainEqual({ name: 'data', emptyDir: { sizeLimit: '4Gi' } });
    const persistent = byKind(renderChart(CHART), 'StatefulSet');
    expect(at(persistent, 'spec.volumeClaimTemplates.0')).toMatchObject({ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '4Gi' } } } });
    expect(text(persistent, 'spec.podManagementPolicy')).toBe('Parallel');
  });

  it('rolls the pods when the configuration changes', () => {
    const annotation = (chart: RenderedChart): string => (at(byKind(chart, 'StatefulSet'), 'spec.template.metadata.annotations') as Record<string, string>)['checksum/config']!;
    expect(annotation(renderChart(CHART))).not.toBe(annotation(renderChart(CHART, { values: { config: { disabledControls: ['x'] } } })));
  });

  it('refuses values the chart would silently misuse', () => {
    const check = (values: Record<string, unknown>): boolean => validateValues(renderChart(CHART, { values }).values);
    expect(check({ config: { listen: ':1' } })).toBe(false);
    expect(check({ replicas: 0 })).toBe(false);
    expect(check({ web: { config: { basic_auth_users: { prometheus: 'plaintext' } } } })).toBe(false);
    expect(check({ serviceAccount: { workloadIdentity: { awsRoleArn: 'kansa' } } })).toBe(false);
    const defaults = renderChart(CHART).values as { evidence: Record<string, unknown> };
    expect(validateValues({ ...defaults, evidence: { ...defaults.evidence, store: 's3' } })).toBe(false);
    expect(check({ evidence: { store: 'gcs' } })).toBe(false);
    expect(check({ networkPolicy: { cloudApis: [] } })).toBe(false);
  });

  // #16: `config.evidence` is rejected (the chart owns it), so the S3 store had no way in.
  it('configures the S3 Object Lock store, with the IRSA role on the service account, and refuses it with replicas', () => {
    const chart = renderChart(CHART, { values: S3 });
    const kansaYaml = parse((at(byKind(chart, 'ConfigMap'), 'data') as Record<string, string>)['kansa.yaml']!) as { evidence: Record<string, unknown> };
    expect(kansaYaml.evidence).toEqual({
      store: { type: 's3', bucket: 'acme-kansa-evidence', prefix: 'prod/', region: 'ap-northeast-1', objectLock: { mode: 'COMPLIANCE', days: 400 } },
      schedule: '0 * * * *',
    });
    expect(at(byKind(chart, 'ServiceAccount'), 'metadata.annotations')).toMatchObject({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/kansa' });
    const bucketDefault = renderChart(CHART, { values: { evidence: { store: 's3', s3: { bucket: 'b-1', region: 'us-east-1', objectLock: null } } } });
    expect((parse((at(byKind(bucketDefault, 'ConfigMap'), 'data') as Record<string, string>)['kansa.yaml']!) as { evidence: { store: unknown } }).evidence.store).toEqual({ type: 's3', bucket: 'b-1', prefix: '', region: 'us-east-1' });
    expect(() => renderChart(CHART, { values: { ...S3, replicas: 2 } })).toThrow(/one agent per prefix/);
    expect(validateValues({ ...chart.values, replicas: 2 })).toBe(false);
    expect(() => renderChart(CHART, { values: { evidence: { store: 's3' } } })).toThrow(/evidence\.s3\.bucket is required/);
  });

  // #16: keep-all on a 2 GiB volume filled in about two weeks. Measure a real snapshot and check the
  // values comment's arithmetic: (hourly + daily + monthly + 1) snapshots of a 20,000-resource estate fit.
  it('prunes evidence by default, and the retained snapshots of a 20,000-resource estate fit the volume', () => {
    const values = renderChart(CHART).values as { evidence: { retention: { hourly: number; daily: number; monthly: number } }; persistence: { size: string } };
    const { hourly, daily, monthly } = values.evidence.retention;
    expect(hourly + daily + monthly).toBeGreaterThan(0);
    const dir = tempDir('kansa-chart-snapshot-');
    const result = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'bin', 'kansa.js'), 'snapshot', '--sandbox', '--dir', dir, '--output', 'json'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    const resources = (JSON.parse(result.stdout) as { counts: { resources: number } }).counts.resources;
    const [snapshot] = readdirSync(dir).filter((name) => statSync(join(dir, name)).isDirectory());
    const bytes = readdirSync(join(dir, snapshot!)).reduce((sum, file) => sum + statSync(join(dir, snapshot!, file)).size, 0);
    const perResource = bytes / resources;
    // The values comment says ≈ 0.45 MB per 1,000 resources: keep it honest within a factor of 1.5.
    expect(perResource * 1000).toBeGreaterThan(0.3e6);
    expect(perResource * 1000).toBeLessThan(0.68e6);
    const units: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
    const [, amount, unit] = /^(\d+)(Ki|Mi|Gi|Ti)$/.exec(values.persistence.size)!;
    const volume = Number(amount) * units[unit!]!;
    expect((hourly + daily + monthly + 1) * perResource * 20_000).toBeLessThan(0.8 * volume);
    // …while keeping everything would not last a month of hourly snapshots.
    expect(24 * 31 * perResource * 20_000).toBeGreaterThan(volume);
  });

  it('ships deploy/grafana/kansa-dashboard.json for the Grafana sidecar, under the configured label', () => {
    const dashboard = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'deploy', 'grafana', 'kansa-dashboard.json'), 'utf8')) as unknown;
    const maps = (chart: RenderedChart): Record<string, unknown>[] => chart.objects.filter((o) => o['kind'] === 'ConfigMap' && text(o, 'metadata.name').endsWith('-dashboard'));
    const [map] = maps(full);
    expect(JSON.parse((at(map, 'data') as Record<string, string>)['kansa-dashboard.json']!)).toEqual(dashboard);
    expect(at(map, 'metadata.labels')).toMatchObject({ grafana_dashboard: '1' });
    expect(at(map, 'metadata.annotations')).toEqual({ grafana_folder: 'Compliance' });
    const relabelled = renderChart(CHART, { values: { grafanaDashboard: { enabled: true, labels: { grafana_dashboard: null, 'example.com/dashboard': 'kansa' }, namespace: 'grafana' } } });
    expect(at(maps(relabelled)[0], 'metadata.labels')).toMatchObject({ 'example.com/dashboard': 'kansa' });
    expect(at(maps(relabelled)[0], 'metadata.labels')).not.toHaveProperty('grafana_dashboard');
    expect(at(maps(relabelled)[0], 'metadata.namespace')).toBe('grafana');
    expect(maps(renderChart(CHART))).toEqual([]);
  });

  it('lets in only the scrape and out only DNS and HTTPS to the cloud APIs', () => {
    const policy = byKind(full, 'NetworkPolicy');
    expect(at(policy, 'spec.podSelector.matchLabels')).toEqual(at(byKind(full, 'StatefulSet'), 'spec.selector.matchLabels'));
    expect(at(policy, 'spec.policyTypes')).toEqual(['Ingress', 'Egress']);
    expect(at(policy, 'spec.ingress')).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [{ port: 'http-metrics', protocol: 'TCP' }] },
    ]);
    const egress = at(policy, 'spec.egress') as { to: unknown[]; ports: { port: number | string; protocol: string }[] }[];
    expect(egress.flatMap((rule) => rule.ports.map((p) => `${p.protocol}/${p.port}`)).sort()).toEqual(['TCP/443', 'TCP/53', 'TCP/80', 'UDP/53']);
    // TCP/80 only for the GKE metadata server, because FULL sets a GCP service account.
    expect(egress.find((rule) => rule.ports.some((p) => p.port === 80))?.to).toEqual([{ ipBlock: { cidr: '169.254.169.254/32' } }]);
    const s3 = at(byKind(renderChart(CHART, { values: S3 }), 'NetworkPolicy'), 'spec.egress') as { ports: { port: number }[] }[];
    expect(s3.flatMap((rule) => rule.ports.map((p) => p.port))).not.toContain(80);
    const closed = byKind(renderChart(CHART, { values: { networkPolicy: { enabled: true, scrapeFrom: [] } } }), 'NetworkPolicy');
    expect(at(closed, 'spec.ingress')).toEqual([]);
    expect(renderChart(CHART).objects.some((o) => o['kind'] === 'NetworkPolicy')).toBe(false);
  });
});

describe('the template renderer follows Go text/template', () => {
  const render = (source: string, data: unknown = {}): string => {
    const t = new HelmTemplates();
    t.add('t', source);
    return t.render('t', data);
  };

  it('trims whitespace, iterates maps in key order, scopes with and else', () => {
    expect(render('a  {{- " b " -}}  c')).toBe('a b c');
    expect(render('{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}', { b: 2, a: 1 })).toBe('a=1;b=2;');
    expect(render('{{ with .x }}[{{ . }}]{{ else }}none{{ end }}', { x: '' })).toBe('none');
    expect(render('{{ if and .a (not .b) }}yes{{ else if .b }}b{{ end }}', { a: 1, b: 0 })).toBe('yes');
    expect(render('{{ .a | default "d" | quote }}', { a: '' })).toBe('"d"');
    expect(render('{{- define "x" }}<{{ . }}>{{ end -}}{{ include "x" "y" | nindent 2 }}')).toBe('\n  <y>');
  });

  it('fails where Helm fails, and on anything it does not implement', () => {
    expect(() => render('{{ .a.b }}', {})).toThrow(/nil pointer evaluating \.b/);
    expect(() => render('{{ lookup "v1" "Secret" "ns" "n" }}')).toThrow(/not supported/);
    expect(() => render('{{ if .a }}x')).toThrow(/missing \{\{end\}\}/);
    expect(() => render('{{ end }}')).toThrow(/unexpected/);
  });
});
// No helm binary is installable from this project's registries (npm, Debian): the chart is checked by the
// strict renderer above against the Kubernetes and Prometheus Operator schemas instead (see deploy/helm/kansa/README.md).
