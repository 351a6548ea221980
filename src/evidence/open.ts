/** Which evidence store a configuration or a command-line location names: a directory, or `s3://bucket/prefix`. */
import { errorMessage, InputError } from '../errors.js';
import { parseS3Url, S3EvidenceStore } from './s3-store.js';
import type { EvidenceConfig } from './config.js';
import { LocalEvidenceStore, type EvidenceStore } from './store.js';

export type S3StoreConfig = NonNullable<EvidenceConfig['store']>;

export function s3StoreFromConfig(store: S3StoreConfig): S3EvidenceStore {
  return new S3EvidenceStore({ bucket: store.bucket, prefix: store.prefix, region: store.region, ...(store.endpoint ? { endpoint: store.endpoint } : {}), ...(store.objectLock ? { objectLock: store.objectLock } : {}) });
}

/** The configured store (evidence.dir or evidence.store). */
export function storeFromConfig(evidence: EvidenceConfig): EvidenceStore {
  if (evidence.store) return s3StoreFromConfig(evidence.store);
  if (evidence.dir === undefined) throw new InputError('evidence', 'dir', 'missing: expected dir or store');
  return new LocalEvidenceStore(evidence.dir);
}

/**
 * A location given on the command line. `s3://bucket/prefix` uses the default credential chain; the
 * region, endpoint and Object Lock come from evidence.store when it names the same bucket, else the
 * region from AWS_REGION and the bucket's default retention.
 */
export function storeFromLocation(location: string, configured: S3StoreConfig | undefined, env: NodeJS.ProcessEnv = process.env): EvidenceStore {
  if (!isS3Location(location)) return new LocalEvidenceStore(location);
  const url = parseS3Url(location);
  if (!url) throw new InputError(location, '', 'expected s3://bucket/prefix');
  if (configured && configured.bucket === url.bucket) return s3StoreFromConfig({ ...configured, prefix: url.prefix });
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new InputError(location, '', 'no region: set AWS_REGION or configure evidence.store for this bucket');
  return new S3EvidenceStore({ bucket: url.bucket, prefix: url.prefix, region });
}

export function isS3Location(location: string): boolean {
  return location.startsWith('s3://');
}

/** Runs the store's start-up check: a store that cannot keep its promise is a configuration error (exit 2). */
export async function checkStore(store: EvidenceStore): Promise<void> {
  try {
    await store.check?.();
  } catch (error) {
    throw new InputError(store.location, '', `cannot hold evidence: ${errorMessage(error)}`);
  }
}
