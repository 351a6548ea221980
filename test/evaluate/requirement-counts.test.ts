/**
 * The numbers behind a requirement (RequirementResult.counts, which reports print): a scope counts as
 * covered for a requirement only when every one of its controls saw it whole. A scope one control saw
 * and another could not (a type of the second one not recorded there) is "with gaps", never both.
 */
import { loadCatalog } from '../../src/mappings/catalog.js';
import { loadControls } from '../../src/mappings/controls.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import type { CollectionScope, Resource } from '../../src/model/resource.js';
import { tempFiles } from '../support/files.js';

const files = tempFiles({
  'catalog.yaml': `
id: counts-catalog
version: "1"
title_ja: テスト
title_en: Test
categories: [{ id: "1", name_ja: 一, name_en: One }]
requirements:
  - { id: "1-1", category: "1", automation: automated, nothing_in_scope: compliant, title_en: Stored in Japan, text_ja: 国内保存, rationale: { ja: 根拠, en: why } }
`,
  'controls.yaml': `
controls:
  - id: buckets-in-japan
    title: { ja: バケットは国内, en: Buckets stay in Japan }
    provider: aws
    resourceTypes: [AWS::S3::Bucket]
    kind: each
    expression: resource.region.startsWith("ap-northeast-")
    severity: high
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { counts-catalog: ["1-1"] }
  - id: databases-in-japan
    title: { ja: DB は国内, en: Databases stay in Japan }
    provider: aws
    resourceTypes: [AWS::RDS::DBInstance]
    kind: each
    expression: resource.region.startsWith("ap-northeast-")
    severity: high
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { counts-catalog: ["1-1"] }
`,
});
const catalog = loadCatalog(files['catalog.yaml']!);
const controls = loadControls([files['controls.yaml']!], [catalog]);
const NOW = new Date('2026-06-15T12:00:00Z');
const ACCOUNT = '111122223333';
const BOTH = ['AWS::S3::Bucket', 'AWS::RDS::DBInstance'];

const bucket = (region: string, id: string): Resource => ({
  provider: 'aws', account: ACCOUNT, region, type: 'AWS::S3::Bucket', id, name: id, arn: '', tags: {}, configuration: {}, supplementary: {}, relationships: [], capturedAt: '',
});
const scope = (region: string, extra: Partial<CollectionScope> = {}): CollectionScope => ({
  provider: 'aws', account: ACCOUNT, region, types: BOTH, outcome: { status: 'ok', collectedAt: NOW.toISOString() }, ...extra,
});
const rdsNotRecorded = (region: string): CollectionScope =>
  scope(region, { types: ['AWS::S3::Bucket'], gaps: [{ types: ['AWS::RDS::DBInstance'], reason: { ja: `AWS Config は ${region} で AWS::RDS::DBInstance を記録していません`, en: `AWS Config does not record AWS::RDS::DBInstance in ${region}` } }] });

describe('requirement counts', () => {
  it('count a scope one control saw whole and another could not as with gaps, not covered', () => {
    const a = evaluate([bucket('ap-northeast-1', 'b-1')], [rdsNotRecorded('ap-northeast-1')], controls, catalog, [], NOW);
    expect(a.requirements[0]).toMatchObject({ status: 'unknown', counts: { checked: 2, failing: 0, unknown: 1, waived: 0, scopesCovered: 0, scopesNotCovered: 1 } });
  });

  it('count scopes once however many controls cover them, and keep covered and with-gaps scopes apart', () => {
    const a = evaluate(
      [bucket('ap-northeast-1', 'b-1'), bucket('us-east-1', 'b-2')],
      [scope('ap-northeast-1'), scope('ap-northeast-3'), rdsNotRecorded('us-east-1')],
      controls,
      catalog,
      [],
      NOW,
    );
    // b-2 fails wherever the RDS gap is: a failure seen is a failure.
    expect(a.requirements[0]).toMatchObject({ status: 'noncompliant', counts: { checked: 3, failing: 1, unknown: 1, scopesCovered: 2, scopesNotCovered: 1 } });
  });

  it('make nothing in fully covered scopes compliant only as many scopes as were whole', () => {
    const a = evaluate([], [scope('ap-northeast-1'), scope('ap-northeast-3')], controls, catalog, [], NOW);
    expect(a.requirements[0]).toMatchObject({ status: 'compliant', counts: { checked: 0, scopesCovered: 2, scopesNotCovered: 0 } });
    expect(a.requirements[0]?.reason).toContain('2');
  });
});
