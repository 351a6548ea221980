/**
 * The refusals of the mapping loaders that the other files leave out (#19, surviving mutants of src/mappings): each
 * names the file and line, the path inside the file and what was expected, and a file's problems come all at once.
 */
import { loadAttestations } from '../../src/mappings/attestations.js';
import { loadCatalog } from '../../src/mappings/catalog.js';
import { controlFiles, loadControls } from '../../src/mappings/controls.js';
import { loadExceptions } from '../../src/mappings/exceptions.js';
import { loadMappings } from '../../src/mappings/load.js';
import { loadRegisters, registerProblems } from '../../src/mappings/registers.js';
import { BUNDLED_CATALOG } from '../../src/paths.js';
import { tempFiles } from '../support/files.js';
import { controlEntry as control, problems } from './fixtures.js';
import { join } from 'node:path';

const catalog = loadCatalog(BUNDLED_CATALOG);

/** A control whose `expression:` line is replaced by `lines` (variables, where, expression, reason, context…). */
const controlWith = (id: string, lines: string): string => control(id, (t) => t.replace('    expression: resource.configuration.encrypted == true\n', lines));

const controlProblems = (text: string): [string, string, string][] => {
  const files = tempFiles({ 'c.yaml': text });
  return problems(() => loadControls([files['c.yaml']!], [catalog]));
};

/** A small catalog: one category, requirements written one a line. */
const catalogHead = 'id: my-framework\nversion: "0.1"\ntitle_ja: 自社基準\ntitle_en: Our baseline\ncategories: [{ id: A, name_ja: 暗号, name_en: Crypto }]\nrequirements:\n';
const requirementLine = (id: string, extra = ''): string =>
  `  - { id: ${id}, category: A, automation: automated, title_en: Disks encrypted, text_ja: ディスク暗号化, rationale: { ja: 根拠, en: config }${extra} }\n`;

