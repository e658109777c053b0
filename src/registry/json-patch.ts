// RFC 6902 JSON patch as kube-apiserver applies it: gopkg.in/evanphx/json-patch.v4, with the apiserver's
// AccumulatedCopySizeLimit (3 MiB). Written here rather than taken from fast-json-patch, which cannot count
// what copies add, deep-clones the whole document to validate every move and copy (a 10,000-op patch of a
// large object is quadratic), and clones and compares recursively (a value nested a few thousand levels deep,
// which Go accepts, overflows the stack). This walks without recursion and keeps to kauth's budgets.
import {
  cloneJson,
  encodedSize,
  hasOwn,
  isJsonObject,
  jsonEqual,
  setOwn,
  type Json,
  type JsonObject,
} from './json-walk.js';
import { MAX_JSON_PATCH_COPY_BYTES, MAX_JSON_PATCH_WORK } from './limits.js';

/** The patch could not be applied; kube-apiserver answers these 422 without saying why (patch.go). */
export class JsonPatchApplyError extends Error {}

/** The patch is not a list of operations (jsonpatch.DecodePatch's error, answered 400). */
export class JsonPatchDecodeError extends Error {}

export interface JsonPatchBudget {
  /** Bytes that `copy` operations may add (AccumulatedCopySizeLimit). */
  copyBytes: number;
  /** Array elements shifted plus path segments walked. */
  work: number;
}

const DEFAULT_BUDGET: JsonPatchBudget = { copyBytes: MAX_JSON_PATCH_COPY_BYTES, work: MAX_JSON_PATCH_WORK };

type Container = Json[] | JsonObject;

