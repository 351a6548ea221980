/**
 * The verdict rules at their edges (#19): existence checks, expressions that cannot decide, which findings
 * are kept and streamed, combined and stale runs, attestations and exceptions in the result. Reasons are
 * asserted word for word in both languages: they are what an auditor reads.
 */
import type { Assessment, Finding } from '../../src/evaluate/assessment.js';
import { assess, evaluate, Evaluation, type PartialResult } from '../../src/evaluate/evaluate.js';
import type { Attestation } from '../../src/mappings/attestations.js';
import { loadCatalog } from '../../src/mappings/catalog.js';
import { loadControls } from '../../src/mappings/controls.js';
import { loadExceptions } from '../../src/mappings/exceptions.js';
import type { CollectionScope, Resource } from '../../src/model/resource.js';
import { tempFiles } from '../support/files.js';

const files = tempFiles({
  'catalog.yaml': `
id: edges
version: "1"
title_ja: テスト
title_en: Test
categories: [{ id: "1", name_ja: 一, name_en: One }]
requirements:
  - { id: "E-1", category: "1", automation: automated, title_en: Volumes, text_ja: ボリューム, rationale: { ja: 根拠, en: why } }
  - { id: "E-2", category: "1", automation: partial, nothing_in_scope: compliant, title_en: Trails, text_ja: 証跡, rationale: { ja: 根拠, en: why } }
  - { id: "E-3", category: "1", automation: automated, title_en: Detectors, text_ja: 検知, rationale: { ja: 根拠, en: why } }
  - { id: "E-4", category: "1", automation: manual, title_en: Policy, text_ja: 規程, rationale: { ja: 根拠, en: why } }
  - { id: "E-5", category: "1", automation: automated, nothing_in_scope: compliant, title_en: Websites, text_ja: 公開サイト, rationale: { ja: 根拠, en: why } }
`,
  'controls.yaml': `
controls:
  - id: volume-encrypted
    title: { ja: 暗号化, en: Volumes are encrypted }
    provider: aws
    resourceTypes: [AWS::EC2::Volume]
    kind: each
    expression: resource.configuration.encrypted == true
    # A label that is missing (an error) or not a string: the title stands in.
    reason: { ja: '"ボリューム " + resource.configuration.label + " は暗号化されていません"', en: resource.configuration.label }
    severity: high
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { edges: ["E-1"] }
  - id: volume-flagged
    title: { ja: フラグ, en: Volumes carry the flag }
    provider: aws
    resourceTypes: [AWS::EC2::Volume]
    kind: each
    where: 'has(resource.configuration.kind) ? resource.configuration.kind.startsWith("managed") : unknown({"ja": "ボリューム " + resource.id + " に種別がありません", "en": "volume " + resource.id + " has no kind"})'
    expression: resource.configuration.flag
    severity: low
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { edges: ["E-1"] }
  - id: website-bucket-private
    title: { ja: 公開サイトでない, en: Website buckets are private }
    provider: aws
    resourceTypes: [AWS::S3::Bucket]
    kind: each
    # Only the applicability reads the side documents.
    where: has(resource.supplementary.BucketWebsiteConfiguration)
    expression: resource.configuration.public == false
    severity: medium
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { edges: ["E-5"] }
  - id: trail-validated
    title: { ja: 検証付きの証跡, en: A validated trail exists }
    provider: aws
    resourceTypes: [AWS::CloudTrail::Trail]
    kind: exists
    scope: account
    expression: resource.configuration.logFileValidationEnabled == true
    severity: high
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { edges: ["E-2"] }
  - id: detector-on
    title: { ja: 検知, en: A detector in every region }
    provider: aws
    resourceTypes: [AWS::GuardDuty::Detector]
    kind: exists
    scope: region
    expression: resource.configuration.status == "ENABLED"
    severity: high
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { edges: ["E-3"] }
`,
  'exceptions.yaml': `exceptions:
  - id: sandbox-no-trail
    control: trail-validated
    match: { account: "444455556666" }
    justification: { ja: 検証用アカウント, en: sandbox account }
    approvedBy: CISO 山田
    reference: RISK-42
    expires: 2026-12-31
  - id: audit-trails
    control: trail-validated
    match: { tags: { owner: "audit-*" } }
    justification: { ja: 監査部門の証跡, en: the audit team's trail }
    approvedBy: CISO 山田
    expires: 2026-12-31
  - id: scratch-volumes
    control: volume-encrypted
    match: { resource: "vol-scratch-*" }
    justification: { ja: 一時領域, en: scratch space }
    approvedBy: CISO 山田
    expires: 2026-12-31
`,
});
const catalog = loadCatalog(files['catalog.yaml']!);
const controls = loadControls([files['controls.yaml']!], [catalog]);
const exceptions = loadExceptions(files['exceptions.yaml']!, controls);
const only = (...ids: string[]) => controls.filter((c) => ids.includes(c.id));
const NOW = new Date('2026-06-15T12:00:00Z');
const ACCOUNT = '111122223333';
const SANDBOX = '444455556666';
const REGION = 'ap-northeast-1';

