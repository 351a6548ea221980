/**
 * An agent that collects one cloud from the sandbox loads that cloud's SDK only, as it would in production: the
 * three SDKs together are ~120 MB of resident memory (#10: the live bench's memory is the agent's, not the sandbox
 * mode's). A fresh Node process (this file's own modules are shared by every test file) builds the collectors of one
 * provider through `sandboxClientOverrides`; an ES module loader hook records every package it resolves.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { tempDir } from '../support/temp.js';

const run = promisify(execFile);

/** The SDK packages each provider's clients are built from. */
const SDK = { aws: /\/node_modules\/@aws-sdk\//, azure: /\/node_modules\/@azure\/arm-/, gcp: /\/node_modules\/@google-cloud\/asset\// } as const;
type Provider = keyof typeof SDK;

/** The SDKs loaded while `provider`'s collector is built from sandbox clients (no request is sent). */
async function sdksLoadedFor(provider: Provider): Promise<Provider[]> {
  const dir = tempDir();
  const files = { resolved: join(dir, 'resolved.txt'), hooks: join(dir, 'hooks.mjs'), build: join(dir, 'build.mjs') };
  // Runs in the loader's own thread: every resolved URL goes to a file the test reads afterwards.
  const hooks = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(files.resolved)}, resolved.url + '\\n');
  return resolved;
}`;
  const listeners = {
    aws: { endpoint: 'http://127.0.0.1:9', managementAccount: '111111111111' },
    azure: { endpoint: 'https://127.0.0.1:9', token: 'token', ca: '' },
    gcp: { apiEndpoint: '127.0.0.1', port: 9 },
  };
  const collectors = {
    aws: { enabled: true, accounts: [{ id: '111111111111' }] },
    azure: { enabled: true, subscriptions: ['0b1f6471-1bf0-4dda-aec3-111111111111'] },
    gcp: { enabled: true, scopes: ['projects/kansa-sandbox-prod'] },
  };
  const dist = (path: string): string => JSON.stringify(pathToFileURL(join(PACKAGE_ROOT, 'dist', path)).href);
  const build = `import { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(files.hooks).href)});
const { buildCollectors, closeCollectors } = await import(${dist('collectors/registry.js')});
const { sandboxClientOverrides } = await import(${dist('collectors/sandbox.js')});
const { collectorsConfigSchema } = await import(${dist('collectors/config.js')});
const config = { collectors: collectorsConfigSchema.parse({ ${provider}: ${JSON.stringify(collectors[provider])} }) };
const configured = await buildCollectors(config, sandboxClientOverrides(${JSON.stringify(listeners)}));
if (configured.length !== 1) throw new Error('expected one collector, built ' + configured.length);
await closeCollectors(configured);`;
  writeFileSync(files.resolved, '');
  writeFileSync(files.hooks, hooks);
  writeFileSync(files.build, build);
  await run(process.execPath, [files.build], { cwd: PACKAGE_ROOT });
  const resolved = readFileSync(files.resolved, 'utf8');
  return (Object.keys(SDK) as Provider[]).filter((p) => SDK[p].test(resolved));
}

it.each(['aws', 'azure', 'gcp'] as const)('builds the %s collector from sandbox clients with its own SDK only', async (provider) => {
  expect(await sdksLoadedFor(provider)).toEqual([provider]);
}, 60_000);
