/**
 * The endpoint's security settings, in the Prometheus exporter-toolkit `web.config.yml` format
 * (docs/web-configuration.md of prometheus/exporter-toolkit), so operators reuse the file they already
 * write for node_exporter: `tls_server_config`, `http_server_config.headers`, `basic_auth_users`
 * (bcrypt), `rate_limit`. Parsed and checked at start-up: every problem names the file, the line, the
 * path inside it and what was expected. Relative paths are relative to the file, as in exporter-toolkit.
 */
import { readFileSync, statSync } from 'node:fs';
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { createSecureContext, type SecureContextOptions, type SecureVersion } from 'node:tls';
import { dirname, isAbsolute, resolve } from 'node:path';
import bcrypt from 'bcryptjs';
import { z } from 'zod';
import { InputError, errorMessage } from '../errors.js';
import { formatPath, loadYamlFile, parseYamlText } from '../mappings/yaml-file.js';

/** Go's crypto/tls ClientAuthType names, as exporter-toolkit spells them. */
export const CLIENT_AUTH_TYPES = ['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'] as const;
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];

const TLS_VERSIONS = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const satisfies Record<string, SecureVersion>;
type TlsVersionName = keyof typeof TLS_VERSIONS;

/**
 * Go cipher suite names (crypto/tls CipherSuites()) → OpenSSL names. TLS 1.3 suites are not
 * configurable in Go either: they are accepted and have no effect, as there.
 */
const CIPHER_SUITES: Readonly<Record<string, string | null>> = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_AES_128_GCM_SHA256: null,
  TLS_AES_256_GCM_SHA384: null,
  TLS_CHACHA20_POLY1305_SHA256: null,
};

/** Go tls.CurveID names → OpenSSL group names. */
const CURVES: Readonly<Record<string, string>> = { CurveP256: 'P-256', CurveP384: 'P-384', CurveP521: 'P-521', X25519: 'X25519' };

/** The only headers exporter-toolkit lets the file set, with the values it accepts (lower-cased). */
const HEADER_VALUES: Readonly<Record<string, readonly string[] | undefined>> = {
  'Content-Security-Policy': undefined,
  'X-Frame-Options': ['deny', 'sameorigin'],
  'X-Content-Type-Options': ['nosniff'],
  'X-XSS-Protection': undefined,
  'Strict-Transport-Security': undefined,
};

/** bcrypt's modular crypt format: $2a$/$2b$/$2y$, two-digit cost, 53 characters of salt and hash. */
const BCRYPT_HASH = /^\$2[aby]?\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

const GO_DURATION = /^(?:(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h))+$/;
const DURATION_UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go duration ("1s", "1m30s", "250ms"; "0" disables) into milliseconds. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (!GO_DURATION.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(match[1]) * (DURATION_UNIT_MS[match[2]!] ?? 0);
  return total;
}

const tlsVersion = z.enum(Object.keys(TLS_VERSIONS) as [TlsVersionName, ...TlsVersionName[]]);
const pathOrPem = z.string().min(1);

export const webConfigFileSchema = z.preprocess(
  // An empty file is valid in exporter-toolkit: no TLS, no authentication.
  (value) => value ?? {},
  z.strictObject({
    tls_server_config: z
      .strictObject({
        cert: pathOrPem.optional().describe('Server certificate, PEM inline (instead of cert_file)'),
        key: pathOrPem.optional().describe('Server private key, PEM inline (instead of key_file)'),
        client_ca: pathOrPem.optional().describe('CA certificates for client certificates, PEM inline (instead of client_ca_file)'),
        cert_file: pathOrPem.optional().describe('Server certificate (PEM; may include the chain), relative to this file'),
        key_file: pathOrPem.optional().describe('Server private key (PEM), relative to this file'),
        client_ca_file: pathOrPem.optional().describe('CA certificates that sign client certificates (PEM)'),
        client_auth_type: z.enum(CLIENT_AUTH_TYPES).default('NoClientCert'),
        client_allowed_sans: z.array(z.string().min(1)).optional().describe('Client certificate SANs (DNS, IP, e-mail or URI) allowed to connect'),
        min_version: tlsVersion.default('TLS12'),
        max_version: tlsVersion.default('TLS13'),
        cipher_suites: z.array(z.enum(Object.keys(CIPHER_SUITES) as [string, ...string[]])).optional(),
        prefer_server_cipher_suites: z.boolean().default(true),
        curve_preferences: z.array(z.enum(Object.keys(CURVES) as [string, ...string[]])).optional(),
      })
      .optional(),
    http_server_config: z
      .strictObject({
        // kansa serves HTTP/1.1 (Prometheus negotiates it through ALPN); accepted so existing files load.
        http2: z.boolean().default(true),
        headers: z.record(z.string(), z.string()).optional(),
      })
      .optional(),
    basic_auth_users: z
      .record(
        z.string().min(1),
        z.string().regex(BCRYPT_HASH, 'expected a bcrypt hash such as "$2y$10$…" (htpasswd -nBC 10 "" | tr -d \':\\n\')'),
      )
      .nullish(),
    rate_limit: z
      .strictObject({
        interval: z.string().refine((text) => parseGoDuration(text) !== undefined, { message: 'expected a duration such as "1s" or "100ms"' }),
        burst: z.number().int().min(0),
      })
      .optional(),
  }),
);
export type WebConfigFile = z.output<typeof webConfigFileSchema>;

