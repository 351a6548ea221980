/**
 * Exceptions (waivers): reviewed, expiring decisions that a control's failure on particular resources is
 * acceptable — e.g. data abroad operated under Japanese law (9-6), an intentionally public bucket. Unlike
 * `disabledControls`, an exception names what it covers, why, who approved it and until when; the finding
 * stays visible as `waived`, never counted as a failure, and an expired exception no longer applies.
 */
import { InputErrorCollector } from '../errors.js';
import type { ProviderId } from '../model/resource.js';
import type { Bilingual } from '../model/text.js';
import type { Control } from './controls.js';
import { exceptionsFileSchema } from './schemas.js';
import { readYamlDocument, validEntries, validate } from './yaml-file.js';

export interface ControlException {
  readonly id: string;
  /** A control id, or `*` for every control. */
  readonly control: string;
  readonly match: ExceptionMatch;
  readonly justification: Bilingual;
  readonly approvedBy: string;
  /** YYYY-MM-DD, the last day it applies (UTC). */
  readonly expires: string;
  readonly reference?: string;
  /** `file:line` of the entry, for warnings about exceptions that match nothing. */
  readonly at: string;
}

export interface ExceptionMatch {
  readonly provider?: ProviderId | undefined;
  readonly account?: string | undefined;
  readonly region?: string | undefined;
  readonly resource?: string | undefined;
  readonly tags?: Readonly<Record<string, string>> | undefined;
}

/** What a finding is matched on. */
export interface ExceptionSubject {
  readonly control: string;
  readonly provider: ProviderId;
  readonly account: string;
  readonly region: string;
  readonly resourceId: string;
  /** The AWS ARN, where there is one: `match.resource` may name either. */
  readonly arn?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** Loads an exceptions file; unknown controls, invalid globs, duplicate ids are InputErrors with file:line, every one at once. */
export function loadExceptions(file: string, controls: readonly Control[]): ControlException[] {
  const errors = new InputErrorCollector();
  const doc = readYamlDocument(file);
  const value = validate(doc, exceptionsFileSchema, errors);
  const entries = value ? value.exceptions.map((e, index) => ({ index, value: e })) : validEntries(doc, 'exceptions', exceptionsFileSchema.shape.exceptions.element);
  const known = new Set(controls.map((c) => c.id));
  const seen = new Set<string>();
  const exceptions: ControlException[] = [];
  for (const { index, value: e } of entries) {
    const at = (...path: (string | number)[]): [string, string] => [
      doc.locate(['exceptions', index, ...path]),
      `exceptions[${index}]${path.map((p) => `.${p}`).join('')}`,
    ];
    if (seen.has(e.id)) errors.add(...at('id'), `duplicate exception id "${e.id}"`);
    seen.add(e.id);
    if (e.control !== '*' && !known.has(e.control)) errors.add(...at('control'), `unknown control "${e.control}"`);
    const control = controls.find((c) => c.id === e.control);
    if (control && e.match.provider && e.match.provider !== control.provider) {
      errors.add(...at('match', 'provider'), `control ${control.id} is a ${control.provider} control; provider ${e.match.provider} never matches it`);
    }
    for (const key of ['account', 'region', 'resource'] as const) {
      const pattern = e.match[key];
      if (pattern !== undefined) checkGlob(pattern, at('match', key), errors);
    }
    for (const [tag, pattern] of Object.entries(e.match.tags ?? {})) checkGlob(pattern, at('match', 'tags', tag), errors);
    exceptions.push({
      id: e.id,
      control: e.control,
      match: e.match,
      justification: e.justification,
      approvedBy: e.approvedBy,
      expires: e.expires,
      ...(e.reference === undefined ? {} : { reference: e.reference }),
      at: at()[0],
    });
  }
  errors.throwIfAny();
  return exceptions;
}

/** Whether an exception applies on `now`'s UTC date (through the whole expiry day, like attestations). */
export function exceptionActive(exception: ControlException, now: Date): boolean {
  return now.toISOString().slice(0, 10) <= exception.expires;
}

/** End of the expiry day, UTC, in Unix seconds: what the metric and alerts compare with time(). */
export function exceptionExpirySeconds(exception: ControlException): number {
  return Date.parse(`${exception.expires}T23:59:59Z`) / 1000;
}

/** Only `*` (any run of characters) and `?` (one character); anything else glob-like is refused, not guessed. */
function checkGlob(pattern: string, at: [string, string], errors: InputErrorCollector): void {
  const bad = /[[\]{}]/.exec(pattern);
  if (bad) errors.add(...at, `invalid glob "${pattern}": only * and ? are supported (found "${bad[0]}")`);
}

function globRegExp(pattern: string): RegExp {
  const source = [...pattern].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`);
}

interface CompiledException {
  readonly exception: ControlException;
  readonly active: boolean;
  readonly provider?: ProviderId;
  readonly account?: RegExp;
  readonly region?: RegExp;
  readonly resource?: RegExp;
  readonly tags: readonly (readonly [string, RegExp])[];
}

/**
 * The exceptions of one evaluation, indexed by control. Counts, per exception, how many findings it
 * matched (whatever their status: an exception that matches nothing is probably a typo) and waived.
 */
export class ExceptionMatcher {
  private readonly byControl = new Map<string, CompiledException[]>();
  private readonly wildcard: CompiledException[] = [];
  readonly counts = new Map<string, { matched: number; waived: number }>();

  constructor(exceptions: readonly ControlException[], now: Date) {
    for (const exception of exceptions) {
      const { match } = exception;
      const compiled: CompiledException = {
        exception,
        active: exceptionActive(exception, now),
        ...(match.provider ? { provider: match.provider } : {}),
        ...(match.account ? { account: globRegExp(match.account) } : {}),
        ...(match.region ? { region: globRegExp(match.region) } : {}),
        ...(match.resource ? { resource: globRegExp(match.resource) } : {}),
        tags: Object.entries(match.tags ?? {}).map(([k, v]) => [k, globRegExp(v)] as const),
      };
      if (exception.control === '*') this.wildcard.push(compiled);
      else {
        const list = this.byControl.get(exception.control);
        if (list) list.push(compiled);
        else this.byControl.set(exception.control, [compiled]);
      }
      this.counts.set(exception.id, { matched: 0, waived: 0 });
    }
  }

  get empty(): boolean {
    return this.byControl.size === 0 && this.wildcard.length === 0;
  }

  /**
   * The first active exception that matches a finding, counting every match. Only a failing finding is
   * waived (`waive`): a pass needs no exception, and an unknown stays unknown — a waiver does not decide
   * what kansa could not see.
   */
  match(subject: ExceptionSubject, waive: boolean): ControlException | undefined {
    let applied: ControlException | undefined;
    for (const list of [this.byControl.get(subject.control), this.wildcard]) {
      for (const c of list ?? []) {
        if (!matches(c, subject)) continue;
        const count = this.counts.get(c.exception.id)!;
        count.matched++;
        if (waive && c.active && applied === undefined) {
          applied = c.exception;
          count.waived++;
        }
      }
    }
    return applied;
  }
}

function matches(c: CompiledException, s: ExceptionSubject): boolean {
  return (
    (c.provider === undefined || c.provider === s.provider) &&
    (c.account === undefined || c.account.test(s.account)) &&
    (c.region === undefined || c.region.test(s.region)) &&
    (c.resource === undefined || c.resource.test(s.resourceId) || (s.arn !== undefined && s.arn !== '' && c.resource.test(s.arn))) &&
    c.tags.every(([key, pattern]) => {
      const value = s.tags[key];
      return value !== undefined && pattern.test(value);
    })
  );
}
