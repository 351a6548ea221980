/**
 * AWS collector on AWS Config (`@aws-sdk/client-config-service`): advanced-query Select per account ×
 * region, or one aggregator for a whole organization; BatchGet for the types whose Select rows lack
 * the fields controls read. Pages stream into the evaluation; nothing is held beyond a page.
 */
import {
  BatchGetAggregateResourceConfigCommand,
  BatchGetResourceConfigCommand,
  SelectAggregateResourceConfigCommand,
  SelectResourceConfigCommand,
  type BaseConfigurationItem,
  type ConfigServiceClient,
} from '@aws-sdk/client-config-service';
import type { AwsCollectorConfig } from './config.js';
import { errorMessage } from '../../src/errors.js';
import { GLOBAL_REGION, type CollectionScope } from '../../src/model/resource.js';
import { TokenBucket } from '../../src/util/rate-limit.js';
import { Semaphore } from '../../src/util/semaphore.js';
import type { AccountOutcome, CollectContext, Collector, CollectorRun } from '../types.js';
import { normalizeConfigItem } from './normalize.js';
import { DEFAULT_RETRY, withRetry, type CallError, type RetryPolicy } from './retry.js';

/** Largest page SelectResourceConfig / SelectAggregateResourceConfig return (API reference: Limit 0–100). */
export const SELECT_PAGE_SIZE = 100;
/** BatchGetResourceConfig / BatchGetAggregateResourceConfig accept at most 100 keys a call. */
export const BATCH_GET_SIZE = 100;
/** Rows evaluated between yields to the event loop while a page is processed. */
const ROWS_BETWEEN_YIELDS = 5;
/** AWS Config rejects query expressions longer than this. */
const MAX_EXPRESSION_LENGTH = 4096;

/**
 * Types whose Select rows do not carry what controls read: S3 bucket settings (encryption, policy,
 * logging, versioning, public access block, replication) live in supplementaryConfiguration, which
 * advanced queries do not return whole. For these, Select lists keys and BatchGet fetches the items.
 */
export const TYPES_NEEDING_BATCH_GET: ReadonlySet<string> = new Set(['AWS::S3::Bucket']);

const SELECT_FIELDS = [
  'resourceId',
  'resourceName',
  'resourceType',
  'awsRegion',
  'accountId',
  'arn',
  'availabilityZone',
  'configuration',
  'supplementaryConfiguration',
  'tags',
  'relationships',
  'configurationItemCaptureTime',
  'configurationItemStatus',
].join(', ');

export interface ClientTarget {
  /** Absent for the aggregator client. */
  readonly account?: string;
  readonly region: string;
  readonly roleArn?: string;
  readonly externalId?: string;
}

export type ConfigClientFactory = (target: ClientTarget) => ConfigServiceClient;

class ScopeFailure extends Error {
  constructor(readonly failure: CallError) {
    super(`${failure.code}: ${failure.message}`);
  }
}

export class AwsConfigCollector implements Collector {
  readonly provider = 'aws' as const;
  readonly name = 'aws-config';
  private readonly retry: RetryPolicy;

  constructor(
    private readonly config: AwsCollectorConfig,
    private readonly clientFor: ConfigClientFactory,
    /** Injectable so tests can observe backoff and Retry-After without waiting. */
    private readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>,
  ) {
    this.retry = { ...DEFAULT_RETRY, maxAttempts: config.maxAttempts };
  }

  async collect(context: CollectContext): Promise<CollectorRun> {
    const types = [...context.types].filter((t) => t.startsWith('AWS::')).sort();
    if (this.config.aggregator) return this.collectAggregate(context, types, this.config.aggregator);
    const outcomes = await Promise.all(this.config.accounts.map((account) => this.collectAccount(context, types, account)));
    return { coverage: outcomes.flatMap((o) => o.coverage), accounts: outcomes.map((o) => o.outcome) };
  }

