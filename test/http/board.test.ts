/** The live board at `/`: behind the endpoint's TLS and basic auth, Japanese by default, `?lang=en`, escaped, one cell per item in its state. */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import type { AgentStatusSource, EngineStatus } from '../../src/contract/status.js';
import { REQUIREMENT_STATES, type RequirementState } from '../../src/evaluate/assessment.js';
import { boardLanguage, renderBoard } from '../../src/http/board.js';
import { startEndpoint, type Endpoint } from '../../src/http/server.js';
import { hashPassword } from '../../src/http/web-config.js';
import { WebSecurity } from '../../src/http/web-security.js';
import { bundledMappings } from '../support/evaluate.js';
import { tempDir } from '../support/temp.js';
import { makePki, type TestPki } from './support/certs.js';
import { get } from './support/client.js';

const mappings = bundledMappings();
const { catalog } = mappings;
const HOSTILE = '<script>alert("x")</script>&\'';

/** The states in turn, so every state is on the board; two items are noncompliant more, to check the counts. */
function stateOf(index: number): RequirementState {
  return REQUIREMENT_STATES[index % REQUIREMENT_STATES.length]!;
}

function status(options: { assessed: boolean }): EngineStatus {
  const requirements = catalog.requirements.map((r, i) => ({ id: r.id, category: r.category.id, status: stateOf(i) }));
  const summary = Object.fromEntries(REQUIREMENT_STATES.map((s) => [s, requirements.filter((r) => r.status === s).length])) as Record<RequirementState, number>;
  return {
    ready: options.assessed,
    assessment: options.assessed
      ? {
          catalog: { id: catalog.id },
          generatedAt: '2026-11-01T03:04:05.000Z',
          summary,
          requirements,
          tallies: [],
          coverage: [
            { provider: 'aws', account: '111111111111', scopes: { covered: 3, partial: 0, blind: 0 }, uncoveredTypes: 0, unreadable: 0 },
            { provider: 'azure', account: HOSTILE, scopes: { covered: 1, partial: 2, blind: 1 }, uncoveredTypes: 7, unreadable: 3 },
          ],
        }
      : undefined,
    collectors: [
      {
        name: 'aws-config',
        provider: 'aws',
        staleAfterSeconds: 3600,
        scheduleIntervalSeconds: 900,
        running: false,
        accounts: [{ account: '111111111111', ok: true, durationSeconds: 2, resources: 1234 }],
        lastSuccessByAccount: [['111111111111', Date.parse('2026-11-01T03:00:00Z') / 1000]],
      },
      { name: `azure-${HOSTILE}`, provider: 'azure', staleAfterSeconds: 3600, scheduleIntervalSeconds: 900, running: true, accounts: [{ account: HOSTILE, ok: false, error: 'denied', durationSeconds: 1, resources: 0 }], lastSuccessByAccount: [] },
    ],
    clockOffsets: [],
    engineLoopDelayP99Ms: 0,
  };
}

function source(engine: EngineStatus): AgentStatusSource {
  return { catalog, attestations: [], exceptions: [], controls: mappings.controls, status: engine };
}

