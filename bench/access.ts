// Access review speed: who-can over 10,000 bindings and an access matrix over every served resource (goal: each
// ≤ 50 ms), printed beside `kubectl auth can-i --list` for the same subject against a real kauth in the same run.
// Run: npx tsc -p tsconfig.json && npx tsx bench/access.ts
//
// The world: kube's bootstrap policy plus tenants — namespaces with users, teams (groups) and service accounts,
// bound 10% by ClusterRoleBindings and 90% by RoleBindings to shared ClusterRoles and per-namespace Roles.
// who-can scans every binding that can apply (all ClusterRoleBindings, the namespace's RoleBindings), so its
// cost grows with the bindings in scope; it is timed at cluster scope and for one namespace.
// The kubectl reference: the same subject's bindings (plus 1,000 others) created in a fresh `kauth up`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { PolicyRule, Role, RoleBinding, Subject } from '../src/api/types.js';
import { impersonatedUser } from '../src/access/identity.js';
import { accessMatrix } from '../src/access/matrix.js';
import { SERVED_RESOURCES } from '../src/access/served-resources.js';
import { whoCanInWorld } from '../src/access/who-can.js';
import { RbacWorld, withBootstrapPolicy, type RbacObject } from '../src/access/world.js';
import { kauth, kubectl, startCluster } from '../test/e2e/harness.js';
import { prng } from '../test/unit/authz/rbac-reference.js';

const V = 'rbac.authorization.k8s.io/v1';
const RESOURCES = [
  'pods',
  'pods/log',
  'services',
  'configmaps',
  'secrets',
  'deployments',
  'jobs',
  'ingresses',
  'roles',
  'leases',
  'events',
  'serviceaccounts',
];
const GROUPS = ['', 'apps', 'batch', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'coordination.k8s.io'];
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

