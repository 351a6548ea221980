/**
 * The sandbox's Azure listener: ARM and Resource Graph over HTTPS with a certificate generated at
 * start-up. Bearer tokens are only ever sent over TLS by the Azure SDK, so the sandbox speaks TLS too;
 * clients trust `ca` (this certificate) and nothing else.
 */
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { AzureArmHandler, AZURE_SANDBOX_TOKEN } from './azure-arm.js';
import { generateSandboxCertificate } from './azure-tls.js';
import type { CallLog } from './calls.js';
import { AzureEstate, SUBSCRIPTION_STATES, type AzureEstateOptions, type SubscriptionState } from './estate/azure.js';
import type { FaultInjector } from './faults.js';
import { closeServer, KEEP_ALIVE_SERVER_OPTIONS, listenOn, serveWithBody } from './http.js';

export type { AzureEstateOptions } from './estate/azure.js';
export { AZURE_API_VERSIONS } from './estate/azure.js';
export { AZURE_SANDBOX_TOKEN, ARM_LIST_MAX_PAGE, RESOURCE_GRAPH_MAX_PAGE } from './azure-arm.js';
export { SUBSCRIPTION_STATES, type SubscriptionState } from './estate/azure.js';

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The standalone sandbox's Azure flags: `--subscription-states ID:State,…`, `--subscriptions-page-size N`,
 * `--graph-quota QUERIES/SECONDS` (e.g. 15/5, the documented example) and `--unreadable-types T1,T2`.
 */
export function parseAzureFlags(flags: { subscriptionStates?: string | undefined; subscriptionsPageSize?: string | undefined; graphQuota?: string | undefined; unreadableTypes?: string | undefined }): Partial<AzureEstateOptions> {
  const out: { -readonly [K in keyof AzureEstateOptions]?: AzureEstateOptions[K] } = {};
  if (flags.subscriptionStates !== undefined) {
    const states: Record<string, SubscriptionState> = {};
    for (const entry of flags.subscriptionStates.split(',').map((e) => e.trim()).filter(Boolean)) {
      const [id = '', state = ''] = entry.split(':');
      if (!(SUBSCRIPTION_STATES as readonly string[]).includes(state)) throw new Error(`--subscription-states expects ID:State with State one of ${SUBSCRIPTION_STATES.join(', ')}, got '${entry}'`);
      states[id.toLowerCase()] = state as SubscriptionState;
    }
    out.subscriptionStates = states;
  }
  if (flags.subscriptionsPageSize !== undefined) {
    const size = Number(flags.subscriptionsPageSize);
    if (!Number.isSafeInteger(size) || size < 1) throw new Error(`--subscriptions-page-size expects a positive integer, got '${flags.subscriptionsPageSize}'`);
    out.subscriptionsPageSize = size;
  }
  if (flags.graphQuota !== undefined) {
    const m = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(flags.graphQuota.trim());
    if (!m) throw new Error(`--graph-quota expects QUERIES/SECONDS (e.g. 15/5), got '${flags.graphQuota}'`);
    out.graphQuota = { queries: Number(m[1]), windowSeconds: Number(m[2]) };
  }
  if (flags.unreadableTypes !== undefined) out.unreadableTypes = flags.unreadableTypes.split(',').map((t) => t.trim()).filter(Boolean);
  return out;
}

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
  server.on('connection', (socket: Socket) => callLog.connected('azure', `${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0}`));
  const port = await listenOn(server, 0, host);
  const endpoint = `https://${endpointHost}:${port}`;
  handler.setOrigin(endpoint);
  return {
    azure: { endpoint, ca: cert, token: AZURE_SANDBOX_TOKEN, tenantId: '72f988bf-0000-4000-8000-00000000a2e5', subscriptions: estate.subscriptions, hiddenSubscriptions: estate.hiddenSubscriptions, locations: estate.locations, estate },
    close: () => closeServer(server),
  };
}
