/**
 * Controls on the regional data AWS Config does not record (public EBS snapshots and AMIs, Inspector and
 * Security Hub status): resources built with the collector's own builder, over scopes as the collector
 * reports them — covered, a type denied in a region (gap), a region not collected, a failed account.
 */
import { INSPECTOR_STATUS_TYPE, PUBLIC_IMAGES_TYPE, PUBLIC_SNAPSHOTS_TYPE, regionalResource, SECURITY_HUB_STATUS_TYPE } from '../../../collectors/aws/regional-types.js';
import type { CollectContext } from '../../../collectors/types.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import type { CollectionScope, Resource } from '../../../src/model/resource.js';
import { ACCOUNT } from '../../fixtures/aws/samples.js';
import { bundledMappings, findingsOf, NOW, reasonsJaOf } from '../../support/evaluate.js';

const TOKYO = 'ap-northeast-1';
const OSAKA = 'ap-northeast-3';
const TYPES = [PUBLIC_SNAPSHOTS_TYPE, PUBLIC_IMAGES_TYPE, INSPECTOR_STATUS_TYPE, SECURITY_HUB_STATUS_TYPE];
const context = { now: () => NOW } as unknown as CollectContext;

function resource(type: string, region: string, name: string, configuration: Record<string, unknown>): Resource {
  return regionalResource(context, { account: ACCOUNT, region }, type, name, `arn:aws:test:${region}:${ACCOUNT}:${name}`, configuration);
}

const ok = { status: 'ok', collectedAt: NOW.toISOString() } as const;
const scope = (region: string, types: readonly string[] = TYPES, extra: Partial<CollectionScope> = {}): CollectionScope => ({ provider: 'aws', account: ACCOUNT, region, types, outcome: ok, ...extra });

function judge(resources: readonly Resource[], scopes: readonly CollectionScope[]): ReturnType<typeof evaluate> {
  const { controls, catalog, attestations } = bundledMappings();
  return evaluate(resources, scopes, controls, catalog, attestations, NOW);
}

const inspector = (status: string, ec2: string | null, ecr: string | null, lambda: string | null): Record<string, unknown> => ({ status, scanTypes: { ec2, ecr, lambda, lambdaCode: 'DISABLED' } });
const hub = (subscribed: boolean): Record<string, unknown> => ({ subscribed, hubArn: subscribed ? `arn:aws:securityhub:${TOKYO}:${ACCOUNT}:hub/default` : null, subscribedAt: subscribed ? '2026-01-05T00:00:00.000Z' : null, autoEnableControls: subscribed ? true : null });

describe('aws-ebs-snapshot-not-public and aws-ami-not-public', () => {
  it('pass a region without public ones, fail one with, naming them', () => {
    const a = judge(
      [
        resource(PUBLIC_SNAPSHOTS_TYPE, TOKYO, 'public-snapshots', { publicSnapshotIds: [] }),
        resource(PUBLIC_SNAPSHOTS_TYPE, OSAKA, 'public-snapshots', { publicSnapshotIds: ['snap-0a1', 'snap-0b2'] }),
        resource(PUBLIC_IMAGES_TYPE, TOKYO, 'public-images', { ownedImages: 3, publicImageIds: ['ami-0c3'] }),
        resource(PUBLIC_IMAGES_TYPE, OSAKA, 'public-images', { ownedImages: 0, publicImageIds: [] }),
      ],
      [scope(TOKYO), scope(OSAKA)],
    );
    expect(findingsOf(a, 'aws-ebs-snapshot-not-public')).toEqual({
      [`${ACCOUNT}/${TOKYO}/public-snapshots`]: { status: 'pass' },
      [`${ACCOUNT}/${OSAKA}/public-snapshots`]: { status: 'fail', reason: `2 snapshot(s) in ${OSAKA} can be restored by anyone (createVolumePermission group all): snap-0a1, snap-0b2` },
    });
    expect(reasonsJaOf(a, 'aws-ebs-snapshot-not-public')[`${ACCOUNT}/${OSAKA}/public-snapshots`]).toBe(`リージョン ${OSAKA} で 2 件のスナップショットを誰でも復元できます（createVolumePermission が all）: snap-0a1、snap-0b2`);
    expect(findingsOf(a, 'aws-ami-not-public')).toEqual({
      [`${ACCOUNT}/${TOKYO}/public-images`]: { status: 'fail', reason: `1 AMI(s) in ${TOKYO} can be launched by anyone (launchPermission group all): ami-0c3` },
      [`${ACCOUNT}/${OSAKA}/public-images`]: { status: 'pass' },
    });
  });

  it('a region where DescribeSnapshots was denied is unknown with the reason, not a pass', () => {
    const denied = { ja: 'ec2:DescribeSnapshots が拒否されました', en: 'UnauthorizedOperation: You are not authorized to perform this operation.' };
    const a = judge([resource(PUBLIC_IMAGES_TYPE, TOKYO, 'public-images', { ownedImages: 1, publicImageIds: [] })], [scope(TOKYO, [PUBLIC_IMAGES_TYPE, INSPECTOR_STATUS_TYPE, SECURITY_HUB_STATUS_TYPE], { gaps: [{ types: [PUBLIC_SNAPSHOTS_TYPE], reason: denied }] })]);
    const snapshots = findingsOf(a, 'aws-ebs-snapshot-not-public');
    expect(Object.values(snapshots)).toEqual([{ status: 'unknown', reason: expect.stringContaining('UnauthorizedOperation') as unknown }]);
    expect(findingsOf(a, 'aws-ami-not-public')).toEqual({ [`${ACCOUNT}/${TOKYO}/public-images`]: { status: 'pass' } });
  });

  it('a region left out of the collected regions is unknown for every one of these controls', () => {
    const notListed = { ja: 'リージョン一覧にありません', en: 'region not in collectors.aws.regions' };
    const a = judge([], [scope(OSAKA, [], { gaps: [{ types: TYPES, reason: notListed }] })]);
    for (const control of ['aws-ebs-snapshot-not-public', 'aws-ami-not-public', 'aws-inspector-enabled', 'aws-securityhub-enabled']) {
      const findings = Object.values(findingsOf(a, control));
      expect({ control, findings }).toEqual({ control, findings: [{ status: 'unknown', reason: expect.stringContaining('region not in collectors.aws.regions') as unknown }] });
    }
  });

  it('a failed account is unknown, never compliant', () => {
    const a = judge([], [scope(TOKYO, TYPES, { outcome: { status: 'failed', error: 'identity could not be verified', at: NOW.toISOString() } })]);
    expect(Object.values(findingsOf(a, 'aws-securityhub-enabled'))).toEqual([{ status: 'unknown', reason: expect.stringContaining('identity could not be verified') as unknown }]);
    const item = a.requirements.find((r) => r.id === '2-10')!;
    expect(item.status).not.toBe('compliant');
  });
});

