/** The endpoint behind a web configuration: TLS, client certificates, basic auth, headers, rate limit, reloads. */
import { copyFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Gauge, Registry } from 'prom-client';
import { BasicAuthenticator, WWW_AUTHENTICATE, parseBasicAuthorization } from '../../src/http/basic-auth.js';
import { startEndpoint, type Endpoint } from '../../src/http/server.js';
import { hashPassword } from '../../src/http/web-config.js';
import { WebSecurity } from '../../src/http/web-security.js';
import { makePki, type TestPki } from './support/certs.js';
import { get } from './support/client.js';
import { tempDir } from '../support/temp.js';

const HASH = hashPassword('s3cret', 4);
let pki: TestPki;

function registry(): Registry {
  const r = new Registry();
  new Gauge({ name: 'kansa_test_value', help: 'test', registers: [r] }).set(1);
  return r;
}

interface Started {
  endpoint: Endpoint;
  dir: string;
  errors: string[];
  web: WebSecurity;
}

async function start(webYaml: (dir: string) => string): Promise<Started> {
  const dir = tempDir('kansa-endpoint-');
  copyFileSync(pki.serverCert, join(dir, 'tls.crt'));
  copyFileSync(pki.serverKey, join(dir, 'tls.key'));
  copyFileSync(pki.caCert, join(dir, 'ca.crt'));
  writeFileSync(join(dir, 'web.yml'), webYaml(dir));
  const errors: string[] = [];
  const web = WebSecurity.fromFile(join(dir, 'web.yml'), { onError: (e) => errors.push(e) });
  const endpoint = await startEndpoint({ host: '127.0.0.1', port: 0, registry: registry(), ready: () => true, onError: (e) => errors.push(e), web });
  return { endpoint, dir, errors, web };
}

/** Replaces a file the way Kubernetes and cert-manager do: write aside, then rename over it. */
function replace(path: string, content: string | Buffer): void {
  writeFileSync(`${path}.new`, content);
  renameSync(`${path}.new`, path);
}

const TLS = `tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n`;

beforeAll(() => {
  pki = makePki();
});

describe('TLS with basic auth', () => {
  let s: Started;
  beforeAll(async () => {
    s = await start(() => `${TLS}http_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n    Strict-Transport-Security: max-age=31536000\nbasic_auth_users:\n  prometheus: '${HASH}'\n  grafana: '${hashPassword('other', 5)}'\n`);
  });
  afterAll(() => s.endpoint.close());

  it('serves every path over HTTPS to the right user and password', async () => {
    expect(s.endpoint.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const metrics = await get(`${s.endpoint.url}/metrics`, { ca: pki.caCert, user: 'prometheus', password: 's3cret' });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('kansa_test_value 1');
    expect(metrics.headers['x-content-type-options']).toBe('nosniff');
    expect(metrics.headers['strict-transport-security']).toBe('max-age=31536000');
    expect((await get(`${s.endpoint.url}/healthz`, { ca: pki.caCert, user: 'grafana', password: 'other' })).status).toBe(200);
  });

  it.each([
    ['a wrong password', { user: 'prometheus', password: 'wrong' }],
    ['an unknown user', { user: 'mallory', password: 's3cret' }],
    ["another user's password", { user: 'grafana', password: 's3cret' }],
    ['no credentials', {}],
    ['a bearer token', { authorization: 'Bearer s3cret' }],
    ['an empty password', { user: 'prometheus', password: '' }],
  ])('answers 401 with WWW-Authenticate to %s, on every path', async (_name, credentials) => {
    for (const path of ['/metrics', '/healthz', '/readyz', '/']) {
      const reply = await get(`${s.endpoint.url}${path}`, { ca: pki.caCert, ...credentials });
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.body).not.toContain('kansa_test_value');
    }
  });

  it('refuses plain HTTP on the TLS port', async () => {
    await expect(get(s.endpoint.url.replace('https:', 'http:') + '/metrics', { user: 'prometheus', password: 's3cret' })).rejects.toThrow();
  });

  it('is not trusted by a client that does not know the CA', async () => {
    await expect(get(`${s.endpoint.url}/metrics`, { user: 'prometheus', password: 's3cret' })).rejects.toThrow(/self[- ]signed|unable to (get|verify)/i);
  });
});

