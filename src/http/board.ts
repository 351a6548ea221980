/**
 * The live board at `/`: the 66 items at a glance from the agent's status (the same copy /metrics reads),
 * one cell per item grouped by category and coloured by state, the counts, each collector's last scan and
 * the blind spots. Japanese by default, English with `?lang=en`. One self-contained page: inline CSS, no
 * script, no external asset, every interpolated value HTML-escaped. It never triggers collection.
 */
import { REQUIREMENT_STATES, type RequirementState } from '../evaluate/assessment.js';
import type { AccountCoverage, AgentStatusSource, CollectorStatus } from '../contract/status.js';
import type { Language } from '../model/text.js';
import { escapeHtml } from '../reports/html.js';
import { formatTimestamp, LABELS } from '../reports/i18n.js';

/** The board reloads itself this often (a meta refresh: no script needed). */
export const BOARD_REFRESH_SECONDS = 30;

/** A cell before the first assessment: no state yet (not "not assessed", which means "needs an attestation"). */
type CellState = RequirementState | 'pending';

const SYMBOL: Readonly<Record<CellState, string>> = { compliant: '✓', noncompliant: '✗', unknown: '?', not_assessed: '–', pending: '…' };

interface BoardText {
  readonly title: string;
  readonly subtitle: string;
  readonly pending: string;
  readonly pendingNote: string;
  readonly assessedAt: (at: string) => string;
  readonly counts: string;
  readonly items: string;
  readonly collectors: string;
  readonly collector: string;
  readonly provider: string;
  readonly accounts: string;
  readonly lastSuccess: string;
  readonly resources: string;
  readonly state: string;
  readonly running: string;
  readonly idle: string;
  readonly failedAccounts: (failed: number, total: number) => string;
  readonly never: string;
  readonly noCollectors: string;
  readonly blindSpots: string;
  readonly blindSpotsNote: string;
  readonly account: string;
  readonly partialScopes: string;
  readonly blindScopes: string;
  readonly uncoveredTypes: string;
  readonly unreadable: string;
  readonly noBlindSpots: string;
  readonly links: string;
  readonly otherLanguage: string;
  readonly refresh: string;
}

const TEXT: Readonly<Record<Language, BoardText>> = {
  ja: {
    title: 'kansa 監査 — クラウド設定の適合状況',
    subtitle: 'エージェントが最後に評価した結果です。この画面はクラウドの API を呼びません。',
    pending: '評価待ち',
    pendingNote: '最初の評価がまだ終わっていません。収集が終わると各項目の状態が表示されます。',
    assessedAt: (at) => `評価日時: ${at}`,
    counts: '状態別の項目数',
    items: '全項目（分類別）',
    collectors: 'コレクタ別の最終収集',
    collector: 'コレクタ',
    provider: 'プロバイダ',
    accounts: 'アカウント',
    lastSuccess: '最終成功',
    resources: 'リソース数',
    state: '状態',
    running: '収集中',
    idle: '待機中',
    failedAccounts: (failed, total) => (failed === 0 ? `全 ${total} 件成功` : `${total} 件中 ${failed} 件失敗`),
    never: 'まだ成功していません',
    noCollectors: '有効なコレクタはありません。',
    blindSpots: '見えていない範囲',
    blindSpotsNote: 'ここに挙がる範囲のデータを読むコントロールは「判定不能」となり、「適合」とは判定しません。',
    account: 'アカウント',
    partialScopes: '一部のみ収集',
    blindScopes: '収集できず',
    uncoveredTypes: '未収集の種別',
    unreadable: '読み取れない項目',
    noBlindSpots: 'すべての収集範囲で、有効なコントロールが読むリソース種別を収集できています。',
    links: 'エンドポイント',
    otherLanguage: 'English',
    refresh: `${BOARD_REFRESH_SECONDS} 秒ごとに更新`,
  },
  en: {
    title: 'kansa — cloud configuration compliance',
    subtitle: "The agent's latest assessment. This page never calls a cloud API.",
    pending: 'Pending',
    pendingNote: 'The first assessment has not finished yet. Each item shows its state once collection is done.',
    assessedAt: (at) => `Assessed at: ${at}`,
    counts: 'Items by state',
    items: 'All items by category',
    collectors: 'Last scan per collector',
    collector: 'Collector',
    provider: 'Provider',
    accounts: 'Accounts',
    lastSuccess: 'Last success',
    resources: 'Resources',
    state: 'State',
    running: 'scanning',
    idle: 'idle',
    failedAccounts: (failed, total) => (failed === 0 ? `all ${total} ok` : `${failed} of ${total} failed`),
    never: 'not yet',
    noCollectors: 'No collector is enabled.',
    blindSpots: 'Blind spots',
    blindSpotsNote: 'Controls that read data from these scopes are unknown, never compliant.',
    account: 'Account',
    partialScopes: 'Partial scopes',
    blindScopes: 'Blind scopes',
    uncoveredTypes: 'Uncovered types',
    unreadable: 'Unreadable items',
    noBlindSpots: 'Every scope collected every resource type the enabled controls read.',
    links: 'Endpoints',
    otherLanguage: '日本語',
    refresh: `refreshes every ${BOARD_REFRESH_SECONDS} s`,
  },
};

