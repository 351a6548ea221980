/**
 * The SDK clients the AWS collector uses, one factory per service so the sandbox and tests can point
 * them elsewhere: AWS Config (the data), STS (who answered), Account (which regions are enabled).
 */
import type { AccountClient } from '@aws-sdk/client-account';
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { STSClient } from '@aws-sdk/client-sts';

export interface ClientTarget {
  /** Absent for the aggregator client. */
  readonly account?: string;
  readonly region: string;
  readonly roleArn?: string;
  readonly externalId?: string;
}

export interface AwsClients {
  config(target: ClientTarget): ConfigServiceClient;
  sts(target: ClientTarget): STSClient;
  account(target: ClientTarget): AccountClient;
}

/**
 * The Account Management API has a single endpoint, in us-east-1 (AWS General Reference, "AWS Account
 * Management endpoints"); STS is asked there too, as every account can reach it.
 */
export const ACCOUNT_API_REGION = 'us-east-1';
