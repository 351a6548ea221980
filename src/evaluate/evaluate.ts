/**
 * Pure evaluation: (resources, coverage, controls, catalog, attestations, now) → Assessment. No I/O.
 *
 * Resources can be fed one at a time (`Evaluation.add`), so collectors stream pages straight in and
 * the raw estate is never held whole; controls that read other resources (`context`) are the
 * exception: their resources are buffered until `finish`.
 */
import type { Program } from '../cel/cel.js';
import { attestationFor, type Attestation } from '../mappings/attestations.js';
import type { Catalog, Requirement } from '../mappings/catalog.js';
import { requirementsOfControl, type Control, type ControlExpression } from '../mappings/controls.js';
import { ExceptionMatcher, exceptionActive, type ControlException } from '../mappings/exceptions.js';
import { GLOBAL_REGION, type CollectionScope, type Resource } from '../model/resource.js';
import type { Bilingual } from '../model/text.js';
import type { Assessment, ControlTally, ExceptionResult, Finding, FindingStatus, RequirementCounts, RequirementResult, RequirementState } from './assessment.js';
import { ContextItemCounts, CoverageIndex, scopeKey } from './coverage.js';
import { evaluateIn, frameFor, type VariableFrame } from './frame.js';
import { contextProjection, entrySupplementaryRead, sharedProjections } from './projection.js';
import { findingText, requirementText } from './messages.js';

/**
 * Which findings a result holds: every one (reports of a one-shot scan), failing and unknown ones (an
 * evidence snapshot's assessment.json), or none (the running agent: metrics read only tallies, and a
 * large estate's failing findings would be most of its heap).
 */
export type KeptFindings = 'all' | 'failing' | 'none';

export interface EvaluationOptions {
  readonly keptFindings: KeptFindings;
  /** Receives every finding, passing ones included, as it is made (evidence writers stream them). */
  readonly onFinding?: (finding: Finding) => void;
  /** Exceptions (waivers) and the time that decides which have expired. */
  readonly exceptions?: { readonly list: readonly ControlException[]; readonly now: Date };
  /**
   * Passing findings record what they observed (the control's variables): default only when every
   * finding is kept (one-shot scan and evaluate); evidence snapshots ask for it too, for their reports.
   */
  readonly observePassing?: boolean;
}

export interface ControlOutcome {
  pass: number;
  fail: number;
  unknown: number;
  waived: number;
  /** Scopes (provider|account|region) where the control's types were fully covered, and where not. */
  readonly covered: Set<string>;
  readonly notCovered: Set<string>;
}

const noOutcome = (): ControlOutcome => ({ pass: 0, fail: 0, unknown: 0, waived: 0, covered: new Set(), notCovered: new Set() });

interface ExistsAccumulator {
  readonly account: string;
  readonly region: string;
  satisfiedBy?: Resource;
  candidates: number;
  unknownReasons: Bilingual[];
  failReasons: Bilingual[];
}

const MAX_REASONS_KEPT = 3;

export class Evaluation {
  /** Whether passing findings say what they observed (EvaluationOptions.observePassing). */
  private readonly observePassing: boolean;
  private readonly immediateByType = new Map<string, Control[]>();
  private readonly deferredByType = new Map<string, Control[]>();
  /** control id → context name → key → resources */
  private readonly contextIndexes = new Map<string, Map<string, Map<unknown, Resource[]>>>();
  private readonly contextByType = new Map<string, { control: Control; name: string; key: Program }[]>();
  /** What a context entry of each type keeps (see contextProjection): one view per resource, shared by the controls. */
  private readonly contextViews = new Map<string, (resource: Resource) => Resource>();
  private readonly deferred = new Map<string, Waiting[]>();
  private readonly plans = new Map<string, DeferralPlan>();
  private readonly findings: Finding[] = [];
  private readonly tallies = new Map<string, ControlTally>();
  private readonly outcomes = new Map<string, ControlOutcome>();
  private readonly existsState = new Map<string, Map<string, ExistsAccumulator>>();
  private readonly requirementRefs = new Map<string, readonly string[]>();
  private readonly exceptions: ExceptionMatcher | undefined;
  /** Reads of not-yet-complete context indexes (see defer). */
  private pendingReads = 0;
  private readonly pendingContextsByControl = new Map<string, Record<string, unknown>>();
  private readonly malformedContext = new ContextItemCounts();
  private readonly contextWithoutSupplementary = new ContextItemCounts();
  /** Controls whose CEL reads a context entry's side documents: unknown where entries of the account lack them. */
  private readonly readEntrySupplementary = new Set<string>();
  /** Controls whose CEL reads `supplementary`: unknown for resources whose source omits it. */
  private readonly readsSupplementary = new Set<string>();

