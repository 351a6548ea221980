/** The AWS collector's section of the configuration (`collectors.aws`). */
import { z } from 'zod';
import { awsRegion } from '../../src/util/config-fields.js';
import { collectorScheduleFields } from '../config-fields.js';

const awsAccountId = z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id (quote it in YAML)');

export const awsCollectorSchema = z
  .strictObject({
    ...collectorScheduleFields(),
    regions: z
      .array(awsRegion)
      .min(1)
      .optional()
      .describe(
        'Regions to collect in per-account mode. Default: every region enabled for the account (Account ListRegions, each scan). ' +
          'An explicit list still discovers the enabled regions: those left out are reported as not collected (their controls are unknown, never compliant).',
      ),
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
    endpoint: z
      .url()
      .optional()
      .describe('AWS Config endpoint override (VPC endpoint, tests); STS and the Account API keep theirs. AWS_ENDPOINT_URL (every service) and AWS_ENDPOINT_URL_<SERVICE> also work'),
    concurrencyPerAccount: z.number().int().min(1).max(32).default(4),
    requestsPerSecondPerAccount: z
      .number()
      .positive()
      .optional()
      .describe('Client-side pacing of AWS Config calls per account (or per aggregator); unset: no pacing, throttling is handled by retries'),
    maxAttempts: z.number().int().min(1).max(20).default(8).describe('Attempts per API call, with capped exponential backoff and full jitter (AWS throttling errors carry no Retry-After)'),
  })
  // The aggregator's regions are its sources': a list beside it would be silently ignored.
  .superRefine((value, ctx) => {
    if (value.aggregator && value.regions) {
      ctx.addIssue({ code: 'custom', path: ['regions'], message: 'not allowed beside "aggregator": the aggregated regions are the aggregator\'s sources (remove "regions")' });
    }
  });
export type AwsCollectorConfig = z.output<typeof awsCollectorSchema>;

/**
 * What `kansa validate` warns about the AWS section without calling AWS: an explicit region list is
 * checked against the enabled regions only at each scan (region discovery with account:ListRegions).
 * Without a list there is nothing to warn about: discovery collects every enabled region.
 */
export function awsConfigWarnings(config: AwsCollectorConfig): string[] {
  if (!config.enabled || config.aggregator || !config.regions) return [];
  return [
    `collectors.aws.regions lists ${config.regions.join(', ')}: regions enabled for an account but not listed are not collected, and every control reading data there is unknown (region discovery decides at each scan; needs account:ListRegions)`,
  ];
}
