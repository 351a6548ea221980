/** The demo input (test/fixtures/aws/sample-snapshot.json) read through the real offline-file path. */
import { join } from 'node:path';
import { IAM_IDENTITY_TYPES } from '../../../collectors/aws/identity-types.js';
import { MONITORING_TYPES } from '../../../collectors/aws/monitoring-types.js';
import { REGIONAL_DIRECT_TYPES } from '../../../collectors/aws/regional-types.js';
import { evaluate, Evaluation } from '../../../src/evaluate/evaluate.js';
import { readAwsConfigFiles } from '../../../src/inputs/aws-config-file.js';
import { PACKAGE_ROOT } from '../../../src/paths.js';
import { bundledMappings, findingsOf, NOW } from '../../support/evaluate.js';
import { ACCOUNT, sampleSnapshot } from '../../fixtures/aws/samples.js';

const SNAPSHOT = join(PACKAGE_ROOT, 'test', 'fixtures', 'aws', 'sample-snapshot.json');

describe('the sample AWS Config snapshot', () => {
  const { controls, catalog, attestations } = bundledMappings();
  // As kansa evaluate reads it: with the types the controls need, so those no file holds are gaps.
  const inventory = readAwsConfigFiles([SNAPSHOT], undefined, NOW, new Set([...Evaluation.typesNeeded(controls)].filter((t) => t.startsWith('AWS::'))));
  const assessment = evaluate(inventory.resources, inventory.coverage, controls, catalog, attestations, NOW);
  const requirement = (id: string): string | undefined => assessment.requirements.find((r) => r.id === id)?.status;

  it('is one account in Tokyo (plus its global IAM items), every item well formed, version 1.3', () => {
    const items = sampleSnapshot().configurationItems;
    expect(items.length).toBeGreaterThanOrEqual(40);
    expect(items.length).toBeLessThanOrEqual(64);
    expect(new Set(items.map((i) => i.configurationItemVersion))).toEqual(new Set(['1.3']));
    expect(new Set(inventory.resources.map((r) => r.account))).toEqual(new Set([ACCOUNT]));
    expect(new Set(inventory.resources.map((r) => r.region))).toEqual(new Set(['ap-northeast-1', 'global']));
    expect(inventory.resources.filter((r) => r.malformed !== undefined)).toEqual([]);
  });

  it('gives every bundled AWS control something to judge', () => {
    const judged = new Set(assessment.findings.map((f) => f.control));
    // The IAM identity types are never in AWS Config files (read live from IAM), and the demo snapshot holds
    // no IAM group or customer managed policy: those controls are judged in test/controls/aws/identity.test.ts.
    const elsewhere = (c: (typeof controls)[number]): boolean =>
      c.resourceTypes.every((t) => IAM_IDENTITY_TYPES.has(t) || MONITORING_TYPES.has(t) || REGIONAL_DIRECT_TYPES.has(t) || t === 'AWS::IAM::Group' || t === 'AWS::IAM::Policy');
    expect(controls.filter((c) => c.provider === 'aws' && !judged.has(c.id) && !elsewhere(c)).map((c) => c.id)).toEqual([]);
  });

  it('finds the planted problems with concrete reasons', () => {
    expect(findingsOf(assessment, 'aws-sg-admin-ports-closed-to-world')).toMatchObject({
      'sg-0d2e3f4a5b6c7d804': { status: 'fail', reason: 'tcp/22 open to 0.0.0.0/0' },
      'sg-0c1d2e3f4a5b6c703': { status: 'pass' },
    });
    expect(findingsOf(assessment, 'aws-zone-in-japan')['subnet-0c3d4e5f607182933']).toEqual({ status: 'fail', reason: 'availability zone ap-northeast-1-tpe-1a is the Taipei Local Zone (Taiwan)' });
    expect(findingsOf(assessment, 'aws-rds-backup-replication-in-japan')['db-7QZ3K2M5N8P1R4T6V9X2B5D8F1']).toEqual({ status: 'fail', reason: 'automated backups replicated to us-west-2 (outside Japan)' });
    expect(findingsOf(assessment, 'aws-kms-cmk-rotation-enabled')['8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968']).toEqual({ status: 'fail', reason: 'key 8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968 has KeyRotationStatus false' });
    expect(findingsOf(assessment, 'aws-iam-cross-account-role-requires-mfa')).toEqual({
      AROA4Q2W6E8R0T2Y4U6I8: { status: 'pass' },
      AROA7U5Y3T1R9E7W5Q3Z1: { status: 'fail', reason: 'trusts arn:aws:iam::444455556666:root without requiring MFA (Bool aws:MultiFactorAuthPresent = true)' },
    });
  });

  it('reports a replication target outside the inventory as unknown, not as a pass or a fail', () => {
    const records = findingsOf(assessment, 'aws-s3-replication-in-japan')[`records-${ACCOUNT}`];
    expect(records?.status).toBe('unknown');
    expect(records?.reason).toContain('records-dr-partner-555566667777 is not in the collected inventory');
  });

  it('passes the account-level controls the account satisfies', () => {
    expect(findingsOf(assessment, 'aws-cloudtrail-multi-region-validated')['corp-trail']?.status).toBe('pass');
    expect(findingsOf(assessment, 'aws-guardduty-enabled')['4ac8f1e2d3b4a5c6d7e8f9a0b1c2d3e4']?.status).toBe('pass');
    expect(findingsOf(assessment, 'aws-backup-plan-in-use')['9f8e7d6c-5b4a-4392-8a1b-0c9d8e7f6a51']?.status).toBe('pass');
    // The API Gateway grant is pinned by AWS:SourceArn: not public.
    expect(findingsOf(assessment, 'aws-lambda-policy-not-public')['portal-api-handler']).toEqual({ status: 'pass' });
    expect(findingsOf(assessment, 'aws-backup-restore-testing-plan-exists')[ACCOUNT]).toEqual({ status: 'fail', reason: 'no AWS::Backup::RestoreTestingPlan in this account' });
  });

  it('rolls the findings up into requirement verdicts', () => {
    expect(requirement('9-6')).toBe('noncompliant');
    expect(requirement('2-10')).toBe('noncompliant');
    // A file cannot show that the trail is logging (AWS::CloudTrail::TrailStatus is read live from CloudTrail).
    expect(requirement('3-8')).toBe('unknown');
    expect(requirement('5-4')).toBe('compliant');
    expect(requirement('10-2')).toBe('compliant');
    // 3-2 (partial) would need an attestation once its controls pass; the trail's logging status is not in files.
    expect(requirement('3-2')).toBe('unknown');
  });
});
