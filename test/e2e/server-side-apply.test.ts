// Server-side apply end to end with the real kubectl v1.35 and @kubernetes/client-node: apply --server-side,
// --show-managed-fields, a second manager's conflict and --force-conflicts, removal of a dropped field, diff
// --server-side, containers merged by name across managers, the client-side → server-side migration.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clientCert, kubectl, request, startCluster, type Cluster, type Who } from './harness.js';

const cm = (name: string, data: Record<string, string>) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n${Object.entries(data)
    .map(([k, v]) => `  ${k}: "${v}"\n`)
    .join('')}`;
type Entry = { manager: string; operation: string; fieldsV1: Record<string, Record<string, unknown>> };

describe('server-side apply with kubectl and client-node', () => {
  let c: Cluster;
  let admin: Who;
  let n = 0;
  const file = (text: string) => {
    const f = join(c.dir, `m-${n++}.yaml`);
    writeFileSync(f, text);
    return f;
  };
  const get = async (name: string) =>
    (await request(c, { path: `/api/v1/namespaces/default/configmaps/${name}`, who: admin })).json;

  before(async () => {
    c = await startCluster();
    admin = { cert: clientCert(c, 'kubernetes-admin', ['system:masters']) };
  });
  after(async () => {
    await c?.stop();
    c?.cleanup();
  });

  it("applies, shows both managers, conflicts with kube's text, forces, and removes a dropped field", async () => {
    let k = kubectl(c, ['apply', '--server-side', '-f', file(cm('s', { key: 'a', keep: 'x', drop: 'y' }))]);
    assert.equal(k.code, 0, k.err);
    assert.match(k.out, /configmap\/s serverside-applied/);
    k = kubectl(c, ['apply', '--server-side', '--field-manager=other', '-f', file(cm('s', { key: 'b' }))]);
    assert.notEqual(k.code, 0);
    assert.match(k.err, /Apply failed with 1 conflict: conflict with "kubectl": \.data\.key/);
    k = kubectl(c, [
      'apply',
      '--server-side',
      '--field-manager=other',
      '--force-conflicts',
      '-f',
      file(cm('s', { key: 'b' })),
    ]);
    assert.equal(k.code, 0, k.err);
    k = kubectl(c, ['apply', '--server-side', '-f', file(cm('s', { keep: 'x' }))]);
    assert.equal(k.code, 0, k.err);
    assert.deepEqual((await get('s')).data, { key: 'b', keep: 'x' });
    k = kubectl(c, ['get', 'cm', 's', '-o', 'yaml', '--show-managed-fields']);
    assert.match(k.out, /manager: kubectl\n\s+operation: Apply/);
    assert.match(k.out, /manager: other\n\s+operation: Apply/);
    assert.doesNotMatch(kubectl(c, ['get', 'cm', 's', '-o', 'yaml']).out, /managedFields/, 'hidden unless asked for');
  });

  it('diff --server-side: exit 0 without changes, 1 with, and nothing written', () => {
    kubectl(c, ['apply', '--server-side', '-f', file(cm('d', { v: '1' }))]);
    let k = kubectl(c, ['diff', '--server-side', '-f', file(cm('d', { v: '1' }))]);
    assert.equal(k.code, 0, k.out + k.err);
    k = kubectl(c, ['diff', '--server-side', '-f', file(cm('d', { v: '2' }))]);
    assert.equal(k.code, 1, k.err);
    assert.match(k.out, /^\+\s+v: "2"$/m);
    assert.match(kubectl(c, ['get', 'cm', 'd', '-o', 'jsonpath={.data.v}']).out, /^1$/);
  });

  it('containers merge by name across managers', () => {
    const deploy = (containers: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n` +
      `  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n${containers}`;
    let k = kubectl(c, ['apply', '--server-side', '-f', file(deploy('      - {name: app, image: "nginx:1.27"}\n'))]);
    assert.equal(k.code, 0, k.err);
    k = kubectl(c, [
      'apply',
      '--server-side',
      '--field-manager=injector',
      '-f',
      file(deploy('      - {name: side, image: "busybox:1.36"}\n')),
    ]);
    assert.equal(k.code, 0, k.err);
    k = kubectl(c, ['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[*].name}']);
    assert.equal(k.out, 'app side');
  });

  it('client-side apply, then server-side apply: the migration lets the dropped field go', async () => {
    let k = kubectl(c, ['apply', '-f', file(cm('m', { a: '1', b: '2' }))]);
    assert.equal(k.code, 0, k.err);
    assert.ok(
      ((await get('m')).metadata.managedFields as Entry[]).some((e) => e.manager === 'kubectl-client-side-apply'),
    );
    k = kubectl(c, ['apply', '--server-side', '-f', file(cm('m', { a: '1' }))]);
    assert.equal(k.code, 0, k.err);
    assert.deepEqual((await get('m')).data, { a: '1' });
  });

  it('@kubernetes/client-node applies with its ServerSideApply patch strategy', async () => {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(c.adminKubeconfig);
    const api = kc.makeApiClient(k8s.CoreV1Api);
    const body = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'node', namespace: 'default' },
      data: { from: 'client-node' },
    };
    const out = await api.patchNamespacedConfigMap(
      { name: 'node', namespace: 'default', body, fieldManager: 'my-controller', force: true },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
    );
    assert.equal(out.data?.from, 'client-node');
    const e = (out.metadata?.managedFields ?? []).find((m) => m.manager === 'my-controller');
    assert.equal(e?.operation, 'Apply');
  });
});
