// RBAC decision throughput: the policy index against the linear scan Kubernetes does
// (test/unit/authz/rbac-reference.ts), at 100, 10,000 and 100,000 bindings, in one run.
// Run: npx tsx bench/rbac.ts
//
// The cluster is modelled as tenants: namespaces with their users, teams (groups) and service accounts,
// bound with 10% ClusterRoleBindings and 90% RoleBindings (to shared ClusterRoles and per-namespace
// Roles), on top of the bootstrap policy. Every size has the same "active" tenants (80 bindings); the
// rest of the bindings belong to other tenants, so the cluster grows around the identities making
// requests. Two request mixes are timed:
//   active  — requests from the active tenants: does a decision cost the same when the cluster grows?
//             (the goal's question; the work per decision is constant by construction of the index);
//   uniform — requests from every identity in the cluster: the working set grows with the cluster, so
//             this one also measures CPU-cache misses, not only the algorithm.
import type { PolicyRule, Role, RoleBinding, Subject } from '../src/api/types.js';
import type { UserInfo } from '../src/authn/interfaces.js';
import type { Attributes } from '../src/authz/interfaces.js';
import { nonResourceAttributes, resourceAttributes } from '../src/authz/attributes.js';
import { RbacAuthorizer } from '../src/authz/rbac/authorizer.js';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from '../src/authz/rbac/bootstrap-policy.js';
import { LinearRbacReference, prng } from '../test/unit/authz/rbac-reference.js';

const GROUPS = [
  '',
  'apps',
  'batch',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
  'policy',
  'autoscaling',
  'coordination.k8s.io',
];
const RESOURCES = [
  'pods',
  'pods/log',
  'pods/exec',
  'services',
  'configmaps',
  'secrets',
  'deployments',
  'deployments/scale',
  'statefulsets',
  'jobs',
  'cronjobs',
  'ingresses',
  'networkpolicies',
  'roles',
  'rolebindings',
  'leases',
  'events',
  'persistentvolumeclaims',
  'serviceaccounts',
  'endpoints',
];
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const CLUSTER_ROLES = 60;
const ACTIVE_BINDINGS = 80;
const REQUESTS = 4096;

/** A set of tenants: namespaces, users, teams; service accounts sa-0..2 live in each namespace. */
interface Population {
  namespaces: string[];
  users: string[];
  teams: string[];
}

function population(prefix: string, bindings: number): Population {
  return {
    namespaces: Array.from({ length: Math.max(2, Math.floor(bindings / 50)) }, (_, i) => `${prefix}ns-${i}`),
    users: Array.from({ length: Math.max(10, Math.floor(bindings / 4)) }, (_, i) => `${prefix}user-${i}@example.com`),
    teams: Array.from({ length: Math.max(5, Math.floor(bindings / 100)) }, (_, i) => `${prefix}team-${i}`),
  };
}

interface Corpus {
  objects: (Role | RoleBinding)[];
  active: Attributes[];
  uniform: Attributes[];
}

