// Per-request audiences: kube's Intersect, the audience-agnostic wrappers, the filter's API-audience
// check, service-account tokens validated against the requested audiences, and TokenReview with
// spec.audiences through the real chain (group adder included).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiAudiencesAuthenticator,
  AudienceAgnosticRequestAuthenticator,
  AudienceAgnosticTokenAuthenticator,
  audiencesAreAcceptable,
  intersectAudiences,
} from '../../../src/authn/audiences.js';
import { buildAuthenticator } from '../../../src/authn/chain.js';
import {
  AuthenticationError,
  type Authenticator,
  type AuthRequest,
  type AuthResponse,
  type TokenAuthenticator,
} from '../../../src/authn/interfaces.js';
import { parseTokenFile, TokenFileAuthenticator } from '../../../src/authn/tokenfile.js';
import { reviewToken } from '../../../src/registry/resources/reviews.js';
import { TokenIssuer } from '../../../src/serviceaccount/issue.js';
import { ServiceAccountTokenAuthenticator } from '../../../src/serviceaccount/validate.js';
import { API_AUDIENCES, cluster, ISSUER, rsaSigningKey } from '../serviceaccount/fixtures.js';

const OTHER = 'https://other.example';
const VAULT = 'vault';

/** A token authenticator that records the audiences it was asked with and answers for "good". */
class Recording implements TokenAuthenticator {
  readonly name = 'recording';
  asked: (string[] | undefined)[] = [];
  constructor(private readonly answerAudiences?: string[]) {}
  async authenticateToken(token: string, audiences?: string[]): Promise<AuthResponse | null> {
    this.asked.push(audiences);
    if (token !== 'good') return null;
    return {
      user: { username: 'u', groups: [] },
      ...(this.answerAudiences ? { audiences: this.answerAudiences } : {}),
    };
  }
}

describe('intersectAudiences (Audiences.Intersect)', () => {
  const cases: [string, string[], string[], string[]][] = [
    ['disjoint', ['a'], ['b'], []],
    ["keeps the second list's order", ['a', 'b', 'c'], ['c', 'a'], ['c', 'a']],
    ['empty first', [], ['a'], []],
    ['empty second', ['a'], [], []],
    ['duplicates in the second are kept, as Go does', ['a'], ['a', 'a'], ['a', 'a']],
  ];
  for (const [name, a, b, want] of cases) test(name, () => assert.deepEqual(intersectAudiences(a, b), want));
});

describe('audiencesAreAcceptable (the filter)', () => {
  const cases: [string, string[], string[] | undefined, boolean][] = [
    ['no API audiences: anything', [], ['x'], true],
    ['no audiences in the answer (x509, anonymous)', [ISSUER], undefined, true],
    ['empty answer audiences', [ISSUER], [], true],
    ['meets', [ISSUER, 'b'], ['b'], true],
    ['misses', [ISSUER], [OTHER], false],
  ];
  for (const [name, api, resp, want] of cases) test(name, () => assert.equal(audiencesAreAcceptable(api, resp), want));
});

describe('WrapAudienceAgnosticToken', () => {
  const cases: {
    name: string;
    requested?: string[];
    token: string;
    want: 'null' | string[] | 'user-without-audiences';
    delegateAsked: boolean;
  }[] = [
    {
      name: 'not audience-limited: the delegate decides, no audiences added',
      token: 'good',
      want: 'user-without-audiences',
      delegateAsked: true,
    },
    {
      name: 'limited to the API audience: good, with that audience',
      requested: [ISSUER],
      token: 'good',
      want: [ISSUER],
      delegateAsked: true,
    },
    {
      name: 'limited to other audiences only: not authenticated, delegate not asked',
      requested: [OTHER],
      token: 'good',
      want: 'null',
      delegateAsked: false,
    },
    {
      name: 'mixed: the implicit ones in the requested order',
      requested: [OTHER, ISSUER],
      token: 'good',
      want: [ISSUER],
      delegateAsked: true,
    },
    {
      name: 'a token the delegate refuses stays refused',
      requested: [ISSUER],
      token: 'bad',
      want: 'null',
      delegateAsked: true,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const inner = new Recording();
      const resp = await new AudienceAgnosticTokenAuthenticator(API_AUDIENCES, inner).authenticateToken(
        c.token,
        c.requested,
      );
      assert.equal(inner.asked.length > 0, c.delegateAsked);
      // The delegate knows nothing of audiences: it is never told any.
      for (const a of inner.asked) assert.equal(a, undefined);
      if (c.want === 'null') assert.equal(resp, null);
      else if (c.want === 'user-without-audiences') assert.deepEqual(resp, { user: { username: 'u', groups: [] } });
      else assert.deepEqual(resp?.audiences, c.want);
    });
  }
  test('errors pass through', async () => {
    const failing: TokenAuthenticator = {
      name: 'f',
      authenticateToken: async () => {
        throw new AuthenticationError('boom');
      },
    };
    await assert.rejects(
      new AudienceAgnosticTokenAuthenticator(API_AUDIENCES, failing).authenticateToken('t', [ISSUER]),
      /boom/,
    );
  });
});

