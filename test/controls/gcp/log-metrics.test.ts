/**
 * gcp-log-metric-alerts-for-config-changes (CIS GCP 2.4–2.11): per project, the configuration changes that lack an
 * enabled log-based metric whose filter holds the benchmark's terms together with an enabled alert policy that
 * notifies and reads that metric. Shapes: Logging v2 LogMetric
 * (https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.metrics), Monitoring v3 AlertPolicy
 * (https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.alertPolicies), as Cloud Asset records them.
 */
import { asset, findings, reasonsJa } from './support.js';

const CONTROL = 'gcp-log-metric-alerts-for-config-changes';
const P = 'kansa-test';
const project = () =>
  asset('cloudresourcemanager.googleapis.com/Project', '//cloudresourcemanager.googleapis.com/projects/123456789012', {
    projectNumber: '123456789012', projectId: P, lifecycleState: 'ACTIVE', name: P,
  }, 'global');
// Filters as the CIS benchmark gives them (recommendations 2.4–2.11).
const FILTERS: Record<string, string> = {
  owner: '(protoPayload.serviceName="cloudresourcemanager.googleapis.com") AND (ProjectOwnership OR projectOwnerInvitee) OR (protoPayload.serviceData.policyDelta.bindingDeltas.action="REMOVE" AND protoPayload.serviceData.policyDelta.bindingDeltas.role="roles/owner") OR (protoPayload.serviceData.policyDelta.bindingDeltas.action="ADD" AND protoPayload.serviceData.policyDelta.bindingDeltas.role="roles/owner")',
  audit: 'protoPayload.methodName="SetIamPolicy" AND protoPayload.serviceData.policyDelta.auditConfigDeltas:*',
  role: 'resource.type="iam_role" AND (protoPayload.methodName="google.iam.admin.v1.CreateRole" OR protoPayload.methodName="google.iam.admin.v1.DeleteRole" OR protoPayload.methodName="google.iam.admin.v1.UpdateRole")',
  firewall: 'resource.type="gce_firewall_rule" AND (protoPayload.methodName:"compute.firewalls.patch" OR protoPayload.methodName:"compute.firewalls.insert" OR protoPayload.methodName:"compute.firewalls.delete")',
  route: 'resource.type="gce_route" AND (protoPayload.methodName:"compute.routes.delete" OR protoPayload.methodName:"compute.routes.insert")',
  network: 'resource.type="gce_network" AND (protoPayload.methodName:"compute.networks.insert" OR protoPayload.methodName:"compute.networks.patch" OR protoPayload.methodName:"compute.networks.delete" OR protoPayload.methodName:"compute.networks.removePeering" OR protoPayload.methodName:"compute.networks.addPeering")',
  storage: 'resource.type="gcs_bucket" AND protoPayload.methodName="storage.setIamPermissions"',
  sql: 'protoPayload.methodName="cloudsql.instances.update"',
};
const metric = (id: string, filter: string, extra: Record<string, unknown> = {}) =>
  asset('logging.googleapis.com/LogMetric', `//logging.googleapis.com/projects/${P}/metrics/${id}`, { name: id, filter, ...extra }, 'global');
const alert = (n: number, metrics: string[], extra: Record<string, unknown> = {}) =>
  asset('monitoring.googleapis.com/AlertPolicy', `//monitoring.googleapis.com/projects/${P}/alertPolicies/${n}`, {
    name: `projects/${P}/alertPolicies/${n}`,
    displayName: `alert-${n}`,
    combiner: 'OR',
    enabled: true,
    notificationChannels: [`projects/${P}/notificationChannels/1`],
    conditions: metrics.map((m) => ({ displayName: m, conditionThreshold: { filter: `metric.type="logging.googleapis.com/user/${m}" AND resource.type="global"`, comparison: 'COMPARISON_GT', thresholdValue: 0, duration: '0s' } })),
    ...extra,
  }, 'global');
const all = () => [project(), ...Object.entries(FILTERS).map(([id, f]) => metric(id, f)), alert(1, Object.keys(FILTERS))];
const verdict = (assets: Record<string, unknown>[]) => findings(assets, CONTROL)['123456789012'];

