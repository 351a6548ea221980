/** The AWS collector's section of the configuration (`collectors.aws`). */
import { z } from 'zod';
import { awsRegion } from '../../src/util/config-fields.js';
import { collectorScheduleFields } from '../config-fields.js';

const awsAccountId = z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id (quote it in YAML)');

export const awsCollectorSchema = z.strictObject({
  ...collectorScheduleFields(),
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
