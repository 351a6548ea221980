/**
 * The AWS sandbox estate shows the exposure controls of issue #14 failing and passing: generated items run through
 * the real normalizer and controls.
 */
import { AwsEstate } from '../../src/sandbox/estate/aws.js';
import { assess } from '../support/evaluate.js';

describe('the AWS sandbox estate and the exposure controls', () => {
  const estate = new AwsEstate();
  const items = estate.scopes({ types: ['AWS::EC2::Instance', 'AWS::S3::Bucket', 'AWS::CloudTrail::Trail', 'AWS::Lambda::Function'] }).flatMap((scope) => Array.from({ length: scope.count }, (_, k) => estate.item(scope, k)));
  const findings = assess(items).findings;

  it.each(['aws-ec2-imdsv2-required', 'aws-s3-bucket-policy-no-public-write', 'aws-cloudtrail-kms-encrypted', 'aws-cloudtrail-cloudwatch-logs', 'aws-lambda-policy-not-public'])('%s has failing and passing instances, none unknown', (control) => {
    const seen = new Set(findings.filter((f) => f.control === control).map((f) => f.status));
    expect(seen).toEqual(new Set(['fail', 'pass']));
  });
});
