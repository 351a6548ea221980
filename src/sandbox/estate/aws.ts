/**
 * The AWS sandbox estate: a deterministic, lazily generated set of AWS Config configuration items.
 *
 * Nothing is stored per resource. The estate is a small table of scopes (account × region × type, a few
 * hundred rows) with a count each; item k of a scope is computed on demand from a hash of
 * (seed, account, region, type, k). Resource ids embed an invertible scramble of (scope, k), so a
 * BatchGet by id is answered without any index. Paging is O(page) and memory stays flat at 1,000,000.
 */
import {
  AWS_TYPE_SPECS,
  S3_ACCOUNT_PUBLIC_ACCESS_BLOCK,
  type AwsRelationship,
  type AwsTypeSpec,
  type ScopeFacts,
} from './aws-resources.js';
import { hashParts, hex8, Rng, scramble64, unscramble64 } from './random.js';

export type { AwsRelationship } from './aws-resources.js';
export { LOCAL_ZONE } from './aws-resources.js';

export const AWS_DEFAULT_ACCOUNTS: readonly string[] = ['111111111111', '222222222222', '333333333333'];
export const AWS_DEFAULT_REGIONS: readonly string[] = ['ap-northeast-1', 'ap-northeast-3', 'us-east-1'];
export const AWS_DEFAULT_RESOURCES = 2_000;
export const AWS_DEFAULT_SEED = 1;
/** awsRegion of IAM and other global resources in AWS Config items. */
export const AWS_GLOBAL_REGION = 'global';
/** Every type the sandbox serves, in the order Select results list them. */
export const AWS_RESOURCE_TYPES: readonly string[] = AWS_TYPE_SPECS.map((spec) => spec.type);

/** "Now" for the estate: creation and capture times are spread over the five years before it. */
const ESTATE_EPOCH_MS = Date.UTC(2026, 10, 1);
const DAY_MS = 86_400_000;
const ID_SALT = 0x5bd1e995;
const CONFIG_ITEM_VERSION = '1.3';

export interface AwsEstateOptions {
  /** Default 1. Same seed, same estate, item for item. */
  readonly seed?: number;
  /** Total resources N (default 2,000). Per-account singletons are part of N; when N is smaller than them, they alone make up the estate. */
  readonly resources?: number;
  /** 12-digit account ids, the first one being the organization's management account. */
  readonly accounts?: readonly string[];
  /** Default ap-northeast-1, ap-northeast-3, us-east-1; the first one is the home region. */
  readonly regions?: readonly string[];
  /** What time-relative fields (recovery point dates) count back from; default the estate's epoch, 2026-11-01. */
  readonly now?: Date;
}

/** A configuration item as AWS Config holds it (object form; the protocol layer encodes it per operation). */
export interface AwsConfigItem {
  readonly version: string;
  readonly accountId: string;
  readonly awsRegion: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly resourceName?: string;
  readonly arn?: string;
  readonly availabilityZone: string;
  readonly resourceCreationTime?: string;
  readonly configurationItemCaptureTime: string;
  readonly configurationItemStatus: 'OK' | 'ResourceDiscovered';
  readonly configurationStateId: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly relationships: readonly AwsRelationship[];
  readonly configuration: Readonly<Record<string, unknown>>;
  readonly supplementaryConfiguration: Readonly<Record<string, unknown>>;
}

/** One account × region × type of the estate. `region` is `global` for global types. */
export interface AwsEstateScope {
  readonly index: number;
  readonly account: string;
  readonly region: string;
  readonly type: string;
  readonly count: number;
}

export interface AwsScopeCount {
  readonly account: string;
  readonly region: string;
  readonly type: string;
  readonly count: number;
}

export interface AwsEstateDescription {
  readonly seed: number;
  readonly requestedResources: number;
  readonly total: number;
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  readonly managementAccount: string;
  readonly homeRegion: string;
  /** Every non-empty scope; `region` is `global` for IAM roles. */
  readonly scopes: readonly AwsScopeCount[];
}

