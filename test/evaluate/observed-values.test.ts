/**
 * How a passing finding words what it observed (#15, #19): each kind of CEL value as a reviewer reads it,
 * lists and maps shortened, nesting cut off, the whole text bounded in length, and none once stale data makes the pass unknown.
 */
import { assess, evaluate, Evaluation } from '../../src/evaluate/evaluate.js';
import { loadCatalog } from '../../src/mappings/catalog.js';
import { loadControls } from '../../src/mappings/controls.js';
import type { CollectionScope, Resource } from '../../src/model/resource.js';
import { tempFiles } from '../support/files.js';

const control = (id: string, variables: string, expression: string): string => `  - id: ${id}
    title: { ja: 観測, en: Observed }
    provider: aws
    resourceTypes: [AWS::EC2::Volume]
    kind: each
    variables:
${variables}
    expression: '${expression}'
    severity: low
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { t: ["1-1"] }
`;
const files = tempFiles({
  'catalog.yaml': `id: t\nversion: "1"\ntitle_ja: テ\ntitle_en: T\ncategories: [{ id: "1", name_ja: 一, name_en: One }]\nrequirements:\n  - { id: "1-1", category: "1", automation: automated, title_en: x, text_ja: x, rationale: { ja: 根拠, en: r } }\n`,
  'controls.yaml': `controls:
${control(
  'every-kind',
  `      - { name: text, expression: resource.id }
      - { name: count, expression: size(resource.configuration.seven) }
      - { name: ratio, expression: resource.configuration.ratio }
      - { name: on, expression: resource.configuration.on }
      - { name: nothing, expression: resource.configuration.nothing }
      - { name: absent, expression: resource.configuration.?absent }
      - { name: present, expression: resource.configuration.?ratio }
      - { name: five, expression: resource.configuration.five }
      - { name: seven, expression: resource.configuration.seven }
      - { name: fiveKeys, expression: resource.configuration.fiveKeys }
      - { name: sixKeys, expression: resource.configuration.sixKeys }
      - { name: empty, expression: resource.configuration.empty }
      - { name: deep, expression: resource.configuration.deep }
      - { name: broken, expression: resource.configuration.missing.x }`,
  'variables.text != "" && variables.count > 0 && variables.ratio > 0.0 && variables.on && variables.nothing == null && !variables.absent.hasValue() && variables.present.hasValue() && size(variables.five) + size(variables.seven) + size(variables.fiveKeys) + size(variables.sixKeys) + size(variables.empty) + size(variables.deep) > 0 && (true || variables.broken)',
)}${control('name-only', '      - { name: name, expression: resource.name }', 'variables.name != ""')}`,
});
const catalog = loadCatalog(files['catalog.yaml']!);
const controls = loadControls([files['controls.yaml']!], [catalog]);
const NOW = new Date('2026-06-15T12:00:00Z');
const scope: CollectionScope = { provider: 'aws', account: '111122223333', region: 'ap-northeast-1', types: 'all', outcome: { status: 'ok', collectedAt: NOW.toISOString() } };
const volume = (id: string, name: string, configuration: Record<string, unknown>): Resource => ({
  provider: 'aws', account: '111122223333', region: 'ap-northeast-1', type: 'AWS::EC2::Volume', id, name, arn: '', tags: {}, configuration, supplementary: {}, relationships: [], capturedAt: '',
});

function observed(control: string, resource: Resource): string | undefined {
  const a = evaluate([resource], [scope], controls.filter((c) => c.id === control), catalog, [], NOW);
  expect(a.findings.map((f) => f.status)).toEqual(['pass']);
  return a.findings[0]!.observed;
}

describe('observed values', () => {
  it('word each kind of value, shorten lists and maps past five, cut nesting at three levels, and leave out a failed variable', () => {
    const configuration = {
      seven: [1, 2, 3, 4, 5, 6, 7],
      five: ['a', 'b', 'c', 'd', 'e'],
      ratio: 0.5,
      on: true,
      nothing: null,
      fiveKeys: { a: 1, b: 2, c: 3, d: 4, e: 5 },
      sixKeys: { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 },
      empty: {},
      deep: { l1: { l2: { l3: { l4: 1 } } }, list: [[[['x']]]] },
    };
    expect(observed('every-kind', volume('vol-1', 'v', configuration))!.split('; ')).toEqual([
      'text="vol-1"',
      'count=7',
      'ratio=0.5',
      'on=true',
      'nothing=null',
      'absent=none',
      'present=0.5',
      'five=["a", "b", "c", "d", "e"]',
      'seven=[1, 2, 3, 4, 5, ...(7 items)]',
      'fiveKeys={a: 1, b: 2, c: 3, d: 4, e: 5}',
      'sixKeys={a: 1, b: 2, c: 3, d: 4, e: 5, ...}',
      'empty={}',
      'deep={l1: {l2: {l3: ...}}, list: [[...]]}',
    ]);
  });

  it('go with a pass that stale data turns into unknown', () => {
    const evaluation = new Evaluation(controls.filter((c) => c.id === 'name-only'), catalog, { keptFindings: 'all', observePassing: true });
    evaluation.add(volume('vol-1', 'data', {}));
    const partial = evaluation.partial([scope]);
    expect(partial.findings.map((f) => [f.status, f.observed])).toEqual([['pass', 'name="data"']]);
    const stale = assess([{ result: partial, stale: { lastSuccessAt: '2026-06-14T00:00:00.000Z', reason: 'old' } }], controls, catalog, [], NOW);
    expect(stale.findings).toHaveLength(1);
    expect(stale.findings[0]).toMatchObject({ status: 'unknown' });
    expect(stale.findings[0]).not.toHaveProperty('observed');
  });

  it('bound the whole text at 400 characters', () => {
    // `name="…"` is 7 characters around the name.
    const exactly = 'n'.repeat(393);
    expect(observed('name-only', volume('vol-1', exactly, {}))).toBe(`name="${exactly}"`);
    const longer = observed('name-only', volume('vol-1', `${exactly}xyz`, {}))!;
    expect(longer).toHaveLength(400);
    expect(longer).toBe(`name="${exactly.slice(0, 391)}...`);
  });
});
