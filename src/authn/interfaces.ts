// Authentication contracts, after k8s.io/apiserver/pkg/authentication/authenticator/interfaces.go.
import type { IncomingHttpHeaders } from 'node:http';
import type { X509Certificate } from 'node:crypto';

/** user.Info: who the request is from. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** What an authenticator may look at: headers and the verified TLS client chain (leaf first). */
export interface AuthRequest {
  headers: IncomingHttpHeaders;
  /**
   * Every value of every header, unjoined (node's `req.headersDistinct`). Node joins repeated custom
   * headers with ", "; authenticators that read repeatable headers (the front proxy's groups) use this
   * when the caller provides it.
   */
  headersDistinct?: Record<string, string[] | undefined>;
  /** The request's URL path (AuthenticationConfiguration's anonymous conditions match on it). */
  path?: string;
  /** The client's certificate chain as presented; verification against the client CA is the x509 authenticator's job. */
  peerCertificates: X509Certificate[];
  /**
   * The audiences the credential must be good for (kube's authenticator.WithAudiences on the request
   * context). Undefined: not audience-limited. The chain fills in the API audiences for API requests;
   * TokenReview passes spec.audiences.
   */
  audiences?: string[];
}

export interface AuthResponse {
  user: UserInfo;
  /** The audiences the credential was valid for (token authenticators). */
  audiences?: string[];
}

/**
 * Returns a response when it recognises and accepts the credential, null when the request carries no
 * credential of its kind, and throws AuthenticationError when a credential of its kind is present but
 * invalid (an invalid credential must never fall through to anonymous).
 */
export interface Authenticator {
  readonly name: string;
  authenticate(req: AuthRequest): Promise<AuthResponse | null>;
}

/**
 * Validates a bare bearer token; same null/throw contract. `audiences` are the request's audiences
 * (undefined: not audience-limited); an audience-aware authenticator answers with the ones the token
 * is good for, an audience-agnostic one is wrapped (audiences.ts) to answer with the implicit ones.
 */
export interface TokenAuthenticator {
  readonly name: string;
  authenticateToken(token: string, audiences?: string[]): Promise<AuthResponse | null>;
}

export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

export const SYSTEM_ANONYMOUS = 'system:anonymous';
export const SYSTEM_UNAUTHENTICATED = 'system:unauthenticated';
export const SYSTEM_AUTHENTICATED = 'system:authenticated';
export const SYSTEM_MASTERS = 'system:masters';
export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
export const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';
