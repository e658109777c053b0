// Randomized agreement: on random RBAC worlds (the corpus style of test/unit/authz/rbac-corpus.test.ts), who-can
// must name exactly the identities the linear-scan reference authorizer (Kubernetes' VisitRulesFor) allows,
// and every access-matrix cell must equal the reference's decision. Seeded, so a failure is reproducible.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyRule, Role, RoleBinding, Subject } from '../../../src/api/types.js';
import type { UserInfo } from '../../../src/authn/interfaces.js';
import { resolveAggregation } from '../../../src/authz/rbac/aggregation.js';
import { LinearRbacReference, prng } from '../authz/rbac-reference.js';
import { whoCanInWorld } from '../../../src/access/who-can.js';
import { accessMatrix } from '../../../src/access/matrix.js';
import { RbacWorld, toAttributes, type RbacObject } from '../../../src/access/world.js';
import type { AccessRequest } from '../../../src/access/request.js';
import type { ServedResource } from '../../../src/access/served-resources.js';

const V = 'rbac.authorization.k8s.io/v1';
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'delete', '*', 'escalate'];
const GROUPS = ['', 'apps', 'batch', '*'];
const RESOURCES = [
  'pods',
  'pods/log',
  'pods/status',
  'deployments',
  'deployments/scale',
  'secrets',
  'configmaps',
  '*',
  '*/status',
  'nodes',
];
const NAMES = ['a', 'b', ''];
const URLS = ['/healthz', '/healthz/*', '/api', '*', '/metrics'];
const PATHS = ['/healthz', '/healthz/etcd', '/api', '/metrics', '/version'];
const NAMESPACES = ['ns0', 'ns1', 'ns2'];
const USERS = [
  'u0',
  'u1',
  'u2',
  'u3',
  'system:serviceaccount:ns0:sa0',
  'system:serviceaccount:ns1:sa0',
  'system:serviceaccount:ns2:sa1',
];
const GROUP_NAMES = ['g0', 'g1', 'g2', 'system:authenticated', 'system:masters'];
const SERVED: ServedResource[] = [
  {
    group: '',
    resource: 'pods',
    namespaced: true,
    shortNames: [],
    subresources: ['log', 'status'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'],
  },
  {
    group: '',
    resource: 'secrets',
    namespaced: true,
    shortNames: [],
    subresources: [],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'],
  },
  {
    group: '',
    resource: 'nodes',
    namespaced: false,
    shortNames: [],
    subresources: [],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  {
    group: 'apps',
    resource: 'deployments',
    namespaced: true,
    shortNames: [],
    subresources: ['scale'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'],
  },
  {
    group: 'batch',
    resource: 'jobs',
    namespaced: true,
    shortNames: [],
    subresources: [],
    verbs: ['get', 'list', 'create'],
  },
];

class Gen {
  constructor(readonly rand: () => number) {}
  int(n: number): number {
    return Math.floor(this.rand() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  some<T>(xs: readonly T[], max: number): T[] {
    return Array.from({ length: 1 + this.int(max) }, () => this.pick(xs));
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }

  rule(): PolicyRule {
    if (this.chance(0.15)) return { verbs: this.some(VERBS, 2), nonResourceURLs: this.some(URLS, 2) };
    const r: PolicyRule = {
      verbs: this.some(VERBS, 3),
      apiGroups: this.some(GROUPS, 2),
      resources: this.some(RESOURCES, 3),
    };
    if (this.chance(0.2)) r.resourceNames = this.some(NAMES, 2);
    return r;
  }

  subject(): Subject {
    const k = this.int(10);
    if (k < 4) return { kind: 'User', name: this.pick(USERS) };
    if (k < 7) return { kind: 'Group', name: this.pick(GROUP_NAMES.filter((g) => g !== 'system:masters')) };
    if (k < 9)
      return this.chance(0.5)
        ? { kind: 'ServiceAccount', name: this.pick(['sa0', 'sa1']) }
        : { kind: 'ServiceAccount', name: this.pick(['sa0', 'sa1']), namespace: this.pick(NAMESPACES) };
    return { kind: 'Robot', name: this.pick(USERS) };
  }

  world(n: number): RbacObject[] {
    const byKey = new Map<string, RbacObject>();
    for (let i = 0; i < n; i++) {
      const o = this.object();
      byKey.set(`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o);
    }
    return [...byKey.values()];
  }

  object(): RbacObject {
    const k = this.int(4);
    if (k === 0) {
      const role: Role = {
        apiVersion: V,
        kind: 'ClusterRole',
        metadata: { name: `cr${this.int(12)}`, labels: this.chance(0.3) ? { agg: 'yes' } : {} },
        rules: Array.from({ length: this.int(3) }, () => this.rule()),
      };
      // Some ClusterRoles aggregate the labelled ones, as admin/edit/view do.
      if (this.chance(0.15)) role.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { agg: 'yes' } }] };
      return role;
    }
    if (k === 1)
      return {
        apiVersion: V,
        kind: 'Role',
        metadata: { name: `r${this.int(4)}`, namespace: this.pick(NAMESPACES) },
        rules: Array.from({ length: this.int(3) }, () => this.rule()),
      };
    const roleRef = {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: this.chance(0.75) ? 'ClusterRole' : 'Role',
      name: this.chance(0.6) ? `cr${this.int(13)}` : `r${this.int(5)}`,
    };
    const subjects = Array.from({ length: this.int(4) }, () => this.subject());
    if (k === 2)
      return {
        apiVersion: V,
        kind: 'ClusterRoleBinding',
        metadata: { name: `crb${this.int(30)}` },
        roleRef,
        subjects,
      } as RoleBinding;
    return {
      apiVersion: V,
      kind: 'RoleBinding',
      metadata: { name: `rb${this.int(30)}`, namespace: this.pick(NAMESPACES) },
      roleRef,
      subjects,
    } as RoleBinding;
  }

  request(): AccessRequest {
    if (this.chance(0.15)) return { verb: this.pick(VERBS.filter((v) => v !== '*')), nonResourceURL: this.pick(PATHS) };
    const [resource, subresource = ''] = this.pick(RESOURCES.filter((r) => !r.startsWith('*'))).split('/');
    return {
      verb: this.pick(VERBS.filter((v) => v !== '*')),
      apiGroup: this.pick(GROUPS.filter((g) => g !== '*')),
      resource: resource!,
      subresource,
      namespace: this.chance(0.25) ? '' : this.pick(NAMESPACES),
      name: this.pick(NAMES),
    };
  }
}

/** The reference authorizer over the same objects, aggregation resolved (as the controller converges), masters first. */
function reference(objects: RbacObject[]): (user: UserInfo, req: AccessRequest) => boolean {
  const ref = new LinearRbacReference();
  const clusterRoles = objects.filter((o) => o.kind === 'ClusterRole') as Role[];
  for (const o of [...objects.filter((o) => o.kind !== 'ClusterRole'), ...resolveAggregation(clusterRoles)])
    ref.upsert(o);
  return (user, req) =>
    user.groups.includes('system:masters') || ref.authorize(toAttributes(user, req)).decision === 'Allow';
}

// Every identity a subject can stand for, one at a time: each user alone, each group alone (nameless user).
const IDENTITIES: UserInfo[] = [
  ...USERS.map((u) => ({ username: u, groups: [] })),
  ...GROUP_NAMES.map((g) => ({ username: 'nobody', groups: [g] })),
];

describe('who-can agrees with the reference authorizer on random worlds', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}`, () => {
      const g = new Gen(prng(seed));
      const objects = g.world(120);
      const world = new RbacWorld(objects);
      const allows = reference(objects);
      let allowedCells = 0;
      for (let i = 0; i < 300; i++) {
        const req = g.request();
        const r = whoCanInWorld(world, req);
        const users = new Set(r.entries.filter((e) => e.subject.kind !== 'Group').map((e) => e.identity));
        const groups = new Set(r.entries.filter((e) => e.subject.kind === 'Group').map((e) => e.identity));
        for (const id of IDENTITIES) {
          const listed = id.groups.length ? groups.has(id.groups[0]!) : users.has(id.username);
          const want = allows(id, req);
          if (listed !== want)
            assert.fail(
              `seed ${seed}: ${JSON.stringify(req)} for ${JSON.stringify(id)}: who-can ${listed}, authorizer ${want}\n${JSON.stringify(r.entries)}`,
            );
          if (want) allowedCells++;
        }
        // A multi-group user is allowed iff one of their identities is listed.
        const multi = { username: g.pick(USERS), groups: GROUP_NAMES.filter(() => g.chance(0.3)) };
        assert.equal(
          users.has(multi.username) || multi.groups.some((x) => groups.has(x)),
          allows(multi, req),
          `seed ${seed} multi ${JSON.stringify(multi)} ${JSON.stringify(req)}`,
        );
      }
      assert.ok(allowedCells > 300, `the corpus should allow a fair share (${allowedCells})`);
    });
  }
});

describe('access matrix agrees with the reference authorizer cell by cell', () => {
  for (const seed of [11, 12, 13, 14]) {
    it(`seed ${seed}`, () => {
      const g = new Gen(prng(seed));
      const objects = g.world(400);
      const world = new RbacWorld(objects);
      const allows = reference(objects);
      let yes = 0;
      for (let i = 0; i < 60; i++) {
        const user = {
          username: g.pick(USERS),
          groups: GROUP_NAMES.filter((x) => x !== 'system:masters' && g.chance(0.3)),
        };
        const namespace = g.chance(0.3) ? '' : g.pick(NAMESPACES);
        const m = accessMatrix(world, user, SERVED, { namespace });
        for (const row of m.rows) {
          const served = SERVED.find((s) => s.group === row.group && s.resource === row.resource)!;
          if (namespace) assert.ok(served.namespaced, 'namespaced matrices list namespaced resources only');
          for (const verb of m.verbs) {
            const cell = row.cells[verb];
            if (!served.verbs.includes(verb)) {
              assert.equal(cell, 'n/a');
              continue;
            }
            const want = allows(user, { verb, apiGroup: row.group, resource: row.resource, namespace });
            assert.equal(
              cell,
              want ? 'yes' : 'no',
              `seed ${seed} ${JSON.stringify(user)} ${namespace} ${row.name} ${verb}`,
            );
            if (want) yes++;
          }
        }
      }
      assert.ok(yes > 10, `some cells allowed (${yes})`);
    });
  }
});
