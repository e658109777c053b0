// HTTP glue for authorization (apiserver/pkg/endpoints/filters/authorization.go): attributes from the
// request info and user, one decision, 403 with kube-apiserver's text otherwise.
import { internalServerError } from '../../api/errors.js';
import type { UserInfo } from '../../authn/interfaces.js';
import { forbiddenError } from '../../authz/forbidden.js';
import type { Attributes, Authorizer } from '../../authz/interfaces.js';
import { log } from '../../log.js';
import type { RequestInfo } from '../requestinfo.js';

export function attributesFor(info: RequestInfo, user: UserInfo): Attributes {
  return {
    user,
    verb: info.verb,
    isResourceRequest: info.isResourceRequest,
    path: info.path,
    namespace: info.namespace,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    resource: info.resource,
    subresource: info.subresource,
    name: info.name,
  };
}

/** What authorization decided, for the audit annotations (authorization.k8s.io/decision and /reason). */
export interface AuthorizationOutcome {
  decision: 'allow' | 'forbid' | 'error';
  reason: string;
}

/**
 * One decision for the request. As WithAuthorization: Allow wins even beside an error (RBAC may allow while
 * another authorizer failed); otherwise an error is a 500 with kube's plain text, and a denial is the 403.
 * `record` sees the outcome before the request goes on or fails (the audit log's annotations).
 */
export async function authorize(
  attrs: Attributes,
  authorizer: Authorizer,
  requestUri: string,
  record?: (o: AuthorizationOutcome) => void,
): Promise<void> {
  const result = await authorizer.authorize(attrs);
  if (result.decision === 'Allow') {
    record?.({ decision: 'allow', reason: result.reason });
    return;
  }
  if (result.error) {
    record?.({ decision: 'error', reason: result.error });
    log.warn(
      { user: attrs.user.username, verb: attrs.verb, path: attrs.path, error: result.error },
      'authorization error',
    );
    throw internalServerError(requestUri, result.error);
  }
  record?.({ decision: 'forbid', reason: result.reason });
  log.debug(
    {
      user: attrs.user.username,
      verb: attrs.verb,
      resource: attrs.resource,
      ns: attrs.namespace,
      reason: result.reason,
    },
    'forbidden',
  );
  throw forbiddenError(attrs, result.reason);
}
