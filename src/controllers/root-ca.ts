// The root-ca-cert-publisher: a `kube-root-ca.crt` ConfigMap holding the cluster CA in every
// namespace, kept equal to the CA kauth serves (pods' projected token volumes read it).
import type { KubeObject } from '../api/types.js';
import type { ObjectStore } from '../registry/object-store.js';
import { Informer, WorkQueue } from './informer.js';
import { createIfMissing, liveNamespace } from './serviceaccounts.js';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export class RootCaPublisher {
  readonly queue: WorkQueue;

  constructor(
    private readonly objects: ObjectStore,
    private readonly caPem: string,
    private readonly namespaces: Informer,
    configMaps: Informer,
  ) {
    this.queue = new WorkQueue('root-ca-cert-publisher', (ns) => this.sync(ns));
    namespaces.on({ upsert: (o) => this.queue.add(o.metadata.name!) });
    configMaps.on({
      upsert: (o) => {
        if (o.metadata.name === ROOT_CA_CONFIGMAP) this.queue.add(o.metadata.namespace!);
      },
      remove: (o) => {
        if (o.metadata.name === ROOT_CA_CONFIGMAP) this.queue.add(o.metadata.namespace!);
      },
    });
  }

  private async sync(ns: string): Promise<void> {
    if (!liveNamespace(this.namespaces.get('', ns))) return;
    const def = this.objects.def('configmaps');
    const cur = await this.objects.get('configmaps', ns, ROOT_CA_CONFIGMAP);
    if (!cur) {
      const cm: KubeObject = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: ROOT_CA_CONFIGMAP, namespace: ns, annotations: { 'kubernetes.io/description': DESCRIPTION } },
        data: { 'ca.crt': this.caPem },
      };
      return createIfMissing(this.objects, 'configmaps', cm);
    }
    if ((cur.data as Record<string, string> | undefined)?.['ca.crt'] === this.caPem) return;
    await this.objects.guaranteedUpdate(def, ns, ROOT_CA_CONFIGMAP, (o) => {
      o.data = { ...(o.data as object), 'ca.crt': this.caPem };
      return o;
    });
  }
}
