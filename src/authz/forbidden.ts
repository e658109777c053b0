// The 403 Status kube-apiserver writes when authorization refuses a request
// (apiserver/pkg/endpoints/handlers/responsewriters/errors.go: forbiddenMessage + Forbidden).
import { forbidden, type StatusError } from '../api/errors.js';
import type { Attributes } from './interfaces.js';

export function forbiddenMessage(attrs: Attributes): string {
  const user = JSON.stringify(attrs.user.username);
  if (!attrs.isResourceRequest) return `User ${user} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  if (attrs.namespace) {
    return `User ${user} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup)} in the namespace ${JSON.stringify(attrs.namespace)}`;
  }
  return `User ${user} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup)} at the cluster scope`;
}

/** The full StatusError; `reason` (the authorizer's explanation) is appended as `msg: reason` when present. */
// responsewriters.Forbidden escapes the user-controlled part of the message before adding the reason.
function sanitize(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function forbiddenError(attrs: Attributes, reason: string): StatusError {
  let msg = sanitize(forbiddenMessage(attrs));
  if (reason) msg = `${msg}: ${reason}`;
  const gr = attrs.isResourceRequest
    ? { group: attrs.apiGroup, resource: attrs.resource }
    : { group: '', resource: '' };
  return forbidden(gr, attrs.isResourceRequest ? attrs.name : '', msg);
}
