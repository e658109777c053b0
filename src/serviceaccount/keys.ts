// Service-account signing and verification keys, loaded as kube-apiserver loads
// --service-account-key-file (client-go keyutil.ParsePublicKeysPEM) and
// --service-account-signing-key-file (keyutil.ParsePrivateKeyPEM), with key IDs derived as
// k8s.io/kubernetes/pkg/serviceaccount/jwt.go keyIDFromPublicKey does.
import { createHash, createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodePemBlocks, toPem } from '../pki/pem.js';

export type SigningAlgorithm = 'RS256' | 'ES256' | 'ES384' | 'ES512';

/** A verification key with the `kid` kube-apiserver gives it and the only algorithm it may verify. */
export interface ServiceAccountPublicKey {
  kid: string;
  alg: SigningAlgorithm;
  key: KeyObject;
}

/** The key tokens are signed with, and its public half. */
export interface ServiceAccountSigningKey extends ServiceAccountPublicKey {
  privateKey: KeyObject;
}

export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFileError';
  }
}

const CURVE_ALGORITHMS: Record<string, SigningAlgorithm> = {
  prime256v1: 'ES256',
  'P-256': 'ES256',
  secp384r1: 'ES384',
  'P-384': 'ES384',
  secp521r1: 'ES512',
  'P-521': 'ES512',
};

/**
 * RS256 for RSA (kube-apiserver signs RSA keys with RS256 only, whatever the size),
 * ES256/384/512 for the NIST curves; anything else cannot sign service-account tokens.
 */
export function algorithmForKey(key: KeyObject): SigningAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return 'RS256';
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
    const alg = CURVE_ALGORITHMS[curve];
    if (!alg) throw new KeyFileError('unknown private key curve, must be 256, 384, or 521');
    return alg;
  }
  throw new KeyFileError(`unknown public key type ${type ?? 'unknown'}, must be RSA or ECDSA`);
}

/** base64url (no padding) of SHA-256 over the PKIX (SubjectPublicKeyInfo) DER of the public key. */
export function keyIdFromPublicKey(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const der = pub.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

export function toPublicKeyEntry(key: KeyObject): ServiceAccountPublicKey {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return { kid: keyIdFromPublicKey(pub), alg: algorithmForKey(pub), key: pub };
}

/** Every PEM block in `text` as keyutil's pem.Decode loop finds them, with its label and re-armoured PEM. */
export function pemBlocks(text: string): { label: string; pem: string }[] {
  return decodePemBlocks(text).map((b) => ({ label: b.type, pem: toPem(b.type, b.der) }));
}

function isRsaOrEc(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'ec';
}

/** The public key a PEM block carries, if it is a key or certificate kube-apiserver accepts. */
function publicKeyFromBlock(block: { label: string; pem: string }): KeyObject | undefined {
  try {
    if (block.label === 'CERTIFICATE') return new X509Certificate(block.pem).publicKey;
    if (block.label.endsWith('PRIVATE KEY')) return createPublicKey(createPrivateKey(block.pem));
    if (block.label.endsWith('PUBLIC KEY')) return createPublicKey(block.pem);
  } catch {
    // Like keyutil: a block that does not parse is tolerated ("EC PARAMETERS", encrypted keys, …).
  }
  return undefined;
}

/** All RSA/ECDSA public keys in one PEM text (public keys, private keys, certificates), in file order. */
export function parsePublicKeysPem(text: string): KeyObject[] {
  const keys: KeyObject[] = [];
  for (const block of pemBlocks(text)) {
    const key = publicKeyFromBlock(block);
    if (key && isRsaOrEc(key)) keys.push(key);
  }
  if (keys.length === 0) throw new KeyFileError('data does not contain any valid RSA or ECDSA public keys');
  return keys;
}

/** The first RSA/ECDSA private key in a PEM text: PKCS#1 `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY` or PKCS#8 `PRIVATE KEY`. */
export function parsePrivateKeyPem(text: string): KeyObject {
  for (const block of pemBlocks(text)) {
    if (!['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'PRIVATE KEY'].includes(block.label)) continue;
    try {
      // createPrivateKey reads PKCS#1 and SEC1 as well as PKCS#8 (jose.importPKCS8 would refuse PKCS#1).
      const key = createPrivateKey(block.pem);
      if (isRsaOrEc(key)) return key;
    } catch {
      // keep looking, as keyutil.ParsePrivateKeyPEM does
    }
  }
  throw new KeyFileError('data does not contain a valid RSA or ECDSA private key');
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new KeyFileError(`failed to read key file "${path}": ${(e as Error).message}`);
  }
}

/**
 * --service-account-key-file (repeatable): every key of every file, in order, as verification keys.
 * Like kube-apiserver, keys are not de-duplicated; the kid lookup returns all keys with that kid.
 */
export function loadPublicKeys(paths: string[]): ServiceAccountPublicKey[] {
  const out: ServiceAccountPublicKey[] = [];
  for (const path of paths) {
    let keys: KeyObject[];
    try {
      keys = parsePublicKeysPem(readKeyFile(path));
    } catch (e) {
      throw new KeyFileError(`failed to parse key file "${path}": ${(e as Error).message}`);
    }
    for (const key of keys) out.push(toPublicKeyEntry(key));
  }
  return out;
}

/** --service-account-signing-key-file. */
export function loadSigningKey(path: string): ServiceAccountSigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = parsePrivateKeyPem(readKeyFile(path));
  } catch (e) {
    throw new KeyFileError(`failed to parse service-account-signing-key-file "${path}": ${(e as Error).message}`);
  }
  return signingKeyFrom(privateKey);
}

export function signingKeyFrom(privateKey: KeyObject): ServiceAccountSigningKey {
  return { ...toPublicKeyEntry(privateKey), privateKey };
}