describe('reading a mapping file', () => {
  it('names a file that cannot be read, with no path', () => {
    const missing = join(tempFiles({}).dir, 'nowhere.yaml');
    const [found] = problems(() => loadCatalog(missing));
    expect(found).toEqual(['nowhere.yaml', '', expect.stringMatching(/^cannot read file: ENOENT: no such file or directory/)]);
  });

  it('reports only the first YAML syntax error, on its line', () => {
    const files = tempFiles({ 'c.yaml': 'controls:\n  - id: one\n    title: [unclosed\n  - id: two\n    title: {also: [unclosed\n' });
    const found = problems(() => loadControls([files['c.yaml']!], [catalog]));
    expect(found).toHaveLength(1);
    expect(found[0]![0]).toMatch(/^c\.yaml:\d+$/);
    expect(found[0]![1]).toBe('');
    expect(found[0]![2]).toMatch(/^invalid YAML: [^\n]+$/);
  });

  it('reports a document that is not a mapping at its first line, with the root path empty', () => {
    expect(controlProblems('just a sentence\n')).toEqual([['c.yaml:1', '', 'Invalid input: expected object, received string']]);
  });

  it('refuses a key given twice in one mapping, on its line', () => {
    const found = controlProblems(`controls:\n${control('my-control', (t) => t.replace('    severity: high\n', '    severity: high\n    severity: low\n'))}`);
    expect(found).toEqual([['c.yaml:9', '', 'invalid YAML: Map keys must be unique at line 9, column 5:']]);
  });

  it('refuses an empty file as a document that is not a mapping, in every kind of mapping file', () => {
    const files = tempFiles({ 'empty.yaml': '' });
    const empty = files['empty.yaml']!;
    const expected = [['empty.yaml', '', 'Invalid input: expected object, received null']];
    expect(problems(() => loadCatalog(empty))).toEqual(expected);
    expect(problems(() => loadControls([empty], [catalog]))).toEqual(expected);
    expect(problems(() => loadAttestations(empty, [catalog], catalog.id))).toEqual(expected);
    expect(problems(() => loadExceptions(empty, []))).toEqual(expected);
  });

  it('expands an anchored node at most 1000 times, itself and 999 aliases (one justification for many waived resources)', () => {
    const controls = loadControls([tempFiles({ 'c.yaml': `controls:\n${control('my-control')}` })['c.yaml']!], [catalog]);
    /** `aliases` entries read the first entry's justification through an alias. */
    const waivers = (aliases: number): string =>
      'exceptions:\n' +
      Array.from({ length: aliases + 1 }, (_, i) =>
        `  - { id: dr-bucket-${i}, control: "*", match: { resource: "arn:aws:s3:::example-dr-${i}" }, justification: ${i === 0 ? '&dr { ja: 災害対策用の複製先, en: disaster-recovery copy }' : '*dr'}, approvedBy: CISO, expires: 2027-06-30 }\n`,
      ).join('');
    const files = tempFiles({ 'many.yaml': waivers(999), 'too-many.yaml': waivers(1000) });
    const loaded = loadExceptions(files['many.yaml']!, controls);
    expect(loaded).toHaveLength(1000);
    expect(loaded[999]!.justification).toEqual({ ja: '災害対策用の複製先', en: 'disaster-recovery copy' });
    expect(problems(() => loadExceptions(files['too-many.yaml']!, controls))).toEqual([
      ['too-many.yaml', '', 'invalid YAML: Excessive alias count indicates a resource exhaustion attack (at most 1000 alias expansions)'],
    ]);
  });

  it('names every unknown field of an entry, quoted and comma-separated', () => {
    const found = controlProblems(`controls:\n${control('my-control', (t) => `${t}    colour: red\n    size: 3\n`)}`);
    expect(found).toEqual([['c.yaml:2', 'controls[0]', 'unknown field(s) "colour", "size"']]);
  });

  it('names a missing top-level list at the document, and a wrong one by its key', () => {
    expect(controlProblems('controls: 3\n')).toEqual([['c.yaml:1', 'controls', 'Invalid input: expected array, received number']]);
    expect(controlProblems('controls: []\n')).toEqual([['c.yaml:1', 'controls', expect.stringMatching(/^Too small: expected array to have >=1 item/)]]);
  });
});

describe('catalog problems', () => {
  it('reports a duplicate category id at the second one', () => {
    const files = tempFiles({
      'cat.yaml': catalogHead.replace('categories: [{ id: A, name_ja: 暗号, name_en: Crypto }]', 'categories:\n  - { id: A, name_ja: 暗号, name_en: Crypto }\n  - { id: A, name_ja: 鍵, name_en: Keys }') + requirementLine('A.1'),
    });
    expect(problems(() => loadCatalog(files['cat.yaml']!))).toEqual([['cat.yaml:7', 'categories[1].id', 'duplicate category id "A"']]);
  });

  it('does not call a category unknown when the category list itself failed its schema (the one named may be the bad one)', () => {
    const badCategory = catalogHead.replace('categories: [{ id: A, name_ja: 暗号, name_en: Crypto }]', 'categories: [{ id: A, name_ja: 暗号 }]');
    const files = tempFiles({ 'cat.yaml': badCategory + requirementLine('A.1') });
    expect(problems(() => loadCatalog(files['cat.yaml']!))).toEqual([['cat.yaml:5', 'categories[0].name_en', 'Invalid input: expected string, received undefined']]);
  });

  it('lists every declared category when one is unknown, and still reports the other entries', () => {
    const twoCategories = catalogHead.replace('categories: [{ id: A, name_ja: 暗号, name_en: Crypto }]', 'categories: [{ id: A, name_ja: 暗号, name_en: Crypto }, { id: B, name_ja: 鍵, name_en: Keys }]');
    const files = tempFiles({ 'cat.yaml': twoCategories + requirementLine('A.1').replace('category: A', 'category: C') + requirementLine('A.2') + requirementLine('A.2') });
    expect(problems(() => loadCatalog(files['cat.yaml']!))).toEqual([
      ['cat.yaml:7', 'requirements[0].category', 'unknown category "C" (declared: A, B)'],
      ['cat.yaml:9', 'requirements[2].id', 'duplicate requirement id "A.2"'],
    ]);
  });
});

