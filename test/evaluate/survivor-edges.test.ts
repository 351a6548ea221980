/**
 * Edges the mutation run (#19) found no test for: existence checks across regions, accounts and the global
 * pseudo-region, controls over two types, context-reading controls whose records or entries are kept in part,
 * early decisions that must stand (or must not), variables that fail beside ones that do not, and what the
 * result says when nothing was waived. Reasons are asserted word for word in both languages.
 */
import type { Assessment } from '../../src/evaluate/assessment.js';
import { assess, evaluate, Evaluation } from '../../src/evaluate/evaluate.js';
import { loadCatalog } from '../../src/mappings/catalog.js';
import { loadControls } from '../../src/mappings/controls.js';
import { loadExceptions } from '../../src/mappings/exceptions.js';
import type { CollectionScope, Resource } from '../../src/model/resource.js';
import { tempFiles } from '../support/files.js';

const common = `    severity: high
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }`;
const files = tempFiles({
  'catalog.yaml': `id: s
version: "1"
title_ja: テスト
title_en: Test
categories: [{ id: "1", name_ja: 一, name_en: One }]
requirements:
  - { id: "S-1", category: "1", automation: automated, title_en: Volumes, text_ja: ボリューム, rationale: { ja: 根拠, en: why } }
  - { id: "S-2", category: "1", automation: automated, nothing_in_scope: compliant, title_en: Storage, text_ja: ストレージ, rationale: { ja: 根拠, en: why } }
  - { id: "S-3", category: "1", automation: automated, title_en: Presence, text_ja: 存在, rationale: { ja: 根拠, en: why } }
  - { id: "S-4", category: "1", automation: automated, title_en: Joins, text_ja: 参照, rationale: { ja: 根拠, en: why } }
`,
  'controls.yaml': `controls:
  - id: volume-encrypted
    title: { ja: ボリュームの暗号化, en: Volumes are encrypted }
    provider: aws
    resourceTypes: [AWS::EC2::Volume]
    kind: each
    expression: resource.configuration.encrypted == true
${common}
    requirements: { s: ["S-1"] }
  - id: volume-owned
    title: { ja: ボリュームの所有者, en: Volumes name their owner }
    provider: aws
    resourceTypes: [AWS::EC2::Volume]
    kind: each
    expression: has(resource.tags.owner)
${common}
    requirements: { s: ["S-1"] }
  - id: storage-encrypted
    title: { ja: ストレージの暗号化, en: Storage is encrypted }
    provider: aws
    resourceTypes: [AWS::EC2::Volume, AWS::RDS::DBInstance]
    kind: each
    expression: resource.configuration.?encrypted.orValue(false) || resource.configuration.?storageEncrypted.orValue(false)
${common}
    requirements: { s: ["S-2"] }
  - id: trail-validated
    title: { ja: 検証付きの証跡, en: A validated trail exists }
    provider: aws
    resourceTypes: [AWS::CloudTrail::Trail]
    kind: exists
    scope: account
    expression: resource.configuration.logFileValidationEnabled == true
${common}
    requirements: { s: ["S-3"] }
  - id: backup-in-place
    title: { ja: バックアップ, en: Backups are in place }
    provider: aws
    resourceTypes: [AWS::Backup::BackupPlan, AWS::Backup::BackupVault]
    kind: exists
    scope: account
    expression: 'resource.type == "AWS::Backup::BackupVault" || size(resource.configuration.?rules.orValue([])) > 0'
${common}
    requirements: { s: ["S-3"] }
  - id: break-glass-role
    title: { ja: 緊急用ロール, en: A break-glass role exists }
    provider: aws
    resourceTypes: [AWS::IAM::Role]
    kind: exists
    scope: account
    expression: resource.name == "break-glass"
${common}
    requirements: { s: ["S-3"] }
  - id: detector-on
    title: { ja: 検知, en: A detector in every region }
    provider: aws
    resourceTypes: [AWS::GuardDuty::Detector]
    kind: exists
    scope: region
    expression: resource.configuration.status == "ENABLED"
${common}
    requirements: { s: ["S-3"] }
  - id: vpc-flow-logs-to-s3
    title: { ja: S3 へのフローログ, en: VPC flow logs reach S3 }
    provider: aws
    resourceTypes: [AWS::EC2::VPC]
    kind: each
    context:
      - { name: flowLogs, type: AWS::EC2::FlowLog, key: r.configuration.resourceId }
    expression: 'resource.id in flowLogs && flowLogs[resource.id].exists(f, f.configuration.logDestinationType == "s3")'
${common}
    requirements: { s: ["S-4"] }
  # A VPC that is not available fails without looking at the flow logs.
  - id: vpc-available-logged
    title: { ja: 利用可能でログ付き, en: VPCs are available and logged }
    provider: aws
    resourceTypes: [AWS::EC2::VPC]
    kind: each
    context:
      - { name: flowLogs, type: AWS::EC2::FlowLog, key: r.configuration.resourceId }
    expression: 'resource.configuration.state == "available" && resource.id in flowLogs'
    reason: { ja: '"VPC " + resource.id + " は利用可能でないかフローログがありません"', en: '"VPC " + resource.id + " is not available or has no flow log"' }
${common}
    requirements: { s: ["S-4"] }
  # The English reason quotes an apostrophe in a triple-quoted string, beside a field only it reads.
  - id: vpc-logged-says-range
    title: { ja: フローログ, en: VPCs have flow logs }
    provider: aws
    resourceTypes: [AWS::EC2::VPC]
    kind: each
    context:
      - { name: flowLogs, type: AWS::EC2::FlowLog, key: r.configuration.resourceId }
    expression: resource.id in flowLogs
    reason:
      ja: '"VPC " + resource.id + " にフローログがありません"'
      en: >-
        '''no flow log: the VPC's range ''' + resource.configuration.cidrBlock + ' is unmonitored'
${common}
    requirements: { s: ["S-4"] }
  # The reason names the flow log it found: an entry's own id, beside the VPC's.
  - id: vpc-flow-logs-to-s3-named
    title: { ja: S3 へのフローログ, en: VPC flow logs reach S3 }
    provider: aws
    resourceTypes: [AWS::EC2::VPC]
    kind: each
    context:
      - { name: flowLogs, type: AWS::EC2::FlowLog, key: r.configuration.resourceId }
    expression: 'resource.id in flowLogs && flowLogs[resource.id].exists(f, f.configuration.logDestinationType == "s3")'
    reason:
      ja: 'resource.id in flowLogs ? "フローログ " + flowLogs[resource.id][0].id + " は S3 に送っていません" : "フローログがありません"'
      en: 'resource.id in flowLogs ? "flow log " + flowLogs[resource.id][0].id + " does not deliver to S3" : "no flow log"'
${common}
    requirements: { s: ["S-4"] }
  # Selects a flow log's configuration by a string-literal index, after an \`in\`.
  - id: vpc-flow-logs-to-s3-indexed
    title: { ja: S3 へのフローログ, en: VPC flow logs reach S3 }
    provider: aws
    resourceTypes: [AWS::EC2::VPC]
    kind: each
    context:
      - { name: flowLogs, type: AWS::EC2::FlowLog, key: r.configuration.resourceId }
    expression: 'resource.id in flowLogs && flowLogs[resource.id].exists(f, f["configuration"].logDestinationType == "s3")'
${common}
    requirements: { s: ["S-4"] }
  # Only the \`where\` reads the context, and there is no reason: a failure says the title.
  - id: attached-volume-encrypted
    title: { ja: 接続ボリュームの暗号化, en: Attached volumes are encrypted }
    provider: aws
    resourceTypes: [AWS::EC2::Volume]
    kind: each
    context:
      - { name: instances, type: AWS::EC2::Instance, key: r.id }
    where: resource.configuration.attachments.exists(a, a.instanceId in instances)
    expression: resource.configuration.encrypted == true
${common}
    requirements: { s: ["S-4"] }
  # A context left over from an earlier version: no CEL of the control reads it.
  - id: in-use-volume-encrypted
    title: { ja: 使用中ボリュームの暗号化, en: Volumes in use are encrypted }
    provider: aws
    resourceTypes: [AWS::EC2::Volume]
    kind: each
    context:
      - { name: instances, type: AWS::EC2::Instance, key: r.id }
    where: resource.configuration.state == "in-use"
    expression: resource.configuration.encrypted == true
${common}
    requirements: { s: ["S-4"] }
  - id: every-volume-encrypted
    title: { ja: 全ボリュームの暗号化, en: Every volume is encrypted }
    provider: aws
    resourceTypes: [AWS::EC2::Volume]
    kind: each
    context:
      - { name: instances, type: AWS::EC2::Instance, key: r.id }
    expression: resource.configuration.encrypted == true
${common}
    requirements: { s: ["S-4"] }
  # Three contexts of three types; the \`where\` reads one before the field that can decide it alone.
  - id: bucket-not-public
    title: { ja: 非公開, en: Buckets are not public }
    provider: aws
    resourceTypes: [AWS::S3::Bucket]
    kind: each
    context:
      - { name: accountBlock, type: AWS::S3::AccountPublicAccessBlock, key: r.account }
      - { name: publicPolicies, type: AWS::S3::BucketPolicy, key: 'r.configuration.?publicBucket.orValue(null)' }
      - { name: retired, type: AWS::Config::ResourceCompliance, key: 'r.configuration.?retiredBucket.orValue(null)' }
    where: '!(resource.id in retired) && resource.configuration.?scratch.orValue(false) == false'
    expression: '(resource.account in accountBlock && accountBlock[resource.account].exists(b, b.configuration.blockPublicPolicy == true)) || !(resource.id in publicPolicies)'
${common}
    requirements: { s: ["S-4"] }
  # Written with string-literal indexes: what it reads of the trail and of the buckets cannot be bounded.
  - id: trail-bucket-in-account
    title: { ja: 自アカウントの証跡バケット, en: Trails deliver to a bucket of their account }
    provider: aws
    resourceTypes: [AWS::CloudTrail::Trail]
    kind: each
    context:
      - { name: buckets, type: AWS::S3::Bucket, key: r.id }
    expression: 'resource["configuration"]["s3BucketName"] in buckets && buckets[resource["configuration"]["s3BucketName"]].exists(b, b["account"] == resource["account"])'
${common}
    requirements: { s: ["S-4"] }
  # One variable fails, the other does not.
  - id: sg-ingress-closed
    title: { ja: 受信規則なし, en: Security groups with egress rules allow no ingress }
    provider: aws
    resourceTypes: [AWS::EC2::SecurityGroup]
    kind: each
    variables:
      - { name: egress, expression: 'resource.configuration.?ipPermissionsEgress.orValue([])' }
      - name: ingress
        expression: 'has(resource.configuration.ipPermissions) ? resource.configuration.ipPermissions : unknown({"ja": "受信規則がありません", "en": "no ingress rules in the payload"})'
    expression: 'variables.egress.size() > 0 && (!has(variables.ingress) || variables.ingress.size() == 0)'
${common}
    requirements: { s: ["S-4"] }
  # The expression reads the side documents beside a variable.
  - id: bucket-logged
    title: { ja: アクセスログ, en: Bucket access is logged }
    provider: aws
    resourceTypes: [AWS::S3::Bucket]
    kind: each
    variables:
      - { name: exempt, expression: 'resource.configuration.?loggingExempt.orValue(false)' }
    expression: 'has(resource.supplementary.BucketLoggingConfiguration.destinationBucketName) || variables.exempt'
${common}
    requirements: { s: ["S-4"] }
`,
});
const catalog = loadCatalog(files['catalog.yaml']!);
const controls = loadControls([files['controls.yaml']!], [catalog]);
const only = (...ids: string[]) => controls.filter((c) => ids.includes(c.id));
const NOW = new Date('2026-06-15T12:00:00Z');
const ACCOUNT = '111122223333';
const FAR = '777788889999';
const TOKYO = 'ap-northeast-1';
const OSAKA = 'ap-northeast-3';