function resource(type: string, id: string, configuration: Record<string, unknown>, extra: Partial<Resource> = {}): Resource {
  return { provider: 'aws', account: ACCOUNT, region: REGION, type, id, name: id, arn: '', tags: {}, configuration, supplementary: {}, relationships: [], capturedAt: '', ...extra };
}
const scope = (extra: Partial<CollectionScope> = {}): CollectionScope => ({ provider: 'aws', account: ACCOUNT, region: REGION, types: 'all', outcome: { status: 'ok', collectedAt: NOW.toISOString() }, ...extra });
const volume = (id: string, configuration: Record<string, unknown>, extra: Partial<Resource> = {}) => resource('AWS::EC2::Volume', id, configuration, extra);
const trail = (id: string, validated: boolean | undefined, extra: Partial<Resource> = {}) =>
  resource('AWS::CloudTrail::Trail', id, validated === undefined ? {} : { logFileValidationEnabled: validated }, extra);
const detector = (id: string, region: string, status = 'ENABLED') => resource('AWS::GuardDuty::Detector', id, { status }, { region });
const attest = (requirement: string, attested: string, expires: string): Attestation => ({ catalog: 'edges', requirement, statement: 's', evidence: 'doc-1', owner: 'CISO office', attested, expires });
const requirement = (a: Assessment, id: string) => a.requirements.find((r) => r.id === id)!;
type Row = [resourceId: string, status: string, reason: string | undefined, reasonJa: string | undefined];
/** One control's findings: resource id, status and both reasons. */
const of = (a: Assessment, control: string): Row[] => a.findings.filter((f) => f.control === control).map((f): Row => [f.resourceId, f.status, f.reason, f.reason_ja]);

