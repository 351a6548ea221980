/**
 * AWS clients pointed at the embedded sandbox cloud (src/sandbox/), with the per-account credentials it issues.
 * Its own module so that only an agent that collects AWS loads the AWS SDK (collectors/sandbox.ts imports it lazily).
 */
import { AWS_SANDBOX_SECRET, sandboxAccessKeyFor } from '../../src/sandbox/aws-credentials.js';
import { awsClientPool, type AwsClients, type ClientTarget } from './clients.js';

/** The sandbox's AWS listener: its endpoint, and the account whose credentials read the aggregator. */
export interface AwsSandboxListener {
  readonly endpoint: string;
  readonly managementAccount: string;
}

/** Tests that build a collector themselves: the default concurrency (4) × the sandbox's three accounts. */
const DEFAULT_SANDBOX_SOCKETS = 12;

/**
 * AWS Config, STS, Account, IAM, CloudTrail and the direct-API clients, signed as the target account. `signAs` signs
 * as another account than the target's (tests of the identity check: credentials that belong to someone else).
 */
export function sandboxAwsClients(aws: AwsSandboxListener, signAs?: (target: ClientTarget) => string, maxSockets = DEFAULT_SANDBOX_SOCKETS): AwsClients {
  // The sandbox maps access keys to accounts the way AWS does; the aggregator lives in the management account.
  return awsClientPool(
    (target) => ({
      region: target.region,
      endpoint: aws.endpoint,
      maxAttempts: 1,
      credentials: { accessKeyId: sandboxAccessKeyFor(signAs?.(target) ?? target.account ?? aws.managementAccount), secretAccessKey: AWS_SANDBOX_SECRET },
    }),
    maxSockets,
  );
}
