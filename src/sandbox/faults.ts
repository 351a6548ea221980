/**
 * Fault knobs shared by every sandbox provider. Decisions are provider-neutral (throttle, server error,
 * access denied, truncate, malformed); each protocol handler renders them in its own wire format.
 * Random decisions come from a PRNG seeded from `seed`, reseeded whenever the faults are set, so a run
 * that issues the same requests in the same order sees the same faults.
 */
import { performance } from 'node:perf_hooks';
import { hashParts, Rng, unitHash } from './estate/random.js';

export interface Faults {
  /** Added before every response. */
  readonly latencyMs?: number;
  /** 0..1: share of requests answered with a throttling error. */
  readonly throttleRate?: number;
  /** When set, throttling responses carry `Retry-After` (Azure) or google.rpc.RetryInfo (gRPC) with this many seconds; AWS sends no hint, as AWS does not. */
  readonly throttleRetryAfterSeconds?: number;
  /** 0..1: share of requests answered with a 500 or 503. */
  readonly serverErrorRate?: number;
  /** Callers (AWS account ids) that are denied every call. */
  readonly accessDeniedAccounts?: readonly string[];
  /** 0..1: share of result items whose payload is broken. Deterministic per item, not per request. */
  readonly malformedRate?: number;
  /**
   * 0..1: share of AWS Config Select rows of S3 buckets served without `supplementaryConfiguration` although
   * the query selected it. No recording shows AWS doing so (select_s3_bucket_no_sse.json has it whole); it is
   * the case a collector must not read as "no policy, no encryption". Deterministic per item.
   */
  readonly supplementaryOmittedRate?: number;
  /**
   * 0..1: share of AWS Config items BatchGet answers nothing for, as for a resource deleted after a Select listed
   * it (BatchGetResourceConfig API reference: "The API does not return results for deleted resources").
   */
  readonly deletedSinceListedRate?: number;
  /** 0..1: share of successful responses whose body is cut off mid-JSON (Content-Length matches the cut). */
  readonly truncatedPageRate?: number;
  /** Shifts the `Date` response header. */
  readonly clockSkewSeconds?: number;
  /**
   * Token-bucket limit per caller: refill `ratePerSecond`, capacity `rateBurst` (default: one second's
   * worth); excess calls are throttled. It models the provider's limit, not kansa's pacing: e.g. ARM reads
   * refill 25 a second into a bucket of 250 per subscription and principal (azure-resource-manager/management/
   * request-limits-and-throttling); Cloud Asset's "ListAssets 100 per minute per consumer project"
   * (asset-inventory/docs/quota) read as a bucket of 100 refilled at 100/60 a second (Google does not say how
   * the minute is measured). AWS documents no per-account rate for AWS Config's Select / BatchGet.
   */
  readonly ratePerSecond?: number;
  /** Capacity of the `ratePerSecond` bucket (calls that may arrive at once after a quiet spell). */
  readonly rateBurst?: number;
  /** Seed of the fault PRNG (default: the estate seed). */
  readonly seed?: number;
}

export type FaultDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'accessDenied' }
  | { readonly kind: 'throttle'; readonly cause: 'rateLimit' | 'random'; readonly retryAfterSeconds?: number }
  | { readonly kind: 'serverError'; readonly status: 500 | 503 };

export type MalformedKind = 'truncated' | 'notJson';

function checkRate(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value <= 1)) throw new Error(`sandbox faults: ${name} must be between 0 and 1, got ${value}`);
}

function checkNonNegative(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw new Error(`sandbox faults: ${name} must be a non-negative number, got ${value}`);
}

