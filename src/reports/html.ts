/**
 * The HTML report: one self-contained file (inline CSS, no script, no external asset) that an auditor
 * opens offline or prints. Every interpolated value is escaped by the `html` template tag.
 *
 * Everything kansa wrote is in the report language: requirement and finding reasons, control rationale
 * and remediation, requirement rationale and notes, exception justifications. Those elements carry
 * `data-text="reason|remediation|rationale|note|justification|statement"` so tests (and anyone
 * post-processing the file) can find them.
 */
import type { ExceptionResult, Finding, FindingStatus, RequirementResult, RequirementState } from '../evaluate/assessment.js';
import { FINDING_STATUSES, REQUIREMENT_STATES } from '../evaluate/assessment.js';
import { coverageState, type CollectionScope, type CoverageState } from '../model/resource.js';
import { LABELS, formatTimestamp, type Labels } from './i18n.js';
import {
  categoryViews,
  controlTitle,
  exceptionsById,
  findingReason,
  
  requirementReason,
  requirementTitle,
  type CategoryView,
  type ControlEvidence,
  type ReportInput,
  type ReportOptions,
  type RequirementView,
  type FileSourceInfo,
  type SignatureStatus,
  type SnapshotInfo,
  unverifiedSource,
} from './model.js';

export interface HtmlReportOptions extends ReportOptions {
  /**
   * Passing resources listed per control and requirement; failing and unknown ones are always all
   * listed. Keeps the file openable on large estates; the CSV and OSCAL reports list everything.
   */
  readonly passingRowsPerControl?: number;
}

export const DEFAULT_PASSING_ROWS_PER_CONTROL = 100;

// ---------------------------------------------------------------------------------------------
// Escaping: interpolations are text unless they are already-built Html.

class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = string | number | Html | readonly Html[] | undefined | null | false;

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function render(value: Interpolation): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return (value as readonly Html[]).map((v) => v.value).join('');
  return escapeHtml(String(value));
}

function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

// ---------------------------------------------------------------------------------------------

/** What the sections of one rendering share. */
interface Context {
  readonly t: Labels;
  readonly passingLimit: number;
  readonly exceptions: ReadonlyMap<string, ExceptionResult>;
}

const STATE_SYMBOL: Readonly<Record<RequirementState, string>> = { compliant: '✓', noncompliant: '✗', unknown: '?', not_assessed: '–' };
const FINDING_SYMBOL: Readonly<Record<FindingStatus, string>> = { pass: '✓', fail: '✗', unknown: '?', waived: '⊘' };

function stateBadge(state: RequirementState, t: Labels): Html {
  return html`<span class="badge st-${state}"><span class="sym" aria-hidden="true">${STATE_SYMBOL[state]}</span>${t.requirementState[state]}</span>`;
}

function findingBadge(status: FindingStatus, t: Labels): Html {
  return html`<span class="badge fs-${status}"><span class="sym" aria-hidden="true">${FINDING_SYMBOL[status]}</span>${t.findingStatus[status]}</span>`;
}

function signatureBadge(signature: SignatureStatus, t: Labels): Html {
  const tone = signature.state === 'valid' ? 'compliant' : signature.state === 'invalid' ? 'noncompliant' : signature.state === 'unsigned' ? 'not_assessed' : 'unknown';
  const symbol = STATE_SYMBOL[tone];
  let detail = '';
  switch (signature.state) {
    case 'valid':
      if (signature.pinned === true) detail = signature.keyId ?? '';
      else if (signature.pinned === false) return html`<span class="badge st-${tone}"><span class="sym" aria-hidden="true">${symbol}</span>${t.signatureUnpinned(signature.keyId ?? '?')}</span>`;
      else detail = signature.keyId ?? '';
      break;
    case 'invalid':
      detail = signature.detail;
      break;
    case 'not_verified':
      detail = signature.detail ?? '';
      break;
    case 'unsigned':
      break;
  }
  const label = signature.state === 'valid' && signature.pinned === true ? t.signaturePinned : t.signatureState[signature.state];
  return html`<span class="badge st-${tone}"><span class="sym" aria-hidden="true">${symbol}</span>${label}</span>${detail ? html` <span class="muted">${detail}</span>` : ''}`;
}

function headerSection(input: ReportInput, options: ReportOptions, t: Labels): Html {
  const { assessment, catalog } = input;
  const rows: Html[] = [
    html`<div><dt>${t.generatedAt}</dt><dd>${formatTimestamp(assessment.generatedAt)}</dd></div>`,
    html`<div><dt>${t.catalog}</dt><dd><span lang="ja">${catalog.titleJa}</span> / <span lang="en">${catalog.titleEn}</span> <span class="muted">(${assessment.catalog.id} ${assessment.catalog.version})</span></dd></div>`,
  ];
  if (options.toolVersion) rows.push(html`<div><dt>${t.tool}</dt><dd>kansa ${options.toolVersion}</dd></div>`);
  if (input.snapshot) rows.push(...snapshotRows(input.snapshot, t));
  if (input.source) rows.push(...sourceRows(input.source, t));
  const unverified = unverifiedSource(input);
  const kind = input.snapshot ? 'snapshot' : 'file';
  const banner = unverified
    ? html`<div class="unverified-banner" role="alert" data-cause="${unverified.cause}"><p class="unverified-title"><span class="sym" aria-hidden="true">✗</span> ${t.unverifiedTitle[kind][unverified.cause]}</p><p>${t.unverifiedDetail[kind][unverified.cause]}</p>${
        unverified.problems.length > 0 ? html`<ul>${unverified.problems.map((p) => html`<li><code>${p}</code></li>`)}</ul>` : ''
      }</div>`
    : '';
  return html`<header class="doc-header">${banner}
<p class="eyebrow">${t.reportKind}</p>
<h1><span lang="ja">${catalog.titleJa}</span><span class="subtitle" lang="en">${catalog.titleEn}</span></h1>
<dl class="meta">${rows}</dl>
</header>`;
}

