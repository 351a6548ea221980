/** Report wording in Japanese and English: one table per language, the same keys in both. */
import type { FindingStatus, RequirementState } from '../evaluate/assessment.js';
import type { AutomationClass, Severity } from '../mappings/schemas.js';
import type { CollectionOutcome } from '../model/resource.js';
import type { ReportLanguage, SignatureStatus } from './model.js';

export interface Labels {
  readonly lang: ReportLanguage;
  readonly reportKind: string;
  readonly generatedAt: string;
  readonly catalog: string;
  readonly tool: string;
  readonly snapshot: string;
  readonly snapshotDir: string;
  readonly manifestDigest: string;
  readonly signature: string;
  readonly signaturePinned: string;
  readonly signatureUnpinned: (fingerprint: string) => string;
  readonly verification: string;
  readonly verified: string;
  readonly evidenceDoesNotVerify: string;
  readonly evidenceDoesNotVerifyDetail: string;
  readonly contents: string;
  readonly summary: string;
  readonly summaryIntro: (total: number) => string;
  readonly byCategory: string;
  readonly category: string;
  readonly categoryJa: string;
  readonly categoryEn: string;
  readonly total: string;
  readonly overview: string;
  readonly coverage: string;
  readonly coverageIntro: (scopes: number, problems: number) => string;
  readonly collectors: string;
  readonly collector: string;
  readonly provider: string;
  readonly account: string;
  readonly region: string;
  readonly resourceTypes: string;
  readonly allTypes: string;
  readonly outcome: string;
  readonly when: string;
  readonly error: string;
  readonly noCoverage: string;
  readonly requirements: string;
  readonly requirementId: string;
  readonly status: string;
  readonly automation: string;
  readonly textJa: string;
  readonly titleEn: string;
  readonly reason: string;
  readonly rationale: string;
  readonly note: string;
  readonly evidence: string;
  readonly noControls: string;
  readonly controlNotLoaded: string;
  readonly severity: string;
  readonly findingCounts: (c: Readonly<Record<FindingStatus, number>>) => string;
  readonly noFindings: string;
  readonly result: string;
  readonly scope: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly observed: string;
  readonly morePassing: (n: number) => string;
  readonly attestation: string;
  readonly attestationOwner: string;
  readonly attestationEvidence: string;
  readonly attestationStatement: string;
  readonly attested: string;
  readonly expires: string;
  readonly attestationState: string;
  readonly noAttestation: string;
  readonly legend: string;
  readonly footer: string;
  readonly requirementState: Readonly<Record<RequirementState, string>>;
  readonly stateMeaning: Readonly<Record<RequirementState, string>>;
  readonly findingStatus: Readonly<Record<FindingStatus, string>>;
  readonly automationClass: Readonly<Record<AutomationClass, string>>;
  readonly severityName: Readonly<Record<Severity, string>>;
  readonly outcomeStatus: Readonly<Record<CollectionOutcome['status'], string>>;
  readonly attestationStates: Readonly<Record<'valid' | 'expired' | 'future', string>>;
  readonly signatureState: Readonly<Record<SignatureStatus['state'], string>>;
  readonly csvHeader: Readonly<Record<CsvColumn, string>>;
}

