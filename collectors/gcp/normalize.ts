/**
 * Cloud Asset Inventory asset → normalized Resource.
 *
 * Accepts the shapes assets come in: the gRPC client's decoded messages (camelCase, `resource.data` a
 * protobuf Struct, `updateTime` a Timestamp), the REST transport and `gcloud asset list --format=json`
 * (camelCase, plain JSON), and `gcloud asset export` / policy-library fixtures (snake_case). One asset
 * can carry a resource and an IAM policy; each becomes its own Resource: the resource under its asset
 * type, the IAM policy under `<asset type>#iamPolicy`, so controls declare which one they read and
 * the collector asks for the IAM_POLICY content type only when an enabled control does.
 *
 * Resource model: account = project id (the project number when the asset names only that and no
 * project id is known), region = the asset's location (lower case), type = asset type,
 * configuration = `resource.data` (IAM policy for `#iamPolicy`), tags = labels.
 */
import { errorMessage } from '../../src/errors.js';
import { GLOBAL_REGION, type Resource } from '../../src/model/resource.js';
import { isProtoStruct, structToJson } from './struct.js';

type Json = Record<string, unknown>;

/** Suffix of the pseudo-type under which an asset's IAM policy is evaluated. */
export const IAM_POLICY_SUFFIX = '#iamPolicy';
/** Suffix of the pseudo-type under which an asset's organization policies are evaluated. */
export const ORG_POLICY_SUFFIX = '#orgPolicy';

export type ContentType = 'RESOURCE' | 'IAM_POLICY' | 'ORG_POLICY';

/** Splits a control's resource type into the Cloud Asset content type and asset type it needs. */
export function contentTypeOf(type: string): { contentType: ContentType; assetType: string } {
  if (type.endsWith(IAM_POLICY_SUFFIX)) return { contentType: 'IAM_POLICY', assetType: type.slice(0, -IAM_POLICY_SUFFIX.length) };
  if (type.endsWith(ORG_POLICY_SUFFIX)) return { contentType: 'ORG_POLICY', assetType: type.slice(0, -ORG_POLICY_SUFFIX.length) };
  return { contentType: 'RESOURCE', assetType: type };
}

