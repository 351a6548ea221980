/** The verdict rules of ARCHITECTURE.md, on a small catalog and controls written for the test. */
import type { Attestation } from '../../src/mappings/attestations.js';
import { loadCatalog } from '../../src/mappings/catalog.js';
import { loadControls } from '../../src/mappings/controls.js';
import { assess, evaluate, Evaluation } from '../../src/evaluate/evaluate.js';
import type { CollectionScope, Resource } from '../../src/model/resource.js';
import { tempFiles } from '../support/files.js';

const files = tempFiles({
  'catalog.yaml': `
id: test-catalog
version: "1"
title_ja: テスト
title_en: Test
categories: [{ id: "1", name_ja: 一, name_en: One }]
requirements:
  - { id: "1-1", category: "1", automation: automated, nothing_in_scope: compliant, title_en: Disks encrypted, text_ja: 暗号化, rationale: { ja: 根拠, en: configuration decides it } }
  - { id: "1-2", category: "1", automation: partial, title_en: Trail and policy, text_ja: 証跡, rationale: { ja: 根拠, en: configuration and people } }
  - { id: "1-3", category: "1", automation: manual, title_en: Policy, text_ja: 規程, rationale: { ja: 根拠, en: people only } }
  - { id: "1-4", category: "1", automation: automated, title_en: Nothing maps here, text_ja: 無し, rationale: { ja: 根拠, en: no control yet } }
`,
  'controls.yaml': `
controls:
  - id: disk-encrypted
    title: { ja: 暗号化, en: Volumes are encrypted }
    provider: aws
    resourceTypes: [AWS::EC2::Volume]
    kind: each
    expression: resource.configuration.encrypted == true
    reason: { ja: '"ボリューム " + resource.id + " は暗号化されていません"', en: '"volume " + resource.id + " is not encrypted"' }
    severity: high
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { test-catalog: ["1-1"] }
  - id: trail-exists
    title: { ja: 証跡, en: A validated trail exists }
    provider: aws
    resourceTypes: [AWS::CloudTrail::Trail]
    kind: exists
    scope: account
    expression: resource.configuration.logFileValidationEnabled == true
    severity: high
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { test-catalog: ["1-2"] }
`,
});
const catalog = loadCatalog(files['catalog.yaml']!);
const controls = loadControls([files['controls.yaml']!], [catalog]);
const NOW = new Date('2026-06-15T12:00:00Z');
const ACCOUNT = '111122223333';

function resource(type: string, id: string, configuration: Record<string, unknown>, extra: Partial<Resource> = {}): Resource {
  return { provider: 'aws', account: ACCOUNT, region: 'ap-northeast-1', type, id, name: id, arn: '', tags: {}, configuration, supplementary: {}, relationships: [], capturedAt: '', ...extra };
}
const ok = (types: CollectionScope['types'] = 'all', region = 'ap-northeast-1'): CollectionScope => ({
  provider: 'aws', account: ACCOUNT, region, types, outcome: { status: 'ok', collectedAt: NOW.toISOString() },
});
const failed = (region = 'ap-northeast-1'): CollectionScope => ({
  provider: 'aws', account: ACCOUNT, region, types: 'all', outcome: { status: 'failed', error: 'AccessDeniedException: denied', at: NOW.toISOString() },
});
const attest = (requirement: string, attested: string, expires: string): Attestation => ({
  catalog: 'test-catalog', requirement, statement: 's', evidence: 'doc-1', owner: 'CISO office', attested, expires,
});
const goodTrail = resource('AWS::CloudTrail::Trail', 'trail', { logFileValidationEnabled: true });
const status = (a: ReturnType<typeof evaluate>, id: string): string | undefined => a.requirements.find((r) => r.id === id)?.status;

