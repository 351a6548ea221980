/**
 * Records that wait for their contexts keep only what their control reads: the verdicts and messages are
 * those of the whole resource, and what no CEL reads is left out (so a million waiting disks stay small).
 */
import { contextProjection, entryIdentityRead, entrySupplementaryRead, fieldsRead, partsReadAnywhere, resourceProjection, sharedProjections } from '../../src/evaluate/projection.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { loadCatalog } from '../../src/mappings/catalog.js';
import { loadControls } from '../../src/mappings/controls.js';
import type { CollectionScope, Resource } from '../../src/model/resource.js';
import { tempFiles } from '../support/files.js';

const tree = (sources: string[]): unknown => {
  const toObject = (m: Map<string, unknown> | true): unknown => (m === true ? true : Object.fromEntries([...m].map(([k, v]) => [k, toObject(v as Map<string, unknown> | true)])));
  const read = fieldsRead(sources);
  return read === undefined ? undefined : toObject(read);
};

describe('fieldsRead', () => {
  it('follows field selections, optional ones too, and stops at method calls and indexes', () => {
    expect(tree(['resource.configuration.?diskEncryptionKey.kmsKeyName.orValue("") != "" && resource.region.startsWith("asia-")'])).toEqual({
      configuration: { diskEncryptionKey: { kmsKeyName: true } },
      region: true,
    });
    expect(tree(['resource.configuration.disks[0].source', 'resource.configuration.rules.exists(r, r.open)'])).toEqual({ configuration: { disks: true, rules: true } });
  });

  it('a shorter path read elsewhere keeps the whole value', () => {
    expect(tree(['resource.configuration.a.b', 'has(resource.configuration.a)'])).toEqual({ configuration: { a: true } });
    expect(tree(['resource.configuration.a', 'resource.configuration.a.b'])).toEqual({ configuration: { a: true } });
  });

  it('follows selections written across lines and with spaces around the dots', () => {
    expect(tree(['resource.configuration\n  .?encryption\n  .kmsKeyName.orValue("") != ""', 'resource . tags . owner'])).toEqual({ configuration: { encryption: { kmsKeyName: true } }, tags: { owner: true } });
  });

  it('ignores words in string literals and fields of other variables, and gives up on the resource used whole', () => {
    expect(tree(['"the resource " + resource.name + " of r.resource"', "r.resource.configuration.x == 'resource.configuration'"])).toEqual({ name: true });
    expect(tree(['size(resource) > 0'])).toBeUndefined();
    expect(tree(['resource["configuration"].x'])).toBeUndefined();
  });
});

describe('resourceProjection', () => {
  const disk: Resource = {
    provider: 'gcp', account: 'p', region: 'asia-northeast1', type: 'compute.googleapis.com/Disk', id: 'd1', name: 'd1', arn: '', tags: { env: 'prod' },
    configuration: { sizeGb: '10', resourcePolicies: ['rp1'], labels: { a: 'b' }, guestOsFeatures: [{ type: 'UEFI_COMPATIBLE' }] },
    supplementary: { ancestors: ['projects/1'] }, relationships: [{ type: 't', id: 'i', name: 'n' }], capturedAt: '2026-11-01T00:00:00Z',
  };

  it('keeps identity and what is read, drops the rest', () => {
    const keep = resourceProjection(['size(resource.configuration.?resourcePolicies.orValue([])) > 0'])!;
    expect(keep(disk)).toEqual({ ...disk, name: '', capturedAt: '', configuration: { resourcePolicies: ['rp1'] }, supplementary: {}, relationships: [] });
    expect(resourceProjection(['resource.name + resource.capturedAt'])!(disk)).toEqual({ ...disk, configuration: {}, supplementary: {}, relationships: [] });
  });

  it('keeps a null where a deeper field is read (JSON nulls are common in configuration documents)', () => {
    const keep = resourceProjection(['resource.configuration.?encryption.?kmsKeyName.orValue("") != ""'])!;
    expect(keep({ ...disk, configuration: { encryption: null, sizeGb: '10' } }).configuration).toEqual({ encryption: null });
  });

  it('keeps everything when the resource is used whole, and never touches a malformed resource', () => {
    expect(resourceProjection(['size(resource) > 0'])).toBeUndefined();
    const malformed = { ...disk, malformed: 'bad' };
    expect(resourceProjection([])!(malformed)).toBe(malformed);
  });
});

