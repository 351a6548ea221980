/** Controls v2: variables (ordered, lazy, at most once per resource) and bilingual messages. */
import { InputError } from '../../src/errors.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { loadCatalog } from '../../src/mappings/catalog.js';
import { loadControls, type Control } from '../../src/mappings/controls.js';
import type { CollectionScope, Resource } from '../../src/model/resource.js';
import { tempFiles } from '../support/files.js';

const CATALOG = `id: t\nversion: "1"\ntitle_ja: テ\ntitle_en: T\ncategories: [{ id: "1", name_ja: 一, name_en: One }]\nrequirements:\n  - { id: "1-1", category: "1", automation: automated, title_en: x, text_ja: x, rationale: { ja: 理由, en: why } }\n`;
const control = (body: string): string => `controls:
  - id: ports
    title: { ja: ポート, en: Ports }
    provider: aws
    resourceTypes: [AWS::EC2::SecurityGroup]
    kind: each
${body}
    severity: high
    rationale: { ja: 根拠 1-1, en: why 1-1 }
    remediation: { ja: 閉じてください, en: close them }
    requirements: { t: ["1-1"] }
`;
const PORTS = `    variables:
      - name: rules
        expression: 'has(resource.configuration.rules) ? resource.configuration.rules : unknown({"ja": "規則がありません", "en": "no rules in the payload"})'
      - name: open
        expression: variables.rules.filter(r, r.cidr == "0.0.0.0/0").map(r, string(r.port))
      - name: applies
        expression: resource.configuration.?kind.orValue("") != "ignored"
    where: variables.applies
    expression: variables.open.size() == 0
    reason:
      ja: '"ポート " + variables.open.join("、") + " がインターネットに公開されています"'
      en: '"ports " + variables.open.join(", ") + " open to the internet"'`;

function load(body: string): { controls: Control[]; catalog: ReturnType<typeof loadCatalog> } {
  const files = tempFiles({ 'catalog.yaml': CATALOG, 'controls.yaml': control(body) });
  const catalog = loadCatalog(files['catalog.yaml']!);
  return { controls: loadControls([files['controls.yaml']!], [catalog]), catalog };
}

