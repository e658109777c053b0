// The embedded default Store: kine's log-structured layout on SQLite (better-sqlite3, synchronous).
// Every write appends one row, the row id is the revision, and a committed write has been fsynced
// (WAL + synchronous=FULL) before its promise resolves; concurrent writes share one transaction and one
// fsync (group commit, see write). Watchers are fed in-process
// right after each commit; the server is the only writer of its database file.
import Database from 'better-sqlite3';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { log } from '../log.js';
import {
  CompactedError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionMismatchError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type WatchEvent,
  type WatchOptions,
  type Watcher,
} from './interface.js';
import { compareKeys, prefixEnd } from './keys.js';
import { rowKeyValue, type LogRow } from './log_row.js';
import { COMPACT_REVISION_KEY, SCHEMA, rowColumns } from './sqlite_schema.js';
import { StoreClosedError, WatchHub } from './watch_hub.js';

export interface SqliteStoreOptions {
  /** Milliseconds between automatic compactions (kine's --compact-interval, 5 min); 0 turns them off. */
  compactInterval?: number;
  /** Revisions kept by automatic compaction (kine's --compact-min-retain, 1000). */
  retain?: number;
}

const DEFAULT_COMPACT_INTERVAL_MS = 5 * 60 * 1000;
const DEFAULT_RETAIN = 1000;
/** Revisions compacted per transaction (kine's --compact-batch-size), so that writers are not held up. */
const COMPACT_BATCH = 1000;
const BUSY_TIMEOUT_MS = 30_000;
/** Free pages returned to the file system per step after a compaction (4 MiB at 4 KiB pages). */
const VACUUM_BATCH_PAGES = 1024;

type Param = string | number;
/** Given the key's newest row (read inside the write transaction), the row to append, or a thrown error. */
type DecideAppend = (latest: LogRow | undefined) => Omit<LogRow, 'id' | 'name'>;

/** How long a group of concurrent writes may wait for more to share its fsync, and its largest size. */
const GROUP_WINDOW_NS = 300_000n;
const MAX_GROUP = 256;

interface PendingWrite {
  key: string;
  decide: DecideAppend;
  resolve: (kv: KeyValue) => void;
  reject: (err: unknown) => void;
  row?: LogRow;
  error?: unknown;
}

/** Keys whose newest row is kept in memory (an LRU): reads of hot objects skip SQLite. */
const LATEST_CACHE_SIZE = 10_000;

export class SqliteStore implements Store {
  readonly name = 'sqlite';
  private readonly hub = new WatchHub();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly compactTimer?: NodeJS.Timeout;
  private readonly commitTx: Database.Transaction<(batch: PendingWrite[]) => void>;
  /** Writes waiting for the next group commit, in arrival order. */
  private batch: PendingWrite[] = [];
  private batchStartedAt = 0n;
  private flushScheduled = false;
  /** Size of the last committed group: a lone writer never waits, concurrent ones wait to share an fsync. */
  private lastGroupSize = 1;
  private revision: number;
  private compacted: number;
  /** key → newest row (null: none), most recently used last. */
  private readonly latest = new Map<string, LogRow | null>();
  private compacting = false;
  /** The revision at the previous automatic compaction tick (kube's compactor compacts to it). */
  private revisionAtLastTick = 0;
  private closed = false;

