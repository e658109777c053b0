// RBAC privilege-escalation prevention, as kube-apiserver's RBAC registry does it
// (pkg/registry/rbac/escalation_check.go, validation/rule.go ConfirmNoEscalation, and the policybased
// storages of roles, clusterroles, rolebindings and clusterrolebindings). The lead's registry calls
// checkRoleEscalation / checkBindingEscalation before writing; both throw a StatusError.
import type { PolicyRule, Role, RoleBinding, RoleRef } from '../../api/types.js';
import { forbidden, internalError, notFound } from '../../api/errors.js';
import { SYSTEM_MASTERS, type UserInfo } from '../../authn/interfaces.js';
import type { Authorizer, RuleResolver } from '../interfaces.js';
import { resourceAttributes } from '../attributes.js';
import { goQuote, goQuoteList } from '../format.js';
import { compactRules, compactString, covers } from './covers.js';
import { RBAC_GROUP } from './policy-index.js';

/** ConfirmNoEscalation's refusal; the registry wraps it into a 403. */
export class EscalationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EscalationError';
  }
}

/** Reads a Role or ClusterRole the way the registry does (namespace ignored for ClusterRoles). */
export type RoleGetter = (
  kind: 'Role' | 'ClusterRole',
  namespace: string,
  name: string,
) => Role | undefined | Promise<Role | undefined>;

export interface EscalationOptions {
  /** The stored object for an update (enables the "only GC fields changed" shortcut and aggregationRule checks). */
  oldObject?: Role | RoleBinding;
  /**
   * The name from the request URL (RequestInfo.Name): '' for a create (POST to the collection), the
   * object's name for an update. Defaults to '' when oldObject is absent, else the object's name.
   */
  requestName?: string;
}

/** The rules kube-apiserver requires for setting an aggregationRule: `*` on everything. */
export const FULL_AUTHORITY: readonly PolicyRule[] = Object.freeze([
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
]);

/** EscalationAllowed: members of system:masters may grant anything. */
export function escalationAllowed(user: UserInfo): boolean {
  return user.groups.includes(SYSTEM_MASTERS);
}

/** The owner's rules back as PolicyRules (RulesFor), plus the resolver's error text. */
function ownerRules(resolver: RuleResolver, user: UserInfo, namespace: string): { rules: PolicyRule[]; error: string } {
  const r = resolver.rulesFor(user, namespace);
  const rules: PolicyRule[] = [];
  for (const rr of r.resourceRules) {
    const rule: PolicyRule = { verbs: rr.verbs, apiGroups: rr.apiGroups, resources: rr.resources };
    if (rr.resourceNames.length > 0) rule.resourceNames = rr.resourceNames;
    rules.push(rule);
  }
  for (const nr of r.nonResourceRules) rules.push({ verbs: nr.verbs, nonResourceURLs: nr.nonResourceURLs });
  return { rules, error: r.evaluationError };
}

/**
 * ConfirmNoEscalation: throws EscalationError unless the user's own rules in the namespace cover every
 * requested rule. The message lists what is missing, compacted, one CompactString per line, sorted.
 */
export function confirmNoEscalation(
  user: UserInfo,
  namespace: string,
  requestedRules: readonly PolicyRule[],
  resolver: RuleResolver,
): void {
  const owner = ownerRules(resolver, user, namespace);
  const result = covers(owner.rules, requestedRules);
  if (result.covered) return;
  const descriptions = [...new Set(compactRules(result.missing).map(compactString))].sort(compareBytes);
  let msg = `user ${goQuote(user.username)} (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${descriptions.join('\n')}`;
  if (owner.error) msg += `; resolution errors: [${owner.error}]`;
  throw new EscalationError(msg);
}

function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function isAllowed(authorizer: Authorizer, attrs: Parameters<Authorizer['authorize']>[0]): Promise<boolean> {
  try {
    return (await authorizer.authorize(attrs)).decision === 'Allow';
  } catch {
    return false;
  }
}

/**
 * Create/update of a Role or ClusterRole (kind from role.kind). Allowed for system:masters, for holders of
 * `escalate` on the role resource, or when the user already holds every rule; setting (or, on update,
 * having had) an aggregationRule additionally needs full authority.
 */
