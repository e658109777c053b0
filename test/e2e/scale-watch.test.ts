// Issue 20 end to end: a watcher that stops reading is ended by the server (its buffer overflowed, as
// kube's cacher ends it), and real clients recover — `kubectl wait` (an informer with a field selector)
// and an @kubernetes/client-node informer, both frozen with SIGSTOP during a burst of large updates,
// then resumed: each must still see the change made after the burst.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { clientCert, KUBECTL, kubectl, request, ROOT, sleep, startCluster, type Cluster } from './harness.js';

const NS = 'lag';
const TARGET = `/api/v1/namespaces/${NS}/configmaps/target`;
const CLOSED = 'Forcing configmaps watcher close due to unresponsiveness';

const INFORMER = `
import * as k8s from '@kubernetes/client-node';
const kc = new k8s.KubeConfig();
kc.loadFromFile(process.argv[1]);
const api = kc.makeApiClient(k8s.CoreV1Api);
const inf = k8s.makeInformer(kc, '/api/v1/namespaces/${NS}/configmaps', () => api.listNamespacedConfigMap({ namespace: '${NS}' }));
const say = (line) => process.stdout.write(line + '\\n');
inf.on('add', (o) => say('add ' + o.metadata.name + ' ' + (o.data?.ready ?? '')));
inf.on('update', (o) => say('update ' + o.metadata.name + ' ' + (o.data?.ready ?? '')));
// client-node's documented recovery: an informer whose watch failed is started again.
inf.on('error', (e) => { say('error ' + (e?.message ?? e)); setTimeout(() => inf.start(), 200); });
await inf.start();
say('started');
`;

function output(child: ChildProcess): () => string {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return () => out;
}

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const exitCode = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', (code) => r(code)));

describe('watchers that fall behind are ended, and clients recover', () => {
  let c: Cluster;
  const children: ChildProcess[] = [];
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    for (const ch of children)
      if (ch.exitCode === null) {
        ch.kill('SIGCONT');
        ch.kill('SIGKILL');
      }
    await c.stop();
    c.cleanup();
  });

  it('kubectl wait and a client-node informer resume after their watches are terminated', async () => {
    assert.equal(kubectl(c, ['create', 'namespace', NS]).code, 0);
    assert.equal(kubectl(c, ['-n', NS, 'create', 'configmap', 'target', '--from-literal=ready=no']).code, 0);
    const wait = spawn(KUBECTL, [
      '--kubeconfig',
      c.adminKubeconfig,
      '-n',
      NS,
      'wait',
      '--for=jsonpath={.data.ready}=yes',
      'configmap/target',
      '--timeout=120s',
    ]);
    const informer = spawn(process.execPath, ['--input-type=module', '-e', INFORMER, c.adminKubeconfig], { cwd: ROOT });
    children.push(wait, informer);
    const waitOut = output(wait);
    const informerOut = output(informer);
    await until('the informer to start', () => informerOut().includes('started'), 20_000);
    await sleep(1000); // kubectl wait has listed and is watching

    wait.kill('SIGSTOP');
    informer.kill('SIGSTOP');
    // Large updates of the watched object until the server has ended both watchers.
    const admin = clientCert(c, 'e2e-admin', ['system:masters']);
    const payload = (i: number): string => `${i}`.padEnd(256 * 1024, 'x');
    for (let i = 0; i < 600 && c.output().split(CLOSED).length - 1 < 2; i++) {
      const r = await request(c, {
        method: 'PATCH',
        path: TARGET,
        who: { cert: admin },
        headers: { 'Content-Type': 'application/merge-patch+json' },
        body: { data: { blob: payload(i) } },
      });
      assert.equal(r.code, 200, r.text);
    }
    assert.equal(c.output().split(CLOSED).length - 1, 2, 'both frozen watchers were ended by the server');
    wait.kill('SIGCONT');
    informer.kill('SIGCONT');

    const r = await request(c, {
      method: 'PATCH',
      path: TARGET,
      who: { cert: admin },
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: { data: { ready: 'yes', blob: null } },
    });
    assert.equal(r.code, 200, r.text);
    assert.equal(await exitCode(wait), 0, waitOut());
    assert.match(waitOut(), /configmap\/target condition met/);
    await until('the informer to see ready=yes', () => informerOut().includes('update target yes'), 30_000);
  });
});
