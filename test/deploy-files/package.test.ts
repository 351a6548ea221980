/**
 * The release package (`npm pack`) and the systemd install script, as far as they can be checked
 * without the npm registry: what the package would hold (`npm pack --dry-run`), that `prepare` builds
 * only in a checkout, that every file the example configuration references ships and is installed.
 * test/deploy-files/install-routes.sh (run by .ci/run) installs the real package and runs it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { tempDir } from '../support/temp.js';

const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; files: string[]; bin: Record<string, string> };
const example = parse(readFileSync(join(PACKAGE_ROOT, 'deploy', 'kansa.example.yaml'), 'utf8')) as Record<string, unknown>;
const installScript = readFileSync(join(PACKAGE_ROOT, 'deploy', 'systemd', 'install.sh'), 'utf8');
const unit = readFileSync(join(PACKAGE_ROOT, 'deploy', 'systemd', 'kansa.service'), 'utf8');

/** The relative paths a configuration names (the fields src/config/load.ts resolves against the file). */
function references(config: Record<string, unknown>): string[] {
  const web = config['web'] as { configFile?: string } | undefined;
  const all = [config['catalog'], config['attestations'], config['exceptions'], web?.configFile, ...((config['controls'] as string[] | undefined) ?? [])];
  return all.filter((r): r is string => typeof r === 'string' && !r.startsWith('/'));
}

/** Runs a package.json script with sh, as npm does, in `cwd` with only `path` on PATH. */
function runScript(script: string, cwd: string, env: Record<string, string>): { status: number | null; output: string } {
  const result = spawnSync('/bin/sh', ['-c', script], { cwd, env: { PATH: '/usr/bin:/bin', ...env }, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('release package', () => {
  // --ignore-scripts: list without building (jest already needs a fresh dist/).
  const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
  const files = (JSON.parse(packed.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);

  it('holds the compiled CLI, the bundled mappings, the deploy examples and the install script', () => {
    expect(files).toEqual(expect.arrayContaining([
      manifest.bin['kansa']!.replace(/^\.\//, ''),
      'dist/src/cli/main.js',
      'dist/collectors/registry.js',
      'mappings/catalogs/jp-cloud-procurement.yaml',
      'deploy/kansa.example.yaml',
      'deploy/systemd/kansa.service',
      'deploy/systemd/install.sh',
      'deploy/grafana/kansa-dashboard.json',
      'deploy/prometheus/kansa-rules.yml',
      'deploy/iam/aws-policy.json',
    ]));
  });

  it('leaves out sources, tests, benchmarks and source maps', () => {
    expect(files.filter((f) => /^(src|test|collectors|bench|dist\/bench)\/|\.map$|\.ts$|^\.ci\//.test(f))).toEqual([]);
  });

  // #16: the example configuration named ./attestations.example.yaml, which the install steps never copied.
  it('ships every file the example configuration references, next to it', () => {
    const refs = references(example);
    expect(refs).toEqual(expect.arrayContaining(['./attestations.example.yaml', './exceptions.example.yaml']));
    for (const ref of refs) expect(files).toContain(join('deploy', ref));
  });

  // #16: `npm ci --omit=dev` ran `prepare` = tsc, a dev dependency: exit 127 and no dist/.
  it('builds in `prepare` only in a checkout, and not twice on npm pack', () => {
    const prepare = manifest.scripts['prepare']!;
    const unpacked = tempDir('kansa-unpacked-');
    // The package has no tsconfig.build.json: nothing to build, and no tsc needed.
    expect(runScript(prepare, unpacked, { npm_command: 'ci' })).toEqual({ status: 0, output: '' });
    const checkout = tempDir('kansa-checkout-');
    writeFileSync(join(checkout, 'tsconfig.build.json'), '{}');
    // A checkout does build (here without tsc on PATH: the attempt shows as "not found").
    expect(runScript(prepare, checkout, { npm_command: 'ci' }).status).toBe(127);
    // npm pack runs prepack (a clean build) and then prepare: prepare leaves it.
    expect(runScript(prepare, checkout, { npm_command: 'pack' }).status).toBe(0);
    expect(manifest.scripts['prepack']).toMatch(/^rm -rf dist && tsc -p tsconfig\.build\.json\b/);
    // The lock file ships as npm-shrinkwrap.json (npm ci of the package, same versions as CI tested).
    expect(manifest.scripts['prepack']).toMatch(/cp package-lock\.json npm-shrinkwrap\.json/);
    expect(manifest.files).toContain('npm-shrinkwrap.json');
    expect(manifest.scripts['postpack']).toBe('rm -f npm-shrinkwrap.json');
  });
});

describe('systemd install script', () => {
  it('is what the unit file tells you to run, with the ExecStart it rewrites', () => {
    expect(unit).toMatch(/^# +deploy\/systemd\/install\.sh \.\/kansa-<version>\.tgz/m);
    expect(unit).not.toMatch(/npm ci --omit=dev/);
    const exec = /^ExecStart=(\S+) (\S+) run /m.exec(unit)!;
    expect(installScript).toContain(`s#^ExecStart=${exec[1]} #ExecStart=$node_path #`);
    // npm install -g --prefix /opt/kansa puts the package here.
    expect(exec[2]).toBe('/opt/kansa/lib/node_modules/kansa/bin/kansa.js');
  });

  // #16: /etc/kansa 0750 and kansa.yaml 0640, root-owned: EACCES for the DynamicUser.
  it('makes /etc/kansa and its files readable by the service user, whatever the umask', () => {
    expect(installScript).toMatch(/^umask 0022$/m);
    expect(installScript).toMatch(/install -d -m 0755 "\$etc"/);
    expect(installScript).toMatch(/install -m 0644 "\$pkg\/deploy\/kansa\.example\.yaml" "\$etc\/kansa\.yaml"/);
    expect(installScript).toMatch(/setpriv --reuid=65534 --regid=65534 --clear-groups/);
  });

  it('finds the references the way kansa resolves them, and copies each into /etc/kansa', () => {
    // Run the script's own reference lister (the node snippet in step 3) on a configuration naming every kind.
    const snippet = /"\$node" --input-type=module -e '([\s\S]*?)' "\$pkg"/.exec(installScript)![1]!;
    const dir = tempDir('kansa-refs-');
    const config = join(dir, 'kansa.yaml');
    writeFileSync(config, 'catalog: ./cat.yaml\nattestations: ./a.yaml\nexceptions: /abs/e.yaml\nweb: { configFile: web.yml }\ncontrols: [./mine/, x.yaml]\n');
    // The snippet loads yaml from the installed package: here, this checkout's.
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', snippet, PACKAGE_ROOT, config], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n')).toEqual(['./cat.yaml', './a.yaml', 'web.yml', './mine/', 'x.yaml']);
    expect(result.stdout.trim().split('\n')).toEqual(references(parse(readFileSync(config, 'utf8')) as Record<string, unknown>));
  });
});
