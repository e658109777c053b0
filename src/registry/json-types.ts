// Go's encoding/json refuses a value of the wrong JSON type for a typed field (a number where a string
// is declared, an object where a list is, 1.5 for an int32): kube-apiserver answers such bodies with 400
// before any strategy looks at them. The field types come from the per-kind message plans that decode
// protobuf bodies (src/api/protobuf), so a body is checked against the same schema whatever its encoding.
// Unknown fields are not this file's business (field-validation.ts reports them).
import { messageForKind } from '../api/protobuf/kinds.js';
import { planFor, type FieldPlan, type MessagePlan, type ScalarKind } from '../api/protobuf/plan.js';
import { MAX_JSON_DEPTH } from './limits.js';

export { MAX_JSON_DEPTH };

/** Where a value sits, as Go's decoder names it: the innermost struct and the dotted JSON path. */
interface Context {
  struct: string;
  path: string;
}

const INT_RANGES: Partial<Record<ScalarKind, [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  int64: [-(2 ** 63), 2 ** 63 - 1],
  uint64: [0, 2 ** 64 - 1],
};

const GO_SCALAR: Record<ScalarKind, string> = {
  string: 'string',
  bytes: '[]uint8',
  bool: 'bool',
  int32: 'int32',
  int64: 'int64',
  uint32: 'uint32',
  uint64: 'uint64',
  double: 'float64',
};

const QUANTITY_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/**
 * The error Go's decoder would report first for obj decoded as its kind, or undefined when every known
 * field has an acceptable JSON type (also for kinds without a schema).
 */
export function jsonTypeError(obj: Record<string, unknown>, apiVersion: string, kind: string): string | undefined {
  const message = messageForKind(apiVersion, kind);
  if (!message) return undefined;
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return checkMessage(planFor(message), rest, { struct: '', path: '' });
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // string, number, object
}