export function validateFaults(faults: Faults): Faults {
  checkRate('throttleRate', faults.throttleRate);
  checkRate('serverErrorRate', faults.serverErrorRate);
  checkRate('malformedRate', faults.malformedRate);
  checkRate('truncatedPageRate', faults.truncatedPageRate);
  checkRate('supplementaryOmittedRate', faults.supplementaryOmittedRate);
  checkRate('deletedSinceListedRate', faults.deletedSinceListedRate);
  checkNonNegative('latencyMs', faults.latencyMs);
  checkNonNegative('throttleRetryAfterSeconds', faults.throttleRetryAfterSeconds);
  if (faults.ratePerSecond !== undefined && !(Number.isFinite(faults.ratePerSecond) && faults.ratePerSecond > 0)) {
    throw new Error(`sandbox faults: ratePerSecond must be a positive number, got ${faults.ratePerSecond}`);
  }
  if (faults.rateBurst !== undefined && !(Number.isFinite(faults.rateBurst) && faults.rateBurst >= 1)) throw new Error(`sandbox faults: rateBurst must be a number of at least 1, got ${faults.rateBurst}`);
  if (faults.rateBurst !== undefined && faults.ratePerSecond === undefined) throw new Error('sandbox faults: rateBurst needs ratePerSecond');
  if (faults.clockSkewSeconds !== undefined && !Number.isFinite(faults.clockSkewSeconds)) throw new Error('sandbox faults: clockSkewSeconds must be a finite number');
  return { ...faults, ...(faults.accessDeniedAccounts ? { accessDeniedAccounts: [...faults.accessDeniedAccounts] } : {}) };
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class FaultInjector {
  private faults: Faults = {};
  private rng: Rng = new Rng(0);
  private buckets = new Map<string, Bucket>();
  private seed = 0;

  constructor(
    faults: Faults,
    private readonly defaultSeed: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    this.set(faults);
  }

  /** Replaces every knob (omitted ones are off) and restarts the fault PRNG and rate buckets. */
  set(faults: Faults): void {
    this.faults = validateFaults(faults);
    this.seed = faults.seed ?? this.defaultSeed;
    this.rng = new Rng(hashParts('kansa-sandbox-faults', this.seed));
    this.buckets = new Map();
  }

  current(): Faults {
    return this.faults;
  }

  latencyMs(): number {
    return this.faults.latencyMs ?? 0;
  }

  /**
   * What happens to one request from `principal` before it reaches the operation. `rateBucket` names
   * the rate limit it counts against (default: the principal's own, as AWS limits per account); `null` when
   * the operation is not under that limit (Resource Graph has its own quota).
   */
  decide(principal: string, rateBucket: string | null = principal): FaultDecision {
    const f = this.faults;
    if (f.accessDeniedAccounts?.includes(principal)) return { kind: 'accessDenied' };
    const retry = f.throttleRetryAfterSeconds !== undefined ? { retryAfterSeconds: f.throttleRetryAfterSeconds } : {};
    if (f.ratePerSecond !== undefined && rateBucket !== null && !this.take(rateBucket, f.ratePerSecond, f.rateBurst ?? Math.max(1, f.ratePerSecond))) return { kind: 'throttle', cause: 'rateLimit', ...retry };
    if (f.throttleRate && this.rng.next() < f.throttleRate) return { kind: 'throttle', cause: 'random', ...retry };
    if (f.serverErrorRate && this.rng.next() < f.serverErrorRate) return { kind: 'serverError', status: this.rng.chance(0.5) ? 500 : 503 };
    return { kind: 'none' };
  }

  /** Whether this successful response is cut off. */
  truncate(): boolean {
    const rate = this.faults.truncatedPageRate;
    return rate !== undefined && rate > 0 && this.rng.next() < rate;
  }

  /** Whether (and how) the item with this stable key is served broken. Same answer on every request. */
  malformed(itemKey: string): MalformedKind | undefined {
    const rate = this.faults.malformedRate;
    if (!rate || unitHash(this.seed, 'malformed', itemKey) >= rate) return undefined;
    return unitHash(this.seed, 'malformed-kind', itemKey) < 0.5 ? 'truncated' : 'notJson';
  }

  /** Whether the Select row of the item with this stable key leaves out its supplementary configuration. */
  supplementaryOmitted(itemKey: string): boolean {
    const rate = this.faults.supplementaryOmittedRate;
    return rate !== undefined && rate > 0 && unitHash(this.seed, 'supplementary-omitted', itemKey) < rate;
  }

  /** Whether the item with this stable key counts as deleted since it was listed: BatchGet answers nothing for it. */
  deletedSinceListed(itemKey: string): boolean {
    const rate = this.faults.deletedSinceListedRate;
    return rate !== undefined && rate > 0 && unitHash(this.seed, 'deleted-since-listed', itemKey) < rate;
  }

  /** The server's clock as responses report it. */
  date(): Date {
    return new Date(Date.now() + (this.faults.clockSkewSeconds ?? 0) * 1000);
  }

  /** Whole seconds until `rateBucket` holds a token again (at least 1): what a Retry-After for its refusal says. */
  secondsUntilToken(rateBucket: string): number {
    const rate = this.faults.ratePerSecond;
    const bucket = this.buckets.get(rateBucket);
    if (rate === undefined || !bucket) return 1;
    const tokens = bucket.tokens + ((this.nowMs() - bucket.updatedMs) / 1000) * rate;
    return Math.max(1, Math.ceil((1 - tokens) / rate));
  }

  private take(principal: string, rate: number, capacity: number): boolean {
    const now = this.nowMs();
    const bucket = this.buckets.get(principal) ?? { tokens: capacity, updatedMs: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedMs) / 1000) * rate);
    bucket.updatedMs = now;
    this.buckets.set(principal, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
