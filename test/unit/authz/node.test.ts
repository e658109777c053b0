// The Node authorizer and its graph, after node_authorizer_test.go.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.js';
import type { Attributes } from '../../../src/authz/interfaces.js';
import { NodeAuthorizer, NodeGraph, nodeIdentity } from '../../../src/authz/node.js';
import { podClaimNames, podConfigMapNames, podSecretNames } from '../../../src/authz/node-graph.js';
import { res, url, who } from './helpers.js';

function pod(
  ns: string,
  name: string,
  nodeName: string,
  spec: Record<string, unknown> = {},
  annotations?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: annotations ? { namespace: ns, name, annotations } : { namespace: ns, name },
    spec: { nodeName, ...spec },
  };
}

function setup(): { graph: NodeGraph; authz: NodeAuthorizer } {
  const graph = new NodeGraph();
  graph.upsertPod(
    pod('ns0', 'pod0', 'node0', {
      serviceAccountName: 'sa0',
      imagePullSecrets: [{ name: 'pull0' }],
      containers: [
        {
          name: 'c',
          env: [
            { name: 'X', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'k' } } },
            { name: 'Y', valueFrom: { configMapKeyRef: { name: 'env-cm', key: 'k' } } },
          ],
          envFrom: [{ configMapRef: { name: 'envfrom-cm' } }],
        },
      ],
      volumes: [
        { name: 'v0', secret: { secretName: 'secret0' } },
        { name: 'v1', configMap: { name: 'cm0' } },
        { name: 'v2', persistentVolumeClaim: { claimName: 'claim0' } },
        {
          name: 'v3',
          projected: { sources: [{ secret: { name: 'projected-secret' } }, { configMap: { name: 'projected-cm' } }] },
        },
        { name: 'scratch', ephemeral: { volumeClaimTemplate: {} } },
      ],
    }),
  );
  graph.upsertPod(
    pod('ns0', 'pod1', 'node1', {
      serviceAccountName: 'sa1',
      volumes: [{ name: 'v', secret: { secretName: 'secret1' } }],
    }),
  );
  graph.upsertPod(
    pod('ns0', 'unscheduled', '', { volumes: [{ name: 'v', secret: { secretName: 'pending-secret' } }] }),
  );
  graph.upsertPod(
    pod(
      'ns0',
      'mirror',
      'node0',
      { volumes: [{ name: 'v', secret: { secretName: 'mirror-secret' } }] },
      { 'kubernetes.io/config.mirror': 'x' },
    ),
  );
  graph.upsertPersistentVolume({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv0' },
    spec: {
      claimRef: { namespace: 'ns0', name: 'claim0' },
      csi: { driver: 'd', volumeHandle: 'h', nodePublishSecretRef: { name: 'csi-secret', namespace: 'ns0' } },
    },
  });
  graph.upsertPersistentVolume({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv-unbound' },
    spec: {},
  });
  graph.upsertVolumeAttachment({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'VolumeAttachment',
    metadata: { name: 'va0' },
    spec: { nodeName: 'node0' },
  });
  return { graph, authz: new NodeAuthorizer(graph) };
}

const node0 = who('system:node:node0', 'system:nodes', 'system:authenticated');
const r = (
  verb: string,
  resource: string,
  extra: Partial<{ ns: string; name: string; sub: string; group: string }> = {},
): Attributes =>
  res(node0, {
    verb,
    resource,
    namespace: extra.ns ?? '',
    name: extra.name ?? '',
    subresource: extra.sub ?? '',
    apiGroup: extra.group ?? '',
  });
const NO_REL = "no relationship found between node 'node0' and this object";

