// who-can: every subject a request is allowed for, with the binding and role that grant it — computed from
// bindings → roles → rules with the server's own RBAC index and compiled rules (world.ts), so that for every
// subject listed, the server's authorizer allows the request for a user who is that subject.
//
// Types (plain JSON, what `kubectl get … -o json` gives):
//   objects:  RbacObject[] — Roles, ClusterRoles, RoleBindings, ClusterRoleBindings (kind and apiVersion set).
//             Give the whole policy: a live cluster's list already holds the bootstrap policy; offline callers
//             add it with withBootstrapPolicy(). Aggregated ClusterRoles are resolved here.
//   request:  AccessRequest (request.ts) — {verb, apiGroup?, resource?, subresource?, name?, namespace?,
//             nonResourceURL?}. namespace '' asks at cluster scope (only ClusterRoleBindings apply, as in the
//             RBAC authorizer); `allNamespaces` lists RoleBindings of every namespace instead.
//   result:   WhoCanResult — entries in the authorizer's visit order (system:masters first, then
//             ClusterRoleBindings by name, then RoleBindings by namespace and name), one per binding subject.
// Authorizers modelled: PrivilegedGroups (system:masters) and RBAC; not Node, webhook or ABAC.
// Browser-safe (no node: imports): the console bundles this file.
import type { Subject } from '../api/types.js';
import type { AccessRequest } from './request.js';
import { queryFor, RbacWorld, type RbacObject, type WorldBinding } from './world.js';

export type { AccessRequest } from './request.js';
export type { RbacObject } from './world.js';

export interface WhoCanEntry {
  /** The subject as bound (ServiceAccount namespace defaulted to the binding's). */
  subject: { kind: 'User' | 'Group' | 'ServiceAccount'; name: string; namespace?: string };
  /** The authenticated user name (or group name) the subject stands for. */
  identity: string;
  /** 'RBAC', or 'PrivilegedGroups' for system:masters (allowed before RBAC is asked). */
  authorizer: 'RBAC' | 'PrivilegedGroups';
  /** The granting binding; absent for PrivilegedGroups. */
  binding?: { kind: 'RoleBinding' | 'ClusterRoleBinding'; name: string; namespace?: string };
  role?: { kind: string; name: string };
}

export interface WhoCanResult {
  request: AccessRequest;
  entries: WhoCanEntry[];
  /** Bindings whose role does not exist (the authorizer's resolution errors), for the record. */
  errors: string[];
}

export interface WhoCanOptions {
  /** List RoleBindings of every namespace (request.namespace ignored for them). */
  allNamespaces?: boolean;
}

/** whoCan over plain RBAC objects (builds a world each call; use whoCanInWorld to ask many questions). */
export function whoCan(objects: readonly RbacObject[], request: AccessRequest, opts: WhoCanOptions = {}): WhoCanResult {
  return whoCanInWorld(new RbacWorld(objects), request, opts);
}

export function whoCanInWorld(world: RbacWorld, request: AccessRequest, opts: WhoCanOptions = {}): WhoCanResult {
  const entries: WhoCanEntry[] = [];
  const errors: string[] = [];
  for (const g of world.privilegedGroups) {
    entries.push({ subject: { kind: 'Group', name: g }, identity: g, authorizer: 'PrivilegedGroups' });
  }
  const ns = request.nonResourceURL !== undefined ? '' : (request.namespace ?? '');
  const query = queryFor(request);
  for (const b of world.bindings) {
    if (b.kind === 'RoleBinding') {
      // Non-resource URLs are never namespaced: RoleBindings cannot grant them.
      if (request.nonResourceURL !== undefined) continue;
      if (!opts.allNamespaces && (ns === '' || b.namespace !== ns)) continue;
    }
    const resolved = world.bindingRules(b);
    if (resolved.rules === undefined) {
      errors.push(`${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name}: ${resolved.error}`);
      continue;
    }
    if (!world.rulesAllow(resolved.rules, request, query)) continue;
    for (const s of b.subjects) {
      const entry = entryFor(s, b);
      if (entry === undefined) continue;
      // system:masters is already listed first; its bindings add nothing a reader needs twice.
      if (entry.subject.kind === 'Group' && world.privilegedGroups.includes(entry.subject.name)) continue;
      entries.push(entry);
    }
  }
  return { request, entries, errors };
}

/** Distinct identities allowed (user names, service-account user names, groups prefixed `group:`). */
export function allowedIdentities(result: WhoCanResult): string[] {
  return [
    ...new Set(result.entries.map((e) => (e.subject.kind === 'Group' ? `group:${e.identity}` : e.identity))),
  ].sort();
}

function entryFor(s: Subject, b: WorldBinding): WhoCanEntry | undefined {
  const binding =
    b.kind === 'RoleBinding' ? { kind: b.kind, name: b.name, namespace: b.namespace } : { kind: b.kind, name: b.name };
  const role = { kind: b.roleRef.kind, name: b.roleRef.name };
  switch (s.kind) {
    case 'User':
    case 'Group':
      return { subject: { kind: s.kind, name: s.name }, identity: s.name, authorizer: 'RBAC', binding, role };
    case 'ServiceAccount': {
      const ns = s.namespace || b.namespace;
      if (!ns) return undefined; // appliesToUser: a ServiceAccount without a namespace never matches.
      return {
        subject: { kind: 'ServiceAccount', name: s.name, namespace: ns },
        identity: `system:serviceaccount:${ns}:${s.name}`,
        authorizer: 'RBAC',
        binding,
        role,
      };
    }
    default:
      return undefined;
  }
}
