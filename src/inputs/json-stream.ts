/**
 * A streaming reader of the JSON documents `kansa evaluate` takes, fed text chunk by chunk, that never
 * holds more than one item (plus one chunk) at a time:
 * - a top-level array: each element is an item;
 * - a top-level object: members are read whole, except the first whose key is one of `streamKeys` and
 *   whose value is an array (`configurationItems`, `value`, `data`, `assets`…): its elements are items;
 * - JSON Lines: one item per line, detected when a complete top-level object is followed by more text
 *   (or forced by `lines: true`).
 * Only the structure around items is scanned here (depth, strings); each item is parsed by the
 * engine's JSON.parse, so items cost what a whole-document parse costs, without the whole document.
 * Positions are 1-based lines and columns in UTF-16 code units, as editors and V8 count them.
 */
import { InputError, errorMessage } from '../errors.js';

/** The container the items come from, reported once, before the first item. */
export type Container =
  | { readonly kind: 'array' }
  /** `members` holds the members read before the array (those after it are in the final shape). */
  | { readonly kind: 'member'; readonly key: string; readonly members: Readonly<Record<string, unknown>> }
  | { readonly kind: 'lines' };

/** The whole document's shape, reported at its end. */
export type DocumentShape =
  | { readonly kind: 'array' }
  | { readonly kind: 'object'; readonly members: Readonly<Record<string, unknown>>; readonly key?: string }
  | { readonly kind: 'lines' }
  | { readonly kind: 'scalar'; readonly value: unknown };

export interface JsonStreamHandler {
  container(container: Container): void;
  item(value: unknown, line: number, column: number): void;
  end(shape: DocumentShape): void;
}

export interface JsonStreamOptions {
  /** Members of a top-level object whose array value is streamed. */
  readonly streamKeys: ReadonlySet<string>;
  /** Read the text as JSON Lines from the start. */
  readonly lines?: boolean;
  /** The largest item (or line, or member value), in UTF-16 code units. */
  readonly maxItemChars?: number;
}

export const DEFAULT_MAX_ITEM_CHARS = 256 * 1024 * 1024;

const enum S {
  Start,
  ArrayFirst,
  ArrayNext,
  ArrayElement,
  ObjectFirst,
  ObjectColon,
  ObjectValue,
  ObjectNext,
  ObjectKey,
  After,
  Lines,
  Done,
}

