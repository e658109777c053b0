import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { AuthenticationError, type AuthResponse, type TokenAuthenticator } from '../../../src/authn/interfaces.js';
import { CachedTokenAuthenticator } from '../../../src/authn/token-cache.js';

/** Answers by token: "good*" → a user, "bad*" → null, "err*" → error; counts calls; can be held open. */
class Counting implements TokenAuthenticator {
  readonly name = 'counting';
  calls = 0;
  release?: () => void;
  hold = false;
  asked: (string[] | undefined)[] = [];
  async authenticateToken(token: string, audiences?: string[]): Promise<AuthResponse | null> {
    this.calls++;
    this.asked.push(audiences);
    if (this.hold)
      await new Promise<void>((r) => {
        this.release = r;
      });
    if (token.startsWith('err')) throw new AuthenticationError('backend says no');
    if (!token.startsWith('good')) return null;
    return audiences
      ? { user: { username: `u-${token}`, groups: [] }, audiences: [...audiences] }
      : { user: { username: `u-${token}`, groups: [] } };
  }
}

function setup(opts: { failureTtlMs?: number; maxEntries?: number } = {}) {
  const inner = new Counting();
  let now = 1_000_000;
  const cache = new CachedTokenAuthenticator(inner, { ...opts, now: () => now });
  return {
    inner,
    cache,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('CachedTokenAuthenticator', () => {
  const ttlCases: [string, number, number][] = [
    ['a hit within 10 s is served from cache', 9_999, 1],
    ['at 10 s the entry is gone', 10_000, 2],
    ['long after, asked again', 60_000, 2],
  ];
  for (const [name, after, calls] of ttlCases) {
    test(name, async () => {
      const s = setup();
      assert.equal((await s.cache.authenticateToken('good-1'))?.user.username, 'u-good-1');
      s.advance(after);
      assert.equal((await s.cache.authenticateToken('good-1'))?.user.username, 'u-good-1');
      assert.equal(s.inner.calls, calls);
    });
  }
  test('"not authenticated" is not cached by default', async () => {
    const s = setup();
    assert.equal(await s.cache.authenticateToken('bad'), null);
    assert.equal(await s.cache.authenticateToken('bad'), null);
    assert.equal(s.inner.calls, 2);
  });
  test('"not authenticated" is cached when a failure TTL is set', async () => {
    const s = setup({ failureTtlMs: 5_000 });
    await s.cache.authenticateToken('bad');
    await s.cache.authenticateToken('bad');
    assert.equal(s.inner.calls, 1);
    s.advance(5_000);
    await s.cache.authenticateToken('bad');
    assert.equal(s.inner.calls, 2);
  });
  test('errors are never cached', async () => {
    const s = setup({ failureTtlMs: 5_000 });
    await assert.rejects(s.cache.authenticateToken('err'), /backend says no/);
    await assert.rejects(s.cache.authenticateToken('err'), /backend says no/);
    assert.equal(s.inner.calls, 2);
  });
  test('different tokens do not share entries', async () => {
    const s = setup();
    assert.equal((await s.cache.authenticateToken('good-a'))?.user.username, 'u-good-a');
    assert.equal((await s.cache.authenticateToken('good-b'))?.user.username, 'u-good-b');
    assert.equal(s.inner.calls, 2);
  });
  test('concurrent identical lookups share one call, and its result', async () => {
    const s = setup();
    s.inner.hold = true;
    const all = Promise.all(Array.from({ length: 50 }, () => s.cache.authenticateToken('good-x')));
    await new Promise((r) => setImmediate(r));
    assert.equal(s.inner.calls, 1);
    s.inner.release!();
    const results = await all;
    assert.ok(results.every((r) => r?.user.username === 'u-good-x'));
    assert.equal(s.inner.calls, 1);
  });
  test('concurrent lookups share an error, which is then forgotten', async () => {
    const s = setup();
    s.inner.hold = true;
    const all = Promise.allSettled([s.cache.authenticateToken('err-y'), s.cache.authenticateToken('err-y')]);
    await new Promise((r) => setImmediate(r));
    s.inner.release!();
    const results = await all;
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    assert.equal(s.inner.calls, 1);
    s.inner.hold = false;
    await assert.rejects(s.cache.authenticateToken('err-y'));
    assert.equal(s.inner.calls, 2);
  });
  test('bounded: the least recently used entry goes first', async () => {
    const s = setup({ maxEntries: 2 });
    await s.cache.authenticateToken('good-1');
    await s.cache.authenticateToken('good-2');
    await s.cache.authenticateToken('good-1'); // refresh 1
    await s.cache.authenticateToken('good-3'); // evicts 2
    assert.equal(s.cache.size, 2);
    const before = s.inner.calls;
    await s.cache.authenticateToken('good-1');
    assert.equal(s.inner.calls, before);
    await s.cache.authenticateToken('good-2');
    assert.equal(s.inner.calls, before + 1);
  });
  // keyFunc hashes the token and the request's audiences, each length-prefixed.
  const audienceCases: { name: string; first?: string[]; second?: string[]; shared: boolean }[] = [
    { name: 'same audiences share an entry', first: ['a', 'b'], second: ['a', 'b'], shared: true },
    { name: 'other audiences do not', first: ['a'], second: ['b'], shared: false },
    { name: 'order matters, as in the hashed list', first: ['a', 'b'], second: ['b', 'a'], shared: false },
    { name: 'lengths are prefixed: [a, b] is not [ab]', first: ['a', 'b'], second: ['ab'], shared: false },
    { name: 'lengths are prefixed: [""] is not []', first: [''], second: [], shared: false },
    { name: 'no audiences and [] hash alike (a nil slice)', first: undefined, second: [], shared: true },
    { name: 'audience-limited is not unlimited', first: ['a'], second: undefined, shared: false },
  ];
  for (const c of audienceCases) {
    test(`audiences in the key: ${c.name}`, async () => {
      const s = setup();
      const one = await s.cache.authenticateToken('good-aud', c.first);
      const two = await s.cache.authenticateToken('good-aud', c.second);
      assert.equal(s.inner.calls, c.shared ? 1 : 2);
      assert.deepEqual(
        s.inner.asked,
        c.shared ? [c.first] : [c.first, c.second],
        'the inner authenticator is told the audiences',
      );
      if (!c.shared) assert.deepEqual(two?.audiences, c.second, 'each entry keeps its own answer');
      else assert.deepEqual(two, one);
    });
  }
  test('a token and audience cannot be shifted into each other (token "ab" + [] vs token "a" + ["b"])', async () => {
    const s = setup();
    await s.cache.authenticateToken('goodab', []);
    await s.cache.authenticateToken('gooda', ['b']);
    assert.equal(s.inner.calls, 2);
  });
  test('raw tokens are never kept as keys', async () => {
    const s = setup();
    const token = 'good-secret-token-value';
    await s.cache.authenticateToken(token);
    const keys = [...(s.cache as unknown as { entries: Map<string, unknown> }).entries.keys()];
    assert.equal(keys.length, 1);
    assert.ok(!keys[0]!.includes(token));
    assert.equal(Buffer.from(keys[0]!, 'base64').length, 32, 'an HMAC-SHA256 digest');
    // a second cache (another process) derives a different key for the same token
    const other = setup();
    await other.cache.authenticateToken(token);
    const otherKey = [...(other.cache as unknown as { entries: Map<string, unknown> }).entries.keys()][0];
    assert.notEqual(otherKey, keys[0]);
  });
});
