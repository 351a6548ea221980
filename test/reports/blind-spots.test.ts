/**
 * What kansa could not see, in the HTML report (section "見えていない範囲" / "Blind spots") in both
 * languages, in the OSCAL assessment log, and the coverage fields and requirement counts of the JSON contract: files written before
 * them still parse, files with them keep them.
 */
import type { Assessment, RequirementResult } from '../../src/evaluate/assessment.js';
import type { CollectionScope } from '../../src/model/resource.js';
import { escapeHtml, renderHtmlReport } from '../../src/reports/html.js';
import { parseAssessmentJson } from '../../src/reports/input.js';
import type { ReportInput } from '../../src/reports/model.js';
import { renderOscalAssessmentResults } from '../../src/reports/oscal.js';
import { expectValid, oscalValidator } from './oscal-schema.js';
import { FAILED_ACCOUNT, FAILED_ERROR, contractJson, reportInput } from './fixture.js';

const AT = '2026-10-31T23:00:00.000Z';
const ok = { status: 'ok', collectedAt: AT } as const;
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/u;

/** Real-shaped gaps, as the collectors and input readers of #11 report them. */
const scopes: CollectionScope[] = [
  {
    provider: 'aws',
    account: '111122223333',
    region: 'us-east-1',
    types: [],
    gaps: [
      {
        types: ['AWS::S3::Bucket', 'AWS::RDS::DBInstance'],
        reason: {
          ja: 'リージョン us-east-1 は collectors.aws.regions に含まれていないため収集していません',
          en: 'region us-east-1 is enabled for the account but not in collectors.aws.regions, so it was not collected',
        },
      },
    ],
    outcome: ok,
  },
  {
    provider: 'aws',
    account: '111122223333',
    region: 'ap-northeast-3',
    types: ['AWS::S3::Bucket', 'AWS::EC2::VPC'],
    gaps: [{ types: ['AWS::RDS::DBInstance'], reason: { ja: 'AWS Config は ap-northeast-3 で AWS::RDS::DBInstance を記録していません', en: 'AWS Config does not record AWS::RDS::DBInstance in ap-northeast-3' } }],
    unreadable: 2,
    outcome: ok,
  },
  // an offline Select export: every type present, but no supplementary configuration
  { provider: 'aws', account: '777788889999', region: 'ap-northeast-1', types: ['AWS::S3::Bucket'], supplementary: false, outcome: ok },
  { provider: 'gcp', account: 'kansa-demo', region: 'global', types: ['compute.googleapis.com/Disk'], outcome: { status: 'stale', lastSuccessAt: AT, error: 'older than 7200 s' } },
  // fully covered: not a blind spot
  { provider: 'azure', account: '00000000-0000-0000-0000-000000000001', region: 'japaneast', types: 'all', outcome: ok },
];

const base = reportInput();
const COUNTS = { checked: 12, failing: 3, unknown: 4, waived: 1, scopesCovered: 2, scopesNotCovered: 5 };
/** 9-6 carries counts; the others are as files written before counts existed. */
const withCounts = ({ counts: _ignored, ...r }: RequirementResult): RequirementResult => (r.id === '9-6' ? { ...r, counts: COUNTS } : r);
const input: ReportInput = {
  ...base,
  assessment: { ...base.assessment, coverage: [...base.assessment.coverage, ...scopes], requirements: base.assessment.requirements.map(withCounts) },
};
const ja = renderHtmlReport(input, { lang: 'ja' });
const en = renderHtmlReport(input, { lang: 'en' });

function section(page: string): string {
  const from = page.indexOf('<section id="blind-spots">');
  expect(from).toBeGreaterThan(-1);
  return page.slice(from, page.indexOf('</section>', from));
}

/** The rows of the blind-spot table as `provider/account/region state`. */
function rows(page: string): string[] {
  return [...section(page).matchAll(/<tr class="cv-\w+" data-coverage="(\w+)" data-scope="([^"]+)">/g)].map((m) => `${m[2]} ${m[1]}`);
}

function row(page: string, scope: string): string {
  const html = section(page);
  const from = html.indexOf(`data-scope="${scope}"`);
  expect(from).toBeGreaterThan(-1);
  return html.slice(from, html.indexOf('</tr>', from));
}

