/**
 * The engine worker as `kansa run` uses it: start-up errors cross the thread boundary as InputErrors,
 * API call counts and logs arrive intact, the HTTP thread's copy of the status stays small whatever
 * the estate's size, and stopping mid-scan abandons the scan inside the worker.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEngine, type EngineInput } from '../../src/agent/engine.js';
import { startAgent, type RunningAgent } from '../../src/agent/runtime.js';
import { ENGINE_NICENESS, GC_HELPER_THREAD_NAME } from '../../src/agent/priority.js';
import { longestGapSeconds } from '../../src/agent/scheduler.js';
import { configSchema, type AgentConfig } from '../../src/config/schema.js';
import { InputError, InputErrors, inputErrorLines } from '../../src/errors.js';
import { sandboxClientsOf } from '../../collectors/sandbox.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { tempFiles } from '../support/files.js';
import { waitFor } from '../support/processes.js';
import { capturedLogger, tempDir } from '../evidence/helpers.js';

const awsConfig = (sandbox: Sandbox, extra: Record<string, unknown> = {}): AgentConfig =>
  configSchema.parse({
    listen: '127.0.0.1:0',
    collectors: { aws: { endpoint: sandbox.aws.endpoint, regions: sandbox.aws.regions, accounts: sandbox.aws.accounts.map((id) => ({ id })), schedule: '0 0 1 1 *', maxAttempts: 1 } },
    ...extra,
  });

/** Each thread of this process and its nice value (proc(5): field 19 of /proc/PID/task/TID/stat, after the name in parentheses). */
/** Each thread of this process: its niceness, and its name (comm, as in stat). */
function threadNiceness(): Map<number, { nice: number; name: string }> {
  const threads = new Map<number, { nice: number; name: string }>();
  for (const id of readdirSync('/proc/self/task')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${id}/stat`, 'utf8');
    } catch {
      continue; // the thread ended while listed
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    threads.set(Number(id), { nice: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]), name });
  }
  return threads;
}

const ready = (agent: RunningAgent): Promise<true> => waitFor('the first assessment', () => Promise.resolve(agent.ready ? true : undefined), 60_000, 20);

describe('agent engine worker', () => {
  const sandboxes: Sandbox[] = [];
  const sandbox = async (resources: number): Promise<Sandbox> => {
    const s = await startSandbox({ aws: { resources, seed: 11 } });
    sandboxes.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of sandboxes) await s.close();
  });

  it('reports a start-up error inside the worker (unreadable signing key) as the InputError start-up would give', async () => {
    const s = await sandbox(100);
    const key = join(tempDir(), 'evidence.key');
    writeFileSync(key, 'not a PEM key\n', { mode: 0o600 });
    const { logger } = capturedLogger();
    const started = startAgent({ config: awsConfig(s, { evidence: { dir: tempDir(), key } }), sandbox: sandboxClientsOf(s), logger });
    await expect(started).rejects.toBeInstanceOf(InputError);
    await expect(started).rejects.toMatchObject({ file: key });
  });

  it('carries every mapping problem found inside the worker across the thread boundary, not only the first', async () => {
    const s = await sandbox(100);
    // Three broken controls (a CEL error, an unknown requirement, a schema error): what the worker finds
    // when the files changed after the HTTP thread read them, and what a reload there would meet.
    const line = (id: string, edit: (text: string) => string): string =>
      edit(
        `  - id: ${id}\n    title: { ja: ボリュームの暗号化, en: Volumes encrypted }\n    provider: aws\n    resourceTypes: [AWS::EC2::Volume]\n    kind: each\n` +
          `    expression: resource.configuration.encrypted == true\n    severity: high\n    rationale: { ja: 保存データの暗号化, en: data at rest is encrypted }\n` +
          `    remediation: { ja: 暗号化を有効にする, en: enable encryption }\n    requirements: { jp-cloud-procurement: ["2-1"] }\n`,
      );
    const files = tempFiles({
      'controls.yaml': `controls:\n${line('first', (t) => t.replace('encrypted == true', 'encrypted =='))}${line('second', (t) => t.replace('["2-1"]', '["2-1", "11-1"]'))}${line('third', (t) => t.replace('kind: each', 'kind: every'))}`,
    });
    const { logger } = capturedLogger();
    const started = startEngine(
      { config: awsConfig(s, { controls: [files['controls.yaml']!] }), runAtStart: false, logLevel: 'info', version: 'test' },
      { logger, onStatus: () => undefined, onApiCalls: () => undefined, onFailure: () => undefined },
    );
    const error = await started.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputErrors);
    const lines = inputErrorLines(error as InputErrors);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/controls\.yaml:7: controls\[0\]\.expression: CEL does not compile: /);
    expect(lines[1]).toMatch(/controls\.yaml:\d+: controls\[1\]\.requirements\.jp-cloud-procurement\[1\]: unknown requirement "11-1"/);
    expect(lines[2]).toMatch(/controls\.yaml:\d+: controls\[2\]\.kind: /);
  });

  it('counts every API call the worker made and replays its logs into the caller’s logger', async () => {
    const s = await sandbox(1500);
    s.resetCalls();
    const { logger, records } = capturedLogger();
    const agent = await startAgent({ config: awsConfig(s), sandbox: sandboxClientsOf(s), logger });
    try {
      await ready(agent);
      const text = await (await fetch(`${agent.url}/metrics`)).text();
      const counted = [...text.matchAll(/^kansa_collector_api_requests_total\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
      expect(counted).toBe(s.calls().total);
      expect(counted).toBeGreaterThan(0);
      // What the alert rules compare data age with: the configured staleness and the schedule's longest gap.
      expect(text).toMatch(new RegExp(`^kansa_collector_stale_after_seconds\\{provider="aws",collector="[^"]+"\\} ${awsConfig(s).collectors.aws!.staleAfterSeconds}$`, 'm'));
      expect(text).toMatch(/^kansa_collector_schedule_interval_seconds\{provider="aws",collector="[^"]+"\} 31622400$/m); // "0 0 1 1 *": a leap year
      const finished = records().find((r) => r['msg'] === 'scan finished');
      expect(finished).toMatchObject({ app: 'kansa', collector: expect.any(String) as string });
      expect(typeof finished?.['level']).toBe('number');
    } finally {
      await agent.stop();
    }
  });

  it('runs the engine thread at a lower priority than the HTTP thread, so a scrape never waits behind a scan for a core', async () => {
    const s = await sandbox(100);
    const before = threadNiceness();
    const { logger } = capturedLogger();
    const agent = await startAgent({ config: awsConfig(s), sandbox: sandboxClientsOf(s), logger });
    try {
      await ready(agent);
      const during = threadNiceness();
      // This (the HTTP) thread keeps its priority; exactly one new thread, the engine's, and V8's garbage
      // collector helpers (which work mostly for the engine's heap) run at ENGINE_NICENESS; nothing else changed.
      const started = before.get(process.pid)!.nice;
      expect(during.get(process.pid)?.nice).toBe(started);
      const engine = [...during].filter(([id, t]) => !before.has(id) && t.name !== GC_HELPER_THREAD_NAME && t.nice === ENGINE_NICENESS);
      expect(engine).toHaveLength(1);
      const helpers = [...during].filter(([, t]) => t.name === GC_HELPER_THREAD_NAME);
      // Node.js names its threads from version 24 on; on 22 the helpers cannot be found, and stay as they were.
      if (Number(process.versions.node.split('.')[0]) >= 24) expect(helpers.length).toBeGreaterThan(0);
      expect(helpers.filter(([, t]) => t.nice !== Math.max(started, ENGINE_NICENESS))).toEqual([]);
      const others = [...during].filter(([id, t]) => t.name !== GC_HELPER_THREAD_NAME && !engine.some(([e]) => e === id));
      expect(others.filter(([, t]) => t.nice !== started)).toEqual([]);
    } finally {
      await agent.stop();
    }
  });

  it('serves a denied account as down (kansa_collector_up 0) and the failures of the others over /metrics, across the worker boundary', async () => {
    const s = await sandbox(400);
    const denied = s.aws.accounts[0]!;
    s.setFaults({ accessDeniedAccounts: [denied] });
    const { logger } = capturedLogger();
    const agent = await startAgent({ config: awsConfig(s), sandbox: sandboxClientsOf(s), logger });
    try {
      await ready(agent);
      const text = await (await fetch(`${agent.url}/metrics`)).text();
      const up = [...text.matchAll(/^kansa_collector_up\{provider="aws",account="(\d+)",collector="[^"]+"\} (\d)$/gm)].map((m) => [m[1], Number(m[2])]);
      expect(up.sort()).toEqual(s.aws.accounts.map((a) => [a, a === denied ? 0 : 1]).sort());
      const tally = (metric: string, account: (a: string) => boolean): number =>
        [...text.matchAll(new RegExp(`^${metric}\\{control="[^"]+",provider="aws",account="(\\d+)"\\} (\\d+)$`, 'gm'))].filter((m) => account(m[1]!)).reduce((n, m) => n + Number(m[2]), 0);
      // The denied account: everything unknown, nothing failing; the others: failures counted as the HTTP thread's status has them.
      expect(tally('kansa_control_failing_resources', (a) => a === denied)).toBe(0);
      expect(tally('kansa_control_unknown_resources', (a) => a === denied)).toBeGreaterThan(0);
      const failing = tally('kansa_control_failing_resources', (a) => a !== denied);
      expect(failing).toBeGreaterThan(0);
      expect(failing).toBe(agent.status.assessment?.tallies.filter((t) => t.account !== denied).reduce((n, t) => n + t.failing, 0));
    } finally {
      await agent.stop();
    }
  });

  it('keeps a status on the HTTP thread whose size does not grow with the estate (no findings, no resources)', async () => {
    const sizes: number[] = [];
    for (const resources of [300, 6000]) {
      const s = await sandbox(resources);
      const { logger } = capturedLogger();
      const agent = await startAgent({ config: awsConfig(s), sandbox: sandboxClientsOf(s), logger });
      try {
        await ready(agent);
        const status = agent.status;
        expect(status.collectors[0]?.accounts.reduce((n, a) => n + a.resources, 0)).toBeGreaterThan(resources / 2);
        expect(Object.keys(status.assessment ?? {}).sort()).toEqual(['catalog', 'coverage', 'generatedAt', 'requirements', 'summary', 'tallies']);
        // Coverage travels as counts per account, not as the scopes themselves.
        expect(status.assessment?.coverage.map((c) => Object.keys(c).sort())).toEqual(status.collectors[0]?.accounts.map(() => ['account', 'provider', 'scopes', 'uncoveredTypes', 'unreadable']));
        sizes.push(JSON.stringify({ ...status, engineLoopDelayP99Ms: 0 }).length);
      } finally {
        await agent.stop();
      }
    }
    // Only counts differ (a few digits each); a per-resource leak would multiply the size by ~20.
    expect(sizes[1]! / sizes[0]!).toBeLessThan(1.2);
  });

  it('abandons an in-flight scan inside the worker at stop and reports it as not ready', async () => {
    const s = await sandbox(3000);
    s.setFaults({ latencyMs: 300 });
    const { logger, records } = capturedLogger();
    const agent = await startAgent({ config: awsConfig(s), sandbox: sandboxClientsOf(s), logger });
    try {
      await waitFor('the scan to start', () => Promise.resolve(agent.status.collectors.some((c) => c.running) ? true : undefined), 30_000, 10);
    } finally {
      await agent.stop();
    }
    expect(agent.ready).toBe(false);
    expect(records().map((r) => r['msg'])).toContain('scan abandoned at shutdown');
    await expect(fetch(`${agent.url}/metrics`)).rejects.toThrow();
  });
});

