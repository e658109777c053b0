// The claims of service-account tokens, exactly as kube-apiserver writes them:
// bound tokens after k8s.io/kubernetes/pkg/serviceaccount/claims.go, legacy Secret tokens after legacy.go.
import { randomUUID } from 'node:crypto';
import { SERVICE_ACCOUNT_PREFIX, SERVICE_ACCOUNTS_GROUP } from '../authn/interfaces.js';

/** `iss` of the tokens the legacy token controller writes into `kubernetes.io/service-account-token` Secrets. */
export const LEGACY_ISSUER = 'kubernetes/serviceaccount';
/** What kubelet asks for; kube-apiserver then extends pod-bound tokens to a year and sets `warnafter`. */
export const WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 60 * 60 + 7;
export const EXPIRATION_EXTENSION_SECONDS = 24 * 365 * 60 * 60;
/** go-jose jwt.DefaultLeeway: the clock skew tolerated on exp/nbf/iat and on deletion timestamps. */
export const JWT_DEFAULT_LEEWAY_SECONDS = 60;

export interface ObjectRefClaim {
  name?: string;
  uid?: string;
}

/** The `kubernetes.io` private claim of a bound token. */
export interface KubernetesClaims {
  namespace?: string;
  serviceaccount: ObjectRefClaim;
  pod?: ObjectRefClaim;
  secret?: ObjectRefClaim;
  node?: ObjectRefClaim;
  warnafter?: number;
}

export interface BoundTokenClaims {
  aud?: string[];
  exp: number;
  iat: number;
  iss: string;
  jti?: string;
  'kubernetes.io': KubernetesClaims;
  nbf: number;
  sub: string;
}

export interface LegacyTokenClaims {
  iss: typeof LEGACY_ISSUER;
  'kubernetes.io/serviceaccount/namespace': string;
  'kubernetes.io/serviceaccount/secret.name': string;
  'kubernetes.io/serviceaccount/service-account.name': string;
  'kubernetes.io/serviceaccount/service-account.uid': string;
  sub: string;
}

/** The object a bound token lives and dies with. A pod-bound token also records the pod's node, when known. */
export interface BoundObject {
  kind: 'Pod' | 'Secret' | 'Node';
  name: string;
  uid: string;
  nodeName?: string;
  nodeUid?: string;
}

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;
}

export function serviceAccountGroups(namespace: string): string[] {
  return [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${namespace}`];
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** apiserver serviceaccount.SplitUsername: `system:serviceaccount:<ns>:<name>` with valid names, else undefined. */
export function splitServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts as [string, string];
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) return undefined;
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) return undefined;
  return { namespace, name };
}

/** Go's `omitempty` on ref{name,uid}: empty strings are left out. */
function ref(name: string | undefined, uid: string | undefined): ObjectRefClaim {
  const r: ObjectRefClaim = {};
  if (name) r.name = name;
  if (uid) r.uid = uid;
  return r;
}

export interface BoundClaimsInput {
  issuer: string;
  namespace: string;
  serviceAccount: { name: string; uid: string };
  audiences: string[];
  expirationSeconds: number;
  /** Set for extended tokens: `warnafter` = now + this. */
  warnAfterSeconds?: number;
  boundObject?: BoundObject;
  now: Date;
  /** Defaults to a random UUID (gate ServiceAccountTokenJTI, on by default). */
  jti?: string;
}

/** claims.go Claims(): public claims plus the `kubernetes.io` private claim; times are whole seconds. */
export function buildBoundClaims(input: BoundClaimsInput): BoundTokenClaims {
  const now = Math.floor(input.now.getTime() / 1000);
  const k8s: KubernetesClaims = {
    serviceaccount: ref(input.serviceAccount.name, input.serviceAccount.uid),
  };
  if (input.namespace) k8s.namespace = input.namespace;
  const bound = input.boundObject;
  if (bound?.kind === 'Pod') {
    k8s.pod = ref(bound.name, bound.uid);
    if (bound.nodeName) k8s.node = ref(bound.nodeName, bound.nodeUid);
  } else if (bound?.kind === 'Secret') {
    k8s.secret = ref(bound.name, bound.uid);
  } else if (bound?.kind === 'Node') {
    k8s.node = ref(bound.name, bound.uid);
  }
  if (input.warnAfterSeconds) k8s.warnafter = now + input.warnAfterSeconds;
  const claims: BoundTokenClaims = {
    exp: now + input.expirationSeconds,
    iat: now,
    iss: input.issuer,
    jti: input.jti ?? randomUUID(),
    'kubernetes.io': k8s,
    nbf: now,
    sub: serviceAccountUsername(input.namespace, input.serviceAccount.name),
  };
  if (input.audiences.length > 0) claims.aud = [...input.audiences];
  return claims;
}

export interface LegacyClaimsInput {
  namespace: string;
  serviceAccountName: string;
  serviceAccountUid: string;
  secretName: string;
}

/** legacy.go LegacyClaims(): flat claims, no audience, no expiry. */
export function buildLegacyClaims(input: LegacyClaimsInput): LegacyTokenClaims {
  return {
    iss: LEGACY_ISSUER,
    'kubernetes.io/serviceaccount/namespace': input.namespace,
    'kubernetes.io/serviceaccount/secret.name': input.secretName,
    'kubernetes.io/serviceaccount/service-account.name': input.serviceAccountName,
    'kubernetes.io/serviceaccount/service-account.uid': input.serviceAccountUid,
    sub: serviceAccountUsername(input.namespace, input.serviceAccountName),
  };
}

/**
 * JSON with object keys sorted at every level: go-jose builds the payload as a Go map, and
 * encoding/json writes map keys in sorted order, so this is byte-for-byte what kube-apiserver signs.
 */
export function canonicalJson(value: unknown): string {
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
  // Go's encoder also escapes HTML-significant characters and the JS line separators.
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
