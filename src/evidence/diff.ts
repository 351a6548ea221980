/**
 * What changed between two snapshots: requirement and control states, and resources that newly fail
 * or were fixed. Findings are streamed (three passes over the two findings files) so memory follows the
 * number of failing findings, not the size of the estate.
 */
import type { ControlTally, Finding, FindingStatus, RequirementResult, RequirementState } from '../evaluate/assessment.js';
import { readFindings, readStoredAssessment, type OpenedSnapshot } from './read.js';

export interface SnapshotRef {
  readonly name: string;
  readonly sequence: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly manifestSha256: string;
  readonly catalog: { readonly id: string; readonly version: string };
  readonly mappingsDigest: string;
}

export interface RequirementChange {
  readonly id: string;
  readonly category: string;
  readonly from: RequirementState;
  readonly to: RequirementState;
  readonly reason: string;
}

export const CONTROL_STATES = ['pass', 'fail', 'unknown', 'absent'] as const;
export type ControlState = (typeof CONTROL_STATES)[number];

export interface ControlChange {
  readonly id: string;
  readonly from: ControlState;
  readonly to: ControlState;
  readonly failing: { readonly from: number; readonly to: number };
  readonly unknown: { readonly from: number; readonly to: number };
}

export type FindingPresence = FindingStatus | 'absent';

export interface ResourceChange {
  readonly control: string;
  readonly provider: string;
  readonly account: string;
  readonly region: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly before: FindingPresence;
  readonly after: FindingPresence;
  /** Newly failing: why it fails now. */
  readonly reason?: string;
  /** Fixed or no longer failing: why it failed in the earlier snapshot (no longer true of the resource). */
  readonly previousReason?: string;
  /** Fixed or no longer failing: what the later snapshot says of it (why unknown; what a pass observed). */
  readonly currentReason?: string;
}

export interface SnapshotDiff {
  readonly from: SnapshotRef;
  readonly to: SnapshotRef;
  /** The catalog or control files differ: a state change may come from the rules, not the estate. */
  readonly mappingsChanged: boolean;
  readonly requirements: readonly RequirementChange[];
  readonly controls: readonly ControlChange[];
  /** Failing in `to`, not failing (passing, unknown or not seen) in `from`. */
  readonly newlyFailing: readonly ResourceChange[];
  /** Failing in `from`, passing in `to`. */
  readonly fixed: readonly ResourceChange[];
  /** Failing in `from`, unknown or not seen in `to`: neither fixed nor failing as far as the evidence shows. */
  readonly noLongerFailing: readonly ResourceChange[];
}

function ref(snapshot: OpenedSnapshot): SnapshotRef {
  const m = snapshot.manifest;
  return { name: m.name, sequence: m.sequence, startedAt: m.startedAt, finishedAt: m.finishedAt, manifestSha256: snapshot.manifestSha256, catalog: m.catalog, mappingsDigest: m.mappings.digest };
}

/** Requirements whose state differs (the drift the agent reports after each snapshot, too). */
export function requirementChanges(
  before: readonly Pick<RequirementResult, 'id' | 'status'>[],
  after: readonly Pick<RequirementResult, 'id' | 'status' | 'category' | 'reason'>[],
): RequirementChange[] {
  const previous = new Map(before.map((r) => [r.id, r.status]));
  const changes: RequirementChange[] = [];
  for (const r of after) {
    const from = previous.get(r.id);
    if (from !== undefined && from !== r.status) changes.push({ id: r.id, category: r.category, from, to: r.status, reason: r.reason });
  }
  return changes;
}

function controlStates(tallies: readonly ControlTally[]): Map<string, { state: ControlState; failing: number; unknown: number }> {
  const sums = new Map<string, { checked: number; failing: number; unknown: number }>();
  for (const t of tallies) {
    const sum = sums.get(t.control) ?? { checked: 0, failing: 0, unknown: 0 };
    sum.checked += t.checked;
    sum.failing += t.failing;
    sum.unknown += t.unknown;
    sums.set(t.control, sum);
  }
  const states = new Map<string, { state: ControlState; failing: number; unknown: number }>();
  for (const [id, s] of sums) states.set(id, { state: s.failing > 0 ? 'fail' : s.unknown > 0 ? 'unknown' : 'pass', failing: s.failing, unknown: s.unknown });
  return states;
}

const keyOf = (f: Finding): string => [f.control, f.account, f.region, f.resourceType, f.resourceId].join('\u0000');

function change(f: Finding, before: FindingPresence, after: FindingPresence, reasons: { readonly [K in 'reason' | 'previousReason' | 'currentReason']?: string | undefined }): ResourceChange {
  const base = { control: f.control, provider: f.provider, account: f.account, region: f.region, resourceType: f.resourceType, resourceId: f.resourceId, before, after };
  const defined = Object.entries(reasons).filter(([, v]) => v !== undefined);
  return defined.length === 0 ? base : { ...base, ...Object.fromEntries(defined) };
}

