/** The credential report parser: validation at the boundary, every deviation named by row and column. */
import { MalformedReport, parseCredentialReport, parseCsv } from '../../../collectors/aws/credential-report.js';

const ACCOUNT = '111122223333';
const GENERATED = new Date('2026-10-31T21:00:00Z');
const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,' +
  'access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,' +
  'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,' +
  'cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
const ROOT = `<root_account>,arn:aws:iam::${ACCOUNT}:root,2019-04-01T02:11:09+00:00,not_supported,no_information,not_supported,not_supported,TRUE,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`;
const ALICE = `alice,arn:aws:iam::${ACCOUNT}:user/staff/alice,2024-01-10T04:00:00+00:00,TRUE,2026-10-30T21:00:00+00:00,2026-09-01T00:00:00+00:00,N/A,FALSE,true,2026-08-02T21:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`;
const parse = (...rows: string[]): ReturnType<typeof parseCredentialReport> => parseCredentialReport(Buffer.from([HEADER, ...rows].join('\r\n')), GENERATED, ACCOUNT);

describe('parseCredentialReport', () => {
  it('reads the documented columns (TRUE/FALSE any case, N/A, no_information, not_supported) and keeps only what an auditor needs', () => {
    const [root, alice] = parse(ROOT, ALICE);
    expect(root?.configuration).toEqual({
      user: '<root_account>', arn: `arn:aws:iam::${ACCOUNT}:root`, root: true,
      userCreationTime: '2019-04-01T02:11:09.000Z', userCreatedHoursAgo: 66498,
      passwordEnabled: null, passwordLastUsed: null, passwordLastUsedHoursAgo: null, passwordLastChanged: null, passwordLastChangedHoursAgo: null,
      mfaActive: true,
      accessKeys: [
        { slot: 1, active: false, lastRotated: null, lastRotatedHoursAgo: null, lastUsed: null, lastUsedHoursAgo: null },
        { slot: 2, active: false, lastRotated: null, lastRotatedHoursAgo: null, lastUsed: null, lastUsedHoursAgo: null },
      ],
      reportGeneratedAt: '2026-10-31T21:00:00.000Z',
    });
    expect(alice).toMatchObject({ id: `arn:aws:iam::${ACCOUNT}:user/staff/alice`, name: 'alice', region: 'global', type: 'AWS::IAM::CredentialReportUser' });
    expect(alice?.configuration).toMatchObject({ passwordEnabled: true, passwordLastUsedHoursAgo: 24, mfaActive: false, accessKeys: [{ active: true, lastRotatedHoursAgo: 2160, lastUsed: null }, { active: false }] });
  });

  it.each([
    ['a missing column', () => parseCredentialReport(`user,arn\n${ROOT}`, GENERATED, ACCOUNT), /header lacks column\(s\) user_creation_time/],
    ['a short row', () => parse(ROOT, ALICE.slice(0, ALICE.lastIndexOf(','))), /row 3 has 21 fields, the header 22/],
    ['a bad boolean', () => parse(ROOT, ALICE.replace(',FALSE,', ',maybe,')), /row 3, column mfa_active: expected TRUE or FALSE, got 'maybe'/],
    ['a bad date', () => parse(ROOT, ALICE.replace('2026-10-30T21:00:00+00:00', 'yesterday')), /row 3, column password_last_used: expected an ISO 8601 date or N\/A \/ no_information/],
    ['another account', () => parse(ROOT.replace(ACCOUNT, '999999999999')), /column arn: expected the root ARN of account 111122223333/],
    ['a duplicate user', () => parse(ROOT, ALICE, ALICE), /row 4: .* appears twice/],
    ['no root row', () => parse(ALICE), /0 root user rows/],
    ['an empty report', () => parseCredentialReport('', GENERATED, ACCOUNT), /empty/],
    ['an unterminated quote', () => parse(ROOT, `"alice,${ALICE}`), /unterminated quoted field/],
  ])('rejects %s', (_what, run, message) => {
    expect(run).toThrow(MalformedReport);
    expect(run).toThrow(message);
  });
});

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and CRLF', () => {
    expect(parseCsv('a,"b,c","d ""e"""\r\nf,,g\n')).toEqual([['a', 'b,c', 'd "e"'], ['f', '', 'g']]);
  });
});
