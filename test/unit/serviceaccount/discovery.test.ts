import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify, errors as joseErrors } from 'jose';
import { defaultJwksUri, DiscoveryError, jwks, openIdConfiguration } from '../../../src/serviceaccount/discovery.js';
import { TokenIssuer } from '../../../src/serviceaccount/issue.js';
import { API_AUDIENCES, ecSigningKey, ISSUER, newRsaSigningKey, rsaSigningKey } from './fixtures.js';

const request = {
  namespace: 'demo',
  serviceAccount: { name: 'pod-viewer', uid: 'u' },
  audiences: API_AUDIENCES,
  expirationSeconds: 600,
};

describe('openid-configuration', () => {
  test('the document kube-apiserver serves, field for field', () => {
    assert.equal(
      JSON.stringify(openIdConfiguration(ISSUER, defaultJwksUri('10.0.0.1:6443'), [rsaSigningKey()])),
      JSON.stringify({
        issuer: ISSUER,
        jwks_uri: 'https://10.0.0.1:6443/openid/v1/jwks',
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      }),
    );
  });
  test("algorithms are the keys', de-duplicated and sorted", () => {
    const doc = openIdConfiguration(ISSUER, 'https://x/openid/v1/jwks', [
      ecSigningKey('P-256'),
      rsaSigningKey(),
      newRsaSigningKey(),
    ]);
    assert.deepEqual(doc.id_token_signing_alg_values_supported, ['ES256', 'RS256']);
  });
  const bad: [string, RegExp][] = [
    ['http://kubernetes.default.svc', /issuer URL must use https scheme, got: http:\/\/kubernetes.default.svc/],
    ['https://k8s.example/?a=b', /issuer URL may not include a query/],
    ['https://k8s.example/#frag', /issuer URL may not include a fragment/],
    ['', /empty issuer URL/],
  ];
  for (const [issuer, re] of bad) {
    test(`refuses issuer ${JSON.stringify(issuer)}`, () => {
      assert.throws(
        () => openIdConfiguration(issuer, 'https://x/openid/v1/jwks'),
        (e: Error) => e instanceof DiscoveryError && re.test(e.message),
      );
    });
  }
});

describe('JWKS', () => {
  test("RSA key: go-jose's field order, kid and alg of the key", () => {
    const key = rsaSigningKey();
    const doc = jwks([key]);
    assert.equal(doc.keys.length, 1);
    assert.deepEqual(Object.keys(doc.keys[0]!), ['use', 'kty', 'kid', 'alg', 'n', 'e']);
    assert.equal(doc.keys[0]!.kid, key.kid);
    assert.equal(doc.keys[0]!.e, 'AQAB');
  });
  test('EC key carries crv, x and y', () => {
    const doc = jwks([ecSigningKey('P-521')]);
    assert.deepEqual(Object.keys(doc.keys[0]!), ['use', 'kty', 'kid', 'crv', 'alg', 'x', 'y']);
    assert.equal(doc.keys[0]!.crv, 'P-521');
    assert.equal(doc.keys[0]!.alg, 'ES512');
  });
  test('the same key loaded twice (sa.key and sa.pub) is listed once', () => {
    const key = rsaSigningKey();
    assert.equal(jwks([key, { ...key }]).keys.length, 1);
  });
});

describe('a third-party verifier (jose) accepts our tokens from our JWKS alone', () => {
  for (const [name, key] of [
    ['RS256', rsaSigningKey()],
    ['ES256', ecSigningKey('P-256')],
    ['ES384', ecSigningKey('P-384')],
  ] as const) {
    test(name, async () => {
      const token = await new TokenIssuer({ issuer: ISSUER, signingKey: key }).issueBoundToken(request);
      const keySet = createLocalJWKSet(JSON.parse(JSON.stringify(jwks([newRsaSigningKey(), key]))));
      const { payload, protectedHeader } = await jwtVerify(token, keySet, { issuer: ISSUER, audience: ISSUER });
      assert.equal(payload.sub, 'system:serviceaccount:demo:pod-viewer');
      assert.equal(protectedHeader.kid, key.kid);
    });
  }
  test('and refuses a token signed by a key that is not in the set', async () => {
    const token = await new TokenIssuer({ issuer: ISSUER, signingKey: newRsaSigningKey() }).issueBoundToken(request);
    const keySet = createLocalJWKSet(jwks([rsaSigningKey()]) as never);
    await assert.rejects(jwtVerify(token, keySet), joseErrors.JWKSNoMatchingKey);
  });
});
