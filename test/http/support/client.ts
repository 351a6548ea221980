/** A one-connection HTTP(S) client for endpoint tests: custom CA, client certificate, basic auth. */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** SHA-256 fingerprint of the server certificate (HTTPS only). */
  readonly serverFingerprint?: string;
}

export interface RequestOptions {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly user?: string;
  readonly password?: string;
  readonly authorization?: string;
}

export function get(url: string, options: RequestOptions = {}): Promise<Reply> {
  const target = new URL(url);
  const authorization = options.authorization ?? (options.user === undefined ? undefined : `Basic ${Buffer.from(`${options.user}:${options.password ?? ''}`).toString('base64')}`);
  const common = { method: 'GET', host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, agent: false as const, headers: authorization ? { authorization } : {} };
  return new Promise((resolve, reject) => {
    const onResponse = (response: IncomingMessage): void => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        const socket = response.socket as TLSSocket;
        const fingerprint = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate().fingerprint256 : undefined;
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body, ...(fingerprint ? { serverFingerprint: fingerprint } : {}) });
      });
      response.on('error', reject);
    };
    const req =
      target.protocol === 'https:'
        ? httpsRequest(
            {
              ...common,
              ...(options.ca ? { ca: readFileSync(options.ca) } : {}),
              ...(options.cert ? { cert: readFileSync(options.cert) } : {}),
              ...(options.key ? { key: readFileSync(options.key) } : {}),
            },
            onResponse,
          )
        : httpRequest(common, onResponse);
    req.on('error', reject);
    req.end();
  });
}
