// The RBAC policy as an index, kept current from the store's watch (upsert/remove of Roles, ClusterRoles,
// RoleBindings and ClusterRoleBindings).
//
// Kubernetes scans every binding on every request (DefaultRuleResolver.VisitRulesFor). Here bindings are
// indexed by subject (user name, group, service-account user name) and scope (cluster, or the binding's
// namespace), and grouped by the role they reference; each role's rules are compiled once into maps with
// small fingerprints (compiled-rules.ts) that let a bucket or role that cannot match be skipped outright.
// A decision looks only at the requester's own buckets, so its work does not grow with the number of
// bindings in the cluster. Role references resolve through shared slots: a binding may arrive before its
// role, and a role update is seen by every binding at once.
//
// Decisions are the same as the linear scan's (test/unit/authz/rbac-reference.ts), including which binding
// the allow reason names: bindings are visited ClusterRoleBindings first, then the namespace's
// RoleBindings, each in name order (Kubernetes' informer order is unspecified; name order makes it stable).
import type { PolicyRule, Role, RoleBinding, RoleRef, Subject } from '../../api/types.js';
import { SERVICE_ACCOUNT_PREFIX, type UserInfo } from '../../authn/interfaces.js';
import type { Attributes } from '../interfaces.js';
import { goQuote } from '../format.js';
import { CompiledRules, fillResourceQuery, resourceQuery, type ResourceQuery } from './compiled-rules.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export type RbacKind = 'Role' | 'ClusterRole' | 'RoleBinding' | 'ClusterRoleBinding';

export class UnknownRbacKindError extends Error {
  constructor(kind: unknown) {
    super(
      `not an RBAC object: kind ${JSON.stringify(kind)} (expected Role, ClusterRole, RoleBinding or ClusterRoleBinding)`,
    );
    this.name = 'UnknownRbacKindError';
  }
}

/**
 * How a missing role is worded. The authorizer reads informer caches (`clusterrole.rbac…` singular, from
 * the lister); the escalation checks read the registry (`clusterroles.rbac…`, the storage's resource).
 */
export type NotFoundWording = 'lister' | 'registry';

/** What a role reference resolves to; shared by all bindings naming the same role. */
class RoleSlot {
  role: Role | undefined;
  rules: PolicyRule[] | undefined;
  compiled: CompiledRules | undefined;
  /** Bindings referencing this slot, plus one while the role exists. */
  refs = 0;
  constructor(
    readonly key: string,
    readonly refKind: string,
    readonly refName: string,
  ) {}

  missingMessage(wording: NotFoundWording): string {
    if (this.refKind === 'ClusterRole')
      return `${wording === 'lister' ? 'clusterrole' : 'clusterroles'}.${RBAC_GROUP} ${goQuote(this.refName)} not found`;
    if (this.refKind === 'Role')
      return `${wording === 'lister' ? 'role' : 'roles'}.${RBAC_GROUP} ${goQuote(this.refName)} not found`;
    return `unsupported role reference kind: ${goQuote(this.refKind)}`;
  }
}

/** One stored binding. */
export interface BindingEntry {
  readonly kind: 'RoleBinding' | 'ClusterRoleBinding';
  readonly name: string;
  /** The binding's namespace; '' for a ClusterRoleBinding. */
  readonly namespace: string;
  readonly roleRef: RoleRef;
  readonly subjects: readonly Subject[];
  readonly object: RoleBinding;
}

interface StoredBinding extends BindingEntry {
  readonly slot: RoleSlot;
  readonly placements: Placement[];
}

/** Where a binding was filed: one subject entry, one scope. */
interface Placement {
  readonly map: Map<string, SubjectEntry>;
  readonly key: string;
  /** '' for cluster scope. */
  readonly scope: string;
  readonly bucket: SubjectBucket;
}

