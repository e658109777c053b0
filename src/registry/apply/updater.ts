// Field ownership across writes, as SMD's merge.Updater keeps it. Each manager owns a set of fields at an API
// version. An Update (create, update, patch) takes the fields it changed from everyone else, without conflicts. An
// Apply merges the configuration into the live object, owns exactly the configuration's fields, conflicts with
// other owners of fields whose value it would change (unless forced, which takes them), and removes the fields it
// applied last time and no longer applies when nobody else owns them.
import { FieldSet } from './field-set.js';
import type { Path } from './path.js';
import type { TypeRef } from './schema.js';
import { jsonEqual } from '../json-walk.js';
import { compare, ensureNamedFieldsAreMembers, merge, removeItems, toFieldSet, type Comparison } from './typed.js';

export interface ManagerSet {
  set: FieldSet;
  apiVersion: string;
  /** Owned through Apply (its set is replaced on each apply) rather than accumulated through updates. */
  applied: boolean;
}

/** By manager identifier (see managed-fields.ts: manager, operation, and the apiVersion for updates). */
export type Managers = Map<string, ManagerSet>;

export interface Conflict {
  manager: string;
  path: Path;
}

export class ConflictError extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(`${conflicts.length} conflict(s)`);
    this.name = 'ConflictError';
  }
}

export interface UpdaterOptions {
  /** Fields nobody owns (kube's reset fields: status on the main resource, everything else on /status). */
  ignored?: FieldSet;
}

type Json = unknown;

function withoutIgnored(c: Comparison, ignored?: FieldSet): Comparison {
  if (!ignored || ignored.empty()) return c;
  return {
    added: c.added.recursiveDifference(ignored),
    modified: c.modified.recursiveDifference(ignored),
    removed: c.removed.recursiveDifference(ignored),
  };
}

function copyManagers(m: Managers): Managers {
  return new Map([...m].map(([k, v]) => [k, { ...v }]));
}

/** SMD's update(): the other managers lose what changed; conflicts are what they owned and was changed. */
function settle(
  oldObject: Json,
  newObject: Json,
  type: TypeRef,
  managers: Managers,
  workflow: string,
  force: boolean,
  opts: UpdaterOptions,
): { managers: Managers; comparison: Comparison } {
  const comparison = withoutIgnored(compare(oldObject, newObject, type), opts.ignored);
  const changed = comparison.modified.union(comparison.added);
  const conflicts: Conflict[] = [];
  const out = copyManagers(managers);
  for (const [manager, owned] of out) {
    if (manager === workflow) continue;
    const conflictSet = owned.set.intersection(changed);
    if (!conflictSet.empty()) {
      for (const path of conflictSet.paths()) conflicts.push({ manager, path });
      owned.set = owned.set.difference(conflictSet);
    }
    if (!comparison.removed.empty()) owned.set = owned.set.difference(comparison.removed);
  }
  if (!force && conflicts.length > 0) throw new ConflictError(conflicts);
  for (const [manager, owned] of out) if (owned.set.empty()) out.delete(manager);
  return { managers: out, comparison };
}

/** A non-apply write by `manager`: it owns what it changed; nobody conflicts. */
export function update(
  live: Json,
  newObject: Json,
  type: TypeRef,
  apiVersion: string,
  managers: Managers,
  manager: string,
  opts: UpdaterOptions = {},
): Managers {
  const { managers: out, comparison } = settle(live, newObject, type, managers, manager, true, opts);
  const previous = out.get(manager)?.set ?? new FieldSet();
  let set = previous.difference(comparison.removed).union(comparison.modified).union(comparison.added);
  if (opts.ignored) set = set.recursiveDifference(opts.ignored);
  if (set.empty()) out.delete(manager);
  else out.set(manager, { set, apiVersion, applied: false });
  return out;
}

/**
 * An apply by `manager`: the merged object and the new ownership. Throws ConflictError unless `force`. The
 * object is undefined-free JSON; `newObject` is the live one when nothing changed.
 */
export function apply(
  live: Json,
  config: Json,
  type: TypeRef,
  apiVersion: string,
  managers: Managers,
  manager: string,
  force: boolean,
  opts: UpdaterOptions = {},
): { object: Json; managers: Managers } {
  const merged = merge(live, config, type);
  const lastSet = managers.get(manager);
  let set = toFieldSet(config, type);
  if (opts.ignored) set = set.recursiveDifference(opts.ignored);
  const next = copyManagers(managers);
  next.set(manager, { set, apiVersion, applied: true });
  const pruned = prune(merged, type, next, lastSet);
  const { managers: settled } = settle(live, pruned, type, next, manager, force, opts);
  return { object: jsonEqual(live, pruned) ? live : pruned, managers: settled };
}

/**
 * Removes what the manager applied last time and no longer applies, unless another manager owns it (SMD prune,
 * addBackOwnedItems, addBackDanglingItems; one API version, so no conversions).
 */
function prune(merged: Json, type: TypeRef, managers: Managers, lastSet: ManagerSet | undefined): Json {
  if (!lastSet || lastSet.set.empty()) return merged;
  const named = (s: FieldSet) => ensureNamedFieldsAreMembers(s, type);
  let pruned = removeItems(merged, named(lastSet.set), type);
  // Add back what any manager (the applier's new set included) owns.
  let managed = new FieldSet();
  for (const m of managers.values()) managed = managed.union(m.set);
  const mergedSet = named(toFieldSet(merged, type));
  pruned = removeItems(merged, mergedSet.difference(named(toFieldSet(pruned, type)).union(named(managed))), type);
  // Add back items that were in the merged object but never in the last applied set (nobody's: keep them).
  const prunedSet = named(toFieldSet(pruned, type));
  return removeItems(merged, mergedSet.difference(prunedSet).intersection(named(lastSet.set)), type);
}