/** Decodes a JSON patch's operations as jsonpatch.DecodePatch does ([]map[string]*json.RawMessage). */
export function patchOperations(patch: unknown): JsonObject[] {
  if (!Array.isArray(patch)) {
    throw new JsonPatchDecodeError(`json: cannot unmarshal ${jsonKind(patch)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of patch) {
    if (op !== null && !isJsonObject(op)) {
      throw new JsonPatchDecodeError(
        `json: cannot unmarshal ${jsonKind(op)} into Go value of type jsonpatch.Operation`,
      );
    }
  }
  return patch.map((op) => (op ?? {}) as JsonObject);
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

/** Applies ops to doc in place (pass a copy) and returns the result. Throws JsonPatchApplyError. */
export function applyJsonPatch(doc: Json, ops: JsonObject[], budget: JsonPatchBudget = DEFAULT_BUDGET): Json {
  const state = { copied: 0, work: 0, budget };
  if (!isContainer(doc)) throw new JsonPatchApplyError('the document is not an object');
  for (const op of ops) applyOperation(doc, op, state);
  return doc;
}

interface State {
  copied: number;
  work: number;
  budget: JsonPatchBudget;
}

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}

function stringField(op: JsonObject, name: string): string {
  const v = own(op, name);
  if (v === undefined || v === null) throw new JsonPatchApplyError(`operation missing ${name} field`);
  if (typeof v !== 'string')
    throw new JsonPatchApplyError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type string`);
  return v;
}

function own(o: object, key: string): Json | undefined {
  return hasOwn(o, key) ? (o as JsonObject)[key] : undefined;
}

/** An absent `value` is JSON null to evanphx/json-patch (a nil node marshals as null). */
function opValue(op: JsonObject): Json {
  return own(op, 'value') ?? null;
}

function applyOperation(doc: Container, op: JsonObject, state: State): void {
  const kind = own(op, 'op');
  switch (kind) {
    case 'add': {
      const { con, key } = findObject(doc, stringField(op, 'path'), state);
      return add(con, key, opValue(op), state);
    }
    case 'remove': {
      const { con, key } = findObject(doc, stringField(op, 'path'), state);
      return remove(con, key, state);
    }
    case 'replace': {
      const { con, key } = findObject(doc, stringField(op, 'path'), state);
      get(con, key); // an array index must exist; an object key need not (v4 then adds it)
      return set(con, key, opValue(op));
    }
    case 'move': {
      const from = findObject(doc, stringField(op, 'from'), state);
      const value = get(from.con, from.key) ?? null;
      remove(from.con, from.key, state);
      const to = findObject(doc, stringField(op, 'path'), state);
      return add(to.con, to.key, value, state);
    }
    case 'copy': {
      const from = findObject(doc, stringField(op, 'from'), state);
      const value = get(from.con, from.key) ?? null;
      const to = findObject(doc, stringField(op, 'path'), state);
      // Priced before it is made: each copy is charged its compact JSON size against the patch's budget.
      const left = state.budget.copyBytes - state.copied;
      state.copied += value === null ? 0 : encodedSize(value, left);
      if (state.copied > state.budget.copyBytes) {
        throw new JsonPatchApplyError(
          `Unable to complete the copy, the accumulated size increase of copy is ${state.copied}, exceeding the limit ${state.budget.copyBytes}`,
        );
      }
      return add(to.con, to.key, cloneJson(value), state);
    }
    case 'test': {
      const path = stringField(op, 'path');
      const { con, key } = findObject(doc, path, state);
      const actual = get(con, key);
      const expected = own(op, 'value');
      // v4: a missing or null value equals a missing or null value.
      const ok =
        actual === undefined || actual === null
          ? expected === undefined || expected === null
          : expected !== undefined && jsonEqual(actual, expected);
      if (!ok) throw new JsonPatchApplyError(`testing value ${path} failed: test failed`);
      return;
    }
    default:
      throw new JsonPatchApplyError(`Unexpected kind: ${typeof kind === 'string' ? kind : 'unknown'}`);
  }
}

/** rfc6901Decoder: `~1` is `/`, `~0` is `~`, in one left-to-right pass. */
function decodeKey(part: string): string {
  if (!part.includes('~')) return part;
  let out = '';
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === '~' && (part[i + 1] === '1' || part[i + 1] === '0')) {
      out += part[i + 1] === '1' ? '/' : '~';
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/**
 * findObject: the container holding the pointer's last segment, and that segment. The segments before it
 * must all lead to objects or arrays; the empty pointer (the whole document) has none.
 */
function findObject(doc: Container, pointer: string, state: State): { con: Container; key: string } {
  const parts = pointer.split('/');
  if (parts.length < 2) throw new JsonPatchApplyError(`doc is missing path: "${pointer}"`);
  charge(state, parts.length);
  let con: Container = doc;
  for (let i = 1; i < parts.length - 1; i++) {
    const next = get(con, decodeKey(parts[i]!));
    if (!isContainer(next)) throw new JsonPatchApplyError(`doc is missing path: "${pointer}"`);
    con = next;
  }
  return { con, key: decodeKey(parts[parts.length - 1]!) };
}

function charge(state: State, work: number): void {
  state.work += work;
  if (state.work > state.budget.work) throw new JsonPatchApplyError('the patch does more work than kauth allows');
}

/** strconv.Atoi: an optional sign and decimal digits. */
function atoi(key: string): number {
  if (!/^[+-]?\d{1,15}$/.test(key)) throw new JsonPatchApplyError(`value was not a proper array index: '${key}'`);
  return Number(key);
}

function get(con: Container, key: string): Json | undefined {
  if (!Array.isArray(con)) return own(con, key);
  const idx = atoi(key);
  if (idx < 0 || idx >= con.length) throw new JsonPatchApplyError(`Unable to access invalid index: ${idx}`);
  return con[idx];
}

function set(con: Container, key: string, value: Json): void {
  if (Array.isArray(con)) con[atoi(key)] = value;
  else setOwn(con, key, value);
}

function add(con: Container, key: string, value: Json, state: State): void {
  if (!Array.isArray(con)) return setOwn(con, key, value);
  if (key === '-') {
    con.push(value);
    return;
  }
  let idx = atoi(key);
  const size = con.length + 1;
  if (idx >= size || idx < -size) throw new JsonPatchApplyError(`Unable to access invalid index: ${idx}`);
  if (idx < 0) idx += size; // SupportNegativeIndices, v4's default
  charge(state, con.length - idx);
  con.splice(idx, 0, value);
}

function remove(con: Container, key: string, state: State): void {
  if (!Array.isArray(con)) {
    if (!hasOwn(con, key)) throw new JsonPatchApplyError(`Unable to remove nonexistent key: ${key}: missing value`);
    delete con[key];
    return;
  }
  let idx = atoi(key);
  if (idx >= con.length || idx < -con.length) throw new JsonPatchApplyError(`Unable to access invalid index: ${idx}`);
  if (idx < 0) idx += con.length;
  charge(state, con.length - idx);
  con.splice(idx, 1);
}
