/** The HTML report: every item, verdicts, evidence, attestations, coverage, escaping, both languages. */
import { escapeHtml, renderHtmlReport } from '../../src/reports/html.js';
import type { ReportInput } from '../../src/reports/model.js';
import { ATTESTATIONS, FAILED_ERROR, TRICKY_ID, TRICKY_REASON, reportInput } from './fixture.js';

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

  it('lists all 66 catalog items once, with their status, class, Japanese text, English title and reason', () => {
    expect(input.catalog.requirements).toHaveLength(66);
    const results = new Map(input.assessment.requirements.map((r) => [r.id, r]));
    for (const r of input.catalog.requirements) {
      const result = results.get(r.id)!;
      expect(ja.split(`id="req-${r.id}"`)).toHaveLength(2);
      const jaItem = article(ja, r.id);
      expect(jaItem).toContain(`data-status="${result.status}"`);
      expect(jaItem).toContain(escapeHtml(r.textJa));
      expect(jaItem).toContain(escapeHtml(r.titleEn));
      expect(jaItem).toContain(escapeHtml(result.reason));
      expect(jaItem).toContain({ compliant: '適合', noncompliant: '不適合', unknown: '判定不能', not_assessed: '未評価' }[result.status]);
      expect(jaItem).toContain({ automated: '自動評価', partial: '自動評価＋確認書', manual: '確認書による評価' }[r.automation]);
      const enItem = article(en, r.id);
      expect(enItem).toContain({ compliant: 'Compliant', noncompliant: 'Non-compliant', unknown: 'Unknown', not_assessed: 'Not assessed' }[result.status]);
      expect(enItem).toContain(escapeHtml(r.textJa));
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

  it('shows each control\'s findings: resources and observed values, failures first', () => {
    const item = article(ja, '2-6');
    const control = item.slice(item.indexOf('data-control="aws-sg-admin-ports-closed-to-world"'));
    expect(control).toContain('sg-0d2e3f4a5b6c7d804');
    expect(control).toContain('tcp/22 open to 0.0.0.0/0');
    expect(control.indexOf('fr-fail')).toBeLessThan(control.indexOf('fr-pass') === -1 ? Infinity : control.indexOf('fr-pass'));
    // Requirement 3-6 is evidenced by the same control and shows the same finding.
    expect(article(ja, '3-6')).toContain('sg-0d2e3f4a5b6c7d804');
  });

  it('escapes everything taken from the assessment', () => {
    expect(ja).not.toContain('<script>alert(1)</script>');
    expect(ja).toContain(escapeHtml(TRICKY_REASON));
    expect(ja).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(ja).toContain(escapeHtml(TRICKY_ID));
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('shows attestations with owner, evidence reference, dates and state', () => {
    const valid = article(ja, '1-1');
    const a = ATTESTATIONS[0]!;
    for (const text of [a.owner, a.evidence, a.statement, a.attested, a.expires]) expect(valid).toContain(escapeHtml(text));
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

  it('is a pure function: the same input gives the same bytes', () => {
    expect(renderHtmlReport(input, { lang: 'ja', toolVersion: '9.9.9' })).toBe(ja);
  });
});