describe('control problems', () => {
  it('refuses scope on an "each" control', () => {
    expect(controlProblems(`controls:\n${control('my-control', (t) => t.replace('kind: each', 'kind: each\n    scope: region'))}`)).toEqual([
      ['c.yaml:7', 'controls[0].scope', 'scope applies only to "exists" controls'],
    ]);
  });

  it('refuses a context name that shadows resource, variables or an earlier context, and a context key that does not compile', () => {
    const context =
      '    context:\n' +
      '      - { name: blocks, type: AWS::S3::AccountPublicAccessBlock, key: r.account }\n' +
      '      - { name: blocks, type: AWS::S3::AccountPublicAccessBlock, key: r.account }\n' +
      '      - { name: variables, type: AWS::S3::AccountPublicAccessBlock, key: "r.account +" }\n' +
      '    expression: resource.configuration.encrypted == true\n';
    const found = controlProblems(`controls:\n${controlWith('my-control', context)}`);
    expect(found).toEqual([
      ['c.yaml:9', 'controls[0].context[1].name', 'context name "blocks" is already used'],
      ['c.yaml:10', 'controls[0].context[2].name', 'context name "variables" is already used'],
      ['c.yaml:10', 'controls[0].context[2].key', expect.stringMatching(/^CEL does not compile: /)],
    ]);
  });

  it('a context key reads only r: the resource variable and the control\'s context names are not bound there', () => {
    const context = '    context:\n      - { name: blocks, type: AWS::S3::AccountPublicAccessBlock, key: resource.account }\n    expression: resource.configuration.encrypted == true\n';
    expect(controlProblems(`controls:\n${controlWith('my-control', context)}`)).toEqual([
      ['c.yaml:8', 'controls[0].context[0].key', expect.stringMatching(/^CEL does not compile: .*resource/)],
    ]);
  });

  it('refuses a variable declared twice, and an expression reading a variable declared after it', () => {
    const lines =
      '    variables:\n' +
      '      - { name: first, expression: "variables.second" }\n' +
      '      - { name: second, expression: "true" }\n' +
      '      - { name: second, expression: "false" }\n' +
      '    expression: variables.first\n';
    expect(controlProblems(`controls:\n${controlWith('my-control', lines)}`)).toEqual([
      ['c.yaml:8', 'controls[0].variables[0].expression', 'variables.second is declared after this expression; a variable may read only earlier ones'],
      ['c.yaml:10', 'controls[0].variables[2].name', 'variable "second" is already declared'],
    ]);
  });

  it('refuses a variable that reads itself, and names only the earlier variables a variable may read', () => {
    const lines =
      '    variables:\n' +
      '      - { name: first, expression: "variables.first" }\n' +
      '      - { name: second, expression: "variables.missing" }\n' +
      '      - { name: third, expression: "true" }\n' +
      '    expression: variables.third\n';
    expect(controlProblems(`controls:\n${controlWith('my-control', lines)}`)).toEqual([
      ['c.yaml:8', 'controls[0].variables[0].expression', 'variables.first is declared after this expression; a variable may read only earlier ones'],
      ['c.yaml:9', 'controls[0].variables[1].expression', 'unknown variable "variables.missing" (declared: first)'],
    ]);
  });

  it('says when a control declares no variables, and names an unknown variable once however often it is read', () => {
    const lines = '    expression: variables.missing && variables.missing && variables.?other.orValue(true)\n';
    expect(controlProblems(`controls:\n${controlWith('my-control', lines)}`)).toEqual([
      ['c.yaml:7', 'controls[0].expression', 'unknown variable "variables.missing" (this control declares no variables)'],
      ['c.yaml:7', 'controls[0].expression', 'unknown variable "variables.other" (this control declares no variables)'],
    ]);
  });

  it('reads a resource field named "variables" as a field, also by optional selection (.?variables), not as a control variable', () => {
    // A Lambda function's environment variables: configuration.environment.variables.
    const lambda = (expression: string): string =>
      `controls:\n${controlWith('my-control', `    expression: ${expression}\n`).replace('AWS::EC2::Volume', 'AWS::Lambda::Function')}`;
    for (const expression of ['resource.configuration.environment.variables.size() == 0', 'resource.configuration.?environment.?variables.orValue({}).size() == 0']) {
      const files = tempFiles({ 'c.yaml': lambda(expression) });
      expect(loadControls([files['c.yaml']!], [catalog]).map((c) => c.expression.sources)).toEqual([[expression]]);
    }
  });

  it('refuses failure reasons that do not compile or are not strings, in each language', () => {
    const lines = '    expression: resource.configuration.encrypted == true\n    reason:\n      ja: "\\"暗号化されていません\\" +"\n      en: resource.configuration.encrypted == false\n';
    expect(controlProblems(`controls:\n${controlWith('my-control', lines)}`)).toEqual([
      ['c.yaml:9', 'controls[0].reason.ja', expect.stringMatching(/^CEL does not compile: /)],
      ['c.yaml:10', 'controls[0].reason.en', expect.stringMatching(/^CEL does not compile: .*expected string/)],
    ]);
  });

  it('refuses a "where" that is not boolean', () => {
    const lines = '    where: size(resource.name)\n    expression: resource.configuration.encrypted == true\n';
    expect(controlProblems(`controls:\n${controlWith('my-control', lines)}`)).toEqual([
      ['c.yaml:7', 'controls[0].where', 'CEL does not compile: expression has type int, expected bool'],
    ]);
  });

  it('does not judge requirement ids of a catalog that is not loaded in this run', () => {
    const files = tempFiles({ 'c.yaml': `controls:\n${control('my-control', (t) => t.replace('{ jp-cloud-procurement: ["2-1"] }', '{ jp-cloud-procurement: ["2-1"], other-framework: ["Z.9"] }'))}` });
    expect(loadControls([files['c.yaml']!], [catalog]).map((c) => c.requirements)).toEqual([{ 'jp-cloud-procurement': ['2-1'], 'other-framework': ['Z.9'] }]);
  });

  it('reports, at the catalog, a control the catalog lists that no file declares', () => {
    const files = tempFiles({ 'mine.yaml': catalogHead + requirementLine('A.1', ', controls: [my-control, lost-control]'), 'c.yaml': `controls:\n${control('my-control')}` });
    const mine = loadCatalog(files['mine.yaml']!);
    expect(problems(() => loadControls([files['c.yaml']!], [mine]))).toEqual([['mine.yaml', 'requirements[id=A.1].controls', 'unknown control "lost-control"']]);
    // Told that some control file could not be read, it cannot know the control is missing.
    expect(loadControls([files['c.yaml']!], [mine], { allFiles: false }).map((c) => c.id)).toEqual(['my-control']);
  });

  it('does not call a listed control unknown when a control file is unreadable or missing (it may declare it)', () => {
    const files = tempFiles({
      'mine.yaml': catalogHead + requirementLine('A.1', ', controls: [my-control, lost-control]'),
      'c.yaml': `controls:\n${control('my-control')}`,
      'broken.yaml': 'controls:\n  - id: [unclosed\n',
    });
    const mine = loadCatalog(files['mine.yaml']!);
    const unreadable = problems(() => loadControls([files['c.yaml']!, files['broken.yaml']!], [mine]));
    expect(unreadable).toEqual([[expect.stringMatching(/^broken\.yaml:\d+$/), '', expect.stringMatching(/^invalid YAML/)]]);
    const missing = problems(() => loadControls([files['c.yaml']!, join(files.dir, 'missing.yaml')], [mine]));
    expect(missing).toEqual([['missing.yaml', '', expect.stringMatching(/^cannot read file: /)]]);
  });

  it('counts the id of a control with schema errors as declared, and names the first file declaring an id', () => {
    const files = tempFiles({
      'mine.yaml': catalogHead + requirementLine('A.1', ', controls: [dup-control]'),
      'a.yaml': `controls:\n${control('dup-control')}`,
      'b.yaml': `controls:\n${control('dup-control', (t) => t.replace('severity: high', 'severity: urgent'))}`,
      'c.yaml': `controls:\n${control('dup-control')}`,
    });
    const mine = loadCatalog(files['mine.yaml']!);
    expect(problems(() => loadControls([files['b.yaml']!], [mine]))).toEqual([['b.yaml:8', 'controls[0].severity', expect.stringMatching(/^Invalid option: /)]]);
    const found = problems(() => loadControls([files['a.yaml']!, files['b.yaml']!, files['c.yaml']!], [mine]));
    expect(found).toEqual([
      ['b.yaml:8', 'controls[0].severity', expect.stringMatching(/^Invalid option: /)],
      ['c.yaml:2', 'controls[0].id', expect.stringMatching(/^duplicate control id "dup-control" \(also in .*\/a\.yaml\)$/)],
    ]);
  });

  it('refuses an empty entry (a stray "-") in the list, and still checks the other controls', () => {
    const text = `controls:\n${control('first-control')}  -\n${control('third-control', (t) => t.replace('encrypted == true', 'encrypted =='))}`;
    expect(controlProblems(text)).toEqual([
      ['c.yaml:12', 'controls[1]', 'Invalid input: expected object, received null'],
      ['c.yaml:18', 'controls[2].expression', expect.stringMatching(/^CEL does not compile: /)],
    ]);
  });

  it('lists control files: a missing path is an error naming it, a file is itself, a directory every YAML file under it, sorted', () => {
    const files = tempFiles({ 'dir/b.yaml': '', 'dir/a.yml': '', 'dir/aws/c.yaml': '', 'dir/notes.md': '', 'dir/d.yaml.bak': '', 'single.json': '' });
    // By path, a subdirectory's files among the others (a directory listing gives them after the top level's).
    expect(controlFiles(join(files.dir, 'dir'))).toEqual([files['dir/a.yml'], files['dir/aws/c.yaml'], files['dir/b.yaml']]);
    expect(controlFiles(files['single.json']!)).toEqual([files['single.json']]);
    const missing = join(files.dir, 'absent');
    expect(problems(() => controlFiles(missing))).toEqual([['absent', '', 'no such file or directory']]);
  });
});

