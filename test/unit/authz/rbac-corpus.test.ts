// Randomized agreement test: the policy index and the linear-scan reference (Kubernetes' VisitRulesFor)
// must give the same decision and reason for every request, across thousands of random rules, bindings,
// requests and live mutations. Seeded, so a failure is reproducible.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyRule, Role, RoleBinding, Subject } from '../../../src/api/types.js';
import type { Attributes } from '../../../src/authz/interfaces.js';
import type { UserInfo } from '../../../src/authn/interfaces.js';
import { RbacAuthorizer } from '../../../src/authz/rbac/authorizer.js';
import { LinearRbacReference, prng } from './rbac-reference.js';
import { res, url } from './helpers.js';

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'delete', '*', 'escalate', 'bind'];
const GROUPS = ['', 'apps', 'batch', 'rbac.authorization.k8s.io', '*'];
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
  '*/scale',
  'nodes',
];
const NAMES = ['a', 'b', 'c', ''];
const URLS = ['/healthz', '/healthz/*', '/healthz*', '/api', '/api/*', '/version', '*', '/metrics', '/a**'];
const PATHS = ['/healthz', '/healthz/etcd', '/healthzx', '/api', '/api/v1', '/version', '/metrics', '/a', '/abc', '/'];
const NAMESPACES = ['ns0', 'ns1', 'ns2', 'ns3'];
const USERS = [
  'u0',
  'u1',
  'u2',
  'u3',
  'u4',
  'u5',
  'system:serviceaccount:ns0:sa0',
  'system:serviceaccount:ns1:sa0',
  'system:serviceaccount:ns2:sa1',
];
const GROUP_NAMES = ['g0', 'g1', 'g2', 'g3', 'system:authenticated', 'system:serviceaccounts'];

class Gen {
  constructor(readonly rand: () => number) {}
  int(n: number): number {
    return Math.floor(this.rand() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  some<T>(xs: readonly T[], max: number): T[] {
    const n = 1 + this.int(max);
    return Array.from({ length: n }, () => this.pick(xs));
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }

  rule(): PolicyRule {
    if (this.chance(0.2)) return { verbs: this.some(VERBS, 2), nonResourceURLs: this.some(URLS, 3) };
    const r: PolicyRule = {
      verbs: this.some(VERBS, 3),
      apiGroups: this.some(GROUPS, 2),
      resources: this.some(RESOURCES, 3),
    };
    if (this.chance(0.25)) r.resourceNames = this.some(NAMES, 2);
    if (this.chance(0.03)) r.verbs = [];
    return r;
  }

  rules(): PolicyRule[] {
    return Array.from({ length: this.int(4) }, () => this.rule());
  }

  subject(): Subject {
    const k = this.int(10);
    if (k < 4) return { kind: 'User', name: this.pick(USERS) };
    if (k < 7) return { kind: 'Group', name: this.pick(GROUP_NAMES) };
    if (k < 9) {
      const name = this.pick(['sa0', 'sa1']);
      return this.chance(0.5)
        ? { kind: 'ServiceAccount', name }
        : { kind: 'ServiceAccount', name, namespace: this.pick(NAMESPACES) };
    }
    return { kind: 'Robot', name: this.pick(USERS) };
  }

  roleRefKind(): string {
    const k = this.int(20);
    return k < 15 ? 'ClusterRole' : k < 19 ? 'Role' : 'Bogus';
  }

  object(): Role | RoleBinding {
    const k = this.int(4);
    const n = this.int(40);
    if (k === 0)
      return {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: `cr${n % 15}` },
        rules: this.rules(),
      };
    if (k === 1)
      return {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: `r${n % 5}`, namespace: this.pick(NAMESPACES) },
        rules: this.rules(),
      };
    const roleRef = {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: this.roleRefKind(),
      name: this.chance(0.5) ? `cr${this.int(17)}` : `r${this.int(6)}`,
    };
    const subjects = Array.from({ length: this.int(4) }, () => this.subject());
    if (k === 2)
      return {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: `crb${n}` },
        roleRef,
        subjects,
      };
    return {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `rb${n}`, namespace: this.pick(NAMESPACES) },
      roleRef,
      subjects,
    };
  }

  user(): UserInfo {
    const groups = GROUP_NAMES.filter(() => this.chance(0.3));
    return { username: this.pick(USERS), groups };
  }

  request(): Attributes {
    const user = this.user();
    if (this.chance(0.2)) return url(user, this.pick(VERBS), this.pick(PATHS));
    const [resource, subresource = ''] = this.pick(RESOURCES.filter((r) => !r.startsWith('*'))).split('/');
    return res(user, {
      verb: this.pick(VERBS),
      apiGroup: this.pick(GROUPS),
      resource: resource!,
      subresource: this.chance(0.2) ? this.pick(['status', 'scale', 'log', 'exec']) : subresource,
      namespace: this.chance(0.25) ? '' : this.pick(NAMESPACES),
      name: this.pick(NAMES),
    });
  }
}

function runCorpus(
  seed: number,
  initial: number,
  rounds: number,
  requestsPerRound: number,
): { decisions: number; allows: number; errors: number } {
  const g = new Gen(prng(seed));
  const rbac = new RbacAuthorizer();
  const ref = new LinearRbacReference();
  const live: (Role | RoleBinding)[] = [];
  const apply = (o: Role | RoleBinding): void => {
    rbac.index.upsert(o);
    ref.upsert(o);
    live.push(o);
  };
  for (let i = 0; i < initial; i++) apply(g.object());
  let decisions = 0;
  let allows = 0;
  let errors = 0;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < requestsPerRound; i++) {
      const a = g.request();
      const got = rbac.authorizeSync(a);
      const want = ref.authorize(a);
      if (got.decision !== want.decision || got.reason !== want.reason) {
        assert.fail(
          `seed ${seed} round ${round}: ${JSON.stringify(a)}\nindex:     ${JSON.stringify(got)}\nreference: ${JSON.stringify(want)}`,
        );
      }
      decisions++;
      if (got.decision === 'Allow') allows++;
      else if (got.reason) errors++;
      if (i % 50 === 0) {
        const ns = g.chance(0.3) ? '' : g.pick(NAMESPACES);
        assert.deepEqual(
          rbac.index.rulesFor(a.user, ns),
          ref.rulesFor(a.user, ns),
          `rulesFor seed ${seed} round ${round}`,
        );
      }
    }
    // Mutate: new or replaced objects, and removals of existing ones.
    for (let m = 0; m < 40; m++) {
      if (g.chance(0.35) && live.length > 0) {
        const victim = live.splice(g.int(live.length), 1)[0]!;
        rbac.index.remove(victim);
        ref.remove(victim);
      } else apply(g.object());
    }
  }
  return { decisions, allows, errors };
}

describe('RBAC index agrees with the linear reference on random corpora', () => {
  for (const seed of [1, 42, 2024, 777]) {
    it(`seed ${seed}`, () => {
      const stats = runCorpus(seed, 600, 12, 500);
      assert.equal(stats.decisions, 6000);
      // The corpus must exercise every outcome, or the agreement would prove little.
      assert.ok(stats.allows > 300, `allows ${stats.allows}`);
      assert.ok(stats.decisions - stats.allows > 300, `no-opinions ${stats.decisions - stats.allows}`);
      assert.ok(stats.errors > 50, `resolution errors ${stats.errors}`);
    });
  }
});
