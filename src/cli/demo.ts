/**
 * The sandbox demo (`npm start` = `kansa run --sandbox` without --config): reviewed files and evidence in a
 * temporary directory, so that every dashboard panel and alert has something to show, and a change in
 * the sandbox estate after the first evidence snapshot, so that a requirement changes state.
 *
 * - attestations for a few manual items and for 5-1 (partial: its controls pass once the exceptions below
 *   waive the known gaps); one expires within 30 days, one has expired (KansaAttestationExpiringSoon / …Expired);
 * - exceptions: the Azure subscriptions that knowingly leave Defender plans on Free (and so have no vulnerability
 *   assessment on their VMs), the first subscription's VM vulnerability findings under remediation, the AWS
 *   accounts still rolling out Amazon Inspector, and a GCP VM without the OS Config agent and a mirror registry
 *   without scanning (waived findings, KansaExceptionExpiringSoon);
 * - evidence snapshots every minute into the directory (state changes are counted between snapshots);
 * - after the first snapshot the first Azure subscription's Defender for SQL plan is set to Free, as an
 *   administrator would with `PUT …/pricings/SqlServers`: 5-1 turns 適合 → 不適合 at the next snapshot.
 *
 * Dates are relative to the start, so the demo shows the same picture whatever day it runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentConfig } from '../config/schema.js';
import type { Sandbox } from '../sandbox/server.js';

/** Every minute: the second snapshot, after the change, comes a minute after the first. */
export const DEMO_EVIDENCE_SCHEDULE = '* * * * *';
/** The requirement the estate change turns non-compliant. */
export const DEMO_CHANGED_REQUIREMENT = '5-1';
const CHANGED_PLAN = 'SqlServers';
const DAY_MS = 86_400_000;

export interface Demo {
  /** The configuration with the demo's attestations, exception and evidence. */
  readonly config: AgentConfig;
  readonly dir: string;
  /** Makes the estate change (once): called after the first evidence snapshot. */
  readonly change: () => string | undefined;
}

/** One exception of the demo: each is approved by the CISO and expires 20 days after the start. */
interface DemoException {
  readonly id: string;
  readonly control: string;
  readonly match: { readonly provider: string; readonly account?: string; readonly resource?: string };
  readonly ja: string;
  readonly en: string;
  readonly reference: string;
}

function exceptionEntry(e: DemoException, expires: string): string {
  const match = Object.entries(e.match).map(([key, value]) => (key === 'provider' ? `      ${key}: ${value}\n` : `      ${key}: "${value}"\n`));
  return `  - id: ${e.id}
    control: ${e.control}
    match:
${match.join('')}    justification:
      ja: "${e.ja}"
      en: "${e.en}"
    approvedBy: 情報セキュリティ責任者 (CISO)
    reference: ${e.reference}
    expires: ${expires}
`;
}

