// SQLite group commit: concurrent writes share one IMMEDIATE transaction (one WAL fsync), each still decides
// on the newest row as of the writes before it, a refused write fails alone, and every acknowledged write
// is in the file when its promise resolves (read through a second connection).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { KeyExistsError, RevisionMismatchError, type KeyValue } from '../../../src/storage/interface.js';
import { SqliteStore } from '../../../src/storage/sqlite.js';

async function withStore(
  fn: (store: SqliteStore, path: string, commits: () => number) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kauth-group-'));
  const path = join(dir, 'state.db');
  const store = SqliteStore.open(path, { compactInterval: 0 });
  // Count transactions by wrapping the store's one commit path.
  const internals = store as unknown as { commitTx: { immediate: (batch: unknown[]) => void } };
  const tx = internals.commitTx;
  let commits = 0;
  const immediate = tx.immediate.bind(tx);
  internals.commitTx = {
    immediate: (batch) => {
      commits++;
      immediate(batch);
    },
  };
  try {
    await fn(store, path, () => commits);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('SqliteStore group commit', () => {
  it('commits 64 concurrent creates in far fewer transactions, revisions dense and in call order', () =>
    withStore(async (store, path, commits) => {
      const results = await Promise.all(
        Array.from({ length: 64 }, (_, i) => store.create(`/registry/configmaps/g/k${i}`, `v${i}`)),
      );
      assert.ok(commits() <= 4, `64 writes in ${commits()} transactions`);
      assert.deepEqual(
        results.map((kv) => kv.modRevision),
        results.map((_, i) => i + 1),
        'one revision each, in call order',
      );
      // Durable and visible to another connection as soon as the promises resolved.
      const other = new Database(path, { readonly: true });
      try {
        assert.equal(
          (
            other.prepare("SELECT COUNT(*) AS n FROM kine WHERE name LIKE '/registry/configmaps/g/%'").get() as {
              n: number;
            }
          ).n,
          64,
        );
      } finally {
        other.close();
      }
    }));

  it('decides each write against the writes before it in the same group', () =>
    withStore(async (store) => {
      const base = await store.create('/registry/sa/ns/a', 'v0');
      const cases = await Promise.allSettled([
        store.update('/registry/sa/ns/a', 'v1', base.modRevision),
        store.update('/registry/sa/ns/a', 'stale', base.modRevision), // the first update won in this group
        store.create('/registry/sa/ns/b', 'b1'),
        store.create('/registry/sa/ns/b', 'dup'), // exists as of the write before it
        store.delete('/registry/sa/ns/a', base.modRevision + 1), // the first update's revision
        store.create('/registry/sa/ns/a', 'again'), // deleted just before
      ]);
      const outcome = cases.map((r) =>
        r.status === 'fulfilled' ? `ok ${(r.value as KeyValue).value}` : (r.reason as Error).name,
      );
      assert.deepEqual(outcome, ['ok v1', 'RevisionMismatchError', 'ok b1', 'KeyExistsError', 'ok v1', 'ok again']);
      assert.ok(cases[1]!.status === 'rejected' && cases[1].reason instanceof RevisionMismatchError);
      assert.ok(cases[3]!.status === 'rejected' && cases[3].reason instanceof KeyExistsError);
      assert.equal((await store.get('/registry/sa/ns/a'))?.value, 'again');
      assert.equal((await store.get('/registry/sa/ns/b'))?.value, 'b1');
      assert.equal(await store.currentRevision(), base.modRevision + 4, 'refused writes take no revision');
    }));

  it('a lone writer does not wait for company: sequential writes each commit at once', () =>
    withStore(async (store, _path, commits) => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < 20; i++) await store.create(`/registry/cm/ns/s${i}`, 'x');
      assert.equal(commits(), 20);
      const perWriteMs = Number(process.hrtime.bigint() - started) / 1e6 / 20;
      assert.ok(perWriteMs < 50, `${perWriteMs.toFixed(2)} ms per sequential write`);
    }));

  it('commits writes still pending when the store closes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kauth-group-'));
    const path = join(dir, 'state.db');
    try {
      const store = SqliteStore.open(path, { compactInterval: 0 });
      const pending = [store.create('/registry/x/a', '1'), store.create('/registry/x/b', '2')];
      await store.close();
      assert.deepEqual(
        (await Promise.all(pending)).map((kv) => kv.key),
        ['/registry/x/a', '/registry/x/b'],
      );
      const reopened = SqliteStore.open(path, { compactInterval: 0 });
      assert.equal(await reopened.count('/registry/x/'), 2);
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