describe('finding and requirement verdicts', () => {
  it('any failing resource makes the requirement noncompliant, with the reason from the control', () => {
    const a = evaluate([resource('AWS::EC2::Volume', 'vol-1', { encrypted: true }), resource('AWS::EC2::Volume', 'vol-2', { encrypted: false })], [ok()], controls, catalog, [], NOW);
    expect(status(a, '1-1')).toBe('noncompliant');
    expect(a.findings.find((f) => f.resourceId === 'vol-2')).toMatchObject({ status: 'fail', reason: 'volume vol-2 is not encrypted', requirements: ['1-1'] });
  });

  it('missing data is unknown, never fail; the requirement is unknown when nothing fails', () => {
    const a = evaluate([resource('AWS::EC2::Volume', 'vol-1', {})], [ok()], controls, catalog, [], NOW);
    expect(a.findings[0]).toMatchObject({ status: 'unknown', reason: expect.stringContaining('encrypted') as unknown });
    expect(status(a, '1-1')).toBe('unknown');
  });

  it('a malformed resource is unknown with the reason', () => {
    const a = evaluate([resource('AWS::EC2::Volume', 'vol-1', {}, { malformed: 'configuration is not valid JSON' })], [ok()], controls, catalog, [], NOW);
    expect(a.findings[0]).toMatchObject({ status: 'unknown', reason: 'malformed AWS::EC2::Volume: configuration is not valid JSON' });
  });

  it('nothing in scope holds only where the catalog says so, and only when collection of the type succeeded', () => {
    const none = evaluate([], [ok()], controls, catalog, [], NOW);
    expect(none.requirements.find((r) => r.id === '1-1')).toMatchObject({
      status: 'compliant',
      reason: 'no resources of the checked types in the 1 covered scopes, so nothing breaks this requirement',
      counts: { checked: 0, failing: 0, unknown: 0, waived: 0, scopesCovered: 1, scopesNotCovered: 0 },
    });
    expect(none.findings.filter((f) => f.control === 'disk-encrypted')).toEqual([]);
    expect(status(evaluate([], [ok(['AWS::S3::Bucket'])], controls, catalog, [], NOW), '1-1')).toBe('unknown');
    expect(status(evaluate([], [failed()], controls, catalog, [], NOW), '1-1')).toBe('unknown');
    expect(status(evaluate([], [], controls, catalog, [], NOW), '1-1')).toBe('unknown');
  });

  it('a failed scope adds an unknown finding for that scope, and real failures elsewhere still count', () => {
    const a = evaluate([resource('AWS::EC2::Volume', 'vol-1', { encrypted: true })], [ok(), failed('ap-northeast-3')], controls, catalog, [], NOW);
    expect(status(a, '1-1')).toBe('unknown');
    expect(a.findings.find((f) => f.scope === 'region')).toMatchObject({ status: 'unknown', resourceId: `${ACCOUNT}/ap-northeast-3`, reason: 'collection failed: AccessDeniedException: denied' });
    const b = evaluate([resource('AWS::EC2::Volume', 'vol-2', { encrypted: false })], [ok(), failed('ap-northeast-3')], controls, catalog, [], NOW);
    expect(status(b, '1-1')).toBe('noncompliant');
  });

  it('exists: one satisfying resource per account passes; none fails; none with a failed scope is unknown', () => {
    const valid = [attest('1-2', '2026-01-01', '2026-12-31')];
    expect(status(evaluate([goodTrail], [ok()], controls, catalog, valid, NOW), '1-2')).toBe('compliant');
    const none = evaluate([resource('AWS::CloudTrail::Trail', 't2', { logFileValidationEnabled: false })], [ok()], controls, catalog, valid, NOW);
    expect(status(none, '1-2')).toBe('noncompliant');
    expect(none.findings[0]).toMatchObject({ scope: 'account', resourceId: ACCOUNT, status: 'fail', reason: expect.stringContaining('none of 1') as unknown });
    expect(status(evaluate([], [ok()], controls, catalog, valid, NOW), '1-2')).toBe('noncompliant');
    expect(status(evaluate([], [ok(), failed('us-east-1')], controls, catalog, valid, NOW), '1-2')).toBe('unknown');
    // a satisfying trail found elsewhere in the account still decides it
    expect(status(evaluate([goodTrail], [ok(), failed('us-east-1')], controls, catalog, valid, NOW), '1-2')).toBe('compliant');
  });

  it('partial items need both passing controls and a valid attestation', () => {
    expect(status(evaluate([goodTrail], [ok()], controls, catalog, [], NOW), '1-2')).toBe('not_assessed');
    expect(status(evaluate([goodTrail], [ok()], controls, catalog, [attest('1-2', '2025-01-01', '2026-06-14')], NOW), '1-2')).toBe('not_assessed');
    expect(status(evaluate([goodTrail], [ok()], controls, catalog, [attest('1-2', '2026-01-01', '2026-06-15')], NOW), '1-2')).toBe('compliant');
    // an attestation never hides a failing control
    const bad = resource('AWS::CloudTrail::Trail', 't', { logFileValidationEnabled: false });
    expect(status(evaluate([bad], [ok()], controls, catalog, [attest('1-2', '2026-01-01', '2026-12-31')], NOW), '1-2')).toBe('noncompliant');
  });

  it('manual items are compliant only with an attestation in force', () => {
    expect(status(evaluate([], [], controls, catalog, [], NOW), '1-3')).toBe('not_assessed');
    const expired = evaluate([], [], controls, catalog, [attest('1-3', '2025-01-01', '2026-06-14')], NOW);
    expect(expired.requirements.find((r) => r.id === '1-3')).toMatchObject({ status: 'not_assessed', reason: 'attestation expired on 2026-06-14' });
    expect(status(evaluate([], [], controls, catalog, [attest('1-3', '2026-07-01', '2027-06-30')], NOW), '1-3')).toBe('not_assessed');
    expect(status(evaluate([], [], controls, catalog, [attest('1-3', '2026-06-15', '2026-06-15')], NOW), '1-3')).toBe('compliant');
  });

  it('an automated item without any control is unknown, and every catalog item is listed', () => {
    const a = evaluate([], [ok()], controls, catalog, [], NOW);
    expect(a.requirements.map((r) => r.id)).toEqual(['1-1', '1-2', '1-3', '1-4']);
    expect(a.requirements.find((r) => r.id === '1-4')).toMatchObject({ status: 'unknown', reason: 'no control evidences this requirement' });
    expect(a.summary).toEqual({ compliant: 1, noncompliant: 1, unknown: 1, not_assessed: 1 });
  });

  it('tallies count checked, failing and unknown per control and account, bounded by accounts', () => {
    const volumes = Array.from({ length: 50 }, (_, i) => resource('AWS::EC2::Volume', `vol-${i}`, i % 10 === 0 ? { encrypted: false } : i % 25 === 1 ? {} : { encrypted: true }));
    const a = evaluate(volumes, [ok()], controls, catalog, [], NOW, { keptFindings: 'failing' });
    expect(a.tallies.find((t) => t.control === 'disk-encrypted')).toMatchObject({ account: ACCOUNT, checked: 50, failing: 5, unknown: 2 });
    expect(a.findings.filter((f) => f.control === 'disk-encrypted')).toHaveLength(7);
  });

  it('stale data turns every verdict from it into unknown, never keeping an old pass or fail', () => {
    const evaluation = new Evaluation(controls, catalog, { keptFindings: 'all' });
    evaluation.add(resource('AWS::EC2::Volume', 'vol-1', { encrypted: true }));
    evaluation.add(resource('AWS::EC2::Volume', 'vol-2', { encrypted: false }));
    const partial = evaluation.partial([ok()]);
    expect(status(assess([{ result: partial }], controls, catalog, [], NOW), '1-1')).toBe('noncompliant');
    const stale = assess([{ result: partial, stale: { lastSuccessAt: '2026-06-15T08:00:00.000Z', reason: 'older than 3600 s' } }], controls, catalog, [], NOW);
    expect(status(stale, '1-1')).toBe('unknown');
    expect(stale.findings.map((f) => f.status)).toEqual(['unknown', 'unknown', 'unknown']); // two volumes and the trail scope
    expect(stale.findings[0]?.reason).toBe('data stale: last successful collection 2026-06-15T08:00:00.000Z (older than 3600 s)');
    expect(stale.tallies.find((t) => t.control === 'disk-encrypted')).toMatchObject({ checked: 2, failing: 0, unknown: 2 });
    expect(stale.coverage[0]?.outcome.status).toBe('stale');
  });
});
