// kube's FieldManager around the updater, for one write: which managedFields to start from (the request's, else the
// live object's; `[{}]` resets them), the current operation merged into its manager's entry and timestamped only
// when it changed something, server-owned metadata never owned by anyone (StripMetaManager), at most ten update
// entries (the oldest folded into "ancient-changes", capManagers), and the result encoded back into
// metadata.managedFields.
import { badRequest } from '../../api/errors.js';
import { kubeTime } from '../../api/time.js';
import type { KubeObject } from '../../api/types.js';
import { nestingDepth } from '../json-walk.js';
import { FieldSet } from './field-set.js';
import {
  applyConflictError,
  decodeManagedFields,
  encodeManagedFields,
  managerIdentifier,
  type Operation,
} from './managed-fields.js';
import type { TypeRef } from './schema.js';
import { TypedValueError } from './typed.js';
import { apply, ConflictError, update, type Managers } from './updater.js';

export interface ManagedWrite {
  type: TypeRef;
  /** The group/version the request used (`v1`, `apps/v1`): the entries' apiVersion. */
  apiVersion: string;
  /** `status` and other subresources get their own entries. */
  subresource?: string;
  /** Fields the write cannot own (kube's reset fields). */
  resetFields?: FieldSet;
  /** RFC 3339 seconds. */
  now?: () => string;
}

/** StripMetaManager: exact paths nobody owns (their children, such as metadata.labels, stay ownable). */
const STRIPPED = FieldSet.of(
  [{ field: 'apiVersion' }],
  [{ field: 'kind' }],
  [{ field: 'metadata' }],
  ...[
    'name',
    'namespace',
    'creationTimestamp',
    'selfLink',
    'uid',
    'clusterName',
    'generation',
    'managedFields',
    'resourceVersion',
  ].map((f) => [{ field: 'metadata' }, { field: f }]),
);
const MAX_UPDATE_MANAGERS = 10;
const ANCIENT_CHANGES = 'ancient-changes';
const CURRENT_OPERATION = JSON.stringify({ manager: 'current-operation', operation: 'Update' });

/**
 * The walks recurse once per level and copy the path at each, so their cost grows with depth squared: objects
 * nested deeper than this are beyond field tracking (no real manifest comes close; kube's built-in kinds stay under
 * 30 levels). An apply that deep is refused; an update that deep keeps the live managedFields.
 */
export const MAX_TRACKED_DEPTH = 256;

/** Deeper than the tracked depth (counting stops there, so a 10,000-level body costs no more than 256 levels). */
const tooDeep = (v: unknown): boolean => nestingDepth(v, MAX_TRACKED_DEPTH) > MAX_TRACKED_DEPTH;

/** managerOrUserAgent: the fieldManager parameter, else the user agent up to its first '/'. */
export function managerOrUserAgent(fieldManager: string | null | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  return (userAgent ?? '').split('/')[0] ?? '';
}

function stripMeta(managers: Managers): void {
  for (const [id, m] of managers) {
    m.set = m.set.difference(STRIPPED);
    if (m.set.empty()) managers.delete(id);
  }
}

/** capManagers: keeps the newest update entries, folding the rest into one "ancient-changes" entry. */
function capManagers(managers: Managers, times: Map<string, string>, apiVersion: string): void {
  const updates = [...managers.keys()].filter(
    (id) => (JSON.parse(id) as { operation: Operation }).operation === 'Update',
  );
  if (updates.length <= MAX_UPDATE_MANAGERS) return;
  updates.sort((a, b) => (times.get(a) ?? '').localeCompare(times.get(b) ?? ''));
  const ancient = managerIdentifier({ manager: ANCIENT_CHANGES, operation: 'Update', apiVersion });
  for (const id of updates.slice(0, updates.length - MAX_UPDATE_MANAGERS + 1)) {
    if (id === ancient) continue;
    const prev = managers.get(ancient);
    const m = managers.get(id)!;
    managers.set(ancient, { set: prev ? prev.set.union(m.set) : m.set, apiVersion: m.apiVersion, applied: false });
    managers.delete(id);
    times.delete(id);
  }
}