describe('WrapAudienceAgnosticRequest', () => {
  const inner: Authenticator = {
    name: 'inner',
    authenticate: async () => ({ user: { username: 'proxy-user', groups: [] } }),
  };
  const cases: [string, string[] | undefined, string[] | null | 'none'][] = [
    ['not limited', undefined, 'none'],
    ['API audience', [ISSUER], [ISSUER]],
    ['other audience', [OTHER], null],
  ];
  for (const [name, requested, want] of cases) {
    test(name, async () => {
      const resp = await new AudienceAgnosticRequestAuthenticator(API_AUDIENCES, inner).authenticate({
        headers: {},
        peerCertificates: [],
        audiences: requested,
      });
      if (want === null) assert.equal(resp, null);
      else if (want === 'none') assert.equal(resp?.audiences, undefined);
      else assert.deepEqual(resp?.audiences, want);
    });
  }
});

describe('ApiAudiencesAuthenticator (WithAuthentication with --api-audiences)', () => {
  const req = (audiences?: string[]): AuthRequest => ({ headers: {}, peerCertificates: [], audiences });
  test('a request naming no audiences is limited to the API audiences', async () => {
    let seen: string[] | undefined;
    const inner: Authenticator = {
      name: 'i',
      authenticate: async (r) => {
        seen = r.audiences;
        return null;
      },
    };
    await new ApiAudiencesAuthenticator(API_AUDIENCES, inner).authenticate(req());
    assert.deepEqual(seen, API_AUDIENCES);
  });
  test("an answer for other audiences is refused with kube's words", async () => {
    const inner: Authenticator = {
      name: 'i',
      authenticate: async () => ({ user: { username: 'u', groups: [] }, audiences: [OTHER] }),
    };
    await assert.rejects(
      new ApiAudiencesAuthenticator(API_AUDIENCES, inner).authenticate(req()),
      (e: Error) =>
        e instanceof AuthenticationError &&
        e.message === `unable to match the audience: [${OTHER}] , accepted: [${ISSUER}]`,
    );
  });
  test('a caller naming its own audiences is passed through unchecked (TokenReview checks itself)', async () => {
    let seen: string[] | undefined;
    const inner: Authenticator = {
      name: 'i',
      authenticate: async (r) => {
        seen = r.audiences;
        return { user: { username: 'u', groups: [] }, audiences: [OTHER] };
      },
    };
    const resp = await new ApiAudiencesAuthenticator(API_AUDIENCES, inner).authenticate(req([OTHER]));
    assert.deepEqual(seen, [OTHER]);
    assert.deepEqual(resp?.audiences, [OTHER]);
  });
});

/** Service-account tokens, a static token and the whole chain, as kube-apiserver assembles them. */
function setup() {
  const c = cluster();
  const key = rsaSigningKey();
  const issuer = new TokenIssuer({ issuer: ISSUER, signingKey: key, apiAudiences: API_AUDIENCES });
  const sa = new ServiceAccountTokenAuthenticator({
    issuers: [ISSUER],
    apiAudiences: API_AUDIENCES,
    publicKeys: [key],
    getter: c.getter,
    lookup: true,
  });
  const static_ = new AudienceAgnosticTokenAuthenticator(
    API_AUDIENCES,
    new TokenFileAuthenticator(parseTokenFile('static-token,ops,42\n', 'tokens.csv')),
  );
  const options = { tokenAuthenticators: [static_, sa], apiAudiences: API_AUDIENCES, anonymous: true };
  const chain = buildAuthenticator(options);
  const reviewChain = buildAuthenticator({ ...options, tokenCache: false });
  const token = (audiences: string[]) =>
    issuer.issueBoundToken({
      namespace: 'demo',
      serviceAccount: { name: 'pod-viewer', uid: c.sa.metadata.uid! },
      audiences,
      expirationSeconds: 900,
    });
  const review = (spec: Record<string, unknown>) =>
    reviewToken(
      { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: {}, spec },
      {
        authenticator: () => reviewChain,
        apiAudiences: () => API_AUDIENCES,
        authorizer: () => {
          throw new Error('unused');
        },
        ruleResolvers: () => [],
      },
    );
  return { sa, chain, token, review };
}

