// The storage contract, shaped like etcd's (and like kine's SQL log): keys such as
// `/registry/pods/demo/netpod`, one global revision that becomes metadata.resourceVersion,
// compare-and-swap on the key's modRevision, and watch from a revision. Every backend
// (memory, sqlite, etcd) passes the same suite in test/unit/storage/store-suite.ts.

export interface KeyValue {
  key: string;
  /** The stored bytes, as text (kauth stores JSON). */
  value: string;
  /** Revision at which the key was (last) created. */
  createRevision: number;
  /** Revision of the last write to the key; becomes metadata.resourceVersion. */
  modRevision: number;
}

export type WatchEventType = 'PUT' | 'DELETE';

export interface WatchEvent {
  type: WatchEventType;
  /** For DELETE: the deleted value, with modRevision = the revision of the delete. */
  kv: KeyValue;
  /** The value before this write, when there was one. */
  prevKv?: KeyValue;
  /** True when this PUT created the key. */
  created: boolean;
}

export interface ListOptions {
  /** Return at most this many keys (0 or undefined: all). */
  limit?: number;
  /** Return keys strictly greater than this one (a `continue` token's position). */
  after?: string;
  /** Read as of this revision (0 or undefined: the latest). Older than the compacted revision → CompactedError. */
  revision?: number;
}

export interface ListResult {
  items: KeyValue[];
  /** The store revision the list reflects. */
  revision: number;
  /** How many keys remain after this page (0 when complete). */
  remaining: number;
  /**
   * True when `remaining` is only "at least one": the backend cannot count the rest without a scan
   * (sqlite), so the API leaves metadata.remainingItemCount out, which kube's ListMeta allows.
   */
  remainingUncounted?: boolean;
}

export interface Watcher {
  stop(): void;
}

export interface WatchOptions {
  /** Deliver every event with modRevision > fromRevision (replaying history first). 0: only new events. */
  fromRevision?: number;
}

export interface Store {
  readonly name: string;
  get(key: string): Promise<KeyValue | undefined>;
  /** All keys starting with prefix, ordered by key. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  count(prefix: string): Promise<number>;
  /** Creates key; throws KeyExistsError if it exists. */
  create(key: string, value: string): Promise<KeyValue>;
  /** Replaces key's value only if its modRevision equals expected; throws RevisionMismatchError or KeyNotFoundError. */
  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue>;
  /** Deletes key (only if its modRevision equals expected, when given); returns the deleted value with the delete's revision. */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;
  /** Events for keys starting with prefix, in revision order, with no gaps. */
  watch(prefix: string, opts: WatchOptions, onEvent: (ev: WatchEvent) => void, onError?: (err: Error) => void): Watcher;
  currentRevision(): Promise<number>;
  /** Oldest revision still readable by list/watch. */
  compactedRevision(): Promise<number>;
  /** Drops history at or below revision (never the latest value of a live key). */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
  /**
   * True when the value read at this revision was decoded with an outdated encryption key (kube's `stale`): an
   * update that changes nothing is written anyway, so rewriting every Secret re-encrypts them. Absent: never.
   */
  isStale?(key: string, modRevision: number): boolean;
}

export class KeyExistsError extends Error {
  constructor(readonly key: string) {
    super(`key exists: ${key}`);
    this.name = 'KeyExistsError';
  }
}

export class KeyNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`key not found: ${key}`);
    this.name = 'KeyNotFoundError';
  }
}

export class RevisionMismatchError extends Error {
  constructor(
    readonly key: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`revision mismatch on ${key}: expected ${expected}, have ${actual}`);
    this.name = 'RevisionMismatchError';
  }
}

export class CompactedError extends Error {
  constructor(
    readonly requested: number,
    readonly compacted: number,
  ) {
    super(`required revision ${requested} has been compacted (compacted revision ${compacted})`);
    this.name = 'CompactedError';
  }
}
