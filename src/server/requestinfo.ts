// Path → verb/group/version/namespace/resource/subresource/name, as
// apiserver/pkg/endpoints/request/requestinfo.go (RequestInfoFactory.NewRequestInfo) derives it.
// Authorization and the registry both read this; nothing else parses URLs. It runs before authentication, so
// everything here is linear string code: no regular expression sees the path.
import { trimTrailingSlashes } from '../api/trim.js';
import { parseFieldSelector, parseLabelSelector, requiredFieldValue } from '../registry/selectors.js';

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
  /**
   * The resource came after `/namespaces/<ns>/` (set by parseRequestInfo). False for the namespace object's own
   * paths, `/api/v1/namespaces/<name>[/status|/finalize]`, whose name kube also reports as the namespace.
   */
  namespacedPath?: boolean;
}

const API_PREFIXES = new Set(['api', 'apis']);
const GROUPLESS_PREFIXES = new Set(['api']);
const SPECIAL_VERBS = new Set(['proxy', 'watch']);
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export class RequestInfoError extends Error {}

/** Go's unhex: the value of one hex digit, or -1. */
function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  return -1;
}

/**
 * Go's http.Request URL.Path is the unescaped path: `system%3Aauth-delegator` (as @kubernetes/client-node
 * sends it) names `system:auth-delegator`. Any `%XX` decodes, even to bytes that are not UTF-8 (`%ff`): Go
 * keeps such a path and authorizes it, so here those bytes become U+FFFD instead of a pre-authentication 400.
 * Only a `%` without two hex digits is malformed (Go's server answers 400 before any handler runs).
 */
function unescapePath(path: string): string {
  if (!path.includes('%')) return path;
  const out = Buffer.allocUnsafe(path.length * 3); // UTF-8 takes at most 3 bytes per UTF-16 unit
  let size = 0;
  let text = 0; // start of the run of literal text not yet copied
  for (let i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i)) {
    const hi = i + 2 < path.length ? hexValue(path.charCodeAt(i + 1)) : -1;
    const lo = hi >= 0 ? hexValue(path.charCodeAt(i + 2)) : -1;
    if (lo < 0) throw new RequestInfoError(`invalid URL escape ${JSON.stringify(path.slice(i, i + 3))}`);
    if (i > text) size += out.write(path.slice(text, i), size, 'utf8');
    out[size++] = hi * 16 + lo;
    i += 3;
    text = i;
  }
  if (text < path.length) size += out.write(path.slice(text), size, 'utf8');
  return out.toString('utf8', 0, size);
}

export { trimTrailingSlashes };

/** requestinfo.go splitPath: strings.Split(strings.Trim(path, "/"), "/"), and no parts for "/". */
function splitPath(path: string): string[] {
  let start = 0;
  while (start < path.length && path.charCodeAt(start) === 0x2f) start++;
  const trimmed = trimTrailingSlashes(path.slice(start));
  return trimmed === '' ? [] : trimmed.split('/');
}

/**
 * The request target split into its raw (still escaped) path and query, without resolving it against a
 * base URL: `new URL('//api/v1/secrets', base)` would read `api` as a host. Go's server reads an
 * origin-form target the same way; an absolute-form target (`https://host/path`) keeps its path.
 */
export function splitRequestTarget(target: string): { path: string; query: URLSearchParams } {
  const q = target.indexOf('?');
  let path = q < 0 ? target : target.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
  if (!path.startsWith('/')) {
    let absolute: URL | undefined;
    try {
      absolute = new URL(path);
    } catch {
      throw new RequestInfoError(`invalid request target ${JSON.stringify(target.slice(0, 256))}`);
    }
    path = absolute.pathname;
  }
  return { path, query };
}

export function parseRequestInfo(method: string, rawPath: string, query: URLSearchParams): RequestInfo {
  const path = unescapePath(rawPath);
  const info: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    parts: [],
    namespacedPath: false,
  };
  let parts = splitPath(path);
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
    info.verb =
      (
        { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' } as Record<
          string,
          string
        >
      )[method] ?? '';
  }

  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      info.namespace = parts[1]!;
      if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) {
        parts = parts.slice(2);
        info.namespacedPath = true;
      }
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
    const name = nameFromSelectors(query);
    if (name !== undefined && isValidPathSegmentName(name)) info.name = name;
  }
  if (!info.name && info.verb === 'delete') info.verb = 'deletecollection';
  return info;
}

/**
 * fieldSelector.RequiresExactMatch("metadata.name") of the decoded list options. As in kube, list options
 * that do not decode (a bad label or field selector) name nothing: the request is then authorized as a list.
 */
function nameFromSelectors(query: URLSearchParams): string | undefined {
  const fieldSelector = query.get('fieldSelector');
  if (!fieldSelector) return undefined;
  try {
    parseLabelSelector(query.get('labelSelector'));
    return requiredFieldValue(parseFieldSelector(fieldSelector), 'metadata.name');
  } catch {
    return undefined;
  }
}

export function isValidPathSegmentName(name: string): boolean {
  return name !== '.' && name !== '..' && !name.includes('/') && !name.includes('%');
}