  private async collectAccount(
    context: CollectContext,
    types: readonly string[],
    account: AwsCollectorConfig['accounts'][number],
  ): Promise<{ coverage: CollectionScope[]; outcome: AccountOutcome }> {
    const started = performance.now();
    const limit = this.limiter();
    const seenGlobal = new Set<string>();
    let resources = 0;
    const coverage = await Promise.all(
      this.config.regions.map(async (region): Promise<CollectionScope> => {
        const client = this.instrument(this.clientFor({ account: account.id, region, ...(account.roleArn ? { roleArn: account.roleArn } : {}), ...(account.externalId ? { externalId: account.externalId } : {}) }), context);
        const emit = (item: unknown): void => {
          const outcome = normalizeConfigItem(item);
          if (outcome.kind !== 'resource') return;
          const r = outcome.resource;
          // Global resources (IAM) can be recorded in several regions: evaluate each once.
          if (r.region === GLOBAL_REGION) {
            const key = `${r.type}|${r.id}`;
            if (seenGlobal.has(key)) return;
            seenGlobal.add(key);
          }
          resources++;
          context.onResource(r);
        };
        try {
          await this.selectAll(context, limit, types, emit, {
            select: (Expression, NextToken) => client.send(new SelectResourceConfigCommand({ Expression, Limit: SELECT_PAGE_SIZE, NextToken }), { abortSignal: context.signal }),
            batchGet: async (keys) => {
              const out = await client.send(new BatchGetResourceConfigCommand({ resourceKeys: keys.map((k) => ({ resourceType: k.resourceType as never, resourceId: k.resourceId })) }), { abortSignal: context.signal });
              return { items: out.baseConfigurationItems ?? [], unprocessed: out.unprocessedResourceKeys?.length ?? 0 };
            },
            selectOperation: 'SelectResourceConfig',
            batchOperation: 'BatchGetResourceConfig',
          });
          return { provider: 'aws', account: account.id, region, types, outcome: { status: 'ok', collectedAt: context.now().toISOString() } };
        } catch (error) {
          const message = error instanceof ScopeFailure ? error.message : errorMessage(error);
          context.logger.warn({ provider: 'aws', account: account.id, region, error: message }, 'collection failed for this account and region');
          return { provider: 'aws', account: account.id, region, types, outcome: { status: 'failed', error: message, at: context.now().toISOString() } };
        }
      }),
    );
    const failures = coverage.filter((s) => s.outcome.status !== 'ok');
    return {
      coverage,
      outcome: {
        account: account.id,
        ok: failures.length === 0,
        ...(failures[0]?.outcome.status === 'failed' ? { error: failures[0].outcome.error } : {}),
        durationSeconds: (performance.now() - started) / 1000,
        resources,
      },
    };
  }

