// Who a request through the gateway acts as in the target cluster:
//  - the authenticated caller (x509 from the users' CA, or a JWT issuer), impersonated by the gateway;
//  - with Impersonate-* from the caller (`kubectl --as`), the requested identity, after the target cluster
//    allowed the caller each part of it by SubjectAccessReview (kube's impersonation filter, asked remotely);
//  - a service-account token the target cluster itself issued (TokenReview there): passed through untouched.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Authenticator, UserInfo } from '../authn/interfaces.js';
import { SERVICE_ACCOUNT_PREFIX } from '../authn/interfaces.js';
import { authenticate } from '../server/filters/authentication.js';
import { buildImpersonationRequests, impersonate } from '../server/filters/impersonation.js';
import { ClusterSubjectAccessReviewer } from './cluster-authorizer.js';
import type { UpstreamCluster } from './upstream.js';

export type RequestIdentity =
  /** The gateway impersonates `user` for `caller` (the same person unless they used --as). */
  | { kind: 'impersonate'; caller: UserInfo; user: UserInfo; impersonated: boolean }
  /** A cluster-issued service-account token: the request goes on with the caller's own credential. */
  | { kind: 'passthrough'; caller: UserInfo };

const TOKEN_REVIEW_PATH = '/apis/authentication.k8s.io/v1/tokenreviews';
/** TokenReview answers are cached like kube-apiserver's token cache: 10 s for a yes, 2 s for a no. */
const REVIEW_TTL_OK_MS = 10_000;
const REVIEW_TTL_NO_MS = 2_000;
const REVIEW_CACHE_MAX = 10_000;
/** A compact JWS: three base64url parts. Checked with string code (no regex over the token). */
function looksLikeJwt(token: string): boolean {
  if (token.length > 16 * 1024) return false;
  const parts = token.split('.');
  return parts.length === 3 && parts.every((p) => p.length > 0);
}

function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headersDistinct.authorization?.[0];
  if (!h) return undefined;
  const space = h.indexOf(' ');
  if (space < 0 || h.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  const token = h.slice(space + 1).trim();
  return token || undefined;
}

export class IdentityResolver {
  private readonly reviews = new Map<string, { user: UserInfo | null; until: number }>();

  constructor(private readonly authenticator: Authenticator) {}

  /** The caller as the gateway knows them; 401 Status when nobody is authenticated. */
  async caller(req: IncomingMessage): Promise<UserInfo> {
    return (await authenticate(req, this.authenticator)).user;
  }

  /**
   * Step 1: who is calling. A credential the gateway does not know may still be a service-account token of the
   * target cluster: that cluster's TokenReview decides, and the request then goes on untouched.
   */
  async authenticate(
    req: IncomingMessage,
    cluster: UpstreamCluster,
  ): Promise<{ caller: UserInfo; passthrough: boolean }> {
    const token = bearerToken(req);
    try {
      return { caller: await this.caller(req), passthrough: false };
    } catch (e) {
      const sa = token && looksLikeJwt(token) ? await this.reviewServiceAccountToken(cluster, token) : null;
      if (sa) return { caller: sa, passthrough: true };
      throw e;
    }
  }

  /**
   * Step 2: as whom. Without Impersonate-* headers, the caller; with them (`kubectl --as`), kube's own checks run,
   * each one a SubjectAccessReview in the target cluster, and a refusal is kube's 403.
   */
  async actAs(req: IncomingMessage, cluster: UpstreamCluster, caller: UserInfo): Promise<RequestIdentity> {
    if (buildImpersonationRequests(req.headers, req.headersDistinct).length === 0) {
      return { kind: 'impersonate', caller, user: caller, impersonated: false };
    }
    const result = await impersonate(
      caller,
      req.headers,
      new ClusterSubjectAccessReviewer(cluster),
      req.headersDistinct,
    );
    return { kind: 'impersonate', caller, user: result.user, impersonated: true };
  }

  /** A service-account user when `cluster` accepts the token (TokenReview), else null. */
  private async reviewServiceAccountToken(cluster: UpstreamCluster, token: string): Promise<UserInfo | null> {
    const key = `${cluster.name}\0${createHash('sha256').update(token).digest('hex')}`;
    const now = Date.now();
    const hit = this.reviews.get(key);
    if (hit && now < hit.until) return hit.user;
    const { code, json } = await cluster.postJson(TOKEN_REVIEW_PATH, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token },
    });
    const status = (json.status ?? {}) as { authenticated?: boolean; user?: UserInfo };
    const ok =
      (code === 201 || code === 200) &&
      status.authenticated === true &&
      typeof status.user?.username === 'string' &&
      status.user.username.startsWith(SERVICE_ACCOUNT_PREFIX);
    const user = ok ? { ...status.user!, groups: status.user!.groups ?? [] } : null;
    if (this.reviews.size >= REVIEW_CACHE_MAX) this.reviews.clear();
    this.reviews.set(key, { user, until: now + (user ? REVIEW_TTL_OK_MS : REVIEW_TTL_NO_MS) });
    return user;
  }
}
