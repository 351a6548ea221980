/**
 * GCP collector on Cloud Asset Inventory (`@google-cloud/asset`, gRPC): `ListAssets` per configured
 * scope (project, folder or organization) and content type, with the asset types enabled controls
 * declare, 1,000 assets a page. `resource.data` is converted from protobuf Struct to JSON once, in the
 * normalizer. Pages stream into the evaluation; nothing is held beyond a page.
 */
import type { AssetServiceClient } from '@google-cloud/asset';
import type { GcpCollectorConfig } from './config.js';
import { GLOBAL_REGION, type CollectionScope } from '../../src/model/resource.js';
import { TokenBucket } from '../../src/util/rate-limit.js';
import { Semaphore } from '../../src/util/semaphore.js';
import type { AccountOutcome, CollectContext, Collector, CollectorRun } from '../types.js';
import { contentTypeOf, normalizeAsset, type ContentType } from './normalize.js';
import { DEFAULT_RETRY, withRetry, type CallError, type RetryPolicy } from './retry.js';

/** Largest page ListAssets returns (API reference: page_size, maximum 1000). */
export const LIST_ASSETS_PAGE_SIZE = 1000;
/** Per-attempt deadline; the API's own default for ListAssets is 60 s. */
const CALL_TIMEOUT_MS = 60_000;
/** Assets normalized between yields to the event loop, so scrapes stay fast while a page is evaluated. */
const ASSETS_BETWEEN_YIELDS = 50;
/** Asset types are `<service>.googleapis.com/<Kind>`; anything else belongs to another provider. */
const GCP_TYPE = /^[a-z0-9-]+\.googleapis\.com\/[A-Za-z]+(#[A-Za-z]+)?$/;
const OPERATION = 'ListAssets';

export type AssetClientFactory = () => AssetServiceClient;


class ScopeFailure extends Error {
  constructor(readonly failure: CallError) {
    super(`${failure.code}: ${failure.message}`);
  }
}

/** The asset types to list per content type, from the control-declared types. */
export function listingPlan(types: Iterable<string>): Map<ContentType, string[]> {
  const plan = new Map<ContentType, string[]>();
  for (const type of [...types].filter((t) => GCP_TYPE.test(t)).sort()) {
    const { contentType, assetType } = contentTypeOf(type);
    const list = plan.get(contentType) ?? [];
    if (!list.includes(assetType)) list.push(assetType);
    plan.set(contentType, list);
  }
  return plan;
}

export class GcpAssetCollector implements Collector {
  readonly provider = 'gcp' as const;
  readonly name = 'gcp-cloud-asset';
  private readonly retry: RetryPolicy;

  constructor(
    private readonly config: GcpCollectorConfig,
    private readonly clientFor: AssetClientFactory,
    /** Injectable so tests can observe backoff without waiting. */
    private readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>,
  ) {
    this.retry = { ...DEFAULT_RETRY, maxAttempts: config.maxAttempts };
  }

  async collect(context: CollectContext): Promise<CollectorRun> {
    const plan = listingPlan(context.types);
    const client = this.clientFor();
    // The ListAssets quota belongs to the consumer project, not to the scope listed: one bucket for all.
    const limit: Limiter = { concurrency: new Semaphore(this.config.concurrency), pace: new TokenBucket(this.config.requestsPerMinute / 60) };
    try {
      const results = await Promise.all(this.config.scopes.map((parent) => this.collectScope(context, client, limit, plan, parent)));
      return { coverage: results.flatMap((r) => r.coverage), accounts: results.flatMap((r) => r.accounts) };
    } finally {
      await client.close().catch(() => undefined);
    }
  }

  private async collectScope(
    context: CollectContext,
    client: AssetServiceClient,
    limit: Limiter,
    plan: Map<ContentType, string[]>,
    parent: string,
  ): Promise<{ coverage: CollectionScope[]; accounts: AccountOutcome[] }> {
    const started = performance.now();
    const project = parent.startsWith('projects/') ? parent.slice('projects/'.length) : undefined;
    const perAccount = new Map<string, number>();
    const types = [...plan.entries()].flatMap(([contentType, assetTypes]) => assetTypes.map((t) => (contentType === 'IAM_POLICY' ? `${t}#iamPolicy` : contentType === 'ORG_POLICY' ? `${t}#orgPolicy` : t)));
    let failure: string | undefined;
    const jobs = [...plan.entries()].map(([contentType, assetTypes]) =>
      this.pages(context, client, limit, { parent, contentType, assetTypes }, (asset) => {
        for (const resource of normalizeAsset(asset, project === undefined ? {} : { project })) {
          perAccount.set(resource.account, (perAccount.get(resource.account) ?? 0) + 1);
          context.onResource(resource);
        }
      }),
    );
    // Let every listing finish before reporting the first failure: their resources are still evidence.
    const results = await Promise.allSettled(jobs);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) {
      failure = rejected.reason instanceof ScopeFailure ? rejected.reason.message : String(rejected.reason);
      context.logger.warn({ provider: 'gcp', scope: parent, error: failure }, 'collection failed for this scope');
    }
    const at = context.now().toISOString();
    // A project scope is one account. A folder or organization covers the projects it returned assets
    // for, and is itself reported so an empty or failed listing is visible.
    const accounts = project !== undefined ? [project] : [...new Set([parent, ...perAccount.keys()])];
    const outcome: CollectionScope['outcome'] = failure === undefined ? { status: 'ok', collectedAt: at } : { status: 'failed', error: failure, at };
    const durationSeconds = (performance.now() - started) / 1000;
    return {
      // Cloud Asset lists every location of a scope in one call: coverage is per project, not per region.
      coverage: accounts.map((account): CollectionScope => ({ provider: 'gcp', account, region: GLOBAL_REGION, types, outcome })),
      accounts: accounts.map(
        (account): AccountOutcome => ({
          account,
          ok: failure === undefined,
          ...(failure === undefined ? {} : { error: failure }),
          durationSeconds,
          resources: perAccount.get(account) ?? 0,
        }),
      ),
    };
  }

  private async pages(
    context: CollectContext,
    client: AssetServiceClient,
    limit: Limiter,
    request: { parent: string; contentType: ContentType; assetTypes: readonly string[] },
    onAsset: (asset: unknown) => void,
  ): Promise<void> {
    // Retries are ours (counted, quota-aware); gax's would be invisible. Pages are fetched one by one.
    const options = { autoPaginate: false, retry: null, timeout: CALL_TIMEOUT_MS };
    let pageToken = '';
    do {
      const token = pageToken;
      const [assets, , response] = await this.call(context, limit, () =>
        cancellable(
          client.listAssets({ parent: request.parent, contentType: request.contentType, assetTypes: [...request.assetTypes], pageSize: LIST_ASSETS_PAGE_SIZE, pageToken: token }, options),
          context.signal,
        ),
      );
      let handled = 0;
      for (const asset of assets) {
        if (++handled % ASSETS_BETWEEN_YIELDS === 0) await new Promise((resolve) => setImmediate(resolve));
        onAsset(asset);
      }
      pageToken = response?.nextPageToken ?? '';
    } while (pageToken !== '');
  }

  private async call<T>(context: CollectContext, limit: Limiter, fn: () => Promise<T>): Promise<T> {
    const paced = async (): Promise<T> => (await limit.pace.take(context.signal), fn());
    const result = await limit.concurrency.run(() =>
      withRetry(paced, {
        policy: this.retry,
        signal: context.signal,
        onAttempt: (code) => context.recorder.apiCall('gcp', OPERATION, code),
        ...(this.sleep ? { sleep: this.sleep } : {}),
      }),
    );
    if (!result.ok) throw new ScopeFailure(result.error);
    return result.value;
  }
}

interface Limiter {
  readonly concurrency: Semaphore;
  readonly pace: TokenBucket;
}

/** gax promises carry `cancel()`: an aborted run cancels the RPC instead of waiting for its deadline. */
function cancellable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  const cancel = (promise as Promise<T> & { cancel?: () => void }).cancel;
  if (typeof cancel !== 'function') return promise;
  const onAbort = (): void => cancel.call(promise);
  signal.addEventListener('abort', onAbort, { once: true });
  return promise.finally(() => signal.removeEventListener('abort', onAbort));
}
