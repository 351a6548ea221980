/**
 * The IAM identities of the sandbox's AWS accounts: credential report rows, the account summary's root
 * flags, assigned virtual MFA devices and the password policy. Three fixed account shapes, chosen by the
 * account's position in the estate, so every identity control meets a compliant and a non-compliant case:
 *
 * - shape 0 (the management account): root with hardware MFA, no root keys, not used lately; a console
 *   user with MFA and fresh keys, a machine user with a recently rotated key; a CIS-grade password policy.
 * - shape 1: root with a virtual MFA device, an active root access key and a console sign-in hours before
 *   the report; a console user without MFA unused for 120 days; a machine user whose key is 400 days old
 *   and unused for 200; a console user who never signed in; a weak password policy.
 * - shape 2: root without MFA; a console user with MFA whose key is 100 days old; no password policy.
 *
 * Dates are relative to the report's generation time, so ages are the same whatever the wall clock says.
 */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** One credential report row; dates are offsets before the report's generation, null for N/A. */
export interface SandboxIdentityUser {
  readonly user: string;
  readonly createdDaysAgo: number;
  /** null: no console password. */
  readonly password: { readonly lastUsedMsAgo: number | null | 'no_information'; readonly changedDaysAgo: number } | null;
  readonly mfa: boolean;
  /** A virtual MFA device (else hardware when `mfa`). */
  readonly virtualMfa?: boolean;
  readonly keys: readonly { readonly active: boolean; readonly rotatedDaysAgo: number; readonly lastUsedMsAgo: number | null; readonly service?: string; readonly region?: string }[];
}

export interface SandboxPasswordPolicy {
  readonly MinimumPasswordLength: number;
  readonly RequireSymbols: boolean;
  readonly RequireNumbers: boolean;
  readonly RequireUppercaseCharacters: boolean;
  readonly RequireLowercaseCharacters: boolean;
  readonly AllowUsersToChangePassword: boolean;
  readonly ExpirePasswords: boolean;
  readonly MaxPasswordAge?: number;
  readonly PasswordReusePrevention?: number;
  readonly HardExpiry?: boolean;
}

export interface SandboxIdentity {
  /** The root user first, as `<root_account>`. */
  readonly users: readonly SandboxIdentityUser[];
  readonly passwordPolicy?: SandboxPasswordPolicy;
}

export const ROOT = '<root_account>';

const SHAPES: readonly SandboxIdentity[] = [
  {
    users: [
      { user: ROOT, createdDaysAgo: 900, password: { lastUsedMsAgo: 200 * DAY_MS, changedDaysAgo: 900 }, mfa: true, keys: [] },
      {
        user: 'alice',
        createdDaysAgo: 400,
        password: { lastUsedMsAgo: 2 * DAY_MS, changedDaysAgo: 30 },
        mfa: true,
        virtualMfa: true,
        keys: [{ active: true, rotatedDaysAgo: 30, lastUsedMsAgo: DAY_MS, service: 's3', region: 'ap-northeast-1' }],
      },
      {
        user: 'deploy-bot',
        createdDaysAgo: 300,
        password: null,
        mfa: false,
        keys: [
          { active: true, rotatedDaysAgo: 45, lastUsedMsAgo: 3 * HOUR_MS, service: 'cloudformation', region: 'ap-northeast-1' },
          { active: false, rotatedDaysAgo: 400, lastUsedMsAgo: null },
        ],
      },
    ],
    passwordPolicy: {
      MinimumPasswordLength: 14,
      RequireSymbols: true,
      RequireNumbers: true,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      AllowUsersToChangePassword: true,
      ExpirePasswords: true,
      MaxPasswordAge: 90,
      PasswordReusePrevention: 24,
      HardExpiry: false,
    },
  },
  {
    users: [
      {
        user: ROOT,
        createdDaysAgo: 800,
        password: { lastUsedMsAgo: 5 * HOUR_MS, changedDaysAgo: 800 },
        mfa: true,
        virtualMfa: true,
        keys: [{ active: true, rotatedDaysAgo: 500, lastUsedMsAgo: 10 * DAY_MS, service: 'iam', region: 'us-east-1' }],
      },
      { user: 'bob', createdDaysAgo: 600, password: { lastUsedMsAgo: 120 * DAY_MS, changedDaysAgo: 600 }, mfa: false, keys: [] },
      {
        user: 'ci-legacy',
        createdDaysAgo: 700,
        password: null,
        mfa: false,
        keys: [{ active: true, rotatedDaysAgo: 400, lastUsedMsAgo: 200 * DAY_MS, service: 'ec2', region: 'ap-northeast-3' }],
      },
      { user: 'dora', createdDaysAgo: 100, password: { lastUsedMsAgo: null, changedDaysAgo: 100 }, mfa: true, virtualMfa: true, keys: [] },
    ],
    passwordPolicy: {
      MinimumPasswordLength: 8,
      RequireSymbols: false,
      RequireNumbers: false,
      RequireUppercaseCharacters: false,
      RequireLowercaseCharacters: false,
      AllowUsersToChangePassword: true,
      ExpirePasswords: false,
    },
  },
  {
    users: [
      { user: ROOT, createdDaysAgo: 1000, password: { lastUsedMsAgo: 'no_information', changedDaysAgo: 1000 }, mfa: false, keys: [] },
      {
        user: 'carol',
        createdDaysAgo: 365,
        password: { lastUsedMsAgo: 10 * DAY_MS, changedDaysAgo: 60 },
        mfa: true,
        keys: [{ active: true, rotatedDaysAgo: 100, lastUsedMsAgo: DAY_MS, service: 'sts', region: 'us-east-1' }],
      },
    ],
  },
];