function resource(type: string, id: string, configuration: Record<string, unknown>, extra: Partial<Resource> = {}): Resource {
  return { provider: 'aws', account: ACCOUNT, region: TOKYO, type, id, name: id, arn: '', tags: {}, configuration, supplementary: {}, relationships: [], capturedAt: '', ...extra };
}
const scope = (extra: Partial<CollectionScope> = {}): CollectionScope => ({ provider: 'aws', account: ACCOUNT, region: TOKYO, types: 'all', outcome: { status: 'ok', collectedAt: NOW.toISOString() }, ...extra });
const throttled = (region: string): CollectionScope => scope({ region, outcome: { status: 'failed', error: 'Throttling', at: NOW.toISOString() } });
const trail = (id: string, validated: boolean, extra: Partial<Resource> = {}) => resource('AWS::CloudTrail::Trail', id, { logFileValidationEnabled: validated }, extra);
const vpc = (id: string, state = 'available') => resource('AWS::EC2::VPC', id, { state });
const flowLog = (id: string, vpcId: string, destination: string) => resource('AWS::EC2::FlowLog', id, { resourceId: vpcId, logDestinationType: destination });
const requirement = (a: Assessment, id: string) => a.requirements.find((r) => r.id === id)!;
type Row = [resourceId: string, status: string, reason: string | undefined, reasonJa: string | undefined];
/** One control's findings: resource id, status and both reasons. */
const of = (a: Assessment, control: string): Row[] => a.findings.filter((f) => f.control === control).map((f): Row => [f.resourceId, f.status, f.reason, f.reason_ja]);