/** The bindings that grant one role to one subject in one scope, with the first in visit order cached. */
class RoleGrant {
  readonly bindings = new Set<StoredBinding>();
  /** Position in the bucket's list (for O(1) removal). */
  position = -1;
  private firstCache: StoredBinding | undefined;
  // The role's compiled rules and fingerprints, copied by the bucket's refresh (see SubjectBucket.refresh).
  compiled: CompiledRules | undefined;
  verbBits = 0;
  groupBits = 0;
  resourceBits = 0;
  urlVerbBits = 0;

  constructor(readonly slot: RoleSlot) {}

  add(b: StoredBinding): void {
    this.bindings.add(b);
    if (this.firstCache !== undefined && b.name < this.firstCache.name) this.firstCache = b;
  }

  delete(b: StoredBinding): void {
    this.bindings.delete(b);
    if (this.firstCache === b) this.firstCache = undefined;
  }

  first(): StoredBinding {
    if (this.firstCache === undefined) {
      let best: StoredBinding | undefined;
      for (const b of this.bindings) if (best === undefined || b.name < best.name) best = b;
      this.firstCache = best;
    }
    return this.firstCache!;
  }

  refresh(): void {
    const c = this.slot.compiled;
    this.compiled = c;
    if (c === undefined) {
      // A missing role must always be visited, to report it.
      this.verbBits = this.groupBits = this.resourceBits = this.urlVerbBits = -1;
    } else {
      this.verbBits = c.verbBits;
      this.groupBits = c.groupBits;
      this.resourceBits = c.resourceBits;
      this.urlVerbBits = c.urlVerbBits;
    }
  }
}

/**
 * Everything granted to one subject in one scope, by role; a plain array for the hot loop, plus the union
 * of its roles' fingerprints so a bucket that cannot match is skipped without visiting its grants. The
 * copies are refreshed lazily: on any change to the bucket, or when a role changed (generation moved).
 */
class SubjectBucket {
  readonly bySlot = new Map<RoleSlot, RoleGrant>();
  readonly list: RoleGrant[] = [];
  generation = -1;
  verbBits = 0;
  groupBits = 0;
  resourceBits = 0;
  urlVerbBits = 0;

  refresh(generation: number): void {
    let v = 0;
    let g = 0;
    let r = 0;
    let u = 0;
    for (const grant of this.list) {
      grant.refresh();
      v |= grant.verbBits;
      g |= grant.groupBits;
      r |= grant.resourceBits;
      u |= grant.urlVerbBits;
    }
    this.verbBits = v;
    this.groupBits = g;
    this.resourceBits = r;
    this.urlVerbBits = u;
    this.generation = generation;
  }

  add(slot: RoleSlot, b: StoredBinding): void {
    let grant = this.bySlot.get(slot);
    if (grant === undefined) {
      grant = new RoleGrant(slot);
      grant.position = this.list.length;
      this.list.push(grant);
      this.bySlot.set(slot, grant);
      this.generation = -1;
    }
    grant.add(b);
  }

  delete(slot: RoleSlot, b: StoredBinding): void {
    const grant = this.bySlot.get(slot);
    if (grant === undefined) return;
    grant.delete(b);
    if (grant.bindings.size > 0) return;
    this.bySlot.delete(slot);
    const last = this.list.pop()!;
    if (last !== grant) {
      this.list[grant.position] = last;
      last.position = grant.position;
    }
    this.generation = -1;
  }
}

/**
 * A user name (or service-account user name) or a group: its cluster bucket and its namespaces' buckets.
 * Most subjects are bound in one namespace, so the first namespace is kept inline (no map to chase).
 */
class SubjectEntry {
  cluster: SubjectBucket | undefined;
  firstNamespace: string | undefined;
  firstBucket: SubjectBucket | undefined;
  otherNamespaces: Map<string, SubjectBucket> | undefined;

  inNamespace(ns: string): SubjectBucket | undefined {
    if (this.firstNamespace === ns) return this.firstBucket;
    return this.otherNamespaces?.get(ns);
  }

