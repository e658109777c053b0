// Which HTTP methods kube-apiserver registers for a request's path: the API installer adds a go-restful
// route per verb the storage supports, on the collection path, the object path, each subresource path and
// the /watch/ paths. A path with no route is 404; a path whose routes lack the method is 405 — both with
// the generic texts NewGenericServerResponse gives them, not the resource's name.
import { StatusError } from '../api/errors.js';
import type { RequestInfo } from '../server/requestinfo.js';
import type { ResourceDef, Verb } from './types.js';

export function pathNotFound(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function methodNotAllowed(): StatusError {
  return new StatusError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
    {},
  );
}

const METHOD_OF_VERB: Record<Verb, string> = {
  get: 'GET',
  list: 'GET',
  watch: 'GET',
  create: 'POST',
  update: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  deletecollection: 'DELETE',
};

type PathShape = 'collection' | 'object' | 'subresource';

/** The path's shape from its segments (a fieldSelector on metadata.name sets info.name, not a path segment). */
function shapeOf(info: RequestInfo): PathShape {
  if (info.subresource) return 'subresource';
  return info.parts.length >= 2 ? 'object' : 'collection';
}

/** The verbs that have a route on this path. */
function routedVerbs(def: ResourceDef, info: RequestInfo, shape: PathShape): Verb[] {
  if (shape === 'subresource') return def.subresources?.[info.subresource]?.verbs ?? [];
  const verbs: Verb[] = def.virtualCreate ? ['create'] : def.verbs;
  const clusterWideOfNamespaced = def.namespaced && !info.namespace;
  if (shape === 'collection') {
    // A namespaced resource is listed across namespaces at /api/v1/pods, but nothing else lives there.
    const onCollection: Verb[] = clusterWideOfNamespaced
      ? ['list', 'watch']
      : ['list', 'watch', 'create', 'deletecollection'];
    return verbs.filter((v) => onCollection.includes(v));
  }
  if (clusterWideOfNamespaced) return [];
  // The object path also carries the deprecated /watch/<resource>/<name> form.
  return verbs.filter((v) => ['get', 'update', 'patch', 'delete', 'watch'].includes(v));
}

/** Throws kube-apiserver's 404 or 405 when no route of this resource serves the request. */
export function checkRoute(def: ResourceDef, info: RequestInfo, method: string): void {
  const verbs = routedVerbs(def, info, shapeOf(info));
  if (verbs.length === 0) throw pathNotFound();
  // HEAD is served as GET without a body; a watch has nothing to send without one, and would hold the
  // connection open for nothing, so a HEAD watch is refused.
  if (method === 'HEAD' && info.verb === 'watch') throw methodNotAllowed();
  const m = method === 'HEAD' ? 'GET' : method;
  if (!verbs.some((v) => METHOD_OF_VERB[v] === m)) throw methodNotAllowed();
}
