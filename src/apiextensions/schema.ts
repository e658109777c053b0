// A CRD version's structural schema applied to custom resources, in kube-apiserver's order: unknown fields
// pruned (apiextensions-apiserver pkg/apiserver/schema/pruning), defaults filled (…/schema/defaulting), then
// the OpenAPI v3 validation (ajv, with kube-openapi's error texts as apiextensions' ConvertToFieldErrors
// renders them: `spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1`).
// `pattern` is not handed to ajv: JavaScript regular expressions are not linear time (kube uses RE2), and a
// CRD author's pattern would run on every request's data, so patterns are not enforced (docs/crds.md).
import { createRequire } from 'node:module';
import type AjvModule from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { fieldInvalid, fieldNotSupported, fieldRequired, type FieldError } from '../api/errors.js';

export type Json = Record<string, unknown>;
export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  default?: unknown;
  enum?: unknown[];
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  [k: string]: unknown;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * pruning.Prune: drops fields the schema does not specify (apiVersion, kind and metadata always stay at the root)
 * and returns their paths, for fieldValidation=Strict's `unknown field "spec.extra"`.
 */
export function prune(obj: Json, schema: Schema): string[] {
  const pruned: string[] = [];
  pruneValue(obj, schema, true, '', pruned);
  return pruned;
}

function pruneValue(value: unknown, s: Schema | undefined, root: boolean, path: string, pruned: string[]): void {
  if (!s) return;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) pruneValue(item, s.items, false, `${path}[${i}]`, pruned);
    return;
  }
  if (!isObject(value)) return;
  const keepMeta = root || s['x-kubernetes-embedded-resource'] === true;
  for (const key of Object.keys(value)) {
    if (keepMeta && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) continue;
    const prop = s.properties && Object.hasOwn(s.properties, key) ? s.properties[key] : undefined;
    const p = path ? `${path}.${key}` : key;
    if (prop) pruneValue(value[key], prop, false, p, pruned);
    else if (isObject(s.additionalProperties)) pruneValue(value[key], s.additionalProperties, false, p, pruned);
    else if (s.additionalProperties !== true && !s['x-kubernetes-preserve-unknown-fields']) {
      delete value[key];
      pruned.push(p);
    }
  }
}

