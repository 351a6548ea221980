/**
 * Headless chromium for page tests: launch, and read what a screenshot shows from its pixels (ink share,
 * Japanese glyphs drawn rather than tofu). The same checks as test/reports/browser.test.ts, shared so the
 * live board's test (test/http/board-browser.test.ts) can use them.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { inkOf, type Image } from './png.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_MISSING = `${CHROMIUM} is missing: the browser test needs Debian's chromium (and Japanese fonts for a readable screenshot): apt-get install -y chromium fonts-noto-cjk`;
/** A safety net against a hung browser, not a timing assertion. */
export const BROWSER_TIMEOUT_MS = 120_000;
/** Hiragana, Katakana (full and half width) or a CJK ideograph. */
export const JAPANESE = /[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]/u;

let profiles = 0;

/** Runs headless chromium with a fresh profile under `work`; `env` adds to the environment (e.g. FONTCONFIG_FILE). */
export function chromium(work: string, args: readonly string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${join(work, `profile-${++profiles}`)}`];
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, [...flags, ...args], { env: { ...process.env, ...env }, timeout: BROWSER_TIMEOUT_MS, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`chromium ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/** The share of pixels that differ from the background (the commonest colour), and how many 100-row bands hold ink. */
export function inkStats(image: Image): { share: number; bandsWithInk: number; bands: number } {
  const colours = new Map<number, number>();
  const rgba = new DataView(image.rgba.buffer, image.rgba.byteOffset, image.rgba.byteLength);
  for (let i = 0; i < image.rgba.length; i += 4) colours.set(rgba.getUint32(i), (colours.get(rgba.getUint32(i)) ?? 0) + 1);
  const background = [...colours].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  let ink = 0;
  const inked = new Set<number>();
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (rgba.getUint32((y * image.width + x) * 4) === background) continue;
      ink++;
      inked.add(Math.floor(y / 100));
    }
  }
  return { share: ink / (image.width * image.height), bandsWithInk: inked.size, bands: Math.ceil(image.height / 100) };
}

/** One glyph per cell of the probe page, drawn black on white at this size. */
export const GLYPH_CELL = 120;
export const GLYPH_TOP = 100;
/** An unassigned code point (U+0378): every browser draws the missing-glyph box for it. */
const TOFU = '\u0378';

/** The page with its own stylesheet (its font stack) and a body of one glyph per cell: the characters, then the missing-glyph reference. */
export function glyphProbe(pageHtml: string, characters: readonly string[]): string {
  const cells = [...characters, TOFU]
    .map((c, i) => `<div style="position:absolute;left:${i * GLYPH_CELL}px;top:${GLYPH_TOP}px;width:${GLYPH_CELL}px;height:${GLYPH_CELL}px;font-size:96px;line-height:${GLYPH_CELL}px;text-align:center;color:#000;background:#fff">${c}</div>`)
    .join('');
  return pageHtml.replace(/<body\b[^>]*>[\s\S]*<\/body>/, `<body style="margin:0;background:#fff">${cells}</body>`);
}

/** Why the probe's cells are not real glyphs, if they are not: (almost) no ink, drawn like the tofu box, or two drawn alike. */
export function glyphProblems(image: Image, characters: readonly string[]): string[] {
  const cell = (i: number): boolean[] => inkOf(image, { x: i * GLYPH_CELL, y: GLYPH_TOP, width: GLYPH_CELL, height: GLYPH_CELL });
  const distance = (a: boolean[], b: boolean[]): number => {
    let differ = 0;
    let either = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i] || b[i]) either++;
      if (a[i] !== b[i]) differ++;
    }
    return either === 0 ? 0 : differ / either;
  };
  const tofu = cell(characters.length);
  const glyphs = characters.map((_, i) => cell(i));
  const problems: string[] = [];
  glyphs.forEach((g, i) => {
    const ink = g.filter(Boolean).length;
    if (ink < 200) problems.push(`${characters[i]}: only ${ink} dark pixels`);
    else if (distance(g, tofu) < 0.3) problems.push(`${characters[i]}: drawn like the missing-glyph box (tofu)`);
    for (let j = 0; j < i; j++) if (distance(g, glyphs[j]!) < 0.3) problems.push(`${characters[i]} and ${characters[j]}: drawn alike`);
  });
  return problems;
}
