// The TokenRequest subresource (POST …/serviceaccounts/<name>/token) minus the HTTP glue, after
// k8s.io/kubernetes/pkg/registry/core/serviceaccount/storage/token.go and
// pkg/apis/authentication/validation: same order of checks, same Statuses, same texts.
import {
  badRequest,
  conflict,
  fieldInvalid,
  internalError,
  invalid,
  notFound,
  StatusError,
  type FieldError,
} from '../api/errors.js';
import type { KubeObject, ObjectGetter } from '../api/types.js';
import type { BoundObject } from './claims.js';
import { kubeTime } from '../api/time.js';

export const TOKEN_REQUEST_KIND = 'TokenRequest';
export const TOKEN_REQUEST_GROUP = 'authentication.k8s.io';
export const TOKEN_REQUEST_API_VERSION = 'authentication.k8s.io/v1';
/** MinTokenAgeSec. */
export const MIN_TOKEN_EXPIRATION_SECONDS = 10 * 60;
export const MAX_TOKEN_EXPIRATION_SECONDS = 2 ** 32;
/** SetDefaults_TokenRequestSpec. */
export const DEFAULT_TOKEN_EXPIRATION_SECONDS = 60 * 60;

export interface BoundObjectReference {
  kind?: string;
  apiVersion?: string;
  name?: string;
  uid?: string;
}

export interface TokenRequestSpec {
  audiences?: string[] | null;
  expirationSeconds?: number | null;
  boundObjectRef?: BoundObjectReference | null;
}

/** The request body as decoded JSON (only the fields read here are typed). */
export interface TokenRequestBody {
  metadata?: { name?: string; namespace?: string };
  spec?: TokenRequestSpec;
}

/**
 * NewInvalid(GroupKind{authentication.k8s.io, TokenRequest}, name, errs). Kubernetes names the kind
 * group-qualified in the message (`TokenRequest.authentication.k8s.io "" is invalid: …`) and quotes
 * the name even when it is empty, so the message is set here; details come from the shared invalid().
 */
export function tokenRequestInvalid(name: string, errs: FieldError[]): StatusError {
  const base = invalid(TOKEN_REQUEST_KIND, name, TOKEN_REQUEST_GROUP, errs);
  const rendered = errs.map((e) => `${e.field}: ${e.message}`);
  const agg = rendered.length === 1 ? rendered[0] : `[${rendered.join(', ')}]`;
  return new StatusError(
    422,
    'Invalid',
    `${TOKEN_REQUEST_KIND}.${TOKEN_REQUEST_GROUP} ${JSON.stringify(name)} is invalid: ${agg}`,
    base.details,
  );
}

/** A body that does not decode into a TokenRequest is a 400, as the JSON decoder makes it. */
function decodeError(detail: string): StatusError {
  return badRequest(`TokenRequest in version "v1" cannot be handled as a TokenRequest: ${detail}`);
}

/** Type checks the decoder would do, plus the defaults: audiences [] and expirationSeconds 3600. */
export function decodeTokenRequestSpec(body: TokenRequestBody | undefined): {
  audiences: string[];
  expirationSeconds: number;
  boundObjectRef?: BoundObjectReference;
} {
  const spec = body?.spec ?? {};
  const audiences = spec.audiences ?? [];
  if (!Array.isArray(audiences) || !audiences.every((a) => typeof a === 'string')) {
    throw decodeError('json: cannot unmarshal into Go struct field TokenRequestSpec.spec.audiences of type []string');
  }
  const expirationSeconds = spec.expirationSeconds ?? DEFAULT_TOKEN_EXPIRATION_SECONDS;
  if (typeof expirationSeconds !== 'number' || !Number.isSafeInteger(expirationSeconds)) {
    throw decodeError(
      'json: cannot unmarshal into Go struct field TokenRequestSpec.spec.expirationSeconds of type int64',
    );
  }
  const ref = spec.boundObjectRef ?? undefined;
  if (ref !== undefined && (typeof ref !== 'object' || Array.isArray(ref))) {
    throw decodeError(
      'json: cannot unmarshal into Go struct field TokenRequestSpec.spec.boundObjectRef of type v1.BoundObjectReference',
    );
  }
  return { audiences, expirationSeconds, boundObjectRef: ref };
}

