// The etcd v3 Store, for several kauth replicas on one etcd cluster (kube-apiserver's storage/etcd3, in
// kauth's Store shape): resourceVersion is the etcd revision, create is a transaction on
// create_revision == 0, update and delete compare the key's mod_revision, lists read at a revision and
// page, and watches start from a revision (etcd_watch.ts). kube's compactor runs every
// --etcd-compaction-interval, coordinated between replicas through `compact_rev_key` as kube does.
//
// Read-your-writes for in-process views: a write resolves only after this process's watchers that
// cover the key have delivered its revision (bounded wait), so an informer-fed index (RBAC, the Node
// graph) is current before the write's response leaves — the same guarantee the SQLite store gives.
import { readFileSync } from 'node:fs';
import { Etcd3, type IOptions } from 'etcd3';
import type { IKeyValue, IRangeRequest, IRangeResponse, ITxnRequest, ITxnResponse } from 'etcd3/lib/rpc.js';
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
import { compareKeys } from './keys.js';
import { bytePrefixEnd, EtcdKeyspace, keySuccessor } from './etcd_keys.js';
import { EtcdWatch, toKeyValue } from './etcd_watch.js';
import { StoreClosedError } from './watch_hub.js';

export interface EtcdStoreOptions {
  /** --etcd-servers: client URLs of the members (all http:// or all https://). */
  endpoints: string[];
  /** --etcd-prefix: replaces the leading `/registry` of every key (default /registry). */
  prefix?: string;
  /** What every store key starts with (default /registry; tests use '' to isolate a whole keyspace). */
  storePrefix?: string;
  /** --etcd-cafile, --etcd-certfile, --etcd-keyfile: TLS to etcd. */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** --etcd-compaction-interval in ms (kube's default 5 min); 0 turns kauth's compactor off. */
  compactionIntervalMs?: number;
  /** Deadline of one unary call (default 10 s). */
  requestTimeoutMs?: number;
}

/** kube-apiserver's compactor key (storage/etcd3/compact.go), outside every prefix. */
export const COMPACT_REV_KEY = 'compact_rev_key';
const DEFAULT_COMPACTION_INTERVAL_MS = 5 * 60 * 1000;
/** How long a write waits for this process's watchers to deliver it. */
const OWN_WATCH_WAIT_MS = 1000;

const isCompacted = (err: unknown): boolean =>
  /required revision has been compacted/.test(String((err as Error)?.message));
const isFutureRevision = (err: unknown): boolean =>
  /required revision is a future revision/.test(String((err as Error)?.message));

interface PendingStart {
  firstWrite: number;
  writes: Promise<unknown>[];
}

interface PendingWait {
  key: Buffer;
  revision: number;
  resolve: () => void;
}

export class EtcdStore implements Store {
  readonly name = 'etcd';
  private readonly client: Etcd3;
  private readonly keys: EtcdKeyspace;
  private readonly watches = new Set<EtcdWatch>();
  private readonly waits = new Set<PendingWait>();
  /** Watches still fetching their start revision, with the first write this process made meanwhile. */
  private readonly pendingStarts = new Set<PendingStart>();
  private readonly compactTimer?: NodeJS.Timeout;
  /** The highest revision any response has shown this process. */
  private seenRevision = 0;
  private closed = false;

  constructor(opts: EtcdStoreOptions) {
    if (opts.endpoints.length === 0) throw new Error('--etcd-servers: no etcd endpoints given');
    const timeout = opts.requestTimeoutMs ?? 10_000;
    const options: IOptions = {
      hosts: opts.endpoints,
      // Unary calls get a deadline (a hung member must not hang a request); watch streams live on.
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
    };
    if (opts.caFile || opts.certFile || opts.keyFile) {
      options.credentials = {
        rootCertificate: opts.caFile ? readFileSync(opts.caFile) : (undefined as unknown as Buffer),
        certChain: opts.certFile ? readFileSync(opts.certFile) : undefined,
        privateKey: opts.keyFile ? readFileSync(opts.keyFile) : undefined,
      };
    }
    this.client = new Etcd3(options);
    this.keys = new EtcdKeyspace(opts.storePrefix ?? '/registry', opts.prefix ?? '/registry');
    const interval = opts.compactionIntervalMs ?? DEFAULT_COMPACTION_INTERVAL_MS;
    if (interval > 0) {
      let state = { version: 0, revision: 0 };
      this.compactTimer = setInterval(() => {
        this.compactOnce(state).then(
          (next) => {
            state = next;
          },
          (err) => log.warn({ err: (err as Error).message }, 'etcd compaction failed'),
        );
      }, interval);
      this.compactTimer.unref();
    }
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.range({ key: this.keys.toEtcd(key) });
    const kv = res.kvs[0];
    return kv ? toKeyValue(this.keys, kv) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const start = this.keys.prefixToEtcd(prefix);
    const end = bytePrefixEnd(start);
    const from =
      opts.after !== undefined && compareKeys(opts.after, prefix) >= 0
        ? keySuccessor(this.keys.toEtcd(opts.after))
        : start;
    const req: IRangeRequest = { key: from, range_end: end };
    if (opts.limit) req.limit = opts.limit;
    let res: IRangeResponse;
    let atRevision = opts.revision && opts.revision > 0 ? opts.revision : undefined;
    try {
      res = await this.range(atRevision ? { ...req, revision: atRevision } : req);
    } catch (err) {
      if (atRevision && isCompacted(err)) throw new CompactedError(atRevision, await this.compactedRevision());
      // A revision this member has not reached (or none yet written): read the latest, as the other backends do.
      if (!atRevision || !isFutureRevision(err)) throw err;
      atRevision = undefined;
      res = await this.range(req);
    }
    const current = Number(res.header.revision);
    const items = res.kvs.map((kv) => toKeyValue(this.keys, kv));
    return {
      items,
      revision: atRevision && atRevision < current ? atRevision : current,
      remaining: Number(res.count) - items.length,
    };
  }