describe('exists: one satisfying resource per scope', () => {
  const trails = only('trail-validated');

  it('passes naming the satisfying resource by ARN when it has one, else by id', () => {
    const withArn = evaluate([trail('t-ok', true, { arn: 'arn:aws:cloudtrail:ap-northeast-1:111122223333:trail/t-ok' })], [scope()], trails, catalog, [], NOW);
    expect(of(withArn, 'trail-validated')).toEqual([['t-ok', 'pass', 'satisfied by arn:aws:cloudtrail:ap-northeast-1:111122223333:trail/t-ok', 'arn:aws:cloudtrail:ap-northeast-1:111122223333:trail/t-ok が条件を満たしています']]);
    const withoutArn = evaluate([trail('t-bad', false), trail('t-ok', true), trail('t-also-ok', true)], [scope()], trails, catalog, [], NOW);
    // The first satisfying resource is named.
    expect(of(withoutArn, 'trail-validated')).toEqual([['t-ok', 'pass', 'satisfied by t-ok', 't-ok が条件を満たしています']]);
  });

  it('fails when none qualifies, with the first three reasons (the control title when it has no reason)', () => {
    const a = evaluate(['t1', 't2', 't3', 't4'].map((id) => trail(id, false)), [scope()], trails, catalog, [], NOW);
    expect(of(a, 'trail-validated')).toEqual([
      [
        ACCOUNT,
        'fail',
        'none of 4 AWS::CloudTrail::Trail qualifies: t1: A validated trail exists; t2: A validated trail exists; t3: A validated trail exists',
        'AWS::CloudTrail::Trail 4 件のいずれも条件を満たしていません: t1: 検証付きの証跡、t2: 検証付きの証跡、t3: 検証付きの証跡',
      ],
    ]);
    expect(a.tallies).toEqual([{ control: 'trail-validated', provider: 'aws', account: ACCOUNT, checked: 1, failing: 1, unknown: 0, waived: 0 }]);
  });

  it('is unknown, not failed, when a candidate could not be judged; only the undecided ones are named', () => {
    const a = evaluate([trail('t-bad', false), trail('t-nodata', undefined)], [scope()], trails, catalog, [], NOW);
    const [[id, status, reason, reasonJa]] = of(a, 'trail-validated') as [Row];
    expect([id, status]).toEqual([ACCOUNT, 'unknown']);
    expect(reason).toMatch(/^t-nodata: cannot evaluate: \S/);
    expect(reason).not.toContain('t-bad');
    expect(reasonJa).toMatch(/^t-nodata: 評価できません（評価エラー: .+）$/);
  });

  it('a scope-level finding names its scope: the account, or the account and region', () => {
    const common = { requirements: ['E-2'], provider: 'aws', severity: 'high', account: ACCOUNT, status: 'fail' };
    expect(evaluate([], [scope()], trails, catalog, [], NOW).findings).toEqual([
      { ...common, control: 'trail-validated', region: '', resourceType: 'AWS::CloudTrail::Trail', resourceId: ACCOUNT, scope: 'account', reason: 'no AWS::CloudTrail::Trail in this account', reason_ja: 'このアカウントに AWS::CloudTrail::Trail がありません' },
    ]);
    expect(evaluate([detector('d-off', REGION, 'DISABLED')], [scope()], only('detector-on'), catalog, [], NOW).findings).toEqual([
      {
        ...common, requirements: ['E-3'], control: 'detector-on', region: REGION, resourceType: 'AWS::GuardDuty::Detector', resourceId: `${ACCOUNT}/${REGION}`, scope: 'region',
        reason: 'none of 1 AWS::GuardDuty::Detector qualifies: d-off: A detector in every region', reason_ja: 'AWS::GuardDuty::Detector 1 件のいずれも条件を満たしていません: d-off: 検知',
      },
    ]);
  });

  it('fails an account with nothing in it, in words that name the scope', () => {
    expect(of(evaluate([], [scope()], trails, catalog, [], NOW), 'trail-validated')).toEqual([
      [ACCOUNT, 'fail', 'no AWS::CloudTrail::Trail in this account', 'このアカウントに AWS::CloudTrail::Trail がありません'],
    ]);
    expect(of(evaluate([], [scope()], only('detector-on'), catalog, [], NOW), 'detector-on')).toEqual([
      [`${ACCOUNT}/${REGION}`, 'fail', 'no AWS::GuardDuty::Detector in this region', 'このリージョンに AWS::GuardDuty::Detector がありません'],
    ]);
  });

  it('is unknown where the only scope failed or is stale, and says it was not collected', () => {
    const failed = scope({ outcome: { status: 'failed', error: 'AccessDenied', at: NOW.toISOString() } });
    expect(of(evaluate([], [failed], trails, catalog, [], NOW), 'trail-validated')).toEqual([
      [ACCOUNT, 'unknown', `collection incomplete (${REGION}: collection failed: AccessDenied); not collected`, `収集が不完全です（${REGION}: 収集に失敗したため判定できません（AccessDenied））、このスコープは収集されていません`],
    ]);
    const stale = scope({ outcome: { status: 'stale', lastSuccessAt: '2026-06-14T00:00:00.000Z', error: 'older than 86400 s' } });
    const a = evaluate([], [stale], trails, catalog, [], NOW);
    expect(of(a, 'trail-validated')).toEqual([
      [
        ACCOUNT,
        'unknown',
        `collection incomplete (${REGION}: data stale: last successful collection 2026-06-14T00:00:00.000Z (older than 86400 s)); not collected`,
        `収集が不完全です（${REGION}: データが古いため判定できません（最後に収集に成功したのは 2026-06-14T00:00:00.000Z、older than 86400 s））、このスコープは収集されていません`,
      ],
    ]);
    expect(requirement(a, 'E-2')).toMatchObject({ status: 'unknown', counts: { checked: 1, unknown: 1, scopesCovered: 0, scopesNotCovered: 1 } });
  });

  it('judges candidates of an account no scope describes: what was seen is evidence', () => {
    const a = evaluate([trail('t-far', false, { account: '777788889999' })], [scope()], trails, catalog, [], NOW);
    expect(of(a, 'trail-validated').map(([id, status]) => [id, status])).toEqual([
      [ACCOUNT, 'fail'],
      ['777788889999', 'fail'],
    ]);
  });

  it('a region-scoped check ignores candidates in the global pseudo-region', () => {
    const a = evaluate([detector('d-global', 'global'), detector('d-tokyo', REGION)], [scope(), scope({ region: 'ap-northeast-3' })], only('detector-on'), catalog, [], NOW);
    expect(of(a, 'detector-on').map(([id, status]) => [id, status])).toEqual([
      ['d-tokyo', 'pass'],
      [`${ACCOUNT}/ap-northeast-3`, 'fail'],
    ]);
    expect(requirement(a, 'E-3')).toMatchObject({ status: 'noncompliant', reason: 'failing controls: detector-on', reason_ja: '不適合のコントロールがあります: detector-on' });
  });

  it('an exception matched by the satisfying resource’s tags counts the match, and waives nothing that passes', () => {
    const audited = trail('t-audit', true, { tags: { owner: 'audit-team' } });
    const a = evaluate([audited], [scope()], trails, catalog, [], NOW, { keptFindings: 'all', exceptions: { list: exceptions, now: NOW } });
    expect(a.findings.map((f) => [f.resourceId, f.status, f.exception])).toEqual([['t-audit', 'pass', undefined]]);
    expect(a.exceptions.find((e) => e.id === 'audit-trails')).toMatchObject({ matched: 1, waived: 0 });
  });

  it('an active exception waives a failing scope, and the result says which and how often', () => {
    const a = evaluate([], [scope(), scope({ account: SANDBOX })], trails, catalog, [attest('E-2', '2026-01-01', '2026-12-31')], NOW, { keptFindings: 'all', exceptions: { list: exceptions, now: NOW } });
    expect(a.findings.map((f) => [f.account, f.status, f.exception])).toEqual([
      [ACCOUNT, 'fail', undefined],
      [SANDBOX, 'waived', 'sandbox-no-trail'],
    ]);
    expect(a.tallies.map((t) => [t.account, t.checked, t.failing, t.waived])).toEqual([
      [ACCOUNT, 1, 1, 0],
      [SANDBOX, 1, 0, 1],
    ]);
    expect(a.exceptions).toEqual([
      { id: 'sandbox-no-trail', control: 'trail-validated', expires: '2026-12-31', state: 'active', justification: { ja: '検証用アカウント', en: 'sandbox account' }, approvedBy: 'CISO 山田', reference: 'RISK-42', matched: 1, waived: 1 },
      { id: 'audit-trails', control: 'trail-validated', expires: '2026-12-31', state: 'active', justification: { ja: '監査部門の証跡', en: "the audit team's trail" }, approvedBy: 'CISO 山田', matched: 0, waived: 0 },
      { id: 'scratch-volumes', control: 'volume-encrypted', expires: '2026-12-31', state: 'active', justification: { ja: '一時領域', en: 'scratch space' }, approvedBy: 'CISO 山田', matched: 0, waived: 0 },
    ]);
  });
});

