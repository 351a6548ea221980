/**
 * Benchmark input: an AWS Config snapshot of N security groups, 1 in 7 open to the world on 22, 3389 or
 * 0-65535 (the rest closed), written item by item so a million items never exist in memory at once.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];
const REGIONS = ['ap-northeast-1', 'ap-northeast-3', 'us-east-1'];
const OPEN_PORTS: readonly [number, number][] = [
  [22, 22],
  [3389, 3389],
  [0, 65535],
];

/** Deterministic pseudo-random numbers (mulberry32) so every run measures the same input. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Whether item i of the benchmark snapshot is open to the world on an admin port. */
export const isOpen = (i: number): boolean => i % 7 === 3;

const permission = (from: number, to: number, cidr: string | undefined, groups: object[] = []): object => ({
  ipProtocol: 'tcp',
  fromPort: from,
  toPort: to,
  ipRanges: cidr ? [cidr] : [],
  ipv4Ranges: cidr ? [{ cidrIp: cidr }] : [],
  ipv6Ranges: [],
  userIdGroupPairs: groups,
  prefixListIds: [],
});

export function securityGroup(i: number, rnd: () => number): Record<string, unknown> {
  const account = ACCOUNTS[i % ACCOUNTS.length]!;
  const region = rnd() < 0.9 ? REGIONS[i % 2]! : REGIONS[2]!;
  const id = `sg-${i.toString(16).padStart(17, '0')}`;
  const [from, to] = OPEN_PORTS[Math.floor(i / 7) % OPEN_PORTS.length]!;
  const admin = isOpen(i) ? permission(from, to, '0.0.0.0/0') : permission(22, 22, '10.0.0.0/8');
  return {
    configurationItemVersion: '1.3',
    configurationItemCaptureTime: '2026-11-01T00:00:00.000Z',
    configurationItemStatus: 'OK',
    configurationStateId: String(1_700_000_000_000 + i),
    awsAccountId: account,
    awsRegion: region,
    availabilityZone: 'Not Applicable',
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: id,
    resourceName: `app-${i}`,
    ARN: `arn:aws:ec2:${region}:${account}:security-group/${id}`,
    tags: { env: rnd() < 0.5 ? 'prod' : 'stg', team: `team-${i % 13}` },
    relationships: [{ resourceType: 'AWS::EC2::VPC', resourceId: 'vpc-0a1b2c3d', relationshipName: 'Is contained in Vpc' }],
    configuration: {
      description: `application tier ${i}`,
      groupName: `app-${i}`,
      ownerId: account,
      groupId: id,
      vpcId: 'vpc-0a1b2c3d',
      ipPermissions: [permission(443, 443, '0.0.0.0/0'), admin, permission(5432, 5432, undefined, [{ groupId: 'sg-app', userId: account }])],
      ipPermissionsEgress: [{ ipProtocol: '-1', ipRanges: ['0.0.0.0/0'], ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }], ipv6Ranges: [], userIdGroupPairs: [], prefixListIds: [] }],
      tags: [],
    },
    supplementaryConfiguration: {},
  };
}

/** Writes the snapshot file; returns its size in bytes. */
export function writeSnapshot(file: string, n: number): number {
  const rnd = random(42);
  const fd = openSync(file, 'w');
  let bytes = 0;
  const write = (text: string): void => {
    bytes += writeSync(fd, text);
  };
  try {
    write('{"fileVersion":"1.0","configSnapshotId":"bench-0000","configurationItems":[');
    let batch: string[] = [];
    for (let i = 0; i < n; i++) {
      batch.push(JSON.stringify(securityGroup(i, rnd)));
      if (batch.length === 1000 || i === n - 1) {
        write((i >= batch.length ? ',' : '') + batch.join(','));
        batch = [];
      }
    }
    write(']}\n');
  } finally {
    closeSync(fd);
  }
  return bytes;
}