function snapshotRows(snapshot: SnapshotInfo, t: Labels): Html[] {
  return [
    html`<div><dt>${t.snapshotDir}</dt><dd><code>${snapshot.dir}</code></dd></div>`,
    html`<div><dt>${t.manifestDigest}</dt><dd><code class="digest">${snapshot.manifestDigest ?? '—'}</code></dd></div>`,
    html`<div><dt>${t.signature}</dt><dd>${signatureBadge(snapshot.signature, t)}</dd></div>`,
    ...(snapshot.verification
      ? [
          html`<div><dt>${t.verification}</dt><dd>${
            snapshot.verification.ok
              ? html`<span class="badge st-compliant"><span class="sym" aria-hidden="true">✓</span>${t.verified}</span>`
              : html`<span class="badge st-noncompliant"><span class="sym" aria-hidden="true">✗</span>${t.evidenceDoesNotVerify}</span>`
          }</dd></div>`,
        ]
      : []),
  ];
}

function sourceRows(source: FileSourceInfo, t: Labels): Html[] {
  const tone = source.signature.state === 'valid' ? 'compliant' : source.signature.state === 'invalid' ? 'noncompliant' : 'not_assessed';
  return [
    html`<div><dt>${t.sourceFile}</dt><dd><code>${source.file}</code></dd></div>`,
    html`<div><dt>${t.sourceDigest}</dt><dd><code class="digest">${source.digest}</code></dd></div>`,
    html`<div><dt>${t.signature}</dt><dd data-signature="${source.signature.state}"><span class="badge st-${tone}"><span class="sym" aria-hidden="true">${STATE_SYMBOL[tone]}</span>${t.fileSignature(source.signature)}</span></dd></div>`,
  ];
}

function tableOfContents(input: ReportInput, t: Labels): Html {
  const categories = input.catalog.categories.map((c) => html`<li><a href="#cat-${c.id}">${c.id}. ${t.lang === 'en' ? c.nameEn : c.nameJa}</a></li>`);
  return html`<nav class="toc" aria-label="${t.contents}"><h2>${t.contents}</h2><ol>
<li><a href="#summary">${t.summary}</a></li>
<li><a href="#overview">${t.overview}</a></li>
<li><a href="#coverage">${t.coverage}</a></li>
<li><a href="#blind-spots">${t.blindSpots}</a></li>
<li><a href="#exceptions">${t.exceptions}</a></li>
<li><a href="#requirements">${t.requirements}</a><ol>${categories}</ol></li>
</ol></nav>`;
}

function summarySection(input: ReportInput, views: readonly CategoryView[], t: Labels): Html {
  const { summary, requirements } = input.assessment;
  const total = requirements.length;
  const cards = REQUIREMENT_STATES.map(
    (s) => html`<div class="card st-${s}"><div class="card-num">${summary[s]}</div><div class="card-label"><span class="sym" aria-hidden="true">${STATE_SYMBOL[s]}</span>${t.requirementState[s]}</div></div>`,
  );
  const bar = REQUIREMENT_STATES.filter((s) => summary[s] > 0).map(
    (s) => html`<span class="seg st-${s}" style="width:${((summary[s] / Math.max(total, 1)) * 100).toFixed(2)}%" title="${t.requirementState[s]}: ${summary[s]}"></span>`,
  );
  const categoryRows = views.map((v) => {
    const counts: Record<RequirementState, number> = { compliant: 0, noncompliant: 0, unknown: 0, not_assessed: 0 };
    for (const r of v.requirements) counts[r.result.status]++;
    const cells = REQUIREMENT_STATES.map((s) => html`<td class="num${counts[s] === 0 ? ' zero' : ` cnt-${s}`}">${counts[s]}</td>`);
    return html`<tr><td class="num">${v.category.id}</td><td><a href="#cat-${v.category.id}" lang="ja">${v.category.nameJa}</a></td><td lang="en">${v.category.nameEn}</td>${cells}<td class="num total">${v.requirements.length}</td></tr>`;
  });
  const totals = REQUIREMENT_STATES.map((s) => html`<td class="num">${summary[s]}</td>`);
  const waived = input.assessment.findings.filter((f) => f.status === 'waived').length;
  return html`<section id="summary"><h2>${t.summary}</h2>
<p>${t.summaryIntro(total)}${waived > 0 ? html` <a href="#exceptions">${t.waivedFindings(waived)}</a>` : ''}</p>
<div class="cards">${cards}</div>
<div class="bar" aria-hidden="true">${bar}</div>
<h3>${t.byCategory}</h3>
<table class="grid categories"><thead><tr><th class="num">${t.category}</th><th>${t.categoryJa}</th><th>${t.categoryEn}</th>${REQUIREMENT_STATES.map((s) => html`<th class="num">${t.requirementState[s]}</th>`)}<th class="num">${t.total}</th></tr></thead>
<tbody>${categoryRows}</tbody>
<tfoot><tr><th colspan="3">${t.total}</th>${totals}<td class="num total">${total}</td></tr></tfoot></table>
</section>`;
}

