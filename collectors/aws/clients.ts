/**
 * The SDK clients the AWS collector uses, one factory per service so the sandbox and tests can point
 * them elsewhere: AWS Config (the data), STS (who answered), Account (which regions are enabled), IAM
 * (the credential report, account summary and password policy AWS Config does not record), CloudTrail
 * (trail logging status and event selectors), CloudWatch Logs and CloudWatch (log groups, metric filters
 * and metric alarms, which AWS Config does not record), and per region EC2, Inspector, Security Hub and
 * Lambda (public snapshots and AMIs, scanning and hub status, function URLs).
 *
 * Clients are kept per service × account × region × role for the collector's life and share one pair
 * of keep-alive agents with a bound on sockets, so scans reuse connections (and role sessions) instead
 * of opening new ones each time, and the descriptors they hold cannot grow with the number of scans
 * (issue 18). close() destroys every client and socket (agent stop).
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { AccountClient } from '@aws-sdk/client-account';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ConfigServiceClient, type ConfigServiceClientConfig } from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { Inspector2Client } from '@aws-sdk/client-inspector2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCollectorConfig } from './config.js';

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
  iam(target: ClientTarget): IAMClient;
  /** CloudTrail in the target's region: trail status and event selectors (cloudtrail.ts). */
  cloudtrail(target: ClientTarget): CloudTrailClient;
  /** CloudWatch Logs and CloudWatch (monitoring.ts): log groups, metric filters, metric alarms, per region. */
  logs(target: ClientTarget): CloudWatchLogsClient;
  cloudwatch(target: ClientTarget): CloudWatchClient;
  /** Regional: public snapshots and AMIs (ec2-exposure.ts). */
  ec2(target: ClientTarget): EC2Client;
  /** Regional: Amazon Inspector status (detection-services.ts). */
  inspector2(target: ClientTarget): Inspector2Client;
  /** Regional: Security Hub subscription (detection-services.ts). */
  securityhub(target: ClientTarget): SecurityHubClient;
  /** Regional: Lambda function URLs (lambda-urls.ts). */
  lambda(target: ClientTarget): LambdaClient;
  /** Destroys every client and closes its sockets; the collector is not used afterwards. */
  close(): void;
}

/**
 * The Account Management API has a single endpoint, in us-east-1 (AWS General Reference, "AWS Account
 * Management endpoints"); STS is asked there too, as every account can reach it. IAM is global: its
 * endpoint iam.amazonaws.com signs for us-east-1 (AWS General Reference, "AWS Identity and Access
 * Management endpoints and quotas").
 */
export const ACCOUNT_API_REGION = 'us-east-1';

/**
 * A kept-alive socket idle this long is closed: shorter than the idle timeouts servers apply (so a
 * request never races a close), and no descriptor is held for hours between scheduled scans.
 */
export const IDLE_SOCKET_MS = 20_000;

/** What one client is built with, before the shared agents are added. */
export type AwsClientOptions = Pick<ConfigServiceClientConfig, 'region' | 'endpoint' | 'maxAttempts' | 'credentials'>;

/**
 * Clients built with `optionsFor(target)`, cached per target, all sending through the same agents:
 * at most `maxSockets` sockets in all (and per host), e.g. the collector's concurrency per account ×
 * accounts, since a call holds one socket and the collector bounds the calls in flight.
 */
export type AwsService = 'config' | 'sts' | 'account' | 'iam' | 'cloudtrail' | 'logs' | 'cloudwatch' | 'ec2' | 'inspector2' | 'securityhub' | 'lambda';

/** The keep-alive agents every client of a pool sends through (the SDK's NodeHttpHandler options). */
export interface SharedAgents {
  readonly httpAgent: HttpAgent;
  readonly httpsAgent: HttpsAgent;
}

/**
 * `optionsFor` also receives the pool's agents, for clients the SDK builds on its own behalf (a role's
 * credential provider has its own STS client): their sockets then count against the same bound.
 */
export function awsClientPool(optionsFor: (target: ClientTarget, service: AwsService, agents: SharedAgents) => AwsClientOptions, maxSockets: number): AwsClients {
  const agentOptions = { keepAlive: true, maxSockets, maxTotalSockets: maxSockets, timeout: IDLE_SOCKET_MS };
  // The agent's timeout closes sockets idle in its pool; a request waiting for its answer is not cut (no listener destroys it).
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);
  const clients = new Map<string, { destroy(): void }>();
  const agents: SharedAgents = { httpAgent, httpsAgent };
  const cached = <C extends { destroy(): void }>(service: AwsService, target: ClientTarget, create: (config: AwsClientOptions & { requestHandler: SharedAgents }) => C): C => {
    const key = [service, target.account ?? '', target.region, target.roleArn ?? '', target.externalId ?? ''].join('|');
    let client = clients.get(key) as C | undefined;
    if (!client) {
      client = create({ ...optionsFor(target, service, agents), requestHandler: agents });
      clients.set(key, client);
    }
    return client;
  };
  return {
    config: (target) => cached('config', target, (config) => new ConfigServiceClient(config)),
    sts: (target) => cached('sts', target, (config) => new STSClient(config)),
    account: (target) => cached('account', target, (config) => new AccountClient(config)),
    iam: (target) => cached('iam', target, (config) => new IAMClient(config)),
    cloudtrail: (target) => cached('cloudtrail', target, (config) => new CloudTrailClient(config)),
    logs: (target) => cached('logs', target, (config) => new CloudWatchLogsClient(config)),
    cloudwatch: (target) => cached('cloudwatch', target, (config) => new CloudWatchClient(config)),
    ec2: (target) => cached('ec2', target, (config) => new EC2Client(config)),
    inspector2: (target) => cached('inspector2', target, (config) => new Inspector2Client(config)),
    securityhub: (target) => cached('securityhub', target, (config) => new SecurityHubClient(config)),
    lambda: (target) => cached('lambda', target, (config) => new LambdaClient(config)),
    close() {
      for (const client of clients.values()) client.destroy();
      clients.clear();
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** Sockets an AWS collector may hold: one per call in flight (concurrency per account × accounts). */
export function awsMaxSockets(config: AwsCollectorConfig): number {
  return config.concurrencyPerAccount * Math.max(1, config.aggregator ? 1 : config.accounts.length);
}
