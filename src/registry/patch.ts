// The three PATCH flavours kube-apiserver accepts: JSON patch (RFC 6902, json-patch.ts), JSON merge patch
// (RFC 7386) and strategic merge patch (the one `kubectl apply` and `kubectl label` send), with the error
// answers of endpoints/handlers/patch.go. Nothing here recurses into the patch (it may nest 10,000 levels),
// and list merges use maps, so a patch's cost grows with its size, not with its size squared.
import {
  badRequest,
  requestEntityTooLargeError,
  StatusError,
  UnknownStatusError,
  unsupportedMediaType,
  unsupportedMediaTypeError,
} from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { applyJsonPatch, JsonPatchApplyError, JsonPatchDecodeError, patchOperations } from './json-patch.js';
import { jsonDepthError } from './json-types.js';
import { cloneJson, hasOwn, isJsonObject, setOwn, type Json, type JsonObject } from './json-walk.js';
import { MAX_JSON_PATCH_OPERATIONS } from './limits.js';
import { listPatchMeta } from './patch-meta.js';
import { goValue } from './go-value.js';

export { MAX_JSON_PATCH_OPERATIONS, UnknownStatusError };

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** The patch type named by a Content-Type header, or a 415 for the ones kauth does not apply. */
export type PatchType = keyof typeof PATCH_TYPES;

/** The patch type named by a Content-Type header (server-side apply included), or kube's 415. */
export function patchType(contentType: string): PatchType {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === PATCH_TYPES.json) return 'json';
  if (type === PATCH_TYPES.merge) return 'merge';
  if (type === PATCH_TYPES.strategic) return 'strategic';
  if (type === PATCH_TYPES.apply) return 'apply';
  throw unsupportedMediaType([PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.strategic, PATCH_TYPES.apply]);
}

/**
 * Decodes the patch (refusing nesting past Go's 10,000 levels, as kube's decoders do) and applies it to a
 * copy of current.
 */
export function applyPatch(contentType: string, current: KubeObject, patchText: string): KubeObject {
  const type = patchType(contentType);
  const tooDeep = jsonDepthError(patchText);
  // kjson.UnmarshalStrict's error: JSON and merge patches wrap it, strategic merge patches do not.
  if (tooDeep) throw badRequest(type === 'strategic' ? tooDeep : `error decoding patch: ${tooDeep}`);
  let patch: unknown;
  try {
    patch = JSON.parse(patchText);
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  const original = cloneJson(current) as unknown as JsonObject;
  switch (type) {
    case 'apply':
      // Server-side apply goes through the field manager (rest.ts serverSideApply), not a patch function.
      throw unsupportedMediaTypeError('server-side apply is not supported on this subresource');
    case 'json': {
      let ops: JsonObject[];
      try {
        ops = patchOperations(patch);
      } catch (e) {
        if (e instanceof JsonPatchDecodeError) throw badRequest(e.message);
        throw e;
      }
      if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
        throw requestEntityTooLargeError(
          `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`,
        );
      }
      try {
        return applyJsonPatch(original, ops) as unknown as KubeObject;
      } catch (e) {
        // NewGenericServerResponse(422, …) keeps only its generic text; the library's reason is dropped.
        if (e instanceof JsonPatchApplyError)
          throw new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
        throw e;
      }
    }
    case 'merge':
      if (!isObject(patch)) throw badRequest('patch must be a JSON object');
      return mergePatch(original, patch) as unknown as KubeObject;
    case 'strategic':
      if (!isObject(patch)) throw badRequest('patch must be a JSON object');
      return strategicMerge(current.kind, [], original, patch) as unknown as KubeObject;
  }
}

const isObject = isJsonObject;

/** Own-property assignment: a `__proto__` key in a patch is data, never the object's prototype. */
const put: (target: JsonObject, key: string, value: Json) => void = setOwn;

function own(target: JsonObject, key: string): Json | undefined {
  return hasOwn(target, key) ? target[key] : undefined;
}

function copyObject(o: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o)) put(out, k, v);
  return out;
}

