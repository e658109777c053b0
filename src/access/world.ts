// An RBAC world: a set of plain RBAC objects (Roles, ClusterRoles, RoleBindings, ClusterRoleBindings) loaded
// into the server's own policy index (src/authz/rbac/policy-index.ts), with ClusterRole aggregation resolved as
// kube-controller-manager's aggregation controller converges (aggregation.ts). Decisions go through the same
// RbacAuthorizer code path as the server's, behind kube-apiserver's privileged-groups authorizer
// (system:masters may do anything). What is NOT modelled offline: the Node authorizer (it needs the pod graph),
// webhook and ABAC modes, and admission. Browser-safe (no node: imports).
import type { PolicyRule, Role, RoleBinding, Subject } from '../api/types.js';
import type { UserInfo } from '../authn/interfaces.js';
import { SERVICE_ACCOUNT_PREFIX, SYSTEM_MASTERS } from '../authn/interfaces.js';
import type { Attributes } from '../authz/interfaces.js';
import { resolveAggregation } from '../authz/rbac/aggregation.js';
import { RbacAuthorizer } from '../authz/rbac/authorizer.js';
import {
  bootstrapClusterRoleBindings,
  bootstrapClusterRoles,
  bootstrapNamespaceRoleBindings,
  bootstrapNamespaceRoles,
} from '../authz/rbac/bootstrap-policy.js';
import { CompiledRules, resourceQuery, type ResourceQuery } from '../authz/rbac/compiled-rules.js';
import { RbacPolicyIndex } from '../authz/rbac/policy-index.js';
import type { AccessRequest } from './request.js';

/** A Role, ClusterRole, RoleBinding or ClusterRoleBinding as the API returns it (kind set). */
export type RbacObject = Role | RoleBinding;

export const RBAC_KINDS: readonly string[] = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'];

/** kube-apiserver's --authorization-mode chain as modelled here, in order. */
export const MODELLED_AUTHORIZERS = ['PrivilegedGroups (system:masters)', 'RBAC'] as const;

export function isRbacObject(o: unknown): o is RbacObject {
  if (o === null || typeof o !== 'object') return false;
  const x = o as { kind?: unknown; apiVersion?: unknown; metadata?: unknown };
  return (
    typeof x.kind === 'string' &&
    RBAC_KINDS.includes(x.kind) &&
    typeof x.apiVersion === 'string' &&
    x.apiVersion.startsWith('rbac.authorization.k8s.io/') &&
    typeof x.metadata === 'object' &&
    x.metadata !== null
  );
}

/** `Kind ns/name`: objects with the same key replace each other (as a later `kubectl apply` would). */
export function objectKey(o: RbacObject): string {
  const ns = o.kind === 'Role' || o.kind === 'RoleBinding' ? (o.metadata.namespace ?? 'default') : '';
  return `${o.kind} ${ns}/${o.metadata.name ?? ''}`;
}

/** kube-apiserver's bootstrap policy (what `kauth up` and every kube cluster create at start). */
export function bootstrapPolicy(): RbacObject[] {
  return [
    ...bootstrapClusterRoles(),
    ...bootstrapClusterRoleBindings(),
    ...bootstrapNamespaceRoles(),
    ...bootstrapNamespaceRoleBindings(),
  ];
}

/** The bootstrap policy with `objects` applied over it (same kind/namespace/name replaces). */
export function withBootstrapPolicy(objects: readonly RbacObject[]): RbacObject[] {
  const byKey = new Map<string, RbacObject>();
  for (const o of [...bootstrapPolicy(), ...objects]) byKey.set(objectKey(o), o);
  return [...byKey.values()];
}

export interface Decision {
  allowed: boolean;
  /** Which authorizer allowed: 'PrivilegedGroups' or 'RBAC'; '' when denied. */
  authorizer: string;
  /** The authorizer's reason, as SubjectAccessReview status.reason would carry it. */
  reason: string;
}

export interface WorldOptions {
  /** Groups allowed everything before RBAC is asked (kube-apiserver: system:masters). */
  privilegedGroups?: readonly string[];
}

/** One binding as the who-can scan visits it. */
export interface WorldBinding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  /** '' for ClusterRoleBindings. */
  namespace: string;
  roleRef: { kind: string; name: string };
  subjects: Subject[];
}

export class RbacWorld {
  readonly index = new RbacPolicyIndex();
  readonly authorizer: RbacAuthorizer;
  readonly privilegedGroups: readonly string[];
  /** ClusterRoleBindings in name order, then RoleBindings by namespace and name (the authorizer's visit order). */
  readonly bindings: WorldBinding[] = [];
  readonly roles: Role[] = [];
  private readonly compiled = new WeakMap<PolicyRule[], CompiledRules>();