/** defaulting.Default: a missing property with a default gets a copy of it; null stays null unless not nullable. */
export function applyDefaults(value: unknown, s: Schema | undefined): void {
  if (!s) return;
  if (Array.isArray(value)) {
    for (const item of value) applyDefaults(item, s.items);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    if (prop.default !== undefined && (!Object.hasOwn(value, key) || (value[key] === null && !prop.nullable))) {
      Object.defineProperty(value, key, {
        value: structuredClone(prop.default),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    if (Object.hasOwn(value, key)) applyDefaults(value[key], prop);
  }
  if (isObject(s.additionalProperties))
    for (const k of Object.keys(value)) if (!s.properties?.[k]) applyDefaults(value[k], s.additionalProperties);
}

// ajv is CommonJS, loaded when the first CRD schema is compiled (it costs ~60 ms, and most servers have no CRD).
const require = createRequire(import.meta.url);
let ajvInstance: AjvInstance | undefined;
type AjvInstance = InstanceType<typeof AjvModule.default>;

function ajv(): AjvInstance {
  if (ajvInstance) return ajvInstance;
  // Under NodeNext the class is the CommonJS export's `default`.
  const Ajv = (require('ajv') as typeof AjvModule).default;
  const instance = new Ajv({ allErrors: true, strict: false, validateFormats: false, validateSchema: false });
  // Kubernetes' own vendor extensions are annotations to ajv.
  for (const k of [
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-embedded-resource',
    'x-kubernetes-int-or-string',
    'x-kubernetes-list-type',
    'x-kubernetes-list-map-keys',
    'x-kubernetes-map-type',
    'x-kubernetes-validations',
  ])
    instance.addKeyword(k);
  return (ajvInstance = instance);
}

/** The schema ajv checks: nullable as JSON Schema says it, int-or-string as its two types, no pattern, no metadata. */
function forAjv(s: Schema, root: boolean, depth = 0): Json {
  if (depth > 64) return {};
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (
      k === 'pattern' ||
      k === 'patternProperties' ||
      k === 'uniqueItems' ||
      k === '$ref' ||
      k === 'nullable' ||
      k === 'default' ||
      k === 'description' ||
      k === 'example' ||
      k === 'externalDocs'
    )
      continue;
    if (k === 'properties' && isObject(v)) {
      const props: Json = {};
      for (const [name, p] of Object.entries(v)) {
        if (root && name === 'metadata') continue; // ObjectMeta is validated as for every kind
        props[name] = forAjv(p as Schema, false, depth + 1);
      }
      out.properties = props;
    } else if ((k === 'items' || k === 'additionalProperties' || k === 'not') && isObject(v))
      out[k] = forAjv(v as Schema, false, depth + 1);
    else if ((k === 'allOf' || k === 'anyOf' || k === 'oneOf') && Array.isArray(v))
      out[k] = v.map((x) => forAjv(x as Schema, false, depth + 1));
    else out[k] = v;
  }
  if (root && Array.isArray(out.required)) out.required = (out.required as string[]).filter((r) => r !== 'metadata');
  // OpenAPI v3.0 (draft 4) exclusive bounds are flags on minimum/maximum; ajv speaks draft 7 (the bound itself).
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[flag] === 'boolean') {
      if (out[flag] === true && typeof out[bound] === 'number') {
        out[flag] = out[bound];
        delete out[bound];
      } else delete out[flag];
    }
  }
  if (s['x-kubernetes-int-or-string']) {
    delete out.type;
    out.type = ['integer', 'string'];
  }
  if (s.nullable && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (s.nullable && Array.isArray(out.enum)) out.enum = [...out.enum, null];
  return out;
}

export function compile(schema: Schema): ValidateFunction {
  return ajv().compile(forAjv(schema, true));
}

/** ajv's errors as kube's field errors. */
export function validate(fn: ValidateFunction, obj: Json): FieldError[] {
  if (fn(obj)) return [];
  const out: FieldError[] = [];
  for (const e of fn.errors ?? []) {
    const err = toFieldError(e, obj);
    if (err && !out.some((x) => x.field === err.field && x.message === err.message)) out.push(err);
  }
  return out;
}

function pathOf(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('');
}

function valueAt(obj: unknown, instancePath: string): unknown {
  let v = obj;
  for (const p of instancePath.split('/').slice(1)) {
    const key = p.replace(/~1/g, '/').replace(/~0/g, '~');
    v = isObject(v) || Array.isArray(v) ? (v as Json)[key] : undefined;
  }
  return v;
}

/** kube-openapi's validation messages (validate/errors), as ConvertToFieldErrors wraps them. */
function toFieldError(e: ErrorObject, obj: Json): FieldError | undefined {
  const path = pathOf(e.instancePath);
  const field = path || '<nil>';
  const value = valueAt(obj, e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type': {
      const types = Array.isArray(p.type) ? (p.type as string[]) : [String(p.type)];
      const type = types.filter((t) => t !== 'null').join(',');
      return {
        ...fieldInvalid(field, value, `${field} in body must be of type ${type}: ${goQuote(jsonType(value))}`),
        type: 'FieldValueTypeInvalid',
      };
    }
    case 'enum':
      return fieldNotSupported(
        field,
        value,
        (p.allowedValues as unknown[]).map((x) => (typeof x === 'string' ? x : JSON.stringify(x))),
      );
    case 'required': {
      const missing = String(p.missingProperty);
      return fieldRequired(path ? `${path}.${missing}` : missing);
    }
    case 'minimum':
    case 'exclusiveMinimum':
      return fieldInvalid(
        field,
        value,
        `${field} in body should be greater than ${e.keyword === 'minimum' ? 'or equal to ' : ''}${String(p.limit)}`,
      );
    case 'maximum':
    case 'exclusiveMaximum':
      return fieldInvalid(
        field,
        value,
        `${field} in body should be less than ${e.keyword === 'maximum' ? 'or equal to ' : ''}${String(p.limit)}`,
      );
    case 'maxLength':
      return {
        type: 'FieldValueTooLong',
        field,
        message: `Too long: may not be more than ${String(p.limit)} ${p.limit === 1 ? 'byte' : 'bytes'}`,
      };
    case 'minLength':
      return fieldInvalid(field, value, `${field} in body should be at least ${String(p.limit)} chars long`);
    case 'maxItems':
      return {
        type: 'FieldValueTooMany',
        field,
        message: `Too many: ${Array.isArray(value) ? value.length : 0}: must have at most ${String(p.limit)} items`,
      };
    case 'minItems':
      return fieldInvalid(field, value, `${field} in body should have at least ${String(p.limit)} items`);
    case 'maxProperties':
      return {
        type: 'FieldValueTooMany',
        field,
        message: `Too many: ${isObject(value) ? Object.keys(value).length : 0}: must have at most ${String(p.limit)} items`,
      };
    case 'minProperties':
      return fieldInvalid(field, value, `${field} in body should have at least ${String(p.limit)} properties`);
    case 'uniqueItems':
      return {
        type: 'FieldValueDuplicate',
        field: `${field}[${String(p.i)}]`,
        message: `Duplicate value: ${JSON.stringify(Array.isArray(value) ? value[p.i as number] : value)}`,
      };
    case 'multipleOf':
      return fieldInvalid(field, value, `${field} in body should be a multiple of ${String(p.multipleOf)}`);
    default:
      return fieldInvalid(field, value, e.message ?? e.keyword);
  }
}

/** The JSON type name kube-openapi reports for a value it refused. */
function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}
