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

describe('aws-cloudfront-viewer-https', () => {
  const control = 'aws-cloudfront-viewer-https';
  // Shape: awslabs/aws-config-resource-schema AWS::CloudFront::Distribution (distributionConfig.*).
  const distribution = (id: string, config: Record<string, unknown>): Record<string, unknown> =>
    configItem({
      type: 'AWS::CloudFront::Distribution',
      id,
      region: 'us-east-1',
      arn: `arn:aws:cloudfront::111122223333:distribution/${id}`,
      configuration: {
        distributionConfig: {
          enabled: true,
          httpVersion: 'http2',
          defaultCacheBehavior: { targetOriginId: 's3-origin', viewerProtocolPolicy: 'redirect-to-https' },
          cacheBehaviors: { quantity: 0, items: null },
          origins: { quantity: 1, items: [{ id: 's3-origin', domainName: 'portal.s3.ap-northeast-1.amazonaws.com', s3OriginConfig: { originAccessIdentity: '' } }] },
          viewerCertificate: { acmcertificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/0f6a3c1e', sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1.2_2021', cloudFrontDefaultCertificate: false },
          ...config,
        },
      },
    });

  it('passes HTTPS-only viewers with a TLS 1.2 security policy', () => {
    expect(findingsOf(assess([distribution('E1GOOD', {})]), control).E1GOOD).toEqual({ status: 'pass' });
  });

  it('fails a path pattern allowing HTTP viewers, the default certificate (TLSv1) and an http-only origin', () => {
    const f = findingsOf(
      assess([
        distribution('E2HTTP', { cacheBehaviors: { quantity: 1, items: [{ pathPattern: '/static/*', targetOriginId: 's3-origin', viewerProtocolPolicy: 'allow-all' }] } }),
        distribution('E3DEFAULTCERT', { viewerCertificate: { cloudFrontDefaultCertificate: true, minimumProtocolVersion: 'TLSv1.2_2021' } }),
        distribution('E4ORIGIN', { origins: { quantity: 1, items: [{ id: 'legacy', domainName: 'legacy.example.jp', customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: 'http-only' } }] } }),
      ]),
      control,
    );
    expect(f.E2HTTP).toEqual({ status: 'fail', reason: 'path pattern(s) /static/* allow HTTP viewers (viewerProtocolPolicy allow-all)' });
    expect(f.E3DEFAULTCERT).toEqual({ status: 'fail', reason: 'security policy TLSv1 allows TLS below 1.2' });
    expect(f.E4ORIGIN).toEqual({ status: 'fail', reason: 'origin(s) legacy.example.jp are reached over HTTP only (originProtocolPolicy http-only)' });
  });

  it('explains the failure in Japanese (reason_ja)', () => {
    const ja = reasonsJaOf(assess([distribution('E5ALL', { defaultCacheBehavior: { targetOriginId: 's3-origin', viewerProtocolPolicy: 'allow-all' }, viewerCertificate: { minimumProtocolVersion: 'TLSv1_2016' } })]), control);
    expect(ja.E5ALL).toBe('パスパターン * が HTTP の視聴者を許可しています（viewerProtocolPolicy = allow-all）。セキュリティポリシー TLSv1_2016 は TLS 1.2 未満を許可します');
  });

  it('is unknown when the distribution configuration or its security policy is not recorded', () => {
    const bare = configItem({ type: 'AWS::CloudFront::Distribution', id: 'E6BARE', region: 'us-east-1', configuration: { id: 'E6BARE' } });
    const f = findingsOf(assess([bare, distribution('E7NOCERT', { viewerCertificate: { sslSupportMethod: 'sni-only' } })]), control);
    expect(f.E6BARE?.reason).toContain('distribution configuration (distributionConfig.defaultCacheBehavior) not recorded');
    expect(f.E7NOCERT?.reason).toContain('security policy (viewerCertificate.minimumProtocolVersion) not recorded');
  });
});