  bucket(scope: string): SubjectBucket {
    if (scope === '') return (this.cluster ??= new SubjectBucket());
    const existing = this.inNamespace(scope);
    if (existing !== undefined) return existing;
    const b = new SubjectBucket();
    if (this.firstNamespace === undefined) {
      this.firstNamespace = scope;
      this.firstBucket = b;
    } else (this.otherNamespaces ??= new Map()).set(scope, b);
    return b;
  }

  /** Drops an emptied bucket; true when the entry itself is now empty. */
  prune(scope: string, bucket: SubjectBucket): boolean {
    if (bucket.list.length === 0) {
      if (scope === '') {
        if (this.cluster === bucket) this.cluster = undefined;
      } else if (this.firstNamespace === scope && this.firstBucket === bucket) {
        this.firstNamespace = undefined;
        this.firstBucket = undefined;
      } else if (this.otherNamespaces?.get(scope) === bucket) {
        this.otherNamespaces.delete(scope);
        if (this.otherNamespaces.size === 0) this.otherNamespaces = undefined;
      }
    }
    return this.cluster === undefined && this.firstBucket === undefined && this.otherNamespaces === undefined;
  }
}

/** The binding (and its first matching subject) that allowed a request. */
export interface AllowSource {
  binding: BindingEntry;
  subject: Subject;
}

export interface PolicyDecision {
  allowed: AllowSource | undefined;
  /** Resolution errors in visit order (only filled when nothing allowed). */
  errors: string[];
}

export interface RulesForResult {
  rules: PolicyRule[];
  errors: string[];
}

interface ErrorNote {
  binding: StoredBinding;
  message: string;
}

/** Resolution errors met during a scan; the list is only allocated when there is one (rare). */
class Notes {
  list: ErrorNote[] | undefined;

  add(binding: StoredBinding, message: string): void {
    (this.list ??= []).push({ binding, message });
  }

  /** In binding order, as the linear scan meets them (duplicates are harmless; the aggregate dedupes). */
  ordered(): string[] {
    const list = this.list ?? [];
    if (list.length > 1) list.sort((a, b) => compareNames(a.binding.name, b.binding.name));
    return list.map((n) => n.message);
  }
}

const NO_ERRORS: string[] = [];
const NOTHING: PolicyDecision = Object.freeze({ allowed: undefined, errors: NO_ERRORS }) as PolicyDecision;

export class RbacPolicyIndex {
  private readonly slots = new Map<string, RoleSlot>();
  private readonly bindings = new Map<string, StoredBinding>();
  private readonly users = new Map<string, SubjectEntry>();
  private readonly groups = new Map<string, SubjectEntry>();
  private objectCount = 0;
  /** Moves on every role change; buckets compare it to know their copied role data is stale. */
  private generation = 0;
  // Scratch state for decide(), which is synchronous: reused to keep the hot path allocation-free.
  private readonly groupEntries: (SubjectEntry | undefined)[] = [];
  private readonly query: ResourceQuery = resourceQuery('', '', '', '', '');

  /** Add or replace a Role, ClusterRole, RoleBinding or ClusterRoleBinding (kind from `obj.kind`). */
  upsert(obj: Role | RoleBinding): void {
    switch (obj.kind as RbacKind) {
      case 'Role':
      case 'ClusterRole':
        this.upsertRole(obj as Role);
        return;
      case 'RoleBinding':
      case 'ClusterRoleBinding':
        this.upsertBinding(obj as RoleBinding);
        return;
      default:
        throw new UnknownRbacKindError(obj.kind);
    }
  }

  /** Remove an object; only its kind, namespace and name are read. Removing an unknown object is a no-op. */
  remove(obj: Pick<Role, 'kind' | 'metadata'>): void {
    const name = obj.metadata.name ?? '';
    const ns = obj.metadata.namespace ?? '';
    switch (obj.kind as RbacKind) {
      case 'Role':
        this.removeRole(roleSlotKey('Role', ns, name));
        return;
      case 'ClusterRole':
        this.removeRole(roleSlotKey('ClusterRole', '', name));
        return;
      case 'RoleBinding':
        this.removeBinding(`${ns}/${name}`);
        return;
      case 'ClusterRoleBinding':
        this.removeBinding(name);
        return;
      default:
        throw new UnknownRbacKindError(obj.kind);
    }
  }

