/** A mapping file with several problems reports every one of them in one run (file:line, path, what was expected), not the first. */
import { InputError, InputErrors, inputErrorLines } from '../../src/errors.js';
import { loadAttestations } from '../../src/mappings/attestations.js';
import { loadCatalog } from '../../src/mappings/catalog.js';
import { loadControls } from '../../src/mappings/controls.js';
import { loadExceptions } from '../../src/mappings/exceptions.js';
import { loadMappings } from '../../src/mappings/load.js';
import { BUNDLED_CATALOG } from '../../src/paths.js';
import { runCli } from '../support/cli.js';
import { tempFiles } from '../support/files.js';
import { controlEntry as control, problems } from './fixtures.js';

const catalog = loadCatalog(BUNDLED_CATALOG);

/** Three controls, each with a different kind of problem (CEL, catalog reference, schema), and a valid fourth. */
const threeBadControls = `controls:
${control('first-control', (t) => t.replace('encrypted == true', 'encrypted =='))}${control('second-control', (t) => t.replace('["2-1"]', '["2-1", "11-1"]'))}${control('third-control', (t) => t.replace('kind: each', 'kind: every'))}${control('fourth-control')}`;

describe('every problem of a controls file', () => {
  it('reports three errors in three controls, each with its line and path', () => {
    const files = tempFiles({ 'c.yaml': threeBadControls });
    const found = problems(() => loadControls([files['c.yaml']!], [catalog]));
    expect(found).toEqual([
      // in the file's order, though the schema problem is found first
      ['c.yaml:7', 'controls[0].expression', expect.stringMatching(/^CEL does not compile: /)],
      ['c.yaml:21', 'controls[1].requirements.jp-cloud-procurement[1]', 'unknown requirement "11-1" in catalog jp-cloud-procurement'],
      ['c.yaml:26', 'controls[2].kind', 'Invalid option: expected one of "each"|"exists"'],
    ]);
  });

  it('reports every problem inside one control, and a variable with an error does not cascade', () => {
    const files = tempFiles({
      'c.yaml': `controls:\n${control('many-problems', (t) =>
        t
          .replace('kind: each', 'kind: exists')
          .replace(
            '    expression: resource.configuration.encrypted == true\n',
            '    variables:\n      - { name: broken, expression: "resource.configuration.(" }\n' +
              '    where: variables.missing\n    expression: variables.broken && variables.later\n',
          ),
      )}`,
    });
    expect(problems(() => loadControls([files['c.yaml']!], [catalog]))).toEqual([
      // scope is missing: the line is the control's
      ['c.yaml:2', 'controls[0].scope', 'an "exists" control needs scope: account or region'],
      ['c.yaml:8', 'controls[0].variables[0].expression', expect.stringMatching(/^CEL does not compile: /)],
      ['c.yaml:9', 'controls[0].where', 'unknown variable "variables.missing" (declared: broken)'],
      ['c.yaml:10', 'controls[0].expression', 'unknown variable "variables.later" (declared: broken)'],
    ]);
  });

  it('reports problems across files, including duplicates, and no "unknown control" for a catalog entry whose control has an error', () => {
    const files = tempFiles({
      'a.yaml': `controls:\n${control('dup-control')}${control('listed-control', (t) => t.replace('severity: high', 'severity: urgent'))}`,
      'b.yaml': `controls:\n${control('dup-control', (t) => t.replace('encrypted == true', '1 +'))}`,
      'mine.yaml':
        'id: my-framework\nversion: "0.1"\ntitle_ja: 自社基準\ntitle_en: Our baseline\ncategories: [{ id: A, name_ja: 暗号, name_en: Crypto }]\nrequirements:\n' +
        '  - { id: A.1, category: A, automation: automated, title_en: Disks encrypted, text_ja: ディスク暗号化, rationale: { ja: 根拠, en: config }, controls: [listed-control, dup-control] }\n',
    });
    const mine = loadCatalog(files['mine.yaml']!);
    expect(problems(() => loadControls([files['a.yaml']!, files['b.yaml']!], [mine]))).toEqual([
      ['a.yaml:18', 'controls[1].severity', expect.stringMatching(/^Invalid option: expected one of "critical"/)],
      ['b.yaml:2', 'controls[0].id', expect.stringMatching(/^duplicate control id "dup-control" \(also in .*a\.yaml\)$/)],
    ]);
  });

  it('keeps a single problem a plain InputError, worded as before', () => {
    const files = tempFiles({ 'c.yaml': `controls:\n${control('only-one', (t) => t.replace('kind: each', 'kind: every'))}` });
    try {
      loadControls([files['c.yaml']!], [catalog]);
      throw new Error('expected an InputError');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect(error).not.toBeInstanceOf(InputErrors);
      expect((error as Error).message).toMatch(/c\.yaml:6: controls\[0\]\.kind: Invalid option: expected one of "each"\|"exists"$/);
    }
  });
});

