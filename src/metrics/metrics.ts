/**
 * Prometheus metrics. Every kansa gauge is rebuilt from the latest Assessment and collector state at
 * scrape time (vanished series disappear); nothing here calls a cloud API. Cardinality is bounded by
 * requirements, controls × accounts and collectors × accounts — never by the number of resources, and
 * coverage is summed per account, never labelled by region or resource type.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { AccountCoverage, AgentStatusSource, CollectorStatus } from '../contract/status.js';
import type { AccountOutcome } from '../model/run.js';
import { attestationFor } from '../mappings/attestations.js';
import { requirementsOfControl } from '../mappings/controls.js';
import { exceptionExpirySeconds } from '../mappings/exceptions.js';
import { REQUIREMENT_STATES, type ControlTally } from '../evaluate/assessment.js';
import { COVERAGE_STATES } from '../model/resource.js';

/** prom-client process metrics that `promtool check metrics` rejects (gauges named like counters). */
const DEFAULT_METRICS_FAILING_LINT = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

const CACHED = 'Read from the latest assessment; scrapes never call cloud APIs (collection runs on its own schedule).';

/** `fixedRegistry`: for families that cannot change while the process runs (see registerAgentMetrics), rendered once. */
export function createRegistry(): { registry: Registry; fixedRegistry: Registry; apiCalls: Counter<'provider' | 'operation' | 'code'> } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const name of DEFAULT_METRICS_FAILING_LINT) registry.removeSingleMetric(name);
  const apiCalls = new Counter({
    name: 'kansa_collector_api_requests_total',
    help: 'Cloud API call attempts by provider, operation and result code ("200" or the provider error code), retries included.',
    labelNames: ['provider', 'operation', 'code'] as const,
    registers: [registry],
  });
  return { registry, fixedRegistry: new Registry(), apiCalls };
}

/**
 * `fixed`: where the families that cannot change while the process runs go (build, catalog and control
 * descriptions: the catalog and the enabled controls are loaded once); the endpoint renders it once.
 */