export function prepareDemo(config: AgentConfig, sandbox: Sandbox, dir: string, now: Date): Demo {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const day = (offsetDays: number): string => new Date(now.getTime() + offsetDays * DAY_MS).toISOString().slice(0, 10);
  const [first, ...others] = sandbox.azure.subscriptions;
  const attestations = join(dir, 'attestations.yaml');
  const exceptions = join(dir, 'exceptions.yaml');
  writeFileSync(
    attestations,
    `# kansa sandbox demo: attestations (kansa schema attestations)
attestations:
  - requirement: "1-1"
    statement: "預託データの目的外利用を禁止する旨を情報セキュリティ規程に定め、年1回見直している。"
    evidence: "情報セキュリティ規程 第12条 (DEMO-001)"
    owner: 情報セキュリティ管理者
    attested: ${day(-60)}
    expires: ${day(300)}
  - requirement: "5-1"
    statement: "脅威検知（Microsoft Defender for Cloud・Amazon GuardDuty・Security Command Center）の検知結果を毎営業日確認し、対応記録を残している。"
    evidence: "セキュリティ運用手順書 4.2 (DEMO-002)"
    owner: セキュリティ運用チーム
    attested: ${day(-30)}
    expires: ${day(330)}
  - requirement: "9-3"
    statement: "契約約款に準拠法を日本法、管轄を東京地方裁判所とする条項がある。"
    evidence: "クラウドサービス利用契約 第30条 (DEMO-003)"
    owner: 法務部
    attested: ${day(-355)}
    expires: ${day(10)}
  - requirement: "6-1"
    statement: "事業継続計画にクラウドサービス停止時の代替手順を定めている。"
    evidence: "事業継続計画 第3版 (DEMO-004)"
    owner: システム管理部
    attested: ${day(-400)}
    expires: ${day(-1)}
`,
  );
  const azure = (account: string): DemoException['match'] => ({ provider: 'azure', account });
  const list: DemoException[] = [
    ...others.flatMap((subscription, i): DemoException[] => [
      {
        id: `demo-defender-free-${i + 1}`,
        control: 'azure-defender-key-plans-standard',
        match: azure(subscription),
        ja: '開発用サブスクリプションのため、サーバーと SQL の Defender プランは Free とし、脅威検知は本番サブスクリプションで行うことを情報セキュリティ委員会が承認',
        en: 'Development subscription: servers and SQL stay on the Free Defender plans, threat detection runs in the production subscription; approved by the information security committee',
        reference: 'DEMO-ISC-001',
      },
      {
        id: `demo-vm-va-free-${i + 1}`,
        control: 'azure-vm-vulnerability-assessment-enabled',
        match: azure(subscription),
        ja: '開発用サブスクリプションでは Defender for Servers を Free とするため VM の脆弱性評価を行わず、本番と同じイメージを本番サブスクリプションで評価することを情報セキュリティ委員会が承認',
        en: 'Development subscription: Defender for Servers stays on Free, so its VMs have no vulnerability assessment; the same images are assessed in the production subscription; approved by the information security committee',
        reference: 'DEMO-ISC-001',
      },
    ]),
    ...(first === undefined
      ? []
      : [
          {
            id: 'demo-vm-findings-remediation',
            control: 'azure-vm-vulnerability-findings-resolved',
            match: azure(first),
            ja: '本番 VM の脆弱性の検出事項は 30 日以内に修正する運用とし、修正中の検出事項を月次の変更枠で対処することを情報セキュリティ委員会が承認',
            en: 'Vulnerability findings on production VMs are fixed within 30 days; findings under remediation are handled in the monthly change window; approved by the information security committee',
            reference: 'DEMO-ISC-003',
          },
        ]),
    ...sandbox.aws.accounts.map(
      (account, i): DemoException => ({
        id: `demo-inspector-rollout-${i + 1}`,
        control: 'aws-inspector-enabled',
        match: { provider: 'aws', account },
        ja: 'Amazon Inspector は全リージョン・全スキャン種別（EC2・ECR・Lambda）へ段階的に展開中であり、完了までの間は ECR のプッシュ時スキャンと Patch Manager で脆弱性を管理することを情報セキュリティ委員会が承認',
        en: 'Amazon Inspector is being rolled out to every Region and scan type (EC2, ECR, Lambda); until then ECR scan on push and Patch Manager cover vulnerabilities; approved by the information security committee',
        reference: 'DEMO-ISC-002',
      }),
    ),
    {
      id: 'demo-gcp-osconfig-rollout',
      control: 'gcp-os-config-enabled',
      match: { provider: 'gcp', resource: '//compute.googleapis.com/projects/*/zones/*/instances/vm-1' },
      ja: 'vm-1 は旧イメージで OS Config エージェントを含まないため、次回のイメージ更新で VM Manager を有効にするまで、月次の手動パッチ適用記録で脆弱性を管理することを情報セキュリティ委員会が承認',
      en: 'vm-1 runs an old image without the OS Config agent; until the next image update enables VM Manager, vulnerabilities are managed by the monthly manual patching record; approved by the information security committee',
      reference: 'DEMO-ISC-004',
    },
    {
      id: 'demo-gcp-registry-scanning',
      control: 'gcp-container-scanning-enabled',
      match: { provider: 'gcp', resource: '//artifactregistry.googleapis.com/projects/*/locations/*/repositories/repo-1' },
      ja: 'repo-1 はベンダー提供イメージのミラーであり、ベンダーの脆弱性報告を週次で確認し、スキャンは本番用リポジトリで行うことを情報セキュリティ委員会が承認',
      en: "repo-1 mirrors vendor-supplied images; the vendor's vulnerability reports are reviewed weekly and scanning runs on the production repositories; approved by the information security committee",
      reference: 'DEMO-ISC-004',
    },
  ];
  writeFileSync(exceptions, `# kansa sandbox demo: exceptions (kansa schema exceptions)\nexceptions:\n${list.map((e) => exceptionEntry(e, day(20))).join('')}`);
  let changed = false;
  return {
    dir,
    config: { ...config, attestations, exceptions, evidence: { dir: join(dir, 'evidence'), schedule: DEMO_EVIDENCE_SCHEDULE } },
    change: () => {
      if (changed || first === undefined) return undefined;
      changed = true;
      sandbox.azure.estate.setPricingTier(first, CHANGED_PLAN, 'Free');
      return `Defender for Cloud plan ${CHANGED_PLAN} of subscription ${first} set to Free: requirement ${DEMO_CHANGED_REQUIREMENT} turns non-compliant at the next snapshot`;
    },
  };
}
