// JWT authentication against a local HTTPS OpenID issuer (test double): kube's documented
// AuthenticationConfiguration cases, the tokens kube refuses, key rotation and initialization.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAuthenticationConfiguration } from '../../../../src/authn/jwt/config-decode.js';
import { validateAuthenticationConfiguration } from '../../../../src/authn/jwt/config-validate.js';
import { aggregateFieldErrors } from '../../../../src/authn/jwt/field-errors.js';
import { JwtAuthenticators } from '../../../../src/authn/jwt/jwt-authenticators.js';
import { jwtAuthenticatorFromFlags, type OidcFlags } from '../../../../src/authn/jwt/legacy-flags.js';
import { ALLOWED_SIGNING_ALGS } from '../../../../src/authn/jwt/verify.js';
import { AuthenticationError, type UserInfo } from '../../../../src/authn/interfaces.js';
import { hs256WithPublicKey, makeSigningKey, TestIssuer, unsignedToken, type SigningKey } from './test-issuer.js';

const now = (): number => Math.floor(Date.now() / 1000);
const started: JwtAuthenticators[] = [];

async function fromYaml(yaml: string, options: { cooldownMs?: number } = {}): Promise<JwtAuthenticators> {
  const config = decodeAuthenticationConfiguration(
    `apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\n${yaml}`,
  );
  const result = validateAuthenticationConfiguration(config, []);
  assert.equal(aggregateFieldErrors(result.errors), undefined);
  const authn = new JwtAuthenticators({
    algorithms: ALLOWED_SIGNING_ALGS,
    keySet: { refetchCooldownMs: options.cooldownMs ?? 200, initRetryMs: 200 },
  }).start(result.jwt);
  started.push(authn);
  assert.equal(await authn.whenReady(5000), true);
  return authn;
}

async function fromFlags(flags: Partial<OidcFlags> & { issuerUrl: string }, caPem: string): Promise<JwtAuthenticators> {
  const jwt = jwtAuthenticatorFromFlags({
    usernameClaim: 'sub',
    signingAlgs: ['RS256'],
    requiredClaims: [],
    clientId: 'kauth',
    ...flags,
  })!;
  jwt.issuer.certificateAuthority = caPem;
  const result = validateAuthenticationConfiguration({ jwt: [jwt] }, []);
  assert.equal(aggregateFieldErrors(result.errors), undefined);
  const authn = new JwtAuthenticators({
    algorithms: flags.signingAlgs ?? ['RS256'],
    keySet: { refetchCooldownMs: 200, initRetryMs: 200 },
  }).start(result.jwt);
  started.push(authn);
  assert.equal(await authn.whenReady(5000), true);
  return authn;
}

/** The user, or the error message (prefixed "ERR: "), or null for "not mine". */
async function outcome(authn: JwtAuthenticators, token: string): Promise<UserInfo | string | null> {
  try {
    const resp = await authn.authenticateToken(token);
    return resp ? resp.user : null;
  } catch (e) {
    assert.ok(e instanceof AuthenticationError, `not an AuthenticationError: ${e}`);
    return `ERR: ${(e as Error).message}`;
  }
}

let issuer: TestIssuer;
let second: TestIssuer;
let k1: SigningKey;
let k2: SigningKey;
let ec: SigningKey;
let rogue: SigningKey;
let ps: SigningKey;
let es384: SigningKey;
const ca = (i: TestIssuer): string => `    certificateAuthority: ${JSON.stringify(i.caPem)}\n`;

before(async () => {
  [issuer, second] = await Promise.all([TestIssuer.start(), TestIssuer.start({ path: '/realms/second' })]);
  [k1, k2, ec, rogue, ps, es384] = await Promise.all([
    makeSigningKey('k1'),
    makeSigningKey('k2'),
    makeSigningKey('ec1', 'ES256'),
    makeSigningKey('k1'),
    makeSigningKey('ps1', 'PS256'),
    makeSigningKey('ec384', 'ES384'),
  ]);
  issuer.publish(k1, ec, ps, es384);
  second.publish(k2);
});
after(async () => {
  for (const a of started) a.close();
  await Promise.all([issuer.close(), second.close()]);
});

