// apiserver/pkg/authentication/group/authenticated_group_adder.go: every authenticated user is in
// system:authenticated, except system:anonymous and users that already carry system:authenticated
// or system:unauthenticated.
import {
  SYSTEM_ANONYMOUS,
  SYSTEM_AUTHENTICATED,
  SYSTEM_UNAUTHENTICATED,
  type Authenticator,
  type AuthRequest,
  type AuthResponse,
} from './interfaces.js';

export function withAuthenticatedGroup(resp: AuthResponse): AuthResponse {
  const { user } = resp;
  if (user.username === SYSTEM_ANONYMOUS) return resp;
  if (user.groups.some((g) => g === SYSTEM_AUTHENTICATED || g === SYSTEM_UNAUTHENTICATED)) return resp;
  // A new object: responses may be shared through the token cache and must not be mutated.
  return { ...resp, user: { ...user, groups: [...user.groups, SYSTEM_AUTHENTICATED] } };
}

export class AuthenticatedGroupAdder implements Authenticator {
  readonly name: string;

  constructor(private readonly inner: Authenticator) {
    this.name = inner.name;
  }

  async authenticate(req: AuthRequest): Promise<AuthResponse | null> {
    const resp = await this.inner.authenticate(req);
    return resp ? withAuthenticatedGroup(resp) : null;
  }
}