describe('HTML report: blind spots', () => {
  it('lists every partial or blind scope, and scopes without side documents, blind first; never a covered one', () => {
    for (const page of [ja, en]) {
      expect(rows(page)).toEqual([
        'aws/111122223333/us-east-1 blind',
        `aws/${FAILED_ACCOUNT}/ap-northeast-1 blind`,
        'gcp/kansa-demo/global blind',
        'aws/111122223333/ap-northeast-3 partial',
        'aws/777788889999/ap-northeast-1 covered',
      ]);
      expect(page).toContain('<a href="#blind-spots">');
    }
  });

  it('names each gap\'s types with its reason in Japanese, and the failed, stale, unreadable and side-document gaps in Japanese', () => {
    const left = row(ja, 'aws/111122223333/us-east-1');
    expect(left).toContain('AWS::S3::Bucket, AWS::RDS::DBInstance');
    expect(left).toContain('<span class="gap-reason" data-text="reason">リージョン us-east-1 は collectors.aws.regions に含まれていないため収集していません</span>');
    expect(left).toContain('収集できず');
    const partial = row(ja, 'aws/111122223333/ap-northeast-3');
    expect(partial).toContain('AWS Config は ap-northeast-3 で AWS::RDS::DBInstance を記録していません');
    expect(partial).toContain('読み取れない項目が 2 件あります');
    expect(partial).toContain('一部のみ');
    expect(row(ja, 'aws/777788889999/ap-northeast-1')).toContain('補足設定（AWS Config の supplementaryConfiguration）が含まれていない');
    const failed = row(ja, `aws/${FAILED_ACCOUNT}/ap-northeast-1`);
    expect(failed).toContain('収集に失敗しました');
    expect(failed).toContain(escapeHtml(FAILED_ERROR));
    const stale = row(ja, 'gcp/kansa-demo/global');
    expect(stale).toContain('データが古くなっています');
    // kansa's own English staleness note stays out of the Japanese report
    expect(stale).not.toContain('older than');
    // us-east-1 leaves out 2 types, ap-northeast-3 one
    const intro = /<section id="blind-spots"><h2>見えていない範囲<\/h2><p>([^<]+)<\/p>/.exec(ja)?.[1] ?? '';
    expect(intro).toMatch(/収集できなかったリージョンとリソース種別の組は 3 件、読み取れなかった項目は 2 件です。/);
    expect(intro).toContain('「判定不能」');
  });

  it('says the same in English', () => {
    expect(section(en)).toContain('<h2>Blind spots</h2>');
    const left = row(en, 'aws/111122223333/us-east-1');
    expect(left).toContain('region us-east-1 is enabled for the account but not in collectors.aws.regions, so it was not collected');
    expect(left).toContain('Blind');
    expect(row(en, 'aws/111122223333/ap-northeast-3')).toContain('2 items could not be read');
    expect(row(en, 'gcp/kansa-demo/global')).toContain('(older than 7200 s)');
    expect(row(en, 'aws/777788889999/ap-northeast-1')).toContain('no supplementary configuration');
    expect(section(en)).toMatch(/3 \(region, resource type\) pairs were not collected and 2 items could not be read/);
    expect(section(en)).not.toMatch(JAPANESE);
  });

  it('writes every gap reason of the Japanese report in Japanese', () => {
    const reasons = [...section(ja).matchAll(/data-text="reason">([^<]*)</g)].map((m) => m[1]!);
    expect(reasons).toHaveLength(2);
    expect(reasons.filter((r) => !JAPANESE.test(r))).toEqual([]);
  });

  it('shows the coverage state of every scope in the coverage table', () => {
    const coverage = ja.slice(ja.indexOf('id="coverage"'), ja.indexOf('id="blind-spots"'));
    expect(coverage).toContain('<th>網羅状況</th>');
    expect(coverage.match(/class="badge cv-/g)?.length).toBe(input.assessment.coverage.length);
  });

  it('says when nothing is out of sight', () => {
    const covered: ReportInput = { ...base, assessment: { ...base.assessment, coverage: [scopes[4]!] } };
    expect(section(renderHtmlReport(covered, { lang: 'ja' }))).toContain('すべての収集範囲で、有効なコントロールが読むリソース種別を収集し');
    expect(section(renderHtmlReport(covered, { lang: 'en' }))).toContain('Every collection scope covered every resource type');
    expect(rows(renderHtmlReport(covered, { lang: 'en' }))).toEqual([]);
  });

  it('shows the checked and failing counts behind a requirement when the assessment has them', () => {
    const article = (page: string, id: string): string => {
      const at = page.indexOf(`id="req-${id}"`);
      return page.slice(at, page.indexOf('</article>', at));
    };
    expect(article(ja, '9-6')).toContain('検査 12 件（不適合 3 件・判定不能 4 件・例外承認 1 件）、収集範囲は網羅 2 件・欠落あり 5 件');
    expect(article(en, '9-6')).toContain('12 checked (3 failing, 4 unknown, 1 waived); 2 scopes covered, 5 with gaps');
    expect(article(ja, '2-6')).not.toContain('判定の内訳');
  });
});

describe('OSCAL assessment results: coverage in the assessment log', () => {
  interface Entry {
    readonly title: string;
    readonly description: string;
    readonly props: readonly { readonly name: string; readonly value: string }[];
  }
  const log = (lang: 'ja' | 'en'): Entry[] => {
    const document = JSON.parse(renderOscalAssessmentResults(input, { lang })) as { 'assessment-results': { results: { 'assessment-log': { entries: Entry[] } }[] } };
    return document['assessment-results'].results[0]!['assessment-log'].entries;
  };
  const entry = (entries: readonly Entry[], account: string, region: string): Entry => entries.find((e) => e.title.includes(` ${account} ${region}:`))!;
  const prop = (e: Entry, name: string): string | undefined => e.props.find((p) => p.name === name)?.value;

  it('gives every scope its coverage state, unreadable items, and each gap with its reason in the report language', () => {
    const ja = log('ja');
    expect(ja.map((e) => prop(e, 'coverage-state')).filter((s) => s === undefined)).toEqual([]);
    const partial = entry(ja, '111122223333', 'ap-northeast-3');
    expect(prop(partial, 'coverage-state')).toBe('partial');
    expect(prop(partial, 'unreadable-items')).toBe('2');
    expect(partial.description).toContain('収集していない種別 AWS::RDS::DBInstance: AWS Config は ap-northeast-3 で AWS::RDS::DBInstance を記録していません');
    expect(partial.description).toContain('読み取れない項目 2 件');
    expect(prop(entry(ja, '111122223333', 'us-east-1'), 'coverage-state')).toBe('blind');
    expect(entry(ja, '777788889999', 'ap-northeast-1').description).toContain('補足設定（supplementaryConfiguration）なし');
    const en = entry(log('en'), '111122223333', 'ap-northeast-3');
    expect(en.description).toContain('Not collected: AWS::RDS::DBInstance: AWS Config does not record AWS::RDS::DBInstance in ap-northeast-3');
    expect(en.description).not.toMatch(JAPANESE);
  });

  it('still validates against the NIST schema', () => {
    const validate = oscalValidator('oscal_assessment-results_schema.json');
    for (const lang of ['ja', 'en'] as const) expectValid(validate, JSON.parse(renderOscalAssessmentResults(input, { lang })));
  });
});

describe('report input: coverage fields and requirement counts', () => {
  it('parses files written before them, without inventing any', () => {
    const current = JSON.parse(contractJson()) as { requirements: Record<string, unknown>[] };
    for (const r of current.requirements) delete r.counts;
    const old = parseAssessmentJson('old.json', JSON.stringify(current));
    expect(old.coverage.length).toBeGreaterThan(0);
    for (const scope of old.coverage) expect(['gaps', 'supplementary', 'unreadable'].filter((k) => k in scope)).toEqual([]);
    expect(old.requirements.filter((r) => 'counts' in r)).toEqual([]);
  });

  it('keeps gaps, supplementary, unreadable and counts of newer files', () => {
    const json = JSON.parse(contractJson()) as { coverage: unknown[]; requirements: Record<string, unknown>[] };
    json.coverage.push(...scopes);
    json.requirements = json.requirements.map((r) => (r['id'] === '9-6' ? { ...r, counts: COUNTS } : r));
    const parsed: Assessment = parseAssessmentJson('new.json', JSON.stringify(json));
    expect(parsed.coverage.slice(-scopes.length)).toEqual(scopes);
    expect(parsed.requirements.find((r) => r.id === '9-6')).toMatchObject({ counts: COUNTS });
    const html = renderHtmlReport({ ...base, assessment: parsed }, { lang: 'ja' });
    expect(rows(html)).toContain('aws/111122223333/ap-northeast-3 partial');
  });

  it('rejects malformed coverage fields, naming the path', () => {
    const bad = (mutate: (scope: Record<string, unknown>) => void): string => {
      const json = JSON.parse(contractJson()) as { coverage: Record<string, unknown>[] };
      mutate(json.coverage[0]!);
      try {
        parseAssessmentJson('bad.json', JSON.stringify(json));
      } catch (error) {
        return (error as Error).message;
      }
      return 'parsed';
    };
    expect(bad((s) => (s['unreadable'] = -1))).toMatch(/bad\.json.*coverage\[0\]\.unreadable/);
    expect(bad((s) => (s['gaps'] = [{ types: ['AWS::S3::Bucket'], reason: { ja: '理由' } }]))).toMatch(/coverage\[0\]\.gaps\[0\]\.reason\.en/);
    expect(bad((s) => (s['supplementary'] = 'no'))).toMatch(/coverage\[0\]\.supplementary/);
  });
});