describe('service-account tokens against the requested audiences (jwt.go)', () => {
  const cases: { name: string; tokenAuds: string[]; requested?: string[]; want: string[] | RegExp }[] = [
    { name: 'API request, API-audience token', tokenAuds: [ISSUER], want: [ISSUER] },
    {
      name: 'API request, token for another audience',
      tokenAuds: [OTHER],
      want: /token audiences \["https:\/\/other.example"\] is invalid for the target audiences \["https:\/\/kubernetes.default.svc.cluster.local"\]$/,
    },
    { name: 'requested other audience, token for it', tokenAuds: [OTHER], requested: [OTHER], want: [OTHER] },
    {
      name: 'requested other audience, API-audience token',
      tokenAuds: [ISSUER],
      requested: [OTHER],
      want: /is invalid for the target audiences \["https:\/\/other.example"\]$/,
    },
    {
      name: 'several requested: the intersection in the requested order',
      tokenAuds: [OTHER, VAULT, ISSUER],
      requested: [VAULT, 'nope', OTHER],
      want: [VAULT, OTHER],
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const s = setup();
      const p = s.sa.authenticateToken(await s.token(c.tokenAuds), c.requested);
      if (c.want instanceof RegExp) await assert.rejects(p, c.want);
      else assert.deepEqual((await p)?.audiences, c.want);
    });
  }
});

describe('the chain on API requests', () => {
  test('a token for another audience is a 401 error on the API, not anonymous', async () => {
    const s = setup();
    await assert.rejects(
      s.chain.authenticate({ headers: { authorization: `Bearer ${await s.token([OTHER])}` }, peerCertificates: [] }),
      /is invalid for the target audiences/,
    );
  });
  test('a static token on the API answers with the API audiences and system:authenticated', async () => {
    const s = setup();
    const resp = await s.chain.authenticate({
      headers: { authorization: 'Bearer static-token' },
      peerCertificates: [],
    });
    assert.deepEqual(resp, {
      user: { username: 'ops', uid: '42', groups: ['system:authenticated'] },
      audiences: API_AUDIENCES,
    });
  });
});

describe('TokenReview (tokenreview/storage.go)', () => {
  test('spec.audiences: authenticated for that audience, echoed in status, groups with system:authenticated', async () => {
    const s = setup();
    const r = await s.review({ token: await s.token([OTHER]), audiences: [OTHER] });
    const status = r.status as Record<string, any>;
    assert.equal(status.authenticated, true);
    assert.deepEqual(status.audiences, [OTHER]);
    assert.equal(status.user.username, 'system:serviceaccount:demo:pod-viewer');
    assert.deepEqual(status.user.groups, [
      'system:serviceaccounts',
      'system:serviceaccounts:demo',
      'system:authenticated',
    ]);
  });
  test('no spec.audiences: the API audiences', async () => {
    const s = setup();
    const status = (await s.review({ token: await s.token(API_AUDIENCES) })).status as Record<string, any>;
    assert.equal(status.authenticated, true);
    assert.deepEqual(status.audiences, API_AUDIENCES);
  });
  test('a token for another audience than asked: not authenticated, the reason in status.error', async () => {
    const s = setup();
    const status = (await s.review({ token: await s.token([OTHER]) })).status as Record<string, any>;
    assert.deepEqual(Object.keys(status), ['user', 'error']);
    assert.deepEqual(status.user, {});
    assert.match(status.error, /^token audiences \["https:\/\/other.example"\] is invalid for the target audiences/);
  });
  test('a static token reviewed for another audience is not authenticated (audience-agnostic)', async () => {
    const s = setup();
    const status = (await s.review({ token: 'static-token', audiences: [OTHER] })).status as Record<string, any>;
    assert.equal(status.authenticated, undefined);
    assert.equal(status.error, 'invalid bearer token');
  });
  test('an unknown token: invalid bearer token', async () => {
    const s = setup();
    const status = (await s.review({ token: 'nobody-knows-me' })).status as Record<string, any>;
    assert.deepEqual(status, { user: {}, error: 'invalid bearer token' });
  });
  test("an empty token is a 400 with kube's message", async () => {
    const s = setup();
    await assert.rejects(
      s.review({ token: '' }),
      (e: Error & { code?: number }) =>
        e.code === 400 && e.message === 'token is required for TokenReview in authentication',
    );
  });
});
