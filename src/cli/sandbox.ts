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
  return {
    config: { ...config, collectors: { ...config.collectors, aws } },
    overrides: { awsConfigClient: sandboxAwsClients(sandbox) },
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
