/**
 * The collector registry: one entry per provider, built from the agent configuration. Clients are
 * created here (never globally) so the sandbox and tests can inject endpoints and credentials. Each
 * collector's configuration schema is its own (<provider>/config.ts), listed once in config.ts.
 * A provider's modules (and its SDK) are loaded only when it is enabled: each SDK costs the engine
 * worker tens of MB that an agent watching one cloud should not carry.
 */
import type { CollectorsConfig } from './config.js';
import type { AwsClients } from './aws/clients.js';
import type { AwsCollectorConfig } from './aws/config.js';
import type { AzureCollectorConfig } from './azure/config.js';
import type { AssetClientFactory } from './gcp/cloud-asset.js';
import type { AzureClients } from './azure/resource-manager.js';
import type { Collector } from './types.js';

/**
 * Each builds the clients of one collector (a collector closes its own when it stops, so two collectors
 * never share them).
 */
export interface ClientOverrides {
  /** Replaces the AWS clients (Config, STS, Account, IAM, CloudTrail) (sandbox: endpoint and per-account credentials). */
  readonly awsClients?: (config: AwsCollectorConfig) => Promise<AwsClients>;
  /** Replaces the Cloud Asset client factory (sandbox: loopback gRPC endpoint without credentials). */
  readonly gcpClients?: () => Promise<AssetClientFactory>;
  /** Replaces the Azure ARM / Resource Graph clients (sandbox: HTTPS endpoint, its CA, a static token). */
  readonly azureClients?: (config: AzureCollectorConfig) => Promise<AzureClients>;
}

/** The part of the agent configuration the registry reads (AgentConfig has it). */
export interface CollectorsSection {
  readonly collectors: CollectorsConfig;
}

type CollectorFactory = (config: CollectorsSection, overrides: ClientOverrides) => Promise<ConfiguredCollector | undefined>;

export interface ConfiguredCollector {
  readonly collector: Collector;
  readonly schedule: string;
  readonly jitterSeconds: number;
  readonly staleAfterSeconds: number;
}

export const COLLECTOR_FACTORIES = {
  azure: async (config: CollectorsSection, overrides: ClientOverrides): Promise<ConfiguredCollector | undefined> => {
    const azure = config.collectors.azure;
    if (!azure?.enabled) return undefined;
    const { AzureResourceCollector } = await import('./azure/resource-manager.js');
    const { defaultAzureClients } = await import('./azure/clients.js');
    return {
      collector: new AzureResourceCollector(azure, (await overrides.azureClients?.(azure)) ?? defaultAzureClients(azure)),
      schedule: azure.schedule,
      jitterSeconds: azure.jitterSeconds,
      staleAfterSeconds: azure.staleAfterSeconds,
    };
  },
  aws: async (config: CollectorsSection, overrides: ClientOverrides): Promise<ConfiguredCollector | undefined> => {
    const aws = config.collectors.aws;
    if (!aws?.enabled) return undefined;
    const { AwsConfigCollector } = await import('./aws/config-service.js');
    const { awsMaxSockets } = await import('./aws/clients.js');
    const { defaultAwsClients } = await import('./aws/default-clients.js');
    return {
      collector: new AwsConfigCollector(aws, (await overrides.awsClients?.(aws)) ?? defaultAwsClients(aws.endpoint, awsMaxSockets(aws))),
      schedule: aws.schedule,
      jitterSeconds: aws.jitterSeconds,
      staleAfterSeconds: aws.staleAfterSeconds,
    };
  },
  gcp: async (config: CollectorsSection, overrides: ClientOverrides): Promise<ConfiguredCollector | undefined> => {
    const gcp = config.collectors.gcp;
    if (!gcp?.enabled) return undefined;
    const { GcpAssetCollector } = await import('./gcp/cloud-asset.js');
    const { defaultGcpAssetClient } = await import('./gcp/client.js');
    return {
      collector: new GcpAssetCollector(gcp, (await overrides.gcpClients?.()) ?? defaultGcpAssetClient(gcp.apiEndpoint)),
      schedule: gcp.schedule,
      jitterSeconds: gcp.jitterSeconds,
      staleAfterSeconds: gcp.staleAfterSeconds,
    };
  },
  // One factory per section of collectors/config.ts, no more and no fewer.
} as const satisfies Record<keyof CollectorsConfig, CollectorFactory>;

/** The providers the configuration enables, without building any client. */
export function enabledProviders(config: CollectorsSection): (keyof typeof COLLECTOR_FACTORIES)[] {
  return (Object.keys(COLLECTOR_FACTORIES) as (keyof typeof COLLECTOR_FACTORIES)[]).filter((provider) => config.collectors[provider]?.enabled === true);
}

export async function buildCollectors(config: CollectorsSection, overrides: ClientOverrides = {}): Promise<ConfiguredCollector[]> {
  // One provider at a time: concurrent dynamic imports that share modules race in Jest's ESM loader (Node 22:
  // "module not been linked"), and loading them in turn costs nothing noticeable at start-up.
  const built: ConfiguredCollector[] = [];
  for (const factory of Object.values(COLLECTOR_FACTORIES)) {
    const configured = await factory(config, overrides);
    if (configured) built.push(configured);
  }
  return built;
}

/** Closes every collector's clients and sockets (the agent or the command is done with them). */
export async function closeCollectors(configured: readonly ConfiguredCollector[]): Promise<void> {
  await Promise.allSettled(configured.map((c) => c.collector.close()));
}
