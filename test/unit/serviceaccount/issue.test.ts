import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  canonicalJson,
  EXPIRATION_EXTENSION_SECONDS,
  splitServiceAccountUsername,
} from '../../../src/serviceaccount/claims.js';
import { TokenIssuer } from '../../../src/serviceaccount/issue.js';
import { API_AUDIENCES, decodePart, ecSigningKey, ISSUER, rsaSigningKey } from './fixtures.js';

const NOW = new Date('2024-09-03T01:46:58.750Z'); // seed 000's iat, 1725328018, plus milliseconds
const SA = { name: 'default', uid: '3c99d976-8b9d-4d6e-97ff-1603e31e5536' };
const SEED = readFileSync('/work/shared/seeds/000_2730a278d3b620dc.txt', 'utf8');
const SEED_TOKEN = SEED.match(/eyJhbGciOiJSUzI1NiIs[\w.-]+/)![0];

function issuer(extendExpiration = true): TokenIssuer {
  return new TokenIssuer({
    issuer: ISSUER,
    signingKey: rsaSigningKey(),
    apiAudiences: API_AUDIENCES,
    extendExpiration,
  });
}

describe('bound tokens', () => {
  test("a kubelet pod token has the header and the exact claims of seed 000's real token", async () => {
    const token = await issuer().issueBoundToken({
      namespace: 'default',
      serviceAccount: SA,
      audiences: API_AUDIENCES,
      expirationSeconds: 3607,
      boundObject: {
        kind: 'Pod',
        name: 'netpod',
        uid: 'f8260851-78c0-45fc-9d49-903877ee20f6',
        nodeName: 'myk8s-worker',
        nodeUid: 'f3bf6ddc-2e66-44fe-ba96-481a405abb2e',
      },
      now: NOW,
    });
    const [h, p] = token.split('.') as [string, string];
    assert.equal(Buffer.from(h, 'base64url').toString(), JSON.stringify({ alg: 'RS256', kid: rsaSigningKey().kid }));
    const seedClaims = decodePart(SEED_TOKEN, 1);
    const claims = decodePart(token, 1);
    // Everything but the random jti is what kube-apiserver wrote for the same request.
    assert.match(String(claims.jti), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual({ ...claims, jti: seedClaims.jti }, seedClaims);
    // Byte for byte: same key order at every level.
    const seedJson = Buffer.from(SEED_TOKEN.split('.')[1]!, 'base64url').toString();
    assert.equal(Buffer.from(p, 'base64url').toString(), seedJson.replace(String(seedClaims.jti), String(claims.jti)));
  });

  const base = {
    namespace: 'demo',
    serviceAccount: { name: 'pod-viewer', uid: 'sa-uid' },
    audiences: API_AUDIENCES,
    now: NOW,
  };
  const cases: {
    name: string;
    req: Partial<Parameters<TokenIssuer['issueBoundToken']>[0]>;
    extend?: boolean;
    lifetime: number;
    warnafter?: number;
    k8s: Record<string, unknown>;
    aud?: string[];
  }[] = [
    {
      name: 'unbound, 15 minutes',
      req: { expirationSeconds: 900 },
      lifetime: 900,
      k8s: { namespace: 'demo', serviceaccount: { name: 'pod-viewer', uid: 'sa-uid' } },
    },
    {
      name: 'secret-bound 3607 s is not extended',
      req: { expirationSeconds: 3607, boundObject: { kind: 'Secret', name: 'anchor', uid: 's-uid' } },
      lifetime: 3607,
      k8s: {
        namespace: 'demo',
        secret: { name: 'anchor', uid: 's-uid' },
        serviceaccount: { name: 'pod-viewer', uid: 'sa-uid' },
      },
    },
    {
      name: 'pod-bound 3607 s is extended to a year with warnafter',
      req: { expirationSeconds: 3607, boundObject: { kind: 'Pod', name: 'p', uid: 'p-uid' } },
      lifetime: EXPIRATION_EXTENSION_SECONDS,
      warnafter: 3607,
      k8s: {
        namespace: 'demo',
        pod: { name: 'p', uid: 'p-uid' },
        serviceaccount: { name: 'pod-viewer', uid: 'sa-uid' },
      },
    },
    {
      name: 'pod-bound 3607 s not extended when the extension is off',
      req: { expirationSeconds: 3607, boundObject: { kind: 'Pod', name: 'p', uid: 'p-uid' } },
      extend: false,
      lifetime: 3607,
      k8s: {
        namespace: 'demo',
        pod: { name: 'p', uid: 'p-uid' },
        serviceaccount: { name: 'pod-viewer', uid: 'sa-uid' },
      },
    },
    {
      name: 'pod-bound 3607 s for a foreign audience is not extended',
      req: { expirationSeconds: 3607, audiences: ['vault'], boundObject: { kind: 'Pod', name: 'p', uid: 'p-uid' } },
      lifetime: 3607,
      aud: ['vault'],
      k8s: {
        namespace: 'demo',
        pod: { name: 'p', uid: 'p-uid' },
        serviceaccount: { name: 'pod-viewer', uid: 'sa-uid' },
      },
    },
    {
      name: 'pod-bound 3600 s is not extended',
      req: { expirationSeconds: 3600, boundObject: { kind: 'Pod', name: 'p', uid: 'p-uid', nodeName: 'n' } },
      lifetime: 3600,
      k8s: {
        namespace: 'demo',
        node: { name: 'n' },
        pod: { name: 'p', uid: 'p-uid' },
        serviceaccount: { name: 'pod-viewer', uid: 'sa-uid' },
      },
    },
    {
      name: 'node-bound',
      req: { expirationSeconds: 600, boundObject: { kind: 'Node', name: 'n', uid: 'n-uid' } },
      lifetime: 600,
      k8s: {
        namespace: 'demo',
        node: { name: 'n', uid: 'n-uid' },
        serviceaccount: { name: 'pod-viewer', uid: 'sa-uid' },
      },
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const token = await issuer(c.extend ?? true).issueBoundToken({ ...base, expirationSeconds: 3600, ...c.req });
      const claims = decodePart(token, 1);
      const iat = Math.floor(NOW.getTime() / 1000);
      assert.equal(claims.iat, iat);
      assert.equal(claims.nbf, iat);
      assert.equal(claims.exp, iat + c.lifetime);
      assert.equal(claims.iss, ISSUER);
      assert.equal(claims.sub, 'system:serviceaccount:demo:pod-viewer');
      assert.deepEqual(claims.aud, c.aud ?? API_AUDIENCES);
      const expected = { ...c.k8s, ...(c.warnafter ? { warnafter: iat + c.warnafter } : {}) };
      assert.deepEqual(claims['kubernetes.io'], expected);
    });
  }

  test('every token gets its own jti', async () => {
    const a = decodePart(await issuer().issueBoundToken({ ...base, expirationSeconds: 600 }), 1);
    const b = decodePart(await issuer().issueBoundToken({ ...base, expirationSeconds: 600 }), 1);
    assert.notEqual(a.jti, b.jti);
  });

  for (const curve of ['P-256', 'P-384', 'P-521'] as const) {
    test(`EC ${curve} keys sign with their ES algorithm and 64/96/132-byte signatures`, async () => {
      const key = ecSigningKey(curve);
      const token = await new TokenIssuer({ issuer: ISSUER, signingKey: key }).issueBoundToken({
        ...base,
        expirationSeconds: 600,
      });
      assert.deepEqual(decodePart(token, 0), { alg: key.alg, kid: key.kid });
      assert.equal(
        Buffer.from(token.split('.')[2]!, 'base64url').length,
        { 'P-256': 64, 'P-384': 96, 'P-521': 132 }[curve],
      );
    });
  }
});

