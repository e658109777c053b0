// The one behavioural suite every Store backend passes (memory, sqlite, and later etcd), modelled on
// k8s.io/apiserver/pkg/storage/testing/store_tests.go: the registry and controllers rely on exactly these
// semantics (resourceVersion = modRevision, 409 on stale updates, watch resume without gaps).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CompactedError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionMismatchError,
  type KeyValue,
  type Store,
  type WatchEvent,
  type WatchOptions,
  type Watcher,
} from '../../../src/storage/interface.js';

export interface StoreFixture {
  store: Store;
  /** Opens the same data again; the suite closes `store` first. Omitted by backends without persistence. */
  reopen?: () => Promise<Store>;
  /** Closes whatever is still open and removes any files. */
  cleanup: () => Promise<void>;
}

const WAIT_MS = 3000;

async function waitFor(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Lets any late (wrong) deliveries arrive before asserting that there were none. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 30));
}

interface Recorder {
  events: WatchEvent[];
  errors: Error[];
  watcher: Watcher;
  /** Waits until n events have arrived. */
  until(n: number): Promise<void>;
}

function record(store: Store, prefix: string, opts: WatchOptions): Recorder {
  const events: WatchEvent[] = [];
  const errors: Error[] = [];
  const watcher = store.watch(
    prefix,
    opts,
    (ev) => events.push(ev),
    (err) => errors.push(err),
  );
  return {
    events,
    errors,
    watcher,
    until: (n) =>
      waitFor(
        `${n} events on ${prefix} (have ${events.length}, errors ${errors.map(String).join('; ')})`,
        () => events.length >= n,
      ),
  };
}

/** An event in a form that is easy to compare: type, key, revision, value. */
function brief(ev: WatchEvent): string {
  return `${ev.type} ${ev.kv.key}@${ev.kv.modRevision}=${ev.kv.value}`;
}

function keys(items: KeyValue[]): string[] {
  return items.map((kv) => kv.key);
}

export interface StoreFeatures {
  /** The backend persists: the restart test runs, and the fixture must provide reopen. */
  persistent?: boolean;
}

