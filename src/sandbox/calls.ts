/** The sandbox's call log: every request any provider handler saw, including rejected and unknown ones. */

/** The clouds the sandbox serves (the sandbox keeps its own name for them: it knows no engine type). */
export type SandboxCloud = 'aws' | 'azure' | 'gcp';

export interface CallRecord {
  /** `s3`: the sandbox S3 serving the evidence store (src/sandbox/s3.ts), not a cloud collector. */
  readonly provider: SandboxCloud | 's3';
  readonly operation: string;
  /** The caller (AWS account id), or '' when the request carried no usable identity. */
  readonly account: string;
  readonly region: string;
  /** HTTP status of the response. */
  readonly status: number;
  /** Error code when the call failed (`ThrottlingException`, …). */
  readonly error?: string;
}

export interface CallSummary {
  readonly total: number;
  readonly byOperation: Readonly<Record<string, number>>;
  readonly byStatus: Readonly<Record<string, number>>;
  /** The most recent calls, oldest first (bounded: see CallLog). */
  readonly list: readonly CallRecord[];
}

/** Operations that only read: anything else reaching the sandbox is a write the agent must never make. */
// IAM GenerateCredentialReport only starts the account's report (IAM API reference): it changes no configuration.
const READ_ONLY_OPERATION = /^((Select|BatchGet|Describe|Get|List)[A-Z]|GenerateCredentialReport$)/;

export function isReadOnlyOperation(operation: string): boolean {
  return READ_ONLY_OPERATION.test(operation);
}

export class CallLog {
  private records: CallRecord[] = [];
  private total = 0;
  private byOperation = new Map<string, number>();
  private byStatus = new Map<string, number>();
  private writes = new Set<string>();
  /** Client connections (address:port) each cloud's listener has seen, since the last reset. */
  private peers = new Map<SandboxCloud, Set<string>>();

  /** `listLimit` bounds memory for long runs; counts stay exact beyond it. */
  constructor(private readonly listLimit = 200_000) {}

  record(call: CallRecord): void {
    this.total++;
    this.byOperation.set(call.operation, (this.byOperation.get(call.operation) ?? 0) + 1);
    this.byStatus.set(String(call.status), (this.byStatus.get(String(call.status)) ?? 0) + 1);
    // The evidence store's S3 writes are its job; writeOperations() is about the cloud collectors.
    if (call.provider !== 's3' && !isReadOnlyOperation(call.operation)) this.writes.add(call.operation);
    this.records.push(call);
    if (this.records.length > this.listLimit) this.records = this.records.slice(-Math.floor(this.listLimit / 2));
  }

  summary(): CallSummary {
    return {
      total: this.total,
      byOperation: Object.fromEntries(this.byOperation),
      byStatus: Object.fromEntries(this.byStatus),
      list: [...this.records],
    };
  }

  /** A client connection reached a cloud's listener (for gRPC: a call arrived from this peer). */
  connected(cloud: SandboxCloud, peer: string): void {
    let seen = this.peers.get(cloud);
    if (!seen) this.peers.set(cloud, (seen = new Set()));
    seen.add(peer);
  }

  /** How many distinct client connections each cloud's listener has seen since the last reset. */
  connections(): Record<SandboxCloud, number> {
    return { aws: this.peers.get('aws')?.size ?? 0, azure: this.peers.get('azure')?.size ?? 0, gcp: this.peers.get('gcp')?.size ?? 0 };
  }

  /** Operations called that are not read-only, in first-seen order. */
  writeOperations(): string[] {
    return [...this.writes];
  }

  reset(): void {
    this.records = [];
    this.total = 0;
    this.byOperation = new Map();
    this.byStatus = new Map();
    this.writes = new Set();
    this.peers = new Map();
  }
}
