/**
 * AWS collector on AWS Config (`@aws-sdk/client-config-service`): per account, STS checks who answers
 * and Account ListRegions which regions are enabled; per account × region, the recorders say what is
 * recorded and advanced-query Select fetches it (BatchGet only for a bucket row that came without its
 * supplementary configuration).
 * Or one aggregator for a whole organization, its sources status saying which sources are current.
 * Every scope reports what it really covers and why not the rest. Pages stream into the evaluation.
 */
import { ListRegionsCommand } from '@aws-sdk/client-account';
import {
  BatchGetAggregateResourceConfigCommand,
  BatchGetResourceConfigCommand,
  DescribeConfigurationAggregatorSourcesStatusCommand,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  SelectAggregateResourceConfigCommand,
  SelectResourceConfigCommand,
  type AggregatedSourceStatus,
  type BaseConfigurationItem,
  type ConfigServiceClient,
  type ConfigurationRecorder,
} from '@aws-sdk/client-config-service';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsCollectorConfig } from './config.js';
import { errorMessage } from '../../src/errors.js';
import { GLOBAL_REGION, type CollectionScope, type CoverageGap, type Resource } from '../../src/model/resource.js';
import { delay } from '../../src/util/delay.js';
import { TokenBucket } from '../../src/util/rate-limit.js';
import { Semaphore } from '../../src/util/semaphore.js';
import type { AccountOutcome, CollectContext, Collector, CollectorRun } from '../types.js';
import { ACCOUNT_API_REGION, type AwsClients, type ClientTarget } from './clients.js';
import {
  aggregatorRecordersReason,
  CONFIG_RECORDER_TYPE,
  discoveryFailedReason,
  globalNotRecordedReason,
  groupRecords,
  IAM_GLOBAL_TYPES,
  inactiveReason,
  notAggregatedReason,
  notInListReason,
  notRecordedReason,
  recordedTypes,
  recorderResources,
  recordersUnreadableReason,
  type RegionRecorders,
} from './coverage.js';
import { aggregatorCloudTrailReason, collectCloudTrail } from './cloudtrail.js';
import { aggregatorIdentityReason, collectIdentity, IAM_IDENTITY_TYPES } from './identity.js';
import { CLOUDTRAIL_API_TYPES } from './identity-types.js';
import { aggregatorMonitoringReason, collectMonitoring, MONITORING_TYPES, type MonitoringRegion } from './monitoring.js';
import { normalizeConfigItem } from './normalize.js';
import { aggregatorRegionalReason, collectRegional, REGIONAL_DIRECT_TYPES } from './regional.js';
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
 * Types whose every item AWS Config records with a supplementaryConfiguration: an S3 bucket always carries
 * its ACL, policy, logging and versioning documents, empty or not (aws-config-rdk example_ci/AWS_S3_Bucket.json;
 * the recorded Select row cloud-custodian test_s3_metrics_user_dims, select_s3_bucket_no_sse.json here).
 * Select returns that whole document in the row, so buckets need no other call. A row that comes without it
 * would read as "no policy, no encryption": its item is fetched again with BatchGet, and when that has none
 * either, the controls reading it are unknown (`withoutSupplementary`).
 */
export const TYPES_WITH_SUPPLEMENTARY: ReadonlySet<string> = new Set(['AWS::S3::Bucket']);

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

export type { ClientTarget, AwsClients } from './clients.js';

/** ListRegions pages hold at most 50 regions (API reference: MaxResults 1–50). */
const LIST_REGIONS_PAGE_SIZE = 50;
/** Region discovery: the regions the account can use (API reference, ListRegions: RegionOptStatus). */
const ENABLED_STATUSES = ['ENABLED', 'ENABLED_BY_DEFAULT'] as const;

class ScopeFailure extends Error {
  constructor(readonly failure: CallError) {
    super(`${failure.code}: ${failure.message}`);
  }
}

type AccountConfig = AwsCollectorConfig['accounts'][number];
/** An account's client target, before a region is chosen. */
type AccountTarget = Omit<ClientTarget, 'region'> & { readonly account: string };

/** One account's regional plan after identity and discovery. */
interface RegionPlan {
  /** Regions to collect. */
  readonly regions: readonly string[];
  /** Scopes that say what is not collected (left-out regions, discovery failure). */
  readonly extra: readonly CollectionScope[];
}

/** What one region's recorders let a scope cover. */
interface RegionRecording {
  readonly region: string;
  /** Undefined when the Describe calls failed (then `error` says why). */
  readonly view?: RegionRecorders;
  readonly error?: string;
}

interface Counter {
  resources: number;
}

export class AwsConfigCollector implements Collector {
  readonly provider = 'aws' as const;
  readonly name = 'aws-config';
  private readonly retry: RetryPolicy;

  constructor(
    private readonly config: AwsCollectorConfig,
    private readonly clients: AwsClients,
    /** Injectable so tests can observe backoff and Retry-After without waiting. */
    private readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>,
  ) {
    this.retry = { ...DEFAULT_RETRY, maxAttempts: config.maxAttempts };
  }

  close(): Promise<void> {
    this.clients.close();
    return Promise.resolve();
  }

