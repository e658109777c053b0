// Fuzz: request paths and query strings. Random API and non-resource paths (nested namespaces, escapes,
// `%ff`, dot segments, repeated and very long runs of slashes, long segments), random query parameters and
// every method, sent by each narrowly scoped user: no 5xx, Status errors, answers within the bound, no
// crash, /readyz prompt between batches, and every storage key touched lies within what was authorized.
import fc from 'fast-check';
import { after, before, describe, it } from 'node:test';
import { bodyFor, FOCUS, methodFor, pathFor, query, USERS, type FuzzUser } from './support/arbitraries.js';
import { FuzzCluster, type FuzzRequest } from './support/cluster.js';
import { fuzzProperty, type FuzzCase } from './support/run.js';

describe('fuzz: request paths', () => {
  let c: FuzzCluster;
  before(async () => {
    c = await FuzzCluster.start();
  });
  after(async () => {
    await c?.stop();
  });

  const pathCase = (): fc.Arbitrary<FuzzCase> =>
    fc.constantFrom<FuzzUser>(...USERS).chain((user) =>
      methodFor(user).chain((method) =>
        fc
          .record({
            path: pathFor(FOCUS[user]),
            query,
            b: bodyFor(method),
            accept: fc.constantFrom('application/json', 'application/json', 'application/yaml', '*/*'),
            impersonate: fc.boolean(),
          })
          .map(({ path: p, query: q, b, accept, impersonate }): FuzzCase => {
            const headers: Record<string, string> = { accept };
            // The impersonator acts as the getter half the time (it may impersonate nobody else).
            if (user === 'impersonator' && impersonate) headers['impersonate-user'] = 'fz-getter';
            if (b.contentType) headers['content-type'] = b.contentType;
            const request: FuzzRequest = { method, target: p + q, headers, body: b.body, who: c.who(user) };
            return { as: user, request };
          }),
      ),
    );

  it('random paths as every user stay within their authorization', async () => {
    await fuzzProperty('paths', c, fc.array(pathCase(), { minLength: 1, maxLength: 4 }), { numRuns: 600 });
  });
});
