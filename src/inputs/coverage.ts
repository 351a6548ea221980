/**
 * What offline input files cover, told from the files themselves (ARCHITECTURE.md "Coverage travels with
 * the data"): per account × region, the types they hold (or `all` for an AWS Config snapshot), the wanted
 * types they do not hold (a gap each, with why), whether items carry their side documents, how many items
 * could not be read even to their type, and when the data was captured: the latest capture time the files
 * carry (item capture / update times, a snapshot's delivery time, a ListAssets readTime), never the time
 * kansa read them. A scope whose files carry no time at all is stamped `now` and reported as untimed.
 */
import type { CollectionScope, CoverageGap, ProviderId } from '../model/resource.js';
import type { Bilingual } from '../model/text.js';

/** The kind of document a scope was read from: the gap reasons name it. */
export type SourceKind = 'snapshot' | 'select' | 'items' | 'arm' | 'cai';

interface Tally {
  readonly account: string;
  readonly region: string;
  all: boolean;
  readonly types: Set<string>;
  /** Types a complete source lists as not recorded (AWS `ResourceNotRecorded` items in a snapshot). */
  readonly notRecorded: Set<string>;
  capturedMs: number | undefined;
  unreadable: number;
  withoutSupplementary: boolean;
  readonly kinds: Set<SourceKind>;
  /** Files of this scope that are one page of a paged result: "file (token)". */
  readonly pages: string[];
}

/** Files whose unreadable items could not be placed in any scope: the CLI warns about them. */
export interface Unplaced {
  readonly file: string;
  readonly unreadable: number;
}

/** One provider's coverage over every file it read. */
export class CoverageBook {
  private readonly tallies = new Map<string, Tally>();
  private readonly unplaced: Unplaced[] = [];

  constructor(
    private readonly provider: ProviderId,
    /** The types the enabled controls of this provider read; undefined: not known, no absence gaps. */
    private readonly wanted: ReadonlySet<string> | undefined,
    /** Types kansa reads from live APIs that no input file of this kind holds, with why (AWS Config recorders). */
    private readonly neverInFiles: ReadonlyMap<string, Bilingual> = new Map(),
  ) {}

  /** A file's view, committed to the book at its end. */
  file(file: string, kind: SourceKind): FileCoverage {
    return new FileCoverage(this, file, kind);
  }

  /** @internal (FileCoverage) */
  tally(account: string, region: string): Tally {
    const key = `${account}\u0000${region}`;
    let tally = this.tallies.get(key);
    if (!tally) {
      tally = { account, region, all: false, types: new Set(), notRecorded: new Set(), capturedMs: undefined, unreadable: 0, withoutSupplementary: false, kinds: new Set(), pages: [] };
      this.tallies.set(key, tally);
    }
    return tally;
  }

  /** @internal (FileCoverage) */
  noteUnplaced(entry: Unplaced): void {
    this.unplaced.push(entry);
  }

  unplacedItems(): readonly Unplaced[] {
    return this.unplaced;
  }

  /** The scopes, `now` standing in for the capture time of scopes whose files carry none (see `untimed`). */
  scopes(now: Date): CollectionScope[] {
    return [...this.tallies.values()].map((t) => this.scopeOf(t, now));
  }

  /** Scopes (account/region) whose files carry no capture time at all. */
  untimed(): string[] {
    return [...this.tallies.values()].filter((t) => t.capturedMs === undefined).map((t) => `${this.provider} ${t.account}/${t.region}`);
  }

  private scopeOf(t: Tally, now: Date): CollectionScope {
    const types = t.all ? 'all' : [...t.types].sort();
    const gaps: CoverageGap[] = [];
    for (const type of [...t.notRecorded].sort()) {
      if (this.wanted && !this.wanted.has(type)) continue;
      gaps.push({ types: [type], reason: notRecordedReason(type) });
    }
    if (!t.all && this.wanted) {
      for (const type of [...this.wanted].sort()) {
        if (!t.types.has(type) && !t.notRecorded.has(type) && !this.neverInFiles.has(type)) gaps.push({ types: [type], reason: absentReason(this.provider, type, t.kinds) });
      }
    }
    // Even a complete snapshot cannot say this: the type comes from another API.
    for (const [type, reason] of this.neverInFiles) if (this.wanted?.has(type)) gaps.push({ types: [type], reason });
    if (t.pages.length > 0) {
      // One page of a paged result: the types it holds are only partly there.
      const partly = [...t.types].filter((type) => !this.wanted || this.wanted.has(type)).sort();
      if (partly.length > 0) gaps.push({ types: partly, reason: pageReason(t.pages) });
    }
    return {
      provider: this.provider,
      account: t.account,
      region: t.region,
      types,
      ...(gaps.length > 0 ? { gaps } : {}),
      ...(t.withoutSupplementary ? { supplementary: false } : {}),
      ...(t.unreadable > 0 ? { unreadable: t.unreadable } : {}),
      outcome: { status: 'ok', collectedAt: new Date(t.capturedMs ?? now.getTime()).toISOString() },
    };
  }
}

/** Parses an ISO 8601 time; undefined when absent or not a time. */
export function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** What one file says, kept apart until its end so that its unplaced unreadable items go to its own scopes. */
export class FileCoverage {
  private readonly scopes = new Set<Tally>();
  private fileTimeMs: number | undefined;
  private loose = 0;
  private page: string | undefined;
  /** Types the file holds anywhere: a query or a type-filtered export asked for them in every scope it reached. */
  private readonly types = new Set<string>();

  private complete = false;

