/**
 * Issue #11, "Done when" for AWS, end to end: `kansa scan --output json` (the built CLI, its production
 * AWS clients) against a sandbox serving one account with data in ap-northeast-1 and us-east-1. The
 * configuration names the account and AWS Config's endpoint; STS and the Account API are reached through
 * AWS_ENDPOINT_URL, the credentials are the sandbox's key for the account (aws-credentials.ts).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { bundledMappings } from '../support/evaluate.js';
import { tempFiles } from '../support/files.js';

const run = promisify(execFile);
const ACCOUNT = '111111111111';
const RESIDENCY = 'aws-data-stored-in-japan';
const RECORDING = 'aws-config-recording-all-regions';
const IAM = /^AWS::IAM::/;

interface ScanJson {
  readonly findings: readonly { control: string; region: string; resourceId: string; status: string; reason?: string }[];
  readonly requirements: readonly { id: string; status: string }[];
}

async function scan(sandbox: Sandbox, regions?: readonly string[]): Promise<ScanJson> {
  const files = tempFiles({
    'kansa.yaml': [
      'collectors:',
      '  aws:',
      `    accounts: [{ id: "${ACCOUNT}" }]`,
      `    endpoint: ${sandbox.aws.endpoint}`,
      ...(regions ? [`    regions: [${regions.join(', ')}]`] : []),
      '',
    ].join('\n'),
  });
  const credentials = sandbox.aws.credentialsFor(ACCOUNT);
  const { stdout } = await run(process.execPath, [join(PACKAGE_ROOT, 'bin', 'kansa.js'), 'scan', '--config', files['kansa.yaml']!, '--output', 'json'], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: files.dir,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL: sandbox.aws.endpoint,
      AWS_CONFIG_FILE: join(files.dir, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(files.dir, 'none'),
    },
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(stdout) as ScanJson;
}

/**
 * Requirements some enabled AWS control evidences by judging each region's data: `each` controls and
 * per-region `exists` controls over a regional (non-IAM) type. An account-wide `exists` control (a
 * multi-region trail, a web ACL) is settled by one satisfying resource anywhere in the account, so a
 * blind region cannot change its pass.
 */
function readingRegionalData(): Set<string> {
  const { controls, catalog } = bundledMappings();
  return new Set(
    controls
      .filter((c) => c.provider === 'aws' && c.id !== RECORDING && (c.kind === 'each' || c.scope === 'region') && c.resourceTypes.some((t) => !IAM.test(t)))
      .flatMap((c) => c.requirements[catalog.id] ?? []),
  );
}

describe('kansa scan sees every enabled AWS region, or says what it did not see', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 300, seed: 1, accounts: [ACCOUNT], regions: ['ap-northeast-1', 'us-east-1'] } });
  });
  afterAll(async () => sandbox.close());
  beforeEach(() => sandbox.aws.setRecording({}));

  it('without regions: data in us-east-1 fails residency', async () => {
    const result = await scan(sandbox);
    const failing = result.findings.filter((f) => f.control === RESIDENCY && f.status === 'fail' && f.region === 'us-east-1');
    expect(failing.length).toBeGreaterThan(0);
    expect(result.requirements.find((r) => r.id === '9-6')?.status).toBe('noncompliant');
  });

  it('with regions: [ap-northeast-1]: an unknown residency finding names us-east-1, and 9-6 is not compliant', async () => {
    const result = await scan(sandbox, ['ap-northeast-1']);
    const residency = result.findings.filter((f) => f.control === RESIDENCY);
    expect(residency.filter((f) => f.region === 'us-east-1' && f.status !== 'unknown')).toEqual([]);
    expect(residency.some((f) => f.status === 'unknown' && (f.region === 'us-east-1' || (f.reason ?? '').includes('us-east-1')))).toBe(true);
    expect(result.requirements.find((r) => r.id === '9-6')?.status).not.toBe('compliant');
  });

  it('with the recorder off in us-east-1: the recording control fails there, and nothing reading its data is compliant', async () => {
    sandbox.aws.setRecording({ recorderOff: ['us-east-1'] });
    const result = await scan(sandbox);
    expect(result.findings.find((f) => f.control === RECORDING && f.resourceId === `${ACCOUNT}/us-east-1`)?.status).toBe('fail');
    expect(result.findings.find((f) => f.control === RECORDING && f.region === 'ap-northeast-1')?.status).toBe('pass');
    const compliant = result.requirements.filter((r) => readingRegionalData().has(r.id) && r.status === 'compliant').map((r) => r.id);
    expect(compliant).toEqual([]);
  });
});
