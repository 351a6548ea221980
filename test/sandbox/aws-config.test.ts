/**
 * The AWS sandbox driven by the real @aws-sdk/client-config-service client: paging, aggregator,
 * BatchGet shapes, validation, every fault knob, the call log and memory at scale.
 */
import {
  BatchGetAggregateResourceConfigCommand,
  BatchGetResourceConfigCommand,
  ConfigServiceClient,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  SelectAggregateResourceConfigCommand,
  SelectResourceConfigCommand,
  type BaseConfigurationItem,
  type ResourceType,
} from '@aws-sdk/client-config-service';
import { normalizeConfigItem } from '../../collectors/aws/normalize.js';
import { selectRows } from '../fixtures/aws/samples.js';
import { AWS_RESOURCE_TYPES, expectedCount, minimumCalls } from '../../src/sandbox/estate/aws.js';
import { sandboxAccessKeyFor, startSandbox, type Sandbox } from '../../src/sandbox/server.js';

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';
const OTHER = '333333333333';
const TOKYO = 'ap-northeast-1';
const SG = 'AWS::EC2::SecurityGroup' as ResourceType;
const BUCKET = 'AWS::S3::Bucket';
/** A JSON null anywhere in a parsed row (JSON strings inside it, such as the ACL, are not looked into). */
const containsNull = (value: unknown): boolean => value === null || (typeof value === 'object' && Object.values(value).some(containsNull));

function client(sandbox: Sandbox, account: string, region = TOKYO, maxAttempts = 1): ConfigServiceClient {
  return new ConfigServiceClient({ endpoint: sandbox.aws.endpoint, region, credentials: sandbox.aws.credentialsFor(account), maxAttempts });
}

/** A raw awsJson1_1 call, to look at status codes, headers and bodies the SDK hides. */
async function raw(sandbox: Sandbox, account: string, operation: string, body: unknown, accessKeyId = sandboxAccessKeyFor(account)): Promise<Response> {
  return fetch(`${sandbox.aws.endpoint}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `StarlingDoveService.${operation}`,
      Authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20261128/${TOKYO}/config/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`,
    },
    body: JSON.stringify(body),
  });
}

async function selectAll(c: ConfigServiceClient, expression: string, limit = 100): Promise<{ rows: string[]; calls: number }> {
  const rows: string[] = [];
  let token: string | undefined;
  let calls = 0;
  do {
    const page = await c.send(new SelectResourceConfigCommand({ Expression: expression, Limit: limit, ...(token ? { NextToken: token } : {}) }));
    calls++;
    rows.push(...(page.Results ?? []));
    token = page.NextToken;
  } while (token);
  return { rows, calls };
}

async function selectAggregateAll(c: ConfigServiceClient, aggregator: string, expression: string, onPage: (results: readonly string[]) => void): Promise<number> {
  let token: string | undefined;
  let calls = 0;
  do {
    const page = await c.send(
      new SelectAggregateResourceConfigCommand({ ConfigurationAggregatorName: aggregator, Expression: expression, MaxResults: 100, ...(token ? { NextToken: token } : {}) }),
    );
    calls++;
    onPage(page.Results ?? []);
    token = page.NextToken;
  } while (token);
  return calls;
}

function parseRow(row: string): Record<string, unknown> {
  return JSON.parse(row) as Record<string, unknown>;
}

