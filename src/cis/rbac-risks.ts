// RBAC risk rules over plain RBAC objects (no I/O, no node: imports — `kauth rbac risks` and `audit cluster`
// share it). Each rule is what the CIS Kubernetes Benchmark v1.10 policies section (5.1.x) and the usual RBAC
// escalation paths warn about; a finding names the role, every binding that grants it and their subjects.
// Matching uses the RBAC engine's own rule semantics (src/authz/rbac/rules.ts), after ClusterRole aggregation.
import type { PolicyRule, Role, RoleBinding, Subject } from '../api/types.js';
import { apiGroupMatches, resourceMatches, verbMatches } from '../authz/rbac/rules.js';
import { resolveAggregation } from '../authz/rbac/aggregation.js';

export interface RbacSnapshot {
  roles: Role[];
  clusterRoles: Role[];
  roleBindings: RoleBinding[];
  clusterRoleBindings: RoleBinding[];
}

export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
}

export interface RiskFinding {
  /** Rule id, e.g. `escalate`; `cis` is the benchmark check it belongs to, when there is one. */
  risk: string;
  cis?: string;
  severity: 'critical' | 'high' | 'medium';
  message: string;
  role?: ObjectRef;
  bindings: ObjectRef[];
  subjects: Subject[];
}

/** One permission a risk looks for: verbs on group/resource[/subresource]. */
interface Grant {
  verbs: string[];
  group: string;
  resource: string;
  subresource?: string;
}

export interface RiskRule {
  id: string;
  cis?: string;
  severity: RiskFinding['severity'];
  title: string;
  /** The role's rules grant any of these. */
  any: Grant[];
}

const RBAC = 'rbac.authorization.k8s.io';
export const RISK_RULES: readonly RiskRule[] = [
  {
    id: 'secrets-read',
    cis: '5.1.2',
    severity: 'high',
    title: 'can read secrets',
    any: [{ verbs: ['get', 'list', 'watch'], group: '', resource: 'secrets' }],
  },
  {
    id: 'create-pods',
    cis: '5.1.4',
    severity: 'high',
    title: 'can create pods (and run as any service account in the namespace)',
    any: [{ verbs: ['create'], group: '', resource: 'pods' }],
  },
  {
    id: 'escalate',
    cis: '5.1.8',
    severity: 'critical',
    title: 'can escalate: edit roles beyond its own permissions',
    any: [
      { verbs: ['escalate'], group: RBAC, resource: 'roles' },
      { verbs: ['escalate'], group: RBAC, resource: 'clusterroles' },
    ],
  },
  {
    id: 'bind',
    cis: '5.1.8',
    severity: 'critical',
    title: 'can bind roles it does not hold',
    any: [
      { verbs: ['bind'], group: RBAC, resource: 'roles' },
      { verbs: ['bind'], group: RBAC, resource: 'clusterroles' },
    ],
  },
  {
    id: 'impersonate',
    cis: '5.1.8',
    severity: 'critical',
    title: 'can impersonate users, groups or service accounts',
    any: ['users', 'groups', 'serviceaccounts']
      .map((resource) => ({ verbs: ['impersonate'], group: '', resource }))
      .concat([
        { verbs: ['impersonate'], group: 'authentication.k8s.io', resource: 'userextras' },
        { verbs: ['impersonate'], group: 'authentication.k8s.io', resource: 'uids' },
      ]),
  },
  {
    id: 'create-persistentvolumes',
    cis: '5.1.9',
    severity: 'medium',
    title: 'can create persistent volumes (hostPath)',
    any: [{ verbs: ['create'], group: '', resource: 'persistentvolumes' }],
  },
  {
    id: 'nodes-proxy',
    cis: '5.1.10',
    severity: 'critical',
    title: 'can reach the kubelet API through nodes/proxy',
    any: [{ verbs: ['get', 'create'], group: '', resource: 'nodes', subresource: 'proxy' }],
  },
  {
    id: 'csr-approve',
    cis: '5.1.11',
    severity: 'high',
    title: 'can approve certificate signing requests',
    any: [
      {
        verbs: ['update', 'patch'],
        group: 'certificates.k8s.io',
        resource: 'certificatesigningrequests',
        subresource: 'approval',
      },
    ],
  },
  {
    id: 'webhook-config',
    cis: '5.1.12',
    severity: 'high',
    title: 'can change admission webhook configurations',
    any: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'].map((resource) => ({
      verbs: ['create', 'update', 'patch', 'delete'],
      group: 'admissionregistration.k8s.io',
      resource,
    })),
  },
  {
    id: 'serviceaccount-token',
    cis: '5.1.13',
    severity: 'high',
    title: 'can mint service account tokens',
    any: [{ verbs: ['create'], group: '', resource: 'serviceaccounts', subresource: 'token' }],
  },
  {
    id: 'pods-exec',
    severity: 'high',
    title: 'can exec or attach into pods',
    any: [
      { verbs: ['create', 'get'], group: '', resource: 'pods', subresource: 'exec' },
      { verbs: ['create', 'get'], group: '', resource: 'pods', subresource: 'attach' },
    ],
  },
];

