/** HTTP plumbing shared by the sandbox's provider handlers. */
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SandboxCloud } from './calls.js';

/** One cloud's wire protocol, mounted on the sandbox server. */
export interface ProviderHandler {
  readonly provider: SandboxCloud;
  /** Whether this request is for this provider (checked in mount order). */
  matches(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void>;
}

/** A protocol error answer: HTTP status, the provider's error code, message, extra headers; each handler renders it in its wire format. */
export class SandboxApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`request body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limitBytes) throw new BodyTooLargeError(limitBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Longer than any SDK's idle socket timeout, so clients reuse connections instead of racing a close. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
export const KEEP_ALIVE_SERVER_OPTIONS = { keepAlive: true, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, headersTimeout: KEEP_ALIVE_TIMEOUT_MS + 1000 } as const;

/** Listens on `port` (0: the kernel picks one) and returns the port bound. */
export async function listenOn(server: HttpServer | HttpsServer, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Stops listening and drops kept-alive connections, so closing never waits for idle clients. */
export function closeServer(server: HttpServer | HttpsServer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/**
 * Reads the request body and hands it to `handle`. A body over the limit is answered 413, any other
 * failure 500, with `errorBody` rendering the provider's error format; a failure after the response
 * started drops the connection.
 */
export async function serveWithBody(
  req: IncomingMessage,
  res: ServerResponse,
  limitBytes: number,
  handle: (body: Buffer) => Promise<void>,
  errorBody: (failure: { readonly tooLarge: boolean; readonly message: string }) => string,
): Promise<void> {
  try {
    await handle(await readBody(req, limitBytes));
  } catch (error) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const tooLarge = error instanceof BodyTooLargeError;
    send(res, tooLarge ? 413 : 500, { 'Content-Type': 'application/json', Connection: 'close' }, errorBody({ tooLarge, message: tooLarge ? error.message : 'sandbox internal error' }));
  }
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Writes a complete response; `truncateTo` cuts the body and declares the cut length, as a dropped proxy might. */
export function send(res: ServerResponse, status: number, headers: Readonly<Record<string, string>>, body: string, truncateTo?: number): void {
  let payload = Buffer.from(body, 'utf8');
  if (truncateTo !== undefined) payload = payload.subarray(0, Math.max(0, Math.min(truncateTo, payload.length - 1)));
  res.writeHead(status, { ...headers, 'Content-Length': String(payload.length) });
  res.end(payload);
}
