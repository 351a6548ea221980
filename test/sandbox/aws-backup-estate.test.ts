/**
 * The AWS sandbox estate's AWS Backup recovery points (issue #14): they name real data stores of their scope, are
 * dated back from the estate's now, and give aws-data-store-recent-backup passing and failing stores of each kind.
 */
import { AwsEstate } from '../../src/sandbox/estate/aws.js';
import { assess, NOW } from '../support/evaluate.js';

const STORES = ['AWS::EC2::Volume', 'AWS::DynamoDB::Table', 'AWS::EC2::Instance', 'AWS::S3::Bucket'];
const RECOVERY_POINT = 'AWS::Backup::RecoveryPoint';

function itemsOf(estate: AwsEstate, types: readonly string[]): ReturnType<AwsEstate['item']>[] {
  return estate.scopes({ types }).flatMap((scope) => Array.from({ length: scope.count }, (_, k) => estate.item(scope, k)));
}

describe('the AWS sandbox estate and AWS Backup recovery points', () => {
  // The test support reads items as of NOW, the estate's default now: recovery point ages are as generated.
  const estate = new AwsEstate();
  const items = itemsOf(estate, [...STORES, RECOVERY_POINT]);
  const findings = assess(items).findings.filter((f) => f.control === 'aws-data-store-recent-backup');

  it.each(STORES)('gives %s stores with and without a recent backup', (type) => {
    const seen = new Set(findings.filter((f) => f.resourceType === type).map((f) => f.status));
    expect(seen).toEqual(new Set(['pass', 'fail']));
  });

  it('names by ResourceArn a data store of the same account and region, of the type its ResourceType says', () => {
    const arns = new Map(items.filter((i) => i.resourceType !== RECOVERY_POINT).map((i) => [i.arn, i]));
    const points = items.filter((i) => i.resourceType === RECOVERY_POINT);
    expect(points.length).toBeGreaterThan(0);
    const kinds: Record<string, string> = { EBS: 'AWS::EC2::Volume', DynamoDB: 'AWS::DynamoDB::Table', EC2: 'AWS::EC2::Instance', S3: 'AWS::S3::Bucket' };
    for (const point of points) {
      const c = point.configuration as { ResourceArn: string; ResourceType: string; RecoveryPointArn: string };
      const store = arns.get(c.ResourceArn);
      expect(store).toBeDefined();
      expect([store?.resourceType, store?.accountId, store?.awsRegion]).toEqual([kinds[c.ResourceType], point.accountId, point.awsRegion]);
      expect(point.resourceId).toBe(c.RecoveryPointArn);
      expect(estate.locate(RECOVERY_POINT, point.resourceId)).toBeDefined();
    }
  });

  it('dates recovery points back from the estate now, so a sandbox started now holds recent ones', () => {
    const later = new Date(NOW.getTime() + 40 * 86_400_000);
    const shifted = itemsOf(new AwsEstate({ now: later }), [RECOVERY_POINT]);
    const original = items.filter((i) => i.resourceType === RECOVERY_POINT);
    expect(shifted.map((i) => Date.parse((i.configuration as { CreationDate: string }).CreationDate) - Date.parse((original.find((o) => o.resourceId === i.resourceId)!.configuration as { CreationDate: string }).CreationDate))).toEqual(
      shifted.map(() => 40 * 86_400_000),
    );
  });
});
