/**
 * Context-reading controls at their edges (#19): what is decided before the contexts are complete, what
 * waits, and what a context that cannot be trusted does to each kind of judgement. Every verdict here is
 * earned: a gap, a malformed subject or an undecidable `where` is unknown with its reason, never a pass.
 */
import { Evaluation, evaluate } from '../../src/evaluate/evaluate.js';
import { loadCatalog } from '../../src/mappings/catalog.js';
import { loadControls } from '../../src/mappings/controls.js';
import type { Assessment } from '../../src/evaluate/assessment.js';
import type { CollectionScope, Resource } from '../../src/model/resource.js';
import { tempFiles } from '../support/files.js';

const files = tempFiles({
  'catalog.yaml': `id: t\nversion: "1"\ntitle_ja: テ\ntitle_en: T\ncategories: [{ id: "1", name_ja: 一, name_en: One }]\nrequirements:\n  - { id: "1-1", category: "1", automation: automated, title_en: x, text_ja: x, rationale: { ja: 根拠, en: r } }\n`,
  'controls.yaml': `controls:
  # The expression and reason read no context; only the \`where\` does: the verdict is decided as the volume
  # arrives and only waits for the \`where\`.
  - id: attached-volume-encrypted
    title: { ja: 接続ボリュームの暗号化, en: Attached volumes are encrypted }
    provider: aws
    resourceTypes: [AWS::EC2::Volume]
    kind: each
    context:
      - { name: instances, type: AWS::EC2::Instance, key: r.id }
    where: 'has(resource.configuration.attachments) ? resource.configuration.attachments.exists(a, a.instanceId in instances) : unknown({"ja": "ボリューム " + resource.id + " に接続情報がありません", "en": "volume " + resource.id + " has no attachment data"})'
    expression: resource.configuration.encrypted == true
    reason: { ja: '"ボリューム " + resource.id + " は暗号化されていません"', en: '"volume " + resource.id + " is not encrypted"' }
    severity: high
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { t: ["1-1"] }
  # The \`where\` reads no context (filters at once); the expression does.
  - id: vpc-flow-logs
    title: { ja: フローログ, en: VPCs have flow logs }
    provider: aws
    resourceTypes: [AWS::EC2::VPC]
    kind: each
    context:
      - { name: flowLogs, type: AWS::EC2::FlowLog, key: r.configuration.resourceId }
    where: resource.configuration.isDefault == false
    expression: resource.id in flowLogs
    reason: { ja: '"フローログがありません"', en: '"no flow log is attached"' }
    severity: medium
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { t: ["1-1"] }
  # Two contexts: an account-wide block decides without the bucket policies; only buckets without it read them.
  - id: bucket-not-public
    title: { ja: 非公開, en: Buckets are not public }
    provider: aws
    resourceTypes: [AWS::S3::Bucket]
    kind: each
    context:
      - { name: accountBlock, type: AWS::S3::AccountPublicAccessBlock, key: r.account }
      - { name: publicPolicies, type: AWS::S3::BucketPolicy, key: 'r.configuration.?publicBucket.orValue(null)' }
      - { name: retired, type: AWS::Config::ResourceCompliance, key: 'r.configuration.?retiredBucket.orValue(null)' }
    # A scratch bucket is out of scope without looking at any context.
    where: 'resource.configuration.?scratch.orValue(false) == false && !(resource.id in retired)'
    expression: 'resource.account in accountBlock || !(resource.id in publicPolicies)'
    reason: { ja: '"公開ポリシーがあります"', en: '"a public bucket policy applies"' }
    severity: high
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { t: ["1-1"] }
  # The same, with the untrusted read first: CEL absorbs its error when the account block answers.
  - id: bucket-not-public-policy-first
    title: { ja: 非公開, en: Buckets are not public }
    provider: aws
    resourceTypes: [AWS::S3::Bucket]
    kind: each
    context:
      - { name: accountBlock, type: AWS::S3::AccountPublicAccessBlock, key: r.account }
      - { name: publicPolicies, type: AWS::S3::BucketPolicy, key: 'r.configuration.?publicBucket.orValue(null)' }
    expression: '!(resource.id in publicPolicies) || resource.account in accountBlock'
    severity: high
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { t: ["1-1"] }
  # Several flow logs can serve one VPC: one of them must deliver to S3.
  - id: vpc-flow-logs-to-s3
    title: { ja: S3 へのフローログ, en: VPC flow logs reach S3 }
    provider: aws
    resourceTypes: [AWS::EC2::VPC]
    kind: each
    context:
      - { name: flowLogs, type: AWS::EC2::FlowLog, key: r.configuration.resourceId }
    expression: 'resource.id in flowLogs && flowLogs[resource.id].exists(f, f.configuration.logDestinationType == "s3")'
    severity: low
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { t: ["1-1"] }
  # The expression reads no context; the reason does (it says whether the volume is in use).
  - id: volume-encrypted-says-use
    title: { ja: 暗号化, en: Volumes are encrypted }
    provider: aws
    resourceTypes: [AWS::EC2::Volume]
    kind: each
    context:
      - { name: instances, type: AWS::EC2::Instance, key: r.id }
    expression: resource.configuration.encrypted == true
    reason:
      ja: '(resource.configuration.attachments.exists(a, a.instanceId in instances) ? "使用中の" : "未使用の") + "ボリューム " + resource.id + " は暗号化されていません"'
      en: '(resource.configuration.attachments.exists(a, a.instanceId in instances) ? "in-use" : "unused") + " volume " + resource.id + " is not encrypted"'
    severity: high
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { t: ["1-1"] }
  # An instance without a profile looks up a missing value: an entry without a key must not answer it.
  - id: instance-profile-known
    title: { ja: 既知のプロファイル, en: Instances use a known profile }
    provider: aws
    resourceTypes: [AWS::EC2::Instance]
    kind: each
    context:
      - { name: profiles, type: AWS::IAM::InstanceProfile, key: 'r.configuration.?arn.orValue(null)' }
    expression: 'resource.configuration.?iamInstanceProfile.?arn.orValue(null) in profiles'
    severity: low
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { t: ["1-1"] }
  # Reads the bucket's side documents and a context.
  - id: bucket-logged
    title: { ja: ログ, en: Bucket access is logged }
    provider: aws
    resourceTypes: [AWS::S3::Bucket]
    kind: each
    context:
      - { name: accountBlock, type: AWS::S3::AccountPublicAccessBlock, key: r.account }
    expression: 'has(resource.supplementary.BucketLoggingConfiguration.destinationBucketName) || resource.account in accountBlock'
    severity: low
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { t: ["1-1"] }
`,
});
const catalog = loadCatalog(files['catalog.yaml']!);
const controls = loadControls([files['controls.yaml']!], [catalog]);
const only = (...ids: string[]) => controls.filter((c) => ids.includes(c.id));
const NOW = new Date('2026-06-15T12:00:00Z');
const ACCOUNT = '111122223333';
const REGION = 'ap-northeast-1';