/** The cells of a rendered board: requirement id → state. */
function cells(page: string): Map<string, string> {
  return new Map([...page.matchAll(/<li class="cell st-[a-z_]+" [^>]*data-requirement="([^"]+)" data-state="([a-z_]+)"/g)].map((m) => [m[1]!, m[2]!]));
}

describe('the board page', () => {
  it('shows one cell per checklist item, grouped by category, in its state, with the counts', () => {
    const page = renderBoard(source(status({ assessed: true })), 'ja');
    const shown = cells(page);
    expect(shown.size).toBe(66);
    catalog.requirements.forEach((r, i) => expect(shown.get(r.id)).toBe(stateOf(i)));
    // Grouped: each category heading is followed by its own items, in catalog order.
    const sections = [...page.matchAll(/<section class="cat"><h3>([^<]+)<\/h3>(.*?)<\/section>/g)];
    expect(sections.map((s) => s[1])).toEqual(catalog.categories.map((c) => `${c.id}. ${c.nameJa}`));
    for (const [i, category] of catalog.categories.entries()) {
      expect([...sections[i]![2]!.matchAll(/data-requirement="([^"]+)"/g)].map((m) => m[1])).toEqual(catalog.requirements.filter((r) => r.category.id === category.id).map((r) => r.id));
    }
    for (const state of REQUIREMENT_STATES) {
      const count = catalog.requirements.filter((_, i) => stateOf(i) === state).length;
      expect(page).toMatch(new RegExp(`<div class="count st-${state}"><span class="n">${count}</span>`));
    }
    expect(page).toContain('<html lang="ja">');
    for (const word of ['適合', '不適合', '判定不能', '未評価', '見えていない範囲', 'コレクタ別の最終収集']) expect(page).toContain(word);
    expect(page).toContain('2026-11-01T03:04:05Z (JST 2026-11-01 12:04)');
  });

  it('lists the last scan per collector and the accounts with blind spots, and links to /metrics', () => {
    const page = renderBoard(source(status({ assessed: true })), 'en');
    expect(page).toMatch(/<tr><td>aws-config<\/td><td>aws<\/td><td class="ok">all 1 ok<\/td><td>2026-11-01T03:00:00Z \(JST 2026-11-01 12:00\)<\/td><td class="num">1234<\/td><td>idle<\/td><\/tr>/);
    expect(page).toMatch(/<td class="ng">1 of 1 failed<\/td><td>not yet<\/td><td class="num">0<\/td><td>scanning<\/td>/);
    // Only the account with gaps: partial 2, blind 1, 7 uncovered types, 3 unreadable items.
    expect(page).toMatch(/<td class="num uk">2<\/td><td class="num ng">1<\/td><td class="num">7<\/td><td class="num">3<\/td>/);
    expect(page).not.toMatch(/<tr><td>aws<\/td><td>111111111111<\/td>/);
    expect(page).toContain('<a href="/metrics">/metrics</a>');
  });

  it('escapes every value it did not write itself', () => {
    for (const lang of ['ja', 'en'] as const) {
      const page = renderBoard(source(status({ assessed: true })), lang);
      expect(page).not.toContain('<script');
      expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    }
  });

  it('says the first assessment is pending rather than showing any verdict before it', () => {
    const page = renderBoard(source(status({ assessed: false })), 'ja');
    expect(new Set(cells(page).values())).toEqual(new Set(['pending']));
    expect(page).toContain('最初の評価がまだ終わっていません');
    expect(page).not.toMatch(/class="count st-[a-z_]+"><span class="n">\d/);
  });

  it('needs nothing outside the page: no script, no external asset', () => {
    const page = renderBoard(source(status({ assessed: true })), 'ja');
    expect(page).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|url\(/i);
    expect([...page.matchAll(/href="([^"]+)"/g)].map((m) => m[1])).toEqual(['/?lang=en', '/metrics', '/healthz', '/readyz']);
  });

  it('is Japanese unless the query asks for English', () => {
    expect(boardLanguage(new URLSearchParams(''))).toBe('ja');
    expect(boardLanguage(new URLSearchParams('lang=en'))).toBe('en');
    expect(boardLanguage(new URLSearchParams('lang=fr'))).toBe('ja');
  });
});

describe('the board on the endpoint', () => {
  let pki: TestPki;
  let endpoint: Endpoint;
  let current = status({ assessed: true });
  beforeAll(async () => {
    pki = makePki();
    const dir = tempDir('kansa-board-');
    copyFileSync(pki.serverCert, join(dir, 'tls.crt'));
    copyFileSync(pki.serverKey, join(dir, 'tls.key'));
    writeFileSync(join(dir, 'web.yml'), `tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\nbasic_auth_users:\n  auditor: '${hashPassword('s3cret', 4)}'\n`);
    const web = WebSecurity.fromFile(join(dir, 'web.yml'), { onError: () => undefined });
    endpoint = await startEndpoint({ host: '127.0.0.1', port: 0, registry: new Registry(), ready: () => true, onError: () => undefined, web, board: (query) => renderBoard(source(current), boardLanguage(query)) });
  });
  afterAll(() => endpoint.close());
  const login = (): { ca: string; user: string; password: string } => ({ ca: pki.caCert, user: 'auditor', password: 's3cret' });

  it('asks for the same basic auth as /metrics', async () => {
    for (const credentials of [{}, { user: 'auditor', password: 'wrong' }]) {
      const reply = await get(`${endpoint.url}/?lang=en`, { ca: pki.caCert, ...credentials });
      expect(reply.status).toBe(401);
      expect(reply.body).not.toContain('cell');
    }
  });

  it('serves the Japanese board over TLS, and English with ?lang=en, as self-contained HTML', async () => {
    const ja = await get(`${endpoint.url}/`, login());
    expect(ja.status).toBe(200);
    expect(ja.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(ja.headers['content-security-policy']).toContain("default-src 'none'");
    expect(ja.body).toContain('<html lang="ja">');
    expect(cells(ja.body).size).toBe(66);
    const en = await get(`${endpoint.url}/?lang=en`, login());
    expect(en.body).toContain('<html lang="en">');
    for (const word of ['Compliant', 'Non-compliant', 'Unknown', 'Not assessed', 'Blind spots']) expect(en.body).toContain(word);
    expect(en.body).not.toContain('適合');
  });

  it('shows the status as it is at each request', async () => {
    current = status({ assessed: false });
    expect(new Set(cells((await get(`${endpoint.url}/`, login())).body).values())).toEqual(new Set(['pending']));
    current = status({ assessed: true });
    expect(cells((await get(`${endpoint.url}/`, login())).body).get(catalog.requirements[1]!.id)).toBe('noncompliant');
  });
});