  /** Drop everything (before a relist). */
  clear(): void {
    this.slots.clear();
    this.bindings.clear();
    this.users.clear();
    this.groups.clear();
    this.objectCount = 0;
    this.generation++;
  }

  /** Number of roles and bindings held. */
  get size(): number {
    return this.objectCount;
  }

  /** The stored Role or ClusterRole (namespace ignored for ClusterRoles). */
  getRole(kind: 'Role' | 'ClusterRole', namespace: string, name: string): Role | undefined {
    return this.slots.get(roleSlotKey(kind, kind === 'Role' ? namespace : '', name))?.role;
  }

  /** Every stored ClusterRole (the aggregation controller's input). */
  clusterRoles(): Role[] {
    const out: Role[] = [];
    for (const slot of this.slots.values())
      if (slot.role !== undefined && slot.refKind === 'ClusterRole') out.push(slot.role);
    return out;
  }

  // ---- decisions ---------------------------------------------------------------------------------

  /** VisitRulesFor + RuleAllows, answered from the index. */
  decide(attrs: Attributes): PolicyDecision {
    const user = attrs.user;
    let q: ResourceQuery | undefined;
    if (attrs.isResourceRequest) {
      q = this.query;
      fillResourceQuery(q, attrs.verb, attrs.apiGroup, attrs.resource, attrs.subresource, attrs.name);
    }
    const clusterNotes = new Notes();
    const namespaceNotes = new Notes();
    const generation = this.generation;
    const groupEntries = this.groupEntries;
    let count = 0;
    const groups = user.groups;
    for (let i = 0; i < groups.length; i++) {
      const e = this.groups.get(groups[i]!);
      if (e !== undefined) groupEntries[count++] = e;
    }
    const userEntry = this.users.get(user.username);

    let best: StoredBinding | undefined;
    if (userEntry?.cluster !== undefined)
      best = scanBucket(userEntry.cluster, generation, attrs, q, best, clusterNotes);
    for (let i = 0; i < count; i++) {
      const b = groupEntries[i]!.cluster;
      if (b !== undefined) best = scanBucket(b, generation, attrs, q, best, clusterNotes);
    }
    const ns = attrs.namespace;
    if (best === undefined && ns) {
      const ub = userEntry?.inNamespace(ns);
      if (ub !== undefined) best = scanBucket(ub, generation, attrs, q, best, namespaceNotes);
      for (let i = 0; i < count; i++) {
        const b = groupEntries[i]!.inNamespace(ns);
        if (b !== undefined) best = scanBucket(b, generation, attrs, q, best, namespaceNotes);
      }
    }
    for (let i = 0; i < count; i++) groupEntries[i] = undefined;
    if (best !== undefined)
      return { allowed: { binding: best, subject: firstApplyingSubject(user, best)! }, errors: NO_ERRORS };
    if (clusterNotes.list === undefined && namespaceNotes.list === undefined) return NOTHING;
    return { allowed: undefined, errors: [...clusterNotes.ordered(), ...namespaceNotes.ordered()] };
  }

  /** RulesFor: the rules of every binding that applies, in visit order, plus resolution errors. */
  rulesFor(user: UserInfo, namespace: string, wording: NotFoundWording = 'lister'): RulesForResult {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    const entries: SubjectEntry[] = [];
    const ue = this.users.get(user.username);
    if (ue !== undefined) entries.push(ue);
    for (const g of user.groups) {
      const ge = this.groups.get(g);
      if (ge !== undefined) entries.push(ge);
    }
    const visit = (pick: (e: SubjectEntry) => SubjectBucket | undefined): void => {
      const found = new Set<StoredBinding>();
      for (const e of entries) {
        const bucket = pick(e);
        if (bucket === undefined) continue;
        for (const grant of bucket.list) for (const b of grant.bindings) found.add(b);
      }
      for (const b of [...found].sort(byName)) {
        if (b.slot.rules === undefined) errors.push(b.slot.missingMessage(wording));
        else rules.push(...b.slot.rules);
      }
    };
    visit((e) => e.cluster);
    if (namespace) visit((e) => e.inNamespace(namespace));
    return { rules, errors };
  }

