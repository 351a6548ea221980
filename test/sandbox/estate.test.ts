import { AwsEstate, AWS_GLOBAL_REGION, AWS_RESOURCE_TYPES, describeEstate, expectedCount, LOCAL_ZONE, minimumCalls } from '../../src/sandbox/estate/aws.js';
import { parseSelect, QueryError } from '../../src/sandbox/aws-query.js';
import { base32ToHex, hexToBase32, scramble64, unscramble64 } from '../../src/sandbox/estate/random.js';

const SINGLETON_TYPES = ['AWS::CloudTrail::Trail', 'AWS::GuardDuty::Detector', 'AWS::S3::AccountPublicAccessBlock', 'AWS::EC2::DHCPOptions'];

describe('AWS sandbox estate', () => {
  it('has exactly N resources, split by weight, with singletons that do not scale with N', () => {
    const small = describeEstate({ resources: 2_000 });
    const large = describeEstate({ resources: 100_000 });
    expect(small.total).toBe(2_000);
    expect(large.total).toBe(100_000);
    for (const type of SINGLETON_TYPES) expect(expectedCount(large, { types: [type] })).toBe(expectedCount(small, { types: [type] }));
    expect(expectedCount(small, { types: ['AWS::CloudTrail::Trail'] })).toBe(3);
    expect(expectedCount(small, { types: ['AWS::S3::AccountPublicAccessBlock'] })).toBe(3);
    const sg = expectedCount(large, { types: ['AWS::EC2::SecurityGroup'] });
    const vol = expectedCount(large, { types: ['AWS::EC2::Volume'] });
    const rds = expectedCount(large, { types: ['AWS::RDS::DBInstance'] });
    expect(sg).toBeGreaterThan(vol);
    expect(vol).toBeGreaterThan(rds * 3);
  });

  it('puts most resources in Japanese regions and a minority in us-east-1', () => {
    const d = describeEstate({ resources: 50_000 });
    const tokyo = expectedCount(d, { region: 'ap-northeast-1' });
    const osaka = expectedCount(d, { region: 'ap-northeast-3' });
    const virginia = expectedCount(d, { region: 'us-east-1' });
    expect(tokyo + osaka).toBeGreaterThan(virginia * 5);
    expect(virginia).toBeGreaterThan(0);
    expect(expectedCount(d, { region: AWS_GLOBAL_REGION })).toBe(expectedCount(d, { types: ['AWS::IAM::Role'] }));
  });

  it('misses GuardDuty in some regions and has one Local Zone subnet', () => {
    const estate = new AwsEstate();
    const detectors = estate.scopes({ types: ['AWS::GuardDuty::Detector'] });
    expect(detectors.filter((s) => s.count === 0).length).toBeGreaterThan(0);
    expect(detectors.filter((s) => s.count === 1).length).toBeGreaterThan(0);
    const subnets = estate.scopes({ types: ['AWS::EC2::Subnet'] }).flatMap((scope) => Array.from({ length: scope.count }, (_, k) => estate.item(scope, k)));
    expect(subnets.filter((s) => s.availabilityZone === LOCAL_ZONE)).toHaveLength(1);
  });

  it('mixes compliant and non-compliant security groups (~10% open admin ports)', () => {
    const estate = new AwsEstate({ resources: 20_000 });
    const groups = estate.scopes({ types: ['AWS::EC2::SecurityGroup'] }).flatMap((scope) => Array.from({ length: scope.count }, (_, k) => estate.item(scope, k)));
    const world = (p: Record<string, unknown>): boolean =>
      JSON.stringify(p.ipv4Ranges ?? p.ipRanges ?? []).includes('0.0.0.0/0') || JSON.stringify(p.ipv6Ranges ?? []).includes('::/0');
    const admin = (p: Record<string, unknown>): boolean =>
      p.ipProtocol === '-1' || [22, 3389, 5432].some((port) => (p.fromPort as number) <= port && port <= (p.toPort as number));
    const open = groups.filter((g) => (g.configuration.ipPermissions as Record<string, unknown>[]).some((p) => world(p) && admin(p)));
    const share = open.length / groups.length;
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.2);
    expect(groups.some((g) => (g.configuration.ipPermissions as Record<string, unknown>[]).some((p) => p.ipv4Ranges === undefined))).toBe(true);
    expect(groups.some((g) => (g.configuration.ipPermissions as { userIdGroupPairs: unknown[]; ipRanges: unknown[] }[]).some((p) => p.userIdGroupPairs.length > 0 && p.ipRanges.length === 0))).toBe(true);
  });

  it('locates every type by id (the id encodes its scope and index)', () => {
    const estate = new AwsEstate({ resources: 5_000 });
    for (const type of AWS_RESOURCE_TYPES) {
      const scopes = estate.scopes({ types: [type] }).filter((s) => s.count > 0);
      expect(scopes.length).toBeGreaterThan(0);
      for (const scope of scopes) {
        for (const k of [0, scope.count - 1]) {
          const item = estate.item(scope, k);
          expect(item.resourceType).toBe(type);
          expect(estate.locate(type, item.resourceId)).toEqual({ scope, k });
        }
      }
    }
    expect(estate.locate('AWS::EC2::SecurityGroup', 'sg-0ffffffffffffffff')).toBeUndefined();
    expect(estate.locate('AWS::EC2::Instance', 'i-0123')).toBeUndefined();
  });

  it('is deterministic per seed', () => {
    const a = new AwsEstate({ seed: 7 });
    const b = new AwsEstate({ seed: 7 });
    const c = new AwsEstate({ seed: 8 });
    const scope = a.scopes({ types: ['AWS::S3::Bucket'], accounts: ['222222222222'], regions: ['ap-northeast-1'] })[0];
    expect(scope).toBeDefined();
    if (!scope) return;
    for (let k = 0; k < Math.min(scope.count, 20); k++) {
      expect(b.item(scope, k)).toEqual(a.item(scope, k));
      expect(c.item(scope, k)).not.toEqual(a.item(scope, k));
    }
  });

  it('counts calls needed at the maximum page size', () => {
    expect(minimumCalls(0)).toBe(1);
    expect(minimumCalls(100)).toBe(1);
    expect(minimumCalls(101)).toBe(2);
  });

  it('rejects bad options at start-up', () => {
    expect(() => new AwsEstate({ accounts: ['123'] })).toThrow(/12-digit/);
    expect(() => new AwsEstate({ resources: -1 })).toThrow(/non-negative/);
  });
});