function resource(type: string, id: string, configuration: Record<string, unknown>, extra: Partial<Resource> = {}): Resource {
  return { provider: 'aws', account: ACCOUNT, region: REGION, type, id, name: id, arn: '', tags: {}, configuration, supplementary: {}, relationships: [], capturedAt: '', ...extra };
}
const scope = (extra: Partial<CollectionScope> = {}): CollectionScope => ({ provider: 'aws', account: ACCOUNT, region: REGION, types: 'all', outcome: { status: 'ok', collectedAt: NOW.toISOString() }, ...extra });
const withGap = (type: string, en: string, ja: string): CollectionScope => scope({ gaps: [{ types: [type], reason: { ja, en } }] });
const volume = (id: string, configuration: Record<string, unknown>) => resource('AWS::EC2::Volume', id, configuration);
const instance = (id: string) => resource('AWS::EC2::Instance', id, {});
const bucket = (id: string, extra: Partial<Resource> = {}) => resource('AWS::S3::Bucket', id, {}, { arn: `arn:aws:s3:::${id}`, ...extra });
const accountBlock = () => resource('AWS::S3::AccountPublicAccessBlock', ACCOUNT, { blockPublicPolicy: true }, { region: 'global' });
const publicPolicy = (bucketId: string) => resource('AWS::S3::BucketPolicy', `policy-${bucketId}`, { publicBucket: bucketId });
const retired = (bucketId: string) => resource('AWS::Config::ResourceCompliance', `retired-${bucketId}`, { retiredBucket: bucketId });

