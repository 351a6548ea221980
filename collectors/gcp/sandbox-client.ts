/**
 * Cloud Asset clients for the embedded sandbox: the real AssetServiceClient on gRPC, pointed at a
 * loopback port with insecure channel credentials. google-gax uses `sslCreds` as given instead of
 * composing TLS with Google call credentials, so no token is fetched or sent: nothing secret crosses
 * the plaintext loopback hop, and no certificate has to be generated and trusted. Production keeps
 * TLS and Application Default Credentials (client.ts).
 */
import { AssetServiceClient } from '@google-cloud/asset';
import * as grpc from '@grpc/grpc-js';
import type { AssetClientFactory } from './cloud-asset.js';

export function loopbackAssetClient(endpoint: { apiEndpoint: string; port: number }): AssetClientFactory {
  if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(endpoint.apiEndpoint)) {
    throw new Error(`refusing insecure gRPC to ${endpoint.apiEndpoint}: only loopback sandbox endpoints are allowed`);
  }
  // A fixed project id and an empty credential keep google-auth from probing the GCE metadata
  // server (a link-local address outside this machine) to discover them.
  return () =>
    new AssetServiceClient({
      apiEndpoint: endpoint.apiEndpoint,
      port: endpoint.port,
      sslCreds: grpc.credentials.createInsecure(),
      projectId: 'kansa-sandbox',
      credentials: { client_email: 'sandbox@kansa-sandbox.iam.gserviceaccount.com', private_key: 'unused: insecure loopback channel' },
    });
}