describe(CONTROL, () => {
  it('passes a project with a metric and an alert for every change, however the filters are spaced or quoted', () => {
    expect(verdict(all())).toEqual({ status: 'pass' });
    // one metric holding several benchmark filters, written with other spacing and no quotes, counts for each
    const combined = metric('combined', `${FILTERS.route!.replace(/"/g, '')}  OR  ${FILTERS.network!.replace(/ AND /g, '\n AND ')}`);
    const rest = Object.entries(FILTERS).filter(([id]) => id !== 'route' && id !== 'network');
    expect(verdict([project(), combined, ...rest.map(([id, f]) => metric(id, f)), alert(1, ['combined', ...rest.map(([id]) => id)])])).toEqual({ status: 'pass' });
  });

  it('fails a project with no metric at all, naming every change in English and Japanese', () => {
    expect(verdict([project()])).toEqual({
      status: 'fail',
      reason: 'project kansa-test has no log-based metric with an enabled, notifying alert policy for project ownership changes, audit configuration changes, custom role changes, VPC firewall rule changes, VPC route changes, VPC network changes, Cloud Storage IAM permission changes, SQL instance configuration changes',
    });
    expect(reasonsJa([project(), ...all().slice(1, 8), alert(1, Object.keys(FILTERS).slice(0, 7))], CONTROL)['123456789012']).toBe(
      'プロジェクト kansa-test には、Cloud SQL インスタンス設定の変更 を検知するログベースの指標と、それを条件に通知する有効なアラートポリシーがありません',
    );
  });

  it('does not count a metric without an alert, a disabled metric, or an alert that is disabled, notifies no one or reads another metric', () => {
    const without = (id: string, replace: Record<string, unknown>[]) => [project(), ...Object.entries(FILTERS).filter(([k]) => k !== id).map(([k, f]) => metric(k, f)), ...replace];
    const others = Object.keys(FILTERS).filter((k) => k !== 'sql');
    const missingSql = { status: 'fail', reason: 'project kansa-test has no log-based metric with an enabled, notifying alert policy for SQL instance configuration changes' };
    expect(verdict(without('sql', [metric('sql', FILTERS.sql!), alert(1, others)]))).toEqual(missingSql);
    expect(verdict(without('sql', [metric('sql', FILTERS.sql!, { disabled: true }), alert(1, Object.keys(FILTERS))]))).toEqual(missingSql);
    expect(verdict(without('sql', [metric('sql', FILTERS.sql!), alert(1, others), alert(2, ['sql'], { enabled: false })]))).toEqual(missingSql);
    expect(verdict(without('sql', [metric('sql', FILTERS.sql!), alert(1, others), alert(2, ['sql'], { notificationChannels: [] })]))).toEqual(missingSql);
    // a metric whose id only starts like the alerted one is another metric
    expect(verdict(without('sql', [metric('sql', FILTERS.sql!), alert(1, [...others, 'sql-old'])]))).toEqual(missingSql);
    // a filter missing one of the benchmark's method names does not cover the change
    expect(verdict(without('route', [metric('route', 'resource.type="gce_route" AND protoPayload.methodName:"compute.routes.insert"'), alert(1, Object.keys(FILTERS))]))?.reason).toBe(
      'project kansa-test has no log-based metric with an enabled, notifying alert policy for VPC route changes',
    );
  });

  it('is unknown when only a filter that excludes something might cover a change; a change with no candidate still fails', () => {
    const negated = metric('sql', `${FILTERS.sql!} AND NOT protoPayload.authenticationInfo.principalEmail="deployer@kansa-test.iam.gserviceaccount.com"`);
    const rest = Object.entries(FILTERS).filter(([k]) => k !== 'sql');
    expect(verdict([project(), ...rest.map(([k, f]) => metric(k, f)), negated, alert(1, Object.keys(FILTERS))])).toEqual({
      status: 'unknown',
      reason: 'cannot evaluate: the metric filters for SQL instance configuration changes exclude something (NOT / -): term matching cannot judge them',
    });
    const noRoute = rest.filter(([k]) => k !== 'route');
    expect(verdict([project(), ...noRoute.map(([k, f]) => metric(k, f)), negated, alert(1, Object.keys(FILTERS))])?.status).toBe('fail');
  });

  it('reads only the project\'s own metrics and alert policies', () => {
    const other = (a: Record<string, unknown>) => ({ ...a, name: String(a.name).replace(`projects/${P}/`, 'projects/other-project/') });
    expect(verdict([project(), ...all().slice(1).map(other)])?.status).toBe('fail');
  });
});
