// One Store watcher on etcd: its own gRPC watch stream (streams share the client's HTTP/2 connection),
// started at fromRevision + 1 with prev_kv, resumed after the last delivered revision when the stream
// breaks (an etcd member dies), and failed with CompactedError when etcd answers with compact_revision —
// kube's etcd3 watcher turns that into 410 "too old resource version".
import type { Etcd3 } from 'etcd3';
import type { IEvent, IWatchResponse } from 'etcd3/lib/rpc.js';
import { log } from '../log.js';
import { CompactedError, type KeyValue, type WatchEvent } from './interface.js';
import type { EtcdKeyspace } from './etcd_keys.js';

const RECONNECT_MIN_MS = 50;
const RECONNECT_MAX_MS = 2000;

interface WatchStream {
  write(req: unknown): void;
  on(event: 'data', fn: (res: IWatchResponse) => void): WatchStream;
  on(event: 'error' | 'end', fn: (err?: Error) => void): WatchStream;
  cancel?(): void;
  end(): void;
}

export interface EtcdWatchSpec {
  client: Etcd3;
  keys: EtcdKeyspace;
  start: Buffer;
  end: Buffer;
  /** Events with a greater revision are delivered. */
  afterRevision: number;
  onEvent: (ev: WatchEvent) => void;
  onError?: (err: Error) => void;
  /** Told after each delivered batch (the store's read-your-writes wait listens). */
  onProgress: () => void;
  onStop: (w: EtcdWatch) => void;
}

export function toKeyValue(
  keys: EtcdKeyspace,
  kv: { key: Buffer; value: Buffer; create_revision: string; mod_revision: string },
): KeyValue {
  return {
    key: keys.fromEtcd(kv.key),
    value: kv.value.toString('utf8'),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
  };
}

export class EtcdWatch {
  /** The revision of the last event delivered (or the start point). */
  lastRevision: number;
  stopped = false;
  private stream?: WatchStream;
  private backoff = RECONNECT_MIN_MS;

  constructor(private readonly spec: EtcdWatchSpec) {
    this.lastRevision = spec.afterRevision;
    this.connect();
  }

  covers(key: Buffer): boolean {
    return (
      Buffer.compare(key, this.spec.start) >= 0 &&
      (this.spec.end.equals(Buffer.from([0])) || Buffer.compare(key, this.spec.end) < 0)
    );
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.closeStream();
    this.spec.onStop(this);
  }

  /** Stops and tells the owner why (once). */
  fail(err: Error): void {
    if (this.stopped) return;
    this.stop();
    try {
      this.spec.onError?.(err);
    } catch (thrown) {
      log.warn({ err: thrown }, 'etcd watcher onError threw');
    }
  }

  private connect(): void {
    if (this.stopped) return;
    this.spec.client.watchClient.watch().then(
      (raw) => {
        const stream = raw as unknown as WatchStream;
        if (this.stopped) {
          stream.cancel?.();
          return;
        }
        this.stream = stream;
        stream.on('data', (res) => this.handle(stream, res));
        stream.on('error', () => this.broken(stream));
        stream.on('end', () => this.broken(stream));
        stream.write({
          create_request: {
            key: this.spec.start,
            range_end: this.spec.end,
            start_revision: this.lastRevision + 1,
            prev_kv: true,
            progress_notify: true,
          },
        });
      },
      () => this.retry(),
    );
  }

  private broken(stream: WatchStream): void {
    if (this.stream !== stream) return;
    this.closeStream();
    this.retry();
  }

  private retry(): void {
    if (this.stopped) return;
    const delay = this.backoff;
    this.backoff = Math.min(RECONNECT_MAX_MS, this.backoff * 2);
    setTimeout(() => this.connect(), delay).unref();
  }

  private closeStream(): void {
    const stream = this.stream;
    this.stream = undefined;
    try {
      stream?.cancel?.();
    } catch {
      /* already closed */
    }
  }

  private handle(stream: WatchStream, res: IWatchResponse): void {
    if (this.stopped || this.stream !== stream) return;
    if (res.compact_revision && res.compact_revision !== '0') {
      this.fail(new CompactedError(this.lastRevision, Number(res.compact_revision)));
      return;
    }
    if (res.canceled) {
      this.fail(new Error(`etcd canceled the watch: ${res.cancel_reason || 'no reason given'}`));
      return;
    }
    this.backoff = RECONNECT_MIN_MS;
    if (res.created) return;
    if (res.events.length === 0) {
      // A progress notification: every event up to the header's revision has been sent.
      this.lastRevision = Math.max(this.lastRevision, Number(res.header.revision));
    }
    for (const ev of res.events) {
      if (this.stopped) return;
      const revision = Number(ev.kv.mod_revision);
      if (revision <= this.lastRevision) continue; // replayed after a reconnect
      this.lastRevision = revision;
      const event = this.toEvent(ev);
      try {
        this.spec.onEvent(event);
      } catch (err) {
        // A watcher's failure stops only that watcher.
        this.fail(err instanceof Error ? err : new Error(String(err)));
        return;
      }
    }
    this.spec.onProgress();
  }

  private toEvent(ev: IEvent): WatchEvent {
    const keys = this.spec.keys;
    const prevKv = ev.prev_kv ? toKeyValue(keys, ev.prev_kv) : undefined;
    if (ev.type === 'Delete') {
      // etcd's delete event carries only the key and revision; the deleted value is prev_kv.
      const kv: KeyValue = {
        key: keys.fromEtcd(ev.kv.key),
        value: prevKv?.value ?? '',
        createRevision: prevKv?.createRevision ?? 0,
        modRevision: Number(ev.kv.mod_revision),
      };
      return prevKv ? { type: 'DELETE', kv, prevKv, created: false } : { type: 'DELETE', kv, created: false };
    }
    const kv = toKeyValue(keys, ev.kv);
    const created = ev.kv.version === '1';
    const event: WatchEvent = { type: 'PUT', kv, created };
    if (prevKv && !created) event.prevKv = prevKv;
    return event;
  }
}
