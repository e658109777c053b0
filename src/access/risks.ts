// rbac risks: the CIS auditor's shared RBAC risk rules (src/cis/rbac-risks.ts, issue #15: escalate, bind,
// impersonate, secrets read, pods/exec, nodes/proxy, token create, wildcards, cluster-admin, …) over the same
// policy the other access-review commands read (manifests + bootstrap policy, or a cluster's objects).
// Kube's own default policy is left out unless asked (includeSystem). Browser-safe (no node: imports).
import type { Role, RoleBinding } from '../api/types.js';
import { findRisks, refString, subjectString, type RiskFinding } from '../cis/rbac-risks.js';
import { table } from './print.js';
import type { RbacObject } from './world.js';

export type { RiskFinding } from '../cis/rbac-risks.js';

export function rbacRisks(objects: readonly RbacObject[], opts: { includeSystem?: boolean } = {}): RiskFinding[] {
  const of = (kind: string): (Role & RoleBinding)[] => objects.filter((o) => o.kind === kind) as (Role & RoleBinding)[];
  // Manifests may leave a namespace out; kubectl apply puts those objects in `default`.
  const ns = <T extends RbacObject>(o: T): T =>
    o.metadata.namespace ? o : { ...o, metadata: { ...o.metadata, namespace: 'default' } };
  return findRisks(
    {
      roles: of('Role').map(ns),
      clusterRoles: of('ClusterRole'),
      roleBindings: of('RoleBinding').map(ns).map(saNamespaces),
      clusterRoleBindings: of('ClusterRoleBinding'),
    },
    opts,
  );
}

/** A RoleBinding's ServiceAccount subjects without a namespace mean the binding's (appliesToUser). */
function saNamespaces<T extends RoleBinding>(b: T): T {
  const subjects = b.subjects?.map((x) =>
    x.kind === 'ServiceAccount' && !x.namespace ? { ...x, namespace: b.metadata.namespace } : x,
  );
  return subjects ? { ...b, subjects } : b;
}

export function printRisks(findings: readonly RiskFinding[]): string {
  if (findings.length === 0) return "No risky grants found (Kubernetes' default policy excluded).\n";
  return table(
    ['SEVERITY', 'RISK', 'CIS', 'ROLE', 'SUBJECTS'],
    findings.map((f) => [
      f.severity,
      f.risk,
      f.cis ?? '',
      f.role ? refString(f.role) : '',
      f.subjects.map(subjectString).join(', '),
    ]),
  );
}
