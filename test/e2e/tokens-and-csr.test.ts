// Issues 2, 5 and 7 end to end: tokens kauth did not issue the way it issues them (expired, another
// key, another issuer) are 401; `kauth csr create` → kubectl create → approve → a working kubeconfig
// from `kauth kubeconfig`-style parts; deny and delete.
import assert from 'node:assert/strict';
import { generateKeyPairSync, createPrivateKey, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clientCert, kauth, kubectl, request, sleep, startCluster, type Cluster, type Who } from './harness.js';

async function sign(
  claims: Record<string, unknown>,
  key: ReturnType<typeof createPrivateKey>,
  kid: string,
): Promise<string> {
  const jose = await import('jose');
  return new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
}

describe('tokens and certificates end to end', () => {
  let c: Cluster;
  let admin: Who;
  before(async () => {
    c = await startCluster();
    admin = { cert: clientCert(c, 'kubernetes-admin', ['system:masters']) };
    for (const args of [
      ['create', 'ns', 'demo'],
      ['create', 'sa', 'bot', '-n', 'demo'],
    ])
      assert.equal(kubectl(c, args).code, 0);
  });
  after(async () => {
    await c.stop();
    c.cleanup();
  });

  it('refuses expired tokens, other issuers and tokens signed by another key', async () => {
    const good = kubectl(c, ['create', 'token', 'bot', '-n', 'demo']).out.trim();
    const [h, p] = good.split('.') as [string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const saKey = createPrivateKey(readFileSync(join(c.dataDir, 'pki', 'sa.key')));
    const now = Math.floor(Date.now() / 1000);
    // Sanity: re-signing the same claims with sa.key is accepted, so the refusals below are about what changed.
    const resigned = await sign({ ...claims, jti: randomUUID() }, saKey, header.kid);
    let r = await request(c, {
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      who: { token: resigned },
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    assert.equal(r.code, 201, r.text);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const cases: [string, Promise<string>][] = [
      [
        'expired (past the 60 s leeway)',
        sign({ ...claims, iat: now - 7200, nbf: now - 7200, exp: now - 3600 }, saKey, header.kid),
      ],
      ['not yet valid', sign({ ...claims, nbf: now + 3600, exp: now + 7200 }, saKey, header.kid)],
      ['another key under our kid', sign(claims, other, header.kid)],
      ['another key, no kid', sign(claims, other, '')],
      ['another audience', sign({ ...claims, aud: ['https://vault.example.com'] }, saKey, header.kid)],
    ];
    for (const [name, tokenPromise] of cases) {
      r = await request(c, { path: '/api/v1/namespaces/demo/pods', who: { token: await tokenPromise } });
      assert.equal(r.code, 401, `${name}: ${r.text}`);
    }
    // A token from a foreign issuer is simply not ours: with nothing else accepting it, still 401.
    r = await request(c, {
      path: '/api/v1/namespaces/demo/pods',
      who: { token: await sign({ ...claims, iss: 'https://elsewhere.example.com' }, saKey, header.kid) },
    });
    assert.equal(r.code, 401);
  });

  it('turns `kauth csr create` into a signed certificate with kubectl, then denies and deletes', async () => {
    const csrYaml = kauth([
      'csr',
      'create',
      '--cn',
      'jane',
      '--org',
      'devs',
      '--key-algorithm',
      'ECDSA-P256',
      '--key-out',
      join(c.dir, 'jane.key'),
      '--csr-out',
      join(c.dir, 'jane.csr'),
    ]);
    assert.equal(csrYaml.code, 0, csrYaml.err);
    let k = kubectl(c, ['create', '-f', '-'], { input: csrYaml.out });
    assert.equal(k.code, 0, k.err);
    assert.match(
      kubectl(c, ['get', 'csr', 'jane']).out,
      /jane\s+\S+\s+kubernetes\.io\/kube-apiserver-client\s+kubernetes-admin\s+24h\s+Pending/,
    );
    k = kubectl(c, ['certificate', 'approve', 'jane']);
    assert.equal(k.code, 0, k.err);
    let pem = '';
    for (let i = 0; i < 50 && !pem; i++) {
      await sleep(100);
      pem = Buffer.from(
        kubectl(c, ['get', 'csr', 'jane', '-o', 'jsonpath={.status.certificate}']).out,
        'base64',
      ).toString();
    }
    writeFileSync(join(c.dir, 'jane.crt'), pem);
    const r = await request(c, {
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      who: { cert: { cert: Buffer.from(pem), key: readFileSync(join(c.dir, 'jane.key')) } },
    });
    assert.equal(r.json.status.userInfo.username, 'jane');
    assert.deepEqual(r.json.status.userInfo.groups, ['devs', 'system:authenticated']);

    const second = kauth([
      'csr',
      'create',
      '--cn',
      'mallory',
      '--key-algorithm',
      'ECDSA-P256',
      '--key-out',
      join(c.dir, 'm.key'),
      '--csr-out',
      join(c.dir, 'm.csr'),
    ]);
    assert.equal(kubectl(c, ['create', '-f', '-'], { input: second.out }).code, 0);
    assert.equal(kubectl(c, ['certificate', 'deny', 'mallory']).code, 0);
    assert.match(kubectl(c, ['get', 'csr', 'mallory']).out, /\sDenied\s*$/m);
    k = kubectl(c, ['certificate', 'approve', 'mallory']);
    assert.notEqual(k.code, 0);
    assert.equal(kubectl(c, ['delete', 'csr', 'mallory', 'jane']).code, 0);
    assert.equal(
      (await request(c, { path: '/apis/certificates.k8s.io/v1/certificatesigningrequests/mallory', who: admin })).code,
      404,
    );
  });
});
