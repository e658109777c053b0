import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Store } from '../../../src/storage/interface.js';
import { SqliteStore } from '../../../src/storage/sqlite.js';
import { runStoreSuite } from './store-suite.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'kauth-sqlite-'));
}

runStoreSuite(
  'SqliteStore',
  async () => {
    const dir = await tempDir();
    const path = join(dir, 'state.db');
    const opened: Store[] = [SqliteStore.open(path, { compactInterval: 0 })];
    return {
      store: opened[0]!,
      reopen: async () => {
        const store = SqliteStore.open(path, { compactInterval: 0 });
        opened.push(store);
        return store;
      },
      cleanup: async () => {
        for (const store of opened) await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
  { persistent: true },
);

describe('SqliteStore specifics', () => {
  it('creates the database and its WAL with mode 0600, in a new directory', async () => {
    const dir = await tempDir();
    const path = join(dir, 'data', 'state.db');
    const store = SqliteStore.open(path, { compactInterval: 0 });
    try {
      await store.create('/registry/secrets/ns/s', '{"data":{"password":"aHVudGVyMg=="}}');
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        assert.equal((await stat(file)).mode & 0o777, 0o600, file);
      }
      assert.equal((await stat(join(dir, 'data'))).mode & 0o077, 0, 'the new directory is private too');
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("uses kine's schema, WAL and synchronous=FULL", async () => {
    const dir = await tempDir();
    const path = join(dir, 'state.db');
    const store = SqliteStore.open(path, { compactInterval: 0 });
    try {
      // synchronous is per connection: read it from the store's own (private) connection.
      const db = (store as unknown as { db: Database.Database }).db;
      assert.equal(db.pragma('synchronous', { simple: true }), 2, 'FULL');
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.ok(Number(db.pragma('busy_timeout', { simple: true })) >= 5000);
      const columns = (db.prepare('PRAGMA table_info(kine)').all() as Array<{ name: string }>).map((c) => c.name);
      assert.deepEqual(columns, [
        'id',
        'name',
        'created',
        'deleted',
        'create_revision',
        'prev_revision',
        'lease',
        'value',
        'old_value',
      ]);
      const indexes = (
        db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'kine' ORDER BY name")
          .all() as Array<{ name: string }>
      ).map((i) => i.name);
      assert.deepEqual(indexes, [
        'kine_id_deleted_index',
        'kine_name_id_index',
        'kine_name_index',
        'kine_name_prev_revision_uindex',
        'kine_prev_revision_index',
      ]);

      // The UNIQUE (name, prev_revision) index is the compare-and-swap: a second row replacing the same
      // revision cannot be written, whoever writes it.
      const created = await store.create('/registry/pods/ns/a', 'v1');
      await store.update('/registry/pods/ns/a', 'v2', created.modRevision);
      assert.throws(
        () =>
          db
            .prepare(
              'INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value) VALUES (?, 0, 0, ?, ?, 0, ?, ?)',
            )
            .run('/registry/pods/ns/a', created.createRevision, created.modRevision, 'v2-racer', 'v1'),
        (err: unknown) => err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_UNIQUE',
      );
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps counting revisions after compaction removed every row and a restart', async () => {
    const dir = await tempDir();
    const path = join(dir, 'state.db');
    const opened: Store[] = [];
    try {
      const store = SqliteStore.open(path, { compactInterval: 0 });
      opened.push(store);
      await store.create('/registry/ns/gone', 'v');
      const gone = await store.delete('/registry/ns/gone');
      await store.compact(gone.modRevision);
      const db = (store as unknown as { db: Database.Database }).db;
      assert.equal(
        (db.prepare('SELECT COUNT(*) AS n FROM kine').get() as { n: number }).n,
        0,
        'nothing left in the log',
      );
      await store.close();

      const reopened = SqliteStore.open(path, { compactInterval: 0 });
      opened.push(reopened);
      assert.equal(await reopened.currentRevision(), gone.modRevision);
      assert.equal(await reopened.compactedRevision(), gone.modRevision);
      const again = await reopened.create('/registry/ns/gone', 'v2');
      assert.equal(again.modRevision, gone.modRevision + 1, 'revisions are never reused');
    } finally {
      for (const store of opened) await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('compacts periodically, keeping the newest `retain` revisions', async () => {
    const dir = await tempDir();
    const store = SqliteStore.open(join(dir, 'state.db'), { compactInterval: 10, retain: 3 });
    try {
      let kv = await store.create('/registry/cm/ns/a', '0');
      for (let i = 1; i < 10; i++) kv = await store.update('/registry/cm/ns/a', `${i}`, kv.modRevision);
      const deadline = Date.now() + 3000;
      while ((await store.compactedRevision()) < 7 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      assert.equal(await store.compactedRevision(), 7);
      assert.deepEqual(
        (await store.list('/registry/cm/', { revision: 8 })).items.map((i) => i.value),
        ['7'],
      );
      assert.deepEqual(await store.get('/registry/cm/ns/a'), kv);
      const db = (store as unknown as { db: Database.Database }).db;
      assert.equal(
        (db.prepare('SELECT COUNT(*) AS n FROM kine').get() as { n: number }).n,
        4,
        'rows 7 (the value as of the compacted revision), 8, 9 and 10 remain',
      );
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('compacts in batches across more than one batch of revisions', async () => {
    const dir = await tempDir();
    const store = SqliteStore.open(join(dir, 'state.db'), { compactInterval: 0 });
    try {
      const live = new Map<string, number>();
      for (let i = 0; i < 2500; i++) {
        const key = `/registry/leases/ns/l${i % 7}`;
        const rev = live.get(key);
        const kv =
          rev === undefined
            ? await store.create(key, `${i}`)
            : i % 11 === 0
              ? await store.delete(key, rev)
              : await store.update(key, `${i}`, rev);
        if (i % 11 === 0 && rev !== undefined) live.delete(key);
        else live.set(key, kv.modRevision);
      }
      const before = await store.list('/registry/leases/');
      await store.compact(2400);
      assert.equal(await store.compactedRevision(), 2400);
      assert.deepEqual(await store.list('/registry/leases/'), before);
      const db = (store as unknown as { db: Database.Database }).db;
      const rowsAtOrBelow = (db.prepare('SELECT COUNT(*) AS n FROM kine WHERE id <= 2400').get() as { n: number }).n;
      assert.ok(
        rowsAtOrBelow <= 7,
        `at most one row per key survives at or below the compaction (have ${rowsAtOrBelow})`,
      );
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
