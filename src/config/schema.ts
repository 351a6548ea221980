/**
 * The agent's configuration file (YAML): the one source of truth for validation at start-up and for
 * the JSON Schema editors use (`kansa schema config`, mappings/schemas/config.schema.json).
 */
import { validate as validateCron } from 'node-cron';
import { z } from 'zod';

const cron = z
  .string()
  .refine((expression) => validateCron(expression), { message: 'expected a cron expression such as "*/15 * * * *" (5 fields, or 6 with seconds)' });

const listenAddress = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):\d{1,5}$/, 'expected host:port, e.g. "127.0.0.1:9731" or ":9731" or "[::1]:9731"');

const awsAccountId = z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id (quote it in YAML)');
const awsRegion = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'expected an AWS region such as "ap-northeast-1"');

const seconds = (description: string) => z.number().int().positive().describe(description);

export const awsCollectorSchema = z.strictObject({
  enabled: z.boolean().default(true),
  schedule: cron.default('*/30 * * * *').describe('When to collect (cron, local time of the agent)'),
  jitterSeconds: z.number().int().min(0).default(0).describe('Random delay before each scheduled run, to spread load across replicas'),
  staleAfterSeconds: seconds('Data older than this turns every verdict from it into unknown').default(7200),
  regions: z.array(awsRegion).min(1).default(['ap-northeast-1', 'ap-northeast-3']).describe('Regions to collect in per-account mode'),
  accounts: z
    .array(
      z.strictObject({
        id: awsAccountId,
        roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'expected an IAM role ARN').optional().describe('Role to assume for this account'),
        externalId: z.string().min(2).optional(),
      }),
    )
    .default([])
    .describe('Accounts collected one by one with SelectResourceConfig (credentials: default provider chain, or the role to assume)'),
  aggregator: z
    .strictObject({
      name: z.string().min(1).describe('AWS Config configuration aggregator name'),
      region: awsRegion.describe('Region the aggregator lives in'),
      roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'expected an IAM role ARN').optional(),
    })
    .optional()
    .describe('Organization-wide collection from one aggregator (SelectAggregateResourceConfig) instead of per-account'),
  endpoint: z.url().optional().describe('AWS Config endpoint override (VPC endpoint, tests); AWS_ENDPOINT_URL also works'),
  concurrencyPerAccount: z.number().int().min(1).max(32).default(4),
  requestsPerSecondPerAccount: z
    .number()
    .positive()
    .optional()
    .describe('Client-side pacing of AWS Config calls per account (or per aggregator); unset: no pacing, throttling is handled by retries'),
  maxAttempts: z.number().int().min(1).max(20).default(8).describe('Attempts per API call, with backoff that honours Retry-After'),
});
export type AwsCollectorConfig = z.output<typeof awsCollectorSchema>;

const gcpScope = z
  .string()
  .regex(/^(projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]|folders\/\d+|organizations\/\d+)$/, 'expected "projects/<project-id>", "folders/<number>" or "organizations/<number>"');

export const gcpCollectorSchema = z.strictObject({
  enabled: z.boolean().default(true),
  schedule: cron.default('*/30 * * * *').describe('When to collect (cron, local time of the agent)'),
  jitterSeconds: z.number().int().min(0).default(0).describe('Random delay before each scheduled run, to spread load across replicas'),
  staleAfterSeconds: seconds('Data older than this turns every verdict from it into unknown').default(7200),
  scopes: z
    .array(gcpScope)
    .default([])
    .describe('Cloud Asset Inventory parents to list (credentials: Application Default Credentials — key file, workload identity federation or the metadata server)'),
  apiEndpoint: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/, 'expected a host name such as "cloudasset.googleapis.com" (Private Service Connect, tests)')
    .optional()
    .describe('Cloud Asset API host override'),
  concurrency: z.number().int().min(1).max(16).default(2).describe('ListAssets calls in flight at once'),
  requestsPerMinute: z
    .number()
    .positive()
    .default(90)
    .describe('Client-side pacing of ListAssets calls (the API allows about 100 a minute per consumer project)'),
  maxAttempts: z.number().int().min(1).max(20).default(8).describe('Attempts per API call, with backoff (longer after RESOURCE_EXHAUSTED)'),
});
export type GcpCollectorConfig = z.output<typeof gcpCollectorSchema>;

const azureSubscriptionId = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'expected an Azure subscription id (a UUID)')
  .transform((s) => s.toLowerCase());

export const azureCollectorSchema = z.strictObject({
  enabled: z.boolean().default(true),
  schedule: cron.default('*/30 * * * *').describe('When to collect (cron, local time of the agent)'),
  jitterSeconds: z.number().int().min(0).default(0).describe('Random delay before each scheduled run, to spread load across replicas'),
  staleAfterSeconds: seconds('Data older than this turns every verdict from it into unknown').default(7200),
  subscriptions: z.array(azureSubscriptionId).default([]).describe('Subscriptions to collect (credentials: DefaultAzureCredential — environment, workload identity, managed identity, Azure CLI)'),
  discoverSubscriptions: z.boolean().default(true).describe('When no subscriptions are listed, collect every enabled subscription the credential can see'),
  source: z
    .enum(['resourceGraph', 'arm'])
    .default('resourceGraph')
    .describe('resourceGraph: one Resource Graph query per 1,000 rows (fast path); arm: resources.list + getById per resource'),
  fallbackToArm: z.boolean().default(true).describe('Use ARM for subscriptions where Resource Graph is not permitted'),
  endpoint: z.url().optional().describe('ARM endpoint for sovereign clouds (e.g. https://management.usgovcloudapi.net, https://management.chinacloudapi.cn)'),
  tenantId: z.string().optional().describe('Tenant for DefaultAzureCredential (AZURE_TENANT_ID also works)'),
  concurrency: z.number().int().min(1).max(32).default(8).describe('ARM and Resource Graph calls in flight at once'),
  maxAttempts: z.number().int().min(1).max(20).default(8).describe('Attempts per API call, with backoff that honours Retry-After (429 without it is retried too)'),
});
export type AzureCollectorConfig = z.output<typeof azureCollectorSchema>;

