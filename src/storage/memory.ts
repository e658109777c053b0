// An in-memory Store for unit tests, keeping the same append-only log as the SQLite store so that
// history, watch-from-revision and compaction behave identically (both pass test/unit/storage/store-suite.ts).
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
import { compareKeys } from './keys.js';
import { rowKeyValue, type LogRow } from './log_row.js';
import { WatchHub } from './watch_hub.js';

export class MemoryStore implements Store {
  readonly name = 'memory';
  /** Every surviving write, in revision order. */
  private log: LogRow[] = [];
  /** The newest row of each key still in the log, tombstones included (a re-create chains to them). */
  private readonly latest = new Map<string, LogRow>();
  /** Live keys, sorted by compareKeys. */
  private readonly liveKeys: string[] = [];
  private revision = 0;
  private compacted = 0;
  private readonly hub = new WatchHub();

  async get(key: string): Promise<KeyValue | undefined> {
    const row = this.latest.get(key);
    return row && !row.deleted ? rowKeyValue(row) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const atRevision = this.readRevision(opts.revision);
    const rows =
      atRevision === this.revision ? this.liveRows(prefix, opts.after) : this.rowsAt(prefix, atRevision, opts.after);
    const end = opts.limit ? Math.min(rows.length, opts.limit) : rows.length;
    return { items: rows.slice(0, end).map(rowKeyValue), revision: atRevision, remaining: rows.length - end };
  }

  async count(prefix: string): Promise<number> {
    return this.liveRows(prefix).length;
  }

  async create(key: string, value: string): Promise<KeyValue> {
    const latest = this.latest.get(key);
    if (latest && !latest.deleted) throw new KeyExistsError(key);
    return this.append({
      name: key,
      created: 1,
      deleted: 0,
      createRevision: 0,
      prevRevision: latest?.id ?? 0,
      value,
      oldValue: null,
    });
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    const latest = this.current(key, expectedModRevision);
    return this.append({
      name: key,
      created: 0,
      deleted: 0,
      createRevision: rowKeyValue(latest).createRevision,
      prevRevision: latest.id,
      value,
      oldValue: latest.value,
    });
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    const latest = this.current(key, expectedModRevision);
    return this.append({
      name: key,
      created: 0,
      deleted: 1,
      createRevision: rowKeyValue(latest).createRevision,
      prevRevision: latest.id,
      value: latest.value,
      oldValue: latest.value,
    });
  }

  watch(
    prefix: string,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent) => void,
    onError?: (err: Error) => void,
  ): Watcher {
    const from = opts.fromRevision ?? 0;
    if (from > 0 && from < this.compacted) return this.hub.failed(new CompactedError(from, this.compacted), onError);
    const replay =
      from > 0 ? this.log.slice(firstAbove(this.log, from)).filter((row) => row.name.startsWith(prefix)) : [];
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
    // kine's rule: drop every row superseded at or below target, and every tombstone at or below target.
    const drop = new Set<number>();
    for (const row of this.log) {
      if (row.id > target) break;
      if (row.prevRevision > 0) drop.add(row.prevRevision);
      if (row.deleted) drop.add(row.id);
    }
    this.log = this.log.filter((row) => !drop.has(row.id));
    for (const [name, row] of this.latest) if (drop.has(row.id)) this.latest.delete(name);
    this.compacted = target;
  }

  async close(): Promise<void> {
    this.hub.close();
  }

  /** The live latest row of key, checked against the expected revision when one is given. */
  private current(key: string, expectedModRevision?: number): LogRow {
    const latest = this.latest.get(key);
    if (!latest || latest.deleted) throw new KeyNotFoundError(key);
    if (expectedModRevision !== undefined && latest.id !== expectedModRevision) {
      throw new RevisionMismatchError(key, expectedModRevision, latest.id);
    }
    return latest;
  }

  private append(fields: Omit<LogRow, 'id'>): KeyValue {
    const row: LogRow = { id: ++this.revision, ...fields };
    this.log.push(row);
    this.latest.set(row.name, row);
    const at = lowerBound(this.liveKeys, row.name);
    const present = this.liveKeys[at] === row.name;
    if (row.deleted && present) this.liveKeys.splice(at, 1);
    else if (!row.deleted && !present) this.liveKeys.splice(at, 0, row.name);
    this.hub.publish(row);
    return rowKeyValue(row);
  }

  private readRevision(requested: number | undefined): number {
    if (!requested || requested >= this.revision) return this.revision;
    if (requested < this.compacted) throw new CompactedError(requested, this.compacted);
    return requested;
  }

  /** Latest live rows under prefix (and after `after`), in key order. */
  private liveRows(prefix: string, after?: string): LogRow[] {
    const rows: LogRow[] = [];
    let i = lowerBound(this.liveKeys, prefix);
    if (after !== undefined) i = Math.max(i, upperBound(this.liveKeys, after));
    for (; i < this.liveKeys.length; i++) {
      const key = this.liveKeys[i]!;
      if (!key.startsWith(prefix)) break;
      rows.push(this.latest.get(key)!);
    }
    return rows;
  }

  /** Live rows under prefix (and after `after`) as of a past revision, in key order. */
  private rowsAt(prefix: string, revision: number, after?: string): LogRow[] {
    const newest = new Map<string, LogRow>();
    for (let i = 0, end = firstAbove(this.log, revision); i < end; i++) {
      const row = this.log[i]!;
      if (row.name.startsWith(prefix)) newest.set(row.name, row);
    }
    return Array.from(newest.values())
      .filter((row) => !row.deleted && (after === undefined || compareKeys(row.name, after) > 0))
      .sort((a, b) => compareKeys(a.name, b.name));
  }
}

/** Index of the first key >= key in a sorted array. */
function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(keys[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first key > key in a sorted array. */
function upperBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(keys[mid]!, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first row with id > revision in a log ordered by id. */
function firstAbove(rows: LogRow[], revision: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.id <= revision) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
