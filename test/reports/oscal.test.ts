/** OSCAL exports validate against NIST's OSCAL 1.0.6 JSON Schemas, and their references resolve. */
import type { ReportInput } from '../../src/reports/model.js';
import { oscalStatementId, oscalToken, renderOscalAssessmentResults, renderOscalCatalog } from '../../src/reports/oscal.js';
import { uuidV5 } from '../../src/reports/uuid.js';
import { ATTESTATIONS, FAILED_ERROR, TRICKY_REASON, reportInput } from './fixture.js';
import { expectValid, oscalValidator } from './oscal-schema.js';

interface Obj {
  [key: string]: unknown;
}
const asObj = (v: unknown): Obj => v as Obj;
const arr = (v: unknown): Obj[] => (v ?? []) as Obj[];

/** Every `uuid` value anywhere in a document. */
function uuids(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) uuids(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'uuid' && typeof v === 'string') out.push(v);
      else uuids(v, out);
    }
  }
  return out;
}

const input = reportInput();
const snapshotInput: ReportInput = {
  ...input,
  snapshot: { dir: '/var/lib/kansa/evidence/2026-11-01T000000Z', manifestDigest: `sha256:${'ab'.repeat(32)}`, signature: { state: 'valid' } },
};
const resultsText = renderOscalAssessmentResults(input, { toolVersion: '9.9.9' });
const results = asObj(asObj(JSON.parse(resultsText))['assessment-results']);
const catalogText = renderOscalCatalog(input.catalog, input.controls, { lastModified: '2026-11-01T00:00:00Z' });
const catalog = asObj(asObj(JSON.parse(catalogText))['catalog']);