  constructor(
    private readonly controls: readonly Control[],
    private readonly catalog: Catalog,
    private readonly options: EvaluationOptions,
  ) {
    this.observePassing = options.observePassing ?? options.keptFindings === 'all';
    const projections = sharedProjections();
    for (const control of controls) {
      const target = control.context.length > 0 ? this.deferredByType : this.immediateByType;
      for (const type of control.resourceTypes) push(target, type, control);
      this.outcomes.set(control.id, noOutcome());
      if (control.kind === 'exists') this.existsState.set(control.id, new Map());
      if (control.context.length > 0) {
        this.deferred.set(control.id, []);
        this.plans.set(control.id, deferralPlan(control, projections));
        const indexes = new Map<string, Map<unknown, Resource[]>>();
        for (const spec of control.context) {
          indexes.set(spec.name, new Map());
          push(this.contextByType, spec.type, { control, name: spec.name, key: spec.key });
        }
        this.contextIndexes.set(control.id, indexes);
      }
      this.requirementRefs.set(control.id, requirementsOfControl(control, catalog));
      if (readsSupplementary(control)) this.readsSupplementary.add(control.id);
      if (control.context.length > 0 && entrySupplementaryRead(controlSources(control))) this.readEntrySupplementary.add(control.id);
    }
    for (const type of this.contextByType.keys()) {
      const readers = controls.filter((c) => c.context.some((x) => x.type === type));
      this.contextViews.set(type, contextProjection(readers.flatMap(controlSources)) ?? WHOLE);
    }
    const matcher = options.exceptions ? new ExceptionMatcher(options.exceptions.list, options.exceptions.now) : undefined;
    this.exceptions = matcher && !matcher.empty ? matcher : undefined;
  }

  /** Resource types any control reads: what collectors should fetch. */
  static typesNeeded(controls: readonly Control[]): Set<string> {
    const types = new Set<string>();
    for (const c of controls) {
      for (const t of c.resourceTypes) types.add(t);
      for (const x of c.context) types.add(x.type);
    }
    return types;
  }

  add(resource: Resource): void {
    const contextEntries = this.contextByType.get(resource.type);
    if (contextEntries) {
      // A malformed context item has no key: whoever looks it up finds nothing, which proves nothing.
      if (resource.malformed !== undefined) this.malformedContext.add(resource);
      else if (resource.withoutSupplementary) this.contextWithoutSupplementary.add(resource);
      const view = this.contextViews.get(resource.type)!(resource);
      for (const entry of contextEntries) {
        const key = resource.malformed ? undefined : entry.key.evaluate({ r: resource });
        // A null key leaves the resource out of the index: most resources of a context type are never looked up.
        if (key?.ok && key.value !== null) addToIndex(this.contextIndexes.get(entry.control.id)!.get(entry.name)!, key.value, view);
      }
    }
    const deferred = this.deferredByType.get(resource.type);
    if (deferred) {
      // Controls that keep the same fields of this resource keep one record (see sharedProjections).
      const kept = deferred.length > 1 ? new Map<Projection, Resource>() : undefined;
      const keep: Keep = (projection) => {
        if (!kept) return projection(resource);
        let view = kept.get(projection);
        if (!view) kept.set(projection, (view = projection(resource)));
        return view;
      };
      for (const control of deferred) this.defer(control, resource, keep);
    }
    const immediate = this.immediateByType.get(resource.type);
    if (immediate) {
      const bindings = { resource };
      for (const control of immediate) this.check(control, resource, bindings);
    }
  }

  /** Side documents this resource's source omitted, when the control reads them: unknown, never a guess. */
  private omitsWhatControlReads(control: Control, resource: Resource): Verdict | undefined {
    return resource.withoutSupplementary && this.readsSupplementary.has(control.id) ? { status: 'unknown', reason: findingText.supplementaryOmitted(resource.type) } : undefined;
  }

  /**
   * Remembers a resource for a context-reading control until the contexts are complete. Whatever can
   * be decided without context is decided now, so large estates keep only slim records (see DeferralPlan).
   */
  private defer(control: Control, resource: Resource, keep: Keep): void {
    const plan = this.plans.get(control.id)!;
    const list = this.deferred.get(control.id)!;
    if (resource.malformed !== undefined) {
      this.apply(control, resource, { status: 'unknown', reason: findingText.malformed(resource.type, resource.malformed) });
      return;
    }
    const omitted = this.omitsWhatControlReads(control, resource);
    if (omitted) {
      this.apply(control, resource, omitted);
      return;
    }
    const bindings = { resource };
    const frame = frameFor(control, bindings);
    if (plan.whereWithoutContext) {
      const applies = evaluateIn(frame, control.where!, bindings);
      if (applies.ok && applies.value !== true) return; // not applicable: nothing to remember
    }
    if (plan.verdictWithoutContext) {
      list.push({ resource: keep(plan.keepForWhere), verdict: judgeExpression(control, frame, bindings, this.observePassing) });
      return;
    }
    // The expression reads context, yet often decides without it (`!enabled || …context…`). Judged now with
    // contexts that raise when read: an answer that read none is final, and so is a pass or a "not
    // applicable" that CEL reached by absorbing the raised error (true || error is true whatever the
    // context holds). Only the rest waits for the complete contexts.
    const before = this.pendingReads;
    const verdict = judge(control, resource, { resource, ...this.pendingContexts(control) }, this.observePassing);
    if (this.pendingReads === before || verdict === undefined || verdict.status === 'pass') {
      if (verdict) this.apply(control, resource, verdict);
      return;
    }
    list.push(keep(plan.keepForAll));
  }

