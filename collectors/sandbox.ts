/**
 * How the collectors connect to the embedded sandbox cloud (src/sandbox/): real SDK clients pointed at
 * its listeners. This lives with the collectors, not the sandbox: the sandbox knows wire formats only.
 * The description is plain data because it crosses to the agent's engine worker (src/agent/engine.ts),
 * which builds its own clients from it.
 */
import { AWS_SANDBOX_SECRET, sandboxAccessKeyFor } from '../src/sandbox/aws-credentials.js';
import type { Sandbox } from '../src/sandbox/server.js';
import { awsClientPool, awsMaxSockets, type AwsClients, type ClientTarget } from './aws/clients.js';
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
    ...(aws ? { awsClients: (config) => sandboxAwsClients(aws, undefined, awsMaxSockets(config)) } : {}),
    // ARM, Resource Graph and Microsoft Graph (under /graph) over the sandbox's HTTPS listener; the clients trust only its certificate.
    ...(azure ? { azureClients: (config) => azureClients({ credential: new StaticTokenCredential(azure.token), endpoint: azure.endpoint, ca: azure.ca, maxSockets: config.concurrency, graphEndpoint: config.graphEndpoint ?? `${azure.endpoint}/graph` }) } : {}),
    // Cloud Asset over the loopback gRPC listener (insecure channel, no token sent).
    ...(gcp ? { gcpClients: () => loopbackAssetClient(gcp) } : {}),
  };
}

/**
 * AWS Config, STS, Account, IAM and CloudTrail clients with the per-account credentials the sandbox issues. `signAs`
 * signs as another account than the target's (tests of the identity check: credentials that belong to
 * someone else).
 */
/** Tests that build a collector themselves: the default concurrency (4) × the sandbox's three accounts. */
const DEFAULT_SANDBOX_SOCKETS = 12;

export function sandboxAwsClients(aws: NonNullable<SandboxClients['aws']>, signAs?: (target: ClientTarget) => string, maxSockets = DEFAULT_SANDBOX_SOCKETS): AwsClients {
  // The sandbox maps access keys to accounts the way AWS does; the aggregator lives in the management account.
  return awsClientPool(
    (target) => ({
      region: target.region,
      endpoint: aws.endpoint,
      maxAttempts: 1,
      credentials: { accessKeyId: sandboxAccessKeyFor(signAs?.(target) ?? target.account ?? aws.managementAccount), secretAccessKey: AWS_SANDBOX_SECRET },
    }),
    maxSockets,
  );
}
