// The whole authentication chain as kube-apiserver assembles it, fed real credentials and attacks.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BootstrapTokenAuthenticator } from '../../../src/authn/bootstrap.js';
import { buildAuthenticator } from '../../../src/authn/chain.js';
import { AuthenticationError, type AuthResponse } from '../../../src/authn/interfaces.js';
import { parseTokenFile, TokenFileAuthenticator } from '../../../src/authn/tokenfile.js';
import { jwks } from '../../../src/serviceaccount/discovery.js';
import { TokenIssuer } from '../../../src/serviceaccount/issue.js';
import { ServiceAccountTokenAuthenticator } from '../../../src/serviceaccount/validate.js';
import { API_AUDIENCES, b64url, cluster, ISSUER, rsaSigningKey } from '../serviceaccount/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'kauth-chain-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const openssl = (...args: string[]) =>
  execFileSync('/usr/bin/openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
openssl(
  'req',
  '-x509',
  '-newkey',
  'rsa:2048',
  '-nodes',
  '-keyout',
  'ca.key',
  '-out',
  'ca.crt',
  '-subj',
  '/CN=kubernetes',
  '-days',
  '3',
);
openssl(
  'req',
  '-new',
  '-newkey',
  'rsa:2048',
  '-nodes',
  '-keyout',
  'admin.key',
  '-out',
  'admin.csr',
  '-subj',
  '/O=system:masters/CN=kubernetes-admin',
);
openssl(
  'x509',
  '-req',
  '-in',
  'admin.csr',
  '-CA',
  'ca.crt',
  '-CAkey',
  'ca.key',
  '-CAcreateserial',
  '-out',
  'admin.crt',
  '-days',
  '1',
);
openssl(
  'req',
  '-x509',
  '-newkey',
  'rsa:2048',
  '-nodes',
  '-keyout',
  'self.key',
  '-out',
  'self.crt',
  '-subj',
  '/O=system:masters/CN=mallory',
  '-days',
  '1',
);
const cert = (name: string) => new X509Certificate(readFileSync(join(dir, name)));

const T0 = new Date();
async function setup(anonymous = true) {
  const c = cluster();
  c.getter.put('secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'bootstrap.kubernetes.io/token',
    metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system', uid: 'b' },
    data: {
      'token-id': b64('abcdef'),
      'token-secret': b64('0123456789abcdef'),
      'usage-bootstrap-authentication': b64('true'),
    },
  });
  const key = rsaSigningKey();
  const issuer = new TokenIssuer({ issuer: ISSUER, signingKey: key, apiAudiences: API_AUDIENCES });
  let cacheNow = 0;
  const auth = buildAuthenticator({
    clientCaPems: [readFileSync(join(dir, 'ca.crt'), 'utf8')],
    tokenAuthenticators: [
      new TokenFileAuthenticator(parseTokenFile('static-token,ops,42,"ops,oncall"\n', 'tokens.csv')),
      new ServiceAccountTokenAuthenticator({
        issuers: [ISSUER],
        apiAudiences: API_AUDIENCES,
        publicKeys: [key],
        getter: c.getter,
        lookup: true,
      }),
      new BootstrapTokenAuthenticator(c.getter),
    ],
    tokenCache: { now: () => cacheNow },
    anonymous,
  });
  const sa = { name: 'pod-viewer', uid: c.sa.metadata.uid! };
  const token = (extra: Partial<Parameters<TokenIssuer['issueBoundToken']>[0]> = {}) =>
    issuer.issueBoundToken({
      namespace: 'demo',
      serviceAccount: sa,
      audiences: API_AUDIENCES,
      expirationSeconds: 900,
      now: T0,
      ...extra,
    });
  return {
    ...c,
    auth,
    token,
    advanceCache: (ms: number) => {
      cacheNow += ms;
    },
  };
}
function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}

function request(headers: IncomingHttpHeaders, ...certs: X509Certificate[]) {
  return { headers, peerCertificates: certs };
}
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

async function who(p: Promise<AuthResponse | null>): Promise<[string, string[]] | null> {
  const r = await p;
  return r ? [r.user.username, r.user.groups] : null;
}

