/**
 * What a collector declares about the cloud permissions it needs: every API operation it can call
 * (named as in `kansa_collector_api_requests_total{operation}`), the read-only actions each needs, and
 * when. Role definitions are generated from these declarations plus the resource types the enabled
 * controls read, so the permissions follow the same declaration as the collection (ARCHITECTURE.md,
 * style rule 2). Declarations are plain data next to each collector (collectors/<provider>/permissions.ts).
 */
import type { ProviderId } from '../model/resource.js';

export interface OperationDeclaration {
  /** The API operation as the collector names it in metrics (and the sandbox in its call log). */
  readonly operation: string;
  /** IAM actions (AWS), RBAC actions (Azure) or permissions (GCP) the call needs. */
  readonly actions: readonly string[];
  /** Why the collector calls it (shown by `kansa permissions --format table`). */
  readonly reason: string;
  /** Needed only in these collection modes (see `modesOf`); absent: in every mode. */
  readonly modes?: readonly string[];
  /** Needed only when an enabled control reads a resource type matching this regular expression. */
  readonly forTypesMatching?: string;
  /**
   * Microsoft Graph application permissions the call needs (admin-consented on kansa's app registration):
   * not RBAC actions, so never part of the Azure role document; listed beside it.
   */
  readonly graphPermissions?: readonly string[];
}

export interface PermissionDeclaration {
  readonly provider: ProviderId;
  /** The collector's `name` (metrics label). */
  readonly collector: string;
  readonly operations: readonly OperationDeclaration[];
  /**
   * Actions every enabled resource type needs besides the operations', with `{type}` replaced by the
   * type (Azure: RBAC filters Resource Graph rows and ARM reads by `<type>/read`). `stripTypeSuffix`
   * removes kansa's pseudo-type suffixes (e.g. `#iamPolicy`) first; types matching `skipTypesMatching` need
   * no such action (Azure: Microsoft Graph's types, authorized by Graph permissions instead).
   */
  readonly perResourceType?: { readonly actions: readonly string[]; readonly stripTypeSuffix?: string; readonly skipTypesMatching?: string };
}

/** The shape every generated action must have: only reads, never a wildcard. */
export const READ_ONLY_ACTION: Readonly<Record<ProviderId, RegExp>> = {
  aws: /^[a-z0-9-]+:(Describe|Get|List|Select|BatchGet)[A-Za-z0-9]*$/,
  azure: /^Microsoft\.[A-Za-z]+(\/[A-Za-z]+)+\/read$/,
  gcp: /^[a-z]+\.[a-zA-Z]+\.(get|list|search)[A-Za-z]*$/,
};

/**
 * Actions that do not start with a read verb yet change nothing: iam:GenerateCredentialReport only starts
 * the account's credential report (IAM API reference), which iam:GetCredentialReport then reads.
 */
const READ_ONLY_EXCEPTIONS: ReadonlySet<string> = new Set(['iam:GenerateCredentialReport']);

export function isReadOnlyAction(provider: ProviderId, action: string): boolean {
  return READ_ONLY_ACTION[provider].test(action) || (provider === 'aws' && READ_ONLY_EXCEPTIONS.has(action));
}
