/** OSCAL exports validate against NIST's OSCAL 1.0.6 JSON Schemas, and their references resolve. */
import type { ReportInput } from '../../src/reports/model.js';
import { oscalStatementId, oscalToken, renderOscalAssessmentResults, renderOscalCatalog } from '../../src/reports/oscal.js';
import { uuidV5 } from '../../src/reports/uuid.js';
import { ACTIVE_EXCEPTION, ATTESTATIONS, EXPIRED_EXCEPTION, FAILED_ERROR, TRICKY_REASON, TRICKY_REASON_JA, reportInput, waivedReportInput } from './fixture.js';
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
const enText = renderOscalAssessmentResults(input, { toolVersion: '9.9.9', lang: 'en' });
const enResults = asObj(asObj(JSON.parse(enText))['assessment-results']);
const propValue = (o: Obj, name: string): unknown => arr(o['props']).find((p) => p['name'] === name)?.['value'];
const catalogText = renderOscalCatalog(input.catalog, input.controls, { lastModified: '2026-11-01T00:00:00Z' });
const catalog = asObj(asObj(JSON.parse(catalogText))['catalog']);

describe('OSCAL assessment results', () => {
  const validate = oscalValidator('oscal_assessment-results_schema.json');

  it('validates against the NIST schema, with and without snapshot metadata', () => {
    expectValid(validate, JSON.parse(resultsText));
    expectValid(validate, JSON.parse(enText));
    expectValid(validate, JSON.parse(renderOscalAssessmentResults(snapshotInput)));
    expectValid(validate, JSON.parse(renderOscalAssessmentResults(waivedReportInput(), { lang: 'ja' })));
    expectValid(validate, JSON.parse(renderOscalAssessmentResults(waivedReportInput(), { lang: 'en' })));
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
    expect(observations.some((o) => o['description'] === `不適合: ${TRICKY_REASON_JA}`)).toBe(true);
    expect(arr(arr(enResults['results'])[0]!['observations']).some((o) => o['description'] === `Fail: ${TRICKY_REASON}`)).toBe(true);
    const attestation = observations.find((o) => arr(o['props']).some((p) => p['name'] === 'attestation-owner' && p['value'] === ATTESTATIONS[0]!.owner))!;
    expect(attestation).toMatchObject({ methods: ['EXAMINE'], expires: '2027-03-31T23:59:59Z', 'relevant-evidence': [{ description: ATTESTATIONS[0]!.evidence }] });
    const log = arr(asObj(result['assessment-log'])['entries']);
    expect(log.map((e) => e['description'])).toContain(`収集に失敗しました: ${FAILED_ERROR}`);
    const enLog = arr(asObj(arr(enResults['results'])[0]!['assessment-log'])['entries']);
    expect(enLog.map((e) => e['description'])).toContain(`Collection failed: ${FAILED_ERROR}`);
  });

  it('writes reasons, titles, rationale and remediation in the chosen language', () => {
    const controls = new Map(input.controls.map((c) => [c.id, c]));
    const requirements = new Map(input.catalog.requirements.map((r) => [r.id, r]));
    const verdicts = new Map(input.assessment.requirements.map((r) => [r.id, r]));
    for (const [lang, doc] of [['ja', results], ['en', enResults]] as const) {
      const result = arr(doc['results'])[0]!;
      expect(propValue(asObj(doc['metadata']), 'language')).toBe(lang);
      for (const f of arr(result['findings'])) {
        const id = propValue(f, 'label') as string;
        const r = requirements.get(id)!;
        const verdict = verdicts.get(id)!;
        expect(f['title']).toBe(`${id} ${lang === 'ja' ? r.textJa : r.titleEn}`);
        expect(f['description']).toBe(`${{ ja: { compliant: '適合', noncompliant: '不適合', unknown: '判定不能', not_assessed: '未評価' }, en: { compliant: 'Compliant', noncompliant: 'Non-compliant', unknown: 'Unknown', not_assessed: 'Not assessed' } }[lang][verdict.status]}: ${lang === 'ja' ? verdict.reason_ja : verdict.reason}`);
        expect(f['remarks']).toContain(r.rationale[lang]);
        if (r.textNote) expect(f['remarks']).toContain(r.textNote[lang]);
      }
      let failing = 0;
      for (const o of arr(result['observations'])) {
        const control = controls.get(propValue(o, 'control-id') as string);
        if (propValue(o, 'finding-status') === 'fail' && control) {
          failing++;
          expect(o['remarks']).toBe(`${lang === 'ja' ? '是正方法' : 'Remediation'}: ${control.remediation[lang]}`);
        } else if (control) expect(o['remarks']).toBeUndefined();
      }
      expect(failing).toBeGreaterThan(0);
    }
    const attestation = arr(arr(results['results'])[0]!['observations']).find((o) => propValue(o, 'attestation-owner') === ATTESTATIONS[0]!.owner)!;
    expect(attestation['description']).toBe(ATTESTATIONS[0]!.statement);
  });

  it('names the exception of every waived observation, with its justification, and lists every exception, expired ones as expired', () => {
    for (const lang of ['ja', 'en'] as const) {
      const doc = asObj(asObj(JSON.parse(renderOscalAssessmentResults(waivedReportInput(), { lang })))['assessment-results']);
      const result = arr(doc['results'])[0]!;
      const resources = arr(asObj(doc['back-matter'])['resources']);
      const waived = arr(result['observations']).filter((o) => propValue(o, 'finding-status') === 'waived');
      expect(waived).toHaveLength(2);
      for (const o of waived) {
        expect(propValue(o, 'exception-id')).toBe(ACTIVE_EXCEPTION.id);
        expect(propValue(o, 'exception-state')).toBe('active');
        expect(propValue(o, 'exception-approved-by')).toBe(ACTIVE_EXCEPTION.approvedBy);
        expect(propValue(o, 'exception-expires')).toBe(ACTIVE_EXCEPTION.expires);
        expect(o['remarks']).toContain(ACTIVE_EXCEPTION.id);
        expect(o['remarks']).toContain(ACTIVE_EXCEPTION.justification[lang]);
        expect(o['remarks']).not.toContain(lang === 'ja' ? '是正方法' : 'Remediation');
        expect(o['description']).toMatch(lang === 'ja' ? /^例外承認: 踏み台/ : /^Waived: tcp\/22/);
        const link = arr(o['links'])[0]!;
        expect(resources.map((r) => `#${r['uuid'] as string}`)).toContain(link['href']);
      }
      const byId = new Map(resources.filter((r) => propValue(r, 'exception-id') !== undefined).map((r) => [propValue(r, 'exception-id'), r]));
      expect(byId.get(ACTIVE_EXCEPTION.id)).toMatchObject({ description: ACTIVE_EXCEPTION.justification[lang] });
      expect(propValue(byId.get(ACTIVE_EXCEPTION.id)!, 'waived')).toBe('2');
      const expired = byId.get(EXPIRED_EXCEPTION.id)!;
      expect(propValue(expired, 'exception-state')).toBe('expired');
      expect(propValue(expired, 'expires')).toBe(EXPIRED_EXCEPTION.expires);
      expect(propValue(expired, 'matched')).toBe('1');
      expect(propValue(expired, 'waived')).toBe('0');
      expect(propValue(result, 'count-waived-findings')).toBe('2');
    }
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