function overviewSection(views: readonly CategoryView[], t: Labels): Html {
  const rows = views.map((v) => {
    const tiles = v.requirements.map(
      (r) =>
        html`<a class="tile st-${r.result.status}" href="#req-${r.requirement.id}" title="${requirementTitle(r.requirement, t.lang)}"><span class="tile-id">${r.requirement.id}</span><span class="tile-st"><span class="sym" aria-hidden="true">${STATE_SYMBOL[r.result.status]}</span>${t.requirementState[r.result.status]}</span></a>`,
    );
    return html`<div class="tile-row"><div class="tile-cat">${v.category.id}. ${t.lang === 'en' ? v.category.nameEn : v.category.nameJa}</div><div class="tiles">${tiles}</div></div>`;
  });
  return html`<section id="overview"><h2>${t.overview}</h2>${rows}</section>`;
}

const OUTCOME_ORDER = { failed: 0, stale: 1, ok: 2 } as const;

function outcomeCells(scope: CollectionScope, t: Labels): Html {
  const o = scope.outcome;
  switch (o.status) {
    case 'ok':
      return html`<td><span class="badge st-compliant"><span class="sym" aria-hidden="true">✓</span>${t.outcomeStatus.ok}</span></td><td>${formatTimestamp(o.collectedAt)}</td><td></td>`;
    case 'failed':
      return html`<td><span class="badge st-noncompliant"><span class="sym" aria-hidden="true">✗</span>${t.outcomeStatus.failed}</span></td><td>${formatTimestamp(o.at)}</td><td class="error">${o.error}</td>`;
    case 'stale':
      return html`<td><span class="badge st-unknown"><span class="sym" aria-hidden="true">?</span>${t.outcomeStatus.stale}</span></td><td>${formatTimestamp(o.lastSuccessAt)}</td><td class="error">${o.error}</td>`;
  }
}

function coverageSection(input: ReportInput, t: Labels): Html {
  const scopes = [...input.assessment.coverage].sort(
    (a, b) =>
      OUTCOME_ORDER[a.outcome.status] - OUTCOME_ORDER[b.outcome.status] ||
      (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0) ||
      (a.account < b.account ? -1 : a.account > b.account ? 1 : 0) ||
      (a.region < b.region ? -1 : a.region > b.region ? 1 : 0),
  );
  const problems = scopes.filter((s) => s.outcome.status !== 'ok').length;
  const rows = scopes.map(
    (s) =>
      html`<tr class="oc-${s.outcome.status}"><td>${s.provider}</td><td><code>${s.account}</code></td><td>${s.region || '—'}</td><td>${coverageBadge(coverageState(s), t)}</td><td class="types">${s.types === 'all' ? t.allTypes : s.types.join(', ')}</td>${outcomeCells(s, t)}</tr>`,
  );
  const table =
    scopes.length === 0
      ? html`<p class="muted">${t.noCoverage}</p>`
      : html`<table class="grid coverage"><thead><tr><th>${t.provider}</th><th>${t.account}</th><th>${t.region}</th><th>${t.coverageStateHeader}</th><th>${t.resourceTypes}</th><th>${t.outcome}</th><th>${t.when}</th><th>${t.error}</th></tr></thead><tbody>${rows}</tbody></table>`;
  const collectors = input.snapshot?.collectors;
  const collectorTable =
    collectors && collectors.length > 0
      ? html`<h3>${t.collectors}</h3><table class="grid"><thead><tr><th>${t.collector}</th><th>${t.provider}</th><th>${t.account}</th><th>${t.outcome}</th><th>${t.error}</th></tr></thead><tbody>${collectors.map(
          (c) => html`<tr><td>${c.collector}</td><td>${c.provider}</td><td><code>${c.account}</code></td><td>${c.status}</td><td class="error">${c.detail ?? ''}</td></tr>`,
        )}</tbody></table>`
      : '';
  return html`<section id="coverage"><h2>${t.coverage}</h2><p>${t.coverageIntro(scopes.length, problems)}</p>${table}${collectorTable}</section>`;
}

const COVERAGE_SYMBOL: Readonly<Record<CoverageState, string>> = { covered: '✓', partial: '◐', blind: '✗' };
const COVERAGE_ORDER: Readonly<Record<CoverageState, number>> = { blind: 0, partial: 1, covered: 2 };

function coverageBadge(state: CoverageState, t: Labels): Html {
  return html`<span class="badge cv-${state}"><span class="sym" aria-hidden="true">${COVERAGE_SYMBOL[state]}</span>${t.coverageState[state]}</span>`;
}

/** (region, type) pairs a scope's gaps leave out: a type named by two gaps counts once. */
function uncoveredTypes(scope: CollectionScope): number {
  return new Set((scope.gaps ?? []).flatMap((g) => g.types)).size;
}

