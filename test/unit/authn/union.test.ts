import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { AnonymousAuthenticator } from '../../../src/authn/anonymous.js';
import { AuthenticatedGroupAdder, withAuthenticatedGroup } from '../../../src/authn/group-adder.js';
import {
  AuthenticationError,
  type Authenticator,
  type AuthResponse,
  type TokenAuthenticator,
  type UserInfo,
} from '../../../src/authn/interfaces.js';
import { UnionTokenAuthenticator } from '../../../src/authn/token-union.js';
import { UnionAuthenticator, withAnonymousFallback } from '../../../src/authn/union.js';

type Behaviour = 'none' | 'error' | 'crash' | string; // string: the user name it returns
const user = (name: string): AuthResponse => ({ user: { username: name, groups: [] } });

function requestAuth(name: string, b: Behaviour, calls: string[]): Authenticator {
  return {
    name,
    async authenticate() {
      calls.push(name);
      if (b === 'none') return null;
      if (b === 'error') throw new AuthenticationError(`${name} failed`);
      if (b === 'crash') throw new Error(`${name} crashed`);
      return user(b);
    },
  };
}

function tokenAuth(name: string, b: Behaviour, calls: string[]): TokenAuthenticator {
  const r = requestAuth(name, b, calls);
  return { name, authenticateToken: () => r.authenticate({ headers: {}, peerCertificates: [] }) };
}

const noRequest = { headers: {}, peerCertificates: [] };
type Outcome = { user: string } | { error: string } | null;

async function outcome(p: Promise<AuthResponse | null>): Promise<Outcome> {
  try {
    const r = await p;
    return r ? { user: r.user.username } : null;
  } catch (e) {
    assert.ok(e instanceof AuthenticationError, 'unions only throw AuthenticationError');
    return { error: e.message };
  }
}

const table: { name: string; chain: Behaviour[]; union: Outcome; failOnError: Outcome; calls: number }[] = [
  { name: 'first accepts', chain: ['a', 'b'], union: { user: 'a' }, failOnError: { user: 'a' }, calls: 1 },
  {
    name: 'second accepts after a no',
    chain: ['none', 'b'],
    union: { user: 'b' },
    failOnError: { user: 'b' },
    calls: 2,
  },
  {
    name: 'second accepts after an error',
    chain: ['error', 'b'],
    union: { user: 'b' },
    failOnError: { error: 'x0 failed' },
    calls: 2,
  },
  { name: 'nobody', chain: ['none', 'none'], union: null, failOnError: null, calls: 2 },
  {
    name: 'one error among noes',
    chain: ['none', 'error', 'none'],
    union: { error: 'x1 failed' },
    failOnError: { error: 'x1 failed' },
    calls: 3,
  },
  {
    name: 'errors aggregated',
    chain: ['error', 'crash'],
    union: { error: '[x0 failed, x1 crashed]' },
    failOnError: { error: 'x0 failed' },
    calls: 2,
  },
  { name: 'empty chain', chain: [], union: null, failOnError: null, calls: 0 },
];

describe('UnionAuthenticator', () => {
  for (const c of table) {
    test(c.name, async () => {
      const calls: string[] = [];
      const union = new UnionAuthenticator(c.chain.map((b, i) => requestAuth(`x${i}`, b, calls)));
      assert.deepEqual(await outcome(union.authenticate(noRequest)), c.union);
      assert.equal(calls.length, c.calls);
    });
    test(`${c.name} (failOnError)`, async () => {
      const union = new UnionAuthenticator(
        c.chain.map((b, i) => requestAuth(`x${i}`, b, [])),
        { failOnError: true },
      );
      assert.deepEqual(await outcome(union.authenticate(noRequest)), c.failOnError);
    });
  }
});

describe('UnionTokenAuthenticator', () => {
  for (const c of table) {
    test(c.name, async () => {
      const calls: string[] = [];
      const union = new UnionTokenAuthenticator(c.chain.map((b, i) => tokenAuth(`x${i}`, b, calls)));
      assert.deepEqual(await outcome(union.authenticateToken('t')), c.union);
      assert.equal(calls.length, c.calls);
    });
  }
});

describe('anonymous fallback', () => {
  const cases: [string, Behaviour, Outcome][] = [
    ['no credential → system:anonymous', 'none', { user: 'system:anonymous' }],
    ['a bad credential is refused, not downgraded', 'error', { error: 'chain failed' }],
    ['a crash is refused too', 'crash', { error: 'chain crashed' }],
    ['a good credential wins', 'alice', { user: 'alice' }],
  ];
  for (const [name, b, expected] of cases) {
    test(name, async () => {
      const auth = withAnonymousFallback(requestAuth('chain', b, []), new AnonymousAuthenticator());
      assert.deepEqual(await outcome(auth.authenticate(noRequest)), expected);
    });
  }
  test('anonymous is system:anonymous in system:unauthenticated', async () => {
    assert.deepEqual(await new AnonymousAuthenticator().authenticate(), {
      user: { username: 'system:anonymous', groups: ['system:unauthenticated'] },
    });
  });
});

describe('authenticated group adder', () => {
  const cases: [string, UserInfo, string[]][] = [
    ['user gets system:authenticated', { username: 'alice', groups: ['dev'] }, ['dev', 'system:authenticated']],
    ['no groups', { username: 'alice', groups: [] }, ['system:authenticated']],
    [
      'anonymous is left alone',
      { username: 'system:anonymous', groups: ['system:unauthenticated'] },
      ['system:unauthenticated'],
    ],
    [
      'already authenticated',
      { username: 'bob', groups: ['system:authenticated', 'x'] },
      ['system:authenticated', 'x'],
    ],
    [
      'explicitly unauthenticated',
      { username: 'carol', groups: ['system:unauthenticated'] },
      ['system:unauthenticated'],
    ],
  ];
  for (const [name, u, groups] of cases) {
    test(name, async () => {
      const original = structuredClone(u);
      const resp = await new AuthenticatedGroupAdder({
        name: 'x',
        authenticate: async () => ({ user: u }),
      }).authenticate(noRequest);
      assert.deepEqual(resp!.user.groups, groups);
      assert.deepEqual(u, original, 'the inner response is not mutated (it may be cached)');
    });
  }
  test('uid and extra are kept', () => {
    const r = withAuthenticatedGroup({
      user: { username: 'a', uid: '1', groups: [], extra: { k: ['v'] } },
      audiences: ['x'],
    });
    assert.deepEqual(r, {
      user: { username: 'a', uid: '1', groups: ['system:authenticated'], extra: { k: ['v'] } },
      audiences: ['x'],
    });
  });
  test('no user → no user', async () => {
    assert.equal(
      await new AuthenticatedGroupAdder({ name: 'x', authenticate: async () => null }).authenticate(noRequest),
      null,
    );
  });
});
