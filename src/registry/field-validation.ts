// fieldValidation=Strict|Warn|Ignore (kube-apiserver's server-side field validation): fields a kind
// does not have are refused (Strict, what kubectl sends) or reported in a Warning header (Warn, the
// server default). The field sets come from the same per-kind message definitions that decode
// protobuf bodies (src/api/protobuf), so JSON and protobuf clients see one schema.
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
    else if (f.shape === 'map' && isPlainObject(v)) for (const [k, item] of Object.entries(v)) walk(f.message, item, `${p}[${k}]`, out);
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
 * Applies the mode: Strict throws kube-apiserver's 400, Warn returns warnings for the Warning header,
 * Ignore returns nothing.
 */
export function checkFields(obj: KubeObject, mode: FieldValidation): string[] {
  if (mode === 'Ignore') return [];
  const unknown = unknownFields(obj);
  if (unknown.length === 0) return [];
  const listed = unknown.map((p) => `unknown field "${p}"`);
  if (mode === 'Strict') throw strictDecodingError(obj, listed);
  return listed;
}

function strictDecodingError(obj: KubeObject, problems: string[]): StatusError {
  const version = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[1] : obj.apiVersion;
  return badRequest(`${obj.kind} in version "${version}" cannot be handled as a ${obj.kind}: strict decoding error: ${problems.join(', ')}`);
}
