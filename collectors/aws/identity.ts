/**
 * The account's identity data that AWS Config does not record, read from IAM (global, once per account,
 * with the account's credentials): the credential report, the account summary with the root user's MFA
 * device kind, and the password policy. Called by the AWS collector for the identity types an enabled
 * control reads; users, groups, roles and policies keep coming from AWS Config.
 *
 * Pseudo-types (kansa's names, documented in the README):
 * - `AWS::IAM::CredentialReportUser`: one per credential report row, root included (credential-report.ts).
 * - `AWS::IAM::AccountSummary`: one per account, GetAccountSummary's AccountMFAEnabled and
 *   AccountAccessKeysPresent, and the root user's MFA kind from ListVirtualMFADevices.
 * - `AWS::IAM::PasswordPolicy`: one per account, GetAccountPasswordPolicy; `exists: false` when IAM
 *   answers NoSuchEntity (the account has no policy: a finding, not an error).
 *
 * Each type succeeds or fails on its own: a denied or failed call, or a malformed answer, leaves that
 * type out of the account's global scope with the reason (its controls are unknown there), never a fail.
 */
import {
  GenerateCredentialReportCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  ListVirtualMFADevicesCommand,
  type IAMClient,
  type PasswordPolicy,
  type VirtualMFADevice,
} from '@aws-sdk/client-iam';
import { errorMessage } from '../../src/errors.js';
import { GLOBAL_REGION, type CollectionScope, type Resource } from '../../src/model/resource.js';
import type { Bilingual } from '../../src/model/text.js';
import type { CollectContext } from '../types.js';
import { MalformedReport, parseCredentialReport } from './credential-report.js';
import { ACCOUNT_SUMMARY_TYPE, CREDENTIAL_REPORT_USER_TYPE, IAM_IDENTITY_TYPES, PASSWORD_POLICY_TYPE } from './identity-types.js';
import { runTypeJobs } from './type-jobs.js';

export { ACCOUNT_SUMMARY_TYPE, CREDENTIAL_REPORT_USER_TYPE, IAM_IDENTITY_TYPES, PASSWORD_POLICY_TYPE } from './identity-types.js';

/**
 * GenerateCredentialReport is called again while the report is STARTED or INPROGRESS (API reference,
 * GenerateCredentialReport: State STARTED | INPROGRESS | COMPLETE), this long apart, at most this often.
 */
export const REPORT_POLL_MS = 2_000;
export const REPORT_MAX_POLLS = 15;
/** ListVirtualMFADevices pages (API reference: MaxItems 1–1000). */
const MFA_PAGE_SIZE = 1000;

/** How the AWS collector runs one IAM call: counted, paced, retried; throws the final error. */
export type IamCall = <T>(operation: string, fn: () => Promise<T>) => Promise<T>;