function buildCorpus(bindings: number, seed: number): Corpus {
  const rand = prng(seed);
  const int = (n: number): number => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const rules = (): PolicyRule[] =>
    Array.from({ length: 2 + int(6) }, () => {
      const r: PolicyRule = {
        apiGroups: [pick(GROUPS)],
        resources: [pick(RESOURCES), pick(RESOURCES)],
        verbs: [pick(VERBS), pick(VERBS)],
      };
      if (rand() < 0.1) r.resourceNames = [`obj-${int(5)}`];
      return r;
    });
  const objects: (Role | RoleBinding)[] = [...bootstrapClusterRoles(), ...bootstrapClusterRoleBindings()];
  for (let i = 0; i < CLUSTER_ROLES; i++)
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `app-role-${i}` },
      rules: rules(),
    });

  const tenants = (p: Population, count: number, prefix: string): void => {
    for (const ns of p.namespaces) {
      for (let i = 0; i < 2; i++)
        objects.push({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'Role',
          metadata: { name: `local-${i}`, namespace: ns },
          rules: rules(),
        });
    }
    const subject = (ns: string | undefined): Subject => {
      const k = rand();
      if (k < 0.55) return { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: pick(p.users) };
      if (k < 0.8) return { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: pick(p.teams) };
      return ns && rand() < 0.5
        ? { kind: 'ServiceAccount', name: `sa-${int(3)}` }
        : { kind: 'ServiceAccount', name: `sa-${int(3)}`, namespace: pick(p.namespaces) };
    };
    for (let i = 0; i < count; i++) {
      if (i % 10 === 0) {
        const subjects = Array.from({ length: 1 + int(2) }, () => subject(undefined));
        objects.push({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: `${prefix}crb-${i}` },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name: `app-role-${int(CLUSTER_ROLES)}`,
          },
          subjects,
        });
      } else {
        const ns = pick(p.namespaces);
        const roleRef =
          rand() < 0.6
            ? {
                apiGroup: 'rbac.authorization.k8s.io',
                kind: 'ClusterRole',
                name: rand() < 0.1 ? pick(['view', 'edit', 'admin']) : `app-role-${int(CLUSTER_ROLES)}`,
              }
            : { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `local-${int(2)}` };
        objects.push({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: `${prefix}rb-${i}`, namespace: ns },
          roleRef,
          subjects: Array.from({ length: 1 + int(2) }, () => subject(ns)),
        });
      }
    }
  };
  const active = population('a-', ACTIVE_BINDINGS * 5);
  const others = population('o-', bindings - ACTIVE_BINDINGS);
  tenants(active, ACTIVE_BINDINGS, 'a-');
  tenants(others, bindings - ACTIVE_BINDINGS, 'o-');

  const requests = (pops: Population[]): Attributes[] => {
    const out: Attributes[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const p = pops.length === 1 ? pops[0]! : rand() < 0.5 ? pops[0]! : pops[1]!;
      let user: UserInfo;
      if (rand() < 0.7)
        user = { username: pick(p.users), groups: [pick(p.teams), pick(p.teams), 'system:authenticated'] };
      else {
        const ns = pick(p.namespaces);
        user = {
          username: `system:serviceaccount:${ns}:sa-${int(3)}`,
          groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
        };
      }
      if (rand() < 0.1) {
        out.push(nonResourceAttributes(user, 'get', pick(['/healthz', '/version', '/api/v1', '/metrics', '/'])));
        continue;
      }
      const [resource, subresource = ''] = pick(RESOURCES).split('/');
      out.push(
        resourceAttributes(user, {
          verb: pick(VERBS),
          apiGroup: pick(GROUPS),
          resource: resource!,
          subresource,
          namespace: rand() < 0.15 ? '' : pick(p.namespaces),
          name: rand() < 0.5 ? `obj-${int(5)}` : '',
        }),
      );
    }
    return out;
  };
  // Uniform: identities drawn across the whole cluster (weighted by tenant size).
  const weightOthers = (bindings - ACTIVE_BINDINGS) / bindings;
  const uniform: Attributes[] = [];
  const fromActive = requests([active]);
  const fromOthers = requests([others]);
  for (let i = 0; i < REQUESTS; i++) uniform.push(rand() < weightOthers ? fromOthers[i]! : fromActive[i]!);
  return { objects, active: requests([active]), uniform };
}

type Decide = (a: Attributes) => { decision: string };

/** One timed slice: decisions over the request mix for about `budgetMs`; returns ns per decision. */
function slice(decide: Decide, requests: Attributes[], budgetMs: number, offset: number): number {
  let n = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(budgetMs * 1e6));
  let now = start;
  do {
    for (let i = 0; i < 64; i++) decide(requests[(offset + n + i) % requests.length]!);
    n += 64;
    now = process.hrtime.bigint();
  } while (now < deadline);
  return Number(now - start) / n;
}

function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0);
}

interface Setup {
  size: number;
  objects: number;
  corpus: Corpus;
  index: Decide;
  reference: Decide;
  allowed: number;
}