interface Cell extends AwsEstateScope {
  readonly spec: AwsTypeSpec;
  readonly facts: ScopeFacts;
  readonly fixed: number;
}

/** Relative weight of a region: Tokyo carries most, Osaka a good share, anything else (us-east-1) a minority. */
function regionWeight(region: string): number {
  if (region === 'ap-northeast-1') return 6;
  if (region === 'ap-northeast-3') return 3;
  return 1;
}

/** The management account runs fewer workloads than the member accounts. */
function accountWeight(index: number): number {
  return index === 0 ? 1 : 2;
}

function validate(options: AwsEstateOptions): Required<Omit<AwsEstateOptions, 'now'>> {
  const seed = options.seed ?? AWS_DEFAULT_SEED;
  const resources = options.resources ?? AWS_DEFAULT_RESOURCES;
  const accounts = options.accounts ?? AWS_DEFAULT_ACCOUNTS;
  const regions = options.regions ?? AWS_DEFAULT_REGIONS;
  if (!Number.isSafeInteger(seed)) throw new Error(`sandbox estate: seed must be an integer, got ${seed}`);
  if (!Number.isSafeInteger(resources) || resources < 0) throw new Error(`sandbox estate: resources must be a non-negative integer, got ${resources}`);
  if (accounts.length === 0 || accounts.length > 1000) throw new Error('sandbox estate: between 1 and 1000 accounts are needed');
  for (const account of accounts) if (!/^\d{12}$/.test(account)) throw new Error(`sandbox estate: account ${account} is not a 12-digit AWS account id`);
  if (new Set(accounts).size !== accounts.length) throw new Error('sandbox estate: accounts must be unique');
  if (regions.length === 0) throw new Error('sandbox estate: at least one region is needed');
  for (const region of regions) if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`sandbox estate: ${region} is not an AWS region name`);
  if (new Set(regions).size !== regions.length) throw new Error('sandbox estate: regions must be unique');
  return { seed, resources, accounts: [...accounts], regions: [...regions] };
}

export class AwsEstate {
  readonly seed: number;
  readonly requestedResources: number;
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  readonly managementAccount: string;
  /** The first region: per-account singletons and global (IAM) items are recorded here. */
  readonly homeRegion: string;
  readonly total: number;
  /** See AwsEstateOptions.now. */
  readonly nowMs: number;
  private readonly cells: readonly Cell[];
  private readonly cellByKey: ReadonlyMap<string, Cell>;
  private readonly specByType: ReadonlyMap<string, AwsTypeSpec>;
  private readonly idKey: number;

  constructor(options: AwsEstateOptions = {}) {
    const { seed, resources, accounts, regions } = validate(options);
    const nowMs = options.now?.getTime() ?? ESTATE_EPOCH_MS;
    if (!Number.isFinite(nowMs)) throw new Error('sandbox estate: now is not a valid date');
    this.nowMs = nowMs;
    this.seed = seed;
    this.requestedResources = resources;
    this.accounts = accounts;
    this.regions = regions;
    this.managementAccount = accounts[0] ?? '';
    this.homeRegion = regions[0] ?? '';
    this.idKey = hashParts('kansa-sandbox-ids', seed);
    this.specByType = new Map(AWS_TYPE_SPECS.map((spec) => [spec.type, spec]));

    // Lay out every scope with its fixed part, then apportion the scaled part by weight.
    const layout: { spec: AwsTypeSpec; facts: ScopeFacts; fixed: number; weight: number }[] = [];
    const regionTotal = regions.reduce((sum, r) => sum + regionWeight(r), 0);
    for (const spec of AWS_TYPE_SPECS) {
      accounts.forEach((account, accountIndex) => {
        for (const region of spec.global ? [AWS_GLOBAL_REGION] : regions) {
          const facts: ScopeFacts = { seed, account, accountIndex, accounts, region, regions, isHomeRegion: region === this.homeRegion };
          const regionShare = spec.global ? 1 : regionWeight(region) / regionTotal;
          layout.push({ spec, facts, fixed: spec.fixed(facts), weight: spec.weight * accountWeight(accountIndex) * regionShare });
        }
      });
    }
    const fixedTotal = layout.reduce((sum, l) => sum + l.fixed, 0);
    const scaled = apportion(Math.max(0, resources - fixedTotal), layout.map((l) => l.weight));
    this.cells = layout.map((l, index) => ({
      index,
      account: l.facts.account,
      region: l.facts.region,
      type: l.spec.type,
      count: l.fixed + (scaled[index] ?? 0),
      spec: l.spec,
      facts: l.facts,
      fixed: l.fixed,
    }));
    this.cellByKey = new Map(this.cells.map((c) => [cellKey(c.account, c.region, c.type), c]));
    this.total = this.cells.reduce((sum, c) => sum + c.count, 0);
  }

