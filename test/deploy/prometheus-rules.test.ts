/**
 * deploy/prometheus/kansa-rules.yml: `promtool check rules` (with lint), `promtool test rules` on every
 * unit-test file, and the conventions promtool cannot check: every alert is tested firing and not
 * firing, every recording rule is tested, annotations (EN + JA) and runbook anchors exist, and rules
 * only use metrics kansa exports (or the evidence metrics being added). Needs `promtool` on PATH.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { EVIDENCE_METRICS, exportedKansaMetrics, INHIBIT_FILE, kansaMetricsIn, loadRules, recordingRuleNames, requireTool, RULE_TESTS_DIR, RULES_FILE, RUNBOOK_BASE_URL, RUNBOOK_FILE, type Rule } from './support.js';

interface UnitTestFile {
  readonly rule_files: readonly string[];
  readonly evaluation_interval?: string;
  readonly tests: readonly {
    readonly name?: string;
    readonly alert_rule_test?: readonly { readonly eval_time: string; readonly alertname: string; readonly exp_alerts?: readonly unknown[] | null }[];
    readonly promql_expr_test?: readonly { readonly expr: string; readonly eval_time: string; readonly exp_samples?: readonly unknown[] | null }[];
  }[];
}

const testFiles = readdirSync(RULE_TESTS_DIR)
  .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
  .sort()
  .map((f) => join(RULE_TESTS_DIR, f));
const unitTests = testFiles.map((file) => ({ file, content: parse(readFileSync(file, 'utf8')) as UnitTestFile }));
const rules = loadRules();
const alerts: Rule[] = rules.groups.flatMap((g) => g.rules.filter((r) => r.alert !== undefined));
const recordings = recordingRuleNames(rules);

function run(tool: string, args: readonly string[]): { status: number | null; output: string } {
  const result = spawnSync(tool, args, { cwd: PACKAGE_ROOT, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('Prometheus rules (deploy/prometheus)', () => {
  it('pass `promtool check rules` with every lint enabled and fatal', () => {
    const promtool = requireTool('promtool');
    const { status, output } = run(promtool, ['check', 'rules', '--lint=all', '--lint-fatal', relative(PACKAGE_ROOT, RULES_FILE)]);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') as unknown });
    expect(output).not.toMatch(/FAILED|WARNING/);
  });

  it('pass every `promtool test rules` unit test', () => {
    const promtool = requireTool('promtool');
    expect(testFiles.length).toBeGreaterThanOrEqual(1);
    const { status, output } = run(promtool, ['test', 'rules', ...testFiles.map((f) => relative(PACKAGE_ROOT, f))]);
    // promtool prints the expected and actual alerts/samples of a failing test: show them on failure.
    expect({ status, failed: output.includes('FAILED') ? output : '' }).toEqual({ status: 0, failed: '' });
    expect(output.match(/SUCCESS/g)?.length).toBe(testFiles.length);
  });

  it('unit tests load the rules file under test', () => {
    for (const { file, content } of unitTests) {
      expect({ file, rule_files: content.rule_files }).toEqual({ file, rule_files: ['../kansa-rules.yml'] });
    }
  });

  it('test every alert both firing and not firing, and only alerts that exist', () => {
    const names = new Set(alerts.map((a) => a.alert!));
    const firing = new Set<string>();
    const quiet = new Set<string>();
    const unknown: string[] = [];
    for (const { content } of unitTests) {
      for (const test of content.tests) {
        for (const t of test.alert_rule_test ?? []) {
          if (!names.has(t.alertname)) unknown.push(t.alertname);
          ((t.exp_alerts ?? []).length > 0 ? firing : quiet).add(t.alertname);
        }
      }
    }
    expect(unknown).toEqual([]);
    expect([...names].filter((n) => !firing.has(n))).toEqual([]);
    expect([...names].filter((n) => !quiet.has(n))).toEqual([]);
  });

  it('test every recording rule with a PromQL expression test', () => {
    const tested = new Set<string>();
    for (const { content } of unitTests) {
      for (const test of content.tests) {
        for (const t of test.promql_expr_test ?? []) for (const name of t.expr.match(/[a-z_]+:[a-z0-9_]+:[a-z0-9_]+/g) ?? []) tested.add(name);
      }
    }
    expect([...recordings].filter((r) => !tested.has(r))).toEqual([]);
  });

  it('label every alert with a severity and annotate it in English and Japanese, with a runbook section', () => {
    const runbook = readFileSync(RUNBOOK_FILE, 'utf8');
    const headings = new Set([...runbook.matchAll(/^## (\S+)\s*$/gm)].map((m) => m[1]!.toLowerCase()));
    for (const alert of alerts) {
      const name = alert.alert!;
      // A fixed severity, or a template whose every outcome is one (KansaRequirementNoncompliant).
      const severity = alert.labels?.severity ?? '';
      const outcomes = severity.includes('{{') ? severity.split(/\{\{[^}]*\}\}/).filter((s) => s !== '') : [severity];
      expect({ name, outcomes }).toEqual({ name, outcomes: expect.arrayContaining([expect.stringMatching(/^(critical|warning|info)$/)]) as unknown });
      expect({ name, bad: outcomes.filter((o) => !/^(critical|warning|info)$/.test(o)) }).toEqual({ name, bad: [] });
      expect({ name, annotations: Object.keys(alert.annotations ?? {}).sort() }).toEqual({ name, annotations: ['description', 'runbook_url', 'summary', 'summary_ja'] });
      expect({ name, summary_ja: alert.annotations!.summary_ja }).toEqual({ name, summary_ja: expect.stringMatching(/[\u3040-\u30ff\u4e00-\u9fff]/) as unknown });
      const anchor = name.toLowerCase();
      expect({ name, runbook_url: alert.annotations!.runbook_url }).toEqual({ name, runbook_url: `${RUNBOOK_BASE_URL}#${anchor}` });
      expect(new URL(alert.annotations!.runbook_url!).protocol).toBe('https:');
      expect({ name, sectionInRunbook: headings.has(anchor) }).toEqual({ name, sectionInRunbook: true });
    }
    // and no runbook section for an alert that does not exist
    expect([...headings].filter((h) => !alerts.some((a) => a.alert!.toLowerCase() === h))).toEqual([]);
  });

  it('name the runbook base URL once in the header, with how to change it, and nowhere a relative runbook path', () => {
    const text = readFileSync(RULES_FILE, 'utf8');
    expect(text).toContain(`runbook base URL ${RUNBOOK_BASE_URL}`);
    expect(text).toMatch(/sed -i 's#https:\/\/kansa\.example\/RUNBOOK\.md#/);
    expect(text).not.toMatch(/runbook_url: '(?!https:\/\/)/);
  });

  // #15: with `helm install compliance` the ServiceMonitor's job is compliance-kansa; a job="kansa"
  // selector made the scrape alerts silently blind.
  it('find kansa scrape targets by the exporter label or kansa_build_info, never by the job name', () => {
    for (const name of ['KansaScrapeFailing', 'KansaScrapeTargetMissing']) {
      const expr = alerts.find((a) => a.alert === name)!.expr;
      expect({ name, job: /job\s*=~?\s*"/.test(expr) }).toEqual({ name, job: false });
      expect({ name, selects: expr.includes('up{exporter="kansa"}') && expr.includes('kansa_build_info') }).toEqual({ name, selects: true });
    }
    const tested = unitTests.flatMap(({ content }) => content.tests.flatMap((t) => (t.alert_rule_test ?? []).filter((a) => a.alertname === 'KansaScrapeFailing').flatMap((a) => (a.exp_alerts ?? []) as { exp_labels: Record<string, string> }[])));
    expect(new Set(tested.map((a) => a.exp_labels.job))).toEqual(new Set(['kansa', 'compliance-kansa', 'audit']));
  });

  it('ship Alertmanager inhibit rules that name existing alerts and labels both sides carry', () => {
    interface Inhibit {
      readonly source_matchers: readonly string[];
      readonly target_matchers: readonly string[];
      readonly equal: readonly string[];
    }
    const { inhibit_rules: inhibits } = parse(readFileSync(INHIBIT_FILE, 'utf8')) as { inhibit_rules: Inhibit[] };
    const names = alerts.map((a) => a.alert!);
    const matching = (matchers: readonly string[]): string[] => {
      const [, op, value] = /^alertname(=~|=)"(.*)"$/.exec(matchers.find((m) => m.startsWith('alertname')) ?? '') ?? [];
      return names.filter((n) => (op === '=' ? n === value : new RegExp(`^(?:${value})$`).test(n)));
    };
    const drift = inhibits.find((i) => matching(i.source_matchers).includes('KansaRequirementDrift'));
    expect(drift && { source: matching(drift.source_matchers), target: matching(drift.target_matchers), equal: drift.equal }).toEqual({
      source: ['KansaRequirementDrift'],
      target: ['KansaRequirementNoncompliant'],
      equal: ['job', 'catalog', 'requirement'],
    });
    for (const i of inhibits) {
      expect(matching(i.source_matchers).length).toBeGreaterThan(0);
      expect(matching(i.target_matchers).length).toBeGreaterThan(0);
    }
    // The labels of `equal` are on both alerts: the rule expressions keep them.
    for (const name of ['KansaRequirementDrift', 'KansaRequirementNoncompliant']) {
      const expr = alerts.find((a) => a.alert === name)!.expr;
      for (const label of drift!.equal) expect({ name, label, kept: expr.includes(label) || expr.includes('catalog_requirement:') }).toEqual({ name, label, kept: true });
    }
    expect(readFileSync(RUNBOOK_FILE, 'utf8')).toContain('alertmanager-inhibit.yml');
  });

  it('use only metrics kansa exports, or the evidence metrics being added', () => {
    const known = new Set([...exportedKansaMetrics(), ...EVIDENCE_METRICS]);
    const used = new Set(rules.groups.flatMap((g) => g.rules.flatMap((r) => [r.expr, ...Object.values(r.annotations ?? {})].flatMap(kansaMetricsIn))));
    expect([...used].filter((m) => !known.has(m))).toEqual([]);
    for (const metric of ['kansa_requirement_status', 'kansa_collector_up', 'kansa_collector_last_success_timestamp_seconds', 'kansa_collector_scope_coverage', 'kansa_collector_uncovered_types', 'kansa_attestation_expiry_timestamp_seconds', 'kansa_clock_offset_seconds', 'kansa_evidence_last_snapshot_timestamp_seconds', 'kansa_evidence_snapshot_errors_total', 'kansa_requirement_state_changes_total']) {
      expect({ metric, used: used.has(metric) }).toEqual({ metric, used: true });
    }
  });
});
