/** The exporter-toolkit web configuration: what loads, and the file:line / path / reason of what does not. */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/errors.js';
import { hashPassword, loadWebConfig, parseGoDuration } from '../../src/http/web-config.js';
import { main, type Io } from '../../src/cli/main.js';
import { makePki, type TestPki } from './support/certs.js';
import { tempDir } from '../support/temp.js';

let pki: TestPki;
let dir: string;
const HASH = hashPassword('secret', 4);

beforeAll(() => {
  pki = makePki();
  dir = tempDir('kansa-webcfg-');
  copyFileSync(pki.serverCert, join(dir, 'tls.crt'));
  copyFileSync(pki.serverKey, join(dir, 'tls.key'));
  copyFileSync(pki.clientKey, join(dir, 'other.key'));
  copyFileSync(pki.caCert, join(dir, 'ca.crt'));
});

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function problem(text: string): InputError {
  const file = write(`case-${Math.abs(hashCode(text))}.yml`, text);
  try {
    loadWebConfig(file);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

function hashCode(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

describe('web configuration', () => {
  it('loads TLS (paths relative to the file), users, headers and rate limit', () => {
    const file = write(
      'web.yml',
      `tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n  min_version: TLS13\n  curve_preferences: [X25519, CurveP256]\n` +
        `http_server_config:\n  headers:\n    X-Frame-Options: deny\n    X-Content-Type-Options: nosniff\n    Strict-Transport-Security: max-age=31536000\n` +
        `basic_auth_users:\n  prometheus: '${HASH}'\nrate_limit:\n  interval: 100ms\n  burst: 5\n`,
    );
    const config = loadWebConfig(file);
    expect(config.tls?.clientAuth).toBe('NoClientCert');
    expect(config.tls?.context.minVersion).toBe('TLSv1.3');
    expect(config.tls?.context.ecdhCurve).toBe('X25519:P-256');
    expect(config.tls?.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect([...config.users.keys()]).toEqual(['prometheus']);
    expect(config.headers).toEqual({ 'X-Frame-Options': 'deny', 'X-Content-Type-Options': 'nosniff', 'Strict-Transport-Security': 'max-age=31536000' });
    expect(config.rateLimit).toEqual({ intervalMs: 100, burst: 5 });
    expect(config.sources).toEqual([file, join(dir, 'tls.crt'), join(dir, 'tls.key')]);
  });

  it('accepts an empty file (plain HTTP, no authentication), as exporter-toolkit does', () => {
    const config = loadWebConfig(write('empty.yml', ''));
    expect(config.tls).toBeUndefined();
    expect(config.users.size).toBe(0);
  });

  it.each([
    ['unknown field', `tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n  client_auth: x\n`, ':2', 'tls_server_config', 'unknown field(s) "client_auth"'],
    ['bad bcrypt hash', `basic_auth_users:\n  alice: '${HASH}'\n  bob: plaintext\n`, ':3', 'basic_auth_users.bob', 'expected a bcrypt hash'],
    ['missing certificate file', `tls_server_config:\n  cert_file: nope.crt\n  key_file: tls.key\n`, ':2', 'tls_server_config.cert_file', 'cannot read'],
    ['missing key', `tls_server_config:\n  cert_file: tls.crt\n`, ':2', 'tls_server_config.key_file', 'missing key_file'],
    ['key of another certificate', `tls_server_config:\n  cert_file: tls.crt\n  key_file: other.key\n`, ':3', 'tls_server_config.key_file', 'does not match the certificate'],
    ['inline and file both', `tls_server_config:\n  cert: "x"\n  cert_file: tls.crt\n  key_file: tls.key\n`, ':2', 'tls_server_config.cert', 'not both'],
    ['not a certificate', `tls_server_config:\n  cert_file: tls.key\n  key_file: tls.key\n`, ':2', 'tls_server_config.cert_file', 'not a PEM certificate'],
    ['CA without client auth', `tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n  client_ca_file: ca.crt\n`, ':2', 'tls_server_config.client_auth_type', 'NoClientCert'],
    ['verification without CA', `tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n  client_auth_type: RequireAndVerifyClientCert\n`, ':2', 'tls_server_config.client_ca_file', 'needs client_ca_file'],
    ['unknown client auth type', `tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n  client_auth_type: Always\n`, ':4', 'tls_server_config.client_auth_type', 'RequireAndVerifyClientCert'],
    ['SANs without a required certificate', `tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n  client_ca_file: ca.crt\n  client_auth_type: VerifyClientCertIfGiven\n  client_allowed_sans: [a]\n`, ':6', 'tls_server_config.client_allowed_sans', 'RequireAndVerifyClientCert'],
    ['versions upside down', `tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n  min_version: TLS13\n  max_version: TLS12\n`, ':4', 'tls_server_config.min_version', 'above max_version'],
    ['unknown cipher suite', `tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n`, ':4', 'tls_server_config.cipher_suites[0]', 'expected one of'],
    ['unsupported header', `http_server_config:\n  headers:\n    X-Powered-By: kansa\n`, ':3', 'http_server_config.headers.X-Powered-By', 'unsupported header'],
    ['bad X-Frame-Options', `http_server_config:\n  headers:\n    X-Frame-Options: allow\n`, ':3', 'http_server_config.headers.X-Frame-Options', 'deny, sameorigin'],
    ['user with a colon', `basic_auth_users:\n  "a:b": '${HASH}'\n`, ':2', 'basic_auth_users.a:b', 'cannot contain ":"'],
    ['bad rate limit interval', `rate_limit:\n  interval: soon\n  burst: 1\n`, ':2', 'rate_limit.interval', 'duration'],
    ['invalid YAML', `basic_auth_users: [\n`, ':2', '', 'invalid YAML'],
  ])('%s → file:line, path and reason', (_name, text, line, path, reason) => {
    const error = problem(text);
    expect(error.file).toMatch(new RegExp(`case-\\d+\\.yml${line}$`));
    expect(error.path).toBe(path);
    expect(error.reason).toContain(reason);
  });

  it('parses Go durations', () => {
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('250ms')).toBe(250);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('5')).toBeUndefined();
  });
});

describe('kansa run with a bad web configuration', () => {
  const capture = (): { io: Io; err: () => string } => {
    let err = '';
    return { io: { stdout: () => undefined, stderr: (text) => void (err += text), now: () => new Date() }, err: () => err };
  };

  it('exits 2 naming the file, line, path and reason (--web.config.file)', async () => {
    const bad = write('bad-run.yml', `basic_auth_users:\n  prometheus: not-a-hash\n`);
    const { io, err } = capture();
    const code = await main(['run', '--sandbox', '--listen', '127.0.0.1:0', '--web.config.file', bad], io);
    expect(code).toBe(2);
    expect(err()).toContain(`${bad}:2: basic_auth_users.prometheus: expected a bcrypt hash`);
  });

  it('resolves web.configFile relative to the configuration file', async () => {
    const sub = mkdtempSync(join(dir, 'cfg-'));
    writeFileSync(join(sub, 'web.yml'), `tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n`);
    writeFileSync(join(sub, 'kansa.yaml'), `listen: "127.0.0.1:0"\nweb:\n  configFile: web.yml\n`);
    const { io, err } = capture();
    const code = await main(['run', '--sandbox', '--config', join(sub, 'kansa.yaml')], io);
    expect(code).toBe(2);
    expect(err()).toContain(`${join(sub, 'web.yml')}:2: tls_server_config.cert_file: cannot read ${join(sub, 'missing.crt')}`);
  });
});
