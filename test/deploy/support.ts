/** Shared by the deploy/ tests: paths, the rules file model, and the metric names kansa exports. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../src/paths.js';

export const RULES_FILE = join(PACKAGE_ROOT, 'deploy', 'prometheus', 'kansa-rules.yml');
export const RULE_TESTS_DIR = join(PACKAGE_ROOT, 'deploy', 'prometheus', 'tests');
export const RUNBOOK_FILE = join(PACKAGE_ROOT, 'deploy', 'prometheus', 'RUNBOOK.md');
export const DASHBOARD_FILE = join(PACKAGE_ROOT, 'deploy', 'grafana', 'kansa-dashboard.json');
export const INHIBIT_FILE = join(PACKAGE_ROOT, 'deploy', 'prometheus', 'alertmanager-inhibit.yml');
/** The runbook base URL of kansa-rules.yml: a placeholder that the README and the chart tell how to replace. */
export const RUNBOOK_BASE_URL = 'https://kansa.example/RUNBOOK.md';

/**
 * Metrics of evidence snapshots (issue 5). Rules and panels were written against them while they were
 * being added, so they count as known even where src/metrics/metrics.ts does not register them (yet).
 */
export const EVIDENCE_METRICS: readonly string[] = [
  'kansa_evidence_last_snapshot_timestamp_seconds',
  'kansa_evidence_chain_head_sequence',
  'kansa_evidence_snapshot_errors_total',
  'kansa_requirement_state_changes_total',
  'kansa_requirement_last_change_timestamp_seconds',
];

export function requireTool(name: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${name} is not installed: .ci/run installs it from Debian (apt-get install prometheus prometheus-alertmanager)`);
  return found;
}

/** Every metric name in src/metrics/metrics.ts (the agent's own, not prom-client's defaults). */
export function exportedKansaMetrics(): Set<string> {
  const source = readFileSync(join(PACKAGE_ROOT, 'src', 'metrics', 'metrics.ts'), 'utf8');
  return new Set([...source.matchAll(/'(kansa_[a-z0-9_]+)'/g)].map((m) => m[1]!));
}

/** Raw `kansa_…` metric names in a PromQL expression or template (recording rule names, which contain `:`, excluded). */
export function kansaMetricsIn(text: string): string[] {
  return [...text.matchAll(/(?<![\w:])kansa_[a-z0-9_]+(?![\w:])/g)].map((m) => m[0]);
}

export interface Rule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

export interface RuleFile {
  readonly groups: readonly { readonly name: string; readonly rules: readonly Rule[] }[];
}

export function loadRules(): RuleFile {
  return parse(readFileSync(RULES_FILE, 'utf8')) as RuleFile;
}

export function recordingRuleNames(rules: RuleFile = loadRules()): Set<string> {
  return new Set(rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : []))));
}
