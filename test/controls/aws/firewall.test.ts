/** Firewall and remote access (mappings/controls/aws/firewall.yaml). */
import { assess, configItem, findingsOf, reasonsJaOf } from '../../support/evaluate.js';
import { historyItems, rdkItem, selectRows } from '../../fixtures/aws/samples.js';

/** A Select row carries only the selected fields; add the identity the query left out. */
function fromSelect(name: string): Record<string, unknown> {
  const [row] = selectRows(name);
  const configuration = row!.configuration as Record<string, unknown>;
  return { ...row, resourceType: 'AWS::EC2::SecurityGroup', resourceId: configuration.groupId, awsAccountId: configuration.ownerId, awsRegion: 'us-east-2' };
}

function sg(id: string, ipPermissions: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return configItem({
    type: 'AWS::EC2::SecurityGroup',
    id,
    configuration: {
      groupId: id,
      groupName: `app-${id}`,
      description: 'application tier',
      ownerId: '111122223333',
      vpcId: 'vpc-0a1b2c3d4e5f60001',
      ipPermissions,
      ipPermissionsEgress: [{ ipProtocol: '-1', ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }], ipv6Ranges: [], prefixListIds: [], userIdGroupPairs: [], ipRanges: ['0.0.0.0/0'] }],
      ...extra,
    },
  });
}

const rule = (ipProtocol: string, fromPort: number | undefined, toPort: number | undefined, sources: Record<string, unknown>): Record<string, unknown> => ({
  ipProtocol,
  ...(fromPort === undefined ? {} : { fromPort }),
  ...(toPort === undefined ? {} : { toPort }),
  ipv4Ranges: [],
  ipv6Ranges: [],
  prefixListIds: [],
  userIdGroupPairs: [],
  ...sources,
});
const world4 = { ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }] };
const world6 = { ipv6Ranges: [{ cidrIpv6: '::/0' }] };

