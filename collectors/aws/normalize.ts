/**
 * AWS Config configuration item → normalized Resource.
 *
 * Accepts every shape AWS Config hands out: snapshot/notification items (`configuration` is an object,
 * `awsAccountId`, `ARN`), older snapshot items (`accountId`, `arn`), API items (`BatchGetResourceConfig`,
 * `configuration` and each supplementary value are JSON strings) and `SelectResourceConfig` rows.
 * Old and new field spellings are folded into one canonical shape so controls are written once.
 */
import { GLOBAL_REGION, type Relationship, type Resource } from '../../src/model/resource.js';
import { errorMessage } from '../../src/errors.js';

export type NormalizeOutcome =
  | { readonly kind: 'resource'; readonly resource: Resource }
  /**
   * Deleted or not-recorded items are history, not estate. `notRecorded`: the item's type, when AWS Config
   * says it discovered the resource but its recorder does not record that type (ResourceNotRecorded,
   * ResourceDeletedNotRecorded): the scope does not cover that type.
   */
  | { readonly kind: 'skipped'; readonly reason: string; readonly notRecorded?: string };

const NOT_EVALUATED_STATUSES = new Set(['ResourceDeleted', 'ResourceNotRecorded', 'ResourceDeletedNotRecorded']);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** Parses a value that may be a JSON document or its string encoding. */
function parseDocument(value: unknown, what: string): Json {
  if (value === undefined || value === null) return {};
  if (isObject(value)) return value;
  if (typeof value === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      throw new Error(`${what} is not valid JSON (${errorMessage(error)})`, { cause: error });
    }
    if (parsed === null) return {};
    if (!isObject(parsed)) throw new Error(`${what} is a JSON ${Array.isArray(parsed) ? 'array' : typeof parsed}, expected an object`);
    return parsed;
  }
  throw new Error(`${what} is a ${Array.isArray(value) ? 'array' : typeof value}, expected an object or a JSON string`);
}

