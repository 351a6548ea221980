/**
 * The agent's HTTP endpoint: /metrics, /healthz (process alive), /readyz (first assessment done).
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
import type { TlsSettings } from './web-config.js';
import type { WebSecurity } from './web-security.js';

export interface EndpointOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  readonly ready: () => boolean;
  readonly onError: (error: string) => void;
  /** Refused clients (bad certificates); defaults to onError. */
  readonly onWarning?: (message: string) => void;
  /** TLS, basic auth, headers and rate limit from a web configuration file; absent: plain HTTP, open. */
  readonly web?: WebSecurity;
}

export interface Endpoint {
  readonly server: Server | HttpsServer;
  /** `http://…` or `https://…`, reachable from this host (loopback when listening on every interface). */
  readonly url: string;
  /** The socket's address as bound, e.g. `0.0.0.0:9731` or `[::]:9731`. */
  readonly boundAddress: string;
  readonly close: () => Promise<void>;
}

const INDEX = `<!doctype html><html><head><meta charset="utf-8"><title>kansa</title></head><body>
<h1>kansa 監査</h1><p>Compliance agent for クラウドサービス調達仕様.</p>
<ul><li><a href="/metrics">/metrics</a></li><li><a href="/healthz">/healthz</a></li><li><a href="/readyz">/readyz</a></li></ul></body></html>`;

export async function startEndpoint(options: EndpointOptions): Promise<Endpoint> {
  const { web } = options;
  const route = (request: IncomingMessage, response: ServerResponse): void => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    switch (path) {
      case '/metrics':
        options.registry
          .metrics()
          .then((body) => {
            response.writeHead(200, { 'content-type': options.registry.contentType }).end(body);
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
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(INDEX);
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
          .authorize(request.headers.authorization)
          .then((allowed) => {
            if (allowed) route(request, response);
            else response.writeHead(401, { 'www-authenticate': WWW_AUTHENTICATE, 'content-type': 'text/plain' }).end('Unauthorized\n');
          })
          .catch((error: unknown) => {
            options.onError(`authentication failed: ${errorMessage(error)}`);
            response.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error\n');
          });
      }
    : route;

  const tls = web?.current.tls;
  const server = tls ? createTlsServer(tls, handler, web, options.onWarning ?? options.onError) : createServer(handler);
  server.keepAliveTimeout = 65_000;
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

function createTlsServer(tls: TlsSettings, handler: RequestListener, web: WebSecurity, onWarning: (message: string) => void): HttpsServer {
  const requestCert = tls.clientAuth !== 'NoClientCert';
  const server = createHttpsServer({ ...tls.context, requestCert, rejectUnauthorized: tls.clientAuth === 'RequireAndVerifyClientCert' }, handler);
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
