// Live input: a cluster's RBAC objects and discovery, read through its API with a kubeconfig's credentials
// (any conformant kube-apiserver, kauth included), and the cluster's own answer to a SubjectAccessReview.
import type { ApiClient } from '../cli/api-client.js';
import type { UserInfo } from '../authn/interfaces.js';
import type { AccessRequest } from './request.js';
import type { ServedResource } from './served-resources.js';
import type { RbacObject } from './world.js';

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const LISTS: [string, string][] = [
  ['clusterroles', 'ClusterRole'],
  ['clusterrolebindings', 'ClusterRoleBinding'],
  ['roles', 'Role'],
  ['rolebindings', 'RoleBinding'],
];

/** Every Role, ClusterRole, RoleBinding and ClusterRoleBinding (all namespaces), kind and apiVersion set on each. */
export async function fetchPolicy(api: ApiClient): Promise<RbacObject[]> {
  const lists = await Promise.all(
    LISTS.map(async ([resource, kind]) => {
      const items = await listAll(api, `${RBAC}/${resource}`);
      return items.map((o) => ({ ...o, kind, apiVersion: 'rbac.authorization.k8s.io/v1' }) as RbacObject);
    }),
  );
  return lists.flat();
}

async function listAll(api: ApiClient, path: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let cont = '';
  do {
    const r = await api.request('GET', `${path}?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
    if (r.code !== 200) throw new Error(`GET ${path}: ${r.code} ${r.json?.message ?? ''}`.trim());
    out.push(...(r.json.items ?? []));
    cont = r.json.metadata?.continue ?? '';
  } while (cont);
  return out;
}

/** The cluster's discovery as ServedResource rows (preferred version of each group; subresources folded in). */
export async function fetchServedResources(api: ApiClient): Promise<ServedResource[]> {
  const groups = await api.request('GET', '/apis');
  if (groups.code !== 200) throw new Error(`GET /apis: ${groups.code} ${groups.json?.message ?? ''}`.trim());
  const paths = [
    '/api/v1',
    ...(groups.json.groups ?? []).map(
      (g: { preferredVersion: { groupVersion: string } }) => `/apis/${g.preferredVersion.groupVersion}`,
    ),
  ];
  const lists = await Promise.all(paths.map((p) => api.request('GET', p)));
  const out: ServedResource[] = [];
  lists.forEach((l, i) => {
    if (l.code !== 200) return; // an unavailable aggregated group: kubectl warns and carries on
    const gv: string = l.json.groupVersion ?? '';
    const group = paths[i] === '/api/v1' ? '' : gv.split('/')[0]!;
    for (const r of l.json.resources ?? []) {
      const name: string = r.name;
      const slash = name.indexOf('/');
      if (slash >= 0) {
        const parent = out.find((x) => x.group === group && x.resource === name.slice(0, slash));
        parent?.subresources.push(name.slice(slash + 1));
        continue;
      }
      out.push({
        group,
        resource: name,
        namespaced: !!r.namespaced,
        shortNames: r.shortNames ?? [],
        subresources: [],
        verbs: r.verbs ?? [],
      });
    }
  });
  return out;
}

/** The cluster's own decision (its whole authorizer chain) for `user`, through a SubjectAccessReview. */
export async function subjectAccessReview(
  api: ApiClient,
  user: UserInfo,
  req: AccessRequest,
): Promise<{ allowed: boolean; reason: string }> {
  const spec: Record<string, unknown> = { user: user.username, groups: user.groups };
  if (req.nonResourceURL !== undefined) spec.nonResourceAttributes = { verb: req.verb, path: req.nonResourceURL };
  else {
    spec.resourceAttributes = {
      verb: req.verb,
      group: req.apiGroup ?? '',
      resource: req.resource ?? '',
      subresource: req.subresource ?? '',
      name: req.name ?? '',
      namespace: req.namespace ?? '',
    };
  }
  const r = await api.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec,
  });
  if (r.code !== 201 && r.code !== 200)
    throw new Error(`SubjectAccessReview: ${r.code} ${r.json?.message ?? ''}`.trim());
  const st = r.json.status ?? {};
  return { allowed: st.allowed === true && st.denied !== true, reason: st.reason ?? st.evaluationError ?? '' };
}