/** control → resource → [status, reason, reason_ja] */
function verdicts(a: Assessment): Record<string, Record<string, [string, string | undefined, string | undefined]>> {
  const out: Record<string, Record<string, [string, string | undefined, string | undefined]>> = {};
  for (const f of a.findings) (out[f.control] ??= {})[f.resourceId] = [f.status, f.reason, f.reason_ja];
  return out;
}

describe('a verdict decided on arrival waits only for its context-reading `where`', () => {
  const attached = only('attached-volume-encrypted');
  const volumes = [
    volume('vol-plain', { encrypted: false, attachments: [{ instanceId: 'i-1' }] }),
    volume('vol-sealed', { encrypted: true, attachments: [{ instanceId: 'i-1' }] }),
    volume('vol-elsewhere', { encrypted: false, attachments: [{ instanceId: 'i-gone' }] }),
    volume('vol-nodata', { encrypted: false }),
    volume('vol-badshape', { encrypted: true, attachments: 'i-1' }),
  ];

  it('applies the verdict where the `where` holds, drops it where not, and says why where the `where` cannot be decided', () => {
    for (const order of [[...volumes, instance('i-1')], [instance('i-1'), ...volumes]]) {
      const a = evaluate(order, [scope()], attached, catalog, [], NOW);
      const byId = verdicts(a)['attached-volume-encrypted']!;
      expect(Object.keys(byId).sort()).toEqual(['vol-badshape', 'vol-nodata', 'vol-plain', 'vol-sealed']);
      expect(byId['vol-plain']).toEqual(['fail', 'volume vol-plain is not encrypted', 'ボリューム vol-plain は暗号化されていません']);
      expect(byId['vol-sealed']).toEqual(['pass', undefined, undefined]);
      // The `where` said why it cannot decide: those words, not a CEL error.
      expect(byId['vol-nodata']).toEqual(['unknown', 'cannot evaluate: volume vol-nodata has no attachment data', '判定できません: ボリューム vol-nodata に接続情報がありません']);
      // A `where` that raises: applicability is undecided, the (passing) expression does not count.
      expect(byId['vol-badshape']![0]).toBe('unknown');
      expect(byId['vol-badshape']![1]).toMatch(/^cannot decide applicability: \S/);
      expect(byId['vol-badshape']![2]).toMatch(/^対象とすべきかを判定できません（評価エラー: .+）$/);
      expect(a.tallies).toEqual([{ control: 'attached-volume-encrypted', provider: 'aws', account: ACCOUNT, checked: 4, failing: 1, unknown: 2, waived: 0 }]);
    }
  });

  it('is unknown with the gap when the context its `where` reads was not collected, even though the verdict was known', () => {
    const gap = withGap('AWS::EC2::Instance', 'permission ec2:DescribeInstances missing', '権限がありません');
    const a = evaluate([volumes[0]!, volumes[1]!, volumes[3]!], [gap], attached, catalog, [], NOW);
    const reason = 'the AWS::EC2::Instance this check reads is not covered: permission ec2:DescribeInstances missing';
    const reasonJa = '参照先の AWS::EC2::Instance が収集範囲外のため判定できません（権限がありません）';
    // The waiting record keeps only what the `where` reads: it is not judged again, whatever the `where` could say.
    expect(verdicts(a)['attached-volume-encrypted']).toEqual({
      'vol-plain': ['unknown', reason, reasonJa],
      'vol-sealed': ['unknown', reason, reasonJa],
      'vol-nodata': ['unknown', reason, reasonJa],
    });
  });

  it('gives the same verdicts on the live path, drained in slices with a pause between them, each judged once', async () => {
    // Five volumes wait (vol-elsewhere too: its `where` needs the instances).
    for (const [sliceSize, slices] of [[2, 3], [5, 1]] as const) {
      const evaluation = new Evaluation(attached, catalog, { keptFindings: 'all' });
      for (const r of [...volumes, instance('i-1')]) evaluation.add(r);
      let pauses = 0;
      await evaluation.drainDeferred([scope()], () => {
        pauses++;
        return Promise.resolve();
      }, sliceSize);
      expect(pauses).toBe(slices);
      const a = evaluation.finish([scope()], [], NOW);
      expect(a.findings.map((f) => [f.resourceId, f.status])).toEqual([
        ['vol-plain', 'fail'],
        ['vol-sealed', 'pass'],
        ['vol-nodata', 'unknown'],
        ['vol-badshape', 'unknown'],
      ]);
      expect(a.tallies[0]).toMatchObject({ checked: 4, failing: 1, unknown: 2 });
    }
  });
});

