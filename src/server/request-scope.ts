// What the request path has learnt about one request so far, shared by the filters that look at a request
// from outside the handler (audit, metrics, overload): kube keeps the same facts in the request's context.
import type { UserInfo } from '../authn/interfaces.js';
import type { RequestInfo } from './requestinfo.js';

export interface RequestScope {
  /** performance.now() when the request arrived (kube's WithRequestReceivedTimestamp). */
  readonly receivedAt: number;
  /** Set once the path parsed; absent for requests refused before (malformed paths, public routes). */
  info?: RequestInfo;
  /** The authenticated user; absent until authentication succeeded. */
  requester?: UserInfo;
  /** The user the request acts as: the requester, or whom it impersonates. */
  user?: UserInfo;
}
