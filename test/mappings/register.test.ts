/**
 * The data register and the controls agree: every registered type's applicable aspect (residency, copies, transit,
 * at rest) is judged by a named control that reads the type and evidences the aspect's item, or has a stated reason;
 * every type a 2-1 / 2-2 / 9-6 control reads is registered.
 */
import { loadControls } from '../../src/mappings/controls.js';
import { loadCatalog } from '../../src/mappings/catalog.js';
import { loadMappings } from '../../src/mappings/load.js';
import { loadRegisters, registerCounts, registerProblems } from '../../src/mappings/registers.js';
import { BUNDLED_CATALOG } from '../../src/paths.js';
import { tempFiles } from '../support/files.js';
import { controlEntry } from './fixtures.js';
import { dirname } from 'node:path';

const DOC = 'https://docs.aws.amazon.com/config/latest/developerguide/resource-config-reference.html';

const controlsYaml = `controls:
${controlEntry('test-volume-encrypted')}  - id: test-volume-in-japan
    title: { ja: ボリュームが国内にある, en: Volumes in Japan }
    provider: aws
    resourceTypes: [AWS::EC2::Volume, AWS::EC2::Snapshot]
    kind: each
    expression: resource.region.startsWith("ap-northeast-")
    severity: high
    rationale: { ja: 国内保存, en: data stays in Japan }
    remediation: { ja: 国内に移す, en: move it to Japan }
    requirements: { jp-cloud-procurement: ["9-6"] }
`;

const volume = (extra = ''): string => `  - type: AWS::EC2::Volume
    holds: data
    location: { scope: zonal, field: availabilityZone }
    atRest: { enabledField: configuration.encrypted, customerKeyField: configuration.kmsKeyId, docs: ["${DOC}"] }
    docs: ["${DOC}"]
${extra}`;

function problemsOf(registerYaml: string): string[] {
  const files = tempFiles({ 'controls.yaml': controlsYaml, 'registers/aws.yaml': registerYaml });
  const controls = loadControls([files['controls.yaml']!], [loadCatalog(BUNDLED_CATALOG)]);
  return registerProblems(loadRegisters(dirname(files['registers/aws.yaml']!)), controls).map((p) => `${p.at.replace(/^.*\//, '')}: ${p.message}`);
}

const header = `provider: aws\ntypeListSource: "${DOC}"\ntypes:\n`;
const snapshot = `  - type: AWS::EC2::Snapshot
    holds: data
    location: { scope: regional, field: region }
    atRest: { enabledField: configuration.encrypted, docs: ["${DOC}"] }
    controls: { residency: [test-volume-in-japan] }
    notJudged: { atRest: { ja: 理由, en: reason } }
    docs: ["${DOC}"]
`;

it('a register whose every aspect is judged or explained has no problems', () => {
  expect(problemsOf(header + volume('    controls: { residency: [test-volume-in-japan], atRest: [test-volume-encrypted] }\n') + snapshot)).toEqual([]);
});

it('reports an aspect with neither a control nor a reason, naming the file line', () => {
  expect(problemsOf(header + volume('    controls: { residency: [test-volume-in-japan] }\n') + snapshot)).toEqual([
    'aws.yaml:4: AWS::EC2::Volume: no control judges atRest (2-1) and notJudged.atRest gives no reason',
  ]);
});

it('reports a named control that does not read the type or does not evidence the aspect', () => {
  expect(problemsOf(header + volume('    controls: { residency: [test-volume-encrypted], atRest: [test-volume-in-japan] }\n') + snapshot)).toEqual([
    'aws.yaml:4: AWS::EC2::Volume: control test-volume-encrypted does not evidence 9-6 (residency)',
    'aws.yaml:4: AWS::EC2::Volume: control test-volume-in-japan does not evidence 2-1 (atRest)',
  ]);
  const wrongType = snapshot.replace('residency: [test-volume-in-japan]', 'residency: [test-volume-encrypted]');
  expect(problemsOf(header + volume('    controls: { residency: [test-volume-in-japan], atRest: [test-volume-encrypted] }\n') + wrongType)).toEqual([
    'aws.yaml:10: AWS::EC2::Snapshot: control test-volume-encrypted does not read this type (resourceTypes)',
  ]);
});

it('reports a control of 2-1 / 2-2 / 9-6 that reads a type the register does not list', () => {
  expect(problemsOf(header + volume('    controls: { residency: [test-volume-in-japan], atRest: [test-volume-encrypted] }\n'))).toEqual([
    'aws.yaml: control test-volume-in-japan evidences 2-1, 2-2 or 9-6 on AWS::EC2::Snapshot, which the register does not list',
  ]);
});

it('reports a copy path without a judge, a missing control and a type registered twice', () => {
  const copies = `    copies: [{ kind: snapshot copy, destinationField: configuration.destinationRegion, docs: ["${DOC}"] }]\n`;
  const entry = volume(copies + '    controls: { residency: [test-volume-in-japan], atRest: [no-such-control] }\n');
  expect(problemsOf(header + entry + snapshot + snapshot)).toEqual([
    'aws.yaml:4: AWS::EC2::Volume: no control judges copies (9-6) and notJudged.copies gives no reason',
    'aws.yaml:4: AWS::EC2::Volume: atRest names control no-such-control, which does not exist',
    'aws.yaml:18: AWS::EC2::Snapshot is registered twice',
  ]);
});

it('a data-holding type must state its at-rest setting or why not', () => {
  const bare = `  - type: AWS::EC2::Volume
    holds: data
    location: { scope: zonal, field: availabilityZone }
    controls: { residency: [test-volume-in-japan], atRest: [test-volume-encrypted] }
    docs: ["${DOC}"]
`;
  expect(problemsOf(header + bare + snapshot)).toEqual(['aws.yaml:4: AWS::EC2::Volume holds data but states no at-rest encryption setting (atRest) and no reason (notJudged.atRest)']);
});

it('the bundled registers agree with the bundled controls', () => {
  const { controls } = loadMappings({});
  expect(registerProblems(loadRegisters(), controls).map((p) => `${p.at}: ${p.message}`)).toEqual([]);
});

it('counts, per provider and aspect, the types judged, excluded with a reason and still open; none is open', () => {
  const counts = registerCounts(loadRegisters());
  expect(counts.map((c) => c.provider).sort()).toEqual(['aws', 'azure', 'gcp']);
  for (const { types, aspects } of counts) {
    expect(types).toBeGreaterThan(30);
    for (const a of Object.values(aspects)) {
      expect(a.covered + a.excluded + a.open).toBe(a.applies); // the coverage test guarantees a control or a reason
      expect(a.open).toBe(0);
    }
  }
});

