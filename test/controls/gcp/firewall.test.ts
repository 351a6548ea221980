/** GCP firewall controls (mappings/controls/gcp/firewall.yaml) on policy-library fixtures and crafted rules. */
import { asset, findings, reasonsJa, sample } from './support.js';

const control = 'gcp-firewall-admin-ports-closed-to-world';
const fw = (name: string, data: Record<string, unknown>) =>
  asset('compute.googleapis.com/Firewall', `//compute.googleapis.com/projects/kansa-test/global/firewalls/${name}`, { name, network: 'default', ...data });

describe(control, () => {
  it('judges the policy-library protocol/port rules: all-protocol and port ranges fail, disabled rules pass', () => {
    const f = findings(sample('firewall_protocol_and_port'), control);
    expect(f['cf-test-fw-rule-0']).toEqual({ status: 'fail', reason: 'udp/1000-7000 open to 0.0.0.0/0' }); // the range holds 1433, 3306, 3389, 5432…
    expect(f['cf-test-fw-rule-1']).toEqual({ status: 'pass' }); // tcp/20 to the world, but disabled
    expect(f['cf-test-fw-rule-4']).toEqual({ status: 'pass' }); // tcp/22 to the world, but disabled
    expect(f['cf-test-fw-rule-5']).toEqual({ status: 'fail', reason: 'all traffic open to 0.0.0.0/0' });
    // tcp without ports is every tcp port; udp/5200 alone would be fine.
    expect(f['cf-test-fw-rule-6']).toEqual({ status: 'fail', reason: 'tcp/all ports, sctp/all ports open to 0.0.0.0/0' });
  });

  it('passes EGRESS rules, deny rules and rules from private ranges or with no source ranges (policy-library sources)', () => {
    const f = findings(sample('firewall_sources'), control);
    expect(f['cf-test-fw-rule-source-0']).toEqual({ status: 'fail', reason: 'all traffic open to 0.0.0.0/0' });
    expect(f['cf-test-fw-rule-source-4']).toEqual({ status: 'pass' }); // deny all from 0.0.0.0/0
    expect(f['cf-test-fw-rule-source-5']).toEqual({ status: 'pass' }); // 192.1.0.0/16
    expect(f['cf-test-fw-rule-source-6']).toEqual({ status: 'pass' }); // no sourceRanges (tags only)
    expect(f['cf-test-fw-rule-source-8']).toEqual({ status: 'pass' }); // EGRESS allow all
  });

  it('matches admin ports inside ranges such as "20-30", IPv6 ::/0, udp and sctp; and defaults direction to INGRESS', () => {
    const f = findings(
      [
        fw('range', { direction: 'INGRESS', sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['20-30'] }] }),
        fw('ipv6', { sourceRanges: ['::/0'], allowed: [{ IPProtocol: 'tcp', ports: ['3389'] }] }),
        fw('udp-netbios', { direction: 'INGRESS', sourceRanges: ['0.0.0.0/0', '::/0'], allowed: [{ IPProtocol: 'udp', ports: ['137-139'] }] }),
        fw('https-only', { direction: 'INGRESS', sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['443', '8080-8090'] }] }),
        fw('iap-ssh', { direction: 'INGRESS', sourceRanges: ['35.235.240.0/20'], allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] }),
      ],
      control,
    );
    expect(f.range).toEqual({ status: 'fail', reason: 'tcp/20-30 open to 0.0.0.0/0' });
    expect(f.ipv6).toEqual({ status: 'fail', reason: 'tcp/3389 open to ::/0' });
    expect(f['udp-netbios']).toEqual({ status: 'fail', reason: 'udp/137-139 open to 0.0.0.0/0 and ::/0' });
    expect(f['https-only']).toEqual({ status: 'pass' });
    expect(f['iap-ssh']).toEqual({ status: 'pass' });
  });

  it('says in Japanese what is open to which world range (reason_ja)', () => {
    const ja = reasonsJa(
      [
        ...sample('firewall_protocol_and_port'),
        fw('udp-netbios', { direction: 'INGRESS', sourceRanges: ['0.0.0.0/0', '::/0'], allowed: [{ IPProtocol: 'udp', ports: ['137-139'] }] }),
      ],
      control,
    );
    expect(ja['udp-netbios']).toBe('「udp/137-139」が 0.0.0.0/0 と ::/0 に公開されています');
    expect(ja['cf-test-fw-rule-5']).toBe('「すべての通信」が 0.0.0.0/0 に公開されています');
    expect(ja['cf-test-fw-rule-6']).toBe('「tcp/全ポート」、「sctp/全ポート」が 0.0.0.0/0 に公開されています');
    expect(ja['cf-test-fw-rule-1']).toBeUndefined(); // pass: no reason
  });

  it('is unknown for an asset whose data did not arrive or whose ports cannot be read', () => {
    const noData = { ...fw('no-data', {}), resource: { version: 'v1' } };
    const f = findings([noData, fw('bad-port', { sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['ssh'] }] })], control);
    expect(f['no-data']?.status).toBe('unknown');
    expect(f['bad-port']?.status).toBe('unknown');
  });

  describe('rule priority: a higher-priority DENY closes what a later ALLOW opens', () => {
    const world = { direction: 'INGRESS', sourceRanges: ['0.0.0.0/0'] };
    const allowSsh = (name: string, extra: Record<string, unknown> = {}) => fw(name, { ...world, priority: 1000, allowed: [{ IPProtocol: 'tcp', ports: ['22'] }], ...extra });
    const deny = (name: string, extra: Record<string, unknown> = {}) => fw(name, { ...world, priority: 100, denied: [{ IPProtocol: 'tcp', ports: ['22'] }], ...extra });
    const verdict = (assets: Record<string, unknown>[], name = 'allow') => findings(assets, control)[name];

    it('passes an allow rule whose admin ports are all denied by a higher- or equal-priority rule of the same network', () => {
      expect(verdict([allowSsh('allow'), deny('deny')])).toEqual({ status: 'pass' });
      expect(verdict([allowSsh('allow'), deny('deny', { priority: 1000 })])).toEqual({ status: 'pass' }); // equal priority: deny wins
      expect(verdict([allowSsh('allow'), deny('deny', { denied: [{ IPProtocol: '6', ports: ['20-25'] }] })])).toEqual({ status: 'pass' }); // numeric protocol, range
      expect(verdict([allowSsh('allow', { priority: undefined }), deny('deny', { priority: 999 })])).toEqual({ status: 'pass' }); // default priority 1000
      expect(verdict([allowSsh('allow', { targetTags: ['web'] }), deny('deny', { targetTags: ['web', 'db'] })])).toEqual({ status: 'pass' });
      expect(
        verdict([fw('allow', { ...world, allowed: [{ IPProtocol: 'all' }] }), deny('deny', { priority: 10, denied: [{ IPProtocol: 'all' }] })]),
      ).toEqual({ status: 'pass' });
    });

    it('still fails when the deny rule is lower priority, disabled, EGRESS, in another network, narrower in source, target or ports', () => {
      const open = { status: 'fail', reason: 'tcp/22 open to 0.0.0.0/0' };
      expect(verdict([allowSsh('allow'), deny('deny', { priority: 2000 })])).toEqual(open);
      expect(verdict([allowSsh('allow'), deny('deny', { disabled: true })])).toEqual(open);
      expect(verdict([allowSsh('allow'), deny('deny', { direction: 'EGRESS', sourceRanges: [], destinationRanges: ['0.0.0.0/0'] })])).toEqual(open);
      expect(verdict([allowSsh('allow'), deny('deny', { network: 'projects/kansa-test/global/networks/other' })])).toEqual(open);
      expect(verdict([allowSsh('allow'), deny('deny', { sourceRanges: ['198.51.100.0/24'] })])).toEqual(open);
      expect(verdict([allowSsh('allow'), deny('deny', { targetTags: ['bastion'] })])).toEqual(open); // the allow applies to every instance
      expect(verdict([allowSsh('allow'), deny('deny', { denied: [{ IPProtocol: 'udp', ports: ['22'] }] })])).toEqual(open);
      // IPv6 stays open when only the IPv4 world range is denied
      expect(verdict([allowSsh('allow', { sourceRanges: ['0.0.0.0/0', '::/0'] }), deny('deny')])).toEqual({ status: 'fail', reason: 'tcp/22 open to 0.0.0.0/0 and ::/0' });
      // 21 and 23 remain open inside the allowed range; the reason lists only what is still exposed
      expect(
        verdict([fw('allow', { ...world, allowed: [{ IPProtocol: 'tcp', ports: ['20-30'] }, { IPProtocol: 'tcp', ports: ['22'] }] }), deny('deny')]),
      ).toEqual({ status: 'fail', reason: 'tcp/20-30 open to 0.0.0.0/0' });
      // all protocols: denying tcp/22 leaves udp and sctp
      expect(verdict([fw('allow', { ...world, allowed: [{ IPProtocol: 'all' }] }), deny('deny')])).toEqual({ status: 'fail', reason: 'all traffic open to 0.0.0.0/0' });
    });

    it('judges the deny rules themselves as pass', () => {
      expect(verdict([allowSsh('allow'), deny('deny')], 'deny')).toEqual({ status: 'pass' });
    });
  });
});

