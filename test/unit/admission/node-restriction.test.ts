// NodeRestriction, as a table after plugin/pkg/admission/noderestriction/admission_test.go: the node
// "mynode" against its own and other nodes' pods, Nodes, tokens, leases and CSRs, with kube's error texts.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AdmissionOperation, AdmissionRequest } from '../../../src/admission/interface.js';
import { forbiddenNodeLabels, isKubeletLabel, nodeRestriction } from '../../../src/admission/node-restriction.js';
import { StatusError } from '../../../src/api/errors.js';
import type { KubeObject } from '../../../src/api/types.js';
import type { UserInfo } from '../../../src/authn/interfaces.js';
import type { Attributes } from '../../../src/authz/interfaces.js';
import { ObjectStore } from '../../../src/registry/object-store.js';
import { certificateSigningRequests } from '../../../src/registry/resources/certificates.js';
import { nodes, serviceAccounts } from '../../../src/registry/resources/core.js';
import { pods } from '../../../src/registry/resources/pods.js';
import type { ResourceDef } from '../../../src/registry/types.js';
import { MemoryStore } from '../../../src/storage/memory.js';
import { b64, FakeAuthorizer, opensslCsr } from '../certificates/fixtures.js';

const MYNODE: UserInfo = { username: 'system:node:mynode', groups: ['system:nodes', 'system:authenticated'] };
const BOB: UserInfo = { username: 'bob', groups: ['system:authenticated'] };
const MIRROR = 'kubernetes.io/config.mirror';
const MYNODE_UID = 'mynode-uid';
/** coordination.k8s.io leases, which kauth does not serve yet: only the group and resource matter here. */
const LEASES: ResourceDef = {
  group: 'coordination.k8s.io',
  version: 'v1',
  resource: 'leases',
  kind: 'Lease',
  listKind: 'LeaseList',
  singularName: 'lease',
  namespaced: true,
  verbs: ['create', 'get', 'update', 'patch', 'delete'],
};

type Json = Record<string, unknown>;

/** makeTestPod: a pod in ns, bound to node; a mirror pod carries the annotation and its node as controller owner. */
function pod(name: string, node: string, mirror: boolean, spec: Json = {}, meta: Json = {}): KubeObject {
  const metadata: Json = { namespace: 'ns', name, uid: `${name}-uid`, ...meta };
  if (mirror) {
    metadata.annotations = { [MIRROR]: 'true' };
    metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: node, uid: `${node}-uid`, controller: true }];
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox' }], ...spec },
  } as KubeObject;
}

function withMeta(p: KubeObject, meta: Json): KubeObject {
  return { ...p, metadata: { ...p.metadata, ...meta } } as KubeObject;
}

function node(name: string, extra: Json = {}, meta: Json = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `${name}-uid`, ...meta },
    spec: {},
    ...extra,
  } as KubeObject;
}

function tokenRequest(podName: string, podUid: string, audiences: string[] = []): KubeObject {
  const spec: Json = { audiences };
  if (podName) spec.boundObjectRef = { kind: 'Pod', apiVersion: 'v1', name: podName, uid: podUid };
  return { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {}, spec } as KubeObject;
}

function csr(cn: string, signerName: string, request?: string): KubeObject {
  return {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { generateName: 'csr-' },
    spec: {
      request: request ?? b64(opensslCsr(`/O=system:nodes/CN=${cn}`)),
      signerName,
      usages: ['digital signature', 'client auth'],
    },
  } as KubeObject;
}

interface Req {
  op: AdmissionOperation;
  def: ResourceDef;
  sub?: string;
  ns?: string;
  name?: string;
  object?: KubeObject;
  old?: KubeObject;
  user?: UserInfo;
}

function request(r: Req): AdmissionRequest {
  const namespace = r.ns ?? (r.def.namespaced ? 'ns' : '');
  const name = r.name ?? r.object?.metadata.name ?? r.old?.metadata.name ?? '';
  return {
    operation: r.op,
    def: r.def,
    subresource: r.sub ?? '',
    namespace,
    name,
    object: r.object,
    oldObject: r.old,
    ctx: {
      user: r.user ?? MYNODE,
      dryRun: false,
      query: new URLSearchParams(),
      info: {
        isResourceRequest: true,
        path: '',
        verb: r.op.toLowerCase(),
        apiPrefix: r.def.group ? 'apis' : 'api',
        apiGroup: r.def.group,
        apiVersion: r.def.version,
        namespace,
        resource: r.def.resource,
        subresource: r.sub ?? '',
        name: r.op === 'CREATE' && !r.sub ? '' : name,
        parts: [],
      },
    },
  };
}

interface Case extends Req {
  title: string;
  /** The 403 message; absent: admitted. */
  err?: string;
  /** Another status code than 403 (404 from the pod or node lookup). */
  code?: number;
}