describe('a `where` that reads no context filters as resources arrive', () => {
  const flow = only('vpc-flow-logs');

  it('leaves a default VPC out, and judges the others against the complete flow logs', () => {
    const vpcs = [resource('AWS::EC2::VPC', 'vpc-default', { isDefault: true }), resource('AWS::EC2::VPC', 'vpc-app', { isDefault: false }), resource('AWS::EC2::VPC', 'vpc-logged', { isDefault: false })];
    const a = evaluate([...vpcs, resource('AWS::EC2::FlowLog', 'fl-1', { resourceId: 'vpc-logged' })], [scope()], flow, catalog, [], NOW);
    expect(verdicts(a)['vpc-flow-logs']).toEqual({ 'vpc-app': ['fail', 'no flow log is attached', 'フローログがありません'], 'vpc-logged': ['pass', undefined, undefined] });
    // Left out means not checked: the default VPC is no finding and no tally.
    expect(a.tallies[0]).toMatchObject({ checked: 2, failing: 1 });
  });

  it('a default VPC stays out even where the flow logs were not collected; the others are unknown', () => {
    const gap = withGap('AWS::EC2::FlowLog', 'the input holds no AWS::EC2::FlowLog items', '入力に含まれていません');
    const a = evaluate([resource('AWS::EC2::VPC', 'vpc-default', { isDefault: true }), resource('AWS::EC2::VPC', 'vpc-app', { isDefault: false })], [gap], flow, catalog, [], NOW);
    expect(Object.keys(verdicts(a)['vpc-flow-logs']!)).toEqual(['vpc-app']);
    expect(verdicts(a)['vpc-flow-logs']!['vpc-app']![0]).toBe('unknown');
  });
});

describe('what a context-reading control cannot see in its subject is unknown as the subject arrives', () => {
  it('a malformed subject is unknown with the malformed reason, not buffered for the contexts', () => {
    const broken = resource('AWS::EC2::VPC', 'vpc-broken', {}, { malformed: 'configuration is not valid JSON' });
    const a = evaluate([broken], [scope()], only('vpc-flow-logs'), catalog, [], NOW);
    expect(verdicts(a)['vpc-flow-logs']).toEqual({
      'vpc-broken': ['unknown', 'malformed AWS::EC2::VPC: configuration is not valid JSON', 'AWS::EC2::VPC の構成データを解釈できないため判定できません（configuration is not valid JSON）'],
    });
  });

  it('a subject without its side documents is unknown for a control that reads them, whatever part of them it holds', () => {
    // A Select export holds the parts its query named: this one would pass on its own, without any context.
    const partial = bucket('b-select', { withoutSupplementary: true, supplementary: { BucketLoggingConfiguration: { destinationBucketName: 'logs' } } });
    const a = evaluate([partial, accountBlock()], [scope({ supplementary: false })], only('bucket-logged'), catalog, [], NOW);
    expect(verdicts(a)['bucket-logged']!['b-select']).toEqual([
      'unknown',
      'these AWS::S3::Bucket items carry no complete supplementary configuration (a Select export holds only the parts its query named; use a configuration snapshot or BatchGetResourceConfig items)',
      'この AWS::S3::Bucket の項目には補足構成（supplementaryConfiguration）が揃っていないため判定できません（Select のエクスポートは問い合わせで選んだ部分しか含みません。構成スナップショットか BatchGetResourceConfig の結果を入力してください）',
    ]);
    // With its side documents the same bucket is judged (the account block passes it).
    expect(verdicts(evaluate([bucket('b-live'), accountBlock()], [scope()], only('bucket-logged'), catalog, [], NOW))['bucket-logged']).toEqual({ 'b-live': ['pass', undefined, undefined] });
  });
});

