// Path → verb/group/version/namespace/resource/subresource/name, as
// apiserver/pkg/endpoints/request/requestinfo.go (RequestInfoFactory.NewRequestInfo) derives it.
// Authorization and the registry both read this; nothing else parses URLs.

export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  /** Kubernetes verb: get/list/watch/create/update/patch/delete/deletecollection (resource) or the lower-cased method (non-resource). */
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  parts: string[];
}

const API_PREFIXES = new Set(['api', 'apis']);
const GROUPLESS_PREFIXES = new Set(['api']);
const SPECIAL_VERBS = new Set(['proxy', 'watch']);
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export class RequestInfoError extends Error {}

/**
 * Go's http.Request URL.Path is the unescaped path: `system%3Aauth-delegator` (as @kubernetes/client-node
 * sends it) names `system:auth-delegator`. An escape that does not decode is a malformed request.
 */
function unescapePath(path: string): string {
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    throw new RequestInfoError(`invalid URL escape in ${JSON.stringify(path)}`);
  }
}

export function parseRequestInfo(method: string, rawPath: string, query: URLSearchParams): RequestInfo {
  const path = unescapePath(rawPath);
  const info: RequestInfo = {
    isResourceRequest: false, path, verb: method.toLowerCase(), apiPrefix: '', apiGroup: '', apiVersion: '',
    namespace: '', resource: '', subresource: '', name: '', parts: [],
  };
  let parts = path.replace(/^\/+|\/+$/g, '').split('/').filter((_, i, a) => !(a.length === 1 && a[0] === ''));
  if (parts.length < 3 || !API_PREFIXES.has(parts[0]!)) return info;
  info.apiPrefix = parts[0]!;
  parts = parts.slice(1);
  if (!GROUPLESS_PREFIXES.has(info.apiPrefix)) {
    if (parts.length < 3) return info;
    info.apiGroup = parts[0]!;
    parts = parts.slice(1);
  }
  info.isResourceRequest = true;
  info.apiVersion = parts[0]!;
  parts = parts.slice(1);

  if (SPECIAL_VERBS.has(parts[0]!)) {
    if (parts.length < 2) throw new RequestInfoError(`unable to determine kind and namespace from url, ${path}`);
    info.verb = parts[0]!;
    parts = parts.slice(1);
  } else {
    info.verb = ({ POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' } as Record<string, string>)[method] ?? '';
  }

  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      info.namespace = parts[1]!;
      if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
    }
  }
  info.parts = parts;
  if (parts.length >= 3 && info.verb !== 'proxy') info.subresource = parts[2]!;
  if (parts.length >= 2) info.name = parts[1]!;
  if (parts.length >= 1) info.resource = parts[0]!;

  if (!info.name && info.verb === 'get') {
    const watch = query.get('watch');
    info.verb = watch !== null && !['false', '0'].includes(watch.toLowerCase()) ? 'watch' : 'list';
    // A list narrowed to one name by field selector is authorized as that name (RBAC resourceNames).
    const name = exactFieldMatch(query.get('fieldSelector') ?? '', 'metadata.name');
    if (name && isValidPathSegmentName(name)) info.name = name;
  }
  if (!info.name && info.verb === 'delete') info.verb = 'deletecollection';
  return info;
}

function exactFieldMatch(selector: string, field: string): string | undefined {
  if (!selector) return undefined;
  const terms = selector.split(',');
  if (terms.length !== 1) return undefined;
  const m = /^([^=!]+?)(==|=)(.*)$/.exec(terms[0]!.trim());
  return m && m[1]!.trim() === field ? m[3]! : undefined;
}

export function isValidPathSegmentName(name: string): boolean {
  return name !== '.' && name !== '..' && !name.includes('/') && !name.includes('%');
}