  async collect(context: CollectContext): Promise<CollectorRun> {
    const wanted = [...context.types].filter((t) => t.startsWith('AWS::')).sort();
    // The identity pseudo-types come from each account's IAM API (identity.ts), the trail status from its
    // CloudTrail API (cloudtrail.ts), the CloudWatch types from its CloudWatch Logs and CloudWatch APIs
    // (monitoring.ts), the regional pseudo-types from its EC2, Inspector and Security Hub APIs (regional.ts),
    // never from AWS Config.
    const types = wanted.filter((t) => !IAM_IDENTITY_TYPES.has(t) && !CLOUDTRAIL_API_TYPES.has(t) && !MONITORING_TYPES.has(t) && !REGIONAL_DIRECT_TYPES.has(t));
    const identity = wanted.filter((t) => IAM_IDENTITY_TYPES.has(t));
    const trails = wanted.filter((t) => CLOUDTRAIL_API_TYPES.has(t));
    const monitoring = wanted.filter((t) => MONITORING_TYPES.has(t));
    const direct = wanted.filter((t) => REGIONAL_DIRECT_TYPES.has(t));
    if (this.config.aggregator) {
      const run = await this.collectAggregate(context, types, this.config.aggregator);
      if (identity.length === 0 && trails.length === 0 && monitoring.length === 0 && direct.length === 0) return run;
      // An aggregator reads no account's IAM or service APIs: every account it reports (and every configured one) says so.
      const at = context.now().toISOString();
      const gaps: CoverageGap[] = [
        ...(identity.length > 0 ? [{ types: identity, reason: aggregatorIdentityReason(this.config.aggregator.name) }] : []),
        ...(trails.length > 0 ? [{ types: trails, reason: aggregatorCloudTrailReason(this.config.aggregator.name) }] : []),
        ...(monitoring.length > 0 ? [{ types: monitoring, reason: aggregatorMonitoringReason(this.config.aggregator.name) }] : []),
        ...(direct.length > 0 ? [{ types: direct, reason: aggregatorRegionalReason(this.config.aggregator.name) }] : []),
      ];
      const accounts = [...new Set([...this.config.accounts.map((a) => a.id), ...run.coverage.map((s) => s.account)])];
      const coverage = accounts.reduce(
        (scopes, account) => withGlobalScope(scopes, { provider: 'aws', account, region: GLOBAL_REGION, types: [], gaps, outcome: { status: 'ok', collectedAt: at } }),
        run.coverage,
      );
      return { ...run, coverage };
    }
    const outcomes = await Promise.all(this.config.accounts.map((account) => this.collectAccount(context, types, identity, trails, monitoring, direct, account)));
    return { coverage: outcomes.flatMap((o) => o.coverage), accounts: outcomes.map((o) => o.outcome) };
  }

  private async collectAccount(
    context: CollectContext,
    types: readonly string[],
    identityTypes: readonly string[],
    trailTypes: readonly string[],
    monitoringTypes: readonly string[],
    directTypes: readonly string[],
    account: AccountConfig,
  ): Promise<{ coverage: CollectionScope[]; outcome: AccountOutcome }> {
    const started = performance.now();
    const limit = this.limiter();
    const counter: Counter = { resources: 0 };
    const target = { account: account.id, ...(account.roleArn ? { roleArn: account.roleArn } : {}), ...(account.externalId ? { externalId: account.externalId } : {}) };
    const at = (): string => context.now().toISOString();
    const failedEverywhere = (error: string): CollectionScope[] => {
      context.logger.warn({ provider: 'aws', account: account.id, error }, 'collection failed for this account');
      const all = [...types, ...identityTypes, ...trailTypes, ...monitoringTypes, ...directTypes];
      return (this.config.regions ?? [GLOBAL_REGION]).map((region) => ({ provider: 'aws', account: account.id, region, types: all, outcome: { status: 'failed', error, at: at() } }));
    };

    let coverage: CollectionScope[];
    const identity = await this.verifyIdentity(context, limit, target, account);
    if (identity !== undefined) coverage = failedEverywhere(identity);
    else {
      const planned = this.planRegions(context, limit, target, [...types, ...monitoringTypes, ...directTypes]);
      const [config, iam, trail] = await Promise.all([
        (async (): Promise<CollectionScope[]> => {
          const plan = await planned;
          if (typeof plan === 'string') return failedEverywhere(plan);
          const [config, monitoring, direct] = await Promise.all([
            // Only live-API types wanted: AWS Config is not asked, each region still gets its scope.
            types.length > 0 ? this.collectRegions(context, limit, types, target, plan.regions, counter) : plan.regions.map((region): CollectionScope => ({ provider: 'aws', account: account.id, region, types: [], outcome: { status: 'ok', collectedAt: at() } })),
            monitoringTypes.length > 0 ? Promise.all(plan.regions.map((region) => this.collectCloudWatch(context, limit, target, region, monitoringTypes))) : [],
            Promise.all(directTypes.length === 0 ? [] : plan.regions.map((region) => this.collectRegionalDirect(context, limit, target, region, directTypes))),
          ]);
          counter.resources += monitoring.reduce((n, m) => n + m.resources, 0);
          let scopes = [...withMonitoring(config, plan.regions, monitoring), ...plan.extra];
          for (const regional of direct) {
            counter.resources += regional.resources;
            scopes = withGlobalScope(scopes, regional.scope);
          }
          return scopes;
        })(),
        identityTypes.length > 0 ? this.collectIamIdentity(context, limit, target, identityTypes) : undefined,
        // DescribeTrails is asked in the collected Regions; without a plan, failedEverywhere names the types.
        trailTypes.length > 0 ? planned.then((plan) => (typeof plan === 'string' ? undefined : this.collectTrails(context, limit, target, plan.regions, trailTypes))) : undefined,
      ]);
      coverage = config;
      for (const extra of [iam, trail]) {
        if (!extra) continue;
        counter.resources += extra.resources;
        // A failed account-wide scope already names these types (failedEverywhere).
        if (!config.some((s) => s.region === GLOBAL_REGION && s.outcome.status !== 'ok')) coverage = withGlobalScope(coverage, extra.scope);
      }
    }
    const failures = coverage.filter((s) => s.outcome.status !== 'ok');
    return {
      coverage,
      outcome: {
        account: account.id,
        ok: failures.length === 0,
        ...(failures[0]?.outcome.status === 'failed' ? { error: failures[0].outcome.error } : {}),
        durationSeconds: (performance.now() - started) / 1000,
        resources: counter.resources,
      },
    };
  }