describe('attestation problems', () => {
  const entry = (fields: string): string => `  - { ${fields}, statement: 規程を定め運用している, evidence: DOC-1, owner: CISO, attested: 2026-01-01, expires: 2026-12-31 }\n`;

  it('refuses an unknown catalog, names an automated requirement, and reports both at once', () => {
    const files = tempFiles({ 'a.yaml': `attestations:\n${entry('catalog: other-framework, requirement: "1-1"')}${entry('requirement: "2-6"')}${entry('catalog: jp-cloud-procurement, requirement: "2-1"')}` });
    expect(problems(() => loadAttestations(files['a.yaml']!, [catalog], catalog.id))).toEqual([
      ['a.yaml:2', 'attestations[0].catalog', 'unknown catalog "other-framework"'],
      ['a.yaml:3', 'attestations[1].requirement', 'requirement 2-6 is automated: configuration decides it, an attestation cannot'],
    ]);
  });

  it('applies the default catalog to an entry without one', () => {
    const files = tempFiles({ 'a.yaml': `attestations:\n${entry('requirement: "1-1"')}` });
    expect(problems(() => loadAttestations(files['a.yaml']!, [catalog], 'other-framework'))).toEqual([['a.yaml:2', 'attestations[0].catalog', 'unknown catalog "other-framework"']]);
  });
});