  /** The rules a binding's roleRef resolves to (GetRoleReferenceRules), or the resolution error. */
  roleReferenceRules(
    roleRef: RoleRef,
    bindingNamespace: string,
    wording: NotFoundWording = 'lister',
  ): { rules?: PolicyRule[]; error?: string } {
    const key = roleSlotKey(roleRef.kind, bindingNamespace, roleRef.name);
    const slot = this.slots.get(key) ?? new RoleSlot(key, roleRef.kind, roleRef.name);
    return slot.rules !== undefined ? { rules: slot.rules } : { error: slot.missingMessage(wording) };
  }

  // ---- maintenance -------------------------------------------------------------------------------

  private slotFor(kind: string, bindingNamespace: string, name: string): RoleSlot {
    const key = roleSlotKey(kind, bindingNamespace, name);
    let slot = this.slots.get(key);
    if (slot === undefined) this.slots.set(key, (slot = new RoleSlot(key, kind, name)));
    return slot;
  }

  private release(slot: RoleSlot): void {
    slot.refs--;
    if (slot.refs <= 0) this.slots.delete(slot.key);
  }

  private upsertRole(role: Role): void {
    const kind = role.kind as 'Role' | 'ClusterRole';
    const slot = this.slotFor(kind, kind === 'Role' ? (role.metadata.namespace ?? '') : '', role.metadata.name ?? '');
    if (slot.role === undefined) {
      slot.refs++;
      this.objectCount++;
    }
    const rules = role.rules ?? [];
    slot.role = role;
    slot.rules = rules;
    slot.compiled = new CompiledRules(rules);
    this.generation++;
  }

  private removeRole(key: string): void {
    const slot = this.slots.get(key);
    if (slot === undefined || slot.role === undefined) return;
    slot.role = undefined;
    slot.rules = undefined;
    slot.compiled = undefined;
    this.generation++;
    this.objectCount--;
    this.release(slot);
  }

  private upsertBinding(obj: RoleBinding): void {
    const kind = obj.kind as 'RoleBinding' | 'ClusterRoleBinding';
    const name = obj.metadata.name ?? '';
    const namespace = kind === 'RoleBinding' ? (obj.metadata.namespace ?? '') : '';
    const key = kind === 'RoleBinding' ? `${namespace}/${name}` : name;
    this.removeBinding(key);

    const roleRef = obj.roleRef ?? { apiGroup: RBAC_GROUP, kind: '', name: '' };
    const slot = this.slotFor(roleRef.kind, namespace, roleRef.name);
    slot.refs++;
    const subjects = obj.subjects ?? [];
    const entry: StoredBinding = { kind, name, namespace, roleRef, subjects, object: obj, slot, placements: [] };
    for (const subject of subjects) {
      const target = subjectKey(subject, namespace);
      if (target === undefined) continue;
      const map = target.group ? this.groups : this.users;
      if (entry.placements.some((p) => p.map === map && p.key === target.key)) continue;
      let se = map.get(target.key);
      if (se === undefined) map.set(target.key, (se = new SubjectEntry()));
      const bucket = se.bucket(namespace);
      bucket.add(slot, entry);
      entry.placements.push({ map, key: target.key, scope: namespace, bucket });
    }
    this.bindings.set(key, entry);
    this.objectCount++;
  }

  private removeBinding(key: string): void {
    const entry = this.bindings.get(key);
    if (entry === undefined) return;
    this.bindings.delete(key);
    this.objectCount--;
    for (const p of entry.placements) {
      p.bucket.delete(entry.slot, entry);
      const se = p.map.get(p.key);
      if (se !== undefined && se.prune(p.scope, p.bucket)) p.map.delete(p.key);
    }
    this.release(entry.slot);
  }
}