/**
 * RFC 7386, level by level with a stack of its own. Values are taken from the patch as they are (it is
 * decoded afresh for every attempt); objects on the target's side are copied where the patch goes into them.
 */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const root: JsonObject = isObject(target) ? copyObject(target) : {};
  const stack: [JsonObject, JsonObject][] = [[root, patch]];
  while (stack.length) {
    const [out, p] = stack.pop()!;
    for (const [k, v] of Object.entries(p)) {
      if (v === null) {
        delete out[k];
      } else if (!isObject(v)) {
        put(out, k, v);
      } else {
        const cur = own(out, k);
        const child = isObject(cur) ? copyObject(cur) : {};
        put(out, k, child);
        stack.push([child, v]);
      }
    }
  }
  return root;
}

const DIRECTIVE = '$patch';
const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';
const RETAIN_KEYS = '$retainKeys';

/** apimachinery's mergepatch errors: the first four are 400, the rest reach the client as 500 (patch.go). */
function smpBadRequest(message: string): StatusError {
  return badRequest(message);
}

function noMergeKey(item: JsonObject, key: string): StatusError {
  return new UnknownStatusError(`map: ${goValue(item)} does not contain declared merge key: ${key}`);
}

function badPatchType(directive: Json, item: JsonObject): StatusError {
  return new UnknownStatusError(`unknown patch type: ${goValue(directive)} in map: ${goValue(item)}`);
}

