/**
 * The dependency rule (.dependency-cruiser.js): the tree keeps it, and the rule is not vacuous — run on a
 * small tree with the same rooms, each deliberately wrong import is reported under the rule it breaks,
 * the named exception (the evidence S3 store's own S3 client) is not, and a tree of allowed arrows passes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../support/temp.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const config = join(root, '.dependency-cruiser.js');
const depcruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');

/** One reported violation, as `npm run deps` prints it: `error <rule>: <from> → <to>` (a cycle: its first step). */
function violationsIn(output: string): string[] {
  return [...output.matchAll(/^\s*error ([\w-]+): (\S+) →\s+(\S+)/gm)].map((m) => `${m[1]}: ${m[2]} → ${m[3]}`).sort();
}

/** Runs the checker as `npm run deps` does (its default output; the exit code counts the errors). */
function cruise(cwd: string, paths: readonly string[]): { status: number | null; violations: string[]; output: string; stderr: string } {
  const run = spawnSync(process.execPath, [depcruise, '--config', config, ...paths], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: run.status, violations: violationsIn(run.stdout), output: run.stdout, stderr: run.stderr };
}

/** A tree of the project's rooms: the given files, a tsconfig, and stand-in cloud SDK packages. */
function tree(files: Record<string, string>): string {
  const dir = tempDir('kansa-deps-');
  const all: Record<string, string> = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true }, include: ['src', 'collectors'] }),
    'node_modules/@aws-sdk/client-s3/package.json': JSON.stringify({ name: '@aws-sdk/client-s3', version: '0.0.0', main: 'index.js' }),
    'node_modules/@aws-sdk/client-s3/index.js': 'exports.S3Client = class {};\n',
    'node_modules/@aws-sdk/client-config-service/package.json': JSON.stringify({ name: '@aws-sdk/client-config-service', version: '0.0.0', main: 'index.js' }),
    'node_modules/@aws-sdk/client-config-service/index.js': 'exports.ConfigServiceClient = class {};\n',
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Modules every room may stand on: engine types, the contract, a collector, an agent, a command. */
const ROOMS: Record<string, string> = {
  'src/model/resource.ts': 'export interface Resource { readonly id: string }\n',
  'src/evaluate/assessment.ts': "import type { Resource } from '../model/resource.js';\nexport interface Assessment { readonly resources: readonly Resource[] }\n",
  'src/contract/status.ts': "import type { Assessment } from '../evaluate/assessment.js';\nexport interface EngineStatus { readonly assessment?: Assessment }\n",
  'src/errors.ts': 'export class InputError extends Error {}\n',
  'collectors/types.ts': "import type { Resource } from '../src/model/resource.js';\nexport interface Collector { collect(): Promise<readonly Resource[]> }\n",
  'collectors/registry.ts': "import type { Collector } from './types.js';\nexport const COLLECTORS: readonly Collector[] = [];\n",
  'src/metrics/metrics.ts': "import type { EngineStatus } from '../contract/status.js';\nexport function render(status: EngineStatus): string { return String(status.assessment); }\n",
  'src/agent/agent.ts': "import { COLLECTORS } from '../../collectors/registry.js';\nimport type { EngineStatus } from '../contract/status.js';\nexport class Agent { readonly collectors = COLLECTORS; status(): EngineStatus { return {}; } }\n",
  'src/cli/load.ts': "export function loadMappings(): string { return ''; }\n",
  'src/cli/main.ts': "import { Agent } from '../agent/agent.js';\nimport { render } from '../metrics/metrics.js';\nexport const main = (): string => render(new Agent().status());\n",
};

