/**
 * GCP collector on Cloud Asset Inventory (`@google-cloud/asset`, gRPC): `ListAssets` per configured
 * scope (project, folder or organization) and content type, with the asset types enabled controls
 * declare, 1,000 assets a page. `resource.data` is converted from protobuf Struct to JSON once, in the
 * normalizer. Pages stream into the evaluation; nothing is held beyond a page.
 */
import type { AssetServiceClient } from '@google-cloud/asset';
import type { GcpCollectorConfig } from './config.js';
import { GLOBAL_REGION, type CollectionScope, type CoverageGap, type Resource } from '../../src/model/resource.js';
import type { Bilingual } from '../../src/model/text.js';
import { TokenBucket } from '../../src/util/rate-limit.js';
import { Semaphore } from '../../src/util/semaphore.js';
import type { AccountOutcome, CollectContext, Collector, CollectorRun } from '../types.js';
import { contentTypeOf, readAsset, type ContentType } from './normalize.js';
import { DEFAULT_RETRY, withRetry, type GcpCallError, type RetryPolicy } from './retry.js';

/** Largest page ListAssets returns (API reference: page_size, maximum 1000). */
export const LIST_ASSETS_PAGE_SIZE = 1000;
/** Per-attempt deadline; the API's own default for ListAssets is 60 s. */
const CALL_TIMEOUT_MS = 60_000;
/** Assets normalized between yields to the event loop, so scrapes stay fast while a page is evaluated. */
const ASSETS_BETWEEN_YIELDS = 50;
/** Asset types are `<service>.googleapis.com/<Kind>`; anything else belongs to another provider. */
const GCP_TYPE = /^[a-z0-9-]+\.googleapis\.com\/[A-Za-z]+(#[A-Za-z]+)?$/;
const OPERATION = 'ListAssets';
/**
 * Hierarchical firewall policies are attached to the organization or a folder and evaluated before every
 * rule of the VPC networks beneath (https://cloud.google.com/firewall/docs/firewall-policies-rule-eval-order).
 * ListAssets returns the assets inside the parent listed, so a project or folder listing does not return
 * the policies of the nodes above it.
 */
const FIREWALL_POLICY = 'compute.googleapis.com/FirewallPolicy';

export type AssetClientFactory = () => AssetServiceClient;


class ScopeFailure extends Error {
  constructor(readonly failure: GcpCallError) {
    super(`${failure.code}: ${failure.message}`);
  }
}

/** The permission each content type's listing needs (Cloud Asset access control). */
const LIST_PERMISSION: Readonly<Record<ContentType, string>> = {
  RESOURCE: 'cloudasset.assets.listResource',
  IAM_POLICY: 'cloudasset.assets.listIamPolicy',
  ORG_POLICY: 'cloudasset.assets.listOrgPolicy',
};

/** Both languages in one line, for the outcome's error (a string); gaps carry the Bilingual itself. */
function bothLanguages(text: Bilingual): string {
  return `${text.en} / ${text.ja}`;
}

/** Why a listing failed, naming the cause and the fix where the API says which (google.rpc.ErrorInfo). */
function failureReason(parent: string, contentType: ContentType, error: unknown): Bilingual {
  if (!(error instanceof ScopeFailure)) {
    const message = error instanceof Error ? error.message : String(error);
    return { en: message, ja: `${parent} の収集に失敗しました: ${message}` };
  }
  const { code, message, reason, errorInfo } = error.failure;
  if (reason === 'SERVICE_DISABLED') {
    const consumer = errorInfo?.consumer ?? 'the quota project';
    return {
      en: `${code}: the Cloud Asset API (cloudasset.googleapis.com) is disabled for ${consumer} while listing ${parent}: enable it there (gcloud services enable cloudasset.googleapis.com) or make a project where it is enabled the quota project`,
      ja: `${parent} の一覧取得で、${consumer} の Cloud Asset API (cloudasset.googleapis.com) が無効です（${code}）。そのプロジェクトで API を有効にする（gcloud services enable cloudasset.googleapis.com）か、API が有効なプロジェクトを割り当てプロジェクト (quota project) にしてください`,
    };
  }
  if (code === 'PERMISSION_DENIED') {
    const permission = errorInfo?.permission ?? LIST_PERMISSION[contentType];
    return {
      en: `${code}: the caller lacks ${permission} on ${parent}: grant roles/cloudasset.viewer there (${message})`,
      ja: `${parent} に対する ${permission} 権限がありません（${code}）。収集に使う ID に roles/cloudasset.viewer を付与してください`,
    };
  }
  return { en: `${code}: ${message}`, ja: `${parent} の一覧取得に失敗しました（${code}）: ${message}` };
}

/** A project scope answered with an asset of another project. */
function mismatchReason(parent: string, resource: Resource, numbers: readonly string[]): Bilingual {
  const other = numbers.length > 1 ? `project numbers ${numbers.join(', ')}` : `project ${resource.account || '(none)'}`;
  return {
    en: `project mismatch: listing ${parent}, Cloud Asset returned ${resource.id} of ${other}`,
    ja: `プロジェクトの不一致: ${parent} の一覧取得で、Cloud Asset が ${numbers.length > 1 ? `プロジェクト番号 ${numbers.join(', ')}` : `プロジェクト ${resource.account || '（なし）'}`} の ${resource.id} を返しました`,
  };
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
  private client: AssetServiceClient | undefined;

  constructor(
    private readonly config: GcpCollectorConfig,
    private readonly clientFor: AssetClientFactory,
    /** Injectable so tests can observe backoff without waiting. */
    private readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>,
  ) {
    this.retry = { ...DEFAULT_RETRY, maxAttempts: config.maxAttempts };
  }

  /** Closes the client (its gRPC channel) kept across scans. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }

  async collect(context: CollectContext): Promise<CollectorRun> {
    const plan = listingPlan(context.types);
    // One client, one channel, for the collector's life: scans reuse its HTTP/2 connection and its credentials.
    const client = (this.client ??= this.clientFor());
    // The ListAssets quota belongs to the consumer project, not to the scope listed: one bucket for all.
    const limit: Limiter = { concurrency: new Semaphore(this.config.concurrency), pace: new TokenBucket(this.config.requestsPerMinute / 60) };
    const results = await Promise.all(this.config.scopes.map((parent) => this.collectScope(context, client, limit, plan, parent)));
    // Folders and organizations whose own listing returned their firewall policies.
    const policiesRead = new Set(results.filter((r) => r.policiesListed).map((r) => r.parent));
    const coverage = results.flatMap((r) => {
      const unread = [...r.above].filter((node) => !policiesRead.has(node)).sort();
      if (!r.policiesListed || unread.length === 0) return r.coverage;
      const gap: CoverageGap = { types: [FIREWALL_POLICY], reason: ancestorPoliciesReason(r.parent, unread) };
      return r.coverage.map((scope): CollectionScope => ({ ...scope, gaps: [...(scope.gaps ?? []), gap] }));
    });
    return { coverage, accounts: results.flatMap((r) => r.accounts) };
  }

  private async collectScope(
    context: CollectContext,
    client: AssetServiceClient,
    limit: Limiter,
    plan: Map<ContentType, string[]>,
    parent: string,
  ): Promise<ScopeResult> {
    const started = performance.now();
    const project = parent.startsWith('projects/') ? parent.slice('projects/'.length) : undefined;
    const perAccount = new Map<string, number>();
    const typesOf = (contentType: ContentType, assetTypes: readonly string[]): string[] => assetTypes.map((t) => (contentType === 'IAM_POLICY' ? `${t}#iamPolicy` : contentType === 'ORG_POLICY' ? `${t}#orgPolicy` : t));
    const types = [...plan.entries()].flatMap(([contentType, assetTypes]) => typesOf(contentType, assetTypes));
    let unreadable = 0;
    let mismatch: Bilingual | undefined;
    // The folders and organization above the parent, from the assets' ancestry (closest first, root last).
    const above = new Set<string>();
    const noteAncestry = (resource: Resource): void => {
      const ancestors = (resource.supplementary.ancestors as readonly string[] | undefined) ?? [];
      const at = ancestors.indexOf(parent);
      for (const node of at >= 0 ? ancestors.slice(at + 1) : ancestors) if (/^(?:organizations|folders)\//.test(node)) above.add(node);
    };
    // A project scope: every asset must be of that project (its name, its one project number).
    const numbers = new Set<string>();
    const ofThisProject = (resource: Resource): boolean => {
      if (project === undefined) return true;
      for (const ancestor of resource.supplementary.ancestors as readonly string[] | undefined ?? []) {
        const m = /^projects\/(\d+)$/.exec(ancestor);
        if (m?.[1]) numbers.add(m[1]);
      }
      if (resource.account === project && numbers.size <= 1) return true;
      mismatch ??= mismatchReason(parent, resource, [...numbers]);
      return false;
    };
    const jobs = [...plan.entries()].map(([contentType, assetTypes]) =>
      this.pages(context, client, limit, { parent, contentType, assetTypes }, (asset, readTime) => {
        const item = readAsset(asset, { ...(project === undefined ? {} : { project }), ...(readTime === undefined ? {} : { readTime }) });
        if (!item.ok) {
          unreadable++;
          context.logger.debug({ provider: 'gcp', scope: parent, asset: item.name, reason: item.reason }, 'unreadable asset');
          return;
        }
        for (const resource of item.resources) {
          if (!ofThisProject(resource)) continue;
          noteAncestry(resource);
          perAccount.set(resource.account, (perAccount.get(resource.account) ?? 0) + 1);
          context.onResource(resource);
        }
      }),
    );
    // Let every listing finish before judging: their resources are still evidence. A listing that
    // failed leaves its types a gap, with why; if every listing failed the scope failed.
    const results = await Promise.allSettled(jobs);
    const listings = [...plan.entries()];
    const gaps: CoverageGap[] = [];
    let failure: Bilingual | undefined = mismatch;
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') return;
      const [contentType, assetTypes] = listings[i]!;
      const reason = failureReason(parent, contentType, result.reason);
      context.logger.warn({ provider: 'gcp', scope: parent, contentType, error: reason.en }, 'listing failed for this scope');
      gaps.push({ types: typesOf(contentType, assetTypes), reason });
    });
    if (failure === undefined && gaps.length > 0 && gaps.length === listings.length) failure = gaps[0]!.reason;
    const at = context.now().toISOString();
    // A project scope is one account. A folder or organization covers the projects it returned assets
    // for, and is itself reported so an empty or failed listing is visible.
    const accounts = project !== undefined ? [project] : [...new Set([parent, ...perAccount.keys()])];
    const outcome: CollectionScope['outcome'] = failure === undefined ? { status: 'ok', collectedAt: at } : { status: 'failed', error: bothLanguages(failure), at };
    const uncovered = new Set(failure === undefined ? gaps.flatMap((g) => g.types) : []);
    const durationSeconds = (performance.now() - started) / 1000;
    return {
      parent,
      above,
      policiesListed: failure === undefined && types.includes(FIREWALL_POLICY) && !uncovered.has(FIREWALL_POLICY),
      // Cloud Asset lists every location of a scope in one call: coverage is per project, not per region.
      coverage: accounts.map(
        (account): CollectionScope => ({
          provider: 'gcp',
          account,
          region: GLOBAL_REGION,
          types: types.filter((t) => !uncovered.has(t)),
          ...(failure === undefined && gaps.length > 0 ? { gaps } : {}),
          // Items that could not be read even to their type belong to the scope listed.
          ...(unreadable > 0 && (account === project || account === parent) ? { unreadable } : {}),
          outcome,
        }),
      ),
      accounts: accounts.map(
        (account): AccountOutcome => ({
          account,
          ok: failure === undefined,
          ...(failure === undefined ? {} : { error: bothLanguages(failure) }),
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
    onAsset: (asset: unknown, readTime: string | undefined) => void,
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
      const readTime = timestamp(response?.readTime);
      for (const asset of assets) {
        if (++handled % ASSETS_BETWEEN_YIELDS === 0) await new Promise((resolve) => setImmediate(resolve));
        onAsset(asset, readTime);
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

interface ScopeResult {
  readonly coverage: CollectionScope[];
  readonly accounts: AccountOutcome[];
  readonly parent: string;
  /** Folders and organizations above the parent, seen in the ancestry of the assets it returned. */
  readonly above: ReadonlySet<string>;
  /** Whether this listing read compute.googleapis.com/FirewallPolicy (the enabled controls want it and it succeeded). */
  readonly policiesListed: boolean;
}

/** Why a project or folder scope lacks the hierarchical firewall policies of the nodes above it. */
function ancestorPoliciesReason(parent: string, unread: readonly string[]): Bilingual {
  const nodes = unread.join(', ');
  return {
    en: `listing ${parent} does not return the hierarchical firewall policies attached to ${nodes} above it (Cloud Asset lists only the assets inside the parent listed); they are evaluated before the VPC firewall rules and may deny or allow the traffic: add ${nodes} to collectors.gcp.scopes (roles/cloudasset.viewer there) to read them`,
    ja: `${parent} の一覧取得では、上位の ${unread.join('、')} に関連付けられた階層型ファイアウォール ポリシーは返されません（Cloud Asset は一覧対象の範囲内のアセットだけを返します）。これらのポリシーは VPC ファイアウォール ルールより先に評価され、通信を拒否することも許可することもあります。読み取るには ${unread.join('、')} を collectors.gcp.scopes に加え、そこで roles/cloudasset.viewer を付与してください`,
  };
}

/** ListAssetsResponse.read_time (google.protobuf.Timestamp, seconds as a Long, number or string) as ISO; undefined when absent. */
function timestamp(value: { seconds?: unknown; nanos?: unknown } | null | undefined): string | undefined {
  const seconds = Number(value?.seconds?.toString());
  if (!value || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  return new Date(seconds * 1000 + Math.floor(Number(value.nanos ?? 0) / 1e6)).toISOString();
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