  /** One region's EC2, Inspector and Security Hub data (regional.ts), through the same limiter, retries and recorder. */
  private collectRegionalDirect(context: CollectContext, limit: Limiter, target: AccountTarget, region: string, types: readonly string[]): Promise<{ scope: CollectionScope; resources: number }> {
    return collectRegional(context, this.clients, target, region, (operation, fn) => this.call(context, limit, operation, fn), types);
  }

  /** The account's IAM identity data (identity.ts), through the same limiter, retries and recorder. */
  private collectIamIdentity(context: CollectContext, limit: Limiter, target: AccountTarget, types: readonly string[]): Promise<{ scope: CollectionScope; resources: number }> {
    return collectIdentity(context, {
      account: target.account,
      iam: this.clients.iam({ ...target, region: ACCOUNT_API_REGION }),
      call: (operation, fn) => this.call(context, limit, operation, fn),
      sleep: this.sleep ?? delay,
    }, types);
  }

  /** Each trail's status and event selectors (cloudtrail.ts), through the same limiter, retries and recorder. */
  private collectTrails(context: CollectContext, limit: Limiter, target: AccountTarget, regions: readonly string[], types: readonly string[]): Promise<{ scope: CollectionScope; resources: number }> {
    return collectCloudTrail(context, {
      account: target.account,
      regions,
      client: (region) => this.clients.cloudtrail({ ...target, region }),
      call: (operation, fn) => this.call(context, limit, operation, fn),
    }, types);
  }

  /** One region's CloudWatch Logs and CloudWatch data (monitoring.ts), through the same limiter, retries and recorder. */
  private collectCloudWatch(context: CollectContext, limit: Limiter, target: AccountTarget, region: string, types: readonly string[]): Promise<MonitoringRegion> {
    return collectMonitoring(context, {
      account: target.account,
      region,
      logs: this.clients.logs({ ...target, region }),
      cloudwatch: this.clients.cloudwatch({ ...target, region }),
      call: (operation, fn) => this.call(context, limit, operation, fn),
    }, types);
  }

  /**
   * STS GetCallerIdentity with the account's credentials (after any role assumption): the account that
   * answers must be the one configured, else every finding would be attributed to the wrong account.
   * Returns the error, or undefined when the identity matches.
   */
  private async verifyIdentity(context: CollectContext, limit: Limiter, target: AccountTarget, account: AccountConfig): Promise<string | undefined> {
    const sts = this.clients.sts({ ...target, region: ACCOUNT_API_REGION });
    try {
      const answer = await this.call(context, limit, 'GetCallerIdentity', () => sts.send(new GetCallerIdentityCommand({}), { abortSignal: context.signal }));
      if (answer.Account === account.id) return undefined;
      const via = account.roleArn ? ` after assuming ${account.roleArn}` : '';
      return `IdentityMismatch: the credentials${via} belong to account ${answer.Account ?? '(none)'}, not the configured account ${account.id} (sts:GetCallerIdentity); nothing was collected for ${account.id}`;
    } catch (error) {
      // With a role, the credentials come from sts:AssumeRole first: its AccessDenied (trust policy, externalId) lands here.
      const via = account.roleArn ? ` with the credentials of role ${account.roleArn} (sts:AssumeRole)` : '';
      return `identity could not be verified (sts:GetCallerIdentity${via}): ${error instanceof ScopeFailure ? error.message : errorMessage(error)}`;
    }
  }

