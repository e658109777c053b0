// The anonymous authenticator of an AuthenticationConfiguration's `anonymous` section (kube 1.32+,
// apiserver/pkg/authentication/request/anonymous): with conditions, only requests for exactly one of
// the listed paths are anonymous; others stay unauthenticated (401).
import {
  SYSTEM_ANONYMOUS,
  SYSTEM_UNAUTHENTICATED,
  type Authenticator,
  type AuthRequest,
  type AuthResponse,
} from '../interfaces.js';

export class ConditionalAnonymousAuthenticator implements Authenticator {
  readonly name = 'anonymous';
  private readonly paths: ReadonlySet<string>;

  constructor(paths: readonly string[]) {
    this.paths = new Set(paths);
  }

  async authenticate(req: AuthRequest): Promise<AuthResponse | null> {
    // Without a path the condition cannot be met: fail closed.
    if (this.paths.size > 0 && (req.path === undefined || !this.paths.has(req.path))) return null;
    return { user: { username: SYSTEM_ANONYMOUS, groups: [SYSTEM_UNAUTHENTICATED] } };
  }
}
