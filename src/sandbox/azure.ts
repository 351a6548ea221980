/**
 * The sandbox's Azure listener: ARM and Resource Graph over HTTPS with a certificate generated at
 * start-up. Bearer tokens are only ever sent over TLS by the Azure SDK, so the sandbox speaks TLS too;
 * clients trust `ca` (this certificate) and nothing else.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AzureArmHandler, AZURE_SANDBOX_TOKEN } from './azure-arm.js';
import { generateSandboxCertificate } from './azure-tls.js';
import type { CallLog } from './calls.js';
import { AzureEstate, type AzureEstateOptions } from './estate/azure.js';
import type { FaultInjector } from './faults.js';
import { BodyTooLargeError, readBody, send } from './http.js';

export type { AzureEstateOptions } from './estate/azure.js';
export { AZURE_API_VERSIONS } from './estate/azure.js';
export { AZURE_SANDBOX_TOKEN, ARM_LIST_MAX_PAGE, RESOURCE_GRAPH_MAX_PAGE } from './azure-arm.js';

const MAX_BODY_BYTES = 1024 * 1024;
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface SandboxAzure {
  /** `https://127.0.0.1:port`: the ARM endpoint (and Resource Graph's) for the SDK clients. */
  readonly endpoint: string;
  /** PEM of the sandbox's self-signed certificate: the only CA sandbox clients trust. */
  readonly ca: string;
  /** The bearer token the sandbox accepts (served by a static TokenCredential). */
  readonly token: string;
  readonly tenantId: string;
  readonly subscriptions: readonly string[];
  readonly locations: readonly string[];
  readonly estate: AzureEstate;
}

export interface AzureListener {
  readonly azure: SandboxAzure;
  close(): Promise<void>;
}

export async function startAzureListener(host: string, endpointHost: string, options: AzureEstateOptions | undefined, faults: FaultInjector, callLog: CallLog): Promise<AzureListener> {
  const estate = new AzureEstate(options);
  const handler = new AzureArmHandler(estate, faults, callLog);
  const { cert, key } = generateSandboxCertificate(['localhost', '127.0.0.1', '::1', ...(endpointHost.startsWith('[') || /^[\d.]+$/.test(endpointHost) || endpointHost === 'localhost' ? [] : [endpointHost])]);
  const server: Server = createServer({ cert, key, keepAlive: true, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, headersTimeout: KEEP_ALIVE_TIMEOUT_MS + 1000 }, (req, res) => {
    void (async () => {
      try {
        const body = await readBody(req, MAX_BODY_BYTES);
        await handler.handle(req, body, res);
      } catch (error) {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const tooLarge = error instanceof BodyTooLargeError;
        send(res, tooLarge ? 413 : 500, { 'Content-Type': 'application/json', Connection: 'close' }, JSON.stringify({ error: { code: tooLarge ? 'RequestTooLarge' : 'InternalServerError', message: tooLarge ? error.message : 'sandbox internal error' } }));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `https://${endpointHost}:${port}`;
  handler.origin = endpoint;
  return {
    azure: { endpoint, ca: cert, token: AZURE_SANDBOX_TOKEN, tenantId: '72f988bf-0000-4000-8000-00000000a2e5', subscriptions: estate.subscriptions, locations: estate.locations, estate },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
