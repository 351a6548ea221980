/**
 * What the mapping loaders accept and what the rest of kansa reads from it (#19, surviving mutants of src/mappings):
 * the defaults a loaded catalog and control carry, requirement lookups, attestations in force, exception matching
 * and expiry, and how the data register's aspects apply.
 */
import { attestationFor, loadAttestations, type Attestation } from '../../src/mappings/attestations.js';
import { loadCatalog } from '../../src/mappings/catalog.js';
import { controlsEvidencing, loadControls, requirementsOfControl, type Control } from '../../src/mappings/controls.js';
import { ExceptionMatcher, exceptionActive, exceptionExpirySeconds, loadExceptions, type ControlException, type ExceptionSubject } from '../../src/mappings/exceptions.js';
import { loadMappings } from '../../src/mappings/load.js';
import { loadRegisters, registerCounts, registerProblems } from '../../src/mappings/registers.js';
import { controlsFileSchema } from '../../src/mappings/schemas.js';
import { parseYamlText } from '../../src/mappings/yaml-file.js';
import { BUNDLED_CATALOG } from '../../src/paths.js';
import { tempFiles } from '../support/files.js';
import { controlEntry } from './fixtures.js';
import { dirname } from 'node:path';

const bundledCatalog = loadCatalog(BUNDLED_CATALOG);

/** A catalog of two categories; A.1 lists my-volume-encrypted itself, A.2 is left to the controls. */
const myCatalogYaml = `id: my-framework
version: "0.1"
title_ja: 自社基準
title_en: Our baseline
categories:
  - { id: A, name_ja: 暗号, name_en: Crypto }
  - { id: B, name_ja: 所在, name_en: Location }
requirements:
  - id: A.1
    category: A
    automation: automated
    title_en: Disks encrypted
    text_ja: ディスクを暗号化すること。
    rationale: { ja: 設定で確認できる, en: visible in configuration }
    controls: [my-volume-encrypted]
    nothing_in_scope: compliant
    not_evidenced:
      gcp: { ja: 対象外, en: not applicable }
  - id: A.2
    category: A
    automation: partial
    title_en: Keys rotated
    text_ja: 鍵を定期的に更新すること。
    text_note: { ja: 原文のまま, en: verbatim }
    rationale: { ja: 一部は規程, en: partly a policy }
  - id: B.1
    category: B
    automation: manual
    title_en: Data stays in Japan
    text_ja: データを国内に保存すること。
    rationale: { ja: 契約で確認, en: by contract }
`;

const controlsYaml = `controls:
${controlEntry('my-volume-encrypted')}  - id: my-trail-enabled
    title: { ja: 証跡が有効, en: A trail is logging }
    provider: aws
    resourceTypes: [AWS::CloudTrail::Trail]
    kind: exists
    scope: region
    context:
      - { name: buckets, type: AWS::S3::Bucket, key: r.name }
    variables:
      - { name: logging, expression: "resource.supplementary.?IsLogging.orValue(false) == true" }
      - { name: threshold, expression: "1" }
      - { name: multiRegion, expression: "resource.configuration.?isMultiRegionTrail.orValue(false) == true" }
      - { name: good, expression: "variables.multiRegion && variables.logging" }
    where: resource.name != ""
    expression: "resource.name == 'x' ? variables.threshold == 1 : variables.good"
    reason:
      ja: '"証跡 " + resource.name + " は記録していません"'
      en: '"trail " + resource.name + " is not logging"'
    severity: medium
    rationale: { ja: 操作の記録, en: operations are recorded }
    remediation: { ja: 記録を開始する, en: start logging }
    requirements: { jp-cloud-procurement: ["4-1"], my-framework: [A.2] }
`;

function loadFixtures(): { catalog: ReturnType<typeof loadCatalog>; controls: Control[]; files: Record<string, string> } {
  const files = tempFiles({ 'mine.yaml': myCatalogYaml, 'c.yaml': controlsYaml });
  const catalog = loadCatalog(files['mine.yaml']!);
  return { catalog, controls: loadControls([files['c.yaml']!], [bundledCatalog, catalog]), files };
}

