// Encodes objects with protobufjs, from the same schema the decoder reads, wrapped in the Kubernetes envelope.
import assert from 'node:assert/strict';
import { kubeType } from '../../../src/api/protobuf/schema.js';
import { StatusError } from '../../../src/api/errors.js';

export const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** protobufjs encoding of `object` (protobuf field names, proto shapes) as message `typeName`. */
export function encodeMessage(typeName: string, object: Record<string, unknown>): Buffer {
  const type = kubeType(typeName);
  const problem = type.verify(object);
  if (problem) throw new Error(`${typeName}: ${problem}`);
  return Buffer.from(type.encode(type.fromObject(object)).finish());
}

/** `k8s\0` + runtime.Unknown{typeMeta, raw}. */
export function envelope(
  apiVersion: string,
  kind: string,
  raw: Uint8Array,
  extra: Record<string, unknown> = {},
): Buffer {
  return Buffer.concat([MAGIC, encodeMessage('runtime.Unknown', { typeMeta: { apiVersion, kind }, raw, ...extra })]);
}

export function encodeObject(
  apiVersion: string,
  kind: string,
  typeName: string,
  object: Record<string, unknown>,
): Buffer {
  return envelope(apiVersion, kind, encodeMessage(typeName, object));
}

/** Runs fn and returns the StatusError it must throw. */
export function statusErrorOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StatusError, `expected a StatusError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a StatusError, got a result');
}

/** A protobuf key byte sequence: (field << 3) | wire. */
export function key(field: number, wire: number): number[] {
  const out: number[] = [];
  let v = field * 8 + wire;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** A length-delimited field: key, length, bytes. */
export function delimited(field: number, bytes: number[] | Uint8Array): number[] {
  const data = [...bytes];
  return [...key(field, 2), ...varint(data.length), ...data];
}

export function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}