// The existing objects: pods on mynode and othernode, mirror and not, and the node objects.
const mymirrorpod = pod('mymirrorpod', 'mynode', true);
const othermirrorpod = pod('othermirrorpod', 'othernode', true);
const unboundmirrorpod = pod('unboundmirrorpod', '', true);
const mypod = pod('mypod', 'mynode', false);
const otherpod = pod('otherpod', 'othernode', false);
const projectedToken = (audience?: string): Json => ({
  name: 'tok',
  projected: {
    sources: [{ serviceAccountToken: audience === undefined ? { path: 'token' } : { path: 'token', audience } }],
  },
});
const mysapod = pod('mysapod', 'mynode', false, { volumes: [projectedToken(), projectedToken('foo')] });
const mycsipod = pod('mycsipod', 'mynode', false, {
  volumes: [{ name: 'v', csi: { driver: 'com.example.csi.mydriver' } }],
});
const mypvcpod = pod('mypvcpod', 'mynode', false, {
  volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'pvclaim' } }],
});

const q = JSON.stringify;
const mirrorWith = (name: string, spec: Json): KubeObject => pod(name, 'mynode', true, spec);
const refusedRef = (what: string): string => `node "mynode" can not create pods that reference ${what}`;

const CASES: Case[] = [
  // Mirror pods bound to us
  { title: 'allow creating a mirror pod bound to self', op: 'CREATE', def: pods, object: mymirrorpod },
  {
    title: 'forbid update of mirror pod bound to self',
    op: 'UPDATE',
    def: pods,
    object: mymirrorpod,
    old: mymirrorpod,
    err: 'pods "mymirrorpod" is forbidden: unexpected operation "UPDATE", node "mynode" can only create and delete mirror pods',
  },
  { title: 'allow delete of mirror pod bound to self', op: 'DELETE', def: pods, name: 'mymirrorpod', old: mymirrorpod },
  {
    title: 'forbid create of mirror pod status bound to self',
    op: 'CREATE',
    def: pods,
    sub: 'status',
    object: mymirrorpod,
    err: 'pods "mymirrorpod" is forbidden: unexpected operation "CREATE"',
  },
  {
    title: 'allow update of mirror pod status bound to self',
    op: 'UPDATE',
    def: pods,
    sub: 'status',
    object: mymirrorpod,
    old: mymirrorpod,
  },
  {
    title: 'forbid delete of mirror pod status bound to self',
    op: 'DELETE',
    def: pods,
    sub: 'status',
    name: 'mymirrorpod',
    old: mymirrorpod,
    err: 'pods "mymirrorpod" is forbidden: unexpected operation "DELETE"',
  },
  {
    title: 'allow create of eviction for mirror pod bound to self',
    op: 'CREATE',
    def: pods,
    sub: 'eviction',
    name: 'mymirrorpod',
    object: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'mymirrorpod' } },
  },
  {
    title: 'forbid update of eviction',
    op: 'UPDATE',
    def: pods,
    sub: 'eviction',
    name: 'mymirrorpod',
    object: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'mymirrorpod' } },
    err: 'pods "mymirrorpod" is forbidden: unexpected operation UPDATE',
  },
  {
    title: 'forbid an other pod subresource',
    op: 'UPDATE',
    def: pods,
    sub: 'ephemeralcontainers',
    object: mymirrorpod,
    old: mymirrorpod,
    err: 'pods "mymirrorpod" is forbidden: unexpected pod subresource "ephemeralcontainers", only \'status\' and \'eviction\' are allowed',
  },

  // Mirror pods bound to another node, or to none
  {
    title: 'forbid creating a mirror pod bound to another',
    op: 'CREATE',
    def: pods,
    object: othermirrorpod,
    err: 'pods "othermirrorpod" is forbidden: node "mynode" can only create pods with spec.nodeName set to itself',
  },
  {
    title: 'forbid delete of mirror pod bound to another',
    op: 'DELETE',
    def: pods,
    name: 'othermirrorpod',
    old: othermirrorpod,
    err: 'pods "othermirrorpod" is forbidden: node "mynode" can only delete pods with spec.nodeName set to itself',
  },
  {
    title: 'forbid update of mirror pod status bound to another',
    op: 'UPDATE',
    def: pods,
    sub: 'status',
    object: othermirrorpod,
    old: othermirrorpod,
    err: 'pods "othermirrorpod" is forbidden: node "mynode" can only update pod status for pods with spec.nodeName set to itself',
  },
  {
    title: 'forbid create of eviction for mirror pod bound to another',
    op: 'CREATE',
    def: pods,
    sub: 'eviction',
    name: 'othermirrorpod',
    object: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'othermirrorpod' } },
    err: 'pods "othermirrorpod" is forbidden: node mynode can only evict pods with spec.nodeName set to itself',
  },
  {
    title: 'forbid creating a mirror pod unbound',
    op: 'CREATE',
    def: pods,
    object: unboundmirrorpod,
    err: 'pods "unboundmirrorpod" is forbidden: node "mynode" can only create pods with spec.nodeName set to itself',
  },
  {
    title: 'forbid update of mirror pod status unbound',
    op: 'UPDATE',
    def: pods,
    sub: 'status',
    object: unboundmirrorpod,
    old: unboundmirrorpod,
    err: 'pods "unboundmirrorpod" is forbidden: node "mynode" can only update pod status for pods with spec.nodeName set to itself',
  },

  // Regular pods: the seed-004 attack is the first case
  {
    title: 'forbid create of pod referencing a secret, bound to self',
    op: 'CREATE',
    def: pods,
    object: pod('evil', 'mynode', false, { volumes: [{ name: 's', secret: { secretName: 'db-pass' } }] }),
    err: 'pods "evil" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "mynode" can only create mirror pods',
  },
  {
    title: 'forbid create of pod bound to another',
    op: 'CREATE',
    def: pods,
    object: otherpod,
    err: 'pods "otherpod" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "mynode" can only create mirror pods',
  },
  {
    title: 'forbid create of a generateName pod, named by its generateName',
    op: 'CREATE',
    def: pods,
    object: withMeta(pod('', 'mynode', false), { name: undefined, generateName: 'gen-' }),
    err: 'pods "gen-" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "mynode" can only create mirror pods',
  },
  { title: 'allow delete of pod bound to self', op: 'DELETE', def: pods, name: 'mypod', old: mypod },
  {
    title: 'forbid delete of pod bound to another',
    op: 'DELETE',
    def: pods,
    name: 'otherpod',
    old: otherpod,
    err: 'pods "otherpod" is forbidden: node "mynode" can only delete pods with spec.nodeName set to itself',
  },
  {
    title: 'allow update of pod status bound to self',
    op: 'UPDATE',
    def: pods,
    sub: 'status',
    object: mypod,
    old: mypod,
  },
  {
    title: 'forbid update of pod status bound to another',
    op: 'UPDATE',
    def: pods,
    sub: 'status',
    object: otherpod,
    old: otherpod,
    err: 'pods "otherpod" is forbidden: node "mynode" can only update pod status for pods with spec.nodeName set to itself',
  },
  {
    title: 'forbid adding labels through pod status',
    op: 'UPDATE',
    def: pods,
    sub: 'status',
    object: withMeta(mypod, { labels: { 'label-a': 'value-a' } }),
    old: mypod,
    err: 'pods "mypod" is forbidden: node "mynode" cannot update labels through pod status',
  },
  {
    title: 'forbid changing labels through pod status',
    op: 'UPDATE',
    def: pods,
    sub: 'status',
    object: withMeta(mypod, { labels: { 'label-a': 'value-b' } }),
    old: withMeta(mypod, { labels: { 'label-a': 'value-a' } }),
    err: 'pods "mypod" is forbidden: node "mynode" cannot update labels through pod status',
  },
  {
    title: 'allow unchanged labels (nil and empty alike) through pod status',
    op: 'UPDATE',
    def: pods,
    sub: 'status',
    object: withMeta(mypod, { labels: {} }),
    old: mypod,
  },
  {
    title: 'forbid changing resource claim statuses',
    op: 'UPDATE',
    def: pods,
    sub: 'status',
    object: { ...mypod, status: { resourceClaimStatuses: [{ name: 'c', resourceClaimName: 'x' }] } },
    old: mypod,
    err: 'pods "mypod" is forbidden: node "mynode" cannot update resource claim statues',
  },

  // Mirror pod owner references
  {
    title: 'forbid a mirror pod without owner',
    op: 'CREATE',
    def: pods,
    object: withMeta(mymirrorpod, { ownerReferences: [] }),
    err: 'pods "mymirrorpod" is forbidden: node "mynode" can only create pods with an owner reference set to itself',
  },
  {
    title: 'forbid a mirror pod with two owners',
    op: 'CREATE',
    def: pods,
    object: withMeta(mymirrorpod, {
      ownerReferences: [mymirrorpod.metadata.ownerReferences![0], mymirrorpod.metadata.ownerReferences![0]],
    }),
    err: 'pods "mymirrorpod" is forbidden: node "mynode" can only create pods with a single owner reference set to itself',
  },
  {
    title: 'forbid a mirror pod owned by another node',
    op: 'CREATE',
    def: pods,
    object: withMeta(mymirrorpod, {
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'othernode', uid: 'othernode-uid', controller: true }],
    }),
    err: 'pods "mymirrorpod" is forbidden: node "mynode" can only create pods with an owner reference set to itself',
  },
  {
    title: 'forbid a mirror pod owned by something else',
    op: 'CREATE',
    def: pods,
    object: withMeta(mymirrorpod, {
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Node', name: 'mynode', uid: MYNODE_UID, controller: true }],
    }),
    err: 'pods "mymirrorpod" is forbidden: node "mynode" can only create pods with an owner reference set to itself',
  },
  {
    title: 'forbid a mirror pod whose owner is not its controller',
    op: 'CREATE',
    def: pods,
    object: withMeta(mymirrorpod, {
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'mynode', uid: MYNODE_UID }],
    }),
    err: 'pods "mymirrorpod" is forbidden: node "mynode" can only create pods with a controller owner reference set to itself',
  },
  {
    title: 'forbid blockOwnerDeletion',
    op: 'CREATE',
    def: pods,
    object: withMeta(mymirrorpod, {
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Node', name: 'mynode', uid: MYNODE_UID, controller: true, blockOwnerDeletion: true },
      ],
    }),
    err: 'pods "mymirrorpod" is forbidden: node "mynode" must not set blockOwnerDeletion on an owner reference',
  },
  {
    title: 'forbid a stale node UID',
    op: 'CREATE',
    def: pods,
    object: withMeta(mymirrorpod, {
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'mynode', uid: 'old-uid', controller: true }],
    }),
    err: 'pods "mymirrorpod" is forbidden: node mynode UID mismatch: expected old-uid got mynode-uid',
  },
  {
    title: "a node without its Node object gets the lookup's 404",
    op: 'CREATE',
    def: pods,
    user: { username: 'system:node:ghost', groups: ['system:nodes'] },
    object: pod('ghostpod', 'ghost', true),
    code: 404,
    err: 'node "ghost" not found',
  },

  // A mirror pod may not reference other API objects
  {
    title: 'forbid a mirror pod with a service account',
    op: 'CREATE',
    def: pods,
    object: mirrorWith('mysapod', { serviceAccountName: 'foo' }),
    err: `pods "mysapod" is forbidden: ${refusedRef('a service account')}`,
  },
  {
    title: 'forbid a mirror pod with the deprecated serviceAccount field',
    op: 'CREATE',
    def: pods,
    object: mirrorWith('mysapod', { serviceAccount: 'foo' }),
    err: `pods "mysapod" is forbidden: ${refusedRef('a service account')}`,
  },
  {
    title: 'forbid a mirror pod with a secret volume',
    op: 'CREATE',
    def: pods,
    object: mirrorWith('mysecretpod', { volumes: [{ name: 'v', secret: { secretName: 'foo' } }] }),
    err: `pods "mysecretpod" is forbidden: ${refusedRef('secrets')}`,
  },
  {
    title: 'forbid a mirror pod with a projected secret',
    op: 'CREATE',
    def: pods,
    object: mirrorWith('mysecretpod', {
      volumes: [{ name: 'v', projected: { sources: [{ secret: { name: 'foo' } }] } }],
    }),
    err: `pods "mysecretpod" is forbidden: ${refusedRef('secrets')}`,
  },
  {
    title: 'forbid a mirror pod with an env secret in an ephemeral container',
    op: 'CREATE',
    def: pods,
    object: mirrorWith('mysecretpod', {
      ephemeralContainers: [
        { name: 'e', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'foo', key: 'k' } } }] },
      ],
    }),
    err: `pods "mysecretpod" is forbidden: ${refusedRef('secrets')}`,
  },
  {
    title: 'forbid a mirror pod with an image pull secret',
    op: 'CREATE',
    def: pods,
    object: mirrorWith('mysecretpod', { imagePullSecrets: [{ name: 'regcred' }] }),
    err: `pods "mysecretpod" is forbidden: ${refusedRef('secrets')}`,
  },
  {
    title: 'forbid a mirror pod with a configmap volume',
    op: 'CREATE',
    def: pods,
    object: mirrorWith('myconfigmappod', { volumes: [{ name: 'v', configMap: { name: 'foo' } }] }),
    err: `pods "myconfigmappod" is forbidden: ${refusedRef('configmaps')}`,
  },
  {
    title: 'forbid a mirror pod with envFrom a configmap in an init container',
    op: 'CREATE',
    def: pods,
    object: mirrorWith('myconfigmappod', {
      initContainers: [{ name: 'i', envFrom: [{ configMapRef: { name: 'foo' } }] }],
    }),
    err: `pods "myconfigmappod" is forbidden: ${refusedRef('configmaps')}`,
  },
  {
    title: 'forbid a mirror pod with a cluster trust bundle',
    op: 'CREATE',
    def: pods,
    object: mirrorWith('myctbpod', {
      volumes: [{ name: 'v', projected: { sources: [{ clusterTrustBundle: { name: 'foo', path: 'ca.pem' } }] } }],
    }),
    err: `pods "myctbpod" is forbidden: ${refusedRef('clustertrustbundles')}`,
  },
  {
    title: 'forbid a mirror pod with a PVC',
    op: 'CREATE',
    def: pods,
    object: mirrorWith('mypvcpod', { volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'foo' } }] }),
    err: `pods "mypvcpod" is forbidden: ${refusedRef('persistentvolumeclaims')}`,
  },
  {
    title: 'allow a mirror pod with hostPath and emptyDir volumes',
    op: 'CREATE',
    def: pods,
    object: mirrorWith('static', {
      volumes: [
        { name: 'h', hostPath: { path: '/etc/kubernetes' } },
        { name: 'e', emptyDir: {} },
      ],
    }),
  },

  // Nodes
  { title: 'allow create of my node', op: 'CREATE', def: nodes, object: node('mynode') },
  {
    title: 'forbid create of my node with config source',
    op: 'CREATE',
    def: nodes,
    object: node('mynode', {
      spec: { configSource: { configMap: { name: 'foo', namespace: 'bar', kubeletConfigKey: 'kubelet' } } },
    }),
    err: 'nodes "mynode" is forbidden: node "mynode" is not allowed to create pods with a non-nil configSource',
  },
  {
    title: "allow create of my node with the kubelet's labels",
    op: 'CREATE',
    def: nodes,
    object: node('mynode', {}, { labels: allowedLabels() }),
  },
  {
    title: 'forbid create of my node with forbidden labels',
    op: 'CREATE',
    def: nodes,
    object: node('mynode', {}, { labels: { ...allowedLabels(), ...forbiddenLabels() } }),
    err: 'nodes "mynode" is forbidden: node "mynode" is not allowed to set the following labels: foo.node-restriction.kubernetes.io/foo, node-restriction.kubernetes.io/foo, other.k8s.io/foo, other.kubernetes.io/foo',
  },
  {
    title: 'forbid create of other node',
    op: 'CREATE',
    def: nodes,
    object: node('othernode'),
    err: 'nodes "othernode" is forbidden: node "mynode" is not allowed to modify node "othernode"',
  },
  { title: 'allow update of my node', op: 'UPDATE', def: nodes, object: node('mynode'), old: node('mynode') },
  {
    title: 'allow update of my node status',
    op: 'UPDATE',
    def: nodes,
    sub: 'status',
    object: node('mynode', { status: { conditions: [{ type: 'Ready', status: 'True' }] } }),
    old: node('mynode'),
  },
  { title: 'allow delete of my node', op: 'DELETE', def: nodes, name: 'mynode', old: node('mynode') },
  {
    title: 'forbid update of other node',
    op: 'UPDATE',
    def: nodes,
    object: node('othernode'),
    old: node('othernode'),
    err: 'nodes "othernode" is forbidden: node "mynode" is not allowed to modify node "othernode"',
  },
  {
    title: 'forbid update of other node status',
    op: 'UPDATE',
    def: nodes,
    sub: 'status',
    object: node('othernode'),
    old: node('othernode'),
    err: 'nodes "othernode" is forbidden: node "mynode" is not allowed to modify node "othernode"',
  },
  {
    title: 'forbid delete of other node',
    op: 'DELETE',
    def: nodes,
    name: 'othernode',
    old: node('othernode'),
    err: 'nodes "othernode" is forbidden: node "mynode" is not allowed to modify node "othernode"',
  },
  {
    title: 'forbid update of my node: new config source',
    op: 'UPDATE',
    def: nodes,
    object: node('mynode', {
      spec: { configSource: { configMap: { name: 'qux', namespace: 'bar', kubeletConfigKey: 'kubelet' } } },
    }),
    old: node('mynode', {
      spec: { configSource: { configMap: { name: 'foo', namespace: 'bar', kubeletConfigKey: 'kubelet' } } },
    }),
    err: 'nodes "mynode" is forbidden: node "mynode" is not allowed to update configSource to a new non-nil configSource',
  },
  {
    title: 'allow update of my node: config source dropped (old kubelets)',
    op: 'UPDATE',
    def: nodes,
    object: node('mynode'),
    old: node('mynode', {
      spec: { configSource: { configMap: { name: 'foo', namespace: 'bar', kubeletConfigKey: 'kubelet' } } },
    }),
  },
  {
    title: 'forbid update of my node: taints changed',
    op: 'UPDATE',
    def: nodes,
    object: node('mynode', { spec: { taints: [{ key: 'mykey', value: 'B', effect: 'NoSchedule' }] } }),
    old: node('mynode', { spec: { taints: [{ key: 'mykey', value: 'A', effect: 'NoSchedule' }] } }),
    err: 'nodes "mynode" is forbidden: node "mynode" is not allowed to modify taints',
  },
  {
    title: 'forbid update of my node: taints removed',
    op: 'UPDATE',
    def: nodes,
    object: node('mynode'),
    old: node('mynode', { spec: { taints: [{ key: 'mykey', value: 'A', effect: 'NoSchedule' }] } }),
    err: 'nodes "mynode" is forbidden: node "mynode" is not allowed to modify taints',
  },
  {
    title: 'allow update of my node: same taints, re-encoded',
    op: 'UPDATE',
    def: nodes,
    object: node('mynode', { spec: { taints: [{ effect: 'NoSchedule', value: '', key: 'mykey' }] } }),
    old: node('mynode', { spec: { taints: [{ key: 'mykey', effect: 'NoSchedule' }] } }),
  },
  {
    title: 'allow update of my node: empty taints are no taints',
    op: 'UPDATE',
    def: nodes,
    object: node('mynode', { spec: { taints: [] } }),
    old: node('mynode'),
  },
  {
    title: 'forbid update of my node: owner references',
    op: 'UPDATE',
    def: nodes,
    object: node('mynode', {}, { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'othernode', uid: 'x' }] }),
    old: node('mynode'),
    err: 'nodes "mynode" is forbidden: node "mynode" is not allowed to modify ownerReferences',
  },
  {
    title: 'allow update of my node: kubelet labels added',
    op: 'UPDATE',
    def: nodes,
    object: node('mynode', {}, { labels: allowedLabels() }),
    old: node('mynode'),
  },
  {
    title: 'allow update of my node: kubelet labels removed',
    op: 'UPDATE',
    def: nodes,
    object: node('mynode'),
    old: node('mynode', {}, { labels: allowedLabels() }),
  },
  {
    title: 'allow update of my node: forbidden labels unchanged',
    op: 'UPDATE',
    def: nodes,
    object: node('mynode', {}, { labels: forbiddenLabels() }),
    old: node('mynode', {}, { labels: forbiddenLabels() }),
  },
  {
    title: 'forbid update of my node: forbidden labels added',
    op: 'UPDATE',
    def: nodes,
    object: node('mynode', {}, { labels: forbiddenLabels() }),
    old: node('mynode'),
    err: 'nodes "mynode" is forbidden: is not allowed to modify labels: foo.node-restriction.kubernetes.io/foo, node-restriction.kubernetes.io/foo, other.k8s.io/foo, other.kubernetes.io/foo',
  },
  {
    title: 'forbid update of my node: forbidden label changed',
    op: 'UPDATE',
    def: nodes,
    object: node('mynode', {}, { labels: { 'node-restriction.kubernetes.io/foo': 'b' } }),
    old: node('mynode', {}, { labels: { 'node-restriction.kubernetes.io/foo': 'a' } }),
    err: 'nodes "mynode" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/foo',
  },
  {
    title: 'forbid update of my node: forbidden label removed',
    op: 'UPDATE',
    def: nodes,
    object: node('mynode'),
    old: node('mynode', {}, { labels: { 'node-role.kubernetes.io/control-plane': '' } }),
    err: 'nodes "mynode" is forbidden: is not allowed to modify labels: node-role.kubernetes.io/control-plane',
  },
  {
    title: 'forbid status update that relabels my node',
    op: 'UPDATE',
    def: nodes,
    sub: 'status',
    object: node('mynode', {}, { labels: { 'node-restriction.kubernetes.io/tenant': 'a' } }),
    old: node('mynode'),
    err: 'nodes "mynode" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/tenant',
  },

  // Service account tokens
  {
    title: 'forbid create of unbound token',
    op: 'CREATE',
    def: serviceAccounts,
    sub: 'token',
    name: 'mysa',
    object: tokenRequest('', '', ['foo']),
    err: 'serviceaccounts "mysa" is forbidden: node requested token not bound to a pod',
  },
  {
    title: 'forbid create of token bound to a secret',
    op: 'CREATE',
    def: serviceAccounts,
    sub: 'token',
    name: 'mysa',
    object: {
      ...tokenRequest('', ''),
      spec: { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 's', uid: 'u' } },
    },
    err: 'serviceaccounts "mysa" is forbidden: node requested token not bound to a pod',
  },
  {
    title: 'forbid create of token bound to nonexistent pod',
    op: 'CREATE',
    def: serviceAccounts,
    sub: 'token',
    name: 'mysa',
    object: tokenRequest('nopod', 'someuid', ['foo']),
    code: 404,
    err: 'pod "nopod" not found',
  },
  {
    title: 'forbid create of token bound to pod without uid',
    op: 'CREATE',
    def: serviceAccounts,
    sub: 'token',
    name: 'mysa',
    object: tokenRequest('mypod', '', ['foo']),
    err: 'serviceaccounts "mysa" is forbidden: node requested token with a pod binding without a uid',
  },
  {
    title: 'forbid create of token bound to a recreated pod',
    op: 'CREATE',
    def: serviceAccounts,
    sub: 'token',
    name: 'mysa',
    object: tokenRequest('mysapod', 'random-uid'),
    err: 'serviceaccounts "mysa" is forbidden: the UID in the bound object reference (random-uid) does not match the UID in record. The object might have been deleted and then recreated',
  },
  {
    title: 'forbid create of token bound to pod scheduled on another node',
    op: 'CREATE',
    def: serviceAccounts,
    sub: 'token',
    name: 'mysa',
    object: tokenRequest('otherpod', 'otherpod-uid', ['foo']),
    err: 'serviceaccounts "mysa" is forbidden: node requested token bound to a pod scheduled on a different node',
  },
  {
    title: 'allow create of token for the default audience of a projected volume',
    op: 'CREATE',
    def: serviceAccounts,
    sub: 'token',
    name: 'mysa',
    object: tokenRequest('mysapod', 'mysapod-uid'),
  },
  {
    title: 'allow create of token for an audience of a projected volume',
    op: 'CREATE',
    def: serviceAccounts,
    sub: 'token',
    name: 'mysa',
    object: tokenRequest('mysapod', 'mysapod-uid', ['foo']),
  },
  {
    title: 'forbid create of token with two audiences',
    op: 'CREATE',
    def: serviceAccounts,
    sub: 'token',
    name: 'mysa',
    object: tokenRequest('mysapod', 'mysapod-uid', ['foo', 'bar']),
    err: 'serviceaccounts "mysa" is forbidden: node may only request 0 or 1 audiences',
  },
  {
    title: 'forbid create of token when the audience is not in the pod spec',
    op: 'CREATE',
    def: serviceAccounts,
    sub: 'token',
    name: 'mysa',
    object: tokenRequest('mypod', 'mypod-uid', ['foo']),
    err: 'serviceaccounts "mysa" is forbidden: audience "foo" not found in pod spec volume, system:node:mynode is not authorized to request tokens for this audience',
  },
  {
    title: 'allow create of token for an audience the node is authorized for',
    op: 'CREATE',
    def: serviceAccounts,
    sub: 'token',
    name: 'mysa',
    object: tokenRequest('mypod', 'mypod-uid', ['granted-audience']),
  },
  {
    title: 'an unserved CSIDriver is not found',
    op: 'CREATE',
    def: serviceAccounts,
    sub: 'token',
    name: 'mysa',
    object: tokenRequest('mycsipod', 'mycsipod-uid', ['foo']),
    err: 'serviceaccounts "mysa" is forbidden: error validating audience "foo": csidriver.storage.k8s.io "com.example.csi.mydriver" not found',
  },
  {
    title: 'an unserved PVC is not found',
    op: 'CREATE',
    def: serviceAccounts,
    sub: 'token',
    name: 'mysa',
    object: tokenRequest('mypvcpod', 'mypvcpod-uid', ['foo']),
    err: 'serviceaccounts "mysa" is forbidden: error validating audience "foo": persistentvolumeclaim "pvclaim" not found',
  },
  {
    title: 'token requests from others are not restricted',
    op: 'CREATE',
    def: serviceAccounts,
    sub: 'token',
    name: 'mysa',
    user: BOB,
    object: tokenRequest('', ''),
  },
  {
    title: 'service account updates are not restricted',
    op: 'UPDATE',
    def: serviceAccounts,
    name: 'mysa',
    object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'mysa' } },
    old: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'mysa' } },
  },

  // Leases
  {
    title: 'allow create of my lease',
    op: 'CREATE',
    def: LEASES,
    ns: 'kube-node-lease',
    object: {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'mynode', namespace: 'kube-node-lease' },
    },
  },
  {
    title: 'forbid create of a lease in another namespace',
    op: 'CREATE',
    def: LEASES,
    ns: 'foo',
    object: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'mynode', namespace: 'foo' } },
    err: 'leases.coordination.k8s.io "mynode" is forbidden: can only access leases in the "kube-node-lease" system namespace',
  },
  {
    title: "forbid create of another node's lease",
    op: 'CREATE',
    def: LEASES,
    ns: 'kube-node-lease',
    object: {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'foo', namespace: 'kube-node-lease' },
    },
    err: 'leases.coordination.k8s.io "foo" is forbidden: can only access node lease with the same name as the requesting node',
  },
  {
    title: 'allow update of my lease',
    op: 'UPDATE',
    def: LEASES,
    ns: 'kube-node-lease',
    name: 'mynode',
    object: {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'mynode', namespace: 'kube-node-lease' },
    },
  },
  {
    title: "forbid delete of another node's lease",
    op: 'DELETE',
    def: LEASES,
    ns: 'kube-node-lease',
    name: 'foo',
    err: 'leases.coordination.k8s.io "foo" is forbidden: can only access node lease with the same name as the requesting node',
  },

  // Events and other kinds are not restricted
  {
    title: 'events are not restricted',
    op: 'CREATE',
    def: { ...pods, resource: 'events', kind: 'Event' },
    object: { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' } },
  },

  // Who is a node
  { title: 'a user that is not a node is not restricted', op: 'CREATE', def: pods, user: BOB, object: otherpod },
  {
    title: 'system:node: without system:nodes is not a node',
    op: 'CREATE',
    def: pods,
    user: { username: 'system:node:mynode', groups: ['system:authenticated'] },
    object: otherpod,
  },
  {
    title: 'a node whose name cannot be determined is refused everything',
    op: 'CREATE',
    def: { ...pods, resource: 'configmaps', kind: 'ConfigMap' },
    user: { username: 'system:node:', groups: ['system:nodes'] },
    object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } },
    err: 'configmaps "cm" is forbidden: could not determine node from user "system:node:"',
  },
];

