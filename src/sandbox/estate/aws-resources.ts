/**
 * Per-type generators for the AWS sandbox estate. Each one turns (scope, k, seeded rng) into a
 * configuration item whose field names follow real AWS Config items (awslabs/aws-config-resource-schema
 * and recorded items): camelCase for EC2/S3/RDS/KMS/CloudTrail/IAM/Logs, the CloudFormation-style
 * PascalCase that AWS Config uses for registry-based types (GuardDuty, Events, Backup, ELBv2, DHCP options).
 *
 * Compliance is mixed on purpose: roughly one security group in ten opens an administrative port to the
 * world, some buckets lack a TLS-only policy, some regions lack a GuardDuty detector, and so on.
 */
import { BASE32_ALPHABET, base32ToHex, hexToBase32, unitHash, type Rng } from './random.js';

export interface AwsRelationship {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly resourceName?: string;
  readonly relationshipName: string;
}

/** What a type generator produces; the estate adds identity and timestamps. */
export interface GeneratedResource {
  readonly name?: string;
  readonly arn: string;
  readonly availabilityZone: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly relationships?: readonly AwsRelationship[];
  readonly configuration: Record<string, unknown>;
  /** Values are objects, except documents AWS Config itself stores as strings (ACLs, key policies). */
  readonly supplementary?: Record<string, unknown>;
  /** Types whose items carry no resourceCreationTime. */
  readonly noCreationTime?: boolean;
}

export interface ScopeFacts {
  readonly seed: number;
  readonly account: string;
  readonly accountIndex: number;
  readonly accounts: readonly string[];
  readonly region: string;
  readonly regions: readonly string[];
  /** The first region: where per-account singletons (trail, account public access block) live. */
  readonly isHomeRegion: boolean;
}

export interface ItemContext extends ScopeFacts {
  readonly k: number;
  /** Resources of this scope that exist regardless of the estate size; items `k < fixed` are those. */
  readonly fixed: number;
  readonly id: string;
  readonly rng: Rng;
  readonly createdMs: number;
  /** The estate's "now" (epoch ms): time-relative fields (recovery point dates) count back from it. */
  readonly nowMs: number;
  /** Id of item `k mod count` of another type in the same account × region, if any exist. */
  ref(type: string, k: number): string | undefined;
}

export interface AwsTypeSpec {
  readonly type: string;
  /** Relative share of the scaled part of the estate (0 for singleton-only types). */
  readonly weight: number;
  /** Recorded with awsRegion `global` (IAM). */
  readonly global?: boolean;
  fixed(scope: ScopeFacts): number;
  /** Builds the resource id around a 16-hex-digit token that encodes (scope, k). */
  formatId(token: string, rng: Rng, scope: ScopeFacts, k: number): string;
  /** Recovers the token from an id, or undefined when the id cannot be one of ours. */
  tokenOf(id: string): string | undefined;
  generate(ctx: ItemContext): GeneratedResource;
}

export const EC2_SECURITY_GROUP = 'AWS::EC2::SecurityGroup';
export const EC2_VOLUME = 'AWS::EC2::Volume';
export const S3_BUCKET = 'AWS::S3::Bucket';
export const KMS_KEY = 'AWS::KMS::Key';
export const RDS_DB_INSTANCE = 'AWS::RDS::DBInstance';
export const CLOUDTRAIL_TRAIL = 'AWS::CloudTrail::Trail';
export const EC2_VPC = 'AWS::EC2::VPC';
export const EC2_FLOW_LOG = 'AWS::EC2::FlowLog';
export const GUARDDUTY_DETECTOR = 'AWS::GuardDuty::Detector';
export const WAFV2_WEB_ACL = 'AWS::WAFv2::WebACL';
export const EC2_DHCP_OPTIONS = 'AWS::EC2::DHCPOptions';
export const EC2_SUBNET = 'AWS::EC2::Subnet';
export const ELBV2_LISTENER = 'AWS::ElasticLoadBalancingV2::Listener';
export const EVENTS_RULE = 'AWS::Events::Rule';
export const BACKUP_PLAN = 'AWS::Backup::BackupPlan';
export const BACKUP_RECOVERY_POINT = 'AWS::Backup::RecoveryPoint';
export const S3_ACCOUNT_PUBLIC_ACCESS_BLOCK = 'AWS::S3::AccountPublicAccessBlock';
export const IAM_ROLE = 'AWS::IAM::Role';
export const REDSHIFT_CLUSTER = 'AWS::Redshift::Cluster';
export const REDSHIFT_PARAMETER_GROUP = 'AWS::Redshift::ClusterParameterGroup';
export const DYNAMODB_TABLE = 'AWS::DynamoDB::Table';
export const OPENSEARCH_DOMAIN = 'AWS::OpenSearch::Domain';
export const MSK_CLUSTER = 'AWS::MSK::Cluster';
export const SQS_QUEUE = 'AWS::SQS::Queue';
export const SNS_TOPIC = 'AWS::SNS::Topic';
export const KINESIS_STREAM = 'AWS::Kinesis::Stream';
export const CLOUDFRONT_DISTRIBUTION = 'AWS::CloudFront::Distribution';
export const EC2_PREFIX_LIST = 'AWS::EC2::PrefixList';
export const EC2_NETWORK_ACL = 'AWS::EC2::NetworkAcl';
export const EC2_INSTANCE = 'AWS::EC2::Instance';
export const LAMBDA_FUNCTION = 'AWS::Lambda::Function';

/** The Taipei Local Zone of Tokyo: physically outside Japan, so one subnet there is a residency finding. */
export const LOCAL_ZONE = 'ap-northeast-1-tpe-1a';

const NOT_APPLICABLE = 'Not Applicable';
const REGIONAL = 'Regional';
const HEX16 = /[0-9a-f]{16}/;

// ---------------------------------------------------------------- shared helpers

function suffixToken(prefix: string): (id: string) => string | undefined {
  return (id) => (id.startsWith(prefix) && id.length === prefix.length + 16 && HEX16.test(id.slice(prefix.length)) ? id.slice(prefix.length) : undefined);
}

function trailingToken(id: string): string | undefined {
  const token = id.slice(-16);
  return /^[0-9a-f]{16}$/.test(token) ? token : undefined;
}

/** A UUID whose first 16 hex digits (dashes aside, version nibble skipped) are the token. */
function uuidFromToken(token: string, rng: Rng): string {
  const variant = rng.pick(['8', '9', 'a', 'b'] as const);
  return `${token.slice(0, 8)}-${token.slice(8, 12)}-4${token.slice(12, 15)}-${variant}${token.slice(15, 16)}${rng.hex(2)}-${rng.hex(12)}`;
}

function tokenFromUuid(id: string): string | undefined {
  const m = /^([0-9a-f]{8})-([0-9a-f]{4})-4([0-9a-f]{3})-[89ab]([0-9a-f])[0-9a-f]{2}-[0-9a-f]{12}$/.exec(id);
  return m ? `${m[1]}${m[2]}${m[3]}${m[4]}` : undefined;
}

const AZ_LETTERS: Readonly<Record<string, readonly [string, ...string[]]>> = {
  'ap-northeast-1': ['a', 'c', 'd'],
  'ap-northeast-3': ['a', 'b', 'c'],
  'us-east-1': ['a', 'b', 'c', 'd', 'e', 'f'],
};

function availabilityZone(region: string, rng: Rng): string {
  return `${region}${rng.pick(AZ_LETTERS[region] ?? ['a', 'b', 'c'])}`;
}

const ENVIRONMENTS = [
  ['prod', 5],
  ['stg', 3],
  ['dev', 2],
] as const satisfies readonly [readonly [string, number], ...(readonly [string, number])[]];
const SYSTEMS = ['juminkiroku', 'zeimu', 'fukushi', 'kokuho', 'portal', 'gyosei-dx', 'shared'] as const;

function baseTags(rng: Rng, name: string): Record<string, string> {
  const tags: Record<string, string> = {
    Name: name,
    Environment: rng.weighted(ENVIRONMENTS),
    System: rng.pick(SYSTEMS),
  };
  if (rng.chance(0.4)) tags.DataClassification = rng.pick(['confidential', 'internal', 'public']);
  return tags;
}

