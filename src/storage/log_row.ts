// One row of kine's append-only log, the model every SQL-ish backend (and the memory store) keeps:
// each write appends a row whose id is the new global revision.
import type { KeyValue, WatchEvent } from './interface.js';

export interface LogRow {
  /** The revision of this write. */
  id: number;
  name: string;
  /** 1 when this write created the key. */
  created: number;
  /** 1 for a delete tombstone. */
  deleted: number;
  /** The key's create revision; 0 on a created row, whose create revision is its own id (as in kine). */
  createRevision: number;
  /** The id of the row this write replaced, 0 when none. */
  prevRevision: number;
  /** The value written; a tombstone keeps the deleted value. */
  value: string;
  /** The replaced row's value, so that watch can send prevKv without a second read. */
  oldValue: string | null;
}

export function rowKeyValue(row: LogRow): KeyValue {
  return {
    key: row.name,
    value: row.value,
    createRevision: row.created ? row.id : row.createRevision,
    modRevision: row.id,
  };
}

export function rowEvent(row: LogRow): WatchEvent {
  const kv = rowKeyValue(row);
  const prevKv: KeyValue | undefined =
    !row.created && row.prevRevision > 0 && row.oldValue !== null
      ? { key: row.name, value: row.oldValue, createRevision: kv.createRevision, modRevision: row.prevRevision }
      : undefined;
  const event: WatchEvent = { type: row.deleted ? 'DELETE' : 'PUT', kv, created: row.created === 1 && !row.deleted };
  if (prevKv) event.prevKv = prevKv;
  return event;
}
