// kube-controller-manager's serviceaccount controller: every live namespace has a `default`
// ServiceAccount (re-created if deleted).
import { StatusError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { ObjectStore } from '../registry/object-store.js';
import { randomUUID } from 'node:crypto';
import { Informer, WorkQueue } from './informer.js';
import { kubeTime } from '../api/time.js';

/** Creates an object as the controller itself (no admission), ignoring AlreadyExists. */
export async function createIfMissing(objects: ObjectStore, resource: string, obj: KubeObject): Promise<void> {
  const def = objects.def(resource);
  // A look first: on a restart every bootstrap object exists, and a refused create costs a full encode.
  if (await objects.store.get(objects.key(def, obj.metadata.namespace ?? '', obj.metadata.name!))) return;
  obj.metadata.uid ??= randomUUID();
  obj.metadata.creationTimestamp ??= kubeTime();
  try {
    await objects.create(def, obj);
  } catch (e) {
    if (!(e instanceof StatusError && e.reason === 'AlreadyExists')) throw e;
  }
}

export function liveNamespace(ns: KubeObject | undefined): boolean {
  return !!ns && !ns.metadata.deletionTimestamp;
}

export class ServiceAccountsController {
  readonly queue: WorkQueue;

  constructor(
    private readonly objects: ObjectStore,
    private readonly namespaces: Informer,
    serviceAccounts: Informer,
  ) {
    this.queue = new WorkQueue('serviceaccount', (ns) => this.sync(ns));
    namespaces.on({ upsert: (o) => this.queue.add(o.metadata.name!) });
    serviceAccounts.on({
      remove: (o) => {
        if (o.metadata.name === 'default') this.queue.add(o.metadata.namespace!);
      },
    });
  }

  private async sync(ns: string): Promise<void> {
    if (!liveNamespace(this.namespaces.get('', ns))) return;
    if (await this.objects.get('serviceaccounts', ns, 'default')) return;
    await createIfMissing(this.objects, 'serviceaccounts', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: ns },
    });
  }
}
