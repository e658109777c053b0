// What kube-apiserver creates at start: the system namespaces, the `kubernetes` Service, and
// (from the authorization setup) the bootstrap RBAC policy. Existing objects are left alone.
import type { KubeObject } from '../api/types.js';
import { createIfMissing } from '../controllers/serviceaccounts.js';
import type { ObjectStore } from '../registry/object-store.js';
import { SYSTEM_NAMESPACES } from '../registry/resources/namespaces.js';

export interface BootstrapOptions {
  kubernetesServiceIp: string;
  securePort: number;
  bindAddress: string;
  /** Further objects by resource name (e.g. `clusterroles.rbac.authorization.k8s.io`). */
  extra: [string, KubeObject][];
}

/** kubeadm's constants.ClusterAdminsGroupAndClusterRoleBinding: admin.conf's group and the binding's name. */
export const KUBEADM_CLUSTER_ADMINS = 'kubeadm:cluster-admins';

/** The binding kubeadm ≥ 1.29 creates at init (EnsureAdminClusterRoleBinding), giving admin.conf cluster-admin. */
export function kubeadmClusterAdminsBinding(): [string, KubeObject] {
  return [
    'clusterrolebindings.rbac.authorization.k8s.io',
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: KUBEADM_CLUSTER_ADMINS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: KUBEADM_CLUSTER_ADMINS }],
    } as KubeObject,
  ];
}

export async function bootstrapObjects(objects: ObjectStore, o: BootstrapOptions): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    await createIfMissing(objects, 'namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }
  await createIfMissing(objects, 'services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: o.securePort }],
      clusterIP: o.kubernetesServiceIp,
      clusterIPs: [o.kubernetesServiceIp],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  });
  for (const [resource, obj] of o.extra) await createIfMissing(objects, resource, structuredClone(obj));
}