  constructor(objects: readonly RbacObject[], opts: WorldOptions = {}) {
    this.privilegedGroups = opts.privilegedGroups ?? [SYSTEM_MASTERS];
    this.authorizer = new RbacAuthorizer(this.index);
    const clusterRoles: Role[] = [];
    for (const o of objects) {
      if (o.kind === 'ClusterRole') clusterRoles.push(o as Role);
      else if (o.kind === 'Role') this.roles.push(o as Role);
      else if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
        const b = o as RoleBinding;
        this.bindings.push({
          kind: o.kind,
          name: b.metadata.name ?? '',
          namespace: o.kind === 'RoleBinding' ? (b.metadata.namespace ?? 'default') : '',
          roleRef: { kind: b.roleRef?.kind ?? '', name: b.roleRef?.name ?? '' },
          subjects: b.subjects ?? [],
        });
      }
    }
    this.roles.push(...resolveAggregation(clusterRoles));
    for (const r of this.roles) this.index.upsert(r.kind === 'Role' && !r.metadata.namespace ? withNamespace(r) : r);
    for (const o of objects) {
      if (o.kind !== 'RoleBinding' && o.kind !== 'ClusterRoleBinding') continue;
      this.index.upsert(o.kind === 'RoleBinding' && !o.metadata.namespace ? withNamespace(o) : o);
    }
    this.bindings.sort((a, b) =>
      a.kind !== b.kind
        ? a.kind === 'ClusterRoleBinding'
          ? -1
          : 1
        : cmp(a.namespace, b.namespace) || cmp(a.name, b.name),
    );
  }

  /** kube's authorizer chain as modelled: privileged groups, then RBAC (NoOpinion there means denied). */
  authorize(user: UserInfo, req: AccessRequest): Decision {
    for (const g of user.groups)
      if (this.privilegedGroups.includes(g)) return { allowed: true, authorizer: 'PrivilegedGroups', reason: '' };
    const r = this.authorizer.authorizeSync(toAttributes(user, req));
    return r.decision === 'Allow'
      ? { allowed: true, authorizer: 'RBAC', reason: r.reason }
      : { allowed: false, authorizer: '', reason: r.reason };
  }

  /** The rules a binding's roleRef resolves to through the index, or the index's not-found message. */
  bindingRules(b: WorldBinding): { rules?: PolicyRule[]; error?: string } {
    return this.index.roleReferenceRules(
      { apiGroup: 'rbac.authorization.k8s.io', kind: b.roleRef.kind, name: b.roleRef.name },
      b.namespace,
    );
  }

  /** RuleAllows over a rule list, with the server's compiled form (cached per role). */
  rulesAllow(rules: PolicyRule[], req: AccessRequest, query: ResourceQuery | undefined = queryFor(req)): boolean {
    let c = this.compiled.get(rules);
    if (c === undefined) {
      c = new CompiledRules(rules);
      this.compiled.set(rules, c);
    }
    if (req.nonResourceURL !== undefined) return c.allowsNonResource(req.verb, req.nonResourceURL);
    return c.allowsResource(query!);
  }
}

/** The compiled matcher's view of a resource request (namespace plays no part), computed once per question. */
export function queryFor(req: AccessRequest): ResourceQuery | undefined {
  if (req.nonResourceURL !== undefined) return undefined;
  return resourceQuery(req.verb, req.apiGroup ?? '', req.resource ?? '', req.subresource ?? '', req.name ?? '');
}

export function toAttributes(user: UserInfo, req: AccessRequest): Attributes {
  if (req.nonResourceURL !== undefined) {
    return {
      user,
      verb: req.verb,
      isResourceRequest: false,
      path: req.nonResourceURL,
      namespace: '',
      apiGroup: '',
      apiVersion: '',
      resource: '',
      subresource: '',
      name: '',
    };
  }
  return {
    user,
    verb: req.verb,
    isResourceRequest: true,
    path: '',
    namespace: req.namespace ?? '',
    apiGroup: req.apiGroup ?? '',
    apiVersion: '',
    resource: req.resource ?? '',
    subresource: req.subresource ?? '',
    name: req.name ?? '',
  };
}

/** The user a subject stands for (no implicit groups): a User, a Group member, or a ServiceAccount's user name. */
export function subjectUser(subject: Subject, bindingNamespace: string): UserInfo | undefined {
  switch (subject.kind) {
    case 'User':
      return { username: subject.name, groups: [] };
    case 'Group':
      return { username: '', groups: [subject.name] };
    case 'ServiceAccount': {
      const ns = subject.namespace || bindingNamespace;
      return ns ? { username: `${SERVICE_ACCOUNT_PREFIX}${ns}:${subject.name}`, groups: [] } : undefined;
    }
    default:
      return undefined;
  }
}

/** Manifests often leave out metadata.namespace (kubectl apply fills `default`); the index needs it set. */
function withNamespace<T extends RbacObject>(o: T): T {
  return { ...o, metadata: { ...o.metadata, namespace: 'default' } };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