  /**
   * The regions to collect: the explicit list, or every region enabled for the account (Account
   * ListRegions, ENABLED and ENABLED_BY_DEFAULT). Enabled regions the explicit list leaves out become
   * scopes that cover nothing, with the reason; a discovery failure is said, never silent. Returns the
   * error when there is nothing to fall back on.
   */
  private async planRegions(context: CollectContext, limit: Limiter, target: AccountTarget, types: readonly string[]): Promise<RegionPlan | string> {
    const explicit = this.config.regions;
    const discovered = await this.discoverRegions(context, limit, target);
    const regional = types.filter((t) => !IAM_GLOBAL_TYPES.has(t));
    const at = context.now().toISOString();
    if (typeof discovered === 'string') {
      if (!explicit) return `enabled regions could not be listed (account:ListRegions): ${discovered}`;
      context.logger.warn({ provider: 'aws', account: target.account, error: discovered }, 'region discovery failed: collecting only collectors.aws.regions, other regions are reported as not collected');
      const gap: CoverageGap = { types: regional, reason: discoveryFailedReason(discovered, explicit) };
      return { regions: explicit, extra: [{ provider: 'aws', account: target.account, region: GLOBAL_REGION, types: [], gaps: [gap], outcome: { status: 'ok', collectedAt: at } }] };
    }
    if (!explicit) return { regions: discovered, extra: [] };
    const left = discovered.filter((r) => !explicit.includes(r));
    if (left.length > 0) {
      context.logger.warn(
        { provider: 'aws', account: target.account, regions: left },
        'regions enabled for the account are not in collectors.aws.regions: they are not collected, and controls reading them are unknown there',
      );
    }
    return {
      regions: explicit,
      extra: left.map((region): CollectionScope => ({
        provider: 'aws',
        account: target.account,
        region,
        types: [],
        gaps: [{ types: regional, reason: notInListReason(region) }],
        outcome: { status: 'ok', collectedAt: at },
      })),
    };
  }

  /** Account ListRegions, every page; the error (as text) when it fails. */
  private async discoverRegions(context: CollectContext, limit: Limiter, target: AccountTarget): Promise<string[] | string> {
    const client = this.clients.account({ ...target, region: ACCOUNT_API_REGION });
    const regions: string[] = [];
    try {
      let nextToken: string | undefined;
      do {
        const token = nextToken;
        const page = await this.call(context, limit, 'ListRegions', () =>
          client.send(new ListRegionsCommand({ RegionOptStatusContains: [...ENABLED_STATUSES], MaxResults: LIST_REGIONS_PAGE_SIZE, ...(token ? { NextToken: token } : {}) }), { abortSignal: context.signal }),
        );
        for (const region of page.Regions ?? []) {
          if (region.RegionName && (ENABLED_STATUSES as readonly string[]).includes(region.RegionOptStatus ?? '')) regions.push(region.RegionName);
        }
        nextToken = page.NextToken || undefined;
      } while (nextToken !== undefined);
    } catch (error) {
      return error instanceof ScopeFailure ? error.message : errorMessage(error);
    }
    return [...new Set(regions)].sort();
  }

