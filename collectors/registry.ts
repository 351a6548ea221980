/**
 * The collector registry: one entry per provider, built from the agent configuration. Clients are
 * created here (never globally) so the sandbox and tests can inject endpoints and credentials. Each
 * collector's configuration schema is its own (<provider>/config.ts), listed once in config.ts.
 */
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { CollectorsConfig } from './config.js';
import { AwsConfigCollector } from './aws/config-service.js';
import { awsClientPool, awsMaxSockets, type AwsClients, type ClientTarget, type SharedAgents } from './aws/clients.js';
import type { AwsCollectorConfig } from './aws/config.js';
import type { AzureCollectorConfig } from './azure/config.js';
import { GcpAssetCollector, type AssetClientFactory } from './gcp/cloud-asset.js';
import { defaultGcpAssetClient } from './gcp/client.js';
import { defaultAzureClients } from './azure/clients.js';
import { AzureResourceCollector, type AzureClients } from './azure/resource-manager.js';
import type { Collector } from './types.js';

/**
 * Each builds the clients of one collector (a collector closes its own when it stops, so two collectors
 * never share them).
 */
export interface ClientOverrides {
  /** Replaces the AWS clients (Config, STS, Account, IAM, CloudTrail) (sandbox: endpoint and per-account credentials). */
  readonly awsClients?: (config: AwsCollectorConfig) => AwsClients;
  /** Replaces the Cloud Asset client factory (sandbox: loopback gRPC endpoint without credentials). */
  readonly gcpClients?: () => AssetClientFactory;
  /** Replaces the Azure ARM / Resource Graph clients (sandbox: HTTPS endpoint, its CA, a static token). */
  readonly azureClients?: (config: AzureCollectorConfig) => AzureClients;
}

/**
 * Production clients: SDK default credential chain (env, profile, SSO, IMDS, web identity), optionally a
 * role assumed per account, shared by the account's Config, STS, Account, IAM and CloudTrail clients. `endpoint` overrides
 * AWS Config only; AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> apply through the SDK.
 */
export function defaultAwsClients(endpoint: string | undefined, maxSockets: number): AwsClients {
  type Provider = ReturnType<typeof fromTemporaryCredentials>;
  const roles = new Map<string, Provider>();
  const credentials = (target: ClientTarget, agents: SharedAgents): { credentials?: Provider } => {
    if (!target.roleArn) return {};
    const key = `${target.roleArn}|${target.externalId ?? ''}`;
    let provider = roles.get(key);
    if (!provider) {
      // The provider's own STS client reaches STS like the others (AWS_ENDPOINT_URL(_STS) applies to it),
      // through the pool's agents, so its sockets count against the same bound and close with the pool.
      provider = sharedSession(
        fromTemporaryCredentials({
          params: { RoleArn: target.roleArn, RoleSessionName: 'kansa', ...(target.externalId ? { ExternalId: target.externalId } : {}) },
          clientConfig: { region: target.region, requestHandler: agents },
        }),
      );
      roles.set(key, provider);
    }
    return { credentials: provider };
  };
  // Retries are ours (maxAttempts 1): counted and paced by our backoff (collectors/aws/retry.ts).
  // `endpoint` is AWS Config's only: STS, Account and IAM keep theirs (AWS_ENDPOINT_URL_<SERVICE> applies to them).
  return awsClientPool((target, service, agents) => ({ region: target.region, maxAttempts: 1, ...(endpoint && service === 'config' ? { endpoint } : {}), ...credentials(target, agents) }), maxSockets);
}

/** Credentials this close to expiry are renewed before use. */
const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * One role session shared by an account's Config, STS, Account, IAM and CloudTrail clients: each SDK client memoizes its
 * credentials on its own, so without this every client would call sts:AssumeRole for the same role. A
 * failed assumption is not kept: the next call tries again.
 */
function sharedSession(provider: ReturnType<typeof fromTemporaryCredentials>): ReturnType<typeof fromTemporaryCredentials> {
  let session: ReturnType<ReturnType<typeof fromTemporaryCredentials>> | undefined;
  return (properties) => {
    const current = session;
    const fresh = (): ReturnType<ReturnType<typeof fromTemporaryCredentials>> => {
      const next = provider(properties);
      session = next;
      next.catch(() => {
        if (session === next) session = undefined;
      });
      return next;
    };
    if (!current) return fresh();
    return current.then((credentials) => (credentials.expiration && credentials.expiration.getTime() - Date.now() < RENEW_BEFORE_MS ? fresh() : credentials), fresh);
  };
}

/** The part of the agent configuration the registry reads (AgentConfig has it). */
export interface CollectorsSection {
  readonly collectors: CollectorsConfig;
}

type CollectorFactory = (config: CollectorsSection, overrides: ClientOverrides) => ConfiguredCollector | undefined;

export interface ConfiguredCollector {
  readonly collector: Collector;
  readonly schedule: string;
  readonly jitterSeconds: number;
  readonly staleAfterSeconds: number;
}

export const COLLECTOR_FACTORIES = {
  azure: (config: CollectorsSection, overrides: ClientOverrides): ConfiguredCollector | undefined => {
    const azure = config.collectors.azure;
    if (!azure?.enabled) return undefined;
    return {
      collector: new AzureResourceCollector(azure, overrides.azureClients?.(azure) ?? defaultAzureClients(azure)),
      schedule: azure.schedule,
      jitterSeconds: azure.jitterSeconds,
      staleAfterSeconds: azure.staleAfterSeconds,
    };
  },
  aws: (config: CollectorsSection, overrides: ClientOverrides): ConfiguredCollector | undefined => {
    const aws = config.collectors.aws;
    if (!aws?.enabled) return undefined;
    return {
      collector: new AwsConfigCollector(aws, overrides.awsClients?.(aws) ?? defaultAwsClients(aws.endpoint, awsMaxSockets(aws))),
      schedule: aws.schedule,
      jitterSeconds: aws.jitterSeconds,
      staleAfterSeconds: aws.staleAfterSeconds,
    };
  },
  gcp: (config: CollectorsSection, overrides: ClientOverrides): ConfiguredCollector | undefined => {
    const gcp = config.collectors.gcp;
    if (!gcp?.enabled) return undefined;
    return {
      collector: new GcpAssetCollector(gcp, overrides.gcpClients?.() ?? defaultGcpAssetClient(gcp.apiEndpoint)),
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

export function buildCollectors(config: CollectorsSection, overrides: ClientOverrides = {}): ConfiguredCollector[] {
  return Object.values(COLLECTOR_FACTORIES).flatMap((factory) => factory(config, overrides) ?? []);
}

/** Closes every collector's clients and sockets (the agent or the command is done with them). */
export async function closeCollectors(configured: readonly ConfiguredCollector[]): Promise<void> {
  await Promise.allSettled(configured.map((c) => c.collector.close()));
}