describe('exception problems', () => {
  const controls = (): ReturnType<typeof loadControls> => loadControls([tempFiles({ 'c.yaml': `controls:\n${control('my-control')}` })['c.yaml']!], [catalog]);
  const entry = (id: string, controlId: string, match: string): string =>
    `  - { id: ${id}, control: "${controlId}", match: ${match}, justification: { ja: 日本法の下で運用, en: operated under Japanese law }, approvedBy: CISO, expires: 2026-12-31 }\n`;

  it('refuses a provider that can never match the control, a bad glob in a tag and in a resource, and a duplicate id', () => {
    const files = tempFiles({
      'e.yaml':
        'exceptions:\n' +
        entry('one', 'my-control', '{ provider: gcp }') +
        entry('two', 'my-control', '{ tags: { team: "data-{a,b}" } }') +
        entry('two', '*', '{ resource: "vol-]" }') +
        entry('three', 'my-control', '{ account: "1111*", region: "ap-northeast-?" }') +
        entry('four', 'my-control', '{ account: "11112222333[0-9]" }'),
    });
    expect(problems(() => loadExceptions(files['e.yaml']!, controls()))).toEqual([
      ['e.yaml:2', 'exceptions[0].match.provider', 'control my-control is a aws control; provider gcp never matches it'],
      ['e.yaml:3', 'exceptions[1].match.tags.team', 'invalid glob "data-{a,b}": only * and ? are supported (found "{")'],
      ['e.yaml:4', 'exceptions[2].id', 'duplicate exception id "two"'],
      ['e.yaml:4', 'exceptions[2].match.resource', 'invalid glob "vol-]": only * and ? are supported (found "]")'],
      ['e.yaml:6', 'exceptions[4].match.account', 'invalid glob "11112222333[0-9]": only * and ? are supported (found "[")'],
    ]);
  });

  it('refuses a match with no keys and names what it accepts', () => {
    const files = tempFiles({ 'e.yaml': `exceptions:\n${entry('one', 'my-control', '{}')}` });
    expect(problems(() => loadExceptions(files['e.yaml']!, controls()))).toEqual([['e.yaml:2', 'exceptions[0].match', 'expected at least one of provider, account, region, resource, tags']]);
  });
});

