/** The CSV report: BOM, RFC 4180 quoting, one row per requirement × control × resource. */
import { CSV_COLUMNS } from '../../src/reports/i18n.js';
import { UTF8_BOM, csvField, renderCsvReport } from '../../src/reports/csv.js';
import { ATTESTATIONS, TRICKY_ID, TRICKY_REASON, reportInput } from './fixture.js';

/** A strict RFC 4180 reader (CRLF records, quoted fields with doubled quotes), independent of the writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        field += c;
        i++;
      }
    } else if (c === '"') {
      if (field !== '') throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else if (c === '\n' || c === '\r') {
      throw new Error(`bare line break outside quotes at ${i}`);
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || row.length > 0) throw new Error('last record does not end with CRLF');
  return rows;
}

const input = reportInput();
const ja = renderCsvReport(input, { lang: 'ja' });
const en = renderCsvReport(input, { lang: 'en' });

function records(text: string): Record<string, string>[] {
  expect(text.startsWith(UTF8_BOM)).toBe(true);
  const [header, ...rows] = parseCsv(text.slice(UTF8_BOM.length));
  expect(header).toHaveLength(CSV_COLUMNS.length);
  return rows.map((row) => {
    expect(row).toHaveLength(CSV_COLUMNS.length);
    return Object.fromEntries(CSV_COLUMNS.map((column, i) => [column, row[i]!]));
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
    expect(manual[0]).toMatchObject({ control_id: '', resource_id: '', requirement_status: 'not_assessed', requirement_reason: 'no attestation' });
  });

  it('carries statuses, reasons, observed values and Japanese text intact', () => {
    const rows = records(ja);
    const results = new Map(input.assessment.requirements.map((r) => [r.id, r]));
    for (const row of rows) {
      const requirement = input.catalog.requirements.find((r) => r.id === row['requirement_id'])!;
      expect(row['text_ja']).toBe(requirement.textJa);
      expect(row['title_en']).toBe(requirement.titleEn);
      expect(row['category']).toBe(requirement.category.nameJa);
      expect(row['requirement_status']).toBe(results.get(requirement.id)!.status);
      expect(row['requirement_reason']).toBe(results.get(requirement.id)!.reason);
    }
    expect(rows).toContainEqual(
      expect.objectContaining({
        requirement_id: '2-6',
        control_id: 'aws-sg-admin-ports-closed-to-world',
        control_title: expect.stringMatching(/セキュリティグループ|SSH|管理/) as unknown,
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
    const rows = records(ja).filter((row) => row['observed'] === TRICKY_REASON);
    expect(rows.map((row) => row['requirement_id']).sort()).toEqual(['2-6', '3-6']);
    expect(rows[0]!['resource_id']).toBe(`'${TRICKY_ID}`);
    expect(ja).toContain('"tcp/22 open to 0.0.0.0/0, ""quoted"" <script>alert(1)</script>\nsecond line: 東京リージョン外"');
  });

  it('carries attestations: owner, evidence, dates and state', () => {
    const rows = records(ja);
    const a = ATTESTATIONS[0]!;
    expect(rows.find((row) => row['requirement_id'] === '1-1')).toMatchObject({
      attestation_owner: a.owner,
      attestation_evidence: a.evidence,
      attestation_attested: a.attested,
      attestation_expires: a.expires,
      attestation_state: 'valid',
    });
    expect(rows.find((row) => row['requirement_id'] === '1-2')).toMatchObject({ attestation_state: 'expired', attestation_expires: '2025-12-31' });
    for (const row of rows.filter((r) => r['requirement_id'] === '2-1')) expect(row['attestation_owner']).toBe('基盤運用責任者');
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