describe('aws-sg-admin-ports-closed-to-world', () => {
  const control = 'aws-sg-admin-ports-closed-to-world';

  it('fails the Cloud Custodian launch-wizard group with SSH open to the world', () => {
    const f = findingsOf(assess([fromSelect('select_sg_ssh_22_open_world')]), control);
    expect(f['sg-04ececeaf1ed666cb']).toEqual({ status: 'fail', reason: 'tcp/22 open to 0.0.0.0/0' });
  });

  it('reads the old ipRanges string lists (aws-config-rdk item, configuration item version 1.2)', () => {
    expect(findingsOf(assess([rdkItem('AWS_EC2_SecurityGroup')]), control)['sg-1d56fc66']).toEqual({ status: 'fail', reason: 'tcp/22 open to 0.0.0.0/0' });
  });

  it('passes Cloud Custodian groups: 8080 open to the world, group-pair-only, no ingress, one /32 source', () => {
    const [latest8080] = historyItems('history_sg_8080_open_world');
    const [pairOnly] = historyItems('history_sg_group_pair_only');
    const f = findingsOf(assess([latest8080, pairOnly, fromSelect('select_sg_no_ingress'), fromSelect('select_sg_default_restricted')]), control);
    expect(f['sg-a38ed1de']).toEqual({ status: 'pass' });
    expect(f['sg-65229a0c']).toEqual({ status: 'pass' });
    expect(f['sg-0f026884bba48e350']).toEqual({ status: 'pass' });
    expect(f['sg-6c7fa917']).toEqual({ status: 'pass' });
  });

  it('covers IPv6, port ranges containing admin ports, all-protocol rules and numeric protocols', () => {
    const f = findingsOf(
      assess([
        sg('sg-ipv6', [rule('tcp', 3389, 3389, world6)]),
        sg('sg-range', [rule('tcp', 3300, 3400, world4)]),
        sg('sg-all-ports', [rule('tcp', 0, 65535, { ...world4, ...world6 })]),
        sg('sg-all-traffic', [rule('-1', undefined, undefined, world4)]),
        sg('sg-udp-netbios', [rule('udp', 137, 139, world4)]),
        sg('sg-numeric', [rule('6', 5432, 5432, world4)]),
      ]),
      control,
    );
    expect(f['sg-ipv6']).toEqual({ status: 'fail', reason: 'tcp/3389 open to ::/0' });
    expect(f['sg-range']).toEqual({ status: 'fail', reason: 'tcp/3300-3400 open to 0.0.0.0/0' });
    expect(f['sg-all-ports']).toEqual({ status: 'fail', reason: 'tcp/0-65535 open to 0.0.0.0/0' });
    expect(f['sg-all-traffic']).toEqual({ status: 'fail', reason: 'all traffic open to 0.0.0.0/0' });
    expect(f['sg-udp-netbios']).toEqual({ status: 'fail', reason: 'udp/137-139 open to 0.0.0.0/0' });
    expect(f['sg-numeric']).toEqual({ status: 'fail', reason: '6/5432 open to 0.0.0.0/0' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const ja = reasonsJaOf(assess([sg('sg-ipv6', [rule('tcp', 3389, 3389, world6)]), sg('sg-all-traffic', [rule('-1', undefined, undefined, world4)])]), control);
    expect(ja['sg-ipv6']).toBe('tcp/3389 が ::/0 に公開されています');
    expect(ja['sg-all-traffic']).toBe('すべての通信が 0.0.0.0/0 に公開されています');
  });

  it('passes admin ports reachable only from recorded office prefix lists, security groups or private ranges, and web ports or ICMP open to all', () => {
    const f = findingsOf(
      assess([
        configItem({ type: 'AWS::EC2::PrefixList', id: 'pl-0123456789abcdef0', configuration: { PrefixListId: 'pl-0123456789abcdef0', PrefixListName: 'office', AddressFamily: 'IPv4', Entries: [{ Cidr: '203.0.113.0/24' }] } }),
        sg('sg-prefix-list', [rule('tcp', 22, 22, { prefixListIds: [{ prefixListId: 'pl-0123456789abcdef0', description: 'office' }] })]),
        sg('sg-from-bastion', [rule('tcp', 22, 22, { userIdGroupPairs: [{ groupId: 'sg-0bastion000000001', userId: '111122223333' }] })]),
        sg('sg-private', [rule('tcp', 3306, 3306, { ipv4Ranges: [{ cidrIp: '10.0.0.0/8' }] }), rule('tcp', 22, 22, { ipv6Ranges: [{ cidrIpv6: '2001:db8::/32' }] })]),
        sg('sg-web', [rule('tcp', 443, 443, { ...world4, ...world6 }), rule('tcp', 8000, 8999, world4), rule('icmp', -1, -1, world4)]),
      ]),
      control,
    );
    for (const id of ['sg-prefix-list', 'sg-from-bastion', 'sg-private', 'sg-web']) expect(f[id]).toEqual({ status: 'pass' });
  });

  it('is unknown when the permissions are not a list', () => {
    const f = findingsOf(assess([sg('sg-garbled', 'tcp/22')]), control);
    expect(f['sg-garbled']).toEqual({ status: 'unknown', reason: 'malformed AWS::EC2::SecurityGroup: security group permissions are not a list' });
  });
});

describe('aws-sg-default-restricts-all', () => {
  const control = 'aws-sg-default-restricts-all';

  it('fails the Cloud Custodian default group that still has rules, listing them', () => {
    expect(findingsOf(assess([fromSelect('select_sg_default_restricted')]), control)['sg-6c7fa917']).toEqual({
      status: 'fail',
      reason: 'default security group of vpc-d2d616b5 has 1 inbound and 1 outbound rule(s): in -1 from 108.56.181.242/32 sg-6c7fa917; out -1 to 0.0.0.0/0',
    });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    expect(reasonsJaOf(assess([fromSelect('select_sg_default_restricted')]), control)['sg-6c7fa917']).toBe(
      'vpc-d2d616b5 のデフォルトセキュリティグループに受信ルールが 1 件、送信ルールが 1 件あります: 受信 -1（送信元 108.56.181.242/32 sg-6c7fa917）、送信 -1（宛先 0.0.0.0/0）',
    );
  });

  it('passes an emptied default group and ignores other groups', () => {
    const f = findingsOf(assess([sg('sg-default-empty', [], { groupName: 'default', ipPermissionsEgress: [] }), sg('sg-app', [rule('tcp', 443, 443, world4)])]), control);
    expect(f).toEqual({ 'sg-default-empty': { status: 'pass' } });
  });

  it('is unknown when the default group cannot be read', () => {
    expect(findingsOf(assess([sg('sg-default-garbled', { ipProtocol: 'tcp' }, { groupName: 'default' })]), control)['sg-default-garbled']?.status).toBe('unknown');
  });
});

describe('aws-sg-admin-ports-closed-to-world: managed prefix lists', () => {
  const control = 'aws-sg-admin-ports-closed-to-world';
  // AWS::EC2::PrefixList is recorded in the CloudFormation shape (awslabs/aws-config-resource-schema).
  const prefixList = (id: string, cidrs: string[] | undefined): Record<string, unknown> =>
    configItem({
      type: 'AWS::EC2::PrefixList',
      id,
      name: `pl-name-${id}`,
      configuration: {
        PrefixListId: id,
        PrefixListName: `admins-${id}`,
        AddressFamily: 'IPv4',
        MaxEntries: 10,
        Version: 3,
        OwnerId: '111122223333',
        Arn: `arn:aws:ec2:ap-northeast-1:111122223333:prefix-list/${id}`,
        ...(cidrs === undefined ? {} : { Entries: cidrs.map((Cidr) => ({ Cidr, Description: 'entry' })) }),
      },
    });
  const viaList = (id: string, listId: string, port = 22): Record<string, unknown> => sg(id, [rule('tcp', port, port, { prefixListIds: [{ prefixListId: listId, description: 'admins' }] })]);

  it('fails a rule whose prefix list contains 0.0.0.0/0 and passes one whose list holds office ranges', () => {
    const f = findingsOf(
      assess([prefixList('pl-0aaaa0000000000a1', ['203.0.113.0/24', '0.0.0.0/0']), prefixList('pl-0bbbb0000000000b2', ['198.51.100.0/24']), viaList('sg-0open', 'pl-0aaaa0000000000a1'), viaList('sg-0office', 'pl-0bbbb0000000000b2')]),
      control,
    );
    expect(f['sg-0open']).toEqual({ status: 'fail', reason: 'tcp/22 open to pl-0aaaa0000000000a1 (0.0.0.0/0, ::/0)' });
    expect(f['sg-0office']).toEqual({ status: 'pass' });
    expect(reasonsJaOf(assess([prefixList('pl-0aaaa0000000000a1', ['::/0']), viaList('sg-0open', 'pl-0aaaa0000000000a1')]), control)['sg-0open']).toBe(
      'tcp/22 が pl-0aaaa0000000000a1 (0.0.0.0/0, ::/0) に公開されています',
    );
  });

  it('is unknown, never a pass, when the named prefix list was not recorded or records no entries', () => {
    const f = findingsOf(assess([prefixList('pl-0cccc0000000000c3', undefined), viaList('sg-0nolist', 'pl-0dddd0000000000d4'), viaList('sg-0noentries', 'pl-0cccc0000000000c3')]), control);
    expect(f['sg-0nolist']?.status).toBe('unknown');
    expect(f['sg-0nolist']?.reason).toContain('prefix list(s) pl-0dddd0000000000d4 named by a rule on an administrative port are not in the collected inventory');
    expect(f['sg-0noentries']?.status).toBe('unknown');
  });

  it('still fails a group open to 0.0.0.0/0 even when another rule names an unrecorded list, and ignores lists on other ports', () => {
    const both = sg('sg-0both', [rule('tcp', 3389, 3389, world4), rule('tcp', 22, 22, { prefixListIds: [{ prefixListId: 'pl-0eeee0000000000e5' }] })]);
    const f = findingsOf(assess([both, viaList('sg-0https', 'pl-0ffff0000000000f6', 443)]), control);
    expect(f['sg-0both']).toEqual({ status: 'fail', reason: 'tcp/3389 open to 0.0.0.0/0' });
    expect(f['sg-0https']).toEqual({ status: 'pass' });
  });

  it('is unknown when the prefix lists were not collected in the scope', () => {
    const item = viaList('sg-0scope', 'pl-0aaaa0000000000a1');
    const scope = { provider: 'aws' as const, account: '111122223333', region: 'ap-northeast-1', types: ['AWS::EC2::SecurityGroup'], outcome: { status: 'ok' as const, collectedAt: '2026-11-01T00:00:00Z' } };
    expect(findingsOf(assess([item], [scope]), control)['sg-0scope']?.status).toBe('unknown');
  });
});

describe('aws-nacl-admin-ports-closed-to-world', () => {
  const control = 'aws-nacl-admin-ports-closed-to-world';
  // Shape: awslabs/aws-config-resource-schema AWS::EC2::NetworkAcl (API shape). The default deny entries
  // (rule 32767) are part of every ACL.
  const entry = (ruleNumber: number, ruleAction: 'allow' | 'deny', protocol: string, cidr: string, ports?: [number, number], egress = false): Record<string, unknown> => ({
    ruleNumber,
    ruleAction,
    protocol,
    egress,
    ...(cidr.includes(':') ? { ipv6CidrBlock: cidr } : { cidrBlock: cidr }),
    ...(ports ? { portRange: { from: ports[0], to: ports[1] } } : {}),
  });
  const defaults = [entry(32767, 'deny', '-1', '0.0.0.0/0'), entry(32768, 'deny', '-1', '::/0'), entry(32767, 'deny', '-1', '0.0.0.0/0', undefined, true)];
  const nacl = (id: string, entries: Record<string, unknown>[] | undefined, associations: unknown[] = [{ networkAclAssociationId: `aclassoc-${id}`, networkAclId: id, subnetId: 'subnet-0a1b2c3d4e5f60711' }]): Record<string, unknown> =>
    configItem({ type: 'AWS::EC2::NetworkAcl', id, configuration: { networkAclId: id, vpcId: 'vpc-0a1b2c3d4e5f60001', isDefault: false, ownerId: '111122223333', associations, ...(entries ? { entries } : {}) } });

  it('passes an ACL that allows only HTTPS from the internet and SSH from the office', () => {
    const f = findingsOf(assess([nacl('acl-0good', [entry(100, 'allow', '6', '0.0.0.0/0', [443, 443]), entry(110, 'allow', '6', '203.0.113.0/24', [22, 22]), ...defaults])]), control);
    expect(f['acl-0good']).toEqual({ status: 'pass' });
  });

  it('fails the default ACL that allows all traffic, and an allow for 22 from ::/0', () => {
    const f = findingsOf(
      assess([
        nacl('acl-0default', [entry(100, 'allow', '-1', '0.0.0.0/0'), entry(101, 'allow', '-1', '::/0'), ...defaults]),
        nacl('acl-0ssh6', [entry(120, 'allow', '6', '::/0', [20, 25]), ...defaults]),
      ]),
      control,
    );
    expect(f['acl-0default']?.status).toBe('fail');
    expect(f['acl-0default']?.reason).toContain('tcp/22 0.0.0.0/0 (rule 100)');
    expect(f['acl-0default']?.reason).toContain('udp/3389 ::/0 (rule 101)');
    expect(f['acl-0ssh6']).toEqual({ status: 'fail', reason: 'inbound allowed from the internet: tcp/20 ::/0 (rule 120), tcp/21 ::/0 (rule 120), tcp/22 ::/0 (rule 120), tcp/23 ::/0 (rule 120)' });
  });

  it('follows rule-number order: a lower deny stops evaluation, a higher deny does not', () => {
    const f = findingsOf(
      assess([
        nacl('acl-0denyfirst', [entry(100, 'deny', '6', '0.0.0.0/0', [22, 22]), entry(200, 'allow', '6', '0.0.0.0/0', [22, 22]), ...defaults]),
        // Listed out of order on purpose: rule numbers, not positions, decide.
        nacl('acl-0denylater', [entry(300, 'deny', '6', '0.0.0.0/0', [22, 22]), entry(200, 'allow', '6', '0.0.0.0/0', [22, 22]), ...defaults]),
        nacl('acl-0egress', [entry(100, 'allow', '-1', '0.0.0.0/0', undefined, true), ...defaults]),
      ]),
      control,
    );
    expect(f['acl-0denyfirst']).toEqual({ status: 'pass' });
    expect(f['acl-0denylater']).toEqual({ status: 'fail', reason: 'inbound allowed from the internet: tcp/22 0.0.0.0/0 (rule 200)' });
    expect(f['acl-0egress']).toEqual({ status: 'pass' });
    expect(reasonsJaOf(assess([nacl('acl-0denylater', [entry(200, 'allow', '6', '0.0.0.0/0', [22, 22]), ...defaults])]), control)['acl-0denylater']).toBe(
      '受信を許可しているエントリがあります: tcp/22 0.0.0.0/0 (rule 200)',
    );
  });

  it('does not judge an ACL associated with no subnet, and is unknown without entries', () => {
    const f = findingsOf(assess([nacl('acl-0spare', [entry(100, 'allow', '-1', '0.0.0.0/0'), ...defaults], []), nacl('acl-0bare', undefined)]), control);
    expect(f['acl-0spare']).toBeUndefined();
    expect(f['acl-0bare']?.reason).toContain('network ACL entries (entries) not recorded');
  });
});
