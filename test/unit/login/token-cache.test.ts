import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TokenCache, tokenCacheKey } from '../../../src/login/token-cache.js';
import { tempDir } from '../pki/helpers.js';

const base = { issuerUrl: 'https://idp.example.com/realms/k8s', clientId: 'kubernetes', scopes: ['openid', 'email'] };

describe('tokenCacheKey', () => {
  it('is 64 hex digits and does not depend on scope order or repeats', () => {
    const k = tokenCacheKey(base);
    assert.match(k, /^[0-9a-f]{64}$/);
    assert.equal(tokenCacheKey({ ...base, scopes: ['email', 'openid', 'email'] }), k);
  });
  const different: [string, typeof base][] = [
    ['another issuer', { ...base, issuerUrl: 'https://idp.example.com/realms/other' }],
    ['another client', { ...base, clientId: 'kubectl' }],
    ['another scope set', { ...base, scopes: ['openid', 'email', 'groups'] }],
  ];
  for (const [name, input] of different) {
    it(`differs for ${name}`, () => assert.notEqual(tokenCacheKey(input), tokenCacheKey(base)));
  }
});

describe('TokenCache', () => {
  it('creates the directory 0700 and writes files 0600, whatever the umask', () => {
    const dir = join(tempDir('kauth-login-cache-'), 'a', 'oidc-login');
    const old = process.umask(0o000);
    try {
      const cache = new TokenCache(dir);
      cache.write('k'.repeat(64), { id_token: 'id', refresh_token: 'rt' });
    } finally {
      process.umask(old);
    }
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const file = join(dir, 'k'.repeat(64));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { id_token: 'id', refresh_token: 'rt' });
    assert.deepEqual(readdirSync(dir), ['k'.repeat(64)], 'no temp file left behind');
  });

  it('leaves the mode of a directory that already exists alone', () => {
    const dir = tempDir('kauth-login-cache-');
    const cache = new TokenCache(dir);
    const before = statSync(dir).mode & 0o777;
    cache.write(tokenCacheKey(base), { id_token: 'id' });
    assert.equal(statSync(dir).mode & 0o777, before);
  });

  it('reads back what it wrote; a replaced entry keeps 0600', () => {
    const cache = new TokenCache(tempDir('kauth-login-cache-'));
    const key = tokenCacheKey(base);
    cache.write(key, { id_token: 'one', refresh_token: 'r1' });
    cache.write(key, { id_token: 'two' });
    assert.deepEqual(cache.read(key), { id_token: 'two' });
    assert.equal(statSync(cache.pathFor(key)).mode & 0o777, 0o600);
  });

  const unreadable: [string, string][] = [
    ['not JSON', '{"id_token": '],
    ['no id_token', '{"refresh_token":"r"}'],
    ['an empty id_token', '{"id_token":""}'],
    ['id_token not a string', '{"id_token":5}'],
  ];
  for (const [name, content] of unreadable) {
    it(`treats ${name} as no cache`, () => {
      const cache = new TokenCache(tempDir('kauth-login-cache-'));
      writeFileSync(cache.pathFor('x'), content);
      assert.equal(cache.read('x'), undefined);
    });
  }

  it('drops an empty refresh token and answers undefined for a missing entry', () => {
    const cache = new TokenCache(tempDir('kauth-login-cache-'));
    writeFileSync(cache.pathFor('x'), '{"id_token":"i","refresh_token":""}');
    assert.deepEqual(cache.read('x'), { id_token: 'i' });
    assert.equal(cache.read('missing'), undefined);
    cache.remove('missing');
  });

  it('clear removes its own files only', () => {
    const dir = tempDir('kauth-login-cache-');
    const cache = new TokenCache(dir);
    const key = tokenCacheKey(base);
    cache.write(key, { id_token: 'i' });
    writeFileSync(join(dir, `${key}.lock`), '1');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    mkdirSync(join(dir, 'sub'));
    assert.equal(cache.clear(), 2);
    assert.deepEqual(readdirSync(dir).sort(), ['notes.txt', 'sub']);
    assert.equal(new TokenCache(join(dir, 'absent')).clear(), 0);
  });
});
