// Key pairs: generation, PEM encoding in the formats kubeadm writes, and loading whatever openssl or kubeadm wrote.
// kubeadm writes RSA keys as PKCS#1 (`RSA PRIVATE KEY`), EC keys as SEC1 (`EC PRIVATE KEY`) and sa.pub as SPKI
// (`PUBLIC KEY`); Ed25519 has only PKCS#8 (`PRIVATE KEY`).
import { createPrivateKey, createPublicKey, generateKeyPair as generateKeyPairCb, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { PkiError } from './errors.js';
import { describeBlocks, pemBlocks } from './pem.js';

export type KeyAlgorithm = 'rsa-2048' | 'rsa-3072' | 'rsa-4096' | 'ecdsa-p256' | 'ecdsa-p384' | 'ed25519';
export type PrivateKeyFormat = 'pkcs1' | 'sec1' | 'pkcs8';

export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = [
  'rsa-2048',
  'rsa-3072',
  'rsa-4096',
  'ecdsa-p256',
  'ecdsa-p384',
  'ed25519',
];

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const generate = promisify(generateKeyPairCb);

/**
 * Parses an algorithm name as users type it: kubeadm's `RSA-2048`/`ECDSA-P256` spelling, kauth's `rsa-2048`, or
 * compact forms (`rsa2048`, `p256`, `ec-p256`). Throws PkiError for anything else.
 */
export function parseKeyAlgorithm(name: string): KeyAlgorithm {
  const n = name.trim().toLowerCase().replace(/_/g, '-');
  const aliases: Record<string, KeyAlgorithm> = {
    'rsa-2048': 'rsa-2048',
    rsa2048: 'rsa-2048',
    rsa: 'rsa-2048',
    'rsa-3072': 'rsa-3072',
    rsa3072: 'rsa-3072',
    'rsa-4096': 'rsa-4096',
    rsa4096: 'rsa-4096',
    'ecdsa-p256': 'ecdsa-p256',
    'ecdsa-p-256': 'ecdsa-p256',
    'ec-p256': 'ecdsa-p256',
    p256: 'ecdsa-p256',
    'p-256': 'ecdsa-p256',
    ecdsa: 'ecdsa-p256',
    ec: 'ecdsa-p256',
    'ecdsa-p384': 'ecdsa-p384',
    'ecdsa-p-384': 'ecdsa-p384',
    'ec-p384': 'ecdsa-p384',
    p384: 'ecdsa-p384',
    'p-384': 'ecdsa-p384',
    ed25519: 'ed25519',
  };
  const alg = aliases[n];
  if (!alg) {
    throw new PkiError(
      `unknown key algorithm "${name}": valid values are RSA-2048, RSA-3072, RSA-4096, ECDSA-P256, ECDSA-P384, Ed25519`,
      'ERR_PKI_ALGORITHM',
    );
  }
  return alg;
}

/** Generates a key pair off the main thread (libuv pool), so several keys are made in parallel. */
export async function generateKeyPair(alg: KeyAlgorithm): Promise<KeyPair> {
  switch (alg) {
    case 'rsa-2048':
    case 'rsa-3072':
    case 'rsa-4096':
      return generate('rsa', { modulusLength: Number(alg.slice(4)), publicExponent: 0x10001 });
    case 'ecdsa-p256':
      return generate('ec', { namedCurve: 'P-256' });
    case 'ecdsa-p384':
      return generate('ec', { namedCurve: 'P-384' });
    case 'ed25519':
      return generate('ed25519');
    default:
      throw new PkiError(`unknown key algorithm "${String(alg)}"`, 'ERR_PKI_ALGORITHM');
  }
}

/** The algorithm of an existing key (private or public), or a PkiError for keys kauth does not issue with. */
export function keyAlgorithmOf(key: KeyObject): KeyAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa': {
      const bits = details.modulusLength;
      if (bits === 2048 || bits === 3072 || bits === 4096) return `rsa-${bits}`;
      throw new PkiError(`unsupported RSA key size ${bits ?? '?'} (want 2048, 3072 or 4096)`, 'ERR_PKI_KEY');
    }
    case 'ec':
      if (details.namedCurve === 'prime256v1' || details.namedCurve === 'P-256') return 'ecdsa-p256';
      if (details.namedCurve === 'secp384r1' || details.namedCurve === 'P-384') return 'ecdsa-p384';
      throw new PkiError(`unsupported EC curve ${details.namedCurve ?? '?'} (want P-256 or P-384)`, 'ERR_PKI_KEY');
    case 'ed25519':
      return 'ed25519';
    default:
      throw new PkiError(`unsupported key type ${key.asymmetricKeyType ?? '?'}`, 'ERR_PKI_KEY');
  }
}

