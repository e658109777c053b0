// Access review against a real kauth and real kubectl: on a small seeded random RBAC world applied with
// `kubectl apply`, who-can (live through the API and offline on the same manifests) lists exactly the
// identities `kubectl auth can-i --as` says yes for, cell by cell; the access matrix agrees cell by cell too;
// the offline resource table equals the server's discovery; `rbac check`/`rbac test` live and offline agree.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { KUBECTL, kauth, kubectl, startCluster, type Cluster } from './harness.js';
import { apiClient } from '../../src/cli/api-client.js';
import { fetchPolicy, fetchServedResources } from '../../src/access/live.js';
import { offlinePolicy } from '../../src/access/manifests.js';
import { kubeadmClusterAdminsBinding } from '../../src/controlplane/bootstrap.js';
import { impersonatedUser } from '../../src/access/identity.js';
import { accessMatrix } from '../../src/access/matrix.js';
import type { AccessRequest } from '../../src/access/request.js';
import { SERVED_RESOURCES } from '../../src/access/served-resources.js';
import { whoCanInWorld, type WhoCanResult } from '../../src/access/who-can.js';
import { RbacWorld, type RbacObject } from '../../src/access/world.js';
import { prng } from '../unit/authz/rbac-reference.js';

const V = 'rbac.authorization.k8s.io/v1';
const NAMESPACES = ['ns0', 'ns1'];
const SUBJECTS = [
  { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'u0' },
  { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'u1' },
  { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'u2' },
  { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'g0' },
  { kind: 'ServiceAccount', name: 'sa0', namespace: 'ns0' },
];
/** The identities asked about: [--as, --as-group…]. */
const IDENTITIES: [string, string[]][] = [
  ['u0', []],
  ['u1', []],
  ['u2', []],
  ['someone', ['g0']],
  ['system:serviceaccount:ns0:sa0', []],
];
const REQUESTS: [string, string][] = [
  ['get', 'pods'],
  ['create', 'pods'],
  ['delete', 'secrets'],
  ['get', 'secrets'],
  ['list', 'deployments.apps'],
  ['get', 'pods/log'],
];

/** A seeded world of valid objects (kube's validation: SA subjects carry a namespace; Roles have no URLs). */
function randomWorld(seed: number): RbacObject[] {
  const rand = prng(seed);
  const int = (n: number): number => Math.floor(rand() * n);
  const some = <T>(xs: readonly T[], max: number): T[] => [
    ...new Set(Array.from({ length: 1 + int(max) }, () => xs[int(xs.length)]!)),
  ];
  const rules = (): object[] =>
    Array.from({ length: 1 + int(2) }, () => ({
      apiGroups: some(['', 'apps'], 2),
      resources: some(['pods', 'secrets', 'deployments', 'pods/log', '*'], 2),
      verbs: some(['get', 'list', 'create', 'delete', '*'], 3),
    }));
  const out: object[] = [];
  for (let i = 0; i < 5; i++)
    out.push({
      apiVersion: V,
      kind: 'ClusterRole',
      metadata: { name: `acc-cr${i}`, labels: i % 2 ? { 'acc/agg': 'true' } : {} },
      rules: rules(),
    });
  out.push({
    apiVersion: V,
    kind: 'ClusterRole',
    metadata: { name: 'acc-agg' },
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'acc/agg': 'true' } }] },
  });
  for (const ns of NAMESPACES)
    for (let i = 0; i < 2; i++)
      out.push({ apiVersion: V, kind: 'Role', metadata: { name: `acc-r${i}`, namespace: ns }, rules: rules() });
  const roleRef = (ns: boolean): object =>
    ns && rand() < 0.4
      ? { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `acc-r${int(2)}` }
      : {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: rand() < 0.2 ? 'acc-agg' : `acc-cr${int(5)}`,
        };
  for (let i = 0; i < 3; i++)
    out.push({
      apiVersion: V,
      kind: 'ClusterRoleBinding',
      metadata: { name: `acc-crb${i}` },
      roleRef: roleRef(false),
      subjects: some(SUBJECTS, 1),
    });
  for (let i = 0; i < 6; i++)
    out.push({
      apiVersion: V,
      kind: 'RoleBinding',
      metadata: { name: `acc-rb${i}`, namespace: NAMESPACES[i % 2] },
      roleRef: roleRef(true),
      subjects: some(SUBJECTS, 2),
    });
  return out as RbacObject[];
}

function kubectlAsync(c: Cluster, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((res) => {
    execFile(
      KUBECTL,
      ['--kubeconfig', c.adminKubeconfig, ...args],
      { timeout: 60_000, env: { ...process.env, HOME: join(dirname(c.adminKubeconfig), '.home') } },
      (err, stdout) => res({ code: err ? 1 : 0, out: stdout }),
    );
  });
}

