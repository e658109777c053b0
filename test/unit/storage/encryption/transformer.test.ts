// The providers and kube's prefix envelope: round trips, the AAD binding of AES-GCM, tampering, wrong keys,
// identity's fallback, and the multi-key / multi-provider reads that rotation relies on.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import type { ProviderConfig } from '../../../../src/storage/encryption/config.js';
import { loadSecretbox } from '../../../../src/storage/encryption/secretbox.js';
import { prefixTransformer, TransformError } from '../../../../src/storage/encryption/transformer.js';

const KEY = '/registry/secrets/default/db';
const OTHER_KEY = '/registry/secrets/default/other';
const PLAIN = '{"kind":"Secret","data":{"password":"aHVudGVyMg=="},"note":"유니코드 \u{1F600}"}';
const key = (name: string, bytes = 32) => ({ name, secret: randomBytes(bytes) });
const cipher = (
  type: 'aescbc' | 'aesgcm' | 'secretbox',
  ...keys: { name: string; secret: Buffer }[]
): ProviderConfig => ({ type, keys });
const identity: ProviderConfig = { type: 'identity' };

/** Swaps one base64 character of the ciphertext (well past the prefix and the nonce). */
function tamper(stored: string): string {
  const at = stored.length - 10;
  const c = stored[at] === 'A' ? 'B' : 'A';
  return stored.slice(0, at) + c + stored.slice(at + 1);
}

