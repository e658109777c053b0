// Builders for RBAC objects and requests used by the authz tests.
import type { PolicyRule, Role, RoleBinding, Subject } from '../../../src/api/types.js';
import type { UserInfo } from '../../../src/authn/interfaces.js';
import type { Attributes } from '../../../src/authz/interfaces.js';
import { nonResourceAttributes, resourceAttributes, type ResourceRequest } from '../../../src/authz/attributes.js';

const V1 = 'rbac.authorization.k8s.io/v1';

export function clusterRole(name: string, rules: PolicyRule[], labels?: Record<string, string>): Role {
  return { apiVersion: V1, kind: 'ClusterRole', metadata: labels ? { name, labels } : { name }, rules };
}

export function role(namespace: string, name: string, rules: PolicyRule[]): Role {
  return { apiVersion: V1, kind: 'Role', metadata: { name, namespace }, rules };
}

export function clusterRoleBinding(name: string, roleName: string, subjects: Subject[]): RoleBinding {
  return {
    apiVersion: V1,
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects,
  };
}

export function roleBinding(
  namespace: string,
  name: string,
  roleKind: string,
  roleName: string,
  subjects: Subject[],
): RoleBinding {
  return {
    apiVersion: V1,
    kind: 'RoleBinding',
    metadata: { name, namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
    subjects,
  };
}

export const User = (name: string): Subject => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name });
export const Group = (name: string): Subject => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });
export const SA = (name: string, namespace?: string): Subject =>
  namespace === undefined ? { kind: 'ServiceAccount', name } : { kind: 'ServiceAccount', name, namespace };

export function rule(verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule {
  return resourceNames ? { verbs, apiGroups, resources, resourceNames } : { verbs, apiGroups, resources };
}

export function urlRule(verbs: string[], urls: string[]): PolicyRule {
  return { verbs, nonResourceURLs: urls };
}

export function who(username: string, ...groups: string[]): UserInfo {
  return { username, groups };
}

export function saUser(namespace: string, name: string): UserInfo {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}

export function res(user: UserInfo, r: ResourceRequest): Attributes {
  return resourceAttributes(user, r);
}

export function url(user: UserInfo, verb: string, path: string): Attributes {
  return nonResourceAttributes(user, verb, path);
}
