// The three PATCH flavours kube-apiserver accepts: JSON patch (RFC 6902, via fast-json-patch),
// JSON merge patch (RFC 7386) and strategic merge patch (the one `kubectl apply` and `kubectl label` send),
// with the error answers of endpoints/handlers/patch.go.
import jsonpatch from 'fast-json-patch';
import { badRequest, StatusError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { listPatchMeta } from './patch-meta.js';
import { goValue } from './go-value.js';

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** patch.go's maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

/** The patch type named by a Content-Type header, or a 415 for the ones kauth does not apply. */
export function patchType(contentType: string): 'json' | 'merge' | 'strategic' {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === PATCH_TYPES.json) return 'json';
  if (type === PATCH_TYPES.merge) return 'merge';
  if (type === PATCH_TYPES.strategic) return 'strategic';
  if (type === PATCH_TYPES.apply) {
    throw new StatusError(415, 'UnsupportedMediaType', `the server does not support patch type "${type}"; server-side apply is not supported by kauth (use client-side kubectl apply)`);
  }
  throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.json}, ${PATCH_TYPES.merge}, ${PATCH_TYPES.strategic}`);
}

export function applyPatch(contentType: string, current: KubeObject, patchText: string): KubeObject {
  const type = patchType(contentType);
  let patch: unknown;
  try {
    patch = JSON.parse(patchText);
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  switch (type) {
    case 'json': {
      if (!Array.isArray(patch)) throw badRequest(`json: cannot unmarshal ${isObject(patch) ? 'object' : typeof patch} into Go value of type jsonpatch.Patch`);
      if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
        throw new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`);
      }
      try {
        const res = jsonpatch.applyPatch(structuredClone(current), patch as jsonpatch.Operation[], true, false);
        return res.newDocument as KubeObject;
      } catch {
        // NewGenericServerResponse(422, …) keeps only its generic text; the library's reason is dropped.
        throw new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
      }
    }
    case 'merge':
      if (!isObject(patch)) throw badRequest('patch must be a JSON object');
      return mergePatch(current as unknown as Json, patch) as unknown as KubeObject;
    case 'strategic':
      if (!isObject(patch)) throw badRequest('patch must be a JSON object');
      return strategicMerge(current.kind, [], structuredClone(current) as unknown as JsonObject, patch) as unknown as KubeObject;
  }
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own-property assignment: a `__proto__` key in a patch is data, never the object's prototype. */
function put(target: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function own(target: JsonObject, key: string): Json | undefined {
  return Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
}

function copyObject(o: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o)) put(out, k, v);
  return out;
}

/** RFC 7386. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? copyObject(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else put(out, k, mergePatch(own(out, k) ?? null, v));
  }
  return out;
}

const DIRECTIVE = '$patch';
const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';
const RETAIN_KEYS = '$retainKeys';

/** apimachinery's mergepatch errors: the first four are 400, the rest reach the client as 500 (patch.go). */
function smpBadRequest(message: string): StatusError {
  return badRequest(message);
}

/** A plain Go error surfacing from the apiserver: 500, no reason, no details (ErrorToAPIStatus). */
export class UnknownStatusError extends StatusError {
  constructor(message: string) {
    super(500, '', message);
  }

  override toStatus(): ReturnType<StatusError['toStatus']> {
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, code: 500 };
  }
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
      if (Array.isArray(cur)) put(out, field, cur.filter((x) => !v.some((d) => d === x)));
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
  for (const [k, v] of Object.entries(work)) {
    if (v === null || k.startsWith(DELETE_PRIMITIVE) || k.startsWith(SET_ORDER)) continue;
    if (!retain.includes(k)) throw smpBadRequest('invalid patch format of retainKeys');
  }
  for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
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
    if (patchList !== undefined && patchList !== null && !Array.isArray(patchList)) throw smpBadRequest('invalid patch format of setElementOrder list');
    if (Array.isArray(patchList)) checkOrderMatches(patchList, order, meta?.mergeKey);
    let merged: Json[];
    if (Array.isArray(original) && Array.isArray(patchList)) merged = mergeList(kind, fieldPath, original, patchList);
    else if (Array.isArray(patchList)) merged = patchList.map(stripDirectives);
    else if (Array.isArray(original)) merged = original;
    else continue;
    delete work[field];
    const key = meta?.mergeKey;
    if (key) for (const item of [...merged, ...order]) if (!isObject(item) || own(item, key) === undefined) throw noMergeKey(isObject(item) ? item : {}, key);
    const inOrder = (x: Json): boolean => order.some((o) => sameItem(o, x, key));
    put(out, field, normalizeElementOrder(merged.filter(inOrder), merged.filter((x) => !inOrder(x)), order, Array.isArray(original) ? original : [], key));
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
    throw new UnknownStatusError(`The order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ORDER} list:\n${goValue(order)}\n`);
  }
}

