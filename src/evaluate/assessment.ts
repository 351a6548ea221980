/** The Assessment: what every output (CLI, metrics, evidence, reports) reads. */
import type { AutomationClass, Severity } from '../mappings/schemas.js';
import type { Attestation } from '../mappings/attestations.js';
import type { CollectionScope, ProviderId } from '../model/resource.js';

export const FINDING_STATUSES = ['pass', 'fail', 'unknown'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

export const REQUIREMENT_STATES = ['compliant', 'noncompliant', 'unknown', 'not_assessed'] as const;
export type RequirementState = (typeof REQUIREMENT_STATES)[number];

export interface Finding {
  readonly control: string;
  /** Requirement ids of the assessed catalog that this control evidences. */
  readonly requirements: readonly string[];
  readonly provider: ProviderId;
  readonly account: string;
  readonly region: string;
  readonly resourceType: string;
  /** The resource, or for scope-level results (an `exists` control, a failed collection) the scope. */
  readonly resourceId: string;
  readonly scope: 'resource' | 'account' | 'region';
  readonly status: FindingStatus;
  readonly reason?: string;
  readonly severity: Severity;
}

/** Per control × account counters: what metrics expose (bounded by controls × accounts, not resources). */
export interface ControlTally {
  readonly control: string;
  readonly provider: ProviderId;
  readonly account: string;
  checked: number;
  failing: number;
  unknown: number;
}

export interface RequirementResult {
  readonly id: string;
  readonly category: string;
  readonly automation: AutomationClass;
  readonly status: RequirementState;
  readonly controls: readonly string[];
  readonly reason: string;
  readonly attestation?: Attestation & { readonly state: 'valid' | 'expired' | 'future' };
}

export interface Assessment {
  readonly catalog: { readonly id: string; readonly version: string };
  readonly generatedAt: string;
  readonly summary: Readonly<Record<RequirementState, number>>;
  readonly requirements: readonly RequirementResult[];
  /** Failing and unknown findings always; passing ones when the evaluation keeps them. */
  readonly findings: readonly Finding[];
  readonly tallies: readonly ControlTally[];
  readonly coverage: readonly CollectionScope[];
}