describe(`${control}: firewall policies evaluated before the VPC rules`, () => {
  // Compute v1 FirewallPolicy (https://cloud.google.com/compute/docs/reference/rest/v1/firewallPolicies) and
  // Network.networkFirewallPolicyEnforcementOrder (https://cloud.google.com/compute/docs/reference/rest/v1/networks);
  // order: https://cloud.google.com/firewall/docs/firewall-policies-rule-eval-order.
  const NET = 'https://www.googleapis.com/compute/v1/projects/kansa-test/global/networks/vpc-a';
  const ORG = 'organizations/900000000001';
  const FOLDER = 'folders/300000000001';
  const world = { direction: 'INGRESS', sourceRanges: ['0.0.0.0/0'] };
  const allowSsh = (ancestors = ['projects/123456789012', ORG]) => ({
    ...fw('allow', { ...world, network: NET, allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] }),
    ancestors,
  });
  type Rule = { priority: number; action: string; ports?: string[]; src?: string[]; extra?: Record<string, unknown> };
  const rule = (r: Rule) => ({
    priority: r.priority,
    action: r.action,
    direction: 'INGRESS',
    match: { srcIpRanges: r.src ?? ['0.0.0.0/0'], layer4Configs: [{ ipProtocol: 'tcp', ports: r.ports ?? ['22'] }] },
    ...r.extra,
  });
  const policy = (id: string, target: string, rules: Rule[]) =>
    asset('compute.googleapis.com/FirewallPolicy', `//compute.googleapis.com/locations/global/firewallPolicies/${id}`, {
      name: id,
      kind: 'compute#firewallPolicy',
      ...(target.startsWith('https://') ? {} : { parent: target }),
      associations: [{ name: `assoc-${id}`, attachmentTarget: target }],
      rules: [...rules.map(rule), rule({ priority: 2147483647, action: 'goto_next', ports: [], src: ['0.0.0.0/0'] })],
    }, 'global');
  const network = (order?: string) =>
    asset('compute.googleapis.com/Network', '//compute.googleapis.com/projects/kansa-test/global/networks/vpc-a', {
      name: 'vpc-a',
      selfLink: NET,
      ...(order ? { networkFirewallPolicyEnforcementOrder: order } : {}),
    }, 'global');
  const verdict = (assets: Record<string, unknown>[]) => findings(assets, control).allow;
  const open = { status: 'fail', reason: 'tcp/22 open to 0.0.0.0/0' };

  it('an organization policy that denies the port closes it; goto_next, an earlier allow or a targeted deny do not', () => {
    expect(verdict([allowSsh(), policy('1', ORG, [{ priority: 100, action: 'deny' }])])).toEqual({ status: 'pass' });
    expect(verdict([allowSsh(), policy('1', ORG, [{ priority: 100, action: 'goto_next' }, { priority: 200, action: 'deny' }])])).toEqual(open);
    expect(verdict([allowSsh(), policy('1', ORG, [{ priority: 100, action: 'allow' }, { priority: 200, action: 'deny' }])])).toEqual(open);
    expect(verdict([allowSsh(), policy('1', ORG, [{ priority: 100, action: 'deny', extra: { targetServiceAccounts: ['sa@kansa-test.iam.gserviceaccount.com'] } }])])).toEqual(open);
    // an earlier allow from a narrow range does not match the world traffic: the deny decides it
    expect(verdict([allowSsh(), policy('1', ORG, [{ priority: 100, action: 'allow', src: ['35.235.240.0/20'] }, { priority: 200, action: 'deny' }])])).toEqual({ status: 'pass' });
    // a deny of another port, or a policy attached to another organization, changes nothing
    expect(verdict([allowSsh(), policy('1', ORG, [{ priority: 100, action: 'deny', ports: ['3389'] }])])).toEqual(open);
    expect(verdict([allowSsh(), policy('1', 'organizations/111', [{ priority: 100, action: 'deny' }])])).toEqual(open);
  });

  it('walks from the organization down: goto_next hands over to the folder, the organization decides first', () => {
    const inFolder = allowSsh(['projects/123456789012', FOLDER, ORG]);
    expect(verdict([inFolder, policy('1', ORG, [{ priority: 100, action: 'goto_next' }]), policy('2', FOLDER, [{ priority: 100, action: 'deny' }])])).toEqual({ status: 'pass' });
    expect(verdict([inFolder, policy('1', ORG, [{ priority: 100, action: 'allow' }]), policy('2', FOLDER, [{ priority: 100, action: 'deny' }])])).toEqual(open);
    expect(verdict([inFolder, policy('1', ORG, [{ priority: 100, action: 'deny' }]), policy('2', FOLDER, [{ priority: 100, action: 'allow' }])])).toEqual({ status: 'pass' });
  });

  it('network firewall policies come before the VPC rules only with BEFORE_CLASSIC_FIREWALL', () => {
    const netDeny = policy('9', NET, [{ priority: 100, action: 'deny' }]);
    expect(verdict([allowSsh(), netDeny, network('BEFORE_CLASSIC_FIREWALL')])).toEqual({ status: 'pass' });
    expect(verdict([allowSsh(), netDeny, network('AFTER_CLASSIC_FIREWALL')])).toEqual(open);
    expect(verdict([allowSsh(), netDeny, network()])).toEqual(open); // AFTER_CLASSIC_FIREWALL is the default
  });

  it('is unknown when the order cannot be known: the network was not collected, or the project has no recorded ancestors', () => {
    expect(verdict([allowSsh(), policy('9', NET, [{ priority: 100, action: 'deny' }])])).toEqual({
      status: 'unknown',
      reason: `cannot evaluate: network ${NET} was not collected: the enforcement order of its firewall policies is unknown`,
    });
    const orphan: Record<string, unknown> = { ...allowSsh() };
    delete orphan.ancestors;
    expect(verdict([orphan, policy('1', ORG, [{ priority: 100, action: 'deny' }])])?.status).toBe('unknown');
    expect(reasonsJa([orphan, policy('1', ORG, [{ priority: 100, action: 'deny' }])], control).allow).toBe(
      '判定できません: プロジェクトの上位階層（ancestors）が記録されていないため、階層型ファイアウォール ポリシーの適用範囲が分かりません',
    );
    // without any firewall policy, a rule needs neither
    expect(verdict([orphan])).toEqual(open);
  });

  describe('gcp-firewall-policy-admin-ports-closed-to-world: a policy that opens a port on its own', () => {
    const policyControl = 'gcp-firewall-policy-admin-ports-closed-to-world';
    const judge = (assets: Record<string, unknown>[], id: string) => findings(assets, policyControl)[id];

    it('fails an organization policy whose first matching rule allows an admin port from the world, with no VPC rule involved', () => {
      expect(judge([policy('1', ORG, [{ priority: 100, action: 'allow' }])], '1')).toEqual({ status: 'fail', reason: 'the organization firewall policy allows tcp/22 from the whole internet (0.0.0.0/0 or ::/0)' });
      expect(reasonsJa([policy('1', ORG, [{ priority: 100, action: 'allow', ports: ['3389', '22'] }])], policyControl)['1']).toBe(
        '組織に関連付けられたファイアウォール ポリシーが tcp/22、tcp/3389 をインターネット全体（0.0.0.0/0 または ::/0）から許可しています',
      );
    });

    it('passes when a higher-priority deny of every world range decides first, when the allow is from a narrow range, or the policy is unattached', () => {
      expect(judge([policy('1', ORG, [{ priority: 100, action: 'deny' }, { priority: 200, action: 'allow' }])], '1')).toEqual({ status: 'pass' });
      expect(judge([policy('1', ORG, [{ priority: 100, action: 'allow', src: ['35.235.240.0/20'] }])], '1')).toEqual({ status: 'pass' });
      expect(judge([policy('1', ORG, [{ priority: 100, action: 'goto_next' }])], '1')).toEqual({ status: 'pass' });
      expect(judge([policy('1', ORG, [{ priority: 100, action: 'allow', ports: ['443'] }])], '1')).toEqual({ status: 'pass' });
      const unattached = policy('1', ORG, [{ priority: 100, action: 'allow' }]);
      (unattached['resource'] as { data: Record<string, unknown> }).data['associations'] = [];
      expect(judge([unattached], '1')).toEqual({ status: 'pass' });
      // A deny that targets only some instances does not close the port for the others.
      expect(judge([policy('1', ORG, [{ priority: 100, action: 'deny', extra: { targetServiceAccounts: ['sa@kansa-test.iam.gserviceaccount.com'] } }, { priority: 200, action: 'allow' }])], '1')?.status).toBe('fail');
    });

    it('is unknown for a folder policy that allows it: a policy above it, recorded elsewhere, may deny the traffic first', () => {
      expect(judge([policy('2', FOLDER, [{ priority: 100, action: 'allow' }])], '2')).toEqual({
        status: 'unknown',
        reason: 'cannot evaluate: the policy allows tcp/22 from the whole internet, but it is attached to a folder, where a policy above it may deny that traffic first',
      });
    });
  });

  // Regional network firewall policies (#12): Cloud Asset records them as FirewallPolicy too, named
  // //compute.googleapis.com/projects/P/regions/R/firewallPolicies/N and carrying `region` (Compute v1
  // regionNetworkFirewallPolicies; GoogleCloudPlatform/magic-modules RegionNetworkFirewallPolicy.yaml maps the
  // resource to kind FirewallPolicy). Order: https://cloud.google.com/firewall/docs/firewall-policies-rule-eval-order.
  describe('network firewall policies, global and regional', () => {
    const policyControl = 'gcp-firewall-policy-admin-ports-closed-to-world';
    const REGION = 'https://www.googleapis.com/compute/v1/projects/kansa-test/regions/asia-northeast1';
    const regional = (id: string, target: string, rules: Rule[]) =>
      asset('compute.googleapis.com/FirewallPolicy', `//compute.googleapis.com/projects/kansa-test/regions/asia-northeast1/firewallPolicies/${id}`, {
        name: id,
        kind: 'compute#firewallPolicy',
        region: REGION,
        selfLink: `${REGION}/firewallPolicies/${id}`,
        associations: [{ name: `assoc-${id}`, attachmentTarget: target }],
        rules: [...rules.map(rule), rule({ priority: 2147483647, action: 'goto_next', ports: [], src: ['0.0.0.0/0'] })],
      }, 'asia-northeast1');
    const judge = (assets: Record<string, unknown>[], id: string) => findings(assets, policyControl)[id];
    const vpcDeny = fw('deny-ssh', { direction: 'INGRESS', network: NET, priority: 500, sourceRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'tcp', ports: ['22'] }] });

    it('fails a regional policy that allows SSH from anywhere when no VPC rule opens it (the silent pass of #12)', () => {
      const assets = [regional('r1', NET, [{ priority: 100, action: 'allow' }]), network()];
      expect(judge(assets, 'r1')).toEqual({ status: 'fail', reason: 'the regional network firewall policy allows tcp/22 from the whole internet (0.0.0.0/0 or ::/0)' });
      expect(reasonsJa(assets, policyControl)['r1']).toBe('リージョン ネットワーク ファイアウォール ポリシーが tcp/22 をインターネット全体（0.0.0.0/0 または ::/0）から許可しています');
      // RDP the same way, and a global network policy too
      expect(judge([regional('r1', NET, [{ priority: 100, action: 'allow', ports: ['3389'] }]), network()], 'r1')?.status).toBe('fail');
      expect(judge([policy('9', NET, [{ priority: 100, action: 'allow' }]), network()], '9')).toEqual({ status: 'fail', reason: 'the network firewall policy allows tcp/22 from the whole internet (0.0.0.0/0 or ::/0)' });
    });

    it('passes when something evaluated before it decides: an organization deny, or for a regional policy the global network policy of the same network', () => {
      const allow = regional('r1', NET, [{ priority: 100, action: 'allow' }]);
      expect(judge([allow, network(), policy('1', ORG, [{ priority: 10, action: 'deny' }])], 'r1')).toEqual({ status: 'pass' });
      // an organization allow decides first too: that policy fails on its own, this one does not decide
      expect(judge([allow, network(), policy('1', ORG, [{ priority: 10, action: 'allow' }])], 'r1')).toEqual({ status: 'pass' });
      // goto_next in the organization hands the decision down to the regional policy
      expect(judge([allow, network(), policy('1', ORG, [{ priority: 10, action: 'goto_next' }])], 'r1')?.status).toBe('fail');
      expect(judge([allow, network(), policy('9', NET, [{ priority: 10, action: 'deny' }])], 'r1')).toEqual({ status: 'pass' });
      // a global policy on another network, or an organization of another hierarchy, changes nothing
      expect(judge([allow, network(), policy('9', `${NET}-other`, [{ priority: 10, action: 'deny' }])], 'r1')?.status).toBe('fail');
      expect(judge([allow, network(), policy('1', 'organizations/111', [{ priority: 10, action: 'deny' }])], 'r1')?.status).toBe('fail');
      // its own higher-priority deny of every world range
      expect(judge([regional('r1', NET, [{ priority: 50, action: 'deny' }, { priority: 100, action: 'allow' }]), network()], 'r1')).toEqual({ status: 'pass' });
    });

    it('with AFTER_CLASSIC_FIREWALL a VPC deny rule decides before the network policies; with BEFORE_CLASSIC_FIREWALL it does not', () => {
      const allow = regional('r1', NET, [{ priority: 100, action: 'allow' }]);
      expect(judge([allow, vpcDeny, network()], 'r1')).toEqual({ status: 'pass' }); // AFTER_CLASSIC_FIREWALL is the default
      expect(judge([allow, vpcDeny, network('AFTER_CLASSIC_FIREWALL')], 'r1')).toEqual({ status: 'pass' });
      expect(judge([allow, vpcDeny, network('BEFORE_CLASSIC_FIREWALL')], 'r1')?.status).toBe('fail');
      // a VPC deny that targets some instances only does not stop it for the others
      const targeted = fw('deny-ssh', { direction: 'INGRESS', network: NET, sourceRanges: ['0.0.0.0/0'], targetTags: ['web'], denied: [{ IPProtocol: 'tcp', ports: ['22'] }] });
      expect(judge([allow, targeted, network()], 'r1')?.status).toBe('fail');
    });

    it('is unknown, never a pass, when the order or the hierarchy cannot be known', () => {
      const allow = regional('r1', NET, [{ priority: 100, action: 'allow' }]);
      expect(judge([allow, vpcDeny], 'r1')).toEqual({
        status: 'unknown',
        reason: `cannot evaluate: network ${NET} was not collected: whether its VPC firewall rules come before its firewall policies is unknown`,
      });
      const orphan: Record<string, unknown> = { ...allow };
      delete orphan.ancestors;
      expect(judge([orphan, network(), policy('1', ORG, [{ priority: 10, action: 'deny' }])], 'r1')).toEqual({
        status: 'unknown',
        reason: "cannot evaluate: the project's ancestors are not recorded: which hierarchical firewall policies apply is unknown",
      });
    });

    it('a VPC rule open to the world stays open under a regional deny: it applies in one region only (BEFORE_CLASSIC_FIREWALL)', () => {
      const before = network('BEFORE_CLASSIC_FIREWALL');
      expect(verdict([allowSsh(), regional('r1', NET, [{ priority: 100, action: 'deny' }]), before])).toEqual(open);
      expect(verdict([allowSsh(), policy('9', NET, [{ priority: 100, action: 'deny' }]), before])).toEqual({ status: 'pass' });
      // the global policy comes first: its goto_next hands over to the regional one, whose allow opens the port
      expect(verdict([allowSsh(), policy('9', NET, [{ priority: 100, action: 'goto_next' }]), regional('r1', NET, [{ priority: 100, action: 'allow' }]), before])).toEqual(open);
    });
  });
});