  constructor(
    private readonly book: CoverageBook,
    private readonly file: string,
    private kind: SourceKind,
  ) {}

  private touch(account: string, region: string): Tally {
    const tally = this.book.tally(account, region);
    this.scopes.add(tally);
    return tally;
  }

  /**
   * The file is an AWS Config snapshot: AWS Config's complete record of every account × region it holds
   * (known only at its end when its `fileVersion` / `configSnapshotId` follow the items).
   */
  snapshot(): void {
    this.kind = 'snapshot';
    this.complete = true;
  }

  /** A scope the file names without items of a known type (a deleted item, a snapshot's S3 key). */
  scope(account: string, region: string, capturedAt?: string): void {
    this.time(this.touch(account, region), capturedAt);
  }

  /** An item read to its type (well formed or malformed). */
  item(account: string, region: string, type: string, capturedAt: string | undefined, options: { withoutSupplementary?: boolean } = {}): void {
    const tally = this.touch(account, region);
    tally.types.add(type);
    this.types.add(type);
    if (options.withoutSupplementary) tally.withoutSupplementary = true;
    this.time(tally, capturedAt);
  }

  /** A type the source lists as not recorded in this scope. */
  notRecorded(account: string, region: string, type: string, capturedAt?: string): void {
    const tally = this.touch(account, region);
    tally.notRecorded.add(type);
    this.time(tally, capturedAt);
  }

  /** An item that could not be read to its type: counted in its scope when known, else in every scope of the file. */
  unreadable(account?: string, region?: string): void {
    if (account) this.touch(account, region ?? '').unreadable++;
    else this.loose++;
  }

  /** When the file as a whole was captured (a snapshot's delivery time, a ListAssets readTime). */
  capturedAt(value: string | number | undefined): void {
    const ms = typeof value === 'number' ? value : timeOf(value);
    if (ms !== undefined && (this.fileTimeMs === undefined || ms > this.fileTimeMs)) this.fileTimeMs = ms;
  }

  /** The file is one page of a paged result (its continuation token is set). */
  paged(token: string): void {
    this.page = token;
  }

  end(): void {
    for (const tally of this.scopes) {
      tally.kinds.add(this.kind);
      if (this.complete) tally.all = true;
      for (const type of this.types) tally.types.add(type);
      if (this.fileTimeMs !== undefined) this.time(tally, this.fileTimeMs);
      tally.unreadable += this.loose;
      if (this.page !== undefined) tally.pages.push(`${this.file} (${this.page})`);
    }
    if (this.loose > 0 && this.scopes.size === 0) this.book.noteUnplaced({ file: this.file, unreadable: this.loose });
  }

  private time(tally: Tally, value: string | number | undefined): void {
    const ms = typeof value === 'number' ? value : timeOf(value);
    if (ms !== undefined && (tally.capturedMs === undefined || ms > tally.capturedMs)) tally.capturedMs = ms;
  }
}

const SOURCE_WORDS: Readonly<Record<SourceKind, Bilingual>> = {
  snapshot: { ja: 'AWS Config スナップショットは記録されたタイプしか含みません', en: 'an AWS Config snapshot holds only the recorded types' },
  select: { ja: 'Select（高度なクエリ）の結果は含まれるタイプしか対象にしません', en: 'a Select result covers only the types it contains' },
  items: { ja: '構成項目のリストは含まれるタイプしか対象にしません', en: 'a list of configuration items covers only the types it contains' },
  arm: { ja: 'ARM / Resource Graph のエクスポートは含まれるタイプしか対象にしません', en: 'an ARM or Resource Graph export covers only the types it contains' },
  cai: { ja: 'Cloud Asset のエクスポートは含まれるアセットタイプしか対象にしません', en: 'a Cloud Asset export covers only the asset types it contains' },
};

const WHERE: Readonly<Record<ProviderId, Bilingual>> = {
  aws: { ja: 'このアカウント・リージョン', en: 'this account and region' },
  azure: { ja: 'このサブスクリプション', en: 'this subscription' },
  gcp: { ja: 'このプロジェクト', en: 'this project' },
};

function absentReason(provider: ProviderId, type: string, kinds: ReadonlySet<SourceKind>): Bilingual {
  const [kind] = kinds;
  const why: Bilingual = kinds.size === 1 && kind ? SOURCE_WORDS[kind] : { ja: '入力ファイルは含まれるタイプしか対象にしません', en: 'input files cover only the types they contain' };
  const noun = provider === 'gcp' ? { ja: 'アセット', en: 'assets' } : provider === 'azure' ? { ja: 'リソース', en: 'resources' } : { ja: '項目', en: 'items' };
  return {
    ja: `入力には${WHERE[provider].ja}の ${type} の${noun.ja}がありません。${why.ja}`,
    en: `the input holds no ${type} ${noun.en} for ${WHERE[provider].en}; ${why.en}`,
  };
}

function notRecordedReason(type: string): Bilingual {
  return {
    ja: `AWS Config はこのアカウント・リージョンで ${type} を記録していません（スナップショットにある ${type} の項目は ResourceNotRecorded です）`,
    en: `AWS Config does not record ${type} in this account and region (the snapshot lists its ${type} items as ResourceNotRecorded)`,
  };
}

function pageReason(pages: readonly string[]): Bilingual {
  const list = pages.join(', ');
  return {
    ja: `${list} はページ分割された結果の 1 ページだけです。続きのページにあるリソースは読まれていません`,
    en: `${list} is one page of a paged result: resources on the following pages were not read`,
  };
}