describe('a context-reading control judges kept records as it would the whole resource', () => {
  const files = tempFiles({
    'catalog.yaml': `id: t\nversion: "1"\ntitle_ja: テ\ntitle_en: T\ncategories: [{ id: "1", name_ja: 一, name_en: One }]\nrequirements:\n  - { id: "1-1", category: "1", automation: automated, title_en: x, text_ja: x, rationale: { ja: 根拠, en: r } }\n`,
    'controls.yaml': `controls:
  - id: disk-has-schedule
    title: { ja: スナップショット, en: Snapshot schedule }
    provider: gcp
    resourceTypes: [compute.googleapis.com/Disk]
    kind: each
    context:
      - { name: policies, type: compute.googleapis.com/ResourcePolicy, key: 'r.configuration.?selfLink.orValue(null)' }
    variables:
      - name: attached
        expression: 'resource.configuration.?resourcePolicies.orValue([]).filter(p, p in policies)'
    where: 'resource.configuration.?users.orValue([]).size() > 0'
    expression: 'variables.attached.size() > 0'
    reason:
      ja: '"ディスク " + resource.configuration.diskName + " にスケジュールがありません"'
      en: '"disk " + resource.configuration.diskName + " has no schedule"'
    severity: low
    rationale: { ja: 根拠, en: why }
    remediation: { ja: 対処, en: fix }
    requirements: { t: ["1-1"] }
`,
  });
  const catalog = loadCatalog(files['catalog.yaml']!);
  const controls = loadControls([files['controls.yaml']!], [catalog]);
  const scope: CollectionScope = { provider: 'gcp', account: 'p', region: 'global', types: 'all', outcome: { status: 'ok', collectedAt: '2026-11-01T00:00:00Z' } };
  const res = (type: string, id: string, configuration: Record<string, unknown>): Resource => ({
    provider: 'gcp', account: 'p', region: 'global', type, id, name: id, arn: '', tags: {}, configuration, supplementary: { big: 'x'.repeat(1000) }, relationships: [], capturedAt: '',
  });

  it('reads the where, the variables and the reason from the kept record', () => {
    const disks = [
      res('compute.googleapis.com/Disk', 'd-scheduled', { diskName: 'scheduled', users: ['vm'], resourcePolicies: ['rp-1'], unread: 'x'.repeat(1000) }),
      res('compute.googleapis.com/Disk', 'd-bare', { diskName: 'bare', users: ['vm'], resourcePolicies: ['rp-other'] }),
      res('compute.googleapis.com/Disk', 'd-detached', { diskName: 'detached', resourcePolicies: [] }),
    ];
    const policy = res('compute.googleapis.com/ResourcePolicy', 'rp', { selfLink: 'rp-1' });
    for (const order of [[...disks, policy], [policy, ...disks]]) {
      const a = evaluate(order, [scope], controls, catalog, [], new Date('2026-11-28T00:00:00Z'));
      expect(Object.fromEntries(a.findings.map((f) => [f.resourceId, [f.status, f.reason_ja ?? null, f.reason ?? null]]))).toEqual({
        'd-scheduled': ['pass', null, null],
        'd-bare': ['fail', 'ディスク bare にスケジュールがありません', 'disk bare has no schedule'],
      });
    }
  });
});

describe('context entries keep what any reader selects of them', () => {
  const parts = (sources: string[]): unknown => {
    const toObject = (m: Map<string, unknown> | true): unknown => (m === true ? true : Object.fromEntries([...m].map(([k, v]) => [k, toObject(v as Map<string, unknown> | true)])));
    const read = partsReadAnywhere(sources);
    return read === undefined ? undefined : toObject(read);
  };

  it('follows selections on any receiver: iteration variables, indexes, variables', () => {
    expect(
      parts([
        'variables.items.filter(i, i.configuration.?properties.?protectionState.orValue("") in ["Protected"])',
        'policies[p][0].configuration.properties.retentionPolicy.?dailySchedule.hasValue()',
        'resource.configuration.name + " " + a.relationships.size()',
      ]),
    ).toEqual({ configuration: { properties: { protectionState: true, retentionPolicy: { dailySchedule: true } }, name: true }, relationships: true });
  });

  it('keeps a part whole when it is used whole, and gives up on string-literal indexes', () => {
    expect(parts(['x.configuration.exists(k, k == "a")'])).toEqual({ configuration: true });
    expect(parts(['size(i.configuration) > 0', 'i.configuration.a'])).toEqual({ configuration: true });
    expect(parts(['i["configuration"].a'])).toBeUndefined();
    expect(parts(['i[?"configuration"].orValue({})'])).toBeUndefined();
  });

  it('follows selections of side documents too', () => {
    expect(parts(['b.supplementary.?BucketVersioningConfiguration.status.orValue("Off") == "Enabled"'])).toEqual({ supplementary: { BucketVersioningConfiguration: { status: true } } });
  });

  it('keeps account, region, type and tags, drops side documents and what no reader selects', () => {
    const item: Resource = {
      provider: 'azure', account: 's', region: 'japaneast', type: 'microsoft.security/assessments', id: '/a/1', name: 'k', arn: '', tags: { t: '1' },
      configuration: { properties: { status: { code: 'Healthy', cause: 'x' }, displayName: 'long text', resourceDetails: { Id: '/vm' } }, kind: '' },
      supplementary: { doc: 'x' }, relationships: [{ type: 't', id: 'i', name: 'n' }], capturedAt: '2026-12-01T00:00:00Z',
    };
    const keep = contextProjection(['found[0].configuration.?properties.?status.?code.orValue("")', 'a.name == "k"'])!;
    // The name is read (a.name); the id, arn and capture time of an entry are not: the index key was taken before.
    expect(keep(item)).toEqual({ ...item, id: '', arn: '', capturedAt: '', configuration: { properties: { status: { code: 'Healthy' } } }, supplementary: {}, relationships: [] });
    expect(contextProjection(['a.id == resource.id', 'has(a.configuration.x)'])!(item)).toMatchObject({ id: '/a/1', arn: '', name: '' });
    expect(contextProjection(['i["configuration"]'])).toBeUndefined();
    // A macro variable named `resource` hides which entries' identity is read: keep them whole.
    expect(contextProjection(['x.exists(resource, resource.id == "a")'])).toBeUndefined();
    // Side documents some reader selects are kept, and only those.
    expect(contextProjection(['b.supplementary.doc == "x"'])!({ ...item, supplementary: { doc: 'x', other: 'y' } }).supplementary).toEqual({ doc: 'x' });
    // Relationships some reader selects are kept.
    expect(contextProjection(['a.relationships.exists(r, r.type == "t")'])!(item).relationships).toEqual(item.relationships);
    const malformed = { ...item, malformed: 'bad' };
    expect(keep(malformed)).toBe(malformed);
  });
});

