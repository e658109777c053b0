// The shared store suite against a real etcd (Debian's etcd 3.4, started here on free loopback ports), plus
// what only etcd has: kube's key layout under --etcd-prefix, several stores (replicas) on one etcd, and a
// watch that survives the death of the member it streams from.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Etcd3 } from 'etcd3';
import { ensurePkiTree } from '../../../src/pki/kubeadm-tree.js';
import { EtcdStore } from '../../../src/storage/etcd.js';
import { RevisionMismatchError, type WatchEvent } from '../../../src/storage/interface.js';
import { etcdInstalled, startEtcd, type EtcdCluster } from '../../support/etcd.js';
import { runStoreSuite } from './store-suite.js';

if (!etcdInstalled())
  throw new Error('etcd is not installed (apt-get install etcd-server): the etcd store tests need it');

let etcd: EtcdCluster;
let fixtures = 0;
before(async () => {
  etcd = await startEtcd(1);
});
after(async () => {
  await etcd.stop();
});

/** Each fixture its own keyspace (etcd's revision is global, and the suite runs one test at a time). */
const open = (prefix: string): EtcdStore =>
  new EtcdStore({ endpoints: etcd.endpoints, prefix, storePrefix: '', compactionIntervalMs: 0 });

runStoreSuite(
  'EtcdStore',
  async () => {
    const prefix = `/suite-${++fixtures}/`;
    const opened = [open(prefix)];
    return {
      store: opened[0]!,
      reopen: async () => {
        const store = open(prefix);
        opened.push(store);
        return store;
      },
      cleanup: async () => {
        for (const store of opened) await store.close();
      },
    };
  },
  { persistent: true },
);

