/**
 * The IAM credential report (GetCredentialReport, `text/csv`, base64 on the wire), parsed and validated
 * at the boundary into `AWS::IAM::CredentialReportUser` resources, one per row, the root user included.
 *
 * Columns (IAM User Guide, "Generate credential reports for your AWS account",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html): user, arn,
 * user_creation_time, password_enabled, password_last_used, password_last_changed,
 * password_next_rotation, mfa_active, access_key_{1,2}_active, access_key_{1,2}_last_rotated,
 * access_key_{1,2}_last_used_date, access_key_{1,2}_last_used_region, access_key_{1,2}_last_used_service,
 * cert_{1,2}_active, cert_{1,2}_last_rotated. Booleans are TRUE / FALSE; dates ISO 8601 or `N/A` (none,
 * never used); `no_information` (password not used since IAM began tracking it, October 2014); the root
 * row (`<root_account>`, ARN `…:root`) says `not_supported` for the password columns it has no value for.
 *
 * Privacy: only what an auditor needs is kept (the principal's name and ARN, dates, booleans); regions and
 * services of last use, certificate columns and anything else are dropped here. The report holds no key
 * material (access key ids are not among its columns).
 */
import type { Resource } from '../../src/model/resource.js';
import { GLOBAL_REGION } from '../../src/model/resource.js';
import { CREDENTIAL_REPORT_USER_TYPE } from './identity-types.js';

/** The row the report gives the account's root user. */
export const ROOT_USER_NAME = '<root_account>';

/** Columns kansa reads; a report without any of them is malformed. */
const REQUIRED_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
] as const;
type Column = (typeof REQUIRED_COLUMNS)[number];

/**
 * Ages are whole hours between a date and the report's generation (GeneratedTime), both from the same
 * report: controls compare them with thresholds (90 days = 2160 hours) without reading a clock, and a
 * report IAM reused (up to four hours old) is judged as of when IAM wrote it.
 */
function hoursBefore(generatedAt: Date, date: string | null): number | null {
  return date === null ? null : Math.floor((generatedAt.getTime() - Date.parse(date)) / 3_600_000);
}

/** One access key slot of a user, as the report describes it. */
export interface ReportAccessKey {
  readonly slot: 1 | 2;
  readonly active: boolean;
  /** Created or last rotated; null when the slot holds no key. */
  readonly lastRotated: string | null;
  readonly lastRotatedHoursAgo: number | null;
  /** Last used to sign a request; null when never used (N/A). */
  readonly lastUsed: string | null;
  readonly lastUsedHoursAgo: number | null;
}

/** The configuration of an `AWS::IAM::CredentialReportUser` resource. */
export interface CredentialReportUser {
  readonly user: string;
  readonly arn: string;
  readonly root: boolean;
  readonly userCreationTime: string | null;
  readonly userCreatedHoursAgo: number | null;
  /** Console password; null for the root user (`not_supported`: root always has one). */
  readonly passwordEnabled: boolean | null;
  /** Last console sign-in; null when never used (N/A) or before IAM tracked it (no_information). */
  readonly passwordLastUsed: string | null;
  readonly passwordLastUsedHoursAgo: number | null;
  readonly passwordLastChanged: string | null;
  readonly passwordLastChangedHoursAgo: number | null;
  readonly mfaActive: boolean;
  readonly accessKeys: readonly ReportAccessKey[];
  /** When IAM generated the report: the instant the `…HoursAgo` ages are measured from. */
  readonly reportGeneratedAt: string;
}

export class MalformedReport extends Error {
  override readonly name = 'MalformedReport';
}

/** RFC 4180 fields: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
    i++;
  }
  if (quoted) throw new MalformedReport('an unterminated quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses the report. Throws MalformedReport naming the row and column on anything unexpected: a report
 * read partly could leave out exactly the user that fails, so none of it is used.
 */
