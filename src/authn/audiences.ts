// Per-request audiences, after apiserver/pkg/authentication/authenticator/audiences.go and
// audagnostic.go, and the audience part of the authentication filter (endpoints/filters/authentication.go).
// kube carries a request's audiences in its context; kauth carries them in AuthRequest.audiences and
// the token authenticators' second argument. Undefined means "not audience-limited".
import {
  AuthenticationError,
  type Authenticator,
  type AuthRequest,
  type AuthResponse,
  type TokenAuthenticator,
} from './interfaces.js';

/** Audiences(a).Intersect(b): the members of `b` that `a` has, in b's order. */
export function intersectAudiences(a: readonly string[], b: readonly string[]): string[] {
  return b.filter((aud) => a.includes(aud));
}

/**
 * The shared core of kube's audience-agnostic wrappers: a credential that carries no audience of its
 * own is good for the server's implicit (API) audiences only. Not audience-limited → ask the delegate
 * as is; limited to audiences that miss the implicit ones → not authenticated, the delegate is not
 * even asked; otherwise the answer carries the intersection as its audiences.
 */
async function audienceAgnostic(
  implicit: readonly string[],
  requested: string[] | undefined,
  authenticate: () => Promise<AuthResponse | null>,
): Promise<AuthResponse | null> {
  if (requested === undefined) return authenticate();
  const audiences = intersectAudiences(implicit, requested);
  if (audiences.length === 0) return null;
  const resp = await authenticate();
  return resp ? { ...resp, audiences } : null;
}

/** authenticator.WrapAudienceAgnosticToken: token file, bootstrap tokens, OIDC/JWT. */
export class AudienceAgnosticTokenAuthenticator implements TokenAuthenticator {
  readonly name: string;

  constructor(
    private readonly implicit: readonly string[],
    private readonly delegate: TokenAuthenticator,
  ) {
    this.name = delegate.name;
  }

  authenticateToken(token: string, audiences?: string[]): Promise<AuthResponse | null> {
    return audienceAgnostic(this.implicit, audiences, () => this.delegate.authenticateToken(token));
  }
}

/** authenticator.WrapAudienceAgnosticRequest: the request-header (front proxy) authenticator. */
export class AudienceAgnosticRequestAuthenticator implements Authenticator {
  readonly name: string;

  constructor(
    private readonly implicit: readonly string[],
    private readonly delegate: Authenticator,
  ) {
    this.name = delegate.name;
  }

  authenticate(req: AuthRequest): Promise<AuthResponse | null> {
    return audienceAgnostic(this.implicit, req.audiences, () => this.delegate.authenticate(req));
  }
}

/** filters.audiencesAreAcceptable: no API audiences or none in the answer is fine, else they must meet. */
export function audiencesAreAcceptable(
  apiAudiences: readonly string[],
  responseAudiences: readonly string[] | undefined,
): boolean {
  if (apiAudiences.length === 0 || !responseAudiences || responseAudiences.length === 0) return true;
  return intersectAudiences(apiAudiences, responseAudiences).length > 0;
}

/**
 * What WithAuthentication does with --api-audiences: a request that names no audiences is limited to
 * the API audiences, and an answer for other audiences is refused ("unable to match the audience").
 * A caller that names audiences itself (TokenReview) checks the answer itself, as kube's REST does.
 */
export class ApiAudiencesAuthenticator implements Authenticator {
  readonly name: string;

  constructor(
    private readonly apiAudiences: readonly string[],
    private readonly delegate: Authenticator,
  ) {
    this.name = delegate.name;
  }

  async authenticate(req: AuthRequest): Promise<AuthResponse | null> {
    if (req.audiences !== undefined || this.apiAudiences.length === 0) return this.delegate.authenticate(req);
    const resp = await this.delegate.authenticate({ ...req, audiences: [...this.apiAudiences] });
    if (resp && !audiencesAreAcceptable(this.apiAudiences, resp.audiences)) {
      throw new AuthenticationError(
        `unable to match the audience: ${goList(resp.audiences ?? [])} , accepted: ${goList(this.apiAudiences)}`,
      );
    }
    return resp;
  }
}

/** Go's %v on a []string: `[a b]`. */
function goList(list: readonly string[]): string {
  return `[${list.join(' ')}]`;
}
