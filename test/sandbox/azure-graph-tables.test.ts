/**
 * The sandbox's Resource Graph request parsing for the tables besides `resources` (src/sandbox/azure-graph.ts):
 * the table and `where name in~` filter are read as Resource Graph reads them; anything it would not resolve is a 400.
 */
import { parseGraphRequest } from '../../src/sandbox/azure-graph.js';
import { SandboxApiError } from '../../src/sandbox/http.js';

const request = (query: string): Buffer => Buffer.from(JSON.stringify({ subscriptions: ['0b1f6471-1bf0-4dda-aec3-111111111111'], query }));

describe('Resource Graph tables on the sandbox', () => {
  it('reads the table case-insensitively, the type and the name filters', () => {
    const parsed = parseGraphRequest(request("RecoveryServicesResources | where type in~ ('microsoft.recoveryservices/vaults/backuppolicies') | where name in~ ('DefaultPolicy', 'Other') | project id, name, type, properties | order by id asc"));
    expect(parsed.table).toBe('recoveryservicesresources');
    expect(parsed.types).toEqual(['microsoft.recoveryservices/vaults/backuppolicies']);
    expect(parsed.names).toEqual(['defaultpolicy', 'other']);
    expect(parsed.project).toEqual(['id', 'name', 'type', 'properties']);
    expect(parseGraphRequest(request("securityresources | where type =~ 'Microsoft.Security/assessments'")).table).toBe('securityresources');
    expect(parseGraphRequest(request("resources | where type =~ 'microsoft.compute/virtualmachines'")).names).toBeUndefined();
  });

  it('answers 400 for a table it does not serve or an operator it does not evaluate', () => {
    for (const query of ["advisorresources | where type =~ 'microsoft.advisor/recommendations'", "securityresources | where name startswith 'ffff'"]) {
      let caught: unknown;
      try {
        parseGraphRequest(request(query));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SandboxApiError);
      expect((caught as SandboxApiError).status).toBe(400);
    }
  });
});
