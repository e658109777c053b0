// The service-account token authenticator: kube-apiserver's jwtTokenAuthenticator
// (pkg/serviceaccount/jwt.go) with the bound-token validator (claims.go) and the legacy Secret-token
// validator (legacy.go). A token that is not a JWT or names another issuer is not ours (null), so the
// next token authenticator may try it; a token with our issuer that fails any check is an error.
import { timingSafeEqual } from 'node:crypto';
import type { KubeObject, ObjectGetter } from '../api/types.js';
import { intersectAudiences } from '../authn/audiences.js';
import { AuthenticationError, type AuthResponse, type TokenAuthenticator, type UserInfo } from '../authn/interfaces.js';
import {
  JWT_DEFAULT_LEEWAY_SECONDS,
  LEGACY_ISSUER,
  serviceAccountGroups,
  serviceAccountUsername,
  splitServiceAccountUsername,
  type ObjectRefClaim,
} from './claims.js';
import { parseCompactJws, verifyJwsSignature, type ParsedJws } from './jws.js';
import type { ServiceAccountPublicKey } from './keys.js';

export const POD_NAME_KEY = 'authentication.kubernetes.io/pod-name';
export const POD_UID_KEY = 'authentication.kubernetes.io/pod-uid';
export const NODE_NAME_KEY = 'authentication.kubernetes.io/node-name';
export const NODE_UID_KEY = 'authentication.kubernetes.io/node-uid';
export const CREDENTIAL_ID_KEY = 'authentication.kubernetes.io/credential-id';
/** Label the legacy-token cleaner puts on unused auto-generated token Secrets (legacy.go InvalidSinceLabelKey). */
export const LEGACY_TOKEN_INVALID_SINCE_LABEL = 'kubernetes.io/legacy-token-invalid-since';

export interface JwtVerifyOptions {
  /** Issuers accepted for bound tokens (--service-account-issuer, all of them). */
  issuers: string[];
  /**
   * --api-audiences: the audiences a request is limited to unless it names its own (legacy tokens, which
   * have none, are given these).
   */
  apiAudiences: string[];
  publicKeys: ServiceAccountPublicKey[];
  /** Accept `iss: kubernetes/serviceaccount` Secret tokens (default true). */
  acceptLegacy?: boolean;
}

/** A token whose signature, issuer and audience have been checked. */
export interface VerifiedJwt {
  kind: 'bound' | 'legacy';
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** The token's audiences that the request asked for (the API audiences unless told otherwise). */
  audiences: string[];
}

/** Go's %q on a []string: `["a" "b"]`. */
function goQuotedList(list: readonly string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
}

function audiencesOf(claims: Record<string, unknown>): string[] {
  const aud = claims.aud;
  if (aud === undefined || aud === null) return [];
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud) && aud.every((a) => typeof a === 'string')) return aud as string[];
  throw new AuthenticationError('go-jose/go-jose/jwt: expected string or array value to unmarshal to Audience');
}

/**
 * Checks a compact JWS the way jwtTokenAuthenticator.AuthenticateToken does up to the validator:
 * unverified issuer peek (not ours → null), key by `kid` (or every key), signature, issuer, audience.
 * Times and store lookups are the validators' business.
 */
export class ServiceAccountJwtVerifier {
  private readonly issuers: Set<string>;
  private readonly apiAudiences: string[];
  private readonly keysById = new Map<string, ServiceAccountPublicKey[]>();
  private readonly allKeys: ServiceAccountPublicKey[];

  constructor(options: JwtVerifyOptions) {
    this.issuers = new Set(options.issuers);
    if (options.acceptLegacy ?? true) this.issuers.add(LEGACY_ISSUER);
    this.apiAudiences = [...options.apiAudiences];
    this.allKeys = [...options.publicKeys];
    for (const key of this.allKeys) {
      const list = this.keysById.get(key.kid) ?? [];
      list.push(key);
      this.keysById.set(key.kid, list);
    }
  }

