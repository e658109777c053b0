// Every budget a request body is held to, in one place. The numbers are kube-apiserver's (or etcd's) where
// it has one; the rest are kauth's own, where JavaScript needs a bound Go does not (one event loop, a call
// stack of a few thousand frames).

/** genericapiserver's MaxRequestBodyBytes: the largest write-request body read and decoded (413 beyond). */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

/**
 * After an over-limit body, the bytes read and thrown away (and the time spent doing it) before answering
 * 413, so that a client still writing gets to read the answer; a longer body gets the answer and the
 * connection closes.
 */
export const MAX_DRAINED_BODY_BYTES = 8 * MAX_REQUEST_BODY_BYTES;
export const MAX_DRAIN_MS = 10_000;

/** etcd's default --max-request-bytes (1.5 MiB): the largest object the store takes, key plus encoded value. */
export const MAX_STORED_OBJECT_BYTES = 1.5 * 1024 * 1024;

/** encoding/json's maxNestingDepth (sigs.k8s.io/json has the same): deeper JSON is refused when decoded. */
export const MAX_JSON_DEPTH = 10_000;

/** gopkg.in/yaml.v2's max_flow_level and max_indents (sigs.k8s.io/yaml uses its fork). */
export const MAX_YAML_DEPTH = 10_000;

/**
 * kauth's: the JSON a YAML body decodes to counts against the request body limit, so that aliases cannot
 * turn a small body into a large object (413 beyond).
 */
export const MAX_DECODED_YAML_BYTES = MAX_REQUEST_BODY_BYTES;

/** kauth's: a YAML body is parsed off the event loop; past this it is answered 504 and the parse stopped. */
export const YAML_DECODE_TIMEOUT_MS = 15_000;

/** patch.go's maxJSONPatchOperations (413 beyond). */
export const MAX_JSON_PATCH_OPERATIONS = 10_000;

/**
 * genericapiserver's JSONPatchMaxCopyBytes, which kube-apiserver sets as jsonpatch.AccumulatedCopySizeLimit:
 * the bytes all `copy` operations of one JSON patch may add, counted as the copied values' compact JSON.
 */
export const MAX_JSON_PATCH_COPY_BYTES = 3 * 1024 * 1024;

/**
 * kauth's: array elements a JSON patch may shift (an insert or removal moves every element after it) plus
 * the path segments it walks. Real patches use a tiny fraction; 10,000 inserts at the head of a
 * 700,000-element array would use 70 times this.
 */
export const MAX_JSON_PATCH_WORK = 100_000_000;
