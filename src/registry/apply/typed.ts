// The four walks of structured-merge-diff over a value and its type: the set of fields a value sets, the
// comparison of two values (added / modified / removed fields), the merge of an applied configuration into a live
// object, and the removal of a set of fields. Values are plain JSON; `undefined` means absent.
import { isJsonObject, jsonEqual } from '../json-walk.js';
import { FieldSet } from './field-set.js';
import { elementString, serializeElement, type Path, type PathElement, type Scalar } from './path.js';
import { fieldType, isDeclaredField, resolveType, type ConcreteType, type TypeRef } from './schema.js';

/** A value the engine cannot walk (a list item without its key, duplicate keys in an applied list). */
export class TypedValueError extends Error {
  constructor(path: Path, message: string) {
    super(`${path.map(elementString).join('') || '.'}: ${message}`);
    this.name = 'TypedValueError';
  }
}

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => isJsonObject(v);

/** The element naming one item of a non-atomic list: its key fields (list-map) or its value (set). */
export function listItemElement(
  t: Extract<TypeRef, { kind: 'list' }>,
  item: Json,
  index: number,
  path: Path,
): PathElement {
  if (t.listType === 'set') {
    if (isObject(item) || Array.isArray(item)) throw new TypedValueError(path, 'set items must be scalars');
    return { value: item };
  }
  if (t.listType !== 'map') return { index };
  if (!isObject(item))
    throw new TypedValueError(path, `element ${index}: associative list with keys must contain objects`);
  const key: [string, Scalar][] = [];
  for (const name of [...(t.keys ?? [])].sort()) {
    const v = Object.hasOwn(item, name) ? item[name] : t.keyDefaults?.[name];
    if (v === undefined) {
      throw new TypedValueError(
        path,
        `element ${index}: associative list with keys has an element that omits key field ${JSON.stringify(name)} (and doesn't have default value)`,
      );
    }
    if (isObject(v) || Array.isArray(v))
      throw new TypedValueError(path, `element ${index}: key field ${JSON.stringify(name)} must be a scalar`);
    key.push([name, v as Scalar]);
  }
  return { key };
}

/** The fields a value sets (SMD ToFieldSet): leaves, map entries that are not declared fields, list items. */
export function toFieldSet(v: Json, t: TypeRef): FieldSet {
  const set = new FieldSet();
  walkToSet(v, t, [], set);
  return set;
}

function walkToSet(v: Json, t: TypeRef, path: Path, set: FieldSet): void {
  const r = resolveType(t, v);
  if (r.kind === 'scalar' || (r.kind !== 'list' && r.kind !== 'map')) {
    set.insert(path);
    return;
  }
  if (r.kind === 'list') {
    if (r.listType === 'atomic' || !Array.isArray(v)) {
      set.insert(path);
      return;
    }
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    const elements = v.map((item, i) => listItemElement(r, item, i, path));
    for (const pe of elements) {
      const k = serializeElement(pe);
      if (seen.has(k) && !duplicates.has(k)) {
        duplicates.add(k);
        set.insert([...path, pe]);
      }
      seen.add(k);
    }
    v.forEach((item, i) => {
      const pe = elements[i]!;
      if (duplicates.has(serializeElement(pe))) return;
      const child = [...path, pe];
      walkToSet(item, r.elementType, child, set);
      set.insert(child);
    });
    return;
  }
  if (r.atomic || !isObject(v)) {
    set.insert(path);
    return;
  }
  for (const [k, child] of Object.entries(v)) {
    const childPath = [...path, { field: k }];
    walkToSet(child, fieldType(r, k), childPath, set);
    if (child === null || (isObject(child) && Object.keys(child).length === 0) || !isDeclaredField(r, k))
      set.insert(childPath);
  }
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** SMD Compare: the fields added, modified and removed going from lhs to rhs. */
export function compare(lhs: Json, rhs: Json, t: TypeRef): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(lhs, rhs, t, [], c);
  return c;
}

