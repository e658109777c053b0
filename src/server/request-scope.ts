// What the request path has learnt about one request so far, shared by the filters that look at a request
// from outside the handler (audit, metrics, overload): kube keeps the same facts in the request's context.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserInfo } from '../authn/interfaces.js';
import type { RequestInfo } from './requestinfo.js';
import type { RequestAudit } from '../audit/index.js';

export interface RequestScope {
  /** performance.now() when the request arrived (kube's WithRequestReceivedTimestamp). */
  readonly receivedAt: number;
  /** Set once the path parsed; absent for requests refused before (malformed paths, public routes). */
  info?: RequestInfo;
  /** The request's query, parsed once with the path. */
  query?: URLSearchParams;
  /** The authenticated user; absent until authentication succeeded. */
  requester?: UserInfo;
  /** The user the request acts as: the requester, or whom it impersonates. */
  user?: UserInfo;
  /** Authorization allowed it: the request went on to its handler (metrics count only those, as kube does). */
  authorized?: boolean;
  /** Refused with 429 by the max-in-flight limit. */
  throttled?: boolean;
  /** Ran past its deadline and was answered 504 (or cut) by the request-timeout filter. */
  timedOut?: boolean;
  /** The request's audit event as it grows (its auditID is the Audit-ID response header). */
  audit?: RequestAudit;
}

/** Sees every request begin and end (the metrics); the server calls it, whatever the outcome. */
export interface RequestObserver {
  begin(req: IncomingMessage, scope: RequestScope): void;
  /** The response ended or its connection closed. */
  end(req: IncomingMessage, res: ServerResponse, scope: RequestScope): void;
}
