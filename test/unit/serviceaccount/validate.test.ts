import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createPublicKey, sign } from 'node:crypto';
import type { KubeObject } from '../../../src/api/types.js';
import { AuthenticationError, type AuthResponse } from '../../../src/authn/interfaces.js';
import { buildBoundClaims, canonicalJson, type BoundObject } from '../../../src/serviceaccount/claims.js';
import { jwks } from '../../../src/serviceaccount/discovery.js';
import { TokenIssuer } from '../../../src/serviceaccount/issue.js';
import type { ServiceAccountSigningKey } from '../../../src/serviceaccount/keys.js';
import {
  ServiceAccountTokenAuthenticator,
  type ServiceAccountTokenAuthenticatorOptions,
} from '../../../src/serviceaccount/validate.js';
import { API_AUDIENCES, b64url, cluster, ecSigningKey, ISSUER, newRsaSigningKey, rsaSigningKey } from './fixtures.js';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const attacker = newRsaSigningKey();

/** Signs arbitrary header/payload JSON with RS256 (or with nothing), for hand-made tokens. */
function signRaw(header: object, payload: object, key?: ServiceAccountSigningKey): string {
  const input = `${b64url(canonicalJson(header))}.${b64url(canonicalJson(payload))}`;
  if (!key) return `${input}.`;
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

function setup(overrides: Partial<ServiceAccountTokenAuthenticatorOptions> = {}, now = T0) {
  const c = cluster();
  const key = rsaSigningKey();
  const issuer = new TokenIssuer({ issuer: ISSUER, signingKey: key, apiAudiences: API_AUDIENCES });
  let clock = now;
  const auth = new ServiceAccountTokenAuthenticator({
    issuers: [ISSUER],
    apiAudiences: API_AUDIENCES,
    publicKeys: [key],
    getter: c.getter,
    lookup: true,
    now: () => clock,
    ...overrides,
  });
  const bound = (b?: BoundObject, extra: Partial<Parameters<TokenIssuer['issueBoundToken']>[0]> = {}) =>
    issuer.issueBoundToken({
      namespace: 'demo',
      serviceAccount: { name: 'pod-viewer', uid: c.sa.metadata.uid! },
      audiences: API_AUDIENCES,
      expirationSeconds: 3600,
      boundObject: b,
      now: T0,
      ...extra,
    });
  const claims = (b?: BoundObject) =>
    buildBoundClaims({
      issuer: ISSUER,
      namespace: 'demo',
      serviceAccount: { name: 'pod-viewer', uid: c.sa.metadata.uid! },
      audiences: API_AUDIENCES,
      expirationSeconds: 3600,
      boundObject: b,
      now: T0,
    });
  const ref = (o: KubeObject, kind: BoundObject['kind']): BoundObject => ({
    kind,
    name: o.metadata.name!,
    uid: o.metadata.uid!,
  });
  return {
    ...c,
    key,
    issuer,
    auth,
    bound,
    claims,
    ref,
    setNow: (d: Date) => {
      clock = d;
    },
  };
}

type Outcome = 'null' | RegExp | ((resp: AuthResponse) => void);

async function expectOutcome(p: Promise<AuthResponse | null>, outcome: Outcome): Promise<void> {
  if (outcome === 'null') {
    assert.equal(await p, null);
  } else if (outcome instanceof RegExp) {
    await assert.rejects(p, (e: Error) => {
      assert.ok(e instanceof AuthenticationError, `expected AuthenticationError, got ${e}`);
      assert.match(e.message, outcome);
      return true;
    });
  } else {
    const resp = await p;
    assert.ok(resp, 'expected a user');
    outcome(resp);
  }
}

describe('bound tokens: who they authenticate', () => {
  test('unbound token → the ServiceAccount with its groups, uid, credential id and audiences', async () => {
    const s = setup();
    const token = await s.bound();
    const resp = await s.auth.authenticateToken(token);
    const jti = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).jti;
    assert.deepEqual(resp, {
      user: {
        username: 'system:serviceaccount:demo:pod-viewer',
        uid: s.sa.metadata.uid,
        groups: ['system:serviceaccounts', 'system:serviceaccounts:demo'],
        extra: { 'authentication.kubernetes.io/credential-id': [`JTI=${jti}`] },
      },
      audiences: API_AUDIENCES,
    });
  });
  test('pod-bound token → pod and node extras', async () => {
    const s = setup();
    const token = await s.bound({ ...s.ref(s.pod, 'Pod'), nodeName: 'worker-1', nodeUid: s.node.metadata.uid });
    const resp = await s.auth.authenticateToken(token);
    const extra = resp!.user.extra!;
    assert.deepEqual(extra['authentication.kubernetes.io/pod-name'], ['netpod']);
    assert.deepEqual(extra['authentication.kubernetes.io/pod-uid'], [s.pod.metadata.uid]);
    assert.deepEqual(extra['authentication.kubernetes.io/node-name'], ['worker-1']);
    assert.deepEqual(extra['authentication.kubernetes.io/node-uid'], [s.node.metadata.uid]);
  });
  test('node-bound token → node extras, checked against the Node', async () => {
    const s = setup();
    const resp = await s.auth.authenticateToken(await s.bound(s.ref(s.node, 'Node')));
    assert.deepEqual(resp!.user.extra!['authentication.kubernetes.io/node-name'], ['worker-1']);
    assert.equal(resp!.user.extra!['authentication.kubernetes.io/pod-name'], undefined);
  });
  test('EC-signed tokens verify too, and a rotated-in key is found without a kid', async () => {
    const ec = ecSigningKey('P-384');
    const s = setup({ publicKeys: [rsaSigningKey(), ec] });
    const token = await new TokenIssuer({ issuer: ISSUER, signingKey: ec }).issueBoundToken({
      namespace: 'demo',
      serviceAccount: { name: 'pod-viewer', uid: s.sa.metadata.uid! },
      audiences: API_AUDIENCES,
      expirationSeconds: 600,
      now: T0,
    });
    assert.ok(await s.auth.authenticateToken(token));
    const noKid = signRaw({ alg: 'RS256' }, s.claims(), rsaSigningKey());
    assert.ok(await s.auth.authenticateToken(noKid));
  });
  test('a second accepted issuer is honoured', async () => {
    const s = setup({ issuers: [ISSUER, 'https://old.example'] });
    const token = signRaw({ alg: 'RS256', kid: s.key.kid }, { ...s.claims(), iss: 'https://old.example' }, s.key);
    assert.ok(await s.auth.authenticateToken(token));
  });
});