describe("AuthenticationConfiguration cases from kube's docs", () => {
  interface Case {
    name: string;
    yaml: () => string;
    claims: Record<string, unknown>;
    want: Partial<UserInfo> | string;
    key?: () => SigningKey;
  }
  const base = {
    sub: '119abc',
    aud: 'kauth',
    username: 'jane',
    email: 'jane@example.com',
    email_verified: true,
    hd: 'example.com',
    roles: 'admin,dev',
    groups: ['devs', 'ops'],
    tenant: 'acme',
  };
  const cases: Case[] = [
    {
      name: 'claims with prefixes: username, groups, uid',
      yaml: () =>
        `jwt:\n- issuer:\n    url: ${issuer.url}\n    audiences: [kauth]\n${ca(issuer)}  claimMappings:\n    username:\n      claim: sub\n      prefix: "oidc:"\n    groups:\n      claim: groups\n      prefix: "oidc:"\n    uid:\n      claim: sub\n`,
      claims: base,
      want: { username: 'oidc:119abc', groups: ['oidc:devs', 'oidc:ops'], uid: '119abc' },
    },
    {
      name: 'CEL mappings: username, groups, uid, extra',
      yaml: () =>
        `jwt:\n- issuer:\n    url: ${issuer.url}\n    audiences: [kauth]\n${ca(issuer)}  claimMappings:\n    username:\n      expression: 'claims.username + ":external-user"'\n    groups:\n      expression: 'claims.roles.split(",")'\n    uid:\n      expression: 'claims.sub'\n    extra:\n    - key: example.com/tenant\n      valueExpression: claims.tenant\n`,
      claims: { ...base, jti: 'j-1' },
      want: {
        username: 'jane:external-user',
        groups: ['admin', 'dev'],
        uid: '119abc',
        extra: { 'authentication.kubernetes.io/credential-id': ['JTI=j-1'], 'example.com/tenant': ['acme'] },
      },
    },
    {
      name: 'username from claims.email, verified via an optional in a rule',
      yaml: () =>
        `jwt:\n- issuer:\n    url: ${issuer.url}\n    audiences: [kauth]\n${ca(issuer)}  claimValidationRules:\n  - expression: 'claims.?email_verified.orValue(true) == true'\n    message: email must be verified\n  claimMappings:\n    username:\n      expression: claims.email\n`,
      claims: { ...base, email_verified: false },
      want: "ERR: oidc: error evaluating claim validation expression: validation expression 'claims.?email_verified.orValue(true) == true' failed: email must be verified",
    },
    {
      name: 'required claim (claim + requiredValue) that does not match',
      yaml: () =>
        `jwt:\n- issuer:\n    url: ${issuer.url}\n    audiences: [kauth]\n${ca(issuer)}  claimValidationRules:\n  - claim: hd\n    requiredValue: corp.example.com\n  claimMappings:\n    username:\n      claim: sub\n      prefix: ""\n`,
      claims: base,
      want: 'ERR: oidc: required claim hd value does not match. Got = example.com, want = corp.example.com',
    },
    {
      name: 'expression rule with message: token lifetime',
      yaml: () =>
        `jwt:\n- issuer:\n    url: ${issuer.url}\n    audiences: [kauth]\n${ca(issuer)}  claimValidationRules:\n  - expression: 'claims.exp - claims.nbf <= 86400'\n    message: total token lifetime must not exceed 24 hours\n  claimMappings:\n    username:\n      claim: sub\n      prefix: ""\n`,
      claims: { ...base, nbf: now() - 90000, exp: now() + 600 },
      want: "ERR: oidc: error evaluating claim validation expression: validation expression 'claims.exp - claims.nbf <= 86400' failed: total token lifetime must not exceed 24 hours",
    },
    {
      name: 'userValidationRules refuse a system: username',
      yaml: () =>
        `jwt:\n- issuer:\n    url: ${issuer.url}\n    audiences: [kauth]\n${ca(issuer)}  claimMappings:\n    username:\n      expression: claims.username\n  userValidationRules:\n  - expression: "!user.username.startsWith('system:')"\n    message: 'username cannot used reserved system: prefix'\n`,
      claims: { ...base, username: 'system:admin' },
      want: "ERR: oidc: error evaluating user info validation rule: validation expression '!user.username.startsWith('system:')' failed: username cannot used reserved system: prefix",
    },
    {
      name: 'audienceMatchPolicy MatchAny: one of several audiences is enough',
      yaml: () =>
        `jwt:\n- issuer:\n    url: ${issuer.url}\n    audiences: [kauth, other]\n    audienceMatchPolicy: MatchAny\n${ca(issuer)}  claimMappings:\n    username:\n      claim: sub\n      prefix: ""\n`,
      claims: { ...base, aud: ['unrelated', 'other'] },
      want: { username: '119abc', groups: [] },
    },
    {
      name: 'audienceMatchPolicy MatchAny: no audience in common',
      yaml: () =>
        `jwt:\n- issuer:\n    url: ${issuer.url}\n    audiences: [kauth, other]\n    audienceMatchPolicy: MatchAny\n${ca(issuer)}  claimMappings:\n    username:\n      claim: sub\n      prefix: ""\n`,
      claims: { ...base, aud: ['unrelated'] },
      want: 'ERR: oidc: verify token: oidc: expected audience in ["kauth" "other"] got ["unrelated"]',
    },
    {
      name: "an ES256 key works with a configuration file (all of kube's algorithms)",
      yaml: () =>
        `jwt:\n- issuer:\n    url: ${issuer.url}\n    audiences: [kauth]\n${ca(issuer)}  claimMappings:\n    username:\n      claim: sub\n      prefix: ""\n`,
      claims: base,
      key: () => ec,
      want: { username: '119abc', groups: [] },
    },
    {
      name: 'PS256 (RSA-PSS) works with a configuration file',
      yaml: () =>
        `jwt:\n- issuer:\n    url: ${issuer.url}\n    audiences: [kauth]\n${ca(issuer)}  claimMappings:\n    username:\n      claim: sub\n      prefix: ""\n`,
      claims: base,
      key: () => ps,
      want: { username: '119abc', groups: [] },
    },
    {
      name: 'ES384 works; an ES256 header on the P-384 key does not',
      yaml: () =>
        `jwt:\n- issuer:\n    url: ${issuer.url}\n    audiences: [kauth]\n${ca(issuer)}  claimMappings:\n    username:\n      claim: sub\n      prefix: ""\n`,
      claims: base,
      key: () => es384,
      want: { username: '119abc', groups: [] },
    },
    {
      name: 'discoveryURL: discovery at another address, issuer unchanged',
      yaml: () =>
        `jwt:\n- issuer:\n    url: ${issuer.url}\n    discoveryURL: ${issuer.url}/custom-discovery\n    audiences: [kauth]\n${ca(issuer)}  claimMappings:\n    username:\n      expression: "'kauth:' + claims.sub"\n`,
      claims: base,
      want: { username: 'kauth:119abc', groups: [] },
    },
    {
      name: 'a mapping that reads a missing claim is an error',
      yaml: () =>
        `jwt:\n- issuer:\n    url: ${issuer.url}\n    audiences: [kauth]\n${ca(issuer)}  claimMappings:\n    username:\n      expression: claims.preferred_username\n`,
      claims: base,
      want: 'ERR: oidc: error evaluating username claim expression: no such key: preferred_username',
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const authn = await fromYaml(c.yaml());
      const token = await issuer.sign(c.key?.() ?? k1, c.claims);
      const got = await outcome(authn, token);
      if (typeof c.want === 'string') assert.equal(got, c.want);
      else assert.deepEqual(got, { groups: [], ...c.want });
      authn.close();
    });
  }

  test('several issuers: each token goes to its own issuer; an unknown issuer is not ours', async () => {
    const mapping = (prefix: string): string =>
      `  claimMappings:\n    username:\n      claim: sub\n      prefix: "${prefix}"\n`;
    const authn = await fromYaml(
      `jwt:\n- issuer:\n    url: ${issuer.url}\n    audiences: [kauth]\n${ca(issuer)}${mapping('one:')}- issuer:\n    url: ${second.url}\n    audiences: [kauth]\n${ca(second)}${mapping('two:')}`,
    );
    assert.equal(((await outcome(authn, await issuer.sign(k1, base))) as UserInfo).username, 'one:119abc');
    assert.equal(((await outcome(authn, await second.sign(k2, base))) as UserInfo).username, 'two:119abc');
    // Signed by the first issuer's key but claiming the second: the second's keys refuse it.
    assert.match(
      String(await outcome(authn, await second.sign(k1, base))),
      /^ERR: oidc: verify token: failed to verify signature/,
    );
    assert.equal(await outcome(authn, await issuer.sign(k1, { ...base, iss: 'https://elsewhere.example.com' })), null);
    assert.equal(await outcome(authn, 'not-a-jwt'), null);
    authn.close();
  });
});