export const configSchema = z.strictObject({
  listen: listenAddress.default('127.0.0.1:9731').describe('Address of /metrics, /healthz and /readyz'),
  catalog: z.string().optional().describe('Requirement catalog file (default: the bundled 66-item catalog)'),
  controls: z.array(z.string()).default([]).describe('Extra control files or directories, added to the bundled controls'),
  disabledControls: z.array(z.string()).default([]).describe('Control ids not to evaluate'),
  attestations: z.string().optional().describe('Attestations file for manual and partial requirements'),
  exceptions: z.string().optional().describe('Exceptions file: per-resource waivers with justification, approver and expiry (kansa schema exceptions)'),
  collectors: z
    .strictObject({
      aws: awsCollectorSchema.optional(),
      azure: azureCollectorSchema.optional(),
      gcp: gcpCollectorSchema.optional(),
    })
    .default({}),
  web: z
    .strictObject({
      configFile: z.string().min(1).optional().describe('Prometheus exporter-toolkit web configuration (TLS, basic_auth_users, headers); --web.config.file overrides'),
    })
    .optional()
    .describe('Security of the HTTP endpoint'),
  sharding: z
    .strictObject({
      replicas: z.number().int().min(1).max(1000).default(1).describe('Number of replicas sharing the accounts, subscriptions and projects'),
      index: z
        .union([z.number().int().min(0), z.literal('auto')])
        .default('auto')
        .describe('This replica (0-based), or "auto": the ordinal at the end of HOSTNAME (StatefulSet pod kansa-2 → 2)'),
    })
    .refine((s) => s.index === 'auto' || s.index < s.replicas, { message: 'expected an index below replicas', path: ['index'] })
    .optional()
    .describe('Split the scopes between replicas by rendezvous hashing on the scope id; each replica collects and exposes only its share'),
  evidence: z
    .strictObject({
      dir: z.string().min(1).optional().describe('Directory of the evidence snapshots (created with mode 0700; relative to this file); or use store'),
      store: z
        .strictObject({
          type: z.literal('s3'),
          bucket: z.string().min(3).describe('Bucket created with Object Lock enabled'),
          prefix: z.string().default('').describe('Key prefix of the snapshots ("" or ending with /)'),
          region: awsRegion,
          endpoint: z.url().optional().describe('S3-compatible endpoint (path-style addressing); default: AWS'),
          objectLock: z
            .strictObject({
              mode: z.enum(['GOVERNANCE', 'COMPLIANCE']).describe('COMPLIANCE: no one can delete or overwrite a version before it expires; GOVERNANCE: only with s3:BypassGovernanceRetention'),
              days: z.number().int().positive().describe('Retain-until = upload time + days'),
            })
            .optional()
            .describe("Object Lock of each uploaded object; unset: the bucket's default retention (which must exist)"),
        })
        .optional()
        .describe("Immutable evidence in S3 (Object Lock) instead of dir; pruning is left to the bucket's lifecycle rules (retention must be unset)"),
      schedule: cron.default('0 * * * *').describe('When to take a snapshot: a full collection and evaluation written as one snapshot (cron, local time of the agent)'),
      key: z.string().min(1).optional().describe('Ed25519 private key (PEM file, relative to this file) that signs each manifest; else $KANSA_EVIDENCE_KEY; else unsigned'),
      retention: z
        .strictObject({
          hourly: z.number().int().min(0).default(48).describe('Keep the newest snapshot of each of the last N hours'),
          daily: z.number().int().min(0).default(62).describe('… of each of the last N days (UTC)'),
          monthly: z.number().int().min(0).default(36).describe('… of each of the last N months (UTC)'),
        })
        .optional()
        .describe('Prune older snapshots (their manifests go to pruned.jsonl, so the chain stays verifiable); unset: keep every snapshot. Not with store (S3 lifecycle rules expire locked objects)'),
    })
    .refine((e) => (e.dir === undefined) !== (e.store === undefined), { message: 'expected exactly one of dir (a local directory) and store (S3)' })
    .refine((e) => e.store === undefined || e.retention === undefined, {
      message: "retention cannot be used with an S3 store: its objects are under Object Lock and kansa does not prune them; expire them with the bucket's lifecycle rules",
      path: ['retention'],
    })
    .optional()
    .describe('Tamper-evident evidence snapshots (kansa verify, kansa diff)'),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') }).default({ level: 'info' }),
});
export type AgentConfig = z.output<typeof configSchema>;
