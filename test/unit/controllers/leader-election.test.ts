// Leader election over the Store, as kube-controller-manager's: one holder at a time, the Lease at kube's key
// with client-go's record, takeover after leaseDuration when the holder goes silent, loss after renewDeadline
// when the holder cannot write, immediate handover on a clean stop, and the gate that pauses controllers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkQueue } from '../../../src/controllers/informer.js';
import { LeaderElector, LeaderGate, leaseKey, type LeaseSpec } from '../../../src/controllers/leader-election.js';
import type { Store } from '../../../src/storage/interface.js';
import { MemoryStore } from '../../../src/storage/memory.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A view of a store that can be cut off, as a replica partitioned from etcd is. */
function cuttable(store: Store): { store: Store; cut: () => void } {
  let cut = false;
  const guard = <T>(fn: () => Promise<T>): Promise<T> => (cut ? Promise.reject(new Error('etcd unreachable')) : fn());
  return {
    cut: () => {
      cut = true;
    },
    store: {
      ...store,
      name: store.name,
      get: (k) => guard(() => store.get(k)),
      create: (k, v) => guard(() => store.create(k, v)),
      update: (k, v, r) => guard(() => store.update(k, v, r)),
    } as Store,
  };
}

function candidate(store: Store, identity: string, log: string[]): LeaderElector {
  return new LeaderElector({
    store,
    identity,
    leaseDurationMs: 1000,
    renewDeadlineMs: 600,
    retryPeriodMs: 100,
    onStartedLeading: () => log.push(`${identity} started`),
    onStoppedLeading: () => log.push(`${identity} stopped`),
  });
}

async function until(what: string, ok: () => boolean, ms = 4000): Promise<number> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
  return Date.now() - t0;
}

async function lease(
  store: Store,
): Promise<{ apiVersion: string; kind: string; metadata: Record<string, string>; spec: LeaseSpec }> {
  return JSON.parse((await store.get(leaseKey('kube-system', 'kube-controller-manager')))!.value);
}

describe('LeaderElector', () => {
  it("elects exactly one of three candidates and writes kube's Lease", async () => {
    const store = new MemoryStore();
    const log: string[] = [];
    const all = ['a', 'b', 'c'].map((id) => candidate(store, id, log));
    for (const e of all) e.start();
    await until('a leader', () => all.some((e) => e.isLeader));
    await sleep(400); // several renewals
    assert.equal(all.filter((e) => e.isLeader).length, 1);
    const leader = all.find((e) => e.isLeader)!;
    const l = await lease(store);
    assert.equal(l.apiVersion, 'coordination.k8s.io/v1');
    assert.equal(l.kind, 'Lease');
    assert.deepEqual([l.metadata.namespace, l.metadata.name], ['kube-system', 'kube-controller-manager']);
    assert.equal(l.spec.holderIdentity, leader.identity);
    assert.equal(l.spec.leaseDurationSeconds, 1);
    assert.equal(l.spec.leaseTransitions, 0);
    assert.match(l.spec.renewTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'MicroTime');
    assert.ok(l.spec.renewTime! > l.spec.acquireTime!, 'renewed since acquired');
    assert.deepEqual(log, [`${leader.identity} started`]);
    for (const e of all) await e.stop();
    await store.close();
  });

  it('a silent leader is replaced after the lease duration; a leader that cannot renew stops leading', async () => {
    const memory = new MemoryStore();
    const log: string[] = [];
    const cutA = cuttable(memory);
    const a = candidate(cutA.store, 'a', log);
    a.start();
    await until('a leads', () => a.isLeader);
    const b = candidate(memory, 'b', log);
    b.start();
    await sleep(300);
    assert.ok(!b.isLeader, 'b waits while a renews');
    cutA.cut();
    const cutAt = Date.now();
    await until('a gives up', () => !a.isLeader);
    const lostAfter = Date.now() - cutAt;
    assert.ok(
      lostAfter >= 500 && lostAfter < 1000,
      `a stopped leading ${lostAfter} ms after its last renewal could not be written`,
    );
    await until('b takes over', () => b.isLeader);
    const takeover = Date.now() - cutAt;
    assert.ok(takeover >= 800 && takeover < 1600, `b took over ${takeover} ms after a went silent (lease 1 s)`);
    assert.equal((await lease(memory)).spec.leaseTransitions, 1);
    assert.deepEqual(log, ['a started', 'a stopped', 'b started']);
    await a.stop();
    await b.stop();
    await memory.close();
  });

  it('a clean stop releases the Lease: the next candidate leads within a retry period', async () => {
    const store = new MemoryStore();
    const log: string[] = [];
    const a = candidate(store, 'a', log);
    a.start();
    await until('a leads', () => a.isLeader);
    const b = candidate(store, 'b', log);
    b.start();
    await sleep(200);
    await a.stop();
    assert.equal((await lease(store)).spec.holderIdentity, '');
    const ms = await until('b leads', () => b.isLeader);
    assert.ok(ms < 400, `handover took ${ms} ms`);
    await b.stop();
    await store.close();
  });
});

describe('LeaderGate', () => {
  it('holds controller work until this replica leads, and pauses it again when leadership is lost', async () => {
    const handled: string[] = [];
    const queue = new WorkQueue('test', async (key) => {
      handled.push(key);
    });
    const gate = new LeaderGate();
    gate.add(queue);
    queue.add('x');
    queue.add('y');
    queue.add('x');
    await sleep(20);
    assert.deepEqual([...handled], [], 'nothing runs on a follower');
    await queue.idle(); // a paused queue is idle: start-up does not wait for the Lease
    gate.started();
    await until('the backlog', () => handled.length === 2);
    assert.deepEqual([...handled], ['x', 'y'], 'keys kept and deduplicated while paused');
    gate.stopped();
    queue.add('z');
    await sleep(20);
    assert.deepEqual([...handled], ['x', 'y']);
    const late = new WorkQueue('late', async (key) => {
      handled.push(key);
    });
    gate.started();
    gate.add(late);
    late.add('w');
    await until('z and w', () => handled.length === 4);
    queue.stop();
    late.stop();
  });
});
