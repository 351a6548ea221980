/**
 * The pseudo-types the AWS collector reads from each account's IAM API (identity.ts) and CloudTrail API (cloudtrail.ts), named
 * here without the SDK so offline inputs and tests can refer to them cheaply.
 */
export const CREDENTIAL_REPORT_USER_TYPE = 'AWS::IAM::CredentialReportUser';
export const ACCOUNT_SUMMARY_TYPE = 'AWS::IAM::AccountSummary';
export const PASSWORD_POLICY_TYPE = 'AWS::IAM::PasswordPolicy';
/** Never selected from AWS Config, never held by AWS Config files. */
export const IAM_IDENTITY_TYPES: ReadonlySet<string> = new Set([CREDENTIAL_REPORT_USER_TYPE, ACCOUNT_SUMMARY_TYPE, PASSWORD_POLICY_TYPE]);
/** Each trail's logging status and event selectors, read from each account's CloudTrail API (cloudtrail.ts). */
export const TRAIL_STATUS_TYPE = 'AWS::CloudTrail::TrailStatus';
/** Never selected from AWS Config, never held by AWS Config files. */
export const CLOUDTRAIL_API_TYPES: ReadonlySet<string> = new Set([TRAIL_STATUS_TYPE]);
