/**
 * The regional data AWS Config does not record, read per account × collected region from each service's
 * own API (ec2-exposure.ts, detection-services.ts, lambda-urls.ts), only for the pseudo-types an enabled control reads
 * (regional-types.ts). Each type succeeds or fails on its own: a denied or failed call, or a malformed
 * answer, leaves that type out of the region's scope with the reason (its controls are unknown there),
 * never a pass and never a fail.
 */
import { errorMessage } from '../../src/errors.js';
import type { CollectionScope, Resource } from '../../src/model/resource.js';
import type { Bilingual } from '../../src/model/text.js';
import type { CollectContext } from '../types.js';
import type { AwsClients, ClientTarget } from './clients.js';
import { inspectorStatus, securityHubStatus, type DetectionTarget } from './detection-services.js';
import { publicImages, publicSnapshots, type Ec2Target } from './ec2-exposure.js';
import { functionUrls, type LambdaTarget } from './lambda-urls.js';
import { FUNCTION_URLS_TYPE, INSPECTOR_STATUS_TYPE, PUBLIC_IMAGES_TYPE, PUBLIC_SNAPSHOTS_TYPE, REGIONAL_DIRECT_TYPES, SECURITY_HUB_STATUS_TYPE, type RegionalCall } from './regional-types.js';
import { runTypeJobs } from './type-jobs.js';

export { REGIONAL_DIRECT_TYPES } from './regional-types.js';

type Target = Ec2Target & DetectionTarget & LambdaTarget;

/** The region's scope for the wanted direct types: the ones it covers, and why not the others. */
export async function collectRegional(
  context: CollectContext,
  clients: AwsClients,
  target: Omit<ClientTarget, 'region'> & { readonly account: string },
  region: string,
  call: RegionalCall,
  wanted: readonly string[],
): Promise<{ scope: CollectionScope; resources: number }> {
  const at = { ...target, region };
  const t: Target = { account: target.account, region, call, ec2: clients.ec2(at), inspector2: clients.inspector2(at), securityhub: clients.securityhub(at), lambda: clients.lambda(at) };
  const jobs: Record<string, () => Promise<Resource[]>> = {
    [PUBLIC_SNAPSHOTS_TYPE]: () => publicSnapshots(context, t),
    [PUBLIC_IMAGES_TYPE]: () => publicImages(context, t),
    [INSPECTOR_STATUS_TYPE]: () => inspectorStatus(context, t),
    [SECURITY_HUB_STATUS_TYPE]: () => securityHubStatus(context, t),
    [FUNCTION_URLS_TYPE]: () => functionUrls(context, t),
  };
  const types = wanted.filter((type) => REGIONAL_DIRECT_TYPES.has(type)).sort();
  const { types: covered, gaps, resources } = await runTypeJobs(context, types, jobs, (type, error) => {
    const message = errorMessage(error);
    context.logger.warn({ provider: 'aws', account: target.account, region, type, error: message }, 'regional service data could not be collected: its controls are unknown in this region');
    return failedReason(type, region, message);
  });
  return { scope: { provider: 'aws', account: target.account, region, types: covered, ...(gaps.length > 0 ? { gaps } : {}), outcome: { status: 'ok', collectedAt: context.now().toISOString() } }, resources };
}

/** The types the regional service APIs cannot reach in aggregator mode (no per-account credentials). */
export function aggregatorRegionalReason(aggregator: string): Bilingual {
  return {
    ja: `EBS スナップショット・AMI の公開設定、Inspector と Security Hub の有効化状況、Lambda 関数 URL の認証設定はアカウントごとの各サービス API から取得するため、アグリゲーター ${aggregator} 経由では収集されません（collectors.aws.accounts で各アカウントを設定してください）`,
    en: `public EBS snapshots and AMIs, Inspector and Security Hub status, and Lambda function URLs come from each account's service APIs, not through aggregator ${aggregator} (configure the accounts under collectors.aws.accounts)`,
  };
}

function failedReason(type: string, region: string, message: string): Bilingual {
  return { ja: `${type} をリージョン ${region} で取得できませんでした（${message}）`, en: `${type} could not be read in region ${region}: ${message}` };
}
