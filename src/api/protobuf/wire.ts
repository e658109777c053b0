// Reads protobuf wire data against a MessagePlan, with the checks gogo-protobuf's generated Unmarshal makes
// (wire types, lengths within the enclosing message, illegal tags). Unknown fields are skipped.
import type protobuf from 'protobufjs';
import { protobuf as protobufLib } from './lib.js';
import type { FieldPlan, MessagePlan, ScalarKind } from './plan.js';
import { ProtobufWireError } from './wire-error.js';

/** A decoded scalar: strings, booleans, numbers; int64/uint64 as bigint; bytes as Uint8Array. */
export type ScalarValue = string | boolean | number | bigint | Uint8Array;
export type FieldValue = ScalarValue | DecodedMessage | FieldValue[] | Map<string, FieldValue>;

/** A message as read: values[i] belongs to plan.fields[i] and is undefined when the field was not on the wire. */
export interface DecodedMessage {
  readonly plan: MessagePlan;
  readonly values: (FieldValue | undefined)[];
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_START_GROUP = 3;
const WIRE_END_GROUP = 4;
const WIRE_FIXED32 = 5;
/** The largest field number protobuf allows (2^29 - 1). */
const MAX_FIELD_NUMBER = 536870911;
/** Deeper nesting than any Kubernetes object has; guards the recursion. */
const MAX_DEPTH = 100;

/** The value of a field by name, as read (undefined when absent). */
export function fieldValue(msg: DecodedMessage, name: string): FieldValue | undefined {
  const field = msg.plan.byName.get(name);
  return field ? msg.values[field.index] : undefined;
}

export function emptyMessage(plan: MessagePlan): DecodedMessage {
  return { plan, values: new Array<FieldValue | undefined>(plan.fields.length) };
}

/** Decodes a whole buffer as one message of the plan. */
export function decodeMessage(plan: MessagePlan, data: Uint8Array): DecodedMessage {
  // A Buffer view (no copy) so that strings decode with Buffer's native UTF-8 and bytes come out as views.
  const reader = protobufLib().Reader.create(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  const msg = emptyMessage(plan);
  readInto(reader, msg, data.length, 0);
  return msg;
}

function eof(): ProtobufWireError {
  return new ProtobufWireError('unexpected EOF');
}

function readInto(r: protobuf.Reader, msg: DecodedMessage, end: number, depth: number): void {
  if (depth > MAX_DEPTH) throw new ProtobufWireError(`${msg.plan.name}: nesting deeper than ${MAX_DEPTH}`);
  const { plan, values } = msg;
  while (r.pos < end) {
    const tag = readVarintNumber(r);
    const id = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === WIRE_END_GROUP) throw new ProtobufWireError(`proto: ${plan.name}: wiretype end group for non-group`);
    if (id <= 0 || id > MAX_FIELD_NUMBER)
      throw new ProtobufWireError(`proto: ${plan.name}: illegal tag ${id} (wire type ${wire})`);
    const field = plan.byId[id];
    if (!field) skipField(r, wire, end);
    else readField(r, field, wire, values, depth);
    if (r.pos > end) throw eof();
  }
}

function wrongWire(field: FieldPlan, wire: number): ProtobufWireError {
  return new ProtobufWireError(`proto: wrong wireType = ${wire} for field ${field.name}`);
}

function readField(
  r: protobuf.Reader,
  field: FieldPlan,
  wire: number,
  values: (FieldValue | undefined)[],
  depth: number,
): void {
  if (field.shape === 'map') {
    if (wire !== WIRE_BYTES) throw wrongWire(field, wire);
    const map = (values[field.index] as Map<string, FieldValue> | undefined) ?? new Map<string, FieldValue>();
    values[field.index] = map;
    readMapEntry(r, field, map, depth);
    return;
  }
  if (field.message) {
    if (wire !== WIRE_BYTES) throw wrongWire(field, wire);
    const end = delimitedEnd(r);
    if (field.shape === 'repeated') {
      const list = (values[field.index] as FieldValue[] | undefined) ?? [];
      values[field.index] = list;
      const item = emptyMessage(field.message);
      readInto(r, item, end, depth + 1);
      list.push(item);
    } else {
      // A singular message seen twice is merged, as proto (and gogo's Unmarshal) do.
      const existing = values[field.index] as DecodedMessage | undefined;
      const target = existing ?? emptyMessage(field.message);
      values[field.index] = target;
      readInto(r, target, end, depth + 1);
    }
    return;
  }
  const kind = field.scalar!;
  if (field.shape === 'repeated') {
    const list = (values[field.index] as FieldValue[] | undefined) ?? [];
    values[field.index] = list;
    if (wire === WIRE_BYTES && isPackable(kind)) {
      const end = delimitedEnd(r);
      while (r.pos < end) list.push(readScalar(r, kind, field, wireOf(kind)));
      if (r.pos !== end) throw eof();
    } else {
      list.push(readScalar(r, kind, field, wire));
    }
    return;
  }
  values[field.index] = readScalar(r, kind, field, wire);
}

function readMapEntry(r: protobuf.Reader, field: FieldPlan, map: Map<string, FieldValue>, depth: number): void {
  const end = delimitedEnd(r);
  let key: ScalarValue = field.mapKey === 'string' ? '' : 0;
  let value: FieldValue | undefined;
  while (r.pos < end) {
    const [id, wire] = readTag(r);
    if (id === 1) {
      key = readScalar(r, field.mapKey!, field, wire);
    } else if (id === 2) {
      if (field.message) {
        if (wire !== WIRE_BYTES) throw wrongWire(field, wire);
        const valueEnd = delimitedEnd(r);
        const msg = emptyMessage(field.message);
        readInto(r, msg, valueEnd, depth + 1);
        value = msg;
      } else {
        value = readScalar(r, field.scalar!, field, wire);
      }
    } else {
      if (id <= 0 || wire === WIRE_END_GROUP)
        throw new ProtobufWireError(`proto: illegal tag ${id} (wire type ${wire}) in map entry of ${field.name}`);
      skipField(r, wire, end);
    }
    if (r.pos > end) throw eof();
  }
  // A missing value is the zero value of its type, as in Go.
  map.set(String(key), value ?? (field.message ? emptyMessage(field.message) : zeroScalar(field.scalar!)));
}

/** Reads a length prefix and returns where the delimited bytes end, refusing lengths past the data. */
function delimitedEnd(r: protobuf.Reader): number {
  const length = readVarintNumber(r);
  const end = r.pos + length;
  if (end > r.len) throw eof();
  return end;
}

/** A field key: [field number, wire type]. */
function readTag(r: protobuf.Reader): [number, number] {
  const key = readVarintNumber(r);
  return [Math.floor(key / 8), key % 8];
}

/**
 * A varint as a double: exact up to 2^53, which covers tags and lengths; larger values only need to be
 * recognised as too large, which the comparison against the data length does.
 */
function readVarintNumber(r: protobuf.Reader): number {
  const buf = r.buf;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (r.pos >= r.len) throw eof();
    const b = buf[r.pos++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return value;
    scale *= 128;
  }
  throw new ProtobufWireError('proto: integer overflow');
}

function isPackable(kind: ScalarKind): boolean {
  return kind !== 'string' && kind !== 'bytes';
}

function wireOf(kind: ScalarKind): number {
  switch (kind) {
    case 'string':
    case 'bytes':
      return WIRE_BYTES;
    case 'double':
      return WIRE_FIXED64;
    default:
      return WIRE_VARINT;
  }
}

function readScalar(r: protobuf.Reader, kind: ScalarKind, field: FieldPlan, wire: number): ScalarValue {
  if (wire !== wireOf(kind)) throw wrongWire(field, wire);
  switch (kind) {
    case 'string': {
      const end = delimitedEnd(r);
      const s = (r.buf as Buffer).toString('utf8', r.pos, end);
      r.pos = end;
      return s;
    }
    case 'bytes': {
      const end = delimitedEnd(r);
      // A view into the request body, which outlives the decoded object's construction.
      const b = (r.buf as Buffer).subarray(r.pos, end);
      r.pos = end;
      return b;
    }
    case 'bool':
      return readVarint64(r) !== 0n;
    case 'int32':
      return Number(BigInt.asIntN(32, readVarint64(r)));
    case 'uint32':
      return Number(BigInt.asUintN(32, readVarint64(r)));
    case 'int64':
      return BigInt.asIntN(64, readVarint64(r));
    case 'uint64':
      return BigInt.asUintN(64, readVarint64(r));
    case 'double':
      if (r.pos + 8 > r.len) throw eof();
      return r.double();
  }
}

/** A varint of up to 10 bytes, exactly (protobufjs would round 64-bit values through a double). */
function readVarint64(r: protobuf.Reader): bigint {
  const buf = r.buf;
  let lo = 0;
  // Fast path: most varints (lengths, small ints, booleans) fit in 28 bits.
  for (let shift = 0; shift < 28; shift += 7) {
    if (r.pos >= r.len) throw eof();
    const b = buf[r.pos++]!;
    lo |= (b & 0x7f) << shift;
    if (b < 0x80) return BigInt(lo);
  }
  let result = BigInt(lo);
  for (let shift = 28n; shift < 70n; shift += 7n) {
    if (r.pos >= r.len) throw eof();
    const b = buf[r.pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return BigInt.asUintN(64, result);
  }
  throw new ProtobufWireError('proto: integer overflow');
}

export function zeroScalar(kind: ScalarKind): ScalarValue {
  switch (kind) {
    case 'string':
      return '';
    case 'bytes':
      return new Uint8Array(0);
    case 'bool':
      return false;
    case 'int64':
    case 'uint64':
      return 0n;
    default:
      return 0;
  }
}

/** Skips an unknown field; groups are walked with a counter, not recursion, so nesting cannot exhaust the stack. */
function skipField(r: protobuf.Reader, wire: number, end: number): void {
  if (wire !== WIRE_START_GROUP) {
    skipValue(r, wire);
    return;
  }
  let depth = 1;
  while (depth > 0) {
    if (r.pos >= end) throw eof();
    const w = readTag(r)[1];
    if (w === WIRE_START_GROUP) depth++;
    else if (w === WIRE_END_GROUP) depth--;
    else skipValue(r, w);
  }
}

function skipValue(r: protobuf.Reader, wire: number): void {
  switch (wire) {
    case WIRE_VARINT:
      readVarint64(r);
      return;
    case WIRE_FIXED64:
      skipBytes(r, 8);
      return;
    case WIRE_BYTES:
      r.pos = delimitedEnd(r);
      return;
    case WIRE_FIXED32:
      skipBytes(r, 4);
      return;
    default:
      throw new ProtobufWireError(`proto: illegal wireType ${wire}`);
  }
}

function skipBytes(r: protobuf.Reader, n: number): void {
  if (r.pos + n > r.len) throw eof();
  r.pos += n;
}
