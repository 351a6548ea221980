/**
 * The regional pseudo-types the AWS collector reads from each account's own service APIs, per collected
 * region, because AWS Config records none of them (ec2-exposure.ts, detection-services.ts, lambda-urls.ts). Named here
 * without the SDKs so offline inputs and tests can refer to them cheaply, with what their readers share.
 */
import type { Resource } from '../../src/model/resource.js';
import type { CollectContext } from '../types.js';

/** One per region: the account's EBS snapshots anyone may restore (createVolumePermission group `all`). */
export const PUBLIC_SNAPSHOTS_TYPE = 'AWS::EC2::PublicSnapshots';
/** One per region: the account's AMIs, and those anyone may launch (launchPermission group `all`). */
export const PUBLIC_IMAGES_TYPE = 'AWS::EC2::PublicImages';
/** One per region: Amazon Inspector's account status and the state of each scan type. */
export const INSPECTOR_STATUS_TYPE = 'AWS::Inspector2::AccountStatus';
/** One per region: whether the account is subscribed to AWS Security Hub there. */
export const SECURITY_HUB_STATUS_TYPE = 'AWS::SecurityHub::HubStatus';
/** One per region: the account's Lambda function URLs and their auth types (NONE: anyone may invoke). */
export const FUNCTION_URLS_TYPE = 'AWS::Lambda::FunctionUrls';
/** Never selected from AWS Config, never held by AWS Config files. */
export const REGIONAL_DIRECT_TYPES: ReadonlySet<string> = new Set([PUBLIC_SNAPSHOTS_TYPE, PUBLIC_IMAGES_TYPE, INSPECTOR_STATUS_TYPE, SECURITY_HUB_STATUS_TYPE, FUNCTION_URLS_TYPE]);

/** How the AWS collector runs one call: counted, paced, retried; throws the final error. */
export type RegionalCall = <T>(operation: string, fn: () => Promise<T>) => Promise<T>;

/** An answer that lacks what the type needs: its controls are unknown, with this text. */
export class MalformedAnswer extends Error {}

/** One resource per account × region holding what the service answered. */
export function regionalResource(context: CollectContext, target: { readonly account: string; readonly region: string }, type: string, name: string, arn: string, configuration: Record<string, unknown>): Resource {
  return {
    provider: 'aws',
    account: target.account,
    region: target.region,
    type,
    id: `${target.account}/${target.region}/${name}`,
    name,
    arn,
    tags: {},
    configuration,
    supplementary: {},
    relationships: [],
    capturedAt: context.now().toISOString(),
  };
}