/** EC2-style tag list inside `configuration`. */
function tagList(tags: Readonly<Record<string, string>>): { key: string; value: string }[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function kmsKeyArn(region: string, account: string, rng: Rng): string {
  return `arn:aws:kms:${region}:${account}:key/${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-a${rng.hex(3)}-${rng.hex(12)}`;
}

/** Japanese regions replicate to each other; others to a sibling in their geography. */
function partnerRegion(region: string): string {
  if (region === 'ap-northeast-1') return 'ap-northeast-3';
  if (region === 'ap-northeast-3') return 'ap-northeast-1';
  return region === 'us-east-1' ? 'us-west-2' : 'us-east-1';
}

/** Where a copy (replica, snapshot copy, replica key) goes: mostly the partner Region, sometimes abroad. */
function copyRegion(region: string, rng: Rng): string {
  return rng.chance(0.3) ? 'us-west-2' : partnerRegion(region);
}

// ---------------------------------------------------------------- EC2 security group

interface PermissionSpec {
  readonly protocol: string;
  readonly from?: number;
  readonly to?: number;
  readonly v4?: readonly string[];
  readonly v6?: readonly string[];
  readonly groups?: readonly { groupId: string; userId: string }[];
  /** Managed prefix lists named as the source. */
  readonly lists?: readonly string[];
  /** Old items list CIDRs only as `ipRanges` strings. */
  readonly legacy?: boolean;
}

function permission(spec: PermissionSpec): Record<string, unknown> {
  const v4 = spec.v4 ?? [];
  const v6 = spec.v6 ?? [];
  const out: Record<string, unknown> = { ipProtocol: spec.protocol };
  if (spec.protocol !== '-1') {
    out.fromPort = spec.from ?? 0;
    out.toPort = spec.to ?? spec.from ?? 65535;
  }
  out.ipRanges = [...v4];
  if (!spec.legacy) {
    out.ipv4Ranges = v4.map((cidrIp) => ({ cidrIp }));
    out.ipv6Ranges = v6.map((cidrIpv6) => ({ cidrIpv6 }));
  }
  out.prefixListIds = (spec.lists ?? []).map((prefixListId) => ({ prefixListId }));
  out.userIdGroupPairs = (spec.groups ?? []).map((g) => ({ groupId: g.groupId, userId: g.userId }));
  return out;
}

const WORLD4 = '0.0.0.0/0';
const WORLD6 = '::/0';

/** The ~10% of groups that expose an administrative or database port to the internet. */
const OPEN_ADMIN_RULES: readonly [PermissionSpec, ...PermissionSpec[]] = [
  { protocol: 'tcp', from: 22, to: 22, v4: [WORLD4] },
  { protocol: 'tcp', from: 3389, to: 3389, v6: [WORLD6] },
  { protocol: 'tcp', from: 3389, to: 3389, v4: [WORLD4], v6: [WORLD6] },
  { protocol: 'tcp', from: 0, to: 65535, v4: [WORLD4] },
  { protocol: '-1', v4: [WORLD4] },
  { protocol: 'tcp', from: 5432, to: 5432, v4: [WORLD4] },
  { protocol: 'tcp', from: 22, to: 22, v4: [WORLD4], legacy: true },
];

const securityGroup: AwsTypeSpec = {
  type: EC2_SECURITY_GROUP,
  weight: 20,
  fixed: () => 0,
  formatId: (token) => `sg-0${token}`,
  tokenOf: suffixToken('sg-0'),
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const role = rng.weighted([
      ['web', 4],
      ['app', 4],
      ['db', 3],
      ['internal', 2],
      ['bastion', 1],
      ['empty', 1],
    ] as const);
    const system = rng.pick(SYSTEMS);
    const groupName = `${role}-${system}-${rng.hex(4)}`;
    const vpcId = ctx.ref(EC2_VPC, ctx.k) ?? `vpc-0${rng.hex(16)}`;
    const vpcCidr = `10.${rng.int(0, 255)}.0.0/16`;
    const peerGroup = { groupId: `sg-0${rng.hex(16)}`, userId: account };
    const ingress: PermissionSpec[] = [];
    switch (role) {
      case 'web':
        ingress.push({ protocol: 'tcp', from: 443, to: 443, v4: [WORLD4], v6: rng.chance(0.5) ? [WORLD6] : [] });
        if (rng.chance(0.6)) ingress.push({ protocol: 'tcp', from: 80, to: 80, v4: [WORLD4] });
        break;
      case 'app':
        ingress.push({ protocol: 'tcp', from: 8080, to: 8080, v4: [vpcCidr] });
        if (rng.chance(0.5)) ingress.push({ protocol: 'tcp', from: 1024, to: 65535, v4: [`10.${rng.int(0, 255)}.0.0/16`] });
        break;
      case 'db':
        // Reachable only from the application tier's group: no CIDR at all.
        ingress.push({ protocol: 'tcp', from: 5432, to: 5432, groups: [peerGroup] });
        if (rng.chance(0.3)) ingress.push({ protocol: 'tcp', from: 5432, to: 5432, v4: [vpcCidr] });
        break;
      case 'internal':
        ingress.push({ protocol: '-1', v4: ['10.0.0.0/8'] });
        break;
      case 'bastion':
        ingress.push({ protocol: 'tcp', from: 22, to: 22, v4: ['203.0.113.0/24', '198.51.100.16/28'] });
        break;
      case 'empty':
        break;
    }
    if (rng.chance(0.1)) ingress.push(rng.pick(OPEN_ADMIN_RULES));
    const tags = { ...baseTags(rng, groupName), System: system };
    // Bastions often admit SSH from a managed prefix list: one of this scope's lists (some contain 0.0.0.0/0),
    // or now and then a list AWS Config did not record. Drawn last, so the fields above keep their values.
    if (role === 'bastion' && rng.chance(0.6)) {
      const list = rng.chance(0.2) ? `pl-0${rng.hex(16)}` : ctx.ref(EC2_PREFIX_LIST, ctx.k);
      if (list) ingress.push({ protocol: 'tcp', from: 22, to: 22, lists: [list] });
    }
    return {
      name: groupName,
      arn: `arn:aws:ec2:${region}:${account}:security-group/${id}`,
      availabilityZone: NOT_APPLICABLE,
      tags,
      relationships: [{ resourceType: EC2_VPC, resourceId: vpcId, relationshipName: 'Is contained in Vpc' }],
      configuration: {
        ownerId: account,
        groupName,
        groupId: id,
        description: `${role} tier for ${system}`,
        ipPermissions: ingress.map(permission),
        ipPermissionsEgress: [permission({ protocol: '-1', v4: [WORLD4] })],
        vpcId,
        tags: tagList(tags),
      },
      supplementary: {},
    };
  },
};

// ---------------------------------------------------------------- EC2 volume

const volume: AwsTypeSpec = {
  type: EC2_VOLUME,
  weight: 18,
  fixed: () => 0,
  formatId: (token) => `vol-0${token}`,
  tokenOf: suffixToken('vol-0'),
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const az = availabilityZone(region, rng);
    const encrypted = rng.chance(0.92);
    const attached = rng.chance(0.8);
    const instanceId = `i-0${rng.hex(16)}`;
    const volumeType = rng.weighted([
      ['gp3', 6],
      ['gp2', 3],
      ['io2', 1],
    ] as const);
    const size = rng.pick([8, 20, 30, 50, 100, 200, 500] as const);
    const created = iso(ctx.createdMs);
    const tags = baseTags(rng, `${rng.pick(SYSTEMS)}-data-${rng.hex(4)}`);
    const configuration: Record<string, unknown> = {
      volumeId: id,
      size,
      snapshotId: rng.chance(0.3) ? `snap-0${rng.hex(16)}` : '',
      availabilityZone: az,
      state: attached ? 'in-use' : 'available',
      createTime: created,
      attachments: attached
        ? [{ volumeId: id, instanceId, device: '/dev/xvda', state: 'attached', attachTime: created, deleteOnTermination: true }]
        : [],
      tags: tagList(tags),
      volumeType,
      iops: volumeType === 'gp2' ? Math.max(100, size * 3) : 3000,
      encrypted,
      multiAttachEnabled: false,
      fastRestored: false,
    };
    if (volumeType === 'gp3') configuration.throughput = 125;
    if (encrypted) configuration.kmsKeyId = kmsKeyArn(region, account, rng);
    return {
      arn: `arn:aws:ec2:${region}:${account}:volume/${id}`,
      availabilityZone: az,
      tags,
      relationships: attached ? [{ resourceType: 'AWS::EC2::Instance', resourceId: instanceId, relationshipName: 'Is attached to Instance' }] : [],
      configuration,
      supplementary: {},
    };
  },
};

// ---------------------------------------------------------------- S3 bucket

const BUCKET_PURPOSES = ['data', 'logs', 'backup', 'static', 'archive', 'upload', 'report'] as const;

