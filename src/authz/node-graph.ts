// The Node authorizer's graph (plugin/pkg/auth/authorizer/node/graph.go): which objects each node may
// reach. Edges point towards the node:
//   pod → node (spec.nodeName)
//   secret / configmap / pvc / serviceaccount → pod (what the pod spec references)
//   pv → pvc (spec.claimRef), secret → pv (kubelet-visible PV secrets)
//   volumeattachment → node, configmap → node (legacy spec.configSource)
// The lead feeds it from the store's watch; vertices nothing points to any more are dropped.
import type { KubeObject } from '../api/types.js';

export type VertexType = 'node' | 'pod' | 'secret' | 'configmap' | 'pvc' | 'pv' | 'serviceaccount' | 'volumeattachment';

class Vertex {
  readonly out = new Set<Vertex>();
  readonly in = new Set<Vertex>();
  constructor(
    readonly type: VertexType,
    readonly namespace: string,
    readonly name: string,
  ) {}
}

/** The mirror-pod annotation: such pods never grant their node access to other objects. */
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export class NodeGraph {
  private readonly vertices = new Map<string, Vertex>();
  /** Node name → the ConfigMap its spec.configSource names. */
  private readonly nodeConfig = new Map<string, Vertex>();

  private key(type: VertexType, namespace: string, name: string): string {
    return `${type}\u0000${namespace}\u0000${name}`;
  }

  private vertex(type: VertexType, namespace: string, name: string): Vertex {
    const k = this.key(type, namespace, name);
    let v = this.vertices.get(k);
    if (!v) this.vertices.set(k, (v = new Vertex(type, namespace, name)));
    return v;
  }

  private edge(from: Vertex, to: Vertex): void {
    from.out.add(to);
    to.in.add(from);
  }

  /** Removes a vertex and its edges, then neighbours left without any edge. */
  private deleteVertex(type: VertexType, namespace: string, name: string): void {
    const v = this.vertices.get(this.key(type, namespace, name));
    if (!v) return;
    this.vertices.delete(this.key(type, namespace, name));
    const neighbours = new Set<Vertex>([...v.out, ...v.in]);
    for (const n of v.out) n.in.delete(v);
    for (const n of v.in) n.out.delete(v);
    for (const n of neighbours) this.prune(n);
  }

  private prune(v: Vertex): void {
    if (v.in.size === 0 && v.out.size === 0) this.vertices.delete(this.key(v.type, v.namespace, v.name));
  }

  /** AddPod: a scheduled pod and what it references. Unscheduled pods are not in the graph. */
  upsertPod(pod: KubeObject): void {
    const ns = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    this.deleteVertex('pod', ns, name);
    const spec = obj(pod.spec) ?? {};
    const nodeName = str(spec.nodeName);
    if (!nodeName) return;
    const podVertex = this.vertex('pod', ns, name);
    this.edge(podVertex, this.vertex('node', '', nodeName));
    // A node must never be able to create a pod that grants it access to other objects.
    if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return;
    const sa = str(spec.serviceAccountName);
    if (sa) this.edge(this.vertex('serviceaccount', ns, sa), podVertex);
    for (const s of podSecretNames(spec)) this.edge(this.vertex('secret', ns, s), podVertex);
    for (const c of podConfigMapNames(spec)) this.edge(this.vertex('configmap', ns, c), podVertex);
    for (const claim of podClaimNames(name, spec)) this.edge(this.vertex('pvc', ns, claim), podVertex);
  }

  removePod(namespace: string, name: string): void {
    this.deleteVertex('pod', namespace, name);
  }

  /** AddPV: pv → its bound claim, kubelet-visible secrets → pv. */
  upsertPersistentVolume(pv: KubeObject): void {
    const name = pv.metadata.name ?? '';
    this.deleteVertex('pv', '', name);
    const spec = obj(pv.spec) ?? {};
    const claimRef = obj(spec.claimRef);
    if (!claimRef) return;
    const pvVertex = this.vertex('pv', '', name);
    this.edge(pvVertex, this.vertex('pvc', str(claimRef.namespace), str(claimRef.name)));
    for (const [ns, secret] of pvSecretNames(spec, str(claimRef.namespace)))
      this.edge(this.vertex('secret', ns, secret), pvVertex);
  }

  removePersistentVolume(name: string): void {
    this.deleteVertex('pv', '', name);
  }

  /** AddVolumeAttachment: the attachment → the node it is for. */
  upsertVolumeAttachment(va: KubeObject): void {
    const name = va.metadata.name ?? '';
    this.deleteVertex('volumeattachment', '', name);
    const nodeName = str(obj(va.spec)?.nodeName);
    if (nodeName) this.edge(this.vertex('volumeattachment', '', name), this.vertex('node', '', nodeName));
  }

  removeVolumeAttachment(name: string): void {
    this.deleteVertex('volumeattachment', '', name);
  }

  /** A Node: only its legacy dynamic-config ConfigMap (spec.configSource.configMap) makes an edge. */
  upsertNode(node: KubeObject): void {
    const name = node.metadata.name ?? '';
    this.dropNodeConfig(name);
    const cm = obj(obj(obj(node.spec)?.configSource)?.configMap);
    if (!cm || !str(cm.name) || !str(cm.namespace)) return;
    const c = this.vertex('configmap', str(cm.namespace), str(cm.name));
    this.edge(c, this.vertex('node', '', name));
    this.nodeConfig.set(name, c);
  }

  removeNode(name: string): void {
    this.dropNodeConfig(name);
  }

  private dropNodeConfig(nodeName: string): void {
    const c = this.nodeConfig.get(nodeName);
    if (!c) return;
    this.nodeConfig.delete(nodeName);
    const n = this.vertices.get(this.key('node', '', nodeName));
    if (!n) return;
    c.out.delete(n);
    n.in.delete(c);
    this.prune(c);
    this.prune(n);
  }

  /** hasPathFrom: whether the object reaches the node (never through another node). */
  hasPath(nodeName: string, type: VertexType, namespace: string, name: string): boolean {
    const target = this.vertices.get(this.key('node', '', nodeName));
    const start = this.vertices.get(this.key(type, namespace, name));
    if (!target || !start) return false;
    const seen = new Set<Vertex>([start]);
    const stack = [start];
    while (stack.length > 0) {
      const v = stack.pop()!;
      for (const n of v.out) {
        if (n === target) return true;
        if (n.type === 'node' || seen.has(n)) continue;
        seen.add(n);
        stack.push(n);
      }
    }
    return false;
  }

  /** Number of vertices (for tests and metrics). */
  get size(): number {
    return this.vertices.size;
  }
}

