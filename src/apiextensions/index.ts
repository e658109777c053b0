// CustomResourceDefinitions in the control plane: the CRD kind to serve, and (once the store exists) the
// informer whose handler registers each CRD's resources in the ResourceRegistry and keeps its status.
import { Informer } from '../controllers/informer.js';
import type { ObjectStore } from '../registry/object-store.js';
import type { ResourceRegistry } from '../registry/resource-registry.js';
import type { ResourceDef } from '../registry/types.js';
import { CrdController, cleanupCustomResources } from './crd-controller.js';
import { customResourceDefinitions } from './crd-resource.js';

export interface ApiExtensions {
  /** The CRD kind, with deletion of its custom resources after a CRD's delete. */
  def: ResourceDef;
  /** The informer to start with the others; its first list registers the CRDs already stored. */
  start(objects: ObjectStore, registry: ResourceRegistry): { informer: Informer; controller: CrdController };
}

export function setupApiExtensions(): ApiExtensions {
  const def: ResourceDef = { ...customResourceDefinitions, afterDelete: cleanupCustomResources };
  return {
    def,
    start(objects, registry) {
      registry.onChange(() => objects.reindex());
      const controller = new CrdController(objects, registry);
      const informer = new Informer(objects, def).on({
        upsert: (o) => controller.upsert(o),
        remove: (o) => controller.remove(o),
      });
      return { informer, controller };
    },
  };
}