describe('Node authorizer', () => {
  const { authz } = setup();
  const table: [string, Attributes, 'Allow' | 'NoOpinion', string][] = [
    ['secret referenced by a volume', r('get', 'secrets', { ns: 'ns0', name: 'secret0' }), 'Allow', ''],
    ['image pull secret', r('get', 'secrets', { ns: 'ns0', name: 'pull0' }), 'Allow', ''],
    ['env secret, watched by name', r('watch', 'secrets', { ns: 'ns0', name: 'env-secret' }), 'Allow', ''],
    ['projected secret', r('list', 'secrets', { ns: 'ns0', name: 'projected-secret' }), 'Allow', ''],
    ["secret of another node's pod", r('get', 'secrets', { ns: 'ns0', name: 'secret1' }), 'NoOpinion', NO_REL],
    ['unknown secret', r('get', 'secrets', { ns: 'ns0', name: 'nope' }), 'NoOpinion', NO_REL],
    ['secret of an unscheduled pod', r('get', 'secrets', { ns: 'ns0', name: 'pending-secret' }), 'NoOpinion', NO_REL],
    ['mirror pods grant nothing', r('get', 'secrets', { ns: 'ns0', name: 'mirror-secret' }), 'NoOpinion', NO_REL],
    ['same name, other namespace', r('get', 'secrets', { ns: 'ns1', name: 'secret0' }), 'NoOpinion', NO_REL],
    ['list all secrets', r('list', 'secrets', { ns: 'ns0' }), 'NoOpinion', 'No Object name found'],
    ['create a secret', r('create', 'secrets', { ns: 'ns0' }), 'NoOpinion', 'can only read resources of this type'],
    [
      'secret subresource',
      r('get', 'secrets', { ns: 'ns0', name: 'secret0', sub: 'x' }),
      'NoOpinion',
      'cannot read subresource',
    ],
    ['secrets across namespaces', r('list', 'secrets'), 'NoOpinion', 'can only read namespaced object of this type'],
    ['configmap volume', r('get', 'configmaps', { ns: 'ns0', name: 'cm0' }), 'Allow', ''],
    ['configmap env / envFrom / projected', r('get', 'configmaps', { ns: 'ns0', name: 'envfrom-cm' }), 'Allow', ''],
    ['pvc of its pod', r('get', 'persistentvolumeclaims', { ns: 'ns0', name: 'claim0' }), 'Allow', ''],
    [
      'generic ephemeral volume claim',
      r('get', 'persistentvolumeclaims', { ns: 'ns0', name: 'pod0-scratch' }),
      'Allow',
      '',
    ],
    [
      'pvc list',
      r('list', 'persistentvolumeclaims', { ns: 'ns0' }),
      'NoOpinion',
      'can only get individual resources of this type',
    ],
    [
      'pvc status update',
      r('update', 'persistentvolumeclaims', { ns: 'ns0', name: 'claim0', sub: 'status' }),
      'Allow',
      '',
    ],
    [
      'pvc status get',
      r('get', 'persistentvolumeclaims', { ns: 'ns0', name: 'claim0', sub: 'status' }),
      'NoOpinion',
      'can only get/update/patch this type',
    ],
    ['pv bound to its pvc', r('get', 'persistentvolumes', { name: 'pv0' }), 'Allow', ''],
    ['pv secret through pv → pvc → pod → node', r('get', 'secrets', { ns: 'ns0', name: 'csi-secret' }), 'Allow', ''],
    ['unbound pv', r('get', 'persistentvolumes', { name: 'pv-unbound' }), 'NoOpinion', NO_REL],
    [
      'volume attachment for the node',
      r('get', 'volumeattachments', { name: 'va0', group: 'storage.k8s.io' }),
      'Allow',
      '',
    ],
    [
      "token for its pod's service account",
      r('create', 'serviceaccounts', { ns: 'ns0', name: 'sa0', sub: 'token' }),
      'Allow',
      '',
    ],
    [
      "token for another node's service account",
      r('create', 'serviceaccounts', { ns: 'ns0', name: 'sa1', sub: 'token' }),
      'NoOpinion',
      NO_REL,
    ],
    [
      'get a service account',
      r('get', 'serviceaccounts', { ns: 'ns0', name: 'sa0' }),
      'NoOpinion',
      'can only create tokens for individual service accounts',
    ],
    [
      'create a service account',
      r('create', 'serviceaccounts', { ns: 'ns0', name: 'sa0' }),
      'NoOpinion',
      'can only create token subresource of serviceaccount',
    ],
    [
      'its own lease',
      r('update', 'leases', { ns: 'kube-node-lease', name: 'node0', group: 'coordination.k8s.io' }),
      'Allow',
      '',
    ],
    [
      'create a lease (name unknown)',
      r('create', 'leases', { ns: 'kube-node-lease', group: 'coordination.k8s.io' }),
      'Allow',
      '',
    ],
    [
      "another node's lease",
      r('get', 'leases', { ns: 'kube-node-lease', name: 'node1', group: 'coordination.k8s.io' }),
      'NoOpinion',
      'can only access node lease with the same name as the requesting node',
    ],
    [
      'lease elsewhere',
      r('get', 'leases', { ns: 'kube-system', name: 'node0', group: 'coordination.k8s.io' }),
      'NoOpinion',
      'can only access leases in the "kube-node-lease" system namespace',
    ],
    [
      'list leases',
      r('list', 'leases', { ns: 'kube-node-lease', group: 'coordination.k8s.io' }),
      'NoOpinion',
      'can only get, create, update, patch, or delete a node lease',
    ],
    ['its own CSINode', r('get', 'csinodes', { name: 'node0', group: 'storage.k8s.io' }), 'Allow', ''],
    [
      'another CSINode',
      r('get', 'csinodes', { name: 'node1', group: 'storage.k8s.io' }),
      'NoOpinion',
      'can only access CSINode with the same name as the requesting node',
    ],
    ['its own Node', r('get', 'nodes', { name: 'node0' }), 'Allow', ''],
    [
      'another Node',
      r('get', 'nodes', { name: 'node1' }),
      'NoOpinion',
      "node 'node0' cannot read 'node1', only its own Node object",
    ],
    ['all Nodes', r('list', 'nodes'), 'NoOpinion', "node 'node0' cannot read all nodes, only its own Node object"],
    ['register a Node', r('create', 'nodes'), 'Allow', ''],
    ['node status', r('patch', 'nodes', { name: 'node0', sub: 'status' }), 'Allow', ''],
    ['delete a Node', r('delete', 'nodes', { name: 'node1' }), 'NoOpinion', ''],
    ['pods: static rules (list)', r('list', 'pods'), 'Allow', ''],
    ['pods: static rules (mirror pod create)', r('create', 'pods', { ns: 'ns0' }), 'Allow', ''],
    ['pods: status patch', r('patch', 'pods', { ns: 'ns0', name: 'pod0', sub: 'status' }), 'Allow', ''],
    ['pods: update is not in the static rules', r('update', 'pods', { ns: 'ns0', name: 'pod0' }), 'NoOpinion', ''],
    ['events: static rules', r('create', 'events', { ns: 'ns0' }), 'Allow', ''],
    [
      'certificatesigningrequests: static rules',
      r('create', 'certificatesigningrequests', { group: 'certificates.k8s.io' }),
      'Allow',
      '',
    ],
    ['deployments: nothing', r('get', 'deployments', { ns: 'ns0', name: 'x', group: 'apps' }), 'NoOpinion', ''],
    ['non-resource: nothing', url(node0, 'get', '/healthz'), 'NoOpinion', ''],
  ];
  for (const [name, attrs, decision, reason] of table) {
    it(name, () => assert.deepEqual(authz.authorizeSync(attrs), { decision, reason }));
  }

  it('only users in system:nodes named system:node:<name> are nodes', () => {
    assert.equal(nodeIdentity(who('system:node:n', 'system:nodes')), 'n');
    assert.equal(nodeIdentity(who('system:node:n')), undefined);
    assert.equal(nodeIdentity(who('alice', 'system:nodes')), undefined);
    assert.deepEqual(authz.authorizeSync(res(who('alice', 'system:nodes'), { verb: 'get', resource: 'pods' })), {
      decision: 'NoOpinion',
      reason: '',
    });
    assert.deepEqual(authz.authorizeSync(res(who('system:node:', 'system:nodes'), { verb: 'get', resource: 'pods' })), {
      decision: 'NoOpinion',
      reason: 'unknown node for user "system:node:"',
    });
  });

  it('node reads fall back to the static rules when restriction is off', () => {
    const loose = new NodeAuthorizer(new NodeGraph(), { restrictNodeReads: false });
    assert.equal(loose.authorizeSync(r('list', 'nodes')).decision, 'Allow');
  });

  it('rule resolution: nodes are incomplete, others empty', () => {
    assert.deepEqual(authz.rulesFor(node0, 'ns0'), {
      resourceRules: [],
      nonResourceRules: [],
      incomplete: true,
      evaluationError: 'node authorizer does not support user rule resolution',
    });
    assert.equal(authz.rulesFor(who('alice'), 'ns0').incomplete, false);
  });
});

