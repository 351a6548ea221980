/**
 * What the provider readers share: the head of a file (what is known when its provider is chosen), the
 * sink each reader opens per file, and the bookkeeping of items that are not JSON objects (bad input).
 */
import { InputError } from '../errors.js';
import type { CollectionScope, ProviderId, Resource } from '../model/resource.js';
import type { Unplaced } from './coverage.js';
import type { Container, DocumentShape } from './json-stream.js';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Which items the stream carries: the top-level array's, JSON Lines', one member's, or none (a whole document). */
export const ARRAY = Symbol('array');
export const LINES = Symbol('lines');
export type Streamed = typeof ARRAY | typeof LINES | string | undefined;

/**
 * A file as far as it was read when its provider is chosen (at its first item, or at its end when it has
 * none): `document` is the document with the streamed array cut to that first item (or empty), enough
 * for detection and for the readers' checks; `members` is filled in completely only at the end.
 */
export interface Head {
  readonly file: string;
  readonly streamed: Streamed;
  readonly document: unknown;
}

export function headOf(file: string, shape: Container | DocumentShape, first: { value: unknown } | undefined): Head {
  switch (shape.kind) {
    case 'array':
      return { file, streamed: ARRAY, document: first ? [first.value] : [] };
    case 'lines':
      return { file, streamed: LINES, document: first?.value };
    case 'member':
      return { file, streamed: shape.key, document: { ...shape.members, [shape.key]: first ? [first.value] : [] } };
    case 'object':
      return { file, streamed: shape.key, document: shape.key === undefined ? shape.members : { ...shape.members, [shape.key]: [] } };
    case 'scalar':
      return { file, streamed: undefined, document: shape.value };
  }
}

/** The document at its end: every member (the streamed array emptied). */
export function finalDocument(shape: DocumentShape): unknown {
  return headOf('', shape, undefined).document;
}

/** One file's items as they come, then its end. */
export interface ItemSink {
  item(value: unknown, line: number, column: number): void;
  end(shape: DocumentShape): void;
}

/** A provider's readers: one sink per file, coverage and skipped items over all its files. */
export interface ProviderInputs {
  open(head: Head, emit: (resource: Resource) => void): ItemSink;
  coverage(): CollectionScope[];
  /** Scopes whose files carry no capture time: their `collectedAt` is the evaluation time. */
  untimed(): string[];
  /** Files whose unreadable items belong to no scope the file names. */
  unplaced(): readonly Unplaced[];
  readonly skipped: number;
}

/** The types the enabled controls read, per provider: what an input lacks of them is a coverage gap. */
export type WantedTypes = Readonly<Partial<Record<ProviderId, ReadonlySet<string>>>>;

/**
 * The continuation token of a paged API response kept as a file (a Select `NextToken`, a ListAssets
 * `nextPageToken`, an ARM `nextLink`, a Resource Graph `skip_token`), when set: the file is one page only.
 */
export function pageToken(document: Json, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = document[key];
    if (typeof value === 'string' && value !== '') return key;
  }
  return undefined;
}

const kindOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? 'a string' : `a ${typeof value}`);

/** Items that are not objects: counted, the first one placed; the file is refused at its end. */
export class NonObjects {
  private count = 0;
  private first = '';

  note(value: unknown, line: number, column: number): void {
    if (this.count++ === 0) this.first = `${kindOf(value)} at line ${line} column ${column}`;
  }

  check(file: string): void {
    if (this.count === 0) return;
    throw new InputError(file, '', `${this.count} item${this.count === 1 ? ' is' : 's are'} not JSON objects (the first: ${this.first}); expected one object per resource`);
  }
}