describe('a judgement that never reads the untrusted context stands', () => {
  const policiesGap = withGap('AWS::S3::BucketPolicy', 'permission s3:GetBucketPolicy missing', '権限がありません');
  const unknownReason = 'the AWS::S3::BucketPolicy this check reads is not covered: permission s3:GetBucketPolicy missing';

  it('the account block decides without the bucket policies; a bucket that needs them is unknown', () => {
    const withBlock = evaluate([bucket('b-1'), accountBlock()], [policiesGap], only('bucket-not-public'), catalog, [], NOW);
    expect(verdicts(withBlock)['bucket-not-public']).toEqual({ 'b-1': ['pass', undefined, undefined] });
    const withoutBlock = evaluate([bucket('b-1')], [policiesGap], only('bucket-not-public'), catalog, [], NOW);
    expect(verdicts(withoutBlock)['bucket-not-public']).toEqual({ 'b-1': ['unknown', unknownReason, '参照先の AWS::S3::BucketPolicy が収集範囲外のため判定できません（権限がありません）'] });
  });

  it('a pass CEL reaches by absorbing the untrusted read stands too; a fail never does', () => {
    const control = only('bucket-not-public-policy-first');
    expect(verdicts(evaluate([bucket('b-1'), accountBlock()], [policiesGap], control, catalog, [], NOW))['bucket-not-public-policy-first']).toEqual({ 'b-1': ['pass', undefined, undefined] });
    expect(verdicts(evaluate([bucket('b-1')], [policiesGap], control, catalog, [], NOW))['bucket-not-public-policy-first']!['b-1']![0]).toBe('unknown');
    // With the policies collected, the same bucket fails on its public policy.
    const covered = evaluate([bucket('b-1'), publicPolicy('b-1')], [scope()], control, catalog, [], NOW);
    expect(verdicts(covered)['bucket-not-public-policy-first']).toEqual({ 'b-1': ['fail', 'Buckets are not public', '非公開'] });
  });

  it('a `where` decided by a trusted context leaves the resource out, even where another context is untrusted', () => {
    const scratch = resource('AWS::S3::Bucket', 'b-scratch', { scratch: true });
    const a = evaluate([bucket('b-old'), bucket('b-live'), scratch, retired('b-old')], [policiesGap], only('bucket-not-public'), catalog, [], NOW);
    expect(verdicts(a)['bucket-not-public']).toEqual({ 'b-live': ['unknown', unknownReason, '参照先の AWS::S3::BucketPolicy が収集範囲外のため判定できません（権限がありません）'] });
    expect(a.tallies[0]).toMatchObject({ checked: 1, unknown: 1 });
  });

  it('unreadable items anywhere in the account leave no context trusted', () => {
    const a = evaluate([bucket('b-1'), accountBlock()], [scope({ gaps: policiesGap.gaps!, unreadable: 1 })], only('bucket-not-public'), catalog, [], NOW);
    expect(verdicts(a)['bucket-not-public']!['b-1']).toEqual([
      'unknown',
      `${unknownReason}; 1 items in this account could not be read even to their type; the one this check needs may be among them`,
      '参照先の AWS::S3::BucketPolicy が収集範囲外のため判定できません（権限がありません）、このアカウントで種類すら読み取れない項目が 1 件あり、参照先が含まれている可能性があるため判定できません',
    ]);
  });
});