export function registerAgentMetrics(registry: Registry, source: AgentStatusSource, build: { version: string }, fixed: Registry = registry): void {
  const registers = [registry];
  const fixedRegisters = [fixed];

  new Gauge({
    name: 'kansa_build_info',
    help: 'Build information of the running agent; value 1.',
    labelNames: ['version', 'nodejs_version'] as const,
    registers: fixedRegisters,
    collect() {
      this.reset();
      this.set({ version: build.version, nodejs_version: process.versions.node }, 1);
    },
  });

  new Gauge({
    name: 'kansa_requirement_info',
    help: 'Checklist requirement descriptions; value 1.',
    labelNames: ['catalog', 'requirement', 'category', 'automation', 'title_en', 'title_ja'] as const,
    registers: fixedRegisters,
    collect() {
      this.reset();
      const catalog = source.catalog;
      for (const r of catalog.requirements) {
        this.set({ catalog: catalog.id, requirement: r.id, category: r.category.id, automation: r.automation, title_en: r.titleEn, title_ja: r.textJa }, 1);
      }
    },
  });

  new Gauge({
    name: 'kansa_requirement_status',
    help: `Requirement state: 1 for the current state, 0 for the others. ${CACHED}`,
    labelNames: ['catalog', 'requirement', 'category', 'state'] as const,
    registers,
    collect() {
      this.reset();
      const assessment = source.status.assessment;
      if (!assessment) return;
      for (const r of assessment.requirements) {
        for (const state of REQUIREMENT_STATES) {
          this.set({ catalog: assessment.catalog.id, requirement: r.id, category: r.category, state }, r.status === state ? 1 : 0);
        }
      }
    },
  });

  new Gauge({
    name: 'kansa_requirements',
    help: `Number of requirements in each state. ${CACHED}`,
    labelNames: ['catalog', 'state'] as const,
    registers,
    collect() {
      this.reset();
      const assessment = source.status.assessment;
      if (!assessment) return;
      for (const state of REQUIREMENT_STATES) this.set({ catalog: assessment.catalog.id, state }, assessment.summary[state]);
    },
  });

  new Gauge({
    name: 'kansa_last_assessment_timestamp_seconds',
    help: 'When the latest assessment was computed (Unix time).',
    registers,
    collect() {
      this.reset();
      const assessment = source.status.assessment;
      if (assessment) this.set(Date.parse(assessment.generatedAt) / 1000);
    },
  });

  const tallyGauge = (name: string, help: string, pick: (t: ControlTally) => number): void => {
    new Gauge({
      name,
      help: `${help} ${CACHED}`,
      labelNames: ['control', 'provider', 'account'] as const,
      registers,
      collect() {
        this.reset();
        for (const t of source.status.assessment?.tallies ?? []) this.set({ control: t.control, provider: t.provider, account: t.account }, pick(t));
      },
    });
  };
  tallyGauge('kansa_control_checked_resources', 'Resources (or scopes, for existence controls) a control checked.', (t) => t.checked);
  tallyGauge('kansa_control_failing_resources', 'Resources (or scopes) failing a control.', (t) => t.failing);
  tallyGauge('kansa_control_unknown_resources', 'Resources (or scopes) a control could not decide (missing, malformed or stale data, failed collection).', (t) => t.unknown);
  tallyGauge('kansa_control_waived_resources', 'Resources (or scopes) failing a control whose failure an unexpired exception waives (not counted as failing).', (t) => t.waived);

  new Gauge({
    name: 'kansa_control_info',
    help: 'Control descriptions; value 1.',
    labelNames: ['control', 'provider', 'severity', 'title_en', 'title_ja'] as const,
    registers: fixedRegisters,
    collect() {
      this.reset();
      for (const c of source.controls) this.set({ control: c.id, provider: c.provider, severity: c.severity, title_en: c.titleEn, title_ja: c.titleJa }, 1);
    },
  });

  // Joins a requirement with the controls that evidence it (dashboard drill-down, alert severity): one
  // series per mapping of an enabled control, whatever the number of resources or accounts.
  new Gauge({
    name: 'kansa_control_requirement_info',
    help: 'Which enabled controls evidence which requirement of the catalog (the control names it, or the catalog lists it); value 1.',
    labelNames: ['catalog', 'requirement', 'control'] as const,
    registers: fixedRegisters,
    collect() {
      this.reset();
      const catalog = source.catalog;
      for (const c of source.controls) for (const requirement of requirementsOfControl(c, catalog)) this.set({ catalog: catalog.id, requirement, control: c.id }, 1);
    },
  });

  const collectorLabels = ['provider', 'account', 'collector'] as const;
  /** One series per collector × account of the latest run. */
  const perAccountGauge = (name: string, help: string, pick: (account: AccountOutcome) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: collectorLabels,
      registers,
      collect() {
        this.reset();
        for (const s of source.status.collectors) {
          for (const a of s.accounts) this.set({ provider: s.provider, account: a.account, collector: s.name }, pick(a));
        }
      },
    });
  };
  perAccountGauge('kansa_collector_up', 'Whether the latest collection for this account succeeded in every scope (1) or not (0).', (a) => (a.ok ? 1 : 0));
  perAccountGauge('kansa_collector_duration_seconds', 'Duration of the latest collection for this account.', (a) => a.durationSeconds);
  perAccountGauge('kansa_collector_resources', 'Resources collected for this account in the latest collection.', (a) => a.resources);
  new Gauge({
    name: 'kansa_collector_last_success_timestamp_seconds',
    help: 'Last time collection for this account succeeded in every scope (Unix time).',
    labelNames: collectorLabels,
    registers,
    collect() {
      this.reset();
      for (const s of source.status.collectors) {
        for (const [account, at] of s.lastSuccessByAccount) this.set({ provider: s.provider, account, collector: s.name }, at);
      }
    },
  });
  new Gauge({
    name: 'kansa_collector_scope_coverage',
    help:
      'Scopes (account x region) of the latest assessment by coverage state: covered (every resource type the enabled controls read was collected and readable), ' +
      'partial (some types not covered - region left out of the configured list, type not recorded by AWS Config, absent from an input file, permission missing - or some items unreadable), ' +
      `blind (collection failed or stale, or none of the wanted types covered). Every state is exported, 0 when none; verdicts from what is not covered are unknown. ${CACHED}`,
    labelNames: ['provider', 'account', 'state'] as const,
    registers,
    collect() {
      this.reset();
      for (const c of source.status.assessment?.coverage ?? []) {
        for (const state of COVERAGE_STATES) this.set({ provider: c.provider, account: c.account, state }, c.scopes[state]);
      }
    },
  });
  const coverageGauge = (name: string, help: string, pick: (c: AccountCoverage) => number): void => {
    new Gauge({
      name,
      help: `${help} ${CACHED}`,
      labelNames: ['provider', 'account'] as const,
      registers,
      collect() {
        this.reset();
        for (const c of source.status.assessment?.coverage ?? []) this.set({ provider: c.provider, account: c.account }, pick(c));
      },
    });
  };
  coverageGauge(
    'kansa_collector_uncovered_types',
    'Resource types the enabled controls read but kansa did not collect, counted once per region of the account (distinct region x type pairs named by coverage gaps); controls over them are unknown. Failed scopes count in kansa_collector_scope_coverage{state="blind"} instead.',
    (c) => c.uncoveredTypes,
  );
  coverageGauge(
    'kansa_collector_unreadable_items',
    'Items of the account that could not be read even to their resource type (malformed rows or assets); every control of the provider is unknown in the scopes that hold them.',
    (c) => c.unreadable,
  );

  /** Per collector: configuration the alert rules compare data age with (no hard-coded thresholds). */
  const perCollectorGauge = (name: string, help: string, pick: (c: CollectorStatus) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['provider', 'collector'] as const,
      registers,
      collect() {
        this.reset();
        for (const c of source.status.collectors) this.set({ provider: c.provider, collector: c.name }, pick(c));
      },
    });
  };
  perCollectorGauge('kansa_collector_stale_after_seconds', 'Configured staleAfterSeconds: data of an account older than this is stale and its verdicts unknown.', (c) => c.staleAfterSeconds);
  perCollectorGauge('kansa_collector_schedule_interval_seconds', 'Longest gap between two scheduled runs of the collector (from its cron schedule).', (c) => c.scheduleIntervalSeconds);

  new Gauge({
    name: 'kansa_collector_running',
    help: 'Whether a collection is in progress (1) or not (0).',
    labelNames: ['provider', 'collector'] as const,
    registers,
    collect() {
      this.reset();
      for (const s of source.status.collectors) this.set({ provider: s.provider, collector: s.name }, s.running ? 1 : 0);
    },
  });

  new Gauge({
    name: 'kansa_attestation_expiry_timestamp_seconds',
    help: 'Expiry of the attestation in force (or the latest one) for a requirement (Unix time, end of the expiry day UTC).',
    labelNames: ['catalog', 'requirement'] as const,
    registers,
    collect() {
      this.reset();
      const catalog = source.catalog;
      const attestations = source.attestations;
      const now = new Date();
      for (const r of catalog.requirements) {
        const state = attestationFor(attestations, catalog.id, r.id, now);
        if (state.state === 'missing') continue;
        this.set({ catalog: catalog.id, requirement: r.id }, Date.parse(`${state.attestation.expires}T23:59:59Z`) / 1000);
      }
    },
  });

  new Gauge({
    name: 'kansa_exception_expiry_timestamp_seconds',
    help: 'Expiry of each loaded exception (Unix time, end of the expiry day UTC); an expired one no longer waives anything.',
    labelNames: ['exception', 'control'] as const,
    registers,
    collect() {
      this.reset();
      for (const e of source.exceptions) this.set({ exception: e.id, control: e.control }, exceptionExpirySeconds(e));
    },
  });

  new Gauge({
    name: 'kansa_clock_offset_seconds',
    help: 'Local clock minus the reference clock, from provider response Date headers (±0.5 s resolution). Evidence for checklist item 10-1.',
    labelNames: ['reference'] as const,
    registers,
    collect() {
      this.reset();
      for (const [reference, offset] of source.status.clockOffsets) this.set({ reference }, offset);
    },
  });
}

