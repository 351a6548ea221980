import { defaultConfig, loadConfig, parseListen } from '../../src/config/load.js';
import { InputError } from '../../src/errors.js';
import { tempFiles } from '../support/files.js';

function configError(text: string): InputError {
  const files = tempFiles({ 'kansa.yaml': text });
  try {
    loadConfig(files['kansa.yaml']!);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('agent configuration', () => {
  it('fills defaults and resolves relative paths against the file', () => {
    const files = tempFiles({
      'kansa.yaml': 'listen: ":9999"\nattestations: attest.yaml\ncollectors:\n  aws:\n    accounts: [{ id: "111122223333" }]\n',
    });
    const config = loadConfig(files['kansa.yaml']!);
    expect(config.listen).toBe(':9999');
    expect(config.attestations).toBe(`${files.dir}/attest.yaml`);
    expect(config.collectors.aws).toMatchObject({ enabled: true, schedule: '*/30 * * * *', concurrencyPerAccount: 4, staleAfterSeconds: 7200 });
    // No regions by default: each scan collects every region enabled for the account (region discovery).
    expect(config.collectors.aws?.regions).toBeUndefined();
    expect(defaultConfig()).toMatchObject({ listen: '127.0.0.1:9731', collectors: {}, memory: { heapGrowthPercent: 15, youngGenerationMb: 16, optimizeForSize: true } });
  });

  it.each([
    ['an invalid cron expression', 'collectors:\n  aws:\n    schedule: "every hour"\n    accounts: [{ id: "111122223333" }]\n', 'collectors.aws.schedule', /expected a cron expression/, 3],
    ['an account id that YAML read as a number', 'collectors:\n  aws:\n    accounts: [{ id: 111122223333 }]\n', 'collectors.aws.accounts[0].id', /expected string/, 3],
    ['an unknown field', 'collectors:\n  aws:\n    acounts: []\n', 'collectors.aws', /unknown field\(s\) "acounts"/, 3],
    ['a bad listen address', 'listen: localhost\n', 'listen', /expected host:port/, 1],
    ['a listen port above 65535', 'listen: "127.0.0.1:99999"\n', 'listen', /expected a port from 1 to 65535/, 1],
    ['a jitter beyond an hour (a timer that would overflow)', 'collectors:\n  aws:\n    jitterSeconds: 9000000000000\n    accounts: [{ id: "111122223333" }]\n', 'collectors.aws.jitterSeconds', /less than or equal to 3600|<=3600|3600/, 3],
    ['a heap growth beyond 300 %', 'memory:\n  heapGrowthPercent: 400\n', 'memory.heapGrowthPercent', /300/, 2],
    ['a young generation beyond 256 MB', 'memory:\n  youngGenerationMb: 1024\n', 'memory.youngGenerationMb', /256/, 2],
    ['a bad region', 'collectors:\n  aws:\n    regions: [tokyo]\n    accounts: [{ id: "111122223333" }]\n', 'collectors.aws.regions[0]', /expected an AWS region/, 3],
    ['AWS without accounts or aggregator', 'collectors:\n  aws: {}\n', 'collectors.aws', /expected "accounts".*or "aggregator"/, 2],
    ['GCP without scopes', 'collectors:\n  gcp:\n    requestsPerMinute: 60\n', 'collectors.gcp', /expected "scopes"/, 3],
    ['Azure without subscriptions or discovery', 'collectors:\n  azure:\n    discoverSubscriptions: false\n', 'collectors.azure', /expected "subscriptions", or discoverSubscriptions: true/, 3],
  ])('rejects %s with file:line, path and reason', (_what, text, path, reason, line) => {
    const error = configError(text);
    expect(error.path).toBe(path);
    expect(error.reason).toMatch(reason);
    expect(error.file).toMatch(new RegExp(`kansa\\.yaml:${line}$`));
  });

  it('accepts disabled collectors with nothing to collect, and Azure discovering its subscriptions', () => {
    const files = tempFiles({ 'kansa.yaml': 'collectors:\n  aws:\n    enabled: false\n  gcp:\n    enabled: false\n  azure: {}\n' });
    expect(loadConfig(files['kansa.yaml']!).collectors).toMatchObject({ aws: { enabled: false }, gcp: { enabled: false }, azure: { enabled: true, subscriptions: [], discoverSubscriptions: true } });
  });

  it('parses listen addresses', () => {
    expect(parseListen('127.0.0.1:9731')).toEqual({ host: '127.0.0.1', port: 9731 });
    expect(parseListen(':9731')).toEqual({ host: '0.0.0.0', port: 9731 });
    expect(parseListen('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(() => parseListen('host:99999')).toThrow(InputError);
  });
});
