/**
 * Every reason the engine itself writes, in Japanese and English. Controls write their own reasons
 * (`reason: {ja, en}`); these cover what no control can: collection gaps, malformed data, CEL errors,
 * existence checks and requirement verdicts. Japanese reads as an auditor would write it.
 */
import type { Bilingual } from '../model/text.js';

const join = (parts: readonly Bilingual[], ja = '、', en = '; '): Bilingual => ({
  ja: parts.map((p) => p.ja).join(ja),
  en: parts.map((p) => p.en).join(en),
});

export const findingText = {
  malformed: (type: string, why: string): Bilingual => ({
    ja: `${type} の構成データを解釈できないため判定できません（${why}）`,
    en: `malformed ${type}: ${why}`,
  }),
  cannotDecideApplicability: (error: string): Bilingual => ({
    ja: `対象とすべきかを判定できません（評価エラー: ${error}）`,
    en: `cannot decide applicability: ${error}`,
  }),
  cannotEvaluate: (error: string): Bilingual => ({
    ja: `評価できません（評価エラー: ${error}）`,
    en: `cannot evaluate: ${error}`,
  }),
  /** The control said why the data cannot decide it (`unknown({ja, en})`, or a variable that did). */
  undecidable: (reason: Bilingual): Bilingual => ({ ja: `判定できません: ${reason.ja}`, en: `cannot evaluate: ${reason.en}` }),
  notBoolean: (type: string): Bilingual => ({
    ja: `評価式が真偽値ではなく ${type} を返したため判定できません`,
    en: `expression returned ${type}, expected bool`,
  }),
  satisfiedBy: (resource: string): Bilingual => ({ ja: `${resource} が条件を満たしています`, en: `satisfied by ${resource}` }),
  collectionIncomplete: (region: string, why: Bilingual): Bilingual => ({
    ja: `収集が不完全です（${region}: ${why.ja}）`,
    en: `collection incomplete (${region}: ${why.en})`,
  }),
  notCollected: { ja: 'このスコープは収集されていません', en: 'not collected' } as Bilingual,
  noneQualifies: (count: number, type: string, reasons: Bilingual): Bilingual => ({
    ja: `${type} ${count} 件のいずれも条件を満たしていません: ${reasons.ja}`,
    en: `none of ${count} ${type} qualifies: ${reasons.en}`,
  }),
  noneInScope: (type: string, scope: 'account' | 'region'): Bilingual => ({
    ja: `この${scope === 'region' ? 'リージョン' : 'アカウント'}に ${type} がありません`,
    en: `no ${type} in this ${scope}`,
  }),
  ofResource: (id: string, reason: Bilingual): Bilingual => ({ ja: `${id}: ${reason.ja}`, en: `${id}: ${reason.en}` }),
  collectedAt: (at: string): Bilingual => ({ ja: `${at} に収集済み`, en: `collected at ${at}` }),
  collectionFailed: (error: string): Bilingual => ({
    ja: `収集に失敗したため判定できません（${error}）`,
    en: `collection failed: ${error}`,
  }),
  notCovered: (types: readonly string[], why: Bilingual): Bilingual => ({
    ja: `${types.join('、')} は収集範囲外のため判定できません（${why.ja}）`,
    en: `${types.join(', ')} not covered: ${why.en}`,
  }),
  unreadableItems: (count: number): Bilingual => ({
    ja: `このスコープで種類すら読み取れない項目が ${count} 件あり、対象リソースが含まれている可能性があるため判定できません`,
    en: `${count} items in this scope could not be read even to their type; resources this control checks may be among them`,
  }),
  contextNotCovered: (type: string, why: Bilingual): Bilingual => ({
    ja: `参照先の ${type} が収集範囲外のため判定できません（${why.ja}）`,
    en: `the ${type} this check reads is not covered: ${why.en}`,
  }),
  contextNotCollected: (type: string): Bilingual => ({
    ja: `参照先の ${type} がこのアカウントで収集されていないため判定できません`,
    en: `the ${type} this check reads was not collected for this account`,
  }),
  contextCollectionFailed: (type: string, region: string): Bilingual => ({
    ja: `参照先の ${type} の収集が ${region} で失敗しており、必要な項目が含まれている可能性があるため判定できません`,
    en: `collecting the ${type} this check reads failed in ${region}; the one it needs may be there`,
  }),
  contextMalformed: (type: string, count: number): Bilingual => ({
    ja: `参照先の ${type} のうち ${count} 件の構成データを解釈できず、必要な項目が含まれている可能性があるため判定できません`,
    en: `${count} ${type} items in this account are malformed; the one this check needs may be among them`,
  }),
  contextSupplementaryOmitted: (type: string, count: number): Bilingual => ({
    ja: `参照先の ${type} のうち ${count} 件には補足構成（supplementaryConfiguration）が揃っておらず、このチェックが読む部分が欠けている可能性があるため判定できません`,
    en: `${count} ${type} items in this account carry no complete supplementary configuration; the part this check reads may be missing`,
  }),
  contextUnreadable: (count: number): Bilingual => ({
    ja: `このアカウントで種類すら読み取れない項目が ${count} 件あり、参照先が含まれている可能性があるため判定できません`,
    en: `${count} items in this account could not be read even to their type; the one this check needs may be among them`,
  }),
  supplementaryOmitted: (type: string): Bilingual => ({
    ja: `この ${type} の項目には補足構成（supplementaryConfiguration）が揃っていないため判定できません（Select のエクスポートは問い合わせで選んだ部分しか含みません。構成スナップショットか BatchGetResourceConfig の結果を入力してください）`,
    en: `these ${type} items carry no complete supplementary configuration (a Select export holds only the parts its query named; use a configuration snapshot or BatchGetResourceConfig items)`,
  }),
  stale: (lastSuccessAt: string, error: string): Bilingual => ({
    ja: `データが古いため判定できません（最後に収集に成功したのは ${lastSuccessAt}、${error}）`,
    en: `data stale: last successful collection ${lastSuccessAt} (${error})`,
  }),
  join,
} as const;