export function grants(rules: readonly PolicyRule[], g: Grant): boolean {
  return rules.some(
    (r) =>
      g.verbs.some((v) => verbMatches(r, v)) &&
      apiGroupMatches(r, g.group) &&
      resourceMatches(r, g.resource, g.subresource ?? ''),
  );
}

function hasWildcard(r: PolicyRule): boolean {
  return [...(r.verbs ?? []), ...(r.resources ?? []), ...(r.apiGroups ?? [])].includes('*');
}

const BOOTSTRAP = 'kubernetes.io/bootstrapping';
/** Kubernetes' own default policy (and controllers' roles): flagged only with includeSystem. */
export function isSystemObject(o: { metadata?: { name?: string; labels?: Record<string, string> } }): boolean {
  const name = o.metadata?.name ?? '';
  return (
    o.metadata?.labels?.[BOOTSTRAP] === 'rbac-defaults' || name.startsWith('system:') || name.startsWith('kubeadm:')
  );
}

const ref = (kind: string, o: { metadata?: { name?: string; namespace?: string } }): ObjectRef => ({
  kind,
  name: o.metadata?.name ?? '',
  ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
});

export function subjectString(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace ?? ''}/${s.name}` : `${s.kind} ${s.name}`;
}

export function refString(r: ObjectRef): string {
  return r.namespace ? `${r.kind} ${r.namespace}/${r.name}` : `${r.kind} ${r.name}`;
}

export function findRisks(snap: RbacSnapshot, opts: { includeSystem?: boolean } = {}): RiskFinding[] {
  const clusterRoles = resolveAggregation(snap.clusterRoles);
  const byName = new Map(clusterRoles.map((r) => [r.metadata?.name ?? '', r]));
  const roleKey = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;
  const roles = new Map(snap.roles.map((r) => [roleKey(r.metadata?.namespace, r.metadata?.name ?? ''), r]));
  const skip = (o: { metadata?: { name?: string; labels?: Record<string, string> } }) =>
    !opts.includeSystem && isSystemObject(o);
  const findings: RiskFinding[] = [];

  // Bindings grouped by the role they grant, so one finding lists every binding and subject of a role.
  const grouped = new Map<
    string,
    { role: Role | undefined; roleRef: ObjectRef; bindings: ObjectRef[]; subjects: Subject[] }
  >();
  const bindings: [string, RoleBinding][] = [
    ...snap.clusterRoleBindings.map((b) => ['ClusterRoleBinding', b] as [string, RoleBinding]),
    ...snap.roleBindings.map((b) => ['RoleBinding', b] as [string, RoleBinding]),
  ];
  for (const [kind, b] of bindings) {
    if (skip(b) || !b.subjects?.length) continue;
    const ns = kind === 'RoleBinding' ? b.metadata?.namespace : undefined;
    const role = b.roleRef.kind === 'ClusterRole' ? byName.get(b.roleRef.name) : roles.get(roleKey(ns, b.roleRef.name));
    const roleRef: ObjectRef = {
      kind: b.roleRef.kind,
      name: b.roleRef.name,
      ...(b.roleRef.kind === 'Role' && ns ? { namespace: ns } : {}),
    };
    const key = `${refString(roleRef)}|${ns ?? ''}`;
    const g = grouped.get(key) ?? { role, roleRef, bindings: [], subjects: [] };
    g.bindings.push(ref(kind, b));
    g.subjects.push(...b.subjects);
    grouped.set(key, g);
    // Anonymous and unauthenticated grants are findings whatever the role.
    for (const s of b.subjects) {
      if (
        (s.kind === 'User' && s.name === 'system:anonymous') ||
        (s.kind === 'Group' && s.name === 'system:unauthenticated')
      ) {
        findings.push({
          risk: 'anonymous-grant',
          cis: '5.1.1',
          severity: 'critical',
          message: `${subjectString(s)} is granted ${refString(roleRef)}`,
          role: roleRef,
          bindings: [ref(kind, b)],
          subjects: [s],
        });
      }
      if (s.kind === 'Group' && s.name === 'system:masters') {
        findings.push({
          risk: 'system-masters',
          cis: '5.1.7',
          severity: 'high',
          message: `${refString(ref(kind, b))} names the system:masters group`,
          role: roleRef,
          bindings: [ref(kind, b)],
          subjects: [s],
        });
      }
      if (s.kind === 'ServiceAccount' && s.name === 'default') {
        findings.push({
          risk: 'default-serviceaccount',
          cis: '5.1.5',
          severity: 'medium',
          message: `the default service account of ${s.namespace ?? ns ?? '?'} is granted ${refString(roleRef)}`,
          role: roleRef,
          bindings: [ref(kind, b)],
          subjects: [s],
        });
      }
    }
  }
  for (const g of grouped.values()) {
    const where =
      g.roleRef.kind === 'ClusterRole' && g.bindings.every((b) => b.kind === 'RoleBinding')
        ? ` in namespace ${g.bindings[0]?.namespace}`
        : '';
    if (g.roleRef.kind === 'ClusterRole' && g.roleRef.name === 'cluster-admin') {
      findings.push({
        risk: 'cluster-admin',
        cis: '5.1.1',
        severity: 'critical',
        message: `cluster-admin${where} is granted to ${g.subjects.map(subjectString).join(', ')}`,
        role: g.roleRef,
        bindings: g.bindings,
        subjects: g.subjects,
      });
      continue; // everything below is implied
    }
    const rules = g.role?.rules ?? [];
    for (const rule of RISK_RULES) {
      if (!rule.any.some((grant) => grants(rules, grant))) continue;
      findings.push({
        risk: rule.id,
        ...(rule.cis ? { cis: rule.cis } : {}),
        severity: rule.severity,
        message: `${refString(g.roleRef)}${where} ${rule.title}: granted to ${g.subjects.map(subjectString).join(', ')}`,
        role: g.roleRef,
        bindings: g.bindings,
        subjects: g.subjects,
      });
    }
  }
  // Wildcards are a finding on the role itself, bound or not (5.1.3).
  for (const [kind, list] of [
    ['ClusterRole', clusterRoles],
    ['Role', snap.roles],
  ] as const) {
    for (const r of list) {
      if (skip(r) || !(r.rules ?? []).some(hasWildcard)) continue;
      const rr = ref(kind, r);
      const bound = [...grouped.values()].filter((g) => refString(g.roleRef) === refString(rr));
      findings.push({
        risk: 'wildcard',
        cis: '5.1.3',
        severity: 'high',
        message: `${refString(rr)} uses "*" in its rules${
          bound.length
            ? `: granted to ${bound
                .flatMap((g) => g.subjects)
                .map(subjectString)
                .join(', ')}`
            : ' (not bound)'
        }`,
        role: rr,
        bindings: bound.flatMap((g) => g.bindings),
        subjects: bound.flatMap((g) => g.subjects),
      });
    }
  }
  return findings;
}
