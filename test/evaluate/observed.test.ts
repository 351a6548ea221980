/**
 * Passing findings say what made them pass: the values of the control's variables (#15). Only outputs that
 * keep every finding pay for it (scan, evaluate) and evidence snapshots (their reports show it); the running agent's scans record none.
 */
import type { Finding } from '../../src/evaluate/assessment.js';
import { Evaluation, evaluate } from '../../src/evaluate/evaluate.js';
import type { CollectionScope } from '../../src/model/resource.js';
import { NOW, bundledMappings, configItem, normalizeAll } from '../support/evaluate.js';

const CONTROL = 'aws-sg-admin-ports-closed-to-world';

function securityGroup(id: string, cidr: string): Record<string, unknown> {
  return configItem({
    type: 'AWS::EC2::SecurityGroup',
    id,
    configuration: { groupId: id, groupName: id, ipPermissions: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: [cidr] }], ipPermissionsEgress: [] },
  });
}

const resources = normalizeAll([securityGroup('sg-private', '10.0.0.0/8'), securityGroup('sg-open', '0.0.0.0/0')]);
const coverage: CollectionScope[] = [{ provider: 'aws', account: '111122223333', region: 'ap-northeast-1', types: 'all', outcome: { status: 'ok', collectedAt: NOW.toISOString() } }];

function finding(findings: readonly Finding[], id: string): Finding {
  const found = findings.find((f) => f.control === CONTROL && f.resourceId === id);
  if (!found) throw new Error(`no finding of ${CONTROL} for ${id}`);
  return found;
}

describe('observed values of passing findings', () => {
  it('records the variables a passing expression computed, and nothing on a failure (its reason says why)', () => {
    const { controls, catalog, attestations } = bundledMappings();
    const assessment = evaluate(resources, coverage, controls, catalog, attestations, NOW);
    const pass = finding(assessment.findings, 'sg-private');
    expect(pass.status).toBe('pass');
    expect(pass.observed).toMatch(/^adminRules=\[\{.*"10\.0\.0\.0\/8".*\}\]; openRules=\[\];/);
    const fail = finding(assessment.findings, 'sg-open');
    expect(fail.status).toBe('fail');
    expect(fail.observed).toBeUndefined();
    expect(fail.reason).toBeDefined();
  });

  it('is not computed when passing findings are not kept (the agent, evidence streams)', () => {
    const { controls, catalog, attestations } = bundledMappings();
    const streamed: Finding[] = [];
    const evaluation = new Evaluation(controls, catalog, { keptFindings: 'failing', onFinding: (f) => void streamed.push(f) });
    for (const r of resources) evaluation.add(r);
    evaluation.finish(coverage, attestations, NOW);
    const pass = finding(streamed, 'sg-private');
    expect(pass.status).toBe('pass');
    expect(pass.observed).toBeUndefined();
  });

  it('is computed for streamed findings when asked (evidence snapshots, whose reports show it)', () => {
    const { controls, catalog, attestations } = bundledMappings();
    const streamed: Finding[] = [];
    const evaluation = new Evaluation(controls, catalog, { keptFindings: 'failing', observePassing: true, onFinding: (f) => void streamed.push(f) });
    for (const r of resources) evaluation.add(r);
    evaluation.finish(coverage, attestations, NOW);
    expect(finding(streamed, 'sg-private').observed).toMatch(/openRules=\[\]/);
    expect(finding(streamed, 'sg-open').observed).toBeUndefined();
  });
});