describe('an expression that cannot decide is unknown with its reason', () => {
  const flagged = only('volume-flagged');

  it('a `where` that raises, and an expression that is not a boolean', () => {
    const resources = [volume('vol-nokind', { flag: true }), volume('vol-oddkind', { kind: 7, flag: true }), volume('vol-text', { kind: 'managed', flag: 'yes' }), volume('vol-other', { kind: 'unmanaged' }), volume('vol-ok', { kind: 'managed', flag: true })];
    const a = evaluate(resources, [scope()], flagged, catalog, [], NOW);
    const byId = Object.fromEntries(of(a, 'volume-flagged').map(([id, ...rest]) => [id, rest] as const));
    expect(Object.keys(byId)).toEqual(['vol-nokind', 'vol-oddkind', 'vol-text', 'vol-ok']);
    // The `where` said why it cannot decide; or it raised.
    expect(byId['vol-nokind']).toEqual(['unknown', 'cannot evaluate: volume vol-nokind has no kind', '判定できません: ボリューム vol-nokind に種別がありません']);
    expect(byId['vol-oddkind']![0]).toBe('unknown');
    expect(byId['vol-oddkind']![1]).toMatch(/^cannot decide applicability: \S/);
    expect(byId['vol-oddkind']![2]).toMatch(/^対象とすべきかを判定できません（評価エラー: .+）$/);
    expect(byId['vol-text']).toEqual(['unknown', 'expression returned string, expected bool', '評価式が真偽値ではなく string を返したため判定できません']);
    expect(byId['vol-ok']).toEqual(['pass', undefined, undefined]);
    expect(requirement(a, 'E-1')).toMatchObject({ status: 'unknown', reason: 'controls with unknown results: volume-flagged', reason_ja: '判定できなかったコントロールがあります: volume-flagged' });
  });

  it('a failure whose reason expression fails or gives no string falls back to the control title, per language', () => {
    const a = evaluate([volume('vol-a', { encrypted: false, label: 'data' }), volume('vol-b', { encrypted: false }), volume('vol-c', { encrypted: false, label: 7 })], [scope()], only('volume-encrypted'), catalog, [], NOW);
    expect(of(a, 'volume-encrypted')).toEqual([
      ['vol-a', 'fail', 'data', 'ボリューム data は暗号化されていません'],
      ['vol-b', 'fail', 'Volumes are encrypted', '暗号化'],
      ['vol-c', 'fail', 'Volumes are encrypted', '暗号化'],
    ]);
  });
});

