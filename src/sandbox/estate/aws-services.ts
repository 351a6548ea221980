/**
 * What each sandbox account × region shows through the service APIs AWS Config does not cover
 * (aws-ec2.ts, aws-detection.ts): EBS snapshots and AMIs (some public), Amazon Inspector partly enabled,
 * Security Hub subscribed in some regions only. Deterministic from the account's and region's positions
 * in the estate, so tests can name what to expect; a region outside the estate has nothing and nothing on.
 */

export interface SandboxSnapshot {
  readonly id: string;
  readonly owner: string;
  readonly volumeId: string;
  readonly public: boolean;
}

export interface SandboxImage {
  readonly id: string;
  readonly owner: string;
  readonly name: string;
  readonly public: boolean;
}

export type InspectorState = 'ENABLED' | 'DISABLED';

export interface SandboxInspector {
  readonly status: InspectorState;
  readonly ec2: InspectorState;
  readonly ecr: InspectorState;
  readonly lambda: InspectorState;
  readonly lambdaCode: InspectorState;
}

/** Public snapshots of another owner (Amazon's, in every region): a caller asking without OwnerIds self sees them. */
export const FOREIGN_OWNER = '137112412989';

const hex17 = (...parts: readonly number[]): string => parts.map((p) => p.toString(16).padStart(5, '0')).join('').padStart(17, '0').slice(-17);

/** Snapshots visible in a region: each account's own (3 private; public ones where noted), and one foreign public one. */
export function snapshotsIn(accounts: readonly string[], regionIndex: number): SandboxSnapshot[] {
  if (regionIndex < 0) return [];
  const out: SandboxSnapshot[] = [];
  accounts.forEach((owner, a) => {
    // The first account's first region: 2 public; then one wherever (account + region) % 4 === 3.
    const publicCount = a === 0 && regionIndex === 0 ? 2 : (a + regionIndex) % 4 === 3 ? 1 : 0;
    for (let i = 0; i < 3 + publicCount; i++) {
      out.push({ id: `snap-${hex17(a, regionIndex, i)}`, owner, volumeId: `vol-${hex17(a, regionIndex, 100 + i)}`, public: i >= 3 });
    }
  });
  out.push({ id: `snap-${hex17(0xfffff, regionIndex, 0)}`, owner: FOREIGN_OWNER, volumeId: 'vol-ffffffff', public: true });
  return out;
}

/** AMIs visible in a region: each account owns 3; one of them is public where (account + region) % 3 === 1. */
export function imagesIn(accounts: readonly string[], regionIndex: number): SandboxImage[] {
  if (regionIndex < 0) return [];
  const out: SandboxImage[] = [];
  accounts.forEach((owner, a) => {
    for (let i = 0; i < 3; i++) out.push({ id: `ami-${hex17(a, regionIndex, i)}`, owner, name: `app-${a}-${regionIndex}-${i}`, public: i === 0 && (a + regionIndex) % 3 === 1 });
  });
  out.push({ id: `ami-${hex17(0xfffff, regionIndex, 0)}`, owner: FOREIGN_OWNER, name: 'amzn-public-image', public: true });
  return out;
}

/** Inspector: all scan types on where (account + region) % 3 === 0, EC2 and ECR only where 1, off where 2. */
export function inspectorIn(accountIndex: number, regionIndex: number): SandboxInspector {
  const mode = regionIndex < 0 ? 2 : (accountIndex + regionIndex) % 3;
  const on = (yes: boolean): InspectorState => (yes ? 'ENABLED' : 'DISABLED');
  return { status: on(mode !== 2), ec2: on(mode !== 2), ecr: on(mode !== 2), lambda: on(mode === 0), lambdaCode: 'DISABLED' };
}

/** Security Hub: subscribed where (account + region) is even. */
export function securityHubIn(accountIndex: number, regionIndex: number): boolean {
  return regionIndex >= 0 && (accountIndex + regionIndex) % 2 === 0;
}

export type FunctionUrlAuth = 'AWS_IAM' | 'NONE';

/** A function URL's CORS settings, as CreateFunctionUrlConfig takes them (Lambda API reference, Cors). */
export interface SandboxCors {
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders?: readonly string[];
  readonly maxAge?: number;
}

export interface SandboxFunction {
  readonly name: string;
  /** The function's URLs: `qualifier` undefined for the unqualified URL, else the alias's; `cors` undefined: none configured. */
  readonly urls: readonly { readonly qualifier?: string; readonly authType: FunctionUrlAuth; readonly cors?: SandboxCors }[];
}

/**
 * Lambda functions of an account in a region (aws-lambda.ts): 3 everywhere, 55 in the first account's first
 * region (more than one 50-item page). Function 0 has an IAM-authenticated URL, without CORS where (account +
 * region) % 3 === 0 and allowing one named origin elsewhere; where (account + region) % 3 === 1, function 1 has a
 * public URL (AuthType NONE) whose CORS allows every origin ("*") and its `live` alias another, IAM-authenticated,
 * without CORS. The first account's first region has no public URL. A region outside the estate has no functions.
 */
export function functionsIn(accountIndex: number, regionIndex: number): SandboxFunction[] {
  if (regionIndex < 0 || accountIndex < 0) return [];
  const count = accountIndex === 0 && regionIndex === 0 ? 55 : 3;
  const publicUrl = (accountIndex + regionIndex) % 3 === 1;
  const named: SandboxCors = { allowOrigins: ['https://portal.example.jp'], allowMethods: ['GET', 'POST'], allowHeaders: ['content-type'], maxAge: 300 };
  const everyOrigin: SandboxCors = { allowOrigins: ['*'], allowMethods: ['*'] };
  const first = (accountIndex + regionIndex) % 3 === 0 ? { authType: 'AWS_IAM' as const } : { authType: 'AWS_IAM' as const, cors: named };
  return Array.from({ length: count }, (_, i): SandboxFunction => ({
    name: `app-${accountIndex}-${regionIndex}-fn${String(i).padStart(2, '0')}`,
    urls: i === 0 ? [first] : i === 1 && publicUrl ? [{ authType: 'NONE', cors: everyOrigin }, { qualifier: 'live', authType: 'AWS_IAM' }] : [],
  }));
}