export function parseCredentialReport(content: Uint8Array | string, generatedAt: Date, account: string): Resource[] {
  const text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
  const rows = parseCsv(text);
  const header = rows[0];
  if (!header) throw new MalformedReport('the report is empty (no header row)');
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new MalformedReport(`the header lacks column(s) ${missing.join(', ')}`);
  const index = new Map(header.map((name, i) => [name, i]));
  const reportGeneratedAt = generatedAt.toISOString();
  const seen = new Set<string>();
  let roots = 0;
  const resources = rows.slice(1).map((cells, n): Resource => {
    const line = n + 2;
    if (cells.length !== header.length) throw new MalformedReport(`row ${line} has ${cells.length} fields, the header ${header.length}`);
    const cell = (column: Column): string => cells[index.get(column)!]!;
    const fail = (column: Column, expected: string): never => {
      throw new MalformedReport(`row ${line}, column ${column}: expected ${expected}, got '${cell(column).slice(0, 40)}'`);
    };
    const bool = (column: Column): boolean => {
      const value = cell(column).toLowerCase();
      return value === 'true' ? true : value === 'false' ? false : fail(column, 'TRUE or FALSE');
    };
    /** A date, or null for the words the docs give for "none". */
    const date = (column: Column, none: readonly string[]): string | null => {
      const value = cell(column);
      if (none.includes(value)) return null;
      if (!ISO_DATE.test(value) || Number.isNaN(Date.parse(value))) return fail(column, `an ISO 8601 date or ${none.join(' / ')}`);
      return new Date(value).toISOString();
    };
    const user = cell('user');
    const arn = cell('arn');
    const root = user === ROOT_USER_NAME;
    const arnPattern = root ? new RegExp(`^arn:aws[a-z-]*:iam::${account}:root$`) : new RegExp(`^arn:aws[a-z-]*:iam::${account}:user/(.+/)?[\\w+=,.@-]+$`);
    if (!arnPattern.test(arn)) fail('arn', root ? `the root ARN of account ${account}` : `an IAM user ARN of account ${account}`);
    if (!root && !/^[\w+=,.@-]{1,64}$/.test(user)) fail('user', 'an IAM user name');
    if (seen.has(arn)) throw new MalformedReport(`row ${line}: ${arn} appears twice`);
    seen.add(arn);
    if (root) roots++;
    const passwordWords = root ? ['not_supported', 'N/A'] : ['N/A'];
    const passwordEnabled = root ? (cell('password_enabled') === 'not_supported' ? null : bool('password_enabled')) : bool('password_enabled');
    const key = (slot: 1 | 2): ReportAccessKey => {
      const lastRotated = date(`access_key_${slot}_last_rotated`, ['N/A']);
      const lastUsed = date(`access_key_${slot}_last_used_date`, ['N/A']);
      return { slot, active: bool(`access_key_${slot}_active`), lastRotated, lastRotatedHoursAgo: hoursBefore(generatedAt, lastRotated), lastUsed, lastUsedHoursAgo: hoursBefore(generatedAt, lastUsed) };
    };
    const userCreationTime = date('user_creation_time', ['N/A']);
    const passwordLastUsed = date('password_last_used', ['N/A', 'no_information']);
    const passwordLastChanged = date('password_last_changed', passwordWords);
    const configuration: CredentialReportUser = {
      user,
      arn,
      root,
      userCreationTime,
      userCreatedHoursAgo: hoursBefore(generatedAt, userCreationTime),
      passwordEnabled,
      passwordLastUsed,
      passwordLastUsedHoursAgo: hoursBefore(generatedAt, passwordLastUsed),
      passwordLastChanged,
      passwordLastChangedHoursAgo: hoursBefore(generatedAt, passwordLastChanged),
      mfaActive: bool('mfa_active'),
      accessKeys: [key(1), key(2)],
      reportGeneratedAt,
    };
    return {
      provider: 'aws',
      account,
      region: GLOBAL_REGION,
      type: CREDENTIAL_REPORT_USER_TYPE,
      id: arn,
      name: user,
      arn,
      tags: {},
      configuration: configuration as unknown as Record<string, unknown>,
      supplementary: {},
      relationships: [],
      capturedAt: reportGeneratedAt,
    };
  });
  // Every account has a root user, and the report always lists it: without it, root controls would find nothing and pass.
  if (roots !== 1) throw new MalformedReport(`the report lists ${roots} root user rows (${ROOT_USER_NAME}), expected exactly one`);
  return resources;
}