describe('scope-level findings of `each` controls', () => {
  it('name every problem of a scope, in both languages', () => {
    const partial = scope({ types: ['AWS::S3::Bucket'], gaps: [{ types: ['AWS::EC2::Volume'], reason: { ja: '記録されていません', en: 'not recorded' } }], unreadable: 2 });
    expect(of(evaluate([], [partial], only('volume-encrypted'), catalog, [], NOW), 'volume-encrypted')).toEqual([
      [
        `${ACCOUNT}/${REGION}`,
        'unknown',
        'AWS::EC2::Volume not covered: not recorded; 2 items in this scope could not be read even to their type; resources this control checks may be among them',
        'AWS::EC2::Volume は収集範囲外のため判定できません（記録されていません）、このスコープで種類すら読み取れない項目が 2 件あり、対象リソースが含まれている可能性があるため判定できません',
      ],
    ]);
  });

  it('count only the scopes of the control’s provider', () => {
    const azure: CollectionScope = { provider: 'azure', account: '0b1f6471-1bf0-4dda-aec3-cb9272f09590', region: 'japaneast', types: 'all', outcome: { status: 'ok', collectedAt: NOW.toISOString() } };
    const failedAzure: CollectionScope = { ...azure, region: 'japanwest', outcome: { status: 'failed', error: 'AuthorizationFailed', at: NOW.toISOString() } };
    const a = evaluate([volume('vol-ok', { encrypted: true })], [scope(), azure, failedAzure], only('volume-encrypted'), catalog, [], NOW);
    expect(a.findings.map((f) => f.resourceId)).toEqual(['vol-ok']);
    expect(a.tallies.map((t) => t.account)).toEqual([ACCOUNT]);
    expect(requirement(a, 'E-1')).toMatchObject({ status: 'compliant', counts: { checked: 1, scopesCovered: 1, scopesNotCovered: 0 } });
  });
});

describe('side documents read only by the `where`', () => {
  it('make a resource whose source omits them unknown', () => {
    const selectRow = resource('AWS::S3::Bucket', 'b-select', { public: false }, { withoutSupplementary: true });
    const a = evaluate([selectRow], [scope({ supplementary: false })], only('website-bucket-private'), catalog, [], NOW);
    expect(a.findings.map((f) => [f.resourceId, f.status])).toEqual([['b-select', 'unknown']]);
    expect(a.findings[0]!.reason).toMatch(/^these AWS::S3::Bucket items carry no complete supplementary configuration/);
  });
});

