// Request authenticators in order, after apiserver/pkg/authentication/request/union: the first that
// accepts wins; if none does, their errors are aggregated. With failOnError (how kube-apiserver puts
// anonymous behind everything else) the first error ends the chain, so a bad credential is refused
// instead of being downgraded to system:anonymous.
import { aggregateErrors } from './aggregate.js';
import { AuthenticationError, type Authenticator, type AuthRequest, type AuthResponse } from './interfaces.js';

export interface UnionOptions {
  failOnError?: boolean;
  name?: string;
}

export class UnionAuthenticator implements Authenticator {
  readonly name: string;
  private readonly failOnError: boolean;

  constructor(
    private readonly authenticators: Authenticator[],
    options: UnionOptions = {},
  ) {
    this.failOnError = options.failOnError ?? false;
    this.name = options.name ?? `union(${authenticators.map((a) => a.name).join(',')})`;
  }

  async authenticate(req: AuthRequest): Promise<AuthResponse | null> {
    const errors: unknown[] = [];
    for (const authenticator of this.authenticators) {
      let resp: AuthResponse | null;
      try {
        resp = await authenticator.authenticate(req);
      } catch (e) {
        if (this.failOnError)
          throw e instanceof AuthenticationError
            ? e
            : new AuthenticationError(e instanceof Error ? e.message : String(e));
        errors.push(e);
        continue;
      }
      if (resp) return resp;
    }
    const err = aggregateErrors(errors);
    if (err) throw err;
    return null;
  }
}

/** kube-apiserver's outermost wrapper: the chain, then anonymous only when the chain found no credential. */
export function withAnonymousFallback(chain: Authenticator, anonymous: Authenticator): Authenticator {
  return new UnionAuthenticator([chain, anonymous], { failOnError: true, name: `${chain.name}+anonymous` });
}
