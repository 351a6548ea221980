/**
 * The agent's configuration file (YAML): the one source of truth for validation at start-up and for
 * the JSON Schema editors use (`kansa schema config`, deploy/kansa.config.schema.json).
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

export const configSchema = z.strictObject({
  listen: listenAddress.default('127.0.0.1:9731').describe('Address of /metrics, /healthz and /readyz'),
  catalog: z.string().optional().describe('Requirement catalog file (default: the bundled 66-item catalog)'),
  controls: z.array(z.string()).default([]).describe('Extra control files or directories, added to the bundled controls'),
  disabledControls: z.array(z.string()).default([]).describe('Control ids not to evaluate'),
  attestations: z.string().optional().describe('Attestations file for manual and partial requirements'),
  collectors: z
    .strictObject({
      aws: awsCollectorSchema.optional(),
    })
    .default({}),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') }).default({ level: 'info' }),
});
export type AgentConfig = z.output<typeof configSchema>;