describe('attestations reload (SIGHUP)', () => {
  it('applies a renewed or expired attestations file without losing collected data, and keeps the old one when the new one is broken', async () => {
    const s = await startSandbox({ aws: { resources: 200, seed: 5 } });
    const file = join(tempDir(), 'attestations.yaml');
    const attestation = (expires: string): string =>
      `attestations:\n  - requirement: "1-1"\n    statement: "目的外利用を禁止する規程がある。"\n    evidence: "DOC-1"\n    owner: 情報セキュリティ管理者\n    attested: 2020-01-01\n    expires: ${expires}\n`;
    writeFileSync(file, attestation('2999-12-31'));
    const { logger, records } = capturedLogger();
    const agent = await startAgent({ config: awsConfig(s, { attestations: file }), sandbox: sandboxClientsOf(s), logger });
    const state = (): string | undefined => agent.status.assessment?.requirements.find((r) => r.id === '1-1')?.status;
    const metric = async (): Promise<string> => (await (await fetch(`${agent.url}/metrics`)).text()).match(/^kansa_attestations_last_reload_successful (\d)$/m)?.[1] ?? 'absent';
    try {
      await ready(agent);
      expect(state()).toBe('compliant');

      writeFileSync(file, attestation('2020-12-31'));
      expect(agent.reloadAttestations()).toEqual({ ok: true, attestations: 1, exceptions: 0 });
      await waitFor('the expired attestation to apply', () => Promise.resolve(state() === 'not_assessed' ? true : undefined), 10_000, 10);
      expect(agent.ready).toBe(true); // the collected data stays: no new scan was needed
      expect(await metric()).toBe('1');

      writeFileSync(file, attestation('2999-12-31').replace('requirement: "1-1"', 'requirement: "no-such-item"'));
      const failed = agent.reloadAttestations();
      expect(failed).toMatchObject({ ok: false, error: expect.stringContaining(file) as string });
      expect(failed.ok ? '' : failed.error).toContain('unknown requirement "no-such-item"');
      expect(await metric()).toBe('0');
      expect(state()).toBe('not_assessed');
      expect(records()).toContainEqual(expect.objectContaining({ event: 'attestations_reload_failed', file, level: 50 }));

      // Two problems in the file: the reload reports (and logs) both, one entry each.
      const second = attestation('2019-12-31').replace('attestations:\n', '');
      writeFileSync(file, attestation('2999-12-31').replace('requirement: "1-1"', 'requirement: "no-such-item"') + second);
      const twice = agent.reloadAttestations();
      const expected = [expect.stringContaining('attestations[0].requirement: unknown requirement "no-such-item"'), expect.stringContaining('attestations[1].expires: expires (2019-12-31) is before attested')];
      expect(twice.ok ? [] : twice.error.split('\n')).toEqual(expected);
      const logged = records().filter((r) => r['event'] === 'attestations_reload_failed').at(-1);
      expect(logged?.['errors']).toEqual(expected);
    } finally {
      await agent.stop();
      await s.close();
    }
  });
});