  /** Recorders first (what each region records decides what to select and what to report), then the data. */
  private async collectRegions(
    context: CollectContext,
    limit: Limiter,
    types: readonly string[],
    target: AccountTarget,
    regions: readonly string[],
    counter: Counter,
  ): Promise<CollectionScope[]> {
    const account = target.account;
    // Only direct-API types wanted (regional.ts): AWS Config has nothing to say, not even its recorders.
    if (types.length === 0) return regions.map((region) => ({ provider: 'aws', account, region, types: [], outcome: { status: 'ok', collectedAt: context.now().toISOString() } }));
    const wantRecorders = types.includes(CONFIG_RECORDER_TYPE);
    const data = types.filter((t) => t !== CONFIG_RECORDER_TYPE);
    const regional = data.filter((t) => !IAM_GLOBAL_TYPES.has(t));
    const global = data.filter((t) => IAM_GLOBAL_TYPES.has(t));
    const clients = new Map(regions.map((region) => [region, this.instrument(this.clients.config({ ...target, region }), context)]));
    const client = (region: string): ConfigServiceClient => clients.get(region)!;
    const recordings = await Promise.all(regions.map((region) => this.describeRecorders(context, limit, client(region), region)));
    // One region recording a global (IAM) type covers the account.
    const globalRecorded = new Set(recordings.flatMap((r) => (r.view ? [...recordedTypes(r.view, global)] : [])));
    const globalNotSeen = global.filter((t) => !globalRecorded.has(t));
    // A region whose recorders could not be read may be the one recording them: not known to be missing.
    const someUnread = recordings.some((r) => r.view === undefined);
    const globalMissing = someUnread ? [] : globalNotSeen;
    const globalUndetermined = someUnread ? globalNotSeen : [];
    const seenGlobal = new Set<string>();
    return await Promise.all(
      recordings.map(async (recording, index): Promise<CollectionScope> => {
        const { region, view } = recording;
        const gaps: CoverageGap[] = [];
        let covered: string[];
        let select: string[];
        if (view === undefined) {
          // Unknown recording: collect what is there, but claim nothing as covered.
          gaps.push({ types: [...regional, ...(wantRecorders ? [CONFIG_RECORDER_TYPE] : [])], reason: recordersUnreadableReason(region, recording.error ?? '') });
          covered = [];
          select = data;
        } else {
          const recorded = recordedTypes(view, data);
          const inactive = inactiveReason(view, region);
          if (inactive) {
            if (regional.length > 0) gaps.push({ types: regional, reason: inactive });
          } else for (const type of regional) if (!recorded.has(type)) gaps.push({ types: [type], reason: notRecordedReason(type, region) });
          covered = [...recorded, ...(wantRecorders ? [CONFIG_RECORDER_TYPE] : [])].sort();
          select = [...recorded];
          if (wantRecorders) {
            const unrecorded = (recorder: ConfigurationRecorder): string[] => [...regional.filter((t) => !groupRecords(recorder, t)), ...globalMissing].sort();
            for (const resource of recorderResources(account, region, view, unrecorded, context.now().toISOString(), globalUndetermined)) {
              counter.resources++;
              context.onResource(resource);
            }
          }
        }
        // The account's first region carries the gap of a global type no collected region records.
        if (index === 0) for (const type of globalMissing) gaps.push({ types: [type], reason: globalNotRecordedReason(type, account, regions) });
        let unreadable = 0;
        /** Types AWS Config answered with ResourceNotRecorded items: not covered here, whatever the recorders said. */
        const notRecorded = new Set<string>();
        const emit: Emit = (item, options) => {
          const outcome = normalizeConfigItem(item, context.now());
          if (outcome.kind === 'skipped' && outcome.notRecorded) notRecorded.add(outcome.notRecorded);
          if (outcome.kind !== 'resource') return;
          const r = withSupplementaryFlag(outcome.resource, options);
          // Not even a type: the row cannot be attributed to any control.
          if (r.type === '') {
            unreadable++;
            return;
          }
          // Global resources (IAM) can be recorded in several regions: evaluate each once.
          if (r.region === GLOBAL_REGION) {
            const key = `${r.type}|${r.id}`;
            if (seenGlobal.has(key)) return;
            seenGlobal.add(key);
          }
          counter.resources++;
          context.onResource(r);
        };
        const scope = (outcome: CollectionScope['outcome'], scopeTypes: readonly string[]): CollectionScope => ({
          provider: 'aws',
          account,
          region,
          types: scopeTypes,
          ...(gaps.length > 0 ? { gaps } : {}),
          ...(unreadable > 0 ? { unreadable } : {}),
          outcome,
        });
        try {
          if (select.length > 0) await this.selectAll(context, limit, select, emit, this.accountApi(context, client(region)), () => unreadable++);
          const uncovered = covered.filter((t) => notRecorded.has(t));
          for (const type of uncovered) gaps.push({ types: [type], reason: notRecordedReason(type, region) });
          return scope({ status: 'ok', collectedAt: context.now().toISOString() }, covered.filter((t) => !notRecorded.has(t)));
        } catch (error) {
          const message = error instanceof ScopeFailure ? error.message : errorMessage(error);
          context.logger.warn({ provider: 'aws', account, region, error: message }, 'collection failed for this account and region');
          return scope({ status: 'failed', error: message, at: context.now().toISOString() }, types);
        }
      }),
    );
  }

  /** DescribeConfigurationRecorders and …Status for one region; a failure is reported, not thrown. */
  private async describeRecorders(context: CollectContext, limit: Limiter, client: ConfigServiceClient, region: string): Promise<RegionRecording> {
    try {
      const [recorders, statuses] = await Promise.all([
        this.call(context, limit, 'DescribeConfigurationRecorders', () => client.send(new DescribeConfigurationRecordersCommand({}), { abortSignal: context.signal })),
        this.call(context, limit, 'DescribeConfigurationRecorderStatus', () => client.send(new DescribeConfigurationRecorderStatusCommand({}), { abortSignal: context.signal })),
      ]);
      return { region, view: { recorders: recorders.ConfigurationRecorders ?? [], statuses: statuses.ConfigurationRecordersStatus ?? [] } };
    } catch (error) {
      const message = error instanceof ScopeFailure ? error.message : errorMessage(error);
      context.logger.warn({ provider: 'aws', region, error: message }, 'AWS Config recorders could not be described: the region is collected but reported as not covered');
      return { region, error: message };
    }
  }

  private accountApi(context: CollectContext, client: ConfigServiceClient): SelectApi {
    return {
      select: (Expression, NextToken) => client.send(new SelectResourceConfigCommand({ Expression, Limit: SELECT_PAGE_SIZE, NextToken }), { abortSignal: context.signal }),
      batchGet: async (keys) => {
        const out = await client.send(new BatchGetResourceConfigCommand({ resourceKeys: keys.map((k) => ({ resourceType: k.resourceType as never, resourceId: k.resourceId })) }), { abortSignal: context.signal });
        return { items: out.baseConfigurationItems ?? [], unprocessed: out.unprocessedResourceKeys?.length ?? 0 };
      },
      selectOperation: 'SelectResourceConfig',
      batchOperation: 'BatchGetResourceConfig',
    };
  }

