/**
 * aws-config-recording-all-regions (mappings/controls/aws/logging.yaml) over recorders built by the
 * collector's own code (collectors/aws/coverage.ts) from real-shaped DescribeConfigurationRecorders /
 * …Status answers (API reference: ConfigurationRecorder, ConfigurationRecorderStatus).
 */
import type { ConfigurationRecorder, ConfigurationRecorderStatus } from '@aws-sdk/client-config-service';
import { CONFIG_RECORDER_TYPE, groupRecords, recorderResources } from '../../../collectors/aws/coverage.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import type { CollectionScope, Resource } from '../../../src/model/resource.js';
import { bundledMappings, findingsOf, NOW, reasonsJaOf } from '../../support/evaluate.js';

const CONTROL = 'aws-config-recording-all-regions';
const ACCOUNT = '123456789012';
const WANTED = ['AWS::EC2::SecurityGroup', 'AWS::RDS::DBInstance', 'AWS::S3::Bucket'];

function recorder(region: string, group: ConfigurationRecorder['recordingGroup']): ConfigurationRecorder {
  return {
    arn: `arn:aws:config:${region}:${ACCOUNT}:configuration-recorder/default/0a1b2c3d`,
    name: 'default',
    roleARN: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
    recordingGroup: group,
    recordingMode: { recordingFrequency: 'CONTINUOUS', recordingModeOverrides: [] },
    recordingScope: 'PAID',
  };
}

function status(region: string, fields: Partial<ConfigurationRecorderStatus>): ConfigurationRecorderStatus {
  return {
    arn: `arn:aws:config:${region}:${ACCOUNT}:configuration-recorder/default/0a1b2c3d`,
    name: 'default',
    lastStartTime: new Date('2025-04-01T00:00:00Z'),
    recording: true,
    lastStatus: 'Success',
    lastStatusChangeTime: new Date('2026-10-31T23:55:00Z'),
    ...fields,
  };
}

const ALL = { allSupported: true, includeGlobalResourceTypes: true, resourceTypes: [], recordingStrategy: { useOnly: 'ALL_SUPPORTED_RESOURCE_TYPES' as const } };

function recorders(region: string, group: ConfigurationRecorder['recordingGroup'], fields: Partial<ConfigurationRecorderStatus> = {}): Resource[] {
  const view = { recorders: [recorder(region, group)], statuses: [status(region, fields)] };
  return recorderResources(ACCOUNT, region, view, (r) => WANTED.filter((t) => !groupRecords(r, t)), NOW.toISOString());
}

const covered = (region: string): CollectionScope => ({ provider: 'aws', account: ACCOUNT, region, types: [CONFIG_RECORDER_TYPE], outcome: { status: 'ok', collectedAt: NOW.toISOString() } });

function run(resources: Resource[], regions: readonly string[]) {
  const { controls, catalog, attestations } = bundledMappings();
  return evaluate(resources, regions.map(covered), controls, catalog, attestations, NOW);
}

describe(`${CONTROL} (exists per account × region)`, () => {
  it('evidences 3-13 and 7-1', () => {
    expect(bundledMappings().controls.find((c) => c.id === CONTROL)?.requirements['jp-cloud-procurement']).toEqual(['3-13', '7-1']);
  });

  it('passes a region whose recorder records every wanted type, and fails a region with no recorder', () => {
    const assessment = run(recorders('ap-northeast-1', ALL), ['ap-northeast-1', 'us-east-1']);
    const f = findingsOf(assessment, CONTROL);
    expect(f['default']).toEqual({ status: 'pass', reason: `satisfied by arn:aws:config:ap-northeast-1:${ACCOUNT}:configuration-recorder/default/0a1b2c3d` });
    expect(f[`${ACCOUNT}/us-east-1`]).toEqual({ status: 'fail', reason: `no ${CONFIG_RECORDER_TYPE} in this region` });
  });

  it('fails a recorder whose group excludes a wanted type, naming it in both languages', () => {
    const group = { allSupported: false, includeGlobalResourceTypes: false, resourceTypes: [], exclusionByResourceTypes: { resourceTypes: ['AWS::RDS::DBInstance' as const] }, recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' as const } };
    const assessment = run(recorders('us-east-1', group), ['us-east-1']);
    expect(findingsOf(assessment, CONTROL)[`${ACCOUNT}/us-east-1`]).toEqual({
      status: 'fail',
      reason: `none of 1 ${CONFIG_RECORDER_TYPE} qualifies: default: recorder default does not record AWS::RDS::DBInstance`,
    });
    expect(reasonsJaOf(assessment, CONTROL)[`${ACCOUNT}/us-east-1`]).toContain('設定レコーダー default が次のリソースタイプを記録していません: AWS::RDS::DBInstance');
  });

  it('is unknown, not failing, when IAM types are recorded nowhere readable while another region could not be read', () => {
    const view = { recorders: [recorder('us-east-1', ALL)], statuses: [status('us-east-1', {})] };
    const resources = recorderResources(ACCOUNT, 'us-east-1', view, () => [], NOW.toISOString(), ['AWS::IAM::Role']);
    const f = findingsOf(run(resources, ['us-east-1']), CONTROL);
    expect(f[`${ACCOUNT}/us-east-1`]).toEqual({
      status: 'unknown',
      reason: 'default: cannot evaluate: the recorders of another region could not be read, so whether any region records AWS::IAM::Role is not known',
    });
  });

  it('fails an inclusion list that leaves wanted types out', () => {
    const group = { allSupported: false, includeGlobalResourceTypes: false, resourceTypes: ['AWS::EC2::SecurityGroup' as const], recordingStrategy: { useOnly: 'INCLUSION_BY_RESOURCE_TYPES' as const } };
    const f = findingsOf(run(recorders('ap-northeast-1', group), ['ap-northeast-1']), CONTROL);
    expect(f[`${ACCOUNT}/ap-northeast-1`]?.reason).toMatch(/does not record AWS::RDS::DBInstance, AWS::S3::Bucket$/);
  });

  it('fails a stopped recorder and one whose last recording failed', () => {
    const stopped = findingsOf(run(recorders('ap-northeast-1', ALL, { recording: false, lastStopTime: new Date('2026-10-01T00:00:00Z') }), ['ap-northeast-1']), CONTROL);
    expect(stopped[`${ACCOUNT}/ap-northeast-1`]?.reason).toMatch(/recorder default is not recording$/);
    const failing = findingsOf(run(recorders('ap-northeast-1', ALL, { lastStatus: 'Failure', lastErrorCode: 'NoAvailableDeliveryChannelException' }), ['ap-northeast-1']), CONTROL);
    expect(failing[`${ACCOUNT}/ap-northeast-1`]?.reason).toMatch(/the last recording of recorder default failed \(NoAvailableDeliveryChannelException\)$/);
  });

  it('leaves a region whose recorders could not be read unknown, never failed', () => {
    const { controls, catalog, attestations } = bundledMappings();
    const failed: CollectionScope = { provider: 'aws', account: ACCOUNT, region: 'us-east-1', types: [CONFIG_RECORDER_TYPE], outcome: { status: 'failed', error: 'AccessDeniedException: denied', at: NOW.toISOString() } };
    const f = findingsOf(evaluate([], [failed], controls, catalog, attestations, NOW), CONTROL);
    expect(f[`${ACCOUNT}/us-east-1`]?.status).toBe('unknown');
  });
});
