// The label values kube-apiserver's request metrics carry (apiserver/pkg/endpoints/metrics/metrics.go):
// CleanScope, CanonicalVerb, CleanVerb and cleanDryRun, plus the bounds that keep label cardinality finite.
// Nothing here ever yields a user name; a non-resource path becomes a label only when kauth serves it.
import type { RequestInfo } from '../server/requestinfo.js';

/** kube's validRequestMethods: any other reported verb collapses to "other" (OtherRequestMethod). */
const VALID_VERBS = new Set([
  'APPLY',
  'CONNECT',
  'CREATE',
  'DELETE',
  'DELETECOLLECTION',
  'GET',
  'LIST',
  'PATCH',
  'POST',
  'PROXY',
  'PUT',
  'UPDATE',
  'WATCH',
  'WATCHLIST',
]);
/** kube's validConnectRequests: these subresources report the verb CONNECT. */
const CONNECT_SUBRESOURCES = new Set(['log', 'exec', 'portforward', 'attach', 'proxy']);
const APPLY_PATCH = 'application/apply-patch+yaml';

/** CleanScope: resource (named, or a create), namespace, cluster, or "" for non-resource requests. */
export function cleanScope(info: Pick<RequestInfo, 'name' | 'verb' | 'namespace' | 'isResourceRequest'>): string {
  if (info.name !== '' || info.verb === 'create') return 'resource';
  if (info.namespace !== '') return 'namespace';
  return info.isResourceRequest ? 'cluster' : '';
}

/** CanonicalVerb: a GET or HEAD of a collection is a LIST. */
export function canonicalVerb(method: string, scope: string): string {
  if (method === 'GET' || method === 'HEAD') return scope !== 'resource' && scope !== '' ? 'LIST' : 'GET';
  return method;
}

/** Convert_Slice_string_To_bool on the first `watch` value, as getVerbIfWatch reads it. */
function watchParam(query: URLSearchParams): boolean {
  const v = query.get('watch');
  if (v === null) return false;
  const lower = v.toLowerCase();
  return lower !== '0' && lower !== 'false';
}

export interface VerbInput {
  method: string;
  contentType: string | undefined;
  query: URLSearchParams;
  info: RequestInfo;
}

/** cleanVerb(CanonicalVerb(method, scope), suggested, req, info): the `verb` label, always one of a fixed set. */
export function reportedVerb({ method, contentType, query, info }: VerbInput): string {
  const upper = method.toUpperCase();
  // The legacy /watch/ path: kube's installer suggests WATCH for it.
  if (info.isResourceRequest && info.verb === 'watch') return 'WATCH';
  let verb = canonicalVerb(upper, cleanScope(info));
  if ((upper === 'GET' || upper === 'LIST') && watchParam(query)) verb = 'WATCH';
  if (verb === 'WATCHLIST') verb = 'WATCH';
  if (verb === 'PATCH' && contentType === APPLY_PATCH) verb = 'APPLY';
  if (info.isResourceRequest && CONNECT_SUBRESOURCES.has(info.subresource)) verb = 'CONNECT';
  return VALID_VERBS.has(verb) ? verb : 'other';
}

/** cleanDryRun: the sorted set of dryRun values, or "invalid" when one is not `All` (ValidateDryRun). */
export function cleanDryRun(query: URLSearchParams): string {
  const values = query.getAll('dryRun');
  if (values.some((v) => v !== 'All')) return 'invalid';
  return values.length ? 'All' : '';
}

/**
 * Subresources kauth or kube serve. The label takes only these: a request for any other subresource has no
 * route (kube records only routed requests), and a client must not be able to mint label values.
 */
const KNOWN_SUBRESOURCES = new Set([
  'status',
  'scale',
  'binding',
  'eviction',
  'token',
  'approval',
  'finalize',
  'ephemeralcontainers',
  'resize',
  ...CONNECT_SUBRESOURCES,
]);

export function boundedSubresource(subresource: string): string | undefined {
  return subresource === '' || KNOWN_SUBRESOURCES.has(subresource) ? subresource : undefined;
}

/**
 * kube labels a non-resource request's termination with its path. A path is the client's to choose, so here it is
 * kept only for the paths kauth serves, and every other path is reported as "other".
 */
const SERVED_PATHS = new Set([
  '/',
  '/api',
  '/apis',
  '/healthz',
  '/livez',
  '/readyz',
  '/version',
  '/metrics',
  '/openapi/v2',
  '/openapi/v3',
  '/.well-known/openid-configuration',
  '/openid/v1/jwks',
]);

export function boundedPath(path: string): string {
  return SERVED_PATHS.has(path) ? path : 'other';
}