  /** Opens (creating, mode 0600) the database file at path. */
  static open(path: string, opts: SqliteStoreOptions = {}): SqliteStore {
    if (path !== ':memory:') createPrivateFile(path);
    const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    try {
      // Pages freed by compaction go back to the file system (see reclaimFreePages); SQLite takes this
      // only before the first table exists, so older files are converted once below.
      db.pragma('auto_vacuum = INCREMENTAL');
      const journal = db.pragma('journal_mode = WAL', { simple: true });
      if (journal !== 'wal' && path !== ':memory:')
        throw new Error(`${path}: SQLite refused WAL mode (got ${String(journal)})`);
      // FULL syncs the WAL on every commit: an acknowledged write survives power loss, not only kill -9.
      db.pragma('synchronous = FULL');
      db.pragma('fullfsync = ON'); // macOS: fsync alone does not reach the platter
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.exec(SCHEMA);
      if (db.pragma('auto_vacuum', { simple: true }) !== 2) db.exec('VACUUM'); // a file made before auto_vacuum: once
      db.pragma('wal_checkpoint(TRUNCATE)');
      return new SqliteStore(db, opts);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  private constructor(
    private readonly db: Database.Database,
    opts: SqliteStoreOptions,
  ) {
    // AUTOINCREMENT's counter survives compaction of the newest rows, so revisions never go back.
    this.revision = this.number("SELECT seq AS n FROM sqlite_sequence WHERE name = 'kine'");
    this.compacted = this.number('SELECT value AS n FROM kine_meta WHERE key = ?', COMPACT_REVISION_KEY);
    this.commitTx = db.transaction((batch: PendingWrite[]): void => {
      // Each write decides on the newest row as of the writes before it in this group.
      const overlay = new Map<string, LogRow>();
      for (const w of batch) {
        try {
          const fields = w.decide(overlay.get(w.key) ?? this.latestRow(w.key));
          const { lastInsertRowid } = this.statement(
            'INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value) ' +
              'VALUES (?, ?, ?, ?, ?, 0, ?, ?)',
          ).run(
            w.key,
            fields.created,
            fields.deleted,
            fields.createRevision,
            fields.prevRevision,
            fields.value,
            fields.oldValue,
          );
          w.row = { id: Number(lastInsertRowid), name: w.key, ...fields };
          overlay.set(w.key, w.row);
        } catch (err) {
          // A refused write (exists, stale revision, constraint) fails alone; SQLite undid only its statement.
          w.error = err;
        }
      }
    });
    const interval = opts.compactInterval ?? DEFAULT_COMPACT_INTERVAL_MS;
    const retain = opts.retain ?? DEFAULT_RETAIN;
    if (interval > 0) {
      this.compactTimer = setInterval(() => void this.compactRetaining(retain), interval);
      this.compactTimer.unref();
    }
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const row = this.latestRow(key);
    return row && !row.deleted ? rowKeyValue(row) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const revision = this.readRevision(opts.revision);
    const atRevision = revision < this.revision ? revision : undefined;
    // One row past the page tells whether more remain: a page costs O(limit), and the count of what
    // remains (a scan of the rest of the range) is not taken; see ListResult.remainingUncounted.
    const rows = this.liveRows(prefix, opts.after, atRevision, opts.limit ? opts.limit + 1 : undefined);
    if (opts.limit && rows.length > opts.limit) {
      rows.length = opts.limit;
      return { items: rows.map(rowKeyValue), revision, remaining: 1, remainingUncounted: true };
    }
    return { items: rows.map(rowKeyValue), revision, remaining: 0 };
  }

  async count(prefix: string): Promise<number> {
    return this.countLive(prefix, undefined, undefined);
  }

  async create(key: string, value: string): Promise<KeyValue> {
    return this.write(key, (latest) => {
      if (latest && !latest.deleted) throw new KeyExistsError(key);
      return { created: 1, deleted: 0, createRevision: 0, prevRevision: latest?.id ?? 0, value, oldValue: null };
    });
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    return this.write(key, (latest) => {
      const current = checkCurrent(key, latest, expectedModRevision);
      return {
        created: 0,
        deleted: 0,
        createRevision: rowKeyValue(current).createRevision,
        prevRevision: current.id,
        value,
        oldValue: current.value,
      };
    });
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    return this.write(key, (latest) => {
      const current = checkCurrent(key, latest, expectedModRevision);
      return {
        created: 0,
        deleted: 1,
        createRevision: rowKeyValue(current).createRevision,
        prevRevision: current.id,
        value: current.value,
        oldValue: current.value,
      };
    });
  }

  watch(
    prefix: string,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent) => void,
    onError?: (err: Error) => void,
  ): Watcher {
    if (this.closed) return this.hub.failed(new StoreClosedError(), onError);
    const from = opts.fromRevision ?? 0;
    if (from > 0 && from < this.compacted) return this.hub.failed(new CompactedError(from, this.compacted), onError);
    // Read in the same synchronous step as the subscription: no committed write can fall in between.
    const replay = from > 0 && from < this.revision ? this.rowsAfter(prefix, from) : [];
    return this.hub.watch(prefix, from > 0 ? from : this.revision, replay, onEvent, onError);
  }

  async currentRevision(): Promise<number> {
    return this.revision;
  }

  async compactedRevision(): Promise<number> {
    return this.compacted;
  }

  async compact(revision: number): Promise<void> {
    const target = Math.min(revision, this.revision);
    if (target <= this.compacted) return;
    const compactBatch = this.db.transaction((from: number, to: number) => {
      // kine's rule: drop rows superseded at or below `to`, and tombstones at or below `to`.
      this.statement(
        'DELETE FROM kine WHERE id IN (' +
          'SELECT prev_revision FROM kine WHERE prev_revision != 0 AND id > ? AND id <= ? ' +
          'UNION SELECT id FROM kine WHERE deleted != 0 AND id > ? AND id <= ?)',
      ).run(from, to, from, to);
      // A surviving row's previous value only served watchers its event can no longer reach (it is at or below
      // the compacted revision): drop it, so replaced bytes (say, Secrets under a rotated-out key) leave the file.
      this.statement('UPDATE kine SET old_value = NULL WHERE id > ? AND id <= ? AND old_value IS NOT NULL').run(
        from,
        to,
      );
      this.statement('INSERT OR REPLACE INTO kine_meta (key, value) VALUES (?, ?)').run(COMPACT_REVISION_KEY, to);
    });
    while (!this.closed && this.compacted < target) {
      const to = Math.min(target, this.compacted + COMPACT_BATCH);
      compactBatch.immediate(this.compacted, to);
      this.compacted = to;
      // Let requests run between batches; rows above `to` are never touched, so writes may interleave.
      if (to < target) await yieldToEventLoop();
    }
    // Compaction may remove the newest row of a deleted key (its tombstone): forget what was cached.
    this.latest.clear();
    await this.reclaimFreePages();
  }

  /**
   * Storage hygiene after compaction: the pages its deletes freed are returned to the file system a
   * batch per transaction (incremental_vacuum), and the WAL is checkpointed and truncated, so the file
   * tracks the live data instead of its high-water mark.
   */
  private async reclaimFreePages(): Promise<void> {
    while (!this.closed && this.number('SELECT freelist_count AS n FROM pragma_freelist_count') > 0) {
      this.db.pragma(`incremental_vacuum(${VACUUM_BATCH_PAGES})`);
      await yieldToEventLoop();
    }
    if (!this.closed) this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Writes already accepted are committed, not dropped.
    if (this.batch.length) {
      this.lastGroupSize = 1;
      this.flush();
    }
    this.closed = true;
    clearInterval(this.compactTimer);
    this.hub.close();
    this.db.close();
  }

  /**
   * Group commit: a write joins the pending group and resolves once the group's one IMMEDIATE transaction
   * (one WAL fsync) has committed, so an acknowledged write is durable. The group is committed on the next
   * event-loop turn; while writers are concurrent it waits up to GROUP_WINDOW_NS more, turn by turn, so
   * requests arriving meanwhile share the fsync. A lone writer commits on the next turn.
   */
  private write(key: string, decide: DecideAppend): Promise<KeyValue> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    return new Promise((resolve, reject) => {
      if (this.batch.length === 0) this.batchStartedAt = process.hrtime.bigint();
      this.batch.push({ key, decide, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const waited = process.hrtime.bigint() - this.batchStartedAt;
    if (!this.closed && this.lastGroupSize > 1 && this.batch.length < MAX_GROUP && waited < GROUP_WINDOW_NS) {
      setImmediate(() => this.flush());
      return;
    }
    this.flushScheduled = false;
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    this.lastGroupSize = batch.length;
    if (this.closed) {
      for (const w of batch) w.reject(new StoreClosedError());
      return;
    }
    try {
      this.commitTx.immediate(batch);
    } catch (err) {
      // The transaction itself failed (I/O, busy): nothing of the group was committed.
      for (const w of batch) w.reject(this.translateConflict(w.key, err));
      return;
    }
    for (const w of batch) {
      if (w.row) {
        this.revision = w.row.id;
        this.remember(w.key, w.row);
        this.hub.publish(w.row);
      }
    }
    for (const w of batch) {
      if (w.row) w.resolve(rowKeyValue(w.row));
      else w.reject(this.translateConflict(w.key, w.error));
    }
  }

  /**
   * The UNIQUE (name, prev_revision) index rejected the append: another writer on the same file replaced
   * the row first. Reported as the error the losing caller would have got had it read after the winner.
   */
  private translateConflict(key: string, err: unknown): unknown {
    if (!(err instanceof Database.SqliteError) || err.code !== 'SQLITE_CONSTRAINT_UNIQUE') return err;
    this.latest.delete(key);
    const latest = this.latestRow(key);
    if (latest && !latest.deleted) return new KeyExistsError(key);
    return new KeyNotFoundError(key);
  }

  private latestRow(key: string): LogRow | undefined {
    const cached = this.latest.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const row = this.statement(`SELECT ${rowColumns('kine')} FROM kine WHERE name = ? ORDER BY id DESC LIMIT 1`).get(
      key,
    ) as LogRow | undefined;
    this.remember(key, row);
    return row;
  }

  /**
   * The newest row per key, kept for the keys read or written last: every GET reads one, and this
   * process is the file's only writer (see `write`), so the cache is exactly the table's answer.
   */
  private remember(key: string, row: LogRow | undefined): void {
    this.latest.delete(key);
    // The replaced value (oldValue) is only needed by the watch event already sent: not held in the cache.
    this.latest.set(key, row ? (row.oldValue === null ? row : { ...row, oldValue: null }) : null);
    if (this.latest.size > LATEST_CACHE_SIZE) this.latest.delete(this.latest.keys().next().value as string);
  }

  /** Log rows above revision under prefix, in revision order: walks the id range (a watch resumes from a
   * recent revision), the unary `+` keeping SQLite off the name index. */
  private rowsAfter(prefix: string, revision: number): LogRow[] {
    const [range, params] = nameRange(prefix, '+name');
    return this.statement(`SELECT ${rowColumns('kine')} FROM kine WHERE id > ? AND ${range} ORDER BY id`).all(
      revision,
      ...params,
    ) as LogRow[];
  }

  /**
   * The newest row of each key under prefix, as of atRevision when given, live keys only, in key order.
   * Walks the name index and keeps a row when it is its key's newest (a correlated MAX(id)), so that a
   * page stops after `limit` rows instead of sorting the whole range as `GROUP BY name` would.
   */
  private liveRows(
    prefix: string,
    after: string | undefined,
    atRevision: number | undefined,
    limit?: number,
  ): LogRow[] {
    const [range, params] = nameRange(prefix, 'kv.name', after);
    let sql = `SELECT ${rowColumns('kv')} FROM kine kv WHERE ${range}`;
    if (atRevision !== undefined) {
      sql += ' AND kv.id <= ? AND kv.id = (SELECT MAX(k2.id) FROM kine k2 WHERE k2.name = kv.name AND k2.id <= ?)';
      params.push(atRevision, atRevision);
    } else {
      sql += ' AND kv.id = (SELECT MAX(k2.id) FROM kine k2 WHERE k2.name = kv.name)';
    }
    sql += ' AND kv.deleted = 0 ORDER BY kv.name';
    if (limit) {
      sql += ' LIMIT ?';
      params.push(limit);
    }
    return this.statement(sql).all(...params) as LogRow[];
  }

  /** How many live keys are under prefix (after `after`, as of atRevision): kine's MAX(id) GROUP BY name. */
  private countLive(prefix: string, after: string | undefined, atRevision: number | undefined): number {
    const [range, params] = nameRange(prefix, 'name', after);
    let newest = `SELECT MAX(id) AS id FROM kine WHERE ${range}`;
    if (atRevision !== undefined) {
      newest += ' AND id <= ?';
      params.push(atRevision);
    }
    const sql = `SELECT COUNT(*) AS n FROM kine kv JOIN (${newest} GROUP BY name) m ON kv.id = m.id WHERE kv.deleted = 0`;
    return (this.statement(sql).get(...params) as { n: number }).n;
  }

  private readRevision(requested: number | undefined): number {
    if (!requested || requested >= this.revision) return this.revision;
    if (requested < this.compacted) throw new CompactedError(requested, this.compacted);
    return requested;
  }

  /**
   * Automatic compaction, as kube-apiserver's compactor runs every --etcd-compaction-interval (5 min):
   * up to the revision seen one interval ago, so history spans one to two intervals, and never the
   * newest `retain` revisions (kine's --compact-min-retain).
   */
  private async compactRetaining(retain: number): Promise<void> {
    if (this.compacting || this.closed) return;
    this.compacting = true;
    const seenLastTick = this.revisionAtLastTick;
    this.revisionAtLastTick = this.revision;
    try {
      const target = Math.min(seenLastTick, this.revision - retain);
      if (target > this.compacted) await this.compact(target);
    } catch (err) {
      log.warn({ err }, 'storage compaction failed');
    } finally {
      this.compacting = false;
    }
  }

  /** Prepared once per distinct SQL text and kept: statements are the hot path of every request. */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private number(sql: string, ...params: Param[]): number {
    const row = this.db.prepare(sql).get(...params) as { n: number } | undefined;
    return row ? Number(row.n) : 0;
  }
}

/**
 * `prefix <= name < prefixEnd(prefix)`, an index range scan immune to `_` and `%` in keys. With `after`
 * (a page's position) the lower bound becomes `name > after` when that is tighter, since SQLite walks
 * the index from one lower bound only.
 */
function nameRange(prefix: string, column: string, after?: string): [string, Param[]] {
  const [lower, params]: [string, Param[]] =
    after !== undefined && compareKeys(after, prefix) >= 0 ? [`${column} > ?`, [after]] : [`${column} >= ?`, [prefix]];
  const end = prefixEnd(prefix);
  if (end === undefined) return [lower, params];
  return [`${lower} AND ${column} < ?`, [...params, end]];
}

function checkCurrent(key: string, latest: LogRow | undefined, expectedModRevision: number | undefined): LogRow {
  if (!latest || latest.deleted) throw new KeyNotFoundError(key);
  if (expectedModRevision !== undefined && latest.id !== expectedModRevision) {
    throw new RevisionMismatchError(key, expectedModRevision, latest.id);
  }
  return latest;
}

/** Creates the database file with mode 0600 before SQLite opens it (it holds Secrets); SQLite gives
 * the -wal and -shm files the same mode. */
function createPrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}
