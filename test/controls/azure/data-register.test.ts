/**
 * The Azure controls that follow the data register (mappings/registers/azure.yaml): residency of every data store,
 * replicas abroad, transit (plaintext and minimum TLS) and at rest, over ARM bodies in the shapes of the REST API
 * examples (Azure/azure-rest-api-specs: Cosmos DB 2024-11-15 DatabaseAccountGet, Web 2024-04-01 GetWebApp, MySQL
 * flexible 2023-12-30 ServerGet / ConfigurationGet) through the real normalizer: a pass, a fail and an unknown each.
 */
import { normalizeArmResource, type NormalizeOptions } from '../../../collectors/azure/normalize.js';
import type { Finding } from '../../../src/evaluate/assessment.js';
import { evaluate } from '../../../src/evaluate/evaluate.js';
import type { CollectionScope } from '../../../src/model/resource.js';
import { bundledMappings, NOW } from '../../support/evaluate.js';

const SUB = '00000000-1111-4222-8333-444444444444';
const rg = `/subscriptions/${SUB}/resourceGroups/rg-data/providers`;

type Input = { body: unknown; options?: NormalizeOptions };
const arm = (body: unknown, options?: NormalizeOptions): Input => ({ body, ...(options ? { options } : {}) });

function assess(inputs: readonly Input[]): readonly Finding[] {
  const resources = inputs.map((i) => normalizeArmResource(i.body, i.options));
  const coverage: CollectionScope[] = [{ provider: 'azure', account: SUB, region: 'global', types: 'all', outcome: { status: 'ok', collectedAt: NOW.toISOString() } }];
  const { controls, catalog, attestations } = bundledMappings();
  return evaluate(resources, coverage, controls, catalog, attestations, NOW).findings;
}

function findings(inputs: readonly Input[], control: string): Record<string, Pick<Finding, 'status' | 'reason'>> {
  const out: Record<string, Pick<Finding, 'status' | 'reason'>> = {};
  for (const f of assess(inputs)) if (f.control === control) out[f.resourceId] = f.reason === undefined ? { status: f.status } : { status: f.status, reason: f.reason };
  return out;
}

function reasonsJa(inputs: readonly Input[], control: string): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const f of assess(inputs)) if (f.control === control) out[f.resourceId] = f.reason_ja;
  return out;
}

const idOf = (type: string, name: string): string => `${rg}/${type}/${name}`;
const res = (type: string, name: string, location: string | undefined, properties: Record<string, unknown>, extra: Record<string, unknown> = {}): Input =>
  arm({ id: idOf(type, name), name, type, ...(location === undefined ? {} : { location }), properties, ...extra });

const COSMOS = 'Microsoft.DocumentDB/databaseAccounts';
const cosmosRegion = (name: string, priority: number): Record<string, unknown> => ({ id: `acct-${name.toLowerCase().replace(/ /g, '')}`, locationName: name, documentEndpoint: 'https://acct.documents.azure.com:443/', provisioningState: 'Succeeded', failoverPriority: priority });
const cosmos = (name: string, regions: readonly string[] | undefined, extra: Record<string, unknown> = {}): Input =>
  res(COSMOS, name, 'Japan East', {
    provisioningState: 'Succeeded',
    documentEndpoint: `https://${name}.documents.azure.com:443/`,
    databaseAccountOfferType: 'Standard',
    consistencyPolicy: { defaultConsistencyLevel: 'Session', maxIntervalInSeconds: 5, maxStalenessPrefix: 100 },
    ...(regions ? { locations: regions.map(cosmosRegion), readLocations: regions.map(cosmosRegion), writeLocations: [cosmosRegion(regions[0]!, 0)] } : {}),
    backupPolicy: { type: 'Periodic', periodicModeProperties: { backupIntervalInMinutes: 240, backupRetentionIntervalInHours: 8, backupStorageRedundancy: 'Geo' } },
    minimalTlsVersion: 'Tls12',
    ...extra,
  }, { kind: 'GlobalDocumentDB' });

