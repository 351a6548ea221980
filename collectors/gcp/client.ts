/**
 * The production Cloud Asset client: gRPC over TLS to cloudasset.googleapis.com with Application
 * Default Credentials (GOOGLE_APPLICATION_CREDENTIALS key file or workload identity federation config,
 * gcloud user credentials, or the metadata server on GCE/GKE/Cloud Run), resolved by google-auth-library.
 */
import { AssetServiceClient } from '@google-cloud/asset';
import type { AssetClientFactory } from './cloud-asset.js';

export function defaultGcpAssetClient(apiEndpoint: string | undefined): AssetClientFactory {
  return () => new AssetServiceClient(apiEndpoint ? { apiEndpoint } : {});
}