/** "RSA 2048", "ECDSA P-256", "Ed25519" — for tables and summaries. */
export function describeKey(key: KeyObject): string {
  const d = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return `RSA ${d.modulusLength ?? '?'}`;
    case 'ec':
      return `ECDSA ${d.namedCurve === 'prime256v1' ? 'P-256' : d.namedCurve === 'secp384r1' ? 'P-384' : (d.namedCurve ?? '?')}`;
    case 'ed25519':
      return 'Ed25519';
    default:
      return key.asymmetricKeyType ?? 'unknown';
  }
}

/** kubeadm's format for each key type: PKCS#1 for RSA, SEC1 for EC, PKCS#8 for Ed25519. */
export function defaultPrivateKeyFormat(key: KeyObject): PrivateKeyFormat {
  if (key.asymmetricKeyType === 'rsa') return 'pkcs1';
  if (key.asymmetricKeyType === 'ec') return 'sec1';
  return 'pkcs8';
}

export function privateKeyToPem(key: KeyObject, format: PrivateKeyFormat = defaultPrivateKeyFormat(key)): string {
  if (key.type !== 'private') throw new PkiError('privateKeyToPem needs a private key', 'ERR_PKI_KEY');
  if (format === 'pkcs1' && key.asymmetricKeyType !== 'rsa') {
    throw new PkiError(`PKCS#1 can only hold RSA keys, not ${describeKey(key)}`, 'ERR_PKI_KEY');
  }
  if (format === 'sec1' && key.asymmetricKeyType !== 'ec') {
    throw new PkiError(`SEC1 can only hold EC keys, not ${describeKey(key)}`, 'ERR_PKI_KEY');
  }
  return key.export({ type: format, format: 'pem' }) as string;
}

/** SPKI (`PUBLIC KEY`) PEM; accepts a private key too and derives its public half. */
export function publicKeyToPem(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'pem' }) as string;
}

/** SPKI DER of a public or private key: the canonical form to compare keys by. */
export function spkiDer(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' });
}

const PRIVATE_KEY_TYPES = new Set(['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'PRIVATE KEY']);

/** Loads an unencrypted PKCS#1, SEC1 or PKCS#8 private key from PEM (an `EC PARAMETERS` block before it is fine). */
export function loadPrivateKeyPem(pem: string | Buffer): KeyObject {
  const text = typeof pem === 'string' ? pem : pem.toString('utf8');
  const blocks = pemBlocks(text);
  if (blocks.some((b) => b.type === 'ENCRYPTED PRIVATE KEY' || (PRIVATE_KEY_TYPES.has(b.type) && b.hasHeaders))) {
    throw new PkiError(
      'encrypted private keys are not supported; decrypt it first (openssl pkey -in KEY -out KEY)',
      'ERR_PKI_KEY',
    );
  }
  const block = blocks.find((b) => PRIVATE_KEY_TYPES.has(b.type));
  if (!block) {
    throw new PkiError(
      `expected a PEM private key (RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY), found ${describeBlocks(blocks)}`,
      'ERR_PKI_PEM',
    );
  }
  try {
    const type = block.type === 'RSA PRIVATE KEY' ? 'pkcs1' : block.type === 'EC PRIVATE KEY' ? 'sec1' : 'pkcs8';
    return createPrivateKey({ key: block.der, format: 'der', type });
  } catch (e) {
    throw new PkiError(`the ${block.type} block is not a valid private key (${(e as Error).message})`, 'ERR_PKI_PARSE');
  }
}

/** Loads a public key from SPKI (`PUBLIC KEY`), PKCS#1 (`RSA PUBLIC KEY`) or a certificate's subject key. */
export function loadPublicKeyPem(pem: string | Buffer): KeyObject {
  const text = typeof pem === 'string' ? pem : pem.toString('utf8');
  const blocks = pemBlocks(text);
  const block = blocks.find((b) => b.type === 'PUBLIC KEY' || b.type === 'RSA PUBLIC KEY' || b.type === 'CERTIFICATE');
  if (!block) {
    throw new PkiError(
      `expected a PEM public key (PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE), found ${describeBlocks(blocks)}`,
      'ERR_PKI_PEM',
    );
  }
  try {
    if (block.type === 'PUBLIC KEY') return createPublicKey({ key: block.der, format: 'der', type: 'spki' });
    if (block.type === 'RSA PUBLIC KEY') return createPublicKey({ key: block.der, format: 'der', type: 'pkcs1' });
    // Node reads the subject public key straight out of a certificate PEM.
    return createPublicKey({ key: text.slice(text.indexOf('-----BEGIN CERTIFICATE-----')), format: 'pem' });
  } catch (e) {
    throw new PkiError(`the ${block.type} block is not a valid public key (${(e as Error).message})`, 'ERR_PKI_PARSE');
  }
}

/** True when both keys (either may be private) have the same public half. */
export function sameKey(a: KeyObject, b: KeyObject): boolean {
  return spkiDer(a).equals(spkiDer(b));
}
