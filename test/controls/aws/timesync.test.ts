/** Time synchronisation (mappings/controls/aws/timesync.yaml). */
import { assess, configItem, findingsOf, reasonsJaOf } from '../../support/evaluate.js';

const control = 'aws-dhcp-ntp-amazon-time-sync';

/** A DHCP option set as AWS Config records it (CloudFormation shape, see the resource schema). */
function options(id: string, extra: Record<string, unknown>): Record<string, unknown> {
  return configItem({
    type: 'AWS::EC2::DHCPOptions',
    id,
    configuration: { DhcpOptionsId: id, DomainName: 'ap-northeast-1.compute.internal', DomainNameServers: ['AmazonProvidedDNS'], ...extra },
  });
}

describe('aws-dhcp-ntp-amazon-time-sync', () => {
  it('passes option sets without NTP servers (the default) or pointing at the Amazon Time Sync Service', () => {
    const f = findingsOf(
      assess([
        options('dopt-0default0000000001', {}),
        options('dopt-0timesync000000002', { NtpServers: ['169.254.169.123', 'fd00:ec2::123'] }),
        // The EC2 API shape is folded into the same canonical field by the normalizer.
        configItem({
          type: 'AWS::EC2::DHCPOptions',
          id: 'dopt-0apishape00000003',
          configuration: { dhcpOptionsId: 'dopt-0apishape00000003', dhcpConfigurations: [{ key: 'domain-name-servers', values: [{ value: 'AmazonProvidedDNS' }] }, { key: 'ntp-servers', values: [{ value: '169.254.169.123' }] }] },
        }),
      ]),
      control,
    );
    expect(f).toEqual({
      'dopt-0default0000000001': { status: 'pass' },
      'dopt-0timesync000000002': { status: 'pass' },
      'dopt-0apishape00000003': { status: 'pass' },
    });
  });

  it('fails option sets that hand out other NTP servers, naming them', () => {
    const f = findingsOf(
      assess([
        options('dopt-0corpntp0000000004', { NtpServers: ['10.0.0.123', '169.254.169.123'] }),
        configItem({
          type: 'AWS::EC2::DHCPOptions',
          id: 'dopt-0apishape00000005',
          configuration: { dhcpConfigurations: [{ key: 'ntp-servers', values: [{ value: 'ntp.nict.jp' }] }] },
        }),
      ]),
      control,
    );
    expect(f['dopt-0corpntp0000000004']).toEqual({ status: 'fail', reason: 'DHCP option set dopt-0corpntp0000000004 hands out NTP servers 10.0.0.123 instead of the Amazon Time Sync Service' });
    expect(f['dopt-0apishape00000005']).toEqual({ status: 'fail', reason: 'DHCP option set dopt-0apishape00000005 hands out NTP servers ntp.nict.jp instead of the Amazon Time Sync Service' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const ja = reasonsJaOf(assess([options('dopt-0corpntp0000000004', { NtpServers: ['10.0.0.123', 'ntp.nict.jp', '169.254.169.123'] })]), control);
    expect(ja['dopt-0corpntp0000000004']).toBe('DHCP オプションセット dopt-0corpntp0000000004 が Amazon Time Sync Service ではなく NTP サーバー 10.0.0.123、ntp.nict.jp を配布しています');
  });

  it('is unknown when the option set cannot be parsed', () => {
    const broken = { ...options('dopt-0broken000000006', {}), configuration: '{"DhcpOptionsId":' };
    expect(findingsOf(assess([broken]), control)['dopt-0broken000000006']?.status).toBe('unknown');
  });
});
