/** Exceptions (waivers): matching, expiry, counting, requirement verdicts, bad input. */
import { InputError } from '../../src/errors.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { loadCatalog } from '../../src/mappings/catalog.js';
import { loadControls } from '../../src/mappings/controls.js';
import { loadExceptions } from '../../src/mappings/exceptions.js';
import type { CollectionScope, Resource } from '../../src/model/resource.js';
import { tempFiles } from '../support/files.js';

const files = tempFiles({
  'catalog.yaml': `id: t\nversion: "1"\ntitle_ja: テ\ntitle_en: T\ncategories: [{ id: "1", name_ja: 一, name_en: One }]\nrequirements:\n  - { id: "9-6", category: "1", automation: automated, title_en: x, text_ja: x, rationale: { ja: 理由, en: why } }\n`,
  'controls.yaml': `controls:
  - id: in-japan
    title: { ja: 国内, en: In Japan }
    provider: aws
    resourceTypes: [AWS::S3::Bucket]
    kind: each
    expression: resource.region in ["ap-northeast-1", "ap-northeast-3"]
    reason: { ja: '"国外リージョン " + resource.region', en: '"region " + resource.region + " is outside Japan"' }
    severity: critical
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 移してください, en: move it }
    requirements: { t: ["9-6"] }
`,
});
const catalog = loadCatalog(files['catalog.yaml']!);
const controls = loadControls([files['controls.yaml']!], [catalog]);
const NOW = new Date('2026-12-06T09:00:00Z');

const bucket = (id: string, region: string, tags: Record<string, string> = {}, account = '111111111111'): Resource => ({
  provider: 'aws', account, region, type: 'AWS::S3::Bucket', id, name: id, arn: `arn:aws:s3:::${id}`, tags, configuration: {}, supplementary: {}, relationships: [], capturedAt: '',
});
const scopes: CollectionScope[] = ['ap-northeast-1', 'us-east-1', 'eu-west-1'].map((region) => ({
  provider: 'aws', account: '111111111111', region, types: 'all', outcome: { status: 'ok', collectedAt: NOW.toISOString() },
}));

function exceptionsFrom(yaml: string): ReturnType<typeof loadExceptions> {
  const f = tempFiles({ 'exceptions.yaml': yaml });
  return loadExceptions(f['exceptions.yaml']!, controls);
}

const entry = (fields: string): string => `  - justification: { ja: 日本の法令の下で運用, en: operated under Japanese law }
    approvedBy: CISO 山田
${fields}`;

function run(resources: Resource[], exceptionsYaml: string, now = NOW) {
  return evaluate(resources, scopes, controls, catalog, [], now, { keptFindings: 'all', exceptions: { list: exceptionsFrom(exceptionsYaml), now } });
}

describe('exceptions', () => {
  const yaml = `exceptions:
${entry(`    id: dr-copy
    control: in-japan
    match: { region: "us-*", resource: "dr-*" }
    expires: 2027-03-31`)}
${entry(`    id: tagged
    control: "*"
    match: { tags: { purpose: "disaster-*" } }
    expires: 2027-01-31`)}
${entry(`    id: lapsed
    control: in-japan
    match: { resource: "arn:aws:s3:::old-*" }
    expires: 2026-12-05`)}
${entry(`    id: typo
    control: in-japan
    match: { account: "999999999999" }
    expires: 2027-12-31`)}
`;

  it('waive matching failures, never passes or unknowns, and only while unexpired', () => {
    const a = run(
      [
        bucket('dr-logs', 'us-east-1'),
        bucket('other', 'us-east-1'),
        bucket('dr-tokyo', 'ap-northeast-1'),
        bucket('tagged-eu', 'eu-west-1', { purpose: 'disaster-recovery' }),
        bucket('old-archive', 'eu-west-1'),
        { ...bucket('dr-broken', 'us-east-1'), malformed: 'configuration is not JSON' },
      ],
      yaml,
    );
    const byId = Object.fromEntries(a.findings.map((f) => [f.resourceId, [f.status, f.exception]]));
    expect(byId).toEqual({
      'dr-logs': ['waived', 'dr-copy'],
      other: ['fail', undefined],
      'dr-tokyo': ['pass', undefined],
      'tagged-eu': ['waived', 'tagged'],
      'old-archive': ['fail', undefined], // matched by an expired exception (by ARN): not waived
      'dr-broken': ['unknown', undefined], // a waiver does not decide what kansa could not see
    });
    const waived = a.findings.find((f) => f.resourceId === 'dr-logs')!;
    expect(waived.reason).toBe('region us-east-1 is outside Japan'); // the reason stays visible
    expect(a.tallies).toEqual([expect.objectContaining({ control: 'in-japan', checked: 6, failing: 2, unknown: 1, waived: 2 })]);
    expect(a.exceptions.map((e) => [e.id, e.state, e.matched, e.waived])).toEqual([
      ['dr-copy', 'active', 2, 1],
      ['tagged', 'active', 1, 1],
      ['lapsed', 'expired', 1, 0],
      ['typo', 'active', 0, 0],
    ]);
  });

  it('a requirement whose only failures are waived is compliant, and says how many were waived', () => {
    const a = run([bucket('dr-logs', 'us-east-1'), bucket('ok', 'ap-northeast-1')], yaml);
    const r = a.requirements.find((x) => x.id === '9-6')!;
    expect(r.status).toBe('compliant');
    expect(r.reason).toBe('all 1 controls with data pass (1 findings waived by exceptions)');
    expect(r.reason_ja).toBe('データのあるコントロール 1 件がすべて適合しています（例外承認により 1 件を許容）');
  });

  it('after its expiry day the same finding fails again', () => {
    const later = new Date('2027-04-01T00:00:00Z');
    const a = run([bucket('dr-logs', 'us-east-1')], yaml, later);
    expect(a.findings.map((f) => f.status)).toEqual(['fail']);
    expect(a.requirements.find((x) => x.id === '9-6')?.status).toBe('noncompliant');
    // through the whole expiry day (UTC), as attestations
    const lastDay = run([bucket('dr-logs', 'us-east-1')], yaml, new Date('2027-03-31T23:59:00Z'));
    expect(lastDay.findings.map((f) => f.status)).toEqual(['waived']);
  });
});

