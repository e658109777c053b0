// The CEL library on the expressions kube's documentation shows for AuthenticationConfiguration,
// plus kauth's guards: the cost budget and linear-time regular expressions.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  CEL_COST_LIMIT,
  CelCompileError,
  compileCel,
  regexProblem,
  toCelValue,
} from '../../../../src/authn/jwt/cel.js';

const CLAIMS = {
  iss: 'https://issuer.example.com',
  sub: '119abc',
  username: 'jane',
  email: 'jane@example.com',
  email_verified: true,
  hd: 'example.com',
  exp: 1700003600,
  nbf: 1700000000,
  roles: 'admin,dev',
  groups: ['devs', 'system:masters'],
  aud: ['bar', 'foo', 'baz'],
  tenant: 'acme',
  __proto__x: 1,
};

function run(expression: string, claims: unknown = CLAIMS, want: 'bool' | 'any' = 'any'): unknown {
  const counter = { n: 0 };
  const value = toCelValue(claims, counter);
  return compileCel(expression, 'claims', want).evaluate(value, counter.n);
}

describe("CEL: the expressions of kube's authentication docs", () => {
  const cases: [string, unknown][] = [
    ['claims.username + ":external-user"', 'jane:external-user'],
    ["'kauth:' + claims.sub", 'kauth:119abc'],
    ['claims.?email_verified.orValue(true)', true],
    ['claims.?missing.orValue(true)', true],
    ['claims.?email_verified.orValue(true) == true', true],
    ['claims.hd == "example.com"', true],
    ['claims.exp - claims.nbf <= 86400', true],
    ['claims.roles.split(",")', ['admin', 'dev']],
    ['sets.equivalent(claims.aud, ["bar", "foo", "baz"])', true],
    ['sets.equivalent(claims.aud, ["bar", "foo"])', false],
    ['sets.contains(claims.aud, ["foo"])', true],
    ['sets.intersects(claims.groups, ["devs", "ops"])', true],
    ['has(claims.tenant) ? claims.tenant : "none"', 'acme'],
    ['"https://" + claims.hd + "/login"', 'https://example.com/login'],
    ['claims.groups.map(g, "oidc:" + g)', ['oidc:devs', 'oidc:system:masters']],
    ['claims.groups.filter(g, !g.startsWith("system:"))', ['devs']],
    ['claims.email.lowerAscii().endsWith("@example.com")', true],
    ['claims.sub.matches("^[0-9a-z]+$")', true],
  ];
  for (const [expression, want] of cases) {
    test(expression, () => assert.deepEqual(run(expression), want));
  }

  test('user validation rules from the docs', () => {
    const user = { username: 'system:evil', uid: '', groups: ['devs', 'system:nodes'], extra: {} };
    const notSystem = compileCel("!user.username.startsWith('system:')", 'user', 'bool');
    const groupsOk = compileCel("user.groups.all(group, !group.startsWith('system:'))", 'user', 'bool');
    assert.equal(notSystem.evaluate(user, 4), false);
    assert.equal(groupsOk.evaluate(user, 4), false);
    assert.equal(groupsOk.evaluate({ ...user, groups: ['devs'] }, 3), true);
  });

  test('a missing claim is an evaluation error (kube: no such key)', () => {
    assert.throws(() => run('claims.nope'), /^CelEvalError: no such key: nope/);
  });

  test('integers stay ints, so int arithmetic and comparisons hold', () => {
    assert.equal(run('claims.exp - claims.nbf'), 3600n);
    assert.equal(run('claims.n * 2.0', { n: 1.5 }), 3);
  });

  test('a claim named __proto__ stays a key', () => {
    const claims = JSON.parse('{"__proto__": "x", "sub": "s"}');
    assert.equal(run('claims["__proto__"] + claims.sub', claims), 'xs');
  });

  test('validation rules must be bool; mappings may be anything', () => {
    assert.throws(
      () => compileCel('claims.hd', 'claims', 'bool'),
      (e: Error) => e instanceof CelCompileError && e.message === 'must evaluate to bool',
    );
    assert.equal(compileCel('claims.hd', 'claims', 'any').expression, 'claims.hd');
    assert.throws(() => compileCel('user.username', 'user', 'bool'), /must evaluate to bool/);
  });

  test('unknown variables and functions do not compile', () => {
    assert.throws(() => compileCel('request.path', 'claims', 'any'), /^CelCompileError: compilation failed: /);
    assert.throws(
      () => compileCel('url(claims.iss).getHost()', 'claims', 'any'),
      /^CelCompileError: compilation failed: /,
    );
  });

  test('selects are known at compile time (for the email_verified rule)', () => {
    const e = compileCel('claims.?email.orValue("") + (claims.email_verified ? "" : "!")', 'claims', 'any');
    assert.equal(e.selects('email'), true);
    assert.equal(e.selects('email_verified'), true);
    assert.equal(compileCel('claims["email"]', 'claims', 'any').selects('email'), false);
  });
});

describe('CEL budget and regular expressions', () => {
  test('nested comprehensions over a large claim exceed the cost limit', () => {
    const claims = { groups: Array.from({ length: 2000 }, (_, i) => `g${i}`) };
    const nested = 'claims.groups.all(a, claims.groups.all(b, a != b || a == b))';
    assert.throws(() => run(nested, claims), /operation cancelled: actual cost limit exceeded/);
    // The same nesting over a small list is fine, and one level over the large list too.
    assert.equal(run(nested, { groups: ['a', 'b', 'c'] }), true);
    assert.equal(run('claims.groups.all(a, a.startsWith("g"))', claims), true);
    assert.ok(CEL_COST_LIMIT >= 1_000_000);
  });

  const patterns: [string, boolean][] = [
    ['^[a-z0-9]+$', true],
    ['^(ab|cd)$', true],
    ['^(foo)+$', true],
    ['^(a+)+$', false],
    ['^(a|aa)*$', false],
    ['(x*)*', false],
    ['^(a)\\1$', false],
    ['^(?=a)a$', false],
    ['^[(a+)+]$', true],
  ];
  for (const [pattern, ok] of patterns) {
    test(`regex ${pattern} is ${ok ? 'accepted' : 'refused'}`, () =>
      assert.equal(regexProblem(pattern) === undefined, ok));
  }

  test('matches() needs a constant, safe pattern', () => {
    assert.throws(
      () => compileCel('claims.sub.matches(claims.re)', 'claims', 'bool'),
      /matches\(\) takes a constant pattern/,
    );
    assert.throws(() => compileCel('claims.sub.matches("^(a+)+$")', 'claims', 'bool'), /nested quantifiers/);
  });
});
