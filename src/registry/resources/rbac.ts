// rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding, ClusterRoleBinding.
// Escalation prevention runs as an admission step (src/admission/rbac-escalation.ts).
import { fieldInvalid, fieldNotSupported, fieldRequired, type FieldError } from '../../api/errors.js';
import type { KubeObject, PolicyRule, RoleBinding, Subject } from '../../api/types.js';
import { DEFAULT_TABLE, table } from '../table.js';
import { ALL_VERBS, type ResourceDef } from '../types.js';
import { immutable, pathSegmentName } from '../validation.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function validateRules(rules: unknown, field: string, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (rules === undefined || rules === null) return errs;
  if (!Array.isArray(rules)) return [fieldInvalid(field, rules, 'must be a list')];
  (rules as PolicyRule[]).forEach((r, i) => {
    const f = `${field}[${i}]`;
    if (!Array.isArray(r.verbs) || r.verbs.length === 0)
      errs.push(fieldRequired(`${f}.verbs`, 'verbs must contain at least one value'));
    const hasNonResource = Array.isArray(r.nonResourceURLs) && r.nonResourceURLs.length > 0;
    if (hasNonResource) {
      if (namespaced)
        errs.push(
          fieldInvalid(`${f}.nonResourceURLs`, r.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'),
        );
      if ((r.apiGroups?.length ?? 0) > 0 || (r.resources?.length ?? 0) > 0)
        errs.push(
          fieldInvalid(
            `${f}.nonResourceURLs`,
            r.nonResourceURLs,
            'rules cannot apply to both regular resources and non-resource URLs',
          ),
        );
    } else {
      if (!Array.isArray(r.apiGroups) || r.apiGroups.length === 0)
        errs.push(fieldRequired(`${f}.apiGroups`, 'resource rules must supply at least one api group'));
      if (!Array.isArray(r.resources) || r.resources.length === 0)
        errs.push(fieldRequired(`${f}.resources`, 'resource rules must supply at least one resource'));
    }
  });
  return errs;
}

function validateSubjects(subjects: Subject[] | undefined, bindingNamespace: string): FieldError[] {
  const errs: FieldError[] = [];
  (subjects ?? []).forEach((s, i) => {
    const f = `subjects[${i}]`;
    if (!s.name) errs.push(fieldRequired(`${f}.name`));
    switch (s.kind) {
      case 'ServiceAccount':
        if (s.apiGroup) errs.push(fieldNotSupported(`${f}.apiGroup`, s.apiGroup, ['']));
        if (!s.namespace && !bindingNamespace) errs.push(fieldRequired(`${f}.namespace`));
        break;
      case 'User':
      case 'Group':
        if (s.apiGroup !== RBAC_GROUP) errs.push(fieldNotSupported(`${f}.apiGroup`, s.apiGroup, [RBAC_GROUP]));
        break;
      default:
        errs.push(fieldNotSupported(`${f}.kind`, s.kind, ['ServiceAccount', 'User', 'Group']));
    }
  });
  return errs;
}

function validateRoleRef(b: RoleBinding, clusterBinding: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = b.roleRef;
  if (!ref) return [fieldRequired('roleRef')];
  if (ref.apiGroup !== RBAC_GROUP) errs.push(fieldNotSupported('roleRef.apiGroup', ref.apiGroup, [RBAC_GROUP]));
  const kinds = clusterBinding ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  if (!kinds.includes(ref.kind)) errs.push(fieldNotSupported('roleRef.kind', ref.kind, kinds));
  if (!ref.name) errs.push(fieldRequired('roleRef.name'));
  else for (const m of pathSegmentName(ref.name)) errs.push(fieldInvalid('roleRef.name', ref.name, m));
  return errs;
}

/** The internal rbac.RoleRef as Go's %#v prints it in the immutability error kubectl users know. */
function goRoleRef(ref: RoleBinding['roleRef'] | undefined): string {
  const q = (v: unknown): string => JSON.stringify(typeof v === 'string' ? v : '');
  return `rbac.RoleRef{APIGroup:${q(ref?.apiGroup)}, Kind:${q(ref?.kind)}, Name:${q(ref?.name)}}`;
}

function subjectsOf(b: KubeObject, kind: string): string {
  const subs = ((b as RoleBinding).subjects ?? [])
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? b.metadata.namespace ?? ''}/${s.name}` : s.name));
  return subs.join(', ');
}

const bindingTable = table([{ name: 'Role', type: 'string', priority: 0 }], (o) => [
  `${(o as RoleBinding).roleRef?.kind}/${(o as RoleBinding).roleRef?.name}`,
]);
const BINDING_TABLE = {
  columns: [
    ...bindingTable.columns,
    { name: 'Users', type: 'string' as const, description: 'Users in the binding', priority: 1 },
    { name: 'Groups', type: 'string' as const, description: 'Groups in the binding', priority: 1 },
    { name: 'ServiceAccounts', type: 'string' as const, description: 'ServiceAccounts in the binding', priority: 1 },
  ],
  cells: (o: KubeObject) => [
    ...bindingTable.cells(o),
    subjectsOf(o, 'User'),
    subjectsOf(o, 'Group'),
    subjectsOf(o, 'ServiceAccount'),
  ],
};

const ROLE_TABLE = {
  columns: [DEFAULT_TABLE.columns[0]!, { ...DEFAULT_TABLE.columns[1]!, name: 'Created At' }],
  cells: DEFAULT_TABLE.cells,
};

function roleDef(kind: 'Role' | 'ClusterRole'): ResourceDef {
  const namespaced = kind === 'Role';
  return {
    group: RBAC_GROUP,
    version: 'v1',
    resource: namespaced ? 'roles' : 'clusterroles',
    kind,
    listKind: `${kind}List`,
    singularName: kind.toLowerCase(),
    namespaced,
    verbs: ALL_VERBS,
    nameValidator: pathSegmentName,
    strategy: {
      validate: (o) => validateRules(o.rules, 'rules', namespaced),
      validateUpdate: (o) => validateRules(o.rules, 'rules', namespaced),
    },
    table: ROLE_TABLE,
  };
}

function bindingDef(kind: 'RoleBinding' | 'ClusterRoleBinding'): ResourceDef {
  const namespaced = kind === 'RoleBinding';
  const validate = (o: KubeObject): FieldError[] => [
    ...validateRoleRef(o as RoleBinding, !namespaced),
    ...validateSubjects((o as RoleBinding).subjects, o.metadata.namespace ?? ''),
  ];
  return {
    group: RBAC_GROUP,
    version: 'v1',
    resource: namespaced ? 'rolebindings' : 'clusterrolebindings',
    kind,
    listKind: `${kind}List`,
    singularName: kind.toLowerCase(),
    namespaced,
    verbs: ALL_VERBS,
    nameValidator: pathSegmentName,
    strategy: {
      validate,
      validateUpdate: (o, old) => [
        ...validate(o),
        ...immutable('roleRef', (o as RoleBinding).roleRef, (old as RoleBinding).roleRef).map((e) => ({
          ...e,
          message: `Invalid value: ${goRoleRef((o as RoleBinding).roleRef)}: cannot change roleRef`,
        })),
      ],
    },
    table: BINDING_TABLE,
  };
}

export const roles = roleDef('Role');
export const clusterRoles = roleDef('ClusterRole');
export const roleBindings = bindingDef('RoleBinding');
export const clusterRoleBindings = bindingDef('ClusterRoleBinding');
