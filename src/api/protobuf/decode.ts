// Decodes a Kubernetes protobuf request body (application/vnd.kubernetes.protobuf) into the JSON object
// Kubernetes' own JSON encoding would give for it, so the rest of kauth only ever sees JSON objects.
import { StatusError, badRequest, unsupportedMediaTypeError } from '../errors.js';
import type { KubeObject } from '../types.js';
import { EnvelopeError, readEnvelope } from './envelope.js';
import { messageForKind } from './kinds.js';
import { planFor } from './plan.js';
import { messageToJson, type JsonObject } from './to-json.js';
import { decodeMessage } from './wire.js';
import { ProtobufWireError } from './wire-error.js';

const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/**
 * Throws StatusError 400 for a malformed body, 415 for a kind kauth cannot decode from protobuf.
 * The result carries `kind` and `apiVersion` from the envelope.
 */
export function decodeProtobufObject(body: Buffer): KubeObject {
  if (body.length === 0) throw badRequest('the body of the request was empty');
  planFor('runtime.Unknown'); // outside the try: a schema fault is ours, not the body's
  let envelope;
  try {
    envelope = readEnvelope(body);
  } catch (e) {
    if (e instanceof EnvelopeError)
      throw badRequest(`the object provided is unrecognized (decoding protobuf): ${e.message}`);
    throw unexpected(e);
  }
  const { apiVersion, kind } = envelope;
  if (!kind) throw badRequest(`Object 'Kind' is missing in the protobuf body`);
  // Kubernetes clients leave both empty (raw is plain protobuf); anything else is not for this decoder.
  if (envelope.contentEncoding !== '') {
    throw unsupportedMediaTypeError(
      `the protobuf body of ${gvkString(apiVersion, kind)} has content encoding ${JSON.stringify(envelope.contentEncoding)}, which this server cannot decode`,
    );
  }
  if (envelope.contentType !== '' && envelope.contentType !== PROTOBUF_CONTENT_TYPE) {
    throw unsupportedMediaTypeError(
      `the protobuf body of ${gvkString(apiVersion, kind)} wraps content type ${JSON.stringify(envelope.contentType)}, which this server cannot decode`,
    );
  }
  const messageName = messageForKind(apiVersion, kind);
  if (!messageName) {
    throw unsupportedMediaTypeError(
      `the body of the request was in protobuf for ${gvkString(apiVersion, kind)}, which this server cannot decode from protobuf - send it as application/json`,
    );
  }
  const version = apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
  const plan = planFor(messageName);
  try {
    const msg = decodeMessage(plan, envelope.raw);
    const fields = messageToJson(msg) as JsonObject;
    // TypeMeta comes first in every Kubernetes object, kind before apiVersion.
    return { kind, apiVersion, ...fields } as unknown as KubeObject;
  } catch (e) {
    if (e instanceof StatusError) throw e;
    if (e instanceof ProtobufWireError) {
      // The words kube-apiserver uses for a body that does not decode into the kind it names.
      throw badRequest(`${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: ${e.message}`);
    }
    throw unexpected(e);
  }
}

/** `apps/v1, Kind=Deployment`, as schema.GroupVersionKind prints itself. */
function gvkString(apiVersion: string, kind: string): string {
  return `${apiVersion}, Kind=${kind}`;
}

/** Anything else thrown while reading untrusted bytes (a RangeError from deep input, say) is still the body's fault. */
function unexpected(e: unknown): StatusError {
  const detail = e instanceof Error ? e.message : String(e);
  return badRequest(`the object provided is unrecognized (decoding protobuf): ${detail}`);
}
