/**
 * How the collectors connect to the embedded sandbox cloud (src/sandbox/): real SDK clients pointed at
 * its listeners. This lives with the collectors, not the sandbox: the sandbox knows wire formats only.
 * The description is plain data because it crosses to the agent's engine worker (src/agent/engine.ts),
 * which builds its own clients from it.
 */
import type { Sandbox } from '../src/sandbox/server.js';
import type { AwsSandboxListener } from './aws/sandbox-clients.js';
import type { ClientOverrides } from './registry.js';

/** Each provider's listener; a provider left out keeps its production clients. */
export interface SandboxClients {
  readonly aws?: AwsSandboxListener;
  readonly azure?: { readonly endpoint: string; readonly token: string; readonly ca: string };
  readonly gcp?: { readonly apiEndpoint: string; readonly port: number };
}

export function sandboxClientsOf(sandbox: Sandbox): SandboxClients {
  return {
    aws: { endpoint: sandbox.aws.endpoint, managementAccount: sandbox.aws.managementAccount },
    azure: { endpoint: sandbox.azure.endpoint, token: sandbox.azure.token, ca: sandbox.azure.ca },
    gcp: { apiEndpoint: sandbox.gcp.apiEndpoint, port: sandbox.gcp.port },
  };
}

/**
 * Each provider's SDK is imported when its collector is built, not with this module: an agent that collects one
 * cloud from the sandbox holds one SDK in memory, as it would in production (the three together cost ~120 MB).
 */
export function sandboxClientOverrides(clients: SandboxClients): ClientOverrides {
  const { aws, azure, gcp } = clients;
  return {
    ...(aws
      ? {
          awsClients: async (config) => {
            // One import after the other: concurrent imports sharing modules race in Jest's ESM loader (see registry.ts).
            const { sandboxAwsClients } = await import('./aws/sandbox-clients.js');
            const { awsMaxSockets } = await import('./aws/clients.js');
            return sandboxAwsClients(aws, undefined, awsMaxSockets(config));
          },
        }
      : {}),
    // ARM, Resource Graph and Microsoft Graph (under /graph) over the sandbox's HTTPS listener; the clients trust only its certificate.
    ...(azure
      ? {
          azureClients: async (config) => {
            const { azureClients } = await import('./azure/clients.js');
            const { StaticTokenCredential } = await import('./azure/credential.js');
            return azureClients({ credential: new StaticTokenCredential(azure.token), endpoint: azure.endpoint, ca: azure.ca, maxSockets: config.concurrency, graphEndpoint: config.graphEndpoint ?? `${azure.endpoint}/graph` });
          },
        }
      : {}),
    // Cloud Asset over the loopback gRPC listener (insecure channel, no token sent).
    ...(gcp ? { gcpClients: async () => (await import('./gcp/sandbox-client.js')).loopbackAssetClient(gcp) } : {}),
  };
}