function scanBucket(
  bucket: SubjectBucket,
  generation: number,
  attrs: Attributes,
  q: ResourceQuery | undefined,
  best: StoredBinding | undefined,
  notes: Notes,
): StoredBinding | undefined {
  if (bucket.generation !== generation) bucket.refresh(generation);
  if (q !== undefined) {
    if (
      (bucket.verbBits & q.verbBits) === 0 ||
      (bucket.groupBits & q.groupBits) === 0 ||
      (bucket.resourceBits & q.resourceBits) === 0
    )
      return best;
  } else if (bucket.urlVerbBits === 0) return best;
  const list = bucket.list;
  for (let i = 0; i < list.length; i++) {
    const grant = list[i]!;
    const compiled = grant.compiled;
    if (compiled === undefined) {
      notes.add(grant.first(), grant.slot.missingMessage('lister'));
      continue;
    }
    if (q !== undefined) {
      if (
        (grant.verbBits & q.verbBits) === 0 ||
        (grant.groupBits & q.groupBits) === 0 ||
        (grant.resourceBits & q.resourceBits) === 0
      )
        continue;
      if (!compiled.allowsResource(q)) continue;
    } else if (grant.urlVerbBits === 0 || !compiled.allowsNonResource(attrs.verb, attrs.path)) continue;
    const first = grant.first();
    if (best === undefined || first.name < best.name) best = first;
  }
  return best;
}

function byName(a: { name: string }, b: { name: string }): number {
  return compareNames(a.name, b.name);
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Slot keys: the role a reference resolves to (GetRoleReferenceRules: Role in the binding's namespace, or ClusterRole). */
function roleSlotKey(kind: string, bindingNamespace: string, name: string): string {
  if (kind === 'ClusterRole') return `ClusterRole\u0000${name}`;
  if (kind === 'Role') return `Role\u0000${bindingNamespace}\u0000${name}`;
  return `Unsupported\u0000${kind}`;
}

/** Which bucket a subject lands in, or undefined when it can never match (appliesToUser). */
function subjectKey(subject: Subject, bindingNamespace: string): { group: boolean; key: string } | undefined {
  switch (subject.kind) {
    case 'User':
      return { group: false, key: subject.name };
    case 'Group':
      return { group: true, key: subject.name };
    case 'ServiceAccount': {
      const ns = subject.namespace || bindingNamespace;
      if (!ns) return undefined;
      return { group: false, key: `${SERVICE_ACCOUNT_PREFIX}${ns}:${subject.name}` };
    }
    default:
      return undefined;
  }
}

/** appliesToUser, as in k8s/pkg/registry/rbac/validation/rule.go. */
export function subjectAppliesTo(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.username === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace || bindingNamespace;
      if (!ns) return false;
      return user.username === `${SERVICE_ACCOUNT_PREFIX}${ns}:${subject.name}`;
    }
    default:
      return false;
  }
}

function firstApplyingSubject(user: UserInfo, b: BindingEntry): Subject | undefined {
  for (const s of b.subjects) if (subjectAppliesTo(user, s, b.namespace)) return s;
  return undefined;
}

/** describeSubject: `User "alice"`, `Group "g"`, `ServiceAccount "name/ns"` (namespace defaulted to the binding's). */
export function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount')
    return `${subject.kind} ${goQuote(`${subject.name}/${subject.namespace || bindingNamespace}`)}`;
  return `${subject.kind} ${goQuote(subject.name)}`;
}

/** The allow source as Kubernetes' describers print it. */
export function describeSource(source: AllowSource): string {
  const b = source.binding;
  if (b.kind === 'ClusterRoleBinding') {
    return `ClusterRoleBinding ${goQuote(b.name)} of ${b.roleRef.kind} ${goQuote(b.roleRef.name)} to ${describeSubject(source.subject, '')}`;
  }
  return `RoleBinding ${goQuote(`${b.name}/${b.namespace}`)} of ${b.roleRef.kind} ${goQuote(b.roleRef.name)} to ${describeSubject(source.subject, b.namespace)}`;
}