function unmarshalError(value: string, ctx: Context, type: string): string {
  const where = ctx.path ? `Go struct field ${ctx.struct}.${ctx.path}` : 'Go value';
  return `json: cannot unmarshal ${value} into ${where} of type ${type}`;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A field by JSON name, looking through inlined embedded structs. */
export function fieldOf(plan: MessagePlan, name: string): FieldPlan | undefined {
  const direct = plan.byName.get(name);
  if (direct && direct.json !== 'inline') return direct;
  for (const f of plan.fields) {
    if (f.json === 'inline' && f.message) {
      const inner = fieldOf(f.message, name);
      if (inner) return inner;
    }
  }
  return undefined;
}

function goPackage(plan: MessagePlan): string {
  const parts = plan.fullName.split('.');
  return parts.length >= 2 ? parts[parts.length - 2]! : '';
}

function messageType(plan: MessagePlan): string {
  return `${goPackage(plan)}.${plan.name}`;
}

function elementType(f: FieldPlan): string {
  return f.message ? messageType(f.message) : GO_SCALAR[f.scalar!];
}

function fieldType(f: FieldPlan): string {
  if (f.shape === 'repeated') return `[]${elementType(f)}`;
  if (f.shape === 'map') return `map[${GO_SCALAR[f.mapKey ?? 'string']}]${elementType(f)}`;
  return elementType(f);
}

function checkMessage(plan: MessagePlan, value: Record<string, unknown>, ctx: Context): string | undefined {
  for (const [key, v] of Object.entries(value)) {
    const f = fieldOf(plan, key);
    if (!f || v === null) continue;
    const err = checkField(f, v, { struct: plan.name, path: ctx.path ? `${ctx.path}.${key}` : key });
    if (err) return err;
  }
  return undefined;
}

function checkField(f: FieldPlan, v: unknown, ctx: Context): string | undefined {
  if (f.shape === 'repeated') {
    if (!Array.isArray(v)) return unmarshalError(jsonKind(v), ctx, fieldType(f));
    for (const item of v) {
      if (item === null) continue;
      const err = checkElement(f, item, ctx);
      if (err) return err;
    }
    return undefined;
  }
  if (f.shape === 'map') {
    if (!isPlainObject(v)) return unmarshalError(jsonKind(v), ctx, fieldType(f));
    for (const item of Object.values(v)) {
      if (item === null) continue;
      const err = checkElement(f, item, ctx);
      if (err) return err;
    }
    return undefined;
  }
  return checkElement(f, v, ctx);
}

function checkElement(f: FieldPlan, v: unknown, ctx: Context): string | undefined {
  return f.message ? checkMessageValue(f.message, v, ctx) : checkScalar(f.scalar!, v, ctx);
}

function checkScalar(scalar: ScalarKind, v: unknown, ctx: Context): string | undefined {
  switch (scalar) {
    case 'string':
      return typeof v === 'string' ? undefined : unmarshalError(jsonKind(v), ctx, 'string');
    case 'bytes':
      if (typeof v !== 'string') return unmarshalError(jsonKind(v), ctx, '[]uint8');
      return base64Error(v);
    case 'bool':
      return typeof v === 'boolean' ? undefined : unmarshalError(jsonKind(v), ctx, 'bool');
    case 'double':
      return typeof v === 'number' ? undefined : unmarshalError(jsonKind(v), ctx, 'float64');
    default: {
      if (typeof v !== 'number') return unmarshalError(jsonKind(v), ctx, GO_SCALAR[scalar]);
      const [min, max] = INT_RANGES[scalar]!;
      return Number.isInteger(v) && v >= min && v <= max
        ? undefined
        : unmarshalError(`number ${v}`, ctx, GO_SCALAR[scalar]);
    }
  }
}

/** Types with their own JSON form (Time, IntOrString, Quantity, …) and plain structs. */
function checkMessageValue(plan: MessagePlan, v: unknown, ctx: Context): string | undefined {
  switch (plan.form) {
    case 'time':
    case 'microtime':
    case 'duration':
      return typeof v === 'string' ? undefined : unmarshalError(jsonKind(v), ctx, 'string');
    case 'intorstring':
      if (typeof v === 'string') return undefined;
      return checkScalar('int32', v, ctx);
    case 'quantity':
      return typeof v === 'string' || typeof v === 'number' ? undefined : QUANTITY_ERROR;
    case 'rawjson':
      return undefined;
    case 'items':
      if (!Array.isArray(v)) return unmarshalError(jsonKind(v), ctx, messageType(plan));
      for (const item of v)
        if (item !== null && typeof item !== 'string') return unmarshalError(jsonKind(item), ctx, 'string');
      return undefined;
    default:
      if (!isPlainObject(v)) return unmarshalError(jsonKind(v), ctx, messageType(plan));
      return checkMessage(plan, v, ctx);
  }
}

const BASE64_CHAR = /[A-Za-z0-9+/]/;

/** Go's base64.StdEncoding errors ("illegal base64 data at input byte N"); CR and LF are skipped as Go does. */
function base64Error(s: string): string | undefined {
  let count = 0;
  let padding = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\r' || c === '\n') continue;
    if (c === '=') {
      padding++;
      if (padding > 2) return `illegal base64 data at input byte ${i}`;
    } else if (padding > 0 || !BASE64_CHAR.test(c)) {
      return `illegal base64 data at input byte ${i}`;
    }
    count++;
  }
  if (count % 4 !== 0) return `illegal base64 data at input byte ${Math.max(0, s.length - (count % 4))}`;
  return undefined;
}

/** Deepest nesting of arrays and objects in JSON text (strings skipped), without parsing it. */
export function jsonDepth(text: string): number {
  return scanDepth(text, Number.POSITIVE_INFINITY).max;
}

/** One pass over JSON text: the deepest nesting, or the bracket that first went past limit. */
function scanDepth(text: string, limit: number): { max: number; over?: string } {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth++;
      if (depth > max) max = depth;
      if (depth > limit) return { max, over: text[i]! };
    } else if (c === 125 || c === 93) depth--;
  }
  return { max };
}