describe('who each credential is', () => {
  test('no credential → anonymous', async () => {
    const s = await setup();
    assert.deepEqual(await who(s.auth.authenticate(request({}))), ['system:anonymous', ['system:unauthenticated']]);
  });
  test('no credential, --anonymous-auth=false → nobody (401)', async () => {
    const s = await setup(false);
    assert.equal(await s.auth.authenticate(request({})), null);
  });
  test('admin.conf client certificate', async () => {
    const s = await setup();
    assert.deepEqual(await who(s.auth.authenticate(request({}, cert('admin.crt')))), [
      'kubernetes-admin',
      ['system:masters', 'system:authenticated'],
    ]);
  });
  test('service-account token', async () => {
    const s = await setup();
    assert.deepEqual(await who(s.auth.authenticate(request(bearer(await s.token())))), [
      'system:serviceaccount:demo:pod-viewer',
      ['system:serviceaccounts', 'system:serviceaccounts:demo', 'system:authenticated'],
    ]);
  });
  test('static token file', async () => {
    const s = await setup();
    assert.deepEqual(await who(s.auth.authenticate(request(bearer('static-token')))), [
      'ops',
      ['ops', 'oncall', 'system:authenticated'],
    ]);
  });
  test('bootstrap token', async () => {
    const s = await setup();
    assert.deepEqual(await who(s.auth.authenticate(request(bearer('abcdef.0123456789abcdef')))), [
      'system:bootstrap:abcdef',
      ['system:bootstrappers', 'system:authenticated'],
    ]);
  });
  test('websocket subprotocol token', async () => {
    const s = await setup();
    const headers = {
      upgrade: 'websocket',
      connection: 'Upgrade',
      'sec-websocket-protocol': `base64url.bearer.authorization.k8s.io.${Buffer.from('static-token').toString('base64url')}, v5.channel.k8s.io`,
    };
    assert.deepEqual((await who(s.auth.authenticate(request(headers))))?.[0], 'ops');
  });
  test('certificate and token: x509 comes first', async () => {
    const s = await setup();
    assert.equal(
      (await who(s.auth.authenticate(request(bearer('static-token'), cert('admin.crt')))))?.[0],
      'kubernetes-admin',
    );
  });
  test('an untrusted certificate next to a good token: the token still authenticates', async () => {
    const s = await setup();
    assert.equal((await who(s.auth.authenticate(request(bearer('static-token'), cert('self.crt')))))?.[0], 'ops');
  });
});

describe('bad credentials are 401s, never anonymous', () => {
  const cases: {
    name: string;
    headers: (s: Awaited<ReturnType<typeof setup>>) => Promise<IncomingHttpHeaders> | IncomingHttpHeaders;
    certs?: () => X509Certificate[];
    message: RegExp;
  }[] = [
    {
      name: 'self-signed system:masters certificate',
      headers: () => ({}),
      certs: () => [cert('self.crt')],
      message: /x509: certificate signed by unknown authority/,
    },
    { name: 'unknown static token', headers: () => bearer('guess'), message: /^invalid bearer token$/ },
    {
      name: 'alg none',
      headers: async (s) => bearer(`${b64url({ alg: 'none', typ: 'JWT' })}.${(await s.token()).split('.')[1]}.`),
      message: /unexpected signature algorithm "none"/,
    },
    {
      name: 'HS256 keyed with the JWKS',
      headers: async (s) => {
        const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: rsaSigningKey().kid })}.${(await s.token()).split('.')[1]}`;
        return bearer(
          `${input}.${createHmac('sha256', JSON.stringify(jwks([rsaSigningKey()]).keys[0]))
            .update(input)
            .digest('base64url')}`,
        );
      },
      message: /unexpected signature algorithm "HS256"/,
    },
    {
      name: 'tampered payload',
      headers: async (s) => {
        const [h, p, sig] = (await s.token()).split('.');
        const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
        return bearer(`${h}.${b64url({ ...claims, sub: 'system:serviceaccount:kube-system:default' })}.${sig}`);
      },
      message: /error in cryptographic primitive/,
    },
    { name: '1 MiB token', headers: () => bearer('x'.repeat(1 << 20)), message: /^invalid bearer token/ },
    { name: 'garbage base64', headers: () => bearer('eyJ!!.@@.##'), message: /^invalid bearer token$/ },
    {
      name: 'foreign audience',
      headers: async (s) => bearer(await s.token({ audiences: ['https://example.com'] })),
      message: /^token audiences \["https:\/\/example.com"\] is invalid/,
    },
    {
      name: 'expired',
      headers: async (s) => bearer(await s.token({ now: new Date(T0.getTime() - 3600_000) })),
      message: /^service account token has expired$/,
    },
    {
      name: 'not yet valid',
      headers: async (s) => bearer(await s.token({ now: new Date(T0.getTime() + 3600_000) })),
      message: /^service account token is not valid yet$/,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const s = await setup();
      await assert.rejects(
        s.auth.authenticate(request(await c.headers(s), ...(c.certs?.() ?? []))),
        (e: Error) => e instanceof AuthenticationError && c.message.test(e.message),
      );
    });
  }
});

describe('the 10 s token cache', () => {
  test('a token outlives its deleted ServiceAccount for the cache TTL, then dies', async () => {
    const s = await setup();
    const token = await s.token();
    assert.ok(await s.auth.authenticate(request(bearer(token))));
    s.getter.delete('serviceaccounts', 'demo', 'pod-viewer');
    s.advanceCache(9_000);
    assert.ok(await s.auth.authenticate(request(bearer(token))), 'served from cache, as kube-apiserver does');
    s.advanceCache(1_000);
    await assert.rejects(s.auth.authenticate(request(bearer(token))), /serviceaccounts "pod-viewer" not found/);
  });
});