describe('which findings are kept, and what onFinding receives', () => {
  const resources = [volume('vol-ok', { encrypted: true }), volume('vol-bad', { encrypted: false, label: 'x' }), volume('vol-nodata', {})];
  const coverage = [scope(), scope({ region: 'us-east-1', outcome: { status: 'failed', error: 'Throttling', at: NOW.toISOString() } })];

  function run(keptFindings: 'all' | 'failing' | 'none'): { assessment: Assessment; streamed: Finding[] } {
    const streamed: Finding[] = [];
    const evaluation = new Evaluation(only('volume-encrypted'), catalog, { keptFindings, onFinding: (f) => void streamed.push(f) });
    for (const r of resources) evaluation.add(r);
    return { assessment: evaluation.finish(coverage, [], NOW), streamed };
  }
  const statuses = (findings: readonly Finding[]) => findings.map((f) => [f.resourceId, f.status]);
  const every = [
    ['vol-ok', 'pass'],
    ['vol-bad', 'fail'],
    ['vol-nodata', 'unknown'],
    [`${ACCOUNT}/us-east-1`, 'unknown'],
  ];

  it('every finding is streamed whatever is kept; the result keeps all, the failing and unknown ones, or none', () => {
    for (const [kept, expected] of [
      ['all', every],
      ['failing', every.slice(1)],
      ['none', []],
    ] as const) {
      const { assessment, streamed } = run(kept);
      expect(statuses(streamed)).toEqual(every);
      expect(statuses(assessment.findings)).toEqual(expected);
      // Tallies and requirement verdicts do not depend on what is kept.
      expect(assessment.tallies).toEqual([{ control: 'volume-encrypted', provider: 'aws', account: ACCOUNT, checked: 4, failing: 1, unknown: 2, waived: 0 }]);
      expect(requirement(assessment, 'E-1')).toMatchObject({ status: 'noncompliant', counts: { checked: 4, failing: 1, unknown: 2, waived: 0, scopesCovered: 1, scopesNotCovered: 1 } });
    }
  });

  it('a streamed finding carries the control, its requirements, severity and the bilingual reason', () => {
    const { streamed } = run('none');
    expect(streamed.find((f) => f.resourceId === `${ACCOUNT}/us-east-1`)).toEqual({
      control: 'volume-encrypted', requirements: ['E-1'], provider: 'aws', severity: 'high', account: ACCOUNT, region: 'us-east-1', resourceType: 'AWS::EC2::Volume',
      resourceId: `${ACCOUNT}/us-east-1`, scope: 'region', status: 'unknown', reason: 'collection failed: Throttling', reason_ja: '収集に失敗したため判定できません（Throttling）',
    });
    expect(streamed.find((f) => f.resourceId === 'vol-bad')).toEqual({
      control: 'volume-encrypted', requirements: ['E-1'], provider: 'aws', severity: 'high', account: ACCOUNT, region: REGION, resourceType: 'AWS::EC2::Volume',
      resourceId: 'vol-bad', scope: 'resource', status: 'fail', reason: 'x', reason_ja: 'ボリューム x は暗号化されていません',
    });
  });
});

describe('tallies', () => {
  it('come in control, then account order whatever the order of arrival, with a zero tally for a scope seen empty', () => {
    const other = '999900001111';
    const a = evaluate(
      [volume('vol-2', { encrypted: true }, { account: other }), trail('t-1', true, { account: other }), volume('vol-1', { encrypted: false, label: 'x' })],
      [scope(), scope({ account: other }), scope({ account: '000011112222' })],
      only('volume-encrypted', 'trail-validated'),
      catalog,
      [],
      NOW,
    );
    expect(a.tallies.map((t) => [t.control, t.account, t.checked, t.failing])).toEqual([
      ['trail-validated', '000011112222', 1, 1],
      ['trail-validated', ACCOUNT, 1, 1],
      ['trail-validated', other, 1, 0],
      ['volume-encrypted', '000011112222', 0, 0],
      ['volume-encrypted', ACCOUNT, 1, 1],
      ['volume-encrypted', other, 1, 0],
    ]);
  });
});