function bucketPolicy(bucket: string, account: string, rng: Rng): string | null {
  const statements: Record<string, unknown>[] = [];
  if (rng.chance(0.7)) {
    statements.push({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  }
  // About one bucket in twenty-five lets anyone upload (aws-s3-bucket-policy-no-public-write); drawn from a hash
  // of the name so the other fields keep their values.
  if (unitHash('public-write', bucket) < 0.04) {
    statements.push({ Sid: 'PublicUpload', Effect: 'Allow', Principal: '*', Action: ['s3:PutObject', 's3:PutObjectAcl'], Resource: `arn:aws:s3:::${bucket}/*` });
  }
  if (rng.chance(0.4)) {
    statements.push({
      Sid: 'AllowAccountRead',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    });
  }
  return statements.length === 0 ? null : JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

const bucket: AwsTypeSpec = {
  type: S3_BUCKET,
  weight: 14,
  fixed: () => 0,
  formatId: (token, rng) => `${rng.pick(SYSTEMS)}-${rng.pick(BUCKET_PURPOSES)}-${token}`,
  tokenOf: trailingToken,
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const ownerId = rng.hex(64);
    const encryption = rng.weighted([
      ['AES256', 6],
      ['aws:kms', 3],
      ['none', 1],
    ] as const);
    const publicAccessBlocked = rng.chance(0.85);
    const supplementary: Record<string, unknown> = {
      AccessControlList: JSON.stringify({
        grantSet: null,
        grantList: [{ grantee: { id: ownerId, displayName: null }, permission: 'FullControl' }],
        owner: { displayName: null, id: ownerId },
        isRequesterCharged: false,
      }),
      BucketAccelerateConfiguration: { status: null },
      BucketLoggingConfiguration: rng.chance(0.6)
        ? { destinationBucketName: `shared-logs-${account}-${region}`, logFilePrefix: `s3/${id}/` }
        : { destinationBucketName: null, logFilePrefix: null },
      BucketNotificationConfiguration: { configurations: {} },
      BucketPolicy: { policyText: bucketPolicy(id, account, rng) },
      BucketVersioningConfiguration: {
        status: rng.weighted([
          ['Enabled', 6],
          ['Off', 3],
          ['Suspended', 1],
        ] as const),
        isMfaDeleteEnabled: null,
      },
      IsRequesterPaysEnabled: false,
      PublicAccessBlockConfiguration: {
        blockPublicAcls: publicAccessBlocked,
        ignorePublicAcls: publicAccessBlocked,
        blockPublicPolicy: publicAccessBlocked || rng.chance(0.5),
        restrictPublicBuckets: publicAccessBlocked,
      },
    };
    if (encryption !== 'none') {
      supplementary.ServerSideEncryptionConfiguration = {
        rules: [
          {
            applyServerSideEncryptionByDefault: {
              sseAlgorithm: encryption,
              kmsMasterKeyID: encryption === 'aws:kms' ? kmsKeyArn(region, account, rng) : null,
            },
            bucketKeyEnabled: encryption === 'aws:kms',
          },
        ],
      };
    }
    if (rng.chance(0.12)) {
      const destination = `${id.slice(0, 30)}-replica-${partnerRegion(region)}`;
      supplementary.BucketReplicationConfiguration = {
        roleARN: `arn:aws:iam::${account}:role/service-role/s3-replication`,
        // AWS Config keys replication rules by rule id (a map, as in the SDK's BucketReplicationConfiguration).
        rules: {
          'replicate-all': {
            prefix: '',
            status: 'Enabled',
            destinationConfig: { bucketARN: `arn:aws:s3:::${destination}`, storageClass: 'STANDARD_IA' },
          },
        },
      };
    }
    return {
      name: id,
      arn: `arn:aws:s3:::${id}`,
      availabilityZone: REGIONAL,
      tags: baseTags(rng, id),
      configuration: { name: id, owner: { displayName: null, id: ownerId }, creationDate: iso(ctx.createdMs) },
      supplementary,
    };
  },
};

// ---------------------------------------------------------------- KMS key

const kmsKey: AwsTypeSpec = {
  type: KMS_KEY,
  weight: 4,
  fixed: () => 0,
  formatId: uuidFromToken,
  tokenOf: tokenFromUuid,
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const managed = rng.chance(0.25);
    const state = managed
      ? 'Enabled'
      : rng.weighted([
          ['Enabled', 18],
          ['Disabled', 1],
          ['PendingDeletion', 1],
        ] as const);
    const rotation = managed || rng.chance(0.7);
    const arn = `arn:aws:kms:${region}:${account}:key/${id}`;
    const policy = {
      Version: '2012-10-17',
      Id: managed ? 'auto-ebs-2' : 'key-default-1',
      Statement: [
        { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
      ],
    };
    const tags = managed ? {} : baseTags(rng, `cmk-${rng.pick(SYSTEMS)}`);
    const configuration: Record<string, unknown> = {
      keyId: id,
      arn,
      creationDate: ctx.createdMs,
      enabled: state === 'Enabled',
      description: managed ? 'Default key that protects my EBS volumes when no other key is defined' : `CMK for ${tags.System ?? 'shared'}`,
      keyUsage: 'ENCRYPT_DECRYPT',
      keyState: state,
      origin: 'AWS_KMS',
      keyManager: managed ? 'AWS' : 'CUSTOMER',
      customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      keySpec: 'SYMMETRIC_DEFAULT',
      encryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      signingAlgorithms: [],
      multiRegion: false,
      awsaccountId: account,
    };
    if (state === 'PendingDeletion') configuration.deletionDate = ctx.createdMs + 30 * 86_400_000;
    // Some customer keys are multi-Region primaries with one replica (API reference, MultiRegionConfiguration).
    if (!managed && rng.chance(0.15)) {
      const replica = copyRegion(region, rng);
      configuration.multiRegion = true;
      configuration.multiRegionConfiguration = {
        multiRegionKeyType: 'PRIMARY',
        primaryKey: { arn, region },
        replicaKeys: [{ arn: arn.replace(`:${region}:`, `:${replica}:`), region: replica }],
      };
    }
    return {
      arn,
      availabilityZone: NOT_APPLICABLE,
      tags,
      configuration,
      supplementary: {
        KeyRotationStatus: rotation,
        Policy: JSON.stringify(policy, null, 2),
        Tags: Object.entries(tags).map(([tagKey, tagValue]) => ({ tagKey, tagValue })),
      },
    };
  },
};

// ---------------------------------------------------------------- RDS DB instance

const rdsInstance: AwsTypeSpec = {
  type: RDS_DB_INSTANCE,
  weight: 4,
  fixed: () => 0,
  formatId: (token, rng) => `db-${hexToBase32(token)}${rng.chars(BASE32_ALPHABET, 13)}`,
  tokenOf: (id) => (id.startsWith('db-') && id.length === 29 ? base32ToHex(id.slice(3, 16)) : undefined),
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const engine = rng.weighted([
      ['postgres', 5],
      ['mysql', 3],
      ['oracle-se2', 1],
      ['sqlserver-se', 1],
    ] as const);
    const identifier = `${rng.pick(SYSTEMS)}-${engine.split('-')[0] ?? engine}-${rng.hex(4)}`;
    const multiAZ = rng.chance(0.6);
    const az = availabilityZone(region, rng);
    const encrypted = rng.chance(0.9);
    const sg = ctx.ref(EC2_SECURITY_GROUP, ctx.k) ?? `sg-0${rng.hex(16)}`;
    const vpcId = ctx.ref(EC2_VPC, ctx.k) ?? `vpc-0${rng.hex(16)}`;
    const arn = `arn:aws:rds:${region}:${account}:db:${identifier}`;
    const tags = baseTags(rng, identifier);
    const replicated = rng.chance(0.3);
    const configuration: Record<string, unknown> = {
      dBInstanceIdentifier: identifier,
      dBInstanceClass: rng.pick(['db.t3.medium', 'db.m6g.large', 'db.r6g.xlarge'] as const),
      engine,
      engineVersion: engine === 'postgres' ? '16.4' : engine === 'mysql' ? '8.0.39' : '19.0.0.0.ru-2024-10.rur-2024-10.r1',
      dBInstanceStatus: 'available',
      masterUsername: 'admin',
      endpoint: { address: `${identifier}.c${rng.hex(10)}.${region}.rds.amazonaws.com`, port: engine === 'postgres' ? 5432 : 3306 },
      allocatedStorage: rng.pick([20, 100, 500] as const),
      instanceCreateTime: iso(ctx.createdMs),
      preferredBackupWindow: '17:00-17:30',
      backupRetentionPeriod: rng.weighted([
        [0, 1],
        [1, 1],
        [7, 4],
        [14, 2],
        [35, 2],
      ] as const),
      dBSecurityGroups: [],
      vpcSecurityGroups: [{ vpcSecurityGroupId: sg, status: 'active' }],
      dBSubnetGroup: { dBSubnetGroupName: 'default', dBSubnetGroupDescription: 'default', vpcId, subnetGroupStatus: 'Complete', subnets: [] },
      availabilityZone: az,
      preferredMaintenanceWindow: 'sun:18:00-sun:18:30',
      pendingModifiedValues: {},
      multiAZ,
      autoMinorVersionUpgrade: rng.chance(0.85),
      readReplicaDBInstanceIdentifiers: [],
      licenseModel: engine === 'postgres' ? 'postgresql-license' : engine === 'mysql' ? 'general-public-license' : 'license-included',
      publiclyAccessible: rng.chance(0.05),
      storageType: 'gp3',
      dbInstancePort: 0,
      storageEncrypted: encrypted,
      dbiResourceId: id,
      cACertificateIdentifier: 'rds-ca-rsa2048-g1',
      copyTagsToSnapshot: rng.chance(0.7),
      monitoringInterval: rng.pick([0, 60] as const),
      iAMDatabaseAuthenticationEnabled: rng.chance(0.3),
      deletionProtection: rng.chance(0.7),
      dBInstanceArn: arn,
      dBInstanceAutomatedBackupsReplications: replicated
        ? [{ dBInstanceAutomatedBackupsArn: `arn:aws:rds:${partnerRegion(region)}:${account}:auto-backup:ab-${rng.hex(26)}` }]
        : [],
    };
    if (encrypted) configuration.kmsKeyId = kmsKeyArn(region, account, rng);
    // Read replicas in another Region are listed by ARN (drawn last, so the fields above keep their values).
    if (rng.chance(0.15)) configuration.readReplicaDBInstanceIdentifiers = [`arn:aws:rds:${copyRegion(region, rng)}:${account}:db:${identifier}-replica`];
    return {
      name: identifier,
      arn,
      availabilityZone: multiAZ ? 'Multiple Availability Zones' : az,
      tags,
      relationships: [
        { resourceType: 'AWS::RDS::DBSubnetGroup', resourceId: 'default', relationshipName: 'Is associated with DBSubnetGroup' },
        { resourceType: EC2_SECURITY_GROUP, resourceId: sg, relationshipName: 'Is associated with SecurityGroup' },
      ],
      configuration,
      supplementary: { Tags: Object.entries(tags).map(([key, value]) => ({ key, value })) },
    };
  },
};

// ---------------------------------------------------------------- CloudTrail trail (one per account)

const trail: AwsTypeSpec = {
  type: CLOUDTRAIL_TRAIL,
  weight: 0,
  fixed: (scope) => (scope.isHomeRegion ? 1 : 0),
  formatId: (token) => `management-events-${token}`,
  tokenOf: trailingToken,
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const arn = `arn:aws:cloudtrail:${region}:${account}:trail/${id}`;
    // Log file validation alternates per account so one member account is always non-compliant.
    const validation = ctx.accountIndex % 2 === 0;
    const configuration: Record<string, unknown> = {
      name: id,
      s3BucketName: `cloudtrail-logs-${account}`,
      s3KeyPrefix: 'AWSLogs',
      includeGlobalServiceEvents: true,
      isMultiRegionTrail: true,
      homeRegion: region,
      trailARN: arn,
      logFileValidationEnabled: validation,
      hasCustomEventSelectors: false,
      hasInsightSelectors: false,
      isOrganizationTrail: false,
    };
    if (rng.chance(0.5)) configuration.kmsKeyId = kmsKeyArn(region, account, rng);
    // Every third account's trail is not delivered to CloudWatch Logs; DescribeTrails then omits both fields.
    if (ctx.accountIndex % 3 !== 2) {
      configuration.cloudWatchLogsLogGroupArn = `arn:aws:logs:${region}:${account}:log-group:aws-cloudtrail-logs:*`;
      configuration.cloudWatchLogsRoleArn = `arn:aws:iam::${account}:role/CloudTrail_CloudWatchLogs_Role`;
    }
    return { name: id, arn, availabilityZone: REGIONAL, configuration, supplementary: { Tags: [] } };
  },
};

// ---------------------------------------------------------------- VPC (a default VPC everywhere) and flow logs

