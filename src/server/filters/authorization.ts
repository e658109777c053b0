// HTTP glue for authorization (apiserver/pkg/endpoints/filters/authorization.go): attributes from the
// request info and user, one decision, 403 with kube-apiserver's text otherwise.
import { internalError } from '../../api/errors.js';
import type { UserInfo } from '../../authn/interfaces.js';
import { forbiddenError } from '../../authz/forbidden.js';
import type { Attributes, Authorizer } from '../../authz/interfaces.js';
import { log } from '../../log.js';
import type { RequestInfo } from '../requestinfo.js';

export function attributesFor(info: RequestInfo, user: UserInfo): Attributes {
  return {
    user, verb: info.verb, isResourceRequest: info.isResourceRequest, path: info.path,
    namespace: info.namespace, apiGroup: info.apiGroup, apiVersion: info.apiVersion,
    resource: info.resource, subresource: info.subresource, name: info.name,
  };
}

export async function authorize(attrs: Attributes, authorizer: Authorizer): Promise<void> {
  const result = await authorizer.authorize(attrs);
  if (result.decision === 'Allow') return;
  if (result.error && result.decision !== 'Deny' && !result.reason) {
    log.warn({ user: attrs.user.username, verb: attrs.verb, path: attrs.path, error: result.error }, 'authorization error');
  }
  if (result.error && result.decision === 'NoOpinion' && result.error.startsWith('internal')) throw internalError(result.error);
  log.debug({ user: attrs.user.username, verb: attrs.verb, resource: attrs.resource, ns: attrs.namespace, reason: result.reason }, 'forbidden');
  throw forbiddenError(attrs, result.reason);
}