/** The language a request asks for: `?lang=en` for English, Japanese otherwise. */
export function boardLanguage(query: URLSearchParams): Language {
  return query.get('lang') === 'en' ? 'en' : 'ja';
}

/** Text is escaped; markup built by this module is passed through `Markup`. */
class Markup {
  constructor(readonly value: string) {}
}

type Value = string | number | Markup | readonly Markup[];

function text(value: Value): string {
  if (value instanceof Markup) return value.value;
  if (typeof value === 'string' || typeof value === 'number') return escapeHtml(String(value));
  return value.map((m) => m.value).join('');
}

function h(strings: TemplateStringsArray, ...values: Value[]): Markup {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += text(value) + (strings[i + 1] ?? '');
  });
  return new Markup(out);
}

export function renderBoard(source: AgentStatusSource, lang: Language): string {
  const t = TEXT[lang];
  const states = LABELS[lang].requirementState;
  const stateName = (s: CellState): string => (s === 'pending' ? t.pending : states[s]);
  const { catalog } = source;
  const assessment = source.status.assessment;
  const byId = new Map(assessment?.requirements.map((r) => [r.id, r.status]) ?? []);
  const stateOf = (id: string): CellState => byId.get(id) ?? 'pending';

  const counts = REQUIREMENT_STATES.map(
    (s) => h`<div class="count st-${s}"><span class="n">${assessment ? assessment.summary[s] : '—'}</span><span class="label"><span aria-hidden="true">${SYMBOL[s]}</span> ${states[s]}</span></div>`,
  );
  const categories = catalog.categories.map((category) => {
    const cells = catalog.requirements
      .filter((r) => r.category.id === category.id)
      .map((r) => {
        const state = stateOf(r.id);
        const title = `${r.id} ${lang === 'en' ? r.titleEn : r.textJa} — ${stateName(state)}`;
        return h`<li class="cell st-${state}" title="${title}" data-requirement="${r.id}" data-state="${state}"><span class="id">${r.id}</span><span class="st"><span aria-hidden="true">${SYMBOL[state]}</span>${stateName(state)}</span></li>`;
      });
    return h`<section class="cat"><h3>${category.id}. ${lang === 'en' ? category.nameEn : category.nameJa}</h3><ul class="cells">${cells}</ul></section>`;
  });

  const body = h`<header><h1>${t.title}</h1><p class="muted">${t.subtitle}</p>
<p class="meta">${assessment ? t.assessedAt(formatTimestamp(assessment.generatedAt)) : t.pendingNote} · ${lang === 'en' ? catalog.titleEn : catalog.titleJa} (${catalog.id} ${catalog.version}) · ${t.refresh} · <a href="${lang === 'en' ? '/' : '/?lang=en'}" hreflang="${lang === 'en' ? 'ja' : 'en'}">${t.otherLanguage}</a></p></header>
<section><h2>${t.counts}</h2><div class="counts">${counts}</div></section>
<section><h2>${t.items}</h2>${categories}</section>
<section><h2>${t.collectors}</h2>${collectorsTable(source.status.collectors, t)}</section>
<section><h2>${t.blindSpots}</h2>${blindSpots(assessment?.coverage, t)}</section>
<footer><h2>${t.links}</h2><ul class="links"><li><a href="/metrics">/metrics</a></li><li><a href="/healthz">/healthz</a></li><li><a href="/readyz">/readyz</a></li></ul></footer>`;

  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${BOARD_REFRESH_SECONDS}"><title>${escapeHtml(t.title)}</title><style>${STYLE}</style></head>
<body>${body.value}</body></html>
`;
}

function collectorsTable(collectors: readonly CollectorStatus[], t: BoardText): Markup {
  if (collectors.length === 0) return h`<p>${t.noCollectors}</p>`;
  const rows = collectors.map((c) => {
    const failed = c.accounts.filter((a) => !a.ok).length;
    const last = Math.max(...c.lastSuccessByAccount.map(([, at]) => at));
    const resources = c.accounts.reduce((n, a) => n + a.resources, 0);
    const ok = c.accounts.length > 0 && failed === 0;
    return h`<tr><td>${c.name}</td><td>${c.provider}</td><td class="${ok ? 'ok' : c.accounts.length === 0 ? '' : 'ng'}">${c.accounts.length === 0 ? '—' : t.failedAccounts(failed, c.accounts.length)}</td><td>${Number.isFinite(last) ? formatTimestamp(new Date(last * 1000).toISOString()) : t.never}</td><td class="num">${c.accounts.length === 0 ? '—' : resources}</td><td>${c.running ? t.running : t.idle}</td></tr>`;
  });
  return h`<table><thead><tr><th>${t.collector}</th><th>${t.provider}</th><th>${t.accounts}</th><th>${t.lastSuccess}</th><th class="num">${t.resources}</th><th>${t.state}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function blindSpots(coverage: readonly AccountCoverage[] | undefined, t: BoardText): Markup {
  if (!coverage) return h`<p>${t.pendingNote}</p>`;
  const gaps = coverage.filter((c) => c.scopes.partial + c.scopes.blind + c.uncoveredTypes + c.unreadable > 0);
  if (gaps.length === 0) return h`<p class="ok">${t.noBlindSpots}</p>`;
  const rows = gaps.map(
    (c) =>
      h`<tr><td>${c.provider}</td><td>${c.account}</td><td class="num${c.scopes.partial > 0 ? ' uk' : ''}">${c.scopes.partial}</td><td class="num${c.scopes.blind > 0 ? ' ng' : ''}">${c.scopes.blind}</td><td class="num">${c.uncoveredTypes}</td><td class="num">${c.unreadable}</td></tr>`,
  );
  return h`<p>${t.blindSpotsNote}</p><table><thead><tr><th>${t.provider}</th><th>${t.account}</th><th class="num">${t.partialScopes}</th><th class="num">${t.blindScopes}</th><th class="num">${t.uncoveredTypes}</th><th class="num">${t.unreadable}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

// The report's palette and font stack (src/reports/html.ts), so both read alike and Japanese renders with a CJK font.
const STYLE = `:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg-soft:#f6f8fa;--accent:#0b3d91;--ok:#1a7f37;--ok-bg:#dafbe1;--ng:#cf222e;--ng-bg:#ffebe9;--uk:#9a6700;--uk-bg:#fff8c5;--na:#59636e;--na-bg:#eaeef2}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1240px;padding:20px 28px 40px;color:var(--fg);background:#fff;font:14px/1.55 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Hiragino Kaku Gothic ProN","Noto Sans CJK JP","Noto Sans JP","Yu Gothic",Meiryo,sans-serif}
h1{font-size:24px;margin:0 0 4px}h2{font-size:17px;color:var(--accent);border-bottom:2px solid var(--accent);padding-bottom:3px;margin:22px 0 10px}h3{font-size:13px;margin:0;flex:0 0 15em}
p{margin:4px 0}.muted,.meta{color:var(--muted)}a{color:var(--accent)}
header{border-bottom:4px solid var(--accent);padding-bottom:10px}
.counts{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}
.count{border:1px solid var(--line);border-left-width:6px;border-radius:6px;padding:8px 14px;display:flex;align-items:baseline;gap:12px}
.count .n{font-size:28px;font-weight:700}.count .label{font-weight:600}
.cat{display:flex;gap:12px;align-items:flex-start;border-bottom:1px solid var(--line);padding:6px 0}
.cells{display:flex;flex-wrap:wrap;gap:5px;list-style:none;margin:0;padding:0}
.cell{display:flex;flex-direction:column;min-width:66px;border:1px solid var(--line);border-left-width:5px;border-radius:4px;padding:1px 6px;font-size:11px}
.cell .id{font-weight:700;font-size:13px}.cell .st{display:flex;gap:3px}
.st-compliant{border-left-color:var(--ok)}.st-compliant .st,.st-compliant .label{color:var(--ok)}.cell.st-compliant,.count.st-compliant{background:var(--ok-bg)}
.st-noncompliant{border-left-color:var(--ng);background:var(--ng-bg)}.st-noncompliant .st,.st-noncompliant .label{color:var(--ng)}
.st-unknown{border-left-color:var(--uk);background:var(--uk-bg)}.st-unknown .st,.st-unknown .label{color:var(--uk)}
.st-not_assessed{border-left-color:var(--na);background:var(--na-bg)}.st-not_assessed .st,.st-not_assessed .label{color:var(--na)}
.st-pending{border-left-style:dashed;color:var(--muted)}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid var(--line);padding:4px 8px;text-align:left}thead th{background:var(--bg-soft)}
.num{text-align:right}td.ok,p.ok{color:var(--ok)}td.ng{color:var(--ng);font-weight:600}td.uk{color:var(--uk);font-weight:600}
.links{display:flex;gap:18px;list-style:none;padding:0;margin:0}`;
