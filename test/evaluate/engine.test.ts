/** Engine details: region-scoped existence ignores the global pseudo-region; CEL unknown({ja, en}). */
import { loadCatalog } from '../../src/mappings/catalog.js';
import { loadControls } from '../../src/mappings/controls.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import type { CollectionScope, Resource } from '../../src/model/resource.js';
import { tempFiles } from '../support/files.js';

const files = tempFiles({
  'catalog.yaml': `id: t\nversion: "1"\ntitle_ja: テ\ntitle_en: T\ncategories: [{ id: "1", name_ja: 一, name_en: One }]\nrequirements:\n  - { id: "1-1", category: "1", automation: automated, title_en: x, text_ja: x, rationale: { ja: 根拠, en: r } }\n`,
  'controls.yaml': `controls:
  - id: detector-everywhere
    title: { ja: 検知, en: Detector in every region }
    provider: aws
    resourceTypes: [AWS::GuardDuty::Detector, AWS::IAM::Role]
    kind: exists
    scope: region
    where: resource.type == "AWS::GuardDuty::Detector"
    expression: resource.configuration.Enable == true
    severity: high
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { t: ["1-1"] }
  - id: tagged-or-undecidable
    title: { ja: タグ, en: Owner tag }
    provider: aws
    resourceTypes: [AWS::EC2::Volume]
    kind: each
    expression: 'has(resource.tags.owner) ? resource.tags.owner != "" : unknown({"ja": "ボリューム " + resource.id + " に判定に使う owner タグがありません", "en": "volume " + resource.id + " has no owner tag to decide by"})'
    severity: low
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { t: ["1-1"] }
`,
});
const catalog = loadCatalog(files['catalog.yaml']!);
const controls = loadControls([files['controls.yaml']!], [catalog]);
const NOW = new Date('2026-11-28T00:00:00Z');
const res = (type: string, id: string, region: string, configuration: Record<string, unknown>, tags: Record<string, string> = {}): Resource => ({
  provider: 'aws', account: '111122223333', region, type, id, name: id, arn: '', tags, configuration, supplementary: {}, relationships: [], capturedAt: '',
});
const scope = (region: string): CollectionScope => ({ provider: 'aws', account: '111122223333', region, types: 'all', outcome: { status: 'ok', collectedAt: NOW.toISOString() } });

it('region-scoped existence controls ignore the "global" pseudo-region of IAM resources', () => {
  const a = evaluate(
    [res('AWS::GuardDuty::Detector', 'd1', 'ap-northeast-1', { Enable: true }), res('AWS::IAM::Role', 'role-1', 'global', {})],
    [scope('ap-northeast-1'), scope('global')],
    controls, catalog, [], NOW,
  );
  const detector = a.findings.filter((f) => f.control === 'detector-everywhere');
  expect(detector.map((f) => [f.region, f.status])).toEqual([['ap-northeast-1', 'pass']]);
});

it('CEL unknown({ja, en}) makes the finding unknown with exactly that reason, in both languages', () => {
  const a = evaluate([res('AWS::EC2::Volume', 'vol-1', 'ap-northeast-1', {}), res('AWS::EC2::Volume', 'vol-2', 'ap-northeast-1', {}, { owner: 'ops' })], [scope('ap-northeast-1')], controls, catalog, [], NOW);
  const byId = Object.fromEntries(a.findings.filter((f) => f.control === 'tagged-or-undecidable').map((f) => [f.resourceId, [f.status, f.reason, f.reason_ja]]));
  expect(byId).toEqual({
    'vol-1': ['unknown', 'cannot evaluate: volume vol-1 has no owner tag to decide by', '判定できません: ボリューム vol-1 に判定に使う owner タグがありません'],
    'vol-2': ['pass', undefined, undefined],
  });
});

describe('controls that read context decide early where the context cannot change the answer', () => {
  const ctx = tempFiles({
    'controls.yaml': `controls:
  - id: open-needs-approval
    title: { ja: 承認, en: Approval }
    provider: aws
    resourceTypes: [AWS::EC2::Volume]
    kind: each
    context:
      - { name: approvals, type: AWS::Config::ResourceCompliance, key: 'r.configuration.?volume.orValue(null)' }
    # Closed volumes pass without looking at approvals (&&/|| absorb the pending context); open ones need one.
    expression: 'resource.id in approvals || resource.configuration.open == false'
    reason: { ja: '"未承認"', en: '"not approved"' }
    severity: low
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { t: ["1-1"] }
`,
  });
  const ctxControls = loadControls([ctx['controls.yaml']!], [catalog]);
  const approval = (volume: string): Resource => res('AWS::Config::ResourceCompliance', `ap-${volume}`, 'ap-northeast-1', { volume });

  it('gives the same verdicts whatever the order the context arrives in', () => {
    const volumes = [res('AWS::EC2::Volume', 'v-closed', 'ap-northeast-1', { open: false }), res('AWS::EC2::Volume', 'v-approved', 'ap-northeast-1', { open: true }), res('AWS::EC2::Volume', 'v-open', 'ap-northeast-1', { open: true })];
    for (const order of [[...volumes, approval('v-approved')], [approval('v-approved'), ...volumes]]) {
      const a = evaluate(order, [scope('ap-northeast-1')], ctxControls, catalog, [], NOW);
      const byId = Object.fromEntries(a.findings.map((f) => [f.resourceId, [f.status, f.reason]]));
      expect(byId).toEqual({ 'v-closed': ['pass', undefined], 'v-approved': ['pass', undefined], 'v-open': ['fail', 'not approved'] });
    }
  });

  it('a pass that never needed the context stands where no context can be trusted; the rest is unknown', () => {
    const volumes = [res('AWS::EC2::Volume', 'v-closed', 'ap-northeast-1', { open: false }), res('AWS::EC2::Volume', 'v-open', 'ap-northeast-1', { open: true })];
    // Unreadable items in the account could be approvals: nothing looked up there proves anything.
    const unreadable: CollectionScope = { ...scope('ap-northeast-1'), unreadable: 1 };
    const a = evaluate([...volumes, approval('v-open')], [unreadable], ctxControls, catalog, [], NOW);
    expect(a.findings.map((f) => [f.resourceId, f.status, f.reason])).toEqual([
      ['v-closed', 'pass', undefined],
      ['v-open', 'unknown', '1 items in this account could not be read even to their type; the one this check needs may be among them'],
      // and the scope itself: a volume may be among the unreadable items
      ['111122223333/ap-northeast-1', 'unknown', '1 items in this scope could not be read even to their type; resources this control checks may be among them'],
    ]);
  });
});
