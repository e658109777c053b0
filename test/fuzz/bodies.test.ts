// Fuzz: request bodies and patches. Objects with wrong types and odd metadata, arbitrary JSON, JSON nested
// 100–50,000 deep, numbers beyond float64, YAML with anchors and aliases, protobuf (`k8s\0`) envelopes with lying
// lengths, garbage bytes, mismatched content types; review and CSR bodies; JSON patches (including bounded copy
// chains), merge and strategic-merge patches with their directives — sent by users who may and may not write.
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { after, before, describe, it } from 'node:test';
import { createCsr } from '../../src/pki/csr.js';
import { bodyOf, csrBody, deepDocument, patch, reviewBody, type FuzzUser } from './support/arbitraries.js';
import { FuzzCluster } from './support/cluster.js';
import { fuzzProperty, type FuzzCase } from './support/run.js';

/** Where bodies go, per user: what its grants allow, and a little beyond (to be refused before decoding). */
const WRITE_TARGETS: Partial<Record<FuzzUser, { post: string[]; put: string[] }>> = {
  writer: {
    post: [
      '/api/v1/namespaces/fz-d/configmaps',
      '/api/v1/namespaces/fz-d/secrets',
      '/api/v1/namespaces/fz-d/configmaps?dryRun=All',
      '/api/v1/namespaces/fz-d/configmaps?fieldValidation=Strict',
    ],
    put: [
      '/api/v1/namespaces/fz-d/configmaps/cm-1',
      '/api/v1/namespaces/fz-d/configmaps/cm-2',
      '/api/v1/namespaces/fz-d/secrets/s-1',
      '/api/v1/namespaces/fz-d/configmaps/new-1',
    ],
  },
  nsadmin: {
    post: ['/api/v1/namespaces', '/api/v1/namespaces/fz-e/configmaps'],
    put: ['/api/v1/namespaces/fz-e', '/api/v1/namespaces/fz-e/status', '/api/v1/namespaces/fz-e/finalize'],
  },
  viewer: { post: ['/api/v1/namespaces/fz-c/configmaps'], put: ['/api/v1/namespaces/fz-c/configmaps/cm-1'] },
  getter: { post: ['/api/v1/namespaces/fz-a/configmaps'], put: ['/api/v1/namespaces/fz-a/configmaps/cm-1'] },
};
const REVIEWS = [
  '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
  '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
  '/apis/authentication.k8s.io/v1/selfsubjectreviews',
  '/apis/authorization.k8s.io/v1/namespaces/fz-d/localsubjectaccessreviews',
];
const CSRS = '/apis/certificates.k8s.io/v1/certificatesigningrequests';
const PATCH_TARGETS: Partial<Record<FuzzUser, string[]>> = {
  writer: [
    '/api/v1/namespaces/fz-d/configmaps/cm-1',
    '/api/v1/namespaces/fz-d/configmaps/cm-2',
    '/api/v1/namespaces/fz-d/secrets/s-1',
    '/api/v1/namespaces/fz-d/configmaps/new-1',
    '/api/v1/namespaces/fz-d/configmaps/cm-1?dryRun=All',
  ],
  nsadmin: ['/api/v1/namespaces/fz-e', '/api/v1/namespaces/fz-e?dryRun=All', '/api/v1/namespaces/fz-e/status'],
  viewer: ['/api/v1/namespaces/fz-c/configmaps/cm-1'],
};

/** The kind a path's resource holds. */
function kindOf(target: string): string {
  if (target.includes('/secrets')) return 'Secret';
  if (target.includes('/configmaps')) return 'ConfigMap';
  return 'Namespace';
}