const vpc: AwsTypeSpec = {
  type: EC2_VPC,
  weight: 2,
  fixed: () => 1,
  formatId: (token) => `vpc-0${token}`,
  tokenOf: suffixToken('vpc-0'),
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const isDefault = ctx.k === 0;
    const cidr = isDefault ? '172.31.0.0/16' : `10.${ctx.k % 256}.0.0/16`;
    const tags = isDefault ? {} : baseTags(rng, `${rng.pick(SYSTEMS)}-vpc`);
    return {
      arn: `arn:aws:ec2:${region}:${account}:vpc/${id}`,
      availabilityZone: NOT_APPLICABLE,
      tags,
      configuration: {
        cidrBlock: cidr,
        dhcpOptionsId: ctx.ref(EC2_DHCP_OPTIONS, ctx.k) ?? 'default',
        state: 'available',
        vpcId: id,
        ownerId: account,
        instanceTenancy: 'default',
        ipv6CidrBlockAssociationSet: [],
        cidrBlockAssociationSet: [{ associationId: `vpc-cidr-assoc-0${rng.hex(16)}`, cidrBlock: cidr, cidrBlockState: { state: 'associated' } }],
        isDefault,
        tags: tagList(tags),
      },
      supplementary: {},
    };
  },
};

const flowLog: AwsTypeSpec = {
  type: EC2_FLOW_LOG,
  weight: 2,
  fixed: () => 0,
  formatId: (token) => `fl-0${token}`,
  tokenOf: suffixToken('fl-0'),
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const vpcId = ctx.ref(EC2_VPC, ctx.k) ?? `vpc-0${rng.hex(16)}`;
    const toS3 = rng.chance(0.4);
    const configuration: Record<string, unknown> = {
      creationTime: iso(ctx.createdMs),
      deliverLogsStatus: rng.chance(0.95) ? 'SUCCESS' : 'FAILED',
      flowLogId: id,
      flowLogStatus: 'ACTIVE',
      resourceId: vpcId,
      trafficType: rng.weighted([
        ['ALL', 8],
        ['REJECT', 2],
        ['ACCEPT', 1],
      ] as const),
      logDestinationType: toS3 ? 's3' : 'cloud-watch-logs',
      logDestination: toS3 ? `arn:aws:s3:::vpc-flow-logs-${account}` : `arn:aws:logs:${region}:${account}:log-group:/aws/vpc/flowlogs/${vpcId}`,
      logFormat: '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}',
      maxAggregationInterval: 600,
    };
    if (toS3) {
      configuration.destinationOptions = { fileFormat: 'parquet', hiveCompatiblePartitions: false, perHourPartition: true };
    } else {
      configuration.logGroupName = `/aws/vpc/flowlogs/${vpcId}`;
      configuration.deliverLogsPermissionArn = `arn:aws:iam::${account}:role/flow-logs-delivery`;
    }
    return {
      arn: `arn:aws:ec2:${region}:${account}:vpc-flow-log/${id}`,
      availabilityZone: NOT_APPLICABLE,
      relationships: [{ resourceType: EC2_VPC, resourceId: vpcId, relationshipName: 'Is associated with Vpc' }],
      configuration,
      supplementary: {},
    };
  },
};

// ---------------------------------------------------------------- GuardDuty detector (per account × region, some missing)

/** Regions without a detector: about one in five, and always the last account's last region. */
export function guardDutyMissing(scope: ScopeFacts): boolean {
  const lastAccount = scope.accountIndex === scope.accounts.length - 1;
  const lastRegion = scope.region === scope.regions[scope.regions.length - 1];
  if (lastAccount && lastRegion && scope.regions.length > 1) return true;
  if (scope.accountIndex === 0 && scope.isHomeRegion) return false;
  return unitHash(scope.seed, 'guardduty', scope.account, scope.region) < 0.2;
}

const detector: AwsTypeSpec = {
  type: GUARDDUTY_DETECTOR,
  weight: 0,
  fixed: (scope) => (guardDutyMissing(scope) ? 0 : 1),
  formatId: (token, rng) => `${token}${rng.hex(16)}`,
  tokenOf: (id) => (/^[0-9a-f]{32}$/.test(id) ? id.slice(0, 16) : undefined),
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const enabled = rng.chance(0.9);
    return {
      arn: `arn:aws:guardduty:${region}:${account}:detector/${id}`,
      availabilityZone: REGIONAL,
      configuration: {
        Id: id,
        Enable: enabled,
        FindingPublishingFrequency: rng.pick(['SIX_HOURS', 'FIFTEEN_MINUTES', 'ONE_HOUR'] as const),
        DataSources: {
          S3Logs: { Enable: enabled && rng.chance(0.8) },
          Kubernetes: { AuditLogs: { Enable: enabled && rng.chance(0.5) } },
          MalwareProtection: { ScanEc2InstanceWithFindings: { EbsVolumes: enabled && rng.chance(0.5) } },
        },
        Tags: [],
      },
      supplementary: {},
    };
  },
};

// ---------------------------------------------------------------- WAFv2 web ACL

const webAcl: AwsTypeSpec = {
  type: WAFV2_WEB_ACL,
  weight: 1,
  fixed: () => 0,
  formatId: uuidFromToken,
  tokenOf: tokenFromUuid,
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const name = `${rng.pick(SYSTEMS)}-web-acl-${rng.hex(4)}`;
    const arn = `arn:aws:wafv2:${region}:${account}:regional/webacl/${name}/${id}`;
    const managedGroups = rng.chance(0.8) ? ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet'] : [];
    return {
      name,
      arn,
      availabilityZone: REGIONAL,
      configuration: {
        name,
        id,
        arn,
        description: '',
        defaultAction: { allow: {} },
        capacity: managedGroups.length * 700,
        rules: managedGroups.map((group, priority) => ({
          name: `AWS-${group}`,
          priority,
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: group } },
          overrideAction: { none: {} },
          visibilityConfig: { sampledRequestsEnabled: true, cloudWatchMetricsEnabled: true, metricName: `AWS-${group}` },
        })),
        visibilityConfig: { sampledRequestsEnabled: true, cloudWatchMetricsEnabled: rng.chance(0.9), metricName: name },
        managedByFirewallManager: false,
        labelNamespace: `awswaf:${account}:webacl:${name}:`,
      },
      supplementary: {},
    };
  },
};

// ---------------------------------------------------------------- DHCP options (default everywhere, custom NTP in some places)