export async function checkRoleEscalation(
  user: UserInfo,
  namespace: string,
  role: Role,
  authorizer: Authorizer,
  resolver: RuleResolver,
  options: EscalationOptions = {},
): Promise<void> {
  const isCluster = role.kind === 'ClusterRole';
  const resource = isCluster ? 'clusterroles' : 'roles';
  const scope = isCluster ? '' : namespace;
  const name = role.metadata.name ?? '';
  if (escalationAllowed(user)) return;
  const requestName = options.requestName ?? (options.oldObject ? name : '');
  // RoleEscalationAuthorized: verb escalate on the request's own resource, name and namespace.
  if (
    await isAllowed(
      authorizer,
      resourceAttributes(user, {
        verb: 'escalate',
        apiGroup: RBAC_GROUP,
        apiVersion: '*',
        resource,
        name: requestName,
        namespace: scope,
      }),
    )
  )
    return;
  if (options.oldObject && isOnlyMutatingGCFields(role, options.oldObject)) return;

  const gr = { group: RBAC_GROUP, resource };
  try {
    confirmNoEscalation(user, scope, role.rules ?? [], resolver);
  } catch (e) {
    if (e instanceof EscalationError) throw forbidden(gr, name, e.message);
    throw e;
  }
  if (
    isCluster &&
    (hasAggregationRule(role) || (options.oldObject !== undefined && hasAggregationRule(options.oldObject as Role)))
  ) {
    try {
      confirmNoEscalation(user, scope, FULL_AUTHORITY, resolver);
    } catch (e) {
      if (e instanceof EscalationError)
        throw forbidden(gr, name, 'must have cluster-admin privileges to use the aggregationRule');
      throw e;
    }
  }
}

/**
 * Create/update of a RoleBinding or ClusterRoleBinding (kind from binding.kind). Allowed for
 * system:masters, for holders of `bind` on the referenced role, or when the user already holds every rule
 * of the referenced role. A missing role is a 404 as the registry reports it.
 */
export async function checkBindingEscalation(
  user: UserInfo,
  namespace: string,
  binding: RoleBinding,
  authorizer: Authorizer,
  resolver: RuleResolver,
  getRole: RoleGetter,
  options: EscalationOptions = {},
): Promise<void> {
  const isCluster = binding.kind === 'ClusterRoleBinding';
  const gr = { group: RBAC_GROUP, resource: isCluster ? 'clusterrolebindings' : 'rolebindings' };
  const bindingNamespace = isCluster ? '' : namespace;
  const name = binding.metadata.name ?? '';
  if (escalationAllowed(user)) return;
  if (options.oldObject && isOnlyMutatingGCFields(binding, options.oldObject)) return;
  if (await bindingAuthorized(user, binding.roleRef, bindingNamespace, authorizer)) return;

  const rules = await roleReferenceRules(binding.roleRef, bindingNamespace, getRole);
  try {
    confirmNoEscalation(user, bindingNamespace, rules, resolver);
  } catch (e) {
    if (e instanceof EscalationError) throw forbidden(gr, name, e.message);
    throw e;
  }
}

/** BindingAuthorized: verb bind on the referenced clusterrole/role, in the binding's namespace. */
export async function bindingAuthorized(
  user: UserInfo,
  roleRef: RoleRef,
  bindingNamespace: string,
  authorizer: Authorizer,
): Promise<boolean> {
  let resource: string;
  if (roleRef.kind === 'ClusterRole') resource = 'clusterroles';
  else if (roleRef.kind === 'Role') resource = 'roles';
  else return false;
  return isAllowed(
    authorizer,
    resourceAttributes(user, {
      verb: 'bind',
      apiGroup: roleRef.apiGroup,
      apiVersion: '*',
      resource,
      name: roleRef.name,
      namespace: bindingNamespace,
    }),
  );
}

/** GetRoleReferenceRules through the registry: a missing role is NotFound, an unknown kind an internal error. */
export async function roleReferenceRules(
  roleRef: RoleRef,
  bindingNamespace: string,
  getRole: RoleGetter,
): Promise<PolicyRule[]> {
  if (roleRef.kind !== 'Role' && roleRef.kind !== 'ClusterRole') {
    throw internalError(`unsupported role reference kind: ${goQuote(roleRef.kind)}`);
  }
  const role = await getRole(roleRef.kind, roleRef.kind === 'Role' ? bindingNamespace : '', roleRef.name);
  if (!role)
    throw notFound({ group: RBAC_GROUP, resource: roleRef.kind === 'Role' ? 'roles' : 'clusterroles' }, roleRef.name);
  return role.rules ?? [];
}

function hasAggregationRule(role: Role | undefined): boolean {
  return (role?.aggregationRule?.clusterRoleSelectors ?? []).length > 0;
}

/**
 * IsOnlyMutatingGCFields: the new object equals the old one once ownerReferences, finalizers and
 * selfLink are taken from the old (semantic equality: missing, null and empty are the same).
 */
export function isOnlyMutatingGCFields(obj: Role | RoleBinding, old: Role | RoleBinding): boolean {
  const copy = structuredClone(obj) as Role;
  const meta: Record<string, unknown> = { ...copy.metadata };
  for (const k of ['ownerReferences', 'finalizers', 'selfLink']) {
    if (old.metadata[k] === undefined) delete meta[k];
    else meta[k] = old.metadata[k];
  }
  copy.metadata = meta as Role['metadata'];
  return semanticEqual(copy, old);
}

function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

function semanticEqual(a: unknown, b: unknown): boolean {
  if (isZero(a) && isZero(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys)
      if (!semanticEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
    return true;
  }
  return a === b;
}