  private async collectAggregate(
    context: CollectContext,
    types: readonly string[],
    aggregator: NonNullable<AwsCollectorConfig['aggregator']>,
  ): Promise<CollectorRun> {
    const started = performance.now();
    const client = this.instrument(this.clientFor({ region: aggregator.region, ...(aggregator.roleArn ? { roleArn: aggregator.roleArn } : {}) }), context);
    const limit = this.limiter();
    const scopes = new Map<string, { account: string; region: string }>();
    const perAccount = new Map<string, number>();
    for (const account of this.config.accounts) for (const region of this.config.regions) scopes.set(`${account.id}|${region}`, { account: account.id, region });
    const emit = (item: unknown): void => {
      const outcome = normalizeConfigItem(item);
      if (outcome.kind !== 'resource') return;
      const r = outcome.resource;
      if (r.region !== GLOBAL_REGION) scopes.set(`${r.account}|${r.region}`, { account: r.account, region: r.region });
      perAccount.set(r.account, (perAccount.get(r.account) ?? 0) + 1);
      context.onResource(r);
    };
    let failure: string | undefined;
    try {
      await this.selectAll(context, limit, types, emit, {
        select: (Expression, NextToken) =>
          client.send(new SelectAggregateResourceConfigCommand({ ConfigurationAggregatorName: aggregator.name, Expression, Limit: SELECT_PAGE_SIZE, NextToken }), { abortSignal: context.signal }),
        batchGet: async (keys) => {
          const out = await client.send(
            new BatchGetAggregateResourceConfigCommand({
              ConfigurationAggregatorName: aggregator.name,
              ResourceIdentifiers: keys.map((k) => ({ SourceAccountId: k.accountId, SourceRegion: k.awsRegion, ResourceId: k.resourceId, ResourceType: k.resourceType as never })),
            }),
            { abortSignal: context.signal },
          );
          return { items: out.BaseConfigurationItems ?? [], unprocessed: out.UnprocessedResourceIdentifiers?.length ?? 0 };
        },
        selectOperation: 'SelectAggregateResourceConfig',
        batchOperation: 'BatchGetAggregateResourceConfig',
      });
    } catch (error) {
      failure = error instanceof ScopeFailure ? error.message : errorMessage(error);
      context.logger.warn({ provider: 'aws', aggregator: aggregator.name, error: failure }, 'aggregator collection failed');
    }
    const at = context.now().toISOString();
    const coverage = [...scopes.values()].map(
      ({ account, region }): CollectionScope => ({
        provider: 'aws',
        account,
        region,
        types,
        outcome: failure === undefined ? { status: 'ok', collectedAt: at } : { status: 'failed', error: failure, at },
      }),
    );
    const accounts = [...new Set([...scopes.values()].map((s) => s.account))].map(
      (account): AccountOutcome => ({
        account,
        ok: failure === undefined,
        ...(failure === undefined ? {} : { error: failure }),
        durationSeconds: (performance.now() - started) / 1000,
        resources: perAccount.get(account) ?? 0,
      }),
    );
    return { coverage, accounts };
  }

