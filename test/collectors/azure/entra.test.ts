/**
 * The Entra ID part of the Azure collector (collectors/azure/entra.ts) against the sandbox's Microsoft Graph
 * over HTTPS (src/sandbox/azure-msgraph.ts): real token credential, real TLS with the sandbox's CA, OData
 * paging and errors. Every verdict goes through the real evaluation; a licence-less tenant yields unknown,
 * never fail or pass. No mocks.
 */
import { collectEntra, ENTRA_TYPES } from '../../../collectors/azure/entra.js';
import type { Finding } from '../../../src/evaluate/assessment.js';
import { SANDBOX_USERS, sandboxUserId } from '../../../src/sandbox/azure-msgraph.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { collectAzureSandbox, type AzureCollected } from '../../support/azure-collect.js';
import { bundledMappings } from '../../support/evaluate.js';

const IDENTITY_CONTROLS = bundledMappings().controls.filter((c) => c.provider === 'azure' && c.resourceTypes.some((t) => t.startsWith('microsoft.graph.')));
const TYPES = Object.values(ENTRA_TYPES);

const collect = (sandbox: Sandbox, graphEndpoint?: string): Promise<AzureCollected> =>
  // No subscriptions: only the tenant's identity is read.
  collectAzureSandbox(sandbox, { config: { subscriptions: [], discoverSubscriptions: false }, types: new Set(TYPES), controls: IDENTITY_CONTROLS, graphEndpoint });

/** Status per sandbox user principal name (resource ids end in the Graph object id). */
const statuses = (findings: readonly Finding[], control: string): Record<string, string> => {
  const upn = new Map(SANDBOX_USERS.map((u) => [sandboxUserId(u.n), u.upn]));
  return Object.fromEntries(findings.filter((f) => f.control === control).map((f) => [upn.get(f.resourceId.split('/').at(-1)!) ?? f.resourceId, f.status]));
};