  /**
   * Organization-wide collection through one aggregator. The aggregated account × regions come from
   * DescribeConfigurationAggregatorSourcesStatus: a FAILED or OUTDATED source is a failed scope naming
   * the source; a configured account that is no source is a scope that covers nothing. The recorders of
   * source accounts are not visible through an aggregator: the recorder type is a gap in every scope.
   */
  private async collectAggregate(context: CollectContext, types: readonly string[], aggregator: NonNullable<AwsCollectorConfig['aggregator']>): Promise<CollectorRun> {
    const started = performance.now();
    const client = this.instrument(this.clients.config({ region: aggregator.region, ...(aggregator.roleArn ? { roleArn: aggregator.roleArn } : {}) }), context);
    const limit = this.limiter();
    const data = types.filter((t) => t !== CONFIG_RECORDER_TYPE);
    const regional = data.filter((t) => !IAM_GLOBAL_TYPES.has(t));
    const sources = await this.sourcesStatus(context, limit, client, aggregator.name);
    /** account|region → the failure of its source, if any */
    const scopes = new Map<string, { account: string; region: string; failure?: string }>();
    const perAccount = new Map<string, number>();
    const unreadableAt = new Map<string, number>();
    let unattributed = 0;
    const configured = this.config.accounts.map((a) => a.id);
    const addScope = (account: string, region: string, failure?: string): void => {
      const key = `${account}|${region}`;
      const existing = scopes.get(key);
      if (!existing || (failure && !existing.failure)) scopes.set(key, { account, region, ...(failure ? { failure } : {}) });
    };
    /** account|region → types the aggregator answered with ResourceNotRecorded items (not covered there). */
    const notRecordedAt = new Map<string, Set<string>>();
    const emit: Emit = (item, options) => {
      const outcome = normalizeConfigItem(item, context.now());
      if (outcome.kind === 'skipped' && outcome.notRecorded) {
        const at = item as { accountId?: unknown; awsRegion?: unknown };
        const key = `${typeof at.accountId === 'string' ? at.accountId : ''}|${typeof at.awsRegion === 'string' ? at.awsRegion : ''}`;
        notRecordedAt.set(key, (notRecordedAt.get(key) ?? new Set()).add(outcome.notRecorded));
      }
      if (outcome.kind !== 'resource') return;
      const r = withSupplementaryFlag(outcome.resource, options);
      if (r.type === '') {
        unattributed++;
        return;
      }
      if (r.region !== GLOBAL_REGION) addScope(r.account, r.region);
      perAccount.set(r.account, (perAccount.get(r.account) ?? 0) + 1);
      context.onResource(r);
    };
    const onUnreadable = (text: string): void => {
      // A cut row often still names its account and region (they come first): blame that scope only.
      const account = /"accountId":"(\d{12})"/.exec(text)?.[1];
      const region = /"awsRegion":"([a-z0-9-]+)"/.exec(text)?.[1];
      if (account && region) unreadableAt.set(`${account}|${region}`, (unreadableAt.get(`${account}|${region}`) ?? 0) + 1);
      else unattributed++;
    };
    let failure: string | undefined;
    try {
      if (typeof sources === 'string') throw new Error(sources);
      await this.selectAll(context, limit, data, emit, this.aggregateApi(context, client, aggregator.name), onUnreadable);
    } catch (error) {
      failure = error instanceof ScopeFailure ? error.message : errorMessage(error);
      context.logger.warn({ provider: 'aws', aggregator: aggregator.name, error: failure }, 'aggregator collection failed');
    }
    // Sources: account rows name one account × region; organization rows a region for every account.
    if (typeof sources !== 'string') {
      const accounts = [...new Set([...configured, ...perAccount.keys()])];
      for (const source of sources) {
        const region = source.AwsRegion ?? '';
        const bad = source.LastUpdateStatus === 'FAILED' || source.LastUpdateStatus === 'OUTDATED';
        const why = bad ? sourceFailure(aggregator.name, source) : undefined;
        if (source.SourceType === 'ORGANIZATION') for (const account of accounts.length > 0 ? accounts : [source.SourceId ?? '']) addScope(account, region, why);
        else addScope(source.SourceId ?? '', region, why);
      }
    }
    const at = context.now().toISOString();
    const recorderGap: CoverageGap[] = types.includes(CONFIG_RECORDER_TYPE) ? [{ types: [CONFIG_RECORDER_TYPE], reason: aggregatorRecordersReason(aggregator.name) }] : [];
    const coverage = [...scopes.values()].map(({ account, region, failure: sourceFailed }): CollectionScope => {
      const error = failure ?? sourceFailed;
      const unreadable = (unreadableAt.get(`${account}|${region}`) ?? 0) + unattributed;
      const notRecorded = [...(notRecordedAt.get(`${account}|${region}`) ?? [])].filter((t) => data.includes(t)).sort();
      const gaps = [...recorderGap, ...notRecorded.map((type): CoverageGap => ({ types: [type], reason: notRecordedReason(type, region) }))];
      return {
        provider: 'aws',
        account,
        region,
        types: error === undefined ? data.filter((t) => !notRecorded.includes(t)) : types,
        ...(error === undefined && gaps.length > 0 ? { gaps } : {}),
        ...(unreadable > 0 ? { unreadable } : {}),
        outcome: error === undefined ? { status: 'ok', collectedAt: at } : { status: 'failed', error, at },
      };
    });
    const aggregated = new Set(coverage.map((s) => s.account));
    for (const account of configured.filter((a) => !aggregated.has(a))) {
      context.logger.warn({ provider: 'aws', aggregator: aggregator.name, account }, 'configured account is not a source of the aggregator: not collected');
      coverage.push({ provider: 'aws', account, region: GLOBAL_REGION, types: [], gaps: [{ types: [...regional, ...recorderGap.flatMap((g) => g.types)], reason: notAggregatedReason(account, aggregator.name) }], outcome: { status: 'ok', collectedAt: at } });
    }
    const accounts = [...new Set(coverage.map((s) => s.account))].map((account): AccountOutcome => {
      const failed = coverage.find((s) => s.account === account && s.outcome.status === 'failed');
      return {
        account,
        ok: failed === undefined,
        ...(failed?.outcome.status === 'failed' ? { error: failed.outcome.error } : {}),
        durationSeconds: (performance.now() - started) / 1000,
        resources: perAccount.get(account) ?? 0,
      };
    });
    return { coverage, accounts };
  }

