/** Bad mapping files fail at start-up naming the file, line, path and what was expected. */
import { InputError } from '../../src/errors.js';
import { loadAttestations } from '../../src/mappings/attestations.js';
import { loadCatalog } from '../../src/mappings/catalog.js';
import { loadControls } from '../../src/mappings/controls.js';
import { BUNDLED_CATALOG } from '../../src/paths.js';
import { tempFiles } from '../support/files.js';

const catalog = loadCatalog(BUNDLED_CATALOG);

const control = (overrides: string): string => `controls:
  - id: my-control
    title: { ja: 題, en: Title }
    provider: aws
    resourceTypes: [AWS::EC2::Volume]
    kind: each
    expression: resource.configuration.encrypted == true
    severity: high
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { jp-cloud-procurement: ["2-1"] }
${overrides}`;

function controlError(text: string): InputError {
  const files = tempFiles({ 'c.yaml': text });
  try {
    loadControls([files['c.yaml']!], [catalog]);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('control file validation', () => {
  it('accepts a valid control', () => {
    const files = tempFiles({ 'c.yaml': control('') });
    expect(loadControls([files['c.yaml']!], [catalog]).map((c) => c.id)).toEqual(['my-control']);
  });

  it('rejects CEL that does not compile, with the line and path', () => {
    const error = controlError(control('').replace('resource.configuration.encrypted == true', 'resource.configuration.encrypted ==')); 
    expect(error.file).toMatch(/c\.yaml:7$/);
    expect(error.path).toBe('controls[0].expression');
    expect(error.reason).toMatch(/^CEL does not compile: /);
  });

  it('rejects unknown variables and non-boolean expressions', () => {
    expect(controlError(control('').replace('resource.configuration.encrypted == true', 'volume.encrypted')).reason).toMatch(/CEL does not compile/);
    expect(controlError(control('').replace('resource.configuration.encrypted == true', "'\"yes\"'")).reason).toBe('CEL does not compile: expression has type string, expected bool');
  });

  it('rejects messages in one language (the format before controls v2) with what is expected', () => {
    const old = control('').replace('rationale: { ja: 根拠, en: why }', 'rationale: only English');
    expect(controlError(old).message).toMatch(/c\.yaml:\d+: controls\[0\]\.rationale: expected \{ja: …, en: …\} \(Japanese and English\)/);
    const oldUnknown = control('').replace('expression: resource.configuration.encrypted == true', 'expression: unknown("why")');
    expect(controlError(oldUnknown).message).toMatch(/controls\[0\]\.expression: CEL does not compile: found no matching overload for 'unknown\(string\)'/);
  });

  it('rejects unknown fields', () => {
    const error = controlError(control('    colour: red'));
    expect(error.path).toBe('controls[0]');
    expect(error.reason).toBe('unknown field(s) "colour"');
  });

  it('rejects unknown requirement ids', () => {
    const error = controlError(control('').replace('["2-1"]', '["2-1", "11-1"]'));
    expect(error.path).toBe('controls[0].requirements.jp-cloud-procurement[1]');
    expect(error.reason).toBe('unknown requirement "11-1" in catalog jp-cloud-procurement');
  });

  it('rejects duplicate ids across files', () => {
    const files = tempFiles({ 'a.yaml': control(''), 'b.yaml': control('') });
    expect(() => loadControls([files['a.yaml']!, files['b.yaml']!], [catalog])).toThrow(/b\.yaml:2: controls\[0\]\.id: duplicate control id "my-control" \(also in .*a\.yaml\)/);
  });

  it('rejects wrong enum values and missing fields with what was expected', () => {
    expect(controlError(control('').replace('kind: each', 'kind: every')).reason).toMatch(/expected one of "each"\|"exists"/);
    expect(controlError(control('').replace('    severity: high\n', '')).path).toBe('controls[0].severity');
    expect(controlError(control('').replace('kind: each', 'kind: exists')).reason).toBe('an "exists" control needs scope: account or region');
  });

  it('reports YAML syntax errors with the line', () => {
    const error = controlError('controls:\n  - id: [unclosed\n');
    expect(error.file).toMatch(/c\.yaml:\d+$/);
    expect(error.reason).toMatch(/^invalid YAML/);
  });
});

describe('catalog and attestation validation', () => {
  it('rejects duplicate requirement ids and unknown categories', () => {
    const base = `id: x\nversion: "1"\ntitle_ja: x\ntitle_en: x\ncategories: [{ id: "1", name_ja: 一, name_en: One }]\nrequirements:\n`;
    const req = (id: string, category: string): string => `  - { id: "${id}", category: "${category}", automation: manual, title_en: t, text_ja: 文, rationale: { ja: 根拠, en: r } }\n`;
    const files = tempFiles({ 'dup.yaml': base + req('1-1', '1') + req('1-1', '1'), 'cat.yaml': base + req('1-1', '2') });
    expect(() => loadCatalog(files['dup.yaml']!)).toThrow(/dup\.yaml:8: requirements\[1\]\.id: duplicate requirement id "1-1"/);
    expect(() => loadCatalog(files['cat.yaml']!)).toThrow(/requirements\[0\]\.category: unknown category "2"/);
  });

  it('loads a second, user-defined catalog without code changes', () => {
    const files = tempFiles({
      'mine.yaml': `id: my-framework\nversion: "0.1"\ntitle_ja: 自社基準\ntitle_en: Our baseline\ncategories: [{ id: A, name_ja: 暗号, name_en: Crypto }]\nrequirements:\n  - { id: A.1, category: A, automation: automated, title_en: Disks encrypted, text_ja: ディスク暗号化, rationale: { ja: 根拠, en: config }, controls: [my-control] }\n`,
      'c.yaml': control(''),
    });
    const mine = loadCatalog(files['mine.yaml']!);
    const controls = loadControls([files['c.yaml']!], [mine]);
    expect(mine.requirements[0]).toMatchObject({ id: 'A.1', listedControls: ['my-control'] });
    expect(controls).toHaveLength(1);
  });

  it('validates attestations against the catalog', () => {
    const entry = (requirement: string, attested = '2026-01-01', expires = '2026-12-31'): string =>
      `  - { requirement: "${requirement}", statement: s, evidence: DOC-1, owner: CISO, attested: ${attested}, expires: ${expires} }\n`;
    const files = tempFiles({
      'ok.yaml': `attestations:\n${entry('1-1')}`,
      'unknown.yaml': `attestations:\n${entry('1-1')}${entry('12-1')}`,
      'automated.yaml': `attestations:\n${entry('2-6')}`,
      'dates.yaml': `attestations:\n${entry('1-1', '2026-12-31', '2026-01-01')}`,
      'baddate.yaml': `attestations:\n${entry('1-1', '2026-13-01')}`,
    });
    expect(loadAttestations(files['ok.yaml']!, [catalog], catalog.id)).toHaveLength(1);
    expect(() => loadAttestations(files['unknown.yaml']!, [catalog], catalog.id)).toThrow(/unknown\.yaml:3: attestations\[1\]\.requirement: unknown requirement "12-1"/);
    expect(() => loadAttestations(files['automated.yaml']!, [catalog], catalog.id)).toThrow(/is automated/);
    expect(() => loadAttestations(files['dates.yaml']!, [catalog], catalog.id)).toThrow(/expires \(2026-01-01\) is before attested/);
    expect(() => loadAttestations(files['baddate.yaml']!, [catalog], catalog.id)).toThrow(/attestations\[0\]\.attested: expected a date YYYY-MM-DD/);
  });
});

describe('YAML alias bombs', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((n, i) => `${n}: &${n} [${Array.from({ length: 9 }, () => `*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');

  it('are bad input naming the file (exit 2), not an internal error, in configuration, control and catalog files', async () => {
    const { runCli } = await import('../support/cli.js');
    const files = tempFiles({ 'bomb.yaml': `${bomb}\n` });
    const path = files['bomb.yaml']!;
    for (const argv of [['validate', '--config', path], ['catalog', '--controls', path], ['catalog', '--catalog', path]]) {
      const run = await runCli(argv);
      expect({ argv, code: run.code, stderr: run.stderr }).toEqual({ argv, code: 2, stderr: `kansa: ${path}: invalid YAML: Excessive alias count indicates a resource exhaustion attack (at most 1000 alias expansions)\n` });
    }
  });
});