const dhcpOptions: AwsTypeSpec = {
  type: EC2_DHCP_OPTIONS,
  weight: 0,
  fixed: (scope) => 1 + (unitHash(scope.seed, 'dhcp', scope.account, scope.region) < 0.4 ? 1 : 0),
  formatId: (token) => `dopt-0${token}`,
  tokenOf: suffixToken('dopt-0'),
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const configuration: Record<string, unknown> =
      ctx.k === 0
        ? {
            DhcpOptionsId: id,
            DomainName: region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`,
            DomainNameServers: ['AmazonProvidedDNS'],
          }
        : {
            DhcpOptionsId: id,
            DomainName: 'corp.example.lg.jp',
            DomainNameServers: ['10.0.0.2', '10.0.0.3'],
            NtpServers: [rng.weighted([
              ['ntp.nict.jp', 3],
              ['169.254.169.123', 2],
              ['pool.ntp.org', 1],
            ] as const)],
            NetbiosNodeType: 2,
          };
    return {
      arn: `arn:aws:ec2:${region}:${account}:dhcp-options/${id}`,
      availabilityZone: NOT_APPLICABLE,
      configuration,
      supplementary: {},
      noCreationTime: true,
    };
  },
};

// ---------------------------------------------------------------- subnets (one in a Local Zone outside Japan)

function hostsLocalZoneSubnet(scope: ScopeFacts): boolean {
  const accountIndex = Math.min(1, scope.accounts.length - 1);
  return scope.region === 'ap-northeast-1' && scope.accountIndex === accountIndex;
}

const subnet: AwsTypeSpec = {
  type: EC2_SUBNET,
  weight: 7,
  fixed: (scope) => (hostsLocalZoneSubnet(scope) ? 1 : 0),
  formatId: (token) => `subnet-0${token}`,
  tokenOf: suffixToken('subnet-0'),
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const inLocalZone = ctx.k < ctx.fixed;
    const az = inLocalZone ? LOCAL_ZONE : availabilityZone(region, rng);
    const vpcId = ctx.ref(EC2_VPC, ctx.k) ?? `vpc-0${rng.hex(16)}`;
    const tags = baseTags(rng, `${rng.pick(['public', 'private', 'isolated'] as const)}-${az}`);
    return {
      arn: `arn:aws:ec2:${region}:${account}:subnet/${id}`,
      availabilityZone: az,
      tags,
      relationships: [{ resourceType: EC2_VPC, resourceId: vpcId, relationshipName: 'Is contained in Vpc' }],
      configuration: {
        availabilityZone: az,
        availabilityZoneId: inLocalZone ? 'apne1-tpe1-az1' : `${region.replace(/^ap-northeast-/, 'apne').replace(/^us-east-/, 'use')}-az${rng.int(1, 4)}`,
        availableIpAddressCount: rng.int(10, 250),
        cidrBlock: `10.${ctx.k % 256}.${rng.int(0, 255)}.0/24`,
        defaultForAz: false,
        mapPublicIpOnLaunch: rng.chance(0.2),
        state: 'available',
        subnetId: id,
        vpcId,
        ownerId: account,
        assignIpv6AddressOnCreation: false,
        ipv6CidrBlockAssociationSet: [],
        tags: tagList(tags),
        subnetArn: `arn:aws:ec2:${region}:${account}:subnet/${id}`,
      },
      supplementary: {},
    };
  },
};

// ---------------------------------------------------------------- ELBv2 listener

const listener: AwsTypeSpec = {
  type: ELBV2_LISTENER,
  weight: 4,
  fixed: () => 0,
  formatId: (token, rng, scope) =>
    `arn:aws:elasticloadbalancing:${scope.region}:${scope.account}:listener/app/${rng.pick(SYSTEMS)}-alb/${rng.hex(16)}/${token}`,
  tokenOf: trailingToken,
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const https = rng.chance(0.6);
    const lbArn = id.replace(':listener/', ':loadbalancer/').replace(/\/[0-9a-f]{16}$/, '');
    const targetGroup = `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/tg-${rng.hex(6)}/${rng.hex(16)}`;
    const redirect = !https && rng.chance(0.7);
    const configuration: Record<string, unknown> = {
      ListenerArn: id,
      LoadBalancerArn: lbArn,
      Port: https ? 443 : 80,
      Protocol: https ? 'HTTPS' : 'HTTP',
      DefaultActions: [
        redirect
          ? { Type: 'redirect', Order: 1, RedirectConfig: { Protocol: 'HTTPS', Port: '443', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301' } }
          : { Type: 'forward', Order: 1, TargetGroupArn: targetGroup, ForwardConfig: { TargetGroups: [{ TargetGroupArn: targetGroup, Weight: 1 }] } },
      ],
    };
    if (https) {
      configuration.SslPolicy = rng.weighted([
        ['ELBSecurityPolicy-TLS13-1-2-2021-06', 6],
        ['ELBSecurityPolicy-2016-08', 3],
        ['ELBSecurityPolicy-TLS-1-0-2015-04', 1],
      ] as const);
      configuration.Certificates = [{ CertificateArn: `arn:aws:acm:${region}:${account}:certificate/${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}` }];
    }
    return { arn: id, availabilityZone: NOT_APPLICABLE, configuration, supplementary: {}, noCreationTime: true };
  },
};

// ---------------------------------------------------------------- EventBridge rules (an AWS Health rule in some accounts)

function hasHealthRule(scope: ScopeFacts): boolean {
  return scope.isHomeRegion && (scope.accountIndex === 0 || unitHash(scope.seed, 'health', scope.account) < 0.5);
}

const eventsRule: AwsTypeSpec = {
  type: EVENTS_RULE,
  weight: 2,
  fixed: (scope) => (hasHealthRule(scope) ? 1 : 0),
  formatId: (token, rng, scope, k) => {
    const healthRule = k === 0 && hasHealthRule(scope);
    return `${healthRule ? 'aws-health-notify' : rng.pick(['nightly-batch', 'config-change', 'guardduty-findings', 'ecs-task-stopped'] as const)}-${token}`;
  },
  tokenOf: trailingToken,
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const health = ctx.k < ctx.fixed;
    const arn = `arn:aws:events:${region}:${account}:rule/${id}`;
    const configuration: Record<string, unknown> = {
      Arn: arn,
      Name: id,
      EventBusName: 'default',
      State: rng.chance(0.95) ? 'ENABLED' : 'DISABLED',
      Targets: [{ Id: 'notify', Arn: `arn:aws:sns:${region}:${account}:${health ? 'health-notifications' : 'ops-notifications'}` }],
    };
    if (health) {
      configuration.State = 'ENABLED';
      configuration.Description = 'Notify operators of AWS Health events';
      configuration.EventPattern = JSON.stringify({ source: ['aws.health'], 'detail-type': ['AWS Health Event'] });
    } else if (id.startsWith('nightly-batch')) {
      configuration.ScheduleExpression = 'cron(0 15 * * ? *)';
    } else {
      configuration.EventPattern = JSON.stringify({ source: [rng.pick(['aws.config', 'aws.guardduty', 'aws.ecs'] as const)] });
    }
    return { arn, availabilityZone: NOT_APPLICABLE, configuration, supplementary: {}, noCreationTime: true };
  },
};

// ---------------------------------------------------------------- AWS Backup plan

const backupPlan: AwsTypeSpec = {
  type: BACKUP_PLAN,
  weight: 1,
  fixed: () => 0,
  formatId: uuidFromToken,
  tokenOf: tokenFromUuid,
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const name = `${rng.pick(SYSTEMS)}-daily`;
    const arn = `arn:aws:backup:${region}:${account}:backup-plan:${id}`;
    const copy = rng.chance(0.5);
    return {
      name,
      arn,
      availabilityZone: NOT_APPLICABLE,
      configuration: {
        BackupPlanId: id,
        BackupPlanArn: arn,
        VersionId: rng.hex(32),
        BackupPlan: {
          BackupPlanName: name,
          BackupPlanRule: [
            {
              RuleName: 'daily',
              TargetBackupVault: 'Default',
              ScheduleExpression: 'cron(0 17 * * ? *)',
              StartWindowMinutes: 60,
              CompletionWindowMinutes: 10080,
              Lifecycle: { DeleteAfterDays: rng.pick([7, 35, 365] as const) },
              EnableContinuousBackup: false,
              CopyActions: copy
                ? [{ DestinationBackupVaultArn: `arn:aws:backup:${partnerRegion(region)}:${account}:backup-vault:Default`, Lifecycle: { DeleteAfterDays: 35 } }]
                : [],
            },
          ],
        },
      },
      supplementary: {},
    };
  },
};

// ---------------------------------------------------------------- AWS Backup recovery points

/**
 * What AWS Backup backs up in the estate, one kind per recovery point in turn: item k backs up item floor(k / 4)
 * of its kind's type in the same account × region, so the first volumes, tables, instances and buckets of a scope
 * have a recovery point and the rest have none. The recovery point ARN follows where the backup is kept (Backup
 * developer guide, "Amazon Resource Names for recovery points"): an EBS snapshot, an EC2 AMI, or a recovery point of
 * the vault for DynamoDB (AWS Backup advanced features) and S3.
 */
const RECOVERY_POINT_KINDS = [
  { resourceType: 'EBS', type: EC2_VOLUME, arn: (region: string, account: string, id: string) => `arn:aws:ec2:${region}:${account}:volume/${id}` },
  { resourceType: 'DynamoDB', type: DYNAMODB_TABLE, arn: (region: string, account: string, id: string) => `arn:aws:dynamodb:${region}:${account}:table/${id}` },
  { resourceType: 'EC2', type: EC2_INSTANCE, arn: (region: string, account: string, id: string) => `arn:aws:ec2:${region}:${account}:instance/${id}` },
  { resourceType: 'S3', type: S3_BUCKET, arn: (_region: string, _account: string, id: string) => `arn:aws:s3:::${id}` },
] as const;

const HOUR_MS = 3_600_000;

function recoveryPointKind(k: number): (typeof RECOVERY_POINT_KINDS)[number] {
  return RECOVERY_POINT_KINDS[k % RECOVERY_POINT_KINDS.length]!;
}

/**
 * AWS::Backup::RecoveryPoint items (awslabs/aws-config-resource-schema: the fields of Backup's DescribeRecoveryPoint).
 * Most are AVAILABLE and a few hours old (a daily plan); some are old COMPLETED ones of a backup that stopped, some
 * PARTIAL or EXPIRED (Backup API, RecoveryPointStatus). Dates count back from the estate's now, so a scan against a
 * sandbox started now sees recent backups. The resource id is the recovery point ARN.
 */
const recoveryPoint: AwsTypeSpec = {
  type: BACKUP_RECOVERY_POINT,
  weight: 4,
  fixed: () => 0,
  formatId: (token, rng, scope, k) => {
    switch (recoveryPointKind(k).resourceType) {
      case 'EBS':
        return `arn:aws:ec2:${scope.region}::snapshot/snap-0${token}`;
      case 'EC2':
        return `arn:aws:ec2:${scope.region}::image/ami-0${token}`;
      case 'DynamoDB':
      case 'S3':
        return `arn:aws:backup:${scope.region}:${scope.account}:recovery-point:${uuidFromToken(token, rng)}`;
    }
  },
  tokenOf: (id) => {
    const native = /::(?:snapshot\/snap-0|image\/ami-0)([0-9a-f]{16})$/.exec(id);
    if (native) return native[1];
    const vault = /:recovery-point:([0-9a-f-]{36})$/.exec(id);
    return vault ? tokenFromUuid(vault[1]!) : undefined;
  },
  generate(ctx) {
    const { rng, account, region, id, k } = ctx;
    const kind = recoveryPointKind(k);
    const sourceId = ctx.ref(kind.type, Math.floor(k / RECOVERY_POINT_KINDS.length)) ?? `deleted-${rng.hex(16)}`;
    const state = rng.weighted([
      ['recent', 7],
      ['stale', 1],
      ['partial', 1],
      ['expired', 1],
    ] as const);
    const ageHours = state === 'stale' || state === 'expired' ? rng.int(200, 900) : rng.int(2, 30);
    const createdMs = ctx.nowMs - ageHours * HOUR_MS - rng.int(0, HOUR_MS - 1);
    const status = state === 'stale' ? 'COMPLETED' : state === 'partial' ? 'PARTIAL' : state === 'expired' ? 'EXPIRED' : 'AVAILABLE';
    const planId = uuidFromToken(rng.hex(16), rng);
    const vaultArn = `arn:aws:backup:${region}:${account}:backup-vault:Default`;
    return {
      arn: id,
      availabilityZone: NOT_APPLICABLE,
      configuration: {
        RecoveryPointArn: id,
        BackupVaultName: 'Default',
        BackupVaultArn: vaultArn,
        ResourceArn: kind.arn(region, account, sourceId),
        ResourceType: kind.resourceType,
        CreatedBy: {
          BackupPlanId: planId,
          BackupPlanArn: `arn:aws:backup:${region}:${account}:backup-plan:${planId}`,
          BackupPlanVersion: rng.hex(32),
          BackupRuleId: uuidFromToken(rng.hex(16), rng),
        },
        IamRoleArn: `arn:aws:iam::${account}:role/service-role/AWSBackupDefaultServiceRole`,
        Status: status,
        CreationDate: iso(createdMs),
        CompletionDate: iso(createdMs + rng.int(5, 90) * 60_000),
        BackupSizeInBytes: rng.int(1, 500) * 1_073_741_824,
        Lifecycle: { DeleteAfterDays: 35 },
        CalculatedLifecycle: { DeleteAt: iso(createdMs + 35 * 24 * HOUR_MS) },
        IsEncrypted: true,
        EncryptionKeyArn: kmsKeyArn(region, account, rng),
        StorageClass: 'WARM',
      },
      supplementary: {},
    };
  },
};

// ---------------------------------------------------------------- S3 account public access block (one per account)

const accountPublicAccessBlock: AwsTypeSpec = {
  type: S3_ACCOUNT_PUBLIC_ACCESS_BLOCK,
  weight: 0,
  fixed: (scope) => (scope.isHomeRegion ? 1 : 0),
  // The resource id is the account id itself; the estate locates it by account.
  formatId: (_token, _rng, scope) => scope.account,
  tokenOf: () => undefined,
  generate(ctx) {
    const { rng } = ctx;
    const all = ctx.accountIndex === 0 || rng.chance(0.6);
    return {
      arn: '',
      availabilityZone: NOT_APPLICABLE,
      configuration: {
        blockPublicAcls: all || rng.chance(0.5),
        ignorePublicAcls: all || rng.chance(0.5),
        blockPublicPolicy: all,
        restrictPublicBuckets: all || rng.chance(0.5),
      },
      supplementary: {},
      noCreationTime: true,
    };
  },
};

// ---------------------------------------------------------------- IAM role (global)

const ROLE_PURPOSES = ['ecs-task', 'lambda-exec', 'ci-deploy', 'readonly-audit', 'ops-admin', 'backup-service', 'ec2-ssm'] as const;

const iamRole: AwsTypeSpec = {
  type: IAM_ROLE,
  weight: 7,
  global: true,
  fixed: () => 0,
  formatId: (token, rng) => `AROA${hexToBase32(token)}${rng.chars(BASE32_ALPHABET, 4)}`,
  tokenOf: (id) => (id.startsWith('AROA') && id.length === 21 ? base32ToHex(id.slice(4, 17)) : undefined),
  generate(ctx) {
    const { rng, account, id } = ctx;
    const purpose = rng.pick(ROLE_PURPOSES);
    const roleName = `${purpose}-${rng.hex(6)}`;
    const path = purpose === 'backup-service' ? '/service-role/' : '/';
    const arn = `arn:aws:iam::${account}:role${path}${roleName}`;
    const principal =
      purpose === 'ci-deploy' || purpose === 'ops-admin' || purpose === 'readonly-audit'
        ? { AWS: `arn:aws:iam::${ctx.accounts[0] ?? account}:root` }
        : { Service: purpose === 'lambda-exec' ? 'lambda.amazonaws.com' : purpose === 'ecs-task' ? 'ecs-tasks.amazonaws.com' : purpose === 'backup-service' ? 'backup.amazonaws.com' : 'ec2.amazonaws.com' };
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }] };
    const policies =
      purpose === 'ops-admin' || (purpose === 'ci-deploy' && rng.chance(0.3))
        ? [{ policyName: 'AdministratorAccess', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }]
        : purpose === 'readonly-audit'
          ? [{ policyName: 'SecurityAudit', policyArn: 'arn:aws:iam::aws:policy/SecurityAudit' }]
          : [{ policyName: `${purpose}-policy`, policyArn: `arn:aws:iam::${account}:policy/${purpose}-policy` }];
    const tags = rng.chance(0.5) ? baseTags(rng, roleName) : {};
    return {
      name: roleName,
      arn,
      availabilityZone: NOT_APPLICABLE,
      tags,
      configuration: {
        path,
        roleName,
        roleId: id,
        arn,
        createDate: iso(ctx.createdMs),
        // AWS Config records the trust policy URL-encoded, as IAM returns it.
        assumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)),
        instanceProfileList: [],
        rolePolicyList: [],
        attachedManagedPolicies: policies,
        permissionsBoundary: null,
        tags: tagList(tags),
        roleLastUsed: null,
      },
      supplementary: {},
    };
  },
};

// ---------------------------------------------------------------- Data stores of the register (issue #12)
// Shapes: awslabs/aws-config-resource-schema (Redshift, DynamoDB and CloudFront in the API shape, the
// others in the CloudFormation shape AWS Config uses for registry-based types).

const redshiftCluster: AwsTypeSpec = {
  type: REDSHIFT_CLUSTER,
  weight: 1,
  fixed: () => 0,
  formatId: (token, rng) => `${rng.pick(SYSTEMS)}-dwh-${token}`,
  tokenOf: trailingToken,
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const encrypted = rng.chance(0.8);
    const az = availabilityZone(region, rng);
    const copy = rng.chance(0.4);
    const configuration: Record<string, unknown> = {
      clusterIdentifier: id,
      nodeType: rng.pick(['ra3.xlplus', 'ra3.4xlarge'] as const),
      clusterStatus: 'available',
      clusterAvailabilityStatus: 'Available',
      masterUsername: 'admin',
      dBName: 'dev',
      endpoint: { address: `${id}.c${rng.hex(10)}.${region}.redshift.amazonaws.com`, port: 5439 },
      clusterCreateTime: iso(ctx.createdMs),
      automatedSnapshotRetentionPeriod: rng.pick([1, 7, 35] as const),
      availabilityZone: az,
      numberOfNodes: rng.int(2, 4),
      publiclyAccessible: false,
      encrypted,
      clusterVersion: '1.0',
      // A recorded custom group where the home Region has them (require_ssl true or false), else the default group,
      // which the estate does not record: the cluster's require_ssl is then unknown.
      clusterParameterGroups: [{ parameterGroupName: ctx.ref(REDSHIFT_PARAMETER_GROUP, ctx.k) ?? 'default.redshift-1.0', parameterApplyStatus: 'in-sync' }],
      enhancedVpcRouting: rng.chance(0.5),
    };
    if (encrypted) configuration.kmsKeyId = kmsKeyArn(region, account, rng);
    if (copy) configuration.clusterSnapshotCopyStatus = { destinationRegion: copyRegion(region, rng), retentionPeriod: 7, manualSnapshotRetentionPeriod: -1 };
    return { arn: `arn:aws:redshift:${region}:${account}:cluster:${id}`, availabilityZone: az, tags: baseTags(rng, id), configuration, supplementary: {} };
  },
};

/**
 * Two custom cluster parameter groups in each account's home Region: the first requires SSL, the second does not.
 * AWS Config records the group's values in supplementaryConfiguration.Parameters (awslabs/aws-config-resource-schema,
 * AWS::Redshift::ClusterParameterGroup; values as DescribeClusterParameters returns them).
 */
const redshiftParameterGroup: AwsTypeSpec = {
  type: REDSHIFT_PARAMETER_GROUP,
  weight: 0,
  fixed: (scope) => (scope.isHomeRegion ? 2 : 0),
  formatId: (token) => `dwh-params-${token}`,
  tokenOf: trailingToken,
  generate(ctx) {
    const { account, region, id, k } = ctx;
    const parameter = (parameterName: string, parameterValue: string, dataType: string) => ({ parameterName, parameterValue, dataType, source: 'user', applyType: 'static', isModifiable: true });
    return {
      arn: `arn:aws:redshift:${region}:${account}:parametergroup:${id}`,
      availabilityZone: NOT_APPLICABLE,
      configuration: { parameterGroupName: id, parameterGroupFamily: 'redshift-1.0', description: k % 2 === 0 ? 'TLS only' : 'legacy clients' },
      supplementary: {
        Parameters: [
          parameter('enable_user_activity_logging', 'true', 'boolean'),
          parameter('require_ssl', k % 2 === 0 ? 'true' : 'false', 'boolean'),
          parameter('statement_timeout', '0', 'integer'),
        ],
      },
      noCreationTime: true,
    };
  },
};

const dynamoTable: AwsTypeSpec = {
  type: DYNAMODB_TABLE,
  weight: 2,
  fixed: () => 0,
  formatId: (token, rng) => `${rng.pick(SYSTEMS)}-${rng.pick(['sessions', 'orders', 'events', 'ledger'] as const)}-${token}`,
  tokenOf: trailingToken,
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const arn = `arn:aws:dynamodb:${region}:${account}:table/${id}`;
    const shape = rng.weighted([
      ['single', 6],
      ['global', 3],
      ['legacy', 1],
    ] as const);
    const configuration: Record<string, unknown> = {
      tableName: id,
      tableArn: arn,
      tableId: `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-a${rng.hex(3)}-${rng.hex(12)}`,
      tableStatus: 'ACTIVE',
      creationDateTime: ctx.createdMs,
      attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
      keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
      billingModeSummary: { billingMode: 'PAY_PER_REQUEST' },
      tableSizeBytes: rng.int(0, 1_000_000_000),
      itemCount: rng.int(0, 1_000_000),
    };
    // A current (2019.11.21) global table lists every replica; a legacy (2017.11.29) one lists none
    // (DynamoDB developer guide, "Determining the version of a global table").
    if (shape === 'global') {
      configuration.globalTableVersion = '2019.11.21';
      configuration.replicas = [region, copyRegion(region, rng)].map((regionName) => ({ regionName, replicaStatus: 'ACTIVE' }));
      configuration.streamSpecification = { streamEnabled: true, streamViewType: 'NEW_AND_OLD_IMAGES' };
    } else if (shape === 'legacy') {
      configuration.globalTableVersion = '2017.11.29';
      configuration.streamSpecification = { streamEnabled: true, streamViewType: 'NEW_AND_OLD_IMAGES' };
    }
    return { name: id, arn, availabilityZone: REGIONAL, configuration, supplementary: {} };
  },
};

const openSearchDomain: AwsTypeSpec = {
  type: OPENSEARCH_DOMAIN,
  weight: 1,
  fixed: () => 0,
  formatId: (token, rng) => `${rng.pick(['search', 'logs', 'portal'] as const)}-${token}`,
  tokenOf: trailingToken,
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const arn = `arn:aws:es:${region}:${account}:domain/${id}`;
    const https = rng.chance(0.85);
    const atRest = rng.chance(0.9);
    return {
      name: id,
      arn,
      availabilityZone: REGIONAL,
      configuration: {
        DomainName: id,
        Arn: arn,
        Id: `${account}/${id}`,
        EngineVersion: 'OpenSearch_2.13',
        DomainEndpoint: `search-${id}-${rng.chars(BASE32_ALPHABET.toLowerCase(), 26)}.${region}.es.amazonaws.com`,
        ClusterConfig: { InstanceType: 'r6g.large.search', InstanceCount: 3, ZoneAwarenessEnabled: true, DedicatedMasterEnabled: false },
        EBSOptions: { EBSEnabled: true, VolumeType: 'gp3', VolumeSize: 100 },
        DomainEndpointOptions: {
          EnforceHTTPS: https,
          TLSSecurityPolicy: rng.weighted([
            ['Policy-Min-TLS-1-2-PFS-2023-10', 6],
            ['Policy-Min-TLS-1-2-2019-07', 3],
            ['Policy-Min-TLS-1-0-2019-07', 1],
          ] as const),
          CustomEndpointEnabled: false,
        },
        EncryptionAtRestOptions: atRest ? { Enabled: true, KmsKeyId: kmsKeyArn(region, account, rng) } : { Enabled: false },
        NodeToNodeEncryptionOptions: { Enabled: rng.chance(0.9) },
      },
      supplementary: {},
    };
  },
};

const mskCluster: AwsTypeSpec = {
  type: MSK_CLUSTER,
  weight: 1,
  fixed: () => 0,
  formatId: (token, rng, scope) => `arn:aws:kafka:${scope.region}:${scope.account}:cluster/${rng.pick(SYSTEMS)}-events/${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-a${rng.hex(3)}-${token}`,
  tokenOf: trailingToken,
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const name = id.split('/')[1] ?? id;
    return {
      name,
      arn: id,
      availabilityZone: REGIONAL,
      configuration: {
        ClusterName: name,
        Arn: id,
        KafkaVersion: '3.6.0',
        NumberOfBrokerNodes: 3,
        BrokerNodeGroupInfo: { InstanceType: 'kafka.m5.large', ClientSubnets: [ctx.ref(EC2_SUBNET, ctx.k) ?? `subnet-0${rng.hex(16)}`], StorageInfo: { EBSStorageInfo: { VolumeSize: 1000 } } },
        EncryptionInfo: {
          EncryptionAtRest: { DataVolumeKMSKeyId: kmsKeyArn(region, account, rng) },
          EncryptionInTransit: {
            ClientBroker: rng.weighted([
              ['TLS', 7],
              ['TLS_PLAINTEXT', 2],
              ['PLAINTEXT', 1],
            ] as const),
            InCluster: true,
          },
        },
        ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
      },
      supplementary: {},
    };
  },
};

const sqsQueue: AwsTypeSpec = {
  type: SQS_QUEUE,
  weight: 2,
  fixed: () => 0,
  // AWS Config's resource id of a queue is its URL.
  formatId: (token, rng, scope) => `https://sqs.${scope.region}.amazonaws.com/${scope.account}/${rng.pick(SYSTEMS)}-jobs-${token}`,
  tokenOf: trailingToken,
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const name = id.slice(id.lastIndexOf('/') + 1);
    const arn = `arn:aws:sqs:${region}:${account}:${name}`;
    const sse = rng.weighted([
      ['sqs', 5],
      ['kms', 3],
      ['none', 2],
    ] as const);
    const configuration: Record<string, unknown> = {
      QueueName: name,
      QueueUrl: id,
      QueueArn: arn,
      VisibilityTimeout: 30,
      MessageRetentionPeriod: 345600,
      DelaySeconds: 0,
      SqsManagedSseEnabled: sse === 'sqs',
    };
    if (sse === 'kms') {
      configuration.KmsMasterKeyId = kmsKeyArn(region, account, rng);
      configuration.KmsDataKeyReusePeriodSeconds = 300;
    }
    return { name, arn, availabilityZone: REGIONAL, configuration, supplementary: {}, noCreationTime: true };
  },
};

const snsTopic: AwsTypeSpec = {
  type: SNS_TOPIC,
  weight: 2,
  fixed: () => 0,
  formatId: (token, rng, scope) => `arn:aws:sns:${scope.region}:${scope.account}:${rng.pick(['ops-notifications', 'alerts', 'batch-results'] as const)}-${token}`,
  tokenOf: trailingToken,
  generate(ctx) {
    const { rng, region, account, id } = ctx;
    const name = id.slice(id.lastIndexOf(':') + 1);
    const configuration: Record<string, unknown> = { TopicArn: id, DisplayName: name, Owner: account, FifoTopic: false };
    // SNS records KmsMasterKeyId only when server-side encryption is on.
    if (rng.chance(0.6)) configuration.KmsMasterKeyId = rng.chance(0.5) ? 'alias/aws/sns' : kmsKeyArn(region, account, rng);
    return { name, arn: id, availabilityZone: REGIONAL, configuration, supplementary: {}, noCreationTime: true };
  },
};

const kinesisStream: AwsTypeSpec = {
  type: KINESIS_STREAM,
  weight: 1,
  fixed: () => 0,
  formatId: (token, rng) => `${rng.pick(SYSTEMS)}-clicks-${token}`,
  tokenOf: trailingToken,
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const arn = `arn:aws:kinesis:${region}:${account}:stream/${id}`;
    const configuration: Record<string, unknown> = { Name: id, Arn: arn, ShardCount: rng.int(1, 8), RetentionPeriodHours: 24 };
    if (rng.chance(0.7)) configuration.StreamEncryption = { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' };
    return { name: id, arn, availabilityZone: REGIONAL, configuration, supplementary: {} };
  },
};

/** CloudFront is recorded in us-east-1 only; two distributions per account there. */
const cloudFrontDistribution: AwsTypeSpec = {
  type: CLOUDFRONT_DISTRIBUTION,
  weight: 0,
  fixed: (scope) => (scope.region === 'us-east-1' ? 2 : 0),
  formatId: (token) => `E${hexToBase32(token)}`,
  tokenOf: (id) => (id.startsWith('E') && id.length === 14 ? base32ToHex(id.slice(1)) : undefined),
  generate(ctx) {
    const { rng, account, id } = ctx;
    const defaultCert = rng.chance(0.2);
    const httpPath = rng.chance(0.3);
    const bucket = `${rng.pick(SYSTEMS)}-static-${rng.hex(6)}`;
    return {
      arn: `arn:aws:cloudfront::${account}:distribution/${id}`,
      availabilityZone: NOT_APPLICABLE,
      configuration: {
        id,
        arn: `arn:aws:cloudfront::${account}:distribution/${id}`,
        domainName: `d${rng.hex(13)}.cloudfront.net`,
        distributionConfig: {
          enabled: true,
          httpVersion: 'http2',
          priceClass: 'PriceClass_200',
          defaultCacheBehavior: { targetOriginId: bucket, viewerProtocolPolicy: rng.chance(0.8) ? 'redirect-to-https' : 'https-only', compress: true },
          cacheBehaviors: httpPath
            ? { quantity: 1, items: [{ pathPattern: '/legacy/*', targetOriginId: bucket, viewerProtocolPolicy: 'allow-all', compress: true }] }
            : { quantity: 0, items: null },
          origins: { quantity: 1, items: [{ id: bucket, domainName: `${bucket}.s3.ap-northeast-1.amazonaws.com`, s3OriginConfig: { originAccessIdentity: '' } }] },
          viewerCertificate: defaultCert
            ? { cloudFrontDefaultCertificate: true, minimumProtocolVersion: 'TLSv1', certificateSource: 'cloudfront' }
            : {
                cloudFrontDefaultCertificate: false,
                acmcertificateArn: `arn:aws:acm:us-east-1:${account}:certificate/${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-a${rng.hex(3)}-${rng.hex(12)}`,
                sslSupportMethod: 'sni-only',
                minimumProtocolVersion: 'TLSv1.2_2021',
                certificateSource: 'acm',
              },
        },
      },
      supplementary: {},
    };
  },
};


// ---------------------------------------------------------------- Managed prefix lists and network ACLs

const prefixList: AwsTypeSpec = {
  type: EC2_PREFIX_LIST,
  weight: 1,
  fixed: () => 0,
  formatId: (token) => `pl-0${token}`,
  tokenOf: suffixToken('pl-0'),
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const name = rng.pick(['office-ranges', 'vendor-maintenance', 'partner-vpn'] as const);
    // One list in six is "temporarily" opened to everyone, the way such lists drift.
    const cidrs = ['203.0.113.0/24', `198.51.100.${rng.int(0, 15) * 16}/28`, ...(rng.chance(0.17) ? ['0.0.0.0/0'] : [])];
    return {
      name,
      arn: `arn:aws:ec2:${region}:${account}:prefix-list/${id}`,
      availabilityZone: NOT_APPLICABLE,
      configuration: {
        PrefixListId: id,
        PrefixListName: name,
        AddressFamily: 'IPv4',
        MaxEntries: 10,
        Version: rng.int(1, 9),
        OwnerId: account,
        Arn: `arn:aws:ec2:${region}:${account}:prefix-list/${id}`,
        Entries: cidrs.map((Cidr) => ({ Cidr, Description: name })),
      },
      supplementary: {},
      noCreationTime: true,
    };
  },
};

