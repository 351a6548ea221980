/**
 * Sharding: several replicas share the scopes (AWS accounts, GCP projects/folders/organizations, and
 * Azure subscriptions as that collector lands) by rendezvous (highest-random-weight) hashing on the
 * scope id. Every replica computes the same owner for every scope without talking to the others, and
 * changing the replica count moves only the scopes that the added or removed replica gains or loses.
 * Each replica collects, evaluates and exposes only its own scopes; dashboards and rules sum across
 * replicas.
 */
import { createHash } from 'node:crypto';
import { Gauge, type Registry } from 'prom-client';
import type { AgentConfig } from '../config/schema.js';
import { InputError } from '../errors.js';

export interface Shard {
  /** 0-based replica index. */
  readonly index: number;
  readonly replicas: number;
}

/** StatefulSet pods are named `<statefulset>-<ordinal>`; the ordinal is this replica's index. */
const ORDINAL = /-(\d+)$/;

/** The shard this process serves, from the configuration and (for index "auto") the host name. */
export function resolveShard(sharding: NonNullable<AgentConfig['sharding']>, hostname: string | undefined): Shard {
  const { replicas } = sharding;
  if (sharding.index !== 'auto') return { index: sharding.index, replicas };
  const ordinal = ORDINAL.exec(hostname ?? '');
  if (!ordinal) {
    throw new InputError('HOSTNAME', '', `sharding.index is "auto" but the host name "${hostname ?? ''}" does not end in -<ordinal> (StatefulSet pod name); set sharding.index explicitly`);
  }
  const index = Number(ordinal[1]);
  if (index >= replicas) throw new InputError('HOSTNAME', '', `ordinal ${index} of host name "${hostname ?? ''}" is not below sharding.replicas (${replicas})`);
  return { index, replicas };
}

function weight(replica: number, scopeId: string): bigint {
  return createHash('sha256').update(`${replica}\0${scopeId}`).digest().readBigUInt64BE(0);
}

/** The replica that owns a scope: the one with the highest hash of (replica, scope id). */
export function shardOwner(scopeId: string, replicas: number): number {
  let owner = 0;
  let best = -1n;
  for (let replica = 0; replica < replicas; replica++) {
    const w = weight(replica, scopeId);
    if (w > best) {
      best = w;
      owner = replica;
    }
  }
  return owner;
}

export function inShard(shard: Shard, scopeId: string): boolean {
  return shard.replicas <= 1 || shardOwner(scopeId, shard.replicas) === shard.index;
}

/**
 * The configuration narrowed to this replica's scopes. An AWS aggregator reads the whole organization
 * in one query and cannot be split by account here: with more than one replica it is refused.
 */
export function shardConfig(config: AgentConfig, shard: Shard): AgentConfig {
  if (shard.replicas <= 1) return config;
  const { aws, azure, gcp } = config.collectors;
  if (aws?.enabled && aws.aggregator) {
    throw new InputError('configuration', 'sharding.replicas', 'collectors.aws.aggregator reads every account in one query and cannot be sharded; use per-account collection (collectors.aws.accounts) or one replica');
  }
  if (azure?.enabled && azure.subscriptions.length === 0 && azure.discoverSubscriptions) {
    throw new InputError('configuration', 'sharding.replicas', 'discovered Azure subscriptions cannot be sharded; list them in collectors.azure.subscriptions');
  }
  return {
    ...config,
    collectors: {
      ...config.collectors,
      ...(aws ? { aws: { ...aws, accounts: aws.accounts.filter((account) => inShard(shard, account.id)) } } : {}),
      // An empty share must stay empty, not fall back to discovering every subscription.
      ...(azure ? { azure: { ...azure, discoverSubscriptions: false, subscriptions: azure.subscriptions.filter((id) => inShard(shard, id)) } } : {}),
      ...(gcp ? { gcp: { ...gcp, scopes: gcp.scopes.filter((scope) => inShard(shard, scope)) } } : {}),
    },
  };
}

/** `kansa_shard_replicas{shard}`: lets rules notice a missing replica (count below the configured replicas). */
export function registerShardMetrics(registry: Registry, shard: Shard): void {
  const gauge = new Gauge({
    name: 'kansa_shard_replicas',
    help: 'Number of replicas sharing the scopes, by this replica\'s shard index; each replica exposes only its own scopes.',
    labelNames: ['shard'],
    registers: [registry],
  });
  gauge.set({ shard: String(shard.index) }, shard.replicas);
}
