/**
 * The HTML report in a real browser: Debian's chromium, headless, renders the file offline, its DOM
 * holds all 66 items, and a screenshot is produced. KANSA_UPDATE_SCREENSHOT=1 also copies the
 * screenshot to docs/report-screenshot.png (the README's picture). The Japanese report of a sandbox
 * scan (every provider, every bundled control) shows every reason and remediation in Japanese.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { renderHtmlReport } from '../../src/reports/html.js';
import type { ReportInput } from '../../src/reports/model.js';
import { runCli } from '../support/cli.js';
import { reportInput } from './fixture.js';
import { tempDir } from '../support/temp.js';

const CHROMIUM = '/usr/bin/chromium';
const MISSING = `${CHROMIUM} is missing: the browser test needs Debian's chromium (and Japanese fonts for a readable screenshot): apt-get install -y chromium fonts-noto-cjk`;
/** A safety net against a hung browser, not a timing assertion; each test allows its launches this long (jest's default is shorter). */
const BROWSER_TIMEOUT_MS = 120_000;
const WIDTH = 1280;
/** Hiragana, Katakana (full and half width) or a CJK ideograph: the text is at least partly Japanese. */
const JAPANESE = /[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]/u;
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

let profiles = 0;
function chromium(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const profile = join(work, `profile-${++profiles}`);
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
  ];
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, [...flags, ...args], { timeout: BROWSER_TIMEOUT_MS, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`chromium ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
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
    if (!existsSync(CHROMIUM)) throw new Error(MISSING);
  });

  it('renders offline with all 66 items in the DOM', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(MISSING);
    const file = join(work, 'report.html');
    writeFileSync(file, renderHtmlReport(input, { lang: 'ja', toolVersion: '0.1.0' }));
    const { stdout: dom } = await chromium('--dump-dom', pathToFileURL(file).href);
    expect(dom).toContain('<html lang="ja">');
    const ids = [...dom.matchAll(/<article [^>]*id="req-([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(input.catalog.requirements.map((r) => r.id));
    expect(ids).toHaveLength(66);
    for (const r of input.catalog.requirements) expect(dom).toContain(r.textJa);
  }, BROWSER_TIMEOUT_MS + 10_000);

  it('produces a screenshot', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(MISSING);
    for (const lang of ['ja', 'en'] as const) {
      const file = join(work, `report-${lang}.html`);
      const png = join(work, `report-${lang}.png`);
      writeFileSync(file, renderHtmlReport(input, { lang, toolVersion: '0.1.0' }));
      await chromium(`--screenshot=${png}`, `--window-size=${WIDTH},${HEIGHT}`, '--hide-scrollbars', pathToFileURL(file).href);
      expect(pngSize(png)).toEqual({ width: WIDTH, height: HEIGHT });
      if (lang === 'ja' && process.env['KANSA_UPDATE_SCREENSHOT'] === '1') copyFileSync(png, join(PACKAGE_ROOT, 'docs', 'report-screenshot.png'));
    }
  }, 2 * BROWSER_TIMEOUT_MS + 10_000);

  it('shows every reason, remediation and rationale of a sandbox scan\'s Japanese report in Japanese', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(MISSING);
    const scan = await runCli(['scan', '--sandbox', '--sandbox-resources', '600', '--output', 'json']);
    expect(scan.code).toBe(0);
    const json = join(work, 'sandbox-scan.json');
    writeFileSync(json, scan.stdout);
    const file = join(work, 'sandbox-report.html');
    // Through the CLI, from the JSON contract: what an auditor gets from `kansa scan` + `kansa report`.
    expect(await runCli(['report', json, '--format', 'html', '--lang', 'ja', '--out', file])).toMatchObject({ code: 0, stdout: '' });
    const { stdout: dom } = await chromium('--dump-dom', pathToFileURL(file).href);
    expect(dom).toContain('<html lang="ja">');

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
