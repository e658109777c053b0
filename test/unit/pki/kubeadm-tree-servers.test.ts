// ensurePkiTree reports the server URL each existing kubeconfig points at, which `kauth up` uses to leave alone
// (unparsed) the kubeconfigs that already point at its address.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensurePkiTree, setKubeconfigServer, type EnsurePkiTreeOptions } from '../../../src/pki/kubeadm-tree.js';
import { tempDir } from './helpers.js';

const FILES = ['admin.conf', 'super-admin.conf', 'kubelet.conf', 'controller-manager.conf', 'scheduler.conf'];

test('kubeconfigServers names the server of every kubeconfig that existed, and only those', async () => {
  const dir = tempDir();
  const opts: EnsurePkiTreeOptions = {
    certDir: join(dir, 'pki'),
    kubeconfigDir: dir,
    algorithm: 'ECDSA-P256',
    advertiseAddress: '127.0.0.1',
    controlPlaneEndpoint: 'https://127.0.0.1:7443',
  };
  const first = await ensurePkiTree(opts);
  assert.deepEqual(first.kubeconfigServers, {}, 'all were created by this call, none existed');

  const cases: [string, string | undefined, Record<string, string>][] = [
    ['unchanged', undefined, Object.fromEntries(FILES.map((f) => [f, 'https://127.0.0.1:7443']))],
    [
      'admin.conf moved',
      'https://127.0.0.1:8443',
      Object.fromEntries(
        FILES.map((f) => [f, f === 'admin.conf' ? 'https://127.0.0.1:8443' : 'https://127.0.0.1:7443']),
      ),
    ],
  ];
  for (const [name, adminServer, want] of cases) {
    if (adminServer) setKubeconfigServer(join(dir, 'admin.conf'), adminServer);
    const r = await ensurePkiTree(opts);
    assert.deepEqual(r.kubeconfigServers, want, name);
    assert.equal(r.warnings.length, adminServer ? 1 : 0, name);
  }
});
