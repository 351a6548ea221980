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