  /** Every page of DescribeConfigurationAggregatorSourcesStatus; the error as text when it fails. */
  private async sourcesStatus(context: CollectContext, limit: Limiter, client: ConfigServiceClient, name: string): Promise<AggregatedSourceStatus[] | string> {
    const sources: AggregatedSourceStatus[] = [];
    try {
      let nextToken: string | undefined;
      do {
        const token = nextToken;
        const page = await this.call(context, limit, 'DescribeConfigurationAggregatorSourcesStatus', () =>
          client.send(new DescribeConfigurationAggregatorSourcesStatusCommand({ ConfigurationAggregatorName: name, ...(token ? { NextToken: token } : {}) }), { abortSignal: context.signal }),
        );
        sources.push(...(page.AggregatedSourceStatusList ?? []));
        nextToken = page.NextToken || undefined;
      } while (nextToken !== undefined);
      return sources;
    } catch (error) {
      return `aggregator source status could not be read (config:DescribeConfigurationAggregatorSourcesStatus): ${error instanceof ScopeFailure ? error.message : errorMessage(error)}`;
    }
  }

  private aggregateApi(context: CollectContext, client: ConfigServiceClient, name: string): SelectApi {
    return {
      select: (Expression, NextToken) =>
        client.send(new SelectAggregateResourceConfigCommand({ ConfigurationAggregatorName: name, Expression, Limit: SELECT_PAGE_SIZE, NextToken }), { abortSignal: context.signal }),
      batchGet: async (keys) => {
        const out = await client.send(
          new BatchGetAggregateResourceConfigCommand({
            ConfigurationAggregatorName: name,
            ResourceIdentifiers: keys.map((k) => ({ SourceAccountId: k.accountId, SourceRegion: k.awsRegion, ResourceId: k.resourceId, ResourceType: k.resourceType as never })),
          }),
          { abortSignal: context.signal },
        );
        return { items: out.BaseConfigurationItems ?? [], unprocessed: out.UnprocessedResourceIdentifiers?.length ?? 0 };
      },
      selectOperation: 'SelectAggregateResourceConfig',
      batchOperation: 'BatchGetAggregateResourceConfig',
    };
  }

