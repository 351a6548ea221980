/** `--sandbox`: starts the embedded sandbox cloud on loopback and points the collectors at it. */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { ConfigClientFactory } from '../../collectors/aws/config-service.js';
import type { ClientOverrides } from '../../collectors/registry.js';
import type { AgentConfig } from '../config/schema.js';
import { awsCollectorSchema } from '../config/schema.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';

export interface SandboxRun {
  readonly config: AgentConfig;
  readonly overrides: ClientOverrides;
  readonly close: () => Promise<void>;
  readonly describe: string;
}

export async function withSandbox(config: AgentConfig, options: { resources: number }): Promise<SandboxRun> {
  const sandbox = await startSandbox({ host: '127.0.0.1', port: 0, aws: { resources: options.resources } });
  const aws = awsCollectorSchema.parse({
    ...(config.collectors.aws ?? {}),
    enabled: true,
    endpoint: sandbox.aws.endpoint,
    regions: sandbox.aws.regions,
    accounts: sandbox.aws.accounts.map((id) => ({ id })),
  });
  // Azure: ARM and Resource Graph over the sandbox's HTTPS listener; the SDK trusts only its certificate.
  const { azureCollectorSchema } = await import('../config/schema.js');
  const { azureClients } = await import('../../collectors/azure/clients.js');
  const { StaticTokenCredential } = await import('../../collectors/azure/credential.js');
  const azure = azureCollectorSchema.parse({ ...(config.collectors.azure ?? {}), enabled: true, subscriptions: sandbox.azure.subscriptions, endpoint: sandbox.azure.endpoint });
  const azureSandboxClients = azureClients({ credential: new StaticTokenCredential(sandbox.azure.token), endpoint: sandbox.azure.endpoint, ca: sandbox.azure.ca });
  // GCP: Cloud Asset over the sandbox's loopback gRPC listener (insecure channel, no token sent), all its projects.
  const { gcpCollectorSchema } = await import('../config/schema.js');
  const { loopbackAssetClient } = await import('../../collectors/gcp/sandbox-client.js');
  const gcp = gcpCollectorSchema.parse({ ...(config.collectors.gcp ?? {}), enabled: true, scopes: sandbox.gcp.projects.map((p) => `projects/${p}`), requestsPerMinute: 6000 });
  return {
    config: { ...config, collectors: { ...config.collectors, aws, azure, gcp } },
    overrides: { awsConfigClient: sandboxAwsClients(sandbox), azureClients: azureSandboxClients, gcpClients: loopbackAssetClient(sandbox.gcp) },
    close: () => sandbox.close(),
    describe: `sandbox cloud at ${sandbox.aws.endpoint}: ${options.resources} resources in accounts ${sandbox.aws.accounts.join(', ')}, regions ${sandbox.aws.regions.join(', ')}`,
  };
}

/** Real SDK clients pointed at the sandbox, with the per-account credentials it issues. */
export function sandboxAwsClients(sandbox: Sandbox): ConfigClientFactory {
  return (target) =>
    new ConfigServiceClient({
      region: target.region,
      endpoint: sandbox.aws.endpoint,
      maxAttempts: 1,
      // The sandbox maps access keys to accounts the way AWS does; the aggregator lives in the management account.
      credentials: sandbox.aws.credentialsFor(target.account ?? sandbox.aws.managementAccount),
    });
}
