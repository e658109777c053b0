// fieldValidation=Strict|Warn|Ignore (kube-apiserver's server-side field validation): fields a kind
// does not have are refused (Strict, what kubectl sends) or reported in a Warning header (Warn, the
// server default), and under Warn and Ignore dropped, as decoding into Go's typed structs drops them:
// they are never stored. The field sets come from the same per-kind message definitions that decode
// protobuf bodies (src/api/protobuf), so JSON and protobuf clients see one schema. The walks follow the
// schema (at most 12 messages deep), never the body's own nesting.
import { badRequest, type StatusError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { messageForKind } from '../api/protobuf/kinds.js';
import { planFor, type MessagePlan } from '../api/protobuf/plan.js';
import { fieldOf, isPlainObject } from './json-types.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function fieldValidationMode(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation parameter unsupported: ${v}, must be one of: Ignore, Warn, Strict`);
}

function walk(plan: MessagePlan, value: unknown, path: string, out: string[]): void {
  // Special forms (Time, IntOrString, Quantity, RawExtension, …) are leaves in JSON.
  if (plan.form || !isPlainObject(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const f = fieldOf(plan, key);
    const p = path ? `${path}.${key}` : key;
    if (!f) {
      out.push(p);
      continue;
    }
    if (!f.message || v === null) continue;
    if (f.shape === 'repeated' && Array.isArray(v)) v.forEach((item, i) => walk(f.message!, item, `${p}[${i}]`, out));
    else if (f.shape === 'map' && isPlainObject(v))
      for (const [k, item] of Object.entries(v)) walk(f.message, item, `${p}[${k}]`, out);
    else walk(f.message, v, p, out);
  }
}

/** Dotted paths of fields the object's kind does not define (empty for kinds without a known schema). */
export function unknownFields(obj: KubeObject): string[] {
  const message = messageForKind(obj.apiVersion, obj.kind);
  if (!message) return [];
  const out: string[] = [];
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  walk(planFor(message), rest, '', out);
  return out;
}

/**
 * Applies the mode: Strict throws kube-apiserver's 400; Warn returns the warnings for the Warning header
 * and drops the unknown fields; Ignore drops them silently. `problems` are strict-decoding problems found
 * earlier (a YAML body's duplicate keys), which come first, as kube lists them.
 */
export function checkFields(obj: KubeObject, mode: FieldValidation, problems: string[] = []): string[] {
  const listed = mode === 'Ignore' ? [] : [...problems, ...unknownFields(obj).map((p) => `unknown field "${p}"`)];
  if (mode === 'Strict' && listed.length) throw strictDecodingError(obj, listed);
  pruneUnknownFields(obj);
  return listed;
}

/** Drops, in place, every field obj's kind does not define (kinds without a known schema are left alone). */
export function pruneUnknownFields(obj: Record<string, unknown>, apiVersion = obj.apiVersion, kind = obj.kind): void {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return;
  const message = messageForKind(apiVersion, kind);
  if (!message) return;
  prune(planFor(message), obj, TYPE_META);
}

/** An object's kind and apiVersion are not fields of its message, yet they belong to it. */
const TYPE_META = new Set(['apiVersion', 'kind']);

function prune(plan: MessagePlan, value: unknown, keep?: Set<string>): void {
  // Special forms (Time, IntOrString, Quantity, RawExtension, …) are leaves in JSON.
  if (plan.form || !isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    const f = fieldOf(plan, key);
    if (!f) {
      if (!keep?.has(key)) delete value[key];
      continue;
    }
    const v = value[key];
    if (!f.message || v === null) continue;
    if (f.shape === 'repeated' && Array.isArray(v)) for (const item of v) prune(f.message, item);
    else if (f.shape === 'map' && isPlainObject(v)) for (const item of Object.values(v)) prune(f.message, item);
    else prune(f.message, v);
  }
}

function strictDecodingError(obj: KubeObject, problems: string[]): StatusError {
  const version = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[1] : obj.apiVersion;
  return badRequest(
    `${obj.kind} in version "${version}" cannot be handled as a ${obj.kind}: strict decoding error: ${problems.join(', ')}`,
  );
}