  /**
   * Runs the Select queries for the given types, emitting every item. A row of TYPES_WITH_SUPPLEMENTARY without
   * its supplementary configuration is fetched again with BatchGet (≤ 100 keys a call).
   */
  private async selectAll(
    context: CollectContext,
    limit: Limiter,
    types: readonly string[],
    emit: Emit,
    api: SelectApi,
    /** A row that is not JSON: counted as unreadable in its scope, never a resource. */
    onUnreadable: (text: string) => void,
  ): Promise<void> {
    let incomplete: { readonly key: BatchKey; readonly row: unknown }[] = [];
    const refetch = async (): Promise<void> => {
      const chunk = incomplete;
      incomplete = [];
      if (chunk.length === 0) return;
      const result = await this.call(context, limit, api.batchOperation, () => api.batchGet(chunk.map((c) => c.key)));
      if (result.unprocessed > 0) throw new ScopeFailure({ code: 'Unprocessed', message: `${result.unprocessed} items left unprocessed by ${api.batchOperation}`, retryable: false });
      const fetched = new Map(result.items.map((item) => [`${item.resourceType ?? ''}|${item.resourceId ?? ''}|${item.accountId ?? ''}|${item.awsRegion ?? ''}`, item]));
      for (const { key, row } of chunk) {
        // BatchGet answers nothing for a resource deleted since the Select: the row is all there is.
        const item = fetched.get(`${key.resourceType}|${key.resourceId}|${key.accountId}|${key.awsRegion}`);
        emit(item ?? row, { withoutSupplementary: item === undefined || !hasSupplementary(item) });
      }
    };
    const jobs = typeGroups(types, SELECT_FIELDS).map((group) =>
      this.pages(context, limit, api.selectOperation, `SELECT ${SELECT_FIELDS} WHERE ${typeCondition(group)}`, api.select, async (row) => {
        const key = incompleteRow(row);
        if (key === undefined) return emit(row);
        incomplete.push({ key, row });
        if (incomplete.length === BATCH_GET_SIZE) await refetch();
      }, onUnreadable),
    );
    // Let every job finish before reporting the first failure: their resources are still evidence.
    const results = await Promise.allSettled(jobs);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) throw rejected.reason;
    await refetch();
  }

  private async pages(
    context: CollectContext,
    limit: Limiter,
    operation: string,
    expression: string,
    select: (expression: string, nextToken: string | undefined) => Promise<SelectPage>,
    onRow: (row: unknown) => void | Promise<void>,
    onUnreadable: (text: string) => void,
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
        } catch {
          // One unparseable row is counted in its scope (every control there is unknown), not a failed scan.
          onUnreadable(text);
          continue;
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

/** Hands one Select row or BatchGet item to the scope; `withoutSupplementary`: its supplementary documents are missing. */
type Emit = (item: unknown, options?: { readonly withoutSupplementary: boolean }) => void;

function withSupplementaryFlag(resource: Resource, options: { readonly withoutSupplementary: boolean } | undefined): Resource {
  return options?.withoutSupplementary ? { ...resource, withoutSupplementary: true } : resource;
}

/** A row or item carries supplementaryConfiguration (an object in Select rows, a map of JSON strings in BatchGet items). */
function hasSupplementary(item: object): boolean {
  const value = (item as { supplementaryConfiguration?: unknown }).supplementaryConfiguration;
  return (typeof value === 'object' && value !== null && !Array.isArray(value)) || typeof value === 'string';
}

/** The BatchGet key of a row of TYPES_WITH_SUPPLEMENTARY that came without its supplementary configuration. */
function incompleteRow(row: unknown): BatchKey | undefined {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return undefined;
  const r = row as Partial<Record<keyof BatchKey, unknown>>;
  if (typeof r.resourceType !== 'string' || !TYPES_WITH_SUPPLEMENTARY.has(r.resourceType) || typeof r.resourceId !== 'string' || hasSupplementary(row)) return undefined;
  return { resourceId: r.resourceId, resourceType: r.resourceType, accountId: typeof r.accountId === 'string' ? r.accountId : '', awsRegion: typeof r.awsRegion === 'string' ? r.awsRegion : '' };
}

/**
 * Adds an account's global scope (or a region's direct-API scope), merged into the one already there (one scope per account × region):
 * the covered types and the gaps of both, the first's outcome.
 */
function withGlobalScope(scopes: readonly CollectionScope[], extra: CollectionScope): CollectionScope[] {
  const index = scopes.findIndex((s) => s.account === extra.account && s.region === extra.region);
  if (index < 0) return [...scopes, extra];
  const existing = scopes[index]!;
  const types = existing.types === 'all' ? 'all' : [...new Set([...existing.types, ...(extra.types === 'all' ? [] : extra.types)])].sort();
  const gaps = [...(existing.gaps ?? []), ...(extra.gaps ?? [])];
  const merged: CollectionScope = { ...existing, types, ...(gaps.length > 0 ? { gaps } : {}) };
  return scopes.map((s, i) => (i === index ? merged : s));
}

/**
 * Adds each collected region's CloudWatch coverage to its AWS Config scope (one scope per account × region).
 * A region whose AWS Config collection failed stays failed for every type: its outcome is the scope's.
 */
function withMonitoring(scopes: readonly CollectionScope[], regions: readonly string[], monitoring: readonly MonitoringRegion[]): CollectionScope[] {
  if (monitoring.length === 0) return [...scopes];
  return scopes.map((scope) => {
    const found = monitoring[regions.indexOf(scope.region)];
    if (!found) return scope;
    const gaps = [...(scope.gaps ?? []), ...found.gaps];
    const types = scope.types === 'all' ? 'all' : [...new Set([...scope.types, ...found.types, ...(scope.outcome.status === 'ok' ? [] : found.gaps.flatMap((g) => g.types))])].sort();
    return { ...scope, types, ...(gaps.length > 0 ? { gaps } : {}) };
  });
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

interface SelectApi {
  select: (expression: string, nextToken: string | undefined) => Promise<SelectPage>;
  batchGet: (keys: readonly BatchKey[]) => Promise<{ items: BaseConfigurationItem[]; unprocessed: number }>;
  selectOperation: string;
  batchOperation: string;
}

/** Why an aggregator source's data is not current (API reference, AggregatedSourceStatus). */
function sourceFailure(aggregator: string, source: AggregatedSourceStatus): string {
  const error = [source.LastErrorCode, source.LastErrorMessage].filter(Boolean).join(': ');
  const when = source.LastUpdateTime ? ` (last update ${source.LastUpdateTime.toISOString()})` : '';
  return `aggregator ${aggregator}: source ${source.SourceType === 'ORGANIZATION' ? 'organization ' : 'account '}${source.SourceId ?? ''} in ${source.AwsRegion ?? ''} is ${source.LastUpdateStatus ?? ''}${when}${error ? `: ${error}` : ''}`;
}

interface SelectPage {
  readonly Results?: string[] | undefined;
  readonly NextToken?: string | undefined;
}
