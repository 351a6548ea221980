/**
 * Issue #13, privacy: the identity data kansa reads carries principals, and the calls that read it carry
 * credentials. No secret of the sandbox (the secret access key every sandbox client signs with, the
 * session tokens STS issues) reaches any output: the scan JSON, the logs at trace level, the metrics, or
 * the evidence snapshot (every file, compressed ones unpacked). What identity evidence keeps is the
 * principal, booleans and dates, not where or with which service a key was last used.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { Registry } from 'prom-client';
import { AwsConfigCollector } from '../../collectors/aws/config-service.js';
import { awsCollectorSchema } from '../../collectors/aws/config.js';
import { sandboxAwsClients } from '../../collectors/aws/sandbox-clients.js';
import { Agent } from '../../src/agent/agent.js';
import { AgentMirror, statusOf } from '../../src/agent/status.js';
import { createLogger } from '../../src/log.js';
import { loadMappings } from '../../src/mappings/load.js';
import { registerAgentMetrics } from '../../src/metrics/metrics.js';
import { AWS_SANDBOX_SECRET } from '../../src/sandbox/aws-credentials.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

/** The sandbox's secret values: the signing secret, and the prefix of every session token its STS issues. */
const SECRETS = [AWS_SANDBOX_SECRET, 'KansaSandboxSession.'];
/** Report columns kansa drops (where and with which service a key was last used), as the sandbox estate writes them. */
const DROPPED = ['cloudformation', 'ap-northeast-3,ec2', 'last_used_region', 'last_used_service'];

function leaks(text: string): string[] {
  return [...SECRETS, ...DROPPED].filter((s) => text.includes(s));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('identity data and credentials stay out of every output', () => {
  it('the scan JSON carries identity findings (principals, reasons) and no secret', async () => {
    const run = await runCli(['scan', '--sandbox', '--sandbox-resources', '50', '--output', 'json']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/"control": ?"aws-iam-root-mfa"/);
    expect(run.stdout).toContain(':user/bob');
    expect(leaks(run.stdout + run.stderr)).toEqual([]);
  });

  it('the evidence snapshot (every file, unpacked) holds the identity inventory and no secret', async () => {
    const dir = join(tempDir(), 'evidence');
    const run = await runCli(['snapshot', '--sandbox', '--sandbox-resources', '50', '--dir', dir]);
    expect(run.code).toBe(0);
    const texts = filesUnder(dir).map((file) => (file.endsWith('.gz') ? gunzipSync(readFileSync(file)) : readFileSync(file)).toString('utf8'));
    const all = texts.join('\n');
    expect(all).toContain('AWS::IAM::CredentialReportUser');
    expect(all).toContain('"passwordLastUsedHoursAgo"');
    expect(leaks(all + run.stdout + run.stderr)).toEqual([]);
  });

  describe('an agent over the sandbox', () => {
    let sandbox: Sandbox;
    let logs = '';
    let agent: Agent;
    beforeAll(async () => {
      sandbox = await startSandbox({ aws: { resources: 50, seed: 9 } });
      // A denied call and a malformed report put error messages into the logs and the coverage.
      sandbox.aws.setRecording({ deniedActions: ['iam:GetAccountPasswordPolicy'] });
      const logger = createLogger('trace', new Writable({ write: (chunk: Buffer, _e, done) => ((logs += chunk.toString('utf8')), done()) }));
      const config = awsCollectorSchema.parse({ regions: sandbox.aws.regions, accounts: sandbox.aws.accounts.map((id) => ({ id })), maxAttempts: 1 });
      const collector = new AwsConfigCollector(config, sandboxAwsClients(sandbox.aws), () => Promise.resolve());
      agent = new Agent(loadMappings({}), [{ collector, staleAfterSeconds: 3600 }], { logger, now: () => new Date('2026-11-28T00:00:00Z'), apiCalls: { inc: () => undefined }, keptFindings: 'all' });
      await agent.runCollector(agent.collectors[0]!, new AbortController().signal);
    });
    afterAll(async () => sandbox.close());

    it('logs at trace level and the metrics hold no secret, while the identity controls are there', async () => {
      const registry = new Registry();
      const mirror = new AgentMirror(loadMappings({}), new Set());
      mirror.status = statusOf(agent, { scheduleIntervalSeconds: [3600], engineLoopDelayP99Ms: 0 });
      registerAgentMetrics(registry, mirror, { version: 'test' });
      const metrics = await registry.metrics();
      expect(metrics).toContain('control="aws-iam-console-user-mfa"');
      expect(logs).toContain('AccessDenied');
      expect(leaks(metrics)).toEqual([]);
      expect(leaks(logs)).toEqual([]);
      const assessment = JSON.stringify(agent.latest());
      expect(assessment).toContain('aws-iam-password-policy-min-length-14');
      expect(leaks(assessment)).toEqual([]);
    });
  });
});
