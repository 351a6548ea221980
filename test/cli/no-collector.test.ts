/** Commands that collect refuse to start without a collector: `run` would otherwise never become ready. */
import { runCli } from '../support/cli.js';
import { tempFiles } from '../support/files.js';

describe('run, scan and snapshot without a collector', () => {
  const files = tempFiles({ 'kansa.yaml': 'log:\n  level: warn\n', 'aws-off.yaml': 'collectors:\n  aws:\n    enabled: false\n    accounts: [{ id: "111122223333" }]\n' });

  it.each([
    ['run', []],
    ['scan', []],
    ['snapshot', ['--dir', files['kansa.yaml']! + '.evidence']],
  ])('kansa %s exits 2 naming the configuration and what to configure', async (command, extra) => {
    for (const config of [undefined, files['kansa.yaml']!, files['aws-off.yaml']!]) {
      const result = await runCli([command, ...(config ? ['--config', config] : []), ...extra]);
      expect({ config, code: result.code }).toEqual({ config, code: 2 });
      expect(result.stderr).toContain(`${config ?? '(no --config)'}: collectors: no collector is enabled: configure collectors.aws, collectors.azure or collectors.gcp, or use --sandbox`);
    }
  });
});