function aclEntry(ruleNumber: number, ruleAction: 'allow' | 'deny', protocol: string, cidrBlock: string, ports?: readonly [number, number], egress = false): Record<string, unknown> {
  return { ruleNumber, ruleAction, protocol, egress, cidrBlock, ...(ports ? { portRange: { from: ports[0], to: ports[1] } } : {}) };
}

const networkAcl: AwsTypeSpec = {
  type: EC2_NETWORK_ACL,
  weight: 2,
  fixed: () => 0,
  formatId: (token) => `acl-0${token}`,
  tokenOf: suffixToken('acl-0'),
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const vpcId = ctx.ref(EC2_VPC, ctx.k) ?? `vpc-0${rng.hex(16)}`;
    const subnetId = ctx.ref(EC2_SUBNET, ctx.k) ?? `subnet-0${rng.hex(16)}`;
    const shape = rng.weighted([
      ['default', 3],
      ['web', 5],
      ['ssh-open', 1],
      ['deny-first', 1],
      ['spare', 1],
    ] as const);
    const last = [aclEntry(32767, 'deny', '-1', '0.0.0.0/0'), aclEntry(100, 'allow', '-1', '0.0.0.0/0', undefined, true), aclEntry(32767, 'deny', '-1', '0.0.0.0/0', undefined, true)];
    const inbound =
      shape === 'default'
        ? [aclEntry(100, 'allow', '-1', '0.0.0.0/0')]
        : shape === 'ssh-open'
          ? [aclEntry(100, 'allow', '6', '0.0.0.0/0', [443, 443]), aclEntry(110, 'allow', '6', '0.0.0.0/0', [22, 22]), aclEntry(120, 'allow', '6', '0.0.0.0/0', [1024, 65535])]
          : shape === 'deny-first'
            ? [aclEntry(90, 'deny', '6', '0.0.0.0/0', [0, 1023]), aclEntry(100, 'allow', '-1', '0.0.0.0/0')]
            : [aclEntry(90, 'deny', '6', '0.0.0.0/0', [3389, 3389]), aclEntry(100, 'allow', '6', '0.0.0.0/0', [443, 443]), aclEntry(110, 'allow', '6', '0.0.0.0/0', [1024, 65535]), aclEntry(120, 'allow', '6', '10.0.0.0/8', [22, 22])];
    const tags = baseTags(rng, `${shape}-acl`);
    return {
      arn: `arn:aws:ec2:${region}:${account}:network-acl/${id}`,
      availabilityZone: NOT_APPLICABLE,
      tags,
      relationships: [{ resourceType: EC2_VPC, resourceId: vpcId, relationshipName: 'Is attached to Vpc' }],
      configuration: {
        networkAclId: id,
        vpcId,
        isDefault: shape === 'default',
        ownerId: account,
        associations: shape === 'spare' ? [] : [{ networkAclAssociationId: `aclassoc-0${rng.hex(16)}`, networkAclId: id, subnetId }],
        entries: [...inbound, ...last],
        tags: tagList(tags),
      },
      supplementary: {},
      noCreationTime: true,
    };
  },
};

