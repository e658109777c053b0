// The namespace controller's deletion half: a namespace marked for deletion (Terminating) is emptied
// of every namespaced object and then removed. Driven by the informer, so a namespace left
// Terminating when kauth stopped is finished after the next start.
import type { KubeObject } from '../api/types.js';
import type { ObjectStore } from '../registry/object-store.js';
import { Informer, WorkQueue } from './informer.js';

export class NamespaceDeletionController {
  readonly queue: WorkQueue;

  constructor(
    private readonly objects: ObjectStore,
    namespaces: Informer,
  ) {
    this.queue = new WorkQueue('namespace-deletion', (name) => this.sync(name));
    namespaces.on({
      upsert: (ns: KubeObject) => {
        if (ns.metadata.deletionTimestamp) this.queue.add(ns.metadata.name!);
      },
    });
  }

  private async sync(name: string): Promise<void> {
    const ns = await this.objects.get('namespaces', '', name);
    if (!ns?.metadata.deletionTimestamp) return;
    for (const def of this.objects.defs) {
      if (!def.namespaced || def.virtualCreate) continue;
      const page = await this.objects.list(def, name);
      for (const o of page.items) {
        try {
          await this.objects.delete(def, name, o.metadata.name!);
          await def.afterDelete?.(o, this.objects);
        } catch (e) {
          if ((e as { code?: number }).code !== 404) throw e; // retried by the queue
        }
      }
    }
    try {
      await this.objects.delete(this.objects.def('namespaces'), '', name);
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  }
}