describe('legacy Secret tokens', () => {
  test('flat claims, legacy issuer, no aud/exp, sorted keys', async () => {
    const token = await issuer().issueLegacyToken({
      namespace: 'demo',
      serviceAccountName: 'pod-viewer',
      serviceAccountUid: 'sa-uid',
      secretName: 'pod-viewer',
    });
    const json = Buffer.from(token.split('.')[1]!, 'base64url').toString();
    assert.equal(
      json,
      JSON.stringify({
        iss: 'kubernetes/serviceaccount',
        'kubernetes.io/serviceaccount/namespace': 'demo',
        'kubernetes.io/serviceaccount/secret.name': 'pod-viewer',
        'kubernetes.io/serviceaccount/service-account.name': 'pod-viewer',
        'kubernetes.io/serviceaccount/service-account.uid': 'sa-uid',
        sub: 'system:serviceaccount:demo:pod-viewer',
      }),
    );
  });
});

describe('claims helpers', () => {
  test('canonicalJson sorts keys at every level and escapes like Go', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: '<&>' } }),
      '{"a":{"c":"\\u003c\\u0026\\u003e","d":[{"y":2,"z":1}]},"b":1}',
    );
  });
  const names: [string, { namespace: string; name: string } | undefined][] = [
    ['system:serviceaccount:demo:pod-viewer', { namespace: 'demo', name: 'pod-viewer' }],
    ['system:serviceaccount:demo:a.b', { namespace: 'demo', name: 'a.b' }],
    ['system:serviceaccount:demo', undefined],
    ['system:serviceaccount:demo:a:b', undefined],
    ['system:serviceaccount:Demo:x', undefined],
    ['system:serviceaccount::x', undefined],
    ['system:serviceaccounts:demo:x', undefined],
  ];
  for (const [username, expected] of names) {
    test(`splitServiceAccountUsername(${username})`, () =>
      assert.deepEqual(splitServiceAccountUsername(username), expected));
  }
});
