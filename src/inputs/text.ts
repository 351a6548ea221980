/**
 * Offline input files as text, chunk by chunk: gunzipped as a stream when gzip (detected from the magic
 * bytes, not the name), never more than a limit of decompressed bytes, so a gzip bomb stops early with
 * an InputError instead of filling memory. UTF-8 sequences split across chunks are decoded whole.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { constants as bufferConstants, isAscii } from 'node:buffer';
import { InputError, errorMessage } from '../errors.js';
import { DEFAULT_MAX_ITEM_CHARS } from './json-stream.js';

export interface InputLimits {
  /** Decompressed bytes one gzip file may hold (KANSA_MAX_DECOMPRESSED_BYTES). */
  readonly maxDecompressedBytes: number;
  /** Characters one item (or JSON line) may hold (KANSA_MAX_ITEM_CHARS). */
  readonly maxItemChars: number;
}

export const DEFAULT_MAX_DECOMPRESSED_BYTES = 4 * 1024 ** 3;

const CHUNK_BYTES = 1 << 20;

/** `4294967296`, `512M`, `4GiB`, `64k`: a size in bytes (binary multiples). */
export function parseSize(name: string, text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$/i.exec(text);
  if (!match) throw new InputError(name, '', `expected a size such as 4GiB, 512M or 1048576, found "${text}"`);
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  const value = Math.floor(Number(match[1]) * scale);
  if (value <= 0) throw new InputError(name, '', `expected a positive size, found "${text}"`);
  return value;
}

/** The limits, from the environment where set. */
export function inputLimits(env: NodeJS.ProcessEnv = process.env): InputLimits {
  const bytes = env.KANSA_MAX_DECOMPRESSED_BYTES;
  const chars = env.KANSA_MAX_ITEM_CHARS;
  return {
    maxDecompressedBytes: bytes ? parseSize('KANSA_MAX_DECOMPRESSED_BYTES', bytes) : DEFAULT_MAX_DECOMPRESSED_BYTES,
    maxItemChars: chars ? parseSize('KANSA_MAX_ITEM_CHARS', chars) : DEFAULT_MAX_ITEM_CHARS,
  };
}

export function formatBytes(n: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (n >= size) return `${Number((n / size).toFixed(2))} ${unit}`;
  }
  return `${n} bytes`;
}

const cannotRead = (file: string, error: unknown): InputError => new InputError(file, '', `cannot read input: ${errorMessage(error)}`);
const corrupt = (file: string, error: unknown): InputError => new InputError(file, '', `gzip data is corrupt: ${errorMessage(error)}`);
const tooLarge = (file: string, limit: number): InputError =>
  new InputError(file, '', `decompresses to more than ${formatBytes(limit)} (the limit; set KANSA_MAX_DECOMPRESSED_BYTES to raise it): refusing what may be a gzip bomb`);

/**
 * UTF-8 bytes to text, chunk by chunk: a sequence split between chunks is decoded whole. ASCII chunks (most
 * exports) are copied as Latin-1, several times faster than a UTF-8 decode (StringDecoder) of the same bytes.
 */
class Utf8Decoder {
  private carry: Buffer | undefined;

  write(chunk: Buffer): string {
    const bytes = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    if (isAscii(bytes)) return bytes.toString('latin1');
    let cut = bytes.length;
    let k = cut - 1;
    while (k >= 0 && cut - k < 4 && (bytes[k]! & 0xc0) === 0x80) k--;
    if (k >= 0) {
      const lead = bytes[k]!;
      const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
      if (k + length > cut) cut = k;
    }
    if (cut < bytes.length) this.carry = Buffer.from(bytes.subarray(cut));
    return bytes.toString('utf8', 0, cut);
  }

  end(): string {
    const rest = this.carry?.toString('utf8') ?? '';
    this.carry = undefined;
    return rest;
  }
}

const isGzip = (bytes: Uint8Array, length: number): boolean => length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** The text of a file, chunk by chunk (a few MiB in memory at most, whatever the file's size). */
export async function* textChunks(file: string, limits: InputLimits = inputLimits()): AsyncGenerator<string> {
  let handle: FileHandle;
  const head = Buffer.alloc(2);
  let headLength: number;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw cannotRead(file, error);
  }
  try {
    ({ bytesRead: headLength } = await handle.read(head, 0, 2, 0));
  } catch (error) {
    await handle.close();
    throw cannotRead(file, error);
  }
  const source = handle.createReadStream({ start: 0, highWaterMark: CHUNK_BYTES });
  const decoder = new Utf8Decoder();
  if (!isGzip(head, headLength)) {
    try {
      for await (const chunk of source) yield decoder.write(chunk as Buffer);
    } catch (error) {
      throw error instanceof InputError ? error : cannotRead(file, error);
    } finally {
      source.destroy();
    }
    yield decoder.end();
    return;
  }
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  let readError: unknown;
  source.on('error', (error) => {
    readError = error;
    gunzip.destroy(error);
  });
  source.pipe(gunzip);
  let total = 0;
  try {
    for await (const chunk of gunzip) {
      total += (chunk as Buffer).length;
      if (total > limits.maxDecompressedBytes) throw tooLarge(file, limits.maxDecompressedBytes);
      yield decoder.write(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw readError === undefined ? corrupt(file, error) : cannotRead(file, readError);
  } finally {
    source.unpipe(gunzip);
    source.destroy();
    gunzip.destroy();
  }
  yield decoder.end();
}

/** The same, synchronously (for small inputs read in one go: fixtures, tests). */
export function* textChunksSync(file: string, limits: InputLimits = inputLimits()): Generator<string> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw cannotRead(file, error);
  }
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    const decoder = new Utf8Decoder();
    let first = true;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        throw cannotRead(file, error);
      }
      if (first && isGzip(buffer, n)) {
        // Small files only: the sync path decompresses in one call, bounded by the same limit.
        yield* gunzippedSync(file, fd, buffer.subarray(0, n), limits);
        return;
      }
      first = false;
      if (n === 0) break;
      yield decoder.write(buffer.subarray(0, n));
    }
    yield decoder.end();
  } finally {
    closeSync(fd);
  }
}

function* gunzippedSync(file: string, fd: number, head: Buffer, limits: InputLimits): Generator<string> {
  const parts: Buffer[] = [Buffer.from(head)];
  const buffer = Buffer.alloc(CHUNK_BYTES);
  for (;;) {
    const n = readSync(fd, buffer, 0, buffer.length, null);
    if (n === 0) break;
    parts.push(Buffer.from(buffer.subarray(0, n)));
  }
  let bytes: Buffer;
  try {
    bytes = gunzipSync(Buffer.concat(parts), { maxOutputLength: Math.min(limits.maxDecompressedBytes, bufferConstants.MAX_LENGTH) });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(file, limits.maxDecompressedBytes);
    throw corrupt(file, error);
  }
  const decoder = new Utf8Decoder();
  for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) yield decoder.write(bytes.subarray(offset, offset + CHUNK_BYTES));
  yield decoder.end();
}
