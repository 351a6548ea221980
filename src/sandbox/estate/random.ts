/**
 * Deterministic randomness for the sandbox estates: string hashing, a small seeded PRNG and an
 * invertible 64-bit scrambler for resource ids. Shared by every provider's estate generator so that
 * "item k of a scope" is a pure function of (seed, scope, k) and nothing is ever held in memory.
 */

/** 32-bit hash of a string (cyrb53's low word: fast, well mixed, stable across platforms). */
export function hashString(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) >>> 0;
}

/** Hash of several parts joined unambiguously. */
export function hashParts(...parts: readonly (string | number)[]): number {
  return hashString(parts.join('\u001f'));
}

/** A number in [0, 1) that is a pure function of the parts. */
export function unitHash(...parts: readonly (string | number)[]): number {
  return hashParts(...parts) / 0x1_0000_0000;
}

/** sfc32: a small, fast PRNG with a 128-bit state; every stream is reproducible from its seed. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly [T, ...T[]]): T {
    return items[Math.floor(this.next() * items.length)] ?? items[0];
  }

  /** Picks by relative weight: `[[value, weight], …]`. */
  weighted<T>(choices: readonly [readonly [T, number], ...(readonly [T, number])[]]): T {
    const total = choices.reduce((sum, [, w]) => sum + w, 0);
    let x = this.next() * total;
    for (const [value, weight] of choices) {
      if (x < weight) return value;
      x -= weight;
    }
    return choices[0][0];
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += this.nextUint32().toString(16).padStart(8, '0');
    return out.slice(0, length);
  }

  /** Characters from an alphabet (ids such as RDS dbi resource ids or IAM role ids). */
  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)] ?? '';
    return out;
  }
}

const FEISTEL_ROUNDS = 4;

function round(value: number, key: number, index: number): number {
  let x = Math.imul(value ^ key, 0x85ebca6b) ^ index;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** An invertible scramble of a 64-bit value given as two 32-bit halves: sequential keys look random. */
export function scramble64(hi: number, lo: number, key: number): [number, number] {
  let l = hi >>> 0;
  let r = lo >>> 0;
  for (let i = 0; i < FEISTEL_ROUNDS; i++) [l, r] = [r, (l ^ round(r, key, i)) >>> 0];
  return [l, r];
}

export function unscramble64(hi: number, lo: number, key: number): [number, number] {
  let l = hi >>> 0;
  let r = lo >>> 0;
  for (let i = FEISTEL_ROUNDS - 1; i >= 0; i--) [l, r] = [(r ^ round(l, key, i)) >>> 0, l];
  return [l, r];
}

export function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const BASE32_ALPHABET = BASE32;

/** 16 hex digits → 13 base32 characters (65 bits, top bit always 0). */
export function hexToBase32(hex16: string): string {
  let value = BigInt(`0x${hex16}`);
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = (BASE32[Number(value & 31n)] ?? 'A') + out;
    value >>= 5n;
  }
  return out;
}

/** Inverse of hexToBase32, or undefined when the text is not 13 base32 characters of a 64-bit value. */
export function base32ToHex(text: string): string | undefined {
  if (!/^[A-Z2-7]{13}$/.test(text)) return undefined;
  let value = 0n;
  for (const ch of text) value = (value << 5n) | BigInt(BASE32.indexOf(ch));
  if (value >= 1n << 64n) return undefined;
  return value.toString(16).padStart(16, '0');
}