/** What a whole value being scanned becomes once complete. */
const enum V {
  Item,
  Key,
  Member,
  Top,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

function describe(code: number): string {
  if (code === 0) return 'a NUL character';
  const ch = String.fromCharCode(code);
  return code < 0x20 ? `control character U+${code.toString(16).padStart(4, '0').toUpperCase()}` : `'${ch}'`;
}

export class JsonItemStream {
  private text = '';
  /** Index into `text` of the next character to look at. */
  private i = 0;
  /** Characters dropped from the front of `text` so far. */
  private base = 0;
  private line = 1;
  /** Absolute index (in characters) of the first character of the current line. */
  private lineStart = 0;
  private state: S;
  private readonly top: 'lines' | undefined;

  // A whole value being scanned: where it starts, how deep the scan is, what it becomes.
  private scanning = false;
  private valueStart = 0;
  private valueLine = 1;
  private valueColumn = 1;
  private depth = 0;
  private target = V.Item;

  private topKind: 'array' | 'object' | 'scalar' | undefined;
  private members: Record<string, unknown> = {};
  private key = '';
  private streamedKey: string | undefined;
  /** Whether the container was announced (before the first item). */
  private announced = false;
  private scalarValue: unknown;
  /** The line where the top-level value closed, and the line JSON Lines reading is on. */
  private closeLine = 1;
  private lineNumber = 1;
  private topLine = 1;
  private topColumn = 1;
  private items = 0;
  private readonly maxItemChars: number;

  constructor(
    private readonly file: string,
    private readonly handler: JsonStreamHandler,
    private readonly options: JsonStreamOptions,
  ) {
    this.state = options.lines ? S.Lines : S.Start;
    this.top = options.lines ? 'lines' : undefined;
    this.maxItemChars = options.maxItemChars ?? DEFAULT_MAX_ITEM_CHARS;
  }

  /** Items reported so far. */
  get count(): number {
    return this.items;
  }

  write(chunk: string): void {
    if (chunk.length === 0) return;
    const keep = this.scanning ? this.valueStart : this.i;
    if (this.base === 0 && this.text.length === 0 && chunk.charCodeAt(0) === 0xfeff) {
      chunk = chunk.slice(1);
      this.base = 1;
      this.lineStart = 1;
    }
    // Joined, not concatenated: a flat string, which indexOf and charCodeAt read at full speed (a cons string is not).
    this.text = keep >= this.text.length ? chunk : [this.text.slice(keep), chunk].join('');
    this.base += keep;
    this.i -= keep;
    this.valueStart -= keep;
    this.run(false);
    if (this.scanning && this.text.length - this.valueStart > this.maxItemChars) {
      throw new InputError(this.file, '', `an item starting at line ${this.valueLine} column ${this.valueColumn} is longer than ${this.maxItemChars} characters (raise KANSA_MAX_ITEM_CHARS to read it)`);
    }
  }

  end(): void {
    this.run(true);
    if (this.state === S.Done) return;
    if (this.state === S.Lines) this.finish({ kind: 'lines' });
    else if (this.state === S.After) this.finishTop();
    else if (this.state === S.Start) throw new InputError(this.file, '', 'not valid JSON (empty)');
    else throw this.truncated();
  }

  private position(index: number): string {
    return `line ${this.line} column ${this.base + index - this.lineStart + 1}`;
  }

  private truncated(): InputError {
    const where = this.scanning ? ` inside the ${this.target === V.Item ? `item that starts at line ${this.valueLine} column ${this.valueColumn}` : 'value that starts at line ' + this.valueLine + ' column ' + this.valueColumn}` : '';
    return new InputError(this.file, '', `not valid JSON: the data ends at ${this.position(this.text.length)}${where} (cut off? ${this.items} item${this.items === 1 ? '' : 's'} read)`);
  }

  private unexpected(index: number, expected: string): InputError {
    return new InputError(this.file, '', `not valid JSON: ${describe(this.text.charCodeAt(index))} at ${this.position(index)}, expected ${expected}`);
  }

  /** Skips JSON whitespace, counting lines; returns false when the text ran out. */
  private skipSpace(): boolean {
    const text = this.text;
    let i = this.i;
    const n = text.length;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0d) i++;
      else if (c === NEWLINE) {
        i++;
        this.line++;
        this.lineStart = this.base + i;
      } else break;
    }
    this.i = i;
    return i < n;
  }

  private begin(target: V): void {
    this.scanning = true;
    this.valueStart = this.i;
    this.valueLine = this.line;
    this.valueColumn = this.base + this.i - this.lineStart + 1;
    this.depth = 0;
    this.target = target;
  }

  /**
   * Scans the whole value that starts at `valueStart` (resuming at `i`); returns its end index, or -1
   * when the text ran out first (then `i` and `depth` say where to resume).
   */
  private scanValue(final: boolean): number {
    const text = this.text;
    const n = text.length;
    let i = this.i;
    let depth = this.depth;
    const first = text.charCodeAt(this.valueStart);
    if (first !== 0x7b && first !== 0x5b && first !== QUOTE) {
      // number or literal: up to the first character that cannot continue one (JSON.parse judges the rest)
      while (i < n) {
        const c = text.charCodeAt(i);
        if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e)) break;
        i++;
      }
      if (i === this.valueStart) i++;
      this.i = i;
      return i < n || final ? i : -1;
    }
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        let j = i + 1;
        for (;;) {
          j = text.indexOf('"', j);
          if (j === -1) {
            // resume at the opening quote when more text comes
            this.i = i;
            this.depth = depth;
            return -1;
          }
          let k = j - 1;
          while (text.charCodeAt(k) === BACKSLASH) k--;
          if ((j - 1 - k) % 2 === 0) break;
          j++;
        }
        i = j + 1;
        if (depth === 0) return i;
        continue;
      }
      if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      } else if (c === NEWLINE) {
        this.line++;
        this.lineStart = this.base + i + 1;
      }
      i++;
    }
    this.i = i;
    this.depth = depth;
    return -1;
  }

  /** JSON.parse of text[start, end), with a syntax error placed at its line and column in the file. */
  private parse(start: number, end: number): unknown {
    const source = this.text.slice(start, end);
    try {
      return JSON.parse(source) as unknown;
    } catch (error) {
      const message = errorMessage(error);
      let line = this.valueLine;
      let column = this.valueColumn;
      const offset = syntaxErrorOffset(source);
      for (let k = 0; k < offset; k++) {
        if (source.charCodeAt(k) === NEWLINE) {
          line++;
          column = 1;
        } else column++;
      }
      const reason = message.replace(/\s*(in JSON )?at position \d+( \(line \d+ column \d+\))?/, '').replace(/^JSON\.parse: /, '');
      throw new InputError(this.file, '', `not valid JSON at line ${line} column ${column} (${reason})`);
    }
  }

  private announce(container: Container): void {
    if (this.announced) return;
    this.announced = true;
    this.handler.container(container);
  }

  private finish(shape: DocumentShape): void {
    this.state = S.Done;
    this.handler.end(shape);
  }

  private finishTop(): void {
    if (this.topKind === 'array') this.finish({ kind: 'array' });
    else if (this.topKind === 'scalar') this.finish({ kind: 'scalar', value: this.scalarValue });
    else if (this.topKind === 'object') this.finish({ kind: 'object', members: this.members, ...(this.streamedKey === undefined ? {} : { key: this.streamedKey }) });
  }

  private run(final: boolean): void {
    for (;;) {
      if (this.scanning) {
        const end = this.scanValue(final);
        if (end === -1) return;
        this.scanning = false;
        const value = this.parse(this.valueStart, end);
        this.i = end;
        switch (this.target) {
          case V.Item:
            this.items++;
            this.handler.item(value, this.valueLine, this.valueColumn);
            this.state = S.ArrayNext;
            break;
          case V.Key:
            if (typeof value !== 'string') throw this.unexpected(this.valueStart, 'a member name in double quotes');
            this.key = value;
            this.state = S.ObjectColon;
            break;
          case V.Member:
            if (this.key === '__proto__') Object.defineProperty(this.members, this.key, { value, enumerable: true, writable: true, configurable: true });
            else this.members[this.key] = value;
            this.state = S.ObjectNext;
            break;
          case V.Top:
            this.topKind = 'scalar';
            this.scalarValue = value;
            this.state = S.After;
            break;
        }
        continue;
      }
      if (this.state === S.Lines) {
        this.readLines(final);
        return;
      }
      if (this.state === S.Done) {
        if (this.skipSpace()) throw this.unexpected(this.i, 'the end of the document');
        return;
      }
      if (!this.skipSpace()) return;
      const c = this.text.charCodeAt(this.i);
      switch (this.state) {
        case S.Start:
          if (c === 0x5b) {
            this.topKind = 'array';
            this.i++;
            this.state = S.ArrayFirst;
          } else if (c === 0x7b) {
            this.topKind = 'object';
            this.topLine = this.line;
            this.topColumn = this.base + this.i - this.lineStart + 1;
            this.i++;
            this.state = S.ObjectFirst;
          } else this.begin(V.Top);
          break;
        case S.ArrayFirst:
        case S.ArrayElement:
          if (c === 0x5d && this.state === S.ArrayFirst) {
            this.i++;
            this.closeArray();
          } else if (c === 0x5d || c === 0x2c || c === 0x7d || c === 0x3a) throw this.unexpected(this.i, 'a value');
          else {
            if (!this.announced) this.announce(this.topKind === 'array' ? { kind: 'array' } : { kind: 'member', key: this.streamedKey!, members: { ...this.members } });
            this.begin(V.Item);
          }
          break;
        case S.ArrayNext:
          if (c === 0x2c) {
            this.i++;
            this.state = S.ArrayElement;
          } else if (c === 0x5d) {
            this.i++;
            this.closeArray();
          } else throw this.unexpected(this.i, "',' or ']'");
          break;
        case S.ObjectFirst:
        case S.ObjectKey:
          if (c === QUOTE) this.begin(V.Key);
          else if (c === 0x7d && this.state === S.ObjectFirst) {
            this.i++;
            this.closeLine = this.line;
            this.state = S.After;
          } else throw this.unexpected(this.i, 'a member name in double quotes');
          break;
        case S.ObjectColon:
          if (c !== 0x3a) throw this.unexpected(this.i, "':'");
          this.i++;
          this.state = S.ObjectValue;
          break;
        case S.ObjectValue:
          if (c === 0x5b && this.streamedKey === undefined && this.options.streamKeys.has(this.key)) {
            this.streamedKey = this.key;
            this.i++;
            this.state = S.ArrayFirst;
          } else if (c === 0x5d || c === 0x2c || c === 0x7d || c === 0x3a) throw this.unexpected(this.i, 'a value');
          else this.begin(V.Member);
          break;
        case S.ObjectNext:
          if (c === 0x2c) {
            this.i++;
            this.state = S.ObjectKey;
          } else if (c === 0x7d) {
            this.i++;
            this.closeLine = this.line;
            this.state = S.After;
          } else throw this.unexpected(this.i, "',' or '}'");
          break;
        case S.After:
          // A second value after a complete top-level object: JSON Lines, whose first line that object was.
          if (this.topKind === 'object' && this.streamedKey === undefined && this.line > this.closeLine) {
            const first = this.members;
            this.members = {};
            this.announce({ kind: 'lines' });
            this.items++;
            this.handler.item(first, this.topLine, this.topColumn);
            this.lineNumber = this.line;
            this.state = S.Lines;
            break;
          }
          throw this.unexpected(this.i, 'the end of the document');
        default:
          return;
      }
    }
  }

  private closeArray(): void {
    if (this.topKind === 'array') this.state = S.After;
    else this.state = S.ObjectNext;
  }

  /** JSON Lines: one value per non-empty line; a bad line names its line number. */
  private readLines(final: boolean): void {
    if (!this.announced) this.announce({ kind: 'lines' });
    const text = this.text;
    let i = this.i;
    for (;;) {
      const nl = text.indexOf('\n', i);
      if (nl === -1 && !final) break;
      const end = nl === -1 ? text.length : nl;
      if (end > i) {
        const line = text.slice(i, end);
        if (line.trim() !== '') {
          let value: unknown;
          try {
            value = JSON.parse(line) as unknown;
          } catch (error) {
            throw new InputError(`${this.file}:${this.lineNumber}`, '', `line is not valid JSON (${errorMessage(error)})`);
          }
          this.items++;
          this.handler.item(value, this.lineNumber, 1);
        }
      }
      if (nl === -1) {
        i = text.length;
        break;
      }
      i = nl + 1;
      this.lineNumber++;
    }
    this.i = i;
    this.line = this.lineNumber;
    this.lineStart = this.base + i;
    if (!final && text.length - i > this.maxItemChars) {
      throw new InputError(`${this.file}:${this.lineNumber}`, '', `line is longer than ${this.maxItemChars} characters (raise KANSA_MAX_ITEM_CHARS to read it)`);
    }
  }
}