describe('encryption providers', () => {
  before(() => loadSecretbox());
  const providers = [
    { type: 'aescbc' as const, sizes: [16, 24, 32] },
    { type: 'aesgcm' as const, sizes: [16, 24, 32] },
    { type: 'secretbox' as const, sizes: [32] },
  ];
  for (const { type, sizes } of providers) {
    for (const size of sizes) {
      it(`${type} (${size}-byte key): round trip under kube's prefix, base64 after it, no plaintext`, () => {
        const t = prefixTransformer({ providers: [cipher(type, key('key1', size))] });
        const stored = t.toStorage(PLAIN, KEY);
        const prefix = `k8s:enc:${type}:v1:key1:`;
        assert.ok(stored.startsWith(prefix), stored.slice(0, 40));
        assert.match(stored.slice(prefix.length), /^[A-Za-z0-9+/]+=*$/);
        assert.ok(!stored.includes('aHVudGVyMg') && !stored.includes('Secret'));
        assert.equal(t.fromStorage(stored, KEY).value, PLAIN);
        assert.notEqual(t.toStorage(PLAIN, KEY), stored, 'a fresh nonce/IV for every write');
        assert.equal(t.fromStorage(t.toStorage('', KEY), KEY).value, '');
      });
    }
  }

  it('aesgcm binds the storage key: a value moved to another key does not decrypt', () => {
    const t = prefixTransformer({ providers: [cipher('aesgcm', key('k'))] });
    const stored = t.toStorage(PLAIN, KEY);
    assert.throws(
      () => t.fromStorage(stored, OTHER_KEY),
      (e: Error) =>
        e instanceof TransformError &&
        e.message ===
          `unable to transform key "${OTHER_KEY}": failed to decrypt with aesgcm key "k": cipher: message authentication failed`,
    );
  });

  for (const type of ['aesgcm', 'secretbox'] as const) {
    it(`${type}: tampered ciphertext fails, never returns garbage`, () => {
      const t = prefixTransformer({ providers: [cipher(type, key('k'))] });
      const stored = t.toStorage(PLAIN, KEY);
      assert.throws(() => t.fromStorage(tamper(stored), KEY), /failed to decrypt/);
      assert.throws(
        () => t.fromStorage(stored.slice(0, `k8s:enc:${type}:v1:k:`.length + 8), KEY),
        /shorter than the required size/,
      );
    });
  }

  const wrongKeyCases = [
    { type: 'aesgcm' as const, want: /failed to decrypt with aesgcm key "k"/ },
    { type: 'secretbox' as const, want: /failed to decrypt with secretbox key "k"/ },
  ];
  for (const { type, want } of wrongKeyCases) {
    it(`${type}: the same key name with another secret fails`, () => {
      const stored = prefixTransformer({ providers: [cipher(type, key('k'))] }).toStorage(PLAIN, KEY);
      const other = prefixTransformer({ providers: [cipher(type, key('k'))] });
      assert.throws(() => other.fromStorage(stored, KEY), want);
    });
  }

  it('aescbc: a wrong key is caught by the padding check (CBC is unauthenticated) at least almost always', () => {
    let caught = 0;
    for (let i = 0; i < 20; i++) {
      const stored = prefixTransformer({ providers: [cipher('aescbc', key('k'))] }).toStorage(PLAIN, KEY);
      try {
        const got = prefixTransformer({ providers: [cipher('aescbc', key('k'))] }).fromStorage(stored, KEY).value;
        assert.notEqual(got, PLAIN);
      } catch (e) {
        assert.match((e as Error).message, /failed to decrypt with aescbc key "k": invalid padding on input/);
        caught++;
      }
    }
    assert.ok(caught >= 15, `${caught}/20`);
  });

  it('an unknown key name: kube\'s "no matching key was found"', () => {
    const stored = prefixTransformer({ providers: [cipher('secretbox', key('old'))] }).toStorage(PLAIN, KEY);
    const t = prefixTransformer({ providers: [cipher('secretbox', key('new'))] });
    assert.throws(() => t.fromStorage(stored, KEY), {
      message: `unable to transform key "${KEY}": no matching key was found for the provided Secretbox transformer`,
    });
  });

  it('no provider matches the prefix: "no matching prefix found"; plaintext is never guessed', () => {
    const t = prefixTransformer({ providers: [cipher('aesgcm', key('k'))] });
    assert.throws(() => t.fromStorage(PLAIN, KEY), {
      message: `unable to transform key "${KEY}": no matching prefix found`,
    });
    const sb = prefixTransformer({ providers: [cipher('secretbox', key('k'))] }).toStorage(PLAIN, KEY);
    assert.throws(() => t.fromStorage(sb, KEY), /no matching prefix found/);
  });

  it('identity reads plaintext, refuses encrypted data, and lets a later provider read it', () => {
    const k = key('k');
    const encrypted = prefixTransformer({ providers: [cipher('aescbc', k)] }).toStorage(PLAIN, KEY);
    const onlyIdentity = prefixTransformer({ providers: [identity] });
    assert.equal(onlyIdentity.fromStorage(PLAIN, KEY).value, PLAIN);
    assert.equal(onlyIdentity.toStorage(PLAIN, KEY), PLAIN);
    assert.throws(() => onlyIdentity.fromStorage(encrypted, KEY), /identity transformer tried to read encrypted data/);
    // Decrypt-to-identity: identity first writes plaintext, aescbc second still reads the old values.
    const decrypting = prefixTransformer({ providers: [identity, cipher('aescbc', k)] });
    assert.equal(decrypting.fromStorage(encrypted, KEY).value, PLAIN);
    assert.equal(decrypting.toStorage(PLAIN, KEY), PLAIN);
    // Encrypting an existing store: the cipher writes, identity still reads what was stored before.
    const enabling = prefixTransformer({ providers: [cipher('aescbc', k), identity] });
    assert.equal(enabling.fromStorage(PLAIN, KEY).value, PLAIN);
    assert.ok(enabling.toStorage(PLAIN, KEY).startsWith('k8s:enc:aescbc:v1:k:'));
  });

  it('rotation: every key reads, the first writes; every provider reads, the first writes', () => {
    const k1 = key('key1');
    const k2 = key('key2');
    const before = prefixTransformer({ providers: [cipher('aesgcm', k1)] }).toStorage(PLAIN, KEY);
    const rotating = prefixTransformer({ providers: [cipher('aesgcm', k2, k1)] });
    assert.deepEqual(
      rotating.fromStorage(before, KEY),
      { value: PLAIN, stale: true },
      'read with the second key: stale',
    );
    const after = rotating.toStorage(PLAIN, KEY);
    assert.deepEqual(rotating.fromStorage(after, KEY), { value: PLAIN, stale: false });
    assert.ok(after.startsWith('k8s:enc:aesgcm:v1:key2:'));
    const done = prefixTransformer({ providers: [cipher('aesgcm', k2)] });
    assert.equal(done.fromStorage(after, KEY).value, PLAIN);
    assert.throws(() => done.fromStorage(before, KEY), /no matching key was found/);
    const mixed = prefixTransformer({ providers: [cipher('secretbox', key('sb')), cipher('aesgcm', k1)] });
    assert.deepEqual(
      mixed.fromStorage(before, KEY),
      { value: PLAIN, stale: true },
      'read by the second provider: stale',
    );
    assert.deepEqual(prefixTransformer({ providers: [identity, cipher('aesgcm', k1)] }).fromStorage(PLAIN, KEY), {
      value: PLAIN,
      stale: false,
    });
    assert.deepEqual(prefixTransformer({ providers: [cipher('aesgcm', k1), identity] }).fromStorage(PLAIN, KEY), {
      value: PLAIN,
      stale: true,
    });
    assert.ok(mixed.toStorage(PLAIN, KEY).startsWith('k8s:enc:secretbox:v1:sb:'));
  });
});