const waitFor = async (what: string, ok: () => boolean, ms = 5000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('EtcdStore specifics', () => {
  it("keeps kube's key layout: --etcd-prefix replaces /registry", async () => {
    const cases = [
      { prefix: '/registry', key: '/registry/configmaps/default/a', want: '/registry/configmaps/default/a' },
      { prefix: '/kauth-a', key: '/registry/configmaps/default/a', want: '/kauth-a/configmaps/default/a' },
      { prefix: '/x/y', key: '/registry/clusterroles/admin', want: '/x/y/clusterroles/admin' },
    ];
    const raw = new Etcd3({ hosts: etcd.endpoints });
    try {
      for (const c of cases) {
        const store = new EtcdStore({ endpoints: etcd.endpoints, prefix: c.prefix, compactionIntervalMs: 0 });
        try {
          const created = await store.create(c.key, '{"v":1}');
          assert.equal(await raw.get(c.want).string(), '{"v":1}', c.want);
          assert.deepEqual(await store.get(c.key), created);
          assert.deepEqual(
            (await store.list('/registry/')).items.map((kv) => kv.key).filter((k) => k === c.key),
            [c.key],
          );
          await store.delete(c.key);
          await assert.rejects(store.get('/elsewhere/x'), /outside the store's prefix/);
        } finally {
          await store.close();
        }
      }
    } finally {
      raw.close();
    }
  });

  it('two stores on one etcd (two replicas): a write through one is seen, watched and CAS-checked by the other', async () => {
    const a = open('/replicas/');
    const b = open('/replicas/');
    try {
      const events: WatchEvent[] = [];
      b.watch('/cm/', { fromRevision: await b.currentRevision() }, (ev) => events.push(ev));
      const created = await a.create('/cm/x', 'one');
      assert.deepEqual(await b.get('/cm/x'), created, 'same resourceVersion on both');
      const updated = await b.update('/cm/x', 'two', created.modRevision);
      await assert.rejects(a.update('/cm/x', 'stale', created.modRevision), RevisionMismatchError);
      await waitFor('both events on b', () => events.length >= 2);
      assert.deepEqual(
        events.map((e) => `${e.type} ${e.kv.modRevision} ${e.kv.value}`),
        [`PUT ${created.modRevision} one`, `PUT ${updated.modRevision} two`],
      );
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("kube's compactor: one compaction per interval between replicas, to the revision seen an interval ago", async () => {
    const prefix = '/compactor/';
    const a = new EtcdStore({ endpoints: etcd.endpoints, prefix, storePrefix: '', compactionIntervalMs: 150 });
    const b = new EtcdStore({ endpoints: etcd.endpoints, prefix, storePrefix: '', compactionIntervalMs: 150 });
    try {
      const first = await a.create('/k', '1');
      const deadline = Date.now() + 5000;
      let compacted = await a.compactedRevision();
      while (compacted <= first.modRevision && Date.now() < deadline) {
        await a.update('/k', String(Date.now()), (await a.get('/k'))!.modRevision);
        await new Promise((r) => setTimeout(r, 100));
        compacted = await b.compactedRevision();
      }
      assert.ok(compacted > first.modRevision, `compacted ${compacted}, first write ${first.modRevision}`);
      assert.ok(compacted < (await a.currentRevision()), 'never to the newest revision');
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('EtcdStore on a 3-member cluster', () => {
  let three: EtcdCluster;
  before(async () => {
    three = await startEtcd(3);
  });
  after(async () => {
    await three.stop();
  });

  it('keeps writing and watching when the member a watch streams from is killed', async () => {
    const store = new EtcdStore({
      endpoints: three.endpoints,
      prefix: '/ha/',
      storePrefix: '',
      compactionIntervalMs: 0,
    });
    try {
      const seen: number[] = [];
      store.watch('/w/', { fromRevision: await store.currentRevision() }, (ev) => seen.push(ev.kv.modRevision));
      const acked: number[] = [];
      for (let i = 0; i < 20; i++) acked.push((await store.create(`/w/before-${i}`, 'x')).modRevision);
      three.kill(0);
      for (let i = 0; i < 20; i++) {
        for (let attempt = 0; ; attempt++) {
          try {
            acked.push((await store.create(`/w/after-${i}`, 'x')).modRevision);
            break;
          } catch (err) {
            // An election is under way when the leader was the killed member: retry, as a client would.
            if (attempt > 50) throw err;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      }
      await waitFor('every acknowledged write on the watch', () => acked.every((r) => seen.includes(r)), 10_000);
      assert.deepEqual(
        seen,
        [...seen].sort((x, y) => x - y),
        'in revision order',
      );
      assert.equal(new Set(seen).size, seen.length, 'no duplicates after the reconnect');
      assert.equal((await store.list('/w/')).items.length, 40);
    } finally {
      await store.close();
    }
  });
});

describe('EtcdStore over mutual TLS (--etcd-cafile, --etcd-certfile, --etcd-keyfile)', () => {
  it("talks to a TLS etcd with kubeadm's apiserver-etcd-client certificate, and is refused without one", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kauth-etcd-tls-'));
    const pki = join(dir, 'pki');
    await ensurePkiTree({ certDir: pki, algorithm: 'ECDSA-P256', advertiseAddress: '127.0.0.1' });
    const tlsEtcd = await startEtcd(1, {
      certFile: join(pki, 'etcd/server.crt'),
      keyFile: join(pki, 'etcd/server.key'),
      trustedCaFile: join(pki, 'etcd/ca.crt'),
    });
    try {
      const store = new EtcdStore({
        endpoints: tlsEtcd.endpoints,
        compactionIntervalMs: 0,
        caFile: join(pki, 'etcd/ca.crt'),
        certFile: join(pki, 'apiserver-etcd-client.crt'),
        keyFile: join(pki, 'apiserver-etcd-client.key'),
      });
      try {
        const kv = await store.create('/registry/secrets/ns/s', '{"data":{}}');
        assert.deepEqual(await store.get('/registry/secrets/ns/s'), kv);
      } finally {
        await store.close();
      }
      const anonymous = new EtcdStore({
        endpoints: tlsEtcd.endpoints,
        compactionIntervalMs: 0,
        caFile: join(pki, 'etcd/ca.crt'),
        requestTimeoutMs: 2000,
      });
      try {
        await assert.rejects(anonymous.get('/registry/secrets/ns/s'));
      } finally {
        await anonymous.close();
      }
    } finally {
      await tlsEtcd.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