describe('exists: scopes across regions, accounts and the global pseudo-region', () => {
  it('an account-wide check counts a candidate in the global pseudo-region, and a scope collected only there', () => {
    const iamOnly = scope({ region: 'global', types: ['AWS::IAM::Role'] });
    const role = resource('AWS::IAM::Role', 'AROAEXAMPLE', {}, { region: 'global', name: 'break-glass', arn: `arn:aws:iam::${ACCOUNT}:role/break-glass` });
    expect(of(evaluate([role], [iamOnly], only('break-glass-role'), catalog, [], NOW), 'break-glass-role')).toEqual([
      ['AROAEXAMPLE', 'pass', `satisfied by arn:aws:iam::${ACCOUNT}:role/break-glass`, `arn:aws:iam::${ACCOUNT}:role/break-glass が条件を満たしています`],
    ]);
    const none = evaluate([], [iamOnly], only('break-glass-role'), catalog, [], NOW);
    expect(of(none, 'break-glass-role')).toEqual([[ACCOUNT, 'fail', 'no AWS::IAM::Role in this account', 'このアカウントに AWS::IAM::Role がありません']]);
    expect(requirement(none, 'S-3')).toMatchObject({ status: 'noncompliant', counts: { checked: 1, failing: 1, scopesCovered: 1, scopesNotCovered: 0 } });
  });

  it('an account-wide check is unknown, not failed, when one region of the account failed, whatever the order of the scopes', () => {
    const incomplete = 'collection incomplete (ap-northeast-3: collection failed: Throttling)';
    const incompleteJa = '収集が不完全です（ap-northeast-3: 収集に失敗したため判定できません（Throttling））';
    for (const coverage of [[throttled(OSAKA), scope()], [scope(), throttled(OSAKA)]]) {
      expect(of(evaluate([], coverage, only('trail-validated'), catalog, [], NOW), 'trail-validated')).toEqual([[ACCOUNT, 'unknown', incomplete, incompleteJa]]);
      // A trail that does not qualify elsewhere cannot show that none in the failed region does.
      expect(of(evaluate([trail('t-plain', false)], coverage, only('trail-validated'), catalog, [], NOW), 'trail-validated')).toEqual([[ACCOUNT, 'unknown', incomplete, incompleteJa]]);
    }
  });

  it('a finding for a scope no collection describes names the candidate’s region for a regional check, none for an account-wide one', () => {
    const far = evaluate([trail('t-far', false, { account: FAR })], [scope()], only('trail-validated'), catalog, [], NOW);
    expect(far.findings.find((f) => f.account === FAR)).toMatchObject({ region: '', resourceId: FAR, scope: 'account', status: 'fail' });
    const ireland = resource('AWS::GuardDuty::Detector', 'd-ireland', { status: 'DISABLED' }, { region: 'eu-west-1' });
    const regional = evaluate([ireland], [scope()], only('detector-on'), catalog, [], NOW);
    expect(regional.findings.map((f) => [f.region, f.resourceId, f.scope, f.status, f.reason])).toEqual([
      [TOKYO, `${ACCOUNT}/${TOKYO}`, 'region', 'fail', 'no AWS::GuardDuty::Detector in this region'],
      ['eu-west-1', `${ACCOUNT}/eu-west-1`, 'region', 'fail', 'none of 1 AWS::GuardDuty::Detector qualifies: d-ireland: A detector in every region'],
    ]);
  });
});