// ---------------------------------------------------------------- EC2 instance

/**
 * Instances in the EC2 API shape AWS Config records (awslabs/aws-config-resource-schema AWS::EC2::Instance:
 * configuration.metadataOptions.{httpTokens,httpEndpoint,httpPutResponseHopLimit,state}). About a third still
 * accept IMDSv1 (httpTokens optional), the EC2 default for instances launched before the account default changed.
 */
const ec2Instance: AwsTypeSpec = {
  type: EC2_INSTANCE,
  weight: 3,
  fixed: () => 0,
  formatId: (token) => `i-0${token}`,
  tokenOf: suffixToken('i-0'),
  generate(ctx) {
    const { rng, account, region, id } = ctx;
    const az = availabilityZone(region, rng);
    const subnetId = ctx.ref(EC2_SUBNET, ctx.k) ?? `subnet-0${rng.hex(16)}`;
    const vpcId = ctx.ref(EC2_VPC, ctx.k) ?? `vpc-0${rng.hex(16)}`;
    const groupId = ctx.ref(EC2_SECURITY_GROUP, ctx.k) ?? `sg-0${rng.hex(16)}`;
    const imds = rng.weighted([
      ['required', 6],
      ['optional', 3],
      ['disabled', 1],
    ] as const);
    const running = rng.chance(0.85);
    const tags = baseTags(rng, `${rng.pick(SYSTEMS)}-app-${rng.hex(4)}`);
    return {
      arn: `arn:aws:ec2:${region}:${account}:instance/${id}`,
      availabilityZone: az,
      tags,
      relationships: [
        { resourceType: EC2_SUBNET, resourceId: subnetId, relationshipName: 'Is contained in Subnet' },
        { resourceType: EC2_VPC, resourceId: vpcId, relationshipName: 'Is contained in Vpc' },
        { resourceType: EC2_SECURITY_GROUP, resourceId: groupId, relationshipName: 'Is associated with SecurityGroup' },
      ],
      configuration: {
        instanceId: id,
        imageId: `ami-0${rng.hex(16)}`,
        instanceType: rng.pick(['t3.medium', 'm6i.large', 'c6i.xlarge', 'r6i.large'] as const),
        launchTime: iso(ctx.createdMs),
        placement: { availabilityZone: az, tenancy: 'default' },
        privateIpAddress: `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(4, 250)}`,
        state: running ? { code: 16, name: 'running' } : { code: 80, name: 'stopped' },
        subnetId,
        vpcId,
        securityGroups: [{ groupId, groupName: 'app' }],
        metadataOptions: {
          state: 'applied',
          httpTokens: imds === 'required' ? 'required' : 'optional',
          httpPutResponseHopLimit: imds === 'required' ? 2 : 1,
          httpEndpoint: imds === 'disabled' ? 'disabled' : 'enabled',
          httpProtocolIpv6: 'disabled',
          instanceMetadataTags: 'disabled',
        },
        tags: tagList(tags),
      },
      supplementary: {},
    };
  },
};

