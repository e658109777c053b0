// Fuzz: request headers. Impersonate-User/Group/Uid/Extra-* (allowed, forbidden, malformed, repeated),
// Authorization (empty, malformed, bearer-looking, bootstrap-looking, Basic), front-proxy headers from a client
// that is not the front proxy, websocket bearer protocols, Accept and Content-Type variants — on top of the
// common properties, the identity the request is authorized as must be exactly the one it may act as.
import fc from 'fast-check';
import { after, before, describe, it } from 'node:test';
import { FOCUS, headers, pathFor, type FuzzUser } from './support/arbitraries.js';
import { mainDecision } from './support/checks.js';
import { FuzzCluster, type Exchange, type FuzzRequest, type Observed } from './support/cluster.js';
import { fuzzProperty, type FuzzCase } from './support/run.js';

const SELF_SUBJECT_REVIEW = '/apis/authentication.k8s.io/v1/selfsubjectreviews';
const USERS_OF_HEADERS: FuzzUser[] = ['getter', 'impersonator', 'impersonator', 'viewer', 'anonymous', 'admin', 'node'];
const NAME_OF: Partial<Record<FuzzUser, string>> = {
  getter: 'fz-getter',
  impersonator: 'fz-impersonator',
  viewer: 'fz-viewer',
  admin: 'fz-admin',
  node: 'system:node:n1',
};

/**
 * Who the request may be authorized as. Without Impersonate-* headers: the certificate's user (anonymous
 * without one; an Authorization header never overrides a valid certificate, and X-Remote-* only counts from
 * the front proxy). With them: admin may become anyone; the impersonator only fz-getter, in fz-group at most.
 */
function identityProblems(user: FuzzUser, h: Record<string, string | string[]>, ex: Exchange, obs: Observed): string[] {
  const main = mainDecision(obs);
  if (!main) return [];
  const requester = NAME_OF[user] ?? 'system:anonymous';
  // HTTP drops the whitespace around a header value (Go's textproto as Node's parser).
  const raw = h['impersonate-user'];
  const asked = typeof raw === 'string' ? raw.replace(/^[ \t]+|[ \t]+$/g, '') : raw;
  const got = main.attrs.user;
  const p: string[] = [];
  if (asked === undefined) {
    if (got !== requester) p.push(`authorized as ${got}, but the requester is ${requester} and impersonates nobody`);
  } else if (got !== requester) {
    if (got !== asked)
      p.push(`authorized as ${got}, neither the requester ${requester} nor the impersonated ${String(asked)}`);
    if (user === 'impersonator') {
      if (got !== 'fz-getter') p.push(`the impersonator became ${got}, which it may not impersonate`);
      const extraGroups = main.attrs.groups.filter((g) => g !== 'fz-group' && g !== 'system:authenticated');
      if (extraGroups.length) p.push(`the impersonator gave ${got} groups it may not: ${extraGroups.join(',')}`);
    } else if (user !== 'admin') {
      p.push(`${requester} impersonated ${got} with no impersonate grant`);
    }
  }
  if (main.attrs.groups.includes('system:masters') && user !== 'admin')
    p.push(`authorized in system:masters as ${got}`);
  // SelfSubjectReview tells the client who it is: the same user as the authorizer saw.
  if (ex.status === 201 && main.attrs.resource === 'selfsubjectreviews') {
    const told = (JSON.parse(ex.body.toString()) as { status?: { userInfo?: { username?: string } } }).status?.userInfo
      ?.username;
    if (told !== got) p.push(`SelfSubjectReview says ${told}, the authorizer saw ${got}`);
  }
  return p;
}

describe('fuzz: request headers', () => {
  let c: FuzzCluster;
  before(async () => {
    c = await FuzzCluster.start();
  });
  after(async () => {
    await c?.stop();
  });

  const headerCase = (): fc.Arbitrary<FuzzCase> =>
    fc.constantFrom(...USERS_OF_HEADERS).chain((user) =>
      fc
        .record({
          target: fc.oneof(
            { weight: 4, arbitrary: pathFor({ ...FOCUS.getter, methods: ['GET'] }) },
            { weight: 2, arbitrary: pathFor(FOCUS[user]) },
            { weight: 2, arbitrary: fc.constant(SELF_SUBJECT_REVIEW) },
            {
              weight: 1,
              arbitrary: fc.constantFrom(
                '/api',
                '/apis',
                '/api/v1',
                '/apis/apps/v1',
                '/version',
                '/openapi/v3',
                '/readyz',
              ),
            },
          ),
          h: headers,
        })
        .map(({ target, h }): FuzzCase => {
          const review = target === SELF_SUBJECT_REVIEW;
          const method = review ? 'POST' : 'GET';
          const sent = { ...h };
          if (review) sent['content-type'] ??= 'application/json';
          const request: FuzzRequest = {
            method,
            target,
            headers: sent,
            who: c.who(user),
            body: review
              ? Buffer.from('{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}')
              : undefined,
          };
          return { as: user, request, expect: (ex, obs) => identityProblems(user, h, ex, obs) };
        }),
    );

  it('random headers never change who a request acts as beyond what it may impersonate', async () => {
    await fuzzProperty('headers', c, fc.array(headerCase(), { minLength: 1, maxLength: 4 }), { numRuns: 400 });
  });
});
