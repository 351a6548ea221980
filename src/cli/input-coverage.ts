/**
 * What `kansa evaluate` says on stderr about its input before the verdicts: one line per scope (what the
 * files cover there, when it was captured, what is missing), and warnings for inputs without a capture
 * time or with unreadable items that belong to no scope. English and Japanese on each line.
 */
import type { InputSummary } from '../inputs/detect.js';
import type { CollectionScope } from '../model/resource.js';

/** Wanted types named on a line before "… and N more" (the JSON `coverage` lists them all). */
const NAMED_TYPES = 3;

function named(types: readonly string[]): string {
  const shown = types.slice(0, NAMED_TYPES).join(', ');
  return types.length > NAMED_TYPES ? `${shown}, … +${types.length - NAMED_TYPES}` : shown;
}

export function scopeLine(scope: CollectionScope): string {
  const where = `${scope.provider} ${scope.account}/${scope.region}`;
  const at = scope.outcome.status === 'ok' ? scope.outcome.collectedAt : scope.outcome.status === 'failed' ? scope.outcome.at : scope.outcome.lastSuccessAt;
  const count = scope.types === 'all' ? undefined : scope.types.length;
  const en = [count === undefined ? 'all recorded types' : `${count} type${count === 1 ? '' : 's'}`, `captured ${at}`];
  const ja = [count === undefined ? '記録された全タイプ' : `${count} タイプ`, `取得時刻 ${at}`];
  const missing = (scope.gaps ?? []).flatMap((g) => g.types);
  if (missing.length > 0) {
    en.push(`not covered: ${missing.length} wanted type${missing.length === 1 ? '' : 's'} (${named(missing)}), unknown`);
    ja.push(`対象外: 評価に必要な ${missing.length} タイプ（${named(missing)}）は判定不能`);
  }
  if (scope.supplementary === false) {
    en.push('no supplementary configuration: controls reading it are unknown');
    ja.push('補足設定 (supplementaryConfiguration) なし: それを読むコントロールは判定不能');
  }
  if (scope.unreadable) {
    en.push(`${scope.unreadable} unreadable item${scope.unreadable === 1 ? '' : 's'}: every control here is unknown`);
    ja.push(`読めない項目 ${scope.unreadable} 件: ここのコントロールはすべて判定不能`);
  }
  return `kansa: input coverage ${where}: ${en.join('; ')} / 入力の収集範囲 ${where}: ${ja.join('、')}`;
}

/** Every line kansa prints about what the input covers. */
export function inputCoverageLines(summary: InputSummary, now: Date): string[] {
  const lines = summary.coverage.map(scopeLine);
  if (summary.untimed.length > 0) {
    const list = summary.untimed.join(', ');
    lines.push(
      `kansa: warning: the input carries no capture time for ${list}: collectedAt is the evaluation time ${now.toISOString()}, not when the data was captured` +
        ` / 警告: ${list} の入力には取得時刻がありません。collectedAt は評価時刻 ${now.toISOString()} であり、データの取得時刻ではありません`,
    );
  }
  for (const { file, unreadable } of summary.unplaced) {
    lines.push(
      `kansa: warning: ${file}: ${unreadable} unreadable item${unreadable === 1 ? '' : 's'} and no account, subscription or project to place ${unreadable === 1 ? 'it' : 'them'} in: not evaluated` +
        ` / 警告: ${file}: 読めない項目 ${unreadable} 件は、アカウント・サブスクリプション・プロジェクトを特定できないため評価されていません`,
    );
  }
  return lines;
}
