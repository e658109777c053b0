// The request authenticator kube-apiserver assembles (pkg/kubeapiserver/authenticator/config.go
// Config.New): the front proxy (`before`), x509, then bearer token and websocket token over one cached
// token union, the lot wrapped in the authenticated-group adder, anonymous last with fail-on-error so
// that a bad credential is a 401 rather than a downgrade, and the API audiences around it all.
import { AnonymousAuthenticator } from './anonymous.js';
import { ApiAudiencesAuthenticator } from './audiences.js';
import { BearerTokenAuthenticator, WebSocketProtocolAuthenticator } from './bearer.js';
import { AuthenticatedGroupAdder } from './group-adder.js';
import type { Authenticator, TokenAuthenticator } from './interfaces.js';
import { CachedTokenAuthenticator, type TokenCacheOptions } from './token-cache.js';
import { UnionTokenAuthenticator } from './token-union.js';
import { UnionAuthenticator, withAnonymousFallback } from './union.js';
import { X509Authenticator, type X509AuthenticatorOptions } from './x509.js';

export interface AuthenticationChainOptions {
  /** --client-ca-file contents; x509 authentication is off when absent or empty. */
  clientCaPems?: string[];
  x509?: X509AuthenticatorOptions;
  /**
   * In kube-apiserver's order: token file, service-account tokens (legacy, then bound), bootstrap
   * tokens, then OIDC/webhook (which must come after service accounts).
   */
  tokenAuthenticators: TokenAuthenticator[];
  /** Token cache settings; false turns the cache off (kube-apiserver: success 10 s, failure 0). */
  tokenCache?: TokenCacheOptions | false;
  /** --anonymous-auth (kube-apiserver default: true). */
  anonymous?: boolean;
  /** Authenticators tried before x509 (request-header / front proxy). */
  before?: Authenticator[];
  /**
   * --api-audiences: a request that names no audiences is limited to these, and an answer for other
   * audiences is refused (the authentication filter's part in kube-apiserver).
   */
  apiAudiences?: string[];
}

export function buildAuthenticator(options: AuthenticationChainOptions): Authenticator {
  const authenticators: Authenticator[] = [...(options.before ?? [])];
  if (options.clientCaPems && options.clientCaPems.length > 0) {
    authenticators.push(new X509Authenticator(options.clientCaPems, options.x509));
  }
  if (options.tokenAuthenticators.length > 0) {
    let tokens: TokenAuthenticator =
      options.tokenAuthenticators.length === 1
        ? options.tokenAuthenticators[0]!
        : new UnionTokenAuthenticator(options.tokenAuthenticators);
    if (options.tokenCache !== false) tokens = new CachedTokenAuthenticator(tokens, options.tokenCache ?? {});
    authenticators.push(new BearerTokenAuthenticator(tokens), new WebSocketProtocolAuthenticator(tokens));
  }
  const chain = new AuthenticatedGroupAdder(new UnionAuthenticator(authenticators, { name: 'authentication' }));
  const withAnonymous =
    (options.anonymous ?? true) ? withAnonymousFallback(chain, new AnonymousAuthenticator()) : chain;
  return options.apiAudiences?.length
    ? new ApiAudiencesAuthenticator(options.apiAudiences, withAnonymous)
    : withAnonymous;
}
