/**
 * The sandbox's Azure listener: ARM and Resource Graph over HTTPS with a certificate generated at
 * start-up. Bearer tokens are only ever sent over TLS by the Azure SDK, so the sandbox speaks TLS too;
 * clients trust `ca` (this certificate) and nothing else.
 */
import { createServer, type Server } from 'node:https';
import { AzureArmHandler, AZURE_SANDBOX_TOKEN } from './azure-arm.js';
import { generateSandboxCertificate } from './azure-tls.js';
import type { CallLog } from './calls.js';
import { AzureEstate, type AzureEstateOptions } from './estate/azure.js';
import type { FaultInjector } from './faults.js';
import { closeServer, KEEP_ALIVE_SERVER_OPTIONS, listenOn, serveWithBody } from './http.js';

export type { AzureEstateOptions } from './estate/azure.js';
export { AZURE_API_VERSIONS } from './estate/azure.js';
export { AZURE_SANDBOX_TOKEN, ARM_LIST_MAX_PAGE, RESOURCE_GRAPH_MAX_PAGE } from './azure-arm.js';

const MAX_BODY_BYTES = 1024 * 1024;

export interface SandboxAzure {
  /** `https://127.0.0.1:port`: the ARM endpoint (and Resource Graph's) for the SDK clients. */
  readonly endpoint: string;
  /** PEM of the sandbox's self-signed certificate: the only CA sandbox clients trust. */
  readonly ca: string;
  /** The bearer token the sandbox accepts (served by a static TokenCredential). */
  readonly token: string;
  readonly tenantId: string;
  readonly subscriptions: readonly string[];
  /** Subscriptions of the estate the credential cannot see (`--hide-subscriptions`). */
  readonly hiddenSubscriptions: readonly string[];
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
  const server: Server = createServer({ cert, key, ...KEEP_ALIVE_SERVER_OPTIONS }, (req, res) => {
    void serveWithBody(req, res, MAX_BODY_BYTES, (body) => handler.handle(req, body, res), ({ tooLarge, message }) =>
      JSON.stringify({ error: { code: tooLarge ? 'RequestTooLarge' : 'InternalServerError', message } }),
    );
  });
  const port = await listenOn(server, 0, host);
  const endpoint = `https://${endpointHost}:${port}`;
  handler.origin = endpoint;
  return {
    azure: { endpoint, ca: cert, token: AZURE_SANDBOX_TOKEN, tenantId: '72f988bf-0000-4000-8000-00000000a2e5', subscriptions: estate.subscriptions, hiddenSubscriptions: estate.hiddenSubscriptions, locations: estate.locations, estate },
    close: () => closeServer(server),
  };
}