/** What a scope does not show, item by item: failure or staleness, each gap with its reason, unreadable items, missing side documents. */
function blindSpotItems(scope: CollectionScope, t: Labels): Html[] {
  const items: Html[] = [];
  const o = scope.outcome;
  if (o.status === 'failed') items.push(html`<li>${t.collectionFailedAt(formatTimestamp(o.at))} <code class="error">${o.error}</code></li>`);
  // The staleness note is kansa's own English: the Japanese report says the same in its own words only.
  if (o.status === 'stale') items.push(html`<li>${t.dataStaleSince(formatTimestamp(o.lastSuccessAt))}${t.lang === 'en' ? html` <span class="muted">(${o.error})</span>` : ''}</li>`);
  for (const gap of scope.gaps ?? []) {
    items.push(html`<li class="gap"><span class="gap-types">${gap.types.join(', ')}</span> <span class="gap-reason" data-text="reason">${gap.reason[t.lang]}</span></li>`);
  }
  if (scope.unreadable) items.push(html`<li>${t.unreadableItems(scope.unreadable)}</li>`);
  if (scope.supplementary === false) items.push(html`<li>${t.withoutSupplementary}</li>`);
  return items;
}

/**
 * Every place kansa could not see: scopes that are partial or blind (with each gap, its types and its
 * reason, and failed or stale collections), and scopes whose items lack side documents. Verdicts over
 * what is listed here are unknown, so an auditor reads here what "compliant" did not look at.
 */