  /**
   * Judges with the `untrusted` contexts replaced by stand-ins that raise when read: the verdict (or "not
   * applicable") when none was read, or when the answer is a pass CEL reached by absorbing the raised read;
   * otherwise undefined (the verdict depends on what cannot be trusted).
   */
  private judgeWithout(control: Control, resource: Resource, bindings: Record<string, unknown>, untrusted: ReadonlySet<string>): { verdict: Verdict | undefined } | undefined {
    if (this.omitsWhatControlReads(control, resource)) return undefined;
    const pending = this.pendingContexts(control);
    const trapped = { ...bindings };
    for (const name of untrusted) trapped[name] = pending[name];
    const before = this.pendingReads;
    const verdict = judge(control, resource, trapped, this.observePassing);
    return this.pendingReads === before || verdict?.status === 'pass' ? { verdict } : undefined;
  }

  /** Stand-ins for a control's context indexes before they are complete: any read counts and raises. */
  private pendingContexts(control: Control): Record<string, unknown> {
    let contexts = this.pendingContextsByControl.get(control.id);
    if (!contexts) {
      const trap = (): never => {
        this.pendingReads++;
        throw new ContextPendingError();
      };
      const handler: ProxyHandler<object> = { get: trap, has: trap, getOwnPropertyDescriptor: trap, ownKeys: trap, getPrototypeOf: trap };
      contexts = Object.fromEntries(control.context.map((c) => [c.name, new Proxy({}, handler)]));
      this.pendingContextsByControl.set(control.id, contexts);
    }
    return contexts;
  }

  private checkDeferred(control: Control, waiting: Waiting, bindings: Record<string, unknown>, coverage: CoverageIndex): void {
    const resource = resourceOf(waiting);
    const verdict = isDecided(waiting) ? waiting.verdict : undefined;
    const whereReadsContext = control.where !== undefined && !this.plans.get(control.id)!.whereWithoutContext;
    if (!verdict || whereReadsContext) {
      // What is decided now reads the contexts: if they may lack what it looks up, no verdict is earned.
      const problem = coverage.contextProblem(control, resource);
      if (problem) {
        // A judgement that never reads the untrusted contexts does not depend on them (security defaults on
        // decide admin MFA without Conditional Access): it stands, as does a pass CEL reached by absorbing the read.
        const untrusted = verdict ? 'all' : coverage.untrustedContexts(control, resource);
        const independent = untrusted === 'all' ? undefined : this.judgeWithout(control, resource, bindings, untrusted);
        if (independent) {
          if (independent.verdict) this.apply(control, resource, independent.verdict);
          return;
        }
        this.apply(control, resource, { status: 'unknown', reason: problem });
        return;
      }
    }
    if (!verdict) {
      this.check(control, resource, bindings);
      return;
    }
    if (whereReadsContext) {
      const applies = evaluateIn(frameFor(control, bindings), control.where, bindings);
      if (!applies.ok) {
        this.apply(control, resource, { status: 'unknown', reason: applies.undecidable ? findingText.undecidable(applies.undecidable) : findingText.cannotDecideApplicability(applies.error) });
        return;
      }
      if (applies.value !== true) return;
    }
    this.apply(control, resource, verdict);
  }

  /**
   * Evaluates the buffered resources of context-reading controls in slices, calling `pause` between
   * slices, so a long-running agent keeps answering scrapes. `partial` does whatever is left at once.
   */
  async drainDeferred(coverage: readonly CollectionScope[], pause: () => Promise<void>, sliceSize = 100): Promise<void> {
    const index = this.coverageIndex(coverage);
    for (const control of this.controls) {
      const resources = this.deferred.get(control.id);
      if (!resources || resources.length === 0) continue;
      const bindings: Record<string, unknown> = Object.fromEntries(this.contextIndexes.get(control.id)!);
      for (let start = 0; start < resources.length; start += sliceSize) {
        for (const entry of resources.slice(start, start + sliceSize)) this.checkDeferred(control, entry, { ...bindings, resource: resourceOf(entry) }, index);
        await pause();
      }
      resources.length = 0;
    }
  }

  /** Closes this evaluation: the result of one collection run, ready to be combined by `assess`. */
  partial(coverage: readonly CollectionScope[]): PartialResult {
    const index = this.coverageIndex(coverage);
    for (const control of this.controls) {
      const resources = this.deferred.get(control.id);
      if (!resources) continue;
      const bindings: Record<string, unknown> = Object.fromEntries(this.contextIndexes.get(control.id)!);
      for (const entry of resources) this.checkDeferred(control, entry, { ...bindings, resource: resourceOf(entry) }, index);
      resources.length = 0;
    }
    for (const control of this.controls) {
      if (control.kind === 'exists') this.finishExists(control, index);
      else this.finishEach(control, index);
    }
    // Tallies in a fixed order: collectors deliver concurrently, so the order of first sight differs from run to run.
    const tallies = [...this.tallies.values()].sort((a, b) => compareText(a.control, b.control) || compareText(a.provider, b.provider) || compareText(a.account, b.account));
    return { findings: this.findings, tallies, outcomes: this.outcomes, coverage, exceptionCounts: this.exceptions?.counts ?? new Map() };
  }

