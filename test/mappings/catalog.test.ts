import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../src/mappings/catalog.js';
import { BUNDLED_CATALOG, PACKAGE_ROOT } from '../../src/paths.js';

// The seed as published (PDF extraction), vendored unchanged next to the catalog.
const SEED = join(PACKAGE_ROOT, 'mappings', 'catalogs', 'source', 'cloud-procurement-spec.ja.txt');
const ITEMS_PER_CATEGORY = [11, 10, 13, 4, 4, 4, 9, 3, 6, 2];

const squash = (text: string): string => text.replace(/\s+/g, '');

/** The seed's text for item `n` of a category: everything between "(n)" and the next "(n+1)" / category start. */
function seedItems(): Map<string, string> {
  // Bullets and layout from the PDF extraction are dropped; sentences split across lines are rejoined.
  const text = readFileSync(SEED, 'utf8')
    .split('\n')
    .map((line) => line.replace(/^\s*-\s?/, '').trim())
    .join('');
  const items = new Map<string, string>();
  const pattern = /(?:(\d+)\s*)?\((\d+)\)/g;
  const marks: { category: number; item: number; start: number; end: number }[] = [];
  let category = 0;
  for (const match of text.matchAll(pattern)) {
    if (match[1]) category = Number(match[1]);
    marks.push({ category, item: Number(match[2]), start: match.index, end: match.index + match[0].length });
  }
  marks.forEach((mark, i) => {
    const next = marks[i + 1];
    let body = text.slice(mark.end, next ? next.start : text.length);
    if (next && next.category !== mark.category) body = body.replace(/\d+\s*$/, '');
    items.set(`${mark.category}-${mark.item}`, squash(body));
  });
  return items;
}

describe('the bundled catalog', () => {
  const catalog = loadCatalog(BUNDLED_CATALOG);

  it('has all 66 items with ids 1-1 … 10-2 in order', () => {
    const expected = ITEMS_PER_CATEGORY.flatMap((count, c) => Array.from({ length: count }, (_, i) => `${c + 1}-${i + 1}`));
    expect(catalog.requirements.map((r) => r.id)).toEqual(expected);
    expect(expected).toHaveLength(66);
  });

  it('carries the Japanese text of the seed verbatim (after whitespace normalisation and noted fixes)', () => {
    const seed = seedItems();
    expect(seed.size).toBe(66);
    for (const requirement of catalog.requirements) {
      let text = squash(requirement.textJa);
      // The only OCR fix, noted on the item: the seed prints リカバリ as りカバリ.
      if (requirement.textNote?.ja.includes('りカバリ')) text = text.replace('リカバリ', 'りカバリ');
      expect({ id: requirement.id, text }).toEqual({ id: requirement.id, text: seed.get(requirement.id) });
    }
  });

  it('notes every place its text differs from the seed', () => {
    const seed = seedItems();
    const changed = catalog.requirements.filter((r) => squash(r.textJa) !== seed.get(r.id)).map((r) => r.id);
    expect(changed).toEqual(['7-6']);
    expect(catalog.requirements.find((r) => r.id === '7-6')?.textJa).toContain('リカバリ計画');
  });

  it('classifies every item with a rationale, about 14 automated / 16 partial / 36 manual', () => {
    const count = (c: string): number => catalog.requirements.filter((r) => r.automation === c).length;
    expect(count('automated') + count('partial') + count('manual')).toBe(66);
    expect(count('automated')).toBeGreaterThanOrEqual(10);
    expect(count('partial')).toBeGreaterThanOrEqual(12);
    expect(count('manual')).toBeGreaterThanOrEqual(30);
    for (const r of catalog.requirements) {
      expect(r.rationale.en.length).toBeGreaterThan(20);
      expect({ id: r.id, ja: /[\u3040-\u30ff\u4e00-\u9fff]/.test(r.rationale.ja) }).toEqual({ id: r.id, ja: true });
    }
  });

  it('names all 10 categories in Japanese and English', () => {
    expect(catalog.categories.map((c) => c.id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    for (const c of catalog.categories) {
      expect(c.nameJa).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      expect(c.nameEn).toMatch(/[A-Za-z]/);
    }
  });
});
