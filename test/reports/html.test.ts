/** The HTML report: every item, verdicts, evidence, attestations, coverage, escaping, both languages. */
import { escapeHtml, renderHtmlReport } from '../../src/reports/html.js';
import type { ReportInput } from '../../src/reports/model.js';
import { ACTIVE_EXCEPTION, ATTESTATIONS, EXPIRED_EXCEPTION, FAILED_ERROR, TRICKY_ID, TRICKY_REASON, TRICKY_REASON_JA, WAIVED_CONTROL, reportInput, waivedReportInput } from './fixture.js';

const input = reportInput();
const ja = renderHtmlReport(input, { lang: 'ja', toolVersion: '9.9.9' });
const en = renderHtmlReport(input, { lang: 'en', toolVersion: '9.9.9' });

/** The markup of one requirement's article. */
function article(page: string, id: string): string {
  const open = page.indexOf(`id="req-${id}"`);
  expect(open).toBeGreaterThan(-1);
  const from = page.lastIndexOf('<article', open);
  return page.slice(from, page.indexOf('</article>', open));
}

describe('HTML report', () => {
  it('is one self-contained document: no script, no external asset', () => {
    for (const page of [ja, en]) {
      expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(page).toContain('<meta charset="utf-8">');
      expect(page).toMatch(/<style>[\s\S]+<\/style>/);
      expect(page).not.toMatch(/<script|<link|<img|<iframe|<object|@import|url\(/i);
      expect(page).not.toMatch(/(src|href)="(?!#)/);
    }
  });

  it('lists all 66 catalog items once, with their status, class, Japanese text, English title and reason in the report language', () => {
    expect(input.catalog.requirements).toHaveLength(66);
    const results = new Map(input.assessment.requirements.map((r) => [r.id, r]));
    for (const r of input.catalog.requirements) {
      const result = results.get(r.id)!;
      expect(ja.split(`id="req-${r.id}"`)).toHaveLength(2);
      const jaItem = article(ja, r.id);
      expect(jaItem).toContain(`data-status="${result.status}"`);
      expect(jaItem).toContain(escapeHtml(r.textJa));
      expect(jaItem).toContain(escapeHtml(r.titleEn));
      expect(jaItem).toContain(`<dd class="reason pre" data-text="reason">${escapeHtml(result.reason_ja)}</dd>`);
      expect(jaItem).toContain(`<h4 lang="ja">${escapeHtml(r.textJa)}</h4>`);
      expect(jaItem).toContain(`data-text="rationale">${escapeHtml(r.rationale.ja)}<`);
      if (r.textNote) expect(jaItem).toContain(`data-text="note">${escapeHtml(r.textNote.ja)}<`);
      expect(jaItem).toContain({ compliant: '適合', noncompliant: '不適合', unknown: '判定不能', not_assessed: '未評価' }[result.status]);
      expect(jaItem).toContain({ automated: '自動評価', partial: '自動評価＋確認書', manual: '確認書による評価' }[r.automation]);
      const enItem = article(en, r.id);
      expect(enItem).toContain({ compliant: 'Compliant', noncompliant: 'Non-compliant', unknown: 'Unknown', not_assessed: 'Not assessed' }[result.status]);
      expect(enItem).toContain(escapeHtml(r.textJa));
      expect(enItem).toContain(`<h4 lang="en">${escapeHtml(r.titleEn)}</h4>`);
      expect(enItem).toContain(`<dd class="reason pre" data-text="reason">${escapeHtml(result.reason)}</dd>`);
      expect(enItem).toContain(`data-text="rationale">${escapeHtml(r.rationale.en)}<`);
      for (const control of result.controls) expect(jaItem).toContain(`data-control="${control}"`);
    }
    expect(ja).toContain('<html lang="ja">');
    expect(en).toContain('<html lang="en">');
  });

  it('shows the title, generation time and a summary by category in both languages', () => {
    expect(ja).toContain('クラウドサービス調達仕様');
    expect(ja).toContain('2026-11-01T00:00:00Z (JST 2026-11-01 09:00)');
    expect(ja).toContain('kansa 9.9.9');
    expect(ja).toContain('分類別の集計');
    expect(en).toContain('By category');
    for (const c of input.catalog.categories) {
      for (const page of [ja, en]) {
        expect(page).toContain(`id="cat-${c.id}"`);
        expect(page).toContain(escapeHtml(c.nameJa));
        expect(page).toContain(escapeHtml(c.nameEn));
      }
    }
    const s = input.assessment.summary;
    expect(ja).toContain(`<div class="card st-noncompliant"><div class="card-num">${s.noncompliant}</div>`);
    expect(ja).toContain(`<div class="card st-not_assessed"><div class="card-num">${s.not_assessed}</div>`);
  });

  it('uses the required Japanese terms, and none of the old ones', () => {
    for (const term of ['適合', '不適合', '判定不能', '未評価', '例外承認']) expect(ja).toContain(term);
    for (const old of ['合格', '不合格', '不明']) expect(ja).not.toContain(old);
    expect(ja).toMatch(/<span class="badge fs-fail"><span class="sym" aria-hidden="true">✗<\/span>不適合<\/span>/);
    expect(ja).toMatch(/<span class="badge fs-unknown"><span class="sym" aria-hidden="true">\?<\/span>判定不能<\/span>/);
  });

  it('shows each control\'s findings: resources and reasons in the report language, failures first', () => {
    const item = article(ja, '2-6');
    const control = item.slice(item.indexOf('data-control="aws-sg-admin-ports-closed-to-world"'));
    const sg = input.assessment.findings.find((f) => f.resourceId === 'sg-0d2e3f4a5b6c7d804' && f.control === 'aws-sg-admin-ports-closed-to-world')!;
    expect(control).toContain('sg-0d2e3f4a5b6c7d804');
    expect(control).toContain(`<span data-text="reason">${escapeHtml(sg.reason_ja!)}</span>`);
    expect(article(en, '2-6')).toContain(`<span data-text="reason">${escapeHtml(sg.reason!)}</span>`);
    expect(control.indexOf('fr-fail')).toBeLessThan(control.indexOf('fr-pass') === -1 ? Infinity : control.indexOf('fr-pass'));
    // Requirement 3-6 is evidenced by the same control and shows the same finding.
    expect(article(ja, '3-6')).toContain('sg-0d2e3f4a5b6c7d804');
  });

  it('gives the control\'s rationale, and its remediation wherever a finding fails, in the report language', () => {
    const controls = new Map(input.controls.map((c) => [c.id, c]));
    for (const [lang, page] of [['ja', ja], ['en', en]] as const) {
      const blocks = page.split('<div class="control" data-control="').slice(1);
      expect(blocks.length).toBeGreaterThan(0);
      let failing = 0;
      for (const block of blocks) {
        const control = controls.get(block.slice(0, block.indexOf('"')));
        if (!control) continue;
        expect(block).toContain(`<span data-text="rationale">${escapeHtml(control.rationale[lang])}</span>`);
        const remediation = `<span class="pre" data-text="remediation">${escapeHtml(control.remediation[lang])}</span>`;
        if (block.includes('class="fr-fail"')) {
          failing++;
          expect(block).toContain(remediation);
        } else expect(block).not.toContain('data-text="remediation"');
      }
      expect(failing).toBeGreaterThan(0);
    }
  });

  it('escapes everything taken from the assessment', () => {
    expect(ja).not.toContain('<script>alert(1)</script>');
    expect(ja).not.toContain('<script>alert(2)</script>');
    expect(ja).toContain(escapeHtml(TRICKY_REASON_JA));
    expect(en).toContain(escapeHtml(TRICKY_REASON));
    expect(ja).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(ja).toContain(escapeHtml(TRICKY_ID));
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('shows attestations with owner, evidence reference, dates and state', () => {
    const valid = article(ja, '1-1');
    const a = ATTESTATIONS[0]!;
    for (const text of [a.owner, a.evidence, a.attested, a.expires]) expect(valid).toContain(escapeHtml(text));
    expect(valid).toContain(`<dt>確認内容</dt><dd class="pre" data-text="statement">${escapeHtml(a.statement)}</dd>`);
    expect(valid).toContain('有効');
    const expired = article(en, '1-2');
    expect(expired).toContain('Data Protection Officer');
    expect(expired).toContain('Privacy policy v3 &lt;https://intranet.invalid/privacy?a=1&amp;b=2&gt;');
    expect(expired).toContain('Expired');
    expect(expired).toContain('2025-12-31');
    expect(article(ja, '1-3')).toContain('確認書は登録されていません。');
  });

  it('shows collection coverage and errors', () => {
    const coverage = ja.slice(ja.indexOf('id="coverage"'), ja.indexOf('id="requirements"'));
    expect(coverage).toContain(escapeHtml(FAILED_ERROR));
    expect(coverage).toContain('失敗');
    expect(coverage).toContain('444455556666');
    expect(coverage).toContain('111122223333');
    expect(en).toContain('Collection coverage and errors');
  });

  it('shows the snapshot digest and signature status only when given', () => {
    expect(ja).not.toContain('マニフェストのダイジェスト');
    const withSnapshot: ReportInput = {
      ...input,
      snapshot: { dir: '/evidence/2026-11-01T000000Z', manifestDigest: `sha256:${'0f'.repeat(32)}`, signature: { state: 'invalid', detail: 'signature does not match <key>' } },
    };
    const page = renderHtmlReport(withSnapshot, { lang: 'ja' });
    expect(page).toContain('マニフェストのダイジェスト');
    expect(page).toContain(`sha256:${'0f'.repeat(32)}`);
    expect(page).toContain('/evidence/2026-11-01T000000Z');
    expect(page).toContain('無効');
    expect(page).toContain('signature does not match &lt;key&gt;');
    const enPage = renderHtmlReport({ ...withSnapshot, snapshot: { dir: '/e', signature: { state: 'unsigned' } } }, { lang: 'en' });
    expect(enPage).toContain('Unsigned');
  });

  it('limits passing rows per control, never failing or unknown ones, and says how many are left out', () => {
    const page = renderHtmlReport(input, { lang: 'en', passingRowsPerControl: 0 });
    expect(page).not.toContain('class="fr-pass"');
    expect(page).toContain('more passing resources');
    expect(page.split('class="fr-fail"').length).toBe(ja.split('class="fr-fail"').length);
    expect(page.split('class="fr-unknown"').length).toBe(ja.split('class="fr-unknown"').length);
  });

  it('shows waived findings with their exception, and every exception with its state and counts', () => {
    const waivedInput = waivedReportInput();
    for (const lang of ['ja', 'en'] as const) {
      const page = renderHtmlReport(waivedInput, { lang });
      const item = article(page, '2-6');
      const block = item.slice(item.indexOf(`data-control="${WAIVED_CONTROL}"`));
      const rows = block.split('<tr class="fr-waived" data-exception="EXC-2026-001">').slice(1);
      expect(rows).toHaveLength(2);
      const label = lang === 'ja' ? '例外承認' : 'Waived';
      for (const row of rows) {
        expect(row).toContain(`<span class="badge fs-waived"><span class="sym" aria-hidden="true">⊘</span>${label}</span>`);
        expect(row).toContain(`data-text="justification">${escapeHtml(ACTIVE_EXCEPTION.justification[lang])}</span>`);
        expect(row).toContain(escapeHtml(ACTIVE_EXCEPTION.approvedBy));
        expect(row).toContain(ACTIVE_EXCEPTION.expires);
        expect(row).toContain(lang === 'ja' ? '例外 EXC-2026-001 により承認' : 'Waived by exception EXC-2026-001');
      }
      // Waived findings are counted as waived, never as failing.
      const plain = article(renderHtmlReport(input, { lang }), '2-6');
      const failingBefore = plain.split('class="fr-fail"').length;
      expect(item.split('class="fr-fail"').length).toBe(failingBefore);
      expect(block).toMatch(lang === 'ja' ? /例外承認 2・適合/ : /2 waived ·/);

      const section = page.slice(page.indexOf('<section id="exceptions">'), page.indexOf('</section>', page.indexOf('<section id="exceptions">')));
      const active = section.slice(section.indexOf('id="exception-EXC-2026-001"'));
      expect(active).toMatch(/^id="exception-EXC-2026-001" data-exception="EXC-2026-001" data-state="active"><td><code>EXC-2026-001<\/code><\/td><td><code>aws-sg-admin-ports-closed-to-world<\/code><\/td>/);
      expect(active).toContain(`<td class="num">2</td><td class="num">2</td></tr>`);
      expect(active).toContain(escapeHtml(ACTIVE_EXCEPTION.reference!));
      const expired = section.slice(section.indexOf('id="exception-EXC-2025-007"'));
      expect(expired).toContain('data-state="expired"');
      expect(expired).toContain(`<span class="badge ex-expired"><span class="sym" aria-hidden="true">✗</span>${lang === 'ja' ? '期限切れ' : 'Expired'}</span>`);
      expect(expired).toContain(`<td>${EXPIRED_EXCEPTION.expires}</td><td>${EXPIRED_EXCEPTION.approvedBy}</td>`);
      expect(expired).toContain(`<td class="num">1</td><td class="num">0</td></tr>`);
      expect(page).toContain(lang === 'ja' ? '例外承認された検出結果 2 件' : '2 waived findings');
    }
    expect(ja).toContain('例外は登録されていません。');
  });

  it('is a pure function: the same input gives the same bytes', () => {
    expect(renderHtmlReport(input, { lang: 'ja', toolVersion: '9.9.9' })).toBe(ja);
  });
});
