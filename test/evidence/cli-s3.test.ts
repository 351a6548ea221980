/** `kansa snapshot` and `kansa verify` on an s3:// location (sandbox S3 with Object Lock, real client-s3). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ASSESSMENT_FILE } from '../../src/evidence/format.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { startAgent } from '../../src/agent/runtime.js';
import { loadConfig } from '../../src/config/load.js';
import { capturedLogger, kansa, tempDir } from './helpers.js';

const ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE'] as const;

describe('kansa snapshot and verify on s3://', () => {
  let sandbox: Sandbox;
  const saved = new Map<string, string | undefined>();
  let config: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 10 }, s3: { bucket: 'kansa-cli-evidence' } });
    for (const name of ENV) {
      saved.set(name, process.env[name]);
      delete process.env[name];
    }
    // The default credential chain, as in production: the sandbox S3 accepts only its own keys.
    process.env['AWS_ACCESS_KEY_ID'] = sandbox.s3.credentials.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = sandbox.s3.credentials.secretAccessKey;
    config = join(tempDir('kansa-cli-s3-'), 'kansa.yaml');
    writeFileSync(
      config,
      `evidence:\n  store:\n    type: s3\n    bucket: ${sandbox.s3.bucket}\n    prefix: prod/\n    region: ${sandbox.s3.region}\n    endpoint: ${sandbox.s3.endpoint}\n    objectLock: { mode: GOVERNANCE, days: 1 }\n`,
    );
  });
  afterAll(async () => {
    for (const name of ENV) {
      const value = saved.get(name);
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await sandbox.close();
  });

  it('writes snapshots to the configured store, verifies them, and fails verification after an overwrite', async () => {
    const first = await kansa('snapshot', '--sandbox', '--sandbox-resources', '100', '--config', config, '--output', 'json');
    expect(first.stderr).not.toContain('kansa: ');
    expect(first.code).toBe(0);
    const { name, dir } = JSON.parse(first.stdout) as { name: string; dir: string };
    expect(dir).toBe(`s3://${sandbox.s3.bucket}/prod/`);
    expect((await kansa('snapshot', '--sandbox', '--sandbox-resources', '100', '--dir', `s3://${sandbox.s3.bucket}/prod`, '--config', config)).code).toBe(0);

    const verified = await kansa('verify', `s3://${sandbox.s3.bucket}/prod/`, '--config', config);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(`verified: 2 snapshots and 0 pruned manifests in s3://${sandbox.s3.bucket}/prod/`);

    const client = new S3Client({ region: sandbox.s3.region, endpoint: sandbox.s3.endpoint, forcePathStyle: true, credentials: sandbox.s3.credentials });
    try {
      await client.send(new PutObjectCommand({ Bucket: sandbox.s3.bucket, Key: `prod/${name}/${ASSESSMENT_FILE}`, Body: Buffer.from('{}\n') }));
    } finally {
      client.destroy();
    }
    const tampered = await kansa('verify', `s3://${sandbox.s3.bucket}/prod/`, '--config', config);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain(`FAILED: first broken: ${name}: ${ASSESSMENT_FILE}:`);
  });

  it('refuses, in kansa snapshot and at agent start-up, a store whose objects would be written unlocked', async () => {
    // The sandbox bucket has Object Lock enabled but no default retention: without objectLock, objects would have no lock.
    const unlocked = join(tempDir('kansa-cli-s3-'), 'kansa.yaml');
    writeFileSync(unlocked, `evidence:\n  store:\n    type: s3\n    bucket: ${sandbox.s3.bucket}\n    prefix: unlocked/\n    region: ${sandbox.s3.region}\n    endpoint: ${sandbox.s3.endpoint}\n`);
    const reason = `s3://${sandbox.s3.bucket}/unlocked/: cannot hold evidence: no objectLock configured and the bucket has no default retention: objects would be written unlocked`;
    const snapshot = await kansa('snapshot', '--sandbox', '--sandbox-resources', '100', '--config', unlocked);
    expect(snapshot.code).toBe(2);
    expect(snapshot.stderr).toContain(`kansa: ${reason}`);

    // jest gives each test file its own process.env: the engine thread gets the credentials explicitly.
    const started = startAgent({ config: loadConfig(unlocked), logger: capturedLogger().logger, listen: '127.0.0.1:0', env: { ...process.env } });
    await expect(started.then((agent) => agent.stop().then(() => 'started'))).rejects.toThrow(reason);
    expect(sandbox.s3.keys().filter((k) => k.startsWith('unlocked/'))).toEqual([]);
  });

  it('exits 2 naming the location when an s3:// location has no region', async () => {
    const run = await kansa('verify', `s3://${sandbox.s3.bucket}/prod/`);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`kansa: s3://${sandbox.s3.bucket}/prod/: no region: set AWS_REGION or configure evidence.store for this bucket`);
  });
});
