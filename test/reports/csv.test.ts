/** The CSV report: BOM, RFC 4180 quoting, one row per requirement × control × resource. */
import { CSV_COLUMNS, LABELS } from '../../src/reports/i18n.js';
import { UTF8_BOM, csvField, csvTextField, renderCsvReport, spreadsheetTextValue } from '../../src/reports/csv.js';
import {
  ACTIVE_EXCEPTION,
  ATTESTATIONS,
  EXPIRED_EXCEPTION,
  TRICKY_ID,
  TRICKY_REASON,
  TRICKY_REASON_JA,
  WAIVED_ACCOUNTS,
  WAIVED_CONTROL,
  reportInput,
  waivedReportInput,
} from './fixture.js';
import { parseCsv, shownValue } from './csv-parse.js';

/** The finding status "fail" as each language's CSV writes it. */
const FAIL = { ja: '不適合', en: 'fail' } as const;

const input = reportInput();
const ja = renderCsvReport(input, { lang: 'ja' });
const en = renderCsvReport(input, { lang: 'en' });

function records(text: string): Record<string, string>[] {
  expect(text.startsWith(UTF8_BOM)).toBe(true);
  const [header, ...rows] = parseCsv(text.slice(UTF8_BOM.length));
  expect(header).toHaveLength(CSV_COLUMNS.length);
  return rows.map((row) => {
    expect(row).toHaveLength(CSV_COLUMNS.length);
    return Object.fromEntries(CSV_COLUMNS.map((column, i) => [column, shownValue(row[i]!)]));
  });
}