function blindSpotsSection(input: ReportInput, t: Labels): Html {
  const coverage = input.assessment.coverage;
  const states = coverage.map((s) => coverageState(s));
  const count = (state: CoverageState): number => states.filter((s) => s === state).length;
  const listed = coverage
    .map((scope, i) => ({ scope, state: states[i]! }))
    .filter(({ scope, state }) => state !== 'covered' || scope.supplementary === false)
    .sort(
      (a, b) =>
        COVERAGE_ORDER[a.state] - COVERAGE_ORDER[b.state] ||
        (a.scope.provider < b.scope.provider ? -1 : a.scope.provider > b.scope.provider ? 1 : 0) ||
        (a.scope.account < b.scope.account ? -1 : a.scope.account > b.scope.account ? 1 : 0) ||
        (a.scope.region < b.scope.region ? -1 : a.scope.region > b.scope.region ? 1 : 0),
    );
  if (listed.length === 0) return html`<section id="blind-spots"><h2>${t.blindSpots}</h2><p class="muted">${coverage.length === 0 ? t.noCoverage : t.noBlindSpots}</p></section>`;
  const intro = t.blindSpotsIntro({
    scopes: coverage.length,
    partial: count('partial'),
    blind: count('blind'),
    uncoveredTypes: coverage.reduce((n, s) => n + uncoveredTypes(s), 0),
    unreadable: coverage.reduce((n, s) => n + (s.unreadable ?? 0), 0),
  });
  const rows = listed.map(
    ({ scope, state }) =>
      html`<tr class="cv-${state}" data-coverage="${state}" data-scope="${scope.provider}/${scope.account}/${scope.region}"><td>${scope.provider}</td><td><code>${scope.account}</code></td><td>${scope.region || '—'}</td><td>${coverageBadge(state, t)}</td><td><ul class="gaps">${blindSpotItems(scope, t)}</ul></td><td class="num${scope.unreadable ? '' : ' zero'}">${scope.unreadable ?? 0}</td></tr>`,
  );
  return html`<section id="blind-spots"><h2>${t.blindSpots}</h2><p>${intro}</p>
<table class="grid blind-spots"><thead><tr><th>${t.provider}</th><th>${t.account}</th><th>${t.region}</th><th>${t.coverageStateHeader}</th><th>${t.whatIsNotSeen}</th><th class="num">${t.unreadableHeader}</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function attestationBlock(result: RequirementResult, t: Labels): Html | '' {
  const a = result.attestation;
  if (!a) return result.automation === 'automated' ? '' : html`<div class="attestation missing"><h4>${t.attestation}</h4><p>${t.noAttestation}</p></div>`;
  const tone = a.state === 'valid' ? 'compliant' : a.state === 'expired' ? 'noncompliant' : 'unknown';
  return html`<div class="attestation"><h4>${t.attestation} <span class="badge st-${tone}"><span class="sym" aria-hidden="true">${STATE_SYMBOL[tone]}</span>${t.attestationStates[a.state]}</span></h4>
<dl class="kv">
<div><dt>${t.attestationOwner}</dt><dd>${a.owner}</dd></div>
<div><dt>${t.attestationEvidence}</dt><dd>${a.evidence}</dd></div>
${a.statement ? html`<div><dt>${t.attestationStatement}</dt><dd class="pre" data-text="statement">${a.statement}</dd></div>` : ''}
<div><dt>${t.attested}</dt><dd>${a.attested}</dd></div>
<div><dt>${t.expires}</dt><dd>${a.expires}</dd></div>
</dl></div>`;
}

/** Under a waived finding: which exception, its justification, approver and expiry. */
function waiverNote(f: Finding, { t, exceptions }: Context): Html | '' {
  if (f.exception === undefined) return '';
  const e = exceptions.get(f.exception);
  const head = html`<span class="waiver-head"><span class="sym" aria-hidden="true">${FINDING_SYMBOL.waived}</span>${t.waivedBy(f.exception)}</span>`;
  if (!e) return html`<div class="waiver" data-exception="${f.exception}">${head} <span class="muted">${t.exceptionUnknown}</span></div>`;
  return html`<div class="waiver" data-exception="${e.id}">${head}${e.state === 'expired' ? html` ${exceptionStateBadge(e, t)}` : ''}
<span class="waiver-justification" data-text="justification">${e.justification[t.lang]}</span>
<span class="waiver-meta">${t.approvedBy}: ${e.approvedBy} · ${t.expires}: ${e.expires}${e.reference ? html` · ${t.reference}: ${e.reference}` : ''}</span></div>`;
}

function findingRow(f: Finding, context: Context): Html {
  const { t } = context;
  const reason = findingReason(f, t.lang);
  // A pass shows the variable values that made it pass; a pass of a control without variables has none.
  const observed = reason === undefined ? f.observed : undefined;
  return html`<tr class="fr-${f.status}"${f.exception === undefined ? '' : html` data-exception="${f.exception}"`}><td>${findingBadge(f.status, t)}</td><td>${f.provider} / <code>${f.account}</code> / ${f.region || '—'}</td><td class="type">${f.resourceType}</td><td class="rid"><code>${f.resourceId}</code>${f.scope === 'resource' ? '' : html` <span class="muted">(${f.scope})</span>`}</td><td class="observed">${
    reason !== undefined ? html`<span data-text="reason">${reason}</span>` : observed !== undefined ? html`<code data-text="observed">${observed}</code>` : '—'
  }${waiverNote(f, context)}</td></tr>`;
}

const FINDINGS_COLUMNS = new Html('<colgroup><col class="c-result"><col class="c-scope"><col class="c-type"><col class="c-id"><col></colgroup>');

function findingsTable(rows: readonly Html[], last: string, t: Labels, extra: Html | '' = ''): Html {
  return html`<table class="grid findings">${FINDINGS_COLUMNS}
<thead><tr><th>${t.result}</th><th>${t.provider} / ${t.account} / ${t.region}</th><th>${t.resourceType}</th><th>${t.resourceId}</th><th>${last}</th></tr></thead>
<tbody>${rows}${extra}</tbody></table>`;
}

function controlBlock(evidence: ControlEvidence, context: Context): Html {
  const { t, passingLimit } = context;
  const c = evidence.control;
  const title = c ? controlTitle(c, t.lang) : t.controlNotLoaded;
  const notPassing = evidence.findings.filter((f) => f.status !== 'pass');
  const passing = evidence.findings.filter((f) => f.status === 'pass');
  const shown = passing.slice(0, passingLimit);
  const hidden = passing.length - shown.length;
  // Failing, unknown and waived rows are always open; the passing ones of the control are one group,
  // collapsed by default (the count is in the summary), each row with the values that made it pass.
  const passingGroup =
    passing.length === 0
      ? ''
      : html`<details class="passing" data-passing="${passing.length}"><summary>${t.passingGroup(passing.length)}</summary>${
          shown.length > 0 ? findingsTable(shown.map((f) => findingRow(f, context)), t.observed, t, hidden > 0 ? html`<tr class="more"><td colspan="5">${t.morePassing(hidden)}</td></tr>` : '') : html`<p class="muted">${t.morePassing(hidden)}</p>`
        }</details>`;
  const table =
    evidence.findings.length === 0
      ? html`<p class="muted">${t.noFindings}</p>`
      : html`${notPassing.length > 0 ? findingsTable(notPassing.map((f) => findingRow(f, context)), t.reason, t) : ''}${passingGroup}`;
  return html`<div class="control" data-control="${evidence.id}">
<h5><code>${evidence.id}</code> <span class="ctl-title">${title}</span>${c ? html` <span class="sev sev-${c.severity}">${t.severity}: ${t.severityName[c.severity]}</span>` : ''} <span class="counts">${t.findingCounts(evidence.counts)}</span></h5>
${c ? html`<p class="ctl-rationale"><span class="label">${t.controlRationale}</span> <span data-text="rationale">${c.rationale[t.lang]}</span></p>` : ''}
${c && evidence.counts.fail > 0 ? html`<div class="remediation"><span class="label">${t.remediation}</span> <span class="pre" data-text="remediation">${c.remediation[t.lang]}</span></div>` : ''}
${table}</div>`;
}

function requirementBlock(view: RequirementView, context: Context): Html {
  const { t } = context;
  const { requirement: r, result } = view;
  const counts = result.counts;
  const evidence = view.controls.length === 0 ? html`<p class="muted">${t.noControls}</p>` : view.controls.map((c) => controlBlock(c, context));
  // Japanese: the item's own text is its title, the English title a subtitle; English: the reverse, the Japanese original quoted.
  const heading =
    t.lang === 'ja'
      ? html`<h4 lang="ja">${r.textJa}</h4></header>
<p class="req-title-en"><span class="label">${t.titleEn}</span> <span lang="en">${r.titleEn}</span></p>`
      : html`<h4 lang="en">${r.titleEn}</h4></header>
<blockquote class="req-text" lang="ja"><span class="label">${t.textJa}</span>${r.textJa}</blockquote>`;
  return html`<article class="req st-${result.status}" id="req-${r.id}" data-requirement="${r.id}" data-status="${result.status}">
<header class="req-head"><span class="req-id">${r.id}</span>${stateBadge(result.status, t)}<span class="chip">${t.automationClass[r.automation]}</span>${heading}
<dl class="kv">
<div><dt>${t.reason}</dt><dd class="reason pre" data-text="reason">${requirementReason(result, t.lang)}</dd></div>
${counts ? html`<div><dt>${t.requirementCounts}</dt><dd class="counts-basis">${t.requirementCountsText(counts)}</dd></div>` : ''}
<div><dt>${t.rationale}</dt><dd data-text="rationale">${r.rationale[t.lang]}</dd></div>
${r.textNote ? html`<div><dt>${t.note}</dt><dd data-text="note">${r.textNote[t.lang]}</dd></div>` : ''}
</dl>
${attestationBlock(result, t)}
<div class="evidence"><h4>${t.evidence}</h4>${evidence}</div>
</article>`;
}

function requirementsSection(views: readonly CategoryView[], context: Context): Html {
  const { t } = context;
  const categories = views.map(
    (v) =>
      html`<section class="category" id="cat-${v.category.id}"><h3>${v.category.id}. <span lang="ja">${v.category.nameJa}</span> <span class="subtitle" lang="en">${v.category.nameEn}</span></h3>
${v.requirements.map((r) => requirementBlock(r, context))}</section>`,
  );
  return html`<section id="requirements"><h2>${t.requirements}</h2>${categories}</section>`;
}

function exceptionStateBadge(e: ExceptionResult, t: Labels): Html {
  const tone = e.state === 'active' ? 'waived' : 'expired';
  return html`<span class="badge ex-${tone}"><span class="sym" aria-hidden="true">${e.state === 'active' ? FINDING_SYMBOL.waived : '✗'}</span>${t.exceptionState[e.state]}</span>`;
}

/** Every exception of the assessment: what it covers, why, who approved it, until when, and what it did. */
function exceptionsSection(input: ReportInput, t: Labels): Html {
  const list = [...input.assessment.exceptions].sort((a, b) => (a.state === b.state ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.state === 'expired' ? -1 : 1));
  const expired = list.filter((e) => e.state === 'expired').length;
  const waived = input.assessment.findings.filter((f) => f.status === 'waived').length;
  const rows = list.map(
    (e) =>
      html`<tr class="ex-${e.state}" id="exception-${e.id}" data-exception="${e.id}" data-state="${e.state}"><td><code>${e.id}</code></td><td>${e.control === '*' ? t.allControls : html`<code>${e.control}</code>`}</td><td>${exceptionStateBadge(e, t)}</td><td>${e.expires}</td><td>${e.approvedBy}</td><td class="pre" data-text="justification">${e.justification[t.lang]}${e.reference ? html`<br><span class="muted">${t.reference}: ${e.reference}</span>` : ''}</td><td class="num">${e.matched}</td><td class="num">${e.waived}</td></tr>`,
  );
  const table =
    list.length === 0
      ? html`<p class="muted">${t.noExceptions}</p>`
      : html`<p>${t.exceptionsIntro(list.length, expired, waived)}</p><table class="grid exceptions"><thead><tr><th>${t.exceptionId}</th><th>${t.control}</th><th>${t.attestationState}</th><th>${t.expires}</th><th>${t.approvedBy}</th><th>${t.justification}</th><th class="num">${t.matched}</th><th class="num">${t.waivedCount}</th></tr></thead><tbody>${rows}</tbody></table>`;
  return html`<section id="exceptions"><h2>${t.exceptions}</h2>${table}</section>`;
}

function legend(t: Labels): Html {
  return html`<section class="legend"><h2>${t.legend}</h2><dl class="kv">${REQUIREMENT_STATES.map((s) => html`<div><dt>${stateBadge(s, t)}</dt><dd>${t.stateMeaning[s]}</dd></div>`)}${FINDING_STATUSES.map(
    (s) => html`<div><dt>${findingBadge(s, t)}</dt><dd>${t.findingStatusMeaning[s]}</dd></div>`,
  )}</dl></section>`;
}

const CSS = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg-soft:#f6f8fa;--accent:#0b3d91;
--ok:#1a7f37;--ok-bg:#dafbe1;--ng:#cf222e;--ng-bg:#ffebe9;--uk:#9a6700;--uk-bg:#fff8c5;--na:#59636e;--na-bg:#eaeef2;--wv:#6639ba;--wv-bg:#fbefff}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0 auto;max-width:1180px;padding:24px 32px 48px;color:var(--fg);background:#fff;
font:14px/1.6 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Hiragino Kaku Gothic ProN","Noto Sans CJK JP","Noto Sans JP","Yu Gothic",Meiryo,sans-serif}
h1,h2,h3,h4,h5{line-height:1.3;margin:0}
h1{font-size:26px;margin:4px 0 12px}
h1 .subtitle{display:block;font-size:15px;font-weight:400;color:var(--muted);margin-top:4px}
h2{font-size:20px;border-bottom:2px solid var(--accent);padding-bottom:4px;margin:32px 0 12px;color:var(--accent)}
h3{font-size:16px;margin:20px 0 8px}
h3 .subtitle{font-weight:400;color:var(--muted);font-size:14px;margin-left:6px}
h4{font-size:14px}
h5{font-size:13px;font-weight:600;display:flex;flex-wrap:wrap;gap:4px 10px;align-items:baseline;margin:10px 0 6px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Noto Sans Mono CJK JP",monospace;font-size:.92em}
a{color:var(--accent)}
.muted{color:var(--muted)}
.doc-header{border-bottom:4px solid var(--accent);padding-bottom:12px}
.unverified-banner{background:#b3141b;color:#fff;border:3px solid #7a0c10;border-radius:6px;padding:10px 16px;margin:0 0 12px;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.unverified-banner .unverified-title{font-size:20px;font-weight:700;margin:0 0 4px}
.unverified-banner p{margin:0 0 4px}
.unverified-banner code{color:#fff;background:transparent}
.eyebrow{margin:0;color:var(--accent);font-weight:600;letter-spacing:.04em}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:4px 20px;margin:10px 0 0}
.meta div{display:contents}
.meta dt{color:var(--muted)}
.meta dd{margin:0;overflow-wrap:anywhere}
.digest{word-break:break-all}
.toc{background:var(--bg-soft);border:1px solid var(--line);border-radius:6px;padding:10px 18px;margin-top:18px}
.toc h2{border:0;margin:0 0 4px;font-size:15px;color:var(--fg)}
.toc ol{margin:0;padding-left:20px}
.toc ol ol{columns:2;font-size:13px}
.badge{display:inline-flex;align-items:center;gap:4px;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;white-space:nowrap;border:1px solid transparent;line-height:20px}
.badge .sym,.card .sym,.tile .sym{font-weight:700}
.st-compliant.badge,.fs-pass.badge{color:var(--ok);background:var(--ok-bg);border-color:var(--ok)}
.st-noncompliant.badge,.fs-fail.badge{color:var(--ng);background:var(--ng-bg);border-color:var(--ng)}
.st-unknown.badge,.fs-unknown.badge{color:var(--uk);background:var(--uk-bg);border-color:var(--uk)}
.st-not_assessed.badge{color:var(--na);background:var(--na-bg);border-color:var(--na)}
.fs-waived.badge,.ex-waived.badge{color:var(--wv);background:var(--wv-bg);border-color:var(--wv)}
.ex-expired.badge{color:var(--ng);background:var(--ng-bg);border-color:var(--ng)}
.cv-covered.badge{color:var(--ok);background:var(--ok-bg);border-color:var(--ok)}
.cv-partial.badge{color:var(--uk);background:var(--uk-bg);border-color:var(--uk)}
.cv-blind.badge{color:var(--ng);background:var(--ng-bg);border-color:var(--ng)}
.chip{display:inline-block;border:1px solid var(--line);border-radius:10px;padding:0 8px;font-size:12px;color:var(--muted);line-height:20px;white-space:nowrap}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin:12px 0}
.card{border:1px solid var(--line);border-left-width:6px;border-radius:6px;padding:10px 14px}
.card-num{font-size:30px;font-weight:700;line-height:1.1}
.card-label{display:flex;gap:6px;font-weight:600}
.card.st-compliant{border-left-color:var(--ok)}.card.st-compliant .card-num{color:var(--ok)}
.card.st-noncompliant{border-left-color:var(--ng)}.card.st-noncompliant .card-num{color:var(--ng)}
.card.st-unknown{border-left-color:var(--uk)}.card.st-unknown .card-num{color:var(--uk)}
.card.st-not_assessed{border-left-color:var(--na)}.card.st-not_assessed .card-num{color:var(--na)}
.bar{display:flex;height:10px;border-radius:5px;overflow:hidden;background:var(--na-bg);margin-bottom:8px}
.seg.st-compliant{background:var(--ok)}.seg.st-noncompliant{background:var(--ng)}.seg.st-unknown{background:#d4a72c}.seg.st-not_assessed{background:#afb8c1}
table.grid{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}
table.grid th,table.grid td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
table.grid thead th{background:var(--bg-soft);font-weight:600}
table.grid tfoot th,table.grid tfoot td{background:var(--bg-soft);font-weight:700}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.zero{color:#afb8c1}
td.cnt-noncompliant{color:var(--ng);font-weight:700}td.cnt-unknown{color:var(--uk);font-weight:700}td.cnt-compliant{color:var(--ok);font-weight:700}
td.total{font-weight:700}
td.types,td.type{font-size:12px;overflow-wrap:anywhere}
td.rid{overflow-wrap:anywhere;max-width:280px}
td.error{color:var(--ng);overflow-wrap:anywhere}
td.observed{overflow-wrap:anywhere;white-space:pre-line}
.pre{white-space:pre-line}
details.passing{margin:6px 0}
details.passing>summary{cursor:pointer;color:var(--ok);font-weight:600;font-size:13px}
td.observed code{font-size:12px}
@media print{details.passing>summary{color:var(--fg)}}
table.findings{table-layout:fixed}
col.c-result{width:96px}col.c-scope{width:19%}col.c-type{width:18%}col.c-id{width:21%}
table.coverage th{white-space:nowrap}
tr.cv-blind td{background:#fff5f5}tr.cv-partial td{background:#fffbe6}
ul.gaps{margin:0;padding-left:18px}
ul.gaps li{overflow-wrap:anywhere}
.gap-types{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Noto Sans Mono CJK JP",monospace;font-size:12px}
.gap-reason{display:block}
tr.fr-fail td{background:#fff5f5}tr.fr-unknown td{background:#fffbe6}tr.fr-waived td{background:#fcf7ff}
.waiver{margin-top:4px;padding-left:8px;border-left:3px solid var(--wv);font-size:12px;white-space:normal}
.waiver-head{display:inline-flex;gap:4px;font-weight:600;color:var(--wv)}
.waiver-justification{display:block}
.waiver-meta{display:block;color:var(--muted)}
tr.ex-expired td{background:#fff5f5}
.ctl-rationale{margin:2px 0 4px;font-size:12px;color:var(--muted)}
.ctl-rationale .label,.remediation .label,.req-title-en .label{font-weight:600;margin-right:4px}
.remediation{margin:4px 0 6px;padding:6px 10px;border-left:3px solid var(--ng);background:#fff5f5;font-size:13px}
.remediation .label{color:var(--ng)}
.req-title-en{margin:6px 0;color:var(--muted);font-size:13px}
tr.more td{color:var(--muted);font-style:italic}
.tile-row{display:flex;gap:12px;align-items:flex-start;border-bottom:1px solid var(--line);padding:6px 0}
.tile-cat{flex:0 0 13em;font-size:13px;font-weight:600}
.tiles{display:flex;flex-wrap:wrap;gap:5px}
.tile{display:flex;flex-direction:column;min-width:62px;border:1px solid var(--line);border-left-width:4px;border-radius:4px;padding:1px 6px;text-decoration:none;color:var(--fg);font-size:11px}
.tile-id{font-weight:700;font-size:13px}
.tile.st-compliant{border-left-color:var(--ok)}.tile.st-compliant .tile-st{color:var(--ok)}
.tile.st-noncompliant{border-left-color:var(--ng);background:var(--ng-bg)}.tile.st-noncompliant .tile-st{color:var(--ng)}
.tile.st-unknown{border-left-color:var(--uk);background:var(--uk-bg)}.tile.st-unknown .tile-st{color:var(--uk)}
.tile.st-not_assessed{border-left-color:var(--na)}.tile.st-not_assessed .tile-st{color:var(--na)}
.tile-st{display:flex;gap:4px}
.category>h3{background:var(--accent);color:#fff;padding:6px 12px;border-radius:4px;margin-top:28px}
.category>h3 .subtitle{color:#dbe4f5}
.req{border:1px solid var(--line);border-left-width:6px;border-radius:6px;padding:12px 16px;margin:14px 0}
.req.st-compliant{border-left-color:var(--ok)}.req.st-noncompliant{border-left-color:var(--ng)}.req.st-unknown{border-left-color:var(--uk)}.req.st-not_assessed{border-left-color:var(--na)}
.req-head{display:flex;flex-wrap:wrap;align-items:center;gap:6px 10px}
.req-id{font-weight:700;font-size:16px;min-width:3em}
.req-head h4{font-size:15px;flex:1 1 320px}
.req-head h4[lang="ja"]{font-weight:600}
.req-text{margin:10px 0;padding:8px 12px;background:var(--bg-soft);border-left:3px solid var(--accent);font-size:14px}
.req-text .label{display:block;font-size:11px;color:var(--muted)}
dl.kv{margin:6px 0;display:grid;gap:2px}
dl.kv div{display:grid;grid-template-columns:11em 1fr;gap:8px}
dl.kv dt{color:var(--muted)}
dl.kv dd{margin:0;overflow-wrap:anywhere}
dd.reason{font-weight:600}
.attestation{border:1px dashed var(--line);border-radius:6px;padding:8px 12px;margin:8px 0;background:#fbfcfd}
.attestation h4{display:flex;gap:8px;align-items:center}
.attestation.missing p{margin:4px 0 0;color:var(--muted)}
.evidence>h4{margin-top:10px}
.control{margin-left:4px}
.ctl-title{font-weight:400}
.sev{font-size:12px;font-weight:600;border-radius:3px;padding:0 6px;border:1px solid var(--line)}
.sev-critical{color:#fff;background:#82071e;border-color:#82071e}.sev-high{color:var(--ng);border-color:var(--ng)}
.sev-medium{color:var(--uk);border-color:var(--uk)}
.counts{font-size:12px;font-weight:400;color:var(--muted)}
.legend dl.kv div{grid-template-columns:10em 1fr;align-items:center}
footer{margin-top:32px;padding-top:8px;border-top:1px solid var(--line);color:var(--muted);font-size:12px}
@page{size:A4;margin:14mm 12mm}
@media print{
body{max-width:none;padding:0;font-size:10pt}
.toc{display:none}
a{color:inherit;text-decoration:none}
h2{break-after:avoid}
.req-head,.req-text,.card,.tile{break-inside:avoid}
.category{break-before:page}
thead{display:table-header-group}
tr{break-inside:avoid}
}
`;

export function renderHtmlReport(input: ReportInput, options: HtmlReportOptions): string {
  const t = LABELS[options.lang];
  const passingLimit = options.passingRowsPerControl ?? DEFAULT_PASSING_ROWS_PER_CONTROL;
  const { assessment, catalog } = input;
  const context: Context = { t, passingLimit, exceptions: exceptionsById(assessment) };
  const views = categoryViews(input);
  const page = html`<!DOCTYPE html>
<html lang="${options.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="kansa${options.toolVersion ? ` ${options.toolVersion}` : ''}">
<meta name="color-scheme" content="light">
<title>${catalog.titleJa} — ${t.reportKind} (${assessment.generatedAt})</title>
<style>${new Html(CSS)}</style>
</head>
<body>
${headerSection(input, options, t)}
${tableOfContents(input, t)}
<main>
${summarySection(input, views, t)}
${overviewSection(views, t)}
${coverageSection(input, t)}
${blindSpotsSection(input, t)}
${exceptionsSection(input, t)}
${requirementsSection(views, context)}
${legend(t)}
</main>
<footer><p>${t.footer}</p><p>${assessment.catalog.id} ${assessment.catalog.version} · ${assessment.generatedAt}</p></footer>
</body>
</html>
`;
  return page.value;
}
