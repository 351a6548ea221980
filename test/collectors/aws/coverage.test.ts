/**
 * What the AWS collector says it covers, through the real SDK clients (Config, STS, Account) against the
 * sandbox: region discovery, regions left out of an explicit list, recorders off or excluding types,
 * an identity that is not the configured account, aggregator sources that failed, unreadable rows.
 */
import { AwsConfigCollector } from '../../../collectors/aws/config-service.js';
import { awsCollectorSchema } from '../../../collectors/aws/config.js';
import { sandboxAwsClients } from '../../../collectors/aws/sandbox-clients.js';
import type { CollectorRun } from '../../../collectors/types.js';
import { CLOUDTRAIL_API_TYPES, IAM_IDENTITY_TYPES } from '../../../collectors/aws/identity-types.js';
import { MONITORING_TYPES } from '../../../collectors/aws/monitoring-types.js';
import { REGIONAL_DIRECT_TYPES } from '../../../collectors/aws/regional-types.js';
import { Evaluation } from '../../../src/evaluate/evaluate.js';
import type { CollectionScope, Resource } from '../../../src/model/resource.js';
import { expectedCount } from '../../../src/sandbox/estate/aws.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { runCli } from '../../support/cli.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';
import { tempFiles } from '../../support/files.js';

const ACCOUNT = '111111111111';
const OTHER = '222222222222';
// AWS Config's types: the IAM identity types come from the IAM API in their own `global` scope (tested in
// test/collectors/aws/identity.test.ts), not from the recorders and regions this file is about.
const TYPES = [...Evaluation.typesNeeded(bundledMappings().controls.filter((c) => c.provider === 'aws'))].filter((t) => !IAM_IDENTITY_TYPES.has(t) && !CLOUDTRAIL_API_TYPES.has(t) && !MONITORING_TYPES.has(t) && !REGIONAL_DIRECT_TYPES.has(t)).sort();
const RECORDER = 'AWS::Config::ConfigurationRecorder';
const RDS = 'AWS::RDS::DBInstance';
const IAM = new Set(['AWS::IAM::User', 'AWS::IAM::Group', 'AWS::IAM::Role', 'AWS::IAM::Policy']);
const REGIONAL = TYPES.filter((t) => !IAM.has(t));

interface Collected {
  readonly resources: Resource[];
  readonly run: CollectorRun;
  readonly warnings: string[];
}

async function collect(sandbox: Sandbox, config: Record<string, unknown>, signAs?: string): Promise<Collected> {
  const parsed = awsCollectorSchema.parse({ maxAttempts: 2, ...config });
  const collector = new AwsConfigCollector(parsed, sandboxAwsClients({ endpoint: sandbox.aws.endpoint, managementAccount: sandbox.aws.managementAccount }, signAs ? () => signAs : undefined), () => Promise.resolve());
  const resources: Resource[] = [];
  const warnings: string[] = [];
  const run = await collector.collect({
    types: new Set(TYPES),
    onResource: (r) => resources.push(r),
    recorder: { apiCall: () => undefined, clockSample: () => undefined },
    logger: { info: () => undefined, debug: () => undefined, warn: (fields, message) => void warnings.push(`${message} ${JSON.stringify(fields)}`) },
    signal: new AbortController().signal,
    now: () => NOW,
  });
  return { resources, run, warnings };
}

const scopeOf = (run: CollectorRun, account: string, region: string): CollectionScope | undefined => run.coverage.find((s) => s.account === account && s.region === region);
const gapTypes = (scope: CollectionScope | undefined): string[] => (scope?.gaps ?? []).flatMap((g) => g.types).sort();

