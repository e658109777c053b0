// The providers of one `resources[]` entry as kube's value.PrefixTransformers: the first provider writes; reading
// picks the provider whose prefix `k8s:enc:<provider>:v1:` starts the value, then the key named after it. identity
// has no prefix and reads anything that is not encrypted. Kube stores the raw bytes after the prefix; kauth's
// Store holds text, so the nonce and ciphertext are base64-encoded after the prefix.
import { aesCbc, aesGcm } from './aes.js';
import type { Cipher } from './cipher.js';
import type { CipherName, ProviderConfig, ResourceConfig } from './config.js';
import { secretbox } from './secretbox.js';

/** Every encrypted value starts with this; identity refuses to return such a value as plaintext. */
export const ENCRYPTED_PREFIX = 'k8s:enc:';

export interface ValueTransformer {
  toStorage(plaintext: string, storageKey: string): string;
  /**
   * Throws TransformError when no configured provider and key can read the value. `stale` (kube's name): read
   * by another provider or key than the one that writes, so a rewrite is due even when the object is unchanged.
   */
  fromStorage(stored: string, storageKey: string): { value: string; stale: boolean };
}

export class TransformError extends Error {
  constructor(
    readonly storageKey: string,
    reason: string,
  ) {
    // kube's etcd3 store: `unable to transform key %q: %w`. Never includes the value.
    super(`unable to transform key "${storageKey}": ${reason}`);
    this.name = 'TransformError';
  }
}

const CIPHERS: Record<CipherName, (key: Buffer) => Cipher> = { aescbc: aesCbc, aesgcm: aesGcm, secretbox };
const NO_KEY: Record<CipherName, string> = {
  aescbc: 'no matching key was found for the provided AES transformer',
  aesgcm: 'no matching key was found for the provided AES transformer',
  secretbox: 'no matching key was found for the provided Secretbox transformer',
};

interface KeyedCipher {
  prefix: string;
  cipher: Cipher;
}
type Provider = { type: 'identity' } | { type: CipherName; prefix: string; keys: KeyedCipher[] };

export const providerPrefix = (type: CipherName): string => `${ENCRYPTED_PREFIX}${type}:v1:`;

function buildProvider(p: ProviderConfig): Provider {
  if (p.type === 'identity') return p;
  const make = CIPHERS[p.type];
  return {
    type: p.type,
    prefix: providerPrefix(p.type),
    keys: p.keys.map((k) => ({ prefix: `${k.name}:`, cipher: make(k.secret) })),
  };
}

/** The transformer for one resources[] entry's providers. */
export function prefixTransformer(entry: Pick<ResourceConfig, 'providers'>): ValueTransformer {
  const providers = entry.providers.map(buildProvider);
  const writer = providers[0];
  if (!writer) throw new Error('at least one provider is required');
  return {
    toStorage(plaintext, storageKey) {
      if (writer.type === 'identity') return plaintext;
      const key = writer.keys[0]!;
      const sealed = key.cipher.seal(Buffer.from(plaintext, 'utf8'), Buffer.from(storageKey, 'utf8'));
      return `${writer.prefix}${key.prefix}${sealed.toString('base64')}`;
    },
    fromStorage(stored, storageKey) {
      let identityRefused = false;
      for (const p of providers) {
        const stale = p !== writer;
        if (p.type === 'identity') {
          // kube lets identity fail on encrypted data and the next provider try (decrypt-to-identity rotation).
          if (!stored.startsWith(ENCRYPTED_PREFIX)) return { value: stored, stale };
          identityRefused = true;
          continue;
        }
        if (!stored.startsWith(p.prefix)) continue;
        const rest = stored.slice(p.prefix.length);
        const key = p.keys.find((k) => rest.startsWith(k.prefix));
        if (!key) throw new TransformError(storageKey, NO_KEY[p.type]);
        const data = Buffer.from(rest.slice(key.prefix.length), 'base64');
        try {
          const value = key.cipher.open(data, Buffer.from(storageKey, 'utf8')).toString('utf8');
          return { value, stale: stale || key !== p.keys[0] };
        } catch (e) {
          throw new TransformError(
            storageKey,
            `failed to decrypt with ${p.type} key "${key.prefix.slice(0, -1)}": ${(e as Error).message}`,
          );
        }
      }
      throw new TransformError(
        storageKey,
        identityRefused ? 'identity transformer tried to read encrypted data' : 'no matching prefix found',
      );
    },
  };
}

/** What a resource that no entry covers uses: kube's identity.NewEncryptCheckTransformer. */
export const identityTransformer: ValueTransformer = {
  toStorage: (plaintext) => plaintext,
  fromStorage(stored, storageKey) {
    if (stored.startsWith(ENCRYPTED_PREFIX))
      throw new TransformError(storageKey, 'identity transformer tried to read encrypted data');
    return { value: stored, stale: false };
  },
};
