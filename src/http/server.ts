/** The agent's HTTP endpoint: /metrics, /healthz (process alive), /readyz (first assessment done). */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { errorMessage } from '../errors.js';

export interface EndpointOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  readonly ready: () => boolean;
  readonly onError: (error: string) => void;
}

const INDEX = `<!doctype html><html><head><meta charset="utf-8"><title>kansa</title></head><body>
<h1>kansa 監査</h1><p>Compliance agent for クラウドサービス調達仕様.</p>
<ul><li><a href="/metrics">/metrics</a></li><li><a href="/healthz">/healthz</a></li><li><a href="/readyz">/readyz</a></li></ul></body></html>`;

export async function startEndpoint(options: EndpointOptions): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
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
  });
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
  return {
    server,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
