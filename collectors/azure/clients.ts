/**
 * SDK clients for the Azure collector, created per collector (never globally). Retries are ours
 * (collectors/azure/retry.ts): the pipeline's are off so every attempt is counted and 429s without
 * Retry-After are retried too. The clients live as long as the collector and send through one
 * keep-alive agent of their own with a bound on sockets (issue 18), instead of the SDK's process-wide
 * HTTP client whose agents are never closed; close() destroys its sockets (agent stop).
 */
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { ResourceManagementClient } from '@azure/arm-resources';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { TokenCredential } from '@azure/core-auth';
import { createDefaultHttpClient, createPipelineRequest, type PipelineRequest, type SendRequest } from '@azure/core-rest-pipeline';
import { DefaultAzureCredential } from '@azure/identity';
import type { GraphClient } from './entra.js';
import type { AzureClients } from './resource-manager.js';
import { principalOfToken, tenantOfToken } from './read-access.js';

export interface AzureClientOptions {
  readonly credential: TokenCredential;
  /** ARM endpoint (sovereign clouds, the sandbox); default https://management.azure.com. */
  readonly endpoint?: string;
  /** Extra trusted CA (PEM) for this client only: the sandbox's self-signed certificate. */
  readonly ca?: string;
  /** Sockets the clients may hold at once (the collector's concurrency: one call, one socket); default 8, the default concurrency. */
  readonly maxSockets?: number;
  /** Microsoft Graph endpoint (national clouds, the sandbox); default https://graph.microsoft.com. */
  readonly graphEndpoint?: string;
}

const GRAPH_ENDPOINT = 'https://graph.microsoft.com';

/**
 * Microsoft Graph over plain HTTPS GETs with a token from the same credential: no Graph SDK is installed and
 * none is needed — the few reads are JSON lists paged by an absolute @odata.nextLink. node:https rather than
 * the global fetch so the requests share the collector's socket-bounded agent and its extra CA (the sandbox's).
 */
function graphClient(credential: TokenCredential, agent: HttpsAgent, endpoint: string | undefined): GraphClient {
  const origin = (endpoint ?? GRAPH_ENDPOINT).replace(/\/+$/, '');
  const scope = `${origin === GRAPH_ENDPOINT ? GRAPH_ENDPOINT : origin}/.default`;
  return {
    base: `${origin}/v1.0`,
    async get(url, signal) {
      const token = await credential.getToken(scope, { abortSignal: signal });
      if (!token) throw new Error('no Microsoft Graph access token');
      const { status, headers, text } = await new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>((resolve, reject) => {
        const req = httpsRequest(url, { method: 'GET', agent, signal, headers: { Authorization: `Bearer ${token.token}`, Accept: 'application/json' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
      if (status >= 400) {
        // Shaped as the SDK's RestError so retry.ts classifies it (code from the OData error body, Retry-After).
        const get = (name: string): string | undefined => {
          const v = headers[name.toLowerCase()];
          return Array.isArray(v) ? v[0] : v;
        };
        throw Object.assign(new Error(`GET ${new URL(url).pathname} answered ${status}`), { statusCode: status, response: { status, headers: { get }, bodyAsText: text } });
      }
      return JSON.parse(text) as unknown;
    },
  };
}

/** A kept-alive socket idle this long is closed (shorter than ARM's idle timeout; none held between scans). */
const IDLE_SOCKET_MS = 20_000;
const DEFAULT_MAX_SOCKETS = 8;

export function azureClients(options: AzureClientOptions): AzureClients {
  const endpoint = options.endpoint?.replace(/\/+$/, '');
  // The request's agent replaces the pipeline's own, so it carries the extra CA itself.
  const agent = new HttpsAgent({ keepAlive: true, maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS, maxTotalSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS, timeout: IDLE_SOCKET_MS, ...(options.ca ? { ca: options.ca } : {}) });
  const http = createDefaultHttpClient();
  const common = {
    retryOptions: { maxRetries: 0 },
    httpClient: http,
    additionalPolicies: [{ position: 'perCall' as const, policy: { name: 'kansaAgent', sendRequest: (request: PipelineRequest, next: SendRequest) => next(Object.assign(request, { agent })) } }],
    ...(endpoint ? { endpoint, credentials: { scopes: [`${endpoint}/.default`] } } : {}),
  };
  // One ARM client per subscription; the Resource Graph client is shared (subscriptions are in the body).
  const arm = new Map<string, ResourceManagementClient>();
  let graph: ResourceGraphClient | undefined;
  const authorization = new Map<string, AuthorizationManagementClient>();
  return {
    endpoint: endpoint ?? 'https://management.azure.com',
    // With another ARM endpoint (a national cloud, the sandbox) Graph's must be named too: the token never goes to the public Graph by default.
    ...(options.graphEndpoint !== undefined || endpoint === undefined ? { graph: graphClient(options.credential, agent, options.graphEndpoint) } : {}),
    async tenantId(signal) {
      const token = await options.credential.getToken(`${endpoint ?? 'https://management.azure.com'}/.default`, { abortSignal: signal });
      return token ? tenantOfToken(token.token) : undefined;
    },
    get(url, signal) {
      // The ARM client's pipeline carries the bearer token policy and the TLS options.
      return this.resources('').pipeline.sendRequest(http, createPipelineRequest({ url, method: 'GET', abortSignal: signal }));
    },
    async principalId(signal) {
      const token = await options.credential.getToken(`${endpoint ?? 'https://management.azure.com'}/.default`, { abortSignal: signal });
      return token ? principalOfToken(token.token) : undefined;
    },
    resources(subscription) {
      let client = arm.get(subscription);
      if (!client) {
        client = new ResourceManagementClient(options.credential, subscription || '00000000-0000-0000-0000-000000000000', common);
        arm.set(subscription, client);
      }
      return client;
    },
    resourceGraph() {
      graph ??= new ResourceGraphClient(options.credential, common);
      return graph;
    },
    authorization(subscription) {
      let client = authorization.get(subscription);
      if (!client) {
        client = new AuthorizationManagementClient(options.credential, subscription, common);
        authorization.set(subscription, client);
      }
      return client;
    },
    close() {
      arm.clear();
      authorization.clear();
      graph = undefined;
      agent.destroy();
    },
  };
}

/** Production: DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI…). */
export function defaultAzureClients(config: { readonly endpoint?: string | undefined; readonly graphEndpoint?: string | undefined; readonly tenantId?: string | undefined; readonly concurrency: number }): AzureClients {
  const credential = new DefaultAzureCredential(config.tenantId ? { tenantId: config.tenantId } : {});
  return azureClients({ credential, maxSockets: config.concurrency, ...(config.endpoint ? { endpoint: config.endpoint } : {}), ...(config.graphEndpoint ? { graphEndpoint: config.graphEndpoint } : {}) });
}