function isLeaf(r: ConcreteType, v: Json): boolean {
  if (r.kind === 'scalar') return true;
  if (r.kind === 'list') return r.listType === 'atomic' || !Array.isArray(v);
  return !!r.atomic || !isObject(v);
}

function walkCompare(l: Json, r: Json, t: TypeRef, path: Path, c: Comparison): void {
  const lt = resolveType(t, l ?? r);
  const rt = resolveType(t, r ?? l);
  // Different shapes on each side (a scalar became a map): the field as a whole changed.
  if (lt.kind !== rt.kind || isLeaf(lt, l ?? r) || isLeaf(rt, r ?? l)) {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
    else if (!jsonEqual(l, r)) c.modified.insert(path);
    return;
  }
  if (rt.kind === 'list') {
    const index = (list: Json) => {
      const byKey = new Map<string, { pe: PathElement; items: Json[] }>();
      (Array.isArray(list) ? list : []).forEach((item, i) => {
        const pe = listItemElement(rt, item, i, path);
        const k = serializeElement(pe);
        const hit = byKey.get(k);
        if (hit) hit.items.push(item);
        else byKey.set(k, { pe, items: [item] });
      });
      return byKey;
    };
    const left = index(l);
    const right = index(r);
    for (const k of new Set([...left.keys(), ...right.keys()])) {
      const li = left.get(k)?.items ?? [];
      const ri = right.get(k)?.items ?? [];
      const pe = (left.get(k) ?? right.get(k))!.pe;
      if (li.length <= 1 && ri.length <= 1) walkCompare(li[0], ri[0], rt.elementType, [...path, pe], c);
      else if (!jsonEqual(li, ri)) c.modified.insert([...path, pe]);
    }
  } else if (rt.kind === 'map') {
    const lo = isObject(l) ? l : {};
    const ro = isObject(r) ? r : {};
    for (const k of new Set([...Object.keys(lo), ...Object.keys(ro)])) {
      const lv = Object.hasOwn(lo, k) ? lo[k] : undefined;
      const rv = Object.hasOwn(ro, k) ? ro[k] : undefined;
      walkCompare(lv, rv, fieldType(rt, k), [...path, { field: k }], c);
    }
  }
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
}

/** SMD Merge: the applied configuration (rhs) merged into the live object (lhs); rhs wins at every leaf. */
export function merge(lhs: Json, rhs: Json, t: TypeRef, path: Path = []): Json {
  if (rhs === undefined) return lhs;
  if (lhs === undefined) return rhs;
  const lt = resolveType(t, lhs);
  const rt = resolveType(t, rhs);
  if (lt.kind !== rt.kind || isLeaf(lt, lhs) || isLeaf(rt, rhs)) return rhs;
  if (rt.kind === 'map') {
    const out: JsonObject = {};
    const lo = lhs as JsonObject;
    const ro = rhs as JsonObject;
    for (const k of Object.keys(lo))
      out[k] = Object.hasOwn(ro, k) ? merge(lo[k], ro[k], fieldType(rt, k), [...path, { field: k }]) : lo[k];
    for (const k of Object.keys(ro)) if (!Object.hasOwn(lo, k)) out[k] = ro[k];
    return out;
  }
  if (rt.kind === 'list') return mergeList(lhs as Json[], rhs as Json[], rt, path);
  return rhs;
}

/**
 * An associative list's merge, in SMD's order: live items keep their places, applied items that are new go
 * where the applied list puts them relative to the items both share.
 */