/** Strategic merge patch (apimachinery/pkg/util/strategicpatch mergeMap), for the list semantics in patch-meta.ts. */
export function strategicMerge(kind: string, path: string[], original: JsonObject, patch: JsonObject): JsonObject {
  const directive = own(patch, DIRECTIVE);
  if (directive !== undefined) {
    if (directive === 'replace') {
      const { [DIRECTIVE]: _d, ...rest } = patch;
      return stripDirectives(rest) as JsonObject;
    }
    if (directive === 'delete') return {};
    throw badPatchType(directive, patch);
  }
  const out: JsonObject = copyObject(original);
  const work: JsonObject = copyObject(patch);
  applyRetainKeys(out, work);
  applySetElementOrder(kind, path, out, work);
  for (const [k, v] of Object.entries(work)) {
    if (k.startsWith(DELETE_PRIMITIVE)) {
      const field = k.slice(DELETE_PRIMITIVE.length);
      const cur = own(out, field);
      if (!Array.isArray(v)) throw smpBadRequest('invalid patch format of primitive list');
      const deleted = new Set<Json>(v);
      if (Array.isArray(cur))
        put(
          out,
          field,
          cur.filter((x) => !deleted.has(x)),
        );
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = own(out, k);
    if (cur === undefined || cur === null) {
      put(out, k, stripDirectives(v));
    } else if (isObject(v) && isObject(cur)) {
      put(out, k, strategicMerge(kind, [...path, k], cur, v));
    } else if (Array.isArray(v) && Array.isArray(cur)) {
      put(out, k, mergeList(kind, [...path, k], cur, v));
    } else {
      // Different JSON types: the patch value replaces the original (mergeMap's type check).
      put(out, k, stripDirectives(v));
    }
  }
  return out;
}

/** `$retainKeys`: keys of the original not listed are cleared; a patch key outside the list is an error. */
function applyRetainKeys(out: JsonObject, work: JsonObject): void {
  const retain = own(work, RETAIN_KEYS);
  if (retain === undefined) return;
  delete work[RETAIN_KEYS];
  if (!Array.isArray(retain)) throw smpBadRequest('invalid patch format of retainKeys');
  const kept = new Set<Json>(retain);
  for (const [k, v] of Object.entries(work)) {
    if (v === null || k.startsWith(DELETE_PRIMITIVE) || k.startsWith(SET_ORDER)) continue;
    if (!kept.has(k)) throw smpBadRequest('invalid patch format of retainKeys');
  }
  for (const k of Object.keys(out)) if (!kept.has(k)) delete out[k];
}

/**
 * `$setElementOrder/<list>`: the list is merged, then ordered by the directive (mergePatchIntoOriginal):
 * listed items in the directive's order, items only on the server kept where they were relative to them.
 */
function applySetElementOrder(kind: string, path: string[], out: JsonObject, work: JsonObject): void {
  for (const [k, order] of Object.entries(work)) {
    if (!k.startsWith(SET_ORDER)) continue;
    delete work[k];
    if (!Array.isArray(order)) throw smpBadRequest('invalid patch format of setElementOrder list');
    const field = k.slice(SET_ORDER.length);
    const fieldPath = [...path, field];
    const meta = listPatchMeta(kind, fieldPath);
    const original = own(out, field);
    const patchList = own(work, field);
    if (original !== undefined && !Array.isArray(original)) continue;
    if (patchList !== undefined && patchList !== null && !Array.isArray(patchList))
      throw smpBadRequest('invalid patch format of setElementOrder list');
    if (Array.isArray(patchList)) checkOrderMatches(patchList, order, meta?.mergeKey);
    let merged: Json[];
    if (Array.isArray(original) && Array.isArray(patchList)) merged = mergeList(kind, fieldPath, original, patchList);
    else if (Array.isArray(patchList)) merged = patchList.map(stripDirectives);
    else if (Array.isArray(original)) merged = original;
    else continue;
    delete work[field];
    const key = meta?.mergeKey;
    if (key)
      for (const item of [...merged, ...order])
        if (!isObject(item) || own(item, key) === undefined) throw noMergeKey(isObject(item) ? item : {}, key);
    const ordered = keySet(order, key);
    const inOrder = (x: Json): boolean => inKeySet(ordered, x, key);
    put(
      out,
      field,
      normalizeElementOrder(
        merged.filter(inOrder),
        merged.filter((x) => !inOrder(x)),
        order,
        Array.isArray(original) ? original : [],
        key,
      ),
    );
  }
}

/**
 * validatePatchWithSetOrderList: the patch list's items (deletions aside) must appear in the directive,
 * in the same relative order.
 */
function checkOrderMatches(patchList: Json[], order: Json[], key: string | undefined): void {
  const items = key ? patchList.filter((x) => !(isObject(x) && own(x, DIRECTIVE) !== undefined)) : patchList;
  let i = 0;
  for (let j = 0; i < items.length && j < order.length; j++) if (sameItem(items[i]!, order[j]!, key)) i++;
  if (i < items.length) {
    throw new UnknownStatusError(
      `The order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ORDER} list:\n${goValue(order)}\n`,
    );
  }
}

function mergeKeyOf(x: Json, key: string | undefined): Json | undefined {
  return key ? (isObject(x) ? own(x, key) : undefined) : x;
}

function sameItem(a: Json, b: Json, key: string | undefined): boolean {
  const ka = mergeKeyOf(a, key);
  return ka !== undefined && ka === mergeKeyOf(b, key);
}

/** Merge key values (the items themselves for a set of primitives) of a list, for O(1) membership tests. */
function keySet(list: Json[], key: string | undefined): Set<Json> {
  const out = new Set<Json>();
  for (const x of list) {
    const k = mergeKeyOf(x, key);
    if (k !== undefined) out.add(k);
  }
  return out;
}

/** Whether some item of the list keySet was built from is sameItem as x. */
function inKeySet(set: Set<Json>, x: Json, key: string | undefined): boolean {
  const k = mergeKeyOf(x, key);
  return k !== undefined && set.has(k);
}

/** Each merge key value's first position in list: indexIn(list, item) is then a lookup. */
function firstIndexes(list: Json[], key: string | undefined): Map<Json, number> {
  const out = new Map<Json, number>();
  list.forEach((x, i) => {
    const k = mergeKeyOf(x, key);
    if (k !== undefined && !out.has(k)) out.set(k, i);
  });
  return out;
}

function indexIn(positions: Map<Json, number>, item: Json, key: string | undefined): number {
  const k = mergeKeyOf(item, key);
  return k === undefined ? -1 : (positions.get(k) ?? -1);
}

/**
 * normalizeElementOrder: patch items sorted by the patch's order, server-only items by the live order,
 * then interleaved by their live positions; where that cannot decide, the patch item comes first.
 */
function normalizeElementOrder(
  patchItems: Json[],
  serverOnly: Json[],
  patchOrder: Json[],
  serverOrder: Json[],
  key: string | undefined,
): Json[] {
  const patchPositions = firstIndexes(patchOrder, key);
  const serverPositions = firstIndexes(serverOrder, key);
  const byOrder =
    (positions: Map<Json, number>) =>
    (a: Json, b: Json): number => {
      const ia = indexIn(positions, a, key);
      const ib = indexIn(positions, b, key);
      return ia >= 0 && ib >= 0 ? ia - ib : 0;
    };
  const right = [...patchItems].sort(byOrder(patchPositions));
  const left = [...serverOnly].sort(byOrder(serverPositions));
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = indexIn(serverPositions, left[i]!, key);
      const ri = indexIn(serverPositions, right[j]!, key);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}

/** mergeSlice: lists with a patch strategy merge (by key, or as a set of primitives); others are replaced. */
function mergeList(kind: string, path: string[], original: Json[], patch: Json[]): Json[] {
  const meta = listPatchMeta(kind, path);
  if (!meta) return patch.map(stripDirectives);
  if (original.length === 0 && patch.length === 0) return original;
  const key = meta.mergeKey;
  let merged: Json[];
  let items: Json[] = patch;
  if (!key) {
    // A set of primitives: union without duplicates.
    merged = dedupe([...original, ...patch]);
  } else {
    let base = original.slice();
    const plain: JsonObject[] = [];
    const deleted = new Set<Json>();
    let replace = false;
    for (const item of patch) {
      if (!isObject(item))
        throw new UnknownStatusError(`expected a map[string]interface {}, but received a ${goTypeName(item)}`);
      const directive = own(item, DIRECTIVE);
      if (directive === undefined) {
        plain.push(item);
        continue;
      }
      if (directive === 'delete') {
        const value = own(item, key);
        if (value === undefined) throw noMergeKey(item, key);
        deleted.add(value);
      } else if (directive === 'replace') {
        replace = true;
      } else if (directive === 'merge') {
        throw new UnknownStatusError('merging lists cannot yet be specified in the patch');
      } else {
        throw badPatchType(directive, item);
      }
    }
    if (deleted.size) base = base.filter((x) => !(isObject(x) && deleted.has(own(x, key) as Json)));
    if (replace) return plain.map(stripDirectives);
    items = plain;
    // Where each merge key value first appears in base (mergeSlice's findMapInSliceBasedOnKeyValue).
    let positions = firstIndexes(base, key);
    for (const item of plain) {
      const value = own(item, key);
      if (value === undefined) throw noMergeKey(item, key);
      const idx = positions.get(value);
      if (idx !== undefined) {
        const merged = strategicMerge(kind, path, base[idx] as JsonObject, item);
        base[idx] = merged;
        // A patch that nulls the key itself leaves an item the key no longer finds.
        if (own(merged, key) !== value) positions = firstIndexes(base, key);
      } else {
        const added = stripDirectives(item);
        base.push(added);
        const k = isObject(added) ? own(added, key) : undefined;
        if (k !== undefined && !positions.has(k)) positions.set(k, base.length - 1);
      }
    }
    merged = base;
  }
  const inPatch = keySet(items, key);
  const isInPatch = (x: Json): boolean => inKeySet(inPatch, x, key);
  return normalizeElementOrder(
    merged.filter(isInPatch),
    merged.filter((x) => !isInPatch(x)),
    items,
    original,
    key,
  );
}

function dedupe(list: Json[]): Json[] {
  return [...new Set(list)];
}

function goTypeName(v: Json): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return '<nil>';
}

/**
 * A patch value taken as is: directives and nulls mean nothing where there is nothing to merge into.
 * Copied level by level with a stack of its own: the value may be nested as deep as the patch is.
 */
function stripDirectives(v: Json): Json {
  if (typeof v !== 'object' || v === null) return v;
  const root: Json[] | JsonObject = Array.isArray(v) ? [] : {};
  const stack: [Json[] | JsonObject, Json[] | JsonObject][] = [[v, root]];
  const copy = (x: Json): Json => {
    if (typeof x !== 'object' || x === null) return x;
    const c: Json[] | JsonObject = Array.isArray(x) ? [] : {};
    stack.push([x, c]);
    return c;
  };
  while (stack.length) {
    const [src, dst] = stack.pop()!;
    if (Array.isArray(src)) {
      for (const x of src) (dst as Json[]).push(copy(x));
      continue;
    }
    for (const [k, x] of Object.entries(src)) {
      if (k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(SET_ORDER) || k.startsWith(DELETE_PRIMITIVE)) continue;
      if (x === null) continue;
      put(dst as JsonObject, k, copy(x));
    }
  }
  return root;
}