/** Reloads of the attestations file (SIGHUP), named like Prometheus' own configuration reload metrics. */
export function registerReloadMetrics(registry: Registry, startedAt: Date): { succeeded(at: Date): void; failed(): void } {
  const successful = new Gauge({
    name: 'kansa_attestations_last_reload_successful',
    help: 'Whether the last reload of the attestations file succeeded (1) or failed and the previous attestations stay in force (0).',
    registers: [registry],
  });
  const lastSuccess = new Gauge({
    name: 'kansa_attestations_last_reload_success_timestamp_seconds',
    help: 'When the attestations file was last loaded successfully (Unix time; start-up counts).',
    registers: [registry],
  });
  successful.set(1);
  lastSuccess.set(startedAt.getTime() / 1000);
  return {
    succeeded(at) {
      successful.set(1);
      lastSuccess.set(at.getTime() / 1000);
    },
    failed: () => successful.set(0),
  };
}

/**
 * Evidence snapshots and drift (src/evidence/service.ts `EvidenceMetrics`). Unlike the gauges above these
 * are set as events happen: a state change is only known when a snapshot is compared with the previous one.
 */
export function registerEvidenceMetrics(
  registry: Registry,
  schedule: { readonly intervalSeconds: number },
): {
  requirementStateChanged(change: { catalog: string; requirement: string; from: string; to: string }, at: Date): void;
  lastSnapshot(at: Date, sequence: number): void;
  snapshotError(stage: 'collect' | 'write' | 'retention'): void;
} {
  const registers = [registry];
  const changes = new Counter({
    name: 'kansa_requirement_state_changes_total',
    help: 'Requirement state changes between consecutive evidence snapshots.',
    labelNames: ['catalog', 'requirement', 'from', 'to'] as const,
    registers,
  });
  const lastChange = new Gauge({
    name: 'kansa_requirement_last_change_timestamp_seconds',
    help: 'When the evidence snapshot that first showed the requirement in its current state finished (Unix time); known once a change was seen.',
    labelNames: ['catalog', 'requirement'] as const,
    registers,
  });
  const lastSnapshot = new Gauge({
    name: 'kansa_evidence_last_snapshot_timestamp_seconds',
    help: 'When the latest evidence snapshot was completed (Unix time); 0 until one is known.',
    registers,
  });
  // Prometheus' history of this value anchors the chain outside its store: deleting the newest snapshots
  // makes it go backwards (alert KansaEvidenceChainRewound); kansa verify --min-sequence checks it.
  const headSequence = new Gauge({
    name: 'kansa_evidence_chain_head_sequence',
    help: 'Sequence number of the newest evidence snapshot of the chain; 0 until one is known. It never goes backwards unless snapshots were deleted.',
    registers,
  });
  new Gauge({
    name: 'kansa_evidence_schedule_interval_seconds',
    help: 'Longest gap between two scheduled evidence snapshots (from evidence.schedule).',
    registers,
  }).set(schedule.intervalSeconds);
  const errors = new Counter({
    name: 'kansa_evidence_snapshot_errors_total',
    help: 'Evidence snapshots that failed (stage: collect, write — disk full, unwritable directory — or retention); no partial snapshot is left.',
    labelNames: ['stage'] as const,
    registers,
  });
  for (const stage of ['collect', 'write', 'retention'] as const) errors.inc({ stage }, 0);
  return {
    requirementStateChanged(change, at) {
      changes.inc(change);
      lastChange.set({ catalog: change.catalog, requirement: change.requirement }, at.getTime() / 1000);
    },
    lastSnapshot: (at, sequence) => {
      lastSnapshot.set(at.getTime() / 1000);
      headSequence.set(sequence);
    },
    snapshotError: (stage) => errors.inc({ stage }),
  };
}
