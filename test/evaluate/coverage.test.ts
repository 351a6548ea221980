/** Coverage truth in the engine: what was not seen is unknown, never a pass or a fail (ARCHITECTURE.md, Verdicts). */
import { loadCatalog } from '../../src/mappings/catalog.js';
import { loadControls } from '../../src/mappings/controls.js';
import { evaluate, Evaluation } from '../../src/evaluate/evaluate.js';
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
  - { id: "1-1", category: "1", automation: automated, nothing_in_scope: compliant, title_en: Data in Japan, text_ja: 国内, rationale: { ja: 根拠, en: why } }
  - { id: "1-2", category: "1", automation: automated, title_en: Flow logs, text_ja: ログ, rationale: { ja: 根拠, en: why } }
  - { id: "1-3", category: "1", automation: automated, title_en: Bucket encryption, text_ja: 暗号化, rationale: { ja: 根拠, en: why } }
  - { id: "1-4", category: "1", automation: automated, title_en: Recorder, text_ja: 記録, rationale: { ja: 根拠, en: why } }
`,
  'controls.yaml': `
controls:
  - id: data-in-japan
    title: { ja: 国内, en: Data stays in Japan }
    provider: aws
    resourceTypes: [AWS::RDS::DBInstance, AWS::EC2::Volume]
    kind: each
    expression: resource.region.startsWith("ap-northeast-")
    severity: high
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { test-catalog: ["1-1"] }
  - id: vpc-flow-logs
    title: { ja: フローログ, en: VPCs have flow logs }
    provider: aws
    resourceTypes: [AWS::EC2::VPC]
    kind: each
    context:
      - { name: flowLogs, type: "AWS::EC2::FlowLog", key: r.configuration.resourceId }
    expression: resource.id in flowLogs
    reason: { ja: '"フローログがありません"', en: '"no flow log is attached"' }
    severity: medium
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { test-catalog: ["1-2"] }
  - id: bucket-encrypted
    title: { ja: 暗号化, en: Buckets are encrypted }
    provider: aws
    resourceTypes: [AWS::S3::Bucket]
    kind: each
    expression: has(resource.supplementary.ServerSideEncryptionConfiguration)
    severity: high
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { test-catalog: ["1-3"] }
  - id: recorder-on
    title: { ja: 記録, en: A recorder records }
    provider: aws
    resourceTypes: [AWS::Config::ConfigurationRecorder]
    kind: exists
    scope: region
    expression: resource.configuration.recording == true
    severity: high
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { test-catalog: ["1-4"] }
`,
});
const catalog = loadCatalog(files['catalog.yaml']!);
const controls = loadControls([files['controls.yaml']!], [catalog]);
const NOW = new Date('2026-06-15T12:00:00Z');
const ACCOUNT = '111122223333';
const ALL = ['AWS::RDS::DBInstance', 'AWS::EC2::Volume', 'AWS::EC2::VPC', 'AWS::EC2::FlowLog', 'AWS::S3::Bucket', 'AWS::Config::ConfigurationRecorder'];

function resource(type: string, id: string, configuration: Record<string, unknown> = {}, extra: Partial<Resource> = {}): Resource {
  return { provider: 'aws', account: ACCOUNT, region: 'ap-northeast-1', type, id, name: id, arn: '', tags: {}, configuration, supplementary: {}, relationships: [], capturedAt: '', ...extra };
}
const scope = (region: string, extra: Partial<CollectionScope> = {}): CollectionScope => ({
  provider: 'aws', account: ACCOUNT, region, types: ALL, outcome: { status: 'ok', collectedAt: NOW.toISOString() }, ...extra,
});
const notCollected = (region: string): CollectionScope =>
  scope(region, { types: [], gaps: [{ types: ALL, reason: { ja: 'リージョンが収集対象外です', en: 'region not in collectors.aws.regions' } }] });
const requirement = (a: ReturnType<typeof evaluate>, id: string) => a.requirements.find((r) => r.id === id)!;
const recorder = (region: string) => resource('AWS::Config::ConfigurationRecorder', `default-${region}`, { recording: true }, { region });

describe('coverage truth in the engine', () => {
  it('a region left out is one unknown finding per control, and the requirement cannot be compliant', () => {
    const db = resource('AWS::RDS::DBInstance', 'db-1');
    const a = evaluate([db, recorder('ap-northeast-1')], [scope('ap-northeast-1'), notCollected('us-east-1')], controls, catalog, [], NOW);
    const gap = a.findings.find((f) => f.control === 'data-in-japan' && f.status === 'unknown');
    expect(gap).toMatchObject({ scope: 'region', region: 'us-east-1', reason: expect.stringContaining('region not in collectors.aws.regions') as unknown });
    expect(gap?.reason_ja).toContain('収集範囲外');
    expect(requirement(a, '1-1')).toMatchObject({ status: 'unknown', counts: { checked: 2, failing: 0, unknown: 1, scopesCovered: 1, scopesNotCovered: 1 } });
    // the exists control cannot fail a region it never saw
    expect(a.findings.find((f) => f.control === 'recorder-on' && f.region === 'us-east-1')?.status).toBe('unknown');
    // with the region collected the same estate is compliant
    const full = evaluate([db, recorder('ap-northeast-1'), recorder('us-east-1')], [scope('ap-northeast-1'), scope('us-east-1')], controls, catalog, [], NOW);
    expect(requirement(full, '1-1').status).toBe('compliant');
    expect(requirement(full, '1-4').status).toBe('compliant');
  });

  it('a type not recorded is unknown there; a recorder-less region fails the recorder control', () => {
    const excluded = scope('us-east-1', { types: ALL.filter((t) => t !== 'AWS::RDS::DBInstance'), gaps: [{ types: ['AWS::RDS::DBInstance'], reason: { ja: '記録されていません', en: 'AWS Config does not record AWS::RDS::DBInstance in us-east-1' } }] });
    const a = evaluate([resource('AWS::EC2::Volume', 'vol-1', {}, { region: 'us-east-1' })], [excluded], controls, catalog, [], NOW);
    expect(a.findings.filter((f) => f.control === 'data-in-japan').map((f) => [f.resourceId, f.status])).toEqual([
      ['vol-1', 'fail'],
      [`${ACCOUNT}/us-east-1`, 'unknown'],
    ]);
    expect(a.findings.find((f) => f.resourceId === `${ACCOUNT}/us-east-1` && f.control === 'data-in-japan')?.reason).toContain('AWS::RDS::DBInstance not covered');
    expect(requirement(a, '1-4').status).toBe('noncompliant');
  });

  it('nothing in covered scopes is compliant only where the catalog says absence holds; otherwise unknown in its own words', () => {
    const a = evaluate([], [scope('ap-northeast-1')], controls, catalog, [], NOW);
    expect(requirement(a, '1-1')).toMatchObject({ status: 'compliant', counts: { checked: 0, scopesCovered: 1 } });
    expect(requirement(a, '1-2')).toMatchObject({ status: 'unknown', reason: 'no resources of the checked types in the 1 covered scopes, so nothing shows this requirement is met' });
    expect(requirement(a, '1-2').reason_ja).toContain('確認対象の種類のリソースがなく');
    expect(requirement(evaluate([], [], controls, catalog, [], NOW), '1-1')).toMatchObject({ status: 'unknown', reason: 'no data collected for its controls' });
  });

  it('a context type outside coverage makes its dependents unknown, not fail', () => {
    const vpc = resource('AWS::EC2::VPC', 'vpc-1');
    const covered = evaluate([vpc], [scope('ap-northeast-1')], controls, catalog, [], NOW);
    expect(covered.findings.find((f) => f.resourceId === 'vpc-1')?.status).toBe('fail');
    const gap = scope('ap-northeast-1', { types: ALL.filter((t) => t !== 'AWS::EC2::FlowLog'), gaps: [{ types: ['AWS::EC2::FlowLog'], reason: { ja: '入力に含まれていません', en: 'the input holds no AWS::EC2::FlowLog items' } }] });
    const a = evaluate([vpc], [gap], controls, catalog, [], NOW);
    expect(a.findings.find((f) => f.resourceId === 'vpc-1')).toMatchObject({ status: 'unknown', reason: expect.stringContaining('the input holds no AWS::EC2::FlowLog items') as unknown });
    // not listed in any scope of the account: the same
    const silent = evaluate([vpc], [scope('ap-northeast-1', { types: ['AWS::EC2::VPC'] })], controls, catalog, [], NOW);
    expect(silent.findings.find((f) => f.resourceId === 'vpc-1')?.status).toBe('unknown');
    expect(requirement(silent, '1-2').status).toBe('unknown');
  });

  it('a malformed context item makes dependents unknown: its key is unreadable, and any verdict that read the context could hinge on it', () => {
    const vpcs = [resource('AWS::EC2::VPC', 'vpc-1'), resource('AWS::EC2::VPC', 'vpc-2')];
    const good = resource('AWS::EC2::FlowLog', 'fl-1', { resourceId: 'vpc-2' });
    const broken = resource('AWS::EC2::FlowLog', 'fl-2', {}, { malformed: 'configuration is not valid JSON' });
    const a = evaluate([...vpcs, good, broken], [scope('ap-northeast-1')], controls, catalog, [], NOW);
    expect(a.findings.find((f) => f.resourceId === 'vpc-1')).toMatchObject({ status: 'unknown', reason: expect.stringContaining('1 AWS::EC2::FlowLog items in this account are malformed') as unknown });
    expect(a.findings.filter((f) => f.control === 'vpc-flow-logs').map((f) => f.status)).toEqual(['unknown', 'unknown']);
    const clean = evaluate([...vpcs, good], [scope('ap-northeast-1')], controls, catalog, [], NOW);
    expect(clean.findings.filter((f) => f.control === 'vpc-flow-logs').map((f) => f.status)).toEqual(['fail', 'pass']);
    expect(requirement(a, '1-2').status).toBe('unknown');
  });

  it('a failed collection of a context type anywhere in the account makes dependents unknown: the entry may be there', () => {
    const vpc = resource('AWS::EC2::VPC', 'vpc-1');
    const failedElsewhere = scope('us-east-1', { outcome: { status: 'failed', error: 'InternalFailure', at: NOW.toISOString() } });
    const a = evaluate([vpc], [scope('ap-northeast-1'), failedElsewhere], controls, catalog, [], NOW);
    expect(a.findings.find((f) => f.resourceId === 'vpc-1')).toMatchObject({ status: 'unknown', reason: expect.stringContaining('failed in us-east-1') as unknown });
  });

  it('an account-wide failure (region discovery, identity) makes per-region exists controls unknown, never silent', () => {
    const discoveryFailed = scope('global', { types: ALL, outcome: { status: 'failed', error: 'AccessDeniedException: account:ListRegions', at: NOW.toISOString() } });
    const a = evaluate([], [discoveryFailed], controls, catalog, [], NOW);
    expect(a.findings.filter((f) => f.control === 'recorder-on').map((f) => [f.region, f.status])).toEqual([['global', 'unknown']]);
    expect(requirement(a, '1-4').status).toBe('unknown');
    // a healthy `global` scope (IAM) is still no region to satisfy
    expect(evaluate([], [scope('global')], controls, catalog, [], NOW).findings.filter((f) => f.control === 'recorder-on')).toEqual([]);
  });

  it('unreadable items make every control of the provider unknown in that scope', () => {
    const a = evaluate([resource('AWS::EC2::VPC', 'vpc-1'), resource('AWS::RDS::DBInstance', 'db-1')], [scope('ap-northeast-1', { unreadable: 2 })], controls, catalog, [], NOW);
    expect(a.findings.find((f) => f.resourceId === 'vpc-1')?.status).toBe('unknown');
    expect(a.findings.find((f) => f.control === 'data-in-japan' && f.scope === 'region')).toMatchObject({ status: 'unknown', reason: expect.stringContaining('2 items in this scope could not be read') as unknown });
    expect(requirement(a, '1-1').status).toBe('unknown');
  });

  it('a source without supplementary documents makes controls that read them unknown, others still decide', () => {
    const bucket = resource('AWS::S3::Bucket', 'b1', {}, { withoutSupplementary: true });
    const a = evaluate([bucket], [scope('ap-northeast-1', { supplementary: false })], controls, catalog, [], NOW);
    expect(a.findings.find((f) => f.resourceId === 'b1')).toMatchObject({ status: 'unknown', reason: expect.stringContaining('carry no complete supplementary configuration') as unknown });
    const live = evaluate([resource('AWS::S3::Bucket', 'b1')], [scope('ap-northeast-1')], controls, catalog, [], NOW);
    expect(live.findings.find((f) => f.resourceId === 'b1')?.status).toBe('fail');
  });

  it('the live path (drainDeferred before partial) applies the same context rules', async () => {
    const evaluation = new Evaluation(controls, catalog, { keptFindings: 'all' });
    evaluation.add(resource('AWS::EC2::VPC', 'vpc-1'));
    const coverage = [scope('ap-northeast-1', { types: ['AWS::EC2::VPC'], gaps: [{ types: ['AWS::EC2::FlowLog'], reason: { ja: '権限がありません', en: 'permission missing' } }] })];
    await evaluation.drainDeferred(coverage, () => Promise.resolve());
    const a = evaluation.finish(coverage, [], NOW);
    expect(a.findings.find((f) => f.resourceId === 'vpc-1')).toMatchObject({ status: 'unknown', reason: expect.stringContaining('permission missing') as unknown });
  });
});
