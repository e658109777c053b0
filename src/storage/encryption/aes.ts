// AES-GCM and AES-CBC as kube-apiserver's k8s.io/apiserver/pkg/storage/value/encrypt/aes: the stored bytes are
// nonce (12) + ciphertext + tag (16) for GCM, IV (16) + PKCS#7-padded ciphertext for CBC. node:crypto does the work.
import { createCipheriv, createDecipheriv, randomBytes, type CipherGCMTypes } from 'node:crypto';
import type { Cipher } from './cipher.js';

const GCM_NONCE = 12;
const GCM_TAG = 16;
const BLOCK = 16;

const algorithm = (mode: 'gcm' | 'cbc', key: Buffer): string => `aes-${key.length * 8}-${mode}`;
const gcmAlgorithm = (key: Buffer): CipherGCMTypes => algorithm('gcm', key) as CipherGCMTypes;

/**
 * AES-GCM with a random 96-bit nonce and the storage key as AAD. NIST SP 800-38D allows 2^32 random nonces per
 * key; kube's docs ask for rotation every 200k writes to stay far below it.
 */
export function aesGcm(key: Buffer): Cipher {
  const alg = gcmAlgorithm(key);
  return {
    seal(plaintext, context) {
      const nonce = randomBytes(GCM_NONCE);
      const c = createCipheriv(alg, key, nonce, { authTagLength: GCM_TAG });
      c.setAAD(context);
      const body = Buffer.concat([c.update(plaintext), c.final()]);
      return Buffer.concat([nonce, body, c.getAuthTag()]);
    },
    open(data, context) {
      if (data.length < GCM_NONCE + GCM_TAG) throw new Error('the stored data was shorter than the required size');
      const d = createDecipheriv(alg, key, data.subarray(0, GCM_NONCE), { authTagLength: GCM_TAG });
      d.setAAD(context);
      d.setAuthTag(data.subarray(data.length - GCM_TAG));
      try {
        return Buffer.concat([d.update(data.subarray(GCM_NONCE, data.length - GCM_TAG)), d.final()]);
      } catch {
        throw new Error('cipher: message authentication failed'); // Go's crypto/cipher text
      }
    },
  };
}

/**
 * AES-CBC with a random IV and PKCS#7 padding. Unauthenticated (kube's docs: "not recommended due to CBC's
 * vulnerability to padding oracle attacks"): a wrong key is only noticed when the padding comes out invalid.
 */
export function aesCbc(key: Buffer): Cipher {
  const alg = algorithm('cbc', key);
  return {
    seal(plaintext) {
      const iv = randomBytes(BLOCK);
      const c = createCipheriv(alg, key, iv);
      return Buffer.concat([iv, c.update(plaintext), c.final()]);
    },
    open(data) {
      if (data.length < BLOCK) throw new Error('the stored data was shorter than the required size');
      if ((data.length - BLOCK) % BLOCK !== 0) throw new Error('the stored data is not a multiple of the block size');
      const d = createDecipheriv(alg, key, data.subarray(0, BLOCK));
      try {
        return Buffer.concat([d.update(data.subarray(BLOCK)), d.final()]);
      } catch {
        throw new Error('invalid padding on input');
      }
    },
  };
}