/** Supplementary values are JSON strings in API responses and sometimes in snapshots too. */
function parseSupplementary(value: unknown): Json {
  const raw = parseDocument(value, 'supplementaryConfiguration');
  const out: Json = {};
  for (const [key, entry] of Object.entries(raw)) {
    if (typeof entry === 'string' && /^\s*[[{]/.test(entry)) {
      try {
        out[key] = JSON.parse(entry) as unknown;
      } catch (error) {
        throw new Error(`supplementaryConfiguration.${key} is not valid JSON (${errorMessage(error)})`, { cause: error });
      }
    } else {
      out[key] = entry;
    }
  }
  return out;
}

function parseTags(value: unknown, configuration: Json): Record<string, string> {
  const tags: Record<string, string> = {};
  const fromList = (list: unknown[]): void => {
    for (const t of list) if (isObject(t)) tags[str(t.key ?? t.Key)] = str(t.value ?? t.Value);
  };
  if (isObject(value)) for (const [k, v] of Object.entries(value)) tags[k] = str(v);
  else if (Array.isArray(value)) fromList(value);
  if (Object.keys(tags).length === 0 && Array.isArray(configuration.tags)) fromList(configuration.tags);
  return tags;
}

function parseRelationships(value: unknown): Relationship[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((r) => ({
    type: str(r.resourceType),
    id: str(r.resourceId),
    name: str(r.relationshipName ?? r.name),
  }));
}

/** The two documents of an item that type normalizers may rewrite. */
interface Documents {
  readonly configuration: Json;
  readonly supplementary: Json;
}

/**
 * Per-type canonicalization: spellings that changed over AWS Config's history, and documents AWS Config
 * stores as (URL-encoded) JSON strings, parsed once here so controls read them as data.
 */
const typeNormalizers: Readonly<Record<string, (documents: Documents, observedAt: Date | undefined, item: Json) => Documents>> = {
  'AWS::EC2::SecurityGroup': ({ configuration: c, supplementary }) => ({
    configuration: {
      ...c,
      ipPermissions: canonicalPermissions(c.ipPermissions),
      ipPermissionsEgress: canonicalPermissions(c.ipPermissionsEgress),
    },
    supplementary,
  }),
  // The bucket policy is a JSON string inside an object; it is parsed into `policy` next to `policyText`.
  'AWS::S3::Bucket': ({ configuration, supplementary: s }) => {
    const bucketPolicy = s.BucketPolicy;
    if (!isObject(bucketPolicy) || bucketPolicy.policyText === undefined || bucketPolicy.policyText === null) return { configuration, supplementary: s };
    return {
      configuration,
      supplementary: { ...s, BucketPolicy: { ...bucketPolicy, policy: canonicalPolicy(bucketPolicy.policyText, 'BucketPolicy.policyText') } },
    };
  },
  // The function's resource-based policy is supplementaryConfiguration.Policy, a JSON string, present only
  // when the function has one (a recorded Select row: cloud-custodian tests/data/placebo/
  // test_aws_lambda_config_source; its ConfigLambda reads it with .get('Policy')). Recorded without one
  // becomes Policy null ("none"); an item without supplementaryConfiguration at all keeps no Policy key,
  // so the control cannot mistake "not recorded" for "no policy".
  'AWS::Lambda::Function': ({ configuration, supplementary: s }, _observedAt, item) => {
    if (item.supplementaryConfiguration === undefined || item.supplementaryConfiguration === null) return { configuration, supplementary: s };
    return { configuration, supplementary: { ...s, Policy: s.Policy === undefined || s.Policy === null ? null : canonicalPolicy(s.Policy, 'Policy') } };
  },
  'AWS::KMS::Key': ({ configuration, supplementary: s }) => ({
    configuration,
    supplementary: s.Policy === undefined || s.Policy === null ? s : { ...s, Policy: canonicalPolicy(s.Policy, 'Policy') },
  }),
  // IAM documents are URL-encoded JSON strings in AWS Config items.
  'AWS::IAM::Role': ({ configuration: c, supplementary }) => ({
    configuration: {
      ...c,
      ...(c.assumeRolePolicyDocument === undefined || c.assumeRolePolicyDocument === null
        ? {}
        : { assumeRolePolicyDocument: canonicalPolicy(c.assumeRolePolicyDocument, 'assumeRolePolicyDocument') }),
      rolePolicyList: inlinePolicies(c.rolePolicyList, 'rolePolicyList'),
      attachedManagedPolicies: listOrEmpty(c.attachedManagedPolicies, 'attachedManagedPolicies'),
    },
    supplementary,
  }),
  'AWS::IAM::User': ({ configuration: c, supplementary }) => ({
    configuration: {
      ...c,
      userPolicyList: inlinePolicies(c.userPolicyList, 'userPolicyList'),
      attachedManagedPolicies: listOrEmpty(c.attachedManagedPolicies, 'attachedManagedPolicies'),
    },
    supplementary,
  }),
  'AWS::IAM::Group': ({ configuration: c, supplementary }) => ({
    configuration: {
      ...c,
      groupPolicyList: inlinePolicies(c.groupPolicyList, 'groupPolicyList'),
      attachedManagedPolicies: listOrEmpty(c.attachedManagedPolicies, 'attachedManagedPolicies'),
    },
    supplementary,
  }),
  'AWS::IAM::Policy': ({ configuration: c, supplementary }) => ({
    configuration: {
      ...c,
      policyVersionList: listOrEmpty(c.policyVersionList, 'policyVersionList').map((v, i) =>
        isObject(v) && v.document !== undefined && v.document !== null
          ? { ...v, document: canonicalPolicy(v.document, `policyVersionList[${i}].document`) }
          : v,
      ),
    },
    supplementary,
  }),
  // EventBridge returns the event pattern as a JSON string.
  'AWS::Events::Rule': ({ configuration: c, supplementary }) => ({
    configuration: typeof c.EventPattern === 'string' ? { ...c, EventPattern: parseDocument(c.EventPattern, 'EventPattern') } : c,
    supplementary,
  }),
  'AWS::EC2::DHCPOptions': ({ configuration: c, supplementary }) => ({ configuration: canonicalDhcpOptions(c), supplementary }),
  // An expiry date does not change, so the item may have been captured long ago: days left are counted from
  // when the item was read (the collection or file-reading time), never from configurationItemCaptureTime,
  // which would make an old item of a certificate expiring now look safe.
  'AWS::ACM::Certificate': ({ configuration: c, supplementary }, observedAt) => {
    const notAfter = dateMs(c.notAfter);
    if (notAfter === undefined || observedAt === undefined) return { configuration: c, supplementary };
    return {
      configuration: { ...c, notAfterDaysLeft: Math.floor((notAfter - observedAt.getTime()) / 86_400_000), notAfterDaysLeftAsOf: observedAt.toISOString() },
      supplementary,
    };
  },
  // A recovery point's age decides whether a data store was backed up recently (control aws-data-store-recent-backup).
  // Like a certificate's days left, it is counted from when the item was read: an old item of a recovery point
  // keeps its CreationDate (awslabs/aws-config-resource-schema AWS::Backup::RecoveryPoint: configuration.CreationDate,
  // a date; Backup API DescribeRecoveryPoint: epoch seconds).
  'AWS::Backup::RecoveryPoint': ({ configuration: c, supplementary }, observedAt) => {
    const created = dateMs(c.CreationDate);
    if (created === undefined || observedAt === undefined) return { configuration: c, supplementary };
    return {
      configuration: { ...c, creationDateAgeHours: Math.floor((observedAt.getTime() - created) / 3_600_000), creationDateAgeAsOf: observedAt.toISOString() },
      supplementary,
    };
  },
};

/** An AWS Config date: an ISO 8601 string, or epoch seconds or milliseconds. */
function dateMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * IAM-style policy documents (IAM, S3 bucket and KMS key policies) in one shape, so controls need not
 * care how the author wrote them: `Statement` is always a list; in each statement `Action`, `NotAction`,
 * `Resource`, `NotResource` are lists, `Principal`/`NotPrincipal` are maps of lists (`"*"` becomes
 * `{"AWS": ["*"]}`, which IAM treats alike) and `Condition` maps operator → context key → list of
 * strings. Context keys are lower-cased (IAM compares them case-insensitively); values are strings
 * (`true` → `"true"`). Absent parts become empty lists/maps.
 */
export function canonicalPolicy(value: unknown, what: string): Json {
  const document = parsePolicyDocument(value, what);
  const statements = document.Statement === undefined ? [] : Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return {
    ...document,
    Statement: statements.map((statement: unknown, index): Json => {
      if (!isObject(statement)) throw new Error(`${what}: Statement[${index}] is not an object`);
      return {
        ...statement,
        Sid: str(statement.Sid),
        Effect: str(statement.Effect),
        Action: stringList(statement.Action),
        NotAction: stringList(statement.NotAction),
        Resource: stringList(statement.Resource),
        NotResource: stringList(statement.NotResource),
        Principal: canonicalPrincipal(statement.Principal),
        NotPrincipal: canonicalPrincipal(statement.NotPrincipal),
        Condition: canonicalCondition(statement.Condition, `${what}: Statement[${index}].Condition`),
      };
    }),
  };
}

/** A policy document as an object, a JSON string or (IAM in AWS Config) a URL-encoded JSON string. */
function parsePolicyDocument(value: unknown, what: string): Json {
  if (typeof value === 'string' && !value.trimStart().startsWith('{')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(value);
    } catch (error) {
      throw new Error(`${what} is neither JSON nor URL-encoded JSON (${errorMessage(error)})`, { cause: error });
    }
    return parseDocument(decoded, what);
  }
  return parseDocument(value, what);
}

function stringList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

function canonicalPrincipal(value: unknown): Record<string, string[]> {
  if (value === undefined || value === null) return {};
  if (typeof value === 'string') return { AWS: [value] };
  if (!isObject(value)) return { AWS: stringList(value) };
  const out: Record<string, string[]> = {};
  for (const [kind, ids] of Object.entries(value)) out[kind] = stringList(ids);
  return out;
}

function canonicalCondition(value: unknown, what: string): Record<string, Record<string, string[]>> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new Error(`${what} is not an object`);
  const out: Record<string, Record<string, string[]>> = {};
  for (const [operator, entries] of Object.entries(value)) {
    if (!isObject(entries)) throw new Error(`${what}.${operator} is not an object`);
    const keys: Record<string, string[]> = {};
    for (const [key, values] of Object.entries(entries)) {
      keys[key.toLowerCase()] = (Array.isArray(values) ? values : [values]).map((v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v)));
    }
    out[operator] = keys;
  }
  return out;
}