describe('controls over two resource types', () => {
  it('an existence check names both types in its finding and reason', () => {
    const a = evaluate([], [scope()], only('backup-in-place'), catalog, [], NOW);
    expect(a.findings.map((f) => [f.resourceType, f.status, f.reason, f.reason_ja])).toEqual([
      ['AWS::Backup::BackupPlan,AWS::Backup::BackupVault', 'fail', 'no AWS::Backup::BackupPlan,AWS::Backup::BackupVault in this account', 'このアカウントに AWS::Backup::BackupPlan,AWS::Backup::BackupVault がありません'],
    ]);
  });

  it('a scope collecting one of the types counts as covered; a failed scope names both types', () => {
    const volumesOnly = scope({ types: ['AWS::EC2::Volume'] });
    const empty = evaluate([], [volumesOnly], only('storage-encrypted'), catalog, [], NOW);
    expect(requirement(empty, 'S-2')).toMatchObject({
      status: 'compliant',
      reason: 'no resources of the checked types in the 1 covered scopes, so nothing breaks this requirement',
      counts: { checked: 0, scopesCovered: 1, scopesNotCovered: 0 },
    });
    expect(empty.tallies).toEqual([{ control: 'storage-encrypted', provider: 'aws', account: ACCOUNT, checked: 0, failing: 0, unknown: 0, waived: 0 }]);
    const failed = evaluate([], [volumesOnly, throttled(OSAKA)], only('storage-encrypted'), catalog, [], NOW);
    expect(failed.findings.map((f) => [f.resourceId, f.resourceType, f.status, f.reason])).toEqual([[`${ACCOUNT}/${OSAKA}`, 'AWS::EC2::Volume,AWS::RDS::DBInstance', 'unknown', 'collection failed: Throttling']]);
  });
});