describe('aws-search-domain-https', () => {
  const control = 'aws-search-domain-https';
  const openSearch = (name: string, endpoint: Record<string, unknown> | undefined, nodes = true): Record<string, unknown> =>
    configItem({
      type: 'AWS::OpenSearch::Domain',
      id: name,
      configuration: {
        DomainName: name,
        EngineVersion: 'OpenSearch_2.13',
        EncryptionAtRestOptions: { Enabled: true },
        NodeToNodeEncryptionOptions: { Enabled: nodes },
        ...(endpoint ? { DomainEndpointOptions: endpoint } : {}),
      },
    });

  it('passes a domain enforcing HTTPS with a TLS 1.2 policy', () => {
    expect(findingsOf(assess([openSearch('search-ok', { EnforceHTTPS: true, TLSSecurityPolicy: 'Policy-Min-TLS-1-2-PFS-2023-10' })]), control)['search-ok']).toEqual({ status: 'pass' });
  });

  it('fails a domain not enforcing HTTPS, one allowing TLS 1.0 and an Elasticsearch domain without node-to-node encryption', () => {
    const es = configItem({
      type: 'AWS::Elasticsearch::Domain',
      id: '111122223333/legacy-es',
      name: 'legacy-es',
      configuration: { domainName: 'legacy-es', elasticsearchVersion: '7.10', domainEndpointOptions: { enforceHTTPS: true, tlssecurityPolicy: 'Policy-Min-TLS-1-2-2019-07' }, nodeToNodeEncryptionOptions: { enabled: false }, encryptionAtRestOptions: { enabled: true } },
    });
    const f = findingsOf(
      assess([openSearch('search-http', { EnforceHTTPS: false, TLSSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07' }), openSearch('search-tls10', { EnforceHTTPS: true, TLSSecurityPolicy: 'Policy-Min-TLS-1-0-2019-07' }), es]),
      control,
    );
    expect(f['search-http']).toEqual({ status: 'fail', reason: 'domain search-http does not fully encrypt traffic (EnforceHTTPS = false)' });
    expect(f['search-tls10']).toEqual({ status: 'fail', reason: 'domain search-tls10 does not fully encrypt traffic (TLSSecurityPolicy = Policy-Min-TLS-1-0-2019-07)' });
    expect(f['111122223333/legacy-es']).toEqual({ status: 'fail', reason: 'domain legacy-es does not fully encrypt traffic (NodeToNodeEncryption = false)' });
    expect(reasonsJaOf(assess([openSearch('search-http', { EnforceHTTPS: false, TLSSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07' })]), control)['search-http']).toBe(
      'ドメイン search-http は通信の暗号化が不十分です（EnforceHTTPS = false）',
    );
  });

  it('is unknown when the endpoint options are not recorded', () => {
    expect(findingsOf(assess([openSearch('search-bare', undefined)]), control)['search-bare']?.reason).toContain('domain endpoint settings not recorded (https, tls)');
  });
});

describe('aws-msk-encryption-in-transit', () => {
  const control = 'aws-msk-encryption-in-transit';
  const cluster = (name: string, encryptionInfo: unknown): Record<string, unknown> =>
    configItem({ type: 'AWS::MSK::Cluster', id: `arn:aws:kafka:ap-northeast-1:111122223333:cluster/${name}/0f6a3c1e`, name, configuration: { ClusterName: name, KafkaVersion: '3.6.0', NumberOfBrokerNodes: 3, EncryptionInfo: encryptionInfo } });

  it('passes TLS only, fails TLS_PLAINTEXT, is unknown without the settings', () => {
    const f = findingsOf(
      assess([
        cluster('events', { EncryptionAtRest: { DataVolumeKMSKeyId: 'arn:aws:kms:ap-northeast-1:111122223333:key/0f6a3c1e' }, EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true } }),
        cluster('legacy', { EncryptionInTransit: { ClientBroker: 'TLS_PLAINTEXT', InCluster: true } }),
        cluster('bare', {}),
      ]),
      control,
    );
    expect(Object.entries(f).map(([id, v]) => [id.split('/')[1], v.status])).toEqual([
      ['events', 'pass'],
      ['legacy', 'fail'],
      ['bare', 'unknown'],
    ]);
    expect(f['arn:aws:kafka:ap-northeast-1:111122223333:cluster/legacy/0f6a3c1e']?.reason).toBe('cluster legacy allows plaintext traffic (ClientBroker = TLS_PLAINTEXT, InCluster = true)');
  });
});

describe('aws-redshift-require-ssl', () => {
  // Shapes: awslabs/aws-config-resource-schema, AWS::Redshift::Cluster (configuration.clusterParameterGroups[].parameterGroupName)
  // and AWS::Redshift::ClusterParameterGroup (configuration.parameterGroupName, supplementaryConfiguration.Parameters[]
  // parameterName / parameterValue / source, delivered as a JSON string as every supplementary value is).
  const control = 'aws-redshift-require-ssl';
  const cluster = (id: string, groups: unknown, region = 'ap-northeast-1'): Record<string, unknown> =>
    configItem({
      type: 'AWS::Redshift::Cluster',
      id,
      region,
      configuration: { clusterIdentifier: id, nodeType: 'ra3.xlplus', encrypted: true, ...(groups === undefined ? {} : { clusterParameterGroups: groups }) },
    });
  const group = (name: string, parameters?: { parameterName: string; parameterValue: string }[], region = 'ap-northeast-1'): Record<string, unknown> =>
    configItem({
      type: 'AWS::Redshift::ClusterParameterGroup',
      id: name,
      region,
      configuration: { parameterGroupName: name, parameterGroupFamily: 'redshift-1.0', description: name },
      supplementary: parameters === undefined ? {} : { Parameters: JSON.stringify(parameters.map((p) => ({ ...p, dataType: 'boolean', source: 'user', isModifiable: true, applyType: 'static' }))) },
    });
  const uses = (name: string) => [{ parameterGroupName: name, parameterApplyStatus: 'in-sync' }];
  const ssl = (value: string) => [{ parameterName: 'enable_user_activity_logging', parameterValue: 'false' }, { parameterName: 'require_ssl', parameterValue: value }];

  it('passes require_ssl true, fails false; a group of another Region does not count', () => {
    const f = findingsOf(
      assess([
        cluster('dwh-tls', uses('tls-only')),
        group('tls-only', ssl('true')),
        cluster('dwh-plain', uses('legacy')),
        group('legacy', ssl('false')),
        cluster('dwh-elsewhere', uses('tls-only'), 'ap-northeast-3'),
      ]),
      control,
    );
    expect(f['dwh-tls']).toEqual({ status: 'pass' });
    expect(f['dwh-plain']).toEqual({ status: 'fail', reason: 'parameter group legacy of cluster dwh-plain does not set require_ssl to true, so unencrypted connections are accepted' });
    expect(f['dwh-elsewhere']).toEqual({ status: 'unknown', reason: 'cannot evaluate: parameter group tls-only is not recorded by AWS Config' });
  });

  it('says in Japanese which group accepts plaintext', () => {
    expect(reasonsJaOf(assess([cluster('dwh-plain', uses('legacy')), group('legacy', ssl('FALSE'))]), control)['dwh-plain']).toBe(
      'クラスター dwh-plain のパラメータグループ legacy は require_ssl が true ではないため、暗号化されていない接続を受け付けます',
    );
  });

  it('is unknown, never a pass, when the group values, the parameter or the cluster\'s group are not recorded', () => {
    const f = findingsOf(
      assess([
        cluster('no-values', uses('bare')),
        group('bare'),
        cluster('no-param', uses('partial')),
        group('partial', [{ parameterName: 'enable_user_activity_logging', parameterValue: 'true' }]),
        cluster('no-groups', undefined),
      ]),
      control,
    );
    expect(f['no-values']).toEqual({ status: 'unknown', reason: 'cannot evaluate: No such key: Parameters of parameter group bare' });
    expect(f['no-param']).toEqual({ status: 'unknown', reason: 'cannot evaluate: the recorded values of parameter group partial hold no require_ssl' });
    expect(f['no-groups']).toEqual({ status: 'unknown', reason: 'cannot evaluate: No such key: clusterParameterGroups' });
  });
});