  isKnownType(type: string): boolean {
    return this.specByType.has(type);
  }

  /** Resources of one account × region × type (`global` region for IAM). */
  count(account: string, region: string, type: string): number {
    return this.cellByKey.get(cellKey(account, region, type))?.count ?? 0;
  }

  scope(account: string, region: string, type: string): AwsEstateScope | undefined {
    return this.cellByKey.get(cellKey(account, region, type));
  }

  /** Scopes matching the filters, in canonical order (type, then account, then region). */
  scopes(filter: { readonly types?: readonly string[]; readonly accounts?: readonly string[]; readonly regions?: readonly string[] } = {}): AwsEstateScope[] {
    const types = filter.types ? new Set(filter.types) : undefined;
    const accounts = filter.accounts ? new Set(filter.accounts) : undefined;
    const regions = filter.regions ? new Set(filter.regions) : undefined;
    return this.cells.filter((c) => (!types || types.has(c.type)) && (!accounts || accounts.has(c.account)) && (!regions || regions.has(c.region)));
  }

  /** The resource id of item k of a scope (cheap: no configuration is generated). */
  resourceId(scope: AwsEstateScope, k: number): string {
    const cell = this.cellAt(scope.index);
    return cell.spec.formatId(this.token(cell.index, k), new Rng(this.itemHash(cell, k) ^ ID_SALT), cell.facts, k);
  }

  /** Item k (0 ≤ k < count) of a scope. */
  item(scope: AwsEstateScope, k: number): AwsConfigItem {
    const cell = this.cellAt(scope.index);
    if (!Number.isInteger(k) || k < 0 || k >= cell.count) throw new RangeError(`item ${k} of ${cell.type} in ${cell.account}/${cell.region} does not exist (count ${cell.count})`);
    const hash = this.itemHash(cell, k);
    const id = cell.spec.formatId(this.token(cell.index, k), new Rng(hash ^ ID_SALT), cell.facts, k);
    const rng = new Rng(hash);
    const createdMs = ESTATE_EPOCH_MS - rng.int(1, 5 * 365) * DAY_MS - rng.int(0, DAY_MS - 1);
    const capturedMs = createdMs + Math.floor(rng.next() * (ESTATE_EPOCH_MS - createdMs));
    const status = rng.chance(0.1) ? 'ResourceDiscovered' : 'OK';
    const generated = cell.spec.generate({
      ...cell.facts,
      k,
      fixed: cell.fixed,
      id,
      rng,
      createdMs,
      nowMs: this.nowMs,
      ref: (type, index) => {
        const other = this.cellByKey.get(cellKey(cell.account, cell.region, type));
        return other && other.count > 0 ? this.resourceId(other, index % other.count) : undefined;
      },
    });
    const item: AwsConfigItem = {
      version: CONFIG_ITEM_VERSION,
      accountId: cell.account,
      awsRegion: cell.region,
      resourceType: cell.type,
      resourceId: id,
      ...(generated.name !== undefined ? { resourceName: generated.name } : {}),
      ...(generated.arn ? { arn: generated.arn } : {}),
      availabilityZone: generated.availabilityZone,
      ...(generated.noCreationTime ? {} : { resourceCreationTime: new Date(createdMs).toISOString() }),
      configurationItemCaptureTime: new Date(capturedMs).toISOString(),
      configurationItemStatus: status,
      configurationStateId: String(capturedMs),
      tags: generated.tags ?? {},
      relationships: generated.relationships ?? [],
      configuration: generated.configuration,
      supplementaryConfiguration: generated.supplementary ?? {},
    };
    return item;
  }

