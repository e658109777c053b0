// apiserver/pkg/authentication/request/anonymous: whoever got this far without a credential is
// system:anonymous in system:unauthenticated (only reached when --anonymous-auth is on).
import { SYSTEM_ANONYMOUS, SYSTEM_UNAUTHENTICATED, type Authenticator, type AuthResponse } from './interfaces.js';

export class AnonymousAuthenticator implements Authenticator {
  readonly name = 'anonymous';

  async authenticate(): Promise<AuthResponse | null> {
    return { user: { username: SYSTEM_ANONYMOUS, groups: [SYSTEM_UNAUTHENTICATED] } };
  }
}
