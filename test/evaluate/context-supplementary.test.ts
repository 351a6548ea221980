/**
 * A control that reads a context entry's side documents (#19): a trail's log bucket must keep versions, which
 * AWS Config records only in the bucket's supplementaryConfiguration (BucketVersioningConfiguration). The entry
 * keeps the documents its readers select, and an entry whose source omitted them (a Select export) makes the
 * lookup unknown, never a fail from the `orValue` fallback.
 */
import { evaluate } from '../../src/evaluate/evaluate.js';
import { loadCatalog } from '../../src/mappings/catalog.js';
import { loadControls } from '../../src/mappings/controls.js';
import type { CollectionScope, Resource } from '../../src/model/resource.js';
import { tempFiles } from '../support/files.js';

const files = tempFiles({
  'catalog.yaml': `id: t\nversion: "1"\ntitle_ja: テ\ntitle_en: T\ncategories: [{ id: "1", name_ja: 一, name_en: One }]\nrequirements:\n  - { id: "1-1", category: "1", automation: automated, title_en: x, text_ja: x, rationale: { ja: 根拠, en: r } }\n`,
  'controls.yaml': `controls:
  - id: trail-bucket-versioned
    title: { ja: 証跡バケットのバージョニング, en: Trail buckets keep versions }
    provider: aws
    resourceTypes: [AWS::CloudTrail::Trail]
    kind: each
    context:
      - { name: buckets, type: AWS::S3::Bucket, key: r.name }
    expression: >-
      resource.configuration.s3BucketName in buckets &&
      buckets[resource.configuration.s3BucketName].all(b, b.supplementary.?BucketVersioningConfiguration.status.orValue("Off") == "Enabled")
    reason: { ja: '"証跡バケットのバージョニングが無効です"', en: '"the trail bucket does not keep versions"' }
    severity: medium
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { t: ["1-1"] }
  # Reads only the subject's side documents: entries without theirs cast no doubt on it.
  - id: trail-own-documents
    title: { ja: 証跡, en: Trails }
    provider: aws
    resourceTypes: [AWS::CloudTrail::Trail]
    kind: each
    context:
      - { name: buckets, type: AWS::S3::Bucket, key: r.name }
    expression: 'resource.supplementary.?TrailStatus.isLogging.orValue(false) && resource.configuration.s3BucketName in buckets'
    severity: low
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { t: ["1-1"] }
`,
});
const catalog = loadCatalog(files['catalog.yaml']!);
const controls = loadControls([files['controls.yaml']!], [catalog]);
const NOW = new Date('2026-06-15T12:00:00Z');
const ACCOUNT = '111122223333';
const REGION = 'ap-northeast-1';
const scope: CollectionScope = { provider: 'aws', account: ACCOUNT, region: REGION, types: 'all', outcome: { status: 'ok', collectedAt: NOW.toISOString() } };

const base = { provider: 'aws', account: ACCOUNT, region: REGION, tags: {}, relationships: [], capturedAt: '2026-06-15T11:00:00.000Z' } as const;
const trail = (name: string, bucket: string): Resource => ({
  ...base,
  type: 'AWS::CloudTrail::Trail',
  id: name,
  name,
  arn: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/${name}`,
  configuration: { name, s3BucketName: bucket, isMultiRegionTrail: true },
  supplementary: { TrailStatus: { isLogging: true } },
});
const bucket = (name: string, versioning: string | undefined, options: { withoutSupplementary?: true } = {}): Resource => ({
  ...base,
  type: 'AWS::S3::Bucket',
  id: name,
  name,
  arn: `arn:aws:s3:::${name}`,
  configuration: { name, owner: { id: 'owner' } },
  // As AWS Config records them: each side document parsed, `status` Off / Enabled / Suspended.
  supplementary: versioning === undefined ? {} : { BucketVersioningConfiguration: { status: versioning }, BucketLoggingConfiguration: { destinationBucketName: null } },
  ...options,
});

function verdicts(resources: readonly Resource[], control: string): Record<string, [string, string | undefined, string | undefined]> {
  const a = evaluate(resources, [scope], controls.filter((c) => c.id === control), catalog, [], NOW);
  return Object.fromEntries(a.findings.map((f) => [f.resourceId, [f.status, f.reason, f.reason_ja]]));
}

describe("a context entry's side documents", () => {
  it('are kept where the control selects them: a versioned bucket passes, an unversioned one fails', () => {
    const found = verdicts([trail('main', 'logs-versioned'), trail('other', 'logs-plain'), bucket('logs-versioned', 'Enabled'), bucket('logs-plain', 'Off')], 'trail-bucket-versioned');
    expect(found['main']).toEqual(['pass', undefined, undefined]);
    expect(found['other']).toEqual(['fail', 'the trail bucket does not keep versions', '証跡バケットのバージョニングが無効です']);
  });

  it('are kept whatever order the trail and its bucket arrive in', () => {
    expect(verdicts([bucket('logs-versioned', 'Enabled'), trail('main', 'logs-versioned')], 'trail-bucket-versioned')['main']![0]).toBe('pass');
  });

  it('omitted by the source make the lookup unknown with the reason, never a fail from the fallback', () => {
    const found = verdicts([trail('main', 'logs-versioned'), bucket('logs-versioned', undefined, { withoutSupplementary: true })], 'trail-bucket-versioned');
    expect(found['main']).toEqual([
      'unknown',
      '1 AWS::S3::Bucket items in this account carry no complete supplementary configuration; the part this check reads may be missing',
      '参照先の AWS::S3::Bucket のうち 1 件には補足構成（supplementaryConfiguration）が揃っておらず、このチェックが読む部分が欠けている可能性があるため判定できません',
    ]);
  });

  it('omitted by the source do not matter to a control that reads only the subject’s own', () => {
    const found = verdicts([trail('main', 'logs-versioned'), bucket('logs-versioned', undefined, { withoutSupplementary: true })], 'trail-own-documents');
    expect(found['main']).toEqual(['pass', undefined, undefined]);
  });
});
