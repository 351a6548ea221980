/** `--sandbox`: starts the embedded sandbox cloud on loopback and points the collectors at it. */
import { rmSync } from 'node:fs';
import type { AgentConfig } from '../config/schema.js';
import { awsCollectorSchema } from '../../collectors/aws/config.js';
import { azureCollectorSchema } from '../../collectors/azure/config.js';
import { gcpCollectorSchema } from '../../collectors/gcp/config.js';
import { sandboxClientsOf, type SandboxClients } from '../../collectors/sandbox.js';
import { startSandbox, type AwsRecordingOptions } from '../sandbox/server.js';
import type { GcpProjectDenial } from '../sandbox/gcp.js';
import { prepareDemo, type Demo } from './demo.js';

export interface SandboxRun {
  readonly config: AgentConfig;
  /** Plain data: `sandboxClientOverrides` builds the SDK clients from it, in whichever thread collects. */
  readonly clients: SandboxClients;
  readonly close: () => Promise<void>;
  readonly describe: string;
  /** The demo's files and estate change (src/cli/demo.ts), when asked for. */
  readonly demo?: Demo;
}

/** Azure / GCP scope-truth knobs of the embedded sandbox (the standalone flags --hide-subscriptions, --deny-projects, --graph-truncated). */
export interface SandboxScopeOptions {
  readonly hideSubscriptions?: readonly string[];
  readonly denyProjects?: Readonly<Record<string, GcpProjectDenial>>;
  readonly graphTruncated?: boolean;
}

export interface SandboxRunOptions extends SandboxScopeOptions {
  readonly resources: number;
  /** How the sandbox's AWS accounts are set up (enabled regions, recorders, aggregator sources). */
  readonly aws?: AwsRecordingOptions;
  /** The demo (attestations, an exception, evidence, an estate change) in this directory. */
  readonly demo?: { readonly dir: string; readonly now: Date };
  /** The command's clock (`kansa scan` with an injected one gives the same estate on every run; the demo's clock when it runs); default: now. */
  readonly now?: Date;
}

export async function withSandbox(config: AgentConfig, options: SandboxRunOptions): Promise<SandboxRun> {
  const sandbox = await startSandbox({
    host: '127.0.0.1',
    port: 0,
    // Recovery points are dated back from the command's clock, so the scan sees recent backups.
    aws: { resources: options.resources, now: options.now ?? new Date(), ...options.aws },
    azure: { ...(options.hideSubscriptions ? { hiddenSubscriptions: options.hideSubscriptions } : {}), ...(options.graphTruncated ? { graphTruncated: true } : {}) },
    gcp: { ...(options.denyProjects ? { deniedProjects: options.denyProjects } : {}) },
  });
  // Every sandbox account, every region its discovery reports: the configuration's own regions belong to its real cloud.
  const aws = awsCollectorSchema.parse({
    ...config.collectors.aws,
    regions: undefined,
    enabled: true,
    endpoint: sandbox.aws.endpoint,
    accounts: sandbox.aws.accounts.map((id) => ({ id })),
  });
  const azure = azureCollectorSchema.parse({ ...(config.collectors.azure ?? {}), enabled: true, subscriptions: sandbox.azure.subscriptions, endpoint: sandbox.azure.endpoint });
  const gcp = gcpCollectorSchema.parse({ ...(config.collectors.gcp ?? {}), enabled: true, scopes: sandbox.gcp.projects.map((p) => `projects/${p}`), requestsPerMinute: 6000 });
  const collecting: AgentConfig = { ...config, collectors: { ...config.collectors, aws, azure, gcp } };
  const demo = options.demo ? prepareDemo(collecting, sandbox, options.demo.dir, options.demo.now) : undefined;
  return {
    config: demo?.config ?? collecting,
    ...(demo ? { demo } : {}),
    clients: sandboxClientsOf(sandbox),
    // The demo's directory is the demo's own: it goes with it (its evidence can be checked while kansa runs).
    close: async () => {
      await sandbox.close();
      if (demo) rmSync(demo.dir, { recursive: true, force: true });
    },
    describe: [
      `AWS Config at ${sandbox.aws.endpoint}: ${options.resources} resources in accounts ${sandbox.aws.accounts.join(', ')}, regions ${sandbox.aws.regions.join(', ')} (enabled: ${sandbox.aws.recording().enabledRegions?.join(', ') ?? ''})`,
      `Azure Resource Manager at ${sandbox.azure.endpoint}: ${sandbox.azure.estate.total} resources in subscriptions ${sandbox.azure.subscriptions.join(', ')}`,
      `Cloud Asset Inventory at ${sandbox.gcp.address}: ${sandbox.gcp.projects.reduce((n, p) => n + sandbox.gcp.expectedCount(`projects/${p}`), 0)} resources in projects ${sandbox.gcp.projects.join(', ')}`,
    ].join('; '),
  };
}
