// The served resources, from aggregated discovery (two requests: /api and /apis), in the shape the access
// engine (src/access) uses offline. Each group's first version is its preferred one, as kube orders them.
import type { ServedResource } from '../access/served-resources.js';
import type { Api } from './api';

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

interface DiscoveryResource {
  resource: string;
  scope: 'Namespaced' | 'Cluster';
  verbs?: string[];
  shortNames?: string[];
  subresources?: { subresource: string }[];
}

interface DiscoveryList {
  items: { metadata: { name?: string }; versions: { version: string; resources: DiscoveryResource[] }[] }[];
}

export async function servedResources(api: Api): Promise<ServedResource[]> {
  const [core, groups] = await Promise.all([
    api.get<DiscoveryList>('/api', { accept: AGGREGATED }),
    api.get<DiscoveryList>('/apis', { accept: AGGREGATED }),
  ]);
  const out: ServedResource[] = [];
  const seen = new Set<string>();
  for (const g of [...(core.items ?? []), ...(groups.items ?? [])]) {
    const group = g.metadata.name ?? '';
    const preferred = g.versions?.[0];
    for (const r of preferred?.resources ?? []) {
      const key = `${group}/${r.resource}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        group,
        resource: r.resource,
        namespaced: r.scope === 'Namespaced',
        shortNames: r.shortNames ?? [],
        subresources: (r.subresources ?? []).map((s) => s.subresource),
        verbs: r.verbs ?? [],
      });
    }
  }
  return out.sort((a, b) => a.group.localeCompare(b.group) || a.resource.localeCompare(b.resource));
}

export function groupResource(r: { group: string; resource: string }): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}