export interface TlsSettings {
  /** Options for tls.createSecureContext / https.createServer (reloadable with setSecureContext). */
  readonly context: SecureContextOptions;
  readonly clientAuth: ClientAuthType;
  readonly allowedSans: readonly string[];
  /** SHA-256 fingerprint of the server certificate (logs, tests). */
  readonly fingerprint: string;
}

export interface WebConfig {
  readonly file: string;
  readonly tls?: TlsSettings;
  /** user → bcrypt hash; empty: no authentication. */
  readonly users: ReadonlyMap<string, string>;
  readonly headers: Readonly<Record<string, string>>;
  readonly rateLimit?: { readonly intervalMs: number; readonly burst: number };
  /** The files this configuration was read from (the file itself and every referenced file). */
  readonly sources: readonly string[];
}

/** Loads and checks a web configuration file; every problem is an InputError (exit 2 at start-up). */
export function loadWebConfig(file: string): WebConfig {
  const parsed = loadYamlFile(file, webConfigFileSchema);
  return checkWebConfig(file, parsed.value, parsed.locate);
}

/** The same checks on text (tests, `kansa validate`-style callers). */
export function parseWebConfig(file: string, text: string): WebConfig {
  const parsed = parseYamlText(file, text, webConfigFileSchema);
  return checkWebConfig(file, parsed.value, parsed.locate);
}

function checkWebConfig(file: string, value: WebConfigFile, locate: (path: readonly PropertyKey[]) => string): WebConfig {
  const fail = (path: readonly (string | number)[], reason: string): never => {
    throw new InputError(locate(path), formatPath(path), reason);
  };
  const base = dirname(resolve(file));
  const sources = [resolve(file)];
  const headers: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value.http_server_config?.headers ?? {})) {
    if (!(name in HEADER_VALUES)) fail(['http_server_config', 'headers', name], `unsupported header; expected one of ${Object.keys(HEADER_VALUES).join(', ')}`);
    const allowed = HEADER_VALUES[name];
    if (headerValue === '') continue; // "Unset if blank"
    if (allowed && !allowed.includes(headerValue.toLowerCase())) fail(['http_server_config', 'headers', name], `expected one of ${allowed.join(', ')}`);
    headers[name] = headerValue;
  }
  let rateLimit: WebConfig['rateLimit'];
  if (value.rate_limit) {
    const intervalMs = parseGoDuration(value.rate_limit.interval) ?? 0;
    if (intervalMs > 0) rateLimit = { intervalMs, burst: value.rate_limit.burst };
  }
  const users = new Map(Object.entries(value.basic_auth_users ?? {}));
  for (const user of users.keys()) if (user.includes(':')) fail(['basic_auth_users', user], 'a user name cannot contain ":" (basic auth splits user and password there)');
  const tls = value.tls_server_config ? checkTls(value.tls_server_config, base, fail, sources) : undefined;
  return { file, ...(tls ? { tls } : {}), users, headers, ...(rateLimit ? { rateLimit } : {}), sources };
}

type Fail = (path: readonly (string | number)[], reason: string) => never;