  finish(coverage: readonly CollectionScope[], attestations: readonly Attestation[], now: Date): Assessment {
    return assess([{ result: this.partial(coverage) }], this.controls, this.catalog, attestations, now, this.options.exceptions?.list ?? []);
  }

  private coverageIndex(coverage: readonly CollectionScope[]): CoverageIndex {
    return new CoverageIndex(coverage, this.malformedContext, this.contextWithoutSupplementary, this.readEntrySupplementary);
  }

  private check(control: Control, resource: Resource, bindings: Record<string, unknown>): void {
    const verdict = this.omitsWhatControlReads(control, resource) ?? judge(control, resource, bindings, this.observePassing);
    if (verdict === undefined) return; // not applicable (`where` is false)
    this.apply(control, resource, verdict);
  }

  private apply(control: Control, resource: Resource, verdict: Verdict): void {
    if (control.kind === 'exists') {
      this.accumulateExists(control, resource, verdict);
      return;
    }
    const waiver = this.waiver(control, resource.account, resource.region, resource.id, resource.tags, verdict.status, resource.arn);
    this.tally(control, resource.account, waiver ? 'waived' : verdict.status);
    this.record(control, {
      account: resource.account,
      region: resource.region,
      resourceType: resource.type,
      resourceId: resource.id,
      scope: 'resource',
      ...verdict,
      ...(waiver ? { status: 'waived' as const, exception: waiver.id } : {}),
    });
  }

  /** The exception that waives this finding, if it fails and an active one matches (every match is counted). */
  private waiver(
    control: Control,
    account: string,
    region: string,
    resourceId: string,
    tags: Readonly<Record<string, string>>,
    status: FindingStatus,
    arn?: string,
  ): ControlException | undefined {
    if (!this.exceptions) return undefined;
    return this.exceptions.match({ control: control.id, provider: control.provider, account, region, resourceId, tags, ...(arn ? { arn } : {}) }, status === 'fail');
  }

  private accumulateExists(control: Control, resource: Resource, verdict: Verdict): void {
    // Global resources (IAM) carry the pseudo-region "global": they belong to no region to satisfy.
    if (control.scope === 'region' && resource.region === GLOBAL_REGION) return;
    const key = control.scope === 'region' ? `${resource.account}|${resource.region}` : resource.account;
    const scopes = this.existsState.get(control.id)!;
    let acc = scopes.get(key);
    if (!acc) {
      acc = { account: resource.account, region: control.scope === 'region' ? resource.region : '', candidates: 0, unknownReasons: [], failReasons: [] };
      scopes.set(key, acc);
    }
    acc.candidates++;
    if (verdict.status === 'pass') acc.satisfiedBy ??= resource;
    const reasons = verdict.status === 'unknown' ? acc.unknownReasons : acc.failReasons;
    if (verdict.status !== 'pass' && reasons.length < MAX_REASONS_KEPT) reasons.push(findingText.ofResource(resource.id, verdict.reason ?? { ja: '', en: '' }));
  }

  private finishExists(control: Control, coverage: CoverageIndex): void {
    const scopes = this.existsState.get(control.id)!;
    const outcome = this.outcomes.get(control.id)!;
    // Every collected scope is a place where the resource must exist, found or not.
    const targets = new Map<string, { account: string; region: string; problems: Bilingual[]; collected: boolean }>();
    for (const scope of coverage.relevantScopes(control)) {
      const scopeId = scopeKey(scope.provider, scope.account, scope.region);
      const problem = scope.outcome.status === 'ok' ? coverage.scopeProblem(control, scope) : describeOutcome(scope);
      // The pseudo-region `global` is no region to satisfy, but an account-wide failure there (identity,
      // region discovery) hides every region: it must say so rather than leave the control silent.
      if (control.scope === 'region' && scope.region === GLOBAL_REGION && !problem) continue;
      const key = control.scope === 'region' ? `${scope.account}|${scope.region}` : scope.account;
      let target = targets.get(key);
      if (!target) {
        target = { account: scope.account, region: control.scope === 'region' ? scope.region : '', problems: [], collected: false };
        targets.set(key, target);
      }
      if (scope.outcome.status === 'ok') target.collected = true;
      if (problem) target.problems.push(findingText.collectionIncomplete(scope.region, problem));
      (problem ? outcome.notCovered : outcome.covered).add(scopeId);
    }
    for (const [key, acc] of scopes) {
      if (!targets.has(key)) targets.set(key, { account: acc.account, region: acc.region, problems: [], collected: true });
    }
    const type = control.resourceTypes.join(',');
    for (const [key, target] of targets) {
      const acc = scopes.get(key);
      const base = {
        account: target.account,
        region: target.region,
        resourceType: type,
        scope: control.scope === 'region' ? ('region' as const) : ('account' as const),
      };
      let status: FindingStatus;
      let reason: Bilingual;
      let resourceId = control.scope === 'region' ? `${target.account}/${target.region}` : target.account;
      if (acc?.satisfiedBy) {
        status = 'pass';
        resourceId = acc.satisfiedBy.id;
        reason = findingText.satisfiedBy(acc.satisfiedBy.arn || acc.satisfiedBy.id);
      } else if (target.problems.length > 0 || (acc && acc.unknownReasons.length > 0) || !target.collected) {
        status = 'unknown';
        reason = findingText.join([...target.problems, ...(acc?.unknownReasons ?? []), ...(target.collected ? [] : [findingText.notCollected])]);
      } else {
        status = 'fail';
        reason = acc && acc.candidates > 0
          ? findingText.noneQualifies(acc.candidates, type, findingText.join(acc.failReasons))
          : findingText.noneInScope(type, control.scope === 'region' ? 'region' : 'account');
      }
      const tags = acc?.satisfiedBy?.tags ?? {};
      const waiver = this.waiver(control, target.account, target.region, resourceId, tags, status);
      this.tally(control, target.account, waiver ? 'waived' : status);
      this.record(control, { ...base, resourceId, status, reason, ...(waiver ? { status: 'waived' as const, exception: waiver.id } : {}) });
    }
  }