const sizes = [100, 10_000, 100_000];
const setups: Setup[] = [];
for (const size of sizes) {
  const corpus = buildCorpus(size, 7);
  const rbac = new RbacAuthorizer();
  const ref = new LinearRbacReference();
  for (const o of corpus.objects) {
    rbac.index.upsert(o);
    ref.upsert(o);
  }
  // Both must agree before being timed (on a sample at 100,000: the linear scan is slow there).
  let allowed = 0;
  const sample = [...corpus.active, ...corpus.uniform].filter((_, i) => size < 100_000 || i % 16 === 0);
  for (const a of sample) {
    const x = rbac.authorizeSync(a);
    const y = ref.authorize(a);
    if (x.decision !== y.decision || x.reason !== y.reason)
      throw new Error(`index and reference disagree at ${size}: ${JSON.stringify(a)}`);
    if (x.decision === 'Allow') allowed++;
  }
  setups.push({
    size,
    objects: corpus.objects.length,
    corpus,
    index: (a) => rbac.authorizeSync(a),
    reference: (a) => ref.authorize(a),
    allowed: allowed / sample.length,
  });
}

// Other processes may share the machine, so slices of every configuration are interleaved over several
// rounds and the best slice of each is kept (the least disturbed measurement of the same work).
const ROUNDS = 6;
const best = new Map<string, number>();
const keep = (key: string, ns: number): void => {
  best.set(key, Math.min(best.get(key) ?? Infinity, ns));
};
for (const s of setups) for (let i = 0; i < 3; i++) slice(s.index, s.corpus.uniform, 50, i * 997); // JIT warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const s of setups) {
    keep(`active ${s.size}`, slice(s.index, s.corpus.active, 120, round * 509));
    keep(`uniform ${s.size}`, slice(s.index, s.corpus.uniform, 120, round * 509));
    keep(`reference ${s.size}`, slice(s.reference, s.corpus.active, s.size >= 100_000 ? 400 : 120, round * 509));
  }
}

const get = (k: string): number => best.get(k)!;
console.log(
  `RBAC decisions/s, policy index vs linear scan (Kubernetes VisitRulesFor); best of ${ROUNDS} interleaved slices`,
);
console.log(
  'bindings  objects | index active  ns/dec | index uniform  ns/dec | reference   ns/dec | speedup active  uniform | allow%',
);
for (const s of setups) {
  const a = get(`active ${s.size}`);
  const u = get(`uniform ${s.size}`);
  const r = get(`reference ${s.size}`);
  console.log(
    `${String(s.size).padStart(8)} ${String(s.objects).padStart(8)} | ${fmt(1e9 / a).padStart(12)} ${a.toFixed(0).padStart(7)} | ${fmt(1e9 / u).padStart(13)} ${u.toFixed(0).padStart(7)} | ${fmt(1e9 / r).padStart(9)} ${r.toFixed(0).padStart(8)} | ${(r / a).toFixed(0).padStart(13)}× ${(r / u).toFixed(0).padStart(7)}× | ${(s.allowed * 100).toFixed(1)}%`,
  );
}
const speedup = get('reference 10000') / get('active 10000');
const growth = get('active 100000') / get('active 100');
const uniformSpeedup = get('reference 10000') / get('uniform 10000');
const uniformGrowth = get('uniform 100000') / get('uniform 100');
console.log('');
console.log(
  `index / reference at 10,000 bindings: ${speedup.toFixed(1)}× active, ${uniformSpeedup.toFixed(1)}× uniform   (goal ≥ 50×)  ${speedup >= 50 ? 'met' : 'NOT met'}`,
);
console.log(
  `index cost growth 100 → 100,000 bindings: ${growth.toFixed(2)}× active   (goal ≤ 1.5×)  ${growth <= 1.5 ? 'met' : 'NOT met'}`,
);
console.log(
  `  uniform mix growth ${uniformGrowth.toFixed(2)}×: same work per decision, but a working set that grows with the cluster (CPU-cache bound)`,
);