describe('dependency rule (.dependency-cruiser.js)', () => {
  it('holds for src/, collectors/, bench/ and test/', () => {
    const { status, violations, output, stderr } = cruise(root, ['src', 'collectors', 'bench', 'test']);
    expect(violations).toEqual([]);
    expect(stderr).toBe('');
    expect(output).toMatch(/no dependency violations found/);
    expect(status).toBe(0);
  });

  it('passes a tree whose imports all point down', () => {
    const { status, violations } = cruise(
      tree({
        ...ROOMS,
        // The named exception: the evidence S3 store's own storage client.
        'src/evidence/s3-store.ts': "import { S3Client } from '@aws-sdk/client-s3';\nexport const client = S3Client;\n",
      }),
      ['src', 'collectors'],
    );
    expect(violations).toEqual([]);
    expect(status).toBe(0);
  });

  it('reports each deliberately wrong import under the rule it breaks', () => {
    const wrong: Record<string, { source: string; rule: string; to: string }> = {
      'src/evaluate/collects.ts': { source: "import { COLLECTORS } from '../../collectors/registry.js';\nexport const n = COLLECTORS.length;\n", rule: 'engine-stays-pure', to: 'collectors/registry.ts' },
      'src/mappings/calls-aws.ts': { source: "import { ConfigServiceClient } from '@aws-sdk/client-config-service';\nexport const c = ConfigServiceClient;\n", rule: 'engine-no-cloud-sdk', to: 'node_modules/@aws-sdk/client-config-service/index.js' },
      'src/evaluate/reads-metrics.ts': { source: "import { render } from '../metrics/metrics.js';\nexport const r = render;\n", rule: 'engine-stays-pure', to: 'src/metrics/metrics.ts' },
      // A type-only import is a dependency too.
      'src/metrics/reads-agent.ts': { source: "import type { Agent } from '../agent/agent.js';\nexport type A = Agent;\n", rule: 'outputs-read-the-assessment', to: 'src/agent/agent.ts' },
      'src/evidence/service.ts': { source: "import type { Collector } from '../../collectors/types.js';\nexport type C = Collector;\n", rule: 'outputs-read-the-assessment', to: 'collectors/types.ts' },
      'src/reports/uploads.ts': { source: "import { S3Client } from '@aws-sdk/client-s3';\nexport const client = S3Client;\n", rule: 'outputs-no-cloud-sdk', to: 'node_modules/@aws-sdk/client-s3/index.js' },
      'collectors/aws/exports.ts': { source: "import { render } from '../../src/metrics/metrics.js';\nexport const r = render;\n", rule: 'collectors-only-fetch', to: 'src/metrics/metrics.ts' },
      'collectors/gcp/schedules.ts': { source: "import { Agent } from '../../src/agent/agent.js';\nexport const a = Agent;\n", rule: 'collectors-only-fetch', to: 'src/agent/agent.ts' },
      'src/sandbox/calls.ts': { source: "import type { Resource } from '../model/resource.js';\nexport type R = Resource;\n", rule: 'sandbox-knows-wire-formats-only', to: 'src/model/resource.ts' },
      'src/sandbox/gcp-asset.ts': { source: "import type { Collector } from '../../collectors/types.js';\nexport type C = Collector;\n", rule: 'sandbox-knows-wire-formats-only', to: 'collectors/types.ts' },
      'src/agent/runtime.ts': { source: "import { loadMappings } from '../cli/load.js';\nexport const l = loadMappings;\n", rule: 'commands-are-the-top', to: 'src/cli/load.ts' },
    };
    const files = Object.fromEntries(Object.entries(wrong).map(([path, { source }]) => [path, source]));
    const { status, violations } = cruise(tree({ ...ROOMS, ...files }), ['src', 'collectors']);
    expect(violations).toEqual(Object.entries(wrong).map(([from, { rule, to }]) => `${rule}: ${from} → ${to}`).sort());
    expect(status).toBe(violations.length);
  });

  it('reports an import cycle, type-only or not', () => {
    const { status, violations } = cruise(
      tree({
        ...ROOMS,
        'src/cli/commands/index.ts': "import type { Io } from '../main-with-io.js';\nexport type Group = (io: Io) => void;\n",
        'src/cli/main-with-io.ts': "import type { Group } from './commands/index.js';\nexport interface Io { readonly groups: readonly Group[] }\n",
      }),
      ['src', 'collectors'],
    );
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.every((v) => v.startsWith('no-circular: src/cli/'))).toBe(true);
    expect(status).toBe(violations.length);
  });
});