describe('the identity fields read of context entries', () => {
  it('counts selections on any receiver but the subject, and gives up where entries could hide', () => {
    expect([...entryIdentityRead(['resource.id.lowerAscii() in x ? x[resource.id] : []', 'a.name == "k"', 'found[0].arn', 'variables.l.?capturedAt'])!].sort()).toEqual(['arn', 'capturedAt', 'name']);
    expect([...entryIdentityRead(['resource.name + resource.arn'])!]).toEqual([]);
    expect(entryIdentityRead(['x.exists(resource, resource.id == "a")'])).toBeUndefined();
    expect(entryIdentityRead(['x[0]["id"]'])).toBeUndefined();
  });
});

describe("the side documents read of context entries", () => {
  it('counts selections on any receiver but the subject, and any string-literal index', () => {
    expect(entrySupplementaryRead(['buckets[n].all(b, b.supplementary.?BucketVersioningConfiguration.hasValue())'])).toBe(true);
    expect(entrySupplementaryRead(['found[0].supplementary.x', 'resource.id in found'])).toBe(true);
    expect(entrySupplementaryRead(['resource.supplementary.?TrailStatus.isLogging.orValue(false) && resource.id in found'])).toBe(false);
    expect(entrySupplementaryRead(['reason("a.supplementary.b")'])).toBe(false);
    expect(entrySupplementaryRead(['found[0]["supplementary"]'])).toBe(true);
    // A macro variable named `resource` is an entry: its side documents are an entry's.
    expect(entrySupplementaryRead(['found[resource.id].all(resource, resource.supplementary.?x.orValue(0) == 1)'])).toBe(true);
  });
});

describe('kept records without tags share one empty object', () => {
  const entry = (id: string, tags: Record<string, string>): Resource => ({
    provider: 'azure', account: ['0b1f6471', '1bf0'].join('-'), region: ['japan', 'east'].join(''), type: 'microsoft.security/assessments', id, name: 'k', arn: id, tags,
    configuration: { properties: { status: { code: 'Healthy' } } }, supplementary: {}, relationships: [], capturedAt: '',
  });

  it('in context entries and in records waiting for their contexts', () => {
    for (const keep of [contextProjection(['a.configuration.properties.status.code'])!, resourceProjection(['resource.configuration.properties'])!]) {
      const [a, b] = [keep(entry('/a/1', {})), keep(entry('/a/2', {}))];
      expect(a.tags).toEqual({});
      expect(a.tags).toBe(b.tags);
      expect(Object.isFrozen(a.tags)).toBe(true);
      // Tags that exist are the resource's own.
      expect(keep(entry('/a/3', { env: 'prod' })).tags).toEqual({ env: 'prod' });
      expect([a.account, a.region]).toEqual(['0b1f6471-1bf0', 'japaneast']);
    }
  });
});

describe('controls that read the same fields of a resource share one projection', () => {
  it('whatever the order and form of the reads, and only then', () => {
    const projection = sharedProjections();
    const a = projection(['resource.name + resource.configuration.a.b', 'has(resource.configuration.c)']);
    expect(projection(['resource.configuration.?c.hasValue()', 'resource.configuration.a.?b.orValue(1) == 1 && resource.name != ""'])).toBe(a);
    expect(projection(['resource.configuration.a'])).not.toBe(a);
    // The resource used whole: nothing to project, for any control.
    expect(projection(['f(resource)'])).toBeUndefined();
  });
});