export const CSV_COLUMNS = [
  'requirement_id',
  'category_id',
  'category',
  'automation',
  'requirement_status',
  'title_en',
  'text_ja',
  'requirement_reason',
  'control_id',
  'control_title',
  'severity',
  'provider',
  'account',
  'region',
  'resource_type',
  'resource_id',
  'scope',
  'finding_status',
  'observed',
  'attestation_owner',
  'attestation_evidence',
  'attestation_attested',
  'attestation_expires',
  'attestation_state',
  'catalog',
  'generated_at',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

const ja: Labels = {
  lang: 'ja',
  reportKind: 'クラウド設定 適合性評価報告書',
  generatedAt: '評価日時',
  catalog: '評価基準',
  tool: '作成ツール',
  snapshot: '証跡スナップショット',
  snapshotDir: 'スナップショット',
  manifestDigest: 'マニフェストのダイジェスト',
  signature: '署名',
  signaturePinned: '有効（指定の公開鍵で検証）',
  signatureUnpinned: (fingerprint) => `有効（未固定の鍵 ${fingerprint}）`,
  verification: '証跡の検証',
  verified: '全ファイルのハッシュがマニフェストと一致',
  evidenceDoesNotVerify: '証跡の検証に失敗しました',
  evidenceDoesNotVerifyDetail: 'この報告書は、マニフェストと一致しない（改ざん・破損の可能性がある）証跡から作成されています。監査の根拠として使用しないでください。',
  contents: '目次',
  summary: '評価結果の概要',
  summaryIntro: (total) => `全${total}項目の判定結果です。`,
  byCategory: '分類別の集計',
  category: '分類',
  categoryJa: '分類名',
  categoryEn: '分類名（英語）',
  total: '計',
  overview: '全項目の一覧',
  coverage: '収集範囲と収集エラー',
  coverageIntro: (scopes, problems) => `収集範囲 ${scopes} 件（うち失敗・データ古 ${problems} 件）。失敗した範囲に依存する判定は「判定不能」になります。`,
  collectors: 'コレクタの実行結果',
  collector: 'コレクタ',
  provider: 'プロバイダ',
  account: 'アカウント',
  region: 'リージョン',
  resourceTypes: 'リソース種別',
  allTypes: 'すべての種別',
  outcome: '結果',
  when: '日時',
  error: 'エラー',
  noCoverage: '収集範囲の記録はありません。',
  requirements: '要件ごとの評価結果',
  requirementId: '項番',
  status: '判定',
  automation: '評価方法',
  textJa: '要件（原文）',
  titleEn: '英語タイトル',
  reason: '判定理由',
  rationale: '評価方法の根拠',
  note: '注記',
  evidence: '根拠となるコントロールと検出結果',
  noControls: 'この項目を自動評価するコントロールはありません。',
  controlNotLoaded: '（コントロール定義が読み込まれていません）',
  severity: '重要度',
  findingCounts: (c) => `不合格 ${c.fail}・不明 ${c.unknown}・合格 ${c.pass}`,
  noFindings: '対象リソースはありません。',
  result: '結果',
  scope: '範囲',
  resourceType: 'リソース種別',
  resourceId: 'リソースID',
  observed: '観測値',
  morePassing: (n) => `ほか合格 ${n} 件（全件は CSV または OSCAL 形式の報告を参照）`,
  attestation: '証跡（確認書）',
  attestationOwner: '責任者',
  attestationEvidence: '根拠資料',
  attestationStatement: '確認内容',
  attested: '確認日',
  expires: '有効期限',
  attestationState: '状態',
  noAttestation: '確認書は登録されていません。',
  legend: '凡例',
  footer: 'この報告書は kansa が評価結果から生成したものです。判定は評価日時時点の設定に基づきます。',
  requirementState: { compliant: '適合', noncompliant: '不適合', unknown: '判定不能', not_assessed: '未評価' },
  stateMeaning: {
    compliant: '根拠となるコントロールがすべて合格し、必要な確認書が有効である。',
    noncompliant: '不合格となったコントロールがある。',
    unknown: 'データの欠落・収集の失敗・データが古いため判定できない。',
    not_assessed: '確認書による評価が必要だが、有効な確認書がない。',
  },
  findingStatus: { pass: '合格', fail: '不合格', unknown: '不明' },
  automationClass: { automated: '自動評価', partial: '自動評価＋確認書', manual: '確認書による評価' },
  severityName: { critical: '緊急', high: '高', medium: '中', low: '低', info: '情報' },
  outcomeStatus: { ok: '成功', failed: '失敗', stale: 'データが古い' },
  attestationStates: { valid: '有効', expired: '期限切れ', future: '開始前' },
  signatureState: { valid: '検証済み（有効）', invalid: '無効', unsigned: '署名なし', not_verified: '未検証' },
  csvHeader: {
    requirement_id: '項番',
    category_id: '分類番号',
    category: '分類',
    automation: '評価方法',
    requirement_status: '要件の判定',
    title_en: '英語タイトル',
    text_ja: '要件（原文）',
    requirement_reason: '判定理由',
    control_id: 'コントロールID',
    control_title: 'コントロール名',
    severity: '重要度',
    provider: 'プロバイダ',
    account: 'アカウント',
    region: 'リージョン',
    resource_type: 'リソース種別',
    resource_id: 'リソースID',
    scope: '範囲',
    finding_status: '検出結果',
    observed: '観測値',
    attestation_owner: '確認書の責任者',
    attestation_evidence: '確認書の根拠資料',
    attestation_attested: '確認日',
    attestation_expires: '有効期限',
    attestation_state: '確認書の状態',
    catalog: '評価基準',
    generated_at: '評価日時',
  },
};

const en: Labels = {
  lang: 'en',
  reportKind: 'Cloud configuration compliance assessment report',
  generatedAt: 'Assessed at',
  catalog: 'Catalog',
  tool: 'Produced by',
  snapshot: 'Evidence snapshot',
  snapshotDir: 'Snapshot',
  manifestDigest: 'Manifest digest',
  signature: 'Signature',
  signaturePinned: 'Valid (pinned)',
  signatureUnpinned: (fingerprint) => `Valid (unpinned key ${fingerprint})`,
  verification: 'Evidence verification',
  verified: 'every file matches its manifest hash',
  evidenceDoesNotVerify: 'Evidence does not verify',
  evidenceDoesNotVerifyDetail: 'This report was built from evidence that does not match its manifest (it may have been altered or damaged). Do not rely on it for audit.',
  contents: 'Contents',
  summary: 'Summary',
  summaryIntro: (total) => `Verdicts for all ${total} requirements.`,
  byCategory: 'By category',
  category: 'Category',
  categoryJa: 'Name (Japanese)',
  categoryEn: 'Name',
  total: 'Total',
  overview: 'All requirements at a glance',
  coverage: 'Collection coverage and errors',
  coverageIntro: (scopes, problems) => `${scopes} collection scopes (${problems} failed or stale). Verdicts that depend on a failed scope are "unknown".`,
  collectors: 'Collector outcomes',
  collector: 'Collector',
  provider: 'Provider',
  account: 'Account',
  region: 'Region',
  resourceTypes: 'Resource types',
  allTypes: 'all types',
  outcome: 'Outcome',
  when: 'When',
  error: 'Error',
  noCoverage: 'No collection scope was recorded.',
  requirements: 'Requirements',
  requirementId: 'Item',
  status: 'Status',
  automation: 'Assessment',
  textJa: 'Requirement (Japanese original)',
  titleEn: 'Title',
  reason: 'Reason',
  rationale: 'Why assessed this way',
  note: 'Note',
  evidence: 'Controls and findings',
  noControls: 'No control evaluates this item automatically.',
  controlNotLoaded: '(control definition not loaded)',
  severity: 'Severity',
  findingCounts: (c) => `${c.fail} failing · ${c.unknown} unknown · ${c.pass} passing`,
  noFindings: 'No resource in scope.',
  result: 'Result',
  scope: 'Scope',
  resourceType: 'Resource type',
  resourceId: 'Resource',
  observed: 'Observed',
  morePassing: (n) => `${n} more passing resources (the CSV and OSCAL reports list all)`,
  attestation: 'Attestation',
  attestationOwner: 'Owner',
  attestationEvidence: 'Evidence',
  attestationStatement: 'Statement',
  attested: 'Attested',
  expires: 'Expires',
  attestationState: 'State',
  noAttestation: 'No attestation recorded.',
  legend: 'Legend',
  footer: 'Generated by kansa from the assessment. Verdicts reflect the configuration at the assessment time.',
  requirementState: { compliant: 'Compliant', noncompliant: 'Non-compliant', unknown: 'Unknown', not_assessed: 'Not assessed' },
  stateMeaning: {
    compliant: 'Every evidencing control passes and any required attestation is in force.',
    noncompliant: 'At least one evidencing control fails.',
    unknown: 'Data was missing, could not be collected or is stale, so no verdict is possible.',
    not_assessed: 'The item needs an attestation and none is in force.',
  },
  findingStatus: { pass: 'Pass', fail: 'Fail', unknown: 'Unknown' },
  automationClass: { automated: 'Automated', partial: 'Automated + attestation', manual: 'Attestation' },
  severityName: { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' },
  outcomeStatus: { ok: 'OK', failed: 'Failed', stale: 'Stale' },
  attestationStates: { valid: 'Valid', expired: 'Expired', future: 'Not yet in force' },
  signatureState: { valid: 'Verified (valid)', invalid: 'INVALID', unsigned: 'Unsigned', not_verified: 'Not verified' },
  csvHeader: {
    requirement_id: 'requirement_id',
    category_id: 'category_id',
    category: 'category',
    automation: 'automation',
    requirement_status: 'requirement_status',
    title_en: 'title_en',
    text_ja: 'text_ja',
    requirement_reason: 'requirement_reason',
    control_id: 'control_id',
    control_title: 'control_title',
    severity: 'severity',
    provider: 'provider',
    account: 'account',
    region: 'region',
    resource_type: 'resource_type',
    resource_id: 'resource_id',
    scope: 'scope',
    finding_status: 'finding_status',
    observed: 'observed',
    attestation_owner: 'attestation_owner',
    attestation_evidence: 'attestation_evidence',
    attestation_attested: 'attestation_attested',
    attestation_expires: 'attestation_expires',
    attestation_state: 'attestation_state',
    catalog: 'catalog',
    generated_at: 'generated_at',
  },
};

export const LABELS: Readonly<Record<ReportLanguage, Labels>> = { ja, en };

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/**
 * An ISO timestamp as auditors read it: UTC, plus Japan Standard Time (fixed +09:00, no DST).
 * Computed arithmetically so the output never depends on the machine's time zone or locale.
 */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const utc = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const jst = new Date(date.getTime() + JST_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
  return `${utc} (JST ${jst})`;
}
