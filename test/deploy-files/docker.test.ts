/**
 * The container image (deploy/docker). The Dockerfile is parsed and its key properties checked (no
 * hadolint here; .ci/run also builds and runs the image with buildah: test/deploy-files/container-image.sh); what the build would copy is checked against
 * the repository and the .dockerignore; the production dependency set is checked against what the
 * compiled code imports (the image prunes dev dependencies); and the HEALTHCHECK script is run against
 * real endpoints: plain HTTP, and TLS with basic auth.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Registry } from 'prom-client';
import { startEndpoint, type Endpoint } from '../../src/http/server.js';
import { hashPassword } from '../../src/http/web-config.js';
import { WebSecurity } from '../../src/http/web-security.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { makePki } from '../http/support/certs.js';
import { tempDir } from '../support/temp.js';

const DOCKER_DIR = join(PACKAGE_ROOT, 'deploy', 'docker');

interface Instruction {
  readonly op: string;
  readonly args: string;
  readonly stage: number;
}

/** Dockerfile instructions with continuation lines joined and comments dropped, numbered by stage. */
function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (/^\s*#/.test(line) && current === '') continue;
    if (/^\s*#/.test(line)) continue;
    if (line.endsWith('\\')) current += `${line.slice(0, -1)} `;
    else {
      current += line;
      if (current.trim()) logical.push(current.trim());
      current = '';
    }
  }
  let stage = -1;
  return logical.map((line) => {
    const [op = '', ...rest] = line.split(/\s+/);
    if (op.toUpperCase() === 'FROM') stage++;
    return { op: op.toUpperCase(), args: rest.join(' '), stage };
  });
}

const dockerfile = readFileSync(join(DOCKER_DIR, 'Dockerfile'), 'utf8');
const instructions = parseDockerfile(dockerfile);
const lastStage = Math.max(...instructions.map((i) => i.stage));
const inStage = (stage: number, op: string): Instruction[] => instructions.filter((i) => i.stage === stage && i.op === op);
const argDefaults = new Map(instructions.filter((i) => i.op === 'ARG' && i.stage === -1).map((i) => i.args.split('=') as [string, string]));
const image = (from: Instruction): string => from.args.split(/\s+/)[0]!.replace(/^\$\{(\w+)\}$/, (_m, name: string) => argDefaults.get(name) ?? '');

describe('Dockerfile', () => {
  it('is multi-stage on the official node:24 images', () => {
    const froms = instructions.filter((i) => i.op === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(image(from)).toMatch(/^node:24(-[a-z]+)*(@sha256:[0-9a-f]{64})?$/);
    expect(froms[0]!.args).toMatch(/\bAS build$/);
  });

  it('builds with npm ci from the lock file and prunes dev dependencies', () => {
    const runs = inStage(0, 'RUN').map((i) => i.args).join('\n');
    expect(runs).toMatch(/npm ci\b/);
    expect(runs).toMatch(/npm prune --omit=dev/);
    expect(inStage(0, 'COPY').map((i) => i.args)).toContainEqual(expect.stringMatching(/package-lock\.json/));
  });

  it('runs as a non-root numeric user, declares the only writable volume, exposes 9731, checks /healthz', () => {
    const users = inStage(lastStage, 'USER');
    expect(users).toHaveLength(1);
    const [uid, gid] = users[0]!.args.split(':');
    expect(Number(uid)).toBeGreaterThan(0);
    expect(Number(gid)).toBeGreaterThan(0);
    expect(instructions.filter((i) => i.stage === lastStage).findIndex((i) => i.op === 'USER')).toBeGreaterThan(instructions.filter((i) => i.stage === lastStage).findIndex((i) => i.op === 'COPY'));
    expect(inStage(lastStage, 'VOLUME').map((i) => i.args)).toEqual(['["/var/lib/kansa"]']);
    expect(inStage(lastStage, 'EXPOSE').map((i) => i.args)).toEqual(['9731']);
    const healthcheck = inStage(lastStage, 'HEALTHCHECK');
    expect(healthcheck).toHaveLength(1);
    expect(healthcheck[0]!.args).toMatch(/CMD \["node", "\/app\/healthcheck\.js"\]/);
    expect(readFileSync(join(DOCKER_DIR, 'healthcheck.js'), 'utf8')).toContain("'http://127.0.0.1:9731/healthz'");
    expect(inStage(lastStage, 'ENTRYPOINT').map((i) => i.args)).toEqual(['["node", "/app/bin/kansa.js"]']);
  });

  it('keeps the runtime stage free of package managers, compilers and remote downloads', () => {
    const runtimeRuns = inStage(lastStage, 'RUN').map((i) => i.args).join('\n');
    expect(runtimeRuns).not.toMatch(/\bnpm\b|\bapt-get\b|\bcurl\b|\bwget\b/);
    expect(instructions.filter((i) => i.op === 'ADD')).toEqual([]);
    const copied = inStage(lastStage, 'COPY').map((i) => i.args);
    for (const needed of ['/src/node_modules', '/src/dist', '/src/bin', '/src/mappings', '/src/package.json']) expect(copied.some((c) => c.startsWith('--from=build') && c.includes(needed))).toBe(true);
  });

  it('copies only files that exist and that its .dockerignore lets into the context', () => {
    const ignore = readFileSync(join(DOCKER_DIR, 'Dockerfile.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('**');
    const allowed = ignore.slice(1).map((l) => {
      expect(l.startsWith('!')).toBe(true);
      return l.slice(1).replace(/\/$/, '');
    });
    const sources = instructions
      .filter((i) => i.op === 'COPY' && !i.args.includes('--from='))
      .flatMap((i) => i.args.replace(/--\S+\s*/g, '').split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect(existsSync(join(PACKAGE_ROOT, source))).toBe(true);
      expect(allowed.some((a) => source === a || source.startsWith(`${a}/`))).toBe(true);
    }
    // and everything tsconfig.build.json compiles is in the context
    const include = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] }).include;
    for (const dir of include) expect(allowed).toContain(dir);
  });
});

