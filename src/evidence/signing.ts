/**
 * Ed25519 signatures over manifest bytes (node:crypto). The private key comes from a PEM file or the
 * KANSA_EVIDENCE_KEY environment variable and lives only as a KeyObject: it is never logged, and errors
 * name where the key came from, never what it contains.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { InputError, errorMessage } from '../errors.js';
import { sha256Hex } from './format.js';

export const EVIDENCE_KEY_ENV = 'KANSA_EVIDENCE_KEY';

export interface Signer {
  readonly publicKey: string;
  readonly fingerprint: string;
  sign(bytes: Uint8Array): Buffer;
}

/** `sha256:<hex>` of the SubjectPublicKeyInfo DER: printed by verify, compared with `--public-key`. */
export function fingerprintOf(publicKey: KeyObject): string {
  return `sha256:${sha256Hex(publicKey.export({ type: 'spki', format: 'der' }))}`;
}

function ed25519Private(pem: string, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    // node:crypto's messages describe the decoder state, not the key material.
    throw new InputError(source, '', `not a PEM private key (${errorMessage(error)})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new InputError(source, '', `expected an Ed25519 private key, got ${key.asymmetricKeyType ?? 'a secret key'}`);
  return key;
}

export function signerFromPem(pem: string, source: string): Signer {
  const privateKey = ed25519Private(pem, source);
  const publicKey = createPublicKey(privateKey);
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    fingerprint: fingerprintOf(publicKey),
    sign: (bytes) => sign(null, bytes, privateKey),
  };
}

/**
 * The signing key: `file` when given, else $KANSA_EVIDENCE_KEY, else none (snapshots are unsigned).
 * Warns through `warn` when the key file is readable by group or others.
 */
export function loadSigner(file: string | undefined, env: NodeJS.ProcessEnv, warn: (message: string) => void): Signer | undefined {
  if (file !== undefined) {
    let pem: string;
    try {
      pem = readFileSync(file, 'utf8');
    } catch (error) {
      throw new InputError(file, '', `cannot read the evidence signing key (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`);
    }
    if ((statSync(file).mode & 0o077) !== 0) warn(`${file}: the evidence signing key is readable by group or others (chmod 600 it)`);
    return signerFromPem(pem, file);
  }
  const fromEnv = env[EVIDENCE_KEY_ENV];
  if (fromEnv === undefined || fromEnv.trim() === '') return undefined;
  return signerFromPem(fromEnv, `$${EVIDENCE_KEY_ENV}`);
}

/** A public key to pin (`--public-key`): a PEM public key, or a private key whose public half is used. */
export function loadPublicKey(file: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(file, '', `cannot read the public key (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new InputError(file, '', `not a PEM public key (${errorMessage(error)})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new InputError(file, '', `expected an Ed25519 public key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

export function publicKeyFromSpki(base64: string): KeyObject | undefined {
  try {
    const key = createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

export function verifySignature(bytes: Uint8Array, signature: Uint8Array, key: KeyObject): boolean {
  try {
    return verify(null, bytes, key, signature);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Detached signatures of report inputs (`kansa scan --sign KEY --out FILE` writes FILE.sig).
// The key and algorithm are the evidence ones (Ed25519). The signature covers a short statement naming
// the file's sha256, not the file itself: Ed25519 signs a message held whole in memory, and a scan of a
// large estate is large; the hash binds the content all the same.

export const DETACHED_SIGNATURE_SUFFIX = '.sig';
const DETACHED_KIND = 'kansa-detached-signature';
const DETACHED_VERSION = 1;

/** The signed statement: kind, version and the file's digest; nothing a renamed copy would invalidate. */
function detachedStatement(sha256: string): Buffer {
  return Buffer.from(`${DETACHED_KIND}/v${DETACHED_VERSION}\nsha256:${sha256}\n`, 'utf8');
}

/** The `.sig` document for `bytes`, as text (JSON). */
export function signDetached(bytes: Uint8Array, signer: Signer): string {
  const sha256 = sha256Hex(bytes);
  const document = {
    kind: DETACHED_KIND,
    version: DETACHED_VERSION,
    algorithm: 'ed25519',
    sha256,
    publicKey: signer.publicKey,
    fingerprint: signer.fingerprint,
    signature: signer.sign(detachedStatement(sha256)).toString('base64'),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export type DetachedVerdict =
  | { readonly state: 'valid'; readonly fingerprint: string; readonly pinned: boolean }
  | { readonly state: 'invalid'; readonly detail: string };

/** Checks a `.sig` document against the bytes it claims to sign (and the pinned key, when given). */
export function verifyDetached(bytes: Uint8Array, signatureText: string, pinned?: KeyObject): DetachedVerdict {
  let doc: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(signatureText);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    doc = parsed as Record<string, unknown>;
  } catch (error) {
    return { state: 'invalid', detail: `the signature file is not a kansa detached signature (${errorMessage(error)})` };
  }
  const field = (name: string): string | undefined => (typeof doc[name] === 'string' ? (doc[name]) : undefined);
  if (doc['kind'] !== DETACHED_KIND || doc['version'] !== DETACHED_VERSION || doc['algorithm'] !== 'ed25519') {
    return { state: 'invalid', detail: `the signature file is not a ${DETACHED_KIND} version ${DETACHED_VERSION} (ed25519)` };
  }
  const sha256 = field('sha256');
  const publicKey = field('publicKey');
  const fingerprint = field('fingerprint');
  const signature = field('signature');
  if (!sha256 || !publicKey || !fingerprint || !signature) return { state: 'invalid', detail: 'the signature file lacks sha256, publicKey, fingerprint or signature' };
  const embedded = publicKeyFromSpki(publicKey);
  if (!embedded) return { state: 'invalid', detail: 'the signature file carries no usable Ed25519 public key' };
  if (fingerprintOf(embedded) !== fingerprint) return { state: 'invalid', detail: 'the key fingerprint does not match the key in the signature file' };
  if (pinned && fingerprintOf(pinned) !== fingerprint) return { state: 'invalid', detail: `signed by ${fingerprint}, not by the required key ${fingerprintOf(pinned)}` };
  const actual = sha256Hex(bytes);
  if (actual !== sha256) return { state: 'invalid', detail: `the file's sha256 ${actual} is not the signed one (${sha256}): the file was changed after it was signed` };
  if (!verifySignature(detachedStatement(sha256), Buffer.from(signature, 'base64'), pinned ?? embedded)) return { state: 'invalid', detail: 'the signature does not verify' };
  return { state: 'valid', fingerprint, pinned: pinned !== undefined };
}