  /**
   * Null when the token is not a JWT from one of our issuers. Throws AuthenticationError when it is, but is bad.
   * `requested`: the request's audiences (TokenReview's spec.audiences); undefined means the API audiences.
   */
  verify(token: string, requested?: readonly string[]): VerifiedJwt | null {
    if (token.trimStart().startsWith('{')) return null; // JSON serialization is never ours
    const jws = parseCompactJws(token);
    if (!jws) return null;
    const iss = jws.payload.iss;
    if (typeof iss !== 'string' || !this.issuers.has(iss)) return null;
    // A header go-jose cannot even parse (alg/kid not strings) makes ParseSigned fail: not ours either.
    if (typeof jws.header.alg !== 'string' || (jws.header.kid !== undefined && typeof jws.header.kid !== 'string'))
      return null;

    this.checkSignature(jws);
    const claims = jws.payload;

    let tokenAudiences = audiencesOf(claims);
    // Legacy tokens carry no audience: they are good for the API server's own audiences only.
    if (tokenAudiences.length === 0) tokenAudiences = this.apiAudiences;
    // jwt.go: Audiences(tokenAudiences).Intersect(requested), in the requested order.
    const target = requested ?? this.apiAudiences;
    const accepted = intersectAudiences(tokenAudiences, target);
    if (accepted.length === 0 && this.apiAudiences.length !== 0) {
      throw new AuthenticationError(
        `token audiences ${goQuotedList(tokenAudiences)} is invalid for the target audiences ${goQuotedList(target)}`,
      );
    }
    return { kind: iss === LEGACY_ISSUER ? 'legacy' : 'bound', header: jws.header, claims, audiences: accepted };
  }