  /**
   * Failed or stale collection, types not covered and unreadable items make the scope's answer
   * incomplete: say so rather than pass. A scope where nothing was found is not a pass either: the
   * requirement decides what "nothing in scope" means (see requirementResult).
   */
  private finishEach(control: Control, coverage: CoverageIndex): void {
    const outcome = this.outcomes.get(control.id)!;
    for (const scope of coverage.relevantScopes(control)) {
      this.tally(control, scope.account, undefined);
      const problem = scope.outcome.status === 'ok' ? coverage.scopeProblem(control, scope) : describeOutcome(scope);
      const key = scopeKey(scope.provider, scope.account, scope.region);
      if (!problem) {
        outcome.covered.add(key);
        continue;
      }
      outcome.notCovered.add(key);
      this.tally(control, scope.account, 'unknown');
      this.record(control, {
        account: scope.account,
        region: scope.region,
        resourceType: control.resourceTypes.join(','),
        resourceId: `${scope.account}/${scope.region}`,
        scope: 'region',
        status: 'unknown',
        reason: problem,
      });
    }
  }

  private tally(control: Control, account: string, status: FindingStatus | undefined): void {
    const key = `${control.id}|${account}`;
    let tally = this.tallies.get(key);
    if (!tally) {
      tally = { control: control.id, provider: control.provider, account, checked: 0, failing: 0, unknown: 0, waived: 0 };
      this.tallies.set(key, tally);
    }
    if (status === undefined) return;
    tally.checked++;
    if (status === 'fail') tally.failing++;
    else if (status === 'unknown') tally.unknown++;
    else if (status === 'waived') tally.waived++;
  }

  private record(control: Control, partial: Omit<Finding, 'control' | 'provider' | 'severity' | 'requirements' | 'reason' | 'reason_ja'> & { reason?: Bilingual }): void {
    this.outcomes.get(control.id)![partial.status]++;
    const kept = this.options.keptFindings;
    const keep = kept === 'all' || (kept === 'failing' && partial.status !== 'pass');
    if (!keep && !this.options.onFinding) return;
    const { reason, ...rest } = partial;
    const finding: Finding = {
      control: control.id,
      requirements: this.requirementRefs.get(control.id)!,
      provider: control.provider,
      severity: control.severity,
      ...rest,
      ...(reason === undefined ? {} : { reason: reason.en, reason_ja: reason.ja }),
    };
    this.options.onFinding?.(finding);
    if (keep) this.findings.push(finding);
  }
}

function requirementResult(
  requirement: Requirement,
  catalog: Catalog,
  controlIds: readonly string[],
  outcomes: ReadonlyMap<string, ControlOutcome>,
  attestations: readonly Attestation[],
  now: Date,
): RequirementResult {
  const controls = controlIds;
  const none = noOutcome();
  const outcomesOf = controls.map((id) => outcomes.get(id) ?? none);
  const base = { id: requirement.id, category: requirement.category.id, automation: requirement.automation, controls };
  const attestation = attestationFor(attestations, catalog.id, requirement.id, now);
  const attestationField = attestation.state === 'missing' ? {} : { attestation: { ...attestation.attestation, state: attestation.state } };
  const failing = controls.filter((_, i) => outcomesOf[i]!.fail > 0);
  const unknown = controls.filter((_, i) => outcomesOf[i]!.unknown > 0);
  const withData = outcomesOf.filter((o) => o.pass + o.fail + o.unknown + o.waived > 0).length;
  const counts = requirementCounts(outcomesOf);
  const waived = counts.waived;
  const attestationProblem = (): Bilingual =>
    attestation.state === 'missing'
      ? requirementText.noAttestation
      : attestation.state === 'expired'
        ? requirementText.attestationExpired(attestation.attestation.expires)
        : attestation.state === 'future'
          ? requirementText.attestationFuture(attestation.attestation.attested)
          : { ja: '', en: '' };
  const result = (status: RequirementState, reason: Bilingual): RequirementResult => ({ ...base, status, reason: reason.en, reason_ja: reason.ja, counts, ...attestationField });
  const controlsAnd = (status: RequirementState, reason: Bilingual): RequirementResult =>
    requirement.automation === 'automated' || status !== 'compliant'
      ? result(status, reason)
      : attestation.state === 'valid'
        ? result('compliant', requirementText.controlsPassAnd(requirementText.attestedBy(attestation.attestation.owner, attestation.attestation.expires)))
        : result('not_assessed', requirementText.controlsPassAnd(attestationProblem()));

  switch (requirement.automation) {
    case 'manual':
      return attestation.state === 'valid'
        ? result('compliant', requirementText.attestedBy(attestation.attestation.owner, attestation.attestation.expires))
        : result('not_assessed', attestationProblem());
    case 'automated':
    case 'partial': {
      if (failing.length > 0) return result('noncompliant', requirementText.failingControls(failing));
      if (unknown.length > 0) return result('unknown', requirementText.unknownControls(unknown));
      if (controls.length === 0) return result('unknown', requirementText.noControl);
      if (withData > 0) return controlsAnd('compliant', requirementText.withWaived(requirementText.allPass(withData), waived));
      if (counts.scopesCovered === 0) return result('unknown', requirementText.noData);
      // Nothing of the checked types in fully covered scopes: the catalog says whether that holds.
      return requirement.nothingInScope === 'compliant'
        ? controlsAnd('compliant', requirementText.nothingInScopeHolds(counts.scopesCovered))
        : result('unknown', requirementText.nothingInScopeUnproven(counts.scopesCovered));
    }
  }
}

