// Issue 3 end to end: `kauth up` driven by the real kubectl, curl and @kubernetes/client-node.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  clientCert,
  freePort,
  kauth,
  kubectl,
  request,
  ROOT,
  sleep,
  startCluster,
  type Cluster,
  type Who,
  KUBECTL,
} from './harness.js';

const SEED_MANIFESTS = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: pod-viewer
  namespace: demo
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: pod-viewer
  namespace: demo
  annotations:
    kubernetes.io/service-account.name: "pod-viewer"
---
apiVersion: v1
kind: Pod
metadata:
  name: netpod
  namespace: demo
spec:
  containers:
  - name: netshoot-pod
    image: nicolaka/netshoot
    command: ["tail"]
    args: ["-f", "/dev/null"]
  terminationGracePeriodSeconds: 0
`;

describe('kauth up with the real kubectl', () => {
  let c: Cluster;
  let admin: Who;
  before(async () => {
    c = await startCluster();
    admin = { cert: clientCert(c, 'kubernetes-admin', ['system:masters']) };
  });
  after(async () => {
    await c.stop();
    c.cleanup();
  });

  it('answers cluster-info, api-resources and the system namespaces', () => {
    let k = kubectl(c, ['cluster-info']);
    assert.equal(k.code, 0, k.err);
    assert.match(k.out, /Kubernetes control plane.* is running at .*https:\/\/127\.0\.0\.1:\d+/);
    k = kubectl(c, ['api-resources', '-o', 'name']);
    assert.equal(k.code, 0, k.err);
    for (const r of [
      'namespaces',
      'serviceaccounts',
      'secrets',
      'configmaps',
      'pods',
      'services',
      'nodes',
      'events',
      'deployments.apps',
      'clusterroles.rbac.authorization.k8s.io',
      'rolebindings.rbac.authorization.k8s.io',
      'selfsubjectaccessreviews.authorization.k8s.io',
      'tokenreviews.authentication.k8s.io',
    ]) {
      assert.ok(k.out.split('\n').includes(r), `${r} missing from api-resources:\n${k.out}`);
    }
    k = kubectl(c, ['get', 'ns']);
    assert.match(k.out, /^NAME\s+STATUS\s+AGE$/m);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
      assert.match(k.out, new RegExp(`^${ns}\\s+Active\\s+\\d+s$`, 'm'));
  });

  it('creates and applies the seed manifests without --validate=false, and apply again is unchanged', () => {
    assert.equal(
      kubectl(c, ['create', '-f', '-'], { input: '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}}' })
        .code,
      0,
    );
    const f = join(c.dir, 'seed.yaml');
    writeFileSync(f, SEED_MANIFESTS);
    let k = kubectl(c, ['apply', '-f', f]);
    assert.equal(k.code, 0, k.err);
    assert.match(k.out, /serviceaccount\/pod-viewer created/);
    assert.match(k.out, /pod\/netpod created/);
    k = kubectl(c, ['apply', '-f', f]);
    assert.equal(k.code, 0, k.err);
    assert.match(k.out, /pod\/netpod unchanged/);
    assert.match(k.out, /serviceaccount\/pod-viewer unchanged/);
  });

  it('validates fields server-side: Strict refuses a typo, --validate=warn warns', () => {
    const f = join(c.dir, 'typo.yaml');
    writeFileSync(
      f,
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\n  namespace: demo\ndata:\n  a: b\nbinarydata: {}\n',
    );
    let k = kubectl(c, ['create', '-f', f]);
    assert.notEqual(k.code, 0);
    assert.match(
      k.err,
      /ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "binarydata"/,
    );
    k = kubectl(c, ['create', '-f', f, '--validate=warn']);
    assert.equal(k.code, 0, k.err);
    assert.match(k.err, /Warning: unknown field "binarydata"/);
  });

  it('publishes kind schemas that kubectl explain walks', () => {
    const k = kubectl(c, ['explain', 'pod.spec.containers.ports']);
    assert.equal(k.code, 0, k.err);
    assert.match(k.out, /FIELD: ports <\[\]ContainerPort>/);
    assert.match(k.out, /containerPort\t<integer>/);
    assert.match(kubectl(c, ['explain', 'clusterrolebinding.roleRef']).out, /apiGroup\t<string>/);
  });

  it('prints pods as kubectl does for a real cluster', () => {
    const k = kubectl(c, ['get', 'pods', '-A']);
    assert.equal(k.code, 0, k.err);
    assert.match(k.out, /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    assert.match(k.out, /^demo\s+netpod\s+0\/1\s+Pending\s+0\s+\d+s$/m);
    const wide = kubectl(c, ['get', 'pods', '-n', 'demo', '-o', 'wide']);
    assert.match(wide.out, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m);
  });

  it('returns objects with Kubernetes metadata and defaults', () => {
    const k = kubectl(c, ['get', 'sa', 'pod-viewer', '-n', 'demo', '-o', 'json']);
    const sa = JSON.parse(k.out);
    assert.match(sa.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(sa.metadata.resourceVersion, /^\d+$/);
    assert.match(sa.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const pod = JSON.parse(kubectl(c, ['get', 'pod', 'netpod', '-n', 'demo', '-o', 'json']).out);
    assert.equal(pod.spec.restartPolicy, 'Always');
    assert.equal(pod.spec.containers[0].imagePullPolicy, 'Always');
    assert.equal(pod.spec.containers[0].terminationMessagePath, '/dev/termination-log');
    assert.equal(pod.status.phase, 'Pending');
  });

  it('labels (patch) and selects by label and field', () => {
    assert.equal(kubectl(c, ['label', 'sa', 'pod-viewer', '-n', 'demo', 'team=a']).code, 0);
    assert.equal(
      kubectl(c, ['get', 'sa', '-n', 'demo', '-l', 'team=a', '-o', 'name']).out.trim(),
      'serviceaccount/pod-viewer',
    );
    assert.equal(
      kubectl(c, ['get', 'sa', '-n', 'demo', '-l', 'team notin (a)', '-o', 'name']).out.trim(),
      'serviceaccount/default',
    );
    assert.equal(
      kubectl(c, ['get', 'sa', '-A', '--field-selector', 'metadata.name=pod-viewer', '-o', 'name']).out.trim(),
      'serviceaccount/pod-viewer',
    );
    const k = kubectl(c, ['get', 'sa', '-A', '--field-selector', 'spec.nope=x']);
    assert.notEqual(k.code, 0);
    assert.match(k.err, /field label not supported: spec\.nope/);
  });

  it('pages lists with limit and continue', async () => {
    for (let i = 0; i < 7; i++)
      assert.equal(kubectl(c, ['create', 'configmap', `page-${i}`, '-n', 'demo', '--from-literal=i=' + i]).code, 0);
    const names: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const r = await request(c, {
        path: `/api/v1/namespaces/demo/configmaps?limit=3${token ? `&continue=${encodeURIComponent(token)}` : ''}`,
        who: admin,
      });
      assert.equal(r.code, 200, r.text);
      names.push(...r.json.items.map((i: { metadata: { name: string } }) => i.metadata.name));
      token = r.json.metadata.continue ?? '';
      pages++;
    } while (token);
    assert.ok(pages >= 3);
    assert.deepEqual(
      names.filter((n) => n.startsWith('page-')),
      ['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6'],
    );
  });

  it('answers bad input with the right Status and keeps serving', async () => {
    let r = await request(c, { path: '/api/v1/namespaces/demo/serviceaccounts/pod-viewer', who: admin });
    const stale = r.json;
    stale.metadata.resourceVersion = String(Number(stale.metadata.resourceVersion) - 1);
    r = await request(c, {
      method: 'PUT',
      path: '/api/v1/namespaces/demo/serviceaccounts/pod-viewer',
      body: stale,
      who: admin,
    });
    assert.equal(r.code, 409);
    assert.equal(r.json.reason, 'Conflict');
    assert.equal(
      r.json.message,
      'Operation cannot be fulfilled on serviceaccounts "pod-viewer": the object has been modified; please apply your changes to the latest version and try again',
    );
    r = await request(c, {
      method: 'POST',
      path: '/api/v1/namespaces/demo/configmaps',
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } },
      who: admin,
    });
    assert.equal(r.code, 422);
    assert.match(
      r.json.message,
      /^ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/,
    );
    assert.equal(r.json.details.causes[0].field, 'metadata.name');
    r = await request(c, {
      method: 'POST',
      path: '/api/v1/namespaces/demo/configmaps',
      body: '{"apiVersion":"v1",',
      who: admin,
    });
    assert.equal(r.code, 400);
    assert.equal(r.json.kind, 'Status');
    r = await request(c, {
      method: 'POST',
      path: '/api/v1/namespaces/demo/configmaps',
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'big' },
        data: { x: 'a'.repeat(4 * 1024 * 1024) },
      }),
      who: admin,
    });
    assert.equal(r.code, 413);
    assert.equal(r.json.message, 'Request entity too large: limit is 3145728');
    r = await request(c, { path: '/api/v1/namespaces/demo/serviceaccounts/nope', who: admin });
    assert.equal(r.code, 404);
    assert.equal(r.json.message, 'serviceaccounts "nope" not found');
    r = await request(c, {
      method: 'POST',
      path: '/api/v1/namespaces/nowhere/configmaps',
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
      who: admin,
    });
    assert.equal(r.code, 404);
    assert.equal(r.json.message, 'namespaces "nowhere" not found');
    r = await request(c, {
      method: 'POST',
      path: '/api/v1/namespaces/demo/configmaps',
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'page-0' } },
      who: admin,
    });
    assert.equal(r.code, 409);
    assert.equal(r.json.reason, 'AlreadyExists');
    r = await request(c, { path: '/apis/nope.example.com/v1/things', who: admin });
    assert.equal(r.code, 404);
    r = await request(c, { path: '/readyz', who: admin });
    assert.equal(r.code, 200);
  });

  it('applies JSON patch, merge patch and dry runs', async () => {
    let r = await request(c, {
      method: 'PATCH',
      path: '/api/v1/namespaces/demo/configmaps/page-1',
      headers: { 'Content-Type': 'application/json-patch+json' },
      body: [{ op: 'add', path: '/data/j', value: 'p' }],
      who: admin,
    });
    assert.equal(r.code, 200, r.text);
    assert.equal(r.json.data.j, 'p');
    r = await request(c, {
      method: 'PATCH',
      path: '/api/v1/namespaces/demo/configmaps/page-1',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: { data: { j: null, m: 'q' } },
      who: admin,
    });
    assert.deepEqual(r.json.data, { i: '1', m: 'q' });
    r = await request(c, {
      method: 'POST',
      path: '/api/v1/namespaces/demo/configmaps?dryRun=All',
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' } },
      who: admin,
    });
    assert.equal(r.code, 201);
    r = await request(c, { path: '/api/v1/namespaces/demo/configmaps/dry', who: admin });
    assert.equal(r.code, 404);
  });

  it('watches: kubectl get -w sees a create', async () => {
    const w = spawn(KUBECTL, [
      '--kubeconfig',
      c.adminKubeconfig,
      'get',
      'configmaps',
      '-n',
      'demo',
      '-w',
      '-o',
      'name',
    ]);
    let out = '';
    w.stdout.on('data', (d) => {
      out += d;
    });
    await sleep(1000);
    kubectl(c, ['create', 'configmap', 'watched', '-n', 'demo', '--from-literal=a=b']);
    for (let i = 0; i < 50 && !out.includes('configmap/watched'); i++) await sleep(100);
    w.kill();
    assert.ok(out.includes('configmap/watched'), out);
  });

  it('serves the seed curl with the three PEMs from admin.conf, and kubectl proxy', async () => {
    const ex = (p: string): Buffer =>
      Buffer.from(kubectl(c, ['config', 'view', '--raw', '-o', `jsonpath={${p}}`]).out, 'base64');
    writeFileSync(join(c.dir, 'ca.pem'), ex('.clusters[0].cluster.certificate-authority-data'));
    writeFileSync(join(c.dir, 'client.pem'), ex('.users[0].user.client-certificate-data'));
    writeFileSync(join(c.dir, 'client-key.pem'), ex('.users[0].user.client-key-data'));
    const out = execFileSync('curl', [
      '-s',
      '--cacert',
      join(c.dir, 'ca.pem'),
      '--cert',
      join(c.dir, 'client.pem'),
      '--key',
      join(c.dir, 'client-key.pem'),
      `${c.server}/api`,
    ]).toString();
    assert.equal(JSON.parse(out).kind, 'APIVersions');
    assert.match(out, /\n {2}"kind"/, 'curl gets pretty JSON');
    for (const p of ['/livez', '/readyz', '/healthz'])
      assert.equal(execFileSync('curl', ['-sk', c.server + p]).toString(), 'ok');
    assert.match(
      execFileSync('curl', ['-sk', `${c.server}/readyz?verbose`]).toString(),
      /\[\+\]ping ok[\s\S]*readyz check passed/,
    );
    const port = 20000 + Math.floor(Math.random() * 20000);
    const proxy = spawn(KUBECTL, ['--kubeconfig', c.adminKubeconfig, 'proxy', `--port=${port}`]);
    try {
      let body = '';
      for (let i = 0; i < 50 && !body; i++) {
        await sleep(100);
        try {
          body = execFileSync('curl', [
            '-s',
            `http://127.0.0.1:${port}/api/v1/namespaces/demo/serviceaccounts`,
          ]).toString();
        } catch {
          /* not up yet */
        }
      }
      assert.equal(JSON.parse(body).kind, 'ServiceAccountList');
    } finally {
      proxy.kill();
    }
  });

  it('lists namespaces with @kubernetes/client-node', async () => {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(c.adminKubeconfig);
    const api = kc.makeApiClient(k8s.CoreV1Api);
    const list = await api.listNamespace();
    assert.ok(list.items.map((n) => n.metadata?.name).includes('kube-system'));
  });

  it('deletes a namespace with everything in it', async () => {
    assert.equal(kubectl(c, ['create', 'ns', 'doomed']).code, 0);
    assert.equal(kubectl(c, ['create', 'configmap', 'x', '-n', 'doomed']).code, 0);
    const k = kubectl(c, ['delete', 'ns', 'doomed']);
    assert.equal(k.code, 0, k.err);
    const r = await request(c, { path: '/api/v1/namespaces/doomed/configmaps/x', who: admin });
    assert.equal(r.code, 404);
    assert.notEqual(kubectl(c, ['delete', 'ns', 'kube-system']).code, 0);
  });
});