function tenants(bindings: number, seed: number): RbacObject[] {
  const rand = prng(seed);
  const int = (n: number): number => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const rules = (): PolicyRule[] =>
    Array.from({ length: 1 + int(3) }, () => ({
      apiGroups: [pick(GROUPS)],
      resources: [pick(RESOURCES), pick(RESOURCES)],
      verbs: [pick(VERBS), pick(VERBS)],
    }));
  const namespaces = Array.from({ length: Math.max(2, bindings / 50) }, (_, i) => `tenant-${i}`);
  const users = Array.from({ length: bindings / 4 }, (_, i) => `user-${i}@example.com`);
  const teams = Array.from({ length: bindings / 20 }, (_, i) => `team-${i}`);
  const out: RbacObject[] = [];
  for (let i = 0; i < 60; i++)
    out.push({ apiVersion: V, kind: 'ClusterRole', metadata: { name: `shared-${i}` }, rules: rules() } as Role);
  for (const ns of namespaces)
    for (let i = 0; i < 3; i++)
      out.push({
        apiVersion: V,
        kind: 'Role',
        metadata: { name: `local-${i}`, namespace: ns },
        rules: rules(),
      } as Role);
  const subject = (ns: string): Subject => {
    const k = int(10);
    if (k < 5) return { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: pick(users) };
    if (k < 8) return { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: pick(teams) };
    return { kind: 'ServiceAccount', name: `sa-${int(3)}`, namespace: ns };
  };
  for (let i = 0; i < bindings; i++) {
    const ns = pick(namespaces);
    const subjects = [subject(ns), ...(rand() < 0.3 ? [subject(ns)] : [])];
    if (rand() < 0.1)
      out.push({
        apiVersion: V,
        kind: 'ClusterRoleBinding',
        metadata: { name: `crb-${i}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `shared-${int(60)}` },
        subjects,
      } as RoleBinding);
    else {
      const roleRef =
        rand() < 0.5
          ? { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `local-${int(3)}` }
          : { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `shared-${int(60)}` };
      out.push({
        apiVersion: V,
        kind: 'RoleBinding',
        metadata: { name: `rb-${i}`, namespace: ns },
        roleRef,
        subjects,
      } as RoleBinding);
    }
  }
  return out;
}

function median(f: () => void, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const policy = withBootstrapPolicy(tenants(10_000, 7));
const bindingCount = policy.filter((o) => o.kind.endsWith('Binding')).length;
const t = performance.now();
const world = new RbacWorld(policy);
const buildMs = performance.now() - t;

// The subject: the user with the most bindings, and one namespace it is bound in.
const counts = new Map<string, { n: number; ns: string }>();
for (const b of world.bindings)
  for (const s of b.subjects)
    if (s.kind === 'User')
      counts.set(s.name, { n: (counts.get(s.name)?.n ?? 0) + 1, ns: b.namespace || (counts.get(s.name)?.ns ?? '') });
const [user, { ns }] = [...counts.entries()].filter(([, v]) => v.ns).sort((a, b) => b[1].n - a[1].n)[0]!;

const whoNs = median(() => whoCanInWorld(world, { verb: 'get', apiGroup: '', resource: 'secrets', namespace: ns }), 21);
const whoCluster = median(
  () => whoCanInWorld(world, { verb: 'list', apiGroup: 'apps', resource: 'deployments', namespace: '' }),
  21,
);
const whoAll = median(
  () => whoCanInWorld(world, { verb: 'get', apiGroup: '', resource: 'secrets' }, { allNamespaces: true }),
  11,
);
const matrixCluster = median(() => accessMatrix(world, impersonatedUser(user), SERVED_RESOURCES), 21);
const matrixNs = median(() => accessMatrix(world, impersonatedUser(user), SERVED_RESOURCES, { namespace: ns }), 21);

// The reference, in the same run: kubectl auth can-i --list for the same subject against a real kauth holding
// the subject's bindings (with their roles) plus 1,000 other bindings.
const cluster = await startCluster();
let kubectlMs = NaN;
let kauthLiveMs = NaN;
let kauthOfflineMs = NaN;
try {
  const mine = new Set(
    world.bindings
      .filter((b) => b.subjects.some((s) => s.kind === 'User' && s.name === user))
      .map((b) => `${b.kind}/${b.namespace}/${b.name}`),
  );
  const tenantObjects = policy.filter((o) => !o.metadata.labels?.['kubernetes.io/bootstrapping']);
  const bindings = tenantObjects.filter((o) => o.kind.endsWith('Binding'));
  const chosen = [
    ...bindings.filter((o) =>
      mine.has(`${o.kind}/${o.kind === 'RoleBinding' ? o.metadata.namespace : ''}/${o.metadata.name}`),
    ),
    ...bindings.slice(0, 1000),
  ];
  const namespaces = [...new Set(tenantObjects.map((o) => o.metadata.namespace).filter((x): x is string => !!x))];
  const file = join(cluster.dir, 'world.yaml');
  writeFileSync(
    file,
    [
      ...namespaces.map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } })),
      ...tenantObjects.filter((o) => !o.kind.endsWith('Binding')),
      ...new Set(chosen),
    ]
      .map((o) => stringify(o))
      .join('---\n'),
  );
  const created = kubectl(cluster, ['create', '-f', file]);
  if (created.code !== 0) throw new Error(created.err.slice(0, 300));
  const time = (f: () => unknown): number => {
    const s = performance.now();
    f();
    return performance.now() - s;
  };
  const runs = (f: () => unknown, n: number): number =>
    [...Array(n)].map(() => time(f)).sort((a, b) => a - b)[Math.floor(n / 2)]!;
  kubectl(cluster, ['auth', 'can-i', '--list', '--as', user, '-n', ns]); // warm kubectl's discovery cache
  kubectlMs = runs(() => kubectl(cluster, ['auth', 'can-i', '--list', '--as', user, '-n', ns]), 5);
  kauthLiveMs = runs(
    () => kauth(['access-matrix', '--as', user, '-n', ns, '--kubeconfig', cluster.adminKubeconfig]),
    3,
  );
  kauthOfflineMs = runs(() => kauth(['access-matrix', '--as', user, '-n', ns, '--manifests', file]), 3);
} finally {
  await cluster.stop();
  cluster.cleanup();
}

const fmt = (ms: number): string => `${ms.toFixed(2).padStart(8)} ms`;
const goal = (ms: number): string => (ms <= 50 ? 'ok (≤ 50 ms)' : 'OVER 50 ms');
console.log(
  `world: ${bindingCount} bindings (10,000 tenants' + bootstrap), ${policy.length} objects; index built in ${buildMs.toFixed(0)} ms`,
);
console.log(`subject: ${user} (${counts.get(user)!.n} bindings), namespace ${ns}`);
console.log(`who-can get secrets -n ${ns}            ${fmt(whoNs)}  ${goal(whoNs)}`);
console.log(`who-can list deployments (cluster)   ${fmt(whoCluster)}  ${goal(whoCluster)}`);
console.log(`who-can get secrets -A               ${fmt(whoAll)}  ${goal(whoAll)}`);
console.log(
  `access-matrix, ${SERVED_RESOURCES.length} resources × 8 verbs     ${fmt(matrixCluster)}  ${goal(matrixCluster)}`,
);
console.log(`access-matrix -n ${ns} (namespaced)   ${fmt(matrixNs)}  ${goal(matrixNs)}`);
console.log(`reference: kubectl auth can-i --list --as ${user} -n ${ns}: ${fmt(kubectlMs)} (process, API round trips)`);
console.log(
  `  in-process: who-can -n ÷ kubectl --list ${(whoNs / kubectlMs).toFixed(4)}×, access-matrix -n ÷ kubectl --list ${(matrixNs / kubectlMs).toFixed(4)}×`,
);
console.log(
  `  kauth access-matrix (process, live) ÷ kubectl: ${(kauthLiveMs / kubectlMs).toFixed(2)}×  (${fmt(kauthLiveMs)})`,
);
console.log(
  `  kauth access-matrix (process, offline, same manifests) ÷ kubectl: ${(kauthOfflineMs / kubectlMs).toFixed(2)}×  (${fmt(kauthOfflineMs)})`,
);
console.log(
  '  (process times include Node start-up and, live, listing every RBAC object and discovery; offline, parsing the YAML)',
);