describe('register problems', () => {
  const DOC = 'https://docs.aws.amazon.com/config/latest/developerguide/resource-config-reference.html';

  it('reports the schema problems of every register file at once, and reads only .yaml / .yml files', () => {
    const files = tempFiles({
      'registers/aws.yaml': `provider: aws\ntypeListSource: "${DOC}"\ntypes: []\n`,
      'registers/gcp.yml': `provider: gcp\ntypeListSource: "http://example.com/list"\ntypes:\n  - { type: storage.googleapis.com/Bucket, holds: data, location: { scope: regional, field: location }, docs: ["${DOC}"] }\n`,
      'registers/README.md': 'not a register',
      'registers/aws.yaml.orig': 'an editor\'s backup: not a register',
    });
    expect(problems(() => loadRegisters(join(files.dir, 'registers')))).toEqual([
      ['aws.yaml:3', 'types', expect.stringMatching(/^Too small: expected array to have >=1 item/)],
      ['gcp.yml:2', 'typeListSource', 'expected an https URL of the provider documentation page'],
    ]);
  });

  it('reports a control of 2-1, 2-2 or 9-6 that reads an unregistered type, also when it evidences other items too', () => {
    const files = tempFiles({
      'c.yaml': `controls:\n${control('my-control', (t) => t.replace('["2-1"]', '["4-1", "2-1"]'))}`,
      'registers/aws.yaml': `provider: aws\ntypeListSource: "${DOC}"\ntypes:\n  - { type: AWS::EC2::Subnet, holds: placement, location: { scope: zonal, field: configuration.availabilityZone }, notJudged: { residency: { ja: 理由, en: reason } }, docs: ["${DOC}"] }\n`,
    });
    const controls = loadControls([files['c.yaml']!], [catalog]);
    expect(registerProblems(loadRegisters(join(files.dir, 'registers')), controls).map((p) => `${p.at.replace(/^.*\//, '')}: ${p.message}`)).toEqual([
      'aws.yaml: control my-control evidences 2-1, 2-2 or 9-6 on AWS::EC2::Volume, which the register does not list',
    ]);
  });

  it('has no registers where there is no register directory', () => {
    expect(loadRegisters(join(tempFiles({}).dir, 'registers'))).toEqual([]);
  });
});

