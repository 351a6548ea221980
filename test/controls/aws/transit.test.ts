/** Encryption in transit (mappings/controls/aws/transit.yaml). */
import { assess, configItem, findingsOf, reasonsJaOf } from '../../support/evaluate.js';
import { rdkItem, selectRows } from '../../fixtures/aws/samples.js';

describe('aws-s3-bucket-secure-transport', () => {
  const control = 'aws-s3-bucket-secure-transport';
  const bucket = (name: string, policyText: unknown): Record<string, unknown> =>
    configItem({
      type: 'AWS::S3::Bucket',
      id: name,
      arn: `arn:aws:s3:::${name}`,
      configuration: { name, creationDate: '2025-04-01T02:00:00.000Z' },
      supplementary: { BucketPolicy: { policyText } },
    });

  it('passes the aws-config-rdk bucket whose policy denies aws:SecureTransport "false"', () => {
    expect(findingsOf(assess([rdkItem('AWS_S3_Bucket')]), control)['mborch-test-bucket-config-item']).toEqual({ status: 'pass' });
  });

  it('accepts a single Statement object, Principal {"AWS": "*"} and a boolean false', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: { Sid: 'DenyInsecure', Effect: 'Deny', Principal: { AWS: '*' }, Action: ['s3:*'], Resource: ['arn:aws:s3:::tls-only', 'arn:aws:s3:::tls-only/*'], Condition: { Bool: { 'aws:SecureTransport': false } } },
    };
    expect(findingsOf(assess([bucket('tls-only', JSON.stringify(policy))]), control)['tls-only']).toEqual({ status: 'pass' });
  });

  it('fails the Cloud Custodian bucket whose policy only grants access', () => {
    const [row] = selectRows('select_s3_bucket_no_sse');
    const item = { ...row, resourceType: 'AWS::S3::Bucket', resourceId: 'c7n-ssm-build', resourceName: 'c7n-ssm-build', awsAccountId: '644160558196' };
    expect(findingsOf(assess([item]), control)['c7n-ssm-build']).toEqual({
      status: 'fail',
      reason: 'bucket policy of c7n-ssm-build has no Deny statement for all principals and s3:* when aws:SecureTransport is false',
    });
  });

  it('fails a bucket without a policy, and a Deny limited to one principal', () => {
    const narrow = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::111122223333:role/app' }, Action: 's3:*', Resource: 'arn:aws:s3:::narrow/*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
    };
    const f = findingsOf(assess([bucket('no-policy', null), bucket('narrow', JSON.stringify(narrow))]), control);
    expect(f['no-policy']).toEqual({ status: 'fail', reason: 'bucket no-policy has no bucket policy, so plain HTTP requests are not denied' });
    expect(f.narrow?.status).toBe('fail');
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const narrow = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::111122223333:role/app' }, Action: 's3:*', Resource: 'arn:aws:s3:::narrow/*' }] };
    const ja = reasonsJaOf(assess([bucket('no-policy', null), bucket('narrow', JSON.stringify(narrow))]), control);
    expect(ja['no-policy']).toBe('バケット no-policy にバケットポリシーがないため、暗号化されていない HTTP リクエストが拒否されません');
    expect(ja.narrow).toBe('バケット narrow のバケットポリシーに、aws:SecureTransport が false のときにすべてのプリンシパルの s3:* を拒否する Deny ステートメントがありません');
  });

  it('is unknown when the policy text is not JSON', () => {
    const f = findingsOf(assess([bucket('garbled', '{"Version":"2012-10-17","Statement":[')]), control);
    expect(f.garbled?.status).toBe('unknown');
    expect(f.garbled?.reason).toContain('BucketPolicy.policyText is not valid JSON');
  });
});

describe('aws-elbv2-listener-encrypted', () => {
  const control = 'aws-elbv2-listener-encrypted';
  const lb = 'arn:aws:elasticloadbalancing:ap-northeast-1:111122223333:loadbalancer/app/web/50dc6c495c0c9188';
  const listener = (id: string, configuration: Record<string, unknown>): Record<string, unknown> => {
    const arn = `arn:aws:elasticloadbalancing:ap-northeast-1:111122223333:listener/app/web/50dc6c495c0c9188/${id}`;
    return configItem({ type: 'AWS::ElasticLoadBalancingV2::Listener', id: arn, arn, configuration: { ListenerArn: arn, LoadBalancerArn: lb, ...configuration } });
  };
  const forward = { Type: 'forward', TargetGroupArn: 'arn:aws:elasticloadbalancing:ap-northeast-1:111122223333:targetgroup/web/6d0ecf831eec9f09' };

  it('passes HTTPS listeners and HTTP listeners that redirect to HTTPS', () => {
    const https = listener('f2f7dc8efc522ab2', {
      Port: 443, Protocol: 'HTTPS', SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      Certificates: [{ CertificateArn: 'arn:aws:acm:ap-northeast-1:111122223333:certificate/3b2f1d6e-1c4a-4f0e-9d1b-2a7c5e8f9a01' }], DefaultActions: [forward],
    });
    const redirect = listener('0467ef3c8400ae65', {
      Port: 80, Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301' } }],
    });
    const f = findingsOf(assess([https, redirect]), control);
    expect(Object.values(f)).toEqual([{ status: 'pass' }, { status: 'pass' }]);
  });

  it('fails an HTTP listener that forwards, naming port and action', () => {
    const item = listener('9a8b7c6d5e4f3a2b', { Port: 80, Protocol: 'HTTP', DefaultActions: [forward] });
    expect(Object.values(findingsOf(assess([item]), control))).toEqual([{ status: 'fail', reason: 'HTTP listener on port 80 serves forward instead of redirecting to HTTPS' }]);
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const item = listener('9a8b7c6d5e4f3a2b', { Port: 80, Protocol: 'HTTP', DefaultActions: [forward] });
    expect(Object.values(reasonsJaOf(assess([item]), control))).toEqual(['ポート 80 の HTTP リスナーが HTTPS へリダイレクトせずに forward を行っています']);
  });

  it('does not judge TCP listeners, and is unknown when an HTTP listener has no recorded actions', () => {
    const tcp = listener('1111111111111111', { Port: 5432, Protocol: 'TCP', DefaultActions: [forward] });
    const bare = listener('2222222222222222', { Port: 8080, Protocol: 'HTTP' });
    const f = findingsOf(assess([tcp, bare]), control);
    expect(Object.keys(f)).toHaveLength(1);
    expect(Object.values(f)[0]?.status).toBe('unknown');
  });
});

describe('aws-elb-classic-listener-encrypted', () => {
  const control = 'aws-elb-classic-listener-encrypted';
  const elb = (name: string, listeners: unknown): Record<string, unknown> =>
    configItem({
      type: 'AWS::ElasticLoadBalancing::LoadBalancer',
      id: name,
      configuration: {
        loadBalancerName: name,
        dnsname: `${name}-1234567890.ap-northeast-1.elb.amazonaws.com`,
        scheme: 'internet-facing',
        vpcid: 'vpc-0c0ffee000000001',
        ...(listeners === undefined ? {} : { listenerDescriptions: listeners }),
      },
    });
  const https = { listener: { protocol: 'HTTPS', loadBalancerPort: 443, instanceProtocol: 'HTTP', instancePort: 8080, sslcertificateId: 'arn:aws:acm:ap-northeast-1:111122223333:certificate/9f8e7d6c' }, policyNames: ['ELBSecurityPolicy-TLS-1-2-2017-01'] };
  const http = { listener: { protocol: 'HTTP', loadBalancerPort: 80, instanceProtocol: 'HTTP', instancePort: 8080 }, policyNames: [] };

  it('passes HTTPS-only, fails HTTP listeners, is unknown without listener data', () => {
    const f = findingsOf(assess([elb('legacy-tls', [https]), elb('legacy-web', [https, http]), elb('legacy-unknown', undefined)]), control);
    expect(f['legacy-tls']).toEqual({ status: 'pass' });
    expect(f['legacy-web']).toEqual({ status: 'fail', reason: 'plain HTTP listener(s) on port 80' });
    expect(f['legacy-unknown']?.status).toBe('unknown');
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const ja = reasonsJaOf(assess([elb('legacy-web', [https, http, { ...http, listener: { ...http.listener, protocol: 'http', loadBalancerPort: 8080 } }]), elb('legacy-unknown', undefined)]), control);
    expect(ja['legacy-web']).toBe('ポート 80、8080 に平文の HTTP リスナーがあります');
    expect(ja['legacy-unknown']).toBe('判定できません: リスナーの一覧（listenerDescriptions）が記録されていません');
  });
});
