// The cluster's RBAC objects, listed through the API as the signed-in user (who needs list on roles,
// clusterroles, rolebindings and clusterrolebindings — else the API's 403 is shown). List items carry no kind or
// apiVersion, so both are set here as the access engine expects them.
import type { RbacObject } from '../access/world.js';
import { listAll, type Api } from './api';

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const KINDS = [
  ['ClusterRole', 'clusterroles'],
  ['ClusterRoleBinding', 'clusterrolebindings'],
  ['Role', 'roles'],
  ['RoleBinding', 'rolebindings'],
] as const;

export async function listRbacObjects(api: Api): Promise<RbacObject[]> {
  const lists = await Promise.all(
    KINDS.map(async ([kind, resource]) => {
      const items = await listAll<Record<string, unknown>>(api, `${RBAC}/${resource}`);
      return items.map((o) => ({ ...o, kind, apiVersion: 'rbac.authorization.k8s.io/v1' }) as unknown as RbacObject);
    }),
  );
  return lists.flat();
}