describe('id scrambling', () => {
  it('round-trips', () => {
    for (const [hi, lo] of [
      [0, 0],
      [1, 2],
      [0xffff, 0xffffffff],
    ] as const) {
      const [x, y] = scramble64(hi, lo, 1234);
      expect(unscramble64(x, y, 1234)).toEqual([hi, lo]);
    }
    expect(base32ToHex(hexToBase32('00ff00ff00ff00ff'))).toBe('00ff00ff00ff00ff');
    expect(base32ToHex(hexToBase32('ffffffffffffffff'))).toBe('ffffffffffffffff');
  });
});

describe('sandbox query subset', () => {
  it('parses what the collector emits', () => {
    expect(parseSelect("SELECT resourceId, configuration WHERE resourceType = 'AWS::S3::Bucket'")).toEqual({
      fields: ['resourceId', 'configuration'],
      types: ['AWS::S3::Bucket'],
    });
    expect(
      parseSelect("select accountId,awsRegion where resourceType in ('AWS::KMS::Key','AWS::IAM::Role') and accountId = '222222222222' and awsRegion = 'us-east-1'"),
    ).toEqual({ fields: ['accountId', 'awsRegion'], types: ['AWS::KMS::Key', 'AWS::IAM::Role'], account: '222222222222', region: 'us-east-1' });
  });

  it.each([
    ["SELECT * WHERE resourceType = 'AWS::S3::Bucket'", /'\*' is not supported/],
    ["SELECT configuration.encrypted WHERE resourceType = 'AWS::EC2::Volume'", /not supported/],
    ["SELECT resourceId WHERE resourceType = 'AWS::S3::Bucket' OR resourceType = 'AWS::KMS::Key'", /expected AND/],
    ["SELECT resourceId WHERE accountId = '111111111111'", /must constrain resourceType/],
    ["SELECT resourceId WHERE resourceType = 'AWS::S3::Bucket' AND accountId = '1'", /12-digit/],
    ["SELECT resourceId WHERE resourceType = 'AWS::S3::Bucket' GROUP BY resourceId", /expected AND/],
    ["SELECT resourceId WHERE resourceType = 'AWS::S3::Bucket", /unterminated/],
    ["SELECT resourceId, resourceId WHERE resourceType = 'AWS::S3::Bucket'", /twice/],
  ])('rejects %s', (expression, message) => {
    expect(() => parseSelect(expression)).toThrow(QueryError);
    expect(() => parseSelect(expression)).toThrow(message);
  });
});