describe('basic authenticator', () => {
  it('parses the Authorization header strictly', () => {
    expect(parseBasicAuthorization(`Basic ${Buffer.from('a:b:c').toString('base64')}`)).toEqual({ user: 'a', password: 'b:c' });
    expect(parseBasicAuthorization(`basic ${Buffer.from('a:').toString('base64')}`)).toEqual({ user: 'a', password: '' });
    expect(parseBasicAuthorization(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBeUndefined();
    expect(parseBasicAuthorization('Bearer x')).toBeUndefined();
    expect(parseBasicAuthorization(undefined)).toBeUndefined();
  });

  it('costs an unknown user the same bcrypt work as the costliest known one, and never caches across users', async () => {
    const cheap = hashPassword('one', 4);
    const dear = hashPassword('two', 6);
    const auth = new BasicAuthenticator(new Map([['a', cheap], ['b', dear]]));
    const header = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    // The unknown user is checked against b's hash: b's password must still fail for it.
    expect(await auth.check(header('nobody', 'two'))).toBe(false);
    expect(await auth.check(header('b', 'two'))).toBe(true);
    expect(await auth.check(header('a', 'two'))).toBe(false);
    expect(await auth.check(header('a', 'one'))).toBe(true);
    // cached verdicts give the same answers
    expect(await auth.check(header('a', 'one'))).toBe(true);
    expect(await auth.check(header('nobody', 'two'))).toBe(false);
  });

  it('refuses passwords longer than bcrypt reads (72 bytes) instead of matching their prefix', async () => {
    const long = 'x'.repeat(72);
    const auth = new BasicAuthenticator(new Map([['a', hashPassword(long, 4)]]));
    const header = (password: string): string => `Basic ${Buffer.from(`a:${password}`).toString('base64')}`;
    expect(await auth.check(header(long))).toBe(true);
    expect(await auth.check(header(`${long}y`))).toBe(false);
  });

  it('with no users configured, lets everyone in (TLS-only configuration)', async () => {
    expect(await new BasicAuthenticator(new Map()).check(undefined)).toBe(true);
  });
});

describe('client certificates', () => {
  it('RequireAndVerifyClientCert: refuses a client without a certificate, serves one signed by the CA', async () => {
    const s = await start(() => `${TLS}  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n`);
    try {
      await expect(get(`${s.endpoint.url}/metrics`, { ca: pki.caCert })).rejects.toThrow();
      const reply = await get(`${s.endpoint.url}/metrics`, { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey });
      expect(reply.status).toBe(200);
    } finally {
      await s.endpoint.close();
    }
  });

  it('client_allowed_sans: refuses a verified certificate whose SANs are not listed', async () => {
    const s = await start(() => `${TLS}  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n  client_allowed_sans: [grafana.monitoring.svc]\n`);
    try {
      await expect(get(`${s.endpoint.url}/metrics`, { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey })).rejects.toThrow();
      expect(s.errors.some((e) => e.includes('not in client_allowed_sans'))).toBe(true);
    } finally {
      await s.endpoint.close();
    }
  });

  it('RequireAnyClientCert: needs a certificate but not a trusted one', async () => {
    const s = await start(() => `${TLS}  client_auth_type: RequireAnyClientCert\n`);
    try {
      await expect(get(`${s.endpoint.url}/metrics`, { ca: pki.caCert })).rejects.toThrow();
      expect((await get(`${s.endpoint.url}/metrics`, { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey })).status).toBe(200);
    } finally {
      await s.endpoint.close();
    }
  });
});

describe('reloading', () => {
  it('serves a rotated certificate on the next connection, without a restart', async () => {
    const s = await start(() => TLS);
    try {
      const before = await get(`${s.endpoint.url}/healthz`, { ca: pki.caCert });
      const [cert, key] = pki.issue('rotated', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
      replace(join(s.dir, 'tls.key'), readFileSync(key));
      replace(join(s.dir, 'tls.crt'), readFileSync(cert));
      const after = await get(`${s.endpoint.url}/healthz`, { ca: pki.caCert });
      expect(after.status).toBe(200);
      expect(after.serverFingerprint).toBeDefined();
      expect(after.serverFingerprint).not.toBe(before.serverFingerprint);
      expect(s.errors).toEqual([]);
    } finally {
      await s.endpoint.close();
    }
  });

  it('applies new users at once, and keeps the previous settings when the new file is broken', async () => {
    const s = await start(() => `basic_auth_users:\n  prometheus: '${HASH}'\n`);
    try {
      expect(s.endpoint.url).toMatch(/^http:/);
      expect((await get(`${s.endpoint.url}/metrics`, { user: 'prometheus', password: 's3cret' })).status).toBe(200);
      replace(join(s.dir, 'web.yml'), `basic_auth_users:\n  prometheus: '${hashPassword('rotated', 4)}'\n`);
      expect((await get(`${s.endpoint.url}/metrics`, { user: 'prometheus', password: 's3cret' })).status).toBe(401);
      expect((await get(`${s.endpoint.url}/metrics`, { user: 'prometheus', password: 'rotated' })).status).toBe(200);
      replace(join(s.dir, 'web.yml'), `basic_auth_users:\n  prometheus: plaintext\n`);
      expect((await get(`${s.endpoint.url}/metrics`, { user: 'prometheus', password: 'rotated' })).status).toBe(200);
      expect(s.errors).toHaveLength(1);
      expect(s.errors[0]).toMatch(/not reloaded, previous settings stay in force: .*web\.yml:2: basic_auth_users\.prometheus: expected a bcrypt hash/);
      // the same broken file is reported once, not on every request
      await get(`${s.endpoint.url}/metrics`, { user: 'prometheus', password: 'rotated' });
      expect(s.errors).toHaveLength(1);
    } finally {
      await s.endpoint.close();
    }
  });
});

describe('rate limit', () => {
  it('answers 429 past the burst (token bucket of exporter-toolkit)', async () => {
    const s = await start(() => `rate_limit:\n  interval: 1h\n  burst: 2\n`);
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await get(`${s.endpoint.url}/healthz`)).status);
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await s.endpoint.close();
    }
  });
});

describe('listen address', () => {
  it.each([
    ['0.0.0.0', /^0\.0\.0\.0:\d+$/],
    ['127.0.0.1', /^127\.0\.0\.1:\d+$/],
  ])('on %s: a URL reachable from this host, and the address as bound', async (host, bound) => {
    const endpoint = await startEndpoint({ host, port: 0, registry: registry(), ready: () => true, onError: () => undefined });
    try {
      expect(endpoint.boundAddress).toMatch(bound);
      expect(endpoint.url).toBe(`http://127.0.0.1:${endpoint.boundAddress.split(':').pop()!}`);
      expect((await fetch(`${endpoint.url}/healthz`)).status).toBe(200);
    } finally {
      await endpoint.close();
    }
  });
});
