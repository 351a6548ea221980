/**
 * The GCP sandbox estate: a deterministic, lazily generated set of Cloud Asset Inventory assets.
 *
 * Nothing is stored per asset: a small table of (project × asset type) counts, and asset k of a row is
 * a pure function of (seed, project, type, k). Locations mix the Japanese regions (asia-northeast1,
 * asia-northeast2 and their zones, the Japan dual-region ASIA1) with foreign ones, including the ASIA
 * and US multi-regions, so residency controls see both outcomes.
 */
import { hashParts, Rng } from './random.js';

export const GCP_DEFAULT_PROJECTS: readonly string[] = ['kansa-sandbox-prod', 'kansa-sandbox-stg', 'kansa-sandbox-dev'];
export const GCP_DEFAULT_RESOURCES = 600;
export const GCP_DEFAULT_SEED = 1;
export const GCP_SANDBOX_ORGANIZATION = 'organizations/900000000001';
/** Holds the first two projects. */
export const GCP_SANDBOX_FOLDER = 'folders/300000000001';

export type GcpContentType = 'RESOURCE' | 'IAM_POLICY';

/** Resource asset types the sandbox serves, with their share of the estate. */
const RESOURCE_TYPES: readonly (readonly [string, number])[] = [
  ['compute.googleapis.com/Firewall', 4],
  ['storage.googleapis.com/Bucket', 3],
  ['sqladmin.googleapis.com/Instance', 1],
  ['cloudkms.googleapis.com/CryptoKey', 1],
  ['compute.googleapis.com/Disk', 3],
  ['compute.googleapis.com/Snapshot', 1],
  // Coverage beyond the five core areas: IDS (2-7), Cloud Armor (5-4), alerting (7-1, 10-2), availability
  // (7-7, 7-9), snapshot schedules (8-2), patching (5-3), log retention (3-13).
  ['ids.googleapis.com/Endpoint', 0.25],
  ['compute.googleapis.com/SecurityPolicy', 0.25],
  ['compute.googleapis.com/BackendService', 0.5],
  ['monitoring.googleapis.com/AlertPolicy', 0.5],
  ['compute.googleapis.com/InstanceGroupManager', 0.5],
  ['compute.googleapis.com/ResourcePolicy', 0.25],
  ['osconfig.googleapis.com/PatchDeployment', 0.25],
  ['logging.googleapis.com/LogBucket', 0.25],
];
export const GCP_RESOURCE_TYPES: readonly string[] = RESOURCE_TYPES.map(([t]) => t);
/** Asset types with an IAM policy in the estate (one per project: the project's, with its audit configs). */
export const GCP_IAM_POLICY_TYPES: readonly string[] = ['cloudresourcemanager.googleapis.com/Project'];

const ESTATE_EPOCH_S = Date.UTC(2026, 10, 1) / 1000;
const DAY_S = 86_400;

export interface GcpEstateOptions {
  readonly seed?: number;
  /** Resource assets in total (IAM policies come on top: one per project). */
  readonly resources?: number;
  readonly projects?: readonly string[];
  /**
   * Projects whose ListAssets calls are refused with PERMISSION_DENIED: `disabled` when the Cloud Asset API
   * is not enabled there (google.rpc.ErrorInfo reason SERVICE_DISABLED), `denied` when the caller lacks
   * cloudasset.assets.listResource on it (reason IAM_PERMISSION_DENIED).
   */
  readonly deniedProjects?: Readonly<Record<string, GcpProjectDenial>>;
}

export type GcpProjectDenial = 'disabled' | 'denied';

/** An asset in the API's message shape with `resource.data` still plain JSON (the protocol layer encodes it). */
export interface GcpAsset {
  readonly name: string;
  readonly assetType: string;
  readonly ancestors: readonly string[];
  readonly updateTime: { readonly seconds: number; readonly nanos: number };
  readonly resource?: {
    readonly version: string;
    readonly discoveryDocumentUri: string;
    readonly discoveryName: string;
    readonly parent: string;
    readonly location: string;
    readonly data: Readonly<Record<string, unknown>>;
  };
  readonly iamPolicy?: Readonly<Record<string, unknown>>;
}

interface Row {
  readonly project: string;
  readonly contentType: GcpContentType;
  readonly type: string;
  readonly count: number;
}