describe('NodeGraph updates', () => {
  it('removing a pod revokes what it granted and drops orphans', () => {
    const { graph, authz } = setup();
    const before = graph.size;
    graph.removePod('ns0', 'pod0');
    assert.equal(authz.authorizeSync(r('get', 'secrets', { ns: 'ns0', name: 'secret0' })).reason, NO_REL);
    assert.equal(
      authz.authorizeSync(r('create', 'serviceaccounts', { ns: 'ns0', name: 'sa0', sub: 'token' })).decision,
      'NoOpinion',
    );
    assert.ok(graph.size < before);
  });

  it('a pod moved to another node moves its grants', () => {
    const { graph, authz } = setup();
    graph.upsertPod(
      pod('ns0', 'pod1', 'node0', {
        serviceAccountName: 'sa1',
        volumes: [{ name: 'v', secret: { secretName: 'secret1' } }],
      }),
    );
    assert.equal(authz.authorizeSync(r('get', 'secrets', { ns: 'ns0', name: 'secret1' })).decision, 'Allow');
    const node1 = who('system:node:node1', 'system:nodes');
    assert.equal(
      authz.authorizeSync(res(node1, { verb: 'get', resource: 'secrets', namespace: 'ns0', name: 'secret1' })).reason,
      "no relationship found between node 'node1' and this object",
    );
  });

  it('a secret shared by two pods survives the removal of one', () => {
    const graph = new NodeGraph();
    const authz = new NodeAuthorizer(graph);
    graph.upsertPod(pod('ns', 'a', 'node0', { volumes: [{ name: 'v', secret: { secretName: 'shared' } }] }));
    graph.upsertPod(pod('ns', 'b', 'node0', { volumes: [{ name: 'v', secret: { secretName: 'shared' } }] }));
    graph.removePod('ns', 'a');
    assert.equal(authz.authorizeSync(r('get', 'secrets', { ns: 'ns', name: 'shared' })).decision, 'Allow');
    graph.removePod('ns', 'b');
    assert.equal(authz.authorizeSync(r('get', 'secrets', { ns: 'ns', name: 'shared' })).decision, 'NoOpinion');
    assert.equal(graph.size, 0);
  });

  it("a Node's legacy config ConfigMap is readable by that node only", () => {
    const graph = new NodeGraph();
    const authz = new NodeAuthorizer(graph);
    graph.upsertNode({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node0' },
      spec: { configSource: { configMap: { namespace: 'kube-system', name: 'kubelet-config' } } },
    });
    assert.equal(
      authz.authorizeSync(r('get', 'configmaps', { ns: 'kube-system', name: 'kubelet-config' })).decision,
      'Allow',
    );
    graph.upsertNode({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node0' }, spec: {} });
    assert.equal(
      authz.authorizeSync(r('get', 'configmaps', { ns: 'kube-system', name: 'kubelet-config' })).decision,
      'NoOpinion',
    );
    assert.equal(graph.size, 0);
  });

  it('reference visitors cover every place a pod names a secret or configmap', () => {
    const spec = {
      imagePullSecrets: [{ name: 'p' }, { name: '' }],
      initContainers: [{ envFrom: [{ secretRef: { name: 'i' } }] }],
      ephemeralContainers: [{ env: [{ valueFrom: { secretKeyRef: { name: 'e' } } }] }],
      volumes: [
        { name: 'a', csi: { nodePublishSecretRef: { name: 'csi' } } },
        { name: 'b', rbd: { secretRef: { name: 'rbd' } } },
        { name: 'c', azureFile: { secretName: 'az' } },
        { name: 'd', projected: { sources: [{ configMap: { name: 'pc' } }] } },
        { name: 'e', persistentVolumeClaim: { claimName: 'claim' } },
      ],
    };
    assert.deepEqual(podSecretNames(spec), ['p', 'i', 'e', 'csi', 'rbd', 'az']);
    assert.deepEqual(podConfigMapNames(spec), ['pc']);
    assert.deepEqual(podClaimNames('pod', spec), ['claim']);
  });
});