/** The numbers behind a requirement's state, summed over its controls (scopes counted once each). */
function requirementCounts(outcomes: readonly ControlOutcome[]): RequirementCounts {
  const covered = new Set<string>();
  const notCovered = new Set<string>();
  const counts = { checked: 0, failing: 0, unknown: 0, waived: 0 };
  for (const o of outcomes) {
    counts.checked += o.pass + o.fail + o.unknown + o.waived;
    counts.failing += o.fail;
    counts.unknown += o.unknown;
    counts.waived += o.waived;
    for (const s of o.covered) covered.add(s);
    for (const s of o.notCovered) notCovered.add(s);
  }
  // A scope some control could not fully see is not covered for the requirement.
  for (const s of notCovered) covered.delete(s);
  return { ...counts, scopesCovered: covered.size, scopesNotCovered: notCovered.size };
}

/** What one collection run produced, before requirement verdicts: combinable across runs and providers. */
export interface PartialResult {
  readonly findings: readonly Finding[];
  readonly tallies: readonly ControlTally[];
  readonly outcomes: ReadonlyMap<string, ControlOutcome>;
  readonly coverage: readonly CollectionScope[];
  /** Per exception id: findings matched and waived in this run. */
  readonly exceptionCounts: ReadonlyMap<string, { readonly matched: number; readonly waived: number }>;
}

export interface PartialInput {
  readonly result: PartialResult;
  /** Set when the run's data is older than its staleness limit: every verdict from it becomes unknown. */
  readonly stale?: { readonly lastSuccessAt: string; readonly reason: string };
}

/**
 * Combines partial results (one per collector run) into the Assessment: requirement verdicts per the
 * rules in ARCHITECTURE.md. Stale data never keeps an old pass or fail: it turns into unknown.
 */
export function assess(
  partials: readonly PartialInput[],
  controls: readonly Control[],
  catalog: Catalog,
  attestations: readonly Attestation[],
  now: Date,
  exceptions: readonly ControlException[] = [],
): Assessment {
  const outcomes = new Map<string, ControlOutcome>();
  const exceptionCounts = new Map<string, { matched: number; waived: number }>();
  const findings: Finding[] = [];
  const tallies: ControlTally[] = [];
  const coverage: CollectionScope[] = [];
  for (const { result, stale } of partials) {
    for (const [id, o] of result.outcomes) {
      const sum = outcomes.get(id) ?? noOutcome();
      if (stale) {
        sum.unknown += o.pass + o.fail + o.unknown + o.waived;
        for (const s of [...o.covered, ...o.notCovered]) sum.notCovered.add(s);
      } else {
        sum.pass += o.pass;
        sum.fail += o.fail;
        sum.unknown += o.unknown;
        sum.waived += o.waived;
        for (const s of o.covered) sum.covered.add(s);
        for (const s of o.notCovered) sum.notCovered.add(s);
      }
      outcomes.set(id, sum);
    }
    for (const [id, c] of result.exceptionCounts) {
      const sum = exceptionCounts.get(id) ?? { matched: 0, waived: 0 };
      sum.matched += c.matched;
      if (!stale) sum.waived += c.waived;
      exceptionCounts.set(id, sum);
    }
    if (!stale) {
      // Loops, not push(...spread): a large estate has more findings than the call stack has room for arguments.
      for (const f of result.findings) findings.push(f);
      for (const t of result.tallies) tallies.push(t);
      for (const s of result.coverage) coverage.push(s);
      continue;
    }
    const reason = findingText.stale(stale.lastSuccessAt, stale.reason);
    for (const f of result.findings) {
      const keep = f.status === 'unknown' && f.reason !== undefined;
      // An unknown finding is neither waived nor passing: the exception id and observed values go with the old verdict.
      const { exception, observed, ...finding } = f;
      findings.push({ ...finding, status: 'unknown', reason: keep ? f.reason : reason.en, reason_ja: keep ? f.reason_ja ?? reason.ja : reason.ja });
    }
    for (const t of result.tallies) tallies.push({ ...t, failing: 0, waived: 0, unknown: t.checked });
    for (const s of result.coverage) coverage.push({ ...s, outcome: { status: 'stale', lastSuccessAt: stale.lastSuccessAt, error: stale.reason } });
  }
  const refs = new Map(controls.map((c) => [c.id, requirementsOfControl(c, catalog)]));
  const requirements = catalog.requirements.map((r) =>
    requirementResult(r, catalog, controls.filter((c) => refs.get(c.id)!.includes(r.id)).map((c) => c.id), outcomes, attestations, now),
  );
  const summary: Record<RequirementState, number> = { compliant: 0, noncompliant: 0, unknown: 0, not_assessed: 0 };
  for (const r of requirements) summary[r.status]++;
  const exceptionResults = exceptions.map((e): ExceptionResult => ({
    id: e.id,
    control: e.control,
    expires: e.expires,
    state: exceptionActive(e, now) ? 'active' : 'expired',
    justification: e.justification,
    approvedBy: e.approvedBy,
    ...(e.reference === undefined ? {} : { reference: e.reference }),
    ...(exceptionCounts.get(e.id) ?? { matched: 0, waived: 0 }),
  }));
  return {
    catalog: { id: catalog.id, version: catalog.version },
    generatedAt: now.toISOString(),
    summary,
    requirements,
    findings,
    tallies,
    coverage,
    exceptions: exceptionResults,
  };
}

