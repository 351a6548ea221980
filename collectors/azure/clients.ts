/**
 * SDK clients for the Azure collector, created per collector (never globally). Retries are ours
 * (collectors/azure/retry.ts): the pipeline's are off so every attempt is counted and 429s without
 * Retry-After are retried too.
 */
import { ResourceManagementClient } from '@azure/arm-resources';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { TokenCredential } from '@azure/core-auth';
import { createDefaultHttpClient, createPipelineRequest } from '@azure/core-rest-pipeline';
import { DefaultAzureCredential } from '@azure/identity';
import type { AzureClients } from './resource-manager.js';

export interface AzureClientOptions {
  readonly credential: TokenCredential;
  /** ARM endpoint (sovereign clouds, the sandbox); default https://management.azure.com. */
  readonly endpoint?: string;
  /** Extra trusted CA (PEM) for this client only: the sandbox's self-signed certificate. */
  readonly ca?: string;
}

export function azureClients(options: AzureClientOptions): AzureClients {
  const endpoint = options.endpoint?.replace(/\/+$/, '');
  const common = {
    retryOptions: { maxRetries: 0 },
    ...(endpoint ? { endpoint, credentials: { scopes: [`${endpoint}/.default`] } } : {}),
    ...(options.ca ? { tlsOptions: { ca: options.ca } } : {}),
  };
  // One ARM client per subscription; the Resource Graph client is shared (subscriptions are in the body).
  const arm = new Map<string, ResourceManagementClient>();
  let graph: ResourceGraphClient | undefined;
  const http = createDefaultHttpClient();
  return {
    endpoint: endpoint ?? 'https://management.azure.com',
    get(url, signal) {
      // The ARM client's pipeline carries the bearer token policy and the TLS options.
      return this.resources('').pipeline.sendRequest(http, createPipelineRequest({ url, method: 'GET', abortSignal: signal }));
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
  };
}

/** Production: DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI…). */
export function defaultAzureClients(config: { readonly endpoint?: string | undefined; readonly tenantId?: string | undefined }): AzureClients {
  const credential = new DefaultAzureCredential(config.tenantId ? { tenantId: config.tenantId } : {});
  return azureClients({ credential, ...(config.endpoint ? { endpoint: config.endpoint } : {}) });
}