describe('several controls over one type', () => {
  it('each judges every resource, and a requirement names all its failing controls', () => {
    const a = evaluate([resource('AWS::EC2::Volume', 'vol-1', { encrypted: false })], [scope()], only('volume-encrypted', 'volume-owned'), catalog, [], NOW);
    expect(a.findings.map((f) => [f.control, f.resourceId, f.status, f.reason])).toEqual([
      ['volume-encrypted', 'vol-1', 'fail', 'Volumes are encrypted'],
      ['volume-owned', 'vol-1', 'fail', 'Volumes name their owner'],
    ]);
    expect(requirement(a, 'S-1')).toMatchObject({ status: 'noncompliant', reason: 'failing controls: volume-encrypted, volume-owned', reason_ja: '不適合のコントロールがあります: volume-encrypted, volume-owned' });
  });

  it('two context-reading controls over VPCs waiting for the same flow logs both judge each VPC', () => {
    const a = evaluate([vpc('vpc-s3'), vpc('vpc-cw'), flowLog('fl-1', 'vpc-s3', 's3'), flowLog('fl-2', 'vpc-cw', 'cloud-watch-logs')], [scope()], only('vpc-flow-logs-to-s3', 'vpc-available-logged'), catalog, [], NOW);
    expect(a.findings.map((f) => [f.control, f.resourceId, f.status])).toEqual([
      ['vpc-flow-logs-to-s3', 'vpc-s3', 'pass'],
      ['vpc-flow-logs-to-s3', 'vpc-cw', 'fail'],
      ['vpc-available-logged', 'vpc-s3', 'pass'],
      ['vpc-available-logged', 'vpc-cw', 'pass'],
    ]);
  });
});