// ---------------------------------------------------------------- Lambda function

/**
 * A function item as AWS Config records it (a recorded Select row: cloud-custodian tests/data/placebo/
 * test_aws_lambda_config_source): camelCase configuration, the resource-based policy as a JSON string in
 * supplementaryConfiguration.Policy only when the function has one, and Tags as a map. By k: half have no
 * policy; API Gateway and EventBridge grants pinned by aws:SourceArn, an S3 grant pinned by
 * aws:SourceAccount; one in ten lets Principal "*" invoke it, one in ten carries the public function-URL
 * grant (lambda:FunctionUrlAuthType NONE): the findings of aws-lambda-policy-not-public.
 */
const lambdaFunction: AwsTypeSpec = {
  type: LAMBDA_FUNCTION,
  weight: 2,
  fixed: () => 0,
  formatId: (token, rng) => `${rng.pick(SYSTEMS)}-handler-${token}`,
  tokenOf: trailingToken,
  generate(ctx) {
    const { rng, account, region, id, k } = ctx;
    const arn = `arn:aws:lambda:${region}:${account}:function:${id}`;
    const grant = (Sid: string, Principal: unknown, Action: string, Condition?: unknown): Record<string, unknown> => ({ Sid, Effect: 'Allow', Principal, Action, Resource: arn, ...(Condition ? { Condition } : {}) });
    const statements: Record<string, unknown>[] = [];
    switch (k % 10) {
      case 3:
        statements.push(grant('public-invoke', '*', 'lambda:InvokeFunction'));
        break;
      case 6:
        statements.push(grant(`apigw-${rng.hex(8)}`, { Service: 'apigateway.amazonaws.com' }, 'lambda:InvokeFunction', { ArnLike: { 'AWS:SourceArn': `arn:aws:execute-api:${region}:${account}:${rng.hex(10)}/*/POST/${rng.pick(SYSTEMS)}` } }));
        break;
      case 7:
        statements.push(grant('FunctionURLAllowPublicAccess', '*', 'lambda:InvokeFunctionUrl', { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } }));
        break;
      case 8:
        statements.push(grant(`events-${rng.hex(8)}`, { Service: 'events.amazonaws.com' }, 'lambda:InvokeFunction', { ArnLike: { 'AWS:SourceArn': `arn:aws:events:${region}:${account}:rule/nightly-${rng.hex(4)}` } }));
        break;
      case 9:
        statements.push(grant(`s3-${rng.hex(8)}`, { Service: 's3.amazonaws.com' }, 'lambda:InvokeFunction', { StringEquals: { 'AWS:SourceAccount': account }, ArnLike: { 'AWS:SourceArn': `arn:aws:s3:::${rng.pick(SYSTEMS)}-uploads-${rng.hex(6)}` } }));
        break;
      default:
        break;
    }
    const tags = baseTags(rng, id);
    return {
      name: id,
      arn,
      availabilityZone: NOT_APPLICABLE,
      tags,
      configuration: {
        functionName: id,
        functionArn: arn,
        runtime: rng.pick(['nodejs22.x', 'python3.12', 'java21'] as const),
        role: `arn:aws:iam::${account}:role/lambda-exec`,
        handler: 'index.handler',
        codeSize: rng.int(2_000, 9_000_000),
        description: '',
        timeout: rng.pick([30, 60, 300] as const),
        memorySize: rng.pick([128, 256, 1024] as const),
        lastModified: new Date(ctx.createdMs).toISOString().replace('Z', '+0000'),
        codeSha256: Buffer.from(rng.hex(32), 'hex').toString('base64'),
        version: '$LATEST',
        vpcConfig: { securityGroupIds: [], subnetIds: [] },
        tracingConfig: { mode: 'PassThrough' },
        revisionId: uuidFromToken(rng.hex(16), rng),
        layers: [],
        packageType: 'Zip',
        architectures: ['arm64'],
      },
      supplementary: {
        ...(statements.length > 0 ? { Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements }) } : {}),
        Tags: tags,
      },
    };
  },
};

/** Every type the AWS sandbox serves, in the canonical order that Select results follow. */
export const AWS_TYPE_SPECS: readonly AwsTypeSpec[] = [
  securityGroup,
  volume,
  bucket,
  kmsKey,
  rdsInstance,
  trail,
  vpc,
  flowLog,
  detector,
  webAcl,
  dhcpOptions,
  subnet,
  listener,
  eventsRule,
  backupPlan,
  accountPublicAccessBlock,
  iamRole,
  redshiftCluster,
  dynamoTable,
  openSearchDomain,
  mskCluster,
  sqsQueue,
  snsTopic,
  kinesisStream,
  cloudFrontDistribution,
  prefixList,
  networkAcl,
  redshiftParameterGroup,
  ec2Instance,
  lambdaFunction,
  recoveryPoint,
];
