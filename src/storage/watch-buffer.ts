// Backpressure for one watch stream, as kube-apiserver's watch cache gives each watcher: writes go to the
// socket while it drains; once it stops draining, events wait in a bounded per-watcher buffer, and a watcher
// whose buffer overflows is terminated (cacher.go: a cacheWatcher that cannot take an event within its
// budget is stopped and apiserver_terminated_watchers_total counts it). The client's reflector then
// resumes from its last resourceVersion, or re-lists on 410. Buffered lines are the shared, encoded-once
// Buffers of watch-encoding.ts, so a buffered event costs a pointer per watcher, not a copy, and no watcher
// re-encodes its text to UTF-8 on write.
import { log } from '../log.js';

/** One encoded event: a Buffer shared by all watchers of the event (or a string, encoded on write). */
export type WatchChunk = string | Uint8Array;

/** The part of a ServerResponse (or any Writable) a watch writes to. */
export interface WatchSink {
  write(chunk: WatchChunk): boolean;
  once(event: 'drain', listener: () => void): unknown;
  removeListener(event: 'drain', listener: () => void): unknown;
}

export interface WatchBufferOptions {
  /** Events a watcher may have waiting behind a socket that stopped draining (kube's chanSize, 10–1000). */
  maxEvents?: number;
  /** How long a full buffer may wait for the socket to drain before the watcher is ended (cacher's budget). */
  stallMs?: number;
  /** A buffer this many times maxEvents ends the watcher even if the socket drains now and then (100). */
  hardLimitFactor?: number;
  now?: () => number;
}

/** kube's default watcher channel size (watch_cache.go suggestedWatchChannelSize: 10 unless indexed). */
export const DEFAULT_WATCH_BUFFER_EVENTS = 10;
/**
 * How long a full buffer may wait for its socket to drain. kube's cacher waits at most 100 ms of a shared
 * dispatch budget, because there a blocked watcher holds up the dispatch of every event; here waiting costs
 * a pointer per event, so a reader that is slow (but reading) gets a second, and a lagging one is still
 * ended at the hard limit.
 */
export const DEFAULT_WATCH_STALL_MS = 1000;
/** The hard limit is this many times the buffer: 1,000 events, at most a second's worth at 1,000 writes/s. */
export const DEFAULT_HARD_LIMIT_FACTOR = 100;

/** Watchers ended because they fell behind, per resource (kube's apiserver_terminated_watchers_total). */
const terminated = new Map<string, number>();

/** The termination counter, for /metrics: resource (`configmaps`, `roles.rbac.authorization.k8s.io`) → count. */
export function terminatedWatchers(): ReadonlyMap<string, number> {
  return terminated;
}

/** Counts (and logs, with cacher.go's words) a watcher ended for falling behind. */
export function countTerminatedWatcher(resource: string): void {
  terminated.set(resource, (terminated.get(resource) ?? 0) + 1);
  log.warn({ resource, buffered: 'full' }, `Forcing ${resource} watcher close due to unresponsiveness`);
}

export class WatchBuffer {
  private readonly queue: (WatchChunk | undefined)[] = [];
  private head = 0;
  private waitingForDrain = false;
  /** When the socket last refused more: a stall is measured from then, not from the last drain. */
  private waitingSince = 0;
  private ended = false;
  private readonly maxEvents: number;
  private readonly stallMs: number;
  private readonly hardLimit: number;
  private readonly now: () => number;
  private drainWaiters: (() => void)[] = [];

  /** onOverflow runs once, when the watcher fell behind; the caller ends the stream and counts it. */
  constructor(
    private readonly sink: WatchSink,
    private readonly onOverflow: () => void,
    opts: WatchBufferOptions = {},
  ) {
    this.maxEvents = opts.maxEvents ?? DEFAULT_WATCH_BUFFER_EVENTS;
    this.stallMs = opts.stallMs ?? DEFAULT_WATCH_STALL_MS;
    this.hardLimit = this.maxEvents * (opts.hardLimitFactor ?? DEFAULT_HARD_LIMIT_FACTOR);
    this.now = opts.now ?? Date.now;
  }

  /** Events waiting for the socket. */
  get buffered(): number {
    return this.queue.length - this.head;
  }

  get overflowed(): boolean {
    return this.ended;
  }

  /** Queues one encoded event; false once the watcher has been ended for falling behind. */
  push(line: WatchChunk): boolean {
    if (this.ended) return false;
    if (!this.waitingForDrain) {
      this.writeNow(line);
      return true;
    }
    this.queue.push(line);
    const waiting = this.buffered;
    const stalled = this.now() - this.waitingSince > this.stallMs;
    if ((waiting > this.maxEvents && stalled) || waiting > this.hardLimit) {
      this.end();
      this.onOverflow();
      return false;
    }
    return true;
  }

  /**
   * Resolves when the socket can take more (at once if it can). Senders of long paced streams (a watch's
   * initial events) await it between chunks instead of filling the buffer.
   */
  drained(): Promise<void> {
    if (!this.waitingForDrain || this.ended) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Drops what is buffered and stops listening; later pushes are refused. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.queue.length = 0;
    this.head = 0;
    this.sink.removeListener('drain', this.onDrain);
    this.releaseWaiters();
  }

  private writeNow(line: WatchChunk): void {
    if (this.sink.write(line) === false) {
      this.waitingForDrain = true;
      this.waitingSince = this.now();
      this.sink.once('drain', this.onDrain);
    }
  }

  private readonly onDrain = (): void => {
    this.waitingForDrain = false;
    while (!this.ended && !this.waitingForDrain && this.head < this.queue.length) {
      const line = this.queue[this.head]!;
      this.queue[this.head++] = undefined;
      this.writeNow(line);
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (!this.waitingForDrain) this.releaseWaiters();
  };

  private releaseWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }
}