describe('a loaded catalog', () => {
  it('carries every field, and the defaults for what an entry leaves out', () => {
    const { catalog, files } = loadFixtures();
    const [crypto, location] = catalog.categories;
    expect(catalog).toEqual({
      id: 'my-framework',
      version: '0.1',
      titleJa: '自社基準',
      titleEn: 'Our baseline',
      file: files['mine.yaml'],
      categories: [
        { id: 'A', nameJa: '暗号', nameEn: 'Crypto' },
        { id: 'B', nameJa: '所在', nameEn: 'Location' },
      ],
      requirements: [
        {
          id: 'A.1',
          category: crypto,
          automation: 'automated',
          titleEn: 'Disks encrypted',
          textJa: 'ディスクを暗号化すること。',
          rationale: { ja: '設定で確認できる', en: 'visible in configuration' },
          listedControls: ['my-volume-encrypted'],
          notEvidenced: { gcp: { ja: '対象外', en: 'not applicable' } },
          nothingInScope: 'compliant',
        },
        {
          id: 'A.2',
          category: crypto,
          automation: 'partial',
          titleEn: 'Keys rotated',
          textJa: '鍵を定期的に更新すること。',
          rationale: { ja: '一部は規程', en: 'partly a policy' },
          textNote: { ja: '原文のまま', en: 'verbatim' },
          // Defaults: no listed controls, no provider gaps, and no vacuous compliance.
          listedControls: [],
          notEvidenced: {},
          nothingInScope: 'unknown',
        },
        expect.objectContaining({ id: 'B.1', category: location, automation: 'manual' }),
      ],
    });
    expect(Object.keys(catalog.requirements[0]!)).not.toContain('textNote');
  });
});

describe('a loaded control', () => {
  it('keeps its fields; an "each" control is judged per resource, without where, reason or context', () => {
    const { controls, files } = loadFixtures();
    const volume = controls.find((c) => c.id === 'my-volume-encrypted')!;
    expect(volume).toEqual({
      id: 'my-volume-encrypted',
      file: files['c.yaml'],
      titleJa: 'ボリュームの暗号化',
      titleEn: 'Volumes encrypted',
      provider: 'aws',
      resourceTypes: ['AWS::EC2::Volume'],
      kind: 'each',
      scope: 'resource',
      variables: [],
      expression: { program: expect.objectContaining({ source: 'resource.configuration.encrypted == true' }) as unknown, needs: [], sources: ['resource.configuration.encrypted == true'] },
      context: [],
      severity: 'high',
      rationale: { ja: '保存データの暗号化', en: 'data at rest is encrypted' },
      remediation: { ja: '暗号化を有効にする', en: 'enable encryption' },
      requirements: { 'jp-cloud-procurement': ['2-1'] },
    });
    expect(Object.keys(volume)).not.toEqual(expect.arrayContaining(['where']));
    expect(Object.keys(volume)).not.toEqual(expect.arrayContaining(['reason']));
  });

  it('compiles variables, where, reason and context, and lists what each expression reads (transitively, in declaration order)', () => {
    const trail = loadFixtures().controls.find((c) => c.id === 'my-trail-enabled')!;
    expect(trail.kind).toBe('exists');
    expect(trail.scope).toBe('region');
    const sources = trail.variables.map((v) => v.program.source);
    expect(trail.variables.map((v) => ({ name: v.name, needs: v.needs }))).toEqual([
      { name: 'logging', needs: [] },
      { name: 'threshold', needs: [] },
      { name: 'multiRegion', needs: [] },
      { name: 'good', needs: [0, 2] },
    ]);
    expect(trail.variables[3]!.sources).toEqual([sources[3], sources[0], sources[2]]);
    // The conditional's `? variables.threshold` is a variable read, though `.?variables` would not be.
    expect(trail.expression.needs).toEqual([0, 1, 2, 3]);
    expect(trail.expression.sources).toEqual(["resource.name == 'x' ? variables.threshold == 1 : variables.good", ...sources]);
    expect(trail.where).toEqual({ program: expect.objectContaining({ source: 'resource.name != ""' }) as unknown, needs: [], sources: ['resource.name != ""'] });
    expect(trail.reason?.ja.program.source).toBe('"証跡 " + resource.name + " は記録していません"');
    expect(trail.reason?.en.program.source).toBe('"trail " + resource.name + " is not logging"');
    expect(trail.context).toEqual([{ name: 'buckets', type: 'AWS::S3::Bucket', key: expect.objectContaining({ source: 'r.name' }) as unknown }]);
    expect(trail.context[0]!.key.evaluate({ r: { name: 'trail-logs' } })).toEqual(expect.objectContaining({ value: 'trail-logs' }));
  });
});