type Verdict = { readonly status: FindingStatus; readonly reason?: Bilingual; readonly observed?: string };

/** Raised by a context index read before the contexts are complete; never reaches a finding. */
class ContextPendingError extends Error {
  override readonly name = 'ContextPendingError';
  constructor() {
    super('context not complete yet');
  }
}

/**
 * A resource waiting for its contexts: the kept record itself (most), or with the verdict decided at add time when
 * the expression and reason read no context (only the `where` waits). No wrapper per waiting record.
 */
type Waiting = Resource | DecidedRecord;

interface DecidedRecord {
  readonly resource: Resource;
  readonly verdict: Verdict;
}

function isDecided(waiting: Waiting): waiting is DecidedRecord {
  return 'verdict' in waiting;
}

function resourceOf(waiting: Waiting): Resource {
  return isDecided(waiting) ? waiting.resource : waiting;
}

/**
 * What of a context-reading control can be decided before the contexts are complete. A `where` that
 * reads no context filters at once (non-applicable resources are never buffered); an expression that
 * reads no context is decided at once and only a slim record waits for the `where`.
 */
interface DeferralPlan {
  readonly whereWithoutContext: boolean;
  readonly verdictWithoutContext: boolean;
  /** What a record decided but for its `where` keeps: what the `where` reads (see projection.ts). */
  readonly keepForWhere: Projection;
  /** What a record waiting for its whole judgement keeps: what any of the control's CEL reads. */
  readonly keepForAll: Projection;
}

type Projection = (resource: Resource) => Resource;
/** The record a waiting resource keeps for a projection: one per projection, whatever the number of controls. */
type Keep = (projection: Projection) => Resource;
const WHOLE: Projection = (resource) => resource;

function deferralPlan(control: Control, projections: ReturnType<typeof sharedProjections>): DeferralPlan {
  const names = control.context.map((c) => c.name);
  const reads = (expression: ControlExpression | undefined): boolean =>
    expression !== undefined &&
    expression.sources.some((source) => names.some((name) => new RegExp(`(?<![\\w.])${name}(?![\\w])`).test(source)));
  return {
    whereWithoutContext: control.where !== undefined && !reads(control.where),
    verdictWithoutContext: !reads(control.expression) && !reads(control.reason?.ja) && !reads(control.reason?.en),
    keepForWhere: projections(control.where?.sources ?? []) ?? WHOLE,
    keepForAll: projections(controlSources(control)) ?? WHOLE,
  };
}

/** One control × one resource. `undefined` when the control does not apply to this resource. `observe`: see judgeExpression. */
function judge(control: Control, resource: Resource, bindings: Readonly<Record<string, unknown>>, observe = false): Verdict | undefined {
  if (resource.malformed !== undefined) return { status: 'unknown', reason: findingText.malformed(resource.type, resource.malformed) };
  const frame = frameFor(control, bindings);
  if (control.where) {
    const applies = evaluateIn(frame, control.where, bindings);
    if (!applies.ok) return { status: 'unknown', reason: applies.undecidable ? findingText.undecidable(applies.undecidable) : findingText.cannotDecideApplicability(applies.error) };
    if (applies.value !== true) return undefined;
  }
  return judgeExpression(control, frame, bindings, observe);
}

/**
 * The expression (and failure reason) of a control that applies; `frame` holds its variables, if any.
 * `observe`: a pass records the variable values the expression computed (only outputs that keep every
 * finding ask for it: it costs a string per passing resource).
 */