describe('CSV report', () => {
  it('starts with a UTF-8 BOM and a header row in the chosen language', () => {
    expect(Buffer.from(ja, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(parseCsv(ja.slice(1))[0]!.slice(0, 5)).toEqual(['項番', '分類番号', '分類', '評価方法', '要件の判定']);
    expect(parseCsv(en.slice(1))[0]!.slice(0, 5)).toEqual(['requirement_id', 'category_id', 'category', 'automation', 'requirement_status']);
  });

  it('has one row per requirement × control × resource, and one row for a requirement or control without findings', () => {
    const rows = records(ja);
    const results = input.assessment.requirements;
    let expected = 0;
    for (const r of results) {
      if (r.controls.length === 0) expected += 1;
      for (const control of r.controls) {
        const n = input.assessment.findings.filter((f) => f.control === control && f.requirements.includes(r.id)).length;
        expected += Math.max(n, 1);
      }
    }
    expect(rows).toHaveLength(expected);
    const ids = new Set(rows.map((row) => row['requirement_id']));
    expect([...ids]).toEqual(input.catalog.requirements.map((r) => r.id));
    expect(ids.size).toBe(66);
    const manual = rows.filter((row) => row['requirement_id'] === '1-3');
    expect(manual).toHaveLength(1);
    expect(manual[0]).toMatchObject({ control_id: '', resource_id: '', requirement_status: '未評価', requirement_reason: '有効な確認書がありません' });
    expect(records(en).find((row) => row['requirement_id'] === '1-3')).toMatchObject({ requirement_status: 'not_assessed', requirement_reason: 'no attestation' });
  });

  it('carries statuses, reasons, observed values and Japanese text intact, reasons in the report language', () => {
    const rows = records(ja);
    const results = new Map(input.assessment.requirements.map((r) => [r.id, r]));
    for (const row of rows) {
      const requirement = input.catalog.requirements.find((r) => r.id === row['requirement_id'])!;
      expect(row['text_ja']).toBe(requirement.textJa);
      expect(row['title_en']).toBe(requirement.titleEn);
      expect(row['category']).toBe(requirement.category.nameJa);
      expect(row['requirement_status']).toBe(LABELS.ja.requirementState[results.get(requirement.id)!.status]);
      expect(row['requirement_reason']).toBe(results.get(requirement.id)!.reason_ja);
    }
    for (const row of records(en)) expect(row['requirement_reason']).toBe(results.get(row['requirement_id']!)!.reason);
    const sg = input.assessment.findings.find((f) => f.resourceId === 'sg-0d2e3f4a5b6c7d804' && f.control === 'aws-sg-admin-ports-closed-to-world')!;
    expect(sg.reason_ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/u);
    expect(rows).toContainEqual(
      expect.objectContaining({
        requirement_id: '2-6',
        resource_id: 'sg-0d2e3f4a5b6c7d804',
        observed: sg.reason_ja,
        control_title: expect.stringMatching(/セキュリティグループ|SSH|管理/) as unknown,
      }),
    );
    expect(records(en)).toContainEqual(
      expect.objectContaining({
        requirement_id: '2-6',
        control_id: 'aws-sg-admin-ports-closed-to-world',
        control_title: input.controls.find((c) => c.id === 'aws-sg-admin-ports-closed-to-world')!.titleEn,
        resource_id: 'sg-0d2e3f4a5b6c7d804',
        finding_status: 'fail',
        observed: 'tcp/22 open to 0.0.0.0/0',
        severity: 'critical',
        account: '111122223333',
        region: 'ap-northeast-1',
      }),
    );
    expect(records(en).find((row) => row['requirement_id'] === '1-1')!['category']).toBe('Handling of entrusted data');
  });

  it('round-trips commas, quotes and line breaks, and defuses spreadsheet formulas', () => {
    const rows = records(ja).filter((row) => row['observed'] === TRICKY_REASON_JA);
    expect(rows.map((row) => row['requirement_id']).sort()).toEqual(['2-6', '3-6']);
    expect(rows[0]!['resource_id']).toBe(`'${TRICKY_ID}`);
    expect(ja).toContain('"tcp/22 が 0.0.0.0/0 に開放, ""引用"" <script>alert(2)</script>\n二行目: 東京リージョン外"');
    expect(records(en).filter((row) => row['observed'] === TRICKY_REASON)).toHaveLength(2);
    expect(en).toContain('"tcp/22 open to 0.0.0.0/0, ""quoted"" <script>alert(1)</script>\nsecond line: 東京リージョン外"');
  });

  it('gives the remediation, in the report language, with every failing finding and only with those', () => {
    const controls = new Map(input.controls.map((c) => [c.id, c]));
    for (const [lang, text] of [['ja', ja], ['en', en]] as const) {
      const rows = records(text);
      const failing = rows.filter((row) => row['finding_status'] === FAIL[lang]);
      expect(failing.length).toBeGreaterThan(0);
      for (const row of failing) expect(row['remediation']).toBe(controls.get(row['control_id']!)!.remediation[lang]);
      for (const row of rows.filter((r) => r['finding_status'] !== FAIL[lang])) expect(row['remediation']).toBe('');
    }
    expect(records(ja).find((row) => row['finding_status'] === FAIL.ja)!['remediation']).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/u);
  });

  it('writes account ids and other number- or date-like identifiers as text formulas Excel and LibreOffice show as text, RFC 4180-quoted', () => {
    const waived = renderCsvReport(waivedReportInput(), { lang: 'ja' });
    const rows = records(waived);
    for (const account of WAIVED_ACCOUNTS) {
      expect(rows.filter((row) => row['account'] === account).length).toBeGreaterThan(0);
      // 111111111111 would show as 1.11111E+11 and 012345678901 lose its 0 in Excel: ="…" keeps each digit.
      expect(waived).toContain(`,"=""${account}""",`);
    }
    expect(rows.map((row) => row['requirement_id'])).toContain('2-6');
    // "2-6" would become 6 February.
    expect(waived).toMatch(/\r\n"=""2-6""","=""2""",/);
    expect(csvTextField('111111111111')).toBe('"=""111111111111"""');
    expect(csvTextField('012345678901')).toBe('"=""012345678901"""');
    expect(csvTextField('1e5')).toBe('"=""1e5"""');
    expect(csvTextField('2026/01/02')).toBe('"=""2026/01/02"""');
    // Identifiers that cannot be read as numbers stay as they are; the formula defence still applies.
    expect(csvTextField('sg-0d2e3f4a5b6c7d804')).toBe('sg-0d2e3f4a5b6c7d804');
    expect(csvTextField('ap-northeast-1')).toBe('ap-northeast-1');
    expect(csvTextField('')).toBe('');
    expect(csvTextField('a,"b"')).toBe(`"a,""b"""`);
    expect(csvTextField('=1+2')).toBe("'=1+2");
    expect(csvTextField('1"+HYPERLINK("x')).toBe(`"1""+HYPERLINK(""x"`);
    expect(spreadsheetTextValue('="111111111111"')).toBe('111111111111');
    // Every record still parses as RFC 4180.
    expect(() => parseCsv(waived.slice(1))).not.toThrow();
  });

  it('carries attestations: owner, evidence, dates and state', () => {
    const rows = records(ja);
    const a = ATTESTATIONS[0]!;
    expect(rows.find((row) => row['requirement_id'] === '1-1')).toMatchObject({
      attestation_owner: a.owner,
      attestation_evidence: a.evidence,
      attestation_attested: a.attested,
      attestation_expires: a.expires,
      attestation_state: '有効',
      attestation_statement: a.statement,
    });
    expect(rows.find((row) => row['requirement_id'] === '1-2')).toMatchObject({ attestation_state: '期限切れ', attestation_expires: '2025-12-31' });
    for (const row of rows.filter((r) => r['requirement_id'] === '2-1')) expect(row['attestation_owner']).toBe('基盤運用責任者');
  });

  it('shows waived findings with their exception, in the report language, never as failing', () => {
    const waivedInput = waivedReportInput();
    for (const lang of ['ja', 'en'] as const) {
      const rows = records(renderCsvReport(waivedInput, { lang }));
      const waived = rows.filter((row) => row['finding_status'] === (lang === 'ja' ? '例外承認' : 'waived'));
      // Two findings, each under requirements 2-6 and 3-6.
      expect(waived).toHaveLength(4);
      for (const row of waived) {
        expect(row).toMatchObject({
          control_id: WAIVED_CONTROL,
          exception_id: ACTIVE_EXCEPTION.id,
          exception_justification: ACTIVE_EXCEPTION.justification[lang],
          exception_approved_by: ACTIVE_EXCEPTION.approvedBy,
          exception_expires: ACTIVE_EXCEPTION.expires,
          exception_state: lang === 'ja' ? '有効' : 'active',
          remediation: '',
        });
      }
      expect(waived.map((row) => row['observed'])).toContain(lang === 'ja' ? '踏み台 0 で tcp/22 が 0.0.0.0/0 に開放されています' : 'tcp/22 open to 0.0.0.0/0 on bastion 0');
      for (const row of rows.filter((r) => r['finding_status'] !== (lang === 'ja' ? '例外承認' : 'waived'))) expect(row['exception_id']).toBe('');
      expect(rows.some((row) => row['exception_id'] === EXPIRED_EXCEPTION.id)).toBe(false);
    }
    expect(records(renderCsvReport(waivedInput, { lang: 'ja' })).filter((row) => row['finding_status'] === FAIL.ja)).toHaveLength(records(ja).filter((row) => row['finding_status'] === FAIL.ja).length);
  });

  it('quotes fields as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('cr\rlf')).toBe('"cr\rlf"');
    expect(csvField(' padded ')).toBe('" padded "');
    expect(csvField('')).toBe('');
    expect(csvField('日本語')).toBe('日本語');
    expect(csvField('=1+2')).toBe("'=1+2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('+81-3')).toBe("'+81-3");
    expect(csvField('-1')).toBe('-1');
    expect(csvField('=a,"b"')).toBe(`"'=a,""b"""`);
  });

  it('is a pure function: the same input gives the same bytes', () => {
    expect(renderCsvReport(input, { lang: 'ja' })).toBe(ja);
  });
});