describe('requirement lookups', () => {
  it('a control evidences the requirements it names and those whose catalog entry lists it, per catalog', () => {
    const { catalog, controls } = loadFixtures();
    const [volume, trail] = [controls.find((c) => c.id === 'my-volume-encrypted')!, controls.find((c) => c.id === 'my-trail-enabled')!];
    expect(requirementsOfControl(volume, catalog)).toEqual(['A.1']);
    expect(requirementsOfControl(trail, catalog)).toEqual(['A.2']);
    expect(requirementsOfControl(volume, bundledCatalog)).toEqual(['2-1']);
    // A.1 both named by the control and listed by the catalog: once.
    const namingBoth: Control = { ...volume, requirements: { 'my-framework': ['A.1', 'A.2'] } };
    expect(requirementsOfControl(namingBoth, catalog)).toEqual(['A.1', 'A.2']);
  });

  it('a requirement is evidenced by the controls naming it and the controls its entry lists, and by no other', () => {
    const { catalog, controls } = loadFixtures();
    const [a1, a2, b1] = catalog.requirements;
    expect(controlsEvidencing(catalog, a1!, controls).map((c) => c.id)).toEqual(['my-volume-encrypted']);
    expect(controlsEvidencing(catalog, a2!, controls).map((c) => c.id)).toEqual(['my-trail-enabled']);
    expect(controlsEvidencing(catalog, b1!, controls)).toEqual([]);
    const twoOne = bundledCatalog.requirements.find((r) => r.id === '2-1')!;
    expect(controlsEvidencing(bundledCatalog, twoOne, controls).map((c) => c.id)).toEqual(['my-volume-encrypted']);
  });
});

describe('attestations', () => {
  const attestation = (fields: Partial<Attestation>): Attestation => ({
    catalog: 'jp-cloud-procurement',
    requirement: '1-1',
    statement: '規程を定め運用している',
    evidence: 'DOC-1',
    owner: 'CISO',
    attested: '2026-01-01',
    expires: '2026-06-30',
    ...fields,
  });

  it('loads entries with their catalog (the default one where none is given); a statement may expire the day it is made', () => {
    const { catalog } = loadFixtures();
    const files = tempFiles({
      'a.yaml':
        'attestations:\n' +
        '  - { requirement: "1-1", statement: 規程を定め運用している, evidence: DOC-1, owner: CISO, attested: 2026-01-01, expires: 2026-12-31 }\n' +
        '  - { catalog: my-framework, requirement: A.2, statement: 年1回更新, evidence: DOC-2, owner: 基盤チーム, attested: 2026-03-01, expires: 2026-03-01 }\n',
    });
    expect(loadAttestations(files['a.yaml']!, [bundledCatalog, catalog], bundledCatalog.id)).toEqual([
      { catalog: 'jp-cloud-procurement', requirement: '1-1', statement: '規程を定め運用している', evidence: 'DOC-1', owner: 'CISO', attested: '2026-01-01', expires: '2026-12-31' },
      { catalog: 'my-framework', requirement: 'A.2', statement: '年1回更新', evidence: 'DOC-2', owner: '基盤チーム', attested: '2026-03-01', expires: '2026-03-01' },
    ]);
  });

  it('an attestation is in force from its attested day through its expiry day (UTC)', () => {
    const one = attestation({});
    const on = (iso: string): string => attestationFor([one], 'jp-cloud-procurement', '1-1', new Date(iso)).state;
    expect(on('2025-12-31T23:59:59Z')).toBe('future');
    expect(on('2026-01-01T00:00:00Z')).toBe('valid');
    expect(on('2026-06-30T23:59:59Z')).toBe('valid');
    expect(on('2026-07-01T00:00:00Z')).toBe('expired');
  });

  it('is missing for another requirement or catalog', () => {
    const one = attestation({});
    const now = new Date('2026-03-01T00:00:00Z');
    expect(attestationFor([one], 'jp-cloud-procurement', '1-2', now)).toEqual({ state: 'missing' });
    expect(attestationFor([one], 'my-framework', '1-1', now)).toEqual({ state: 'missing' });
  });

  it('the latest-expiring valid one wins; else a future one; else the latest expired one', () => {
    const early = attestation({ evidence: 'early', expires: '2026-04-30' });
    const late = attestation({ evidence: 'late', expires: '2026-09-30' });
    const middle = attestation({ evidence: 'middle', expires: '2026-06-30' });
    const next = attestation({ evidence: 'next', attested: '2027-01-01', expires: '2027-12-31' });
    const pick = (list: Attestation[], iso: string): string => {
      const found = attestationFor(list, 'jp-cloud-procurement', '1-1', new Date(iso));
      return found.state === 'missing' ? 'missing' : `${found.state} ${found.attestation.evidence}`;
    };
    expect(pick([early, late, middle], '2026-03-01T00:00:00Z')).toBe('valid late');
    expect(pick([early, middle, next], '2026-05-15T00:00:00Z')).toBe('valid middle');
    expect(pick([early, late, next], '2026-10-01T00:00:00Z')).toBe('future next');
    expect(pick([early, late, middle], '2026-10-01T00:00:00Z')).toBe('expired late');
    expect(pick([late, early], '2026-10-01T00:00:00Z')).toBe('expired late');
  });
});

