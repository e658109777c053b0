// Token authenticators in order, after apiserver/pkg/authentication/token/union: the first to accept
// wins, even after another one failed; if none accepts, the failures are aggregated into one error
// and a token nobody recognised is simply not authenticated (null).
import { aggregateErrors } from './aggregate.js';
import type { AuthResponse, TokenAuthenticator } from './interfaces.js';

export class UnionTokenAuthenticator implements TokenAuthenticator {
  readonly name: string;

  constructor(
    private readonly authenticators: TokenAuthenticator[],
    name?: string,
  ) {
    this.name = name ?? `tokenunion(${authenticators.map((a) => a.name).join(',')})`;
  }

  async authenticateToken(token: string, audiences?: string[]): Promise<AuthResponse | null> {
    const errors: unknown[] = [];
    for (const authenticator of this.authenticators) {
      try {
        const resp = await authenticator.authenticateToken(token, audiences);
        if (resp) return resp;
      } catch (e) {
        errors.push(e);
      }
    }
    const err = aggregateErrors(errors);
    if (err) throw err;
    return null;
  }
}