describe('context coverage problems are counted per account and worded exactly', () => {
  const flow = only('vpc-flow-logs');
  const vpc = resource('AWS::EC2::VPC', 'vpc-app', { isDefault: false });

  it('malformed context items of the same type and account add up', () => {
    const broken = (id: string) => resource('AWS::EC2::FlowLog', id, {}, { malformed: 'bad JSON' });
    const otherAccount = resource('AWS::EC2::FlowLog', 'fl-x', {}, { account: '999999999999', malformed: 'bad JSON' });
    const a = evaluate([vpc, broken('fl-1'), broken('fl-2'), otherAccount], [scope()], flow, catalog, [], NOW);
    expect(verdicts(a)['vpc-flow-logs']!['vpc-app']).toEqual([
      'unknown',
      '2 AWS::EC2::FlowLog items in this account are malformed; the one this check needs may be among them',
      '参照先の AWS::EC2::FlowLog のうち 2 件の構成データを解釈できず、必要な項目が含まれている可能性があるため判定できません',
    ]);
  });

  it('an account with no collected scope at all says the context was not collected for it', () => {
    const elsewhere = resource('AWS::EC2::VPC', 'vpc-other', { isDefault: false }, { account: '444455556666' });
    const a = evaluate([elsewhere], [scope()], flow, catalog, [], NOW);
    expect(verdicts(a)['vpc-flow-logs']!['vpc-other']).toEqual([
      'unknown',
      'the AWS::EC2::FlowLog this check reads was not collected for this account',
      '参照先の AWS::EC2::FlowLog がこのアカウントで収集されていないため判定できません',
    ]);
  });

  it('a gap recorded in the account’s global scope counts for resources in every region', () => {
    const globalGap = scope({ region: 'global', types: ['AWS::IAM::Role'], gaps: [{ types: ['AWS::EC2::FlowLog'], reason: { ja: '権限がありません', en: 'permission ec2:DescribeFlowLogs missing' } }] });
    const a = evaluate([vpc], [scope({ types: ['AWS::EC2::VPC'] }), globalGap], flow, catalog, [], NOW);
    expect(verdicts(a)['vpc-flow-logs']!['vpc-app']).toEqual(['unknown', 'the AWS::EC2::FlowLog this check reads is not covered: permission ec2:DescribeFlowLogs missing', '参照先の AWS::EC2::FlowLog が収集範囲外のため判定できません（権限がありません）']);
  });

  it('a gap in one region leaves a resource in another region of the account judged, whatever the order', () => {
    const usVpc = resource('AWS::EC2::VPC', 'vpc-us', { isDefault: false }, { region: 'us-east-1' });
    const usGap = scope({ region: 'us-east-1', types: ['AWS::EC2::VPC'], gaps: [{ types: ['AWS::EC2::FlowLog'], reason: { ja: 'リージョンで記録されていません', en: 'not recorded in us-east-1' } }] });
    for (const order of [[vpc, usVpc], [usVpc, vpc]]) {
      const byId = verdicts(evaluate(order, [scope(), usGap], flow, catalog, [], NOW))['vpc-flow-logs']!;
      expect([byId['vpc-app']![0], byId['vpc-us']![0]]).toEqual(['fail', 'unknown']);
    }
  });

  it('a failed scope that was not collecting the context type casts no doubt on it', () => {
    const rdsFailed: CollectionScope = { ...scope(), region: 'ap-northeast-3', types: ['AWS::RDS::DBInstance'], outcome: { status: 'failed', error: 'ThrottlingException', at: NOW.toISOString() } };
    const a = evaluate([vpc], [scope(), rdsFailed], flow, catalog, [], NOW);
    expect(verdicts(a)['vpc-flow-logs']!['vpc-app']).toEqual(['fail', 'no flow log is attached', 'フローログがありません']);
  });

  it('unreadable items add up over the account’s scopes', () => {
    const a = evaluate([vpc], [scope(), scope({ region: 'us-east-1', unreadable: 2 }), scope({ region: 'ap-northeast-3', unreadable: 1 })], flow, catalog, [], NOW);
    expect(verdicts(a)['vpc-flow-logs']!['vpc-app']![1]).toBe('3 items in this account could not be read even to their type; the one this check needs may be among them');
  });

  it('a failed collection names the region where it failed', () => {
    const failed: CollectionScope = { ...scope(), region: 'ap-northeast-3', outcome: { status: 'failed', error: 'ThrottlingException', at: NOW.toISOString() } };
    const a = evaluate([vpc], [scope(), failed], flow, catalog, [], NOW);
    expect(verdicts(a)['vpc-flow-logs']!['vpc-app']).toEqual([
      'unknown',
      'collecting the AWS::EC2::FlowLog this check reads failed in ap-northeast-3; the one it needs may be there',
      '参照先の AWS::EC2::FlowLog の収集が ap-northeast-3 で失敗しており、必要な項目が含まれている可能性があるため判定できません',
    ]);
  });
});