/** The URL names the ServiceAccount; a body naming another one is refused. */
export function validateTokenRequestMetadata(
  name: string,
  namespace: string,
  body: TokenRequestBody | undefined,
): void {
  const meta = body?.metadata ?? {};
  if (meta.name && meta.name !== name) {
    throw tokenRequestInvalid(name, [
      fieldInvalid('metadata.name', meta.name, 'must match the service account name if specified'),
    ]);
  }
  if (meta.namespace && meta.namespace !== namespace) {
    throw tokenRequestInvalid(name, [
      fieldInvalid('metadata.namespace', meta.namespace, 'must match the service account namespace if specified'),
    ]);
  }
}

/** ValidateTokenRequest: 10 minutes ≤ expirationSeconds ≤ 2^32. */
export function validateExpirationSeconds(expirationSeconds: number): void {
  const errs: FieldError[] = [];
  if (expirationSeconds < MIN_TOKEN_EXPIRATION_SECONDS) {
    errs.push(
      fieldInvalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes'),
    );
  }
  if (expirationSeconds > MAX_TOKEN_EXPIRATION_SECONDS) {
    errs.push(
      fieldInvalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration larger than 2^32 seconds'),
    );
  }
  if (errs.length > 0) throw tokenRequestInvalid('', errs);
}

/** Empty audiences mean the API server's own. */
export function defaultAudiences(audiences: string[], apiAudiences: string[]): string[] {
  return audiences.length > 0 ? audiences : [...apiAudiences];
}

/** --service-account-max-token-expiration (0: no limit) shortens the request, with kube-apiserver's warning. */
export function clampExpirationSeconds(
  expirationSeconds: number,
  maxExpirationSeconds: number,
): { expirationSeconds: number; warning?: string } {
  if (maxExpirationSeconds > 0 && expirationSeconds > maxExpirationSeconds) {
    return {
      expirationSeconds: maxExpirationSeconds,
      warning: `requested expiration of ${expirationSeconds} seconds shortened to ${maxExpirationSeconds} seconds`,
    };
  }
  return { expirationSeconds };
}

/** schema.FromAPIVersionAndKind: group and version from apiVersion (unparseable → empty). */
function groupVersionKind(ref: BoundObjectReference): { group: string; version: string; kind: string } {
  const apiVersion = ref.apiVersion ?? '';
  const kind = ref.kind ?? '';
  const parts = apiVersion.split('/');
  if (apiVersion === '') return { group: '', version: '', kind };
  if (parts.length === 1) return { group: '', version: parts[0]!, kind };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]!, kind };
  return { group: '', version: '', kind };
}

async function getObject(
  getter: ObjectGetter,
  resource: string,
  namespace: string,
  name: string,
): Promise<KubeObject | undefined> {
  try {
    return await getter.get(resource, namespace, name);
  } catch (e) {
    if (e instanceof StatusError) throw e;
    throw internalError((e as Error).message);
  }
}

/**
 * The object the token will be bound to: 404 when it does not exist, 400 for other kinds or a pod
 * running as another ServiceAccount, 409 when the request pins a UID the object no longer has.
 * A pod-bound token also records the pod's node (name only when the Node object is missing).
 */