function judgeExpression(control: Control, frame: VariableFrame | undefined, bindings: Readonly<Record<string, unknown>>, observe = false): Verdict {
  const result = evaluateIn(frame, control.expression, bindings);
  if (!result.ok) return { status: 'unknown', reason: result.undecidable ? findingText.undecidable(result.undecidable) : findingText.cannotEvaluate(result.error) };
  if (result.value === true) {
    const observed = observe && frame ? describeObserved(frame.computedValues()) : undefined;
    return observed ? { status: 'pass', observed } : { status: 'pass' };
  }
  if (result.value !== false) return { status: 'unknown', reason: findingText.notBoolean(typeof result.value) };
  const title = { ja: control.titleJa, en: control.titleEn };
  if (!control.reason) return { status: 'fail', reason: title };
  const text = (expression: ControlExpression, fallback: string): string => {
    const reason = evaluateIn(frame, expression, bindings);
    return reason.ok && typeof reason.value === 'string' ? reason.value : fallback;
  };
  return { status: 'fail', reason: { ja: text(control.reason.ja, title.ja), en: text(control.reason.en, title.en) } };
}

/** Every CEL source of a control: what any of its judgements can read. */
function controlSources(control: Control): string[] {
  return [control.where, control.expression, control.reason?.ja, control.reason?.en, ...control.variables].flatMap((e) => e?.sources ?? []);
}

/** Whether any of the control's CEL reads the provider's side documents. */
function readsSupplementary(control: Control): boolean {
  const expressions = [control.where, control.expression, ...control.variables];
  return expressions.some((e) => e?.sources.some((source) => /\bsupplementary\b/.test(source)) ?? false);
}

function describeOutcome(scope: CollectionScope): Bilingual {
  switch (scope.outcome.status) {
    case 'ok':
      return findingText.collectedAt(scope.outcome.collectedAt);
    case 'failed':
      return findingText.collectionFailed(scope.outcome.error);
    case 'stale':
      return findingText.stale(scope.outcome.lastSuccessAt, scope.outcome.error);
  }
}

/**
 * Adds a context entry under its key. A new string key is copied first: V8 keeps a substring (CEL's `split`,
 * `substring`) as a slice of the string it was cut from, and an index key lives as long as the index, so each
 * virtual machine's key kept a whole lower-cased assessment id alive beside it.
 */
function addToIndex(index: Map<unknown, Resource[]>, key: unknown, view: Resource): void {
  const list = index.get(key);
  if (list) list.push(view);
  else index.set(typeof key === 'string' ? (JSON.parse(JSON.stringify(key)) as string) : key, [view]);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Convenience for whole inventories already in memory (tests, offline files). */
export function evaluate(
  resources: Iterable<Resource>,
  coverage: readonly CollectionScope[],
  controls: readonly Control[],
  catalog: Catalog,
  attestations: readonly Attestation[],
  now: Date,
  options: EvaluationOptions = { keptFindings: 'all' },
): Assessment {
  const evaluation = new Evaluation(controls, catalog, options);
  for (const resource of resources) evaluation.add(resource);
  return evaluation.finish(coverage, attestations, now);
}

// ASCII ellipses: a string of Latin-1 characters takes one byte per character in V8, not two.
const OBSERVED_MAX_CHARS = 400;
const OBSERVED_MAX_DEPTH = 3;
const OBSERVED_MAX_ITEMS = 5;

/** A CEL optional (`x.?field`), recognised by its methods so evaluation does not depend on the CEL library's classes. */
function isOptional(value: unknown): value is { hasValue(): boolean; value(): unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { hasValue?: unknown }).hasValue === 'function' && typeof (value as { value?: unknown }).value === 'function';
}

/** A CEL value as a reviewer reads it: scalars as they are, lists and maps shortened. */
function observedValue(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (isOptional(value)) return value.hasValue() ? observedValue(value.value(), depth) : 'none';
  if (depth >= OBSERVED_MAX_DEPTH) return '...';
  const items = Array.isArray(value) ? value : value instanceof Set ? [...(value as Set<unknown>)] : undefined;
  if (items) {
    const shown = items.slice(0, OBSERVED_MAX_ITEMS).map((v) => observedValue(v, depth + 1));
    return `[${shown.join(', ')}${items.length > OBSERVED_MAX_ITEMS ? `, ...(${items.length} items)` : ''}]`;
  }
  const entries = value instanceof Map ? [...(value as Map<unknown, unknown>)] : typeof value === 'object' ? Object.entries(value) : [];
  if (entries.length === 0 && typeof value === 'object' && !(value instanceof Map)) return '{}';
  const shown = entries.slice(0, OBSERVED_MAX_ITEMS).map(([k, v]) => `${String(k)}: ${observedValue(v, depth + 1)}`);
  return `{${shown.join(', ')}${entries.length > OBSERVED_MAX_ITEMS ? ', ...' : ''}}`;
}

/** `name=value; …` of the variables a passing expression computed, bounded in length; undefined when none. */
function describeObserved(values: readonly (readonly [string, unknown])[]): string | undefined {
  if (values.length === 0) return undefined;
  const text = values.map(([name, value]) => `${name}=${observedValue(value)}`).join('; ');
  return text.length > OBSERVED_MAX_CHARS ? `${text.slice(0, OBSERVED_MAX_CHARS - 3)}...` : text;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
