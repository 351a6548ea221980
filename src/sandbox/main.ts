/**
 * Runs the sandbox cloud on its own:
 *   node dist/src/sandbox/main.js --port 4566 --resources 100000 [--seed 1] [--accounts a,b,c] [--regions r1,r2]
 *     [--latency-ms N] [--throttle-rate R] [--throttle-retry-after S] [--server-error-rate R]
 *     [--access-denied a,b] [--malformed-rate R] [--truncated-page-rate R] [--clock-skew S] [--rate-per-second N] [--rate-burst N]
 *     [--hide-subscriptions ID1,ID2] [--deny-projects P1:disabled,P2:denied] [--graph-truncated]
 *     [--enabled-regions r1,r2] [--recorder-off r1,r2] [--recorder-excludes T1,T2] [--aggregator-failed-sources ACCOUNT:REGION,…]
 *     [--denied-actions account:ListRegions,…] [--role-external-id ID]
 *     [--subscription-states ID:Disabled,ID:Warned,…] [--subscriptions-page-size N] [--graph-quota 15/5] [--unreadable-types T1,T2] [--entra-free-tenant]
 */
import { parseArgs } from 'node:util';
import { sandboxRoleArn, startSandbox, type Faults } from './server.js';
import { parseDeniedProjects } from './gcp.js';
import { parseAzureFlags } from './azure.js';

const USAGE =
  'usage: node dist/src/sandbox/main.js [--host 127.0.0.1] [--port 4566] [--resources 2000] [--seed 1] [--accounts a,b] [--regions r1,r2] ' +
  '[--enabled-regions r1,r2] [--recorder-off r1,r2] [--recorder-excludes AWS::S::T,…] [--aggregator-failed-sources ACCOUNT:REGION,…] [--denied-actions svc:Op,…] [--role-external-id ID] ' +
  '[--hide-subscriptions ID1,ID2] [--deny-projects P1:disabled,P2:denied] [--graph-truncated] ' +
  '[--subscription-states ID:Disabled,…] [--subscriptions-page-size N] [--graph-quota QUERIES/SECONDS] [--unreadable-types T1,T2] [--entra-free-tenant] [fault flags]';

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`--${name} expects a number, got '${value}'`);
  return parsed;
}