/** Runs tasks a few at a time (2 cores shared). */
async function pool<T>(tasks: (() => Promise<T>)[], width = 4): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]!();
      }
    }),
  );
  return out;
}

function canI(
  c: Cluster,
  [as, groups]: [string, string[]],
  verb: string,
  resource: string,
  ns: string,
): Promise<boolean> {
  // kubectl reads `pods/log` as TYPE/NAME; kauth as RBAC writes it, a subresource (kubectl's --subresource).
  const [res, sub] = resource.split('/');
  const args = [
    'auth',
    'can-i',
    verb,
    res!,
    ...(sub ? ['--subresource', sub] : []),
    '--as',
    as,
    ...groups.flatMap((g) => ['--as-group', g]),
  ];
  return kubectlAsync(c, ns ? [...args, '-n', ns] : args).then((r) => r.out.trim() === 'yes');
}

/** Whether who-can lists the impersonated user (its name or any of its groups, impersonation's included). */
function listed(r: WhoCanResult, [as, groups]: [string, string[]]): boolean {
  const u = impersonatedUser(as, groups);
  return r.entries.some((e) =>
    e.subject.kind === 'Group' ? u.groups.includes(e.identity) : e.identity === u.username,
  );
}

const signature = (r: WhoCanResult): string[] =>
  r.entries.map((e) => `${e.subject.kind}:${e.identity}:${e.binding?.name ?? ''}`).sort();

