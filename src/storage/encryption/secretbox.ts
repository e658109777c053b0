// NaCl secretbox (XSalsa20-Poly1305) as kube-apiserver's encrypt/secretbox: a random 24-byte nonce, then the box.
// Like kube's, it does not bind the storage key. The cipher comes from @noble/ciphers, loaded only when a
// configuration uses secretbox (its import costs start-up time that `kauth up`'s aesgcm default does not pay).
import { randomBytes } from 'node:crypto';
import type { Cipher } from './cipher.js';
import type { EncryptionConfiguration } from './config.js';

const NONCE = 24;
const OVERHEAD = 16;

type XSalsa = typeof import('@noble/ciphers/salsa.js').xsalsa20poly1305;
let xsalsa20poly1305: XSalsa | undefined;

/** Loads the cipher library (once). */
export async function loadSecretbox(): Promise<void> {
  xsalsa20poly1305 ??= (await import('@noble/ciphers/salsa.js')).xsalsa20poly1305;
}

/** Loads the cipher library when the configuration has a secretbox provider; call before building transformers. */
export async function prepareSecretbox(config: EncryptionConfiguration): Promise<void> {
  if (config.resources.some((r) => r.providers.some((p) => p.type === 'secretbox'))) await loadSecretbox();
}

export function secretbox(key: Buffer): Cipher {
  const box = xsalsa20poly1305;
  if (!box) throw new Error('secretbox used before prepareSecretbox loaded its cipher');
  const k = new Uint8Array(key);
  return {
    seal(plaintext) {
      const nonce = randomBytes(NONCE);
      return Buffer.concat([nonce, box(k, nonce).encrypt(plaintext)]);
    },
    open(data) {
      if (data.length < NONCE + OVERHEAD) throw new Error('the stored data was shorter than the required size');
      try {
        return Buffer.from(box(k, data.subarray(0, NONCE)).decrypt(data.subarray(NONCE)));
      } catch {
        throw new Error('message authentication failed');
      }
    },
  };
}
