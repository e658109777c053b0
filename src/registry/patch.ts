// The three PATCH flavours kube-apiserver accepts: JSON patch (RFC 6902, via fast-json-patch),
// JSON merge patch (RFC 7386) and strategic merge patch (the one `kubectl apply` and `kubectl label` send).
import jsonpatch from 'fast-json-patch';
import { badRequest, StatusError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { listPatchMeta } from './patch-meta.js';

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

export function applyPatch(contentType: string, current: KubeObject, patchText: string): KubeObject {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  let patch: unknown;
  try {
    patch = JSON.parse(patchText);
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  switch (type) {
    case PATCH_TYPES.json: {
      if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
      try {
        const res = jsonpatch.applyPatch(structuredClone(current), patch as jsonpatch.Operation[], true, false);
        return res.newDocument as KubeObject;
      } catch (e) {
        throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    case PATCH_TYPES.merge:
      if (!isObject(patch)) throw badRequest('patch must be a JSON object');
      return mergePatch(current as unknown as Json, patch) as unknown as KubeObject;
    case PATCH_TYPES.strategic:
      if (!isObject(patch)) throw badRequest('patch must be a JSON object');
      return strategicMerge(current.kind, [], current as unknown as JsonObject, patch) as unknown as KubeObject;
    default:
      throw new StatusError(415, 'UnsupportedMediaType', `the server does not support patch type "${type}"; server-side apply is not supported by kauth (use client-side kubectl apply)`);
  }
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

const DIRECTIVE = '$patch';
const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';
const RETAIN_KEYS = '$retainKeys';

/** Strategic merge patch (apimachinery/pkg/util/strategicpatch), for the list semantics in patch-meta.ts. */
export function strategicMerge(kind: string, path: string[], original: JsonObject, patch: JsonObject): JsonObject {
  if (patch[DIRECTIVE] === 'replace') {
    const { [DIRECTIVE]: _d, ...rest } = patch;
    return stripDirectives(rest) as JsonObject;
  }
  if (patch[DIRECTIVE] === 'delete') return {};
  const out: JsonObject = { ...original };
  const retain = patch[RETAIN_KEYS];
  for (const [k, v] of Object.entries(patch)) {
    if (k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(SET_ORDER)) continue;
    if (k.startsWith(DELETE_PRIMITIVE)) {
      const field = k.slice(DELETE_PRIMITIVE.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) out[field] = cur.filter((x) => !v.some((d) => d === x));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = out[k];
    if (isObject(v)) {
      out[k] = strategicMerge(kind, [...path, k], isObject(cur) ? cur : {}, v);
    } else if (Array.isArray(v)) {
      out[k] = mergeList(kind, [...path, k], Array.isArray(cur) ? cur : [], v);
    } else {
      out[k] = v;
    }
  }
  if (Array.isArray(retain)) {
    for (const k of Object.keys(out)) if (!retain.includes(k) && !(k in patch)) delete out[k];
  }
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith(SET_ORDER) || !Array.isArray(v)) continue;
    const field = k.slice(SET_ORDER.length);
    const list = out[field];
    if (Array.isArray(list)) out[field] = applyOrder(kind, [...path, field], list, v);
  }
  return out;
}

function mergeList(kind: string, path: string[], original: Json[], patch: Json[]): Json[] {
  const meta = listPatchMeta(kind, path);
  if (!meta) return patch.map(stripDirectives);
  if (!meta.mergeKey) {
    // A set of primitives: union, keeping the original order first.
    const out = [...original];
    for (const v of patch) if (!out.some((x) => x === v)) out.push(v);
    return out;
  }
  const key = meta.mergeKey;
  const out = original.map((x) => x);
  for (const item of patch) {
    if (!isObject(item)) continue;
    if (item[DIRECTIVE] === 'replace') return patch.filter(isObject).filter((x) => x[DIRECTIVE] !== 'replace').map(stripDirectives);
    const idx = out.findIndex((x) => isObject(x) && x[key] === item[key]);
    if (item[DIRECTIVE] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = strategicMerge(kind, path, out[idx] as JsonObject, item);
    else out.push(stripDirectives(item));
  }
  return out;
}

function applyOrder(kind: string, path: string[], list: Json[], order: Json[]): Json[] {
  const meta = listPatchMeta(kind, path);
  const keyOf = (x: Json): Json => (meta?.mergeKey && isObject(x) ? x[meta.mergeKey]! : x);
  const wanted = order.map(keyOf);
  const ranked = list.map((x, i) => ({ x, i, r: wanted.findIndex((w) => w === keyOf(x)) }));
  ranked.sort((a, b) => (a.r < 0 ? Infinity : a.r) - (b.r < 0 ? Infinity : b.r) || a.i - b.i);
  return ranked.map((e) => e.x);
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(SET_ORDER) || k.startsWith(DELETE_PRIMITIVE)) continue;
    if (x === null) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}
