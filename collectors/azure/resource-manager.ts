/**
 * Azure collector: Resource Graph (`@azure/arm-resourcegraph`) as the fast path — one query over every
 * subscription returns up to 1,000 rows a page with properties, paged by $skipToken — and ARM
 * (`@azure/arm-resources`: `resources.list` per type, then `getById` with each type's api-version) as the
 * fallback when Resource Graph is not permitted or is switched off. Child settings that are not resources
 * of their own (diagnostic settings, SQL auditing, TDE and long-term retention, blob service properties)
 * are fetched by ARM only when an enabled control reads their type. Everything streams: nothing is held beyond a page.
 */
import type { ResourceManagementClient } from '@azure/arm-resources';
import type { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { AzureCollectorConfig } from './config.js';
import { GLOBAL_REGION, type CollectionScope, type Resource } from '../../src/model/resource.js';
import { Semaphore } from '../../src/util/semaphore.js';
import type { AccountOutcome, CollectContext, Collector, CollectorRun } from '../types.js';
import { AZURE_TYPES, canonicalType, normalizeArmResource, subscriptionOf } from './normalize.js';
import { DEFAULT_AZURE_RETRY, withAzureRetry, type AzureCallError, type AzureRetryPolicy } from './retry.js';

/** api-version per resource type for `getById` (ARM rejects a version the provider does not serve). */
export const ARM_API_VERSIONS: Readonly<Record<string, string>> = {
  [AZURE_TYPES.storageAccount]: '2023-05-01',
  [AZURE_TYPES.nsg]: '2024-05-01',
  [AZURE_TYPES.disk]: '2024-03-02',
  [AZURE_TYPES.sqlServer]: '2023-08-01',
  [AZURE_TYPES.sqlDatabase]: '2023-08-01',
  [AZURE_TYPES.keyVault]: '2023-07-01',
  [AZURE_TYPES.activityLogAlert]: '2020-10-01',
  [AZURE_TYPES.virtualMachine]: '2024-07-01',
  [AZURE_TYPES.virtualMachineScaleSet]: '2024-07-01',
  [AZURE_TYPES.appGateway]: '2024-05-01',
  [AZURE_TYPES.appGatewayWafPolicy]: '2024-05-01',
  [AZURE_TYPES.frontDoorWafPolicy]: '2024-02-01',
  [AZURE_TYPES.metricAlert]: '2018-03-01',
  [AZURE_TYPES.recoveryVault]: '2024-04-01',
  [AZURE_TYPES.logAnalyticsWorkspace]: '2023-09-01',
};
/** Defender for Cloud plans are subscription settings, not rows of the Resource Graph `resources` table. */
const SECURITY_PRICINGS_API_VERSION = '2024-01-01';
const DIAGNOSTIC_SETTINGS_API_VERSION = '2021-05-01-preview';
const SQL_CHILD_API_VERSION = '2021-11-01';
const STORAGE_CHILD_API_VERSION = '2023-05-01';
const SUBSCRIPTIONS_API_VERSION = '2022-12-01';
/** Resource Graph pages hold at most 1,000 rows. */
export const RESOURCE_GRAPH_PAGE_SIZE = 1000;
/** Subscriptions one Resource Graph request may name. */
const RESOURCE_GRAPH_MAX_SUBSCRIPTIONS = 1000;
export const ARM_LIST_PAGE_SIZE = 1000;
const ROWS_BETWEEN_YIELDS = 50;

/** Child settings: their type, the parent type they hang off, and how to fetch them. */
export interface ChildSpec {
  readonly type: string;
  readonly parentTypes: readonly string[];
  readonly operation: string;
  readonly path: (parentId: string) => string;
  readonly apiVersion: string;
  /** The response is a list ({ value: [...] }) rather than one document. */
  readonly list: boolean;
  /** Parents named so have no such setting (it cannot be configured there): not fetched. */
  readonly skipParentNames?: readonly string[];
  /** ARM error codes saying the setting does not exist for this parent: skipped like a 404. */
  readonly notApplicableCodes?: readonly string[];
}

/** Types whose resources can carry diagnostic settings that controls read (Key Vault AuditEvent logs). */
export const DIAGNOSTIC_PARENT_TYPES: readonly string[] = [AZURE_TYPES.keyVault];

/** Exported for the live benchmark, whose call lower bound follows this plan. */
const CHILDREN: readonly ChildSpec[] = [
  { type: AZURE_TYPES.sqlAuditing, parentTypes: [AZURE_TYPES.sqlServer], operation: 'GetServerAuditingSettings', path: (p) => `${p}/auditingSettings/default`, apiVersion: SQL_CHILD_API_VERSION, list: false },
  // TDE cannot be configured on `master`; its setting says nothing about user data.
  { type: AZURE_TYPES.sqlTde, parentTypes: [AZURE_TYPES.sqlDatabase], operation: 'GetTransparentDataEncryption', path: (p) => `${p}/transparentDataEncryption/current`, apiVersion: SQL_CHILD_API_VERSION, list: false, skipParentNames: ['master'] },
  // Nor long-term retention; databases that do not support it (dedicated SQL pools) answer 400 LongTermRetentionPolicyNotSupported.
  {
    type: AZURE_TYPES.sqlLongTermRetention,
    parentTypes: [AZURE_TYPES.sqlDatabase],
    operation: 'GetLongTermRetentionPolicy',
    path: (p) => `${p}/backupLongTermRetentionPolicies/default`,
    apiVersion: SQL_CHILD_API_VERSION,
    list: false,
    skipParentNames: ['master'],
    notApplicableCodes: ['LongTermRetentionPolicyNotSupported'],
  },
  { type: AZURE_TYPES.blobService, parentTypes: [AZURE_TYPES.storageAccount], operation: 'GetBlobServiceProperties', path: (p) => `${p}/blobServices/default`, apiVersion: STORAGE_CHILD_API_VERSION, list: false },
  { type: AZURE_TYPES.diagnosticSettings, parentTypes: DIAGNOSTIC_PARENT_TYPES, operation: 'ListDiagnosticSettings', path: (p) => `${p}/providers/Microsoft.Insights/diagnosticSettings`, apiVersion: DIAGNOSTIC_SETTINGS_API_VERSION, list: true },
];

export interface AzureClients {
  /** ARM client for one subscription (the subscription only matters for list calls). */
  resources(subscription: string): ResourceManagementClient;
  resourceGraph(): ResourceGraphClient;
}

class ScopeFailure extends Error {
  constructor(readonly failure: AzureCallError) {
    super(`${failure.code}: ${failure.message}`);
  }
}

type Json = Record<string, unknown>;

/** Fixed projection: every column a control or the normalizer reads, in the shape ARM returns. */
function graphQuery(types: readonly string[]): string {
  return `resources | where type in~ (${types.map((t) => `'${t.toLowerCase()}'`).join(', ')}) | project id, name, type, location, kind, sku, plan, identity, zones, managedBy, tags, properties | order by id asc`;
}

/**
 * What a collection of `types` lists and fetches: the Azure types wanted, the child settings among them
 * (one call per parent resource) and the types listed (wanted ones, and the parents of wanted children;
 * diagnostic settings only for parents that are wanted themselves). The live bench reads it too.
 */
export function listingPlan(types: Iterable<string>): { readonly wanted: readonly string[]; readonly children: readonly ChildSpec[]; readonly listTypes: readonly string[] } {
  const wanted = [...types].filter((t) => /^Microsoft\./i.test(t)).map(canonicalType).sort();
  const children = CHILDREN.filter((c) => wanted.includes(c.type));
  const parents = new Set(wanted.filter((t) => ARM_API_VERSIONS[t] !== undefined));
  for (const child of children) for (const p of child.parentTypes) if (child.type !== AZURE_TYPES.diagnosticSettings || wanted.includes(p)) parents.add(p);
  return { wanted, children, listTypes: [...parents].sort() };
}

export class AzureResourceCollector implements Collector {
  readonly provider = 'azure' as const;
  readonly name = 'azure-resource-manager';
  private readonly retry: AzureRetryPolicy;
  private readonly instrumented = new WeakSet<object>();

  constructor(
    private readonly config: AzureCollectorConfig,
    private readonly clients: AzureClients,
    /** Injectable so tests observe backoff and Retry-After without waiting. */
    private readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>,
  ) {
    this.retry = { ...DEFAULT_AZURE_RETRY, maxAttempts: config.maxAttempts };
  }

  async collect(context: CollectContext): Promise<CollectorRun> {
    const started = performance.now();
    const { wanted, children, listTypes } = listingPlan(context.types);
    const limit = new Semaphore(this.config.concurrency);

    let subscriptions: readonly string[] = this.config.subscriptions;
    if (subscriptions.length === 0 && this.config.discoverSubscriptions) {
      const discovered = await this.call(context, limit, 'ListSubscriptions', () => this.rawGet(this.clients.resources(''), 'subscriptions', SUBSCRIPTIONS_API_VERSION, context.signal));
      if (!discovered.ok) {
        context.logger.warn({ provider: 'azure', error: discovered.error.message }, 'subscription discovery failed');
        return { coverage: [], accounts: [{ account: 'discovery', ok: false, error: `${discovered.error.code}: ${discovered.error.message}`, durationSeconds: (performance.now() - started) / 1000, resources: 0 }] };
      }
      const value = (discovered.value as { value?: unknown }).value;
      subscriptions = (Array.isArray(value) ? value : []).flatMap((s: unknown) => {
        const entry = s as { subscriptionId?: unknown; state?: unknown };
        return typeof entry.subscriptionId === 'string' && entry.state !== 'Disabled' ? [entry.subscriptionId.toLowerCase()] : [];
      });
    }

    const state = new Map<string, { failure?: string; resources: number }>(subscriptions.map((s) => [s, { resources: 0 }]));
    const fail = (subscription: string, error: unknown): void => {
      const entry = state.get(subscription);
      const message = error instanceof ScopeFailure ? error.message : error instanceof Error ? error.message : String(error);
      if (entry && entry.failure === undefined) entry.failure = message;
      context.logger.warn({ provider: 'azure', subscription, error: message }, 'collection failed for this subscription');
    };
    const childJobs: Promise<void>[] = [];
    const emit = (resource: Resource): void => {
      const entry = state.get(resource.account);
      if (entry) entry.resources++;
      context.onResource(resource);
    };
    const onParent = (resource: Resource): void => {
      if (wanted.includes(resource.type)) emit(resource);
      if (resource.malformed) return;
      for (const child of children) {
        if (!child.parentTypes.includes(resource.type)) continue;
        if (child.skipParentNames?.includes(resource.name.toLowerCase())) continue;
        childJobs.push(this.fetchChild(context, limit, child, resource, emit).catch((error: unknown) => fail(resource.account, error)));
      }
    };

    if (listTypes.length > 0) {
      let viaArm: readonly string[] = subscriptions;
      if (this.config.source === 'resourceGraph' && subscriptions.length > 0) {
        viaArm = [];
        for (let i = 0; i < subscriptions.length; i += RESOURCE_GRAPH_MAX_SUBSCRIPTIONS) {
          const batch = subscriptions.slice(i, i + RESOURCE_GRAPH_MAX_SUBSCRIPTIONS);
          try {
            await this.graphAll(context, limit, batch, listTypes, onParent);
          } catch (error) {
            const denied = error instanceof ScopeFailure && (error.failure.status === 403 || error.failure.status === 401);
            if (denied && this.config.fallbackToArm) {
              context.logger.info({ provider: 'azure', error: error.message }, 'Resource Graph not permitted: falling back to ARM per subscription');
              viaArm = [...viaArm, ...batch];
            } else for (const s of batch) fail(s, error);
          }
        }
      }
      await Promise.all(viaArm.map((s) => this.armAll(context, limit, s, listTypes, onParent).catch((error: unknown) => fail(s, error))));
    }
    if (wanted.includes(AZURE_TYPES.diagnosticSettings)) {
      // Activity-log export: the subscription's own diagnostic settings.
      await Promise.all(
        subscriptions.map(async (s) => {
          const result = await this.call(context, limit, 'ListSubscriptionDiagnosticSettings', () => this.rawGet(this.clients.resources(s), `subscriptions/${s}/providers/Microsoft.Insights/diagnosticSettings`, DIAGNOSTIC_SETTINGS_API_VERSION, context.signal));
          if (!result.ok) return fail(s, new ScopeFailure(result.error));
          for (const item of listValue(result.value)) emit(normalizeArmResource(item, { type: AZURE_TYPES.diagnosticSettings, parent: { type: AZURE_TYPES.subscription, id: `/subscriptions/${s}`, location: GLOBAL_REGION }, capturedAt: context.now().toISOString() }));
        }),
      );
    }
    if (wanted.includes(AZURE_TYPES.securityPricing)) {
      // Defender for Cloud plans: one list per subscription (Resource Graph keeps them in `securityresources`).
      await Promise.all(
        subscriptions.map(async (s) => {
          const result = await this.call(context, limit, 'ListSecurityPricings', () => this.rawGet(this.clients.resources(s), `subscriptions/${s}/providers/Microsoft.Security/pricings`, SECURITY_PRICINGS_API_VERSION, context.signal));
          if (!result.ok) return fail(s, new ScopeFailure(result.error));
          for (const item of listValue(result.value)) emit(normalizeArmResource(item, { type: AZURE_TYPES.securityPricing, parent: { type: AZURE_TYPES.subscription, id: `/subscriptions/${s}`, location: GLOBAL_REGION }, capturedAt: context.now().toISOString() }));
        }),
      );
    }
    await Promise.all(childJobs);

    const at = context.now().toISOString();
    const duration = (performance.now() - started) / 1000;
    const coverage = subscriptions.map((s): CollectionScope => {
      const failure = state.get(s)?.failure;
      return { provider: 'azure', account: s, region: GLOBAL_REGION, types: wanted, outcome: failure === undefined ? { status: 'ok', collectedAt: at } : { status: 'failed', error: failure, at } };
    });
    const accounts = subscriptions.map((s): AccountOutcome => {
      const entry = state.get(s) ?? { resources: 0 };
      return { account: s, ok: entry.failure === undefined, ...(entry.failure === undefined ? {} : { error: entry.failure }), durationSeconds: duration, resources: entry.resources };
    });
    return { coverage, accounts };
  }

  /** Resource Graph: one fixed query over a batch of subscriptions, paged by $skipToken. */
  private async graphAll(context: CollectContext, limit: Semaphore, subscriptions: readonly string[], types: readonly string[], onRow: (r: Resource) => void): Promise<void> {
    const client = this.instrument(this.clients.resourceGraph(), context);
    const query = graphQuery(types);
    let skipToken: string | undefined;
    do {
      const token = skipToken;
      const result = await this.call(context, limit, 'ListResourceGraphResources', () =>
        client.resources({ subscriptions: [...subscriptions], query, options: { top: RESOURCE_GRAPH_PAGE_SIZE, resultFormat: 'objectArray', ...(token ? { skipToken: token } : {}) } }, { abortSignal: context.signal }),
      );
      if (!result.ok) throw new ScopeFailure(result.error);
      const rows: unknown[] = Array.isArray(result.value.data) ? (result.value.data as unknown[]) : [];
      let handled = 0;
      const capturedAt = context.now().toISOString();
      for (const row of rows) {
        if (++handled % ROWS_BETWEEN_YIELDS === 0) await new Promise((resolve) => setImmediate(resolve));
        onRow(normalizeArmResource(row, { capturedAt }));
      }
      skipToken = result.value.skipToken || undefined;
    } while (skipToken !== undefined);
  }

  /** ARM: list ids per type (no properties), then GET each by id with its type's api-version. */
  private async armAll(context: CollectContext, limit: Semaphore, subscription: string, types: readonly string[], onResource: (r: Resource) => void): Promise<void> {
    const client = this.instrument(this.clients.resources(subscription), context);
    const jobs: Promise<void>[] = [];
    for (const type of types) {
      const apiVersion = ARM_API_VERSIONS[type]!;
      let continuationToken: string | undefined;
      do {
        const token = continuationToken;
        const page = await this.call(context, limit, 'ListResources', async () => {
          const pages = client.resources.list({ filter: `resourceType eq '${type}'`, top: ARM_LIST_PAGE_SIZE, abortSignal: context.signal }).byPage(token ? { continuationToken: token } : undefined);
          const next = await pages.next();
          return next.done ? { items: [], continuationToken: undefined } : { items: next.value as unknown as readonly { id?: string }[], continuationToken: (next.value as { continuationToken?: string }).continuationToken };
        });
        if (!page.ok) throw new ScopeFailure(page.error);
        for (const item of page.value.items) {
          const id = item.id;
          if (typeof id !== 'string') continue;
          jobs.push(
            (async () => {
              const body = await this.call(context, limit, 'GetResourceById', () => this.rawGet(client, id, apiVersion, context.signal));
              if (!body.ok) {
                if (body.error.status === 404) return; // deleted between list and get
                throw new ScopeFailure(body.error);
              }
              onResource(normalizeArmResource(body.value, { capturedAt: context.now().toISOString() }));
            })(),
          );
        }
        continuationToken = page.value.continuationToken || undefined;
      } while (continuationToken !== undefined);
    }
    const results = await Promise.allSettled(jobs);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) throw rejected.reason;
  }

  private async fetchChild(context: CollectContext, limit: Semaphore, child: ChildSpec, parent: Resource, emit: (r: Resource) => void): Promise<void> {
    const client = this.instrument(this.clients.resources(parent.account), context);
    const result = await this.call(context, limit, child.operation, () => this.rawGet(client, child.path(parent.id), child.apiVersion, context.signal));
    const options = { type: child.type, parent: { type: parent.type, id: parent.id, location: parent.region }, capturedAt: context.now().toISOString() };
    if (!result.ok) {
      if (result.error.status === 404 || child.notApplicableCodes?.includes(result.error.code)) return;
      throw new ScopeFailure(result.error);
    }
    if (child.list) for (const item of listValue(result.value)) emit(normalizeArmResource(item, options));
    else emit(normalizeArmResource(result.value, options));
  }

  /**
   * GET an ARM path through the SDK's `getById` and keep the body as ARM sent it: the generic-resource
   * deserializer drops what it does not model (`value` lists, newer properties), so the raw parsed body
   * is taken from the pipeline response instead.
   */
  private async rawGet(client: ResourceManagementClient, path: string, apiVersion: string, signal: AbortSignal): Promise<unknown> {
    let parsed: unknown;
    await client.resources.getById(path.replace(/^\//, ''), apiVersion, {
      abortSignal: signal,
      onResponse: (response) => {
        parsed = response.parsedBody;
      },
    });
    return parsed;
  }

  private async call<T>(context: CollectContext, limit: Semaphore, operation: string, fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: AzureCallError }> {
    return limit.run(() =>
      withAzureRetry(fn, {
        policy: this.retry,
        signal: context.signal,
        onAttempt: (code) => context.recorder.apiCall('azure', operation, code),
        ...(this.sleep ? { sleep: this.sleep } : {}),
      }),
    );
  }

  /** Samples ARM's clock from each response's Date header (second resolution), once per client. */
  private instrument<C extends { pipeline: { addPolicy(policy: PipelinePolicy): void } }>(client: C, context: CollectContext): C {
    if (this.instrumented.has(client)) return client;
    this.instrumented.add(client);
    client.pipeline.addPolicy({
      name: 'kansaClockSample',
      sendRequest: async (request, next) => {
        const sent = Date.now();
        const response = await next(request);
        const received = Date.now();
        const date = Date.parse(response.headers.get('date') ?? '');
        if (!Number.isNaN(date)) context.recorder.clockSample('azure', (sent + received) / 2000 - (date / 1000 + 0.5), (received - sent) / 1000);
        return response;
      },
    });
    return client;
  }
}

function listValue(body: unknown): Json[] {
  const value = (body as { value?: unknown } | undefined)?.value;
  return Array.isArray(value) ? value.filter((v): v is Json => typeof v === 'object' && v !== null) : [];
}

export { subscriptionOf };
