/**
 * The agent's HTTP endpoint: /metrics, /healthz (process alive), /readyz (first assessment done) and the
 * live board at / (src/http/board.ts).
 * With a web configuration (exporter-toolkit format) it serves TLS, optionally verifying client
 * certificates, and requires basic authentication on every path, as exporter-toolkit's servers do.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Registry } from 'prom-client';
import { errorMessage } from '../errors.js';
import { WWW_AUTHENTICATE } from './basic-auth.js';
import { PrefixedGzip } from './prefixed-gzip.js';
import type { TlsSettings } from './web-config.js';
import type { WebSecurity } from './web-security.js';

export interface EndpointOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  /**
   * Families that never change while the process runs (descriptions of the catalog and the controls): rendered at
   * the first scrape only, and put before the registry's on every one. They were most of /metrics' bytes.
   */
  readonly fixedRegistry?: Registry;
  readonly ready: () => boolean;
  readonly onError: (error: string) => void;
  /** Refused clients (bad certificates); defaults to onError. */
  readonly onWarning?: (message: string) => void;
  /** TLS, basic auth, headers and rate limit from a web configuration file; absent: plain HTTP, open. */
  readonly web?: WebSecurity;
  /** Changes whenever what /metrics shows changes (a new status, a reload): a cached rendering ends with it. */
  readonly metricsVersion?: () => unknown;
  /** Connection limits and timeouts (defaults: CONNECTION_LIMITS). */
  readonly limits?: Partial<ConnectionLimits>;
  /** The live board at `/` (src/http/board.ts), given the request's query; absent: `/` is not found. */
  readonly board?: (query: URLSearchParams) => string;
}

/**
 * What a hostile or broken client may hold. Connections that send nothing, a partial request, or stay
 * idle after a TLS handshake are closed; the agent's descriptors are shared with collection and evidence.
 */
export interface ConnectionLimits {
  /** Time to receive a request's headers (slow-loris). */
  readonly headersTimeoutMs: number;
  /** Time to receive a whole request. */
  readonly requestTimeoutMs: number;
  /** A connection with no traffic for this long is closed (nothing sent, or idle between requests). */
  readonly idleTimeoutMs: number;
  /** Prometheus reuses its connection between scrapes: kept open this long after a response. */
  readonly keepAliveTimeoutMs: number;
  /** TLS handshakes must complete within this. */
  readonly handshakeTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerSource: number;
  /** How often Node checks the header and request timeouts. */
  readonly checkIntervalMs: number;
  /** Delay before answering a source over its failed-login limit, or a login refused as busy. */
  readonly tarpitMs: number;
}

export const CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 70_000,
  keepAliveTimeoutMs: 65_000,
  handshakeTimeoutMs: 10_000,
  maxConnections: 1_024,
  maxConnectionsPerSource: 64,
  checkIntervalMs: 5_000,
  tarpitMs: 1_000,
};

/**
 * /metrics is rendered at most once per change of what it shows, and at most this often: concurrent
 * scrapes share one rendering (and its gzip). Process metrics in it are at most this old.
 */
const METRICS_CACHE_MS = 1_000;

export interface Endpoint {
  readonly server: Server | HttpsServer;
  /** `http://…` or `https://…`, reachable from this host (loopback when listening on every interface). */
  readonly url: string;
  /** The socket's address as bound, e.g. `0.0.0.0:9731` or `[::]:9731`. */
  readonly boundAddress: string;
  readonly close: () => Promise<void>;
}

