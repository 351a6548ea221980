/**
 * Offline evaluation benchmark: `npm run bench -- [--n 10000,100000]`.
 * Generates N AWS Config items (snapshot shape, a realistic mix of types and verdicts), then in a child
 * process per N measures: plain JSON.parse of the file, the full `kansa evaluate` path (read, parse,
 * normalize, evaluate with every bundled control), items/s, the ratio of the two, and peak RSS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadMappings } from '../src/cli/load.js';
import { evaluate } from '../src/evaluate/evaluate.js';
import { readAwsConfigFiles } from '../src/inputs/aws-config-file.js';

const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];
const REGIONS = ['ap-northeast-1', 'ap-northeast-3', 'us-east-1'];

/** Deterministic pseudo-random numbers (mulberry32) so every run measures the same input. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function item(i: number, rnd: () => number): Record<string, unknown> {
  const account = ACCOUNTS[i % ACCOUNTS.length]!;
  const region = rnd() < 0.9 ? REGIONS[i % 2]! : REGIONS[2]!;
  const base = { configurationItemVersion: '1.3', configurationItemCaptureTime: '2026-11-01T00:00:00.000Z', configurationItemStatus: 'OK', awsAccountId: account, awsRegion: region, availabilityZone: 'Not Applicable', tags: { env: 'prod' }, relationships: [] };
  const kind = i % 4;
  if (kind === 0) {
    const open = rnd() < 0.1;
    return {
      ...base, resourceType: 'AWS::EC2::SecurityGroup', resourceId: `sg-${i.toString(16).padStart(17, '0')}`, ARN: `arn:aws:ec2:${region}:${account}:security-group/sg-${i}`,
      configuration: {
        groupId: `sg-${i}`, groupName: `app-${i}`, vpcId: 'vpc-1', ownerId: account,
        ipPermissions: [
          { ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipRanges: ['0.0.0.0/0'], ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }], ipv6Ranges: [], userIdGroupPairs: [], prefixListIds: [] },
          { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: [open ? '0.0.0.0/0' : '10.0.0.0/8'], ipv4Ranges: [{ cidrIp: open ? '0.0.0.0/0' : '10.0.0.0/8' }], ipv6Ranges: [], userIdGroupPairs: [], prefixListIds: [] },
          { ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, ipRanges: [], ipv4Ranges: [], ipv6Ranges: [], userIdGroupPairs: [{ groupId: 'sg-app', userId: account }], prefixListIds: [] },
        ],
        ipPermissionsEgress: [{ ipProtocol: '-1', ipRanges: ['0.0.0.0/0'], ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }], ipv6Ranges: [], userIdGroupPairs: [], prefixListIds: [] }],
      },
      supplementaryConfiguration: {},
    };
  }
  if (kind === 1) {
    return {
      ...base, resourceType: 'AWS::EC2::Volume', resourceId: `vol-${i}`, ARN: `arn:aws:ec2:${region}:${account}:volume/vol-${i}`,
      configuration: { volumeId: `vol-${i}`, size: 100, volumeType: 'gp3', encrypted: rnd() < 0.85, kmsKeyId: null, state: 'in-use', availabilityZone: `${region}a`, attachments: [] },
      supplementaryConfiguration: {},
    };
  }
  if (kind === 2) {
    const name = `bucket-${i}`;
    return {
      ...base, resourceType: 'AWS::S3::Bucket', resourceId: name, resourceName: name, ARN: `arn:aws:s3:::${name}`,
      configuration: { name, owner: { id: 'abc' }, creationDate: '2024-01-01T00:00:00.000Z' },
      supplementaryConfiguration: {
        ServerSideEncryptionConfiguration: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: rnd() < 0.9 ? 'aws:kms' : 'AES256' }, bucketKeyEnabled: true }] },
        BucketLoggingConfiguration: { destinationBucketName: rnd() < 0.7 ? 'logs' : null, logFilePrefix: null },
        BucketVersioningConfiguration: { status: rnd() < 0.5 ? 'Enabled' : 'Off', isMfaDeleteEnabled: null },
        BucketPolicy: { policyText: rnd() < 0.6 ? JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${name}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] }) : null },
        PublicAccessBlockConfiguration: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true },
      },
    };
  }
  return {
    ...base, resourceType: 'AWS::Logs::LogGroup', resourceId: `/app/${i}`, ARN: `arn:aws:logs:${region}:${account}:log-group:/app/${i}`,
    configuration: { logGroupName: `/app/${i}`, retentionInDays: rnd() < 0.8 ? 400 : 30 },
    supplementaryConfiguration: {},
  };
}

function generate(n: number, file: string): number {
  const rnd = random(42);
  const items = Array.from({ length: n }, (_, i) => item(i, rnd));
  const text = JSON.stringify({ fileVersion: '1.0', configSnapshotId: 'bench', configurationItems: items });
  writeFileSync(file, text);
  return text.length;
}

function measure(file: string): void {
  const mappings = loadMappings({});
  const text = readFileSync(file, 'utf8');
  const t0 = performance.now();
  const parsed = JSON.parse(text) as { configurationItems: unknown[] };
  const parseMs = performance.now() - t0;
  const n = parsed.configurationItems.length;
  const t1 = performance.now();
  const inventory = readAwsConfigFiles([file], undefined, new Date());
  const assessment = evaluate(inventory.resources, inventory.coverage, mappings.controls, mappings.catalog, mappings.attestations, new Date());
  const evaluateMs = performance.now() - t1;
  const findings = assessment.tallies.reduce((sum, t) => sum + t.checked, 0);
  process.stdout.write(
    JSON.stringify({ n, parseMs, evaluateMs, findings, controls: mappings.controls.length, peakRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n',
  );
}

const { values } = parseArgs({ options: { n: { type: 'string', default: '10000,100000' }, measure: { type: 'string' }, live: { type: 'boolean' }, 'throttle-rate': { type: 'string' }, 'throttle-n': { type: 'string' }, provider: { type: 'string' } } });
if (values.live) {
  const { runLive } = await import('./live.js');
  await runLive(process.argv.slice(2));
} else if (values.measure) {
  measure(values.measure);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'kansa-bench-'));
  console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
  console.log('       N   file MB   JSON.parse ms   evaluate ms   items/s   evaluate÷parse   findings   peak RSS MB');
  for (const n of values.n.split(',').map(Number)) {
    const file = join(dir, `snapshot-${n}.json`);
    const bytes = generate(n, file);
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--measure', file], { encoding: 'utf8' });
    const r = JSON.parse(out) as { n: number; parseMs: number; evaluateMs: number; findings: number; peakRssMb: number };
    console.log(
      `${String(n).padStart(8)} ${(bytes / 1e6).toFixed(1).padStart(9)} ${r.parseMs.toFixed(0).padStart(15)} ${r.evaluateMs.toFixed(0).padStart(13)} ${Math.round(n / (r.evaluateMs / 1000)).toString().padStart(9)} ${(r.evaluateMs / r.parseMs).toFixed(1).padStart(16)} ${String(r.findings).padStart(10)} ${r.peakRssMb.toFixed(0).padStart(13)}`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
}
