// The authentication and authorization metrics, as wrappers around the interfaces (kube records them in
// WithAuthentication and WithAuthorization, and per authorizer in authorization/metrics.InstrumentedAuthorizer).
import type { Authenticator } from '../authn/interfaces.js';
import type { Authorizer } from '../authz/interfaces.js';
import type { ApiServerMetrics } from './apiserver-metrics.js';

const seconds = (start: number): number => (performance.now() - start) / 1000;

/** authentication_attempts{result}: success (a user, anonymous included), failure (no user), error (a bad credential). */
export function instrumentAuthenticator(delegate: Authenticator, metrics: ApiServerMetrics): Authenticator {
  return {
    name: delegate.name,
    async authenticate(req) {
      const start = performance.now();
      try {
        const resp = await delegate.authenticate(req);
        metrics.recordAuthentication(resp ? 'success' : 'failure', seconds(start));
        return resp;
      } catch (e) {
        metrics.recordAuthentication('error', seconds(start));
        throw e;
      }
    },
  };
}

/** authorization_attempts_total{result}: the request filter's one decision, as recordAuthorizationMetrics labels it. */
export function instrumentRequestAuthorizer(delegate: Authorizer, metrics: ApiServerMetrics): Authorizer {
  return {
    name: delegate.name,
    async authorize(attrs) {
      const start = performance.now();
      try {
        const result = await delegate.authorize(attrs);
        const label =
          result.decision === 'Allow'
            ? 'allowed'
            : result.error
              ? 'error'
              : result.decision === 'Deny'
                ? 'denied'
                : 'no-opinion';
        metrics.recordAuthorization(label, seconds(start));
        return result;
      } catch (e) {
        metrics.recordAuthorization('error', seconds(start));
        throw e;
      }
    },
  };
}

/**
 * apiserver_authorization_decisions_total{type,name,decision} for one authorizer of the union: its Allow or Deny
 * (NoOpinion is not terminal). kube names them after the mode: type RBAC/name rbac, type Webhook/name default.
 */
export function instrumentAuthorizer(
  type: string,
  name: string,
  delegate: Authorizer,
  metrics: ApiServerMetrics,
): Authorizer {
  return {
    name: delegate.name,
    async authorize(attrs) {
      const result = await delegate.authorize(attrs);
      if (result.decision === 'Allow') metrics.recordAuthorizerDecision(type, name, 'allowed');
      else if (result.decision === 'Deny') metrics.recordAuthorizerDecision(type, name, 'denied');
      return result;
    },
  };
}
