/**
 * A TokenCredential that hands out one fixed bearer token: the sandbox's. A real implementation of the
 * `@azure/core-auth` interface (the SDK's bearer-token policy calls it as it would DefaultAzureCredential),
 * not a mock of the SDK. Production uses DefaultAzureCredential (collectors/registry.ts).
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';

const TOKEN_LIFETIME_MS = 3_600_000;

export class StaticTokenCredential implements TokenCredential {
  constructor(
    private readonly token: string,
    private readonly now: () => number = Date.now,
  ) {}

  getToken(_scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    if (options?.abortSignal?.aborted) return Promise.reject(new Error('token request aborted'));
    return Promise.resolve({ token: this.token, expiresOnTimestamp: this.now() + TOKEN_LIFETIME_MS, tokenType: 'Bearer' });
  }
}