  async count(prefix: string): Promise<number> {
    const start = this.keys.prefixToEtcd(prefix);
    const res = await this.range({ key: start, range_end: bytePrefixEnd(start), count_only: true });
    return Number(res.count);
  }

  async create(key: string, value: string): Promise<KeyValue> {
    const k = this.keys.toEtcd(key);
    const res = await this.txn({
      compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
      success: [{ request_put: { key: k, value: Buffer.from(value, 'utf8') } }],
      failure: [],
    });
    if (!res.succeeded) throw new KeyExistsError(key);
    const revision = Number(res.header.revision);
    await this.ownWatchersAt(k, revision);
    return { key, value, createRevision: revision, modRevision: revision };
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    const k = this.keys.toEtcd(key);
    const res = await this.txn({
      compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision }],
      success: [{ request_put: { key: k, value: Buffer.from(value, 'utf8'), prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) throw this.mismatch(key, res, expectedModRevision);
    const prev = res.responses[0]?.response_put.prev_kv as IKeyValue | undefined;
    const revision = Number(res.header.revision);
    await this.ownWatchersAt(k, revision);
    return { key, value, createRevision: prev ? Number(prev.create_revision) : revision, modRevision: revision };
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    const k = this.keys.toEtcd(key);
    const res = await this.txn({
      compare:
        expectedModRevision === undefined
          ? []
          : [{ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision }],
      success: [{ request_delete_range: { key: k, prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) throw this.mismatch(key, res, expectedModRevision ?? 0);
    const prev = res.responses[0]?.response_delete_range.prev_kvs[0];
    if (!prev) throw new KeyNotFoundError(key);
    const revision = Number(res.header.revision);
    await this.ownWatchersAt(k, revision);
    return {
      key,
      value: prev.value.toString('utf8'),
      createRevision: Number(prev.create_revision),
      modRevision: revision,
    };
  }

  watch(
    prefix: string,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent) => void,
    onError?: (err: Error) => void,
  ): Watcher {
    if (this.closed) return failedWatcher(new StoreClosedError(), onError);
    const start = this.keys.prefixToEtcd(prefix);
    const spec = {
      client: this.client,
      keys: this.keys,
      start,
      end: bytePrefixEnd(start),
      onEvent,
      onError,
      onProgress: () => this.checkWaits(),
      onStop: (w: EtcdWatch) => {
        this.watches.delete(w);
        this.checkWaits();
      },
    };
    const from = opts.fromRevision ?? 0;
    if (from > 0 || this.seenRevision > 0) {
      // "Only new events": after the newest revision this process has seen, so a write it made before
      // calling watch is not replayed and none made after is missed.
      const w = new EtcdWatch({ ...spec, afterRevision: from > 0 ? from : this.seenRevision });
      this.watches.add(w);
      return w;
    }
    // Nothing seen yet: ask etcd for its revision first, starting before any write this process makes
    // meanwhile (so none is missed); stop() before then cancels the start.
    let inner: EtcdWatch | undefined;
    let stopped = false;
    const pending: PendingStart = { firstWrite: Number.POSITIVE_INFINITY, writes: [] };
    this.pendingStarts.add(pending);
    const closedOr = (err: Error): Error => (this.closed ? new StoreClosedError() : err);
    const startRevision = async (): Promise<number> => {
      const revision = await this.currentRevision();
      // Writes issued since watch() was called may have committed before that read: wait for their revisions.
      this.pendingStarts.delete(pending);
      await Promise.allSettled(pending.writes);
      return revision;
    };
    startRevision().then(
      (revision) => {
        if (stopped) return;
        if (this.closed) return void onError?.(new StoreClosedError());
        inner = new EtcdWatch({ ...spec, afterRevision: Math.min(revision, pending.firstWrite - 1) });
        this.watches.add(inner);
      },
      (err: Error) => {
        this.pendingStarts.delete(pending);
        if (!stopped) onError?.(closedOr(err));
      },
    );
    return {
      stop: () => {
        stopped = true;
        inner?.stop();
      },
    };
  }

  async currentRevision(): Promise<number> {
    // A linearizable read of one key: its header carries the cluster's current revision.
    const res = await this.range({ key: Buffer.from(COMPACT_REV_KEY), count_only: true });
    return Number(res.header.revision);
  }

  /**
   * etcd does not report its compacted revision directly; a read at revision r fails exactly when r is
   * below it, so a binary search over single-key reads finds it (about log2(revision) cheap calls).
   */
  async compactedRevision(): Promise<number> {
    const probe = Buffer.from(COMPACT_REV_KEY);
    const readable = async (revision: number): Promise<boolean> => {
      try {
        await this.range({ key: probe, count_only: true, revision });
        return true;
      } catch (err) {
        if (isCompacted(err)) return false;
        throw err;
      }
    };
    let high = await this.currentRevision();
    if (await readable(1)) return 0;
    let low = 1; // not readable
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (await readable(mid)) high = mid;
      else low = mid;
    }
    return high;
  }

  async compact(revision: number): Promise<void> {
    const target = Math.min(revision, await this.currentRevision());
    if (target <= 0) return;
    try {
      await this.client.kv.compact({ revision: target, physical: true });
    } catch (err) {
      if (!isCompacted(err)) throw err; // compacting to an older revision is a no-op
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.compactTimer);
    for (const w of Array.from(this.watches)) w.fail(new StoreClosedError());
    for (const wait of this.waits) wait.resolve();
    this.waits.clear();
    this.client.close();
  }

  /**
   * kube-apiserver's compactor (storage/etcd3/compact.go): every interval, the replica whose transaction
   * on compact_rev_key's version wins records the current revision and compacts to the one recorded
   * an interval ago, so several replicas compact once per interval between them.
   */
  private async compactOnce(state: {
    version: number;
    revision: number;
  }): Promise<{ version: number; revision: number }> {
    const key = Buffer.from(COMPACT_REV_KEY);
    const res = await this.txn({
      compare: [{ key, target: 'Version', result: 'Equal', version: state.version }],
      success: [{ request_put: { key, value: Buffer.from(String(state.revision)) } }],
      failure: [{ request_range: { key } }],
    });
    const current = Number(res.header.revision);
    if (!res.succeeded) {
      const kv = res.responses[0]?.response_range.kvs[0];
      return { version: kv ? Number(kv.version) : 0, revision: current };
    }
    if (state.revision > 0) {
      await this.compact(state.revision);
      log.info({ revision: state.revision }, 'etcd compacted');
    }
    return { version: state.version + 1, revision: current };
  }

  private mismatch(key: string, res: ITxnResponse, expected: number): Error {
    const current = res.responses[0]?.response_range.kvs[0];
    if (!current) return new KeyNotFoundError(key);
    return new RevisionMismatchError(key, expected, Number(current.mod_revision));
  }

  private async range(req: IRangeRequest): Promise<IRangeResponse> {
    if (this.closed) throw new StoreClosedError();
    const res = await this.client.kv.range(req);
    this.saw(res.header.revision);
    return res;
  }

  private async txn(req: ITxnRequest): Promise<ITxnResponse> {
    if (this.closed) throw new StoreClosedError();
    const call = this.client.kv.txn(req);
    const starts = [...this.pendingStarts];
    for (const p of starts) p.writes.push(call);
    const res = await call;
    this.saw(res.header.revision);
    if (res.succeeded) for (const p of starts) p.firstWrite = Math.min(p.firstWrite, Number(res.header.revision));
    return res;
  }

  private saw(revision: string): void {
    const n = Number(revision);
    if (n > this.seenRevision) this.seenRevision = n;
  }

  /** Waits (bounded) until every watcher of this process that covers key has delivered revision. */
  private ownWatchersAt(key: Buffer, revision: number): Promise<void> {
    if (!this.behind(key, revision)) return Promise.resolve();
    return new Promise((resolve) => {
      const wait: PendingWait = {
        key,
        revision,
        resolve: () => {
          clearTimeout(timer);
          this.waits.delete(wait);
          resolve();
        },
      };
      const timer = setTimeout(wait.resolve, OWN_WATCH_WAIT_MS);
      this.waits.add(wait);
    });
  }

  private behind(key: Buffer, revision: number): boolean {
    for (const w of this.watches) if (!w.stopped && w.lastRevision < revision && w.covers(key)) return true;
    return false;
  }

  private checkWaits(): void {
    for (const wait of Array.from(this.waits)) if (!this.behind(wait.key, wait.revision)) wait.resolve();
  }
}

function failedWatcher(err: Error, onError?: (err: Error) => void): Watcher {
  let stopped = false;
  queueMicrotask(() => {
    if (!stopped) onError?.(err);
  });
  return {
    stop: () => {
      stopped = true;
    },
  };
}