export interface NormalizeOptions {
  /** Project id to attribute assets to when the asset itself names only a project number (project scope). */
  readonly project?: string;
  /**
   * When Cloud Asset took the snapshot (ListAssetsResponse.read_time, ISO): ages such as a service-account
   * key's are measured against it, so a verdict is as of the inventory, never of the wall clock.
   */
  readonly readTime?: string;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** First of several spellings (camelCase from the API, snake_case from `gcloud asset export`). */
function pick(object: Json, ...keys: string[]): unknown {
  for (const key of keys) if (object[key] !== undefined && object[key] !== null) return object[key];
  return undefined;
}

/** `data` as JSON: a Struct on gRPC, already JSON elsewhere. */
function dataDocument(value: unknown): Json {
  if (value === undefined || value === null) throw new Error('resource.data is missing');
  if (isProtoStruct(value)) return structToJson(value);
  if (isObject(value)) return value;
  throw new Error(`resource.data is a ${Array.isArray(value) ? 'array' : typeof value}, expected an object`);
}

const LAST_SEGMENT = /[^/]+$/;

function lastSegment(value: string): string {
  return LAST_SEGMENT.exec(value)?.[0] ?? value;
}

function projectFromName(name: string): string | undefined {
  return /\/projects\/([^/]+)/.exec(name)?.[1];
}

function projectNumber(asset: Json, resource: Json | undefined): string {
  for (const ancestor of list(asset.ancestors)) {
    const m = /^projects\/(\d+)$/.exec(str(ancestor));
    if (m?.[1]) return m[1];
  }
  const parent = str(resource?.parent);
  return /projects\/(\d+)$/.exec(parent)?.[1] ?? '';
}

function accountOf(asset: Json, name: string, resource: Json | undefined, data: Json, options: NormalizeOptions): string {
  const fromName = projectFromName(name);
  if (fromName && !/^\d+$/.test(fromName)) return fromName;
  const fromData = str(data.projectId) || str(data.project);
  if (fromData && !/^\d+$/.test(fromData)) return fromData;
  // An organization's or a folder's own asset (its IAM or organization policies) belongs to no project:
  // it is accounted to itself, as the collector reports a folder or organization scope.
  const container = /^\/\/cloudresourcemanager\.googleapis\.com\/((?:organizations|folders)\/[^/]+)$/.exec(name)?.[1];
  if (container) return container;
  if (options.project) return options.project;
  return fromName ?? (projectNumber(asset, resource) || str(data.projectNumber) || hierarchyNode(asset, resource));
}

/**
 * An asset that belongs to no project (a hierarchical firewall policy attached to an organization or a
 * folder) belongs to the folder or organization holding it: the first of its `ancestors` ("starts with the
 * closest ancestor", Cloud Asset Asset reference), else its `resource.parent`. Such an asset then counts in
 * that node's scope and, through the projects' ancestors, for the projects beneath it.
 */
function hierarchyNode(asset: Json, resource: Json | undefined): string {
  for (const ancestor of list(asset.ancestors)) {
    const node = /^(?:organizations|folders)\/\d+$/.exec(str(ancestor))?.[0];
    if (node) return node;
  }
  return /(?:organizations|folders)\/\d+$/.exec(str(resource?.parent))?.[0] ?? '';
}

/** Where the asset lives: Cloud Asset's `location`, else what the payload or the name says, lower case. */
function regionOf(name: string, resource: Json | undefined, data: Json): string {
  const location = str(resource?.location);
  if (location) return location.toLowerCase();
  for (const key of ['location', 'region', 'zone']) {
    const v = str(data[key]);
    if (v) return lastSegment(v).toLowerCase();
  }
  const fromName = /\/(?:locations|regions|zones)\/([^/]+)/.exec(name)?.[1];
  return fromName ? fromName.toLowerCase() : GLOBAL_REGION;
}

function capturedAt(asset: Json): string {
  const t = pick(asset, 'updateTime', 'update_time');
  if (typeof t === 'string') return t;
  if (isObject(t) && t.seconds !== undefined) {
    const ms = Number(t.seconds) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6);
    return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
  }
  return '';
}

function labels(data: Json): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(data.labels)) for (const [k, v] of Object.entries(data.labels)) out[k] = str(v);
  return out;
}

/** Admin port ranges are compared numerically: "22" → 22–22, "20-30" → 20–30, no ports → 0–65535. */
function portRanges(ports: unknown): { fromPort: number; toPort: number }[] {
  const entries = list(ports).map(str);
  if (entries.length === 0) return [{ fromPort: 0, toPort: 65535 }];
  return entries.map((p) => {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(p);
    if (!m) throw new Error(`firewall port "${p}" is neither a port nor a range`);
    const from = Number(m[1]);
    return { fromPort: from, toPort: m[2] === undefined ? from : Number(m[2]) };
  });
}

const PROTOCOL_NAMES: Readonly<Record<string, string>> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '132': 'sctp' };

function canonicalFirewallRules(value: unknown, what: string): Json[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error(`${what} is not a list`);
  return value.map((rule, i) => {
    if (!isObject(rule)) throw new Error(`${what}[${i}] is not an object`);
    const ports = list(rule.ports).map(str);
    const IPProtocol = str(rule.IPProtocol ?? rule.ipProtocol).toLowerCase();
    // `protocol` is the name whatever the rule was written with ("6" is tcp), so allow and deny rules compare.
    return { ...rule, IPProtocol, protocol: PROTOCOL_NAMES[IPProtocol] ?? IPProtocol, ports, portRanges: portRanges(ports) };
  });
}

