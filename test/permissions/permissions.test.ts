/** Least privilege: generated roles match the checked-in files, hold only reads, and cover every call the collectors make. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'yaml';
import { AWS_PERMISSIONS } from '../../collectors/aws/permissions.js';
import { AwsConfigCollector, TYPES_WITH_SUPPLEMENTARY } from '../../collectors/aws/config-service.js';
import { sandboxAwsClients } from '../../collectors/aws/sandbox-clients.js';
import { main, type Io } from '../../src/cli/main.js';
import { awsCollectorSchema } from '../../collectors/aws/config.js';
import { configSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import type { ProviderId } from '../../src/model/resource.js';
import { generatePermissions, modesOf, PERMISSION_DECLARATIONS, PROVIDERS, renderRole } from '../../src/permissions/generate.js';
import { isReadOnlyAction } from '../../src/permissions/model.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { Evaluation } from '../../src/evaluate/evaluate.js';
import { bundledMappings } from '../support/evaluate.js';

const CHECKED_IN: Readonly<Record<ProviderId, { file: string; format: 'json' | 'yaml' }>> = {
  aws: { file: 'deploy/iam/aws-policy.json', format: 'json' },
  azure: { file: 'deploy/iam/azure-role.json', format: 'json' },
  gcp: { file: 'deploy/iam/gcp-role.yaml', format: 'yaml' },
};

/** Written independently of the generator's own check, so a loosened regex there is still caught here. */
const READ_VERBS: Readonly<Record<ProviderId, (action: string) => boolean>> = {
  // iam:GenerateCredentialReport starts the credential report and changes nothing: the one named exception.
  aws: (a) => /^(config|account|sts|iam|cloudtrail|logs|cloudwatch|ec2|inspector2|securityhub|lambda):(Select|BatchGet|Describe|Get|List)[A-Z]\w*$/.test(a) || a === 'iam:GenerateCredentialReport',
  azure: (a) => a.endsWith('/read') && !a.includes('*'),
  gcp: (a) => /\.(get|list|search)[A-Za-z]*$/.test(a) && !a.includes('*'),
};

function actionsOf(provider: ProviderId, document: Record<string, unknown>): string[] {
  switch (provider) {
    case 'aws': {
      const statements = document['Statement'] as { Effect: string; Action: string[]; Resource: string }[];
      expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
      return statements.flatMap((s) => s.Action);
    }
    case 'azure':
      expect(document['DataActions']).toEqual([]);
      return document['Actions'] as string[];
    case 'gcp':
      return document['includedPermissions'] as string[];
  }
}

describe.each(PROVIDERS)('%s role', (provider) => {
  const { file, format } = CHECKED_IN[provider];
  const text = readFileSync(join(PACKAGE_ROOT, file), 'utf8');

  it(`${CHECKED_IN[provider].file} is what the generator makes from the bundled controls`, () => {
    const expected = renderRole(generatePermissions(provider, bundledMappings().controls), format);
    if (text !== expected) throw new Error(`${file} is out of date with the controls or collectors/${provider}/permissions.ts: regenerate it with \`node bin/kansa.js permissions --provider ${provider} > ${file}\` (after npm run build)`);
  });

  it('holds only read-only actions, no wildcard, and at least one', () => {
    const actions = actionsOf(provider, (format === 'json' ? JSON.parse(text) : parse(text)) as Record<string, unknown>);
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => !READ_VERBS[provider](a) || !isReadOnlyAction(provider, a))).toEqual([]);
    expect(new Set(actions).size).toBe(actions.length);
  });
});

describe('read-only check', () => {
  it.each([
    ['aws', 'config:PutConfigRule'],
    ['aws', 'config:*'],
    ['aws', 'config:StartConfigurationRecorder'],
    ['aws', 's3:GetObject*'],
    ['azure', 'Microsoft.Storage/storageAccounts/write'],
    ['azure', 'Microsoft.Storage/*/read'],
    ['azure', 'Microsoft.Storage/storageAccounts/listKeys/action'],
    ['gcp', 'cloudasset.assets.exportResource'],
    ['gcp', 'cloudasset.feeds.create'],
    ['gcp', 'cloudasset.*'],
  ] as const)('refuses %s %s', (provider, action) => {
    expect(isReadOnlyAction(provider, action)).toBe(false);
  });

  it('refuses to generate a role from a declaration that asks for a write', () => {
    const declaration = { ...AWS_PERMISSIONS, operations: [...AWS_PERMISSIONS.operations, { operation: 'PutConfigRule', actions: ['config:PutConfigRule'], reason: 'no' }] };
    expect(() => generatePermissions('aws', bundledMappings().controls, undefined, declaration)).toThrow(/non-read-only actions: config:PutConfigRule/);
  });
});

