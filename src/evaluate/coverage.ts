/**
 * What the evaluation knows about coverage: which scopes a control's types were collected in, which
 * they were not (and why), and whether the resources a context-reading control joins could be
 * missing or incomplete for a reason other than not existing (a gap, a malformed or unreadable item, an item
 * without the side documents the control reads).
 */
import type { Control } from '../mappings/controls.js';
import { GLOBAL_REGION, scopeCovers, scopeGap, type CollectionScope, type ProviderId, type Resource } from '../model/resource.js';
import type { Bilingual } from '../model/text.js';
import { findingText } from './messages.js';

export const scopeKey = (provider: ProviderId, account: string, region: string): string => `${provider}|${account}|${region}`;
const accountKey = (provider: ProviderId, account: string): string => `${provider}|${account}`;

/** Items of context types with a defect (malformed, or without their side documents), counted per provider × account while resources stream in. */
export class ContextItemCounts {
  private readonly counts = new Map<string, Map<string, number>>();

  add(resource: Resource): void {
    const key = accountKey(resource.provider, resource.account);
    let byType = this.counts.get(key);
    if (!byType) this.counts.set(key, (byType = new Map<string, number>()));
    byType.set(resource.type, (byType.get(resource.type) ?? 0) + 1);
  }

  count(provider: ProviderId, account: string, type: string): number {
    return this.counts.get(accountKey(provider, account))?.get(type) ?? 0;
  }
}

export class CoverageIndex {
  private readonly byScope = new Map<string, CollectionScope>();
  private readonly byAccount = new Map<string, CollectionScope[]>();
  private readonly contextProblems = new Map<string, Bilingual | null>();

  constructor(
    readonly scopes: readonly CollectionScope[],
    private readonly malformed: ContextItemCounts,
    /** Items whose source omitted their side documents, and the controls whose CEL reads an entry's. */
    private readonly withoutSupplementary: ContextItemCounts,
    private readonly readEntrySupplementary: ReadonlySet<string>,
  ) {
    for (const scope of scopes) {
      this.byScope.set(scopeKey(scope.provider, scope.account, scope.region), scope);
      const key = accountKey(scope.provider, scope.account);
      const list = this.byAccount.get(key);
      if (list) list.push(scope);
      else this.byAccount.set(key, [scope]);
    }
  }

  /** Scopes where the control's types were wanted: covered, or left out for a stated reason. */
  relevantScopes(control: Control): CollectionScope[] {
    return this.scopes.filter((s) => s.provider === control.provider && control.resourceTypes.some((t) => scopeCovers(s, t) || scopeGap(s, t) !== undefined));
  }

  /** Why this collected scope does not fully cover the control's types, or undefined when it does. */
  scopeProblem(control: Control, scope: CollectionScope): Bilingual | undefined {
    const problems: Bilingual[] = [];
    for (const gap of scope.gaps ?? []) {
      const types = control.resourceTypes.filter((t) => gap.types.includes(t));
      if (types.length > 0) problems.push(findingText.notCovered(types, gap.reason));
    }
    if (scope.unreadable) problems.push(findingText.unreadableItems(scope.unreadable));
    return problems.length === 0 ? undefined : findingText.join(problems);
  }

  /**
   * Why the context this resource's verdict reads cannot be trusted: a context type not covered where
   * the resource is (or nowhere in its account), malformed items of that type, or unreadable items in
   * the account (any of which could be the one looked up). A missing context entry then proves nothing.
   */
  contextProblem(control: Control, resource: Resource): Bilingual | undefined {
    const cacheKey = `${control.id}|${scopeKey(resource.provider, resource.account, resource.region)}`;
    const cached = this.contextProblems.get(cacheKey);
    if (cached !== undefined) return cached ?? undefined;
    const problem = this.findContextProblem(control, resource);
    this.contextProblems.set(cacheKey, problem ?? null);
    return problem;
  }

  /**
   * The context names whose lookups cannot be trusted for this resource (their type is a gap, failed, not
   * collected or has malformed items), or 'all' when unreadable items in the account could be of any type.
   * A judgement that reads none of them stands (see Evaluation.checkDeferred).
   */
  untrustedContexts(control: Control, resource: Resource): ReadonlySet<string> | 'all' {
    const { byType, accountWide } = this.problemsOf(control, resource);
    if (accountWide.length > 0) return 'all';
    return new Set(control.context.filter((c) => byType.has(c.type)).map((c) => c.name));
  }

  private findContextProblem(control: Control, resource: Resource): Bilingual | undefined {
    const { byType, accountWide } = this.problemsOf(control, resource);
    const problems = [...[...byType.values()].flat(), ...accountWide];
    return problems.length === 0 ? undefined : findingText.join(problems);
  }

  /** Problems per context type, and those of the whole account (unreadable items, whose type nobody knows). */
  private problemsOf(control: Control, resource: Resource): { byType: Map<string, Bilingual[]>; accountWide: Bilingual[] } {
    const accountScopes = this.byAccount.get(accountKey(resource.provider, resource.account)) ?? [];
    const here = [this.byScope.get(scopeKey(resource.provider, resource.account, resource.region)), this.byScope.get(scopeKey(resource.provider, resource.account, GLOBAL_REGION))];
    const byType = new Map<string, Bilingual[]>();
    for (const type of new Set(control.context.map((c) => c.type))) {
      const problems: Bilingual[] = [];
      const gap = here.map((s) => (s ? scopeGap(s, type) : undefined)).find((g) => g !== undefined);
      // A scope of the account whose collection failed may have held the entry looked up (context keys
      // reach across regions: an account-level setting, a replication destination).
      const failed = accountScopes.find((s) => s.outcome.status !== 'ok' && scopeCovers(s, type));
      if (gap) problems.push(findingText.contextNotCovered(type, gap.reason));
      else if (failed) problems.push(findingText.contextCollectionFailed(type, failed.region));
      else if (!accountScopes.some((s) => s.outcome.status === 'ok' && scopeCovers(s, type))) problems.push(findingText.contextNotCollected(type));
      const malformed = this.malformed.count(resource.provider, resource.account, type);
      if (malformed > 0) problems.push(findingText.contextMalformed(type, malformed));
      const omitted = this.readEntrySupplementary.has(control.id) ? this.withoutSupplementary.count(resource.provider, resource.account, type) : 0;
      if (omitted > 0) problems.push(findingText.contextSupplementaryOmitted(type, omitted));
      if (problems.length > 0) byType.set(type, problems);
    }
    const unreadable = accountScopes.reduce((n, s) => n + (s.unreadable ?? 0), 0);
    return { byType, accountWide: unreadable > 0 ? [findingText.contextUnreadable(unreadable)] : [] };
  }
}
