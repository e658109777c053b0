// The protobuf envelope: the 4-byte magic `k8s\0`, then a runtime.Unknown whose raw bytes are the object.
import { planFor } from './plan.js';
import { decodeMessage, fieldValue, type DecodedMessage } from './wire.js';
import { ProtobufWireError } from './wire-error.js';

export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

/** Why an envelope could not be read: the message says it in apimachinery's words. */
export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

export function readEnvelope(body: Uint8Array): Envelope {
  if (body.length < PROTOBUF_MAGIC.length || !PROTOBUF_MAGIC.equals(body.subarray(0, PROTOBUF_MAGIC.length))) {
    // As k8s.io/apimachinery/pkg/runtime/serializer/protobuf words it (Go prints the prefix as a byte list).
    throw new EnvelopeError('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  let unknown: DecodedMessage;
  try {
    unknown = decodeMessage(planFor('runtime.Unknown'), body.subarray(PROTOBUF_MAGIC.length));
  } catch (e) {
    if (e instanceof ProtobufWireError) throw new EnvelopeError(e.message);
    throw e;
  }
  const typeMeta = fieldValue(unknown, 'typeMeta') as DecodedMessage | undefined;
  return {
    apiVersion: (typeMeta && (fieldValue(typeMeta, 'apiVersion') as string | undefined)) || '',
    kind: (typeMeta && (fieldValue(typeMeta, 'kind') as string | undefined)) || '',
    raw: (fieldValue(unknown, 'raw') as Uint8Array | undefined) ?? new Uint8Array(0),
    contentEncoding: (fieldValue(unknown, 'contentEncoding') as string | undefined) ?? '',
    contentType: (fieldValue(unknown, 'contentType') as string | undefined) ?? '',
  };
}
