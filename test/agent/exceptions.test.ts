/**
 * Exceptions end to end in the running agent: waived findings counted apart from failures in metrics,
 * each exception's expiry exported, an exception that matches nothing logged, and SIGHUP reloading them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAgent, type RunningAgent } from '../../src/agent/runtime.js';
import { configSchema } from '../../src/config/schema.js';
import { sandboxClientsOf } from '../../collectors/sandbox.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { waitFor } from '../support/processes.js';
import { capturedLogger, tempDir } from '../evidence/helpers.js';

const exceptionsYaml = (expires: string): string => `exceptions:
  - id: us-copies
    control: aws-data-stored-in-japan
    match: { region: "us-*" }
    justification: { ja: 日本の法令の下で運用する複製, en: copies operated under Japanese law }
    approvedBy: CISO
    expires: ${expires}
  - id: typo
    control: aws-data-stored-in-japan
    match: { account: "000000000000" }
    justification: { ja: 誤記, en: a typo }
    approvedBy: CISO
    expires: 2999-12-31
`;

const sample = (text: string, name: string, labels: Record<string, string>): number | undefined => {
  const selector = Object.entries(labels).map(([k, v]) => `(?=[^}]*${k}="${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}")`).join('');
  const m = new RegExp(`^${name}\\{${selector}[^}]*\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
};
const sum = (text: string, name: string, labels: Record<string, string>): number => {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
};

it('waives matching failures in metrics, exports expiry, logs an exception that matches nothing, and reloads on SIGHUP', async () => {
  const s = await startSandbox({ aws: { resources: 300, seed: 5 } });
  const file = join(tempDir(), 'exceptions.yaml');
  writeFileSync(file, exceptionsYaml('2999-12-31'));
  const { logger, records } = capturedLogger();
  const config = configSchema.parse({
    listen: '127.0.0.1:0',
    exceptions: file,
    collectors: { aws: { endpoint: s.aws.endpoint, regions: s.aws.regions, accounts: s.aws.accounts.map((id) => ({ id })), schedule: '0 0 1 1 *', maxAttempts: 1 } },
  });
  let agent: RunningAgent | undefined;
  try {
    expect(s.aws.regions.some((r) => r.startsWith('us-'))).toBe(true);
    agent = await startAgent({ config, sandbox: sandboxClientsOf(s), logger });
    const running = agent;
    await waitFor('the first assessment', () => Promise.resolve(running.ready ? true : undefined), 60_000, 20);
    const text = await (await fetch(`${agent.url}/metrics`)).text();
    const control = { control: 'aws-data-stored-in-japan' };
    const waived = sum(text, 'kansa_control_waived_resources', control);
    expect(waived).toBeGreaterThan(0);
    expect(sample(text, 'kansa_exception_expiry_timestamp_seconds', { exception: 'us-copies', control: 'aws-data-stored-in-japan' })).toBe(Date.parse('2999-12-31T23:59:59Z') / 1000);
    expect(records()).toContainEqual(expect.objectContaining({ event: 'exception_matched_nothing', exception: 'typo' }));
    expect(records()).not.toContainEqual(expect.objectContaining({ event: 'exception_matched_nothing', exception: 'us-copies' }));

    writeFileSync(file, exceptionsYaml('2020-01-31'));
    expect(agent.reloadAttestations()).toEqual({ ok: true, attestations: 0, exceptions: 2 });
    const after = await (await fetch(`${agent.url}/metrics`)).text();
    expect(sample(after, 'kansa_exception_expiry_timestamp_seconds', { exception: 'us-copies' })).toBe(Date.parse('2020-01-31T23:59:59Z') / 1000);

    writeFileSync(file, exceptionsYaml('2020-01-31').replace('control: aws-data-stored-in-japan', 'control: no-such-control'));
    const failed = agent.reloadAttestations();
    expect(failed.ok ? '' : failed.error).toMatch(/exceptions\.yaml:3: exceptions\[0\]\.control: unknown control "no-such-control"/);
  } finally {
    await agent?.stop();
    await s.close();
  }
});