describe('combining runs, and stale ones', () => {
  const volumes = only('volume-encrypted');
  function partialOf(resources: readonly Resource[], coverage: readonly CollectionScope[]): PartialResult {
    const evaluation = new Evaluation(volumes, catalog, { keptFindings: 'all', exceptions: { list: exceptions, now: NOW } });
    for (const r of resources) evaluation.add(r);
    return evaluation.partial(coverage);
  }
  const tokyo = () => partialOf([volume('vol-ok', { encrypted: true }), volume('vol-nodata', {})], [scope()]);
  const osaka = () => partialOf([volume('vol-scratch-1', { encrypted: false, label: 'tmp' }, { region: 'ap-northeast-3' })], [scope({ region: 'ap-northeast-3' })]);

  it('fresh runs add up: counts, findings, tallies, coverage and exception counts', () => {
    const a = assess([{ result: tokyo() }, { result: osaka() }], volumes, catalog, [], NOW, exceptions);
    expect(a.findings.map((f) => [f.resourceId, f.status])).toEqual([
      ['vol-ok', 'pass'],
      ['vol-nodata', 'unknown'],
      ['vol-scratch-1', 'waived'],
    ]);
    expect(a.tallies.map((t) => [t.checked, t.failing, t.unknown, t.waived])).toEqual([
      [2, 0, 1, 0],
      [1, 0, 0, 1],
    ]);
    expect(a.coverage.map((s) => s.region)).toEqual([REGION, 'ap-northeast-3']);
    expect(requirement(a, 'E-1')).toMatchObject({ status: 'unknown', counts: { checked: 3, failing: 0, unknown: 1, waived: 1, scopesCovered: 2, scopesNotCovered: 0 } });
    expect(a.exceptions.find((e) => e.id === 'scratch-volumes')).toMatchObject({ matched: 1, waived: 1 });
    // The result names its catalog and the time it was made.
    expect([a.catalog, a.generatedAt]).toEqual([{ id: 'edges', version: '1' }, NOW.toISOString()]);
    // An exception's counts add up over the runs.
    const twice = assess([{ result: osaka() }, { result: osaka() }], volumes, catalog, [], NOW, exceptions);
    expect(twice.exceptions.find((e) => e.id === 'scratch-volumes')).toMatchObject({ matched: 2, waived: 2 });
  });

  it('a stale run turns every verdict into unknown, keeps a finding’s own unknown reason, and waives nothing', () => {
    const stale = { lastSuccessAt: '2026-06-14T00:00:00.000Z', reason: 'older than 3600 s' };
    const a = assess([{ result: tokyo(), stale }, { result: osaka(), stale }], volumes, catalog, [], NOW, exceptions);
    const staleEn = 'data stale: last successful collection 2026-06-14T00:00:00.000Z (older than 3600 s)';
    const staleJa = 'データが古いため判定できません（最後に収集に成功したのは 2026-06-14T00:00:00.000Z、older than 3600 s）';
    const byId = Object.fromEntries(a.findings.map((f) => [f.resourceId, [f.status, f.reason, f.reason_ja]]));
    expect(byId['vol-ok']).toEqual(['unknown', staleEn, staleJa]);
    expect(byId['vol-scratch-1']).toEqual(['unknown', staleEn, staleJa]);
    // Its exception waived the old failure, not this unknown: a report must not print "waived by" beside it.
    expect(a.findings.find((f) => f.resourceId === 'vol-scratch-1')).not.toHaveProperty('exception');
    expect(byId['vol-nodata']![0]).toBe('unknown');
    expect(byId['vol-nodata']![1]).toMatch(/^cannot evaluate: /);
    expect(byId['vol-nodata']![2]).toMatch(/^評価できません/);
    expect(a.tallies.map((t) => [t.checked, t.failing, t.unknown, t.waived])).toEqual([
      [2, 0, 2, 0],
      [1, 0, 1, 0],
    ]);
    expect(a.coverage.map((s) => s.outcome)).toEqual([
      { status: 'stale', lastSuccessAt: stale.lastSuccessAt, error: stale.reason },
      { status: 'stale', lastSuccessAt: stale.lastSuccessAt, error: stale.reason },
    ]);
    expect(requirement(a, 'E-1')).toMatchObject({ status: 'unknown', counts: { checked: 3, failing: 0, unknown: 3, waived: 0, scopesCovered: 0, scopesNotCovered: 2 } });
    // The exception still matched what it matched; it waived nothing that counts.
    expect(a.exceptions.find((e) => e.id === 'scratch-volumes')).toMatchObject({ matched: 1, waived: 0 });
  });

  it('a requirement whose only failure is waived is compliant and says so', () => {
    const a = assess([{ result: osaka() }], volumes, catalog, [], NOW, exceptions);
    expect(requirement(a, 'E-1')).toMatchObject({
      status: 'compliant',
      reason: 'all 1 controls with data pass (1 findings waived by exceptions)',
      reason_ja: 'データのあるコントロール 1 件がすべて適合しています（例外承認により 1 件を許容）',
      counts: { checked: 1, failing: 0, unknown: 0, waived: 1, scopesCovered: 1, scopesNotCovered: 0 },
    });
  });

  it('nothing of the checked types in covered scopes: compliant only where the catalog says absence holds, in both languages', () => {
    const none = evaluate([], [scope(), scope({ region: 'ap-northeast-3' })], controls, catalog, [attest('E-2', '2026-01-01', '2026-12-31')], NOW);
    expect(requirement(none, 'E-1')).toMatchObject({
      status: 'unknown',
      reason: 'no resources of the checked types in the 2 covered scopes, so nothing shows this requirement is met',
      reason_ja: '収集範囲（2 スコープ）に確認対象の種類のリソースがなく、この項目を満たす仕組みがあることを確認できません',
    });
    expect(requirement(none, 'E-5')).toMatchObject({
      status: 'compliant',
      reason: 'no resources of the checked types in the 2 covered scopes, so nothing breaks this requirement',
      reason_ja: '収集範囲（2 スコープ）に確認対象の種類のリソースがなく、この項目に反するものはありません',
    });
    // E-2 allows absence, but its existence check fails an account with no trail.
    expect(requirement(none, 'E-2').status).toBe('noncompliant');
  });

  it('a requirement whose controls no run evaluated has no data', () => {
    const a = assess([{ result: tokyo() }], controls, catalog, [], NOW, exceptions);
    expect(requirement(a, 'E-3')).toMatchObject({ status: 'unknown', reason: 'no data collected for its controls', reason_ja: 'この項目のコントロールについてデータを収集できていません', controls: ['detector-on'], counts: { checked: 0, scopesCovered: 0, scopesNotCovered: 0 } });
  });

  it('a stale run beside a fresh one: the fresh scope stays covered, the stale one is not', () => {
    const a = assess([{ result: tokyo() }, { result: osaka(), stale: { lastSuccessAt: '2026-06-14T00:00:00.000Z', reason: 'old' } }], volumes, catalog, [], NOW, exceptions);
    expect(requirement(a, 'E-1')).toMatchObject({ status: 'unknown', counts: { checked: 3, unknown: 2, waived: 0, scopesCovered: 1, scopesNotCovered: 1 } });
  });

  it('exceptions that no run matched report zero, as do runs evaluated without exceptions', () => {
    const withoutExceptions = (): PartialResult => {
      const evaluation = new Evaluation(volumes, catalog, { keptFindings: 'all' });
      evaluation.add(volume('vol-scratch-2', { encrypted: false }));
      return evaluation.partial([scope()]);
    };
    const a = assess([{ result: withoutExceptions() }], volumes, catalog, [], NOW, exceptions);
    expect(a.exceptions.map((e) => [e.id, e.state, e.matched, e.waived])).toEqual([
      ['sandbox-no-trail', 'active', 0, 0],
      ['audit-trails', 'active', 0, 0],
      ['scratch-volumes', 'active', 0, 0],
    ]);
    // Not waived by an exception this evaluation was not given.
    expect(a.findings.map((f) => f.status)).toEqual(['fail']);
    expect(assess([{ result: withoutExceptions() }], volumes, catalog, [], new Date('2027-01-01T00:00:00Z'), exceptions).exceptions.map((e) => e.state)).toEqual(['expired', 'expired', 'expired']);
  });
});