function checkTls(tls: NonNullable<WebConfigFile['tls_server_config']>, base: string, fail: Fail, sources: string[]): TlsSettings {
  const at = (key: string): (string | number)[] => ['tls_server_config', key];
  /** Inline PEM or a file, exactly one of them (required) or none (optional). */
  const material = (inline: 'cert' | 'key' | 'client_ca', fileKey: 'cert_file' | 'key_file' | 'client_ca_file', required: boolean): { pem: string; key: string } | undefined => {
    const text = tls[inline];
    const path = tls[fileKey];
    if (text !== undefined && path !== undefined) fail(at(inline), `give either ${inline} (inline PEM) or ${fileKey}, not both`);
    if (text !== undefined) return { pem: text, key: inline };
    if (path === undefined) {
      if (required) fail(at(fileKey), `missing ${fileKey} (or inline ${inline})`);
      return undefined;
    }
    const full = isAbsolute(path) ? path : resolve(base, path);
    try {
      const pem = readFileSync(full, 'utf8');
      sources.push(full);
      return { pem, key: fileKey };
    } catch (error) {
      return fail(at(fileKey), `cannot read ${full}: ${errorMessage(error)}`);
    }
  };
  const cert = material('cert', 'cert_file', true)!;
  const key = material('key', 'key_file', true)!;
  const ca = material('client_ca', 'client_ca_file', false);

  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert.pem);
  } catch (error) {
    return fail(at(cert.key), `not a PEM certificate: ${errorMessage(error)}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key.pem);
  } catch (error) {
    return fail(at(key.key), `not a PEM private key (encrypted keys are not supported): ${errorMessage(error)}`);
  }
  if (!certificate.checkPrivateKey(privateKey)) fail(at(key.key), `the private key does not match the certificate in ${cert.key}`);
  if (ca) {
    try {
      new X509Certificate(ca.pem);
    } catch (error) {
      fail(at(ca.key), `not a PEM certificate: ${errorMessage(error)}`);
    }
  }

  const clientAuth = tls.client_auth_type;
  if (ca && clientAuth === 'NoClientCert') fail(at('client_auth_type'), 'client CAs are configured but client_auth_type is NoClientCert; use RequireAndVerifyClientCert');
  if (!ca && (clientAuth === 'RequireAndVerifyClientCert' || clientAuth === 'VerifyClientCertIfGiven')) fail(at('client_ca_file'), `${clientAuth} needs client_ca_file (or inline client_ca) to verify client certificates against`);
  const allowedSans = tls.client_allowed_sans ?? [];
  if (allowedSans.length > 0 && clientAuth !== 'RequireAnyClientCert' && clientAuth !== 'RequireAndVerifyClientCert') {
    fail(at('client_allowed_sans'), 'needs client_auth_type RequireAndVerifyClientCert (or RequireAnyClientCert): otherwise a client may connect without a certificate');
  }
  const order = Object.keys(TLS_VERSIONS);
  if (order.indexOf(tls.min_version) > order.indexOf(tls.max_version)) fail(at('min_version'), `min_version ${tls.min_version} is above max_version ${tls.max_version}`);

  const ciphers = (tls.cipher_suites ?? []).map((name) => CIPHER_SUITES[name]).filter((name): name is string => typeof name === 'string');
  const curves = (tls.curve_preferences ?? []).map((name) => CURVES[name]!);
  const context: SecureContextOptions = {
    cert: cert.pem,
    key: key.pem,
    ...(ca ? { ca: ca.pem } : {}),
    minVersion: TLS_VERSIONS[tls.min_version],
    maxVersion: TLS_VERSIONS[tls.max_version],
    ...(ciphers.length > 0 ? { ciphers: ciphers.join(':') } : {}),
    ...(curves.length > 0 ? { ecdhCurve: curves.join(':') } : {}),
    honorCipherOrder: tls.prefer_server_cipher_suites,
  };
  try {
    createSecureContext(context);
  } catch (error) {
    fail(['tls_server_config'], `OpenSSL rejects these settings: ${errorMessage(error)}`);
  }
  return { context, clientAuth, allowedSans, fingerprint: certificate.fingerprint256 };
}

/** Identity of a file's current content for change detection (rename-replaced files get a new inode). */
export function fileStamp(paths: readonly string[]): string {
  return paths
    .map((path) => {
      try {
        const stat = statSync(path);
        return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      } catch {
        return 'missing';
      }
    })
    .join('|');
}

/** Hashes a password the way `htpasswd -nBC <cost>` does (for tests and `kansa`-side tooling). */
export function hashPassword(password: string, cost = 10): string {
  return bcrypt.hashSync(password, cost);
}