describe('exceptions', () => {
  const exception = (id: string, fields: Partial<ControlException>): ControlException => ({
    id,
    control: 'my-volume-encrypted',
    match: {},
    justification: { ja: '日本法の下で運用', en: 'operated under Japanese law' },
    approvedBy: 'CISO',
    expires: '2026-12-31',
    at: 'e.yaml:2',
    ...fields,
  });
  const subject = (fields: Partial<ExceptionSubject> = {}): ExceptionSubject => ({
    control: 'my-volume-encrypted',
    provider: 'aws',
    account: '111122223333',
    region: 'ap-northeast-1',
    resourceId: 'vol-0abc',
    tags: {},
    ...fields,
  });
  const NOW = new Date('2026-11-01T00:00:00Z');

  it('loads entries with where they are, and their reference only when given', () => {
    const { controls } = loadFixtures();
    const files = tempFiles({
      'e.yaml':
        'exceptions:\n' +
        '  - id: dr-volumes\n    control: my-volume-encrypted\n    match: { provider: aws, account: "1111*", region: us-east-1 }\n' +
        '    justification: { ja: 日本法の下で運用, en: operated under Japanese law }\n    approvedBy: CISO\n    reference: ISC-2026-041\n    expires: 2027-06-30\n' +
        // Every control of one provider: the aws controls loaded are no reason to refuse it.
        '  - { id: every-control, control: "*", match: { provider: gcp }, justification: { ja: 検証環境, en: test estate }, approvedBy: CISO, expires: 2026-12-31 }\n',
    });
    const loaded = loadExceptions(files['e.yaml']!, controls);
    expect(loaded).toEqual([
      {
        id: 'dr-volumes',
        control: 'my-volume-encrypted',
        match: { provider: 'aws', account: '1111*', region: 'us-east-1' },
        justification: { ja: '日本法の下で運用', en: 'operated under Japanese law' },
        approvedBy: 'CISO',
        expires: '2027-06-30',
        reference: 'ISC-2026-041',
        at: `${files['e.yaml']}:2`,
      },
      {
        id: 'every-control',
        control: '*',
        match: { provider: 'gcp' },
        justification: { ja: '検証環境', en: 'test estate' },
        approvedBy: 'CISO',
        expires: '2026-12-31',
        at: `${files['e.yaml']}:9`,
      },
    ]);
    expect(Object.keys(loaded[1]!)).not.toContain('reference');
  });

  it('applies through its whole expiry day (UTC), and its expiry second is the end of that day', () => {
    const one = exception('one', { expires: '2026-12-31' });
    expect(exceptionActive(one, new Date('2026-12-31T23:59:59Z'))).toBe(true);
    expect(exceptionActive(one, new Date('2027-01-01T00:00:00Z'))).toBe(false);
    expect(exceptionExpirySeconds(one)).toBe(Date.parse('2027-01-01T00:00:00Z') / 1000 - 1);
  });

  it('matches every given key, exactly or by * and ? globs, anchored, with other characters literal', () => {
    const matcher = (match: ControlException['match']): ((s: ExceptionSubject) => boolean) => (s) => new ExceptionMatcher([exception('one', { match })], NOW).match(s, true) !== undefined;
    expect(matcher({ account: '1111*' })(subject())).toBe(true);
    expect(matcher({ account: '1111' })(subject())).toBe(false);
    expect(matcher({ account: '*3333' })(subject())).toBe(true);
    expect(matcher({ account: '2*' })(subject())).toBe(false);
    expect(matcher({ region: 'ap-northeast-?' })(subject())).toBe(true);
    expect(matcher({ region: 'ap-northeast-?' })(subject({ region: 'ap-northeast-10' }))).toBe(false);
    expect(matcher({ region: 'ap.northeast.1' })(subject())).toBe(false);
    expect(matcher({ region: 'ap.northeast.1' })(subject({ region: 'ap.northeast.1' }))).toBe(true);
    expect(matcher({ resource: 'vol-(0abc)|x' })(subject({ resourceId: 'vol-(0abc)|x' }))).toBe(true);
    expect(matcher({ resource: 'vol-(0abc)|x' })(subject())).toBe(false);
    expect(matcher({ provider: 'aws' })(subject())).toBe(true);
    expect(matcher({ provider: 'gcp' })(subject())).toBe(false);
    // Every key must match, not any.
    expect(matcher({ provider: 'aws', region: 'us-*' })(subject())).toBe(false);
    expect(matcher({ account: '1111*', region: 'ap-*', resource: 'vol-*' })(subject())).toBe(true);
  });

  it('matches a resource by its id or its ARN', () => {
    const byArn = new ExceptionMatcher([exception('one', { match: { resource: 'arn:aws:ec2:*:volume/vol-0abc' } })], NOW);
    expect(byArn.match(subject({ arn: 'arn:aws:ec2:ap-northeast-1:111122223333:volume/vol-0abc' }), true)?.id).toBe('one');
    expect(byArn.match(subject(), true)).toBeUndefined();
    expect(byArn.match(subject({ resourceId: 'vol-0def', arn: 'arn:aws:ec2:ap-northeast-1:111122223333:volume/vol-0def' }), true)).toBeUndefined();
    const byId = new ExceptionMatcher([exception('one', { match: { resource: 'vol-*' } })], NOW);
    expect(byId.match(subject({ arn: 'arn:aws:ec2:ap-northeast-1:111122223333:volume/vol-0abc' }), true)?.id).toBe('one');
  });

  it('needs every listed tag present with a matching value', () => {
    const matcher = new ExceptionMatcher([exception('one', { match: { tags: { env: 'dr-*', owner: 'infra' } } })], NOW);
    expect(matcher.match(subject({ tags: { env: 'dr-tokyo', owner: 'infra', other: 'x' } }), true)?.id).toBe('one');
    expect(matcher.match(subject({ tags: { env: 'dr-tokyo' } }), true)).toBeUndefined();
    expect(matcher.match(subject({ tags: { env: 'prod', owner: 'infra' } }), true)).toBeUndefined();
  });

  it('waives with the first active exception, its own control before "*", and counts every match of each', () => {
    const expired = exception('expired', { match: { region: 'ap-*' }, expires: '2026-10-31' });
    const wildcard = exception('wildcard', { control: '*', match: { provider: 'aws' } });
    const own = exception('own', { match: { account: '1111*' } });
    const second = exception('second', { match: { region: 'ap-northeast-1' } });
    const other = exception('other', { control: 'my-trail-enabled', match: { provider: 'aws' } });
    const matcher = new ExceptionMatcher([wildcard, expired, own, second, other], NOW);
    expect(matcher.empty).toBe(false);
    expect(matcher.match(subject(), true)?.id).toBe('own');
    // A finding that is not failing is matched (counted) but never waived.
    expect(matcher.match(subject(), false)).toBeUndefined();
    expect(Object.fromEntries(matcher.counts)).toEqual({
      wildcard: { matched: 2, waived: 0 },
      expired: { matched: 2, waived: 0 },
      own: { matched: 2, waived: 1 },
      second: { matched: 2, waived: 0 },
      other: { matched: 0, waived: 0 },
    });
    // Only "*" left for another control: it applies.
    expect(matcher.match(subject({ control: 'aws-s3-bucket-default-encryption' }), true)?.id).toBe('wildcard');
    expect(matcher.counts.get('wildcard')).toEqual({ matched: 3, waived: 1 });
  });

  it('is empty with no exceptions, and not with only a "*" one or only a control\'s one', () => {
    expect(new ExceptionMatcher([], NOW).empty).toBe(true);
    expect(new ExceptionMatcher([exception('w', { control: '*', match: { provider: 'aws' } })], NOW).empty).toBe(false);
    expect(new ExceptionMatcher([exception('c', { match: { provider: 'aws' } })], NOW).empty).toBe(false);
  });
});

