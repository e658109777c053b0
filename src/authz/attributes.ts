// Small builders for authorizer.Attributes, so callers (escalation checks, impersonation, tests) never
// forget a field. They mirror authorizer.AttributesRecord, whose zero values are empty strings.
import type { UserInfo } from '../authn/interfaces.js';
import type { Attributes } from './interfaces.js';

export interface ResourceRequest {
  verb: string;
  apiGroup?: string;
  apiVersion?: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  path?: string;
}

export function resourceAttributes(user: UserInfo, r: ResourceRequest): Attributes {
  return {
    user,
    verb: r.verb,
    isResourceRequest: true,
    path: r.path ?? '',
    namespace: r.namespace ?? '',
    apiGroup: r.apiGroup ?? '',
    apiVersion: r.apiVersion ?? '',
    resource: r.resource,
    subresource: r.subresource ?? '',
    name: r.name ?? '',
  };
}

export function nonResourceAttributes(user: UserInfo, verb: string, path: string): Attributes {
  return {
    user,
    verb,
    isResourceRequest: false,
    path,
    namespace: '',
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    name: '',
  };
}

/** AttributesRecord.IsReadOnly: get, list and watch. */
export function isReadOnly(attrs: Attributes): boolean {
  return attrs.verb === 'get' || attrs.verb === 'list' || attrs.verb === 'watch';
}
