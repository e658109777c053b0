// The question asked of RBAC — a verb on a resource (or a non-resource URL), optionally named, in a namespace
// — and how a command line's `VERB RESOURCE[/SUBRESOURCE] [NAME]` becomes one, resolved the way
// `kubectl auth can-i` resolves it through discovery (plural, short name, `resource.group`, `*`).
// Browser-safe (no node: imports).
import type { ServedResource } from './served-resources.js';

export interface AccessRequest {
  verb: string;
  /** API group, '' for core. Ignored for non-resource URLs. */
  apiGroup?: string;
  /** Plural resource (`pods`); absent for non-resource URLs. */
  resource?: string;
  subresource?: string;
  /** Object name ('' or absent: any). */
  name?: string;
  /** '' or absent: cluster scope (only ClusterRoleBindings apply, as in kube's RBAC authorizer). */
  namespace?: string;
  /** A non-resource URL such as `/healthz`; when set, the request is not a resource request. */
  nonResourceURL?: string;
}

export interface ParsedRequest {
  request: AccessRequest;
  /** kubectl's warning when discovery does not know the resource (the request is still evaluated). */
  warning?: string;
}

/** `resource`, `resource.group`, or `*`, with `/subresource`; `/url` for a non-resource URL. */
export function parseAccessRequest(
  verb: string,
  resourceArg: string,
  name: string | undefined,
  namespace: string | undefined,
  served: readonly ServedResource[],
): ParsedRequest {
  if (resourceArg.startsWith('/')) return { request: { verb, nonResourceURL: resourceArg } };
  const slash = resourceArg.indexOf('/');
  const base = slash < 0 ? resourceArg : resourceArg.slice(0, slash);
  const subresource = slash < 0 ? '' : resourceArg.slice(slash + 1);
  const found = resolveResource(base, served);
  const request: AccessRequest = {
    verb,
    apiGroup: found?.group ?? '',
    resource: found?.resource ?? base,
    subresource,
    name: name ?? '',
    namespace: namespace ?? '',
  };
  if (found !== undefined) {
    // A cluster-scoped resource is asked about at cluster scope whatever -n says (kubectl does the same).
    if (!found.namespaced) request.namespace = '';
    return { request };
  }
  if (base === '*') return { request: { ...request, apiGroup: '*' } };
  const dot = base.indexOf('.');
  if (dot > 0) return { request: { ...request, resource: base.slice(0, dot), apiGroup: base.slice(dot + 1) } };
  return { request, warning: `Warning: the server doesn't have a resource type '${base}'` };
}

/** The served resource a command-line word names: plural or short name, optionally `.group`; core wins ties. */
export function resolveResource(word: string, served: readonly ServedResource[]): ServedResource | undefined {
  const lower = word.toLowerCase();
  const byName = (w: string, group?: string): ServedResource | undefined => {
    const matches = served.filter(
      (r) => (r.resource === w || r.shortNames.includes(w)) && (group === undefined || r.group === group),
    );
    return matches.find((r) => r.group === '') ?? matches[0];
  };
  const exact = byName(lower);
  if (exact !== undefined) return exact;
  const dot = lower.indexOf('.');
  if (dot > 0) return byName(lower.slice(0, dot), lower.slice(dot + 1));
  return undefined;
}

/** `pods`, `pods/log`, `deployments.apps`, `/healthz` — how the request reads in tables. */
export function describeRequestTarget(r: AccessRequest): string {
  if (r.nonResourceURL !== undefined) return r.nonResourceURL;
  const res = r.apiGroup ? `${r.resource}.${r.apiGroup}` : (r.resource ?? '');
  return r.subresource ? `${res}/${r.subresource}` : res;
}