export function runStoreSuite(
  name: string,
  makeStore: () => Promise<StoreFixture>,
  features: StoreFeatures = {},
): void {
  async function withStore(fn: (store: Store, fixture: StoreFixture) => Promise<void>): Promise<void> {
    const fixture = await makeStore();
    try {
      await fn(fixture.store, fixture);
    } finally {
      await fixture.cleanup();
    }
  }

  describe(`Store suite: ${name}`, () => {
    it('creates and gets keys, values verbatim', () =>
      withStore(async (store) => {
        const cases: Array<{ key: string; value: string }> = [
          { key: '/registry/pods/demo/netpod', value: '{"kind":"Pod","metadata":{"name":"netpod"}}' },
          { key: '/registry/secrets/kube-system/a_b%c', value: '{"data":{"token":"c2VjcmV0"}}' },
          { key: '123', value: '456' },
          { key: '/registry/configmaps/ns/한국어-\u{1F600}', value: '"유니코드 \u{1F600}"' },
          { key: '/registry/empty', value: '' },
        ];
        for (const { key, value } of cases) {
          const before = await store.currentRevision();
          const created = await store.create(key, value);
          assert.deepEqual(created, { key, value, createRevision: before + 1, modRevision: before + 1 }, key);
          assert.deepEqual(await store.get(key), created, key);
        }
        assert.equal(await store.get('/registry/pods/demo/missing'), undefined);
        assert.equal(await store.get('/registry/pods/demo'), undefined, 'a prefix of a key is not the key');
      }));

    it('lists by prefix without leaking into sibling prefixes', () =>
      withStore(async (store) => {
        const all = [
          '/registry/pods',
          '/registry/pods/a/x',
          '/registry/pods/b/y',
          '/registry/podsx/z',
          '/registry/a_b/1',
          '/registry/axb/2',
          '/registry/a%b/3',
          '/registry/aab/4',
          '/registry/secrets/ns/s',
        ];
        for (const key of all) await store.create(key, `v:${key}`);
        const cases: Array<{ prefix: string; want: string[] }> = [
          { prefix: '/registry/pods/', want: ['/registry/pods/a/x', '/registry/pods/b/y'] },
          { prefix: '/registry/pods/a/', want: ['/registry/pods/a/x'] },
          {
            prefix: '/registry/pods',
            want: ['/registry/pods', '/registry/pods/a/x', '/registry/pods/b/y', '/registry/podsx/z'],
          },
          { prefix: '/registry/a_b/', want: ['/registry/a_b/1'] },
          { prefix: '/registry/a%b/', want: ['/registry/a%b/3'] },
          { prefix: '/registry/a%', want: ['/registry/a%b/3'] },
          { prefix: '/registry/podsx/', want: ['/registry/podsx/z'] },
          { prefix: '/registry/nothing/', want: [] },
          { prefix: '/registry/pods/a/x', want: ['/registry/pods/a/x'] },
          { prefix: '', want: [...all].sort() },
        ];
        const revision = await store.currentRevision();
        for (const { prefix, want } of cases) {
          const got = await store.list(prefix);
          assert.deepEqual(keys(got.items), want, `list(${JSON.stringify(prefix)})`);
          assert.equal(got.remaining, 0, prefix);
          assert.equal(got.revision, revision, prefix);
          for (const kv of got.items) assert.equal(kv.value, `v:${kv.key}`);
          assert.equal(await store.count(prefix), want.length, `count(${JSON.stringify(prefix)})`);
        }
      }));

    it('orders keys by code point, as etcd and SQLite compare bytes', () =>
      withStore(async (store) => {
        const ordered = [
          '/k/A',
          '/k/Z',
          '/k/_',
          '/k/a',
          '/k/a/b',
          '/k/ab',
          '/k/z',
          '/k/\u00e9',
          '/k/\ue000',
          '/k/\u{1F600}',
          '/k/\u{10FFFF}',
        ];
        for (const key of [...ordered].reverse()) await store.create(key, key);
        assert.deepEqual(keys((await store.list('/k/')).items), ordered);
        assert.deepEqual(keys((await store.list('/k/\ue000')).items), ['/k/\ue000']);
        assert.deepEqual(keys((await store.list('/k/\u{10FFFF}')).items), ['/k/\u{10FFFF}']);
        const page = await store.list('/k/', { after: '/k/\ue000' });
        assert.deepEqual(keys(page.items), ['/k/\u{1F600}', '/k/\u{10FFFF}']);
      }));

    it('pages with limit and after, counting what remains', () =>
      withStore(async (store) => {
        for (const n of [3, 1, 5, 2, 4]) await store.create(`/registry/cm/ns/k${n}`, `${n}`);
        await store.create('/registry/cmx/k0', 'other prefix');
        const prefix = '/registry/cm/';
        const revision = await store.currentRevision();
        const cases: Array<{ limit?: number; after?: string; want: string[]; remaining: number }> = [
          { limit: 2, want: ['k1', 'k2'], remaining: 3 },
          { limit: 2, after: '/registry/cm/ns/k2', want: ['k3', 'k4'], remaining: 1 },
          { limit: 2, after: '/registry/cm/ns/k4', want: ['k5'], remaining: 0 },
          { limit: 5, want: ['k1', 'k2', 'k3', 'k4', 'k5'], remaining: 0 },
          { limit: 10, want: ['k1', 'k2', 'k3', 'k4', 'k5'], remaining: 0 },
          { limit: 0, want: ['k1', 'k2', 'k3', 'k4', 'k5'], remaining: 0 },
          { after: '/registry/cm/ns/k3', want: ['k4', 'k5'], remaining: 0 },
          { after: '/registry/cm/ns/k2x', want: ['k3', 'k4', 'k5'], remaining: 0 },
          { limit: 1, after: '/registry/cm/ns/k5', want: [], remaining: 0 },
        ];
        for (const c of cases) {
          const got = await store.list(prefix, { limit: c.limit, after: c.after });
          const label = JSON.stringify(c);
          assert.deepEqual(
            got.items.map((kv) => kv.key.slice('/registry/cm/ns/'.length)),
            c.want,
            label,
          );
          if (got.remainingUncounted) {
            // A backend that does not count the rest (sqlite) still says whether more remain.
            assert.ok(c.remaining > 0 && got.remaining >= 1, label);
          } else {
            assert.equal(got.remaining, c.remaining, label);
          }
          assert.equal(got.revision, revision, label);
        }
      }));

    it('refuses to create an existing key, and re-creates a deleted one', () =>
      withStore(async (store) => {
        const first = await store.create('/registry/ns/demo', 'v1');
        await assert.rejects(store.create('/registry/ns/demo', 'v2'), (err) => {
          assert.ok(err instanceof KeyExistsError);
          assert.equal(err.key, '/registry/ns/demo');
          return true;
        });
        assert.deepEqual(await store.get('/registry/ns/demo'), first, 'the failed create changed nothing');
        await store.delete('/registry/ns/demo');
        const again = await store.create('/registry/ns/demo', 'v3');
        assert.ok(again.createRevision > first.createRevision);
        assert.equal(again.createRevision, again.modRevision);
        assert.deepEqual(await store.get('/registry/ns/demo'), again);
      }));

    it('updates only from the current revision', () =>
      withStore(async (store) => {
        const created = await store.create('/registry/sa/ns/a', 'v1');
        const updated = await store.update('/registry/sa/ns/a', 'v2', created.modRevision);
        assert.equal(updated.value, 'v2');
        assert.equal(updated.createRevision, created.createRevision);
        assert.ok(updated.modRevision > created.modRevision);
        assert.deepEqual(await store.get('/registry/sa/ns/a'), updated);

        await assert.rejects(store.update('/registry/sa/ns/a', 'stale', created.modRevision), (err) => {
          assert.ok(err instanceof RevisionMismatchError);
          assert.equal(err.key, '/registry/sa/ns/a');
          assert.equal(err.expected, created.modRevision);
          assert.equal(err.actual, updated.modRevision);
          return true;
        });
        assert.deepEqual(await store.get('/registry/sa/ns/a'), updated, 'the stale update changed nothing');

        await assert.rejects(store.update('/registry/sa/ns/missing', 'v', 1), KeyNotFoundError);
        await store.delete('/registry/sa/ns/a');
        await assert.rejects(store.update('/registry/sa/ns/a', 'v3', updated.modRevision), KeyNotFoundError);
      }));

    it('lets exactly one of two concurrent updates from the same revision win', () =>
      withStore(async (store) => {
        for (let round = 0; round < 5; round++) {
          const key = `/registry/race/k${round}`;
          const base = await store.create(key, 'base');
          const results = await Promise.allSettled([
            store.update(key, 'left', base.modRevision),
            store.update(key, 'right', base.modRevision),
          ]);
          const won = results.filter((r): r is PromiseFulfilledResult<KeyValue> => r.status === 'fulfilled');
          const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
          assert.equal(won.length, 1, `round ${round}: one winner`);
          assert.equal(lost.length, 1, `round ${round}: one loser`);
          assert.ok(lost[0]!.reason instanceof RevisionMismatchError, String(lost[0]!.reason));
          assert.deepEqual(await store.get(key), won[0]!.value);
        }
        const creates = await Promise.allSettled([
          store.create('/registry/race/new', 'a'),
          store.create('/registry/race/new', 'b'),
        ]);
        assert.equal(creates.filter((r) => r.status === 'fulfilled').length, 1);
        const rejected = creates.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        assert.ok(rejected?.reason instanceof KeyExistsError);
      }));

    it('deletes, with and without an expected revision', () =>
      withStore(async (store) => {
        const a = await store.create('/registry/pods/ns/a', 'va');
        const deleted = await store.delete('/registry/pods/ns/a');
        assert.equal(deleted.key, '/registry/pods/ns/a');
        assert.equal(deleted.value, 'va', 'the deleted value comes back');
        assert.equal(deleted.createRevision, a.createRevision);
        assert.equal(deleted.modRevision, await store.currentRevision(), 'modRevision is the revision of the delete');
        assert.ok(deleted.modRevision > a.modRevision);
        assert.equal(await store.get('/registry/pods/ns/a'), undefined);
        assert.deepEqual((await store.list('/registry/pods/')).items, []);
        await assert.rejects(store.delete('/registry/pods/ns/a'), KeyNotFoundError);

        const b = await store.create('/registry/pods/ns/b', 'vb');
        const b2 = await store.update('/registry/pods/ns/b', 'vb2', b.modRevision);
        await assert.rejects(store.delete('/registry/pods/ns/b', b.modRevision), (err) => {
          assert.ok(err instanceof RevisionMismatchError);
          assert.equal(err.actual, b2.modRevision);
          return true;
        });
        assert.deepEqual(await store.get('/registry/pods/ns/b'), b2, 'the refused delete changed nothing');
        const gone = await store.delete('/registry/pods/ns/b', b2.modRevision);
        assert.equal(gone.value, 'vb2');
        assert.equal(await store.count('/registry/pods/'), 0);
      }));

    it('moves one global revision forward by one per write, and not on failures', () =>
      withStore(async (store) => {
        const start = await store.currentRevision();
        const a = await store.create('/r/a', '1');
        const b = await store.create('/r/b', '1');
        await assert.rejects(store.create('/r/a', 'dup'));
        await assert.rejects(store.update('/r/b', '2', a.modRevision));
        await assert.rejects(store.delete('/r/missing'));
        const a2 = await store.update('/r/a', '2', a.modRevision);
        const bGone = await store.delete('/r/b');
        assert.deepEqual(
          [a.modRevision, b.modRevision, a2.modRevision, bGone.modRevision],
          [start + 1, start + 2, start + 3, start + 4],
        );
        assert.equal(a.createRevision, start + 1);
        assert.equal(a2.createRevision, start + 1);
        assert.equal(bGone.createRevision, start + 2);
        assert.equal(await store.currentRevision(), start + 4);
        assert.equal((await store.list('/r/')).revision, start + 4);
      }));

    it('lists as of a past revision', () =>
      withStore(async (store) => {
        const a1 = await store.create('/h/a', 'a1');
        const b1 = await store.create('/h/b', 'b1');
        const a2 = await store.update('/h/a', 'a2', a1.modRevision);
        const bGone = await store.delete('/h/b');
        const c1 = await store.create('/h/c', 'c1');
        await store.create('/hx/other', 'x');
        const cases: Array<{ revision: number; want: Array<[string, string, number]> }> = [
          { revision: a1.modRevision, want: [['/h/a', 'a1', a1.modRevision]] },
          {
            revision: b1.modRevision,
            want: [
              ['/h/a', 'a1', a1.modRevision],
              ['/h/b', 'b1', b1.modRevision],
            ],
          },
          {
            revision: a2.modRevision,
            want: [
              ['/h/a', 'a2', a2.modRevision],
              ['/h/b', 'b1', b1.modRevision],
            ],
          },
          { revision: bGone.modRevision, want: [['/h/a', 'a2', a2.modRevision]] },
          {
            revision: c1.modRevision,
            want: [
              ['/h/a', 'a2', a2.modRevision],
              ['/h/c', 'c1', c1.modRevision],
            ],
          },
        ];
        for (const { revision, want } of cases) {
          const got = await store.list('/h/', { revision });
          assert.deepEqual(
            got.items.map((kv) => [kv.key, kv.value, kv.modRevision]),
            want,
            `at ${revision}`,
          );
          assert.equal(got.revision, revision, `at ${revision}`);
        }
        const page = await store.list('/h/', { revision: b1.modRevision, limit: 1 });
        assert.deepEqual(keys(page.items), ['/h/a']);
        assert.equal(page.remaining, 1);
        const next = await store.list('/h/', { revision: b1.modRevision, limit: 1, after: '/h/a' });
        assert.deepEqual(
          next.items.map((kv) => kv.value),
          ['b1'],
        );
        assert.equal(next.remaining, 0);
      }));

    it('watches from 0: only new events', () =>
      withStore(async (store) => {
        const old = await store.create('/w/old', 'o1');
        const rec = record(store, '/w/', { fromRevision: 0 });
        const a = await store.create('/w/a', 'a1');
        await store.update('/w/old', 'o2', old.modRevision);
        await rec.until(2);
        await settle();
        assert.deepEqual(rec.events.map(brief), [`PUT /w/a@${a.modRevision}=a1`, `PUT /w/old@${a.modRevision + 1}=o2`]);
        assert.equal(rec.events[0]!.created, true);
        assert.equal(rec.events[0]!.prevKv, undefined);
        assert.equal(rec.events[1]!.created, false);
        assert.deepEqual(rec.events[1]!.prevKv, old);
        assert.deepEqual(rec.errors, []);
        rec.watcher.stop();
      }));

    it('watches from a past revision: replay then live, in order, without gap or duplicate', () =>
      withStore(async (store) => {
        const a1 = await store.create('/w/a', 'a1');
        const b1 = await store.create('/w/b', 'b1');
        const a2 = await store.update('/w/a', 'a2', a1.modRevision);
        const bGone = await store.delete('/w/b', b1.modRevision);
        const rec = record(store, '/w/', { fromRevision: a1.modRevision });
        // Writes right after watch() returns, before the replay has been delivered, must queue behind it.
        const c1 = await store.create('/w/c', 'c1');
        const a3 = await store.update('/w/a', 'a3', a2.modRevision);
        await rec.until(5);
        const b2 = await store.create('/w/b', 'b2');
        await rec.until(6);
        await settle();
        assert.deepEqual(rec.events.map(brief), [
          `PUT /w/b@${b1.modRevision}=b1`,
          `PUT /w/a@${a2.modRevision}=a2`,
          `DELETE /w/b@${bGone.modRevision}=b1`,
          `PUT /w/c@${c1.modRevision}=c1`,
          `PUT /w/a@${a3.modRevision}=a3`,
          `PUT /w/b@${b2.modRevision}=b2`,
        ]);
        const revisions = rec.events.map((ev) => ev.kv.modRevision);
        assert.deepEqual(
          revisions,
          [...revisions].sort((x, y) => x - y),
          'in revision order',
        );
        assert.deepEqual(
          rec.events.map((ev) => ev.created),
          [true, false, false, true, false, true],
        );
        assert.deepEqual(rec.events[1]!.prevKv, a1);
        assert.deepEqual(rec.events[2]!.prevKv, b1);
        assert.equal(rec.events[2]!.kv.createRevision, b1.createRevision);
        assert.deepEqual(rec.events[4]!.prevKv, a2);
        assert.equal(rec.events[5]!.prevKv, undefined, 'a re-create has no previous value');
        assert.deepEqual(rec.errors, []);
        rec.watcher.stop();

        const fromLatest = record(store, '/w/', { fromRevision: b2.modRevision });
        const d1 = await store.create('/w/d', 'd1');
        await fromLatest.until(1);
        await settle();
        assert.deepEqual(fromLatest.events.map(brief), [`PUT /w/d@${d1.modRevision}=d1`]);
        fromLatest.watcher.stop();
      }));

    it('filters watch events by prefix', () =>
      withStore(async (store) => {
        await store.create('/registry/pods/ns/before', 'not replayed');
        const start = await store.currentRevision(); // > 0: fromRevision 0 would mean "only new"
        const pods = record(store, '/registry/pods/', { fromRevision: 0 });
        const everything = record(store, '/registry/', { fromRevision: 0 });
        await store.create('/registry/podsx/ns/a', '1');
        await store.create('/registry/pods/ns/a', '2');
        await store.create('/registry/secrets/ns/a', '3');
        await store.create('/registry/pods/ns/b', '4');
        await everything.until(4);
        await pods.until(2);
        await settle();
        assert.deepEqual(
          pods.events.map((ev) => ev.kv.key),
          ['/registry/pods/ns/a', '/registry/pods/ns/b'],
        );
        assert.equal(everything.events.length, 4);
        const replayed = record(store, '/registry/pods/', { fromRevision: start });
        await replayed.until(2);
        await settle();
        assert.deepEqual(replayed.events.map(brief), pods.events.map(brief), 'replay filters the same way');
        for (const rec of [pods, everything, replayed]) rec.watcher.stop();
      }));

    it('stops delivering after stop(), including from inside a callback', () =>
      withStore(async (store) => {
        const rec = record(store, '/s/', { fromRevision: 0 });
        await store.create('/s/a', '1');
        await rec.until(1);
        rec.watcher.stop();
        await store.create('/s/b', '2');
        await settle();
        assert.deepEqual(
          rec.events.map((ev) => ev.kv.key),
          ['/s/a'],
        );

        const seen: string[] = [];
        const first = await store.currentRevision();
        await store.create('/s/c', '3');
        const watcher: Watcher = store.watch('/s/', { fromRevision: first - 1 }, (ev) => {
          seen.push(ev.kv.key);
          watcher.stop();
        });
        await waitFor('the first replayed event', () => seen.length > 0);
        await store.create('/s/d', '4');
        await settle();
        assert.deepEqual(seen, ['/s/b']);
      }));

    it('keeps committing writes when a watcher throws', () =>
      withStore(async (store) => {
        const errors: Error[] = [];
        const healthy = record(store, '/t/', { fromRevision: 0 });
        store.watch(
          '/t/',
          { fromRevision: 0 },
          () => {
            throw new Error('watcher bug');
          },
          (err) => errors.push(err),
        );
        const a = await store.create('/t/a', '1');
        await store.update('/t/a', '2', a.modRevision);
        await healthy.until(2);
        assert.equal((await store.get('/t/a'))?.value, '2');
        await waitFor('the failing watcher reported', () => errors.length > 0);
        assert.deepEqual(
          errors.map((err) => err.message),
          ['watcher bug'],
          'reported once, then stopped',
        );
        assert.equal(healthy.events.length, 2);
        healthy.watcher.stop();
      }));

    it('compacts history, keeping every live value, and reports CompactedError below it', () =>
      withStore(async (store) => {
        const a1 = await store.create('/c/a', 'a1');
        const a2 = await store.update('/c/a', 'a2', a1.modRevision);
        const b1 = await store.create('/c/b', 'b1');
        const bGone = await store.delete('/c/b');
        const c1 = await store.create('/c/c', 'c1');
        const a3 = await store.update('/c/a', 'a3', a2.modRevision);
        const d1 = await store.create('/c/d', 'd1');
        assert.equal(await store.compactedRevision(), 0);

        await store.compact(c1.modRevision);
        assert.equal(await store.compactedRevision(), c1.modRevision);

        // Below the compacted revision: lists and watches fail.
        await assert.rejects(store.list('/c/', { revision: b1.modRevision }), (err) => {
          assert.ok(err instanceof CompactedError);
          assert.equal(err.requested, b1.modRevision);
          assert.equal(err.compacted, c1.modRevision);
          return true;
        });
        const tooOld = record(store, '/c/', { fromRevision: a1.modRevision });
        await waitFor('CompactedError', () => tooOld.errors.length > 0);
        assert.ok(tooOld.errors[0] instanceof CompactedError, String(tooOld.errors[0]));
        assert.equal((tooOld.errors[0] as CompactedError).requested, a1.modRevision);
        assert.deepEqual(tooOld.events, []);
        tooOld.watcher.stop();

        // At and above it: everything still readable.
        const atCompaction = await store.list('/c/', { revision: c1.modRevision });
        assert.deepEqual(
          atCompaction.items.map((kv) => [kv.key, kv.value]),
          [
            ['/c/a', 'a2'],
            ['/c/c', 'c1'],
          ],
        );
        const resumed = record(store, '/c/', { fromRevision: c1.modRevision });
        await resumed.until(2);
        await settle();
        assert.deepEqual(resumed.events.map(brief), [`PUT /c/a@${a3.modRevision}=a3`, `PUT /c/d@${d1.modRevision}=d1`]);
        assert.deepEqual(resumed.events[0]!.prevKv, a2);
        resumed.watcher.stop();

        // Compacting everything never drops a live key's latest value, nor resurrects a deleted one.
        const latest = await store.currentRevision();
        await store.compact(latest);
        assert.equal(await store.compactedRevision(), latest);
        assert.deepEqual((await store.list('/c/')).items, [
          { key: '/c/a', value: 'a3', createRevision: a1.createRevision, modRevision: a3.modRevision },
          { key: '/c/c', value: 'c1', createRevision: c1.createRevision, modRevision: c1.modRevision },
          { key: '/c/d', value: 'd1', createRevision: d1.createRevision, modRevision: d1.modRevision },
        ]);
        assert.equal(await store.get('/c/b'), undefined);
        assert.equal(await store.currentRevision(), latest, 'compaction does not move the revision');
        assert.ok(bGone.modRevision < latest);

        // Writes keep working on compacted keys, and revisions keep counting up.
        const b2 = await store.create('/c/b', 'b2');
        assert.equal(b2.modRevision, latest + 1);
        const a4 = await store.update('/c/a', 'a4', a3.modRevision);
        assert.equal(a4.createRevision, a1.createRevision);
        await assert.rejects(store.update('/c/a', 'stale', a3.modRevision), RevisionMismatchError);
        await store.compact(a1.modRevision);
        assert.equal(await store.compactedRevision(), latest, 'compacting to an older revision is a no-op');
      }));

    it('ends open watches when the store closes', async () => {
      const fixture = await makeStore();
      try {
        const rec = record(fixture.store, '/x/', { fromRevision: 0 });
        await fixture.store.close();
        await waitFor('an error on close', () => rec.errors.length > 0);
        assert.deepEqual(rec.events, []);
      } finally {
        await fixture.cleanup();
      }
    });

    if (!features.persistent) return;
    it('keeps keys, history and the revision counter across a restart', async () => {
      const fixture = await makeStore();
      try {
        assert.ok(fixture.reopen, 'a persistent backend provides reopen');
        const store = fixture.store;
        const a1 = await store.create('/p/a', 'a1');
        const a2 = await store.update('/p/a', 'a2', a1.modRevision);
        const b1 = await store.create('/p/b', 'b1');
        await store.delete('/p/b');
        const c1 = await store.create('/p/c', 'c1');
        await store.compact(a2.modRevision);
        const revision = await store.currentRevision();
        const before = await store.list('/p/');
        await store.close();

        const reopened = await fixture.reopen();
        assert.equal(await reopened.currentRevision(), revision);
        assert.equal(await reopened.compactedRevision(), a2.modRevision);
        assert.deepEqual(await reopened.list('/p/'), before);
        assert.deepEqual(await reopened.get('/p/a'), a2);
        assert.equal(await reopened.get('/p/b'), undefined);
        assert.deepEqual(
          (await reopened.list('/p/', { revision: b1.modRevision })).items.map((kv) => kv.key),
          ['/p/a', '/p/b'],
        );
        await assert.rejects(reopened.list('/p/', { revision: a1.modRevision }), CompactedError);

        const replay = record(reopened, '/p/', { fromRevision: a2.modRevision });
        const d1 = await reopened.create('/p/d', 'd1');
        assert.equal(d1.modRevision, revision + 1, 'the revision counter carries on');
        await replay.until(4);
        assert.deepEqual(
          replay.events.map((ev) => `${ev.type} ${ev.kv.key}@${ev.kv.modRevision}`),
          [
            `PUT /p/b@${b1.modRevision}`,
            `DELETE /p/b@${b1.modRevision + 1}`,
            `PUT /p/c@${c1.modRevision}`,
            `PUT /p/d@${d1.modRevision}`,
          ],
        );
        replay.watcher.stop();
        await assert.rejects(reopened.update('/p/a', 'stale', a1.modRevision), RevisionMismatchError);
        await reopened.update('/p/a', 'a3', a2.modRevision);
      } finally {
        await fixture.cleanup();
      }
    });
  });
}
