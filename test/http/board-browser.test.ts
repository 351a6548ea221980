/**
 * The live board in a real browser: `kansa run --sandbox` serves `/`, Debian's chromium renders it headless,
 * and the screenshot is looked at: a page of coloured cells and text, not blank, with Japanese glyphs drawn
 * by the board's own font stack rather than as tofu. KANSA_UPDATE_SCREENSHOT=1 also copies the Japanese
 * screenshot to docs/board-screenshot.png (the README's picture).
 */
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { BROWSER_TIMEOUT_MS, CHROMIUM, CHROMIUM_MISSING, GLYPH_CELL, GLYPH_TOP, JAPANESE, chromium, glyphProbe, glyphProblems, inkStats } from '../support/chromium.js';
import { readPng, luminance, type Image } from '../support/png.js';
import { httpText, startKansaRun, waitFor, type Spawned } from '../support/processes.js';
import { tempDir } from '../support/temp.js';

const KANSA = join(PACKAGE_ROOT, 'bin', 'kansa.js');
const WIDTH = 1280;
const HEIGHT = 1500;

describe('the live board in headless chromium', () => {
  const work = tempDir('kansa-board-browser-');
  let kansa: Spawned;
  let url: string;
  beforeAll(async () => {
    const started = await startKansaRun(KANSA, ['--sandbox', '--sandbox-resources', '400']);
    kansa = started.kansa;
    url = `http://127.0.0.1:${started.port}`;
    // The first assessment of every collector: the board shows states, not "pending".
    await waitFor('the first assessment', async () => ((await httpText(`${url}/readyz`)).status === 200 ? true : undefined));
    await waitFor('every collector', async () => ((await httpText(`${url}/`)).text.includes('data-state="pending"') || (kansa.output().match(/"msg":"scan finished"/g) ?? []).length < 3 ? undefined : true));
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => {
    await kansa?.stop();
  });

  it(`finds ${CHROMIUM}`, () => {
    if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING);
  });

  it('renders / in Japanese with all 66 items, and in English with ?lang=en', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING);
    const { stdout: ja } = await chromium(work, ['--dump-dom', `${url}/`]);
    expect(ja).toContain('<html lang="ja">');
    expect([...ja.matchAll(/data-requirement="([^"]+)"/g)]).toHaveLength(66);
    expect(ja).not.toContain('data-state="pending"');
    for (const word of ['適合', '不適合', '見えていない範囲']) expect(ja).toContain(word);
    const { stdout: en } = await chromium(work, ['--dump-dom', `${url}/?lang=en`]);
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Non-compliant');
  }, 2 * BROWSER_TIMEOUT_MS);

  it('draws a screenshot that is a page of cells and text, different in each language', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING);
    const shots: Image[] = [];
    for (const lang of ['ja', 'en'] as const) {
      const png = join(work, `board-${lang}.png`);
      await chromium(work, [`--screenshot=${png}`, `--window-size=${WIDTH},${HEIGHT}`, '--hide-scrollbars', lang === 'ja' ? `${url}/` : `${url}/?lang=en`]);
      const image = readPng(png);
      expect({ width: image.width, height: image.height }).toEqual({ width: WIDTH, height: HEIGHT });
      // Not blank: cells and text cover a good part of a white page, down the window. A blank page has share 0.
      const stats = inkStats(image);
      expect(stats.share).toBeGreaterThan(0.03);
      expect(stats.share).toBeLessThan(0.7);
      expect(stats.bandsWithInk).toBeGreaterThanOrEqual(stats.bands - 2);
      expect(luminance(image, WIDTH - 2, HEIGHT - 2)).toBeGreaterThan(250);
      shots.push(image);
      if (lang === 'ja' && process.env['KANSA_UPDATE_SCREENSHOT'] === '1') copyFileSync(png, join(PACKAGE_ROOT, 'docs', 'board-screenshot.png'));
    }
    expect(Buffer.from(shots[0]!.rgba).equals(Buffer.from(shots[1]!.rgba))).toBe(false);
  }, 2 * BROWSER_TIMEOUT_MS + 10_000);

  it("draws the board's Japanese with its font stack, not tofu, and the check catches tofu", async () => {
    if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING);
    const page = (await httpText(`${url}/`)).text;
    // Distinct Japanese characters of the board's own title.
    const title = /<h1>([^<]+)<\/h1>/.exec(page)?.[1] ?? '';
    const characters = [...new Set([...title].filter((c) => JAPANESE.test(c)))].slice(0, 5);
    expect(characters).toHaveLength(5);
    const file = join(work, 'board-glyphs.html');
    writeFileSync(file, glyphProbe(page, characters));
    const shoot = async (name: string, env: Record<string, string>): Promise<Image> => {
      const png = join(work, name);
      await chromium(work, [`--screenshot=${png}`, `--window-size=${(characters.length + 1) * GLYPH_CELL},${GLYPH_TOP + GLYPH_CELL + 100}`, '--hide-scrollbars', pathToFileURL(file).href], env);
      return readPng(png);
    };
    expect(glyphProblems(await shoot('board-glyphs.png', {}), characters)).toEqual([]);
    // With fontconfig limited to a font without Japanese (DejaVu), every character is the missing-glyph box: rejected.
    const conf = join(work, 'fonts-latin.conf');
    writeFileSync(conf, `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>${join(work, 'fontconfig-cache')}</cachedir></fontconfig>\n`);
    expect(glyphProblems(await shoot('board-glyphs-latin.png', { FONTCONFIG_FILE: conf }), characters).length).toBeGreaterThanOrEqual(characters.length);
  }, 2 * BROWSER_TIMEOUT_MS + 10_000);
});
