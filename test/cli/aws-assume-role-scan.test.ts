/**
 * Issue #19, "Done when" for role assumption, end to end: `kansa scan --output json` (the built CLI, its
 * production AWS clients and the SDK's temporary-credentials provider) against a sandbox whose STS serves
 * AssumeRole on the same endpoint. The process holds only the management account's keys; each member
 * account is reached through its `KansaReadOnly` role (roleArn / externalId in the configuration), and
 * AWS_ENDPOINT_URL points every client (AWS Config, STS, the Account API, the provider's own STS client)
 * at the sandbox. Nothing here uses the sandbox client factory that signs per account.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { sandboxRoleArn, startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { tempFiles } from '../support/files.js';

const run = promisify(execFile);
const MANAGEMENT = '111111111111';
const MEMBERS = ['222222222222', '333333333333'] as const;
const REGION = 'ap-northeast-1';

interface ScanJson {
  readonly findings: readonly { control: string; account: string; status: string; reason?: { en?: string } | string }[];
  readonly coverage: readonly { provider: string; account: string; region: string; outcome: { status: string; error?: string } }[];
}

async function scan(sandbox: Sandbox, accounts: readonly string[]): Promise<{ json: ScanJson; code: number }> {
  const files = tempFiles({
    'kansa.yaml': ['collectors:', '  aws:', '    accounts:', ...accounts.map((a) => `      - ${a}`), `    regions: [${REGION}]`, ''].join('\n'),
  });
  const management = sandbox.aws.credentialsFor(MANAGEMENT);
  const options = {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: files.dir,
      AWS_ACCESS_KEY_ID: management.accessKeyId,
      AWS_SECRET_ACCESS_KEY: management.secretAccessKey,
      AWS_ENDPOINT_URL: sandbox.aws.endpoint,
      AWS_CONFIG_FILE: join(files.dir, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(files.dir, 'none'),
    },
    maxBuffer: 256 * 1024 * 1024,
  };
  const args = [join(PACKAGE_ROOT, 'bin', 'kansa.js'), 'scan', '--config', files['kansa.yaml']!, '--output', 'json'];
  try {
    const { stdout } = await run(process.execPath, args, options);
    return { json: JSON.parse(stdout) as ScanJson, code: 0 };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: number };
    if (!e.stdout) throw new Error(`kansa scan failed without output: ${e.stderr ?? String(error)}`, { cause: error });
    return { json: JSON.parse(e.stdout) as ScanJson, code: e.code ?? -1 };
  }
}

const account = (id: string, externalId?: string): string => `{ id: "${id}", roleArn: "${sandboxRoleArn(id)}"${externalId ? `, externalId: "${externalId}"` : ''} }`;

describe('kansa scan assumes each account’s role through STS with the management account’s credentials', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 300, seed: 1, accounts: [MANAGEMENT, ...MEMBERS], regions: [REGION] } });
  });
  afterAll(async () => sandbox.close());
  beforeEach(() => {
    sandbox.aws.setRecording({});
    sandbox.resetCalls();
  });

  it('attributes every finding to the role’s account; AWS Config sees only the roles’ accounts calling', async () => {
    const { json } = await scan(sandbox, MEMBERS.map((a) => account(a)));
    expect(new Set(json.findings.map((f) => f.account))).toEqual(new Set(MEMBERS));
    expect(json.coverage.filter((s) => s.provider === 'aws').every((s) => s.outcome.status === 'ok')).toBe(true);
    const calls = sandbox.calls().list.filter((c) => c.provider === 'aws');
    // One AssumeRole per role (the provider caches the credentials), signed by the management account.
    const assumed = calls.filter((c) => c.operation === 'AssumeRole');
    expect(assumed.map((c) => `${c.account} ${c.status}`)).toEqual(MEMBERS.map(() => `${MANAGEMENT} 200`));
    // Everything else was signed with the temporary credentials, which name the role's account.
    const rest = calls.filter((c) => c.operation !== 'AssumeRole');
    expect(new Set(rest.map((c) => c.account))).toEqual(new Set(MEMBERS));
    expect(rest.some((c) => c.operation === 'SelectResourceConfig')).toBe(true);
  });

  it('passes the external id the role requires', async () => {
    sandbox.aws.setRecording({ roleExternalId: 'kansa-ext-0001' });
    const { json } = await scan(sandbox, [account(MEMBERS[0], 'kansa-ext-0001')]);
    expect(new Set(json.findings.map((f) => f.account))).toEqual(new Set([MEMBERS[0]]));
    expect(json.coverage.every((s) => s.outcome.status === 'ok')).toBe(true);
  });

  it('a wrong or missing external id is AccessDenied: a failed scope, never a failing finding', async () => {
    sandbox.aws.setRecording({ roleExternalId: 'kansa-ext-0001' });
    const { json } = await scan(sandbox, [account(MEMBERS[0], 'wrong-external-id'), account(MEMBERS[1])]);
    const scopes = json.coverage.filter((s) => s.provider === 'aws');
    expect(new Set(scopes.map((s) => s.account))).toEqual(new Set(MEMBERS));
    for (const scope of scopes) {
      expect(scope.outcome.status).toBe('failed');
      expect(scope.outcome.error).toMatch(/AccessDenied.*sts:AssumeRole/);
    }
    expect(json.findings.filter((f) => f.status === 'fail')).toEqual([]);
    expect(json.findings.length).toBeGreaterThan(0);
    const calls = sandbox.calls().list.filter((c) => c.provider === 'aws');
    expect(calls.filter((c) => c.operation === 'AssumeRole').every((c) => c.error === 'AccessDenied' && c.account === MANAGEMENT)).toBe(true);
    // Nothing reached AWS Config: no credentials, no calls.
    expect(calls.filter((c) => c.operation !== 'AssumeRole')).toEqual([]);
  });
});