describe('declarations follow the code', () => {
  const source = (path: string): string => readFileSync(join(PACKAGE_ROOT, path), 'utf8');
  const declared = (provider: ProviderId): Set<string> => new Set(PERMISSION_DECLARATIONS[provider].operations.map((o) => o.operation));

  it('AWS: every AWS API command the collector imports is declared', () => {
    const text = ['config-service', 'identity', 'cloudtrail', 'monitoring', 'ec2-exposure', 'detection-services'].map((f) => source(`collectors/aws/${f}.ts`)).join('\n');
    const imports = [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-(?:config-service|sts|account|iam|cloudtrail|cloudwatch-logs|cloudwatch|ec2|inspector2|securityhub)'/g)].map((m) => m[1]!).join(',');
    const commands = [...imports.matchAll(/\b(\w+)Command\b/g)].map((m) => m[1]!);
    expect(commands).toEqual(expect.arrayContaining(['SelectResourceConfig', 'GetCallerIdentity', 'ListRegions', 'DescribeConfigurationRecorders', 'GenerateCredentialReport', 'ListVirtualMFADevices', 'DescribeTrails', 'GetTrailStatus', 'GetEventSelectors', 'DescribeLogGroups', 'DescribeMetricFilters', 'DescribeAlarms', 'DescribeSnapshots', 'DescribeImages', 'BatchGetAccountStatus', 'DescribeHub']));
    expect(commands.filter((c) => !declared('aws').has(c))).toEqual([]);
  });

  it('AWS: BatchGet is declared for exactly the types the collector fetches with it', () => {
    for (const operation of ['BatchGetResourceConfig', 'BatchGetAggregateResourceConfig']) {
      const pattern = new RegExp(AWS_PERMISSIONS.operations.find((o) => o.operation === operation)!.forTypesMatching!);
      const types = [...Evaluation.typesNeeded(bundledMappings().controls)].filter((t) => t.startsWith('AWS::'));
      expect(types.filter((t) => pattern.test(t)).sort()).toEqual([...TYPES_WITH_SUPPLEMENTARY].filter((t) => types.includes(t)).sort());
    }
  });

  it('Azure: every operation the collector counts is declared', () => {
    const text = source('collectors/azure/resource-manager.ts');
    const operations = new Set([...text.matchAll(/this\.call\(context, limit, '(\w+)'/g), ...text.matchAll(/\boperation: '(\w+)'/g)].map((m) => m[1]!));
    expect(operations.size).toBeGreaterThan(0);
    expect([...operations].filter((o) => !declared('azure').has(o))).toEqual([]);
  });

  it('GCP: every operation the collector counts is declared', () => {
    const operations = [...source('collectors/gcp/cloud-asset.ts').matchAll(/\bOPERATION = '(\w+)'/g)].map((m) => m[1]!);
    expect(operations.length).toBeGreaterThan(0);
    expect(operations.filter((o) => !declared('gcp').has(o))).toEqual([]);
  });
});

describe('the sandbox sees only declared, read-only calls', () => {
  const logger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));

  it.each(['accounts', 'aggregator'] as const)('AWS collector in %s mode', async (mode) => {
    const sandbox = await startSandbox({ aws: { resources: 400, seed: 5 } });
    try {
      const config = awsCollectorSchema.parse({
        accounts: sandbox.aws.accounts.map((id) => ({ id })),
        maxAttempts: 1,
        ...(mode === 'aggregator' ? { aggregator: { name: sandbox.aws.aggregatorName, region: sandbox.aws.homeRegion } } : {}),
      });
      const collector = new AwsConfigCollector(config, sandboxAwsClients(sandbox.aws));
      const controls = bundledMappings().controls.filter((c) => c.provider === 'aws');
      let resources = 0;
      const run = await collector.collect({
        types: Evaluation.typesNeeded(controls),
        onResource: () => void resources++,
        recorder: { apiCall: () => undefined, clockSample: () => undefined },
        logger,
        signal: new AbortController().signal,
        now: () => new Date(),
      });
      expect(run.coverage.every((s) => s.outcome.status === 'ok')).toBe(true);
      expect(resources).toBeGreaterThan(0);
      const called = Object.keys(sandbox.calls().byOperation);
      const allowed = new Set(generatePermissions('aws', controls, new Set([mode])).operations.map((o) => o.operation));
      expect(called.length).toBeGreaterThan(0);
      expect(called.filter((o) => !allowed.has(o))).toEqual([]);
      expect(sandbox.writeOperations()).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });
});

describe('narrowed to a configuration', () => {
  const controls = bundledMappings().controls;

  it('AWS aggregator mode needs only the aggregate actions; per-account mode only the per-account ones', () => {
    const aggregated = configSchema.parse({ collectors: { aws: { accounts: [], aggregator: { name: 'org', region: 'ap-northeast-1' } } } });
    expect(generatePermissions('aws', controls, modesOf('aws', aggregated)).actions).toEqual([
      'config:BatchGetAggregateResourceConfig',
      'config:DescribeConfigurationAggregatorSourcesStatus',
      'config:SelectAggregateResourceConfig',
    ]);
    const perAccount = configSchema.parse({ collectors: { aws: { accounts: [{ id: '111122223333' }] } } });
    expect(generatePermissions('aws', controls, modesOf('aws', perAccount)).actions).toEqual([
      'account:ListRegions',
      'cloudtrail:DescribeTrails',
      'cloudtrail:GetEventSelectors',
      'cloudtrail:GetTrailStatus',
      'cloudwatch:DescribeAlarms',
      'config:BatchGetResourceConfig',
      'config:DescribeConfigurationRecorderStatus',
      'config:DescribeConfigurationRecorders',
      'config:SelectResourceConfig',
      'ec2:DescribeImages',
      'ec2:DescribeSnapshots',
      'iam:GenerateCredentialReport',
      'iam:GetAccountPasswordPolicy',
      'iam:GetAccountSummary',
      'iam:GetCredentialReport',
      'iam:ListVirtualMFADevices',
      'inspector2:BatchGetAccountStatus',
      'lambda:ListFunctionUrlConfigs',
      'lambda:ListFunctions',
      'logs:DescribeLogGroups',
      'logs:DescribeMetricFilters',
      'securityhub:DescribeHub',
      'sts:GetCallerIdentity',
    ]);
  });

  it('AWS: the IAM actions follow the identity types the enabled controls read, and only those', () => {
    const without = (pattern: RegExp): typeof controls => controls.filter((c) => !c.resourceTypes.some((t) => pattern.test(t)));
    const iam = (list: typeof controls): string[] => generatePermissions('aws', list).actions.filter((a) => a.startsWith('iam:'));
    expect(iam(without(/^AWS::IAM::(CredentialReportUser|AccountSummary|PasswordPolicy)$/))).toEqual([]);
    expect(iam(without(/^AWS::IAM::(AccountSummary|PasswordPolicy)$/))).toEqual(['iam:GenerateCredentialReport', 'iam:GetCredentialReport']);
    expect(iam(without(/^AWS::IAM::(CredentialReportUser|PasswordPolicy)$/))).toEqual(['iam:GetAccountSummary', 'iam:ListVirtualMFADevices']);
    expect(iam(without(/^AWS::IAM::(CredentialReportUser|AccountSummary)$/))).toEqual(['iam:GetAccountPasswordPolicy']);
  });

  it('AWS: iam:GenerateCredentialReport is the only action outside the read verbs, and no other IAM write passes', () => {
    expect(isReadOnlyAction('aws', 'iam:GenerateCredentialReport')).toBe(true);
    expect(isReadOnlyAction('aws', 'iam:GenerateServiceLastAccessedDetails')).toBe(false);
    expect(isReadOnlyAction('aws', 'iam:UpdateAccountPasswordPolicy')).toBe(false);
    expect(isReadOnlyAction('azure', 'iam:GenerateCredentialReport')).toBe(false);
  });

  it('drops BatchGet when no enabled control reads S3 buckets', () => {
    const withoutBuckets = controls.filter((c) => !c.resourceTypes.includes('AWS::S3::Bucket') && !c.context.some((x) => x.type === 'AWS::S3::Bucket'));
    expect(generatePermissions('aws', withoutBuckets).actions.filter((a) => /^config:(BatchGet|Select)/.test(a))).toEqual(['config:SelectAggregateResourceConfig', 'config:SelectResourceConfig']);
  });

  it('Azure: ARM only, listed subscriptions → no Resource Graph; Subscriptions List still confirms they are visible', () => {
    const arm = configSchema.parse({ collectors: { azure: { source: 'arm', subscriptions: ['00000000-0000-0000-0000-000000000001'] } } });
    const actions = generatePermissions('azure', controls, modesOf('azure', arm)).actions;
    expect(actions).not.toContain('Microsoft.ResourceGraph/resources/read');
    expect(actions).toContain('Microsoft.Resources/subscriptions/resources/read');
    expect(actions).toContain('Microsoft.Resources/subscriptions/read');
    expect(actions.filter((a) => a.startsWith('Microsoft.Storage/storageAccounts'))).toContain('Microsoft.Storage/storageAccounts/read');
    // Azure Backup's items are listed per vault through ARM, which needs its own action; Resource Graph alone does not.
    expect(actions).toContain('Microsoft.RecoveryServices/Vaults/backupProtectedItems/read');
    expect(actions).toContain('Microsoft.Security/assessments/read');
    const graphOnly = configSchema.parse({ collectors: { azure: { source: 'resourceGraph', fallbackToArm: false, subscriptions: ['00000000-0000-0000-0000-000000000001'] } } });
    expect(generatePermissions('azure', controls, modesOf('azure', graphOnly)).actions).not.toContain('Microsoft.RecoveryServices/Vaults/backupProtectedItems/read');
  });

  it('Azure: Entra ID types need Microsoft Graph application permissions, listed beside the role and never as RBAC actions', () => {
    const generated = generatePermissions('azure', controls);
    expect(generated.actions.filter((a) => /graph/i.test(a) && !a.startsWith('Microsoft.ResourceGraph/'))).toEqual([]);
    expect(generated.graphPermissions).toEqual(['AuditLog.Read.All', 'Policy.Read.All', 'RoleManagement.Read.Directory', 'User.Read.All']);
    expect(renderRole(generated, 'table')).toMatch(/ListUserRegistrationDetails\s+Microsoft Graph: AuditLog\.Read\.All/);
    expect(renderRole(generated, 'json')).not.toMatch(/Policy\.Read\.All/);
    // Without identity controls nothing of Graph is asked for.
    const withoutIdentity = controls.filter((c) => !c.resourceTypes.some((t) => t.startsWith('microsoft.graph.')));
    expect(generatePermissions('azure', withoutIdentity).graphPermissions).toEqual([]);
  });

  it('Azure: every Microsoft Graph operation the Entra part counts is declared', () => {
    const operations = [...readFileSync(join(PACKAGE_ROOT, 'collectors/azure/entra.ts'), 'utf8').matchAll(/\bcall\('(\w+)'|\blist\('(\w+)'/g)].map((m) => m[1] ?? m[2]!);
    expect(operations.length).toBeGreaterThanOrEqual(6);
    const declared = new Set(PERMISSION_DECLARATIONS.azure.operations.map((o) => o.operation));
    expect(operations.filter((o) => !declared.has(o))).toEqual([]);
  });
});

describe('kansa permissions', () => {
  const capture = (): { io: Io; out: () => string; err: () => string } => {
    let out = '';
    let err = '';
    return { io: { stdout: (t) => void (out += t), stderr: (t) => void (err += t), now: () => new Date() }, out: () => out, err: () => err };
  };

  it('prints the role in the requested format', async () => {
    const { io, out } = capture();
    expect(await main(['permissions', '--provider', 'gcp', '--format', 'json'], io)).toBe(0);
    // The identity controls (issue 13) read IAM and organization policies: all three Cloud Asset list permissions.
    expect((JSON.parse(out()) as { includedPermissions: string[] }).includedPermissions).toEqual(['cloudasset.assets.listIamPolicy', 'cloudasset.assets.listOrgPolicy', 'cloudasset.assets.listResource']);
  });

  it('takes Azure assignable scopes', async () => {
    const { io, out } = capture();
    expect(await main(['permissions', '--provider', 'azure', '--assignable-scope', '/subscriptions/11111111-1111-1111-1111-111111111111'], io)).toBe(0);
    expect((JSON.parse(out()) as { AssignableScopes: string[] }).AssignableScopes).toEqual(['/subscriptions/11111111-1111-1111-1111-111111111111']);
  });

  it('rejects an unknown provider with exit 2', async () => {
    const { io, err } = capture();
    expect(await main(['permissions', '--provider', 'oracle'], io)).toBe(2);
    expect(err()).toMatch(/Allowed choices are aws, azure, gcp/);
  });
});