function loadError(body: string): InputError {
  try {
    load(body);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

const NOW = new Date('2026-12-01T00:00:00Z');
const sg = (id: string, configuration: Record<string, unknown>): Resource => ({
  provider: 'aws', account: '111122223333', region: 'ap-northeast-1', type: 'AWS::EC2::SecurityGroup', id, name: id, arn: '', tags: {}, configuration, supplementary: {}, relationships: [], capturedAt: '',
});
const scope: CollectionScope = { provider: 'aws', account: '111122223333', region: 'ap-northeast-1', types: 'all', outcome: { status: 'ok', collectedAt: NOW.toISOString() } };

describe('variables', () => {
  const { controls, catalog } = load(PORTS);

  it('compile in order and record which earlier variables each expression reads', () => {
    const c = controls[0]!;
    expect(c.variables.map((v) => [v.name, v.needs])).toEqual([['rules', []], ['open', [0]], ['applies', []]]);
    expect(c.expression.needs).toEqual([0, 1]);
    expect(c.where?.needs).toEqual([2]);
  });

  it('give the verdict and both reasons from one place', () => {
    const a = evaluate(
      [sg('sg-open', { rules: [{ cidr: '0.0.0.0/0', port: 22 }, { cidr: '10.0.0.0/8', port: 80 }, { cidr: '0.0.0.0/0', port: 3389 }] }), sg('sg-closed', { rules: [{ cidr: '10.0.0.0/8', port: 22 }] }), sg('sg-ignored', { kind: 'ignored', rules: [{ cidr: '0.0.0.0/0', port: 22 }] })],
      [scope], controls, catalog, [], NOW,
    );
    const byId = Object.fromEntries(a.findings.map((f) => [f.resourceId, [f.status, f.reason, f.reason_ja]]));
    expect(byId).toEqual({
      'sg-open': ['fail', 'ports 22, 3389 open to the internet', 'ポート 22、3389 がインターネットに公開されています'],
      'sg-closed': ['pass', undefined, undefined],
    });
  });

  it('turn a failing variable into unknown with its bilingual reason, only where it is read', () => {
    const a = evaluate([sg('sg-norules', {})], [scope], controls, catalog, [], NOW);
    expect(a.findings.map((f) => [f.status, f.reason, f.reason_ja])).toEqual([['unknown', 'cannot evaluate: no rules in the payload', '判定できません: 規則がありません']]);
  });

  it('keep CEL error absorption: a failing variable that `||` does not need changes nothing', () => {
    const absorbing = load(`    variables:
      - name: broken
        expression: resource.configuration.missing.field == 1
    expression: resource.configuration.ok == true || variables.broken`);
    const a = evaluate([sg('sg-ok', { ok: true }), sg('sg-bad', { ok: false })], [scope], absorbing.controls, absorbing.catalog, [], NOW);
    const byId = Object.fromEntries(a.findings.map((f) => [f.resourceId, f.status]));
    expect(byId).toEqual({ 'sg-ok': 'pass', 'sg-bad': 'unknown' });
    expect(a.findings.find((f) => f.resourceId === 'sg-bad')?.reason).toMatch(/^cannot evaluate: variables\.broken: /);
  });

  it('a failed variable still exists: `has()` and an optional read raise its reason rather than fall back to a default', () => {
    for (const expression of ['variables.?rules.orValue([]).size() == 0', '!has(variables.rules) || variables.rules.size() == 0']) {
      const guarded = load(`    variables:
      - name: rules
        expression: 'has(resource.configuration.rules) ? resource.configuration.rules : unknown({"ja": "規則がありません", "en": "no rules in the payload"})'
    expression: '${expression}'`);
      const a = evaluate([sg('sg-norules', {}), sg('sg-empty', { rules: [] })], [scope], guarded.controls, guarded.catalog, [], NOW);
      expect(a.findings.map((f) => [f.resourceId, f.status, f.reason, f.reason_ja])).toEqual([
        ['sg-norules', 'unknown', 'cannot evaluate: no rules in the payload', '判定できません: 規則がありません'],
        ['sg-empty', 'pass', undefined, undefined],
      ]);
    }
  });

  it('are evaluated at most once per resource, and only when read', () => {
    let calls = 0;
    const counting = load(`    variables:
      - name: counted
        expression: int(resource.configuration.n) + 1
      - name: neverRead
        expression: resource.configuration.nothing.here
    where: variables.counted > 0
    expression: variables.counted < 10
    reason:
      ja: '"値 " + string(variables.counted)'
      en: '"value " + string(variables.counted)'`);
    const c = counting.controls[0]!;
    const counted = c.variables[0]!;
    const original = counted.program.evaluate.bind(counted.program);
    (counted.program as { evaluate: typeof original }).evaluate = (bindings) => {
      calls++;
      return original(bindings);
    };
    const a = evaluate([sg('sg-1', { n: 20 })], [scope], counting.controls, counting.catalog, [], NOW);
    // read by where, expression and both reasons: evaluated once; neverRead (which would fail) never evaluated
    expect(calls).toBe(1);
    expect(a.findings.map((f) => [f.status, f.reason, f.reason_ja])).toEqual([['fail', 'value 21', '値 21']]);
  });
});

describe('variables: bad control files name file:line and path', () => {
  it('an unknown variable', () => {
    const error = loadError(`    variables:
      - name: a
        expression: "1"
    expression: variables.b == 1`);
    expect(error.message).toMatch(/controls\.yaml:\d+: controls\[0\]\.expression: unknown variable "variables\.b" \(declared: a\)/);
  });

  it('a variable that reads a later one (or itself)', () => {
    const error = loadError(`    variables:
      - name: a
        expression: variables.b + 1
      - name: b
        expression: "1"
    expression: variables.a == 2`);
    expect(error.message).toMatch(/controls\[0\]\.variables\[0\]\.expression: variables\.b is declared after this expression/);
  });

  it('a duplicate variable name', () => {
    const error = loadError(`    variables:
      - name: a
        expression: "1"
      - name: a
        expression: "2"
    expression: variables.a == 1`);
    expect(error.message).toMatch(/controls\[0\]\.variables\[1\]\.name: variable "a" is already declared/);
  });

  it('a reason in one language only', () => {
    const error = loadError(`    expression: "true"
    reason:
      en: '"x"'`);
    expect(error.message).toMatch(/controls\[0\]\.reason(\.ja)?: /);
  });

  it('a reason that is not a string expression', () => {
    const error = loadError(`    expression: "true"
    reason:
      ja: "1 + 1"
      en: '"x"'`);
    expect(error.message).toMatch(/controls\[0\]\.reason\.ja: CEL does not compile: expression has type int, expected string/);
  });
});