describe('kauth server with kube-apiserver flags', () => {
  it('serves from explicitly named files, on the memory backend', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'kauth-server-'));
    const pki = join(dir, 'pki');
    assert.equal(
      kauth(['certs', 'init', '--cert-dir', pki, '--kubeconfig-dir', dir, '--cert-algorithm', 'ECDSA-P256']).code,
      0,
    );
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'dist', 'src', 'cli', 'main.js'),
        'server',
        '--tls-cert-file',
        join(pki, 'apiserver.crt'),
        '--tls-private-key-file',
        join(pki, 'apiserver.key'),
        '--client-ca-file',
        join(pki, 'ca.crt'),
        '--service-account-key-file',
        join(pki, 'sa.pub'),
        '--service-account-signing-key-file',
        join(pki, 'sa.key'),
        '--service-account-issuer',
        'https://kauth.example',
        '--storage-backend',
        'memory',
        '--secure-port',
        String(port),
        '--bind-address',
        '127.0.0.1',
        '--authorization-mode',
        'Node,RBAC',
        '--anonymous-auth=false',
      ],
      { stdio: 'ignore' },
    );
    try {
      const target = { server: `https://127.0.0.1:${port}`, caFile: join(pki, 'ca.crt') };
      let r = { code: 0 } as Awaited<ReturnType<typeof request>>;
      for (let i = 0; i < 100 && r.code !== 401; i++) {
        await sleep(100);
        try {
          r = await request(target, { path: '/readyz' });
        } catch {
          /* not up yet */
        }
      }
      assert.equal(r.code, 401, 'anonymous-auth=false: no credentials is 401');
      // A bare API server has no kubeadm to bind admin.conf's group (kubeadm:cluster-admins): as with kubeadm's
      // files on a hand-run kube-apiserver, super-admin.conf (system:masters) is the credential that works at once.
      const kc = join(dir, 'super-admin.conf');
      writeFileSync(kc, readFileSync(kc, 'utf8').replace(/server: \S+/, `server: ${target.server}`));
      const k = kubectl({ adminKubeconfig: kc }, ['create', 'token', 'default', '-n', 'default']);
      assert.equal(k.code, 0, k.err);
      assert.equal(JSON.parse(Buffer.from(k.out.split('.')[1]!, 'base64url').toString()).iss, 'https://kauth.example');
    } finally {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('durability', () => {
  it('keeps data across a restart', async () => {
    let c = await startCluster();
    try {
      assert.equal(kubectl(c, ['create', 'configmap', 'kept', '--from-literal=a=b']).code, 0);
      assert.equal(await c.stop(), 0, 'SIGTERM shuts down cleanly');
      assert.match(c.output(), /SIGTERM: shutting down/);
      c = await startCluster({ dir: c.dir, port: c.port });
      assert.equal(kubectl(c, ['get', 'configmap', 'kept', '-o', 'jsonpath={.data.a}']).out, 'b');
    } finally {
      await c.stop();
      c.cleanup();
    }
  });

  it('finishes deleting a namespace left Terminating when kauth stopped', async () => {
    let c = await startCluster();
    try {
      assert.equal(kubectl(c, ['create', 'ns', 'half-gone']).code, 0);
      assert.equal(kubectl(c, ['create', 'configmap', 'left', '-n', 'half-gone']).code, 0);
      assert.equal(await c.stop(), 0);
      // What a stop between the delete and the namespace controller's work leaves behind.
      const { SqliteStore } = await import('../../src/storage/sqlite.js');
      const { ObjectStore } = await import('../../src/registry/object-store.js');
      const { namespaces } = await import('../../src/registry/resources/namespaces.js');
      const store = SqliteStore.open(join(c.dataDir, 'kauth.db'), { compactInterval: 0 });
      await new ObjectStore(store, [namespaces]).guaranteedUpdate(namespaces, '', 'half-gone', (ns) => {
        ns.metadata.deletionTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
        ns.status = { phase: 'Terminating' };
        return ns;
      });
      await store.close();
      c = await startCluster({ dir: c.dir, port: c.port });
      let k = kubectl(c, ['get', 'ns', 'half-gone']);
      for (let i = 0; i < 50 && k.code === 0; i++) {
        await sleep(100);
        k = kubectl(c, ['get', 'ns', 'half-gone']);
      }
      assert.match(k.err, /namespaces "half-gone" not found/);
      assert.match(kubectl(c, ['get', 'configmap', 'left', '-n', 'half-gone']).err, /not found/);
    } finally {
      await c.stop();
      c.cleanup();
    }
  });

  it('loses no acknowledged write when killed -9 in a write loop', async () => {
    let c = await startCluster();
    const admin: Who = { cert: clientCert(c, 'kubernetes-admin', ['system:masters']) };
    const acked: string[] = [];
    try {
      let stop = false;
      const writer = (async () => {
        for (let i = 0; !stop; i++) {
          try {
            const r = await request(c, {
              method: 'POST',
              path: '/api/v1/namespaces/default/configmaps',
              body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `w-${i}` }, data: { i: String(i) } },
              who: admin,
            });
            if (r.code === 201) acked.push(`w-${i}`);
          } catch {
            return;
          }
        }
      })();
      while (acked.length < 60) await sleep(20);
      c.child.kill('SIGKILL');
      stop = true;
      await writer;
      await c.stop();
      c = await startCluster({ dir: c.dir, port: c.port });
      const r = await request(c, {
        path: '/api/v1/namespaces/default/configmaps',
        who: { cert: clientCert(c, 'kubernetes-admin', ['system:masters']) },
      });
      const have = new Set(r.json.items.map((i: { metadata: { name: string } }) => i.metadata.name));
      const lost = acked.filter((n) => !have.has(n));
      assert.deepEqual(lost, []);
    } finally {
      await c.stop();
      c.cleanup();
    }
  });

  it('two conflicting updates give exactly one 409', async () => {
    const c = await startCluster();
    const admin: Who = { cert: clientCert(c, 'kubernetes-admin', ['system:masters']) };
    try {
      kubectl(c, ['create', 'configmap', 'race']);
      const cur = (await request(c, { path: '/api/v1/namespaces/default/configmaps/race', who: admin })).json;
      const put = (v: string): ReturnType<typeof request> =>
        request(c, {
          method: 'PUT',
          path: '/api/v1/namespaces/default/configmaps/race',
          body: { ...cur, data: { v } },
          who: admin,
        });
      const codes = (await Promise.all([put('a'), put('b')])).map((r) => r.code).sort();
      assert.deepEqual(codes, [200, 409]);
    } finally {
      await c.stop();
      c.cleanup();
    }
  });
});
