/**
 * The sandbox demo (`npm start`): its attestations, exception and scheduled evidence, and the estate change
 * after the first snapshot, light up the attestation, exception, evidence and state-change metrics. Snapshots
 * are taken on cue (snapshotNow), not by waiting for the cron schedule.
 */
import { readdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import { Agent } from '../../src/agent/agent.js';
import { statusOf, AgentMirror } from '../../src/agent/status.js';
import { buildCollectors, closeCollectors, type ConfiguredCollector } from '../../collectors/registry.js';
import { sandboxClientOverrides } from '../../collectors/sandbox.js';
import { DEMO_CHANGED_REQUIREMENT, DEMO_EVIDENCE_SCHEDULE } from '../../src/cli/demo.js';
import { withSandbox, type SandboxRun } from '../../src/cli/sandbox.js';
import { defaultConfig } from '../../src/config/load.js';
import { prepareEvidence } from '../../src/evidence/schedule.js';
import { createLogger } from '../../src/log.js';
import { loadMappings } from '../../src/mappings/load.js';
import { createRegistry, registerAgentMetrics, registerEvidenceMetrics } from '../../src/metrics/metrics.js';
import { tempDir } from '../support/temp.js';

/** Every sample of the exposition: name, label text and value (unlabelled metrics included). */
function samplesOf(text: string): { name: string; labels: string; value: number }[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('kansa_'))
    .map((line) => {
      const match = /^([a-z_]+)(\{.*\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`unparsable sample: ${line}`);
      return { name: match[1]!, labels: match[2] ?? '', value: Number(match[3]) };
    });
}

const quiet = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));

describe('sandbox demo', () => {
  let run: SandboxRun;
  let configured: ConfiguredCollector[] = [];
  afterAll(async () => {
    await closeCollectors(configured);
    await run.close();
  });

  it('shows attestations, exceptions, evidence and a state change after two snapshots', async () => {
    const dir = tempDir('kansa-demo-');
    run = await withSandbox(defaultConfig(), { resources: 400, demo: { dir, now: new Date() } });
    const { config, demo } = run;
    expect(demo).toBeDefined();
    expect(config.evidence).toMatchObject({ schedule: DEMO_EVIDENCE_SCHEDULE });
    const mappings = loadMappings({ attestations: config.attestations, exceptions: config.exceptions });
    expect(mappings.attestations.length).toBeGreaterThan(0);
    expect(mappings.exceptions.length).toBeGreaterThan(0);

    configured = await buildCollectors(config, sandboxClientOverrides(run.clients));
    const agent = new Agent(mappings, configured.map((c) => ({ collector: c.collector, staleAfterSeconds: c.staleAfterSeconds })), { logger: quiet, now: () => new Date(), apiCalls: { inc: () => undefined } });
    const { registry } = createRegistry();
    const mirror = new AgentMirror(mappings, new Set());
    registerAgentMetrics(registry, mirror, { version: 'test' });
    const evidence = prepareEvidence({ config: config.evidence!, mappings: {}, metrics: registerEvidenceMetrics(registry, { intervalSeconds: 60 }), logger: quiet, version: 'test', env: {} });

    const first = await evidence.snapshotNow(agent);
    if (!first.ok) throw new Error(first.error);
    // Before the change the attested item is compliant: the exception waives the known Defender gaps.
    expect(agent.latest()!.requirements.find((r) => r.id === DEMO_CHANGED_REQUIREMENT)?.status).toBe('compliant');
    expect(demo!.change()).toMatch(/set to Free/);
    expect(demo!.change()).toBeUndefined(); // once
    const second = await evidence.snapshotNow(agent);
    if (!second.ok) throw new Error(second.error);
    expect(second.changes).toContainEqual(expect.objectContaining({ id: DEMO_CHANGED_REQUIREMENT, from: 'compliant', to: 'noncompliant' }));
    await evidence.stop();

    mirror.status = statusOf(agent, { scheduleIntervalSeconds: [], engineLoopDelayP99Ms: 0 });
    const samples = samplesOf(await registry.metrics());
    const sum = (name: string, labels: Record<string, string> = {}): number =>
      samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels.includes(`${k}="${v}"`))).reduce((n, s) => n + s.value, 0);
    const count = (name: string): number => samples.filter((s) => s.name === name).length;
    expect(count('kansa_attestation_expiry_timestamp_seconds')).toBe(mappings.attestations.length);
    expect(count('kansa_exception_expiry_timestamp_seconds')).toBe(mappings.exceptions.length);
    expect(sum('kansa_control_waived_resources')).toBeGreaterThan(0);
    expect(sum('kansa_evidence_last_snapshot_timestamp_seconds')).toBeGreaterThan(0);
    expect(sum('kansa_evidence_chain_head_sequence')).toBe(2);
    expect(sum('kansa_requirement_state_changes_total', { requirement: DEMO_CHANGED_REQUIREMENT, from: 'compliant', to: 'noncompliant' })).toBe(1);
    expect(count('kansa_requirement_last_change_timestamp_seconds')).toBeGreaterThan(0);
    // Alerts have something to fire on: an attestation within 30 days of expiry, one expired, an exception expiring.
    const now = Date.now() / 1000;
    const expiries = samples.filter((s) => s.name === 'kansa_attestation_expiry_timestamp_seconds').map((s) => s.value - now);
    expect(expiries.some((left) => left > 0 && left <= 30 * 86_400)).toBe(true);
    expect(expiries.some((left) => left < 0)).toBe(true);
    expect(samples.filter((s) => s.name === 'kansa_exception_expiry_timestamp_seconds').every((s) => s.value - now <= 30 * 86_400)).toBe(true);
    // Compliant and manual-attested items show on the board and the dashboards, not only non-compliant ones.
    expect(sum('kansa_requirements', { state: 'compliant' })).toBeGreaterThan(0);
    expect(readdirSync(config.evidence!.dir!).filter((n) => !n.startsWith('.'))).toHaveLength(2);
  }, 120_000);
});