/** The offset where a syntax error was found (thrown inside syntaxErrorOffset only). */
class At extends Error {
  constructor(readonly offset: number) {
    super(`at ${offset}`);
  }
}

/**
 * Where JSON.parse found `source` invalid: the offset of the first character that cannot continue a JSON
 * value (V8's messages give a position for some errors only). Called on failure only.
 */
export function syntaxErrorOffset(source: string): number {
  const n = source.length;
  let i = 0;
  const space = (): void => {
    for (let c = source.charCodeAt(i); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; c = source.charCodeAt(++i));
  };
  const digits = (): void => {
    const start = i;
    while (i < n && source.charCodeAt(i) >= 0x30 && source.charCodeAt(i) <= 0x39) i++;
    if (i === start) throw new At(i);
  };
  const string = (): void => {
    i++;
    for (;;) {
      if (i >= n) throw new At(i);
      const c = source.charCodeAt(i);
      if (c === QUOTE) {
        i++;
        return;
      }
      if (c < 0x20) throw new At(i);
      if (c === BACKSLASH) {
        const e = source[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(source.slice(i + 2, i + 6))) throw new At(i);
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else throw new At(i + 1);
      } else i++;
    }
  };
  const value = (): void => {
    space();
    const c = source[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (source[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          space();
          if (source[i] !== '"') throw new At(i);
          string();
          space();
          if (source[i] !== ':') throw new At(i);
          i++;
        }
        value();
        space();
        if (source[i] === ',') i++;
        else if (source[i] === close) {
          i++;
          return;
        } else throw new At(i);
      }
    }
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      if (c === '-') i++;
      if (source[i] === '0') i++;
      else digits();
      if (source[i] === '.') {
        i++;
        digits();
      }
      if (source[i] === 'e' || source[i] === 'E') {
        i++;
        if (source[i] === '+' || source[i] === '-') i++;
        digits();
      }
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (c === word[0]) {
        for (let k = 0; k < word.length; k++, i++) if (source[i] !== word[k]) throw new At(i);
        return;
      }
    }
    throw new At(i);
  };
  try {
    value();
    space();
    return i < n ? i : 0;
  } catch (error) {
    // deep nesting may overflow the stack: then the item's start is the best place to name
    return error instanceof At ? Math.min(error.offset, n) : 0;
  }
}