describe('azure-data-stored-in-japan covers every registered data store', () => {
  const control = 'azure-data-stored-in-japan';

  it('fails a VM, a scale set, a snapshot copied abroad and a PostgreSQL flexible server in West US 2; passes Japanese ones', () => {
    const f = findings(
      [
        res('Microsoft.Compute/virtualMachines', 'vm-us', 'eastus', { vmId: 'x', hardwareProfile: { vmSize: 'Standard_D2s_v5' } }),
        res('Microsoft.Compute/virtualMachineScaleSets', 'vmss-jp', 'japanwest', { orchestrationMode: 'Uniform' }),
        res('Microsoft.Compute/snapshots', 'snap-copy', 'westeurope', { creationData: { createOption: 'CopyStart', sourceResourceId: idOf('Microsoft.Compute/snapshots', 'snap-src') }, encryption: { type: 'EncryptionAtRestWithPlatformKey' } }),
        res('Microsoft.DBforPostgreSQL/flexibleServers', 'pg-us', 'West US 2', { version: '16', state: 'Ready' }),
        res('Microsoft.Cache/redis', 'redis-jp', 'Japan East', { enableNonSslPort: false, minimumTlsVersion: '1.2' }),
        cosmos('cosmos-us', ['East US']),
      ],
      control,
    );
    expect(f[idOf('Microsoft.Compute/virtualMachines', 'vm-us')]).toEqual({ status: 'fail', reason: 'location eastus is outside Japan' });
    expect(f[idOf('Microsoft.Compute/virtualMachineScaleSets', 'vmss-jp')]).toEqual({ status: 'pass' });
    expect(f[idOf('Microsoft.Compute/snapshots', 'snap-copy')]).toEqual({ status: 'fail', reason: 'location westeurope is outside Japan' });
    expect(f[idOf('Microsoft.DBforPostgreSQL/flexibleServers', 'pg-us')]).toEqual({ status: 'fail', reason: 'location westus2 is outside Japan' });
    expect(f[idOf('Microsoft.Cache/redis', 'redis-jp')]).toEqual({ status: 'pass' });
    // The account's own location is Japan East; its replica abroad is judged by azure-replicas-in-japan.
    expect(f[idOf(COSMOS, 'cosmos-us')]).toEqual({ status: 'pass' });
  });

  it('is unknown when a regional resource has no location (it never passes as `global`)', () => {
    const f = findings([res('Microsoft.KeyVault/vaults', 'kv-bare', undefined, { tenantId: SUB }), res('Microsoft.ServiceBus/namespaces', 'sb-bare', '', { minimumTlsVersion: '1.2' })], control);
    expect(f[idOf('Microsoft.KeyVault/vaults', 'kv-bare')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: location is not in the payload' });
    expect(f[idOf('Microsoft.ServiceBus/namespaces', 'sb-bare')]?.status).toBe('unknown');
    expect(reasonsJa([res('Microsoft.Web/sites', 'app-us', 'East US', { httpsOnly: true })], control)[idOf('Microsoft.Web/sites', 'app-us')]).toBe('リソースの所在リージョン eastus は国外です');
  });
});

describe('azure-replicas-in-japan', () => {
  const control = 'azure-replicas-in-japan';
  const GALLERY_VERSION = 'Microsoft.Compute/galleries/images/versions';
  const versionId = (v: string): string => `${rg}/Microsoft.Compute/galleries/gal/images/linux/versions/${v}`;
  const version = (v: string, regions: readonly string[] | undefined): Input =>
    arm({ id: versionId(v), name: v, type: GALLERY_VERSION, location: 'japaneast', properties: { provisioningState: 'Succeeded', storageProfile: { source: { id: idOf('Microsoft.Compute/images', 'img') } }, ...(regions ? { publishingProfile: { targetRegions: regions.map((name) => ({ name, regionalReplicaCount: 1, storageAccountType: 'Standard_LRS' })), replicaCount: 1, excludeFromLatest: false } } : {}) } });
  const apim = (name: string, additional: readonly string[] | undefined): Input =>
    res('Microsoft.ApiManagement/service', name, 'Japan East', { publisherEmail: 'ops@example.jp', publisherName: 'ops', gatewayUrl: `https://${name}.azure-api.net`, ...(additional ? { additionalLocations: additional.map((location) => ({ location, sku: { name: 'Premium', capacity: 1 } })) } : {}) }, { sku: { name: 'Premium', capacity: 1 } });

  it('fails a Cosmos DB account with a replica region outside Japan, passes one in Japan East and Japan West, is unknown without regions', () => {
    const f = findings([cosmos('cosmos-abroad', ['Japan East', 'East US']), cosmos('cosmos-jp', ['Japan East', 'Japan West']), cosmos('cosmos-bare', undefined)], control);
    expect(f[idOf(COSMOS, 'cosmos-abroad')]).toEqual({ status: 'fail', reason: 'replicated outside Japan to East US' });
    expect(f[idOf(COSMOS, 'cosmos-jp')]).toEqual({ status: 'pass' });
    expect(f[idOf(COSMOS, 'cosmos-bare')]).toEqual({ status: 'unknown', reason: "cannot evaluate: the Cosmos DB account's regions (locations) are not in the payload" });
    expect(reasonsJa([cosmos('cosmos-abroad', ['Japan East', 'East US'])], control)[idOf(COSMOS, 'cosmos-abroad')]).toBe('国外のリージョンに複製されています: East US');
  });

  it('reads readLocations and writeLocations when `locations` is absent', () => {
    const body = cosmos('cosmos-rw', ['Japan East', 'Southeast Asia']).body as { properties: Record<string, unknown> };
    delete body.properties.locations;
    expect(findings([arm(body)], control)[idOf(COSMOS, 'cosmos-rw')]).toEqual({ status: 'fail', reason: 'replicated outside Japan to Southeast Asia' });
  });

  it('judges gallery image versions by their target regions and API Management by its additional locations', () => {
    const f = findings([version('1.0.0', ['Japan East', 'West US']), version('1.0.1', ['Japan East', 'japanwest']), version('1.0.2', undefined), apim('apim-multi', ['East Asia']), apim('apim-single', undefined)], control);
    expect(f[versionId('1.0.0')]).toEqual({ status: 'fail', reason: 'replicated outside Japan to West US' });
    expect(f[versionId('1.0.1')]).toEqual({ status: 'pass' });
    expect(f[versionId('1.0.2')]?.status).toBe('unknown');
    expect(f[idOf('Microsoft.ApiManagement/service', 'apim-multi')]).toEqual({ status: 'fail', reason: 'replicated outside Japan to East Asia' });
    expect(f[idOf('Microsoft.ApiManagement/service', 'apim-single')]).toEqual({ status: 'pass' });
  });
});

describe('azure-endpoints-tls-1-2', () => {
  const control = 'azure-endpoints-tls-1-2';
  const site = (name: string, properties: Record<string, unknown>): Input => res('Microsoft.Web/sites', name, 'Japan East', { state: 'Running', hostNames: [`${name}.azurewebsites.net`], ...properties }, { kind: 'app' });
  const redis = (name: string, properties: Record<string, unknown>): Input => res('Microsoft.Cache/redis', name, 'Japan East', { provisioningState: 'Succeeded', redisVersion: '6.0', sku: { name: 'Standard', family: 'C', capacity: 1 }, port: 6379, sslPort: 6380, ...properties });

  it('App Service: HTTP allowed fails, HTTPS-only with TLS 1.2 passes, an old minimum TLS fails, a missing siteConfig is unknown', () => {
    const f = findings(
      [
        site('app-http', { httpsOnly: false, siteConfig: { minTlsVersion: '1.2', scmMinTlsVersion: '1.2', ftpsState: 'AllAllowed' } }),
        site('app-good', { httpsOnly: true, siteConfig: { minTlsVersion: '1.2' } }),
        site('app-tls10', { httpsOnly: true, siteConfig: { minTlsVersion: '1.0' } }),
        site('app-rg', { httpsOnly: true }),
      ],
      control,
    );
    const id = (n: string): string => idOf('Microsoft.Web/sites', n);
    expect(f[id('app-http')]).toEqual({ status: 'fail', reason: 'app-http accepts HTTP (httpsOnly false)' });
    expect(f[id('app-good')]).toEqual({ status: 'pass' });
    expect(f[id('app-tls10')]).toEqual({ status: 'fail', reason: 'minimum TLS version of app-tls10 is 1.0 (minTlsVersion; 1.2 or later is required)' });
    expect(f[id('app-rg')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: the minimum TLS version setting is not in the payload' });
  });

  it('Redis: the non-TLS port fails, TLS 1.2 only passes, a missing minimumTlsVersion is unknown', () => {
    const f = findings([redis('redis-open', { enableNonSslPort: true, minimumTlsVersion: '1.2' }), redis('redis-good', { enableNonSslPort: false, minimumTlsVersion: '1.2' }), redis('redis-old', { enableNonSslPort: false })], control);
    const id = (n: string): string => idOf('Microsoft.Cache/redis', n);
    expect(f[id('redis-open')]).toEqual({ status: 'fail', reason: 'redis-open accepts the non-TLS port 6379 (enableNonSslPort true)' });
    expect(f[id('redis-good')]).toEqual({ status: 'pass' });
    expect(f[id('redis-old')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: the minimum TLS version setting is not in the payload' });
    expect(reasonsJa([redis('redis-open', { enableNonSslPort: true, minimumTlsVersion: '1.2' })], control)[id('redis-open')]).toBe('redis-open は TLS なしのポート 6379（enableNonSslPort が true）を受け付けます');
  });

  it('Cosmos DB, Service Bus, Event Hubs and single servers: each spelling of the minimum TLS version', () => {
    const f = findings(
      [
        cosmos('cosmos-tls10', ['Japan East'], { minimalTlsVersion: 'Tls' }),
        cosmos('cosmos-tls12', ['Japan East']),
        res('Microsoft.ServiceBus/namespaces', 'sb-old', 'japaneast', { minimumTlsVersion: '1.0', status: 'Active' }, { sku: { name: 'Standard', tier: 'Standard' } }),
        res('Microsoft.EventHub/namespaces', 'eh-good', 'japaneast', { minimumTlsVersion: '1.2', status: 'Active' }, { sku: { name: 'Standard', tier: 'Standard', capacity: 1 } }),
        res('Microsoft.DBforPostgreSQL/servers', 'pg-nossl', 'japaneast', { sslEnforcement: 'Disabled', minimalTlsVersion: 'TLSEnforcementDisabled', version: '11' }),
        res('Microsoft.DBforMySQL/servers', 'my-good', 'japaneast', { sslEnforcement: 'Enabled', minimalTlsVersion: 'TLS1_2', version: '8.0' }),
        res('Microsoft.DBforMySQL/servers', 'my-tls11', 'japaneast', { sslEnforcement: 'Enabled', minimalTlsVersion: 'TLS1_1', version: '5.7' }),
      ],
      control,
    );
    expect(f[idOf(COSMOS, 'cosmos-tls10')]).toEqual({ status: 'fail', reason: 'minimum TLS version of cosmos-tls10 is Tls (minimalTlsVersion; 1.2 or later is required)' });
    expect(f[idOf(COSMOS, 'cosmos-tls12')]).toEqual({ status: 'pass' });
    expect(f[idOf('Microsoft.ServiceBus/namespaces', 'sb-old')]?.status).toBe('fail');
    expect(f[idOf('Microsoft.EventHub/namespaces', 'eh-good')]).toEqual({ status: 'pass' });
    expect(f[idOf('Microsoft.DBforPostgreSQL/servers', 'pg-nossl')]?.status).toBe('fail');
    expect(f[idOf('Microsoft.DBforMySQL/servers', 'my-good')]).toEqual({ status: 'pass' });
    expect(f[idOf('Microsoft.DBforMySQL/servers', 'my-tls11')]).toEqual({ status: 'fail', reason: 'minimum TLS version of my-tls11 is TLS1_1 (minimalTlsVersion; 1.2 or later is required)' });
  });

  it('SQL managed instances are judged by azure-sql-minimal-tls-1-2', () => {
    const mi = (name: string, properties: Record<string, unknown>): Input => res('Microsoft.Sql/managedInstances', name, 'japaneast', { administratorLogin: 'dbadmin', ...properties });
    const f = findings([mi('mi-11', { minimalTlsVersion: '1.1' }), mi('mi-12', { minimalTlsVersion: '1.2' })], 'azure-sql-minimal-tls-1-2');
    expect(f[idOf('Microsoft.Sql/managedInstances', 'mi-11')]?.status).toBe('fail');
    expect(f[idOf('Microsoft.Sql/managedInstances', 'mi-12')]).toEqual({ status: 'pass' });
  });
});

describe('azure-postgres-flexible-requires-tls and azure-mysql-flexible-requires-tls', () => {
  const PG = 'Microsoft.DBforPostgreSQL/flexibleServers';
  const MY = 'Microsoft.DBforMySQL/flexibleServers';
  const server = (type: string, name: string): Input => res(type, name, 'Japan East', { version: type === PG ? '16' : '8.0.21', state: 'Ready', backup: { backupRetentionDays: 7, geoRedundantBackup: 'Enabled' } }, { sku: { name: 'Standard_D2ds_v4', tier: 'GeneralPurpose' } });
  // GET {server}/configurations/{name} (MySQL flexible 2023-12-30 ConfigurationGet shape), a child of its server.
  const parameter = (type: string, serverName: string, name: string, value: string): Input =>
    arm(
      { id: `${idOf(type, serverName)}/configurations/${name}`, name, type: `${type}/configurations`, properties: { value, defaultValue: 'ON', dataType: 'Enumeration', source: 'user-override', isReadOnly: 'False' } },
      { type: `${type}/configurations`, parent: { type, id: idOf(type, serverName), location: 'japaneast' } },
    );

  it('PostgreSQL: require_secure_transport on passes, off fails, not collected is unknown', () => {
    const control = 'azure-postgres-flexible-requires-tls';
    const f = findings([server(PG, 'pg-on'), parameter(PG, 'pg-on', 'require_secure_transport', 'on'), server(PG, 'pg-off'), parameter(PG, 'pg-off', 'require_secure_transport', 'off'), server(PG, 'pg-none')], control);
    expect(f[idOf(PG, 'pg-on')]).toEqual({ status: 'pass' });
    expect(f[idOf(PG, 'pg-off')]).toEqual({ status: 'fail', reason: 'server pg-off has require_secure_transport OFF and accepts unencrypted connections' });
    expect(f[idOf(PG, 'pg-none')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: the server parameter require_secure_transport was not collected' });
  });

  it('MySQL: tls_version allowing TLSv1.1 fails, TLS 1.2+ passes, a missing tls_version is unknown', () => {
    const control = 'azure-mysql-flexible-requires-tls';
    const f = findings(
      [
        server(MY, 'my-good'), parameter(MY, 'my-good', 'require_secure_transport', 'ON'), parameter(MY, 'my-good', 'tls_version', 'TLSv1.2,TLSv1.3'),
        server(MY, 'my-old'), parameter(MY, 'my-old', 'require_secure_transport', 'ON'), parameter(MY, 'my-old', 'tls_version', 'TLSv1.1,TLSv1.2'),
        server(MY, 'my-half'), parameter(MY, 'my-half', 'require_secure_transport', 'ON'),
      ],
      control,
    );
    expect(f[idOf(MY, 'my-good')]).toEqual({ status: 'pass' });
    expect(f[idOf(MY, 'my-old')]).toEqual({ status: 'fail', reason: 'server my-old allows the deprecated TLSv1.1 (tls_version)' });
    expect(f[idOf(MY, 'my-half')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: the server parameter tls_version was not collected' });
    const ja = reasonsJa([server(MY, 'my-off'), parameter(MY, 'my-off', 'require_secure_transport', 'OFF'), parameter(MY, 'my-off', 'tls_version', 'TLSv1.2')], control);
    expect(ja[idOf(MY, 'my-off')]).toBe('サーバー my-off の require_secure_transport が OFF で、暗号化されていない接続を受け付けます');
  });
});

describe('azure-disk-encrypted reads snapshots too', () => {
  it('a snapshot with a platform key passes, one with an unknown type fails, one without encryption is unknown', () => {
    const snap = (name: string, properties: Record<string, unknown>): Input => res('Microsoft.Compute/snapshots', name, 'japaneast', { creationData: { createOption: 'Copy', sourceResourceId: idOf('Microsoft.Compute/disks', 'd') }, diskSizeGB: 64, incremental: true, ...properties });
    const id = (n: string): string => idOf('Microsoft.Compute/snapshots', n);
    const inputs = [snap('snap-pmk', { encryption: { type: 'EncryptionAtRestWithPlatformKey' } }), snap('snap-odd', { encryption: { type: 'None' } }), snap('snap-bare', {})];
    const f = findings(inputs, 'azure-disk-encrypted');
    expect(f[id('snap-pmk')]).toEqual({ status: 'pass' });
    expect(f[id('snap-odd')]).toEqual({ status: 'fail', reason: 'snapshot snap-odd reports encryption type None' });
    expect(f[id('snap-bare')]).toEqual({ status: 'unknown', reason: 'cannot evaluate: encryption.type is not in the payload' });
    expect(reasonsJa(inputs, 'azure-disk-encrypted')[id('snap-odd')]).toBe('スナップショット snap-odd の暗号化の種類（encryption.type）が None であり、保存時の暗号化が確認できません');
  });
});
