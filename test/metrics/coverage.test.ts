/**
 * Coverage metrics: kansa_collector_scope_coverage{provider,account,state} (every state, zeros included),
 * kansa_collector_uncovered_types and kansa_collector_unreadable_items, from the status the engine
 * worker posts (src/agent/status.ts coverageByAccount) to what /metrics serves; their cardinality is
 * bounded by accounts, never by regions, types or resources; and `promtool check metrics` accepts them.
 */
import { spawnSync } from 'node:child_process';
import { Registry } from 'prom-client';
import { AgentMirror, coverageByAccount } from '../../src/agent/status.js';
import type { AssessmentStatus, EngineStatus } from '../../src/contract/status.js';
import { loadMappings } from '../../src/mappings/load.js';
import { registerAgentMetrics } from '../../src/metrics/metrics.js';
import type { CollectionScope, CoverageGap } from '../../src/model/resource.js';
import { requireTool } from '../deploy/support.js';

const AT = '2026-11-28T00:00:00.000Z';
const ok = { status: 'ok', collectedAt: AT } as const;
const AWS_TYPES = ['AWS::S3::Bucket', 'AWS::RDS::DBInstance', 'AWS::EC2::VPC', 'AWS::EC2::FlowLog'];

const notRecorded = (region: string, ...types: string[]): CoverageGap => ({
  types,
  reason: { ja: `AWS Config は ${region} で ${types.join('、')} を記録していません`, en: `AWS Config does not record ${types.join(', ')} in ${region}` },
});
const regionLeftOut = (region: string): CoverageGap => ({
  types: AWS_TYPES,
  reason: { ja: `リージョン ${region} は collectors.aws.regions に含まれていないため収集していません`, en: `region ${region} is not in collectors.aws.regions and was not collected` },
});

/** Account 111…: one covered region, one with two unrecorded types named by two gaps (one repeated), one left out of the list, one failed. */
const estate: CollectionScope[] = [
  { provider: 'aws', account: '111111111111', region: 'ap-northeast-1', types: AWS_TYPES, outcome: ok },
  {
    provider: 'aws',
    account: '111111111111',
    region: 'ap-northeast-3',
    types: ['AWS::S3::Bucket', 'AWS::EC2::VPC'],
    gaps: [notRecorded('ap-northeast-3', 'AWS::RDS::DBInstance', 'AWS::EC2::FlowLog'), notRecorded('ap-northeast-3', 'AWS::EC2::FlowLog')],
    outcome: ok,
  },
  { provider: 'aws', account: '111111111111', region: 'us-east-1', types: [], gaps: [regionLeftOut('us-east-1')], outcome: ok },
  { provider: 'aws', account: '111111111111', region: 'eu-west-1', types: AWS_TYPES, outcome: { status: 'failed', error: 'AccessDeniedException: not authorized', at: AT } },
  // 222…: every region covered, but 3 rows unreadable in one and the other's data stale
  { provider: 'aws', account: '222222222222', region: 'ap-northeast-1', types: 'all', unreadable: 3, outcome: ok },
  { provider: 'aws', account: '222222222222', region: 'ap-northeast-3', types: 'all', outcome: { status: 'stale', lastSuccessAt: AT, error: 'older than 7200 s' } },
  // a GCP project fully covered: its partial and blind counts are 0, not absent
  { provider: 'gcp', account: 'kansa-demo', region: 'global', types: ['compute.googleapis.com/Disk'], outcome: ok },
];

const mappings = loadMappings({});

function statusWith(coverage: AssessmentStatus['coverage']): EngineStatus {
  return {
    ready: true,
    assessment: { catalog: { id: mappings.catalog.id }, generatedAt: AT, summary: { compliant: 0, noncompliant: 0, unknown: 0, not_assessed: 0 }, requirements: [], tallies: [], coverage },
    collectors: [],
    clockOffsets: [],
    engineLoopDelayP99Ms: 0,
  };
}

async function scrape(coverage: readonly CollectionScope[]): Promise<string> {
  const registry = new Registry();
  const mirror = new AgentMirror(mappings, new Set());
  mirror.status = statusWith(coverageByAccount(coverage));
  registerAgentMetrics(registry, mirror, { version: 'test' });
  return registry.metrics();
}