describe('every problem of a catalog, attestations or exceptions file', () => {
  const base = 'id: x\nversion: "1"\ntitle_ja: 基準\ntitle_en: Baseline\ncategories: [{ id: "1", name_ja: 一, name_en: One }]\nrequirements:\n';
  const requirement = (id: string, category: string, automation = 'manual'): string =>
    `  - { id: "${id}", category: "${category}", automation: ${automation}, title_en: t, text_ja: 文, rationale: { ja: 根拠, en: r } }\n`;

  it('reports two errors of a catalog (a duplicate id and an unknown category)', () => {
    const files = tempFiles({ 'cat.yaml': base + requirement('1-1', '1') + requirement('1-1', '1') + requirement('1-2', '2') });
    expect(problems(() => loadCatalog(files['cat.yaml']!))).toEqual([
      ['cat.yaml:8', 'requirements[1].id', 'duplicate requirement id "1-1"'],
      ['cat.yaml:9', 'requirements[2].category', 'unknown category "2" (declared: 1)'],
    ]);
  });

  it('reports a catalog\'s schema errors and the semantic errors of its valid entries together', () => {
    const files = tempFiles({ 'cat.yaml': base + requirement('1-1', '1', 'sometimes') + requirement('1-2', '9') + requirement('1-2', '1') });
    expect(problems(() => loadCatalog(files['cat.yaml']!))).toEqual([
      ['cat.yaml:7', 'requirements[0].automation', 'Invalid option: expected one of "automated"|"partial"|"manual"'],
      ['cat.yaml:8', 'requirements[1].category', 'unknown category "9" (declared: 1)'],
      ['cat.yaml:9', 'requirements[2].id', 'duplicate requirement id "1-2"'],
    ]);
  });

  it('reports every bad attestation', () => {
    const entry = (req: string, attested: string, expires: string): string =>
      `  - { requirement: "${req}", statement: 規程を定め運用している, evidence: DOC-1, owner: CISO, attested: ${attested}, expires: ${expires} }\n`;
    const files = tempFiles({
      'a.yaml': `attestations:\n${entry('1-1', '2026-01-01', '2026-12-31')}${entry('12-1', '2026-01-01', '2026-12-31')}${entry('1-1', '2026-13-01', '2026-12-31')}${entry('1-1', '2026-12-31', '2026-01-01')}`,
    });
    expect(problems(() => loadAttestations(files['a.yaml']!, [catalog], catalog.id))).toEqual([
      ['a.yaml:3', 'attestations[1].requirement', 'unknown requirement "12-1" in catalog jp-cloud-procurement'],
      ['a.yaml:4', 'attestations[2].attested', 'expected a date YYYY-MM-DD'],
      ['a.yaml:5', 'attestations[3].expires', 'expires (2026-01-01) is before attested (2026-12-31)'],
    ]);
  });

  it('reports every bad exception', () => {
    const controls = loadControls([tempFiles({ 'c.yaml': `controls:\n${control('my-control')}` })['c.yaml']!], [catalog]);
    const entry = (id: string, controlId: string, match: string, approvedBy = 'CISO'): string =>
      `  - { id: ${id}, control: ${controlId}, match: ${match}, justification: { ja: 日本法の下で運用, en: operated under Japanese law }, approvedBy: ${approvedBy}, expires: 2026-12-31 }\n`;
    const files = tempFiles({
      'e.yaml': `exceptions:\n${entry('one', 'no-such-control', '{ account: "1111*" }')}${entry('two', 'my-control', '{ region: "ap-[ns]*" }')}${entry('three', 'my-control', '{ region: x }', '""')}`,
    });
    expect(problems(() => loadExceptions(files['e.yaml']!, controls))).toEqual([
      ['e.yaml:2', 'exceptions[0].control', 'unknown control "no-such-control"'],
      ['e.yaml:3', 'exceptions[1].match.region', 'invalid glob "ap-[ns]*": only * and ? are supported (found "[")'],
      ['e.yaml:4', 'exceptions[2].approvedBy', 'expected a non-empty string'],
    ]);
  });

  it('loadMappings reports the problems of the catalog and of the controls in one go', () => {
    const files = tempFiles({ 'cat.yaml': base + requirement('1-1', '1') + requirement('1-1', '1'), 'c.yaml': threeBadControls });
    const found = problems(() => loadMappings({ catalog: files['cat.yaml']!, controls: [files['c.yaml']!], bundledControls: false }));
    // The controls are checked without a catalog (theirs did not load): their requirement ids are not judged.
    expect(found.map(([at, path]) => `${at} ${path}`)).toEqual(['cat.yaml:8 requirements[1].id', 'c.yaml:7 controls[0].expression', 'c.yaml:26 controls[2].kind']);
  });
});

