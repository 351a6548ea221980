/**
 * Test support: one Cloud Asset collection of the sandbox organization through the real @google-cloud/asset
 * client (loopback gRPC), unthrottled and silent; the resources and the run (coverage) for assertions.
 */
import { GcpAssetCollector } from '../../collectors/gcp/cloud-asset.js';
import { gcpCollectorSchema } from '../../collectors/gcp/config.js';
import { loopbackAssetClient } from '../../collectors/gcp/sandbox-client.js';
import type { CollectorRun } from '../../collectors/types.js';
import type { Resource } from '../../src/model/resource.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { NOW } from './evaluate.js';

export async function collectGcpSandbox(sandbox: Sandbox, types: ReadonlySet<string>): Promise<{ resources: Resource[]; run: CollectorRun }> {
  const config = gcpCollectorSchema.parse({ scopes: [sandbox.gcp.organization], requestsPerMinute: 600_000 });
  const collector = new GcpAssetCollector(config, loopbackAssetClient(sandbox.gcp), () => Promise.resolve());
  const resources: Resource[] = [];
  try {
    const run = await collector.collect({
      types,
      onResource: (r) => resources.push(r),
      recorder: { apiCall: () => undefined, clockSample: () => undefined },
      logger: { info: () => undefined, debug: () => undefined, warn: () => undefined },
      signal: new AbortController().signal,
      now: () => NOW,
    });
    return { resources, run };
  } finally {
    await collector.close();
  }
}