describe('Entra ID identity from the sandbox Microsoft Graph', () => {
  it('reads every type over paged HTTPS and shows a failing instance of each control', async () => {
    const sandbox = await startSandbox({ azure: { resources: 10, graphPageSize: 4 } });
    try {
      const { resources, run, calls, findings } = await collect(sandbox);
      const tenant = run.coverage.find((s) => s.account === sandbox.azure.tenantId)!;
      expect(tenant.gaps).toBeUndefined();
      expect([...(tenant.types as string[])].sort()).toEqual([...TYPES].sort());
      // 13 users at 4 a page: 4 pages each for users and registration details.
      expect(calls.get('ListUsers 200')).toBe(4);
      expect(calls.get('ListUserRegistrationDetails 200')).toBe(4);
      expect(resources.filter((r) => r.type === ENTRA_TYPES.user)).toHaveLength(13);
      const fails = new Set(findings.filter((f) => f.status === 'fail').map((f) => f.control));
      expect([...fails].sort()).toEqual(IDENTITY_CONTROLS.map((c) => c.id).sort());
      expect(statuses(findings, 'azure-entra-admin-mfa')['carol.admin@contoso.example']).toBe('fail');
      expect(statuses(findings, 'azure-entra-stale-accounts')['grace@contoso.example']).toBe('fail');
      expect(statuses(findings, 'azure-entra-stale-accounts')['judy@contoso.example']).toBe('fail');
      expect(statuses(findings, 'azure-entra-stale-accounts')['heidi@contoso.example']).toBe('pass');
      expect(statuses(findings, 'azure-entra-stale-accounts')['ivan@contoso.example']).toBeUndefined();
      // Privacy: no token, no display names, mail or registered methods are kept.
      const kept = JSON.stringify(resources);
      expect(kept).not.toContain(sandbox.azure.token);
      expect(kept).not.toContain('Carol Admin');
      expect(kept).not.toContain('methodsRegistered');
      expect(kept).not.toMatch(/"mail"/);
      expect(JSON.stringify(findings)).not.toContain(sandbox.azure.token);
    } finally {
      await sandbox.close();
    }
  });

  it('a tenant without Entra ID P1: Conditional Access and signInActivity are gaps; dependent findings are unknown, never fail', async () => {
    const sandbox = await startSandbox({ azure: { resources: 10, entraFreeTenant: true } });
    try {
      const { run, calls, findings } = await collect(sandbox);
      const tenant = run.coverage.find((s) => s.account === sandbox.azure.tenantId)!;
      expect(tenant.gaps?.flatMap((g) => g.types).sort()).toEqual([ENTRA_TYPES.conditionalAccessPolicy, ENTRA_TYPES.user].sort());
      expect(tenant.gaps?.[0]?.reason.en).toMatch(/Authentication_RequestFromNonPremiumTenantOrB2CTenant.*no Entra ID P1\/P2 licence/);
      // Refused once, not retried (a 403 is final).
      expect(calls.get('ListUsers Authentication_RequestFromNonPremiumTenantOrB2CTenant')).toBe(1);
      const status = (control: string): string[] => [...new Set(findings.filter((f) => f.control === control).map((f) => f.status))];
      expect(status('azure-entra-mfa-all-users')).toEqual(['unknown']);
      expect(status('azure-entra-mfa-azure-management')).toEqual(['unknown']);
      expect(status('azure-entra-stale-accounts')).toEqual(['unknown']);
      // Not registered is a fail without reading Conditional Access; registered admins are unknown.
      expect(statuses(findings, 'azure-entra-admin-mfa')['carol.admin@contoso.example']).toBe('fail');
      expect(statuses(findings, 'azure-entra-admin-mfa')['alice.admin@contoso.example']).toBe('unknown');
      expect(status('azure-entra-global-admin-count')).toEqual(['fail']);
    } finally {
      await sandbox.close();
    }
  });

  it('a Graph endpoint that answers nothing under the path (wrong graphEndpoint) leaves every type a gap', async () => {
    const sandbox = await startSandbox({ azure: { resources: 10 } });
    try {
      const { run, findings } = await collect(sandbox, `${sandbox.azure.endpoint}/nographhere`);
      const tenant = run.coverage.find((s) => s.account === sandbox.azure.tenantId)!;
      expect(tenant.types).toEqual([]);
      expect(findings.filter((f) => f.status !== 'unknown')).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });
});

describe('Graph paging that cannot be trusted', () => {
  // Graph's own list shape (value + absolute @odata.nextLink), served by a GraphClient that answers from a table:
  // the sandbox has no knob for a foreign nextLink or a page without `value`.
  const BASE = 'https://graph.example.test/v1.0';
  async function scopeFor(pages: Record<string, unknown>): Promise<{ gaps: string[]; emitted: number }> {
    let emitted = 0;
    const scope = await collectEntra({
      tenant: '72f988bf-0000-4000-8000-00000000a2e5',
      types: [ENTRA_TYPES.userRegistrationDetails],
      graph: { base: BASE, get: (url) => (url in pages ? Promise.resolve(pages[url]) : Promise.reject(new Error(`unexpected ${url}`))) },
      call: async (_operation, fn) => ({ ok: true, value: await fn() }),
      capturedAt: () => '2026-01-01T00:00:00Z',
      emit: () => void emitted++,
      signal: new AbortController().signal,
    });
    return { gaps: (scope.gaps ?? []).map((g) => g.reason.en), emitted };
  }
  const first = `${BASE}/reports/authenticationMethods/userRegistrationDetails`;
  const row = { id: 'u1', userPrincipalName: 'u1@contoso.example', isAdmin: true, isMfaRegistered: false };

  it('a nextLink to another host leaves the type a gap and emits nothing of the partial list', async () => {
    const { gaps, emitted } = await scopeFor({ [first]: { value: [row], '@odata.nextLink': 'https://elsewhere.example/v1.0/reports?$skiptoken=x' } });
    expect(gaps).toEqual([expect.stringMatching(/@odata\.nextLink is not a URL under/)]);
    expect(emitted).toBe(0);
  });

  it('a page without `value` or a nextLink to itself is a gap too', async () => {
    expect((await scopeFor({ [first]: { '@odata.context': 'x' } })).gaps).toEqual([expect.stringMatching(/has no `value` list/)]);
    expect((await scopeFor({ [first]: { value: [row], '@odata.nextLink': first } })).gaps).toEqual([expect.stringMatching(/points at the page just read/)]);
  });

  it('two consistent pages are emitted whole', async () => {
    const second = `${first}?$skiptoken=2`;
    expect(await scopeFor({ [first]: { value: [row], '@odata.nextLink': second }, [second]: { value: [{ ...row, id: 'u2' }] } })).toEqual({ gaps: [], emitted: 2 });
  });
});
