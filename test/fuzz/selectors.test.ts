// Fuzz: label and field selectors on list, watch and deletecollection. Terms of the grammar with random
// spacing (including very long runs), set operators, escapes, over-long keys and values, broken terms, and
// `metadata.name=` selectors (which kube authorizes as that name) — sent by users who may list in one namespace,
// everywhere, only one name, or nothing.
import fc from 'fast-check';
import { after, before, describe, it } from 'node:test';
import { fieldSelector, labelSelector, type FuzzUser } from './support/arbitraries.js';
import { FuzzCluster } from './support/cluster.js';
import { fuzzProperty, type FuzzCase } from './support/run.js';

/** Collections each user lists (its own, another namespace's, and the cluster-wide ones). */
const COLLECTIONS: Partial<Record<FuzzUser, string[]>> = {
  lister: [
    '/api/v1/namespaces/fz-b/configmaps',
    '/api/v1/namespaces/fz-b/configmaps',
    '/api/v1/namespaces/fz-a/configmaps',
    '/api/v1/configmaps',
  ],
  viewer: [
    '/api/v1/namespaces/fz-c/configmaps',
    '/api/v1/namespaces/fz-c/pods',
    '/api/v1/namespaces/fz-c/secrets',
    '/apis/apps/v1/namespaces/fz-c/deployments',
    '/api/v1/namespaces/fz-b/configmaps',
  ],
  getter: ['/api/v1/namespaces/fz-a/configmaps'],
  writer: ['/api/v1/namespaces/fz-d/configmaps', '/api/v1/namespaces/fz-d/secrets'],
  node: ['/api/v1/pods', '/api/v1/namespaces/fz-c/pods', '/api/v1/nodes', '/api/v1/namespaces/fz-c/secrets'],
  admin: [
    '/api/v1/configmaps',
    '/api/v1/pods',
    '/api/v1/namespaces',
    '/api/v1/secrets',
    '/api/v1/namespaces/fz-c/pods',
    '/apis/rbac.authorization.k8s.io/v1/rolebindings',
  ],
};

/** The fieldSelector a name-scoped request carries: exactly metadata.name=<name>, in kube's spellings. */
const nameSelector = fc
  .tuple(fc.constantFrom('metadata.name=', 'metadata.name=='), fc.constantFrom('cm-1', 'cm-2', 'p1', 's-1'))
  .map(([op, name]) => `${op}${name}`);

const selectorQuery = fc
  .record({
    labelSelector: fc.option(labelSelector, { freq: 3 }),
    fieldSelector: fc.option(
      fc.oneof({ weight: 3, arbitrary: fieldSelector }, { weight: 2, arbitrary: nameSelector }),
      { freq: 3 },
    ),
    watch: fc.constantFrom(null, null, null, '1', 'true', 'false'),
    limit: fc.constantFrom(null, null, '1', '2', '-1'),
  })
  .map((q) =>
    Object.entries(q)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`)
      .join('&'),
  );

describe('fuzz: label and field selectors', () => {
  let c: FuzzCluster;
  before(async () => {
    c = await FuzzCluster.start();
  });
  after(async () => {
    await c?.stop();
  });

  const selectorCase = (): fc.Arbitrary<FuzzCase> =>
    fc
      .constantFrom<FuzzUser>('lister', 'lister', 'viewer', 'viewer', 'getter', 'writer', 'node', 'admin', 'admin')
      .chain((user) =>
        fc
          .tuple(fc.constantFrom(...COLLECTIONS[user]!), selectorQuery, fc.nat(9))
          .map(([collection, q, roll]): FuzzCase => {
            // The writer sometimes deletes what its selectors match (deletecollection).
            const method = user === 'writer' && roll < 3 ? 'DELETE' : 'GET';
            const target = q ? `${collection}?${q}` : collection;
            return { as: user, request: { method, target, headers: { accept: 'application/json' }, who: c.who(user) } };
          }),
      );

  it('random selectors on list, watch and deletecollection stay within their authorization', async () => {
    await fuzzProperty('selectors', c, fc.array(selectorCase(), { minLength: 1, maxLength: 4 }), { numRuns: 200 });
  });
});
