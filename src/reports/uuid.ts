/** Name-based (version 5) UUIDs, RFC 4122 §4.3: the same input always yields the same identifiers. */
import { createHash } from 'node:crypto';

function parse(uuid: string): Buffer {
  const hex = uuid.replaceAll('-', '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

function format(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1').update(parse(namespace)).update(name, 'utf8').digest().subarray(0, 16);
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  return format(hash);
}

/** RFC 4122 Appendix C: the namespace for URLs / URNs. */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/** kansa's namespace; every report identifier is derived from it and the ids of what it names. */
export const KANSA_NAMESPACE = uuidV5(URL_NAMESPACE, 'urn:kansa');

/** A stable UUID for a tuple of names (joined unambiguously). */
export function stableUuid(...parts: readonly string[]): string {
  return uuidV5(KANSA_NAMESPACE, JSON.stringify(parts));
}
