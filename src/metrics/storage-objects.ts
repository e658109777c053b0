// apiserver_storage_objects{resource}: the number of objects stored per resource. kube counts them in etcd once a
// minute; here they are counted when /metrics is scraped, at most once per `maxAgeMs` (scrapes in between reuse
// the last count), so a scrape loop cannot turn into a stream of storage scans.
import type { ResourceDef } from '../registry/types.js';
import type { Store } from '../storage/interface.js';

export interface StorageObjectsOptions {
  store: Store;
  /** The served resources (CRDs come and go). */
  defs: () => readonly ResourceDef[];
  /** A resource's storage key prefix (`/registry/pods/`). */
  prefixOf: (def: ResourceDef) => string;
  maxAgeMs?: number;
  now?: () => number;
}

/** kube's label: the group resource, `pods` or `clusterroles.rbac.authorization.k8s.io`. */
export function groupResource(def: Pick<ResourceDef, 'resource' | 'group'>): string {
  return def.group ? `${def.resource}.${def.group}` : def.resource;
}

export function storageObjectCounts(opts: StorageObjectsOptions): () => Promise<ReadonlyMap<string, number>> {
  const maxAgeMs = opts.maxAgeMs ?? 10_000;
  const now = opts.now ?? Date.now;
  let last: { at: number; counts: Promise<ReadonlyMap<string, number>> } | undefined;
  const countAll = async (): Promise<ReadonlyMap<string, number>> => {
    const counts = new Map<string, number>();
    for (const def of opts.defs()) {
      // Virtual kinds (reviews, componentstatuses) store nothing; another group's view (storedAs) counts its own.
      if (def.virtualCreate || def.virtualList || def.storedAs) continue;
      counts.set(groupResource(def), await opts.store.count(opts.prefixOf(def)));
    }
    return counts;
  };
  return () => {
    if (!last || now() - last.at >= maxAgeMs) {
      const counts = countAll();
      last = { at: now(), counts };
      // A failed count is not remembered: the next scrape tries again.
      counts.catch(() => {
        last = undefined;
      });
    }
    return last.counts;
  };
}