  /** Runs the Select queries (and BatchGets) for the given types, emitting every item. */
  private async selectAll(
    context: CollectContext,
    limit: Limiter,
    types: readonly string[],
    emit: (item: unknown) => void,
    api: {
      select: (expression: string, nextToken: string | undefined) => Promise<SelectPage>;
      batchGet: (keys: readonly BatchKey[]) => Promise<{ items: BaseConfigurationItem[]; unprocessed: number }>;
      selectOperation: string;
      batchOperation: string;
    },
  ): Promise<void> {
    const direct = types.filter((t) => !TYPES_NEEDING_BATCH_GET.has(t));
    const viaBatch = types.filter((t) => TYPES_NEEDING_BATCH_GET.has(t));
    const jobs: Promise<void>[] = [];
    for (const group of typeGroups(direct, SELECT_FIELDS)) {
      jobs.push(this.pages(context, limit, api.selectOperation, `SELECT ${SELECT_FIELDS} WHERE ${typeCondition(group)}`, api.select, (row) => emit(row)));
    }
    for (const type of viaBatch) {
      jobs.push(
        (async () => {
          let keys: BatchKey[] = [];
          const flush = async (): Promise<void> => {
            const chunk = keys;
            keys = [];
            const result = await this.call(context, limit, api.batchOperation, () => api.batchGet(chunk));
            for (const item of result.items) emit(item);
            if (result.unprocessed > 0) throw new ScopeFailure({ code: 'Unprocessed', message: `${result.unprocessed} ${type} items left unprocessed by ${api.batchOperation}`, retryable: false });
          };
          await this.pages(context, limit, api.selectOperation, `SELECT resourceId, resourceType, accountId, awsRegion WHERE ${typeCondition([type])}`, api.select, async (row) => {
            const key = row as Partial<BatchKey>;
            if (typeof key.resourceId !== 'string') {
              emit(row); // becomes a malformed resource, unknown for its controls
              return;
            }
            keys.push({ resourceId: key.resourceId, resourceType: key.resourceType ?? type, accountId: key.accountId ?? '', awsRegion: key.awsRegion ?? '' });
            if (keys.length === BATCH_GET_SIZE) await flush();
          });
          if (keys.length > 0) await flush();
        })(),
      );
    }
    // Let every job finish before reporting the first failure: their resources are still evidence.
    const results = await Promise.allSettled(jobs);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) throw rejected.reason;
  }

  private async pages(
    context: CollectContext,
    limit: Limiter,
    operation: string,
    expression: string,
    select: (expression: string, nextToken: string | undefined) => Promise<SelectPage>,
    onRow: (row: unknown) => void | Promise<void>,
  ): Promise<void> {
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await this.call(context, limit, operation, () => select(expression, token));
      let handled = 0;
      for (const text of page.Results ?? []) {
        // Evaluation happens as rows arrive: hand the event loop back now and then so scrapes stay fast.
        if (++handled % ROWS_BETWEEN_YIELDS === 0) await new Promise((resolve) => setImmediate(resolve));
        let row: unknown;
        try {
          row = JSON.parse(text);
        } catch (error) {
          // One unparseable row is one unknown resource, not a failed scan.
          row = { resourceType: 'Unknown', resourceId: 'unparseable-row', configuration: `unparseable: ${errorMessage(error)}` };
        }
        await onRow(row);
      }
      nextToken = page.NextToken || undefined;
    } while (nextToken !== undefined);
  }

  /** Per-account (or per-aggregator) concurrency and optional pacing. */
  private limiter(): Limiter {
    const rate = this.config.requestsPerSecondPerAccount;
    return { concurrency: new Semaphore(this.config.concurrencyPerAccount), ...(rate ? { pace: new TokenBucket(rate) } : {}) };
  }

  private async call<T>(context: CollectContext, limit: Limiter, operation: string, fn: () => Promise<T>): Promise<T> {
    const paced = limit.pace ? async (): Promise<T> => (await limit.pace!.take(context.signal), fn()) : fn;
    const result = await limit.concurrency.run(() =>
      withRetry(paced, {
        policy: this.retry,
        signal: context.signal,
        onAttempt: (code) => context.recorder.apiCall('aws', operation, code),
        ...(this.sleep ? { sleep: this.sleep } : {}),
      }),
    );
    if (!result.ok) throw new ScopeFailure(result.error);
    return result.value;
  }

  /** Samples the provider's clock from each response's Date header (second resolution). */
  private instrument(client: ConfigServiceClient, context: CollectContext): ConfigServiceClient {
    client.middlewareStack.add(
      (next) => async (args) => {
        const sent = Date.now();
        const result = await next(args);
        const received = Date.now();
        const response = result.response as { headers?: Record<string, string> };
        const date = Date.parse(response.headers?.date ?? '');
        // The header truncates to whole seconds: the server's instant lies on average 0.5 s later.
        if (!Number.isNaN(date)) context.recorder.clockSample('aws', (sent + received) / 2000 - (date / 1000 + 0.5), (received - sent) / 1000);
        return result;
      },
      { step: 'deserialize', name: 'kansaClockSample', priority: 'high', override: true },
    );
    return client;
  }
}

interface Limiter {
  readonly concurrency: Semaphore;
  readonly pace?: TokenBucket;
}

interface BatchKey {
  readonly resourceId: string;
  readonly resourceType: string;
  readonly accountId: string;
  readonly awsRegion: string;
}

function typeCondition(types: readonly string[]): string {
  return types.length === 1 ? `resourceType = '${types[0]}'` : `resourceType IN (${types.map((t) => `'${t}'`).join(', ')})`;
}

/** Splits types into IN-lists that keep each expression under AWS Config's length limit. */
function typeGroups(types: readonly string[], fields: string): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  for (const type of types) {
    const candidate = [...current, type];
    if (current.length > 0 && `SELECT ${fields} WHERE ${typeCondition(candidate)}`.length > MAX_EXPRESSION_LENGTH) {
      groups.push(current);
      current = [type];
    } else current = candidate;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

interface SelectPage {
  readonly Results?: string[] | undefined;
  readonly NextToken?: string | undefined;
}
