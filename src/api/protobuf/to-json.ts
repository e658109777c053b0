// Writes a decoded message as the JSON Go's encoding/json would write for the same Kubernetes object:
// field order of the Go struct, omitempty/omitzero, pointers, inline structs, sorted map keys, and the
// self-marshalling types (Time, MicroTime, Duration, IntOrString, Quantity, RawExtension, []byte).
import type { FieldPlan, JsonForm, MessagePlan, ScalarKind } from './plan.js';
import {
  emptyMessage,
  fieldValue,
  zeroScalar,
  type DecodedMessage,
  type FieldValue,
  type ScalarValue,
} from './wire.js';
import { GO_ZERO_TIME_UNIX, formatDuration, formatMicroTime, formatTime } from './go-format.js';
import { ProtobufWireError } from './wire-error.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function messageToJson(msg: DecodedMessage): JsonValue {
  if (msg.plan.form) return formToJson(msg.plan.form, msg);
  const out: JsonObject = {};
  writeFields(msg, out);
  return out;
}

function writeFields(msg: DecodedMessage, out: JsonObject): void {
  for (const field of msg.plan.fields) {
    const value = msg.values[field.index];
    if (field.json === 'inline') {
      // An embedded struct is a value: absent on the wire it is its zero value, written all the same.
      const inner = (value as DecodedMessage | undefined) ?? emptyMessage(field.message!);
      writeFields(inner, out);
      continue;
    }
    const json = fieldToJson(field, value);
    if (json !== undefined) out[field.name] = json;
  }
}

/** The JSON of one field, or undefined when Go would leave the key out. */
function fieldToJson(field: FieldPlan, value: FieldValue | undefined): JsonValue | undefined {
  const always = field.json === 'always';
  if (field.shape === 'repeated') {
    const list = value as FieldValue[] | undefined;
    // Decoded lists without elements are nil slices: `null` without omitempty.
    if (!list || list.length === 0) return always ? null : undefined;
    return list.map((item) => elementToJson(field, item));
  }
  if (field.shape === 'map') {
    const map = value as Map<string, FieldValue> | undefined;
    if (!map || map.size === 0) return always ? null : undefined;
    const out: JsonObject = {};
    // encoding/json writes map keys sorted. defineProperty: a key such as `__proto__` (a valid ConfigMap
    // key) must become an own property, as JSON.parse makes it, not the object's prototype.
    for (const key of [...map.keys()].sort()) {
      Object.defineProperty(out, key, {
        value: elementToJson(field, map.get(key)!),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  if (field.message) {
    if (value === undefined) {
      // A nil pointer is left out (or null); a struct value is written as its zero value.
      if (field.pointer) return always ? null : undefined;
      if (field.json === 'omitzero') return undefined;
      return messageToJson(emptyMessage(field.message));
    }
    const msg = value as DecodedMessage;
    if (field.json === 'omitzero' && !field.pointer && isZeroMessage(msg)) return undefined;
    return messageToJson(msg);
  }
  const kind = field.scalar!;
  if (value === undefined) {
    if (field.pointer) return always ? null : undefined;
    if (kind === 'bytes') return always ? null : undefined; // a nil []byte
    return always ? scalarToJson(kind, zeroScalar(kind)) : undefined;
  }
  const scalar = value as ScalarValue;
  if (!field.pointer && !always && isZeroScalar(kind, scalar)) return undefined;
  return scalarToJson(kind, scalar);
}

function elementToJson(field: FieldPlan, item: FieldValue): JsonValue {
  return field.message ? messageToJson(item as DecodedMessage) : scalarToJson(field.scalar!, item as ScalarValue);
}

function isZeroScalar(kind: ScalarKind, v: ScalarValue): boolean {
  if (kind === 'bytes') return (v as Uint8Array).length === 0;
  return v === '' || v === false || v === 0 || v === 0n;
}

function scalarToJson(kind: ScalarKind, v: ScalarValue): JsonValue {
  if (kind === 'bytes') return Buffer.from(v as Uint8Array).toString('base64');
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && !Number.isFinite(v)) throw new ProtobufWireError(`json: unsupported value: ${v}`);
  return v as JsonValue;
}

/** Go's IsZero for the struct: for times the zero instant, otherwise a value equal to the empty struct. */
function isZeroMessage(msg: DecodedMessage): boolean {
  if (msg.plan.form === 'time' || msg.plan.form === 'microtime') return timeParts(msg).zero;
  return JSON.stringify(messageToJson(msg)) === JSON.stringify(messageToJson(emptyMessage(msg.plan)));
}

/**
 * metav1.Time's Unmarshal: empty data is the zero time; otherwise time.Unix(seconds, nanos) (Time keeps
 * whole seconds only, MicroTime the nanos).
 */
function timeParts(msg: DecodedMessage): { zero: boolean; seconds: bigint; nanos: number } {
  const seconds = fieldValue(msg, 'seconds') as bigint | undefined;
  const nanos = fieldValue(msg, 'nanos') as number | undefined;
  if (seconds === undefined && nanos === undefined) return { zero: true, seconds: 0n, nanos: 0 };
  const s = seconds ?? 0n;
  const n = msg.plan.form === 'time' ? 0 : (nanos ?? 0);
  return { zero: s === GO_ZERO_TIME_UNIX && n === 0, seconds: s, nanos: n };
}

// A resource.Quantity string: the pattern Kubernetes publishes for quantities.
const QUANTITY =
  /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))?$/;

function formToJson(form: JsonForm, msg: DecodedMessage): JsonValue {
  switch (form) {
    case 'time': {
      const t = timeParts(msg);
      return t.zero ? null : formatTime(t.seconds);
    }
    case 'microtime': {
      const t = timeParts(msg);
      return t.zero ? null : formatMicroTime(t.seconds, t.nanos);
    }
    case 'duration':
      return formatDuration((fieldValue(msg, 'duration') as bigint | undefined) ?? 0n);
    case 'intorstring': {
      const type = (fieldValue(msg, 'type') as bigint | undefined) ?? 0n;
      if (type === 0n) return (fieldValue(msg, 'intVal') as number | undefined) ?? 0;
      if (type === 1n) return (fieldValue(msg, 'strVal') as string | undefined) ?? '';
      throw new ProtobufWireError('impossible IntOrString.Type');
    }
    case 'quantity': {
      // The zero Quantity marshals as "0"; kubectl sends the canonical form, kept as is.
      const s = (fieldValue(msg, 'string') as string | undefined) ?? '';
      if (s === '') return '0';
      if (!QUANTITY.test(s))
        throw new ProtobufWireError(
          `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
        );
      return s;
    }
    case 'rawjson': {
      const raw = msg.plan.fields.length > 0 ? (msg.values[0] as Uint8Array | undefined) : undefined;
      if (!raw || raw.length === 0) return null;
      return rawToJson(raw);
    }
    case 'items': {
      const items = msg.values[0] as FieldValue[] | undefined;
      if (!items || items.length === 0) return null;
      const field = msg.plan.fields[0]!;
      return items.map((item) => elementToJson(field, item));
    }
  }
}

/** RawExtension and FieldsV1 write their raw bytes as they are: JSON, which must parse. */
function rawToJson(raw: Uint8Array): JsonValue {
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8')) as JsonValue;
  } catch {
    throw new ProtobufWireError(
      'json: error calling MarshalJSON for type runtime.RawExtension: invalid character in embedded object',
    );
  }
}
