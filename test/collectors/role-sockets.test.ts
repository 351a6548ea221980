/**
 * Issue #18: the SDK's temporary-credentials provider builds its own STS client for each role. Its
 * sockets must count against the collector's bound like every other client's: with a pool of one
 * socket, the AssumeRole calls for two roles and the calls made with the roles' credentials all travel
 * over that one connection (before, each role's STS client opened a connection of its own).
 */
import { DescribeConfigurationRecordersCommand } from '@aws-sdk/client-config-service';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { defaultAwsClients } from '../../collectors/aws/default-clients.js';
import { sandboxRoleArn, startSandbox, type Sandbox } from '../../src/sandbox/server.js';

const MANAGEMENT = '111111111111';
const MEMBERS = ['222222222222', '333333333333'] as const;
const REGION = 'ap-northeast-1';
const ENV = ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'] as const;

describe('role credentials and the socket bound', () => {
  let sandbox: Sandbox;
  const saved = new Map<string, string | undefined>();
  beforeAll(async () => {
    sandbox = await startSandbox({ aws: { resources: 50, seed: 2, accounts: [MANAGEMENT, ...MEMBERS], regions: [REGION] } });
    for (const name of ENV) saved.set(name, process.env[name]);
    // The production clients read the management account's keys and the endpoint from the environment, as `kansa run` would.
    const management = sandbox.aws.credentialsFor(MANAGEMENT);
    process.env['AWS_ENDPOINT_URL'] = sandbox.aws.endpoint;
    process.env['AWS_ACCESS_KEY_ID'] = management.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = management.secretAccessKey;
    process.env['AWS_CONFIG_FILE'] = '/nonexistent/kansa-test-aws-config';
    process.env['AWS_SHARED_CREDENTIALS_FILE'] = '/nonexistent/kansa-test-aws-credentials';
  });
  afterAll(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await sandbox.close();
  });

  it('sends AssumeRole through the pool’s agents: one connection for everything when the bound is one', async () => {
    const clients = defaultAwsClients(undefined, 1);
    sandbox.resetCalls();
    try {
      for (const account of MEMBERS) {
        const target = { account, region: REGION, roleArn: sandboxRoleArn(account) };
        const identity = await clients.sts(target).send(new GetCallerIdentityCommand({}));
        // The role was really assumed: the caller is the member account, not the management one.
        expect(identity.Account).toBe(account);
        await clients.config(target).send(new DescribeConfigurationRecordersCommand({}));
      }
      expect(sandbox.calls().byOperation['AssumeRole']).toBe(MEMBERS.length);
      expect(sandbox.connections().aws).toBe(1);
    } finally {
      clients.close();
    }
  });
});
