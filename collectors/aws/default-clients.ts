/**
 * The AWS collector's production clients (loaded only when the AWS collector is enabled, see registry.ts).
 */
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { awsClientPool, type AwsClients, type ClientTarget, type SharedAgents } from './clients.js';

/**
 * Production clients: SDK default credential chain (env, profile, SSO, IMDS, web identity), optionally a
 * role assumed per account, shared by every client of the account (Config, STS, Account, IAM, CloudTrail, CloudWatch
 * Logs, CloudWatch, EC2, Inspector, Security Hub, Lambda: clients.ts builds them). `endpoint` overrides
 * AWS Config only; AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> apply through the SDK.
 */
export function defaultAwsClients(endpoint: string | undefined, maxSockets: number): AwsClients {
  type Provider = ReturnType<typeof fromTemporaryCredentials>;
  const roles = new Map<string, Provider>();
  const credentials = (target: ClientTarget, agents: SharedAgents): { credentials?: Provider } => {
    if (!target.roleArn) return {};
    const key = `${target.roleArn}|${target.externalId ?? ''}`;
    let provider = roles.get(key);
    if (!provider) {
      // The provider's own STS client reaches STS like the others (AWS_ENDPOINT_URL(_STS) applies to it),
      // through the pool's agents, so its sockets count against the same bound and close with the pool.
      provider = sharedSession(
        fromTemporaryCredentials({
          params: { RoleArn: target.roleArn, RoleSessionName: 'kansa', ...(target.externalId ? { ExternalId: target.externalId } : {}) },
          clientConfig: { region: target.region, requestHandler: agents },
        }),
      );
      roles.set(key, provider);
    }
    return { credentials: provider };
  };
  // Retries are ours (maxAttempts 1): counted and paced by our backoff (collectors/aws/retry.ts).
  // `endpoint` is AWS Config's only: STS, Account and IAM keep theirs (AWS_ENDPOINT_URL_<SERVICE> applies to them).
  return awsClientPool((target, service, agents) => ({ region: target.region, maxAttempts: 1, ...(endpoint && service === 'config' ? { endpoint } : {}), ...credentials(target, agents) }), maxSockets);
}

/** Credentials this close to expiry are renewed before use. */
const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * One role session shared by an account's Config, STS, Account and IAM clients: each SDK client memoizes its
 * credentials on its own, so without this every client would call sts:AssumeRole for the same role. A
 * failed assumption is not kept: the next call tries again.
 */
function sharedSession(provider: ReturnType<typeof fromTemporaryCredentials>): ReturnType<typeof fromTemporaryCredentials> {
  let session: ReturnType<ReturnType<typeof fromTemporaryCredentials>> | undefined;
  return (properties) => {
    const current = session;
    const fresh = (): ReturnType<ReturnType<typeof fromTemporaryCredentials>> => {
      const next = provider(properties);
      session = next;
      next.catch(() => {
        if (session === next) session = undefined;
      });
      return next;
    };
    if (!current) return fresh();
    return current.then((credentials) => (credentials.expiration && credentials.expiration.getTime() - Date.now() < RENEW_BEFORE_MS ? fresh() : credentials), fresh);
  };
}

