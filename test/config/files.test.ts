/** Checked-in files generated from or validated by the code stay in step with it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliRun } from '../support/cli.js';
import { PACKAGE_ROOT } from '../../src/paths.js';

const run = (...argv: string[]): Promise<CliRun> => runCli(argv, () => new Date('2026-11-28T00:00:00Z'));

it.each(['catalog', 'controls', 'attestations', 'exceptions', 'register', 'config'])('mappings/schemas/%s.schema.json is the schema the code validates with', async (kind) => {
  const generated = await run('schema', kind);
  expect(generated.code).toBe(0);
  // Regenerate with: npx kansa schema <kind> > mappings/schemas/<kind>.schema.json
  expect(readFileSync(join(PACKAGE_ROOT, 'mappings', 'schemas', `${kind}.schema.json`), 'utf8')).toBe(generated.stdout);
});

it('the example configuration, attestations and exceptions validate', async () => {
  const result = await run('validate', '--config', join(PACKAGE_ROOT, 'deploy', 'kansa.example.yaml'));
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/valid — catalog jp-cloud-procurement .* \(66 requirements\), \d+ controls, 3 attestations, 1 exceptions, collectors: aws-config \(\*\/30 \* \* \* \*\)/);
});

it('kansa validate exits 2 naming file, line and path for a bad configuration', async () => {
  const { tempFiles } = await import('../support/files.js');
  const files = tempFiles({ 'bad.yaml': 'collectors:\n  aws:\n    schedule: "61 * * * *"\n    accounts: [{ id: "111122223333" }]\n' });
  const result = await run('validate', '--config', files['bad.yaml']!);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/bad\.yaml:3: collectors\.aws\.schedule: expected a cron expression/);
});