describe('--oidc-* flags: tokens kube refuses are 401, never anonymous', () => {
  let authn: JwtAuthenticators;
  const good = () => ({ sub: 'u-1', aud: 'kauth', email: 'jane@example.com', email_verified: true, groups: ['devs'] });
  before(async () => {
    authn = await fromFlags(
      { issuerUrl: issuer.url, usernameClaim: 'email', groupsClaim: 'groups', groupsPrefix: 'oidc:' },
      issuer.caPem,
    );
  });

  test('a good token: email unprefixed (the email claim), groups prefixed', async () => {
    assert.deepEqual(await outcome(authn, await issuer.sign(k1, good())), {
      username: 'jane@example.com',
      groups: ['oidc:devs'],
    });
  });

  const refused: [string, () => Promise<string>, RegExp][] = [
    [
      'expired',
      () => issuer.sign(k1, { ...good(), exp: now() - 1 }),
      /^ERR: oidc: verify token: oidc: token is expired \(Token Expiry: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC\)$/,
    ],
    [
      'no exp',
      () => issuer.sign(k1, { ...good(), exp: undefined }),
      /token is expired \(Token Expiry: 0001-01-01 00:00:00 \+0000 UTC\)/,
    ],
    [
      'not yet valid (nbf beyond the 1 minute leeway)',
      () => issuer.sign(k1, { ...good(), nbf: now() + 300 }),
      /oidc: current time .* before the nbf \(not before\) time: /,
    ],
    [
      'another audience',
      () => issuer.sign(k1, { ...good(), aud: 'someone-else' }),
      /^ERR: oidc: verify token: oidc: expected audience "kauth" got \["someone-else"\]$/,
    ],
    [
      'email not verified',
      () => issuer.sign(k1, { ...good(), email_verified: false }),
      /^ERR: oidc: email not verified$/,
    ],
    [
      'email_verified not a bool',
      () => issuer.sign(k1, { ...good(), email_verified: 'yes' }),
      /^ERR: oidc: parse 'email_verified' claim: json: cannot unmarshal string into Go value of type bool$/,
    ],
    [
      'no email claim',
      () => issuer.sign(k1, { ...good(), email: undefined }),
      /^ERR: oidc: parse username claims "email": claim not present$/,
    ],
    [
      'alg none, unsigned',
      async () => unsignedToken({ ...good(), iss: issuer.url, exp: now() + 60 }),
      /oidc: id token signed with unsupported algorithm, expected \["RS256"\] got "none"/,
    ],
    [
      'HS256 with the public key as secret',
      () => hs256WithPublicKey(k1, { ...good(), iss: issuer.url, exp: now() + 60 }),
      /unsupported algorithm, expected \["RS256"\] got "HS256"/,
    ],
    [
      'ES256 when only RS256 is allowed',
      () => issuer.sign(ec, good()),
      /unsupported algorithm, expected \["RS256"\] got "ES256"/,
    ],
    [
      'known kid, another key',
      () => issuer.sign(rogue, good()),
      /^ERR: oidc: verify token: failed to verify signature: failed to verify id token signature$/,
    ],
    [
      'unknown kid',
      () => issuer.sign({ ...rogue, kid: 'never-served' }, good()),
      /failed to verify signature: failed to verify id token signature/,
    ],
    [
      'payload changed after signing',
      async () => {
        const [h, , s] = (await issuer.sign(k1, good())).split('.');
        return `${h}.${Buffer.from(JSON.stringify({ ...good(), iss: issuer.url, exp: now() + 600, email: 'root@example.com' })).toString('base64url')}.${s}`;
      },
      /failed to verify id token signature/,
    ],
    [
      'groups claim of the wrong type',
      () => issuer.sign(k1, { ...good(), groups: 7 }),
      /^ERR: oidc: parse groups claim "groups": json: cannot unmarshal number into Go value of type string$/,
    ],
  ];
  for (const [name, token, want] of refused) {
    test(`${name} → 401`, async () => assert.match(String(await outcome(authn, await token())), want));
  }

  test('nbf within the 1 minute leeway is accepted; iat in the future is not checked (go-oidc)', async () => {
    assert.equal(
      typeof (await outcome(authn, await issuer.sign(k1, { ...good(), nbf: now() + 30, iat: now() + 3000 }))),
      'object',
    );
  });

  test('a single string groups claim is one group', async () => {
    assert.deepEqual(
      ((await outcome(authn, await issuer.sign(k1, { ...good(), groups: 'admins' }))) as UserInfo).groups,
      ['oidc:admins'],
    );
  });

  test('username claim sub: prefixed "<issuer>#"; "-" turns prefixing off; required claims', async () => {
    const sub = await fromFlags({ issuerUrl: issuer.url }, issuer.caPem);
    assert.equal(((await outcome(sub, await issuer.sign(k1, good()))) as UserInfo).username, `${issuer.url}#u-1`);
    const none = await fromFlags(
      { issuerUrl: issuer.url, usernamePrefix: '-', requiredClaims: ['hd=example.com'] },
      issuer.caPem,
    );
    assert.equal(
      ((await outcome(none, await issuer.sign(k1, { ...good(), hd: 'example.com' }))) as UserInfo).username,
      'u-1',
    );
    assert.equal(
      await outcome(none, await issuer.sign(k1, good())),
      'ERR: oidc: required claim hd not present in ID token',
    );
    const custom = await fromFlags({ issuerUrl: issuer.url, usernamePrefix: 'acme:' }, issuer.caPem);
    assert.equal(((await outcome(custom, await issuer.sign(k1, good()))) as UserInfo).username, 'acme:u-1');
  });

  test('--oidc-signing-algs=ES256 accepts ES256 and refuses RS256', async () => {
    const es = await fromFlags({ issuerUrl: issuer.url, signingAlgs: ['ES256'] }, issuer.caPem);
    assert.equal(typeof (await outcome(es, await issuer.sign(ec, good()))), 'object');
    assert.match(String(await outcome(es, await issuer.sign(k1, good()))), /expected \["ES256"\] got "RS256"/);
  });
});

