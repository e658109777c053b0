// Fuzz: client certificates. Chains that kube-apiserver accepts (a leaf of the cluster CA, with or without an
// EKU, through a proper intermediate, with unrelated certificates around it) and chains it refuses (another CA,
// self-signed, expired, not yet valid, server-only, an intermediate that is no CA or has expired, a self-signed
// look-alike of the cluster CA, many self-signed certificates sharing one key, a signing cycle, system:masters
// from an untrusted CA), each sent on its own TLS connection. Accepted chains must authenticate as exactly
// their CN and O; refused ones must get kube's 401 — never another identity, never a stall.
import fc from 'fast-check';
import { after, before, describe, it } from 'node:test';
import { mainDecision } from './support/checks.js';
import { ACCEPTED, buildChain, chainPlan, clusterCa, type ChainPlan } from './support/certs.js';
import { FuzzCluster, type Exchange, type Observed } from './support/cluster.js';
import { fuzzProperty, type FuzzCase } from './support/run.js';

const SELF_SUBJECT_REVIEW = '/apis/authentication.k8s.io/v1/selfsubjectreviews';
const TARGETS = [
  SELF_SUBJECT_REVIEW,
  SELF_SUBJECT_REVIEW,
  '/api/v1/namespaces/fz-a/configmaps/cm-1',
  '/api/v1/namespaces/fz-a/configmaps',
];

/** What an accepted chain authenticates as, and that a refused one is a 401. */
function identityProblems(plan: ChainPlan, ex: Exchange, obs: Observed): string[] {
  if (!ACCEPTED.has(plan.story))
    return ex.status === 401 ? [] : [`a ${plan.story} chain got ${ex.status}, kube answers 401`];
  if (ex.status === 401) return [`a ${plan.story} chain (which kube accepts) got 401`];
  const main = mainDecision(obs);
  const p: string[] = [];
  if (main && main.attrs.user !== plan.user)
    p.push(`authorized as ${main.attrs.user}, the certificate's CN is ${plan.user}`);
  // x509's groups are the O values as they are (duplicates too); the group adder adds system:authenticated
  // unless one of them already is.
  const organizations = plan.groups.filter((g) => g);
  const want = organizations.includes('system:authenticated')
    ? organizations
    : [...organizations, 'system:authenticated'];
  if (main && JSON.stringify([...main.attrs.groups].sort()) !== JSON.stringify([...want].sort())) {
    p.push(`authorized in groups ${main.attrs.groups.join(',')}, the certificate says ${want.join(',')}`);
  }
  return p;
}

describe('fuzz: client certificates', () => {
  let c: FuzzCluster;
  before(async () => {
    c = await FuzzCluster.start();
  });
  after(async () => {
    await c?.stop();
  });

  const certCase = (): fc.Arbitrary<FuzzCase> =>
    fc.tuple(chainPlan, fc.constantFrom(...TARGETS)).map(
      ([plan, target]): FuzzCase => ({
        as: `certificate ${plan.story} CN=${plan.user} O=${plan.groups.join('+')} extra=${plan.extra}`,
        request: async () => ({
          method: target === SELF_SUBJECT_REVIEW ? 'POST' : 'GET',
          target,
          fresh: true,
          who: await buildChain(plan, clusterCa(c.dir)),
          headers: { accept: 'application/json', 'content-type': 'application/json' },
          body:
            target === SELF_SUBJECT_REVIEW
              ? Buffer.from('{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}')
              : undefined,
        }),
        expect: (ex, obs) => identityProblems(plan, ex, obs),
      }),
    );

  it('random certificate chains authenticate as exactly what kube accepts, and 401 otherwise', async () => {
    await fuzzProperty('certificates', c, fc.array(certCase(), { minLength: 1, maxLength: 3 }), { numRuns: 150 });
  });
});