describe('partial and manual requirements with their attestations', () => {
  const trails = only('trail-validated');
  const passing = [trail('t-ok', true)];
  const reasonOf = (attestations: Attestation[], resources: Resource[] = passing) => {
    const r = requirement(evaluate(resources, [scope()], trails, catalog, attestations, NOW), 'E-2');
    return [r.status, r.reason, r.reason_ja, r.attestation?.state];
  };

  it('controls that pass need an attestation in force, and the reason says which is missing', () => {
    expect(reasonOf([attest('E-2', '2026-01-01', '2026-12-31')])).toEqual(['compliant', 'controls pass; attested by CISO office until 2026-12-31', 'コントロールは適合、CISO office が 2026-12-31 まで有効な証跡で確認済み', 'valid']);
    expect(reasonOf([])).toEqual(['not_assessed', 'controls pass; no attestation', 'コントロールは適合、有効な確認書がありません', undefined]);
    expect(reasonOf([attest('E-2', '2025-01-01', '2026-06-14')])).toEqual(['not_assessed', 'controls pass; attestation expired on 2026-06-14', 'コントロールは適合、確認書の有効期限が 2026-06-14 に切れています', 'expired']);
    expect(reasonOf([attest('E-2', '2026-07-01', '2027-06-30')])).toEqual(['not_assessed', 'controls pass; attestation takes effect on 2026-07-01', 'コントロールは適合、確認書は 2026-07-01 から有効になります', 'future']);
  });

  it('a manual item says when its attestation takes effect, and carries it with its state', () => {
    const a = evaluate([], [], trails, catalog, [attest('E-4', '2026-07-01', '2027-06-30')], NOW);
    expect(requirement(a, 'E-4')).toMatchObject({
      status: 'not_assessed', reason: 'attestation takes effect on 2026-07-01', reason_ja: '確認書は 2026-07-01 から有効になります', controls: [],
      attestation: { requirement: 'E-4', owner: 'CISO office', state: 'future' },
    });
    const valid = requirement(evaluate([], [], trails, catalog, [attest('E-4', '2026-01-01', '2026-12-31')], NOW), 'E-4');
    expect([valid.status, valid.reason, valid.reason_ja]).toEqual(['compliant', 'attested by CISO office until 2026-12-31', 'CISO office が 2026-12-31 まで有効な証跡で確認済み']);
  });
});
