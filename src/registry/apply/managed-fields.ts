// metadata.managedFields ↔ the updater's managers, as kube's fieldmanager encodes them: one entry per manager
// identity (manager + operation, + apiVersion for updates, + subresource), FieldsV1 for the set, the time of the
// manager's last change, entries sorted (Apply before Update, then time, manager, apiVersion, subresource). And
// kube's 409 for apply conflicts.
import { StatusError } from '../../api/errors.js';
import { FieldSet } from './field-set.js';
import { pathString } from './path.js';
import type { Conflict, ManagerSet, Managers } from './updater.js';

export type Operation = 'Apply' | 'Update';

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: Operation;
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

export interface ManagerIdentity {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource?: string;
}

/** kube's BuildManagerIdentifier: the entry without fields and time; appliers without apiVersion. */
export function managerIdentifier(id: ManagerIdentity): string {
  const key: Record<string, string> = { manager: id.manager, operation: id.operation };
  if (id.operation === 'Update') key.apiVersion = id.apiVersion;
  if (id.subresource) key.subresource = id.subresource;
  return JSON.stringify(key);
}

function identityOf(identifier: string): ManagerIdentity {
  return JSON.parse(identifier) as ManagerIdentity;
}

export interface DecodedManagedFields {
  managers: Managers;
  /** The last change time of each manager identifier. */
  times: Map<string, string>;
}

/** Reads metadata.managedFields; a malformed list is treated as absent, as kube does (it resets it). */
export function decodeManagedFields(entries: unknown): DecodedManagedFields {
  const managers: Managers = new Map();
  const times = new Map<string, string>();
  if (!Array.isArray(entries)) return { managers, times };
  try {
    for (const e of entries as ManagedFieldsEntry[]) {
      if (!e || typeof e.manager !== 'string' || (e.operation !== 'Apply' && e.operation !== 'Update'))
        throw new Error('bad entry');
      const id = managerIdentifier({
        manager: e.manager,
        operation: e.operation,
        apiVersion: e.apiVersion ?? '',
        ...(e.subresource ? { subresource: e.subresource } : {}),
      });
      const set = FieldSet.fromFieldsV1(e.fieldsV1 ?? {});
      const prev = managers.get(id);
      managers.set(id, {
        set: prev ? prev.set.union(set) : set,
        apiVersion: e.apiVersion ?? '',
        applied: e.operation === 'Apply',
      });
      if (e.time) times.set(id, e.time);
    }
  } catch {
    return { managers: new Map(), times: new Map() };
  }
  return { managers, times };
}

/** Writes the managers back as kube orders them. */
export function encodeManagedFields(managers: Managers, times: Map<string, string>): ManagedFieldsEntry[] {
  const rows = [...managers].map(([identifier, m]: [string, ManagerSet]) => {
    const id = identityOf(identifier);
    const entry: ManagedFieldsEntry = { manager: id.manager, operation: id.operation, apiVersion: m.apiVersion };
    const time = times.get(identifier);
    if (time) entry.time = time;
    entry.fieldsType = 'FieldsV1';
    entry.fieldsV1 = m.set.toFieldsV1();
    if (id.subresource) entry.subresource = id.subresource;
    return entry;
  });
  const seconds = (t?: string) => (t ? Math.floor(Date.parse(t) / 1000) : 0);
  const cmp = (a = '', b = '') => (a < b ? -1 : a > b ? 1 : 0);
  return rows.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource, q.subresource),
  );
}

/** printManager: `"kubectl"`, or `"kube-controller-manager" using apps/v1` for an updater. */
export function printManager(identifier: string): string {
  let id: ManagerIdentity;
  try {
    id = identityOf(identifier);
  } catch {
    return JSON.stringify(identifier);
  }
  return id.operation === 'Update'
    ? `${JSON.stringify(id.manager)} using ${id.apiVersion}`
    : JSON.stringify(id.manager);
}

/** kube's NewConflictError: 409 Conflict, one FieldManagerConflict cause per conflicting field. */
export function applyConflictError(conflicts: Conflict[]): StatusError {
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.manager)}`,
    field: pathString(c.path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0]!.manager)}: ${pathString(conflicts[0]!.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), pathString(c.path)]);
    const lines: string[] = [];
    for (const manager of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${printManager(manager)}:`, ...byManager.get(manager)!.map((p) => `- ${p}`));
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}
