// Turns protobufjs reflection (plus the Go-semantics options of schema/README.md) into flat decode plans,
// so that decoding looks at plain objects instead of options and type names.
import type protobuf from 'protobufjs';
import { kubeType } from './schema.js';

export type ScalarKind = 'string' | 'bytes' | 'bool' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'double';
/** How Go's JSON encoder treats the field: see schema/README.md. */
export type JsonRule = 'omitempty' | 'always' | 'omitzero' | 'inline';
export type JsonForm = 'time' | 'microtime' | 'duration' | 'intorstring' | 'quantity' | 'rawjson' | 'items';

const SCALARS = new Set<string>(['string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'double']);
const JSON_RULES = new Set<string>(['always', 'omitzero', 'inline']);
const JSON_FORMS = new Set<string>(['time', 'microtime', 'duration', 'intorstring', 'quantity', 'rawjson', 'items']);

export interface FieldPlan {
  /** Position in MessagePlan.fields (and in a decoded message's values). */
  readonly index: number;
  readonly id: number;
  /** The JSON name (also the proto field name). */
  readonly name: string;
  readonly shape: 'single' | 'repeated' | 'map';
  /** The element (or map value) type: a scalar kind, or a message plan. */
  readonly scalar?: ScalarKind;
  readonly message?: MessagePlan;
  readonly mapKey?: ScalarKind;
  readonly pointer: boolean;
  readonly json: JsonRule;
}

export interface MessagePlan {
  readonly name: string;
  /** The package-qualified name, e.g. `core.v1.PodSpec` (OpenAPI names its schemas after it). */
  readonly fullName: string;
  readonly form?: JsonForm;
  readonly fields: FieldPlan[];
  /** Fields by number (Kubernetes numbers are small, so a dense array is the fastest lookup). */
  readonly byId: (FieldPlan | undefined)[];
  readonly byName: Map<string, FieldPlan>;
}

// Keyed by protobufjs' fullName (with a leading dot) and by the name callers use.
const plans = new Map<string, MessagePlan>();

/** The plan of a message by full name (`core.v1.Pod`), built on first use and kept. */
export function planFor(fullName: string): MessagePlan {
  const known = plans.get(fullName);
  if (known) return known;
  const plan = compile(kubeType(fullName));
  plans.set(fullName, plan);
  return plan;
}

function compile(type: protobuf.Type): MessagePlan {
  const key = type.fullName;
  const known = plans.get(key);
  if (known) return known;
  const form = type.options?.['(json_form)'] as string | undefined;
  if (form !== undefined && !JSON_FORMS.has(form)) throw new Error(`${key}: unknown json_form ${form}`);
  const plan: MessagePlan = {
    name: type.name,
    fullName: key.replace(/^\./, ''),
    form: form as JsonForm | undefined,
    fields: [],
    byId: [],
    byName: new Map(),
  };
  plans.set(key, plan); // before the fields, so that a message may refer to itself
  for (const field of type.fieldsArray) {
    const f = compileField(type, field, plan.fields.length);
    plan.fields.push(f);
    plan.byId[f.id] = f;
    plan.byName.set(f.name, f);
  }
  return plan;
}

function compileField(owner: protobuf.Type, field: protobuf.FieldBase, index: number): FieldPlan {
  const where = `${owner.fullName}.${field.name}`;
  const goOpt = field.options?.['(go)'] as string | undefined;
  const jsonOpt = field.options?.['(json)'] as string | undefined;
  if (goOpt !== undefined && goOpt !== 'ptr') throw new Error(`${where}: unknown (go) option ${goOpt}`);
  if (jsonOpt !== undefined && !JSON_RULES.has(jsonOpt)) throw new Error(`${where}: unknown (json) option ${jsonOpt}`);
  const isMap = field.map;
  const shape = isMap ? 'map' : field.repeated ? 'repeated' : 'single';
  const base = {
    index,
    id: field.id,
    name: field.name,
    shape,
    pointer: goOpt === 'ptr',
    json: (jsonOpt ?? 'omitempty') as JsonRule,
  } as const;
  let mapKey: ScalarKind | undefined;
  if (isMap) {
    const keyType = (field as protobuf.MapField).keyType;
    if (!SCALARS.has(keyType)) throw new Error(`${where}: unsupported map key ${keyType}`);
    mapKey = keyType as ScalarKind;
  }
  if (SCALARS.has(field.type)) return { ...base, scalar: field.type as ScalarKind, mapKey };
  const resolved = field.resolve().resolvedType;
  if (!resolved || !('fieldsArray' in resolved)) throw new Error(`${where}: unsupported type ${field.type}`);
  return { ...base, message: compile(resolved as protobuf.Type), mapKey };
}