function inlinePolicies(value: unknown, what: string): unknown[] {
  return listOrEmpty(value, what).map((p, i) =>
    isObject(p) && p.policyDocument !== undefined && p.policyDocument !== null
      ? { ...p, policyDocument: canonicalPolicy(p.policyDocument, `${what}[${i}].policyDocument`) }
      : p,
  );
}

function listOrEmpty(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error(`${what} is not a list`);
  return value;
}

/**
 * AWS Config records DHCP option sets in the CloudFormation shape (`NtpServers`, a list); the EC2 API
 * shape (`dhcpConfigurations: [{key: "ntp-servers", values: [{value}]}]`) is folded into it.
 */
function canonicalDhcpOptions(c: Json): Json {
  const fromApi = (key: string): string[] | undefined => {
    const list = c.dhcpConfigurations ?? c.DhcpConfigurations;
    if (!Array.isArray(list)) return undefined;
    const entry: unknown = list.find((e: unknown) => isObject(e) && str(e.key ?? e.Key) === key);
    if (!isObject(entry)) return undefined;
    return asList(entry.values ?? entry.Values).map((v) => (isObject(v) ? str(v.value ?? v.Value) : str(v)));
  };
  const ntp = c.NtpServers;
  const ntpServers = typeof ntp === 'string' ? ntp.split(',').map((s) => s.trim()).filter((s) => s !== '') : Array.isArray(ntp) ? ntp.map(str) : fromApi('ntp-servers');
  return ntpServers === undefined ? c : { ...c, NtpServers: ntpServers };
}

