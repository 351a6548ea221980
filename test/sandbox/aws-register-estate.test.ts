/**
 * The AWS sandbox estate shows every family the data register (issue #12) added: each new or extended control
 * has failing and passing instances among the generated items, run through the real normalizer and controls.
 */
import { AwsEstate } from '../../src/sandbox/estate/aws.js';
import { assess } from '../support/evaluate.js';

const TYPES = [
  'AWS::Redshift::Cluster',
  'AWS::Redshift::ClusterParameterGroup',
  'AWS::DynamoDB::Table',
  'AWS::OpenSearch::Domain',
  'AWS::MSK::Cluster',
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::Kinesis::Stream',
  'AWS::CloudFront::Distribution',
  'AWS::EC2::PrefixList',
  'AWS::EC2::NetworkAcl',
  'AWS::EC2::SecurityGroup',
  'AWS::RDS::DBInstance',
  'AWS::KMS::Key',
];

describe('the AWS sandbox estate and the data register', () => {
  const estate = new AwsEstate();
  const items = estate.scopes({ types: TYPES }).flatMap((scope) => Array.from({ length: scope.count }, (_, k) => estate.item(scope, k)));
  const findings = assess(items).findings;
  const statuses = (control: string, type: string): Set<string> =>
    new Set(findings.filter((f) => f.control === control && (type === 'any' || f.resourceType === type)).map((f) => f.status));

  it.each([
    ['aws-replicas-in-japan', 'AWS::RDS::DBInstance'],
    ['aws-replicas-in-japan', 'AWS::Redshift::Cluster'],
    ['aws-replicas-in-japan', 'AWS::KMS::Key'],
    ['aws-dynamodb-replicas-in-japan', 'any'],
    ['aws-cloudfront-viewer-https', 'any'],
    ['aws-search-domain-https', 'any'],
    ['aws-msk-encryption-in-transit', 'any'],
    ['aws-redshift-require-ssl', 'any'],
    ['aws-data-store-encrypted-at-rest', 'AWS::Redshift::Cluster'],
    ['aws-data-store-encrypted-at-rest', 'AWS::SQS::Queue'],
    ['aws-data-store-encrypted-at-rest', 'AWS::SNS::Topic'],
    ['aws-data-store-encrypted-at-rest', 'AWS::Kinesis::Stream'],
    ['aws-nacl-admin-ports-closed-to-world', 'any'],
  ])('%s has failing and passing instances (type: %s)', (control, type) => {
    const seen = statuses(control, type);
    expect(seen.has('fail')).toBe(true);
    expect(seen.has('pass')).toBe(true);
  });

  it('resolves security-group rules through the recorded prefix lists: some open, some unknown (list not recorded)', () => {
    const viaLists = findings.filter((f) => f.control === 'aws-sg-admin-ports-closed-to-world' && (f.reason ?? '').includes('pl-0'));
    expect(viaLists.some((f) => f.status === 'fail')).toBe(true);
    expect(viaLists.some((f) => f.status === 'unknown')).toBe(true);
  });

  it('marks legacy (2017.11.29) global tables unknown or failing, never passing', () => {
    const legacy = new Set(
      items.filter((i) => i.resourceType === 'AWS::DynamoDB::Table' && (i.configuration as { globalTableVersion?: string }).globalTableVersion === '2017.11.29').map((i) => i.resourceId),
    );
    expect(legacy.size).toBeGreaterThan(0);
    const verdicts = findings.filter((f) => f.control === 'aws-dynamodb-replicas-in-japan' && legacy.has(f.resourceId)).map((f) => f.status);
    expect(verdicts).toHaveLength(legacy.size);
    expect(verdicts).not.toContain('pass');
  });
});
