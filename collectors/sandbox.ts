/**
 * How the collectors connect to the embedded sandbox cloud (src/sandbox/): real SDK clients pointed at
 * its listeners. This lives with the collectors, not the sandbox: the sandbox knows wire formats only.
 * The description is plain data because it crosses to the agent's engine worker (src/agent/engine.ts),
 * which builds its own clients from it.
 */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { AWS_SANDBOX_SECRET, sandboxAccessKeyFor } from '../src/sandbox/aws-credentials.js';
import type { Sandbox } from '../src/sandbox/server.js';
import type { ConfigClientFactory } from './aws/config-service.js';
import { azureClients } from './azure/clients.js';
import { StaticTokenCredential } from './azure/credential.js';
import { loopbackAssetClient } from './gcp/sandbox-client.js';
import type { ClientOverrides } from './registry.js';

/** Each provider's listener; a provider left out keeps its production clients. */
export interface SandboxClients {
  readonly aws?: { readonly endpoint: string; readonly managementAccount: string };
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

export function sandboxClientOverrides(clients: SandboxClients): ClientOverrides {
  const { aws, azure, gcp } = clients;
  return {
    ...(aws ? { awsConfigClient: sandboxAwsClients(aws) } : {}),
    // ARM and Resource Graph over the sandbox's HTTPS listener; the SDK trusts only its certificate.
    ...(azure ? { azureClients: azureClients({ credential: new StaticTokenCredential(azure.token), endpoint: azure.endpoint, ca: azure.ca }) } : {}),
    // Cloud Asset over the loopback gRPC listener (insecure channel, no token sent).
    ...(gcp ? { gcpClients: loopbackAssetClient(gcp) } : {}),
  };
}

/** AWS Config clients with the per-account credentials the sandbox issues. */
export function sandboxAwsClients(aws: NonNullable<SandboxClients['aws']>): ConfigClientFactory {
  return (target) =>
    new ConfigServiceClient({
      region: target.region,
      endpoint: aws.endpoint,
      maxAttempts: 1,
      // The sandbox maps access keys to accounts the way AWS does; the aggregator lives in the management account.
      credentials: { accessKeyId: sandboxAccessKeyFor(target.account ?? aws.managementAccount), secretAccessKey: AWS_SANDBOX_SECRET },
    });
}