async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('AWS Config sandbox through the real SDK', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 3_000 } });
  });
  afterAll(async () => {
    await sandbox.close();
  });
  afterEach(() => sandbox.setFaults({}));

  it('pages a Select to exactly the described count, without duplicates, in the fewest calls', async () => {
    const expected = expectedCount(sandbox.aws.estate, { types: [SG], account: MEMBER, region: TOKYO });
    expect(expected).toBeGreaterThan(100);
    const { rows, calls } = await selectAll(client(sandbox, MEMBER), `SELECT resourceId, accountId, awsRegion, configuration WHERE resourceType = '${SG}'`);
    expect(rows).toHaveLength(expected);
    const ids = rows.map((r) => parseRow(r).resourceId);
    expect(new Set(ids).size).toBe(expected);
    expect(calls).toBe(minimumCalls(expected));
    for (const row of rows.map(parseRow)) {
      expect(row.accountId).toBe(MEMBER);
      expect(row.awsRegion).toBe(TOKYO);
      expect(typeof row.configuration).toBe('object');
    }
  });

  it('scopes Select to the caller and the request region; global IAM roles appear in the home region only', async () => {
    const types = ['AWS::IAM::Role', 'AWS::KMS::Key'];
    const expression = `SELECT resourceType, awsRegion, accountId WHERE resourceType IN ('AWS::IAM::Role', 'AWS::KMS::Key')`;
    const home = await selectAll(client(sandbox, OTHER, TOKYO), expression);
    const homeExpected = expectedCount(sandbox.aws.estate, { types, account: OTHER, region: TOKYO }) + expectedCount(sandbox.aws.estate, { types, account: OTHER, region: 'global' });
    expect(home.rows).toHaveLength(homeExpected);
    const osaka = await selectAll(client(sandbox, OTHER, 'ap-northeast-3'), expression);
    expect(osaka.rows).toHaveLength(expectedCount(sandbox.aws.estate, { types, account: OTHER, region: 'ap-northeast-3' }));
    expect(osaka.rows.map(parseRow).every((r) => r.resourceType === 'AWS::KMS::Key')).toBe(true);
    const elsewhere = await selectAll(client(sandbox, OTHER), `SELECT resourceId WHERE resourceType = '${SG}' AND accountId = '${MEMBER}'`);
    expect(elsewhere.rows).toHaveLength(0);
  });

  it('uses the documented default page size (25) when Limit is absent', async () => {
    const page = await client(sandbox, MEMBER).send(new SelectResourceConfigCommand({ Expression: `SELECT resourceId WHERE resourceType = '${SG}'` }));
    expect(page.Results).toHaveLength(25);
    expect(page.QueryInfo?.SelectFields).toEqual([{ Name: 'resourceId' }]);
    expect(page.NextToken).toBeDefined();
  });

  it('rejects Limit above 100, bad expressions and foreign page tokens', async () => {
    const c = client(sandbox, MEMBER);
    const tooBig = await rejection(c.send(new SelectResourceConfigCommand({ Expression: `SELECT resourceId WHERE resourceType = '${SG}'`, Limit: 101 })));
    // API reference, SelectResourceConfig Errors: InvalidLimitException (400) for a limit outside 0–100.
    expect(tooBig).toMatchObject({ name: 'InvalidLimitException', status: 400 });
    expect(tooBig.message).toMatch(/outside the allowable range/);
    const aggregateTooBig = await rejection(
      client(sandbox, MANAGEMENT).send(new SelectAggregateResourceConfigCommand({ ConfigurationAggregatorName: sandbox.aws.aggregatorName, Expression: `SELECT resourceId WHERE resourceType = '${SG}'`, MaxResults: 101 })),
    );
    expect(aggregateTooBig).toMatchObject({ name: 'InvalidLimitException', status: 400 });
    const bad = await rejection(c.send(new SelectResourceConfigCommand({ Expression: `SELECT * WHERE resourceType = '${SG}'` })));
    expect(bad).toMatchObject({ name: 'InvalidExpressionException', status: 400 });
    const first = await c.send(new SelectResourceConfigCommand({ Expression: `SELECT resourceId WHERE resourceType = '${SG}'`, Limit: 10 }));
    const foreign = await rejection(
      c.send(new SelectResourceConfigCommand({ Expression: `SELECT resourceId, arn WHERE resourceType = '${SG}'`, Limit: 10, NextToken: first.NextToken ?? '' })),
    );
    expect(foreign.name).toBe('InvalidNextTokenException');
    const garbage = await rejection(c.send(new SelectResourceConfigCommand({ Expression: `SELECT resourceId WHERE resourceType = '${SG}'`, NextToken: 'bm9wZQ' })));
    expect(garbage.name).toBe('InvalidNextTokenException');
  });

  it('answers the aggregator across accounts and regions for the management account only', async () => {
    const expected = expectedCount(sandbox.aws.estate, { types: [SG] });
    const seen = new Set<string>();
    const accounts = new Set<unknown>();
    const regions = new Set<unknown>();
    const calls = await selectAggregateAll(client(sandbox, MANAGEMENT), sandbox.aws.aggregatorName, `SELECT resourceId, accountId, awsRegion WHERE resourceType = '${SG}'`, (rows) => {
      for (const row of rows.map(parseRow)) {
        seen.add(String(row.resourceId));
        accounts.add(row.accountId);
        regions.add(row.awsRegion);
      }
    });
    expect(seen.size).toBe(expected);
    expect(calls).toBe(minimumCalls(expected));
    expect([...accounts].sort()).toEqual([...sandbox.aws.accounts].sort());
    expect([...regions].sort()).toEqual([...sandbox.aws.regions].sort());

    const filtered = await client(sandbox, MANAGEMENT).send(
      new SelectAggregateResourceConfigCommand({
        ConfigurationAggregatorName: sandbox.aws.aggregatorName,
        Expression: `SELECT accountId, awsRegion WHERE resourceType = 'AWS::CloudTrail::Trail' AND accountId = '${OTHER}'`,
      }),
    );
    expect(filtered.Results?.map(parseRow)).toEqual([{ accountId: OTHER, awsRegion: TOKYO }]);

    const member = await rejection(
      client(sandbox, MEMBER).send(new SelectAggregateResourceConfigCommand({ ConfigurationAggregatorName: sandbox.aws.aggregatorName, Expression: `SELECT resourceId WHERE resourceType = '${SG}'` })),
    );
    expect(member.name).toBe('NoSuchConfigurationAggregatorException');
    const wrongName = await rejection(
      client(sandbox, MANAGEMENT).send(new SelectAggregateResourceConfigCommand({ ConfigurationAggregatorName: 'other', Expression: `SELECT resourceId WHERE resourceType = '${SG}'` })),
    );
    expect(wrongName.name).toBe('NoSuchConfigurationAggregatorException');
    const tooBig = await rejection(
      client(sandbox, MANAGEMENT).send(
        new SelectAggregateResourceConfigCommand({ ConfigurationAggregatorName: sandbox.aws.aggregatorName, Expression: `SELECT resourceId WHERE resourceType = '${SG}'`, MaxResults: 500 }),
      ),
    );
    expect(tooBig.name).toBe('InvalidLimitException');
  });

  it('returns S3 buckets\' whole supplementaryConfiguration in Select as the recorded row does; BatchGet the same as JSON strings', async () => {
    const c = client(sandbox, MEMBER);
    const buckets = await c.send(new SelectResourceConfigCommand({ Expression: `SELECT resourceId, configuration, supplementaryConfiguration WHERE resourceType = '${BUCKET}'`, Limit: 5 }));
    const rows = (buckets.Results ?? []).map(parseRow);
    expect(rows).toHaveLength(5);
    // The recorded row (select_s3_bucket_no_sse.json): objects, the ACL as AWS Config's JSON string, no null anywhere.
    const [recorded] = selectRows('select_s3_bucket_no_sse');
    const recordedKeys = Object.keys(recorded!.supplementaryConfiguration as object).filter((k) => k !== 'BucketLifecycleConfiguration');
    for (const row of rows) {
      expect(row.configuration).toHaveProperty('name', row.resourceId);
      expect(row.configuration).not.toHaveProperty('owner.displayName');
      const supplementary = row.supplementaryConfiguration as Record<string, unknown>;
      expect(Object.keys(supplementary)).toEqual(expect.arrayContaining(recordedKeys));
      expect(typeof supplementary.AccessControlList).toBe('string');
      expect(typeof supplementary.BucketPolicy).toBe('object');
      expect(containsNull(row)).toBe(false);
    }
    // A bucket without server access logging: {} in the row, as recorded, where the item has null properties.
    const all = await c.send(new SelectResourceConfigCommand({ Expression: `SELECT resourceId, supplementaryConfiguration WHERE resourceType = '${BUCKET}'`, Limit: 100 }));
    expect((all.Results ?? []).map(parseRow).some((r) => JSON.stringify((r.supplementaryConfiguration as Record<string, unknown>).BucketLoggingConfiguration) === '{}')).toBe(true);
    const keys = await c.send(new SelectResourceConfigCommand({ Expression: `SELECT supplementaryConfiguration WHERE resourceType = 'AWS::KMS::Key'`, Limit: 1 }));
    expect(parseRow(keys.Results?.[0] ?? '{}').supplementaryConfiguration).toHaveProperty('KeyRotationStatus');

    // The fault knob leaves it out of chosen rows (the case the collector must survive), the same rows every time.
    sandbox.setFaults({ supplementaryOmittedRate: 1 });
    const omitted = await c.send(new SelectResourceConfigCommand({ Expression: `SELECT resourceId, supplementaryConfiguration WHERE resourceType = '${BUCKET}'`, Limit: 5 }));
    sandbox.setFaults({});
    for (const row of (omitted.Results ?? []).map(parseRow)) expect(row).not.toHaveProperty('supplementaryConfiguration');

    const got = await c.send(new BatchGetResourceConfigCommand({ resourceKeys: rows.map((r) => ({ resourceType: BUCKET, resourceId: String(r.resourceId) })) }));
    const items = got.baseConfigurationItems ?? [];
    expect(items).toHaveLength(5);
    expect(got.unprocessedResourceKeys).toEqual([]);
    for (const item of items) {
      expect(item).toMatchObject({ accountId: MEMBER, awsRegion: TOKYO, resourceType: BUCKET, version: '1.3', availabilityZone: 'Regional' });
      expect(item.configurationItemCaptureTime).toBeInstanceOf(Date);
      expect(typeof item.configuration).toBe('string');
      expect(JSON.parse(item.configuration ?? '')).toHaveProperty('name', item.resourceId);
      const supplementary = item.supplementaryConfiguration ?? {};
      for (const value of Object.values(supplementary)) expect(typeof value).toBe('string');
      const policy = JSON.parse(supplementary.BucketPolicy ?? '{}') as { policyText: string | null };
      if (policy.policyText !== null) expect(JSON.parse(policy.policyText)).toHaveProperty('Statement');
      expect(JSON.parse(supplementary.PublicAccessBlockConfiguration ?? '')).toHaveProperty('blockPublicAcls');
      expect(normalizeConfigItem(item).kind).toBe('resource');
    }
    // "The API does not return results for deleted resources": the knob makes listed items count as deleted since.
    sandbox.setFaults({ deletedSinceListedRate: 1 });
    const gone = await c.send(new BatchGetResourceConfigCommand({ resourceKeys: rows.map((r) => ({ resourceType: BUCKET, resourceId: String(r.resourceId) })) }));
    expect(gone.baseConfigurationItems).toEqual([]);
    expect(gone.unprocessedResourceKeys).toEqual([]);
  });

  it('BatchGet returns only the caller’s own resources in the request region and rejects more than 100 keys', async () => {
    const c = client(sandbox, MEMBER);
    const page = await c.send(new SelectResourceConfigCommand({ Expression: `SELECT resourceId WHERE resourceType = '${SG}'`, Limit: 3 }));
    const ids = (page.Results ?? []).map((r) => String(parseRow(r).resourceId));
    const mine = await c.send(
      new BatchGetResourceConfigCommand({ resourceKeys: [...ids.map((resourceId) => ({ resourceType: SG, resourceId })), { resourceType: SG, resourceId: 'sg-0000000000000000a' }] }),
    );
    expect(mine.baseConfigurationItems?.map((i) => i.resourceId)).toEqual(ids);
    const theirs = await client(sandbox, OTHER).send(new BatchGetResourceConfigCommand({ resourceKeys: ids.map((resourceId) => ({ resourceType: SG, resourceId })) }));
    expect(theirs.baseConfigurationItems).toEqual([]);
    const tooMany = await rejection(
      c.send(new BatchGetResourceConfigCommand({ resourceKeys: Array.from({ length: 101 }, (_, i) => ({ resourceType: SG, resourceId: `sg-${i}` })) })),
    );
    expect(tooMany).toMatchObject({ name: 'ValidationException', status: 400 });
  });

  it('BatchGetAggregateResourceConfig fetches across accounts by source account and region', async () => {
    const mgmt = client(sandbox, MANAGEMENT);
    const page = await mgmt.send(
      new SelectAggregateResourceConfigCommand({
        ConfigurationAggregatorName: sandbox.aws.aggregatorName,
        Expression: `SELECT resourceId, resourceType, accountId, awsRegion WHERE resourceType IN ('AWS::S3::Bucket', 'AWS::RDS::DBInstance') AND accountId = '${OTHER}'`,
        Limit: 6,
      }),
    );
    const rows = (page.Results ?? []).map(parseRow);
    const got = await mgmt.send(
      new BatchGetAggregateResourceConfigCommand({
        ConfigurationAggregatorName: sandbox.aws.aggregatorName,
        ResourceIdentifiers: rows.map((r) => ({ SourceAccountId: String(r.accountId), SourceRegion: String(r.awsRegion), ResourceId: String(r.resourceId), ResourceType: String(r.resourceType) as ResourceType })),
      }),
    );
    const items: BaseConfigurationItem[] = got.BaseConfigurationItems ?? [];
    expect(items.map((i) => i.resourceId)).toEqual(rows.map((r) => r.resourceId));
    expect(got.UnprocessedResourceIdentifiers).toEqual([]);
    for (const item of items) expect(item.accountId).toBe(OTHER);
  });

  it('every type’s Select rows and BatchGet items normalize cleanly', async () => {
    const mgmt = client(sandbox, MANAGEMENT);
    for (const type of AWS_RESOURCE_TYPES) {
      const page = await mgmt.send(
        new SelectAggregateResourceConfigCommand({
          ConfigurationAggregatorName: sandbox.aws.aggregatorName,
          Expression: `SELECT resourceId, resourceType, resourceName, accountId, awsRegion, arn, availabilityZone, configuration, supplementaryConfiguration, tags, relationships, configurationItemCaptureTime, configurationItemStatus, resourceCreationTime WHERE resourceType = '${type}'`,
          Limit: 3,
        }),
      );
      expect(page.Results?.length).toBeGreaterThan(0);
      for (const row of (page.Results ?? []).map(parseRow)) {
        const outcome = normalizeConfigItem(row);
        expect(outcome.kind).toBe('resource');
        if (outcome.kind === 'resource') expect(outcome.resource.malformed).toBeUndefined();
      }
    }
  });

  it('describes a recorder that records everything', async () => {
    const c = client(sandbox, MEMBER);
    const recorders = await c.send(new DescribeConfigurationRecordersCommand({}));
    expect(recorders.ConfigurationRecorders?.[0]?.recordingGroup).toMatchObject({ allSupported: true, includeGlobalResourceTypes: true });
    const status = await c.send(new DescribeConfigurationRecorderStatusCommand({}));
    expect(status.ConfigurationRecordersStatus?.[0]).toMatchObject({ name: 'default', recording: true, lastStatus: 'Success' });
  });

  it('rejects unknown access keys and unknown operations, and logs them', async () => {
    sandbox.resetCalls();
    const stranger = await raw(sandbox, MEMBER, 'SelectResourceConfig', {}, 'AKIAIOSFODNN7EXAMPLE');
    expect(stranger.status).toBe(400);
    expect(stranger.headers.get('x-amzn-errortype')).toBe('UnrecognizedClientException');
    const unknown = await raw(sandbox, MEMBER, 'StartConfigurationRecorder', { ConfigurationRecorderName: 'default' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
    expect(sandbox.calls().byOperation).toEqual({ SelectResourceConfig: 1, StartConfigurationRecorder: 1 });
    expect(sandbox.writeOperations()).toEqual(['StartConfigurationRecorder']);
    sandbox.resetCalls();
  });

  it('throttles as AWS Config does: ThrottlingException (400, awsJson1_1 shape) and never a Retry-After', async () => {
    sandbox.setFaults({ throttleRate: 1 });
    const sdk = await rejection(client(sandbox, MEMBER).send(new SelectResourceConfigCommand({ Expression: `SELECT resourceId WHERE resourceType = '${SG}'` })));
    expect(sdk).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded', status: 400 });
    const plain = await raw(sandbox, MEMBER, 'SelectResourceConfig', { Expression: `SELECT resourceId WHERE resourceType = '${SG}'` });
    expect(plain.status).toBe(400);
    expect(plain.headers.get('x-amzn-errortype')).toBe('ThrottlingException');
    expect(plain.headers.get('retry-after')).toBeNull();
    expect(await plain.json()).toEqual({ __type: 'ThrottlingException', message: 'Rate exceeded' });
    // The knob serves Azure's and GCP's hints; AWS documents none for ThrottlingException.
    sandbox.setFaults({ throttleRate: 1, throttleRetryAfterSeconds: 3 });
    const later = await raw(sandbox, MEMBER, 'SelectResourceConfig', { Expression: `SELECT resourceId WHERE resourceType = '${SG}'` });
    expect(later.headers.get('x-amzn-errortype')).toBe('ThrottlingException');
    expect(later.headers.get('retry-after')).toBeNull();
  });

  it('enforces a per-account token bucket', async () => {
    sandbox.setFaults({ ratePerSecond: 5 });
    const statuses = await Promise.all(Array.from({ length: 20 }, () => raw(sandbox, MEMBER, 'DescribeConfigurationRecorders', {}).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(5);
    expect(statuses.filter((s) => s === 400).length).toBeGreaterThan(0);
    // Another account has its own bucket.
    expect((await raw(sandbox, OTHER, 'DescribeConfigurationRecorders', {})).status).toBe(200);
  });

  it('fails with 500/503 server errors', async () => {
    sandbox.setFaults({ serverErrorRate: 1 });
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const e = await rejection(client(sandbox, MEMBER).send(new DescribeConfigurationRecordersCommand({})));
      seen.add(`${e.status}:${e.name}`);
    }
    expect([...seen].sort()).toEqual(['500:InternalFailure', '503:ServiceUnavailable']);
  });

  it('denies access to listed accounts only', async () => {
    sandbox.setFaults({ accessDeniedAccounts: [OTHER] });
    const denied = await rejection(client(sandbox, OTHER).send(new SelectResourceConfigCommand({ Expression: `SELECT resourceId WHERE resourceType = '${SG}'` })));
    expect(denied).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    const allowed = await client(sandbox, MEMBER).send(new SelectResourceConfigCommand({ Expression: `SELECT resourceId WHERE resourceType = '${SG}'` }));
    expect(allowed.Results?.length).toBe(25);
  });

  it('serves malformed rows deterministically per item', async () => {
    sandbox.setFaults({ malformedRate: 0.3 });
    const expression = `SELECT resourceId, configuration WHERE resourceType = '${SG}'`;
    const broken = (rows: readonly string[]): number[] =>
      rows.flatMap((row, i) => {
        try {
          return typeof parseRow(row).configuration === 'string' ? [i] : [];
        } catch {
          return [i];
        }
      });
    const first = await client(sandbox, MEMBER).send(new SelectResourceConfigCommand({ Expression: expression, Limit: 100 }));
    const again = await client(sandbox, MEMBER).send(new SelectResourceConfigCommand({ Expression: expression, Limit: 100 }));
    const bad = broken(first.Results ?? []);
    expect(bad.length).toBeGreaterThan(10);
    expect(bad.length).toBeLessThan(50);
    expect(broken(again.Results ?? [])).toEqual(bad);
    for (const i of bad) {
      const row = first.Results?.[i] ?? '';
      let outcome;
      try {
        outcome = normalizeConfigItem(parseRow(row));
      } catch {
        continue; // unparseable row: the collector records it as malformed itself
      }
      expect(outcome.kind === 'resource' && outcome.resource.malformed).toBeTruthy();
    }
  });

  it('truncates page bodies so the SDK fails to deserialize', async () => {
    sandbox.setFaults({ truncatedPageRate: 1 });
    const e = await rejection(client(sandbox, MEMBER).send(new SelectResourceConfigCommand({ Expression: `SELECT resourceId WHERE resourceType = '${SG}'` })));
    expect(e.status).toBe(200);
    expect(e.name).toMatch(/SyntaxError|Deserialization/);
    const response = await raw(sandbox, MEMBER, 'SelectResourceConfig', { Expression: `SELECT resourceId WHERE resourceType = '${SG}'` });
    const text = await response.text();
    expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(() => JSON.parse(text) as unknown).toThrow();
  });

  it('skews the Date header', async () => {
    sandbox.setFaults({ clockSkewSeconds: -3600 });
    const response = await raw(sandbox, MEMBER, 'DescribeConfigurationRecorders', {});
    const skew = (Date.parse(response.headers.get('date') ?? '') - Date.now()) / 1000;
    expect(skew).toBeGreaterThan(-3700);
    expect(skew).toBeLessThan(-3500);
  });

  it('logs every call and never sees a write from read-only clients', async () => {
    sandbox.resetCalls();
    await client(sandbox, MEMBER).send(new SelectResourceConfigCommand({ Expression: `SELECT resourceId WHERE resourceType = '${SG}'` }));
    sandbox.setFaults({ throttleRate: 1 });
    await rejection(client(sandbox, OTHER, 'us-east-1').send(new DescribeConfigurationRecordersCommand({})));
    const calls = sandbox.calls();
    expect(calls.byOperation).toEqual({ SelectResourceConfig: 1, DescribeConfigurationRecorders: 1 });
    expect(calls.list).toEqual([
      { provider: 'aws', operation: 'SelectResourceConfig', account: MEMBER, region: TOKYO, status: 200 },
      { provider: 'aws', operation: 'DescribeConfigurationRecorders', account: OTHER, region: 'us-east-1', status: 400, error: 'ThrottlingException' },
    ]);
    expect(sandbox.writeOperations()).toEqual([]);
  });
});

describe('AWS sandbox determinism and scale', () => {
  it('serves identical items for the same seed and different ones for another', async () => {
    const [a, b, c] = await Promise.all([startSandbox({ aws: { seed: 42 } }), startSandbox({ aws: { seed: 42 } }), startSandbox({ aws: { seed: 43 } })]);
    try {
      const expression = `SELECT resourceId, configuration, supplementaryConfiguration, tags WHERE resourceType IN ('AWS::EC2::SecurityGroup', 'AWS::RDS::DBInstance')`;
      const [ra, rb, rc] = await Promise.all([a, b, c].map((s) => selectAll(client(s, MEMBER), expression)));
      expect(ra?.rows.length).toBeGreaterThan(0);
      expect(rb?.rows).toEqual(ra?.rows);
      expect(rc?.rows).not.toEqual(ra?.rows);
    } finally {
      await Promise.all([a, b, c].map((s) => s.close()));
    }
  });

  it('keeps memory flat while paging 200,000 resources', async () => {
    const sandbox = await startSandbox({ aws: { resources: 200_000 } });
    try {
      const types = ['AWS::EC2::SecurityGroup', 'AWS::EC2::Volume', 'AWS::S3::Bucket', 'AWS::EC2::Subnet', 'AWS::IAM::Role', 'AWS::KMS::Key', 'AWS::RDS::DBInstance', 'AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::EC2::NetworkAcl', 'AWS::EC2::PrefixList', 'AWS::EC2::Instance', 'AWS::Lambda::Function', 'AWS::Backup::RecoveryPoint'];
      const expected = expectedCount(sandbox.aws.estate, { types });
      // These types hold most of the estate (about 85 %).
      expect(expected).toBeGreaterThan(160_000);
      const before = process.memoryUsage();
      let seen = 0;
      let peakHeap = before.heapUsed;
      await selectAggregateAll(
        client(sandbox, MANAGEMENT),
        sandbox.aws.aggregatorName,
        `SELECT resourceId, configuration WHERE resourceType IN (${types.map((t) => `'${t}'`).join(', ')})`,
        (rows) => {
          seen += rows.length;
          peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
        },
      );
      expect(seen).toBe(expected);
      // Loose: the estate is never materialized, so the heap grows by garbage only, not by ~200k items (~1 GB).
      expect(peakHeap - before.heapUsed).toBeLessThan(300 * 1024 * 1024);
    } finally {
      await sandbox.close();
    }
  }, 120_000);
});