/** Old items list `ipRanges` as CIDR strings; newer ones carry `ipv4Ranges`/`ipv6Ranges` objects (often both). */
function canonicalPermissions(value: unknown): Json[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error('security group permissions are not a list');
  return value.map((p: unknown, index): Json => {
    if (!isObject(p)) throw new Error(`ipPermissions[${index}] is not an object`);
    const v4 = new Map<string, Json>();
    const v6 = new Map<string, Json>();
    const add = (cidr: unknown, source: Json): void => {
      if (typeof cidr !== 'string') return;
      if (cidr.includes(':')) v6.set(cidr, { ...source, cidrIpv6: cidr });
      else v4.set(cidr, { ...source, cidrIp: cidr });
    };
    for (const r of asList(p.ipv4Ranges)) if (isObject(r)) add(r.cidrIp, r);
    for (const r of asList(p.ipv6Ranges)) if (isObject(r)) add(r.cidrIpv6, r);
    for (const r of asList(p.ipRanges)) {
      if (typeof r === 'string' && !v4.has(r) && !v6.has(r)) add(r, {});
      else if (isObject(r) && typeof r.cidrIp === 'string' && !v4.has(r.cidrIp)) add(r.cidrIp, r);
    }
    const protocol = str(p.ipProtocol).toLowerCase();
    return {
      ...p,
      ipProtocol: protocol,
      // -1 (all protocols) rules carry no ports; so do icmp rules with -1: both mean "every port".
      fromPort: typeof p.fromPort === 'number' ? p.fromPort : -1,
      toPort: typeof p.toPort === 'number' ? p.toPort : -1,
      ipv4Ranges: [...v4.values()],
      ipv6Ranges: [...v6.values()],
      userIdGroupPairs: asList(p.userIdGroupPairs),
      prefixListIds: asList(p.prefixListIds),
    };
  });
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * `observedAt`: when the item was read (collection or file-reading time); types whose verdict depends on time
 * (certificate expiry, recovery point age) get their ages counted from it, and stay without them (unknown) when it is not given.
 */
export function normalizeConfigItem(item: unknown, observedAt?: Date): NormalizeOutcome {
  if (!isObject(item)) {
    return { kind: 'resource', resource: malformed({}, `configuration item is a ${Array.isArray(item) ? 'array' : typeof item}, expected an object`) };
  }
  const status = str(item.configurationItemStatus);
  if (NOT_EVALUATED_STATUSES.has(status)) {
    const type = str(item.resourceType);
    return { kind: 'skipped', reason: `status ${status}`, ...(status.endsWith('NotRecorded') && type ? { notRecorded: type } : {}) };
  }
  const type = str(item.resourceType);
  const id = str(item.resourceId);
  if (!type || !id) return { kind: 'resource', resource: malformed(item, `configuration item lacks ${type ? 'resourceId' : 'resourceType'}`) };
  try {
    let documents: Documents = {
      configuration: parseDocument(item.configuration, 'configuration'),
      supplementary: parseSupplementary(item.supplementaryConfiguration),
    };
    const normalizeType = typeNormalizers[type];
    if (normalizeType) documents = normalizeType(documents, observedAt, item);
    const { configuration, supplementary } = documents;
    return {
      kind: 'resource',
      resource: {
        ...identity(item),
        tags: parseTags(item.tags, configuration),
        configuration,
        supplementary,
        relationships: parseRelationships(item.relationships),
      },
    };
  } catch (error) {
    return { kind: 'resource', resource: malformed(item, errorMessage(error)) };
  }
}

function identity(item: Json): Pick<Resource, 'provider' | 'account' | 'region' | 'type' | 'id' | 'name' | 'arn' | 'capturedAt'> {
  return {
    provider: 'aws',
    account: str(item.awsAccountId ?? item.accountId),
    region: str(item.awsRegion) || GLOBAL_REGION,
    type: str(item.resourceType),
    id: str(item.resourceId),
    name: str(item.resourceName),
    arn: str(item.ARN ?? item.arn),
    capturedAt: str(item.configurationItemCaptureTime),
  };
}

function malformed(item: Json, reason: string): Resource {
  return {
    ...identity(item),
    tags: {},
    configuration: {},
    supplementary: {},
    relationships: [],
    malformed: reason,
  };
}
