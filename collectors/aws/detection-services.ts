/**
 * Whether Amazon Inspector and AWS Security Hub are on, read per account × region from their own APIs
 * (both restJson), because AWS Config records neither.
 *
 * - `AWS::Inspector2::AccountStatus`: BatchGetAccountStatus for the account itself (Inspector API
 *   reference: `accounts[].state.status` ENABLING | ENABLED | DISABLING | DISABLED | SUSPENDING |
 *   SUSPENDED, and `resourceState.{ec2,ecr,lambda,lambdaCode}.status` per scan type). An account in
 *   `failedAccounts` (errorCode ACCESS_DENIED, …) is not known, never "disabled".
 * - `AWS::SecurityHub::HubStatus`: DescribeHub (GET /accounts). Security Hub API reference, errors:
 *   InvalidAccessException (HTTP 401) "Security Hub is not enabled for the account" — the account is
 *   not subscribed, a finding; ResourceNotFoundException (404): no hub for the account, likewise.
 *   AccessDeniedException (403) is the caller's IAM denial: not known, never "not enabled".
 */
import { BatchGetAccountStatusCommand, type Inspector2Client, type State } from '@aws-sdk/client-inspector2';
import { DescribeHubCommand, type DescribeHubCommandOutput, type SecurityHubClient } from '@aws-sdk/client-securityhub';
import { errorMessage } from '../../src/errors.js';
import type { Resource } from '../../src/model/resource.js';
import type { CollectContext } from '../types.js';
import { INSPECTOR_STATUS_TYPE, MalformedAnswer, regionalResource, SECURITY_HUB_STATUS_TYPE, type RegionalCall } from './regional-types.js';

export interface DetectionTarget {
  readonly account: string;
  readonly region: string;
  readonly inspector2: Inspector2Client;
  readonly securityhub: SecurityHubClient;
  readonly call: RegionalCall;
}

/** The configuration of `AWS::Inspector2::AccountStatus`: each status as Inspector reports it, null when absent. */
export interface InspectorStatusConfiguration {
  readonly status: string;
  readonly scanTypes: { readonly ec2: string | null; readonly ecr: string | null; readonly lambda: string | null; readonly lambdaCode: string | null };
}

export async function inspectorStatus(context: CollectContext, target: DetectionTarget): Promise<Resource[]> {
  const answer = await target.call('BatchGetAccountStatus', () => target.inspector2.send(new BatchGetAccountStatusCommand({ accountIds: [target.account] }), { abortSignal: context.signal }));
  const failed = answer.failedAccounts?.find((a) => a.accountId === target.account);
  if (failed) throw new Error(`BatchGetAccountStatus could not read account ${target.account}: ${failed.errorCode ?? '(no code)'}: ${failed.errorMessage ?? ''}`);
  const state = answer.accounts?.find((a) => a.accountId === target.account);
  if (!state?.state?.status) throw new MalformedAnswer(`BatchGetAccountStatus returned no state for account ${target.account}`);
  const status = (s: State | undefined): string | null => s?.status ?? null;
  const resourceState = state.resourceState;
  const configuration: InspectorStatusConfiguration = {
    status: state.state.status,
    scanTypes: { ec2: status(resourceState?.ec2), ecr: status(resourceState?.ecr), lambda: status(resourceState?.lambda), lambdaCode: status(resourceState?.lambdaCode) },
  };
  return [regionalResource(context, target, INSPECTOR_STATUS_TYPE, 'inspector', `arn:aws:inspector2:${target.region}:${target.account}:account`, { ...configuration })];
}

/** The configuration of `AWS::SecurityHub::HubStatus`. */
export interface SecurityHubStatusConfiguration {
  readonly subscribed: boolean;
  readonly hubArn: string | null;
  readonly subscribedAt: string | null;
  readonly autoEnableControls: boolean | null;
}

/** The SDK names the error by its wire code (restJson `x-amzn-ErrorType`); ScopeFailure prefixes it. */
const NOT_SUBSCRIBED = /^(InvalidAccessException|ResourceNotFoundException):/;

export async function securityHubStatus(context: CollectContext, target: DetectionTarget): Promise<Resource[]> {
  let hub: DescribeHubCommandOutput | undefined;
  try {
    hub = await target.call('DescribeHub', () => target.securityhub.send(new DescribeHubCommand({}), { abortSignal: context.signal }));
  } catch (error) {
    if (!NOT_SUBSCRIBED.test(errorMessage(error))) throw error;
  }
  if (hub && !hub.HubArn) throw new MalformedAnswer('DescribeHub answered without HubArn');
  const configuration: SecurityHubStatusConfiguration = {
    subscribed: hub !== undefined,
    hubArn: hub?.HubArn ?? null,
    subscribedAt: hub?.SubscribedAt ?? null,
    autoEnableControls: hub?.AutoEnableControls ?? null,
  };
  return [regionalResource(context, target, SECURITY_HUB_STATUS_TYPE, 'securityhub', hub?.HubArn ?? `arn:aws:securityhub:${target.region}:${target.account}:hub/default`, { ...configuration })];
}