describe('loadMappings', () => {
  it('loads only the given controls without the bundled ones, and no attestations or exceptions unless given', () => {
    const { files } = loadFixtures();
    const mappings = loadMappings({ catalog: files['mine.yaml']!, controls: [files['c.yaml']!], bundledControls: false });
    expect(mappings.catalog.id).toBe('my-framework');
    expect(mappings.controls.map((c) => c.id)).toEqual(['my-volume-encrypted', 'my-trail-enabled']);
    expect(mappings.attestations).toEqual([]);
    expect(mappings.exceptions).toEqual([]);
  });

  it('adds the given controls to the bundled ones, and loads attestations and exceptions', () => {
    const { files } = loadFixtures();
    const extra = tempFiles({
      'a.yaml': 'attestations:\n  - { requirement: "1-1", statement: 規程を定め運用している, evidence: DOC-1, owner: CISO, attested: 2026-01-01, expires: 2026-12-31 }\n',
      'e.yaml': 'exceptions:\n  - { id: dr-volumes, control: my-volume-encrypted, match: { region: us-east-1 }, justification: { ja: 理由, en: why }, approvedBy: CISO, expires: 2026-12-31 }\n',
    });
    const mappings = loadMappings({ controls: [files['c.yaml']!], attestations: extra['a.yaml']!, exceptions: extra['e.yaml']! });
    expect(mappings.catalog.id).toBe('jp-cloud-procurement');
    expect(mappings.controls.length).toBeGreaterThan(100);
    expect(mappings.controls.slice(-2).map((c) => c.id)).toEqual(['my-volume-encrypted', 'my-trail-enabled']);
    expect(mappings.attestations.map((a) => `${a.catalog} ${a.requirement}`)).toEqual(['jp-cloud-procurement 1-1']);
    expect(mappings.exceptions.map((e) => e.id)).toEqual(['dr-volumes']);
  });
});

