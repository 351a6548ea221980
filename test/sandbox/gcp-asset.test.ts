/**
 * The GCP sandbox driven by the real @google-cloud/asset client over gRPC: paging, content types,
 * Struct payloads, validation, faults and the call log.
 */
import type { AssetServiceClient } from '@google-cloud/asset';
import * as grpc from '@grpc/grpc-js';
import { loopbackAssetClient } from '../../collectors/gcp/sandbox-client.js';
import { structToJson } from '../../collectors/gcp/struct.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';

const FIREWALL = 'compute.googleapis.com/Firewall';
const BUCKET = 'storage.googleapis.com/Bucket';
const PROJECT_TYPE = 'cloudresourcemanager.googleapis.com/Project';
const NO_RETRY = { autoPaginate: false, retry: null } as const;

let sandbox: Sandbox;
let client: AssetServiceClient;

beforeAll(async () => {
  sandbox = await startSandbox({ gcp: { seed: 7, resources: 1200 }, aws: { resources: 10 } });
  client = loopbackAssetClient(sandbox.gcp)();
});

afterAll(async () => {
  await client.close();
  await sandbox.close();
});

beforeEach(() => {
  sandbox.setFaults({});
  sandbox.resetCalls();
});

async function listAll(parent: string, assetTypes: string[], pageSize: number, contentType: 'RESOURCE' | 'IAM_POLICY' = 'RESOURCE') {
  const assets = [];
  let pageToken = '';
  let calls = 0;
  do {
    const [page, , response] = await client.listAssets({ parent, assetTypes, contentType, pageSize, pageToken }, NO_RETRY);
    calls++;
    assets.push(...page);
    pageToken = response?.nextPageToken ?? '';
  } while (pageToken !== '');
  return { assets, calls };
}

describe('ListAssets over gRPC', () => {
  it('pages a project by page token, every asset once, with resource.data as a protobuf Struct', async () => {
    const project = `projects/${sandbox.gcp.projects[0]}`;
    const expected = sandbox.gcp.expectedCount(project, [FIREWALL, BUCKET]);
    const { assets, calls } = await listAll(project, [FIREWALL, BUCKET], 30);
    expect(assets).toHaveLength(expected);
    expect(calls).toBe(Math.ceil(expected / 30));
    expect(new Set(assets.map((a) => a.name)).size).toBe(expected);
    const firewall = assets.find((a) => a.assetType === FIREWALL)!;
    expect(firewall.resource?.data).toHaveProperty('fields');
    const data = structToJson(firewall.resource?.data);
    expect(typeof data.name).toBe('string');
    expect(['INGRESS', 'EGRESS']).toContain(data.direction);
    expect(firewall.resource?.location).toBe('global');
    expect(firewall.ancestors?.[0]).toBe(`projects/${sandbox.gcp.projectNumber(sandbox.gcp.projects[0]!)}`);
  });

  it('lists the same estate from a folder and the organization, and is deterministic', async () => {
    const org = await listAll(sandbox.gcp.organization, [BUCKET], 1000);
    const folder = await listAll(sandbox.gcp.folder, [BUCKET], 1000);
    expect(org.assets).toHaveLength(sandbox.gcp.expectedCount(sandbox.gcp.organization, [BUCKET]));
    expect(folder.assets.length).toBeLessThan(org.assets.length);
    const again = await listAll(sandbox.gcp.organization, [BUCKET], 1000);
    expect(again.assets.map((a) => structToJson(a.resource?.data))).toEqual(org.assets.map((a) => structToJson(a.resource?.data)));
    const locations = new Set(org.assets.map((a) => a.resource?.location));
    for (const l of ['asia-northeast1', 'asia1', 'asia', 'us']) expect(locations).toContain(l);
  });

  it('serves IAM policies with audit configs for the IAM_POLICY content type', async () => {
    const { assets } = await listAll(sandbox.gcp.organization, [PROJECT_TYPE], 100, 'IAM_POLICY');
    expect(assets).toHaveLength(sandbox.gcp.projects.length);
    expect(assets[0]?.resource).toBeFalsy();
    expect(assets[0]?.iamPolicy?.bindings?.length).toBeGreaterThan(0);
    expect(assets.some((a) => (a.iamPolicy?.auditConfigs ?? []).some((c) => c.service === 'allServices'))).toBe(true);
  });

  it('rejects bad page sizes, foreign page tokens and unknown parents like the API', async () => {
    const project = `projects/${sandbox.gcp.projects[0]}`;
    await expect(client.listAssets({ parent: project, pageSize: 1001 }, NO_RETRY)).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    const [, , first] = await client.listAssets({ parent: project, assetTypes: [FIREWALL], pageSize: 1 }, NO_RETRY);
    await expect(client.listAssets({ parent: project, assetTypes: [BUCKET], pageSize: 1, pageToken: first.nextPageToken ?? '' }, NO_RETRY)).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    await expect(client.listAssets({ parent: 'projects/not-in-the-estate', pageSize: 1 }, NO_RETRY)).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
  });

  it('answers quota errors, server errors and access denied as gRPC statuses, and logs every call as a read', async () => {
    const project = sandbox.gcp.projects[1]!;
    sandbox.setFaults({ throttleRate: 1 });
    await expect(client.listAssets({ parent: `projects/${project}`, pageSize: 10 }, NO_RETRY)).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED });
    sandbox.setFaults({ serverErrorRate: 1 });
    const serverError = (await client.listAssets({ parent: `projects/${project}`, pageSize: 10 }, NO_RETRY).catch((e: unknown) => e)) as { code?: number };
    expect([grpc.status.UNAVAILABLE, grpc.status.INTERNAL]).toContain(serverError.code);
    sandbox.setFaults({ accessDeniedAccounts: [project] });
    await expect(client.listAssets({ parent: `projects/${project}`, pageSize: 10 }, NO_RETRY)).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
    sandbox.setFaults({ ratePerSecond: 0.01 }); // one token, refilled in 100 s: a stalled test cannot earn a second
    const results = await Promise.allSettled([1, 2, 3].map(() => client.listAssets({ parent: `projects/${project}`, pageSize: 10 }, NO_RETRY)));
    expect(results.filter((r) => r.status === 'rejected')).not.toHaveLength(0);
    const calls = sandbox.calls();
    expect(calls.byOperation.ListAssets).toBe(6);
    expect(calls.byStatus['429']).toBeGreaterThanOrEqual(2);
    expect(calls.list.every((c) => c.provider === 'gcp' && c.account === project)).toBe(true);
    expect(sandbox.writeOperations()).toEqual([]);
  });

  it('counts calls for every parent against one quota, the consumer project\'s', async () => {
    sandbox.setFaults({ ratePerSecond: 0.01 }); // one token, refilled in 100 s: a stalled test cannot earn a second
    const [first, second] = sandbox.gcp.projects;
    const results = await Promise.allSettled([first, second].map((p) => client.listAssets({ parent: `projects/${p}`, pageSize: 10 }, NO_RETRY)));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('serves malformed items without data, the same ones on every request', async () => {
    sandbox.setFaults({ malformedRate: 0.2 });
    const project = `projects/${sandbox.gcp.projects[0]}`;
    const first = await listAll(project, [FIREWALL], 1000);
    const second = await listAll(project, [FIREWALL], 1000);
    const broken = (assets: typeof first.assets) => assets.filter((a) => !a.resource?.data).map((a) => a.name);
    expect(broken(first.assets).length).toBeGreaterThan(0);
    expect(broken(second.assets)).toEqual(broken(first.assets));
  });
});