describe('context entries and waiting records', () => {
  it('every entry under one key is kept, the later ones too', () => {
    const a = evaluate([vpc('vpc-app'), flowLog('fl-cw', 'vpc-app', 'cloud-watch-logs'), flowLog('fl-s3', 'vpc-app', 's3')], [scope()], only('vpc-flow-logs-to-s3'), catalog, [], NOW);
    expect(of(a, 'vpc-flow-logs-to-s3')).toEqual([['vpc-app', 'pass', undefined, undefined]]);
  });

  it('a control with several context types reads the fields it selects of each', () => {
    const block = resource('AWS::S3::AccountPublicAccessBlock', ACCOUNT, { blockPublicPolicy: true }, { region: 'global' });
    const policy = resource('AWS::S3::BucketPolicy', 'policy-b-open', { publicBucket: 'b-open' });
    const buckets = [resource('AWS::S3::Bucket', 'b-open', {}), resource('AWS::S3::Bucket', 'b-far', {}, { account: FAR }), resource('AWS::S3::Bucket', 'b-far-open', {}, { account: FAR })];
    const farPolicy = resource('AWS::S3::BucketPolicy', 'policy-b-far-open', { publicBucket: 'b-far-open' }, { account: FAR });
    const a = evaluate([...buckets, block, policy, farPolicy], [scope(), scope({ region: 'global' }), scope({ account: FAR })], only('bucket-not-public'), catalog, [], NOW);
    // The account block overrides b-open's public policy; the far account has no block.
    expect(of(a, 'bucket-not-public')).toEqual([
      ['b-open', 'pass', undefined, undefined],
      ['b-far', 'pass', undefined, undefined],
      ['b-far-open', 'fail', 'Buckets are not public', '非公開'],
    ]);
  });

  it('a `where` that reads a context first is still decided, out of scope, by a field of the resource', () => {
    const scratch = resource('AWS::S3::Bucket', 'b-scratch', { scratch: true });
    const a = evaluate([scratch, resource('AWS::S3::Bucket', 'b-live', {})], [scope()], only('bucket-not-public'), catalog, [], NOW);
    expect(of(a, 'bucket-not-public')).toEqual([['b-live', 'pass', undefined, undefined]]);
    expect(a.tallies).toEqual([{ control: 'bucket-not-public', provider: 'aws', account: ACCOUNT, checked: 1, failing: 0, unknown: 0, waived: 0 }]);
  });

  it('a control whose reads cannot be bounded keeps the whole trail and the entries’ identity and configuration', () => {
    const bucket = (id: string, account: string) =>
      resource('AWS::S3::Bucket', id, { name: id }, { account, supplementary: { BucketVersioningConfiguration: { status: 'Enabled' }, BucketLoggingConfiguration: {} } });
    const trails = [resource('AWS::CloudTrail::Trail', 't-own', { s3BucketName: 'org-trail-logs' }), resource('AWS::CloudTrail::Trail', 't-partner', { s3BucketName: 'partner-logs' })];
    const a = evaluate([...trails, bucket('org-trail-logs', ACCOUNT), bucket('partner-logs', FAR)], [scope(), scope({ account: FAR })], only('trail-bucket-in-account'), catalog, [], NOW);
    expect(of(a, 'trail-bucket-in-account')).toEqual([
      ['t-own', 'pass', undefined, undefined],
      ['t-partner', 'fail', 'Trails deliver to a bucket of their account', '自アカウントの証跡バケット'],
    ]);
  });
});

describe('what CEL sources read, however they are written', () => {
  it('a word after an apostrophe in a triple-quoted string is text, and the field read after the string is kept', () => {
    const a = evaluate([resource('AWS::EC2::VPC', 'vpc-app', { cidrBlock: '10.0.0.0/16' })], [scope()], only('vpc-logged-says-range'), catalog, [], NOW);
    expect(of(a, 'vpc-logged-says-range')).toEqual([['vpc-app', 'fail', "no flow log: the VPC's range 10.0.0.0/16 is unmonitored", 'VPC vpc-app にフローログがありません']]);
  });

  it('an entry’s id selected after the subject’s own is kept', () => {
    const a = evaluate([vpc('vpc-cw'), vpc('vpc-bare'), flowLog('fl-0123456789abcdef0', 'vpc-cw', 'cloud-watch-logs')], [scope()], only('vpc-flow-logs-to-s3-named'), catalog, [], NOW);
    expect(of(a, 'vpc-flow-logs-to-s3-named')).toEqual([
      ['vpc-cw', 'fail', 'flow log fl-0123456789abcdef0 does not deliver to S3', 'フローログ fl-0123456789abcdef0 は S3 に送っていません'],
      ['vpc-bare', 'fail', 'no flow log', 'フローログがありません'],
    ]);
  });

  it('a string-literal index on a context entry after an `in` keeps the entries’ configuration', () => {
    const a = evaluate([vpc('vpc-s3'), vpc('vpc-cw'), flowLog('fl-1', 'vpc-s3', 's3'), flowLog('fl-2', 'vpc-cw', 'cloud-watch-logs')], [scope()], only('vpc-flow-logs-to-s3-indexed'), catalog, [], NOW);
    expect(of(a, 'vpc-flow-logs-to-s3-indexed')).toEqual([
      ['vpc-s3', 'pass', undefined, undefined],
      ['vpc-cw', 'fail', 'VPC flow logs reach S3', 'S3 へのフローログ'],
    ]);
  });
});

