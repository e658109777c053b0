// A ControlPlane.start that fails half-way (here: its port is taken, the last step) stops what it had started:
// the store is closed and no informer keeps a watch open, so the process can exit or retry cleanly.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_CONFIG, type ControlPlaneConfig } from '../../../src/controlplane/config.js';
import { ControlPlane } from '../../../src/controlplane/control-plane.js';
import type { Store } from '../../../src/storage/interface.js';
import { ensurePkiTree } from '../../../src/pki/kubeadm-tree.js';

let dir: string;
let blocker: net.Server;
let port: number;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kauth-half-'));
  blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  port = (blocker.address() as net.AddressInfo).port;
  await ensurePkiTree({
    certDir: join(dir, 'pki'),
    kubeconfigDir: dir,
    algorithm: 'ECDSA-P256',
    advertiseAddress: '127.0.0.1',
  });
});

after(() => {
  blocker.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Counts open watches and whether the store was closed. */
function observed(inner: Store): { store: Store; openWatches: () => number; closed: () => boolean } {
  let open = 0;
  let closed = false;
  const store: Store = Object.create(inner);
  store.watch = (prefix, opts, onEvent, onError) => {
    const w = inner.watch(prefix, opts, onEvent, onError);
    open++;
    let stopped = false;
    return {
      stop: () => {
        if (!stopped) {
          stopped = true;
          open--;
        }
        w.stop();
      },
    };
  };
  store.close = async () => {
    closed = true;
    await inner.close();
  };
  return { store, openWatches: () => open, closed: () => closed };
}

test('a start that fails at listen closes the store and stops every informer', async () => {
  const pki = join(dir, 'pki');
  const config: ControlPlaneConfig = {
    ...DEFAULT_CONFIG,
    bindAddress: '127.0.0.1',
    securePort: port,
    storageBackend: 'sqlite',
    storagePath: join(dir, 'kauth.db'),
    tlsCertFile: join(pki, 'apiserver.crt'),
    tlsPrivateKeyFile: join(pki, 'apiserver.key'),
    clientCaFile: join(pki, 'ca.crt'),
    serviceAccountKeyFiles: [join(pki, 'sa.pub')],
    serviceAccountSigningKeyFile: join(pki, 'sa.key'),
    clusterSigningCertFile: join(pki, 'ca.crt'),
    clusterSigningKeyFile: join(pki, 'ca.key'),
  };
  let seen: ReturnType<typeof observed> | undefined;
  await assert.rejects(
    ControlPlane.start(config, { wrapStore: (s) => (seen = observed(s)).store }),
    (e: NodeJS.ErrnoException) => e.code === 'EADDRINUSE',
  );
  assert.ok(seen, 'the store was opened');
  assert.ok(seen.closed(), 'the store was closed');
  assert.equal(seen.openWatches(), 0, 'no watch left open');
});