function containers(spec: Json): Json[] {
  return [...arr(spec.initContainers), ...arr(spec.containers), ...arr(spec.ephemeralContainers)]
    .map(obj)
    .filter((c): c is Json => c !== undefined);
}

/** VisitPodSecretNames (pkg/api/v1/pod/util.go). */
export function podSecretNames(spec: Json): string[] {
  const out: string[] = [];
  const add = (n: unknown): void => {
    if (typeof n === 'string' && n) out.push(n);
  };
  for (const ref of arr(spec.imagePullSecrets)) add(obj(ref)?.name);
  for (const c of containers(spec)) {
    for (const e of arr(c.envFrom)) add(obj(obj(e)?.secretRef)?.name);
    for (const e of arr(c.env)) add(obj(obj(obj(e)?.valueFrom)?.secretKeyRef)?.name);
  }
  for (const vol of arr(spec.volumes).map(obj)) {
    if (!vol) continue;
    if (obj(vol.azureFile)) add(obj(vol.azureFile)!.secretName);
    else if (obj(vol.cephfs)) add(obj(obj(vol.cephfs)!.secretRef)?.name);
    else if (obj(vol.cinder)) add(obj(obj(vol.cinder)!.secretRef)?.name);
    else if (obj(vol.flexVolume)) add(obj(obj(vol.flexVolume)!.secretRef)?.name);
    else if (obj(vol.projected)) for (const s of arr(obj(vol.projected)!.sources)) add(obj(obj(s)?.secret)?.name);
    else if (obj(vol.rbd)) add(obj(obj(vol.rbd)!.secretRef)?.name);
    else if (obj(vol.secret)) add(obj(vol.secret)!.secretName);
    else if (obj(vol.scaleIO)) add(obj(obj(vol.scaleIO)!.secretRef)?.name);
    else if (obj(vol.iscsi)) add(obj(obj(vol.iscsi)!.secretRef)?.name);
    else if (obj(vol.storageos)) add(obj(obj(vol.storageos)!.secretRef)?.name);
    else if (obj(vol.csi)) add(obj(obj(vol.csi)!.nodePublishSecretRef)?.name);
  }
  return out;
}

/** VisitPodConfigmapNames. */
export function podConfigMapNames(spec: Json): string[] {
  const out: string[] = [];
  const add = (n: unknown): void => {
    if (typeof n === 'string' && n) out.push(n);
  };
  for (const c of containers(spec)) {
    for (const e of arr(c.envFrom)) add(obj(obj(e)?.configMapRef)?.name);
    for (const e of arr(c.env)) add(obj(obj(obj(e)?.valueFrom)?.configMapKeyRef)?.name);
  }
  for (const vol of arr(spec.volumes).map(obj)) {
    if (!vol) continue;
    if (obj(vol.projected)) for (const s of arr(obj(vol.projected)!.sources)) add(obj(obj(s)?.configMap)?.name);
    else if (obj(vol.configMap)) add(obj(vol.configMap)!.name);
  }
  return out;
}

/** PVC names: persistentVolumeClaim volumes and generic ephemeral volumes (`<pod>-<volume>`). */
export function podClaimNames(podName: string, spec: Json): string[] {
  const out: string[] = [];
  for (const vol of arr(spec.volumes).map(obj)) {
    if (!vol) continue;
    const pvc = obj(vol.persistentVolumeClaim);
    if (pvc && str(pvc.claimName)) out.push(str(pvc.claimName));
    else if (obj(vol.ephemeral)) out.push(`${podName}-${str(vol.name)}`);
  }
  return out;
}

/** VisitPVSecretNames, kubelet-visible references only: [namespace, name] pairs. */
function pvSecretNames(spec: Json, claimNamespace: string): [string, string][] {
  const out: [string, string][] = [];
  const ref = (r: unknown, defaultNs = claimNamespace): void => {
    const o = obj(r);
    if (o && str(o.name)) out.push([str(o.namespace) || defaultNs, str(o.name)]);
  };
  const azure = obj(spec.azureFile);
  if (azure && str(azure.secretName)) out.push([str(azure.secretNamespace) || claimNamespace, str(azure.secretName)]);
  ref(obj(spec.cephfs)?.secretRef);
  ref(obj(spec.cinder)?.secretRef, '');
  ref(obj(spec.flexVolume)?.secretRef);
  ref(obj(spec.rbd)?.secretRef);
  ref(obj(spec.scaleIO)?.secretRef);
  ref(obj(spec.iscsi)?.secretRef);
  ref(obj(spec.storageos)?.secretRef);
  const csi = obj(spec.csi);
  if (csi) {
    ref(csi.nodePublishSecretRef, '');
    ref(csi.nodeStageSecretRef, '');
    ref(csi.nodeExpandSecretRef, '');
  }
  return out;
}