describe('what is decided as a subject arrives', () => {
  it('a malformed subject of a control whose `where` reads a context is unknown as malformed; a failure without a reason says the title', () => {
    const broken = resource('AWS::EC2::Volume', 'vol-broken', {}, { malformed: 'configuration is not valid JSON' });
    const plain = resource('AWS::EC2::Volume', 'vol-plain', { encrypted: false, attachments: [{ instanceId: 'i-1' }] });
    const a = evaluate([broken, plain, resource('AWS::EC2::Instance', 'i-1', {})], [scope()], only('attached-volume-encrypted'), catalog, [], NOW);
    expect(of(a, 'attached-volume-encrypted')).toEqual([
      ['vol-broken', 'unknown', 'malformed AWS::EC2::Volume: configuration is not valid JSON', 'AWS::EC2::Volume の構成データを解釈できないため判定できません（configuration is not valid JSON）'],
      ['vol-plain', 'fail', 'Attached volumes are encrypted', '接続ボリュームの暗号化'],
    ]);
  });

  it('a context no CEL of the control reads casts no doubt, and its `where` still leaves resources out', () => {
    const instancesGap = scope({ gaps: [{ types: ['AWS::EC2::Instance'], reason: { ja: '権限がありません', en: 'permission ec2:DescribeInstances missing' } }] });
    const volumes = [resource('AWS::EC2::Volume', 'vol-used', { state: 'in-use', encrypted: false }), resource('AWS::EC2::Volume', 'vol-spare', { state: 'available', encrypted: false })];
    for (const coverage of [[scope()], [instancesGap]]) {
      const a = evaluate(volumes, coverage, only('in-use-volume-encrypted', 'every-volume-encrypted'), catalog, [], NOW);
      expect(of(a, 'in-use-volume-encrypted')).toEqual([['vol-used', 'fail', 'Volumes in use are encrypted', '使用中ボリュームの暗号化']]);
      expect(of(a, 'every-volume-encrypted')).toEqual([
        ['vol-used', 'fail', 'Every volume is encrypted', '全ボリュームの暗号化'],
        ['vol-spare', 'fail', 'Every volume is encrypted', '全ボリュームの暗号化'],
      ]);
    }
  });

  it('a failure that read no context stands where no context can be trusted; what read one is unknown', () => {
    const a = evaluate([vpc('vpc-pending', 'pending'), vpc('vpc-app')], [scope({ unreadable: 1 })], only('vpc-available-logged'), catalog, [], NOW);
    expect(of(a, 'vpc-available-logged')).toEqual([
      ['vpc-pending', 'fail', 'VPC vpc-pending is not available or has no flow log', 'VPC vpc-pending は利用可能でないかフローログがありません'],
      [
        'vpc-app',
        'unknown',
        '1 items in this account could not be read even to their type; the one this check needs may be among them',
        'このアカウントで種類すら読み取れない項目が 1 件あり、参照先が含まれている可能性があるため判定できません',
      ],
      [
        `${ACCOUNT}/${TOKYO}`,
        'unknown',
        '1 items in this scope could not be read even to their type; resources this control checks may be among them',
        'このスコープで種類すら読み取れない項目が 1 件あり、対象リソースが含まれている可能性があるため判定できません',
      ],
    ]);
  });
});