describe('loadMappings', () => {
  it('reports a missing control path, and then does not check the catalog\'s control lists', () => {
    const files = tempFiles({ 'mine.yaml': catalogHead + requirementLine('A.1', ', controls: [lost-control]') });
    const missing = join(files.dir, 'my-controls');
    expect(problems(() => loadMappings({ catalog: files['mine.yaml']!, controls: [missing], bundledControls: false }))).toEqual([['my-controls', '', 'no such file or directory']]);
  });

  it('checks the catalog\'s control lists against every control path when all were found', () => {
    const files = tempFiles({ 'mine.yaml': catalogHead + requirementLine('A.1', ', controls: [lost-control]'), 'c.yaml': `controls:\n${control('my-control', (t) => t.replace('jp-cloud-procurement', 'my-framework').replace('"2-1"', 'A.1'))}` });
    expect(problems(() => loadMappings({ catalog: files['mine.yaml']!, controls: [files['c.yaml']!], bundledControls: false }))).toEqual([
      ['mine.yaml', 'requirements[id=A.1].controls', 'unknown control "lost-control"'],
    ]);
  });

  it('checks attestations against the catalog and exceptions against the controls, all in one report', () => {
    const files = tempFiles({
      'c.yaml': `controls:\n${control('my-control')}`,
      'a.yaml': 'attestations:\n  - { requirement: "12-1", statement: s, evidence: DOC-1, owner: CISO, attested: 2026-01-01, expires: 2026-12-31 }\n',
      'e.yaml': 'exceptions:\n  - { id: one, control: no-such-control, match: { region: us-east-1 }, justification: { ja: 理由, en: why }, approvedBy: CISO, expires: 2026-12-31 }\n',
    });
    const found = problems(() => loadMappings({ controls: [files['c.yaml']!], bundledControls: false, attestations: files['a.yaml']!, exceptions: files['e.yaml']! }));
    expect(found).toEqual([
      ['a.yaml:2', 'attestations[0].requirement', 'unknown requirement "12-1" in catalog jp-cloud-procurement'],
      ['e.yaml:2', 'exceptions[0].control', 'unknown control "no-such-control"'],
    ]);
  });

  it('does not check attestations without a catalog, nor exceptions without controls (no false errors)', () => {
    const files = tempFiles({
      'bad-catalog.yaml': catalogHead.replace('id: my-framework', 'id: My Framework') + requirementLine('A.1'),
      'c.yaml': `controls:\n${control('my-control', (t) => t.replace('encrypted == true', 'encrypted =='))}`,
      'a.yaml': 'attestations:\n  - { requirement: "12-1", statement: s, evidence: DOC-1, owner: CISO, attested: 2026-01-01, expires: 2026-12-31 }\n',
      'e.yaml': 'exceptions:\n  - { id: one, control: no-such-control, match: { region: us-east-1 }, justification: { ja: 理由, en: why }, approvedBy: CISO, expires: 2026-12-31 }\n',
    });
    const found = problems(() =>
      loadMappings({ catalog: files['bad-catalog.yaml']!, controls: [files['c.yaml']!], bundledControls: false, attestations: files['a.yaml']!, exceptions: files['e.yaml']! }),
    );
    expect(found.map(([at, path]) => `${at} ${path}`)).toEqual(['bad-catalog.yaml:1 id', 'c.yaml:7 controls[0].expression']);
  });
});