/** The identity of the estate's `index`-th account. */
export function sandboxIdentity(index: number): SandboxIdentity {
  return SHAPES[index % SHAPES.length]!;
}

function userArn(account: string, user: string): string {
  return user === ROOT ? `arn:aws:iam::${account}:root` : `arn:aws:iam::${account}:user/${user}`;
}

/**
 * The credential report as IAM writes it (IAM User Guide, "Generate credential reports for your AWS
 * account": the CSV columns, TRUE/FALSE, ISO 8601 dates, N/A, no_information, not_supported for root).
 */
export function credentialReportCsv(account: string, identity: SandboxIdentity, generatedAt: Date): string {
  const at = (msAgo: number): string => new Date(generatedAt.getTime() - msAgo).toISOString().replace(/\.\d{3}Z$/, '+00:00');
  const bool = (value: boolean): string => (value ? 'true' : 'false');
  const header = [
    'user', 'arn', 'user_creation_time', 'password_enabled', 'password_last_used', 'password_last_changed', 'password_next_rotation', 'mfa_active',
    'access_key_1_active', 'access_key_1_last_rotated', 'access_key_1_last_used_date', 'access_key_1_last_used_region', 'access_key_1_last_used_service',
    'access_key_2_active', 'access_key_2_last_rotated', 'access_key_2_last_used_date', 'access_key_2_last_used_region', 'access_key_2_last_used_service',
    'cert_1_active', 'cert_1_last_rotated', 'cert_2_active', 'cert_2_last_rotated',
  ];
  const maxAge = identity.passwordPolicy?.ExpirePasswords ? identity.passwordPolicy.MaxPasswordAge : undefined;
  const rows = identity.users.map((u) => {
    const root = u.user === ROOT;
    const password = u.password;
    const lastUsed = password === null ? 'N/A' : password.lastUsedMsAgo === null ? 'N/A' : password.lastUsedMsAgo === 'no_information' ? 'no_information' : at(password.lastUsedMsAgo);
    const keyCells = [0, 1].flatMap((slot) => {
      const key = u.keys[slot];
      if (!key) return ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
      const used = key.lastUsedMsAgo === null ? null : at(key.lastUsedMsAgo);
      return [bool(key.active), at(key.rotatedDaysAgo * DAY_MS), used ?? 'N/A', used ? (key.region ?? 'N/A') : 'N/A', used ? (key.service ?? 'N/A') : 'N/A'];
    });
    return [
      u.user,
      userArn(account, u.user),
      at(u.createdDaysAgo * DAY_MS),
      root ? 'not_supported' : bool(password !== null),
      lastUsed,
      root ? 'not_supported' : password === null ? 'N/A' : at(password.changedDaysAgo * DAY_MS),
      root ? 'not_supported' : password !== null && maxAge !== undefined ? at((password.changedDaysAgo - maxAge) * DAY_MS) : 'N/A',
      bool(u.mfa),
      ...keyCells,
      'false', 'N/A', 'false', 'N/A',
    ];
  });
  return [header, ...rows].map((r) => r.join(',')).join('\n') + '\n';
}

/** GetAccountSummary's root flags (API reference: AccountMFAEnabled, AccountAccessKeysPresent) and counts. */
export function accountSummaryMap(identity: SandboxIdentity): Record<string, number> {
  const root = identity.users.find((u) => u.user === ROOT)!;
  const users = identity.users.filter((u) => u.user !== ROOT);
  return {
    AccountMFAEnabled: root.mfa ? 1 : 0,
    AccountAccessKeysPresent: root.keys.length > 0 ? 1 : 0,
    AccountSigningCertificatesPresent: 0,
    Users: users.length,
    UsersQuota: 5000,
    MFADevices: identity.users.filter((u) => u.mfa).length,
    MFADevicesInUse: identity.users.filter((u) => u.mfa).length,
    Groups: 0,
    Roles: 1,
    Policies: 0,
  };
}

/** The assigned virtual MFA devices: the root's serial is `mfa/root-account-mfa-device`, a user's `mfa/<user>`. */
export function virtualMfaDevices(account: string, identity: SandboxIdentity): { serial: string; user: string; arn: string; userId: string }[] {
  return identity.users
    .filter((u) => u.mfa && u.virtualMfa)
    .map((u) => ({
      serial: `arn:aws:iam::${account}:mfa/${u.user === ROOT ? 'root-account-mfa-device' : u.user}`,
      user: u.user,
      arn: userArn(account, u.user),
      userId: u.user === ROOT ? account : `AIDASANDBOX${u.user.toUpperCase().replace(/[^A-Z]/g, '')}`,
    }));
}
