/** kansa validate: every problem of a file at once, and counts of what run would evaluate (disabled controls left out). */
import { runCli } from '../support/cli.js';
import { tempFiles } from '../support/files.js';

const AWS = 'collectors:\n  aws:\n    accounts: [{ id: "111122223333" }]\n';

it('reports every error of a configuration file, each with its line', async () => {
  const files = tempFiles({
    'kansa.yaml': 'listen: "nope"\nbogus: 1\ncollectors:\n  aws:\n    accounts: [{ id: "12" }]\n    schedule: "not a cron"\n',
    'empty.yaml': 'collectors:\n  aws:\n    enabled: true\n  gcp:\n    enabled: true\n',
  });
  const schema = await runCli(['validate', '--config', files['kansa.yaml']!]);
  expect(schema.code).toBe(2);
  const lines = schema.stderr.trim().split('\n');
  expect(lines.some((l) => /kansa\.yaml:1: listen: expected host:port/.test(l))).toBe(true);
  expect(lines.some((l) => /kansa\.yaml:1: unknown field\(s\) "bogus"/.test(l))).toBe(true);
  expect(lines.some((l) => /kansa\.yaml:5: collectors\.aws\.accounts\[0\]\.id: expected a 12-digit AWS account id/.test(l))).toBe(true);
  expect(lines.some((l) => /kansa\.yaml:6: collectors\.aws\.schedule: expected a cron expression/.test(l))).toBe(true);
  // Collectors with nothing to collect: both named, not the first only.
  const empty = await runCli(['validate', '--config', files['empty.yaml']!]);
  expect(empty.code).toBe(2);
  expect(empty.stderr.trim().split('\n')).toEqual([
    expect.stringMatching(/empty\.yaml:3: collectors\.aws: expected "accounts"/),
    expect.stringMatching(/empty\.yaml:5: collectors\.gcp: expected "scopes"/),
  ]);
});

it('reports every unknown disabled control, and every problem of the referenced files with them', async () => {
  const files = tempFiles({
    'kansa.yaml': `disabledControls: [aws-no-such-control, aws-s3-bucket-versioning, aws-typo]\nexceptions: ./ex.yaml\n${AWS}`,
    'ex.yaml': 'exceptions:\n  - id: a\n    control: aws-s3-bucket-versioning\n',
  });
  const run = await runCli(['validate', '--config', files['kansa.yaml']!]);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/kansa\.yaml:1: disabledControls\[0\]: unknown control "aws-no-such-control"/);
  expect(run.stderr).toMatch(/kansa\.yaml:1: disabledControls\[2\]: unknown control "aws-typo"/);
  expect(run.stderr).not.toMatch(/disabledControls\[1\]/);
  expect(run.stderr).toMatch(/ex\.yaml:2: exceptions\[0\]\.match/);
  expect(run.stderr).toMatch(/ex\.yaml:2: exceptions\[0\]\.expires/);
});

it('counts the controls run evaluates: disabled ones are left out and said so', async () => {
  const files = tempFiles({ 'all.yaml': AWS, 'some.yaml': `disabledControls: [aws-s3-bucket-versioning, aws-kms-key-policy-not-public]\n${AWS}` });
  const all = await runCli(['validate', '--config', files['all.yaml']!]);
  const some = await runCli(['validate', '--config', files['some.yaml']!]);
  expect([all.code, some.code]).toEqual([0, 0]);
  const count = (stdout: string): number => Number(/, (\d+) controls/.exec(stdout)?.[1]);
  expect(count(some.stdout)).toBe(count(all.stdout) - 2);
  expect(some.stdout).toContain(`${count(some.stdout)} controls (2 disabled)`);
  expect(all.stdout).not.toContain('disabled');
});