describe('AWS collector coverage: one account, data in Tokyo and us-east-1', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 600, seed: 11, accounts: [ACCOUNT, OTHER], regions: ['ap-northeast-1', 'us-east-1'] } });
  });
  afterAll(async () => sandbox.close());
  beforeEach(() => {
    sandbox.setFaults({});
    sandbox.aws.setRecording({});
  });
  const inUsEast1 = (): number => expectedCount(sandbox.aws.estate, { types: TYPES, account: ACCOUNT, region: 'us-east-1' });

  it('collects every enabled region by default (Account ListRegions), us-east-1 included', async () => {
    const { resources, run } = await collect(sandbox, { accounts: [{ id: ACCOUNT }] });
    expect(run.coverage.map((s) => s.region).sort()).toEqual(['ap-northeast-1', 'us-east-1']);
    const east = scopeOf(run, ACCOUNT, 'us-east-1');
    expect(east).toMatchObject({ outcome: { status: 'ok' } });
    expect(east?.gaps).toBeUndefined();
    // Everything regional is covered there, and the recorder; IAM is covered by the home region's recorder.
    expect(east?.types).toEqual([...REGIONAL].sort());
    expect(scopeOf(run, ACCOUNT, 'ap-northeast-1')?.types).toEqual(TYPES);
    expect(inUsEast1()).toBeGreaterThan(0);
    expect(resources.filter((r) => r.region === 'us-east-1' && r.type !== RECORDER)).toHaveLength(inUsEast1());
  });

  it('reports an enabled region left out of an explicit list as a scope that covers nothing, with the reason, and warns', async () => {
    const { resources, run, warnings } = await collect(sandbox, { accounts: [{ id: ACCOUNT }], regions: ['ap-northeast-1'] });
    const east = scopeOf(run, ACCOUNT, 'us-east-1');
    expect(east).toMatchObject({ types: [], outcome: { status: 'ok' } });
    expect(east?.gaps).toEqual([
      {
        types: REGIONAL,
        reason: {
          en: 'region not collected (not in collectors.aws.regions): us-east-1 is enabled for the account',
          ja: 'リージョン us-east-1 は収集していません（collectors.aws.regions に含まれていません。このアカウントで有効なリージョンです）',
        },
      },
    ]);
    expect(resources.some((r) => r.region === 'us-east-1')).toBe(false);
    expect(scopeOf(run, ACCOUNT, 'ap-northeast-1')).toMatchObject({ types: TYPES, outcome: { status: 'ok' } });
    expect(warnings.join('\n')).toMatch(/not in collectors\.aws\.regions.*us-east-1/);
  });

  it('reports a region without a recorder as covering none of the recorded types, and gives the recorder control its input', async () => {
    sandbox.aws.setRecording({ recorderOff: ['us-east-1'] });
    const { resources, run } = await collect(sandbox, { accounts: [{ id: ACCOUNT }] });
    const east = scopeOf(run, ACCOUNT, 'us-east-1');
    // The Describe calls answered: the recorder type is covered (there is none), the data types are not.
    expect(east).toMatchObject({ types: [RECORDER], outcome: { status: 'ok' } });
    expect(east?.gaps).toEqual([
      {
        types: REGIONAL.filter((t) => t !== RECORDER),
        reason: {
          en: 'no active AWS Config recorder in us-east-1: no configuration recorder',
          ja: 'us-east-1 に AWS Config の設定レコーダーがありません（AWS Config に記録されていません）',
        },
      },
    ]);
    expect(resources.filter((r) => r.region === 'us-east-1')).toEqual([]);
    const recorders = resources.filter((r) => r.type === RECORDER);
    expect(recorders.map((r) => `${r.account}/${r.region}/${r.id}`)).toEqual([`${ACCOUNT}/ap-northeast-1/default`]);
    expect(recorders[0]).toMatchObject({
      configuration: { name: 'default', recording: true, lastStatus: 'Success', recordingGroup: { allSupported: true, includeGlobalResourceTypes: true } },
      supplementary: { kansaUnrecordedTypes: [] },
    });
  });

  it('reports each type a recording group excludes as a gap in every region, and lists it on the recorder', async () => {
    sandbox.aws.setRecording({ recorderExcludes: [RDS] });
    const { resources, run } = await collect(sandbox, { accounts: [{ id: ACCOUNT }] });
    for (const region of ['ap-northeast-1', 'us-east-1']) {
      const scope = scopeOf(run, ACCOUNT, region);
      expect(scope?.gaps).toEqual([{ types: [RDS], reason: { en: `AWS Config does not record ${RDS} in ${region}`, ja: `${region} では AWS Config が ${RDS} を記録していません（レコーダーの記録対象外です）` } }]);
      expect(scope?.types).not.toContain(RDS);
      expect(scope?.types).toContain(RECORDER);
    }
    // IAM stays covered: the home region records it (the other region excludes it, as AWS advises).
    expect(scopeOf(run, ACCOUNT, 'ap-northeast-1')?.types).toContain('AWS::IAM::Role');
    expect(resources.some((r) => r.type === RDS)).toBe(false);
    const recorders = resources.filter((r) => r.type === RECORDER);
    expect(recorders).toHaveLength(2);
    for (const r of recorders) {
      expect(r.supplementary).toEqual({ kansaUnrecordedTypes: [RDS], kansaUndeterminedTypes: [] });
      expect(r.configuration).toMatchObject({ recordingGroup: { allSupported: false, recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' } } });
    }
  });

  it('fails every scope of an account whose credentials belong to another account, naming both ids', async () => {
    const { resources, run } = await collect(sandbox, { accounts: [{ id: OTHER }] }, ACCOUNT);
    expect(run.coverage.length).toBeGreaterThan(0);
    for (const scope of run.coverage) {
      expect(scope.outcome.status).toBe('failed');
      expect(scope.outcome.status === 'failed' && scope.outcome.error).toMatch(new RegExp(`${ACCOUNT}.*${OTHER}`));
    }
    expect(run.accounts).toEqual([expect.objectContaining({ account: OTHER, ok: false, error: expect.stringContaining('sts:GetCallerIdentity') as unknown })]);
    expect(resources).toEqual([]);
  });

  it('says so when region discovery is denied: with a list it collects the list and flags the rest, without one every scope fails', async () => {
    sandbox.aws.setRecording({ deniedActions: ['account:ListRegions'] });
    const listed = await collect(sandbox, { accounts: [{ id: ACCOUNT }], regions: ['ap-northeast-1'] });
    expect(scopeOf(listed.run, ACCOUNT, 'ap-northeast-1')).toMatchObject({ types: TYPES, outcome: { status: 'ok' } });
    const rest = scopeOf(listed.run, ACCOUNT, 'global');
    expect(rest).toMatchObject({ types: [], outcome: { status: 'ok' } });
    expect(rest?.gaps?.[0]?.types).toEqual(REGIONAL);
    expect(rest?.gaps?.[0]?.reason.en).toMatch(/account:ListRegions: AccessDeniedException/);
    const unlisted = await collect(sandbox, { accounts: [{ id: ACCOUNT }] });
    expect(unlisted.run.coverage).toEqual([expect.objectContaining({ region: 'global', outcome: expect.objectContaining({ status: 'failed', error: expect.stringMatching(/account:ListRegions.*AccessDeniedException/) as unknown }) as unknown })]);
    expect(unlisted.resources).toEqual([]);
  });

  it('collects a region whose recorders cannot be described, but claims none of it as covered', async () => {
    sandbox.aws.setRecording({ deniedActions: ['config:DescribeConfigurationRecorders'] });
    const { resources, run } = await collect(sandbox, { accounts: [{ id: ACCOUNT }] });
    const east = scopeOf(run, ACCOUNT, 'us-east-1');
    expect(east).toMatchObject({ types: [], outcome: { status: 'ok' } });
    expect(gapTypes(east)).toEqual(REGIONAL);
    expect(east?.gaps?.[0]?.reason.en).toMatch(/config:DescribeConfigurationRecorders/);
    // The data is still evidence: a failing resource there still fails.
    expect(resources.filter((r) => r.region === 'us-east-1')).toHaveLength(inUsEast1());
  });

  it('counts rows that are not JSON as unreadable in their scope; every item is a resource or counted', async () => {
    sandbox.setFaults({ malformedRate: 0.2, seed: 4 });
    const { resources, run } = await collect(sandbox, { accounts: [{ id: ACCOUNT }] });
    const unreadable = run.coverage.reduce((n, s) => n + (s.unreadable ?? 0), 0);
    expect(unreadable).toBeGreaterThan(0);
    expect(resources.filter((r) => r.type === '' || r.type === 'Unknown')).toEqual([]);
    expect(resources.filter((r) => r.malformed !== undefined).length).toBeGreaterThan(0);
    const items = resources.filter((r) => r.type !== RECORDER).length;
    expect(items + unreadable).toBe(expectedCount(sandbox.aws.estate, { types: TYPES, account: ACCOUNT }));
    for (const scope of run.coverage) expect(scope.outcome.status).toBe('ok');
  });
});

describe('AWS collector coverage through an aggregator', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 400, seed: 12, accounts: [ACCOUNT, OTHER], regions: ['ap-northeast-1', 'us-east-1'] } });
  });
  afterAll(async () => sandbox.close());
  const aggregator = (): Record<string, unknown> => ({ aggregator: { name: sandbox.aws.aggregatorName, region: 'ap-northeast-1' } });

  it('takes the aggregated account × regions from the sources, and fails a source whose last update failed, naming it', async () => {
    sandbox.aws.setRecording({ aggregatorFailedSources: [`${OTHER}:us-east-1`] });
    const { resources, run } = await collect(sandbox, aggregator());
    expect(run.coverage.map((s) => `${s.account}/${s.region}`).sort()).toEqual([`${ACCOUNT}/ap-northeast-1`, `${ACCOUNT}/us-east-1`, `${OTHER}/ap-northeast-1`, `${OTHER}/us-east-1`]);
    const failed = scopeOf(run, OTHER, 'us-east-1');
    expect(failed?.outcome.status).toBe('failed');
    expect(failed?.outcome.status === 'failed' && failed.outcome.error).toMatch(new RegExp(`source account ${OTHER} in us-east-1 is FAILED.*AccessDeniedException`));
    expect(run.coverage.filter((s) => s !== failed).every((s) => s.outcome.status === 'ok')).toBe(true);
    expect(run.accounts.find((a) => a.account === OTHER)).toMatchObject({ ok: false });
    expect(resources.some((r) => r.account === OTHER && r.region === 'us-east-1')).toBe(false);
    expect(resources.some((r) => r.account === OTHER && r.region === 'ap-northeast-1')).toBe(true);
  });

  it('reports a configured account that is no source of the aggregator as not collected', async () => {
    sandbox.aws.setRecording({});
    const { run } = await collect(sandbox, { ...aggregator(), accounts: [{ id: '999999999999' }] });
    const missing = run.coverage.filter((s) => s.account === '999999999999');
    expect(missing).toEqual([expect.objectContaining({ types: [], outcome: expect.objectContaining({ status: 'ok' }) as unknown })]);
    expect(missing[0]?.gaps?.[0]?.reason.en).toBe(`account 999999999999 is not a source of aggregator ${sandbox.aws.aggregatorName}: not aggregated`);
  });

  it('refuses regions beside an aggregator: a configuration error naming the path, exit 2', async () => {
    const files = tempFiles({ 'kansa.yaml': 'collectors:\n  aws:\n    regions: [ap-northeast-1]\n    aggregator: { name: org, region: ap-northeast-1 }\n' });
    const { code, stderr } = await runCli(['validate', '--config', files['kansa.yaml']!]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/collectors\.aws\.regions/);
    expect(stderr).toMatch(/not allowed beside "aggregator"/);
  });

  it('warns in validate that region discovery decides which regions are collected', async () => {
    const files = tempFiles({ 'kansa.yaml': 'collectors:\n  aws:\n    regions: [ap-northeast-1]\n    accounts: [{ id: "111111111111" }]\n' });
    const { code, stderr } = await runCli(['validate', '--config', files['kansa.yaml']!]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/warning: collectors\.aws\.regions lists ap-northeast-1: regions enabled for an account but not listed are not collected/);
  });
});
