// Bridges node:crypto KeyObjects to the WebCrypto keys @peculiar/x509 signs with, and picks the signature
// algorithm Go's crypto/x509 would: SHA-256 for RSA and P-256, SHA-384 for P-384, pure Ed25519.
import { webcrypto, type KeyObject } from 'node:crypto';
import { PkiError } from './errors.js';
import { keyAlgorithmOf } from './keys.js';
import type { x509Types } from './x509.js';

// The WebCrypto types as @peculiar/x509 declares them (the DOM lib is not loaded in this project).
export type LibCryptoKey = x509Types.X509CertificateCreateWithKeyParams['signingKey'];
export type LibAlgorithm = NonNullable<x509Types.X509CertificateCreateParamsBase['signingAlgorithm']>;

type WebCryptoKey = webcrypto.CryptoKey;

export interface SigningKey {
  key: WebCryptoKey;
  /** The algorithm passed to the generators; includes the hash. */
  algorithm: { name: string; hash?: string };
}

interface Params {
  importAlg: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams | webcrypto.Algorithm;
  signAlg: { name: string; hash?: string };
}

function paramsFor(key: KeyObject): Params {
  const alg = keyAlgorithmOf(key);
  switch (alg) {
    case 'rsa-2048':
    case 'rsa-3072':
    case 'rsa-4096':
      return {
        importAlg: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
        signAlg: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      };
    case 'ecdsa-p256':
      return { importAlg: { name: 'ECDSA', namedCurve: 'P-256' }, signAlg: { name: 'ECDSA', hash: 'SHA-256' } };
    case 'ecdsa-p384':
      return { importAlg: { name: 'ECDSA', namedCurve: 'P-384' }, signAlg: { name: 'ECDSA', hash: 'SHA-384' } };
    case 'ed25519':
      return { importAlg: { name: 'Ed25519' }, signAlg: { name: 'Ed25519' } };
  }
}

// A CA key signs many certificates: import it into WebCrypto once per KeyObject.
const privateCache = new WeakMap<KeyObject, Promise<SigningKey>>();
const publicCache = new WeakMap<KeyObject, Promise<WebCryptoKey>>();

export function toSigningKey(privateKey: KeyObject): Promise<SigningKey> {
  if (privateKey.type !== 'private') {
    return Promise.reject(new PkiError('a private key is needed to sign', 'ERR_PKI_KEY'));
  }
  let cached = privateCache.get(privateKey);
  if (!cached) {
    const { importAlg, signAlg } = paramsFor(privateKey);
    const der = privateKey.export({ type: 'pkcs8', format: 'der' });
    cached = webcrypto.subtle
      .importKey('pkcs8', der, importAlg, false, ['sign'])
      .then((key) => ({ key, algorithm: signAlg }));
    privateCache.set(privateKey, cached);
  }
  return cached;
}

/** The public half as a WebCrypto key (the CSR generator needs both halves of a CryptoKeyPair). */
export function toVerifyKey(publicKey: KeyObject): Promise<WebCryptoKey> {
  let cached = publicCache.get(publicKey);
  if (!cached) {
    const { importAlg } = paramsFor(publicKey);
    const der = publicKey.export({ type: 'spki', format: 'der' });
    cached = webcrypto.subtle.importKey('spki', der, importAlg, true, ['verify']);
    publicCache.set(publicKey, cached);
  }
  return cached;
}