  private checkSignature(jws: ParsedJws): void {
    if (jws.header.crit !== undefined) throw new AuthenticationError('go-jose/go-jose: unsupported crit header');
    const kid = typeof jws.header.kid === 'string' ? jws.header.kid : '';
    const keys = kid ? (this.keysById.get(kid) ?? []) : this.allKeys;
    if (keys.length === 0) throw new AuthenticationError('invalid signature, no keys found');
    const errors: string[] = [];
    for (const key of keys) {
      try {
        verifyJwsSignature(jws, key);
        return;
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    throw new AuthenticationError(aggregate(errors));
  }
}

/** utilerrors.NewAggregate's message: one error as is, several de-duplicated inside `[a, b]`. */
function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

function numericDate(claims: Record<string, unknown>, name: string): number | undefined {
  const v = claims[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new AuthenticationError(
      'service account token claims could not be validated due to unexpected validation error',
    );
  return v;
}

/**
 * go-jose Claims.ValidateWithLeeway(DefaultLeeway) as claims.go words its failures. Order matters:
 * nbf, then exp, then iat.
 */
export function checkTokenTimes(
  claims: Record<string, unknown>,
  now: Date,
  leewaySeconds = JWT_DEFAULT_LEEWAY_SECONDS,
): void {
  const t = now.getTime() / 1000;
  const nbf = numericDate(claims, 'nbf');
  const exp = numericDate(claims, 'exp');
  const iat = numericDate(claims, 'iat');
  if (nbf !== undefined && t + leewaySeconds < nbf)
    throw new AuthenticationError('service account token is not valid yet');
  if (exp !== undefined && t - leewaySeconds > exp) throw new AuthenticationError('service account token has expired');
  if (iat !== undefined && t + leewaySeconds < iat)
    throw new AuthenticationError('service account token is issued in the future');
}

export interface ServiceAccountTokenAuthenticatorOptions extends JwtVerifyOptions {
  /** Reads ServiceAccounts, Secrets, Pods and Nodes as they are now. */
  getter: ObjectGetter;
  /**
   * --service-account-lookup, which (as in kube-apiserver) governs legacy Secret tokens only: bound
   * tokens are always checked against their ServiceAccount and bound object.
   */
  lookup: boolean;
  now?: () => Date;
}

interface BoundPrivateClaims {
  namespace: string;
  serviceaccount: ObjectRefClaim;
  pod?: ObjectRefClaim;
  secret?: ObjectRefClaim;
  node?: ObjectRefClaim;
}

function asRef(v: unknown): ObjectRefClaim | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error('bad ref');
  const o = v as Record<string, unknown>;
  if ((o.name !== undefined && typeof o.name !== 'string') || (o.uid !== undefined && typeof o.uid !== 'string'))
    throw new Error('bad ref');
  return { name: o.name as string | undefined, uid: o.uid as string | undefined };
}

/** The typed `kubernetes.io` claim; a shape Go's json.Unmarshal would refuse is an error, as it is there. */
function boundPrivateClaims(claims: Record<string, unknown>): BoundPrivateClaims {
  try {
    const raw = claims['kubernetes.io'] ?? {};
    if (typeof raw !== 'object' || Array.isArray(raw) || raw === null) throw new Error('bad claim');
    const k = raw as Record<string, unknown>;
    if (k.namespace !== undefined && typeof k.namespace !== 'string') throw new Error('bad namespace');
    return {
      namespace: (k.namespace as string | undefined) ?? '',
      serviceaccount: asRef(k.serviceaccount) ?? {},
      pod: asRef(k.pod),
      secret: asRef(k.secret),
      node: asRef(k.node),
    };
  } catch {
    throw new AuthenticationError('service account token claims could not be validated');
  }
}

function stringClaim(claims: Record<string, unknown>, name: string): string {
  const v = claims[name];
  return typeof v === 'string' ? v : '';
}

interface ServiceAccountInfo {
  namespace: string;
  name: string;
  uid: string;
  podName?: string;
  podUid?: string;
  nodeName?: string;
  nodeUid?: string;
  credentialId?: string;
}

/** apiserver serviceaccount.ServiceAccountInfo.UserInfo(). */
function userInfo(sa: ServiceAccountInfo): UserInfo {
  const user: UserInfo = {
    username: serviceAccountUsername(sa.namespace, sa.name),
    uid: sa.uid,
    groups: serviceAccountGroups(sa.namespace),
  };
  const extra: Record<string, string[]> = {};
  if (sa.podName && sa.podUid) {
    extra[POD_NAME_KEY] = [sa.podName];
    extra[POD_UID_KEY] = [sa.podUid];
  }
  if (sa.credentialId) extra[CREDENTIAL_ID_KEY] = [sa.credentialId];
  if (sa.nodeName) {
    extra[NODE_NAME_KEY] = [sa.nodeName];
    if (sa.nodeUid) extra[NODE_UID_KEY] = [sa.nodeUid];
  }
  if (Object.keys(extra).length > 0) user.extra = extra;
  return user;
}

export class ServiceAccountTokenAuthenticator implements TokenAuthenticator {
  readonly name = 'serviceaccount';
  private readonly verifier: ServiceAccountJwtVerifier;
  private readonly getter: ObjectGetter;
  private readonly lookup: boolean;
  private readonly now: () => Date;

  constructor(options: ServiceAccountTokenAuthenticatorOptions) {
    this.verifier = new ServiceAccountJwtVerifier(options);
    this.getter = options.getter;
    this.lookup = options.lookup;
    this.now = options.now ?? (() => new Date());
  }

  async authenticateToken(token: string, audiences?: string[]): Promise<AuthResponse | null> {
    const verified = this.verifier.verify(token, audiences);
    if (!verified) return null;
    try {
      const info =
        verified.kind === 'legacy'
          ? await this.validateLegacy(token, verified.claims)
          : await this.validateBound(verified.claims);
      return { user: userInfo(info), audiences: verified.audiences };
    } catch (e) {
      if (e instanceof AuthenticationError) throw e;
      // A store failure is still a failed authentication (401), never a pass.
      throw new AuthenticationError((e as Error).message);
    }
  }

  private async get(resource: string, namespace: string, name: string): Promise<KubeObject | undefined> {
    return this.getter.get(resource, namespace, name);
  }

  /** Deleted before now − leeway counts as gone (claims.go invalidIfDeletedBefore). */
  private deletedBeforeLeeway(obj: KubeObject, now: Date): boolean {
    const ts = obj.metadata.deletionTimestamp;
    if (!ts) return false;
    return Date.parse(ts) < now.getTime() - JWT_DEFAULT_LEEWAY_SECONDS * 1000;
  }

  private async validateBound(claims: Record<string, unknown>): Promise<ServiceAccountInfo> {
    const now = this.now();
    checkTokenTimes(claims, now);
    const k8s = boundPrivateClaims(claims);
    const namespace = k8s.namespace;
    const saName = k8s.serviceaccount.name ?? '';
    const saUid = k8s.serviceaccount.uid ?? '';

    const sa = await this.get('serviceaccounts', namespace, saName);
    if (!sa) throw new AuthenticationError(`serviceaccounts "${saName}" not found`);
    if ((sa.metadata.uid ?? '') !== saUid)
      throw new AuthenticationError(`service account UID (${sa.metadata.uid ?? ''}) does not match claim (${saUid})`);
    if (this.deletedBeforeLeeway(sa, now))
      throw new AuthenticationError(`service account ${namespace}/${saName} has been deleted`);

    await this.checkBoundObject('secrets', 'secret', namespace, k8s.secret, now);
    let podName: string | undefined;
    let podUid: string | undefined;
    if (k8s.pod) {
      await this.checkBoundObject('pods', 'pod', namespace, k8s.pod, now);
      podName = k8s.pod.name;
      podUid = k8s.pod.uid;
    }
    let nodeName: string | undefined;
    let nodeUid: string | undefined;
    if (k8s.node) {
      // Alongside a pod the node is informational; on its own it is the bound object.
      if (!k8s.pod) await this.checkBoundObject('nodes', 'node', '', k8s.node, now);
      nodeName = k8s.node.name;
      nodeUid = k8s.node.uid;
    }
    const jti = stringClaim(claims, 'jti');
    return {
      namespace,
      name: saName,
      uid: saUid,
      podName,
      podUid,
      nodeName,
      nodeUid,
      credentialId: jti ? `JTI=${jti}` : undefined,
    };
  }

  private async checkBoundObject(
    resource: 'secrets' | 'pods' | 'nodes',
    what: 'secret' | 'pod' | 'node',
    namespace: string,
    ref: ObjectRefClaim | undefined,
    now: Date,
  ): Promise<void> {
    if (!ref) return;
    const obj = await this.get(resource, namespace, ref.name ?? '');
    if (!obj) throw new AuthenticationError('service account token has been invalidated');
    if ((ref.uid ?? '') !== (obj.metadata.uid ?? '')) {
      throw new AuthenticationError(
        `${what} UID (${obj.metadata.uid ?? ''}) does not match service account ${what} ref claim (${ref.uid ?? ''})`,
      );
    }
    if (this.deletedBeforeLeeway(obj, now)) throw new AuthenticationError('service account token has been invalidated');
  }

  private async validateLegacy(token: string, claims: Record<string, unknown>): Promise<ServiceAccountInfo> {
    const sub = stringClaim(claims, 'sub');
    const namespace = stringClaim(claims, 'kubernetes.io/serviceaccount/namespace');
    const secretName = stringClaim(claims, 'kubernetes.io/serviceaccount/secret.name');
    const saName = stringClaim(claims, 'kubernetes.io/serviceaccount/service-account.name');
    const saUid = stringClaim(claims, 'kubernetes.io/serviceaccount/service-account.uid');
    if (!sub) throw new AuthenticationError('sub claim is missing');
    if (!namespace) throw new AuthenticationError('namespace claim is missing');
    if (!secretName) throw new AuthenticationError('secretName claim is missing');
    if (!saName) throw new AuthenticationError('serviceAccountName claim is missing');
    if (!saUid) throw new AuthenticationError('serviceAccountUID claim is missing');
    const subject = splitServiceAccountUsername(sub);
    if (!subject || subject.namespace !== namespace || subject.name !== saName)
      throw new AuthenticationError('sub claim is invalid');

    if (this.lookup) {
      const secret = await this.get('secrets', namespace, secretName);
      if (!secret || secret.metadata.deletionTimestamp) throw new AuthenticationError('Token has been invalidated');
      const stored = Buffer.from(String((secret.data as Record<string, unknown> | undefined)?.token ?? ''), 'base64');
      const presented = Buffer.from(token);
      if (stored.length !== presented.length || !timingSafeEqual(stored, presented))
        throw new AuthenticationError("Token does not match server's copy");

      const sa = await this.get('serviceaccounts', namespace, saName);
      if (!sa) throw new AuthenticationError(`serviceaccounts "${saName}" not found`);
      if (sa.metadata.deletionTimestamp)
        throw new AuthenticationError(`ServiceAccount ${namespace}/${saName} has been deleted`);
      if ((sa.metadata.uid ?? '') !== saUid)
        throw new AuthenticationError(`ServiceAccount UID (${sa.metadata.uid ?? ''}) does not match claim (${saUid})`);
      if (secret.metadata.labels?.[LEGACY_TOKEN_INVALID_SINCE_LABEL]) {
        throw new AuthenticationError(
          `the token in secret ${namespace}/${secretName} for service account ${namespace}/${saName} has been marked invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the '${LEGACY_TOKEN_INVALID_SINCE_LABEL}' label from the secret to temporarily allow use of this token`,
        );
      }
    }
    return { namespace, name: saName, uid: saUid };
  }
}
