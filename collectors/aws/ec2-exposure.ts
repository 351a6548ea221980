/**
 * Public EBS snapshots and AMIs, read per account × region from EC2, because AWS Config records neither
 * a snapshot's createVolumePermission nor an image's launchPermission.
 *
 * - `AWS::EC2::PublicSnapshots`: DescribeSnapshots with OwnerIds `self` and RestorableByUserIds `all`.
 *   The result is the intersection of the owners and the accounts with create volume permission (EC2
 *   API reference, DescribeSnapshots: "public: the owner of the snapshot granted create volume
 *   permissions for the snapshot to the all group"), so one paged call lists exactly the account's
 *   public snapshots, without DescribeSnapshotAttribute per snapshot.
 * - `AWS::EC2::PublicImages`: DescribeImages with Owners `self`, every page; each image's `Public`
 *   (isPublic: "Indicates whether the image has public launch permissions") decides.
 *
 * Pages: MaxResults 5–1000 and NextToken until it is absent (API reference, "Pagination"); EC2 may
 * answer fewer items than asked, so only the token ends the listing.
 */
import { DescribeImagesCommand, DescribeSnapshotsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { Resource } from '../../src/model/resource.js';
import type { CollectContext } from '../types.js';
import { MalformedAnswer, PUBLIC_IMAGES_TYPE, PUBLIC_SNAPSHOTS_TYPE, regionalResource, type RegionalCall } from './regional-types.js';

/** The largest page DescribeSnapshots and DescribeImages accept (API reference: MaxResults 5–1000). */
export const EC2_PAGE_SIZE = 1000;

export interface Ec2Target {
  readonly account: string;
  readonly region: string;
  readonly ec2: EC2Client;
  readonly call: RegionalCall;
}

/** The configuration of `AWS::EC2::PublicSnapshots`. */
export interface PublicSnapshotsConfiguration {
  /** The account's snapshots in the region that any AWS account may restore, sorted. */
  readonly publicSnapshotIds: readonly string[];
}

export async function publicSnapshots(context: CollectContext, target: Ec2Target): Promise<Resource[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const from = token;
    const page = await target.call('DescribeSnapshots', () =>
      target.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], RestorableByUserIds: ['all'], MaxResults: EC2_PAGE_SIZE, ...(from ? { NextToken: from } : {}) }), { abortSignal: context.signal }),
    );
    for (const snapshot of page.Snapshots ?? []) {
      if (!snapshot.SnapshotId) throw new MalformedAnswer('DescribeSnapshots returned a snapshot without SnapshotId');
      ids.push(snapshot.SnapshotId);
    }
    token = page.NextToken || undefined;
  } while (token !== undefined);
  const configuration: PublicSnapshotsConfiguration = { publicSnapshotIds: [...new Set(ids)].sort() };
  return [regionalResource(context, target, PUBLIC_SNAPSHOTS_TYPE, 'public-snapshots', `arn:aws:ec2:${target.region}:${target.account}:snapshot/*`, { ...configuration })];
}

/** The configuration of `AWS::EC2::PublicImages`. */
export interface PublicImagesConfiguration {
  /** AMIs the account owns in the region. */
  readonly ownedImages: number;
  /** Those with public launch permissions, sorted. */
  readonly publicImageIds: readonly string[];
}

export async function publicImages(context: CollectContext, target: Ec2Target): Promise<Resource[]> {
  const owned = new Set<string>();
  const publicIds = new Set<string>();
  let token: string | undefined;
  do {
    const from = token;
    const page = await target.call('DescribeImages', () =>
      target.ec2.send(new DescribeImagesCommand({ Owners: ['self'], MaxResults: EC2_PAGE_SIZE, ...(from ? { NextToken: from } : {}) }), { abortSignal: context.signal }),
    );
    for (const image of page.Images ?? []) {
      if (!image.ImageId) throw new MalformedAnswer('DescribeImages returned an image without ImageId');
      // Without the flag the image's exposure is not known: the whole type is, rather than a guess.
      if (typeof image.Public !== 'boolean') throw new MalformedAnswer(`DescribeImages returned image ${image.ImageId} without isPublic`);
      owned.add(image.ImageId);
      if (image.Public) publicIds.add(image.ImageId);
    }
    token = page.NextToken || undefined;
  } while (token !== undefined);
  const configuration: PublicImagesConfiguration = { ownedImages: owned.size, publicImageIds: [...publicIds].sort() };
  return [regionalResource(context, target, PUBLIC_IMAGES_TYPE, 'public-images', `arn:aws:ec2:${target.region}::image/*`, { ...configuration })];
}