  /** Finds the item a (type, id) pair names, or undefined when the estate has no such resource. */
  locate(type: string, resourceId: string): { readonly scope: AwsEstateScope; readonly k: number } | undefined {
    const spec = this.specByType.get(type);
    if (!spec) return undefined;
    if (type === S3_ACCOUNT_PUBLIC_ACCESS_BLOCK) {
      const cell = this.cellByKey.get(cellKey(resourceId, this.homeRegion, type));
      return cell && cell.count > 0 ? { scope: cell, k: 0 } : undefined;
    }
    const token = spec.tokenOf(resourceId);
    if (token === undefined) return undefined;
    const [index, k] = unscramble64(Number.parseInt(token.slice(0, 8), 16), Number.parseInt(token.slice(8), 16), this.idKey);
    const cell = this.cells[index];
    if (!cell || cell.spec !== spec || k >= cell.count) return undefined;
    return this.resourceId(cell, k) === resourceId ? { scope: cell, k } : undefined;
  }

  describe(): AwsEstateDescription {
    return {
      seed: this.seed,
      requestedResources: this.requestedResources,
      total: this.total,
      accounts: this.accounts,
      regions: this.regions,
      managementAccount: this.managementAccount,
      homeRegion: this.homeRegion,
      scopes: this.cells.filter((c) => c.count > 0).map((c) => ({ account: c.account, region: c.region, type: c.type, count: c.count })),
    };
  }

  private cellAt(index: number): Cell {
    const cell = this.cells[index];
    if (!cell) throw new RangeError(`no estate scope ${index}`);
    return cell;
  }

  private itemHash(cell: Cell, k: number): number {
    return hashParts(this.seed, cell.account, cell.region, cell.type, k);
  }

  private token(index: number, k: number): string {
    const [hi, lo] = scramble64(index, k, this.idKey);
    return hex8(hi) + hex8(lo);
  }
}

function cellKey(account: string, region: string, type: string): string {
  return `${account}|${region}|${type}`;
}

/** Largest-remainder apportionment of `total` over `weights` (exact sum, deterministic ties). */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total === 0) return weights.map(() => 0);
  const quotas = weights.map((w) => (total * w) / sum);
  const counts = quotas.map(Math.floor);
  let remaining = total - counts.reduce((a, b) => a + b, 0);
  const order = quotas.map((q, i) => ({ i, frac: q - Math.floor(q) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (remaining <= 0) break;
    if ((weights[i] ?? 0) > 0) {
      counts[i] = (counts[i] ?? 0) + 1;
      remaining--;
    }
  }
  return counts;
}

/** Expected counts per account × region × type for the given options, without starting a server. */
export function describeEstate(options: AwsEstateOptions = {}): AwsEstateDescription {
  return new AwsEstate(options).describe();
}

/** Sum of scope counts matching a filter: the number of rows a complete Select must return. */
export function expectedCount(
  description: AwsEstateDescription,
  filter: { readonly types?: readonly string[]; readonly account?: string; readonly region?: string } = {},
): number {
  return description.scopes
    .filter((s) => (!filter.types || filter.types.includes(s.type)) && (!filter.account || s.account === filter.account) && (!filter.region || s.region === filter.region))
    .reduce((sum, s) => sum + s.count, 0);
}

/** The fewest Select calls that can page through `count` rows at the maximum page size. */
export function minimumCalls(count: number, pageSize = 100): number {
  return Math.max(1, Math.ceil(count / pageSize));
}
