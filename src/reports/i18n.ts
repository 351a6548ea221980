/** Report wording in Japanese and English: one table per language, the same keys in both. */
import type { ExceptionResult, FindingStatus, RequirementState } from '../evaluate/assessment.js';
import type { AutomationClass, Severity } from '../mappings/schemas.js';
import type { CollectionOutcome, CoverageState } from '../model/resource.js';
import type { RequirementCounts } from '../evaluate/assessment.js';
import type { FileSignatureStatus, ReportLanguage, SignatureStatus, UnverifiedCause } from './model.js';

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
  /** The banner of a report whose source is not verified, by cause and by kind of source. */
  readonly unverifiedTitle: Readonly<Record<'snapshot' | 'file', Readonly<Record<UnverifiedCause, string>>>>;
  readonly unverifiedDetail: Readonly<Record<'snapshot' | 'file', Readonly<Record<UnverifiedCause, string>>>>;
  readonly sourceFile: string;
  readonly sourceDigest: string;
  readonly fileSignature: (s: FileSignatureStatus) => string;
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
  readonly blindSpots: string;
  readonly blindSpotsIntro: (c: { scopes: number; partial: number; blind: number; uncoveredTypes: number; unreadable: number }) => string;
  readonly noBlindSpots: string;
  readonly coverageStateHeader: string;
  readonly coverageState: Readonly<Record<CoverageState, string>>;
  readonly whatIsNotSeen: string;
  readonly unreadableHeader: string;
  readonly unreadableItems: (items: number) => string;
  readonly withoutSupplementary: string;
  readonly collectionFailedAt: (at: string) => string;
  readonly dataStaleSince: (lastSuccess: string) => string;
  readonly requirementCounts: string;
  readonly requirementCountsText: (c: RequirementCounts) => string;
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
  /** The summary of a control's collapsed group of passing resources. */
  readonly passingGroup: (n: number) => string;
  readonly attestation: string;
  readonly attestationOwner: string;
  readonly attestationEvidence: string;
  readonly attestationStatement: string;
  readonly attested: string;
  readonly expires: string;
  readonly attestationState: string;
  readonly noAttestation: string;
  readonly remediation: string;
  readonly controlRationale: string;
  readonly exceptions: string;
  readonly exceptionsIntro: (exceptions: number, expired: number, waived: number) => string;
  readonly noExceptions: string;
  readonly exceptionId: string;
  readonly control: string;
  readonly allControls: string;
  readonly justification: string;
  readonly approvedBy: string;
  readonly reference: string;
  readonly matched: string;
  readonly waivedCount: string;
  readonly exceptionState: Readonly<Record<ExceptionResult['state'], string>>;
  /** The note under a waived finding. */
  readonly waivedBy: (id: string) => string;
  readonly exceptionUnknown: string;
  readonly waivedFindings: (findings: number) => string;
  /** OSCAL: the remark on a requirement's target status. */
  readonly verdictRemark: (state: string) => string;
  readonly legend: string;
  readonly footer: string;
  readonly requirementState: Readonly<Record<RequirementState, string>>;
  readonly stateMeaning: Readonly<Record<RequirementState, string>>;
  readonly findingStatus: Readonly<Record<FindingStatus, string>>;
  readonly findingScope: Readonly<Record<'resource' | 'account' | 'region', string>>;
  readonly findingStatusMeaning: Readonly<Record<FindingStatus, string>>;
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
  'remediation',
  'exception_id',
  'exception_justification',
  'exception_approved_by',
  'exception_expires',
  'exception_state',
  'attestation_owner',
  'attestation_evidence',
  'attestation_statement',
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
  unverifiedTitle: {
    snapshot: { altered: '証跡の検証に失敗しました', unsigned: '署名のない証跡から作成された報告書です（未検証）' },
    file: { altered: '評価結果ファイルの署名の検証に失敗しました', unsigned: '署名のない評価結果ファイルから作成された報告書です（未検証）' },
  },
  unverifiedDetail: {
    snapshot: {
      altered: 'この報告書は、マニフェストと一致しない（改ざん・破損の可能性がある）証跡から作成されています。監査の根拠として使用しないでください。',
      unsigned:
        'この証跡スナップショットには署名がありません。各ファイルのハッシュはマニフェストと一致していますが、指定された公開鍵で作成者を確認できないため、作成後に書き換えられていないことは保証できません。',
    },
    file: {
      altered: 'この報告書は、署名と一致しない（改ざん・破損の可能性がある）評価結果ファイルから作成されています。監査の根拠として使用しないでください。',
      unsigned:
        'この報告書は署名のない評価結果ファイル（JSON）から作成されています。kansa が出力した内容から書き換えられていないことを確認できません。監査の根拠とする場合は、kansa scan --sign で署名したファイル、または証跡スナップショットから作成してください。',
    },
  },
  sourceFile: '入力ファイル',
  sourceDigest: '入力ファイルのダイジェスト',
  fileSignature: (s) =>
    s.state === 'valid'
      ? `署名を検証済み（鍵のフィンガープリント ${s.fingerprint}、${s.pinned ? '指定の公開鍵で検証' : '鍵は未固定: --public-key で指定してください'}）`
      : s.state === 'invalid'
        ? `署名が無効: ${s.detail}`
        : '署名なし（未検証）',
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
  blindSpots: '見えていない範囲',
  blindSpotsIntro: (c) =>
    `収集範囲 ${c.scopes} 件のうち、一部しか収集できなかった範囲が ${c.partial} 件、収集できなかった範囲が ${c.blind} 件あります。収集できなかったリージョンとリソース種別の組は ${c.uncoveredTypes} 件、読み取れなかった項目は ${c.unreadable} 件です。これらのデータを読むコントロールは「判定不能」となり、「適合」とは判定しません。`,
  noBlindSpots: 'すべての収集範囲で、有効なコントロールが読むリソース種別を収集し、すべての項目を読み取りました。',
  coverageStateHeader: '網羅状況',
  coverageState: { covered: '網羅', partial: '一部のみ', blind: '収集できず' },
  whatIsNotSeen: '見えていないもの（リソース種別と理由）',
  unreadableHeader: '読み取れない項目',
  unreadableItems: (items) => `読み取れない項目が ${items} 件あります（種別も判別できないため、この範囲のこのプロバイダのコントロールはすべて判定不能）。`,
  withoutSupplementary: '補足設定（AWS Config の supplementaryConfiguration）が含まれていないため、これを読むコントロールは判定不能です。',
  collectionFailedAt: (at) => `収集に失敗しました（${at}）。この範囲のコントロールはすべて判定不能です。`,
  dataStaleSince: (lastSuccess) => `データが古くなっています（最後に収集に成功した日時 ${lastSuccess}）。この範囲のコントロールはすべて判定不能です。`,
  requirementCounts: '判定の内訳',
  requirementCountsText: (c) =>
    `検査 ${c.checked} 件（不適合 ${c.failing} 件・判定不能 ${c.unknown} 件・例外承認 ${c.waived} 件）、収集範囲は網羅 ${c.scopesCovered} 件・欠落あり ${c.scopesNotCovered} 件`,
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
  findingCounts: (c) => `不適合 ${c.fail}・判定不能 ${c.unknown}・例外承認 ${c.waived}・適合 ${c.pass}`,
  noFindings: '対象リソースはありません。',
  result: '結果',
  scope: '範囲',
  resourceType: 'リソース種別',
  resourceId: 'リソースID',
  observed: '観測値',
  morePassing: (n) => `ほか適合 ${n} 件（全件は CSV または OSCAL 形式の報告を参照）`,
  passingGroup: (n) => `適合したリソース ${n} 件（観測値を表示）`,
  attestation: '証跡（確認書）',
  attestationOwner: '責任者',
  attestationEvidence: '根拠資料',
  attestationStatement: '確認内容',
  attested: '確認日',
  expires: '有効期限',
  attestationState: '状態',
  noAttestation: '確認書は登録されていません。',
  remediation: '是正方法',
  controlRationale: 'コントロールの目的',
  exceptions: '例外（承認済みの逸脱）',
  exceptionsIntro: (exceptions, expired, waived) =>
    `登録された例外 ${exceptions} 件（うち期限切れ ${expired} 件）。例外承認された検出結果は ${waived} 件で、不適合には数えません。期限切れの例外は何も承認しません。`,
  noExceptions: '例外は登録されていません。',
  exceptionId: '例外ID',
  control: 'コントロール',
  allControls: 'すべてのコントロール',
  justification: '承認理由',
  approvedBy: '承認者',
  reference: '参照',
  matched: '該当件数',
  waivedCount: '例外承認件数',
  exceptionState: { active: '有効', expired: '期限切れ' },
  waivedBy: (id) => `例外 ${id} により承認`,
  exceptionUnknown: '（この例外の定義は評価結果にありません）',
  waivedFindings: (findings) => `例外承認された検出結果 ${findings} 件（不適合には数えません）`,
  verdictRemark: (state) => `kansa の判定: ${state}`,
  legend: '凡例',
  footer: 'この報告書は kansa が評価結果から生成したものです。判定は評価日時時点の設定に基づきます。',
  requirementState: { compliant: '適合', noncompliant: '不適合', unknown: '判定不能', not_assessed: '未評価' },
  stateMeaning: {
    compliant: '根拠となるコントロールがすべて適合し（例外承認されたものを除く）、必要な確認書が有効である。',
    noncompliant: '不適合となったコントロールがある。',
    unknown: 'データの欠落・収集の失敗・データが古いため判定できない。',
    not_assessed: '確認書による評価が必要だが、有効な確認書がない。',
  },
  findingStatus: { pass: '適合', fail: '不適合', unknown: '判定不能', waived: '例外承認' },
  findingScope: { resource: 'リソース', account: 'アカウント', region: 'リージョン' },
  findingStatusMeaning: {
    pass: 'リソースがコントロールの条件を満たしている。',
    fail: 'リソースがコントロールの条件を満たしていない。是正方法を併記する。',
    unknown: 'データの欠落・解釈不能・収集の失敗のため判定できない。',
    waived: '不適合だが、有効な例外（承認理由・承認者・有効期限あり）により承認されている。不適合には数えない。',
  },
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
    remediation: '是正方法',
    exception_id: '例外ID',
    exception_justification: '例外の承認理由',
    exception_approved_by: '例外の承認者',
    exception_expires: '例外の有効期限',
    exception_state: '例外の状態',
    attestation_owner: '確認書の責任者',
    attestation_evidence: '確認書の根拠資料',
    attestation_statement: '確認内容',
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
  unverifiedTitle: {
    snapshot: { altered: 'Evidence does not verify', unsigned: 'Built from unsigned evidence: not verified' },
    file: { altered: 'The assessment file does not match its signature', unsigned: 'Built from an unsigned assessment file: not verified' },
  },
  unverifiedDetail: {
    snapshot: {
      altered: 'This report was built from evidence that does not match its manifest (it may have been altered or damaged). Do not rely on it for audit.',
      unsigned:
        'This evidence snapshot is not signed. Every file matches its manifest hash, but without a signature by the required key nothing shows the snapshot was not rewritten after it was made.',
    },
    file: {
      altered: 'This report was built from an assessment file that does not match its signature (it may have been altered or damaged). Do not rely on it for audit.',
      unsigned:
        'This report was built from an unsigned assessment file (JSON): nothing shows that it is what kansa wrote. For audit, build the report from a file signed with kansa scan --sign, or from an evidence snapshot.',
    },
  },
  sourceFile: 'Input file',
  sourceDigest: 'Input file digest',
  fileSignature: (s) =>
    s.state === 'valid'
      ? `Signature verified (key fingerprint ${s.fingerprint}; ${s.pinned ? 'checked against the given public key' : 'key not pinned: pass --public-key'})`
      : s.state === 'invalid'
        ? `Signature INVALID: ${s.detail}`
        : 'Unsigned (not verified)',
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
  blindSpots: 'Blind spots',
  blindSpotsIntro: (c) =>
    `Of ${c.scopes} collection scopes, ${c.partial} were collected only in part and ${c.blind} not at all; ${c.uncoveredTypes} (region, resource type) pairs were not collected and ${c.unreadable} items could not be read. Controls that read this data are "unknown", never "compliant".`,
  noBlindSpots: 'Every collection scope covered every resource type the enabled controls read, and every item was readable.',
  coverageStateHeader: 'Coverage',
  coverageState: { covered: 'Covered', partial: 'Partial', blind: 'Blind' },
  whatIsNotSeen: 'What is not seen (resource types and why)',
  unreadableHeader: 'Unreadable items',
  unreadableItems: (items) => `${items} items could not be read, not even their type: every control of this provider is unknown in this scope.`,
  withoutSupplementary: 'The items carry no supplementary configuration (AWS Config supplementaryConfiguration): controls that read it are unknown.',
  collectionFailedAt: (at) => `Collection failed (${at}): every control is unknown in this scope.`,
  dataStaleSince: (lastSuccess) => `The data is stale (last successful collection ${lastSuccess}): every control is unknown in this scope.`,
  requirementCounts: 'Basis',
  requirementCountsText: (c) =>
    `${c.checked} checked (${c.failing} failing, ${c.unknown} unknown, ${c.waived} waived); ${c.scopesCovered} scopes covered, ${c.scopesNotCovered} with gaps`,
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
  findingCounts: (c) => `${c.fail} failing · ${c.unknown} unknown · ${c.waived} waived · ${c.pass} passing`,
  noFindings: 'No resource in scope.',
  result: 'Result',
  scope: 'Scope',
  resourceType: 'Resource type',
  resourceId: 'Resource',
  observed: 'Observed',
  morePassing: (n) => `${n} more passing resources (the CSV and OSCAL reports list all)`,
  passingGroup: (n) => `${n} passing resources (show the observed values)`,
  attestation: 'Attestation',
  attestationOwner: 'Owner',
  attestationEvidence: 'Evidence',
  attestationStatement: 'Statement',
  attested: 'Attested',
  expires: 'Expires',
  attestationState: 'State',
  noAttestation: 'No attestation recorded.',
  remediation: 'Remediation',
  controlRationale: 'Why this control',
  exceptions: 'Exceptions (approved deviations)',
  exceptionsIntro: (exceptions, expired, waived) =>
    `${exceptions} exceptions recorded (${expired} expired). ${waived} findings are waived and not counted as failing. An expired exception waives nothing.`,
  noExceptions: 'No exception recorded.',
  exceptionId: 'Exception',
  control: 'Control',
  allControls: 'every control',
  justification: 'Justification',
  approvedBy: 'Approved by',
  reference: 'Reference',
  matched: 'Matched',
  waivedCount: 'Waived',
  exceptionState: { active: 'Active', expired: 'Expired' },
  waivedBy: (id) => `Waived by exception ${id}`,
  exceptionUnknown: '(this exception is not described in the assessment)',
  waivedFindings: (findings) => `${findings} waived findings (not counted as failing)`,
  verdictRemark: (state) => `kansa verdict: ${state}`,
  legend: 'Legend',
  footer: 'Generated by kansa from the assessment. Verdicts reflect the configuration at the assessment time.',
  requirementState: { compliant: 'Compliant', noncompliant: 'Non-compliant', unknown: 'Unknown', not_assessed: 'Not assessed' },
  stateMeaning: {
    compliant: 'Every evidencing control passes and any required attestation is in force.',
    noncompliant: 'At least one evidencing control fails.',
    unknown: 'Data was missing, could not be collected or is stale, so no verdict is possible.',
    not_assessed: 'The item needs an attestation and none is in force.',
  },
  findingStatus: { pass: 'Pass', fail: 'Fail', unknown: 'Unknown', waived: 'Waived' },
  findingScope: { resource: 'Resource', account: 'Account', region: 'Region' },
  findingStatusMeaning: {
    pass: 'The resource meets the control.',
    fail: 'The resource does not meet the control; the remediation is shown with it.',
    unknown: 'Data was missing, malformed or not collected, so no verdict is possible.',
    waived: 'The resource fails the control, but an active exception (justification, approver, expiry) accepts it; not counted as failing.',
  },
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
    remediation: 'remediation',
    exception_id: 'exception_id',
    exception_justification: 'exception_justification',
    exception_approved_by: 'exception_approved_by',
    exception_expires: 'exception_expires',
    exception_state: 'exception_state',
    attestation_owner: 'attestation_owner',
    attestation_evidence: 'attestation_evidence',
    attestation_statement: 'attestation_statement',
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