/** setAllowedUpdateLabels: non-kube labels, the kubelet's own, and its two label namespaces. */
function allowedLabels(): Record<string, string> {
  const keys = [
    'foo',
    'example.com/foo',
    'kubernetes.io/hostname',
    'failure-domain.beta.kubernetes.io/zone',
    'failure-domain.beta.kubernetes.io/region',
    'topology.kubernetes.io/zone',
    'topology.kubernetes.io/region',
    'beta.kubernetes.io/instance-type',
    'node.kubernetes.io/instance-type',
    'beta.kubernetes.io/os',
    'beta.kubernetes.io/arch',
    'kubernetes.io/os',
    'kubernetes.io/arch',
    'kubelet.kubernetes.io/foo',
    'foo.kubelet.kubernetes.io/foo',
    'node.kubernetes.io/foo',
    'foo.node.kubernetes.io/foo',
  ];
  return Object.fromEntries(keys.map((k) => [k, 'value']));
}

/** setForbiddenUpdateLabels. */
function forbiddenLabels(): Record<string, string> {
  return {
    'node-restriction.kubernetes.io/foo': 'value',
    'foo.node-restriction.kubernetes.io/foo': 'value',
    'other.kubernetes.io/foo': 'value',
    'other.k8s.io/foo': 'value',
  };
}

