/** Sharding by rendezvous hashing: stable owners, minimal movement, and two agents covering one agent's view. */
import { Writable } from 'node:stream';
import { startAgent, type RunningAgent } from '../../src/agent/runtime.js';
import { inShard, resolveShard, shardConfig, shardOwner } from '../../src/agent/sharding.js';
import { sandboxClientsOf } from '../../collectors/sandbox.js';
import { configSchema, type AgentConfig } from '../../src/config/schema.js';
import { InputError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { waitFor } from '../support/processes.js';

const ids = Array.from({ length: 1000 }, (_, i) => String(100000000000 + i * 7919));

describe('rendezvous hashing', () => {
  it('gives every scope exactly one owner, spread evenly', () => {
    const counts = [0, 0, 0, 0];
    for (const id of ids) counts[shardOwner(id, 4)]!++;
    for (const count of counts) expect(count).toBeGreaterThan(200);
    for (const id of ids.slice(0, 50)) expect([0, 1, 2, 3].filter((index) => inShard({ index, replicas: 4 }, id))).toHaveLength(1);
  });

  it('moves only the scopes the new replica takes when one is added', () => {
    for (const id of ids) {
      const before = shardOwner(id, 3);
      const after = shardOwner(id, 4);
      if (after !== before) expect(after).toBe(3);
    }
  });

  it('takes the index from the StatefulSet ordinal when it is "auto"', () => {
    expect(resolveShard({ replicas: 3, index: 'auto' }, 'kansa-2')).toEqual({ index: 2, replicas: 3 });
    expect(resolveShard({ replicas: 3, index: 1 }, 'whatever')).toEqual({ index: 1, replicas: 3 });
    expect(() => resolveShard({ replicas: 3, index: 'auto' }, 'kansa')).toThrow(InputError);
    expect(() => resolveShard({ replicas: 2, index: 'auto' }, 'kansa-2')).toThrow(/not below sharding\.replicas/);
  });

  it('validates the sharding section, and refuses to shard an aggregator', () => {
    expect(configSchema.safeParse({ sharding: { replicas: 2, index: 2 } }).error?.issues[0]?.path).toEqual(['sharding', 'index']);
    expect(configSchema.parse({ sharding: { replicas: 2 } }).sharding).toEqual({ replicas: 2, index: 'auto' });
    const aggregated = configSchema.parse({ collectors: { aws: { accounts: [{ id: '111111111111' }], aggregator: { name: 'org', region: 'ap-northeast-1' } } } });
    expect(() => shardConfig(aggregated, { index: 0, replicas: 2 })).toThrow(/aggregator .* cannot be sharded/);
    expect(shardConfig(aggregated, { index: 0, replicas: 1 })).toBe(aggregated);
  });

  it('shards listed Azure subscriptions and GCP scopes, and never lets an empty share discover everything', () => {
    const subscriptions = ['00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0000-00000000000c'];
    const scopes = ['projects/audit-one', 'projects/audit-two', 'folders/123456'];
    const config = configSchema.parse({ collectors: { azure: { subscriptions }, gcp: { scopes } } });
    const shares = [0, 1, 2, 3].map((index) => shardConfig(config, { index, replicas: 4 }));
    expect(shares.flatMap((c) => c.collectors.azure!.subscriptions).sort()).toEqual(subscriptions);
    expect(shares.flatMap((c) => c.collectors.gcp!.scopes).sort()).toEqual([...scopes].sort());
    expect(shares.every((c) => c.collectors.azure!.discoverSubscriptions === false)).toBe(true);
    const discovering = configSchema.parse({ collectors: { azure: {} } });
    expect(() => shardConfig(discovering, { index: 0, replicas: 2 })).toThrow(/discovered Azure subscriptions cannot be sharded/);
  });
});

describe('two sharded agents on the sandbox', () => {
  const accounts = ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555', '666666666666', '777777777777', '888888888888'];
  let sandbox: Sandbox;
  const running: RunningAgent[] = [];
  const logger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));

  const config = (sharding?: { replicas: number; index: number | 'auto' }): AgentConfig =>
    configSchema.parse({
      listen: '127.0.0.1:0',
      collectors: { aws: { endpoint: sandbox.aws.endpoint, regions: sandbox.aws.regions, accounts: sandbox.aws.accounts.map((id) => ({ id })), maxAttempts: 2 } },
      ...(sharding ? { sharding } : {}),
    });

  const checked = async (agent: RunningAgent): Promise<Map<string, string>> => {
    await waitFor('first assessment', () => Promise.resolve(agent.ready ? true : undefined), 60_000, 50);
    const text = await (await fetch(`${agent.url}/metrics`)).text();
    const series = new Map<string, string>();
    for (const match of text.matchAll(/^kansa_control_checked_resources\{([^}]*)\} (\S+)$/gm)) series.set(match[1]!, match[2]!);
    return series;
  };
  const accountsOf = (series: Map<string, string>): Set<string> => new Set([...series.keys()].map((labels) => /account="(\d+)"/.exec(labels)?.[1] ?? ''));

  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 800, seed: 7, accounts } });
  });
  afterAll(async () => {
    for (const agent of running) await agent.stop();
    await sandbox.close();
  });

  it('each exposes only its accounts; together exactly the unsharded view, no account twice', async () => {
    const start = async (c: AgentConfig, hostname?: string): Promise<RunningAgent> => {
      const agent = await startAgent({ config: c, sandbox: sandboxClientsOf(sandbox), logger, ...(hostname ? { hostname } : {}) });
      running.push(agent);
      return agent;
    };
    const whole = await checked(await start(config()));
    const first = await checked(await start(config({ replicas: 2, index: 0 })));
    const second = await checked(await start(config({ replicas: 2, index: 'auto' }), 'kansa-1'));

    expect(accountsOf(whole)).toEqual(new Set(accounts));
    const a = accountsOf(first);
    const b = accountsOf(second);
    expect(a.size).toBeGreaterThan(0);
    expect(b.size).toBeGreaterThan(0);
    expect([...a].filter((account) => b.has(account))).toEqual([]);
    for (const account of a) expect(shardOwner(account, 2)).toBe(0);
    for (const account of b) expect(shardOwner(account, 2)).toBe(1);

    const union = new Map([...first, ...second]);
    expect(union.size).toBe(first.size + second.size);
    expect(Object.fromEntries([...union].sort())).toEqual(Object.fromEntries([...whole].sort()));

    const shardMetric = await (await fetch(`${running[2]!.url}/metrics`)).text();
    expect(shardMetric).toMatch(/^kansa_shard_replicas\{shard="1"\} 2$/m);
  }, 120_000);
});