describe('context entries under one key', () => {
  it('are all kept: a later entry with the same key does not replace an earlier one', () => {
    const flowLog = (id: string, destination: string) => resource('AWS::EC2::FlowLog', id, { resourceId: 'vpc-app', logDestinationType: destination });
    const vpc = resource('AWS::EC2::VPC', 'vpc-app', {});
    for (const order of [[flowLog('fl-s3', 's3'), flowLog('fl-cw', 'cloud-watch-logs'), vpc], [vpc, flowLog('fl-s3', 's3'), flowLog('fl-cw', 'cloud-watch-logs')]]) {
      expect(verdicts(evaluate(order, [scope()], only('vpc-flow-logs-to-s3'), catalog, [], NOW))['vpc-flow-logs-to-s3']).toEqual({ 'vpc-app': ['pass', undefined, undefined] });
    }
    const cloudWatchOnly = evaluate([flowLog('fl-cw', 'cloud-watch-logs'), vpc], [scope()], only('vpc-flow-logs-to-s3'), catalog, [], NOW);
    expect(verdicts(cloudWatchOnly)['vpc-flow-logs-to-s3']).toEqual({ 'vpc-app': ['fail', 'VPC flow logs reach S3', 'S3 へのフローログ'] });
  });
});

describe('what a verdict reads of its contexts', () => {
  it('a reason that reads a context is worded with the complete context, though the verdict needed none', () => {
    const plain = (id: string, instanceId: string) => volume(id, { encrypted: false, attachments: [{ instanceId }] });
    for (const order of [[plain('vol-used', 'i-1'), plain('vol-idle', 'i-gone'), instance('i-1')], [instance('i-1'), plain('vol-used', 'i-1'), plain('vol-idle', 'i-gone')]]) {
      expect(verdicts(evaluate(order, [scope()], only('volume-encrypted-says-use'), catalog, [], NOW))['volume-encrypted-says-use']).toEqual({
        'vol-used': ['fail', 'in-use volume vol-used is not encrypted', '使用中のボリューム vol-used は暗号化されていません'],
        'vol-idle': ['fail', 'unused volume vol-idle is not encrypted', '未使用のボリューム vol-idle は暗号化されていません'],
      });
    }
  });

  it('an entry whose key is null is never found, not even by a lookup of a missing value', () => {
    const profileWithoutArn = resource('AWS::IAM::InstanceProfile', 'profile-draft', {}, { region: 'global' });
    const profile = resource('AWS::IAM::InstanceProfile', 'profile-app', { arn: 'arn:aws:iam::111122223333:instance-profile/app' }, { region: 'global' });
    const bare = resource('AWS::EC2::Instance', 'i-bare', {});
    const app = resource('AWS::EC2::Instance', 'i-app', { iamInstanceProfile: { arn: 'arn:aws:iam::111122223333:instance-profile/app' } });
    const a = evaluate([profileWithoutArn, profile, bare, app], [scope(), scope({ region: 'global' })], only('instance-profile-known'), catalog, [], NOW);
    expect(Object.fromEntries(a.findings.map((f) => [f.resourceId, f.status]))).toEqual({ 'i-bare': 'fail', 'i-app': 'pass' });
  });
});

describe('Evaluation.typesNeeded', () => {
  it('lists every judged type and every context type, once', () => {
    expect([...Evaluation.typesNeeded(only('attached-volume-encrypted', 'bucket-not-public', 'bucket-logged'))].sort()).toEqual([
      'AWS::Config::ResourceCompliance',
      'AWS::EC2::Instance',
      'AWS::EC2::Volume',
      'AWS::S3::AccountPublicAccessBlock',
      'AWS::S3::Bucket',
      'AWS::S3::BucketPolicy',
    ]);
  });
});
