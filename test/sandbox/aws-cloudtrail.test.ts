/**
 * The sandbox's CloudTrail (src/sandbox/aws-cloudtrail.ts) through the real @aws-sdk/client-cloudtrail:
 * shadow trails only when asked, a trail's status only by ARN outside its home Region, and the documented
 * TrailNotFoundException.
 */
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand, TrailNotFoundException } from '@aws-sdk/client-cloudtrail';
import { AWS_SANDBOX_SECRET, sandboxAccessKeyFor } from '../../src/sandbox/aws-credentials.js';
import { outsideRegion } from '../../src/sandbox/estate/aws-cloudtrail.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';

describe('sandbox CloudTrail (awsJson1_1)', () => {
  let sandbox: Sandbox;
  let client: (account: string, region: string) => CloudTrailClient;
  const clients: CloudTrailClient[] = [];
  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 10, seed: 1 } });
    client = (account, region) => {
      const c = new CloudTrailClient({ region, endpoint: sandbox.aws.endpoint, maxAttempts: 1, credentials: { accessKeyId: sandboxAccessKeyFor(account), secretAccessKey: AWS_SANDBOX_SECRET } });
      clients.push(c);
      return c;
    };
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await sandbox.close();
  });

  it('lists a trail homed elsewhere only as a shadow trail, and answers its status by ARN, not by name, outside its home Region', async () => {
    const account = sandbox.aws.accounts[2]!;
    const collected = sandbox.aws.regions[0]!;
    const home = outsideRegion(sandbox.aws.regions);
    const withShadows = await client(account, collected).send(new DescribeTrailsCommand({ includeShadowTrails: true }));
    expect(withShadows.trailList?.map((t) => [t.Name, t.HomeRegion, t.IsMultiRegionTrail])).toEqual([['audit-elsewhere', home, true]]);
    const without = await client(account, collected).send(new DescribeTrailsCommand({ includeShadowTrails: false }));
    expect(without.trailList).toEqual([]);
    const arn = withShadows.trailList![0]!.TrailARN!;
    expect((await client(account, collected).send(new GetTrailStatusCommand({ Name: arn }))).IsLogging).toBe(true);
    await expect(client(account, collected).send(new GetTrailStatusCommand({ Name: 'audit-elsewhere' }))).rejects.toBeInstanceOf(TrailNotFoundException);
    expect((await client(account, home).send(new GetTrailStatusCommand({ Name: 'audit-elsewhere' }))).IsLogging).toBe(true);
  });
});
