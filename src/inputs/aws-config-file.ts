/**
 * Offline inputs: AWS Config exports read from files, streamed item by item. Detects (or is told) the format:
 * - `snapshot`: the configuration snapshot AWS Config delivers to S3 (`{"fileVersion","configSnapshotId","configurationItems":[…]}`),
 *   plain or gzip-compressed. A snapshot is AWS Config's complete record of the recorded types of one
 *   account × region: its scopes cover `all` types, except those it lists as `ResourceNotRecorded`.
 * - `json`: a JSON array of configuration items (snapshot/event shape or API shape), or an API response
 *   (`BatchGetResourceConfig` `baseConfigurationItems`, `SelectResourceConfig` `Results`,
 *   `GetResourceConfigHistory` `configurationItems` without the snapshot's own fields), or one change notification.
 * - `jsonl`: one configuration item per line.
 * Lists and Select results cover only the types they contain; Select rows never vouch for supplementary
 * configuration (the query may have named only part of it). Every scope is dated by the capture times the file carries, never by when it was read.
 */
import { basename } from 'node:path';
import { normalizeConfigItem } from '../../collectors/aws/normalize.js';
import { CONFIG_RECORDER_TYPE } from '../../collectors/aws/coverage.js';
import { IAM_IDENTITY_TYPES, TRAIL_STATUS_TYPE } from '../../collectors/aws/identity-types.js';
import { MONITORING_TYPES } from '../../collectors/aws/monitoring-types.js';
import { REGIONAL_DIRECT_TYPES } from '../../collectors/aws/regional-types.js';
import { InputError } from '../errors.js';
import { GLOBAL_REGION, type CollectionScope, type Resource } from '../model/resource.js';
import type { Bilingual } from '../model/text.js';
import { CoverageBook, type FileCoverage, type Unplaced } from './coverage.js';
import { ARRAY, LINES, NonObjects, finalDocument, headOf, isObject, pageToken, type Head, type ItemSink, type ProviderInputs, type Streamed } from './items.js';
import { JsonItemStream, type Container, type DocumentShape } from './json-stream.js';
import { inputLimits, textChunksSync, type InputLimits } from './text.js';

export const INPUT_FORMATS = ['snapshot', 'json', 'jsonl'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export interface OfflineInventory {
  readonly resources: Resource[];
  readonly coverage: CollectionScope[];
  readonly skipped: number;
  /** Scopes whose files carry no capture time (stamped with the evaluation time instead). */
  readonly untimed: readonly string[];
  /** Files with unreadable items that could not be placed in any scope. */
  readonly unplaced: readonly Unplaced[];
}

/** Where an AWS document's items are: the streamed array (`rows`: Select results, JSON strings) or the document itself. */
interface Plan {
  readonly format: InputFormat;
  readonly streamed?: Streamed;
  readonly rows?: boolean;
  readonly whole?: (document: Record<string, unknown>) => unknown[];
}

/** A snapshot announces itself by its own fields (a GetResourceConfigHistory response has `configurationItems` only). */
const isSnapshotDocument = (document: Record<string, unknown>): boolean => 'fileVersion' in document || 'configSnapshotId' in document;

function planOf(file: string, head: Head, format: InputFormat | undefined): Plan {
  const { document } = head;
  if (head.streamed === LINES) {
    if (format === 'snapshot') throw new InputError(file, '', 'expected a snapshot object with "configurationItems", found JSON Lines');
    return { format: 'jsonl', streamed: LINES };
  }
  if (Array.isArray(document)) {
    if (format === 'snapshot') throw new InputError(file, '', 'expected a snapshot object with "configurationItems", found an array');
    return { format: 'json', streamed: ARRAY };
  }
  if (!isObject(document)) throw new InputError(file, '', 'expected a JSON object or array of configuration items');
  const member = (key: string, what = 'expected an array'): string => {
    if (!Array.isArray(document[key])) throw new InputError(file, key, what);
    return key;
  };
  if ('configurationItems' in document) return { format: format ?? (isSnapshotDocument(document) ? 'snapshot' : 'json'), streamed: member('configurationItems') };
  if (format === 'snapshot') throw new InputError(file, 'configurationItems', 'missing: not an AWS Config snapshot');
  if ('baseConfigurationItems' in document) return { format: 'json', streamed: member('baseConfigurationItems') };
  if ('Results' in document) return { format: 'json', streamed: member('Results', 'expected an array of JSON strings'), rows: true };
  if ('configurationItem' in document) return { format: 'json', whole: (doc) => [doc.configurationItem] };
  if ('resourceType' in document) return { format: 'json', whole: (doc) => [doc] };
  throw new InputError(file, '', 'unrecognised document: expected a snapshot ("configurationItems"), an array of items, "baseConfigurationItems", "Results" or "configurationItem"');
}

/**
 * The S3 object key AWS Config gives a snapshot, `{account}_Config_{region}_ConfigSnapshot_{yyyymmddThhmmssZ}_{snapshotId}.json.gz`
 * (docs.aws.amazon.com/config/latest/developerguide/example-configuration-snapshot-notification.html): the
 * account × region the snapshot covers, even when it holds no item, and when it was delivered.
 */
const SNAPSHOT_KEY = /^(\d{12})_Config_([a-z0-9-]+)_ConfigSnapshot_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z_([0-9A-Za-z-]+)\.json(?:\.gz)?$/;

export interface SnapshotKey {
  readonly account: string;
  readonly region: string;
  readonly deliveredAt: string;
  readonly snapshotId: string;
}

export function snapshotKeyOf(file: string): SnapshotKey | undefined {
  const m = SNAPSHOT_KEY.exec(basename(file));
  if (!m) return undefined;
  const [, account, region, y, mo, d, h, mi, se, snapshotId] = m as unknown as [string, string, string, string, string, string, string, string, string, string];
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se));
  return Number.isNaN(ms) ? undefined : { account, region, deliveredAt: new Date(ms).toISOString(), snapshotId };
}