const list = (ids: readonly string[]): string => ids.join(', ');

export const requirementText = {
  attestedBy: (owner: string, expires: string): Bilingual => ({
    ja: `${owner} が ${expires} まで有効な証跡で確認済み`,
    en: `attested by ${owner} until ${expires}`,
  }),
  noAttestation: { ja: '有効な確認書がありません', en: 'no attestation' } as Bilingual,
  attestationExpired: (expires: string): Bilingual => ({
    ja: `確認書の有効期限が ${expires} に切れています`,
    en: `attestation expired on ${expires}`,
  }),
  attestationFuture: (attested: string): Bilingual => ({
    ja: `確認書は ${attested} から有効になります`,
    en: `attestation takes effect on ${attested}`,
  }),
  failingControls: (ids: readonly string[]): Bilingual => ({
    ja: `不適合のコントロールがあります: ${list(ids)}`,
    en: `failing controls: ${list(ids)}`,
  }),
  unknownControls: (ids: readonly string[]): Bilingual => ({
    ja: `判定できなかったコントロールがあります: ${list(ids)}`,
    en: `controls with unknown results: ${list(ids)}`,
  }),
  noControl: { ja: 'この項目を裏付けるコントロールがありません', en: 'no control evidences this requirement' } as Bilingual,
  noData: { ja: 'この項目のコントロールについてデータを収集できていません', en: 'no data collected for its controls' } as Bilingual,
  /** Every control saw nothing in fully covered scopes, and nothing existing cannot break this item. */
  nothingInScopeHolds: (scopes: number): Bilingual => ({
    ja: `収集範囲（${scopes} スコープ）に確認対象の種類のリソースがなく、この項目に反するものはありません`,
    en: `no resources of the checked types in the ${scopes} covered scopes, so nothing breaks this requirement`,
  }),
  /** Every control saw nothing in fully covered scopes, and this item needs something to be in place. */
  nothingInScopeUnproven: (scopes: number): Bilingual => ({
    ja: `収集範囲（${scopes} スコープ）に確認対象の種類のリソースがなく、この項目を満たす仕組みがあることを確認できません`,
    en: `no resources of the checked types in the ${scopes} covered scopes, so nothing shows this requirement is met`,
  }),
  allPass: (count: number): Bilingual => ({
    ja: `データのあるコントロール ${count} 件がすべて適合しています`,
    en: `all ${count} controls with data pass`,
  }),
  withWaived: (text: Bilingual, waived: number): Bilingual =>
    waived === 0 ? text : { ja: `${text.ja}（例外承認により ${waived} 件を許容）`, en: `${text.en} (${waived} findings waived by exceptions)` },
  controlsPassAnd: (then: Bilingual): Bilingual => ({ ja: `コントロールは適合、${then.ja}`, en: `controls pass; ${then.en}` }),
} as const;
