/**
 * The sandbox's GCP side: the Cloud Asset API over gRPC on its own loopback listener, sharing the
 * FaultInjector and the CallLog with the other providers. Mounted by server.ts as `sandbox.gcp`.
 */
import type * as grpc from '@grpc/grpc-js';
import type { CallLog } from './calls.js';
import { GcpEstate, GCP_SANDBOX_FOLDER, GCP_SANDBOX_ORGANIZATION, type GcpEstateOptions, type GcpProjectDenial } from './estate/gcp.js';
import type { FaultInjector } from './faults.js';
import { GcpAssetHandler } from './gcp-asset.js';

export type { GcpEstateOptions, GcpProjectDenial } from './estate/gcp.js';

/** `p1:disabled,p2:denied,p3` (the kind defaults to `denied`) → deniedProjects; throws on anything else. */
export function parseDeniedProjects(entries: readonly string[]): Record<string, GcpProjectDenial> {
  const out: Record<string, GcpProjectDenial> = {};
  for (const entry of entries) {
    const [project = '', kind = 'denied', ...rest] = entry.split(':');
    if (project === '' || rest.length > 0 || (kind !== 'disabled' && kind !== 'denied')) throw new Error(`--deny-projects expects PROJECT[:disabled|:denied], got '${entry}'`);
    out[project] = kind;
  }
  return out;
}
export { GCP_RESOURCE_TYPES, GCP_IAM_POLICY_TYPES } from './estate/gcp.js';
export { LIST_ASSETS_DEFAULT_PAGE_SIZE, LIST_ASSETS_MAX_PAGE_SIZE } from './gcp-asset.js';

export interface SandboxGcp {
  /** Host to pass as `apiEndpoint` to AssetServiceClient (with `port` and insecure `sslCreds`). */
  readonly apiEndpoint: string;
  readonly port: number;
  /** `host:port`, for grpc-js clients. */
  readonly address: string;
  readonly projects: readonly string[];
  /** Projects whose ListAssets calls are refused, and how (`--deny-projects`). */
  readonly deniedProjects: Readonly<Record<string, GcpProjectDenial>>;
  readonly folder: string;
  readonly organization: string;
  projectNumber(project: string): string;
  /** Resource assets (not IAM policies) the estate holds under a parent for these asset types (all when empty). */
  expectedCount(parent: string, assetTypes?: readonly string[]): number;
}

export async function startGcpListener(
  host: string,
  endpointHost: string,
  options: GcpEstateOptions | undefined,
  faults: FaultInjector,
  callLog: CallLog,
): Promise<{ gcp: SandboxGcp; close: () => Promise<void> }> {
  const estate = new GcpEstate(options);
  const { server, port } = await new GcpAssetHandler(estate, faults, callLog).listen(host, 0);
  return {
    gcp: {
      apiEndpoint: endpointHost.replace(/^\[|\]$/g, ''),
      port,
      address: `${endpointHost}:${port}`,
      projects: estate.projects,
      deniedProjects: estate.deniedProjects,
      folder: GCP_SANDBOX_FOLDER,
      organization: GCP_SANDBOX_ORGANIZATION,
      projectNumber: (project) => estate.projectNumber(project),
      expectedCount(parent, assetTypes = []) {
        const projects = estate.projectsUnder(parent);
        if (!projects) throw new Error(`sandbox: ${parent} is not part of the GCP estate`);
        return estate.count(projects, 'RESOURCE', assetTypes);
      },
    },
    close: () => shutdown(server),
  };
}

function shutdown(server: grpc.Server): Promise<void> {
  return new Promise((resolve) => {
    server.tryShutdown(() => resolve());
    // Clients holding idle channels would keep a graceful shutdown waiting: force it soon after.
    setTimeout(() => server.forceShutdown(), 100).unref();
  });
}
