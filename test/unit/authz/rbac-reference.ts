// A deliberately plain RBAC evaluator: Kubernetes' DefaultRuleResolver.VisitRulesFor, a linear scan over
// every binding per request. It is the yardstick the policy index is checked (rbac-corpus.test.ts) and
// measured (bench/rbac.ts) against. Visit order: ClusterRoleBindings by name, then the namespace's
// RoleBindings by name — the order the index promises.
import type { PolicyRule, Role, RoleBinding, Subject } from '../../../src/api/types.js';
import type { UserInfo } from '../../../src/authn/interfaces.js';
import type { Attributes, AuthorizationResult } from '../../../src/authz/interfaces.js';
import { aggregateMessages, goQuote } from '../../../src/authz/format.js';
import { ruleAllows } from '../../../src/authz/rbac/rules.js';

type Visitor = (source: string | undefined, rule: PolicyRule | undefined, err: string | undefined) => boolean;

export class LinearRbacReference {
  private readonly roles = new Map<string, Role>();
  private readonly clusterBindings = new Map<string, RoleBinding>();
  private readonly namespaceBindings = new Map<string, Map<string, RoleBinding>>();
  private sortedCluster: RoleBinding[] | undefined;
  private readonly sortedNamespace = new Map<string, RoleBinding[]>();

  upsert(obj: Role | RoleBinding): void {
    const name = obj.metadata.name ?? '';
    const ns = obj.metadata.namespace ?? '';
    switch (obj.kind) {
      case 'Role':
        this.roles.set(`Role/${ns}/${name}`, obj as Role);
        break;
      case 'ClusterRole':
        this.roles.set(`ClusterRole/${name}`, obj as Role);
        break;
      case 'ClusterRoleBinding':
        this.clusterBindings.set(name, obj as RoleBinding);
        this.sortedCluster = undefined;
        break;
      case 'RoleBinding': {
        let m = this.namespaceBindings.get(ns);
        if (!m) this.namespaceBindings.set(ns, (m = new Map()));
        m.set(name, obj as RoleBinding);
        this.sortedNamespace.delete(ns);
        break;
      }
      default:
        throw new Error(`unknown kind ${obj.kind}`);
    }
  }

  remove(obj: Role | RoleBinding): void {
    const name = obj.metadata.name ?? '';
    const ns = obj.metadata.namespace ?? '';
    switch (obj.kind) {
      case 'Role':
        this.roles.delete(`Role/${ns}/${name}`);
        break;
      case 'ClusterRole':
        this.roles.delete(`ClusterRole/${name}`);
        break;
      case 'ClusterRoleBinding':
        this.clusterBindings.delete(name);
        this.sortedCluster = undefined;
        break;
      case 'RoleBinding':
        this.namespaceBindings.get(ns)?.delete(name);
        this.sortedNamespace.delete(ns);
        break;
    }
  }

  private listClusterRoleBindings(): RoleBinding[] {
    this.sortedCluster ??= [...this.clusterBindings.values()].sort(byName);
    return this.sortedCluster;
  }

  private listRoleBindings(ns: string): RoleBinding[] {
    let list = this.sortedNamespace.get(ns);
    if (!list)
      this.sortedNamespace.set(ns, (list = [...(this.namespaceBindings.get(ns)?.values() ?? [])].sort(byName)));
    return list;
  }

  /** GetRoleReferenceRules, lister wording. */
  private roleReferenceRules(binding: RoleBinding, bindingNamespace: string): { rules?: PolicyRule[]; err?: string } {
    const ref = binding.roleRef;
    if (ref.kind === 'Role') {
      const role = this.roles.get(`Role/${bindingNamespace}/${ref.name}`);
      return role
        ? { rules: role.rules ?? [] }
        : { err: `role.rbac.authorization.k8s.io ${goQuote(ref.name)} not found` };
    }
    if (ref.kind === 'ClusterRole') {
      const role = this.roles.get(`ClusterRole/${ref.name}`);
      return role
        ? { rules: role.rules ?? [] }
        : { err: `clusterrole.rbac.authorization.k8s.io ${goQuote(ref.name)} not found` };
    }
    return { err: `unsupported role reference kind: ${goQuote(ref.kind)}` };
  }

  visitRulesFor(user: UserInfo, namespace: string, visitor: Visitor): void {
    for (const b of this.listClusterRoleBindings()) {
      const i = appliesTo(user, b.subjects ?? [], '');
      if (i < 0) continue;
      const r = this.roleReferenceRules(b, '');
      if (r.err !== undefined) {
        if (!visitor(undefined, undefined, r.err)) return;
        continue;
      }
      const source = `ClusterRoleBinding ${goQuote(b.metadata.name ?? '')} of ${b.roleRef.kind} ${goQuote(b.roleRef.name)} to ${describe(b.subjects![i]!, '')}`;
      for (const rule of r.rules!) if (!visitor(source, rule, undefined)) return;
    }
    if (!namespace) return;
    for (const b of this.listRoleBindings(namespace)) {
      const i = appliesTo(user, b.subjects ?? [], namespace);
      if (i < 0) continue;
      const r = this.roleReferenceRules(b, namespace);
      if (r.err !== undefined) {
        if (!visitor(undefined, undefined, r.err)) return;
        continue;
      }
      const source = `RoleBinding ${goQuote(`${b.metadata.name}/${namespace}`)} of ${b.roleRef.kind} ${goQuote(b.roleRef.name)} to ${describe(b.subjects![i]!, namespace)}`;
      for (const rule of r.rules!) if (!visitor(source, rule, undefined)) return;
    }
  }

  authorize(attrs: Attributes): AuthorizationResult {
    let reason: string | undefined;
    const errors: string[] = [];
    this.visitRulesFor(attrs.user, attrs.namespace, (source, rule, err) => {
      if (rule && ruleAllows(attrs, rule)) {
        reason = `RBAC: allowed by ${source}`;
        return false;
      }
      if (err !== undefined) errors.push(err);
      return true;
    });
    if (reason !== undefined) return { decision: 'Allow', reason };
    return { decision: 'NoOpinion', reason: errors.length ? `RBAC: ${aggregateMessages(errors)}` : '' };
  }

  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.visitRulesFor(user, namespace, (_s, rule, err) => {
      if (rule) rules.push(rule);
      if (err !== undefined) errors.push(err);
      return true;
    });
    return { rules, errors };
  }
}

function byName(a: RoleBinding, b: RoleBinding): number {
  const x = a.metadata.name ?? '';
  const y = b.metadata.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

function appliesTo(user: UserInfo, subjects: Subject[], namespace: string): number {
  for (let i = 0; i < subjects.length; i++) {
    const s = subjects[i]!;
    if (s.kind === 'User' && user.username === s.name) return i;
    if (s.kind === 'Group' && user.groups.includes(s.name)) return i;
    if (s.kind === 'ServiceAccount') {
      const ns = s.namespace || namespace;
      if (ns && user.username === `system:serviceaccount:${ns}:${s.name}`) return i;
    }
  }
  return -1;
}

function describe(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${goQuote(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${goQuote(s.name)}`;
}

/** mulberry32: small, fast, seedable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
