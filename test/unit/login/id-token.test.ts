import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnsecuredJWT } from 'jose';
import { EXPIRY_MARGIN_SECONDS, idTokenExpiry, idTokenUsable } from '../../../src/login/id-token.js';

const jwt = (claims: Record<string, unknown>): string => new UnsecuredJWT(claims).encode();
const now = new Date(Date.UTC(2030, 5, 1, 12, 0, 0));
const nowSec = now.getTime() / 1000;

describe('idTokenExpiry', () => {
  it('reads exp', () => {
    assert.equal(idTokenExpiry(jwt({ exp: nowSec + 60 }))?.toISOString(), '2030-06-01T12:01:00.000Z');
  });
  for (const [name, token] of [
    ['no exp', jwt({ sub: 'a' })],
    ['exp as a string', jwt({ exp: String(nowSec) })],
    ['not a JWT', 'opaque-access-token'],
    ['empty', ''],
  ] as const) {
    it(`undefined for ${name}`, () => assert.equal(idTokenExpiry(token), undefined));
  }
});

describe('idTokenUsable', () => {
  const cases: [string, number | undefined, boolean][] = [
    ['an hour left', 3600, true],
    ['just over the margin', EXPIRY_MARGIN_SECONDS + 1, true],
    ['exactly the margin left', EXPIRY_MARGIN_SECONDS, false],
    ['a second left', 1, false],
    ['expired', -60, false],
    ['no exp', undefined, false],
  ];
  for (const [name, left, want] of cases) {
    it(`${name}: ${want}`, () => {
      const token = jwt(left === undefined ? {} : { exp: nowSec + left });
      assert.equal(idTokenUsable(token, now), want);
    });
  }
});
