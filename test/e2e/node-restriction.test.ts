// NodeRestriction against a real `kauth up` (on by default, as kubeadm enables it), driven by the real
// kubectl with a kubelet's client certificate (CN=system:node:n1, O=system:nodes) that openssl signs with
// the cluster CA. The seed-004 attack — schedule a pod that mounts someone's Secret onto your node, then
// read the Secret through the Node authorizer — is refused at the create, with kube-apiserver's words.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  clientCert,
  kauth,
  kubeconfigFor,
  kubectl,
  sleep,
  startCluster,
  type Cluster,
  type KubectlResult,
} from './harness.js';

const MIRROR = 'kubernetes.io/config.mirror';

function ok(r: KubectlResult, what: string): string {
  assert.equal(r.code, 0, `${what}: ${r.err}`);
  return r.out;
}

/** kubectl's line for a 403 Status (`kubectl create token` words it as `error: failed to create token: …`). */
function refused(r: KubectlResult, message: string, prefix = 'Error from server (Forbidden): '): void {
  assert.notEqual(r.code, 0, `expected a refusal, got: ${r.out}`);
  assert.ok(r.err.includes(prefix) && r.err.includes(message), r.err);
}

describe('NodeRestriction admission (kauth up)', () => {
  let c: Cluster;
  let node1: string;
  const asNode = (args: string[], input?: string): KubectlResult => kubectl(c, args, { kubeconfig: node1, input });
  const asAdmin = (args: string[], input?: string): KubectlResult => kubectl(c, args, { input });
  /** A raw request with the kubelet's certificate, as the kubelet sends it (no GET first, unlike kubectl patch). */
  const curlAsNode = (
    method: string,
    path: string,
    body: unknown,
    contentType = 'application/merge-patch+json',
  ): { code: number; json: any } => {
    const cert = clientCert(c, 'system:node:n1', ['system:nodes']);
    const out = execFileSync(
      'curl',
      [
        '-sS',
        '--cacert',
        c.caFile,
        '--cert',
        cert.certFile,
        '--key',
        cert.keyFile,
        '-X',
        method,
        '-H',
        `Content-Type: ${contentType}`,
        '-H',
        'Accept: application/json',
        '--data-binary',
        JSON.stringify(body),
        '-w',
        '\n%{http_code}',
        `${c.server}${path}`,
      ],
      { encoding: 'utf8' },
    );
    const nl = out.lastIndexOf('\n');
    return { code: Number(out.slice(nl + 1)), json: JSON.parse(out.slice(0, nl)) };
  };

  before(async () => {
    c = await startCluster();
    node1 = kubeconfigFor(c, 'system:node:n1', ['system:nodes']);
    ok(asAdmin(['create', 'namespace', 'team']), 'namespace');
    ok(asAdmin(['-n', 'team', 'create', 'secret', 'generic', 'db-pass', '--from-literal=password=s3cr3t']), 'secret');
    ok(
      asAdmin(
        ['create', '-f', '-'],
        JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2', labels: { tier: 'gold' } } }),
      ),
      'node n2',
    );
    // The kubelet registers its own Node, with labels it may set.
    const self = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1', 'node.kubernetes.io/instance-type': 'm5' } },
    };
    ok(asNode(['create', '-f', '-'], JSON.stringify(self)), 'node n1 registers');
  });

  after(async () => {
    await c?.stop();
    c?.cleanup();
  });

  it("refuses the seed-004 attack: a pod on n1 mounting another namespace's Secret, then reading it", () => {
    const steal = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'steal', namespace: 'team' },
      spec: {
        nodeName: 'n1',
        containers: [{ name: 'c', image: 'busybox' }],
        volumes: [{ name: 's', secret: { secretName: 'db-pass' } }],
      },
    };
    refused(
      asNode(['create', '-f', '-'], JSON.stringify(steal)),
      'pods "steal" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "n1" can only create mirror pods',
    );
    assert.notEqual(asAdmin(['-n', 'team', 'get', 'pod', 'steal']).code, 0, 'the pod must not exist');
    refused(
      asNode(['-n', 'team', 'get', 'secret', 'db-pass', '-o', 'jsonpath={.data.password}']),
      'secrets "db-pass" is forbidden: User "system:node:n1" cannot get resource "secrets" in API group "" in the namespace "team": no relationship found between node \'n1\' and this object',
    );
    // Dressed up as a mirror pod, it still may not reference the Secret.
    const uid = ok(asNode(['get', 'node', 'n1', '-o', 'jsonpath={.metadata.uid}']), 'own uid');
    const mirror = {
      ...steal,
      metadata: {
        ...steal.metadata,
        annotations: { [MIRROR]: 'x' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid, controller: true }],
      },
    };
    // (ServiceAccount admission, which runs first as in kube, words this refusal.)
    refused(
      asNode(['create', '-f', '-'], JSON.stringify(mirror)),
      'pods "steal" is forbidden: a mirror pod may not reference secrets',
    );
    const env = {
      ...mirror,
      spec: {
        nodeName: 'n1',
        containers: [{ name: 'c', image: 'busybox', envFrom: [{ configMapRef: { name: 'kube-root-ca.crt' } }] }],
      },
    };
    refused(
      asNode(['create', '-f', '-'], JSON.stringify(env)),
      'pods "steal" is forbidden: node "n1" can not create pods that reference configmaps',
    );
  });

  it('does not let n1 modify node n2, nor give itself restricted labels', () => {
    // kubectl patch reads the node first, which the Node authorizer already refuses; a raw PATCH reaches admission.
    refused(
      asNode(['patch', 'node', 'n2', '-p', '{"metadata":{"labels":{"tier":"free"}}}']),
      "node 'n1' cannot read 'n2', only its own Node object",
    );
    for (const path of ['/api/v1/nodes/n2', '/api/v1/nodes/n2/status']) {
      const r = curlAsNode('PATCH', path, { metadata: { labels: { tier: 'free' } } });
      assert.equal(r.code, 403);
      assert.deepEqual(r.json, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"',
        reason: 'Forbidden',
        details: { name: 'n2', kind: 'nodes' },
        code: 403,
      });
    }
    assert.equal(ok(asAdmin(['get', 'node', 'n2', '-o', 'jsonpath={.metadata.labels.tier}']), 'n2'), 'gold');
    refused(
      asNode([
        'label',
        'node',
        'n1',
        'node-restriction.kubernetes.io/tenant=a',
        'node-role.kubernetes.io/control-plane=',
      ]),
      'nodes "n1" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/tenant, node-role.kubernetes.io/control-plane',
    );
    refused(
      asNode(['taint', 'node', 'n1', 'dedicated=gpu:NoSchedule']),
      'nodes "n1" is forbidden: node "n1" is not allowed to modify taints',
    );
    ok(asNode(['label', 'node', 'n1', 'kubelet.kubernetes.io/ready=yes', 'example.com/rack=r1']), 'kubelet labels');
  });

  it('lets n1 update its own Node status', () => {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const ready = {
      type: 'Ready',
      status: 'True',
      reason: 'KubeletReady',
      message: 'kubelet is posting ready status',
      lastHeartbeatTime: now,
      lastTransitionTime: now,
    };
    // As the kubelet does it: a strategic-merge PATCH of nodes/n1/status.
    const r = curlAsNode(
      'PATCH',
      '/api/v1/nodes/n1/status',
      { status: { conditions: [ready] } },
      'application/strategic-merge-patch+json',
    );
    assert.equal(r.code, 200, JSON.stringify(r.json));
    assert.equal(ok(asAdmin(['get', 'node', 'n1', '-o', 'jsonpath={.status.conditions[0].status}']), 'status'), 'True');
  });

  it('lets n1 create and delete its own mirror pod, and no other pod', () => {
    const uid = ok(asNode(['get', 'node', 'n1', '-o', 'jsonpath={.metadata.uid}']), 'own uid');
    const mirror = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'static-web-n1',
        namespace: 'default',
        annotations: { [MIRROR]: 'abc123' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid, controller: true }],
      },
      spec: {
        nodeName: 'n1',
        containers: [{ name: 'web', image: 'nginx' }],
        volumes: [{ name: 'conf', hostPath: { path: '/etc/web' } }],
      },
    };
    ok(asNode(['create', '-f', '-'], JSON.stringify(mirror)), 'mirror pod');
    // ServiceAccount admission leaves mirror pods alone: no account, no token volume for the node to use.
    assert.equal(
      ok(
        asAdmin(['get', 'pod', 'static-web-n1', '-o', 'jsonpath={.spec.serviceAccountName}|{.spec.volumes[*].name}']),
        'get',
      ),
      '|conf',
    );
    const forN2 = {
      ...mirror,
      metadata: { ...mirror.metadata, name: 'static-web-n2' },
      spec: { ...mirror.spec, nodeName: 'n2' },
    };
    refused(
      asNode(['create', '-f', '-'], JSON.stringify(forN2)),
      'pods "static-web-n2" is forbidden: node "n1" can only create pods with spec.nodeName set to itself',
    );
    ok(asAdmin(['run', 'on-n2', '--image=nginx', '--overrides={"spec":{"nodeName":"n2"}}']), 'pod on n2');
    refused(
      asNode(['delete', 'pod', 'on-n2']),
      'pods "on-n2" is forbidden: node "n1" can only delete pods with spec.nodeName set to itself',
    );
    ok(asNode(['delete', 'pod', 'static-web-n1']), 'delete own mirror pod');
  });

  it('issues n1 tokens only bound to its pods, for the audiences they use', async () => {
    // The service-accounts controller makes `default` in the new namespace.
    for (let i = 0; i < 100 && asAdmin(['-n', 'team', 'get', 'sa', 'default']).code !== 0; i++) await sleep(100);
    ok(asAdmin(['-n', 'team', 'run', 'app', '--image=nginx', '--overrides={"spec":{"nodeName":"n1"}}']), 'pod on n1');
    const uid = ok(asAdmin(['-n', 'team', 'get', 'pod', 'app', '-o', 'jsonpath={.metadata.uid}']), 'pod uid');
    const bound = ['--bound-object-kind', 'Pod', '--bound-object-name', 'app', '--bound-object-uid', uid];
    const token = ok(asNode(['-n', 'team', 'create', 'token', 'default', ...bound]), 'bound token').trim();
    assert.equal(token.split('.').length, 3, token);
    const failed = 'error: failed to create token: ';
    refused(
      asNode(['-n', 'team', 'create', 'token', 'default']),
      'serviceaccounts "default" is forbidden: node requested token not bound to a pod',
      failed,
    );
    refused(
      asNode(['-n', 'team', 'create', 'token', 'default', ...bound, '--audience', 'vault']),
      'serviceaccounts "default" is forbidden: audience "vault" not found in pod spec volume, system:node:n1 is not authorized to request tokens for this audience',
      failed,
    );
  });

  it("refuses an unknown admission plugin at start-up, in kube-apiserver's words", () => {
    const pki = join(c.dataDir, 'pki');
    const r = kauth([
      'server',
      '--tls-cert-file',
      join(pki, 'apiserver.crt'),
      '--tls-private-key-file',
      join(pki, 'apiserver.key'),
      '--enable-admission-plugins=NodeRestriction,Bogus',
    ]);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /enable-admission-plugins plugin "Bogus" is unknown/);
  });
});