describe('fuzz: request bodies and patches', () => {
  let c: FuzzCluster;
  let csrPem: string;
  before(async () => {
    c = await FuzzCluster.start();
    csrPem = await createCsr({
      subject: { commonName: 'fz-csr-user' },
      privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
    });
  });
  after(async () => {
    await c?.stop();
  });

  const bodyUsers: FuzzUser[] = [
    'writer',
    'writer',
    'writer',
    'writer',
    'writer',
    'nsadmin',
    'nsadmin',
    'viewer',
    'getter',
  ];
  const bodyCase = (): fc.Arbitrary<FuzzCase> =>
    fc.constantFrom(...bodyUsers).chain((user) => {
      const t = WRITE_TARGETS[user]!;
      return fc
        .oneof(
          {
            weight: 6,
            arbitrary: fc
              .tuple(fc.constantFrom('POST', 'PUT'), fc.constantFrom(...t.post), fc.constantFrom(...t.put))
              .chain(([method, post, put]) => {
                const target = method === 'POST' ? post : put;
                // A PUT names its object in the path; the body mostly agrees.
                const name = target.split('?')[0]!.split('/')[
                  method === 'PUT' ? (target.includes('/namespaces/fz-e/') ? 4 : 6) : 99
                ];
                return bodyOf(kindOf(target), name ? [name] : undefined).map((b) => ({ method, target, ...b }));
              }),
          },
          {
            weight: 2,
            arbitrary: fc.tuple(fc.constantFrom(...REVIEWS), reviewBody).map(([target, b]) => ({
              method: 'POST',
              target,
              body: Buffer.from(b),
              contentType: 'application/json',
            })),
          },
          {
            weight: user === 'writer' ? 3 : 0,
            arbitrary: csrBody(csrPem).map((b) => ({
              method: 'POST',
              target: CSRS,
              body: Buffer.from(b),
              contentType: 'application/json',
            })),
          },
        )
        .map(
          ({ method, target, body: payload, contentType }): FuzzCase => ({
            as: user,
            request: {
              method,
              target,
              body: payload,
              headers: { 'content-type': contentType, accept: 'application/json' },
              who: c.who(user),
            },
          }),
        );
    });

  const patchUsers: FuzzUser[] = ['writer', 'writer', 'writer', 'nsadmin', 'nsadmin', 'viewer'];
  const patchCase = (): fc.Arbitrary<FuzzCase> =>
    fc.constantFrom(...patchUsers).chain((user) =>
      fc.tuple(fc.constantFrom(...PATCH_TARGETS[user]!), patch).map(
        ([target, p]): FuzzCase => ({
          as: user,
          request: {
            method: 'PATCH',
            target,
            body: p.body,
            headers: { 'content-type': p.contentType, accept: 'application/json' },
            who: c.who(user),
          },
        }),
      ),
    );

  it('random bodies (JSON, YAML, protobuf, garbage, reviews, CSRs) stay within their authorization', async () => {
    await fuzzProperty('bodies', c, fc.array(bodyCase(), { minLength: 1, maxLength: 4 }), { numRuns: 400 });
  });

  // Deep documents of every shape, as JSON and YAML, to what any authenticated user may create (reviews) and to
  // the writer's objects: decoded up to kube's 10,000 levels, refused beyond, and never a crash or a stall.
  const deepCase = (): fc.Arbitrary<FuzzCase> =>
    fc
      .tuple(
        deepDocument,
        fc.constantFrom('application/json', 'application/yaml', 'application/yaml'),
        fc.constantFrom(REVIEWS[0]!, '/api/v1/namespaces/fz-d/configmaps', '/api/v1/namespaces/fz-d/configmaps/cm-1'),
      )
      .map(([doc, contentType, target]): FuzzCase => {
        const method = target.endsWith('cm-1') ? 'PATCH' : 'POST';
        const type =
          method === 'PATCH' ? 'application/merge-patch+json' : doc.yamlOnly ? 'application/yaml' : contentType;
        const user: FuzzUser = target === REVIEWS[0] ? 'getter' : 'writer';
        const headers = { 'content-type': type, accept: 'application/json' };
        return {
          as: `${user} (depth ${doc.depth})`,
          request: { method, target, body: Buffer.from(doc.text), headers, who: c.who(user) },
        };
      });

  it('deeply nested JSON and YAML documents are decoded or refused, never a crash or a stall', async () => {
    // A document, sometimes sent twice in a row: a failure that leaves the decoder in a bad state shows on the second.
    const batch = fc.tuple(deepCase(), fc.boolean()).map(([one, twice]) => (twice ? [one, one] : [one]));
    await fuzzProperty('nesting', c, batch, { numRuns: 40 });
  });

  it('random JSON, merge and strategic-merge patches stay within their authorization', async () => {
    await fuzzProperty('patches', c, fc.array(patchCase(), { minLength: 1, maxLength: 4 }), { numRuns: 400 });
  });
});