/** Drops absent options so they fall back to their defaults. */
function compact<T extends Record<string, unknown>>(record: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter(Boolean);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      resources: { type: 'string' },
      seed: { type: 'string' },
      accounts: { type: 'string' },
      regions: { type: 'string' },
      'latency-ms': { type: 'string' },
      'throttle-rate': { type: 'string' },
      'throttle-retry-after': { type: 'string' },
      'server-error-rate': { type: 'string' },
      'access-denied': { type: 'string' },
      'malformed-rate': { type: 'string' },
      'truncated-page-rate': { type: 'string' },
      'clock-skew': { type: 'string' },
      'rate-per-second': { type: 'string' },
      'rate-burst': { type: 'string' },
      // Azure / GCP scope truth: subscriptions the credential cannot see, projects whose Cloud Asset API is refused.
      'hide-subscriptions': { type: 'string' },
      'deny-projects': { type: 'string' },
      'graph-truncated': { type: 'boolean' },
      // Azure fidelity (#19): subscription states and paging, the Resource Graph quota, RBAC-filtered types.
      'subscription-states': { type: 'string' },
      'subscriptions-page-size': { type: 'string' },
      'graph-quota': { type: 'string' },
      'unreadable-types': { type: 'string' },
      // Entra ID over Microsoft Graph (#13): a tenant without Entra ID P1.
      'entra-free-tenant': { type: 'boolean' },
      'enabled-regions': { type: 'string' },
      'recorder-off': { type: 'string' },
      'recorder-excludes': { type: 'string' },
      'aggregator-failed-sources': { type: 'string' },
      'denied-actions': { type: 'string' },
      'role-external-id': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const faults: Faults = compact({
    latencyMs: number('latency-ms', values['latency-ms']),
    throttleRate: number('throttle-rate', values['throttle-rate']),
    throttleRetryAfterSeconds: number('throttle-retry-after', values['throttle-retry-after']),
    serverErrorRate: number('server-error-rate', values['server-error-rate']),
    accessDeniedAccounts: list(values['access-denied']),
    malformedRate: number('malformed-rate', values['malformed-rate']),
    truncatedPageRate: number('truncated-page-rate', values['truncated-page-rate']),
    clockSkewSeconds: number('clock-skew', values['clock-skew']),
    ratePerSecond: number('rate-per-second', values['rate-per-second']),
    rateBurst: number('rate-burst', values['rate-burst']),
  });
  const seed = number('seed', values.seed);
  const resources = number('resources', values.resources);
  const accounts = list(values.accounts);
  const regions = list(values.regions);
  const hiddenSubscriptions = list(values['hide-subscriptions']);
  const deniedProjects = values['deny-projects'] === undefined ? undefined : parseDeniedProjects(list(values['deny-projects']) ?? []);
  const sandbox = await startSandbox({
    ...(values.host !== undefined ? { host: values.host } : {}),
    port: number('port', values.port) ?? 4566,
    aws: {
      ...(seed !== undefined ? { seed } : {}),
      ...(resources !== undefined ? { resources } : {}),
      ...(accounts ? { accounts } : {}),
      ...(regions ? { regions } : {}),
      // Recovery points are dated back from when the sandbox starts, so a scan of it sees recent backups.
      now: new Date(),
      ...compact({
        enabledRegions: list(values['enabled-regions']),
        recorderOff: list(values['recorder-off']),
        recorderExcludes: list(values['recorder-excludes']),
        aggregatorFailedSources: list(values['aggregator-failed-sources']),
        deniedActions: list(values['denied-actions']),
        roleExternalId: values['role-external-id'],
      }),
    },
    faults,
    azure: {
      ...(hiddenSubscriptions ? { hiddenSubscriptions } : {}),
      ...(values['graph-truncated'] ? { graphTruncated: true } : {}),
      ...(values['entra-free-tenant'] ? { entraFreeTenant: true } : {}),
      ...parseAzureFlags({ subscriptionStates: values['subscription-states'], subscriptionsPageSize: values['subscriptions-page-size'], graphQuota: values['graph-quota'], unreadableTypes: values['unreadable-types'] }),
    },
    gcp: { ...(deniedProjects ? { deniedProjects } : {}) },
  });
  const { aws } = sandbox;
  console.log(
    JSON.stringify(
      {
        aws: {
          endpoint: aws.endpoint,
          aggregatorName: aws.aggregatorName,
          managementAccount: aws.managementAccount,
          regions: aws.regions,
          ...aws.recording(),
          resources: aws.estate.total,
          credentials: Object.fromEntries(aws.accounts.map((a) => [a, aws.credentialsFor(a)])),
          // Assumable with the management account's credentials (STS AssumeRole on this endpoint).
          roleArns: Object.fromEntries(aws.accounts.map((a) => [a, sandboxRoleArn(a)])),
        },
        faults: sandbox.faults(),
        azure: {
          endpoint: sandbox.azure.endpoint,
          subscriptions: sandbox.azure.subscriptions,
          hiddenSubscriptions: sandbox.azure.hiddenSubscriptions,
          graphTruncated: sandbox.azure.estate.graphTruncated,
          subscriptionStates: sandbox.azure.estate.subscriptionStates,
          subscriptionsPageSize: sandbox.azure.estate.subscriptionsPageSize ?? null,
          graphQuota: sandbox.azure.estate.graphQuota ?? null,
          unreadableTypes: sandbox.azure.estate.unreadableTypes,
          graphEndpoint: `${sandbox.azure.endpoint}/graph`,
          entraFreeTenant: sandbox.azure.estate.entraFreeTenant,
        },
        gcp: { address: sandbox.gcp.address, projects: sandbox.gcp.projects, deniedProjects: sandbox.gcp.deniedProjects },
      },
      null,
      2,
    ),
  );
  const stop = (): void => {
    const summary = sandbox.calls();
    console.error(`sandbox: stopping after ${summary.total} calls ${JSON.stringify(summary.byOperation)}`);
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`sandbox: ${error instanceof Error ? error.message : String(error)}`);
  console.error(USAGE);
  process.exit(2);
});
