/** The Assessment: what every output (CLI, metrics, evidence, reports) reads. */
import type { AutomationClass, Severity } from '../mappings/schemas.js';
import type { Attestation } from '../mappings/attestations.js';
import type { CollectionScope, ProviderId } from '../model/resource.js';
import type { Bilingual } from '../model/text.js';

/** `waived`: a failure an unexpired exception accepts (justification, approver, expiry); never counted as a fail. */
export const FINDING_STATUSES = ['pass', 'fail', 'unknown', 'waived'] as const;
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
  /** Why (English; kept under this name for the JSON contract) and `reason_ja`, the same in Japanese. */
  readonly reason?: string;
  readonly reason_ja?: string;
  /**
   * For a passing finding of a control with `variables:`: the values they took for this resource
   * (`name=value; …`, language-neutral data), so a reviewer can check what made it pass. Only one-shot
   * outputs that keep every finding (scan, evaluate) record it; the running agent keeps no findings.
   */
  readonly observed?: string;
  readonly severity: Severity;
  /** For a `waived` finding: the id of the exception that waived it (see Assessment.exceptions). */
  readonly exception?: string | undefined;
}

/** Per control × account counters: what metrics expose (bounded by controls × accounts, not resources). */
export interface ControlTally {
  readonly control: string;
  readonly provider: ProviderId;
  readonly account: string;
  checked: number;
  failing: number;
  unknown: number;
  waived: number;
}

/** One loaded exception and what it did in this assessment. */
export interface ExceptionResult {
  readonly id: string;
  readonly control: string;
  readonly expires: string;
  /** `expired`: past its expiry day; it waives nothing and should be renewed or removed. */
  readonly state: 'active' | 'expired';
  readonly justification: Bilingual;
  readonly approvedBy: string;
  readonly reference?: string | undefined;
  /** Findings its match selected (any status) and failing findings it waived. */
  readonly matched: number;
  readonly waived: number;
}

export interface RequirementResult {
  readonly id: string;
  readonly category: string;
  readonly automation: AutomationClass;
  readonly status: RequirementState;
  readonly controls: readonly string[];
  /** English; `reason_ja` says the same in Japanese. */
  readonly reason: string;
  readonly reason_ja: string;
  /** The numbers behind the state (absent in files written before coverage truth). */
  readonly counts?: RequirementCounts;
  readonly attestation?: Attestation & { readonly state: 'valid' | 'expired' | 'future' };
}

/**
 * Findings of the requirement's controls (scope-level ones included) and the scopes (provider × account ×
 * region) where all of its controls' types were covered, or where at least one was not.
 */
export interface RequirementCounts {
  readonly checked: number;
  readonly failing: number;
  readonly unknown: number;
  readonly waived: number;
  readonly scopesCovered: number;
  readonly scopesNotCovered: number;
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
  readonly exceptions: readonly ExceptionResult[];
}