/** A Select row: its JSON, or undefined when it does not parse (counted as unreadable, not turned into an item). */
function parseRow(row: string): unknown {
  try {
    return JSON.parse(row) as unknown;
  } catch {
    return undefined;
  }
}

/** Deleted items are history (their type was exported); not-recorded ones say AWS Config does not record their type. */
const NOT_RECORDED = new Set(['ResourceNotRecorded', 'ResourceDeletedNotRecorded']);

const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

/** AWS Config files: resources as they are read, coverage per account × region, deleted items skipped. */
export class AwsInputs implements ProviderInputs {
  private readonly book: CoverageBook;
  skipped = 0;

  constructor(
    private readonly format: InputFormat | undefined,
    private readonly now: Date,
    /** The AWS types the enabled controls read: those a list lacks become gaps. */
    wanted?: ReadonlySet<string>,
  ) {
    this.book = new CoverageBook('aws', wanted, RECORDERS_NOT_IN_FILES);
  }

  open(head: Head, emit: (resource: Resource) => void): ItemSink {
    const { file } = head;
    const plan = planOf(file, head, this.format);
    const fromStream = plan.streamed !== undefined && plan.streamed === head.streamed;
    const nonObjects = new NonObjects();
    const cover: FileCoverage = this.book.file(file, plan.rows ? 'select' : 'items');
    const take = (item: unknown): void => this.take(item, cover, plan, emit);
    return {
      item: (value, line, column) => {
        if (!fromStream) return;
        if (plan.rows && typeof value === 'string') {
          const row = parseRow(value);
          if (row === undefined) cover.unreadable();
          else take(row);
        } else if (isObject(value)) take(value);
        else nonObjects.note(value, line, column);
      },
      end: (shape: DocumentShape) => {
        const document = finalDocument(shape);
        if (plan.whole) {
          const again = planOf(file, { ...head, document }, this.format);
          for (const item of (again.whole ?? plan.whole)(document as Record<string, unknown>)) {
            if (isObject(item)) take(item);
            else nonObjects.note(item, 1, 1);
          }
        }
        nonObjects.check(file);
        if (isObject(document)) {
          const snapshot = plan.streamed === 'configurationItems' && (this.format === 'snapshot' || (this.format === undefined && isSnapshotDocument(document)));
          if (snapshot) {
            cover.snapshot();
            const key = snapshotKeyOf(file);
            // The key's id must be this snapshot's: a renamed file's key says nothing about its content.
            if (key && (document.configSnapshotId === undefined || document.configSnapshotId === key.snapshotId)) {
              cover.scope(key.account, key.region);
              cover.capturedAt(key.deliveredAt);
            }
          }
          const token = pageToken(document, ['NextToken', 'nextToken']);
          if (token) cover.paged(token);
        }
        cover.end();
      },
    };
  }

  private take(item: unknown, cover: FileCoverage, plan: Plan, emit: (resource: Resource) => void): void {
    const raw = isObject(item) ? item : {};
    const account = text(raw.awsAccountId ?? raw.accountId);
    const region = text(raw.awsRegion) || GLOBAL_REGION;
    const type = text(raw.resourceType);
    const capturedAt = text(raw.configurationItemCaptureTime) || undefined;
    const outcome = normalizeConfigItem(item, this.now);
    if (outcome.kind === 'skipped') {
      this.skipped++;
      if (!account) return;
      if (type && NOT_RECORDED.has(text(raw.configurationItemStatus))) cover.notRecorded(account, region, type, capturedAt);
      else if (type) cover.item(account, region, type, capturedAt);
      else cover.scope(account, region, capturedAt);
      return;
    }
    const r = outcome.resource;
    // Not even its type (or its account) is readable: no control could be told about it, so its scope says so.
    if (!r.type || !r.account) {
      cover.unreadable(r.account || undefined, r.region);
      return;
    }
    // Select rows carry only the fields the query named (`supplementaryConfiguration.BucketPolicy` alone leaves the
    // encryption out), so an exported row never vouches for supplementary configuration.
    const withoutSupplementary = plan.rows === true || (!isObject(raw.supplementaryConfiguration) && typeof raw.supplementaryConfiguration !== 'string');
    cover.item(r.account, r.region, r.type, capturedAt, { withoutSupplementary });
    // Controls that read supplementary documents are unknown for it: an absent document proves nothing here.
    emit(withoutSupplementary ? { ...r, withoutSupplementary: true } : r);
  }

