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
  /** Deleted or not-recorded items are history, not estate. */
  | { readonly kind: 'skipped'; readonly reason: string };

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

/** Per-type canonicalization of spellings that changed over AWS Config's history. */
const typeNormalizers: Readonly<Record<string, (configuration: Json) => Json>> = {
  'AWS::EC2::SecurityGroup': (c) => ({
    ...c,
    ipPermissions: canonicalPermissions(c.ipPermissions),
    ipPermissionsEgress: canonicalPermissions(c.ipPermissionsEgress),
  }),
};

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

export function normalizeConfigItem(item: unknown): NormalizeOutcome {
  if (!isObject(item)) {
    return { kind: 'resource', resource: malformed({}, `configuration item is a ${Array.isArray(item) ? 'array' : typeof item}, expected an object`) };
  }
  const status = str(item.configurationItemStatus);
  if (NOT_EVALUATED_STATUSES.has(status)) return { kind: 'skipped', reason: `status ${status}` };
  const type = str(item.resourceType);
  const id = str(item.resourceId);
  if (!type || !id) return { kind: 'resource', resource: malformed(item, `configuration item lacks ${type ? 'resourceId' : 'resourceType'}`) };
  try {
    let configuration = parseDocument(item.configuration, 'configuration');
    const normalizeType = typeNormalizers[type];
    if (normalizeType) configuration = normalizeType(configuration);
    const supplementary = parseSupplementary(item.supplementaryConfiguration);
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