describe('bound tokens: attacks and malformed input', () => {
  type Case = { name: string; token: (s: ReturnType<typeof setup>) => Promise<string> | string; outcome: Outcome };
  const parts = async (s: ReturnType<typeof setup>) => (await s.bound()).split('.') as [string, string, string];
  const jwksJson = () => JSON.stringify(jwks([rsaSigningKey()]));
  const hs256 = (secret: string) => async (s: ReturnType<typeof setup>) => {
    const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: s.key.kid })}.${b64url(s.claims())}`;
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  };
  const cases: Case[] = [
    {
      name: 'alg none with our kid',
      token: async (s) => `${b64url({ alg: 'none', typ: 'JWT' })}.${(await parts(s))[1]}.`,
      outcome: /invalid signature|unexpected signature algorithm "none"/,
    },
    {
      name: 'alg none, kid kept',
      token: (s) => signRaw({ alg: 'none', kid: s.key.kid }, s.claims()),
      outcome: /unexpected signature algorithm "none"/,
    },
    {
      name: 'HS256 keyed with the JWKS JSON',
      token: (s) => hs256(jwksJson())(s),
      outcome: /unexpected signature algorithm "HS256"/,
    },
    {
      name: 'HS256 keyed with the public key PEM',
      token: (s) => hs256(s.key.key.export({ type: 'spki', format: 'pem' }) as string)(s),
      outcome: /unexpected signature algorithm "HS256"/,
    },
    {
      name: 'ES256 header on an RSA key',
      token: async (s) => {
        const [, p, sig] = await parts(s);
        return `${b64url({ alg: 'ES256', kid: s.key.kid })}.${p}.${sig}`;
      },
      outcome: /unexpected signature algorithm "ES256"/,
    },
    {
      name: 'forged kid, signed by another key',
      token: (s) => signRaw({ alg: 'RS256', kid: attacker.kid }, s.claims(), attacker),
      outcome: /^invalid signature, no keys found$/,
    },
    {
      name: 'our kid, signed by another key',
      token: (s) => signRaw({ alg: 'RS256', kid: s.key.kid }, s.claims(), attacker),
      outcome: /error in cryptographic primitive/,
    },
    {
      name: 'no kid, signed by another key',
      token: (s) => signRaw({ alg: 'RS256' }, s.claims(), attacker),
      outcome: /error in cryptographic primitive/,
    },
    {
      name: 'tampered payload (sub → kube-system:default)',
      token: async (s) => {
        const [h, p, sig] = await parts(s);
        const c = JSON.parse(Buffer.from(p, 'base64url').toString());
        return `${h}.${b64url({ ...c, sub: 'system:serviceaccount:kube-system:default' })}.${sig}`;
      },
      outcome: /error in cryptographic primitive/,
    },
    {
      name: 'tampered signature',
      token: async (s) => {
        const [h, p, sig] = await parts(s);
        return `${h}.${p}.${sig.slice(0, -4)}AAAA`;
      },
      outcome: /error in cryptographic primitive/,
    },
    {
      name: 'truncated signature',
      token: async (s) => {
        const [h, p] = await parts(s);
        return `${h}.${p}.AAAA`;
      },
      outcome: /error in cryptographic primitive/,
    },
    {
      name: 'crit header',
      token: (s) => signRaw({ alg: 'RS256', crit: ['exp'], kid: s.key.kid }, s.claims(), s.key),
      outcome: /unsupported crit header/,
    },
    { name: '1 MiB of x', token: () => 'x'.repeat(1024 * 1024), outcome: 'null' },
    {
      name: '1 MiB JWT-shaped with our issuer',
      token: (s) =>
        signRaw({ alg: 'RS256', kid: s.key.kid }, { ...s.claims(), pad: 'x'.repeat(1024 * 1024) }, attacker),
      outcome: /error in cryptographic primitive/,
    },
    {
      name: 'garbage base64 in the payload',
      token: async (s) => {
        const [h, , sig] = await parts(s);
        return `${h}.!!!*.${sig}`;
      },
      outcome: 'null',
    },
    {
      name: 'garbage base64 in the signature',
      token: async (s) => {
        const [h, p] = await parts(s);
        return `${h}.${p}.@@@`;
      },
      outcome: 'null',
    },
    { name: 'two segments', token: async (s) => (await parts(s)).slice(0, 2).join('.'), outcome: 'null' },
    { name: 'four segments', token: async (s) => `${await s.bound()}.x`, outcome: 'null' },
    { name: 'JSON serialization', token: () => '{"payload":"e30","signatures":[]}', outcome: 'null' },
    {
      name: 'payload is a JSON array',
      token: () => `${b64url({ alg: 'RS256' })}.${b64url([1])}.AAAA`,
      outcome: 'null',
    },
    {
      name: "someone else's issuer (OIDC token) is left for others",
      token: (s) =>
        signRaw({ alg: 'RS256', kid: s.key.kid }, { ...s.claims(), iss: 'https://accounts.example.com' }, s.key),
      outcome: 'null',
    },
    { name: 'empty token', token: () => '', outcome: 'null' },
    {
      name: 'foreign audience',
      token: (s) => s.bound(undefined, { audiences: ['https://example.com'] }),
      outcome:
        /^token audiences \["https:\/\/example.com"\] is invalid for the target audiences \["https:\/\/kubernetes.default.svc.cluster.local"\]$/,
    },
    {
      name: 'one good audience among others is enough',
      token: (s) => s.bound(undefined, { audiences: ['https://example.com', ISSUER] }),
      outcome: (r) => assert.deepEqual(r.audiences, [ISSUER]),
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const s = setup();
      await expectOutcome(s.auth.authenticateToken(await c.token(s)), c.outcome);
    });
  }
});

describe('bound tokens: time, with the 60 s leeway', () => {
  const cases: { name: string; now: number; outcome: Outcome; nbfOffset?: number; iatOffset?: number }[] = [
    { name: 'fresh', now: 0, outcome: (r) => assert.ok(r.user) },
    { name: 'expired 30 s ago (inside leeway)', now: 3630, outcome: (r) => assert.ok(r.user) },
    { name: 'expired 61 s ago', now: 3661, outcome: /^service account token has expired$/ },
    { name: 'valid from 30 s ahead (inside leeway)', now: -30, outcome: (r) => assert.ok(r.user) },
    { name: 'valid from 61 s ahead', now: -61, outcome: /^service account token is not valid yet$/ },
    {
      name: 'issued 2 min in the future, nbf fine',
      now: 0,
      iatOffset: 120,
      outcome: /^service account token is issued in the future$/,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const s = setup({}, at(c.now));
      const claims = s.claims();
      if (c.iatOffset) claims.iat += c.iatOffset;
      await expectOutcome(
        s.auth.authenticateToken(signRaw({ alg: 'RS256', kid: s.key.kid }, claims, s.key)),
        c.outcome,
      );
    });
  }
});

describe('bound tokens: they die with their ServiceAccount and bound object', () => {
  const ago = (seconds: number) => new Date(T0.getTime() - seconds * 1000).toISOString();
  const cases: {
    name: string;
    bind?: 'Pod' | 'Secret' | 'Node';
    change: (s: ReturnType<typeof setup>) => void;
    outcome: Outcome;
  }[] = [
    {
      name: 'SA deleted',
      change: (s) => s.getter.delete('serviceaccounts', 'demo', 'pod-viewer'),
      outcome: /^serviceaccounts "pod-viewer" not found$/,
    },
    {
      name: 'SA recreated with a new UID',
      change: (s) => {
        s.getter.put('serviceaccounts', { ...s.sa, metadata: { ...s.sa.metadata, uid: 'new-uid' } });
      },
      outcome: /^service account UID \(new-uid\) does not match claim \([0-9a-f-]{36}\)$/,
    },
    {
      name: 'SA being deleted for 2 min',
      change: (s) => {
        s.sa.metadata.deletionTimestamp = ago(120);
      },
      outcome: /^service account demo\/pod-viewer has been deleted$/,
    },
    {
      name: 'SA being deleted for 30 s (inside leeway)',
      change: (s) => {
        s.sa.metadata.deletionTimestamp = ago(30);
      },
      outcome: (r) => assert.ok(r.user),
    },
    {
      name: 'pod deleted',
      bind: 'Pod',
      change: (s) => s.getter.delete('pods', 'demo', 'netpod'),
      outcome: /^service account token has been invalidated$/,
    },
    {
      name: 'pod recreated',
      bind: 'Pod',
      change: (s) => {
        s.getter.put('pods', { ...s.pod, metadata: { ...s.pod.metadata, uid: 'pod-2' } });
      },
      outcome: /^pod UID \(pod-2\) does not match service account pod ref claim \([0-9a-f-]{36}\)$/,
    },
    {
      name: 'pod terminating for 2 min',
      bind: 'Pod',
      change: (s) => {
        s.pod.metadata.deletionTimestamp = ago(120);
      },
      outcome: /^service account token has been invalidated$/,
    },
    {
      name: 'secret deleted',
      bind: 'Secret',
      change: (s) => s.getter.delete('secrets', 'demo', 'anchor'),
      outcome: /^service account token has been invalidated$/,
    },
    {
      name: 'secret recreated',
      bind: 'Secret',
      change: (s) => {
        s.getter.put('secrets', { ...s.secret, metadata: { ...s.secret.metadata, uid: 'sec-2' } });
      },
      outcome: /^secret UID \(sec-2\) does not match service account secret ref claim \([0-9a-f-]{36}\)$/,
    },
    {
      name: 'node deleted',
      bind: 'Node',
      change: (s) => s.getter.delete('nodes', '', 'worker-1'),
      outcome: /^service account token has been invalidated$/,
    },
    {
      name: 'node recreated',
      bind: 'Node',
      change: (s) => {
        s.getter.put('nodes', { ...s.node, metadata: { ...s.node.metadata, uid: 'node-2' } });
      },
      outcome: /^node UID \(node-2\) does not match service account node ref claim \([0-9a-f-]{36}\)$/,
    },
    {
      name: 'pod-bound token ignores a deleted node (informational there)',
      bind: 'Pod',
      change: (s) => s.getter.delete('nodes', '', 'worker-1'),
      outcome: (r) => assert.ok(r.user),
    },
    {
      name: 'store failure → 401, not a pass',
      change: (s) => {
        s.getter.failWith = new Error('etcdserver: request timed out');
      },
      outcome: /^etcdserver: request timed out$/,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const s = setup();
      const target = { Pod: s.pod, Secret: s.secret, Node: s.node };
      const token = await s.bound(
        c.bind
          ? {
              ...s.ref(target[c.bind], c.bind),
              ...(c.bind === 'Pod' ? { nodeName: 'worker-1', nodeUid: s.node.metadata.uid } : {}),
            }
          : undefined,
      );
      assert.ok(await s.auth.authenticateToken(token), 'valid before the change');
      c.change(s);
      await expectOutcome(s.auth.authenticateToken(token), c.outcome);
    });
  }
});

describe('legacy Secret tokens', () => {
  async function legacySetup(opts: Partial<ServiceAccountTokenAuthenticatorOptions> = {}) {
    const s = setup(opts);
    const token = await s.issuer.issueLegacyToken({
      namespace: 'demo',
      serviceAccountName: 'pod-viewer',
      serviceAccountUid: s.sa.metadata.uid!,
      secretName: 'pod-viewer-token',
    });
    const secret = s.getter.put('secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: {
        name: 'pod-viewer-token',
        namespace: 'demo',
        uid: 'tok-uid',
        annotations: { 'kubernetes.io/service-account.name': 'pod-viewer' },
      },
      data: { token: Buffer.from(token).toString('base64') },
    });
    return { ...s, token, tokenSecret: secret };
  }
  test('valid → the ServiceAccount, no extras, the API audiences', async () => {
    const s = await legacySetup();
    assert.deepEqual(await s.auth.authenticateToken(s.token), {
      user: {
        username: 'system:serviceaccount:demo:pod-viewer',
        uid: s.sa.metadata.uid,
        groups: ['system:serviceaccounts', 'system:serviceaccounts:demo'],
      },
      audiences: API_AUDIENCES,
    });
  });
  type S = Awaited<ReturnType<typeof legacySetup>>;
  const cases: {
    name: string;
    change: (s: S) => void;
    outcome: Outcome;
    opts?: Partial<ServiceAccountTokenAuthenticatorOptions>;
  }[] = [
    {
      name: 'Secret deleted',
      change: (s) => s.getter.delete('secrets', 'demo', 'pod-viewer-token'),
      outcome: /^Token has been invalidated$/,
    },
    {
      name: 'Secret terminating',
      change: (s) => {
        s.tokenSecret.metadata.deletionTimestamp = T0.toISOString();
      },
      outcome: /^Token has been invalidated$/,
    },
    {
      name: 'Secret holds another token',
      change: (s) => {
        (s.tokenSecret.data as Record<string, string>).token = Buffer.from(`${s.token}x`).toString('base64');
      },
      outcome: /^Token does not match server's copy$/,
    },
    {
      name: 'SA deleted',
      change: (s) => s.getter.delete('serviceaccounts', 'demo', 'pod-viewer'),
      outcome: /^serviceaccounts "pod-viewer" not found$/,
    },
    {
      name: 'SA terminating',
      change: (s) => {
        s.sa.metadata.deletionTimestamp = T0.toISOString();
      },
      outcome: /^ServiceAccount demo\/pod-viewer has been deleted$/,
    },
    {
      name: 'SA recreated',
      change: (s) => {
        s.getter.put('serviceaccounts', { ...s.sa, metadata: { ...s.sa.metadata, uid: 'u2' } });
      },
      outcome: /^ServiceAccount UID \(u2\) does not match claim/,
    },
    {
      name: 'Secret marked invalid by the legacy token cleaner',
      change: (s) => {
        s.tokenSecret.metadata.labels = { 'kubernetes.io/legacy-token-invalid-since': '2025-01-01' };
      },
      outcome:
        /^the token in secret demo\/pod-viewer-token for service account demo\/pod-viewer has been marked invalid\./,
    },
    {
      name: 'without --service-account-lookup a deleted Secret still works',
      opts: { lookup: false },
      change: (s) => s.getter.delete('secrets', 'demo', 'pod-viewer-token'),
      outcome: (r) => assert.equal(r.user.username, 'system:serviceaccount:demo:pod-viewer'),
    },
    { name: 'legacy tokens can be turned off', opts: { acceptLegacy: false }, change: () => {}, outcome: 'null' },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const s = await legacySetup(c.opts);
      c.change(s);
      await expectOutcome(s.auth.authenticateToken(s.token), c.outcome);
    });
  }
  const claimCases: [string, Record<string, string>, RegExp][] = [
    ['sub missing', { sub: '' }, /^sub claim is missing$/],
    ['sub names another SA', { sub: 'system:serviceaccount:demo:admin' }, /^sub claim is invalid$/],
    ['namespace missing', { 'kubernetes.io/serviceaccount/namespace': '' }, /^namespace claim is missing$/],
    ['uid missing', { 'kubernetes.io/serviceaccount/service-account.uid': '' }, /^serviceAccountUID claim is missing$/],
  ];
  for (const [name, change, re] of claimCases) {
    test(`signed legacy token with ${name}`, async () => {
      const s = await legacySetup();
      const claims = { ...JSON.parse(Buffer.from(s.token.split('.')[1]!, 'base64url').toString()), ...change };
      await expectOutcome(s.auth.authenticateToken(signRaw({ alg: 'RS256', kid: s.key.kid }, claims, s.key)), re);
    });
  }
});

test('verification keys are only ever the configured public keys', () => {
  // The JWKS a client sees never carries private material.
  const doc = jwks([rsaSigningKey()]);
  assert.deepEqual(Object.keys(doc.keys[0]!).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
  assert.equal(createPublicKey({ key: doc.keys[0] as never, format: 'jwk' }).type, 'public');
});