describe('a mapping given as text', () => {
  it('is validated like a file, under the name given, and locates its paths', () => {
    const parsed = parseYamlText('(inline)', controlsYaml, controlsFileSchema);
    expect(parsed.file).toBe('(inline)');
    expect(parsed.value.controls.map((c) => c.id)).toEqual(['my-volume-encrypted', 'my-trail-enabled']);
    expect(parsed.locate(['controls', 1, 'scope'])).toBe('(inline):17');
    // A path the document does not have is located at its nearest existing parent.
    expect(parsed.locate(['controls', 0, 'where'])).toBe('(inline):2');
    expect(() => parseYamlText('(inline)', 'controls: []\n', controlsFileSchema)).toThrow(/^\(inline\):1: controls: Too small: expected array to have >=1 item/);
  });
});

describe('the data register', () => {
  const DOC = 'https://docs.aws.amazon.com/config/latest/developerguide/resource-config-reference.html';
  const header = `provider: aws\ntypeListSource: "${DOC}"\ntypes:\n`;
  const reason = (en: string): string => `{ ja: 理由, en: "${en}" }`;

  function registersOf(yaml: string): ReturnType<typeof loadRegisters> {
    const files = tempFiles({ 'registers/aws.yaml': yaml });
    return loadRegisters(dirname(files['registers/aws.yaml']!));
  }
  const problemsOf = (yaml: string, controls: readonly Control[] = []): string[] =>
    registerProblems(registersOf(yaml), controls).map((p) => `${p.at.replace(/^.*\//, '')}: ${p.message}`);

  it('asks, per kind of holder, only for the aspects that apply to it', () => {
    // A copy rule: copies only. Placement: residency only. Traffic with endpoints: residency and transit. Keys: residency and at rest.
    const yaml =
      header +
      `  - { type: AWS::Backup::BackupPlan, holds: copyRule, location: { scope: regional, field: region }, docs: ["${DOC}"] }\n` +
      `  - { type: AWS::EC2::Subnet, holds: placement, location: { scope: zonal, field: configuration.availabilityZone }, docs: ["${DOC}"] }\n` +
      `  - { type: AWS::CloudFront::Distribution, holds: traffic, location: { scope: global, field: region }, transit: { docs: ["${DOC}"] }, docs: ["${DOC}"] }\n` +
      `  - { type: AWS::KMS::Key, holds: keys, location: { scope: regional, field: region }, docs: ["${DOC}"] }\n`;
    expect(problemsOf(yaml)).toEqual([
      'aws.yaml:4: AWS::Backup::BackupPlan: no control judges copies (9-6) and notJudged.copies gives no reason',
      'aws.yaml:5: AWS::EC2::Subnet: no control judges residency (9-6) and notJudged.residency gives no reason',
      'aws.yaml:6: AWS::CloudFront::Distribution: no control judges residency (9-6) and notJudged.residency gives no reason',
      'aws.yaml:6: AWS::CloudFront::Distribution: no control judges transit (2-2) and notJudged.transit gives no reason',
      'aws.yaml:7: AWS::KMS::Key: no control judges residency (9-6) and notJudged.residency gives no reason',
      'aws.yaml:7: AWS::KMS::Key: no control judges atRest (2-1) and notJudged.atRest gives no reason',
    ]);
  });

  it('refuses both a control and a reason for one aspect, and a control of another provider', () => {
    const { controls } = loadFixtures();
    const azureVolume = { ...controls[0]!, id: 'my-azure-disk', provider: 'azure' as const };
    const yaml =
      header +
      `  - type: AWS::EC2::Volume\n    holds: data\n    location: { scope: zonal, field: availabilityZone }\n` +
      `    atRest: { enabledField: configuration.encrypted, docs: ["${DOC}"] }\n` +
      `    controls: { residency: [my-azure-disk], atRest: [my-volume-encrypted] }\n` +
      `    notJudged: { atRest: ${reason('encryption is judged elsewhere')} }\n    docs: ["${DOC}"]\n`;
    expect(problemsOf(yaml, [...controls, azureVolume])).toEqual([
      'aws.yaml:4: AWS::EC2::Volume: control my-azure-disk is for azure, not aws',
      'aws.yaml:4: AWS::EC2::Volume: atRest has both controls and a notJudged reason',
    ]);
  });

  it('counts, per aspect, the applicable types judged by a control, excluded with a reason, and still open', () => {
    const yaml =
      header +
      `  - type: AWS::EC2::Volume\n    holds: data\n    location: { scope: zonal, field: availabilityZone }\n` +
      `    copies: [{ kind: snapshot copy, destinationField: configuration.destinationRegion, docs: ["${DOC}"] }]\n` +
      `    atRest: { enabledField: configuration.encrypted, docs: ["${DOC}"] }\n` +
      `    controls: { atRest: [my-volume-encrypted] }\n` +
      `    notJudged: { residency: ${reason('AWS Config records no zone (open)  ')}, copies: ${reason('(open) questions are tracked in the register notes')} }\n    docs: ["${DOC}"]\n` +
      `  - { type: AWS::EC2::Subnet, holds: placement, location: { scope: zonal, field: configuration.availabilityZone }, notJudged: { residency: ${reason('not yet (open)')} }, docs: ["${DOC}"] }\n` +
      `  - { type: AWS::Backup::BackupPlan, holds: copyRule, location: { scope: regional, field: region }, controls: { copies: [my-backup-copy] }, docs: ["${DOC}"] }\n`;
    expect(registerCounts(registersOf(yaml))).toEqual([
      {
        provider: 'aws',
        types: 3,
        aspects: {
          residency: { applies: 2, covered: 0, excluded: 0, open: 2 },
          copies: { applies: 2, covered: 1, excluded: 1, open: 0 },
          transit: { applies: 0, covered: 0, excluded: 0, open: 0 },
          atRest: { applies: 1, covered: 1, excluded: 0, open: 0 },
        },
      },
    ]);
  });
});