function mergeKeyOf(x: Json, key: string | undefined): Json | undefined {
  return key ? (isObject(x) ? own(x, key) : undefined) : x;
}

function sameItem(a: Json, b: Json, key: string | undefined): boolean {
  const ka = mergeKeyOf(a, key);
  return ka !== undefined && ka === mergeKeyOf(b, key);
}

function indexIn(list: Json[], item: Json, key: string | undefined): number {
  return list.findIndex((x) => sameItem(x, item, key));
}

/**
 * normalizeElementOrder: patch items sorted by the patch's order, server-only items by the live order,
 * then interleaved by their live positions; where that cannot decide, the patch item comes first.
 */
function normalizeElementOrder(patchItems: Json[], serverOnly: Json[], patchOrder: Json[], serverOrder: Json[], key: string | undefined): Json[] {
  const byOrder = (order: Json[]) => (a: Json, b: Json): number => {
    const ia = indexIn(order, a, key);
    const ib = indexIn(order, b, key);
    return ia >= 0 && ib >= 0 ? ia - ib : 0;
  };
  const right = [...patchItems].sort(byOrder(patchOrder));
  const left = [...serverOnly].sort(byOrder(serverOrder));
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = indexIn(serverOrder, left[i]!, key);
      const ri = indexIn(serverOrder, right[j]!, key);
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
    let base = original.map((x) => x);
    const plain: JsonObject[] = [];
    let replace = false;
    for (const item of patch) {
      if (!isObject(item)) throw new UnknownStatusError(`expected a map[string]interface {}, but received a ${goTypeName(item)}`);
      const directive = own(item, DIRECTIVE);
      if (directive === undefined) { plain.push(item); continue; }
      if (directive === 'delete') {
        const value = own(item, key);
        if (value === undefined) throw noMergeKey(item, key);
        base = base.filter((x) => !(isObject(x) && own(x, key) === value));
      } else if (directive === 'replace') {
        replace = true;
      } else if (directive === 'merge') {
        throw new UnknownStatusError('merging lists cannot yet be specified in the patch');
      } else {
        throw badPatchType(directive, item);
      }
    }
    if (replace) return plain.map(stripDirectives);
    items = plain;
    for (const item of plain) {
      const value = own(item, key);
      if (value === undefined) throw noMergeKey(item, key);
      const idx = base.findIndex((x) => isObject(x) && own(x, key) === value);
      if (idx >= 0) base[idx] = strategicMerge(kind, path, base[idx] as JsonObject, item);
      else base.push(stripDirectives(item));
    }
    merged = base;
  }
  const inPatch = (x: Json): boolean => items.some((p) => sameItem(p, x, key));
  return normalizeElementOrder(merged.filter(inPatch), merged.filter((x) => !inPatch(x)), items, original, key);
}

function dedupe(list: Json[]): Json[] {
  const out: Json[] = [];
  for (const v of list) if (!out.some((x) => x === v)) out.push(v);
  return out;
}

function goTypeName(v: Json): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return '<nil>';
}

/** A patch value taken as is: directives and nulls mean nothing where there is nothing to merge into. */
function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(SET_ORDER) || k.startsWith(DELETE_PRIMITIVE)) continue;
    if (x === null) continue;
    put(out, k, stripDirectives(x));
  }
  return out;
}
