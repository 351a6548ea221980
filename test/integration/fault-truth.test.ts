/**
 * An API fault never turns into a false fail, nor into a false compliant (#11): the same estate scanned
 * through the real collectors and SDK clients, once clean and once under each fault the sandbox can
 * inject — 30 % of items broken (truncated or unparseable configuration, some without even a type),
 * server errors and cut-off pages beyond the retry budget, a denied caller. Compared finding by finding
 * and requirement by requirement, the faulty scan may know less, but never more and never worse: no
 * finding fails that passes (or is absent) without the fault, and no requirement is compliant that is
 * not compliant without it.
 */
import { awsCollectorSchema } from '../../collectors/aws/config.js';
import { azureCollectorSchema } from '../../collectors/azure/config.js';
import { gcpCollectorSchema } from '../../collectors/gcp/config.js';
import { buildCollectors } from '../../collectors/registry.js';
import { sandboxClientOverrides, sandboxClientsOf } from '../../collectors/sandbox.js';
import type { CollectorsConfig } from '../../collectors/config.js';
import type { Assessment } from '../../src/evaluate/assessment.js';
import { Evaluation } from '../../src/evaluate/evaluate.js';
import type { ProviderId } from '../../src/model/resource.js';
import { startSandbox, type Faults, type Sandbox } from '../../src/sandbox/server.js';
import { bundledMappings, NOW } from '../support/evaluate.js';

const silent = { info: () => undefined, warn: () => undefined, debug: () => undefined };

/** Faults, each with the attempts per call it is given (a small budget, so the give-up paths run too). */
const SCENARIOS: readonly { readonly name: string; readonly faults: Faults; readonly maxAttempts: number }[] = [
  { name: '30 % of items malformed', faults: { malformedRate: 0.3, seed: 5 }, maxAttempts: 8 },
  { name: 'server errors beyond the retry budget', faults: { serverErrorRate: 0.4, seed: 3 }, maxAttempts: 2 },
  { name: 'every page cut off', faults: { truncatedPageRate: 1 }, maxAttempts: 2 },
  { name: 'some pages cut off', faults: { truncatedPageRate: 0.3, seed: 11 }, maxAttempts: 1 },
];

function collectorsFor(sandbox: Sandbox, provider: ProviderId, maxAttempts: number): Partial<CollectorsConfig> {
  switch (provider) {
    case 'aws':
      return { aws: awsCollectorSchema.parse({ enabled: true, endpoint: sandbox.aws.endpoint, accounts: sandbox.aws.accounts.map((id) => ({ id })), maxAttempts }) };
    case 'azure':
      return { azure: azureCollectorSchema.parse({ enabled: true, subscriptions: sandbox.azure.subscriptions, endpoint: sandbox.azure.endpoint, maxAttempts }) };
    case 'gcp':
      return { gcp: gcpCollectorSchema.parse({ enabled: true, scopes: sandbox.gcp.projects.map((p) => `projects/${p}`), requestsPerMinute: 600_000, maxAttempts }) };
  }
}

/** One scan of one provider, streamed into the evaluation as the agent does. */
async function scan(sandbox: Sandbox, provider: ProviderId, maxAttempts = 8): Promise<Assessment> {
  const { controls, catalog, attestations } = bundledMappings();
  const [configured] = await buildCollectors({ collectors: collectorsFor(sandbox, provider, maxAttempts) }, sandboxClientOverrides(sandboxClientsOf(sandbox)));
  const enabled = controls.filter((c) => c.provider === provider);
  const evaluation = new Evaluation(enabled, catalog, { keptFindings: 'all' });
  const run = await configured!.collector.collect({
    types: Evaluation.typesNeeded(enabled),
    onResource: (r) => evaluation.add(r),
    recorder: { apiCall: () => undefined, clockSample: () => undefined },
    logger: silent,
    signal: new AbortController().signal,
    now: () => NOW,
  });
  await evaluation.drainDeferred(run.coverage, () => Promise.resolve());
  return evaluation.finish(run.coverage, attestations, NOW);
}

const keyOf = (f: Assessment['findings'][number]): string => `${f.control}|${f.account}|${f.region}|${f.resourceId}`;

describe.each<ProviderId>(['aws', 'azure', 'gcp'])('%s under faults: never a false fail, never a false compliant', (provider) => {
  let sandbox: Sandbox;
  let clean: Assessment;
  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 300, seed: 5 }, azure: { resources: 300, seed: 5 }, gcp: { resources: 300, seed: 5 } });
    clean = await scan(sandbox, provider);
  }, 120_000);
  afterAll(async () => sandbox.close());

  it('the clean scan has something to lose: failing and passing findings', () => {
    expect(clean.findings.filter((f) => f.status === 'fail').length).toBeGreaterThan(0);
    expect(clean.findings.filter((f) => f.status === 'pass').length).toBeGreaterThan(0);
  });

  it.each(SCENARIOS)('$name', async ({ faults, maxAttempts }) => {
    sandbox.setFaults(faults);
    const faulty = await scan(sandbox, provider, maxAttempts);
    sandbox.setFaults({});
    const unknown = (a: Assessment): number => a.findings.filter((f) => f.status === 'unknown').length;
    // the fault is real: the faulty scan knows less
    expect(unknown(faulty)).toBeGreaterThan(unknown(clean));
    const before = new Map(clean.findings.map((f) => [keyOf(f), f.status]));
    const worse = faulty.findings.filter((f) => f.status === 'fail' && before.get(keyOf(f)) !== 'fail').map((f) => `${keyOf(f)}: ${before.get(keyOf(f)) ?? 'absent'} → fail (${f.reason ?? ''})`);
    expect(worse).toEqual([]);
    const was = new Map(clean.requirements.map((r) => [r.id, r.status]));
    const better = faulty.requirements.filter((r) => r.status === 'compliant' && was.get(r.id) !== 'compliant').map((r) => `${r.id}: ${was.get(r.id)} → compliant (${r.reason})`);
    expect(better).toEqual([]);
    // A finding that vanished is accounted for by an unknown for its control in its account (a payload
    // that broke keeps its findings as unknown; an item whose type broke is counted in its scope).
    // Azure and GCP scopes are whole subscriptions and projects: a scope finding's region is not the resource's.
    const after = new Set(faulty.findings.map(keyOf));
    const unknownScopes = new Set(faulty.findings.filter((f) => f.status === 'unknown' && f.scope !== 'resource').map((f) => `${f.control}|${f.account}`));
    const unexplained = clean.findings.filter((f) => f.status !== 'pass' && !after.has(keyOf(f)) && !unknownScopes.has(`${f.control}|${f.account}`)).map(keyOf);
    expect(unexplained).toEqual([]);
  }, 120_000);
});