export class GcpEstate {
  readonly seed: number;
  readonly projects: readonly string[];
  readonly deniedProjects: Readonly<Record<string, GcpProjectDenial>>;
  private readonly rows: readonly Row[];

  constructor(options: GcpEstateOptions = {}) {
    this.seed = options.seed ?? GCP_DEFAULT_SEED;
    this.projects = options.projects ?? GCP_DEFAULT_PROJECTS;
    if (this.projects.length === 0) throw new Error('sandbox: the GCP estate needs at least one project');
    const denied = options.deniedProjects ?? {};
    for (const [project, kind] of Object.entries(denied)) {
      if (!this.projects.includes(project)) throw new Error(`sandbox: denied project ${project} is not one of the estate's (${this.projects.join(', ')})`);
      if (kind !== 'disabled' && kind !== 'denied') throw new Error(`sandbox: project ${project}: expected the denial "disabled" or "denied", got "${String(kind)}"`);
    }
    this.deniedProjects = { ...denied };
    const total = options.resources ?? GCP_DEFAULT_RESOURCES;
    const weight = RESOURCE_TYPES.reduce((s, [, w]) => s + w, 0);
    const cells = this.projects.flatMap((project) => RESOURCE_TYPES.map(([type, w]) => ({ project, type, share: w / weight / this.projects.length })));
    // Largest-remainder split, so the counts add up to exactly `total`.
    const exact = cells.map((c) => c.share * total);
    const counts = exact.map(Math.floor);
    let left = total - counts.reduce((s, n) => s + n, 0);
    for (const i of exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, i]) => i)) {
      if (left-- <= 0) break;
      counts[i] = (counts[i] ?? 0) + 1;
    }
    this.rows = [
      ...cells.map((c, i): Row => ({ project: c.project, contentType: 'RESOURCE', type: c.type, count: counts[i] ?? 0 })),
      ...this.projects.flatMap((project) => GCP_IAM_POLICY_TYPES.map((type): Row => ({ project, contentType: 'IAM_POLICY', type, count: 1 }))),
    ];
  }

  projectNumber(project: string): string {
    return String(100_000_000_001 + this.projects.indexOf(project));
  }

  /** Projects under a parent, or undefined when the parent does not exist. */
  projectsUnder(parent: string): readonly string[] | undefined {
    if (parent === GCP_SANDBOX_ORGANIZATION) return this.projects;
    if (parent === GCP_SANDBOX_FOLDER) return this.projects.slice(0, 2);
    const m = /^projects\/(.+)$/.exec(parent);
    if (!m?.[1]) return undefined;
    const byId = this.projects.find((p) => p === m[1] || this.projectNumber(p) === m[1]);
    return byId === undefined ? undefined : [byId];
  }

  /** The rows a listing walks, in order (asset type, then project). Empty `assetTypes` means every type. */
  listing(projects: readonly string[], contentType: GcpContentType, assetTypes: readonly string[]): Row[] {
    const wanted = assetTypes.length === 0 ? undefined : new Set(assetTypes);
    return [...this.rows]
      .filter((r) => r.contentType === contentType && projects.includes(r.project) && (wanted === undefined || wanted.has(r.type)))
      .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : projects.indexOf(a.project) - projects.indexOf(b.project)));
  }

  count(projects: readonly string[], contentType: GcpContentType, assetTypes: readonly string[]): number {
    return this.listing(projects, contentType, assetTypes).reduce((s, r) => s + r.count, 0);
  }

  /** Assets [offset, offset + limit) of a listing. */
  page(projects: readonly string[], contentType: GcpContentType, assetTypes: readonly string[], offset: number, limit: number): GcpAsset[] {
    const out: GcpAsset[] = [];
    let skip = offset;
    for (const row of this.listing(projects, contentType, assetTypes)) {
      if (skip >= row.count) {
        skip -= row.count;
        continue;
      }
      for (let k = skip; k < row.count && out.length < limit; k++) out.push(this.asset(row, k));
      skip = 0;
      if (out.length >= limit) break;
    }
    return out;
  }

  private asset(row: Row, k: number): GcpAsset {
    const rng = new Rng(hashParts('kansa-gcp', this.seed, row.project, row.contentType, row.type, k));
    const number = this.projectNumber(row.project);
    const ancestors = [`projects/${number}`, ...(this.projects.indexOf(row.project) < 2 ? [GCP_SANDBOX_FOLDER] : []), GCP_SANDBOX_ORGANIZATION];
    const updateTime = { seconds: ESTATE_EPOCH_S - rng.int(0, 365) * DAY_S - rng.int(0, DAY_S - 1), nanos: 0 };
    if (row.contentType === 'IAM_POLICY') {
      return { name: `//cloudresourcemanager.googleapis.com/projects/${number}`, assetType: row.type, ancestors, updateTime, iamPolicy: projectPolicy(rng, row.project, this.projects.indexOf(row.project)) };
    }
    const generator = GENERATORS[row.type] ?? COVERAGE_GENERATORS[row.type];
    if (!generator) throw new Error(`sandbox: no generator for ${row.type}`);
    const g = generator(rng, row.project, k);
    return {
      name: g.name,
      assetType: row.type,
      ancestors,
      updateTime,
      resource: {
        version: g.version,
        discoveryDocumentUri: g.discovery,
        discoveryName: g.discoveryName,
        parent: `//cloudresourcemanager.googleapis.com/projects/${number}`,
        location: g.location,
        data: g.data,
      },
    };
  }
}

