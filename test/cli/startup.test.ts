/** Start-up failures exit 2 with the culprit named, and never leave the engine worker holding the process open. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { tempFiles } from '../support/files.js';

const KANSA = join(PACKAGE_ROOT, 'bin', 'kansa.js');

function kansa(...args: string[]): { status: number | null; stderr: string; timedOut: boolean } {
  const run = spawnSync(process.execPath, [KANSA, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stderr: run.stderr, timedOut: run.error !== undefined };
}

it('kansa run --listen with a port above 65535 exits 2 naming --listen, instead of hanging', () => {
  const run = kansa('run', '--sandbox', '--sandbox-resources', '20', '--listen', '127.0.0.1:99999');
  expect({ timedOut: run.timedOut, status: run.status }).toEqual({ timedOut: false, status: 2 });
  expect(run.stderr).toMatch(/kansa: --listen: expected host:port with a port from 1 to 65535/);
});

it('a configuration with such a port is refused by validate and run alike, with file:line', () => {
  const files = tempFiles({ 'kansa.yaml': 'listen: "127.0.0.1:99999"\ncollectors:\n  aws:\n    accounts: [{ id: "111122223333" }]\n' });
  for (const command of [['validate', '--config', files['kansa.yaml']!], ['run', '--config', files['kansa.yaml']!]]) {
    const run = kansa(...command);
    expect({ command, timedOut: run.timedOut, status: run.status }).toEqual({ command, timedOut: false, status: 2 });
    expect(run.stderr).toMatch(/kansa\.yaml:1: listen: expected a port from 1 to 65535/);
  }
});

it('kansa validate checks what run checks before collecting and reports every error, not the first', () => {
  const files = tempFiles({
    'kansa.yaml': 'web:\n  configFile: ./no-such-web.yml\nevidence:\n  dir: ./evidence\n  key: ./no-such-key.pem\ncollectors:\n  aws:\n    accounts: [{ id: "111122223333" }]\n',
  });
  const run = kansa('validate', '--config', files['kansa.yaml']!);
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(/no-such-web\.yml/);
  expect(run.stderr).toMatch(/no-such-key\.pem: cannot read the evidence signing key/);
  expect(run.stderr.trim().split('\n').filter((line) => line.startsWith('kansa: '))).toHaveLength(2);
});

it('kansa run reports every problem of a mapping file at start-up and exits 2', () => {
  const bad = (id: string, expression: string, severity = 'high'): string =>
    `  - id: ${id}\n    title: { ja: 題, en: Title }\n    provider: aws\n    resourceTypes: [AWS::EC2::Volume]\n    kind: each\n    expression: ${expression}\n` +
    `    severity: ${severity}\n    rationale: { ja: 根拠, en: why }\n    remediation: { ja: 対処, en: fix }\n    requirements: { jp-cloud-procurement: ["2-1"] }\n`;
  const files = tempFiles({
    'c.yaml': `controls:\n${bad('one', 'resource.configuration.encrypted ==')}${bad('two', 'variables.nothing')}${bad('three', 'resource.configuration.encrypted == true', 'urgent')}`,
    'kansa.yaml': 'controls: [./c.yaml]\ncollectors:\n  aws:\n    accounts: [{ id: "111122223333" }]\n',
  });
  const run = kansa('run', '--config', files['kansa.yaml']!);
  expect({ timedOut: run.timedOut, status: run.status }).toEqual({ timedOut: false, status: 2 });
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(/c\.yaml:7: controls\[0\]\.expression: CEL does not compile/);
  expect(lines[1]).toMatch(/c\.yaml:17: controls\[1\]\.expression: unknown variable "variables\.nothing" \(this control declares no variables\)/);
  expect(lines[2]).toMatch(/c\.yaml:28: controls\[2\]\.severity: Invalid option: expected one of "critical"/);
});