describe('aws-inspector-enabled', () => {
  const id = (region: string): string => `${ACCOUNT}/${region}/inspector`;

  it('passes with EC2, ECR and Lambda scanning on; fails naming the scan types that are off, or the account status', () => {
    const a = judge(
      [
        resource(INSPECTOR_STATUS_TYPE, TOKYO, 'inspector', inspector('ENABLED', 'ENABLED', 'ENABLED', 'ENABLED')),
        resource(INSPECTOR_STATUS_TYPE, OSAKA, 'inspector', inspector('ENABLED', 'ENABLED', 'DISABLED', 'SUSPENDED')),
        resource(INSPECTOR_STATUS_TYPE, 'us-east-1', 'inspector', inspector('DISABLED', 'DISABLED', 'DISABLED', 'DISABLED')),
      ],
      [scope(TOKYO), scope(OSAKA), scope('us-east-1')],
    );
    expect(findingsOf(a, 'aws-inspector-enabled')).toEqual({
      [id(TOKYO)]: { status: 'pass' },
      [id(OSAKA)]: { status: 'fail', reason: `Inspector scanning is not enabled in ${OSAKA} for: ecr (DISABLED), lambda (SUSPENDED)` },
      [id('us-east-1')]: { status: 'fail', reason: 'Amazon Inspector is not enabled in us-east-1 (status DISABLED)' },
    });
    expect(reasonsJaOf(a, 'aws-inspector-enabled')[id(OSAKA)]).toBe(`リージョン ${OSAKA} で Inspector のスキャンが有効になっていない種別があります: ecr (DISABLED)、lambda (SUSPENDED)`);
  });

  it('a scan type Inspector did not report is unknown, not a pass', () => {
    const a = judge([resource(INSPECTOR_STATUS_TYPE, TOKYO, 'inspector', inspector('ENABLED', 'ENABLED', 'ENABLED', null))], [scope(TOKYO)]);
    expect(findingsOf(a, 'aws-inspector-enabled')).toEqual({ [id(TOKYO)]: { status: 'unknown', reason: 'cannot evaluate: Inspector reported no state for scan type(s) lambda' } });
  });
});

describe('aws-securityhub-enabled', () => {
  it('passes a subscribed region, fails one not subscribed, and is unknown where DescribeHub was denied', () => {
    const denied = { ja: 'securityhub:DescribeHub が拒否されました', en: 'AccessDeniedException: not authorized to perform securityhub:DescribeHub' };
    const a = judge(
      [resource(SECURITY_HUB_STATUS_TYPE, TOKYO, 'securityhub', hub(true)), resource(SECURITY_HUB_STATUS_TYPE, OSAKA, 'securityhub', hub(false))],
      [scope(TOKYO), scope(OSAKA), scope('us-east-1', [PUBLIC_SNAPSHOTS_TYPE], { gaps: [{ types: [SECURITY_HUB_STATUS_TYPE], reason: denied }] })],
    );
    const findings = findingsOf(a, 'aws-securityhub-enabled');
    expect(findings[`${ACCOUNT}/${TOKYO}/securityhub`]).toEqual({ status: 'pass' });
    expect(findings[`${ACCOUNT}/${OSAKA}/securityhub`]).toEqual({ status: 'fail', reason: `Security Hub is not enabled in ${OSAKA} (the account is not subscribed)` });
    expect(findings[`${ACCOUNT}/us-east-1`]).toEqual({ status: 'unknown', reason: expect.stringContaining('AccessDeniedException') as unknown });
  });
});