interface Generated {
  readonly name: string;
  readonly location: string;
  readonly version: string;
  readonly discovery: string;
  readonly discoveryName: string;
  readonly data: Record<string, unknown>;
}

const COMPUTE = 'https://www.googleapis.com/discovery/v1/apis/compute/v1/rest';
const REGION_WEIGHTS = [
  ['asia-northeast1', 6],
  ['asia-northeast2', 2],
  ['us-central1', 1],
  ['europe-west1', 1],
] as const satisfies readonly (readonly [string, number])[];

function region(rng: Rng): string {
  return rng.weighted(REGION_WEIGHTS);
}

function zoneOf(rng: Rng, r: string): string {
  return `${r}-${rng.pick(['a', 'b', 'c'])}`;
}

const GENERATORS: Readonly<Record<string, (rng: Rng, project: string, k: number) => Generated>> = {
  'compute.googleapis.com/Firewall': (rng, project, k) => {
    const name = `fw-${k}`;
    const direction = rng.chance(0.8) ? 'INGRESS' : 'EGRESS';
    const world = rng.chance(0.35);
    const ranges = world ? (rng.chance(0.2) ? ['0.0.0.0/0', '::/0'] : ['0.0.0.0/0']) : [rng.pick(['10.0.0.0/8', '192.168.10.0/24', '35.235.240.0/20'])];
    const allowed = rng.weighted<Record<string, unknown>[]>([
      [[{ IPProtocol: 'tcp', ports: ['443'] }], 4],
      [[{ IPProtocol: 'tcp', ports: ['22'] }], 2],
      [[{ IPProtocol: 'tcp', ports: ['3000-3400'] }], 1],
      [[{ IPProtocol: 'all' }], 1],
      [[{ IPProtocol: 'icmp' }, { IPProtocol: 'udp', ports: ['53'] }], 1],
    ]);
    return {
      name: `//compute.googleapis.com/projects/${project}/global/firewalls/${name}`,
      location: 'global',
      version: 'v1',
      discovery: COMPUTE,
      discoveryName: 'Firewall',
      data: {
        id: String(rng.int(1e9, 2e9)) + String(rng.int(1e8, 9e8)),
        creationTimestamp: '2025-04-01T09:00:00.000-07:00',
        name,
        network: `https://www.googleapis.com/compute/v1/projects/${project}/global/networks/default`,
        priority: 1000,
        direction,
        disabled: rng.chance(0.1),
        logConfig: { enable: rng.chance(0.5) },
        ...(direction === 'INGRESS' ? { sourceRanges: ranges } : { destinationRanges: ['0.0.0.0/0'] }),
        allowed,
        selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/global/firewalls/${name}`,
      },
    };
  },
  'storage.googleapis.com/Bucket': (rng, project, k) => {
    const name = `${project}-data-${k}`;
    const location = rng.weighted([
      ['ASIA-NORTHEAST1', 5],
      ['ASIA-NORTHEAST2', 1],
      ['ASIA1', 1],
      ['ASIA', 1],
      ['US', 1],
      ['EUROPE-WEST1', 1],
    ]);
    const locationType = location === 'ASIA1' ? 'dual-region' : location === 'ASIA' || location === 'US' ? 'multi-region' : 'region';
    const cmekRequired = rng.chance(0.3);
    return {
      name: `//storage.googleapis.com/${name}`,
      location: location.toLowerCase(),
      version: 'v1',
      discovery: 'https://www.googleapis.com/discovery/v1/apis/storage/v1/rest',
      discoveryName: 'Bucket',
      data: {
        kind: 'storage#bucket',
        id: name,
        name,
        projectNumber: '0',
        location,
        locationType,
        storageClass: 'STANDARD',
        labels: cmekRequired ? { cmek: 'required' } : { env: 'prod' },
        iamConfiguration: {
          uniformBucketLevelAccess: { enabled: rng.chance(0.75) },
          publicAccessPrevention: rng.chance(0.7) ? 'enforced' : 'inherited',
        },
        ...(rng.chance(cmekRequired ? 0.7 : 0.2) ? { encryption: { defaultKmsKeyName: `projects/${project}/locations/asia-northeast1/keyRings/ring/cryptoKeys/key-0` } } : {}),
        timeCreated: '2025-04-01T09:00:00.000Z',
      },
    };
  },
  'sqladmin.googleapis.com/Instance': (rng, project, k) => {
    const name = `sql-${k}`;
    const r = region(rng);
    const newSsl = rng.chance(0.5);
    const ipv4Enabled = rng.chance(0.5);
    return {
      name: `//cloudsql.googleapis.com/projects/${project}/instances/${name}`,
      location: r,
      version: 'v1beta4',
      discovery: 'https://www.googleapis.com/discovery/v1/apis/sqladmin/v1beta4/rest',
      discoveryName: 'DatabaseInstance',
      data: {
        kind: 'sql#instance',
        name,
        project,
        region: r,
        gceZone: zoneOf(rng, r),
        databaseVersion: rng.pick(['POSTGRES_15', 'MYSQL_8_0']),
        backendType: 'SECOND_GEN',
        instanceType: 'CLOUD_SQL_INSTANCE',
        state: 'RUNNABLE',
        settings: {
          tier: 'db-custom-2-7680',
          availabilityType: rng.chance(0.5) ? 'REGIONAL' : 'ZONAL',
          ipConfiguration: {
            ipv4Enabled,
            ...(newSsl ? { sslMode: rng.pick(['ENCRYPTED_ONLY', 'ALLOW_UNENCRYPTED_AND_ENCRYPTED', 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED']) } : { requireSsl: rng.chance(0.6) }),
            authorizedNetworks: ipv4Enabled && rng.chance(0.3) ? [{ kind: 'sql#aclEntry', value: '0.0.0.0/0', name: 'anywhere' }] : [],
          },
          backupConfiguration: {
            kind: 'sql#backupConfiguration',
            enabled: rng.chance(0.8),
            startTime: '18:00',
            ...(rng.chance(0.6) ? { location: rng.pick(['asia-northeast1', 'asia-northeast2', 'asia', 'us']) } : {}),
          },
        },
      },
    };
  },
  'cloudkms.googleapis.com/CryptoKey': (rng, project, k) => {
    const location = rng.weighted([
      ['asia-northeast1', 5],
      ['asia-northeast2', 1],
      ['asia1', 1],
      ['asia', 1],
      ['global', 1],
    ]);
    const keyName = `projects/${project}/locations/${location}/keyRings/ring/cryptoKeys/key-${k}`;
    const period = rng.weighted<number | undefined>([
      [7_776_000, 5],
      [31_536_000, 1],
      [34_560_000, 1],
      [undefined, 2],
    ]);
    return {
      name: `//cloudkms.googleapis.com/${keyName}`,
      location,
      version: 'v1',
      discovery: 'https://www.googleapis.com/discovery/v1/apis/cloudkms/v1/rest',
      discoveryName: 'CryptoKey',
      data: {
        name: keyName,
        purpose: 'ENCRYPT_DECRYPT',
        createTime: '2025-04-01T09:00:00.000000000Z',
        ...(period === undefined ? {} : { rotationPeriod: `${period}s`, nextRotationTime: '2026-12-01T00:00:00Z' }),
        primary: { name: `${keyName}/cryptoKeyVersions/1`, state: 'ENABLED', protectionLevel: 'SOFTWARE', algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION' },
        versionTemplate: { protectionLevel: 'SOFTWARE', algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION' },
      },
    };
  },
  'compute.googleapis.com/Disk': (rng, project, k) => {
    const zone = zoneOf(rng, region(rng));
    const name = `disk-${k}`;
    return {
      name: `//compute.googleapis.com/projects/${project}/zones/${zone}/disks/${name}`,
      location: zone,
      version: 'v1',
      discovery: COMPUTE,
      discoveryName: 'Disk',
      data: {
        id: String(rng.int(1e9, 2e9)),
        name,
        sizeGb: String(rng.pick([10, 50, 100, 500])),
        zone: `https://www.googleapis.com/compute/v1/projects/${project}/zones/${zone}`,
        status: 'READY',
        type: `https://www.googleapis.com/compute/v1/projects/${project}/zones/${zone}/diskTypes/pd-balanced`,
        ...(rng.chance(0.3) ? { diskEncryptionKey: { kmsKeyName: `projects/${project}/locations/asia-northeast1/keyRings/ring/cryptoKeys/key-0/cryptoKeyVersions/1` } } : {}),
        labels: {},
        // Drawn last, so the fields above stay what they were before snapshot schedules were modelled.
        ...(rng.chance(0.6) ? { resourcePolicies: [`https://www.googleapis.com/compute/v1/projects/${project}/regions/${zone.slice(0, -2)}/resourcePolicies/sched-${Math.max(0, REGIONS.indexOf(zone.slice(0, -2) as (typeof REGIONS)[number]))}`] } : {}),
      },
    };
  },
  'compute.googleapis.com/Snapshot': (rng, project, k) => {
    const name = `snap-${k}`;
    return {
      name: `//compute.googleapis.com/projects/${project}/global/snapshots/${name}`,
      location: 'global',
      version: 'v1',
      discovery: COMPUTE,
      discoveryName: 'Snapshot',
      data: {
        id: String(rng.int(1e9, 2e9)),
        name,
        status: 'READY',
        diskSizeGb: '100',
        storageLocations: [rng.weighted([
          ['asia-northeast1', 5],
          ['asia-northeast2', 1],
          ['asia', 2],
          ['us', 1],
        ])],
        sourceDisk: `https://www.googleapis.com/compute/v1/projects/${project}/zones/asia-northeast1-a/disks/disk-0`,
      },
    };
  },
};

const REGIONS = REGION_WEIGHTS.map(([r]) => r);

function selfLink(project: string, path: string): string {
  return `https://www.googleapis.com/compute/v1/projects/${project}/${path}`;
}

/** Asset generators for the coverage controls, kept apart from the core ones above. */
const COVERAGE_GENERATORS: Readonly<Record<string, (rng: Rng, project: string, k: number) => Generated>> = {
  'ids.googleapis.com/Endpoint': (rng, project, k) => {
    const zone = zoneOf(rng, region(rng));
    const name = `projects/${project}/locations/${zone}/endpoints/ids-${k}`;
    return {
      name: `//ids.googleapis.com/${name}`,
      location: zone,
      version: 'v1',
      discovery: 'https://www.googleapis.com/discovery/v1/apis/ids/v1/rest',
      discoveryName: 'Endpoint',
      data: {
        name,
        createTime: '2025-04-01T09:00:00Z',
        network: `projects/${project}/global/networks/default`,
        endpointForwardingRule: selfLink(project, `regions/${zone.slice(0, -2)}/forwardingRules/ids-fr-${k}`),
        endpointIp: `10.10.0.${(k % 250) + 2}`,
        severity: rng.pick(['INFORMATIONAL', 'LOW', 'MEDIUM']),
        state: rng.weighted([
          ['READY', 8],
          ['CREATING', 1],
          ['DELETING', 1],
        ]),
      },
    };
  },
  'compute.googleapis.com/SecurityPolicy': (rng, project, k) => {
    const name = `armor-${k}`;
    const defaultRule = { priority: 2147483647, action: 'allow', match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } }, description: 'default rule' };
    const waf = { priority: 1000, action: 'deny(403)', match: { expr: { expression: "evaluatePreconfiguredWaf('sqli-v33-stable')" } }, description: 'OWASP SQLi' };
    return {
      name: `//compute.googleapis.com/projects/${project}/global/securityPolicies/${name}`,
      location: 'global',
      version: 'v1',
      discovery: COMPUTE,
      discoveryName: 'SecurityPolicy',
      data: { id: String(rng.int(1e9, 2e9)), name, type: 'CLOUD_ARMOR', rules: rng.chance(0.8) ? [waf, defaultRule] : [defaultRule], selfLink: selfLink(project, `global/securityPolicies/${name}`) },
    };
  },
  'compute.googleapis.com/BackendService': (rng, project, k) => {
    const name = `be-${k}`;
    const scheme = rng.weighted([
      ['EXTERNAL_MANAGED', 4],
      ['EXTERNAL', 1],
      ['INTERNAL_MANAGED', 2],
    ]);
    return {
      name: `//compute.googleapis.com/projects/${project}/global/backendServices/${name}`,
      location: 'global',
      version: 'v1',
      discovery: COMPUTE,
      discoveryName: 'BackendService',
      data: {
        id: String(rng.int(1e9, 2e9)),
        name,
        loadBalancingScheme: scheme,
        protocol: 'HTTPS',
        ...(rng.chance(0.6) ? { securityPolicy: selfLink(project, 'global/securityPolicies/armor-0') } : {}),
        selfLink: selfLink(project, `global/backendServices/${name}`),
      },
    };
  },
  'monitoring.googleapis.com/AlertPolicy': (rng, project, k) => {
    const name = `projects/${project}/alertPolicies/${1_000_000 + k}`;
    const serviceHealth = k % 4 === 1;
    const condition = serviceHealth
      ? { displayName: 'Service Health incident', conditionMatchedLog: { filter: 'resource.type="servicehealth.googleapis.com/Event" AND logName:"servicehealth.googleapis.com%2Factivity"' } }
      : { displayName: 'CPU high', conditionThreshold: { filter: 'metric.type="compute.googleapis.com/instance/cpu/utilization"', comparison: 'COMPARISON_GT', thresholdValue: 0.9, duration: '300s' } };
    return {
      name: `//monitoring.googleapis.com/${name}`,
      location: 'global',
      version: 'v3',
      discovery: 'https://monitoring.googleapis.com/$discovery/rest',
      discoveryName: 'AlertPolicy',
      data: {
        name,
        displayName: serviceHealth ? 'Service health' : `alert-${k}`,
        combiner: 'OR',
        enabled: rng.chance(0.8),
        conditions: [condition],
        notificationChannels: rng.chance(0.7) ? [`projects/${project}/notificationChannels/${2_000_000 + (k % 3)}`] : [],
      },
    };
  },
  'compute.googleapis.com/InstanceGroupManager': (rng, project, k) => {
    const r = region(rng);
    const name = `mig-${k}`;
    const regional = rng.chance(0.6);
    const zones = ['a', 'b', 'c'].map((z) => ({ zone: selfLink(project, `zones/${r}-${z}`) }));
    const zone = zoneOf(rng, r);
    return {
      name: `//compute.googleapis.com/projects/${project}/${regional ? `regions/${r}` : `zones/${zone}`}/instanceGroupManagers/${name}`,
      location: regional ? r : zone,
      version: 'v1',
      discovery: COMPUTE,
      discoveryName: 'InstanceGroupManager',
      data: {
        id: String(rng.int(1e9, 2e9)),
        name,
        baseInstanceName: name,
        targetSize: rng.int(1, 6),
        instanceTemplate: selfLink(project, `global/instanceTemplates/tmpl-${k}`),
        ...(regional ? { region: selfLink(project, `regions/${r}`), distributionPolicy: { zones, targetShape: 'EVEN' } } : { zone: selfLink(project, `zones/${zone}`) }),
        selfLink: selfLink(project, `${regional ? `regions/${r}` : `zones/${zone}`}/instanceGroupManagers/${name}`),
      },
    };
  },
  // sched-i lives in REGIONS[i % 4]; disks refer to the schedule of their region (sched-0 … sched-3).
  'compute.googleapis.com/ResourcePolicy': (rng, project, k) => {
    const r = REGIONS[k % REGIONS.length] ?? 'asia-northeast1';
    const name = `sched-${k}`;
    const snapshot = k < REGIONS.length || rng.chance(0.7);
    return {
      name: `//compute.googleapis.com/projects/${project}/regions/${r}/resourcePolicies/${name}`,
      location: r,
      version: 'v1',
      discovery: COMPUTE,
      discoveryName: 'ResourcePolicy',
      data: {
        id: String(rng.int(1e9, 2e9)),
        name,
        region: selfLink(project, `regions/${r}`),
        status: 'READY',
        ...(snapshot
          ? {
              snapshotSchedulePolicy: {
                schedule: { dailySchedule: { daysInCycle: 1, startTime: '18:00' } },
                retentionPolicy: { maxRetentionDays: rng.pick([7, 14, 35]), onSourceDiskDelete: 'KEEP_AUTO_SNAPSHOTS' },
                snapshotProperties: { storageLocations: [r.startsWith('asia-northeast') ? r : 'us'] },
              },
            }
          : { groupPlacementPolicy: { availabilityDomainCount: 2 } }),
        selfLink: selfLink(project, `regions/${r}/resourcePolicies/${name}`),
      },
    };
  },
  'osconfig.googleapis.com/PatchDeployment': (rng, project, k) => {
    const name = `projects/${project}/patchDeployments/patch-${k}`;
    const recurring = rng.chance(0.8);
    return {
      name: `//osconfig.googleapis.com/${name}`,
      location: 'global',
      version: 'v1',
      discovery: 'https://osconfig.googleapis.com/$discovery/rest?version=v1',
      discoveryName: 'PatchDeployment',
      data: {
        name,
        instanceFilter: { all: true },
        patchConfig: { rebootConfig: 'DEFAULT', apt: { type: 'DIST' }, yum: { security: true } },
        ...(recurring
          ? { recurringSchedule: { timeZone: { id: 'Asia/Tokyo' }, timeOfDay: { hours: 3 }, frequency: 'WEEKLY', weekly: { dayOfWeek: 'SUNDAY' } } }
          : { oneTimeSchedule: { executeTime: '2026-06-01T03:00:00Z' } }),
        state: rng.chance(0.85) ? 'ACTIVE' : 'PAUSED',
        createTime: '2025-04-01T09:00:00Z',
      },
    };
  },
  // Every project has _Required (400 days, fixed) and _Default (30 days by default); later buckets are user-defined.
  'logging.googleapis.com/LogBucket': (rng, project, k) => {
    const id = k === 0 ? '_Required' : k === 1 ? '_Default' : `audit-${k}`;
    const location = k < 2 ? 'global' : rng.pick(['global', 'asia-northeast1']);
    const retentionDays = k === 0 ? 400 : k === 1 ? rng.pick([30, 30, 400]) : rng.pick([90, 365, 400, 3650]);
    const name = `projects/${project}/locations/${location}/buckets/${id}`;
    return {
      name: `//logging.googleapis.com/${name}`,
      location,
      version: 'v2',
      discovery: 'https://logging.googleapis.com/$discovery/rest?version=v2',
      discoveryName: 'LogBucket',
      data: { name, retentionDays, locked: k === 0, lifecycleState: 'ACTIVE', createTime: '2025-04-01T09:00:00Z' },
    };
  },
};

const AUDIT_CONFIGS: readonly [Record<string, unknown>[], ...Record<string, unknown>[][]] = [
  [{ service: 'allServices', auditLogConfigs: [{ logType: 'ADMIN_READ' }, { logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }] }],
  [{ service: 'storage.googleapis.com', auditLogConfigs: [{ logType: 'DATA_WRITE' }] }],
  [],
];

/** The first projects get full, partial and no data-access audit logging; later ones one of those at random. */
function projectPolicy(rng: Rng, project: string, index: number): Record<string, unknown> {
  const audit = AUDIT_CONFIGS[index] ?? rng.pick(AUDIT_CONFIGS);
  return {
    version: 1,
    bindings: [
      { role: 'roles/owner', members: [`user:admin@${project}.example.jp`] },
      { role: 'roles/viewer', members: [`serviceAccount:kansa@${project}.iam.gserviceaccount.com`] },
    ],
    auditConfigs: audit,
    etag: Buffer.from('BwXsandbox'),
  };
}
