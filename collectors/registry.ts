/**
 * The collector registry: one entry per provider, built from the agent configuration. Clients are
 * created here (never globally) so the sandbox and tests can inject endpoints and credentials.
 */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AgentConfig } from '../src/config/schema.js';
import { AwsConfigCollector, type ConfigClientFactory } from './aws/config-service.js';
import type { Collector } from './types.js';

export interface ClientOverrides {
  /** Replaces the AWS Config client factory (sandbox: endpoint and per-account credentials). */
  readonly awsConfigClient?: ConfigClientFactory;
}

/** Production client: SDK default credential chain (env, profile, SSO, IMDS, web identity), optional role. */
export function defaultAwsConfigClient(endpoint: string | undefined): ConfigClientFactory {
  return (target) =>
    new ConfigServiceClient({
      region: target.region,
      maxAttempts: 1, // retries are ours: counted and paced by Retry-After (collectors/aws/retry.ts)
      ...(endpoint ? { endpoint } : {}),
      ...(target.roleArn
        ? {
            credentials: fromTemporaryCredentials({
              params: { RoleArn: target.roleArn, RoleSessionName: 'kansa', ...(target.externalId ? { ExternalId: target.externalId } : {}) },
              clientConfig: { region: target.region },
            }),
          }
        : {}),
    });
}

export interface ConfiguredCollector {
  readonly collector: Collector;
  readonly schedule: string;
  readonly jitterSeconds: number;
  readonly staleAfterSeconds: number;
}

export const COLLECTOR_FACTORIES = {
  aws: (config: AgentConfig, overrides: ClientOverrides): ConfiguredCollector | undefined => {
    const aws = config.collectors.aws;
    if (!aws?.enabled) return undefined;
    return {
      collector: new AwsConfigCollector(aws, overrides.awsConfigClient ?? defaultAwsConfigClient(aws.endpoint)),
      schedule: aws.schedule,
      jitterSeconds: aws.jitterSeconds,
      staleAfterSeconds: aws.staleAfterSeconds,
    };
  },
} as const satisfies Record<string, (config: AgentConfig, overrides: ClientOverrides) => ConfiguredCollector | undefined>;

export function buildCollectors(config: AgentConfig, overrides: ClientOverrides = {}): ConfiguredCollector[] {
  return Object.values(COLLECTOR_FACTORIES).flatMap((factory) => factory(config, overrides) ?? []);
}
