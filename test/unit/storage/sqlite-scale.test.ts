// SQLite at scale: pages answered from the key index without counting the rest, and a file that shrinks
// back to its live size after deletes and one compaction (auto_vacuum=INCREMENTAL + checkpoint).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../../src/storage/sqlite.js';

const PREFIX = '/registry/configmaps/demo/';
const key = (i: number): string => `${PREFIX}cm-${String(i).padStart(5, '0')}`;

async function withStore(fn: (store: SqliteStore, path: string, dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kauth-sqlite-scale-'));
  const path = join(dir, 'state.db');
  const store = SqliteStore.open(path, { compactInterval: 0 });
  try {
    await fn(store, path, dir);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function fill(store: SqliteStore, n: number, value: string): Promise<void> {
  await Promise.all(Array.from({ length: n }, (_, i) => store.create(key(i), value)));
}

const fileBytes = (path: string): number =>
  statSync(path).size +
  (() => {
    try {
      return statSync(`${path}-wal`).size;
    } catch {
      return 0;
    }
  })();

describe('SqliteStore paging', () => {
  it('walks every key once in key order at one revision, saying "more" without a count', () =>
    withStore(async (store) => {
      await fill(store, 1234, 'v');
      await store.create('/registry/configmaps/demo2/x', 'other namespace');
      const cases = [{ limit: 7 }, { limit: 100 }, { limit: 500 }, { limit: 1233 }, { limit: 1234 }, { limit: 5000 }];
      for (const c of cases) {
        const seen: string[] = [];
        let after: string | undefined;
        let revision: number | undefined;
        let pages = 0;
        for (;;) {
          const page = await store.list(PREFIX, { limit: c.limit, after, revision });
          if (revision !== undefined) assert.equal(page.revision, revision);
          revision = page.revision;
          // A write between pages must not show up in this walk.
          if (pages++ === 0) await store.create(`${PREFIX}cm-00000a`, 'later');
          seen.push(...page.items.map((kv) => kv.key));
          if (page.remaining === 0) break;
          assert.equal(page.remainingUncounted, true, JSON.stringify(c));
          assert.equal(page.items.length, c.limit, JSON.stringify(c));
          after = page.items.at(-1)!.key;
        }
        assert.deepEqual(
          seen,
          Array.from({ length: 1234 }, (_, i) => key(i)),
          JSON.stringify(c),
        );
        assert.equal(pages, Math.ceil(1234 / c.limit), JSON.stringify(c));
        await store.delete(`${PREFIX}cm-00000a`);
      }
    }));

  it('a page costs the same near the start and the end of a large range', () =>
    withStore(async (store) => {
      await fill(store, 20_000, 'x'.repeat(200));
      const time = async (after?: string): Promise<number> => {
        const samples: number[] = [];
        for (let i = 0; i < 7; i++) {
          const t0 = performance.now();
          await store.list(PREFIX, { limit: 500, after });
          samples.push(performance.now() - t0);
        }
        return samples.sort((a, b) => a - b)[3]!;
      };
      await time(); // statements prepared, pages cached
      const first = await time();
      const last = await time(key(19_000));
      // Counting the remaining 19,500 keys (as before) made the first page ~10× the last.
      assert.ok(first < last * 3 + 2, `first page ${first.toFixed(2)} ms, late page ${last.toFixed(2)} ms`);
    }));
});

describe('SqliteStore file hygiene', () => {
  it('new files use incremental auto_vacuum', () =>
    withStore(async (_store, path) => {
      const db = new Database(path, { readonly: true });
      try {
        assert.equal(db.pragma('auto_vacuum', { simple: true }), 2);
      } finally {
        db.close();
      }
    }));

  it('returns within 20 % of its live size after deleting half and one compaction', () =>
    withStore(async (store, path, dir) => {
      await fill(store, 4000, 'x'.repeat(1024));
      await Promise.all(
        Array.from({ length: 2000 }, async (_, i) =>
          store.update(key(i), 'y'.repeat(1024), (await store.get(key(i)))!.modRevision),
        ),
      );
      const full = fileBytes(path);
      await Promise.all(Array.from({ length: 2000 }, (_, i) => store.delete(key(i))));
      assert.ok(fileBytes(path) >= full, 'deletes append tombstones');
      await store.compact(await store.currentRevision());
      const compacted = fileBytes(path);
      const copy = join(dir, 'live.db');
      const db = new Database(path, { readonly: true });
      db.exec(`VACUUM INTO '${copy}'`);
      db.close();
      const live = statSync(copy).size;
      assert.ok(compacted <= live * 1.2, `file ${compacted} bytes, live ${live} bytes`);
      assert.equal((await store.list(PREFIX)).items.length, 2000);
    }));
});