/** What the board may load: nothing but its own inline style (no script, no external asset, no framing). */
const BOARD_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export async function startEndpoint(options: EndpointOptions): Promise<Endpoint> {
  const { web } = options;
  const limits: ConnectionLimits = { ...CONNECTION_LIMITS, ...options.limits };
  const metrics = new RenderedMetrics(options.registry, options.metricsVersion ?? (() => undefined), options.fixedRegistry);
  const route = (request: IncomingMessage, response: ServerResponse): void => {
    const [path = '/', query = ''] = (request.url ?? '/').split('?', 2);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    switch (path) {
      case '/metrics':
        metrics
          .current()
          .then((rendered) => {
            const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
            const headers = { 'content-type': options.registry.contentType, vary: 'accept-encoding' };
            if (gzip) response.writeHead(200, { ...headers, 'content-encoding': 'gzip' }).end(rendered.gzipped());
            else response.writeHead(200, headers).end(rendered.body);
          })
          .catch((error: unknown) => {
            options.onError(errorMessage(error));
            response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${errorMessage(error)}\n`);
          });
        return;
      case '/healthz':
        response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
        return;
      case '/readyz':
        if (options.ready()) response.writeHead(200, { 'content-type': 'text/plain' }).end('ready\n');
        else response.writeHead(503, { 'content-type': 'text/plain' }).end('first assessment not finished\n');
        return;
      case '/':
        if (options.board) {
          let page: string;
          try {
            page = options.board(new URLSearchParams(query));
          } catch (error) {
            // A bug in the board must not take the process (and /metrics) down with it.
            options.onError(`board: ${errorMessage(error)}`);
            response.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error\n');
            return;
          }
          response
            .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': BOARD_SECURITY_POLICY, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
            .end(page);
          return;
        }
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      default:
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  };

  const handler: RequestListener = web
    ? (request, response) => {
        web.refresh();
        for (const [name, value] of Object.entries(web.current.headers)) response.setHeader(name, value);
        if (!web.admit()) {
          response.writeHead(429, { 'content-type': 'text/plain' }).end('Too Many Requests\n');
          return;
        }
        web
          .authorize(request.headers.authorization, request.socket.remoteAddress ?? '')
          .then((verdict) => {
            const unauthorized = (): void => void response.writeHead(401, { 'www-authenticate': WWW_AUTHENTICATE, 'content-type': 'text/plain' }).end('Unauthorized\n');
            const busy = (): void => void response.writeHead(429, { 'retry-after': '1', 'content-type': 'text/plain' }).end('Too Many Requests\n');
            // Slow answers to a flood cost a timer, not CPU; a client that ignores them waits anyway.
            const slowly = (answer: () => void): void => void setTimeout(() => (response.destroyed ? undefined : answer()), limits.tarpitMs).unref();
            if (verdict === 'allowed') route(request, response);
            else if (verdict === 'busy') slowly(busy);
            else if (verdict === 'throttled') slowly(unauthorized);
            else unauthorized();
          })
          .catch((error: unknown) => {
            options.onError(`authentication failed: ${errorMessage(error)}`);
            response.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error\n');
          });
      }
    : route;

  const tls = web?.current.tls;
  const serverOptions = { connectionsCheckingInterval: limits.checkIntervalMs, headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs };
  const server = tls
    ? createTlsServer(tls, handler, web, options.onWarning ?? options.onError, { ...serverOptions, handshakeTimeout: limits.handshakeTimeoutMs })
    : createServer(serverOptions, handler);
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.setTimeout(limits.idleTimeoutMs);
  server.maxConnections = limits.maxConnections;
  limitPerSource(server, limits.maxConnectionsPerSource);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  const bound = typeof address === 'object' && address ? (address.family === 'IPv6' ? `[${address.address}]` : address.address) : options.host;
  return {
    server,
    url: `${tls ? 'https' : 'http'}://${host}:${port}`,
    boundAddress: `${bound}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/** Closes connections beyond the per-source bound as they arrive. */
function limitPerSource(server: Server | HttpsServer, max: number): void {
  const open = new Map<string, number>();
  server.prependListener('connection', (socket: Socket) => {
    const source = socket.remoteAddress ?? '';
    const count = (open.get(source) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(source, count);
    socket.once('close', () => {
      const left = (open.get(source) ?? 1) - 1;
      if (left <= 0) open.delete(source);
      else open.set(source, left);
    });
  });
}

/**
 * The latest rendering of /metrics, reused for METRICS_CACHE_MS; its gzip made once, when first asked, from
 * the fixed families' compressed bytes and the changing families (PrefixedGzip).
 */
class RenderedMetrics {
  private rendered: Rendering | undefined;
  private rendering: { version: unknown; promise: Promise<RenderedView> } | undefined;
  private fixed: Promise<FixedPart> | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly version: () => unknown,
    private readonly fixedRegistry: Registry | undefined,
  ) {}

  current(): Promise<RenderedView> {
    const version = this.version();
    const cached = this.rendered;
    if (cached && cached.version === version && performance.now() - cached.at < METRICS_CACHE_MS) return Promise.resolve(view(cached));
    // Share a rendering in flight only if it began after the last change.
    if (this.rendering && this.rendering.version === version) return this.rendering.promise;
    const rendering = {
      version,
      promise: Promise.all([this.fixedPart(), this.registry.metrics()]).then(([fixed, changing]) => {
        const fresh: Rendering = { at: performance.now(), version, fixed, changing, body: fixed.text + changing };
        this.rendered = fresh;
        return view(fresh);
      }),
    };
    this.rendering = rendering;
    void rendering.promise.finally(() => {
      if (this.rendering === rendering) this.rendering = undefined;
    }).catch(() => undefined);
    return rendering.promise;
  }

  /** The fixed families, rendered once; a failed rendering is tried again at the next scrape. */
  private fixedPart(): Promise<FixedPart> {
    const rendering = (this.fixed ??= (this.fixedRegistry ? this.fixedRegistry.metrics() : Promise.resolve('')).then((text) => new FixedPart(text)));
    rendering.catch(() => {
      if (this.fixed === rendering) this.fixed = undefined;
    });
    return rendering;
  }
}

class FixedPart {
  private compressed: PrefixedGzip | undefined;
  constructor(readonly text: string) {}
  /** Compressed at the first gzip scrape, not at start-up: a scraper that never asks for gzip never pays. */
  gzip(changing: string): Buffer {
    return (this.compressed ??= new PrefixedGzip(this.text)).gzip(changing);
  }
}

interface Rendering {
  readonly at: number;
  readonly version: unknown;
  readonly fixed: FixedPart;
  readonly changing: string;
  readonly body: string;
  gzip?: Buffer;
}

interface RenderedView {
  readonly body: string;
  readonly gzipped: () => Buffer;
}

function view(entry: Rendering): RenderedView {
  return { body: entry.body, gzipped: () => (entry.gzip ??= entry.fixed.gzip(entry.changing)) };
}

function createTlsServer(
  tls: TlsSettings,
  handler: RequestListener,
  web: WebSecurity,
  onWarning: (message: string) => void,
  serverOptions: { connectionsCheckingInterval: number; headersTimeout: number; requestTimeout: number; handshakeTimeout: number },
): HttpsServer {
  const requestCert = tls.clientAuth !== 'NoClientCert';
  const server = createHttpsServer({ ...tls.context, ...serverOptions, requestCert, rejectUnauthorized: tls.clientAuth === 'RequireAndVerifyClientCert' }, handler);
  // Before the TLS wrapper sees the socket, so a rotated certificate serves this very handshake.
  server.prependListener('connection', (_socket: Socket) => {
    if (web.refresh()) {
      const next = web.current.tls;
      if (next) server.setSecureContext(next.context);
    }
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    const refusal = clientCertificateRefusal(web.current.tls ?? tls, socket);
    if (refusal) {
      onWarning(`TLS client refused from ${socket.remoteAddress ?? '?'}: ${refusal}`);
      socket.destroy();
    }
  });
  return server;
}

/** The checks Go's crypto/tls makes in the handshake for the client auth types Node cannot express. */
function clientCertificateRefusal(tls: TlsSettings, socket: TLSSocket): string | undefined {
  if (tls.clientAuth === 'NoClientCert' || tls.clientAuth === 'RequestClientCert') return undefined;
  const peer = socket.getPeerCertificate();
  const presented = peer !== null && typeof peer === 'object' && Object.keys(peer).length > 0;
  if (tls.clientAuth === 'RequireAnyClientCert' && !presented) return 'no client certificate';
  if (tls.clientAuth === 'VerifyClientCertIfGiven' && presented && !socket.authorized) return `client certificate not trusted: ${String(socket.authorizationError)}`;
  if (tls.allowedSans.length > 0) {
    const sans = (peer.subjectaltname ?? '').split(', ').map((entry) => entry.slice(entry.indexOf(':') + 1));
    if (!sans.some((san) => tls.allowedSans.includes(san))) return `client certificate SANs (${peer.subjectaltname ?? 'none'}) not in client_allowed_sans`;
  }
  return undefined;
}