describe('keys: rotation without restart, no network on the hot path', () => {
  test('a rotated key is picked up after the refetch cooldown; good tokens never fetch', async () => {
    const rotating = await TestIssuer.start({ path: '/rotating' });
    const a = await makeSigningKey('a');
    const b = await makeSigningKey('b');
    rotating.publish(a);
    const authn = await fromYaml(
      `jwt:\n- issuer:\n    url: ${rotating.url}\n    audiences: [kauth]\n${ca(rotating)}  claimMappings:\n    username:\n      claim: sub\n      prefix: ""\n`,
      { cooldownMs: 400 },
    );
    const claims = { sub: 's', aud: 'kauth' };
    const before = { ...rotating.requests };
    for (let i = 0; i < 30; i++)
      assert.equal(typeof (await outcome(authn, await rotating.sign(a, { ...claims, n: i }))), 'object');
    assert.deepEqual(rotating.requests, before, 'verified tokens made no request');

    rotating.publish(b); // the issuer rotates: a new key with a new kid
    const tokenB = await rotating.sign(b, claims);
    // Inside the cooldown after start: refused at once (no waiting), and one fetch queued for its end.
    const storm = await Promise.all(Array.from({ length: 20 }, () => outcome(authn, tokenB)));
    assert.ok(storm.every((r) => typeof r === 'string' && r.includes('failed to verify id token signature')));
    let got: unknown;
    for (let i = 0; i < 40 && typeof got !== 'object'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      got = await outcome(authn, tokenB);
    }
    assert.deepEqual(got, { username: 's', groups: [] });
    assert.ok(
      rotating.requests.jwks - before.jwks <= 2,
      `JWKS fetched ${rotating.requests.jwks - before.jwks} times for 20+ unknown-kid tokens`,
    );
    authn.close();
    await rotating.close();
  });

  test('an issuer that is down at start: 401 "not initialized", then ready once it answers', async () => {
    const late = await TestIssuer.start({ path: '/late' });
    const key = await makeSigningKey('late');
    late.publish(key);
    late.failWith = 503;
    const config = decodeAuthenticationConfiguration(
      `apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\njwt:\n- issuer:\n    url: ${late.url}\n    audiences: [kauth]\n${ca(late)}  claimMappings:\n    username:\n      claim: sub\n      prefix: ""\n`,
    );
    const authn = new JwtAuthenticators({ algorithms: ['RS256'], keySet: { initRetryMs: 150 } }).start(
      validateAuthenticationConfiguration(config, []).jwt,
    );
    const token = await late.sign(key, { sub: 's', aud: 'kauth' });
    assert.equal(await outcome(authn, token), 'ERR: oidc: authenticator not initialized');
    late.failWith = undefined;
    assert.equal(await authn.whenReady(3000), true);
    assert.deepEqual(await outcome(authn, token), { username: 's', groups: [] });
    authn.close();
    await late.close();
  });

  test('discovery that names another issuer is refused (never ready)', async () => {
    const liar = await TestIssuer.start({ path: '/liar' });
    liar.discoveryIssuer = 'https://impostor.example.com';
    const config = decodeAuthenticationConfiguration(
      `apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\njwt:\n- issuer:\n    url: ${liar.url}\n    audiences: [kauth]\n${ca(liar)}  claimMappings:\n    username:\n      claim: sub\n      prefix: ""\n`,
    );
    const authn = new JwtAuthenticators({ algorithms: ['RS256'], keySet: { initRetryMs: 60_000 } }).start(
      validateAuthenticationConfiguration(config, []).jwt,
    );
    assert.equal(await authn.whenReady(400), false);
    authn.close();
    await liar.close();
  });

  test("the issuer's certificate must chain to the configured CA", async () => {
    const other = await TestIssuer.start({ path: '/untrusted' });
    const config = decodeAuthenticationConfiguration(
      `apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\njwt:\n- issuer:\n    url: ${other.url}\n    audiences: [kauth]\n  claimMappings:\n    username:\n      claim: sub\n      prefix: ""\n`,
    );
    // No certificateAuthority: the host's roots, which do not include the test CA.
    const authn = new JwtAuthenticators({ algorithms: ['RS256'], keySet: { initRetryMs: 60_000 } }).start(
      validateAuthenticationConfiguration(config, []).jwt,
    );
    assert.equal(await authn.whenReady(400), false);
    assert.equal(other.requests.discovery, 0);
    authn.close();
    await other.close();
  });
});

describe('algorithm and key must fit', () => {
  test('a header alg that does not fit the key never verifies (ES256 on a P-384 key, RS256 on an EC key)', async () => {
    const authn = await fromYaml(
      `jwt:\n- issuer:\n    url: ${issuer.url}\n    audiences: [kauth]\n${ca(issuer)}  claimMappings:\n    username:\n      claim: sub\n      prefix: ""\n`,
    );
    const claims = { sub: 's', aud: 'kauth' };
    // Sign correctly with the key's own algorithm, then claim another one in the header.
    const relabel = async (key: SigningKey, alg: string): Promise<string> => {
      const [h, p, sig] = (await issuer.sign(key, claims)).split('.');
      const header = { ...JSON.parse(Buffer.from(h!, 'base64url').toString()), alg };
      return `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${p}.${sig}`;
    };
    assert.match(String(await outcome(authn, await relabel(es384, 'ES256'))), /failed to verify id token signature/);
    assert.match(String(await outcome(authn, await relabel(ec, 'RS256'))), /failed to verify id token signature/);
    assert.match(String(await outcome(authn, await relabel(k1, 'PS256'))), /failed to verify id token signature/);
    authn.close();
  });
});