function mergeList(lhs: Json[], rhs: Json[], t: Extract<TypeRef, { kind: 'list' }>, path: Path): Json[] {
  const rhsPEs = rhs.map((item, i) => listItemElement(t, item, i, path));
  const lhsPEs = lhs.map((item, i) => listItemElement(t, item, i, path));
  const observedRHS = new Map<string, Json>();
  rhsPEs.forEach((pe, i) => {
    const k = serializeElement(pe);
    if (observedRHS.has(k)) throw new TypedValueError(path, `duplicate entries for key ${elementString(pe)}`);
    observedRHS.set(k, rhs[i]);
  });
  const observedLHS = new Map<string, Json>();
  lhsPEs.forEach((pe, i) => {
    const k = serializeElement(pe);
    // A key live holds twice merges as nothing (SMD keeps a nil value for it).
    observedLHS.set(k, observedLHS.has(k) ? undefined : lhs[i]);
  });
  const lk = lhsPEs.map(serializeElement);
  const rk = rhsPEs.map(serializeElement);
  const sharedOrder = rk.filter((k) => observedLHS.has(k));
  let nextShared = sharedOrder.shift();
  const mergedRHS = new Set<string>();
  const out: Json[] = [];
  const push = (k: string, pe: PathElement, l: Json, r: Json) => {
    const v = merge(l, r, t.elementType, [...path, pe]);
    if (v !== undefined) out.push(v);
  };
  for (let li = 0, ri = 0; li < lk.length || ri < rk.length; ) {
    if (li < lk.length && ri < rk.length) {
      if (lk[li] === rk[ri]) {
        mergedRHS.add(lk[li]!);
        push(lk[li]!, lhsPEs[li]!, observedLHS.get(lk[li]!), observedRHS.get(rk[ri]!));
        li++;
        ri++;
        nextShared = sharedOrder.shift();
        continue;
      }
      if (observedRHS.has(lk[li]!) && nextShared !== undefined && nextShared !== lk[li]) {
        li++;
        continue;
      }
    }
    if (li < lk.length) {
      if (!observedRHS.has(lk[li]!)) {
        push(lk[li]!, lhsPEs[li]!, lhs[li], undefined);
        li++;
        continue;
      } else if (mergedRHS.has(lk[li]!)) li++;
    }
    if (ri < rk.length) {
      const k = rk[ri]!;
      mergedRHS.add(k);
      push(k, rhsPEs[ri]!, observedLHS.get(k), observedRHS.get(k));
      ri++;
      if (nextShared !== undefined && nextShared === k) nextShared = sharedOrder.shift();
    }
  }
  return out;
}

/** SMD RemoveItems: the value without the fields in `set` (a member goes whole; a parent is walked into). */
export function removeItems(v: Json, set: FieldSet, t: TypeRef, path: Path = []): Json {
  const r = resolveType(t, v);
  if (r.kind === 'list') {
    if (r.listType === 'atomic' || !Array.isArray(v) || v.length === 0) return v;
    const out: Json[] = [];
    v.forEach((item, i) => {
      const pe = listItemElement(r, item, i, path);
      if (set.has([pe])) return;
      const below = set.withPrefix(pe);
      out.push(below.empty() ? item : removeItems(item, below, r.elementType, [...path, pe]));
    });
    return out.length > 0 ? out : undefined;
  }
  if (r.kind !== 'map' || r.atomic || !isObject(v) || Object.keys(v).length === 0) return v;
  const out: JsonObject = {};
  for (const [k, child] of Object.entries(v)) {
    const pe = { field: k };
    if (set.has([pe])) continue;
    const below = set.withPrefix(pe);
    const kept = below.empty() ? child : removeItems(child, below, fieldType(r, k), [...path, pe]);
    if (kept !== undefined) out[k] = kept;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** SMD EnsureNamedFieldsAreMembers: a set that also owns the declared fields its members sit under. */
export function ensureNamedFieldsAreMembers(set: FieldSet, t: TypeRef): FieldSet {
  const out = new FieldSet();
  for (const [k, pe] of set.members) out.members.set(k, pe);
  for (const [k, c] of set.children) {
    if ('field' in c.pe && isDeclaredField(t, c.pe.field)) out.members.set(k, c.pe);
    const childType = 'field' in c.pe ? fieldType(t, c.pe.field) : t.kind === 'list' ? t.elementType : t;
    out.children.set(k, { pe: c.pe, set: ensureNamedFieldsAreMembers(c.set, childType) });
  }
  return out;
}
