// Reads component versions through the API: kube-apiserver's /version, each node's kubelet and kube-proxy
// (status.nodeInfo), and the control-plane static pods' image tags in kube-system (kubeadm's component label).
import type { ApiClient } from '../cli/api-client.js';
import type { ComponentVersion } from './version-skew.js';

export async function readComponentVersions(
  client: ApiClient,
): Promise<{ components: ComponentVersion[]; nodes: { controlPlane: string[]; workers: string[] } }> {
  const get = async (path: string) => {
    const r = await client.request('GET', path);
    if (r.code !== 200) throw new Error(`GET ${path}: HTTP ${r.code}: ${String(r.json?.message ?? '').slice(0, 200)}`);
    return r.json;
  };
  const components: ComponentVersion[] = [];
  const v = await get('/version');
  components.push({ component: 'kube-apiserver', where: 'API server', version: String(v?.gitVersion ?? '') });
  const nodes = await get('/api/v1/nodes');
  const controlPlane: string[] = [],
    workers: string[] = [];
  for (const n of Array.isArray(nodes?.items) ? nodes.items : []) {
    const name = String(n?.metadata?.name ?? '?');
    const labels = n?.metadata?.labels ?? {};
    ('node-role.kubernetes.io/control-plane' in labels ? controlPlane : workers).push(name);
    const info = n?.status?.nodeInfo ?? {};
    if (info.kubeletVersion)
      components.push({ component: 'kubelet', where: name, version: String(info.kubeletVersion) });
    if (info.kubeProxyVersion)
      components.push({ component: 'kube-proxy', where: name, version: String(info.kubeProxyVersion) });
  }
  const pods = await client.request('GET', '/api/v1/namespaces/kube-system/pods');
  for (const p of pods.code === 200 && Array.isArray(pods.json?.items) ? pods.json.items : []) {
    const comp = p?.metadata?.labels?.component;
    if (comp !== 'kube-controller-manager' && comp !== 'kube-scheduler' && comp !== 'kube-apiserver') continue;
    const image = String(p?.spec?.containers?.[0]?.image ?? '');
    const tag = image.slice(image.lastIndexOf(':') + 1);
    if (tag && comp !== 'kube-apiserver')
      components.push({ component: comp, where: String(p.metadata.name), version: tag });
    if (comp === 'kube-apiserver' && tag)
      components.push({ component: 'kube-apiserver', where: String(p.metadata.name), version: tag });
  }
  return { components, nodes: { controlPlane, workers } };
}
