/**
 * Malformed data is unknown, never absent (#11): the same estate scanned twice through the real
 * collectors and SDK clients, once clean and once with the sandbox serving 30 % of its items broken
 * (truncated or unparseable configuration, some without even a type). Compared finding by finding and
 * requirement by requirement, the faulty scan may know less, but never more and never worse: no
 * finding fails that passes without the fault, and no requirement is compliant that is noncompliant
 * without it.
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
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { bundledMappings, NOW } from '../support/evaluate.js';

const silent = { info: () => undefined, warn: () => undefined, debug: () => undefined };
const MALFORMED_RATE = 0.3;

function collectorsFor(sandbox: Sandbox, provider: ProviderId): Partial<CollectorsConfig> {
  switch (provider) {
    case 'aws':
      return { aws: awsCollectorSchema.parse({ enabled: true, endpoint: sandbox.aws.endpoint, accounts: sandbox.aws.accounts.map((id) => ({ id })) }) };
    case 'azure':
      return { azure: azureCollectorSchema.parse({ enabled: true, subscriptions: sandbox.azure.subscriptions, endpoint: sandbox.azure.endpoint }) };
    case 'gcp':
      return { gcp: gcpCollectorSchema.parse({ enabled: true, scopes: sandbox.gcp.projects.map((p) => `projects/${p}`), requestsPerMinute: 600_000 }) };
  }
}

/** One scan of one provider, streamed into the evaluation as the agent does. */
async function scan(sandbox: Sandbox, provider: ProviderId): Promise<Assessment> {
  const { controls, catalog, attestations } = bundledMappings();
  const [configured] = buildCollectors({ collectors: collectorsFor(sandbox, provider) as CollectorsConfig }, sandboxClientOverrides(sandboxClientsOf(sandbox)));
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

describe.each<ProviderId>(['aws', 'azure', 'gcp'])('%s: malformed items never turn into a fail or a compliant', (provider) => {
  let sandbox: Sandbox;
  let clean: Assessment;
  let faulty: Assessment;
  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 300, seed: 5 }, azure: { resources: 300, seed: 5 }, gcp: { resources: 300, seed: 5 } });
    clean = await scan(sandbox, provider);
    sandbox.setFaults({ malformedRate: MALFORMED_RATE });
    faulty = await scan(sandbox, provider);
  }, 120_000);
  afterAll(async () => sandbox.close());

  it('the fault is real: the faulty scan knows less', () => {
    const unknown = (a: Assessment): number => a.findings.filter((f) => f.status === 'unknown').length;
    expect(unknown(faulty)).toBeGreaterThan(unknown(clean));
    expect(clean.findings.filter((f) => f.status === 'fail').length).toBeGreaterThan(0);
  });

  it('no finding fails that passes, or is absent, without the fault', () => {
    const before = new Map(clean.findings.map((f) => [keyOf(f), f.status]));
    const worse = faulty.findings.filter((f) => f.status === 'fail' && before.get(keyOf(f)) !== 'fail').map((f) => `${keyOf(f)}: ${before.get(keyOf(f)) ?? 'absent'} → fail (${f.reason ?? ''})`);
    expect(worse).toEqual([]);
  });

  it('no requirement is compliant that is noncompliant (or unknown) without the fault', () => {
    const before = new Map(clean.requirements.map((r) => [r.id, r.status]));
    const better = faulty.requirements.filter((r) => r.status === 'compliant' && before.get(r.id) !== 'compliant').map((r) => `${r.id}: ${before.get(r.id)} → compliant (${r.reason})`);
    expect(better).toEqual([]);
  });

  it('every finding that disappeared under the fault is accounted for by an unknown', () => {
    // A resource whose payload broke keeps its findings as unknown; one whose type broke is counted in its scope.
    const after = new Set(faulty.findings.map(keyOf));
    const vanished = clean.findings.filter((f) => f.status !== 'pass' && !after.has(keyOf(f)));
    const unknownScopes = new Set(faulty.findings.filter((f) => f.status === 'unknown' && f.scope !== 'resource').map((f) => `${f.control}|${f.account}|${f.region}`));
    const unexplained = vanished.filter((f) => !unknownScopes.has(`${f.control}|${f.account}|${f.region}`)).map(keyOf);
    expect(unexplained).toEqual([]);
  });
});
