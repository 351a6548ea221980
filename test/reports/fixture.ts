/**
 * A realistic report input: the sample AWS Config snapshot evaluated by the real engine with the
 * bundled mappings, plus attestations, a failed collection scope, and a finding whose values carry
 * everything that needs escaping (markup, quotes, commas, line breaks, formula starts, Japanese).
 */
import { join } from 'node:path';
import type { Assessment, ExceptionResult, Finding } from '../../src/evaluate/assessment.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { readAwsConfigFiles } from '../../src/inputs/aws-config-file.js';
import type { Attestation } from '../../src/mappings/attestations.js';
import type { CollectionScope } from '../../src/model/resource.js';
import { ASSESSMENT_FORMATS, type AssessmentFormatter } from '../../src/output/formats.js';
import { BUNDLED_CONTROLS_DIR, PACKAGE_ROOT } from '../../src/paths.js';
import type { ReportInput } from '../../src/reports/model.js';
import { loadMappings } from '../../src/mappings/load.js';

export const NOW = new Date('2026-11-01T00:00:00Z');
export const SAMPLE_SNAPSHOT = join(PACKAGE_ROOT, 'test', 'fixtures', 'aws', 'sample-snapshot.json');

export const TRICKY_REASON = 'tcp/22 open to 0.0.0.0/0, "quoted" <script>alert(1)</script>\nsecond line: 東京リージョン外';
export const TRICKY_REASON_JA = 'tcp/22 が 0.0.0.0/0 に開放, "引用" <script>alert(2)</script>\n二行目: 東京リージョン外';
export const TRICKY_ID = '=HYPERLINK("http://example.invalid","x")';
export const FAILED_ACCOUNT = '444455556666';
export const FAILED_ERROR = 'AccessDeniedException: User arn:aws:sts::444455556666:assumed-role/kansa is not authorized <config:SelectResourceConfig>';

export const ATTESTATIONS: readonly Attestation[] = [
  {
    catalog: 'jp-cloud-procurement',
    requirement: '1-1',
    statement: '預託データの目的外利用を禁じる規程を制定し、年次で見直している。\n"規程" 第12条, 別表あり',
    evidence: '情報セキュリティ規程 第12条 (DOC-2026-041)',
    owner: '情報セキュリティ管理者',
    attested: '2026-04-01',
    expires: '2027-03-31',
  },
  {
    catalog: 'jp-cloud-procurement',
    requirement: '1-2',
    statement: 'Personal data is used only to provide the service.',
    evidence: 'Privacy policy v3 <https://intranet.invalid/privacy?a=1&b=2>',
    owner: 'Data Protection Officer',
    attested: '2025-01-01',
    expires: '2025-12-31',
  },
  {
    catalog: 'jp-cloud-procurement',
    requirement: '2-1',
    statement: '鍵管理手順に従い、保存データの暗号化を四半期ごとに確認している。',
    evidence: '暗号化運用手順書 v2.1',
    owner: '基盤運用責任者',
    attested: '2026-10-01',
    expires: '2027-09-30',
  },
];

let cached: ReportInput | undefined;

export function reportInput(): ReportInput {
  if (cached) return cached;
  // The bundled AWS controls only: the estate is AWS, and other providers' controls are not this suite's subject.
  const { catalog, controls } = loadMappings({ bundledControls: false, controls: [join(BUNDLED_CONTROLS_DIR, 'aws')] });
  const inventory = readAwsConfigFiles([SAMPLE_SNAPSHOT], undefined, NOW);
  const failed: CollectionScope = {
    provider: 'aws',
    account: FAILED_ACCOUNT,
    region: 'ap-northeast-1',
    types: ['AWS::EC2::SecurityGroup', 'AWS::S3::Bucket'],
    outcome: { status: 'failed', error: FAILED_ERROR, at: NOW.toISOString() },
  };
  const evaluated = evaluate(inventory.resources, [...inventory.coverage, failed], controls, catalog, ATTESTATIONS, NOW);
  const tricky: Finding = {
    control: 'aws-sg-admin-ports-closed-to-world',
    requirements: ['2-6', '3-6'],
    provider: 'aws',
    account: '111122223333',
    region: 'ap-northeast-1',
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: TRICKY_ID,
    scope: 'resource',
    status: 'fail',
    reason: TRICKY_REASON,
    reason_ja: TRICKY_REASON_JA,
    severity: 'critical',
  };
  const assessment: Assessment = { ...evaluated, findings: [...evaluated.findings, tricky] };
  cached = { assessment, catalog, controls };
  return cached;
}

/** The JSON contract of the same assessment, exactly as `kansa evaluate --output json` prints it. */
export function contractJson(): string {
  const input = reportInput();
  const format: AssessmentFormatter = ASSESSMENT_FORMATS.json;
  return format(input.assessment, { catalog: input.catalog });
}

// ---------------------------------------------------------------------------------------------
// Exceptions: the same assessment with two waived failures (under an active exception) and an expired
// exception that waives nothing. Account ids that look like numbers, one with a leading zero.

export const WAIVED_CONTROL = 'aws-sg-admin-ports-closed-to-world';
export const WAIVED_ACCOUNTS = ['111111111111', '012345678901'] as const;
export const ACTIVE_EXCEPTION: ExceptionResult = {
  id: 'EXC-2026-001',
  control: WAIVED_CONTROL,
  expires: '2027-03-31',
  state: 'active',
  justification: { ja: '踏み台サーバ（保守用, "一時"）として <承認済み>。IP 制限は WAF で実施', en: 'Bastion host for maintenance, "temporary" <approved>; IP filtering done by the WAF' },
  approvedBy: '情報システム部長 山田',
  reference: 'CHG-2026-0042',
  matched: 2,
  waived: 2,
};
export const EXPIRED_EXCEPTION: ExceptionResult = {
  id: 'EXC-2025-007',
  control: 'aws-s3-account-public-access-block',
  expires: '2025-12-31',
  state: 'expired',
  justification: { ja: '移行期間中のため', en: 'During the migration' },
  approvedBy: 'CISO',
  matched: 1,
  waived: 0,
};

let waivedCached: ReportInput | undefined;

export function waivedReportInput(): ReportInput {
  if (waivedCached) return waivedCached;
  const input = reportInput();
  const waived = WAIVED_ACCOUNTS.map(
    (account, i): Finding => ({
      control: WAIVED_CONTROL,
      requirements: ['2-6', '3-6'],
      provider: 'aws',
      account,
      region: 'ap-northeast-1',
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: `sg-0waived00000000${i}`,
      scope: 'resource',
      status: 'waived',
      reason: `tcp/22 open to 0.0.0.0/0 on bastion ${i}`,
      reason_ja: `踏み台 ${i} で tcp/22 が 0.0.0.0/0 に開放されています`,
      severity: 'critical',
      exception: ACTIVE_EXCEPTION.id,
    }),
  );
  const assessment: Assessment = { ...input.assessment, findings: [...input.assessment.findings, ...waived], exceptions: [ACTIVE_EXCEPTION, EXPIRED_EXCEPTION] };
  waivedCached = { ...input, assessment };
  return waivedCached;
}

/** The JSON contract of the assessment with waived findings and exceptions. */
export function waivedContractJson(): string {
  const input = waivedReportInput();
  const format: AssessmentFormatter = ASSESSMENT_FORMATS.json;
  return format(input.assessment, { catalog: input.catalog });
}