describe('OSCAL assessment results', () => {
  const validate = oscalValidator('oscal_assessment-results_schema.json');

  it('validates against the NIST schema, with and without snapshot metadata', () => {
    expectValid(validate, JSON.parse(resultsText));
    expectValid(validate, JSON.parse(renderOscalAssessmentResults(snapshotInput)));
  });

  it('rejects what the schema forbids (the validator is really checking)', () => {
    const broken = JSON.parse(resultsText) as { 'assessment-results': Obj };
    const result = arr(broken['assessment-results']['results'])[0]!;
    asObj(arr(result['findings'])[0]!['target'])['target-id'] = '2-6 not a token';
    expect(validate(broken)).toBe(false);
  });

  it('has one finding per requirement, targeting the catalog statement, with the verdict', () => {
    const result = arr(results['results'])[0]!;
    const findings = arr(result['findings']);
    expect(findings).toHaveLength(66);
    const statementIds = new Set(
      arr(catalog['groups']).flatMap((g) => arr(g['controls']).flatMap((c) => arr(c['parts']).filter((p) => p['name'] === 'statement').map((p) => p['id']))),
    );
    const verdicts = new Map(input.assessment.requirements.map((r) => [r.id, r.status]));
    for (const f of findings) {
      const target = asObj(f['target']);
      expect(statementIds.has(target['target-id'])).toBe(true);
      const label = arr(f['props']).find((p) => p['name'] === 'label')!['value'] as string;
      const verdict = verdicts.get(label)!;
      expect(arr(f['props'])).toContainEqual(expect.objectContaining({ name: 'requirement-status', value: verdict }));
      expect(asObj(target['status'])['state']).toBe(verdict === 'compliant' ? 'satisfied' : 'not-satisfied');
    }
  });

  it('keeps the evidence: observations per finding and attestation, inventory items, collection log', () => {
    const result = arr(results['results'])[0]!;
    const observations = arr(result['observations']);
    const byUuid = new Map(observations.map((o) => [o['uuid'], o]));
    const inventory = new Set(arr(asObj(result['local-definitions'])['inventory-items']).map((i) => i['uuid']));
    expect(observations.length).toBe(input.assessment.findings.length + ATTESTATIONS.length);
    for (const o of observations) {
      for (const s of arr(o['subjects'])) expect(inventory.has(s['subject-uuid'])).toBe(true);
    }
    for (const f of arr(result['findings'])) {
      for (const r of arr(f['related-observations'])) expect(byUuid.has(r['observation-uuid'])).toBe(true);
    }
    expect(observations.some((o) => o['description'] === `fail: ${TRICKY_REASON}`)).toBe(true);
    const attestation = observations.find((o) => arr(o['props']).some((p) => p['name'] === 'attestation-owner' && p['value'] === ATTESTATIONS[0]!.owner))!;
    expect(attestation).toMatchObject({ methods: ['EXAMINE'], expires: '2027-03-31T23:59:59Z', 'relevant-evidence': [{ description: ATTESTATIONS[0]!.evidence }] });
    const log = arr(asObj(result['assessment-log'])['entries']);
    expect(log.map((e) => e['description'])).toContain(`Collection failed: ${FAILED_ERROR}`);
  });

  it('resolves its references: import-ap and the catalog in back-matter', () => {
    const resources = arr(asObj(results['back-matter'])['resources']);
    const href = asObj(results['import-ap'])['href'] as string;
    expect(resources.map((r) => `#${r['uuid'] as string}`)).toContain(href);
    expect(resources.map((r) => r['uuid'])).toContain(catalog['uuid']);
    const control = asObj(arr(asObj(arr(results['results'])[0]!['reviewed-controls'])['control-selections'])[0]);
    expect(arr(control['include-controls'])).toHaveLength(66);
  });

  it('records the snapshot manifest digest as a SHA-256 hash', () => {
    const doc = asObj(asObj(JSON.parse(renderOscalAssessmentResults(snapshotInput)))['assessment-results']);
    const snapshot = arr(asObj(doc['back-matter'])['resources']).find((r) => r['title'] === 'kansa evidence snapshot manifest')!;
    expect(arr(snapshot['rlinks'])[0]).toEqual({
      href: '/var/lib/kansa/evidence/2026-11-01T000000Z/manifest.json',
      'media-type': 'application/json',
      hashes: [{ algorithm: 'SHA-256', value: 'ab'.repeat(32) }],
    });
  });

  it('is reproducible, with unique UUIDs', () => {
    expect(renderOscalAssessmentResults(input, { toolVersion: '9.9.9' })).toBe(resultsText);
    const all = uuids(results);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('OSCAL catalog', () => {
  const validate = oscalValidator('oscal_catalog_schema.json');

  it('validates against the NIST schema', () => {
    expectValid(validate, JSON.parse(catalogText));
  });

  it('holds all 66 requirements in their categories, with the Japanese text verbatim', () => {
    const groups = arr(catalog['groups']);
    expect(groups.map((g) => arr(g['props']).find((p) => p['name'] === 'label')!['value'])).toEqual(input.catalog.categories.map((c) => c.id));
    const controls = groups.flatMap((g) => arr(g['controls']));
    expect(controls).toHaveLength(66);
    for (const [i, r] of input.catalog.requirements.entries()) {
      const control = controls[i]!;
      expect(control['id']).toBe(`req-${r.id}`);
      expect(control['title']).toBe(r.titleEn);
      const statement = arr(control['parts']).find((p) => p['name'] === 'statement')!;
      expect(statement).toMatchObject({ id: oscalStatementId(r.id), prose: r.textJa });
      expect(arr(control['props'])).toContainEqual(expect.objectContaining({ name: 'automation', value: r.automation }));
    }
    const sg = controls.find((c) => c['id'] === 'req-2-6')!;
    expect(arr(sg['parts']).filter((p) => p['name'] === 'assessment').map((p) => arr(p['props']).find((q) => q['name'] === 'control-id')?.['value'])).toContain(
      'aws-sg-admin-ports-closed-to-world',
    );
    expect(asObj(catalog['metadata'])).toMatchObject({ version: input.catalog.version, 'oscal-version': '1.0.6', 'last-modified': '2026-11-01T00:00:00Z' });
  });

  it('is reproducible for the same catalog and time', () => {
    expect(renderOscalCatalog(input.catalog, input.controls, { lastModified: '2026-11-01T00:00:00Z' })).toBe(catalogText);
  });
});

describe('identifiers', () => {
  it('are RFC 4122 version 5 UUIDs (Python\'s uuid5(NAMESPACE_DNS, "python.org") vector)', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('turns any id into an OSCAL token', () => {
    expect(oscalToken('req-2-6')).toBe('req-2-6');
    expect(oscalToken('2 6/x')).toBe('_2_6_x');
    expect(oscalToken('分類-1')).toBe('分類-1');
  });
});
