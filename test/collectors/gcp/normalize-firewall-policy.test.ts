/**
 * FirewallPolicy assets (Compute v1 FirewallPolicy: https://cloud.google.com/compute/docs/reference/rest/v1/firewallPolicies)
 * normalized so the firewall control reads their rules like VPC rules: numeric port ranges, protocol names,
 * the API's defaults, and a malformed rule making the whole policy malformed (its verdicts unknown).
 */
import { normalizeAsset } from '../../../collectors/gcp/normalize.js';

const policy = (rules: unknown) => ({
  name: '//compute.googleapis.com/locations/global/firewallPolicies/123',
  assetType: 'compute.googleapis.com/FirewallPolicy',
  ancestors: ['organizations/900000000001'],
  resource: {
    version: 'v1',
    parent: '//cloudresourcemanager.googleapis.com/organizations/900000000001',
    data: { name: '123', parent: 'organizations/900000000001', associations: [{ name: 'org', attachmentTarget: 'organizations/900000000001' }], rules },
  },
});

it('reads rule ports and protocols as VPC rules are read, with the API defaults', () => {
  const [r] = normalizeAsset(policy([{ priority: 100, action: 'deny', match: { srcIpRanges: ['0.0.0.0/0'], layer4Configs: [{ ipProtocol: '6', ports: ['20-30'] }, { ipProtocol: 'all' }] } }]));
  expect(r?.malformed).toBeUndefined();
  expect(r?.configuration.rules).toEqual([
    {
      priority: 100,
      action: 'deny',
      direction: 'INGRESS',
      disabled: false,
      targetResources: [],
      targetServiceAccounts: [],
      targetSecureTags: [],
      match: {
        srcIpRanges: ['0.0.0.0/0'],
        layer4Configs: [
          { ipProtocol: '6', ports: ['20-30'], protocol: 'tcp', portRanges: [{ fromPort: 20, toPort: 30 }] },
          { ipProtocol: 'all', protocol: 'all', portRanges: [{ fromPort: 0, toPort: 65535 }] },
        ],
      },
    },
  ]);
  expect(r?.configuration.associations).toEqual([{ name: 'org', attachmentTarget: 'organizations/900000000001' }]);
});

it('makes a policy with an unreadable rule malformed rather than dropping the rule', () => {
  const [bad] = normalizeAsset(policy([{ priority: 100, action: 'deny', match: { layer4Configs: [{ ipProtocol: 'tcp', ports: ['ssh'] }] } }]));
  expect(bad?.malformed).toContain('firewall port "ssh"');
  const [notObject] = normalizeAsset(policy(['deny']));
  expect(notObject?.malformed).toBe('rules[0] is not an object');
});

it('keeps the region of a regional network firewall policy and reads "" for the global and hierarchical ones', () => {
  // Compute v1 regionNetworkFirewallPolicies: a regional policy's `region` is the URL of its region.
  const REGION = 'https://www.googleapis.com/compute/v1/projects/kansa-test/regions/asia-northeast1';
  const regional = policy([]);
  regional.name = '//compute.googleapis.com/projects/kansa-test/regions/asia-northeast1/firewallPolicies/r1';
  regional.resource.data = { ...regional.resource.data, region: REGION } as typeof regional.resource.data;
  expect(normalizeAsset(regional)[0]?.configuration.region).toBe(REGION);
  expect(normalizeAsset(policy([]))[0]?.configuration.region).toBe('');
});