/** The samples of one metric as `labels value` lines, sorted. */
function samples(text: string, metric: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`))
    .map((line) => line.slice(metric.length))
    .sort();
}

describe('coverage metrics', () => {
  it('count scopes per coverage state for each account, every state present with 0 when none', async () => {
    const text = await scrape(estate);
    expect(samples(text, 'kansa_collector_scope_coverage')).toEqual([
      '{provider="aws",account="111111111111",state="blind"} 2',
      '{provider="aws",account="111111111111",state="covered"} 1',
      '{provider="aws",account="111111111111",state="partial"} 1',
      '{provider="aws",account="222222222222",state="blind"} 1',
      '{provider="aws",account="222222222222",state="covered"} 0',
      '{provider="aws",account="222222222222",state="partial"} 1',
      '{provider="gcp",account="kansa-demo",state="blind"} 0',
      '{provider="gcp",account="kansa-demo",state="covered"} 1',
      '{provider="gcp",account="kansa-demo",state="partial"} 0',
    ]);
  });

  it('count uncovered (region, type) pairs from the gaps, each type once per scope, and unreadable items', async () => {
    const text = await scrape(estate);
    // ap-northeast-3: RDS + FlowLog (FlowLog named twice counts once); us-east-1: the 4 types of the left-out region
    expect(samples(text, 'kansa_collector_uncovered_types')).toEqual([
      '{provider="aws",account="111111111111"} 6',
      '{provider="aws",account="222222222222"} 0',
      '{provider="gcp",account="kansa-demo"} 0',
    ]);
    expect(samples(text, 'kansa_collector_unreadable_items')).toEqual([
      '{provider="aws",account="111111111111"} 0',
      '{provider="aws",account="222222222222"} 3',
      '{provider="gcp",account="kansa-demo"} 0',
    ]);
    expect(text).toMatch(/^# HELP kansa_collector_scope_coverage Scopes \(account x region\).*covered.*partial.*blind/m);
    expect(text).toMatch(/^# TYPE kansa_collector_uncovered_types gauge$/m);
    expect(text).toMatch(/^# HELP kansa_collector_unreadable_items Items .*could not be read/m);
  });

  it('keep the same series however many regions, types and unreadable items an account has', async () => {
    const seriesOf = (text: string): string[] =>
      ['kansa_collector_scope_coverage', 'kansa_collector_uncovered_types', 'kansa_collector_unreadable_items'].flatMap((m) => samples(text, m).map((s) => `${m}${s.replace(/ [0-9.e+]+$/, '')}`));
    const small = seriesOf(await scrape([{ provider: 'aws', account: '111111111111', region: 'ap-northeast-1', types: AWS_TYPES, outcome: ok }]));
    const regions = Array.from({ length: 40 }, (_, i) => `region-${i}`);
    const types = Array.from({ length: 200 }, (_, i) => `AWS::Test::Type${i}`);
    const large = seriesOf(
      await scrape(
        regions.map((region, i): CollectionScope => ({ provider: 'aws', account: '111111111111', region, types: types.slice(0, i), gaps: [notRecorded(region, ...types.slice(i))], unreadable: i * 1000, outcome: ok })),
      ),
    );
    expect(large).toEqual(small);
    expect(large).toHaveLength(5);
  });

  it('export nothing before the first assessment, and drop an account that is no longer assessed', async () => {
    const registry = new Registry();
    const mirror = new AgentMirror(mappings, new Set());
    registerAgentMetrics(registry, mirror, { version: 'test' });
    expect(samples(await registry.metrics(), 'kansa_collector_scope_coverage')).toEqual([]);
    mirror.status = statusWith(coverageByAccount(estate));
    expect(samples(await registry.metrics(), 'kansa_collector_scope_coverage')).toHaveLength(9);
    mirror.status = statusWith(coverageByAccount(estate.filter((s) => s.account !== '111111111111')));
    expect(samples(await registry.metrics(), 'kansa_collector_scope_coverage').filter((s) => s.includes('111111111111'))).toEqual([]);
  });

  it('pass `promtool check metrics`', async () => {
    const promtool = requireTool('promtool');
    const lint = spawnSync(promtool, ['check', 'metrics'], { input: await scrape(estate), encoding: 'utf8' });
    expect({ status: lint.status, problems: `${lint.stdout}${lint.stderr}`.trim() }).toEqual({ status: 0, problems: '' });
  });
});