const DURATION = /^(\d+(?:\.\d+)?)s$/;
const DAY_MS = 86_400_000;

/** Whole days from `from` to `to` (ISO times); undefined when either is missing or unreadable. */
function daysBetween(from: unknown, to: string | undefined): number | undefined {
  const start = Date.parse(str(from));
  const end = to === undefined ? NaN : Date.parse(to);
  return Number.isFinite(start) && Number.isFinite(end) ? Math.floor((end - start) / DAY_MS) : undefined;
}

/** Per-type canonicalization so controls are written once. */
const typeNormalizers: Readonly<Record<string, (data: Json, options: NormalizeOptions) => Json>> = {
  // IAM v1 ServiceAccountKey (https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts.keys):
  // key material is never kept, whatever a source carries; the age in days is measured against the snapshot's
  // read time, and left out (so controls answer unknown) when either time is missing.
  'iam.googleapis.com/ServiceAccountKey': (d, options) => {
    const rest = Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'privateKeyData' && k !== 'publicKeyData'));
    const ageDays = daysBetween(d.validAfterTime, options.readTime);
    return { ...rest, keyType: str(d.keyType), disabled: d.disabled === true, ...(ageDays === undefined ? {} : { ageDays }) };
  },
  // Compute v1 Project (https://cloud.google.com/compute/docs/reference/rest/v1/projects): the project-wide
  // metadata items ({key, value}) as a map, so `enable-oslogin` is looked up by key. Without
  // commonInstanceMetadata nothing is known of the metadata, and `metadata` stays absent.
  'compute.googleapis.com/Project': (d) => {
    if (!isObject(d.commonInstanceMetadata)) return d;
    const metadata: Record<string, string> = {};
    for (const item of list(d.commonInstanceMetadata.items)) if (isObject(item) && str(item.key)) metadata[str(item.key)] = str(item.value);
    return { ...d, metadata };
  },
  'compute.googleapis.com/Firewall': (d) => ({
    ...d,
    direction: str(d.direction) || 'INGRESS', // the API's default
    priority: d.priority === undefined || d.priority === null || d.priority === '' ? 1000 : Number(d.priority), // the API's default
    network: str(d.network),
    targetTags: list(d.targetTags).map(str),
    targetServiceAccounts: list(d.targetServiceAccounts).map(str),
    disabled: d.disabled === true,
    sourceRanges: list(d.sourceRanges).map(str),
    destinationRanges: list(d.destinationRanges).map(str),
    allowed: canonicalFirewallRules(d.allowed, 'allowed'),
    denied: canonicalFirewallRules(d.denied, 'denied'),
  }),
  // Firewall policies (hierarchical, global network and regional network): rules read like VPC firewall rules,
  // layer-4 configs with numeric port ranges; defaults as the Compute API documents them (FirewallPolicyRule,
  // FirewallPolicyRuleMatcher). Cloud Asset records all three kinds as this one type (Google's Terraform-to-CAI
  // converter maps google_compute_network_firewall_policy and google_compute_region_network_firewall_policy to
  // kind FirewallPolicy: GoogleCloudPlatform/magic-modules mmv1/products/compute/RegionNetworkFirewallPolicy.yaml);
  // a regional one carries `region`, the URL of its region (Compute v1 regionNetworkFirewallPolicies resource),
  // "" for the others.
  'compute.googleapis.com/FirewallPolicy': (d) => ({
    ...d,
    region: str(d.region),
    associations: list(d.associations).filter(isObject).map((a) => ({ ...a, attachmentTarget: str(a.attachmentTarget) })),
    rules: list(d.rules).map((rule, i) => {
      if (!isObject(rule)) throw new Error(`rules[${i}] is not an object`);
      const match = isObject(rule.match) ? rule.match : {};
      return {
        ...rule,
        priority: Number(rule.priority ?? 0),
        action: str(rule.action),
        direction: str(rule.direction) || 'INGRESS',
        disabled: rule.disabled === true,
        targetResources: list(rule.targetResources).map(str),
        targetServiceAccounts: list(rule.targetServiceAccounts).map(str),
        targetSecureTags: list(rule.targetSecureTags),
        match: {
          ...match,
          srcIpRanges: list(match.srcIpRanges).map(str),
          layer4Configs: list(match.layer4Configs).map((l, j) => {
            if (!isObject(l)) throw new Error(`rules[${i}].match.layer4Configs[${j}] is not an object`);
            const protocol = str(l.ipProtocol).toLowerCase();
            return { ...l, protocol: PROTOCOL_NAMES[protocol] ?? protocol, portRanges: portRanges(l.ports) };
          }),
        },
      };
    }),
  }),
  // Log-based metrics (Logging v2 LogMetric: https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.metrics;
  // Cloud Asset type logging.googleapis.com/LogMetric per magic-modules mmv1/products/logging/Metric.yaml).
  // `metricId` is the identifier alert conditions name (`logging.googleapis.com/user/<id>`); `filterCompact`
  // is the filter lower-cased without whitespace or double quotes, so controls can look for the terms they
  // need however the filter is spaced or quoted; `negated` says the filter excludes something (NOT, or `-`
  // before a term: https://cloud.google.com/logging/docs/view/logging-query-language), which a term search
  // cannot judge.
  'logging.googleapis.com/LogMetric': (d) => {
    const filter = str(d.filter);
    return {
      ...d,
      metricId: str(d.name).split('/metrics/').pop() ?? '',
      disabled: d.disabled === true,
      filter,
      filterCompact: filter.toLowerCase().replace(/[\s"]/g, ''),
      negated: /(^|[\s(])(NOT\s|-[A-Za-z])/.test(filter),
    };
  },
  // Alert policies (Monitoring v3 AlertPolicy): `userMetrics` lists the log-based metrics its threshold and
  // absence conditions read (`metric.type="logging.googleapis.com/user/<id>"` in their filters).
  'monitoring.googleapis.com/AlertPolicy': (d) => ({
    ...d,
    userMetrics: list(d.conditions)
      .filter(isObject)
      .flatMap((c) => [c.conditionThreshold, c.conditionAbsent].filter(isObject).map((x) => str(x.filter)))
      .flatMap((f) => [...f.matchAll(/metric\.type\s*=\s*"?logging\.googleapis\.com\/user\/([^"\s)]+)"?/g)].map((m) => m[1] ?? '')),
  }),
  // `bucketPolicyOnly` is the older name of uniform bucket-level access; both are folded into the new one.
  'storage.googleapis.com/Bucket': (d) => {
    if (!isObject(d.iamConfiguration)) return d;
    const iam = d.iamConfiguration;
    const ubla = isObject(iam.uniformBucketLevelAccess) ? iam.uniformBucketLevelAccess : isObject(iam.bucketPolicyOnly) ? iam.bucketPolicyOnly : {};
    return { ...d, iamConfiguration: { ...iam, uniformBucketLevelAccess: { ...ubla, enabled: ubla.enabled === true } } };
  },
  // Durations are strings such as "7776000s"; seconds as a number let controls compare.
  'cloudkms.googleapis.com/CryptoKey': (d) => {
    const m = DURATION.exec(str(d.rotationPeriod));
    return m ? { ...d, rotationPeriodSeconds: Number(m[1]) } : d;
  },
};

const LOG_TYPES: Readonly<Record<number, string>> = { 0: 'LOG_TYPE_UNSPECIFIED', 1: 'ADMIN_READ', 2: 'DATA_WRITE', 3: 'DATA_READ' };

/** IAM policy: lists always present, enum values as names. */
function canonicalIamPolicy(policy: Json): Json {
  return {
    version: policy.version ?? 1,
    bindings: list(policy.bindings).filter(isObject).map((b) => ({ ...b, role: str(b.role), members: list(b.members).map(str) })),
    auditConfigs: list(pick(policy, 'auditConfigs', 'audit_configs'))
      .filter(isObject)
      .map((c) => ({
        service: str(c.service),
        auditLogConfigs: list(pick(c, 'auditLogConfigs', 'audit_log_configs'))
          .filter(isObject)
          .map((l) => {
            const logType = pick(l, 'logType', 'log_type');
            return { logType: typeof logType === 'number' ? LOG_TYPES[logType] ?? String(logType) : str(logType), exemptedMembers: list(pick(l, 'exemptedMembers', 'exempted_members')).map(str) };
          }),
      })),
  };
}

const ALL_VALUES: Readonly<Record<number, string>> = { 0: '', 1: 'ALLOW', 2: 'DENY' };

/**
 * Asset.org_policy (google/cloud/asset/v1/assets.proto, field 6): repeated google.cloud.orgpolicy.v1.Policy
 * (google/cloud/orgpolicy/v1/orgpolicy.proto) — `constraint` "constraints/<name>" and one of list_policy
 * {allowed_values, denied_values, all_values ALLOW|DENY, inherit_from_parent}, boolean_policy {enforced}
 * or restore_default. Keyed by constraint name without the "constraints/" prefix; `kind` says which of
 * the three the policy is ("" when none is set). A shape other than this is an error: the asset is malformed.
 */
function canonicalOrgPolicies(value: unknown): Json {
  if (!Array.isArray(value)) throw new Error(`orgPolicy is a ${typeof value}, expected a list of policies`);
  const out: Json = {};
  value.forEach((policy, i) => {
    if (!isObject(policy)) throw new Error(`orgPolicy[${i}] is not an object`);
    const constraint = str(policy.constraint).replace(/^constraints\//, '');
    if (!constraint) throw new Error(`orgPolicy[${i}] names no constraint`);
    const listPolicy = pick(policy, 'listPolicy', 'list_policy');
    const booleanPolicy = pick(policy, 'booleanPolicy', 'boolean_policy');
    const restore = pick(policy, 'restoreDefault', 'restore_default');
    if (isObject(booleanPolicy)) out[constraint] = { kind: 'boolean', enforced: booleanPolicy.enforced === true };
    else if (isObject(listPolicy)) {
      const all = pick(listPolicy, 'allValues', 'all_values');
      out[constraint] = {
        kind: 'list',
        allowedValues: list(pick(listPolicy, 'allowedValues', 'allowed_values')).map(str),
        deniedValues: list(pick(listPolicy, 'deniedValues', 'denied_values')).map(str),
        allValues: typeof all === 'number' ? ALL_VALUES[all] ?? String(all) : all === 'ALL_VALUES_UNSPECIFIED' ? '' : str(all),
        inheritFromParent: pick(listPolicy, 'inheritFromParent', 'inherit_from_parent') === true,
      };
    } else if (isObject(restore)) out[constraint] = { kind: 'restoreDefault' };
    else out[constraint] = { kind: '' };
  });
  return out;
}

/**
 * One asset, read: its resources (each perhaps malformed, always under the real asset type), or, when
 * not even the asset type can be read, why — such an item is counted as unreadable in its scope and
 * never becomes a resource under a made-up type.
 */
export type AssetItem = { readonly ok: true; readonly resources: Resource[] } | { readonly ok: false; readonly reason: string; readonly name: string };

export function readAsset(asset: unknown, options: NormalizeOptions = {}): AssetItem {
  if (!isObject(asset)) return { ok: false, reason: `asset is a ${Array.isArray(asset) ? 'array' : typeof asset}, expected an object`, name: '' };
  const name = str(asset.name);
  if (!str(pick(asset, 'assetType', 'asset_type'))) return { ok: false, reason: 'asset has no assetType', name };
  return { ok: true, resources: normalizeAsset(asset, options) };
}

/** Normalizes one asset into zero, one or two resources (resource and IAM policy). */
export function normalizeAsset(asset: unknown, options: NormalizeOptions = {}): Resource[] {
  if (!isObject(asset)) return [malformed({ name: '', type: 'Unknown', account: options.project ?? '' }, `asset is a ${Array.isArray(asset) ? 'array' : typeof asset}, expected an object`)];
  const name = str(asset.name);
  const assetType = str(pick(asset, 'assetType', 'asset_type'));
  if (!name || !assetType) return [malformed({ name, type: assetType || 'Unknown', account: options.project ?? '' }, `asset lacks ${name ? 'assetType' : 'name'}`)];
  const out: Resource[] = [];
  const resource = isObject(asset.resource) ? asset.resource : undefined;
  const iamPolicy = pick(asset, 'iamPolicy', 'iam_policy');
  const ancestors = list(asset.ancestors).map(str);
  const supplementary = ancestors.length > 0 ? { ancestors } : {};
  if (resource) {
    try {
      let data = dataDocument(resource.data);
      const normalizeType = typeNormalizers[assetType];
      if (normalizeType) data = normalizeType(data, options);
      out.push({
        provider: 'gcp',
        account: accountOf(asset, name, resource, data, options),
        region: regionOf(name, resource, data),
        type: assetType,
        id: name,
        name: lastSegment(name),
        arn: name,
        tags: labels(data),
        configuration: data,
        supplementary,
        relationships: [],
        capturedAt: capturedAt(asset),
      });
    } catch (error) {
      out.push(malformed({ name, type: assetType, account: accountOf(asset, name, resource, {}, options) }, errorMessage(error)));
    }
  }
  if (iamPolicy !== undefined && iamPolicy !== null) {
    const type = `${assetType}${IAM_POLICY_SUFFIX}`;
    if (isObject(iamPolicy)) {
      out.push({
        provider: 'gcp',
        account: accountOf(asset, name, resource, {}, options),
        region: GLOBAL_REGION,
        type,
        id: name,
        name: lastSegment(name),
        arn: name,
        tags: {},
        configuration: canonicalIamPolicy(iamPolicy),
        supplementary,
        relationships: [],
        capturedAt: capturedAt(asset),
      });
    } else out.push(malformed({ name, type, account: accountOf(asset, name, resource, {}, options) }, 'iamPolicy is not an object'));
  }
  const orgPolicy = pick(asset, 'orgPolicy', 'org_policy');
  // gRPC decodes an absent repeated field as an empty list: only policies make an #orgPolicy resource.
  if (orgPolicy !== undefined && orgPolicy !== null && !(Array.isArray(orgPolicy) && orgPolicy.length === 0)) {
    const type = `${assetType}${ORG_POLICY_SUFFIX}`;
    const identity = { name, type, account: accountOf(asset, name, resource, {}, options) };
    try {
      out.push({
        provider: 'gcp',
        account: identity.account,
        region: GLOBAL_REGION,
        type,
        id: name,
        name: lastSegment(name),
        arn: name,
        tags: {},
        configuration: { policies: canonicalOrgPolicies(orgPolicy) },
        supplementary,
        relationships: [],
        capturedAt: capturedAt(asset),
      });
    } catch (error) {
      out.push(malformed(identity, errorMessage(error)));
    }
  }
  if (out.length === 0) out.push(malformed({ name, type: assetType, account: accountOf(asset, name, resource, {}, options) }, 'asset carries neither a resource, an IAM policy nor organization policies'));
  return out;
}

function malformed(identity: { name: string; type: string; account: string }, reason: string): Resource {
  return {
    provider: 'gcp',
    account: identity.account,
    region: GLOBAL_REGION,
    type: identity.type,
    id: identity.name || 'unnamed-asset',
    name: lastSegment(identity.name),
    arn: identity.name,
    tags: {},
    configuration: {},
    supplementary: {},
    relationships: [],
    capturedAt: '',
    malformed: reason,
  };
}