function compareChanges(a: ResourceChange, b: ResourceChange): number {
  for (const k of ['control', 'account', 'region', 'resourceType', 'resourceId'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return 0;
}

export async function diffSnapshots(a: OpenedSnapshot, b: OpenedSnapshot): Promise<SnapshotDiff> {
  const [before, after] = [await readStoredAssessment(a), await readStoredAssessment(b)];
  const requirements = requirementChanges(before.requirements, after.requirements);

  const controlsBefore = controlStates(before.tallies);
  const controlsAfter = controlStates(after.tallies);
  const controls: ControlChange[] = [];
  for (const id of [...new Set([...controlsBefore.keys(), ...controlsAfter.keys()])].sort()) {
    const x = controlsBefore.get(id) ?? { state: 'absent' as const, failing: 0, unknown: 0 };
    const y = controlsAfter.get(id) ?? { state: 'absent' as const, failing: 0, unknown: 0 };
    if (x.state !== y.state) controls.push({ id, from: x.state, to: y.state, failing: { from: x.failing, to: y.failing }, unknown: { from: x.unknown, to: y.unknown } });
  }

  // Pass 1: what failed before. Pass 2: where those are now, and what fails now that did not. Pass 3: how the new failures looked before.
  const failedBefore = new Map<string, Finding>();
  for await (const f of readFindings(a)) if (f.status === 'fail') failedBefore.set(keyOf(f), f);
  const afterOfFailed = new Map<string, { status: FindingPresence; reason?: string }>();
  const newFailures = new Map<string, Finding>();
  for await (const f of readFindings(b)) {
    const key = keyOf(f);
    if (failedBefore.has(key)) afterOfFailed.set(key, f.reason === undefined ? { status: f.status } : { status: f.status, reason: f.reason });
    else if (f.status === 'fail') newFailures.set(key, f);
  }
  const beforeOfNew = new Map<string, FindingPresence>();
  if (newFailures.size > 0) for await (const f of readFindings(a)) if (newFailures.has(keyOf(f))) beforeOfNew.set(keyOf(f), f.status);

  const newlyFailing = [...newFailures].map(([key, f]) => change(f, beforeOfNew.get(key) ?? 'absent', 'fail', { reason: f.reason }));
  const fixed: ResourceChange[] = [];
  const noLongerFailing: ResourceChange[] = [];
  for (const [key, f] of failedBefore) {
    const now = afterOfFailed.get(key) ?? { status: 'absent' as const };
    // The old reason is kept as what it is (the earlier failure), never as the resource's current state.
    const reasons = { previousReason: f.reason, currentReason: now.reason };
    if (now.status === 'pass') fixed.push(change(f, 'fail', 'pass', reasons));
    else if (now.status !== 'fail') noLongerFailing.push(change(f, 'fail', now.status, reasons));
  }
  return {
    from: ref(a),
    to: ref(b),
    mappingsChanged: a.manifest.mappings.digest !== b.manifest.mappings.digest,
    requirements,
    controls,
    newlyFailing: newlyFailing.sort(compareChanges),
    fixed: fixed.sort(compareChanges),
    noLongerFailing: noLongerFailing.sort(compareChanges),
  };
}

export function renderDiffText(diff: SnapshotDiff): string {
  const lines: string[] = [];
  const at = (r: SnapshotRef): string => `${r.name} (seq ${r.sequence}, ${r.startedAt} – ${r.finishedAt})`;
  lines.push(`from ${at(diff.from)}`, `to   ${at(diff.to)}`);
  const span = `between ${diff.from.finishedAt} and ${diff.to.finishedAt}`;
  if (diff.from.catalog.id !== diff.to.catalog.id || diff.from.catalog.version !== diff.to.catalog.version) {
    lines.push(`note: catalogs differ (${diff.from.catalog.id} ${diff.from.catalog.version} → ${diff.to.catalog.id} ${diff.to.catalog.version})`);
  }
  if (diff.mappingsChanged) lines.push('note: the catalog or control files changed between the snapshots (mappings digest differs)');
  lines.push('', `requirements changed ${span}: ${diff.requirements.length}`);
  for (const r of diff.requirements) lines.push(`  ${r.id.padEnd(6)} ${r.from} → ${r.to}  ${r.reason}`);
  lines.push('', `controls changed: ${diff.controls.length}`);
  for (const c of diff.controls) lines.push(`  ${c.id}  ${c.from} → ${c.to}  (failing ${c.failing.from} → ${c.failing.to}, unknown ${c.unknown.from} → ${c.unknown.to})`);
  const where = (r: ResourceChange): string => `  ${r.control}  ${r.provider}/${r.account}/${r.region || '-'}  ${r.resourceType} ${r.resourceId}  (${r.before} → ${r.after})`;
  const failing = (r: ResourceChange): string => `${where(r)}${r.reason ? `: ${r.reason}` : ''}`;
  // Fixed and no-longer-failing resources: the earlier failure is named as earlier, then what is true now.
  const now: Record<FindingPresence, string> = { pass: 'now passing', fail: 'still failing', unknown: 'now unknown', waived: 'now waived', absent: 'not seen in the later snapshot' };
  const resolved = (r: ResourceChange): string =>
    `${where(r)}: ${r.previousReason ? `previously failing (${r.previousReason}); ` : 'previously failing; '}${now[r.after]}${r.currentReason ? ` (${r.currentReason})` : ''}`;
  lines.push('', `resources newly failing: ${diff.newlyFailing.length}`, ...diff.newlyFailing.map(failing));
  lines.push('', `resources fixed (failing before, passing now): ${diff.fixed.length}`, ...diff.fixed.map(resolved));
  lines.push('', `resources no longer failing but not passing (unknown or not seen): ${diff.noLongerFailing.length}`, ...diff.noLongerFailing.map(resolved));
  return `${lines.join('\n')}\n`;
}