describe('the command line', () => {
  it('kansa validate prints every problem of the mapping files, one a line, and exits 2', async () => {
    const files = tempFiles({
      'c.yaml': threeBadControls,
      'a.yaml': 'attestations:\n  - { requirement: "12-1", statement: s, evidence: DOC-1, owner: CISO, attested: 2026-01-01, expires: 2026-12-31 }\n',
      'kansa.yaml': 'controls: [./c.yaml]\nattestations: ./a.yaml\ncollectors:\n  aws:\n    accounts: [{ id: "111122223333" }]\n',
    });
    const run = await runCli(['validate', '--config', files['kansa.yaml']!]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^kansa: .*c\.yaml:7: controls\[0\]\.expression: CEL does not compile: /),
      `kansa: ${files['c.yaml']}:21: controls[1].requirements.jp-cloud-procurement[1]: unknown requirement "11-1" in catalog jp-cloud-procurement`,
      `kansa: ${files['c.yaml']}:26: controls[2].kind: Invalid option: expected one of "each"|"exists"`,
      `kansa: ${files['a.yaml']}:2: attestations[0].requirement: unknown requirement "12-1" in catalog jp-cloud-procurement`,
    ]);
  });

  it('caps the list at 50 problems and says how many more there are', async () => {
    const many = Array.from({ length: 60 }, (_, i) => control(`broken-${i}`, (t) => t.replace('encrypted == true', 'encrypted ==')));
    const files = tempFiles({ 'c.yaml': `controls:\n${many.join('')}` });
    const run = await runCli(['catalog', '--controls', files['c.yaml']!]);
    expect(run.code).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(51);
    expect(lines[49]).toMatch(/c\.yaml:497: controls\[49\]\.expression: CEL does not compile/);
    expect(lines[50]).toBe('kansa: … and 10 more errors');
  });

  it('inputErrorLines lists a single error as one line, and names one more in the singular', () => {
    expect(inputErrorLines(new InputError('f.yaml:3', 'a.b', 'expected x'))).toEqual(['f.yaml:3: a.b: expected x']);
    const three = new InputErrors(['a', 'b', 'c'].map((p) => new InputError('f.yaml', p, 'bad')));
    expect(inputErrorLines(three, 2)).toEqual(['f.yaml: a: bad', 'f.yaml: b: bad', '… and 1 more error']);
  });
});