describe('NodeRestriction admission', () => {
  const objects = new ObjectStore(new MemoryStore(), [pods, nodes, serviceAccounts, certificateSigningRequests]);
  // Grants mynode one extra audience, as an RBAC rule on request-serviceaccounts-token-audience would.
  const authorizer = new FakeAuthorizer(
    (a: Attributes) =>
      a.verb === 'request-serviceaccounts-token-audience' &&
      a.resource === 'granted-audience' &&
      a.name === 'mysa' &&
      a.namespace === 'ns',
  );
  const plugin = nodeRestriction({ objects: () => objects, authorizer: () => authorizer });

  before(async () => {
    for (const p of [mymirrorpod, othermirrorpod, unboundmirrorpod, mypod, otherpod, mysapod, mycsipod, mypvcpod])
      await objects.create(pods, structuredClone(p));
    for (const n of ['mynode', 'othernode']) await objects.create(nodes, node(n));
  });

  for (const c of CASES) {
    it(c.title, async () => {
      const run = Promise.resolve(plugin.mutate!(request(c)));
      if (c.err === undefined) return assert.equal(await run, undefined);
      const e = await run.then(
        () => undefined,
        (x: unknown) => x,
      );
      assert.ok(e instanceof StatusError, `expected ${q(c.err)}, got ${String(e)}`);
      assert.equal(e.message, c.err);
      assert.equal(e.code, c.code ?? 403);
    });
  }

  it('answers a Status as admission.NewForbidden builds it', async () => {
    const e = await Promise.resolve(
      plugin.mutate!(request({ op: 'DELETE', def: nodes, name: 'othernode', old: node('othernode') })),
    ).then(
      () => undefined,
      (x: unknown) => x,
    );
    assert.ok(e instanceof StatusError);
    assert.deepEqual(e.toStatus(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'nodes "othernode" is forbidden: node "mynode" is not allowed to modify node "othernode"',
      reason: 'Forbidden',
      details: { name: 'othernode', kind: 'nodes' },
      code: 403,
    });
  });

  it("asks the authorizer about the audience with kube's attributes", async () => {
    authorizer.calls.length = 0;
    await plugin.mutate!(
      request({
        op: 'CREATE',
        def: serviceAccounts,
        sub: 'token',
        name: 'mysa',
        object: tokenRequest('mypod', 'mypod-uid', ['granted-audience']),
      }),
    );
    assert.equal(authorizer.calls.length, 1);
    const a = authorizer.calls[0]!;
    assert.deepEqual(
      {
        user: a.user.username,
        verb: a.verb,
        group: a.apiGroup,
        resource: a.resource,
        namespace: a.namespace,
        name: a.name,
        resourceRequest: a.isResourceRequest,
      },
      {
        user: 'system:node:mynode',
        verb: 'request-serviceaccounts-token-audience',
        group: '',
        resource: 'granted-audience',
        namespace: 'ns',
        name: 'mysa',
        resourceRequest: true,
      },
    );
  });

  describe('kubelet CSRs (AllowInsecureKubeletCertificateSigningRequests off)', () => {
    const csrCases: { title: string; object: KubeObject; err?: string }[] = [
      {
        title: 'allow a client CSR for my own name',
        object: csr('system:node:mynode', 'kubernetes.io/kube-apiserver-client-kubelet'),
      },
      {
        title: 'allow a serving CSR for my own name',
        object: csr('system:node:mynode', 'kubernetes.io/kubelet-serving'),
      },
      {
        title: 'forbid a client CSR for another node',
        object: csr('system:node:othernode', 'kubernetes.io/kube-apiserver-client-kubelet'),
        err: 'certificatesigningrequests.certificates.k8s.io "csr-" is forbidden: can only create a node CSR with CN=system:node:mynode',
      },
      {
        title: 'forbid a serving CSR for another node',
        object: csr('system:node:othernode', 'kubernetes.io/kubelet-serving'),
        err: 'certificatesigningrequests.certificates.k8s.io "csr-" is forbidden: can only create a node CSR with CN=system:node:mynode',
      },
      {
        title: 'forbid an unparsable kubelet CSR',
        object: csr('', 'kubernetes.io/kubelet-serving', b64('not a csr')),
        err: 'certificatesigningrequests.certificates.k8s.io "csr-" is forbidden: unable to parse csr: PEM block type must be CERTIFICATE REQUEST',
      },
      {
        title: 'other signers are left to their own checks',
        object: csr('system:node:othernode', 'kubernetes.io/kube-apiserver-client'),
      },
    ];
    for (const c of csrCases) {
      it(c.title, async () => {
        const run = Promise.resolve(
          plugin.mutate!(request({ op: 'CREATE', def: certificateSigningRequests, object: c.object })),
        );
        if (c.err === undefined) return assert.equal(await run, undefined);
        await assert.rejects(run, (e: StatusError) => e.code === 403 && e.message === c.err);
      });
    }
  });
});

describe('the kubelet label rules', () => {
  it("knows the kubelet's own labels and label namespaces", () => {
    for (const k of Object.keys(allowedLabels()))
      assert.equal(isKubeletLabel(k) || !k.includes('kubernetes.io'), true, k);
    assert.equal(isKubeletLabel('node-role.kubernetes.io/worker'), false);
    assert.equal(isKubeletLabel('xkubelet.kubernetes.io/foo'), false);
  });

  it('forbids node-restriction labels anywhere and unknown kubernetes.io / k8s.io labels, sorted', () => {
    assert.deepEqual(
      forbiddenNodeLabels([
        'z.k8s.io/a',
        'node-restriction.kubernetes.io/a',
        'example.com/a',
        'k8s.io/b',
        'plain',
        'node.kubernetes.io/ok',
      ]),
      ['k8s.io/b', 'node-restriction.kubernetes.io/a', 'z.k8s.io/a'],
    );
    assert.deepEqual(forbiddenNodeLabels(['xnode-restriction.kubernetes.io/a']), ['xnode-restriction.kubernetes.io/a']);
    assert.deepEqual(forbiddenNodeLabels(['kubernetes.io.example.com/a']), []);
  });
});
