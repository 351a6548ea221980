/** The normalized record every collector yields and every control reads. */

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
}

export interface Relationship {
  readonly type: string;
  readonly id: string;
  readonly name: string;
}

/** One unit of collection: what was (or was not) collected for an account × region. */
export interface CollectionScope {
  readonly provider: ProviderId;
  readonly account: string;
  readonly region: string;
  /** Resource types collected here, or `all` when the source is complete for every type (an AWS Config snapshot). */
  readonly types: readonly string[] | 'all';
  readonly outcome: CollectionOutcome;
}

export type CollectionOutcome =
  | { readonly status: 'ok'; readonly collectedAt: string }
  | { readonly status: 'failed'; readonly error: string; readonly at: string }
  | { readonly status: 'stale'; readonly lastSuccessAt: string; readonly error: string };

export function scopeCovers(scope: CollectionScope, type: string): boolean {
  return scope.types === 'all' || scope.types.includes(type);
}