describe('access review against kauth and kubectl', { timeout: 240_000 }, () => {
  let c: Cluster;
  let manifests: string;
  let live: RbacWorld;
  let offline: RbacWorld;
  const objects = randomWorld(42);

  before(async () => {
    c = await startCluster();
    mkdirSync(join(c.dir, 'manifests'));
    manifests = join(c.dir, 'manifests', 'world.yaml');
    writeFileSync(
      manifests,
      [
        ...NAMESPACES.map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } })),
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa0', namespace: 'ns0' } },
        // What kubeadm (and `kauth up`) adds beside the apiserver's bootstrap policy: admin.conf's binding.
        kubeadmClusterAdminsBinding()[1],
        ...objects,
      ]
        .map((o) => stringify(o))
        .join('---\n'),
    );
    const r = kubectl(c, ['apply', '-f', manifests]);
    assert.equal(r.code, 0, r.err);
    const api = apiClient(c.adminKubeconfig);
    // The aggregation controller fills acc-agg asynchronously; wait until the live policy has converged.
    const want = new RbacWorld(offlinePolicy([manifests]));
    for (let i = 0; i < 100; i++) {
      live = new RbacWorld(await fetchPolicy(api));
      const agg = (w: RbacWorld): string =>
        JSON.stringify(
          (w.roles.find((x) => x.metadata.name === 'acc-agg')?.rules ?? []).map((x) => [
            x.verbs,
            x.apiGroups,
            x.resources,
            x.resourceNames ?? [],
            x.nonResourceURLs ?? [],
          ]),
        );
      if (agg(live) === agg(want)) break;
      assert.ok(i < 99, `aggregation did not converge: live ${agg(live)} offline ${agg(want)}`);
      await new Promise((res) => setTimeout(res, 100));
    }
    offline = want;
  });
  after(async () => {
    await c?.stop();
    c?.cleanup();
  });

  it("the offline resource table is the server's discovery", async () => {
    const served = await fetchServedResources(apiClient(c.adminKubeconfig));
    const norm = (xs: readonly (typeof served)[number][]): string[] =>
      xs
        .map((x) =>
          JSON.stringify([
            x.group,
            x.resource,
            x.namespaced,
            [...x.shortNames].sort(),
            [...x.subresources].sort(),
            [...x.verbs].sort(),
          ]),
        )
        .sort();
    assert.deepEqual(norm(SERVED_RESOURCES), norm(served));
  });

  it('who-can, live and offline, lists exactly whom kubectl auth can-i allows, cell by cell', async () => {
    const cells: { req: AccessRequest; ns: string; verb: string; resource: string; id: [string, string[]] }[] = [];
    for (const ns of ['ns0', 'ns1', '']) {
      for (const [verb, resource] of REQUESTS) {
        const [res, sub = ''] = resource.split('/');
        const [name, group = ''] = res!.split(/\.(.*)/);
        const req: AccessRequest = { verb, apiGroup: group, resource: name!, subresource: sub, namespace: ns };
        const a = whoCanInWorld(live, req);
        const b = whoCanInWorld(offline, req);
        // Offline = live, binding for binding (bootstrap subjects included: kauth creates the same policy).
        assert.deepEqual(signature(b), signature(a), `${verb} ${resource} -n ${ns}`);
        // kubectl is asked for two scopes (each call is a process; CI has 2 cores); ns1 is checked offline = live.
        if (ns !== 'ns1') for (const id of IDENTITIES) cells.push({ req, ns, verb, resource, id });
      }
    }
    const answers = await pool(cells.map((x) => () => canI(c, x.id, x.verb, x.resource, x.ns)));
    let yes = 0;
    cells.forEach((x, i) => {
      const got = listed(whoCanInWorld(live, x.req), x.id);
      assert.equal(
        got,
        answers[i],
        `who-can ${x.verb} ${x.resource} -n '${x.ns}' for ${x.id.join(' ')}: listed ${got}, kubectl ${answers[i]}`,
      );
      if (answers[i]) yes++;
    });
    assert.ok(yes > 5 && yes < cells.length, `a world with both answers (${yes}/${cells.length})`);
  });

  it('access-matrix agrees with kubectl auth can-i for every cell', async () => {
    const served = SERVED_RESOURCES.filter((r) =>
      ['pods', 'secrets', 'deployments', 'services', 'jobs'].includes(r.resource),
    );
    const cells: { id: [string, string[]]; verb: string; resource: string; want: string }[] = [];
    for (const id of [IDENTITIES[0]!, IDENTITIES[3]!]) {
      const m = accessMatrix(live, impersonatedUser(id[0], id[1]), served, {
        namespace: 'ns0',
        verbs: ['get', 'create', 'delete'],
      });
      for (const row of m.rows)
        for (const verb of m.verbs) cells.push({ id, verb, resource: row.name, want: row.cells[verb]! });
    }
    const answers = await pool(cells.map((x) => () => canI(c, x.id, x.verb, x.resource, 'ns0')));
    cells.forEach((x, i) => {
      assert.equal(x.want, answers[i] ? 'yes' : 'no', `${x.id.join(' ')} ${x.verb} ${x.resource}`);
    });
    // The CLI prints the same matrix live and offline.
    const cli = (src: string[]): unknown =>
      JSON.parse(kauth(['access-matrix', '--as', 'u0', '-n', 'ns0', ...src, '-o', 'json']).out);
    assert.deepEqual(cli(['--kubeconfig', c.adminKubeconfig]), cli(['--manifests', manifests]));
  });

  it('rbac check and rbac test: live (SubjectAccessReview) and offline agree; a broken expectation fails with JUnit', () => {
    for (const [as, groups] of [IDENTITIES[0]!, IDENTITIES[3]!, IDENTITIES[4]!]) {
      const args = [
        'rbac',
        'check',
        'get',
        'secrets',
        '-n',
        'ns0',
        '--as',
        as,
        ...groups.flatMap((g) => ['--as-group', g]),
      ];
      const l = kauth([...args, '--kubeconfig', c.adminKubeconfig]);
      const o = kauth([...args, '--manifests', manifests]);
      assert.equal(l.out.split(/[\s-]/)[0], o.out.split(/[\s-]/)[0], `${as}: live ${l.out} offline ${o.out}`);
      assert.equal(l.code, o.code);
      assert.equal(l.code, l.out.startsWith('yes') ? 0 : 1);
    }
    const truth = (as: string): boolean =>
      kubectl(c, ['auth', 'can-i', 'get', 'secrets', '-n', 'ns0', '--as', as]).out.trim() === 'yes';
    const tests = ['u0', 'u1', 'u2'].map((u) => ({
      name: `${u} get secrets`,
      user: u,
      groups: [],
      verb: 'get',
      resource: 'secrets',
      namespace: 'ns0',
      allowed: truth(u),
    }));
    const file = join(c.dir, 'tests.yaml');
    writeFileSync(file, stringify({ tests }));
    assert.equal(kauth(['rbac', 'test', file, '--kubeconfig', c.adminKubeconfig]).code, 0);
    assert.equal(kauth(['rbac', 'test', file, '--manifests', manifests]).code, 0);
    tests[1]!.allowed = !tests[1]!.allowed;
    writeFileSync(file, stringify({ tests }));
    const junit = join(c.dir, 'junit.xml');
    const r = kauth(['rbac', 'test', file, '--kubeconfig', c.adminKubeconfig, '--junit', junit]);
    assert.equal(r.code, 1);
    assert.match(
      r.out,
      /FAIL {2}u1 get secrets: expected u1 to be (allowed|denied) to get secrets in namespace ns0, but was (allowed|denied)/,
    );
    const x = readFileSync(junit, 'utf8');
    assert.equal((x.match(/<testcase /g) ?? []).length, 3);
    assert.equal((x.match(/<failure /g) ?? []).length, 1);
  });
});