describe('production dependencies (what the pruned image keeps)', () => {
  const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

  function sources(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return sources(full);
      return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
    });
  }

  it('covers every package the agent imports at run time', () => {
    const missing = new Set<string>();
    for (const file of [...sources(join(PACKAGE_ROOT, 'src')), ...sources(join(PACKAGE_ROOT, 'collectors'))]) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/^import\s+(?!type\b)[^'"]*?from\s+'([^'.][^']*)'|^import\s+'([^'.][^']*)'|\bimport\('([^'.][^']*)'\)/gm)) {
        const specifier = match[1] ?? match[2] ?? match[3]!;
        if (specifier.startsWith('node:')) continue;
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        if (!manifest.dependencies[name]) missing.add(`${name} (${relative(PACKAGE_ROOT, file)})`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});

describe('healthcheck.js', () => {
  const endpoints: Endpoint[] = [];
  afterAll(async () => {
    for (const e of endpoints) await e.close();
  });

  const run = (url: string): Promise<{ code: number | null; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [join(DOCKER_DIR, 'healthcheck.js')], { env: { PATH: process.env['PATH'] ?? '', KANSA_HEALTHCHECK_URL: url }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });

  it('is healthy on a plain endpoint, and on a TLS endpoint with basic auth (401 means serving)', async () => {
    const plain = await startEndpoint({ host: '127.0.0.1', port: 0, registry: new Registry(), ready: () => false, onError: () => undefined });
    endpoints.push(plain);
    expect(await run(`${plain.url}/healthz`)).toEqual({ code: 0, stderr: '' });

    const pki = makePki();
    const dir = tempDir('kansa-hc-');
    copyFileSync(pki.serverCert, join(dir, 'tls.crt'));
    copyFileSync(pki.serverKey, join(dir, 'tls.key'));
    writeFileSync(join(dir, 'web.yml'), `tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\nbasic_auth_users:\n  prometheus: '${hashPassword('x', 4)}'\n`);
    const secured = await startEndpoint({ host: '127.0.0.1', port: 0, registry: new Registry(), ready: () => true, onError: () => undefined, web: WebSecurity.fromFile(join(dir, 'web.yml'), { onError: () => undefined }) });
    endpoints.push(secured);
    // the default URL is http://…: the script falls back to HTTPS on a TLS port
    expect(await run(`${secured.url.replace('https:', 'http:')}/healthz`)).toEqual({ code: 0, stderr: '' });
  });

  it('is unhealthy when nothing listens', async () => {
    // Port 1 (tcpmux) is privileged and served by nothing here; a port freed beforehand could be taken meanwhile.
    const result = await run('http://127.0.0.1:1/healthz');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ECONNREFUSED/);
  });
});