  coverage(): CollectionScope[] {
    return this.book.scopes(this.now);
  }

  untimed(): string[] {
    return this.book.untimed();
  }

  unplaced(): readonly Unplaced[] {
    return this.book.unplacedItems();
  }
}

/** Keys of top-level members whose array is streamed item by item. */
export const STREAM_KEYS: ReadonlySet<string> = new Set(['configurationItems', 'baseConfigurationItems', 'Results', 'value', 'data', 'assets']);

/**
 * Reads one file through a provider's inputs, synchronously (small files: fixtures, tests). The streaming
 * path for `kansa evaluate` is `streamInputFiles` (detect.ts).
 */
export function readFileSyncWith(file: string, inputs: ProviderInputs, lines: boolean, emit: (resource: Resource) => void, limits: InputLimits = inputLimits()): void {
  let sink: ItemSink | undefined;
  let container: Container | undefined;
  const stream = new JsonItemStream(
    file,
    {
      container: (c) => void (container = c),
      item: (value, line, column) => (sink ??= inputs.open(headOf(file, container!, { value }), emit)).item(value, line, column),
      end: (shape) => (sink ??= inputs.open(headOf(file, shape, undefined), emit)).end(shape),
    },
    { streamKeys: STREAM_KEYS, lines, maxItemChars: limits.maxItemChars },
  );
  for (const chunk of textChunksSync(file, limits)) stream.write(chunk);
  stream.end();
}

/** AWS Config files read whole into memory (small inputs: fixtures, tests; `kansa evaluate` streams instead). */
/**
 * AWS Config files hold configuration items, never the recorders' own state nor the IAM identity data
 * (credential report, account summary, password policy), nor CloudWatch Logs log groups, metric filters
 * and the alarms DescribeAlarms returns, nor the regional service data (public snapshots and AMIs, Inspector
 * and Security Hub status), which kansa reads live: even a complete snapshot leaves them unknown, never
 * vacuously compliant.
 */
const RECORDERS_NOT_IN_FILES: ReadonlyMap<string, Bilingual> = new Map([
  [
    CONFIG_RECORDER_TYPE,
    {
      ja: `AWS Config のファイルには記録の設定・状態（${CONFIG_RECORDER_TYPE}）が含まれません。DescribeConfigurationRecorders で確認するにはライブ収集を使ってください`,
      en: `AWS Config files do not hold the recorders' settings and status (${CONFIG_RECORDER_TYPE}); live collection reads them with DescribeConfigurationRecorders`,
    },
  ],
  ...[...IAM_IDENTITY_TYPES].map((type): [string, Bilingual] => [
    type,
    {
      ja: `AWS Config のファイルには IAM の認証情報レポート等（${type}）が含まれません。IAM API から読み取るライブ収集を使ってください`,
      en: `AWS Config files do not hold ${type}; live collection reads it from each account's IAM API`,
    },
  ]),
  [
    TRAIL_STATUS_TYPE,
    {
      ja: `AWS Config のファイルには CloudTrail 証跡のログ記録状態とイベントセレクター（${TRAIL_STATUS_TYPE}）が含まれません。CloudTrail API から読み取るライブ収集を使ってください`,
      en: `AWS Config files do not hold trail logging status and event selectors (${TRAIL_STATUS_TYPE}); live collection reads them from each account's CloudTrail API`,
    },
  ],
  ...[...MONITORING_TYPES].map((type): [string, Bilingual] => [
    type,
    {
      ja: `AWS Config のファイルには ${type} が含まれません。CloudWatch Logs と CloudWatch の API から読み取るライブ収集を使ってください`,
      en: `AWS Config files do not hold ${type}; live collection reads it from each account's CloudWatch Logs and CloudWatch APIs`,
    },
  ]),
  ...[...REGIONAL_DIRECT_TYPES].map((type): [string, Bilingual] => [
    type,
    {
      ja: `AWS Config のファイルには ${type}（EC2・Inspector・Security Hub・Lambda の API から読む情報）が含まれません。各リージョンのサービス API から読み取るライブ収集を使ってください`,
      en: `AWS Config files do not hold ${type}; live collection reads it from each account's service API in each region`,
    },
  ]),
]);

export function readAwsConfigFiles(files: readonly string[], format: InputFormat | undefined, now: Date, wanted?: ReadonlySet<string>): OfflineInventory {
  const inputs = new AwsInputs(format, now, wanted);
  const resources: Resource[] = [];
  for (const file of files) readFileSyncWith(file, inputs, format === 'jsonl', (r) => resources.push(r));
  return { resources, coverage: inputs.coverage(), skipped: inputs.skipped, untimed: inputs.untimed(), unplaced: inputs.unplaced() };
}