export interface IdentityTarget {
  readonly account: string;
  readonly iam: IAMClient;
  readonly call: IamCall;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The account's global identity scope: the wanted identity types it covers, and why not the others. */
export async function collectIdentity(context: CollectContext, target: IdentityTarget, wanted: readonly string[]): Promise<{ scope: CollectionScope; resources: number }> {
  const at = context.now().toISOString();
  const jobs: Record<string, () => Promise<Resource[]>> = {
    [CREDENTIAL_REPORT_USER_TYPE]: () => credentialReport(context, target),
    [ACCOUNT_SUMMARY_TYPE]: () => accountSummary(context, target),
    [PASSWORD_POLICY_TYPE]: () => passwordPolicy(context, target),
  };
  const types = wanted.filter((t) => IAM_IDENTITY_TYPES.has(t)).sort();
  const { types: covered, gaps, resources } = await runTypeJobs(context, types, jobs, (type, error) => {
    const message = errorMessage(error);
    context.logger.warn({ provider: 'aws', account: target.account, type, error: message }, 'IAM identity data could not be collected for this account: its controls are unknown');
    return error instanceof MalformedReport ? malformedReason(message) : failedReason(type, message);
  });
  return {
    scope: { provider: 'aws', account: target.account, region: GLOBAL_REGION, types: covered, ...(gaps.length > 0 ? { gaps } : {}), outcome: { status: 'ok', collectedAt: at } },
    resources,
  };
}

/** The types the identity collection cannot reach in aggregator mode (no per-account credentials). */
export function aggregatorIdentityReason(aggregator: string): Bilingual {
  return {
    ja: `IAM の認証情報レポート等はアカウントごとの IAM API から取得するため、アグリゲーター ${aggregator} 経由では収集されません（collectors.aws.accounts で各アカウントを設定してください）`,
    en: `IAM credential report, account summary and password policy come from each account's IAM API, not through aggregator ${aggregator} (configure the accounts under collectors.aws.accounts)`,
  };
}

function malformedReason(message: string): Bilingual {
  return { ja: `IAM 認証情報レポートの形式が不正です（${message}）`, en: `the IAM credential report is malformed: ${message}` };
}

function failedReason(type: string, message: string): Bilingual {
  return { ja: `${type} を IAM から取得できませんでした（${message}）`, en: `${type} could not be read from IAM: ${message}` };
}

/**
 * GetCredentialReport's documented refusals when no usable report exists (IAM API reference, errors:
 * ReportNotPresent 410, ReportExpired 410 — older than four hours —, ReportInProgress 404), by the SDK's
 * exception names, which ScopeFailure prefixes: only these lead to GenerateCredentialReport.
 */
const NO_USABLE_REPORT = /^(CredentialReportNotPresentException|CredentialReportExpiredException|CredentialReportNotReadyException):/;

async function credentialReport(context: CollectContext, target: IdentityTarget): Promise<Resource[]> {
  // IAM reuses a report generated within the last four hours (GenerateCredentialReport API reference), so
  // when one exists GetCredentialReport alone reads the very report a Generate call would give: one call.
  try {
    return await readCredentialReport(context, target);
  } catch (error) {
    if (!NO_USABLE_REPORT.test(errorMessage(error))) throw error;
  }
  // None, expired or not ready: a new one is generated in the background.
  for (let poll = 1; ; poll++) {
    const answer = await target.call('GenerateCredentialReport', () => target.iam.send(new GenerateCredentialReportCommand({}), { abortSignal: context.signal }));
    if (answer.State === 'COMPLETE') break;
    if (answer.State !== 'STARTED' && answer.State !== 'INPROGRESS') throw new Error(`GenerateCredentialReport answered an unknown state '${String(answer.State)}'`);
    if (poll >= REPORT_MAX_POLLS) throw new Error(`the credential report was still ${answer.State} after ${REPORT_MAX_POLLS} polls (${(REPORT_MAX_POLLS * REPORT_POLL_MS) / 1000} s)`);
    await target.sleep(REPORT_POLL_MS, context.signal);
  }
  return readCredentialReport(context, target);
}

async function readCredentialReport(context: CollectContext, target: IdentityTarget): Promise<Resource[]> {
  const report = await target.call('GetCredentialReport', () => target.iam.send(new GetCredentialReportCommand({}), { abortSignal: context.signal }));
  if (report.ReportFormat !== undefined && report.ReportFormat !== 'text/csv') throw new MalformedReport(`ReportFormat is '${String(report.ReportFormat)}', expected text/csv`);
  if (!report.Content) throw new MalformedReport('GetCredentialReport returned no Content');
  if (!report.GeneratedTime || Number.isNaN(report.GeneratedTime.getTime())) throw new MalformedReport('GetCredentialReport returned no GeneratedTime');
  return parseCredentialReport(report.Content, report.GeneratedTime, target.account);
}

/** The configuration of `AWS::IAM::AccountSummary`. */
export interface AccountSummaryConfiguration {
  /** SummaryMap.AccountMFAEnabled: the root user has an MFA device. */
  readonly accountMfaEnabled: boolean;
  /** SummaryMap.AccountAccessKeysPresent: the root user has access keys. */
  readonly accountAccessKeysPresent: boolean;
  /** `virtual` when a virtual MFA device is assigned to the root user, `hardware` when MFA is on without one, else `none`. */
  readonly rootMfaDevice: 'virtual' | 'hardware' | 'none';
}

async function accountSummary(context: CollectContext, target: IdentityTarget): Promise<Resource[]> {
  const summary = await target.call('GetAccountSummary', () => target.iam.send(new GetAccountSummaryCommand({}), { abortSignal: context.signal }));
  const map = summary.SummaryMap ?? {};
  const flag = (key: 'AccountMFAEnabled' | 'AccountAccessKeysPresent'): boolean => {
    const value = map[key];
    if (value !== 0 && value !== 1) throw new MalformedReport(`GetAccountSummary's SummaryMap lacks ${key} (0 or 1), got ${String(value)}`);
    return value === 1;
  };
  const accountMfaEnabled = flag('AccountMFAEnabled');
  const accountAccessKeysPresent = flag('AccountAccessKeysPresent');
  // Without root MFA there is no device kind to tell apart: the virtual devices are not listed.
  if (!accountMfaEnabled) {
    const configuration: AccountSummaryConfiguration = { accountMfaEnabled, accountAccessKeysPresent, rootMfaDevice: 'none' };
    return [accountResource(context, target.account, ACCOUNT_SUMMARY_TYPE, 'account-summary', configuration as unknown as Record<string, unknown>)];
  }
  const devices: VirtualMFADevice[] = [];
  let marker: string | undefined;
  do {
    const from = marker;
    const page = await target.call('ListVirtualMFADevices', () =>
      target.iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned', MaxItems: MFA_PAGE_SIZE, ...(from ? { Marker: from } : {}) }), { abortSignal: context.signal }),
    );
    devices.push(...(page.VirtualMFADevices ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
    if (page.IsTruncated && !page.Marker) throw new MalformedReport('ListVirtualMFADevices is truncated without a Marker');
  } while (marker !== undefined);
  // The root user's virtual device is assigned to the account's root ARN (IAM User Guide, "Enable a virtual MFA device for the root user").
  const rootArn = new RegExp(`^arn:aws[a-z-]*:iam::${target.account}:root$`);
  const rootVirtual = devices.some((d) => rootArn.test(d.User?.Arn ?? '') || /:mfa\/root-account-mfa-device$/.test(d.SerialNumber ?? ''));
  const configuration: AccountSummaryConfiguration = { accountMfaEnabled, accountAccessKeysPresent, rootMfaDevice: rootVirtual ? 'virtual' : 'hardware' };
  return [accountResource(context, target.account, ACCOUNT_SUMMARY_TYPE, 'account-summary', configuration as unknown as Record<string, unknown>)];
}

/** The configuration of `AWS::IAM::PasswordPolicy`: `exists` false when the account has none (NoSuchEntity). */
export interface PasswordPolicyConfiguration {
  readonly exists: boolean;
  readonly minimumPasswordLength: number | null;
  readonly passwordReusePrevention: number | null;
  readonly expirePasswords: boolean;
  readonly maxPasswordAge: number | null;
  readonly requireSymbols: boolean;
  readonly requireNumbers: boolean;
  readonly requireUppercaseCharacters: boolean;
  readonly requireLowercaseCharacters: boolean;
}

async function passwordPolicy(context: CollectContext, target: IdentityTarget): Promise<Resource[]> {
  let policy: PasswordPolicy | undefined;
  try {
    const answer = await target.call('GetAccountPasswordPolicy', () => target.iam.send(new GetAccountPasswordPolicyCommand({}), { abortSignal: context.signal }));
    if (!answer.PasswordPolicy) throw new MalformedReport('GetAccountPasswordPolicy returned no PasswordPolicy');
    policy = answer.PasswordPolicy;
  } catch (error) {
    // API reference, GetAccountPasswordPolicy errors: NoSuchEntity (HTTP 404) when no policy is set.
    // The SDK names the wire code NoSuchEntity as NoSuchEntityException.
    if (!/^NoSuchEntity(Exception)?:/.test(errorMessage(error))) throw error;
  }
  const configuration: PasswordPolicyConfiguration = {
    exists: policy !== undefined,
    minimumPasswordLength: policy?.MinimumPasswordLength ?? null,
    passwordReusePrevention: policy?.PasswordReusePrevention ?? null,
    expirePasswords: policy?.ExpirePasswords ?? false,
    maxPasswordAge: policy?.MaxPasswordAge ?? null,
    requireSymbols: policy?.RequireSymbols ?? false,
    requireNumbers: policy?.RequireNumbers ?? false,
    requireUppercaseCharacters: policy?.RequireUppercaseCharacters ?? false,
    requireLowercaseCharacters: policy?.RequireLowercaseCharacters ?? false,
  };
  return [accountResource(context, target.account, PASSWORD_POLICY_TYPE, 'password-policy', configuration as unknown as Record<string, unknown>)];
}

function accountResource(context: CollectContext, account: string, type: string, name: string, configuration: Record<string, unknown>): Resource {
  return {
    provider: 'aws',
    account,
    region: GLOBAL_REGION,
    type,
    id: `${account}/${name}`,
    name,
    arn: `arn:aws:iam::${account}:root`,
    tags: {},
    configuration,
    supplementary: {},
    relationships: [],
    capturedAt: context.now().toISOString(),
  };
}
