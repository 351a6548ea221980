/** The normalized record every collector yields and every control reads. */
import type { Bilingual } from './text.js';

export type ProviderId = 'aws' | 'azure' | 'gcp';

export const GLOBAL_REGION = 'global';

export interface Resource {
  readonly provider: ProviderId;
  /** AWS account id, Azure subscription id, GCP project id. */
  readonly account: string;
  /** Provider region or `global` for resources that have none. */
  readonly region: string;
  readonly type: string;
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>>;
  /** The provider's configuration document, parsed. */
  readonly configuration: Readonly<Record<string, unknown>>;
  /** Provider-specific side documents (AWS supplementaryConfiguration), each parsed. */
  readonly supplementary: Readonly<Record<string, unknown>>;
  readonly relationships: readonly Relationship[];
  /** When the provider captured this configuration (ISO 8601), if known. */
  readonly capturedAt: string;
  /** Set when the payload could not be normalized: every control over it yields `unknown`. */
  readonly malformed?: string;
  /**
   * Set when the item comes without its side documents (an offline AWS Select export, whose query may name only
   * part of supplementaryConfiguration; a live bucket row without it that BatchGet could not supply):
   * controls that read `supplementary` are `unknown` for it, since an absent document proves nothing.
   */
  readonly withoutSupplementary?: true;
}

export interface Relationship {
  readonly type: string;
  readonly id: string;
  readonly name: string;
}

/**
 * One unit of collection: what was (or was not) collected for an account × region. Coverage travels
 * with the data: `types` is what the source really covers here, `gaps` what the enabled controls wanted
 * here and did not get, each with why. Evaluation turns every gap into `unknown`, never a pass.
 */
export interface CollectionScope {
  readonly provider: ProviderId;
  readonly account: string;
  readonly region: string;
  /** Resource types collected here, or `all` when the source is complete for every type (an AWS Config snapshot). */
  readonly types: readonly string[] | 'all';
  /**
   * Wanted types this scope does not cover: a region left out of the configured list, a type the AWS
   * Config recorder does not record, a type absent from a partial input file, a permission missing.
   */
  readonly gaps?: readonly CoverageGap[];
  /** False when items here lack provider side documents (AWS supplementaryConfiguration in Select results). */
  readonly supplementary?: boolean;
  /** Items here that could not be read at all, not even their type: every control of the provider is unknown here. */
  readonly unreadable?: number;
  readonly outcome: CollectionOutcome;
}

/** Why a scope does not cover some types. */
export interface CoverageGap {
  readonly types: readonly string[];
  readonly reason: Bilingual;
}

export type CollectionOutcome =
  | { readonly status: 'ok'; readonly collectedAt: string }
  | { readonly status: 'failed'; readonly error: string; readonly at: string }
  | { readonly status: 'stale'; readonly lastSuccessAt: string; readonly error: string };

export function scopeCovers(scope: CollectionScope, type: string): boolean {
  return scope.types === 'all' || scope.types.includes(type);
}

/** The gap that leaves `type` out of this scope, if any. */
export function scopeGap(scope: CollectionScope, type: string): CoverageGap | undefined {
  return scope.gaps?.find((gap) => gap.types.includes(type));
}

/**
 * How much of a scope a collection saw: `covered` (every wanted type, readable), `partial` (some types
 * not covered or some items unreadable), `blind` (failed, stale, or nothing wanted covered).
 */
export type CoverageState = 'covered' | 'partial' | 'blind';
export const COVERAGE_STATES: readonly CoverageState[] = ['covered', 'partial', 'blind'];

export function coverageState(scope: CollectionScope): CoverageState {
  if (scope.outcome.status !== 'ok') return 'blind';
  const gaps = scope.gaps ?? [];
  if (gaps.length === 0 && !scope.unreadable) return 'covered';
  return scope.types !== 'all' && scope.types.length === 0 ? 'blind' : 'partial';
}