describe('side documents', () => {
  const selectScope = scope({ supplementary: false });

  it('a control that does not read them judges a resource whose source omits them', () => {
    const a = evaluate([resource('AWS::EC2::Volume', 'vol-select', { encrypted: true }, { withoutSupplementary: true })], [selectScope], only('volume-encrypted'), catalog, [], NOW);
    expect(of(a, 'volume-encrypted')).toEqual([['vol-select', 'pass', undefined, undefined]]);
  });

  it('an expression that reads them beside a variable is unknown for such a resource, not failed for a document it could not see', () => {
    const a = evaluate([resource('AWS::S3::Bucket', 'b-select', {}, { withoutSupplementary: true })], [selectScope], only('bucket-logged'), catalog, [], NOW);
    expect(of(a, 'bucket-logged')).toEqual([
      [
        'b-select',
        'unknown',
        'these AWS::S3::Bucket items carry no complete supplementary configuration (a Select export holds only the parts its query named; use a configuration snapshot or BatchGetResourceConfig items)',
        'この AWS::S3::Bucket の項目には補足構成（supplementaryConfiguration）が揃っていないため判定できません（Select のエクスポートは問い合わせで選んだ部分しか含みません。構成スナップショットか BatchGetResourceConfig の結果を入力してください）',
      ],
    ]);
  });
});

describe('a variable that fails beside one that does not', () => {
  it('raises its own reason where the expression reads it, even through has()', () => {
    const sg = (id: string, configuration: Record<string, unknown>) => resource('AWS::EC2::SecurityGroup', id, configuration);
    const egress = [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '0.0.0.0/0' }] }];
    const a = evaluate([sg('sg-nopayload', { ipPermissionsEgress: egress }), sg('sg-closed', { ipPermissionsEgress: egress, ipPermissions: [] })], [scope()], only('sg-ingress-closed'), catalog, [], NOW);
    expect(of(a, 'sg-ingress-closed')).toEqual([
      ['sg-nopayload', 'unknown', 'cannot evaluate: no ingress rules in the payload', '判定できません: 受信規則がありません'],
      ['sg-closed', 'pass', undefined, undefined],
    ]);
  });
});

describe('results without exceptions, and stale failures', () => {
  it('list no exceptions when none were given, and leave out a reference an exception does not have', () => {
    expect(evaluate([], [scope()], only('volume-encrypted'), catalog, [], NOW).exceptions).toEqual([]);
    const evaluation = new Evaluation(only('volume-encrypted'), catalog, { keptFindings: 'all' });
    expect(assess([{ result: evaluation.partial([scope()]) }], only('volume-encrypted'), catalog, [], NOW).exceptions).toEqual([]);
    const waivers = tempFiles({
      'exceptions.yaml': `exceptions:
  - id: scratch-volumes
    control: volume-encrypted
    match: { resource: "vol-scratch-*" }
    justification: { ja: 一時領域, en: scratch space }
    approvedBy: CISO 山田
    expires: 2026-12-31
`,
    });
    const list = loadExceptions(waivers['exceptions.yaml']!, controls);
    const [result] = evaluate([], [scope()], only('volume-encrypted'), catalog, [], NOW, { keptFindings: 'all', exceptions: { list, now: NOW } }).exceptions;
    expect(Object.keys(result!).sort()).toEqual(['approvedBy', 'control', 'expires', 'id', 'justification', 'matched', 'state', 'waived']);
  });

  it('a stale run counts its failures as unknown', () => {
    const evaluation = new Evaluation(only('volume-encrypted'), catalog, { keptFindings: 'all' });
    evaluation.add(resource('AWS::EC2::Volume', 'vol-plain', { encrypted: false }));
    evaluation.add(resource('AWS::EC2::Volume', 'vol-sealed', { encrypted: true }));
    const a = assess([{ result: evaluation.partial([scope()]), stale: { lastSuccessAt: '2026-06-14T00:00:00.000Z', reason: 'older than 3600 s' } }], only('volume-encrypted'), catalog, [], NOW);
    expect(requirement(a, 'S-1')).toMatchObject({ status: 'unknown', counts: { checked: 2, failing: 0, unknown: 2, scopesCovered: 0, scopesNotCovered: 1 } });
    expect(a.tallies).toEqual([{ control: 'volume-encrypted', provider: 'aws', account: ACCOUNT, checked: 2, failing: 0, unknown: 2, waived: 0 }]);
  });
});
