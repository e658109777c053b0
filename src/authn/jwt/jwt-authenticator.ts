// One JWT issuer as a token authenticator (kube's oidc jwtAuthenticator): a token is this issuer's
// when its unverified `iss` is the issuer URL; then every failure is an error (401), never "not mine".
// Audience-agnostic, as in kube: the API audiences are checked by the wrapper around the union.
import { AuthenticationError, type AuthResponse, type TokenAuthenticator } from '../interfaces.js';
import { userFromClaims } from './claims.js';
import type { CompiledJwtAuthenticator } from './config-validate.js';
import type { IssuerKeySet } from './issuer-keys.js';
import { MALFORMED_JWT, parseToken, untrustedIssuer, verifyIdToken, type Claims } from './verify.js';
import type { ParsedJws } from '../../serviceaccount/jws.js';

export class JwtAuthenticator implements TokenAuthenticator {
  readonly name: string;

  constructor(
    readonly compiled: CompiledJwtAuthenticator,
    readonly keys: IssuerKeySet,
    private readonly algorithms: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    this.name = `jwt(${compiled.config.issuer.url})`;
  }

  get issuer(): string {
    return this.compiled.config.issuer.url;
  }

  async authenticateToken(token: string): Promise<AuthResponse | null> {
    if (untrustedIssuer(token) !== this.issuer) return null;
    let jws: ParsedJws;
    try {
      jws = parseToken(token);
    } catch (e) {
      throw new AuthenticationError(`oidc: verify token: ${(e as Error).message}`);
    }
    return this.authenticateParsed(jws);
  }

  /**
   * For a token already parsed and known to claim this issuer (or undefined: it claims this issuer but
   * does not parse). Synchronous when the token verifies against a cached key: one await per request.
   */
  authenticateParsed(jws: ParsedJws | undefined): AuthResponse | Promise<AuthResponse> {
    if (!this.keys.ready) throw new AuthenticationError('oidc: authenticator not initialized');
    if (!jws) throw new AuthenticationError(`oidc: verify token: ${MALFORMED_JWT}`);
    let claims: Claims | Promise<Claims>;
    try {
      claims = verifyIdToken(jws, {
        issuer: this.issuer,
        audiences: this.compiled.config.issuer.audiences,
        algorithms: this.algorithms,
        keys: this.keys,
        now: this.now,
      });
    } catch (e) {
      throw new AuthenticationError(`oidc: verify token: ${(e as Error).message}`);
    }
    if (!(claims instanceof Promise)) return this.userFrom(claims);
    return claims.then(
      (c) => this.userFrom(c),
      (e: Error) => {
        throw new AuthenticationError(`oidc: verify token: ${e.message}`);
      },
    );
  }

  private userFrom(claims: Claims): AuthResponse {
    try {
      return { user: userFromClaims(this.compiled, claims) };
    } catch (e) {
      throw new AuthenticationError((e as Error).message);
    }
  }
}