describe('exceptions files: bad input names file:line and path', () => {
  function error(yaml: string): InputError {
    try {
      exceptionsFrom(yaml);
    } catch (e) {
      if (e instanceof InputError) return e;
      throw e;
    }
    throw new Error('expected an InputError');
  }

  it('an unknown control', () => {
    const e = error(`exceptions:\n${entry(`    id: x\n    control: no-such-control\n    match: { region: us-east-1 }\n    expires: 2027-01-01`)}`);
    expect(e.message).toMatch(/exceptions\.yaml:5: exceptions\[0\]\.control: unknown control "no-such-control"/);
  });

  it('no expiry', () => {
    const e = error(`exceptions:\n${entry(`    id: x\n    control: in-japan\n    match: { region: us-east-1 }`)}`);
    expect(e.message).toMatch(/exceptions\.yaml:\d+: exceptions\[0\]\.expires: /);
  });

  it('no justification', () => {
    const e = error(`exceptions:\n  - id: x\n    control: in-japan\n    approvedBy: a\n    match: { region: us-east-1 }\n    expires: 2027-01-01\n`);
    expect(e.message).toMatch(/exceptions\[0\]\.justification: /);
  });

  it('a justification in one language', () => {
    const e = error(`exceptions:\n  - id: x\n    control: in-japan\n    approvedBy: a\n    justification: { en: only english }\n    match: { region: us-east-1 }\n    expires: 2027-01-01\n`);
    expect(e.message).toMatch(/exceptions\[0\]\.justification(\.ja)?: /);
  });

  it('an invalid glob', () => {
    const e = error(`exceptions:\n${entry(`    id: x\n    control: in-japan\n    match: { resource: "dr-[abc]*" }\n    expires: 2027-01-01`)}`);
    expect(e.message).toMatch(/exceptions\.yaml:6: exceptions\[0\]\.match\.resource: invalid glob "dr-\[abc\]\*"/);
  });

  it('an empty match, which would waive the control everywhere', () => {
    const e = error(`exceptions:\n${entry(`    id: x\n    control: in-japan\n    match: {}\n    expires: 2027-01-01`)}`);
    expect(e.message).toMatch(/exceptions\[0\]\.match: expected at least one of provider, account, region, resource, tags/);
  });

  it('a duplicate id, and a provider that can never match the control', () => {
    const dup = error(`exceptions:\n${entry(`    id: x\n    control: in-japan\n    match: { region: a }\n    expires: 2027-01-01`)}\n${entry(`    id: x\n    control: in-japan\n    match: { region: b }\n    expires: 2027-01-01`)}`);
    expect(dup.message).toMatch(/exceptions\[1\]\.id: duplicate exception id "x"/);
    const provider = error(`exceptions:\n${entry(`    id: x\n    control: in-japan\n    match: { provider: gcp }\n    expires: 2027-01-01`)}`);
    expect(provider.message).toMatch(/exceptions\[0\]\.match\.provider: control in-japan is a aws control/);
  });
});
