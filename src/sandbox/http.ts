/** HTTP plumbing shared by the sandbox's provider handlers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProviderId } from '../model/resource.js';

/** One cloud's wire protocol, mounted on the sandbox server. */
export interface ProviderHandler {
  readonly provider: ProviderId;
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
