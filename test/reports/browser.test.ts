/**
 * The HTML report in a real browser: Debian's chromium, headless, renders the file offline, its DOM
 * holds all 66 items, and its screenshot is a page of text (decoded and looked at, not just sized).
 * Japanese glyphs render with the report's own font stack, not as tofu. KANSA_UPDATE_SCREENSHOT=1 also
 * copies the screenshot to docs/report-screenshot.png (the README's picture). The Japanese report of a
 * sandbox scan (every provider, every bundled control) shows every reason and remediation in Japanese.
 */
import { copyFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { renderHtmlReport } from '../../src/reports/html.js';
import type { ReportInput } from '../../src/reports/model.js';
import { runCli } from '../support/cli.js';
import { reportInput } from './fixture.js';
import { luminance, readPng, type Image } from '../support/png.js';
import { BROWSER_TIMEOUT_MS, CHROMIUM, CHROMIUM_MISSING, JAPANESE, chromium, glyphProbe, glyphProblems, inkStats, GLYPH_CELL, GLYPH_TOP } from '../support/chromium.js';
import { tempDir } from '../support/temp.js';

const WIDTH = 1280;
const HEIGHT = 2000;

const work = tempDir('kansa-browser-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The elements marked with data-text (they hold text only, no markup): what kansa wrote in the report language. */
function textElements(markup: string): { elements: { kind: string; text: string }[]; marked: number } {
  const kinds = 'reason|remediation|rationale|note';
  const marked = [...markup.matchAll(new RegExp(`data-text="(${kinds})"`, 'g'))].length;
  const elements = [...markup.matchAll(new RegExp(`<(\\w+)\\b[^>]*\\bdata-text="(${kinds})"[^>]*>([^<]*)</\\1>`, 'g'))].map((m) => ({ kind: m[2]!, text: m[3]! }));
  return { elements, marked };
}

/** Up to 20 distinct elements without a single Japanese character, as `kind: text`. */
function untranslated(elements: readonly { kind: string; text: string }[]): string[] {
  return [...new Set(elements.filter((e) => !JAPANESE.test(e.text)).map((e) => `${e.kind}: ${e.text.slice(0, 160)}`))].slice(0, 20);
}

const input: ReportInput = {
  ...reportInput(),
  snapshot: {
    dir: '/var/lib/kansa/evidence/20261101T000000Z-0001',
    manifestDigest: 'sha256:5b1f0c9e3a7d4e2b8c6f1a0d9e8b7c6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c',
    signature: { state: 'valid', keyId: 'ed25519 key kansa-evidence-2026' },
  },
};

describe('HTML report in headless chromium', () => {
  it(`finds ${CHROMIUM}`, () => {
    if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING);
  });

  it('renders offline with all 66 items in the DOM', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING);
    const file = join(work, 'report.html');
    writeFileSync(file, renderHtmlReport(input, { lang: 'ja', toolVersion: '0.1.0' }));
    const { stdout: dom } = await chromium(work, ['--dump-dom', pathToFileURL(file).href]);
    expect(dom).toContain('<html lang="ja">');
    const ids = [...dom.matchAll(/<article [^>]*id="req-([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(input.catalog.requirements.map((r) => r.id));
    expect(ids).toHaveLength(66);
    for (const r of input.catalog.requirements) expect(dom).toContain(r.textJa);
  }, BROWSER_TIMEOUT_MS + 10_000);

  it('produces a screenshot that is a page of text, different in each language', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING);
    const shots: Image[] = [];
    for (const lang of ['ja', 'en'] as const) {
      const file = join(work, `report-${lang}.html`);
      const png = join(work, `report-${lang}.png`);
      writeFileSync(file, renderHtmlReport(input, { lang, toolVersion: '0.1.0' }));
      await chromium(work, [`--screenshot=${png}`, `--window-size=${WIDTH},${HEIGHT}`, '--hide-scrollbars', pathToFileURL(file).href]);
      const image = readPng(png);
      expect({ width: image.width, height: image.height }).toEqual({ width: WIDTH, height: HEIGHT });
      // Not blank: text and badges cover a few percent of a white page, from the top to the bottom of
      // the window (66 items fill far more than 2000 px). A blank or one-colour page has share 0.
      const stats = inkStats(image);
      expect(stats.share).toBeGreaterThan(0.02);
      expect(stats.share).toBeLessThan(0.6);
      expect(stats.bandsWithInk).toBe(stats.bands);
      // The body's background is the page's commonest colour: white, as the stylesheet sets it.
      expect(luminance(image, WIDTH - 2, HEIGHT - 2)).toBeGreaterThan(250);
      shots.push(image);
      if (lang === 'ja' && process.env['KANSA_UPDATE_SCREENSHOT'] === '1') copyFileSync(png, join(PACKAGE_ROOT, 'docs', 'report-screenshot.png'));
    }
    expect(Buffer.from(shots[0]!.rgba).equals(Buffer.from(shots[1]!.rgba))).toBe(false);
  }, 2 * BROWSER_TIMEOUT_MS + 10_000);

  it('draws Japanese glyphs with the report\'s font stack, not tofu, and the check catches tofu', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING);
    // Distinct Japanese characters of the first requirement's text, as the report shows it.
    const characters = [...new Set([...input.catalog.requirements[0]!.textJa].filter((c) => JAPANESE.test(c)))].slice(0, 5);
    expect(characters).toHaveLength(5);
    const file = join(work, 'glyphs.html');
    writeFileSync(file, glyphProbe(renderHtmlReport(input, { lang: 'ja', toolVersion: '0.1.0' }), characters));
    const shoot = async (name: string, env: Record<string, string>): Promise<Image> => {
      const png = join(work, name);
      await chromium(work, [`--screenshot=${png}`, `--window-size=${(characters.length + 1) * GLYPH_CELL},${GLYPH_TOP + GLYPH_CELL + 100}`, '--hide-scrollbars', pathToFileURL(file).href], env);
      return readPng(png);
    };
    expect(glyphProblems(await shoot('glyphs.png', {}), characters)).toEqual([]);

    // The check really checks: with fontconfig limited to a font without Japanese (DejaVu) every
    // character becomes the missing-glyph box, and the same probe is rejected.
    const conf = join(work, 'fonts-latin.conf');
    writeFileSync(conf, `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>${join(work, 'fontconfig-cache')}</cachedir></fontconfig>\n`);
    const tofu = glyphProblems(await shoot('glyphs-latin.png', { FONTCONFIG_FILE: conf }), characters);
    expect(tofu.length).toBeGreaterThanOrEqual(characters.length);
  }, 2 * BROWSER_TIMEOUT_MS + 10_000);

  it('shows every reason, remediation and rationale of a sandbox scan\'s Japanese report in Japanese', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING);
    const scan = await runCli(['scan', '--sandbox', '--sandbox-resources', '600', '--output', 'json']);
    expect(scan.code).toBe(0);
    const json = join(work, 'sandbox-scan.json');
    writeFileSync(json, scan.stdout);
    const file = join(work, 'sandbox-report.html');
    // Through the CLI, from the JSON contract: what an auditor gets from `kansa scan` + `kansa report`.
    expect(await runCli(['report', json, '--format', 'html', '--lang', 'ja', '--out', file])).toMatchObject({ code: 0, stdout: `${file}\n` });
    const { stdout: dom } = await chromium(work, ['--dump-dom', pathToFileURL(file).href]);
    expect(dom).toContain('<html lang="ja">');
    // An unsigned JSON file: the browser shows the unverified-source banner, in Japanese, without claiming tampering.
    expect(dom).toMatch(/<div class="unverified-banner" role="alert" data-cause="unsigned"><p class="unverified-title">[^<]*<span[^>]*>✗<\/span> 署名のない評価結果ファイルから作成された報告書です/);
    // Passing resources are grouped per control and collapsed: the browser keeps every group closed.
    expect(dom).toMatch(/<details class="passing" data-passing="\d+"><summary>適合したリソース \d+ 件（観測値を表示）<\/summary>/);
    expect(dom).not.toMatch(/<details class="passing"[^>]*\sopen/);

    const { elements, marked } = textElements(dom);
    expect(elements).toHaveLength(marked);
    const count = (kind: string): number => elements.filter((e) => e.kind === kind).length;
    // Requirement reasons (66), finding reasons (failing and unknown ones at least), remediation of failing controls.
    expect(count('reason')).toBeGreaterThan(66);
    expect(count('remediation')).toBeGreaterThan(0);
    expect(count('rationale')).toBeGreaterThanOrEqual(66);
    expect(dom).toContain('class="fr-fail"');
    expect(untranslated(elements)).toEqual([]);

    // The check really checks: the same scan without its Japanese reasons (as an old JSON file) is caught.
    const english = JSON.parse(scan.stdout) as { requirements: Record<string, unknown>[]; findings: Record<string, unknown>[] };
    for (const item of [...english.requirements, ...english.findings]) delete item['reason_ja'];
    const legacyJson = join(work, 'sandbox-scan-english.json');
    writeFileSync(legacyJson, JSON.stringify(english));
    const legacy = await runCli(['report', legacyJson, '--format', 'html', '--lang', 'ja']);
    expect(legacy.code).toBe(0);
    expect(untranslated(textElements(legacy.stdout).elements).some((line) => line.startsWith('reason: '))).toBe(true);
  }, 3 * BROWSER_TIMEOUT_MS);
});