export async function resolveBoundObject(
  getter: ObjectGetter,
  namespace: string,
  serviceAccountName: string,
  ref: BoundObjectReference | undefined,
): Promise<BoundObject | undefined> {
  if (!ref) return undefined;
  const gvk = groupVersionKind(ref);
  const name = ref.name ?? '';
  let bound: BoundObject;
  if (gvk.group === '' && gvk.kind === 'Pod') {
    const pod = await getObject(getter, 'pods', namespace, name);
    if (!pod) throw notFound({ group: '', resource: 'pods' }, name);
    const spec = (pod.spec ?? {}) as { serviceAccountName?: string; nodeName?: string };
    if (serviceAccountName !== (spec.serviceAccountName ?? '')) {
      throw badRequest(
        `cannot bind token for serviceaccount ${JSON.stringify(serviceAccountName)} to pod running with different serviceaccount name.`,
      );
    }
    bound = { kind: 'Pod', name: pod.metadata.name ?? name, uid: pod.metadata.uid ?? '' };
    if (spec.nodeName) {
      const node = await getObject(getter, 'nodes', '', spec.nodeName);
      bound.nodeName = spec.nodeName;
      if (node?.metadata.uid) bound.nodeUid = node.metadata.uid;
    }
  } else if (gvk.group === '' && gvk.kind === 'Node') {
    const node = await getObject(getter, 'nodes', '', name);
    if (!node) throw notFound({ group: '', resource: 'nodes' }, name);
    bound = { kind: 'Node', name: node.metadata.name ?? name, uid: node.metadata.uid ?? '' };
  } else if (gvk.group === '' && gvk.kind === 'Secret') {
    const secret = await getObject(getter, 'secrets', namespace, name);
    if (!secret) throw notFound({ group: '', resource: 'secrets' }, name);
    bound = { kind: 'Secret', name: secret.metadata.name ?? name, uid: secret.metadata.uid ?? '' };
  } else {
    throw badRequest(`cannot bind token to object of type ${gvk.group}/${gvk.version}, Kind=${gvk.kind}`);
  }
  if (ref.uid && ref.uid !== bound.uid) {
    throw conflict(
      { group: gvk.group, resource: gvk.kind },
      name,
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  }
  return bound;
}

export interface PrepareTokenRequestInput {
  getter: ObjectGetter;
  /** From the URL. */
  namespace: string;
  /** The ServiceAccount's name, from the URL. */
  name: string;
  body: TokenRequestBody | undefined;
  apiAudiences: string[];
  /** --service-account-max-token-expiration in seconds; 0 or absent: none. */
  maxExpirationSeconds?: number;
  now?: Date;
}

/** Everything the issuer needs, checked in kube-apiserver's order. */
export interface PreparedTokenRequest {
  namespace: string;
  serviceAccount: { name: string; uid: string };
  audiences: string[];
  /** After clamping; the token itself may still be extended by the issuer (3607 s pod tokens). */
  expirationSeconds: number;
  boundObjectRef?: BoundObjectReference;
  boundObject?: BoundObject;
  warnings: string[];
  now: Date;
}

export async function prepareTokenRequest(input: PrepareTokenRequestInput): Promise<PreparedTokenRequest> {
  const { getter, namespace, name, body } = input;
  validateTokenRequestMetadata(name, namespace, body);
  const spec = decodeTokenRequestSpec(body);
  const sa = await getObject(getter, 'serviceaccounts', namespace, name);
  if (!sa) throw notFound({ group: '', resource: 'serviceaccounts' }, name);
  const audiences = defaultAudiences(spec.audiences, input.apiAudiences);
  const now = input.now ?? new Date();
  validateExpirationSeconds(spec.expirationSeconds);
  const boundObject = await resolveBoundObject(getter, namespace, name, spec.boundObjectRef);
  const clamped = clampExpirationSeconds(spec.expirationSeconds, input.maxExpirationSeconds ?? 0);
  return {
    namespace,
    serviceAccount: { name: sa.metadata.name ?? name, uid: sa.metadata.uid ?? '' },
    audiences,
    expirationSeconds: clamped.expirationSeconds,
    boundObjectRef: spec.boundObjectRef,
    boundObject,
    warnings: clamped.warning ? [clamped.warning] : [],
    now,
  };
}

/**
 * The TokenRequest kube-apiserver answers with (201): the request, defaulted, plus status. The
 * status expiry is now + the requested (clamped) seconds, even when the token was extended.
 */
export function tokenRequestResponse(prepared: PreparedTokenRequest, token: string): KubeObject {
  const spec: Record<string, unknown> = {
    audiences: prepared.audiences,
    expirationSeconds: prepared.expirationSeconds,
  };
  if (prepared.boundObjectRef) spec.boundObjectRef = prepared.boundObjectRef;
  return {
    kind: TOKEN_REQUEST_KIND,
    apiVersion: TOKEN_REQUEST_API_VERSION,
    metadata: {
      name: prepared.serviceAccount.name,
      namespace: prepared.namespace,
      creationTimestamp: kubeTime(prepared.now),
    },
    spec,
    status: {
      token,
      expirationTimestamp: kubeTime(new Date(prepared.now.getTime() + prepared.expirationSeconds * 1000)),
    },
  };
}
