// rbac diff: who gained and who lost which permission between two policies (for reviewing RBAC pull requests).
// Each side's bindings are expanded into atoms — subject × scope (cluster or the binding's namespace) × verb ×
// apiGroup × resource × resourceName, or × non-resource URL — exactly as the rules are written. An atom of the
// new side is "gained" only when the old side's authorizer does not already allow it for that subject, and an
// old atom is "lost" only when the new side's authorizer no longer allows it; so moving a permission between
// bindings, or granting what a wildcard already granted, is no change. Both sides are decided by the server's
// authorizer code (world.ts). Browser-safe (no node: imports).
import type { Subject } from '../api/types.js';
import type { AccessRequest } from './request.js';
import { RbacWorld, subjectUser, type RbacObject } from './world.js';

export interface DiffSubject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
}

export interface PermissionChange {
  change: 'gained' | 'lost';
  subject: DiffSubject;
  /** The binding's namespace, '' for cluster-wide. */
  namespace: string;
  verbs: string[];
  apiGroup?: string;
  /** `pods` or `pods/log`, as the rule writes it. */
  resource?: string;
  resourceName?: string;
  nonResourceURL?: string;
  /** The bindings that grant it (new side for gained, old side for lost). */
  via: string[];
}

export interface RbacDiff {
  gained: PermissionChange[];
  lost: PermissionChange[];
}

interface Atom {
  subject: DiffSubject;
  namespace: string;
  request: AccessRequest;
  via: string;
}

export function rbacDiff(oldObjects: readonly RbacObject[], newObjects: readonly RbacObject[]): RbacDiff {
  const before = new RbacWorld(oldObjects);
  const after = new RbacWorld(newObjects);
  return {
    gained: changes('gained', atoms(after), before),
    lost: changes('lost', atoms(before), after),
  };
}

/** Atoms of `from` that `other` does not allow, grouped by subject, scope and target with their verbs merged. */
function changes(change: 'gained' | 'lost', from: Atom[], other: RbacWorld): PermissionChange[] {
  const grouped = new Map<string, PermissionChange>();
  for (const a of from) {
    const user = subjectUser(
      { kind: a.subject.kind, name: a.subject.name, namespace: a.subject.namespace },
      a.namespace,
    );
    if (user === undefined || other.authorize(user, a.request).allowed) continue;
    const r = a.request;
    const key = JSON.stringify([
      a.subject.kind,
      a.subject.name,
      a.subject.namespace ?? '',
      a.namespace,
      r.apiGroup,
      r.resource,
      r.subresource,
      r.name,
      r.nonResourceURL,
    ]);
    let c = grouped.get(key);
    if (c === undefined) {
      c = { change, subject: a.subject, namespace: a.namespace, verbs: [], via: [] };
      if (r.nonResourceURL !== undefined) c.nonResourceURL = r.nonResourceURL;
      else {
        c.apiGroup = r.apiGroup ?? '';
        c.resource = r.subresource ? `${r.resource}/${r.subresource}` : (r.resource ?? '');
        if (r.name) c.resourceName = r.name;
      }
      grouped.set(key, c);
    }
    if (!c.verbs.includes(r.verb)) c.verbs.push(r.verb);
    if (!c.via.includes(a.via)) c.via.push(a.via);
  }
  return [...grouped.values()].sort(byReading);
}

function atoms(world: RbacWorld): Atom[] {
  const out: Atom[] = [];
  for (const b of world.bindings) {
    const rules = world.bindingRules(b).rules;
    if (rules === undefined) continue;
    const via = b.kind === 'RoleBinding' ? `RoleBinding ${b.namespace}/${b.name}` : `ClusterRoleBinding ${b.name}`;
    const subjects = b.subjects
      .map((s) => diffSubject(s, b.namespace))
      .filter((s): s is DiffSubject => s !== undefined);
    for (const rule of rules) {
      for (const verb of rule.verbs ?? []) {
        for (const apiGroup of rule.apiGroups ?? []) {
          for (const res of rule.resources ?? []) {
            const slash = res.indexOf('/');
            const resource = slash < 0 ? res : res.slice(0, slash);
            const subresource = slash < 0 ? '' : res.slice(slash + 1);
            const names = rule.resourceNames?.length ? rule.resourceNames : [''];
            for (const name of names) {
              for (const subject of subjects) {
                out.push({
                  subject,
                  namespace: b.namespace,
                  via,
                  request: { verb, apiGroup, resource, subresource, name, namespace: b.namespace },
                });
              }
            }
          }
        }
        // Non-resource URLs only mean something at cluster scope.
        if (b.kind === 'ClusterRoleBinding') {
          for (const url of rule.nonResourceURLs ?? []) {
            for (const subject of subjects)
              out.push({ subject, namespace: '', via, request: { verb, nonResourceURL: url } });
          }
        }
      }
    }
  }
  return out;
}

function diffSubject(s: Subject, bindingNamespace: string): DiffSubject | undefined {
  if (s.kind === 'User' || s.kind === 'Group') return { kind: s.kind, name: s.name };
  if (s.kind === 'ServiceAccount') {
    const ns = s.namespace || bindingNamespace;
    return ns ? { kind: 'ServiceAccount', name: s.name, namespace: ns } : undefined;
  }
  return undefined;
}

function byReading(a: PermissionChange, b: PermissionChange): number {
  const k = (c: PermissionChange): string =>
    [
      c.subject.kind,
      c.subject.namespace ?? '',
      c.subject.name,
      c.namespace,
      c.apiGroup ?? '',
      c.resource ?? c.nonResourceURL ?? '',
      c.resourceName ?? '',
    ].join('\u0000');
  const x = k(a);
  const y = k(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