/** The managers a write starts from: the request's entries when it sent any (a subresource never does), else live's. */
function startingManagers(live: KubeObject | undefined, next: KubeObject, w: ManagedWrite) {
  const sent = next.metadata.managedFields as unknown;
  if (
    Array.isArray(sent) &&
    sent.length === 1 &&
    sent[0] !== null &&
    typeof sent[0] === 'object' &&
    Object.keys(sent[0]).length === 0
  ) {
    return { managers: new Map(), times: new Map<string, string>() } as ReturnType<typeof decodeManagedFields>;
  }
  const fromRequest = !w.subresource && Array.isArray(sent) && sent.length > 0 ? decodeManagedFields(sent) : undefined;
  return fromRequest && fromRequest.managers.size > 0 ? fromRequest : decodeManagedFields(live?.metadata.managedFields);
}

function withoutManagedFields(o: KubeObject | undefined): KubeObject | undefined {
  if (!o) return undefined;
  const { managedFields: _drop, ...metadata } = o.metadata as KubeObject['metadata'] & { managedFields?: unknown };
  return { ...o, metadata } as KubeObject;
}

function typedError(e: unknown): never {
  if (e instanceof TypedValueError) throw badRequest(`failed to create typed object: ${e.message}`);
  throw e;
}

/** A create, update or non-apply patch by `manager`: sets next.metadata.managedFields. */
export function recordUpdate(live: KubeObject | undefined, next: KubeObject, manager: string, w: ManagedWrite): void {
  if (tooDeep(next) || (live && tooDeep(live))) {
    next.metadata.managedFields = live?.metadata.managedFields;
    return;
  }
  const { managers, times } = startingManagers(live, next, w);
  const id = managerIdentifier({
    manager,
    operation: 'Update',
    apiVersion: w.apiVersion,
    ...(w.subresource ? { subresource: w.subresource } : {}),
  });
  let after: Managers;
  try {
    after = update(
      withoutManagedFields(live) ?? {},
      withoutManagedFields(next),
      w.type,
      w.apiVersion,
      managers,
      CURRENT_OPERATION,
      w.resetFields ? { ignored: w.resetFields } : {},
    );
  } catch (e) {
    typedError(e);
  }
  const current = after.get(CURRENT_OPERATION);
  after.delete(CURRENT_OPERATION);
  if (current) {
    const previous = after.get(id);
    after.set(id, {
      set: previous ? current.set.union(previous.set) : current.set,
      apiVersion: w.apiVersion,
      applied: false,
    });
    times.set(id, (w.now ?? kubeTime)());
  }
  stripMeta(after);
  capManagers(after, times, w.apiVersion);
  next.metadata.managedFields = encodeManagedFields(after, times) as KubeObject['metadata']['managedFields'];
}

/**
 * An apply by `manager`: the live object (undefined: create-on-apply) with the configuration merged in and
 * managedFields updated. Conflicts are kube's 409 unless `force`.
 */
export function applyConfiguration(
  live: KubeObject | undefined,
  config: KubeObject,
  manager: string,
  force: boolean,
  w: ManagedWrite,
): KubeObject {
  if (Array.isArray(config.metadata?.managedFields) && config.metadata.managedFields.length > 0)
    throw badRequest('metadata.managedFields must be nil');
  if (tooDeep(config) || (live && tooDeep(live))) {
    throw badRequest(`an apply configuration may nest at most ${MAX_TRACKED_DEPTH} levels deep`);
  }
  const { managers, times } = decodeManagedFields(live?.metadata.managedFields);
  const id = managerIdentifier({
    manager,
    operation: 'Apply',
    apiVersion: w.apiVersion,
    ...(w.subresource ? { subresource: w.subresource } : {}),
  });
  const base = withoutManagedFields(live);
  let result: { object: unknown; managers: Managers };
  try {
    result = apply(
      base,
      withoutManagedFields(config),
      w.type,
      w.apiVersion,
      managers,
      id,
      force,
      w.resetFields ? { ignored: w.resetFields } : {},
    );
  } catch (e) {
    if (e instanceof ConflictError) throw applyConflictError(e.conflicts);
    typedError(e);
  }
  const object = structuredClone(result.object) as KubeObject;
  if (result.object !== base) times.set(id, (w.now ?? kubeTime)());
  stripMeta(result.managers);
  capManagers(result.managers, times, w.apiVersion);
  object.metadata.managedFields = encodeManagedFields(
    result.managers,
    times,
  ) as KubeObject['metadata']['managedFields'];
  return object;
}