/**
 * The error Go's JSON scanner gives text nested deeper than maxNestingDepth (`invalid character '[' exceeded
 * max depth`), or undefined. Every JSON body is checked with this before it is parsed, so nothing that walks
 * a decoded body meets more than 10,000 levels.
 */
export function jsonDepthError(text: string, limit = MAX_JSON_DEPTH): string | undefined {
  const { over } = scanDepth(text, limit);
  return over === undefined ? undefined : `invalid character '${over}' exceeded max depth`;
}

/**
 * The object with its keys in the order kube-apiserver's Go encoder writes them: kind and apiVersion first,
 * then struct fields in declaration order, map keys sorted; fields the schema does not know keep their
 * place after the known ones. Kinds without a schema only get kind and apiVersion moved to the front.
 */
export function inGoOrder<T>(
  obj: T,
  apiVersion = (obj as { apiVersion?: string }).apiVersion,
  kind = (obj as { kind?: string }).kind,
): T {
  if (!isPlainObject(obj)) return obj;
  const message = apiVersion && kind ? messageForKind(apiVersion, kind) : undefined;
  const out: Record<string, unknown> = {};
  if ('kind' in obj) out.kind = obj.kind;
  if ('apiVersion' in obj) out.apiVersion = obj.apiVersion;
  const rest = message ? orderMessage(planFor(message), obj) : obj;
  for (const [k, v] of Object.entries(rest)) if (k !== 'kind' && k !== 'apiVersion') define(out, k, v);
  return out as T;
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function orderMessage(plan: MessagePlan, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const place = (p: MessagePlan): void => {
    for (const f of p.fields) {
      if (f.json === 'inline' && f.message) {
        place(f.message);
        continue;
      }
      if (Object.prototype.hasOwnProperty.call(value, f.name) && !Object.prototype.hasOwnProperty.call(out, f.name)) {
        define(out, f.name, orderField(f, value[f.name]));
      }
    }
  };
  place(plan);
  for (const [k, v] of Object.entries(value)) if (!Object.prototype.hasOwnProperty.call(out, k)) define(out, k, v);
  return out;
}

function orderElement(f: FieldPlan, v: unknown): unknown {
  if (!f.message || f.message.form || !isPlainObject(v)) return v;
  return orderMessage(f.message, v);
}

function orderField(f: FieldPlan, v: unknown): unknown {
  if (f.shape === 'repeated') return Array.isArray(v) ? v.map((x) => orderElement(f, x)) : v;
  if (f.shape === 'map') {
    if (!isPlainObject(v)) return v;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) define(out, k, orderElement(f, v[k]));
    return out;
  }
  return orderElement(f, v);
}

const ZERO: Record<ScalarKind, unknown> = {
  string: '',
  bytes: '',
  bool: false,
  int32: 0,
  int64: 0,
  uint32: 0,
  uint64: 0,
  double: 0,
};

/**
 * What Go's decoder makes of `null` inside a typed list: the element's zero value (`finalizers: [null]` is
 * `[""]`, which validation then refuses), where JavaScript would keep the null. Call after jsonTypeError.
 */
export function zeroNullElements(obj: Record<string, unknown>, apiVersion: string, kind: string): void {
  const message = messageForKind(apiVersion, kind);
  if (message) zeroInMessage(planFor(message), obj);
}

function zeroInMessage(plan: MessagePlan, value: Record<string, unknown>): void {
  if (plan.form) return;
  for (const [key, v] of Object.entries(value)) {
    const f = fieldOf(plan, key);
    if (!f || v === null || v === undefined) continue;
    if (f.shape === 'repeated' && Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (v[i] === null) v[i] = f.message ? (f.message.form ? null : {}) : ZERO[f.scalar!];
        else if (f.message && isPlainObject(v[i])) zeroInMessage(f.message, v[i] as Record<string, unknown>);
      }
    } else if (f.shape === 'map' && isPlainObject(v)) {
      if (f.message) for (const item of Object.values(v)) if (isPlainObject(item)) zeroInMessage(f.message, item);
    } else if (f.message && isPlainObject(v)) {
      zeroInMessage(f.message, v);
    }
  }
}