describe('engine failure after start-up', () => {
  const crashingEngine = (crash: 'after-start' | 'on-stop', onFailure: (error: Error) => void, logger = capturedLogger().logger): ReturnType<typeof startEngine> =>
    startEngine(
      { config: configSchema.parse({}), runAtStart: false, logLevel: 'info', version: 'test', crash } as EngineInput,
      { logger, onStatus: () => undefined, onApiCalls: () => undefined, onFailure },
      { module: new URL('./fixtures/crashing-engine.js', import.meta.url) },
    );

  it('starts the worker with the configured young generation (16 MB by default), or V8’s own with 0', async () => {
    const youngGeneration = async (memory: Record<string, unknown>): Promise<unknown> => {
      const { logger, records } = capturedLogger();
      const engine = await startEngine(
        { config: configSchema.parse({ memory }), runAtStart: false, logLevel: 'info', version: 'test' },
        { logger, onStatus: () => undefined, onApiCalls: () => undefined, onFailure: () => undefined },
        { module: new URL('./fixtures/limits-engine.js', import.meta.url) },
      );
      await engine.stop();
      return (records().find((r) => r['msg'] === 'limits')?.['limits'] as Record<string, number>)['maxYoungGenerationSizeMb'];
    };
    expect(await youngGeneration({})).toBe(16);
    expect(await youngGeneration({ youngGenerationMb: 4 })).toBe(4);
    // V8's own size is derived from the heap limit: far above 16 MB on a 64-bit machine.
    expect(await youngGeneration({ youngGenerationMb: 0 })).toBeGreaterThan(16);
  });

  it('replays the worker’s log lines at their own level, redacted', async () => {
    const { logger, records } = capturedLogger();
    const engine = await crashingEngine('on-stop', () => undefined, logger);
    await engine.stop();
    expect(records()).toEqual([
      expect.objectContaining({ msg: 'crashing engine loaded', engine: 'fixture', level: 30 }),
      expect.objectContaining({ msg: 'a warning', token: '[redacted]', level: 40 }),
      expect.objectContaining({ msg: 'an error', level: 50 }),
    ]);
    expect(records().map((r) => r['hostname'])).not.toContain('worker');
  });

  it('reports a worker that dies once (error, then exit), and stop() called from the report returns', async () => {
    const failures: Error[] = [];
    let stoppedFromReport: Promise<void> | undefined;
    const engine = await crashingEngine('after-start', (error) => {
      failures.push(error);
      stoppedFromReport = engine.stop(); // what `kansa run` does: shut down on the first report
    });
    engine.start();
    await waitFor('the failure', () => Promise.resolve(stoppedFromReport ? true : undefined), 10_000, 10);
    await stoppedFromReport;
    expect(failures).toHaveLength(1);
    expect(failures[0]?.message).toContain('engine bug');
  });

  it('returns from stop() when the worker dies while stopping', async () => {
    const failures: Error[] = [];
    const engine = await crashingEngine('on-stop', (error) => failures.push(error));
    engine.start();
    await engine.stop();
    expect(failures).toEqual([]); // dying while asked to stop is not reported as a failure
  });
});

describe('schedule gaps', () => {
  // UTC: no daylight-saving change inside the look-ahead, whatever the machine's zone and the date.
  it('is the longest time between two runs of a cron schedule, whatever the day it is read', () => {
    expect(longestGapSeconds('*/30 * * * *', 'UTC')).toBe(1800);
    expect(longestGapSeconds('0 * * * *', 'UTC')).toBe(3600);
    expect(longestGapSeconds('0 9-17 * * 1-5', 'UTC')).toBe(64 * 3600); // Friday 17:00 to Monday 09:00
    expect(longestGapSeconds('*/15 * * * 1-5', 'UTC')).toBe(2 * 86_400 + 900); // Friday 23:45 to Monday 00:00, on any weekday
    expect(longestGapSeconds('*/10 * * * * *', 'UTC')).toBe(10);
    expect(longestGapSeconds('0 3 1 * *', 'UTC')).toBe(31 * 86_400); // the longest month
  });
});
